//! Flood in a run (filled in when the solver lands).

use qilian_engine::Sim;

pub(crate) fn build(_sim: &mut Sim) {}

/// Hazard phase.
pub(crate) fn advance() {}

/// Damage phase.
pub(crate) fn damage() {}
