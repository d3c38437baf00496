//! GeoJSON (RFC 7946) of zones, roads and facilities with their states and
//! KPIs, so results open in QGIS.
//!
//! Coordinates are WGS84 longitude/latitude when the region has a geographic
//! `origin`: the region's local metres are projected back with a local
//! equirectangular projection about that origin (good to well under a metre
//! over a district of tens of kilometres). Without an origin they stay local
//! metres, and the collection says so in its `qilian.crs` member.
//!
//! Zones go two ways: as points at their node (`zones.geojson`) and as
//! areas, the Voronoi cells of their nodes clipped to the convex hull of the
//! region's nodes, with the same properties ([`RunLayers::zone_areas`]).
//!
//! Hazard footprints go two ways: `hazards.geojson` holds one MultiPolygon
//! per footprint and class (flood-depth bands, fire arrival isochrones, AEGL
//! zones, PGA bands; cells merged as on the maps), and each zone carries the
//! footprint's value at its node and its class ([`RunLayers`]).
//!
//! Files are written streaming: each feature is made and serialised in
//! turn (no document tree), with the members of every object in key order,
//! byte for byte what a `serde_json` map of the same values writes, so the
//! same run always gives the same bytes and memory grows only with the
//! bytes written.

use crate::maps::{HazardLayer, class_rects};
use crate::replay::{Durations, StateAt, state_at};
use crate::voronoi;
use qilian_engine::scenario::{GeoOrigin, Region};
use qilian_engine::{NodeId, RunResult, Scenario, Service, ZoneId};
use qilian_evaluator::Summary;
use qilian_evaluator::curves::{ZoneRestore, ZoneRisk, zone_restores};
use qilian_hazardlib::footprint::{Footprint, FootprintKind};
use serde::Serialize;
use serde::ser::{SerializeMap as _, SerializeSeq as _, Serializer};
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::marker::PhantomData;

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Local metres → `[lon, lat]` (degrees, 7 decimals ≈ 1 cm) about `origin`.
pub fn to_wgs84(origin: GeoOrigin, x: f64, y: f64) -> [f64; 2] {
    let lat = origin.lat + (y / EARTH_RADIUS_M).to_degrees();
    let lon = origin.lon + (x / (EARTH_RADIUS_M * origin.lat.to_radians().cos())).to_degrees();
    [round(lon, 1e7), round(lat, 1e7)]
}

fn round(x: f64, k: f64) -> f64 {
    (x * k).round() / k
}

/// How coordinates are written.
struct Project {
    origin: Option<GeoOrigin>,
    nodes: BTreeMap<NodeId, (f64, f64)>,
}

impl Project {
    fn of(region: &Region) -> Project {
        Project {
            origin: region.origin,
            nodes: region.nodes.iter().map(|n| (n.id, (n.x, n.y))).collect(),
        }
    }

    /// Node `n`'s position, `None` when the node is unknown.
    fn point(&self, n: NodeId) -> Option<[f64; 2]> {
        self.nodes.get(&n).map(|&(x, y)| self.xy(x, y))
    }

    /// A position in the region's metres.
    fn xy(&self, x: f64, y: f64) -> [f64; 2] {
        match self.origin {
            Some(o) => to_wgs84(o, x, y),
            None => [round(x, 100.0), round(y, 100.0)],
        }
    }

    fn crs(&self) -> &'static str {
        match self.origin {
            Some(_) => {
                "WGS84 longitude/latitude (EPSG:4326), from the region's local metres by a local equirectangular projection about its origin"
            }
            None => {
                "local metres (x east, y north): the region has no geographic origin, so these are not WGS84"
            }
        }
    }
}

/// A property's value, serialised as `serde_json` writes the same value.
enum Val<'a> {
    Bool(bool),
    U64(u64),
    F64(f64),
    OptF64(Option<f64>),
    Str(&'a str),
    OptString(Option<String>),
    Json(Value),
}

impl Serialize for Val<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Bool(b) => s.serialize_bool(*b),
            Val::U64(n) => s.serialize_u64(*n),
            Val::F64(x) => s.serialize_f64(*x),
            Val::OptF64(x) => x.serialize(s),
            Val::Str(t) => s.serialize_str(t),
            Val::OptString(t) => t.serialize(s),
            Val::Json(v) => v.serialize(s),
        }
    }
}

/// A feature's properties, written in key order (as a `serde_json` map
/// writes them); a key given twice keeps its last value.
struct Props<'a>(Vec<(Cow<'a, str>, Val<'a>)>);

impl<'a> Props<'a> {
    fn new() -> Props<'a> {
        Props(Vec::with_capacity(16))
    }

    fn put(&mut self, k: impl Into<Cow<'a, str>>, v: Val<'a>) {
        self.0.push((k.into(), v));
    }

    /// Sorted by key, the last of equal keys kept.
    fn sorted(mut self) -> Props<'a> {
        self.0.reverse();
        self.0.sort_by(|a, b| a.0.cmp(&b.0));
        self.0.dedup_by(|a, b| a.0 == b.0);
        self
    }
}

impl Serialize for Props<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k.as_ref(), v)?;
        }
        m.end()
    }
}

/// A feature's geometry.
enum Geom {
    /// Unknown (a node the region does not have): `null`.
    Null,
    Point([f64; 2]),
    Line([[f64; 2]; 2]),
    /// One closed ring.
    Polygon(Vec<[f64; 2]>),
    /// Rectangles, each one closed ring.
    Rects(Vec<[[f64; 2]; 5]>),
}

struct Coords<'a>(&'a Geom);

impl Serialize for Coords<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Geom::Null => s.serialize_unit(),
            Geom::Point(p) => p.serialize(s),
            Geom::Line(l) => l.serialize(s),
            Geom::Polygon(ring) => [ring].serialize(s),
            Geom::Rects(rects) => {
                let mut seq = s.serialize_seq(Some(rects.len()))?;
                for r in rects {
                    seq.serialize_element(&[r])?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for Geom {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kind = match self {
            Geom::Null => return s.serialize_unit(),
            Geom::Point(_) => "Point",
            Geom::Line(_) => "LineString",
            Geom::Polygon(_) => "Polygon",
            Geom::Rects(_) => "MultiPolygon",
        };
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("coordinates", &Coords(self))?;
        m.serialize_entry("type", kind)?;
        m.end()
    }
}

/// One feature: its geometry and (sorted) properties.
struct Feature<'a> {
    geometry: Geom,
    properties: Props<'a>,
}

impl<'a> Feature<'a> {
    fn new(geometry: Geom, properties: Props<'a>) -> Feature<'a> {
        Feature {
            geometry,
            properties: properties.sorted(),
        }
    }
}

impl Serialize for Feature<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("geometry", &self.geometry)?;
        m.serialize_entry("properties", &self.properties)?;
        m.serialize_entry("type", "Feature")?;
        m.end()
    }
}

/// The features of a collection, made one at a time as they are written.
struct Features<T, F>(usize, F, PhantomData<fn() -> T>);

impl<T: Serialize, F: Fn(usize) -> Option<T>> Serialize for Features<T, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for k in 0..self.0 {
            if let Some(f) = (self.1)(k) {
                seq.serialize_element(&f)?;
            }
        }
        seq.end()
    }
}

struct Collection<'n, T, F> {
    name: &'n str,
    qilian: Value,
    features: Features<T, F>,
}

impl<T: Serialize, F: Fn(usize) -> Option<T>> Serialize for Collection<'_, T, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("features", &self.features)?;
        m.serialize_entry("name", self.name)?;
        m.serialize_entry("qilian", &self.qilian)?;
        m.serialize_entry("type", "FeatureCollection")?;
        m.end()
    }
}

/// A FeatureCollection written as pretty JSON with a final newline, its
/// `n` features made by `feature` one at a time (`None` leaves one out)
/// and written straight out: no document tree is built. `meta` goes into
/// the `qilian` member after the `crs`.
fn write_collection<T: Serialize>(
    name: &str,
    p: &Project,
    meta: Map<String, Value>,
    n: usize,
    feature: impl Fn(usize) -> Option<T>,
) -> Vec<u8> {
    let mut q = Map::new();
    q.insert("crs".into(), json!(p.crs()));
    q.extend(meta);
    let qilian = Value::Object(q);
    let mut out = Vec::new();
    let written = if n <= MAX_PRETTY_FEATURES {
        let c = Collection {
            name,
            qilian,
            features: Features(n, feature, PhantomData),
        };
        serde_json::to_writer_pretty(&mut out, &c)
    } else {
        one_feature_a_line(&mut out, name, &qilian, n, feature)
    };
    if written.is_err() {
        out.clear();
    }
    out.push(b'\n');
    out
}

/// Collections of more features than this are written one feature a line
/// (each compact; the collection's own members as pretty JSON writes them):
/// less than half the bytes of pretty JSON, which puts every coordinate on
/// a line of its own. Smaller ones (every stock region's) are pretty.
pub const MAX_PRETTY_FEATURES: usize = 10_000;

/// A collection with its members in the order [`Collection`] writes them,
/// each feature on a line of its own.
fn one_feature_a_line<T: Serialize>(
    out: &mut Vec<u8>,
    name: &str,
    qilian: &Value,
    n: usize,
    feature: impl Fn(usize) -> Option<T>,
) -> serde_json::Result<()> {
    out.reserve(n * 256);
    out.extend_from_slice(b"{\n  \"features\": [");
    let mut first = true;
    for k in 0..n {
        if let Some(f) = feature(k) {
            out.extend_from_slice(if first { b"\n    " } else { b",\n    " });
            first = false;
            serde_json::to_writer(&mut *out, &f)?;
        }
    }
    out.extend_from_slice(if first { b"]" } else { b"\n  ]" });
    out.extend_from_slice(b",\n  \"name\": ");
    serde_json::to_writer(&mut *out, name)?;
    out.extend_from_slice(b",\n  \"qilian\": ");
    let q = serde_json::to_string_pretty(qilian)?;
    out.extend_from_slice(q.replace('\n', "\n  ").as_bytes());
    out.extend_from_slice(b",\n  \"type\": \"FeatureCollection\"\n}");
    Ok(())
}

fn h(x: f64) -> f64 {
    round(x, 1e4)
}

/// The zone property holding a footprint's value, e.g.
/// `hazard_1_flood_max_depth_m`.
fn zone_key(f: &Footprint) -> String {
    let what = match f.kind {
        FootprintKind::FloodDepth => "flood_max_depth_m",
        FootprintKind::FireArrival => "fire_arrival_h",
        FootprintKind::Plume { .. } => "plume_peak_ppm",
        FootprintKind::ShakingPga => "shaking_pga_g",
    };
    format!("hazard_{}_{what}", f.hazard)
}

/// The GeoJSON layers of one run, each written on demand ([`RunLayers::zones`],
/// [`RunLayers::zone_areas`], [`RunLayers::roads`],
/// [`RunLayers::facilities`]): the journal is replayed once, and each
/// feature is made and written in turn, so memory grows with the bytes
/// written, not with a document tree. The layers may be written from
/// different threads at once.
///
/// Zones carry their services at the end, hours without each service and
/// when each came back for good, and each hazard footprint's value at the
/// zone's node (`hazard_N_…`, rounded to 4 decimals; null where the hazard
/// did not reach) with its class label (`hazard_N_class`); each road link
/// its state at the end and hours closed or damaged; each facility its
/// damage at the end and hours damaged. The run's KPIs ride on the zones
/// collections.
pub struct RunLayers<'a> {
    s: &'a Scenario,
    p: Project,
    end: StateAt,
    d: Durations,
    restores: BTreeMap<ZoneId, ZoneRestore>,
    meta: Map<String, Value>,
    kpis: Value,
    footprints: &'a [(&'a Footprint, &'a HazardLayer)],
    /// Per service: its name and its three zone keys.
    svc_keys: Vec<(Service, [String; 3])>,
    /// Per footprint: its value key and class key.
    hazard_keys: Vec<(String, String)>,
    xy: BTreeMap<NodeId, (f64, f64)>,
}

impl<'a> RunLayers<'a> {
    /// The layers of `run`, with its hazard `footprints` (each with its
    /// layer, from [`HazardLayer::of_footprint`]) on the zones.
    pub fn new(
        run: &'a RunResult,
        summary: &Summary,
        footprints: &'a [(&'a Footprint, &'a HazardLayer)],
    ) -> RunLayers<'a> {
        let s: &Scenario = &run.scenario;
        let horizon = s.horizon().0;
        let meta = json!({
            "scenario": s.name,
            "plan": s.plan.name,
            "seed": run.seed,
            "replicate": run.replicate,
            "onset_h": summary.onset_h,
        });
        let Value::Object(meta) = meta else {
            unreachable!("an object")
        };
        RunLayers {
            s,
            p: Project::of(&s.region),
            end: state_at(&run.events, horizon),
            d: Durations::of(&run.events, horizon),
            restores: zone_restores(run, summary.onset_h)
                .into_iter()
                .map(|r| (r.zone, r))
                .collect(),
            meta,
            kpis: json!(run.kpis),
            footprints,
            svc_keys: Service::ALL
                .iter()
                .map(|svc| {
                    let n = svc.name();
                    (
                        *svc,
                        [
                            format!("{n}_out_at_end"),
                            format!("{n}_out_h"),
                            format!("{n}_restored_h"),
                        ],
                    )
                })
                .collect(),
            hazard_keys: footprints
                .iter()
                .map(|(f, _)| (zone_key(f), format!("hazard_{}_class", f.hazard)))
                .collect(),
            xy: s.region.nodes.iter().map(|n| (n.id, (n.x, n.y))).collect(),
        }
    }

    /// Zone `k`'s properties.
    fn zone_props(&self, k: usize) -> Props<'_> {
        let z = &self.s.region.zones[k];
        let mut m = Props::new();
        m.put("id", Val::U64(u64::from(z.id.0)));
        m.put("name", Val::Str(&z.name));
        m.put("population", Val::U64(u64::from(z.population)));
        m.put("households", Val::U64(u64::from(z.households)));
        for (svc, [at_end, out_h, restored_h]) in &self.svc_keys {
            m.put(at_end.as_str(), Val::Bool(self.end.is_out(z.id, *svc)));
            m.put(
                out_h.as_str(),
                Val::F64(h(self.d.out_h.get(&(z.id, *svc)).copied().unwrap_or(0.0))),
            );
            m.put(
                restored_h.as_str(),
                Val::OptF64(self.restores.get(&z.id).and_then(|r| r.get(*svc))),
            );
        }
        m.put(
            "awaiting_cleanup_at_end",
            Val::Bool(self.end.contaminated.contains(&z.id)),
        );
        for ((_, layer), (value_key, class_key)) in self.footprints.iter().zip(&self.hazard_keys) {
            let v = self.xy.get(&z.node).map_or(f64::NAN, |&(x, y)| {
                layer.grid.as_ref().map_or(f64::NAN, |g| g.value_at(x, y))
            });
            let v = v.is_finite().then(|| round(v, 1e4));
            let class = v
                .and_then(|v| layer.class_of(v))
                .map(|k| layer.classes[k].label.clone());
            m.put(value_key.as_str(), Val::OptF64(v));
            m.put(class_key.as_str(), Val::OptString(class));
        }
        m
    }

    fn zone_meta(&self) -> Map<String, Value> {
        let mut m = self.meta.clone();
        m.insert("kpis".into(), self.kpis.clone());
        m
    }

    /// `zones.geojson`: zones as points at their network node.
    pub fn zones(&self) -> Vec<u8> {
        let zones = &self.s.region.zones;
        write_collection("zones", &self.p, self.zone_meta(), zones.len(), |k| {
            let g = self.p.point(zones[k].node).map_or(Geom::Null, Geom::Point);
            Some(Feature::new(g, self.zone_props(k)))
        })
    }

    /// `zone-areas.geojson`: the zones as areas, each zone's Voronoi cell
    /// about its node (the places nearer that node than any other zone's),
    /// clipped to the convex hull of the region's nodes
    /// ([`crate::voronoi::clip_area`]), with the same properties as the
    /// points of [`RunLayers::zones`]. Zones at the same node share one
    /// cell; a zone whose node is unknown has a null geometry.
    /// Near-linear in the number of zones (Delaunay triangulation by
    /// `spade`).
    pub fn zone_areas(&self) -> Vec<u8> {
        let region = &self.s.region;
        let p = &self.p;
        let nodes: Vec<(f64, f64)> = region.nodes.iter().map(|n| (n.x, n.y)).collect();
        let clip = voronoi::clip_area(&nodes);
        let sites: Vec<(f64, f64)> = region
            .zones
            .iter()
            .map(|z| {
                p.nodes
                    .get(&z.node)
                    .copied()
                    .unwrap_or((f64::NAN, f64::NAN))
            })
            .collect();
        let cells = voronoi::cells(&sites, &clip);
        let mut meta = self.zone_meta();
        meta.insert(
            "areas".into(),
            json!(
                "Voronoi cells of the zone nodes, clipped to the convex hull of the region's nodes; zones at one node share a cell"
            ),
        );
        write_collection("zone_areas", p, meta, cells.len(), |k| {
            let props = if k < region.zones.len() {
                self.zone_props(k)
            } else {
                Props::new()
            };
            let g = match &cells[k] {
                Some(ring) => {
                    let mut r: Vec<[f64; 2]> = ring.iter().map(|&(x, y)| p.xy(x, y)).collect();
                    r.push(r[0]);
                    Geom::Polygon(r)
                }
                None => Geom::Null,
            };
            Some(Feature::new(g, props))
        })
    }

    /// `roads.geojson`: road links as two-point lines.
    pub fn roads(&self) -> Vec<u8> {
        let edges = &self.s.region.edges;
        let (end, d) = (&self.end, &self.d);
        write_collection("roads", &self.p, self.meta.clone(), edges.len(), |k| {
            let e = &edges[k];
            let mut m = Props::new();
            m.put("id", Val::U64(u64::from(e.id.0)));
            m.put("from", Val::U64(u64::from(e.from.0)));
            m.put("to", Val::U64(u64::from(e.to.0)));
            m.put("class", Val::Json(json!(e.class)));
            m.put("main_road", Val::Bool(e.main_road));
            m.put("bridge", Val::Bool(e.bridge.is_some()));
            m.put("length_m", Val::F64(e.length_m.0));
            m.put("state_at_end", Val::Str(end.road(e.id).name()));
            m.put(
                "closed_h",
                Val::F64(h(d.closed_h.get(&e.id).copied().unwrap_or(0.0))),
            );
            m.put(
                "damaged_h",
                Val::F64(h(d.damaged_h.get(&e.id).copied().unwrap_or(0.0))),
            );
            let g = match (self.p.point(e.from), self.p.point(e.to)) {
                (Some(a), Some(b)) => Geom::Line([a, b]),
                _ => Geom::Null,
            };
            Some(Feature::new(g, m))
        })
    }

    /// `facilities.geojson`: facilities as points.
    pub fn facilities(&self) -> Vec<u8> {
        let facilities = &self.s.region.facilities;
        let (end, d) = (&self.end, &self.d);
        write_collection(
            "facilities",
            &self.p,
            self.meta.clone(),
            facilities.len(),
            |k| {
                let f = &facilities[k];
                let mut m = Props::new();
                m.put("id", Val::U64(u64::from(f.id.0)));
                m.put("name", Val::Str(&f.name));
                m.put("kind", Val::Json(json!(f.kind)));
                m.put("capacity", Val::Json(json!(f.capacity)));
                m.put("damage_at_end", Val::Json(json!(end.facility(f.id))));
                m.put(
                    "damaged_h",
                    Val::F64(h(d.facility_down_h.get(&f.id).copied().unwrap_or(0.0))),
                );
                let g = self.p.point(f.node).map_or(Geom::Null, Geom::Point);
                Some(Feature::new(g, m))
            },
        )
    }
}

/// GeoJSON of zones with, per service, the probability over a stress run of
/// being without it past its deadline: `risks` holds (service, deadline in
/// hours, per-zone risks).
pub fn zone_risk(scenario: &Scenario, risks: &[(Service, f64, Vec<ZoneRisk>)]) -> Vec<u8> {
    let p = Project::of(&scenario.region);
    let by: Vec<(String, BTreeMap<_, &ZoneRisk>)> = risks
        .iter()
        .map(|(s, _, r)| {
            (
                format!("p_{}_out_past_deadline", s.name()),
                r.iter().map(|z| (z.zone, z)).collect(),
            )
        })
        .collect();
    let deadlines: Map<String, Value> = risks
        .iter()
        .map(|(s, d, _)| (format!("{}_h", s.name()), json!(d)))
        .collect();
    let Value::Object(meta) =
        json!({ "scenario": scenario.name, "plan": scenario.plan.name, "deadlines": deadlines })
    else {
        unreachable!("an object")
    };
    let zones = &scenario.region.zones;
    write_collection("zone_risk", &p, meta, zones.len(), |k| {
        let z = &zones[k];
        let mut m = Props::new();
        m.put("id", Val::U64(u64::from(z.id.0)));
        m.put("name", Val::Str(&z.name));
        m.put("population", Val::U64(u64::from(z.population)));
        for (key, r) in &by {
            m.put(key.as_str(), Val::OptF64(r.get(&z.id).map(|r| r.p)));
        }
        let g = p.point(z.node).map_or(Geom::Null, Geom::Point);
        Some(Feature::new(g, m))
    })
}

/// Hazard footprints are polygonised with at most this many cells a side.
const MAX_CELLS_PER_SIDE: usize = 160;

/// GeoJSON of a run's hazard footprints (each with its layer, from
/// [`HazardLayer::of_footprint`]): per footprint and class, one feature whose
/// geometry is a MultiPolygon of the class's cells (rows of cells merged into
/// rectangles) and whose properties say the hazard, the quantity with its
/// unit, the class's lower bound (its upper bound for arrival times) and
/// its label. Classes with no cells are left out.
pub fn hazards(scenario: &Scenario, footprints: &[(&Footprint, &HazardLayer)]) -> Vec<u8> {
    let p = Project::of(&scenario.region);
    let mut features = Vec::new();
    for (f, layer) in footprints {
        let rects = class_rects(layer, MAX_CELLS_PER_SIDE);
        for (k, class) in layer.classes.iter().enumerate() {
            let polys: Vec<[[f64; 2]; 5]> = rects
                .iter()
                .filter(|(c, _)| *c == k)
                .map(|(_, [x0, y0, x1, y1])| {
                    [
                        p.xy(*x0, *y0),
                        p.xy(*x1, *y0),
                        p.xy(*x1, *y1),
                        p.xy(*x0, *y1),
                        p.xy(*x0, *y0),
                    ]
                })
                .collect();
            if polys.is_empty() {
                continue;
            }
            let mut m = Props::new();
            m.put("hazard", Val::Json(json!(f.hazard)));
            m.put("kind", Val::Str(f.kind.slug()));
            m.put("quantity", Val::Str(f.kind.quantity()));
            let bound = if layer.descending { "to" } else { "from" };
            m.put(bound, Val::F64(class.from));
            m.put("class", Val::Str(&class.label));
            if let FootprintKind::Plume { chemical, .. } = &f.kind {
                m.put("chemical", Val::Str(chemical));
            }
            features.push(Feature::new(Geom::Rects(polys), m));
        }
    }
    let Value::Object(meta) = json!({ "scenario": scenario.name }) else {
        unreachable!("an object")
    };
    write_collection("hazards", &p, meta, features.len(), |k| features.get(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_feature_a_line_is_the_same_document_as_pretty_json() {
        let p = Project {
            origin: None,
            nodes: BTreeMap::new(),
        };
        let feature = |k: usize| {
            (k != 1).then(|| {
                let mut m = Props::new();
                m.put("name", Val::Str("a \"zone\""));
                m.put("id", Val::U64(k as u64));
                m.put("h", Val::F64(0.1 * k as f64));
                m.put("none", Val::OptF64(None));
                Feature::new(Geom::Point([k as f64, 2.5]), m)
            })
        };
        let meta = || {
            let Value::Object(m) = json!({ "kpis": { "a": [1, 2] }, "seed": 7 }) else {
                unreachable!()
            };
            m
        };
        let pretty = write_collection("z", &p, meta(), 4, feature);
        let mut q = Map::new();
        q.insert("crs".into(), json!(p.crs()));
        q.extend(meta());
        let mut lines = Vec::new();
        one_feature_a_line(&mut lines, "z", &Value::Object(q), 4, feature).unwrap();
        lines.push(b'\n');
        let parse = |b: &[u8]| serde_json::from_slice::<Value>(b).unwrap();
        assert_eq!(parse(&pretty), parse(&lines));
        let text = String::from_utf8(lines).unwrap();
        // Three features (the second left out), one line each.
        assert_eq!(
            text.lines().filter(|l| l.contains("\"Feature\"")).count(),
            3
        );
        assert!(
            text.starts_with("{\n  \"features\": [\n    {\"geometry\""),
            "{text}"
        );
        assert!(text.ends_with("\"FeatureCollection\"\n}\n"), "{text}");
        // And with no feature at all.
        let mut empty = Vec::new();
        one_feature_a_line(&mut empty, "z", &json!({}), 0, feature).unwrap();
        let v = parse(&empty);
        assert_eq!(v["features"], json!([]));
        assert_eq!(v["name"], "z");
    }

    #[test]
    fn projection_about_the_origin() {
        let o = GeoOrigin {
            lon: 100.455,
            lat: 38.933,
        };
        assert_eq!(to_wgs84(o, 0.0, 0.0), [100.455, 38.933]);
        // 1 km north is 1000 / R radians of latitude ≈ 0.0089932°.
        let [_, lat] = to_wgs84(o, 0.0, 1000.0);
        assert!((lat - 38.933 - 0.008_993_2).abs() < 1e-6, "{lat}");
        // 1 km east at 38.9° N is wider in degrees than 1 km north.
        let [lon, _] = to_wgs84(o, 1000.0, 0.0);
        assert!((lon - 100.455 - 0.008_993_2 / 38.933f64.to_radians().cos()).abs() < 1e-6);
    }
}
