//! Evacuation benchmarks on the issue-4 benchmark city (100,000 nodes, about
//! 250,000 links, 200,000 vehicles, 50 shelters; see `support/city.rs`):
//!
//! - `movement_one_core`: the Move phase alone (`Evacuation::advance`) over
//!   24 simulated hours on a one-thread pool, throughput in vehicle-link
//!   traversals per second; warnings, routing and shelter choice run untimed
//!   between ticks. Routes are computed once (no congestion interval) so an
//!   iteration stays short; the queue model does the same work per traversal
//!   either way.
//! - `warn_and_route_two_cores`: the first tick's decisions — 2,000 zones
//!   warned (200,000 departure draws) and 50 shortest-path trees — on two
//!   threads.
//!
//! The whole 24-hour run with wall time and peak memory is
//! `examples/evac_scale.rs` (too slow for criterion's repetitions).

#[path = "support/city.rs"]
mod city;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use qilian_engine::{EdgeStates, Scenario, SimTime, Streams};
use qilian_models::evacuation::{Evacuation, HazardReach};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Run the evacuation tick by tick; returns the time spent in `advance` and
/// the link traversals.
fn movement(scenario: &Arc<Scenario>) -> (Duration, u64) {
    let states = EdgeStates::new(&scenario.network);
    let reach = HazardReach::new(scenario.region.zones.len());
    let mut evac = Evacuation::new(scenario.clone(), Streams::new(1, 0));
    let mut moving = Duration::ZERO;
    let mut now = SimTime::ZERO;
    while now < scenario.horizon() {
        let end = now.plus(scenario.tick_s());
        evac.expose(now, &reach, &states);
        evac.decide(now, end, &states, &reach, &[]);
        let t = Instant::now();
        evac.advance(end);
        moving += t.elapsed();
        now = end;
    }
    (moving, evac.traversals())
}

fn bench(c: &mut Criterion) {
    let scenario = city::city(None);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let (_, traversals) = one.install(|| movement(&scenario));

    let mut g = c.benchmark_group("evacuation");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Elements(traversals));
    g.bench_function("movement_one_core", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| one.install(|| movement(&scenario).0))
                .sum()
        })
    });
    g.throughput(Throughput::Elements(200_000));
    g.bench_function("warn_and_route_two_cores", |b| {
        let states = EdgeStates::new(&scenario.network);
        let reach = HazardReach::new(scenario.region.zones.len());
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut evac = Evacuation::new(scenario.clone(), Streams::new(1, 0));
                let t = Instant::now();
                two.install(|| evac.decide(SimTime::ZERO, SimTime(60), &states, &reach, &[]));
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
