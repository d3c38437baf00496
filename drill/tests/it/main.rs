//! Integration tests of qilian-drill: templates, the session and its
//! journal, the HTTP API with its fog of war and access rules.

mod api;
mod session;
mod template;

use qilian_drill::seal::create_with_seed;
use qilian_drill::template::{LoadedTemplate, load_template};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

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

/// A fresh directory under the system temp dir (not created).
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "qilian-drill-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A fixed test seed.
pub const SEED: [u8; 32] = [7; 32];

/// A drill of the test template with the fixed seed.
pub fn drill(name: &str, teams: u32) -> PathBuf {
    let dir = scratch(name);
    create_with_seed(&quake(), teams, &dir, SEED).expect("drill created");
    dir
}
