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
