//! The journal: every state change that matters to a person, as a typed
//! [`SimEvent`], in the order it happened. Written as JSON Lines; it is the
//! replay and the audit trail (docs/data-flow.md#the-journal).
//!
//! The event vocabulary lives here so every crate speaks it; what causes the
//! events lives in `qilian-models`.

use crate::ids::{CrewId, DepotId, EdgeId, FacilityId, TaskId, ZoneId};
use crate::scenario::{CrewKind, DamageState, WorkKind};
use crate::units::SimTime;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::Arc;

/// A service a zone gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// Grid power.
    Power,
    /// Piped water.
    Water,
    /// Communications.
    Telecom,
}

impl Service {
    /// All services, in a fixed order.
    pub const ALL: [Service; 3] = [Service::Power, Service::Water, Service::Telecom];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Service::Power => "power",
            Service::Water => "water",
            Service::Telecom => "telecom",
        }
    }
}

/// Why an order was dropped when it applied ([`EventKind::OrderDropped`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The task was already finished (closed).
    TaskClosed,
    /// Another crew already had the task.
    TaskTaken,
    /// The crew could not take an order (away, busy, resting).
    CrewUnavailable,
    /// The crew's kind does not do the task's work.
    WrongKind,
    /// No passable road leads from the crew to the destination.
    NoRoad,
}

/// Why a crew stopped where it was ([`EventKind::CrewStopped`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Its shift is over: it rests until `until_s`.
    Rest,
    /// No passable road leads on; a task it drove to is given back.
    NoRoad,
}

/// One journal entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimEvent {
    /// When, seconds since the scenario start: the exact second it
    /// happened, also part-way through a tick (a crew's arrival, the end of
    /// a repair), not the start of the tick it falls in.
    pub t_s: u64,
    /// What.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum EventKind {
    /// A facility was damaged.
    FacilityDamaged {
        /// Which.
        facility: FacilityId,
        /// Its damage state now.
        state: DamageState,
    },
    /// A facility was repaired.
    FacilityRepaired {
        /// Which.
        facility: FacilityId,
    },
    /// A road link closed.
    EdgeClosed {
        /// Which.
        edge: EdgeId,
        /// Why.
        reason: Arc<str>,
    },
    /// A road link was damaged but stays open at reduced speed.
    EdgeDamaged {
        /// Which.
        edge: EdgeId,
        /// Why.
        reason: Arc<str>,
    },
    /// A road link reopened.
    EdgeOpened {
        /// Which.
        edge: EdgeId,
    },
    /// A zone needs cleanup.
    ZoneContaminated {
        /// Which.
        zone: ZoneId,
        /// Why.
        reason: Arc<str>,
    },
    /// A zone was cleaned up.
    ZoneCleaned {
        /// Which.
        zone: ZoneId,
    },
    /// Work became necessary.
    TaskCreated {
        /// The task.
        task: TaskId,
        /// What kind of work.
        work: WorkKind,
        /// The facility, edge or zone id it is about.
        subject: u32,
        /// Damage state behind it.
        state: DamageState,
    },
    /// A crew was sent to a task.
    CrewDispatched {
        /// The crew.
        crew: CrewId,
        /// The task.
        task: TaskId,
        /// Expected travel time, hours.
        eta_h: f64,
    },
    /// A command order (a drill player's dispatch or move) no longer fitted
    /// the state and was dropped: when it applied (the crew stays as it
    /// was), or, for a dispatch to a task finished meanwhile, when the crew
    /// got there and found it done (the crew waits there).
    OrderDropped {
        /// The crew ordered.
        crew: CrewId,
        /// The task it was sent to (a dispatch), if any.
        task: Option<TaskId>,
        /// Why.
        reason: DropReason,
    },
    /// A crew's route was blocked and it took another.
    CrewRerouted {
        /// The crew.
        crew: CrewId,
    },
    /// A crew reached its task and started work.
    CrewArrived {
        /// The crew.
        crew: CrewId,
        /// The task.
        task: TaskId,
    },
    /// A crew finished a task.
    TaskFinished {
        /// The crew.
        crew: CrewId,
        /// The task.
        task: TaskId,
    },
    /// A crew stopped where it was instead of going on (home or to its
    /// task): to rest, or because no road leads on. It waits there.
    CrewStopped {
        /// The crew.
        crew: CrewId,
        /// Why.
        reason: StopReason,
        /// Back on duty at (seconds since the start), for a rest.
        until_s: Option<u64>,
    },
    /// A crew is back at its depot.
    CrewReturned {
        /// The crew.
        crew: CrewId,
        /// The depot.
        depot: DepotId,
    },
    /// Crews arrived as mutual aid.
    MutualAidArrived {
        /// Crew group.
        group: u32,
        /// Kind.
        crew_kind: CrewKind,
        /// How many.
        count: u32,
    },
    /// A telecom site ran out of battery.
    BatteryDepleted {
        /// Which.
        facility: FacilityId,
    },
    /// A zone lost a service.
    ServiceLost {
        /// Which zone.
        zone: ZoneId,
        /// Which service.
        service: Service,
    },
    /// A zone got a service back.
    ServiceRestored {
        /// Which zone.
        zone: ZoneId,
        /// Which service.
        service: Service,
    },
    /// A zone was warned to evacuate.
    ZoneWarned {
        /// Which zone.
        zone: ZoneId,
        /// People who will leave (the complying households).
        people: u32,
        /// Vehicles they leave in.
        vehicles: u32,
    },
    /// The last leaving vehicle of a zone has set off.
    ZoneEvacuated {
        /// Which zone.
        zone: ZoneId,
    },
    /// The hazard reached a zone with people still in it.
    ZoneExposed {
        /// Which zone.
        zone: ZoneId,
        /// People exposed: at home, or in vehicles still waiting to leave.
        people: u32,
    },
    /// Evacuating vehicles were caught on a road link that closed under them.
    VehiclesCaught {
        /// Which link.
        edge: EdgeId,
        /// How many vehicles.
        vehicles: u32,
        /// People in them.
        people: u32,
    },
    /// A shelter has no more room; vehicles bound there look for another.
    ShelterFull {
        /// Which shelter.
        facility: FacilityId,
    },
    /// People were taken in over a shelter's capacity, because no shelter
    /// with room for them could be reached (logged once, at the first).
    SheltersOverflowing,
    /// A hazard of the scenario began.
    HazardStarted {
        /// 1-based position in the scenario's `hazards`; an aftershock
        /// (an inject) numbers on after them.
        hazard: u32,
        /// What it is.
        what: Arc<str>,
    },
    /// A hazard reached a zone (flood water, fire front, toxic gas).
    HazardReachedZone {
        /// Which zone.
        zone: ZoneId,
        /// 1-based position in the scenario's `hazards`.
        hazard: u32,
        /// What reached it, e.g. "flood 0.1 m", "fire front", "AEGL-2".
        what: Arc<str>,
    },
    /// A hazard ended (a release stopped, a flood receded).
    HazardEnded {
        /// 1-based position in the scenario's `hazards`.
        hazard: u32,
        /// Why.
        why: Arc<str>,
    },
    /// Mutual aid not yet arrived was held up (a `DelayAid` inject).
    AidDelayed {
        /// By how many hours.
        hours: f64,
        /// Crews still to arrive that it holds up.
        crews: u32,
    },
    /// The wind changed (a `Weather` inject): fires and releases follow it
    /// from now on.
    WeatherChanged {
        /// Wind speed, m/s.
        wind_speed_m_s: f64,
        /// Direction it blows from, degrees clockwise from north.
        wind_from_deg: f64,
    },
}

/// The journal of one replicate: events in the order they happened.
#[derive(Clone, Debug, Default, bevy_ecs::resource::Resource)]
pub struct Journal {
    /// The events.
    pub events: Vec<SimEvent>,
}

impl Journal {
    /// Record `kind` at `t`.
    pub fn record(&mut self, t: SimTime, kind: EventKind) {
        self.events.push(SimEvent { t_s: t.0, kind });
    }
}

/// Write events as JSON Lines.
pub fn write_jsonl(out: &mut impl Write, events: &[SimEvent]) -> std::io::Result<()> {
    for e in events {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
