//! From drivable ways to directed links: splitting at gaps, choosing graph
//! nodes, measuring links, and keeping the largest strongly connected part.
//!
//! Graph nodes are way ends, nodes shared by two or more drivable ways (or
//! visited twice by one), and the ends of the pieces a way breaks into where
//! its nodes are missing from the extract or outside the bbox. The nodes in
//! between only shape a link: its length is the sum of haversine distances
//! along them. A way that would loop back to where it started (a roundabout
//! with one entry) gets its middle vertex promoted to a graph node, so no link
//! starts and ends at the same node.
//!
//! Bridges: a link on a `bridge=*` way (any value but `no`) gets Hazus class
//! `HWB.GS.28` ("all other bridges", the class Hazus gives a bridge whose
//! design is unknown), or `HWB.GS.1` (major bridge, conventional design) when
//! the bridge way is longer than 150 m — Hazus's threshold for a major bridge.
//! Tunnels are counted and noted in the RON beside their links; the region
//! format has no tunnel field yet.

use crate::geo::{LonLat, haversine_m};
use crate::read::{RawNode, RoadWay};
use crate::tags::Oneway;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use qilian_engine::scenario::RoadClass;

/// Shortest link written: two distinct OSM nodes may share a position, and
/// the loader needs positive lengths.
pub(crate) const MIN_LENGTH_M: f64 = 1.0;

/// Bridges longer than this are Hazus "major bridges".
const MAJOR_BRIDGE_M: f64 = 150.0;

/// A directed link before renumbering.
#[derive(Clone, Debug)]
pub(crate) struct RawEdge {
    /// Index into the sorted node table.
    pub from: usize,
    pub to: usize,
    pub length_m: f64,
    pub speed_kmh: f64,
    pub lanes: u32,
    pub capacity_vph: f64,
    pub class: RoadClass,
    pub main_road: bool,
    pub bridge: Option<&'static str>,
    pub tunnel: bool,
    pub way: i64,
    /// The way's name (shared by all its links).
    pub name: Option<std::sync::Arc<str>>,
}

/// The built network over the sorted node table.
pub(crate) struct Built {
    pub edges: Vec<RawEdge>,
    /// Node-table indices of the kept graph nodes, ascending.
    pub kept: Vec<usize>,
    pub missing_refs: u64,
    pub pieces_from_gaps: u64,
    pub ways_unusable: u64,
    pub components: usize,
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
}

pub(crate) fn position(n: &RawNode) -> LonLat {
    LonLat {
        lon: f64::from(n.lon) * 1e-7,
        lat: f64::from(n.lat) * 1e-7,
    }
}

/// Build links from `roads` over `nodes` (sorted by id); `inside` says which
/// node-table entries may be used (the bbox).
pub(crate) fn build(nodes: &[RawNode], inside: &[bool], roads: &[RoadWay]) -> Built {
    let index = |id: i64| nodes.binary_search_by_key(&id, |n| n.id).ok();
    let mut missing_refs = 0u64;
    let mut pieces_from_gaps = 0u64;
    let mut ways_unusable = 0u64;
    // Pieces of consecutive usable nodes, per way.
    let mut pieces: Vec<(usize, Vec<usize>)> = Vec::new();
    for (w, road) in roads.iter().enumerate() {
        let mut current: Vec<usize> = Vec::new();
        let mut made = 0;
        let mut flush = |current: &mut Vec<usize>, made: &mut u64| {
            if current.len() >= 2 {
                pieces.push((w, std::mem::take(current)));
                *made += 1;
            } else {
                current.clear();
            }
        };
        for &r in &road.refs {
            match index(r).filter(|&i| inside[i]) {
                Some(i) => {
                    if current.last() != Some(&i) {
                        current.push(i);
                    }
                }
                None => {
                    missing_refs += 1;
                    flush(&mut current, &mut made);
                }
            }
        }
        flush(&mut current, &mut made);
        if made == 0 {
            ways_unusable += 1;
        } else {
            pieces_from_gaps += made - 1;
        }
    }
    // Graph nodes: piece ends and nodes used more than once.
    let mut uses = vec![0u8; nodes.len()];
    let mut is_graph = vec![false; nodes.len()];
    for (_, p) in &pieces {
        is_graph[p[0]] = true;
        is_graph[p[p.len() - 1]] = true;
        for &i in p {
            uses[i] = uses[i].saturating_add(1);
        }
    }
    for (i, &u) in uses.iter().enumerate() {
        if u >= 2 {
            is_graph[i] = true;
        }
    }
    // Promote a middle vertex of any stretch that would loop on itself.
    loop {
        let mut changed = false;
        for (_, p) in &pieces {
            let mut start = 0;
            for k in 1..p.len() {
                if is_graph[p[k]] {
                    if p[k] == p[start] && k - start >= 2 {
                        is_graph[p[(start + k) / 2]] = true;
                        changed = true;
                    }
                    start = k;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Links.
    let mut edges = Vec::new();
    for (w, p) in &pieces {
        let road = &roads[*w];
        let bridge_len: f64 = if road.bridge {
            p.windows(2)
                .map(|s| haversine_m(position(&nodes[s[0]]), position(&nodes[s[1]])))
                .sum()
        } else {
            0.0
        };
        let bridge = road.bridge.then_some(if bridge_len > MAJOR_BRIDGE_M {
            "HWB.GS.1"
        } else {
            "HWB.GS.28"
        });
        let mut start = 0;
        let mut length = 0.0;
        for k in 1..p.len() {
            length += haversine_m(position(&nodes[p[k - 1]]), position(&nodes[p[k]]));
            if !is_graph[p[k]] {
                continue;
            }
            let (a, b) = (p[start], p[k]);
            start = k;
            let len = std::mem::take(&mut length).max(MIN_LENGTH_M);
            if a == b {
                continue; // only a two-vertex loop, which dedup already removed
            }
            let link = |from, to, speed: f64, lanes: u32| RawEdge {
                from,
                to,
                length_m: len,
                speed_kmh: speed,
                lanes,
                capacity_vph: f64::from(lanes) * road.class.lane_capacity_vph,
                class: road.class.class,
                main_road: road.class.main_road,
                bridge,
                tunnel: road.tunnel,
                way: road.id,
                name: road.name.clone(),
            };
            if road.dir != Oneway::Backward {
                edges.push(link(a, b, road.speed.0, road.lanes.0));
            }
            if road.dir != Oneway::Forward {
                edges.push(link(b, a, road.speed.1, road.lanes.1));
            }
        }
    }
    keep_largest_scc(
        nodes.len(),
        edges,
        missing_refs,
        pieces_from_gaps,
        ways_unusable,
    )
}

fn keep_largest_scc(
    n: usize,
    edges: Vec<RawEdge>,
    missing_refs: u64,
    pieces_from_gaps: u64,
    ways_unusable: u64,
) -> Built {
    let mut used: Vec<usize> = edges.iter().flat_map(|e| [e.from, e.to]).collect();
    used.sort_unstable();
    used.dedup();
    let mut local = vec![u32::MAX; n];
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(used.len(), edges.len());
    for (k, &i) in used.iter().enumerate() {
        local[i] = k as u32;
        g.add_node(());
    }
    for e in &edges {
        g.add_edge(
            NodeIndex::new(local[e.from] as usize),
            NodeIndex::new(local[e.to] as usize),
            (),
        );
    }
    let sccs = kosaraju_scc(&g);
    let components = sccs.len();
    // Largest by node count; ties go to the one with the lowest node index,
    // so the choice does not depend on the algorithm's visiting order.
    let best = sccs
        .into_iter()
        .map(|mut c| {
            c.sort_unstable();
            c
        })
        .min_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])))
        .unwrap_or_default();
    let mut keep = vec![false; n];
    for ix in &best {
        keep[used[ix.index()]] = true;
    }
    let total_edges = edges.len();
    let edges: Vec<RawEdge> = edges
        .into_iter()
        .filter(|e| keep[e.from] && keep[e.to])
        .collect();
    let kept: Vec<usize> = used.iter().copied().filter(|&i| keep[i]).collect();
    Built {
        dropped_nodes: used.len() - kept.len(),
        dropped_edges: total_edges - edges.len(),
        edges,
        kept,
        missing_refs,
        pieces_from_gaps,
        ways_unusable,
        components,
    }
}
