//! Gaussian puffs: a continuous release cut into a train of puffs, so the wind
//! may change while the gas travels.
//!
//! A puff of mass M released at height H whose centre is (dx, dy) away from
//! a receptor at height z (e.g. Zannetti 1990, *Air Pollution Modeling*,
//! §6.2; the form CALPUFF and SCIPUFF evaluate):
//!
//! ```text
//! C = M / ((2π)^{3/2} σx σy σz) · exp(−dx²/2σx² − dy²/2σy²)
//!     · [exp(−(z−H)²/2σz²) + exp(−(z+H)²/2σz²)]
//! ```
//!
//! with σx = σy, and σy, σz the plume coefficients of [`crate::plume`]
//! evaluated at the puff's travel distance (the path length it has been
//! carried), so that a dense train of puffs in a steady wind reproduces the
//! steady plume: summing puffs of mass Q·Δt spaced u·Δt apart along the wind
//! is a Riemann sum of ∫ exp(−s²/2σ²) ds / (√(2π) σ) = 1, leaving
//! Q/(2π u σy σz)·… (tested against [`crate::plume::plume`]).
//!
//! A puff of a dense gas (a release that [`crate::dense`] finds dense) takes
//! σy = max(passive σy, the dense plume's σy) at its travel distance, so the
//! train spreads as wide as the slumping cloud; σz stays passive.
//!
//! Units: kg, m, kg/m³. Valid where the plume coefficients are (100 m–10 km
//! of travel, extrapolated outside); a passive puff with zero travel has
//! zero σ and contributes nothing away from its centre.

use crate::dense::DensePlume;
use crate::plume::{PgClass, Terrain};
use crate::units::{KgPerCubicMetre, Metres};

/// One puff of a release.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Puff {
    /// Mass, kg.
    pub mass_kg: f64,
    /// Centre easting, m.
    pub x: f64,
    /// Centre northing, m.
    pub y: f64,
    /// Path length carried so far, m (sets σ).
    pub travel_m: f64,
    /// Stability when it was released.
    pub stability: PgClass,
    /// The dense plume it belongs to, when the release was dense.
    pub dense: Option<DensePlume>,
}

impl Puff {
    /// (σy, σz) now, m: the stability class's at the travel distance, σy
    /// widened to the dense plume's where that is wider.
    pub fn sigmas(&self, terrain: Terrain) -> (f64, f64) {
        let s = self.stability.sigmas(terrain, Metres(self.travel_m));
        let sy = match self.dense {
            Some(d) if self.travel_m > 0.0 => s.y.0.max(d.sigma_y_m(self.travel_m)),
            _ => s.y.0,
        };
        (sy, s.z.0)
    }
}

/// Concentration of one puff at a receptor (rx, ry, rz) for a release at
/// effective height `h_m` over `terrain`.
pub fn puff_concentration(
    p: &Puff,
    terrain: Terrain,
    h_m: f64,
    rx: f64,
    ry: f64,
    rz: f64,
) -> KgPerCubicMetre {
    let (sy, sz) = p.sigmas(terrain);
    if !(sy > 0.0 && sz > 0.0) {
        return KgPerCubicMetre(0.0);
    }
    let (dx, dy) = (rx - p.x, ry - p.y);
    let r2 = dx * dx + dy * dy;
    // Beyond 8σ the term is below 1e-14 of the centre value: skip the exps.
    if r2 > 64.0 * sy * sy {
        return KgPerCubicMetre(0.0);
    }
    let horizontal = (-r2 / (2.0 * sy * sy)).exp();
    let vertical = (-(rz - h_m).powi(2) / (2.0 * sz * sz)).exp()
        + (-(rz + h_m).powi(2) / (2.0 * sz * sz)).exp();
    let norm = (2.0 * std::f64::consts::PI).powf(1.5) * sy * sy * sz;
    KgPerCubicMetre(p.mass_kg / norm * horizontal * vertical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plume::{Receptor, Source, Stability, plume};
    use crate::units::{KgPerSecond, MetresPerSecond};

    /// A long steady release as puffs 2 s apart matches the steady plume.
    #[test]
    fn puff_train_reproduces_the_steady_plume() {
        let (q, u, h) = (5.0, 2.0, 30.0);
        let dt = 2.0;
        let class = PgClass::One(Stability::D);
        for (x, y) in [(1000.0, 0.0), (1000.0, 60.0), (3000.0, -150.0)] {
            let mut c = 0.0;
            // Puffs released at times k·dt before "now", travelled u·k·dt.
            for k in 1..20_000 {
                let travel = u * dt * k as f64;
                let p = Puff {
                    mass_kg: q * dt,
                    x: travel,
                    y: 0.0,
                    travel_m: travel,
                    stability: class,
                    dense: None,
                };
                c += puff_concentration(&p, Terrain::Rural, h, x, y, 0.0).0;
            }
            let want = plume(
                &Source {
                    q: KgPerSecond(q),
                    h: Metres(h),
                },
                MetresPerSecond(u),
                Stability::D,
                Terrain::Rural,
                &Receptor {
                    x: Metres(x),
                    y: Metres(y),
                    z: Metres(0.0),
                },
            )
            .c
            .0;
            // σ varies along the train, so the sum is close, not exact.
            assert!((c / want - 1.0).abs() < 0.01, "x {x} y {y}: {c} vs {want}");
        }
    }

    /// A dense puff spreads wider than a passive one: lower at the centre,
    /// higher far off the axis, and the same mass over the ground.
    #[test]
    fn a_dense_puff_is_wider() {
        let passive = Puff {
            mass_kg: 100.0,
            x: 500.0,
            y: 0.0,
            travel_m: 500.0,
            stability: PgClass::One(Stability::F),
            dense: None,
        };
        let dense = Puff {
            dense: crate::dense::DensePlume::new(19.0, 4.0, 2.0),
            ..passive
        };
        let c = |p: &Puff, y: f64| puff_concentration(p, Terrain::Rural, 1.0, 500.0, y, 0.0).0;
        let (sy_p, _) = passive.sigmas(Terrain::Rural);
        let (sy_d, _) = dense.sigmas(Terrain::Rural);
        assert!(sy_d > 5.0 * sy_p, "{sy_d} vs {sy_p}");
        assert!(c(&dense, 0.0) < c(&passive, 0.0) / 25.0);
        assert!(c(&dense, 150.0) > 1e6 * c(&passive, 150.0));
        // Ground integral (over x and y) of the puff is the same: 2·M/(√(2π) σz)
        // for a ground-level puff.
        let integral = |p: &Puff| {
            let (sy, _) = p.sigmas(Terrain::Rural);
            let step = sy / 20.0;
            let mut sum = 0.0;
            for i in -200..=200 {
                for j in -200..=200 {
                    let (dx, dy) = (i as f64 * step, j as f64 * step);
                    sum += puff_concentration(p, Terrain::Rural, 1.0, 500.0 + dx, dy, 0.0).0;
                }
            }
            sum * step * step
        };
        let (a, b) = (integral(&passive), integral(&dense));
        assert!((a / b - 1.0).abs() < 1e-3, "{a} vs {b}");
    }
}
