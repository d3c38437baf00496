//! End-to-end tests of the `qilian` binary: what a user types, what they get.

mod browser;
mod cli;
mod drill;
mod drill_browser;
mod golden;
mod hazards;
mod hindcast;
mod hostile;
mod model;
mod optimise;
mod osm;
mod plan_init;
mod stress;
mod trips;
mod viewer;
mod zhangye;

use qilian_testkit::Scratch;
use std::path::Path;
use std::process::{Command, Output};

/// Run the binary with `args` in directory `dir`, in an English locale
/// (`--lang` overrides it).
pub fn qilian(dir: &Path, args: &[&str]) -> Output {
    qilian_in_locale(dir, args, "C.UTF-8")
}

/// [`qilian`] with `LANG` set to `lang` (and no `LC_ALL` or `LC_MESSAGES`).
pub fn qilian_in_locale(dir: &Path, args: &[&str], lang: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qilian"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

/// A fresh empty directory under the system temp dir, removed when dropped.
pub fn scratch(name: &str) -> Scratch {
    Scratch::new("it", name)
}

/// Absolute path of a file in the repository.
pub fn repo(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// Stdout and stderr as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
