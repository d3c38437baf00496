//! The crew Gantt chart matches the journal: every bar starts at the
//! crew's event of its kind and ends at the crew's next event (or the time
//! a rest was set to end); "return to depot" ends when the crew is home.

use crate::demo_run;
use qilian_engine::{EventKind, SimTime, StopReason};
use qilian_viewer::charts::{Leg, crew_legs};

#[test]
fn every_gantt_leg_matches_the_crews_events() {
    let (run, _) = demo_run();
    let horizon_h = run.scenario.horizon().hours();
    let legs = crew_legs(run);
    assert!(legs.len() >= 8, "{} crews", legs.len());
    let h = |t: u64| SimTime(t).hours();
    let mut returns = 0;
    for (crew, bars) in &legs {
        // This crew's events that start or end a leg, in time order.
        let events: Vec<(f64, &EventKind)> = run
            .events
            .iter()
            .filter(|e| match &e.kind {
                EventKind::CrewDispatched { crew: c, .. }
                | EventKind::CrewArrived { crew: c, .. }
                | EventKind::TaskFinished { crew: c, .. }
                | EventKind::CrewReturned { crew: c, .. }
                | EventKind::CrewStopped { crew: c, .. } => c.0 == *crew,
                _ => false,
            })
            .map(|e| (h(e.t_s), &e.kind))
            .collect();
        for &(from, to, leg) in bars {
            let starts = events.iter().position(|(t, k)| {
                *t == from
                    && match leg {
                        Leg::Travel => matches!(k, EventKind::CrewDispatched { .. }),
                        Leg::Work => matches!(k, EventKind::CrewArrived { .. }),
                        Leg::Return => matches!(k, EventKind::TaskFinished { .. }),
                        Leg::Rest => matches!(
                            k,
                            EventKind::CrewStopped {
                                reason: StopReason::Rest,
                                ..
                            }
                        ),
                    }
            });
            let Some(i) = starts else {
                panic!("crew {crew}: {leg:?} bar from {from} h starts at no event of its kind");
            };
            if let (Leg::Rest, EventKind::CrewStopped { until_s, .. }) = (leg, events[i].1) {
                let end = h(until_s.unwrap()).min(horizon_h);
                assert_eq!(to, end, "crew {crew}: rest from {from} h");
                continue;
            }
            // The next event of the crew ends the bar; none: the horizon.
            let next = events[i + 1..].first();
            match next {
                Some((t, k)) => {
                    assert_eq!(to, *t, "crew {crew}: {leg:?} from {from} h ends at {k:?}");
                    if leg == Leg::Return {
                        assert!(
                            matches!(
                                k,
                                EventKind::CrewReturned { .. }
                                    | EventKind::CrewDispatched { .. }
                                    | EventKind::CrewStopped { .. }
                            ),
                            "crew {crew}: return from {from} h ends at {k:?}"
                        );
                    }
                }
                None => assert_eq!(to, horizon_h, "crew {crew}: {leg:?} from {from} h"),
            }
            if leg == Leg::Return {
                returns += 1;
                // Home (or sent on, or stopped) well before the end of the run.
                assert!(
                    to < horizon_h,
                    "crew {crew}: return from {from} h never ends"
                );
            }
        }
    }
    assert!(returns > 0);
}

/// No crew that works shifts is on site longer than its shift at a
/// stretch (plus the tick in which the shift ran out): a long repair is
/// handed over (or taken up again after the rest). In the demo a road crew used to work one
/// repair for 92 h without a break.
#[test]
fn no_stretch_of_work_outlasts_a_shift() {
    let (run, _) = demo_run();
    let s = &run.scenario;
    let tick_h = s.tick_s() as f64 / 3600.0;
    let mut checked = 0;
    for (crew, bars) in crew_legs(run) {
        let group = crew / 1000;
        let Some(shift) = s
            .plan
            .crews
            .iter()
            .find(|g| g.id == group)
            .and_then(|g| g.shift)
        else {
            continue;
        };
        for (from, to, leg) in bars {
            if leg == Leg::Work {
                checked += 1;
                assert!(
                    to - from <= shift.on_h.0 + tick_h + 1e-9,
                    "crew {crew} worked {:.1} h from {from:.1} h on {} h shifts",
                    to - from,
                    shift.on_h.0
                );
            }
        }
    }
    assert!(checked > 10, "{checked} stretches of work");
}
