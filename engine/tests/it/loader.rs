//! The loader reports every problem, with file and place, and never panics.

use super::{PLAN, REGION, SCENARIO, files};
use qilian_engine::scenario::{Embedded, Problem, load_from};
use qilian_engine::{StreamTag, Streams};
use rand::{Rng, RngExt};
use std::path::Path;

fn problems(src: &Embedded) -> Vec<Problem> {
    match load_from(src, Path::new("s/scenario.ron")) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems,
    }
}

fn messages(src: &Embedded) -> Vec<String> {
    problems(src).iter().map(|p| p.to_string()).collect()
}

#[test]
fn valid_files_load() {
    let s = load_from(&files(SCENARIO, REGION, PLAN), Path::new("s/scenario.ron")).unwrap();
    assert_eq!(s.network.nodes.len(), 4);
    assert_eq!(s.network.links.len(), 6);
    assert_eq!(s.tick_s(), 60);
    assert_eq!(s.sha256.len(), 64);
}

#[test]
fn inline_parts_load() {
    let inline = SCENARIO
        .replace("\"region.ron\"", REGION)
        .replace("\"plan.ron\"", PLAN);
    let s = load_from(&files(&inline, "", ""), Path::new("s/scenario.ron")).unwrap();
    assert_eq!(s.region.zones.len(), 1);
}

#[test]
fn syntax_error_has_file_line_and_column() {
    let broken = REGION.replace("(id: 3, x: 1000", "(id: 3 x: 1000");
    let m = messages(&files(SCENARIO, &broken, PLAN));
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].starts_with("s/region.ron:3:"), "{}", m[0]);
}

#[test]
fn unknown_field_and_wrong_type_are_positioned() {
    let m = messages(&files(
        &SCENARIO.replace("horizon_h", "horizon_hours"),
        REGION,
        PLAN,
    ));
    assert!(m[0].starts_with("s/scenario.ron:5:"), "{m:?}");
    assert!(m[0].contains("horizon_hours"), "{m:?}");
    let m = messages(&files(
        SCENARIO,
        REGION,
        &PLAN.replace("count: 1", "count: \"one\""),
    ));
    assert!(m[0].starts_with("s/plan.ron:4:"), "{m:?}");
}

#[test]
fn every_semantic_problem_is_reported() {
    let region = REGION
        .replace("(id: 4, x: 0, y: 1000)", "(id: 3, x: 0, y: 1000)") // duplicate node 3
        .replace(
            "from: 1, to: 2, length_m: 1000",
            "from: 1, to: 9, length_m: 0",
        ) // dangling + zero length
        .replace("power: Some(10)", "power: Some(11)"); // missing facility
    let plan = PLAN.replace("depot: 1, count: 1", "depot: 7, count: 0");
    let scenario = SCENARIO
        .replace("horizon_h: 10.0", "horizon_h: 0.01")
        .replace("power_h: 72.0", "power_h: 0.0")
        .replace("facility: 10", "facility: 99");
    let m = messages(&files(&scenario, &region, &plan));
    let expect = [
        "s/region.ron: node 3: duplicate id",
        "s/region.ron: edge 1: to refers to missing node 9",
        "s/region.ron: edge 1: length_m must be a positive number, got 0",
        "s/region.ron: zone 1: power refers to missing facility 11",
        "s/region.ron: edge 6: from refers to missing node 4",
        "s/plan.ron: crew group 1: depot refers to missing depot 7",
        "s/plan.ron: crew group 1: count must be 1–999, got 0",
        "s/scenario.ron: horizon_h 0.01 is shorter than one tick (60 s)",
        "s/scenario.ron: targets: power_h deadline must be positive, got 0",
        "s/scenario.ron: inject 1 (at 1 h): refers to missing facility 99",
    ];
    for e in expect {
        assert!(
            m.iter().any(|x| x == e),
            "missing {e:?} in\n{}",
            m.join("\n")
        );
    }
}

#[test]
fn wrong_kind_of_supplier_is_named() {
    let region = REGION.replace("kind: Substation", "kind: WaterPlant");
    let m = messages(&files(SCENARIO, &region, PLAN));
    assert!(
        m.iter()
            .any(|x| x.contains("zone 1: power refers to facility 10 which is a WaterPlant")),
        "{m:?}"
    );
}

#[test]
fn missing_part_file_is_named() {
    let m = messages(&files(
        &SCENARIO.replace("plan.ron", "nope.ron"),
        REGION,
        PLAN,
    ));
    assert_eq!(m, vec!["s/nope.ron: no such embedded file".to_string()]);
}

#[test]
fn corpus_of_broken_inputs_never_panics() {
    let huge = SCENARIO.replace("horizon_h: 10.0", "horizon_h: 1e308");
    let huge_int = PLAN.replace("count: 1", "count: 99999999999999999999");
    let nan = SCENARIO.replace("horizon_h: 10.0", "horizon_h: NaN");
    let corpus: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("whitespace", "   \n\t".into()),
        ("truncated", SCENARIO[..SCENARIO.len() / 2].to_string()),
        ("garbage", "\u{1}\u{2}ÿþ(((((".into()),
        ("wrong top type", "[1, 2, 3]".into()),
        ("huge horizon", huge),
        ("NaN horizon", nan),
        ("deep nesting", "(".repeat(10_000)),
    ];
    for (name, text) in &corpus {
        let p = problems(&files(text, REGION, PLAN));
        assert!(!p.is_empty(), "{name}: accepted");
    }
    assert!(!problems(&files(SCENARIO, REGION, &huge_int)).is_empty());
}

#[test]
fn random_mutations_never_panic() {
    // Property: any corruption of valid files gives Ok or a list of problems,
    // never a panic. Mutations are drawn from a fixed stream, so a failure
    // reproduces.
    let mut rng = Streams::new(1, 0).stream(StreamTag::new("loader fuzz"), 0);
    let originals = [SCENARIO, REGION, PLAN];
    for _ in 0..600 {
        let which = rng.random_range(0..3usize);
        let mut bytes = originals[which].as_bytes().to_vec();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..bytes.len().max(1));
            match rng.random_range(0..4) {
                0 => bytes.truncate(at),
                1 if at < bytes.len() => bytes[at] = (rng.next_u32() % 256) as u8,
                2 => bytes.insert(at.min(bytes.len()), b"(),:\"9-e"[rng.random_range(0..8)]),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut parts = originals.map(|s| s.to_string());
        parts[which] = text;
        let _ = problems(&files(&parts[0], &parts[1], &parts[2]));
    }
}

#[test]
fn open_shelter_and_move_crew_injects_are_checked() {
    let inject = "injects: [(at_h: 1.0, event: Damage(facility: 10, state: Moderate))]";
    let bad = "injects: [
        (at_h: 1.0, event: OpenShelter(facility: 10)),
        (at_h: 1.0, event: OpenShelter(facility: 77)),
        (at_h: 1.0, event: MoveCrew(crew: 1001, node: 99)),
        (at_h: 1.0, event: MoveCrew(crew: 1001, node: 2)),
    ]";
    assert!(SCENARIO.contains(inject));
    let m = messages(&files(&SCENARIO.replace(inject, bad), REGION, PLAN));
    assert_eq!(
        m,
        [
            "s/scenario.ron: inject 1 (at 1 h): opens facility 10, which is a Substation, not a Shelter",
            "s/scenario.ron: inject 2 (at 1 h): refers to missing facility 77",
            "s/scenario.ron: inject 3 (at 1 h): moves a crew to missing node 99",
        ],
        "{m:?}"
    );
}

#[test]
fn aftershock_delay_aid_and_weather_injects_are_checked() {
    let inject = "injects: [(at_h: 1.0, event: Damage(facility: 10, state: Moderate))]";
    let bad = "injects: [
        (at_h: 1.0, event: Aftershock(magnitude: 6.0, epicentre_x: 500.0, epicentre_y: 500.0)),
        (at_h: 1.0, event: Weather(wind_speed_m_s: 8.0, wind_from_deg: 315.0)),
        (at_h: 1.0, event: DelayAid(hours: 0.0)),
        (at_h: 1.0, event: DelayAid(hours: 2.5)),
    ]";
    assert!(SCENARIO.contains(inject));
    let m = messages(&files(&SCENARIO.replace(inject, bad), REGION, PLAN));
    assert_eq!(
        m,
        [
            "s/scenario.ron: inject 1 (at 1 h): an Aftershock needs an earthquake in the \
             scenario's hazards (it takes that earthquake's GMPE, rake and Vs30); this scenario \
             has none",
            "s/scenario.ron: inject 2 (at 1 h): a Weather change acts on fires and chemical \
             releases; this scenario's hazards have neither",
            "s/scenario.ron: inject 3 (at 1 h): DelayAid hours must be > 0, got 0",
        ],
        "{m:?}"
    );
    // With an earthquake and a chemical release, only the ranges are left.
    let hazards = r#"hazards: [
        Earthquake((at_h: 0.5, magnitude: 7.0, rake_deg: 90.0, epicentre_x: 0.0, epicentre_y: 0.0,
            gmpe: "BooreAtkinson2008", vs30_default_mps: 300.0)),
        ChemicalLeak((at_h: 1.0, source: Facility(10), rate_kg_s: 5.0, duration_h: 3.0,
            chemical: "chlorine", terrain: Rural,
            wind: [(from_h: 0.0, speed_m_s: 3.0, from_deg: 270.0, stability: Class(D))])),
    ],
    injects: ["#;
    let ranges = "injects: [
        (at_h: 1.0, event: Aftershock(magnitude: 6.0, epicentre_x: 500.0, epicentre_y: 500.0)),
        (at_h: 1.0, event: Weather(wind_speed_m_s: 8.0, wind_from_deg: 315.0)),
        (at_h: 2.0, event: Aftershock(magnitude: 10.0, epicentre_x: 500.0, epicentre_y: 500.0)),
        (at_h: 2.0, event: Weather(wind_speed_m_s: 0.1, wind_from_deg: 315.0)),
        (at_h: 2.0, event: Weather(wind_speed_m_s: 5.0, wind_from_deg: 400.0)),
        (at_h: 2.0, event: DelayAid(hours: 9000.0)),
        (at_h: 2.0, event: Aftershock(magnitude: 4.5, epicentre_x: 500.0, epicentre_y: 500.0)),
    ]";
    let text = SCENARIO
        .replace(inject, ranges)
        .replacen("injects: [", hazards, 1);
    let m = messages(&files(&text, REGION, PLAN));
    assert_eq!(
        m,
        [
            "s/scenario.ron: inject 3 (at 2 h): Aftershock magnitude must be in 4…9.5, got 10",
            "s/scenario.ron: inject 4 (at 2 h): Weather wind_speed_m_s must be in 0.5…50, got 0.1",
            "s/scenario.ron: inject 5 (at 2 h): Weather wind_from_deg must be in 0…360, got 400",
            "s/scenario.ron: inject 6 (at 2 h): DelayAid hours must be in 0…8760, got 9000",
            "s/scenario.ron: inject 7 (at 2 h): Aftershock magnitude 4.5 is outside the range \
             5–8 of BooreAtkinson2008, the GMPE of the scenario's first earthquake",
        ],
        "{m:?}"
    );
}
