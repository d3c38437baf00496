//! Semantic checks on parsed scenario files: dangling and duplicate ids,
//! non-positive quantities, impossible times. Each check adds a [`Problem`]
//! naming the file, the item's kind and id, and what is wrong; nothing stops at
//! the first problem.

use super::hazard::*;
use super::types::*;
use super::{Problem, RasterSet};
use crate::dist::{Dist, Num};
use crate::ids::{FacilityId, NodeId, ZoneId};
use qilian_hazardlib::grid::Grid;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Longest horizon accepted: one year. Longer runs are almost surely a typo
/// (hours given as seconds) and would run for a very long time.
const MAX_HORIZON_H: f64 = 8760.0;

struct Report<'a> {
    file: &'a Path,
    problems: Vec<Problem>,
}

impl Report<'_> {
    fn add(&mut self, message: String) {
        self.problems.push(Problem::new(self.file, message));
    }

    /// Report ids that occur more than once in `ids`.
    fn unique<T: Ord + std::fmt::Display + Copy>(
        &mut self,
        what: &str,
        ids: impl Iterator<Item = T>,
    ) {
        let mut seen = BTreeSet::new();
        let mut dup = BTreeSet::new();
        for id in ids {
            if !seen.insert(id) {
                dup.insert(id);
            }
        }
        for id in dup {
            self.add(format!("{what} {id}: duplicate id"));
        }
    }

    fn positive(&mut self, item: &str, field: &str, v: f64) {
        if !(v.is_finite() && v > 0.0) {
            self.add(format!(
                "{item}: {field} must be a positive number, got {v}"
            ));
        }
    }

    /// A number or distribution whose every draw must be above `lo` (or at
    /// least `lo` when `or_equal`); a distribution's parameters must be valid.
    fn num_above(&mut self, item: &str, field: &str, n: &Num, lo: f64, or_equal: bool) {
        if let Some(p) = n.problem() {
            return self.add(format!("{item}: {field}: {p}"));
        }
        let (low, high) = n.bounds();
        let ok = low.is_finite() && high.is_finite() && (low > lo || (or_equal && low == lo));
        if ok {
            return;
        }
        let want = match (lo == 0.0, or_equal) {
            (true, false) => "a positive number".to_string(),
            (_, true) => format!("≥ {lo}"),
            (false, false) => format!("> {lo}"),
        };
        match n.as_fixed() {
            Some(v) => self.add(format!("{item}: {field} must be {want}, got {v}")),
            None => self.add(format!(
                "{item}: {field} must be {want}, but {n} reaches {low}"
            )),
        }
    }

    /// A number or distribution whose every draw must lie in `lo..=hi`.
    fn num_range(&mut self, item: &str, field: &str, n: &Num, lo: f64, hi: f64) {
        if let Some(p) = n.problem() {
            return self.add(format!("{item}: {field}: {p}"));
        }
        let (low, high) = n.bounds();
        if low.is_finite() && high.is_finite() && low >= lo && high <= hi {
            return;
        }
        match n.as_fixed() {
            Some(v) => self.add(format!("{item}: {field} must be in {lo}…{hi}, got {v}")),
            None => self.add(format!(
                "{item}: {field} must be in {lo}…{hi}, but {n} spans {low}…{high}{}",
                if matches!(n.0, Dist::Normal { .. } | Dist::LogNormal { .. }) {
                    " (±3σ, where draws are cut off)"
                } else {
                    ""
                }
            )),
        }
    }
}

/// Check a region on its own.
pub(super) fn region(file: &Path, r: &Region) -> Vec<Problem> {
    let mut rep = Report {
        file,
        problems: Vec::new(),
    };
    rep.unique("node", r.nodes.iter().map(|n| n.id.0));
    rep.unique("edge", r.edges.iter().map(|e| e.id.0));
    rep.unique("zone", r.zones.iter().map(|z| z.id.0));
    rep.unique("facility", r.facilities.iter().map(|f| f.id.0));
    if r.nodes.is_empty() {
        rep.add("region has no nodes".into());
    }
    let nodes: BTreeSet<NodeId> = r.nodes.iter().map(|n| n.id).collect();
    let facilities: BTreeMap<FacilityId, &Facility> =
        r.facilities.iter().map(|f| (f.id, f)).collect();
    for n in &r.nodes {
        if !(n.x.is_finite() && n.y.is_finite() && n.z.is_finite()) {
            rep.add(format!("node {}: coordinates must be finite", n.id.0));
        }
    }
    for e in &r.edges {
        let item = format!("edge {}", e.id.0);
        for (end, n) in [("from", e.from), ("to", e.to)] {
            if !nodes.contains(&n) {
                rep.add(format!("{item}: {end} refers to missing node {}", n.0));
            }
        }
        if e.from == e.to {
            rep.add(format!("{item}: starts and ends at node {}", e.from.0));
        }
        rep.positive(&item, "length_m", e.length_m.0);
        rep.positive(&item, "speed_kmh", e.speed_kmh.0);
        rep.positive(&item, "capacity_vph", e.capacity_vph.0);
        if e.lanes == 0 {
            rep.add(format!("{item}: lanes must be at least 1"));
        }
    }
    range(
        &mut rep,
        "ground",
        "groundwater_depth_m",
        r.ground.groundwater_depth_m,
        0.0,
        30.0,
    );
    for (i, a) in r.ground.areas.iter().enumerate() {
        let item = format!("ground area {}", i + 1);
        if a.polygon.len() < 3 {
            rep.add(format!(
                "{item}: polygon needs at least 3 vertices, got {}",
                a.polygon.len()
            ));
        }
        if a.polygon
            .iter()
            .any(|(x, y)| !(x.is_finite() && y.is_finite()))
        {
            rep.add(format!("{item}: polygon vertices must be finite"));
        }
    }
    for z in &r.zones {
        let item = format!("zone {}", z.id.0);
        if !nodes.contains(&z.node) {
            rep.add(format!("{item}: node refers to missing node {}", z.node.0));
        }
        if z.population > 0 && z.households == 0 {
            rep.add(format!(
                "{item}: has {} people but no households",
                z.population
            ));
        }
        if z.households > z.population {
            rep.add(format!(
                "{item}: more households ({}) than people ({})",
                z.households, z.population
            ));
        }
        let served = [
            ("power", z.power, FacilityKind::Substation),
            ("water", z.water, FacilityKind::WaterPlant),
            ("telecom", z.telecom, FacilityKind::TelecomSite),
        ];
        for (field, id, kind) in served {
            let Some(id) = id else { continue };
            match facilities.get(&id) {
                None => rep.add(format!(
                    "{item}: {field} refers to missing facility {}",
                    id.0
                )),
                Some(f) if f.kind != kind => rep.add(format!(
                    "{item}: {field} refers to facility {} which is a {:?}, not a {kind:?}",
                    id.0, f.kind
                )),
                _ => {}
            }
        }
    }
    for f in &r.facilities {
        let item = format!("facility {}", f.id.0);
        if !nodes.contains(&f.node) {
            rep.add(format!("{item}: node refers to missing node {}", f.node.0));
        }
        for n in &f.needs {
            if !facilities.contains_key(n) {
                rep.add(format!("{item}: needs missing facility {}", n.0));
            }
        }
        if let Some(c) = f.capacity {
            rep.positive(&item, "capacity", c);
        }
        if !(f.battery_h.0.is_finite() && f.battery_h.0 >= 0.0) {
            rep.add(format!(
                "{item}: battery_h must be ≥ 0, got {}",
                f.battery_h.0
            ));
        }
    }
    // A dependency cycle would make "is it powered?" undefined.
    for f in &r.facilities {
        if needs_cycle(f.id, &facilities) {
            rep.add(format!("facility {}: is part of a `needs` cycle", f.id.0));
        }
    }
    super::names::region(file, r, &mut rep.problems);
    rep.problems
}

fn needs_cycle(start: FacilityId, all: &BTreeMap<FacilityId, &Facility>) -> bool {
    let mut stack: Vec<FacilityId> = all.get(&start).map(|f| f.needs.clone()).unwrap_or_default();
    let mut seen = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if id == start {
            return true;
        }
        if seen.insert(id)
            && let Some(f) = all.get(&id)
        {
            stack.extend(f.needs.iter().copied());
        }
    }
    false
}

/// Check a plan, against its region when there is one.
pub(super) fn plan(file: &Path, p: &Plan, region: Option<&Region>) -> Vec<Problem> {
    let mut rep = Report {
        file,
        problems: Vec::new(),
    };
    rep.unique("depot", p.depots.iter().map(|d| d.id.0));
    let groups = p.crews.iter().chain(p.mutual_aid.iter().map(|m| &m.crews));
    rep.unique("crew group", groups.clone().map(|g| g.id));
    let depots: BTreeSet<_> = p.depots.iter().map(|d| d.id).collect();
    if let Some(r) = region {
        let nodes: BTreeSet<NodeId> = r.nodes.iter().map(|n| n.id).collect();
        for d in &p.depots {
            if !nodes.contains(&d.node) {
                rep.add(format!(
                    "depot {} ({}): node refers to missing node {}",
                    d.id.0, d.name, d.node.0
                ));
            }
        }
    }
    for g in groups {
        let item = format!("crew group {}", g.id);
        if !depots.contains(&g.depot) {
            rep.add(format!(
                "{item}: depot refers to missing depot {}",
                g.depot.0
            ));
        }
        if !(1..=999).contains(&g.count) {
            rep.add(format!("{item}: count must be 1–999, got {}", g.count));
        }
        if let Some(shift) = g.shift {
            rep.positive(&item, "shift on_h", shift.on_h.0);
            rep.positive(&item, "shift rest_h", shift.rest_h.0);
        }
        if !(g.show_up > 0.0 && g.show_up <= 1.0) {
            rep.add(format!(
                "{item}: show_up must be in (0, 1], got {}",
                g.show_up
            ));
        }
        if g.id > 4_000_000 {
            rep.add(format!("{item}: group id must be at most 4000000"));
        }
    }
    for m in &p.mutual_aid {
        if !(m.at_h.0.is_finite() && m.at_h.0 >= 0.0) {
            rep.add(format!(
                "crew group {}: mutual aid at_h must be ≥ 0",
                m.crews.id
            ));
        }
    }
    for problem in p.casualties.problems() {
        rep.add(problem);
    }
    let hr = &p.hazard_response;
    if !(hr.road_close_depth_m.is_finite()
        && hr.road_close_depth_m > 0.0
        && hr.road_close_depth_m <= 20.0)
    {
        rep.add(format!(
            "hazard_response: road_close_depth_m must be in (0, 20] m, got {}",
            short(hr.road_close_depth_m)
        ));
    }
    if !(hr.shelter_factor > 0.0 && hr.shelter_factor <= 1.0) {
        rep.add(format!(
            "hazard_response: shelter_factor must be in (0, 1], got {}",
            hr.shelter_factor
        ));
    }
    if !(hr.fire_task_lead_h.0.is_finite()
        && (0.0..=MAX_HORIZON_H).contains(&hr.fire_task_lead_h.0))
    {
        rep.add(format!(
            "hazard_response: fire_task_lead_h must be in 0…{MAX_HORIZON_H} h, got {}",
            short(hr.fire_task_lead_h.0)
        ));
    }
    if !(hr.fire_line_radius_m.is_finite()
        && (0.0..=MAX_FIRE_LINE_M).contains(&hr.fire_line_radius_m))
    {
        rep.add(format!(
            "hazard_response: fire_line_radius_m must be in 0…{MAX_FIRE_LINE_M} m, got {}",
            short(hr.fire_line_radius_m)
        ));
    }
    if let Some(r) = region {
        let zones: BTreeSet<_> = r.zones.iter().map(|z| z.id).collect();
        for z in &hr.shelter_in_place {
            if !zones.contains(z) {
                rep.add(format!(
                    "hazard_response: shelter_in_place refers to missing zone {}",
                    z.0
                ));
            }
        }
    }
    if let (Some(prep), Some(r)) = (&p.preparedness, region) {
        let zones: BTreeSet<_> = r.zones.iter().map(|z| z.id).collect();
        let named = prep
            .fire_teams
            .iter()
            .map(|t| ("fire team", t.zone))
            .chain(prep.village_kits.iter().map(|k| ("village kit", k.zone)))
            .chain(
                prep.warning_channels
                    .iter()
                    .map(|w| ("warning channels", w.zone)),
            );
        for (what, z) in named {
            if !zones.contains(&z) {
                rep.add(format!(
                    "preparedness: {what} refers to missing zone {}",
                    z.0
                ));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for w in &p.priorities {
        if !seen.insert(*w) {
            rep.add(format!("priorities: {w:?} is listed twice"));
        }
    }
    evacuation(&mut rep, p, region);
    let mut seen = BTreeSet::new();
    for rule in &p.repairs {
        let item = format!("repair rule for {:?}", rule.work);
        if !seen.insert(rule.work) {
            rep.add(format!("{item}: duplicate rule"));
        }
        for (state, d) in rule.hours.iter() {
            if let Some(msg) = d.problem() {
                rep.add(format!("{item}: {state:?} hours: {msg}"));
            } else if !d.always_positive() && !matches!(d, crate::dist::Dist::Normal { .. }) {
                // A normal draw below zero is clamped to zero at use.
                rep.add(format!("{item}: {state:?} hours must be positive"));
            }
        }
    }
    rep.problems
}

/// Check the plan's shelters and evacuation rules.
fn evacuation(rep: &mut Report, p: &Plan, region: Option<&Region>) {
    let e = &p.evacuation;
    let mut seen = BTreeSet::new();
    for id in &p.shelters {
        if !seen.insert(*id) {
            rep.add(format!("shelters: facility {} is listed twice", id.0));
        }
    }
    if let Some(r) = region {
        let facilities: BTreeMap<FacilityId, &Facility> =
            r.facilities.iter().map(|f| (f.id, f)).collect();
        for id in &p.shelters {
            match facilities.get(id) {
                None => rep.add(format!("shelters: refers to missing facility {}", id.0)),
                Some(f) if f.kind != FacilityKind::Shelter => rep.add(format!(
                    "shelters: facility {} is a {:?}, not a Shelter",
                    id.0, f.kind
                )),
                Some(f) if f.capacity.is_none() => rep.add(format!(
                    "shelters: facility {} has no capacity (places for people)",
                    id.0
                )),
                _ => {}
            }
        }
    }
    if !e.rules.is_empty() && p.shelters.is_empty() {
        rep.add("evacuation: rules given but no shelter is opened (`shelters` is empty)".into());
    }
    if !(e.stuck_timeout_s.is_finite() && e.stuck_timeout_s > 0.0) {
        rep.add(format!(
            "evacuation: stuck_timeout_s must be a positive number, got {}",
            e.stuck_timeout_s
        ));
    }
    if let Some(m) = e.route_interval_min {
        rep.positive("evacuation", "route_interval_min", m);
    }
    let zones: Option<BTreeSet<ZoneId>> = region.map(|r| r.zones.iter().map(|z| z.id).collect());
    let mut named: BTreeMap<ZoneId, usize> = BTreeMap::new();
    for (i, rule) in e.rules.iter().enumerate() {
        let item = format!("evacuation rule {}", i + 1);
        if rule.zones.is_empty() {
            rep.add(format!("{item}: names no zone"));
        }
        for z in &rule.zones {
            if let Some(zs) = &zones
                && !zs.contains(z)
            {
                rep.add(format!("{item}: refers to missing zone {}", z.0));
            }
            if let Some(first) = named.insert(*z, i + 1)
                && first != i + 1
            {
                rep.add(format!(
                    "{item}: zone {} is already named by evacuation rule {first}",
                    z.0
                ));
            }
        }
        match &rule.trigger {
            Trigger::AtHour(h) if !(h.0.is_finite() && h.0 >= 0.0) => {
                rep.add(format!("{item}: AtHour must be ≥ 0, got {}", h.0))
            }
            Trigger::HazardWithin(h) if !(h.0.is_finite() && h.0 >= 0.0) => rep.add(format!(
                "{item}: HazardWithin must be ≥ 0 hours, got {}",
                h.0
            )),
            _ => {}
        }
        let ppv = rule.persons_per_vehicle;
        if !(ppv.is_finite() && ppv >= 1.0) {
            rep.add(format!(
                "{item}: persons_per_vehicle must be at least 1, got {ppv}"
            ));
        }
        if !(0.0..=1.0).contains(&rule.compliance) {
            rep.add(format!(
                "{item}: compliance must be in [0, 1], got {}",
                rule.compliance
            ));
        }
        match &rule.departure {
            DepartureCurve::Logistic {
                alpha_per_h,
                half_h,
            } => {
                rep.num_above(&item, "Logistic alpha_per_h", alpha_per_h, 0.0, false);
                rep.num_above(&item, "Logistic half_h", half_h, 0.0, true);
            }
            DepartureCurve::Rayleigh { sigma_h } => {
                rep.num_above(&item, "Rayleigh sigma_h", sigma_h, 0.0, false)
            }
            DepartureCurve::LogNormal { median_h, beta } => {
                rep.num_above(&item, "LogNormal median_h", median_h, 0.0, false);
                rep.num_above(&item, "LogNormal beta", beta, 0.0, true);
            }
        }
    }
}

/// Check a whole scenario: the scenario file, its region and its plan.
pub(super) fn scenario(
    file: &Path,
    s: &ScenarioFile,
    region_file: &Path,
    r: &Region,
    plan_file: &Path,
    p: &Plan,
    grids: &RasterSet,
) -> Vec<Problem> {
    let mut problems = region(region_file, r);
    problems.extend(rasters(region_file, r, grids));
    problems.extend(plan(plan_file, p, Some(r)));
    let mut rep = Report {
        file,
        problems: Vec::new(),
    };
    let h = s.horizon_h.0;
    if !(h.is_finite() && h > 0.0) {
        rep.add(format!("horizon_h must be a positive number, got {h}"));
    } else if h > MAX_HORIZON_H {
        rep.add(format!(
            "horizon_h {h} is longer than one year ({MAX_HORIZON_H} h)"
        ));
    } else if s.tick_s > 0 && h * 3600.0 < s.tick_s as f64 {
        rep.add(format!(
            "horizon_h {h} is shorter than one tick ({} s)",
            s.tick_s
        ));
    }
    if s.tick_s == 0 || s.tick_s > 86_400 {
        rep.add(format!("tick_s must be 1–86400, got {}", s.tick_s));
    }
    let t = &s.targets;
    for (name, v) in [
        ("cleanup_h", t.cleanup_h),
        ("power_h", t.power_h),
        ("water_h", t.water_h),
        ("telecom_h", t.telecom_h),
        ("main_roads_h", t.main_roads_h),
    ] {
        if !(v.0.is_finite() && v.0 > 0.0) {
            rep.add(format!(
                "targets: {name} deadline must be positive, got {}",
                v.0
            ));
        }
    }
    if !(t.service_fraction > 0.0 && t.service_fraction <= 1.0) {
        rep.add(format!(
            "targets: service_fraction must be in (0, 1], got {}",
            t.service_fraction
        ));
    }
    let facilities: BTreeSet<_> = r.facilities.iter().map(|f| f.id).collect();
    let edges: BTreeSet<_> = r.edges.iter().map(|e| e.id).collect();
    let zones: BTreeSet<_> = r.zones.iter().map(|z| z.id).collect();
    for (i, inj) in s.injects.iter().enumerate() {
        let item = format!("inject {} (at {} h)", i + 1, inj.at_h.0);
        if !(inj.at_h.0.is_finite() && inj.at_h.0 >= 0.0) {
            rep.add(format!("{item}: at_h must be ≥ 0"));
        } else if h.is_finite() && inj.at_h.0 > h {
            rep.add(format!("{item}: is after the horizon ({h} h)"));
        }
        match &inj.event {
            Inject::Damage { facility, .. } if !facilities.contains(facility) => {
                rep.add(format!("{item}: refers to missing facility {}", facility.0))
            }
            Inject::CloseEdge { edge, .. } | Inject::OpenEdge { edge, .. }
                if !edges.contains(edge) =>
            {
                rep.add(format!("{item}: refers to missing edge {}", edge.0))
            }
            Inject::Contaminate { zone, .. } | Inject::Warn { zone } | Inject::Expose { zone }
                if !zones.contains(zone) =>
            {
                rep.add(format!("{item}: refers to missing zone {}", zone.0))
            }
            Inject::Warn { zone } if !p.evacuation.rules.iter().any(|r| r.zones.contains(zone)) => {
                rep.add(format!(
                    "{item}: warns zone {}, which no evacuation rule of the plan names \
                     (the rule says how its households leave)",
                    zone.0
                ))
            }
            Inject::OpenShelter { facility } => {
                match r.facilities.iter().find(|f| f.id == *facility) {
                    None => rep.add(format!("{item}: refers to missing facility {}", facility.0)),
                    Some(f) if f.kind != FacilityKind::Shelter => rep.add(format!(
                        "{item}: opens facility {}, which is a {:?}, not a Shelter",
                        facility.0, f.kind
                    )),
                    Some(_) => {}
                }
            }
            Inject::MoveCrew { node, .. } if !r.nodes.iter().any(|n| n.id == *node) => {
                rep.add(format!("{item}: moves a crew to missing node {}", node.0))
            }
            Inject::CallAid {
                count,
                depot,
                delay_h,
                ..
            } => {
                if !(1..=MAX_AID_CREWS).contains(count) {
                    rep.add(format!(
                        "{item}: CallAid count must be in 1…{MAX_AID_CREWS}, got {count}"
                    ));
                }
                if !(delay_h.0.is_finite() && (0.0..=MAX_HORIZON_H).contains(&delay_h.0)) {
                    rep.add(format!(
                        "{item}: CallAid delay_h must be in 0…{MAX_HORIZON_H} h, got {}",
                        short(delay_h.0)
                    ));
                }
                if !p.depots.iter().any(|d| d.id == *depot) {
                    rep.add(format!(
                        "{item}: CallAid refers to missing depot {}",
                        depot.0
                    ));
                }
            }
            Inject::Aftershock { .. } | Inject::DelayAid { .. } | Inject::Weather { .. } => {
                if let Some(why) = inject_problem(s, &inj.event) {
                    rep.add(format!("{item}: {why}"));
                }
            }
            Inject::Priorities { order } => {
                let mut seen = BTreeSet::new();
                if order.is_empty() || !order.iter().all(|w| seen.insert(*w)) {
                    rep.add(format!(
                        "{item}: Priorities must list distinct work kinds, at least one"
                    ));
                }
            }
            _ => {}
        }
    }
    for (i, hz) in s.hazards.iter().enumerate() {
        hazard(&mut rep, i, hz, h, r, grids);
        super::names::hazard(file, i, hz, grids, &mut rep.problems);
    }
    // Floods and fires forecast their arrival; earthquakes and leaks do not.
    let forecasts = s
        .hazards
        .iter()
        .any(|hz| matches!(hz, Hazard::Flood(_) | Hazard::Fire(_)));
    for (i, rule) in p.evacuation.rules.iter().enumerate() {
        if matches!(rule.trigger, Trigger::HazardWithin(_)) && !forecasts {
            rep.add(format!(
                "evacuation rule {}: trigger HazardWithin needs a hazard forecast, which only \
                 a flood or a fire gives; this scenario has none (use AtHour, or OnOrder \
                 with Warn injects)",
                i + 1
            ));
        }
    }
    problems.extend(rep.problems);
    problems
}

/// Check the loaded raster layers against the region: the DEM and Vs30
/// layers must cover every node, the fuel layer must match the DEM cell for
/// cell (fire spread reads slope from it).
pub(super) fn rasters(file: &Path, r: &Region, g: &RasterSet) -> Vec<Problem> {
    let mut rep = Report {
        file,
        problems: Vec::new(),
    };
    for (name, grid) in [("dem", &g.dem), ("vs30", &g.vs30), ("fuel", &g.fuel)] {
        let Some(grid) = grid else { continue };
        let outside: Vec<&Node> = r
            .nodes
            .iter()
            .filter(|n| grid.value_at(n.x, n.y).is_none())
            .collect();
        if let Some(first) = outside.first() {
            rep.add(format!(
                "raster {name}: does not cover {} of the region's {} nodes (no data at node {} at ({}, {}))",
                outside.len(),
                r.nodes.len(),
                first.id.0,
                first.x,
                first.y
            ));
        }
    }
    if let Some(vs30) = &g.vs30
        && let Some(v) = vs30
            .data()
            .iter()
            .find(|&&v| !vs30.is_nodata(v) && v <= 0.0)
    {
        rep.add(format!("raster vs30: values must be positive, found {v}"));
    }
    if let Some(fuel) = &g.fuel {
        match &g.dem {
            None => rep.add("raster fuel: needs a dem raster (for slope)".into()),
            Some(dem) if !fuel.same_geometry(dem) => rep.add(format!(
                "raster fuel: must have the dem's geometry ({} × {} cells of {} m at ({}, {})), has {} × {} of {} m at ({}, {})",
                dem.nrows(),
                dem.ncols(),
                dem.cellsize(),
                dem.xllcorner(),
                dem.yllcorner(),
                fuel.nrows(),
                fuel.ncols(),
                fuel.cellsize(),
                fuel.xllcorner(),
                fuel.yllcorner()
            )),
            _ => {}
        }
        if let Some(v) = fuel
            .data()
            .iter()
            .find(|&&v| !(fuel.is_nodata(v) || (v >= 0.0 && v.fract() == 0.0 && v < 65536.0)))
        {
            rep.add(format!(
                "raster fuel: values must be fuel-model numbers (whole numbers ≥ 0), found {v}"
            ));
        }
    }
    rep.problems
}

/// Longest `DelayAid`, hours: a year, as the longest horizon.
const MAX_AID_DELAY_H: f64 = MAX_HORIZON_H;

/// What is wrong with an `Aftershock`, `DelayAid` or `Weather` inject in
/// scenario `s` (`None`: nothing; other injects are checked by the caller).
/// Scenario validation and the drill's controller use it alike.
pub fn inject_problem(s: &ScenarioFile, inject: &Inject) -> Option<String> {
    let bad = |what: &str, v: f64, lo: f64, hi: f64| {
        (!(v.is_finite() && (lo..=hi).contains(&v))).then(|| {
            format!(
                "{what} must be in {}…{}, got {}",
                short(lo),
                short(hi),
                short(v)
            )
        })
    };
    match inject {
        Inject::Aftershock {
            magnitude,
            epicentre_x,
            epicentre_y,
        } => {
            let Some(first) = s.hazards.iter().find_map(|h| match h {
                Hazard::Earthquake(e) => Some(e),
                _ => None,
            }) else {
                return Some(
                    "an Aftershock needs an earthquake in the scenario's hazards (it takes \
                     that earthquake's GMPE, rake and Vs30); this scenario has none"
                        .into(),
                );
            };
            let range = bad("Aftershock magnitude", *magnitude, 4.0, 9.5)
                .or_else(|| bad("Aftershock epicentre_x", *epicentre_x, -1e7, 1e7))
                .or_else(|| bad("Aftershock epicentre_y", *epicentre_y, -1e7, 1e7));
            if range.is_some() {
                return range;
            }
            // The first earthquake's GMPE, named and ranged at load.
            let m = qilian_hazardlib::gmpe::by_name(&first.gmpe)?;
            (!m.validity().mag_ok(*magnitude)).then(|| {
                format!(
                    "Aftershock magnitude {} is outside the range {}–{} of {}, the GMPE of \
                     the scenario's first earthquake",
                    short(*magnitude),
                    m.validity().mag.0,
                    m.validity().mag.1,
                    first.gmpe
                )
            })
        }
        Inject::DelayAid { hours } => {
            if hours.is_finite() && *hours <= 0.0 {
                return Some(format!("DelayAid hours must be > 0, got {}", short(*hours)));
            }
            bad("DelayAid hours", *hours, 0.0, MAX_AID_DELAY_H)
        }
        Inject::Weather {
            wind_speed_m_s,
            wind_from_deg,
        } => {
            let acts = s
                .hazards
                .iter()
                .any(|h| matches!(h, Hazard::Fire(_) | Hazard::ChemicalLeak(_)));
            if !acts {
                return Some(
                    "a Weather change acts on fires and chemical releases; this scenario's \
                     hazards have neither"
                        .into(),
                );
            }
            // 0.5 m/s: the least wind a release's Gaussian plume takes (as
            // for the scenario's wind periods).
            bad("Weather wind_speed_m_s", *wind_speed_m_s, 0.5, 50.0)
                .or_else(|| bad("Weather wind_from_deg", *wind_from_deg, 0.0, 360.0))
        }
        _ => None,
    }
}

/// Range checks on one hazard (the models check names against their tables).
fn hazard(rep: &mut Report, i: usize, hz: &Hazard, horizon_h: f64, r: &Region, g: &RasterSet) {
    let item = format!("hazard {} ({})", i + 1, hz.kind_name());
    let at = hz.at_h().0;
    if !(at.is_finite() && at >= 0.0) {
        rep.add(format!("{item}: at_h must be ≥ 0, got {at}"));
    } else if horizon_h.is_finite() && at > horizon_h {
        rep.add(format!(
            "{item}: at_h {at} is after the horizon ({horizon_h} h)"
        ));
    }
    match hz {
        Hazard::Earthquake(e) => {
            rep.num_range(&item, "magnitude", &e.magnitude, 4.0, 9.5);
            range(rep, &item, "rake_deg", e.rake_deg, -180.0, 180.0);
            range(
                rep,
                &item,
                "vs30_default_mps",
                e.vs30_default_mps,
                100.0,
                3000.0,
            );
            rep.num_range(&item, "epicentre_x", &e.epicentre_x, -1e7, 1e7);
            rep.num_range(&item, "epicentre_y", &e.epicentre_y, -1e7, 1e7);
            if let Some((x, y)) = e.rupture_end {
                range(rep, &item, "rupture_end x", x, -1e7, 1e7);
                range(rep, &item, "rupture_end y", y, -1e7, 1e7);
            }
        }
        Hazard::Flood(f) => {
            range(rep, &item, "manning_n", f.manning_n, 0.005, 0.5);
            range(rep, &item, "boundary_slope", f.boundary_slope, 0.0, 0.5);
            range(
                rep,
                &item,
                "facility_fail_depth_m",
                f.facility_fail_depth_m,
                0.01,
                20.0,
            );
            range(
                rep,
                &item,
                "zone_flood_depth_m",
                f.zone_flood_depth_m,
                0.01,
                20.0,
            );
            if f.inflows.is_empty() {
                rep.add(format!("{item}: needs at least one inflow"));
            }
            for (k, inflow) in f.inflows.iter().enumerate() {
                let what = format!("{item}: inflow {}", k + 1);
                inside(rep, &what, "dem", g.dem.as_ref(), inflow.x, inflow.y);
                hydrograph(rep, &what, &inflow.hydrograph);
                rep.num_range(&what, "scale", &inflow.scale, 0.0, 100.0);
                let peak = inflow.hydrograph.iter().map(|p| p.1).fold(0.0, f64::max);
                let (_, top) = inflow.scale.bounds();
                if peak <= MAX_DISCHARGE && top <= 100.0 && peak * top > MAX_DISCHARGE {
                    rep.add(format!(
                        "{what}: peak discharge × scale must be ≤ {MAX_DISCHARGE:e} m³/s, \
                         got {peak} × {top}"
                    ));
                }
            }
            if g.dem.is_none() {
                rep.add(format!("{item}: the region has no dem raster"));
            }
        }
        Hazard::Fire(f) => {
            rep.num_range(&item, "wind_speed_m_s", &f.wind_speed_m_s, 0.0, 50.0);
            rep.num_range(&item, "wind_from_deg", &f.wind_from_deg, -360.0, 360.0);
            let m = &f.moisture;
            rep.num_range(&item, "moisture.dead_1h", &m.dead_1h, 1.0, 60.0);
            rep.num_range(&item, "moisture.dead_10h", &m.dead_10h, 1.0, 60.0);
            rep.num_range(&item, "moisture.dead_100h", &m.dead_100h, 1.0, 60.0);
            rep.num_range(&item, "moisture.live_herb", &m.live_herb, 30.0, 300.0);
            rep.num_range(&item, "moisture.live_woody", &m.live_woody, 30.0, 300.0);
            rep.num_range(&item, "ignition_x", &f.ignition_x, -1e7, 1e7);
            rep.num_range(&item, "ignition_y", &f.ignition_y, -1e7, 1e7);
            let n = &f.night;
            range(rep, &item, "night.from_local_h", n.from_local_h, 0.0, 24.0);
            range(
                rep,
                &item,
                "night.until_local_h",
                n.until_local_h,
                0.0,
                24.0,
            );
            rep.num_range(
                &item,
                "night.dead_1h_rise_pct",
                &n.dead_1h_rise_pct,
                0.0,
                40.0,
            );
            rep.num_range(
                &item,
                "night.dead_10h_rise_pct",
                &n.dead_10h_rise_pct,
                0.0,
                40.0,
            );
            rep.num_range(&item, "night.wind_factor", &n.wind_factor, 0.0, 1.0);
            let c = &f.canopy;
            range(rep, &item, "canopy.cover", c.cover, 0.0, 1.0);
            range(rep, &item, "canopy.height_m", c.height_m, 0.0, 100.0);
            range(rep, &item, "canopy.crown_ratio", c.crown_ratio, 0.0, 1.0);
            for &fuel in &c.fuels {
                use qilian_hazardlib::fire::fuel as table;
                if table::is_nonburnable_number(fuel) || table::by_number(fuel).is_err() {
                    rep.add(format!(
                        "{item}: canopy.fuels: {fuel} is not a burnable fuel-model number"
                    ));
                }
            }
            if g.fuel.is_none() {
                rep.add(format!("{item}: the region has no fuel raster"));
            } else {
                // The fuel raster is a rectangle: the corners of the box the
                // ignition point can be drawn in are inside when all of it is.
                let (x0, x1) = f.ignition_x.bounds();
                let (y0, y1) = f.ignition_y.bounds();
                let mut corners = vec![(x0, y0), (x1, y0), (x0, y1), (x1, y1)];
                corners.dedup();
                for (x, y) in corners {
                    inside(rep, &item, "fuel", g.fuel.as_ref(), x, y);
                }
            }
        }
        Hazard::ChemicalLeak(c) => {
            rep.num_range(&item, "rate_kg_s", &c.rate_kg_s, 1e-6, 1e5);
            rep.num_range(&item, "duration_h", &c.duration_h, 1e-3, 8760.0);
            range(rep, &item, "height_m", c.height_m, 0.0, 500.0);
            match c.source {
                LeakSource::Facility(id) if !r.facilities.iter().any(|f| f.id == id) => rep.add(
                    format!("{item}: source refers to missing facility {}", id.0),
                ),
                LeakSource::Point(x, y) => {
                    range(rep, &item, "source x", x, -1e7, 1e7);
                    range(rep, &item, "source y", y, -1e7, 1e7);
                }
                _ => {}
            }
            if c.wind.is_empty() {
                rep.add(format!("{item}: wind needs at least one period"));
            }
            for (k, w) in c.wind.iter().enumerate() {
                let what = format!("{item}: wind period {}", k + 1);
                // A Gaussian plume needs wind.
                rep.num_range(&what, "speed_m_s", &w.speed_m_s, 0.5, 50.0);
                rep.num_range(&what, "from_deg", &w.from_deg, -360.0, 360.0);
                let prev = if k == 0 {
                    None
                } else {
                    Some(c.wind[k - 1].from_h)
                };
                match prev {
                    None if w.from_h != 0.0 => {
                        rep.add(format!("{what}: the first period must start at from_h 0"))
                    }
                    Some(p) if !(w.from_h > p && w.from_h.is_finite()) => rep.add(format!(
                        "{what}: from_h must increase (got {} after {p})",
                        w.from_h
                    )),
                    Some(_) if w.from_h > MAX_HYDROGRAPH_H => rep.add(format!(
                        "{what}: from_h must be in 0…{MAX_HYDROGRAPH_H} h, got {}",
                        short(w.from_h)
                    )),
                    _ => {}
                }
            }
        }
    }
}

/// A number must lie in `lo..=hi`.
fn range(rep: &mut Report, item: &str, field: &str, v: f64, lo: f64, hi: f64) {
    if !(v.is_finite() && v >= lo && v <= hi) {
        rep.add(format!("{item}: {field} must be in {lo}…{hi}, got {v}"));
    }
}

/// A point must lie on a raster layer with data.
fn inside(rep: &mut Report, item: &str, layer: &str, grid: Option<&Grid>, x: f64, y: f64) {
    if let Some(grid) = grid
        && grid.value_at(x, y).is_none()
    {
        rep.add(format!(
            "{item}: point ({x}, {y}) is outside the {layer} raster or on a cell without data"
        ));
    }
}

/// Crews one `CallAid` inject may call, as the models clamp it (1–99).
const MAX_AID_CREWS: u32 = 99;

/// The widest fire line a crew holds around its site, m. ASSUMPTION: a
/// crew's fire line is hundreds of metres; 10 km is far past any, so a
/// larger number is a typing mistake.
const MAX_FIRE_LINE_M: f64 = 10_000.0;

/// The largest inflow discharge, m³/s: about three times the Amazon's
/// highest recorded flow. Larger numbers are typing mistakes, and the flood
/// solver's time step shrinks with depth, so they would run for hours or
/// overflow.
const MAX_DISCHARGE: f64 = 1e6;

/// A number as written by people: exponent notation past 1e7 (`{}` would
/// print 1e308 with 309 digits).
fn short(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e7 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The latest hydrograph time, hours: a year.
const MAX_HYDROGRAPH_H: f64 = 8760.0;

/// Hydrograph points: times in 0…8760 h and increasing, discharges in
/// 0…[`MAX_DISCHARGE`].
fn hydrograph(rep: &mut Report, item: &str, points: &[(f64, f64)]) {
    if points.is_empty() {
        rep.add(format!("{item}: hydrograph needs at least one point"));
    }
    for (k, &(t, q)) in points.iter().enumerate() {
        if !(t.is_finite() && (0.0..=MAX_HYDROGRAPH_H).contains(&t)) {
            rep.add(format!(
                "{item}: hydrograph point {}: time must be in 0…{MAX_HYDROGRAPH_H} h, got {}",
                k + 1,
                short(t)
            ));
        } else if k > 0 && t <= points[k - 1].0 {
            rep.add(format!(
                "{item}: hydrograph point {}: times must increase ({t} after {})",
                k + 1,
                points[k - 1].0
            ));
        }
        if !(q.is_finite() && (0.0..=MAX_DISCHARGE).contains(&q)) {
            rep.add(format!(
                "{item}: hydrograph point {}: discharge must be in 0…{MAX_DISCHARGE:e} m³/s, got {}",
                k + 1,
                short(q)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Hours;

    /// Every problem `validate` finds in the scenario `file` with the test
    /// region and plan `p`, one a line.
    fn scenario_problems(file: &ScenarioFile, p: &Plan) -> String {
        let got: Vec<String> = scenario(
            Path::new("s.ron"),
            file,
            Path::new("r.ron"),
            &region(),
            Path::new("p.ron"),
            p,
            &RasterSet::default(),
        )
        .into_iter()
        .map(|p| p.to_string())
        .collect();
        got.join("\n")
    }

    fn region() -> Region {
        ron::from_str(
            r#"(name: "r", nodes: [(id: 1, x: 0.0, y: 0.0)], edges: [],
               zones: [(id: 7, name: "z", population: 10, households: 4, node: 1)],
               facilities: [
                 (id: 50, name: "s", kind: Shelter, node: 1, capacity: Some(100.0)),
                 (id: 51, name: "no places", kind: Shelter, node: 1),
                 (id: 52, name: "h", kind: Hospital, node: 1, capacity: Some(10.0)),
               ])"#,
        )
        .unwrap()
    }

    fn problems(p: &Plan) -> Vec<String> {
        plan(Path::new("plan.ron"), p, Some(&region()))
            .into_iter()
            .map(|p| p.to_string())
            .collect()
    }

    fn rule(zones: &[u32], trigger: Trigger, departure: DepartureCurve) -> EvacuationRule {
        EvacuationRule {
            zones: zones.iter().map(|&z| ZoneId(z)).collect(),
            trigger,
            persons_per_vehicle: 3.0,
            departure,
            compliance: 1.0,
        }
    }

    #[test]
    fn plans_without_evacuation_still_parse() {
        let p: Plan = ron::from_str(r#"(name: "p", depots: [], crews: [])"#).unwrap();
        assert!(p.shelters.is_empty());
        assert_eq!(p.evacuation, Evacuation::default());
        assert_eq!(p.evacuation.stuck_timeout_s, 60.0);
        assert!(problems(&p).is_empty());
    }

    #[test]
    fn evacuation_problems_are_all_named() {
        let ok = DepartureCurve::Rayleigh {
            sigma_h: Hours(1.0).into(),
        };
        let mut bad_ppv = rule(&[7], Trigger::OnOrder, ok.clone());
        bad_ppv.persons_per_vehicle = 0.5;
        bad_ppv.compliance = 1.5;
        let p = Plan {
            name: "p".into(),
            shelters: vec![
                FacilityId(50),
                FacilityId(50),
                FacilityId(51),
                FacilityId(52),
                FacilityId(99),
            ],
            evacuation: Evacuation {
                rules: vec![
                    rule(&[7, 8], Trigger::AtHour(Hours(-1.0)), ok.clone()),
                    rule(
                        &[],
                        Trigger::HazardWithin(Hours(-3.0)),
                        DepartureCurve::Logistic {
                            alpha_per_h: 0.0.into(),
                            half_h: Hours(1.0).into(),
                        },
                    ),
                    bad_ppv,
                    rule(
                        &[],
                        Trigger::OnOrder,
                        DepartureCurve::LogNormal {
                            median_h: Hours(1.0).into(),
                            beta: (-1.0).into(),
                        },
                    ),
                ],
                route_interval_min: Some(0.0),
                stuck_timeout_s: 0.0,
                trips: None,
            },
            ..Plan::default()
        };
        let got = problems(&p).join("\n");
        for want in [
            "plan.ron: shelters: facility 50 is listed twice",
            "shelters: facility 51 has no capacity",
            "shelters: facility 52 is a Hospital, not a Shelter",
            "shelters: refers to missing facility 99",
            "evacuation: stuck_timeout_s must be a positive number, got 0",
            "evacuation: route_interval_min must be a positive number, got 0",
            "evacuation rule 1: refers to missing zone 8",
            "evacuation rule 1: AtHour must be ≥ 0, got -1",
            "evacuation rule 2: names no zone",
            "evacuation rule 2: HazardWithin must be ≥ 0 hours, got -3",
            "evacuation rule 2: Logistic alpha_per_h must be a positive number, got 0",
            "evacuation rule 3: zone 7 is already named by evacuation rule 1",
            "evacuation rule 3: persons_per_vehicle must be at least 1, got 0.5",
            "evacuation rule 3: compliance must be in [0, 1], got 1.5",
            "evacuation rule 4: LogNormal beta must be ≥ 0, got -1",
        ] {
            assert!(got.contains(want), "missing {want:?} in\n{got}");
        }
        let none = Plan {
            name: "p".into(),
            evacuation: Evacuation {
                rules: vec![rule(&[7], Trigger::OnOrder, ok)],
                ..Evacuation::default()
            },
            ..Plan::default()
        };
        assert!(problems(&none).join("\n").contains("no shelter is opened"));
    }

    #[test]
    fn warn_and_expose_injects_are_checked() {
        let file: ScenarioFile = ron::from_str(
            r#"(name: "s", region: "r.ron", horizon_h: 10.0, plan: "p.ron",
               targets: (cleanup_h: 1.0, power_h: 1.0, water_h: 1.0, telecom_h: 1.0, main_roads_h: 1.0),
               injects: [
                 (at_h: 1.0, event: Warn(zone: 7)),
                 (at_h: 1.0, event: Warn(zone: 9)),
                 (at_h: 2.0, event: Expose(zone: 9)),
               ])"#,
        )
        .unwrap();
        let p = Plan {
            name: "p".into(),
            ..Plan::default()
        };
        let got = scenario_problems(&file, &p);
        assert!(
            got.contains("s.ron: inject 1 (at 1 h): warns zone 7, which no evacuation rule"),
            "{got}"
        );
        assert!(
            got.contains("inject 2 (at 1 h): refers to missing zone 9"),
            "{got}"
        );
        assert!(
            got.contains("inject 3 (at 2 h): refers to missing zone 9"),
            "{got}"
        );
    }

    /// A fire's night and canopy fields out of range are refused, named.
    #[test]
    fn fire_night_and_canopy_ranges_are_checked() {
        let file: ScenarioFile = ron::from_str(
            r#"(name: "s", region: "r.ron", horizon_h: 10.0, plan: "p.ron",
               targets: (cleanup_h: 1.0, power_h: 1.0, water_h: 1.0, telecom_h: 1.0, main_roads_h: 1.0),
               hazards: [Fire((at_h: 0.0, ignition_x: 0.0, ignition_y: 0.0, wind_speed_m_s: 5.0,
                 wind_from_deg: 200.0,
                 moisture: (dead_1h: 6.0, dead_10h: 7.0, dead_100h: 8.0, live_herb: 60.0, live_woody: 90.0),
                 canopy: (fuels: [10, 93], cover: 1.5, height_m: -1.0),
                 night: (from_local_h: 25.0, dead_1h_rise_pct: Uniform(0.0, 50.0), wind_factor: 2.0)))])"#,
        )
        .unwrap();
        let p = Plan {
            name: "p".into(),
            ..Plan::default()
        };
        let got = scenario_problems(&file, &p);
        for want in [
            "hazard 1 (fire): night.from_local_h must be in 0…24, got 25",
            "night.dead_1h_rise_pct must be in 0…40, but Uniform(0, 50) spans 0…50",
            "night.wind_factor must be in 0…1, got 2",
            "canopy.cover must be in 0…1, got 1.5",
            "canopy.height_m must be in 0…100, got -1",
            "canopy.fuels: 93 is not a burnable fuel-model number",
        ] {
            assert!(got.contains(want), "{want} in\n{got}");
        }
        assert!(got.starts_with("s.ron"), "{got}");
        assert!(!got.contains("canopy.fuels: 10 "), "{got}");
    }

    /// Numbers of injects, a release's wind periods and the plan's hazard
    /// response out of range are refused with their range.
    #[test]
    fn call_aid_priorities_wind_and_response_ranges_are_checked() {
        let file: ScenarioFile = ron::from_str(
            r#"(name: "s", region: "r.ron", horizon_h: 10.0, plan: "p.ron",
               targets: (cleanup_h: 1.0, power_h: 1.0, water_h: 1.0, telecom_h: 1.0, main_roads_h: 1.0),
               hazards: [ChemicalLeak((at_h: 0.0, source: Point(0.0, 0.0), rate_kg_s: 1.0,
                 duration_h: 1.0, chemical: "chlorine", terrain: Rural, wind: [
                   (from_h: 0.0, speed_m_s: 3.0, from_deg: 90.0, stability: Class(D)),
                   (from_h: 1e300, speed_m_s: 3.0, from_deg: 90.0, stability: Class(D))]))],
               injects: [
                 (at_h: 1.0, event: CallAid(kind: Rescue, count: 0, depot: 1, delay_h: 1.0)),
                 (at_h: 1.0, event: CallAid(kind: Rescue, count: 4000000000, depot: 9, delay_h: 1e308)),
                 (at_h: 1.0, event: CallAid(kind: Rescue, count: 5, depot: 1, delay_h: 2.0)),
                 (at_h: 2.0, event: Priorities(order: [])),
                 (at_h: 2.0, event: Priorities(order: [Road, Road])),
               ])"#,
        )
        .unwrap();
        let mut p: Plan =
            ron::from_str(r#"(name: "p", depots: [(id: 1, name: "d", node: 1)], crews: [])"#)
                .unwrap();
        p.hazard_response.road_close_depth_m = 1e9;
        p.hazard_response.fire_task_lead_h = Hours(1e308);
        p.hazard_response.fire_line_radius_m = 1e12;
        let got = scenario_problems(&file, &p);
        for want in [
            "s.ron: inject 1 (at 1 h): CallAid count must be in 1…99, got 0",
            "inject 2 (at 1 h): CallAid count must be in 1…99, got 4000000000",
            "inject 2 (at 1 h): CallAid delay_h must be in 0…8760 h, got 1e308",
            "inject 2 (at 1 h): CallAid refers to missing depot 9",
            "inject 4 (at 2 h): Priorities must list distinct work kinds",
            "inject 5 (at 2 h): Priorities must list distinct work kinds",
            "hazard 1 (chemical leak): wind period 2: from_h must be in 0…8760 h, got 1e300",
            "p.ron: hazard_response: road_close_depth_m must be in (0, 20] m, got 1e9",
            "hazard_response: fire_task_lead_h must be in 0…8760 h, got 1e308",
            "hazard_response: fire_line_radius_m must be in 0…10000 m, got 1e12",
        ] {
            assert!(got.contains(want), "missing {want:?} in\n{got}");
        }
        assert!(!got.contains("inject 3"), "{got}");
    }
}
