//! The scenario file format (docs/scenario-files.md#files-and-parts) as serde
//! types. Every struct denies unknown fields, so a misspelt field is an error
//! with its line and column.
//!
//! These types are plain data: they describe a region, a plan, targets and
//! injects; behaviour lives in `qilian-models`.

use crate::dist::{Dist, Num, Realiser};
use crate::ids::{DepotId, EdgeId, FacilityId, NodeId, ZoneId};
use crate::rng::{StreamTag, Streams};
use crate::units::{Hours, Kmh, Metres, VehPerHour};
use serde::{Deserialize, Serialize};

pub use crate::network::RoadClass;
pub use qilian_hazardlib::damage::{DamageState, Susceptibility};

/// A scenario file as written: parts may be inline or paths to other files.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub struct ScenarioFile {
    /// Human-readable name.
    pub name: String,
    /// The region, inline or a path relative to this file.
    pub region: Part<Region>,
    /// Local start date and time with its UTC offset (ISO 8601, e.g.
    /// `2025-07-15T06:00:00+08:00`); sets the local hours of a fire's nights
    /// and how reports and drills show times, nothing else
    /// (docs/scenario-files.md#start).
    #[serde(default)]
    pub start: Option<String>,
    /// Simulated duration.
    pub horizon_h: Hours,
    /// Seconds per tick (default 60).
    #[serde(default = "default_tick_s")]
    pub tick_s: u64,
    /// Default seed; `--seed` overrides it.
    #[serde(default)]
    pub seed: u64,
    /// The response plan, inline or a path relative to this file.
    pub plan: Part<Plan>,
    /// Restoration targets.
    pub targets: Targets,
    /// Scripted events.
    #[serde(default)]
    pub injects: Vec<ScheduledInject>,
    /// Hazards that strike the region.
    #[serde(default)]
    pub hazards: Vec<super::Hazard>,
    /// A trip list (CSV, a path relative to this file) to evacuate beside
    /// the plan's rules; or the plan names one (`evacuation.trips`), not both.
    #[serde(default)]
    pub trips: Option<String>,
}

fn default_tick_s() -> u64 {
    60
}

/// A part of a scenario given inline or as a path to its own RON file.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Part<T> {
    /// A path, relative to the file that names it.
    Path(String),
    /// The part itself.
    Inline(T),
}

/// A region: the road graph, population zones and facilities.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Human-readable name.
    pub name: String,
    /// Geographic origin of the local metric projection, when known.
    #[serde(default)]
    pub origin: Option<GeoOrigin>,
    /// Road-graph nodes.
    pub nodes: Vec<Node>,
    /// Directed road-graph edges (a two-way road is two edges).
    pub edges: Vec<Edge>,
    /// Population zones.
    pub zones: Vec<Zone>,
    /// Facilities.
    pub facilities: Vec<Facility>,
    /// Raster layers (DEM, fuel, Vs30) as ESRI ASCII grid paths.
    #[serde(default)]
    pub rasters: super::Rasters,
    /// Ground conditions for earthquake ground failure: groundwater depth and
    /// liquefaction-susceptibility areas (all optional).
    #[serde(default)]
    pub ground: Ground,
}

/// Ground conditions that earthquake ground failure (liquefaction) depends
/// on. Links take a susceptibility from their own `liquefaction` field, else
/// from the first area containing their midpoint, else none (no ground
/// failure is modelled on them).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ground {
    /// Depth to groundwater, m, over the whole region (default 1.524 m: the
    /// 5 ft Hazus assumes when no groundwater map is given). Valid 0–30 m.
    #[serde(default = "hazus_groundwater_depth_m")]
    pub groundwater_depth_m: f64,
    /// Areas of one susceptibility (e.g. a geological map's units).
    #[serde(default)]
    pub areas: Vec<SusceptibilityArea>,
}

impl Default for Ground {
    fn default() -> Ground {
        Ground {
            groundwater_depth_m: hazus_groundwater_depth_m(),
            areas: Vec::new(),
        }
    }
}

/// Hazus's default depth to groundwater, 5 ft, in metres.
pub fn hazus_groundwater_depth_m() -> f64 {
    1.524
}

/// A polygon of one liquefaction susceptibility.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SusceptibilityArea {
    /// Its category.
    pub susceptibility: Susceptibility,
    /// Vertices (x, y) in the region's frame, m; at least three, closed
    /// implicitly.
    pub polygon: Vec<(f64, f64)>,
}

/// WGS84 coordinates of the local frame's (0, 0).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoOrigin {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

/// A road-graph node in the region's local metric frame.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Stable id.
    pub id: NodeId,
    /// Easting, metres.
    pub x: f64,
    /// Northing, metres.
    pub y: f64,
    /// Elevation, metres.
    #[serde(default)]
    pub z: f64,
}

/// A directed road link.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Stable id.
    pub id: EdgeId,
    /// Tail node.
    pub from: NodeId,
    /// Head node.
    pub to: NodeId,
    /// Length.
    pub length_m: Metres,
    /// Free-flow speed.
    pub speed_kmh: Kmh,
    /// Lanes in this direction.
    #[serde(default = "one")]
    pub lanes: u32,
    /// Flow capacity.
    pub capacity_vph: VehPerHour,
    /// Road class.
    #[serde(default)]
    pub class: RoadClass,
    /// Counts toward the main-roads target.
    #[serde(default)]
    pub main_road: bool,
    /// Set when the link is (on) a bridge; an `HTU.*` class marks a tunnel.
    #[serde(default)]
    pub bridge: Option<Bridge>,
    /// Liquefaction susceptibility of the ground under the link (overrides
    /// the region's `ground.areas`); `None` leaves it to the areas.
    #[serde(default)]
    pub liquefaction: Option<Susceptibility>,
    /// The road's name as people say it ("G312国道 G312"), shown on maps
    /// and in event sentences; `None` for an unnamed street.
    #[serde(default)]
    pub name: Option<String>,
}

fn one() -> u32 {
    1
}

/// A bridge carrying an edge.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bridge {
    /// Hazus fragility class, e.g. `"HWB.GS.5"`.
    pub fragility: String,
}

/// A population zone (village, township or city district).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Stable id.
    pub id: ZoneId,
    /// Name.
    pub name: String,
    /// Residents.
    pub population: u32,
    /// Households.
    pub households: u32,
    /// The node its traffic enters the network at.
    pub node: NodeId,
    /// Substation that feeds it, if it has grid power.
    #[serde(default)]
    pub power: Option<FacilityId>,
    /// Water plant that serves it, if it has piped water.
    #[serde(default)]
    pub water: Option<FacilityId>,
    /// Telecom site that covers it.
    #[serde(default)]
    pub telecom: Option<FacilityId>,
}

/// What a facility is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FacilityKind {
    /// Electrical substation.
    Substation,
    /// Water treatment or pumping plant.
    WaterPlant,
    /// Mobile or fixed telecom site.
    TelecomSite,
    /// Hospital.
    Hospital,
    /// Fire station.
    FireStation,
    /// Shelter (school, gymnasium, assembly point).
    Shelter,
    /// Chemical plant or store.
    ChemicalPlant,
    /// Anything else worth locating.
    Other,
}

/// A facility on the road graph.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Stable id.
    pub id: FacilityId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Where crews reach it.
    pub node: NodeId,
    /// Hazus fragility class, e.g. `"EP.S.M.A"`.
    #[serde(default)]
    pub fragility: Option<String>,
    /// Capacity in the kind's unit (shelter places, hospital beds…).
    #[serde(default)]
    pub capacity: Option<f64>,
    /// Facilities this one needs to work (a water plant needs its substation).
    #[serde(default)]
    pub needs: Vec<FacilityId>,
    /// Hours a telecom site runs on battery without grid power.
    #[serde(default)]
    pub battery_h: Hours,
}

/// Kinds of crews.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CrewKind {
    /// Power-line and substation repair.
    Power,
    /// Water-plant and main repair.
    Water,
    /// Telecom repair.
    Telecom,
    /// Road clearance and bridge repair.
    Road,
    /// Fire fighting.
    Fire,
    /// Hazardous materials and decontamination.
    Hazmat,
    /// Search and rescue.
    Rescue,
    /// Medical.
    Medical,
}

impl CrewKind {
    /// Every crew kind, in a fixed order.
    pub const ALL: [CrewKind; 8] = [
        CrewKind::Power,
        CrewKind::Water,
        CrewKind::Telecom,
        CrewKind::Road,
        CrewKind::Fire,
        CrewKind::Hazmat,
        CrewKind::Rescue,
        CrewKind::Medical,
    ];

    /// Lower-case name for columns and JSON keys.
    pub fn name(self) -> &'static str {
        match self {
            CrewKind::Power => "power",
            CrewKind::Water => "water",
            CrewKind::Telecom => "telecom",
            CrewKind::Road => "road",
            CrewKind::Fire => "fire",
            CrewKind::Hazmat => "hazmat",
            CrewKind::Rescue => "rescue",
            CrewKind::Medical => "medical",
        }
    }
}

/// What a piece of work is about, for repair rules and dispatch priorities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WorkKind {
    /// Repair a facility of this kind.
    Facility(FacilityKind),
    /// Clear or repair a road link that is not a main road.
    Road,
    /// Clear or repair a main road link.
    MainRoad,
    /// Repair a bridge.
    Bridge,
    /// Clean up a contaminated or debris-covered zone.
    Cleanup,
    /// Stop a chemical release at its source.
    StopLeak,
    /// Hold a fire line around a threatened place.
    FireLine,
    /// Free people trapped in a zone (collapsed buildings, deep water); a
    /// rescue crew's work, lasting trapped / `casualties.rescue_people_per_h`.
    Rescue,
}

/// A response plan.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Human-readable name.
    pub name: String,
    /// Depots where crews start and return.
    pub depots: Vec<Depot>,
    /// Crews, in groups of one kind at one depot.
    pub crews: Vec<CrewGroup>,
    /// Dispatch order: work kinds earlier in the list go first. A facility that
    /// others need inherits the rank of the most urgent one that needs it.
    #[serde(default)]
    pub priorities: Vec<WorkKind>,
    /// Who repairs what and for how long.
    #[serde(default)]
    pub repairs: Vec<RepairRule>,
    /// Crews arriving later from elsewhere.
    #[serde(default)]
    pub mutual_aid: Vec<MutualAid>,
    /// Thresholds and protective actions against hazards.
    #[serde(default)]
    pub hazard_response: super::HazardResponse,
    /// Stocks, teams and equipment, checked by `qilian audit`.
    #[serde(default)]
    pub preparedness: Option<Preparedness>,
    /// Shelters opened from the start: facility ids of kind `Shelter`; each
    /// takes as many people as its facility's `capacity`.
    #[serde(default)]
    pub shelters: Vec<FacilityId>,
    /// Who evacuates, when and how.
    #[serde(default)]
    pub evacuation: Evacuation,
    /// Casualty rates and the pace of rescue (every field has a default).
    #[serde(default)]
    pub casualties: super::Casualties,
}

/// What a plan holds in reserve, for the static audit against the regional
/// plan's figures (docs/evaluation.md#plan-audit, reference §7).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preparedness {
    /// People the plan expects to relocate (the regional plan says 40,000–60,000).
    #[serde(default)]
    pub displaced_people: u32,
    /// Relocation supplies held, in person-days.
    #[serde(default)]
    pub relocation_supplies_person_days: f64,
    /// Class I medical stocks, in person-days.
    #[serde(default)]
    pub medical_class1_person_days: f64,
    /// Class II medical stocks, in person-days.
    #[serde(default)]
    pub medical_class2_person_days: f64,
    /// Township fire teams.
    #[serde(default)]
    pub fire_teams: Vec<FireTeam>,
    /// Emergency kits per village (zone).
    #[serde(default)]
    pub village_kits: Vec<VillageKit>,
    /// Rescue service stations.
    #[serde(default)]
    pub rescue_stations: Vec<RescueStation>,
    /// Warning channels reaching each zone (loudspeakers, SMS, sirens…).
    #[serde(default)]
    pub warning_channels: Vec<WarningChannels>,
}

/// A township fire team.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FireTeam {
    /// The zone it covers.
    pub zone: ZoneId,
    /// Whether the township is a key town (needs ≥ 15 full-time staff, else ≥ 9).
    #[serde(default)]
    pub key_town: bool,
    /// Full-time staff.
    pub full_time_staff: u32,
}

/// Emergency equipment held in one village (zone).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VillageKit {
    /// The zone.
    pub zone: ZoneId,
    /// Satellite phones.
    #[serde(default)]
    pub satellite_phones: u32,
    /// Generators.
    #[serde(default)]
    pub generators: u32,
}

/// A rescue service station.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescueStation {
    /// Name.
    pub name: String,
    /// Floor area, m².
    pub area_m2: f64,
}

/// The warning channels that reach one zone.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningChannels {
    /// The zone.
    pub zone: ZoneId,
    /// Channel names.
    pub channels: Vec<String>,
}

/// The evacuation part of a plan: rules saying which zones leave when, and
/// the parameters of the traffic model they leave through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Evacuation {
    /// One rule per group of zones. A zone may be named by one rule only.
    pub rules: Vec<EvacuationRule>,
    /// Minutes between route recomputations for congestion while vehicles
    /// are on the road; `None` recomputes only when roads close or open.
    pub route_interval_min: Option<f64>,
    /// Seconds the first vehicle of a link may wait for room on the next one
    /// before it is let through anyway, over that link's storage, so
    /// gridlock resolves (MATSim's `stuckTime`). It must exceed the slowest
    /// link's headway, 3600 / capacity_vph seconds, or queues on links
    /// slower than 3600 / timeout veh/h never hold: the default, 60 s
    /// (ASSUMPTION: chosen from that rule, not calibrated), lets links down
    /// to 60 veh/h queue (MATSim's 10 s only those of 360 veh/h and more).
    pub stuck_timeout_s: f64,
    /// A trip list (CSV, a path relative to the plan file): vehicles that
    /// leave at given seconds from given nodes, beside the rules' zones
    /// (docs/scenario-files.md#trip-lists).
    pub trips: Option<String>,
}

impl Default for Evacuation {
    fn default() -> Evacuation {
        Evacuation {
            rules: Vec::new(),
            route_interval_min: None,
            stuck_timeout_s: 60.0,
            trips: None,
        }
    }
}

/// Zones that are warned together and leave the same way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvacuationRule {
    /// The zones.
    pub zones: Vec<ZoneId>,
    /// What warns them.
    pub trigger: Trigger,
    /// People per vehicle (≥ 1; may be fractional: 2.5 means vehicles of 2
    /// and 3 in equal numbers).
    pub persons_per_vehicle: f64,
    /// When households leave after the warning.
    pub departure: DepartureCurve,
    /// Fraction of households that leave when warned (default 1); the rest
    /// stay at home.
    #[serde(default = "full")]
    pub compliance: f64,
}

/// What warns the zones of an [`EvacuationRule`]. A drill order
/// (`Inject::Warn`) warns a zone whatever its rule's trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// At this hour after the scenario start.
    AtHour(Hours),
    /// When a hazard is forecast to reach the zone within this many hours.
    /// Floods (the flood model run ahead when the flood starts) and fires
    /// (the arrival-time grid at ignition) forecast; validation rejects the
    /// trigger in a scenario with neither.
    HazardWithin(Hours),
    /// Only by an order (`Inject::Warn`).
    OnOrder,
}

/// The share of warned households that have left, as a function of the time
/// since the warning. Reference: the departure curves of evacuation time
/// estimates (logistic, Rayleigh, log-normal). `N` is the type of the
/// parameters: [`Num`] (a number or a distribution) in a plan, `f64` once a
/// replicate has drawn them ([`DepartureCurve::realise`]). Times are hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DepartureCurve<N = Num> {
    /// `P(t) = 1 / (1 + e^(−α (t − H)))`; the 10 %–90 % spread is 4.39/α.
    Logistic {
        /// Steepness α, per hour.
        alpha_per_h: N,
        /// Half-way time H, hours.
        half_h: N,
    },
    /// `P(t) = 1 − e^(−t² / 2σ²)`: 50 % at 1.18σ, 90 % at 2.15σ.
    Rayleigh {
        /// Scale σ, hours.
        sigma_h: N,
    },
    /// `ln t ~ N(ln median, beta²)`.
    LogNormal {
        /// Median departure time, hours.
        median_h: N,
        /// Standard deviation of `ln t`.
        beta: N,
    },
}

/// Stream of a plan's uncertain parameters, keyed by the evacuation rule's
/// position and the field name.
pub const PLAN_PARAMETERS: StreamTag = StreamTag::new("plan parameters");

impl DepartureCurve<Num> {
    /// One replicate's curve: each parameter drawn from its own stream.
    pub fn realise(&self, r: &mut Realiser) -> DepartureCurve<f64> {
        match self {
            DepartureCurve::Logistic {
                alpha_per_h,
                half_h,
            } => DepartureCurve::Logistic {
                alpha_per_h: r.num("departure.alpha_per_h", alpha_per_h),
                half_h: r.num("departure.half_h", half_h),
            },
            DepartureCurve::Rayleigh { sigma_h } => DepartureCurve::Rayleigh {
                sigma_h: r.num("departure.sigma_h", sigma_h),
            },
            DepartureCurve::LogNormal { median_h, beta } => DepartureCurve::LogNormal {
                median_h: r.num("departure.median_h", median_h),
                beta: r.num("departure.beta", beta),
            },
        }
    }
}

impl Evacuation {
    /// The departure curve of every rule (in rule order) for one replicate;
    /// names of the uncertain parameters go to `drawn` as `ruleK.departure.…`.
    pub fn realise_departures(
        &self,
        streams: &Streams,
        drawn: &mut Vec<(String, f64)>,
    ) -> Vec<DepartureCurve<f64>> {
        self.rules
            .iter()
            .enumerate()
            .map(|(k, rule)| {
                let mut r = Realiser::new(
                    streams,
                    PLAN_PARAMETERS,
                    k as u64 + 1,
                    &format!("rule{}", k + 1),
                );
                let d = rule.departure.realise(&mut r);
                drawn.append(&mut r.drawn);
                d
            })
            .collect()
    }
}

/// A depot.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Depot {
    /// Stable id.
    pub id: DepotId,
    /// Name.
    pub name: String,
    /// Where it is.
    pub node: NodeId,
}

/// `count` crews of one kind based at one depot.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrewGroup {
    /// Group id; crew `k` of the group has [`crate::ids::CrewId::of_group`]`(id, k)`.
    pub id: u32,
    /// What the crews can do.
    pub kind: CrewKind,
    /// Home depot.
    pub depot: DepotId,
    /// Number of crews (1–999).
    pub count: u32,
    /// Chance that each crew turns up (drawn per crew and replicate; default 1).
    #[serde(default = "full")]
    pub show_up: f64,
    /// Work-rest cycle; crews work without rest when absent.
    #[serde(default)]
    pub shift: Option<Shift>,
}

/// A crew's work-rest cycle: after `on_h` on duty a crew finishes its task
/// and rests `rest_h` where it is.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Hours on duty before a rest.
    pub on_h: Hours,
    /// Hours of rest.
    pub rest_h: Hours,
}

/// Crews that arrive at a depot at a planned hour.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MutualAid {
    /// Arrival, hours after the scenario start.
    pub at_h: Hours,
    /// The arriving crews.
    pub crews: CrewGroup,
}

/// Which crew kind does a kind of work, and the hours it takes by damage state.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairRule {
    /// The work.
    pub work: WorkKind,
    /// The crew kind that does it.
    pub crew: CrewKind,
    /// Hours on site, by damage state.
    pub hours: ByState,
}

/// One distribution per damaged state.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByState {
    /// DS1.
    pub slight: Dist,
    /// DS2.
    pub moderate: Dist,
    /// DS3.
    pub extensive: Dist,
    /// DS4.
    pub complete: Dist,
}

impl ByState {
    /// The distribution for a damaged state (`None` counts as slight).
    pub fn get(&self, s: DamageState) -> &Dist {
        match s {
            DamageState::None | DamageState::Slight => &self.slight,
            DamageState::Moderate => &self.moderate,
            DamageState::Extensive => &self.extensive,
            DamageState::Complete => &self.complete,
        }
    }

    /// All four with their state, slight to complete.
    pub fn iter(&self) -> impl Iterator<Item = (DamageState, &Dist)> {
        DamageState::DAMAGED.into_iter().map(|s| (s, self.get(s)))
    }
}

/// Restoration targets (hours after the onset) and the service fraction that
/// counts as "fully restored".
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Every affected zone cleaned up.
    pub cleanup_h: Hours,
    /// Power restored.
    pub power_h: Hours,
    /// Water restored.
    pub water_h: Hours,
    /// Communications restored.
    pub telecom_h: Hours,
    /// Main roads open.
    pub main_roads_h: Hours,
    /// Fraction that counts as restored (default 1.0).
    #[serde(default = "full")]
    pub service_fraction: f64,
}

fn full() -> f64 {
    1.0
}

/// An inject at a scripted time.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledInject {
    /// When, hours after the scenario start.
    pub at_h: Hours,
    /// What happens.
    pub event: Inject,
}

/// Something that happens to the world from outside the models: scripted
/// damage, a controller's inject, a player's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Inject {
    /// A facility takes damage (a lower state than it has is ignored).
    Damage {
        /// The facility.
        facility: FacilityId,
        /// Its new damage state.
        state: DamageState,
    },
    /// A road link is blocked.
    CloseEdge {
        /// The link.
        edge: EdgeId,
        /// Why, for the journal.
        reason: String,
        /// Also close the link the other way between the same nodes.
        #[serde(default = "yes")]
        both_ways: bool,
        /// Damage behind the closure; `None` is an operational closure that
        /// no crew needs to clear.
        #[serde(default = "moderate")]
        state: DamageState,
    },
    /// A road link reopens.
    OpenEdge {
        /// The link.
        edge: EdgeId,
        /// Also open the link the other way.
        #[serde(default = "yes")]
        both_ways: bool,
    },
    /// A zone is covered in debris, flood deposits or contamination.
    Contaminate {
        /// The zone.
        zone: ZoneId,
        /// Why, for the journal.
        reason: String,
    },
    /// An order to evacuate a zone now (a drill order or a scripted warning).
    /// The zone leaves as its evacuation rule says.
    Warn {
        /// The zone.
        zone: ZoneId,
    },
    /// The hazard reaches a zone: everyone still there is exposed. Stands in
    /// for a hazard model until one computes arrival times.
    Expose {
        /// The zone.
        zone: ZoneId,
    },
    /// A command order: send this crew to this open task now, whatever the
    /// automatic dispatch would do. Ignored if the crew is busy, away or not
    /// able to do the work, or the task is closed or already has a crew.
    Assign {
        /// The crew.
        crew: crate::ids::CrewId,
        /// The task (as journalled in `TaskCreated`).
        task: crate::ids::TaskId,
    },
    /// A command order: replace the dispatch priorities (work kinds earlier
    /// in the list go first), for open and future tasks.
    Priorities {
        /// The new order.
        order: Vec<WorkKind>,
    },
    /// A command order: call crews from outside the region; they reach
    /// `depot` `delay_h` after the order.
    CallAid {
        /// Kind of crews.
        kind: CrewKind,
        /// How many (1–99).
        count: u32,
        /// Where they report.
        depot: DepotId,
        /// Hours until they arrive.
        delay_h: Hours,
    },
    /// Open a shelter the plan did not list: the facility (of kind
    /// `Shelter`) becomes an evacuation destination with its capacity.
    /// Ignored if it is already open.
    OpenShelter {
        /// The facility.
        facility: FacilityId,
    },
    /// A command order: an idle (or homebound) crew drives to `node` over
    /// the open roads and waits there, available for dispatch. Ignored if
    /// the crew is busy, away or resting, or no road reaches the node.
    MoveCrew {
        /// The crew.
        crew: crate::ids::CrewId,
        /// Where it goes.
        node: NodeId,
    },
    /// An aftershock: a new earthquake now, at this epicentre, with the
    /// scenario's first earthquake's GMPE, rake and default Vs30 (a point
    /// source). Refused when the scenario has no earthquake. Damage only
    /// ever raises a site's state.
    Aftershock {
        /// Moment magnitude Mw (4–9.5, as for an `Earthquake`).
        magnitude: f64,
        /// Epicentre easting, m (the region's frame).
        epicentre_x: f64,
        /// Epicentre northing, m.
        epicentre_y: f64,
    },
    /// Mutual aid is held up: every mutual-aid group (the plan's and those
    /// called by `CallAid` orders) that has not yet arrived arrives `hours`
    /// later than it would have.
    DelayAid {
        /// The delay, hours (> 0).
        hours: f64,
    },
    /// The weather changes from now on: fires spread with this wind (the
    /// burnt area stays, the front ahead moves with the new wind) and
    /// chemical releases drift with it (a new wind period from now, which
    /// replaces any later period of the scenario). Refused when the
    /// scenario has no fire and no chemical release.
    Weather {
        /// Wind speed, m/s (0.5–50): 20 ft above the vegetation for fires,
        /// at 10 m for releases, as their own wind fields are given.
        wind_speed_m_s: f64,
        /// Direction the wind blows from, degrees clockwise from north (0–360).
        wind_from_deg: f64,
    },
}

fn yes() -> bool {
    true
}

fn moderate() -> DamageState {
    DamageState::Moderate
}
