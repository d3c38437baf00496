//! Ground-motion prediction equations (GMPEs) behind one narrow trait.
//!
//! A GMPE maps an earthquake rupture and a site to the log-normal distribution
//! of a ground-motion intensity measure: a median (here always in g) and the
//! standard deviations of ln(Y). Downstream, the median and σ feed the
//! fragility curves of [`crate::fragility`].
//!
//! Models (one file each, each naming its paper and equations):
//! - [`AkkarBommer2010`]: Europe/Middle East, Mw 5–7.6, Rjb 0–100 km.
//! - [`BooreAtkinson2008`]: NGA-West1, Mw 5–8, Rjb 0–200 km, Vs30 180–1300 m/s.
//!
//! Glossary: **Rjb** is the Joyner–Boore distance (km) to the surface
//! projection of the rupture; **Vs30** the time-averaged shear-wave velocity of
//! the top 30 m (m/s); **rake** the slip direction in degrees (−180…180; 0 =
//! strike-slip, 90 = reverse, −90 = normal); **τ** the between-event and **φ**
//! the within-event standard deviation of ln(Y), with σ² = τ² + φ².
//!
//! Validity: [`GroundMotionModel::median_sigma`] evaluates the functional form
//! for any finite input, because a simulation must produce *some* shaking at
//! every site; callers that care check [`GroundMotionModel::validity`], which
//! states the range each paper supports. The CSV driver in [`crate::cases`]
//! rejects magnitudes outside that range.

mod akkar_bommer_2010;
mod boore_atkinson_2008;

pub use akkar_bommer_2010::AkkarBommer2010;
pub use boore_atkinson_2008::BooreAtkinson2008;

/// Coefficient tables, public so that an integrator can audit or extend them.
pub mod coefficients {
    pub use super::akkar_bommer_2010::{Ak10Coeffs, table as ak10};
    pub use super::boore_atkinson_2008::{Ba08Coeffs, Ba08Site, table as ba08};
}

use crate::units::{Degrees, G, Km, MetresPerSecond};

/// Intensity measure types supported by the models in this module.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Imt {
    /// Peak ground acceleration.
    Pga,
    /// 5 %-damped pseudo-spectral acceleration at 0.2 s.
    Sa02,
    /// 5 %-damped pseudo-spectral acceleration at 1.0 s.
    Sa10,
}

impl Imt {
    /// All supported IMTs, in a fixed order.
    pub const ALL: [Imt; 3] = [Imt::Pga, Imt::Sa02, Imt::Sa10];

    /// Oscillator period in seconds (0 for PGA, as in the coefficient tables).
    pub fn period_s(self) -> f64 {
        match self {
            Imt::Pga => 0.0,
            Imt::Sa02 => 0.2,
            Imt::Sa10 => 1.0,
        }
    }

    /// The OpenQuake-style label used in case tables: `PGA`, `SA(0.2)`, `SA(1.0)`.
    pub fn label(self) -> &'static str {
        match self {
            Imt::Pga => "PGA",
            Imt::Sa02 => "SA(0.2)",
            Imt::Sa10 => "SA(1.0)",
        }
    }
}

impl std::str::FromStr for Imt {
    type Err = crate::UnknownName;

    /// Parses `PGA`, `SA(0.2)` or `SA(1.0)` (case-insensitive, inner spaces
    /// ignored, `SA(1)` accepted for `SA(1.0)`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        match norm.as_str() {
            "PGA" => Ok(Imt::Pga),
            "SA(0.2)" | "SA(0.20)" => Ok(Imt::Sa02),
            "SA(1.0)" | "SA(1)" | "SA(1.00)" => Ok(Imt::Sa10),
            _ => Err(crate::UnknownName::new("IMT", s, "PGA, SA(0.2), SA(1.0)")),
        }
    }
}

/// Faulting style derived from rake; each model classifies rake by its own
/// published rule (see the model files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Mechanism {
    /// Strike-slip.
    StrikeSlip,
    /// Normal.
    Normal,
    /// Reverse (thrust).
    Reverse,
}

/// The earthquake source as the GMPEs here need it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rupture {
    /// Moment magnitude Mw (dimensionless).
    pub mag: f64,
    /// Rake angle, degrees in −180…180 (values outside are wrapped).
    pub rake: Degrees,
}

/// The receiving site as the GMPEs here need it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Site {
    /// Joyner–Boore distance, km (≥ 0).
    pub rjb: Km,
    /// Vs30, m/s (> 0).
    pub vs30: MetresPerSecond,
}

/// A GMPE prediction: log-normal with median `median` and ln-standard
/// deviations `sigma_ln` (total), `tau_ln` (between-event), `phi_ln`
/// (within-event).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GmResult {
    /// Median intensity, g.
    pub median: G,
    /// Total standard deviation of ln(Y).
    pub sigma_ln: f64,
    /// Between-event standard deviation of ln(Y).
    pub tau_ln: f64,
    /// Within-event standard deviation of ln(Y).
    pub phi_ln: f64,
}

/// Parameter ranges a model's paper states it supports.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Validity {
    /// Inclusive Mw range.
    pub mag: (f64, f64),
    /// Largest supported Rjb, km (inclusive).
    pub rjb_max: Km,
    /// Inclusive Vs30 range, m/s, where the paper states one.
    pub vs30: Option<(f64, f64)>,
}

impl Validity {
    /// Whether `mag` lies in the supported magnitude range.
    pub fn mag_ok(&self, mag: f64) -> bool {
        mag >= self.mag.0 && mag <= self.mag.1
    }

    /// Whether the rupture and site lie inside every stated range.
    pub fn contains(&self, rup: &Rupture, site: &Site) -> bool {
        self.mag_ok(rup.mag)
            && site.rjb.0 >= 0.0
            && site.rjb.0 <= self.rjb_max.0
            && self
                .vs30
                .is_none_or(|(lo, hi)| site.vs30.0 >= lo && site.vs30.0 <= hi)
    }
}

/// A ground-motion prediction equation.
///
/// Implementations are pure: the same inputs give bit-identical outputs.
pub trait GroundMotionModel: Send + Sync {
    /// Stable identifier used in case tables and scenario files.
    fn name(&self) -> &'static str;

    /// The parameter ranges the paper supports.
    fn validity(&self) -> Validity;

    /// Median (g) and ln-standard deviations of `imt` at `site` for `rup`.
    ///
    /// Evaluates the functional form for any finite input (see the module
    /// doc); NaN inputs give NaN outputs.
    fn median_sigma(&self, rup: &Rupture, site: &Site, imt: Imt) -> GmResult;

    /// ln of the median (g) and the between- and within-event ln-standard
    /// deviations `(ln median, τ, φ)`: what sampling needs, without the
    /// `exp` and `ln` a round trip through [`Self::median_sigma`] costs.
    fn ln_median_tau_phi(&self, rup: &Rupture, site: &Site, imt: Imt) -> (f64, f64, f64) {
        let r = self.median_sigma(rup, site, imt);
        (r.median.0.ln(), r.tau_ln, r.phi_ln)
    }
}

/// Every GMPE in this crate, in a fixed order.
pub static MODELS: &[&dyn GroundMotionModel] = &[&AkkarBommer2010, &BooreAtkinson2008];

/// Looks a GMPE up by [`GroundMotionModel::name`] (exact match).
pub fn by_name(name: &str) -> Option<&'static dyn GroundMotionModel> {
    MODELS.iter().copied().find(|m| m.name() == name)
}

/// Wraps a rake angle into (−180, 180].
pub(crate) fn wrap_rake(rake_deg: f64) -> f64 {
    let r = (rake_deg + 180.0).rem_euclid(360.0) - 180.0;
    if r == -180.0 { 180.0 } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rake_wrapping() {
        assert_eq!(wrap_rake(0.0), 0.0);
        assert_eq!(wrap_rake(270.0), -90.0);
        assert_eq!(wrap_rake(-180.0), 180.0);
        assert_eq!(wrap_rake(-90.0), -90.0);
        assert_eq!(wrap_rake(540.0), 180.0);
    }

    #[test]
    fn imt_parse_round_trip() {
        for imt in Imt::ALL {
            assert_eq!(imt.label().parse::<Imt>(), Ok(imt));
        }
        assert_eq!("sa(1)".parse::<Imt>(), Ok(Imt::Sa10));
        assert!("SA(0.3)".parse::<Imt>().is_err());
    }

    #[test]
    fn registry_names_unique() {
        assert!(by_name("AkkarBommer2010").is_some());
        assert!(by_name("BooreAtkinson2008").is_some());
        assert!(by_name("akkarbommer2010").is_none());
    }
}
