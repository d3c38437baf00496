//! Shared shortest-path trees toward the open shelters.
//!
//! One tree per shelter gives, for every node, the travel time to that shelter
//! and the first link to take; every vehicle bound there reads the same tree
//! at each node it reaches — never one search per vehicle. Trees are computed
//! in parallel (rayon, order-preserving `collect`, so the result does not
//! depend on the thread count) when link states change
//! ([`EdgeStates::version`]) and, when the plan asks, every
//! `route_interval_min` while vehicles are on the road — skipping the search
//! when no link cost changed, and the trees of full shelters unless links
//! changed or every shelter is full.
//!
//! Link cost, seconds: the free-flow time in the link's current state
//! (damaged links are slower, closed links impassable), and — when the plan
//! sets a route interval — at least the time the vehicles already on the link
//! need to discharge at its flow capacity, `n / C`. The congested cost is an
//! estimate at the moment of the recomputation (en-route diversion), not a
//! dynamic traffic assignment.
//!
//! The search is Dijkstra's on the reversed graph, stored compactly for this
//! purpose (arcs with their costs in node order, `f32` times),
//! rather than the engine's general `Network::search`: it runs 50 times per
//! recomputation on the benchmark city, and is memory-bound. Its priority
//! queue depends on the network's size: on a large network the frontier is
//! wide and the engine's [`RadixHeap`] on `f32` keys is cheaper than a
//! binary heap's sift (the 100,000-node city's trees took 1.8 s with it,
//! 2.6 s with a binary heap); on a small one the frontier holds a few dozen
//! entries, which a radix heap moves through up to 17 buckets each, and the
//! binary heap is faster (the 5,192-node stress network's replicates took
//! 147 ms with it, 162 ms with the radix heap). Both settle the same trees.

use super::queue::Traffic;
use qilian_engine::network::{EdgeStates, LinkIx, NO_LINK, Network, NodeIx};
use qilian_engine::radix::RadixHeap;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Networks with at least this many nodes are searched with the radix heap,
/// smaller ones with a binary heap (see the module notes).
const RADIX_NODES: usize = 50_000;

/// The network reversed, compactly: for each node, the links entering it
/// (by link index) with their tails. Built once per run.
#[derive(Debug, Default)]
struct Incoming {
    start: Vec<u32>,
    /// `(tail node, link)`.
    adj: Vec<(NodeIx, LinkIx)>,
}

impl Incoming {
    fn new(net: &Network) -> Incoming {
        let mut start = Vec::with_capacity(net.nodes.len() + 1);
        let mut adj = Vec::with_capacity(net.links.len());
        start.push(0);
        for n in 0..net.nodes.len() as NodeIx {
            let mut ins: Vec<LinkIx> = net.in_links(n).to_vec();
            ins.sort_unstable();
            adj.extend(ins.iter().map(|&l| (net.links[l as usize].from, l)));
            start.push(adj.len() as u32);
        }
        Incoming { start, adj }
    }
}

/// A shortest-time tree toward one shelter. Times are `f32` (resolution
/// about a millisecond over a day): half the memory traffic of `f64`, and
/// the search is memory-bound.
#[derive(Debug)]
struct Tree {
    /// Seconds to the shelter (`INFINITY` when cut off).
    time: Vec<f32>,
    /// First link toward the shelter ([`NO_LINK`] at the shelter or cut off).
    via: Vec<LinkIx>,
}

/// One arc of the reversed graph, in [`Incoming`] order: a search reads
/// them sequentially, node by node.
#[derive(Clone, Copy, Debug)]
struct Arc {
    /// Seconds.
    cost: f32,
    tail: NodeIx,
    link: LinkIx,
}

/// Dijkstra toward `root` over the reversed arcs (costs > 0, `INFINITY` = impassable). Among equally fast
/// first links the lower link index wins, so the tree does not depend on the
/// order nodes are settled in.
fn search(start: &[u32], arcs: &[Arc], root: NodeIx) -> Tree {
    if start.len() > RADIX_NODES {
        search_with(RadixHeap::new(), start, arcs, root)
    } else {
        search_with(Binary(BinaryHeap::new()), start, arcs, root)
    }
}

/// The priority queue of a search: `(time bits, node)`, smallest first.
trait Frontier {
    fn push(&mut self, key: u32, node: NodeIx);
    fn pop(&mut self) -> Option<(u32, NodeIx)>;
}

impl Frontier for RadixHeap<u32> {
    fn push(&mut self, key: u32, node: NodeIx) {
        RadixHeap::push(self, key, node);
    }
    fn pop(&mut self) -> Option<(u32, NodeIx)> {
        RadixHeap::pop(self)
    }
}

/// A binary heap of `(key, node)` packed into one `u64` (key in the high
/// half: the same order as the pair). Packed, an entry is written and read
/// back whole; as a pair of `u32`s, the read of an entry just pushed waited
/// on its two separate stores, which took a third of the search's time.
struct Binary(BinaryHeap<Reverse<u64>>);

impl Frontier for Binary {
    fn push(&mut self, key: u32, node: NodeIx) {
        self.0.push(Reverse((key as u64) << 32 | node as u64));
    }
    fn pop(&mut self) -> Option<(u32, NodeIx)> {
        self.0.pop().map(|Reverse(e)| ((e >> 32) as u32, e as u32))
    }
}

fn search_with(mut heap: impl Frontier, start: &[u32], arcs: &[Arc], root: NodeIx) -> Tree {
    let n = start.len() - 1;
    let mut time = vec![f32::INFINITY; n];
    let mut via = vec![NO_LINK; n];
    time[root as usize] = 0.0;
    heap.push(0, root);
    while let Some((bits, u)) = heap.pop() {
        let tu = f32::from_bits(bits);
        if tu > time[u as usize] {
            continue; // superseded
        }
        let (a, b) = (start[u as usize] as usize, start[u as usize + 1] as usize);
        for arc in &arcs[a..b] {
            let tv = tu + arc.cost;
            let v = arc.tail as usize;
            let old = time[v];
            if tv < old {
                time[v] = tv;
                via[v] = arc.link;
                heap.push(tv.to_bits(), arc.tail);
            } else if tv == old && tv > tu && tv.is_finite() && arc.link < via[v] {
                // Same time: the lower link wins (`tv > tu` keeps settled
                // nodes out of it).
                via[v] = arc.link;
            }
        }
    }
    Tree { time, via }
}

/// Trees toward each shelter, by dense shelter index.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    incoming: Incoming,
    /// Link costs the trees were computed with, in [`Incoming`] order.
    costs: Vec<f32>,
    trees: Vec<Tree>,
    /// Link-state version the trees were computed for.
    pub version: Option<u64>,
    /// When they were last brought up to date, seconds.
    pub at_s: u64,
    /// Trees computed so far (a recomputation that finds the link costs
    /// unchanged computes none).
    pub trees_computed: u64,
}

impl Routes {
    /// Whether trees exist.
    pub fn ready(&self) -> bool {
        !self.trees.is_empty()
    }

    /// Bring the trees toward `shelters` (nodes) up to date, in parallel.
    /// Only shelters with `wanted[s]` are searched again when the trees exist
    /// already (the others — full shelters — keep their last tree, which
    /// only a vehicle with nowhere else to go still reads); none is when the
    /// link costs have not changed since the last time.
    pub fn recompute(
        &mut self,
        net: &Network,
        states: &EdgeStates,
        traffic: Option<&Traffic>,
        shelters: &[NodeIx],
        wanted: &[bool],
        now_s: u64,
    ) {
        if self.incoming.start.is_empty() {
            self.incoming = Incoming::new(net);
        }
        let incoming = &self.incoming;
        let costs: Vec<f32> = incoming
            .adj
            .par_iter()
            .map(|&(_, l)| {
                let cost = match net.travel_time(l, states) {
                    None => f64::INFINITY,
                    Some(free) => match traffic {
                        Some(tr) => free.max(tr.count(l) as f64 * tr.headway(l)),
                        None => free,
                    },
                };
                cost as f32
            })
            .collect();
        self.version = Some(states.version);
        self.at_s = now_s;
        let fresh = self.trees.len() != shelters.len();
        if !fresh && costs == self.costs {
            return;
        }
        let arcs: Vec<Arc> = incoming
            .adj
            .iter()
            .zip(&costs)
            .map(|(&(tail, link), &cost)| Arc { cost, tail, link })
            .collect();
        let todo: Vec<usize> = (0..shelters.len())
            .filter(|&s| fresh || wanted[s])
            .collect();
        let trees: Vec<Tree> = todo
            .par_iter()
            .map(|&s| search(&incoming.start, &arcs, shelters[s]))
            .collect();
        self.trees_computed += trees.len() as u64;
        if fresh {
            self.trees = trees;
        } else {
            for (s, tree) in todo.into_iter().zip(trees) {
                self.trees[s] = tree;
            }
        }
        self.costs = costs;
    }

    /// How many shelters the trees are for.
    pub fn shelters(&self) -> usize {
        self.trees.len()
    }

    /// Travel time from `node` to shelter `s`, seconds (`INFINITY` if cut off).
    #[inline]
    pub fn time(&self, s: usize, node: NodeIx) -> f64 {
        self.trees[s].time[node as usize] as f64
    }

    /// The first link from `node` toward shelter `s` (`None` at the shelter
    /// or when cut off).
    #[inline]
    pub fn first_link(&self, s: usize, node: NodeIx) -> Option<LinkIx> {
        let l = self.trees[s].via[node as usize];
        (l != NO_LINK).then_some(l)
    }

    /// Start loading the entry [`Routes::first_link`] reads (a hint).
    #[inline]
    pub(crate) fn prefetch_first_link(&self, s: usize, node: NodeIx) {
        if let Some(via) = self.trees.get(s).and_then(|t| t.via.get(node as usize)) {
            super::queue::prefetch(via);
        }
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
