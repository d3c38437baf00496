//! Fire arrival times over a raster by minimum travel time (Dijkstra).
//!
//! Method: each burnable cell gets the Rothermel head-fire spread rate, the
//! direction of maximum spread and the elliptical fire shape of
//! [`super::rothermel`] from its fuel model, moistures, wind and terrain
//! (slope and aspect by Horn's method, Horn 1981, Proc. IEEE 69(1)). Fire then
//! moves from cell centre to cell centre along 16 directions — the 8 king
//! moves and the 8 knight moves (±1, ±2), which cut the angular gap between
//! lattice directions from 45° to at most 26.6° (Finney 2002, Can. J. For. Res.
//! 32, on minimum travel time; the same idea in FlamMap's MTT).
//!
//! Travel time of one move: the segment between the two cell centres is split
//! into the pieces lying in each cell it crosses, and each piece takes its
//! length divided by *that* cell's elliptical rate of spread in the direction
//! of the move: t = Σ ℓ_i / R_i(θ_i). King moves cross two cells (half the
//! length each: the harmonic mean of the two rates); knight moves cross four
//! (a quarter each: start cell, the two cells the segment passes through, end
//! cell). The elliptical rate is R(θ) = R_head (1 − e)/(1 − e cos θ), θ the
//! angle between the move and the cell's direction of maximum spread: the
//! ray speed of an ellipse with the ignition at its rear focus, so a point
//! ignition in uniform conditions grows as that ellipse.
//!
//! Blocking: a move needs every cell it crosses to be burnable and free of
//! barriers; a diagonal move is also refused when both cells beside its corner
//! are blocked, so a one-cell diagonal line of barriers holds.
//!
//! Determinism: per-cell parameters are pure functions of the inputs computed
//! with rayon (any thread count gives the same bits); the Dijkstra heap (a
//! 4-ary heap with decrease-key) is keyed by (time, cell index), so equal
//! times settle in index order.
//!
//! Units: cell size and elevations in m, wind in m/s, times in s, directions
//! as compass bearings (wind *from*, spread *toward*). Row 0 is the northern
//! edge; cells are indexed row-major, `cell = row * ncols + col`.
//!
//! Limitations: rates of spread are applied as horizontal rates (the slope
//! distance correction, ≈ 1 − cos(slope angle), is ignored); no spotting,
//! crown fire, acceleration or fuel/weather change during the run.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::error::FireError;
use super::fuel::{self, FuelModel};
use super::rothermel::{
    FT_MIN_PER_MI_H, Fuelbed, Head, M_PER_FT, M_S_PER_MI_H, Moistures, eccentricity,
    length_to_width_ratio, wind_adjustment_factor,
};

/// A raster input that is either one value everywhere or one value per cell
/// (row-major, `nrows * ncols` long).
#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    /// The same value in every cell.
    Uniform(T),
    /// One value per cell.
    PerCell(Vec<T>),
}

impl<T> Field<T> {
    fn get(&self, cell: usize) -> &T {
        match self {
            Field::Uniform(v) => v,
            Field::PerCell(v) => &v[cell],
        }
    }

    fn check_len(&self, layer: &'static str, expected: usize) -> Result<(), FireError> {
        match self {
            Field::PerCell(v) if v.len() != expected => Err(FireError::LayerSize {
                layer,
                expected,
                got: v.len(),
            }),
            _ => Ok(()),
        }
    }

    fn values(&self) -> &[T] {
        match self {
            Field::Uniform(v) => std::slice::from_ref(v),
            Field::PerCell(v) => v,
        }
    }
}

/// Wind at one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wind {
    /// Wind speed, m/s, at the height given by [`WindHeight`].
    pub speed_m_s: f64,
    /// Direction the wind blows from, compass degrees.
    pub from_deg: f64,
}

/// Height the wind speeds refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindHeight {
    /// Midflame wind, used as is.
    Midflame,
    /// Wind 20 ft (6.1 m) above the vegetation; reduced to midflame with the
    /// unsheltered Albini & Baughman factor of each cell's fuel bed depth.
    TwentyFoot,
}

/// The forest canopy over a cell's surface fuel, for the sheltered wind
/// adjustment factor of Albini & Baughman (1979)
/// ([`wind_adjustment_factor`]); used with [`WindHeight::TwentyFoot`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Canopy {
    /// Canopy cover, fraction 0–1 (0: open, unsheltered fuel).
    pub cover: f64,
    /// Canopy height, m.
    pub height_m: f64,
    /// Crown ratio, fraction 0–1 of the canopy height filled by crowns.
    pub crown_ratio: f64,
}

impl Canopy {
    /// No canopy: the fuel is unsheltered.
    pub const OPEN: Canopy = Canopy {
        cover: 0.0,
        height_m: 0.0,
        crown_ratio: 0.0,
    };

    fn validate(&self) -> Result<(), FireError> {
        for (field, v, hi) in [
            ("canopy cover (fraction)", self.cover, 1.0),
            ("canopy height (m)", self.height_m, 100.0),
            ("crown ratio (fraction)", self.crown_ratio, 1.0),
        ] {
            if !(v.is_finite() && (0.0..=hi).contains(&v)) {
                return Err(FireError::InvalidInput {
                    field,
                    value: v,
                    reason: "must be finite, >= 0 and not above its range (1 for fractions, 100 m)",
                });
            }
        }
        Ok(())
    }
}

/// A repeating day–night cycle on the arrival-time clock (seconds after the
/// ignitions' time origin): night from `night_from_s` for `night_len_s`,
/// every `period_s`. During the night the spread uses the night grid's
/// conditions ([`FireGrid::with_night`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diurnal {
    /// Length of a cycle, s (a day: 86,400).
    pub period_s: f64,
    /// Start of a night, s on the arrival-time clock (any night; the cycle
    /// repeats both ways).
    pub night_from_s: f64,
    /// Length of the night, s (0 ≤ it ≤ `period_s`).
    pub night_len_s: f64,
}

impl Diurnal {
    /// Whether `t_s` is in a night, and the time of the next switch.
    fn phase(&self, t_s: f64) -> (bool, f64) {
        // By the cycle's number, so that the next switch is always later
        // than `t_s` (a remainder can round to a switch that is not later).
        let k = ((t_s - self.night_from_s) / self.period_s).floor();
        let start = self.night_from_s + k * self.period_s;
        if t_s < start + self.night_len_s {
            (true, start + self.night_len_s)
        } else if t_s < start + self.period_s {
            (false, start + self.period_s)
        } else {
            // Rounded onto the next night's start.
            (
                self.night_len_s > 0.0,
                start + self.period_s + self.night_len_s.max(self.period_s * f64::EPSILON),
            )
        }
    }

    /// Time at which a move that takes `day_s` by day and `night_s` by
    /// night (either may be infinite: no progress in that phase), started at
    /// `t_s`, is done; progress is linear in time within a phase, so a later
    /// start never arrives earlier (the FIFO property Dijkstra needs).
    /// Infinite when it is not done by `t_max_s`.
    fn arrive(&self, t_s: f64, day_s: f64, night_s: f64, t_max_s: f64) -> f64 {
        if !day_s.is_finite() && !night_s.is_finite() {
            return f64::INFINITY;
        }
        let (mut t, mut left) = (t_s, 1.0);
        // Each pass crosses at least one switch; a move that needs more
        // cycles than this passes the horizon first in any real use.
        for _ in 0..10_000 {
            if t > t_max_s {
                break;
            }
            let (night, next) = self.phase(t);
            let cost = if night { night_s } else { day_s };
            let span = next - t;
            if cost.is_finite() && left * cost <= span {
                return t + left * cost;
            }
            if cost.is_finite() {
                left -= span / cost;
            }
            t = next;
        }
        f64::INFINITY
    }

    fn validate(&self) -> Result<(), FireError> {
        let ok = self.period_s.is_finite()
            && self.period_s > 0.0
            && self.night_from_s.is_finite()
            && self.night_len_s.is_finite()
            && (0.0..=self.period_s).contains(&self.night_len_s);
        if ok {
            Ok(())
        } else {
            Err(FireError::InvalidInput {
                field: "day-night cycle (night length, s)",
                value: self.night_len_s,
                reason: "period must be positive and the night within it",
            })
        }
    }
}

/// Raster geometry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridSpec {
    /// Number of rows (row 0 is north).
    pub nrows: usize,
    /// Number of columns (column 0 is west).
    pub ncols: usize,
    /// Cell size, m.
    pub cellsize_m: f64,
}

/// Spread parameters of one cell, as the arrival-time search uses them:
/// slowness in unit direction u = `k (1 − ex·u_east − ey·u_north)`, s/m.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slowness {
    /// 1 / (R_head (1 − e)), s/m: the slowness across the flank through the focus.
    k: f64,
    /// e · sin(heading): east component of the eccentricity vector.
    ex: f64,
    /// e · cos(heading): north component of the eccentricity vector.
    ey: f64,
}

/// Fire behaviour of one cell, for inspection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellSpread {
    /// Head-fire rate of spread, m/s.
    pub head_ros_m_s: f64,
    /// Length-to-width ratio of the fire ellipse.
    pub length_to_width: f64,
    /// Direction of maximum spread, compass degrees (toward).
    pub heading_deg: f64,
}

/// One lattice move: offset, length in cells, unit vector (east, north) and
/// the cells it crosses besides its ends.
#[derive(Debug, Clone, Copy)]
struct Move {
    dr: isize,
    dc: isize,
    len: f64,
    ux: f64,
    uy: f64,
    kind: MoveKind,
}

#[derive(Debug, Clone, Copy)]
enum MoveKind {
    /// N, E, S, W.
    Straight,
    /// Diagonal: blocked when both corner cells (dr, 0) and (0, dc) are blocked.
    Diagonal,
    /// Knight move through two intermediate cells (offsets from the start).
    Knight {
        m1: (isize, isize),
        m2: (isize, isize),
    },
}

fn moves() -> [Move; 16] {
    const OFFSETS: [(isize, isize); 16] = [
        (-1, 0),
        (0, 1),
        (1, 0),
        (0, -1),
        (-1, 1),
        (1, 1),
        (1, -1),
        (-1, -1),
        (-2, 1),
        (-1, 2),
        (1, 2),
        (2, 1),
        (2, -1),
        (1, -2),
        (-1, -2),
        (-2, -1),
    ];
    OFFSETS.map(|(dr, dc)| {
        let len = ((dr * dr + dc * dc) as f64).sqrt();
        let kind = match (dr.abs(), dc.abs()) {
            (1, 1) => MoveKind::Diagonal,
            (1, 2) => MoveKind::Knight {
                m1: (0, dc / 2),
                m2: (dr, dc / 2),
            },
            (2, 1) => MoveKind::Knight {
                m1: (dr / 2, 0),
                m2: (dr / 2, dc),
            },
            _ => MoveKind::Straight,
        };
        Move {
            dr,
            dc,
            len,
            ux: dc as f64 / len,
            uy: -(dr as f64) / len,
            kind,
        }
    })
}

/// Slope (rise/run) and aspect (compass degrees the slope faces) of every
/// cell by Horn's (1981) third-order finite difference. Outside the grid the
/// surface is extended linearly from the two nearest rows or columns, so a
/// plane has the same slope at the edges as inside. A flat cell gets aspect 0.
pub fn horn_slope_aspect(spec: &GridSpec, dem_m: &[f64]) -> Result<Vec<(f64, f64)>, FireError> {
    validate_spec(spec)?;
    let n = spec.nrows * spec.ncols;
    if dem_m.len() != n {
        return Err(FireError::LayerSize {
            layer: "dem",
            expected: n,
            got: dem_m.len(),
        });
    }
    if let Some(&bad) = dem_m.iter().find(|z| !z.is_finite()) {
        return Err(FireError::InvalidInput {
            field: "elevation (m)",
            value: bad,
            reason: "must be finite",
        });
    }
    Ok((0..n)
        .into_par_iter()
        .map(|cell| horn_at(spec, dem_m, cell))
        .collect())
}

fn horn_at(spec: &GridSpec, dem: &[f64], cell: usize) -> (f64, f64) {
    let (nr, nc) = (spec.nrows as isize, spec.ncols as isize);
    let (r, c) = ((cell / spec.ncols) as isize, (cell % spec.ncols) as isize);
    // Elevation with linear extrapolation one cell beyond each edge.
    let z = |r: isize, c: isize| -> f64 {
        let along = |i: isize, n: isize| -> (isize, isize, f64) {
            // (cell to read, neighbour for extrapolation, weight of the difference)
            if i < 0 {
                (0, 1.min(n - 1), 1.0)
            } else if i >= n {
                (n - 1, (n - 2).max(0), 1.0)
            } else {
                (i, i, 0.0)
            }
        };
        let (r0, r1, wr) = along(r, nr);
        let (c0, c1, wc) = along(c, nc);
        let at = |r: isize, c: isize| dem[(r * nc + c) as usize];
        let base = at(r0, c0);
        base + wr * (base - at(r1, c0)) + wc * (base - at(r0, c1))
    };
    let (a, b, cc) = (z(r - 1, c - 1), z(r - 1, c), z(r - 1, c + 1));
    let (d, f) = (z(r, c - 1), z(r, c + 1));
    let (g, h, i) = (z(r + 1, c - 1), z(r + 1, c), z(r + 1, c + 1));
    let dz_east = ((cc + 2.0 * f + i) - (a + 2.0 * d + g)) / (8.0 * spec.cellsize_m);
    let dz_south = ((g + 2.0 * h + i) - (a + 2.0 * b + cc)) / (8.0 * spec.cellsize_m);
    let slope = dz_east.hypot(dz_south);
    // Downslope vector (east, north) = (−dz/dx_east, −dz/dy_north) = (−dz_east, dz_south).
    let aspect = if slope > 0.0 {
        (-dz_east).atan2(dz_south).to_degrees().rem_euclid(360.0)
    } else {
        0.0
    };
    (slope, aspect)
}

fn validate_spec(spec: &GridSpec) -> Result<(), FireError> {
    if !(spec.cellsize_m.is_finite() && spec.cellsize_m > 0.0) {
        return Err(FireError::InvalidInput {
            field: "cell size (m)",
            value: spec.cellsize_m,
            reason: "must be finite and > 0",
        });
    }
    let n = spec.nrows.saturating_mul(spec.ncols);
    // The search indexes a grid padded by PAD cells per side with u32.
    let padded =
        (spec.nrows.saturating_add(2 * PAD)).saturating_mul(spec.ncols.saturating_add(2 * PAD));
    if n == 0 || padded >= u32::MAX as usize {
        return Err(FireError::InvalidInput {
            field: "grid size (cells)",
            value: n as f64,
            reason: "must be at least 1 and, with 2 cells of padding per side, below 2^32 - 1",
        });
    }
    Ok(())
}

/// A raster ready for arrival-time queries: per-cell spread ellipses computed
/// once, then any number of [`FireGrid::arrival_times`] calls with different
/// ignitions, barriers and time limits.
#[derive(Debug, Clone)]
pub struct FireGrid {
    spec: GridSpec,
    /// Per-cell slowness in the padded layout (see [`PAD`]); `k` is infinite
    /// where the cell does not burn and on the padding.
    slow: Vec<Slowness>,
    /// Night conditions and the cycle that switches to them
    /// ([`FireGrid::with_night`]); `None`: the same conditions all the time.
    night: Option<(Vec<Slowness>, Diurnal)>,
    /// The 16 moves as offsets in the padded layout.
    steps: [Step; 16],
}

/// Blocked cells added on every side of the grid so that no move needs a
/// bounds check (knight moves reach two cells away).
const PAD: usize = 2;

/// A move in the padded layout: index offsets and the length factor.
#[derive(Debug, Clone, Copy)]
struct Step {
    /// Offset of the target cell.
    off: isize,
    /// Move length × cell size divided by the number of pieces (2 or 4), m.
    piece_m: f64,
    /// Unit vector of the move, east and north components.
    ux: f64,
    uy: f64,
    kind: StepKind,
}

#[derive(Debug, Clone, Copy)]
enum StepKind {
    Straight,
    /// Offsets of the two corner cells.
    Diagonal(isize, isize),
    /// Offsets of the two crossed cells.
    Knight(isize, isize),
}

fn steps(width: usize, cellsize_m: f64) -> [Step; 16] {
    let w = width as isize;
    moves().map(|mv| {
        let (kind, pieces) = match mv.kind {
            MoveKind::Straight => (StepKind::Straight, 2.0),
            MoveKind::Diagonal => (StepKind::Diagonal(mv.dr * w, mv.dc), 2.0),
            MoveKind::Knight { m1, m2 } => {
                (StepKind::Knight(m1.0 * w + m1.1, m2.0 * w + m2.1), 4.0)
            }
        };
        Step {
            off: mv.dr * w + mv.dc,
            piece_m: mv.len * cellsize_m / pieces,
            ux: mv.ux,
            uy: mv.uy,
            kind,
        }
    })
}

impl FireGrid {
    /// Builds the grid. `fuel` holds standard fuel model numbers (0 and 91–99
    /// do not burn; other unknown numbers are an error), `dem_m` elevations in
    /// m, `wind` speed and direction (see [`WindHeight`]), `moisture` fuel
    /// moistures as fractions. Per-cell work runs on the current rayon pool.
    pub fn new(
        spec: GridSpec,
        fuel: &[u16],
        dem_m: &[f64],
        wind: &Field<Wind>,
        wind_height: WindHeight,
        moisture: &Field<Moistures>,
    ) -> Result<Self, FireError> {
        Self::with_canopy(
            spec,
            fuel,
            dem_m,
            wind,
            wind_height,
            moisture,
            &Field::Uniform(Canopy::OPEN),
        )
    }

    /// [`FireGrid::new`] with a forest canopy over the fuel: with a 20-ft
    /// wind, a cell under a canopy takes the sheltered wind adjustment
    /// factor of Albini & Baughman (1979) instead of the unsheltered one.
    pub fn with_canopy(
        spec: GridSpec,
        fuel: &[u16],
        dem_m: &[f64],
        wind: &Field<Wind>,
        wind_height: WindHeight,
        moisture: &Field<Moistures>,
        canopy: &Field<Canopy>,
    ) -> Result<Self, FireError> {
        validate_spec(&spec)?;
        let n = spec.nrows * spec.ncols;
        if fuel.len() != n {
            return Err(FireError::LayerSize {
                layer: "fuel",
                expected: n,
                got: fuel.len(),
            });
        }
        wind.check_len("wind", n)?;
        moisture.check_len("moisture", n)?;
        canopy.check_len("canopy", n)?;
        for c in canopy.values() {
            c.validate()?;
        }
        for w in wind.values() {
            if !(w.speed_m_s.is_finite() && w.speed_m_s >= 0.0) {
                return Err(FireError::InvalidInput {
                    field: "wind speed (m/s)",
                    value: w.speed_m_s,
                    reason: "must be finite and >= 0",
                });
            }
            if !w.from_deg.is_finite() {
                return Err(FireError::InvalidInput {
                    field: "wind direction (deg)",
                    value: w.from_deg,
                    reason: "must be finite",
                });
            }
        }
        for m in moisture.values() {
            m.validate()?;
        }
        let slope_aspect = horn_slope_aspect(&spec, dem_m)?;

        // Distinct fuel models, resolved once; unknown ids reported at their first cell.
        let mut models: BTreeMap<u16, Option<&'static FuelModel>> = BTreeMap::new();
        for (cell, &id) in fuel.iter().enumerate() {
            if let Entry::Vacant(e) = models.entry(id) {
                let model = if fuel::is_nonburnable_number(id) {
                    None
                } else {
                    Some(
                        fuel::by_number(id)
                            .map_err(|_| FireError::UnknownFuelInGrid { cell, id })?,
                    )
                };
                e.insert(model);
            }
        }
        let mut slot_of = vec![usize::MAX; usize::from(u16::MAX) + 1];
        let slots: Vec<Option<&'static FuelModel>> = models
            .iter()
            .enumerate()
            .map(|(slot, (&id, &m))| {
                slot_of[usize::from(id)] = slot;
                m
            })
            .collect();
        // With uniform moistures the no-wind stage depends on the model only.
        // Non-burnable slots get an unused placeholder bed.
        let beds: Option<Vec<Fuelbed>> = match moisture {
            Field::Uniform(m) => Some(
                slots
                    .iter()
                    .map(|s| s.map_or(Fuelbed::NONE, |model| Fuelbed::compute(model, m)))
                    .collect(),
            ),
            Field::PerCell(_) => None,
        };

        let slow_cells: Vec<Slowness> = (0..n)
            .into_par_iter()
            .map(|cell| {
                let slot = slot_of[usize::from(fuel[cell])];
                let Some(model) = slots[slot] else {
                    return Slowness::BLOCKED;
                };
                // Uniform moistures: the model's shared fuel bed; per-cell: this cell's.
                let bed = match &beds {
                    Some(b) => b[slot],
                    None => Fuelbed::compute(model, moisture.get(cell)),
                };
                cell_slowness(
                    &bed,
                    wind.get(cell),
                    wind_height,
                    canopy.get(cell),
                    slope_aspect[cell],
                )
            })
            .collect();
        let width = spec.ncols + 2 * PAD;
        let mut slow = vec![Slowness::BLOCKED; width * (spec.nrows + 2 * PAD)];
        for (r, row) in slow_cells.chunks(spec.ncols).enumerate() {
            let start = (r + PAD) * width + PAD;
            slow[start..start + spec.ncols].copy_from_slice(row);
        }
        Ok(Self {
            spec,
            slow,
            night: None,
            steps: steps(width, spec.cellsize_m),
        })
    }

    /// This grid by day and `night`'s conditions (same raster, built with
    /// the night's wind and moistures) by night, switching on `cycle`:
    /// [`FireGrid::arrival_times`] then lets each move progress at the rate
    /// of the phase it is in. A cell that does not burn by night (its fuel
    /// above the moisture of extinction) waits for the day.
    pub fn with_night(mut self, night: &FireGrid, cycle: Diurnal) -> Result<Self, FireError> {
        cycle.validate()?;
        if night.spec != self.spec {
            return Err(FireError::LayerSize {
                layer: "night grid",
                expected: self.ncells(),
                got: night.ncells(),
            });
        }
        self.night = Some((night.slow.clone(), cycle));
        Ok(self)
    }

    /// Number of cells of the grid (without padding).
    fn ncells(&self) -> usize {
        self.spec.nrows * self.spec.ncols
    }

    /// Index of a cell in the padded layout.
    fn padded(&self, cell: usize) -> usize {
        let (r, c) = (cell / self.spec.ncols, cell % self.spec.ncols);
        (r + PAD) * (self.spec.ncols + 2 * PAD) + c + PAD
    }

    /// Raster geometry.
    pub fn spec(&self) -> GridSpec {
        self.spec
    }

    /// Fire behaviour of a cell, `None` if it does not burn or is outside the grid.
    pub fn cell_spread(&self, cell: usize) -> Option<CellSpread> {
        if cell >= self.ncells() {
            return None;
        }
        let s = self.slow[self.padded(cell)];
        if !s.k.is_finite() {
            return None;
        }
        let e = s.ex.hypot(s.ey);
        Some(CellSpread {
            head_ros_m_s: 1.0 / (s.k * (1.0 - e)),
            length_to_width: 1.0 / (1.0 - e * e).sqrt(),
            heading_deg: if e > 0.0 {
                s.ex.atan2(s.ey).to_degrees().rem_euclid(360.0)
            } else {
                0.0
            },
        })
    }

    /// Fire arrival time of every cell, s (`f64::INFINITY` where the fire does
    /// not arrive by `t_max_s`). `ignitions` are (cell, ignition time s);
    /// an ignition on a cell that does not burn, is a barrier, or is later than
    /// `t_max_s` starts nothing. `barriers` are cells where spread is stopped
    /// (held fireline): they never burn and no move crosses them.
    pub fn arrival_times(
        &self,
        ignitions: &[(usize, f64)],
        barriers: &BTreeSet<usize>,
        t_max_s: f64,
    ) -> Result<Vec<f64>, FireError> {
        let n = self.ncells();
        if t_max_s.is_nan() {
            return Err(FireError::InvalidInput {
                field: "t_max (s)",
                value: t_max_s,
                reason: "must not be NaN",
            });
        }
        // Arrival in the padded layout; −∞ marks blocked cells (padding,
        // non-burnable, barriers) so that one comparison `arrival ≤ t` skips
        // both blocked and settled cells in the search.
        let burns_at_night = |p: usize| {
            self.night
                .as_ref()
                .is_some_and(|(night, _)| night[p].k.is_finite())
        };
        let mut arrival: Vec<f64> = self
            .slow
            .iter()
            .enumerate()
            .map(|(p, s)| {
                if s.k.is_finite() || burns_at_night(p) {
                    f64::INFINITY
                } else {
                    f64::NEG_INFINITY
                }
            })
            .collect();
        for &b in barriers {
            if b >= n {
                return Err(FireError::CellOutOfRange {
                    what: "barrier",
                    cell: b,
                    ncells: n,
                });
            }
            arrival[self.padded(b)] = f64::NEG_INFINITY;
        }
        let mut heap = CellHeap::new(arrival.len());
        for &(cell, t0) in ignitions {
            if cell >= n {
                return Err(FireError::CellOutOfRange {
                    what: "ignition",
                    cell,
                    ncells: n,
                });
            }
            if !t0.is_finite() {
                return Err(FireError::InvalidInput {
                    field: "ignition time (s)",
                    value: t0,
                    reason: "must be finite",
                });
            }
            let p = self.padded(cell);
            // Fails for blocked cells (−∞) and for later duplicate ignitions.
            if t0 < arrival[p] && t0 <= t_max_s {
                arrival[p] = t0;
                heap.push_or_decrease(time_key(t0), p as u32);
            }
        }
        self.dijkstra(&mut arrival, &mut heap, t_max_s);
        let width = self.spec.ncols + 2 * PAD;
        Ok(arrival
            .chunks(width)
            .skip(PAD)
            .take(self.spec.nrows)
            .flat_map(|row| &row[PAD..PAD + self.spec.ncols])
            .map(|&t| {
                if t == f64::NEG_INFINITY {
                    f64::INFINITY
                } else {
                    t
                }
            })
            .collect())
    }

    /// Dijkstra over the padded layout. Heap entries are (time key, padded
    /// index); padded indices order cells exactly as row-major cell indices.
    fn dijkstra(&self, arrival: &mut [f64], heap: &mut CellHeap, t_max_s: f64) {
        let blocked = |t: f64| t == f64::NEG_INFINITY;
        let at = |p: usize, off: isize| p.wrapping_add_signed(off);
        // Time a move takes on one grid's slowness, s (∞ where a cell of it
        // does not burn in that phase).
        let cost = |arrival: &[f64], slow: &[Slowness], p: usize, q: usize, st: &Step| {
            let s = |c: &Slowness| c.k * (1.0 - c.ex * st.ux - c.ey * st.uy);
            Some::<f64>(match st.kind {
                StepKind::Straight => st.piece_m * (s(&slow[p]) + s(&slow[q])),
                StepKind::Diagonal(a, b) => {
                    if blocked(arrival[at(p, a)]) && blocked(arrival[at(p, b)]) {
                        return None;
                    }
                    st.piece_m * (s(&slow[p]) + s(&slow[q]))
                }
                StepKind::Knight(a, b) => {
                    let (a, b) = (at(p, a), at(p, b));
                    if blocked(arrival[a]) || blocked(arrival[b]) {
                        return None;
                    }
                    st.piece_m * (s(&slow[p]) + s(&slow[a]) + s(&slow[b]) + s(&slow[q]))
                }
            })
        };
        while let Some(p) = heap.pop() {
            let p = p as usize;
            let t = arrival[p];
            for st in &self.steps {
                let q = at(p, st.off);
                // Blocked (−∞) or settled (≤ t, cannot improve since dt > 0).
                if arrival[q] <= t {
                    continue;
                }
                let Some(day) = cost(arrival, &self.slow, p, q, st) else {
                    continue;
                };
                let nt = match &self.night {
                    None => t + day,
                    Some((night, cycle)) => {
                        let Some(night) = cost(arrival, night, p, q, st) else {
                            continue;
                        };
                        cycle.arrive(t, day, night, t_max_s)
                    }
                };
                if nt < arrival[q] && nt <= t_max_s {
                    arrival[q] = nt;
                    heap.push_or_decrease(time_key(nt), q as u32);
                }
            }
        }
    }

    /// Cells burnt by time `t_s` (arrival ≤ t) that share an edge with a cell
    /// of the grid not yet burnt: the fire perimeter, in ascending cell order.
    /// The grid's outer edge is not counted as unburnt.
    pub fn perimeter_at(&self, arrival: &[f64], t_s: f64) -> Result<Vec<usize>, FireError> {
        let n = self.ncells();
        if arrival.len() != n {
            return Err(FireError::LayerSize {
                layer: "arrival",
                expected: n,
                got: arrival.len(),
            });
        }
        let (nr, nc) = (self.spec.nrows, self.spec.ncols);
        Ok((0..n)
            .filter(|&cell| {
                if arrival[cell] > t_s {
                    return false;
                }
                let (r, c) = (cell / nc, cell % nc);
                (r > 0 && arrival[cell - nc] > t_s)
                    || (r + 1 < nr && arrival[cell + nc] > t_s)
                    || (c > 0 && arrival[cell - 1] > t_s)
                    || (c + 1 < nc && arrival[cell + 1] > t_s)
            })
            .collect())
    }
}

impl Slowness {
    const BLOCKED: Slowness = Slowness {
        k: f64::INFINITY,
        ex: 0.0,
        ey: 0.0,
    };
}

/// Per-cell ellipse from the fuel bed, wind and terrain.
fn cell_slowness(
    bed: &Fuelbed,
    wind: &Wind,
    height: WindHeight,
    canopy: &Canopy,
    (slope, aspect_deg): (f64, f64),
) -> Slowness {
    let waf = match height {
        WindHeight::Midflame => 1.0,
        WindHeight::TwentyFoot => wind_adjustment_factor(
            bed.depth_m(),
            canopy.cover,
            canopy.height_m,
            canopy.crown_ratio,
        ),
    };
    let wind_ft_min = wind.speed_m_s * waf / M_S_PER_MI_H * FT_MIN_PER_MI_H;
    let upslope_deg = aspect_deg + 180.0;
    let wind_rel = (wind.from_deg + 180.0 - upslope_deg).to_radians();
    let Head {
        ros_ft_min,
        dir_rel_rad: dir_rel,
        effective_wind_mph: u_eff_mph,
    } = bed.head(wind_ft_min, wind_rel, slope);
    let head_m_s = ros_ft_min * M_PER_FT / 60.0;
    // Also catches NaN, which the validated inputs should never produce.
    if head_m_s.is_nan() || head_m_s <= 0.0 {
        return Slowness::BLOCKED;
    }
    let lw = length_to_width_ratio(u_eff_mph * M_S_PER_MI_H);
    let e = eccentricity(lw);
    let (sin_h, cos_h) = (upslope_deg.to_radians() + dir_rel).sin_cos();
    Slowness {
        k: 1.0 / (head_m_s * (1.0 - e)),
        ex: e * sin_h,
        ey: e * cos_h,
    }
}

/// Min-heap of cells keyed by (time key, cell index) with decrease-key, so
/// each cell is in the heap at most once (no stale entries). Four children per
/// node: shallower than a binary heap for the same pops. Because the key
/// (time, index) is a total order, the pop sequence does not depend on the
/// heap's shape.
struct CellHeap {
    /// (time key, cell), heap-ordered.
    items: Vec<(u64, u32)>,
    /// Slot of each cell in `items`, or `ABSENT`.
    slot: Vec<u32>,
}

impl CellHeap {
    const ABSENT: u32 = u32::MAX;

    fn new(ncells: usize) -> Self {
        Self {
            items: Vec::new(),
            slot: vec![Self::ABSENT; ncells],
        }
    }

    /// Inserts `cell`, or lowers its key if it is already queued. Keys only
    /// ever decrease (the caller relaxes with strictly smaller times).
    fn push_or_decrease(&mut self, key: u64, cell: u32) {
        let i = match self.slot[cell as usize] {
            Self::ABSENT => {
                self.items.push((key, cell));
                self.items.len() - 1
            }
            i => {
                let i = i as usize;
                debug_assert!(key < self.items[i].0, "cell {cell}: key must decrease");
                self.items[i].0 = key;
                i
            }
        };
        self.sift_up(i);
    }

    /// Removes and returns the cell with the smallest (key, cell).
    fn pop(&mut self) -> Option<u32> {
        let last = self.items.pop()?;
        let top = match self.items.first().copied() {
            None => last,
            Some(top) => {
                self.items[0] = last;
                self.slot[last.1 as usize] = 0;
                self.sift_down(0);
                top
            }
        };
        self.slot[top.1 as usize] = Self::ABSENT;
        Some(top.1)
    }

    fn sift_up(&mut self, mut i: usize) {
        let item = self.items[i];
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.items[parent] <= item {
                break;
            }
            self.items[i] = self.items[parent];
            self.slot[self.items[i].1 as usize] = i as u32;
            i = parent;
        }
        self.items[i] = item;
        self.slot[item.1 as usize] = i as u32;
    }

    fn sift_down(&mut self, mut i: usize) {
        let item = self.items[i];
        let len = self.items.len();
        loop {
            let first = 4 * i + 1;
            if first >= len {
                break;
            }
            let end = (first + 4).min(len);
            let mut best = first;
            for c in first + 1..end {
                if self.items[c] < self.items[best] {
                    best = c;
                }
            }
            if self.items[best] >= item {
                break;
            }
            self.items[i] = self.items[best];
            self.slot[self.items[i].1 as usize] = i as u32;
            i = best;
        }
        self.items[i] = item;
        self.slot[item.1 as usize] = i as u32;
    }
}

/// Order-preserving map of an f64 to u64 (total order; finite times only).
fn time_key(t: f64) -> u64 {
    let bits = t.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(nrows: usize, ncols: usize) -> GridSpec {
        GridSpec {
            nrows,
            ncols,
            cellsize_m: 10.0,
        }
    }

    #[test]
    fn diurnal_moves_progress_at_the_rate_of_each_phase() {
        // Night from 10 s for 10 s, every 20 s.
        let c = Diurnal {
            period_s: 20.0,
            night_from_s: 10.0,
            night_len_s: 10.0,
        };
        assert_eq!(c.phase(0.0), (false, 10.0));
        assert_eq!(c.phase(12.0), (true, 20.0));
        assert_eq!(c.phase(-5.0), (true, 0.0));
        // All by day.
        assert_eq!(c.arrive(0.0, 4.0, 40.0, 1e9), 4.0);
        // 8 s by day does 8/10 of a 10-s move; the last 2/10 at night take
        // 2/10 of 40 s.
        assert!((c.arrive(2.0, 10.0, 40.0, 1e9) - 18.0).abs() < 1e-12);
        // No progress at night: wait for the next day.
        assert!((c.arrive(8.0, 4.0, f64::INFINITY, 1e9) - 22.0).abs() < 1e-12);
        // FIFO: a later start never arrives earlier.
        let mut last = 0.0;
        for k in 0..400 {
            let t = c.arrive(0.1 * k as f64, 7.0, 25.0, 1e9);
            assert!(t >= last, "{t} < {last}");
            last = t;
        }
        // Neither phase burns; past the horizon.
        assert_eq!(
            c.arrive(0.0, f64::INFINITY, f64::INFINITY, 1e9),
            f64::INFINITY
        );
        assert_eq!(c.arrive(0.0, 1e6, 1e6, 100.0), f64::INFINITY);
    }

    fn flat_timber(wind_m_s: f64, dead_1h_pct: f64, canopy: Canopy) -> FireGrid {
        let s = spec(41, 41);
        FireGrid::with_canopy(
            s,
            &[10; 41 * 41],
            &[0.0; 41 * 41],
            &Field::Uniform(Wind {
                speed_m_s: wind_m_s,
                from_deg: 270.0,
            }),
            WindHeight::TwentyFoot,
            &Field::Uniform(Moistures::from_percent(dead_1h_pct, 8.0, 9.0, 100.0, 100.0)),
            &Field::Uniform(canopy),
        )
        .unwrap()
    }

    #[test]
    fn a_canopy_slows_the_wind_driven_spread() {
        let open = flat_timber(8.0, 6.0, Canopy::OPEN);
        let spruce = Canopy {
            cover: 0.5,
            height_m: 15.0,
            crown_ratio: 0.5,
        };
        let under = flat_timber(8.0, 6.0, spruce);
        let (o, u) = (open.cell_spread(0).unwrap(), under.cell_spread(0).unwrap());
        assert!(u.head_ros_m_s < 0.6 * o.head_ros_m_s, "{u:?} vs {o:?}");
        // The factor itself: sheltered well below the open one.
        let sheltered = wind_adjustment_factor(0.3048, 0.5, 15.0, 0.5);
        assert!((0.1..0.2).contains(&sheltered), "{sheltered}");
        let bad = FireGrid::with_canopy(
            spec(2, 2),
            &[10; 4],
            &[0.0; 4],
            &Field::Uniform(Wind {
                speed_m_s: 1.0,
                from_deg: 0.0,
            }),
            WindHeight::TwentyFoot,
            &Field::Uniform(Moistures::from_percent(6.0, 7.0, 8.0, 60.0, 90.0)),
            &Field::Uniform(Canopy {
                cover: 1.5,
                ..spruce
            }),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn nights_slow_the_front_between_day_only_and_night_only() {
        let centre = 20 * 41 + 20;
        let east = 20 * 41 + 40;
        let day = flat_timber(8.0, 6.0, Canopy::OPEN);
        let night = flat_timber(4.0, 14.0, Canopy::OPEN);
        let t = |g: &FireGrid| {
            g.arrival_times(&[(centre, 0.0)], &BTreeSet::new(), 1e9)
                .unwrap()[east]
        };
        let (td, tn) = (t(&day), t(&night));
        assert!(td < tn);
        // Night half of every cycle, starting at once.
        let period = 2.0 * td;
        let cycle = Diurnal {
            period_s: period,
            night_from_s: 0.0,
            night_len_s: period / 2.0,
        };
        let both = day.clone().with_night(&night, cycle).unwrap();
        let tb = t(&both);
        assert!(td < tb && tb < tn, "{td} {tb} {tn}");
        // A cycle whose night never comes is the day grid.
        let never = Diurnal {
            night_len_s: 0.0,
            ..cycle
        };
        assert_eq!(t(&day.clone().with_night(&night, never).unwrap()), td);
        // Bad cycles and mismatched grids are errors.
        let bad = Diurnal {
            night_len_s: 2.0 * period,
            ..cycle
        };
        assert!(day.clone().with_night(&night, bad).is_err());
        let small = FireGrid::new(
            spec(3, 3),
            &[1; 9],
            &[0.0; 9],
            &Field::Uniform(Wind {
                speed_m_s: 1.0,
                from_deg: 0.0,
            }),
            WindHeight::Midflame,
            &Field::Uniform(Moistures::from_percent(6.0, 7.0, 8.0, 60.0, 90.0)),
        )
        .unwrap();
        assert!(day.with_night(&small, cycle).is_err());
    }

    #[test]
    fn horn_on_planes_is_exact_everywhere() {
        // z = 0.3·x_east − 0.4·y_north (row 0 north): rises to the east and to
        // the south, so it faces north-west-ish: downslope (−0.3, +0.4).
        let s = spec(5, 6);
        let dem: Vec<f64> = (0..30)
            .map(|i| {
                let (r, c) = ((i / 6) as f64, (i % 6) as f64);
                0.3 * c * 10.0 + 0.4 * r * 10.0
            })
            .collect();
        let expect_aspect = (-0.3f64).atan2(0.4).to_degrees().rem_euclid(360.0);
        for (slope, aspect) in horn_slope_aspect(&s, &dem).unwrap() {
            assert!((slope - 0.5).abs() < 1e-12, "{slope}");
            assert!((aspect - expect_aspect).abs() < 1e-9, "{aspect}");
        }
        // Rising to the north: faces south.
        let dem: Vec<f64> = (0..30).map(|i| -((i / 6) as f64)).collect();
        for (slope, aspect) in horn_slope_aspect(&s, &dem).unwrap() {
            assert!((slope - 0.1).abs() < 1e-12);
            assert!((aspect - 180.0).abs() < 1e-9);
        }
        // Flat and single-cell grids.
        let flat = horn_slope_aspect(&spec(1, 1), &[5.0]).unwrap();
        assert_eq!(flat, vec![(0.0, 0.0)]);
    }

    #[test]
    fn moves_are_16_distinct_with_right_intermediates() {
        let m = moves();
        let mut offs: Vec<_> = m.iter().map(|m| (m.dr, m.dc)).collect();
        offs.sort();
        offs.dedup();
        assert_eq!(offs.len(), 16);
        for mv in &m {
            assert!((mv.ux.hypot(mv.uy) - 1.0).abs() < 1e-15);
            if let MoveKind::Knight { m1, m2 } = mv.kind {
                // The segment's midpoint is the shared corner of m1 and m2.
                let mid = (mv.dr as f64 / 2.0, mv.dc as f64 / 2.0);
                for p in [m1, m2] {
                    assert!((p.0 as f64 - mid.0).abs() <= 0.5 && (p.1 as f64 - mid.1).abs() <= 0.5);
                }
            }
        }
    }

    #[test]
    fn cell_heap_pops_in_key_then_index_order() {
        let mut h = CellHeap::new(100);
        let mut want = Vec::new();
        // Pseudo-random keys with ties, some decreased later.
        for cell in 0..100u32 {
            let key = u64::from((cell * 37) % 11) + 10;
            h.push_or_decrease(key, cell);
            want.push((key, cell));
        }
        for cell in (0..100u32).step_by(7) {
            let key = u64::from(cell % 3);
            h.push_or_decrease(key, cell);
            want[cell as usize].0 = key;
        }
        want.sort();
        let got: Vec<u32> = std::iter::from_fn(|| h.pop()).collect();
        assert_eq!(got, want.iter().map(|w| w.1).collect::<Vec<_>>());
        assert!(h.pop().is_none());
        h.push_or_decrease(5, 3);
        assert_eq!(h.pop(), Some(3));
    }

    #[test]
    fn time_key_orders_like_f64() {
        let ts = [-5.0, -0.0, 0.0, 1e-300, 1.0, 2.5, 1e300, f64::INFINITY];
        for w in ts.windows(2) {
            assert!(time_key(w[0]) <= time_key(w[1]), "{w:?}");
        }
    }
}
