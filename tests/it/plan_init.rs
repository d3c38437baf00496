//! From a map to a run: `import osm` → `plan init` → `run`, on the Helsinki
//! extract; and a plan whose depot or shelter is not in the region.

use super::{qilian, repo, scratch, text};

const FIXTURE: &str = "osm/tests/data/helsinki.osm.pbf";

/// The README's scenario for an imported city (an M6.5 under its centre,
/// the frame's origin), taken from the README so its example stays true.
fn scenario() -> String {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme
        .find("cat > city/quake.ron <<'EOF'\n")
        .expect("the README shows the scenario")
        + "cat > city/quake.ron <<'EOF'\n".len();
    let len = readme[start..].find("EOF\n").unwrap();
    readme[start..start + len].to_string()
}

#[test]
fn an_imported_city_runs_end_to_end_with_evacuation_and_repairs() {
    let dir = scratch("plan-init-e2e");
    let o = qilian(
        &dir,
        &["import", "osm", &repo(FIXTURE), "--out", "helsinki.ron"],
    );
    assert!(o.status.success(), "{}", text(&o).1);
    let o = qilian(
        &dir,
        &[
            "plan",
            "init",
            "--region",
            "helsinki.ron",
            "--out",
            "plan.ron",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("wrote plan.ron"), "{out}");
    let plan = std::fs::read_to_string(dir.join("plan.ron")).unwrap();
    // Depots at the region's real sites, named.
    assert!(plan.contains("Erottajan paloasema"), "{plan}");
    assert!(plan.contains("fire station, facility"), "{plan}");
    // Every crew line and every number-bearing section is explained.
    for want in ["ASSUMPTION", "people / ", "shelters: [", "rules: ["] {
        assert!(plan.contains(want), "{want} missing from\n{plan}");
    }
    // Without --out the plan is printed, byte for byte the same.
    let o = qilian(&dir, &["plan", "init", "--region", "helsinki.ron"]);
    assert!(o.status.success());
    assert_eq!(text(&o).0, plan);
    // It passes the audit's crew checks for the region.
    let o = qilian(
        &dir,
        &["audit", "plan.ron", "--region", "helsinki.ron", "--json"],
    );
    let checks: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let crew_checks: Vec<&serde_json::Value> = checks
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().unwrap_or("").contains("crews"))
        .collect();
    assert_eq!(crew_checks.len(), 3, "rescue, medical and hazmat: {checks}");
    for c in crew_checks {
        assert_eq!(c["passed"], true, "{c}");
    }

    std::fs::write(dir.join("quake.ron"), scenario()).unwrap();
    let o = qilian(&dir, &["run", "quake.ron", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/summary.json")).unwrap()).unwrap();
    let evac = &summary["kpis"]["evacuation"];
    let sheltered = evac["sheltered"].as_u64().unwrap();
    assert!(sheltered > 0, "nobody reached a shelter: {evac}");
    let journal = std::fs::read_to_string(dir.join("out/journal.jsonl")).unwrap();
    let repaired = journal
        .lines()
        .filter(|l| l.contains("\"kind\":\"FacilityRepaired\""))
        .count();
    assert!(repaired >= 1, "no facility was repaired");
    eprintln!("sheltered {sheltered}, facilities repaired {repaired}, {evac}");
    // The zones also come as areas.
    let areas: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/zone-areas.geojson")).unwrap())
            .unwrap();
    assert_eq!(areas["features"][0]["geometry"]["type"], "Polygon");

    // `import osm --plan` writes the same plan in one step.
    let o = qilian(
        &dir,
        &[
            "import",
            "osm",
            &repo(FIXTURE),
            "--out",
            "again/helsinki.ron",
            "--plan",
            "again/plan.ron",
        ],
    );
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(
        std::fs::read_to_string(dir.join("again/plan.ron")).unwrap(),
        plan
    );
}

#[test]
fn a_depot_or_shelter_off_the_region_is_an_error_never_a_move() {
    let dir = scratch("plan-init-off-region");
    let o = qilian(
        &dir,
        &[
            "import",
            "osm",
            &repo(FIXTURE),
            "--out",
            "helsinki.ron",
            "--plan",
            "plan.ron",
        ],
    );
    assert!(o.status.success(), "{}", text(&o).1);
    let plan = std::fs::read_to_string(dir.join("plan.ron")).unwrap();
    std::fs::write(dir.join("quake.ron"), scenario()).unwrap();
    // Depot 1 moved to a node the region lacks; a shelter id it lacks.
    let start = plan.find("(id: 1, name:").unwrap();
    let node = start + plan[start..].find("node: ").unwrap() + "node: ".len();
    let end = node + plan[node..].find(')').unwrap();
    let mut bad = format!("{}999999{}", &plan[..node], &plan[end..]);
    let shelters = bad.find("shelters: [").unwrap() + "shelters: [".len();
    bad.insert_str(shelters, "888888, ");
    std::fs::write(dir.join("bad.ron"), &bad).unwrap();
    let scenario = scenario().replace("plan.ron", "bad.ron");
    std::fs::write(dir.join("bad-quake.ron"), scenario).unwrap();
    for args in [
        vec!["run", "bad-quake.ron", "--out", "out"],
        vec!["validate", "bad-quake.ron"],
        vec!["audit", "bad.ron", "--region", "helsinki.ron"],
        vec![
            "stress",
            "quake.ron",
            "--plan",
            "bad.ron",
            "--runs",
            "2",
            "--out",
            "s",
        ],
    ] {
        let o = qilian(&dir, &args);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(
                "bad.ron: depot 1 (Erottajan paloasema): node refers to missing node 999999"
            ),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("bad.ron: shelters: refers to missing facility 888888"),
            "{args:?}: {err}"
        );
        assert!(!dir.join("out").exists() && !dir.join("s").exists());
    }
}

#[test]
fn plan_init_rejects_a_bad_region_with_exit_2() {
    let dir = scratch("plan-init-bad");
    std::fs::write(
        dir.join("r.ron"),
        "Region(name: \"r\", nodes: [], edges: [], zones: [], facilities: [])",
    )
    .unwrap();
    let o = qilian(
        &dir,
        &["plan", "init", "--region", "r.ron", "--out", "p.ron"],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("r.ron: region has no nodes"), "{err}");
    assert!(!dir.join("p.ron").exists());
    let o = qilian(&dir, &["plan", "init", "--region", "missing.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("missing.ron"));
}
