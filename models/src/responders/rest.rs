//! Shifts (Decide phase, before dispatch): crews that work shifts count
//! their hours worked (driving or on site; idle time does not count), rest
//! once those reach the shift's length and they have no task, and come back
//! on duty rested. Crews that worked different hours rest at different
//! times, so rests are staggered as the work is.

use super::dispatch::position;
use super::{Activity, Crew, Duty};
use bevy_ecs::prelude::*;
use qilian_engine::{Clock, EventKind, Journal, ScenarioRes, StopReason};

/// Count hours worked; send crews that reached the end of their shift to
/// rest once they have no task (journalled `CrewStopped`), and bring rested
/// crews back on duty.
pub(super) fn shifts(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut crews: Query<(&Crew, &mut Activity, &mut Duty)>,
    mut journal: ResMut<Journal>,
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
                // Last tick's activity: hours worked are hours driving or on
                // site, not waiting.
                if matches!(*act, Activity::Driving { .. } | Activity::Working { .. }) {
                    duty.0 += dt;
                }
                if duty.0 >= on_s
                    && let Some((at, _)) = position(&act, net)
                {
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
