//! Earthquake fatality rate from shaking: the USGS PAGER empirical model
//! with the Worden et al. (2012) conversion from PGA to intensity.
//!
//! **Intensity from PGA.** Worden, Gerstenberger, Rhoades & Wald (2012),
//! "Probabilistic relationships between ground-motion parameters and
//! modified Mercalli intensity in California", *BSSA* 102(1):204–221, the
//! PGA row of their bilinear fit without the distance and magnitude
//! residual terms, with Y = PGA in cm/s²:
//!
//! - MMI = 1.78 + 1.55·log₁₀ Y for log₁₀ Y ≤ 1.57 (about 37 cm/s²),
//! - MMI = −1.60 + 3.70·log₁₀ Y above,
//! - and below log₁₀ Y = 0.14 the MMI 1–2 segment 1.71 + 2.08·log₁₀ Y
//!   that ShakeMap adds (it is discussed in the paper, not fitted there),
//!
//! clipped to MMI 1–10. The coefficients are the ones USGS ShakeMap uses
//! for this GMICE (`shakelib/gmice/wgrw12.py`, class `WGRW12`, PGA: C1 1.78,
//! C2 1.55, C3 −1.60, C4 3.70, T1 1.57; MMI 1–2: C1 1.71, C2 2.08, T1 0.14).
//!
//! **Fatality rate.** Jaiswal & Wald (2010), "An empirical model for
//! global earthquake fatality estimation", *Earthquake Spectra*
//! 26(4):1017–1037: the share of the people exposed at intensity S who die
//! is ν(S) = Φ(ln(S/θ)/β), fitted per country on that country's past
//! earthquakes. For China, PAGER's `losspager/data/fatality.xml` (ccode
//! CN) has θ = 10.328811, β = 0.100058 (repository usgs/pager; the same
//! pair appears in its tests). The rate is for everyone exposed,
//! at whatever time of day the calibration events struck; it is the
//! expected toll, deaths of people trapped and not reached in time
//! included.
//!
//! Valid range: MMI 1–10 (PGA up to about 2 g); the PAGER fit rests on
//! events of MMI V–X. Rates at 0.10, 0.20, 0.30, 0.40 and 0.60 g are about
//! 3×10⁻⁹, 2.5×10⁻⁵, 8×10⁻⁴, 5×10⁻³ and 4×10⁻² (tested in
//! `tests/it/pager.rs`).

use crate::normal::std_normal_cdf;

/// Standard gravity in cm/s², the factor ShakeMap's GMICE uses.
const G_CM_S2: f64 = 981.0;

/// PAGER's θ for China (`fatality.xml`, ccode CN).
pub const CHINA_THETA: f64 = 10.328811;
/// PAGER's β for China (`fatality.xml`, ccode CN).
pub const CHINA_BETA: f64 = 0.100058;

/// Modified Mercalli intensity at a PGA of `pga_g` (g), Worden et al.
/// (2012), clipped to 1–10; 1 for no shaking.
pub fn mmi_from_pga(pga_g: f64) -> f64 {
    if pga_g.is_nan() || pga_g <= 0.0 {
        return 1.0;
    }
    let y = (pga_g * G_CM_S2).log10();
    let mmi = if y < 0.14 {
        1.71 + 2.08 * y
    } else if y < 1.57 {
        1.78 + 1.55 * y
    } else {
        -1.60 + 3.70 * y
    };
    mmi.clamp(1.0, 10.0)
}

/// PAGER's fatality rate at intensity `mmi`: Φ(ln(mmi/θ)/β). Zero for a
/// non-positive intensity.
pub fn fatality_rate(mmi: f64, theta: f64, beta: f64) -> f64 {
    if mmi.is_nan() || mmi <= 0.0 {
        return 0.0;
    }
    std_normal_cdf((mmi / theta).ln() / beta)
}

/// Fatality rate at a PGA of `pga_g` (g) with the China parameters.
pub fn china_fatality_rate_at_pga(pga_g: f64) -> f64 {
    fatality_rate(mmi_from_pga(pga_g), CHINA_THETA, CHINA_BETA)
}
