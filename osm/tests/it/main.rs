//! Integration tests of qilian-osm: the real Helsinki extract (ODbL, see
//! `tests/data/ATTRIBUTION.md`) and small hand-made extracts written with the
//! `synth` PBF encoder.

mod helsinki;
mod synthetic;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use qilian_engine::scenario::Region;
use qilian_testkit::Scratch;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A fresh empty directory under the system temp dir, removed when dropped.
pub fn scratch(name: &str) -> Scratch {
    Scratch::new("osm-it", name)
}

/// The fixture's path.
pub fn helsinki() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/helsinki.osm.pbf")
}

/// Strongly connected components of a region's road graph.
pub fn components(r: &Region) -> usize {
    let ix: BTreeMap<_, _> = r.nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut g = DiGraph::<(), ()>::new();
    for _ in &r.nodes {
        g.add_node(());
    }
    for e in &r.edges {
        g.add_edge(NodeIndex::new(ix[&e.from]), NodeIndex::new(ix[&e.to]), ());
    }
    kosaraju_scc(&g).len()
}

/// Write `text` to `dir/name` and validate it with the project's loader.
pub fn validate(dir: &Path, name: &str, text: &str) -> Vec<String> {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    qilian_engine::scenario::validate_file(&qilian_engine::scenario::FileSystem, &path)
        .iter()
        .map(|p| p.to_string())
        .collect()
}
