//! The drill consoles in headless Chromium through chromedriver's W3C
//! WebDriver API (plain HTTP): the controller starts the drill from its
//! page, a player dispatches a crew from the team page, and the
//! controller's page shows the dispatch. Screenshots of both pages go to
//! the test's target directory.
//!
//! Runs when `QILIAN_BROWSER_TESTS=1` (CI sets it after installing
//! chromium and chromium-driver); with the variable set, a missing
//! browser or driver is a failure.

use super::drill::{http, serve};
use super::{qilian, repo, scratch, text};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn enabled() -> bool {
    std::env::var("QILIAN_BROWSER_TESTS").as_deref() == Ok("1")
}

fn find(paths: &[&str]) -> PathBuf {
    paths
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("QILIAN_BROWSER_TESTS=1 but none of {paths:?}: apt-get install chromium chromium-driver"))
}

struct Driver {
    child: Child,
    addr: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wd(d: &Driver, method: &str, path: &str, body: Value) -> Value {
    let body = if method == "GET" {
        String::new()
    } else {
        body.to_string()
    };
    let (status, text) = http(&d.addr, method, path, "", &body);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(status, 200, "WebDriver {method} {path}: {text}");
    v["value"].clone()
}

fn session(d: &Driver, chromium: &Path, profile: &Path) -> String {
    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                     format!("--user-data-dir={}", profile.display())],
        }
    }}});
    wd(d, "POST", "/session", caps)["sessionId"]
        .as_str()
        .unwrap()
        .to_string()
}

fn element(d: &Driver, s: &str, css: &str) -> String {
    let v = wd(
        d,
        "POST",
        &format!("/session/{s}/element"),
        json!({"using": "css selector", "value": css}),
    );
    v.as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

fn text_of(d: &Driver, s: &str, css: &str) -> String {
    let e = element(d, s, css);
    wd(
        d,
        "GET",
        &format!("/session/{s}/element/{e}/text"),
        Value::Null,
    )
    .as_str()
    .unwrap_or("")
    .to_string()
}

/// Click; the live page may rebuild the element between finding and
/// clicking it, so a stale element is looked up again (a few times).
fn click(d: &Driver, s: &str, css: &str) {
    for _ in 0..10 {
        let e = element(d, s, css);
        let url = format!("/session/{s}/element/{e}/click");
        let (status, text) = http(&d.addr, "POST", &url, "", "{}");
        if status == 200 {
            return;
        }
        assert!(text.contains("stale element"), "click {css}: {text}");
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{css} stayed stale");
}

fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= (val(*c) as u32) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

fn screenshot(d: &Driver, s: &str, path: &Path) {
    let b64 = wd(d, "GET", &format!("/session/{s}/screenshot"), Value::Null);
    let png = base64(b64.as_str().unwrap());
    assert_eq!(&png[1..4], b"PNG", "a PNG screenshot");
    std::fs::write(path, png).unwrap();
}

#[test]
fn controller_sees_a_players_dispatch() {
    if !enabled() {
        eprintln!("skipped: set QILIAN_BROWSER_TESTS=1 to run the drill browser test");
        return;
    }
    let chromium = find(&[
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]);
    let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let work = scratch("drill-browser");
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
    assert!(o.status.success(), "{:?}", text(&o));
    let dir = work.join("d");
    let tokens: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("tokens.json")).unwrap()).unwrap();
    let (ctl, team) = (
        tokens["controller"].as_str().unwrap(),
        tokens["teams"]["1"].as_str().unwrap(),
    );
    let mut srv = serve(&dir);
    let port = free_port();
    let d = Driver {
        child: Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
        addr: format!("127.0.0.1:{port}"),
    };
    wait_for("chromedriver", 30, || {
        std::net::TcpStream::connect(&d.addr).is_ok()
    });
    let sc = session(&d, &chromium, &work.join("profile-c"));
    let sp = session(&d, &chromium, &work.join("profile-p"));
    let base = format!("http://{}", srv.addr);

    // Controller: open the page, set a fast clock, press Start.
    wd(
        &d,
        "POST",
        &format!("/session/{sc}/url"),
        json!({"url": format!("{base}/controller#token={ctl}")}),
    );
    wait_for("controller page", 30, || {
        text_of(&d, &sc, "#clock").contains(" h ")
    });
    let speed = element(&d, &sc, "#speed");
    wd(
        &d,
        "POST",
        &format!("/session/{sc}/element/{speed}/clear"),
        json!({}),
    );
    wd(
        &d,
        "POST",
        &format!("/session/{sc}/element/{speed}/value"),
        json!({"text": "900"}),
    );
    click(&d, &sc, "#set-speed");
    click(&d, &sc, "#start");
    wait_for("the clock to run", 30, || {
        text_of(&d, &sc, "#clock").contains("running")
    });

    // Find what team 1 can do (through its own API view), then do it on its page.
    wd(
        &d,
        "POST",
        &format!("/session/{sp}/url"),
        json!({"url": format!("{base}/team#token={team}")}),
    );
    let mut pick = None;
    wait_for("a reported task with an idle crew", 120, || {
        let v: Value =
            serde_json::from_str(&http(&srv.addr, "GET", "/api/state", team, "").1).unwrap();
        for t in v["tasks"].as_array().unwrap() {
            let w = t["work"].to_string();
            let kind = if w.contains("Substation") {
                "power"
            } else if w.contains("WaterPlant") {
                "water"
            } else if w.contains("TelecomSite") {
                "telecom"
            } else if w.contains("Road") || w.contains("Bridge") {
                "road"
            } else {
                continue;
            };
            if let Some(c) = v["crews"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["status"] == "idle" && c["kind"] == kind)
            {
                pick = Some((c["id"].as_u64().unwrap(), t["task"].as_u64().unwrap()));
                return true;
            }
        }
        false
    });
    let (crew, task) = pick.unwrap();
    wait_for("the order form to list them", 30, || {
        text_of(&d, &sp, "#dispatch-task").contains(&task.to_string())
            && text_of(&d, &sp, "#dispatch-crew").contains(&crew.to_string())
    });
    click(&d, &sp, &format!("#dispatch-crew option[value=\"{crew}\"]"));
    click(&d, &sp, &format!("#dispatch-task option[value=\"{task}\"]"));
    click(&d, &sp, "#dispatch-send");
    wait_for("the order to be accepted", 30, || {
        text_of(&d, &sp, "#msg").starts_with("202")
    });

    // The controller's page shows the dispatch in team 1's truth.
    // The page writes events as `CrewDispatched: crew 1001, eta_h 0.3, task 42`.
    let (c, t) = (
        format!("CrewDispatched: crew {crew},"),
        format!("task {task}"),
    );
    wait_for("the controller to see the dispatch", 60, || {
        text_of(&d, &sc, "#events")
            .lines()
            .any(|l| l.contains(&c) && l.contains(&t))
    });
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    screenshot(&d, &sc, &shots.join("drill-controller.png"));
    screenshot(&d, &sp, &shots.join("drill-team.png"));
    for s in [&sc, &sp] {
        let _ = http(&d.addr, "DELETE", &format!("/session/{s}"), "", "");
    }
    srv.child.kill().unwrap();
    srv.child.wait().unwrap();
}
