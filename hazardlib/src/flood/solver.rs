//! 2-D raster flood inundation: the **local-inertial** shallow-water scheme of
//! Bates, Horritt & Fewtrell (2010), *A simple inertial formulation of the
//! shallow water equations for efficient two-dimensional flood inundation
//! modelling*, J. Hydrology 387:33–45, plus an optional advective variant
//! after Stelling & Duinmeijer (2003), *A staggered conservative scheme for
//! every Froude number in rapidly varied shallow water flows*, Int. J. Numer.
//! Meth. Fluids 43:1329–1354.
//!
//! Main type: [`FloodModel`] (built from a DEM [`Grid`] and [`FloodParams`],
//! fed by [`Hydrograph`] sources, advanced with [`FloodModel::advance_to`]).
//!
//! # Scheme
//!
//! Staggered ("C") grid on the DEM raster: depth `h` (m) at cell centres, unit
//! discharges `qx`, `qy` (m²/s) on cell faces. Per step of length `Δt`:
//!
//! 1. **Momentum** on every face between cells `a` (minus side) and `b`:
//!    - [`Scheme::LocalInertial`] — Bates et al. (2010) eq. 11, advection
//!      dropped, friction semi-implicit:
//!
//!      ```text
//!      h_flow   = max(η_a, η_b) − max(z_a, z_b)          (η = h + z)
//!      q^{t+Δt} = (q^t − g h_flow Δt (η_b − η_a)/Δx) / (1 + g n² |q^t| Δt / h_flow^{7/3})
//!      ```
//!    - [`Scheme::InertialWithAdvection`] — Stelling & Duinmeijer (2003)
//!      form: the face *velocity* `u` is the prognostic variable, advection
//!      is first-order upwind and momentum-conservative, the pressure term
//!      uses the mean depth `h̄` (conservative: `g h̄ ∂h/∂x = ∂(g h²/2)/∂x`),
//!      and the face discharge uses the upwind depth `ĥ`:
//!
//!      ```text
//!      u' = (u − Δt (A/h̄ + g (η_b − η_a)/Δx)) / (1 + g n² |u| Δt / h_flow^{4/3})
//!      q' = ĥ u'
//!      A  = Σ over the two cell centres and two corners of [q̄ u* − u q̄] differences / Δx
//!      ```
//!
//!      (`q̄` a mean face discharge through the centre or corner, `u*` the
//!      upwind face velocity there; see `Kernel::momentum_row_sd`). This is
//!      the variant that passes the dam-break checks: without advection the
//!      equations have the wrong characteristics at Froude ≈ 1 (README).
//!
//!    In both, `q = 0` where `h_flow ≤` the wetting/drying threshold.
//! 2. **Flux limiter** (positivity): for each cell the outgoing depth
//!    `Δt/Δx · Σ max(out-flux, 0)` is compared with the depth it holds; if it
//!    would take more than `(1 − 10⁻¹²) h`, *every outgoing face* of that cell
//!    is scaled by `s = (1 − 10⁻¹²) h / out`. Each face has exactly one donor
//!    cell (the one the flow leaves), so each face is scaled by one factor,
//!    and the same scaled value is used by both neighbours: conservation is
//!    untouched, and `h + in − out ≥ 10⁻¹² h − round-off ≥ 0`. The scaled
//!    discharges (and velocities) are stored for the next step.
//! 3. **Continuity** (storage-cell mass balance):
//!    `h ← h + Δt/Δx (q_west − q_east + q_north − q_south)`. The face flux is
//!    computed once per face from `(q, s_donor)` by one function, so the two
//!    cells sharing a face add and subtract bit-identical numbers: the update
//!    is exactly antisymmetric and total volume changes only by per-cell
//!    round-off (≈ 10⁻¹⁶ relative per step) plus sources and boundary
//!    outflow, which are accounted for.
//! 4. **Sources** (hydrographs, breaches) add `∫Q dt` over the step, integrated
//!    exactly from the piecewise-linear `Q(t)`.
//!
//! Time step, Bates et al. (2010) eq. 12: `Δt = α Δx / √(g h_max)`, `α ≈ 0.7`;
//! with advection the signal speed is `√(g h_max) + |u|_max` (`|u|_max` from
//! the previous step). Capped by [`FloodParams::max_dt_s`] and shortened to
//! land exactly on the `advance_to` target.
//!
//! Boundaries are closed (reflective, `q = 0`) unless a side is
//! [`Boundary::Free`]: then the boundary face carries outward-only flow from the
//! local-inertial equation with the water-surface slope fixed at the given
//! slope (LISFLOOD-FP's "FREE" boundary), and the outflow volume is recorded.
//!
//! # Parallelism, determinism, dry areas
//!
//! Every pass runs over grid rows with rayon (`par_chunks_mut`); each row is
//! computed by the same code from the same inputs whatever thread runs it, and
//! every reduction that is not a `max` is done as per-row partials summed in
//! row order. Results are therefore bit-identical for any thread count.
//!
//! Each row keeps the span from its first to its last wet cell. A face outside
//! the spans is dry by construction (`h_flow ≤ max(h_a, h_b)`), so the passes
//! only compute inside the spans (widened by one cell) and write zeros
//! elsewhere: dry land costs almost nothing, and results are bit-identical to
//! computing every face (checked when this was introduced).
//!
//! # Conventions and units
//!
//! Metres, seconds, m³/s; the DEM must be in a projected CRS with metre cells.
//! Row 0 is the north edge (ESRI order); `qx > 0` flows east, internal
//! `qy > 0` flows south (towards increasing row); public velocities are
//! (east, north). DEM NODATA cells are inactive: they hold no water and every
//! face touching them is closed.
//!
//! Glossary: *h_flow* — depth available for flow across a face; *wet* — depth
//! above the threshold; *donor* — the cell a face flux leaves; *span* — the
//! columns of a row between its first and last wet cell.

use rayon::prelude::*;
use thiserror::Error;

use super::hydrograph::{Hydrograph, HydrographError};
use crate::grid::{Grid, GridError};

/// Standard gravity used by default, m/s².
pub const G: f64 = 9.81;

/// Bed elevation given to NODATA cells, m. Far above any water level, so every
/// face touching such a cell has `h_flow = 0` and stays closed without a branch
/// in the hot loops.
const WALL_Z: f64 = 1.0e30;

/// Fraction of a cell's depth that the limiter lets flow out in one step; the
/// margin absorbs summation round-off so depths never go below zero.
const OUT_FRACTION: f64 = 1.0 - 1.0e-12;

/// Grids with fewer cells run sequentially (rayon's per-call cost would
/// dominate); the result is identical either way.
const PAR_MIN_CELLS: usize = 16_384;

/// Rows per rayon task at least, so a task has a few thousand cells.
const TASK_CELLS: usize = 4_096;

/// Errors from building or running a [`FloodModel`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FloodError {
    /// A parameter outside its valid range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Value given.
        value: f64,
        /// Valid range.
        reason: &'static str,
    },
    /// A cell outside the grid.
    #[error("cell (row {row}, col {col}) is outside the {nrows} × {ncols} grid")]
    CellOutOfRange {
        /// Row asked for.
        row: usize,
        /// Column asked for.
        col: usize,
        /// Grid rows.
        nrows: usize,
        /// Grid columns.
        ncols: usize,
    },
    /// A cell that is NODATA in the DEM.
    #[error("cell (row {row}, col {col}) is NODATA in the DEM")]
    InactiveCell {
        /// Row.
        row: usize,
        /// Column.
        col: usize,
    },
    /// A per-cell Manning grid of the wrong size or with bad values.
    #[error("Manning n: {0}")]
    Manning(String),
    /// A rejected hydrograph (lets callers use `?` on
    /// [`Hydrograph::new`] in functions returning `FloodError`).
    #[error("hydrograph: {0}")]
    Hydrograph(#[from] HydrographError),
    /// A grid could not be built (only for absurd sizes).
    #[error(transparent)]
    Grid(#[from] GridError),
    /// `advance_to` asked to go back in time.
    #[error("target time {target_s} s is before the model time {now_s} s")]
    TimeBackwards {
        /// Requested time.
        target_s: f64,
        /// Current model time.
        now_s: f64,
    },
    /// A depth became non-finite or negative: a blow-up (time step too large
    /// for the flow, e.g. `cfl_alpha` too high) or a broken invariant.
    #[error("solution became non-finite at t = {time_s} s in row {row}")]
    Unstable {
        /// Model time of the failing step.
        time_s: f64,
        /// First row where it was detected.
        row: usize,
    },
    /// The stable time step is zero, non-finite or too small to advance the
    /// clock (a blow-up, or a model time so large that `t + Δt == t`).
    #[error("time step {dt_s} s cannot advance the model at t = {time_s} s")]
    TimeStepTooSmall {
        /// The step, s.
        dt_s: f64,
        /// Model time, s.
        time_s: f64,
    },
}

/// A grid cell: `row` 0 is the north edge, `col` 0 the west edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    /// Row, north → south.
    pub row: usize,
    /// Column, west → east.
    pub col: usize,
}

impl Cell {
    /// The cell at `(row, col)`.
    pub fn new(row: usize, col: usize) -> Self {
        Self { row, col }
    }
}

/// Manning roughness `n`, s·m^(−1/3).
#[derive(Debug, Clone, PartialEq)]
pub enum Manning {
    /// One value for the whole grid.
    Uniform(f64),
    /// One value per cell, row-major (row 0 north), `nrows × ncols` long. A
    /// face uses the mean of `n²` of its two cells.
    PerCell(Vec<f64>),
}

/// Which momentum equation the faces solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Bates et al. (2010): no advection term, discharge as the prognostic
    /// variable. Fast, accurate for slowly varying floodplain flow (Froude ≲
    /// 0.5); wrong wave structure at Froude ≈ 1 (dam breaks: decimetres off).
    #[default]
    LocalInertial,
    /// Stelling & Duinmeijer (2003): face velocity as the prognostic
    /// variable, first-order upwind momentum-conservative advection, upwind
    /// depth in the fluxes. Passes the Ritter and Stoker dam-break checks;
    /// several times the cost per step (no vectorised loop, shorter step).
    InertialWithAdvection,
}

/// Condition on one side of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Boundary {
    /// Reflective wall, no flow.
    #[default]
    Closed,
    /// Free outflow: water leaves with the momentum equation solved at the
    /// boundary face for a water-surface slope `slope` (m/m, ≥ 0, e.g. the
    /// local bed slope) falling outwards. Inflow through it is not allowed.
    Free {
        /// Water-surface slope falling outwards, m/m.
        slope: f64,
    },
}

/// Conditions on the four sides.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Boundaries {
    /// Row 0 side.
    pub north: Boundary,
    /// Last-row side.
    pub south: Boundary,
    /// Last-column side.
    pub east: Boundary,
    /// Column 0 side.
    pub west: Boundary,
}

/// Solver parameters. `FloodParams::default()` is a floodplain setting:
/// local-inertial, n = 0.03, threshold 1 mm, α = 0.7, closed boundaries.
#[derive(Debug, Clone, PartialEq)]
pub struct FloodParams {
    /// Gravity, m/s².
    pub gravity: f64,
    /// Manning roughness.
    pub manning: Manning,
    /// Wetting/drying threshold, m: faces with `h_flow` at or below it carry no
    /// flow, and a cell counts as flooded (arrival time) above it.
    pub dry_threshold_m: f64,
    /// Courant factor α in `Δt = α Δx / √(g h_max)`, in (0, 1].
    pub cfl_alpha: f64,
    /// Largest step, s (used when the grid is dry or very shallow).
    pub max_dt_s: f64,
    /// Momentum equation.
    pub scheme: Scheme,
    /// Side conditions.
    pub boundaries: Boundaries,
}

impl Default for FloodParams {
    fn default() -> Self {
        Self {
            gravity: G,
            manning: Manning::Uniform(0.03),
            dry_threshold_m: 1.0e-3,
            cfl_alpha: 0.7,
            max_dt_s: 10.0,
            scheme: Scheme::LocalInertial,
            boundaries: Boundaries::default(),
        }
    }
}

/// Outward slopes per side, `None` = closed. Order: north, south, east, west.
#[derive(Debug, Clone, Copy)]
struct Sides {
    north: Option<f64>,
    south: Option<f64>,
    east: Option<f64>,
    west: Option<f64>,
}

/// Per-row summary of a continuity pass.
#[derive(Debug, Clone, Copy)]
struct RowState {
    /// Largest depth in the row, m.
    hmax: f64,
    /// Wet span of the row after the update.
    wet: (usize, usize),
    /// Σ |q| over boundary faces of the row, m²/s (× Δt Δx = volume out).
    out_q: f64,
    /// A non-finite or negative depth appeared.
    bad: bool,
}

/// A 2-D flood model on a DEM. See the module docs for the scheme.
#[derive(Debug, Clone)]
pub struct FloodModel {
    nr: usize,
    nc: usize,
    dx: f64,
    g: f64,
    thr: f64,
    alpha: f64,
    max_dt: f64,
    scheme: Scheme,
    sides: Sides,
    xll: f64,
    yll: f64,
    nodata: f64,
    parallel: bool,
    rows_per_task: usize,

    active: Vec<bool>,
    /// Bed elevation, m (WALL_Z at NODATA cells).
    z: Vec<f64>,
    /// Depth, m.
    h: Vec<f64>,
    /// Manning n² per cell; a single row (reused for every row) when `n` is
    /// uniform, which saves a full-grid read per step.
    n2: Vec<f64>,
    n2_uniform: bool,
    /// x-face discharges, m²/s, > 0 eastward: `nr` rows of `nc + 1` faces,
    /// face `f` between cells `f − 1` and `f` (0 and `nc` are boundaries).
    qx: Vec<f64>,
    /// y-face discharges, m²/s, > 0 southward: `nr + 1` face rows of `nc`,
    /// face row `r` between cell rows `r − 1` and `r` (0 and `nr` are
    /// boundaries).
    qy: Vec<f64>,
    /// Next-step buffers of the advective scheme (empty otherwise: the
    /// local-inertial update is in place).
    qx_next: Vec<f64>,
    qy_next: Vec<f64>,
    /// Face velocities, the prognostic variable of the advective scheme
    /// (empty without advection); same layouts as `qx`, `qy`.
    ux: Vec<f64>,
    uy: Vec<f64>,
    ux_next: Vec<f64>,
    uy_next: Vec<f64>,
    /// Largest |u| on a wet face after the last momentum pass (advection only).
    umax: f64,
    /// Limiter factor per cell.
    s: Vec<f64>,
    /// Ones, for donors outside the grid.
    ones: Vec<f64>,
    max_depth: Vec<f64>,
    arrival: Vec<f64>,

    row_hmax: Vec<f64>,
    /// Per row, the half-open column span from the first to the last cell
    /// deeper than the threshold (`(0, 0)` if none). Faces outside the spans
    /// are dry by construction (`h_flow ≤ max(h_a, h_b)`), so passes skip them.
    wet_span: Vec<(usize, usize)>,
    qx_active: Vec<bool>,
    qy_active: Vec<bool>,
    row_limited: Vec<bool>,

    sources: Vec<(usize, Hydrograph)>,
    t: f64,
    steps: u64,
    last_dt: f64,
    inflow: f64,
    outflow: f64,
}

fn check(name: &'static str, value: f64, ok: bool, reason: &'static str) -> Result<(), FloodError> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(FloodError::InvalidParameter {
            name,
            value,
            reason,
        })
    }
}

fn side(name: &'static str, b: Boundary) -> Result<Option<f64>, FloodError> {
    match b {
        Boundary::Closed => Ok(None),
        Boundary::Free { slope } => {
            check(name, slope, slope >= 0.0, "free-boundary slope must be ≥ 0")?;
            Ok(Some(slope))
        }
    }
}

/// Builds a [`Kernel`] from disjoint field borrows of a `FloodModel`, so a
/// pass can write one array while the kernel reads the others. `h`, `q`, `s`,
/// `ux`, `uy` are passed explicitly (an empty slice where the pass neither needs nor
/// may borrow them).
macro_rules! kernel {
    ($m:ident, $dt:expr, h: $h:expr, q: ($qx:expr, $qy:expr), s: $s:expr, ux: $ux:expr, uy: $uy:expr) => {
        Kernel {
            nr: $m.nr,
            nc: $m.nc,
            inv_dx: 1.0 / $m.dx,
            g: $m.g,
            thr: $m.thr,
            dt: $dt,
            g_dt_dx: $m.g * $dt / $m.dx,
            half_g_dt: 0.5 * $m.g * $dt,
            sides: $m.sides,
            z: &$m.z,
            h: $h,
            n2: &$m.n2,
            n2_uniform: $m.n2_uniform,
            qx: $qx,
            qy: $qy,
            ux: $ux,
            uy: $uy,
            s: $s,
            ones: &$m.ones,
            wet_span: &$m.wet_span,
            limited: &$m.row_limited,
        }
    };
}

impl FloodModel {
    /// Builds a dry model on `dem` (bed elevations in m, cellsize in m; NODATA
    /// cells become inactive).
    pub fn new(dem: &Grid, params: FloodParams) -> Result<Self, FloodError> {
        let FloodParams {
            gravity,
            manning,
            dry_threshold_m,
            cfl_alpha,
            max_dt_s,
            scheme,
            boundaries,
        } = params;
        check("gravity", gravity, gravity > 0.0, "must be > 0")?;
        check(
            "dry_threshold_m",
            dry_threshold_m,
            dry_threshold_m >= 1e-9,
            "must be ≥ 1e-9 m",
        )?;
        check(
            "cfl_alpha",
            cfl_alpha,
            cfl_alpha > 0.0 && cfl_alpha <= 1.0,
            "must be in (0, 1]",
        )?;
        check("max_dt_s", max_dt_s, max_dt_s > 0.0, "must be > 0")?;
        let sides = Sides {
            north: side("boundaries.north", boundaries.north)?,
            south: side("boundaries.south", boundaries.south)?,
            east: side("boundaries.east", boundaries.east)?,
            west: side("boundaries.west", boundaries.west)?,
        };
        let (nr, nc) = (dem.nrows(), dem.ncols());
        let n = nr * nc;
        let n2_uniform = matches!(manning, Manning::Uniform(_));
        let n2 = match manning {
            Manning::Uniform(v) => {
                check("manning", v, v >= 0.0, "must be ≥ 0")?;
                vec![v * v; nc]
            }
            Manning::PerCell(vals) => {
                if vals.len() != n {
                    return Err(FloodError::Manning(format!(
                        "{} values for a grid of {n} cells",
                        vals.len()
                    )));
                }
                // Values at DEM NODATA cells are ignored (they hold no water).
                let valid = |v: f64| v.is_finite() && v >= 0.0;
                let bad = (0..n).find(|&i| !dem.is_nodata(dem.data()[i]) && !valid(vals[i]));
                if let Some(i) = bad {
                    return Err(FloodError::Manning(format!(
                        "value {} at row {}, col {} must be finite and ≥ 0",
                        vals[i],
                        i / nc,
                        i % nc
                    )));
                }
                vals.iter()
                    .zip(dem.data())
                    .map(|(v, &z)| if dem.is_nodata(z) { 0.0 } else { v * v })
                    .collect()
            }
        };
        let active: Vec<bool> = dem.data().iter().map(|&v| !dem.is_nodata(v)).collect();
        let z: Vec<f64> = dem
            .data()
            .iter()
            .zip(&active)
            .map(|(&v, &a)| if a { v } else { WALL_Z })
            .collect();
        let adv = scheme == Scheme::InertialWithAdvection;
        Ok(Self {
            nr,
            nc,
            dx: dem.cellsize(),
            g: gravity,
            thr: dry_threshold_m,
            alpha: cfl_alpha,
            max_dt: max_dt_s,
            scheme,
            sides,
            xll: dem.xllcorner(),
            yll: dem.yllcorner(),
            nodata: dem.nodata(),
            parallel: nr >= 2 && n >= PAR_MIN_CELLS,
            rows_per_task: (TASK_CELLS / nc).max(1),
            active,
            z,
            h: vec![0.0; n],
            n2,
            n2_uniform,
            qx: vec![0.0; nr * (nc + 1)],
            qy: vec![0.0; (nr + 1) * nc],
            qx_next: if adv {
                vec![0.0; nr * (nc + 1)]
            } else {
                Vec::new()
            },
            qy_next: if adv {
                vec![0.0; (nr + 1) * nc]
            } else {
                Vec::new()
            },
            ux: if adv {
                vec![0.0; nr * (nc + 1)]
            } else {
                Vec::new()
            },
            uy: if adv {
                vec![0.0; (nr + 1) * nc]
            } else {
                Vec::new()
            },
            ux_next: if adv {
                vec![0.0; nr * (nc + 1)]
            } else {
                Vec::new()
            },
            uy_next: if adv {
                vec![0.0; (nr + 1) * nc]
            } else {
                Vec::new()
            },
            umax: 0.0,
            s: vec![1.0; n],
            ones: vec![1.0; nc],
            max_depth: vec![0.0; n],
            arrival: vec![f64::INFINITY; n],
            row_hmax: vec![0.0; nr],
            wet_span: vec![(0, 0); nr],
            qx_active: vec![false; nr],
            qy_active: vec![false; nr + 1],
            row_limited: vec![false; nr],
            sources: Vec::new(),
            t: 0.0,
            steps: 0,
            last_dt: 0.0,
            inflow: 0.0,
            outflow: 0.0,
        })
    }

    fn index(&self, cell: Cell) -> Result<usize, FloodError> {
        if cell.row >= self.nr || cell.col >= self.nc {
            return Err(FloodError::CellOutOfRange {
                row: cell.row,
                col: cell.col,
                nrows: self.nr,
                ncols: self.nc,
            });
        }
        let i = cell.row * self.nc + cell.col;
        if !self.active[i] {
            return Err(FloodError::InactiveCell {
                row: cell.row,
                col: cell.col,
            });
        }
        Ok(i)
    }

    /// Adds a point inflow at `cell`: `hydrograph` gives Q(t) in m³/s against
    /// model time in s. Several sources may share a cell.
    pub fn add_source(&mut self, cell: Cell, hydrograph: Hydrograph) -> Result<(), FloodError> {
        let i = self.index(cell)?;
        self.sources.push((i, hydrograph));
        Ok(())
    }

    /// Adds a breach outflow hydrograph entering the floodplain at `cell` (the
    /// first cell on the landward side of the breach). Identical to
    /// [`FloodModel::add_source`]; the name documents intent.
    pub fn add_breach(&mut self, cell: Cell, outflow: Hydrograph) -> Result<(), FloodError> {
        self.add_source(cell, outflow)
    }

    /// Sets the depth (m, ≥ 0) of one cell, e.g. as an initial condition.
    pub fn set_depth(&mut self, cell: Cell, depth_m: f64) -> Result<(), FloodError> {
        check("depth_m", depth_m, depth_m >= 0.0, "must be finite and ≥ 0")?;
        let i = self.index(cell)?;
        self.h[i] = depth_m;
        self.refresh_cell(i);
        self.refresh_row(cell.row);
        Ok(())
    }

    /// Fills every active cell whose bed is below `level_m` (m) to that level
    /// (a lake at rest). Cells above it are untouched.
    pub fn fill_to_level(&mut self, level_m: f64) -> Result<(), FloodError> {
        check("level_m", level_m, true, "must be finite")?;
        for i in 0..self.h.len() {
            if self.active[i] && self.z[i] < level_m {
                self.h[i] = level_m - self.z[i];
                self.refresh_cell(i);
            }
        }
        for r in 0..self.nr {
            self.refresh_row(r);
        }
        Ok(())
    }

    /// Updates max depth and arrival after `h[i]` changed outside a step.
    fn refresh_cell(&mut self, i: usize) {
        let h = self.h[i];
        if h > self.max_depth[i] {
            self.max_depth[i] = h;
        }
        if h > self.thr && self.arrival[i] == f64::INFINITY {
            self.arrival[i] = self.t;
        }
    }

    /// Recomputes the summary of row `r` (largest depth, wet span).
    fn refresh_row(&mut self, r: usize) {
        let row = &self.h[r * self.nc..(r + 1) * self.nc];
        self.row_hmax[r] = row.iter().fold(0.0, |m: f64, &v| m.max(v));
        let first = row.iter().position(|&h| h > self.thr);
        let last = row.iter().rposition(|&h| h > self.thr);
        self.wet_span[r] = match (first, last) {
            (Some(a), Some(b)) => (a, b + 1),
            _ => (0, 0),
        };
    }

    /// Run every pass on the calling thread (the result is identical; used
    /// where the caller must not wait inside rayon, e.g. while other threads
    /// wait for this computation).
    pub fn set_sequential(&mut self) {
        self.parallel = false;
    }

    /// Model time, s.
    pub fn time(&self) -> f64 {
        self.t
    }
    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    /// Length of the last step, s.
    pub fn last_dt(&self) -> f64 {
        self.last_dt
    }
    /// Grid rows.
    pub fn nrows(&self) -> usize {
        self.nr
    }
    /// Grid columns.
    pub fn ncols(&self) -> usize {
        self.nc
    }
    /// Cell side, m.
    pub fn cellsize(&self) -> f64 {
        self.dx
    }

    /// Depth at `cell`, m; `None` outside the grid or at a NODATA cell.
    pub fn depth(&self, cell: Cell) -> Option<f64> {
        self.index(cell).ok().map(|i| self.h[i])
    }

    /// Depth-averaged velocity at `cell` (east, north), m/s: the mean of the
    /// two face discharges on each axis divided by the cell depth; zero in
    /// cells at or below the threshold. `None` outside the grid or at NODATA.
    pub fn velocity(&self, cell: Cell) -> Option<(f64, f64)> {
        let i = self.index(cell).ok()?;
        let h = self.h[i];
        if h <= self.thr {
            return Some((0.0, 0.0));
        }
        let (r, c, nc) = (cell.row, cell.col, self.nc);
        let qx = 0.5 * (self.qx[r * (nc + 1) + c] + self.qx[r * (nc + 1) + c + 1]);
        let qy_south = 0.5 * (self.qy[r * nc + c] + self.qy[(r + 1) * nc + c]);
        Some((qx / h, -qy_south / h))
    }

    /// Unit discharge on the east face of `cell` (m²/s, > 0 eastward); the
    /// face with `col = ncols − 1` is the east boundary. `None` outside.
    pub fn face_discharge_east(&self, cell: Cell) -> Option<f64> {
        (cell.row < self.nr && cell.col < self.nc)
            .then(|| self.qx[cell.row * (self.nc + 1) + cell.col + 1])
    }

    /// Velocity on the east face of `cell`, m/s (> 0 eastward): the
    /// prognostic face velocity with advection, else `q / h_flow` (0 on a dry
    /// face). `None` outside the grid.
    pub fn face_velocity_east(&self, cell: Cell) -> Option<f64> {
        if cell.row >= self.nr || cell.col >= self.nc {
            return None;
        }
        let f = cell.row * (self.nc + 1) + cell.col + 1;
        if self.scheme == Scheme::InertialWithAdvection {
            return Some(self.ux[f]);
        }
        let a = cell.row * self.nc + cell.col;
        let hf = if cell.col + 1 < self.nc {
            let b = a + 1;
            (self.h[a] + self.z[a]).max(self.h[b] + self.z[b]) - self.z[a].max(self.z[b])
        } else {
            self.h[a]
        };
        Some(if hf > self.thr { self.qx[f] / hf } else { 0.0 })
    }

    /// Deepest water seen at `cell` so far (including the initial state), m.
    pub fn max_depth_at(&self, cell: Cell) -> Option<f64> {
        self.index(cell).ok().map(|i| self.max_depth[i])
    }

    /// First model time (s) at which the depth at `cell` exceeded the
    /// threshold; `None` if never (or outside the grid / NODATA).
    pub fn arrival_time(&self, cell: Cell) -> Option<f64> {
        let i = self.index(cell).ok()?;
        let a = self.arrival[i];
        a.is_finite().then_some(a)
    }

    fn output_grid(&self, f: impl Fn(usize) -> Option<f64>) -> Grid {
        let data: Vec<f64> = (0..self.h.len())
            .map(|i| if self.active[i] { f(i) } else { None }.unwrap_or(self.nodata))
            .collect();
        // Geometry was validated when the DEM grid was built.
        Grid::new(
            self.nc,
            self.nr,
            self.xll,
            self.yll,
            self.dx,
            self.nodata,
            data,
        )
        .unwrap_or_else(|e| unreachable!("output grid with the DEM geometry: {e}"))
    }

    /// Current depths as a grid (m; NODATA where the DEM is NODATA).
    pub fn depth_grid(&self) -> Grid {
        self.output_grid(|i| Some(self.h[i]))
    }

    /// Maximum depth reached per cell as a grid (m).
    pub fn max_depth(&self) -> Grid {
        self.output_grid(|i| Some(self.max_depth[i]))
    }

    /// Arrival time per cell as a grid (s; NODATA where never flooded).
    pub fn arrival_time_grid(&self) -> Grid {
        self.output_grid(|i| {
            let a = self.arrival[i];
            a.is_finite().then_some(a)
        })
    }

    /// Water volume on the grid, m³. Summed per row, then over rows in order,
    /// so the value does not depend on the thread count.
    pub fn volume(&self) -> f64 {
        let nc = self.nc;
        let row_sum = |row: &[f64]| row.iter().sum::<f64>();
        let partial: Vec<f64> = if self.parallel {
            self.h.par_chunks(nc).map(row_sum).collect()
        } else {
            self.h.chunks(nc).map(row_sum).collect()
        };
        partial.iter().sum::<f64>() * self.dx * self.dx
    }

    /// Volume injected by sources so far, m³.
    pub fn total_inflow(&self) -> f64 {
        self.inflow
    }

    /// Volume that left through free boundaries so far, m³.
    pub fn total_outflow(&self) -> f64 {
        self.outflow
    }

    /// Advances to model time `t_s` (s) with as many adaptive steps as needed;
    /// the last step is shortened to land on `t_s` exactly.
    pub fn advance_to(&mut self, t_s: f64) -> Result<(), FloodError> {
        check("t_s", t_s, true, "must be finite")?;
        if t_s < self.t {
            return Err(FloodError::TimeBackwards {
                target_s: t_s,
                now_s: self.t,
            });
        }
        while self.t < t_s {
            let dt = self.checked_dt()?;
            if self.t + dt >= t_s {
                self.step_with(t_s - self.t, Some(t_s))?;
            } else {
                self.step_with(dt, None)?;
            }
        }
        Ok(())
    }

    /// Takes one step of the stable length and returns it, s.
    pub fn step(&mut self) -> Result<f64, FloodError> {
        let dt = self.checked_dt()?;
        self.step_with(dt, None)?;
        Ok(dt)
    }

    /// [`Self::stable_dt`], refused if it cannot advance the clock.
    fn checked_dt(&self) -> Result<f64, FloodError> {
        let dt = self.stable_dt();
        if dt.is_finite() && dt > 0.0 && self.t + dt > self.t {
            Ok(dt)
        } else {
            Err(FloodError::TimeStepTooSmall {
                dt_s: dt,
                time_s: self.t,
            })
        }
    }

    /// `α Δx / (√(g h_max) + |u|_max)`, capped by `max_dt`. `|u|_max` (from
    /// the previous momentum pass) is used only with advection; Bates et al.
    /// (2010) eq. 12 omits it.
    fn stable_dt(&self) -> f64 {
        let hmax = self.row_hmax.iter().fold(0.0f64, |m, &v| m.max(v));
        let c = (self.g * hmax).sqrt() + self.umax;
        if c > 0.0 {
            (self.alpha * self.dx / c).min(self.max_dt)
        } else {
            self.max_dt
        }
    }

    fn step_with(&mut self, dt: f64, land_on: Option<f64>) -> Result<(), FloodError> {
        let (nr, nc) = (self.nr, self.nc);
        let par = self.parallel;
        let rpt = self.rows_per_task;

        // 1. Momentum. Local-inertial faces depend only on their own old q,
        //    so they are updated in place; the advective scheme reads
        //    neighbouring faces and writes into the *_next buffers.
        let flags: Vec<(bool, bool, f64)> = match self.scheme {
            Scheme::LocalInertial => {
                let k = kernel!(self, dt, h: &self.h, q: (&[], &[]), s: &[], ux: &[], uy: &[]);
                let (qy_in, qy_s) = self.qy.split_at_mut(nr * nc);
                let row = |(r, (qx, qy)): (usize, (&mut [f64], &mut [f64]))| {
                    let (ax, ay) = k.momentum_row_bates(r, qx, qy);
                    (ax, ay, 0.0)
                };
                let flags = if par {
                    self.qx
                        .par_chunks_mut(nc + 1)
                        .zip(qy_in.par_chunks_mut(nc))
                        .with_min_len(rpt)
                        .enumerate()
                        .map(row)
                        .collect()
                } else {
                    self.qx
                        .chunks_mut(nc + 1)
                        .zip(qy_in.chunks_mut(nc))
                        .enumerate()
                        .map(row)
                        .collect()
                };
                self.qy_active[nr] = k.momentum_south(qy_s);
                flags
            }
            Scheme::InertialWithAdvection => {
                let k = kernel!(self, dt, h: &self.h, q: (&self.qx, &self.qy), s: &[],
                                ux: &self.ux, uy: &self.uy);
                let (qy_in, qy_s) = self.qy_next.split_at_mut(nr * nc);
                let (uy_in, uy_s) = self.uy_next.split_at_mut(nr * nc);
                type Rows<'b> = (
                    usize,
                    (
                        (&'b mut [f64], &'b mut [f64]),
                        (&'b mut [f64], &'b mut [f64]),
                    ),
                );
                let row =
                    |(r, ((qx, qy), (ux, uy))): Rows<'_>| k.momentum_row_sd(r, qx, qy, ux, uy);
                let flags = if par {
                    self.qx_next
                        .par_chunks_mut(nc + 1)
                        .zip(qy_in.par_chunks_mut(nc))
                        .zip(
                            self.ux_next
                                .par_chunks_mut(nc + 1)
                                .zip(uy_in.par_chunks_mut(nc)),
                        )
                        .with_min_len(rpt)
                        .enumerate()
                        .map(row)
                        .collect()
                } else {
                    self.qx_next
                        .chunks_mut(nc + 1)
                        .zip(qy_in.chunks_mut(nc))
                        .zip(self.ux_next.chunks_mut(nc + 1).zip(uy_in.chunks_mut(nc)))
                        .enumerate()
                        .map(row)
                        .collect()
                };
                qy_s.copy_from_slice(&self.qy[nr * nc..]);
                self.qy_active[nr] = k.momentum_south(qy_s);
                k.south_velocity(qy_s, uy_s);
                std::mem::swap(&mut self.qx, &mut self.qx_next);
                std::mem::swap(&mut self.qy, &mut self.qy_next);
                std::mem::swap(&mut self.ux, &mut self.ux_next);
                std::mem::swap(&mut self.uy, &mut self.uy_next);
                flags
            }
        };
        let mut umax = 0.0f64;
        for (r, &(ax, ay, um)) in flags.iter().enumerate() {
            self.qx_active[r] = ax;
            self.qy_active[r] = ay;
            umax = umax.max(um);
        }
        self.umax = umax;

        // 2. Limiter factors per cell.
        {
            let k =
                kernel!(self, dt, h: &self.h, q: (&self.qx, &self.qy), s: &[], ux: &[], uy: &[]);
            let (qx_active, qy_active) = (&self.qx_active, &self.qy_active);
            let row = |(r, s): (usize, &mut [f64])| {
                if qx_active[r] || qy_active[r] || qy_active[r + 1] {
                    k.limiter_row(r, s)
                } else {
                    false
                }
            };
            let limited: Vec<bool> = if par {
                self.s
                    .par_chunks_mut(nc)
                    .with_min_len(rpt)
                    .enumerate()
                    .map(row)
                    .collect()
            } else {
                self.s.chunks_mut(nc).enumerate().map(row).collect()
            };
            self.row_limited = limited;
        }

        // 3. Continuity.
        let t_new = land_on.unwrap_or(self.t + dt);
        {
            let k =
                kernel!(self, dt, h: &[], q: (&self.qx, &self.qy), s: &self.s, ux: &[], uy: &[]);
            let (qx_active, qy_active) = (&self.qx_active, &self.qy_active);
            let (row_hmax, wet_span) = (&self.row_hmax, &self.wet_span);
            type Rows<'b> = (usize, ((&'b mut [f64], &'b mut [f64]), &'b mut [f64]));
            let row = |(r, ((h, md), ar)): Rows<'_>| {
                if qx_active[r] || qy_active[r] || qy_active[r + 1] {
                    k.continuity_row(r, t_new, h, md, ar)
                } else {
                    RowState {
                        hmax: row_hmax[r],
                        wet: wet_span[r],
                        out_q: 0.0,
                        bad: false,
                    }
                }
            };
            let states: Vec<RowState> = if par {
                self.h
                    .par_chunks_mut(nc)
                    .zip(self.max_depth.par_chunks_mut(nc))
                    .zip(self.arrival.par_chunks_mut(nc))
                    .with_min_len(rpt)
                    .enumerate()
                    .map(row)
                    .collect()
            } else {
                self.h
                    .chunks_mut(nc)
                    .zip(self.max_depth.chunks_mut(nc))
                    .zip(self.arrival.chunks_mut(nc))
                    .enumerate()
                    .map(row)
                    .collect()
            };
            let mut out_q = 0.0;
            for (r, st) in states.iter().enumerate() {
                if st.bad {
                    return Err(FloodError::Unstable {
                        time_s: self.t,
                        row: r,
                    });
                }
                self.row_hmax[r] = st.hmax;
                self.wet_span[r] = st.wet;
                out_q += st.out_q;
            }
            self.outflow += out_q * dt * self.dx;
        }

        // 4. Store the limited discharges (and velocities) for the next step.
        if self.row_limited.iter().any(|&l| l) {
            let k = KernelLimit {
                nr: self.nr,
                nc: self.nc,
                s: &self.s,
                ones: &self.ones,
                limited: &self.row_limited,
            };
            let (qy_in, qy_s) = self.qy.split_at_mut(nr * nc);
            let row = |(r, (qx, qy)): (usize, (&mut [f64], &mut [f64]))| k.apply_row(r, qx, qy);
            if par {
                self.qx
                    .par_chunks_mut(nc + 1)
                    .zip(qy_in.par_chunks_mut(nc))
                    .with_min_len(rpt)
                    .enumerate()
                    .for_each(row);
            } else {
                self.qx
                    .chunks_mut(nc + 1)
                    .zip(qy_in.chunks_mut(nc))
                    .enumerate()
                    .for_each(row);
            }
            k.apply_south(qy_s);
            if self.scheme == Scheme::InertialWithAdvection {
                // q = ĥ u, so limiting q by s limits u by s.
                let (uy_in, uy_s) = self.uy.split_at_mut(nr * nc);
                self.ux
                    .chunks_mut(nc + 1)
                    .zip(uy_in.chunks_mut(nc))
                    .enumerate()
                    .for_each(|(r, (ux, uy))| k.apply_row(r, ux, uy));
                k.apply_south(uy_s);
            }
        }

        // 5. Sources, in the order they were added.
        let a = self.dx * self.dx;
        for si in 0..self.sources.len() {
            let (i, ref hg) = self.sources[si];
            let vol = hg.volume_between(self.t, t_new);
            if vol > 0.0 {
                self.h[i] += vol / a;
                self.inflow += vol;
                let h = self.h[i];
                if h > self.max_depth[i] {
                    self.max_depth[i] = h;
                }
                if h > self.thr && self.arrival[i] == f64::INFINITY {
                    self.arrival[i] = t_new;
                }
                let (r, c) = (i / nc, i % nc);
                self.row_hmax[r] = self.row_hmax[r].max(h);
                if h > self.thr {
                    let (lo, hi) = self.wet_span[r];
                    self.wet_span[r] = if lo < hi {
                        (lo.min(c), hi.max(c + 1))
                    } else {
                        (c, c + 1)
                    };
                }
            }
        }

        self.t = t_new;
        self.steps += 1;
        self.last_dt = dt;
        Ok(())
    }
}

/// Read-only view of the model for the row kernels of one pass.
struct Kernel<'a> {
    nr: usize,
    nc: usize,
    inv_dx: f64,
    g: f64,
    thr: f64,
    dt: f64,
    /// g Δt / Δx.
    g_dt_dx: f64,
    /// g Δt / 2 (friction with the mean n² of a face).
    half_g_dt: f64,
    sides: Sides,
    z: &'a [f64],
    h: &'a [f64],
    n2: &'a [f64],
    n2_uniform: bool,
    qx: &'a [f64],
    qy: &'a [f64],
    ux: &'a [f64],
    uy: &'a [f64],
    s: &'a [f64],
    ones: &'a [f64],
    wet_span: &'a [(usize, usize)],
    limited: &'a [bool],
}

/// Cube root of a positive normal `x`: fdlibm's bit-level first guess (≈ 5
/// correct bits) refined by two Halley steps (cubic convergence: ≈ 10⁻⁴,
/// then ≤ 10⁻¹⁴ relative; the tests sweep 18 decades against `f64::cbrt`).
/// That is ample for a friction term whose `n` is uncertain by 10 %.
/// `f64::cbrt` is a software routine here and was 30 % of a step in profiles;
/// this one is branch-free and uses only ops SSE2 has for vectors, so it
/// vectorises with the face loop.
#[inline(always)]
fn cbrt_pos(x: f64) -> f64 {
    // fdlibm's first guess: high word / 3 + bias (about 5 correct bits). The
    // division is written as a 32 × 32 → 64-bit multiply by ⌈2³³/3⌉ and a
    // shift (exact for every 32-bit value), which SSE2 has as `pmuludq`.
    let hi = x.to_bits() >> 32;
    let third = (hi * 0xAAAA_AAAB) >> 33;
    let mut y = f64::from_bits((third + 0x2A9F_7893) << 32);
    for _ in 0..2 {
        let y3 = y * y * y;
        y *= (y3 + 2.0 * x) / (2.0 * y3 + x);
    }
    y
}

/// Larger of two finite numbers (no NaN handling; see `face_bates`).
#[inline(always)]
fn max2(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

/// `h^{7/3}` as `h² ∛h`.
#[inline(always)]
fn pow_7_3(h: f64) -> f64 {
    h * h * cbrt_pos(h)
}

/// `h^{4/3}` as `h ∛h`.
#[inline(always)]
fn pow_4_3(h: f64) -> f64 {
    h * cbrt_pos(h)
}

/// The face flux with the donor's limiter factor applied; one function for
/// both cells of a face so they see bit-identical values.
#[inline(always)]
fn limited(q: f64, s_minus: f64, s_plus: f64) -> f64 {
    if q > 0.0 { q * s_minus } else { q * s_plus }
}

/// Upwind momentum flux `q̄ · u*` through a cell centre or corner, minus the
/// face velocity times the same transport `q̄` (Stelling & Duinmeijer 2003
/// momentum-conservative advection). `u_minus`/`u_plus` are the velocities on
/// either side along the transport direction; when the upwind one is the face
/// itself the term is zero.
#[inline(always)]
fn sd_flux(qbar: f64, u_minus: f64, u_plus: f64) -> f64 {
    qbar * if qbar > 0.0 { u_minus } else { u_plus }
}

impl<'a> Kernel<'a> {
    #[inline(always)]
    fn cells(&self, v: &'a [f64], r: usize) -> &'a [f64] {
        &v[r * self.nc..(r + 1) * self.nc]
    }

    /// Manning n² of the cells of row `r`.
    #[inline(always)]
    fn n2_row(&self, r: usize) -> &'a [f64] {
        if self.n2_uniform {
            &self.n2[..self.nc]
        } else {
            self.cells(self.n2, r)
        }
    }

    /// Limiter factors of row `r`: stored only for rows where the limiter
    /// acted, ones elsewhere.
    #[inline(always)]
    fn s_row(&self, r: usize) -> &'a [f64] {
        if self.limited[r] {
            self.cells(self.s, r)
        } else {
            self.ones
        }
    }

    /// Bates et al. (2010) eq. 11 on an interior face from cell `a` (minus
    /// side) to cell `b` (plus side). Returns the new q, m²/s.
    ///
    /// Branch-free so the row loops vectorise: dry faces are computed with a
    /// clamped depth and their result discarded. The friction divisor is
    /// applied as `num · p / (p + g n² |q| Δt)` (`p = h_flow^{7/3}`), one
    /// division, and exactly `num` when `n = 0` (`p / p = 1`).
    #[inline(always)]
    fn face_bates(&self, q: f64, ha: f64, za: f64, hb: f64, zb: f64, n2a: f64, n2b: f64) -> f64 {
        let (ea, eb) = (ha + za, hb + zb);
        // `max2` rather than `f64::max`: inputs are finite, and the plain
        // compare-select is a single `maxpd`, which keeps the loop vectorised
        // on baseline x86-64 (SSE2).
        let hf = max2(ea, eb) - max2(za, zb);
        let num = q - self.g_dt_dx * hf * (eb - ea);
        let p = pow_7_3(max2(hf, self.thr));
        let ratio = p / (p + self.half_g_dt * (n2a + n2b) * q.abs());
        // `wet ? v : 0.0` as a bit mask: LLVM does not vectorise the select
        // form here, and the mask gives the same +0.0 on dry faces.
        let wet_mask = u64::from(hf > self.thr).wrapping_neg();
        f64::from_bits((num * ratio).to_bits() & wet_mask)
    }

    /// Stelling & Duinmeijer (2003) face update in velocity form:
    ///
    /// ```text
    /// u' = (u − Δt (A/h̄ + g (η_b − η_a)/Δx)) / (1 + g n² |u| Δt / h_flow^{4/3})
    /// q' = ĥ u',  ĥ = upwind depth above the face bed max(z_a, z_b)
    /// ```
    ///
    /// `h̄` is the mean of the two depths above the face bed (conservative
    /// pressure term, exact lake at rest), `A` the advection numerator
    /// (`sd_flux` differences / Δx). Returns `(u', q')`.
    #[inline(always)]
    fn face_sd(
        &self,
        u: f64,
        ha: f64,
        za: f64,
        hb: f64,
        zb: f64,
        n2f: f64,
        adv: f64,
    ) -> (f64, f64) {
        let (ea, eb) = (ha + za, hb + zb);
        let zf = za.max(zb);
        let hf = ea.max(eb) - zf;
        if hf <= self.thr {
            return (0.0, 0.0);
        }
        let (da, db) = ((ea - zf).max(0.0), (eb - zf).max(0.0));
        let hbar = 0.5 * (da + db);
        let num = u - self.dt * (adv / hbar + self.g * (eb - ea) * self.inv_dx);
        let un = if n2f > 0.0 {
            num / (1.0 + self.g * self.dt * n2f * u.abs() / pow_4_3(hf))
        } else {
            num
        };
        let hup = if un > 0.0 { da } else { db };
        let q = if hup > self.thr { hup * un } else { 0.0 };
        (un, q)
    }

    /// Free-boundary face: `q_out` is the discharge counted positive
    /// outwards; the surface falls outwards with `slope`. Outward flow only.
    #[inline(always)]
    fn free_face(&self, q_out: f64, h: f64, n2: f64, slope: f64) -> f64 {
        if h <= self.thr {
            return 0.0;
        }
        let num = q_out + self.dt * self.g * h * slope;
        let q = if n2 > 0.0 {
            num / (1.0 + self.g * self.dt * n2 * q_out.abs() / pow_7_3(h))
        } else {
            num
        };
        q.max(0.0)
    }

    #[inline(always)]
    fn bnd_u(&self, q: f64, h: f64) -> f64 {
        if h > self.thr { q / h } else { 0.0 }
    }

    /// Wet span of row `r` (half-open; empty if the row is dry).
    #[inline(always)]
    fn span(&self, r: usize) -> (usize, usize) {
        self.wet_span[r]
    }

    /// Half-open column span of the interior y-faces between rows `r − 1`
    /// and `r` that can carry flow: the union of the two rows' wet spans.
    #[inline(always)]
    fn y_face_span(&self, r: usize) -> (usize, usize) {
        union(self.span(r - 1), self.span(r))
    }

    /// Half-open span of the cells of row `r` that touch a face that can
    /// carry flow: the wet spans of rows `r − 1 … r + 1`, widened by one
    /// cell each side.
    #[inline(always)]
    fn cell_span(&self, r: usize) -> (usize, usize) {
        let mut u = self.span(r);
        if r > 0 {
            u = union(u, self.span(r - 1));
        }
        if r + 1 < self.nr {
            u = union(u, self.span(r + 1));
        }
        if u.0 < u.1 {
            (u.0.saturating_sub(1), (u.1 + 1).min(self.nc))
        } else {
            (0, 0)
        }
    }

    /// New west and east boundary faces of row `r` from their old values.
    #[inline(always)]
    fn west_east(&self, r: usize, old_w: f64, old_e: f64) -> (f64, f64) {
        let nc = self.nc;
        let (hr, nr2) = (self.cells(self.h, r), self.n2_row(r));
        let w = match self.sides.west {
            Some(slope) => -self.free_face(-old_w, hr[0], nr2[0], slope),
            None => 0.0,
        };
        let e = match self.sides.east {
            Some(slope) => self.free_face(old_e, hr[nc - 1], nr2[nc - 1], slope),
            None => 0.0,
        };
        (w, e)
    }

    /// North boundary faces (face row 0), updated in place.
    fn north_boundary(&self, qy: &mut [f64]) -> bool {
        match self.sides.north {
            Some(slope) if self.span(0).0 < self.span(0).1 => {
                let (hr, nr2) = (self.cells(self.h, 0), self.n2_row(0));
                for c in 0..self.nc {
                    qy[c] = -self.free_face(-qy[c], hr[c], nr2[c], slope);
                }
                qy.iter().any(|&q| q != 0.0)
            }
            _ => {
                qy.fill(0.0);
                false
            }
        }
    }

    /// Local-inertial momentum for the x-faces and the north faces of row `r`,
    /// in place (`qx_out`, `qy_out` hold the old values on entry). Faces
    /// outside the wet spans are set to 0 without computing (they are dry).
    /// Returns whether any x-face, resp. y-face, carries flow.
    fn momentum_row_bates(&self, r: usize, qx_out: &mut [f64], qy_out: &mut [f64]) -> (bool, bool) {
        let nc = self.nc;
        let (zr, hr, nr2) = (self.cells(self.z, r), self.cells(self.h, r), self.n2_row(r));
        let (lo, hi) = self.span(r);
        let ax = if lo < hi {
            (qx_out[0], qx_out[nc]) = self.west_east(r, qx_out[0], qx_out[nc]);
            // Interior faces f (between cells f − 1 and f) with f − 1 or f wet.
            let (f0, f1) = (lo.max(1), (hi + 1).min(nc));
            qx_out[1..f0].fill(0.0);
            qx_out[f1.max(f0)..nc].fill(0.0);
            let n = f1.saturating_sub(f0);
            // Equal-length slices: no bounds checks, the loop vectorises.
            let (ha, hb) = (&hr[f0 - 1..][..n], &hr[f0..][..n]);
            let (za, zb) = (&zr[f0 - 1..][..n], &zr[f0..][..n]);
            let (na, nb) = (&nr2[f0 - 1..][..n], &nr2[f0..][..n]);
            let q = &mut qx_out[f0..][..n];
            for i in 0..n {
                q[i] = self.face_bates(q[i], ha[i], za[i], hb[i], zb[i], na[i], nb[i]);
            }
            let out = &*q;
            let inner = out.iter().any(|&q| q != 0.0);
            inner || qx_out[0] != 0.0 || qx_out[nc] != 0.0
        } else {
            qx_out.fill(0.0);
            false
        };
        let ay = if r == 0 {
            self.north_boundary(qy_out)
        } else {
            let (c0, c1) = self.y_face_span(r);
            if c0 < c1 {
                qy_out[..c0].fill(0.0);
                qy_out[c1..].fill(0.0);
                let n = c1 - c0;
                let (zn, hn, nn2) = (
                    &self.cells(self.z, r - 1)[c0..][..n],
                    &self.cells(self.h, r - 1)[c0..][..n],
                    &self.n2_row(r - 1)[c0..][..n],
                );
                let (zs, hs, ns2) = (&zr[c0..][..n], &hr[c0..][..n], &nr2[c0..][..n]);
                let q = &mut qy_out[c0..][..n];
                for i in 0..n {
                    q[i] = self.face_bates(q[i], hn[i], zn[i], hs[i], zs[i], nn2[i], ns2[i]);
                }
                q.iter().any(|&q| q != 0.0)
            } else {
                qy_out.fill(0.0);
                false
            }
        };
        (ax, ay)
    }

    /// Stelling–Duinmeijer momentum for the x-faces and north faces of row
    /// `r`. Advection numerator for x-face `f` (between cells `f−1`, `f`):
    ///
    /// ```text
    /// centre i:  q̄_i = (qx_i + qx_{i+1})/2, upwind u from faces i, i+1
    /// corner N:  q̄ = (qy_{r,f−1} + qy_{r,f})/2, upwind u from rows r−1, r
    /// A = [F(q̄_f, ·) − u_f q̄_f] − [F(q̄_{f−1}, ·) − u_f q̄_{f−1}] + (same for corners S − N)
    /// ```
    ///
    /// Outside the grid the upwind velocity is the face's own (no momentum
    /// enters through walls). Faces outside the wet spans get `u = q = 0`.
    /// Returns flags and the row's max |u| on wet faces.
    fn momentum_row_sd(
        &self,
        r: usize,
        qx_out: &mut [f64],
        qy_out: &mut [f64],
        ux_out: &mut [f64],
        uy_out: &mut [f64],
    ) -> (bool, bool, f64) {
        let (nr, nc) = (self.nr, self.nc);
        let w = nc + 1;
        let (zr, hr, nr2) = (self.cells(self.z, r), self.cells(self.h, r), self.n2_row(r));
        let mut umax = 0.0f64;
        let (lo, hi) = self.span(r);
        let ax = if lo < hi {
            let old = &self.qx[r * w..(r + 1) * w];
            (qx_out[0], qx_out[nc]) = self.west_east(r, old[0], old[nc]);
            ux_out[0] = self.bnd_u(qx_out[0], hr[0]);
            ux_out[nc] = self.bnd_u(qx_out[nc], hr[nc - 1]);
            let (f0, f1) = (lo.max(1), (hi + 1).min(nc));
            for f in (1..f0).chain(f1.max(f0)..nc) {
                qx_out[f] = 0.0;
                ux_out[f] = 0.0;
            }
            let qx = &self.qx[r * w..(r + 1) * w];
            let ux = &self.ux[r * w..(r + 1) * w];
            let qn = self.cells(self.qy, r);
            let qs = self.cells(self.qy, r + 1);
            for f in f0..f1 {
                let u = ux[f];
                let qa = 0.5 * (qx[f - 1] + qx[f]);
                let qb = 0.5 * (qx[f] + qx[f + 1]);
                let along =
                    (sd_flux(qb, u, ux[f + 1]) - u * qb) - (sd_flux(qa, ux[f - 1], u) - u * qa);
                let qbn = 0.5 * (qn[f - 1] + qn[f]);
                let u_n = if r > 0 { self.ux[(r - 1) * w + f] } else { u };
                let qbs = 0.5 * (qs[f - 1] + qs[f]);
                let u_s = if r + 1 < nr {
                    self.ux[(r + 1) * w + f]
                } else {
                    u
                };
                let cross = (sd_flux(qbs, u, u_s) - u * qbs) - (sd_flux(qbn, u_n, u) - u * qbn);
                let (un, q) = self.face_sd(
                    u,
                    hr[f - 1],
                    zr[f - 1],
                    hr[f],
                    zr[f],
                    0.5 * (nr2[f - 1] + nr2[f]),
                    (along + cross) * self.inv_dx,
                );
                ux_out[f] = un;
                qx_out[f] = q;
                umax = umax.max(un.abs());
            }
            qx_out.iter().any(|&q| q != 0.0)
        } else {
            qx_out.fill(0.0);
            ux_out.fill(0.0);
            false
        };
        let ay = if r == 0 {
            qy_out.copy_from_slice(self.cells(self.qy, 0));
            let any = self.north_boundary(qy_out);
            for c in 0..nc {
                uy_out[c] = self.bnd_u(qy_out[c], hr[c]);
            }
            any
        } else {
            let (c0, c1) = self.y_face_span(r);
            for c in (0..c0).chain(c1.max(c0)..nc) {
                qy_out[c] = 0.0;
                uy_out[c] = 0.0;
            }
            let (zn, hn, nn2) = (
                self.cells(self.z, r - 1),
                self.cells(self.h, r - 1),
                self.n2_row(r - 1),
            );
            let qy = |fr: usize, c: usize| self.qy[fr * nc + c];
            let uy = |fr: usize, c: usize| self.uy[fr * nc + c];
            for c in c0..c1 {
                let v = uy(r, c);
                // Centres of cells (r−1, c) and (r, c).
                let qa = 0.5 * (qy(r - 1, c) + qy(r, c));
                let qb = 0.5 * (qy(r, c) + qy(r + 1, c));
                let along = (sd_flux(qb, v, uy(r + 1, c)) - v * qb)
                    - (sd_flux(qa, uy(r - 1, c), v) - v * qa);
                // Corners west and east of the face.
                let qbw = 0.5 * (self.qx[(r - 1) * w + c] + self.qx[r * w + c]);
                let v_w = if c > 0 { uy(r, c - 1) } else { v };
                let qbe = 0.5 * (self.qx[(r - 1) * w + c + 1] + self.qx[r * w + c + 1]);
                let v_e = if c + 1 < nc { uy(r, c + 1) } else { v };
                let cross = (sd_flux(qbe, v, v_e) - v * qbe) - (sd_flux(qbw, v_w, v) - v * qbw);
                let (vn, q) = self.face_sd(
                    v,
                    hn[c],
                    zn[c],
                    hr[c],
                    zr[c],
                    0.5 * (nn2[c] + nr2[c]),
                    (along + cross) * self.inv_dx,
                );
                uy_out[c] = vn;
                qy_out[c] = q;
                umax = umax.max(vn.abs());
            }
            qy_out[c0..c1.max(c0)].iter().any(|&q| q != 0.0)
        };
        (ax, ay, umax)
    }

    /// South-boundary faces (face row `nr`), updated in place.
    fn momentum_south(&self, qy: &mut [f64]) -> bool {
        let r = self.nr - 1;
        match self.sides.south {
            Some(slope) if self.span(r).0 < self.span(r).1 => {
                let (hr, nr2) = (self.cells(self.h, r), self.n2_row(r));
                for c in 0..self.nc {
                    qy[c] = self.free_face(qy[c], hr[c], nr2[c], slope);
                }
                qy.iter().any(|&q| q != 0.0)
            }
            _ => {
                qy.fill(0.0);
                false
            }
        }
    }

    /// Velocities on the south-boundary faces from their discharges.
    fn south_velocity(&self, qy_s: &[f64], uy_s: &mut [f64]) {
        let hr = self.cells(self.h, self.nr - 1);
        for c in 0..self.nc {
            uy_s[c] = self.bnd_u(qy_s[c], hr[c]);
        }
    }

    /// Limiter factors of row `r` (see module docs, step 2) over the cells
    /// that touch a flowing face. Returns whether any factor is below 1.
    fn limiter_row(&self, r: usize, s_out: &mut [f64]) -> bool {
        let nc = self.nc;
        let k = self.dt * self.inv_dx;
        let (c0, c1) = self.cell_span(r);
        let n = c1 - c0;
        let h = &self.cells(self.h, r)[c0..][..n];
        let qw = &self.qx[r * (nc + 1) + c0..][..n];
        let qe = &self.qx[r * (nc + 1) + c0 + 1..][..n];
        let qn = &self.cells(self.qy, r)[c0..][..n];
        let qs = &self.cells(self.qy, r + 1)[c0..][..n];
        let out_depth = |i: usize| {
            (qe[i].max(0.0) + (-qw[i]).max(0.0) + qs[i].max(0.0) + (-qn[i]).max(0.0)) * k
        };
        // Most rows need no limiting; they are only read here, and their
        // factors (all 1) are not stored (see `s_row`).
        let any = (0..n).any(|i| out_depth(i) > h[i] * OUT_FRACTION);
        if any {
            let s = &mut s_out[c0..][..n];
            for i in 0..n {
                let (out, avail) = (out_depth(i), h[i] * OUT_FRACTION);
                s[i] = if out > avail { avail / out } else { 1.0 };
            }
        }
        any
    }

    /// Depth update of row `r` (module docs, step 3), max depth and arrival,
    /// over the cells that touch a flowing face (the others cannot change).
    fn continuity_row(
        &self,
        r: usize,
        t_new: f64,
        h_out: &mut [f64],
        max_d: &mut [f64],
        arrival: &mut [f64],
    ) -> RowState {
        let (nr, nc) = (self.nr, self.nc);
        let k = self.dt * self.inv_dx;
        let (c0, c1) = self.cell_span(r);
        let qxr = &self.qx[r * (nc + 1)..(r + 1) * (nc + 1)];
        let qn = self.cells(self.qy, r);
        let qs = self.cells(self.qy, r + 1);
        let sr = self.s_row(r);
        let s_north = if r > 0 { self.s_row(r - 1) } else { self.ones };
        let s_south = if r + 1 < nr {
            self.s_row(r + 1)
        } else {
            self.ones
        };
        let mut out_q = 0.0;
        let mut hmax = 0.0f64;
        let mut bad = false;
        let (mut wlo, mut whi) = (usize::MAX, 0);
        if c0 == c1 {
            return RowState {
                hmax,
                wet: (0, 0),
                out_q,
                bad,
            };
        }
        // West face of cell c0; at c0 = 0 it is the boundary, where only
        // outflow (q < 0, donor cell 0) is possible.
        let s_w = if c0 > 0 { sr[c0 - 1] } else { 1.0 };
        let mut phi_w = limited(qxr[c0], s_w, sr[c0]);
        if c0 == 0 {
            out_q += (-phi_w).max(0.0);
        }
        for c in c0..c1 {
            let s_east = if c + 1 < nc { sr[c + 1] } else { 1.0 };
            let phi_e = limited(qxr[c + 1], sr[c], s_east);
            let phi_n = limited(qn[c], s_north[c], sr[c]);
            let phi_s = limited(qs[c], sr[c], s_south[c]);
            let h = h_out[c] + k * ((phi_w - phi_e) + (phi_n - phi_s));
            if r == 0 {
                out_q += (-phi_n).max(0.0);
            }
            if r + 1 == nr {
                out_q += phi_s.max(0.0);
            }
            bad |= h.is_nan() || h < 0.0;
            h_out[c] = h;
            hmax = hmax.max(h);
            if h > max_d[c] {
                max_d[c] = h;
            }
            if h > self.thr {
                if arrival[c] == f64::INFINITY {
                    arrival[c] = t_new;
                }
                wlo = wlo.min(c);
                whi = c + 1;
            }
            phi_w = phi_e;
        }
        if c1 == nc {
            out_q += phi_w.max(0.0); // east boundary face
        }
        RowState {
            hmax,
            wet: if wlo < whi { (wlo, whi) } else { (0, 0) },
            out_q,
            bad,
        }
    }
}

/// Smallest half-open span covering two spans (empty spans are ignored).
#[inline(always)]
fn union(a: (usize, usize), b: (usize, usize)) -> (usize, usize) {
    match (a.0 < a.1, b.0 < b.1) {
        (true, true) => (a.0.min(b.0), a.1.max(b.1)),
        (true, false) => a,
        (false, true) => b,
        (false, false) => (0, 0),
    }
}

/// Read-only view for pass 4, which applies the limiter factors to the
/// stored face values (`q`, and `u` with advection) of limited rows.
struct KernelLimit<'a> {
    nr: usize,
    nc: usize,
    s: &'a [f64],
    ones: &'a [f64],
    limited: &'a [bool],
}

impl KernelLimit<'_> {
    /// Factors of row `r`; ones for rows the limiter left alone (their
    /// stored factors are stale).
    fn row_s(&self, r: usize) -> &[f64] {
        if self.limited[r] {
            &self.s[r * self.nc..(r + 1) * self.nc]
        } else {
            self.ones
        }
    }

    /// x-faces of row `r` and north faces of row `r`; the sign of each value
    /// picks the donor, as in `continuity_row`.
    fn apply_row(&self, r: usize, x: &mut [f64], y: &mut [f64]) {
        let nc = self.nc;
        if self.limited[r] {
            let sr = self.row_s(r);
            x[0] = limited(x[0], 1.0, sr[0]);
            for f in 1..nc {
                x[f] = limited(x[f], sr[f - 1], sr[f]);
            }
            x[nc] = limited(x[nc], sr[nc - 1], 1.0);
        }
        if self.limited[r] || (r > 0 && self.limited[r - 1]) {
            let sr = self.row_s(r);
            let sn = if r > 0 { self.row_s(r - 1) } else { self.ones };
            for c in 0..nc {
                y[c] = limited(y[c], sn[c], sr[c]);
            }
        }
    }

    fn apply_south(&self, y: &mut [f64]) {
        if self.limited[self.nr - 1] {
            let sr = self.row_s(self.nr - 1);
            for c in 0..self.nc {
                y[c] = limited(y[c], sr[c], 1.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(nc: usize, nr: usize, dx: f64) -> Grid {
        Grid::from_fn(nc, nr, dx, |_, _| 0.0).unwrap()
    }

    #[test]
    fn fast_cube_root_matches_std() {
        // Dense sweep over 18 decades (every mantissa region of every
        // exponent mod 3 is hit many times).
        let mut worst: f64 = 0.0;
        let mut v = 1.0e-9;
        while v < 1.0e9 {
            let rel = (cbrt_pos(v) - v.cbrt()).abs() / v.cbrt();
            worst = worst.max(rel);
            v *= 1.000_37;
        }
        assert!(worst <= 1e-13, "max relative error {worst}");
    }

    #[test]
    fn rejects_bad_params() {
        let dem = flat(3, 3, 1.0);
        let bad = |p: FloodParams| FloodModel::new(&dem, p).is_err();
        assert!(bad(FloodParams {
            cfl_alpha: 1.5,
            ..Default::default()
        }));
        assert!(bad(FloodParams {
            dry_threshold_m: 0.0,
            ..Default::default()
        }));
        assert!(bad(FloodParams {
            manning: Manning::PerCell(vec![0.03; 8]),
            ..Default::default()
        }));
        assert!(bad(FloodParams {
            manning: Manning::Uniform(f64::NAN),
            ..Default::default()
        }));
        assert!(bad(FloodParams {
            boundaries: Boundaries {
                east: Boundary::Free { slope: -1.0 },
                ..Default::default()
            },
            ..Default::default()
        }));
        let mut m = FloodModel::new(&dem, FloodParams::default()).unwrap();
        assert!(m.set_depth(Cell::new(3, 0), 1.0).is_err());
        assert!(m.set_depth(Cell::new(0, 0), -1.0).is_err());
        assert!(m.advance_to(f64::NAN).is_err());
        m.advance_to(5.0).unwrap();
        assert!(matches!(
            m.advance_to(1.0),
            Err(FloodError::TimeBackwards { .. })
        ));
    }

    #[test]
    fn nodata_cells_are_walls() {
        let mut dem = Grid::from_fn(3, 1, 1.0, |_, c| if c == 1 { -9999.0 } else { 0.0 }).unwrap();
        dem = Grid::new(3, 1, 0.0, 0.0, 1.0, -9999.0, dem.data().to_vec()).unwrap();
        let mut m = FloodModel::new(&dem, FloodParams::default()).unwrap();
        m.set_depth(Cell::new(0, 0), 1.0).unwrap();
        assert!(m.set_depth(Cell::new(0, 1), 1.0).is_err());
        m.advance_to(100.0).unwrap();
        assert_eq!(m.depth(Cell::new(0, 0)), Some(1.0));
        assert_eq!(m.depth(Cell::new(0, 2)), Some(0.0));
        assert_eq!(m.depth(Cell::new(0, 1)), None);
        assert_eq!(m.max_depth().data()[1], -9999.0);
    }

    #[test]
    fn velocity_signs_are_east_and_north() {
        // Water released in the south-west corner flows north and east.
        let dem = flat(12, 12, 1.0);
        for scheme in [Scheme::LocalInertial, Scheme::InertialWithAdvection] {
            let params = FloodParams {
                scheme,
                ..FloodParams::default()
            };
            let mut m = FloodModel::new(&dem, params).unwrap();
            for r in 8..12 {
                for c in 0..4 {
                    m.set_depth(Cell::new(r, c), 1.0).unwrap();
                }
            }
            m.advance_to(0.5).unwrap();
            let (u, v) = m.velocity(Cell::new(7, 4)).unwrap();
            assert!(u > 0.0 && v > 0.0, "{scheme:?}: u = {u}, v = {v}");
        }
    }

    #[test]
    fn per_cell_manning_ignores_nodata_cells() {
        let dem = Grid::new(2, 1, 0.0, 0.0, 1.0, -9999.0, vec![0.0, -9999.0]).unwrap();
        let ok = FloodParams {
            manning: Manning::PerCell(vec![0.03, -9999.0]),
            ..FloodParams::default()
        };
        assert!(FloodModel::new(&dem, ok).is_ok());
        let bad = FloodParams {
            manning: Manning::PerCell(vec![-1.0, 0.03]),
            ..FloodParams::default()
        };
        assert!(matches!(
            FloodModel::new(&dem, bad),
            Err(FloodError::Manning(_))
        ));
        let e: FloodError = Hydrograph::new(&[]).unwrap_err().into();
        assert!(matches!(e, FloodError::Hydrograph(HydrographError::Empty)));
    }

    #[test]
    fn arrival_and_outputs() {
        let dem = flat(20, 1, 1.0);
        let mut m = FloodModel::new(&dem, FloodParams::default()).unwrap();
        m.add_source(
            Cell::new(0, 0),
            Hydrograph::constant(0.5, 0.0, 20.0).unwrap(),
        )
        .unwrap();
        m.advance_to(30.0).unwrap();
        let a5 = m.arrival_time(Cell::new(0, 5)).unwrap();
        let a10 = m.arrival_time(Cell::new(0, 10)).unwrap();
        assert!(a5 < a10, "{a5} {a10}");
        assert!(m.max_depth_at(Cell::new(0, 0)).unwrap() >= m.depth(Cell::new(0, 0)).unwrap());
        let g = m.arrival_time_grid();
        assert_eq!(g.get(0, 5), Some(a5));
        assert!((m.volume() - m.total_inflow()).abs() < 1e-12 * m.total_inflow());
        assert!((m.total_inflow() - 10.0).abs() < 1e-12);
    }
}
