//! `report.html` in headless Chromium, in English and in Chinese: it loads,
//! logs nothing to the console, and a screenshot is taken. The report
//! forbids fetches and every script but its own inline filter by its
//! Content-Security-Policy, so any attempt would show up as a console error. A negative-control page with a deliberate script error
//! proves that console errors are caught.
//!
//! Runs when `QILIAN_BROWSER_TESTS=1` (CI sets it after installing
//! chromium); with the variable set, a missing browser is a failure.

use super::{qilian, scratch, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn enabled() -> bool {
    std::env::var("QILIAN_BROWSER_TESTS").as_deref() == Ok("1")
}

fn chromium() -> PathBuf {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .expect("QILIAN_BROWSER_TESTS=1 but no chromium: apt-get install chromium chromium-driver")
}

/// What Chromium did with a page: its DOM (`--dump-dom`) or nothing (with
/// `--screenshot`), and the console lines it logged.
struct Visit {
    stdout: String,
    console: Vec<String>,
}

/// Open `page` headless, with a fresh profile; `mode` is `--dump-dom` or
/// `--screenshot=FILE`. Fails after two minutes.
fn visit(page: &Path, mode: &str, work: &Path) -> Visit {
    let profile = work.join(format!("profile-{}", mode.len()));
    let _ = std::fs::remove_dir_all(&profile);
    // Output goes to files, not pipes: a full pipe would stall the browser
    // while we wait for it.
    let (out_path, err_path) = (work.join("chromium.out"), work.join("chromium.err"));
    let file = |p: &Path| std::fs::File::create(p).expect("creating a log file");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(mode)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(file(&out_path))
        .stderr(file(&err_path))
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("waiting for chromium").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!(
                "chromium did not finish within two minutes on {}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("chromium log")).into_owned();
    let stderr = read(&err_path);
    Visit {
        stdout: read(&out_path),
        console: stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect(),
    }
}

fn check_page(page: &Path, heading: &str, work: &Path, shot: &str) {
    let v = visit(page, "--dump-dom", work);
    assert!(
        v.console.is_empty(),
        "{}: console: {:#?}",
        page.display(),
        v.console
    );
    assert!(
        v.stdout.contains(heading),
        "{}: DOM lacks {heading:?}",
        page.display()
    );
    assert!(
        v.stdout.contains("<svg"),
        "{}: no inline SVG in the DOM",
        page.display()
    );
    let png = work.join(shot);
    let v = visit(page, &format!("--screenshot={}", png.display()), work);
    assert!(
        v.console.is_empty(),
        "{}: console: {:#?}",
        page.display(),
        v.console
    );
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000,
        "screenshot {}",
        png.display()
    );
}

#[test]
fn reports_load_in_headless_chromium_without_console_errors() {
    if !enabled() {
        eprintln!("browser test skipped: set QILIAN_BROWSER_TESTS=1 (CI does)");
        return;
    }
    let dir = scratch("browser");
    // Negative control: the same check must catch a script error.
    let bad = dir.join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><h1>control</h1><script>notDefined();</script></body></html>",
    )
    .unwrap();
    let v = visit(&bad, "--dump-dom", &dir);
    assert!(v.stdout.contains("control"), "control page did not load");
    assert!(
        v.console.iter().any(|l| l.contains("notDefined")),
        "the deliberate console error was not caught: {:#?}",
        v.console
    );
    let o = qilian(&dir, &["demo", "--lang", "en", "--out", "d"]);
    assert!(o.status.success(), "{}", text(&o).1);
    check_page(
        &dir.join("d/report.html"),
        "After-action report",
        &dir,
        "run.png",
    );
    // The same report in Chinese: its own text needs the embedded web font,
    // its figures' text is drawn as outlines. The timeline's filter ran
    // (it fills in how many events it shows).
    let o = qilian(&dir, &["demo", "--lang", "zh-CN", "--out", "dz"]);
    assert!(o.status.success(), "{}", text(&o).1);
    check_page(
        &dir.join("dz/report.html"),
        "演练评估报告",
        &dir,
        "run-zh.png",
    );
    let dom = visit(&dir.join("dz/report.html"), "--dump-dom", &dir).stdout;
    assert!(
        dom.contains("<span id=\"tl-n\">") && !dom.contains("<span id=\"tl-n\"></span>"),
        "the timeline filter did not run"
    );
    let s = super::repo("scenarios/ganzhou-demo.ron");
    let o = qilian(&dir, &["stress", &s, "--runs", "3", "--out", "st"]);
    assert!(o.status.success(), "{}", text(&o).1);
    check_page(
        &dir.join("st/report.html"),
        "Stress test",
        &dir,
        "stress.png",
    );
    // Keep the screenshots where CI can find them.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    let _ = std::fs::create_dir_all(&keep);
    for s in ["run.png", "run-zh.png", "stress.png"] {
        let _ = std::fs::copy(dir.join(s), keep.join(s));
    }
    let _ = std::fs::remove_dir_all(dir);
}
