//! Stable identifiers, taken from the scenario and never from ECS `Entity` bits
//! (docs/time-and-randomness.md#stable-ids). Each kind of thing has its own
//! newtype so a crew id can never be passed where a zone id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$m:meta])* $name:ident, $inner:ty, $prefix:literal) => {
        $(#[$m])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            bevy_ecs::component::Component,
        )]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, " {}"), self.0)
            }
        }
    };
}

id!(
    /// A road-graph node.
    NodeId, u32, "node"
);
id!(
    /// A directed road-graph edge.
    EdgeId, u32, "edge"
);
id!(
    /// A population zone.
    ZoneId, u32, "zone"
);
id!(
    /// A facility: substation, water plant, telecom site, hospital, shelter…
    FacilityId, u32, "facility"
);
id!(
    /// A depot where crews start.
    DepotId, u32, "depot"
);
id!(
    /// One crew. Crew group `g` with `count` crews gives ids `g*1000 + 1 ..= g*1000 + count`.
    CrewId, u32, "crew"
);
id!(
    /// A vehicle (evacuating household or responder).
    VehicleId, u64, "vehicle"
);
id!(
    /// A work item. Built from what it is about, so it is the same in every run
    /// (see [`TaskId::new`]).
    TaskId, u64, "task"
);

impl TaskId {
    /// A task about `subject` (a facility, edge or zone id) of kind `tag`, the
    /// `generation`-th time that subject needs work.
    pub fn new(tag: u8, subject: u32, generation: u16) -> TaskId {
        TaskId(((tag as u64) << 48) | ((generation as u64) << 32) | subject as u64)
    }
}

impl CrewId {
    /// The id of crew number `k` (1-based) of crew group `group`.
    pub fn of_group(group: u32, k: u32) -> CrewId {
        CrewId(group * 1000 + k)
    }
}
