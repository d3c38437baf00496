//! A forest fire in a run: arrival times over the region's fuel raster,
//! closures and threatened zones as the front arrives, fire crews holding
//! lines.
//!
//! At ignition the whole arrival-time grid is computed at once (minimum
//! travel time over per-cell Rothermel ellipses, [`qilian_hazardlib::fire::spread`]).
//! Wind and moistures follow a day–night cycle: by day the hazard's own, at
//! night (the hazard's `night` hours, local time from the scenario's
//! `start`) the wind times `night.wind_factor` and the dead 1-h and 10-h
//! moistures raised by `night.dead_1h_rise_pct` and `dead_10h_rise_pct`;
//! each move of the front progresses at the rate of the phase it is in.
//! Fuel models listed in the hazard's `canopy` burn under a forest canopy:
//! their midflame wind takes the sheltered factor of Albini & Baughman
//! (1979), the others the unsheltered one. That grid is also the
//! forecast: each zone's forecast arrival goes into
//! [`super::HazardArrival::forecast`], and a `FireLine` task opens for a zone
//! once the front is forecast within the plan's `fire_task_lead_h` of it.
//!
//! Fire lines (kept simple): when a fire crew starts work at a task site,
//! every cell within the plan's `fire_line_radius_m` of the site becomes a
//! barrier — the fire stops there, and cells inside that were already
//! burning are put out. Arrival times are then recomputed from every cell
//! already burnt, with their own arrival times, so the past stays as it was
//! and only the front ahead changes. A line, once held, stays.
//!
//! Weather (a `Weather` inject): from then on the fire spreads with the new
//! wind (its night still scales it by `night.wind_factor`). Before the
//! ignition the grid is simply rebuilt; after it, arrival times are
//! recomputed on the new grid from every cell burnt by then, all starting
//! at the change: the burnt area keeps its times, the unburnt cells get new
//! ones, none earlier than the change (progress part-way across a cell at
//! that moment is dropped, at most one cell of spread).
//!
//! Effects as the front passes (Damage phase): a road link whose end nodes or
//! midpoint burn closes in both directions with damage Slight (burnt
//! debris, signs and guard rails: a road crew must clear it); a zone whose
//! node burns is reached (journal, [`super::HazardArrival`]) and needs cleanup
//! (ash and debris); a facility whose node burns takes the hazard's
//! `facility_damage` state.

use super::effects::{contaminate, damage_facility, set_link_pair};
use super::{HazardArrival, HazardStats, node_xy};
use qilian_hazardlib::fire::rothermel::Moistures;
use qilian_hazardlib::fire::spread::{
    Canopy, Diurnal, Field, FireGrid, GridSpec, Wind, WindHeight,
};

use crate::infrastructure::{Facilities, Zones};
use crate::responders::{HazardWork, Subject, TaskBoard, TaskRequest};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx, NodeIx};
use qilian_engine::scenario::{DamageState, Fire, Hazard, WorkKind};
use qilian_engine::units::round6;
use qilian_engine::{Clock, EventKind, Journal, ScenarioRes, Sim, SimTime};
use qilian_hazardlib::grid::Grid;
use qilian_i18n::clock::Clock as LocalClock;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;

/// One fire of the scenario.
struct Burn {
    number: u32,
    at: SimTime,
    grid: FireGrid,
    ncols: usize,
    cellsize: f64,
    ignition: Option<usize>,
    /// Cell of each network node (`None` outside the raster).
    node_cell: Vec<Option<usize>>,
    /// Arrival time per cell, s after ignition (∞ = never); empty before
    /// ignition.
    arrival: Vec<f64>,
    barriers: BTreeSet<usize>,
    /// Cell centres (x, y) by index, for fire lines.
    centres: Vec<(f64, f64)>,
    /// Elapsed seconds after ignition up to which effects have been applied.
    applied_s: f64,
    link_done: Vec<bool>,
    zone_done: Vec<bool>,
    facility_done: Vec<bool>,
    requested: Vec<bool>,
    lines: u32,
    log_seen: usize,
    damage: DamageState,
    /// The hazard as this replicate runs it (its wind changed by `Weather`
    /// injects).
    fire: Fire<f64>,
}

impl Burn {
    fn burnt(&self, n: NodeIx, elapsed: f64) -> bool {
        self.node_cell[n as usize].is_some_and(|c| self.arrival[c] <= elapsed)
    }

    fn node_arrival(&self, n: NodeIx) -> Option<f64> {
        self.node_cell[n as usize]
            .map(|c| self.arrival[c])
            .filter(|t| t.is_finite())
    }
}

/// The scenario's fires.
#[derive(Resource, Default)]
pub(crate) struct Burns(Vec<Burn>);

/// The day–night spread grid of fire `f` over the region's fuel and DEM.
fn fire_grid(f: &Fire<f64>, scenario: &qilian_engine::Scenario) -> Option<FireGrid> {
    let fuel_grid = scenario.rasters.fuel.as_ref()?;
    let dem = scenario.rasters.dem.as_ref()?;
    let spec = GridSpec {
        nrows: fuel_grid.nrows(),
        ncols: fuel_grid.ncols(),
        cellsize_m: fuel_grid.cellsize(),
    };
    // Cells without data do not burn; DEM gaps take the lowest elevation.
    let fuels: Vec<u16> = fuel_grid
        .data()
        .iter()
        .map(|&v| if fuel_grid.is_nodata(v) { 0 } else { v as u16 })
        .collect();
    let low = dem
        .data()
        .iter()
        .filter(|v| !dem.is_nodata(**v))
        .fold(f64::INFINITY, |a, &b| a.min(b));
    let elev: Vec<f64> = dem
        .data()
        .iter()
        .map(|&v| if dem.is_nodata(v) { low } else { v })
        .collect();
    let canopy = if f.canopy.fuels.is_empty() {
        Field::Uniform(Canopy::OPEN)
    } else {
        let over = Canopy {
            cover: f.canopy.cover,
            height_m: f.canopy.height_m,
            crown_ratio: f.canopy.crown_ratio,
        };
        Field::PerCell(
            fuels
                .iter()
                .map(|n| {
                    if f.canopy.fuels.contains(n) {
                        over
                    } else {
                        Canopy::OPEN
                    }
                })
                .collect(),
        )
    };
    let grid_at = |wind_factor: f64, dead_1h_rise: f64, dead_10h_rise: f64| {
        let m = &f.moisture;
        FireGrid::with_canopy(
            spec,
            &fuels,
            &elev,
            &Field::Uniform(Wind {
                speed_m_s: f.wind_speed_m_s * wind_factor,
                from_deg: f.wind_from_deg,
            }),
            WindHeight::TwentyFoot,
            &Field::Uniform(Moistures::from_percent(
                m.dead_1h + dead_1h_rise,
                m.dead_10h + dead_10h_rise,
                m.dead_100h,
                m.live_herb,
                m.live_woody,
            )),
            &canopy,
        )
    };
    let n = &f.night;
    let night = grid_at(n.wind_factor, n.dead_1h_rise_pct, n.dead_10h_rise_pct).ok()?;
    grid_at(1.0, 0.0, 0.0)
        .ok()?
        .with_night(&night, night_cycle(scenario.file.start.as_deref(), f))
        .ok()
}

fn burn(number: u32, f: &Fire<f64>, scenario: &qilian_engine::Scenario) -> Option<Burn> {
    let fuel_grid = scenario.rasters.fuel.as_ref()?;
    let spec = GridSpec {
        nrows: fuel_grid.nrows(),
        ncols: fuel_grid.ncols(),
        cellsize_m: fuel_grid.cellsize(),
    };
    let grid = fire_grid(f, scenario)?;
    let cell = |g: &Grid, x: f64, y: f64| g.cell_at(x, y).map(|(r, c)| r * g.ncols() + c);
    let net = &scenario.network;
    let node_cell = (0..net.nodes.len() as NodeIx)
        .map(|n| {
            let (x, y) = node_xy(net, n);
            cell(fuel_grid, x, y)
        })
        .collect();
    let centres = (0..spec.nrows * spec.ncols)
        .map(|i| fuel_grid.cell_centre(i / spec.ncols, i % spec.ncols))
        .collect();
    Some(Burn {
        number,
        at: SimTime::from_hours(f.at_h),
        ignition: cell(fuel_grid, f.ignition_x, f.ignition_y),
        grid,
        ncols: spec.ncols,
        cellsize: spec.cellsize_m,
        node_cell,
        arrival: Vec::new(),
        barriers: BTreeSet::new(),
        centres,
        applied_s: f64::NEG_INFINITY,
        link_done: vec![false; net.links.len()],
        zone_done: vec![false; scenario.region.zones.len()],
        facility_done: vec![false; scenario.region.facilities.len()],
        requested: vec![false; scenario.region.zones.len()],
        lines: 0,
        log_seen: 0,
        damage: f.facility_damage,
        fire: f.clone(),
    })
}

/// Apply a `Weather` inject at `now` to every fire: the wind from now on
/// is `speed_m_s` from `from_deg` (see the module's notes). A grid the
/// rasters cannot build leaves the fire as it was.
pub(crate) fn set_wind(
    burns: &mut Burns,
    scenario: &qilian_engine::Scenario,
    arrival: &mut HazardArrival,
    now: SimTime,
    horizon: SimTime,
    (speed_m_s, from_deg): (f64, f64),
) {
    for b in &mut burns.0 {
        let mut f = b.fire.clone();
        f.wind_speed_m_s = speed_m_s;
        f.wind_from_deg = from_deg;
        let Some(grid) = fire_grid(&f, scenario) else {
            continue;
        };
        b.fire = f;
        b.grid = grid;
        if b.arrival.is_empty() {
            continue;
        }
        let now_s = now.0.saturating_sub(b.at.0) as f64;
        let horizon_s = horizon.0.saturating_sub(b.at.0) as f64;
        refront(b, now_s, horizon_s, true);
        forecast(b, scenario, arrival);
    }
}

/// Recompute the arrival times of the cells not burnt by `now_s` (s after
/// ignition) from every cell burnt by then: from its own arrival time
/// (a fire line: the spread is the same, only barriers are new) or, with
/// `from_now`, all from `now_s` (the spread itself changed at `now_s`).
fn refront(b: &mut Burn, now_s: f64, horizon_s: f64, from_now: bool) {
    let burning: Vec<(usize, f64)> = b
        .arrival
        .iter()
        .enumerate()
        .filter(|(_, t)| **t <= now_s)
        .map(|(i, t)| (i, if from_now { now_s } else { *t }))
        .collect();
    let fresh = b
        .grid
        .arrival_times(&burning, &b.barriers, horizon_s)
        .unwrap_or_default();
    for (old, new) in b.arrival.iter_mut().zip(fresh) {
        if *old > now_s {
            *old = new;
        }
    }
}

/// Local hour of day (0–24) at a scenario's start (`2025-08-20T13:00:00+08:00`
/// → 13.0), read by the scenario clock every page and report uses; midnight
/// when there is none or the clock cannot read it.
pub(crate) fn start_local_h(start: Option<&str>) -> f64 {
    let (h, m, _) = LocalClock::new(start).at(0).hms;
    f64::from(h) + f64::from(m) / 60.0
}

/// The fire's day–night cycle on its arrival-time clock (seconds after the
/// ignition): nights from the local hour `night.from_local_h` to
/// `night.until_local_h`, every 24 h.
pub(crate) fn night_cycle(start: Option<&str>, f: &Fire<f64>) -> Diurnal {
    let ignition_local_h = start_local_h(start) + f.at_h.0;
    let from_h = (f.night.from_local_h - ignition_local_h).rem_euclid(24.0);
    let len_h = (f.night.until_local_h - f.night.from_local_h).rem_euclid(24.0);
    Diurnal {
        period_s: 86_400.0,
        night_from_s: from_h * 3600.0,
        night_len_s: len_h * 3600.0,
    }
}

pub(crate) fn build(sim: &mut Sim, hazards: &[Hazard<f64>]) {
    let scenario = sim.world().resource::<ScenarioRes>().0.clone();
    let burns = hazards
        .iter()
        .enumerate()
        .filter_map(|(i, hz)| match hz {
            Hazard::Fire(f) => burn(i as u32 + 1, f, &scenario),
            _ => None,
        })
        .collect();
    sim.world_mut().insert_resource(Burns(burns));
}

/// Hazard phase: ignite, add fire lines where crews started work, forecast
/// and ask for fire crews.
pub(crate) fn advance(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut burns: ResMut<Burns>,
    mut board: ResMut<TaskBoard>,
    mut arrival: ResMut<HazardArrival>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    let hr = &scenario.0.plan.hazard_response;
    for b in &mut burns.0 {
        if b.at >= clock.tick_end() {
            continue;
        }
        let horizon_s = clock.horizon.0.saturating_sub(b.at.0) as f64;
        let elapsed = clock.tick_end().0.saturating_sub(b.at.0) as f64;
        if b.arrival.is_empty() {
            let Some(ign) = b.ignition else { continue };
            b.arrival = b
                .grid
                .arrival_times(&[(ign, 0.0)], &b.barriers, horizon_s)
                .unwrap_or_default();
            journal.record(
                b.at.max(clock.now),
                EventKind::HazardStarted {
                    hazard: b.number,
                    what: Arc::from("forest fire ignition"),
                },
            );
            forecast(b, &scenario.0, &mut arrival);
        }
        // Fire lines where crews started work since the last tick.
        let mut new_line = false;
        for (_, subject, what) in &board.hazard_log[b.log_seen..] {
            let Subject::Hazard(h, site) = *subject else {
                continue;
            };
            if h != b.number || *what != HazardWork::Started {
                continue;
            }
            let (sx, sy) = node_xy(net, site);
            let r = hr.fire_line_radius_m.max(0.5 * b.cellsize);
            for (i, &(x, y)) in b.centres.iter().enumerate() {
                if (x - sx).hypot(y - sy) <= r {
                    b.barriers.insert(i);
                }
            }
            b.lines += 1;
            new_line = true;
        }
        b.log_seen = board.hazard_log.len();
        if new_line {
            let now_s = clock.now.0.saturating_sub(b.at.0) as f64;
            refront(b, now_s, horizon_s, false);
            forecast(b, &scenario.0, &mut arrival);
        }
        // Ask for a fire crew where the front is near.
        let lead = hr.fire_task_lead_h.0 * 3600.0;
        for (z, zone) in scenario.0.region.zones.iter().enumerate() {
            let n = net.node(zone.node).expect("validated: zone node exists");
            if b.requested[z] {
                continue;
            }
            if b.node_arrival(n).is_some_and(|t| t <= elapsed + lead) {
                b.requested[z] = true;
                board.request(TaskRequest {
                    subject: Subject::Hazard(b.number, n),
                    work: WorkKind::FireLine,
                    state: DamageState::Moderate,
                    sites: vec![n],
                    raw_id: zone.id.0,
                    hours: None,
                });
            }
        }
    }
}

/// Publish forecast arrivals of every zone (earliest over fires).
fn forecast(b: &Burn, s: &qilian_engine::Scenario, arrival: &mut HazardArrival) {
    let net = &s.network;
    for (z, zone) in s.region.zones.iter().enumerate() {
        let n = net.node(zone.node).expect("validated: zone node exists");
        if let Some(t) = b.node_arrival(n) {
            arrival.forecast_at(z, SimTime(b.at.0 + t.ceil() as u64));
        }
    }
}

/// Damage phase: what the front reached by the end of this tick.
pub(crate) fn damage(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut burns: ResMut<Burns>,
    mut edges: ResMut<EdgeStates>,
    mut fac: ResMut<Facilities>,
    mut zones: ResMut<Zones>,
    mut arrival: ResMut<HazardArrival>,
    mut stats: ResMut<HazardStats>,
    mut journal: ResMut<Journal>,
) {
    let net = scenario.net();
    for b in &mut burns.0 {
        if b.arrival.is_empty() {
            continue;
        }
        let elapsed = clock.tick_end().0.saturating_sub(b.at.0) as f64;
        if elapsed <= b.applied_s {
            continue;
        }
        b.applied_s = elapsed;
        let mut closed = Vec::new();
        for (l, link) in net.links.iter().enumerate() {
            let l = l as LinkIx;
            if b.link_done[l as usize] || link.twin.is_some_and(|t| t < l) {
                continue;
            }
            let (ax, ay) = node_xy(net, link.from);
            let (bx, by) = node_xy(net, link.to);
            let mid = scenario
                .0
                .rasters
                .fuel
                .as_ref()
                .and_then(|g| g.cell_at((ax + bx) / 2.0, (ay + by) / 2.0))
                .map(|(r, c)| r * b.ncols + c);
            let hit = b.burnt(link.from, elapsed)
                || b.burnt(link.to, elapsed)
                || mid.is_some_and(|c| b.arrival[c] <= elapsed);
            if hit {
                closed.push(l);
            }
        }
        let state = EdgeState::Closed {
            state: DamageState::Slight,
            reason: Arc::from("forest fire"),
        };
        for l in closed {
            for l in std::iter::once(l).chain(net.links[l as usize].twin) {
                b.link_done[l as usize] = true;
            }
            set_link_pair(net, &mut edges, &mut journal, clock.now, l, &state);
        }
        for (z, zone) in scenario.0.region.zones.iter().enumerate() {
            let n = net.node(zone.node).expect("validated: zone node exists");
            if b.zone_done[z] || !b.burnt(n, elapsed) {
                continue;
            }
            b.zone_done[z] = true;
            arrival.reach(z, clock.now, b.number);
            // The front reached the zone node part-way through the tick.
            let reached = b.node_arrival(n).map_or(clock.now, |a| {
                clock.at(b.at.0 as f64 + a - clock.now.0 as f64)
            });
            journal.record(
                reached,
                EventKind::HazardReachedZone {
                    zone: zone.id,
                    hazard: b.number,
                    what: Arc::from("fire front"),
                },
            );
            contaminate(
                &mut zones,
                &mut journal,
                clock.now,
                z,
                "fire ash and debris",
            );
        }
        if b.damage != DamageState::None {
            for f in 0..fac.ids.len() {
                if b.facility_done[f] || !b.burnt(fac.nodes[f], elapsed) {
                    continue;
                }
                b.facility_done[f] = true;
                damage_facility(&mut fac, &mut journal, clock.now, f, b.damage);
            }
        }
        let cells = b.arrival.iter().filter(|t| **t <= elapsed).count();
        let hz = &scenario.0.file.hazards[b.number as usize - 1];
        let ha = cells as f64 * b.cellsize * b.cellsize / 10_000.0;
        stats.set(b.number, hz, "burnt_area_ha", json!(round6(ha)));
        stats.set(
            b.number,
            hz,
            "links_closed",
            json!(b.link_done.iter().filter(|d| **d).count()),
        );
        stats.set(
            b.number,
            hz,
            "zones_reached",
            json!(b.zone_done.iter().filter(|d| **d).count()),
        );
        stats.set(b.number, hz, "fire_lines", json!(b.lines));
    }
}

/// Footprints of the fires that have ignited: arrival time per fuel cell,
/// hours since the run's start, for cells the front reached by the horizon.
pub(crate) fn footprints(world: &World, out: &mut Vec<qilian_hazardlib::footprint::Footprint>) {
    use super::grids::to_grid;
    use qilian_hazardlib::footprint::{Footprint, FootprintKind};
    let (Some(burns), Some(scenario), Some(clock)) = (
        world.get_resource::<Burns>(),
        world.get_resource::<ScenarioRes>(),
        world.get_resource::<Clock>(),
    ) else {
        return;
    };
    let Some(fuel) = scenario.0.rasters.fuel.as_ref() else {
        return;
    };
    let until_s = clock.now.0.min(clock.horizon.0) as f64;
    for b in burns.0.iter().filter(|b| !b.arrival.is_empty()) {
        let at_s = b.at.0 as f64;
        let values = b
            .arrival
            .iter()
            .map(|&t| {
                if t.is_finite() && at_s + t <= until_s {
                    (at_s + t) / 3600.0
                } else {
                    f64::NAN
                }
            })
            .collect();
        if let Some(grid) = to_grid(
            fuel.ncols(),
            fuel.nrows(),
            fuel.xllcorner(),
            fuel.yllcorner(),
            fuel.cellsize(),
            values,
        ) {
            out.push(Footprint {
                hazard: b.number,
                kind: FootprintKind::FireArrival,
                grid,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_gives_the_local_hour() {
        assert_eq!(start_local_h(Some("2025-08-20T13:30:00+08:00")), 13.5);
        assert_eq!(start_local_h(Some("2025-08-20T00:00:00Z")), 0.0);
        assert_eq!(start_local_h(None), 0.0);
        assert_eq!(start_local_h(Some("2025-08-20")), 0.0);
        assert_eq!(start_local_h(Some("2025-08-20T25:00:00+08:00")), 0.0);
    }

    #[test]
    fn nights_fall_at_the_local_hours_after_the_ignition() {
        let text = "(at_h: 0.5, ignition_x: 0.0, ignition_y: 0.0, wind_speed_m_s: 5.0, \
                    wind_from_deg: 200.0, moisture: (dead_1h: 6.0, dead_10h: 7.0, \
                    dead_100h: 8.0, live_herb: 60.0, live_woody: 90.0))";
        let f: Fire<f64> = ron::from_str(text).unwrap();
        // Ignition 13:30; night 20:00–08:00: from 6.5 h after, for 12 h.
        let c = night_cycle(Some("2025-08-20T13:00:00+08:00"), &f);
        assert_eq!(c.night_from_s, 6.5 * 3600.0);
        assert_eq!(c.night_len_s, 12.0 * 3600.0);
        assert_eq!(c.period_s, 86_400.0);
        // Ignition at 23:00: in the night, which started 3 h before.
        let c = night_cycle(Some("2025-08-20T22:30:00+08:00"), &f);
        assert_eq!(c.night_from_s, 21.0 * 3600.0);
        // Equal hours: no night.
        let mut g = f.clone();
        g.night.until_local_h = g.night.from_local_h;
        assert_eq!(night_cycle(None, &g).night_len_s, 0.0);
    }
}
