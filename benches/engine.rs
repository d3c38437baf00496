//! Engine and first-slice benchmarks (figures in benches/README.md):
//! an idle tick of the full schedule, one shortest-path tree on a 100,000-node
//! road-like graph, and the demo scenario end to end.

use criterion::{Criterion, criterion_group, criterion_main};
use qilian_engine::network::{EdgeStates, Link, NetNode, Network};
use qilian_engine::scenario::{RoadClass, load};
use qilian_engine::{EdgeId, Kmh, Metres, NodeId, StreamTag, Streams, VehPerHour};
use rand::RngExt;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

/// A jittered grid: `side²` nodes, 4-neighbour two-way links (≈ 4·side² links),
/// speeds 30–90 km/h — a road-like graph with many equal-cost alternatives.
fn grid(side: u32) -> Network {
    let mut rng = Streams::new(1, 0).stream(StreamTag::new("bench grid"), 0);
    let mut nodes = Vec::new();
    for r in 0..side {
        for c in 0..side {
            let (x, y) = (c as f64 * 200.0, r as f64 * 200.0);
            nodes.push(NetNode {
                id: NodeId(r * side + c),
                x: x + rng.random_range(-40.0..40.0),
                y,
            });
        }
    }
    let mut links = Vec::new();
    let mut link = |a: u32, b: u32, rng: &mut qilian_engine::SimRng| {
        let speed = Kmh(rng.random_range(30.0..90.0));
        let length = Metres(rng.random_range(180.0..260.0));
        links.push(Link {
            id: EdgeId(links.len() as u32),
            from: a,
            to: b,
            length,
            speed,
            lanes: 1,
            capacity: VehPerHour(900.0),
            class: RoadClass::Local,
            main_road: false,
            bridge: None,
            free_time_s: length.0 / speed.mps(),
            twin: None,
        });
    };
    for r in 0..side {
        for c in 0..side {
            let i = r * side + c;
            if c + 1 < side {
                link(i, i + 1, &mut rng);
                link(i + 1, i, &mut rng);
            }
            if r + 1 < side {
                link(i, i + side, &mut rng);
                link(i + side, i, &mut rng);
            }
        }
    }
    Network::from_parts(nodes, links)
}

fn shortest_path_tree(c: &mut Criterion) {
    let net = grid(317); // 100,489 nodes, 401,856 links
    assert!(net.nodes.len() >= 100_000 && net.links.len() >= 400_000);
    let states = EdgeStates::new(&net);
    let dest = (net.nodes.len() / 2) as u32;
    c.bench_function("shortest-path tree, 100k nodes / 400k links", |b| {
        b.iter(|| black_box(net.tree_to(black_box(dest), &states)))
    });
}

fn demo_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ganzhou-demo.ron")
}

fn idle_tick(c: &mut Criterion) {
    // The stock region with every model and nothing happening. A sim runs out
    // at its horizon (one year of ticks), so long measurements chain fresh ones.
    let mut scenario = load(&demo_path()).expect("stock scenario loads");
    scenario.file.injects.clear();
    scenario.file.horizon_h = qilian_engine::Hours(8760.0);
    let scenario = Arc::new(scenario);
    c.bench_function("idle tick, full schedule (stock region)", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let mut sim = qilian_models::standard_sim(scenario.clone(), 0);
                sim.step(); // builds the schedule
                let n = left.min(500_000);
                let start = std::time::Instant::now();
                for _ in 0..n {
                    sim.step();
                }
                total += start.elapsed();
                assert!(!sim.finished());
                left -= n;
            }
            total
        })
    });
}

fn demo_end_to_end(c: &mut Criterion) {
    let path = demo_path();
    let mut g = c.benchmark_group("demo");
    g.sample_size(20);
    g.bench_function("demo scenario, load + 7 days at 60 s + summary", |b| {
        b.iter(|| {
            let s = Arc::new(load(&path).expect("stock scenario loads"));
            let run = qilian_models::standard_sim(s, 0).run();
            black_box(qilian_evaluator::summarize(&run))
        })
    });
    g.finish();
}

criterion_group!(benches, idle_tick, shortest_path_tree, demo_end_to_end);
criterion_main!(benches);
