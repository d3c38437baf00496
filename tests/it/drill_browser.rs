//! The drill consoles in headless Chromium through chromedriver's W3C
//! WebDriver API (plain HTTP), a whole drill in zh-CN: the controller starts
//! it from its page, a player dispatches a crew by clicking it and its task
//! on the map, the controller injects a facility failure from the inject
//! library, and both pages show the result in sentences; before it starts
//! the controller prepares the master scenario events list (MSEL) with the
//! library's forms and its time pickers, moves an entry, and the first
//! fires at its time; no page logs a
//! console error, every page's Chinese text is drawn with the served CJK
//! font. Screenshots of each page in both languages go to the test's target
//! directory (`drill-PAGE-LANG.png`).
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
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
                     format!("--user-data-dir={}", profile.display())],
        },
        "goog:loggingPrefs": {"browser": "ALL"}
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
/// clicking it, so a stale or covered element is looked up again (for up
/// to about 10 s: a loaded machine redraws the live map slowly).
fn click(d: &Driver, s: &str, css: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        let e = element(d, s, css);
        let url = format!("/session/{s}/element/{e}/click");
        let (status, text) = http(&d.addr, "POST", &url, "", "{}");
        if status == 200 {
            return;
        }
        // A live page may also have drawn the element anew over the one
        // found (the map redraws when its state changes).
        assert!(
            text.contains("stale element") || text.contains("click intercepted"),
            "click {css}: {text}"
        );
        last = text;
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{css} stayed stale or covered: {last}");
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

/// The browser's console messages of level SEVERE since the last call.
fn console_errors(d: &Driver, s: &str) -> Vec<String> {
    let v = wd(
        d,
        "POST",
        &format!("/session/{s}/se/log"),
        json!({"type": "browser"}),
    );
    v.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Run `script` (synchronous; its value is returned) in the page.
fn run(d: &Driver, s: &str, script: &str) -> Value {
    wd(
        d,
        "POST",
        &format!("/session/{s}/execute/sync"),
        json!({"script": script, "args": []}),
    )
}

/// Run `script` (async: its last argument is the callback) in the page.
fn run_async(d: &Driver, s: &str, script: &str) -> Value {
    wd(
        d,
        "POST",
        &format!("/session/{s}/execute/async"),
        json!({"script": script, "args": []}),
    )
}

fn go(d: &Driver, s: &str, url: &str) {
    wd(
        d,
        "POST",
        &format!("/session/{s}/url"),
        json!({ "url": url }),
    );
}

/// The page draws its Chinese text with the served CJK font (a font face
/// that has every glyph of the page's visible text), not with boxes.
fn assert_cjk_font(d: &Driver, s: &str, page: &str) {
    let r = run_async(
        d,
        s,
        "const done = arguments[arguments.length - 1];
         const text = document.body.innerText.replace(/[\\x00-\\x7f]/g, '');
         document.fonts.load('16px QilianCJK', text).then(
           (faces) => done({faces: faces.length, cjk: (text.match(/[\\u4e00-\\u9fff]/g) || []).length,
                            check: document.fonts.check('16px QilianCJK', text),
                            controls: [...document.querySelectorAll('button, select, input')]
                              .filter((e) => !getComputedStyle(e).fontFamily.includes('QilianCJK'))
                              .map((e) => e.id || e.tagName)}),
           (e) => done({error: String(e)}));",
    );
    assert!(
        r["cjk"].as_u64().unwrap_or(0) > 5,
        "{page}: Chinese text on the page: {r}"
    );
    assert!(
        r["faces"].as_u64().unwrap_or(0) >= 1,
        "{page}: the CJK font loads: {r}"
    );
    assert_eq!(r["check"], true, "{page}: every glyph in the CJK font: {r}");
    assert_eq!(
        r["controls"],
        json!([]),
        "{page}: buttons and lists use the CJK font too"
    );
}

#[test]
fn a_drill_in_chinese_from_start_to_inject() {
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
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));

    // The index page, in the drill's language (zh-CN).
    go(&d, &sc, &format!("{base}/"));
    wait_for("the index page", 30, || {
        text_of(&d, &sc, "h1").contains("演练")
    });
    assert_cjk_font(&d, &sc, "index");
    screenshot(&d, &sc, &shots.join("drill-index-zh-CN.png"));

    // Controller: the clock shows the scenario's local date and time; set a
    // fast clock and press 开始.
    go(&d, &sc, &format!("{base}/controller#token={ctl}"));
    wait_for("controller page", 30, || {
        text_of(&d, &sc, "#clock").contains("2026-07-14 14:00")
    });
    // Before the start: the MSEL. A water plant fails at 14:20 (the
    // library's facility form, "加入清单" with the time pickers at
    // 2026-07-14 14:20), a zone is contaminated at 23:00 and moved to the
    // next day 12:00 with its row's pickers.
    let map: Value = serde_json::from_str(&http(&srv.addr, "GET", "/api/map", ctl, "").1).unwrap();
    let plant = map["facilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "WaterPlant")
        .expect("a water plant");
    let (plant_id, plant_name) = (
        plant["id"].as_u64().unwrap(),
        plant["name"].as_str().unwrap(),
    );
    let zone = &map["zones"][1];
    let (zone_id, zone_name) = (zone["id"].as_u64().unwrap(), zone["name"].as_str().unwrap());
    click(&d, &sc, &format!("#inj-fac option[value=\"{plant_id}\"]"));
    click(&d, &sc, "#inj-fac-state option[value=\"Complete\"]");
    run(
        &d,
        &sc,
        "document.getElementById('msel-day').value = '0'; document.getElementById('msel-time').value = '14:20';",
    );
    click(&d, &sc, "#inj-fac-msel");
    wait_for("the first MSEL entry", 30, || {
        text_of(&d, &sc, "#msg").contains("已加入清单")
            && text_of(&d, &sc, "#msel").contains(plant_name)
    });
    click(
        &d,
        &sc,
        &format!("#inj-cont-zone option[value=\"{zone_id}\"]"),
    );
    run(
        &d,
        &sc,
        "document.getElementById('msel-time').value = '23:00';",
    );
    click(&d, &sc, "#inj-cont-msel");
    wait_for("the second MSEL entry", 30, || {
        text_of(&d, &sc, "#msel").contains("2026-07-14 23:00")
    });
    run(
        &d,
        &sc,
        "const r = document.querySelector('#msel tr[data-msel=\"2\"]'); r.querySelector('select').value = '1'; r.querySelector('input').value = '12:00';",
    );
    click(&d, &sc, "#msel tr[data-msel=\"2\"] .msel-move");
    wait_for("the second entry moved", 30, || {
        let m = text_of(&d, &sc, "#msel");
        m.contains("2026-07-15 12:00") && !m.contains("2026-07-14 23:00")
    });
    let truth: Value =
        serde_json::from_str(&http(&srv.addr, "GET", "/api/truth", ctl, "").1).unwrap();
    assert_eq!(
        truth["msel"][0]["fire_s"], 1200,
        "14:20 is 20 min after the start"
    );
    assert_eq!(truth["msel"][1]["fire_s"], 22 * 3600, "12:00 the next day");
    assert_eq!(truth["msel"][1]["inject"]["Contaminate"]["zone"], zone_id);
    assert!(text_of(&d, &sc, "#msel").contains(zone_name));
    click(&d, &sc, "#speed option[value=\"900\"]");
    click(&d, &sc, "#set-speed");
    click(&d, &sc, "#start");
    wait_for("the clock to run", 30, || {
        text_of(&d, &sc, "#clock").contains("运行中")
    });

    // Find what team 1 can do (through its own API view), then do it on
    // its map: click the crew, then the task, then confirm.
    go(&d, &sp, &format!("{base}/team#token={team}"));
    let mut pick = None;
    wait_for("a reported task with an idle crew", 300, || {
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
    // Pause so the crew stays where the map shows it while we click.
    click(&d, &sc, "#pause");
    wait_for("the map to show them", 30, || {
        let n = |css: &str| {
            wd(
                &d,
                "POST",
                &format!("/session/{sp}/elements"),
                json!({"using": "css selector", "value": css}),
            )
            .as_array()
            .unwrap()
            .len()
        };
        n(&format!("#map g.crew[data-id=\"{crew}\"]")) == 1
            && n(&format!("#map g.task[data-id=\"{task}\"]")) == 1
    });
    click(&d, &sp, &format!("#map g.crew[data-id=\"{crew}\"] circle"));
    wait_for("the crew to be chosen", 10, || {
        text_of(&d, &sp, "#hint").contains("已选")
    });
    click(&d, &sp, &format!("#map g.task[data-id=\"{task}\"] path"));
    wait_for("the order to be proposed", 10, || {
        text_of(&d, &sp, "#confirm-text").starts_with("派")
    });
    click(&d, &sp, "#confirm");
    wait_for("the order to be accepted", 30, || {
        text_of(&d, &sp, "#msg").contains("已接受")
    });
    // The crew list names the crew and its task in words, no ids.
    let crews = text_of(&d, &sp, "#crews");
    assert!(
        !crews.contains(&crew.to_string()) || crews.contains("队"),
        "{crews}"
    );

    // Controller: a facility failure from the inject library (a hospital,
    // destroyed), with the clock running again.
    let map: Value = serde_json::from_str(&http(&srv.addr, "GET", "/api/map", ctl, "").1).unwrap();
    let truth = http(&srv.addr, "GET", "/api/truth", ctl, "").1;
    let target = map["facilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["kind"] == "Hospital"
                && !truth.contains(&format!("\"facility\":{},\"state\":\"Complete\"", f["id"]))
        })
        .expect("a hospital not yet destroyed");
    let (fac, hospital) = (
        target["id"].as_u64().unwrap(),
        target["name"].as_str().unwrap(),
    );
    click(&d, &sc, &format!("#inj-fac option[value=\"{fac}\"]"));
    click(&d, &sc, "#inj-fac-state option[value=\"Complete\"]");
    click(&d, &sc, "#inj-fac-send");
    wait_for("the inject to be accepted", 30, || {
        text_of(&d, &sc, "#msg").contains("已接受")
    });
    click(&d, &sc, "#start");

    // Both see the result: the controller's truth feed and the team's
    // reports say, in sentences, that the crew was sent and the hospital
    // destroyed.
    wait_for("the controller to see both", 60, || {
        let f = text_of(&d, &sc, "#truthfeed");
        f.contains("已派") && f.contains(&format!("{hospital}完全损毁"))
    });
    wait_for("the team to hear of both", 60, || {
        let f = text_of(&d, &sp, "#feed");
        f.contains("已派") && f.contains(&format!("{hospital}完全损毁"))
    });
    assert!(
        text_of(&d, &sc, "#injects").contains(hospital),
        "the controller's list of injects names the facility"
    );
    // The MSEL entry fired at 14:20, for every team; the second waits.
    wait_for("the MSEL entry to fire", 60, || {
        let m = text_of(&d, &sc, "#msel");
        m.contains("已于 2026-07-14 14:20 触发") && m.contains("待触发")
    });
    assert!(
        text_of(&d, &sc, "#injects").contains("清单第 1 条"),
        "the injects applied say which came from the list"
    );
    let truth: Value =
        serde_json::from_str(&http(&srv.addr, "GET", "/api/truth", ctl, "").1).unwrap();
    for t in truth["teams"].as_array().unwrap() {
        assert!(
            t["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "FacilityDamaged"
                    && e["facility"] == plant_id
                    && e["state"] == "Complete"),
            "team {} got the MSEL inject",
            t["team"]
        );
    }
    // The targets compared, in words, Chinese with English beside.
    let targets = text_of(&d, &sc, "#targets");
    assert!(
        targets.contains("供电 (3 天内)") && targets.contains("power (within 3 d)"),
        "{targets}"
    );
    assert!(targets.contains("未在演练时长内达到"), "{targets}");
    // A hoax call to team 1: people caught in a zone. The team hears it as
    // a public call; the controller's list marks it as a hoax.
    let hoax_zone = &map["zones"][2];
    let (hz_id, hz_name) = (
        hoax_zone["id"].as_u64().unwrap(),
        hoax_zone["name"].as_str().unwrap(),
    );
    click(&d, &sc, "#hoax-team option[value=\"1\"]");
    click(&d, &sc, "#hoax-kind option[value=\"people\"]");
    click(&d, &sc, &format!("#hoax-zone option[value=\"{hz_id}\"]"));
    run(
        &d,
        &sc,
        "document.getElementById('hoax-people').value = '321';",
    );
    click(&d, &sc, "#hoax-send");
    wait_for("the hoax to be marked for the controller", 30, || {
        text_of(&d, &sc, "#injects").contains(&format!("虚假报警 → 第 1 队: {hz_name} 321 人受灾"))
    });
    wait_for("the team to hear the hoax call", 60, || {
        text_of(&d, &sp, "#feed").contains(hz_name) && text_of(&d, &sp, "#feed").contains("321")
    });
    assert!(
        !text_of(&d, &sp, "#feed").contains("虚假"),
        "the team cannot tell"
    );
    // An aftershock (Mw 5.8) under a zone picked by name, sent now; its
    // start reaches the team as a sensor's report.
    let (as_id, as_name) = (
        map["zones"][0]["id"].as_u64().unwrap(),
        map["zones"][0]["name"].as_str().unwrap(),
    );
    run(
        &d,
        &sc,
        "document.getElementById('inj-as-mag').value = '5.8';",
    );
    click(
        &d,
        &sc,
        &format!("#inj-as-place option[value=\"z:{as_id}\"]"),
    );
    click(&d, &sc, "#inj-as-send");
    wait_for("the aftershock in the controller's list", 30, || {
        text_of(&d, &sc, "#injects").contains(&format!("5.8级余震，震中{as_name}附近"))
    });
    wait_for("the team to hear of the aftershock", 60, || {
        text_of(&d, &sp, "#feed").contains("5.8级余震")
    });
    // A point clicked on an empty spot of the map becomes the epicentre.
    run(&d, &sc, "pickOnMap('place', 0, [1000.4, 2000.6]);");
    assert_eq!(
        run(
            &d,
            &sc,
            "return document.getElementById('inj-as-place').value;"
        ),
        "map"
    );
    assert!(text_of(&d, &sc, "#inj-as-place").contains("地图上点击的位置"));
    // Reinforcements held up 2 h, from the MSEL (at the list's 23:00).
    run(
        &d,
        &sc,
        "document.getElementById('inj-delay-hours').value = '2';",
    );
    click(&d, &sc, "#inj-delay-msel");
    wait_for("the delay in the MSEL", 30, || {
        text_of(&d, &sc, "#msel").contains("尚未到达的增援推迟 2 小时")
    });
    // A weather change: the wind picker reads 西北风 NW and the form makes
    // the engine's inject (this drill has no fire or release, so sending
    // it would be refused: the API test covers that).
    assert!(text_of(&d, &sc, "#inj-wx-from").contains("西北风 NW"));
    run(
        &d,
        &sc,
        "document.getElementById('inj-wx-speed').value = '12';",
    );
    assert_eq!(
        run(&d, &sc, "return JSON.stringify(FORMS.wx());"),
        r#"{"Weather":{"wind_speed_m_s":12,"wind_from_deg":315}}"#
    );
    click(&d, &sc, "#pause");
    run(&d, &sc, "document.getElementById('side').scrollTop = 0;");
    assert_cjk_font(&d, &sc, "controller");
    assert_cjk_font(&d, &sp, "team");
    screenshot(&d, &sc, &shots.join("drill-controller-zh-CN.png"));
    run(
        &d,
        &sc,
        "document.getElementById('msel').previousElementSibling.scrollIntoView();",
    );
    screenshot(&d, &sc, &shots.join("drill-controller-msel-zh-CN.png"));
    run(&d, &sc, "document.getElementById('side').scrollTop = 0;");
    screenshot(&d, &sp, &shots.join("drill-team-zh-CN.png"));

    // English, switched on each page (and remembered by the page).
    click(&d, &sc, "#lang");
    click(&d, &sp, "#lang");
    wait_for("English pages", 30, || {
        text_of(&d, &sc, "#clock").contains("paused")
            && text_of(&d, &sp, "#feed").contains("complete damage")
    });
    screenshot(&d, &sc, &shots.join("drill-controller-en.png"));
    screenshot(&d, &sp, &shots.join("drill-team-en.png"));
    go(&d, &sp, &format!("{base}/"));
    wait_for("the index in English", 30, || {
        text_of(&d, &sp, "h1").contains("drill")
    });
    screenshot(&d, &sp, &shots.join("drill-index-en.png"));

    for s in [&sc, &sp] {
        let errors = console_errors(&d, s);
        assert!(errors.is_empty(), "console errors: {errors:?}");
    }
    for s in [&sc, &sp] {
        let _ = http(&d.addr, "DELETE", &format!("/session/{s}"), "", "");
    }
    srv.child.kill().unwrap();
    srv.child.wait().unwrap();
}
