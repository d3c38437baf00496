//! Exact times: events carry the second they happened, targets are met at
//! the exact time the measure reached its level, deadlines count from the
//! first hazard or inject, and a deadline past the horizon is not a miss.

use super::{run, scenario};
use qilian_engine::{EventKind, FacilityId, Service, ZoneId};
use qilian_evaluator::{Verdict, summarize};

const DAMAGE: &str = "(at_h: 0.0, event: Damage(facility: 10, state: Moderate))";

#[test]
fn a_repair_ending_after_the_deadline_is_missed_with_a_600_s_tick() {
    // The crew drives 100 s and works 2 h: the repair ends at 7300 s, in
    // the tick from 7200 s. The deadline is 2 h after the onset (0 s).
    let r = run(scenario(600, 4.0, 2.0, DAMAGE));
    let at = |want: &EventKind| r.events.iter().find(|e| &e.kind == want).map(|e| e.t_s);
    let repaired = at(&EventKind::FacilityRepaired {
        facility: FacilityId(10),
    });
    assert_eq!(repaired, Some(7300));
    let restored = at(&EventKind::ServiceRestored {
        zone: ZoneId(1),
        service: Service::Power,
    });
    assert_eq!(restored, Some(7300));
    assert!(
        r.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::CrewArrived { .. }) && e.t_s == 100),
        "the crew arrives 100 s in, not at the start of its tick"
    );
    let s = summarize(&r);
    assert_eq!(s.onset_h, Some(0.0));
    let power = &s.targets[1];
    assert_eq!(power.name, "power");
    assert_eq!(power.met_at_h, Some(2.027778));
    assert_eq!(power.verdict, Verdict::Missed);
    assert!(!power.met);
    // Five more minutes and it is met, at the same exact time.
    let s = summarize(&run(scenario(600, 4.0, 2.05, DAMAGE)));
    assert_eq!(s.targets[1].met_at_h, Some(2.027778));
    assert_eq!(s.targets[1].verdict, Verdict::Met);
}

#[test]
fn the_journal_is_in_time_order() {
    let r = run(scenario(600, 4.0, 2.0, DAMAGE));
    assert!(r.events.windows(2).all(|w| w[0].t_s <= w[1].t_s));
}

#[test]
fn onset_is_the_first_inject_and_a_deadline_past_the_horizon_is_not_reached() {
    // Damage at 0.5 h; repair ends 0.5 h + 100 s + 2 h; horizon 2 h.
    let injects = "(at_h: 0.5, event: Damage(facility: 10, state: Moderate))";
    let s = summarize(&run(scenario(60, 2.0, 2.0, injects)));
    assert_eq!(s.onset_h, Some(0.5));
    let power = &s.targets[1];
    assert_eq!(power.met_at_h, None);
    assert_eq!(power.verdict, Verdict::NotReachedByHorizon);
    // Never disrupted: met at 0, deadline or horizon.
    assert_eq!(s.targets[0].verdict, Verdict::Met);
    assert_eq!(s.targets[0].met_at_h, Some(0.0));
    // With the deadline (2.5 h) inside the run and the repair (2.53 h)
    // outside, it is missed.
    let s = summarize(&run(scenario(60, 2.52, 2.0, injects)));
    assert_eq!(s.targets[1].verdict, Verdict::Missed);
    assert_eq!(s.targets[1].met_at_h, None);
}
