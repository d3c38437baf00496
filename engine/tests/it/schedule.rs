//! The engine's schedule has no conflicting systems in a phase.

use super::{PLAN, REGION, SCENARIO, files};
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};
use qilian_engine::scenario::load_from;
use qilian_engine::{EventKind, Sim};
use std::path::Path;
use std::sync::Arc;

fn sim() -> Sim {
    let s = load_from(&files(SCENARIO, REGION, PLAN), Path::new("s/scenario.ron")).unwrap();
    Sim::new(Arc::new(s), 0)
}

#[test]
fn no_ambiguities() {
    let settings = ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    };
    sim().check_schedule(settings).unwrap();
}

#[test]
fn runs_to_the_horizon_tick_by_tick() {
    let mut sim = sim();
    let mut ticks = 0;
    while !sim.finished() {
        sim.step();
        ticks += 1;
    }
    assert_eq!(ticks, 600); // 10 h of 60 s ticks
    assert_eq!(sim.now().0, 36_000);
    // The engine alone applies no facility damage: that is a model's job.
    let run = sim.finish();
    assert!(
        !run.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::FacilityDamaged { .. }))
    );
}
