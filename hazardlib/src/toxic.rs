//! Toxic exposure of people to a released gas: AEGL thresholds, toxic load
//! and the lethality probit. Only chlorine is supported.
//!
//! - **AEGL** (Acute Exposure Guideline Levels), chlorine: NRC (2004), *Acute
//!   Exposure Guideline Levels for Selected Airborne Chemicals*, Vol. 4,
//!   chlorine chapter, summary table. ppm at 10 min / 30 min / 1 h / 4 h / 8 h:
//!   AEGL-1 0.50 at all durations; AEGL-2 2.8/2.8/2.0/1.0/0.71; AEGL-3
//!   50/28/20/10/7.1.
//!
//!   *Interpolation rule (our choice)*: between tabulated durations the level
//!   is interpolated linearly in ln C versus ln t. AEGLs are themselves
//!   derived by time scaling Cⁿ·t = k (ten Berge et al. 1986), so a straight
//!   line in log–log space is exactly that scaling between two anchors.
//!   Shorter than 10 min the 10-min value is used: NRC derives nothing
//!   shorter, and holding the level flat is conservative (the true level
//!   would be higher). Longer than 8 h is an error: extending the flat 8 h
//!   value would be anti-conservative and extrapolating has no basis.
//! - **Toxic load** L = Σ Cᵢⁿ·Δtᵢ over exposure segments, C in ppm, Δt in
//!   minutes (units ppmⁿ·min).
//! - **Lethality probit**, chlorine: Withers & Lees (1985), "The assessment of
//!   major hazards: the lethal toxicity of chlorine", *J. Hazard. Mater.*
//!   12:231–282: Y = −8.29 + 0.92 ln(Σ C²·t), C ppm, t min;
//!   P(fatality) = Φ(Y − 5). Its LC50s (433 ppm for 10 min, 250 ppm for
//!   30 min) give Y ≈ 4.9985. The curve is for an average population in the
//!   open; it has no sheltering.
//! - **Injury by dose** (our rule, from the AEGL definitions): the toxic
//!   load of an AEGL tier is its 60-min level to the probit's exponent times
//!   60 min, L_k = AEGL-k(60 min)ⁿ · 60. For chlorine the NRC derived the
//!   AEGL-2 and AEGL-3 by C²·t = const between 30 min and 8 h, so these
//!   loads are the table's own: L₂ = 2.0²·60 = 240 ppm²·min, L₃ = 20²·60 =
//!   24,000 ppm²·min (10 min: 2.8²·10 = 78 and 50²·10 = 25,000; the 10-min
//!   AEGL-2 is held flat by the NRC, so L₂ is the longer-duration value). A
//!   survivor whose load reached L₃ (life-threatening effects, NRC 2004) is
//!   injured; one whose load reached L₂ (serious or long-lasting effects,
//!   impaired escape) is injured with a stated share (the plan's
//!   `chemical_injury_rate`); below L₂ nobody is counted injured.
//!
//! Ammonia and other chemicals are refused: their probit constants need a
//! primary source before use (Qilian reference README §3).

use crate::normal::std_normal_cdf;
use crate::units::{Minutes, Ppm};

/// Errors of the toxic-exposure models.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ToxicError {
    /// A chemical this module does not (yet) support.
    #[error(
        "chemical `{0}` is not supported: only chlorine has sourced AEGL and probit data here (ammonia needs a primary source)"
    )]
    UnsupportedChemical(String),
    /// An exposure duration outside the AEGL table's domain.
    #[error("duration {0} min is outside AEGL's domain (0, 480] min")]
    DurationOutOfRange(f64),
}

/// A chemical with sourced toxicity data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Chemical {
    /// Chlorine, Cl₂ (CAS 7782-50-5).
    Chlorine,
}

impl Chemical {
    /// Molar mass, g/mol (Cl₂: 2 × 35.453).
    pub fn molar_mass_g_mol(self) -> f64 {
        match self {
            Chemical::Chlorine => 70.906,
        }
    }

    /// Normal boiling point, K (Cl₂: −34.04 °C, NIST Chemistry WebBook,
    /// SRD 69): the temperature of the gas boiling off a liquefied spill.
    pub fn boiling_point_k(self) -> f64 {
        match self {
            Chemical::Chlorine => 239.11,
        }
    }

    /// The lethality probit of this chemical.
    pub fn lethality_probit(self) -> Probit {
        match self {
            Chemical::Chlorine => CHLORINE_WITHERS_LEES_1985,
        }
    }

    /// AEGL table: durations (min) and levels (ppm) for AEGL-1, -2, -3.
    pub fn aegl_table(self) -> &'static AeglTable {
        match self {
            Chemical::Chlorine => &CHLORINE_AEGL,
        }
    }
}

impl std::str::FromStr for Chemical {
    type Err = ToxicError;

    /// `chlorine` or `Cl2` (case-insensitive); anything else is unsupported.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "chlorine" | "cl2" => Ok(Chemical::Chlorine),
            _ => Err(ToxicError::UnsupportedChemical(s.to_string())),
        }
    }
}

/// AEGL tier.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AeglLevel {
    /// Notable discomfort, transient and reversible.
    Aegl1,
    /// Irreversible or serious long-lasting effects, or impaired escape.
    Aegl2,
    /// Life-threatening effects or death.
    Aegl3,
}

/// An AEGL table: levels per tier at the five standard durations.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AeglTable {
    /// Standard durations, minutes (10, 30, 60, 240, 480).
    pub durations_min: [f64; 5],
    /// ppm for AEGL-1, AEGL-2, AEGL-3 at each duration.
    pub ppm: [[f64; 5]; 3],
}

/// Chlorine AEGLs, NRC (2004).
pub const CHLORINE_AEGL: AeglTable = AeglTable {
    durations_min: [10.0, 30.0, 60.0, 240.0, 480.0],
    ppm: [
        [0.50, 0.50, 0.50, 0.50, 0.50],
        [2.8, 2.8, 2.0, 1.0, 0.71],
        [50.0, 28.0, 20.0, 10.0, 7.1],
    ],
};

impl AeglTable {
    /// The level of `tier` for an exposure lasting `duration`, by the
    /// interpolation rule in the module doc.
    pub fn level(&self, tier: AeglLevel, duration: Minutes) -> Result<Ppm, ToxicError> {
        let t = duration.0;
        let ts = &self.durations_min;
        let cs = &self.ppm[tier as usize];
        if !(t > 0.0 && t <= ts[4]) {
            return Err(ToxicError::DurationOutOfRange(t));
        }
        if t <= ts[0] {
            return Ok(Ppm(cs[0]));
        }
        // ts is ascending and ts[0] < t ≤ ts[4], so a bracketing pair exists.
        let i = ts.windows(2).position(|w| t <= w[1]).unwrap_or(3);
        let (t0, t1, c0, c1) = (ts[i], ts[i + 1], cs[i], cs[i + 1]);
        let f = (t / t0).ln() / (t1 / t0).ln();
        Ok(Ppm((c0.ln() + f * (c1 / c0).ln()).exp()))
    }
}

/// AEGL of `chemical` at `tier` for an exposure of `duration`.
pub fn aegl(chemical: Chemical, tier: AeglLevel, duration: Minutes) -> Result<Ppm, ToxicError> {
    chemical.aegl_table().level(tier, duration)
}

/// Toxic load of an AEGL tier, ppmⁿ·min: its 60-min level to the power `n`
/// times 60 min (see the module doc: for chlorine with n = 2 this is the
/// NRC's own C²·t between 30 min and 8 h).
pub fn aegl_load(chemical: Chemical, tier: AeglLevel, n: f64) -> f64 {
    let hour = Minutes(60.0);
    aegl(chemical, tier, hour).map_or(f64::INFINITY, |c| c.0.powf(n) * hour.0)
}

/// Chance that a person with toxic load `load` (ppmⁿ·min, the probit's n)
/// who survives is injured: 1 at or above the AEGL-3 load, `share` at or
/// above the AEGL-2 load, else 0 (the rule in the module doc).
pub fn injury_given_survival(chemical: Chemical, load: f64, share: f64) -> f64 {
    let n = chemical.lethality_probit().n;
    if load >= aegl_load(chemical, AeglLevel::Aegl3, n) {
        1.0
    } else if load >= aegl_load(chemical, AeglLevel::Aegl2, n) {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Toxic load Σ Cᵢⁿ·Δtᵢ (ppmⁿ·min) over exposure segments of constant
/// concentration. Negative concentrations or durations count as 0.
pub fn toxic_load(segments: &[(Ppm, Minutes)], n: f64) -> f64 {
    segments
        .iter()
        .map(|(c, t)| c.0.max(0.0).powf(n) * t.0.max(0.0))
        .sum()
}

/// A lethality probit Y = a + b·ln(Σ Cⁿ t), C ppm, t min; P = Φ(Y − 5).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Probit {
    /// Intercept a.
    pub a: f64,
    /// Slope b.
    pub b: f64,
    /// Concentration exponent n of the toxic load.
    pub n: f64,
}

/// Withers & Lees (1985) chlorine lethality probit.
pub const CHLORINE_WITHERS_LEES_1985: Probit = Probit {
    a: -8.29,
    b: 0.92,
    n: 2.0,
};

impl Probit {
    /// Toxic load with this probit's exponent.
    pub fn load(&self, segments: &[(Ppm, Minutes)]) -> f64 {
        toxic_load(segments, self.n)
    }

    /// Probit value for a toxic load (−∞ for a zero load).
    pub fn probit(&self, load: f64) -> f64 {
        self.a + self.b * load.ln()
    }

    /// Fatality probability Φ(Y − 5) for a toxic load; 0 for a zero load.
    pub fn p_fatality(&self, load: f64) -> f64 {
        std_normal_cdf(self.probit(load) - 5.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aegl_hits_table_points_and_interpolates_loglog() {
        let tab = &CHLORINE_AEGL;
        for tier in [AeglLevel::Aegl1, AeglLevel::Aegl2, AeglLevel::Aegl3] {
            for (k, &t) in tab.durations_min.iter().enumerate() {
                let got = aegl(Chemical::Chlorine, tier, Minutes(t)).map(|p| p.0);
                let want = tab.ppm[tier as usize][k];
                assert!(got.is_ok_and(|g| (g - want).abs() < 1e-12), "{tier:?} {t}");
            }
        }
        // Geometric midpoint in time of 60 and 240 min: geometric mean level.
        let mid = aegl(Chemical::Chlorine, AeglLevel::Aegl3, Minutes(120.0)).map(|p| p.0);
        assert!(mid.is_ok_and(|v| (v - (20.0f64 * 10.0).sqrt()).abs() < 1e-12));
        assert_eq!(
            aegl(Chemical::Chlorine, AeglLevel::Aegl3, Minutes(5.0)),
            Ok(Ppm(50.0))
        );
        assert!(aegl(Chemical::Chlorine, AeglLevel::Aegl3, Minutes(600.0)).is_err());
        assert!(aegl(Chemical::Chlorine, AeglLevel::Aegl3, Minutes(0.0)).is_err());
        assert!(aegl(Chemical::Chlorine, AeglLevel::Aegl3, Minutes(f64::NAN)).is_err());
    }

    #[test]
    fn ammonia_is_refused() {
        assert!(matches!(
            "ammonia".parse::<Chemical>(),
            Err(ToxicError::UnsupportedChemical(_))
        ));
        assert_eq!("Cl2".parse::<Chemical>(), Ok(Chemical::Chlorine));
    }

    #[test]
    fn aegl_loads_are_the_nrc_time_scaling() {
        let c = Chemical::Chlorine;
        let l2 = aegl_load(c, AeglLevel::Aegl2, 2.0);
        let l3 = aegl_load(c, AeglLevel::Aegl3, 2.0);
        assert!((l2 - 240.0).abs() < 1e-9 && (l3 - 24_000.0).abs() < 1e-9);
        // The 30 min, 4 h and 8 h table points give the same C²·t within 3 %.
        for (k, t) in [(1usize, 30.0), (3, 240.0), (4, 480.0)] {
            let tab = &CHLORINE_AEGL;
            assert!((tab.ppm[1][k].powi(2) * t / l2 - 1.0).abs() < 0.03, "{t}");
            assert!((tab.ppm[2][k].powi(2) * t / l3 - 1.0).abs() < 0.03, "{t}");
        }
        assert_eq!(injury_given_survival(c, 239.0, 0.4), 0.0);
        assert_eq!(injury_given_survival(c, 240.0, 0.4), 0.4);
        assert_eq!(injury_given_survival(c, 23_999.0, 0.4), 0.4);
        assert_eq!(injury_given_survival(c, 24_000.0, 0.4), 1.0);
        // The probit at the AEGL-3 load: a threshold, not a killing dose.
        let p = CHLORINE_WITHERS_LEES_1985.p_fatality(l3);
        assert!(p > 0.0 && p < 1e-3, "{p}");
    }

    #[test]
    fn zero_load_is_zero_probability() {
        let p = CHLORINE_WITHERS_LEES_1985;
        assert_eq!(p.p_fatality(0.0), 0.0);
        assert_eq!(p.probit(0.0), f64::NEG_INFINITY);
    }
}
