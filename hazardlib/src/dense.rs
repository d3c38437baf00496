//! Dense-gas spreading of a continuous ground-level release: how wide the
//! cloud of a heavier-than-air gas (chlorine boiling off a spill) becomes as
//! it slumps under its own weight, from Britter & McQuaid (1988), *Workbook
//! on the Dispersion of Dense Gases*, HSE Contract Research Report 17/1988,
//! §3 (continuous releases; the same relations in AIChE/CCPS 1999,
//! *Guidelines for Consequence Analysis of Chemical Releases*, §2.1.3):
//!
//! ```text
//! g₀'  = g · (ρ₀ − ρa) / ρa                 reduced gravity at the source
//! q₀   = ṁ / ρ₀                             volume flux of gas, m³/s
//! D    = √(q₀ / U)                          source length scale, m
//! L_b  = g₀' q₀ / U³                        buoyancy length scale, m
//! dense ⇔ (g₀' q₀ / (U³ D))^(1/3) ≥ 0.15    (the workbook's criterion)
//! L_H(x) = D + 8 L_b + 2.5 L_b^(1/3) x^(2/3)   crosswind half-width at x
//! ```
//!
//! with U the 10 m wind speed and x the distance downwind. The workbook's
//! plume is a top-hat of half-width L_H; a Gaussian with the same crosswind
//! variance has σy = L_H / √3 ([`DensePlume::sigma_y_m`]). At equal
//! pressure ρ₀/ρa = (M / M_air)·(T_a / T₀), so the reduced gravity needs only
//! the molar mass and the two temperatures ([`reduced_gravity`]).
//!
//! How the puff model uses it (our rule, stated as such): a puff's σy is the
//! larger of the passive σy of its stability class and this dense-gas σy at
//! its travel distance; σz stays the passive one. The slumped cloud is
//! shallower than a passive one (the workbook's height follows from
//! continuity), so keeping the passive σz lowers the ground concentration
//! near the source somewhat less than the dense cloud would raise it; the
//! width, which sets who is reached, is the workbook's.

/// Gravity, m/s².
const G: f64 = 9.806_65;
/// Molar mass of dry air, g/mol (ISO 2533).
pub const AIR_MOLAR_MASS_G_MOL: f64 = 28.964;
/// The workbook's threshold of (g₀' q₀ / (U³ D))^(1/3) above which a
/// continuous release behaves as a dense gas.
pub const DENSE_CRITERION: f64 = 0.15;

/// Reduced gravity g₀' (m/s²) of a gas of molar mass `molar_mass_g_mol` at
/// `gas_k` kelvin in air at `air_k` kelvin and the same pressure; zero when
/// the gas is not denser than the air.
pub fn reduced_gravity(molar_mass_g_mol: f64, gas_k: f64, air_k: f64) -> f64 {
    let ratio = molar_mass_g_mol / AIR_MOLAR_MASS_G_MOL * air_k / gas_k;
    (G * (ratio - 1.0)).max(0.0)
}

/// Density of an ideal gas, kg/m³, at `pressure_pa` and `kelvin`.
pub fn gas_density_kg_m3(molar_mass_g_mol: f64, kelvin: f64, pressure_pa: f64) -> f64 {
    pressure_pa * molar_mass_g_mol / 1000.0 / (8.314_462_618 * kelvin)
}

/// The dimensions of one dense continuous plume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DensePlume {
    /// Source length scale D, m.
    pub d_m: f64,
    /// Buoyancy length scale L_b, m.
    pub lb_m: f64,
}

impl DensePlume {
    /// The plume of a release of `q0_m3_s` of gas with reduced gravity
    /// `g0_prime` in a wind of `u_m_s`; `None` when the release is not dense
    /// by the workbook's criterion (or any input is not positive).
    pub fn new(g0_prime: f64, q0_m3_s: f64, u_m_s: f64) -> Option<DensePlume> {
        if !(g0_prime > 0.0 && q0_m3_s > 0.0 && u_m_s > 0.0) {
            return None;
        }
        let d = (q0_m3_s / u_m_s).sqrt();
        let lb = g0_prime * q0_m3_s / u_m_s.powi(3);
        ((lb / d).cbrt() >= DENSE_CRITERION).then_some(DensePlume { d_m: d, lb_m: lb })
    }

    /// Crosswind half-width L_H at `x_m` downwind (x < 0 counts as 0), m.
    pub fn half_width_m(&self, x_m: f64) -> f64 {
        let x = x_m.max(0.0);
        self.d_m + 8.0 * self.lb_m + 2.5 * (self.lb_m * x * x).cbrt()
    }

    /// σy of the Gaussian with the top-hat's crosswind variance, L_H / √3, m.
    pub fn sigma_y_m(&self, x_m: f64) -> f64 {
        self.half_width_m(x_m) / 3f64.sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chlorine boiling off at 239.11 K into air at 288.15 K: ρ₀/ρa ≈ 2.95.
    #[test]
    fn chlorine_is_about_three_times_as_dense_as_air() {
        let g0 = reduced_gravity(70.906, 239.11, 288.15);
        assert!((g0 / G + 1.0 - 2.950).abs() < 0.01, "{}", g0 / G + 1.0);
        let rho = gas_density_kg_m3(70.906, 239.11, 101_325.0);
        assert!((rho - 3.614).abs() < 0.01, "{rho}");
        // Lighter than air: no spreading.
        assert_eq!(reduced_gravity(17.03, 239.7, 288.15), 0.0);
    }

    /// The workbook's relations by hand: q₀ = 4 m³/s, U = 2 m/s, g₀' = 19:
    /// D = √2, L_b = 19·4/8 = 9.5 m, L_H(1000) = √2 + 76 + 2.5·(9.5·10⁶)^(1/3).
    #[test]
    fn dimensions_follow_the_workbook() {
        let p = DensePlume::new(19.0, 4.0, 2.0).expect("dense");
        assert!((p.d_m - 2f64.sqrt()).abs() < 1e-12);
        assert!((p.lb_m - 9.5).abs() < 1e-12);
        let want = 2f64.sqrt() + 76.0 + 2.5 * (9.5e6f64).cbrt();
        assert!((p.half_width_m(1000.0) - want).abs() < 1e-9);
        assert!((p.sigma_y_m(1000.0) * 3f64.sqrt() - want).abs() < 1e-9);
        assert_eq!(p.half_width_m(-5.0), p.half_width_m(0.0));
    }

    /// A small release in a strong wind is passive; a large one in a light
    /// wind is dense, and the lighter the wind the wider it spreads.
    #[test]
    fn criterion_and_wind() {
        // (g₀' q₀ / (U³ D))^(1/3) for q₀ = 0.01, U = 10: D = 0.0316, L_b =
        // 1.9e-4, ratio^(1/3) = 0.18 — dense by a little; q₀ = 0.001 is not.
        assert!(DensePlume::new(19.0, 0.01, 10.0).is_some());
        assert!(DensePlume::new(19.0, 0.001, 10.0).is_none());
        assert!(DensePlume::new(0.0, 4.0, 2.0).is_none());
        let calm = DensePlume::new(19.0, 4.0, 1.0).unwrap();
        let windy = DensePlume::new(19.0, 4.0, 4.0).unwrap();
        assert!(calm.half_width_m(500.0) > 3.0 * windy.half_width_m(500.0));
    }
}
