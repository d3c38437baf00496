//! Repair crews (docs/models.md#responders): tasks arise from damage, crews are dispatched by the
//! plan's priorities to the nearest capable idle crew, drive the damaged network
//! (detouring around closures), work for a duration drawn from the plan, then
//! take the next task or head home.
//!
//! Glossary: a *task* is one piece of work on one subject (a facility, a road
//! link pair, a zone); its *rank* is its dispatch priority (lower first); a crew
//! is *available* when idle or driving home.
//!
//! One mechanic per file, each run by [`RespondersPlugin`] in its phase:
//!
//! - `mutual_aid`: crews spawned from the plan and called in by order, and
//!   their arrival (Inject);
//! - `tasks`: tasks opened from damage and from requests, facility ranks
//!   (Tasks);
//! - `orders`: command orders, checked against the true state (Tasks);
//! - `rest`: duty time and rest between shifts (Decide);
//! - `dispatch`: the nearest capable available crew for each waiting task,
//!   with cached path trees (Decide);
//! - `driving`: crews on the road, detours, arrival on site (Move);
//! - `work`: work on site and the repair it ends in (Work).

mod dispatch;
mod driving;
mod mutual_aid;
mod orders;
mod rest;
mod tasks;
mod work;

pub use mutual_aid::{AidCall, CALLED_GROUP_BASE, CalledAid, PlannedAid};

use bevy_ecs::prelude::*;
use dispatch::RouteCache;
use qilian_engine::dist::Dist;
use qilian_engine::network::{LinkIx, NodeIx};
use qilian_engine::scenario::{ByState, CrewKind, DamageState, Plan, Region, WorkKind};
use qilian_engine::sim::OnInjects;
use qilian_engine::{CrewId, DepotId, Phase, ScenarioRes, SimPlugin, SimTime, TaskId};
use std::collections::BTreeMap;

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
    /// Hours on site set by the requester instead of the plan's rule, or
    /// the hours left when a crew handed the task over at the end of its
    /// shift.
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

/// Which crew kind does a kind of work, and its hours by damage state.
#[derive(Debug)]
struct Repair {
    /// The crew kind.
    crew: CrewKind,
    /// Hours on site by damage state.
    hours: ByState,
}

/// Static dispatch data derived from the plan.
#[derive(Debug, Resource)]
struct Rules {
    /// Which crew kind does which work, and hours by damage state.
    repair: BTreeMap<WorkKind, Repair>,
    /// Rank of each work kind.
    rank: BTreeMap<WorkKind, usize>,
    /// Rank of each facility: its kind's rank, or that of the most urgent
    /// facility that (transitively) needs it.
    facility_rank: Vec<usize>,
}

impl Rules {
    /// The plan's priorities and repair table; rescue work, which the plan
    /// need not list, goes to rescue crews.
    fn new(plan: &Plan, region: &Region) -> Rules {
        let rank: BTreeMap<WorkKind, usize> = plan
            .priorities
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, i))
            .collect();
        let facility_rank = tasks::facility_ranks(region, &rank);
        let mut repair: BTreeMap<WorkKind, Repair> = plan
            .repairs
            .iter()
            .map(|r| {
                let repair = Repair {
                    crew: r.crew,
                    hours: r.hours.clone(),
                };
                (r.work, repair)
            })
            .collect();
        // Rescue crews free trapped people without a repair rule in the
        // plan: the task carries its own hours.
        repair.entry(WorkKind::Rescue).or_insert_with(|| {
            let zero = Dist::Fixed(0.0);
            Repair {
                crew: CrewKind::Rescue,
                hours: ByState {
                    slight: zero.clone(),
                    moderate: zero.clone(),
                    extensive: zero.clone(),
                    complete: zero,
                },
            }
        });
        Rules {
            repair,
            rank,
            facility_rank,
        }
    }
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

/// Crews, tasks, dispatch, driving and work.
pub struct RespondersPlugin;

impl SimPlugin for RespondersPlugin {
    fn build(&self, sim: &mut qilian_engine::Sim) {
        let scenario = sim.world().resource::<ScenarioRes>().0.clone();
        let plan = &scenario.plan;
        let net = &scenario.network;
        let rules = Rules::new(plan, &scenario.region);
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
        world.insert_resource(rules);
        world.insert_resource(TaskBoard::default());
        world.insert_resource(RouteCache::default());
        world.init_resource::<DispatchMode>();
        world.init_resource::<CalledAid>();
        world.insert_resource(mutual_aid::PlannedAid::of(&scenario));
        let groups = plan.crews.iter().map(|g| (g, SimTime::ZERO)).chain(
            plan.mutual_aid
                .iter()
                .map(|m| (&m.crews, SimTime::from_hours(m.at_h))),
        );
        for (g, from) in groups {
            mutual_aid::spawn_group(world, g, depots[&g.depot], from);
        }
        sim.schedule_mut().add_systems((
            (
                mutual_aid::delay_aid
                    .in_set(OnInjects)
                    .after(qilian_engine::sim::release_injects),
                mutual_aid::mutual_aid_arrives,
            )
                .chain()
                .in_set(Phase::Inject),
            // Orders read the injects the engine released in the Inject
            // phase, and may name a task opened this tick.
            (tasks::create_tasks, orders::orders.in_set(OnInjects))
                .chain()
                .in_set(Phase::Tasks),
            (rest::shifts, dispatch::dispatch)
                .chain()
                .in_set(Phase::Decide),
            driving::drive.in_set(Phase::Move),
            work::work.in_set(Phase::Work),
        ));
    }
}
