//! # qilian-engine
//!
//! The core every other crate builds on: time ([`SimTime`], ticks, horizon), the
//! nine schedule [`Phase`]s, seeded random streams ([`SimRng`], [`Streams`]),
//! stable ids, the typed [`journal`], the scenario file format with its loader
//! and validation ([`scenario`]), and the road [`network`] with routing.
//! Raster layers and the damage vocabulary come from `qilian-hazardlib`.
//!
//! Data flow (docs/data-flow.md#from-file-to-result): `scenario.ron` →
//! [`scenario::load`] → an immutable [`Scenario`] shared through `Arc` →
//! [`Sim::new`] builds one replicate's `World` → models add their systems →
//! [`Sim::run`] → [`RunResult`].
//!
//! The engine runs no hazard model and no agent behaviour (it only checks a
//! scenario's model names against `qilian-hazardlib`'s tables): it declares the
//! data vocabulary (scenario types including hazard parameters, journal
//! events) and runs the clock.
//!
//! Boundaries: imports `qilian-hazardlib` (re-exporting its `DamageState`,
//! `Susceptibility` and `Metres` as scenario vocabulary) and no other Qilian
//! crate. Its only IO is the loader's: scenario files and the region cache.

pub mod dist;
pub mod ids;
pub mod input;
pub mod journal;
pub mod network;
pub mod radix;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod units;

pub use dist::Dist;
pub use ids::*;
pub use journal::{DropReason, EventKind, Journal, Service, SimEvent, StopReason};
pub use network::{EdgeState, EdgeStates, Network};
pub use rng::{SimRng, StreamTag, Streams};
pub use scenario::{Scenario, Targets, load};
pub use sim::{
    Clock, EngineSet, Kpis, OnInjects, Phase, RunResult, ScenarioRes, Series, Sim, SimPlugin,
};
pub use units::*;
