//! # qilian-osm
//!
//! Imports an OpenStreetMap extract (`.osm.pbf`) as a Qilian region file
//! (docs/scenario-files.md#region): the drivable road graph, population zones and facilities. It
//! sits beside the data flow, before it: `qilian import osm` writes the
//! region RON that scenarios then name. Only the CLI uses this crate.
//!
//! Main items: [`import`] (file → [`Import`]: a validated-shape
//! [`Region`] plus a [`Report`] of what was kept and dropped), [`Import::to_ron`]
//! (stable, sorted text: the same input gives byte-identical output) and
//! [`write_atomic`]. Errors are [`ImportError`]s that name the file.
//!
//! ## Method
//!
//! 1. **Read** (`read.rs`): the whole file, blob framing checked,
//!    blobs decoded in parallel with `osmpbf`. `--bbox` keeps nodes inside
//!    it; nodes outside it count as missing.
//! 2. **Roads** ([`tags`]): drivable `highway` classes become directed links;
//!    speed from `maxspeed` (or `maxspeed:forward`/`:backward`), lanes per
//!    direction, capacity = lanes × the class's per-lane figure, `oneway` and
//!    its implications, main roads = motorway, trunk, primary, secondary and
//!    their links. The class table and every default are in [`tags`].
//! 3. **Graph** (`graph.rs`): ways split where their nodes are
//!    missing (clipped extracts), graph nodes at way ends and junctions,
//!    geodesic lengths (haversine, see [`geo`]), bridges with a default Hazus
//!    class, tunnels noted. Only the largest strongly connected component is
//!    kept (Kosaraju, petgraph): every kept node can reach every other, so no
//!    evacuee or crew is stranded by the import itself. What was dropped is
//!    reported.
//! 4. **Frame**: nodes are projected equirectangularly about the bbox centre
//!    (or the centre of the kept nodes' extent without `--bbox`), rounded to
//!    10⁻⁶°; that point is the region's `origin`. Elevations are 0: OSM has
//!    none worth trusting.
//! 5. **Facilities** ([`feature`]): from tags on nodes and
//!    ways (a way's position is the mean of its vertices that are present);
//!    each is attached to the nearest kept road node. Water plants and
//!    telecom sites need their nearest substation. A tagged relation (a
//!    multipolygon fire station, say) is placed at the mean of its member
//!    nodes and its member ways' nodes; nested relations are not followed.
//!    Schools, sports centres, stadiums, pitches and assembly points are
//!    shelters; their places come from a `capacity` tag, else from the area
//!    of their closed way at 3.5 m² a person (Sphere Handbook 2018), else a
//!    default by site (see [`feature`]).
//! 6. **Zones**, by the first method that applies:
//!    - `--zones FILE`: a CSV with a header line and rows
//!      `name,lon,lat,population[,households]` (names without commas);
//!    - `place` nodes (see [`feature`] for the types and the
//!      default populations). A city, borough or town with a suburb, quarter
//!      or neighbourhood node within 10, 5 or 3 km is left out, as those
//!      subdivide it and would count its people twice;
//!    - otherwise a grid of 1 km cells over the kept nodes: each cell holding
//!      road nodes is a zone at the node nearest its centre, with
//!      150 people per km of directed link in the cell (≈ 300 per km of
//!      two-way street — a crude proxy for built-up density, an assumption).
//!
//!    Every zone is attached to its nearest kept node. Households =
//!    population / 2.5 (an assumption, rounded up). A zone's power, water
//!    and telecom supplier is the nearest facility of that kind to the zone's
//!    own position (none when the region has none of that kind).
//! 7. **Ids**: nodes are numbered 1… in OSM id order, links in way-id order
//!    (forward before backward), facilities by kind then OSM element, zones
//!    by source order. Each line of the RON names its OSM source in a comment.
//!
//! Memory: the file and every node position are held at once (16 bytes a
//! node), which suits city and county extracts, not whole countries.
//!
//! Boundaries: imports the engine only (for the region types). It reads the
//! extract (and a zones CSV) and writes the region RON atomically; only the
//! binary uses it.

pub mod feature;
pub mod geo;
mod graph;
mod places;
mod read;
mod ron_out;
pub mod tags;

#[cfg(feature = "synth")]
pub mod synth;

use feature::{Feature, PlaceKind};
use geo::{Frame, LonLat};
use places::Nearest;
use qilian_engine::scenario::{
    Bridge, Edge, Facility, FacilityKind, GeoOrigin, Node, Region, Zone,
};
use qilian_engine::{EdgeId, FacilityId, Hours, Kmh, Metres, NodeId, VehPerHour, ZoneId};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use ron_out::write_atomic;

/// Households per person (assumption): 2.5 people a household.
pub const PEOPLE_PER_HOUSEHOLD: f64 = 2.5;
/// Grid-zone cell side, metres.
pub const GRID_CELL_M: f64 = 1000.0;
/// Grid-zone people per km of directed link (assumption).
pub const PEOPLE_PER_LINK_KM: f64 = 150.0;

/// A geographic bounding box, degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    /// West edge.
    pub min_lon: f64,
    /// South edge.
    pub min_lat: f64,
    /// East edge.
    pub max_lon: f64,
    /// North edge.
    pub max_lat: f64,
}

impl std::str::FromStr for BBox {
    type Err = String;

    /// `minlon,minlat,maxlon,maxlat`.
    fn from_str(s: &str) -> Result<BBox, String> {
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("{s:?} is not four numbers minlon,minlat,maxlon,maxlat"))?;
        let [min_lon, min_lat, max_lon, max_lat] = v[..] else {
            return Err(format!(
                "{s:?} has {} numbers, expected four: minlon,minlat,maxlon,maxlat",
                v.len()
            ));
        };
        let lon = -180.0..=180.0;
        let lat = -90.0..=90.0;
        if ![min_lon, max_lon].iter().all(|x| lon.contains(x))
            || ![min_lat, max_lat].iter().all(|x| lat.contains(x))
        {
            return Err(format!(
                "{s:?} is out of range (longitudes −180…180, latitudes −90…90)"
            ));
        }
        if min_lon >= max_lon || min_lat >= max_lat {
            return Err(format!(
                "{s:?} is empty: minlon must be < maxlon and minlat < maxlat"
            ));
        }
        Ok(BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }
}

impl BBox {
    fn contains(&self, p: LonLat) -> bool {
        (self.min_lon..=self.max_lon).contains(&p.lon)
            && (self.min_lat..=self.max_lat).contains(&p.lat)
    }
}

/// What to import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Keep only what lies inside this box.
    pub bbox: Option<BBox>,
    /// A zones CSV to use instead of place nodes or the grid.
    pub zones: Option<PathBuf>,
    /// Region name (default: from the file name).
    pub name: Option<String>,
}

/// Why an import failed. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input (extract, zones file or option) is wrong.
    #[error("{}: {message}", file.display())]
    Input {
        /// The offending file.
        file: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The output could not be written.
    #[error("writing {}: {source}", file.display())]
    Write {
        /// The output file.
        file: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
}

fn input(file: &Path, message: impl Into<String>) -> ImportError {
    ImportError::Input {
        file: file.to_path_buf(),
        message: message.into(),
    }
}

/// How the zones were made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneMethod {
    /// From a zones CSV.
    File,
    /// From `place` nodes.
    Places,
    /// From a 1 km grid.
    Grid,
}

/// What an import kept and dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Nodes in the file (inside the bbox, if any).
    pub osm_nodes: usize,
    /// Ways in the file.
    pub ways: u64,
    /// Drivable ways read.
    pub drivable_ways: usize,
    /// Drivable-class ways left out by access or service tags.
    pub excluded_ways: u64,
    /// Drivable ways whose speed came from a `maxspeed` tag.
    pub speed_tagged_ways: usize,
    /// Node references of drivable ways whose node is missing (or outside the bbox).
    pub missing_refs: u64,
    /// Extra pieces ways were split into at such gaps.
    pub pieces_from_gaps: u64,
    /// Drivable ways with fewer than two usable nodes in a row.
    pub unusable_ways: u64,
    /// Strongly connected components before keeping the largest.
    pub components: usize,
    /// Graph nodes outside the largest component.
    pub dropped_nodes: usize,
    /// Links outside the largest component.
    pub dropped_edges: usize,
    /// Nodes kept.
    pub nodes: usize,
    /// Links kept.
    pub edges: usize,
    /// Kept links on bridges.
    pub bridge_edges: usize,
    /// Kept links in tunnels.
    pub tunnel_edges: usize,
    /// How the zones were made.
    pub zone_method: ZoneMethod,
    /// Zones written.
    pub zones: usize,
    /// Places left out because subdivisions cover them.
    pub places_subdivided: usize,
    /// Facilities written, by kind.
    pub facilities: BTreeMap<String, usize>,
    /// Tagged features with no usable position (all their nodes missing).
    pub features_unplaced: usize,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "read {} nodes, {} ways ({} drivable, {} excluded by access/service tags; \
             {} with a readable maxspeed)",
            self.osm_nodes,
            self.ways,
            self.drivable_ways,
            self.excluded_ways,
            self.speed_tagged_ways
        )?;
        writeln!(
            f,
            "missing nodes: {} references; ways split into {} extra pieces; {} ways unusable",
            self.missing_refs, self.pieces_from_gaps, self.unusable_ways
        )?;
        writeln!(
            f,
            "kept the largest of {} strongly connected components: {} nodes, {} links \
             (dropped {} nodes, {} links)",
            self.components, self.nodes, self.edges, self.dropped_nodes, self.dropped_edges
        )?;
        writeln!(
            f,
            "bridges: {} links; tunnels: {} links",
            self.bridge_edges, self.tunnel_edges
        )?;
        let method = match self.zone_method {
            ZoneMethod::File => "zones file",
            ZoneMethod::Places => "place nodes",
            ZoneMethod::Grid => "1 km grid",
        };
        writeln!(
            f,
            "zones: {} from {method} ({} subdivided places left out)",
            self.zones, self.places_subdivided
        )?;
        let kinds: Vec<String> = self
            .facilities
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        write!(
            f,
            "facilities: {} ({} without a position)",
            if kinds.is_empty() {
                "none".to_string()
            } else {
                kinds.join(", ")
            },
            self.features_unplaced
        )
    }
}

/// An imported region with its provenance.
#[derive(Clone, Debug)]
pub struct Import {
    /// The region, sorted by id.
    pub region: Region,
    /// What was kept and dropped.
    pub report: Report,
    /// The file name it came from (no directories, so output is portable).
    pub source: String,
    /// OSM node id of each region node (parallel to `region.nodes`).
    pub node_osm: Vec<i64>,
    /// OSM way id of each region edge (parallel to `region.edges`).
    pub edge_way: Vec<i64>,
    /// Whether each region edge is in a tunnel.
    pub edge_tunnel: Vec<bool>,
    /// Where each zone came from (`osm node 1`, `grid 3,-2`, `zones.csv:4`).
    pub zone_source: Vec<String>,
    /// Where each facility came from (`osm node 1`, `osm way 2`).
    pub facility_source: Vec<String>,
}

/// Import an extract.
pub fn import(path: &Path, opts: &Options) -> Result<Import, ImportError> {
    let bytes = qilian_engine::input::read(path).map_err(|e| input(path, e.reason()))?;
    let zones_csv = match &opts.zones {
        Some(z) => Some(read_zones(z)?),
        None => None,
    };
    let raw = read::read(&bytes).map_err(|m| input(path, m))?;
    drop(bytes);
    let inside: Vec<bool> = raw
        .nodes
        .iter()
        .map(|n| opts.bbox.is_none_or(|b| b.contains(graph::position(n))))
        .collect();
    let built = graph::build(&raw.nodes, &inside, &raw.roads);
    if built.kept.is_empty() {
        return Err(input(
            path,
            if opts.bbox.is_some() {
                "no drivable roads inside the bbox"
            } else {
                "no drivable roads in this extract"
            },
        ));
    }
    let origin = match opts.bbox {
        Some(b) => LonLat {
            lon: (b.min_lon + b.max_lon) / 2.0,
            lat: (b.min_lat + b.max_lat) / 2.0,
        },
        None => {
            let (mut lo, mut hi) = (
                LonLat {
                    lon: f64::MAX,
                    lat: f64::MAX,
                },
                LonLat {
                    lon: f64::MIN,
                    lat: f64::MIN,
                },
            );
            for &i in &built.kept {
                let p = graph::position(&raw.nodes[i]);
                lo = LonLat {
                    lon: lo.lon.min(p.lon),
                    lat: lo.lat.min(p.lat),
                };
                hi = LonLat {
                    lon: hi.lon.max(p.lon),
                    lat: hi.lat.max(p.lat),
                };
            }
            LonLat {
                lon: (lo.lon + hi.lon) / 2.0,
                lat: (lo.lat + hi.lat) / 2.0,
            }
        }
    };
    let origin = LonLat {
        lon: (origin.lon * 1e6).round() / 1e6,
        lat: (origin.lat * 1e6).round() / 1e6,
    };
    let frame = Frame::new(origin);

    // Nodes and links.
    let mut node_id = vec![0u32; raw.nodes.len()];
    let mut nodes = Vec::with_capacity(built.kept.len());
    let mut node_osm = Vec::with_capacity(built.kept.len());
    let mut pts = Vec::with_capacity(built.kept.len());
    for (k, &i) in built.kept.iter().enumerate() {
        node_id[i] = k as u32 + 1;
        let (x, y) = frame.project(graph::position(&raw.nodes[i]));
        let (x, y) = (round2(x), round2(y));
        nodes.push(Node {
            id: NodeId(k as u32 + 1),
            x,
            y,
            z: 0.0,
        });
        node_osm.push(raw.nodes[i].id);
        pts.push((x, y));
    }
    let edges: Vec<Edge> = built
        .edges
        .iter()
        .enumerate()
        .map(|(k, e)| Edge {
            id: EdgeId(k as u32 + 1),
            from: NodeId(node_id[e.from]),
            to: NodeId(node_id[e.to]),
            length_m: Metres(round2(e.length_m)),
            speed_kmh: Kmh(round2(e.speed_kmh)),
            lanes: e.lanes,
            capacity_vph: VehPerHour(e.capacity_vph),
            class: e.class,
            main_road: e.main_road,
            bridge: e.bridge.map(|f| Bridge {
                fragility: f.to_string(),
            }),
            liquefaction: None,
            name: e.name.as_deref().map(str::to_string),
        })
        .collect();
    let nearest_node = Nearest::new(pts, 250.0);
    let index = |id: i64| raw.nodes.binary_search_by_key(&id, |n| n.id).ok();

    // Features with positions.
    let mut features_unplaced = 0;
    // (feature, position, footprint area in m² for a closed way whose
    // nodes are all present).
    let mut placed: Vec<(&read::RawFeature, (f64, f64), Option<f64>)> = Vec::new();
    for f in &raw.features {
        let ps: Vec<LonLat> = f
            .refs
            .iter()
            .filter_map(|&r| index(r).filter(|&i| inside[i]))
            .map(|i| graph::position(&raw.nodes[i]))
            .collect();
        // A closed way repeats its first node; count it once.
        let ps = if ps.len() > 1 && ps.first() == ps.last() {
            &ps[..ps.len() - 1]
        } else {
            &ps[..]
        };
        if ps.is_empty() {
            features_unplaced += 1;
            continue;
        }
        let n = ps.len() as f64;
        let mean = LonLat {
            lon: ps.iter().map(|p| p.lon).sum::<f64>() / n,
            lat: ps.iter().map(|p| p.lat).sum::<f64>() / n,
        };
        let closed_way = f.element == read::ElementType::Way
            && f.refs.len() >= 4
            && f.refs.first() == f.refs.last()
            && ps.len() == f.refs.len() - 1;
        let area = closed_way.then(|| {
            let xy: Vec<(f64, f64)> = ps.iter().map(|&p| frame.project(p)).collect();
            let n = xy.len();
            let twice: f64 = (0..n)
                .map(|i| {
                    let (a, b) = (xy[i], xy[(i + 1) % n]);
                    a.0 * b.1 - b.0 * a.1
                })
                .sum();
            twice.abs() / 2.0
        });
        placed.push((f, frame.project(mean), area.filter(|a| *a > 0.0)));
    }

    // Facilities, sorted by kind then element.
    let mut fac: Vec<(&read::RawFeature, (f64, f64), Option<f64>)> = placed
        .iter()
        .filter(|(f, _, _)| matches!(f.feature, Feature::Facility { .. }))
        .copied()
        .collect();
    fac.sort_by_key(|(f, _, _)| {
        let Feature::Facility { kind, .. } = f.feature else {
            unreachable!("filtered to facilities")
        };
        (kind, f.element, f.id)
    });
    let mut facilities = Vec::with_capacity(fac.len());
    let mut facility_source = Vec::with_capacity(fac.len());
    // Per kind: facility ids and their positions.
    type Located = (Vec<u32>, Vec<(f64, f64)>);
    let mut by_kind: BTreeMap<FacilityKind, Located> = BTreeMap::new();
    for (k, (f, (x, y), area)) in fac.iter().enumerate() {
        let Feature::Facility {
            kind,
            ref fragility,
            capacity,
            battery_h,
            site,
        } = f.feature
        else {
            unreachable!("filtered to facilities")
        };
        let id = k as u32 + 1;
        let node = nearest_node.nearest(*x, *y).expect("kept nodes exist") as u32 + 1;
        let element = f.element.name();
        let name = f.name.clone().unwrap_or_else(|| {
            let what = site.map_or(kind_name(kind), |s| s.name());
            format!("{what} (osm {element} {})", f.id)
        });
        // A shelter's places: its tag, else its area, else a default.
        let (capacity, rule) = match (site, capacity, area) {
            (Some(_), Some(c), _) => (Some(c), "; places from its capacity tag".to_string()),
            (Some(site), None, Some(a)) => {
                let places = (a / feature::SHELTER_M2_PER_PERSON).floor().max(1.0);
                (
                    Some(places),
                    format!(
                        "; {}: {a:.0} m² / {} m² a person (Sphere Handbook 2018) = {places:.0} places",
                        site.tag(),
                        feature::SHELTER_M2_PER_PERSON
                    ),
                )
            }
            (Some(site), None, None) => (
                Some(site.default_capacity()),
                format!(
                    "; {}: no area, {} places (ASSUMPTION)",
                    site.tag(),
                    site.default_capacity()
                ),
            ),
            (None, c, _) => (c, String::new()),
        };
        facilities.push(Facility {
            id: FacilityId(id),
            name,
            kind,
            node: NodeId(node),
            fragility: fragility.clone(),
            capacity,
            needs: Vec::new(),
            battery_h: Hours(battery_h),
        });
        facility_source.push(format!("osm {element} {}{rule}", f.id));
        let e = by_kind.entry(kind).or_default();
        e.0.push(id);
        e.1.push((*x, *y));
    }
    let nearest_of: BTreeMap<FacilityKind, (Vec<u32>, Nearest)> = by_kind
        .into_iter()
        .map(|(k, (ids, pts))| (k, (ids, Nearest::new(pts, 500.0))))
        .collect();
    let nearest_facility = |kind: FacilityKind, x: f64, y: f64| {
        nearest_of
            .get(&kind)
            .and_then(|(ids, idx)| idx.nearest(x, y).map(|i| FacilityId(ids[i])))
    };
    for (f, (_, (x, y), _)) in facilities.iter_mut().zip(&fac) {
        if matches!(f.kind, FacilityKind::WaterPlant | FacilityKind::TelecomSite) {
            f.needs = nearest_facility(FacilityKind::Substation, *x, *y)
                .into_iter()
                .collect();
        }
    }

    // Zones: (name, position, population, households, source).
    let mut places_subdivided = 0;
    let (zone_method, zone_specs) = if let Some(rows) = zones_csv {
        (
            ZoneMethod::File,
            rows.into_iter()
                .map(|r| ZoneSpec {
                    xy: frame.project(r.at),
                    ..r.spec
                })
                .collect(),
        )
    } else {
        type Place<'a> = (&'a read::RawFeature, (f64, f64), PlaceKind, Option<u32>);
        let place_list: Vec<Place> = placed
            .iter()
            .filter_map(|(f, xy, _)| match f.feature {
                Feature::Place { kind, population } => Some((*f, *xy, kind, population)),
                Feature::Facility { .. } => None,
            })
            .collect();
        let subdivisions: Vec<(f64, f64)> = place_list
            .iter()
            .filter(|p| p.2.is_subdivision())
            .map(|p| p.1)
            .collect();
        let mut specs = Vec::new();
        for (f, (x, y), kind, population) in &place_list {
            if let Some(r) = kind.subdivided_within_m()
                && subdivisions
                    .iter()
                    .any(|(sx, sy)| (sx - x).powi(2) + (sy - y).powi(2) <= r * r)
            {
                places_subdivided += 1;
                continue;
            }
            let population = population.unwrap_or(kind.default_population());
            if population == 0 {
                continue;
            }
            specs.push(ZoneSpec {
                name: f
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("place (osm node {})", f.id)),
                xy: (*x, *y),
                population,
                households: None,
                source: format!("osm node {}", f.id),
            });
        }
        if specs.is_empty() {
            (ZoneMethod::Grid, grid_zones(&nodes, &edges))
        } else {
            (ZoneMethod::Places, specs)
        }
    };
    let mut zones = Vec::with_capacity(zone_specs.len());
    let mut zone_source = Vec::with_capacity(zone_specs.len());
    for (k, z) in zone_specs.into_iter().enumerate() {
        let (x, y) = z.xy;
        let node = nearest_node.nearest(x, y).expect("kept nodes exist") as u32 + 1;
        let households = z.households.unwrap_or_else(|| {
            ((f64::from(z.population) / PEOPLE_PER_HOUSEHOLD).ceil() as u32).max(1)
        });
        zones.push(Zone {
            id: ZoneId(k as u32 + 1),
            name: z.name,
            population: z.population,
            households: households.min(z.population),
            node: NodeId(node),
            power: nearest_facility(FacilityKind::Substation, x, y),
            water: nearest_facility(FacilityKind::WaterPlant, x, y),
            telecom: nearest_facility(FacilityKind::TelecomSite, x, y),
        });
        zone_source.push(z.source);
    }

    let mut facility_counts = BTreeMap::new();
    for f in &facilities {
        *facility_counts
            .entry(kind_name(f.kind).to_string())
            .or_insert(0) += 1;
    }
    let source = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = opts.name.clone().unwrap_or_else(|| {
        let stem = source
            .strip_suffix(".osm.pbf")
            .or_else(|| source.strip_suffix(".pbf"))
            .unwrap_or(&source);
        format!("{stem} (OpenStreetMap)")
    });
    let report = Report {
        osm_nodes: inside.iter().filter(|&&b| b).count(),
        ways: raw.ways_read,
        drivable_ways: raw.roads.len(),
        excluded_ways: raw.roads_excluded,
        speed_tagged_ways: raw.roads.iter().filter(|w| w.tagged_speed).count(),
        missing_refs: built.missing_refs,
        pieces_from_gaps: built.pieces_from_gaps,
        unusable_ways: built.ways_unusable,
        components: built.components,
        dropped_nodes: built.dropped_nodes,
        dropped_edges: built.dropped_edges,
        nodes: nodes.len(),
        edges: edges.len(),
        bridge_edges: edges.iter().filter(|e| e.bridge.is_some()).count(),
        tunnel_edges: built.edges.iter().filter(|e| e.tunnel).count(),
        zone_method,
        zones: zones.len(),
        places_subdivided,
        facilities: facility_counts,
        features_unplaced,
    };
    Ok(Import {
        region: Region {
            name,
            origin: Some(GeoOrigin {
                lon: origin.lon,
                lat: origin.lat,
            }),
            nodes,
            edges,
            zones,
            facilities,
            rasters: Default::default(),
            ground: Default::default(),
        },
        report,
        source,
        node_osm,
        edge_way: built.edges.iter().map(|e| e.way).collect(),
        edge_tunnel: built.edges.iter().map(|e| e.tunnel).collect(),
        zone_source,
        facility_source,
    })
}

fn round2(v: f64) -> f64 {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

fn kind_name(kind: FacilityKind) -> &'static str {
    match kind {
        FacilityKind::Substation => "substation",
        FacilityKind::WaterPlant => "water plant",
        FacilityKind::TelecomSite => "telecom site",
        FacilityKind::Hospital => "hospital",
        FacilityKind::FireStation => "fire station",
        FacilityKind::Shelter => "shelter",
        FacilityKind::ChemicalPlant => "chemical plant",
        FacilityKind::Other => "other",
    }
}

struct ZoneSpec {
    name: String,
    xy: (f64, f64),
    population: u32,
    households: Option<u32>,
    source: String,
}

/// Zones from a grid of [`GRID_CELL_M`] cells over the kept nodes.
fn grid_zones(nodes: &[Node], edges: &[Edge]) -> Vec<ZoneSpec> {
    let cell = |x: f64, y: f64| {
        (
            (x / GRID_CELL_M).floor() as i64,
            (y / GRID_CELL_M).floor() as i64,
        )
    };
    // Node ids are 1..=n in order, so index = id - 1.
    let mut km: BTreeMap<(i64, i64), f64> = BTreeMap::new();
    for e in edges {
        let n = &nodes[e.from.0 as usize - 1];
        *km.entry(cell(n.x, n.y)).or_default() += e.length_m.0 / 1000.0;
    }
    km.into_iter()
        .filter_map(|((cx, cy), km)| {
            let population = (km * PEOPLE_PER_LINK_KM).round() as u32;
            (population > 0).then(|| ZoneSpec {
                name: format!("grid {cx},{cy}"),
                xy: (
                    (cx as f64 + 0.5) * GRID_CELL_M,
                    (cy as f64 + 0.5) * GRID_CELL_M,
                ),
                population,
                households: None,
                source: format!("grid cell {cx},{cy} ({km:.2} link-km)"),
            })
        })
        .collect()
}

struct CsvZone {
    at: LonLat,
    spec: ZoneSpec,
}

/// Read a zones CSV: header, then `name,lon,lat,population[,households]`.
fn read_zones(path: &Path) -> Result<Vec<CsvZone>, ImportError> {
    let text = qilian_engine::input::read_to_string(path).map_err(|e| input(path, e.reason()))?;
    let mut rows = Vec::new();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    match lines.next() {
        Some((_, h))
            if h.trim_start()
                .to_ascii_lowercase()
                .starts_with("name,lon,lat,population") => {}
        _ => {
            return Err(input(
                path,
                "line 1: expected the header name,lon,lat,population[,households]",
            ));
        }
    }
    for (i, line) in lines {
        let at = |m: String| input(path, format!("line {}: {m}", i + 1));
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if !(4..=5).contains(&f.len()) {
            return Err(at(format!("expected 4 or 5 fields, got {}", f.len())));
        }
        let num = |k: usize, what: &str| {
            f[k].parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| at(format!("{what} {:?} is not a number", f[k])))
        };
        let (lon, lat) = (num(1, "lon")?, num(2, "lat")?);
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(at(format!("position {lon},{lat} is out of range")));
        }
        let count = |k: usize, what: &str| {
            f[k].parse::<u32>()
                .map_err(|_| at(format!("{what} {:?} is not a whole number", f[k])))
        };
        let population = count(3, "population")?;
        let households = if f.len() == 5 {
            let h = count(4, "households")?;
            if h > population || (population > 0 && h == 0) {
                return Err(at(format!("{h} households do not fit {population} people")));
            }
            Some(h)
        } else {
            None
        };
        rows.push(CsvZone {
            at: LonLat { lon, lat },
            spec: ZoneSpec {
                name: f[0].trim_matches('"').to_string(),
                xy: (0.0, 0.0),
                population,
                households,
                source: format!(
                    "{}:{}",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    i + 1
                ),
            },
        });
    }
    if rows.is_empty() {
        return Err(input(path, "has no zone rows"));
    }
    Ok(rows)
}
