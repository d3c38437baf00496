//! The hazard models inside whole runs: earthquake ground failure, the
//! casualty model, and every hazard kind end to end. The published models
//! themselves are tested against their reference cases in
//! `qilian-hazardlib`.

mod casualties;
mod ground;
mod injects;
mod runs;
