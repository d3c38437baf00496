//! Integration tests of qilian-models: whole simulations of small scenarios
//! built in memory (see [`build`]).

mod build;
mod conservation;
mod determinism;
mod evacuation;
mod schedule;
