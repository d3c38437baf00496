//! `demo`, `run` and `validate` as a new user meets them.

use super::{qilian, qilian_in_locale, repo, scratch, text};
use qilian_testkit::file_names;

const DEMO: &str = "scenarios/ganzhou-demo.ron";

#[test]
fn demo_works_from_any_directory() {
    let dir = scratch("demo");
    let o = qilian(&dir, &["demo"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("power"), "{out}");
    for f in ["summary.json", "timeseries.csv", "journal.jsonl"] {
        assert!(dir.join("qilian-out").join(f).is_file(), "{f} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("qilian-out/summary.json")).unwrap())
            .unwrap();
    for key in [
        "scenario",
        "seed",
        "replicate",
        "version",
        "scenario_sha256",
        "targets",
        "kpis",
    ] {
        assert!(summary.get(key).is_some(), "summary lacks {key}");
    }
    let names: Vec<&str> = summary["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["cleanup", "power", "water", "telecom", "main_roads"]
    );
    for t in summary["targets"].as_array().unwrap() {
        for key in ["deadline_h", "fraction", "met_at_h", "met"] {
            assert!(t.get(key).is_some(), "target lacks {key}");
        }
    }
    let csv = std::fs::read_to_string(dir.join("qilian-out/timeseries.csv")).unwrap();
    assert!(csv.starts_with("t_h,power,water,telecom,main_roads,"));
    assert_eq!(csv.lines().count(), 1 + 168 * 60);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn same_seed_is_byte_identical_for_any_thread_count() {
    let dir = scratch("threads");
    let scenario = repo(DEMO);
    for n in ["1", "2"] {
        let o = qilian(
            &dir,
            &["run", &scenario, "--seed", "3", "--threads", n, "--out", n],
        );
        assert!(o.status.success(), "{}", text(&o).1);
    }
    for f in ["summary.json", "journal.jsonl", "timeseries.csv"] {
        let a = std::fs::read(dir.join("1").join(f)).unwrap();
        let b = std::fs::read(dir.join("2").join(f)).unwrap();
        assert!(a == b, "{f} differs between --threads 1 and 2");
    }
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("1/summary.json")).unwrap()).unwrap();
    assert_eq!(s["seed"], 3);
    // A different seed draws different repair times.
    let o = qilian(&dir, &["run", &scenario, "--seed", "4", "--out", "4"]);
    assert!(o.status.success());
    assert_ne!(
        std::fs::read(dir.join("1/journal.jsonl")).unwrap(),
        std::fs::read(dir.join("4/journal.jsonl")).unwrap()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn validate_accepts_the_stock_files() {
    let dir = scratch("validate-ok");
    let files = [
        DEMO,
        "scenarios/regions/ganzhou.ron",
        "scenarios/plans/ganzhou-baseline.ron",
    ];
    let args: Vec<String> = std::iter::once("validate".to_string())
        .chain(files.iter().map(|f| repo(f)))
        .collect();
    let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let o = qilian(&dir, &args);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(text(&o).0.lines().count(), 3);
}

/// Bad input: exit 2, one line per problem naming the file, no panic, and no
/// output directory.
fn rejects(name: &str, file_text: Option<&str>, expect: &[&str]) {
    let dir = scratch(name);
    let path = dir.join("bad.ron");
    match file_text {
        Some(t) => std::fs::write(&path, t).unwrap(),
        None if name == "directory" => std::fs::create_dir(&path).unwrap(),
        None => {}
    }
    let o = qilian(&dir, &["run", "bad.ron", "--out", "out"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{name}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{name}: {err}"
    );
    for e in expect {
        assert!(err.contains(e), "{name}: expected {e:?} in\n{err}");
    }
    assert!(
        !dir.join("out").exists(),
        "{name}: output directory was created"
    );
    let o = qilian(&dir, &["validate", "bad.ron"]);
    assert_eq!(o.status.code(), Some(2), "{name}: validate");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_input_exits_2_with_every_problem() {
    rejects("missing", None, &["bad.ron: no such file"]);
    rejects("directory", None, &["bad.ron: is a directory"]);
    rejects("syntax", Some("Scenario(name: \"x\",, )"), &["bad.ron:1:"]);
    rejects("empty", Some(""), &["bad.ron:"]);
    let stock = std::fs::read_to_string(repo(DEMO)).unwrap();
    let region = repo("scenarios/regions/ganzhou.ron");
    let plan = repo("scenarios/plans/ganzhou-baseline.ron");
    let absolute = stock
        .replace("\"regions/ganzhou.ron\"", &format!("{region:?}"))
        .replace("\"plans/ganzhou-baseline.ron\"", &format!("{plan:?}"));
    rejects(
        "unknown field",
        Some(&absolute.replace("tick_s: 60", "tick_secs: 60")),
        &["tick_secs"],
    );
    rejects(
        "wrong type",
        Some(&absolute.replace("seed: 7", "seed: \"seven\"")),
        &["bad.ron:10:10: Expected integer"],
    );
    rejects(
        "semantic",
        Some(
            &absolute
                .replace("horizon_h: 168.0", "horizon_h: 0.001")
                .replace("power_h: 72.0", "power_h: -1.0")
                .replace("facility: 3,", "facility: 333,")
                .replace("edge: 311", "edge: 99999"),
        ),
        &[
            "bad.ron: horizon_h 0.001 is shorter than one tick (60 s)",
            "bad.ron: targets: power_h deadline must be positive, got -1",
            "refers to missing facility 333",
            "refers to missing edge 99999",
        ],
    );
}

#[test]
fn unknown_command_and_bad_flag_exit_2() {
    let dir = scratch("flags");
    assert_eq!(qilian(&dir, &["fly"]).status.code(), Some(2));
    assert_eq!(
        qilian(&dir, &["run", "x.ron", "--threads", "many"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        qilian(&dir, &["demo", "--threads", "0"]).status.code(),
        Some(2)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn audit_reports_each_check_with_its_numbers() {
    let dir = scratch("audit");
    let o = qilian(
        &dir,
        &[
            "audit",
            &repo("scenarios/plans/ganzhou-baseline.ron"),
            "--region",
            &repo("scenarios/regions/ganzhou.ron"),
            "--json",
        ],
    );
    // Some checks fail: the report is printed and the exit code is 3.
    assert_eq!(o.status.code(), Some(3), "{}", text(&o).1);
    let checks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let by_name = |n: &str| {
        checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(checks.as_array().unwrap().len(), 11);
    assert_eq!(by_name("relocation supplies (15 days)")["passed"], true);
    assert!(by_name("relocation supplies (15 days)")["add"].is_null());
    // Two rescue crews for 697,000 people fail, and say what to add.
    let rescue = by_name("rescue crews for the population");
    assert_eq!(rescue["passed"], false);
    assert_eq!(rescue["add"], "add 5 rescue crew(s)");
    assert_eq!(
        by_name("hazmat crews for the chemical plants")["passed"],
        true
    );
    assert_eq!(by_name("shelter places")["add"], "add 28000 shelter places");
    let fire = by_name("fire-team staffing");
    assert_eq!(fire["passed"], false);
    assert!(
        fire["detail"]
            .as_str()
            .unwrap()
            .contains("zone 105 has 7 (needs 9)")
    );
    // A plan naming a zone the region lacks is bad input.
    let plan = std::fs::read_to_string(repo("scenarios/plans/ganzhou-baseline.ron"))
        .unwrap()
        .replace("(zone: 105, key_town: false", "(zone: 999, key_town: false");
    std::fs::write(dir.join("p.ron"), plan).unwrap();
    let o = qilian(
        &dir,
        &[
            "audit",
            "p.ron",
            "--region",
            &repo("scenarios/regions/ganzhou.ron"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("p.ron: preparedness: fire team refers to missing zone 999"),
        "{}",
        text(&o).1
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn run_without_out_says_nothing_was_written() {
    let dir = scratch("no-out");
    let o = qilian(&dir, &["run", &repo(DEMO)]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("power"), "{out}");
    assert!(err.contains("no files written: add --out DIR"), "{err}");
    assert!(file_names(&dir).is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn out_folders_are_created_and_replaced_whole() {
    let dir = scratch("out-replace");
    let o = qilian(&dir, &["demo", "--out", "a/b/res"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let res = dir.join("a/b/res");
    assert!(res.join("summary.json").is_file());
    // A file of an earlier run that the next run does not write is gone
    // after it, and nothing is left beside the folder.
    std::fs::write(res.join("stale-chart.svg"), b"old").unwrap();
    let o = qilian(&dir, &["demo", "--out", "a/b/res"]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(!res.join("stale-chart.svg").exists());
    assert!(res.join("summary.json").is_file());
    assert_eq!(file_names(&dir.join("a/b")), ["res"]);
    // A folder of other files is refused before anything runs.
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    std::fs::write(dir.join("notes/todo.txt"), b"x").unwrap();
    let o = qilian(&dir, &["run", &repo(DEMO), "--out", "notes"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("holds other files"), "{err}");
    assert_eq!(file_names(&dir.join("notes")), ["todo.txt"]);
    let _ = std::fs::remove_dir_all(dir);
}

/// `--lang` picks the report's and the terminal's language; without it the
/// locale does (`zh*` ⇒ Chinese); an unknown language is a usage error.
#[test]
fn lang_chooses_the_report_language_and_defaults_from_the_locale() {
    let dir = scratch("lang");
    let o = qilian(&dir, &["demo", "--lang", "zh-CN", "--out", "zh"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("已写入") && out.contains("供电"), "{out}");
    let html = std::fs::read_to_string(dir.join("zh/report.html")).unwrap();
    assert!(
        html.contains("<h2 id=\"life\">生命安全</h2>"),
        "Chinese life-safety heading"
    );
    let o = qilian_in_locale(&dir, &["demo", "--out", "env"], "zh_CN.UTF-8");
    assert!(o.status.success());
    let html = std::fs::read_to_string(dir.join("env/report.html")).unwrap();
    assert!(
        html.contains("<html lang=\"zh-CN\">"),
        "LANG=zh_CN gives Chinese"
    );
    let o = qilian(&dir, &["demo", "--out", "en"]);
    assert!(o.status.success());
    let html = std::fs::read_to_string(dir.join("en/report.html")).unwrap();
    assert!(html.contains("Life safety</h2>") && !html.contains("生命安全"));
    let o = qilian(&dir, &["demo", "--lang", "fr"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unknown language") && err.contains("zh-CN"),
        "{err}"
    );
}

/// In Chinese every message of bad input is Chinese around the engine's
/// detail, still naming the file, line and column, and still exits 2.
#[test]
fn bad_input_in_chinese_names_file_line_and_column() {
    let dir = scratch("zh-errors");
    let zh = |args: &[&str]| {
        let mut a = vec!["--lang", "zh-CN"];
        a.extend_from_slice(args);
        qilian(&dir, &a)
    };
    let o = zh(&["validate", "missing.ron"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("文件 missing.ron：文件不存在"), "{err}");
    std::fs::write(dir.join("bad.ron"), "Scenario(name: \"x\",, )").unwrap();
    for cmd in [&["validate", "bad.ron"][..], &["run", "bad.ron"]] {
        let o = zh(cmd);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(
            err.starts_with("文件 bad.ron 第1行第") && err.contains("列：格式错误："),
            "{cmd:?}: {err}"
        );
    }
    let o = zh(&["demo", "--threads", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--threads 至少为 1"), "{}", text(&o).1);
    let o = zh(&["stress", &repo(DEMO), "--runs", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--runs 至少为 1"), "{}", text(&o).1);
    // The same in English, as it always was.
    let o = qilian(&dir, &["validate", "missing.ron"]);
    assert_eq!(text(&o).1.trim(), "missing.ron: no such file");
    let _ = std::fs::remove_dir_all(dir);
}

/// `--help` follows `--lang` (and the locale); English help is unchanged.
#[test]
fn help_follows_the_language() {
    let dir = scratch("zh-help");
    let o = qilian(&dir, &["--lang", "zh-CN", "--help"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for w in [
        "灾害演练",
        "用法:",
        "命令:",
        "选项:",
        "运行一个情景一次",
        "打印帮助",
    ] {
        assert!(out.contains(w), "{w} not in\n{out}");
    }
    let o = qilian(&dir, &["stress", "--help", "--lang=zh"]);
    let (out, _) = text(&o);
    assert!(
        out.contains("[默认: 100]") && !out.contains("Replicates"),
        "{out}"
    );
    let o = qilian_in_locale(&dir, &["run", "--help"], "zh_CN.UTF-8");
    assert!(text(&o).0.contains("情景文件"), "{}", text(&o).0);
    let o = qilian(&dir, &["--help"]);
    let (out, _) = text(&o);
    assert!(
        out.starts_with("Disaster drills and emergency-plan evaluation\n\nUsage: qilian"),
        "{out}"
    );
    assert!(out.contains("Print help") && !out.contains("用法"), "{out}");
    // clap's usage errors too, still exit 2; and a value parser that fails
    // speaks the language of a `--lang` given after it.
    let o = qilian(&dir, &["fly", "--lang", "zh-CN"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with("错误：无法识别的子命令 'fly'"), "{err}");
    let o = qilian(
        &dir,
        &["stress", "x.ron", "--shard", "5/4", "--lang", "zh-CN"],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("须满足 0 ≤ K < N"), "{err}");
    let o = qilian(&dir, &["fly"]);
    assert!(
        text(&o)
            .1
            .starts_with("error: unrecognized subcommand 'fly'")
    );
    let _ = std::fs::remove_dir_all(dir);
}
