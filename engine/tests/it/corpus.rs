//! A seeded corpus run over the scenario loader and the ASCII grid reader:
//! valid files (scenario with a flood and a fire, region with rasters,
//! plan, DEM and fuel grids) mutated a few hundred ways — bytes changed,
//! cut, doubled, numbers made huge, negative or not numbers — must load or
//! fail with problems, never panic. Deterministic (fixed seed), so it runs
//! in `cargo test` like any test.

use super::{PLAN, REGION, SCENARIO};
use qilian_engine::scenario::{Embedded, load_from, validate_file};
use qilian_testkit::Rng;
use std::path::{Path, PathBuf};

const GRID: &str = "ncols 3\nnrows 3\nxllcorner -250\nyllcorner -250\ncellsize 500\n\
                    NODATA_value -9999\n1 2 3\n4 5 6\n7 8 9\n";

fn seeds() -> Vec<(&'static str, String)> {
    let region = REGION.replace(
        "facilities: [",
        r#"rasters: (dem: Some("dem.asc"), fuel: Some("fuel.asc")), facilities: ["#,
    );
    let scenario = SCENARIO.replace(
        "injects: [",
        r#"hazards: [Flood((at_h: 1.0, manning_n: 0.03, boundary_slope: 0.001,
            facility_fail_depth_m: 0.5, zone_flood_depth_m: 0.1,
            inflows: [(x: 100.0, y: 100.0, hydrograph: [(0.0, 10.0), (2.0, 50.0)])])),
        Fire((at_h: 1.0, ignition_x: 100.0, ignition_y: 100.0, wind_speed_m_s: 3.0,
            wind_from_deg: 90.0, moisture: (dead_1h: 6.0, dead_10h: 7.0, dead_100h: 8.0,
            live_herb: 60.0, live_woody: 90.0)))], injects: ["#,
    );
    vec![
        ("s/scenario.ron", scenario),
        ("s/region.ron", region),
        ("s/plan.ron", PLAN.to_string()),
        ("s/dem.asc", GRID.to_string()),
        ("s/fuel.asc", GRID.to_string()),
    ]
}

const TOKENS: [&str; 12] = [
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-1",
    "0",
    "99999999999999999999",
    "4294967296",
    "\"",
    "(",
    "]",
    "Some(",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut b: Vec<u8> = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(b.len() + 1).min(b.len());
        match rng.below(6) {
            0 if !b.is_empty() => {
                let i = at.min(b.len() - 1);
                b[i] = b"0123456789.-e(),:\"xZ "[rng.below(21)];
            }
            1 => b.truncate(at),
            2 => {
                let end = (at + rng.below(40)).min(b.len());
                b.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(60)).min(b.len());
                let copy = b[at..end].to_vec();
                b.splice(at..at, copy);
            }
            _ => {
                // Replace the number that starts here, if any, by a token.
                let end = at
                    + b[at..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit() || **c == b'.')
                        .count();
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                b.splice(at..end, t.iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[test]
fn mutated_scenario_files_and_grids_never_panic() {
    let files = seeds();
    let source = |which: usize, text: String| {
        Embedded(
            files
                .iter()
                .enumerate()
                .map(|(i, (p, t))| {
                    let t = if i == which { text.clone() } else { t.clone() };
                    (PathBuf::from(p), qilian_testkit::leak(t))
                })
                .collect(),
        )
    };
    // The seeds themselves load.
    load_from(
        &source(usize::MAX, String::new()),
        Path::new("s/scenario.ron"),
    )
    .unwrap();
    let mut rng = Rng(0x19);
    let mut failed = 0;
    for case in 0..2000 {
        let which = rng.below(files.len());
        let text = mutate(&mut rng, &files[which].1);
        let src = source(which, text.clone());
        let run = std::panic::catch_unwind(|| {
            let loaded = load_from(&src, Path::new("s/scenario.ron"));
            let _ = validate_file(&src, Path::new(files[which].0));
            loaded.is_err()
        });
        match run {
            Ok(err) => failed += usize::from(err),
            Err(_) => panic!("case {case}: {} panicked on:\n{text}", files[which].0),
        }
    }
    assert!(
        failed > 300,
        "the mutations should mostly break the files: {failed}"
    );
}
