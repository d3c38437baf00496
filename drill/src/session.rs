//! A running drill: one [`Sim`] per team on the same sealed scenario,
//! advanced together by one clock; orders and controller injects checked,
//! journalled (fsync) and queued as engine injects; each team's reports
//! drawn from its truth through the information model.
//!
//! Determinism: every order and inject applies at the start of the next
//! tick (`at_s`), and the journal keeps `at_s`, so [`Session::open`]
//! replays the journal into the same simulated state after a crash.

use crate::DrillError;
use crate::info::{Report, Reporter, Source};
use crate::journal::{Control, DrillJournal, Entry, Hoax, MselOp};
use crate::seal::{DrillInfo, read_json, read_seed};
use crate::template::{LoadedTemplate, command_scenario, load_template, realise, streams};
use bevy_ecs::world::World;
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx};
use qilian_engine::scenario::{CrewKind, DamageState, FacilityKind, Inject, Scenario, WorkKind};
use qilian_engine::sim::InjectQueue;
use qilian_engine::{
    CrewId, DepotId, DropReason, EdgeId, EventKind, FacilityId, Hours, Journal, NodeId, Sim,
    SimEvent, SimTime, Streams, TaskId, ZoneId,
};
use qilian_i18n::Lang;
use qilian_models::responders::{Activity, Crew, DispatchMode};
use qilian_models::standard_sim;
use qilian_viewer::events::Narrator;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::order::{MUTUAL_AID_DELAY_H, Order};

/// A team's view lists at most this many of its latest orders (with
/// `orders_total`), so order spam cannot grow `/api/state` without bound.
pub const VIEW_ORDERS: usize = 200;

/// The controller's view (`/api/truth`) lists at most this many truth
/// events of each team (with `events_from` and `events_total`; older ones
/// page in with `?since=`) and its latest [`VIEW_ORDERS`] orders (with
/// `orders_total`), so order or event spam cannot grow one response
/// without bound. ASSUMPTION: a team's truth in the stock drill templates
/// is a few hundred events over the whole horizon, and an event is about
/// 150 bytes of JSON, so 2,000 keeps a team's page near 300 KB.
pub const TRUTH_EVENTS: usize = 2_000;

/// An accepted order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrderRecord {
    /// Id, unique in the team (1, 2, … per team, so a team cannot count
    /// other teams' orders; drills journalled before ids were per team keep
    /// their drill-wide ids).
    pub order_id: u64,
    /// When it applies, seconds since the start.
    pub at_s: u64,
    /// The order.
    pub order: Order,
}

/// A rejected order or inject: HTTP status and message.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// 4xx status.
    pub status: u16,
    /// What is wrong.
    pub message: String,
}

fn reject(status: u16, message: impl Into<String>) -> Rejected {
    Rejected {
        status,
        message: message.into(),
    }
}

/// One team's copy of the drill.
pub struct Team {
    /// Team number (1-based).
    pub n: u32,
    sim: Sim,
    reporter: Reporter,
    /// Reports delivered so far, in delivery order.
    pub reports: Vec<Report>,
    /// Accepted orders, in order.
    pub orders: Vec<OrderRecord>,
    /// The team's next order id.
    next_order: u64,
    /// Crews with a dispatch order not applied yet.
    pending_crews: BTreeSet<u32>,
    /// Tasks with a dispatch order not applied yet.
    pending_tasks: BTreeSet<u64>,
    /// Links the team closed and has not reopened.
    closed: BTreeSet<u32>,
    /// Zones the team warned.
    warned: BTreeSet<u32>,
    /// Shelters the team opened.
    opened: BTreeSet<u32>,
}

/// An entry of the master scenario events list (MSEL).
#[derive(Clone, Debug, Serialize)]
pub struct MselItem {
    /// Its number in the drill (1, 2, …).
    pub id: u32,
    /// When it fires, seconds since the start.
    pub fire_s: u64,
    /// What happens, for every team.
    pub inject: Inject,
    /// When the controller added it.
    pub added_s: u64,
    /// When it fired (the start of the tick it applied in).
    pub fired_s: Option<u64>,
    /// When the controller deleted it (it never fires).
    pub deleted_s: Option<u64>,
}

/// A controller inject applied: when, what, and the MSEL entry it came
/// from (`None`: sent at once from the library).
#[derive(Clone, Debug, Serialize)]
pub struct InjectRecord {
    /// Applied at this simulated second.
    pub at_s: u64,
    /// The inject.
    pub inject: Inject,
    /// The MSEL entry that fired it.
    pub msel: Option<u32>,
}

/// A rumour or hoax call delivered: when, to which team, what.
#[derive(Clone, Debug, Serialize)]
pub struct HoaxRecord {
    /// Delivered at this simulated second.
    pub at_s: u64,
    /// The team told.
    pub team: u32,
    /// What it was told.
    pub hoax: Hoax,
}

/// Clock state.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ClockState {
    /// Simulated seconds reached (start of the next tick).
    pub t_s: u64,
    /// Whether time runs.
    pub running: bool,
    /// Simulated seconds per wall second.
    pub speed: f64,
    /// Seconds per tick.
    pub tick_s: u64,
    /// End of the drill.
    pub horizon_s: u64,
}

/// A drill in progress.
pub struct Session {
    /// The drill directory.
    pub dir: PathBuf,
    /// The template.
    pub template: LoadedTemplate,
    /// The sealed scenario as the teams play it.
    pub scenario: Arc<Scenario>,
    streams: Streams,
    /// Teams, by number.
    pub teams: Vec<Team>,
    running: bool,
    speed: f64,
    /// Controller injects applied, sent at once or fired from the MSEL.
    pub injects: Vec<InjectRecord>,
    /// The master scenario events list, deleted entries included.
    pub msel: Vec<MselItem>,
    /// Rumours and hoax calls delivered.
    pub hoaxes: Vec<HoaxRecord>,
    journal: Option<DrillJournal>,
}

impl Session {
    /// Open the drill in `dir` and replay its journal.
    pub fn open(dir: &Path) -> Result<Session, DrillError> {
        let info: DrillInfo = read_json(&dir.join("drill.json"))?;
        let seed = read_seed(dir)?;
        let template = load_template(&info.template).map_err(DrillError::Load)?;
        if crate::seal::sha256_hex(template.text.as_bytes()) != info.template_sha256 {
            return Err(DrillError::Bad(format!(
                "{}: the template changed since the drill was created (SHA-256 differs)",
                info.template.display()
            )));
        }
        let scenario = realise(&template, &seed).map_err(DrillError::Load)?;
        let scenario = Arc::new(command_scenario(&scenario, template.template.auto_dispatch));
        let streams = streams(&seed);
        let auto = template.template.auto_dispatch;
        let teams = (1..=info.teams)
            .map(|n| {
                let mut sim = standard_sim(scenario.clone(), 0);
                sim.world_mut().insert_resource(DispatchMode { auto });
                Team {
                    n,
                    sim,
                    reporter: Reporter::default(),
                    reports: Vec::new(),
                    orders: Vec::new(),
                    next_order: 1,
                    pending_crews: BTreeSet::new(),
                    pending_tasks: BTreeSet::new(),
                    closed: BTreeSet::new(),
                    warned: BTreeSet::new(),
                    opened: BTreeSet::new(),
                }
            })
            .collect();
        let mut s = Session {
            dir: dir.to_path_buf(),
            template,
            scenario,
            streams,
            teams,
            running: false,
            speed: 60.0,
            injects: Vec::new(),
            msel: Vec::new(),
            hoaxes: Vec::new(),
            journal: None,
        };
        let path = dir.join("journal.jsonl");
        let (journal, entries) = DrillJournal::open(&path)?;
        for (k, e) in entries.into_iter().enumerate() {
            s.replay(e).map_err(|e| {
                DrillError::Bad(format!("{}: entry {}: {e}", path.display(), k + 1))
            })?;
        }
        // A resumed drill waits for the controller.
        s.running = false;
        s.journal = Some(journal);
        s.deliver();
        Ok(s)
    }

    fn replay(&mut self, e: Entry) -> Result<(), DrillError> {
        let at = e.at_s();
        while self.now() < at && !self.finished() {
            self.advance(1);
        }
        if self.now() != at {
            return Err(DrillError::Bad(format!(
                "at_s {at} is not on a tick (the replay reached {} s)",
                self.now()
            )));
        }
        match e {
            Entry::Order {
                team,
                order_id,
                order,
                ..
            } => {
                let inject = self
                    .check_order(team, &order)
                    .map_err(|r| DrillError::Bad(format!("order {order_id}: {}", r.message)))?;
                self.apply_order(team, order_id, order, inject);
            }
            Entry::Inject { inject, .. } => {
                self.apply_inject(inject, None);
            }
            Entry::Hoax { team, hoax, .. } => {
                self.check_hoax(team, &hoax)
                    .map_err(|r| DrillError::Bad(r.message))?;
                self.apply_hoax(team, hoax);
            }
            Entry::Msel { op, .. } => {
                self.apply_msel(op)
                    .map_err(|r| DrillError::Bad(r.message))?;
            }
            Entry::Control { control, .. } => self.apply_control(&control),
            Entry::Clock { .. } => {}
        }
        Ok(())
    }

    /// The clock.
    pub fn clock(&self) -> ClockState {
        ClockState {
            t_s: self.now(),
            running: self.running,
            speed: self.speed,
            tick_s: self.scenario.tick_s(),
            horizon_s: self.scenario.horizon().0,
        }
    }

    /// Simulated time reached.
    pub fn now(&self) -> u64 {
        self.teams.first().map_or(0, |t| t.sim.now().0)
    }

    /// Whether the horizon is reached.
    pub fn finished(&self) -> bool {
        self.teams.first().is_none_or(|t| t.sim.finished())
    }

    /// Whether time runs.
    pub fn running(&self) -> bool {
        self.running && !self.finished()
    }

    fn step_all(&mut self) {
        self.teams.par_iter_mut().for_each(|t| t.sim.step());
    }

    /// Move due reports into each team's feed.
    fn deliver(&mut self) {
        let now = self.now();
        let model = &self.template.template.info;
        let streams = self.streams;
        for t in &mut self.teams {
            let events = &t.sim.world().resource::<Journal>().events;
            t.reporter
                .advance(model, &streams, events, now, &mut t.reports);
        }
    }

    /// Advance `ticks` ticks (stopping at the horizon); returns the ticks run.
    pub fn advance(&mut self, ticks: u64) -> u64 {
        let mut n = 0;
        while n < ticks && !self.finished() {
            self.fire_msel();
            self.step_all();
            n += 1;
        }
        for t in &mut self.teams {
            t.pending_crews.clear();
            t.pending_tasks.clear();
        }
        self.deliver();
        n
    }

    /// Journal a clock checkpoint (after running time).
    pub fn checkpoint(&mut self) -> Result<(), DrillError> {
        let at_s = self.now();
        self.append(Entry::Clock { at_s })
    }

    fn append(&mut self, e: Entry) -> Result<(), DrillError> {
        match &mut self.journal {
            Some(j) => j.append(&e),
            None => Err(DrillError::Other("the journal is not open".into())),
        }
    }

    /// Send the journal's writes through `wrap`: tests inject write
    /// failures (a full disk) this way.
    pub fn wrap_journal_storage(
        &mut self,
        wrap: impl FnOnce(Box<dyn crate::journal::Storage>) -> Box<dyn crate::journal::Storage>,
    ) {
        if let Some(j) = &mut self.journal {
            j.wrap_storage(wrap);
        }
    }

    /// A controller's clock action. Journalled before it takes effect.
    pub fn control(&mut self, c: Control) -> Result<(), Rejected> {
        if let Control::Speed { value } = c
            && !(1.0..=3600.0).contains(&value)
        {
            return Err(reject(422, "speed must be between 1 and 3600"));
        }
        if matches!(c, Control::Step) && self.finished() {
            return Err(reject(409, "the drill has reached its horizon"));
        }
        let at_s = self.now();
        self.append(Entry::Control { at_s, control: c })
            .map_err(|e| reject(503, e.to_string()))?;
        self.apply_control(&c);
        Ok(())
    }

    fn apply_control(&mut self, c: &Control) {
        match c {
            Control::Start => self.running = true,
            Control::Pause => self.running = false,
            Control::Speed { value } => self.speed = *value,
            Control::Step => {
                self.advance(1);
            }
        }
    }

    /// Check an order against what the team knows: its reports (tasks,
    /// road closures), its own crews and orders, the public map and the
    /// plan. The answer never depends on truth the team has not been told:
    /// an order the truth makes void (a task already finished, a road
    /// closed unseen) is accepted here, dropped when it applies (a crew sent
    /// to a finished task first drives there and finds it done), and heard
    /// of only through the crew's report (`OrderDropped`).
    fn check_order(&self, team: u32, order: &Order) -> Result<Inject, Rejected> {
        let t = self
            .teams
            .iter()
            .find(|t| t.n == team)
            .ok_or_else(|| reject(404, format!("no team {team}")))?;
        let sc = &self.scenario;
        match order {
            Order::Dispatch { crew, task } => {
                let (kind, _) = available_crew(t, *crew)?;
                let (open, closed) = known_tasks(t);
                let work = match open.get(task) {
                    Some((work, _)) => *work,
                    None if closed.contains(task) => {
                        return Err(reject(409, format!("task {task} is reported finished")));
                    }
                    None => return Err(reject(422, format!("unknown task {task}"))),
                };
                let rule = sc.plan.repairs.iter().find(|r| r.work == work);
                if rule.is_none_or(|r| r.crew != kind) {
                    return Err(reject(
                        422,
                        format!("a {} crew cannot do {work:?} work", kind.name()),
                    ));
                }
                // Taken by one of the team's own crews (on its way, at work,
                // or ordered this tick): the team knows where its crews are.
                let taken = t.pending_tasks.contains(task)
                    || query_crews(t.sim.world()).iter().any(|(_, a)| match a {
                        Activity::Driving { task: Some(k), .. }
                        | Activity::Working { task: k, .. } => k.0 == *task,
                        _ => false,
                    });
                if taken {
                    return Err(reject(409, format!("task {task} already has a crew")));
                }
                Ok(Inject::Assign {
                    crew: CrewId(*crew),
                    task: TaskId(*task),
                })
            }
            Order::Warn { zone } => {
                if !sc.region.zones.iter().any(|z| z.id.0 == *zone) {
                    return Err(reject(422, format!("unknown zone {zone}")));
                }
                // Any zone may be warned: one without a rule of its own
                // leaves as the plan's first rule says (the evacuation
                // model's `warn`), so only a plan without rules refuses.
                if sc.plan.evacuation.rules.is_empty() {
                    return Err(reject(
                        422,
                        "the plan has no evacuation rule to say how people leave",
                    ));
                }
                if t.warned.contains(zone) {
                    return Err(reject(409, format!("zone {zone} is already warned")));
                }
                Ok(Inject::Warn {
                    zone: ZoneId(*zone),
                })
            }
            Order::CloseRoad { edge } => {
                if sc.network.link(EdgeId(*edge)).is_none() {
                    return Err(reject(422, format!("unknown edge {edge}")));
                }
                if t.closed.contains(edge) {
                    return Err(reject(
                        409,
                        format!("edge {edge} is already closed by an order"),
                    ));
                }
                Ok(Inject::CloseEdge {
                    edge: EdgeId(*edge),
                    reason: format!("closed by order of team {team}"),
                    both_ways: true,
                    state: DamageState::None,
                })
            }
            Order::ReopenRoad { edge } => {
                if sc.network.link(EdgeId(*edge)).is_none() {
                    return Err(reject(422, format!("unknown edge {edge}")));
                }
                if !t.closed.contains(edge) {
                    return Err(reject(
                        409,
                        format!("edge {edge} was not closed by an order of this team"),
                    ));
                }
                Ok(Inject::OpenEdge {
                    edge: EdgeId(*edge),
                    both_ways: true,
                })
            }
            Order::MutualAid { kind, count, depot } => {
                if !(1..=20).contains(count) {
                    return Err(reject(422, "count must be 1–20"));
                }
                if !sc.plan.depots.iter().any(|d| d.id.0 == *depot) {
                    return Err(reject(422, format!("unknown depot {depot}")));
                }
                Ok(Inject::CallAid {
                    kind: *kind,
                    count: *count,
                    depot: DepotId(*depot),
                    delay_h: Hours(MUTUAL_AID_DELAY_H),
                })
            }
            Order::OpenShelter { facility } => {
                let f = sc
                    .region
                    .facilities
                    .iter()
                    .find(|f| f.id.0 == *facility)
                    .ok_or_else(|| reject(422, format!("unknown facility {facility}")))?;
                if f.kind != FacilityKind::Shelter {
                    return Err(reject(
                        422,
                        format!("facility {facility} is a {:?}, not a shelter", f.kind),
                    ));
                }
                if sc.plan.shelters.contains(&f.id) || t.opened.contains(facility) {
                    return Err(reject(409, format!("shelter {facility} is already open")));
                }
                Ok(Inject::OpenShelter { facility: f.id })
            }
            Order::Move { crew, node } => {
                let (_, act) = available_crew(t, *crew)?;
                let net = &sc.network;
                let dest = net
                    .node(NodeId(*node))
                    .ok_or_else(|| reject(422, format!("unknown node {node}")))?;
                let at = match act {
                    Activity::Idle { at } | Activity::Returning { at } => Some(at),
                    Activity::Driving { path, step, .. } => {
                        path.get(step).map(|&l| net.links[l as usize].to)
                    }
                    _ => None,
                };
                // Reachable as far as the team knows: closures it has not
                // been told of are found on the way (the crew reroutes, or
                // stays put and reports it).
                let edges = known_edges(sc, t);
                let reachable = at.is_some_and(|at| net.route(at, dest, &edges).is_some());
                if !reachable {
                    return Err(reject(
                        422,
                        format!("no road known to be open takes crew {crew} to node {node}"),
                    ));
                }
                Ok(Inject::MoveCrew {
                    crew: CrewId(*crew),
                    node: NodeId(*node),
                })
            }
            Order::Priorities { order } => {
                let mut seen = BTreeSet::new();
                if order.is_empty() || !order.iter().all(|w| seen.insert(*w)) {
                    return Err(reject(422, "priorities must list distinct work kinds"));
                }
                Ok(Inject::Priorities {
                    order: order.clone(),
                })
            }
        }
    }

    fn apply_order(&mut self, team: u32, order_id: u64, order: Order, inject: Inject) {
        let at_s = self.now();
        let t = self
            .teams
            .iter_mut()
            .find(|t| t.n == team)
            .expect("checked: team exists");
        t.next_order = t.next_order.max(order_id + 1);
        match &order {
            Order::Dispatch { crew, task } => {
                t.pending_crews.insert(*crew);
                t.pending_tasks.insert(*task);
            }
            Order::Move { crew, .. } => {
                t.pending_crews.insert(*crew);
            }
            Order::OpenShelter { facility } => {
                t.opened.insert(*facility);
            }
            Order::Warn { zone } => {
                t.warned.insert(*zone);
            }
            Order::CloseRoad { edge } => {
                t.closed.insert(*edge);
            }
            Order::ReopenRoad { edge } => {
                t.closed.remove(edge);
            }
            _ => {}
        }
        t.sim
            .world_mut()
            .resource_mut::<InjectQueue>()
            .push(SimTime(at_s), inject);
        t.orders.push(OrderRecord {
            order_id,
            at_s,
            order,
        });
    }

    /// Accept a player's order: check it, journal it (fsync), queue it for
    /// the next tick. Returns the order id.
    pub fn order(&mut self, team: u32, order: Order) -> Result<u64, Rejected> {
        if self.finished() {
            return Err(reject(409, "the drill has reached its horizon"));
        }
        let inject = self.check_order(team, &order)?;
        let order_id = self
            .teams
            .iter()
            .find(|t| t.n == team)
            .map_or(1, |t| t.next_order);
        let at_s = self.now();
        self.append(Entry::Order {
            at_s,
            team,
            order_id,
            order: order.clone(),
        })
        .map_err(|e| reject(503, e.to_string()))?;
        self.apply_order(team, order_id, order, inject);
        Ok(order_id)
    }

    /// Accept a controller inject for every team (journalled first).
    pub fn inject(&mut self, inject: Inject) -> Result<(), Rejected> {
        if self.finished() {
            return Err(reject(409, "the drill has reached its horizon"));
        }
        self.check_inject(&inject)?;
        let at_s = self.now();
        self.append(Entry::Inject {
            at_s,
            inject: inject.clone(),
        })
        .map_err(|e| reject(503, e.to_string()))?;
        self.apply_inject(inject, None);
        Ok(())
    }

    /// Whether the controller may send `inject`: one of the library's kinds,
    /// on a facility, road or zone of the region; an aftershock, aid delay
    /// or weather change the scenario can take (engine's `inject_problem`).
    fn check_inject(&self, inject: &Inject) -> Result<(), Rejected> {
        let sc = &self.scenario;
        let fac = |f: &FacilityId| sc.region.facilities.iter().any(|x| x.id == *f);
        let zone = |z: &ZoneId| sc.region.zones.iter().any(|x| x.id == *z);
        match inject {
            Inject::Damage { facility, .. } if !fac(facility) => {
                return Err(reject(422, format!("unknown facility {}", facility.0)));
            }
            Inject::CloseEdge { edge, .. } | Inject::OpenEdge { edge, .. }
                if sc.network.link(*edge).is_none() =>
            {
                return Err(reject(422, format!("unknown edge {}", edge.0)));
            }
            Inject::Contaminate { zone: z, .. } | Inject::Expose { zone: z } if !zone(z) => {
                return Err(reject(422, format!("unknown zone {}", z.0)));
            }
            Inject::Aftershock { .. } | Inject::DelayAid { .. } | Inject::Weather { .. } => {
                if let Some(why) = qilian_engine::scenario::inject_problem(&sc.file, inject) {
                    return Err(reject(422, why));
                }
            }
            Inject::Damage { .. }
            | Inject::CloseEdge { .. }
            | Inject::OpenEdge { .. }
            | Inject::Contaminate { .. }
            | Inject::Expose { .. } => {}
            _ => {
                return Err(reject(
                    422,
                    "controller injects are Damage, CloseEdge, OpenEdge, Contaminate, Expose, \
                     Aftershock, DelayAid or Weather",
                ));
            }
        }
        Ok(())
    }

    fn apply_inject(&mut self, inject: Inject, msel: Option<u32>) {
        let at_s = self.now();
        for t in &mut self.teams {
            t.sim
                .world_mut()
                .resource_mut::<InjectQueue>()
                .push(SimTime(at_s), inject.clone());
        }
        self.injects.push(InjectRecord { at_s, inject, msel });
    }

    /// Deliver a rumour or hoax call to `team` now: a report from a public
    /// call that no truth backs (journalled first). The team cannot tell
    /// it from a true call; the controller's view lists it as a hoax.
    pub fn hoax(&mut self, team: u32, hoax: Hoax) -> Result<(), Rejected> {
        if self.finished() {
            return Err(reject(409, "the drill has reached its horizon"));
        }
        self.check_hoax(team, &hoax)?;
        let at_s = self.now();
        self.append(Entry::Hoax {
            at_s,
            team,
            hoax: hoax.clone(),
        })
        .map_err(|e| reject(503, e.to_string()))?;
        self.apply_hoax(team, hoax);
        Ok(())
    }

    fn check_hoax(&self, team: u32, hoax: &Hoax) -> Result<(), Rejected> {
        if !self.teams.iter().any(|t| t.n == team) {
            return Err(reject(422, format!("no team {team}")));
        }
        let sc = &self.scenario;
        match hoax {
            Hoax::FacilityDamaged { facility, .. }
                if !sc.region.facilities.iter().any(|f| f.id.0 == *facility) =>
            {
                Err(reject(422, format!("unknown facility {facility}")))
            }
            Hoax::RoadBlocked { edge } if sc.network.link(EdgeId(*edge)).is_none() => {
                Err(reject(422, format!("unknown edge {edge}")))
            }
            Hoax::PeopleExposed { zone, .. }
                if !sc.region.zones.iter().any(|z| z.id.0 == *zone) =>
            {
                Err(reject(422, format!("unknown zone {zone}")))
            }
            Hoax::PeopleExposed { people, .. } if !(1..=100_000).contains(people) => {
                Err(reject(422, "people must be 1–100,000"))
            }
            _ => Ok(()),
        }
    }

    fn apply_hoax(&mut self, team: u32, hoax: Hoax) {
        let at_s = self.now();
        let kind = match &hoax {
            Hoax::FacilityDamaged { facility, state } => EventKind::FacilityDamaged {
                facility: FacilityId(*facility),
                state: *state,
            },
            Hoax::RoadBlocked { edge } => EventKind::EdgeClosed {
                edge: EdgeId(*edge),
                reason: "debris".into(),
            },
            Hoax::PeopleExposed { zone, people } => EventKind::ZoneExposed {
                zone: ZoneId(*zone),
                people: *people,
            },
        };
        if let Some(t) = self.teams.iter_mut().find(|t| t.n == team) {
            t.reports.push(Report {
                t_s: at_s,
                source: Source::PublicCall,
                event: SimEvent { t_s: at_s, kind },
            });
        }
        self.hoaxes.push(HoaxRecord { at_s, team, hoax });
    }

    /// Add an entry to the MSEL: `inject` for every team at `fire_s` (now
    /// or later, within the horizon). Journalled (fsync) first; returns
    /// the entry's number.
    pub fn msel_add(&mut self, fire_s: u64, inject: Inject) -> Result<u32, Rejected> {
        self.check_msel_time(fire_s)?;
        self.check_inject(&inject)?;
        let id = self.msel.iter().map(|m| m.id).max().unwrap_or(0) + 1;
        self.msel_change(MselOp::Add { id, fire_s, inject })?;
        Ok(id)
    }

    /// Move an MSEL entry that has not fired to `fire_s` (journalled first).
    pub fn msel_time(&mut self, id: u32, fire_s: u64) -> Result<(), Rejected> {
        self.check_msel_time(fire_s)?;
        self.msel_change(MselOp::Time { id, fire_s })
    }

    /// Take an MSEL entry that has not fired off the list (journalled
    /// first).
    pub fn msel_delete(&mut self, id: u32) -> Result<(), Rejected> {
        self.msel_change(MselOp::Delete { id })
    }

    fn check_msel_time(&self, fire_s: u64) -> Result<(), Rejected> {
        if self.finished() {
            return Err(reject(409, "the drill has reached its horizon"));
        }
        if fire_s < self.now() {
            return Err(reject(
                422,
                format!("{fire_s} s has passed (the drill is at {} s)", self.now()),
            ));
        }
        if fire_s >= self.scenario.horizon().0 {
            return Err(reject(422, "the time lies past the drill's horizon"));
        }
        Ok(())
    }

    /// Check `op` against the list, journal it, apply it.
    fn msel_change(&mut self, op: MselOp) -> Result<(), Rejected> {
        self.msel_open(&op)?;
        let at_s = self.now();
        self.append(Entry::Msel {
            at_s,
            op: op.clone(),
        })
        .map_err(|e| reject(503, e.to_string()))?;
        self.apply_msel(op)
    }

    /// The entry `op` changes must exist, not have fired and not be
    /// deleted (a new one must not exist yet).
    fn msel_open(&self, op: &MselOp) -> Result<(), Rejected> {
        let id = match op {
            MselOp::Add { id, .. } => {
                if self.msel.iter().any(|m| m.id == *id) {
                    return Err(reject(409, format!("MSEL entry {id} exists")));
                }
                return Ok(());
            }
            MselOp::Time { id, .. } | MselOp::Delete { id } => *id,
        };
        match self.msel.iter().find(|m| m.id == id) {
            None => Err(reject(404, format!("no MSEL entry {id}"))),
            Some(m) if m.deleted_s.is_some() => {
                Err(reject(409, format!("MSEL entry {id} was deleted")))
            }
            Some(m) if m.fired_s.is_some() => {
                Err(reject(409, format!("MSEL entry {id} has fired")))
            }
            Some(_) => Ok(()),
        }
    }

    fn apply_msel(&mut self, op: MselOp) -> Result<(), Rejected> {
        self.msel_open(&op)?;
        let now = self.now();
        match op {
            MselOp::Add { id, fire_s, inject } => self.msel.push(MselItem {
                id,
                fire_s,
                inject,
                added_s: now,
                fired_s: None,
                deleted_s: None,
            }),
            MselOp::Time { id, fire_s } => {
                if let Some(m) = self.msel.iter_mut().find(|m| m.id == id) {
                    m.fire_s = fire_s;
                }
            }
            MselOp::Delete { id } => {
                if let Some(m) = self.msel.iter_mut().find(|m| m.id == id) {
                    m.deleted_s = Some(now);
                }
            }
        }
        Ok(())
    }

    /// Apply the MSEL entries due by now (by time, then number), at the
    /// start of a tick.
    fn fire_msel(&mut self) {
        let now = self.now();
        let mut due: Vec<(u64, u32)> = self
            .msel
            .iter()
            .filter(|m| m.fired_s.is_none() && m.deleted_s.is_none() && m.fire_s <= now)
            .map(|m| (m.fire_s, m.id))
            .collect();
        due.sort_unstable();
        for (_, id) in due {
            let Some(m) = self.msel.iter_mut().find(|m| m.id == id) else {
                continue;
            };
            m.fired_s = Some(now);
            let inject = m.inject.clone();
            self.apply_inject(inject, Some(id));
        }
    }

    /// A team's truth journal.
    pub fn truth_events(&self, team: u32) -> &[SimEvent] {
        self.teams
            .iter()
            .find(|t| t.n == team)
            .map_or(&[], |t| &t.sim.world().resource::<Journal>().events)
    }

    /// The drill's default language (the template's; zh-CN if unreadable).
    pub fn language(&self) -> Lang {
        Lang::parse(&self.template.template.language).unwrap_or(Lang::ZhCn)
    }

    /// The team's crews as the team knows them (its own, so exactly), each
    /// with its name as the event sentences give it.
    fn crews_json(&self, t: &Team, names: &Narrator) -> Vec<Value> {
        let net = &self.scenario.network;
        let mut out: Vec<(u32, Value)> = query_crews(t.sim.world())
            .into_iter()
            .map(|(c, a)| {
                let (status, node, task) = match a {
                    Activity::Away => ("away", None, None),
                    Activity::Idle { at } => ("idle", Some(at), None),
                    Activity::Returning { at } => ("returning", Some(at), None),
                    Activity::Driving { task: None, path, step, .. } => {
                        let home = path.last().is_none_or(|&l| net.links[l as usize].to == c.home);
                        (if home { "returning" } else { "moving" }, path.get(step).map(|&l| net.links[l as usize].from), None)
                    }
                    Activity::Driving { task, path, step, .. } => {
                        ("driving", path.get(step).map(|&l| net.links[l as usize].from), task)
                    }
                    Activity::Resting { at, .. } => ("resting", Some(at), None),
                    Activity::Working { task, at, .. } => ("working", Some(at), Some(task)),
                };
                let pos = node.map(|n| {
                    let p = &net.nodes[n as usize];
                    json!([p.x, p.y])
                });
                (
                    c.id.0,
                    json!({
                        "id": c.id.0, "name": names.crew(c.id), "kind": c.kind.name(), "depot": c.depot.0,
                        "status": if t.pending_crews.contains(&c.id.0) { "ordered" } else { status },
                        "task": task.map(|t| t.0), "xy": pos,
                    }),
                )
            })
            .collect();
        out.sort_by_key(|x| x.0);
        out.into_iter().map(|x| x.1).collect()
    }

    /// What a team sees: its reports, crews, orders, and the tasks it has
    /// been told of that it has not been told are finished; sentences in
    /// the drill's language ([`Session::team_view_in`]).
    pub fn team_view(&self, team: u32) -> Option<Value> {
        self.team_view_in(team, self.language())
    }

    /// [`Session::team_view`] with each report's event sentence (the
    /// viewer's `Narrator`, knowing only the tasks the team was told of) and
    /// each crew's name in `lang`.
    pub fn team_view_in(&self, team: u32, lang: Lang) -> Option<Value> {
        let t = self.teams.iter().find(|t| t.n == team)?;
        let mut names = Narrator::new(&self.scenario, lang);
        let reports: Vec<Value> = t
            .reports
            .iter()
            .map(|r| {
                let mut v = json!(r);
                v["event"]["sentence"] = json!(names.sentence(&r.event));
                v
            })
            .collect();
        let tasks: Vec<Value> = known_tasks(t)
            .0
            .into_values()
            .filter_map(|(_, r)| match &r.event.kind {
                EventKind::TaskCreated {
                    task,
                    work,
                    subject,
                    state,
                } => Some(
                    json!({"task": task.0, "work": work, "subject": subject, "state": state, "reported_s": r.t_s,
                           "xy": self.subject_xy(work, *subject)}),
                ),
                _ => None,
            })
            .collect();
        Some(json!({
            "role": "team",
            "team": team,
            "clock": self.clock(),
            "reports": reports,
            "tasks": tasks,
            "crews": self.crews_json(t, &names),
            "orders": &t.orders[t.orders.len().saturating_sub(VIEW_ORDERS)..],
            "orders_total": t.orders.len(),
        }))
    }

    /// The controller's view: the clock, the realised hazards and injects,
    /// controller injects, and each team's truth, reports and orders; the
    /// latest [`TRUTH_EVENTS`] truth events of each team
    /// ([`Session::truth_page`] pages through older ones).
    pub fn truth(&self) -> Value {
        self.truth_page(None)
    }

    /// [`Session::truth`] with each team's truth events from number `since`
    /// on (0 is the first; at most [`TRUTH_EVENTS`] of them), or the latest
    /// [`TRUTH_EVENTS`] when `since` is `None`. Each team says which it
    /// lists: `events_from` (the number of the first listed) and
    /// `events_total`; its orders are the latest [`VIEW_ORDERS`], with
    /// `orders_total`.
    pub fn truth_page(&self, since: Option<usize>) -> Value {
        self.truth_page_in(since, self.language())
    }

    /// [`Session::truth_page`] with each event's sentence (the viewer's
    /// `Narrator`) and each crew's name in `lang`.
    pub fn truth_page_in(&self, since: Option<usize>, lang: Lang) -> Value {
        let teams: Vec<Value> = self
            .teams
            .iter()
            .map(|t| {
                let events = &t.sim.world().resource::<Journal>().events;
                let total = events.len();
                let from = since
                    .unwrap_or(total.saturating_sub(TRUTH_EVENTS))
                    .min(total);
                let to = total.min(from.saturating_add(TRUTH_EVENTS));
                let mut names = Narrator::new(&self.scenario, lang);
                for e in &events[..from] {
                    names.learn(e);
                }
                let listed: Vec<Value> = events[from..to]
                    .iter()
                    .map(|e| {
                        let mut v = json!(e);
                        v["sentence"] = json!(names.sentence(e));
                        v
                    })
                    .collect();
                json!({
                    "team": t.n,
                    "events": listed,
                    "events_from": from,
                    "events_total": total,
                    "reports": t.reports.len(),
                    "report_sources": count_sources(&t.reports),
                    "crews": self.crews_json(t, &names),
                    "orders": &t.orders[t.orders.len().saturating_sub(VIEW_ORDERS)..],
                    "orders_total": t.orders.len(),
                    "targets": self.live_targets(t),
                    "lives": lives(t.sim.world()),
                })
            })
            .collect();
        json!({
            "role": "controller",
            "clock": self.clock(),
            "scenario": {
                "name": self.scenario.name,
                "hazards": self.scenario.file.hazards,
                "injects": self.scenario.file.injects,
            },
            "controller_injects": self.injects,
            "msel": self.msel.iter().filter(|m| m.deleted_s.is_none()).collect::<Vec<_>>(),
            "hoaxes": self.hoaxes,
            "teams": teams,
        })
    }

    /// The restoration targets of a team's truth so far: for each, its
    /// deadline (hours after the onset) and `status`: `met` (met within its
    /// deadline and held since), `missed` (the deadline has passed),
    /// `not_yet` (the deadline lies ahead, within the drill) or
    /// `beyond` (the deadline lies past the drill's horizon and the
    /// target is not met yet: not reached in the drill, never missed).
    fn live_targets(&self, t: &Team) -> Vec<Value> {
        let world = t.sim.world();
        let run = qilian_engine::RunResult {
            scenario: self.scenario.clone(),
            seed: 0,
            replicate: 0,
            series: world
                .get_resource::<qilian_engine::sim::Series>()
                .cloned()
                .unwrap_or_default(),
            events: world.resource::<Journal>().events.clone(),
            kpis: BTreeMap::new(),
        };
        let now = self.now();
        let horizon_h = self.scenario.horizon().hours();
        let summary = crate::review::summarize_to(&run, now);
        let onset_h = summary.onset_h;
        summary
            .targets
            .iter()
            .map(|x| {
                let status = match x.verdict {
                    qilian_evaluator::Verdict::Met => "met",
                    qilian_evaluator::Verdict::Missed => "missed",
                    qilian_evaluator::Verdict::NotReachedByHorizon
                        if onset_h.unwrap_or(0.0) + x.deadline_h > horizon_h =>
                    {
                        "beyond"
                    }
                    qilian_evaluator::Verdict::NotReachedByHorizon => "not_yet",
                };
                json!({"name": x.name, "deadline_h": x.deadline_h, "met_at_h": x.met_at_h, "status": status})
            })
            .collect()
    }

    /// Where a task's subject lies: a facility's or zone's node, a road
    /// link's midpoint.
    fn subject_xy(&self, work: &WorkKind, subject: u32) -> Option<[f64; 2]> {
        let r = &self.scenario.region;
        let net = &self.scenario.network;
        let at = |id: NodeId| {
            net.node(id)
                .map(|n| [net.nodes[n as usize].x, net.nodes[n as usize].y])
        };
        match work {
            WorkKind::Facility(_) | WorkKind::StopLeak => r
                .facilities
                .iter()
                .find(|f| f.id.0 == subject)
                .and_then(|f| at(f.node)),
            WorkKind::Road | WorkKind::MainRoad | WorkKind::Bridge => {
                let l = &net.links[net.link(EdgeId(subject))? as usize];
                let (a, b) = (&net.nodes[l.from as usize], &net.nodes[l.to as usize]);
                Some([(a.x + b.x) / 2.0, (a.y + b.y) / 2.0])
            }
            WorkKind::Cleanup | WorkKind::FireLine | WorkKind::Rescue => r
                .zones
                .iter()
                .find(|z| z.id.0 == subject)
                .and_then(|z| at(z.node)),
        }
    }

    /// The public map: the region's geometry and the plan's depots (known
    /// to everyone before the drill).
    pub fn map(&self) -> Value {
        let r = &self.scenario.region;
        let net = &self.scenario.network;
        let node_xy = |id| {
            net.node(id)
                .map(|n| [net.nodes[n as usize].x, net.nodes[n as usize].y])
        };
        json!({
            "nodes": net.nodes.iter().map(|n| [n.x, n.y]).collect::<Vec<_>>(),
            "node_ids": net.nodes.iter().map(|n| n.id.0).collect::<Vec<_>>(),
            "edges": net.links.iter().enumerate().filter(|(i, l)| l.twin.is_none_or(|t| t as usize > *i)).map(|(_, l)| json!([l.id.0, l.from, l.to, l.main_road, l.twin.map(|t| net.links[t as usize].id.0), l.class, l.bridge.is_some()])).collect::<Vec<_>>(),
            "zones": r.zones.iter().map(|z| json!({"id": z.id.0, "name": z.name, "population": z.population, "xy": node_xy(z.node),
                "evacuable": self.scenario.plan.evacuation.rules.iter().any(|rule| rule.zones.contains(&z.id))})).collect::<Vec<_>>(),
            "facilities": r.facilities.iter().map(|f| json!({"id": f.id.0, "name": f.name, "kind": f.kind, "xy": node_xy(f.node)})).collect::<Vec<_>>(),
            "depots": self.scenario.plan.depots.iter().map(|d| json!({"id": d.id.0, "name": d.name, "xy": node_xy(d.node)})).collect::<Vec<_>>(),
            "start": self.template.template.start,
            "language": self.template.template.language,
            "name": self.template.template.name,
            "horizon_s": self.scenario.horizon().0,
            "crew_kinds": CrewKind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>(),
            "work_kinds": work_kinds(),
        })
    }
}

/// Lives so far in a team's truth: deaths, trapped people rescued alive,
/// people still trapped (all zeros before the casualty model has counted
/// anyone, or without one).
fn lives(world: &World) -> Value {
    let t = world
        .get_resource::<qilian_models::casualties::Casualties>()
        .map(|c| c.total())
        .unwrap_or_default();
    json!({"deaths": t.deaths, "rescued": t.rescued, "trapped": t.still_trapped, "injuries": t.injuries})
}

fn work_kinds() -> Vec<WorkKind> {
    let mut v: Vec<WorkKind> = [
        FacilityKind::Substation,
        FacilityKind::WaterPlant,
        FacilityKind::TelecomSite,
        FacilityKind::Hospital,
    ]
    .into_iter()
    .map(WorkKind::Facility)
    .collect();
    v.extend([
        WorkKind::MainRoad,
        WorkKind::Bridge,
        WorkKind::Road,
        WorkKind::Cleanup,
        WorkKind::StopLeak,
        WorkKind::FireLine,
        WorkKind::Rescue,
    ]);
    v
}

fn count_sources(reports: &[Report]) -> BTreeMap<Source, usize> {
    let mut m = BTreeMap::new();
    for r in reports {
        *m.entry(r.source).or_insert(0) += 1;
    }
    m
}

/// The tasks a team knows of: those reported created and not reported
/// finished (by the crew that did it, or by a crew that found it done), as
/// their work and `TaskCreated` report; and the ids of those reported
/// finished.
fn known_tasks(t: &Team) -> (BTreeMap<u64, (WorkKind, &Report)>, BTreeSet<u64>) {
    let mut open = BTreeMap::new();
    let mut closed = BTreeSet::new();
    for r in &t.reports {
        match &r.event.kind {
            EventKind::TaskCreated { task, work, .. } => {
                open.insert(task.0, (*work, r));
                closed.remove(&task.0);
            }
            EventKind::TaskFinished { task, .. }
            | EventKind::OrderDropped {
                task: Some(task),
                reason: DropReason::TaskClosed,
                ..
            } => {
                open.remove(&task.0);
                closed.insert(task.0);
            }
            _ => {}
        }
    }
    (open, closed)
}

/// The road network as the team knows it: link closures, damage and
/// reopenings it has been told of, and its own close and reopen orders,
/// in the order they happened (a report by the time of its event).
fn known_edges(sc: &Scenario, t: &Team) -> EdgeStates {
    let net = &sc.network;
    let mut changes: Vec<(u64, u8, LinkIx, EdgeState)> = Vec::new();
    for r in &t.reports {
        let (edge, state) = match &r.event.kind {
            EventKind::EdgeClosed { edge, reason } => (
                edge,
                EdgeState::Closed {
                    state: DamageState::None,
                    reason: reason.clone(),
                },
            ),
            EventKind::EdgeDamaged { edge, reason } => (
                edge,
                EdgeState::Damaged {
                    state: DamageState::None,
                    reason: reason.clone(),
                },
            ),
            EventKind::EdgeOpened { edge } => (edge, EdgeState::Open),
            _ => continue,
        };
        if let Some(l) = net.link(*edge) {
            changes.push((r.event.t_s, 0, l, state));
        }
    }
    for o in &t.orders {
        let (edge, state) = match o.order {
            Order::CloseRoad { edge } => (
                edge,
                EdgeState::Closed {
                    state: DamageState::None,
                    reason: "order".into(),
                },
            ),
            Order::ReopenRoad { edge } => (edge, EdgeState::Open),
            _ => continue,
        };
        // Orders apply both ways, after anything reported at the same time.
        if let Some(l) = net.link(EdgeId(edge)) {
            for l in std::iter::once(l).chain(net.links[l as usize].twin) {
                changes.push((o.at_s, 1, l, state.clone()));
            }
        }
    }
    changes.sort_by_key(|c| (c.0, c.1));
    let mut states = EdgeStates::new(net);
    for (_, _, l, s) in changes {
        states.set(l, s);
    }
    states
}

/// The team's crew `crew` and what it is doing, if it can take an order
/// now (arrived, not busy, resting or already ordered this tick).
fn available_crew(t: &Team, crew: u32) -> Result<(CrewKind, Activity), Rejected> {
    let (kind, act) = query_crews(t.sim.world())
        .into_iter()
        .find(|(c, _)| c.id.0 == crew)
        .map(|(c, a)| (c.kind, a))
        .ok_or_else(|| reject(422, format!("unknown crew {crew}")))?;
    if matches!(act, Activity::Away) {
        return Err(reject(409, format!("crew {crew} has not arrived yet")));
    }
    if act.busy() || matches!(act, Activity::Resting { .. }) || t.pending_crews.contains(&crew) {
        return Err(reject(409, format!("crew {crew} is busy")));
    }
    Ok((kind, act))
}

/// Crews and their activities, sorted by crew id.
fn query_crews(world: &World) -> Vec<(Crew, Activity)> {
    let mut out: Vec<(Crew, Activity)> = match world.try_query::<(&Crew, &Activity)>() {
        Some(mut q) => q.iter(world).map(|(c, a)| (c.clone(), a.clone())).collect(),
        None => Vec::new(),
    };
    out.sort_by_key(|c| c.0.id);
    out
}

/// A team's drill as played, for the review.
pub struct TeamRun {
    /// Team number.
    pub n: u32,
    /// The run up to the time reached.
    pub run: qilian_engine::RunResult,
    /// Reports delivered.
    pub reports: Vec<Report>,
    /// Orders accepted.
    pub orders: Vec<OrderRecord>,
}

impl Session {
    /// Close the session into each team's run as it stands.
    pub fn into_runs(self) -> Vec<TeamRun> {
        self.teams
            .into_iter()
            .map(|t| TeamRun {
                n: t.n,
                run: t.sim.finish(),
                reports: t.reports,
                orders: t.orders,
            })
            .collect()
    }
}
