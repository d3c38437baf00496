//! A toxic gas release in a run: Gaussian puffs from the source, toxic load
//! and AEGL level per zone, chlorine probit casualties, shelter in place, and
//! a hazmat crew that stops the release.
//!
//! Each tick the release emits puffs (one per 20 m of wind run, so the train
//! is dense compared with σy at the zones) of mass Q·Δt at the source; every
//! puff moves with the wind of the current period and spreads with the
//! Briggs/McElroy–Pooler σ of its travel distance ([`qilian_hazardlib::puff`]).
//! A heavy gas slumps: when the release is dense by Britter & McQuaid's
//! criterion (chlorine boiling off at −34 °C into air at 15 °C, its volume
//! flux Q / ρ at the boiling point, the wind of the period it leaves in),
//! each puff's σy is at least the dense plume's at its travel distance
//! ([`qilian_hazardlib::dense`]): the cloud of a tonne-scale spill in a
//! light wind is hundreds of metres wide near the source, not tens.
//!
//! **People by distance.** A zone's people are not at one point: they are
//! spread evenly over a disc around the zone's node, whose radius is half the
//! distance to the nearest other zone's node (ASSUMPTION: neighbouring
//! zones' discs touch, as the cells of a Voronoi map of the zone points
//! roughly do; a zone alone is a point). The disc is sampled at
//! [`RINGS`] × [`SPOKES`] points of equal population: [`RINGS`] rings of
//! equal area, each at the radius that halves its area, with [`SPOKES`]
//! points on each, every other ring turned by half a spoke. A narrow plume
//! close to the source thus kills and injures the people it crosses, not
//! nobody (it misses the node) or everyone (it hits it). The ground-level
//! concentration at each point is evaluated at the middle of the tick and
//! held for the tick; a puff's σ are computed once per tick and a zone's
//! points are visited only when the puff reaches its disc, so the cost is
//! linear in zones (and in puffs):
//!
//! - toxic load at each point L_i += C_i^n · Δt (ppm, min; n from the
//!   chemical's probit), with C multiplied by the plan's `shelter_factor` in
//!   zones told to shelter in place (from the start of the release);
//! - the zone's AEGL level is the highest tier whose 60-min AEGL the
//!   outdoor concentration at any of its points has exceeded (ALOHA draws
//!   threat zones the same way; sheltering lowers the dose, not the threat
//!   zone); reaching AEGL-2 counts as the hazard reaching the zone
//!   ([`super::HazardArrival`]) and leaves the zone needing decontamination
//!   (a cleanup task);
//! - a zone's chance of death is the mean over its points of the lethality
//!   probit P(L_i) (Withers & Lees 1985 for chlorine), and its chance of
//!   injury the mean of (1 − P(L_i)) times the injury rule of
//!   [`qilian_hazardlib::toxic::injury_given_survival`] (AEGL-2 and AEGL-3
//!   toxic loads); expected fatalities = Σ population_z · mean P — a KPI,
//!   not a removal of people.
//!
//! The release ends at `duration_h` or when a crew finishes the `StopLeak`
//! task opened at the source when the release starts (plan: which crew kind
//! and how long). Wind periods switch at their hour, applied from the tick
//! containing it. Calm (< 0.5 m/s) is refused by validation: a Gaussian
//! model has no answer for it.

use super::effects::contaminate;
use super::{HazardArrival, HazardStats, node_xy};
use crate::infrastructure::Zones;
use crate::responders::{HazardWork, Subject, TaskBoard, TaskRequest};
use bevy_ecs::prelude::*;
use qilian_engine::network::NodeIx;
use qilian_engine::scenario::{
    self as sc, ChemicalLeak, DamageState, Hazard, LeakSource, StabilityFrom, WorkKind,
};
use qilian_engine::units::round6;
use qilian_engine::{Clock, EventKind, Journal, ScenarioRes, Sim, SimTime};
use qilian_hazardlib::dense::{self, DensePlume};
use qilian_hazardlib::plume::{self, Insolation, PgClass, Stability, Terrain};
use qilian_hazardlib::puff::{Puff, puff_concentration};
use qilian_hazardlib::toxic::{AeglLevel, Chemical, Probit, aegl, injury_given_survival};
use qilian_hazardlib::units::{KgPerCubicMetre, MetresPerSecond, Minutes};
use serde_json::json;
use std::sync::Arc;

/// Air temperature for the dense-gas spreading, K (15 °C, the ISO 2533
/// standard atmosphere; ASSUMPTION: the scenario gives no air temperature).
const AIR_K: f64 = 288.15;
/// Pressure at which the boiled-off gas's volume is reckoned, Pa (sea
/// level, ISO 2533; ASSUMPTION: at Zhangye's 1,500 m the gas takes ~17 %
/// more volume and spreads a little wider).
const AIR_PA: f64 = 101_325.0;
/// Wind run between two puffs, m.
const PUFF_SPACING_M: f64 = 20.0;
/// Puffs farther than this from the source are dropped, m (beyond the
/// region; σ formulas are fitted to 10 km).
const MAX_TRAVEL_M: f64 = 60_000.0;
/// Concentrations below this count as no gas, ppm.
const TRACE_PPM: f64 = 1e-3;
/// A single puff below this adds nothing to the footprint grid, ppm.
const PUFF_CUTOFF_PPM: f64 = 1e-3 * TRACE_PPM;
/// Rings of equal area a zone's disc is sampled on (ASSUMPTION: enough to
/// tell the inner from the outer third of a zone).
pub const RINGS: usize = 3;
/// Points on each ring (ASSUMPTION: 45° apart, so a plume narrower than a
/// sector still meets a point on most rings it crosses).
pub const SPOKES: usize = 8;

/// Where each zone's people are: sample points of equal population.
#[derive(Clone, Debug)]
pub(crate) struct Spread {
    /// Zone nodes, m.
    centre: Vec<(f64, f64)>,
    /// Disc radius per zone, m (0: a point).
    radius: Vec<f64>,
    /// Sample points, zone by zone.
    points: Vec<(f64, f64)>,
    /// Zone z's points are `points[start[z]..start[z + 1]]`.
    start: Vec<usize>,
}

impl Spread {
    /// Discs around `centres` with half the distance to the nearest other
    /// centre as radius (the module doc), sampled on rings.
    pub(crate) fn new(centres: &[(f64, f64)]) -> Spread {
        let radius: Vec<f64> = centres
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| {
                let nearest = centres
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, &(u, v))| (u - x).hypot(v - y))
                    .filter(|&d| d > 0.0)
                    .fold(f64::INFINITY, f64::min);
                if nearest.is_finite() {
                    0.5 * nearest
                } else {
                    0.0
                }
            })
            .collect();
        let mut points = Vec::new();
        let mut start = vec![0];
        for (&(x, y), &r) in centres.iter().zip(&radius) {
            if r > 0.0 {
                for k in 0..RINGS {
                    let rk = r * ((k as f64 + 0.5) / RINGS as f64).sqrt();
                    let turn = if k % 2 == 1 { 0.5 } else { 0.0 };
                    for j in 0..SPOKES {
                        let a = (j as f64 + turn) * std::f64::consts::TAU / SPOKES as f64;
                        points.push((x + rk * a.cos(), y + rk * a.sin()));
                    }
                }
            } else {
                points.push((x, y));
            }
            start.push(points.len());
        }
        Spread {
            centre: centres.to_vec(),
            radius,
            points,
            start,
        }
    }

    /// Zone `z`'s sample points' indices.
    fn of(&self, z: usize) -> std::ops::Range<usize> {
        self.start[z]..self.start[z + 1]
    }
}

/// A puff's ground-level footprint this tick: the parts of
/// [`puff_concentration`] that do not depend on the receptor.
struct PuffNow {
    x: f64,
    y: f64,
    two_sy2: f64,
    reach: f64,
    /// mass / ((2π)^1.5 σy² σz), kg/m³.
    scale: f64,
    /// The vertical term at the ground (with the ground reflection).
    vertical: f64,
}

/// Wind of one period, ready to use.
#[derive(Clone, Copy, Debug)]
struct Wind {
    from_s: f64,
    speed: f64,
    /// Unit vector the wind blows toward (east, north).
    toward: (f64, f64),
    class: PgClass,
}

/// One release and its per-zone exposure.
struct Leak {
    number: u32,
    start_s: f64,
    end_s: f64,
    stopped_by_crew: Option<SimTime>,
    source: (f64, f64),
    site: NodeIx,
    raw_site: u32,
    rate: f64,
    height: f64,
    terrain: Terrain,
    chemical: Chemical,
    probit: Probit,
    /// AEGL-1/2/3 60-min values, ppm.
    aegl60: [f64; 3],
    wind: Vec<Wind>,
    puffs: Vec<Puff>,
    /// Time the puffs' positions refer to, s.
    state_s: f64,
    /// Next emission time, s.
    next_emit_s: f64,
    sheltered: Vec<bool>,
    spread: Arc<Spread>,
    /// Toxic load per sample point (indoors where sheltered), ppmⁿ·min.
    load: Vec<f64>,
    /// Outdoor ppm per sample point this tick (scratch).
    ppm: Vec<f64>,
    peak_ppm: Vec<f64>,
    level: Vec<u8>,
    /// Zones that reached a new AEGL level this tick: (zone, level).
    news: Vec<(usize, u8)>,
    started: bool,
    /// The release's end is journalled.
    ended: bool,
    log_seen: usize,
}

impl Leak {
    fn wind_at(&self, t_s: f64) -> Wind {
        let since = t_s - self.start_s;
        *self
            .wind
            .iter()
            .rev()
            .find(|w| w.from_s <= since)
            .unwrap_or(&self.wind[0])
    }

    /// The Britter–McQuaid plume of this release in a wind of `speed`
    /// (module doc), `None` when it is not dense.
    fn dense_plume(&self, speed: f64) -> Option<DensePlume> {
        let (m, tb) = (
            self.chemical.molar_mass_g_mol(),
            self.chemical.boiling_point_k(),
        );
        let g0 = dense::reduced_gravity(m, tb, AIR_K);
        let q0 = self.rate / dense::gas_density_kg_m3(m, tb, AIR_PA);
        DensePlume::new(g0, q0, speed)
    }

    fn releasing(&self, t_s: f64) -> bool {
        t_s >= self.start_s && t_s < self.end_s
    }

    /// Move puffs to `t_s`, emitting the ones released on the way.
    fn advance_to(&mut self, t_s: f64) {
        let w = self.wind_at(self.state_s.max(self.start_s));
        let dt = t_s - self.state_s;
        for p in &mut self.puffs {
            p.x += w.toward.0 * w.speed * dt;
            p.y += w.toward.1 * w.speed * dt;
            p.travel_m += w.speed * dt;
        }
        let interval = PUFF_SPACING_M / w.speed;
        while self.next_emit_s < t_s {
            let te = self.next_emit_s;
            if self.releasing(te) {
                let age = t_s - te;
                let mass = self.rate * interval.min(self.end_s - te);
                self.puffs.push(Puff {
                    mass_kg: mass,
                    x: self.source.0 + w.toward.0 * w.speed * age,
                    y: self.source.1 + w.toward.1 * w.speed * age,
                    travel_m: w.speed * age,
                    stability: w.class,
                    dense: self.dense_plume(w.speed),
                });
            }
            self.next_emit_s = te + interval;
        }
        self.puffs.retain(|p| p.travel_m < MAX_TRAVEL_M);
        self.state_s = t_s;
    }

    /// Outdoor ppm at every sample point (into `self.ppm`).
    fn sample(&mut self) {
        let to_ppm = plume::to_ppm(KgPerCubicMetre(1.0), self.chemical.molar_mass_g_mol()).0;
        let h = self.height;
        let now: Vec<PuffNow> = self
            .puffs
            .iter()
            .filter_map(|p| {
                let (sy, sz) = p.sigmas(self.terrain);
                if !(sy > 0.0 && sz > 0.0) {
                    return None;
                }
                // As `puff_concentration` at z = 0, term by term.
                let vertical = (-(0.0 - h).powi(2) / (2.0 * sz * sz)).exp()
                    + (-(0.0 + h).powi(2) / (2.0 * sz * sz)).exp();
                let norm = (2.0 * std::f64::consts::PI).powf(1.5) * sy * sy * sz;
                Some(PuffNow {
                    x: p.x,
                    y: p.y,
                    two_sy2: 2.0 * sy * sy,
                    reach: 8.0 * sy,
                    scale: p.mass_kg / norm,
                    vertical,
                })
            })
            .collect();
        self.ppm.iter_mut().for_each(|c| *c = 0.0);
        let sp = &*self.spread;
        for z in 0..sp.centre.len() {
            let (cx, cy) = sp.centre[z];
            let r = sp.radius[z];
            for p in &now {
                // Beyond 8σy of the whole disc: nothing (as the puff model).
                if (p.x - cx).hypot(p.y - cy) > r + p.reach {
                    continue;
                }
                let reach2 = p.reach * p.reach;
                for i in sp.of(z) {
                    let (x, y) = sp.points[i];
                    let (dx, dy) = (x - p.x, y - p.y);
                    let r2 = dx * dx + dy * dy;
                    if r2 > reach2 {
                        continue;
                    }
                    self.ppm[i] += p.scale * (-r2 / p.two_sy2).exp() * p.vertical;
                }
            }
        }
        for c in &mut self.ppm {
            *c *= to_ppm;
        }
    }
}

/// The scenario's releases.
#[derive(Resource, Default)]
pub(crate) struct Leaks(Vec<Leak>);

impl Leaks {
    /// A `Weather` inject at `now_s` (s since the run's start): every
    /// release drifts with this wind from then on, a new wind period that
    /// replaces the periods of the scenario from then on. Its stability
    /// class is the one in force at `now_s` (ASSUMPTION: the inject tells
    /// the wind, not the sky).
    pub(crate) fn set_wind(&mut self, now_s: f64, speed_m_s: f64, from_deg: f64) {
        for lk in &mut self.0 {
            let since = (now_s - lk.start_s).max(0.0);
            let class = lk.wind_at(lk.start_s + since).class;
            lk.wind.retain(|w| w.from_s < since);
            let th = from_deg.to_radians();
            lk.wind.push(Wind {
                from_s: since,
                speed: speed_m_s,
                toward: (-th.sin(), -th.cos()),
                class,
            });
        }
    }
}

impl Leaks {
    /// Each release's chances per zone from the toxic loads so far: (hazard
    /// number, (death, injury) per zone), the means over the zone's sample
    /// points of the lethality probit and of the injury rule with
    /// `injury_share` between the AEGL-2 and AEGL-3 loads (module doc). The
    /// casualty model reuses them rather than computing its own.
    pub(crate) fn zone_outcomes(&self, injury_share: f64) -> Vec<(u32, Vec<(f64, f64)>)> {
        self.0
            .iter()
            .map(|lk| {
                let per_zone = (0..lk.sheltered.len())
                    .map(|z| lk.zone_chances(z, injury_share))
                    .collect();
                (lk.number, per_zone)
            })
            .collect()
    }
}

impl Leak {
    /// Mean (death, injury) chances over zone `z`'s sample points.
    fn zone_chances(&self, z: usize, injury_share: f64) -> (f64, f64) {
        let pts = self.spread.of(z);
        let n = pts.len() as f64;
        let (mut dead, mut hurt) = (0.0, 0.0);
        for &l in &self.load[pts] {
            let d = self.probit.p_fatality(l).clamp(0.0, 1.0);
            dead += d;
            hurt += (1.0 - d) * injury_given_survival(self.chemical, l, injury_share);
        }
        (dead / n, hurt / n)
    }
}

fn pg(w: &sc::WindPeriod<f64>) -> PgClass {
    match w.stability {
        StabilityFrom::Class(c) => PgClass::One(match c {
            sc::StabilityClass::A => Stability::A,
            sc::StabilityClass::B => Stability::B,
            sc::StabilityClass::C => Stability::C,
            sc::StabilityClass::D => Stability::D,
            sc::StabilityClass::E => Stability::E,
            sc::StabilityClass::F => Stability::F,
        }),
        StabilityFrom::Sky(s) => plume::pasquill_gifford(
            MetresPerSecond(w.speed_m_s),
            match s {
                sc::Sky::StrongSun => Insolation::Strong,
                sc::Sky::ModerateSun => Insolation::Moderate,
                sc::Sky::SlightSun => Insolation::Slight,
                sc::Sky::Overcast => Insolation::Overcast,
                sc::Sky::NightCloudy => Insolation::NightCloudy,
                sc::Sky::NightClear => Insolation::NightClear,
            },
        ),
    }
}

fn leak(
    number: u32,
    c: &ChemicalLeak<f64>,
    scenario: &qilian_engine::Scenario,
    spread: &Arc<Spread>,
) -> Option<Leak> {
    let net = &scenario.network;
    let chemical: Chemical = c.chemical.parse().ok()?;
    let (source, site, raw_site) = match c.source {
        LeakSource::Facility(id) => {
            let f = scenario.region.facilities.iter().find(|f| f.id == id)?;
            let n = net.node(f.node)?;
            (node_xy(net, n), n, id.0)
        }
        LeakSource::Point(x, y) => {
            // Crews work from the nearest node (lowest index on ties).
            let n = (0..net.nodes.len() as NodeIx).min_by(|&a, &b| {
                let (ax, ay) = node_xy(net, a);
                let (bx, by) = node_xy(net, b);
                (ax - x)
                    .hypot(ay - y)
                    .total_cmp(&(bx - x).hypot(by - y))
                    .then(a.cmp(&b))
            })?;
            ((x, y), n, net.nodes[n as usize].id.0)
        }
    };
    let hour = Minutes(60.0);
    let aegl60 = [AeglLevel::Aegl1, AeglLevel::Aegl2, AeglLevel::Aegl3].map(|l| {
        aegl(chemical, l, hour)
            .map(|p| p.0)
            .unwrap_or(f64::INFINITY)
    });
    let start_s = c.at_h.0 * 3600.0;
    let wind = c
        .wind
        .iter()
        .map(|w| {
            let th = w.from_deg.to_radians();
            Wind {
                from_s: w.from_h * 3600.0,
                speed: w.speed_m_s,
                toward: (-th.sin(), -th.cos()),
                class: pg(w),
            }
        })
        .collect::<Vec<_>>();
    if wind.is_empty() {
        return None;
    }
    let nz = scenario.region.zones.len();
    let shelter = &scenario.plan.hazard_response.shelter_in_place;
    Some(Leak {
        number,
        start_s,
        end_s: start_s + c.duration_h * 3600.0,
        stopped_by_crew: None,
        source,
        site,
        raw_site,
        rate: c.rate_kg_s,
        height: c.height_m,
        terrain: match c.terrain {
            sc::Terrain::Rural => Terrain::Rural,
            sc::Terrain::Urban => Terrain::Urban,
        },
        chemical,
        probit: chemical.lethality_probit(),
        aegl60,
        wind,
        puffs: Vec::new(),
        state_s: start_s,
        next_emit_s: start_s,
        sheltered: scenario
            .region
            .zones
            .iter()
            .map(|z| shelter.contains(&z.id))
            .collect(),
        spread: spread.clone(),
        load: vec![0.0; spread.points.len()],
        ppm: vec![0.0; spread.points.len()],
        peak_ppm: vec![0.0; nz],
        level: vec![0; nz],
        news: Vec::new(),
        started: false,
        ended: false,
        log_seen: 0,
    })
}

/// The region's zones as discs ([`Spread`]).
pub(crate) fn zone_spread(scenario: &qilian_engine::Scenario) -> Spread {
    let net = &scenario.network;
    let centres: Vec<(f64, f64)> = scenario
        .region
        .zones
        .iter()
        .map(|z| node_xy(net, net.node(z.node).expect("validated: zone node exists")))
        .collect();
    Spread::new(&centres)
}

pub(crate) fn build(sim: &mut Sim, hazards: &[Hazard<f64>]) {
    let scenario = sim.world().resource::<ScenarioRes>().0.clone();
    let spread = Arc::new(zone_spread(&scenario));
    let leaks = hazards
        .iter()
        .enumerate()
        .filter_map(|(i, hz)| match hz {
            Hazard::ChemicalLeak(c) => leak(i as u32 + 1, c, &scenario, &spread),
            _ => None,
        })
        .collect();
    sim.world_mut().insert_resource(Leaks(leaks));
}

/// Hazard phase: start releases, stop them when a crew is done, move the
/// puffs and accumulate each zone's exposure for this tick.
pub(crate) fn advance(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut leaks: ResMut<Leaks>,
    mut board: ResMut<TaskBoard>,
    mut journal: ResMut<Journal>,
) {
    let factor = scenario.0.plan.hazard_response.shelter_factor;
    let (t0, t1) = (clock.now.0 as f64, clock.tick_end().0 as f64);
    let dt_min = (t1 - t0) / 60.0;
    for lk in &mut leaks.0 {
        lk.news.clear();
        if t1 <= lk.start_s {
            continue;
        }
        if !lk.started {
            lk.started = true;
            journal.record(
                clock.at(lk.start_s - t0),
                EventKind::HazardStarted {
                    hazard: lk.number,
                    what: Arc::from(format!("{:?} release {} kg/s", lk.chemical, lk.rate)),
                },
            );
            board.request(TaskRequest {
                subject: Subject::Hazard(lk.number, lk.site),
                work: WorkKind::StopLeak,
                state: DamageState::Moderate,
                sites: vec![lk.site],
                raw_id: lk.raw_site,
                hours: None,
            });
        }
        for (t, subject, what) in &board.hazard_log[lk.log_seen..] {
            if *subject == Subject::Hazard(lk.number, lk.site)
                && *what == HazardWork::Finished
                && lk.stopped_by_crew.is_none()
                && (t.0 as f64) < lk.end_s
            {
                lk.stopped_by_crew = Some(*t);
                lk.end_s = lk.end_s.min(t.0 as f64);
            }
        }
        lk.log_seen = board.hazard_log.len();
        // The release ends at `end_s`: journalled at that second when it
        // falls in this tick (a crew's stop found only now is stamped now).
        if !lk.ended && t1 > lk.end_s {
            lk.ended = true;
            let why = if lk.stopped_by_crew.is_some() {
                "release stopped by a crew"
            } else {
                "release ran its course"
            };
            journal.record(
                clock.at(lk.end_s - t0),
                EventKind::HazardEnded {
                    hazard: lk.number,
                    why: Arc::from(why),
                },
            );
        }
        if t0 >= lk.end_s && lk.puffs.is_empty() {
            continue;
        }
        let mid = 0.5 * (t0 + t1).max(lk.start_s);
        lk.advance_to(mid.max(lk.state_s));
        lk.sample();
        for z in 0..lk.sheltered.len() {
            let factor = if lk.sheltered[z] { factor } else { 1.0 };
            let mut peak = 0.0f64;
            for i in lk.spread.of(z) {
                let ppm = lk.ppm[i];
                if ppm < TRACE_PPM {
                    continue;
                }
                peak = peak.max(ppm);
                lk.load[i] += (ppm * factor).powf(lk.probit.n) * dt_min;
            }
            if peak < TRACE_PPM {
                continue;
            }
            lk.peak_ppm[z] = lk.peak_ppm[z].max(peak);
            // Threat zones are drawn on outdoor air; sheltering lowers the dose.
            let level = lk.aegl60.iter().filter(|&&a| peak > a).count() as u8;
            if level > lk.level[z] {
                lk.level[z] = level;
                lk.news.push((z, level));
            }
        }
    }
}

/// Damage phase: zones reached by AEGL-2 are marked reached and
/// contaminated; KPIs.
pub(crate) fn effects(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    leaks: Res<Leaks>,
    mut zones: ResMut<Zones>,
    mut arrival: ResMut<HazardArrival>,
    mut stats: ResMut<HazardStats>,
    mut journal: ResMut<Journal>,
) {
    for lk in &leaks.0 {
        if !lk.started {
            continue;
        }
        // The plan's shelter-in-place zones are told when the release starts.
        for (z, &told) in lk.sheltered.iter().enumerate() {
            if told {
                arrival.shelter[z] = true;
            }
        }
        for &(z, level) in &lk.news {
            journal.record(
                clock.now,
                EventKind::HazardReachedZone {
                    zone: zones.ids[z],
                    hazard: lk.number,
                    what: Arc::from(format!("AEGL-{level}")),
                },
            );
            if level >= 2 {
                arrival.reach(z, clock.now, lk.number);
                let reason = format!("{:?} above AEGL-2", lk.chemical);
                contaminate(&mut zones, &mut journal, clock.now, z, &reason);
            }
        }
        if !(lk.news.is_empty() && clock.tick_end() < clock.horizon) {
            let hz = &scenario.0.file.hazards[lk.number as usize - 1];
            let pop = &zones.population;
            let fatalities: f64 = (0..pop.len())
                .map(|z| pop[z] * lk.zone_chances(z, 0.0).0)
                .sum();
            let count = |k: u8| lk.level.iter().filter(|&&l| l >= k).count();
            stats.set(
                lk.number,
                hz,
                "expected_fatalities",
                json!(round6(fatalities)),
            );
            stats.set(lk.number, hz, "zones_aegl1", json!(count(1)));
            stats.set(lk.number, hz, "zones_aegl2", json!(count(2)));
            stats.set(lk.number, hz, "zones_aegl3", json!(count(3)));
            let peak = lk.peak_ppm.iter().fold(0.0f64, |a, &b| a.max(b));
            stats.set(lk.number, hz, "max_zone_ppm", json!(round6(peak)));
            let released_h = (lk.end_s.min(clock.tick_end().0 as f64) - lk.start_s) / 3600.0;
            stats.set(
                lk.number,
                hz,
                "release_h",
                json!(round6(released_h.max(0.0))),
            );
            stats.set(
                lk.number,
                hz,
                "stopped_by_crew_h",
                json!(lk.stopped_by_crew.map(|t| round6(t.hours()))),
            );
        }
    }
}

/// Hazard phase, after [`advance`], only when footprints are recorded
/// ([`super::footprint::record`]): every [`super::grids::PLUME_SAMPLE_S`]
/// of run time, the ground-level concentration of every puff on the region
/// grid, kept as each cell's peak.
pub(crate) fn record_plume(
    scenario: Res<ScenarioRes>,
    leaks: Res<Leaks>,
    recorder: Option<ResMut<super::grids::FootprintRecorder>>,
) {
    use super::grids::{PLUME_SAMPLE_S, PlumeSamples, RegionGrid};
    let Some(mut recorder) = recorder else { return };
    for lk in leaks.0.iter().filter(|lk| lk.started) {
        let rec = recorder.plumes.entry(lk.number).or_insert_with(|| {
            let grid = RegionGrid::of(&scenario.0);
            PlumeSamples {
                peak_ppm: vec![0.0; grid.ncols * grid.nrows],
                grid,
                next_s: lk.start_s,
            }
        });
        if lk.puffs.is_empty() || lk.state_s < rec.next_s {
            continue;
        }
        rec.next_s = lk.state_s + PLUME_SAMPLE_S;
        let g = rec.grid;
        let mut c = vec![0.0; g.ncols * g.nrows];
        let ppm_per_kg_m3 = plume::to_ppm(KgPerCubicMetre(1.0), lk.chemical.molar_mass_g_mol()).0;
        for p in &lk.puffs {
            // A puff counts out to where it falls below PUFF_CUTOFF_PPM (a
            // thousandth of the trace level, so even a thousand overlapping
            // tails stay under it), and never beyond the 8 σy at which
            // `puff_concentration` stops.
            let (sy, _) = p.sigmas(lk.terrain);
            let centre =
                puff_concentration(p, lk.terrain, lk.height, p.x, p.y, 0.0).0 * ppm_per_kg_m3;
            if !(sy > 0.0 && centre > PUFF_CUTOFF_PPM) {
                continue;
            }
            let reach = sy * (2.0 * (centre / PUFF_CUTOFF_PPM).ln()).sqrt().min(8.0);
            let col = |x: f64| ((x - g.xll) / g.cell).floor();
            let row = |y: f64| (g.nrows as f64 - (y - g.yll) / g.cell).floor();
            let (c0, c1) = (col(p.x - reach).max(0.0), col(p.x + reach));
            let (r0, r1) = (row(p.y + reach).max(0.0), row(p.y - reach));
            if c1 < 0.0 || r1 < 0.0 {
                continue;
            }
            let (c0, r0) = (c0 as usize, r0 as usize);
            let (c1, r1) = (
                (c1 as usize).min(g.ncols - 1),
                (r1 as usize).min(g.nrows - 1),
            );
            if c0 > c1 || r0 > r1 {
                continue;
            }
            // The horizontal Gaussian is separable: exp(−r²/2σy²) =
            // exp(−dx²/2σy²)·exp(−dy²/2σy²), so one exp per column and per
            // row instead of per cell; the centre value carries the rest of
            // `puff_concentration` (mass, normalisation, vertical term).
            let (x0, y0) = g.centre(r0 * g.ncols + c0);
            let gauss = |d: f64| (-d * d / (2.0 * sy * sy)).exp();
            let dxs: Vec<f64> = (0..=c1 - c0)
                .map(|k| x0 + k as f64 * g.cell - p.x)
                .collect();
            let fx: Vec<f64> = dxs.iter().map(|&d| gauss(d)).collect();
            let cut2 = 64.0 * sy * sy;
            let centre_kg = centre / ppm_per_kg_m3;
            for r in r0..=r1 {
                let dy = y0 - (r - r0) as f64 * g.cell - p.y;
                let fy = centre_kg * gauss(dy);
                let row = &mut c[r * g.ncols + c0..=r * g.ncols + c1];
                for ((v, &dx), &f) in row.iter_mut().zip(&dxs).zip(&fx) {
                    if dx * dx + dy * dy <= cut2 {
                        *v += fy * f;
                    }
                }
            }
        }
        for (peak, kg) in rec.peak_ppm.iter_mut().zip(c) {
            *peak = peak.max(kg * ppm_per_kg_m3);
        }
    }
}

/// Footprints of the releases sampled by [`record_plume`]: peak
/// concentration per region cell, ppm (below the trace level NODATA), with
/// the chemical's 60-min AEGLs.
pub(crate) fn footprints(world: &World, out: &mut Vec<qilian_hazardlib::footprint::Footprint>) {
    use super::grids::FootprintRecorder;
    use qilian_hazardlib::footprint::{Footprint, FootprintKind};
    let (Some(leaks), Some(recorder), Some(scenario)) = (
        world.get_resource::<Leaks>(),
        world.get_resource::<FootprintRecorder>(),
        world.get_resource::<ScenarioRes>(),
    ) else {
        return;
    };
    for lk in &leaks.0 {
        let (Some(rec), Some(Hazard::ChemicalLeak(c))) = (
            recorder.plumes.get(&lk.number),
            scenario.0.file.hazards.get(lk.number as usize - 1),
        ) else {
            continue;
        };
        let values = rec
            .peak_ppm
            .iter()
            .map(|&v| if v >= TRACE_PPM { v } else { f64::NAN })
            .collect();
        if let Some(grid) = rec.grid.grid(values) {
            out.push(Footprint {
                hazard: lk.number,
                kind: FootprintKind::Plume {
                    chemical: c.chemical.clone(),
                    aegl_ppm: lk.aegl60,
                },
                grid,
            });
        }
    }
}
