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
//! region's nodes, with the same properties ([`zone_areas`]).
//!
//! Hazard footprints go two ways: `hazards.geojson` holds one MultiPolygon
//! per footprint and class (flood-depth bands, fire arrival isochrones, AEGL
//! zones, PGA bands; cells merged as on the maps), and each zone carries the
//! footprint's value at its node and its class ([`add_zone_hazards`]).
//!
//! Objects are built with `serde_json`, whose maps keep a fixed key order, so
//! the same run always gives the same bytes.

use crate::maps::{HazardLayer, class_rects};
use crate::replay::{Durations, state_at};
use crate::voronoi;
use qilian_engine::scenario::{GeoOrigin, Region};
use qilian_engine::{NodeId, RunResult, Scenario, Service};
use qilian_evaluator::Summary;
use qilian_evaluator::curves::{ZoneRestore, ZoneRisk, zone_restores};
use qilian_hazardlib::footprint::{Footprint, FootprintKind};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

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

    fn point(&self, n: NodeId) -> Value {
        match self.nodes.get(&n) {
            Some(&(x, y)) => match self.origin {
                Some(o) => json!(to_wgs84(o, x, y)),
                None => json!([round(x, 100.0), round(y, 100.0)]),
            },
            None => Value::Null,
        }
    }

    /// A Point feature at node `n` with `properties` (null geometry when
    /// the node is unknown): zones, facilities and zone risks use it.
    fn point_feature(&self, n: NodeId, properties: Map<String, Value>) -> Value {
        feature(
            json!({ "type": "Point", "coordinates": self.point(n) }),
            properties,
        )
    }

    /// A position in the region's metres.
    fn xy(&self, x: f64, y: f64) -> Value {
        match self.origin {
            Some(o) => json!(to_wgs84(o, x, y)),
            None => json!([round(x, 100.0), round(y, 100.0)]),
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

fn feature(geometry: Value, properties: Map<String, Value>) -> Value {
    if geometry.get("coordinates").is_some_and(Value::is_null) {
        return json!({ "type": "Feature", "geometry": null, "properties": properties });
    }
    json!({ "type": "Feature", "geometry": geometry, "properties": properties })
}

fn collection(name: &str, p: &Project, meta: Value, features: Vec<Value>) -> Value {
    let mut q = Map::new();
    q.insert("crs".into(), json!(p.crs()));
    if let Value::Object(m) = meta {
        q.extend(m);
    }
    json!({
        "type": "FeatureCollection",
        "name": name,
        "qilian": q,
        "features": features,
    })
}

/// The three layers of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Layers {
    /// Zones as points at their network node.
    pub zones: Value,
    /// Road links as two-point lines.
    pub roads: Value,
    /// Facilities as points.
    pub facilities: Value,
}

fn h(x: f64) -> f64 {
    round(x, 1e4)
}

/// GeoJSON of a run: each zone with its services at the end, hours without
/// each service and when each came back for good; each road link with its
/// state at the end and hours closed or damaged; each facility with its
/// damage at the end and hours damaged. The run's KPIs ride on the zones
/// collection.
pub fn of_run(run: &RunResult, summary: &Summary) -> Layers {
    let s: &Scenario = &run.scenario;
    let p = Project::of(&s.region);
    let horizon = s.horizon().0;
    let end = state_at(&run.events, horizon);
    let d = Durations::of(&run.events, horizon);
    let restores: BTreeMap<_, ZoneRestore> = zone_restores(run, summary.onset_h)
        .into_iter()
        .map(|r| (r.zone, r))
        .collect();
    let meta = json!({
        "scenario": s.name,
        "plan": s.plan.name,
        "seed": run.seed,
        "replicate": run.replicate,
        "onset_h": summary.onset_h,
    });
    let zones = s
        .region
        .zones
        .iter()
        .map(|z| {
            let mut m = Map::new();
            m.insert("id".into(), json!(z.id));
            m.insert("name".into(), json!(z.name));
            m.insert("population".into(), json!(z.population));
            m.insert("households".into(), json!(z.households));
            for svc in Service::ALL {
                let n = svc.name();
                m.insert(format!("{n}_out_at_end"), json!(end.is_out(z.id, svc)));
                m.insert(
                    format!("{n}_out_h"),
                    json!(h(d.out_h.get(&(z.id, svc)).copied().unwrap_or(0.0))),
                );
                m.insert(
                    format!("{n}_restored_h"),
                    json!(restores.get(&z.id).and_then(|r| r.get(svc))),
                );
            }
            m.insert(
                "awaiting_cleanup_at_end".into(),
                json!(end.contaminated.contains(&z.id)),
            );
            p.point_feature(z.node, m)
        })
        .collect();
    let mut zmeta = meta.clone();
    zmeta["kpis"] = json!(run.kpis);
    let roads = s
        .region
        .edges
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("id".into(), json!(e.id));
            m.insert("from".into(), json!(e.from));
            m.insert("to".into(), json!(e.to));
            m.insert("class".into(), json!(e.class));
            m.insert("main_road".into(), json!(e.main_road));
            m.insert("bridge".into(), json!(e.bridge.is_some()));
            m.insert("length_m".into(), json!(e.length_m.0));
            m.insert("state_at_end".into(), json!(end.road(e.id).name()));
            m.insert(
                "closed_h".into(),
                json!(h(d.closed_h.get(&e.id).copied().unwrap_or(0.0))),
            );
            m.insert(
                "damaged_h".into(),
                json!(h(d.damaged_h.get(&e.id).copied().unwrap_or(0.0))),
            );
            let (a, b) = (p.point(e.from), p.point(e.to));
            let coords = if a.is_null() || b.is_null() {
                Value::Null
            } else {
                json!([a, b])
            };
            feature(json!({ "type": "LineString", "coordinates": coords }), m)
        })
        .collect();
    let facilities = s
        .region
        .facilities
        .iter()
        .map(|f| {
            let mut m = Map::new();
            m.insert("id".into(), json!(f.id));
            m.insert("name".into(), json!(f.name));
            m.insert("kind".into(), json!(f.kind));
            m.insert("capacity".into(), json!(f.capacity));
            m.insert("damage_at_end".into(), json!(end.facility(f.id)));
            m.insert(
                "damaged_h".into(),
                json!(h(d.facility_down_h.get(&f.id).copied().unwrap_or(0.0))),
            );
            p.point_feature(f.node, m)
        })
        .collect();
    Layers {
        zones: collection("zones", &p, zmeta, zones),
        roads: collection("roads", &p, meta.clone(), roads),
        facilities: collection("facilities", &p, meta, facilities),
    }
}

/// GeoJSON of zones with, per service, the probability over a stress run of
/// being without it past its deadline: `risks` holds (service, deadline in
/// hours, per-zone risks).
pub fn zone_risk(scenario: &Scenario, risks: &[(Service, f64, Vec<ZoneRisk>)]) -> Value {
    let p = Project::of(&scenario.region);
    let by: Vec<(Service, f64, BTreeMap<_, &ZoneRisk>)> = risks
        .iter()
        .map(|(s, d, r)| (*s, *d, r.iter().map(|z| (z.zone, z)).collect()))
        .collect();
    let features = scenario
        .region
        .zones
        .iter()
        .map(|z| {
            let mut m = Map::new();
            m.insert("id".into(), json!(z.id));
            m.insert("name".into(), json!(z.name));
            m.insert("population".into(), json!(z.population));
            for (svc, _, r) in &by {
                m.insert(
                    format!("p_{}_out_past_deadline", svc.name()),
                    json!(r.get(&z.id).map(|r| r.p)),
                );
            }
            p.point_feature(z.node, m)
        })
        .collect();
    let deadlines: Map<String, Value> = by
        .iter()
        .map(|(s, d, _)| (format!("{}_h", s.name()), json!(d)))
        .collect();
    collection(
        "zone_risk",
        &p,
        json!({ "scenario": scenario.name, "plan": scenario.plan.name, "deadlines": deadlines }),
        features,
    )
}

/// The zones as areas: each zone's Voronoi cell about its node (the places
/// nearer that node than any other zone's), clipped to the convex hull of
/// the region's nodes ([`crate::voronoi::clip_area`]), with the same
/// properties as the points in `zones` (the collection from [`of_run`],
/// after [`add_zone_hazards`]). Zones at the same node share one cell; a
/// zone whose node is unknown has a null geometry. Near-linear in the
/// number of zones (Delaunay triangulation by `spade`).
pub fn zone_areas(region: &Region, zones: &Value) -> Value {
    let p = Project::of(region);
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
    let points = zones.get("features").and_then(Value::as_array);
    let features = cells
        .iter()
        .enumerate()
        .map(|(k, cell)| {
            let properties = points
                .and_then(|f| f.get(k))
                .and_then(|f| f.get("properties"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let coords = match cell {
                Some(ring) => {
                    let mut r: Vec<Value> = ring.iter().map(|&(x, y)| p.xy(x, y)).collect();
                    r.push(r[0].clone());
                    json!([r])
                }
                None => Value::Null,
            };
            feature(
                json!({ "type": "Polygon", "coordinates": coords }),
                properties,
            )
        })
        .collect();
    let mut meta = zones
        .get("qilian")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    meta.remove("crs");
    meta.insert(
        "areas".into(),
        json!(
            "Voronoi cells of the zone nodes, clipped to the convex hull of the region's nodes; zones at one node share a cell"
        ),
    );
    collection("zone_areas", &p, Value::Object(meta), features)
}

/// Hazard footprints are polygonised with at most this many cells a side.
const MAX_CELLS_PER_SIDE: usize = 160;

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

/// GeoJSON of a run's hazard footprints (each with its layer, from
/// [`HazardLayer::of_footprint`]): per footprint and class, one feature whose
/// geometry is a MultiPolygon of the class's cells (rows of cells merged into
/// rectangles) and whose properties say the hazard, the quantity with its
/// unit, the class's lower bound (its upper bound for arrival times) and
/// its label. Classes with no cells are left out.
pub fn hazards(scenario: &Scenario, footprints: &[(&Footprint, &HazardLayer)]) -> Value {
    let p = Project::of(&scenario.region);
    let mut features = Vec::new();
    for (f, layer) in footprints {
        let rects = class_rects(layer, MAX_CELLS_PER_SIDE);
        for (k, class) in layer.classes.iter().enumerate() {
            let polys: Vec<Value> = rects
                .iter()
                .filter(|(c, _)| *c == k)
                .map(|(_, [x0, y0, x1, y1])| {
                    json!([[
                        p.xy(*x0, *y0),
                        p.xy(*x1, *y0),
                        p.xy(*x1, *y1),
                        p.xy(*x0, *y1),
                        p.xy(*x0, *y0)
                    ]])
                })
                .collect();
            if polys.is_empty() {
                continue;
            }
            let mut m = Map::new();
            m.insert("hazard".into(), json!(f.hazard));
            m.insert("kind".into(), json!(f.kind.slug()));
            m.insert("quantity".into(), json!(f.kind.quantity()));
            let bound = if layer.descending { "to" } else { "from" };
            m.insert(bound.into(), json!(class.from));
            m.insert("class".into(), json!(class.label));
            if let FootprintKind::Plume { chemical, .. } = &f.kind {
                m.insert("chemical".into(), json!(chemical));
            }
            features.push(feature(
                json!({ "type": "MultiPolygon", "coordinates": polys }),
                m,
            ));
        }
    }
    collection(
        "hazards",
        &p,
        json!({ "scenario": scenario.name }),
        features,
    )
}

/// Add each footprint's value at every zone's node (`hazard_N_…`, rounded
/// to 4 decimals; null where the hazard did not reach) and its class label
/// (`hazard_N_class`) to the zones collection from [`of_run`].
pub fn add_zone_hazards(
    zones: &mut Value,
    scenario: &Scenario,
    footprints: &[(&Footprint, &HazardLayer)],
) {
    let Some(features) = zones.get_mut("features").and_then(Value::as_array_mut) else {
        return;
    };
    let xy: BTreeMap<NodeId, (f64, f64)> = scenario
        .region
        .nodes
        .iter()
        .map(|n| (n.id, (n.x, n.y)))
        .collect();
    for (z, feat) in scenario.region.zones.iter().zip(features) {
        let Some(props) = feat.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (f, layer) in footprints {
            let v = xy.get(&z.node).map_or(f64::NAN, |&(x, y)| {
                layer.grid.as_ref().map_or(f64::NAN, |g| g.value_at(x, y))
            });
            let v = v.is_finite().then(|| round(v, 1e4));
            let class = v
                .and_then(|v| layer.class_of(v))
                .map(|k| layer.classes[k].label.clone());
            props.insert(zone_key(f), json!(v));
            props.insert(format!("hazard_{}_class", f.hazard), json!(class));
        }
    }
}

/// Pretty JSON bytes with a final newline.
pub fn to_bytes(v: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

#[cfg(test)]
mod tests {
    use super::*;

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
