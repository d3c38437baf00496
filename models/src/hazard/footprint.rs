//! Hazard footprints: each hazard's field at the end of a run as a plain
//! raster, for maps and GeoJSON (the viewer draws them; it never sees the
//! models' internal state).
//!
//! A [`Footprint`] is an engine [`Grid`] (region metres, row 0 north, NODATA
//! where the hazard did not reach) and a [`FootprintKind`] that says what the
//! values are:
//!
//! - flood: the maximum water depth over the run (the solver's own maximum,
//!   every solver step), m, on the DEM's cells;
//! - fire: arrival time of the front, hours since the run's start, on the
//!   fuel raster's cells (fire lines included; cells the front had not
//!   reached by the horizon are NODATA). A map at hour h draws the perimeter
//!   as the edge of the cells with arrival ≤ h;
//! - chemical: the peak ground-level concentration, ppm, on a grid over the
//!   region, sampled every [`PLUME_SAMPLE_S`] of run time (zones are sampled
//!   every tick, so the grid can miss a peak shorter than that), with the
//!   chemical's 60-min AEGL-1/2/3 levels for the threat zones;
//! - earthquake: PGA, g, on a grid over the region: the GMPE median at each
//!   cell's Rjb and Vs30 times this run's between-event term e^(τη). Sites'
//!   own within-event terms are not mapped (no spatial correlation model).
//!
//! Recording is opt-in ([`record`]) because only the chemical footprint
//! costs anything while the run goes, and stress runs do not draw maps; the
//! other footprints are read from the models' state after the run
//! ([`collect`], [`run_with_footprints`]).

use bevy_ecs::prelude::*;
use qilian_engine::grid::Grid;
use qilian_engine::{RunResult, Scenario, Sim};
use std::collections::BTreeMap;

/// Plume footprints are sampled this often, seconds of run time.
pub const PLUME_SAMPLE_S: f64 = 600.0;
/// Region grids (plume, shaking) have at most this many cells along a side.
const REGION_CELLS_PER_SIDE: f64 = 150.0;
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

/// A grid over the region's nodes and rasters (padded by 5 %), with at most
/// [`REGION_CELLS_PER_SIDE`] cells along the longer side.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegionGrid {
    pub xll: f64,
    pub yll: f64,
    pub cell: f64,
    pub ncols: usize,
    pub nrows: usize,
}

impl RegionGrid {
    pub(crate) fn of(s: &Scenario) -> RegionGrid {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for n in &s.region.nodes {
            x0 = x0.min(n.x);
            x1 = x1.max(n.x);
            y0 = y0.min(n.y);
            y1 = y1.max(n.y);
        }
        let r = &s.rasters;
        for g in [&r.dem, &r.fuel, &r.vs30].into_iter().flatten() {
            x0 = x0.min(g.xllcorner());
            y0 = y0.min(g.yllcorner());
            x1 = x1.max(g.xllcorner() + g.ncols() as f64 * g.cellsize());
            y1 = y1.max(g.yllcorner() + g.nrows() as f64 * g.cellsize());
        }
        if x0 > x1 {
            (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
        }
        let pad = 0.05 * (x1 - x0).max(y1 - y0).max(100.0);
        let (x0, x1, y0, y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
        // Whole tens of metres, so the grid prints cleanly.
        let cell = ((x1 - x0).max(y1 - y0) / REGION_CELLS_PER_SIDE / 10.0).ceil() * 10.0;
        RegionGrid {
            xll: x0,
            yll: y0,
            cell,
            ncols: ((x1 - x0) / cell).ceil() as usize,
            nrows: ((y1 - y0) / cell).ceil() as usize,
        }
    }

    /// Centre of cell `i` (row-major, row 0 north).
    pub(crate) fn centre(&self, i: usize) -> (f64, f64) {
        let (r, c) = (i / self.ncols, i % self.ncols);
        (
            self.xll + (c as f64 + 0.5) * self.cell,
            self.yll + ((self.nrows - r) as f64 - 0.5) * self.cell,
        )
    }

    /// A [`Grid`] of `values` (non-finite → NODATA).
    pub(crate) fn grid(&self, values: Vec<f64>) -> Option<Grid> {
        to_grid(
            self.ncols, self.nrows, self.xll, self.yll, self.cell, values,
        )
    }
}

/// A footprint grid; non-finite values become NODATA. `None` when nothing
/// has data.
pub(crate) fn to_grid(
    ncols: usize,
    nrows: usize,
    xll: f64,
    yll: f64,
    cell: f64,
    mut values: Vec<f64>,
) -> Option<Grid> {
    let mut any = false;
    for v in &mut values {
        if v.is_finite() {
            any = true;
        } else {
            *v = NODATA;
        }
    }
    if !any {
        return None;
    }
    Grid::new(ncols, nrows, xll, yll, cell, NODATA, values).ok()
}

/// Footprints recorded while the run goes (present only after [`record`]).
#[derive(Resource, Default)]
pub struct FootprintRecorder {
    /// Peak concentration per region-grid cell, ppm, by hazard number.
    pub(crate) plumes: BTreeMap<u32, PlumeSamples>,
}

/// One release's sampled peak concentrations.
pub(crate) struct PlumeSamples {
    pub grid: RegionGrid,
    pub peak_ppm: Vec<f64>,
    /// Next sample time, s.
    pub next_s: f64,
}

/// Ask `sim` to keep what [`collect`] needs for every hazard's footprint.
pub fn record(sim: &mut Sim) {
    sim.world_mut()
        .insert_resource(FootprintRecorder::default());
}

/// Every hazard's footprint as the run stands, in hazard order. Hazards that
/// have not started (or reached nothing) have none.
pub fn collect(sim: &Sim) -> Vec<Footprint> {
    let world = sim.world();
    let mut out = Vec::new();
    super::earthquake::footprints(world, &mut out);
    super::flood::footprints(world, &mut out);
    super::fire::footprints(world, &mut out);
    super::chemical::footprints(world, &mut out);
    out.sort_by_key(|f| f.hazard);
    out
}

/// Run `sim` to its horizon, recording footprints, and return the result
/// with every hazard's footprint.
pub fn run_with_footprints(mut sim: Sim) -> (RunResult, Vec<Footprint>) {
    record(&mut sim);
    while !sim.finished() {
        sim.step();
    }
    let footprints = collect(&sim);
    (sim.finish(), footprints)
}
