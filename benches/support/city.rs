//! The benchmark world of issue 4: a generated city of 100,000 nodes, about
//! 250,000 directed links, 2,000 zones sending 200,000 vehicles to 50
//! shelters over 24 simulated hours. Shared by `benches/evacuation.rs` and
//! `examples/evac_scale.rs` (included with `#[path]`).
//!
//! Layout: a 400 × 250 street grid, 150 m apart. Every 8th row and column is
//! an arterial (50 km/h, 2 lanes, 3600 veh/h each way) and always present;
//! local streets (30 km/h, 1 lane, 900 veh/h) are kept with a probability
//! chosen to reach the link count, plus whatever local streets are needed to
//! keep the graph connected. Zones sit at random nodes (500,000 people in
//! 200,000 households, 2.5 persons per vehicle); shelters at the arterial
//! crossings of a 10 × 5 lattice, 8,000–14,000 places each. All of this is
//! synthetic: it exists to measure speed, not to describe a real city.

use qilian_engine::dist::unit;
use qilian_engine::scenario::{
    DepartureCurve, Edge, Evacuation, EvacuationRule, Facility, FacilityKind, Node, Part, Plan,
    Region, RoadClass, ScenarioFile, Targets, Trigger, Zone,
};
use qilian_engine::{
    EdgeId, FacilityId, Hours, Kmh, Metres, Network, NodeId, Scenario, StreamTag, Streams,
    VehPerHour, ZoneId,
};
use std::path::PathBuf;
use std::sync::Arc;

/// Grid columns.
pub const COLS: u32 = 400;
/// Grid rows.
pub const ROWS: u32 = 250;
const SPACING_M: f64 = 150.0;
const ARTERIAL_EVERY: u32 = 8;
/// Zones.
pub const ZONES: u32 = 2000;
/// Households per zone: 100 × 2,000 = 200,000 vehicles at one per household.
const HOUSEHOLDS: u32 = 100;
const PEOPLE: u32 = 250;
/// Target undirected streets (× 2 directed links).
const STREETS: usize = 125_000;

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// The city, with its evacuation plan: everyone warned at hour 0, leaving on
/// a Rayleigh curve (σ = 1 h); routes recomputed every `route_interval_min`.
pub fn city(route_interval_min: Option<f64>) -> Arc<Scenario> {
    city_of(ROWS, COLS, ZONES, route_interval_min)
}

/// A city of `rows × cols` nodes and `zones` zones, built the same way.
pub fn city_of(rows: u32, cols: u32, zones: u32, route_interval_min: Option<f64>) -> Arc<Scenario> {
    let target = STREETS * (rows * cols) as usize / (ROWS * COLS) as usize;
    let mut rng = Streams::new(2025, 0).stream(StreamTag::new("bench city"), 0);
    let id = |r: u32, c: u32| r * cols + c;
    let mut nodes = Vec::with_capacity((rows * cols) as usize);
    for r in 0..rows {
        for c in 0..cols {
            nodes.push(Node {
                id: NodeId(id(r, c)),
                x: c as f64 * SPACING_M,
                y: r as f64 * SPACING_M,
                z: 0.0,
            });
        }
    }
    // Candidate streets: (a, b, arterial).
    let mut streets = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols {
                streets.push((id(r, c), id(r, c + 1), r % ARTERIAL_EVERY == 0));
            }
            if r + 1 < rows {
                streets.push((id(r, c), id(r + 1, c), c % ARTERIAL_EVERY == 0));
            }
        }
    }
    let arterials = streets.iter().filter(|s| s.2).count();
    let p_local = (target - arterials) as f64 / (streets.len() - arterials) as f64;
    let mut keep: Vec<bool> = streets
        .iter()
        .map(|s| s.2 || unit(&mut rng) < p_local * 0.97)
        .collect();
    // Connect every component with the streets left out.
    let mut parent: Vec<u32> = (0..rows * cols).collect();
    for (i, s) in streets.iter().enumerate() {
        if keep[i] {
            let (a, b) = (find(&mut parent, s.0), find(&mut parent, s.1));
            parent[a as usize] = b;
        }
    }
    for (i, s) in streets.iter().enumerate() {
        if !keep[i] {
            let (a, b) = (find(&mut parent, s.0), find(&mut parent, s.1));
            if a != b {
                parent[a as usize] = b;
                keep[i] = true;
            }
        }
    }
    let mut edges = Vec::new();
    for (i, &(a, b, arterial)) in streets.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let (speed, lanes, cap, class) = if arterial {
            (50.0, 2, 3600.0, RoadClass::Primary)
        } else {
            (30.0, 1, 900.0, RoadClass::Local)
        };
        for (f, t) in [(a, b), (b, a)] {
            edges.push(Edge {
                id: EdgeId(edges.len() as u32 + 1),
                from: NodeId(f),
                to: NodeId(t),
                length_m: Metres(SPACING_M),
                speed_kmh: Kmh(speed),
                lanes,
                capacity_vph: VehPerHour(cap),
                class,
                main_road: arterial,
                bridge: None,
                liquefaction: None,
                name: None,
            });
        }
    }
    let zone_list: Vec<Zone> = (0..zones)
        .map(|z| Zone {
            id: ZoneId(z + 1),
            name: format!("zone {}", z + 1),
            population: PEOPLE,
            households: HOUSEHOLDS,
            node: NodeId((unit(&mut rng) * (rows * cols) as f64) as u32),
            power: None,
            water: None,
            telecom: None,
        })
        .collect();
    let mut facilities = Vec::new();
    for i in 0..10 {
        for j in 0..5 {
            // Spread over the grid, on arterial crossings.
            let c = (i * cols / 10 + cols / 20) / ARTERIAL_EVERY * ARTERIAL_EVERY;
            let r = (j * rows / 5 + rows / 10) / ARTERIAL_EVERY * ARTERIAL_EVERY;
            facilities.push(Facility {
                id: FacilityId(facilities.len() as u32 + 1),
                name: format!("shelter {}", facilities.len() + 1),
                kind: FacilityKind::Shelter,
                node: NodeId(id(r, c)),
                fragility: None,
                capacity: Some((8000.0 + 6000.0 * unit(&mut rng)).round()),
                needs: Vec::new(),
                battery_h: Hours(0.0),
            });
        }
    }
    let region = Region {
        name: "bench city".into(),
        origin: None,
        nodes,
        edges,
        zones: zone_list,
        facilities,
        rasters: Default::default(),
        ground: Default::default(),
    };
    let plan = Plan {
        name: "evacuate everyone".into(),
        shelters: region.facilities.iter().map(|f| f.id).collect(),
        evacuation: Evacuation {
            rules: vec![EvacuationRule {
                zones: region.zones.iter().map(|z| z.id).collect(),
                trigger: Trigger::AtHour(Hours(0.0)),
                persons_per_vehicle: 2.5,
                departure: DepartureCurve::Rayleigh {
                    sigma_h: Hours(1.0).into(),
                },
                compliance: 1.0,
            }],
            route_interval_min,
            stuck_timeout_s: 10.0,
            trips: None,
        },
        ..Plan::default()
    };
    let file = ScenarioFile {
        name: "bench city".into(),
        region: Part::Path("generated".into()),
        start: None,
        horizon_h: Hours(24.0),
        tick_s: 60,
        seed: 1,
        plan: Part::Path("generated".into()),
        targets: Targets {
            cleanup_h: Hours(48.0),
            power_h: Hours(72.0),
            water_h: Hours(72.0),
            telecom_h: Hours(72.0),
            main_roads_h: Hours(120.0),
            service_fraction: 1.0,
        },
        injects: Vec::new(),
        hazards: Vec::new(),
        trips: None,
    };
    let network = Network::from_region(&region);
    Arc::new(Scenario {
        name: file.name.clone(),
        path: PathBuf::from("generated"),
        sha256: String::new(),
        region: Arc::new(region),
        network: Arc::new(network),
        plan: Arc::new(plan),
        rasters: Default::default(),
        file,
        trips: Default::default(),
    })
}
