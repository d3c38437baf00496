//! `qilian drill serve`: the drill's HTTP server (axum). Pages are static
//! HTML embedded in the binary; everything they show comes from the JSON
//! API, which checks `Authorization: Bearer TOKEN` on every call:
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET /strings.json` | anyone | the pages' words in every language, and the drill's default |
//! | `GET /font.woff2` | anyone | the embedded CJK font the pages draw with |
//! | `GET /api/map` | any | the region's geometry and the plan's depots |
//! | `GET /api/state` | any | a player: its team's view; the controller: the clock and teams |
//! | `GET /api/truth` | controller | every team's truth journal (latest [`crate::session::TRUTH_EVENTS`], or from `?since=N`), crews and latest orders |
//! | `GET /api/teams/{n}/state` | controller | team `n`'s view |
//! | `POST /api/orders` | player | an [`Order`]; `202 {"order_id": …}` |
//! | `POST /api/control` | controller | a [`Control`] |
//! | `POST /api/injects` | controller | an engine `Inject` for all teams |
//! | `POST /api/hoax` | controller | a rumour or hoax call to one team `{"team": …, "hoax": …}` |
//! | `POST /api/msel` | controller | a new MSEL entry `{"fire_s": …, "inject": …}`; `201 {"id": …}` |
//! | `PUT /api/msel/{id}` | controller | an MSEL entry not fired yet moves: `{"fire_s": …}` |
//! | `DELETE /api/msel/{id}` | controller | an MSEL entry not fired yet is taken off |
//! | `GET /api/events` | any | Server-Sent Events: the clock, on every change |
//!
//! The views (`/api/state`, `/api/truth`, `/api/teams/{n}/state`) take
//! `?lang=` (`zh-CN`, `en`; the drill's language by default) for the event
//! sentences and crew names they carry.
//!
//! `401` for a missing or unknown token, `403` for a player on a
//! controller route. `EventSource` cannot set headers, so `/api/events`
//! (and only it) also takes the token as `?token=`. Bodies are limited to
//! [`BODY_LIMIT`] bytes (`413` beyond); a body with a field the route does
//! not know is refused (`400`, naming it). Each team may post
//! [`ORDER_BURST`] orders at once and [`ORDER_RATE`] a second after that
//! (`429` beyond). A team's `/api/state` lists its latest
//! [`crate::session::VIEW_ORDERS`] orders; `/api/truth` each team's latest
//! [`crate::session::TRUTH_EVENTS`] truth events (`?since=N` pages from event `N` on) and
//! latest orders. Connections are capped and
//! closed when idle or slow to send a request's headers
//! ([`crate::guard::Limits`]: 512 connections, 30 s idle, 10 s for the
//! headers; at the cap a connection that has made no authenticated request,
//! else the idlest, makes room, else `503`).

// Helpers answer with the error response itself; it is built once per
// failed request, so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use crate::DrillError;
use crate::guard::{Guarded, Limits};
use crate::journal::Control;
use crate::seal::{Tokens, read_json};
use crate::session::{Order, Rejected, Session};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::Stream;
use qilian_engine::scenario::Inject;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// Largest request body accepted, bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Orders a team may post at once (the bucket of its rate limit).
pub const ORDER_BURST: f64 = 30.0;

/// Orders a team may post each second, sustained.
pub const ORDER_RATE: f64 = 5.0;

const CONTROLLER_PAGE: &str = include_str!("pages/controller.html");
const TEAM_PAGE: &str = include_str!("pages/team.html");
const INDEX_PAGE: &str = include_str!("pages/index.html");
const MAP_JS: &str = include_str!("pages/map.js");
/// The pages' words, `{"default": LANG, "languages": {LANG: {key: message}}}`:
/// the message catalogue of every language (`qilian_i18n`), and the drill's
/// default language (the template's `language`; zh-CN when unreadable).
pub fn strings_json(default: &str) -> String {
    let default = qilian_i18n::Lang::parse(default).unwrap_or(qilian_i18n::Lang::ZhCn);
    let langs: Vec<String> = qilian_i18n::Lang::ALL
        .iter()
        .map(|l| format!("\"{}\":{}", l.code(), qilian_i18n::catalogue_json(*l)))
        .collect();
    format!(
        "{{\"default\":\"{}\",\"languages\":{{{}}}}}",
        default.code(),
        langs.join(",")
    )
}

/// Who a token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The directing staff.
    Controller,
    /// A team, by number.
    Team(u32),
}

/// The server's shared state.
pub struct App {
    /// The drill.
    pub session: Mutex<Session>,
    tokens: BTreeMap<String, Role>,
    tx: broadcast::Sender<String>,
    /// Per team: order tokens left and when they were counted.
    buckets: Mutex<BTreeMap<u32, (f64, Instant)>>,
    /// The pages' words ([`strings_json`]).
    strings: String,
}

impl App {
    /// The app for an opened session and its tokens.
    pub fn new(session: Session, tokens: &Tokens) -> Arc<App> {
        let mut map = BTreeMap::new();
        map.insert(tokens.controller.clone(), Role::Controller);
        for (k, v) in &tokens.teams {
            if let Ok(n) = k.parse() {
                map.insert(v.clone(), Role::Team(n));
            }
        }
        let (tx, _) = broadcast::channel(64);
        let strings = strings_json(&session.template.template.language);
        Arc::new(App {
            strings,
            session: Mutex::new(session),
            tokens: map,
            tx,
            buckets: Mutex::new(BTreeMap::new()),
        })
    }

    /// Take one order from `team`'s bucket; `false` when it is empty.
    fn take_order(&self, team: u32) -> bool {
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let (left, at) = b.entry(team).or_insert((ORDER_BURST, now));
        *left = (*left + now.duration_since(*at).as_secs_f64() * ORDER_RATE).min(ORDER_BURST);
        *at = now;
        if *left >= 1.0 {
            *left -= 1.0;
            true
        } else {
            false
        }
    }

    fn lock(&self) -> MutexGuard<'_, Session> {
        // A panic while stepping would be a broken model invariant; the
        // state is still the last consistent tick, so serving goes on.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn role(&self, token: Option<&str>) -> Option<Role> {
        let token = token?;
        // Compare against every token without early exit on a match.
        let mut found = None;
        for (t, r) in &self.tokens {
            if ct_eq(t.as_bytes(), token.as_bytes()) {
                found = Some(*r);
            }
        }
        found
    }

    fn notify(&self, s: &Session) {
        let _ = self
            .tx
            .send(serde_json::to_string(&s.clock()).expect("clock serialises"));
    }
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

type Shared = Arc<App>;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": message.into() }))).into_response()
}

fn rejected(r: Rejected) -> Response {
    error(
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST),
        r.message,
    )
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The caller's role, or the 401 to answer.
fn auth(app: &App, headers: &HeaderMap) -> Result<Role, Response> {
    match bearer(headers) {
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "missing Authorization: Bearer TOKEN",
        )),
        Some(t) => app
            .role(Some(t))
            .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "unknown token")),
    }
}

fn controller(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    match auth(app, headers)? {
        Role::Controller => Ok(()),
        Role::Team(_) => Err(error(StatusCode::FORBIDDEN, "controller only")),
    }
}

/// Parse a body strictly: a field the type does not know (at any depth) is
/// refused by name, whatever serde's attributes let through (an internally
/// tagged unit variant ignores extra fields).
fn json_body<T: serde::de::DeserializeOwned + serde::Serialize>(
    body: &Bytes,
) -> Result<T, Response> {
    let sent: Value = serde_json::from_slice(body).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            format!("bad JSON at line {} column {}: {e}", e.line(), e.column()),
        )
    })?;
    let t: T = serde_json::from_value(sent.clone())
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("bad request: {e}")))?;
    let known = serde_json::to_value(&t).expect("request types serialise");
    match unknown_field(&sent, &known, "") {
        Some(path) => Err(error(
            StatusCode::BAD_REQUEST,
            format!("bad request: unknown field `{path}`"),
        )),
        None => Ok(t),
    }
}

/// The first key of `sent` that `known` (the parsed value written back)
/// lacks, as a dotted path.
fn unknown_field(sent: &Value, known: &Value, at: &str) -> Option<String> {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (sent, known) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| match b.get(k) {
            None => Some(join(k)),
            Some(w) => unknown_field(v, w, &join(k)),
        }),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (v, w))| unknown_field(v, w, &join(&i.to_string()))),
        _ => None,
    }
}

fn ok_json(v: Value) -> Response {
    axum::Json(v).into_response()
}

/// The pages' words: public (the login form needs them), no drill data.
/// A controller's request body: the token checked first, then the body
/// parsed strictly; or the response to answer.
fn controller_body<T: serde::de::DeserializeOwned + serde::Serialize>(
    app: &App,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, Response> {
    controller(app, headers)?;
    json_body(body)
}

/// Run one change on the locked drill; when the session accepts it, wake
/// the event streams and answer with `answer`, else answer the rejection.
fn change<R>(
    app: &App,
    act: impl FnOnce(&mut Session) -> Result<R, Rejected>,
    answer: impl FnOnce(R, &Session) -> Response,
) -> Response {
    let mut s = app.lock();
    match act(&mut s) {
        Ok(r) => {
            app.notify(&s);
            answer(r, &s)
        }
        Err(r) => rejected(r),
    }
}

/// 202 Accepted with the drill clock's second.
fn accepted_at(s: &Session) -> Response {
    (StatusCode::ACCEPTED, axum::Json(json!({ "at_s": s.now() }))).into_response()
}

async fn strings(State(app): State<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        app.strings.clone(),
    )
        .into_response()
}

async fn map(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = auth(&app, &headers) {
        return r;
    }
    ok_json(app.lock().map())
}

/// The language a view's sentences are written in: `?lang=` (`zh-CN`,
/// `en`), else the drill's.
#[derive(serde::Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn lang_of(q: &Result<Query<LangQuery>, QueryRejection>, s: &Session) -> qilian_i18n::Lang {
    lang_or_drills(q.as_ref().ok().and_then(|q| q.lang.as_deref()), s)
}

/// A page's `lang` when it names a language, else the drill's.
fn lang_or_drills(lang: Option<&str>, s: &Session) -> qilian_i18n::Lang {
    lang.and_then(|l| qilian_i18n::Lang::parse(l).ok())
        .unwrap_or_else(|| s.language())
}

async fn state(
    State(app): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Response {
    match auth(&app, &headers) {
        Err(r) => r,
        Ok(Role::Team(n)) => team_view(&app, n, &q),
        Ok(Role::Controller) => {
            let s = app.lock();
            ok_json(json!({
                "role": "controller",
                "clock": s.clock(),
                "teams": s.teams.iter().map(|t| t.n).collect::<Vec<_>>(),
            }))
        }
    }
}

/// `/api/truth`'s query: each team's truth events from number `since` on.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TruthQuery {
    since: Option<usize>,
    lang: Option<String>,
}

async fn truth(
    State(app): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<TruthQuery>, QueryRejection>,
) -> Response {
    if let Err(r) = controller(&app, &headers) {
        return r;
    }
    match q {
        Ok(Query(q)) => {
            let s = app.lock();
            let lang = lang_or_drills(q.lang.as_deref(), &s);
            ok_json(s.truth_page_in(q.since, lang))
        }
        Err(e) => error(
            StatusCode::BAD_REQUEST,
            format!("bad query: {}", e.body_text()),
        ),
    }
}

async fn team_state(
    State(app): State<Shared>,
    headers: HeaderMap,
    UrlPath(n): UrlPath<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Response {
    if let Err(r) = controller(&app, &headers) {
        return r;
    }
    let Ok(n) = n.parse::<u32>() else {
        return error(StatusCode::NOT_FOUND, "no such team");
    };
    team_view(&app, n, &q)
}

/// Team `n`'s view in the query's language (else the drill's), or 404.
fn team_view(app: &Shared, n: u32, q: &Result<Query<LangQuery>, QueryRejection>) -> Response {
    let view = {
        let s = app.lock();
        s.team_view_in(n, lang_of(q, &s))
    };
    match view {
        Some(v) => ok_json(v),
        None => error(StatusCode::NOT_FOUND, "no such team"),
    }
}

async fn orders(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let team = match auth(&app, &headers) {
        Err(r) => return r,
        Ok(Role::Controller) => return error(StatusCode::FORBIDDEN, "orders come from teams"),
        Ok(Role::Team(n)) => n,
    };
    if !app.take_order(team) {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many orders: at most {ORDER_RATE} a second after a burst of {ORDER_BURST}"
            ),
        );
    }
    let order: Order = match json_body(&body) {
        Ok(o) => o,
        Err(r) => return r,
    };
    change(
        &app,
        |s| s.order(team, order),
        |id, _| (StatusCode::ACCEPTED, axum::Json(json!({ "order_id": id }))).into_response(),
    )
}

async fn control(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let c: Control = match controller_body(&app, &headers, &body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    change(
        &app,
        |s| s.control(c),
        |(), s| ok_json(json!({ "clock": s.clock() })),
    )
}

async fn injects(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let inj: Inject = match controller_body(&app, &headers, &body) {
        Ok(i) => i,
        Err(r) => return r,
    };
    change(&app, |s| s.inject(inj), |(), s| accepted_at(s))
}

/// `POST /api/hoax`: a rumour or hoax call to one team.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct HoaxCall {
    team: u32,
    hoax: crate::journal::Hoax,
}

async fn hoax(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let h: HoaxCall = match controller_body(&app, &headers, &body) {
        Ok(h) => h,
        Err(r) => return r,
    };
    change(&app, |s| s.hoax(h.team, h.hoax), |(), s| accepted_at(s))
}

/// `POST /api/msel`: a timed inject.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct MselNew {
    fire_s: u64,
    inject: Inject,
}

/// `PUT /api/msel/{id}`: a new time.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct MselTime {
    fire_s: u64,
}

async fn msel_add(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let m: MselNew = match controller_body(&app, &headers, &body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    change(
        &app,
        |s| s.msel_add(m.fire_s, m.inject),
        |id, _| (StatusCode::CREATED, axum::Json(json!({ "id": id }))).into_response(),
    )
}

/// The MSEL entry number in a URL, or the 404 to answer.
fn msel_id(id: &str) -> Result<u32, Response> {
    id.parse()
        .map_err(|_| error(StatusCode::NOT_FOUND, format!("no MSEL entry {id}")))
}

async fn msel_time(
    State(app): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = controller(&app, &headers) {
        return r;
    }
    let id = match msel_id(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let m: MselTime = match json_body(&body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    change(
        &app,
        |s| s.msel_time(id, m.fire_s),
        |(), _| ok_json(json!({ "id": id, "fire_s": m.fire_s })),
    )
}

async fn msel_delete(
    State(app): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    if let Err(r) = controller(&app, &headers) {
        return r;
    }
    let id = match msel_id(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    change(
        &app,
        |s| s.msel_delete(id),
        |(), _| ok_json(json!({ "id": id })),
    )
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn events(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Response> {
    let token = bearer(&headers).or(q.token.as_deref());
    if token.is_none() {
        return Err(error(StatusCode::UNAUTHORIZED, "missing token"));
    }
    if app.role(token).is_none() {
        return Err(error(StatusCode::UNAUTHORIZED, "unknown token"));
    }
    let first = serde_json::to_string(&app.lock().clock()).expect("clock serialises");
    let rx = BroadcastStream::new(app.tx.subscribe());
    let stream = tokio_stream::once(first)
        .chain(rx.filter_map(|m| m.ok()))
        .map(|m| Ok(Event::default().event("clock").data(m)));
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn page(html: &'static str) -> Response {
    let mut r = Html(html).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'",
        ),
    );
    r
}

/// The router over `app`.
pub fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(|| async { page(INDEX_PAGE) }))
        .route("/controller", get(|| async { page(CONTROLLER_PAGE) }))
        .route("/team", get(|| async { page(TEAM_PAGE) }))
        .route(
            "/map.js",
            get(|| async {
                // The catalogue's formatter (`qt`), then the pages' script.
                static JS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let js = JS.get_or_init(|| format!("{}\n{MAP_JS}", qilian_i18n::FORMAT_JS));
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    js.as_str(),
                )
                    .into_response()
            }),
        )
        .route("/strings.json", get(strings))
        .route(
            "/font.woff2",
            get(|| async {
                // The CJK font the reports embed: pages render Chinese on a
                // machine with no fonts, offline.
                (
                    [
                        (header::CONTENT_TYPE, "font/woff2"),
                        (header::CACHE_CONTROL, "max-age=86400"),
                    ],
                    qilian_viewer::fonts::WOFF2,
                )
                    .into_response()
            }),
        )
        .route("/api/map", get(map))
        .route("/api/state", get(state))
        .route("/api/truth", get(truth))
        .route("/api/teams/{n}/state", get(team_state))
        .route("/api/orders", post(orders))
        .route("/api/control", post(control))
        .route("/api/injects", post(injects))
        .route("/api/hoax", post(hoax))
        .route("/api/msel", post(msel_add))
        .route(
            "/api/msel/{id}",
            axum::routing::put(msel_time).delete(msel_delete),
        )
        .route("/api/events", get(events))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such route") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}

/// Run the clock (forever; start it on its own thread): while time runs,
/// step ticks at the set speed, one tick per lock so requests are served
/// between ticks; checkpoint the clock in the journal about once a second
/// of wall time.
pub fn run_clock(app: Shared) {
    let mut owed = 0.0_f64;
    let mut last = Instant::now();
    let mut last_checkpoint = Instant::now();
    let mut dirty = false;
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let now = Instant::now();
        let dt = now.duration_since(last).as_secs_f64();
        last = now;
        let (running, speed, tick) = {
            let s = app.lock();
            let c = s.clock();
            (s.running(), c.speed, c.tick_s as f64)
        };
        if !running {
            owed = 0.0;
        } else {
            owed += dt * speed;
            // Never owe more than a second of wall time's worth: a slow
            // machine runs slower, it does not race to catch up.
            owed = owed.min(speed.max(tick));
            let mut stepped = false;
            while owed >= tick {
                let mut s = app.lock();
                if !s.running() {
                    break;
                }
                s.advance(1);
                owed -= tick;
                stepped = true;
                if last_checkpoint.elapsed() > Duration::from_millis(200) {
                    app.notify(&s);
                }
            }
            if stepped {
                dirty = true;
                app.notify(&app.lock());
            }
        }
        if dirty && (last_checkpoint.elapsed() >= Duration::from_secs(1) || !running) {
            let mut s = app.lock();
            if let Err(e) = s.checkpoint() {
                eprintln!("qilian drill: {e}");
            }
            dirty = false;
            last_checkpoint = Instant::now();
        }
    }
}

/// Open the drill in `dir` and serve it on `addr` until killed.
pub fn serve(dir: &Path, addr: SocketAddr, limits: Limits) -> Result<(), DrillError> {
    let tokens: Tokens = read_json(&dir.join("tokens.json"))?;
    let session = Session::open(dir)?;
    let app = App::new(session, &tokens);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| DrillError::Other(format!("tokio runtime: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| DrillError::Bad(format!("cannot listen on {addr}: {e}")))?;
        let local = listener
            .local_addr()
            .map_err(|e| DrillError::Other(e.to_string()))?;
        {
            use std::io::Write as _;
            let s = app.lock();
            // A closed stdout must not stop the server.
            let _ = writeln!(
                std::io::stdout(),
                "qilian drill: serving {} ({} teams, t = {} s) on http://{local}/",
                dir.display(),
                s.teams.len(),
                s.now()
            );
        }
        let ticker = app.clone();
        std::thread::spawn(move || run_clock(ticker));
        serve_on(listener, app, limits).await
    })
}

/// Serve `app` on `listener` under `limits` (connection cap, idle
/// timeout, see [`crate::guard`]; header timeout) until the task is
/// dropped.
///
/// Each connection is served by hyper's HTTP/1 server with a timer, so its
/// `header_read_timeout` applies: a request's headers must arrive whole
/// within [`Limits::header`] of hyper starting to read them (which it does
/// as soon as the connection opens, and again after each answer), else the
/// connection is closed. `axum::serve` sets no timer, and without one hyper
/// does not time headers at all: a client dripping a header a byte a second
/// kept its connection for ever.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    limits: Limits,
) -> Result<(), DrillError> {
    use axum::serve::Listener as _;
    use hyper::body::Incoming;
    use hyper::service::Service as _;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let mut listener = Guarded::new(listener, limits);
    let router = router(app);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header);
    loop {
        let (io, _) = listener.accept().await;
        // An authenticated API request marks its connection (see
        // `guard::Guarded`: at the cap, unmarked ones make room first).
        let served = io.served();
        let inner = TowerToHyperService::new(router.clone());
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let api = req.uri().path().starts_with("/api/");
            let answer = inner.call(req);
            let served = served.clone();
            async move {
                let r = answer.await;
                if let Ok(r) = &r
                    && api
                    && r.status() != StatusCode::UNAUTHORIZED
                {
                    served.mark();
                }
                r
            }
        });
        let conn = http.serve_connection(TokioIo::new(io), service);
        // A connection's end (closed, timed out, reset) concerns only it.
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}
