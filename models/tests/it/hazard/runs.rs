//! Hazards inside whole runs on a small valley: a 4 km × 4 km DEM and fuel
//! raster (100 m cells) with a river channel at x = 2 km, a road along
//! y = 2 km from node 1 (x 0.5 km) to node 4 (x 3.5 km) with a bridge over
//! the river, one zone per road node.

use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};
use qilian_engine::scenario::{Embedded, load_from};
use qilian_engine::{EventKind, RunResult, Scenario, ZoneId};
use qilian_hazardlib::footprint::{Footprint, FootprintKind};
use qilian_models::hazard::footprint::{self, run_with_footprints};
use qilian_testkit::leak;
use std::path::Path;
use std::sync::Arc;

const REGION: &str = r#"Region(
    name: "valley",
    nodes: [(id: 1, x: 500, y: 2000), (id: 2, x: 1500, y: 2000), (id: 3, x: 2500, y: 2000),
            (id: 4, x: 3500, y: 2000), (id: 5, x: 150, y: 2000)],
    edges: [
        (id: 1, from: 1, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
        (id: 2, from: 2, to: 1, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
        (id: 3, from: 2, to: 3, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true,
         bridge: Some((fragility: "HWB.GS.5"))),
        (id: 4, from: 3, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true,
         bridge: Some((fragility: "HWB.GS.5"))),
        (id: 5, from: 3, to: 4, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
        (id: 6, from: 4, to: 3, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
        (id: 7, from: 5, to: 1, length_m: 350, speed_kmh: 36, capacity_vph: 1000),
        (id: 8, from: 1, to: 5, length_m: 350, speed_kmh: 36, capacity_vph: 1000),
    ],
    zones: [
        (id: 1, name: "Z1", population: 1000, households: 300, node: 1, power: Some(10)),
        (id: 2, name: "Z2", population: 1000, households: 300, node: 2, power: Some(10)),
        (id: 3, name: "Z3", population: 1000, households: 300, node: 3, power: Some(11)),
        (id: 4, name: "Z4", population: 1000, households: 300, node: 4, power: Some(11)),
        (id: 5, name: "Z5", population: 1000, households: 300, node: 5, power: Some(10)),
    ],
    facilities: [
        (id: 10, name: "S10", kind: Substation, node: 2, fragility: Some("EP.S.L.U")),
        (id: 11, name: "S11", kind: Substation, node: 3, fragility: Some("EP.S.L.U")),
        (id: 61, name: "Chem", kind: ChemicalPlant, node: 1),
    ],
    rasters: (dem: Some("dem.asc"), fuel: Some("fuel.asc")),
)"#;

const PLAN: &str = r#"Plan(
    name: "p",
    depots: [(id: 1, name: "D", node: 4)],
    crews: [CREWS],
    priorities: [StopLeak, FireLine, Facility(Substation), Bridge, MainRoad, Road, Cleanup],
    repairs: [
        (work: Facility(Substation), crew: Power, hours: (
            slight: Fixed(1.0), moderate: Fixed(2.0), extensive: Fixed(3.0), complete: Fixed(4.0))),
        (work: Bridge, crew: Road, hours: (
            slight: Fixed(1.0), moderate: Fixed(2.0), extensive: Fixed(3.0), complete: Fixed(4.0))),
        (work: MainRoad, crew: Road, hours: (
            slight: Fixed(1.0), moderate: Fixed(1.0), extensive: Fixed(1.0), complete: Fixed(1.0))),
        (work: Road, crew: Road, hours: (
            slight: Fixed(1.0), moderate: Fixed(1.0), extensive: Fixed(1.0), complete: Fixed(1.0))),
        (work: Cleanup, crew: Hazmat, hours: (
            slight: Fixed(1.0), moderate: Fixed(1.0), extensive: Fixed(1.0), complete: Fixed(1.0))),
        (work: StopLeak, crew: Hazmat, hours: (
            slight: Fixed(0.5), moderate: Fixed(0.5), extensive: Fixed(0.5), complete: Fixed(0.5))),
        (work: FireLine, crew: Fire, hours: (
            slight: Fixed(4.0), moderate: Fixed(4.0), extensive: Fixed(4.0), complete: Fixed(4.0))),
    ],
    hazard_response: (RESPONSE),
    EXTRA
)"#;

pub(super) const ALL_CREWS: &str = "(id: 1, kind: Power, depot: 1, count: 1), (id: 2, kind: Road, depot: 1, count: 1), \
     (id: 3, kind: Hazmat, depot: 1, count: 1), (id: 4, kind: Fire, depot: 1, count: 5)";

/// 40 × 40 cells of 100 m; the river channel (cols 19–20) is 3 m lower and
/// does not burn (fuel 98, water); grass (fuel model 1) elsewhere.
fn rasters() -> (String, String) {
    let head = "ncols 40\nnrows 40\nxllcorner 0\nyllcorner 0\ncellsize 100\nNODATA_value -9999\n";
    let (mut dem, mut fuel) = (head.to_string(), head.to_string());
    for r in 0..40 {
        let row_dem: Vec<String> = (0..40)
            .map(|c: i32| {
                let x = c as f64 * 100.0 + 50.0;
                let y = (39 - r) as f64 * 100.0 + 50.0;
                let channel = if (19..=20).contains(&c) { -3.0 } else { 0.0 };
                format!(
                    "{}",
                    100.0 + 0.002 * (x - 2000.0).abs() + 0.001 * y + channel
                )
            })
            .collect();
        let row_fuel: Vec<&str> = (0..40)
            .map(|c| if (19..=20).contains(&c) { "98" } else { "1" })
            .collect();
        dem.push_str(&row_dem.join(" "));
        dem.push('\n');
        fuel.push_str(&row_fuel.join(" "));
        fuel.push('\n');
    }
    (dem, fuel)
}

/// A scenario on the valley with `hazards` (RON list body), the plan's
/// `crews` and `response` (hazard_response fields).
pub(super) fn valley(hazards: &str, crews: &str, response: &str, horizon_h: f64) -> Arc<Scenario> {
    valley_with(hazards, crews, response, horizon_h, "")
}

/// [`valley`] with `extra` plan fields (e.g. `casualties: (…),`).
pub(super) fn valley_with(
    hazards: &str,
    crews: &str,
    response: &str,
    horizon_h: f64,
    extra: &str,
) -> Arc<Scenario> {
    let text = format!(
        r#"Scenario(
            name: "v", region: "region.ron", plan: "plan.ron", horizon_h: {horizon_h}, seed: 5,
            targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
            hazards: [{hazards}],
        )"#
    );
    let (dem, fuel) = rasters();
    let src = Embedded::of([
        ("v/s.ron", leak(text)),
        ("v/region.ron", REGION),
        (
            "v/plan.ron",
            leak(
                PLAN.replace("CREWS", crews)
                    .replace("RESPONSE", response)
                    .replace("EXTRA", extra),
            ),
        ),
        ("v/dem.asc", leak(dem)),
        ("v/fuel.asc", leak(fuel)),
    ]);
    match load_from(&src, Path::new("v/s.ron")) {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("test scenario invalid:\n{e}"),
    }
}

pub(super) fn run(s: Arc<Scenario>) -> RunResult {
    qilian_models::standard_sim(s, 0).run()
}

pub(super) fn run_threads(s: Arc<Scenario>, threads: usize) -> RunResult {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| run(s))
}

fn count(r: &RunResult, f: impl Fn(&EventKind) -> bool) -> usize {
    r.events.iter().filter(|e| f(&e.kind)).count()
}

fn kpi<'a>(r: &'a RunResult, hazard: &str, key: &str) -> &'a serde_json::Value {
    &r.kpis["hazards"][hazard][key]
}

pub(super) const QUAKE: &str = r#"Earthquake((at_h: 1.0, magnitude: 7.0, rake_deg: 90.0, epicentre_x: 2000.0,
    epicentre_y: 2000.0, gmpe: "BooreAtkinson2008", vs30_default_mps: 300.0))"#;

pub(super) const CHLORINE: &str = r#"ChemicalLeak((at_h: 1.0, source: Facility(61), rate_kg_s: 5.0, duration_h: 3.0,
    chemical: "chlorine", terrain: Rural,
    wind: [(from_h: 0.0, speed_m_s: 3.0, from_deg: 270.0, stability: Class(D))]))"#;

/// A grass fire under day conditions throughout: the valley's scenarios
/// have no `start`, so hour 1 would be 01:00, in the default night, when
/// grass at 12 % moisture does not spread; these tests are about the
/// front's effects, so the fixture has no night (equal hours).
pub(super) const FIRE: &str = r#"Fire((at_h: 1.0, ignition_x: 1000.0, ignition_y: 300.0, wind_speed_m_s: 4.0,
    wind_from_deg: 180.0, facility_damage: Moderate,
    moisture: (dead_1h: 6.0, dead_10h: 7.0, dead_100h: 8.0, live_herb: 60.0, live_woody: 90.0),
    night: (from_local_h: 20.0, until_local_h: 20.0)))"#;

/// Every hazard together, and each alone (a scenario gets only the systems
/// of the hazards it has, so each mix is its own schedule).
#[test]
fn no_ambiguities_with_every_hazard() {
    let all = [QUAKE, CHLORINE, FIRE, FLOOD];
    let mixes = std::iter::once(all.join(", ")).chain(all.iter().map(|h| h.to_string()));
    for hazards in mixes {
        let mut sim = qilian_models::standard_sim(valley(&hazards, ALL_CREWS, "", 2.0), 0);
        let settings = ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..Default::default()
        };
        if let Err(e) = sim.check_schedule(settings) {
            panic!("{hazards}: {e}");
        }
    }
}

#[test]
fn earthquake_damages_facilities_and_bridges_then_crews_repair() {
    let r = run(valley(QUAKE, ALL_CREWS, "", 24.0));
    let damaged: Vec<_> = r
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::FacilityDamaged { .. }))
        .collect();
    assert!(
        !damaged.is_empty(),
        "a M7 under two weak substations damages them"
    );
    assert!(damaged.iter().all(|e| e.t_s == 3600));
    assert!(count(&r, |k| matches!(k, EventKind::FacilityRepaired { .. })) > 0);
    let pga = kpi(&r, "1 earthquake", "max_pga_g").as_f64().unwrap();
    assert!(pga > 0.1 && pga < 3.0, "{pga}");
    assert_eq!(kpi(&r, "1 earthquake", "sites"), 3);
}

#[test]
fn earthquake_is_the_same_on_any_thread_count_and_varies_by_seed() {
    let s = valley(QUAKE, ALL_CREWS, "", 6.0);
    let a = run_threads(s.clone(), 1);
    let b = run_threads(s.clone(), 2);
    assert_eq!(a.events, b.events);
    assert_eq!(a.kpis, b.kpis);
    let pgas: Vec<String> = (0..6)
        .map(|rep| {
            let r = qilian_models::standard_sim(s.clone(), rep).run();
            kpi(&r, "1 earthquake", "max_pga_g").to_string()
        })
        .collect();
    let mut distinct = pgas.clone();
    distinct.sort();
    distinct.dedup();
    assert!(
        distinct.len() > 1,
        "replicates draw different shaking: {pgas:?}"
    );
}

#[test]
fn a_sites_shaking_does_not_depend_on_the_other_sites() {
    use qilian_hazardlib::fragility;
    use qilian_models::hazard::earthquake::{Event, ShakeSite, shake};
    let e = qilian_engine::scenario::Earthquake {
        at_h: qilian_engine::Hours(0.0),
        magnitude: 6.5,
        rake_deg: 0.0,
        epicentre_x: 0.0,
        epicentre_y: 0.0,
        rupture_end: Some((10_000.0, 0.0)),
        gmpe: "AkkarBommer2010".into(),
        vs30_default_mps: 400.0,
    };
    let event = Event::new(&e).unwrap();
    let class = fragility::class("EP.S.M.A").unwrap();
    let sites: Vec<ShakeSite> = (0..200u64)
        .map(|k| ShakeSite {
            key: k,
            x: k as f64 * 100.0,
            y: 3000.0,
            vs30_mps: 400.0,
            class,
        })
        .collect();
    let streams = qilian_engine::Streams::new(9, 0);
    let all = shake(&event, &sites, &streams, 1);
    let tail = shake(&event, &sites[150..], &streams, 1);
    assert_eq!(&all[150..], &tail[..]);
    // Rjb to the trace: above its middle 3 km, past its end more.
    assert!((event.rjb_km(5000.0, 3000.0) - 3.0).abs() < 1e-12);
    assert!((event.rjb_km(14_000.0, 3000.0) - 5.0).abs() < 1e-12);
}

#[test]
fn chlorine_reaches_downwind_zones_and_a_hazmat_crew_stops_it() {
    let r = run(valley(CHLORINE, ALL_CREWS, "", 8.0));
    let reached = |z: u32, what: &str| {
        r.events.iter().any(|e| {
            matches!(&e.kind, EventKind::HazardReachedZone { zone, what: w, .. }
                if *zone == ZoneId(z) && &**w == what)
        })
    };
    // Zone 2 is 1 km downwind: tens of ppm, above AEGL-3 (20 ppm at 1 h).
    assert!(reached(2, "AEGL-3"));
    // Zone 5 is upwind of the source.
    assert!(!reached(5, "AEGL-1"));
    let stop = r
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::HazardEnded { why, .. } => Some((e.t_s, why.to_string())),
            _ => None,
        })
        .unwrap();
    assert_eq!(stop.1, "release stopped by a crew");
    assert!(
        stop.0 < 4 * 3600,
        "stopped before the 3 h release ran out: {stop:?}"
    );
    let deaths = kpi(&r, "1 chemical leak", "expected_fatalities")
        .as_f64()
        .unwrap();
    assert!(deaths > 0.0);
    // Zones above AEGL-2 need cleanup.
    assert!(count(&r, |k| matches!(k, EventKind::ZoneContaminated { .. })) >= 1);
}

#[test]
fn sheltering_in_place_lowers_the_toll() {
    // A source 1.15 km upwind of the first zone, where the dose is in the
    // probit's steep part (next to the source everyone dies either way).
    let upwind = CHLORINE.replace("Facility(61)", "Point(-1000.0, 2000.0)");
    let open = run(valley(&upwind, ALL_CREWS, "", 6.0));
    let sheltered = run(valley(
        &upwind,
        ALL_CREWS,
        "shelter_in_place: [1, 2, 3, 4, 5], shelter_factor: 0.2",
        6.0,
    ));
    let d = |r: &RunResult| {
        kpi(r, "1 chemical leak", "expected_fatalities")
            .as_f64()
            .unwrap()
    };
    assert!(
        d(&sheltered) < 0.5 * d(&open),
        "{} vs {}",
        d(&sheltered),
        d(&open)
    );
}

#[test]
fn fire_closes_roads_reaches_zones_and_fire_lines_hold_it() {
    let no_fire_crews = "(id: 1, kind: Power, depot: 1, count: 1), (id: 2, kind: Road, depot: 1, count: 1), \
         (id: 3, kind: Hazmat, depot: 1, count: 1)";
    let free = run(valley(FIRE, no_fire_crews, "", 8.0));
    let reached = |r: &RunResult| {
        count(
            r,
            |k| matches!(k, EventKind::HazardReachedZone { what, .. } if &**what == "fire front"),
        )
    };
    assert!(
        reached(&free) >= 2,
        "the grass fire crosses the road west of the river"
    );
    assert!(count(&free, |k| matches!(k, EventKind::EdgeClosed { .. })) >= 2);
    assert!(kpi(&free, "1 fire", "burnt_area_ha").as_f64().unwrap() > 100.0);
    // The river (non-burnable) stops it: nothing east of x = 2 km burns.
    assert!(!free.events.iter().any(|e| matches!(&e.kind,
        EventKind::HazardReachedZone { zone, .. } if zone.0 == 3 || zone.0 == 4)));

    let fought = run(valley(FIRE, ALL_CREWS, "fire_line_radius_m: 300.0", 8.0));
    assert!(kpi(&fought, "1 fire", "fire_lines").as_u64().unwrap() >= 1);
    assert!(
        reached(&fought) < reached(&free),
        "fire lines hold some zones"
    );
}

pub(super) const FLOOD: &str = r#"Flood((at_h: 0.5, manning_n: 0.035, boundary_slope: 0.001,
    facility_fail_depth_m: 0.5, zone_flood_depth_m: 0.1,
    inflows: [(x: 1000.0, y: 2150.0, hydrograph: [(0.0, 0.0), (1.0, 100.0), (4.0, 100.0), (6.0, 0.0)])]))"#;

#[test]
fn flood_closes_roads_then_crews_reopen_them_and_zones_are_reached() {
    let s = valley(FLOOD, ALL_CREWS, "road_close_depth_m: 0.3", 30.0);
    let r = run_threads(s.clone(), 2);
    let closed = |why: &str| {
        count(
            &r,
            |k| matches!(k, EventKind::EdgeClosed { reason, .. } if &**reason == why),
        )
    };
    assert!(
        closed("flooded") >= 2,
        "the overflowing river floods the road"
    );
    assert!(
        closed("flood mud and debris") >= 2,
        "receded roads need a crew"
    );
    assert!(count(&r, |k| matches!(k, EventKind::EdgeOpened { .. })) >= 2);
    assert!(count(&r, |k| matches!(k, EventKind::HazardReachedZone { .. })) >= 1);
    let inflow = kpi(&r, "1 flood", "inflow_m3").as_f64().unwrap();
    // 100 m³/s for 3 h plus 1-h and 2-h ramps at half: 4.5 h of peak flow.
    assert!(
        (inflow / (100.0 * 3600.0 * 4.5) - 1.0).abs() < 1e-9,
        "{inflow}"
    );
    // Same on one thread.
    assert_eq!(run_threads(s, 1).events, r.events);
}

#[test]
fn a_flood_forecast_warns_before_the_water_arrives() {
    use qilian_engine::scenario::{DepartureCurve, EvacuationRule, Trigger};
    use qilian_engine::{Hours, SimTime};
    use qilian_models::hazard::HazardArrival;
    let s = valley(FLOOD, ALL_CREWS, "road_close_depth_m: 0.3", 30.0);
    // Nobody leaves (compliance 0), so no shelter is needed.
    let mut plan = (*s.plan).clone();
    plan.evacuation.rules = vec![EvacuationRule {
        zones: s.region.zones.iter().map(|z| z.id).collect(),
        trigger: Trigger::HazardWithin(Hours(1.0)),
        persons_per_vehicle: 3.0,
        departure: DepartureCurve::Logistic {
            alpha_per_h: 2.0.into(),
            half_h: 1.0.into(),
        },
        compliance: 0.0,
    }];
    let with_rule = Arc::new(s.with_plan(Arc::new(plan)));
    let mut sim = qilian_models::standard_sim(with_rule, 0);
    // Onset at 0.5 h: the forecast is out by the end of that tick.
    while sim.world().resource::<qilian_engine::Clock>().now < SimTime::from_hours(Hours(0.6)) {
        sim.step();
    }
    let forecast = sim.world().resource::<HazardArrival>().forecast.clone();
    assert!(forecast.iter().any(Option::is_some), "{forecast:?}");
    let run = sim.run();
    let reached: Vec<(u32, u64)> = run
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::HazardReachedZone { zone, .. } => Some((zone.0, e.t_s)),
            _ => None,
        })
        .collect();
    assert!(!reached.is_empty());
    for (zone, t) in reached {
        let z = s.region.zones.iter().position(|x| x.id.0 == zone).unwrap();
        let f = forecast[z]
            .expect("every zone the water reaches was forecast")
            .0;
        // The forecast is the flood model run ahead: exact.
        assert_eq!(f, t, "zone {zone}");
    }
    // Zones the forecast reaches get warned one hour ahead (or at onset).
    let warned = run
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ZoneWarned { .. }))
        .count();
    assert_eq!(warned, forecast.iter().filter(|f| f.is_some()).count());
}

/// Every hazard's footprint from one run with all four, as rasters in the
/// region's metres.
fn footprints(horizon_h: f64, threads: usize) -> Vec<Footprint> {
    let s = valley(
        &[QUAKE, CHLORINE, FIRE, FLOOD].join(", "),
        ALL_CREWS,
        "road_close_depth_m: 0.3",
        horizon_h,
    );
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| run_with_footprints(qilian_models::standard_sim(s, 0)).1)
}

fn value(f: &Footprint, x: f64, y: f64) -> Option<f64> {
    f.grid.value_at(x, y)
}

#[test]
fn each_hazard_leaves_its_footprint() {
    let fps = footprints(6.0, 2);
    let kinds: Vec<(u32, &str)> = fps.iter().map(|f| (f.hazard, f.kind.slug())).collect();
    assert_eq!(
        kinds,
        [(1, "shaking"), (2, "plume"), (3, "fire"), (4, "flood")]
    );
    let (quake, gas, fire, flood) = (&fps[0], &fps[1], &fps[2], &fps[3]);

    // Shaking falls off with distance from the epicentre (2 km, 2 km).
    let near = value(quake, 2000.0, 2000.0).unwrap();
    let far = value(quake, 3600.0, 3600.0).unwrap();
    assert!(near > far && far > 0.0, "PGA {near} g near, {far} g far");

    // Chlorine: above AEGL-3 1 km downwind of the source (node 1, x 500 m),
    // nothing upwind at x 150 m.
    let FootprintKind::Plume { chemical, aegl_ppm } = &gas.kind else {
        panic!("{:?}", gas.kind)
    };
    assert_eq!(chemical, "chlorine");
    assert!(aegl_ppm[0] < aegl_ppm[1] && aegl_ppm[1] < aegl_ppm[2]);
    let downwind = value(gas, 1500.0, 2000.0).unwrap();
    assert!(downwind > aegl_ppm[2], "{downwind} ppm");
    assert!(value(gas, 100.0, 2000.0).is_none_or(|v| v < aegl_ppm[0]));

    // Fire: ignition (1 km, 300 m) at 1 h; later farther north; nothing
    // east of the river.
    let at_ignition = value(fire, 1000.0, 300.0).unwrap();
    assert!((1.0..1.1).contains(&at_ignition), "{at_ignition} h");
    let north = value(fire, 1000.0, 1500.0).unwrap();
    assert!(north > at_ignition && north <= 6.0, "{north} h");
    assert!(value(fire, 3000.0, 300.0).is_none());

    // Flood: the river channel (x ≈ 2 km) is wet, its depth at most the
    // KPI's maximum; the far high ground stays dry.
    let channel = value(flood, 1950.0, 2000.0).unwrap();
    assert!(channel > 0.1, "{channel} m");
    assert!(value(flood, 3900.0, 3900.0).is_none_or(|d| d < channel));
}

#[test]
fn footprints_wait_for_their_hazard_and_do_not_depend_on_threads() {
    let s = valley(
        &[QUAKE, CHLORINE, FIRE, FLOOD].join(", "),
        ALL_CREWS,
        "",
        3.0,
    );
    let mut sim = qilian_models::standard_sim(s, 0);
    footprint::record(&mut sim);
    let until = |sim: &mut qilian_engine::Sim, h: f64| {
        while sim.now().0 < (h * 3600.0) as u64 {
            sim.step();
        }
        footprint::collect(sim)
    };
    // Before any hazard starts (the flood at 0.5 h, the rest at 1 h).
    assert!(until(&mut sim, 0.25).is_empty());
    // The flood has started; the others have not.
    let early = until(&mut sim, 0.75);
    assert_eq!(early.len(), 1);
    assert_eq!(early[0].kind, FootprintKind::FloodDepth);
    assert_eq!(footprints(3.0, 1), footprints(3.0, 2));
}

#[test]
fn a_flood_trace_replayed_matches_a_freshly_computed_one() {
    // The flood solver runs once per flood and region; runs replay it. A
    // second run of the same scenario replays the memoised trace; a copy of
    // the scenario loaded separately (other region, network and rasters)
    // computes its own. All three must agree.
    let a = valley(FLOOD, ALL_CREWS, "road_close_depth_m: 0.3", 30.0);
    let b = valley(FLOOD, ALL_CREWS, "road_close_depth_m: 0.3", 30.0);
    let first = run(a.clone());
    let again = run(a);
    let fresh = run(b);
    assert!(count(&first, |k| matches!(k, EventKind::EdgeClosed { .. })) >= 2);
    assert_eq!(first.events, again.events);
    assert_eq!(first.events, fresh.events);
    assert_eq!(first.kpis, fresh.kpis);
    // A different closing depth is a different trace.
    let deeper = run(valley(FLOOD, ALL_CREWS, "road_close_depth_m: 5.0", 30.0));
    assert_ne!(deeper.events, first.events);
}

/// A release that runs its course ends at its exact second, part-way
/// through a tick (it used to be stamped at the start of the next tick).
#[test]
fn a_release_ends_at_its_exact_second() {
    // 1 h + 2 h 30 s: 10,830 s, not on a tick.
    let leak = CHLORINE.replace("duration_h: 3.0", "duration_h: 2.0083333333333333");
    let r = run(valley(&leak, "", "", 4.0));
    assert_ne!(10_830 % r.scenario.tick_s(), 0);
    let ended: Vec<(u64, String)> = r
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HazardEnded { why, .. } => Some((e.t_s, why.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(ended, [(10_830, "release ran its course".to_string())]);
}
