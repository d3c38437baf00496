//! Links as queues: the MATSim queue model (QSim; Cetin, Burri & Nagel 2003;
//! Horni, Nagel & Axhausen 2016, ch. 1), with exact event times instead of
//! one-second steps.
//!
//! A link is a FIFO queue of vehicles with three properties:
//!
//! - **free-flow time** `τ = length / free speed` (seconds): a vehicle may leave
//!   the link no earlier than `τ` after it entered;
//! - **flow capacity** `C = capacity_vph / 3600` vehicles per second: the head
//!   may leave no earlier than `1/C` seconds after the previous vehicle left.
//!   This is QSim's fractional flow accumulator in continuous time — a link
//!   idle for a while holds one full unit, so a lone vehicle is never delayed;
//! - **storage capacity** `max(length × lanes / 7.5 m, τ·C, 1)` vehicles: a
//!   vehicle may enter only while fewer than that are on the link. The `τ·C`
//!   floor is QSim's own correction, so a short link can still carry its flow.
//!
//! When the next link is full the head waits and blocks everything behind it
//! (**spillback**). A head that has waited `stuck_s` seconds (MATSim's
//! `stuckTime`; the plan's `evacuation.stuck_timeout_s`, 60 s by default,
//! where MATSim has 10 s) is let through anyway, over the storage capacity,
//! so a cycle of full links (gridlock) always resolves. A timeout shorter
//! than a link's headway (3600 / capacity_vph s) pushes heads into it before
//! it has made room, so no queue spills back from it.
//!
//! Departing vehicles wait in their zone's *origin queue* and enter their first
//! link when it has room; origins have no flow limit and no stuck timeout
//! (departures are never part of a cycle, so they cannot gridlock).
//!
//! Order (docs/time-and-randomness.md#event-order): every event has an exact
//! time in seconds (`f64`) and is processed in `(time, kind, id)` order — link
//! heads (kind 0, link index), departures (kind 1, vehicle index), origin heads
//! (kind 2, zone index) — so a run does not depend on the tick length. Events
//! sit in a calendar of one-second buckets: scheduling is a push onto a bucket,
//! as a `u64` key with the order of the full `(time, kind, id)` key
//! (`Packing`); when its second comes the bucket is sorted once, and the few
//! events scheduled into the running second are merged in from a small heap
//! (events more than [`RING_S`] seconds ahead wait in another heap).
//!
//! Layout: the hot per-link state is one 64-byte `Lane` (one cache line);
//! queues are intrusive singly linked lists through a per-vehicle `Car`
//! (ready time, next vehicle, destination: 16 bytes), so a queue costs
//! 12 bytes and never allocates. The movement is bound by memory latency
//! (the link, its head vehicle, the route tree, the next link — each a
//! likely cache miss on a city-sized network), so the event loop asks for
//! each of these a few events before it needs them (`Traffic::look_ahead`,
//! software prefetch), and the misses overlap instead of following one
//! another.
//!
//! Glossary: the *head* of a queue is its first vehicle; a *source* is a link
//! or an origin whose head wants to move; a source is *blocked* when the link
//! its head wants is full, and *stranded* when its head has nowhere to go.

use qilian_engine::network::{LinkIx, Network, NodeIx};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// "No vehicle" / "no link".
pub(crate) const NONE: u32 = u32::MAX;
/// Sources: links are `0..links`, origin `o` is `ORIGIN | o`.
const ORIGIN: u32 = 1 << 31;
/// Event kinds, in processing order at equal times.
const K_LINK: u32 = 0;
const K_DEPART: u32 = 1;
const K_ORIGIN: u32 = 2;
const ID_BITS: u32 = 30;
const ID_MASK: u32 = (1 << ID_BITS) - 1;
/// Seconds covered by the calendar's ring of one-second buckets.
pub const RING_S: u64 = 1024;
/// Networks with more links than this get [`Traffic::look_ahead`]: their
/// links (64 bytes each) outgrow a 2 MB cache, so there are misses for it to
/// overlap. On a smaller network everything stays cached and looking ahead
/// only costs time.
const LOOK_AHEAD_LANES: usize = (2 << 20) / 64;
/// How many events ahead [`Traffic::look_ahead`] asks for a link, its head
/// vehicle, the route entry at its end and the next link. Each stage must
/// come late enough for the line the stage before asked for to have arrived
/// (chosen by measuring the benchmark city: 12–16 events ahead for the link
/// ran fastest).
const AHEAD: [usize; 4] = [16, 10, 5, 2];
/// Metres of road one stopped vehicle takes (QSim's effective cell size).
pub const CELL_M: f64 = 7.5;

/// Where a vehicle at the end of its link (or at its origin) goes next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Into this link.
    Link(LinkIx),
    /// Out of the network (it has arrived).
    Leave,
    /// Nowhere yet: no route. The source waits until [`Traffic::wake_blocked`].
    Wait,
}

/// The decisions the queue mechanics ask of the agents. A vehicle that could
/// not move (its next link was full) is asked [`Router::next`] again at the
/// same node later: the answer may change (routes, shelters) but asking must
/// have no effect beyond choosing, except on [`Step::Leave`], which always
/// happens.
pub(crate) trait Router {
    /// Vehicle `v` sets off at `t`; `false` if it no longer leaves (exposed).
    fn departed(&mut self, v: u32, t: f64) -> bool;
    /// Vehicle `v`, bound to shelter `dest` (which it may change), may leave
    /// its link (or origin) at node `at` at time `t`: where to? On
    /// [`Step::Leave`] the router has taken it in.
    fn next(&mut self, v: u32, dest: &mut u32, at: NodeIx, t: f64) -> Step;
    /// The link a vehicle bound to `dest` would most likely take from `at`,
    /// if cheap to tell; only used to load caches ahead.
    fn peek(&self, _dest: u32, _at: NodeIx) -> Option<LinkIx> {
        None
    }
    /// Start loading what [`Router::peek`] will read (a hint).
    fn prefetch(&self, _dest: u32, _at: NodeIx) {}
}

/// Ask the processor to start loading the cache line of `x` without waiting
/// for it: a hint, with no effect on results.
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(x);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// One link's queue and parameters: 64 bytes, aligned to one cache line
/// (unaligned, most lanes would straddle two lines and cost two misses).
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
struct Lane {
    first: u32,
    last: u32,
    count: u32,
    to: NodeIx,
    /// Earliest time the next vehicle may leave (flow capacity).
    next_slot: f64,
    /// Time of the pending attempt of the head to move (`INFINITY`: none).
    next_attempt: f64,
    /// Since when the current head has been blocked (`INFINITY`: not blocked).
    blocked_since: f64,
    /// `1 / C`, seconds per vehicle.
    headway: f64,
    /// Free-flow time in its current state; `INFINITY` when closed.
    free_time: f64,
    /// Vehicles it holds.
    storage: f32,
    /// Some source waits for room on it (see `Traffic::waiters`).
    awaited: bool,
}

/// What the queue model keeps per vehicle, packed so that one cache line
/// serves four vehicles.
#[derive(Clone, Copy, Debug)]
struct Car {
    /// Earliest time it may leave its current link.
    ready: f64,
    /// The next vehicle in its queue.
    next: u32,
    /// Its destination, as the router sees it.
    dest: u32,
}

/// A zone's queue of departed vehicles waiting to enter the network.
#[derive(Clone, Copy, Debug)]
struct Origin {
    first: u32,
    last: u32,
    count: u32,
    node: NodeIx,
    next_attempt: f64,
}

/// The event calendar: one-second buckets. An event due in a later second
/// goes into that second's bucket as a packed `u64` key (see [`Packing`]);
/// when the second starts, its bucket is sorted once. Events scheduled into
/// the running second (wake-ups, origin heads) go to a small heap, and the
/// two are merged. Events too far ahead for the ring, or too early to pack,
/// wait in another heap as full `u128` keys.
#[derive(Debug)]
struct Calendar {
    /// The second being processed.
    second: u64,
    /// Its events, sorted.
    now: Second,
    /// Events added to it after it started.
    late: BinaryHeap<Reverse<u128>>,
    /// Later seconds, `RING_S` of them, packed.
    ring: Vec<Vec<u64>>,
    /// Events beyond the ring or before [`Packing::first`].
    far: BinaryHeap<Reverse<u128>>,
    /// Events in the ring's buckets (when none, empty seconds are skipped).
    in_ring: usize,
    packing: Packing,
}

fn key(t: f64, kind: u32, id: u32) -> u128 {
    debug_assert!(t >= 0.0 && t.is_finite(), "event time {t}");
    debug_assert!(id <= ID_MASK, "event id {id}");
    ((t.to_bits() as u128) << 32) | ((kind << ID_BITS) | id) as u128
}

fn time_of(k: u128) -> f64 {
    f64::from_bits((k >> 32) as u64)
}

/// `(time, kind, id)` of a full key: the inverse of [`key`].
fn split(k: u128) -> (f64, u32, u32) {
    let kid = k as u32;
    (time_of(k), kid >> ID_BITS, kid & ID_MASK)
}

/// How an event of second `s` packs into a `u64` with the same order as its
/// full key.
///
/// Every time `t` in `[s, s + 1)` has the exponent of `s` (for `s ≥ 1`), so
/// it is `s` plus a whole number `m < 2^(52 − ⌊log2 s⌋)` of units in its last
/// place, and `m = bits(t) − bits(s)` keeps the order of the times. The
/// packed key is `m`, then the kind (2 bits), then the id (`id_bits`): it
/// fits from second [`Packing::first`] on, which for a 250,000-link network
/// is second 256. Sorting packed keys moves half the bytes and compares in
/// one instruction.
#[derive(Clone, Copy, Debug)]
struct Packing {
    id_bits: u32,
    /// The first second whose events pack.
    first: u64,
}

impl Packing {
    fn new(id_bits: u32) -> Packing {
        let low = id_bits + 2;
        Packing {
            id_bits,
            first: 1 << low.saturating_sub(12),
        }
    }

    fn low(self) -> u32 {
        self.id_bits + 2
    }

    /// Event `(t, kind, id)` of second `s` (≥ `first`).
    fn pack(self, t: f64, kind: u32, id: u32, s: u64) -> u64 {
        let m = t.to_bits() - (s as f64).to_bits();
        (m << self.low()) | ((kind as u64) << self.id_bits) | id as u64
    }

    fn unpack(self, p: u64, s: u64) -> u128 {
        let t_bits = (s as f64).to_bits() + (p >> self.low());
        ((t_bits as u128) << 32) | self.kid(p) as u128
    }

    /// Kind and id, as in a full key.
    #[inline]
    fn kid(self, p: u64) -> u32 {
        let kind = ((p >> self.id_bits) & 3) as u32;
        let id = (p & ((1 << self.id_bits) - 1)) as u32;
        (kind << ID_BITS) | id
    }
}

/// One second's events in `(time, kind, id)` order, from `pos` on: packed,
/// or (for a second before [`Packing::first`]) as full keys.
#[derive(Debug)]
struct Second {
    /// `bits(s)` for the second `s`.
    base: u64,
    packing: Packing,
    packed: Vec<u64>,
    wide: Vec<u128>,
    pos: usize,
    /// Scratch space of [`sort_keys`].
    spare: Vec<u64>,
}

/// Sort `keys`, all below `2^bits`: one counting pass on their top 6 bits
/// spreads them over 64 ranges in order, then each range is sorted — by
/// insertion when it holds a few keys, as it does when the times of a
/// second are spread over it. On the benchmark city's busy seconds this
/// takes about 40 % fewer instructions than `sort_unstable`.
fn sort_keys(keys: &mut Vec<u64>, spare: &mut Vec<u64>, bits: u32) {
    if keys.len() < 64 {
        keys.sort_unstable();
        return;
    }
    let shift = bits.saturating_sub(6);
    let mut start = [0usize; 65];
    for &k in keys.iter() {
        start[(k >> shift) as usize + 1] += 1;
    }
    for b in 1..65 {
        start[b] += start[b - 1];
    }
    spare.clear();
    spare.resize(keys.len(), 0);
    for &k in keys.iter() {
        let b = (k >> shift) as usize;
        spare[start[b]] = k;
        start[b] += 1;
    }
    // `start[b]` is now the end of range `b`.
    let mut from = 0;
    for &to in &start[..64] {
        let range = &mut spare[from..to];
        if range.len() > 16 {
            range.sort_unstable();
        } else {
            for i in 1..range.len() {
                let k = range[i];
                let mut j = i;
                while j > 0 && range[j - 1] > k {
                    range[j] = range[j - 1];
                    j -= 1;
                }
                range[j] = k;
            }
        }
        from = to;
    }
    std::mem::swap(keys, spare);
}

impl Second {
    #[inline]
    fn peek(&self) -> Option<u128> {
        match self.packed.get(self.pos) {
            Some(&p) => {
                let t_bits = self.base + (p >> self.packing.low());
                Some(((t_bits as u128) << 32) | self.packing.kid(p) as u128)
            }
            None => self.wide.get(self.pos).copied(),
        }
    }

    /// Kind and id of event `i`, if there is one.
    #[inline]
    fn kid_at(&self, i: usize) -> Option<u32> {
        match self.packed.get(i) {
            Some(&p) => Some(self.packing.kid(p)),
            None => self.wide.get(i).map(|&k| k as u32),
        }
    }
}

impl Calendar {
    fn new(id_bits: u32) -> Calendar {
        let packing = Packing::new(id_bits);
        Calendar {
            second: 0,
            now: Second {
                base: 0,
                packing,
                packed: Vec::new(),
                spare: Vec::new(),
                wide: Vec::new(),
                pos: 0,
            },
            late: BinaryHeap::new(),
            ring: (0..RING_S).map(|_| Vec::new()).collect(),
            far: BinaryHeap::new(),
            in_ring: 0,
            packing,
        }
    }

    /// Make room for ids of `id_bits` bits: the events waiting in the ring
    /// are packed again (those of seconds that no longer pack go to `far`).
    fn widen_ids(&mut self, id_bits: u32) {
        if id_bits <= self.packing.id_bits {
            return;
        }
        let mut waiting = Vec::with_capacity(self.in_ring);
        for s in self.second + 1..self.second + RING_S {
            for p in self.ring[(s % RING_S) as usize].drain(..) {
                waiting.push(self.packing.unpack(p, s));
            }
        }
        self.in_ring = 0;
        self.packing = Packing::new(id_bits);
        for k in waiting {
            let (t, kind, id) = split(k);
            self.push(t, kind, id);
        }
    }

    #[inline]
    fn push(&mut self, t: f64, kind: u32, id: u32) {
        // Times are finite and ≥ 0: the signed conversion is exact and
        // cheaper than `as u64`, which x86-64 has no instruction for.
        let s = t as i64 as u64;
        if s <= self.second {
            self.late.push(Reverse(key(t, kind, id)));
        } else if s < self.second + RING_S && s >= self.packing.first {
            self.ring[(s % RING_S) as usize].push(self.packing.pack(t, kind, id, s));
            self.in_ring += 1;
        } else {
            self.far.push(Reverse(key(t, kind, id)));
        }
    }

    /// The next event before `end`, in `(time, kind, id)` order.
    fn pop_before(&mut self, end: f64) -> Option<(f64, u32, u32)> {
        loop {
            let a = self.now.peek();
            let b = self.late.peek().map(|r| r.0);
            let next_event = match (a, b) {
                (Some(a), Some(b)) if b < a => Some((b, true)),
                (Some(a), _) => Some((a, false)),
                (None, Some(b)) => Some((b, true)),
                (None, None) => None,
            };
            if let Some((k, late)) = next_event {
                let t = time_of(k);
                if t >= end {
                    return None;
                }
                if late {
                    self.late.pop();
                } else {
                    self.now.pos += 1;
                }
                return Some(split(k));
            }
            // With the ring empty, jump over the empty seconds (to the first
            // far event or to the end): a quiet network costs nothing per tick.
            if self.in_ring == 0 {
                let far = self.far.peek().map_or(u64::MAX, |r| time_of(r.0) as u64);
                let target = far.min(end as u64);
                if target > self.second + 1 {
                    self.second = target - 1;
                }
            }
            let next = self.second + 1;
            if next as f64 >= end {
                return None;
            }
            self.second = next;
            self.load(next);
        }
    }

    /// Make second `s` the current one.
    fn load(&mut self, s: u64) {
        let slot = (s % RING_S) as usize;
        let now = &mut self.now;
        // The bucket becomes the current list; the old list's allocation
        // goes back to the ring.
        now.packed.clear();
        std::mem::swap(&mut now.packed, &mut self.ring[slot]);
        self.in_ring -= now.packed.len();
        now.wide.clear();
        let packs = s >= self.packing.first;
        while let Some(&Reverse(k)) = self.far.peek() {
            if time_of(k) as u64 > s {
                break;
            }
            self.far.pop();
            if packs {
                let (t, kind, id) = split(k);
                now.packed.push(self.packing.pack(t, kind, id, s));
            } else {
                // Popped from a heap: already in order.
                now.wide.push(k);
            }
        }
        debug_assert!(now.packed.is_empty() || now.wide.is_empty());
        if packs {
            // Keys are below 2^(low + 52 − ⌊log2 s⌋) (see `Packing`).
            let bits = self.packing.low() + 52 - (63 - s.leading_zeros());
            sort_keys(&mut now.packed, &mut now.spare, bits);
        }
        (now.base, now.packing, now.pos) = ((s as f64).to_bits(), self.packing, 0);
    }
}

/// Bits that hold the ids of links, vehicles and origins, given how many.
fn id_bits(links: usize, vehicles: usize, origins: usize) -> u32 {
    usize::BITS - links.max(vehicles).max(origins).leading_zeros()
}

/// Every link's queue, the origin queues and the event calendar.
#[derive(Debug)]
pub(crate) struct Traffic {
    lanes: Vec<Lane>,
    origins: Vec<Origin>,
    /// Sources blocked on each link, to wake when it frees room (only read
    /// when the link's `awaited` flag is set).
    waiters: Vec<Vec<u32>>,
    /// Blocked or stranded sources, to wake when routes change.
    blocked: Vec<u32>,
    listed: Vec<bool>,
    cars: Vec<Car>,
    /// Per vehicle: its origin (a zone's index, or a trip origin's after them).
    origin_of: Vec<u32>,
    cal: Calendar,
    stuck_s: f64,
    /// Vehicles that have left a link (for throughput).
    pub traversals: u64,
    /// Heads let through by the stuck timeout.
    pub forced: u64,
}

impl Traffic {
    /// Queues for every link of `net` (all open) and an origin at each node of
    /// `origins`.
    pub fn new(net: &Network, origins: &[NodeIx], stuck_s: f64) -> Traffic {
        let lanes: Vec<Lane> = net
            .links
            .iter()
            .map(|l| {
                let headway = 3600.0 / l.capacity.0;
                let free_time = l.free_time_s;
                Lane {
                    first: NONE,
                    last: NONE,
                    count: 0,
                    to: l.to,
                    next_slot: 0.0,
                    next_attempt: f64::INFINITY,
                    blocked_since: f64::INFINITY,
                    headway,
                    free_time,
                    storage: (l.length.0 * l.lanes as f64 / CELL_M)
                        .max(free_time / headway)
                        .max(1.0) as f32,
                    awaited: false,
                }
            })
            .collect();
        assert!(
            lanes.len() < ORIGIN as usize && origins.len() <= ID_MASK as usize,
            "network too large for the queue model's ids"
        );
        let n_sources = lanes.len() + origins.len();
        let bits = id_bits(lanes.len(), 0, origins.len());
        Traffic {
            waiters: vec![Vec::new(); lanes.len()],
            lanes,
            origins: origins
                .iter()
                .map(|&node| Origin {
                    first: NONE,
                    last: NONE,
                    count: 0,
                    node,
                    next_attempt: f64::INFINITY,
                })
                .collect(),
            blocked: Vec::new(),
            listed: vec![false; n_sources],
            cars: Vec::new(),
            origin_of: Vec::new(),
            cal: Calendar::new(bits),
            stuck_s,
            traversals: 0,
            forced: 0,
        }
    }

    /// Register new vehicles (indices continue from the last), each with its
    /// origin.
    pub fn add_vehicles(&mut self, origins: impl IntoIterator<Item = u32>) {
        for o in origins {
            self.cars.push(Car {
                ready: 0.0,
                next: NONE,
                dest: NONE,
            });
            self.origin_of.push(o);
        }
        assert!(
            self.cars.len() <= ID_MASK as usize,
            "too many vehicles for the queue model's ids"
        );
        self.size_ids();
    }

    /// Tell the calendar how many bits every event id fits in: link,
    /// vehicle and origin ids are below the counts of each.
    fn size_ids(&mut self) {
        self.cal.widen_ids(id_bits(
            self.lanes.len(),
            self.cars.len(),
            self.origins.len(),
        ));
    }

    /// The origin vehicle `v` leaves from.
    pub fn origin(&self, v: u32) -> u32 {
        self.origin_of[v as usize]
    }

    /// Vehicle `v` sets off at `t` (≥ the current event time).
    pub fn depart_at(&mut self, v: u32, t: f64) {
        self.cal.push(t, K_DEPART, v);
    }

    /// Set a link's free-flow time for vehicles entering from now on; `None`
    /// closes it to entering vehicles.
    pub fn set_free_time(&mut self, l: LinkIx, t: Option<f64>) {
        self.lanes[l as usize].free_time = t.unwrap_or(f64::INFINITY);
    }

    /// Vehicles on link `l`.
    pub fn count(&self, l: LinkIx) -> u32 {
        self.lanes[l as usize].count
    }

    /// Storage capacity of link `l`, vehicles.
    pub fn storage(&self, l: LinkIx) -> f64 {
        self.lanes[l as usize].storage as f64
    }

    /// The destination of vehicle `v` ([`NONE`] if not chosen).
    pub fn dest(&self, v: u32) -> u32 {
        self.cars[v as usize].dest
    }

    /// Set the destination of vehicle `v`.
    pub fn set_dest(&mut self, v: u32, d: u32) {
        self.cars[v as usize].dest = d;
    }

    /// Seconds per vehicle at capacity on link `l`.
    pub fn headway(&self, l: LinkIx) -> f64 {
        self.lanes[l as usize].headway
    }

    /// The link each vehicle is on is not stored: walk the queues. For audits
    /// and tests only (O(vehicles on the network)).
    pub fn vehicles_on(&self, l: LinkIx) -> Vec<u32> {
        self.walk(self.lanes[l as usize].first)
    }

    /// Vehicles waiting at origin `o`.
    pub fn waiting_at(&self, o: u32) -> Vec<u32> {
        self.walk(self.origins[o as usize].first)
    }

    /// Every vehicle waiting at an origin, origins in index order.
    pub fn all_waiting(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for q in self.origins.iter().filter(|q| q.count > 0) {
            out.extend(self.walk(q.first));
        }
        out
    }

    fn walk(&self, mut v: u32) -> Vec<u32> {
        let mut out = Vec::new();
        while v != NONE {
            out.push(v);
            v = self.cars[v as usize].next;
        }
        out
    }

    /// Take every vehicle off link `l` at `t` (caught by a closure); wakes the
    /// sources waiting for room on it.
    pub fn clear_link(&mut self, l: LinkIx, t: f64) -> Vec<u32> {
        let lane = &mut self.lanes[l as usize];
        let first = lane.first;
        lane.first = NONE;
        lane.last = NONE;
        lane.count = 0;
        lane.blocked_since = f64::INFINITY;
        let out = self.walk(first);
        for &v in &out {
            self.cars[v as usize].next = NONE;
        }
        self.wake_waiters(l, t);
        out
    }

    /// Take every vehicle out of origin `o` (exposed where they wait).
    pub fn clear_origin(&mut self, o: u32) -> Vec<u32> {
        let q = &mut self.origins[o as usize];
        let first = q.first;
        q.first = NONE;
        q.last = NONE;
        q.count = 0;
        let out = self.walk(first);
        for &v in &out {
            self.cars[v as usize].next = NONE;
        }
        out
    }

    /// Let every blocked or stranded source try again at `t` (routes changed).
    pub fn wake_blocked(&mut self, t: f64) {
        for src in std::mem::take(&mut self.blocked) {
            let slot = self.source_slot(src);
            self.listed[slot] = false;
            self.schedule(src, t);
        }
    }

    fn source_slot(&self, src: u32) -> usize {
        if src & ORIGIN != 0 {
            self.lanes.len() + (src & !ORIGIN) as usize
        } else {
            src as usize
        }
    }

    fn list_blocked(&mut self, src: u32) {
        let s = self.source_slot(src);
        if !self.listed[s] {
            self.listed[s] = true;
            self.blocked.push(src);
        }
    }

    /// Ask source `src` to try to move its head at `t`, unless it already
    /// has an earlier attempt pending (that attempt reschedules as needed).
    #[inline]
    fn schedule(&mut self, src: u32, t: f64) {
        if src & ORIGIN != 0 {
            let o = src & !ORIGIN;
            let q = &mut self.origins[o as usize];
            if t < q.next_attempt {
                q.next_attempt = t;
                self.cal.push(t, K_ORIGIN, o);
            }
        } else {
            let lane = &mut self.lanes[src as usize];
            if t < lane.next_attempt {
                lane.next_attempt = t;
                self.cal.push(t, K_LINK, src);
            }
        }
    }

    #[inline]
    fn wake_waiters(&mut self, l: LinkIx, t: f64) {
        if self.lanes[l as usize].awaited {
            self.wake_awaited(l, t);
        }
    }

    #[cold]
    fn wake_awaited(&mut self, l: LinkIx, t: f64) {
        self.lanes[l as usize].awaited = false;
        let waiting = std::mem::take(&mut self.waiters[l as usize]);
        for &w in &waiting {
            self.schedule(w, t);
        }
        // Give the allocation back for the next time the link fills.
        let mut waiting = waiting;
        waiting.clear();
        self.waiters[l as usize] = waiting;
    }

    /// `src` waits for room on link `m`.
    fn await_room(&mut self, m: LinkIx, src: u32) {
        self.lanes[m as usize].awaited = true;
        self.waiters[m as usize].push(src);
    }

    /// Process every event before `end` (seconds).
    pub fn advance(&mut self, end: f64, router: &mut impl Router) {
        let big = self.lanes.len() > LOOK_AHEAD_LANES;
        while let Some((t, kind, id)) = self.cal.pop_before(end) {
            if big {
                self.look_ahead(router);
            }
            match kind {
                K_LINK => self.link_head(id, t, router),
                K_DEPART => self.depart(id, t, router),
                _ => self.origin_head(id, t, router),
            }
        }
    }

    /// Start loading what the coming link events will need, a few events
    /// ahead of each: the link, then its head vehicle, then the route entry
    /// at its end, then the link that entry names. Each stage reads only
    /// lines an earlier stage asked for, so the loop seldom waits on memory.
    /// Only hints: changes nothing but timing.
    #[inline]
    fn look_ahead(&self, router: &impl Router) {
        let link_at = |k: usize| {
            self.cal
                .now
                .kid_at(self.cal.now.pos + k)
                .filter(|kid| kid >> ID_BITS == K_LINK)
                .map(|kid| &self.lanes[(kid & ID_MASK) as usize])
        };
        if let Some(lane) = link_at(AHEAD[0]) {
            prefetch(lane);
        }
        if let Some(lane) = link_at(AHEAD[1])
            && lane.first != NONE
        {
            prefetch(&self.cars[lane.first as usize]);
        }
        if let Some(lane) = link_at(AHEAD[2])
            && lane.first != NONE
        {
            router.prefetch(self.cars[lane.first as usize].dest, lane.to);
        }
        if let Some(lane) = link_at(AHEAD[3])
            && lane.first != NONE
            && let Some(m) = router.peek(self.cars[lane.first as usize].dest, lane.to)
        {
            prefetch(&self.lanes[m as usize]);
        }
    }

    fn depart(&mut self, v: u32, t: f64, router: &mut impl Router) {
        if !router.departed(v, t) {
            return;
        }
        let o = self.origin_of[v as usize];
        let q = &mut self.origins[o as usize];
        self.cars[v as usize].next = NONE;
        if q.first == NONE {
            q.first = v;
        } else {
            self.cars[q.last as usize].next = v;
        }
        q.last = v;
        q.count += 1;
        if q.first == v {
            self.schedule(ORIGIN | o, t);
        }
    }

    /// Put `v` at the back of link `m` at `t`.
    fn enter(&mut self, v: u32, m: LinkIx, t: f64) {
        let lane = &mut self.lanes[m as usize];
        let ready = t + lane.free_time;
        let car = &mut self.cars[v as usize];
        car.ready = ready;
        car.next = NONE;
        lane.count += 1;
        if lane.first == NONE {
            lane.first = v;
            lane.last = v;
            let at = ready.max(lane.next_slot);
            self.schedule(m, at);
        } else {
            self.cars[lane.last as usize].next = v;
            lane.last = v;
        }
    }

    /// Whether `v` can enter `m` now (`None` if `m` is closed).
    fn room(&self, m: LinkIx) -> Option<bool> {
        let lane = &self.lanes[m as usize];
        lane.free_time
            .is_finite()
            .then_some((lane.count as f32) < lane.storage)
    }

    fn origin_head(&mut self, o: u32, t: f64, router: &mut impl Router) {
        let q = &mut self.origins[o as usize];
        if q.next_attempt != t {
            return; // superseded
        }
        q.next_attempt = f64::INFINITY;
        let v = q.first;
        if v == NONE {
            return;
        }
        let node = q.node;
        let step = router.next(v, &mut self.cars[v as usize].dest, node, t);
        let m = match step {
            Step::Wait => return self.list_blocked(ORIGIN | o),
            Step::Leave => None,
            Step::Link(m) => match self.room(m) {
                Some(true) => Some(m),
                Some(false) => {
                    self.await_room(m, ORIGIN | o);
                    return self.list_blocked(ORIGIN | o);
                }
                None => return self.list_blocked(ORIGIN | o),
            },
        };
        let q = &mut self.origins[o as usize];
        q.first = self.cars[v as usize].next;
        if q.first == NONE {
            q.last = NONE;
        }
        q.count -= 1;
        let more = q.first != NONE;
        if let Some(m) = m {
            self.enter(v, m, t);
        }
        if more {
            self.schedule(ORIGIN | o, t);
        }
    }

    fn link_head(&mut self, l: LinkIx, t: f64, router: &mut impl Router) {
        let lane = &mut self.lanes[l as usize];
        if lane.next_attempt != t {
            return; // superseded
        }
        lane.next_attempt = f64::INFINITY;
        let v = lane.first;
        if v == NONE {
            return;
        }
        let ready = self.cars[v as usize].ready.max(lane.next_slot);
        if ready > t {
            return self.schedule(l, ready);
        }
        let node = lane.to;
        let blocked_since = lane.blocked_since;
        let m = match router.next(v, &mut self.cars[v as usize].dest, node, t) {
            Step::Wait => return self.list_blocked(l),
            Step::Leave => None,
            Step::Link(m) => match self.room(m) {
                Some(true) => Some(m),
                Some(false) if t >= blocked_since + self.stuck_s => {
                    self.forced += 1;
                    Some(m)
                }
                Some(false) => {
                    self.await_room(m, l);
                    self.list_blocked(l);
                    let lane = &mut self.lanes[l as usize];
                    if lane.blocked_since == f64::INFINITY {
                        lane.blocked_since = t;
                    }
                    let wake = lane.blocked_since + self.stuck_s;
                    return self.schedule(l, wake);
                }
                None => return self.list_blocked(l),
            },
        };
        // The head leaves `l`.
        self.traversals += 1;
        let lane = &mut self.lanes[l as usize];
        lane.first = self.cars[v as usize].next;
        if lane.first == NONE {
            lane.last = NONE;
        }
        lane.count -= 1;
        lane.blocked_since = f64::INFINITY;
        lane.next_slot = t + lane.headway;
        let next_head = lane.first;
        let next_slot = lane.next_slot;
        if let Some(m) = m {
            self.enter(v, m, t);
        }
        if next_head != NONE {
            let at = self.cars[next_head as usize].ready.max(next_slot);
            self.schedule(l, at);
        }
        self.wake_waiters(l, t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<Lane>(), 64);
        assert_eq!(std::mem::align_of::<Lane>(), 64);
    }
    use qilian_engine::dist::unit;
    use qilian_engine::network::{Link, NetNode};
    use qilian_engine::scenario::RoadClass;
    use qilian_engine::{EdgeId, Kmh, Metres, NodeId, StreamTag, Streams, VehPerHour};

    /// A network from `(from, to, length m, speed m/s, capacity veh/h)`.
    fn net(n: usize, links: &[(u32, u32, f64, f64, f64)]) -> Network {
        let nodes = (0..n)
            .map(|i| NetNode {
                id: NodeId(i as u32),
                x: i as f64,
                y: 0.0,
            })
            .collect();
        let links = links
            .iter()
            .enumerate()
            .map(|(i, &(from, to, len, mps, cap))| Link {
                id: EdgeId(i as u32),
                from,
                to,
                length: Metres(len),
                speed: Kmh(mps * 3.6),
                lanes: 1,
                capacity: VehPerHour(cap),
                class: RoadClass::Local,
                main_road: false,
                bridge: None,
                free_time_s: len / mps,
                twin: None,
            })
            .collect();
        Network::from_parts(nodes, links)
    }

    /// Each vehicle follows a fixed list of links (visiting no node twice)
    /// and leaves after the last. Asked again at the same node, it answers
    /// the same, as the queue model requires.
    struct Paths {
        paths: Vec<Vec<LinkIx>>,
        from: Vec<NodeIx>,
        arrived: Vec<Option<f64>>,
    }

    impl Router for Paths {
        fn departed(&mut self, _v: u32, _t: f64) -> bool {
            true
        }
        fn next(&mut self, v: u32, _dest: &mut u32, at: NodeIx, t: f64) -> Step {
            let v = v as usize;
            match self.paths[v].iter().find(|&&l| self.from[l as usize] == at) {
                Some(&l) => Step::Link(l),
                None => {
                    self.arrived[v] = Some(t);
                    Step::Leave
                }
            }
        }
    }

    fn run(
        net: &Network,
        origins: &[NodeIx],
        vehicles: &[(u32, f64, Vec<LinkIx>)],
        stuck_s: f64,
        until: f64,
    ) -> (Traffic, Paths) {
        let mut tr = Traffic::new(net, origins, stuck_s);
        tr.add_vehicles(vehicles.iter().map(|v| v.0));
        for (i, v) in vehicles.iter().enumerate() {
            tr.depart_at(i as u32, v.1);
        }
        let mut router = Paths {
            paths: vehicles.iter().map(|v| v.2.clone()).collect(),
            from: net.links.iter().map(|l| l.from).collect(),
            arrived: vec![None; vehicles.len()],
        };
        // Uneven "ticks" must not matter.
        let mut t = 0.0;
        for dt in [7.0, 60.0, 13.0].iter().cycle() {
            if t >= until {
                break;
            }
            t += dt;
            tr.advance(t, &mut router);
        }
        (tr, router)
    }

    #[test]
    fn free_flow_time_is_exact_whatever_the_ticks() {
        let n = net(2, &[(0, 1, 1000.0, 10.0, 1800.0)]);
        let (_, r) = run(&n, &[0], &[(0, 3.25, vec![0])], 10.0, 500.0);
        assert_eq!(r.arrived[0], Some(103.25));
    }

    #[test]
    fn a_queue_discharges_at_capacity() {
        // 10 vehicles at once into a 1800 veh/h link: one every 2 s.
        let n = net(2, &[(0, 1, 100.0, 10.0, 1800.0)]);
        let vs: Vec<_> = (0..10).map(|_| (0, 0.0, vec![0])).collect();
        let (tr, r) = run(&n, &[0], &vs, 10.0, 500.0);
        let times: Vec<f64> = r.arrived.iter().map(|a| a.unwrap()).collect();
        let want: Vec<f64> = (0..10).map(|k| 10.0 + 2.0 * k as f64).collect();
        assert_eq!(times, want);
        assert_eq!(tr.traversals, 10);
    }

    #[test]
    fn gridlock_needs_the_stuck_timeout() {
        // A one-way ring 0→1→2→3→0 of 15 m links (2 vehicles each) with an
        // exit from every node. Vehicles on each ring link want the next ring
        // link, then leave: a cycle of full links.
        let mut links: Vec<(u32, u32, f64, f64, f64)> = (0..4)
            .map(|i| (i, (i + 1) % 4, 15.0, 5.0, 3600.0))
            .collect();
        for i in 0..4 {
            links.push((4 + i, i, 15.0, 5.0, 3600.0)); // feeder into ring node i
        }
        let n = net(8, &links);
        // Vehicle from feeder i: feeder → ring i → ring i+1 → leaves.
        let mut vs = Vec::new();
        for i in 0..4u32 {
            for _ in 0..3 {
                vs.push((i, 0.0, vec![4 + i, i, (i + 1) % 4]));
            }
        }
        let origins = [4, 5, 6, 7];
        let (_, stuck) = run(&n, &origins, &vs, f64::INFINITY, 2000.0);
        let (tr, freed) = run(&n, &origins, &vs, 10.0, 2000.0);
        assert!(
            stuck.arrived.iter().any(|a| a.is_none()),
            "without a timeout the ring should lock"
        );
        assert!(
            freed.arrived.iter().all(|a| a.is_some()),
            "timeout frees it"
        );
        assert!(tr.forced > 0);
    }

    #[test]
    fn calendar_orders_by_time_kind_id() {
        let mut c = Calendar::new(ID_BITS);
        for (t, k, id) in [
            (5.5, 0, 3),
            (5.5, 0, 1),
            (2.0, 2, 0),
            (5.5, 1, 0),
            (3000.0, 0, 9),
            (1.0, 0, 7),
        ] {
            c.push(t, k, id);
        }
        let mut out = Vec::new();
        while let Some(e) = c.pop_before(4000.0) {
            out.push(e);
        }
        assert_eq!(
            out,
            vec![
                (1.0, 0, 7),
                (2.0, 2, 0),
                (5.5, 0, 1),
                (5.5, 0, 3),
                (5.5, 1, 0),
                (3000.0, 0, 9)
            ]
        );
    }

    /// Pops in the order of one global heap of full keys, whether events
    /// pack or not (ids of 1 to 30 bits), across the ring's end, with events
    /// added to the running second, and when the ids widen half-way.
    #[test]
    fn calendar_pops_as_a_full_sort_however_it_packs() {
        for bits in [1u32, 8, 18, 26] {
            let mut rng = Streams::new(bits as u64, 0).stream(StreamTag::new("calendar"), 0);
            let mut below = |n: u32| (unit(&mut rng) * n as f64) as u32;
            let mut cal = Calendar::new(bits);
            let mut reference = BinaryHeap::new();
            let (mut got, mut want) = (Vec::new(), Vec::new());
            let (mut last, mut end, mut id_bits) = (0.0f64, 0.0f64, bits);
            for round in 0..400 {
                if round == 200 {
                    id_bits = bits + 4;
                    cal.widen_ids(id_bits);
                }
                for _ in 0..below(20) {
                    let t = last
                        + match below(4) {
                            0 => 0.0,
                            1 => below(8) as f64 * 0.25,
                            2 => {
                                below(1 << 20) as f64 / (1 << 20) as f64 * 30.0
                                    + below(7) as f64 / 3.0
                            }
                            _ => below(2500) as f64 + below(1000) as f64 / 1000.0,
                        };
                    let kind = below(3);
                    let id = below(1 << id_bits);
                    cal.push(t, kind, id);
                    reference.push(Reverse(key(t, kind, id)));
                }
                end += below(40) as f64 + below(8) as f64 / 8.0;
                while let Some(e) = cal.pop_before(end) {
                    last = e.0;
                    got.push(e);
                }
                while let Some(&Reverse(k)) = reference.peek() {
                    if time_of(k) >= end {
                        break;
                    }
                    reference.pop();
                    want.push(split(k));
                }
                assert_eq!(got, want, "ids of {bits} bits, round {round}");
            }
            assert!(got.len() > 1000, "{} events", got.len());
        }
    }

    #[test]
    fn sort_keys_sorts_like_sort_unstable() {
        let mut rng = Streams::new(3, 0).stream(StreamTag::new("sort keys"), 0);
        let mut spare = Vec::new();
        // (keys, bits they are below, bits they spread over: fewer bunch
        // them into the lowest ranges)
        for (n, bits, spread) in [
            (10, 20, 20),
            (64, 6, 6),
            (300, 40, 40),
            (1000, 63, 63),
            (500, 3, 3),
            (2000, 64, 64),
            (2000, 40, 33),
            (700, 30, 20),
        ] {
            let mut keys: Vec<u64> = (0..n)
                .map(|_| (unit(&mut rng) * 2f64.powi(spread)) as u64)
                .collect();
            // Ties.
            keys.extend_from_within(..n / 4);
            let mut want = keys.clone();
            want.sort_unstable();
            sort_keys(&mut keys, &mut spare, bits);
            assert_eq!(keys, want, "{n} keys of {bits} bits");
        }
    }
}
