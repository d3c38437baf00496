//! A river flood in a run: the local-inertial solver on the region's DEM,
//! advanced to the clock every tick, and what the water does to roads,
//! facilities and zones.
//!
//! Solver ([`qilian_hazardlib::flood`]): Bates et al. (2010) local-inertial scheme,
//! uniform Manning n, free outflow on every edge at the hazard's
//! `boundary_slope`, inflow hydrographs at the cells holding the inflow
//! points (time 0 = the hazard's `at_h`), adaptive CFL step capped at one
//! tick. The grid is solved in parallel by rows and is bit-identical for any
//! thread count. When the last hydrograph has ended and no cell's depth
//! changed by more than 1 mm over a tick, the water has settled and the
//! solver stops (it would only move films).
//!
//! The solver does not run inside each replicate. The water depends only on
//! the flood's parameters, the DEM, the region, the plan's road closing
//! depth, the tick and the horizon, so `shared_trace` runs it once to the
//! horizon, records every effect below with its tick (`Trace`), and keeps
//! the trace for every run of the same flood in the process (a stress run's
//! replicates share one; a flood whose parameters are drawn per replicate
//! gets one per distinct draw). The systems replay the trace: the journal,
//! link states, facility damage, zone arrivals and KPIs are those the
//! tick-by-tick solver gave. What depends on the replicate (a facility
//! already worse, a zone already contaminated) is decided at replay.
//!
//! Effects at the end of each tick (Damage phase):
//!
//! - **Roads.** A link's depth is the deepest of its two end nodes' cells and
//!   its midpoint cell, leaving out a bridge's midpoint and the ends of
//!   bridges (deck and raised approaches stand above the water). Above the plan's `road_close_depth_m` both directions
//!   close with no damage state (an operational closure: no crew is sent into
//!   the water). When the water falls below half the threshold (hysteresis,
//!   so a link at the threshold does not flap) the link stays
//!   closed with damage Slight (deepest water < 1 m) or Moderate (≥ 1 m): the
//!   road must be cleared of mud and debris and inspected, so a road crew
//!   reopens it. We chose crew-reopening over automatic reopening because a
//!   receded road is not yet safe, and it makes the main-roads target depend
//!   on the road crews, as after real floods.
//! - **Facilities** whose node cell is deeper than `facility_fail_depth_m`
//!   fail (Moderate) the first time; a repaired facility is not failed again
//!   by the same flood.
//! - **Zones** whose node cell is deeper than `zone_flood_depth_m` are
//!   reached ([`super::HazardArrival`], journal); when the water at the node
//!   drops below that depth again the zone needs cleanup (flood deposits).
//!   Each zone's deepest water gives its JRC damage fraction (Asia,
//!   residential; Huizinga et al. 2017), reported as KPIs.

use super::effects::{contaminate, damage_facility, set_link_pair};
use super::{HazardArrival, HazardStats, node_xy};
use crate::infrastructure::{Facilities, Zones};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx};
use qilian_engine::scenario::{DamageState, Flood, Hazard};
use qilian_engine::units::round6;
use qilian_engine::{Clock, EventKind, Journal, ScenarioRes, Sim, SimTime};
use qilian_hazardlib::depth_damage::{Occupancy, Region as DdRegion, damage_fraction};
use qilian_hazardlib::flood::{
    Boundaries, Boundary, Cell, FloodModel, FloodParams, Hydrograph, Manning,
};
use qilian_hazardlib::grid::Grid;
use qilian_hazardlib::units::Metres;
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};

/// Largest depth change over a tick (m) below which settled water stops
/// the solver once the inflows have ended.
const SETTLED_M: f64 = 1e-3;

/// What the flood has done to one road link pair.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Road {
    Dry,
    /// Under water; the deepest water seen, m.
    Flooded(f64),
    /// Receded and handed to the road crews.
    Receded,
}

/// One flood of the scenario.
struct Inundation {
    number: u32,
    at: SimTime,
    model: Option<FloodModel>,
    /// End of the last hydrograph, s after `at`.
    inflow_end_s: f64,
    settled_at: Option<SimTime>,
    failure: Option<String>,
    started: bool,
    /// Depths at the previous check, for settling.
    previous: Vec<f64>,
    /// (canonical link, its cells) for links on the grid.
    links: Vec<(LinkIx, Vec<Cell>)>,
    roads: Vec<Road>,
    facility_cells: Vec<Option<Cell>>,
    facility_failed: Vec<bool>,
    zone_cells: Vec<Option<Cell>>,
    zone_flooded: Vec<bool>,
    zone_receded: Vec<bool>,
    zone_max: Vec<f64>,
    params: Flood<f64>,
}

impl Inundation {
    fn depth(&self, c: Cell) -> f64 {
        self.model.as_ref().and_then(|m| m.depth(c)).unwrap_or(0.0)
    }
}

fn cell(g: &Grid, x: f64, y: f64) -> Option<Cell> {
    g.cell_at(x, y).map(|(r, c)| Cell::new(r, c))
}

fn inundation(number: u32, f: &Flood<f64>, scenario: &qilian_engine::Scenario) -> Inundation {
    let net = &scenario.network;
    let dem = scenario.rasters.dem.as_ref();
    let mut failure = None;
    let model = dem.and_then(|dem| {
        let side = Boundary::Free {
            slope: f.boundary_slope,
        };
        let params = FloodParams {
            manning: Manning::Uniform(f.manning_n),
            max_dt_s: scenario.tick_s() as f64,
            boundaries: Boundaries {
                north: side,
                south: side,
                east: side,
                west: side,
            },
            ..FloodParams::default()
        };
        let built = FloodModel::new(dem, params).and_then(|mut m| {
            for inflow in &f.inflows {
                let Some(c) = cell(dem, inflow.x, inflow.y) else {
                    continue;
                };
                let pts: Vec<(f64, f64)> = inflow
                    .hydrograph
                    .iter()
                    .map(|&(h, q)| (h * 3600.0, q * inflow.scale))
                    .collect();
                m.add_source(c, Hydrograph::new(&pts)?)?;
            }
            Ok(m)
        });
        built.map_err(|e| failure = Some(e.to_string())).ok()
    });
    let on_grid = |x: f64, y: f64| dem.and_then(|g| cell(g, x, y));
    // Bridge ends sit on raised approaches: their cells do not flood roads.
    let mut raised = vec![false; net.nodes.len()];
    for link in net.links.iter().filter(|l| l.bridge.is_some()) {
        raised[link.from as usize] = true;
        raised[link.to as usize] = true;
    }
    let mut links = Vec::new();
    for (l, link) in net.links.iter().enumerate() {
        let l = l as LinkIx;
        if link.twin.is_some_and(|t| t < l) {
            continue;
        }
        let (ax, ay) = node_xy(net, link.from);
        let (bx, by) = node_xy(net, link.to);
        // A bridge deck and its raised approaches stand above the water.
        let mut points = Vec::new();
        if link.bridge.is_none() {
            points.push(((ax + bx) / 2.0, (ay + by) / 2.0));
        }
        for (n, p) in [(link.from, (ax, ay)), (link.to, (bx, by))] {
            if !raised[n as usize] {
                points.push(p);
            }
        }
        let cells: Vec<Cell> = points
            .into_iter()
            .filter_map(|(x, y)| on_grid(x, y))
            .collect();
        if !cells.is_empty() {
            links.push((l, cells));
        }
    }
    let node_cell = |id| {
        let n = net.node(id).expect("validated: node exists");
        let (x, y) = node_xy(net, n);
        on_grid(x, y)
    };
    let nz = scenario.region.zones.len();
    let nf = scenario.region.facilities.len();
    Inundation {
        number,
        at: SimTime::from_hours(f.at_h),
        model,
        inflow_end_s: f
            .inflows
            .iter()
            .filter_map(|i| i.hydrograph.last().map(|p| p.0 * 3600.0))
            .fold(0.0, f64::max),
        settled_at: None,
        failure,
        started: false,
        previous: Vec::new(),
        roads: vec![Road::Dry; links.len()],
        links,
        facility_cells: scenario
            .region
            .facilities
            .iter()
            .map(|f| node_cell(f.node))
            .collect(),
        facility_failed: vec![false; nf],
        zone_cells: scenario
            .region
            .zones
            .iter()
            .map(|z| node_cell(z.node))
            .collect(),
        zone_flooded: vec![false; nz],
        zone_receded: vec![false; nz],
        zone_max: vec![0.0; nz],
        params: f.clone(),
    }
}

/// What the water does in one tick, as a [`Trace`] records it.
#[derive(Clone, Debug)]
enum Effect {
    /// Hazard phase: the flood started.
    Started,
    /// Hazard phase: the flood ended (could not start, solver stopped, or
    /// the water settled).
    Ended(Arc<str>),
    /// Damage phase: a link and its twin take this state.
    Road(LinkIx, EdgeState),
    /// Damage phase: a facility's cell is deeper than the failure depth, the
    /// first time.
    FacilityFails(usize),
    /// Damage phase: the water reached a zone.
    ZoneReached(usize),
    /// Damage phase: the water left a zone, leaving deposits.
    ZoneReceded(usize),
    /// Damage phase: the flood's KPIs as they stand.
    Kpis(Arc<Vec<(&'static str, serde_json::Value)>>),
}

/// The whole course of one flood: every effect with the tick start it
/// happens at, in the order the systems apply them.
///
/// The water depends only on the flood's parameters, the DEM, the region's
/// nodes, links, facilities and zones, the plan's road closing depth, the
/// tick and the horizon — not on a replicate's random streams, crews or
/// repairs — so the solver runs once per flood and every replicate with the
/// same flood replays the same trace (see [`shared_trace`]). Replaying gives
/// the same journal, states and KPIs as advancing the solver tick by tick
/// inside the run, because each effect is recorded at the tick and in the
/// order the in-run systems produced it; what depends on the replicate
/// (whether a failed facility was already worse, whether a zone was already
/// contaminated) is decided at replay.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    /// The flood's number in the scenario (1-based).
    number: u32,
    hazard: Vec<(SimTime, Effect)>,
    damage: Vec<(SimTime, Effect)>,
    /// The solver's maximum depth per cell over the whole course (the
    /// footprint), when the model ran.
    max_depth: Option<Grid>,
    /// Deepest water at each zone's node over the whole course, m.
    zone_max_m: Vec<f64>,
}

/// Run the flood to the horizon and record its effects.
fn trace(mut f: Inundation, s: &qilian_engine::Scenario) -> Trace {
    if let Some(m) = f.model.as_mut() {
        // Other replicates may wait for this trace; a rayon wait here could
        // pick up one of them on this thread.
        m.set_sequential();
    }
    let close_at = s.plan.hazard_response.road_close_depth_m;
    let (tick, horizon) = (s.tick_s(), s.horizon());
    let mut out = Trace {
        number: f.number,
        ..Trace::default()
    };
    let mut now = SimTime::ZERO;
    while now < horizon {
        let end = now.plus(tick);
        trace_advance(&mut f, now, end, &mut out.hazard);
        trace_damage(&mut f, s, close_at, now, end, horizon, &mut out.damage);
        now = end;
    }
    if f.started {
        out.max_depth = f.model.as_ref().map(FloodModel::max_depth);
    }
    out.zone_max_m = f.zone_max;
    out
}

/// The Hazard phase of one tick: advance the water to the end of the tick.
fn trace_advance(f: &mut Inundation, now: SimTime, end: SimTime, out: &mut Vec<(SimTime, Effect)>) {
    if f.at >= end {
        return;
    }
    if !f.started {
        f.started = true;
        out.push((now, Effect::Started));
        if let Some(why) = &f.failure {
            let why = format!("flood model could not start: {why}");
            out.push((now, Effect::Ended(Arc::from(why))));
        }
    }
    if f.settled_at.is_some() {
        return;
    }
    let Some(model) = f.model.as_mut() else {
        return;
    };
    let t = (end.0 - f.at.0) as f64;
    if let Err(e) = model.advance_to(t) {
        // A broken invariant of the solver: stop the flood, keep the run.
        let why = format!("flood solver stopped: {e}");
        out.push((now, Effect::Ended(Arc::from(why))));
        f.settled_at = Some(now);
        return;
    }
    if t > f.inflow_end_s {
        let depths = model.depth_grid();
        let depths: Vec<f64> = depths
            .data()
            .iter()
            .map(|&v| if depths.is_nodata(v) { 0.0 } else { v })
            .collect();
        let settled = f.previous.len() == depths.len()
            && f.previous
                .iter()
                .zip(&depths)
                .all(|(a, b)| (a - b).abs() <= SETTLED_M);
        f.previous = depths;
        if settled {
            // Known settled at the end of this tick's step (depths are
            // compared once a tick): stamped then, not at the tick's start.
            f.settled_at = Some(end);
            out.push((end, Effect::Ended(Arc::from("flood water settled"))));
        }
    }
}

/// The Damage phase of one tick: roads, facilities and zones by the depth at
/// the end of the tick.
fn trace_damage(
    f: &mut Inundation,
    s: &qilian_engine::Scenario,
    close_at: f64,
    now: SimTime,
    end: SimTime,
    horizon: SimTime,
    out: &mut Vec<(SimTime, Effect)>,
) {
    if !f.started || f.model.is_none() {
        return;
    }
    // Once settled the water no longer changes: one last pass is enough.
    if f.settled_at.is_some_and(|t| t < now) {
        return;
    }
    for k in 0..f.links.len() {
        let (l, cells) = &f.links[k];
        let d = cells.iter().map(|&c| f.depth(c)).fold(0.0, f64::max);
        let new = match f.roads[k] {
            Road::Dry | Road::Receded if d > close_at => Some((
                Road::Flooded(d),
                EdgeState::Closed {
                    state: DamageState::None,
                    reason: Arc::from("flooded"),
                },
            )),
            Road::Flooded(max) if d > close_at => {
                f.roads[k] = Road::Flooded(max.max(d));
                None
            }
            // Hysteresis: the water must fall to half the closing depth,
            // so a link at the threshold does not flap.
            Road::Flooded(max) if d < 0.5 * close_at => Some((
                Road::Receded,
                EdgeState::Closed {
                    state: if max < 1.0 {
                        DamageState::Slight
                    } else {
                        DamageState::Moderate
                    },
                    reason: Arc::from("flood mud and debris"),
                },
            )),
            _ => None,
        };
        if let Some((road, state)) = new {
            f.roads[k] = road;
            out.push((now, Effect::Road(*l, state)));
        }
    }
    for i in 0..f.facility_cells.len() {
        let Some(c) = f.facility_cells[i] else {
            continue;
        };
        if !f.facility_failed[i] && f.depth(c) > f.params.facility_fail_depth_m {
            f.facility_failed[i] = true;
            out.push((now, Effect::FacilityFails(i)));
        }
    }
    let mut changed = false;
    for z in 0..f.zone_cells.len() {
        let Some(c) = f.zone_cells[z] else { continue };
        let d = f.depth(c);
        f.zone_max[z] = f.zone_max[z].max(d);
        let wet = d > f.params.zone_flood_depth_m;
        if wet && !f.zone_flooded[z] {
            f.zone_flooded[z] = true;
            changed = true;
            out.push((now, Effect::ZoneReached(z)));
        } else if !wet && f.zone_flooded[z] && !f.zone_receded[z] {
            f.zone_receded[z] = true;
            out.push((now, Effect::ZoneReceded(z)));
        }
    }
    // KPIs every simulated hour and at the end (they scan the grid).
    let hourly = end.0 % 3600 < end.0 - now.0;
    if changed || hourly || end >= horizon {
        out.push((now, Effect::Kpis(Arc::new(kpis(f, s)))));
    }
}

/// One memoised trace: what it was computed from, and the trace once done.
struct Memo {
    key: String,
    region: Arc<qilian_engine::scenario::Region>,
    network: Arc<qilian_engine::Network>,
    rasters: Arc<qilian_engine::scenario::RasterSet>,
    trace: Arc<OnceLock<Arc<Trace>>>,
}

/// Traces kept for reuse: a stress run's replicates share one. Holding the
/// region, network and rasters keeps their addresses from being reused while
/// an entry compares them by pointer. A few entries cover the runs of one
/// process (a stress run, a comparison of plans on one flood).
static MEMO: Mutex<Vec<Memo>> = Mutex::new(Vec::new());
const MEMO_ENTRIES: usize = 4;

/// The trace of flood `number` with parameters `f` in scenario `s`,
/// computed once and shared with every run of the same flood on the same
/// region, network, rasters, closing depth, tick and horizon. Another thread
/// asking for the same trace waits for the first one's result (which is
/// computed without rayon, so the wait cannot run that thread's own work).
pub(crate) fn shared_trace(number: u32, f: &Flood<f64>, s: &qilian_engine::Scenario) -> Arc<Trace> {
    let key = format!(
        "{number}|{f:?}|{}|{}|{}",
        s.tick_s(),
        s.horizon().0,
        s.plan.hazard_response.road_close_depth_m
    );
    let cell = {
        let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
        let found = memo.iter().find(|m| {
            m.key == key
                && Arc::ptr_eq(&m.region, &s.region)
                && Arc::ptr_eq(&m.network, &s.network)
                && Arc::ptr_eq(&m.rasters, &s.rasters)
        });
        match found {
            Some(m) => m.trace.clone(),
            None => {
                if memo.len() >= MEMO_ENTRIES {
                    memo.remove(0);
                }
                let trace = Arc::new(OnceLock::new());
                memo.push(Memo {
                    key,
                    region: s.region.clone(),
                    network: s.network.clone(),
                    rasters: s.rasters.clone(),
                    trace: trace.clone(),
                });
                trace
            }
        }
    };
    cell.get_or_init(|| Arc::new(trace(inundation(number, f, s), s)))
        .clone()
}

/// One flood in a run: its shared trace and how far it has been applied.
struct Replay {
    trace: Arc<Trace>,
    hazard_at: usize,
    damage_at: usize,
}

/// The scenario's floods.
#[derive(Resource, Default)]
pub(crate) struct Floods(Vec<Replay>);

impl Floods {
    /// Deepest water at zone `z`'s node over the course of flood number
    /// `hazard` (m; from the trace, so known from the onset, like the
    /// forecast), if that flood is in the scenario.
    pub(crate) fn zone_max_m(&self, hazard: u32, z: usize) -> Option<f64> {
        self.0
            .iter()
            .find(|f| f.trace.number == hazard)
            .map(|f| f.trace.zone_max_m.get(z).copied().unwrap_or(0.0))
    }
}

pub(crate) fn build(sim: &mut Sim, hazards: &[Hazard<f64>]) {
    let scenario = sim.world().resource::<ScenarioRes>().0.clone();
    let floods = hazards
        .iter()
        .enumerate()
        .filter_map(|(i, hz)| match hz {
            Hazard::Flood(f) => Some(Replay {
                trace: shared_trace(i as u32 + 1, f, &scenario),
                hazard_at: 0,
                damage_at: 0,
            }),
            _ => None,
        })
        .collect();
    sim.world_mut().insert_resource(Floods(floods));
}

/// Hazard phase: the flood's start and end in this tick. When it starts,
/// its forecast is issued: the zones the water will reach and when, from the
/// flood's trace (the model run ahead to the horizon).
pub(crate) fn advance(
    clock: Res<Clock>,
    mut floods: ResMut<Floods>,
    mut arrival: ResMut<HazardArrival>,
    mut journal: ResMut<Journal>,
) {
    for f in &mut floods.0 {
        while let Some((t, e)) = f.trace.hazard.get(f.hazard_at) {
            if *t > clock.now {
                break;
            }
            f.hazard_at += 1;
            if matches!(e, Effect::Started) {
                for (at, e) in &f.trace.damage {
                    if let Effect::ZoneReached(z) = e {
                        arrival.forecast_at(*z, *at);
                    }
                }
            }
            let kind = match e {
                Effect::Started => EventKind::HazardStarted {
                    hazard: f.trace.number,
                    what: Arc::from("river flood"),
                },
                Effect::Ended(why) => EventKind::HazardEnded {
                    hazard: f.trace.number,
                    why: why.clone(),
                },
                _ => continue,
            };
            journal.record(clock.now, kind);
        }
    }
}

/// Damage phase: roads, facilities and zones by the depth at the end of the
/// tick.
pub(crate) fn damage(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut floods: ResMut<Floods>,
    mut edges: ResMut<EdgeStates>,
    mut fac: ResMut<Facilities>,
    mut zones: ResMut<Zones>,
    mut arrival: ResMut<HazardArrival>,
    mut stats: ResMut<HazardStats>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    for f in &mut floods.0 {
        let number = f.trace.number;
        let hz = &scenario.0.file.hazards[number as usize - 1];
        while let Some((t, e)) = f.trace.damage.get(f.damage_at) {
            if *t > clock.now {
                break;
            }
            f.damage_at += 1;
            match e {
                Effect::Road(l, state) => {
                    set_link_pair(net, &mut edges, &mut journal, clock.now, *l, state);
                }
                Effect::FacilityFails(i) => {
                    damage_facility(&mut fac, &mut journal, clock.now, *i, DamageState::Moderate);
                }
                Effect::ZoneReached(z) => {
                    arrival.reach(*z, clock.now, number);
                    journal.record(
                        clock.now,
                        EventKind::HazardReachedZone {
                            zone: zones.ids[*z],
                            hazard: number,
                            what: Arc::from("flood water"),
                        },
                    );
                }
                Effect::ZoneReceded(z) => {
                    contaminate(&mut zones, &mut journal, clock.now, *z, "flood deposits");
                }
                Effect::Kpis(values) => {
                    for (k, v) in values.iter() {
                        stats.set(number, hz, k, v.clone());
                    }
                }
                Effect::Started | Effect::Ended(_) => {}
            }
        }
    }
}

fn kpis(f: &Inundation, s: &qilian_engine::Scenario) -> Vec<(&'static str, serde_json::Value)> {
    let Some(model) = &f.model else {
        return Vec::new();
    };
    let max = model.max_depth();
    let wet = max
        .data()
        .iter()
        .filter(|&&v| !max.is_nodata(v) && v > f.params.zone_flood_depth_m)
        .count();
    let area_km2 = wet as f64 * max.cellsize() * max.cellsize() / 1e6;
    let deepest = max
        .data()
        .iter()
        .filter(|&&v| !max.is_nodata(v))
        .fold(0.0f64, |a, &b| a.max(b));
    let (mut people, mut weighted, mut households) = (0.0, 0.0, 0.0);
    for (z, zone) in s.region.zones.iter().enumerate() {
        let frac = damage_fraction(
            DdRegion::Asia,
            Occupancy::Residential,
            Metres(f.zone_max[z]),
        )
        .unwrap_or(0.0);
        let population = zone.population as f64;
        people += population;
        weighted += population * frac;
        households += zone.households as f64 * frac;
    }
    let closed = f.roads.iter().filter(|r| !matches!(r, Road::Dry)).count();
    vec![
        ("flooded_area_km2", json!(round6(area_km2))),
        ("max_depth_m", json!(round6(deepest))),
        (
            "zones_flooded",
            json!(f.zone_flooded.iter().filter(|b| **b).count()),
        ),
        (
            "zone_damage_fraction_mean",
            json!(round6(if people > 0.0 { weighted / people } else { 0.0 })),
        ),
        ("household_loss_equivalents", json!(round6(households))),
        ("road_links_flooded", json!(closed)),
        (
            "facilities_failed",
            json!(f.facility_failed.iter().filter(|b| **b).count()),
        ),
        ("inflow_m3", json!(round6(model.total_inflow()))),
        ("outflow_m3", json!(round6(model.total_outflow()))),
        ("solver_steps", json!(model.steps())),
        ("settled_h", json!(f.settled_at.map(|t| round6(t.hours())))),
    ]
}

/// Footprints of the floods that have started: the solver's maximum depth
/// per DEM cell over the flood's course (dry cells NODATA).
pub(crate) fn footprints(world: &World, out: &mut Vec<qilian_hazardlib::footprint::Footprint>) {
    use super::grids::to_grid;
    use qilian_hazardlib::footprint::{Footprint, FootprintKind};
    let Some(floods) = world.get_resource::<Floods>() else {
        return;
    };
    for f in floods.0.iter().filter(|f| f.hazard_at > 0) {
        let Some(max) = &f.trace.max_depth else {
            continue;
        };
        let values = max
            .data()
            .iter()
            .map(|&v| {
                if max.is_nodata(v) || v <= 0.0 {
                    f64::NAN
                } else {
                    v
                }
            })
            .collect();
        if let Some(grid) = to_grid(
            max.ncols(),
            max.nrows(),
            max.xllcorner(),
            max.yllcorner(),
            max.cellsize(),
            values,
        ) {
            out.push(Footprint {
                hazard: f.trace.number,
                kind: FootprintKind::FloodDepth,
                grid,
            });
        }
    }
}
