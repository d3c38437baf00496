//! The HTTP API through the real router: tokens, roles, the fog of war on
//! every route a player can reach, and bad requests that change nothing.

use super::{SEED, drill};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use qilian_drill::seal::{Tokens, read_json};
use qilian_drill::server::{App, BODY_LIMIT, router};
use qilian_drill::session::{Order, Session};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use tokio_stream::StreamExt;
use tower::ServiceExt;

struct Fixture {
    app: Arc<App>,
    tokens: Tokens,
    dir: qilian_testkit::Scratch,
}

fn fixture(name: &str, teams: u32) -> Fixture {
    let dir = drill(name, teams);
    let tokens: Tokens = read_json(&dir.join("tokens.json")).unwrap();
    let app = App::new(Session::open(&dir).unwrap(), &tokens);
    Fixture { app, tokens, dir }
}

impl Fixture {
    fn team(&self, n: u32) -> String {
        self.tokens.teams[&n.to_string()].clone()
    }

    /// One request; the status and body (the first event only for SSE).
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> (StatusCode, String) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if !body.is_empty() {
            req = req.header("content-type", "application/json");
        }
        let resp = router(self.app.clone())
            .oneshot(req.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let sse = resp
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/event-stream"));
        let mut stream = resp.into_body().into_data_stream();
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.unwrap());
            if sse {
                break;
            }
        }
        (status, String::from_utf8(bytes).unwrap())
    }

    fn state_and_journal(&self, team: u32) -> (Value, Vec<u8>) {
        let s = self.app.session.lock().unwrap();
        (
            s.team_view(team).unwrap(),
            std::fs::read(self.dir.join("journal.jsonl")).unwrap(),
        )
    }
}

const API: [(&str, &str); 8] = [
    ("GET", "/api/map"),
    ("GET", "/api/state"),
    ("GET", "/api/truth"),
    ("GET", "/api/teams/1/state"),
    ("POST", "/api/orders"),
    ("POST", "/api/control"),
    ("POST", "/api/injects"),
    ("GET", "/api/events"),
];

#[tokio::test]
async fn missing_or_bad_tokens_get_401_players_on_controller_routes_403() {
    let f = fixture("auth", 2);
    for (m, p) in API {
        let (s, _) = f.call(m, p, None, "").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{m} {p} without a token");
        let (s, _) = f.call(m, p, Some("0123456789abcdef"), "").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{m} {p} with a bad token");
    }
    let team = f.team(1);
    for (m, p) in [
        ("GET", "/api/truth"),
        ("GET", "/api/teams/1/state"),
        ("GET", "/api/teams/2/state"),
        ("POST", "/api/control"),
        ("POST", "/api/injects"),
    ] {
        let (s, _) = f.call(m, p, Some(&team), r#"{"action":"start"}"#).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "player on {m} {p}");
    }
    let (s, _) = f
        .call(
            "POST",
            "/api/orders",
            Some(&f.tokens.controller),
            r#"{"type":"warn","zone":2}"#,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the controller gives no orders");
    let (s, body) = f.call("GET", "/api/state", Some(&team), "").await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn player_routes_reveal_no_unreported_truth_other_teams_or_seed() {
    let f = fixture("sweep", 2);
    let marker_zone = 3;
    // Team 1 finishes a task in truth and has not been told yet; team 2,
    // which warned a zone, never touched that task: it is open there.
    let (task, crews) = {
        let mut s = f.app.session.lock().unwrap();
        s.order(2, Order::Warn { zone: marker_zone }).unwrap();
        let (task, kind) = super::session::finished_unseen(&mut s);
        let crews = [1, 2].map(|n| super::session::free_crew(&s, n, &kind, u32::MAX));
        (task, crews)
    };
    // An order on the task closed unseen answers exactly as one on a task
    // still open: same status, same body shape.
    let mut answers = Vec::new();
    for (n, crew) in [1, 2].into_iter().zip(crews) {
        let body = format!(r#"{{"type":"dispatch","crew":{crew},"task":{task}}}"#);
        let (s, text) = f.call("POST", "/api/orders", Some(&f.team(n)), &body).await;
        let v: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        answers.push((s, keys));
    }
    assert_eq!(answers[0], answers[1], "closed unseen vs open");
    assert_eq!(answers[0].0, StatusCode::ACCEPTED);
    let team1 = f.team(1);
    let mut seen = String::new();
    let mut routes: Vec<(&str, &str, &str)> = API.iter().map(|(m, p)| (*m, *p, "")).collect();
    routes.extend([
        ("GET", "/", ""),
        ("GET", "/controller", ""),
        ("GET", "/team", ""),
        ("GET", "/map.js", ""),
        ("GET", "/strings.json", ""),
        ("GET", "/no/such/route", ""),
        ("GET", "/api/teams/2/state", ""),
        (
            "POST",
            "/api/orders",
            r#"{"type":"dispatch","crew":999999,"task":1}"#,
        ),
        ("POST", "/api/orders", "not json"),
    ]);
    // The order once more, after a tick: the first one has been dropped in
    // truth and the crew's report of that is not due yet; the hidden-truth
    // check below holds this answer too.
    let again = format!(r#"{{"type":"dispatch","crew":{},"task":{task}}}"#, crews[0]);
    {
        f.app.session.lock().unwrap().advance(1);
    }
    routes.push(("POST", "/api/orders", again.as_str()));
    for (m, p, body) in routes {
        let (_, text) = f.call(m, p, Some(&team1), body).await;
        seen.push_str(&text);
        seen.push('\n');
    }
    let s = f.app.session.lock().unwrap();
    // The seed, in any form the server might have.
    assert!(!seen.contains(&hex::encode(SEED)));
    assert!(!seen.contains(&s.scenario.file.seed.to_string()));
    // Other tokens.
    assert!(!seen.contains(&f.tokens.controller));
    assert!(!seen.contains(&f.team(2)));
    // Team 2's truth and orders: its warning of zone 3 exists only there.
    assert!(s.truth_events(2).iter().any(|e| matches!(e.kind, qilian_engine::EventKind::ZoneWarned { zone, .. } if zone.0 == marker_zone)));
    assert!(
        !seen.contains(&format!("\"type\":\"warn\",\"zone\":{marker_zone}")),
        "team 2's order leaked"
    );
    // (As an event: the page script and its words name the kind itself.)
    assert!(
        !seen.contains("\"kind\":\"ZoneWarned\""),
        "team 2's truth leaked"
    );
    // Team 1's unreported truth: no event that was not delivered appears.
    let view = s.team_view(1).unwrap();
    let delivered: Vec<String> = view["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"].to_string())
        .collect();
    let hidden: Vec<String> = s
        .truth_events(1)
        .iter()
        // The API writes JSON values, keys sorted: compare in that form.
        .map(|e| serde_json::to_value(e).unwrap().to_string())
        .filter(|e| !delivered.contains(e))
        .collect();
    assert!(
        hidden.len() >= 5,
        "the test needs hidden truth: {}",
        hidden.len()
    );
    for e in &hidden {
        assert!(!seen.contains(e.as_str()), "unreported truth leaked: {e}");
    }
    assert!(!delivered.is_empty());
    assert!(
        seen.contains(delivered[0].as_str()),
        "the sweep saw the team's own reports"
    );
}

#[tokio::test]
async fn bad_orders_get_4xx_and_change_nothing() {
    let f = fixture("bad-orders", 1);
    let (crew, task) = {
        let mut s = f.app.session.lock().unwrap();
        super::session::dispatchable(&mut s)
    };
    let team = f.team(1);
    let ok = format!(r#"{{"type":"dispatch","crew":{crew},"task":{task}}}"#);
    let (s, body) = f.call("POST", "/api/orders", Some(&team), &ok).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["order_id"].as_u64().is_some());
    let before = f.state_and_journal(1);
    let huge = format!(
        r#"{{"type":"warn","zone":2,"pad":"{}"}}"#,
        "x".repeat(BODY_LIMIT + 1)
    );
    let cases: Vec<(String, u16)> = vec![
        (ok.clone(), 409),                                             // busy crew
        (r#"{"type":"dispatch","crew":424242,"task":1}"#.into(), 422), // unknown crew
        (
            format!(r#"{{"type":"dispatch","crew":{crew},"task":77}}"#),
            409,
        ), // busy before unknown task
        (r#"{"type":"warn","zone":9999}"#.into(), 422),                // unknown zone
        (r#"{"type":"close_road","edge":99999999}"#.into(), 422),      // unknown edge
        (r#"{"type":"reopen_road","edge":423}"#.into(), 409),          // not closed by us
        (
            r#"{"type":"mutual_aid","kind":"Power","count":0,"depot":1}"#.into(),
            422,
        ),
        (r#"{"type":"priorities","order":[]}"#.into(), 422),
        (r#"{"type":"launch_rockets"}"#.into(), 400), // unknown order
        (r#"{"type":"warn","zone":2"#.into(), 400),   // malformed JSON
        (huge, 413),                                  // oversized body
    ];
    for (body, want) in cases {
        let (s, text) = f.call("POST", "/api/orders", Some(&team), &body).await;
        assert_eq!(s.as_u16(), want, "{} → {text}", &body[..body.len().min(80)]);
        if want != 413 {
            let v: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON error: {text}"));
            assert!(v["error"].as_str().is_some_and(|m| !m.is_empty()), "{text}");
        }
        assert_eq!(
            f.state_and_journal(1),
            before,
            "a rejected order changed state"
        );
    }
    // An idle crew of another kind on an unknown task is an unknown task.
    let other = {
        let s = f.app.session.lock().unwrap();
        let v = s.team_view(1).unwrap();
        v["crews"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] == "idle")
            .unwrap()["id"]
            .as_u64()
            .unwrap()
    };
    let (s, text) = f
        .call(
            "POST",
            "/api/orders",
            Some(&team),
            &format!(r#"{{"type":"dispatch","crew":{other},"task":5}}"#),
        )
        .await;
    assert_eq!(s.as_u16(), 422, "{text}");
    assert!(text.contains("unknown task"), "{text}");
    assert_eq!(f.state_and_journal(1), before);
}

#[tokio::test]
async fn controller_controls_time_and_injects() {
    let f = fixture("control", 1);
    let c = f.tokens.controller.clone();
    let (s, _) = f
        .call("POST", "/api/control", Some(&c), r#"{"action":"step"}"#)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = f
        .call(
            "POST",
            "/api/control",
            Some(&c),
            r#"{"action":"speed","value":5000}"#,
        )
        .await;
    assert_eq!(s.as_u16(), 422, "{body}");
    let (s, _) = f
        .call(
            "POST",
            "/api/injects",
            Some(&c),
            r#"{"Damage":{"facility":1,"state":"Complete"}}"#,
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, _) = f
        .call(
            "POST",
            "/api/injects",
            Some(&c),
            r#"{"Damage":{"facility":4242,"state":"Complete"}}"#,
        )
        .await;
    assert_eq!(s.as_u16(), 422);
    let (_, body) = f
        .call("POST", "/api/control", Some(&c), r#"{"action":"step"}"#)
        .await;
    assert!(body.contains("\"t_s\":120"), "{body}");
    let (_, truth) = f.call("GET", "/api/truth", Some(&c), "").await;
    let v: Value = serde_json::from_str(&truth).unwrap();
    assert!(
        v["teams"][0]["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["facility"] == 1
                && e["kind"] == "FacilityDamaged"
                && e["state"] == "Complete"),
        "inject applied: {truth}"
    );
    let journal = std::fs::read_to_string(Path::new(&f.dir).join("journal.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 3, "step, inject, step:\n{journal}");
}

#[tokio::test]
async fn open_shelter_and_move_orders_are_accepted_or_refused_cleanly() {
    use qilian_engine::scenario::{DamageState, Inject};
    let (shelter, node) = super::CLOSED_SHELTER;
    let dir = super::drill_shelter_closed("api-shelter-move", 1);
    let tokens: Tokens = read_json(&dir.join("tokens.json")).unwrap();
    let f = Fixture {
        app: App::new(Session::open(&dir).unwrap(), &tokens),
        tokens,
        dir,
    };
    // A node whose every road the team closes by order (so it knows no
    // crew can reach it), and one whose every road the controller closes
    // (in truth only: the public calls reporting it are not in yet).
    let (crew, other, cut, unseen) = {
        let mut s = f.app.session.lock().unwrap();
        let crew = super::session::idle_crew(&s);
        let sc = s.scenario.clone();
        let depots: Vec<_> = sc.plan.depots.iter().map(|d| d.node).collect();
        let mut by_degree: Vec<_> = sc
            .region
            .nodes
            .iter()
            .map(|n| n.id)
            .filter(|n| !depots.contains(n) && n.0 != node)
            .collect();
        by_degree.sort_by_key(|n| {
            sc.region
                .edges
                .iter()
                .filter(|e| e.from == *n || e.to == *n)
                .count()
        });
        let (cut, unseen) = (by_degree[0], by_degree[1]);
        let around = |n| {
            sc.region
                .edges
                .iter()
                .filter(move |e| e.from == n || e.to == n)
        };
        for e in around(cut) {
            s.order(1, Order::CloseRoad { edge: e.id.0 }).unwrap();
        }
        for e in around(unseen) {
            s.inject(Inject::CloseEdge {
                edge: e.id,
                reason: "test".into(),
                both_ways: true,
                state: DamageState::None,
            })
            .unwrap();
        }
        s.advance(1);
        let v = s.team_view(1).unwrap();
        let other = v["crews"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] == "idle" && c["id"] != crew)
            .unwrap()["id"]
            .as_u64()
            .unwrap();
        (crew, other, cut.0, unseen.0)
    };
    let team = f.team(1);
    let open = format!(r#"{{"type":"open_shelter","facility":{shelter}}}"#);
    let mv = format!(r#"{{"type":"move","crew":{crew},"node":{node}}}"#);
    for ok in [&open, &mv] {
        let (s, body) = f.call("POST", "/api/orders", Some(&team), ok).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{ok} → {body}");
    }
    let before = f.state_and_journal(1);
    let journal = String::from_utf8(before.1.clone()).unwrap();
    assert!(journal.contains(&open[1..open.len() - 1]), "{journal}");
    assert!(journal.contains(&mv[1..mv.len() - 1]), "{journal}");
    let cases: Vec<(String, u16, &str)> = vec![
        (open.clone(), 409, "already open"),
        (
            r#"{"type":"open_shelter","facility":50}"#.into(),
            409,
            "already open",
        ), // opened by the plan
        (
            r#"{"type":"open_shelter","facility":4242}"#.into(),
            422,
            "unknown facility",
        ),
        (
            r#"{"type":"open_shelter","facility":1}"#.into(),
            422,
            "not a shelter",
        ),
        (mv.clone(), 409, "busy"), // already ordered this tick
        (
            format!(r#"{{"type":"move","crew":424242,"node":{node}}}"#),
            422,
            "unknown crew",
        ),
        (
            format!(r#"{{"type":"move","crew":{other},"node":99999999}}"#),
            422,
            "unknown node",
        ),
        (
            format!(r#"{{"type":"move","crew":{other},"node":{cut}}}"#),
            422,
            "no road known to be open",
        ),
        (
            format!(r#"{{"type":"move","crew":{other}}}"#),
            400,
            "missing field `node`",
        ),
    ];
    for (body, want, says) in cases {
        let (s, text) = f.call("POST", "/api/orders", Some(&team), &body).await;
        assert_eq!(s.as_u16(), want, "{body} → {text}");
        assert!(text.contains(says), "{body} → {text}");
        assert_eq!(
            f.state_and_journal(1),
            before,
            "a rejected order changed state: {body}"
        );
    }
    // Cut off in truth only: accepted like any move (the crew finds out).
    let (s, body) = f
        .call(
            "POST",
            "/api/orders",
            Some(&team),
            &format!(r#"{{"type":"move","crew":{other},"node":{unseen}}}"#),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    {
        let mut s = f.app.session.lock().unwrap();
        s.advance(1);
        let dropped = s.truth_events(1).iter().any(|e| {
            matches!(e.kind, qilian_engine::EventKind::OrderDropped { crew: c, task: None, reason: qilian_engine::DropReason::NoRoad } if c.0 == other as u32)
        });
        assert!(dropped, "the move met the closures and was dropped");
    }
}

/// Unknown fields are refused on every POST, naming the field, and change
/// nothing (an internally tagged unit variant used to ignore them).
#[tokio::test]
async fn unknown_fields_are_refused_everywhere() {
    let f = fixture("unknown-fields", 1);
    let c = f.tokens.controller.clone();
    let team = f.team(1);
    let before = f.state_and_journal(1);
    for (path, token, body, field) in [
        (
            "/api/control",
            &c,
            r#"{"action":"start","extra":1}"#,
            "extra",
        ),
        (
            "/api/control",
            &c,
            r#"{"action":"speed","value":60,"x":true}"#,
            "x",
        ),
        (
            "/api/injects",
            &c,
            r#"{"Damage":{"facility":1,"state":"Complete","why":"x"}}"#,
            "Damage.why",
        ),
        (
            "/api/orders",
            &team,
            r#"{"type":"warn","zone":2,"urgent":true}"#,
            "urgent",
        ),
    ] {
        let (s, text) = f.call("POST", path, Some(token), body).await;
        assert_eq!(s.as_u16(), 400, "{body} → {text}");
        assert!(text.contains(&format!("`{field}`")), "{body} → {text}");
        assert_eq!(f.state_and_journal(1), before, "{body} changed state");
    }
    let (s, text) = f
        .call("POST", "/api/control", Some(&c), r#"{"action":"start"}"#)
        .await;
    assert_eq!(s, StatusCode::OK, "{text}");
}

/// Order ids count per team, so a team learns nothing of other teams'
/// orders; a team posting faster than the rate limit gets 429.
#[tokio::test]
async fn order_ids_are_per_team_and_orders_are_rate_limited() {
    let f = fixture("per-team", 2);
    let prio = r#"{"type":"priorities","order":["Road","Bridge"]}"#;
    let id = |text: &str| serde_json::from_str::<Value>(text).unwrap()["order_id"].as_u64();
    let (t1, t2) = (f.team(1), f.team(2));
    let (_, a) = f.call("POST", "/api/orders", Some(&t1), prio).await;
    let (_, b) = f.call("POST", "/api/orders", Some(&t2), prio).await;
    let (_, c) = f.call("POST", "/api/orders", Some(&t1), prio).await;
    assert_eq!((id(&a), id(&b), id(&c)), (Some(1), Some(1), Some(2)));
    let mut limited = 0;
    for _ in 0..60 {
        let (s, text) = f.call("POST", "/api/orders", Some(&t1), prio).await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            assert!(text.contains("too many orders"), "{text}");
            limited += 1;
        } else {
            assert_eq!(s, StatusCode::ACCEPTED, "{text}");
        }
    }
    assert!(limited >= 20, "only {limited} of 60 refused");
    // Team 2's bucket is its own.
    let (s, _) = f.call("POST", "/api/orders", Some(&t2), prio).await;
    assert_eq!(s, StatusCode::ACCEPTED);
}

/// Serve the fixture's drill on a fresh loopback port with `limits`;
/// its address.
async fn serve_with(f: &Fixture, limits: qilian_drill::guard::Limits) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(qilian_drill::server::serve_on(
        listener,
        f.app.clone(),
        limits,
    ));
    addr
}

/// Over the connection cap, when every open connection is a console (it
/// has made an authenticated request) and none has been idle long, a client
/// gets a clear 503 at once; idle connections are closed after the idle
/// timeout, and then a real client gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_time_out_and_the_cap_refuses_clearly() {
    use qilian_drill::guard::Limits;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    let f = fixture("guard", 1);
    let limits = Limits {
        max_connections: 4,
        idle: Duration::from_millis(500),
        // Nobody here is idle that long: the cap refuses.
        evict_after: Duration::from_secs(60),
        ..Limits::default()
    };
    let addr = serve_with(&f, limits).await;
    let read_all = |mut s: TcpStream| async move {
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
        String::from_utf8_lossy(&out).into_owned()
    };
    // Four consoles, each with one answered request on a kept-alive
    // connection.
    let mut idle = Vec::new();
    let keep = format!(
        "GET /api/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\r\n",
        f.team(1)
    );
    for _ in 0..4 {
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(keep.as_bytes()).await.unwrap();
        let mut buf = [0u8; 64];
        let n = c.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        idle.push(c);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let over = read_all(TcpStream::connect(addr).await.unwrap()).await;
    assert!(over.starts_with("HTTP/1.1 503"), "{over}");
    assert!(over.contains("too many connections"), "{over}");
    // The idle ones are closed by the server within the timeout (+ slack).
    let start = Instant::now();
    for s in idle {
        let _ = read_all(s).await;
    }
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // A real client now gets an answer.
    let mut c = TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /api/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        f.team(1)
    );
    c.write_all(req.as_bytes()).await.unwrap();
    let got = read_all(c).await;
    assert!(
        got.starts_with("HTTP/1.1 200"),
        "{}",
        &got[..got.len().min(200)]
    );
}

/// A flood of idle connections at the cap does not lock a real client out:
/// the connection idle the longest is closed to make room for it.
#[tokio::test]
async fn a_real_client_gets_in_past_a_flood_of_idle_connections() {
    use qilian_drill::guard::Limits;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    let f = fixture("guard-evict", 1);
    let limits = Limits {
        max_connections: 8,
        idle: Duration::from_secs(60),
        evict_after: Duration::from_millis(200),
        ..Limits::default()
    };
    let addr = serve_with(&f, limits).await;
    // The flood: every place taken by a connection that says nothing.
    let mut flood = Vec::new();
    for _ in 0..8 {
        flood.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let req = format!(
        "GET /api/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        f.team(1)
    );
    for round in 0..3 {
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(req.as_bytes()).await.unwrap();
        let mut got = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), c.read_to_end(&mut got)).await;
        let got = String::from_utf8_lossy(&got);
        assert!(
            got.starts_with("HTTP/1.1 200"),
            "round {round}: {}",
            &got[..got.len().min(200)]
        );
        // Keep the flood topped up, as an attacker would.
        flood.push(TcpStream::connect(addr).await.unwrap());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    drop(flood);
}

/// Slow-loris: a client that drips its headers a byte at a time, each byte
/// well inside the idle timeout, is closed once the header timeout has
/// passed, while a normal client is served at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_dripping_its_headers_is_closed_after_the_header_timeout() {
    use qilian_drill::guard::Limits;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    let f = fixture("guard-headers", 1);
    let header = Duration::from_secs(1);
    let limits = Limits {
        max_connections: 8,
        // The drip never leaves a connection idle this long.
        idle: Duration::from_secs(60),
        evict_after: Duration::from_secs(60),
        header,
    };
    let addr = serve_with(&f, limits).await;
    let req = format!(
        "GET /api/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        f.team(1)
    );
    // A normal client, asking every 300 ms while the drip goes on.
    let normal = tokio::spawn(async move {
        let mut answers = Vec::new();
        for _ in 0..8 {
            let start = Instant::now();
            let mut c = TcpStream::connect(addr).await.unwrap();
            c.write_all(req.as_bytes()).await.unwrap();
            let mut got = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(5), c.read_to_end(&mut got)).await;
            let got = String::from_utf8_lossy(&got).into_owned();
            answers.push((got[..got.len().min(12)].to_string(), start.elapsed()));
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        answers
    });
    let mut drip = TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    drip.write_all(b"GET /api/map HTTP/1.1\r\nHost: x\r\nX-Drip: ")
        .await
        .unwrap();
    let closed_after = loop {
        if start.elapsed() > Duration::from_secs(6) {
            break None;
        }
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(100), drip.read(&mut buf)).await {
            // Closed (or reset) by the server.
            Ok(Ok(0)) | Ok(Err(_)) => break Some(start.elapsed()),
            Ok(Ok(_)) => {}
            // Nothing yet: one more byte of the header.
            Err(_) => {
                if drip.write_all(b"a").await.is_err() {
                    break Some(start.elapsed());
                }
            }
        }
    };
    let closed_after = closed_after.expect("the dripping client was still connected after 6 s");
    assert!(
        closed_after >= header && closed_after < header + Duration::from_millis(1500),
        "closed after {closed_after:?} (header timeout {header:?})"
    );
    for (got, took) in normal.await.unwrap() {
        assert!(got.starts_with("HTTP/1.1 200"), "{got}");
        assert!(
            took < Duration::from_secs(1),
            "a normal request took {took:?}"
        );
    }
}

/// `/api/truth` does not grow without bound with order spam: each team
/// lists its latest orders and truth events, and `?since=` pages through
/// the older events.
#[tokio::test]
async fn truth_is_bounded_and_pages_with_since() {
    use qilian_drill::session::{TRUTH_EVENTS, VIEW_ORDERS};
    let f = fixture("api-truth-bound", 1);
    let c = f.tokens.controller.clone();
    // Close and reopen a road by order, again and again (straight into the
    // session: the HTTP rate limit is tested elsewhere); each change is a
    // truth event.
    let mut posted = 0u64;
    for _ in 0..40 {
        {
            let mut s = f.app.session.lock().unwrap();
            if s.truth_events(1).len() > TRUTH_EVENTS + 50 {
                break;
            }
            for _ in 0..60 {
                s.order(1, Order::CloseRoad { edge: 423 }).unwrap();
                s.order(1, Order::ReopenRoad { edge: 423 }).unwrap();
                posted += 2;
            }
            s.advance(1);
        }
    }
    let (events, total) = {
        let s = f.app.session.lock().unwrap();
        let e = s.truth_events(1);
        (serde_json::to_value(e).unwrap(), e.len())
    };
    assert!(total > TRUTH_EVENTS, "only {total} truth events");
    let page = |q: &'static str| {
        let f = &f;
        let c = c.clone();
        async move {
            let (s, body) = f.call("GET", &format!("/api/truth{q}"), Some(&c), "").await;
            assert_eq!(s, StatusCode::OK, "{q}: {body}");
            let v: Value = serde_json::from_str(&body).unwrap();
            v["teams"][0].clone()
        }
    };
    // The latest events and orders, saying which.
    let t = page("").await;
    assert_eq!(t["events_total"], total);
    assert_eq!(t["events_from"], total - TRUTH_EVENTS);
    assert_eq!(
        plain(&t["events"])[..],
        events.as_array().unwrap()[total - TRUTH_EVENTS..]
    );
    assert_eq!(t["orders_total"], posted);
    let orders = t["orders"].as_array().unwrap();
    assert_eq!(orders.len(), VIEW_ORDERS);
    assert_eq!(orders.last().unwrap()["order_id"], posted);
    // From the first event; from near the end; past the end.
    let t = page("?since=0").await;
    assert_eq!(t["events_from"], 0);
    assert_eq!(
        plain(&t["events"])[..],
        events.as_array().unwrap()[..TRUTH_EVENTS]
    );
    let near = total - 5;
    let (s, body) = f
        .call("GET", &format!("/api/truth?since={near}"), Some(&c), "")
        .await;
    assert_eq!(s, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        plain(&v["teams"][0]["events"])[..],
        events.as_array().unwrap()[near..]
    );
    let t = page("?since=99999999").await;
    assert_eq!(t["events_from"], total);
    assert!(t["events"].as_array().unwrap().is_empty());
    // A bad or unknown query is refused.
    for q in ["?since=soon", "?since=-1", "?from=3"] {
        let (s, body) = f.call("GET", &format!("/api/truth{q}"), Some(&c), "").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {body}");
        assert!(body.contains("bad query"), "{body}");
    }
}

/// Listed events without the sentence the view adds to each (which must
/// be there).
fn plain(events: &Value) -> Vec<Value> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut e = e.clone();
            let s = e.as_object_mut().unwrap().remove("sentence");
            assert!(s.is_some_and(|s| !s.as_str().unwrap().is_empty()), "{e}");
            e
        })
        .collect()
}

/// A flood that keeps opening fresh connections (none of them idle long
/// enough to be the idlest to evict) does not lock a real client out
/// either, nor close a console's kept-alive connection: connections that
/// never carried an authenticated API request make room first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_gets_in_past_a_flood_that_keeps_reconnecting() {
    use qilian_drill::guard::Limits;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    let f = fixture("guard-churn", 1);
    let limits = Limits {
        max_connections: 8,
        idle: Duration::from_secs(60),
        // Nothing is idle this long: eviction by idleness never applies.
        evict_after: Duration::from_secs(60),
        ..Limits::default()
    };
    let addr = serve_with(&f, limits).await;
    let keep = format!(
        "GET /api/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\r\n",
        f.team(1)
    );
    let close = keep.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
    // A console, connected before the flood.
    let mut console = TcpStream::connect(addr).await.unwrap();
    let mut buf = vec![0u8; 1 << 16];
    console.write_all(keep.as_bytes()).await.unwrap();
    let n = console.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // The flood: a fresh connection every 5 ms, the latest 16 kept open.
    let flood = tokio::spawn(async move {
        let mut open = std::collections::VecDeque::new();
        let end = Instant::now() + Duration::from_secs(3);
        while Instant::now() < end {
            if let Ok(s) = TcpStream::connect(addr).await {
                open.push_back(s);
            }
            if open.len() > 16 {
                open.pop_front();
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    for round in 0..5 {
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(close.as_bytes()).await.unwrap();
        let mut got = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), c.read_to_end(&mut got)).await;
        let got = String::from_utf8_lossy(&got);
        assert!(
            got.starts_with("HTTP/1.1 200"),
            "round {round}: {}",
            &got[..got.len().min(200)]
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The console's kept-alive connection is still open.
    console.write_all(keep.as_bytes()).await.unwrap();
    let n = tokio::time::timeout(Duration::from_secs(5), console.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{n} bytes");
    flood.await.unwrap();
}

#[tokio::test]
async fn the_msel_is_prepared_edited_fired_and_survives_a_restart() {
    let f = fixture("msel", 2);
    let c = f.tokens.controller.clone();
    let add = |fire_s: u64, facility: u32| {
        format!(
            r#"{{"fire_s":{fire_s},"inject":{{"Damage":{{"facility":{facility},"state":"Complete"}}}}}}"#
        )
    };
    // Before the drill starts: three entries, one moved, one deleted.
    let (s, b) = f.call("POST", "/api/msel", Some(&c), &add(600, 1)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(serde_json::from_str::<Value>(&b).unwrap()["id"], 1);
    let (s, b) = f.call("POST", "/api/msel", Some(&c), &add(3_600, 2)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = f.call("POST", "/api/msel", Some(&c), &add(7_200, 3)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = f
        .call("PUT", "/api/msel/2", Some(&c), r#"{"fire_s":240}"#)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = f.call("DELETE", "/api/msel/3", Some(&c), "").await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Bad requests change nothing.
    let before = std::fs::read(f.dir.join("journal.jsonl")).unwrap();
    for (m, p, body, want) in [
        ("POST", "/api/msel", add(600, 4242), 422), // no such facility
        ("POST", "/api/msel", add(24 * 3600, 1), 422), // past the horizon
        (
            "POST",
            "/api/msel",
            r#"{"fire_s":60,"inject":{"Warn":{"zone":2}}}"#.into(),
            422,
        ),
        ("POST", "/api/msel", r#"{"fire_s":60}"#.into(), 400),
        (
            "POST",
            "/api/msel",
            r#"{"fire_s":60,"inject":{"Expose":{"zone":2}},"x":1}"#.into(),
            400,
        ),
        ("PUT", "/api/msel/9", r#"{"fire_s":60}"#.into(), 404),
        ("PUT", "/api/msel/x", r#"{"fire_s":60}"#.into(), 404),
        ("PUT", "/api/msel/3", r#"{"fire_s":60}"#.into(), 409), // deleted
        ("DELETE", "/api/msel/3", String::new(), 409),
        ("DELETE", "/api/msel/9", String::new(), 404),
    ] {
        let (s, b) = f.call(m, p, Some(&c), &body).await;
        assert_eq!(s.as_u16(), want, "{m} {p} {body}: {b}");
    }
    for (m, p) in [
        ("POST", "/api/msel"),
        ("PUT", "/api/msel/1"),
        ("DELETE", "/api/msel/1"),
    ] {
        let (s, _) = f.call(m, p, Some(&f.team(1)), &add(600, 1)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "player on {m} {p}");
        let (s, _) = f.call(m, p, None, &add(600, 1)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{m} {p} without a token");
    }
    assert_eq!(std::fs::read(f.dir.join("journal.jsonl")).unwrap(), before);
    // The team never sees the list.
    let (_, view) = f.call("GET", "/api/state", Some(&f.team(1)), "").await;
    assert!(!view.contains("msel"), "{view}");

    // Run to 5 minutes: entry 2 (moved to 4 min) fired, entry 1 not yet.
    for _ in 0..5 {
        f.call("POST", "/api/control", Some(&c), r#"{"action":"step"}"#)
            .await;
    }
    let (_, truth) = f.call("GET", "/api/truth", Some(&c), "").await;
    let v: Value = serde_json::from_str(&truth).unwrap();
    let msel = v["msel"].as_array().unwrap();
    assert_eq!(msel.len(), 2, "the deleted entry is not listed: {msel:?}");
    let by_id = |id: u64| msel.iter().find(|m| m["id"] == id).unwrap();
    assert_eq!(by_id(2)["fired_s"], 240, "fired at its tick");
    assert!(by_id(1)["fired_s"].is_null());
    assert_eq!(v["controller_injects"][0]["msel"], 2);
    for t in v["teams"].as_array().unwrap() {
        assert!(
            t["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "FacilityDamaged"
                    && e["facility"] == 2
                    && e["state"] == "Complete"
                    && e["t_s"] == 240),
            "team {} got the inject at 4 min",
            t["team"]
        );
        assert!(
            !t["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "FacilityDamaged"
                    && e["facility"] == 3
                    && e["state"] == "Complete")
        );
    }
    // A fired entry cannot change; a time already past is refused.
    let (s, _) = f
        .call("PUT", "/api/msel/2", Some(&c), r#"{"fire_s":900}"#)
        .await;
    assert_eq!(s.as_u16(), 409);
    let (s, _) = f
        .call("PUT", "/api/msel/1", Some(&c), r#"{"fire_s":60}"#)
        .await;
    assert_eq!(s.as_u16(), 422);
    // Targets and lives for each team, beside the list.
    for t in v["teams"].as_array().unwrap() {
        let names: Vec<&str> = t["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["cleanup", "power", "water", "telecom", "main_roads"]
        );
        // The 24 h drill cannot reach the 48 h+ deadlines.
        assert!(
            t["targets"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["status"] == "beyond" || x["status"] == "met"),
            "{}",
            t["targets"]
        );
        assert!(t["lives"]["deaths"].is_u64(), "{}", t["lives"]);
    }

    // A restarted server has the same list and fires the rest on time.
    let reopened = Session::open(&f.dir).unwrap();
    let s = f.app.session.lock().unwrap();
    assert_eq!(
        serde_json::to_value(&reopened.msel).unwrap(),
        serde_json::to_value(&s.msel).unwrap()
    );
    drop(s);
    let mut reopened = reopened;
    reopened.advance(6);
    let m1 = reopened.msel.iter().find(|m| m.id == 1).unwrap();
    assert_eq!(m1.fired_s, Some(600));
    assert!(
        reopened
            .msel
            .iter()
            .find(|m| m.id == 3)
            .unwrap()
            .fired_s
            .is_none()
    );
}

#[tokio::test]
async fn a_hoax_call_reaches_one_team_as_a_public_call_and_only_the_controller_knows() {
    let f = fixture("hoax", 2);
    let c = f.tokens.controller.clone();
    f.call("POST", "/api/control", Some(&c), r#"{"action":"step"}"#)
        .await;
    let body = r#"{"team":1,"hoax":{"kind":"people_exposed","zone":3,"people":250}}"#;
    let (s, b) = f.call("POST", "/api/hoax", Some(&c), body).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let (s, b) = f
        .call(
            "POST",
            "/api/hoax",
            Some(&c),
            r#"{"team":1,"hoax":{"kind":"facility_damaged","facility":1,"state":"Complete"}}"#,
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let before = std::fs::read(f.dir.join("journal.jsonl")).unwrap();
    for (who, body, want) in [
        (
            Some(c.as_str()),
            r#"{"team":3,"hoax":{"kind":"road_blocked","edge":423}}"#,
            422,
        ),
        (
            Some(c.as_str()),
            r#"{"team":1,"hoax":{"kind":"road_blocked","edge":999999}}"#,
            422,
        ),
        (
            Some(c.as_str()),
            r#"{"team":1,"hoax":{"kind":"people_exposed","zone":3,"people":0}}"#,
            422,
        ),
        (
            Some(c.as_str()),
            r#"{"team":1,"hoax":{"kind":"aftershock"}}"#,
            400,
        ),
        (
            Some(c.as_str()),
            r#"{"team":1,"hoax":{"kind":"road_blocked","edge":423,"x":1}}"#,
            400,
        ),
        (
            Some(f.team(1).as_str()),
            r#"{"team":1,"hoax":{"kind":"road_blocked","edge":423}}"#,
            403,
        ),
        (
            None,
            r#"{"team":1,"hoax":{"kind":"road_blocked","edge":423}}"#,
            401,
        ),
    ] {
        let (s, b) = f.call("POST", "/api/hoax", who, body).await;
        assert_eq!(s.as_u16(), want, "{body}: {b}");
    }
    assert_eq!(std::fs::read(f.dir.join("journal.jsonl")).unwrap(), before);

    // Team 1 hears it from a public call, like any other report; team 2
    // hears nothing; no team's truth has it.
    let (_, v1) = f.call("GET", "/api/state", Some(&f.team(1)), "").await;
    let v1: Value = serde_json::from_str(&v1).unwrap();
    let said = v1["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["event"]["kind"] == "ZoneExposed" && r["event"]["zone"] == 3)
        .expect("team 1 told of people in zone 3");
    assert_eq!(said["source"], "public_call");
    assert_eq!(said["event"]["people"], 250);
    assert!(!v1.to_string().contains("hoax"), "the team cannot tell");
    let (_, v2) = f.call("GET", "/api/state", Some(&f.team(2)), "").await;
    assert!(!v2.contains("\"people\":250"), "{v2}");
    let (_, truth) = f.call("GET", "/api/truth", Some(&c), "").await;
    let truth: Value = serde_json::from_str(&truth).unwrap();
    assert_eq!(truth["hoaxes"].as_array().unwrap().len(), 2);
    assert_eq!(truth["hoaxes"][0]["team"], 1);
    assert_eq!(truth["hoaxes"][0]["hoax"]["kind"], "people_exposed");
    for t in truth["teams"].as_array().unwrap() {
        assert!(
            !t["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "ZoneExposed" && e["people"] == 250)
        );
    }

    // Durable: a reopened drill tells team 1 the same.
    let reopened = Session::open(&f.dir).unwrap();
    assert_eq!(reopened.team_view(1).unwrap()["reports"], v1["reports"]);
    assert_eq!(reopened.hoaxes.len(), 2);
}

#[tokio::test]
async fn views_carry_the_narrators_sentences_and_crew_names_in_the_asked_language() {
    let f = fixture("sentences", 1);
    let c = f.tokens.controller.clone();
    for _ in 0..40 {
        f.call("POST", "/api/control", Some(&c), r#"{"action":"step"}"#)
            .await;
    }
    let team = f.team(1);
    let (_, zh) = f.call("GET", "/api/state", Some(&team), "").await;
    let (_, en) = f.call("GET", "/api/state?lang=en", Some(&team), "").await;
    let (zh, en): (Value, Value) = (
        serde_json::from_str(&zh).unwrap(),
        serde_json::from_str(&en).unwrap(),
    );
    let reports = zh["reports"].as_array().unwrap();
    assert!(!reports.is_empty());
    let han = |s: &str| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    for (z, e) in reports.iter().zip(en["reports"].as_array().unwrap()) {
        let (zs, es) = (
            z["event"]["sentence"].as_str().unwrap(),
            e["event"]["sentence"].as_str().unwrap(),
        );
        assert!(han(zs) && !zs.contains('{'), "{zs}");
        assert!(!es.contains('{') && zs != es, "{zs} / {es}");
    }
    let crew = &zh["crews"][0];
    assert!(crew["name"].as_str().unwrap().ends_with('队'), "{crew}");
    assert!(
        en["crews"][0]["name"].as_str().unwrap().contains("crew"),
        "{}",
        en["crews"][0]
    );
    // The controller's truth too; an unknown language falls back to the
    // drill's (zh-CN); an unknown query field is still refused.
    let (_, t) = f.call("GET", "/api/truth?lang=xx", Some(&c), "").await;
    let t: Value = serde_json::from_str(&t).unwrap();
    let ev = &t["teams"][0]["events"][0];
    assert!(han(ev["sentence"].as_str().unwrap()), "{ev}");
    let (s, _) = f.call("GET", "/api/truth?colour=red", Some(&c), "").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn aftershock_delay_and_weather_injects_are_posted_or_refused_cleanly() {
    let f = fixture("hazard-injects", 2);
    let c = f.tokens.controller.clone();
    let step = || f.call("POST", "/api/control", Some(&c), r#"{"action":"step"}"#);
    // Past the main shock (its onset is at most 0.2 h).
    for _ in 0..13 {
        step().await;
    }
    // Refused with a reason, changing nothing: out of range, or a weather
    // change in a drill with neither a fire nor a chemical release.
    let before = std::fs::read(f.dir.join("journal.jsonl")).unwrap();
    for (body, why) in [
        (
            r#"{"Aftershock":{"magnitude":12.0,"epicentre_x":14000.0,"epicentre_y":-20000.0}}"#,
            "Aftershock magnitude must be in 4…9.5",
        ),
        (
            r#"{"DelayAid":{"hours":0.0}}"#,
            "DelayAid hours must be > 0",
        ),
        (
            r#"{"Weather":{"wind_speed_m_s":8.0,"wind_from_deg":315.0}}"#,
            "acts on fires and chemical releases",
        ),
    ] {
        let (s, b) = f.call("POST", "/api/injects", Some(&c), body).await;
        assert_eq!(s.as_u16(), 422, "{body}: {b}");
        assert!(b.contains(why), "{body}: {b}");
        let (s, b) = f
            .call(
                "POST",
                "/api/msel",
                Some(&c),
                &format!(r#"{{"fire_s":3600,"inject":{body}}}"#),
            )
            .await;
        assert_eq!(s.as_u16(), 422, "MSEL {body}: {b}");
    }
    assert_eq!(std::fs::read(f.dir.join("journal.jsonl")).unwrap(), before);
    // Accepted: an aftershock now, a delay of the aid from the MSEL.
    let (s, b) = f
        .call(
            "POST",
            "/api/injects",
            Some(&c),
            r#"{"Aftershock":{"magnitude":5.8,"epicentre_x":12000.0,"epicentre_y":-19000.0}}"#,
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let (s, b) = f
        .call(
            "POST",
            "/api/msel",
            Some(&c),
            r#"{"fire_s":900,"inject":{"DelayAid":{"hours":3.0}}}"#,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    for _ in 0..4 {
        step().await;
    }
    let (_, truth) = f.call("GET", "/api/truth", Some(&c), "").await;
    let v: Value = serde_json::from_str(&truth).unwrap();
    for t in v["teams"].as_array().unwrap() {
        let events = t["events"].as_array().unwrap();
        assert!(
            events.iter().any(|e| e["kind"] == "HazardStarted"
                && e["hazard"] == 2
                && e["what"] == "aftershock Mw 5.8"),
            "every team's world has the aftershock: {events:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| e["kind"] == "AidDelayed" && e["t_s"] == 900 && e["hours"] == 3.0),
            "and the delay: {events:?}"
        );
    }
    let kinds: Vec<&str> = v["controller_injects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["inject"].as_object()?.keys().next().map(|k| k.as_str()))
        .collect();
    assert_eq!(kinds, ["Aftershock", "DelayAid"]);
    // A team hears of both as its sensors and the aid's coordinators tell
    // it, never of the controller's inject itself.
    let (_, view) = f.call("GET", "/api/state", Some(&f.team(1)), "").await;
    assert!(view.contains("aftershock Mw 5.8"), "{view}");
    assert!(view.contains("AidDelayed"), "{view}");
    assert!(!view.contains("Aftershock"), "{view}");
    assert!(!view.contains("DelayAid"), "{view}");
}
