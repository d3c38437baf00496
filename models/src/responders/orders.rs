//! Command orders (Tasks phase, after task creation, before dispatch):
//! `Assign`, `MoveCrew`, `Priorities` and `CallAid`, from a drill's players
//! or a scenario's injects.

use super::dispatch::{position, set_route};
use super::mutual_aid::call_aid;
use super::tasks::facility_ranks;
use super::{Activity, CalledAid, Crew, Rules, Subject, TaskBoard};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeStates, LinkIx, NodeIx};
use qilian_engine::scenario::{Inject, Region, WorkKind};
use qilian_engine::sim::DueInjects;
use qilian_engine::units::round6;
use qilian_engine::{Clock, CrewId, DropReason, EventKind, Journal, Network, ScenarioRes, TaskId};
use std::collections::BTreeMap;

/// Apply command orders (`Assign`, `MoveCrew`, `Priorities`, `CallAid`) due this tick
/// (Tasks phase, after task creation, before dispatch).
/// An `Assign` or `MoveCrew` that no longer fits the true state (task
/// taken, crew unavailable, no open road) is dropped and recorded as
/// `OrderDropped`; a crew assigned to a task finished meanwhile drives there
/// and records the drop on arrival (`drive`). The drill server checks orders
/// only against what the team knows, so the truth has the last word here,
/// and the team hears of it only through its reports.
pub(super) fn orders(
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
                match assignment(c, &act, *task, net, &edges, &rules, &board) {
                    Ok(Route { path, eta_s }) => {
                        set_route(&mut act, Some(*task), path, net, &edges);
                        if let Some(t) = board.tasks_mut().get_mut(task) {
                            t.crew = Some(c.id);
                        }
                        journal.record(
                            clock.now,
                            EventKind::CrewDispatched {
                                crew: c.id,
                                task: *task,
                                eta_h: round6(eta_s / 3600.0),
                            },
                        );
                    }
                    Err(reason) => dropped(&mut journal, &clock, *crew, Some(*task), reason),
                }
            }
            Inject::MoveCrew { crew, node } => {
                let Some(dest) = net.node(*node) else {
                    continue;
                };
                let Some((_, mut act)) = crews.iter_mut().find(|(c, _)| c.id == *crew) else {
                    continue;
                };
                match way_to(&act, dest, net, &edges) {
                    // Already there and not on the road: it waits here.
                    Ok(path) if path.is_empty() && !matches!(*act, Activity::Driving { .. }) => {
                        *act = Activity::Idle { at: dest };
                    }
                    Ok(path) => set_route(&mut act, None, path, net, &edges),
                    Err(reason) => dropped(&mut journal, &clock, *crew, None, reason),
                }
            }
            Inject::Priorities { order } => {
                set_priorities(order, &scenario.0.region, &mut rules, &mut board);
            }
            Inject::CallAid {
                kind,
                count,
                depot,
                delay_h,
            } => {
                let s = &scenario.0;
                call_aid(
                    &mut commands,
                    &clock,
                    &mut called,
                    s,
                    *kind,
                    *count,
                    *depot,
                    *delay_h,
                );
            }
            _ => {}
        }
    }
}

/// Journal an order that no longer fits.
fn dropped(
    journal: &mut Journal,
    clock: &Clock,
    crew: CrewId,
    task: Option<TaskId>,
    reason: DropReason,
) {
    journal.record(clock.now, EventKind::OrderDropped { crew, task, reason });
}

/// The way an ordered crew takes to its task.
struct Route {
    /// Links from the node the crew is at or heading for.
    path: Vec<LinkIx>,
    /// Seconds to the site, counting those to that node.
    eta_s: f64,
}

/// The route of crew `c` to `task` by the nearest of its sites, or why the
/// order is dropped. A task finished already is driven to all the same: the
/// crew finds it done on site (see `drive`), as a real crew would, rather
/// than the order vanishing at once.
fn assignment(
    c: &Crew,
    act: &Activity,
    task: TaskId,
    net: &Network,
    edges: &EdgeStates,
    rules: &Rules,
    board: &TaskBoard,
) -> Result<Route, DropReason> {
    let (at, off) = position(act, net).ok_or(DropReason::CrewUnavailable)?;
    let (work, sites) = match board.tasks.get(&task) {
        Some(t) if t.crew.is_some() => return Err(DropReason::TaskTaken),
        Some(t) => (t.work, t.sites.clone()),
        None => match board.closed.get(&task) {
            Some((work, sites)) => (*work, sites.clone()),
            None => return Err(DropReason::TaskClosed),
        },
    };
    if rules.repair.get(&work).map(|r| r.crew) != Some(c.kind) {
        return Err(DropReason::WrongKind);
    }
    let best = sites
        .iter()
        .map(|&site| {
            let tree = net.tree_to_reaching(site, edges, &[at]);
            (tree.time[at as usize], tree.path(net, at))
        })
        .filter(|(time, p)| time.is_finite() && p.is_some())
        .min_by(|(a, _), (b, _)| a.total_cmp(b));
    let Some((eta, Some(path))) = best else {
        return Err(DropReason::NoRoad);
    };
    Ok(Route {
        path,
        eta_s: off + eta,
    })
}

/// The way from where a crew stands to `dest`, or why a `MoveCrew` order
/// is dropped (blocked from where it stands: it stays there).
fn way_to(
    act: &Activity,
    dest: NodeIx,
    net: &Network,
    edges: &EdgeStates,
) -> Result<Vec<LinkIx>, DropReason> {
    let (at, _) = position(act, net).ok_or(DropReason::CrewUnavailable)?;
    net.route(at, dest, edges).ok_or(DropReason::NoRoad)
}

/// New priorities: re-rank the work kinds, the facilities and every open
/// task.
fn set_priorities(order: &[WorkKind], region: &Region, rules: &mut Rules, board: &mut TaskBoard) {
    let rank: BTreeMap<WorkKind, usize> = order.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    let facility_rank = facility_ranks(region, &rank);
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
