//! `optimise` end to end: the enumerated best, determinism over threads and
//! shards, the plan file it writes, and bad input.

use super::{qilian, repo, scratch, text};
use std::path::Path;

/// The stock demo scenario and baseline plan copied into `dir` with
/// absolute part paths.
fn stock(dir: &Path) {
    let s = std::fs::read_to_string(repo("scenarios/ganzhou-demo.ron")).unwrap();
    let s = s
        .replace(
            "\"regions/ganzhou.ron\"",
            &format!("{:?}", repo("scenarios/regions/ganzhou.ron")),
        )
        .replace("\"plans/ganzhou-baseline.ron\"", "\"plan.ron\"")
        // Every deadline is by 72 h: a shorter horizon keeps the test fast.
        .replace("horizon_h: 168.0", "horizon_h: 80.0");
    assert!(s.contains("horizon_h: 80.0"));
    std::fs::write(dir.join("s.ron"), s).unwrap();
    let p = std::fs::read_to_string(repo("scenarios/plans/ganzhou-baseline.ron")).unwrap();
    std::fs::write(dir.join("plan.ron"), p).unwrap();
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = qilian(dir, args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{args:?}: {err}");
    out
}

/// 2 crew kinds × 2 depots (0–N crews with `--max-crews N`).
const SMALL: [&str; 4] = ["--kinds", "power,telecom", "--depots", "1,3"];

fn json(dir: &Path, file: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

/// (candidate, cost, selection P(met), selection deaths) of each finalist.
fn finalists(v: &serde_json::Value) -> Vec<(u64, f64, f64, f64)> {
    v["finalists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["candidate"].as_u64().unwrap(),
                f["cost"].as_f64().unwrap(),
                f["selection"]["p_met"].as_f64().unwrap(),
                f["selection"]["deaths"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// 2 kinds × 0–2 crews × 2 depots: 5 × 5 = 25 plans, all enumerated.
#[test]
fn halving_finds_the_enumerated_best_within_its_tolerance() {
    let dir = scratch("optimise-best");
    stock(&dir);
    let budget = "3600";
    let small = ["--max-crews", "2", "--runs", "8", "--fresh", "2"];
    let mut all = vec!["optimise", "s.ron", "--budget", budget, "--keep", "100"];
    all.extend(SMALL);
    all.extend(small);
    all.extend(["--out", "all"]);
    ok(&dir, &all);
    let mut race = vec!["optimise", "s.ron", "--budget", budget, "--keep", "4"];
    race.extend(SMALL);
    race.extend(small);
    race.extend(["--out", "race"]);
    ok(&dir, &race);
    let (a, r) = (
        json(&dir.join("all"), "optimise.json"),
        json(&dir.join("race"), "optimise.json"),
    );
    assert_eq!(a["space_size"], "25");
    let fa = finalists(&a);
    // Every plan within the budget ran on all 8 replicates: the true best on
    // them is the highest P(met), then fewest deaths, then lowest cost.
    let eligible: Vec<_> = fa.iter().filter(|f| f.1 <= 3600.0).collect();
    assert!(
        eligible.len() > 10 && eligible.len() < fa.len(),
        "the budget cuts some plans"
    );
    let best = eligible
        .iter()
        .min_by(|x, y| {
            y.2.total_cmp(&x.2)
                .then(x.3.total_cmp(&y.3))
                .then(x.1.total_cmp(&y.1))
        })
        .unwrap();
    assert_eq!(a["chosen"].as_u64().unwrap(), best.0);
    // The race spent fewer runs and chose a plan within the stated
    // tolerance (docs/optimise.md): P(met) at most 1/8 (one replicate) below
    // the best and, at equal P(met), deaths at most 10 % above.
    assert!(r["runs_made"].as_u64() < a["runs_made"].as_u64());
    let fr = finalists(&r);
    let chosen = fr
        .iter()
        .find(|f| f.0 == r["chosen"].as_u64().unwrap())
        .unwrap();
    assert!(chosen.1 <= 3600.0);
    assert!(
        chosen.2 >= best.2 - 0.125 - 1e-9,
        "{chosen:?} against {best:?}"
    );
    if chosen.2 == best.2 {
        assert!(
            chosen.3 <= best.3 * 1.1 + 1e-9,
            "{chosen:?} against {best:?}"
        );
    }
}

#[test]
fn threads_and_shards_give_the_same_answer_and_the_plan_runs() {
    let dir = scratch("optimise-det");
    stock(&dir);
    let run = |extra: &[&str], out: &str| {
        let mut a = vec!["optimise", "s.ron", "--budget", "4000", "--keep", "3"];
        // 0–1 crews: 3 × 3 = 9 plans.
        a.extend(SMALL);
        a.extend(["--max-crews", "1", "--runs", "4", "--fresh", "4"]);
        a.extend(extra);
        a.extend(["--out", out]);
        ok(&dir, &a);
    };
    run(&["--threads", "1"], "t1");
    run(&["--threads", "2"], "t2");
    for f in [
        "optimise.json",
        "front.csv",
        "plan.ron",
        "changes.txt",
        "chart-front.svg",
    ] {
        assert_eq!(
            std::fs::read(dir.join("t1").join(f)).unwrap(),
            std::fs::read(dir.join("t2").join(f)).unwrap(),
            "{f}"
        );
    }
    // One shard merged is the unsharded run; two shards merge the same way
    // on one thread or two.
    run(&["--shard", "0/1"], "one");
    ok(&dir, &["merge", "one", "--out", "one-merged"]);
    assert_eq!(
        std::fs::read(dir.join("t1/optimise.json")).unwrap(),
        std::fs::read(dir.join("one-merged/optimise.json")).unwrap()
    );
    run(&["--shard", "0/2", "--threads", "1"], "s0");
    run(&["--shard", "1/2", "--threads", "2"], "s1");
    ok(&dir, &["merge", "s0", "s1", "--out", "m1"]);
    ok(&dir, &["merge", "s1", "s0", "--out", "m2"]);
    assert_eq!(
        std::fs::read(dir.join("m1/optimise.json")).unwrap(),
        std::fs::read(dir.join("m2/optimise.json")).unwrap()
    );
    let m = json(&dir.join("m1"), "optimise.json");
    assert_eq!(m["shards"], 2);
    // A shard missing is an error.
    let o = qilian(&dir, &["merge", "s0", "--out", "m3"]);
    assert_eq!(o.status.code(), Some(2));
    // The chosen plan runs with the scenario, and its changes are in both languages.
    let out = ok(&dir, &["run", "s.ron", "--plan", "t1/plan.ron"]);
    assert!(out.contains("power"), "{out}");
    let changes = std::fs::read_to_string(dir.join("t1/changes.txt")).unwrap();
    assert!(
        changes.contains("选定方案") && changes.contains("chosen plan"),
        "{changes}"
    );
    let csv = std::fs::read_to_string(dir.join("t1/front.csv")).unwrap();
    assert!(csv.lines().count() >= 2);
    assert!(
        std::fs::read(dir.join("t1/chart-front.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
}

#[test]
fn bad_input_exits_2_naming_file_and_line() {
    let dir = scratch("optimise-bad");
    stock(&dir);
    let base = ["optimise", "s.ron", "--runs", "2", "--out", "o"];
    for budget in ["0", "-5", "nan"] {
        let mut a = base.to_vec();
        a.extend(["--budget", budget]);
        let o = qilian(&dir, &a);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{budget}: {err}");
        assert!(err.contains("budget"), "{err}");
    }
    std::fs::write(
        dir.join("kind.ron"),
        "Costs(\n    crew: { Power: 1.0, Plumber: 2.0 },\n)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("bad.ron"),
        "Costs(\n  crew: { Power: 1.0 },\n  depot: oops,\n)\n",
    )
    .unwrap();
    std::fs::write(dir.join("neg.ron"), "Costs(depot: -1.0)\n").unwrap();
    for (file, want) in [
        ("kind.ron", "kind.ron:2:"),
        ("bad.ron", "bad.ron:3:"),
        ("neg.ron", "depot cost"),
    ] {
        let mut a = base.to_vec();
        a.extend(["--budget", "2000", "--costs", file]);
        let o = qilian(&dir, &a);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(want), "{file}: {err}");
    }
    // A budget below every plan: said, exit 2.
    let mut a = base.to_vec();
    a.extend(["--budget", "1", "--kinds", "power", "--max-crews", "1"]);
    let o = qilian(&dir, &a);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("within the budget"), "{err}");
    assert!(!dir.join("o").exists(), "no output on bad input");
}
