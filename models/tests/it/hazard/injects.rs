//! The controller's hazard injects inside whole runs on the valley of
//! `runs.rs`: an aftershock, and a change of weather for a fire and a
//! chemical release.

use super::runs::{ALL_CREWS, CHLORINE, FIRE, valley};
use qilian_engine::scenario::DamageState;
use qilian_engine::scenario::Inject;
use qilian_engine::sim::InjectQueue;
use qilian_engine::{EdgeId, EventKind, FacilityId, Hours, RunResult, Scenario, SimEvent, SimTime};
use qilian_hazardlib::footprint::{Footprint, FootprintKind};
use qilian_models::hazard::footprint::run_with_footprints;
use std::sync::Arc;

/// A sim of `s` with `injects` queued at their hours (as a drill queues a
/// controller's).
fn sim(s: Arc<Scenario>, injects: &[(f64, Inject)]) -> qilian_engine::Sim {
    let mut sim = qilian_models::standard_sim(s, 0);
    for (h, i) in injects {
        sim.world_mut()
            .resource_mut::<InjectQueue>()
            .push(SimTime::from_hours(Hours(*h)), i.clone());
    }
    sim
}

fn run(s: Arc<Scenario>, injects: &[(f64, Inject)]) -> RunResult {
    sim(s, injects).run()
}

fn before(r: &RunResult, t_s: u64) -> Vec<SimEvent> {
    r.events.iter().filter(|e| e.t_s < t_s).cloned().collect()
}

fn kpi(r: &RunResult, hazard: &str, key: &str) -> serde_json::Value {
    r.kpis["hazards"][hazard][key].clone()
}

/// A small, far earthquake (the GMPE's least magnitude): the aftershock's
/// scenario earthquake.
const FAR_QUAKE: &str = r#"Earthquake((at_h: 1.0, magnitude: 5.0, rake_deg: 90.0, epicentre_x: -40000.0,
    epicentre_y: 2000.0, gmpe: "BooreAtkinson2008", vs30_default_mps: 300.0))"#;

const AFTERSHOCK: Inject = Inject::Aftershock {
    magnitude: 7.0,
    epicentre_x: 2000.0,
    epicentre_y: 2000.0,
};

#[test]
fn an_aftershock_shakes_the_sites_again_damages_more_and_is_the_same_for_a_seed() {
    let s = valley(FAR_QUAKE, ALL_CREWS, "", 6.0);
    let quiet = run(s.clone(), &[]);
    let shaken = run(s.clone(), &[(3.0, AFTERSHOCK)]);
    // Nothing before it changes.
    assert_eq!(before(&quiet, 10_800), before(&shaken, 10_800));
    let started: Vec<_> = shaken
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HazardStarted { hazard, what } => Some((e.t_s, *hazard, what.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        started,
        [
            (3600, 1, "earthquake Mw 5".to_string()),
            (10_800, 2, "aftershock Mw 7".to_string())
        ]
    );
    // Numbered after the scenario's hazards, with its own KPIs.
    assert_eq!(kpi(&shaken, "2 aftershock", "sites"), 3);
    let pga = |r: &RunResult, h: &str| kpi(r, h, "max_pga_g").as_f64().unwrap();
    assert!(pga(&shaken, "2 aftershock") > 5.0 * pga(&shaken, "1 earthquake"));
    assert!(kpi(&quiet, "2 aftershock", "sites").is_null());
    // A M7 under the substations damages what the far M5 left standing.
    let damaged = |r: &RunResult| {
        r.events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::FacilityDamaged { .. }))
            .count()
    };
    assert!(
        damaged(&shaken) > damaged(&quiet),
        "{} vs {}",
        damaged(&shaken),
        damaged(&quiet)
    );
    assert!(
        shaken
            .events
            .iter()
            .any(|e| e.t_s == 10_800 && matches!(e.kind, EventKind::FacilityDamaged { .. }))
    );
    // The casualty model's PAGER path takes it like the main shock.
    let eq = |r: &RunResult, k: &str| r.kpis["casualties"]["by_cause"]["earthquake"][k].clone();
    assert!(
        eq(&shaken, "affected").as_u64() > eq(&quiet, "affected").as_u64(),
        "{}",
        shaken.kpis["casualties"]
    );
    // The same seed gives the same aftershock on any thread count.
    let again = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| run(s.clone(), &[(3.0, AFTERSHOCK)]));
    assert_eq!(again.events, shaken.events);
    assert_eq!(again.kpis, shaken.kpis);
}

#[test]
fn an_aftershock_never_lowers_a_damage_state() {
    // The bridge collapsed (a scripted closure, Complete) and substation 10
    // was destroyed before a M7 right under them: whatever lighter states
    // the aftershock draws change nothing there (the bridge is not closed
    // again at a lower state).
    let s = valley(FAR_QUAKE, "", "", 3.0);
    let collapse = Inject::CloseEdge {
        edge: EdgeId(3),
        reason: "collapse".into(),
        both_ways: true,
        state: DamageState::Complete,
    };
    let destroyed = Inject::Damage {
        facility: FacilityId(10),
        state: DamageState::Complete,
    };
    let r = run(s, &[(1.5, collapse), (1.5, destroyed), (2.0, AFTERSHOCK)]);
    assert!(
        r.events.iter().any(|e| e.t_s == 7200
            && matches!(e.kind, EventKind::FacilityDamaged { facility, .. } if facility.0 == 11)),
        "the aftershock damages the other substation: {:?}",
        r.events
    );
    let after: Vec<_> = r
        .events
        .iter()
        .filter(|e| {
            e.t_s >= 7200
                && match &e.kind {
                    EventKind::FacilityDamaged { facility, .. } => facility.0 == 10,
                    EventKind::EdgeDamaged { edge, .. }
                    | EventKind::EdgeOpened { edge }
                    | EventKind::EdgeClosed { edge, .. } => edge.0 == 3 || edge.0 == 4,
                    _ => false,
                }
        })
        .collect();
    assert!(after.is_empty(), "{after:?}");
}

/// The fire's arrival footprint (hours since the start; NaN unreached).
fn arrival(fps: &[Footprint]) -> Vec<f64> {
    let g = &fps
        .iter()
        .find(|f| f.kind == FootprintKind::FireArrival)
        .expect("the fire's footprint")
        .grid;
    g.data()
        .iter()
        .map(|&v| if g.is_nodata(v) { f64::NAN } else { v })
        .collect()
}

#[test]
fn a_weather_change_moves_the_fires_front_ahead_and_leaves_its_past() {
    let s = valley(FIRE, "", "", 4.0);
    let at_h = 1.2;
    let turn = Inject::Weather {
        wind_speed_m_s: 10.0,
        wind_from_deg: 90.0,
    };
    let (base, fb) = run_with_footprints(sim(s.clone(), &[]));
    let (turned, ft) = run_with_footprints(sim(s.clone(), &[(at_h, turn.clone())]));
    let (a, b) = (arrival(&fb), arrival(&ft));
    assert_eq!(a.len(), b.len());
    let same = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
    let mut changed = 0;
    for (x, y) in a.iter().zip(&b) {
        if *x <= at_h {
            assert_eq!(x, y, "a cell burnt before the change keeps its time");
        }
        if !same(*x, *y) {
            changed += 1;
            assert!(
                y.is_nan() || *y >= at_h,
                "no cell burns before the change: {x} → {y}"
            );
        }
    }
    assert!(
        a.iter().any(|x| *x > at_h),
        "the test needs a front still moving"
    );
    assert!(changed > 0, "the new wind moves the front");
    // Journalled once, at the change; the run before it is the same.
    let t = (at_h * 3600.0) as u64;
    assert_eq!(before(&base, t), before(&turned, t));
    let changes: Vec<_> = turned
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::WeatherChanged { .. }))
        .collect();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].t_s, t);
    // Before the ignition the fire simply starts with the new wind.
    let (_, early) = run_with_footprints(sim(s, &[(0.5, turn)]));
    let e = arrival(&early);
    assert!(a.iter().zip(&e).filter(|(x, y)| !same(**x, **y)).count() > changed / 2);
}

#[test]
fn a_weather_change_turns_a_chemical_release() {
    // The release at zone 1's node drifts east (wind from the west); at
    // 1.5 h the wind turns to come from the east and carries the gas over
    // zone 5, 350 m west of the source.
    let s = valley(CHLORINE, ALL_CREWS, "", 3.0);
    let turn = Inject::Weather {
        wind_speed_m_s: 3.0,
        wind_from_deg: 90.0,
    };
    let base = run(s.clone(), &[]);
    let turned = run(s, &[(1.5, turn)]);
    assert_eq!(before(&base, 5400), before(&turned, 5400));
    let reached = |r: &RunResult, z: u32| {
        r.events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::HazardReachedZone { zone, .. } if zone.0 == z))
            .map(|e| e.t_s)
            .min()
    };
    assert_eq!(reached(&base, 5), None, "upwind of the source");
    assert!(
        reached(&turned, 5).is_some_and(|t| t >= 5400),
        "{:?}",
        reached(&turned, 5)
    );
    assert_ne!(
        base.kpis["hazards"]["1 chemical leak"],
        turned.kpis["hazards"]["1 chemical leak"]
    );
}
