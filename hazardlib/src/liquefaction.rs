//! Liquefaction and the permanent ground deformation (PGD) it causes, by the
//! Hazus method.
//!
//! Source: FEMA, *Hazus Earthquake Model Technical Manual* (Hazus 5.1),
//! §4.2.2.1 "Liquefaction" of chapter 4 (ground failure). Equation and table
//! numbers below are those of the 4.2 SP3 to 6.1 manuals as independent
//! transcriptions cite them (the 5.1 PDF itself could not be opened here to
//! re-check the numbering); every coefficient was cross-checked against at
//! least two independent public implementations (OpenQuake `sep`, IN-CORE)
//! and, for the conditional probability, against its own zero crossings,
//! which are Table 4-12's thresholds.
//!
//! ```text
//! P[Liq | PGA = a]  = clamp(m_sc·a − b_sc, 0, 1)                       Table 4-11
//! P[Liq]            = P[Liq | PGA = a] / (K_M · K_w) · P_ml           Eq. 4-9
//! K_M               = 0.0027 M³ − 0.0267 M² − 0.2055 M + 2.9188      Eq. 4-10
//! K_w               = 0.022 d_w + 0.93          (d_w in feet)         Eq. 4-11
//! E[PGD_LS]         = K_Δ · f(a / PGA(t))       (inches)              Eq. 4-12
//!   f(x) = 12x − 12 for 1 < x ≤ 2;  18x − 24 for 2 < x ≤ 3;  70x − 180 for x > 3
//! K_Δ               = 0.0086 M³ − 0.0914 M² + 0.4698 M − 0.9835      Eq. 4-13
//! E[settlement]     = P[Liq] · settlement amplitude                   Table 4-13
//! ```
//!
//! | category | m_sc | b_sc | P_ml (Table 4-10) | PGA(t), g (Table 4-12) | settlement, in (Table 4-13) |
//! |---|---|---|---|---|---|
//! | very high | 9.09 | 0.82 | 0.25 | 0.09 | 12 |
//! | high | 7.67 | 0.92 | 0.20 | 0.12 | 6 |
//! | moderate | 6.67 | 1.00 | 0.10 | 0.15 | 2 |
//! | low | 5.57 | 1.18 | 0.05 | 0.21 | 1 |
//! | very low | 4.16 | 1.08 | 0.02 | 0.26 | 0 |
//! | none | 0 | 0 | 0 | — | 0 |
//!
//! **Given liquefaction.** The lateral-spread displacement and the settlement
//! amplitude are the deformations *where the ground liquefies*; Hazus
//! multiplies lifeline damage by P(Liq). The run therefore draws whether a
//! site liquefies (probability P(Liq)) and, if it does, takes its PGD as the
//! larger of the lateral spread and the settlement amplitude (OpenQuake's
//! default `PGDMax` combination; the manual's own wording on combining the
//! two for highways was not checked).
//!
//! **Choices beyond the manual's text (stated, not verified):** the
//! lateral-spread curve is drawn in the manual up to a / PGA(t) = 4; past it
//! this module continues the last segment (70x − 180), as OpenQuake does
//! (another public implementation caps x at 4 instead). K_Δ is held at ≥ 0
//! (the polynomial turns negative below M ≈ 4.1).
//!
//! Units and valid ranges: PGA in g (≥ 0), moment magnitude (5.0–8.5, the
//! span of the manual's correction curves; the earthquake GMPEs' own ranges
//! apply in runs), groundwater depth in metres (0–30 m; converted to feet
//! for K_w), displacements in inches (the unit of the Hazus PGD fragility
//! curves, [`crate::fragility`]).

pub use crate::damage::Susceptibility;

/// Feet per metre.
const FT_PER_M: f64 = 1.0 / 0.3048;

/// Magnitudes the correction polynomials are stated for.
pub const MAGNITUDE_RANGE: (f64, f64) = (5.0, 8.5);

/// The Hazus constants of one susceptibility category.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Category {
    /// Slope m_sc of P(Liq | PGA) per g (Table 4-11).
    pub slope_per_g: f64,
    /// Intercept b_sc subtracted (Table 4-11).
    pub intercept: f64,
    /// Proportion of the map unit susceptible, P_ml (Table 4-10).
    pub map_proportion: f64,
    /// Threshold PGA(t), g, for zero probability (Table 4-12); infinite
    /// for "none".
    pub pga_threshold_g: f64,
    /// Settlement amplitude given liquefaction, inches (Table 4-13).
    pub settlement_in: f64,
}

/// The category's constants.
pub fn category(s: Susceptibility) -> Category {
    let c = |slope_per_g, intercept, map_proportion, pga_threshold_g, settlement_in| Category {
        slope_per_g,
        intercept,
        map_proportion,
        pga_threshold_g,
        settlement_in,
    };
    match s {
        Susceptibility::VeryHigh => c(9.09, 0.82, 0.25, 0.09, 12.0),
        Susceptibility::High => c(7.67, 0.92, 0.20, 0.12, 6.0),
        Susceptibility::Moderate => c(6.67, 1.00, 0.10, 0.15, 2.0),
        Susceptibility::Low => c(5.57, 1.18, 0.05, 0.21, 1.0),
        Susceptibility::VeryLow => c(4.16, 1.08, 0.02, 0.26, 0.0),
        Susceptibility::NotSusceptible => c(0.0, 0.0, 0.0, f64::INFINITY, 0.0),
    }
}

/// P(Liq | PGA = a) (Table 4-11), clamped to 0…1; 0 for NaN.
pub fn p_given_pga(s: Susceptibility, pga_g: f64) -> f64 {
    let c = category(s);
    let p = c.slope_per_g * pga_g - c.intercept;
    if p > 0.0 { p.min(1.0) } else { 0.0 }
}

/// Magnitude correction K_M (Eq. 4-10), 1.0147 at M 7.5 as printed.
pub fn magnitude_correction(mag: f64) -> f64 {
    ((0.0027 * mag - 0.0267) * mag - 0.2055) * mag + 2.9188
}

/// Groundwater correction K_w (Eq. 4-11) for a depth in metres.
pub fn groundwater_correction(depth_m: f64) -> f64 {
    0.022 * depth_m * FT_PER_M + 0.93
}

/// P(Liq) (Eq. 4-9), clamped to 0…1.
pub fn p_liquefaction(s: Susceptibility, pga_g: f64, mag: f64, depth_m: f64) -> f64 {
    let p = p_given_pga(s, pga_g) / (magnitude_correction(mag) * groundwater_correction(depth_m))
        * category(s).map_proportion;
    p.clamp(0.0, 1.0)
}

/// Displacement correction K_Δ (Eq. 4-13), held at ≥ 0.
pub fn displacement_correction(mag: f64) -> f64 {
    ((((0.0086 * mag) - 0.0914) * mag + 0.4698) * mag - 0.9835).max(0.0)
}

/// Expected lateral-spread displacement given liquefaction, inches
/// (Eq. 4-12 with K_Δ): 0 at or below PGA(t).
pub fn lateral_spread_in(s: Susceptibility, pga_g: f64, mag: f64) -> f64 {
    let x = pga_g / category(s).pga_threshold_g;
    // NaN (a NaN PGA) and x ≤ 1 give no spread.
    let f = if x.is_nan() || x <= 1.0 {
        0.0
    } else if x <= 2.0 {
        12.0 * x - 12.0
    } else if x <= 3.0 {
        18.0 * x - 24.0
    } else {
        70.0 * x - 180.0
    };
    displacement_correction(mag) * f
}

/// The ground failure expected at a site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroundFailure {
    /// P(Liq) (Eq. 4-9).
    pub p_liquefaction: f64,
    /// Lateral spread given liquefaction, inches (Eq. 4-12).
    pub lateral_spread_in: f64,
    /// Settlement given liquefaction, inches (Table 4-13).
    pub settlement_in: f64,
    /// Expected settlement, P(Liq) × amplitude, inches (Table 4-13).
    pub expected_settlement_in: f64,
    /// PGD given liquefaction: the larger of spread and settlement, inches.
    pub pgd_in: f64,
}

/// Every output of the model at one site.
pub fn ground_failure(s: Susceptibility, pga_g: f64, mag: f64, depth_m: f64) -> GroundFailure {
    let p = p_liquefaction(s, pga_g, mag, depth_m);
    let spread = lateral_spread_in(s, pga_g, mag);
    let settle = category(s).settlement_in;
    GroundFailure {
        p_liquefaction: p,
        lateral_spread_in: spread,
        settlement_in: settle,
        expected_settlement_in: p * settle,
        pgd_in: spread.max(settle),
    }
}

/// One draw: the PGD in inches if a uniform `u` in [0, 1) says the site
/// liquefies (`u < P(Liq)`), else `None`.
pub fn sample_pgd_in(s: Susceptibility, pga_g: f64, mag: f64, depth_m: f64, u: f64) -> Option<f64> {
    let g = ground_failure(s, pga_g, mag, depth_m);
    (u < g.p_liquefaction).then_some(g.pgd_in)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_probability_is_zero_at_the_threshold() {
        // Table 4-12's PGA(t) are Table 4-11's zero crossings (to 0.01 g).
        for s in Susceptibility::ALL {
            let c = category(s);
            if c.slope_per_g > 0.0 {
                assert!((c.intercept / c.slope_per_g - c.pga_threshold_g).abs() < 0.003);
            }
        }
        assert_eq!(p_given_pga(Susceptibility::NotSusceptible, 2.0), 0.0);
        assert_eq!(p_given_pga(Susceptibility::High, 0.5), 1.0);
        assert_eq!(p_given_pga(Susceptibility::High, f64::NAN), 0.0);
    }

    #[test]
    fn more_susceptible_more_likely_and_deeper_water_less() {
        for w in Susceptibility::ALL.windows(2) {
            assert!(p_liquefaction(w[0], 0.3, 6.5, 1.5) >= p_liquefaction(w[1], 0.3, 6.5, 1.5));
        }
        let s = Susceptibility::High;
        assert!(p_liquefaction(s, 0.3, 6.5, 1.0) > p_liquefaction(s, 0.3, 6.5, 5.0));
        assert!(p_liquefaction(s, 0.3, 7.5, 1.5) > p_liquefaction(s, 0.3, 6.0, 1.5));
        assert_eq!(displacement_correction(3.0), 0.0);
        assert_eq!(
            sample_pgd_in(s, 0.05, 6.5, 1.5, 0.0),
            None,
            "below the threshold nothing liquefies"
        );
    }
}
