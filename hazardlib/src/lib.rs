//! # qilian-hazardlib
//!
//! Published hazard models as pure functions of their arguments: no World,
//! no bevy, no other Qilian crate, no files read, no clock, no thread RNG
//! (a sampling function takes the caller's uniform draw). Each model is one
//! file that cites its paper, equations, units and valid ranges, with its
//! verification table under `tests/data` and the test that checks it beside
//! it (`tests/it`), in the manner of OpenQuake's hazardlib.
//!
//! - [`gmpe`]: earthquake ground motion, trait [`gmpe::GroundMotionModel`]
//!   with Akkar & Bommer (2010) and Boore & Atkinson (2008);
//! - [`fragility`]: Hazus v5.1 lognormal fragilities, monotone exceedance,
//!   damage-state sampling from a caller's uniform draw;
//! - [`liquefaction`]: Hazus liquefaction probability and the permanent
//!   ground deformation (lateral spread, settlement) it causes;
//! - [`plume`]: Gaussian plume, Briggs rural / McElroy–Pooler urban σ,
//!   Pasquill–Gifford classes; [`puff`]: Gaussian puffs for releases under
//!   changing wind; [`dense`]: Britter & McQuaid's spreading of a dense
//!   gas cloud, which widens the puffs of a heavy release;
//! - [`toxic`]: chlorine AEGLs, toxic load, Withers & Lees probit;
//! - [`depth_damage`]: JRC (Huizinga et al. 2017) flood depth–damage curves;
//! - [`fire`]: Rothermel surface spread (BehavePlus conventions), fuel
//!   models, arrival times over a raster;
//! - [`flood`]: the local-inertial flood solver (Bates et al. 2010) on a
//!   DEM, hydrographs, the dam-break harness;
//! - [`grid`]: ESRI ASCII rasters (DEM, fuel, Vs30) and their cells;
//! - [`damage`]: the damage vocabulary (Hazus damage states, liquefaction
//!   susceptibility) that scenario files and the engine share;
//! - [`footprint`]: a hazard's field at the end of a run, as a raster;
//! - [`names`]: the error for a name not in a model's table;
//! - [`cases`]: the CSV table driver behind `qilian model NAME`; [`csv`]:
//!   the crate's one CSV reader;
//! - [`pager`]: the USGS PAGER empirical fatality rate (China parameters)
//!   with the Worden et al. (2012) PGA-to-intensity conversion;
//! - [`normal`], [`units`]: Φ and erf; unit newtypes of the hazard models.
//!
//! Must not import: bevy, rand, or any `qilian-*` crate. The engine (scenario
//! vocabulary, rasters) and the models (the ECS plugins that run these
//! functions inside a simulation) depend on this crate.

pub mod cases;
pub mod csv;
pub mod damage;
pub mod dense;
pub mod depth_damage;
pub mod fire;
pub mod flood;
pub mod footprint;
pub mod fragility;
pub mod gmpe;
pub mod grid;
pub mod liquefaction;
pub mod names;
pub mod normal;
pub mod pager;
pub mod plume;
pub mod puff;
pub mod toxic;
pub mod units;

pub use names::UnknownName;
