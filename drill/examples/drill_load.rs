//! Load on the drill server (issue 19's Done-when): live-update streams,
//! teams posting orders, a flood of idle unauthenticated connections, and a
//! "real client" that keeps opening a fresh connection to ask for
//! `/api/state`, all at once, on loopback, with the clock running at 60×.
//!
//! ```text
//! cargo build --release --bin qilian   # then, e.g.:
//! cargo run -p qilian-drill --example drill_load -- 180 --streams 200 --posters 50 \
//!     --teams 5 --flood 1100 --flood-at 30 --server-nofile 1024 --serve target/release/qilian
//! ```
//!
//! - `--streams N` (200): SSE streams (`/api/events`), spread over the
//!   teams; a stream that ends early is counted and reopened after 1 s.
//! - `--posters N` (50): clients posting orders (alternating two
//!   `priorities` orders) over a kept-alive connection, spread over
//!   `--teams` (5); each team's posters together stay at 80 % of the
//!   server's per-team rate ([`ORDER_RATE`]). A request that finds its
//!   kept-alive connection closed (the server closes the idlest connection
//!   at its cap) is counted and sent again once on a new connection.
//! - `--flood N` (1,100), from `--flood-at S` (30) seconds to the end:
//!   connections that authenticate nothing. Half send nothing; half send
//!   the start of a request and then one byte every 5 s (a slow loris).
//!   Each, once the server closes it (or refuses it with `503`), waits 1 s
//!   and connects again, so about N are open or queued at any moment.
//! - The real client: every second a new connection, `GET /api/state`
//!   (team 1), `Connection: close`; its wait is from `connect` to the whole
//!   answer (30 s at most).
//! - Every 15 s the server's RSS (`VmRSS` of `/proc/PID/status`) and open
//!   descriptors (`/proc/PID/fd`), with the simulated time and the size of
//!   the drill state from `/api/truth` (truth events and orders of all
//!   teams).
//!
//! With `--serve QILIAN` the server is a separate process,
//! `QILIAN drill serve`, on a drill created from the test template with a
//! fixed seed (`--server-nofile N` starts it under `ulimit -n N`); without
//! it the server runs in this process with the default limits (and the RSS
//! is this whole process's).

use qilian_drill::guard::Limits;
use qilian_drill::journal::Control;
use qilian_drill::seal::{Tokens, create_with_seed, read_json};
use qilian_drill::server::{App, ORDER_RATE};
use qilian_drill::session::Session;
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Seconds between RSS samples.
const SAMPLE_S: u64 = 15;

/// Seconds the real client waits for an answer before giving up.
const REAL_WAIT_S: u64 = 30;

fn proc_status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// Read one response (status line, headers, Content-Length body).
async fn response(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut line = String::new();
    if r.read_line(&mut line).await? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut len = 0usize;
    loop {
        line.clear();
        r.read_line(&mut line).await?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).await?;
    Ok((status, body))
}

fn request(method: &str, path: &str, addr: &str, token: &str, body: &str, close: bool) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n{}\r\n{body}",
        body.len(),
        if close { "Connection: close\r\n" } else { "" }
    )
}

/// One request on a fresh connection: status and body.
async fn call(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> std::io::Result<(u16, Vec<u8>)> {
    let s = TcpStream::connect(addr).await?;
    let mut r = BufReader::new(s);
    let req = request(method, path, addr, token, body, true);
    r.get_mut().write_all(req.as_bytes()).await?;
    response(&mut r).await
}

/// One RSS sample with the drill state's size at that moment.
struct Sample {
    wall_s: u64,
    rss_kib: u64,
    fds: usize,
    /// `None` when `/api/truth` got no answer.
    truth: Option<(u64, u64, u64)>,
}

async fn sample(addr: &str, controller: &str, pid: u32, wall_s: u64) -> Sample {
    let truth = match tokio::time::timeout(
        Duration::from_secs(10),
        call(addr, "GET", "/api/truth", controller, ""),
    )
    .await
    {
        Ok(Ok((200, b))) => serde_json::from_slice::<Value>(&b).ok(),
        _ => None,
    };
    let truth = truth.map(|v| {
        let teams = v["teams"].as_array().cloned().unwrap_or_default();
        let sum = |k: &str| teams.iter().map(|t| t[k].as_u64().unwrap_or(0)).sum();
        (
            v["clock"]["t_s"].as_u64().unwrap_or(0),
            sum("events_total"),
            sum("orders_total"),
        )
    });
    Sample {
        wall_s,
        // After the request, so its own allocation is not counted.
        rss_kib: proc_status_kib(pid, "VmRSS:"),
        fds: open_fds(pid),
        truth,
    }
}

/// Start `qilian drill serve DIR` (under `ulimit -n NOFILE` if given) and
/// read its address from its first line.
fn spawn_server(bin: &Path, dir: &Path, nofile: Option<u64>) -> (Child, String) {
    let mut cmd = match nofile {
        // `exec` keeps the process id: the one sampled is the server.
        Some(n) => {
            let mut c = Command::new("sh");
            c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\"")])
                .arg(bin);
            c
        }
        None => Command::new(bin),
    };
    let mut child = cmd
        .args(["drill", "serve"])
        .arg(dir)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the server prints its address");
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim()
        .trim_end_matches('/')
        .to_string();
    (child, addr)
}

/// Counters shared by the client tasks.
#[derive(Default)]
struct Counts {
    sse_events: AtomicU64,
    sse_ended_early: AtomicU64,
    orders_accepted: AtomicU64,
    orders_limited: AtomicU64,
    orders_failed: AtomicU64,
    orders_resent: AtomicU64,
    flood_connects: AtomicU64,
    flood_refused_503: AtomicU64,
    flood_closed: AtomicU64,
    flood_connect_failed: AtomicU64,
}

fn count(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// One attempt of the real client: when it started (s since the start),
/// how long it took, and its status (0: no answer).
struct Attempt {
    at_s: f64,
    took_ms: f64,
    status: u16,
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

struct Args {
    secs: u64,
    streams: u64,
    posters: u64,
    teams: u32,
    flood: u64,
    flood_at: u64,
    nofile: Option<u64>,
    serve: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        secs: 180,
        streams: 200,
        posters: 50,
        teams: 5,
        flood: 1100,
        flood_at: 30,
        nofile: None,
        serve: None,
    };
    let mut it = std::env::args().skip(1);
    let mut secs_given = false;
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        let num = |s: String| -> u64 { s.parse().unwrap_or_else(|_| panic!("not a number: {s}")) };
        match k.as_str() {
            "--streams" => a.streams = num(v()),
            "--posters" => a.posters = num(v()),
            "--teams" => a.teams = num(v()).max(1) as u32,
            "--flood" => a.flood = num(v()),
            "--flood-at" => a.flood_at = num(v()),
            "--server-nofile" => a.nofile = Some(num(v())),
            "--serve" => a.serve = Some(v().into()),
            s if !secs_given => {
                a.secs = num(s.to_string());
                secs_given = true;
            }
            s => panic!("unexpected argument {s:?} (SECONDS is the only positional one)"),
        }
    }
    a
}

fn main() {
    let a = args();
    let (secs, teams) = (a.secs, a.teams);
    let dir = std::env::temp_dir().join(format!("qilian-drill-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let template = qilian_drill::template::load_template(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/drill-quake.ron"),
    )
    .expect("template");
    create_with_seed(&template, teams, &dir, [3; 32]).expect("drill");
    let tokens: Tokens = read_json(&dir.join("tokens.json")).expect("tokens");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut child = None;
    let (addr, pid) = match &a.serve {
        Some(bin) => {
            let (c, addr) = spawn_server(bin, &dir, a.nofile);
            let pid = c.id();
            child = Some(c);
            (addr, pid)
        }
        None => {
            let app = App::new(Session::open(&dir).expect("session"), &tokens);
            let listener = rt
                .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
                .unwrap();
            let addr = listener.local_addr().unwrap().to_string();
            let ticker = app.clone();
            std::thread::spawn(move || qilian_drill::server::run_clock(ticker));
            rt.spawn(qilian_drill::server::serve_on(
                listener,
                app,
                Limits::default(),
            ));
            (addr, std::process::id())
        }
    };
    let team_token = |n: u64| tokens.teams[&((n as u32 % teams) + 1).to_string()].clone();
    let controller = tokens.controller.clone();
    let counts = Arc::new(Counts::default());
    let real: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let order_lat: Arc<Mutex<Vec<f64>>> = Arc::default();
    let (streams, posters, flood) = (a.streams, a.posters, a.flood);
    rt.block_on(async {
        for c in [Control::Speed { value: 60.0 }, Control::Start] {
            let body = serde_json::to_string(&c).unwrap();
            let (s, _) = call(&addr, "POST", "/api/control", &controller, &body)
                .await
                .expect("control");
            assert_eq!(s, 200, "control {body}");
        }
        let t0 = Instant::now();
        let end = t0 + Duration::from_secs(secs);
        let mut samples = vec![sample(&addr, &controller, pid, 0).await];
        let mut tasks = Vec::new();
        // The live-update streams.
        for i in 0..streams {
            let (addr, token, counts) = (addr.clone(), team_token(i), counts.clone());
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(i * 2000 / streams.max(1))).await;
                while Instant::now() < end {
                    if let Ok(mut s) = TcpStream::connect(&addr).await {
                        let req = format!(
                            "GET /api/events?token={token} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
                        );
                        if s.write_all(req.as_bytes()).await.is_ok() {
                            let mut r = BufReader::new(s);
                            let mut line = String::new();
                            let read = async {
                                while r.read_line(&mut line).await.unwrap_or(0) > 0 {
                                    if line.starts_with("event: clock") {
                                        count(&counts.sse_events);
                                    }
                                    line.clear();
                                }
                            };
                            if tokio::time::timeout_at(end.into(), read).await.is_err() {
                                return;
                            }
                        }
                    }
                    count(&counts.sse_ended_early);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }));
        }
        // The posters: each team's together at 80 % of its rate.
        let per_team = posters.div_ceil(u64::from(teams)).max(1);
        let every = Duration::from_secs_f64(per_team as f64 / (0.8 * ORDER_RATE));
        for i in 0..posters {
            let (addr, token, counts) = (addr.clone(), team_token(i), counts.clone());
            let lat = order_lat.clone();
            tasks.push(tokio::spawn(async move {
                let orders = [
                    r#"{"type":"priorities","order":["Road","Bridge"]}"#,
                    r#"{"type":"priorities","order":["Bridge","Road"]}"#,
                ];
                let mut next = Instant::now() + every.mul_f64(i as f64 / posters as f64);
                let mut conn: Option<BufReader<TcpStream>> = None;
                let mut k = 0;
                while next < end {
                    tokio::time::sleep_until(next.into()).await;
                    next += every;
                    let req = request("POST", "/api/orders", &addr, &token, orders[k % 2], false);
                    k += 1;
                    let started = Instant::now();
                    let mut got = None;
                    for attempt in 0..2 {
                        if conn.is_none() {
                            conn = TcpStream::connect(&addr).await.ok().map(BufReader::new);
                        }
                        let Some(c) = conn.as_mut() else { break };
                        let sent = async {
                            c.get_mut().write_all(req.as_bytes()).await?;
                            response(c).await
                        };
                        let answer = tokio::time::timeout(Duration::from_secs(30), sent).await;
                        match answer {
                            Ok(Ok((s, _))) => {
                                got = Some(s);
                                break;
                            }
                            _ => {
                                conn = None;
                                if attempt == 0 {
                                    count(&counts.orders_resent);
                                }
                            }
                        }
                    }
                    match got {
                        Some(202) => {
                            count(&counts.orders_accepted);
                            lat.lock()
                                .unwrap()
                                .push(started.elapsed().as_secs_f64() * 1e3);
                        }
                        Some(429) => count(&counts.orders_limited),
                        _ => count(&counts.orders_failed),
                    }
                }
            }));
        }
        // The real client.
        {
            let (addr, token, real) = (addr.clone(), team_token(0), real.clone());
            tasks.push(tokio::spawn(async move {
                let mut next = Instant::now();
                while next < end {
                    tokio::time::sleep_until(next.into()).await;
                    next += Duration::from_secs(1);
                    let started = Instant::now();
                    let got = tokio::time::timeout(
                        Duration::from_secs(REAL_WAIT_S),
                        call(&addr, "GET", "/api/state", &token, ""),
                    )
                    .await;
                    let status = match got {
                        Ok(Ok((s, _))) => s,
                        _ => 0,
                    };
                    real.lock().unwrap().push(Attempt {
                        at_s: started.duration_since(t0).as_secs_f64(),
                        took_ms: started.elapsed().as_secs_f64() * 1e3,
                        status,
                    });
                    // A wait past the second starts the next at once.
                    next = next.max(Instant::now());
                }
            }));
        }
        // The flood.
        let flood_start = t0 + Duration::from_secs(a.flood_at);
        for i in 0..flood {
            let (addr, counts) = (addr.clone(), counts.clone());
            tasks.push(tokio::spawn(async move {
                let spread = Duration::from_millis(i * 2000 / flood.max(1));
                tokio::time::sleep_until((flood_start + spread).into()).await;
                while Instant::now() < end {
                    let Ok(mut s) = TcpStream::connect(&addr).await else {
                        count(&counts.flood_connect_failed);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    };
                    count(&counts.flood_connects);
                    let loris = i % 2 == 1;
                    if loris {
                        let _ = s.write_all(b"GET /api/state HTTP/1.1\r\nX-A: ").await;
                    }
                    let mut buf = [0u8; 512];
                    let mut first = true;
                    let held = async {
                        loop {
                            match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
                                .await
                            {
                                Ok(Ok(0)) | Ok(Err(_)) => return false,
                                Ok(Ok(n)) => {
                                    if first && buf[..n].starts_with(b"HTTP/1.1 503") {
                                        return true;
                                    }
                                    first = false;
                                }
                                Err(_) if loris => {
                                    if s.write_all(b"a").await.is_err() {
                                        return false;
                                    }
                                }
                                Err(_) => {}
                            }
                        }
                    };
                    match tokio::time::timeout_at(end.into(), held).await {
                        Ok(true) => count(&counts.flood_refused_503),
                        Ok(false) => count(&counts.flood_closed),
                        Err(_) => return,
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }));
        }
        let mut k = 1;
        while t0 + Duration::from_secs(k * SAMPLE_S) <= end {
            tokio::time::sleep_until((t0 + Duration::from_secs(k * SAMPLE_S)).into()).await;
            samples.push(sample(&addr, &controller, pid, k * SAMPLE_S).await);
            k += 1;
        }
        for t in tasks {
            let _ = t.await;
        }
        report(
            &a,
            &samples,
            &counts,
            &real.lock().unwrap(),
            &mut order_lat.lock().unwrap(),
        );
    });
    if let Some(mut c) = child {
        let _ = c.kill();
        let _ = c.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn report(a: &Args, samples: &[Sample], c: &Counts, real: &[Attempt], order_lat: &mut [f64]) {
    let n = |x: &AtomicU64| x.load(Ordering::Relaxed);
    println!("| wall s | RSS MiB | server fds | simulated h | truth events | orders |");
    println!("|---|---|---|---|---|---|");
    for s in samples {
        let (h, ev, or) = match s.truth {
            Some((t, e, o)) => (
                format!("{:.2}", t as f64 / 3600.0),
                e.to_string(),
                o.to_string(),
            ),
            None => ("no answer".into(), "".into(), "".into()),
        };
        println!(
            "| {} | {:.1} | {} | {h} | {ev} | {or} |",
            s.wall_s,
            s.rss_kib as f64 / 1024.0,
            s.fds
        );
    }
    order_lat.sort_by(f64::total_cmp);
    println!(
        "{} s; {} streams, {} posters over {} teams, flood {} from {} s ({}):",
        a.secs,
        a.streams,
        a.posters,
        a.teams,
        a.flood,
        a.flood_at,
        if a.serve.is_some() {
            "separate server process"
        } else {
            "server in this process"
        },
    );
    println!(
        "  SSE: {} clock events; {} streams ended before the end (reopened)",
        n(&c.sse_events),
        n(&c.sse_ended_early)
    );
    println!(
        "  orders: {} accepted, {} refused 429, {} failed; {} resent once after their kept-alive connection was closed; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        n(&c.orders_accepted),
        n(&c.orders_limited),
        n(&c.orders_failed),
        n(&c.orders_resent),
        pct(order_lat, 0.5),
        pct(order_lat, 0.99),
        order_lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  flood: {} connections made ({} connect errors); {} refused with 503, {} closed by the server",
        n(&c.flood_connects),
        n(&c.flood_connect_failed),
        n(&c.flood_refused_503),
        n(&c.flood_closed)
    );
    for (name, during) in [("before the flood", false), ("during the flood", true)] {
        let part: Vec<&Attempt> = real
            .iter()
            .filter(|r| (r.at_s >= a.flood_at as f64) == during)
            .collect();
        let ok: Vec<&&Attempt> = part.iter().filter(|r| r.status == 200).collect();
        let mut waits: Vec<f64> = ok.iter().map(|r| r.took_ms).collect();
        waits.sort_by(f64::total_cmp);
        // The longest stretch without an answer: from an attempt's start
        // to the end of the next successful one.
        let mut longest = 0.0_f64;
        let mut since: Option<f64> = None;
        for r in &part {
            let start = *since.get_or_insert(r.at_s);
            if r.status == 200 {
                longest = longest.max((r.at_s + r.took_ms / 1e3 - start) * 1e3);
                since = None;
            }
        }
        let mut other: Vec<u16> = part
            .iter()
            .map(|r| r.status)
            .filter(|&s| s != 200)
            .collect();
        other.sort_unstable();
        println!(
            "  real client {name}: {} of {} GET /api/state answered 200 (others: {:?}; 0 = no answer); wait p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; longest time to an answer {:.0} ms",
            ok.len(),
            part.len(),
            other,
            pct(&waits, 0.5),
            pct(&waits, 0.99),
            waits.last().copied().unwrap_or(f64::NAN),
            longest
        );
    }
}
