//! Stress-runner benchmark of issues 4 and 5 on the grown flood scenario
//! (≥ 5,000 nodes, ≥ 20,000 evacuees, ≥ 40 crews, 5 days; see
//! `support/grown.rs`), through `qilian_evaluator::stress::run_rows` as
//! `qilian stress` runs it:
//!
//! - `grown_flood/16_replicates_1_thread` and `…_2_threads`: 16 replicates
//!   per iteration on a 1- and a 2-thread pool. Throughput is in replicates,
//!   so the 1,000-replicate time is 1,000 / (replicates per second).
//!
//! The flood's trace (one solver run shared by every replicate) is computed
//! before timing. The full 1,000 replicates with the speed-up and the memory
//! per replicate in flight are `examples/stress_scale.rs` (too slow for
//! criterion's repetitions).

#[path = "support/grown.rs"]
mod grown;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use qilian_evaluator::stress;
use std::time::Duration;

const REPLICATES: u32 = 16;

fn bench(c: &mut Criterion) {
    let scenario = grown::grown();
    // Computes and shares the flood trace.
    stress::run_rows(&scenario, &[0], &|| {});
    let replicates: Vec<u32> = (0..REPLICATES).collect();
    let mut g = c.benchmark_group("grown_flood");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(REPLICATES as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let name = format!(
            "{REPLICATES}_replicates_{threads}_thread{}",
            if threads > 1 { "s" } else { "" }
        );
        g.bench_function(name, |b| {
            b.iter(|| pool.install(|| stress::run_rows(&scenario, &replicates, &|| {})))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
