//! The Zhangye scenario library (`scenarios/zhangye/`): every scenario
//! validates, runs its 7 days and shows damage, closures and repairs; each
//! baseline plan meets the regional plan's figures on the region (and fails
//! the crew checks: it has no rescue or medical crews); the region
//! sits where Zhangye is.

use super::{qilian, repo, scratch, text};
use serde_json::Value;

/// (scenario, hazard KPI keys).
const LIBRARY: [(&str, &[&str]); 5] = [
    ("scenarios/zhangye/zhangye-flood.ron", &["1 flood"]),
    (
        "scenarios/zhangye/zhangye-earthquake.ron",
        &["1 earthquake"],
    ),
    ("scenarios/zhangye/zhangye-fire.ron", &["1 fire"]),
    (
        "scenarios/zhangye/zhangye-chemical.ron",
        &["1 chemical leak"],
    ),
    (
        "scenarios/zhangye/zhangye-cascade.ron",
        &["1 earthquake", "2 chemical leak"],
    ),
];
const REGION: &str = "scenarios/zhangye/region/zhangye.ron";

fn journal(dir: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Run one library scenario into `dir/name`: its summary and journal.
fn run(dir: &std::path::Path, file: &str) -> (Value, Vec<Value>) {
    let out = dir.join(file.rsplit('/').next().unwrap().trim_end_matches(".ron"));
    let o = qilian(dir, &["run", &repo(file), "--out", out.to_str().unwrap()]);
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{file}: {err}");
    for target in ["cleanup", "power", "water", "telecom", "main_roads"] {
        assert!(stdout.contains(target), "{file}: {stdout}");
    }
    (json(&out.join("summary.json")), journal(&out))
}

#[test]
fn every_zhangye_scenario_validates_runs_and_shows_damage_and_repairs() {
    let dir = scratch("zhangye");
    for (file, keys) in LIBRARY {
        let o = qilian(&dir, &["validate", &repo(file)]);
        assert!(o.status.success(), "{file}: {}", text(&o).1);
        let (summary, events) = run(&dir, file);
        assert!(summary["horizon_h"].as_f64().unwrap_or(168.0) >= 120.0);
        for key in keys {
            assert!(
                summary["kpis"]["hazards"][key].is_object(),
                "{file}: no {key} KPIs in {}",
                summary["kpis"]
            );
        }
        let kinds = |k: &str| events.iter().filter(|e| e["kind"] == k).count();
        assert_eq!(kinds("HazardStarted"), keys.len(), "{file}");
        let damage = kinds("FacilityDamaged")
            + kinds("EdgeClosed")
            + kinds("EdgeDamaged")
            + kinds("ZoneContaminated");
        assert!(damage > 0, "{file}: no damage");
        assert!(kinds("TaskFinished") > 0, "{file}: nothing repaired");
        assert!(kinds("ZoneWarned") > 0, "{file}: nobody warned");
        assert!(summary["onset_h"].is_number(), "{file}: nothing disrupted");
        // The run ends with its evacuees accounted for.
        let evac = &summary["kpis"]["evacuation"];
        assert_eq!(evac["en_route"], 0, "{file}: {evac}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn each_zhangye_hazard_does_its_own_kind_of_damage() {
    let dir = scratch("zhangye-kinds");
    let closed = |events: &[Value], reason: &str| {
        events
            .iter()
            .any(|e| e["kind"] == "EdgeClosed" && e["reason"] == reason)
    };
    let (s, events) = run(&dir, LIBRARY[0].0);
    let flood = &s["kpis"]["hazards"]["1 flood"];
    assert!(flood["zones_flooded"].as_u64().unwrap() >= 1, "{flood}");
    assert!(
        flood["road_links_flooded"].as_u64().unwrap() >= 10,
        "{flood}"
    );
    assert!(closed(&events, "flooded"));

    let (s, events) = run(&dir, LIBRARY[1].0);
    let quake = &s["kpis"]["hazards"]["1 earthquake"];
    assert!(quake["max_pga_g"].as_f64().unwrap() > 0.1, "{quake}");
    // Shaking damage at the origin time (0.5 h), before the scripted aftershock.
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "FacilityDamaged" && e["t_s"] == 1800)
    );
    assert!(closed(&events, "G227: rockfall south of Minle"));

    let (s, events) = run(&dir, LIBRARY[2].0);
    let fire = &s["kpis"]["hazards"]["1 fire"];
    assert!(fire["burnt_area_ha"].as_f64().unwrap() > 1000.0, "{fire}");
    assert!(fire["fire_lines"].as_u64().unwrap() >= 1, "{fire}");
    assert!(closed(&events, "forest fire"));

    let (s, events) = run(&dir, LIBRARY[3].0);
    let chem = &s["kpis"]["hazards"]["1 chemical leak"];
    assert!(chem["zones_aegl2"].as_u64().unwrap() >= 1, "{chem}");
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "HazardEnded" && e["why"] == "release stopped by a crew")
    );

    // The cascade: shaking, then landslide closures, then a leak reaching
    // the city; the landslides are cleared by road crews.
    let (s, events) = run(&dir, LIBRARY[4].0);
    let hz = &s["kpis"]["hazards"];
    assert!(
        hz["1 earthquake"]["max_pga_g"].as_f64().unwrap() > 0.3,
        "{hz}"
    );
    assert!(
        hz["2 chemical leak"]["zones_aegl2"].as_u64().unwrap() >= 1,
        "{hz}"
    );
    for (edge, reason) in [
        (703, "G227: landslide south of Minle"),
        (845, "Minle–Mati road: landslide"),
        (1329, "Kangle road: landslide"),
    ] {
        assert!(closed(&events, reason), "{reason}");
        assert!(
            events
                .iter()
                .any(|e| e["kind"] == "EdgeOpened" && e["edge"] == edge),
            "landslide on link {edge} never cleared"
        );
    }
    let started: Vec<i64> = events
        .iter()
        .filter(|e| e["kind"] == "HazardStarted")
        .map(|e| e["t_s"].as_i64().unwrap())
        .collect();
    assert_eq!(
        started,
        [1800, 3600],
        "the quake comes first, then the leak"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn each_zhangye_baseline_plan_meets_the_regional_plan_figures() {
    let dir = scratch("zhangye-audit");
    for hazard in ["flood", "earthquake", "fire", "chemical", "cascade"] {
        let plan = repo(&format!("scenarios/zhangye/plans/zhangye-{hazard}.ron"));
        let o = qilian(&dir, &["audit", &plan, "--region", &repo(REGION), "--json"]);
        // The regional plan's eight figures are met, and the rescue crews
        // (the plan's own and the provincial team); the medical crew check
        // is not (no medical crews in these plans): exit 3.
        assert_eq!(o.status.code(), Some(3), "{hazard}: {}", text(&o).1);
        let checks: Value = serde_json::from_slice(&o.stdout).unwrap();
        let checks = checks.as_array().unwrap();
        assert_eq!(checks.len(), 11, "{hazard}");
        for c in &checks[..9] {
            assert_eq!(c["passed"], true, "{hazard}: {c}");
        }
        assert_eq!(checks[8]["name"], "rescue crews for the population");
        let medical = &checks[9];
        assert_eq!(medical["passed"], false, "{hazard}: {medical}");
        assert!(
            medical["add"].as_str().unwrap().starts_with("add 12 "),
            "{medical}"
        );
        let shelter = checks
            .iter()
            .find(|c| c["name"] == "shelter places")
            .unwrap();
        assert_eq!(
            shelter["detail"], "52000 places for 50000 displaced people",
            "{hazard}"
        );
        // And the human-readable report prints every check.
        let o = qilian(&dir, &["audit", &plan, "--region", &repo(REGION)]);
        assert_eq!(o.status.code(), Some(3));
        assert!(
            text(&o).0.contains("rescue service stations"),
            "{}",
            text(&o).0
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_zhangye_region_sits_where_zhangye_is() {
    let dir = scratch("zhangye-geo");
    let out = dir.join("out");
    let o = qilian(
        &dir,
        &["run", &repo(LIBRARY[3].0), "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o).1);
    let zones = json(&out.join("zones.geojson"));
    assert!(
        zones["qilian"]["crs"]
            .as_str()
            .unwrap()
            .starts_with("WGS84"),
        "{}",
        zones["qilian"]
    );
    let features = zones["features"].as_array().unwrap();
    assert_eq!(features.len(), 38);
    let mut people = 0u64;
    let mut seats = Vec::new();
    for f in features {
        let p = &f["properties"];
        people += p["population"].as_u64().unwrap();
        let name = p["name"].as_str().unwrap().to_string();
        // Every coordinate of every zone lies in Zhangye prefecture's box.
        let mut coords = vec![&f["geometry"]["coordinates"]];
        while let Some(c) = coords.pop() {
            match c.as_array() {
                Some(a) if a.len() == 2 && a[0].is_number() => {
                    let (lon, lat) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
                    assert!(
                        (99.3..101.5).contains(&lon) && (38.0..39.8).contains(&lat),
                        "{name}: {lon}, {lat}"
                    );
                }
                Some(a) => coords.extend(a.iter()),
                None => panic!("{name}: bad coordinates {c}"),
            }
        }
        seats.push(name);
    }
    // The 2020 census order of magnitude: about 1.13 million people.
    assert_eq!(people, 1_131_000);
    for town in ["Linze", "Gaotai", "Shandan", "Minle", "Sunan"] {
        assert!(
            seats
                .iter()
                .any(|s| s.ends_with(&format!(" {town} county town"))),
            "{town} missing"
        );
    }
    // Chinese first, the pinyin beside it.
    assert!(
        seats
            .iter()
            .any(|s| s.starts_with("甘州") && s.contains(" Ganzhou "))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn zhangye_runs_are_byte_identical_for_any_thread_count() {
    let dir = scratch("zhangye-threads");
    let file = LIBRARY[0].0;
    for n in ["1", "2"] {
        let o = qilian(&dir, &["run", &repo(file), "--threads", n, "--out", n]);
        assert!(o.status.success(), "{}", text(&o).1);
    }
    for f in [
        "summary.json",
        "journal.jsonl",
        "timeseries.csv",
        "zones.geojson",
    ] {
        let a = std::fs::read(dir.join("1").join(f)).unwrap();
        let b = std::fs::read(dir.join("2").join(f)).unwrap();
        assert!(a == b, "{file}: {f} differs between --threads 1 and 2");
    }
    let _ = std::fs::remove_dir_all(dir);
}
