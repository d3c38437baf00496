//! Shifts (Decide phase, before dispatch): crews that work shifts count
//! their time on duty, rest once their shift is over and they have no task,
//! and come back on duty rested.

use super::dispatch::position;
use super::{Activity, Crew, Duty};
use bevy_ecs::prelude::*;
use qilian_engine::{Clock, ScenarioRes};

/// Count duty time; send crews that reached the end of their shift to rest
/// once they have no task, and bring rested crews back on duty.
pub(super) fn shifts(
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
