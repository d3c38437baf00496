//! Hazards a scenario names (DESIGN §4–§5), as plain data: where and when an
//! earthquake, flood, forest fire or chemical release starts and with which
//! physical parameters. What they do is `qilian-models`' business; the engine
//! only parses and range-checks them.
//!
//! Coordinates are metres in the region's local frame (the frame of its nodes
//! and rasters); times are hours after the scenario start unless a field says
//! otherwise. Numbers here are scenario facts or stated assumptions: a file
//! should say in a comment which is which.

use crate::ids::{FacilityId, ZoneId};
use crate::scenario::DamageState;
use crate::units::Hours;
use serde::{Deserialize, Serialize};

/// One hazard of a scenario.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Hazard {
    /// An earthquake: ground motion at every site, damage by fragility.
    Earthquake(Earthquake),
    /// A river flood on the region's DEM, driven by inflow hydrographs.
    Flood(Flood),
    /// A surface fire spreading over the region's fuel raster.
    Fire(Fire),
    /// A continuous release of a toxic gas.
    ChemicalLeak(ChemicalLeak),
}

impl Hazard {
    /// When it starts.
    pub fn at_h(&self) -> Hours {
        match self {
            Hazard::Earthquake(h) => h.at_h,
            Hazard::Flood(h) => h.at_h,
            Hazard::Fire(h) => h.at_h,
            Hazard::ChemicalLeak(h) => h.at_h,
        }
    }

    /// Lower-case kind name, for messages and KPI keys.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Hazard::Earthquake(_) => "earthquake",
            Hazard::Flood(_) => "flood",
            Hazard::Fire(_) => "fire",
            Hazard::ChemicalLeak(_) => "chemical leak",
        }
    }
}

/// An earthquake. Site distance is the Joyner–Boore distance: the horizontal
/// distance to the epicentre, or to the rupture's surface trace when
/// `rupture_end` gives its other end.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Earthquake {
    /// Origin time.
    pub at_h: Hours,
    /// Moment magnitude Mw.
    pub magnitude: f64,
    /// Rake, degrees (−180…180; 0 strike-slip, 90 reverse, −90 normal).
    pub rake_deg: f64,
    /// Epicentre easting, m.
    pub epicentre_x: f64,
    /// Epicentre northing, m.
    pub epicentre_y: f64,
    /// Other end (x, y) of the rupture's surface trace, which runs from the
    /// epicentre; `None` is a point source.
    #[serde(default)]
    pub rupture_end: Option<(f64, f64)>,
    /// Ground-motion model: `"AkkarBommer2010"` or `"BooreAtkinson2008"`.
    pub gmpe: String,
    /// Vs30 (m/s) at sites the region's `vs30` raster does not cover.
    pub vs30_default_mps: f64,
}

/// A flood on the region's DEM raster.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flood {
    /// When the hydrographs start (their hour 0).
    pub at_h: Hours,
    /// Where water enters the grid (river inflow or a breach).
    pub inflows: Vec<Inflow>,
    /// Manning's roughness n, s/m^(1/3), over the whole grid.
    pub manning_n: f64,
    /// Water-surface slope (m/m) with which water leaves the grid at its
    /// edges (free outflow on every side), e.g. the valley's bed slope.
    pub boundary_slope: f64,
    /// Water depth at a facility's node (m) from which it fails (Moderate).
    pub facility_fail_depth_m: f64,
    /// Water depth at a zone's node (m) from which the zone counts as flooded.
    pub zone_flood_depth_m: f64,
}

/// Water entering the flood grid at one point.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inflow {
    /// Easting, m (the cell containing the point receives the water).
    pub x: f64,
    /// Northing, m.
    pub y: f64,
    /// (hours after the flood's `at_h`, discharge m³/s), linear in between;
    /// zero before the first and after the last point.
    pub hydrograph: Vec<(f64, f64)>,
}

/// A surface fire on the region's fuel raster (Anderson 13 / Scott & Burgan
/// fuel-model numbers per cell), with slope and aspect from the DEM.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fire {
    /// Ignition time.
    pub at_h: Hours,
    /// Ignition easting, m.
    pub ignition_x: f64,
    /// Ignition northing, m.
    pub ignition_y: f64,
    /// Wind speed 20 ft (6.1 m) above the vegetation, m/s.
    pub wind_speed_m_s: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    pub wind_from_deg: f64,
    /// Fuel moistures, percent of dry weight.
    pub moisture: FuelMoisture,
    /// Damage done to a facility whose node the front reaches (`None`: none).
    #[serde(default)]
    pub facility_damage: DamageState,
}

/// Fuel moisture contents, percent.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelMoisture {
    /// Dead 1-h fuels.
    pub dead_1h: f64,
    /// Dead 10-h fuels.
    pub dead_10h: f64,
    /// Dead 100-h fuels.
    pub dead_100h: f64,
    /// Live herbaceous fuels.
    pub live_herb: f64,
    /// Live woody fuels.
    pub live_woody: f64,
}

/// A continuous release of a toxic gas at ground level or a stack height.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChemicalLeak {
    /// Start of the release.
    pub at_h: Hours,
    /// Where it leaks.
    pub source: LeakSource,
    /// Emission rate, kg/s.
    pub rate_kg_s: f64,
    /// How long it leaks unless a hazmat crew stops it first.
    pub duration_h: Hours,
    /// The chemical (`"chlorine"`).
    pub chemical: String,
    /// Effective release height, m.
    #[serde(default)]
    pub height_m: f64,
    /// Wind during the release: periods starting at `from_h` hours after
    /// `at_h`, the first at 0.
    pub wind: Vec<WindPeriod>,
    /// Terrain for the dispersion coefficients.
    pub terrain: Terrain,
}

/// Where a release happens.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum LeakSource {
    /// At a facility's node.
    Facility(FacilityId),
    /// At a point (x, y), m.
    Point(f64, f64),
}

/// Wind and atmospheric stability from one moment of a release on.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindPeriod {
    /// Hours after the release starts.
    pub from_h: f64,
    /// Wind speed at 10 m, m/s.
    pub speed_m_s: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    pub from_deg: f64,
    /// Pasquill–Gifford stability class, or how to derive it.
    pub stability: StabilityFrom,
}

/// A Pasquill–Gifford stability class given directly or derived from the
/// wind speed and the sky (Pasquill 1961 / Turner 1970 table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StabilityFrom {
    /// The class itself.
    Class(StabilityClass),
    /// From wind speed and insolation or night-time cloud.
    Sky(Sky),
}

/// Pasquill–Gifford stability classes, very unstable (A) to stable (F).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum StabilityClass {
    A,
    B,
    C,
    D,
    E,
    F,
}

/// Daytime insolation or night-time cloud cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sky {
    /// Day, strong sun.
    StrongSun,
    /// Day, moderate sun.
    ModerateSun,
    /// Day, slight sun.
    SlightSun,
    /// Heavy overcast, day or night (always neutral, D).
    Overcast,
    /// Night, cloud cover ≥ 4/8.
    NightCloudy,
    /// Night, cloud cover ≤ 3/8.
    NightClear,
}

/// Terrain roughness class for dispersion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Terrain {
    /// Open country (Briggs rural σ).
    Rural,
    /// Built-up area (McElroy–Pooler urban σ).
    Urban,
}

/// How the plan responds to hazards: thresholds and protective actions the
/// planners choose. Every default is an assumption stated on its field.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HazardResponse {
    /// Roads close where flood water at the link is deeper than this, m.
    /// Default 0.3 m: about the depth at which moving water floats a car
    /// (the "turn around, don't drown" guidance), an assumption.
    #[serde(default = "default_road_close_depth_m")]
    pub road_close_depth_m: f64,
    /// Zones told to shelter in place when a chemical release starts.
    #[serde(default)]
    pub shelter_in_place: Vec<ZoneId>,
    /// Indoor over outdoor concentration for people sheltering in place.
    /// Default 0.2: a closed house with about one air change per hour over
    /// a release of about an hour, an assumption.
    #[serde(default = "default_shelter_factor")]
    pub shelter_factor: f64,
    /// A fire crew is tasked to a zone when the fire front is forecast to
    /// reach it within this many hours. Default 6 h, an assumption.
    #[serde(default = "default_fire_task_lead_h")]
    pub fire_task_lead_h: Hours,
    /// Radius of the fire line a fire crew holds around its task site, m:
    /// cells within it stop burning. Default 300 m, an assumption.
    #[serde(default = "default_fire_line_radius_m")]
    pub fire_line_radius_m: f64,
}

impl Default for HazardResponse {
    fn default() -> Self {
        HazardResponse {
            road_close_depth_m: default_road_close_depth_m(),
            shelter_in_place: Vec::new(),
            shelter_factor: default_shelter_factor(),
            fire_task_lead_h: default_fire_task_lead_h(),
            fire_line_radius_m: default_fire_line_radius_m(),
        }
    }
}

fn default_road_close_depth_m() -> f64 {
    0.3
}

fn default_shelter_factor() -> f64 {
    0.2
}

fn default_fire_task_lead_h() -> Hours {
    Hours(6.0)
}

fn default_fire_line_radius_m() -> f64 {
    300.0
}

/// Raster layers of a region: paths to ESRI ASCII grids relative to the
/// region file, in the region's local frame.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rasters {
    /// Ground elevation, m (flood, fire slope).
    #[serde(default)]
    pub dem: Option<String>,
    /// Fuel-model number per cell (fire); same geometry as the DEM.
    #[serde(default)]
    pub fuel: Option<String>,
    /// Vs30, m/s (earthquake site terms).
    #[serde(default)]
    pub vs30: Option<String>,
}
