//! Viewer benchmarks (figures in benches/README.md): every chart, map, the
//! report, GeoJSON and CSV of one demo run (goal < 2 s in release), and the
//! stress bundle of 20 demo replicates.

use criterion::{Criterion, criterion_group, criterion_main};
use qilian_evaluator::stress::{self, StressMeta};
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ganzhou-demo.ron");
    let scenario = Arc::new(qilian_engine::load(&path).expect("demo loads"));
    let run = qilian_models::standard_sim(scenario.clone(), 0).run();
    let summary = qilian_evaluator::summarize(&run);
    qilian_viewer::fonts::ensure();
    let mut g = c.benchmark_group("viewer");
    g.sample_size(10);
    g.bench_function("demo run: all charts, maps, report, GeoJSON, CSV", |b| {
        b.iter(|| black_box(qilian_viewer::bundle::run(&run, &summary, &[]).expect("renders")))
    });
    let replicates: Vec<u32> = (0..20).collect();
    let rows = stress::run_rows(&scenario, &replicates, &|| {});
    let report = stress::report(StressMeta::of(&scenario, 20), &rows);
    g.bench_function("stress (20 runs): charts, risk maps, report", |b| {
        b.iter(|| {
            black_box(
                qilian_viewer::bundle::stress(Some(&scenario), &report, &rows).expect("renders"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
