//! Services follow damage and dependencies.

use super::{first, run, scenario};
use qilian_engine::{EventKind, FacilityId, Service, ZoneId};

fn col(r: &qilian_engine::RunResult, name: &str, t_s: u64) -> f64 {
    let i = r.series.t.iter().position(|t| t.0 == t_s).unwrap();
    r.series.get(name).unwrap()[i]
}

#[test]
fn water_plant_loses_power_with_its_substation() {
    let r = run(scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Complete))",
        "[]",
    ));
    assert!(
        first(&r, |k| *k
            == EventKind::ServiceLost {
                zone: ZoneId(1),
                service: Service::Water
            })
        .is_some()
    );
    // Zone 1 (300 people) loses power; zone 2 (100) keeps it.
    assert_eq!(col(&r, "power", 3600), 0.25);
    assert_eq!(col(&r, "water", 3600), 0.0);
    assert_eq!(col(&r, "power", 0), 1.0);
}

#[test]
fn telecom_runs_on_battery_then_fails() {
    // Substation 10 fails at 1 h; site 30 has 1 h of battery.
    let r = run(scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Complete))",
        "[]",
    ));
    assert_eq!(col(&r, "telecom", 3600), 1.0);
    assert_eq!(col(&r, "telecom", 3600 + 3540), 1.0);
    let dead = first(&r, |k| {
        *k == EventKind::BatteryDepleted {
            facility: FacilityId(30),
        }
    })
    .unwrap();
    // Unfed from 1 h, with 1 h of battery: dead at exactly 2 h.
    assert_eq!(dead.t_s, 3600 + 3600);
    assert_eq!(col(&r, "telecom", 3600 + 3600), 0.0);
    // Power back after the 4 h repair brings telecom back too.
    let back = first(&r, |k| {
        *k == EventKind::ServiceRestored {
            zone: ZoneId(1),
            service: Service::Telecom,
        }
    });
    assert!(back.unwrap().t_s > 4 * 3600);
}

#[test]
fn main_road_fraction_counts_open_length() {
    let r = run(scenario(
        "(at_h: 1.0, event: CloseEdge(edge: 5, reason: \"x\", both_ways: false))",
        "[]",
    ));
    assert_eq!(col(&r, "main_roads", 3600), 0.5);
    assert_eq!(col(&r, "main_roads_km_open", 3600), 1.0);
    // Cleared within the run by the road crew (1 h).
    assert_eq!(*r.series.get("main_roads").unwrap().last().unwrap(), 1.0);
}

#[test]
fn cleanup_needs_a_rule_and_crew() {
    // No cleanup rule in this plan: the zone stays dirty and the task open.
    let r = run(scenario(
        "(at_h: 1.0, event: Contaminate(zone: 1, reason: \"mud\"))",
        "[]",
    ));
    assert_eq!(*r.series.get("cleanup").unwrap().last().unwrap(), 0.0);
    assert_eq!(r.kpis["tasks"]["open"], 1);
}
