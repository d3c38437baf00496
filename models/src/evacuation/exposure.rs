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
//!
//! `shelter` marks zones told to shelter in place (the chemical model sets
//! it for the plan's `shelter_in_place` zones when a release starts): in the
//! `Decide` phase the evacuation stops their departures — vehicles not yet
//! gone stay home (status `InPlace`), those already on the road carry on —
//! and their rule no longer warns them. Their people stay in `at_home`, so
//! conservation is unchanged.

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
    /// The zone has been told to shelter in place (the plan's
    /// `hazard_response.shelter_in_place` once a chemical release starts):
    /// it is not warned to leave, and its households that have not left yet
    /// stay at home.
    pub shelter: Vec<bool>,
}

impl HazardReach {
    /// Nothing reached, nothing forecast, for `zones` zones.
    pub fn new(zones: usize) -> HazardReach {
        HazardReach {
            reached: vec![false; zones],
            forecast_s: vec![None; zones],
            shelter: vec![false; zones],
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
