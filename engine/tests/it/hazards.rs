//! Hazards and rasters in scenario files: loaded, range-checked, every
//! problem named with its file.

use super::{PLAN, REGION, SCENARIO};
use qilian_engine::scenario::{Embedded, Hazard, load_from};
use qilian_testkit::leak;
use std::path::Path;

/// A 3 × 3 grid of 500 m cells whose lower-left corner is `corner`.
fn grid(corner: f64) -> String {
    format!(
        "ncols 3\nnrows 3\nxllcorner {corner}\nyllcorner {corner}\ncellsize 500\n\
         1 2 3\n4 5 6\n7 8 9\n"
    )
}

fn with(region_extra: &str, dem: &str, fuel: &str, hazards: &str) -> Embedded {
    let region = REGION.replace("facilities: [", &format!("{region_extra} facilities: ["));
    let scenario = SCENARIO.replace("injects: [", &format!("hazards: [{hazards}], injects: ["));
    Embedded::of([
        ("s/scenario.ron", leak(scenario)),
        ("s/region.ron", leak(region)),
        ("s/plan.ron", leak(PLAN.to_string())),
        ("s/dem.asc", leak(dem.to_string())),
        ("s/fuel.asc", leak(fuel.to_string())),
    ])
}

fn messages(src: &Embedded) -> Vec<String> {
    match load_from(src, Path::new("s/scenario.ron")) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(|p| p.to_string()).collect(),
    }
}

const RASTERS: &str = r#"rasters: (dem: Some("dem.asc"), fuel: Some("fuel.asc")),"#;

const FLOOD: &str = r#"Flood((at_h: 1.0, manning_n: 0.03, boundary_slope: 0.001,
    facility_fail_depth_m: 0.5, zone_flood_depth_m: 0.1,
    inflows: [(x: 100.0, y: 100.0, hydrograph: [(0.0, 10.0), (2.0, 50.0)])]))"#;

#[test]
fn rasters_load_and_hazards_parse() {
    let s = load_from(
        &with(RASTERS, &grid(-250.0), &grid(-250.0), FLOOD),
        Path::new("s/scenario.ron"),
    )
    .unwrap();
    let dem = s.rasters.dem.as_ref().unwrap();
    assert_eq!(dem.value_at(0.0, 0.0), Some(7.0), "row 0 is the north edge");
    assert_eq!(dem.value_at(1000.0, 1000.0), Some(3.0));
    assert!(matches!(s.file.hazards[0], Hazard::Flood(_)));
}

#[test]
fn raster_problems_name_the_region_file_and_layer() {
    // Shifted away from the nodes, and a fuel grid of another geometry.
    let m = messages(&with(
        RASTERS,
        &grid(5000.0),
        "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 10\n1\n",
        "",
    ));
    assert!(
        m.iter()
            .any(|p| p
                .starts_with("s/region.ron: raster dem: does not cover 4 of the region's 4 nodes")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|p| p.contains("raster fuel: must have the dem's geometry")),
        "{m:?}"
    );
    // A file that is not a grid.
    let m = messages(&with(RASTERS, "ncols x\n", &grid(-250.0), ""));
    assert!(
        m.iter()
            .any(|p| p.starts_with("s/region.ron: raster dem: s/dem.asc:")),
        "{m:?}"
    );
}

#[test]
fn hazard_ranges_are_checked() {
    let bad = r#"Earthquake((at_h: 99.0, magnitude: 11.0, rake_deg: 0.0, epicentre_x: 0.0,
            epicentre_y: 0.0, gmpe: "BooreAtkinson2008", vs30_default_mps: 0.0)),
        ChemicalLeak((at_h: 1.0, source: Facility(99), rate_kg_s: -1.0, duration_h: 1.0,
            chemical: "chlorine", terrain: Rural,
            wind: [(from_h: 0.5, speed_m_s: 0.0, from_deg: 0.0, stability: Class(D))])),
        Flood((at_h: 1.0, manning_n: 0.03, boundary_slope: 0.001,
            facility_fail_depth_m: 0.5, zone_flood_depth_m: 0.1,
            inflows: [(x: 9000.0, y: 0.0, hydrograph: [(2.0, 5.0), (1.0, -5.0)])]))"#;
    let m = messages(&with(RASTERS, &grid(-250.0), &grid(-250.0), bad));
    for want in [
        "hazard 1 (earthquake): at_h 99 is after the horizon",
        "hazard 1 (earthquake): magnitude must be in 4…9.5, got 11",
        "hazard 1 (earthquake): vs30_default_mps must be in 100…3000, got 0",
        "hazard 2 (chemical leak): rate_kg_s must be in",
        "hazard 2 (chemical leak): source refers to missing facility 99",
        "hazard 2 (chemical leak): wind period 1: speed_m_s must be in 0.5…50",
        "hazard 2 (chemical leak): wind period 1: the first period must start at from_h 0",
        "hazard 3 (flood): inflow 1: point (9000, 0) is outside the dem raster",
        "hazard 3 (flood): inflow 1: hydrograph point 2: times must increase",
        "hazard 3 (flood): inflow 1: hydrograph point 2: discharge must be in 0…1e6 m³/s, got -5",
    ] {
        assert!(
            m.iter().any(|p| p.contains(want)),
            "missing {want:?} in {m:#?}"
        );
    }
    // A flood needs a DEM.
    let m = messages(&with("", "", "", FLOOD));
    assert!(
        m.iter()
            .any(|p| p.contains("hazard 1 (flood): the region has no dem raster")),
        "{m:?}"
    );
}

/// Discharges of 1e308 (which overflowed the solver) or 1e9 m³/s (which ran
/// for minutes) are refused with their range, as is a scale that multiplies
/// a plausible peak past it, and a time past a year.
#[test]
fn extreme_discharges_are_refused_with_their_range() {
    let flood = |hydrograph: &str, scale: &str| {
        format!(
            r#"Flood((at_h: 1.0, manning_n: 0.03, boundary_slope: 0.001,
            facility_fail_depth_m: 0.5, zone_flood_depth_m: 0.1,
            inflows: [(x: 100.0, y: 100.0, hydrograph: {hydrograph}, scale: {scale})]))"#
        )
    };
    for (hydrograph, scale, want) in [
        (
            "[(0.0, 10.0), (2.0, 1e308)]",
            "1.0",
            "inflow 1: hydrograph point 2: discharge must be in 0…1e6 m³/s, got 1e308",
        ),
        (
            "[(0.0, 1e9)]",
            "1.0",
            "hydrograph point 1: discharge must be in 0…1e6 m³/s, got 1e9",
        ),
        (
            "[(0.0, 9e5)]",
            "Uniform(1.0, 50.0)",
            "peak discharge × scale must be ≤ 1e6 m³/s, got 900000 × 50",
        ),
        (
            "[(0.0, 10.0), (1e300, 20.0)]",
            "1.0",
            "hydrograph point 2: time must be in 0…8760 h, got 1e300",
        ),
    ] {
        let m = messages(&with(
            RASTERS,
            &grid(-250.0),
            &grid(-250.0),
            &flood(hydrograph, scale),
        ));
        assert!(
            m.iter()
                .any(|p| p.contains(&format!("hazard 1 (flood): {want}")) || p.contains(want)),
            "missing {want:?} in {m:#?}"
        );
    }
    // The stock magnitudes still pass.
    let m = messages(&with(
        RASTERS,
        &grid(-250.0),
        &grid(-250.0),
        &flood("[(0.0, 300.0), (18.0, 5000.0)]", "Uniform(0.6, 1.3)"),
    ));
    assert!(m.is_empty(), "{m:#?}");
}

/// Names from the hazard models' tables are checked by the loader itself, so
/// `validate`, `run`, `stress` and the drill all reject them alike.
#[test]
fn unknown_model_names_are_load_errors() {
    let bad = r#"Earthquake((at_h: 1.0, magnitude: 6.0, rake_deg: 0.0, epicentre_x: 0.0,
            epicentre_y: 0.0, gmpe: "Campbell2003", vs30_default_mps: 400.0)),
        Earthquake((at_h: 1.0, magnitude: 8.5, rake_deg: 0.0, epicentre_x: 0.0,
            epicentre_y: 0.0, gmpe: "AkkarBommer2010", vs30_default_mps: 400.0)),
        ChemicalLeak((at_h: 1.0, source: Facility(10), rate_kg_s: 1.0, duration_h: 1.0,
            chemical: "phosgene", terrain: Rural,
            wind: [(from_h: 0.0, speed_m_s: 2.0, from_deg: 0.0, stability: Class(D))])),
        Fire((at_h: 1.0, ignition_x: 0.0, ignition_y: 0.0, wind_speed_m_s: 2.0,
            wind_from_deg: 0.0, moisture: (dead_1h: 6.0, dead_10h: 7.0, dead_100h: 8.0,
            live_herb: 60.0, live_woody: 90.0)))"#;
    let fuel = grid(-250.0).replace("1 2 3\n", "1 2 77\n");
    let mut src = with(RASTERS, &grid(-250.0), &fuel, bad);
    let region = src.0.get_mut(Path::new("s/region.ron")).unwrap();
    let edited = region.replace(
        "kind: Substation, node: 3)",
        "kind: Substation, node: 3, fragility: Some(\"EP.S.X\"))",
    );
    assert_ne!(*region, edited);
    *region = leak(edited);
    let m = messages(&src);
    for want in [
        "hazard 1 (earthquake): unknown gmpe `Campbell2003`",
        "hazard 2 (earthquake): magnitude 8.5 is outside AkkarBommer2010's range",
        "hazard 3 (chemical leak): chemical `phosgene` is not supported",
        "hazard 4 (fire): the fuel raster has unknown fuel-model numbers [77]",
        "s/region.ron: region: facility 10: unknown fragility class `EP.S.X`",
    ] {
        assert!(
            m.iter().any(|p| p.contains(want)),
            "missing {want:?} in {m:#?}"
        );
    }
}

#[test]
fn hazard_numbers_may_be_distributions_drawn_per_replicate() {
    use qilian_engine::Streams;
    use qilian_engine::dist::{Dist, Num};
    let quake = r#"Earthquake((at_h: 1.0, magnitude: Normal(mean: 6.5, sd: 0.2), rake_deg: 0.0,
            epicentre_x: Uniform(-100.0, 100.0), epicentre_y: 0.0,
            gmpe: "BooreAtkinson2008", vs30_default_mps: 400.0)),
        Flood((at_h: 1.0, manning_n: 0.03, boundary_slope: 0.001,
            facility_fail_depth_m: 0.5, zone_flood_depth_m: 0.1,
            inflows: [(x: 100.0, y: 100.0, hydrograph: [(0.0, 10.0), (2.0, 50.0)],
                       scale: LogNormal(median: 1.0, beta: 0.3))]))"#;
    let s = load_from(
        &with(RASTERS, &grid(-250.0), &grid(-250.0), quake),
        Path::new("s/scenario.ron"),
    )
    .unwrap();
    let Hazard::Earthquake(e) = &s.file.hazards[0] else {
        panic!("not an earthquake")
    };
    assert_eq!(e.magnitude, Num(Dist::Normal { mean: 6.5, sd: 0.2 }));
    assert_eq!(e.epicentre_y, Num::fixed(0.0));
    let draw = |rep: u32| {
        let mut drawn = Vec::new();
        let h: Vec<Hazard<f64>> = s
            .file
            .hazards
            .iter()
            .enumerate()
            .map(|(i, h)| h.realise(&Streams::new(s.file.seed, rep), i as u32 + 1, &mut drawn))
            .collect();
        (h, drawn)
    };
    let (h0, d0) = draw(0);
    let names: Vec<&str> = d0.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "hazard1.magnitude",
            "hazard1.epicentre_x",
            "hazard2.inflow1.scale"
        ]
    );
    let Hazard::Earthquake(q0) = &h0[0] else {
        panic!()
    };
    assert_eq!(q0.magnitude, d0[0].1);
    assert_eq!(q0.epicentre_y, 0.0, "plain numbers are not drawn");
    // Same replicate, same draws; other replicates differ, within ±3σ.
    assert_eq!(draw(0).1, d0);
    let mags: Vec<f64> = (0..40).map(|r| draw(r).1[0].1).collect();
    assert!(mags.iter().all(|m| (5.9..=7.1).contains(m)), "{mags:?}");
    let mut distinct = mags.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert_eq!(distinct.len(), 40);
    let mean = mags.iter().sum::<f64>() / 40.0;
    assert!((mean - 6.5).abs() < 0.1, "mean {mean}");
    // A file with plain numbers realises to exactly those numbers.
    let plain = load_from(
        &with(RASTERS, &grid(-250.0), &grid(-250.0), FLOOD),
        Path::new("s/scenario.ron"),
    )
    .unwrap();
    let mut drawn = Vec::new();
    let Hazard::Flood(f) = plain.file.hazards[0].realise(&Streams::new(1, 3), 1, &mut drawn) else {
        panic!()
    };
    assert!(drawn.is_empty());
    assert_eq!(f.inflows[0].scale, 1.0, "scale defaults to 1");
}

#[test]
fn bad_distributions_are_named_with_file_and_line() {
    let bad = r#"Earthquake((at_h: 1.0, magnitude: Normal(mean: 6.5, sd: -0.2), rake_deg: 0.0,
            epicentre_x: 0.0, epicentre_y: 0.0, gmpe: "BooreAtkinson2008",
            vs30_default_mps: 400.0)),
        Earthquake((at_h: 1.0, magnitude: Normal(mean: 9.0, sd: 0.3), rake_deg: 0.0,
            epicentre_x: 0.0, epicentre_y: 0.0, gmpe: "BooreAtkinson2008",
            vs30_default_mps: 400.0)),
        Fire((at_h: 1.0, ignition_x: Uniform(0.0, 5000.0), ignition_y: 0.0,
            wind_speed_m_s: Triangular(0.0, 5.0, 3.0), wind_from_deg: 0.0,
            moisture: (dead_1h: 6.0, dead_10h: 7.0, dead_100h: 8.0, live_herb: 60.0,
                       live_woody: 90.0)))"#;
    let m = messages(&with(RASTERS, &grid(-250.0), &grid(-250.0), bad));
    for want in [
        "hazard 1 (earthquake): magnitude: Normal sd -0.2 must be ≥ 0",
        "hazard 2 (earthquake): magnitude must be in 4…9.5, but Normal(mean: 9, sd: 0.3) spans",
        "hazard 3 (fire): wind_speed_m_s: Triangular(0, 5, 3) needs min ≤ mode ≤ max",
        "hazard 3 (fire): point (5000, 0) is outside the fuel raster",
    ] {
        assert!(
            m.iter().any(|p| p.contains(want)),
            "missing {want:?} in {m:#?}"
        );
    }
    // An unknown distribution: the line it is on, and what would do.
    let unknown = "Earthquake((at_h: 1.0,\n magnitude: Gamma(2.0, 3.0), rake_deg: 0.0,
            epicentre_x: 0.0, epicentre_y: 0.0, gmpe: \"BooreAtkinson2008\",
            vs30_default_mps: 400.0))";
    let m = messages(&with(RASTERS, &grid(-250.0), &grid(-250.0), unknown));
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("unknown variant `Gamma`"), "{m:?}");
    assert!(m[0].contains("Normal"), "{m:?}");
    let line = SCENARIO[..SCENARIO.find("injects: [").unwrap()]
        .lines()
        .count()
        + 1;
    assert!(
        m[0].starts_with(&format!("s/scenario.ron:{line}:")),
        "{m:?}"
    );
}
