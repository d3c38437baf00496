//! Integration tests of qilian-drill: templates, the session and its
//! journal, the HTTP API with its fog of war and access rules.

mod api;
mod journal;
mod pages;
mod rules;
mod seal;
mod session;
mod template;

use qilian_drill::seal::create_with_seed;
use qilian_drill::template::{LoadedTemplate, load_template};
use qilian_testkit::Scratch;
use std::path::{Path, PathBuf};

/// The test template (earthquake only).
pub fn quake() -> LoadedTemplate {
    load_template(&data("drill-quake.ron")).expect("test template loads")
}

/// A file of `tests/data`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A stock file of `scenarios/`.
pub fn stock(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(name)
}

/// A fresh directory under the system temp dir (not created), removed when
/// dropped.
pub fn scratch(name: &str) -> Scratch {
    Scratch::absent("drill", name)
}

/// A fixed test seed.
pub const SEED: [u8; 32] = [7; 32];

/// A drill of the test template with the fixed seed.
pub fn drill(name: &str, teams: u32) -> Scratch {
    let dir = scratch(name);
    create_with_seed(&quake(), teams, &dir, SEED).expect("drill created");
    dir
}

/// Shelter left closed by [`drill_shelter_closed`]'s plan, and its node.
pub const CLOSED_SHELTER: (u32, u32) = (55, 509);

/// A drill of the test template whose plan leaves shelter 55 closed (a copy
/// of the stock plan without it, written next to a copy of the template).
pub fn drill_shelter_closed(name: &str, teams: u32) -> Scratch {
    let tpl_dir = scratch(&format!("{name}-template"));
    std::fs::create_dir_all(&tpl_dir).unwrap();
    let all = "shelters: [50, 51, 52, 53, 54, 55],";
    let plan = std::fs::read_to_string(stock("plans/ganzhou-baseline.ron")).unwrap();
    assert!(plan.contains(all), "the stock plan opens shelter 55");
    std::fs::write(
        tpl_dir.join("plan.ron"),
        plan.replace(all, "shelters: [50, 51, 52, 53, 54],"),
    )
    .unwrap();
    let region = stock("regions/ganzhou.ron");
    let text = std::fs::read_to_string(data("drill-quake.ron"))
        .unwrap()
        .replace(
            "\"../../../scenarios/regions/ganzhou.ron\"",
            &format!("{:?}", region.canonicalize().unwrap()),
        )
        .replace(
            "\"../../../scenarios/plans/ganzhou-baseline.ron\"",
            "\"plan.ron\"",
        );
    std::fs::write(tpl_dir.join("template.ron"), text).unwrap();
    let t = load_template(&tpl_dir.join("template.ron")).expect("template loads");
    let dir = scratch(name);
    create_with_seed(&t, teams, &dir, SEED).expect("drill created");
    // A drill re-reads its template when it opens.
    dir.keeping(tpl_dir)
}
