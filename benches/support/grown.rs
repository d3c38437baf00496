//! The stress benchmark world of issues 4 and 5: the stock flood scenario
//! (`scenarios/ganzhou-flood.ron`) with its region grown to at least 5,000
//! nodes, at least 20,000 evacuees and at least 40 crews, over 5 days.
//! Shared by `benches/stress.rs` and `examples/stress_scale.rs` (included
//! with `#[path]`).
//!
//! How it grows, deterministically (no random draws):
//!
//! - **Nodes.** Every road link pair that is not a bridge is cut into equal
//!   segments no longer than a common length, chosen as the longest that
//!   gives at least [`MIN_NODES`] nodes. A segment keeps its link's speed,
//!   lanes, capacity, class and main-road flag, so free-flow times and
//!   capacities are those of the stock network; storage grows with the
//!   number of segments only through rounding. Bridges stay whole (a bridge
//!   is one structure for the earthquake's fragility and the flood's raised
//!   approaches). New nodes lie on the straight line between the ends, with
//!   the elevation interpolated.
//! - **Evacuees.** The plan's evacuation rule is widened from the two
//!   districts fed by the damaged west substation (Xijie and Nanjie) to the
//!   three city districts it feeds, adding Xinjian (same trigger, vehicles,
//!   departure curve and compliance 0.15): 22,350 people in about 7,450
//!   vehicles, just over the 20,000. (Until 2026-11-29 all six
//!   city districts were warned, 43,950 people; `benches/README.md` keeps
//!   both figures.)
//! - **Crews.** Every crew group of the plan is multiplied by three (17 →
//!   51 crews; the mutual aid is left as it is).
//! - **Horizon.** 120 h (5 days) instead of the scenario's 168 h.

use qilian_engine::scenario::{Edge, Node, Region};
use qilian_engine::{EdgeId, Hours, Metres, Network, NodeId, Scenario, ZoneId};
use std::path::Path;
use std::sync::Arc;

/// Nodes the grown region has at least.
pub const MIN_NODES: usize = 5_000;

/// Crew groups are multiplied by this.
pub const CREW_FACTOR: u32 = 3;

/// The city districts fed by the west substation (zone ids), all warned in
/// the grown plan.
pub const CITY_ZONES: [u32; 3] = [2, 3, 6];

/// The stock flood scenario, loaded from the repository.
pub fn stock() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ganzhou-flood.ron");
    qilian_engine::load(&path).expect("the stock flood scenario loads")
}

/// The stock flood scenario with its region, plan and horizon grown as the
/// module says.
pub fn grown() -> Arc<Scenario> {
    let stock = stock();
    let mut seg = 600.0;
    let region = loop {
        let r = subdivide(&stock.region, seg);
        if r.nodes.len() >= MIN_NODES {
            break r;
        }
        seg *= 0.95;
    };
    let mut plan = (*stock.plan).clone();
    for g in &mut plan.crews {
        g.count *= CREW_FACTOR;
    }
    for rule in &mut plan.evacuation.rules {
        rule.zones = CITY_ZONES.iter().map(|&z| ZoneId(z)).collect();
    }
    let mut file = stock.file.clone();
    file.horizon_h = Hours(120.0);
    let network = Network::from_region(&region);
    Arc::new(Scenario {
        name: format!("{} (grown)", stock.name),
        region: Arc::new(region),
        network: Arc::new(network),
        plan: Arc::new(plan),
        file,
        ..stock
    })
}

/// `region` with every non-bridge link pair cut into segments of at most
/// `seg_m` metres.
pub fn subdivide(region: &Region, seg_m: f64) -> Region {
    let mut out = region.clone();
    let by_id: std::collections::BTreeMap<NodeId, &Node> =
        region.nodes.iter().map(|n| (n.id, n)).collect();
    let mut next_node = region.nodes.iter().map(|n| n.id.0).max().unwrap_or(0) + 1;
    let mut next_edge = region.edges.iter().map(|e| e.id.0).max().unwrap_or(0) + 1;
    // The chain of nodes each unordered pair is cut at, shared by both
    // directions so they meet at the same nodes.
    let mut chains: std::collections::BTreeMap<(NodeId, NodeId), Vec<NodeId>> =
        std::collections::BTreeMap::new();
    let mut edges = Vec::with_capacity(region.edges.len() * 4);
    for e in &region.edges {
        let n = (e.length_m.0 / seg_m).ceil().max(1.0) as usize;
        if e.bridge.is_some() || n == 1 {
            edges.push(e.clone());
            continue;
        }
        let key = (e.from.min(e.to), e.from.max(e.to));
        let chain = chains.entry(key).or_insert_with(|| {
            let (a, b) = (by_id[&key.0], by_id[&key.1]);
            let mut chain = vec![key.0];
            for k in 1..n {
                let f = k as f64 / n as f64;
                out.nodes.push(Node {
                    id: NodeId(next_node),
                    x: a.x + (b.x - a.x) * f,
                    y: a.y + (b.y - a.y) * f,
                    z: a.z + (b.z - a.z) * f,
                });
                chain.push(NodeId(next_node));
                next_node += 1;
            }
            chain.push(key.1);
            chain
        });
        // Both directions of a pair have the same length in the stock data;
        // a pair of different lengths keeps its own length per direction.
        let m = chain.len() - 1;
        let forward = e.from == key.0;
        for k in 0..m {
            let (p, q) = if forward {
                (chain[k], chain[k + 1])
            } else {
                (chain[m - k], chain[m - k - 1])
            };
            edges.push(Edge {
                id: EdgeId(next_edge),
                from: p,
                to: q,
                length_m: Metres(e.length_m.0 / m as f64),
                ..e.clone()
            });
            next_edge += 1;
        }
    }
    out.edges = edges;
    out
}
