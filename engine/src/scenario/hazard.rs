//! Hazards a scenario names (docs/scenario-files.md#hazards), as plain data: where and when an
//! earthquake, flood, forest fire or chemical release starts and with which
//! physical parameters. What they do is `qilian-models`' business; the engine
//! only parses and range-checks them.
//!
//! Coordinates are metres in the region's local frame (the frame of its nodes
//! and rasters); times are hours after the scenario start unless a field says
//! otherwise. Numbers here are scenario facts or stated assumptions: a file
//! should say in a comment which is which.

use crate::dist::{Num, Realiser};
use crate::ids::{FacilityId, ZoneId};
use crate::rng::{StreamTag, Streams};
use crate::scenario::DamageState;
use crate::units::Hours;
use serde::{Deserialize, Serialize};

/// One hazard of a scenario. `N` is the type of its uncertain parameters:
/// [`Num`] (a number or a distribution) as the file gives them, `f64` once
/// one replicate has drawn them ([`Hazard::realise`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "N: Deserialize<'de> + From<f64>"))]
pub enum Hazard<N = Num> {
    /// An earthquake: ground motion at every site, damage by fragility.
    Earthquake(Earthquake<N>),
    /// A river flood on the region's DEM, driven by inflow hydrographs.
    Flood(Flood<N>),
    /// A surface fire spreading over the region's fuel raster.
    Fire(Fire<N>),
    /// A continuous release of a toxic gas.
    ChemicalLeak(ChemicalLeak<N>),
}

impl<N> Hazard<N> {
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

/// Stream of a hazard's uncertain parameters, keyed by the hazard number
/// and the field name.
pub const HAZARD_PARAMETERS: StreamTag = StreamTag::new("hazard parameters");

impl Hazard<Num> {
    /// The parameters replicate `streams.replicate` uses for hazard number
    /// `number` (1-based): every [`Num`] drawn from its own stream. Names and
    /// values of the uncertain ones go to `drawn` as `hazardN.field`.
    pub fn realise(
        &self,
        streams: &Streams,
        number: u32,
        drawn: &mut Vec<(String, f64)>,
    ) -> Hazard<f64> {
        let mut r = Realiser::new(
            streams,
            HAZARD_PARAMETERS,
            number as u64,
            &format!("hazard{number}"),
        );
        let out = match self {
            Hazard::Earthquake(e) => Hazard::Earthquake(Earthquake {
                at_h: e.at_h,
                magnitude: r.num("magnitude", &e.magnitude),
                rake_deg: e.rake_deg,
                epicentre_x: r.num("epicentre_x", &e.epicentre_x),
                epicentre_y: r.num("epicentre_y", &e.epicentre_y),
                rupture_end: e.rupture_end,
                gmpe: e.gmpe.clone(),
                vs30_default_mps: e.vs30_default_mps,
            }),
            Hazard::Flood(f) => Hazard::Flood(Flood {
                at_h: f.at_h,
                inflows: f
                    .inflows
                    .iter()
                    .enumerate()
                    .map(|(k, i)| Inflow {
                        x: i.x,
                        y: i.y,
                        hydrograph: i.hydrograph.clone(),
                        scale: r.num(&format!("inflow{}.scale", k + 1), &i.scale),
                    })
                    .collect(),
                manning_n: f.manning_n,
                boundary_slope: f.boundary_slope,
                facility_fail_depth_m: f.facility_fail_depth_m,
                zone_flood_depth_m: f.zone_flood_depth_m,
            }),
            Hazard::Fire(f) => {
                let m = &f.moisture;
                Hazard::Fire(Fire {
                    at_h: f.at_h,
                    ignition_x: r.num("ignition_x", &f.ignition_x),
                    ignition_y: r.num("ignition_y", &f.ignition_y),
                    wind_speed_m_s: r.num("wind_speed_m_s", &f.wind_speed_m_s),
                    wind_from_deg: r.num("wind_from_deg", &f.wind_from_deg),
                    moisture: FuelMoisture {
                        dead_1h: r.num("moisture.dead_1h", &m.dead_1h),
                        dead_10h: r.num("moisture.dead_10h", &m.dead_10h),
                        dead_100h: r.num("moisture.dead_100h", &m.dead_100h),
                        live_herb: r.num("moisture.live_herb", &m.live_herb),
                        live_woody: r.num("moisture.live_woody", &m.live_woody),
                    },
                    facility_damage: f.facility_damage,
                    canopy: f.canopy.clone(),
                    night: FireNight {
                        from_local_h: f.night.from_local_h,
                        until_local_h: f.night.until_local_h,
                        dead_1h_rise_pct: r
                            .num("night.dead_1h_rise_pct", &f.night.dead_1h_rise_pct),
                        dead_10h_rise_pct: r
                            .num("night.dead_10h_rise_pct", &f.night.dead_10h_rise_pct),
                        wind_factor: r.num("night.wind_factor", &f.night.wind_factor),
                    },
                })
            }
            Hazard::ChemicalLeak(c) => Hazard::ChemicalLeak(ChemicalLeak {
                at_h: c.at_h,
                source: c.source,
                rate_kg_s: r.num("rate_kg_s", &c.rate_kg_s),
                duration_h: r.num("duration_h", &c.duration_h),
                chemical: c.chemical.clone(),
                height_m: c.height_m,
                wind: c
                    .wind
                    .iter()
                    .enumerate()
                    .map(|(k, w)| WindPeriod {
                        from_h: w.from_h,
                        speed_m_s: r.num(&format!("wind{}.speed_m_s", k + 1), &w.speed_m_s),
                        from_deg: r.num(&format!("wind{}.from_deg", k + 1), &w.from_deg),
                        stability: w.stability,
                    })
                    .collect(),
                terrain: c.terrain,
            }),
        };
        drawn.append(&mut r.drawn);
        out
    }
}

/// An earthquake. Site distance is the Joyner–Boore distance: the horizontal
/// distance to the epicentre, or to the rupture's surface trace when
/// `rupture_end` gives its other end.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Earthquake<N = Num> {
    /// Origin time.
    pub at_h: Hours,
    /// Moment magnitude Mw.
    pub magnitude: N,
    /// Rake, degrees (−180…180; 0 strike-slip, 90 reverse, −90 normal).
    pub rake_deg: f64,
    /// Epicentre easting, m.
    pub epicentre_x: N,
    /// Epicentre northing, m.
    pub epicentre_y: N,
    /// Other end (x, y) of the rupture's surface trace, which runs from the
    /// epicentre; `None` is a point source. It stays where it is when the
    /// epicentre is drawn from a distribution.
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
#[serde(bound(deserialize = "N: Deserialize<'de> + From<f64>"))]
pub struct Flood<N = Num> {
    /// When the hydrographs start (their hour 0).
    pub at_h: Hours,
    /// Where water enters the grid (river inflow or a breach).
    pub inflows: Vec<Inflow<N>>,
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
#[serde(bound(deserialize = "N: Deserialize<'de> + From<f64>"))]
pub struct Inflow<N = Num> {
    /// Easting, m (the cell containing the point receives the water).
    pub x: f64,
    /// Northing, m.
    pub y: f64,
    /// (hours after the flood's `at_h`, discharge m³/s), linear in between;
    /// zero before the first and after the last point.
    pub hydrograph: Vec<(f64, f64)>,
    /// Factor on every discharge of the hydrograph (default 1): the
    /// uncertainty of the peak, e.g. `LogNormal(median: 1.0, beta: 0.3)`.
    #[serde(default = "one")]
    pub scale: N,
}

fn one<N: From<f64>>() -> N {
    N::from(1.0)
}

/// A surface fire on the region's fuel raster (Anderson 13 / Scott & Burgan
/// fuel-model numbers per cell), with slope and aspect from the DEM.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "N: Deserialize<'de> + From<f64>"))]
pub struct Fire<N = Num> {
    /// Ignition time.
    pub at_h: Hours,
    /// Ignition easting, m.
    pub ignition_x: N,
    /// Ignition northing, m.
    pub ignition_y: N,
    /// Wind speed 20 ft (6.1 m) above the vegetation, m/s.
    pub wind_speed_m_s: N,
    /// Direction the wind blows from, degrees clockwise from north.
    pub wind_from_deg: N,
    /// Fuel moistures, percent of dry weight.
    pub moisture: FuelMoisture<N>,
    /// Damage done to a facility whose node the front reaches (`None`: none).
    #[serde(default)]
    pub facility_damage: DamageState,
    /// Fuel models that burn under a forest canopy, and that canopy: their
    /// midflame wind is the 20-ft wind times the sheltered factor of Albini
    /// & Baughman (1979) instead of the unsheltered one.
    #[serde(default)]
    pub canopy: FireCanopy,
    /// The day–night cycle: at night the fine dead fuels are wetter and the
    /// wind calmer, so the fire slows or lies down.
    #[serde(default)]
    pub night: FireNight<N>,
}

/// Forest canopy over the surface fuel of some fuel models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FireCanopy {
    /// Fuel-model numbers under the canopy. Default the timber models:
    /// Anderson (1982) 8, 9, 10 and Scott & Burgan (2005) timber understory
    /// 161–165 and timber litter 181–189 (on the Zhangye and Ganzhou
    /// rasters, 10 is the Qilian spruce forest).
    pub fuels: Vec<u16>,
    /// Canopy cover, fraction. Default 0.5, ASSUMPTION: Qilian spruce
    /// (Picea crassifolia) stands on shaded slopes are commonly described
    /// with a canopy closure of about 0.4–0.7 (unchecked).
    pub cover: f64,
    /// Canopy height, m. Default 15 m, ASSUMPTION (mature Qilian spruce,
    /// unchecked).
    pub height_m: f64,
    /// Crown ratio, fraction of the canopy height filled by crowns. Default
    /// 0.5, ASSUMPTION.
    pub crown_ratio: f64,
}

impl Default for FireCanopy {
    fn default() -> Self {
        FireCanopy {
            fuels: [8, 9, 10]
                .into_iter()
                .chain(161..=165)
                .chain(181..=189)
                .collect(),
            cover: 0.5,
            height_m: 15.0,
            crown_ratio: 0.5,
        }
    }
}

/// Night conditions of a fire, relative to its day conditions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "N: Deserialize<'de> + From<f64>"))]
pub struct FireNight<N = Num> {
    /// Local hour the night starts (0–24, the scenario's `start` clock;
    /// hour 0 of the run is midnight when it has none). Default 20:00: the
    /// night-time table of fine dead fuel moisture of Rothermel (1983, USDA
    /// FS GTR INT-143) covers 20:00–07:59 (as recalled, unchecked).
    #[serde(default = "night_from")]
    pub from_local_h: f64,
    /// Local hour the night ends. Default 08:00 (as above).
    #[serde(default = "night_until")]
    pub until_local_h: f64,
    /// Percentage points added to the dead 1-h moisture at night. Default
    /// 6, ASSUMPTION of the order of Rothermel's (1983) day and night
    /// tables: about 6 % on a dry afternoon, about 12 % under a humid night
    /// (as recalled, unchecked). Grass (model 1, extinction moisture 12 %)
    /// then stops spreading at night.
    #[serde(default = "night_dead_1h")]
    pub dead_1h_rise_pct: N,
    /// Percentage points added to the dead 10-h moisture at night. Default
    /// 2, ASSUMPTION (thicker fuels lag the air's humidity).
    #[serde(default = "night_dead_10h")]
    pub dead_10h_rise_pct: N,
    /// Night wind over day wind. Default 0.5, ASSUMPTION: the night wind
    /// about half the afternoon's (no source checked).
    #[serde(default = "night_wind")]
    pub wind_factor: N,
}

impl<N: From<f64>> Default for FireNight<N> {
    fn default() -> Self {
        FireNight {
            from_local_h: night_from(),
            until_local_h: night_until(),
            dead_1h_rise_pct: night_dead_1h(),
            dead_10h_rise_pct: night_dead_10h(),
            wind_factor: night_wind(),
        }
    }
}

fn night_from() -> f64 {
    20.0
}

fn night_until() -> f64 {
    8.0
}

fn night_dead_1h<N: From<f64>>() -> N {
    N::from(6.0)
}

fn night_dead_10h<N: From<f64>>() -> N {
    N::from(2.0)
}

fn night_wind<N: From<f64>>() -> N {
    N::from(0.5)
}

/// Fuel moisture contents, percent.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelMoisture<N = Num> {
    /// Dead 1-h fuels.
    pub dead_1h: N,
    /// Dead 10-h fuels.
    pub dead_10h: N,
    /// Dead 100-h fuels.
    pub dead_100h: N,
    /// Live herbaceous fuels.
    pub live_herb: N,
    /// Live woody fuels.
    pub live_woody: N,
}

/// A continuous release of a toxic gas at ground level or a stack height.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChemicalLeak<N = Num> {
    /// Start of the release.
    pub at_h: Hours,
    /// Where it leaks.
    pub source: LeakSource,
    /// Emission rate, kg/s.
    pub rate_kg_s: N,
    /// How long it leaks unless a hazmat crew stops it first, hours.
    pub duration_h: N,
    /// The chemical (`"chlorine"`).
    pub chemical: String,
    /// Effective release height, m.
    #[serde(default)]
    pub height_m: f64,
    /// Wind during the release: periods starting at `from_h` hours after
    /// `at_h`, the first at 0.
    pub wind: Vec<WindPeriod<N>>,
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
pub struct WindPeriod<N = Num> {
    /// Hours after the release starts.
    pub from_h: f64,
    /// Wind speed at 10 m, m/s.
    pub speed_m_s: N,
    /// Direction the wind blows from, degrees clockwise from north.
    pub from_deg: N,
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
#[expect(
    missing_docs,
    reason = "the Pasquill-Gifford class letters are their own documentation"
)]
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
