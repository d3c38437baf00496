//! What a player may order: the vocabulary the session checks, the journal
//! records and the server accepts. A leaf, so the journal and the session
//! both use it without depending on each other.

use qilian_engine::scenario::{CrewKind, WorkKind};
use serde::{Deserialize, Serialize};

/// Hours between a mutual-aid request and the crews' arrival.
pub const MUTUAL_AID_DELAY_H: f64 = 6.0;

/// A player's order, as posted to `/api/orders`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Order {
    /// Send a crew to a reported task.
    Dispatch {
        /// Crew id.
        crew: u32,
        /// Task id (from a `TaskCreated` report).
        task: u64,
    },
    /// Warn (evacuate) a zone.
    Warn {
        /// Zone id.
        zone: u32,
    },
    /// Close a road link (both ways) to traffic.
    CloseRoad {
        /// Edge id.
        edge: u32,
    },
    /// Reopen a link the team closed.
    ReopenRoad {
        /// Edge id.
        edge: u32,
    },
    /// Request crews from outside; they arrive after
    /// [`MUTUAL_AID_DELAY_H`].
    MutualAid {
        /// Kind of crews.
        kind: CrewKind,
        /// How many (1–20).
        count: u32,
        /// Depot they report to.
        depot: u32,
    },
    /// Set the dispatch priorities (work kinds, most urgent first).
    Priorities {
        /// The order.
        order: Vec<WorkKind>,
    },
    /// Open a shelter facility the plan did not open.
    OpenShelter {
        /// Facility id (of kind `Shelter`).
        facility: u32,
    },
    /// Send an available crew to a node, to wait there (pre-positioning).
    Move {
        /// Crew id.
        crew: u32,
        /// Node id.
        node: u32,
    },
}
