//! Integration tests of qilian-models: whole simulations of small scenarios
//! built in memory — the first vertical slice (damage → tasks → dispatch →
//! driving → repair → services) and evacuation (see [`build`]) — and
//! the hazard models against published reference cases and in whole runs
//! (`hazard/`).

mod build;
mod conservation;
mod determinism;
mod evacuation;
mod hazard;
mod schedule;
mod services;
mod slice;

use qilian_engine::scenario::{Embedded, load_from};
use qilian_engine::{EventKind, RunResult, Scenario, SimEvent};
use qilian_testkit::leak;
use std::path::Path;
use std::sync::Arc;

/// A line 1 — 2 — 3 — 4 (two-way, 1000 m at 36 km/h = 100 s per link) with a
/// fast bypass 1 → 5 → 3 (2 × 50 s), facilities at 3 and 4, and a hospital
/// at 4 that needs substation 11.
pub const REGION: &str = r#"Region(
    name: "line",
    nodes: [(id: 1, x: 0, y: 0), (id: 2, x: 1000, y: 0), (id: 3, x: 2000, y: 0),
            (id: 4, x: 3000, y: 0), (id: 5, x: 1000, y: 500)],
    edges: [
        (id: 1, from: 1, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 2, from: 2, to: 1, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 3, from: 2, to: 3, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 4, from: 3, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 5, from: 3, to: 4, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
        (id: 6, from: 4, to: 3, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
        (id: 7, from: 1, to: 5, length_m: 500, speed_kmh: 36, capacity_vph: 1000),
        (id: 8, from: 5, to: 3, length_m: 500, speed_kmh: 36, capacity_vph: 1000),
        (id: 9, from: 3, to: 5, length_m: 500, speed_kmh: 36, capacity_vph: 1000),
        (id: 10, from: 5, to: 1, length_m: 500, speed_kmh: 36, capacity_vph: 1000),
    ],
    zones: [
        (id: 1, name: "A", population: 300, households: 100, node: 1, power: Some(10), water: Some(20), telecom: Some(30)),
        (id: 2, name: "B", population: 100, households: 40, node: 4, power: Some(11)),
    ],
    facilities: [
        (id: 10, name: "S10", kind: Substation, node: 3),
        (id: 11, name: "S11", kind: Substation, node: 4),
        (id: 20, name: "W20", kind: WaterPlant, node: 3, needs: [10]),
        (id: 30, name: "T30", kind: TelecomSite, node: 3, needs: [10], battery_h: 1.0),
        (id: 40, name: "H40", kind: Hospital, node: 4, needs: [11]),
    ],
)"#;

/// One power crew and one road crew at node 1; fixed repair hours.
pub const PLAN: &str = r#"Plan(
    name: "p",
    depots: [(id: 1, name: "D", node: 1)],
    crews: [(id: 1, kind: Power, depot: 1, count: 1), (id: 2, kind: Road, depot: 1, count: 1)],
    priorities: [Facility(Hospital), Facility(Substation), MainRoad, Road],
    repairs: [
        (work: Facility(Substation), crew: Power, hours: (
            slight: Fixed(1.0), moderate: Fixed(2.0), extensive: Fixed(3.0), complete: Fixed(4.0))),
        (work: MainRoad, crew: Road, hours: (
            slight: Fixed(1.0), moderate: Fixed(1.0), extensive: Fixed(1.0), complete: Fixed(1.0))),
        (work: Road, crew: Road, hours: (
            slight: Fixed(1.0), moderate: Fixed(1.0), extensive: Fixed(1.0), complete: Fixed(1.0))),
    ],
    mutual_aid: MUTUAL_AID,
)"#;

/// Load a scenario on [`REGION`] and [`PLAN`] with these injects (RON list body).
pub fn scenario(injects: &str, mutual_aid: &str) -> Arc<Scenario> {
    let text = format!(
        r#"Scenario(
            name: "t", region: "region.ron", plan: "plan.ron", horizon_h: 12.0, seed: 1,
            targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
            injects: [{injects}],
        )"#
    );
    let src = Embedded::of([
        ("t/s.ron", leak(text)),
        ("t/region.ron", REGION),
        ("t/plan.ron", leak(PLAN.replace("MUTUAL_AID", mutual_aid))),
    ]);
    match load_from(&src, Path::new("t/s.ron")) {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("test scenario invalid:\n{e}"),
    }
}

/// Run to the horizon with every standard model.
pub fn run(s: Arc<Scenario>) -> RunResult {
    qilian_models::standard_sim(s, 0).run()
}

/// The first event matching `f`.
pub fn first(run: &RunResult, f: impl Fn(&EventKind) -> bool) -> Option<&SimEvent> {
    run.events.iter().find(|e| f(&e.kind))
}
