//! Departures: a warned zone's households become vehicles, and each vehicle
//! draws its departure time from the rule's departure curve.
//!
//! Curves (times in hours after the warning; reference: the departure curves
//! of evacuation time estimates):
//!
//! - logistic `P(t) = 1 / (1 + e^(−α (t − H)))`, 10 %→90 % spread `4.39/α`;
//! - Rayleigh `P(t) = 1 − e^(−t² / 2σ²)`, 50 % at `1.18σ`, 90 % at `2.15σ`;
//! - log-normal `ln t ~ N(ln median, β²)`.
//!
//! Draws are by inversion of one uniform, except the log-normal, which takes a
//! standard normal (two uniforms, Box–Muller). The logistic gives `P(0) > 0`:
//! that mass leaves at the warning itself, so `P(t)` holds exactly for every
//! `t ≥ 0`.
//!
//! Households are the unit of compliance: `round(c · households)` of them leave,
//! taking their share of the residents (rounded), in
//! `ceil(people / persons_per_vehicle)` vehicles that carry the people as
//! evenly as whole persons allow. Vehicle `k` of zone `z` has the id
//! `z << 32 | k` and draws from its own stream keyed by that id, so a draw
//! does not depend on which other zones are warned, in what order, or on how
//! many threads draw.

use qilian_engine::dist::{std_normal, unit};
use qilian_engine::scenario::DepartureCurve;
use qilian_engine::{SimRng, StreamTag, Streams, VehicleId, ZoneId};
use qilian_hazardlib::normal::std_normal_cdf;

/// The stream of departure-time draws, keyed by vehicle id.
pub const DEPARTURE: StreamTag = StreamTag::new("evacuation departure");

/// The id of vehicle `k` (0-based) of zone `zone`.
pub fn vehicle_id(zone: ZoneId, k: u32) -> VehicleId {
    VehicleId(((zone.0 as u64) << 32) | k as u64)
}

/// `P(t)`: the share of households gone `t_h` hours after the warning.
pub fn cdf(curve: &DepartureCurve<f64>, t_h: f64) -> f64 {
    if t_h < 0.0 {
        return 0.0;
    }
    match curve {
        DepartureCurve::Logistic {
            alpha_per_h,
            half_h,
        } => 1.0 / (1.0 + (-alpha_per_h * (t_h - half_h)).exp()),
        DepartureCurve::Rayleigh { sigma_h } => {
            1.0 - (-t_h * t_h / (2.0 * sigma_h * sigma_h)).exp()
        }
        DepartureCurve::LogNormal { median_h, beta } => {
            if t_h == 0.0 {
                return 0.0;
            }
            if *beta == 0.0 {
                return if t_h >= *median_h { 1.0 } else { 0.0 };
            }
            std_normal_cdf((t_h / median_h).ln() / beta)
        }
    }
}

/// One departure time, hours after the warning (≥ 0).
pub fn draw_h(curve: &DepartureCurve<f64>, rng: &mut SimRng) -> f64 {
    match curve {
        DepartureCurve::Logistic {
            alpha_per_h,
            half_h,
        } => {
            let u = unit(rng);
            if u <= 0.0 {
                return 0.0;
            }
            (half_h - (1.0 / u - 1.0).ln() / alpha_per_h).max(0.0)
        }
        DepartureCurve::Rayleigh { sigma_h } => sigma_h * (-2.0 * (1.0 - unit(rng)).ln()).sqrt(),
        DepartureCurve::LogNormal { median_h, beta } => median_h * (beta * std_normal(rng)).exp(),
    }
}

/// The departure time of vehicle `k` of `zone`, seconds after the warning.
pub fn offset_s(streams: &Streams, curve: &DepartureCurve<f64>, zone: ZoneId, k: u32) -> f64 {
    let mut rng = streams.stream(DEPARTURE, vehicle_id(zone, k).0);
    draw_h(curve, &mut rng) * 3600.0
}

/// How a zone's residents leave: `(people leaving, persons in each vehicle)`.
pub fn load_vehicles(
    residents: u64,
    households: u64,
    compliance: f64,
    persons_per_vehicle: f64,
) -> (u64, Vec<u32>) {
    let leaving = if households == 0 {
        (residents as f64 * compliance).round() as u64
    } else {
        let h = (households as f64 * compliance).round();
        (residents as f64 * h / households as f64).round() as u64
    }
    .min(residents);
    if leaving == 0 {
        return (0, Vec::new());
    }
    let n = (leaving as f64 / persons_per_vehicle).ceil().max(1.0) as u64;
    let (base, extra) = (leaving / n, leaving % n);
    let loads = (0..n)
        .map(|k| (base + u64::from(k < extra)) as u32)
        .collect();
    (leaving, loads)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantile(curve: &DepartureCurve<f64>, p: f64) -> f64 {
        let streams = Streams::new(3, 0);
        let mut xs: Vec<f64> = (0..20_000)
            .map(|k| offset_s(&streams, curve, ZoneId(1), k) / 3600.0)
            .collect();
        xs.sort_by(f64::total_cmp);
        xs[(p * xs.len() as f64) as usize]
    }

    #[test]
    fn draws_follow_the_published_quantiles() {
        // Rayleigh: 50 % at 1.18σ, 90 % at 2.15σ.
        let r = DepartureCurve::Rayleigh { sigma_h: 2.0 };
        assert!((quantile(&r, 0.5) - 1.18 * 2.0).abs() < 0.05);
        assert!((quantile(&r, 0.9) - 2.15 * 2.0).abs() < 0.08);
        // Logistic: half at H, 10 %→90 % spread 4.39/α.
        let l = DepartureCurve::Logistic {
            alpha_per_h: 2.0,
            half_h: 3.0,
        };
        assert!((quantile(&l, 0.5) - 3.0).abs() < 0.05);
        let spread = quantile(&l, 0.9) - quantile(&l, 0.1);
        assert!((spread - 4.39 / 2.0).abs() < 0.06, "spread {spread}");
        // Log-normal: median.
        let n = DepartureCurve::LogNormal {
            median_h: 1.5,
            beta: 0.5,
        };
        assert!((quantile(&n, 0.5) - 1.5).abs() < 0.04);
        for (c, p) in [(&r, 0.5), (&l, 0.9), (&n, 0.25)] {
            let q = quantile(c, p);
            assert!((cdf(c, q) - p).abs() < 0.01, "{c:?} at {q}");
        }
    }

    #[test]
    fn every_resident_rides_in_exactly_one_vehicle() {
        let (leaving, loads) = load_vehicles(1001, 400, 1.0, 2.5);
        assert_eq!(leaving, 1001);
        assert_eq!(loads.len(), 401);
        assert_eq!(loads.iter().map(|&p| p as u64).sum::<u64>(), 1001);
        assert!(loads.iter().all(|&p| p == 2 || p == 3));
        let (leaving, loads) = load_vehicles(1000, 400, 0.5, 3.0);
        assert_eq!(leaving, 500);
        assert_eq!(loads.len(), 167);
        assert_eq!(load_vehicles(1000, 400, 0.0, 3.0), (0, Vec::new()));
    }
}
