//! A river flood in a run: the local-inertial solver on the region's DEM,
//! advanced to the clock every tick, and what the water does to roads,
//! facilities and zones.
//!
//! Solver ([`crate::flood`]): Bates et al. (2010) local-inertial scheme,
//! uniform Manning n, free outflow on every edge at the hazard's
//! `boundary_slope`, inflow hydrographs at the cells holding the inflow
//! points (time 0 = the hazard's `at_h`), adaptive CFL step capped at one
//! tick. The grid is solved in parallel by rows and is bit-identical for any
//! thread count. When the last hydrograph has ended and no cell's depth
//! changed by more than 1 mm over a tick, the water has settled and the
//! solver stops (it would only move films).
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

use super::{HazardArrival, HazardStats, node_xy};
use crate::depth_damage::{Occupancy, Region as DdRegion, damage_fraction};
use crate::flood::{Boundaries, Boundary, Cell, FloodModel, FloodParams, Hydrograph, Manning};
use crate::infrastructure::{Facilities, Zones};
use crate::measure::round6;
use crate::units::Metres;
use bevy_ecs::prelude::*;
use qilian_engine::grid::Grid;
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx};
use qilian_engine::scenario::{DamageState, Flood, Hazard, Trigger};
use qilian_engine::sim::set_edge;
use qilian_engine::{Clock, EventKind, Journal, ScenarioRes, Sim, SimTime};
use serde_json::json;
use std::sync::Arc;

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
    /// Whether a plan rule waits for a forecast (`HazardWithin`): only then
    /// is the forecast run.
    forecast_wanted: bool,
    params: Flood<f64>,
}

impl Inundation {
    fn depth(&self, c: Cell) -> f64 {
        self.model.as_ref().and_then(|m| m.depth(c)).unwrap_or(0.0)
    }

    /// The flood forecast issued when the flood starts: the same model run
    /// ahead on a copy, hour by hour, until the water settles after the last
    /// inflow or `horizon_s` (s after onset). Per zone, the first forecast
    /// hour its cell is deeper than the zone flood depth.
    fn forecast(&self, horizon_s: f64) -> Vec<Option<SimTime>> {
        let mut out = vec![None; self.zone_cells.len()];
        let Some(mut model) = self.model.clone() else {
            return out;
        };
        let mut previous: Vec<f64> = Vec::new();
        let mut t = 0.0;
        while t < horizon_s {
            t = (t + 3600.0).min(horizon_s);
            if model.advance_to(t).is_err() {
                break;
            }
            for (z, c) in self.zone_cells.iter().enumerate() {
                let deep = c
                    .and_then(|c| model.depth(c))
                    .is_some_and(|d| d > self.params.zone_flood_depth_m);
                if deep && out[z].is_none() {
                    out[z] = Some(SimTime(self.at.0 + t as u64));
                }
            }
            if t > self.inflow_end_s {
                let depths = model.depth_grid();
                let now = depths.data().to_vec();
                let settled = previous.len() == now.len()
                    && previous
                        .iter()
                        .zip(&now)
                        .all(|(a, b)| (a - b).abs() <= SETTLED_M);
                if settled {
                    break;
                }
                previous = now;
            }
        }
        out
    }
}

/// The scenario's floods.
#[derive(Resource, Default)]
pub(crate) struct Floods(Vec<Inundation>);

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
        forecast_wanted: scenario
            .plan
            .evacuation
            .rules
            .iter()
            .any(|r| matches!(r.trigger, Trigger::HazardWithin(_))),
        params: f.clone(),
    }
}

pub(crate) fn build(sim: &mut Sim, hazards: &[Hazard<f64>]) {
    let scenario = sim.world().resource::<ScenarioRes>().0.clone();
    let floods = hazards
        .iter()
        .enumerate()
        .filter_map(|(i, hz)| match hz {
            Hazard::Flood(f) => Some(inundation(i as u32 + 1, f, &scenario)),
            _ => None,
        })
        .collect();
    sim.world_mut().insert_resource(Floods(floods));
}

/// Hazard phase: advance the water to the end of this tick.
pub(crate) fn advance(
    clock: Res<Clock>,
    mut floods: ResMut<Floods>,
    mut arrival: ResMut<HazardArrival>,
    mut journal: ResMut<Journal>,
) {
    for f in &mut floods.0 {
        if f.at >= clock.tick_end() {
            continue;
        }
        if !f.started {
            f.started = true;
            journal.record(
                clock.now,
                EventKind::HazardStarted {
                    hazard: f.number,
                    what: Arc::from("river flood"),
                },
            );
            if let Some(why) = &f.failure {
                journal.record(
                    clock.now,
                    EventKind::HazardEnded {
                        hazard: f.number,
                        why: Arc::from(format!("flood model could not start: {why}")),
                    },
                );
            }
            if f.forecast_wanted {
                let horizon_s = clock.horizon.0.saturating_sub(f.at.0) as f64;
                for (z, t) in f.forecast(horizon_s).into_iter().enumerate() {
                    if let Some(t) = t
                        && arrival.forecast[z].is_none_or(|old| t < old)
                    {
                        arrival.forecast[z] = Some(t);
                    }
                }
            }
        }
        if f.settled_at.is_some() {
            continue;
        }
        let Some(model) = f.model.as_mut() else {
            continue;
        };
        let t = (clock.tick_end().0 - f.at.0) as f64;
        if let Err(e) = model.advance_to(t) {
            // A broken invariant of the solver: stop the flood, keep the run.
            journal.record(
                clock.now,
                EventKind::HazardEnded {
                    hazard: f.number,
                    why: Arc::from(format!("flood solver stopped: {e}")),
                },
            );
            f.settled_at = Some(clock.now);
            continue;
        }
        if t > f.inflow_end_s {
            let depths = model.depth_grid();
            let now: Vec<f64> = depths
                .data()
                .iter()
                .map(|&v| if depths.is_nodata(v) { 0.0 } else { v })
                .collect();
            let settled = f.previous.len() == now.len()
                && f.previous
                    .iter()
                    .zip(&now)
                    .all(|(a, b)| (a - b).abs() <= SETTLED_M);
            f.previous = now;
            if settled {
                f.settled_at = Some(clock.tick_end());
                journal.record(
                    clock.now,
                    EventKind::HazardEnded {
                        hazard: f.number,
                        why: Arc::from("flood water settled"),
                    },
                );
            }
        }
    }
}

/// Damage phase: roads, facilities and zones by the depth at the end of the
/// tick.
#[allow(clippy::too_many_arguments)]
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
    let close_at = scenario.0.plan.hazard_response.road_close_depth_m;
    for f in &mut floods.0 {
        if !f.started || f.model.is_none() {
            continue;
        }
        // Once settled the water no longer changes: one last pass is enough.
        if f.settled_at.is_some_and(|t| t < clock.now) {
            continue;
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
                for l in std::iter::once(*l).chain(net.links[*l as usize].twin) {
                    set_edge(net, &mut edges, &mut journal, clock.now, l, state.clone());
                }
            }
        }
        for i in 0..fac.ids.len() {
            let Some(c) = f.facility_cells[i] else {
                continue;
            };
            if !f.facility_failed[i] && f.depth(c) > f.params.facility_fail_depth_m {
                f.facility_failed[i] = true;
                if fac.damage[i] < DamageState::Moderate {
                    fac.damage[i] = DamageState::Moderate;
                    journal.record(
                        clock.now,
                        EventKind::FacilityDamaged {
                            facility: fac.ids[i],
                            state: DamageState::Moderate,
                        },
                    );
                }
            }
        }
        let mut changed = false;
        for z in 0..zones.ids.len() {
            let Some(c) = f.zone_cells[z] else { continue };
            let d = f.depth(c);
            f.zone_max[z] = f.zone_max[z].max(d);
            let wet = d > f.params.zone_flood_depth_m;
            if wet && !f.zone_flooded[z] {
                f.zone_flooded[z] = true;
                changed = true;
                arrival.reach(z, clock.now);
                journal.record(
                    clock.now,
                    EventKind::HazardReachedZone {
                        zone: zones.ids[z],
                        hazard: f.number,
                        what: Arc::from("flood water"),
                    },
                );
            } else if !wet && f.zone_flooded[z] && !f.zone_receded[z] {
                f.zone_receded[z] = true;
                if !zones.contaminated[z] {
                    zones.contaminated[z] = true;
                    zones.ever_contaminated[z] = true;
                    journal.record(
                        clock.now,
                        EventKind::ZoneContaminated {
                            zone: zones.ids[z],
                            reason: Arc::from("flood deposits"),
                        },
                    );
                }
            }
        }
        // KPIs every simulated hour and at the end (they scan the grid).
        let hourly = clock.tick_end().0 % 3600 < clock.tick_s;
        if changed || hourly || clock.tick_end() >= clock.horizon {
            kpis(f, &scenario.0, &zones, &mut stats);
        }
    }
}

fn kpis(f: &Inundation, s: &qilian_engine::Scenario, zones: &Zones, stats: &mut HazardStats) {
    let Some(model) = &f.model else { return };
    let hz = &s.file.hazards[f.number as usize - 1];
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
    for z in 0..zones.ids.len() {
        let frac = damage_fraction(
            DdRegion::Asia,
            Occupancy::Residential,
            Metres(f.zone_max[z]),
        )
        .unwrap_or(0.0);
        people += zones.population[z];
        weighted += zones.population[z] * frac;
        households += s.region.zones[z].households as f64 * frac;
    }
    let closed = f.roads.iter().filter(|r| !matches!(r, Road::Dry)).count();
    stats.set(f.number, hz, "flooded_area_km2", json!(round6(area_km2)));
    stats.set(f.number, hz, "max_depth_m", json!(round6(deepest)));
    stats.set(
        f.number,
        hz,
        "zones_flooded",
        json!(f.zone_flooded.iter().filter(|b| **b).count()),
    );
    stats.set(
        f.number,
        hz,
        "zone_damage_fraction_mean",
        json!(round6(if people > 0.0 { weighted / people } else { 0.0 })),
    );
    stats.set(
        f.number,
        hz,
        "household_loss_equivalents",
        json!(round6(households)),
    );
    stats.set(f.number, hz, "road_links_flooded", json!(closed));
    stats.set(
        f.number,
        hz,
        "facilities_failed",
        json!(f.facility_failed.iter().filter(|b| **b).count()),
    );
    stats.set(
        f.number,
        hz,
        "inflow_m3",
        json!(round6(model.total_inflow())),
    );
    stats.set(
        f.number,
        hz,
        "outflow_m3",
        json!(round6(model.total_outflow())),
    );
    stats.set(f.number, hz, "solver_steps", json!(model.steps()));
    stats.set(
        f.number,
        hz,
        "settled_h",
        json!(f.settled_at.map(|t| round6(t.hours()))),
    );
}

/// Footprints of the floods that have started: the solver's maximum depth
/// per DEM cell (dry cells NODATA).
pub(crate) fn footprints(world: &World, out: &mut Vec<super::footprint::Footprint>) {
    use super::footprint::{Footprint, FootprintKind, to_grid};
    let Some(floods) = world.get_resource::<Floods>() else {
        return;
    };
    for f in floods.0.iter().filter(|f| f.started) {
        let Some(model) = &f.model else { continue };
        let max = model.max_depth();
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
                hazard: f.number,
                kind: FootprintKind::FloodDepth,
                grid,
            });
        }
    }
}
