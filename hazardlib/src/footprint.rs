//! Hazard footprints: one hazard's field at the end of a run as a plain
//! raster, for maps and GeoJSON. A [`Footprint`] is a [`Grid`] (region
//! metres, row 0 north, [`NODATA`] where the hazard did not reach) and a
//! [`FootprintKind`] that says what the values are: maximum flood depth (m),
//! fire arrival time (h since the run's start), peak plume concentration
//! (ppm, with the chemical's AEGLs) or PGA (g). The models record them
//! (`qilian_models::hazard::footprint`); the viewer draws them.

use crate::grid::Grid;

/// NODATA marker of footprint grids.
pub const NODATA: f64 = -9999.0;

/// What a footprint's values mean.
#[derive(Clone, Debug, PartialEq)]
pub enum FootprintKind {
    /// Maximum water depth over the run, m.
    FloodDepth,
    /// Arrival time of the fire front, hours since the run's start.
    FireArrival,
    /// Peak ground-level concentration, ppm.
    Plume {
        /// The chemical's name, e.g. `"chlorine"`.
        chemical: String,
        /// Its 60-min AEGL-1, -2 and -3, ppm (∞ where not defined).
        aegl_ppm: [f64; 3],
    },
    /// Peak ground acceleration, g (median with the run's between-event
    /// term).
    ShakingPga,
}

impl FootprintKind {
    /// Short name for file names: `flood`, `fire`, `plume`, `shaking`.
    pub fn slug(&self) -> &'static str {
        match self {
            FootprintKind::FloodDepth => "flood",
            FootprintKind::FireArrival => "fire",
            FootprintKind::Plume { .. } => "plume",
            FootprintKind::ShakingPga => "shaking",
        }
    }

    /// The quantity and its unit, e.g. `"max depth (m)"`.
    pub fn quantity(&self) -> &'static str {
        match self {
            FootprintKind::FloodDepth => "max depth (m)",
            FootprintKind::FireArrival => "arrival (h)",
            FootprintKind::Plume { .. } => "peak concentration (ppm)",
            FootprintKind::ShakingPga => "PGA (g)",
        }
    }
}

/// One hazard's footprint.
#[derive(Clone, Debug, PartialEq)]
pub struct Footprint {
    /// The hazard number (1-based position in the scenario's `hazards`).
    pub hazard: u32,
    /// What the values are.
    pub kind: FootprintKind,
    /// The values; NODATA ([`Grid::nodata`]) where the hazard did not reach.
    pub grid: Grid,
}
