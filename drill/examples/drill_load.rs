//! Load on the drill server: N concurrent player clients, each sending one
//! `GET /api/state` a second over a kept-alive connection and holding an
//! SSE stream, for a while, on loopback, with the clock running.
//!
//! ```text
//! cargo run --release -p qilian-drill --example drill_load -- [SECONDS] [CLIENTS] [TEAMS]
//! ```
//!
//! Defaults: 300 s, 50 clients, 5 teams (clients spread over the teams),
//! speed 60× (one tick a second). Reports requests, errors, p50/p99/max
//! latency, SSE events received, and the process's RSS at start and end
//! (server and clients share the process; the clients' part is small).

use qilian_drill::journal::Control;
use qilian_drill::seal::{Tokens, create_with_seed, read_json};
use qilian_drill::server::{App, router};
use qilian_drill::session::Session;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
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
    Ok(status)
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let secs = args.first().copied().unwrap_or(300);
    let clients = args.get(1).copied().unwrap_or(50);
    let teams = args.get(2).copied().unwrap_or(5) as u32;
    let dir = std::env::temp_dir().join(format!("qilian-drill-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let template = qilian_drill::template::load_template(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/drill-quake.ron"),
    )
    .expect("template");
    create_with_seed(&template, teams, &dir, [3; 32]).expect("drill");
    let tokens: Tokens = read_json(&dir.join("tokens.json")).expect("tokens");
    let mut session = Session::open(&dir).expect("session");
    session
        .control(Control::Speed { value: 60.0 })
        .expect("speed");
    session.control(Control::Start).expect("start");
    let app = App::new(session, &tokens);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let ticker = app.clone();
        std::thread::spawn(move || qilian_drill::server::run_clock(ticker));
        tokio::spawn(async move { axum::serve(listener, router(app)).await.unwrap() });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let rss0 = rss_kib();
        let errors = Arc::new(AtomicU64::new(0));
        let sse_events = Arc::new(AtomicU64::new(0));
        let end = Instant::now() + Duration::from_secs(secs);
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
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap_or_default());
        }
        let rss1 = rss_kib();
        all.sort_by(f64::total_cmp);
        let pct = |p: f64| all.get(((all.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN);
        println!(
            "{secs} s, {clients} clients over {teams} teams: {} requests, {} errors, latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} SSE events; RSS {} MiB at start, {} MiB at end",
            all.len(),
            errors.load(Ordering::Relaxed),
            pct(0.5),
            pct(0.99),
            all.last().copied().unwrap_or(f64::NAN),
            sse_events.load(Ordering::Relaxed),
            rss0 / 1024,
            rss1 / 1024,
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
}
