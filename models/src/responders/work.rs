//! Work on site (Work phase): a crew's time on its task runs down; when it
//! is done the subject is repaired (facility, link pair, zone) or the
//! requester told (hazard work, rescue), and the crew turns for home.

use super::{Activity, Crew, HazardWork, Subject, TaskBoard};
use crate::infrastructure::{Facilities, Zones};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeState, EdgeStates};
use qilian_engine::scenario::DamageState;
use qilian_engine::sim::set_edge;
use qilian_engine::{Clock, CrewId, EventKind, Journal, ScenarioRes};

/// Progress work; on completion repair the subject and send the crew home
/// (dispatch may give it a new task on the way).
pub(super) fn work(
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
    order.sort_by_key(|(id, ..)| *id);
    for (_, mut act, crew) in order {
        let Activity::Working { task, at, left_s } = &mut *act else {
            continue;
        };
        *left_s -= dt;
        if *left_s > 0.0 {
            continue;
        }
        // The work ended part-way through this tick, `-left_s` seconds
        // before its end.
        let done = clock.at(dt + *left_s);
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
                fac.changed_at[f] = done;
                journal.record(
                    done,
                    EventKind::FacilityRepaired {
                        facility: fac.ids[f],
                    },
                );
            }
            Subject::Link(l) => {
                for l in std::iter::once(l).chain(net.links[l as usize].twin) {
                    set_edge(net, &mut edges, &mut journal, done, l, EdgeState::Open);
                }
            }
            Subject::Zone(z) => {
                zones.contaminated[z] = false;
                journal.record(done, EventKind::ZoneCleaned { zone: zones.ids[z] });
            }
            Subject::Hazard(..) | Subject::Rescue(_) => {
                board
                    .hazard_log
                    .push((done, t.subject, HazardWork::Finished));
            }
        }
        journal.record(
            done,
            EventKind::TaskFinished {
                crew: crew.id,
                task: task_id,
            },
        );
        *act = Activity::Returning { at: here };
    }
}
