//! Exposure: where the hazard has reached, and who it catches.
//!
//! [`HazardReach`] is the hook between hazard models and the models that react
//! to them. Hazard models (none exist yet) will fill it in the `Hazard` phase
//! from their fields — a zone is *reached* when the flood, fire front or plume
//! gets there, and `forecast_s` holds the time they expect it to — and until
//! then the `Expose { zone }` inject marks a zone reached. In the `Damage`
//! phase the evacuation counts as **exposed**:
//!
//! - everyone still in a reached zone: residents at home (not yet departed, or
//!   not complying) and departed vehicles still waiting at the zone's origin
//!   for room on the road;
//! - everyone in a vehicle on a link that closes with physical damage while
//!   they are on it (a flooded, burning or buried road). An operational
//!   closure (damage state `None`) lets the vehicles on it drive off.
//!
//! Exposed people leave the evacuation: they count in `exposed`, never in
//! `sheltered`. Casualties from exposure are a later model's work.

use bevy_ecs::prelude::*;
use qilian_engine::scenario::Inject;
use qilian_engine::sim::DueInjects;
use qilian_engine::{ScenarioRes, SimTime};

/// Where the hazard is, by dense zone index (region order).
#[derive(Clone, Debug, Resource)]
pub struct HazardReach {
    /// The hazard has reached the zone.
    pub reached: Vec<bool>,
    /// When a hazard model expects it to reach the zone, if it does.
    pub forecast_s: Vec<Option<SimTime>>,
}

impl HazardReach {
    /// Nothing reached, nothing forecast, for `zones` zones.
    pub fn new(zones: usize) -> HazardReach {
        HazardReach {
            reached: vec![false; zones],
            forecast_s: vec![None; zones],
        }
    }
}

/// `Expose { zone }` injects mark their zone reached.
pub(crate) fn apply_expose_injects(
    scenario: Res<ScenarioRes>,
    due: Res<DueInjects>,
    mut reach: ResMut<HazardReach>,
) {
    for inj in &due.0 {
        if let Inject::Expose { zone } = inj
            && let Some(z) = scenario.0.region.zones.iter().position(|x| x.id == *zone)
        {
            reach.reached[z] = true;
        }
    }
}
