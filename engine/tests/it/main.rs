//! Integration tests of qilian-engine: the loader, the road network and the
//! schedule.

mod cache;
mod corpus;
mod hazards;
mod loader;
mod network;
mod schedule;

use qilian_engine::scenario::Embedded;
use qilian_testkit::leak;
use std::path::PathBuf;

/// A small valid world: 4 nodes in a square, one substation, one zone.
pub const REGION: &str = r#"Region(
    name: "square",
    nodes: [(id: 1, x: 0, y: 0), (id: 2, x: 1000, y: 0), (id: 3, x: 1000, y: 1000), (id: 4, x: 0, y: 1000)],
    edges: [
        (id: 1, from: 1, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 2, from: 2, to: 1, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 3, from: 2, to: 3, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 4, from: 3, to: 2, length_m: 1000, speed_kmh: 36, capacity_vph: 1000),
        (id: 5, from: 1, to: 4, length_m: 1000, speed_kmh: 72, capacity_vph: 1000, main_road: true),
        (id: 6, from: 4, to: 3, length_m: 1000, speed_kmh: 72, capacity_vph: 1000, main_road: true),
    ],
    zones: [(id: 1, name: "A", population: 100, households: 40, node: 1, power: Some(10))],
    facilities: [(id: 10, name: "S", kind: Substation, node: 3)],
)"#;

/// A plan with one power crew.
pub const PLAN: &str = r#"Plan(
    name: "p",
    depots: [(id: 1, name: "D", node: 1)],
    crews: [(id: 1, kind: Power, depot: 1, count: 1)],
    repairs: [(work: Facility(Substation), crew: Power, hours: (
        slight: Fixed(1.0), moderate: Fixed(2.0), extensive: Fixed(3.0), complete: Fixed(4.0)))],
)"#;

/// A scenario naming the region and plan files.
pub const SCENARIO: &str = r#"Scenario(
    name: "square",
    region: "region.ron",
    plan: "plan.ron",
    horizon_h: 10.0,
    targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
    injects: [(at_h: 1.0, event: Damage(facility: 10, state: Moderate))],
)"#;

/// The three files, with any of them replaced.
pub fn files(scenario: &str, region: &str, plan: &str) -> Embedded {
    Embedded(
        [
            ("s/scenario.ron", scenario),
            ("s/region.ron", region),
            ("s/plan.ron", plan),
        ]
        .into_iter()
        .map(|(p, t)| (PathBuf::from(p), leak(t)))
        .collect(),
    )
}
