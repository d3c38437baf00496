//! Repair crews (DESIGN §5): tasks arise from damage, crews are dispatched by the
//! plan's priorities to the nearest capable idle crew, drive the damaged network
//! (detouring around closures), work for a duration drawn from the plan, then
//! take the next task or head home.
//!
//! Glossary: a *task* is one piece of work on one subject (a facility, a road
//! link pair, a zone); its *rank* is its dispatch priority (lower first); a crew
//! is *available* when idle or driving home.

use crate::infrastructure::{Facilities, Zones};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx, NodeIx, PathTree};
use qilian_engine::scenario::{CrewGroup, CrewKind, DamageState, Inject, Region, WorkKind};
use qilian_engine::sim::{DueInjects, OnInjects, set_edge};
use qilian_engine::{
    Clock, CrewId, DepotId, DropReason, EventKind, Journal, Phase, ScenarioRes, SimPlugin, SimTime,
    StreamTag, Streams, TaskId,
};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

const REPAIR_TIME: StreamTag = StreamTag::new("repair duration");

/// What a task is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// A facility, by dense index.
    Facility(usize),
    /// A road link (and its twin), by dense index of the lower of the pair.
    Link(LinkIx),
    /// A zone, by dense index.
    Zone(usize),
    /// A hazard itself at a site: stop a leak, hold a fire line. Holds the
    /// hazard's 1-based number in the scenario and the site node.
    Hazard(u32, NodeIx),
    /// People trapped in a zone, by dense index (the casualty model asks).
    Rescue(usize),
}

impl Subject {
    fn tag(self) -> u8 {
        match self {
            Subject::Facility(_) => 1,
            Subject::Link(_) => 2,
            Subject::Zone(_) => 3,
            Subject::Rescue(_) => 4,
            // One tag per hazard keeps task ids of two hazards at one site apart.
            Subject::Hazard(h, _) => 8u8.saturating_add(h.min(247) as u8),
        }
    }
}

/// Work a hazard model asks for (see [`TaskBoard::request`]).
#[derive(Clone, Debug)]
pub struct TaskRequest {
    /// What it is about.
    pub subject: Subject,
    /// Kind of work (decides the crew kind and hours through the plan).
    pub work: WorkKind,
    /// Damage state for the plan's hours.
    pub state: DamageState,
    /// Nodes a crew can work from.
    pub sites: Vec<NodeIx>,
    /// The id written to the journal (a node, facility or zone id).
    pub raw_id: u32,
    /// Hours on site when the work's length is known to the requester (a
    /// rescue: trapped people / rate); otherwise the plan's repair rule.
    pub hours: Option<f64>,
}

/// Progress on a [`Subject::Hazard`] task, for the hazard models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HazardWork {
    /// A crew reached the site and started work.
    Started,
    /// The work is done.
    Finished,
}

/// One piece of work.
#[derive(Clone, Debug)]
pub struct Task {
    /// Stable id.
    pub id: TaskId,
    /// What it is about.
    pub subject: Subject,
    /// Kind of work.
    pub work: WorkKind,
    /// Damage behind it.
    pub state: DamageState,
    /// Nodes a crew can work from.
    pub sites: Vec<NodeIx>,
    /// Dispatch rank (lower first).
    pub rank: usize,
    /// When it appeared.
    pub created: SimTime,
    /// The crew on it.
    pub crew: Option<CrewId>,
    /// Hours on site set by the requester, instead of the plan's rule.
    pub hours: Option<f64>,
}

/// Open tasks and the repair rules.
#[derive(Debug, Default, Resource)]
pub struct TaskBoard {
    /// Open tasks by id (changed only through [`TaskBoard::tasks_mut`]).
    tasks: BTreeMap<TaskId, Task>,
    /// Bumped on every change to `tasks`, so dispatch knows when the
    /// waiting tasks may differ from the last time it looked.
    revision: u64,
    /// Open task per subject.
    open: BTreeMap<Subject, TaskId>,
    /// How many tasks each subject has had (for stable ids).
    generation: BTreeMap<Subject, u16>,
    /// Tasks created and finished, for KPIs.
    pub created: u64,
    /// Tasks finished.
    pub finished: u64,
    /// Where in the link-state change log the scan for blocked roads got
    /// to ([`EdgeStates::changed_since`]).
    scanned: usize,
    /// Work asked for by hazard models, opened in the next `Tasks` phase.
    requests: Vec<TaskRequest>,
    /// Progress on hazard tasks in order: (when, subject, what happened).
    pub hazard_log: Vec<(SimTime, Subject, HazardWork)>,
    /// Finished tasks' work and sites: a crew ordered to one (a drill team
    /// not told yet that it is done) drives there and finds it done on site.
    closed: BTreeMap<TaskId, (WorkKind, Vec<NodeIx>)>,
}

impl TaskBoard {
    /// Open tasks by id.
    pub fn tasks(&self) -> &BTreeMap<TaskId, Task> {
        &self.tasks
    }

    /// Open tasks by id, to change (counts as a change).
    fn tasks_mut(&mut self) -> &mut BTreeMap<TaskId, Task> {
        self.revision += 1;
        &mut self.tasks
    }

    /// Ask for work on a subject; it is opened in the next `Tasks` phase
    /// unless the subject already has an open task.
    pub fn request(&mut self, r: TaskRequest) {
        self.requests.push(r);
    }

    /// Whether the subject has an open task.
    pub fn is_open(&self, subject: Subject) -> bool {
        self.open.contains_key(&subject)
    }
}

/// A crew's fixed attributes.
#[derive(Clone, Debug, Component)]
pub struct Crew {
    /// Stable id.
    pub id: CrewId,
    /// Kind.
    pub kind: CrewKind,
    /// Home depot.
    pub depot: DepotId,
    /// Depot node.
    pub home: NodeIx,
    /// Arrival time (mutual aid); zero for crews on hand.
    pub from: SimTime,
    /// Seconds on duty and of rest per cycle, when the crew works shifts.
    pub shift_s: Option<(f64, f64)>,
}

/// Seconds a crew has been on duty since its last rest.
#[derive(Clone, Copy, Debug, Default, Component)]
pub struct Duty(pub f64);

/// What a crew is doing.
#[derive(Clone, Debug, Component)]
pub enum Activity {
    /// Not arrived yet (mutual aid).
    Away,
    /// At a node with nothing to do.
    Idle {
        /// Where.
        at: NodeIx,
    },
    /// Driving a path; `task` is `None` when heading home (or to a node
    /// by a `MoveCrew` order).
    Driving {
        /// The task it drives to.
        task: Option<TaskId>,
        /// Links to drive, in order.
        path: Vec<LinkIx>,
        /// Index of the current link in `path`.
        step: usize,
        /// Seconds left on the current link.
        left_s: f64,
    },
    /// Finished a task at `at` and heads home from the next `Move` phase,
    /// unless dispatch gives it another task first (as it does most crews
    /// when work is waiting): only then is its way home searched, and a crew
    /// sent on from here drives straight to the next site.
    Returning {
        /// Where.
        at: NodeIx,
    },
    /// Resting between shifts.
    Resting {
        /// Where.
        at: NodeIx,
        /// Back on duty at.
        until: SimTime,
    },
    /// On site.
    Working {
        /// The task.
        task: TaskId,
        /// Where.
        at: NodeIx,
        /// Seconds of work left.
        left_s: f64,
    },
}

impl Activity {
    /// Busy means driving to or working on a task.
    pub fn busy(&self) -> bool {
        matches!(
            self,
            Activity::Working { .. } | Activity::Driving { task: Some(_), .. }
        )
    }
}

/// Static dispatch data derived from the plan.
#[derive(Debug, Resource)]
struct Rules {
    /// Which crew kind does which work, and hours by damage state.
    repair: BTreeMap<WorkKind, (CrewKind, qilian_engine::scenario::ByState)>,
    /// Rank of each work kind.
    rank: BTreeMap<WorkKind, usize>,
    /// Rank of each facility: its kind's rank, or that of the most urgent
    /// facility that (transitively) needs it.
    facility_rank: Vec<usize>,
}

/// Whether idle crews are sent to open tasks automatically (the plan's
/// default policy) or only by `Inject::Assign` orders (a drill, where the
/// players command). Orders work in both modes.
#[derive(Clone, Copy, Debug, Resource)]
pub struct DispatchMode {
    /// Dispatch automatically by the plan's priorities.
    pub auto: bool,
}

impl Default for DispatchMode {
    fn default() -> DispatchMode {
        DispatchMode { auto: true }
    }
}

/// Crews called in by `Inject::CallAid` orders: (group id, kind, count,
/// arrival), in order of the calls.
#[derive(Clone, Debug, Default, Resource)]
pub struct CalledAid(pub Vec<(u32, CrewKind, u32, SimTime)>);

/// Group ids of called crews start here, above any plan's groups (≤ 999
/// crews each, see `CrewId::of_group`).
pub const CALLED_GROUP_BASE: u32 = 4000;

/// Rank of each facility: its kind's rank, or that of the most urgent
/// facility that (transitively) needs it.
fn facility_ranks(region: &Region, rank: &BTreeMap<WorkKind, usize>) -> Vec<usize> {
    let last = rank.len();
    let mut facility_rank: Vec<usize> = region
        .facilities
        .iter()
        .map(|f| {
            rank.get(&WorkKind::Facility(f.kind))
                .copied()
                .unwrap_or(last)
        })
        .collect();
    // Propagate urgency down `needs` until nothing changes (depth ≤ n).
    let index: BTreeMap<_, _> = region
        .facilities
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id, i))
        .collect();
    for _ in 0..region.facilities.len() {
        let mut changed = false;
        for (i, f) in region.facilities.iter().enumerate() {
            for n in &f.needs {
                if let Some(&j) = index.get(n)
                    && facility_rank[i] < facility_rank[j]
                {
                    facility_rank[j] = facility_rank[i];
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    facility_rank
}

/// Crews, tasks, dispatch, driving and work.
pub struct RespondersPlugin;

impl SimPlugin for RespondersPlugin {
    fn build(&self, sim: &mut qilian_engine::Sim) {
        let scenario = sim.world().resource::<ScenarioRes>().0.clone();
        let plan = &scenario.plan;
        let region = &scenario.region;
        let net = &scenario.network;
        let rank: BTreeMap<WorkKind, usize> = plan
            .priorities
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, i))
            .collect();
        let facility_rank = facility_ranks(region, &rank);
        let mut repair: BTreeMap<WorkKind, (CrewKind, qilian_engine::scenario::ByState)> = plan
            .repairs
            .iter()
            .map(|r| (r.work, (r.crew, r.hours.clone())))
            .collect();
        // Rescue crews free trapped people without a repair rule in the
        // plan: the task carries its own hours.
        repair.entry(WorkKind::Rescue).or_insert_with(|| {
            let zero = qilian_engine::dist::Dist::Fixed(0.0);
            (
                CrewKind::Rescue,
                qilian_engine::scenario::ByState {
                    slight: zero.clone(),
                    moderate: zero.clone(),
                    extensive: zero.clone(),
                    complete: zero,
                },
            )
        });
        let depots: BTreeMap<DepotId, NodeIx> = plan
            .depots
            .iter()
            .map(|d| {
                (
                    d.id,
                    net.node(d.node).expect("validated: depot node exists"),
                )
            })
            .collect();
        let world = sim.world_mut();
        world.insert_resource(Rules {
            repair,
            rank,
            facility_rank,
        });
        world.insert_resource(TaskBoard::default());
        world.insert_resource(RouteCache::default());
        world.init_resource::<DispatchMode>();
        world.init_resource::<CalledAid>();
        let groups = plan.crews.iter().map(|g| (g, SimTime::ZERO)).chain(
            plan.mutual_aid
                .iter()
                .map(|m| (&m.crews, SimTime::from_hours(m.at_h))),
        );
        for (g, from) in groups {
            spawn_group(world, g, depots[&g.depot], from);
        }
        sim.schedule_mut().add_systems((
            mutual_aid_arrives.in_set(Phase::Inject),
            // Orders read the injects the engine released in the Inject
            // phase, and may name a task opened this tick.
            (create_tasks, orders.in_set(OnInjects))
                .chain()
                .in_set(Phase::Tasks),
            (shifts, dispatch).chain().in_set(Phase::Decide),
            drive.in_set(Phase::Move),
            work.in_set(Phase::Work),
        ));
    }
}

const SHOW_UP: StreamTag = StreamTag::new("crew show-up");

/// Spawn the crews of a group that turn up in this replicate.
fn spawn_group(world: &mut World, g: &CrewGroup, home: NodeIx, from: SimTime) {
    let streams = *world.resource::<Streams>();
    for k in 1..=g.count {
        let id = CrewId::of_group(g.id, k);
        if g.show_up < 1.0
            && crate::dist_unit(&mut streams.stream(SHOW_UP, id.0 as u64)) >= g.show_up
        {
            continue;
        }
        let activity = if from == SimTime::ZERO {
            Activity::Idle { at: home }
        } else {
            Activity::Away
        };
        world.spawn((
            Crew {
                id,
                kind: g.kind,
                depot: g.depot,
                shift_s: g.shift.map(|s| (s.on_h.0 * 3600.0, s.rest_h.0 * 3600.0)),
                home,
                from,
            },
            activity,
            Duty::default(),
        ));
    }
}

fn mutual_aid_arrives(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    called: Res<CalledAid>,
    mut crews: Query<(&Crew, &mut Activity)>,
    mut journal: ResMut<Journal>,
) {
    let mut arrived = false;
    for (crew, mut act) in &mut crews {
        if matches!(*act, Activity::Away) && crew.from < clock.tick_end() {
            *act = Activity::Idle { at: crew.home };
            arrived = true;
        }
    }
    if !arrived {
        return;
    }
    let planned = scenario.0.plan.mutual_aid.iter().map(|m| {
        (
            m.crews.id,
            m.crews.kind,
            m.crews.count,
            SimTime::from_hours(m.at_h),
        )
    });
    for (group, crew_kind, count, at) in planned.chain(called.0.iter().copied()) {
        if at >= clock.now && at < clock.tick_end() {
            journal.record(
                clock.now,
                EventKind::MutualAidArrived {
                    group,
                    crew_kind,
                    count,
                },
            );
        }
    }
}

/// Apply command orders (`Assign`, `MoveCrew`, `Priorities`, `CallAid`) due this tick
/// (Tasks phase, after task creation, before dispatch).
/// An `Assign` or `MoveCrew` that no longer fits the true state (task
/// taken, crew unavailable, no open road) is dropped and recorded as
/// `OrderDropped`; a crew assigned to a task finished meanwhile drives there
/// and records the drop on arrival (`drive`). The drill server checks orders
/// only against what the team knows, so the truth has the last word here,
/// and the team hears of it only through its reports.
fn orders(
    mut commands: Commands,
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    due: Res<DueInjects>,
    edges: Res<EdgeStates>,
    mut rules: ResMut<Rules>,
    mut board: ResMut<TaskBoard>,
    mut called: ResMut<CalledAid>,
    mut crews: Query<(&Crew, &mut Activity)>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    for inj in &due.0 {
        match inj {
            Inject::Assign { crew, task } => {
                let Some((c, mut act)) = crews.iter_mut().find(|(c, _)| c.id == *crew) else {
                    continue;
                };
                let mut dropped = |reason| {
                    journal.record(
                        clock.now,
                        EventKind::OrderDropped {
                            crew: *crew,
                            task: Some(*task),
                            reason,
                        },
                    )
                };
                let Some((at, off)) = position(&act, net) else {
                    dropped(DropReason::CrewUnavailable);
                    continue;
                };
                // A task finished already is driven to all the same: the
                // crew finds it done on site (see `drive`), as a real crew
                // would, rather than the order vanishing at once.
                let (work, sites) = match board.tasks.get(task) {
                    Some(t) if t.crew.is_some() => {
                        dropped(DropReason::TaskTaken);
                        continue;
                    }
                    Some(t) => (t.work, t.sites.clone()),
                    None => match board.closed.get(task) {
                        Some((work, sites)) => (*work, sites.clone()),
                        None => {
                            dropped(DropReason::TaskClosed);
                            continue;
                        }
                    },
                };
                if rules.repair.get(&work).map(|r| r.0) != Some(c.kind) {
                    dropped(DropReason::WrongKind);
                    continue;
                }
                let best = sites
                    .iter()
                    .map(|&site| {
                        let tree = net.tree_to_reaching(site, &edges, &[at]);
                        (tree.time[at as usize], tree.path(net, at))
                    })
                    .filter(|(time, p)| time.is_finite() && p.is_some())
                    .min_by(|a, b| a.0.total_cmp(&b.0));
                let Some((eta, Some(path))) = best else {
                    dropped(DropReason::NoRoad);
                    continue;
                };
                set_route(&mut act, Some(*task), path, net, &edges);
                if let Some(t) = board.tasks_mut().get_mut(task) {
                    t.crew = Some(c.id);
                }
                journal.record(
                    clock.now,
                    EventKind::CrewDispatched {
                        crew: c.id,
                        task: *task,
                        eta_h: crate::output::round6((off + eta) / 3600.0),
                    },
                );
            }
            Inject::MoveCrew { crew, node } => {
                let Some(dest) = net.node(*node) else {
                    continue;
                };
                let Some((_, mut act)) = crews.iter_mut().find(|(c, _)| c.id == *crew) else {
                    continue;
                };
                let mut dropped = |reason| {
                    journal.record(
                        clock.now,
                        EventKind::OrderDropped {
                            crew: *crew,
                            task: None,
                            reason,
                        },
                    )
                };
                let Some((at, _)) = position(&act, net) else {
                    dropped(DropReason::CrewUnavailable);
                    continue;
                };
                // Blocked from where it stands: it stays there.
                let Some(path) = net.route(at, dest, &edges) else {
                    dropped(DropReason::NoRoad);
                    continue;
                };
                // Already there and not on the road: it waits here.
                if path.is_empty() && !matches!(*act, Activity::Driving { .. }) {
                    *act = Activity::Idle { at: dest };
                    continue;
                }
                set_route(&mut act, None, path, net, &edges);
            }
            Inject::Priorities { order } => {
                let rank: BTreeMap<WorkKind, usize> =
                    order.iter().enumerate().map(|(i, w)| (*w, i)).collect();
                let facility_rank = facility_ranks(&scenario.0.region, &rank);
                let last = rank.len();
                for t in board.tasks_mut().values_mut() {
                    t.rank = match t.subject {
                        Subject::Facility(f) => facility_rank[f],
                        _ => rank.get(&t.work).copied().unwrap_or(last),
                    };
                }
                rules.rank = rank;
                rules.facility_rank = facility_rank;
            }
            Inject::CallAid {
                kind,
                count,
                depot,
                delay_h,
            } => {
                let Some(home) = scenario
                    .0
                    .plan
                    .depots
                    .iter()
                    .find(|d| d.id == *depot)
                    .and_then(|d| net.node(d.node))
                else {
                    continue;
                };
                let group = CALLED_GROUP_BASE + called.0.len() as u32;
                let from = clock.now.plus((delay_h.0.max(0.0) * 3600.0).round() as u64);
                let count = (*count).clamp(1, 99);
                called.0.push((group, *kind, count, from));
                for k in 1..=count {
                    commands.spawn((
                        Crew {
                            id: CrewId::of_group(group, k),
                            kind: *kind,
                            depot: *depot,
                            home,
                            from,
                            shift_s: None,
                        },
                        Activity::Away,
                        Duty::default(),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// Count duty time; send crews that reached the end of their shift to rest
/// once they have no task, and bring rested crews back on duty.
fn shifts(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut crews: Query<(&Crew, &mut Activity, &mut Duty)>,
) {
    let net = scenario.net();
    let dt = clock.tick_s as f64;
    for (crew, mut act, mut duty) in &mut crews {
        let Some((on_s, rest_s)) = crew.shift_s else {
            continue;
        };
        match *act {
            Activity::Away => {}
            Activity::Resting { at, until } => {
                if until <= clock.now {
                    *act = Activity::Idle { at };
                    duty.0 = 0.0;
                }
            }
            _ => {
                duty.0 += dt;
                if duty.0 >= on_s
                    && let Some((at, _)) = position(&act, net)
                {
                    *act = Activity::Resting {
                        at,
                        until: clock.now.plus(rest_s.round() as u64),
                    };
                }
            }
        }
    }
}

/// A task to open: subject, work, damage, sites, rank, journal id, hours.
type NewTask = (
    Subject,
    WorkKind,
    DamageState,
    Vec<NodeIx>,
    usize,
    u32,
    Option<f64>,
);

/// Open a task for every damaged facility, blocked road and dirty zone that
/// has none, and for the work hazard models and the casualty model ask for.
fn create_tasks(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    rules: Res<Rules>,
    fac: Res<Facilities>,
    zones: Res<Zones>,
    edges: Res<EdgeStates>,
    mut board: ResMut<TaskBoard>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    let last = rules.rank.len();
    let mut new: Vec<NewTask> = Vec::new();
    for f in 0..fac.ids.len() {
        if fac.damage[f] != DamageState::None && !board.open.contains_key(&Subject::Facility(f)) {
            let work = WorkKind::Facility(fac.kinds[f]);
            let sites = vec![fac.nodes[f]];
            new.push((
                Subject::Facility(f),
                work,
                fac.damage[f],
                sites,
                rules.facility_rank[f],
                fac.ids[f].0,
                None,
            ));
        }
    }
    // Only links whose states changed need a look: a link that stays
    // blocked already has its open task (a road task ends only by opening
    // both directions, which is a change).
    let (changed, mark) = edges.changed_since(board.scanned);
    board.scanned = mark;
    for l in changed {
        let link = &net.links[l as usize];
        let canonical = link.twin.map_or(l, |t| t.min(l));
        let damage = match edges.get(l) {
            EdgeState::Closed { state, .. } | EdgeState::Damaged { state, .. } => *state,
            EdgeState::Open => DamageState::None,
        };
        if damage == DamageState::None || board.open.contains_key(&Subject::Link(canonical)) {
            continue;
        }
        if new.iter().any(|t| t.0 == Subject::Link(canonical)) {
            continue;
        }
        let work = if link.bridge.is_some() {
            WorkKind::Bridge
        } else if link.main_road {
            WorkKind::MainRoad
        } else {
            WorkKind::Road
        };
        let mut r = rules.rank.get(&work).copied().unwrap_or(last);
        if link.main_road {
            r = r.min(rules.rank.get(&WorkKind::MainRoad).copied().unwrap_or(last));
        }
        let c = &net.links[canonical as usize];
        new.push((
            Subject::Link(canonical),
            work,
            damage,
            vec![c.from, c.to],
            r,
            c.id.0,
            None,
        ));
    }
    for z in 0..zones.ids.len() {
        if zones.contaminated[z] && !board.open.contains_key(&Subject::Zone(z)) {
            let node = scenario.0.region.zones[z].node;
            let site = net.node(node).expect("validated: zone node exists");
            let r = rules.rank.get(&WorkKind::Cleanup).copied().unwrap_or(last);
            new.push((
                Subject::Zone(z),
                WorkKind::Cleanup,
                DamageState::Moderate,
                vec![site],
                r,
                zones.ids[z].0,
                None,
            ));
        }
    }
    for r in std::mem::take(&mut board.requests) {
        if board.open.contains_key(&r.subject) || new.iter().any(|t| t.0 == r.subject) {
            continue;
        }
        let rank = rules.rank.get(&r.work).copied().unwrap_or(last);
        new.push((r.subject, r.work, r.state, r.sites, rank, r.raw_id, r.hours));
    }
    for (subject, work, state, sites, rank, raw_id, hours) in new {
        let generation = board.generation.entry(subject).or_insert(0);
        let id = TaskId::new(subject.tag(), raw_id, *generation);
        *generation = generation.wrapping_add(1);
        board.open.insert(subject, id);
        board.created += 1;
        board.tasks_mut().insert(
            id,
            Task {
                id,
                subject,
                work,
                state,
                sites,
                rank,
                created: clock.now,
                crew: None,
                hours,
            },
        );
        journal.record(
            clock.now,
            EventKind::TaskCreated {
                task: id,
                work,
                subject: raw_id,
                state,
            },
        );
    }
}

/// Shortest-path trees toward task sites, valid for one version of the link
/// states.
#[derive(Debug, Default, Resource)]
struct RouteCache {
    version: u64,
    trees: BTreeMap<NodeIx, Arc<PathTree>>,
    /// [`Network::components`](qilian_engine::Network::components) for
    /// `version`: a crew can reach a site only within its component.
    components: Arc<Vec<NodeIx>>,
    /// The [`EdgeStates::passability`] `components` were computed for.
    passability: Option<u64>,
    /// The inputs of the last dispatch that assigned nothing: link-state
    /// version, available crews with the node each is at or heading for,
    /// and the task board's revision (the tasks waiting). Nothing is
    /// assigned exactly when no waiting task is reachable from those nodes
    /// by a crew of its kind, which the seconds left to the node do not
    /// change; so the same inputs again assign nothing again, and that
    /// dispatch is skipped.
    idle: Option<IdleKey>,
    /// The available crews found at the last dispatch (a buffer kept
    /// between ticks).
    available: Vec<(CrewId, CrewKind, NodeIx, f64)>,
}

type IdleKey = (u64, Vec<(CrewId, NodeIx)>, u64);

/// Where an available crew is, for dispatch: the node it is at or driving
/// toward, and the seconds until it gets there.
fn position(act: &Activity, net: &qilian_engine::Network) -> Option<(NodeIx, f64)> {
    match act {
        Activity::Idle { at } | Activity::Returning { at } => Some((*at, 0.0)),
        Activity::Driving {
            task: None,
            path,
            step,
            left_s,
        } => path
            .get(*step)
            .map(|&l| (net.links[l as usize].to, *left_s)),
        _ => None,
    }
}

/// Send the nearest capable available crew to each unassigned task, most
/// urgent task first.
fn dispatch(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    rules: Res<Rules>,
    edges: Res<EdgeStates>,
    mut cache: ResMut<RouteCache>,
    mut board: ResMut<TaskBoard>,
    mut crews: Query<(&Crew, &mut Activity)>,
    mut journal: ResMut<Journal>,
    mode: Res<DispatchMode>,
) {
    if !mode.auto || board.tasks.values().all(|t| t.crew.is_some()) {
        return;
    }
    let net = scenario.net();
    // Available crews, by id, gathered into the cache's buffer: most ticks
    // end at the idle check below, and should not allocate to get there.
    let mut found = std::mem::take(&mut cache.available);
    found.clear();
    found.extend(
        crews
            .iter()
            .filter_map(|(c, a)| position(a, net).map(|(n, off)| (c.id, c.kind, n, off))),
    );
    found.sort_unstable_by_key(|a| a.0);
    let idle = found.is_empty()
        || cache.idle.as_ref().is_some_and(|(version, at, revision)| {
            *version == edges.version
                && *revision == board.revision
                && at.len() == found.len()
                && at.iter().zip(&found).all(|(a, f)| *a == (f.0, f.2))
        });
    let mut avail: BTreeMap<CrewId, (CrewKind, NodeIx, f64)> = BTreeMap::new();
    if !idle {
        avail.extend(found.iter().map(|&(c, k, n, off)| (c, (k, n, off))));
    }
    cache.available = found;
    if idle {
        return;
    }
    let key: IdleKey = (
        edges.version,
        avail.iter().map(|(&c, &(_, at, _))| (c, at)).collect(),
        board.revision,
    );
    if cache.version != edges.version || cache.components.is_empty() {
        cache.trees.clear();
        cache.version = edges.version;
        // Connectivity changes only with passability.
        if cache.passability != Some(edges.passability) {
            cache.components = Arc::new(net.components(&edges));
            cache.passability = Some(edges.passability);
        }
    }
    // Per crew kind, the components its available crews are in: a site
    // outside them cannot be reached by a crew of the kind (closed roads
    // all around), so its task is skipped without a tree.
    let comp = Arc::clone(&cache.components);
    let mut reach: BTreeMap<CrewKind, Vec<NodeIx>> = BTreeMap::new();
    let mut free: BTreeMap<CrewKind, usize> = BTreeMap::new();
    for a in avail.values() {
        reach.entry(a.0).or_default().push(comp[a.1 as usize]);
        *free.entry(a.0).or_default() += 1;
    }
    for r in reach.values_mut() {
        r.sort_unstable();
        r.dedup();
    }
    let can_reach = |kind: CrewKind, site: NodeIx| {
        reach
            .get(&kind)
            .is_some_and(|r| r.binary_search(&comp[site as usize]).is_ok())
    };
    let open = |t: &Task, kind: CrewKind| t.sites.iter().any(|&s| can_reach(kind, s));
    let mut todo: Vec<(usize, SimTime, TaskId, CrewKind)> = board
        .tasks
        .values()
        .filter(|t| t.crew.is_none())
        .filter_map(|t| {
            let (kind, _) = rules.repair.get(&t.work)?;
            open(t, *kind).then_some((t.rank, t.created, t.id, *kind))
        })
        .collect();
    if todo.is_empty() {
        cache.idle = Some(key);
        return;
    }
    todo.sort();
    // Trees for the tasks that can get a crew now: per kind, as many of the
    // most urgent tasks as there are crews of that kind available (computed
    // in parallel). A task no such crew can reach leaves its crew to a later
    // task, whose trees are then computed when it comes up. Tasks beyond
    // the crews cost nothing: with many roads waiting for a few road crews,
    // computing every task's tree at each change of the roads dominated.
    //
    // A tree only needs to find the nearest available crew of the task's
    // kind: its search stops once no crew beyond can be as near, counting
    // the seconds each still needs to reach its node (the times and paths
    // of the crews it settled are the full tree's). A cached tree that
    // cannot tell for the crews available now is searched again.
    let crews_of = |avail: &BTreeMap<CrewId, (CrewKind, NodeIx, f64)>, kind: CrewKind| {
        avail
            .values()
            .filter(|a| a.0 == kind)
            .map(|a| (a.1, a.2))
            .collect::<Vec<_>>()
    };
    let decided = |cache: &RouteCache, site: NodeIx, crews: &[(NodeIx, f64)]| {
        cache.trees.get(&site).is_some_and(|t| {
            let best = crews
                .iter()
                .map(|&(at, off)| off + t.time[at as usize])
                .fold(f64::INFINITY, f64::min);
            t.decides(best)
        })
    };
    let mut sites: Vec<(NodeIx, Vec<(NodeIx, f64)>)> = Vec::new();
    for t in &todo {
        let n = free.get_mut(&t.3).expect("todo kinds have crews");
        if *n == 0 {
            continue;
        }
        *n -= 1;
        let crews = crews_of(&avail, t.3);
        for &site in board.tasks[&t.2].sites.iter() {
            if can_reach(t.3, site) && !decided(&cache, site, &crews) {
                sites.push((site, crews.clone()));
            }
        }
    }
    // One search per site, toward the crews of every kind that needs it.
    sites.sort_unstable_by_key(|s| s.0);
    sites.dedup_by(|b, a| {
        let same = a.0 == b.0;
        if same {
            a.1.extend_from_slice(&b.1);
        }
        same
    });
    if !sites.is_empty() {
        let trees: Vec<(NodeIx, Arc<PathTree>)> = sites
            .par_iter()
            .map(|(s, crews)| (*s, Arc::new(net.tree_to_nearest(*s, &edges, crews))))
            .collect();
        cache.trees.extend(trees);
    }

    let mut assigned: BTreeMap<CrewId, (TaskId, Vec<LinkIx>, f64)> = BTreeMap::new();
    for (_, _, task_id, kind) in todo {
        if !avail.values().any(|a| a.0 == kind) {
            continue;
        }
        let task = &board.tasks[&task_id];
        let crews = crews_of(&avail, kind);
        for &site in &task.sites {
            if can_reach(kind, site) && !decided(&cache, site, &crews) {
                let tree = Arc::new(net.tree_to_nearest(site, &edges, &crews));
                cache.trees.insert(site, tree);
            }
        }
        let mut best: Option<(f64, CrewId, NodeIx)> = None;
        for (&crew, &(k, at, off)) in &avail {
            if k != kind {
                continue;
            }
            for &site in task.sites.iter().filter(|&&s| can_reach(kind, s)) {
                let t = off + cache.trees[&site].time[at as usize];
                if t.is_finite() && best.is_none_or(|b| t < b.0) {
                    best = Some((t, crew, site));
                }
            }
        }
        let Some((eta, crew, site)) = best else {
            continue;
        };
        let (_, at, _) = avail.remove(&crew).expect("crew is available");
        let path = cache.trees[&site]
            .path(net, at)
            .expect("finite time has a path");
        assigned.insert(crew, (task_id, path, eta));
    }
    cache.idle = assigned.is_empty().then_some(key);
    for (crew, mut act) in &mut crews {
        let Some((task_id, path, eta)) = assigned.remove(&crew.id) else {
            continue;
        };
        set_route(&mut act, Some(task_id), path, net, &edges);
        if let Some(t) = board.tasks_mut().get_mut(&task_id) {
            t.crew = Some(crew.id);
        }
        journal.record(
            clock.now,
            EventKind::CrewDispatched {
                crew: crew.id,
                task: task_id,
                eta_h: crate::output::round6(eta / 3600.0),
            },
        );
    }
}

/// Put a crew on `path` (from the node it is at or heading for) toward
/// `task` (`None`: only to the path's end). A crew on the road finishes its
/// current link first.
fn set_route(
    act: &mut Activity,
    task: Option<TaskId>,
    path: Vec<LinkIx>,
    net: &qilian_engine::Network,
    edges: &EdgeStates,
) {
    let (mut full, left_s) = match &*act {
        Activity::Driving {
            path: p,
            step,
            left_s,
            ..
        } => (vec![p[*step]], *left_s),
        _ => (Vec::new(), 0.0),
    };
    full.extend(path);
    let left_s = if full.is_empty() {
        0.0
    } else if left_s > 0.0 {
        left_s
    } else {
        net.travel_time(full[0], edges).unwrap_or(0.0)
    };
    *act = Activity::Driving {
        task,
        path: full,
        step: 0,
        left_s,
    };
}

/// Advance every driving crew by one tick; reroute around closures met on the
/// way; start work on arrival. A crew returning from a finished task sets
/// off home first.
fn drive(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    streams: Res<Streams>,
    rules: Res<Rules>,
    edges: Res<EdgeStates>,
    mut board: ResMut<TaskBoard>,
    mut crews: Query<(&Crew, &mut Activity)>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    let mut order: Vec<(CrewId, Mut<Activity>, &Crew)> = crews
        .iter_mut()
        .filter(|(_, a)| matches!(**a, Activity::Driving { .. } | Activity::Returning { .. }))
        .map(|(c, a)| (c.id, a, c))
        .collect();
    order.sort_by_key(|x| x.0);
    for (_, mut act, crew) in order {
        if let Activity::Returning { at } = *act {
            *act = match net.route(at, crew.home, &edges) {
                Some(path) if !path.is_empty() => Activity::Driving {
                    task: None,
                    left_s: net.travel_time(path[0], &edges).unwrap_or(0.0),
                    path,
                    step: 0,
                },
                // At home already, or no way there: it waits here.
                _ => Activity::Idle { at },
            };
        }
        let Activity::Driving {
            task,
            path,
            step,
            left_s,
        } = &mut *act
        else {
            continue;
        };
        let mut budget = clock.tick_s as f64;
        let mut arrived = path.is_empty();
        let mut stuck = None;
        while budget > 0.0 && !arrived {
            if *left_s > budget {
                *left_s -= budget;
                budget = 0.0;
                break;
            }
            budget -= *left_s;
            let at = net.links[path[*step] as usize].to;
            *step += 1;
            if *step == path.len() {
                arrived = true;
                break;
            }
            match net.travel_time(path[*step], &edges) {
                Some(t) => *left_s = t,
                None => {
                    // Blocked ahead: find another way from here.
                    let dest = net.links[*path.last().expect("non-empty") as usize].to;
                    match net.route(at, dest, &edges) {
                        Some(p) if !p.is_empty() => {
                            *left_s = net.travel_time(p[0], &edges).unwrap_or(0.0);
                            *path = p;
                            *step = 0;
                            journal.record(clock.now, EventKind::CrewRerouted { crew: crew.id });
                        }
                        _ => {
                            stuck = Some(at);
                            break;
                        }
                    }
                }
            }
        }
        if let Some(at) = stuck {
            // No way through: give the task back and wait here.
            if let Some(t) = task.and_then(|t| board.tasks_mut().get_mut(&t)) {
                t.crew = None;
            }
            *act = Activity::Idle { at };
            continue;
        }
        if !arrived {
            continue;
        }
        let at = path.last().map_or(crew.home, |&l| net.links[l as usize].to);
        match *task {
            None => {
                *act = Activity::Idle { at };
                // A crew moved by order to another node just waits there.
                if at == crew.home {
                    journal.record(
                        clock.now,
                        EventKind::CrewReturned {
                            crew: crew.id,
                            depot: crew.depot,
                        },
                    );
                }
            }
            Some(task_id) => {
                let Some(t) = board.tasks.get(&task_id) else {
                    // Sent by order to a task finished meanwhile: the crew
                    // finds it done and says so.
                    *act = Activity::Idle { at };
                    journal.record(
                        clock.now,
                        EventKind::OrderDropped {
                            crew: crew.id,
                            task: Some(task_id),
                            reason: DropReason::TaskClosed,
                        },
                    );
                    continue;
                };
                let hours = t
                    .hours
                    .or_else(|| {
                        rules.repair.get(&t.work).map(|(_, h)| {
                            h.get(t.state)
                                .sample(&mut streams.stream(REPAIR_TIME, task_id.0))
                        })
                    })
                    .unwrap_or(0.0)
                    .max(0.0);
                // The Work phase of this tick takes a whole tick off; only
                // `budget` seconds of it are spent on site.
                *act = Activity::Working {
                    task: task_id,
                    at,
                    left_s: hours * 3600.0 + (clock.tick_s as f64 - budget),
                };
                if let Subject::Hazard(..) = t.subject {
                    let subject = t.subject;
                    board
                        .hazard_log
                        .push((clock.now, subject, HazardWork::Started));
                }
                journal.record(
                    clock.now,
                    EventKind::CrewArrived {
                        crew: crew.id,
                        task: task_id,
                    },
                );
            }
        }
    }
}

/// Progress work; on completion repair the subject and send the crew home
/// (dispatch may give it a new task on the way).
fn work(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut edges: ResMut<EdgeStates>,
    mut fac: ResMut<Facilities>,
    mut zones: ResMut<Zones>,
    mut board: ResMut<TaskBoard>,
    mut crews: Query<(&Crew, &mut Activity)>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    let dt = clock.tick_s as f64;
    let mut order: Vec<(CrewId, Mut<Activity>, &Crew)> = crews
        .iter_mut()
        .filter(|(_, a)| matches!(**a, Activity::Working { .. }))
        .map(|(c, a)| (c.id, a, c))
        .collect();
    order.sort_by_key(|x| x.0);
    for (_, mut act, crew) in order {
        let Activity::Working { task, at, left_s } = &mut *act else {
            continue;
        };
        *left_s -= dt;
        if *left_s > 0.0 {
            continue;
        }
        let (task_id, here) = (*task, *at);
        let Some(t) = board.tasks_mut().remove(&task_id) else {
            continue;
        };
        board.closed.insert(task_id, (t.work, t.sites.clone()));
        board.open.remove(&t.subject);
        board.finished += 1;
        match t.subject {
            Subject::Facility(f) => {
                fac.damage[f] = DamageState::None;
                journal.record(
                    clock.now,
                    EventKind::FacilityRepaired {
                        facility: fac.ids[f],
                    },
                );
            }
            Subject::Link(l) => {
                for l in std::iter::once(l).chain(net.links[l as usize].twin) {
                    set_edge(net, &mut edges, &mut journal, clock.now, l, EdgeState::Open);
                }
            }
            Subject::Zone(z) => {
                zones.contaminated[z] = false;
                journal.record(clock.now, EventKind::ZoneCleaned { zone: zones.ids[z] });
            }
            Subject::Hazard(..) | Subject::Rescue(_) => {
                board
                    .hazard_log
                    .push((clock.now, t.subject, HazardWork::Finished));
            }
        }
        journal.record(
            clock.now,
            EventKind::TaskFinished {
                crew: crew.id,
                task: task_id,
            },
        );
        *act = Activity::Returning { at: here };
    }
}
