//! Trip lists as evacuation demand (docs/scenario-files.md#trip-lists): a
//! scenario whose plan names a CSV of trips runs end to end, the same for
//! any thread count, and a bad row is refused by its row with exit 2.

use super::{qilian, scratch, text};
use std::fmt::Write as _;
use std::path::Path;

/// A 6 × 6 grid of 300 m blocks, two zones, two shelters (node 1, and node
/// 36 holding 20 people), and a plan naming `trips.csv`.
fn world(dir: &Path, trips: &str) {
    let mut region = String::from("Region(name: \"grid\", nodes: [");
    let id = |r: u32, c: u32| r * 6 + c + 1;
    for r in 0..6 {
        for c in 0..6 {
            let _ = write!(
                region,
                "(id: {}, x: {}, y: {}), ",
                id(r, c),
                c * 300,
                r * 300
            );
        }
    }
    region.push_str("], edges: [");
    let mut e = 0;
    for r in 0..6 {
        for c in 0..6 {
            let mut pairs = Vec::new();
            if c < 5 {
                pairs.push((id(r, c), id(r, c + 1)));
            }
            if r < 5 {
                pairs.push((id(r, c), id(r + 1, c)));
            }
            for (a, b) in pairs {
                for (f, t) in [(a, b), (b, a)] {
                    e += 1;
                    let _ = write!(
                        region,
                        "(id: {e}, from: {f}, to: {t}, length_m: 300, speed_kmh: 40, capacity_vph: 600), "
                    );
                }
            }
        }
    }
    region.push_str(
        "], zones: [(id: 1, name: \"west\", population: 0, households: 0, node: 13), \
         (id: 2, name: \"east\", population: 0, households: 0, node: 18)], \
         facilities: [(id: 1, name: \"school\", kind: Shelter, node: 1, capacity: Some(1000)), \
         (id: 2, name: \"hall\", kind: Shelter, node: 36, capacity: Some(20))])",
    );
    std::fs::write(dir.join("region.ron"), region).unwrap();
    std::fs::write(
        dir.join("plan.ron"),
        "Plan(name: \"trips\", depots: [], crews: [], shelters: [1, 2], \
         evacuation: (trips: Some(\"trips.csv\")))",
    )
    .unwrap();
    std::fs::write(
        dir.join("scenario.ron"),
        "Scenario(name: \"trips\", region: \"region.ron\", plan: \"plan.ron\", horizon_h: 3.0, \
         tick_s: 60, seed: 1, targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, \
         telecom_h: 72.0, main_roads_h: 120.0), injects: [])",
    )
    .unwrap();
    std::fs::write(dir.join("trips.csv"), trips).unwrap();
}

fn summary(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_trip_list_runs_end_to_end() {
    let dir = scratch("trips-run");
    // 60 trips from every node in turn, a minute apart, 1–3 people each;
    // every fourth bound to the hall (node 36), which holds 20.
    let mut csv = String::from("vehicle,origin,departure_s,people,destination\n");
    let mut people = 0;
    for v in 0..60u32 {
        let origin = if v % 5 == 0 {
            format!("link:{}", 1 + v)
        } else {
            (1 + v % 36).to_string()
        };
        let dest = if v % 4 == 0 { "36" } else { "nearest" };
        let p = 1 + v % 3;
        people += p;
        let _ = writeln!(csv, "car {v},{origin},{},{p},{dest}", 60 * v);
    }
    world(&dir, &csv);
    for n in ["1", "2"] {
        let o = qilian(&dir, &["run", "scenario.ron", "--threads", n, "--out", n]);
        assert!(o.status.success(), "{}", text(&o).1);
    }
    // Every file, the viewer's too (drawn and written in parallel), is the
    // same on one thread and on two.
    let files = qilian_testkit::file_names(&dir.join("1"));
    assert_eq!(files, qilian_testkit::file_names(&dir.join("2")));
    for f in [
        "summary.json",
        "journal.jsonl",
        "timeseries.csv",
        "report.html",
    ] {
        assert!(files.iter().any(|n| n == f), "{f} missing from {files:?}");
    }
    for f in &files {
        assert!(
            std::fs::read(dir.join("1").join(f)).unwrap()
                == std::fs::read(dir.join("2").join(f)).unwrap(),
            "{f} differs between --threads 1 and 2"
        );
    }
    let s = summary(&dir.join("1/summary.json"));
    let evac = &s["kpis"]["evacuation"];
    assert_eq!(evac["vehicles"], 60, "{evac}");
    assert_eq!(evac["people"], people, "{evac}");
    // Three hours is ample for a 1.5 km grid: all of them arrive, the
    // hall takes no more than its 20 and the rest go to the school.
    assert_eq!(evac["sheltered"], people, "{evac}");
    assert_eq!(evac["shelter_overflow"], 0, "{evac}");
    assert!(evac["retargeted"].as_u64().unwrap() > 0, "{evac}");
    // The last trip leaves at 59 min: everyone is in after it.
    assert!(evac["t100_h"].as_f64().unwrap() > 59.0 / 60.0, "{evac}");
    // The trip list is part of what the run was given.
    std::fs::write(dir.join("trips.csv"), csv.replace("car 0,", "car zero,")).unwrap();
    let o = qilian(&dir, &["run", "scenario.ron", "--out", "3"]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_ne!(
        summary(&dir.join("3/summary.json"))["scenario_sha256"],
        s["scenario_sha256"]
    );
}

#[test]
fn a_bad_trip_row_is_refused_by_its_row_with_exit_2() {
    let dir = scratch("trips-bad");
    world(
        &dir,
        "vehicle,origin,departure_s,people,destination\n\
         a,1,0,1,nearest\n\
         # a comment line still counts as a row\n\
         b,99,0,1,nearest\n\
         c,2,soon,1,nearest\n\
         d,3,0,2,7\n",
    );
    for args in [
        &["run", "scenario.ron", "--out", "out"][..],
        &["validate", "scenario.ron"],
    ] {
        let o = qilian(&dir, args);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains("trips.csv:4: origin: no node 99"), "{err}");
        assert!(err.contains("trips.csv:5: departure_s \"soon\""), "{err}");
        assert!(err.contains("trips.csv:6: destination: node 7"), "{err}");
        assert!(!err.contains("trips.csv:2:"), "{err}");
    }
    assert!(!dir.join("out").exists());
    // A missing trip list is named by the file that names it.
    std::fs::remove_file(dir.join("trips.csv")).unwrap();
    let o = qilian(&dir, &["validate", "scenario.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("plan.ron: trips: trips.csv: no such file"),
        "{}",
        text(&o).1
    );
}
