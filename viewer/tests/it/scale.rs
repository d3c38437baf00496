//! Outputs that scale (issue 21): GeoJSON written streaming gives the same
//! bytes as the document tree it replaced; the bundle's bytes do not depend
//! on the number of threads; maps of many zones draw them as one layer of
//! squares and stay the same size however many zones there are; long
//! straight roads are drawn as one line.

use super::{check_files, demo, demo_run, texts};
use qilian_engine::scenario::{Edge, Zone};
use qilian_engine::{EdgeId, NodeId, Scenario, ZoneId};
use qilian_evaluator::curves::ZoneRisk;
use qilian_evaluator::summarize;
use qilian_models::hazard::footprint::run_with_footprints;
use qilian_viewer::{bundle, maps};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The SHA-256 of the GeoJSON files the stock demo and flood runs gave
/// before GeoJSON was written streaming (commit 6e1c9e0, whose writer built
/// a `serde_json::Value` of the whole document, `qilian run … --out`).
const BEFORE: [(&str, &str, &str); 9] = [
    (
        "ganzhou-demo",
        "zones.geojson",
        "6fb28a411ef69b4d89b05941ab6b394bb220b940b736b75e8bf0b0778fa48d62",
    ),
    (
        "ganzhou-demo",
        "zone-areas.geojson",
        "b6c930eff088a09934db43610e4842a524d2287f3894fa5680f220b680eed2a8",
    ),
    (
        "ganzhou-demo",
        "roads.geojson",
        "79368fa1df7ece4805d6e4ef8eddfcf2d561cb1cc04d8f1c603600919cc7bcc9",
    ),
    (
        "ganzhou-demo",
        "facilities.geojson",
        "b2c0f541d1bc6f2da8ef8715f90113ea740ecfede5dc108ca861e5cee807d8b4",
    ),
    (
        "ganzhou-flood",
        "zones.geojson",
        "2b3e142878c122733e09032da060038be74024085f738965770b0bbc07fb3f0d",
    ),
    (
        "ganzhou-flood",
        "zone-areas.geojson",
        "acfe1cac2571a93c2041db713373ea4234e8db50cba5f0e4c95aa515ed2e91b0",
    ),
    (
        "ganzhou-flood",
        "roads.geojson",
        "cd4d6ba660ebfb9b6624b68dbdd5ab23fc237bd829370c8e3cfd464ed1e9771a",
    ),
    (
        "ganzhou-flood",
        "facilities.geojson",
        "3fb51e4dfbfb56b671159935c82dcd0cbc00fc2839e1b75445a1abf56127a016",
    ),
    (
        "ganzhou-flood",
        "hazards.geojson",
        "d5c7f57bff11b03775bb0a0f9981ebf1ecd59ab3f6c4ac4a7e8e9b0b75ec7399",
    ),
];

fn stock(name: &str) -> Arc<Scenario> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../scenarios/{name}.ron"));
    Arc::new(qilian_engine::load(&path).expect("stock scenario loads"))
}

/// The bundle of a stock run (with its footprints), in English.
fn stock_bundle(name: &str) -> bundle::Files {
    let (run, footprints) = run_with_footprints(qilian_models::standard_sim(stock(name), 0));
    let summary = summarize(&run);
    bundle::run(&run, &summary, &footprints, qilian_i18n::Lang::En).expect("renders")
}

#[test]
fn streamed_geojson_is_byte_for_byte_what_the_document_tree_wrote() {
    for scenario in ["ganzhou-demo", "ganzhou-flood"] {
        let files = stock_bundle(scenario);
        check_files(&files);
        for (s, name, want) in BEFORE.iter().filter(|b| b.0 == scenario) {
            let (_, bytes) = files
                .iter()
                .find(|f| f.0 == *name)
                .unwrap_or_else(|| panic!("{s}: no {name}"));
            // It parses, and as the same document as before, byte for byte.
            let v: serde_json::Value = serde_json::from_slice(bytes).expect("parses");
            assert_eq!(v["type"], "FeatureCollection", "{s} {name}");
            assert_eq!(sha256(bytes), *want, "{s} {name} changed");
        }
    }
}

#[test]
fn the_bundle_is_the_same_on_one_thread_and_on_four() {
    let (run, summary) = demo_run();
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool")
            .install(|| bundle::run(run, summary, &[], qilian_i18n::Lang::ZhCn).expect("renders"))
    };
    let (one, four) = (on(1), on(4));
    let names = |f: &bundle::Files| f.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&one), names(&four));
    for (a, b) in one.iter().zip(&four) {
        assert!(a.1 == b.1, "{} differs between 1 and 4 threads", a.0);
    }
}

/// The demo region with `n` zones spread over its nodes (and nothing else
/// changed).
fn with_zones(n: u32) -> Scenario {
    let mut s = (*demo()).clone();
    let region = Arc::make_mut(&mut s.region);
    let template: Zone = region.zones[0].clone();
    let nodes: Vec<NodeId> = region.nodes.iter().map(|n| n.id).collect();
    region.zones = (0..n)
        .map(|k| Zone {
            id: ZoneId(k + 1),
            name: format!("z{k}"),
            population: 10 + k % 500,
            node: nodes[k as usize * 7919 % nodes.len()],
            ..template.clone()
        })
        .collect();
    s
}

#[test]
fn a_map_of_fifty_thousand_zones_draws_squares_and_does_not_grow_with_them() {
    let small = with_zones(100);
    let (many, more) = (with_zones(50_000), with_zones(100_000));
    let state = |s: &Scenario| {
        maps::state_map("m", s, &[], 0.0, "start", &[])
            .expect("draws")
            .svg
    };
    let risk = |s: &Scenario| {
        let risks: Vec<ZoneRisk> = s
            .region
            .zones
            .iter()
            .map(|z| ZoneRisk {
                zone: z.id,
                p: f64::from(z.id.0 % 4) / 4.0,
                runs: 10,
            })
            .collect();
        maps::risk_map("r", s, &risks, "P(power out beyond 72 h)")
            .expect("draws")
            .svg
    };
    for (what, draw) in [
        ("state map", &state as &dyn Fn(&Scenario) -> String),
        ("risk map", &risk),
    ] {
        let (a, b, c) = (draw(&small), draw(&many), draw(&more));
        // 100 zones: one marker each, no note.
        assert!(a.matches("<circle").count() >= 100, "{what}");
        assert!(
            !texts(&a).iter().any(|t| t.contains("px squares")),
            "{what}"
        );
        // 50,000 zones: squares, the legend says so, few circles (legend dots).
        assert!(b.matches("<circle").count() < 20, "{what}");
        assert!(
            texts(&b).iter().any(|t| t == "50000 zones in 8 px squares"),
            "{what}: {:?}",
            texts(&b)
        );
        // The same nodes hold the zones either way: twice the zones, the
        // same squares, so the same size but for the count in the legend.
        assert!(
            b.len().abs_diff(c.len()) < 2_000,
            "{what}: {} vs {}",
            b.len(),
            c.len()
        );
        assert!(b.len() < 1_000_000, "{what}: {} bytes", b.len());
    }
}

/// A grid of `side` × `side` nodes 100 m apart with links both ways between
/// neighbours (edges cloned from the demo's first), the demo's zones
/// dropped.
fn grid(side: u32) -> Scenario {
    let mut s = (*demo()).clone();
    let region = Arc::make_mut(&mut s.region);
    let (node, edge) = (region.nodes[0].clone(), region.edges[0].clone());
    let id = |r: u32, c: u32| NodeId(r * side + c + 1);
    region.nodes = (0..side * side)
        .map(|k| qilian_engine::scenario::Node {
            id: NodeId(k + 1),
            x: f64::from(k % side) * 100.0,
            y: f64::from(k / side) * 100.0,
            ..node.clone()
        })
        .collect();
    let mut edges: Vec<Edge> = Vec::new();
    for r in 0..side {
        for c in 0..side {
            let mut link = |to: NodeId| {
                for (a, b) in [(id(r, c), to), (to, id(r, c))] {
                    edges.push(Edge {
                        id: EdgeId(edges.len() as u32 + 1),
                        from: a,
                        to: b,
                        main_road: false,
                        ..edge.clone()
                    });
                }
            };
            if c + 1 < side {
                link(id(r, c + 1));
            }
            if r + 1 < side {
                link(id(r + 1, c));
            }
        }
    }
    region.edges = edges;
    region.zones.clear();
    region.facilities.clear();
    s
}

#[test]
fn a_large_grid_draws_each_straight_road_as_one_line() {
    // 100 × 100 nodes: 19,800 road segments, over the line-by-line bound.
    let s = grid(100);
    let svg = maps::footprint_map("g", &s, &maps::HazardLayer::flood_depth(empty()), "grid")
        .expect("draws")
        .svg;
    let lines = svg.matches("<polyline").count();
    // 100 rows and 100 columns, plus the furniture and legend.
    assert!((200..260).contains(&lines), "{lines} lines");
    assert!(svg.len() < 200_000, "{} bytes", svg.len());
    // A small grid (under the bound) keeps one line per segment.
    let small = maps::footprint_map(
        "g",
        &grid(20),
        &maps::HazardLayer::flood_depth(empty()),
        "grid",
    )
    .expect("draws")
    .svg;
    assert!(
        small.matches("<polyline").count() >= 2 * 20 * 19,
        "small grid"
    );
}

fn empty() -> maps::HazardGrid {
    maps::HazardGrid {
        xll: 0.0,
        yll: 0.0,
        cell_m: 1.0,
        ncols: 0,
        nrows: 0,
        values: Vec::new(),
    }
}
