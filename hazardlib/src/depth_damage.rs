//! Flood depth–damage curves of the European Commission JRC.
//!
//! Source: J. Huizinga, H. de Moel, W. Szewczyk (2017), *Global flood
//! depth-damage functions: methodology and the database with guidelines*,
//! JRC Technical Report EUR 28552 EN, doi:10.2760/16510 — the continental
//! average curves (Tables 3-1 … 3-8 of the database, one per occupancy).
//!
//! Input: water depth above ground floor level in metres. Output: damage as
//! a fraction (0–1) of the maximum damage value of the asset class.
//! Breakpoints are at 0, 0.5, 1, 1.5, 2, 3, 4, 5, 6 m; between them the
//! fraction is interpolated linearly (as the report prescribes); depths ≤ 0 give
//! the 0 m value (0) and depths ≥ 6 m the 6 m value (the curves end there).
//!
//! Curves exist for every region and occupancy except roads, which the
//! report gives only for Europe, Asia and the global average.

use crate::UnknownName;
use crate::units::Metres;

/// Continent (or the global average) of a JRC curve.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Region {
    /// Europe.
    Europe,
    /// North America.
    NorthAmerica,
    /// Central America.
    CentralAmerica,
    /// South America.
    SouthAmerica,
    /// Asia.
    Asia,
    /// Africa.
    Africa,
    /// Oceania.
    Oceania,
    /// Global average.
    Global,
}

/// Occupancy (asset class) of a JRC curve.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Occupancy {
    /// Residential buildings.
    Residential,
    /// Commercial buildings.
    Commercial,
    /// Industrial buildings.
    Industrial,
    /// Building-type-averaged curve.
    BuildingAveraged,
    /// Roads (Europe, Asia, global only).
    Roads,
}

/// Lower-cases and maps `_`/`-` to spaces so that `north_america`,
/// `North America` and `north-america` all match.
fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c == '_' || c == '-' {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

impl std::str::FromStr for Region {
    type Err = UnknownName;

    /// The CSV's continent names, case-insensitive, `_` or `-` for spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match normalise(s).as_str() {
            "europe" => Region::Europe,
            "north america" => Region::NorthAmerica,
            "central america" => Region::CentralAmerica,
            "south america" => Region::SouthAmerica,
            "asia" => Region::Asia,
            "africa" => Region::Africa,
            "oceania" => Region::Oceania,
            "global" => Region::Global,
            _ => {
                return Err(UnknownName::new(
                    "region",
                    s,
                    "europe, north america, central america, south america, asia, africa, oceania, global",
                ));
            }
        })
    }
}

impl std::str::FromStr for Occupancy {
    type Err = UnknownName;

    /// The CSV's type names, case-insensitive, `_` or `-` for spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match normalise(s).as_str() {
            "residential" => Occupancy::Residential,
            "commercial" => Occupancy::Commercial,
            "industrial" => Occupancy::Industrial,
            "building averaged" => Occupancy::BuildingAveraged,
            "roads" => Occupancy::Roads,
            _ => {
                return Err(UnknownName::new(
                    "occupancy",
                    s,
                    "residential, commercial, industrial, building averaged, roads",
                ));
            }
        })
    }
}

/// Depths of the breakpoints, m.
pub const DEPTHS_M: [f64; 9] = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0];

/// One JRC curve: damage fractions at [`DEPTHS_M`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DepthDamageCurve {
    /// Continent.
    pub region: Region,
    /// Occupancy.
    pub occupancy: Occupancy,
    /// Damage fraction at each breakpoint depth.
    pub fraction: [f64; 9],
}

impl DepthDamageCurve {
    /// Damage fraction at `depth`, linear between breakpoints, clamped to the
    /// 0 m and 6 m values outside. NaN depth gives NaN.
    pub fn damage_fraction(&self, depth: Metres) -> f64 {
        let d = depth.0;
        if d.is_nan() {
            return f64::NAN;
        }
        if d <= DEPTHS_M[0] {
            return self.fraction[0];
        }
        for i in 1..DEPTHS_M.len() {
            if d <= DEPTHS_M[i] {
                let (d0, d1) = (DEPTHS_M[i - 1], DEPTHS_M[i]);
                let (f0, f1) = (self.fraction[i - 1], self.fraction[i]);
                return f0 + (f1 - f0) * (d - d0) / (d1 - d0);
            }
        }
        self.fraction[DEPTHS_M.len() - 1]
    }
}

/// Errors of the depth–damage lookup.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DepthDamageError {
    /// The report has no curve for this pair (roads outside Europe/Asia/global).
    #[error("no JRC curve for {occupancy:?} in {region:?} (roads exist for europe, asia, global)")]
    NoCurve {
        /// Requested region.
        region: Region,
        /// Requested occupancy.
        occupancy: Occupancy,
    },
}

/// All curves, in the reference CSV's order.
pub fn curves() -> &'static [DepthDamageCurve] {
    &table::CURVES
}

/// The curve for a region and occupancy.
pub fn curve(
    region: Region,
    occupancy: Occupancy,
) -> Result<&'static DepthDamageCurve, DepthDamageError> {
    table::CURVES
        .iter()
        .find(|c| c.region == region && c.occupancy == occupancy)
        .ok_or(DepthDamageError::NoCurve { region, occupancy })
}

/// Damage fraction for a region, occupancy and water depth.
pub fn damage_fraction(
    region: Region,
    occupancy: Occupancy,
    depth: Metres,
) -> Result<f64, DepthDamageError> {
    Ok(curve(region, occupancy)?.damage_fraction(depth))
}

/// The JRC curves, transcribed by script from the reference CSV (a test
/// re-reads the CSV copy in `tests/data` and compares every value).
#[rustfmt::skip]
pub mod table {
    use super::{DepthDamageCurve, Occupancy, Region};
    /// Residential, commercial, industrial, building-averaged, then roads.
    pub const CURVES: [DepthDamageCurve; 35] = [
        DepthDamageCurve { region: Region::Europe, occupancy: Occupancy::Residential, fraction: [0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 0.85, 0.95, 1.0] },
        DepthDamageCurve { region: Region::NorthAmerica, occupancy: Occupancy::Residential, fraction: [0.0, 0.344, 0.524, 0.64, 0.74, 0.836, 0.906, 0.952, 0.992] },
        DepthDamageCurve { region: Region::CentralAmerica, occupancy: Occupancy::Residential, fraction: [0.0, 0.49, 0.71, 0.84, 0.95, 0.98, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::SouthAmerica, occupancy: Occupancy::Residential, fraction: [0.0, 0.49, 0.71, 0.84, 0.95, 0.98, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::Asia, occupancy: Occupancy::Residential, fraction: [0.0, 0.33, 0.49, 0.62, 0.72, 0.87, 0.93, 0.98, 1.0] },
        DepthDamageCurve { region: Region::Africa, occupancy: Occupancy::Residential, fraction: [0.0, 0.22, 0.38, 0.53, 0.64, 0.82, 0.9, 0.96, 1.0] },
        DepthDamageCurve { region: Region::Oceania, occupancy: Occupancy::Residential, fraction: [0.0, 0.48, 0.64, 0.71, 0.79, 0.93, 0.97, 0.98, 1.0] },
        DepthDamageCurve { region: Region::Global, occupancy: Occupancy::Residential, fraction: [0.0, 0.372, 0.550571429, 0.668571429, 0.77, 0.880857143, 0.936571429, 0.974571429, 0.998857143] },
        DepthDamageCurve { region: Region::Europe, occupancy: Occupancy::Commercial, fraction: [0.0, 0.15, 0.3, 0.45, 0.55, 0.75, 0.9, 1.0, 1.0] },
        DepthDamageCurve { region: Region::NorthAmerica, occupancy: Occupancy::Commercial, fraction: [0.0, 0.218, 0.357, 0.46, 0.542, 0.683, 0.8135, 0.9055, 0.9955] },
        DepthDamageCurve { region: Region::CentralAmerica, occupancy: Occupancy::Commercial, fraction: [0.0, 0.61, 0.84, 0.92, 0.99, 1.0, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::SouthAmerica, occupancy: Occupancy::Commercial, fraction: [0.0, 0.61, 0.84, 0.92, 0.99, 1.0, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::Asia, occupancy: Occupancy::Commercial, fraction: [0.0, 0.38, 0.54, 0.66, 0.76, 0.88, 0.94, 0.98, 1.0] },
        DepthDamageCurve { region: Region::Africa, occupancy: Occupancy::Commercial, fraction: [0.0, 0.38, 0.54, 0.66, 0.76, 0.88, 0.94, 0.98, 1.0] },
        DepthDamageCurve { region: Region::Oceania, occupancy: Occupancy::Commercial, fraction: [0.0, 0.24, 0.48, 0.67, 0.86, 1.0, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::Global, occupancy: Occupancy::Commercial, fraction: [0.0, 0.369714286, 0.556714286, 0.677142857, 0.778857143, 0.884714286, 0.941928571, 0.980785714, 0.999357143] },
        DepthDamageCurve { region: Region::Europe, occupancy: Occupancy::Industrial, fraction: [0.0, 0.15, 0.3, 0.45, 0.55, 0.75, 0.9, 1.0, 1.0] },
        DepthDamageCurve { region: Region::NorthAmerica, occupancy: Occupancy::Industrial, fraction: [0.0, 0.2064, 0.3492, 0.454, 0.5372, 0.6788, 0.8096, 0.9028, 0.9928] },
        DepthDamageCurve { region: Region::CentralAmerica, occupancy: Occupancy::Industrial, fraction: [0.0, 0.61, 0.84, 0.92, 0.99, 1.0, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::SouthAmerica, occupancy: Occupancy::Industrial, fraction: [0.0, 0.61, 0.84, 0.92, 0.99, 1.0, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::Asia, occupancy: Occupancy::Industrial, fraction: [0.0, 0.38, 0.54, 0.66, 0.76, 0.88, 0.94, 0.98, 1.0] },
        DepthDamageCurve { region: Region::Africa, occupancy: Occupancy::Industrial, fraction: [0.0, 0.38, 0.54, 0.66, 0.76, 0.88, 0.94, 0.98, 1.0] },
        DepthDamageCurve { region: Region::Oceania, occupancy: Occupancy::Industrial, fraction: [0.0, 0.24, 0.48, 0.67, 0.86, 1.0, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::Global, occupancy: Occupancy::Industrial, fraction: [0.0, 0.368057143, 0.5556, 0.676285714, 0.778171429, 0.884114286, 0.941371429, 0.9804, 0.998971429] },
        DepthDamageCurve { region: Region::Europe, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.2438, 0.3938, 0.4969, 0.5969, 0.75, 0.8531, 0.9531, 1.0] },
        DepthDamageCurve { region: Region::NorthAmerica, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.3361, 0.5136, 0.6288, 0.7277, 0.8265, 0.9002, 0.9491, 0.9922] },
        DepthDamageCurve { region: Region::CentralAmerica, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.4975, 0.7181, 0.845, 0.9525, 0.9812, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::SouthAmerica, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.4975, 0.7181, 0.845, 0.9525, 0.9812, 1.0, 1.0, 1.0] },
        DepthDamageCurve { region: Region::Asia, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.3331, 0.4931, 0.6225, 0.7225, 0.8706, 0.9306, 0.98, 1.0] },
        DepthDamageCurve { region: Region::Africa, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.2299, 0.3899, 0.5381, 0.6475, 0.8237, 0.9025, 0.9612, 1.0] },
        DepthDamageCurve { region: Region::Oceania, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.4651, 0.6301, 0.7075, 0.7943, 0.9343, 0.9719, 0.9812, 1.0] },
        DepthDamageCurve { region: Region::Global, occupancy: Occupancy::BuildingAveraged, fraction: [0.0, 0.3718, 0.5509, 0.6691, 0.7705, 0.8811, 0.9369, 0.975, 0.9989] },
        DepthDamageCurve { region: Region::Europe, occupancy: Occupancy::Roads, fraction: [0.0, 0.25, 0.42, 0.55, 0.65, 0.8, 0.9, 1.0, 1.0] },
        DepthDamageCurve { region: Region::Asia, occupancy: Occupancy::Roads, fraction: [0.0, 0.214436906, 0.37275441, 0.603934871, 0.709659091, 0.808409091, 0.887159091, 0.96875, 1.0] },
        DepthDamageCurve { region: Region::Global, occupancy: Occupancy::Roads, fraction: [0.0, 0.232218453, 0.396377205, 0.576967436, 0.679829545, 0.804204545, 0.893579545, 0.984375, 1.0] },
    ];
}
