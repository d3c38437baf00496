//! Load on the drill server: N concurrent player clients, each sending one
//! `GET /api/state` a second over a kept-alive connection and holding an
//! SSE stream, for a while, on loopback, with the clock running.
//!
//! ```text
//! cargo run --release -p qilian-drill --example drill_load -- [SECONDS] [CLIENTS] [TEAMS] [--serve QILIAN]
//! cargo build --release --bin qilian   # then, e.g.:
//! cargo run -p qilian-drill --example drill_load -- 300 50 5 --serve target/release/qilian
//! ```
//!
//! Defaults: 300 s, 50 clients, 5 teams (clients spread over the teams),
//! speed 60× (one tick a second). With `--serve QILIAN` the server is a
//! separate process, `QILIAN drill serve` (e.g. `target/release/qilian`),
//! on a drill created from the test template with a fixed seed; without
//! it, the server runs in this process. Every 15 s the server's RSS
//! (`VmRSS` of `/proc/PID/status`) is sampled, with the simulated time and
//! the size of the simulation state (truth events and reports of all teams,
//! from `/api/truth`), so growth that follows the simulation can be told
//! from growth that follows the load. Reports requests, errors, p50/p99/max
//! latency and SSE events received.

use qilian_drill::journal::Control;
use qilian_drill::seal::{Tokens, create_with_seed, read_json};
use qilian_drill::server::{App, router};
use qilian_drill::session::Session;
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Seconds between RSS samples.
const SAMPLE_S: u64 = 15;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Read one response (status line, headers, Content-Length body).
async fn response(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut line = String::new();
    r.read_line(&mut line).await?;
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

/// One GET over a kept-alive connection; the status.
async fn get(
    r: &mut BufReader<TcpStream>,
    addr: &str,
    path: &str,
    token: &str,
) -> std::io::Result<u16> {
    let req =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n");
    r.get_mut().write_all(req.as_bytes()).await?;
    Ok(response(r).await?.0)
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
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    r.get_mut().write_all(req.as_bytes()).await?;
    response(&mut r).await
}

/// One RSS sample with the simulation's size at that moment.
struct Sample {
    wall_s: u64,
    rss_kib: u64,
    sim_t_s: u64,
    events: usize,
    reports: u64,
}

async fn sample(addr: &str, controller: &str, pid: u32, wall_s: u64) -> Sample {
    let truth: Value = match call(addr, "GET", "/api/truth", controller, "").await {
        Ok((200, b)) => serde_json::from_slice(&b).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let teams = truth["teams"].as_array().cloned().unwrap_or_default();
    Sample {
        wall_s,
        // After the request, so its own allocation is not counted.
        rss_kib: rss_kib(pid),
        sim_t_s: truth["clock"]["t_s"].as_u64().unwrap_or(0),
        events: teams
            .iter()
            .map(|t| t["events"].as_array().map_or(0, Vec::len))
            .sum(),
        reports: teams
            .iter()
            .map(|t| t["reports"].as_u64().unwrap_or(0))
            .sum(),
    }
}

/// Start `qilian drill serve DIR` and read its address from its first line.
fn spawn_server(bin: &Path, dir: &Path) -> (Child, String) {
    let mut child = Command::new(bin)
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

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let serve: Option<PathBuf> = args.iter().position(|a| a == "--serve").map(|i| {
        let bin = args.get(i + 1).expect("--serve QILIAN").into();
        args.drain(i..i + 2);
        bin
    });
    let nums: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let secs = nums.first().copied().unwrap_or(300);
    let clients = nums.get(1).copied().unwrap_or(50);
    let teams = nums.get(2).copied().unwrap_or(5) as u32;
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
    let (addr, pid) = match &serve {
        Some(bin) => {
            let (c, addr) = spawn_server(bin, &dir);
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
            rt.spawn(async move { axum::serve(listener, router(app)).await.unwrap() });
            (addr, std::process::id())
        }
    };
    let controller = tokens.controller.clone();
    rt.block_on(async move {
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
        let errors = Arc::new(AtomicU64::new(0));
        let sse_events = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for c in 0..clients {
            let token = tokens.teams[&((c as u32 % teams) + 1).to_string()].clone();
            let addr = addr.clone();
            let errors = errors.clone();
            let sse_events = sse_events.clone();
            // The live-update stream.
            let (sa, st) = (addr.clone(), token.clone());
            tokio::spawn(async move {
                let Ok(mut s) = TcpStream::connect(&sa).await else {
                    return;
                };
                let req = format!("GET /api/events?token={st} HTTP/1.1\r\nHost: {sa}\r\n\r\n");
                if s.write_all(req.as_bytes()).await.is_err() {
                    return;
                }
                let mut r = BufReader::new(s);
                let mut line = String::new();
                while r.read_line(&mut line).await.unwrap_or(0) > 0 {
                    if line.starts_with("event: clock") {
                        sse_events.fetch_add(1, Ordering::Relaxed);
                    }
                    line.clear();
                }
            });
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                // Spread the clients over the first second.
                tokio::time::sleep(Duration::from_millis(c * 1000 / clients.max(1))).await;
                let mut conn = match TcpStream::connect(&addr).await {
                    Ok(s) => BufReader::new(s),
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        return lat;
                    }
                };
                let mut next = Instant::now();
                while Instant::now() < end {
                    let t0 = Instant::now();
                    match get(&mut conn, &addr, "/api/state", &token).await {
                        Ok(200) => lat.push(t0.elapsed().as_secs_f64() * 1000.0),
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            if let Ok(s) = TcpStream::connect(&addr).await {
                                conn = BufReader::new(s);
                            }
                        }
                    }
                    next += Duration::from_secs(1);
                    tokio::time::sleep_until(next.into()).await;
                }
                lat
            }));
        }
        let mut k = 1;
        while t0 + Duration::from_secs(k * SAMPLE_S) <= end {
            tokio::time::sleep_until((t0 + Duration::from_secs(k * SAMPLE_S)).into()).await;
            samples.push(sample(&addr, &controller, pid, k * SAMPLE_S).await);
            k += 1;
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap_or_default());
        }
        all.sort_by(f64::total_cmp);
        let pct = |p: f64| {
            all.get(((all.len() as f64 - 1.0) * p).round() as usize)
                .copied()
                .unwrap_or(f64::NAN)
        };
        println!("wall s | server RSS MiB | simulated h | truth events | reports");
        for s in &samples {
            println!(
                "{:6} | {:14.1} | {:11.2} | {:12} | {}",
                s.wall_s,
                s.rss_kib as f64 / 1024.0,
                s.sim_t_s as f64 / 3600.0,
                s.events,
                s.reports
            );
        }
        println!(
            "{secs} s, {clients} clients over {teams} teams ({}): {} requests, {} errors, latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} SSE events",
            if serve.is_some() { "separate server process" } else { "server in this process" },
            all.len(),
            errors.load(Ordering::Relaxed),
            pct(0.5),
            pct(0.99),
            all.last().copied().unwrap_or(f64::NAN),
            sse_events.load(Ordering::Relaxed),
        );
    });
    if let Some(mut c) = child {
        let _ = c.kill();
        let _ = c.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
