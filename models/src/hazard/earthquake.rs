//! Earthquake shaking and damage in a run.
//!
//! At the event's origin time every exposed site — facilities with a Hazus
//! fragility class, and bridges — gets a ground motion and a damage state:
//!
//! ```text
//! ln IM_s = ln median(M, rake, Rjb_s, Vs30_s) + τ·η + φ·ε_s        (GMPE)
//! DS_s    = the state with u_s < P(DS ≥ ds | IM_s) worst             (fragility)
//! ```
//!
//! with η ~ N(0, 1) once per event (stream keyed by the hazard number), and
//! ε_s ~ N(0, 1) and u_s ~ U(0, 1) per site (stream keyed by the hazard number
//! and the site's stable id), so a site's draw does not depend on which other
//! sites exist or on the thread count. One ε per site serves every intensity
//! measure at it (full correlation between PGA and Sa(1.0 s) at a site: a
//! simplification). Rjb is the horizontal distance to the epicentre or to the
//! rupture's surface trace, in km. Vs30 comes from the region's `vs30` raster
//! or the hazard's default.
//!
//! Demands: power classes and tunnels under shaking use PGA, bridges
//! (HWB.GS) Sa(1.0 s).
//!
//! **Ground failure.** Road links, bridges and tunnels (a link whose
//! `bridge` names an `HTU` class) on ground with a liquefaction
//! susceptibility (the link's own `liquefaction`, else the region's
//! `ground.areas` at its midpoint) are *ground sites*: at the link's
//! midpoint the same GMPE gives PGA (a bridge or tunnel reuses its shaking
//! site's ε, so both see one PGA), then
//!
//! ```text
//! liquefies   ⇔ u_liq < P[Liq](susceptibility, PGA, M, groundwater depth)
//! PGD         = max(lateral spread, settlement) given liquefaction, inches
//! DS          = the state with u_ds < P(DS ≥ ds | PGD) worst
//! ```
//!
//! ([`qilian_hazardlib::liquefaction`], Hazus §4.2.2.1) with the class HRD.GF.1 for
//! roads with ≥ 2 lanes each way (Hazus major roads, ≥ 4 lanes), HRD.GF.2
//! for other roads, HWB.GF for bridges and HTU.GF for tunnels; u_liq and
//! u_ds come after ε from the site's own stream, so the draws depend only on
//! the link. A bridge or tunnel keeps the worse of its shaking and
//! ground-failure states. Landslides are not modelled; road blocks by
//! landslide come as injects.
//!
//! Effects (Damage phase): facilities take the sampled state when worse than
//! their current one (journal `FacilityDamaged`); a bridge, tunnel or road
//! at Moderate or worse closes, at Slight it stays open damaged (both
//! directions, through `set_edge`), and the road crews' tasks follow from
//! those states. A scenario without susceptible ground has no ground sites
//! and its KPIs carry no ground-failure keys.
//!
//! **Aftershocks.** An `Aftershock` inject is one more earthquake at the
//! tick it arrives: a point source at its epicentre with its magnitude, the
//! first earthquake's GMPE and rake, and the same sites (Vs30 from that
//! earthquake's default where the raster has none). It takes the next
//! hazard number after the scenario's hazards, which keys its streams, so
//! a seed gives the same aftershock every time. Its states only raise a
//! facility's or link's damage, never lower it.

use super::HazardStats;
use super::effects::{damage_facility, set_link_pair};
use crate::infrastructure::Facilities;
use bevy_ecs::prelude::*;
use qilian_engine::dist::{std_normal, unit};
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx};
use qilian_engine::scenario::{DamageState, Earthquake, Hazard, Inject, Region};
use qilian_engine::sim::DueInjects;
use qilian_engine::units::round6;
use qilian_engine::{Clock, EventKind, Journal, ScenarioRes, Sim, SimTime, StreamTag, Streams};
use qilian_hazardlib::fragility::{self, Demand, FragilityClass};
use qilian_hazardlib::gmpe::{self, GroundMotionModel, Imt, Rupture, Site};
use qilian_hazardlib::liquefaction::{self, Susceptibility};
use qilian_hazardlib::units::{Degrees, Km, MetresPerSecond};
use rayon::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Stream of the between-event term η, keyed by hazard number.
const EVENT_TERM: StreamTag = StreamTag::new("earthquake between-event");
/// Stream of a site's ε and u, keyed by hazard number and site key.
const SITE_TERM: StreamTag = StreamTag::new("earthquake site");

/// An earthquake as the models need it.
#[derive(Clone, Copy)]
pub struct Event {
    /// The GMPE.
    pub gmpe: &'static dyn GroundMotionModel,
    /// Magnitude and rake.
    pub rupture: Rupture,
    /// Surface trace of the rupture, from the epicentre to its other end
    /// (equal points for a point source), m.
    pub trace: [(f64, f64); 2],
}

impl Event {
    /// From the scenario's description; `None` when the GMPE name is unknown
    /// (scenario validation reports it).
    pub fn new(e: &Earthquake<f64>) -> Option<Event> {
        let p0 = (e.epicentre_x, e.epicentre_y);
        Some(Event {
            gmpe: gmpe::by_name(&e.gmpe)?,
            rupture: Rupture {
                mag: e.magnitude,
                rake: Degrees(e.rake_deg),
            },
            trace: [p0, e.rupture_end.unwrap_or(p0)],
        })
    }

    /// Joyner–Boore distance of (x, y), km: to the nearest point of the trace.
    pub fn rjb_km(&self, x: f64, y: f64) -> f64 {
        let [(ax, ay), (bx, by)] = self.trace;
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((x - ax) * dx + (y - ay) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (px, py) = (ax + t * dx, ay + t * dy);
        (x - px).hypot(y - py) / 1000.0
    }
}

/// One exposed site.
#[derive(Clone, Copy)]
pub struct ShakeSite {
    /// Stable key of its random stream (unique among the event's sites).
    pub key: u64,
    /// Easting, m.
    pub x: f64,
    /// Northing, m.
    pub y: f64,
    /// Vs30, m/s.
    pub vs30_mps: f64,
    /// Its fragility class.
    pub class: &'static FragilityClass,
}

/// What one site felt and suffered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shaking {
    /// Sampled PGA, g.
    pub pga_g: f64,
    /// The class's demand value (g; NaN for ground-deformation classes).
    pub demand: f64,
    /// Sampled damage state.
    pub state: DamageState,
}

/// Ground motion and damage state of every site, in site order, computed in
/// parallel. `hazard` is the hazard number that keys the random streams.
pub fn shake(event: &Event, sites: &[ShakeSite], streams: &Streams, hazard: u32) -> Vec<Shaking> {
    let eta = std_normal(&mut streams.stream(EVENT_TERM, hazard as u64));
    sites
        .par_iter()
        .map(|s| shake_one(event, s, streams, hazard, eta))
        .collect()
}

fn shake_one(event: &Event, s: &ShakeSite, streams: &Streams, hazard: u32, eta: f64) -> Shaking {
    let mut rng = streams.stream(SITE_TERM, ((hazard as u64) << 40) ^ s.key);
    let eps = std_normal(&mut rng);
    let u = unit(&mut rng);
    let site = Site {
        rjb: Km(event.rjb_km(s.x, s.y)),
        vs30: MetresPerSecond(s.vs30_mps),
    };
    let im = |imt: Imt| {
        let (ln_median, tau, phi) = event.gmpe.ln_median_tau_phi(&event.rupture, &site, imt);
        (ln_median + tau * eta + phi * eps).exp()
    };
    let pga = im(Imt::Pga);
    let demand = match s.class.demand {
        Demand::Pga => pga,
        Demand::Sa10 => im(Imt::Sa10),
        Demand::Pgd => f64::NAN,
    };
    let state = if demand.is_nan() {
        DamageState::None
    } else {
        s.class.sample_state(demand, u)
    };
    Shaking {
        pga_g: pga,
        demand,
        state,
    }
}

/// A link on susceptible ground.
#[derive(Clone, Copy)]
pub struct GroundSite {
    /// Stable key of its random stream: a bridge or tunnel uses its
    /// [`ShakeSite::key`], so the two draw the same ε.
    pub key: u64,
    /// Easting of the link's midpoint, m.
    pub x: f64,
    /// Northing, m.
    pub y: f64,
    /// Vs30, m/s.
    pub vs30_mps: f64,
    /// The ground's liquefaction susceptibility.
    pub susceptibility: Susceptibility,
    /// Its PGD fragility class (HRD.GF.*, HWB.GF, HTU.GF).
    pub class: &'static FragilityClass,
}

/// What one ground site suffered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroundShaking {
    /// Sampled PGA, g.
    pub pga_g: f64,
    /// P(Liq) at that PGA.
    pub p_liquefaction: f64,
    /// PGD, inches, when the site liquefied.
    pub pgd_in: Option<f64>,
    /// Sampled damage state (None when it did not liquefy).
    pub state: DamageState,
}

/// Liquefaction, PGD and damage state of every ground site, in site order,
/// computed in parallel. `groundwater_depth_m` is the region's.
pub fn fail_ground(
    event: &Event,
    sites: &[GroundSite],
    streams: &Streams,
    hazard: u32,
    groundwater_depth_m: f64,
) -> Vec<GroundShaking> {
    let eta = std_normal(&mut streams.stream(EVENT_TERM, hazard as u64));
    sites
        .par_iter()
        .map(|s| {
            let mut rng = streams.stream(SITE_TERM, ((hazard as u64) << 40) ^ s.key);
            // The same first two draws as `shake_one`, so a bridge's ε here
            // is its shaking ε.
            let eps = std_normal(&mut rng);
            let _u_shaking = unit(&mut rng);
            let u_liq = unit(&mut rng);
            let u_ds = unit(&mut rng);
            let site = Site {
                rjb: Km(event.rjb_km(s.x, s.y)),
                vs30: MetresPerSecond(s.vs30_mps),
            };
            let (ln_median, tau, phi) =
                event
                    .gmpe
                    .ln_median_tau_phi(&event.rupture, &site, Imt::Pga);
            let pga = (ln_median + tau * eta + phi * eps).exp();
            let mag = event.rupture.mag;
            let g = liquefaction::ground_failure(s.susceptibility, pga, mag, groundwater_depth_m);
            let pgd = (u_liq < g.p_liquefaction).then_some(g.pgd_in);
            GroundShaking {
                pga_g: pga,
                p_liquefaction: g.p_liquefaction,
                pgd_in: pgd,
                state: pgd.map_or(DamageState::None, |d| s.class.sample_state(d, u_ds)),
            }
        })
        .collect()
}

/// The PGD class of a link: HTU.GF for a tunnel, HWB.GF for a bridge,
/// HRD.GF.1 for a road with ≥ 2 lanes in this direction (Hazus major road,
/// ≥ 4 lanes in all), else HRD.GF.2.
pub fn ground_class(bridge: Option<&str>, lanes: u32) -> &'static FragilityClass {
    let id = match bridge.and_then(fragility::Facility::of_class) {
        Some(fragility::Facility::Tunnel) => "HTU.GF",
        Some(fragility::Facility::Bridge) => "HWB.GF",
        _ if lanes >= 2 => "HRD.GF.1",
        _ => "HRD.GF.2",
    };
    fragility::class(id).expect("the PGD classes are in the table")
}

/// The susceptibility under each region edge (region order): its own, else
/// the first `ground.areas` polygon containing `midpoint(edge)`.
pub fn edge_susceptibility(
    region: &Region,
    midpoint: impl Fn(usize) -> Option<(f64, f64)>,
) -> Vec<Option<Susceptibility>> {
    (0..region.edges.len())
        .map(|i| {
            region.edges[i].liquefaction.or_else(|| {
                let (x, y) = midpoint(i)?;
                region
                    .ground
                    .areas
                    .iter()
                    .find(|a| point_in_polygon(x, y, &a.polygon))
                    .map(|a| a.susceptibility)
            })
        })
        .collect()
}

/// Even–odd rule; points on an edge may fall either way.
fn point_in_polygon(x: f64, y: f64, poly: &[(f64, f64)]) -> bool {
    let mut inside = false;
    let mut j = poly.len().wrapping_sub(1);
    for i in 0..poly.len() {
        let ((xi, yi), (xj, yj)) = (poly[i], poly[j]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// What a site is in the world.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// Facility by dense index.
    Facility(usize),
    /// Bridge link (the lower of a two-way pair).
    Bridge(LinkIx),
}

/// One earthquake of the scenario, or an aftershock inject, with its sites.
#[derive(Clone)]
struct Quake {
    number: u32,
    /// "earthquake", or "aftershock" for an inject's: its name in the
    /// journal, the reasons of closures and the KPIs.
    kind: &'static str,
    /// Vs30 (m/s) where the region's raster has none.
    vs30_default_mps: f64,
    at: SimTime,
    event: Event,
    sites: Vec<ShakeSite>,
    targets: Vec<Target>,
    /// Links on susceptible ground, and the link each is (the lower of a
    /// two-way pair).
    ground: Vec<GroundSite>,
    ground_links: Vec<LinkIx>,
    /// Outcome once shaken, applied in the Damage phase of the same tick.
    shaken: Option<Vec<Shaking>>,
    failed: Vec<GroundShaking>,
    applied: bool,
}

/// The scenario's earthquakes, then the aftershocks injected so far.
#[derive(Resource, Default)]
pub(crate) struct Quakes(Vec<Quake>);

impl Quakes {
    /// The earthquakes that have struck: (hazard number, event, Vs30 (m/s)
    /// where the region's raster has none).
    pub(crate) fn struck(&self) -> impl Iterator<Item = (u32, &Event, f64)> {
        self.0
            .iter()
            .filter(|q| q.shaken.is_some())
            .map(|q| (q.number, &q.event, q.vs30_default_mps))
    }

    /// The hazard number the next aftershock takes: after the scenario's
    /// `hazards` (`n_hazards` of them) and the aftershocks so far.
    fn next_number(&self, n_hazards: usize) -> u32 {
        let after = self.0.iter().map(|q| q.number).max().unwrap_or(0);
        after.max(n_hazards as u32) + 1
    }
}

/// PGA (g) at a place that is not a fragility site (a zone's buildings),
/// with the event's between-event term η — the one its sites drew — and a
/// within-event ε from the site stream under `key`, which must differ from
/// the sites' keys (those use 1 << 32 and 2 << 32 prefixes).
pub(crate) fn pga_at(
    event: &Event,
    streams: &Streams,
    hazard: u32,
    key: u64,
    (x, y): (f64, f64),
    vs30_mps: f64,
) -> f64 {
    let eta = std_normal(&mut streams.stream(EVENT_TERM, hazard as u64));
    let mut rng = streams.stream(SITE_TERM, ((hazard as u64) << 40) ^ key);
    let eps = std_normal(&mut rng);
    let site = Site {
        rjb: Km(event.rjb_km(x, y)),
        vs30: MetresPerSecond(vs30_mps),
    };
    let (ln_median, tau, phi) = event
        .gmpe
        .ln_median_tau_phi(&event.rupture, &site, Imt::Pga);
    (ln_median + tau * eta + phi * eps).exp()
}

pub(crate) fn build(sim: &mut Sim, hazards: &[Hazard<f64>]) {
    let scenario = sim.world().resource::<ScenarioRes>().0.clone();
    let region = &scenario.region;
    let net = &scenario.network;
    let mut quakes = Vec::new();
    // Susceptibility per region edge, computed once and only when the
    // region names any (the common case skips it).
    let any_ground =
        !region.ground.areas.is_empty() || region.edges.iter().any(|e| e.liquefaction.is_some());
    let has_quake = hazards.iter().any(|h| matches!(h, Hazard::Earthquake(_)));
    let susceptible = (any_ground && has_quake).then(|| {
        edge_susceptibility(region, |i| {
            let e = &region.edges[i];
            let a = net.node(e.from)?;
            let b = net.node(e.to)?;
            let ((ax, ay), (bx, by)) = (super::node_xy(net, a), super::node_xy(net, b));
            Some(((ax + bx) / 2.0, (ay + by) / 2.0))
        })
    });
    let edge_ix: BTreeMap<_, usize> = if susceptible.is_some() {
        region
            .edges
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, i))
            .collect()
    } else {
        Default::default()
    };
    for (i, hz) in hazards.iter().enumerate() {
        let Hazard::Earthquake(e) = hz else { continue };
        let Some(event) = Event::new(e) else { continue };
        let vs30 = |x: f64, y: f64| {
            scenario
                .rasters
                .vs30
                .as_ref()
                .and_then(|g| g.value_at(x, y))
                .unwrap_or(e.vs30_default_mps)
        };
        let (mut sites, mut targets) = (Vec::new(), Vec::new());
        for (f, fac) in region.facilities.iter().enumerate() {
            let Some(class) = fac
                .fragility
                .as_deref()
                .and_then(|c| fragility::class(c).ok())
            else {
                continue;
            };
            let n = net.node(fac.node).expect("validated: facility node exists");
            let (x, y) = super::node_xy(net, n);
            sites.push(ShakeSite {
                key: (1 << 32) | fac.id.0 as u64,
                x,
                y,
                vs30_mps: vs30(x, y),
                class,
            });
            targets.push(Target::Facility(f));
        }
        for (l, link) in net.links.iter().enumerate() {
            let l = l as LinkIx;
            if link.twin.is_some_and(|t| t < l) {
                continue;
            }
            let Some(class) = link.bridge.as_ref().and_then(|b| fragility::class(b).ok()) else {
                continue;
            };
            let (ax, ay) = super::node_xy(net, link.from);
            let (bx, by) = super::node_xy(net, link.to);
            let (x, y) = ((ax + bx) / 2.0, (ay + by) / 2.0);
            sites.push(ShakeSite {
                key: (2 << 32) | link.id.0 as u64,
                x,
                y,
                vs30_mps: vs30(x, y),
                class,
            });
            targets.push(Target::Bridge(l));
        }
        let (mut ground, mut ground_links) = (Vec::new(), Vec::new());
        if let Some(under) = &susceptible {
            for (l, link) in net.links.iter().enumerate() {
                let l = l as LinkIx;
                if link.twin.is_some_and(|t| t < l) {
                    continue;
                }
                let own = edge_ix.get(&link.id);
                let twin = link
                    .twin
                    .and_then(|t| edge_ix.get(&net.links[t as usize].id));
                let Some(s) = own
                    .and_then(|&i| under[i])
                    .or_else(|| twin.and_then(|&i| under[i]))
                else {
                    continue;
                };
                if s == Susceptibility::NotSusceptible {
                    continue;
                }
                let (ax, ay) = super::node_xy(net, link.from);
                let (bx, by) = super::node_xy(net, link.to);
                let (x, y) = ((ax + bx) / 2.0, (ay + by) / 2.0);
                let structure = link
                    .bridge
                    .as_deref()
                    .filter(|b| fragility::class(b).is_ok());
                ground.push(GroundSite {
                    // A bridge or tunnel shares its shaking site's stream.
                    key: if structure.is_some() {
                        2 << 32
                    } else {
                        3 << 32
                    } | link.id.0 as u64,
                    x,
                    y,
                    vs30_mps: vs30(x, y),
                    susceptibility: s,
                    class: ground_class(structure, link.lanes),
                });
                ground_links.push(l);
            }
        }
        quakes.push(Quake {
            number: i as u32 + 1,
            kind: "earthquake",
            vs30_default_mps: e.vs30_default_mps,
            at: SimTime::from_hours(e.at_h),
            event,
            sites,
            targets,
            ground,
            ground_links,
            shaken: None,
            failed: Vec::new(),
            applied: false,
        });
    }
    sim.world_mut().insert_resource(Quakes(quakes));
}

/// Hazard phase, before [`shake_sites`]: each `Aftershock` inject of this
/// tick becomes an earthquake now, a point source with the scenario's
/// first earthquake's GMPE, rake and sites (their Vs30 from that
/// earthquake's default), numbered after the scenario's hazards. Its draws
/// come from streams keyed by that number, so a seed gives the same
/// aftershock every time. Validation refuses an aftershock in a scenario
/// without an earthquake; one that slips through is ignored.
pub(crate) fn aftershocks(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    due: Res<DueInjects>,
    mut quakes: ResMut<Quakes>,
) {
    for inj in &due.0 {
        let Inject::Aftershock {
            magnitude,
            epicentre_x,
            epicentre_y,
        } = *inj
        else {
            continue;
        };
        let Some(first) = quakes.0.iter().find(|q| q.kind == "earthquake") else {
            continue;
        };
        let p0 = (epicentre_x, epicentre_y);
        let q = Quake {
            number: quakes.next_number(scenario.0.file.hazards.len()),
            kind: "aftershock",
            at: clock.now,
            event: Event {
                gmpe: first.event.gmpe,
                rupture: Rupture {
                    mag: magnitude,
                    rake: first.event.rupture.rake,
                },
                trace: [p0, p0],
            },
            shaken: None,
            failed: Vec::new(),
            applied: false,
            ..first.clone()
        };
        quakes.0.push(q);
    }
}

/// Hazard phase: shake the sites of every earthquake whose time has come.
pub(crate) fn shake_sites(
    clock: Res<Clock>,
    streams: Res<Streams>,
    scenario: Res<ScenarioRes>,
    mut quakes: ResMut<Quakes>,
    mut journal: ResMut<Journal>,
) {
    for q in &mut quakes.0 {
        if q.shaken.is_none() && q.at < clock.tick_end() {
            q.shaken = Some(shake(&q.event, &q.sites, &streams, q.number));
            if !q.ground.is_empty() {
                let depth = scenario.0.region.ground.groundwater_depth_m;
                q.failed = fail_ground(&q.event, &q.ground, &streams, q.number, depth);
            }
            journal.record(
                q.at.max(clock.now),
                EventKind::HazardStarted {
                    hazard: q.number,
                    what: Arc::from(format!("{} Mw {}", q.kind, q.event.rupture.mag)),
                },
            );
        }
    }
}

/// Damage phase: apply the sampled states.
pub(crate) fn damage(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    mut quakes: ResMut<Quakes>,
    mut fac: ResMut<Facilities>,
    mut edges: ResMut<EdgeStates>,
    mut journal: ResMut<Journal>,
    mut stats: ResMut<HazardStats>,
) {
    let net = scenario.net();
    for q in &mut quakes.0 {
        if q.applied {
            continue;
        }
        let Some(shaken) = &q.shaken else { continue };
        q.applied = true;
        let mut by_state = [0u32; 5];
        let (mut bridges_closed, mut bridges_damaged) = (0u32, 0u32);
        let mut max_pga: f64 = 0.0;
        let reason: Arc<str> = Arc::from(format!("{} Mw {}", q.kind, q.event.rupture.mag));
        let ground_reason: Arc<str> = Arc::from(format!(
            "{} Mw {}: liquefaction",
            q.kind, q.event.rupture.mag
        ));
        // Ground-failure states of bridges and tunnels, merged below.
        let mut ground_of: BTreeMap<LinkIx, DamageState> = BTreeMap::new();
        let mut worse_by_ground = 0u32;
        for (&l, g) in q.ground_links.iter().zip(&q.failed) {
            if net.links[l as usize].bridge.is_some() {
                ground_of.insert(l, g.state);
            }
        }
        for (target, s) in q.targets.iter().zip(shaken) {
            max_pga = max_pga.max(s.pga_g);
            match *target {
                Target::Facility(f) => {
                    by_state[s.state as usize] += 1;
                    damage_facility(&mut fac, &mut journal, clock.now, f, s.state);
                }
                Target::Bridge(l) => {
                    let ground = ground_of.remove(&l).unwrap_or(DamageState::None);
                    if ground > s.state {
                        worse_by_ground += 1;
                    }
                    let state = s.state.max(ground);
                    let why = if ground > s.state {
                        &ground_reason
                    } else {
                        &reason
                    };
                    // Damage only ever rises (an aftershock's lighter
                    // state leaves a closed bridge closed).
                    if state <= edges.physical(l).damage() {
                        continue;
                    }
                    let Some(new) = link_state(state, why) else {
                        continue;
                    };
                    if state == DamageState::Slight {
                        bridges_damaged += 1;
                    } else {
                        bridges_closed += 1;
                    }
                    set_link_pair(net, &mut edges, &mut journal, clock.now, l, &new);
                }
            }
        }
        let (mut liquefied, mut roads_damaged, mut roads_closed) = (0u32, 0u32, 0u32);
        for (&l, g) in q.ground_links.iter().zip(&q.failed) {
            liquefied += u32::from(g.pgd_in.is_some());
            if net.links[l as usize].bridge.is_some() {
                continue;
            }
            if g.state <= edges.physical(l).damage() {
                continue;
            }
            let Some(new) = link_state(g.state, &ground_reason) else {
                continue;
            };
            if g.state == DamageState::Slight {
                roads_damaged += 1;
            } else {
                roads_closed += 1;
            }
            set_link_pair(net, &mut edges, &mut journal, clock.now, l, &new);
        }
        let (n, hz) = (q.number, q.kind);
        stats.set_kind(n, hz, "sites", json!(q.sites.len()));
        stats.set_kind(n, hz, "max_pga_g", json!(round6(max_pga)));
        stats.set_kind(
            n,
            hz,
            "facilities_by_state",
            json!({
                "none": by_state[0], "slight": by_state[1], "moderate": by_state[2],
                "extensive": by_state[3], "complete": by_state[4],
            }),
        );
        stats.set_kind(n, hz, "bridges_closed", json!(bridges_closed));
        stats.set_kind(n, hz, "bridges_damaged_open", json!(bridges_damaged));
        if !q.ground.is_empty() {
            stats.set_kind(
                n,
                hz,
                "ground_failure",
                json!({
                    "sites": q.ground.len(),
                    "liquefied": liquefied,
                    "roads_damaged_open": roads_damaged,
                    "roads_closed": roads_closed,
                    "bridges_tunnels_worse_by_ground": worse_by_ground,
                }),
            );
        }
    }
}

/// The link state for a damage state: open damaged at Slight, closed at
/// Moderate or worse, unchanged (`None`) at None.
fn link_state(state: DamageState, reason: &Arc<str>) -> Option<EdgeState> {
    match state {
        DamageState::None => None,
        DamageState::Slight => Some(EdgeState::Damaged {
            state,
            reason: reason.clone(),
        }),
        _ => Some(EdgeState::Closed {
            state,
            reason: reason.clone(),
        }),
    }
}

/// Footprints of the earthquakes that have struck: PGA on the region grid,
/// the GMPE median at each cell's Rjb and Vs30 with this run's
/// between-event term (the same η the sites drew), without within-event
/// terms.
pub(crate) fn footprints(world: &World, out: &mut Vec<qilian_hazardlib::footprint::Footprint>) {
    use super::grids::RegionGrid;
    use qilian_hazardlib::footprint::{Footprint, FootprintKind};
    let (Some(quakes), Some(streams), Some(scenario)) = (
        world.get_resource::<Quakes>(),
        world.get_resource::<Streams>(),
        world.get_resource::<ScenarioRes>(),
    ) else {
        return;
    };
    let s = &scenario.0;
    for q in quakes.0.iter().filter(|q| q.shaken.is_some()) {
        let eta = std_normal(&mut streams.stream(EVENT_TERM, q.number as u64));
        let rg = RegionGrid::of(s);
        let values = (0..rg.ncols * rg.nrows)
            .into_par_iter()
            .map(|i| {
                let (x, y) = rg.centre(i);
                let vs30 = s
                    .rasters
                    .vs30
                    .as_ref()
                    .and_then(|g| g.value_at(x, y))
                    .unwrap_or(q.vs30_default_mps);
                let site = Site {
                    rjb: Km(q.event.rjb_km(x, y)),
                    vs30: MetresPerSecond(vs30),
                };
                let r = q.event.gmpe.median_sigma(&q.event.rupture, &site, Imt::Pga);
                (r.median.0.ln() + r.tau_ln * eta).exp()
            })
            .collect();
        if let Some(grid) = rg.grid(values) {
            out.push(Footprint {
                hazard: q.number,
                kind: FootprintKind::ShakingPga,
                grid,
            });
        }
    }
}
