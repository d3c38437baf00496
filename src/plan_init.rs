//! `qilian plan init`: a starter plan from what a region holds, so an
//! imported city runs end to end. Every number it writes carries a comment
//! saying where it comes from or that it is an ASSUMPTION.
//!
//! - **Depots** at real sites: every fire station (fire, rescue, hazmat and
//!   road crews), every hospital (medical crews), and for power, water and
//!   telecom the substation, water plant or telecom site that serves the
//!   most people. A kind with no site of its own shares the fire stations;
//!   a region without fire stations gets one depot at the node of its most
//!   populous zone.
//! - **Crews by population** ([`RATIOS`]): rescue and medical one per
//!   100,000 residents and hazmat one per chemical plant, the audit's own
//!   floors (`qilian_evaluator::audit`); the other kinds at the stock
//!   Ganzhou baseline's crews per resident. At least one of each kind the
//!   region has work for; a kind's crews are spread over its depots.
//! - **Shelters**: every Shelter facility with places.
//! - **Evacuation**: one rule for every zone with people.
//! - Priorities and repair hours as in the stock baseline plan.

use qilian_engine::scenario::{FacilityKind, Region};
use qilian_evaluator::audit;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Residents per crew of a kind, with where the figure comes from.
pub const RATIOS: [(&str, u64, &str); 7] = [
    (
        "Fire",
        230_000,
        "the stock Ganzhou baseline: 3 crews for 697,000 people (ASSUMPTION there too)",
    ),
    (
        "Rescue",
        audit::PEOPLE_PER_RESCUE_CREW,
        "the audit's floor (ASSUMPTION, evaluator/src/audit.rs)",
    ),
    (
        "Medical",
        audit::PEOPLE_PER_MEDICAL_CREW,
        "the audit's floor (ASSUMPTION, evaluator/src/audit.rs)",
    ),
    (
        "Road",
        230_000,
        "the stock Ganzhou baseline: 3 crews for 697,000 people (ASSUMPTION)",
    ),
    (
        "Power",
        175_000,
        "the stock Ganzhou baseline: 4 crews for 697,000 people (ASSUMPTION)",
    ),
    (
        "Water",
        350_000,
        "the stock Ganzhou baseline: 2 crews for 697,000 people (ASSUMPTION)",
    ),
    (
        "Telecom",
        350_000,
        "the stock Ganzhou baseline: 2 crews for 697,000 people (ASSUMPTION)",
    ),
];

struct Depot {
    name: String,
    node: u32,
    why: String,
}

/// The starter plan for `region` (read from `region_file`) as commented RON.
pub fn starter_plan(region: &Region, region_file: &str) -> String {
    let people: u64 = region.zones.iter().map(|z| u64::from(z.population)).sum();
    let of_kind = |k: FacilityKind| -> Vec<&qilian_engine::scenario::Facility> {
        let mut v: Vec<_> = region.facilities.iter().filter(|f| f.kind == k).collect();
        v.sort_by_key(|f| f.id);
        v
    };
    let mut depots: Vec<Depot> = Vec::new();
    let mut add = |d: Depot| {
        depots.push(d);
        depots.len() as u32
    };
    // Fire stations, or one central depot.
    let fire: Vec<u32> = of_kind(FacilityKind::FireStation)
        .iter()
        .map(|f| {
            add(Depot {
                name: f.name.clone(),
                node: f.node.0,
                why: format!("fire station, facility {}", f.id.0),
            })
        })
        .collect();
    let fire = if fire.is_empty() {
        let central = region
            .zones
            .iter()
            .max_by_key(|z| (z.population, std::cmp::Reverse(z.id)))
            .map(|z| (z.node.0, z.name.clone()))
            .or_else(|| region.nodes.first().map(|n| (n.id.0, "node".to_string())));
        match central {
            Some((node, zone)) => vec![add(Depot {
                name: "Central depot".into(),
                node,
                why: format!(
                    "ASSUMPTION: the region has no fire station; at the node of its most populous zone, {zone}"
                ),
            })],
            None => Vec::new(),
        }
    } else {
        fire
    };
    let hospitals: Vec<u32> = of_kind(FacilityKind::Hospital)
        .iter()
        .map(|f| {
            add(Depot {
                name: f.name.clone(),
                node: f.node.0,
                why: format!("hospital, facility {}", f.id.0),
            })
        })
        .collect();
    // The utility site serving the most people (lowest id on a tie).
    let mut utility =
        |kind: FacilityKind,
         served: &dyn Fn(&qilian_engine::scenario::Zone) -> Option<qilian_engine::FacilityId>|
         -> Option<u32> {
            let sites = of_kind(kind);
            let mut load: BTreeMap<u32, u64> = BTreeMap::new();
            for z in &region.zones {
                if let Some(id) = served(z) {
                    *load.entry(id.0).or_default() += u64::from(z.population);
                }
            }
            let best = sites.iter().max_by_key(|f| {
                (
                    load.get(&f.id.0).copied().unwrap_or(0),
                    std::cmp::Reverse(f.id),
                )
            })?;
            let n = load.get(&best.id.0).copied().unwrap_or(0);
            Some(add(Depot {
                name: best.name.clone(),
                node: best.node.0,
                why: format!(
                    "{kind:?} facility {}, serving {n} people, the most of its kind",
                    best.id.0
                ),
            }))
        };
    let power = utility(FacilityKind::Substation, &|z| z.power);
    let water = utility(FacilityKind::WaterPlant, &|z| z.water);
    let telecom = utility(FacilityKind::TelecomSite, &|z| z.telecom);
    let plants = of_kind(FacilityKind::ChemicalPlant).len() as u64;

    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Starter plan for the region in {region_file}, written by `qilian plan init`\n\
         // (qilian {}). Every figure below is a starting point to edit, not a plan:\n\
         // each says where it comes from, most are ASSUMPTIONS. Region: {} people\n\
         // in {} zones, {} facilities.",
        env!("CARGO_PKG_VERSION"),
        people,
        region.zones.len(),
        region.facilities.len()
    );
    s.push_str("Plan(\n");
    let _ = writeln!(
        s,
        "    name: {},",
        ron::to_string(&format!("Starter plan for {}", region.name))
            .unwrap_or_else(|_| "\"Starter plan\"".into())
    );
    s.push_str("    depots: [\n");
    for (k, d) in depots.iter().enumerate() {
        let name = ron::to_string(&d.name).unwrap_or_else(|_| "\"depot\"".into());
        let _ = writeln!(
            s,
            "        (id: {}, name: {name}, node: {}), // {}",
            k + 1,
            d.node,
            d.why
        );
    }
    s.push_str("    ],\n");
    let _ = writeln!(
        s,
        "    // Crews by population ({people} people), at least one of each kind the region\n    \
         // has work for, spread over their depots. Shifts of 12 h on, 8 h rest as in\n    \
         // the stock baseline (ASSUMPTION)."
    );
    s.push_str("    crews: [\n");
    let mut group = 0u32;
    for (kind, per, source) in RATIOS {
        let (homes, why_none): (Vec<u32>, Option<&str>) = match kind {
            "Fire" | "Rescue" | "Road" => (fire.clone(), None),
            "Medical" if !hospitals.is_empty() => (hospitals.clone(), None),
            "Medical" => (fire.clone(), None),
            "Power" => (power.into_iter().collect(), Some("no substation")),
            "Water" => (water.into_iter().collect(), Some("no water plant")),
            "Telecom" => (telecom.into_iter().collect(), Some("no telecom site")),
            _ => (Vec::new(), None),
        };
        if homes.is_empty() {
            let _ = writeln!(
                s,
                "        // No {kind} crews: the region has {}.",
                why_none.unwrap_or("no depot")
            );
            continue;
        }
        let count = people.div_ceil(per).max(1);
        let _ = writeln!(
            s,
            "        // {kind}: {count} = {people} people / {per} a crew, rounded up; {source}."
        );
        write_groups(&mut s, &mut group, kind, count, &homes);
    }
    let count = (plants * audit::HAZMAT_CREWS_PER_PLANT).max(1);
    let _ = writeln!(
        s,
        "        // Hazmat: {count} = {} per chemical plant ({plants} in the region), at least one;\n        \
         // the audit's floor (ASSUMPTION, evaluator/src/audit.rs).",
        audit::HAZMAT_CREWS_PER_PLANT
    );
    if !fire.is_empty() {
        write_groups(&mut s, &mut group, "Hazmat", count, &fire);
    }
    s.push_str("    ],\n");
    priorities_and_repairs(&mut s);
    let shelters: Vec<&qilian_engine::scenario::Facility> = of_kind(FacilityKind::Shelter)
        .into_iter()
        .filter(|f| f.capacity.is_some_and(|c| c > 0.0))
        .collect();
    let places: f64 = shelters.iter().filter_map(|f| f.capacity).sum();
    let _ = writeln!(
        s,
        "    // Every shelter of the region with places: {} shelters, {places:.0} places in all\n    \
         // (each takes its facility's capacity; see the region file for how it was set).",
        shelters.len()
    );
    let ids: Vec<String> = shelters.iter().map(|f| f.id.0.to_string()).collect();
    let _ = writeln!(s, "    shelters: [{}],", ids.join(", "));
    let zones: Vec<String> = region
        .zones
        .iter()
        .filter(|z| z.population > 0)
        .map(|z| z.id.0.to_string())
        .collect();
    s.push_str("    evacuation: (\n");
    s.push_str(
        "        // Routes recomputed every 15 min for congestion, as in the stock baseline (ASSUMPTION).\n        \
         route_interval_min: Some(15.0),\n",
    );
    if zones.is_empty() || shelters.is_empty() {
        let _ = writeln!(
            s,
            "        // No rule: the region has {}.\n        rules: [],",
            if zones.is_empty() {
                "no zone with people"
            } else {
                "no shelter with places"
            }
        );
    } else {
        s.push_str(
            "        // Every zone with people is told to go to shelters 1 h after the scenario\n        \
             // starts; 15 % of households go (those whose homes are unsafe), 2.5 people a\n        \
             // vehicle (the import's people per household), leaving on a Rayleigh curve\n        \
             // (σ 0.5 h: half gone by 0.6 h): the stock baseline's figures, ASSUMPTIONS.\n        \
             // For a flood or a fire, `HazardWithin(3.0)` warns each zone 3 h before the\n        \
             // hazard is forecast to reach it; `OnOrder` waits for Warn injects or a drill.\n",
        );
        let _ = writeln!(
            s,
            "        rules: [\n            (zones: [{}], trigger: AtHour(1.0), persons_per_vehicle: 2.5,\n             \
             departure: Rayleigh(sigma_h: 0.5), compliance: 0.15),\n        ],",
            zones.join(", ")
        );
    }
    s.push_str("    ),\n)\n");
    s
}

/// `count` crews of `kind` spread over `homes` (the first depots get the
/// remainder), one group per depot that gets any, at most 999 a group.
fn write_groups(s: &mut String, group: &mut u32, kind: &str, count: u64, homes: &[u32]) {
    let n = homes.len() as u64;
    for (i, depot) in homes.iter().enumerate() {
        let mut here = count / n + u64::from((i as u64) < count % n);
        while here > 0 {
            let c = here.min(999);
            here -= c;
            *group += 1;
            let _ = writeln!(
                s,
                "        (id: {group}, kind: {kind}, depot: {depot}, count: {c}, shift: Some((on_h: 12.0, rest_h: 8.0))),"
            );
        }
    }
}

/// The stock baseline plan's `key: [ … ],` block, verbatim.
fn baseline_block(key: &str) -> &'static str {
    let text = crate::stock::BASELINE_PLAN;
    let start = text
        .find(&format!("\n    {key}: ["))
        .unwrap_or_else(|| panic!("the embedded baseline plan has no {key}"))
        + 1;
    let len = text[start..]
        .find("\n    ],\n")
        .unwrap_or_else(|| panic!("the embedded baseline plan's {key} has no end"))
        + "\n    ],\n".len();
    &text[start..start + len]
}

/// The stock baseline's dispatch order and repair hours (taken from the
/// embedded plan, so the two cannot drift apart), with their notes.
fn priorities_and_repairs(s: &mut String) {
    s.push_str(
        "    // Dispatch order of the stock baseline plan: trapped people, a leak and an
    // advancing fire before any repair; hospitals, then the water plants and the
    // substations that feed them (a facility inherits the rank of the most urgent
    // one that needs it).
",
    );
    s.push_str(baseline_block("priorities"));
    s.push_str(
        "    // Repair hours by damage state, from the stock baseline plan: ASSUMPTIONS
    // (no public source gives crew-hours per damage state for substations, water
    // plants or telecom sites), except bridges, which follow the Hazus bridge
    // restoration means (0.6 / 2.5 / 75 / 230 days) with an assumed spread.
",
    );
    s.push_str(baseline_block("repairs"));
    s.push_str(HAZARD_RESPONSE);
}

/// The engine's protective thresholds, with their notes.
const HAZARD_RESPONSE: &str = r#"    // Protective thresholds: the engine's defaults, each an ASSUMPTION stated on
    // its field (engine/src/scenario/hazard.rs).
    hazard_response: (
        road_close_depth_m: 0.3,   // about the depth at which moving water floats a car
        shelter_in_place: [],      // name the zones near chemical sites
        shelter_factor: 0.2,       // indoor air of a closed house, ~1 air change an hour
        fire_task_lead_h: 6.0,     // fire crews go out when a front is 6 h away
        fire_line_radius_m: 300.0, // the line a fire crew holds around its site
    ),
"#;
