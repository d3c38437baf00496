//! Golden runs: every stock scenario's `summary.json` from `qilian run` and
//! `stress.json` from `qilian stress --runs 3`, kept under `tests/golden/`.
//!
//! Any change to a stock scenario's outputs fails here until it is blessed:
//!
//! ```sh
//! QILIAN_BLESS=1 cargo test --test it golden
//! ```
//!
//! which rewrites the files; the diff of `tests/golden/` then shows what the
//! change did to the numbers, and goes into the commit with it. A stock
//! scenario with no golden file fails too (bless it to add one).

use super::{qilian, repo, scratch, text};
use std::path::{Path, PathBuf};

/// Replicates in each golden stress run: enough to cover the replicate
/// streams and the percentiles, few enough for the suite.
const STRESS_RUNS: &str = "3";

/// The stock scenarios: `scenarios/*.ron` and `scenarios/zhangye/*.ron`, less
/// the drill templates (`drill-*.ron`, not runnable scenarios).
fn stock_scenarios() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in ["scenarios", "scenarios/zhangye"] {
        for entry in std::fs::read_dir(repo(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".ron") && !name.starts_with("drill-") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn blessing() -> bool {
    std::env::var_os("QILIAN_BLESS").is_some_and(|v| v != "0")
}

/// Compare `got` with the golden file `name`, or write it when blessing.
/// Returns a description of the difference, if any.
fn check(name: &str, got: &[u8]) -> Option<String> {
    let path = Path::new(&repo("tests/golden")).join(name);
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return None;
    }
    let Ok(want) = std::fs::read(&path) else {
        return Some(format!(
            "{name}: no golden file (run with QILIAN_BLESS=1 to add it)"
        ));
    };
    if want == got {
        return None;
    }
    let (want, got) = (String::from_utf8_lossy(&want), String::from_utf8_lossy(got));
    let first = want
        .lines()
        .zip(got.lines())
        .enumerate()
        .find(|(_, (w, g))| w != g);
    Some(match first {
        Some((i, (w, g))) => format!(
            "{name} differs from line {}:\n  golden: {w}\n  now:    {g}",
            i + 1
        ),
        None => format!(
            "{name} differs in length ({} golden lines, {} now)",
            want.lines().count(),
            got.lines().count()
        ),
    })
}

/// Run one stock scenario and its stress run; the differences found.
fn golden_of(scenario: &Path) -> Vec<String> {
    let stem = scenario.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = scratch(&format!("golden-{stem}"));
    let path = scenario.to_string_lossy().into_owned();
    let mut problems = Vec::new();
    for (args, file, golden) in [
        (
            vec!["run", &path, "--out", "run"],
            "run/summary.json",
            format!("{stem}.summary.json"),
        ),
        (
            vec!["stress", &path, "--runs", STRESS_RUNS, "--out", "stress"],
            "stress/stress.json",
            format!("{stem}.stress.json"),
        ),
    ] {
        let o = qilian(&dir, &args);
        if !o.status.success() {
            problems.push(format!("{stem}: {args:?} failed: {}", text(&o).1));
            continue;
        }
        let got = std::fs::read(dir.join(file)).unwrap();
        problems.extend(check(&golden, &got));
    }
    let _ = std::fs::remove_dir_all(&dir);
    problems
}

#[test]
fn stock_scenarios_match_their_golden_runs() {
    let scenarios = stock_scenarios();
    assert!(
        scenarios.len() >= 10,
        "stock scenarios found: {scenarios:?}"
    );
    // Two at a time: each run is itself parallel over the machine's cores.
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = scenarios
            .chunks(scenarios.len().div_ceil(2))
            .map(|chunk| {
                s.spawn(move || chunk.iter().flat_map(|p| golden_of(p)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        problems.is_empty(),
        "golden runs changed (bless with QILIAN_BLESS=1 if intended):\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_golden_file_has_a_stock_scenario() {
    let stems: Vec<String> = stock_scenarios()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let Ok(entries) = std::fs::read_dir(repo("tests/golden")) else {
        panic!("tests/golden is missing: bless the golden runs");
    };
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let stem = name
            .strip_suffix(".summary.json")
            .or_else(|| name.strip_suffix(".stress.json"));
        assert!(
            stem.is_some_and(|s| stems.iter().any(|t| t == s)),
            "tests/golden/{name} belongs to no stock scenario: remove it"
        );
    }
}
