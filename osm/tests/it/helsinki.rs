//! The real-data fixture: central Helsinki, 2019.

use super::{components, helsinki, scratch, validate};
use qilian_engine::scenario::{self, FacilityKind, Region, RoadClass};
use qilian_engine::{EventKind, FacilityId};
use qilian_osm::{Import, Options, ZoneMethod, import};
use std::sync::{Arc, OnceLock};

fn fixture() -> &'static Import {
    static IMPORT: OnceLock<Import> = OnceLock::new();
    IMPORT.get_or_init(|| import(&helsinki(), &Options::default()).expect("fixture imports"))
}

/// The counts, checked for plausibility against the extract's description
/// (about 1,000 drivable ways, ~740 junctions): 1,002 drivable-class ways of
/// which 99 are private or parking aisles; 891 graph nodes of which the
/// largest strongly connected component keeps 791.
#[test]
fn counts() {
    let i = fixture();
    let r = &i.report;
    assert_eq!(r.osm_nodes, 24_260);
    assert_eq!(r.ways, 5_130);
    assert_eq!(r.drivable_ways, 903);
    assert_eq!(r.excluded_ways, 99);
    assert_eq!(r.speed_tagged_ways, 788);
    assert_eq!(r.missing_refs, 132);
    assert_eq!(r.unusable_ways, 31);
    assert_eq!(r.components, 62);
    assert_eq!((r.nodes, r.edges), (791, 1_335));
    assert_eq!((r.dropped_nodes, r.dropped_edges), (100, 133));
    assert_eq!((r.bridge_edges, r.tunnel_edges), (2, 58));
    assert_eq!(r.zone_method, ZoneMethod::Places);
    assert_eq!((r.zones, r.places_subdivided), (6, 1));
    let region = &i.region;
    assert_eq!(region.nodes.len(), 791);
    assert_eq!(region.edges.len(), 1_335);
    assert_eq!(region.zones.len(), 6);
    let kinds: Vec<FacilityKind> = region.facilities.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds[..4],
        [
            FacilityKind::Substation,
            FacilityKind::TelecomSite,
            FacilityKind::TelecomSite,
            FacilityKind::FireStation
        ]
    );
    // Schools, sports centres and pitches are shelters: 4 mapped as points
    // get the default by site, 9 closed ways their area at 3.5 m² a person.
    let shelters: Vec<(&scenario::Facility, &String)> = region
        .facilities
        .iter()
        .zip(&i.facility_source)
        .filter(|(f, _)| f.kind == FacilityKind::Shelter)
        .collect();
    assert_eq!(shelters.len(), 13);
    let by_area = shelters
        .iter()
        .filter(|(_, s)| s.contains("Sphere"))
        .count();
    assert_eq!(by_area, 9);
    for (f, src) in &shelters {
        let places = f.capacity.expect("every shelter has places");
        if src.contains("Sphere") {
            // "…: 3171 m² / 3.5 m² a person (…) = 906 places"
            let m2: f64 = src
                .split(": ")
                .nth(1)
                .unwrap()
                .split(" m²")
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!((m2 / 3.5 - places).abs() <= 1.0, "{src}");
        } else {
            assert!(
                src.contains("no area") && src.contains("ASSUMPTION"),
                "{src}"
            );
        }
    }
    let school = shelters
        .iter()
        .find(|(f, _)| f.name == "Ressun lukio")
        .unwrap();
    assert_eq!(school.0.capacity, Some(906.0));
    // The fire station is a multipolygon relation in the extract.
    assert_eq!(i.facility_source[3], "osm relation 167018");
    assert_eq!(region.facilities[3].name, "Erottajan paloasema");
}

#[test]
fn the_kept_network_is_strongly_connected() {
    let r = &fixture().region;
    assert_eq!(components(r), 1);
    // Every node is used by a link.
    let mut used = std::collections::BTreeSet::new();
    for e in &r.edges {
        used.insert(e.from);
        used.insert(e.to);
    }
    assert_eq!(used.len(), r.nodes.len());
}

#[test]
fn speeds_lanes_and_capacities_are_plausible() {
    let r = &fixture().region;
    for e in &r.edges {
        assert!(
            (5.0..=130.0).contains(&e.speed_kmh.0),
            "edge {}: {}",
            e.id.0,
            e.speed_kmh.0
        );
        assert!((1..=8).contains(&e.lanes), "edge {}", e.id.0);
        let per_lane = e.capacity_vph.0 / f64::from(e.lanes);
        assert!(
            (300.0..=2000.0).contains(&per_lane),
            "edge {}: {per_lane}",
            e.id.0
        );
        assert!(
            e.length_m.0 >= 1.0 && e.length_m.0 < 5_000.0,
            "edge {}",
            e.id.0
        );
        assert_eq!(
            e.main_road,
            matches!(
                e.class,
                RoadClass::Motorway | RoadClass::Trunk | RoadClass::Primary | RoadClass::Secondary
            )
        );
    }
    // Central Helsinki is mostly 30–40 km/h.
    let slow = r.edges.iter().filter(|e| e.speed_kmh.0 <= 40.0).count();
    assert!(slow * 10 > r.edges.len() * 8, "{slow} of {}", r.edges.len());
}

fn edges_of(i: &Import, way: i64) -> Vec<&qilian_engine::scenario::Edge> {
    i.region
        .edges
        .iter()
        .zip(&i.edge_way)
        .filter(|(_, w)| **w == way)
        .map(|(e, _)| e)
        .collect()
}

/// Uudenmaankatu (way 18385008): primary, two-way, `lanes=3`,
/// `lanes:forward=1`, `lanes:backward=2`, `maxspeed=30`,
/// `maxspeed:backward=40`.
#[test]
fn per_direction_tags_on_uudenmaankatu() {
    let i = fixture();
    let edges = edges_of(i, 18_385_008);
    assert!(
        edges.len() >= 2 && edges.len().is_multiple_of(2),
        "{}",
        edges.len()
    );
    // Forward links come first in each pair.
    for pair in edges.chunks(2) {
        let (f, b) = (pair[0], pair[1]);
        assert_eq!((f.from, f.to), (b.to, b.from));
        assert_eq!(
            (f.speed_kmh.0, f.lanes, f.capacity_vph.0),
            (30.0, 1, 1500.0)
        );
        assert_eq!(
            (b.speed_kmh.0, b.lanes, b.capacity_vph.0),
            (40.0, 2, 3000.0)
        );
        assert_eq!(f.class, RoadClass::Primary);
        assert!(f.main_road && b.main_road);
        assert_eq!(f.length_m.0, b.length_m.0);
    }
}

/// Mannerheimintie (way 22906936): primary, `oneway=yes`, `lanes=4`,
/// `maxspeed=30`: links one way only, all four lanes.
#[test]
fn oneway_on_mannerheimintie() {
    let i = fixture();
    let edges = edges_of(i, 22_906_936);
    assert!(!edges.is_empty());
    for e in &edges {
        assert_eq!(
            (e.speed_kmh.0, e.lanes, e.capacity_vph.0),
            (30.0, 4, 6000.0)
        );
        assert!(
            !edges.iter().any(|o| o.from == e.to && o.to == e.from),
            "edge {} has a twin on a oneway",
            e.id.0
        );
    }
}

/// An untagged service road (way 25455447) takes the class defaults.
#[test]
fn class_defaults_on_a_service_road() {
    let i = fixture();
    let edges = edges_of(i, 25_455_447);
    assert!(!edges.is_empty());
    for e in edges {
        assert_eq!((e.speed_kmh.0, e.lanes, e.capacity_vph.0), (20.0, 1, 300.0));
        assert_eq!(e.class, RoadClass::Local);
        assert!(!e.main_road);
    }
}

#[test]
fn bridges_get_the_default_hazus_class() {
    let r = &fixture().region;
    let bridges: Vec<&str> = r
        .edges
        .iter()
        .filter_map(|e| e.bridge.as_ref().map(|b| b.fragility.as_str()))
        .collect();
    assert_eq!(bridges, ["HWB.GS.28", "HWB.GS.28"]);
}

#[test]
fn zones_and_suppliers() {
    let r = &fixture().region;
    let names: Vec<&str> = r.zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Kaartinkaupunki",
            "Siltasaari",
            "Hakaniemi",
            "Kluuvi",
            "Keskusta",
            "Kaisaniemi"
        ]
    );
    for z in &r.zones {
        assert!(z.population > 0 && z.households > 0 && z.households <= z.population);
        assert_eq!(z.power, Some(FacilityId(1)));
        assert_eq!(z.water, None, "the extract has no water works");
        assert!(matches!(z.telecom, Some(FacilityId(2 | 3))));
    }
    // Telecom sites need the substation.
    for f in &r.facilities {
        let want: Vec<FacilityId> = if f.kind == FacilityKind::TelecomSite {
            vec![FacilityId(1)]
        } else {
            vec![]
        };
        assert_eq!(f.needs, want, "facility {}", f.id.0);
    }
}

#[test]
fn output_validates_and_is_byte_identical() {
    let dir = scratch("validate");
    let a = fixture().to_ron();
    let b = import(&helsinki(), &Options::default()).unwrap().to_ron();
    assert!(a == b, "two imports differ");
    assert_eq!(validate(&dir, "helsinki.ron", &a), Vec::<String>::new());
    assert!(a.contains("OpenStreetMap contributors"));
    let parsed: Region = ron::from_str(&a).unwrap();
    assert_eq!(parsed.nodes.len(), 791);
    assert_eq!(components(&parsed), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bbox_clips_to_a_smaller_connected_region() {
    let opts = Options {
        bbox: Some("24.935,60.163,24.955,60.172".parse().unwrap()),
        ..Options::default()
    };
    let i = import(&helsinki(), &opts).unwrap();
    let r = &i.region;
    assert!(
        r.nodes.len() < 791 && r.nodes.len() > 100,
        "{}",
        r.nodes.len()
    );
    assert_eq!(components(r), 1);
    let o = r.origin.unwrap();
    assert_eq!((o.lon, o.lat), (24.945, 60.1675));
    // Everything lies within the box (≈ 1.1 km × 1.0 km about the origin).
    for n in &r.nodes {
        assert!(n.x.abs() <= 560.0 && n.y.abs() <= 510.0, "node {}", n.id.0);
    }
    // Clipping at the box splits ways and drops references.
    assert!(i.report.missing_refs > fixture().report.missing_refs);
}

/// A scenario on the imported region runs: a substation and a telecom site
/// are damaged and a main road is closed; crews from a depot at the fire
/// station restore them.
#[test]
fn a_scenario_on_the_imported_region_runs() {
    let dir = scratch("scenario");
    let i = fixture();
    std::fs::write(dir.join("helsinki.ron"), i.to_ron()).unwrap();
    let main = i
        .region
        .edges
        .iter()
        .find(|e| e.main_road && e.bridge.is_none())
        .unwrap();
    let depot = i.region.facilities[3].node.0;
    let scenario = format!(
        r#"Scenario(
    name: "Helsinki scripted damage",
    region: "helsinki.ron",
    horizon_h: 48.0,
    seed: 1,
    plan: Plan(
        name: "Helsinki test plan",
        depots: [(id: 1, name: "Erottaja", node: {depot})],
        crews: [
            (id: 1, kind: Power, depot: 1, count: 2),
            (id: 2, kind: Telecom, depot: 1, count: 1),
            (id: 3, kind: Road, depot: 1, count: 1),
        ],
        priorities: [Facility(Substation), Facility(TelecomSite), MainRoad, Road],
        repairs: [
            (work: Facility(Substation), crew: Power, hours: (slight: Fixed(2.0), moderate: Fixed(6.0), extensive: Fixed(12.0), complete: Fixed(24.0))),
            (work: Facility(TelecomSite), crew: Telecom, hours: (slight: Fixed(1.0), moderate: Fixed(3.0), extensive: Fixed(8.0), complete: Fixed(16.0))),
            (work: MainRoad, crew: Road, hours: (slight: Fixed(1.0), moderate: Fixed(4.0), extensive: Fixed(10.0), complete: Fixed(20.0))),
        ],
    ),
    targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0,
                     main_roads_h: 120.0, service_fraction: 1.0),
    injects: [
        (at_h: 1.0, event: Damage(facility: 1, state: Moderate)),
        (at_h: 1.0, event: Damage(facility: 2, state: Complete)),
        (at_h: 1.0, event: CloseEdge(edge: {edge}, reason: "collapsed facade")),
    ],
)
"#,
        edge = main.id.0
    );
    let path = dir.join("scenario.ron");
    std::fs::write(&path, scenario).unwrap();
    let s = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let run = qilian_models::standard_sim(Arc::new(s), 0).run();
    let repaired: Vec<u32> = run
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::FacilityRepaired { facility, .. } => Some(facility.0),
            _ => None,
        })
        .collect();
    assert!(
        repaired.contains(&1) && repaired.contains(&2),
        "{repaired:?}"
    );
    assert!(
        run.events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::EdgeOpened { edge, .. } if edge.0 == main.id.0)),
        "the closed main road was not reopened"
    );
    // Power was lost, then fully restored.
    let power = run
        .series
        .columns
        .iter()
        .position(|c| c == "power")
        .unwrap();
    let width = run.series.columns.len();
    let col: Vec<f64> = run
        .series
        .values
        .chunks(width)
        .map(|row| row[power])
        .collect();
    assert!(col.iter().any(|&v| v < 1.0));
    assert_eq!(*col.last().unwrap(), 1.0);
    let _ = std::fs::remove_dir_all(dir);
}

/// An evacuation on the imported region runs end to end. Besides the
/// imported shelters (schools, sports grounds), the test adds two evacuation
/// sites at the edge of the centre and opens only those: at the
/// westmost and the eastmost node of the kept network (ties to the lower
/// id), each with room for every resident. Every zone is under one warning
/// rule (`OnOrder`) and ordered out by `Warn` injects at 0.5 h; the hazard
/// reaches the first zone at 3 h (`Expose`), catching those who stayed.
/// Vehicles depart, reach the shelters, and nobody is lost on the way.
#[test]
fn an_evacuation_on_the_imported_region_runs() {
    use qilian_engine::Hours;
    use qilian_engine::scenario::Facility;
    use qilian_models::evacuation::Evacuation;

    let dir = scratch("evacuation");
    let i = fixture();
    let mut region: Region = i.region.clone();
    let by = |key: fn(&scenario::Node) -> f64| {
        region
            .nodes
            .iter()
            .min_by(|a, b| key(a).total_cmp(&key(b)).then(a.id.cmp(&b.id)))
            .unwrap()
            .id
    };
    let (west, east) = (by(|n| n.x), by(|n| -n.x));
    assert_ne!(west, east);
    let residents: u64 = region.zones.iter().map(|z| u64::from(z.population)).sum();
    assert!(residents > 0);
    let first = region.facilities.iter().map(|f| f.id.0).max().unwrap_or(0) + 1;
    for (k, (node, name)) in [
        (west, "West evacuation site"),
        (east, "East evacuation site"),
    ]
    .into_iter()
    .enumerate()
    {
        region.facilities.push(Facility {
            id: FacilityId(first + k as u32),
            name: name.into(),
            kind: FacilityKind::Shelter,
            node,
            fragility: None,
            capacity: Some(residents as f64),
            needs: Vec::new(),
            battery_h: Hours(0.0),
        });
    }
    let text = ron::ser::to_string_pretty(&region, ron::ser::PrettyConfig::default()).unwrap();
    std::fs::write(dir.join("helsinki-shelters.ron"), text).unwrap();
    let zones: Vec<String> = region.zones.iter().map(|z| z.id.0.to_string()).collect();
    let warns: String = zones
        .iter()
        .map(|z| format!("        (at_h: 0.5, event: Warn(zone: {z})),\n"))
        .collect();
    let scenario = format!(
        r#"Scenario(
    name: "Helsinki evacuation",
    region: "helsinki-shelters.ron",
    horizon_h: 12.0,
    tick_s: 30,
    seed: 5,
    plan: Plan(
        name: "Helsinki evacuation test plan",
        depots: [],
        crews: [],
        shelters: [{s1}, {s2}],
        evacuation: (
            route_interval_min: Some(10.0),
            rules: [
                (zones: [{zones}], trigger: OnOrder, persons_per_vehicle: 2.0,
                 departure: Rayleigh(sigma_h: 0.5), compliance: 0.2),
            ],
        ),
    ),
    targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0,
                     main_roads_h: 120.0, service_fraction: 1.0),
    injects: [
{warns}        (at_h: 3.0, event: Expose(zone: {z0})),
    ],
)
"#,
        s1 = first,
        s2 = first + 1,
        zones = zones.join(", "),
        z0 = zones[0],
    );
    let errors = validate(&dir, "scenario.ron", &scenario);
    assert!(errors.is_empty(), "{errors:?}");
    let s = scenario::load(&dir.join("scenario.ron")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = qilian_models::standard_sim(Arc::new(s), 0);
    while !sim.finished() {
        sim.step();
        let e = sim.world().resource::<Evacuation>();
        if let Err(msg) = e.audit() {
            panic!("at {:?}: {msg}", sim.now());
        }
    }
    let e = sim.world().resource::<Evacuation>();
    let t = e.totals();
    assert!(t.conserved(), "{t:?}");
    assert_eq!(t.residents, residents, "people appeared or vanished");
    assert!(e.vehicles() > 0, "nobody left");
    let departed = e.departed();
    assert!(departed > 0);
    // Everyone who set off arrived: nobody is left on the road after 11.5 h.
    assert_eq!(t.en_route, 0, "{t:?}");
    assert_eq!(t.sheltered, departed, "{t:?}");
    let occupancy = e.occupancy();
    assert_eq!(occupancy.iter().map(|&(_, p)| p).sum::<u64>(), t.sheltered);
    // About a fifth of the households complied (binomial draws per household).
    let share = departed as f64 / residents as f64;
    assert!(
        (0.1..0.3).contains(&share),
        "{departed} of {residents} left"
    );
    // The zone the hazard reached had people still at home.
    assert!(t.exposed > 0, "{t:?}");
    let run = sim.finish();
    let warned = run
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ZoneWarned { .. }))
        .count();
    assert_eq!(warned, zones.len());
    assert!(
        run.kpis["evacuation"]["t100_h"].is_number(),
        "{}",
        run.kpis["evacuation"]
    );
    let _ = std::fs::remove_dir_all(dir);
}
