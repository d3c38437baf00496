//! The damage vocabulary shared by the fragility models, the scenario files
//! and the engine: Hazus damage states and liquefaction susceptibility
//! categories. The engine re-exports both in its scenario types.

use serde::{Deserialize, Serialize};

/// Hazus damage states.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum DamageState {
    /// DS0.
    #[default]
    None,
    /// DS1.
    Slight,
    /// DS2.
    Moderate,
    /// DS3.
    Extensive,
    /// DS4.
    Complete,
}

impl DamageState {
    /// The four damaged states, slight to complete.
    pub const DAMAGED: [DamageState; 4] = [
        DamageState::Slight,
        DamageState::Moderate,
        DamageState::Extensive,
        DamageState::Complete,
    ];
}

/// Hazus liquefaction susceptibility category of a deposit (Hazus
/// Earthquake Model Technical Manual, §4.2.2.1: from the deposit's type
/// and age, e.g. Holocene river-channel and flood-plain deposits are high
/// or very high).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Susceptibility {
    /// Very high.
    VeryHigh,
    /// High.
    High,
    /// Moderate.
    Moderate,
    /// Low.
    Low,
    /// Very low.
    VeryLow,
    /// Not susceptible (Hazus "None").
    NotSusceptible,
}

impl Susceptibility {
    /// All categories, most susceptible first.
    pub const ALL: [Susceptibility; 6] = [
        Susceptibility::VeryHigh,
        Susceptibility::High,
        Susceptibility::Moderate,
        Susceptibility::Low,
        Susceptibility::VeryLow,
        Susceptibility::NotSusceptible,
    ];

    /// The Hazus name: `very high`, `high`, `moderate`, `low`, `very low`,
    /// `none`.
    pub fn hazus_name(self) -> &'static str {
        match self {
            Susceptibility::VeryHigh => "very high",
            Susceptibility::High => "high",
            Susceptibility::Moderate => "moderate",
            Susceptibility::Low => "low",
            Susceptibility::VeryLow => "very low",
            Susceptibility::NotSusceptible => "none",
        }
    }
}

impl std::str::FromStr for Susceptibility {
    type Err = String;

    /// Accepts the Hazus names and the RON variant names, ignoring case,
    /// spaces, `_` and `-` (`very high`, `VeryHigh`, `very_high`; `none` or
    /// `NotSusceptible`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect();
        let found = match key.as_str() {
            "veryhigh" => Susceptibility::VeryHigh,
            "high" => Susceptibility::High,
            "moderate" => Susceptibility::Moderate,
            "low" => Susceptibility::Low,
            "verylow" => Susceptibility::VeryLow,
            "none" | "notsusceptible" => Susceptibility::NotSusceptible,
            _ => {
                return Err(format!(
                    "unknown liquefaction susceptibility `{s}` (expected very high, high, moderate, low, very low or none)"
                ));
            }
        };
        Ok(found)
    }
}
