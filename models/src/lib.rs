//! # qilian-models
//!
//! The models that run inside a [`Sim`]: each is a
//! [`SimPlugin`](qilian_engine::SimPlugin) adding its resources, entities and
//! systems to the engine's phases.
//!
//! - [`infrastructure`]: facility damage, power/water/telecom service per zone;
//! - [`responders`]: tasks from damage, dispatch, crews driving and working;
//! - [`hazard`]: earthquake, flood, fire and chemical release inside a run;
//! - [`evacuation`]: warnings, departures, queued traffic to shelters, exposure;
//! - [`casualties`]: deaths, injuries and trapped people by cause; rescue tasks;
//! - [`measure`]: the per-tick series and the run's KPIs.
//!
//! The published physics these plugins call (GMPEs, fragility, plume, fire
//! spread, the flood solver, …) lives in `qilian-hazardlib`, which knows
//! nothing of the World.
//!
//! Models never read files, the wall clock, environment variables or a thread
//! RNG: everything comes from the World (ARCHITECTURE.md#invariants).
//!
//! Boundaries: imports the engine and `qilian-hazardlib`, never the
//! evaluator, viewer, osm or drill. Every draw comes from a `Streams`
//! stream.

pub mod casualties;
pub mod evacuation;
pub mod hazard;
pub mod infrastructure;
pub mod measure;
pub mod responders;

use qilian_engine::{Scenario, Sim};

pub(crate) use qilian_engine::dist::unit as dist_unit;
use std::sync::Arc;

/// A simulation of `replicate` of `scenario` with every standard model.
pub fn standard_sim(scenario: Arc<Scenario>, replicate: u32) -> Sim {
    let mut sim = Sim::new(scenario, replicate);
    sim.add_plugin(infrastructure::InfrastructurePlugin)
        .add_plugin(responders::RespondersPlugin)
        .add_plugin(hazard::HazardPlugin)
        .add_plugin(measure::MeasurePlugin)
        .add_plugin(evacuation::EvacuationPlugin)
        .add_plugin(casualties::CasualtiesPlugin);
    sim
}
