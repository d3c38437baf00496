//! The stock hazard scenarios end to end: each runs, shows damage, closures,
//! repairs and its targets, and is the same for any thread count.

use super::{qilian, repo, scratch, text};

const STOCK: [(&str, &str, &str); 5] = [
    (
        "scenarios/ganzhou-flood.ron",
        "1 flood",
        "map-hazard-1-flood",
    ),
    (
        "scenarios/ganzhou-earthquake.ron",
        "1 earthquake",
        "map-hazard-1-shaking",
    ),
    ("scenarios/ganzhou-fire.ron", "1 fire", "map-hazard-1-fire"),
    (
        "scenarios/ganzhou-chemical.ron",
        "1 chemical leak",
        "map-hazard-1-plume",
    ),
    (
        "scenarios/ganzhou-earthquake-uncertain.ron",
        "1 earthquake",
        "map-hazard-1-shaking",
    ),
];

fn journal(dir: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn stock_hazard_scenarios_run_and_show_their_effects() {
    let dir = scratch("hazards");
    for (file, key, map) in STOCK {
        let o = qilian(&dir, &["validate", &repo(file)]);
        assert!(o.status.success(), "{file}: {}", text(&o).1);
        let out = dir.join(key.replace(' ', "-"));
        let o = qilian(&dir, &["run", &repo(file), "--out", out.to_str().unwrap()]);
        let (stdout, err) = text(&o);
        assert!(o.status.success(), "{file}: {err}");
        for target in ["cleanup", "power", "water", "telecom", "main_roads"] {
            assert!(stdout.contains(target), "{file}: {stdout}");
        }
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        let kpis = &summary["kpis"]["hazards"][key];
        assert!(kpis.is_object(), "{file}: no hazard KPIs in {summary}");
        let events = journal(&out);
        let kinds = |k: &str| events.iter().filter(|e| e["kind"] == k).count();
        assert_eq!(kinds("HazardStarted"), 1, "{file}");
        let damage = kinds("FacilityDamaged")
            + kinds("EdgeClosed")
            + kinds("EdgeDamaged")
            + kinds("ZoneContaminated");
        assert!(damage > 0, "{file}: no damage");
        assert!(kinds("TaskFinished") > 0, "{file}: nothing repaired");
        assert!(summary["onset_h"].is_number(), "{file}: nothing disrupted");
        // The hazard's footprint map, in the report and as GeoJSON.
        for ext in ["svg", "png"] {
            let bytes = std::fs::read(out.join(format!("{map}.{ext}"))).unwrap();
            assert!(bytes.len() > 1000, "{file}: {map}.{ext}");
        }
        let report = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(report.contains(&format!("<figure id=\"{map}\">")), "{file}");
        let geo: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("hazards.geojson")).unwrap()).unwrap();
        assert!(!geo["features"].as_array().unwrap().is_empty(), "{file}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn each_hazard_does_its_own_kind_of_damage() {
    let dir = scratch("hazard-kinds");
    let run = |file: &str, name: &str| {
        let out = dir.join(name);
        let o = qilian(&dir, &["run", &repo(file), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{file}: {}", text(&o).1);
        let s: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        (s, journal(&out))
    };
    let reason = |events: &[serde_json::Value], r: &str| {
        events
            .iter()
            .any(|e| e["kind"] == "EdgeClosed" && e["reason"] == r)
    };
    let (s, events) = run("scenarios/ganzhou-flood.ron", "flood");
    assert!(reason(&events, "flooded") && reason(&events, "flood mud and debris"));
    assert!(
        s["kpis"]["hazards"]["1 flood"]["zones_flooded"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let (s, events) = run("scenarios/ganzhou-earthquake.ron", "quake");
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "FacilityDamaged" && e["t_s"] == 1800)
    );
    assert!(
        s["kpis"]["hazards"]["1 earthquake"]["max_pga_g"]
            .as_f64()
            .unwrap()
            > 0.05
    );
    // The river-side links the stock region marks as liquefiable (27 links).
    assert_eq!(
        s["kpis"]["hazards"]["1 earthquake"]["ground_failure"]["sites"],
        27
    );
    let (s, events) = run("scenarios/ganzhou-fire.ron", "fire");
    assert!(reason(&events, "forest fire"));
    assert!(
        s["kpis"]["hazards"]["1 fire"]["burnt_area_ha"]
            .as_f64()
            .unwrap()
            > 1000.0
    );
    let (s, events) = run("scenarios/ganzhou-chemical.ron", "chem");
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "HazardEnded" && e["why"] == "release stopped by a crew")
    );
    assert!(
        s["kpis"]["hazards"]["1 chemical leak"]["zones_aegl2"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn hazard_runs_are_byte_identical_for_any_thread_count() {
    let dir = scratch("hazard-threads");
    for (file, _, _) in [STOCK[0], STOCK[2]] {
        for n in ["1", "2"] {
            let o = qilian(&dir, &["run", &repo(file), "--threads", n, "--out", n]);
            assert!(o.status.success(), "{}", text(&o).1);
        }
        for f in ["summary.json", "journal.jsonl", "timeseries.csv"] {
            let a = std::fs::read(dir.join("1").join(f)).unwrap();
            let b = std::fs::read(dir.join("2").join(f)).unwrap();
            assert!(a == b, "{file}: {f} differs between --threads 1 and 2");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dambreak_runs_the_flood_solver() {
    let dir = scratch("dambreak");
    std::fs::write(
        dir.join("d.csv"),
        "h_left_m,h_right_m,x0_m,x_m,t_s\n1,0,2,1.111111111111,1\n1,0,2,-3,1\n",
    )
    .unwrap();
    let o = qilian(&dir, &["model", "dambreak", "--input", "d.csv"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let rows: Vec<Vec<f64>> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    // Ritter: 0.5795 m in the fan; undisturbed 1 m upstream of it.
    assert!((rows[0][5] - 0.5795271310).abs() < 0.03, "{out}");
    assert!((rows[1][5] - 1.0).abs() < 1e-9, "{out}");
    std::fs::write(
        dir.join("bad.csv"),
        "h_left_m,h_right_m,x0_m,x_m,t_s\n1,0,2,1,-1\n",
    )
    .unwrap();
    let o = qilian(&dir, &["model", "dambreak", "--input", "bad.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("row 2"), "{}", text(&o).1);
    let _ = std::fs::remove_dir_all(dir);
}
