//! Earthquake ground failure inside whole runs: four parallel two-lane
//! links 1 km apart, all about as far from the epicentre, on ground of
//! different liquefaction susceptibility (high, low, none, and a very-high
//! bridge), joined at both ends so the network stays connected.

use qilian_engine::scenario::{Embedded, load_from};
use qilian_engine::{EdgeId, EventKind, RunResult, Scenario};
use qilian_testkit::leak;
use std::path::Path;
use std::sync::Arc;

const REGION: &str = r#"Region(
    name: "ladder",
    nodes: [(id: 1, x: 0, y: 0), (id: 2, x: 1000, y: 0), (id: 3, x: 0, y: 1000),
            (id: 4, x: 1000, y: 1000), (id: 5, x: 0, y: 2000), (id: 6, x: 1000, y: 2000),
            (id: 7, x: 0, y: 3000), (id: 8, x: 1000, y: 3000)],
    edges: [
        (id: 1, from: 1, to: 2, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800, LIQ1),
        (id: 2, from: 2, to: 1, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800, LIQ1),
        (id: 3, from: 3, to: 4, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800,
         liquefaction: Some(Low)),
        (id: 4, from: 4, to: 3, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800,
         liquefaction: Some(Low)),
        (id: 5, from: 5, to: 6, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800,
         liquefaction: Some(NotSusceptible)),
        (id: 6, from: 6, to: 5, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800,
         liquefaction: Some(NotSusceptible)),
        (id: 7, from: 7, to: 8, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800,
         bridge: Some((fragility: "HWB.GS.5"))),
        (id: 8, from: 8, to: 7, length_m: 1000, speed_kmh: 50, lanes: 2, capacity_vph: 1800,
         bridge: Some((fragility: "HWB.GS.5"))),
        (id: 11, from: 1, to: 3, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 12, from: 3, to: 1, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 13, from: 3, to: 5, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 14, from: 5, to: 3, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 15, from: 5, to: 7, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 16, from: 7, to: 5, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 17, from: 2, to: 4, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 18, from: 4, to: 2, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 19, from: 4, to: 6, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 20, from: 6, to: 4, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 21, from: 6, to: 8, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
        (id: 22, from: 8, to: 6, length_m: 1000, speed_kmh: 50, capacity_vph: 900),
    ],
    zones: [(id: 1, name: "Z", population: 100, households: 30, node: 1)],
    facilities: [],
    ground: (groundwater_depth_m: 1.524, areas: [
        // The bridge's ground, given by area rather than on the edge.
        (susceptibility: VeryHigh, polygon: [(400, 2800), (600, 2800), (600, 3200), (400, 3200)]),
    ]),
)"#;

const PLAN: &str = r#"Plan(
    name: "p",
    depots: [(id: 1, name: "D", node: 1)],
    crews: [(id: 1, kind: Road, depot: 1, count: 1)],
    priorities: [Bridge, MainRoad, Road],
    repairs: [
        (work: Bridge, crew: Road, hours: (
            slight: Fixed(1.0), moderate: Fixed(2.0), extensive: Fixed(3.0), complete: Fixed(4.0))),
        (work: Road, crew: Road, hours: (
            slight: Fixed(1.0), moderate: Fixed(1.0), extensive: Fixed(1.0), complete: Fixed(1.0))),
    ],
)"#;

/// M7.0 under the middle of the ladder: PGA about 0.3–0.5 g on every link.
const QUAKE: &str = r#"Earthquake((at_h: 0.5, magnitude: 7.0, rake_deg: 90.0, epicentre_x: 500.0,
    epicentre_y: 1500.0, gmpe: "BooreAtkinson2008", vs30_default_mps: 250.0))"#;

/// The ladder with link 1's susceptibility `liq1` (a RON field or nothing)
/// and `hazards`, over `horizon_h`.
fn ladder(liq1: &str, hazards: &str, horizon_h: f64) -> Result<Arc<Scenario>, String> {
    let text = format!(
        r#"Scenario(
            name: "g", region: "region.ron", plan: "plan.ron", horizon_h: {horizon_h}, seed: 7,
            targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
            hazards: [{hazards}],
        )"#
    );
    let src = Embedded::of([
        ("g/s.ron", leak(text)),
        ("g/region.ron", leak(REGION.replace("LIQ1", liq1))),
        ("g/plan.ron", PLAN),
    ]);
    load_from(&src, Path::new("g/s.ron"))
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

fn scenario() -> Arc<Scenario> {
    ladder("liquefaction: Some(High)", QUAKE, 1.0).unwrap_or_else(|e| panic!("{e}"))
}

/// Links 1, 3, 5 and 7 blocked or damaged by the quake in one run.
fn hit(r: &RunResult) -> [bool; 4] {
    let mut out = [false; 4];
    for e in &r.events {
        let (EventKind::EdgeClosed { edge, .. } | EventKind::EdgeDamaged { edge, .. }) = &e.kind
        else {
            continue;
        };
        if let Some(k) = [1, 3, 5, 7].iter().position(|&id| *edge == EdgeId(id)) {
            out[k] = true;
        }
    }
    out
}

#[test]
fn high_susceptibility_fails_more_often_than_low_and_none_never() {
    let s = scenario();
    let n = 300;
    let mut counts = [0usize; 4];
    let mut liquefaction_reason = 0;
    for rep in 0..n {
        let r = qilian_models::standard_sim(s.clone(), rep).run();
        for (c, h) in counts.iter_mut().zip(hit(&r)) {
            *c += usize::from(h);
        }
        liquefaction_reason +=
            r.events
                .iter()
                .filter(|e| match &e.kind {
                    EventKind::EdgeClosed { reason, .. }
                    | EventKind::EdgeDamaged { reason, .. } => reason.ends_with("liquefaction"),
                    _ => false,
                })
                .count();
        let gf = &r.kpis["hazards"]["1 earthquake"]["ground_failure"];
        // Links 1 and 3 and the bridge; link 5 is not susceptible.
        assert_eq!(gf["sites"], 3, "{gf}");
    }
    let [high, low, none, bridge] = counts;
    eprintln!("hit in {n} runs: high {high}, low {low}, none {none}, very-high bridge {bridge}");
    // Hazus at PGA ≈ 0.4 g, M7, 5 ft: P[Liq] ≈ 0.18 (high) and ≈ 0.04 (low);
    // the deformation given liquefaction damages a road almost surely.
    assert!(high > 2 * low, "high {high} vs low {low}");
    assert!(high >= n as usize / 12, "high {high} of {n}");
    assert!(low > 0, "low {low}");
    assert_eq!(none, 0);
    assert!(liquefaction_reason > 0);
    // The bridge fails by shaking alone sometimes; on very high ground more.
    assert!(bridge > high / 2, "bridge {bridge}");
}

#[test]
fn ground_failure_raises_a_bridges_damage_over_shaking_alone() {
    use qilian_hazardlib::fragility;
    use qilian_hazardlib::liquefaction::Susceptibility;
    use qilian_models::hazard::earthquake::{
        Event, GroundSite, ShakeSite, fail_ground, ground_class, shake,
    };
    let e = qilian_engine::scenario::Earthquake {
        at_h: qilian_engine::Hours(0.0),
        magnitude: 7.0,
        rake_deg: 90.0,
        epicentre_x: 0.0,
        epicentre_y: 0.0,
        rupture_end: None,
        gmpe: "BooreAtkinson2008".into(),
        vs30_default_mps: 250.0,
    };
    let event = Event::new(&e).unwrap();
    let gs = fragility::class("HWB.GS.5").unwrap();
    let gf = ground_class(Some("HWB.GS.5"), 2);
    assert_eq!(gf.id, "HWB.GF");
    assert_eq!(ground_class(Some("HTU.GS.1"), 1).id, "HTU.GF");
    assert_eq!(ground_class(None, 2).id, "HRD.GF.1");
    assert_eq!(ground_class(None, 1).id, "HRD.GF.2");
    let shake_sites: Vec<ShakeSite> = (0..2000u64)
        .map(|k| ShakeSite {
            key: (2 << 32) | k,
            x: 2000.0,
            y: 0.0,
            vs30_mps: 250.0,
            class: gs,
        })
        .collect();
    let ground_sites: Vec<GroundSite> = shake_sites
        .iter()
        .map(|s| GroundSite {
            key: s.key,
            x: s.x,
            y: s.y,
            vs30_mps: s.vs30_mps,
            susceptibility: Susceptibility::VeryHigh,
            class: gf,
        })
        .collect();
    let streams = qilian_engine::Streams::new(3, 0);
    let shaken = shake(&event, &shake_sites, &streams, 1);
    let failed = fail_ground(&event, &ground_sites, &streams, 1, 1.524);
    // A bridge's ground site sees the PGA its shaking site drew.
    for (s, g) in shaken.iter().zip(&failed) {
        assert_eq!(s.pga_g, g.pga_g);
        assert_eq!(
            g.pgd_in.is_none(),
            g.state == qilian_hazardlib::fragility::DamageState::None
        );
    }
    let liquefied = failed.iter().filter(|g| g.pgd_in.is_some()).count();
    let mean_p: f64 = failed.iter().map(|g| g.p_liquefaction).sum::<f64>() / failed.len() as f64;
    // The draws follow P[Liq]: within 4 binomial standard errors.
    let sd = (mean_p * (1.0 - mean_p) / failed.len() as f64).sqrt();
    let frac = liquefied as f64 / failed.len() as f64;
    assert!((frac - mean_p).abs() < 4.0 * sd, "{frac} vs {mean_p}");
    let worse = shaken
        .iter()
        .zip(&failed)
        .filter(|(s, g)| g.state > s.state)
        .count();
    assert!(worse > 0, "ground failure is worse than shaking somewhere");
    // A site's draws do not depend on the other sites.
    let tail = fail_ground(&event, &ground_sites[1500..], &streams, 1, 1.524);
    assert_eq!(&failed[1500..], &tail[..]);
}

#[test]
fn ground_failure_is_the_same_on_any_thread_count() {
    let s = ladder("liquefaction: Some(VeryHigh)", QUAKE, 6.0).unwrap();
    let run = |threads: usize, rep: u32| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| qilian_models::standard_sim(s.clone(), rep).run())
    };
    let mut any_liquefied = false;
    for rep in 0..8 {
        let (a, b) = (run(1, rep), run(2, rep));
        assert_eq!(a.events, b.events, "replicate {rep}");
        assert_eq!(a.kpis, b.kpis, "replicate {rep}");
        any_liquefied |= a.kpis["hazards"]["1 earthquake"]["ground_failure"]["liquefied"]
            .as_u64()
            .unwrap_or(0)
            > 0;
    }
    assert!(any_liquefied, "some replicate liquefies very high ground");
}

#[test]
fn without_susceptible_ground_there_are_no_ground_sites() {
    let s = ladder("liquefaction: None", "", 1.0).unwrap();
    // No earthquake: nothing to report. With an earthquake but the region's
    // susceptibility removed, no ground-failure KPIs appear.
    let r = qilian_models::standard_sim(s, 0).run();
    assert!(
        r.kpis
            .get("hazards")
            .is_none_or(|h| h.get("1 earthquake").is_none())
    );
    let plain = REGION
        .replace("LIQ1", "")
        .replace("liquefaction: Some(Low)", "")
        .replace("liquefaction: Some(NotSusceptible)", "");
    let plain = plain
        .split("ground:")
        .next()
        .map(|head| format!("{head})"))
        .unwrap();
    let text = r#"Scenario(name: "g", region: "region.ron", plan: "plan.ron", horizon_h: 1.0,
        targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
        hazards: [QUAKE])"#
        .replace("QUAKE", QUAKE);
    let src = Embedded::of([
        ("g/s.ron", leak(text)),
        ("g/region.ron", leak(plain)),
        ("g/plan.ron", PLAN),
    ]);
    let s = Arc::new(load_from(&src, Path::new("g/s.ron")).unwrap_or_else(|e| panic!("{e}")));
    let r = qilian_models::standard_sim(s, 0).run();
    let quake = &r.kpis["hazards"]["1 earthquake"];
    assert!(quake.get("sites").is_some());
    assert!(quake.get("ground_failure").is_none(), "{quake}");
}

#[test]
fn bad_ground_input_is_reported_with_its_place() {
    // An unknown category is a parse error with line and column.
    let e = ladder("liquefaction: Some(Medium)", QUAKE, 1.0).unwrap_err();
    assert!(e.contains("region.ron:") && e.contains("Medium"), "{e}");
    // Semantic problems name the field.
    let bad_depth = REGION.replace("groundwater_depth_m: 1.524", "groundwater_depth_m: -2.0");
    let bad_poly = REGION.replace(
        "polygon: [(400, 2800), (600, 2800), (600, 3200), (400, 3200)]",
        "polygon: [(400, 2800), (600, 2800)]",
    );
    for (region, want) in [
        (bad_depth, "groundwater_depth_m"),
        (bad_poly, "at least 3 vertices"),
    ] {
        let text = format!(
            r#"Scenario(name: "g", region: "region.ron", plan: "plan.ron", horizon_h: 1.0,
            targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
            hazards: [{QUAKE}])"#
        );
        let src = Embedded::of([
            ("g/s.ron", leak(text)),
            ("g/region.ron", leak(region.replace("LIQ1", ""))),
            ("g/plan.ron", PLAN),
        ]);
        let e = load_from(&src, Path::new("g/s.ron"))
            .map(|_| ())
            .unwrap_err();
        let e = e.to_string();
        assert!(e.contains(want) && e.contains("region.ron"), "{e}");
    }
}
