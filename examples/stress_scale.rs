//! Scale check of the stress runner (issue 5's benchmark, also issue 4's
//! agents at scale): 1,000 replicates of the stock flood scenario with the
//! region grown to ≥ 5,000 nodes, ≥ 20,000 evacuees and ≥ 40 crews, over
//! 5 days (`benches/support/grown.rs`), through the same runner as
//! `qilian stress` (`qilian_evaluator::stress::run_rows` + `report`).
//!
//! Prints, for 1 and then 2 worker threads: wall time, process CPU time,
//! the speed-up, and the peak resident memory (VmHWM from
//! /proc/self/status, reset between the two runs through
//! /proc/self/clear_refs) less the memory held before the replicates
//! started, per replicate in flight. The flood's trace (the solver run the
//! replicates share) is computed first and timed on its own.
//!
//! Run in release: `cargo run --release --example stress_scale [RUNS]`
//! (default 1000). `THREADS=2` runs only the 2-thread pass.

#[path = "../benches/support/grown.rs"]
mod grown;
#[path = "../benches/support/procfs.rs"]
#[expect(
    dead_code,
    reason = "a support module shared by several benches and examples; each uses only part of it"
)]
mod procfs;

use procfs::{process_cpu_s, reset_peak, status_kb};
use qilian_evaluator::stress;
use std::time::Instant;

fn main() {
    let runs: u32 = std::env::args()
        .nth(1)
        .map_or(1000, |r| r.parse().expect("RUNS: a number of replicates"));
    let only: Option<usize> = std::env::var("THREADS").ok().and_then(|t| t.parse().ok());
    let t = Instant::now();
    let scenario = grown::grown();
    let evacuees: f64 = scenario
        .region
        .zones
        .iter()
        .filter(|z| grown::CITY_ZONES.contains(&z.id.0))
        .map(|z| z.population as f64 * 0.15)
        .sum();
    println!(
        "grown flood scenario: {} nodes, {} links, {} zones, {} crews (+ mutual aid), ~{:.0} evacuees, {} h; built in {:.2} s",
        scenario.network.nodes.len(),
        scenario.network.links.len(),
        scenario.region.zones.len(),
        scenario.plan.crews.iter().map(|g| g.count).sum::<u32>(),
        evacuees,
        scenario.file.horizon_h.0,
        t.elapsed().as_secs_f64()
    );
    // The first replicate computes the flood trace every other one replays.
    let t = Instant::now();
    let first = stress::run_rows(&scenario, &[0], &|| {});
    let ev = &first[0].kpis;
    println!(
        "replicate 0 (computes the flood trace): {:.2} s; evacuation.people {}, link traversals {}, route trees {}, crews.power {:?}, hazards '1 flood'.solver_steps {:?}",
        t.elapsed().as_secs_f64(),
        ev.get("evacuation.people").copied().unwrap_or(f64::NAN),
        ev.get("evacuation.link_traversals")
            .copied()
            .unwrap_or(f64::NAN),
        ev.get("evacuation.route_trees")
            .copied()
            .unwrap_or(f64::NAN),
        ev.get("crews.power"),
        ev.get("hazards.1 flood.solver_steps"),
    );
    let replicates: Vec<u32> = (0..runs).collect();
    let mut walls = Vec::new();
    for threads in [1usize, 2] {
        if only.is_some_and(|o| o != threads) {
            continue;
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let reset = reset_peak();
        let base_kb = status_kb("VmRSS:").unwrap_or(f64::NAN);
        let cpu0 = process_cpu_s();
        let t = Instant::now();
        let rows = pool.install(|| stress::run_rows(&scenario, &replicates, &|| {}));
        let report = stress::report(stress::StressMeta::of(&scenario, runs), &rows);
        let wall = t.elapsed().as_secs_f64();
        let cpu = process_cpu_s() - cpu0;
        let peak_kb = status_kb("VmHWM:").unwrap_or(f64::NAN);
        let met: Vec<String> = report
            .targets
            .iter()
            .map(|s| format!("{} {:.3}", s.name, s.p_met))
            .collect();
        println!(
            "{threads} thread(s): {runs} replicates in {wall:.2} s wall, {cpu:.2} s CPU ({:.1} ms CPU per replicate); peak RSS {:.1} MB, {:.1} MB before, {:.1} MB per replicate in flight{}; P(met): {}",
            cpu * 1000.0 / runs as f64,
            peak_kb / 1024.0,
            base_kb / 1024.0,
            (peak_kb - base_kb) / 1024.0 / threads as f64,
            if reset {
                ""
            } else {
                " (VmHWM not reset: whole-process peak)"
            },
            met.join(", ")
        );
        walls.push((threads, wall));
    }
    if let [(1, w1), (2, w2)] = walls[..] {
        println!("speed-up 1 → 2 threads: {:.2}×", w1 / w2);
    }
}
