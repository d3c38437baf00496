//! The evacuation's dynamic state and its steps, independent of the ECS so it
//! can be driven directly by benchmarks: [`Evacuation::expose`] (Damage
//! phase), [`Evacuation::decide`] (Decide) and [`Evacuation::advance`] (Move).
//!
//! Vehicles are dense indices into flat arrays (zone, people, status) plus
//! the queue model's own per-vehicle record (ready time, next in queue,
//! destination). They are not ECS entities: 200,000 entities with change
//! detection would cost more memory and time than a few `Vec`s, and the queue
//! model needs vehicles by index anyway. The ECS sees one resource,
//! [`Evacuation`].
//!
//! Parallel work (rayon, order-preserving, so results do not depend on the
//! thread count): departure-time draws when zones are warned, the route
//! trees, and each departing vehicle's choice of shelter. Movement is
//! sequential, in `(time, kind, id)` order.

use super::departure::{self, load_vehicles};
use super::exposure::HazardReach;
use super::queue::{NONE, Router, Step, Traffic};
use super::routing::Routes;
use super::trips::NearestZone;
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx, Network, NodeIx};
use qilian_engine::scenario::{DamageState, DepartureCurve, EvacuationRule, FacilityKind, Trigger};
use qilian_engine::{EventKind, FacilityId, Scenario, SimTime, Streams, ZoneId};
use rayon::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a vehicle (and the people in it) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    /// Warned, not yet departed: the people are still at home.
    Waiting,
    /// Departed: waiting at the origin or on a link.
    EnRoute,
    /// In a shelter.
    Sheltered,
    /// Caught by the hazard.
    Exposed,
    /// Told to shelter in place before departing: the people stay at home
    /// (and count there).
    InPlace,
}

/// People by where they are, for one zone or for all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Residents.
    pub residents: u64,
    /// At home: not warned, not complying, or not yet departed.
    pub at_home: u64,
    /// In a vehicle that has departed and not arrived.
    pub en_route: u64,
    /// In a shelter.
    pub sheltered: u64,
    /// Exposed to the hazard.
    pub exposed: u64,
}

impl Counts {
    /// Whether every resident is in exactly one place.
    pub fn conserved(&self) -> bool {
        self.at_home + self.en_route + self.sheltered + self.exposed == self.residents
    }
}

/// Per-vehicle and per-shelter state: what the queue model asks routing
/// decisions of.
#[derive(Debug)]
struct Agents {
    zone: Vec<u32>,
    people: Vec<u32>,
    status: Vec<Status>,
    zones: Vec<Counts>,
    /// Vehicles of each zone not yet departed.
    to_depart: Vec<u32>,
    zone_ids: Vec<ZoneId>,
    shelter_ids: Vec<FacilityId>,
    shelter_node: Vec<NodeIx>,
    capacity: Vec<f64>,
    occupancy: Vec<u64>,
    full: Vec<bool>,
    with_room: usize,
    /// People departed so far.
    departed: u64,
    /// `(time s, people)` of each arrival at a shelter, in time order.
    arrivals: Vec<(f64, u32)>,
    retargeted: u64,
    /// Whether people were ever taken in over a shelter's capacity.
    overflowing: bool,
    events: Vec<(f64, EventKind)>,
}

impl Agents {
    /// The shelter a vehicle at `at` should head for: the nearest with room,
    /// else (all full, or none with room reachable) the nearest reachable.
    fn choose(&self, routes: &Routes, at: NodeIx) -> Option<usize> {
        if self.with_room > 0
            && let Some(s) = routes.nearest(at, |s| !self.full[s])
        {
            return Some(s);
        }
        routes.nearest(at, |_| true)
    }

    fn admit(&mut self, v: usize, s: usize, t: f64) {
        let p = self.people[v];
        let z = self.zone[v] as usize;
        self.status[v] = Status::Sheltered;
        self.zones[z].en_route -= p as u64;
        self.zones[z].sheltered += p as u64;
        self.occupancy[s] += p as u64;
        self.arrivals.push((t, p));
        if !self.full[s] && self.occupancy[s] as f64 >= self.capacity[s] {
            self.full[s] = true;
            self.with_room -= 1;
            self.events.push((
                t,
                EventKind::ShelterFull {
                    facility: self.shelter_ids[s],
                },
            ));
        }
        // Logged once, when people are first taken in over capacity (not
        // when the last place is taken).
        if !self.overflowing && self.occupancy[s] as f64 > self.capacity[s] {
            self.overflowing = true;
            self.events.push((t, EventKind::SheltersOverflowing));
        }
    }

    /// Places left in shelter `s`.
    fn room(&self, s: usize) -> f64 {
        self.capacity[s] - self.occupancy[s] as f64
    }

    fn expose(&mut self, v: usize) -> u32 {
        let p = self.people[v];
        let z = self.zone[v] as usize;
        match self.status[v] {
            Status::EnRoute => self.zones[z].en_route -= p as u64,
            Status::Waiting => {
                self.zones[z].at_home -= p as u64;
                self.to_depart[z] -= 1;
            }
            _ => return 0,
        }
        self.zones[z].exposed += p as u64;
        self.status[v] = Status::Exposed;
        p
    }
}

/// The queue model's view of the agents during one `advance`.
struct Drive<'a> {
    agents: &'a mut Agents,
    routes: &'a Routes,
}

impl Router for Drive<'_> {
    fn departed(&mut self, v: u32, t: f64) -> bool {
        let a = &mut *self.agents;
        let v = v as usize;
        if a.status[v] != Status::Waiting {
            return false;
        }
        a.status[v] = Status::EnRoute;
        let (z, p) = (a.zone[v] as usize, a.people[v] as u64);
        a.zones[z].at_home -= p;
        a.zones[z].en_route += p;
        a.departed += p;
        a.to_depart[z] -= 1;
        if a.to_depart[z] == 0 {
            a.events.push((
                t,
                EventKind::ZoneEvacuated {
                    zone: a.zone_ids[z],
                },
            ));
        }
        true
    }

    fn next(&mut self, v: u32, dest: &mut u32, at: NodeIx, t: f64) -> Step {
        let a = &mut *self.agents;
        let mut d = *dest;
        // The common case first: a shelter that still fits and a first link
        // toward it (there is none at the shelter itself, the tree's root).
        if d != NONE
            && !(a.full[d as usize] && a.with_room > 0)
            && let Some(l) = self.routes.first_link(d as usize, at)
        {
            return Step::Link(l);
        }
        let v = v as usize;
        // Re-target when the shelter filled (while others have room) or the
        // routes no longer reach it from here.
        let stale = d == NONE
            || (a.full[d as usize] && a.with_room > 0)
            || (at != a.shelter_node[d as usize]
                && self.routes.first_link(d as usize, at).is_none());
        if stale {
            let Some(s) = a.choose(self.routes, at) else {
                return Step::Wait;
            };
            if d != NONE && s as u32 != d {
                a.retargeted += 1;
            }
            d = s as u32;
            *dest = d;
        }
        let s = d as usize;
        if at == a.shelter_node[s] {
            // A vehicle whose people do not all fit goes on to the nearest
            // shelter with room for all of them, if one can be reached; only
            // when none can is the shelter filled over its capacity.
            let p = f64::from(a.people[v]);
            if a.room(s) < p
                && let Some(o) = self.routes.nearest(at, |x| x != s && a.room(x) >= p)
            {
                a.retargeted += 1;
                *dest = o as u32;
                if at == a.shelter_node[o] {
                    a.admit(v, o, t);
                    return Step::Leave;
                }
                if let Some(l) = self.routes.first_link(o, at) {
                    return Step::Link(l);
                }
                return Step::Wait;
            }
            a.admit(v, s, t);
            return Step::Leave;
        }
        match self.routes.first_link(s, at) {
            Some(l) => Step::Link(l),
            None => Step::Wait,
        }
    }

    fn peek(&self, dest: u32, at: NodeIx) -> Option<LinkIx> {
        (dest != NONE)
            .then(|| self.routes.first_link(dest as usize, at))
            .flatten()
    }

    fn prefetch(&self, dest: u32, at: NodeIx) {
        if dest != NONE {
            self.routes.prefetch_first_link(dest as usize, at);
        }
    }
}

/// One replicate's evacuation.
#[derive(Debug, bevy_ecs::resource::Resource)]
pub struct Evacuation {
    scenario: Arc<Scenario>,
    streams: Streams,
    /// Each rule's departure curve as this replicate draws it.
    departures: Vec<DepartureCurve<f64>>,
    /// `(ruleK.departure.field, value)` of the drawn uncertain parameters.
    parameters: Vec<(String, f64)>,
    /// Rule index of each zone (dense zone index).
    zone_rule: Vec<Option<usize>>,
    /// The node of each origin: the zones' nodes, then the trip list's
    /// origins (in order of first use).
    origin_node: Vec<NodeIx>,
    /// The trip origins counted in each zone (origin indices).
    zone_origins: Vec<Vec<u32>>,
    /// Whether each trip vehicle (the first vehicles) is bound to a shelter
    /// of its own rather than the nearest with room (empty when none is).
    fixed: Vec<bool>,
    households: Vec<u64>,
    warned: Vec<bool>,
    reached: Vec<bool>,
    /// Zones sheltering in place (departures stopped).
    in_place: Vec<bool>,
    first_warning_s: Option<f64>,
    /// Departures not yet handed to the queue model: `(time s, vehicle)`,
    /// sorted, from `cursor` on.
    pending: Vec<(f64, u32)>,
    cursor: usize,
    /// Where in the link-state change log `expose` got to
    /// ([`EdgeStates::changed_since`]).
    links_seen: usize,
    /// People whose departure was dropped because their zone sheltered in
    /// place.
    stayed_in_place: u64,
    /// People of each zone (dense index, by where they came from) caught in
    /// vehicles on a link that closed under them: part of the zone's
    /// `exposed`, kept apart for the casualty model's `road` cause.
    caught_on_road: Vec<u64>,
    agents: Agents,
    traffic: Traffic,
    routes: Routes,
    interval_s: Option<u64>,
}

impl Evacuation {
    /// The values this replicate drew for the plan's uncertain departure
    /// parameters, `(ruleK.departure.field, value)`.
    pub fn parameters(&self) -> &[(String, f64)] {
        &self.parameters
    }

    /// The evacuation of `scenario`, nobody warned yet.
    pub fn new(scenario: Arc<Scenario>, streams: Streams) -> Evacuation {
        let region = &scenario.region;
        let plan = &scenario.plan;
        let net: &Network = &scenario.network;
        let zone_node: Vec<NodeIx> = region
            .zones
            .iter()
            .map(|z| net.node(z.node).expect("validated: zone node exists"))
            .collect();
        // Each zone's first rule, through one map (a scan of every rule for
        // every zone grew with zones × rules).
        let mut first_rule: BTreeMap<ZoneId, usize> = BTreeMap::new();
        for (i, r) in plan.evacuation.rules.iter().enumerate() {
            for z in &r.zones {
                first_rule.entry(*z).or_insert(i);
            }
        }
        let zone_rule = region
            .zones
            .iter()
            .map(|z| first_rule.get(&z.id).copied())
            .collect();
        let shelters: Vec<(FacilityId, NodeIx, f64)> = plan
            .shelters
            .iter()
            .filter_map(|id| region.facilities.iter().find(|f| f.id == *id))
            .map(|f| {
                let node = net.node(f.node).expect("validated: shelter node exists");
                (f.id, node, f.capacity.unwrap_or(0.0))
            })
            .collect();
        let n = region.zones.len();
        let mut agents = Agents {
            zone: Vec::new(),
            people: Vec::new(),
            status: Vec::new(),
            zones: region
                .zones
                .iter()
                .map(|z| Counts {
                    residents: z.population as u64,
                    at_home: z.population as u64,
                    ..Counts::default()
                })
                .collect(),
            to_depart: vec![0; n],
            zone_ids: region.zones.iter().map(|z| z.id).collect(),
            with_room: shelters.iter().filter(|s| s.2 > 0.0).count(),
            full: shelters.iter().map(|s| s.2 <= 0.0).collect(),
            shelter_ids: shelters.iter().map(|s| s.0).collect(),
            shelter_node: shelters.iter().map(|s| s.1).collect(),
            capacity: shelters.iter().map(|s| s.2).collect(),
            occupancy: vec![0; shelters.len()],
            departed: 0,
            arrivals: Vec::new(),
            retargeted: 0,
            overflowing: false,
            events: Vec::new(),
        };
        let e = &plan.evacuation;
        let mut parameters = Vec::new();
        let departures = e.realise_departures(&streams, &mut parameters);
        // The trip list: vehicles from the start, in file order.
        let mut origin_node = zone_node.clone();
        let mut zone_origins = vec![Vec::new(); n];
        let mut pending = Vec::with_capacity(scenario.trips.len());
        let mut fixed = Vec::with_capacity(scenario.trips.len());
        let mut trip_origins = Vec::with_capacity(scenario.trips.len());
        if !scenario.trips.is_empty() {
            let nearest = NearestZone::new(net, &zone_node);
            // Origin index of each node used, by node index.
            let mut origin_of: Vec<u32> = vec![u32::MAX; net.nodes.len()];
            let mut origin_zone: Vec<u32> = Vec::new();
            let shelter_at: BTreeMap<NodeIx, u32> = agents
                .shelter_node
                .iter()
                .enumerate()
                .rev()
                .map(|(i, &node)| (node, i as u32))
                .collect();
            for (v, trip) in scenario.trips.iter().enumerate() {
                let node = net
                    .node(trip.origin)
                    .expect("validated: trip origin exists");
                if origin_of[node as usize] == u32::MAX {
                    let p = &net.nodes[node as usize];
                    let z = nearest.nearest(p.x, p.y).expect("validated: a zone exists");
                    origin_of[node as usize] = origin_node.len() as u32;
                    zone_origins[z as usize].push(origin_node.len() as u32);
                    origin_node.push(node);
                    origin_zone.push(z);
                }
                let o = origin_of[node as usize];
                let z = origin_zone[(o as usize) - n];
                let p = u64::from(trip.people);
                agents.zone.push(z);
                agents.people.push(trip.people);
                agents.status.push(Status::Waiting);
                agents.to_depart[z as usize] += 1;
                agents.zones[z as usize].residents += p;
                agents.zones[z as usize].at_home += p;
                trip_origins.push(o);
                let dest = trip
                    .dest
                    .and_then(|d| net.node(d))
                    .and_then(|d| shelter_at.get(&d).copied());
                fixed.push(dest.is_some());
                pending.push((trip.depart_s, v as u32));
            }
            pending.sort_unstable_by(|a: &(f64, u32), b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        if !fixed.contains(&true) {
            // None bound to a shelter of its own: nothing to skip per tick.
            fixed.clear();
        }
        let mut traffic = Traffic::new(net, &origin_node, e.stuck_timeout_s);
        traffic.add_vehicles(trip_origins);
        for (v, trip) in scenario.trips.iter().enumerate() {
            if fixed.get(v).copied().unwrap_or(false)
                && let Some(d) = trip.dest.and_then(|d| net.node(d))
                && let Some(s) = agents.shelter_node.iter().position(|&x| x == d)
            {
                traffic.set_dest(v as u32, s as u32);
            }
        }
        Evacuation {
            departures,
            parameters,
            traffic,
            routes: Routes::default(),
            interval_s: e
                .route_interval_min
                .map(|m| ((m * 60.0).round() as u64).max(1)),
            households: region.zones.iter().map(|z| z.households as u64).collect(),
            warned: vec![false; n],
            reached: vec![false; n],
            in_place: vec![false; n],
            first_warning_s: None,
            pending,
            cursor: 0,
            links_seen: 0,
            stayed_in_place: 0,
            caught_on_road: vec![0; n],
            zone_rule,
            origin_node,
            zone_origins,
            fixed,
            agents,
            streams,
            scenario,
        }
    }

    /// `Damage` phase: catch vehicles on links that closed under them, and
    /// expose everyone still in zones the hazard has reached.
    pub fn expose(&mut self, now: SimTime, reach: &HazardReach, states: &EdgeStates) {
        let t = now.0 as f64;
        // Only links whose states changed: vehicles cannot enter a closed
        // link, so one that closed earlier was emptied then.
        let (changed, mark) = states.changed_since(self.links_seen);
        if !changed.is_empty() {
            self.links_seen = mark;
            let net = self.scenario.network.clone();
            for l in changed {
                let caught = matches!(states.get(l), EdgeState::Closed { state, .. } if *state != DamageState::None);
                if caught && self.traffic.count(l) > 0 {
                    let vs = self.traffic.clear_link(l, t);
                    let mut people = 0u32;
                    for &v in &vs {
                        let p = self.agents.expose(v as usize);
                        self.caught_on_road[self.agents.zone[v as usize] as usize] += p as u64;
                        people += p;
                    }
                    self.agents.events.push((
                        t,
                        EventKind::VehiclesCaught {
                            edge: net.links[l as usize].id,
                            vehicles: vs.len() as u32,
                            people,
                        },
                    ));
                }
                self.traffic.set_free_time(l, net.travel_time(l, states));
            }
        }
        for z in 0..self.reached.len() {
            if !reach.reached[z] || self.reached[z] {
                continue;
            }
            self.reached[z] = true;
            let a = &mut self.agents;
            let mut people = a.zones[z].at_home;
            // Vehicles still waiting to depart: their people are at home.
            for &(_, v) in &self.pending[self.cursor..] {
                if a.zone[v as usize] == z as u32 {
                    a.expose(v as usize);
                }
            }
            let origins = std::iter::once(z as u32).chain(self.zone_origins[z].iter().copied());
            for o in origins {
                for v in self.traffic.clear_origin(o) {
                    people += a.expose(v as usize) as u64;
                }
            }
            let home = a.zones[z].at_home;
            a.zones[z].at_home = 0;
            a.zones[z].exposed += home;
            a.to_depart[z] = 0;
            if people > 0 {
                a.events.push((
                    t,
                    EventKind::ZoneExposed {
                        zone: a.zone_ids[z],
                        people: people as u32,
                    },
                ));
            }
        }
    }

    /// Open shelter `facility` (a region facility of kind `Shelter`) from
    /// now on: it joins the destinations with its capacity and the route
    /// trees are recomputed at the next `decide`. Returns `false` (and
    /// changes nothing) if it is already open or is not a shelter.
    pub fn open_shelter(&mut self, facility: FacilityId) -> bool {
        if self.agents.shelter_ids.contains(&facility) {
            return false;
        }
        let scenario = self.scenario.clone();
        let Some(f) = scenario
            .region
            .facilities
            .iter()
            .find(|f| f.id == facility && f.kind == FacilityKind::Shelter)
        else {
            return false;
        };
        let Some(node) = scenario.network.node(f.node) else {
            return false;
        };
        let capacity = f.capacity.unwrap_or(0.0);
        let a = &mut self.agents;
        a.shelter_ids.push(facility);
        a.shelter_node.push(node);
        a.capacity.push(capacity);
        a.occupancy.push(0);
        a.full.push(capacity <= 0.0);
        if capacity > 0.0 {
            a.with_room += 1;
        }
        true
    }

    /// Facility ids of the open shelters, in the order they opened (the
    /// plan's first).
    pub fn open_shelters(&self) -> &[FacilityId] {
        &self.agents.shelter_ids
    }

    /// `Decide` phase: warn zones whose trigger fires in this tick (and those
    /// ordered warned), recompute routes when links changed or the interval
    /// has passed, and choose a shelter for each vehicle departing in this
    /// tick.
    pub fn decide(
        &mut self,
        now: SimTime,
        tick_end: SimTime,
        states: &EdgeStates,
        reach: &HazardReach,
        orders: &[ZoneId],
    ) {
        let scenario = self.scenario.clone();
        let rules = &scenario.plan.evacuation.rules;
        let (t0, t1) = (now.0 as f64, tick_end.0 as f64);
        // Zones told to shelter in place: households not yet gone stay home.
        for z in 0..self.in_place.len() {
            if reach.shelter[z] && !self.in_place[z] {
                self.shelter_in_place(z);
            }
        }
        // Zones to warn, with their warning time (not those sheltering in
        // place, unless ordered).
        let mut warn: Vec<(usize, f64)> = Vec::new();
        for z in 0..self.warned.len() {
            if self.warned[z] {
                continue;
            }
            let at = match self.zone_rule[z].map(|r| &rules[r].trigger) {
                Some(Trigger::AtHour(h)) => Some(SimTime::from_hours(*h).0 as f64),
                Some(Trigger::HazardWithin(h)) => {
                    reach.forecast_s[z].map(|f| (f.0 as f64 - h.0 * 3600.0).max(0.0))
                }
                _ => None,
            };
            let ordered = orders.contains(&self.agents.zone_ids[z]);
            let at = at.filter(|_| !self.in_place[z]);
            match at {
                Some(at) if at < t1 => warn.push((z, at.max(t0))),
                _ if ordered => warn.push((z, t0)),
                _ => {}
            }
        }
        if !warn.is_empty() {
            self.warn(&warn, rules);
        }
        let active = self.agents.zones.iter().any(|c| c.en_route > 0)
            || self.pending.get(self.cursor).is_some_and(|d| d.0 < t1);
        let stale = self.routes.shelters() != self.agents.shelter_node.len()
            || self.routes.version != Some(states.version)
            || self
                .interval_s
                .is_some_and(|i| now.0 >= self.routes.at_s + i);
        if active && (stale || !self.routes.ready()) {
            let congestion = self.interval_s.map(|_| &self.traffic);
            // Full shelters need fresh trees only when links changed or when
            // every shelter is full (then vehicles go to the nearest anyway).
            let all = self.routes.version != Some(states.version) || self.agents.with_room == 0;
            let wanted: Vec<bool> = self.agents.full.iter().map(|&f| all || !f).collect();
            self.routes.recompute(
                &scenario.network,
                states,
                congestion,
                &self.agents.shelter_node,
                &wanted,
                now.0,
            );
            self.traffic.wake_blocked(t0);
            // Vehicles still waiting at their origin have not committed to a
            // road yet: they choose again with the new times (this is what
            // spreads a queue over several exits).
            let waiting = self.traffic.all_waiting();
            self.choose_for(&waiting);
        }
        // This tick's departures choose their shelter.
        if self.routes.ready() {
            let end = self.pending[self.cursor..].partition_point(|d| d.0 < t1) + self.cursor;
            let leaving: Vec<u32> = self.pending[self.cursor..end].iter().map(|d| d.1).collect();
            self.choose_for(&leaving);
        }
    }

    /// Zone `z` shelters in place from now on: its vehicles that have not
    /// departed stay at home (their departures are dropped when due).
    fn shelter_in_place(&mut self, z: usize) {
        self.in_place[z] = true;
        let a = &mut self.agents;
        let mut stayed = 0u64;
        for &(_, v) in &self.pending[self.cursor..] {
            let v = v as usize;
            if a.zone[v] == z as u32 && a.status[v] == Status::Waiting {
                a.status[v] = Status::InPlace;
                a.to_depart[z] -= 1;
                stayed += a.people[v] as u64;
            }
        }
        self.stayed_in_place += stayed;
    }

    /// Each of `vehicles` (at its origin) picks the nearest shelter with
    /// room. Per-vehicle decisions in parallel: each reads only shared state.
    fn choose_for(&mut self, vehicles: &[u32]) {
        // Nothing to choose is most ticks: skip the thread pool's round trip
        // (from outside the pool, even an empty parallel map wakes a worker).
        if vehicles.is_empty() {
            return;
        }
        // Trips bound to a shelter of their own keep it.
        let fixed = &self.fixed;
        let owned: Vec<u32>;
        let vehicles = if !fixed.is_empty() {
            owned = vehicles
                .iter()
                .copied()
                .filter(|&v| !fixed.get(v as usize).copied().unwrap_or(false))
                .collect();
            &owned[..]
        } else {
            vehicles
        };
        let (agents, routes, traffic) = (&self.agents, &self.routes, &self.traffic);
        let origin_node = &self.origin_node;
        let chosen: Vec<u32> = vehicles
            .par_iter()
            .map(|&v| {
                let at = origin_node[traffic.origin(v) as usize];
                agents.choose(routes, at).map_or(NONE, |s| s as u32)
            })
            .collect();
        for (&v, d) in vehicles.iter().zip(chosen) {
            self.traffic.set_dest(v, d);
        }
    }

    fn warn(&mut self, zones: &[(usize, f64)], rules: &[EvacuationRule]) {
        let region = self.scenario.region.clone();
        let first = self.agents.zone.len() as u32;
        // (zone, k, warning time, rule) per new vehicle, zones in index order.
        let mut todo: Vec<(usize, u32, f64, usize)> = Vec::new();
        for &(z, at) in zones {
            self.warned[z] = true;
            self.first_warning_s = Some(self.first_warning_s.map_or(at, |f| f.min(at)));
            // A warned zone without a rule of its own leaves as the first rule says.
            let rule = self.zone_rule[z].or((!rules.is_empty()).then_some(0));
            // The zone's residents still at home, not counting trip
            // vehicles (which leave on their own): none once the hazard
            // reached it, else all (a zone is warned once).
            let home = if self.reached[z] {
                0
            } else {
                region.zones[z].population as u64
            };
            let (leaving, loads) = match rule {
                Some(r) => load_vehicles(
                    home,
                    self.households[z],
                    rules[r].compliance,
                    rules[r].persons_per_vehicle,
                ),
                None => (0, Vec::new()),
            };
            self.agents.events.push((
                at,
                EventKind::ZoneWarned {
                    zone: region.zones[z].id,
                    people: leaving as u32,
                    vehicles: loads.len() as u32,
                },
            ));
            self.agents.to_depart[z] += loads.len() as u32;
            for (k, p) in loads.into_iter().enumerate() {
                todo.push((z, k as u32, at, rule.unwrap_or(0)));
                self.agents.zone.push(z as u32);
                self.agents.people.push(p);
                self.agents.status.push(Status::Waiting);
            }
        }
        let streams = self.streams;
        let departures = &self.departures;
        let times: Vec<f64> = todo
            .par_iter()
            .map(|&(z, k, at, r)| {
                at + departure::offset_s(&streams, &departures[r], region.zones[z].id, k)
            })
            .collect();
        self.traffic.add_vehicles(todo.iter().map(|d| d.0 as u32));
        self.pending.drain(..self.cursor);
        self.cursor = 0;
        self.pending.extend(
            times
                .into_iter()
                .enumerate()
                .map(|(i, t)| (t, first + i as u32)),
        );
        self.pending
            .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    }

    /// `Move` phase: every departure and link movement before `tick_end`, in
    /// `(time, kind, id)` order.
    pub fn advance(&mut self, tick_end: SimTime) {
        let end = tick_end.0 as f64;
        while let Some(&(t, v)) = self.pending.get(self.cursor) {
            if t >= end {
                break;
            }
            self.traffic.depart_at(v, t);
            self.cursor += 1;
        }
        let mut drive = Drive {
            agents: &mut self.agents,
            routes: &self.routes,
        };
        self.traffic.advance(end, &mut drive);
    }

    /// People by place, all zones together.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for z in &self.agents.zones {
            c.residents += z.residents;
            c.at_home += z.at_home;
            c.en_route += z.en_route;
            c.sheltered += z.sheltered;
            c.exposed += z.exposed;
        }
        c
    }

    /// People by place in zone `z` (dense index).
    pub fn zone(&self, z: usize) -> Counts {
        self.agents.zones[z]
    }

    /// Whether zone `z` (dense index) has been warned to leave.
    pub fn warned(&self, z: usize) -> bool {
        self.warned[z]
    }

    /// People of zone `z` (dense index) caught in vehicles on roads that
    /// closed under them so far (included in the zone's `exposed`).
    pub fn caught_on_road(&self, z: usize) -> u64 {
        self.caught_on_road[z]
    }

    /// People departed so far.
    pub fn departed(&self) -> u64 {
        self.agents.departed
    }

    /// Vehicles created so far.
    pub fn vehicles(&self) -> usize {
        self.agents.zone.len()
    }

    /// Where vehicle `v` (dense index) is, and the shelter it is bound to.
    pub fn vehicle(&self, v: usize) -> (Status, Option<FacilityId>) {
        let d = self.traffic.dest(v as u32);
        (
            self.agents.status[v],
            (d != NONE).then(|| self.agents.shelter_ids[d as usize]),
        )
    }

    /// People in each open shelter, in plan order.
    pub fn occupancy(&self) -> Vec<(FacilityId, u64)> {
        self.agents
            .shelter_ids
            .iter()
            .copied()
            .zip(self.agents.occupancy.iter().copied())
            .collect()
    }

    /// `(time s, people)` of every arrival at a shelter, in time order.
    pub fn arrivals(&self) -> &[(f64, u32)] {
        &self.agents.arrivals
    }

    /// Vehicles on link `l` now, and its storage capacity.
    pub fn link_load(&self, l: u32) -> (u32, f64) {
        (self.traffic.count(l), self.traffic.storage(l))
    }

    /// Vehicles that have left a link so far.
    pub fn traversals(&self) -> u64 {
        self.traffic.traversals
    }

    /// Shortest-path trees computed so far.
    pub fn route_trees(&self) -> u64 {
        self.routes.trees_computed
    }

    /// Take the journal events produced since the last call, in time order.
    pub fn drain_events(&mut self) -> Vec<(f64, EventKind)> {
        let mut ev = std::mem::take(&mut self.agents.events);
        ev.sort_by(|a, b| a.0.total_cmp(&b.0));
        ev
    }

    /// Check that every resident is in exactly one place, in each zone, and
    /// that the counters agree with the vehicles and the queues.
    pub fn audit(&self) -> Result<(), String> {
        let a = &self.agents;
        let n = a.zones.len();
        let mut waiting = vec![0u64; n];
        let mut en_route = vec![0u64; n];
        let mut sheltered = vec![0u64; n];
        let mut on_road = 0usize;
        for v in 0..a.zone.len() {
            let (z, p) = (a.zone[v] as usize, a.people[v] as u64);
            match a.status[v] {
                Status::Waiting => waiting[z] += p,
                Status::EnRoute => {
                    en_route[z] += p;
                    on_road += 1;
                }
                Status::Sheltered => sheltered[z] += p,
                Status::Exposed | Status::InPlace => {}
            }
        }
        for z in 0..n {
            let c = &a.zones[z];
            if !c.conserved() {
                return Err(format!(
                    "zone {}: people not conserved: {c:?}",
                    a.zone_ids[z]
                ));
            }
            if c.en_route != en_route[z] || c.sheltered != sheltered[z] || c.at_home < waiting[z] {
                return Err(format!(
                    "zone {}: counters {c:?} disagree with vehicles (waiting {}, en route {}, sheltered {})",
                    a.zone_ids[z], waiting[z], en_route[z], sheltered[z]
                ));
            }
        }
        let mut queued = 0usize;
        for l in 0..self.scenario.network.links.len() as u32 {
            queued += self.traffic.vehicles_on(l).len();
        }
        for o in 0..self.origin_node.len() as u32 {
            queued += self.traffic.waiting_at(o).len();
        }
        if queued != on_road {
            return Err(format!(
                "{queued} vehicles in queues but {on_road} en route"
            ));
        }
        let occupied: u64 = a.occupancy.iter().sum();
        let total: u64 = a.zones.iter().map(|c| c.sheltered).sum();
        if occupied != total {
            return Err(format!("{occupied} in shelters but {total} sheltered"));
        }
        Ok(())
    }

    /// The run's evacuation KPIs (people unless named otherwise; times in
    /// hours from the first warning, `null` when not reached).
    pub fn kpis(&self) -> serde_json::Value {
        let a = &self.agents;
        let people: u64 = a.people.iter().map(|&p| p as u64).sum();
        let t = self.totals();
        // Trips leave at seconds from the scenario start: times count from it.
        let start = if self.scenario.trips.is_empty() {
            self.first_warning_s.unwrap_or(0.0)
        } else {
            0.0
        };
        let quantile = |q: f64| -> Option<f64> {
            if people == 0 {
                return None;
            }
            let need = (q * people as f64).ceil() as u64;
            let mut sum = 0u64;
            for &(t, p) in &a.arrivals {
                sum += p as u64;
                if sum >= need {
                    return Some(qilian_engine::units::round6((t - start) / 3600.0));
                }
            }
            None
        };
        let overflow: f64 = a
            .occupancy
            .iter()
            .zip(&a.capacity)
            .map(|(&o, &c)| (o as f64 - c).max(0.0))
            .sum();
        json!({
            "vehicles": a.zone.len(),
            "people": people,
            "warned_zones": self.warned.iter().filter(|&&w| w).count(),
            "shelter_in_place_zones": self.in_place.iter().filter(|&&w| w).count(),
            "stayed_in_place": self.stayed_in_place,
            "t50_h": quantile(0.5),
            "t90_h": quantile(0.9),
            "t100_h": quantile(1.0),
            "sheltered": t.sheltered,
            "shelter_overflow": overflow.ceil() as u64,
            "exposed": t.exposed,
            "at_home": t.at_home,
            "en_route": t.en_route,
            "retargeted": a.retargeted,
            "stuck_releases": self.traffic.forced,
            "link_traversals": self.traffic.traversals,
            "route_trees": self.routes.trees_computed,
        })
    }
}
