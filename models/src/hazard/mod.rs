//! Hazards inside a run: the scenario's `hazards` turned into damage,
//! closures, threatened zones and work for crews.
//!
//! One file per hazard, each a set of systems in the `Hazard` phase (advance
//! the hazard's field to the end of the tick) and the `Damage` phase (field →
//! damage states, road closures, zone states):
//!
//! - [`earthquake`]: ground motion per site (GMPE median + between-event and
//!   within-event terms), Hazus damage states for facilities and bridges;
//! - [`chemical`]: Gaussian puffs from a leaking source, toxic load per zone,
//!   AEGL levels, chlorine probit casualties, shelter in place, a hazmat crew
//!   stops the release;
//! - [`flood`]: the local-inertial flood solver on the DEM, advanced to the
//!   clock; roads close by depth, facilities fail, zones take JRC damage;
//! - [`fire`]: Rothermel arrival times over the fuel raster; roads close and
//!   zones are reached as the front arrives; fire crews hold lines that stop it.
//!
//! Each hazard also leaves its footprint (flood max depth, fire arrival
//! times, plume peak concentration, PGA) as a plain raster for maps:
//! [`footprint`]. What they do to the World once their field reaches a
//! place (a facility damaged, a link pair closed, a zone contaminated) is
//! written once, in `effects`.
//!
//! Shared state: [`HazardArrival`] (when a hazard reached each zone, and
//! forecasts; copied into the evacuation's `HazardReach` every tick so its
//! exposure counts and `HazardWithin` triggers follow the hazards) and the
//! `hazards` KPI object in `summary.json`, one entry per hazard. Every random draw comes from a stream keyed by the hazard's number
//! and a stable site id; grids are computed with order-preserving rayon
//! iterators, so results do not depend on the thread count.
//!
//! Glossary: a *site* is a place exposed to a hazard (a facility, a bridge, a
//! zone's node); the *hazard number* is the 1-based position of the hazard in
//! the scenario's `hazards` list; aftershocks (injects) number on after it,
//! and have no entry in that list.

pub mod chemical;
pub mod earthquake;
mod effects;
pub mod fire;
pub mod flood;
pub mod footprint;
mod grids;

use bevy_ecs::prelude::*;
use qilian_engine::scenario::{Hazard, Scenario};
use qilian_engine::{Kpis, Phase, ScenarioRes, Sim, SimPlugin, SimTime, Streams};
use serde_json::Value;
use std::collections::BTreeMap;

/// When a hazard first reached each zone (dense zone index, region order):
/// flood water above the hazard's zone depth, the fire front, or gas above
/// AEGL-2. Evacuation reads it to tell who was still there.
#[derive(Clone, Debug, Default, Resource)]
pub struct HazardArrival {
    /// Earliest arrival of any hazard per zone; `None` while unreached.
    pub zones: Vec<Option<SimTime>>,
    /// The hazard number (1-based) of that earliest arrival: the cause the
    /// casualty model gives the people it caught there.
    pub by: Vec<Option<u32>>,
    /// Forecast arrival per zone where a model can tell in advance (the
    /// fire's arrival-time grid; the flood's trace, issued when the flood
    /// starts); `None` where no forecast reaches it.
    pub forecast: Vec<Option<SimTime>>,
    /// Zones told to shelter in place (set when a chemical release starts).
    pub shelter: Vec<bool>,
}

impl HazardArrival {
    /// Record that hazard number `hazard` reached zone `z` at `t` (keeps
    /// the earliest, and its hazard). Returns whether this was the zone's
    /// first arrival.
    pub fn reach(&mut self, z: usize, t: SimTime, hazard: u32) -> bool {
        match self.zones[z] {
            Some(prev) if prev <= t => false,
            _ => {
                let first = self.zones[z].is_none();
                self.zones[z] = Some(t);
                self.by[z] = Some(hazard);
                first
            }
        }
    }

    /// Record a forecast arrival at zone `z` at `t` (keeps the earliest).
    pub fn forecast_at(&mut self, z: usize, t: SimTime) {
        if self.forecast[z].is_none_or(|old| t < old) {
            self.forecast[z] = Some(t);
        }
    }
}

/// Per-hazard KPIs, published into [`Kpis`] under `hazards` as
/// `{"1 earthquake": {...}, ...}` (keys sort by hazard number for up to 9).
#[derive(Debug, Default, Resource)]
pub struct HazardStats {
    by_hazard: BTreeMap<String, serde_json::Map<String, Value>>,
    dirty: bool,
}

impl HazardStats {
    /// Set KPI `key` of hazard number `n`.
    pub fn set<N>(&mut self, n: u32, hazard: &Hazard<N>, key: &str, value: Value) {
        self.set_kind(n, hazard.kind_name(), key, value);
    }

    /// Set KPI `key` of hazard number `n` of kind `kind` (an aftershock
    /// has no entry in the scenario's hazards).
    pub fn set_kind(&mut self, n: u32, kind: &str, key: &str, value: Value) {
        let name = format!("{n} {kind}");
        self.by_hazard
            .entry(name)
            .or_default()
            .insert(key.to_string(), value);
        self.dirty = true;
    }
}

/// The hazards as this replicate runs them: every uncertain parameter (a
/// distribution in the scenario file) drawn once, at build time, from its
/// own stream keyed by (seed, replicate, hazard number, field), so replicate
/// `k` gets the same values whatever else runs and on any thread count.
#[derive(Clone, Debug, Default, Resource)]
pub struct RealisedHazards {
    /// The scenario's hazards in order, with numbers for distributions.
    pub hazards: Vec<Hazard<f64>>,
    /// `(hazardN.field, value)` of every parameter that was drawn (plain
    /// numbers are left out), in hazard and field order.
    pub drawn: Vec<(String, f64)>,
}

impl RealisedHazards {
    /// Draw replicate `streams.replicate`'s values of the scenario's hazards.
    pub fn draw(scenario: &Scenario, streams: &Streams) -> RealisedHazards {
        let mut drawn = Vec::new();
        let hazards = scenario
            .file
            .hazards
            .iter()
            .enumerate()
            .map(|(i, h)| h.realise(streams, i as u32 + 1, &mut drawn))
            .collect();
        RealisedHazards { hazards, drawn }
    }
}

/// Every hazard model; adds nothing but the shared resources when the
/// scenario has no hazards.
pub struct HazardPlugin;

impl SimPlugin for HazardPlugin {
    fn build(&self, sim: &mut Sim) {
        let scenario = sim.world().resource::<ScenarioRes>().0.clone();
        let nz = scenario.region.zones.len();
        sim.world_mut().insert_resource(HazardArrival {
            zones: vec![None; nz],
            by: vec![None; nz],
            forecast: vec![None; nz],
            shelter: vec![false; nz],
        });
        sim.world_mut().insert_resource(HazardStats::default());
        if scenario.file.hazards.is_empty() {
            return;
        }
        let streams = *sim.world().resource::<Streams>();
        let realised = RealisedHazards::draw(&scenario, &streams);
        earthquake::build(sim, &realised.hazards);
        chemical::build(sim, &realised.hazards);
        flood::build(sim, &realised.hazards);
        fire::build(sim, &realised.hazards);
        // Only the kinds of hazard the scenario has get their systems: every
        // system costs its scheduling on each tick, even with nothing to do.
        // The steps are ordered through sets, which keep their order when
        // some are empty.
        let after = crate::infrastructure::apply_damage_injects;
        let schedule = sim.schedule_mut();
        schedule.configure_sets(
            (
                Step::Weather,
                Step::Quake,
                Step::Leak,
                Step::Flood,
                Step::Fire,
            )
                .chain()
                .in_set(Phase::Hazard),
        );
        schedule.configure_sets(
            (
                Step::QuakeDamage,
                Step::LeakEffects,
                Step::FloodDamage,
                Step::FireDamage,
                Step::Publish,
            )
                .chain()
                .in_set(Phase::Damage)
                .after(qilian_engine::EngineSet)
                .after(after)
                .before(crate::evacuation::expose),
        );
        let has = |kind: fn(&Hazard<f64>) -> bool| realised.hazards.iter().any(kind);
        if has(|h| matches!(h, Hazard::Earthquake(_))) {
            schedule.add_systems((
                (
                    earthquake::aftershocks.in_set(qilian_engine::sim::OnInjects),
                    earthquake::shake_sites,
                )
                    .chain()
                    .in_set(Step::Quake),
                earthquake::damage.in_set(Step::QuakeDamage),
            ));
        }
        if has(|h| matches!(h, Hazard::ChemicalLeak(_))) {
            schedule.add_systems((
                (chemical::advance, chemical::record_plume)
                    .chain()
                    .in_set(Step::Leak),
                chemical::effects.in_set(Step::LeakEffects),
            ));
        }
        if has(|h| matches!(h, Hazard::Flood(_))) {
            schedule.add_systems((
                flood::advance.in_set(Step::Flood),
                flood::damage.in_set(Step::FloodDamage),
            ));
        }
        if has(|h| matches!(h, Hazard::Fire(_))) {
            schedule.add_systems((
                fire::advance.in_set(Step::Fire),
                fire::damage.in_set(Step::FireDamage),
            ));
        }
        if has(|h| matches!(h, Hazard::Fire(_) | Hazard::ChemicalLeak(_))) {
            schedule.add_systems(
                weather
                    .in_set(Step::Weather)
                    .in_set(qilian_engine::sim::OnInjects),
            );
        }
        schedule.add_systems((publish, feed_evacuation).chain().in_set(Step::Publish));
        let world = sim.world_mut();
        world.resource_mut::<Kpis>().add_parameters(&realised.drawn);
        world.insert_resource(realised);
    }
}

/// The hazard models' steps, in order: in the `Hazard` phase each kind
/// advances its field, in the `Damage` phase each turns it into damage, and
/// then the shared state is published.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
    Weather,
    Quake,
    Leak,
    Flood,
    Fire,
    QuakeDamage,
    LeakEffects,
    FloodDamage,
    FireDamage,
    Publish,
}

/// Hazard phase, first: each `Weather` inject of this tick changes the
/// wind of every fire ([`fire::set_wind`]) and chemical release
/// ([`chemical::Leaks::set_wind`]) from now on, journalled once as
/// `WeatherChanged`.
fn weather(
    clock: Res<qilian_engine::Clock>,
    scenario: Res<ScenarioRes>,
    due: Res<qilian_engine::sim::DueInjects>,
    mut burns: ResMut<fire::Burns>,
    mut leaks: ResMut<chemical::Leaks>,
    mut arrival: ResMut<HazardArrival>,
    mut journal: ResMut<qilian_engine::Journal>,
) {
    for inj in &due.0 {
        let qilian_engine::scenario::Inject::Weather {
            wind_speed_m_s,
            wind_from_deg,
        } = *inj
        else {
            continue;
        };
        fire::set_wind(
            &mut burns,
            &scenario.0,
            &mut arrival,
            clock.now,
            clock.horizon,
            (wind_speed_m_s, wind_from_deg),
        );
        leaks.set_wind(clock.now.0 as f64, wind_speed_m_s, wind_from_deg);
        journal.record(
            clock.now,
            qilian_engine::EventKind::WeatherChanged {
                wind_speed_m_s,
                wind_from_deg,
            },
        );
    }
}

/// Position of a network node, m.
pub(crate) fn node_xy(
    net: &qilian_engine::Network,
    n: qilian_engine::network::NodeIx,
) -> (f64, f64) {
    let node = &net.nodes[n as usize];
    (node.x, node.y)
}

/// Tell the evacuation where the hazards are: zones reached so far, and the
/// earliest forecast arrival (its `HazardWithin` trigger reads it).
fn feed_evacuation(
    arrival: Res<HazardArrival>,
    reach: Option<ResMut<crate::evacuation::HazardReach>>,
) {
    let Some(mut reach) = reach else { return };
    for z in 0..arrival.zones.len().min(reach.reached.len()) {
        if arrival.zones[z].is_some() {
            reach.reached[z] = true;
        }
        if arrival.shelter[z] {
            reach.shelter[z] = true;
        }
        if let Some(f) = arrival.forecast[z]
            && reach.forecast_s[z].is_none_or(|old| f < old)
        {
            reach.forecast_s[z] = Some(f);
        }
    }
}

/// Copy changed hazard KPIs into the run's [`Kpis`].
fn publish(mut stats: ResMut<HazardStats>, mut kpis: ResMut<Kpis>) {
    if !stats.dirty {
        return;
    }
    stats.dirty = false;
    let obj: serde_json::Map<String, Value> = stats
        .by_hazard
        .iter()
        .map(|(k, v)| (k.clone(), Value::Object(v.clone())))
        .collect();
    kpis.0.insert("hazards".into(), Value::Object(obj));
}
