//! Journal events as sentences people read, in zh-CN or English: names, not
//! ids; the scenario's local date and time, not elapsed seconds. One
//! [`Narrator`] per scenario (and per team view in a drill), fed the events
//! in journal order; `report.html`'s timeline and the drill's event feed
//! both use it.
//!
//! ```text
//! let mut n = Narrator::new(&scenario, Lang::ZhCn);
//! n.line(&event)      // "14:32 2号变电站中度损坏"
//! n.sentence(&event)  // "2号变电站中度损坏"
//! kind_id(&event.kind)            // "facility_damaged", for grouping/filters
//! kind_label(Lang::ZhCn, "facility_damaged") // "设施受损"
//! ```
//!
//! Crews are named from their kind and number among the plan's crews of
//! that kind ("电力抢修2队", as the drill consoles and the Gantt chart name
//! them); a road link from its name (or class) and the nearest zone ("梁家墩镇附近的
//! 省道"); a task from its work and what it is about ("抢修2号变电站"). The
//! narrator learns each task from its `TaskCreated` event; a task it never
//! saw is "a task", never its number. Free text the models write (a closure's
//! reason, a hazard's name) is translated where its form is known and shown
//! as written otherwise.

use qilian_engine::journal::{DropReason, Service, StopReason};
use qilian_engine::scenario::{CrewKind, DamageState, FacilityKind, RoadClass, WorkKind};
use qilian_engine::{CrewId, EdgeId, EventKind, Scenario, SimEvent, TaskId};
use qilian_i18n::clock::Clock;
use qilian_i18n::{Lang, count, t, text};
use std::collections::BTreeMap;

/// Every event kind's id, in the journal's order of declaration.
pub const KINDS: [&str; 30] = [
    "facility_damaged",
    "facility_repaired",
    "edge_closed",
    "edge_damaged",
    "edge_opened",
    "zone_contaminated",
    "zone_cleaned",
    "task_created",
    "crew_dispatched",
    "order_dropped",
    "crew_rerouted",
    "crew_arrived",
    "task_finished",
    "crew_stopped",
    "crew_returned",
    "mutual_aid_arrived",
    "battery_depleted",
    "service_lost",
    "service_restored",
    "zone_warned",
    "zone_evacuated",
    "zone_exposed",
    "vehicles_caught",
    "shelter_full",
    "shelters_overflowing",
    "hazard_started",
    "hazard_reached_zone",
    "hazard_ended",
    "aid_delayed",
    "weather_changed",
];

/// The id of an event's kind (`"facility_damaged"`), one of [`KINDS`].
pub fn kind_id(k: &EventKind) -> &'static str {
    KINDS[kind_index(k)]
}

fn kind_index(k: &EventKind) -> usize {
    match k {
        EventKind::FacilityDamaged { .. } => 0,
        EventKind::FacilityRepaired { .. } => 1,
        EventKind::EdgeClosed { .. } => 2,
        EventKind::EdgeDamaged { .. } => 3,
        EventKind::EdgeOpened { .. } => 4,
        EventKind::ZoneContaminated { .. } => 5,
        EventKind::ZoneCleaned { .. } => 6,
        EventKind::TaskCreated { .. } => 7,
        EventKind::CrewDispatched { .. } => 8,
        EventKind::OrderDropped { .. } => 9,
        EventKind::CrewRerouted { .. } => 10,
        EventKind::CrewArrived { .. } => 11,
        EventKind::TaskFinished { .. } => 12,
        EventKind::CrewStopped { .. } => 13,
        EventKind::CrewReturned { .. } => 14,
        EventKind::MutualAidArrived { .. } => 15,
        EventKind::BatteryDepleted { .. } => 16,
        EventKind::ServiceLost { .. } => 17,
        EventKind::ServiceRestored { .. } => 18,
        EventKind::ZoneWarned { .. } => 19,
        EventKind::ZoneEvacuated { .. } => 20,
        EventKind::ZoneExposed { .. } => 21,
        EventKind::VehiclesCaught { .. } => 22,
        EventKind::ShelterFull { .. } => 23,
        EventKind::SheltersOverflowing => 24,
        EventKind::HazardStarted { .. } => 25,
        EventKind::HazardReachedZone { .. } => 26,
        EventKind::HazardEnded { .. } => 27,
        EventKind::AidDelayed { .. } => 28,
        EventKind::WeatherChanged { .. } => 29,
    }
}

/// The name of an event kind for a filter or a heading ("设施受损",
/// "Facility damaged"); the id itself for an unknown one.
pub fn kind_label(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "facility_damaged" => "kind.facility_damaged",
        "facility_repaired" => "kind.facility_repaired",
        "edge_closed" => "kind.edge_closed",
        "edge_damaged" => "kind.edge_damaged",
        "edge_opened" => "kind.edge_opened",
        "zone_contaminated" => "kind.zone_contaminated",
        "zone_cleaned" => "kind.zone_cleaned",
        "task_created" => "kind.task_created",
        "crew_dispatched" => "kind.crew_dispatched",
        "order_dropped" => "kind.order_dropped",
        "crew_rerouted" => "kind.crew_rerouted",
        "crew_arrived" => "kind.crew_arrived",
        "task_finished" => "kind.task_finished",
        "crew_stopped" => "kind.crew_stopped",
        "crew_returned" => "kind.crew_returned",
        "mutual_aid_arrived" => "kind.mutual_aid_arrived",
        "battery_depleted" => "kind.battery_depleted",
        "service_lost" => "kind.service_lost",
        "service_restored" => "kind.service_restored",
        "zone_warned" => "kind.zone_warned",
        "zone_evacuated" => "kind.zone_evacuated",
        "zone_exposed" => "kind.zone_exposed",
        "vehicles_caught" => "kind.vehicles_caught",
        "shelter_full" => "kind.shelter_full",
        "shelters_overflowing" => "kind.shelters_overflowing",
        "hazard_started" => "kind.hazard_started",
        "hazard_reached_zone" => "kind.hazard_reached_zone",
        "hazard_ended" => "kind.hazard_ended",
        "aid_delayed" => "kind.aid_delayed",
        "weather_changed" => "kind.weather_changed",
        other => return other.to_string(),
    };
    text(lang, key).to_string()
}

/// A wind by the direction it blows from, on eight points ("西北风",
/// "northwest wind"); `from_deg` clockwise from north.
pub fn wind_name(lang: Lang, from_deg: f64) -> &'static str {
    const KEYS: [&str; 8] = [
        "wind.n", "wind.ne", "wind.e", "wind.se", "wind.s", "wind.sw", "wind.w", "wind.nw",
    ];
    let k = (from_deg.rem_euclid(360.0) / 45.0).round() as usize % 8;
    text(lang, KEYS[k])
}

/// A crew kind's name ("电力抢修", "power").
pub fn crew_kind(lang: Lang, k: CrewKind) -> &'static str {
    text(
        lang,
        match k {
            CrewKind::Power => "crew_kind.power",
            CrewKind::Water => "crew_kind.water",
            CrewKind::Telecom => "crew_kind.telecom",
            CrewKind::Road => "crew_kind.road",
            CrewKind::Fire => "crew_kind.fire",
            CrewKind::Hazmat => "crew_kind.hazmat",
            CrewKind::Rescue => "crew_kind.rescue",
            CrewKind::Medical => "crew_kind.medical",
        },
    )
}

/// A damage state ("中度损坏", "moderate damage").
pub fn damage(lang: Lang, s: DamageState) -> &'static str {
    text(
        lang,
        match s {
            DamageState::None => "damage.none",
            DamageState::Slight => "damage.slight",
            DamageState::Moderate => "damage.moderate",
            DamageState::Extensive => "damage.extensive",
            DamageState::Complete => "damage.complete",
        },
    )
}

/// A service's name ("供电", "power").
pub fn service(lang: Lang, s: Service) -> &'static str {
    text(
        lang,
        match s {
            Service::Power => "service.power",
            Service::Water => "service.water",
            Service::Telecom => "service.telecom",
        },
    )
}

/// A facility kind's name ("变电站", "substation").
pub fn facility_kind(lang: Lang, k: FacilityKind) -> &'static str {
    text(
        lang,
        match k {
            FacilityKind::Substation => "facility_kind.substation",
            FacilityKind::WaterPlant => "facility_kind.water_plant",
            FacilityKind::TelecomSite => "facility_kind.telecom_site",
            FacilityKind::Hospital => "facility_kind.hospital",
            FacilityKind::FireStation => "facility_kind.fire_station",
            FacilityKind::Shelter => "facility_kind.shelter",
            FacilityKind::ChemicalPlant => "facility_kind.chemical_plant",
            FacilityKind::Other => "facility_kind.other",
        },
    )
}

fn road_class(lang: Lang, c: RoadClass) -> &'static str {
    text(
        lang,
        match c {
            RoadClass::Motorway => "road_class.motorway",
            RoadClass::Trunk => "road_class.trunk",
            RoadClass::Primary => "road_class.primary",
            RoadClass::Secondary => "road_class.secondary",
            RoadClass::Tertiary => "road_class.tertiary",
            RoadClass::Local => "road_class.local",
        },
    )
}

/// A road link as sentences name it: class, bridge, main road, and its
/// end points (x, y).
type EdgeInfo = (RoadClass, bool, bool, (f64, f64), (f64, f64));

/// Turns events into sentences for one scenario in one language.
pub struct Narrator {
    lang: Lang,
    clock: Clock,
    zones: BTreeMap<u32, String>,
    facilities: BTreeMap<u32, String>,
    /// Crew group id → (kind, mutual aid, crews of its kind in groups of
    /// lower id: its first crew is number this + 1 of its kind).
    groups: BTreeMap<u32, (CrewKind, bool, u32)>,
    depots: BTreeMap<u32, String>,
    edges: BTreeMap<u32, EdgeInfo>,
    /// Names of the named road links ("G312国道 G312 national road").
    edge_names: BTreeMap<u32, String>,
    /// Zone id, name and position of its node, for "near …".
    zone_xy: Vec<(String, f64, f64)>,
    near: BTreeMap<u32, String>,
    tasks: BTreeMap<TaskId, (WorkKind, u32)>,
}

impl Narrator {
    /// A narrator for `scenario`'s names and clock, speaking `lang`.
    pub fn new(scenario: &Scenario, lang: Lang) -> Narrator {
        let r = &scenario.region;
        let node_xy: BTreeMap<u32, (f64, f64)> =
            r.nodes.iter().map(|n| (n.id.0, (n.x, n.y))).collect();
        let xy = |id: u32| node_xy.get(&id).copied().unwrap_or((0.0, 0.0));
        let plan = &scenario.plan;
        let depots: BTreeMap<u32, String> = plan
            .depots
            .iter()
            .map(|d| (d.id.0, d.name.clone()))
            .collect();
        // Crews are numbered by kind over the plan's groups (its own and
        // mutual aid) in id order, as the drill consoles and the Gantt
        // chart number them.
        let all: Vec<(&qilian_engine::scenario::CrewGroup, bool)> = plan
            .crews
            .iter()
            .map(|g| (g, false))
            .chain(plan.mutual_aid.iter().map(|a| (&a.crews, true)))
            .collect();
        let mut groups = BTreeMap::new();
        for (g, aid) in &all {
            let before = all
                .iter()
                .filter(|(x, _)| x.kind == g.kind && x.id < g.id)
                .map(|(x, _)| x.count)
                .sum::<u32>();
            groups.insert(g.id, (g.kind, *aid, before));
        }
        Narrator {
            lang,
            clock: Clock::new(scenario.file.start.as_deref()),
            zones: r.zones.iter().map(|z| (z.id.0, z.name.clone())).collect(),
            facilities: r
                .facilities
                .iter()
                .map(|f| (f.id.0, f.name.clone()))
                .collect(),
            groups,
            depots,
            edge_names: r
                .edges
                .iter()
                .filter_map(|e| Some((e.id.0, e.name.clone()?)))
                .collect(),
            edges: r
                .edges
                .iter()
                .map(|e| {
                    (
                        e.id.0,
                        (
                            e.class,
                            e.bridge.is_some(),
                            e.main_road,
                            xy(e.from.0),
                            xy(e.to.0),
                        ),
                    )
                })
                .collect(),
            zone_xy: r
                .zones
                .iter()
                .map(|z| {
                    let (x, y) = xy(z.node.0);
                    (z.name.clone(), x, y)
                })
                .collect(),
            near: BTreeMap::new(),
            tasks: BTreeMap::new(),
        }
    }

    /// The language it speaks.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The scenario's local clock (from its `start`).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Remember what a task is about (from its `TaskCreated`); the other
    /// kinds teach nothing. [`Narrator::sentence`] calls it.
    pub fn learn(&mut self, e: &SimEvent) {
        if let EventKind::TaskCreated {
            task,
            work,
            subject,
            ..
        } = &e.kind
        {
            self.tasks.insert(*task, (*work, *subject));
        }
    }

    /// The event's local time and sentence: `"14:32 2号变电站中度损坏"`.
    pub fn line(&mut self, e: &SimEvent) -> String {
        format!("{} {}", self.clock.time(e.t_s), self.sentence(e))
    }

    fn zone(&self, id: u32) -> String {
        self.zones
            .get(&id)
            .cloned()
            .unwrap_or_else(|| text(self.lang, "name.unknown_zone").to_string())
    }

    fn facility(&self, id: u32) -> String {
        self.facilities
            .get(&id)
            .cloned()
            .unwrap_or_else(|| text(self.lang, "name.unknown_facility").to_string())
    }

    /// A crew's name: its kind and number among the plan's crews of that
    /// kind, "电力抢修2队", "power crew 2" ("增援…" for mutual aid).
    pub fn crew(&self, c: CrewId) -> String {
        let (g, k) = (c.0 / 1000, c.0 % 1000);
        let l = self.lang;
        match self.groups.get(&g) {
            Some((kind, false, before)) => {
                t!(l, "name.crew", kind = crew_kind(l, *kind), k = before + k)
            }
            Some((kind, true, before)) => t!(
                l,
                "name.aid_crew",
                kind = crew_kind(l, *kind),
                k = before + k
            ),
            None => t!(l, "name.called_crew", k = k),
        }
    }

    /// A road link: its name (or class, or bridge) and the zone nearest to it.
    pub fn road(&mut self, edge: EdgeId) -> String {
        let l = self.lang;
        let Some(&(class, bridge, main, (ax, ay), (bx, by))) = self.edges.get(&edge.0) else {
            return text(l, "name.unknown_road").to_string();
        };
        let name = self.edge_names.get(&edge.0).map(String::as_str);
        let what = if bridge {
            text(l, "road_class.bridge")
        } else if let Some(name) = name {
            name
        } else if main && class == RoadClass::Local {
            text(l, "road_class.main")
        } else {
            road_class(l, class)
        };
        let zones = &self.zone_xy;
        let near = self
            .near
            .entry(edge.0)
            .or_insert_with(|| {
                let (mx, my) = ((ax + bx) / 2.0, (ay + by) / 2.0);
                zones
                    .iter()
                    .min_by(|a, b| {
                        (a.1 - mx)
                            .hypot(a.2 - my)
                            .total_cmp(&(b.1 - mx).hypot(b.2 - my))
                    })
                    .map(|z| z.0.clone())
                    .unwrap_or_default()
            })
            .clone();
        if near.is_empty() {
            what.to_string()
        } else {
            t!(l, "name.road_near", road = what, place = near)
        }
    }

    /// What a task is: "抢修2号变电站", "repair Substation 2".
    pub fn task(&mut self, task: TaskId) -> String {
        let l = self.lang;
        let Some(&(work, subject)) = self.tasks.get(&task) else {
            return text(l, "task.unknown").to_string();
        };
        match work {
            WorkKind::Facility(_) => {
                t!(l, "task.repair_facility", facility = self.facility(subject))
            }
            WorkKind::Road | WorkKind::MainRoad => {
                t!(l, "task.clear_road", road = self.road(EdgeId(subject)))
            }
            WorkKind::Bridge => t!(l, "task.repair_bridge", road = self.road(EdgeId(subject))),
            WorkKind::Cleanup => t!(l, "task.cleanup", zone = self.zone(subject)),
            WorkKind::StopLeak => match self.facilities.get(&subject) {
                Some(f) => t!(l, "task.stop_leak_at", facility = f),
                None => text(l, "task.stop_leak").to_string(),
            },
            WorkKind::FireLine => t!(l, "task.fire_line", zone = self.zone(subject)),
            WorkKind::Rescue => t!(l, "task.rescue", zone = self.zone(subject)),
        }
    }

    /// Free text a model wrote (a reason, a hazard's name), translated
    /// where its form is known.
    pub fn free(&self, s: &str) -> String {
        let l = self.lang;
        if l == Lang::En {
            return s.to_string();
        }
        if let Some(rest) = s.strip_prefix("earthquake Mw ") {
            return match rest.strip_suffix(": liquefaction") {
                Some(m) => t!(l, "hazard_text.quake_liquefaction", mag = m),
                None => t!(l, "hazard_text.quake", mag = rest),
            };
        }
        if let Some(rest) = s.strip_prefix("aftershock Mw ") {
            return match rest.strip_suffix(": liquefaction") {
                Some(m) => t!(l, "hazard_text.aftershock_liquefaction", mag = m),
                None => t!(l, "hazard_text.aftershock", mag = rest),
            };
        }
        if let Some((chem, rate)) = s.split_once(" release ")
            && let Some(rate) = rate.strip_suffix(" kg/s")
        {
            return t!(l, "hazard_text.release", chemical = chem, rate = rate);
        }
        let key = match s {
            "forest fire ignition" => "hazard_text.fire_ignition",
            "forest fire" => "hazard_text.forest_fire",
            "fire front" => "hazard_text.fire_front",
            "flooded" => "hazard_text.flooded",
            "flood mud and debris" => "hazard_text.flood_debris",
            "river flood" => "hazard_text.river_flood",
            "flood water" => "hazard_text.flood_water",
            _ => return s.to_string(),
        };
        text(l, key).to_string()
    }

    /// The event as a sentence, without its time. Learns tasks as it goes.
    pub fn sentence(&mut self, e: &SimEvent) -> String {
        self.learn(e);
        let l = self.lang;
        match &e.kind {
            EventKind::FacilityDamaged { facility, state } => t!(
                l,
                "event.facility_damaged",
                facility = self.facility(facility.0),
                state = damage(l, *state)
            ),
            EventKind::FacilityRepaired { facility } => {
                t!(
                    l,
                    "event.facility_repaired",
                    facility = self.facility(facility.0)
                )
            }
            EventKind::EdgeClosed { edge, reason } => {
                let road = self.road(*edge);
                t!(
                    l,
                    "event.edge_closed",
                    road = road,
                    reason = self.free(reason)
                )
            }
            EventKind::EdgeDamaged { edge, reason } => {
                let road = self.road(*edge);
                t!(
                    l,
                    "event.edge_damaged",
                    road = road,
                    reason = self.free(reason)
                )
            }
            EventKind::EdgeOpened { edge } => {
                let road = self.road(*edge);
                t!(l, "event.edge_opened", road = road)
            }
            EventKind::ZoneContaminated { zone, reason } => t!(
                l,
                "event.zone_contaminated",
                zone = self.zone(zone.0),
                reason = self.free(reason)
            ),
            EventKind::ZoneCleaned { zone } => {
                t!(l, "event.zone_cleaned", zone = self.zone(zone.0))
            }
            EventKind::TaskCreated { task, state, .. } => {
                let what = self.task(*task);
                t!(
                    l,
                    "event.task_created",
                    task = what,
                    state = damage(l, *state)
                )
            }
            EventKind::CrewDispatched { crew, task, eta_h } => {
                let what = self.task(*task);
                let minutes = (eta_h * 60.0).round().max(0.0);
                t!(
                    l,
                    "event.crew_dispatched",
                    crew = self.crew(*crew),
                    task = what,
                    min = count(minutes)
                )
            }
            EventKind::OrderDropped { crew, task, reason } => {
                let why = text(
                    l,
                    match reason {
                        DropReason::TaskClosed => "drop.task_closed",
                        DropReason::TaskTaken => "drop.task_taken",
                        DropReason::CrewUnavailable => "drop.crew_unavailable",
                        DropReason::WrongKind => "drop.wrong_kind",
                        DropReason::NoRoad => "drop.no_road",
                    },
                );
                match task {
                    Some(tk) => {
                        let what = self.task(*tk);
                        t!(
                            l,
                            "event.order_dropped_task",
                            crew = self.crew(*crew),
                            task = what,
                            reason = why
                        )
                    }
                    None => t!(
                        l,
                        "event.order_dropped",
                        crew = self.crew(*crew),
                        reason = why
                    ),
                }
            }
            EventKind::CrewRerouted { crew } => {
                t!(l, "event.crew_rerouted", crew = self.crew(*crew))
            }
            EventKind::CrewArrived { crew, task } => {
                let what = self.task(*task);
                t!(
                    l,
                    "event.crew_arrived",
                    crew = self.crew(*crew),
                    task = what
                )
            }
            EventKind::TaskFinished { crew, task } => {
                let what = self.task(*task);
                t!(
                    l,
                    "event.task_finished",
                    crew = self.crew(*crew),
                    task = what
                )
            }
            EventKind::CrewStopped {
                crew,
                reason,
                until_s,
            } => match (reason, until_s) {
                (StopReason::Rest, Some(u)) => t!(
                    l,
                    "event.crew_rests_until",
                    crew = self.crew(*crew),
                    time = self.clock.datetime(l, *u)
                ),
                (StopReason::Rest, None) => t!(l, "event.crew_rests", crew = self.crew(*crew)),
                (StopReason::NoRoad, _) => {
                    t!(l, "event.crew_no_road", crew = self.crew(*crew))
                }
            },
            EventKind::CrewReturned { crew, depot } => t!(
                l,
                "event.crew_returned",
                crew = self.crew(*crew),
                depot = self
                    .depots
                    .get(&depot.0)
                    .cloned()
                    .unwrap_or_else(|| text(l, "name.depot").to_string())
            ),
            EventKind::MutualAidArrived {
                crew_kind: k,
                count: n,
                ..
            } => t!(
                l,
                "event.mutual_aid_arrived",
                n = n,
                kind = crew_kind(l, *k)
            ),
            EventKind::BatteryDepleted { facility } => {
                t!(
                    l,
                    "event.battery_depleted",
                    facility = self.facility(facility.0)
                )
            }
            EventKind::ServiceLost { zone, service: s } => t!(
                l,
                "event.service_lost",
                zone = self.zone(zone.0),
                service = service(l, *s)
            ),
            EventKind::ServiceRestored { zone, service: s } => t!(
                l,
                "event.service_restored",
                zone = self.zone(zone.0),
                service = service(l, *s)
            ),
            EventKind::ZoneWarned {
                zone,
                people,
                vehicles,
            } => t!(
                l,
                "event.zone_warned",
                zone = self.zone(zone.0),
                people = count(*people as f64),
                vehicles = count(*vehicles as f64)
            ),
            EventKind::ZoneEvacuated { zone } => {
                t!(l, "event.zone_evacuated", zone = self.zone(zone.0))
            }
            EventKind::ZoneExposed { zone, people } => t!(
                l,
                "event.zone_exposed",
                zone = self.zone(zone.0),
                people = count(*people as f64)
            ),
            EventKind::VehiclesCaught {
                edge,
                vehicles,
                people,
            } => {
                let road = self.road(*edge);
                t!(
                    l,
                    "event.vehicles_caught",
                    road = road,
                    vehicles = count(*vehicles as f64),
                    people = count(*people as f64)
                )
            }
            EventKind::ShelterFull { facility } => {
                t!(
                    l,
                    "event.shelter_full",
                    facility = self.facility(facility.0)
                )
            }
            EventKind::SheltersOverflowing => text(l, "event.shelters_overflowing").to_string(),
            EventKind::HazardStarted { what, .. } => {
                t!(l, "event.hazard_started", what = self.free(what))
            }
            EventKind::HazardReachedZone { zone, what, .. } => t!(
                l,
                "event.hazard_reached_zone",
                zone = self.zone(zone.0),
                what = self.free(what)
            ),
            EventKind::HazardEnded { why, .. } => {
                t!(l, "event.hazard_ended", why = self.free(why))
            }
            EventKind::AidDelayed { hours, crews } => t!(
                l,
                "event.aid_delayed",
                hours = count((hours * 10.0).round() / 10.0),
                n = crews
            ),
            EventKind::WeatherChanged {
                wind_speed_m_s,
                wind_from_deg,
            } => t!(
                l,
                "event.weather_changed",
                wind = wind_name(l, *wind_from_deg),
                speed = count((wind_speed_m_s * 10.0).round() / 10.0),
                deg = count(wind_from_deg.round())
            ),
        }
    }
}
