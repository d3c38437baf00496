//! The drill journal, `DRILL_DIR/journal.jsonl`: one JSON object per line
//! for every accepted order, controller inject, clock action and clock
//! checkpoint, each with the simulated second it applies at. A line is
//! written and fsync'd before the request that caused it is answered, so
//! nothing acknowledged is lost; a torn last line (a crash mid-write) is
//! dropped on reading, since it was never acknowledged.
//!
//! Recovery ([`DrillJournal::open`]) cuts a torn tail off the file itself
//! and fsyncs before anything is appended, so a new line never joins a
//! fragment; the tail may end inside a multi-byte character. A write that
//! fails (disk full, an I/O error, a failed fsync) is not acknowledged and
//! is cut off again before the next line, so a transient failure never
//! poisons later records. Writes go through [`Storage`], which tests
//! replace to inject failures.

use crate::DrillError;
use crate::order::Order;
use qilian_engine::scenario::Inject;
use serde::{Deserialize, Serialize};
use std::io::{Seek, SeekFrom, Write};
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

/// A change to the master scenario events list (MSEL): the controller's
/// timed injects, prepared before the drill and edited during it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum MselOp {
    /// A new entry: `inject` for every team at simulated second `fire_s`.
    Add {
        /// The entry's number (1, 2, … in the drill).
        id: u32,
        /// When it fires, seconds since the start.
        fire_s: u64,
        /// What happens.
        inject: Inject,
    },
    /// An entry not fired yet moves to `fire_s`.
    Time {
        /// The entry.
        id: u32,
        /// Its new time.
        fire_s: u64,
    },
    /// An entry not fired yet is taken off the list.
    Delete {
        /// The entry.
        id: u32,
    },
}

/// A rumour or hoax call: what a team is told that no truth backs. The
/// team receives it as a call from the public; only the controller knows
/// it is false.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Hoax {
    /// A facility is said to be damaged.
    FacilityDamaged {
        /// The facility.
        facility: u32,
        /// The damage said.
        state: qilian_engine::scenario::DamageState,
    },
    /// A road is said to be blocked.
    RoadBlocked {
        /// The road link.
        edge: u32,
    },
    /// People are said to be caught by the hazard in a zone.
    PeopleExposed {
        /// The zone.
        zone: u32,
        /// How many people the caller says (1–100,000).
        people: u32,
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
    /// A change to the MSEL. Its entries fire at the first tick that
    /// starts at or after their time (not journalled: the firing follows
    /// from the list and the clock).
    Msel {
        /// Taken at this simulated second.
        at_s: u64,
        /// The change.
        op: MselOp,
    },
    /// A rumour or hoax call delivered to one team.
    Hoax {
        /// Delivered at this simulated second.
        at_s: u64,
        /// The team told.
        team: u32,
        /// What it is told.
        hoax: Hoax,
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
            | Entry::Msel { at_s, .. }
            | Entry::Hoax { at_s, .. }
            | Entry::Control { at_s, .. }
            | Entry::Clock { at_s } => *at_s,
        }
    }
}

/// Where the journal's bytes go: a file, or in tests a wrapper that fails
/// on purpose.
pub trait Storage: Send {
    /// Write all of `bytes` at byte `offset` (the file may be longer than
    /// `offset`: the caller cuts it with [`Storage::truncate`] first).
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()>;
    /// Make written bytes durable (fsync).
    fn sync(&mut self) -> std::io::Result<()>;
    /// Cut the file to `len` bytes and make that durable.
    fn truncate(&mut self, len: u64) -> std::io::Result<()>;
}

impl Storage for std::fs::File {
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        self.seek(SeekFrom::Start(offset))?;
        self.write_all(bytes)
    }

    fn sync(&mut self) -> std::io::Result<()> {
        self.sync_data()
    }

    fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        self.set_len(len)?;
        self.sync_all()
    }
}

/// The open journal, appending.
pub struct DrillJournal {
    path: PathBuf,
    store: Box<dyn Storage>,
    /// Bytes known durable: every acknowledged line, nothing after.
    len: u64,
    /// A failed write may have left bytes after `len`.
    dirty: bool,
}

impl DrillJournal {
    /// Open the journal (created mode 0600 if missing), read every complete
    /// entry, cut a torn tail off the file (fsync'd) and position for
    /// appending.
    pub fn open(path: &Path) -> Result<(DrillJournal, Vec<Entry>), DrillError> {
        let io = |e: std::io::Error| DrillError::Io(path.to_path_buf(), e.to_string());
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = opts.open(path).map_err(io)?;
        let bytes = qilian_engine::input::read_open(path, &file, journal_limit())
            .map_err(|e| DrillError::Bad(e.to_string()))?;
        let (entries, len) = parse(path, &bytes)?;
        let mut j = DrillJournal {
            path: path.to_path_buf(),
            store: Box::new(file),
            len,
            dirty: len < bytes.len() as u64,
        };
        if j.dirty {
            j.store.truncate(len).map_err(io)?;
            j.dirty = false;
        }
        Ok((j, entries))
    }

    /// Send the journal's writes through `wrap` (tests inject failures).
    pub fn wrap_storage(&mut self, wrap: impl FnOnce(Box<dyn Storage>) -> Box<dyn Storage>) {
        let placeholder: Box<dyn Storage> = Box::new(Nowhere);
        let store = std::mem::replace(&mut self.store, placeholder);
        self.store = wrap(store);
    }

    /// Bytes of acknowledged lines.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no line was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Append one entry and fsync it. On an error nothing is acknowledged:
    /// whatever part of the line reached the file is cut off (now, or before
    /// the next line if cutting fails too).
    pub fn append(&mut self, e: &Entry) -> Result<(), DrillError> {
        let mut line = serde_json::to_string(e).expect("entries serialise");
        line.push('\n');
        let result = self.write_line(line.as_bytes());
        match result {
            Ok(()) => {
                self.len += line.len() as u64;
                Ok(())
            }
            Err(err) => {
                self.dirty = true;
                if self.store.truncate(self.len).is_ok() {
                    self.dirty = false;
                }
                Err(DrillError::Io(
                    self.path.clone(),
                    format!("{err} (the entry was not recorded)"),
                ))
            }
        }
    }

    fn write_line(&mut self, line: &[u8]) -> std::io::Result<()> {
        if self.dirty {
            self.store.truncate(self.len)?;
            self.dirty = false;
        }
        // From here until `sync` succeeds the file may hold a fragment.
        self.dirty = true;
        self.store.write_at(self.len, line)?;
        self.store.sync()?;
        self.dirty = false;
        Ok(())
    }
}

/// Storage that refuses everything (only while swapping storages).
struct Nowhere;

impl Storage for Nowhere {
    fn write_at(&mut self, _: u64, _: &[u8]) -> std::io::Result<()> {
        Err(std::io::Error::other("no storage"))
    }
    fn sync(&mut self) -> std::io::Result<()> {
        Err(std::io::Error::other("no storage"))
    }
    fn truncate(&mut self, _: u64) -> std::io::Result<()> {
        Err(std::io::Error::other("no storage"))
    }
}

/// The largest journal read: [`qilian_engine::input::limit`] or 1 GiB,
/// whichever is larger (a long drill with many teams writes tens of MB).
fn journal_limit() -> u64 {
    qilian_engine::input::limit().max(1 << 30)
}

/// Read every complete entry. A bad line that is not the last is an error
/// (file and line); an unterminated last line is a torn write and dropped
/// (it may end inside a multi-byte character). The file is not changed.
pub fn read(path: &Path) -> Result<Vec<Entry>, DrillError> {
    let bytes = match qilian_engine::input::read_file(path, journal_limit()) {
        Ok(b) => b,
        Err(qilian_engine::input::InputError::NotFound(_)) => return Ok(Vec::new()),
        Err(e) => return Err(DrillError::Bad(e.to_string())),
    };
    Ok(parse(path, &bytes)?.0)
}

/// The entries of the complete lines of `bytes` and the length of those
/// lines (where a torn tail starts).
fn parse(path: &Path, bytes: &[u8]) -> Result<(Vec<Entry>, u64), DrillError> {
    let len = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    for (i, line) in bytes[..len].split(|&b| b == b'\n').enumerate() {
        let bad = |e: String| DrillError::Bad(format!("{}:{}: {e}", path.display(), i + 1));
        let line = std::str::from_utf8(line).map_err(|e| bad(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let e: Entry = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        out.push(e);
    }
    Ok((out, len as u64))
}
