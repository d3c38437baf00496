//! Drill rules: any zone can be warned; targets due after the drill's
//! horizon are "not reached in the drill", never missed; the review waits
//! for the drill's end unless forced.

use super::drill;
use qilian_drill::review::{restoration, review, summarize_to, target_cell};
use qilian_drill::session::{Order, Session};
use qilian_engine::EventKind;
use qilian_evaluator::Verdict;

#[test]
fn a_zone_no_plan_rule_names_can_be_warned_and_its_people_leave() {
    let dir = drill("warn-any-zone", 1);
    let mut s = Session::open(&dir).unwrap();
    let rules = &s.scenario.plan.evacuation.rules;
    let zone = s
        .scenario
        .region
        .zones
        .iter()
        .find(|z| z.population > 0 && !rules.iter().any(|r| r.zones.contains(&z.id)))
        .expect("the stock plan leaves some zones without a rule")
        .id
        .0;
    s.order(1, Order::Warn { zone })
        .expect("any zone can be warned");
    s.advance(2);
    let people = s
        .truth_events(1)
        .iter()
        .find_map(|e| match e.kind {
            EventKind::ZoneWarned {
                zone: z, people, ..
            } if z.0 == zone => Some(people),
            _ => None,
        })
        .expect("the warning happened");
    assert!(people > 0, "people of zone {zone} leave when warned");
    let again = s.order(1, Order::Warn { zone }).unwrap_err();
    assert_eq!(again.status, 409, "{}", again.message);
}

#[test]
fn review_refuses_a_running_drill_unless_forced() {
    let dir = drill("review-running", 1);
    {
        let mut s = Session::open(&dir).unwrap();
        s.advance(30);
        s.checkpoint().unwrap();
    }
    let e = review(&dir, false).unwrap_err();
    assert!(e.is_bad_input(), "exit 2");
    let m = e.to_string();
    assert!(m.contains("still running") && m.contains("--force"), "{m}");
    let (html, running) = review(&dir, true).unwrap();
    assert!(running.is_some(), "a forced review says the drill runs");
    assert!(html.contains("id=\"seed\""));
    // The timeline reads in sentences, Chinese with English beside, not
    // event JSON.
    assert!(
        html.contains("级地震") && html.contains("earthquake Mw"),
        "the earthquake in both languages"
    );
    assert!(!html.contains("&quot;kind&quot;") && !html.contains("\"kind\":"));
}

#[test]
fn targets_due_after_the_horizon_are_not_reached_in_the_drill() {
    // The test template runs 24 h; its targets are due at 48–120 h.
    let dir = drill("horizon-targets", 1);
    {
        let mut s = Session::open(&dir).unwrap();
        let ticks = s.scenario.horizon().0 / s.scenario.tick_s();
        s.advance(ticks + 1);
        assert!(s.finished());
        s.checkpoint().unwrap();
    }
    let s = Session::open(&dir).unwrap();
    let end = s.now();
    let horizon_h = s.scenario.horizon().0 as f64 / 3600.0;
    let run = s.into_runs().remove(0).run;
    let summary = summarize_to(&run, end);
    let mut not_reached = 0;
    for t in &summary.targets {
        let onset = summary.onset_h.unwrap_or(0.0);
        if !t.met {
            assert!(onset + t.deadline_h > horizon_h, "{t:?}");
            assert_eq!(t.verdict, Verdict::NotReachedByHorizon, "{t:?}");
            let cell = target_cell(t);
            assert!(
                cell.contains("未在演练时长内达到") && !cell.contains("missed"),
                "{cell}"
            );
            not_reached += 1;
        }
    }
    assert!(not_reached > 0, "some target is not reached in 24 h");
    // Left out of the score: only targets judged in the drill count.
    let judged = summary
        .targets
        .iter()
        .filter(|t| t.verdict != Verdict::NotReachedByHorizon)
        .count();
    assert_eq!(restoration(&summary).is_none(), judged == 0);
    if judged == 0 {
        assert_eq!(restoration(&summary), None);
    }
    let (html, running) = review(&dir, false).expect("a finished drill reviews");
    assert!(running.is_none());
    assert!(html.contains("未在演练时长内达到"));
    assert!(
        !html.contains(">未达到 missed"),
        "nothing is missed in a drill too short to judge it"
    );
}
