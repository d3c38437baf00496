//! Synthetic OSM extracts for tests and benches (feature `synth`; never in
//! the `qilian` binary's normal build).
//!
//! osmpbf reads PBF but cannot write it, so this is a minimal PBF encoder:
//! protobuf by hand (varints, zig-zag, packed fields) and zlib through
//! `flate2`, following the OSM wiki's "PBF Format" page — an `OSMHeader`
//! blob, then `OSMData` blobs of dense nodes and of ways, 8,000 elements a
//! block. No relations, no metadata.

use flate2::Compression;
use flate2::write::ZlibEncoder;
use std::collections::BTreeMap;
use std::io::Write as _;

/// A node to write.
#[derive(Clone, Debug)]
pub struct SynthNode {
    /// OSM id.
    pub id: i64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

/// A way to write.
#[derive(Clone, Debug)]
pub struct SynthWay {
    /// OSM id.
    pub id: i64,
    /// Node references (may name nodes that are not written: a clipped extract).
    pub refs: Vec<i64>,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

/// Tags from `(key, value)` string pairs.
pub fn tags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const BLOCK: usize = 8000;

/// Encode nodes and ways as a PBF file image.
pub fn encode(nodes: &[SynthNode], ways: &[SynthWay]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut header = Vec::new();
    for f in ["OsmSchema-V0.6", "DenseNodes"] {
        bytes_field(&mut header, 4, f.as_bytes());
    }
    bytes_field(&mut header, 16, b"qilian-osm synth");
    blob(&mut out, "OSMHeader", &header);
    for chunk in nodes.chunks(BLOCK) {
        let mut strings = Strings::default();
        let (mut ids, mut lats, mut lons, mut kv) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut pid, mut plat, mut plon) = (0i64, 0i64, 0i64);
        let any_tags = chunk.iter().any(|n| !n.tags.is_empty());
        for n in chunk {
            let lat = (n.lat * 1e7).round() as i64;
            let lon = (n.lon * 1e7).round() as i64;
            varint(&mut ids, zigzag(n.id - pid));
            varint(&mut lats, zigzag(lat - plat));
            varint(&mut lons, zigzag(lon - plon));
            (pid, plat, plon) = (n.id, lat, lon);
            if any_tags {
                for (k, v) in &n.tags {
                    varint(&mut kv, strings.index(k));
                    varint(&mut kv, strings.index(v));
                }
                varint(&mut kv, 0);
            }
        }
        let mut dense = Vec::new();
        bytes_field(&mut dense, 1, &ids);
        bytes_field(&mut dense, 8, &lats);
        bytes_field(&mut dense, 9, &lons);
        if any_tags {
            bytes_field(&mut dense, 10, &kv);
        }
        let mut group = Vec::new();
        bytes_field(&mut group, 2, &dense);
        blob(&mut out, "OSMData", &strings.block(&[group]));
    }
    for chunk in ways.chunks(BLOCK) {
        let mut strings = Strings::default();
        let mut group = Vec::new();
        for w in chunk {
            let mut way = Vec::new();
            key(&mut way, 1, 0);
            varint(&mut way, w.id as u64);
            let (mut keys, mut vals) = (Vec::new(), Vec::new());
            for (k, v) in &w.tags {
                varint(&mut keys, strings.index(k));
                varint(&mut vals, strings.index(v));
            }
            bytes_field(&mut way, 2, &keys);
            bytes_field(&mut way, 3, &vals);
            let mut refs = Vec::new();
            let mut prev = 0i64;
            for &r in &w.refs {
                varint(&mut refs, zigzag(r - prev));
                prev = r;
            }
            bytes_field(&mut way, 8, &refs);
            bytes_field(&mut group, 3, &way);
        }
        blob(&mut out, "OSMData", &strings.block(&[group]));
    }
    out
}

/// A block's string table (index 0 is the empty string, as the format asks).
#[derive(Default)]
struct Strings {
    index: BTreeMap<String, u64>,
    list: Vec<String>,
}

impl Strings {
    fn index(&mut self, s: &str) -> u64 {
        if self.list.is_empty() {
            self.list.push(String::new());
            self.index.insert(String::new(), 0);
        }
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as u64;
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    fn block(mut self, groups: &[Vec<u8>]) -> Vec<u8> {
        self.index("");
        let mut table = Vec::new();
        for s in &self.list {
            bytes_field(&mut table, 1, s.as_bytes());
        }
        let mut block = Vec::new();
        bytes_field(&mut block, 1, &table);
        for g in groups {
            bytes_field(&mut block, 2, g);
        }
        block
    }
}

fn blob(out: &mut Vec<u8>, kind: &str, raw: &[u8]) {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    z.write_all(raw).expect("writing to memory");
    let zipped = z.finish().expect("writing to memory");
    let mut body = Vec::new();
    key(&mut body, 2, 0);
    varint(&mut body, raw.len() as u64);
    bytes_field(&mut body, 3, &zipped);
    let mut header = Vec::new();
    bytes_field(&mut header, 1, kind.as_bytes());
    key(&mut header, 3, 0);
    varint(&mut header, body.len() as u64);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
}

fn key(buf: &mut Vec<u8>, field: u32, wire: u32) {
    varint(buf, u64::from(field << 3 | wire));
}

fn bytes_field(buf: &mut Vec<u8>, field: u32, data: &[u8]) {
    key(buf, field, 2);
    varint(buf, data.len() as u64);
    buf.extend_from_slice(data);
}

fn varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// A synthetic town on a street grid: `side`×`side` junctions 100 m apart
/// (around 38.93° N, 100.45° E), `shape` shape nodes on each block, ways of
/// five blocks. Every 10th row and column is a primary road (`maxspeed=60`,
/// `lanes=4`), every 7th other row a oneway residential street; one block in
/// 50 of the primaries is a bridge. One way in 100 references a node that is
/// not in the file (a clipped extract). Villages sit every 20 junctions,
/// and a substation, a water works, a telecom mast, a hospital and a fire
/// station every 60.
///
/// Nodes: `side² + 2·side·(side−1)·shape`, about 7·side² with `shape = 3`;
/// `side = 378` gives ≈ 1,000,000.
pub fn grid_town(side: u32, shape: u32) -> Vec<u8> {
    let side = side.max(2) as i64;
    let shape = shape as i64;
    let (lon0, lat0): (f64, f64) = (100.45, 38.93);
    let dlat = 100.0 / 111_195.08;
    let dlon = dlat / lat0.to_radians().cos();
    let junction = |r: i64, c: i64| 1 + r * side + c;
    let mut nodes = Vec::new();
    for r in 0..side {
        for c in 0..side {
            let mut t = Vec::new();
            if r % 20 == 10 && c % 20 == 10 {
                t = tags(&[("place", "village"), ("name", &format!("village {r}-{c}"))]);
                if (r + c) % 40 == 0 {
                    t.push(("population".into(), "1200".into()));
                }
            } else if r % 60 == 30 && c % 60 == 30 {
                t = tags(&[("power", "substation"), ("voltage", "110000")]);
            } else if r % 60 == 31 && c % 60 == 30 {
                t = tags(&[("man_made", "water_works")]);
            } else if r % 60 == 32 && c % 60 == 30 {
                t = tags(&[("man_made", "mast"), ("tower:type", "communication")]);
            } else if r % 60 == 33 && c % 60 == 30 {
                t = tags(&[("amenity", "hospital"), ("beds", "200")]);
            } else if r % 60 == 34 && c % 60 == 30 {
                t = tags(&[("amenity", "fire_station")]);
            }
            nodes.push(SynthNode {
                id: junction(r, c),
                lon: lon0 + c as f64 * dlon,
                lat: lat0 + r as f64 * dlat,
                tags: t,
            });
        }
    }
    let mut next = side * side + 1;
    let mut ways = Vec::new();
    let mut way_id = 1i64;
    // Horizontal (along a row) then vertical streets.
    for vertical in [false, true] {
        for line in 0..side {
            let at = |k: i64| if vertical { (k, line) } else { (line, k) };
            let mut k = 0;
            while k < side - 1 {
                let end = (k + 5).min(side - 1);
                let mut refs = vec![{
                    let (r, c) = at(k);
                    junction(r, c)
                }];
                for b in k..end {
                    let (r0, c0) = at(b);
                    let (r1, c1) = at(b + 1);
                    for s in 1..=shape {
                        let f = s as f64 / (shape + 1) as f64;
                        nodes.push(SynthNode {
                            id: next,
                            lon: lon0 + (c0 as f64 + f * (c1 - c0) as f64) * dlon,
                            lat: lat0 + (r0 as f64 + f * (r1 - r0) as f64) * dlat,
                            tags: Vec::new(),
                        });
                        refs.push(next);
                        next += 1;
                    }
                    refs.push(junction(r1, c1));
                }
                let t = if line % 10 == 0 {
                    let mut t = tags(&[("highway", "primary"), ("maxspeed", "60"), ("lanes", "4")]);
                    if (k / 5 + line) % 10 == 3 {
                        t.push(("bridge".into(), "yes".into()));
                    }
                    t
                } else if line % 7 == 3 {
                    tags(&[("highway", "residential"), ("oneway", "yes")])
                } else {
                    tags(&[("highway", "residential")])
                };
                if way_id % 100 == 50 {
                    refs.push(-way_id); // a node outside the extract
                }
                ways.push(SynthWay {
                    id: way_id,
                    refs,
                    tags: t,
                });
                way_id += 1;
                k = end;
            }
        }
    }
    encode(&nodes, &ways)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_and_zigzag() {
        let mut b = Vec::new();
        varint(&mut b, 300);
        assert_eq!(b, [0xac, 0x02]);
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(-2), 3);
    }
}
