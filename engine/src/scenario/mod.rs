//! Scenario files (docs/scenario-files.md): the serde types, the loader and validation.
//!
//! A [`Scenario`] is the loaded, validated, immutable static part of a run. It is
//! shared through `Arc` by every replicate; a replicate never copies it.

pub mod cache;
mod casualties;
mod hazard;
mod load;
mod names;
mod part;
pub mod trips;
mod types;
mod validate;

pub use casualties::Casualties;
pub use hazard::*;
pub use load::{
    Embedded, FileSystem, LoadError, Source, load, load_from, load_region_and_plan, normalize,
    validate_file, with_plan_file,
};
pub use types::*;
pub use validate::inject_problem;

use crate::ids::NodeId;
use crate::network::{Link, NetNode, Network, NodeIx};
use crate::units::SimTime;
use qilian_hazardlib::grid::Grid;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A loaded and validated scenario. Cloning shares the region, network and
/// plan (`Arc`s); change one with `Arc::make_mut`.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// The file it came from.
    pub path: PathBuf,
    /// SHA-256 of every file read to build it, in reading order.
    pub sha256: String,
    /// The region.
    pub region: Arc<Region>,
    /// The road network built from the region.
    pub network: Arc<Network>,
    /// The response plan.
    pub plan: Arc<Plan>,
    /// The region's raster layers, loaded.
    pub rasters: Arc<RasterSet>,
    /// The scenario file itself (targets, injects, horizon…).
    pub file: ScenarioFile,
    /// The trip list the scenario or its plan names, read and checked
    /// (empty when neither names one).
    pub trips: Arc<Vec<trips::Trip>>,
}

impl Scenario {
    /// Seconds per tick.
    pub fn tick_s(&self) -> u64 {
        self.file.tick_s
    }

    /// End of the simulated period.
    pub fn horizon(&self) -> SimTime {
        SimTime::from_hours(self.file.horizon_h)
    }

    /// The targets.
    pub fn targets(&self) -> &Targets {
        &self.file.targets
    }

    /// The same region and network with another plan (for plan comparison).
    /// The plan must have been validated against this region.
    pub fn with_plan(&self, plan: Arc<Plan>) -> Scenario {
        Scenario {
            plan,
            ..self.clone()
        }
    }
}

/// A region's raster layers as loaded (see [`Rasters`] for the paths).
#[derive(Debug, Default)]
pub struct RasterSet {
    /// Ground elevation, m.
    pub dem: Option<Grid>,
    /// Fuel-model number per cell.
    pub fuel: Option<Grid>,
    /// Vs30, m/s.
    pub vs30: Option<Grid>,
}

/// One thing wrong with an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// Line and column (1-based), for syntax and type errors; column 0 for
    /// a whole line (a CSV row).
    pub at: Option<(usize, usize)>,
    /// What is wrong, naming the item's kind and id where there is one.
    pub message: String,
}

impl Problem {
    /// A problem with no position.
    pub fn new(file: &Path, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_path_buf(),
            at: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((l, 0)) => write!(f, "{}:{l}: {}", self.file.display(), self.message),
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

// The network is built here, not in `network`, so that the road graph knows
// nothing of scenario files (no import circle between the two).
impl Network {
    /// Build from a validated region. Links whose ends are missing are skipped
    /// (validation reports them; this keeps the builder total).
    pub fn from_region(region: &Region) -> Network {
        let node_ix: BTreeMap<NodeId, NodeIx> = region
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id, i as NodeIx))
            .collect();
        let nodes = region
            .nodes
            .iter()
            .map(|n| NetNode {
                id: n.id,
                x: n.x,
                y: n.y,
            })
            .collect();
        let mut links = Vec::with_capacity(region.edges.len());
        for e in &region.edges {
            let (Some(&from), Some(&to)) = (node_ix.get(&e.from), node_ix.get(&e.to)) else {
                continue;
            };
            links.push(Link {
                id: e.id,
                from,
                to,
                length: e.length_m,
                speed: e.speed_kmh,
                lanes: e.lanes,
                capacity: e.capacity_vph,
                class: e.class,
                main_road: e.main_road,
                bridge: e.bridge.as_ref().map(|b| b.fragility.clone()),
                free_time_s: e.length_m.0 / e.speed_kmh.mps(),
                twin: None,
            });
        }
        Network::from_parts(nodes, links)
    }
}
