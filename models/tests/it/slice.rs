//! Damage → task → dispatch → drive → repair, with hand-computed times.

use super::{first, run, scenario};
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};
use qilian_engine::{CrewId, EdgeId, EventKind, FacilityId, RunResult};
use qilian_testkit::leak;

#[test]
fn no_ambiguities_with_every_model() {
    let mut sim = qilian_models::standard_sim(scenario("", "[]"), 0);
    let settings = ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    };
    sim.check_schedule(settings).unwrap();
}

#[test]
fn crew_takes_fastest_route_and_repairs_for_drawn_hours() {
    // Damage at 1 h; crew at node 1; fastest route 1→5→3 = 100 s; work 2 h.
    let r = run(scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Moderate))",
        "[]",
    ));
    let d = first(&r, |k| matches!(k, EventKind::CrewDispatched { .. })).unwrap();
    assert_eq!(d.t_s, 3600);
    let EventKind::CrewDispatched { crew, eta_h, .. } = d.kind else {
        unreachable!()
    };
    assert_eq!(crew, CrewId(1001));
    assert!((eta_h * 3600.0 - 100.0).abs() < 0.01, "eta {eta_h}");
    // Arrives at 3700 s (3600 + 100 s), stamped at that second, not at
    // the start of its tick (3660).
    let a = first(&r, |k| matches!(k, EventKind::CrewArrived { .. })).unwrap();
    assert_eq!(a.t_s, 3700);
    // Finishes 2 h after arriving: at 10,900 s (in the tick from 10,860).
    let f = first(&r, |k| matches!(k, EventKind::FacilityRepaired { .. })).unwrap();
    assert_eq!(f.t_s, 10_900);
    let done = first(&r, |k| matches!(k, EventKind::TaskFinished { .. })).unwrap();
    assert_eq!(done.t_s, 10_900);
    // Then drives home.
    let home = first(&r, |k| matches!(k, EventKind::CrewReturned { .. })).unwrap();
    assert!(home.t_s > f.t_s && home.t_s <= f.t_s + 180);
}

#[test]
fn a_crew_that_finishes_goes_straight_on_to_waiting_work() {
    // S10 (node 3) repaired during the tick starting 10,860 (as above);
    // S11 (node 4) has waited since 1.5 h for the only power crew. It is
    // sent from the site, 3→4 = 100 s, not first one link toward home
    // (3→5, then back 5→3→4 = 200 s).
    let r = run(scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Moderate)),
         (at_h: 1.5, event: Damage(facility: 11, state: Slight))",
        "[]",
    ));
    let dispatched: Vec<_> = r
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::CrewDispatched { crew, eta_h, .. } => Some((e.t_s, crew, eta_h)),
            _ => None,
        })
        .collect();
    assert_eq!(dispatched.len(), 2, "{dispatched:?}");
    let (t, crew, eta_h) = dispatched[1];
    assert_eq!((t, crew), (10_920, CrewId(1001)));
    assert!((eta_h * 3600.0 - 100.0).abs() < 0.01, "eta {eta_h}");
    // It went home only after the second repair.
    let home = first(&r, |k| matches!(k, EventKind::CrewReturned { .. })).unwrap();
    assert!(home.t_s > 10_920 + 3600, "home at {}", home.t_s);
}

#[test]
fn closure_makes_crew_detour() {
    // Bypass closed: 1→2→3 = 200 s.
    let r = run(scenario(
        "(at_h: 0.5, event: CloseEdge(edge: 8, reason: \"rockfall\", state: None)),
         (at_h: 1.0, event: Damage(facility: 10, state: Moderate))",
        "[]",
    ));
    let d = first(&r, |k| {
        matches!(
            k,
            EventKind::CrewDispatched {
                crew: CrewId(1001),
                ..
            }
        )
    });
    let EventKind::CrewDispatched { eta_h, .. } = d.unwrap().kind else {
        unreachable!()
    };
    assert!((eta_h * 3600.0 - 200.0).abs() < 0.01, "eta {eta_h}");
    // An operational closure (state None) creates no road task.
    assert!(
        first(&r, |k| matches!(
            k,
            EventKind::TaskCreated { subject: 8, .. }
        ))
        .is_none()
    );
}

#[test]
fn blocked_only_path_waits_for_road_crew() {
    // Substation 11 at node 4 is reachable only over 3→4, which is blocked.
    let r = run(scenario(
        "(at_h: 1.0, event: CloseEdge(edge: 5, reason: \"landslide\")),
         (at_h: 1.0, event: Damage(facility: 11, state: Slight))",
        "[]",
    ));
    let opened = first(&r, |k| {
        matches!(k, EventKind::EdgeOpened { edge: EdgeId(5) })
    })
    .unwrap();
    let power = first(&r, |k| {
        matches!(
            k,
            EventKind::CrewDispatched {
                crew: CrewId(1001),
                ..
            }
        )
    })
    .unwrap();
    assert!(
        power.t_s > opened.t_s,
        "power crew sent at {} before road opened at {}",
        power.t_s,
        opened.t_s
    );
    assert!(
        first(&r, |k| matches!(
            k,
            EventKind::FacilityRepaired {
                facility: FacilityId(11)
            }
        ))
        .is_some()
    );
}

#[test]
fn priorities_put_the_hospital_feed_first() {
    // One power crew, two damaged substations: 11 feeds the hospital, so it
    // goes first although 10 is nearer.
    let r = run(scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Moderate)),
         (at_h: 1.0, event: Damage(facility: 11, state: Moderate))",
        "[]",
    ));
    let repaired: Vec<FacilityId> = r
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::FacilityRepaired { facility } => Some(facility),
            _ => None,
        })
        .collect();
    assert_eq!(repaired, vec![FacilityId(11), FacilityId(10)]);
}

#[test]
fn mutual_aid_arrives_and_works() {
    let r = run(scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Moderate)),
         (at_h: 1.0, event: Damage(facility: 11, state: Moderate))",
        "[(at_h: 2.0, crews: (id: 9, kind: Power, depot: 1, count: 1))]",
    ));
    let arrived = first(&r, |k| {
        matches!(k, EventKind::MutualAidArrived { group: 9, .. })
    })
    .unwrap();
    assert_eq!(arrived.t_s, 7200);
    let d = first(&r, |k| {
        matches!(
            k,
            EventKind::CrewDispatched {
                crew: CrewId(9001),
                ..
            }
        )
    })
    .unwrap();
    assert_eq!(d.t_s, 7200);
}

#[test]
fn same_seed_same_journal_for_any_thread_count() {
    let s = scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Extensive)),
         (at_h: 1.0, event: CloseEdge(edge: 5, reason: \"x\"))",
        "[]",
    );
    let in_pool = |n: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        pool.install(|| run(s.clone()))
    };
    let (a, b) = (in_pool(1), in_pool(2));
    assert_eq!(a.events, b.events);
    assert_eq!(a.series.values, b.series.values);
    assert!(!a.events.is_empty());
}

#[test]
fn crews_that_fail_to_show_up_are_drawn_per_replicate() {
    let s = super::scenario(
        "",
        "[(at_h: 0.0, crews: (id: 9, kind: Water, depot: 1, count: 100, show_up: 0.7))]",
    );
    let count = |replicate| {
        let mut sim = qilian_models::standard_sim(s.clone(), replicate);
        let world = sim.world_mut();
        let mut q = world.query::<&qilian_models::responders::Crew>();
        q.iter(world)
            .filter(|c| c.id.0 / 1000 == 9)
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    let (a, b) = (count(0), count(1));
    assert!((55..=85).contains(&a.len()), "{} of 100 showed up", a.len());
    assert_ne!(a, b, "replicates draw independently");
    assert_eq!(a, count(0), "a replicate always draws the same");
}

#[test]
fn crews_rest_between_shifts() {
    // One power crew working 1 h shifts with 2 h rests, and two 2 h repairs
    // from 1 h: no stretch on site is longer than a shift (plus the tick
    // in which the shift ran out). With no other crew to relieve it, the
    // crew hands the first repair over to itself: after each rest it is
    // sent back to the work left, and the repair ends 2 h of work plus the
    // rests after the first arrival.
    let mut s = (*super::scenario(
        "(at_h: 1.0, event: Damage(facility: 10, state: Moderate)),
         (at_h: 1.0, event: Damage(facility: 11, state: Moderate))",
        "[]",
    ))
    .clone();
    let plan = std::sync::Arc::make_mut(&mut s.plan);
    plan.crews[0].shift = Some(qilian_engine::scenario::Shift {
        on_h: qilian_engine::Hours(1.0),
        rest_h: qilian_engine::Hours(2.0),
    });
    let r = run(std::sync::Arc::new(s));
    let mine: Vec<(u64, &EventKind)> = r
        .events
        .iter()
        .filter(|e| match &e.kind {
            EventKind::CrewArrived { crew, .. }
            | EventKind::CrewStopped { crew, .. }
            | EventKind::TaskFinished { crew, .. } => *crew == CrewId(1001),
            _ => false,
        })
        .map(|e| (e.t_s, &e.kind))
        .collect();
    let first = |want: fn(&EventKind) -> bool| mine.iter().find(|(_, k)| want(k)).map(|e| e.0);
    let arrived = first(|k| matches!(k, EventKind::CrewArrived { .. })).expect("arrived");
    let finished = first(|k| matches!(k, EventKind::TaskFinished { .. })).expect("finished");
    let rests = mine
        .iter()
        .filter(|(t, k)| *t < finished && matches!(k, EventKind::CrewStopped { .. }))
        .count() as u64;
    assert!(rests >= 1, "{mine:?}");
    let least = arrived + 7200 + rests * 7200;
    assert!(
        (least..=least + rests * 120).contains(&finished),
        "finished at {finished}, {rests} rests: {mine:?}"
    );
    // Each stretch of work (an arrival to a rest or the finish) is at most
    // the shift plus one tick.
    let mut from = None;
    for (t, k) in &mine {
        match k {
            EventKind::CrewArrived { .. } => from = Some(*t),
            _ => {
                if let Some(f) = from.take() {
                    assert!(t - f <= 3600 + 60, "worked {} s from {f}: {mine:?}", t - f);
                }
            }
        }
    }
}

/// The power crew's dispatch to substation 11 (node 4, damaged at 1 h):
/// (eta s, where the crew was idle at 0.9 h).
fn dispatch_after_move(injects: &str) -> (f64, Option<qilian_engine::network::NodeIx>) {
    use qilian_models::responders::{Activity, Crew};
    let s = scenario(injects, "[]");
    let mut sim = qilian_models::standard_sim(s, 0);
    let mut idle_at = None;
    while !sim.finished() {
        sim.step();
        if sim.now().0 == 3240 {
            let w = sim.world_mut();
            let mut q = w.query::<(&Crew, &Activity)>();
            for (c, a) in q.iter(w) {
                if let (1001, Activity::Idle { at }) = (c.id.0, a) {
                    idle_at = Some(*at);
                }
            }
        }
    }
    let r = sim.finish();
    let d = first(
        &r,
        |k| matches!(k, EventKind::CrewDispatched { crew, .. } if crew.0 == 1001),
    )
    .expect("the power crew is dispatched");
    assert_eq!(d.t_s, 3600);
    let EventKind::CrewDispatched { eta_h, .. } = d.kind else {
        unreachable!()
    };
    (eta_h * 3600.0, idle_at)
}

#[test]
fn a_crew_moved_by_order_waits_at_the_node_and_is_dispatched_from_there() {
    let damage = "(at_h: 1.0, event: Damage(facility: 11, state: Moderate))";
    // Without the move: from the depot (node 1) by 1→5→3→4, 200 s.
    let (eta, at) = dispatch_after_move(damage);
    assert!((eta - 200.0).abs() < 0.01, "eta {eta}");
    let depot = at.expect("idle at home");
    // Moved to node 4 at 0.5 h: idle there, then dispatched on the spot.
    let (eta, at) = dispatch_after_move(&format!(
        "(at_h: 0.5, event: MoveCrew(crew: 1001, node: 4)), {damage}"
    ));
    let at = at.expect("idle after the move");
    assert_ne!(at, depot, "the crew left its depot");
    let net = scenario("", "[]").network.clone();
    assert_eq!(at, net.node(qilian_engine::NodeId(4)).unwrap());
    assert!(eta.abs() < 0.01, "dispatched from node 4: eta {eta}");
    // A move to a node no open road reaches is ignored: the crew stays home.
    let (eta, at) = dispatch_after_move(&format!(
        "(at_h: 0.2, event: CloseEdge(edge: 5, reason: \"x\", state: None)), \
         (at_h: 0.5, event: MoveCrew(crew: 1001, node: 4)), \
         (at_h: 0.9, event: OpenEdge(edge: 5)), {damage}"
    ));
    assert_eq!(at, Some(depot));
    assert!((eta - 200.0).abs() < 0.01, "eta {eta}");
}

/// [`super::scenario`] with both crews on shifts of `on_h` hours on and 1 h
/// of rest.
fn on_shifts(injects: &str, on_h: f64) -> std::sync::Arc<qilian_engine::Scenario> {
    use qilian_engine::scenario::{Embedded, load_from};
    use std::path::Path;
    let shift = format!("shift: Some((on_h: {on_h:?}, rest_h: 1.0))");
    let plan = super::PLAN
        .replace("MUTUAL_AID", "[]")
        .replace("count: 1)", &format!("count: 1, {shift})"));
    let text = format!(
        r#"Scenario(
            name: "t", region: "region.ron", plan: "plan.ron", horizon_h: 12.0, seed: 1,
            targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
            injects: [{injects}],
        )"#
    );
    let src = Embedded::of([
        ("t/s.ron", leak(text)),
        ("t/region.ron", super::REGION),
        ("t/plan.ron", leak(plan)),
    ]);
    std::sync::Arc::new(load_from(&src, Path::new("t/s.ron")).expect("valid"))
}

#[test]
fn duty_counts_hours_worked_not_idle_hours() {
    use qilian_engine::{StopReason, journal::EventKind as K};
    // 2 h shifts. The power crew drives 100 s and has 2 h of work from
    // 1 h: its shift runs out 100 s before the work is done, so it hands
    // the task over and rests 1 h; no other power crew: it is sent back
    // and finishes the 100 s left. The road crew never works: it never
    // rests (it did at 2 h when idle hours counted, with every other crew).
    let r = run(on_shifts(
        "(at_h: 1.0, event: Damage(facility: 10, state: Moderate))",
        2.0,
    ));
    let rests: Vec<(u64, CrewId)> = r
        .events
        .iter()
        .filter_map(|e| match e.kind {
            K::CrewStopped {
                crew,
                reason: StopReason::Rest,
                until_s,
            } => {
                assert_eq!(until_s, Some(e.t_s + 3600));
                Some((e.t_s, crew))
            }
            _ => None,
        })
        .collect();
    assert_eq!(rests.len(), 1, "{rests:?}");
    let (t, crew) = rests[0];
    assert_eq!(crew, CrewId(1001));
    // Stopped in the tick after 2 h of driving and work (from 3,600 s).
    assert!((10_800..10_800 + 120).contains(&t), "rested at {t}");
    let at = |want: fn(&K) -> bool| {
        r.events
            .iter()
            .filter(|e| want(&e.kind))
            .map(|e| e.t_s)
            .collect::<Vec<_>>()
    };
    let arrivals = at(|k| matches!(k, K::CrewArrived { .. }));
    assert_eq!(arrivals.len(), 2, "{arrivals:?}");
    assert!(
        (t + 3600..t + 3600 + 120).contains(&arrivals[1]),
        "{arrivals:?}"
    );
    // The work on site adds up to the same 2 h: the 100 s left after the
    // rest.
    let finished = at(|k| matches!(k, K::TaskFinished { .. }));
    assert_eq!(finished, [arrivals[1] + (10_900 - t)], "rested at {t}");
}

#[test]
fn delay_aid_holds_up_the_aid_not_yet_arrived_by_its_hours() {
    // Plan aid at 0.25 h (arrived before the delay) and at 2 h; two road
    // crews called at 0.5 h, due 2.5 h. The delay of 2.5 h at 1.5 h moves
    // the last two, not the first.
    let injects = "(at_h: 1.0, event: Damage(facility: 10, state: Moderate)),
         (at_h: 0.5, event: CallAid(kind: Road, count: 2, depot: 1, delay_h: 2.0))";
    let aid = "[(at_h: 0.25, crews: (id: 8, kind: Road, depot: 1, count: 1)),
                (at_h: 2.0, crews: (id: 9, kind: Power, depot: 1, count: 1))]";
    let arrivals = |r: &RunResult| -> Vec<(u32, u64)> {
        r.events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::MutualAidArrived { group, .. } => Some((group, e.t_s)),
                _ => None,
            })
            .collect()
    };
    let on_time = run(scenario(injects, aid));
    assert_eq!(arrivals(&on_time), [(8, 900), (9, 7200), (4000, 9000)]);
    let delayed = run(scenario(
        &format!("{injects}, (at_h: 1.5, event: DelayAid(hours: 2.5))"),
        aid,
    ));
    assert_eq!(
        arrivals(&delayed),
        [(8, 900), (9, 7200 + 9000), (4000, 9000 + 9000)]
    );
    let held = first(&delayed, |k| matches!(k, EventKind::AidDelayed { .. })).unwrap();
    assert_eq!(held.t_s, 5400);
    assert_eq!(
        held.kind,
        EventKind::AidDelayed {
            hours: 2.5,
            crews: 3
        }
    );
    // The delayed power crew works only once it is there.
    let d = first(&delayed, |k| {
        matches!(
            k,
            EventKind::CrewDispatched {
                crew: CrewId(9001),
                ..
            }
        )
    });
    assert!(d.is_none_or(|d| d.t_s >= 16_200), "{d:?}");
}
