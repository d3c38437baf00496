//! Writing an [`Import`] as region RON, one item a line, in id order, each
//! line ending with a comment naming its OSM source. Written by hand (not
//! `ron::ser`) for those comments and a compact, diff-friendly layout; strings
//! go through `ron` so escaping is always right. Numbers print with fixed
//! decimals, so the same input gives byte-identical text.

use crate::{Import, ImportError};
use std::fmt::Write as _;
use std::path::Path;

impl Import {
    /// The region as RON text, with an attribution header.
    pub fn to_ron(&self) -> String {
        let r = &self.region;
        let mut s = String::with_capacity(160 * (r.nodes.len() + 2 * r.edges.len()) + 4096);
        let _ = writeln!(
            s,
            "// Region imported from {} by `qilian import osm` (qilian-osm {}).",
            self.source,
            env!("CARGO_PKG_VERSION")
        );
        s.push_str(
            "// Map data © OpenStreetMap contributors, under the Open Database License 1.0\n\
             // (https://www.openstreetmap.org/copyright). Keep this notice with the file.\n\
             // Speeds and lanes where untagged, capacities, bridge and substation classes,\n\
             // populations, households and telecom batteries are ASSUMPTIONS: see the\n\
             // qilian-osm crate documentation (osm/src/lib.rs, tags.rs, feature.rs).\n",
        );
        for line in self.report.to_string().lines() {
            let _ = writeln!(s, "// {line}");
        }
        s.push_str("Region(\n");
        let _ = writeln!(s, "    name: {},", string(&r.name));
        match r.origin {
            Some(o) => {
                let _ = writeln!(
                    s,
                    "    origin: Some((lon: {:.6}, lat: {:.6})),",
                    o.lon, o.lat
                );
            }
            None => s.push_str("    origin: None,\n"),
        }
        s.push_str("    nodes: [\n");
        for (n, osm) in r.nodes.iter().zip(&self.node_osm) {
            let _ = writeln!(
                s,
                "        (id: {}, x: {:.2}, y: {:.2}, z: {:.1}), // osm node {osm}",
                n.id.0, n.x, n.y, n.z
            );
        }
        s.push_str("    ],\n    edges: [\n");
        for ((e, way), tunnel) in r.edges.iter().zip(&self.edge_way).zip(&self.edge_tunnel) {
            let bridge = match &e.bridge {
                Some(b) => format!("Some((fragility: {}))", string(&b.fragility)),
                None => "None".to_string(),
            };
            let name = match &e.name {
                Some(n) => format!(", name: Some({})", string(n)),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "        (id: {}, from: {}, to: {}, length_m: {:.2}, speed_kmh: {:.2}, lanes: {}, \
                 capacity_vph: {:.1}, class: {:?}, main_road: {}, bridge: {bridge}{name}), // osm way {way}{}",
                e.id.0,
                e.from.0,
                e.to.0,
                e.length_m.0,
                e.speed_kmh.0,
                e.lanes,
                e.capacity_vph.0,
                e.class,
                e.main_road,
                if *tunnel { ", tunnel" } else { "" }
            );
        }
        s.push_str("    ],\n    zones: [\n");
        let opt = |f: Option<qilian_engine::FacilityId>| match f {
            Some(id) => format!("Some({})", id.0),
            None => "None".to_string(),
        };
        for (z, src) in r.zones.iter().zip(&self.zone_source) {
            let _ = writeln!(
                s,
                "        (id: {}, name: {}, population: {}, households: {}, node: {}, power: {}, \
                 water: {}, telecom: {}), // {src}",
                z.id.0,
                string(&z.name),
                z.population,
                z.households,
                z.node.0,
                opt(z.power),
                opt(z.water),
                opt(z.telecom)
            );
        }
        s.push_str("    ],\n    facilities: [\n");
        for (f, src) in r.facilities.iter().zip(&self.facility_source) {
            let fragility = match &f.fragility {
                Some(c) => format!("Some({})", string(c)),
                None => "None".to_string(),
            };
            let capacity = match f.capacity {
                Some(c) => format!("Some({c:.1})"),
                None => "None".to_string(),
            };
            let needs: Vec<String> = f.needs.iter().map(|n| n.0.to_string()).collect();
            let _ = writeln!(
                s,
                "        (id: {}, name: {}, kind: {:?}, node: {}, fragility: {fragility}, \
                 capacity: {capacity}, needs: [{}], battery_h: {:.1}), // {src}",
                f.id.0,
                string(&f.name),
                f.kind,
                f.node.0,
                needs.join(", "),
                f.battery_h.0
            );
        }
        s.push_str("    ],\n)\n");
        s
    }
}

fn string(v: &str) -> String {
    ron::to_string(v).unwrap_or_else(|_| "\"?\"".to_string())
}

/// Write `text` to `out` through a temporary file beside it and a rename, so
/// a failure never leaves a partial region behind. Missing parent folders
/// are created.
pub fn write_atomic(out: &Path, text: &str) -> Result<(), ImportError> {
    let fail = |source| ImportError::Write {
        file: out.to_path_buf(),
        source,
    };
    let name = out.file_name().ok_or_else(|| {
        fail(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let tmp = out.with_file_name(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let result = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, out));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}
