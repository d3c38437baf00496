//! Inflow hydrographs: piecewise-linear discharge `Q(t)` in m³/s at a cell.
//!
//! Used for river inflows, rainfall-runoff point inputs and dam or levee
//! **breaches**. A breach is modelled the same way as any point source: the
//! outflow hydrograph of the breach (from a breach model or a design event,
//! e.g. [`Hydrograph::triangular`]) is injected into the first floodplain cell
//! behind the breach. The reservoir itself is not simulated.
//!
//! `Q(t)` is linear between the given points and **zero outside** the first and
//! last time. Volumes are integrated exactly over each solver step
//! ([`Hydrograph::volume_between`]), so the model's inflow bookkeeping is exact
//! up to round-off however the steps fall on the breakpoints.

use thiserror::Error;

/// Why a hydrograph was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum HydrographError {
    /// No points.
    #[error("a hydrograph needs at least one point")]
    Empty,
    /// A time or discharge that is not finite.
    #[error("point {index}: time and discharge must be finite")]
    NotFinite {
        /// Index of the point.
        index: usize,
    },
    /// Times not strictly increasing.
    #[error("point {index}: times must increase strictly")]
    NotIncreasing {
        /// Index of the point that is not after its predecessor.
        index: usize,
    },
    /// A negative discharge (abstraction is not supported: it could empty a
    /// cell below zero depth).
    #[error("point {index}: discharge must be ≥ 0 m³/s")]
    Negative {
        /// Index of the point.
        index: usize,
    },
}

/// Piecewise-linear discharge series: times in s (model time), discharges in
/// m³/s, zero before the first and after the last point.
#[derive(Debug, Clone, PartialEq)]
pub struct Hydrograph {
    t: Vec<f64>,
    q: Vec<f64>,
}

impl Hydrograph {
    /// Builds a hydrograph from `(time_s, discharge_m3_per_s)` points with
    /// strictly increasing times and non-negative discharges.
    pub fn new(points: &[(f64, f64)]) -> Result<Self, HydrographError> {
        if points.is_empty() {
            return Err(HydrographError::Empty);
        }
        for (i, &(t, q)) in points.iter().enumerate() {
            if !t.is_finite() || !q.is_finite() {
                return Err(HydrographError::NotFinite { index: i });
            }
            if q < 0.0 {
                return Err(HydrographError::Negative { index: i });
            }
            if i > 0 && t <= points[i - 1].0 {
                return Err(HydrographError::NotIncreasing { index: i });
            }
        }
        Ok(Self {
            t: points.iter().map(|p| p.0).collect(),
            q: points.iter().map(|p| p.1).collect(),
        })
    }

    /// Constant `q_m3s` from `t_start_s` to `t_end_s` (zero elsewhere).
    pub fn constant(q_m3s: f64, t_start_s: f64, t_end_s: f64) -> Result<Self, HydrographError> {
        Self::new(&[(t_start_s, q_m3s), (t_end_s, q_m3s)])
    }

    /// Triangular breach hydrograph: 0 at `t_start_s`, `peak_m3s` at
    /// `t_peak_s`, back to 0 at `t_end_s`. Volume = ½ · peak · duration.
    pub fn triangular(
        peak_m3s: f64,
        t_start_s: f64,
        t_peak_s: f64,
        t_end_s: f64,
    ) -> Result<Self, HydrographError> {
        Self::new(&[(t_start_s, 0.0), (t_peak_s, peak_m3s), (t_end_s, 0.0)])
    }

    /// Discharge at `t_s`, m³/s.
    pub fn flow_at(&self, t_s: f64) -> f64 {
        let n = self.t.len();
        if n == 1 {
            return if t_s == self.t[0] { self.q[0] } else { 0.0 };
        }
        if !(t_s >= self.t[0] && t_s <= self.t[n - 1]) {
            return 0.0;
        }
        // First index with t > t_s, clamped so that [k-1, k] is a segment.
        let k = self.t.partition_point(|&ti| ti <= t_s).clamp(1, n - 1);
        self.interp(k - 1, t_s)
    }

    fn interp(&self, i: usize, t: f64) -> f64 {
        let (t0, t1, q0, q1) = (self.t[i], self.t[i + 1], self.q[i], self.q[i + 1]);
        let w = ((t - t0) / (t1 - t0)).clamp(0.0, 1.0);
        q0 + (q1 - q0) * w
    }

    /// Exact volume `∫ Q dt` over `[t0_s, t1_s]`, m³ (0 if `t1_s ≤ t0_s`).
    pub fn volume_between(&self, t0_s: f64, t1_s: f64) -> f64 {
        let n = self.t.len();
        if n < 2 || t0_s.is_nan() || t1_s.is_nan() || t1_s <= t0_s {
            return 0.0;
        }
        let lo = t0_s.max(self.t[0]);
        let hi = t1_s.min(self.t[n - 1]);
        if hi <= lo {
            return 0.0;
        }
        // Segment containing `lo`.
        let mut i = self.t.partition_point(|&ti| ti <= lo).clamp(1, n - 1) - 1;
        let mut vol = 0.0;
        while i + 1 < n && self.t[i] < hi {
            let a = lo.max(self.t[i]);
            let b = hi.min(self.t[i + 1]);
            if b > a {
                vol += 0.5 * (self.interp(i, a) + self.interp(i, b)) * (b - a);
            }
            i += 1;
        }
        vol
    }

    /// Total volume of the hydrograph, m³.
    pub fn total_volume(&self) -> f64 {
        let n = self.t.len();
        self.volume_between(self.t[0], self.t[n - 1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert_eq!(Hydrograph::new(&[]), Err(HydrographError::Empty));
        assert!(matches!(
            Hydrograph::new(&[(0.0, 1.0), (0.0, 2.0)]),
            Err(HydrographError::NotIncreasing { index: 1 })
        ));
        assert!(matches!(
            Hydrograph::new(&[(0.0, -1.0)]),
            Err(HydrographError::Negative { index: 0 })
        ));
        assert!(matches!(
            Hydrograph::new(&[(f64::NAN, 1.0)]),
            Err(HydrographError::NotFinite { index: 0 })
        ));
    }

    #[test]
    fn interpolation_and_volume() {
        let h = Hydrograph::triangular(10.0, 100.0, 200.0, 400.0).unwrap();
        assert_eq!(h.flow_at(50.0), 0.0);
        assert_eq!(h.flow_at(150.0), 5.0);
        assert_eq!(h.flow_at(200.0), 10.0);
        assert_eq!(h.flow_at(300.0), 5.0);
        assert_eq!(h.flow_at(500.0), 0.0);
        assert_eq!(h.total_volume(), 0.5 * 10.0 * 300.0);
        // Splitting the interval anywhere gives the same total.
        let mut sum = 0.0;
        let mut t = 0.0;
        while t < 500.0 {
            sum += h.volume_between(t, t + 7.3);
            t += 7.3;
        }
        assert!((sum - 1500.0).abs() < 1e-9);
        assert_eq!(h.volume_between(150.0, 250.0), 7.5 * 50.0 + 8.75 * 50.0);
        let c = Hydrograph::constant(2.0, 0.0, 10.0).unwrap();
        assert_eq!(c.volume_between(-5.0, 5.0), 10.0);
        assert_eq!(c.volume_between(5.0, 5.0), 0.0);
    }
}
