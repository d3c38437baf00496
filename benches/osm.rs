//! OpenStreetMap import and large-region loading (figures in
//! benches/README.md): importing a synthetic extract of about 1,000,000 OSM
//! nodes (PBF → region RON on disk), and loading a scenario on the imported
//! region through its binary cache.
//!
//! The extract is generated with `qilian_osm::synth::grid_town(378, 3)`:
//! 378 × 378 junctions 100 m apart with three shape nodes per block,
//! 997,920 nodes and 57,456 ways.

use criterion::{Criterion, criterion_group, criterion_main};
use qilian_engine::scenario::{cache, load};
use qilian_osm::{Options, import, write_atomic};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn workdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qilian-bench-osm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const PLAN: &str = r#"Plan(
    name: "bench",
    depots: [(id: 1, name: "D", node: 1)],
    crews: [(id: 1, kind: Power, depot: 1, count: 1)],
)"#;

const SCENARIO: &str = r#"Scenario(
    name: "synthetic town",
    region: "town.ron",
    plan: "plan.ron",
    horizon_h: 24.0,
    targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
)"#;

fn osm(c: &mut Criterion) {
    let dir = workdir();
    let pbf = dir.join("town.osm.pbf");
    std::fs::write(&pbf, qilian_osm::synth::grid_town(378, 3)).unwrap();
    let region = dir.join("town.ron");
    let once = import(&pbf, &Options::default()).unwrap();
    eprintln!(
        "synthetic extract: {} bytes, {} OSM nodes → {} nodes, {} links",
        std::fs::metadata(&pbf).unwrap().len(),
        once.report.osm_nodes,
        once.region.nodes.len(),
        once.region.edges.len()
    );
    write_atomic(&region, &once.to_ron()).unwrap();
    drop(once);

    let mut g = c.benchmark_group("osm");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("import 1M-node extract to RON on disk", |b| {
        b.iter(|| {
            let i = import(black_box(&pbf), &Options::default()).unwrap();
            write_atomic(&dir.join("out.ron"), &i.to_ron()).unwrap();
        })
    });

    std::fs::write(dir.join("plan.ron"), PLAN).unwrap();
    std::fs::write(dir.join("scenario.ron"), SCENARIO).unwrap();
    let _ = std::fs::remove_file(cache::cache_path(&region));
    let t = Instant::now();
    let s = load(&dir.join("scenario.ron")).unwrap();
    eprintln!(
        "first load (RON parse, writes the cache): {:.2} s, {} nodes; cache {} bytes, RON {} bytes",
        t.elapsed().as_secs_f64(),
        s.region.nodes.len(),
        std::fs::metadata(cache::cache_path(&region)).unwrap().len(),
        std::fs::metadata(&region).unwrap().len()
    );
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("load scenario on the imported region (cached)", |b| {
        b.iter(|| black_box(load(&dir.join("scenario.ron")).unwrap()))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group!(benches, osm);
criterion_main!(benches);
