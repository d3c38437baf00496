//! `stress`, `merge` and `compare` end to end.

use super::{qilian, repo, scratch, text};
use std::path::Path;

/// The stock demo scenario and baseline plan copied into `dir` with absolute
/// part paths, optionally edited.
fn stock(
    dir: &Path,
    edit_scenario: impl Fn(String) -> String,
    edit_plan: impl Fn(String) -> String,
) {
    let s = std::fs::read_to_string(repo("scenarios/ganzhou-demo.ron")).unwrap();
    let s = s
        .replace(
            "\"regions/ganzhou.ron\"",
            &format!("{:?}", repo("scenarios/regions/ganzhou.ron")),
        )
        .replace("\"plans/ganzhou-baseline.ron\"", "\"plan.ron\"");
    std::fs::write(dir.join("s.ron"), edit_scenario(s)).unwrap();
    let p = std::fs::read_to_string(repo("scenarios/plans/ganzhou-baseline.ron")).unwrap();
    std::fs::write(dir.join("plan.ron"), edit_plan(p)).unwrap();
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = qilian(dir, args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{args:?}: {err}");
    out
}

#[test]
fn shards_and_threads_give_the_same_stress_json() {
    let dir = scratch("shards");
    stock(&dir, |s| s, |p| p);
    ok(
        &dir,
        &[
            "stress",
            "s.ron",
            "--runs",
            "6",
            "--threads",
            "1",
            "--out",
            "t1",
        ],
    );
    ok(
        &dir,
        &[
            "stress",
            "s.ron",
            "--runs",
            "6",
            "--threads",
            "2",
            "--out",
            "t2",
        ],
    );
    for k in 0..3 {
        let shard = format!("{k}/3");
        let out = format!("s{k}");
        ok(
            &dir,
            &[
                "stress", "s.ron", "--runs", "6", "--shard", &shard, "--out", &out,
            ],
        );
    }
    ok(&dir, &["merge", "s2", "s0", "s1", "--out", "merged"]);
    let read = |p: &str| std::fs::read(dir.join(p)).unwrap();
    assert!(
        read("t1/stress.json") == read("t2/stress.json"),
        "threads differ"
    );
    assert!(
        read("t1/stress.json") == read("merged/stress.json"),
        "merge differs"
    );
    assert!(read("t1/replicates.csv") == read("merged/replicates.csv"));
    let csv = String::from_utf8(read("t1/replicates.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.starts_with("replicate,cleanup_met,cleanup_met_at_h,power_met"));
    // An incomplete set of shards is refused.
    let o = qilian(&dir, &["merge", "s0", "s1", "--out", "bad"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("shard 2 of 3 is missing (replicates 2, 5)"),
        "{}",
        text(&o).1
    );
    // A duplicated shard, and an edited one (a flipped `met` flag), are
    // refused by name.
    let o = qilian(&dir, &["merge", "s0", "s1", "s0", "s2", "--out", "bad"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("shard 0 of 3 is given twice"),
        "{}",
        text(&o).1
    );
    let shard = std::fs::read_to_string(dir.join("s1/shard.json")).unwrap();
    let flipped = if shard.contains("\"met\": true") {
        shard.replacen("\"met\": true", "\"met\": false", 1)
    } else {
        shard.replacen("\"met\": false", "\"met\": true", 1)
    };
    assert_ne!(shard, flipped);
    std::fs::write(dir.join("s1/shard.json"), flipped).unwrap();
    let o = qilian(&dir, &["merge", "s0", "s1", "s2", "--out", "bad"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o).1;
    assert!(
        err.contains("s1/shard.json: its rows do not match their checksum"),
        "{err}"
    );
    assert!(!dir.join("bad").exists(), "nothing written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn comparing_a_plan_with_itself_gives_zero_differences() {
    let dir = scratch("compare");
    stock(&dir, |s| s, |p| p);
    std::fs::copy(dir.join("plan.ron"), dir.join("same.ron")).unwrap();
    let out = ok(
        &dir,
        &[
            "compare", "s.ron", "--plan", "plan.ron", "--plan", "same.ron", "--runs", "4", "--out",
            "c",
        ],
    );
    assert!(out.contains("no clear difference"), "{out}");
    // The terminal shows each paired difference with its 95 % interval,
    // for the targets and the life-safety outcomes.
    assert!(out.contains("B − A P(met) [95 % CI]"), "{out}");
    assert!(out.contains("+0.000 [+0.000, +0.000]"), "{out}");
    for name in [
        "deaths",
        "injuries",
        "rescued",
        "exposed",
        "evacuated_90pct_h",
    ] {
        let label = qilian_evaluator::stress::outcome_label(name);
        assert!(
            out.lines().any(|l| l.starts_with(label) && l.contains('[')),
            "{name}: {out}"
        );
    }
    let c: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("c/compare.json")).unwrap()).unwrap();
    let life = c["life_safety"].as_array().unwrap();
    assert_eq!(life.len(), 7);
    assert_eq!(life[0]["name"], "deaths");
    assert_eq!(life[0]["diff"]["mean"], 0.0);
    for t in c["targets"].as_array().unwrap() {
        assert_eq!(t["met"]["mean"], 0.0, "{t}");
        if !t["met_at_h"].is_null() {
            assert_eq!(t["met_at_h"]["mean"], 0.0, "{t}");
        }
    }
    for (k, d) in c["kpis"].as_object().unwrap() {
        assert_eq!(d["mean"], 0.0, "{k}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_missing_crew_kind_is_the_bottleneck() {
    // Five damaged substations and a single power crew without mutual aid;
    // every other kind has crews to spare.
    let dir = scratch("bottleneck");
    stock(
        &dir,
        |s| {
            s.replace(
                "injects: [",
                "injects: [
        (at_h: 1.0, event: Damage(facility: 4, state: Extensive)),
        (at_h: 1.0, event: Damage(facility: 6, state: Extensive)),
        (at_h: 1.0, event: Damage(facility: 1, state: Moderate)),",
            )
        },
        |p| {
            p.replace(
                "kind: Power, depot: 1, count: 4,",
                "kind: Power, depot: 1, count: 1,",
            )
            .replace(
                "(at_h: 24.0, crews: (id: 11, kind: Power, depot: 1, count: 2)),",
                "",
            )
            .replace("count: 2,", "count: 4,")
            .replace(
                "kind: Road, depot: 4, count: 3,",
                "kind: Road, depot: 4, count: 4,",
            )
            .replace(
                "kind: Hazmat, depot: 5, count: 1,",
                "kind: Hazmat, depot: 5, count: 3,",
            )
        },
    );
    let out = ok(
        &dir,
        &[
            "stress",
            "s.ron",
            "--runs",
            "4",
            "--bottleneck",
            "--out",
            "b",
        ],
    );
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("b/bottleneck.json")).unwrap()).unwrap();
    assert_eq!(b["limiting"], "Power", "{b:#}");
    // Nobody dies in this scenario: no kind saves lives, and it says so.
    assert!(b["saves_most_lives"].is_null(), "{b:#}");
    assert!(
        out.contains(
            "bottleneck: one more power crew raises P(met) most; no extra crew saves lives"
        ),
        "{out}"
    );
    assert!(out.contains("+1 power    deaths per run"), "{out}");
    for k in b["kinds"].as_array().unwrap() {
        assert_eq!(k["one_more_crew_life_safety"][0]["name"], "deaths", "{k}");
    }
    let power = b["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "Power")
        .unwrap();
    assert_eq!(power["crews"], 1);
    assert!(!power["utilisation_by_hour"].as_array().unwrap().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn in_the_earthquake_one_more_rescue_crew_saves_most_lives() {
    // No extra crew of any kind raises P(met) here, but trapped people
    // die while they wait for the two rescue crews.
    let dir = scratch("lives");
    let out = ok(
        &dir,
        &[
            "stress",
            &repo("scenarios/ganzhou-earthquake.ron"),
            "--runs",
            "2",
            "--bottleneck",
            "--out",
            "b",
        ],
    );
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("b/bottleneck.json")).unwrap()).unwrap();
    assert_eq!(b["saves_most_lives"], "Rescue", "{b:#}");
    let rescue = b["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "Rescue")
        .unwrap();
    let deaths = &rescue["one_more_crew_life_safety"][0];
    assert_eq!(deaths["name"], "deaths");
    assert!(deaths["diff"]["mean"].as_f64().unwrap() < -10.0, "{deaths}");
    assert!(
        out.contains("one more rescue crew saves most lives"),
        "{out}"
    );
    // stress.json and the terminal carry the life-safety outcomes.
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("b/stress.json")).unwrap()).unwrap();
    let deaths = &r["life_safety"][0];
    assert_eq!(deaths["name"], "deaths", "{r:#}");
    assert!(deaths["mean"].as_f64().unwrap() > 100.0, "{deaths}");
    assert_eq!(deaths["mean_ci95"].as_array().unwrap().len(), 2);
    assert!(out.lines().any(|l| l.starts_with("deaths ")), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The stock uncertain earthquake, with the plan's departure curve made
/// uncertain too: each replicate draws its own magnitude, epicentre and
/// departure scale, `replicates.csv` shows them, and the draws (so the whole
/// output) are the same for any thread count or shard split.
#[test]
fn uncertain_parameters_vary_by_replicate_not_by_threads_or_shards() {
    let dir = scratch("uncertain");
    let s = std::fs::read_to_string(repo("scenarios/ganzhou-earthquake-uncertain.ron")).unwrap();
    let s = s
        .replace(
            "\"regions/ganzhou.ron\"",
            &format!("{:?}", repo("scenarios/regions/ganzhou.ron")),
        )
        .replace("\"plans/ganzhou-baseline.ron\"", "\"plan.ron\"");
    std::fs::write(dir.join("s.ron"), s).unwrap();
    let p = std::fs::read_to_string(repo("scenarios/plans/ganzhou-baseline.ron")).unwrap();
    let p = p.replace(
        "Rayleigh(sigma_h: 0.5)",
        "Rayleigh(sigma_h: LogNormal(median: 0.5, beta: 0.3))",
    );
    assert!(p.contains("LogNormal(median: 0.5"));
    std::fs::write(dir.join("plan.ron"), p).unwrap();
    let runs = ["--runs", "4"];
    for (t, out) in [("1", "t1"), ("2", "t2")] {
        ok(
            &dir,
            &[
                &["stress", "s.ron", "--threads", t, "--out", out],
                &runs[..],
            ]
            .concat(),
        );
    }
    for k in 0..2 {
        let shard = format!("{k}/2");
        let out = format!("s{k}");
        ok(
            &dir,
            &[
                &["stress", "s.ron", "--shard", &shard, "--out", &out],
                &runs[..],
            ]
            .concat(),
        );
    }
    ok(&dir, &["merge", "s1", "s0", "--out", "merged"]);
    let read = |p: &str| std::fs::read(dir.join(p)).unwrap();
    for f in ["stress.json", "replicates.csv"] {
        assert!(
            read(&format!("t1/{f}")) == read(&format!("t2/{f}")),
            "{f}: threads differ"
        );
        assert!(
            read(&format!("t1/{f}")) == read(&format!("merged/{f}")),
            "{f}: shards differ"
        );
    }
    let csv = String::from_utf8(read("t1/replicates.csv")).unwrap();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 4);
    let column = |name: &str| -> Vec<f64> {
        let i = head
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no {name} in {head:?}"));
        rows.iter().map(|r| r[i].parse().unwrap()).collect()
    };
    let mags = column("parameters.hazard1.magnitude");
    assert!(mags.iter().all(|m| (5.9..=7.1).contains(m)), "{mags:?}");
    let xs = column("parameters.hazard1.epicentre_x");
    assert!(xs.iter().all(|x| (11000.0..=17000.0).contains(x)), "{xs:?}");
    let sigmas = column("parameters.rule1.departure.sigma_h");
    for v in [&mags, &xs, &sigmas] {
        let mut d = v.clone();
        d.sort_by(f64::total_cmp);
        d.dedup();
        assert_eq!(d.len(), 4, "every replicate draws its own value: {v:?}");
    }
    // The draws change what happens: peak shaking differs between replicates.
    let pga = column("hazards.1 earthquake.max_pga_g");
    let mut d = pga.clone();
    d.sort_by(f64::total_cmp);
    d.dedup();
    assert!(d.len() > 1, "{pga:?}");
    let _ = std::fs::remove_dir_all(dir);
}
