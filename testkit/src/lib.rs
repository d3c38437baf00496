//! # qilian-testkit
//!
//! Helpers that Qilian's integration tests share instead of each test binary
//! keeping its own copy: scratch directories that clean up after
//! themselves, leaked strings for in-memory scenario files, and a seeded
//! generator for test corpora.
//!
//! Boundaries: a dev-dependency only; it imports no Qilian crate, so every
//! crate's tests may use it.

use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A directory under the system temp dir, unique to this process and call,
/// removed with everything in it when dropped. Set `QILIAN_KEEP_SCRATCH=1`
/// to keep it for a look after a failing test.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
    /// Other scratch directories that live and go with this one.
    also: Vec<Scratch>,
}

impl Scratch {
    /// A fresh, empty directory `qilian-{prefix}-{pid}-{name}-{n}`.
    pub fn new(prefix: &str, name: &str) -> Scratch {
        let s = Scratch::absent(prefix, name);
        std::fs::create_dir_all(&s.path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", s.path.display()));
        s
    }

    /// Like [`Scratch::new`] but the directory is not created: for commands
    /// that refuse to write into an existing folder. Whatever they create
    /// there is still removed on drop.
    pub fn absent(prefix: &str, name: &str) -> Scratch {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "qilian-{prefix}-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        Scratch {
            path,
            also: Vec::new(),
        }
    }

    /// Keep `other` (e.g. the files this directory's contents refer to) for
    /// as long as this directory, and remove it with it.
    pub fn keeping(mut self, other: Scratch) -> Scratch {
        self.also.push(other);
        self
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<OsStr> for Scratch {
    fn as_ref(&self) -> &OsStr {
        self.path.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("QILIAN_KEEP_SCRATCH").is_none_or(|v| v == "0") {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The names of the entries of `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A `&'static str` of `s`, for the in-memory files of a scenario built in a
/// test (the loader's `Embedded` source holds static text). Leaks on purpose:
/// a test's few kilobytes.
pub fn leak(s: impl Into<String>) -> &'static str {
    Box::leak(s.into().into_boxed_str())
}

/// A small seeded generator (xorshift64*) for test corpora and random cuts:
/// the same cases on every machine, with no dependency. Not for the
/// simulation, whose draws come from the engine's streams.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_is_fresh_and_removed_on_drop() {
        let kept = std::env::var_os("QILIAN_KEEP_SCRATCH");
        let a = Scratch::new("testkit", "a");
        let b = Scratch::new("testkit", "a");
        assert_ne!(a.path(), b.path());
        std::fs::write(a.join("f"), "x").unwrap();
        let path = a.to_path_buf();
        drop(a);
        assert_eq!(path.exists(), kept.is_some_and(|v| v != "0"));
        let c = Scratch::absent("testkit", "c");
        assert!(!c.exists());
    }
}
