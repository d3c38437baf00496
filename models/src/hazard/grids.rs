//! The grids hazard systems record their footprints on: a [`RegionGrid`]
//! over the region (plume, shaking), [`to_grid`] for a model's own raster
//! (flood, fire), and the [`FootprintRecorder`] that a run keeps when its
//! footprints are wanted ([`super::footprint::record`]). A leaf: it imports
//! no hazard module, so the hazards and the footprint collector can both
//! use it.

use bevy_ecs::prelude::*;
use qilian_engine::Scenario;
use qilian_hazardlib::footprint::NODATA;
use qilian_hazardlib::grid::Grid;
use std::collections::BTreeMap;

/// Plume footprints are sampled this often, seconds of run time.
pub const PLUME_SAMPLE_S: f64 = 600.0;
/// Region grids (plume, shaking) have at most this many cells along a side.
const REGION_CELLS_PER_SIDE: f64 = 150.0;
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

/// Footprints recorded while the run goes (present only after [`super::footprint::record`]).
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
