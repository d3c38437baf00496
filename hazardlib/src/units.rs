//! Unit newtypes for values that cross this crate's API.
//!
//! Each type is a transparent `f64` wrapper whose name states the unit, so a
//! caller cannot hand kilometres where metres are meant. They carry no
//! arithmetic on purpose: models unwrap with `.0`, compute in plain `f64`, and
//! wrap the result. Conversions that the models need live here once.

/// A length in metres (also the road network's unit: the engine re-exports
/// it).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, PartialOrd, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Metres(pub f64);

impl std::fmt::Display for Metres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} m", self.0)
    }
}

macro_rules! unit {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub f64);
    };
}

unit!(
    /// Acceleration in units of standard gravity g (9.80665 m/s²).
    G
);
unit!(
    /// Distance in kilometres.
    Km
);
unit!(
    /// Speed in metres per second (wind speed, shear-wave velocity).
    MetresPerSecond
);
unit!(
    /// Angle in degrees.
    Degrees
);
unit!(
    /// Mass emission rate in kilograms per second.
    KgPerSecond
);
unit!(
    /// Mass concentration in kilograms per cubic metre.
    KgPerCubicMetre
);
unit!(
    /// Volume mixing ratio in parts per million (by volume).
    Ppm
);
unit!(
    /// Duration in minutes.
    Minutes
);
unit!(
    /// Length in inches (Hazus ground-deformation demand).
    Inches
);

/// Standard gravity in m/s² (CGPM 1901), used to turn cm/s² into g.
pub const STANDARD_GRAVITY_M_S2: f64 = 9.80665;

impl G {
    /// Converts an acceleration in cm/s² (gal) to g.
    pub fn from_cm_s2(a: f64) -> Self {
        G(a / 100.0 / STANDARD_GRAVITY_M_S2)
    }
}

impl Km {
    /// The same distance in metres.
    pub fn to_metres(self) -> Metres {
        Metres(self.0 * 1000.0)
    }
}

/// Converts metres to inches (1 in = 0.0254 m exactly), the unit of Hazus
/// permanent-ground-deformation fragilities.
pub fn to_inches(m: Metres) -> Inches {
    Inches(m.0 / 0.0254)
}
