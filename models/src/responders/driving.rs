//! Driving (Move phase): crews on the road advance by one tick, detour
//! around links closed ahead of them, and on arrival start work (its length
//! drawn from the plan) or wait; a crew returning from a finished task sets
//! off home first.

use super::{Activity, Crew, HazardWork, Rules, Subject, TaskBoard};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeStates, LinkIx, NodeIx};
use qilian_engine::{
    Clock, CrewId, DropReason, EventKind, Journal, Network, ScenarioRes, StopReason, StreamTag,
    Streams, TaskId,
};

const REPAIR_TIME: StreamTag = StreamTag::new("repair duration");

/// Advance every driving crew by one tick; reroute around closures met on the
/// way; start work on arrival. A crew returning from a finished task sets
/// off home first.
pub(super) fn drive(
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
    order.sort_by_key(|(id, ..)| *id);
    for (_, mut act, crew) in order {
        if let Activity::Returning { at } = *act {
            *act = set_off_home(at, crew.home, net, &edges);
            if let Activity::Idle { at } = *act {
                // Done where it is: at home already, or no way there.
                let kind = if at == crew.home {
                    EventKind::CrewReturned {
                        crew: crew.id,
                        depot: crew.depot,
                    }
                } else {
                    EventKind::CrewStopped {
                        crew: crew.id,
                        reason: StopReason::NoRoad,
                        until_s: None,
                    }
                };
                journal.record(clock.now, kind);
                continue;
            }
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
        let task = *task;
        let budget = clock.tick_s as f64;
        match advance(
            path,
            step,
            left_s,
            budget,
            net,
            &edges,
            crew.id,
            &clock,
            &mut journal,
        ) {
            Leg::OnRoad => {}
            Leg::Stuck(at) => {
                // No way through: give the task back and wait here.
                if let Some(t) = task.and_then(|t| board.tasks_mut().get_mut(&t)) {
                    t.crew = None;
                }
                *act = Activity::Idle { at };
                journal.record(
                    clock.now,
                    EventKind::CrewStopped {
                        crew: crew.id,
                        reason: StopReason::NoRoad,
                        until_s: None,
                    },
                );
            }
            Leg::Arrived { budget } => {
                let at = path.last().map_or(crew.home, |&l| net.links[l as usize].to);
                let site = Site { task, at, budget };
                arrive(
                    &mut act,
                    crew,
                    site,
                    &clock,
                    &streams,
                    &rules,
                    &mut board,
                    &mut journal,
                );
            }
        }
    }
}

/// A crew returning from a finished task: on the road home, or waiting
/// where it is when it is home already or has no way there.
fn set_off_home(at: NodeIx, home: NodeIx, net: &Network, edges: &EdgeStates) -> Activity {
    match net.route(at, home, edges) {
        Some(path) if !path.is_empty() => Activity::Driving {
            task: None,
            left_s: net.travel_time(path[0], edges).unwrap_or(0.0),
            path,
            step: 0,
        },
        // At home already, or no way there: it waits here.
        _ => Activity::Idle { at },
    }
}

/// How a tick on the road ended.
enum Leg {
    /// Still on the way.
    OnRoad,
    /// At the end of the path, with `budget` seconds of the tick left.
    Arrived { budget: f64 },
    /// Blocked at this node with no way on.
    Stuck(NodeIx),
}

/// Drive `path` from link `step`, `left_s` seconds from its end, for up to
/// `budget` seconds; a link closed ahead is detoured from the node before it
/// (journalled as `CrewRerouted`).
fn advance(
    path: &mut Vec<LinkIx>,
    step: &mut usize,
    left_s: &mut f64,
    mut budget: f64,
    net: &Network,
    edges: &EdgeStates,
    crew: CrewId,
    clock: &Clock,
    journal: &mut Journal,
) -> Leg {
    if path.is_empty() {
        return Leg::Arrived { budget };
    }
    while budget > 0.0 {
        if *left_s > budget {
            *left_s -= budget;
            return Leg::OnRoad;
        }
        budget -= *left_s;
        let at = net.links[path[*step] as usize].to;
        *step += 1;
        if *step == path.len() {
            return Leg::Arrived { budget };
        }
        match net.travel_time(path[*step], edges) {
            Some(t) => *left_s = t,
            None => {
                // Blocked ahead: find another way from here.
                let dest = net.links[*path.last().expect("non-empty") as usize].to;
                match net.route(at, dest, edges) {
                    Some(p) if !p.is_empty() => {
                        *left_s = net.travel_time(p[0], edges).unwrap_or(0.0);
                        *path = p;
                        *step = 0;
                        // At the node, part-way through the tick.
                        let t = clock.at(clock.tick_s as f64 - budget);
                        journal.record(t, EventKind::CrewRerouted { crew });
                    }
                    _ => return Leg::Stuck(at),
                }
            }
        }
    }
    Leg::OnRoad
}

/// Where a crew's drive ended.
struct Site {
    /// The task it drove to (`None`: home, or a node by order).
    task: Option<TaskId>,
    /// The node it reached.
    at: NodeIx,
    /// Seconds of the tick left on arrival.
    budget: f64,
}

/// A crew at the end of its path: at home or an ordered node it waits; at a
/// task it starts work, for the requester's hours or the plan's drawn for
/// the task; at a task finished meanwhile (sent by order) it finds it done.
fn arrive(
    act: &mut Activity,
    crew: &Crew,
    site: Site,
    clock: &Clock,
    streams: &Streams,
    rules: &Rules,
    board: &mut TaskBoard,
    journal: &mut Journal,
) {
    let Site { task, at, budget } = site;
    // It got there part-way through the tick, `budget` seconds before its end.
    let arrived = clock.at(clock.tick_s as f64 - budget);
    let Some(task_id) = task else {
        *act = Activity::Idle { at };
        // A crew moved by order to another node just waits there.
        if at == crew.home {
            journal.record(
                arrived,
                EventKind::CrewReturned {
                    crew: crew.id,
                    depot: crew.depot,
                },
            );
        }
        return;
    };
    let Some(t) = board.tasks.get(&task_id) else {
        // Sent by order to a task finished meanwhile: the crew finds it
        // done and says so.
        *act = Activity::Idle { at };
        journal.record(
            arrived,
            EventKind::OrderDropped {
                crew: crew.id,
                task: Some(task_id),
                reason: DropReason::TaskClosed,
            },
        );
        return;
    };
    let hours = t
        .hours
        .or_else(|| {
            rules.repair.get(&t.work).map(|r| {
                r.hours
                    .get(t.state)
                    .sample(&mut streams.stream(REPAIR_TIME, task_id.0))
            })
        })
        .unwrap_or(0.0)
        .max(0.0);
    // The Work phase of this tick takes a whole tick off; only `budget`
    // seconds of it are spent on site.
    *act = Activity::Working {
        task: task_id,
        at,
        left_s: hours * 3600.0 + (clock.tick_s as f64 - budget),
    };
    if let Subject::Hazard(..) = t.subject {
        let subject = t.subject;
        board
            .hazard_log
            .push((arrived, subject, HazardWork::Started));
    }
    journal.record(
        arrived,
        EventKind::CrewArrived {
            crew: crew.id,
            task: task_id,
        },
    );
}
