//! Viewer benchmarks (figures in benches/README.md): every chart, map, the
//! report, GeoJSON and CSV of one demo run (goal < 2 s in release), the same
//! for each stock hazard scenario with its footprint (the demo has no
//! hazard), recording footprints during a chemical run, and the stress
//! bundle of 20 demo replicates.

use criterion::{Criterion, criterion_group, criterion_main};
use qilian_evaluator::stress::{self, StressMeta};
use qilian_models::hazard::footprint;
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
        b.iter(|| {
            black_box(
                qilian_viewer::bundle::run(&run, &summary, &[], qilian_i18n::Lang::En)
                    .expect("renders"),
            )
        })
    });
    for name in ["flood", "earthquake", "fire", "chemical"] {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/ganzhou-{name}.ron"));
        let s = Arc::new(qilian_engine::load(&path).expect("stock scenario loads"));
        let (run, footprints) =
            footprint::run_with_footprints(qilian_models::standard_sim(s.clone(), 0));
        let summary = qilian_evaluator::summarize(&run);
        g.bench_function(format!("{name} run: all files with the footprint"), |b| {
            b.iter(|| {
                black_box(
                    qilian_viewer::bundle::run(&run, &summary, &footprints, qilian_i18n::Lang::En)
                        .expect("renders"),
                )
            })
        });
        if name == "chemical" {
            g.bench_function("chemical run: simulate without footprints", |b| {
                b.iter(|| black_box(qilian_models::standard_sim(s.clone(), 0).run()))
            });
            g.bench_function("chemical run: simulate recording footprints", |b| {
                b.iter(|| {
                    black_box(footprint::run_with_footprints(qilian_models::standard_sim(
                        s.clone(),
                        0,
                    )))
                })
            });
        }
    }
    let replicates: Vec<u32> = (0..20).collect();
    let rows = stress::run_rows(&scenario, &replicates, &|| {});
    let report = stress::report(StressMeta::of(&scenario, 20), &rows);
    g.bench_function("stress (20 runs): charts, risk maps, report", |b| {
        b.iter(|| {
            black_box(
                qilian_viewer::bundle::stress(
                    Some(&scenario),
                    &report,
                    &rows,
                    qilian_i18n::Lang::En,
                )
                .expect("renders"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
