//! Casualties by cause and the rescue of trapped people, on the valley of
//! `runs.rs` (five zones of 1,000 people on a road across a river; nobody
//! evacuates, so everyone a hazard reaches is still there).

use super::runs::{ALL_CREWS, CHLORINE, FIRE, FLOOD, QUAKE, run, run_threads, valley, valley_with};
use qilian_engine::scenario::WorkKind;
use qilian_engine::{EventKind, RunResult};
use serde_json::Value;

const CAUSES: [&str; 5] = ["chemical", "earthquake", "fire", "flood", "road"];

fn cas(r: &RunResult) -> &Value {
    &r.kpis["casualties"]
}

fn of(r: &RunResult, cause: &str, key: &str) -> u64 {
    cas(r)["by_cause"][cause][key]
        .as_u64()
        .unwrap_or_else(|| panic!("{cause}.{key} in {}", cas(r)))
}

fn total(r: &RunResult, key: &str) -> u64 {
    cas(r)[key].as_u64().unwrap()
}

/// Only `cause` has anyone affected.
fn only(r: &RunResult, cause: &str) {
    for c in CAUSES {
        if c != cause {
            assert_eq!(of(r, c, "affected"), 0, "{c} in {}", cas(r));
            assert_eq!(of(r, c, "deaths"), 0, "{c} in {}", cas(r));
        }
    }
}

#[test]
fn nobody_is_hurt_when_no_hazard_reaches_anyone() {
    // No hazard at all; then a chlorine release 1 km south of the road
    // whose wind carries it further south, away from every zone (their
    // people spread at most 500 m from the road).
    let quiet = run(valley("", ALL_CREWS, "", 4.0));
    for c in CAUSES {
        for k in ["affected", "deaths", "injuries", "trapped"] {
            assert_eq!(of(&quiet, c, k), 0, "{c}.{k}");
        }
    }
    assert_eq!(total(&quiet, "deaths"), 0);
    assert_eq!(total(&quiet, "rescue_tasks"), 0);
    let away = CHLORINE
        .replace("from_deg: 270.0", "from_deg: 0.0")
        .replace("Facility(61)", "Point(500.0, 1000.0)");
    let r = run(valley(&away, ALL_CREWS, "", 4.0));
    assert_eq!(total(&r, "deaths"), 0, "{}", cas(&r));
    assert_eq!(of(&r, "chemical", "affected"), 0);
}

#[test]
fn a_release_inside_a_zone_hurts_the_people_around_it() {
    // The plant is at zone 1's node and the wind blows south, away from
    // every other zone: only zone 1's own people, spread around its node,
    // meet the gas, and those close downwind die (one point per zone would
    // put all of them at the source, where a Gaussian puff has no answer).
    let south = CHLORINE.replace("from_deg: 270.0", "from_deg: 0.0");
    let r = run(valley(&south, ALL_CREWS, "", 6.0));
    only(&r, "chemical");
    assert_eq!(of(&r, "chemical", "affected"), 1000, "{}", cas(&r));
    let deaths = of(&r, "chemical", "deaths");
    // Half the disc is upwind: not everyone dies, and somebody does.
    assert!(deaths > 0 && deaths < 700, "{}", cas(&r));
}

#[test]
fn each_hazard_hurts_under_its_own_cause() {
    // Rates raised so that a few hundred people give certain counts (and
    // no shallow-water taper: the valley's water is shallow).
    let rates = "casualties: (flood_mortality_mu: 0.0, flood_mortality_sigma: 1.0, \
                 flood_mortality_onset_m: 0.0, fire_death_rate: 0.2, fire_injury_rate: 0.3),";
    let flood = run(valley_with(
        FLOOD,
        ALL_CREWS,
        "road_close_depth_m: 0.3",
        12.0,
        rates,
    ));
    only(&flood, "flood");
    assert!(of(&flood, "flood", "affected") >= 1000, "{}", cas(&flood));
    assert!(of(&flood, "flood", "deaths") > 0, "{}", cas(&flood));

    // No fire crews: their fire lines would hold the zones.
    let no_fire_crews = "(id: 1, kind: Power, depot: 1, count: 1), (id: 2, kind: Road, depot: 1, count: 1), \
         (id: 3, kind: Hazmat, depot: 1, count: 1)";
    let fire = run(valley_with(FIRE, no_fire_crews, "", 8.0, rates));
    only(&fire, "fire");
    let affected = of(&fire, "fire", "affected");
    assert!(affected >= 2000, "two zones burn: {}", cas(&fire));
    let deaths = of(&fire, "fire", "deaths") as f64;
    // Binomial(n, 0.2): within 5 standard deviations.
    let sd = (affected as f64 * 0.2 * 0.8).sqrt();
    assert!(
        (deaths - 0.2 * affected as f64).abs() < 5.0 * sd,
        "{deaths} of {affected}"
    );
    assert!(of(&fire, "fire", "injuries") > 0);

    let chem = run(valley(CHLORINE, ALL_CREWS, "", 8.0));
    only(&chem, "chemical");
    assert!(of(&chem, "chemical", "affected") >= 1000, "{}", cas(&chem));
    let expected = chem.kpis["hazards"]["1 chemical leak"]["expected_fatalities"]
        .as_f64()
        .unwrap();
    let deaths = of(&chem, "chemical", "deaths") as f64;
    // The probit is the chemical model's own: the drawn deaths follow its
    // expectation (over the whole population, here all still at home).
    assert!(
        (deaths - expected).abs() < 5.0 * expected.sqrt().max(1.0),
        "{deaths} drawn, {expected} expected"
    );

    let quake = run(valley(QUAKE, ALL_CREWS, "", 6.0));
    only(&quake, "earthquake");
    assert_eq!(
        of(&quake, "earthquake", "affected"),
        5000,
        "everyone at home is in a building"
    );
    assert!(of(&quake, "earthquake", "injuries") > 0, "{}", cas(&quake));
}

/// A strong quake with a fatality rate far above China's: many trapped, who
/// die fast (a quarter of them each hour).
const TRAPPING: &str = "casualties: (quake_fatality_theta: 8.0, quake_fatality_beta: 0.3, \
     trapped_survival: [(1.0, 0.75)], rescue_people_per_h: 400.0),";

fn rescue_crews(n: u32) -> String {
    format!("{ALL_CREWS}, (id: 9, kind: Rescue, depot: 1, count: {n})")
}

#[test]
fn more_rescue_crews_lose_fewer_of_the_trapped() {
    let with = |n: u32| {
        let crews = if n == 0 {
            ALL_CREWS.to_string()
        } else {
            rescue_crews(n)
        };
        run(valley_with(QUAKE, &crews, "", 24.0, TRAPPING))
    };
    let (none, one, five) = (with(0), with(1), with(5));
    let trapped = of(&none, "earthquake", "trapped");
    assert!(trapped > 100, "{}", cas(&none));
    // Same seed, same quake: the same people are trapped in every plan.
    assert_eq!(of(&one, "earthquake", "trapped"), trapped);
    assert_eq!(of(&five, "earthquake", "trapped"), trapped);
    // Without crews nobody is rescued and most die within the day.
    assert_eq!(total(&none, "rescued"), 0);
    assert!(
        total(&none, "died_trapped") > trapped * 8 / 10,
        "{}",
        cas(&none)
    );
    let lost = |r: &RunResult| total(r, "died_trapped");
    assert!(
        lost(&five) < lost(&one) && lost(&one) < lost(&none),
        "died trapped: 0 crews {}, 1 crew {}, 5 crews {}",
        lost(&none),
        lost(&one),
        lost(&five)
    );
    assert!(total(&five, "rescued") > total(&one, "rescued"));
    for r in [&none, &one, &five] {
        // Every trapped person is accounted for.
        assert_eq!(
            total(r, "rescued") + total(r, "died_trapped") + total(r, "still_trapped"),
            trapped
        );
    }
    // Rescue is a task like the others: created per zone, done by a crew.
    let rescue_created = five
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::TaskCreated {
                    work: WorkKind::Rescue,
                    ..
                }
            )
        })
        .count();
    assert_eq!(rescue_created as u64, total(&five, "rescue_tasks"));
    assert!(rescue_created >= 1);
    assert!(
        five.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::TaskFinished { crew, .. } if crew.0 / 1000 == 9))
    );
}

#[test]
fn deep_flood_water_traps_people_who_rescue_crews_free() {
    let rates = "casualties: (flood_trapped_depth_m: 0.2, flood_trapped_rate: 0.2, \
                 rescue_people_per_h: 100.0),";
    let r = run(valley_with(
        FLOOD,
        &rescue_crews(3),
        "road_close_depth_m: 0.3",
        30.0,
        rates,
    ));
    assert!(of(&r, "flood", "trapped") > 0, "{}", cas(&r));
    assert!(total(&r, "rescued") > 0, "{}", cas(&r));
}

#[test]
fn casualties_are_the_same_on_any_thread_count() {
    let s = valley_with(
        &[QUAKE, FIRE].join(", "),
        &rescue_crews(2),
        "",
        12.0,
        TRAPPING,
    );
    let a = run_threads(s.clone(), 1);
    let b = run_threads(s, 2);
    assert_eq!(cas(&a), cas(&b));
    assert_eq!(a.events, b.events);
}

#[test]
fn a_long_rescue_is_split_into_tasks_of_at_most_the_plan_length() {
    let rates = TRAPPING.replace(
        "rescue_people_per_h: 400.0",
        "rescue_people_per_h: 10.0, rescue_task_max_h: 1.0",
    );
    let r = run(valley_with(QUAKE, &rescue_crews(2), "", 12.0, &rates));
    let tasks = total(&r, "rescue_tasks");
    let finished = r
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TaskFinished { crew, .. } if crew.0 / 1000 == 9))
        .count() as u64;
    assert!(tasks > 5, "more tasks than zones: {}", cas(&r));
    assert!(finished > 2);
    let rescued = total(&r, "rescued");
    // Each finished task frees at most 10 people (one hour at 10 per hour).
    assert!(
        rescued > 0 && rescued <= 10 * finished,
        "{rescued} by {finished} tasks"
    );
}
