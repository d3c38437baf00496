//! 1-D dam break on a horizontal, frictionless channel, computed by **running
//! [`FloodModel`]** on a one-row grid (not a closed-form solution). Used to
//! verify the solver against Ritter (dry bed) and Stoker (wet bed); see
//! SWASHES (Delestre et al. 2013, J. Numer. Meth. Fluids 72:269–300, §4.1).
//!
//! Setup: a grid of one row, cells of `dx` (default 5 mm), closed walls far
//! enough that no wave reaches them by time `t` (the domain spans
//! `x0 − 2.5 c t … x0 + 2.5 c t` plus 20 cells, `c = √(g max(h_L, h_R))`;
//! the fastest signal, the Ritter front, moves at `2c`). The dam sits on a cell
//! face at `x0`; `h = h_L` to its left, `h_R` to its right, water at rest.
//! g = 9.81 m/s², Manning n = 0.
//!
//! The default scheme is [`Scheme::InertialWithAdvection`]: without the
//! advection term the local-inertial equations have the wrong characteristic
//! structure at Froude ≈ 1 and miss the Ritter fan by decimetres (measured in
//! README.md), so the advective form is the one verified here.

use super::solver::{Cell, FloodError, FloodModel, FloodParams, G, Manning, Scheme};
use crate::grid::Grid;

/// Largest number of cells the harness will allocate.
const MAX_CELLS: usize = 4_000_000;

/// Numerical settings of a dam-break run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DamBreakOptions {
    /// Cell size, m.
    pub dx: f64,
    /// Momentum equation.
    pub scheme: Scheme,
    /// Wetting/drying threshold, m.
    pub dry_threshold_m: f64,
    /// Courant factor.
    pub cfl_alpha: f64,
}

impl Default for DamBreakOptions {
    fn default() -> Self {
        Self {
            dx: 0.005,
            scheme: Scheme::InertialWithAdvection,
            dry_threshold_m: 1.0e-4,
            cfl_alpha: 0.5,
        }
    }
}

/// Depth and velocity along the channel at the final time.
#[derive(Debug, Clone, PartialEq)]
pub struct DamBreakProfile {
    x_left: f64,
    dx: f64,
    thr: f64,
    /// Cell depths, m.
    h: Vec<f64>,
    /// Face velocities, m/s (`ncells + 1` faces).
    u: Vec<f64>,
    steps: u64,
}

impl DamBreakProfile {
    /// Depth (m) and velocity (m/s, positive towards +x) at `x` (m): depth
    /// interpolated linearly between cell centres, velocity between faces.
    /// Beyond the domain the undisturbed end states are returned.
    pub fn sample(&self, x: f64) -> (f64, f64) {
        let lerp = |v: &[f64], pos: f64| {
            let n = v.len();
            if pos.is_nan() || pos <= 0.0 {
                return v[0];
            }
            let i = pos.floor() as usize;
            if i + 1 >= n {
                return v[n - 1];
            }
            let w = pos - i as f64;
            v[i] * (1.0 - w) + v[i + 1] * w
        };
        let xi = (x - self.x_left) / self.dx;
        (lerp(&self.h, xi - 0.5), lerp(&self.u, xi))
    }

    /// Cell-centre positions and depths, m.
    pub fn cells(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.h
            .iter()
            .enumerate()
            .map(|(i, &h)| (self.x_left + (i as f64 + 0.5) * self.dx, h))
    }

    /// Solver steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The wetting/drying threshold used, m.
    pub fn dry_threshold_m(&self) -> f64 {
        self.thr
    }
}

/// Runs the dam break to time `t` (s) and returns the whole profile.
/// `h_left`, `h_right` (m, ≥ 0, not both 0), dam at `x0` (m).
pub fn dambreak_profile(
    h_left: f64,
    h_right: f64,
    x0: f64,
    t: f64,
    opts: DamBreakOptions,
) -> Result<DamBreakProfile, FloodError> {
    let bad = |name, value, reason| FloodError::InvalidParameter {
        name,
        value,
        reason,
    };
    for (name, v) in [("h_left", h_left), ("h_right", h_right)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(bad(name, v, "must be finite and ≥ 0"));
        }
    }
    if h_left.max(h_right) <= 0.0 {
        return Err(bad("h_left", h_left, "one side must hold water"));
    }
    if !(x0.is_finite()) {
        return Err(bad("x0", x0, "must be finite"));
    }
    if !(t.is_finite() && t >= 0.0) {
        return Err(bad("t", t, "must be finite and ≥ 0"));
    }
    if !(opts.dx.is_finite() && opts.dx > 0.0) {
        return Err(bad("dx", opts.dx, "must be finite and > 0"));
    }
    let c = (G * h_left.max(h_right)).sqrt();
    let half_cells = ((2.5 * c * t) / opts.dx).ceil() + 20.0;
    if !half_cells.is_finite() || half_cells * 2.0 > MAX_CELLS as f64 {
        return Err(bad("t", t, "domain too large for dx; use a larger dx"));
    }
    let half = half_cells as usize;
    let n = 2 * half;
    let x_left = x0 - half as f64 * opts.dx;
    let dem = Grid::from_fn(n, 1, opts.dx, |_, _| 0.0)?;
    let params = FloodParams {
        gravity: G,
        manning: Manning::Uniform(0.0),
        dry_threshold_m: opts.dry_threshold_m,
        cfl_alpha: opts.cfl_alpha,
        max_dt_s: f64::MAX,
        scheme: opts.scheme,
        ..FloodParams::default()
    };
    let mut m = FloodModel::new(&dem, params)?;
    for col in 0..n {
        let h = if col < half { h_left } else { h_right };
        if h > 0.0 {
            m.set_depth(Cell::new(0, col), h)?;
        }
    }
    m.advance_to(t)?;
    let h: Vec<f64> = (0..n)
        .map(|col| m.depth(Cell::new(0, col)).unwrap_or(0.0))
        .collect();
    let thr = opts.dry_threshold_m;
    let u: Vec<f64> = (0..=n)
        .map(|f| {
            if f == 0 {
                0.0 // closed west wall
            } else {
                m.face_velocity_east(Cell::new(0, f - 1)).unwrap_or(0.0)
            }
        })
        .collect();
    Ok(DamBreakProfile {
        x_left,
        dx: opts.dx,
        thr,
        h,
        u,
        steps: m.steps(),
    })
}

/// Dam break on a horizontal frictionless bed, solved numerically with the
/// crate's solver ([`DamBreakOptions::default`]: dx = 5 mm, inertial scheme
/// with advection). Returns depth (m) and velocity (m/s) at `x` (m) at time `t`
/// (s) for initial depths `h_left`/`h_right` (m) either side of a dam at `x0`
/// (m). Runs a whole simulation per call: use [`dambreak_profile`] to sample
/// many points.
pub fn dambreak_1d(
    h_left: f64,
    h_right: f64,
    x0: f64,
    x: f64,
    t: f64,
) -> Result<(f64, f64), FloodError> {
    if !x.is_finite() {
        return Err(FloodError::InvalidParameter {
            name: "x",
            value: x,
            reason: "must be finite",
        });
    }
    Ok(dambreak_profile(h_left, h_right, x0, t, DamBreakOptions::default())?.sample(x))
}
