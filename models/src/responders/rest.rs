//! Shifts (Decide phase, before dispatch): crews that work shifts count
//! their hours worked (driving or on site; idle time does not count) and
//! rest once those reach the shift's length, then come back on duty rested.
//! Crews that worked different hours rest at different times, so rests are
//! staggered as the work is.
//!
//! A crew whose shift ends while it works on site hands the task over: it
//! rests there, and the task goes back on the board with the hours of work
//! left, for the next crew of the kind — a relief crew, or the same crew
//! once rested (it is then on site). So a long repair goes on round the
//! clock when there are crews to relieve each other, as shift rotas do,
//! and no crew is on site longer than a shift. A crew driving to a task
//! drives on and rests after its first tick on site; one with no task rests
//! where it is.

use super::dispatch::position;
use super::{Activity, Crew, Duty, TaskBoard};
use bevy_ecs::prelude::*;
use qilian_engine::{Clock, EventKind, Journal, ScenarioRes, StopReason};

/// Count hours worked; send crews that reached the end of their shift to
/// rest (journalled `CrewStopped`), handing over the task of those on site,
/// and bring rested crews back on duty.
pub(super) fn shifts(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut board: ResMut<TaskBoard>,
    mut crews: Query<(&Crew, &mut Activity, &mut Duty)>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    let dt = clock.tick_s as f64;
    let mut sorted: Vec<_> = crews.iter_mut().collect();
    sorted.sort_by_key(|(c, ..)| c.id);
    for (crew, mut act, mut duty) in sorted {
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
                // Last tick's activity: hours worked are hours driving or on
                // site, not waiting.
                if matches!(*act, Activity::Driving { .. } | Activity::Working { .. }) {
                    duty.0 += dt;
                }
                if duty.0 < on_s {
                    continue;
                }
                let at = match *act {
                    Activity::Working { task, at, left_s } => {
                        // Hand over: the work left, to whichever crew
                        // dispatch sends next.
                        if let Some(t) = board.tasks_mut().get_mut(&task) {
                            t.hours = Some(left_s.max(0.0) / 3600.0);
                            t.crew = None;
                        }
                        Some(at)
                    }
                    _ => position(&act, net).map(|(at, _)| at),
                };
                if let Some(at) = at {
                    let until = clock.now.plus(rest_s.round() as u64);
                    *act = Activity::Resting { at, until };
                    journal.record(
                        clock.now,
                        EventKind::CrewStopped {
                            crew: crew.id,
                            reason: StopReason::Rest,
                            until_s: Some(until.0),
                        },
                    );
                }
            }
        }
    }
}
