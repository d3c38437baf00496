//! Evacuation over the road graph (docs/models.md#evacuation): warned zones send their
//! households as vehicles, which drive to the nearest open shelter with room
//! through links modelled as queues, and anyone the hazard reaches first is
//! exposed.
//!
//! The traffic model is MATSim's queue model (QSim): Cetin, Burri & Nagel
//! (2003), *A large-scale agent-based traffic microsimulation based on queue
//! model*, STRC; Horni, Nagel & Axhausen (eds., 2016), *The Multi-Agent
//! Transport Simulation MATSim*, ch. 1. Departure curves are those of
//! evacuation time estimates (logistic, Rayleigh, log-normal).
//!
//! One mechanic per file:
//!
//! - [`departure`]: households → vehicles, departure times from the curve;
//! - `queue` (crate-private): links as queues — free-flow time, flow and
//!   storage capacity, spillback, stuck timeout — with exact event times;
//! - `routing` (crate-private): shortest-path trees toward each shelter,
//!   shared by every vehicle bound there, computed in parallel;
//! - [`exposure`]: the [`HazardReach`] hook and who counts as exposed;
//! - `trips` (crate-private): a trip list's vehicles, counted in the zone
//!   nearest their origin;
//! - [`state`]: the [`Evacuation`] resource tying them together.
//!
//! Per tick: `Hazard` applies `Expose` injects to [`HazardReach`]; `Damage`
//! catches vehicles on links that closed and exposes reached zones; `Decide`
//! opens shelters (`OpenShelter` injects), stops the departures of zones
//! told to shelter in place, warns zones
//! (plan trigger or `Warn` order), recomputes the trees when links
//! changed or the plan's route interval passed, and picks each departing
//! vehicle's shelter (in parallel); `Move` runs every departure and link
//! movement due in the tick in `(time, kind, id)` order; `Measure` writes the
//! journal events, the series columns `evac_departed`, `evac_sheltered`,
//! `evac_exposed` (people, cumulative) and, at the end, the `evacuation` KPIs.
//!
//! Units: times in seconds inside the model (`f64`, exact within a tick),
//! hours in plans and outputs; lengths in metres; capacities in vehicles per
//! hour; people and vehicles as counts.
//!
//! Invariant (checked by [`Evacuation::audit`] and a property test): in every
//! zone at every tick, residents = at home + en route + sheltered + exposed.
//!
//! Glossary:
//! - *free-flow time*: length / free speed, the least time a vehicle spends on
//!   a link;
//! - *flow capacity*: vehicles per second that can leave a link
//!   (`capacity_vph / 3600`);
//! - *storage capacity*: vehicles that fit on a link
//!   (`length × lanes / 7.5 m`, at least what free flow at capacity needs);
//! - *spillback*: a full link stops vehicles entering it, so its queue grows
//!   back onto the links upstream;
//! - *stuck timeout*: how long the head of a queue waits for room downstream
//!   before it is let through anyway (gridlock resolution);
//! - *re-targeting*: a vehicle bound to a shelter that filled picks the
//!   nearest shelter with room at its next node.

pub mod departure;
pub mod exposure;
pub(crate) mod queue;
pub(crate) mod routing;
pub mod state;
pub(crate) mod trips;

pub use exposure::HazardReach;
pub use state::{Counts, Evacuation, Status};

use bevy_ecs::prelude::*;
use qilian_engine::network::EdgeStates;
use qilian_engine::scenario::Inject;
use qilian_engine::sim::{DueInjects, OnInjects};
use qilian_engine::{
    Clock, EngineSet, Journal, Kpis, Phase, ScenarioRes, Series, Sim, SimPlugin, SimTime, Streams,
    ZoneId,
};

/// Series columns, people, cumulative.
pub const COLUMNS: [&str; 3] = ["evac_departed", "evac_sheltered", "evac_exposed"];

/// Warnings, departures, traffic, shelters and exposure.
pub struct EvacuationPlugin;

#[derive(Resource)]
pub(crate) struct Columns([usize; 3]);

impl SimPlugin for EvacuationPlugin {
    fn build(&self, sim: &mut Sim) {
        let scenario = sim.world().resource::<ScenarioRes>().0.clone();
        let streams = *sim.world().resource::<Streams>();
        let zones = scenario.region.zones.len();
        let mut series = sim.world_mut().resource_mut::<Series>();
        let columns = COLUMNS.map(|c| series.column(c));
        let world = sim.world_mut();
        world.insert_resource(Columns(columns));
        world.insert_resource(HazardReach::new(zones));
        let evacuation = Evacuation::new(scenario, streams);
        world
            .resource_mut::<Kpis>()
            .add_parameters(evacuation.parameters());
        world.insert_resource(evacuation);
        sim.schedule_mut().add_systems((
            exposure::apply_expose_injects
                .in_set(Phase::Hazard)
                .in_set(OnInjects),
            expose.in_set(Phase::Damage).after(EngineSet),
            decide.in_set(Phase::Decide),
            advance.in_set(Phase::Move),
            record
                .in_set(Phase::Measure)
                .before(crate::measure::measure),
        ));
    }
}

pub(crate) fn expose(
    clock: Res<Clock>,
    reach: Res<HazardReach>,
    states: Res<EdgeStates>,
    mut evac: ResMut<Evacuation>,
) {
    evac.expose(clock.now, &reach, &states);
}

fn decide(
    clock: Res<Clock>,
    states: Res<EdgeStates>,
    reach: Res<HazardReach>,
    due: Res<DueInjects>,
    mut evac: ResMut<Evacuation>,
) {
    for i in &due.0 {
        if let Inject::OpenShelter { facility } = i {
            evac.open_shelter(*facility);
        }
    }
    let orders: Vec<ZoneId> = due
        .0
        .iter()
        .filter_map(|i| match i {
            Inject::Warn { zone } => Some(*zone),
            _ => None,
        })
        .collect();
    evac.decide(clock.now, clock.tick_end(), &states, &reach, &orders);
}

fn advance(clock: Res<Clock>, mut evac: ResMut<Evacuation>) {
    evac.advance(clock.tick_end());
}

pub(crate) fn record(
    clock: Res<Clock>,
    columns: Res<Columns>,
    mut evac: ResMut<Evacuation>,
    mut journal: ResMut<Journal>,
    mut series: ResMut<Series>,
    mut kpis: ResMut<Kpis>,
) {
    for (t, kind) in evac.drain_events() {
        journal.record(SimTime(t as u64), kind);
    }
    let totals = evac.totals();
    let values = [
        evac.departed() as f64,
        totals.sheltered as f64,
        totals.exposed as f64,
    ];
    for (&c, v) in columns.0.iter().zip(values) {
        series.set(clock.now, c, v);
    }
    if clock.tick_end() >= clock.horizon {
        kpis.0.insert("evacuation".into(), evac.kpis());
    }
}
