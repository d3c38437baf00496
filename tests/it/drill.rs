//! `qilian drill` end to end with the real binary: `new` writes the seal,
//! tokens and secret seed; `serve` answers over HTTP; after `kill -9` a
//! restarted server resumes the same simulated state with every
//! acknowledged order; `review` reveals the seed and checks it against the
//! seal.

use super::{qilian, repo, scratch, text};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A served drill: the child process and its address.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

/// A test that fails midway still stops its server (which would otherwise
/// outlive the test and hold the test runner's output open).
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `qilian drill serve DIR --addr 127.0.0.1:0` and read the address
/// it listens on from its first line.
pub fn serve(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qilian"))
        .args(["drill", "serve"])
        .arg(dir)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim()
        .trim_end_matches('/')
        .to_string();
    Server { child, addr }
}

/// One HTTP/1.1 request on a fresh connection: status and body (read by
/// its Content-Length, chunked, or to the end).
pub fn http(addr: &str, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("server listens");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line
        .split(' ')
        .nth(1)
        .expect("an HTTP status line")
        .parse()
        .unwrap();
    let (mut len, mut chunked) = (None, false);
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        let l = line.trim().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("content-length:") {
            len = v.trim().parse::<usize>().ok();
        }
        if l.starts_with("transfer-encoding:") && l.contains("chunked") {
            chunked = true;
        }
    }
    let mut raw = Vec::new();
    match len {
        Some(n) if !chunked => {
            raw.resize(n, 0);
            r.read_exact(&mut raw).unwrap();
        }
        _ => {
            r.read_to_end(&mut raw).unwrap();
        }
    }
    let rest = String::from_utf8_lossy(&raw).into_owned();
    (status, if chunked { unchunk(&rest) } else { rest })
}

fn unchunk(mut s: &str) -> String {
    let mut out = String::new();
    loop {
        let Some((size, rest)) = s.split_once("\r\n") else {
            return out;
        };
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            return out;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// Step until team 1 knows a task an idle crew of the right kind can do;
/// returns the dispatch order body.
pub fn find_dispatch(addr: &str, controller: &str, team: &str) -> String {
    let plan = std::fs::read_to_string(repo("scenarios/plans/ganzhou-baseline.ron")).unwrap();
    for _ in 0..300 {
        let (s, _) = http(
            addr,
            "POST",
            "/api/control",
            controller,
            r#"{"action":"step"}"#,
        );
        assert_eq!(s, 200);
        let v = json(&http(addr, "GET", "/api/state", team, "").1);
        for t in v["tasks"].as_array().unwrap() {
            // Crew kinds by work, as the stock plan's repair rules say.
            let kind = match t["work"].to_string().as_str() {
                w if w.contains("Substation") => "power",
                w if w.contains("WaterPlant") => "water",
                w if w.contains("TelecomSite") => "telecom",
                w if w.contains("Road") || w.contains("Bridge") => "road",
                _ => continue,
            };
            assert!(plan.contains("repairs"));
            if let Some(c) = v["crews"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["status"] == "idle" && c["kind"] == kind)
            {
                return format!(
                    r#"{{"type":"dispatch","crew":{},"task":{}}}"#,
                    c["id"], t["task"]
                );
            }
        }
    }
    panic!("no dispatchable task in five hours");
}

#[test]
fn drill_survives_kill_9_and_reviews() {
    let work = scratch("drill");
    let dir = work.join("d");
    let o = qilian(
        &work,
        &[
            "drill",
            "new",
            &repo("drill/tests/data/drill-quake.ron"),
            "--teams",
            "2",
            "--out",
            "d",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let seal = json(&std::fs::read_to_string(dir.join("seal.json")).unwrap());
    let tokens = json(&std::fs::read_to_string(dir.join("tokens.json")).unwrap());
    let seed = std::fs::read_to_string(dir.join("secret/seed")).unwrap();
    assert_eq!(seed.trim().len(), 64, "a 32-byte seed in hex");
    assert!(out.contains(seal["seed_sha256"].as_str().unwrap()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("secret/seed"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the seed is private to its owner");
    }
    let controller = tokens["controller"].as_str().unwrap().to_string();
    let team1 = tokens["teams"]["1"].as_str().unwrap().to_string();
    let team2 = tokens["teams"]["2"].as_str().unwrap().to_string();

    let mut srv = serve(&dir);
    let order = find_dispatch(&srv.addr, &controller, &team1);
    let mut acked = Vec::new();
    let (s, b) = http(&srv.addr, "POST", "/api/orders", &team1, &order);
    assert_eq!(s, 202, "{b}");
    acked.push(json(&b)["order_id"].as_u64().unwrap());
    let (s, b) = http(
        &srv.addr,
        "POST",
        "/api/orders",
        &team2,
        r#"{"type":"warn","zone":2}"#,
    );
    assert_eq!(s, 202, "{b}");
    acked.push(json(&b)["order_id"].as_u64().unwrap());
    // The controller's list: one entry due in a minute (fires while time
    // runs below), one far ahead; a hoax call to team 2.
    let now = json(&http(&srv.addr, "GET", "/api/state", &controller, "").1)["clock"]["t_s"]
        .as_u64()
        .unwrap();
    for fire_s in [now + 60, 20 * 3600] {
        let body = format!(r#"{{"fire_s":{fire_s},"inject":{{"Expose":{{"zone":3}}}}}}"#);
        let (s, b) = http(&srv.addr, "POST", "/api/msel", &controller, &body);
        assert_eq!(s, 201, "{b}");
    }
    let (s, b) = http(
        &srv.addr,
        "POST",
        "/api/hoax",
        &controller,
        r#"{"team":2,"hoax":{"kind":"road_blocked","edge":423}}"#,
    );
    assert_eq!(s, 202, "{b}");
    // Let time run a little at high speed, then pause and take the state.
    http(
        &srv.addr,
        "POST",
        "/api/control",
        &controller,
        r#"{"action":"speed","value":3600}"#,
    );
    http(
        &srv.addr,
        "POST",
        "/api/control",
        &controller,
        r#"{"action":"start"}"#,
    );
    std::thread::sleep(std::time::Duration::from_millis(700));
    http(
        &srv.addr,
        "POST",
        "/api/control",
        &controller,
        r#"{"action":"pause"}"#,
    );
    let (s, b) = http(
        &srv.addr,
        "POST",
        "/api/orders",
        &team1,
        r#"{"type":"close_road","edge":423}"#,
    );
    assert_eq!(s, 202, "{b}");
    acked.push(json(&b)["order_id"].as_u64().unwrap());
    let before = [
        http(&srv.addr, "GET", "/api/state", &team1, "").1,
        http(&srv.addr, "GET", "/api/state", &team2, "").1,
        http(&srv.addr, "GET", "/api/truth", &controller, "").1,
    ];
    srv.child.kill().unwrap(); // SIGKILL
    srv.child.wait().unwrap();

    let mut srv = serve(&dir);
    let after = [
        http(&srv.addr, "GET", "/api/state", &team1, "").1,
        http(&srv.addr, "GET", "/api/state", &team2, "").1,
        http(&srv.addr, "GET", "/api/truth", &controller, "").1,
    ];
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(json(b), json(a), "state after kill -9 and restart");
    }
    let truth = json(&after[2]);
    assert!(truth["clock"]["t_s"].as_u64().unwrap() > 0);
    assert!(
        truth["msel"][0]["fired_s"].is_u64(),
        "fired before the kill: {}",
        truth["msel"]
    );
    assert!(truth["msel"][1]["fired_s"].is_null());
    assert_eq!(truth["hoaxes"][0]["team"], 2);
    let mut ids: Vec<u64> = truth["teams"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["orders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["order_id"].as_u64().unwrap())
        })
        .collect();
    ids.sort();
    assert_eq!(ids, acked, "every acknowledged order survives");
    srv.child.kill().unwrap();
    srv.child.wait().unwrap();

    // The drill has not reached its horizon: the review waits unless forced.
    let o = qilian(&work, &["drill", "review", "d"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("still running") && err.contains("--force"),
        "{err}"
    );
    assert!(!dir.join("review.html").exists(), "nothing written");
    let o = qilian(&work, &["drill", "review", "d", "--force"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(err.contains("warning") && err.contains("seed"), "{err}");
    let html = std::fs::read_to_string(dir.join("review.html")).unwrap();
    assert!(html.contains(seed.trim()), "the review reveals the seed");
    assert!(html.contains("id=\"seal\">matches"));
    assert!(html.contains("id=\"scores\""));
    assert!(
        html.contains("id=\"msel\"") && html.contains("已触发 fired at"),
        "the MSEL in the review"
    );
    assert!(html.contains("未触发 not fired"));
    assert!(
        html.contains("id=\"hoaxes\"") && html.contains("road_blocked"),
        "hoax calls in the review"
    );
    assert!(html.contains("plan&#39;s default policy") || html.contains("plan's default policy"));
}

#[test]
fn drill_bad_input_exits_2() {
    let work = scratch("drill-bad");
    let o = qilian(
        &work,
        &["drill", "new", "no-such.ron", "--teams", "2", "--out", "d"],
    );
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(text(&o).1.contains("no-such.ron"));
    let o = qilian(&work, &["drill", "serve", "nowhere"]);
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    for (flag, value) in [
        ("--max-connections", "0"),
        ("--idle-timeout-s", "0"),
        ("--evict-after-s", "soon"),
        ("--header-timeout-s", "0"),
        ("--header-timeout-s", "ten"),
    ] {
        let o = qilian(&work, &["drill", "serve", "nowhere", flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {:?}", text(&o));
        assert!(text(&o).1.contains(flag), "{:?}", text(&o));
    }
    let o = qilian(
        &work,
        &[
            "drill",
            "new",
            &repo("drill/tests/data/drill-quake.ron"),
            "--teams",
            "0",
            "--out",
            "d",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
}

/// Copy a directory tree (a drill directory: a few small files).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The test template with a plan that leaves shelter 55 (node 509) closed,
/// written into `dir`, so a team can open it.
fn template_with_shelter_closed(dir: &Path) -> String {
    let all = "shelters: [50, 51, 52, 53, 54, 55],";
    let plan = std::fs::read_to_string(repo("scenarios/plans/ganzhou-baseline.ron")).unwrap();
    assert!(plan.contains(all), "the stock plan opens shelter 55");
    std::fs::write(
        dir.join("plan.ron"),
        plan.replace(all, "shelters: [50, 51, 52, 53, 54],"),
    )
    .unwrap();
    let text = std::fs::read_to_string(repo("drill/tests/data/drill-quake.ron"))
        .unwrap()
        .replace(
            "\"../../../scenarios/regions/ganzhou.ron\"",
            &format!("{:?}", repo("scenarios/regions/ganzhou.ron")),
        )
        .replace(
            "\"../../../scenarios/plans/ganzhou-baseline.ron\"",
            "\"plan.ron\"",
        );
    let path = dir.join("template.ron");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn drill_restart_resumes_open_shelter_and_move_orders_like_an_uninterrupted_server() {
    let work = scratch("drill-restart");
    let template = template_with_shelter_closed(&work);
    let o = qilian(
        &work,
        &["drill", "new", &template, "--teams", "1", "--out", "killed"],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    // The same sealed drill (seed, tokens) twice: one server is killed and
    // restarted, the other runs through.
    let (killed, straight) = (work.join("killed"), work.join("straight"));
    copy_tree(&killed, &straight);
    let tokens = json(&std::fs::read_to_string(killed.join("tokens.json")).unwrap());
    let controller = tokens["controller"].as_str().unwrap().to_string();
    let team = tokens["teams"]["1"].as_str().unwrap().to_string();
    let step = |addr: &str, n: usize| {
        for _ in 0..n {
            let (s, b) = http(
                addr,
                "POST",
                "/api/control",
                &controller,
                r#"{"action":"step"}"#,
            );
            assert_eq!(s, 200, "{b}");
        }
    };
    let snapshot = |addr: &str| {
        [
            json(&http(addr, "GET", "/api/state", &team, "").1),
            json(&http(addr, "GET", "/api/truth", &controller, "").1),
        ]
    };
    let mut servers = [serve(&killed), serve(&straight)];
    let mut acked: Vec<Vec<u64>> = vec![Vec::new(), Vec::new()];
    for (srv, acked) in servers.iter().zip(&mut acked) {
        step(&srv.addr, 3);
        let v = json(&http(&srv.addr, "GET", "/api/state", &team, "").1);
        let crew = v["crews"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] == "idle")
            .expect("an idle crew")["id"]
            .clone();
        for order in [
            r#"{"type":"open_shelter","facility":55}"#.to_string(),
            format!(r#"{{"type":"move","crew":{crew},"node":509}}"#),
            r#"{"type":"warn","zone":2}"#.to_string(),
        ] {
            let (s, b) = http(&srv.addr, "POST", "/api/orders", &team, &order);
            assert_eq!(s, 202, "{order} → {b}");
            acked.push(json(&b)["order_id"].as_u64().unwrap());
        }
        step(&srv.addr, 5);
    }
    assert_eq!(acked[0], acked[1]);
    let before = snapshot(&servers[0].addr);
    servers[0].child.kill().unwrap(); // SIGKILL
    servers[0].child.wait().unwrap();
    servers[0] = serve(&killed);
    let resumed = snapshot(&servers[0].addr);
    let through = snapshot(&servers[1].addr);
    assert_eq!(resumed, before, "the restarted server resumes where it was");
    assert_eq!(
        resumed, through,
        "resumed = uninterrupted, at the same time"
    );
    assert!(resumed[1]["clock"]["t_s"].as_u64().unwrap() >= 8 * 60);
    // The orders took effect: the shelter is open in truth for the
    // evacuation, the crew is on its way or there, the zone is warned.
    let events = resumed[1]["teams"][0]["events"].to_string();
    assert!(events.contains(r#""kind":"ZoneWarned""#), "{events}");
    let orders = resumed[0]["orders"].as_array().unwrap();
    let ids: Vec<u64> = orders
        .iter()
        .map(|o| o["order_id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, acked[0], "every acknowledged order survives");
    let journal = std::fs::read_to_string(killed.join("journal.jsonl")).unwrap();
    for id in &acked[0] {
        assert!(
            journal.contains(&format!(r#""order_id":{id},"#)),
            "order {id} in the journal:\n{journal}"
        );
    }
    // And both go on the same way.
    for srv in &servers {
        step(&srv.addr, 30);
    }
    assert_eq!(snapshot(&servers[0].addr), snapshot(&servers[1].addr));
    for srv in &mut servers {
        srv.child.kill().unwrap();
        srv.child.wait().unwrap();
    }
}
