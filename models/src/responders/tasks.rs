//! Tasks (Tasks phase): one open task per damaged facility, blocked road
//! link pair and contaminated zone, and per piece of work a hazard model or
//! the casualty model asks for; each with a stable id and a rank from the
//! plan's priorities.

use super::{Rules, Subject, Task, TaskBoard};
use crate::infrastructure::{Facilities, Zones};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeState, EdgeStates, NodeIx};
use qilian_engine::scenario::{DamageState, Region, WorkKind};
use qilian_engine::{Clock, EventKind, Journal, Network, ScenarioRes, TaskId};
use std::collections::BTreeMap;

/// Rank of each facility: its kind's rank, or that of the most urgent
/// facility that (transitively) needs it.
pub(super) fn facility_ranks(region: &Region, rank: &BTreeMap<WorkKind, usize>) -> Vec<usize> {
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

/// A task to open.
struct NewTask {
    subject: Subject,
    work: WorkKind,
    state: DamageState,
    sites: Vec<NodeIx>,
    rank: usize,
    /// The id written to the journal.
    raw_id: u32,
    /// Hours on site set by the requester.
    hours: Option<f64>,
}

/// Open a task for every damaged facility, blocked road and dirty zone that
/// has none, and for the work hazard models and the casualty model ask for.
pub(super) fn create_tasks(
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
    let mut new: Vec<NewTask> = Vec::new();
    damaged_facilities(&rules, &fac, &board, &mut new);
    blocked_links(net, &rules, &edges, &mut board, &mut new);
    dirty_zones(&scenario.0.region, net, &rules, &zones, &board, &mut new);
    requested(&rules, &mut board, &mut new);
    for t in new {
        open(&clock, &mut board, &mut journal, t);
    }
}

/// Damaged facilities without an open task.
fn damaged_facilities(rules: &Rules, fac: &Facilities, board: &TaskBoard, new: &mut Vec<NewTask>) {
    for f in 0..fac.ids.len() {
        if fac.damage[f] != DamageState::None && !board.open.contains_key(&Subject::Facility(f)) {
            new.push(NewTask {
                subject: Subject::Facility(f),
                work: WorkKind::Facility(fac.kinds[f]),
                state: fac.damage[f],
                sites: vec![fac.nodes[f]],
                rank: rules.facility_rank[f],
                raw_id: fac.ids[f].0,
                hours: None,
            });
        }
    }
}

/// Blocked or damaged link pairs without an open task. Only links whose
/// states changed need a look: a link that stays blocked already has its
/// open task (a road task ends only by opening both directions, which is a
/// change).
fn blocked_links(
    net: &Network,
    rules: &Rules,
    edges: &EdgeStates,
    board: &mut TaskBoard,
    new: &mut Vec<NewTask>,
) {
    let last = rules.rank.len();
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
        if new.iter().any(|t| t.subject == Subject::Link(canonical)) {
            continue;
        }
        let work = if link.bridge.is_some() {
            WorkKind::Bridge
        } else if link.main_road {
            WorkKind::MainRoad
        } else {
            WorkKind::Road
        };
        let mut rank = rules.rank.get(&work).copied().unwrap_or(last);
        if link.main_road {
            rank = rank.min(rules.rank.get(&WorkKind::MainRoad).copied().unwrap_or(last));
        }
        let c = &net.links[canonical as usize];
        new.push(NewTask {
            subject: Subject::Link(canonical),
            work,
            state: damage,
            sites: vec![c.from, c.to],
            rank,
            raw_id: c.id.0,
            hours: None,
        });
    }
}

/// Contaminated zones without an open task.
fn dirty_zones(
    region: &Region,
    net: &Network,
    rules: &Rules,
    zones: &Zones,
    board: &TaskBoard,
    new: &mut Vec<NewTask>,
) {
    let last = rules.rank.len();
    for z in 0..zones.ids.len() {
        if zones.contaminated[z] && !board.open.contains_key(&Subject::Zone(z)) {
            let node = region.zones[z].node;
            let site = net.node(node).expect("validated: zone node exists");
            new.push(NewTask {
                subject: Subject::Zone(z),
                work: WorkKind::Cleanup,
                state: DamageState::Moderate,
                sites: vec![site],
                rank: rules.rank.get(&WorkKind::Cleanup).copied().unwrap_or(last),
                raw_id: zones.ids[z].0,
                hours: None,
            });
        }
    }
}

/// The work asked for since the last Tasks phase, on subjects without an
/// open or new task.
fn requested(rules: &Rules, board: &mut TaskBoard, new: &mut Vec<NewTask>) {
    let last = rules.rank.len();
    for r in std::mem::take(&mut board.requests) {
        if board.open.contains_key(&r.subject) || new.iter().any(|t| t.subject == r.subject) {
            continue;
        }
        new.push(NewTask {
            subject: r.subject,
            work: r.work,
            state: r.state,
            sites: r.sites,
            rank: rules.rank.get(&r.work).copied().unwrap_or(last),
            raw_id: r.raw_id,
            hours: r.hours,
        });
    }
}

/// Open a task under the next id of its subject and journal it.
fn open(clock: &Clock, board: &mut TaskBoard, journal: &mut Journal, t: NewTask) {
    let generation = board.generation.entry(t.subject).or_insert(0);
    let id = TaskId::new(t.subject.tag(), t.raw_id, *generation);
    *generation = generation.wrapping_add(1);
    board.open.insert(t.subject, id);
    board.created += 1;
    board.tasks_mut().insert(
        id,
        Task {
            id,
            subject: t.subject,
            work: t.work,
            state: t.state,
            sites: t.sites,
            rank: t.rank,
            created: clock.now,
            crew: None,
            hours: t.hours,
        },
    );
    journal.record(
        clock.now,
        EventKind::TaskCreated {
            task: id,
            work: t.work,
            subject: t.raw_id,
            state: t.state,
        },
    );
}
