//! # qilian-models
//!
//! The models that run inside a [`Sim`]: each is a [`SimPlugin`](qilian_engine::SimPlugin) adding its
//! resources, entities and systems to the engine's phases.
//!
//! - [`infrastructure`]: facility damage, power/water/telecom service per zone;
//! - [`responders`]: tasks from damage, dispatch, crews driving and working;
//! - [`hazard`]: earthquake, flood, fire and chemical release inside a run;
//! - [`evacuation`]: warnings, departures, queued traffic to shelters, exposure;
//! - [`casualties`]: deaths, injuries and trapped people by cause; rescue tasks;
//! - [`measure`]: the per-tick series and the run's KPIs.
//!
//! Pure hazard models (functions of their arguments, no World, each file
//! citing its paper, equations, units and valid ranges; checked against the
//! reference cases in `tests/it`):
//!
//! - [`gmpe`]: earthquake ground motion, trait [`gmpe::GroundMotionModel`]
//!   with Akkar & Bommer (2010) and Boore & Atkinson (2008);
//! - [`fragility`]: Hazus v5.1 lognormal fragilities, monotone exceedance,
//!   damage-state sampling from a caller's uniform draw;
//! - [`liquefaction`]: Hazus liquefaction probability and the permanent
//!   ground deformation (lateral spread, settlement) it causes;
//! - [`puff`]: Gaussian puffs for releases under changing wind;
//! - [`plume`]: Gaussian plume, Briggs rural / McElroy–Pooler urban σ,
//!   Pasquill–Gifford classes;
//! - [`toxic`]: chlorine AEGLs, toxic load, Withers & Lees probit;
//! - [`fire`]: Rothermel surface spread (BehavePlus conventions), fuel
//!   models, arrival times over a raster;
//! - [`flood`]: the local-inertial flood solver (Bates et al. 2010) on a
//!   DEM, hydrographs, the dam-break harness;
//! - [`depth_damage`]: JRC (Huizinga et al. 2017) flood depth–damage curves;
//! - [`cases`]: the CSV table driver behind `qilian model NAME`;
//! - [`normal`], [`units`]: Φ and erf; unit newtypes of the hazard models.
//!
//! Models never read files, the wall clock, environment variables or a thread
//! RNG: everything comes from the World (DESIGN §1).

pub mod cases;
pub mod casualties;
pub mod depth_damage;
pub mod evacuation;
pub mod fire;
pub mod flood;
pub mod fragility;
pub mod gmpe;
pub mod hazard;
pub mod infrastructure;
pub mod liquefaction;
pub mod measure;
pub mod normal;
mod output;
pub mod plume;
pub mod puff;
pub mod responders;
pub mod toxic;
pub mod units;

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

/// A name (class id, region, chemical, …) that is not in a model's table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}` (expected one of: {expected})")]
pub struct UnknownName {
    /// What kind of name was looked up, e.g. "fragility class".
    pub what: &'static str,
    /// The text given.
    pub value: String,
    /// The accepted names, comma-separated, for the message.
    pub expected: &'static str,
}

impl UnknownName {
    /// Builds the error for `value` not being a known `what`.
    pub fn new(what: &'static str, value: &str, expected: &'static str) -> Self {
        UnknownName {
            what,
            value: value.to_string(),
            expected,
        }
    }
}
