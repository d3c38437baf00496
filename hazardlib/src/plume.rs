//! Steady Gaussian plume from a continuous point source, with ground
//! reflection, Briggs (1973) rural and McElroy–Pooler urban dispersion
//! coefficients, and the Pasquill–Gifford stability classification.
//!
//! Concentration (e.g. Turner 1970, *Workbook of Atmospheric Dispersion
//! Estimates*, Eq. 3.1; De Visscher 2014, *Air Dispersion Modeling*, Eq. 2.23):
//!
//! ```text
//! C(x,y,z) = Q / (2π u σy σz) · exp(−y²/2σy²)
//!            · [exp(−(z−H)²/2σz²) + exp(−(z+H)²/2σz²)]
//! ```
//!
//! Q source strength (kg/s), u wind speed at release height (m/s), H effective
//! release height (m), x downwind, y crosswind, z height above ground (m),
//! σy, σz (m) functions of x and stability class. The second exponential is
//! the image source that reflects the plume at the ground.
//!
//! Dispersion coefficients (x in m), as tabulated by Griffiths (1994),
//! *Atmos. Environ.* 28(18):2861 and the Qilian reference README §3:
//! - Briggs (1973) open-country (rural), fitted for 100 m ≤ x ≤ 10 km:
//!   σy = a·x·(1 + 0.0001x)^−½ with a = 0.22, 0.16, 0.11, 0.08, 0.06, 0.04
//!   for A–F; σz: A 0.20x, B 0.12x, C 0.08x(1+0.0002x)^−½,
//!   D 0.06x(1+0.0015x)^−½, E 0.03x(1+0.0003x)^−1, F 0.016x(1+0.0003x)^−1.
//! - McElroy–Pooler (urban, St. Louis), same Briggs form:
//!   σy = a·x·(1 + 0.0004x)^−½ with a = 0.32 (A–B), 0.22 (C), 0.16 (D),
//!   0.11 (E–F); σz: A–B 0.24x(1+0.001x)^½, C 0.20x, D 0.14x(1+0.0003x)^−½,
//!   E–F 0.08x(1+0.0015x)^−½.
//!
//! Outside 100 m–10 km the formulas are extrapolated (documented, not
//! rejected: the simulation needs a value near the source too). Upwind or at
//! the source (x ≤ 0) the concentration is 0 and both σ are 0.
//!
//! Pasquill–Gifford class (Turner 1970, Table 1) from the 10 m wind speed u
//! and insolation/cloud; wind bands are u < 2, 2 ≤ u < 3, 3 ≤ u < 5,
//! 5 ≤ u < 6, u ≥ 6 m/s; heavy overcast day or night is D.
//!
//! Conversion to ppm at 25 °C and 1 atm: ppm = C[mg/m³]·24.465/MW (MW in
//! g/mol; 24.465 L/mol is the molar volume of an ideal gas there).

use crate::UnknownName;
use crate::units::{KgPerCubicMetre, KgPerSecond, Metres, MetresPerSecond, Ppm};

/// Pasquill–Gifford stability class, A (very unstable) to F (moderately stable).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Stability {
    /// Very unstable.
    A,
    /// Unstable.
    B,
    /// Slightly unstable.
    C,
    /// Neutral.
    D,
    /// Slightly stable.
    E,
    /// Moderately stable.
    F,
}

impl Stability {
    /// All classes A–F.
    pub const ALL: [Stability; 6] = [
        Stability::A,
        Stability::B,
        Stability::C,
        Stability::D,
        Stability::E,
        Stability::F,
    ];
}

impl std::str::FromStr for Stability {
    type Err = UnknownName;

    /// Parses a single letter A–F (case-insensitive, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Ok(Stability::A),
            "B" => Ok(Stability::B),
            "C" => Ok(Stability::C),
            "D" => Ok(Stability::D),
            "E" => Ok(Stability::E),
            "F" => Ok(Stability::F),
            _ => Err(UnknownName::new("stability class", s, "A, B, C, D, E, F")),
        }
    }
}

/// Surface roughness regime that selects the σ formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Terrain {
    /// Open country: Briggs (1973) rural.
    Rural,
    /// Built-up area: McElroy–Pooler (Briggs urban).
    Urban,
}

impl std::str::FromStr for Terrain {
    type Err = UnknownName;

    /// Parses `rural` or `urban` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rural" => Ok(Terrain::Rural),
            "urban" => Ok(Terrain::Urban),
            _ => Err(UnknownName::new("terrain", s, "rural, urban")),
        }
    }
}

/// Dispersion coefficients at one downwind distance.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sigmas {
    /// Crosswind σy.
    pub y: Metres,
    /// Vertical σz.
    pub z: Metres,
}

/// σy and σz at downwind distance `x` (see module doc for the formulas);
/// zero for x ≤ 0.
pub fn sigmas(stability: Stability, terrain: Terrain, x: Metres) -> Sigmas {
    let x = x.0;
    if x.is_nan() || x <= 0.0 {
        let v = if x.is_nan() { f64::NAN } else { 0.0 };
        return Sigmas {
            y: Metres(v),
            z: Metres(v),
        };
    }
    use Stability::*;
    let (sy, sz) = match terrain {
        Terrain::Rural => {
            let a = match stability {
                A => 0.22,
                B => 0.16,
                C => 0.11,
                D => 0.08,
                E => 0.06,
                F => 0.04,
            };
            let sy = a * x / (1.0 + 0.0001 * x).sqrt();
            let sz = match stability {
                A => 0.20 * x,
                B => 0.12 * x,
                C => 0.08 * x / (1.0 + 0.0002 * x).sqrt(),
                D => 0.06 * x / (1.0 + 0.0015 * x).sqrt(),
                E => 0.03 * x / (1.0 + 0.0003 * x),
                F => 0.016 * x / (1.0 + 0.0003 * x),
            };
            (sy, sz)
        }
        Terrain::Urban => {
            let a = match stability {
                A | B => 0.32,
                C => 0.22,
                D => 0.16,
                E | F => 0.11,
            };
            let sy = a * x / (1.0 + 0.0004 * x).sqrt();
            let sz = match stability {
                A | B => 0.24 * x * (1.0 + 0.001 * x).sqrt(),
                C => 0.20 * x,
                D => 0.14 * x / (1.0 + 0.0003 * x).sqrt(),
                E | F => 0.08 * x / (1.0 + 0.0015 * x).sqrt(),
            };
            (sy, sz)
        }
    };
    Sigmas {
        y: Metres(sy),
        z: Metres(sz),
    }
}

/// A continuous point release.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// Emission rate Q (≥ 0).
    pub q: KgPerSecond,
    /// Effective release height H above ground (≥ 0), stack plus plume rise.
    pub h: Metres,
}

/// A receptor position relative to the source, x along the wind.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Receptor {
    /// Downwind distance.
    pub x: Metres,
    /// Crosswind offset (signed).
    pub y: Metres,
    /// Height above ground (≥ 0).
    pub z: Metres,
}

/// Result at one receptor: the σ used and the concentration.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlumePoint {
    /// Dispersion coefficients at the receptor's x.
    pub sigmas: Sigmas,
    /// Mass concentration.
    pub c: KgPerCubicMetre,
}

/// The reflected Gaussian plume formula for given σ (see module doc).
/// Returns 0 when either σ is not positive (at or upwind of the source) or
/// the wind speed is not positive (the steady plume is undefined in calm;
/// callers must treat calm separately).
pub fn concentration_with_sigmas(
    src: &Source,
    u: MetresPerSecond,
    s: Sigmas,
    y: Metres,
    z: Metres,
) -> KgPerCubicMetre {
    let (sy, sz) = (s.y.0, s.z.0);
    if !(sy > 0.0 && sz > 0.0 && u.0 > 0.0) {
        return KgPerCubicMetre(0.0);
    }
    let lateral = (-y.0 * y.0 / (2.0 * sy * sy)).exp();
    let h = src.h.0;
    let vertical =
        (-(z.0 - h).powi(2) / (2.0 * sz * sz)).exp() + (-(z.0 + h).powi(2) / (2.0 * sz * sz)).exp();
    KgPerCubicMetre(src.q.0 / (2.0 * std::f64::consts::PI * u.0 * sy * sz) * lateral * vertical)
}

/// Concentration at `rec` for a source in wind `u` under `stability` over
/// `terrain`, with the σ used.
pub fn plume(
    src: &Source,
    u: MetresPerSecond,
    stability: Stability,
    terrain: Terrain,
    rec: &Receptor,
) -> PlumePoint {
    let s = sigmas(stability, terrain, rec.x);
    PlumePoint {
        sigmas: s,
        c: concentration_with_sigmas(src, u, s, rec.y, rec.z),
    }
}

/// Molar volume of an ideal gas at 25 °C and 1 atm, L/mol.
pub const MOLAR_VOLUME_25C_L: f64 = 24.465;

/// Converts a mass concentration to ppm(v) at 25 °C, 1 atm, for a gas of
/// molar mass `molar_mass_g_mol`.
pub fn to_ppm(c: KgPerCubicMetre, molar_mass_g_mol: f64) -> Ppm {
    let mg_m3 = c.0 * 1e6;
    Ppm(mg_m3 * MOLAR_VOLUME_25C_L / molar_mass_g_mol)
}

/// Converts ppm(v) at 25 °C, 1 atm back to a mass concentration.
pub fn from_ppm(c: Ppm, molar_mass_g_mol: f64) -> KgPerCubicMetre {
    KgPerCubicMetre(c.0 * molar_mass_g_mol / MOLAR_VOLUME_25C_L * 1e-6)
}

/// Solar insolation by day, or cloud cover by night (Turner 1970, Table 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Insolation {
    /// Day, strong insolation (sun high, clear sky).
    Strong,
    /// Day, moderate insolation.
    Moderate,
    /// Day, slight insolation (sun low or broken cloud).
    Slight,
    /// Heavy overcast, day or night: always neutral (D).
    Overcast,
    /// Night, thin overcast or ≥ 4/8 low cloud.
    NightCloudy,
    /// Night, ≤ 3/8 cloud.
    NightClear,
}

/// A Pasquill–Gifford category: a single class or a boundary between two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PgClass {
    /// A single class.
    One(Stability),
    /// Between two adjacent classes, e.g. A–B (less stable first).
    Between(Stability, Stability),
}

impl PgClass {
    /// The more stable of the two classes (or the single class). Gives the
    /// higher ground-level concentration near a ground-level release, so it
    /// is the conservative pick for a toxic-release screen.
    pub fn conservative(self) -> Stability {
        match self {
            PgClass::One(s) => s,
            PgClass::Between(_, s) => s,
        }
    }

    /// σ for this category; for a boundary class the arithmetic mean of the
    /// two classes' σ, as Turner (1970) advises for A–B, B–C and C–D.
    pub fn sigmas(self, terrain: Terrain, x: Metres) -> Sigmas {
        match self {
            PgClass::One(s) => sigmas(s, terrain, x),
            PgClass::Between(a, b) => {
                let (sa, sb) = (sigmas(a, terrain, x), sigmas(b, terrain, x));
                Sigmas {
                    y: Metres(0.5 * (sa.y.0 + sb.y.0)),
                    z: Metres(0.5 * (sa.z.0 + sb.z.0)),
                }
            }
        }
    }
}

/// Pasquill–Gifford class from 10 m wind speed (m/s) and insolation/cloud,
/// Turner (1970) Table 1. Negative or NaN wind is treated as calm (u < 2).
pub fn pasquill_gifford(u: MetresPerSecond, insolation: Insolation) -> PgClass {
    use PgClass::{Between as Bt, One};
    use Stability::*;
    let band = match u.0 {
        w if w >= 6.0 => 4,
        w if w >= 5.0 => 3,
        w if w >= 3.0 => 2,
        w if w >= 2.0 => 1,
        _ => 0,
    };
    match insolation {
        Insolation::Overcast => One(D),
        Insolation::Strong => [One(A), Bt(A, B), One(B), One(C), One(C)][band],
        Insolation::Moderate => [Bt(A, B), One(B), Bt(B, C), Bt(C, D), One(D)][band],
        Insolation::Slight => [One(B), One(C), One(C), One(D), One(D)][band],
        Insolation::NightCloudy => [One(E), One(E), One(D), One(D), One(D)][band],
        Insolation::NightClear => [One(F), One(F), One(E), One(D), One(D)][band],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PgClass::{Between as Bt, One};
    use Stability::*;

    #[test]
    fn turner_table_1() {
        // Rows: wind bands; columns: strong, moderate, slight, night cloudy,
        // night clear (Qilian reference README §3).
        let table = [
            (1.0, [One(A), Bt(A, B), One(B), One(E), One(F)]),
            (2.5, [Bt(A, B), One(B), One(C), One(E), One(F)]),
            (4.0, [One(B), Bt(B, C), One(C), One(D), One(E)]),
            (5.5, [One(C), Bt(C, D), One(D), One(D), One(D)]),
            (8.0, [One(C), One(D), One(D), One(D), One(D)]),
        ];
        let cols = [
            Insolation::Strong,
            Insolation::Moderate,
            Insolation::Slight,
            Insolation::NightCloudy,
            Insolation::NightClear,
        ];
        for (u, row) in table {
            for (ins, want) in cols.iter().zip(row) {
                assert_eq!(
                    pasquill_gifford(MetresPerSecond(u), *ins),
                    want,
                    "u {u} {ins:?}"
                );
            }
            assert_eq!(
                pasquill_gifford(MetresPerSecond(u), Insolation::Overcast),
                One(D)
            );
        }
        // Band edges: 2, 3, 5, 6 m/s belong to the faster band.
        assert_eq!(
            pasquill_gifford(MetresPerSecond(2.0), Insolation::Slight),
            One(C)
        );
        assert_eq!(
            pasquill_gifford(MetresPerSecond(3.0), Insolation::NightClear),
            One(E)
        );
        assert_eq!(
            pasquill_gifford(MetresPerSecond(6.0), Insolation::Moderate),
            One(D)
        );
    }

    #[test]
    fn boundary_class_averages_sigmas() {
        let x = Metres(1000.0);
        let ab = Bt(A, B).sigmas(Terrain::Rural, x);
        let (a, b) = (sigmas(A, Terrain::Rural, x), sigmas(B, Terrain::Rural, x));
        assert!((ab.y.0 - 0.5 * (a.y.0 + b.y.0)).abs() < 1e-12);
        assert_eq!(Bt(A, B).conservative(), B);
    }

    #[test]
    fn upwind_is_zero() {
        let src = Source {
            q: KgPerSecond(1.0),
            h: Metres(10.0),
        };
        let rec = Receptor {
            x: Metres(-50.0),
            y: Metres(0.0),
            z: Metres(0.0),
        };
        let p = plume(&src, MetresPerSecond(3.0), D, Terrain::Rural, &rec);
        assert_eq!(p.c.0, 0.0);
    }
}
