//! Integration tests of the viewer: the files each bundle produces, that every
//! PNG decodes and every SVG is well-formed XML, that SVGs carry their target
//! labels and legend text, determinism, graceful degradation when columns or
//! layers are missing, and a golden small map.

mod events;
mod footprints;
mod gantt;
mod golden;
mod scale;

use qilian_engine::{RunResult, Scenario, Series, SimTime};
use qilian_evaluator::stress::{self, StressMeta};
use qilian_evaluator::{Summary, summarize};
use qilian_viewer::bundle;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The stock demo scenario, loaded once.
pub fn demo() -> Arc<Scenario> {
    static S: OnceLock<Arc<Scenario>> = OnceLock::new();
    S.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/ganzhou-demo.ron");
        Arc::new(qilian_engine::load(&path).expect("demo scenario loads"))
    })
    .clone()
}

/// Replicate 0 of the demo and its summary, run once.
pub fn demo_run() -> &'static (RunResult, Summary) {
    static R: OnceLock<(RunResult, Summary)> = OnceLock::new();
    R.get_or_init(|| {
        let run = qilian_models::standard_sim(demo(), 0).run();
        let summary = summarize(&run);
        (run, summary)
    })
}

/// Check every file by its extension; return the SVGs by name.
pub fn check_files(files: &bundle::Files) -> Vec<(String, String)> {
    let mut svgs = Vec::new();
    let mut names: Vec<&String> = files.iter().map(|f| &f.0).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate file names");
    for (name, bytes) in files {
        if name.ends_with(".png") {
            assert!(
                bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
                "{name}: no PNG signature"
            );
            let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
                .unwrap_or_else(|e| panic!("{name}: does not decode: {e}"));
            // A Gantt chart of one crew is 126 px tall (110 + 16 per crew).
            assert!(
                img.width() >= 400 && img.height() >= 120,
                "{name}: {}x{}",
                img.width(),
                img.height()
            );
            // Something was drawn: not every pixel is the background.
            let rgb = img.to_rgb8();
            assert!(
                rgb.pixels().any(|p| p.0 != [255, 255, 255]),
                "{name}: blank"
            );
        } else if name.ends_with(".svg") {
            let text = String::from_utf8(bytes.clone()).expect("SVG is UTF-8");
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{name}: not well-formed XML: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
            svgs.push((name.clone(), text));
        } else if name.ends_with(".geojson") {
            let v: serde_json::Value = serde_json::from_slice(bytes).expect("GeoJSON parses");
            assert_eq!(v["type"], "FeatureCollection", "{name}");
            assert!(!v["features"].as_array().unwrap().is_empty(), "{name}");
        } else if name.ends_with(".html") {
            let html = std::str::from_utf8(bytes).expect("HTML is UTF-8");
            assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
            assert!(html.trim_end().ends_with("</html>"), "{name}");
            for banned in ["<link", " src=", "<img", "@import", "<script "] {
                assert!(!html.contains(banned), "{name} contains {banned}");
            }
            // At most the timeline filter's own inline script; fonts only
            // as data URIs.
            assert!(html.matches("<script>").count() <= 1, "{name}: scripts");
            assert_eq!(
                html.matches("url(").count(),
                html.matches("url(data:").count(),
                "{name}: a url( that is not a data URI"
            );
        } else if name.ends_with(".csv") {
            let text = std::str::from_utf8(bytes).expect("CSV is UTF-8");
            let mut lines = text.lines();
            let width = lines.next().expect("header").split(',').count();
            for l in lines {
                assert_eq!(l.split(',').count(), width, "{name}: {l}");
            }
        }
    }
    svgs
}

/// The trimmed text of every `<text>` element of an SVG.
pub fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("SVG parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Assert that an SVG has a `<text>` element reading exactly `want`.
#[track_caller]
pub fn has_text(svg: &str, want: &str, what: &str) {
    let t = texts(svg);
    assert!(
        t.iter().any(|x| x == want),
        "{what} lacks the text {want:?}; it has {t:?}"
    );
}

fn svg<'a>(svgs: &'a [(String, String)], name: &str) -> &'a str {
    &svgs
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .1
}

#[test]
fn a_run_gives_valid_charts_maps_report_geojson_and_csv() {
    let (run, summary) = demo_run();
    let files = bundle::run(run, summary, &[], qilian_i18n::Lang::En).expect("renders");
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    for want in [
        "chart-restoration.svg",
        "chart-restoration.png",
        "chart-gantt.svg",
        "chart-gantt.png",
        "map-onset.svg",
        "map-onset-24h.png",
        "map-onset-72h.svg",
        "map-end.png",
        "report.html",
        "zones.geojson",
        "zone-areas.geojson",
        "roads.geojson",
        "facilities.geojson",
        "zones.csv",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    // The demo warns two districts: its evacuation chart is there.
    assert!(names.contains(&"chart-evacuation.svg"), "{names:?}");
    let svgs = check_files(&files);
    let r = svg(&svgs, "chart-restoration.svg");
    for label in [
        "power 72 h",
        "water 72 h",
        "telecom 72 h",
        "main roads 120 h",
    ] {
        has_text(r, label, "restoration chart");
    }
    for legend in ["power", "water", "telecom", "main roads"] {
        has_text(r, legend, "restoration legend");
    }
    let g = svg(&svgs, "chart-gantt.svg");
    for legend in ["travel to task", "work on site", "return to depot"] {
        has_text(g, legend, "gantt legend");
    }
    for m in [
        "map-onset.svg",
        "map-onset-24h.svg",
        "map-onset-72h.svg",
        "map-end.svg",
    ] {
        let m = svg(&svgs, m);
        for legend in [
            "Legend",
            "open",
            "damaged",
            "closed",
            "working",
            "all services",
            "3 services out",
        ] {
            has_text(m, legend, "map legend");
        }
        assert!(
            texts(m)
                .iter()
                .any(|t| t.ends_with(" km") || t.ends_with(" m")),
            "map has no scale bar label"
        );
    }
    // The onset map shows the damage of hour 1: a closed road is drawn red.
    assert!(svg(&svgs, "map-onset.svg").contains("#D55E00"));
    let html = String::from_utf8(
        files
            .iter()
            .find(|f| f.0 == "report.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    for want in [
        "After-action report",
        "Targets",
        "Timeline</h2>",
        "KPIs",
        "power 72 h",
        "G312 Heihe bridge",
    ] {
        assert!(html.contains(want), "report lacks {want}");
    }
    // Life safety opens the report, before the targets.
    let life = html
        .find("Life safety</h2>")
        .expect("a life-safety section");
    assert!(life < html.find("Targets</h2>").unwrap());
    assert!(html.contains(" deaths and "), "casualty sentence");
    assert!(html.contains("Evacuation: 16,950 people in 5,650 vehicles"));
    assert_eq!(
        html.matches("<svg").count(),
        3 + 4,
        "3 charts (restoration, evacuation, Gantt) and 4 maps inline"
    );
    let zones: serde_json::Value =
        serde_json::from_slice(&files.iter().find(|f| f.0 == "zones.geojson").unwrap().1).unwrap();
    assert!(
        zones["qilian"]["crs"]
            .as_str()
            .unwrap()
            .starts_with("WGS84")
    );
    let lonlat = &zones["features"][0]["geometry"]["coordinates"];
    let (lon, lat) = (lonlat[0].as_f64().unwrap(), lonlat[1].as_f64().unwrap());
    assert!(
        (100.3..100.6).contains(&lon) && (38.8..39.1).contains(&lat),
        "{lon} {lat}"
    );
    assert!(zones["qilian"]["kpis"].is_object());
}

/// `zone-areas.geojson`: one Polygon per zone with the point's properties;
/// in WGS84 (an affine image of the region's metres, so areas keep their
/// ratios) the cells of distinct nodes add up to the hull of the region's
/// nodes, and each holds its zone's point.
#[test]
fn zone_areas_tile_the_region_and_hold_their_zone() {
    use qilian_viewer::geojson::to_wgs84;
    use qilian_viewer::voronoi::{area, contains, convex_hull};
    let (run, summary) = demo_run();
    let files = bundle::run(run, summary, &[], qilian_i18n::Lang::En).expect("renders");
    let get = |n: &str| -> serde_json::Value {
        serde_json::from_slice(&files.iter().find(|f| f.0 == n).unwrap().1).unwrap()
    };
    let (points, areas) = (get("zones.geojson"), get("zone-areas.geojson"));
    let (pf, af) = (
        points["features"].as_array().unwrap(),
        areas["features"].as_array().unwrap(),
    );
    assert_eq!(pf.len(), run.scenario.region.zones.len());
    assert_eq!(af.len(), pf.len());
    let xy = |v: &serde_json::Value| (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
    let mut seen = std::collections::BTreeSet::new();
    let mut total = 0.0;
    for (p, a) in pf.iter().zip(af) {
        assert_eq!(p["properties"], a["properties"]);
        assert_eq!(a["geometry"]["type"], "Polygon");
        let ring: Vec<(f64, f64)> = a["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(xy)
            .collect();
        assert_eq!(ring.first(), ring.last(), "closed ring");
        let ring = &ring[..ring.len() - 1];
        let at = xy(&p["geometry"]["coordinates"]);
        assert!(
            contains(ring, at, 1e-6),
            "zone {} lies outside its area",
            p["properties"]["id"]
        );
        if seen.insert(format!("{at:?}")) {
            total += area(ring);
        }
    }
    let origin = run.scenario.region.origin.unwrap();
    let nodes: Vec<(f64, f64)> = run
        .scenario
        .region
        .nodes
        .iter()
        .map(|n| {
            let [lon, lat] = to_wgs84(origin, n.x, n.y);
            (lon, lat)
        })
        .collect();
    let hull = area(&convex_hull(&nodes));
    assert!(
        (total - hull).abs() <= 1e-4 * hull,
        "areas add up to {total} deg², the hull is {hull} deg²"
    );
}

#[test]
fn rendering_is_deterministic() {
    let (run, summary) = demo_run();
    let a = bundle::run(run, summary, &[], qilian_i18n::Lang::En).unwrap();
    let b = bundle::run(run, summary, &[], qilian_i18n::Lang::En).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(x == y, "{} differs between two renderings", x.0);
    }
}

/// The demo run with the evacuation columns (as the evacuation model writes
/// them) added.
/// The run without its evacuation columns.
fn without_evacuation(run: &RunResult) -> RunResult {
    let keep: Vec<usize> = (0..run.series.columns.len())
        .filter(|&c| !run.series.columns[c].starts_with("evac_"))
        .collect();
    let mut s = Series::default();
    for &c in &keep {
        s.column(&run.series.columns[c]);
    }
    let w = run.series.columns.len();
    for (i, t) in run.series.t.iter().enumerate() {
        let row: Vec<f64> = keep.iter().map(|&c| run.series.values[i * w + c]).collect();
        s.push(SimTime(t.0), &row);
    }
    RunResult {
        series: s,
        ..run.clone()
    }
}

#[test]
fn the_evacuation_curve_appears_only_when_its_columns_exist() {
    let (run, summary) = demo_run();
    let bare = without_evacuation(run);
    let files = bundle::run(&bare, summary, &[], qilian_i18n::Lang::En).unwrap();
    assert!(!files.iter().any(|f| f.0.starts_with("chart-evacuation")));
    let files = bundle::run(run, summary, &[], qilian_i18n::Lang::En).unwrap();
    let svgs = check_files(&files);
    let e = svg(&svgs, "chart-evacuation.svg");
    for legend in ["departed", "sheltered", "exposed", "people"] {
        has_text(e, legend, "evacuation chart");
    }
}

#[test]
fn charts_and_maps_degrade_when_data_is_missing() {
    let (run, summary) = demo_run();
    let bare = RunResult {
        series: Series::default(),
        events: Vec::new(),
        ..run.clone()
    };
    let files =
        bundle::run(&bare, summary, &[], qilian_i18n::Lang::En).expect("renders without data");
    let svgs = check_files(&files);
    has_text(
        svg(&svgs, "chart-restoration.svg"),
        "no data",
        "empty restoration chart",
    );
    assert!(!files.iter().any(|f| f.0.starts_with("chart-gantt")));
}

#[test]
fn a_hazard_grid_draws_under_the_map_with_its_legend() {
    let (run, _) = demo_run();
    let n = 40usize;
    let values: Vec<f64> = (0..n * n)
        .map(|i| {
            let (r, c) = ((i / n) as f64, (i % n) as f64);
            if r + c < 10.0 {
                f64::NAN
            } else {
                (r + c - 10.0) / 20.0
            }
        })
        .collect();
    let grid = qilian_viewer::maps::HazardGrid {
        xll: -3000.0,
        yll: -3000.0,
        cell_m: 150.0,
        ncols: n,
        nrows: n,
        values,
    };
    let layer = qilian_viewer::maps::HazardLayer::flood_depth(grid);
    let f = qilian_viewer::maps::state_map(
        "map-flood",
        &run.scenario,
        &run.events,
        30.0,
        "flood",
        std::slice::from_ref(&layer),
    )
    .unwrap();
    let svgs = check_files(&vec![
        ("map-flood.svg".into(), f.svg.into_bytes()),
        ("map-flood.png".into(), f.png),
    ]);
    let s = svg(&svgs, "map-flood.svg");
    for label in ["flood depth (m)", "0.5–1 m", "≥ 2 m"] {
        has_text(s, label, "hazard legend");
    }
    // The deepest class's colour is drawn.
    assert!(s.contains("#104E8B"));
}

#[test]
fn stress_and_compare_bundles() {
    let scenario = demo();
    let replicates: Vec<u32> = (0..4).collect();
    let rows = stress::run_rows(&scenario, &replicates, &|| {});
    let report = stress::report(StressMeta::of(&scenario, 4), &rows);
    let files = bundle::stress(Some(&scenario), &report, &rows, qilian_i18n::Lang::En).unwrap();
    let svgs = check_files(&files);
    let bars = svg(&svgs, "chart-targets.svg");
    for label in ["power 72 h", "main roads 120 h", "cleanup 48 h"] {
        has_text(bars, label, "target bars");
    }
    assert!(
        texts(bars)
            .iter()
            .any(|t| t.contains("Wilson 95 % interval"))
    );
    let fan = svg(&svgs, "chart-fan.svg");
    for label in ["P10–P90", "median", "power", "main roads"] {
        has_text(fan, label, "fan chart");
    }
    let risk = svg(&svgs, "map-risk-power.svg");
    assert!(texts(risk)[0].starts_with("P(power out beyond 72 h)"));
    for label in ["P(power out beyond 72 h)", "P ≥ 0.5", "P < 0.05", "Legend"] {
        has_text(risk, label, "risk map");
    }
    for want in [
        "report.html",
        "fan.csv",
        "zone-risk.csv",
        "zone-risk.geojson",
    ] {
        assert!(files.iter().any(|f| f.0 == want), "{want} missing");
    }
    let html = std::str::from_utf8(&files.iter().find(|f| f.0 == "report.html").unwrap().1)
        .unwrap()
        .to_string();
    let life = html
        .find("Life safety</h2>")
        .expect("a life-safety section");
    assert!(life < html.find("Chance of meeting each target</h2>").unwrap());
    for want in [
        "deaths",
        "injuries",
        "rescued alive",
        "caught by a hazard",
        "h to shelter 90 %",
        "95 % interval",
        "P90",
    ] {
        assert!(html[life..].contains(want), "life safety lacks {want}");
    }
    // Without the region (a merged run): charts but no maps.
    let merged = bundle::stress(None, &report, &rows, qilian_i18n::Lang::En).unwrap();
    assert!(merged.iter().any(|f| f.0 == "chart-fan.svg"));
    assert!(!merged.iter().any(|f| f.0.starts_with("map-")));

    let c = stress::compare("A", &rows, "B", &rows, &StressMeta::of(&scenario, 4));
    let files = bundle::compare(&c, &rows, &rows, 168.0, "test", qilian_i18n::Lang::En).unwrap();
    let svgs = check_files(&files);
    let cmp = svg(&svgs, "chart-compare.svg");
    for label in ["A: A", "B: B", "power", "main roads"] {
        has_text(cmp, label, "comparison chart");
    }
    assert!(files.iter().any(|f| f.0 == "chart-fan-b.png"));
}
