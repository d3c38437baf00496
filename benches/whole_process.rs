//! Whole-process benchmark of issue 21: the release `qilian` binary run on
//! the trip-list form of `support/sumo_grid.rs` (100 × 100 grid, 20
//! shelters), exactly as a user runs it — load, validate, build, simulate
//! and, in the `out` cases, write every output:
//!
//! - `sumo_grid/50000_trips` and `…/50000_trips_out`: `qilian run` without
//!   and with `--out`;
//! - `sumo_grid/200000_trips` and `…/200000_trips_out`: the same at
//!   200,000 trips.
//!
//! Sample size 10 (criterion's least) so `cargo bench` stays minutes. Peak
//! memory is not criterion's to measure: benches/README.md has it from
//! `/usr/bin/time -v`.

#[path = "support/sumo_grid.rs"]
mod sumo_grid;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn run(scenario: &Path, out: Option<&Path>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qilian"));
    cmd.arg("run").arg(scenario);
    if let Some(out) = out {
        cmd.arg("--out").arg(out);
    }
    let o = cmd.output().expect("qilian runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn bench(c: &mut Criterion) {
    let root = std::env::temp_dir().join(format!("qilian-bench-sumo-{}", std::process::id()));
    let mut g = c.benchmark_group("sumo_grid");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(5));
    for trips in [50_000, 200_000] {
        let dir = root.join(trips.to_string());
        let scenario =
            sumo_grid::write(&dir, trips, sumo_grid::Form::Trips).expect("world written");
        g.bench_function(format!("{trips}_trips"), |b| {
            b.iter(|| run(&scenario, None))
        });
        let out = dir.join("out");
        g.bench_function(format!("{trips}_trips_out"), |b| {
            b.iter(|| run(&scenario, Some(&out)))
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(root);
}

criterion_group!(benches, bench);
criterion_main!(benches);
