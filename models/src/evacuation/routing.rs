//! Shared shortest-path trees toward the open shelters.
//!
//! One tree per shelter gives, for every node, the travel time to that shelter
//! and the first link to take; every vehicle bound there reads the same tree
//! at each node it reaches — never one search per vehicle. Trees are computed
//! in parallel (rayon, order-preserving `collect`, so the result does not
//! depend on the thread count) and recomputed when link states change
//! ([`EdgeStates::version`]) and, when the plan asks, every
//! `route_interval_min` while vehicles are on the road.
//!
//! Link cost, seconds: the free-flow time in the link's current state
//! (damaged links are slower, closed links impassable), and — when the plan
//! sets a route interval — at least the time the vehicles already on the link
//! need to discharge at its flow capacity, `n / C`. The congested cost is an
//! estimate at the moment of the recomputation (en-route diversion), not a
//! dynamic traffic assignment.

use super::queue::Traffic;
use qilian_engine::network::{EdgeStates, LinkIx, NO_LINK, Network, NodeIx, PathTree, Toward};
use rayon::prelude::*;

/// Trees toward each shelter, by dense shelter index.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    trees: Vec<PathTree>,
    /// Link-state version the trees were computed for.
    pub version: Option<u64>,
    /// When they were computed, seconds.
    pub at_s: u64,
    /// How many times they were computed.
    pub recomputed: u64,
}

impl Routes {
    /// Whether trees exist.
    pub fn ready(&self) -> bool {
        !self.trees.is_empty()
    }

    /// Recompute the trees toward `shelters` (nodes), in parallel.
    pub fn recompute(
        &mut self,
        net: &Network,
        states: &EdgeStates,
        traffic: Option<&Traffic>,
        shelters: &[NodeIx],
        now_s: u64,
    ) {
        let cost = |l: LinkIx| {
            let free = net.travel_time(l, states)?;
            Some(match traffic {
                Some(tr) => free.max(tr.count(l) as f64 * tr.headway(l)),
                None => free,
            })
        };
        self.trees = shelters
            .par_iter()
            .map(|&s| net.search(s, Toward::Root, cost))
            .collect();
        self.version = Some(states.version);
        self.at_s = now_s;
        self.recomputed += 1;
    }

    /// Travel time from `node` to shelter `s`, seconds (`INFINITY` if cut off).
    #[inline]
    pub fn time(&self, s: usize, node: NodeIx) -> f64 {
        self.trees[s].time[node as usize]
    }

    /// The first link from `node` toward shelter `s` (`None` at the shelter
    /// or when cut off).
    #[inline]
    pub fn first_link(&self, s: usize, node: NodeIx) -> Option<LinkIx> {
        let l = self.trees[s].via[node as usize];
        (l != NO_LINK).then_some(l)
    }

    /// The nearest shelter from `node` among those `allowed`, by travel time;
    /// ties go to the lower index. `None` if none is reachable.
    pub fn nearest(&self, node: NodeIx, allowed: impl Fn(usize) -> bool) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for s in 0..self.trees.len() {
            if !allowed(s) {
                continue;
            }
            let t = self.time(s, node);
            if t.is_finite() && best.is_none_or(|b| t < b.0) {
                best = Some((t, s));
            }
        }
        best.map(|b| b.1)
    }
}
