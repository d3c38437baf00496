//! Units that cross crate boundaries: simulation time in integer seconds, and
//! thin `f64` newtypes that name what a number measures.
//!
//! `SimTime` is the only clock in a run
//! (docs/time-and-randomness.md#simulation-time): seconds since the scenario
//! start. Outputs report hours; use [`SimTime::hours`].

use serde::{Deserialize, Serialize};

/// Lengths are shared with the hazard models, which own the type.
pub use qilian_hazardlib::units::Metres;

/// Simulation time: whole seconds since the scenario start.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The scenario start.
    pub const ZERO: SimTime = SimTime(0);

    /// Time in hours, for outputs.
    pub fn hours(self) -> f64 {
        self.0 as f64 / 3600.0
    }

    /// The whole second at or after `h` hours (never negative).
    pub fn from_hours(h: Hours) -> SimTime {
        SimTime((h.0 * 3600.0).max(0.0).ceil() as u64)
    }

    /// `self + s`, saturating.
    pub fn plus(self, s: u64) -> SimTime {
        SimTime(self.0.saturating_add(s))
    }
}

macro_rules! unit {
    ($(#[$m:meta])* $name:ident, $suffix:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} {}", self.0, $suffix)
            }
        }
    };
}

unit!(
    /// A speed in kilometres per hour.
    Kmh,
    "km/h"
);
unit!(
    /// A duration in hours (scenario and plan files speak hours).
    Hours,
    "h"
);
unit!(
    /// A duration in seconds, fractional (travel and work times).
    Seconds,
    "s"
);
unit!(
    /// A flow capacity in vehicles per hour.
    VehPerHour,
    "veh/h"
);

impl Kmh {
    /// Metres per second.
    pub fn mps(self) -> f64 {
        self.0 / 3.6
    }
}

/// `x` rounded to six decimals, as every number is written to the outputs
/// (journal, KPIs, summaries): enough for a second in hours, and the same
/// text on every machine.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
