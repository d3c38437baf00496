//! Mutual aid: the plan's crews spawned at build time (those that show up in
//! this replicate), crews called in by `CallAid` orders, their arrival
//! (Inject phase), and `DelayAid` injects that hold up those not yet there.

use super::{Activity, Crew, Duty};
use bevy_ecs::prelude::*;
use qilian_engine::network::NodeIx;
use qilian_engine::scenario::{CrewGroup, CrewKind};
use qilian_engine::{
    Clock, CrewId, DepotId, EventKind, Hours, Journal, Scenario, SimTime, StreamTag, Streams,
};

/// One call for crews by an `Inject::CallAid` order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AidCall {
    /// Group id of the called crews (from [`CALLED_GROUP_BASE`] up).
    pub group: u32,
    /// Their kind.
    pub kind: CrewKind,
    /// How many.
    pub count: u32,
    /// When they arrive.
    pub at: SimTime,
}

/// Crews called in by `Inject::CallAid` orders, in order of the calls.
#[derive(Clone, Debug, Default, Resource)]
pub struct CalledAid(pub Vec<AidCall>);

/// The plan's mutual-aid groups and when they arrive (later than the
/// plan's `at_h` once a `DelayAid` held them up), in plan order.
#[derive(Clone, Debug, Default, Resource)]
pub struct PlannedAid(pub Vec<AidCall>);

impl PlannedAid {
    /// The plan's groups at the plan's hours.
    pub(super) fn of(scenario: &Scenario) -> PlannedAid {
        PlannedAid(
            scenario
                .plan
                .mutual_aid
                .iter()
                .map(|m| AidCall {
                    group: m.crews.id,
                    kind: m.crews.kind,
                    count: m.crews.count,
                    at: SimTime::from_hours(m.at_h),
                })
                .collect(),
        )
    }
}

/// Group ids of called crews start here, above any plan's groups (≤ 999
/// crews each, see `CrewId::of_group`).
pub const CALLED_GROUP_BASE: u32 = 4000;

const SHOW_UP: StreamTag = StreamTag::new("crew show-up");

/// Spawn the crews of a group that turn up in this replicate.
pub(super) fn spawn_group(world: &mut World, g: &CrewGroup, home: NodeIx, from: SimTime) {
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

/// Crews due by the end of this tick wait at their depot; each group that
/// arrives this tick is journalled.
pub(super) fn mutual_aid_arrives(
    clock: Res<Clock>,
    planned: Res<PlannedAid>,
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
    for call in planned.0.iter().chain(&called.0).copied() {
        if call.at >= clock.now && call.at < clock.tick_end() {
            journal.record(
                call.at,
                EventKind::MutualAidArrived {
                    group: call.group,
                    crew_kind: call.kind,
                    count: call.count,
                },
            );
        }
    }
}

/// Answer a `CallAid` order: `count` crews of `kind` (clamped to 1–99)
/// report to `depot`, arriving `delay_h` from now, as a new group spawned
/// away until then. An order naming no depot of the plan is ignored.
pub(super) fn call_aid(
    commands: &mut Commands,
    clock: &Clock,
    called: &mut CalledAid,
    scenario: &Scenario,
    kind: CrewKind,
    count: u32,
    depot: DepotId,
    delay_h: Hours,
) {
    let Some(home) = scenario
        .plan
        .depots
        .iter()
        .find(|d| d.id == depot)
        .and_then(|d| scenario.network.node(d.node))
    else {
        return;
    };
    let group = CALLED_GROUP_BASE + called.0.len() as u32;
    let from = clock.now.plus((delay_h.0.max(0.0) * 3600.0).round() as u64);
    let count = count.clamp(1, 99);
    called.0.push(AidCall {
        group,
        kind,
        count,
        at: from,
    });
    // Called-in crews work the shifts of the plan's crews of their kind
    // (none if the plan has no such group or it works no shifts).
    let shift_s = scenario
        .plan
        .crews
        .iter()
        .find(|g| g.kind == kind)
        .and_then(|g| g.shift)
        .map(|s| (s.on_h.0 * 3600.0, s.rest_h.0 * 3600.0));
    for k in 1..=count {
        commands.spawn((
            Crew {
                id: CrewId::of_group(group, k),
                kind,
                depot,
                home,
                from,
                shift_s,
            },
            Activity::Away,
            Duty::default(),
        ));
    }
}

/// Inject phase, before [`mutual_aid_arrives`]: each `DelayAid` inject of
/// this tick moves every mutual-aid arrival not yet due (at or after now:
/// the plan's groups and the `CallAid` calls so far) `hours` later, and
/// journals `AidDelayed` with the crews it held up. A call ordered in the
/// same tick is made after it (orders are read in the Tasks phase) and is
/// not delayed.
pub(super) fn delay_aid(
    clock: Res<Clock>,
    due: Res<qilian_engine::sim::DueInjects>,
    mut planned: ResMut<PlannedAid>,
    mut called: ResMut<CalledAid>,
    mut crews: Query<(&mut Crew, &Activity)>,
    mut journal: ResMut<Journal>,
) {
    for inj in &due.0 {
        let qilian_engine::scenario::Inject::DelayAid { hours } = *inj else {
            continue;
        };
        let shift = (hours.max(0.0) * 3600.0).round() as u64;
        let mut held = 0u32;
        for (mut crew, act) in &mut crews {
            if matches!(act, Activity::Away) && crew.from >= clock.now {
                crew.from = crew.from.plus(shift);
                held += 1;
            }
        }
        for call in planned.0.iter_mut().chain(called.0.iter_mut()) {
            if call.at >= clock.now {
                call.at = call.at.plus(shift);
            }
        }
        journal.record(clock.now, EventKind::AidDelayed { hours, crews: held });
    }
}
