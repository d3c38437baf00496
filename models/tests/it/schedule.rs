//! The standard schedule has no ambiguous systems: within a phase, systems
//! that touch the same data are ordered (docs/time-and-randomness.md#ticks-and-phases).

use crate::build::Builder;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};
use qilian_models::standard_sim;

#[test]
fn standard_schedule_has_no_ambiguities() {
    let mut b = Builder::new();
    b.node(1, 0.0, 0.0);
    let mut sim = standard_sim(b.build(), 0);
    let settings = ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    };
    if let Err(e) = sim.check_schedule(settings) {
        panic!("{e}");
    }
}
