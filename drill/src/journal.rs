//! The drill journal, `DRILL_DIR/journal.jsonl`: one JSON object per line
//! for every accepted order, controller inject, clock action and clock
//! checkpoint, each with the simulated second it applies at. A line is
//! written and fsync'd before the request that caused it is answered, so
//! nothing acknowledged is lost; a torn last line (a crash mid-write) is
//! dropped on reading, since it was never acknowledged.

use crate::DrillError;
use crate::session::Order;
use qilian_engine::scenario::Inject;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A controller's clock action (`POST /api/control`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Control {
    /// Let time run.
    Start,
    /// Stop time.
    Pause,
    /// Run one tick.
    Step,
    /// Set the speed (simulated seconds per wall second, 1–3600).
    Speed {
        /// The speed.
        value: f64,
    },
}

/// One journal line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    /// A player's order.
    Order {
        /// Applies at this simulated second.
        at_s: u64,
        /// Team.
        team: u32,
        /// Order id.
        order_id: u64,
        /// The order.
        order: Order,
    },
    /// A controller inject (all teams).
    Inject {
        /// Applies at this simulated second.
        at_s: u64,
        /// The inject.
        inject: Inject,
    },
    /// A clock action.
    Control {
        /// Taken at this simulated second.
        at_s: u64,
        /// The action.
        control: Control,
    },
    /// Time ran to here.
    Clock {
        /// Simulated second reached.
        at_s: u64,
    },
}

impl Entry {
    /// The simulated second of the entry.
    pub fn at_s(&self) -> u64 {
        match self {
            Entry::Order { at_s, .. }
            | Entry::Inject { at_s, .. }
            | Entry::Control { at_s, .. }
            | Entry::Clock { at_s } => *at_s,
        }
    }
}

/// The open journal, appending.
pub struct DrillJournal {
    path: PathBuf,
    file: std::fs::File,
}

impl DrillJournal {
    /// Open for appending.
    pub fn open(path: &Path) -> Result<DrillJournal, DrillError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| DrillError::Io(path.to_path_buf(), e.to_string()))?;
        Ok(DrillJournal {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Append one entry and fsync it.
    pub fn append(&mut self, e: &Entry) -> Result<(), DrillError> {
        let mut line = serde_json::to_string(e).expect("entries serialise");
        line.push('\n');
        let err = |e: std::io::Error| DrillError::Io(self.path.clone(), e.to_string());
        self.file.write_all(line.as_bytes()).map_err(err)?;
        self.file.sync_data().map_err(err)
    }
}

/// Read every complete entry. A bad line that is not the last is an error
/// (file and line); an unterminated last line is a torn write and dropped.
pub fn read(path: &Path) -> Result<Vec<Entry>, DrillError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(DrillError::Io(path.to_path_buf(), e.to_string())),
    };
    let complete = text.rfind('\n').map_or("", |i| &text[..i]);
    let mut out = Vec::new();
    for (i, line) in complete.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let e: Entry = serde_json::from_str(line)
            .map_err(|e| DrillError::Bad(format!("{}:{}: {e}", path.display(), i + 1)))?;
        out.push(e);
    }
    Ok(out)
}
