//! `hindcast`: the library runs and prints the model beside what was
//! observed; bad libraries are refused with exit 2.

use super::{qilian, repo, scratch, text};

#[test]
fn the_library_runs_and_reports_every_observation() {
    let dir = scratch("hindcast");
    let lib = repo("scenarios/hindcasts");
    let o = qilian(&dir, &["hindcast", &lib, "--runs", "30", "--out", "hc"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("Minle–Shandan"), "{out}");
    assert!(
        out.contains("casualties.deaths      observed        9"),
        "{out}"
    );
    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("hc/hindcast.json")).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    for r in rows {
        assert_eq!(r["runs"], 30);
        let (p10, p50, p90) = (
            r["p10"].as_f64().unwrap(),
            r["median"].as_f64().unwrap(),
            r["p90"].as_f64().unwrap(),
        );
        assert!(p10 <= p50 && p50 <= p90, "{r}");
        let ratio = r["ratio"].as_f64().unwrap();
        assert!((ratio - p50 / r["observed"].as_f64().unwrap()).abs() < 1e-9);
    }
    let csv = std::fs::read_to_string(dir.join("hc/hindcast.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

#[test]
fn bad_libraries_are_input_errors() {
    let dir = scratch("hindcast-bad");
    std::fs::write(
        dir.join("minle.ron"),
        std::fs::read_to_string(repo("scenarios/hindcasts/minle-shandan-2003.ron"))
            .unwrap()
            .replace(
                "\"../zhangye/",
                &format!("\"{}/", repo("scenarios/zhangye")),
            ),
    )
    .unwrap();
    for (lib, want) in [
        (
            "Hindcasts(events: [(event: \"x\", scenario: \"minle.ron\", observed: [(kpi: \"casualties.nope\", value: 1.0, source: \"s\")])])",
            "the runs have no KPI `casualties.nope`",
        ),
        (
            "Hindcasts(events: [(event: \"x\", scenario: \"minle.ron\", observed: [(kpi: \"casualties.deaths\", valeu: 1.0, source: \"s\")])])",
            "hindcasts.ron:1:",
        ),
        ("Hindcasts(events: [])", "no events"),
    ] {
        std::fs::write(dir.join("hindcasts.ron"), lib).unwrap();
        let o = qilian(&dir, &["hindcast", ".", "--runs", "2"]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{lib}: {err}");
        assert!(err.contains(want), "{lib}: {err}");
    }
}
