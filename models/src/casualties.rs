//! Casualties by cause, and the rescue of trapped people (docs/models.md#casualties).
//!
//! The hazard models say where each hazard is; the evacuation says who was
//! still there. This model turns those people into deaths, injuries and
//! trapped people, one cause at a time, with the plan's `casualties` rates
//! (`qilian_engine::scenario::Casualties`, every default an assumption
//! stated there):
//!
//! - **flood**, **fire**, **chemical**: people still in a zone when a
//!   hazard first reaches it (the evacuation's *exposed*, less those caught
//!   on roads) take the cause of that first arrival
//!   (`HazardArrival::by`). Flood: mortality F(h) = Φ((ln h − μ)/σ) of the
//!   zone's deepest water h (Jonkman's lognormal form), a flat injury rate,
//!   and in water at least `flood_trapped_depth_m` deep a share of the
//!   survivors trapped. Fire: flat death and injury rates. Chemical: the
//!   release's own chances per zone (`hazard::chemical`, reused, not
//!   recomputed): the mean over the zone's sample points (its people spread
//!   over a disc) of the lethality probit on each point's toxic load, and
//!   of the injury rule by dose — survivors above the AEGL-3 load injured,
//!   above the AEGL-2 load injured at `chemical_injury_rate`
//!   (`hazardlib::toxic::injury_given_survival`); assessed at the end of
//!   the run when the loads are complete.
//! - **road**: people in vehicles caught on a link that closed under them
//!   with physical damage (flooded, burning, collapsed bridge): flat rates.
//! - **earthquake**: when a quake strikes, the people at home in each zone
//!   meet the zone's PGA (same GMPE and between-event term as the
//!   facilities, an own within-event draw per zone: the shaking people
//!   felt, as the intensities PAGER was fitted on were mapped from what
//!   was observed). The expected toll is
//!   PAGER's empirical fatality rate for China at the intensity of that
//!   PGA (`hazardlib::pager`: Worden et al. 2012, Jaiswal & Wald 2010),
//!   which was fitted on whole Chinese earthquakes and so already holds the
//!   people who died trapped. Part of it (`quake_died_trapped_share`) is
//!   therefore not killed at once but trapped (with more trapped people
//!   beside them, `quake_trapped_per_death` per death) and left to the
//!   survival curve and the rescue crews: fast rescue brings the toll
//!   below PAGER's, none above it. Injuries are `quake_injuries_per_death`
//!   per death (Chinese events' injured ÷ dead).
//!
//! A zone with people trapped (collapse, deep water) gets one
//! `WorkKind::Rescue` task at a time (`Subject::Rescue(zone)`), ranked by
//! the plan's priorities like any other and done by a `Rescue` crew. A task
//! covers as many people as a crew frees in `rescue_task_max_h` at
//! `rescue_people_per_h` (all of them if fewer) and lasts covered / rate
//! hours; when it is finished the survivors it covered are rescued, and the
//! zone's next task follows if people are left. Until then trapped people
//! die as the plan's `trapped_survival` curve says (Ludian and Lushan
//! survival by day), counted from when the zone's first people of that
//! cause were trapped.
//!
//! Every outcome is drawn per person from a stream keyed by (what, zone id,
//! tick), so results are integers, deterministic and independent of the
//! thread count. Casualties do not move people between the evacuation's
//! places: a dead or injured person stays counted where the evacuation put
//! them (exposed or at home), so its conservation identity is unchanged;
//! [`Casualties::audit`] checks that outcomes never outnumber the people
//! they come from, and that every trapped person is still trapped, rescued
//! or dead.
//!
//! Not modelled: people exposed by an `Expose` inject with no hazard behind
//! it (counted in `exposed_no_cause`), casualties among people en route or
//! in shelters during an earthquake, medical care after rescue.
//!
//! Glossary: *affected* — the people a cause's rates apply to; *trapped* —
//! alive and unable to leave without a rescue crew.

use crate::evacuation::Evacuation;
use crate::hazard::chemical::Leaks;
use crate::hazard::earthquake::{Quakes, pga_at};
use crate::hazard::flood::Floods;
use crate::hazard::{HazardArrival, RealisedHazards};
use crate::responders::{HazardWork, Subject, TaskBoard, TaskRequest};
use bevy_ecs::prelude::*;
use qilian_engine::dist::unit;
use qilian_engine::scenario::{self as sc, DamageState, Hazard, WorkKind};
use qilian_engine::{Clock, Kpis, Phase, ScenarioRes, Sim, SimPlugin, StreamTag, Streams};
use qilian_hazardlib::normal::std_normal_cdf;
use qilian_hazardlib::pager;
use serde_json::json;
use std::collections::BTreeSet;

const DRAW: StreamTag = StreamTag::new("casualties");

/// What hurt people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// A toxic release.
    Chemical,
    /// Building damage from shaking.
    Earthquake,
    /// The fire front.
    Fire,
    /// Flood water.
    Flood,
    /// Caught in a vehicle on a road that closed with physical damage.
    Road,
}

impl Cause {
    /// Every cause, in the order of their names.
    pub const ALL: [Cause; 5] = [
        Cause::Chemical,
        Cause::Earthquake,
        Cause::Fire,
        Cause::Flood,
        Cause::Road,
    ];

    /// Lower-case name, the key in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Cause::Chemical => "chemical",
            Cause::Earthquake => "earthquake",
            Cause::Fire => "fire",
            Cause::Flood => "flood",
            Cause::Road => "road",
        }
    }

    fn of<N>(h: &Hazard<N>) -> Cause {
        match h {
            Hazard::Earthquake(_) => Cause::Earthquake,
            Hazard::Flood(_) => Cause::Flood,
            Hazard::Fire(_) => Cause::Fire,
            Hazard::ChemicalLeak(_) => Cause::Chemical,
        }
    }
}

/// Outcomes of one cause in one zone (or summed), people.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Toll {
    /// People the cause's rates were applied to.
    pub affected: u64,
    /// Deaths, including trapped people who died before rescue.
    pub deaths: u64,
    /// Injured (not counting the rescued).
    pub injuries: u64,
    /// People ever trapped.
    pub trapped: u64,
    /// Trapped people who died before rescue (part of `deaths`).
    pub died_trapped: u64,
    /// Trapped people a rescue crew freed alive.
    pub rescued: u64,
    /// Trapped now.
    pub still_trapped: u64,
}

impl Toll {
    fn add(&mut self, o: &Toll) {
        self.affected += o.affected;
        self.deaths += o.deaths;
        self.injuries += o.injuries;
        self.trapped += o.trapped;
        self.died_trapped += o.died_trapped;
        self.rescued += o.rescued;
        self.still_trapped += o.still_trapped;
    }
}

/// The run's casualties, per zone (dense index) and cause.
#[derive(Debug, Resource)]
pub struct Casualties {
    rates: sc::Casualties,
    /// `toll[z][cause as usize]`.
    toll: Vec<[Toll; 5]>,
    /// People exposed in each zone already given a cause.
    zone_seen: Vec<u64>,
    /// People caught on roads from each zone already assessed.
    road_seen: Vec<u64>,
    /// Earthquakes already assessed, by hazard number.
    quakes_seen: Vec<u32>,
    /// Chemical exposures waiting for the final toxic load: (zone, hazard
    /// number, people).
    chemical: Vec<(usize, u32, u64)>,
    /// Whether the chemical exposures were assessed (at the end).
    chemical_done: bool,
    /// Entries of the task board's hazard log already read.
    log_seen: usize,
    /// People the zone's open rescue task will free (0 when none is open).
    covered: Vec<u64>,
    rescue_tasks: u64,
    no_cause: u64,
    /// Zones with people still trapped, so the per-tick rescue and
    /// survival passes visit those and not every zone.
    trapped_zones: BTreeSet<usize>,
    /// When each zone's people of each cause were first trapped (seconds;
    /// the survival curve's clock for all of them).
    trapped_since: Vec<[Option<u64>; 5]>,
    /// Start of the tick being assessed, seconds.
    now_s: u64,
    /// When each zone was first seen warned to leave, seconds.
    warned_at: Vec<Option<u64>>,
}

impl Casualties {
    /// Nobody hurt yet, for `zones` zones.
    pub fn new(rates: sc::Casualties, zones: usize) -> Casualties {
        Casualties {
            rates,
            toll: vec![[Toll::default(); 5]; zones],
            zone_seen: vec![0; zones],
            road_seen: vec![0; zones],
            quakes_seen: Vec::new(),
            chemical: Vec::new(),
            chemical_done: false,
            log_seen: 0,
            covered: vec![0; zones],
            rescue_tasks: 0,
            no_cause: 0,
            trapped_zones: BTreeSet::new(),
            trapped_since: vec![[None; 5]; zones],
            now_s: 0,
            warned_at: vec![None; zones],
        }
    }

    /// Outcomes of `cause` in zone `z` (dense index).
    pub fn zone(&self, z: usize, cause: Cause) -> Toll {
        self.toll[z][cause as usize]
    }

    /// Outcomes of `cause` over all zones.
    pub fn cause(&self, cause: Cause) -> Toll {
        let mut t = Toll::default();
        for z in &self.toll {
            t.add(&z[cause as usize]);
        }
        t
    }

    /// Outcomes of every cause over all zones.
    pub fn total(&self) -> Toll {
        let mut t = Toll::default();
        for c in Cause::ALL {
            t.add(&self.cause(c));
        }
        t
    }

    /// People trapped now in zone `z`, all causes.
    pub fn trapped_now(&self, z: usize) -> u64 {
        self.toll[z].iter().map(|t| t.still_trapped).sum()
    }

    /// Check the bookkeeping against the evacuation it came from: in each
    /// zone, outcomes never outnumber the people affected, every trapped
    /// person is still trapped, rescued or dead, the road cause covers
    /// exactly the people caught on roads, and the causes at the zone cover
    /// no more than the people exposed there.
    pub fn audit(&self, evac: &Evacuation) -> Result<(), String> {
        for (z, causes) in self.toll.iter().enumerate() {
            for (c, t) in Cause::ALL.iter().zip(causes) {
                let immediate = t.deaths - t.died_trapped;
                if immediate + t.injuries + t.trapped > t.affected {
                    return Err(format!(
                        "zone {z} {}: outcomes exceed affected: {t:?}",
                        c.name()
                    ));
                }
                if t.trapped != t.rescued + t.died_trapped + t.still_trapped {
                    return Err(format!(
                        "zone {z} {}: trapped not conserved: {t:?}",
                        c.name()
                    ));
                }
            }
            let road = causes[Cause::Road as usize].affected;
            if road != self.road_seen[z] || road != evac.caught_on_road(z) {
                return Err(format!(
                    "zone {z}: {road} road casualties assessed but {} caught on roads",
                    evac.caught_on_road(z)
                ));
            }
            let at_zone: u64 = [Cause::Chemical, Cause::Fire, Cause::Flood]
                .iter()
                .map(|&c| causes[c as usize].affected)
                .sum::<u64>()
                + self
                    .chemical
                    .iter()
                    .filter(|e| e.0 == z)
                    .map(|e| e.2)
                    .sum::<u64>();
            let exposed = evac.zone(z).exposed - evac.caught_on_road(z);
            if at_zone > exposed {
                return Err(format!(
                    "zone {z}: {at_zone} affected at the zone but {exposed} exposed there"
                ));
            }
            let quake = causes[Cause::Earthquake as usize].affected;
            if quake > evac.zone(z).residents * self.quakes_seen.len() as u64 {
                return Err(format!("zone {z}: {quake} affected by earthquakes"));
            }
        }
        Ok(())
    }

    /// The `casualties` KPI object.
    pub fn kpis(&self) -> serde_json::Value {
        let by_cause: serde_json::Map<String, serde_json::Value> = Cause::ALL
            .iter()
            .map(|&c| {
                let t = self.cause(c);
                (
                    c.name().to_string(),
                    json!({
                        "affected": t.affected,
                        "deaths": t.deaths,
                        "injuries": t.injuries,
                        "trapped": t.trapped,
                    }),
                )
            })
            .collect();
        let t = self.total();
        json!({
            "by_cause": by_cause,
            "deaths": t.deaths,
            "injuries": t.injuries,
            "trapped": t.trapped,
            "rescued": t.rescued,
            "died_trapped": t.died_trapped,
            "still_trapped": t.still_trapped,
            "rescue_tasks": self.rescue_tasks,
            "exposed_no_cause": self.no_cause,
        })
    }

    /// Apply per-person chances `(dead, trapped, injured)` to `n` people of
    /// zone `z` under `cause`, drawing from the stream keyed by `key`.
    fn apply(&mut self, z: usize, cause: Cause, n: u64, p: [f64; 3], streams: &Streams, key: u64) {
        if n == 0 {
            return;
        }
        let [dead, trapped, injured] = split(streams, key, n, p);
        let t = &mut self.toll[z][cause as usize];
        t.affected += n;
        t.deaths += dead;
        t.trapped += trapped;
        t.still_trapped += trapped;
        t.injuries += injured;
        if trapped > 0 {
            self.trapped_zones.insert(z);
            self.trapped_since[z][cause as usize].get_or_insert(self.now_s);
        }
    }
}

/// Stream key of one draw: what (8 bits), zone id (24 bits), tick (32 bits).
fn key(what: u64, zone: u32, tick: u64) -> u64 {
    (what << 56) | ((zone as u64 & 0xFF_FFFF) << 32) | (tick & 0xFFFF_FFFF)
}

/// Split `n` people by one uniform each into (dead, trapped, injured) with
/// chances `p` (clamped so they sum to at most 1); the rest are unharmed.
fn split(streams: &Streams, key: u64, n: u64, p: [f64; 3]) -> [u64; 3] {
    let dead = p[0].clamp(0.0, 1.0);
    let trapped = p[1].clamp(0.0, 1.0 - dead);
    let injured = p[2].clamp(0.0, 1.0 - dead - trapped);
    let (a, b, c) = (dead, dead + trapped, dead + trapped + injured);
    if c <= 0.0 {
        return [0; 3];
    }
    let mut rng = streams.stream(DRAW, key);
    let mut out = [0u64; 3];
    for _ in 0..n {
        let u = unit(&mut rng);
        if u < a {
            out[0] += 1;
        } else if u < b {
            out[1] += 1;
        } else if u < c {
            out[2] += 1;
        }
    }
    out
}

/// Flood mortality among people caught in water `depth_m` deep: Jonkman's
/// lognormal form Φ((ln h − μ)/σ), tapered to zero in shallow water (zero
/// up to `flood_mortality_onset_m` = h₀, full at 2 h₀, linear between);
/// zero in no water.
pub fn flood_mortality(rates: &sc::Casualties, depth_m: f64) -> f64 {
    if depth_m <= 0.0 {
        return 0.0;
    }
    let h0 = rates.flood_mortality_onset_m;
    let taper = if h0 > 0.0 {
        ((depth_m - h0) / h0).clamp(0.0, 1.0)
    } else {
        1.0
    };
    taper * std_normal_cdf((depth_m.ln() - rates.flood_mortality_mu) / rates.flood_mortality_sigma)
}

/// Share of the no-warning fire rates that applies after a warning `lead_h`
/// hours ahead of the front: max(0, 1 − lead / `fire_safe_lead_h`).
pub fn fire_warning_factor(rates: &sc::Casualties, lead_h: f64) -> f64 {
    (1.0 - lead_h.max(0.0) / rates.fire_safe_lead_h).clamp(0.0, 1.0)
}

/// Per-occupant chances (dead at once, trapped, injured) at `pga_g`: PAGER's
/// fatality rate ν at the intensity of that PGA (`hazardlib::pager`), of
/// which (1 − `quake_died_trapped_share`) die at once; trapped and injured
/// are `quake_trapped_per_death` and `quake_injuries_per_death` times ν.
pub fn quake_chances(rates: &sc::Casualties, pga_g: f64) -> [f64; 3] {
    let nu = pager::fatality_rate(
        pager::mmi_from_pga(pga_g),
        rates.quake_fatality_theta,
        rates.quake_fatality_beta,
    );
    [
        nu * (1.0 - rates.quake_died_trapped_share),
        nu * rates.quake_trapped_per_death,
        nu * rates.quake_injuries_per_death,
    ]
}

/// Share of trapped people still alive `hours` after they were trapped:
/// ln(share) linear between the plan's `trapped_survival` points (from
/// (0 h, 1)), the last segment's rate continued beyond the last point.
pub fn trapped_survival(curve: &[(f64, f64)], hours: f64) -> f64 {
    if hours <= 0.0 {
        return 1.0;
    }
    let mut prev = (0.0, 0.0); // (hours, ln share)
    let mut slope = 0.0;
    for &(h, share) in curve {
        let ln = share.ln();
        slope = (ln - prev.1) / (h - prev.0);
        if hours <= h {
            return (prev.1 + slope * (hours - prev.0)).exp();
        }
        prev = (h, ln);
    }
    (prev.1 + slope * (hours - prev.0)).exp()
}

/// Deaths, injuries, trapped people and their rescue.
pub struct CasualtiesPlugin;

impl SimPlugin for CasualtiesPlugin {
    fn build(&self, sim: &mut Sim) {
        let scenario = sim.world().resource::<ScenarioRes>().0.clone();
        let zones = scenario.region.zones.len();
        sim.world_mut()
            .insert_resource(Casualties::new(scenario.plan.casualties.clone(), zones));
        sim.schedule_mut().add_systems((
            assess
                .in_set(Phase::Damage)
                .after(crate::evacuation::expose),
            settle
                .in_set(Phase::Measure)
                .after(crate::evacuation::record)
                .before(crate::measure::measure),
        ));
    }
}

/// Damage phase: give the people newly exposed or caught this tick their
/// cause and outcome, assess earthquakes that struck, and ask for rescue
/// where people are trapped.
fn assess(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    streams: Res<Streams>,
    evac: Option<Res<Evacuation>>,
    arrival: Option<Res<HazardArrival>>,
    realised: Option<Res<RealisedHazards>>,
    floods: Option<Res<Floods>>,
    quakes: Option<Res<Quakes>>,
    mut board: ResMut<TaskBoard>,
    mut cas: ResMut<Casualties>,
) {
    let Some(evac) = evac else { return };
    let s = &scenario.0;
    let tick = clock.now.0 / clock.tick_s.max(1);
    cas.now_s = clock.now.0;
    let hazards: &[Hazard<f64>] = realised.as_ref().map_or(&[], |r| &r.hazards);
    for (z, zone) in s.region.zones.iter().enumerate() {
        if cas.warned_at[z].is_none() && evac.warned(z) {
            cas.warned_at[z] = Some(clock.now.0);
        }
        let counts = evac.zone(z);
        // Caught on roads.
        let road = evac.caught_on_road(z);
        let new = road - cas.road_seen[z];
        if new > 0 {
            cas.road_seen[z] = road;
            let r = &cas.rates;
            let p = [r.road_death_rate, 0.0, r.road_injury_rate];
            cas.apply(z, Cause::Road, new, p, &streams, key(1, zone.id.0, tick));
        }
        // Still in the zone when a hazard reached it.
        let at_zone = counts.exposed - road;
        let new = at_zone.saturating_sub(cas.zone_seen[z]);
        if new == 0 {
            continue;
        }
        cas.zone_seen[z] = at_zone;
        let by = arrival
            .as_ref()
            .and_then(|a| a.by.get(z).copied().flatten());
        let Some((number, hazard)) = by.and_then(|n| Some((n, hazards.get(n as usize - 1)?)))
        else {
            cas.no_cause += new;
            continue;
        };
        let r = &cas.rates;
        match Cause::of(hazard) {
            Cause::Flood => {
                let depth = floods
                    .as_ref()
                    .and_then(|f| f.zone_max_m(number, z))
                    .unwrap_or(0.0);
                let dead = flood_mortality(r, depth);
                let trapped = if depth >= r.flood_trapped_depth_m {
                    r.flood_trapped_rate * (1.0 - dead)
                } else {
                    0.0
                };
                let p = [dead, trapped, r.flood_injury_rate];
                cas.apply(z, Cause::Flood, new, p, &streams, key(2, zone.id.0, tick));
            }
            Cause::Fire => {
                // Warned by the evacuation order or, failing that, by the
                // fire itself some hours after its ignition.
                let ignited_s = hazard.at_h().0 * 3600.0;
                let noticed_s = ignited_s + r.fire_unwarned_notice_h * 3600.0;
                let warned_s = cas.warned_at[z].map_or(noticed_s, |w| noticed_s.min(w as f64));
                let lead_h = (clock.now.0 as f64 - warned_s) / 3600.0;
                let f = fire_warning_factor(r, lead_h);
                let p = [r.fire_death_rate * f, 0.0, r.fire_injury_rate * f];
                cas.apply(z, Cause::Fire, new, p, &streams, key(3, zone.id.0, tick));
            }
            Cause::Chemical => cas.chemical.push((z, number, new)),
            // Earthquakes reach no zone (they are assessed below); a
            // future model that marks zones reached by shaking lands here.
            Cause::Earthquake | Cause::Road => cas.no_cause += new,
        }
    }
    // Earthquakes that struck: people at home in damaged buildings.
    if let Some(quakes) = quakes {
        // Aftershocks (injects) take this path too, with their own number.
        for (number, event, vs30_default) in quakes.struck() {
            if cas.quakes_seen.contains(&number) {
                continue;
            }
            cas.quakes_seen.push(number);
            for (z, zone) in s.region.zones.iter().enumerate() {
                let Some(n) = s.network.node(zone.node) else {
                    continue;
                };
                let xy = crate::hazard::node_xy(&s.network, n);
                let vs30 = s
                    .rasters
                    .vs30
                    .as_ref()
                    .and_then(|g| g.value_at(xy.0, xy.1))
                    .unwrap_or(vs30_default);
                let pga = pga_at(
                    event,
                    &streams,
                    number,
                    (3 << 32) | zone.id.0 as u64,
                    xy,
                    vs30,
                );
                let p = quake_chances(&cas.rates, pga);
                let mut people = evac.zone(z).at_home;
                if number as usize > hazards.len() {
                    // An aftershock (an inject, numbered after the
                    // scenario's hazards) finds the dead and the trapped
                    // of the earlier shaking no longer at risk in their
                    // homes; the injured and unhurt are, again.
                    let t = &cas.toll[z][Cause::Earthquake as usize];
                    people = people.saturating_sub(t.deaths + t.still_trapped);
                }
                let k = key(4, zone.id.0, (number as u64) << 24 | tick);
                cas.apply(z, Cause::Earthquake, people, p, &streams, k);
            }
        }
    }
    // Rescue: one task at a time per zone with people trapped.
    let per_h = cas.rates.rescue_people_per_h;
    let most = ((per_h * cas.rates.rescue_task_max_h).floor() as u64).max(1);
    let trapped_zones: Vec<usize> = cas.trapped_zones.iter().copied().collect();
    for z in trapped_zones {
        let zone = &s.region.zones[z];
        let trapped = cas.trapped_now(z);
        if trapped == 0 || cas.covered[z] > 0 || board.is_open(Subject::Rescue(z)) {
            continue;
        }
        let Some(site) = s.network.node(zone.node) else {
            continue;
        };
        let covered = trapped.min(most);
        cas.covered[z] = covered;
        cas.rescue_tasks += 1;
        board.request(TaskRequest {
            subject: Subject::Rescue(z),
            work: WorkKind::Rescue,
            state: DamageState::Extensive,
            sites: vec![site],
            raw_id: zone.id.0,
            hours: Some(covered as f64 / per_h),
        });
    }
}

/// Measure phase: rescues finished this tick free the survivors; trapped
/// people die at the plan's hourly rate; at the end, chemical exposures
/// meet their final toxic load and the KPIs are written.
fn settle(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    streams: Res<Streams>,
    board: Res<TaskBoard>,
    leaks: Option<Res<Leaks>>,
    mut cas: ResMut<Casualties>,
    mut kpis: ResMut<Kpis>,
) {
    let s = &scenario.0;
    let tick = clock.now.0 / clock.tick_s.max(1);
    for (_, subject, what) in &board.hazard_log[cas.log_seen..] {
        if let (Subject::Rescue(z), HazardWork::Finished) = (subject, what) {
            // The survivors among those the task covered, causes in order.
            let mut left = std::mem::take(&mut cas.covered[*z]);
            for t in cas.toll[*z].iter_mut() {
                let freed = t.still_trapped.min(left);
                t.rescued += freed;
                t.still_trapped -= freed;
                left -= freed;
            }
        }
    }
    cas.log_seen = board.hazard_log.len();
    let trapped_zones: Vec<usize> = cas.trapped_zones.iter().copied().collect();
    for z in trapped_zones {
        let zone = &s.region.zones[z];
        for c in 0..Cause::ALL.len() {
            let n = cas.toll[z][c].still_trapped;
            let Some(since) = cas.trapped_since[z][c] else {
                continue;
            };
            if n == 0 {
                continue;
            }
            // Chance of dying during this tick, for someone alive at its
            // start: 1 − S(a + dt)/S(a) at age a.
            let age_h = clock.now.0.saturating_sub(since) as f64 / 3600.0;
            let dt_h = clock.tick_s as f64 / 3600.0;
            let curve = &cas.rates.trapped_survival;
            let q = 1.0 - trapped_survival(curve, age_h + dt_h) / trapped_survival(curve, age_h);
            let [dead, _, _] = split(
                &streams,
                key(16 + c as u64, zone.id.0, tick),
                n,
                [q, 0.0, 0.0],
            );
            let t = &mut cas.toll[z][c];
            t.still_trapped -= dead;
            t.died_trapped += dead;
            t.deaths += dead;
        }
        if cas.trapped_now(z) == 0 {
            cas.trapped_zones.remove(&z);
        }
    }
    if clock.tick_end() < clock.horizon {
        return;
    }
    if !cas.chemical_done {
        cas.chemical_done = true;
        let rate = cas.rates.chemical_injury_rate;
        let chances = leaks.map(|l| l.zone_outcomes(rate)).unwrap_or_default();
        for (z, number, people) in std::mem::take(&mut cas.chemical) {
            let (dead, hurt) = chances
                .iter()
                .find(|(n, _)| *n == number)
                .and_then(|(_, p)| p.get(z).copied())
                .unwrap_or((0.0, 0.0));
            let zone_id = s.region.zones[z].id.0;
            let p = [dead, 0.0, hurt];
            cas.apply(
                z,
                Cause::Chemical,
                people,
                p,
                &streams,
                key(5, zone_id, number as u64),
            );
        }
    }
    kpis.0.insert("casualties".into(), cas.kpis());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flood_mortality_is_the_lognormal_of_depth() {
        let r = sc::Casualties::default();
        assert_eq!(flood_mortality(&r, 0.0), 0.0);
        // At h = e^μ the function is one half, by construction.
        let h = r.flood_mortality_mu.exp();
        assert!((flood_mortality(&r, h) - 0.5).abs() < 1e-12);
        // Default (Jonkman's remaining zone): small at ordinary depths,
        // rising with depth.
        let (one, three) = (flood_mortality(&r, 1.0), flood_mortality(&r, 3.0));
        assert!(one > 0.001 && one < 0.005, "{one}");
        assert!(three > one && three < 0.02, "{three}");
    }

    #[test]
    fn flood_mortality_is_zero_in_shallow_water_and_tapers_in() {
        let r = sc::Casualties::default();
        let lognormal =
            |h: f64| std_normal_cdf((f64::ln(h) - r.flood_mortality_mu) / r.flood_mortality_sigma);
        // Nobody drowns at or below the onset depth (0.5 m).
        for h in [0.1, 0.3, 0.5] {
            assert_eq!(flood_mortality(&r, h), 0.0, "{h} m");
        }
        // Half-way up the taper: half the lognormal; full from twice it.
        assert!((flood_mortality(&r, 0.75) - 0.5 * lognormal(0.75)).abs() < 1e-15);
        assert_eq!(flood_mortality(&r, 1.0), lognormal(1.0));
        // Over 0.3–0.8 m the mean is several times below the untapered one.
        let mean = |f: &dyn Fn(f64) -> f64| (0..=50).map(|i| f(0.3 + 0.01 * i as f64)).sum::<f64>();
        let (tapered, plain) = (mean(&|h| flood_mortality(&r, h)), mean(&lognormal));
        assert!(tapered * 3.0 < plain, "{tapered} vs {plain}");
        // Onset 0 turns the taper off.
        let off = sc::Casualties {
            flood_mortality_onset_m: 0.0,
            ..r.clone()
        };
        assert_eq!(flood_mortality(&off, 0.3), lognormal(0.3));
    }

    #[test]
    fn fire_rates_fall_with_warning_lead_to_zero_at_a_day() {
        let r = sc::Casualties::default();
        assert_eq!(fire_warning_factor(&r, 0.0), 1.0);
        assert_eq!(fire_warning_factor(&r, -3.0), 1.0);
        assert!((fire_warning_factor(&r, 6.0) - 0.75).abs() < 1e-12);
        assert_eq!(fire_warning_factor(&r, 24.0), 0.0);
        assert_eq!(fire_warning_factor(&r, 38.0), 0.0);
    }

    #[test]
    fn quake_chances_are_pager_rates_split_into_outcomes() {
        let r = sc::Casualties::default();
        assert!(quake_chances(&r, 0.0).iter().all(|&p| p < 1e-100));
        let mut last = [0.0; 3];
        for pga in [0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0] {
            let c = quake_chances(&r, pga);
            assert!(c.iter().all(|&p| (0.0..=1.0).contains(&p)), "{c:?}");
            assert!(c.iter().zip(last).all(|(a, b)| *a >= b), "{pga}: {c:?}");
            last = c;
        }
        // 0.3 g: PAGER China ≈ 8e-4; half at once, as many trapped, 5.1
        // times as many injured.
        let nu = pager::china_fatality_rate_at_pga(0.3);
        let [dead, trapped, injured] = quake_chances(&r, 0.3);
        assert!((nu - 8.1e-4).abs() < 0.5e-4, "{nu}");
        assert!((dead - 0.5 * nu).abs() < 1e-15);
        assert!((trapped - nu).abs() < 1e-15);
        assert!((injured - 5.1 * nu).abs() < 1e-15);
    }

    #[test]
    fn trapped_survival_passes_through_the_published_points() {
        let r = sc::Casualties::default();
        let s = |h: f64| trapped_survival(&r.trapped_survival, h);
        assert_eq!(s(0.0), 1.0);
        for &(h, share) in &r.trapped_survival {
            assert!((s(h) - share).abs() < 1e-12, "{h} h");
        }
        // Between points ln S is linear: the geometric mean at mid-way.
        assert!((s(24.0) - (0.825f64 * 0.405).sqrt()).abs() < 1e-12);
        // Beyond the last point it keeps falling at the last rate.
        assert!(s(108.0) < 0.06 && (s(108.0) - 0.06 * 0.06 / 0.225).abs() < 1e-12);
        let mut last = 1.0;
        for h in 0..200 {
            let v = s(h as f64);
            assert!(v <= last && v > 0.0);
            last = v;
        }
    }

    #[test]
    fn split_draws_integers_that_follow_the_chances() {
        let streams = Streams::new(3, 0);
        let n = 100_000;
        let [d, t, i] = split(&streams, 7, n, [0.1, 0.2, 0.3]);
        for (got, p) in [(d, 0.1), (t, 0.2), (i, 0.3)] {
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!((got as f64 - n as f64 * p).abs() < 5.0 * sd, "{got} vs {p}");
        }
        // Same key, same draws; chances above one are clamped.
        assert_eq!(split(&streams, 7, n, [0.1, 0.2, 0.3]), [d, t, i]);
        assert_eq!(
            split(&streams, 8, 10, [0.7, 0.7, 0.7]).iter().sum::<u64>(),
            10
        );
    }
}
