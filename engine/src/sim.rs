//! The simulation loop: a bevy_ecs `World` holding one replicate's dynamic
//! state, a `Schedule` of nine ordered phases run once per tick, and the
//! [`RunResult`] it produces.
//!
//! Engine systems here only move time and injects; models add their systems to
//! the phases through [`SimPlugin`].

use crate::ids::EdgeId;
use crate::journal::{EventKind, Journal, SimEvent};
use crate::network::{EdgeState, EdgeStates, LinkIx, Network};
use crate::rng::Streams;
use crate::scenario::{DamageState, Inject, Scenario};
use crate::units::SimTime;
use bevy_ecs::prelude::{IntoScheduleConfigs, Res, ResMut, Resource, Schedule, SystemSet, World};
use bevy_ecs::schedule::{ScheduleBuildSettings, ScheduleLabel};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The phases of a tick, in order (docs/time-and-randomness.md#ticks-and-phases).
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Scripted and controller injects, player orders.
    Inject,
    /// Advance hazard fields.
    Hazard,
    /// Exposure → damage states.
    Damage,
    /// Damage → work items.
    Tasks,
    /// Dispatch, evacuation decisions, routing.
    Decide,
    /// Agents over the road graph.
    Move,
    /// Crews progress tasks.
    Work,
    /// Power, water, telecom and road state.
    Services,
    /// KPIs and series.
    Measure,
}

impl Phase {
    /// All phases in order.
    pub const ALL: [Phase; 9] = [
        Phase::Inject,
        Phase::Hazard,
        Phase::Damage,
        Phase::Tasks,
        Phase::Decide,
        Phase::Move,
        Phase::Work,
        Phase::Services,
        Phase::Measure,
    ];
}

/// The engine's own systems in each phase. Model systems that share a resource
/// with them (the journal, link states) run `.after(EngineSet)`.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EngineSet;

/// Systems that act only on the injects due in the tick (orders, scripted
/// damage, closures). On the ticks without any — most of them — the whole
/// set is skipped after one check, instead of each system being scheduled
/// to find nothing to do.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OnInjects;

/// Whether any inject is due this tick: [`OnInjects`]'s run condition.
fn injects_due(due: Res<DueInjects>) -> bool {
    !due.0.is_empty()
}

/// The label of the tick schedule.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// Simulation time.
#[derive(Clone, Copy, Debug, Resource)]
pub struct Clock {
    /// Start of the current tick.
    pub now: SimTime,
    /// Tick length, seconds.
    pub tick_s: u64,
    /// End of the run.
    pub horizon: SimTime,
}

impl Clock {
    /// End of the current tick.
    pub fn tick_end(&self) -> SimTime {
        self.now.plus(self.tick_s)
    }

    /// The exact time `offset_s` seconds into the current tick, rounded to
    /// the nearest second and kept within the tick (`now` to `tick_end`):
    /// the time stamp of something that happens part-way through a tick (a
    /// crew arriving, a repair ending).
    pub fn at(&self, offset_s: f64) -> SimTime {
        let off = if offset_s.is_finite() {
            offset_s.round().clamp(0.0, self.tick_s as f64) as u64
        } else {
            0
        };
        self.now.plus(off)
    }
}

/// The scenario this world runs.
#[derive(Clone, Debug, Resource)]
pub struct ScenarioRes(pub Arc<Scenario>);

impl ScenarioRes {
    /// The road network.
    pub fn net(&self) -> &Network {
        &self.0.network
    }
}

/// Injects waiting for their time, soonest last.
#[derive(Clone, Debug, Default, Resource)]
pub struct InjectQueue {
    pending: Vec<(SimTime, u64, Inject)>,
    next_seq: u64,
}

impl InjectQueue {
    /// Queue `inject` for time `at`. Injects at the same time apply in the order
    /// they were queued.
    pub fn push(&mut self, at: SimTime, inject: Inject) {
        // Kept sorted soonest-last, so release pops from the end.
        let key = (at, self.next_seq);
        let pos = self.pending.partition_point(|p| (p.0, p.1) > key);
        self.pending.insert(pos, (at, self.next_seq, inject));
        self.next_seq += 1;
    }
}

/// The injects that apply in the current tick, in order.
#[derive(Clone, Debug, Default, Resource)]
pub struct DueInjects(pub Vec<Inject>);

/// A table of numbers per tick, one named column each (service fractions,
/// crews busy…).
#[derive(Clone, Debug, Default, Resource)]
pub struct Series {
    /// Column names.
    pub columns: Vec<String>,
    /// Row times.
    pub t: Vec<SimTime>,
    /// Values, row-major (`t.len() × columns.len()`).
    pub values: Vec<f64>,
}

impl Series {
    /// Index of column `name`, adding it if new. Add columns before the first row.
    pub fn column(&mut self, name: &str) -> usize {
        if let Some(i) = self.columns.iter().position(|c| c == name) {
            return i;
        }
        assert!(
            self.t.is_empty(),
            "column {name} added after rows were recorded"
        );
        self.columns.push(name.to_string());
        self.columns.len() - 1
    }

    /// Set column `col` of the row at time `t`, starting that row (every
    /// value NaN until set) if the last row is for an earlier time. Models
    /// that share the table each set their own columns once per tick.
    pub fn set(&mut self, t: SimTime, col: usize, value: f64) {
        if self.t.last() != Some(&t) {
            self.t.push(t);
            self.values
                .extend(std::iter::repeat_n(f64::NAN, self.columns.len()));
        }
        let row = self.t.len() - 1;
        self.values[row * self.columns.len() + col] = value;
    }

    /// Append a row.
    pub fn push(&mut self, t: SimTime, row: &[f64]) {
        assert_eq!(row.len(), self.columns.len(), "series row width");
        self.t.push(t);
        self.values.extend_from_slice(row);
    }

    /// One column's values, if the column exists.
    pub fn get(&self, name: &str) -> Option<Vec<f64>> {
        let i = self.columns.iter().position(|c| c == name)?;
        let w = self.columns.len();
        Some(self.values.iter().skip(i).step_by(w).copied().collect())
    }
}

/// Key performance indicators of one run, by name (models fill this).
#[derive(Clone, Debug, Default, Resource)]
pub struct Kpis(pub BTreeMap<String, serde_json::Value>);

impl Kpis {
    /// Record the values a replicate drew for uncertain scenario and plan
    /// parameters under `parameters` (`{"hazard1.magnitude": 6.62, …}`,
    /// rounded to six decimals), so `summary.json` and each stress
    /// replicate's row show them.
    pub fn add_parameters(&mut self, drawn: &[(String, f64)]) {
        if drawn.is_empty() {
            return;
        }
        let entry = self
            .0
            .entry("parameters".to_string())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let serde_json::Value::Object(m) = entry {
            for (k, v) in drawn {
                // Six decimals, as the models' KPIs: short decimals read back
                // exactly from shard files, so merged runs stay byte-identical.
                let v = (v * 1e6).round() / 1e6;
                m.insert(k.clone(), serde_json::json!(v));
            }
        }
    }
}

/// Everything a run produces.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// The seed used.
    pub seed: u64,
    /// The replicate.
    pub replicate: u32,
    /// Per-tick series.
    pub series: Series,
    /// The journal.
    pub events: Vec<SimEvent>,
    /// KPIs.
    pub kpis: BTreeMap<String, serde_json::Value>,
}

/// A model's contribution to a simulation: resources, entities and systems.
pub trait SimPlugin {
    /// Add this model to `sim`.
    fn build(&self, sim: &mut Sim);
}

/// One replicate of one scenario.
pub struct Sim {
    world: World,
    schedule: Schedule,
}

impl Sim {
    /// A world for `replicate` of `scenario` (seeded with the scenario's seed),
    /// with the engine's own systems and no models.
    pub fn new(scenario: Arc<Scenario>, replicate: u32) -> Sim {
        let mut world = World::new();
        let mut queue = InjectQueue::default();
        for inj in &scenario.file.injects {
            queue.push(SimTime::from_hours(inj.at_h), inj.event.clone());
        }
        world.insert_resource(Clock {
            now: SimTime::ZERO,
            tick_s: scenario.tick_s(),
            horizon: scenario.horizon(),
        });
        world.insert_resource(Streams::new(scenario.file.seed, replicate));
        world.insert_resource(EdgeStates::new(&scenario.network));
        world.insert_resource(ScenarioRes(scenario));
        world.insert_resource(queue);
        world.insert_resource(DueInjects::default());
        world.insert_resource(Journal::default());
        world.insert_resource(Series::default());
        world.insert_resource(Kpis::default());

        let mut schedule = Schedule::new(Tick);
        for pair in Phase::ALL.windows(2) {
            schedule.configure_sets(pair[1].after(pair[0]));
        }
        schedule.configure_sets(OnInjects.run_if(injects_due));
        schedule.add_systems(release_injects.in_set(Phase::Inject).in_set(EngineSet));
        schedule.add_systems(
            apply_road_injects
                .in_set(Phase::Damage)
                .in_set(EngineSet)
                .in_set(OnInjects),
        );
        Sim { world, schedule }
    }

    /// Add a model.
    pub fn add_plugin(&mut self, plugin: impl SimPlugin) -> &mut Self {
        plugin.build(self);
        self
    }

    /// The world (to add resources and entities while building).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The schedule (to add systems while building).
    pub fn schedule_mut(&mut self) -> &mut Schedule {
        &mut self.schedule
    }

    /// Build the schedule now, with ambiguity detection at `level`; reports
    /// conflicting systems inside a phase as an error.
    pub fn check_schedule(&mut self, settings: ScheduleBuildSettings) -> Result<(), String> {
        self.schedule.set_build_settings(settings);
        self.schedule
            .initialize(&mut self.world)
            .map(|_| ())
            .map_err(|e| e.to_string(self.schedule.graph(), &self.world))
    }

    /// Start of the next tick.
    pub fn now(&self) -> SimTime {
        self.world.resource::<Clock>().now
    }

    /// Whether the horizon has been reached.
    pub fn finished(&self) -> bool {
        let c = self.world.resource::<Clock>();
        c.now >= c.horizon
    }

    /// Run one tick (if the horizon is not reached). The events the tick
    /// journalled are then put in time order (stable: events at the same
    /// second keep the order they were recorded in), since each carries its
    /// exact time within the tick, whatever phase recorded it.
    pub fn step(&mut self) {
        if self.finished() {
            return;
        }
        let first = self.world.resource::<Journal>().events.len();
        self.schedule.run(&mut self.world);
        let mut journal = self.world.resource_mut::<Journal>();
        if let Some(tick) = journal.events.get_mut(first..) {
            tick.sort_by_key(|e| e.t_s);
        }
        let mut clock = self.world.resource_mut::<Clock>();
        clock.now = clock.now.plus(clock.tick_s);
    }

    /// Run to the horizon and collect the result.
    pub fn run(mut self) -> RunResult {
        while !self.finished() {
            self.step();
        }
        self.finish()
    }

    /// Collect the result as it stands.
    pub fn finish(mut self) -> RunResult {
        let scenario = self.world.resource::<ScenarioRes>().0.clone();
        let streams = *self.world.resource::<Streams>();
        RunResult {
            scenario,
            seed: streams.seed,
            replicate: streams.replicate,
            series: std::mem::take(&mut *self.world.resource_mut::<Series>()),
            events: std::mem::take(&mut self.world.resource_mut::<Journal>().events),
            kpis: std::mem::take(&mut self.world.resource_mut::<Kpis>().0),
        }
    }
}

/// Move the injects due in this tick from the queue to [`DueInjects`]
/// (first in the Inject phase; a model system reading them in that phase
/// runs `.after(release_injects)`).
pub fn release_injects(
    clock: Res<Clock>,
    mut queue: ResMut<InjectQueue>,
    mut due: ResMut<DueInjects>,
) {
    due.0.clear();
    let end = clock.tick_end();
    while queue.pending.last().is_some_and(|(t, _, _)| *t < end) {
        if let Some((_, _, inj)) = queue.pending.pop() {
            due.0.push(inj);
        }
    }
}

/// Road closures and openings: the road network is the engine's.
fn apply_road_injects(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    due: Res<DueInjects>,
    mut states: ResMut<EdgeStates>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    for inj in &due.0 {
        // Closures with no damage are closures by order: they leave the
        // link's damage (and its repair) alone, and reopening one returns
        // the link to its physical state. A closure with damage keeps the
        // worse of the two damages.
        let (edge, both) = match inj {
            Inject::CloseEdge {
                edge, both_ways, ..
            }
            | Inject::OpenEdge { edge, both_ways } => (*edge, *both_ways),
            _ => continue,
        };
        let Some(l) = net.link(edge) else { continue };
        let twin = if both {
            net.links[l as usize].twin
        } else {
            None
        };
        for l in std::iter::once(l).chain(twin) {
            let id = net.links[l as usize].id;
            match inj {
                Inject::CloseEdge {
                    reason,
                    state: DamageState::None,
                    ..
                } => {
                    if states.set_ordered(l, Some(Arc::from(reason.as_str()))) {
                        journal.record(clock.now, edge_event(id, states.get(l)));
                    }
                }
                Inject::CloseEdge { reason, state, .. } => {
                    let state = (*state).max(states.physical(l).damage());
                    let new = EdgeState::Closed {
                        state,
                        reason: Arc::from(reason.as_str()),
                    };
                    set_edge(net, &mut states, &mut journal, clock.now, l, new);
                }
                _ => {
                    // Reopen: lift a closure by order, or else clear the
                    // physical closure (a scenario's "the road reopens").
                    if states.closed_by_order(l) {
                        if states.set_ordered(l, None) {
                            journal.record(clock.now, edge_event(id, states.get(l)));
                        }
                    } else {
                        set_edge(
                            net,
                            &mut states,
                            &mut journal,
                            clock.now,
                            l,
                            EdgeState::Open,
                        );
                    }
                }
            }
        }
    }
}

/// The journal event for link `edge` entering `state`.
fn edge_event(edge: EdgeId, state: &EdgeState) -> EventKind {
    match state {
        EdgeState::Open => EventKind::EdgeOpened { edge },
        EdgeState::Closed { reason, .. } => EventKind::EdgeClosed {
            edge,
            reason: reason.clone(),
        },
        EdgeState::Damaged { reason, .. } => EventKind::EdgeDamaged {
            edge,
            reason: reason.clone(),
        },
    }
}

/// Change a link's physical state and journal the change (if routing sees
/// one: under a closure by order it does not).
pub fn set_edge(
    net: &Network,
    states: &mut EdgeStates,
    journal: &mut Journal,
    now: SimTime,
    l: LinkIx,
    new: EdgeState,
) {
    if states.set(l, new) {
        journal.record(now, edge_event(net.links[l as usize].id, states.get(l)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ZoneId;

    fn warn(z: u32) -> Inject {
        Inject::Contaminate {
            zone: ZoneId(z),
            reason: String::new(),
        }
    }

    #[test]
    fn injects_release_by_time_then_queue_order() {
        let mut q = InjectQueue::default();
        q.push(SimTime(120), warn(3));
        q.push(SimTime(0), warn(1));
        q.push(SimTime(120), warn(4));
        q.push(SimTime(30), warn(2));
        let order: Vec<Inject> = std::iter::from_fn(|| q.pending.pop().map(|p| p.2)).collect();
        assert_eq!(order, vec![warn(1), warn(2), warn(3), warn(4)]);
    }
}
