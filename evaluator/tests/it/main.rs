//! Integration tests of qilian-evaluator: whole runs of small scenarios
//! built in memory, judged as `summary.json` judges them.

mod timing;

use qilian_engine::scenario::{Embedded, load_from};
use qilian_engine::{RunResult, Scenario};
use qilian_testkit::leak;
use std::path::Path;
use std::sync::Arc;

/// A line 1 — 2 — 3 (two-way, 1000 m at 36 km/h = 100 s per link), a
/// substation at 3 feeding the one zone, a main road 2 — 3.
pub const REGION: &str = r#"Region(
    name: "line",
    nodes: [(id: 1, x: 0, y: 0), (id: 2, x: 1000, y: 0), (id: 3, x: 2000, y: 0)],
    edges: [
        (id: 1, from: 1, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 2, from: 2, to: 1, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 3, from: 2, to: 3, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
        (id: 4, from: 3, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000, main_road: true),
    ],
    zones: [
        (id: 1, name: "A", population: 300, households: 100, node: 1, power: Some(10)),
    ],
    facilities: [
        (id: 10, name: "S10", kind: Substation, node: 3),
    ],
)"#;

/// One power crew at node 2 (100 s from the substation); a moderate
/// substation damage takes 2 h to repair.
pub const PLAN: &str = r#"Plan(
    name: "p",
    depots: [(id: 1, name: "D", node: 2)],
    crews: [(id: 1, kind: Power, depot: 1, count: 1)],
    priorities: [Facility(Substation)],
    repairs: [
        (work: Facility(Substation), crew: Power, hours: (
            slight: Fixed(1.0), moderate: Fixed(2.0), extensive: Fixed(3.0), complete: Fixed(4.0))),
    ],
)"#;

/// A scenario on [`REGION`] and [`PLAN`]: `tick_s`, `horizon_h`, the power
/// deadline and these injects (RON list body).
pub fn scenario(tick_s: u64, horizon_h: f64, power_h: f64, injects: &str) -> Arc<Scenario> {
    let text = format!(
        r#"Scenario(
            name: "t", region: "region.ron", plan: "plan.ron", horizon_h: {horizon_h:?},
            tick_s: {tick_s}, seed: 1,
            targets: Targets(cleanup_h: 48.0, power_h: {power_h:?}, water_h: 72.0,
                             telecom_h: 72.0, main_roads_h: 120.0),
            injects: [{injects}],
        )"#
    );
    let src = Embedded::of([
        ("t/s.ron", leak(text)),
        ("t/region.ron", REGION),
        ("t/plan.ron", PLAN),
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
