//! Raster flood inundation: on ESRI ASCII [`Grid`]s, a
//! local-inertial 2-D shallow-water solver (Bates, Horritt & Fewtrell 2010)
//! with an optional momentum-advection term, hydrograph and breach sources,
//! and a 1-D dam-break harness that runs the same solver for verification.
//!
//! Data flow: DEM text → [`Grid`] → [`FloodModel`] (+ [`Hydrograph`] sources)
//! → `advance_to` → depth / velocity / max depth / arrival time → [`Grid`] → text.
//!
//! Modules: [`hydrograph`] (inflows, breaches), [`solver`] (the solver, its
//! scheme and its conventions), [`dambreak`] (verification harness: the
//! solver on a 1-D channel, behind `qilian model dambreak`).
//!
//! Verification (`hazardlib/tests/it/flood`): Ritter dam break within
//! 0.008 m over the rarefaction fan and Stoker's wet-bed plateau within
//! 0.004 m (advective scheme), lake at rest to 1e-10 m, mass balance to
//! 1e-15 relative, Manning normal depth within 0.01 %, bit-identical results
//! on 1 and 2 threads.

pub mod dambreak;
pub mod hydrograph;
pub mod solver;

pub use crate::grid::{Grid, GridError};
pub use dambreak::{DamBreakOptions, DamBreakProfile, dambreak_1d, dambreak_profile};
pub use hydrograph::{Hydrograph, HydrographError};
pub use solver::{
    Boundaries, Boundary, Cell, FloodError, FloodModel, FloodParams, Manning, Scheme,
};
