//! Hazard footprints of real runs: each stock hazard scenario, run with its
//! footprints recorded, gives a footprint map (valid PNG and SVG with a scale
//! bar and a legend naming the quantity, its unit and its classes), key-hour
//! maps drawn over it, `hazards.geojson` and zone properties, and a report
//! that shows the footprint map.

use super::{check_files, has_text, svg, texts};
use qilian_engine::Scenario;
use qilian_evaluator::summarize;
use qilian_models::hazard::footprint::run_with_footprints;
use qilian_viewer::bundle;
use std::path::Path;
use std::sync::Arc;

fn stock(name: &str) -> Arc<Scenario> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../scenarios/{name}.ron"));
    Arc::new(qilian_engine::load(&path).expect("stock scenario loads"))
}

/// (scenario, footprint map file stem, legend texts the map must show, a
/// class whose colour must be drawn).
const CASES: [(&str, &str, &[&str], &str); 4] = [
    (
        "ganzhou-flood",
        "map-hazard-1-flood",
        &["hazard 1: flood, max depth (m)", "0.5–1 m", "≥ 2 m"],
        "0.05–0.5 m",
    ),
    (
        "ganzhou-fire",
        "map-hazard-1-fire",
        &[
            "hazard 1: fire, arrival (h)",
            "12–24 h",
            "120–168 h",
            "perimeter at 168.0 h",
        ],
        "≤ 12 h",
    ),
    (
        "ganzhou-chemical",
        "map-hazard-1-plume",
        &[
            "hazard 1: chlorine, AEGL zones (ppm)",
            "AEGL-1 (≥ 0.5 ppm)",
            "AEGL-2 (≥ 2 ppm)",
            "AEGL-3 (≥ 20 ppm)",
        ],
        "AEGL-2 (≥ 2 ppm)",
    ),
    (
        "ganzhou-earthquake",
        "map-hazard-1-shaking",
        &["hazard 1: shaking, PGA (g)", "0.1–0.2 g", "≥ 0.4 g"],
        "0.05–0.1 g",
    ),
];

#[test]
fn stock_hazard_runs_draw_their_footprints() {
    for (name, stem, legend, drawn) in CASES {
        let (run, footprints) = run_with_footprints(qilian_models::standard_sim(stock(name), 0));
        assert_eq!(footprints.len(), 1, "{name}");
        let summary = summarize(&run);
        let files =
            bundle::run(&run, &summary, &footprints, qilian_i18n::Lang::En).expect("renders");
        let svgs = check_files(&files);
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        for ext in ["svg", "png"] {
            let f = format!("{stem}.{ext}");
            assert!(names.contains(&f.as_str()), "{name}: no {f} in {names:?}");
        }
        let map = svg(&svgs, &format!("{stem}.svg"));
        for label in legend {
            has_text(map, label, name);
        }
        // A scale bar: a round length in m or km.
        assert!(
            texts(map).iter().any(|t| t.ends_with(" km")
                || t.ends_with(" m") && t[..t.len() - 2].parse::<f64>().is_ok()),
            "{name}: no scale bar in {:?}",
            texts(map)
        );
        // The class's swatch colour appears at least twice: legend and map.
        let footprint = &footprints[0];
        let layer = qilian_viewer::maps::HazardLayer::of_footprint(footprint);
        let k = layer.classes.iter().position(|c| c.label == drawn).unwrap();
        let [r, g, b] = layer.classes[k].rgb;
        let hex = format!("#{r:02X}{g:02X}{b:02X}");
        assert!(
            map.matches(&hex).count() >= 2,
            "{name}: class {drawn} ({hex}) is not drawn on the map"
        );
        // The key-hour maps are drawn over the footprint too.
        has_text(svg(&svgs, "map-end.svg"), legend[0], name);

        let report = files
            .iter()
            .find(|f| f.0 == "report.html")
            .map(|f| String::from_utf8(f.1.clone()).unwrap())
            .unwrap();
        assert!(report.contains("Hazard footprints"), "{name}");
        assert!(
            report.contains(&format!("<figure id=\"{stem}\">")),
            "{name}"
        );
        assert!(
            report.contains(&qilian_viewer::report::esc(legend[0])),
            "{name}"
        );

        let geo = |file: &str| -> serde_json::Value {
            let bytes = &files.iter().find(|f| f.0 == file).unwrap().1;
            serde_json::from_slice(bytes).unwrap()
        };
        let hazards = geo("hazards.geojson");
        let classes: Vec<&str> = hazards["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert_eq!(f["geometry"]["type"], "MultiPolygon");
                assert_eq!(f["properties"]["hazard"], 1);
                f["properties"]["class"].as_str().unwrap()
            })
            .collect();
        assert!(classes.contains(&drawn), "{name}: {classes:?}");
        // Every zone says the hazard's value and class at its node, and at
        // least one zone was reached.
        let zones = geo("zones.geojson");
        let reached = zones["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|z| {
                let p = &z["properties"];
                assert!(p.get("hazard_1_class").is_some(), "{name}");
                !p["hazard_1_class"].is_null()
            })
            .count();
        // As many as the model says: the stock fire's crews now hold it
        // off every zone node (`zones_reached` 0), the other hazards reach some.
        let model_reached = summary.kpis["hazards"]
            .as_object()
            .and_then(|h| h.values().find_map(|v| v.get("zones_reached")))
            .and_then(serde_json::Value::as_u64);
        match model_reached {
            Some(0) => assert_eq!(reached, 0, "{name}: zones inside the footprint"),
            _ => assert!(reached > 0, "{name}: no zone inside the footprint"),
        }
    }
}
