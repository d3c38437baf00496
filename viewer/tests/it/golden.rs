//! Golden test of one small map: a four-node region with two zones and two
//! facilities, a closed road, a damaged road, a damaged substation and a zone
//! without power. The SVG must equal `tests/golden/small-map.svg` byte for
//! byte; regenerate it with `QILIAN_BLESS=1 cargo test -p qilian-viewer`.

use qilian_engine::scenario::{
    DamageState, Edge, Facility, FacilityKind, Node, Part, Plan, Region, RoadClass, ScenarioFile,
    Targets, Zone,
};
use qilian_engine::{
    EdgeId, EventKind, FacilityId, Hours, Kmh, Metres, Network, NodeId, Scenario, Service,
    SimEvent, VehPerHour, ZoneId,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn node(id: u32, x: f64, y: f64) -> Node {
    Node {
        id: NodeId(id),
        x,
        y,
        z: 0.0,
    }
}

fn edge(id: u32, from: u32, to: u32, main_road: bool) -> Edge {
    Edge {
        id: EdgeId(id),
        from: NodeId(from),
        to: NodeId(to),
        length_m: Metres(1000.0),
        speed_kmh: Kmh(50.0),
        lanes: 1,
        capacity_vph: VehPerHour(900.0),
        class: RoadClass::Local,
        main_road,
        bridge: None,
        liquefaction: None,
        name: None,
    }
}

fn small() -> Scenario {
    let region = Region {
        name: "Small test region".into(),
        origin: None,
        rasters: Default::default(),
        ground: Default::default(),
        nodes: vec![
            node(1, 0.0, 0.0),
            node(2, 1000.0, 0.0),
            node(3, 1000.0, 800.0),
            node(4, 0.0, 800.0),
        ],
        edges: vec![
            edge(1, 1, 2, true),
            edge(2, 2, 1, true),
            edge(3, 2, 3, false),
            edge(4, 3, 4, false),
            edge(5, 4, 1, false),
        ],
        zones: vec![
            Zone {
                id: ZoneId(1),
                name: "North".into(),
                population: 4000,
                households: 1500,
                node: NodeId(4),
                power: Some(FacilityId(1)),
                water: None,
                telecom: None,
            },
            Zone {
                id: ZoneId(2),
                name: "East".into(),
                population: 1000,
                households: 400,
                node: NodeId(3),
                power: None,
                water: None,
                telecom: None,
            },
        ],
        facilities: vec![
            Facility {
                id: FacilityId(1),
                name: "Substation".into(),
                kind: FacilityKind::Substation,
                node: NodeId(1),
                fragility: None,
                capacity: None,
                needs: Vec::new(),
                battery_h: Hours(0.0),
            },
            Facility {
                id: FacilityId(2),
                name: "Hospital".into(),
                kind: FacilityKind::Hospital,
                node: NodeId(2),
                fragility: None,
                capacity: None,
                needs: Vec::new(),
                battery_h: Hours(0.0),
            },
        ],
    };
    let targets = Targets {
        cleanup_h: Hours(48.0),
        power_h: Hours(72.0),
        water_h: Hours(72.0),
        telecom_h: Hours(72.0),
        main_roads_h: Hours(120.0),
        service_fraction: 1.0,
    };
    let file = ScenarioFile {
        name: "small".into(),
        region: Part::Inline(region.clone()),
        start: None,
        horizon_h: Hours(24.0),
        tick_s: 60,
        seed: 1,
        plan: Part::Inline(Plan::default()),
        targets,
        injects: Vec::new(),
        hazards: Vec::new(),
        trips: None,
    };
    Scenario {
        name: "small".into(),
        path: PathBuf::from("small.ron"),
        sha256: String::new(),
        network: Arc::new(Network::from_region(&region)),
        region: Arc::new(region),
        plan: Arc::new(Plan::default()),
        trips: Default::default(),
        rasters: Default::default(),
        file,
    }
}

fn events() -> Vec<SimEvent> {
    let ev = |t_s, kind| SimEvent { t_s, kind };
    vec![
        ev(
            3600,
            EventKind::EdgeClosed {
                edge: EdgeId(1),
                reason: Arc::from("bridge"),
            },
        ),
        ev(
            3600,
            EventKind::EdgeDamaged {
                edge: EdgeId(4),
                reason: Arc::from("debris"),
            },
        ),
        ev(
            3600,
            EventKind::FacilityDamaged {
                facility: FacilityId(1),
                state: DamageState::Extensive,
            },
        ),
        ev(
            3600,
            EventKind::ServiceLost {
                zone: ZoneId(1),
                service: Service::Power,
            },
        ),
        ev(
            7200,
            EventKind::ZoneContaminated {
                zone: ZoneId(2),
                reason: Arc::from("mud"),
            },
        ),
    ]
}

#[test]
fn small_map_matches_its_golden_svg() {
    let s = small();
    let f = qilian_viewer::maps::state_map("map-small", &s, &events(), 3.0, "test", &[])
        .expect("renders");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/small-map.svg");
    if std::env::var("QILIAN_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &f.svg).expect("writing the golden file");
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with QILIAN_BLESS=1)", path.display()));
    assert!(
        f.svg == golden,
        "small map differs from {}; if the change is intended, rerun with QILIAN_BLESS=1 and review the diff",
        path.display()
    );
    // The golden file itself holds what the map must show.
    for want in [
        "closed",
        "damaged",
        "awaiting cleanup",
        "200 m",
        "N",
        "Legend",
    ] {
        super::has_text(&golden, want, "golden map");
    }
    // The closed main road is drawn red, the damaged road orange.
    assert!(golden.contains("stroke=\"#D55E00\" stroke-width=\"4\""));
    assert!(golden.contains("stroke=\"#E69F00\" stroke-width=\"3\""));
}
