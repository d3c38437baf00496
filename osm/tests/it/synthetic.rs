//! Small hand-made extracts: one rule each.

use super::{components, helsinki, scratch, validate};
use qilian_engine::scenario::FacilityKind;
use qilian_osm::synth::{SynthNode, SynthWay, encode, grid_town, tags};
use qilian_osm::{ImportError, Options, ZoneMethod, import};
use std::path::{Path, PathBuf};

/// Nodes on a 100 m grid: id = 1 + 10·row + col.
fn grid_node(id: i64) -> SynthNode {
    let (r, c) = ((id - 1) / 10, (id - 1) % 10);
    SynthNode {
        id,
        lon: 24.0 + c as f64 * 0.0018,
        lat: 60.0 + r as f64 * 0.0009,
        tags: Vec::new(),
    }
}

fn way(id: i64, refs: &[i64], t: &[(&str, &str)]) -> SynthWay {
    SynthWay {
        id,
        refs: refs.to_vec(),
        tags: tags(t),
    }
}

fn write(dir: &Path, nodes: &[SynthNode], ways: &[SynthWay]) -> PathBuf {
    let p = dir.join("x.osm.pbf");
    std::fs::write(&p, encode(nodes, ways)).unwrap();
    p
}

fn nodes(ids: impl IntoIterator<Item = i64>) -> Vec<SynthNode> {
    ids.into_iter().map(grid_node).collect()
}

#[test]
fn ways_split_at_missing_nodes() {
    let dir = scratch("gap");
    // 1-2-3 [missing 99] 4-5, all residential two-way, plus a closing loop
    // 5-15-11-1 so the pieces stay connected.
    let p = write(
        &dir,
        &nodes([1, 2, 3, 4, 5, 11, 15]),
        &[
            way(1, &[1, 2, 3, 99, 4, 5], &[("highway", "residential")]),
            way(2, &[5, 15, 11, 1], &[("highway", "residential")]),
            way(3, &[3, 4], &[("highway", "residential")]),
        ],
    );
    let i = import(&p, &Options::default()).unwrap();
    assert_eq!(i.report.missing_refs, 1);
    assert_eq!(i.report.pieces_from_gaps, 1);
    // No link jumps the gap: 3→4 exists only through way 3.
    for (e, w) in i.region.edges.iter().zip(&i.edge_way) {
        if *w == 1 {
            let (a, b) = (
                i.node_osm[e.from.0 as usize - 1],
                i.node_osm[e.to.0 as usize - 1],
            );
            assert!(!matches!((a, b), (3, 4) | (4, 3)), "link jumps the gap");
        }
    }
    assert_eq!(components(&i.region), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn oneway_reverse_and_dead_ends_leave_the_component() {
    let dir = scratch("oneway");
    // A two-way ring 1-2-12-11-1 (11 only shapes the link 12→1), a
    // `oneway=-1` street drawn 2→3 (so driven 3→2: nothing reaches 3) and a
    // oneway spur 12→13 with no way back: both must be dropped.
    let p = write(
        &dir,
        &nodes([1, 2, 3, 11, 12, 13]),
        &[
            way(1, &[1, 2, 12, 11, 1], &[("highway", "residential")]),
            way(2, &[2, 3], &[("highway", "residential"), ("oneway", "-1")]),
            way(
                3,
                &[12, 13],
                &[("highway", "residential"), ("oneway", "yes")],
            ),
        ],
    );
    let i = import(&p, &Options::default()).unwrap();
    let r = &i.report;
    assert_eq!(r.components, 3);
    assert_eq!((r.dropped_nodes, r.dropped_edges), (2, 2));
    assert_eq!(i.node_osm, [1, 2, 12]);
    assert_eq!(i.region.edges.len(), 6);
    assert_eq!(components(&i.region), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_roundabout_with_one_entry_has_no_self_loop() {
    let dir = scratch("roundabout");
    let p = write(
        &dir,
        &nodes([1, 2, 3, 12, 13, 22, 23]),
        &[
            way(1, &[1, 2], &[("highway", "tertiary")]),
            // Closed ring 2-3-13-23-22-12-2, implied oneway.
            way(
                2,
                &[2, 3, 13, 23, 22, 12, 2],
                &[("highway", "tertiary"), ("junction", "roundabout")],
            ),
        ],
    );
    let i = import(&p, &Options::default()).unwrap();
    for e in &i.region.edges {
        assert_ne!(e.from, e.to, "edge {} is a loop", e.id.0);
    }
    // Ring links are oneway: exactly one link between any ring pair.
    let ring: Vec<_> = i
        .region
        .edges
        .iter()
        .zip(&i.edge_way)
        .filter(|(_, w)| **w == 2)
        .collect();
    assert_eq!(ring.len(), 2, "the ring splits at its middle vertex");
    assert_eq!(components(&i.region), 1);
    assert_eq!(i.region.nodes.len(), 3);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn excluded_and_non_drivable_ways_are_ignored() {
    let dir = scratch("excluded");
    let p = write(
        &dir,
        &nodes([1, 2, 3, 4]),
        &[
            way(1, &[1, 2], &[("highway", "residential")]),
            way(2, &[2, 3], &[("highway", "footway")]),
            way(
                3,
                &[3, 4],
                &[("highway", "service"), ("service", "parking_aisle")],
            ),
            way(
                4,
                &[2, 4],
                &[("highway", "residential"), ("access", "private")],
            ),
        ],
    );
    let i = import(&p, &Options::default()).unwrap();
    assert_eq!(i.report.drivable_ways, 1);
    assert_eq!(i.report.excluded_ways, 2);
    assert_eq!(i.region.edges.len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn grid_zones_when_there_are_no_places() {
    let dir = scratch("gridzones");
    let p = write(
        &dir,
        &nodes([1, 2, 3]),
        &[way(1, &[1, 2, 3], &[("highway", "residential")])],
    );
    let i = import(&p, &Options::default()).unwrap();
    assert_eq!(i.report.zone_method, ZoneMethod::Grid);
    let total_km: f64 = i.region.edges.iter().map(|e| e.length_m.0).sum::<f64>() / 1000.0;
    let people: u32 = i.region.zones.iter().map(|z| z.population).sum();
    assert!((f64::from(people) - 150.0 * total_km).abs() <= i.region.zones.len() as f64);
    assert!(i.region.zones.iter().all(|z| z.power.is_none()));
    assert_eq!(validate(&dir, "r.ron", &i.to_ron()), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn zones_from_a_csv_and_facilities_from_tags() {
    let dir = scratch("zonescsv");
    let mut ns = nodes([1, 2, 3, 11, 12, 13]);
    ns.push(SynthNode {
        id: 500,
        lon: 24.0001,
        lat: 60.0001,
        tags: tags(&[
            ("power", "substation"),
            ("voltage", "220000"),
            ("name", "Sub A"),
        ]),
    });
    ns.push(SynthNode {
        id: 501,
        lon: 24.0037,
        lat: 60.0010,
        tags: tags(&[("man_made", "water_works")]),
    });
    ns.push(SynthNode {
        id: 502,
        lon: 24.0036,
        lat: 60.0,
        tags: tags(&[("place", "village"), ("population", "800")]),
    });
    let p = write(
        &dir,
        &ns,
        &[
            way(1, &[1, 2, 3, 13, 12, 11, 1], &[("highway", "residential")]),
            way(2, &[2, 12], &[("highway", "residential")]),
        ],
    );
    let csv = dir.join("zones.csv");
    std::fs::write(
        &csv,
        "name,lon,lat,population,households\n# a comment\nWest,24.0,60.0,1000,400\nEast,24.0030,60.0008,10\n",
    )
    .unwrap();
    let opts = Options {
        zones: Some(csv.clone()),
        ..Options::default()
    };
    let i = import(&p, &opts).unwrap();
    assert_eq!(i.report.zone_method, ZoneMethod::File);
    let z = &i.region.zones;
    assert_eq!(z.len(), 2);
    assert_eq!(
        (z[0].name.as_str(), z[0].population, z[0].households),
        ("West", 1000, 400)
    );
    assert_eq!((z[1].population, z[1].households), (10, 4));
    assert_eq!(i.node_osm[z[0].node.0 as usize - 1], 1);
    assert_eq!(i.node_osm[z[1].node.0 as usize - 1], 12);
    let f = &i.region.facilities;
    assert_eq!(f.len(), 2);
    assert_eq!(
        (f[0].kind, f[0].name.as_str()),
        (FacilityKind::Substation, "Sub A")
    );
    assert_eq!(f[0].fragility.as_deref(), Some("EP.S.M.U"));
    assert_eq!(f[1].kind, FacilityKind::WaterPlant);
    assert_eq!(f[1].needs, [f[0].id]);
    assert!(
        z.iter()
            .all(|z| z.power == Some(f[0].id) && z.water == Some(f[1].id))
    );
    // Without the CSV the village place is the zone.
    let i = import(&p, &Options::default()).unwrap();
    assert_eq!(i.report.zone_method, ZoneMethod::Places);
    assert_eq!(i.region.zones[0].population, 800);
    // A bad CSV names its file and line.
    std::fs::write(&csv, "name,lon,lat,population\nWest,24.0,north,1000\n").unwrap();
    let e = import(&p, &opts).unwrap_err().to_string();
    assert!(e.contains("zones.csv") && e.contains("line 2"), "{e}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_synthetic_town_imports_and_validates() {
    let dir = scratch("town");
    let p = dir.join("town.osm.pbf");
    std::fs::write(&p, grid_town(30, 2)).unwrap();
    let i = import(&p, &Options::default()).unwrap();
    // 30×30 junctions, every one a graph node; 1 way in 100 points outside.
    assert_eq!(i.report.osm_nodes, 900 + 2 * 30 * 29 * 2);
    assert_eq!(i.region.nodes.len(), 900);
    assert_eq!(components(&i.region), 1);
    assert_eq!(i.report.zone_method, ZoneMethod::Places);
    assert!(i.report.missing_refs > 0);
    assert!(i.region.edges.iter().any(|e| e.bridge.is_some()));
    let text = i.to_ron();
    assert_eq!(validate(&dir, "town.ron", &text), Vec::<String>::new());
    assert!(text == import(&p, &Options::default()).unwrap().to_ron());
    let _ = std::fs::remove_dir_all(dir);
}

fn input_error(path: &Path, opts: &Options) -> String {
    match import(path, opts) {
        Err(e @ ImportError::Input { .. }) => e.to_string(),
        Err(e) => panic!("not an input error: {e}"),
        Ok(_) => panic!("{} imported", path.display()),
    }
}

#[test]
fn bad_input_gets_a_clear_message_naming_the_file() {
    let dir = scratch("bad");
    let o = Options::default();
    let case = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = input_error(&p, &o);
        assert!(e.starts_with(&p.display().to_string()), "{e}");
        e
    };
    assert!(case("empty.osm.pbf", b"").contains("empty"));
    assert!(case("text.osm.pbf", b"<?xml version='1.0'?><osm></osm>\n").contains("not an OSM PBF"));
    let real = std::fs::read(helsinki()).unwrap();
    assert!(case("cut.osm.pbf", &real[..real.len() / 2]).contains("truncated"));
    assert!(
        case(
            "garbage.osm.pbf",
            &[
                0x00, 0x00, 0x00, 0x0d, 0x0a, 0x09, 0x4f, 0x53, 0x4d, 0x48, 0x65, 0x61, 0x64, 0x65,
                0x72, 0x18, 0x7f, 0xff
            ]
        )
        .contains("truncated")
    );
    let e = case(
        "noroads.osm.pbf",
        &encode(
            &nodes([1, 2]),
            &[way(1, &[1, 2], &[("highway", "footway")])],
        ),
    );
    assert!(e.contains("no drivable roads"), "{e}");
    assert!(input_error(&dir, &o).contains("directory"));
    assert!(input_error(&dir.join("missing.osm.pbf"), &o).contains("no such file"));
    let far = Options {
        bbox: Some("10,10,11,11".parse().unwrap()),
        ..Options::default()
    };
    assert!(input_error(&helsinki(), &far).contains("inside the bbox"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bbox_parsing() {
    use qilian_osm::BBox;
    let b: BBox = "24.9, 60.1,25.0,60.2".parse().unwrap();
    assert_eq!(
        (b.min_lon, b.min_lat, b.max_lon, b.max_lat),
        (24.9, 60.1, 25.0, 60.2)
    );
    for bad in [
        "",
        "1,2,3",
        "1,2,3,4,5",
        "a,b,c,d",
        "25,60,24,61",
        "0,0,0,0",
        "0,-91,1,1",
        "-181,0,0,1",
    ] {
        assert!(bad.parse::<BBox>().is_err(), "{bad:?} parsed");
    }
}

#[test]
fn road_names_and_refs_reach_the_region_and_its_ron() {
    let dir = scratch("names");
    let p = write(
        &dir,
        &nodes([1, 2, 3, 11, 13]),
        &[
            way(
                1,
                &[1, 2, 3],
                &[
                    ("highway", "primary"),
                    ("name", "兰新公路"),
                    ("ref", "G312"),
                ],
            ),
            way(2, &[3, 13, 11, 1], &[("highway", "residential")]),
        ],
    );
    let i = import(&p, &Options::default()).unwrap();
    for (e, w) in i.region.edges.iter().zip(&i.edge_way) {
        let want = (*w == 1).then_some("兰新公路 G312");
        assert_eq!(e.name.as_deref(), want, "way {w}");
    }
    let text = i.to_ron();
    assert!(text.contains(r#"name: Some("兰新公路 G312")"#), "{text}");
    assert!(validate(&dir, "named", &text).is_empty());
    let _ = std::fs::remove_dir_all(dir);
}
