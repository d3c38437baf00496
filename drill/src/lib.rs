//! # qilian-drill
//!
//! Double-blind drills (docs/drills.md): a template with distributions is
//! realised from a secret seed into a sealed scenario; each team plays its
//! own copy through a browser console and sees only what the information
//! model reports; the controller sees the truth and runs the clock;
//! afterwards the review reveals the seed and holds every decision up
//! against the truth and the plan's default policy.
//!
//! Data flow: `template` (RON, [`template::DrillTemplate`]) →
//! [`seal::create`] (`qilian drill new`: seed, seal, tokens) →
//! [`session::Session`] (one `Sim` per team, orders as engine injects,
//! [`journal`] fsync'd) → [`info`] (truth → reports) → [`server`]
//! (`qilian drill serve`: axum, SSE, embedded pages) → [`review`]
//! (`qilian drill review`: after-action HTML).
//!
//! Glossary: *truth* is a team's simulation journal; a *report* is a truth
//! event as delivered to the team (late, or never); an *order* is a team's
//! command, applied as an engine `Inject` at the next tick; the *seal* is
//! the SHA-256 of the seed, published when the drill is created.
//!
//! Boundaries: imports the engine, models, evaluator and viewer; only the
//! binary imports it. Unlike the other libraries it does IO on purpose: its
//! drill directory (the journal fsync'd before an order is acknowledged), OS
//! entropy, the wall clock and HTTP.

pub mod guard;
pub mod info;
pub mod journal;
pub mod order;
pub mod review;
pub mod seal;
pub mod server;
pub mod session;
pub mod template;

use std::path::PathBuf;

/// What went wrong in a drill command.
#[derive(Debug, thiserror::Error)]
pub enum DrillError {
    /// A template or scenario that does not load (every problem, with file
    /// and line).
    #[error("{0}")]
    Load(qilian_engine::scenario::LoadError),
    /// Bad input: arguments, a drill directory's files.
    #[error("{0}")]
    Bad(String),
    /// A file could not be read or written.
    #[error("{}: {}", .0.display(), .1)]
    Io(PathBuf, String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl DrillError {
    /// Whether the user's input is at fault (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            DrillError::Load(_) | DrillError::Bad(_) | DrillError::Io(..)
        )
    }
}
