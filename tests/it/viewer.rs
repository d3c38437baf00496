//! What `--out` receives from the viewer, end to end: charts, maps,
//! `report.html`, GeoJSON and CSV beside the existing files.

use super::{qilian, repo, scratch, text};
use qilian_testkit::file_names;

#[test]
fn demo_writes_charts_maps_report_geojson_and_csv() {
    let dir = scratch("viewer-demo");
    let o = qilian(&dir, &["demo", "--out", "d"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let got = file_names(&dir.join("d"));
    for want in [
        "summary.json",
        "timeseries.csv",
        "journal.jsonl",
        "chart-restoration.png",
        "chart-restoration.svg",
        "chart-gantt.png",
        "chart-gantt.svg",
        "map-onset.png",
        "map-onset.svg",
        "map-onset-24h.svg",
        "map-onset-72h.svg",
        "map-end.svg",
        "report.html",
        "zones.geojson",
        "roads.geojson",
        "facilities.geojson",
        "zones.csv",
    ] {
        assert!(got.iter().any(|n| n == want), "{want} missing from {got:?}");
    }
    for n in &got {
        let bytes = std::fs::read(dir.join("d").join(n)).unwrap();
        if n.ends_with(".png") {
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{n}");
            // IHDR: width and height, big-endian, at bytes 16..24.
            let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert!(w >= 400 && h >= 200, "{n}: {w}x{h}");
        }
        if n.ends_with(".svg") {
            let s = String::from_utf8(bytes).unwrap();
            assert!(
                s.contains("<svg") && s.trim_end().ends_with("</svg>"),
                "{n}"
            );
        }
    }
    // A second run into a new directory gives the same bytes.
    let o = qilian(&dir, &["demo", "--out", "e"]);
    assert!(o.status.success());
    for n in &got {
        let a = std::fs::read(dir.join("d").join(n)).unwrap();
        let b = std::fs::read(dir.join("e").join(n)).unwrap();
        assert!(a == b, "{n} differs between two demo runs");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn stress_merge_and_compare_write_reports() {
    let dir = scratch("viewer-stress");
    let s = repo("scenarios/ganzhou-demo.ron");
    let plan = repo("scenarios/plans/ganzhou-baseline.ron");
    let ok = |args: &[&str]| {
        let o = qilian(&dir, args);
        assert!(o.status.success(), "{args:?}: {}", text(&o).1);
    };
    ok(&["stress", &s, "--runs", "4", "--out", "st"]);
    let got = file_names(&dir.join("st"));
    for want in [
        "stress.json",
        "replicates.csv",
        "chart-targets.svg",
        "chart-targets.png",
        "chart-fan.svg",
        "map-risk-power.svg",
        "map-risk-power.png",
        "report.html",
        "fan.csv",
        "zone-risk.csv",
        "zone-risk.geojson",
    ] {
        assert!(got.iter().any(|n| n == want), "{want} missing from {got:?}");
    }
    // Shards carry the curves: a merge draws the fan chart too, and its
    // stress.json is still byte-identical to the unsharded run's.
    ok(&["stress", &s, "--runs", "4", "--shard", "0/2", "--out", "s0"]);
    ok(&["stress", &s, "--runs", "4", "--shard", "1/2", "--out", "s1"]);
    ok(&["merge", "s0", "s1", "--out", "m"]);
    let read = |p: &str| std::fs::read(dir.join(p)).unwrap();
    assert!(read("st/stress.json") == read("m/stress.json"));
    assert!(read("st/fan.csv") == read("m/fan.csv"));
    assert!(read("st/chart-fan.svg") == read("m/chart-fan.svg"));
    ok(&[
        "compare", &s, "--plan", &plan, "--plan", &plan, "--runs", "3", "--out", "c",
    ]);
    let got = file_names(&dir.join("c"));
    for want in [
        "compare.json",
        "chart-compare.svg",
        "chart-fan-a.png",
        "report.html",
    ] {
        assert!(got.iter().any(|n| n == want), "{want} missing from {got:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
