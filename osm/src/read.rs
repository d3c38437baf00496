//! Reading a PBF file into the few things the import needs: every node's
//! position, drivable ways with their parsed road attributes, and tagged
//! features (places and facilities).
//!
//! The file is read whole, its blob framing checked by hand (so an empty,
//! truncated or foreign file gets a precise message instead of a silent empty
//! result), and the blobs decoded in parallel with osmpbf; results keep file
//! order, so the import does not depend on the thread count.

use crate::feature::{self, Feature};
use crate::tags::{self, HighwayClass, Oneway};
use osmpbf::{BlobDecode, BlobReader, Element, RelMemberType};
use rayon::prelude::*;

/// A node position in 10⁻⁷ degrees (the PBF's own resolution).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawNode {
    pub id: i64,
    pub lon: i32,
    pub lat: i32,
}

/// A drivable way with its parsed attributes.
#[derive(Clone, Debug)]
pub(crate) struct RoadWay {
    pub id: i64,
    pub refs: Vec<i64>,
    pub class: &'static HighwayClass,
    pub dir: Oneway,
    /// Free-flow speed (forward, backward), km/h.
    pub speed: (f64, f64),
    /// Whether the speed came from a `maxspeed*` tag (else the class default).
    pub tagged_speed: bool,
    /// Lanes (forward, backward); 0 where not driven.
    pub lanes: (u32, u32),
    pub bridge: bool,
    pub tunnel: bool,
    /// The way's `name`, with its `ref` beside it when the name does not
    /// already hold it ("兰新公路 G312"); the `ref` alone for an unnamed way.
    pub name: Option<std::sync::Arc<str>>,
}

/// OSM element types, in the order features sort.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ElementType {
    Node,
    Way,
    Relation,
}

impl ElementType {
    pub fn name(self) -> &'static str {
        match self {
            ElementType::Node => "node",
            ElementType::Way => "way",
            ElementType::Relation => "relation",
        }
    }
}

/// A tagged node, way or relation that may become a zone or a facility.
#[derive(Clone, Debug)]
pub(crate) struct RawFeature {
    pub element: ElementType,
    pub id: i64,
    /// The node itself, the way's node refs, or a relation's node members
    /// followed by the nodes of its way members.
    pub refs: Vec<i64>,
    /// A relation's way members (resolved into `refs` after reading).
    pub way_members: Vec<i64>,
    pub name: Option<String>,
    pub feature: Feature,
}

/// Everything read from one file.
#[derive(Debug, Default)]
pub(crate) struct Raw {
    /// Sorted by id, unique.
    pub nodes: Vec<RawNode>,
    /// Sorted by id.
    pub roads: Vec<RoadWay>,
    /// Sorted by (element, id).
    pub features: Vec<RawFeature>,
    /// Ways read, of any kind.
    pub ways_read: u64,
    /// Drivable ways left out by access or service tags.
    pub roads_excluded: u64,
}

#[derive(Default)]
struct Chunk {
    /// Second pass: (way id, node refs) of relation members.
    member_refs: Vec<(i64, Vec<i64>)>,
    nodes: Vec<RawNode>,
    roads: Vec<RoadWay>,
    features: Vec<RawFeature>,
    ways_read: u64,
    roads_excluded: u64,
}

/// Features the reader understands in a header's `required_features`.
const KNOWN_FEATURES: [&str; 3] = ["OsmSchema-V0.6", "DenseNodes", "HistoricalInformation"];

/// Blob headers larger than this are not PBF (the format caps them at 64 KiB).
const MAX_HEADER: usize = 64 * 1024;

/// Blobs larger than this are not PBF (the format caps them at 32 MiB).
const MAX_BLOB: usize = 32 * 1024 * 1024;

/// Read a whole PBF image. The error is a message without the file name.
pub(crate) fn read(bytes: &[u8]) -> Result<Raw, String> {
    if bytes.is_empty() {
        return Err("empty file, not an OSM PBF extract".into());
    }
    let frames = frames(bytes)?;
    let chunks: Vec<Result<Chunk, String>> = frames
        .par_iter()
        .enumerate()
        .map(|(i, f)| decode(i, &bytes[f.start..f.end], None))
        .collect();
    let mut raw = Raw::default();
    for c in chunks {
        let c = c?;
        raw.nodes.extend(c.nodes);
        raw.roads.extend(c.roads);
        raw.features.extend(c.features);
        raw.ways_read += c.ways_read;
        raw.roads_excluded += c.roads_excluded;
    }
    raw.nodes.sort_by_key(|n| n.id);
    raw.nodes.dedup_by_key(|n| n.id);
    raw.roads.sort_by_key(|w| w.id);
    raw.roads.dedup_by_key(|w| w.id);
    raw.features.sort_by_key(|f| (f.element, f.id));
    raw.features.dedup_by_key(|f| (f.element, f.id));
    resolve_relations(bytes, &frames, &mut raw)?;
    Ok(raw)
}

/// Give relation features the nodes of their way members: a second pass
/// over the file, made only when such relations exist (ways come before
/// relations in a PBF, and untagged ways are not kept on the first pass).
fn resolve_relations(bytes: &[u8], frames: &[Frame], raw: &mut Raw) -> Result<(), String> {
    let mut wanted: Vec<i64> = raw
        .features
        .iter()
        .flat_map(|f| f.way_members.iter().copied())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    wanted.sort_unstable();
    wanted.dedup();
    let chunks: Vec<Result<Chunk, String>> = frames
        .par_iter()
        .enumerate()
        .map(|(i, f)| decode(i, &bytes[f.start..f.end], Some(&wanted)))
        .collect();
    let mut refs: Vec<(i64, Vec<i64>)> = Vec::new();
    for c in chunks {
        refs.extend(c?.member_refs);
    }
    refs.sort_by_key(|r| r.0);
    for f in &mut raw.features {
        for w in std::mem::take(&mut f.way_members) {
            if let Ok(k) = refs.binary_search_by_key(&w, |r| r.0) {
                f.refs.extend_from_slice(&refs[k].1);
            }
        }
    }
    Ok(())
}

/// One blob: byte range of the whole frame (length prefix, header, body).
struct Frame {
    start: usize,
    end: usize,
}

/// Walk the blob framing: 4-byte big-endian header length, `BlobHeader`
/// (protobuf: 1 = type, 3 = datasize), then `datasize` bytes of blob. Every
/// length is checked against the format's caps and the bytes left before
/// it is used, so no length can wrap an offset or make the walk go back.
fn frames(bytes: &[u8]) -> Result<Vec<Frame>, String> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let start = pos;
        let Some(len) = bytes.get(pos..pos + 4) else {
            if out.is_empty() {
                return Err(format!("not an OSM PBF file (only {} bytes)", bytes.len()));
            }
            return Err(format!(
                "truncated: {} stray bytes at the end (offset {pos})",
                bytes.len() - pos
            ));
        };
        let hlen = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        pos += 4;
        let not_pbf = || format!("not an OSM PBF file (no valid blob header at byte {start})");
        if hlen == 0 || hlen > MAX_HEADER {
            return Err(not_pbf());
        }
        let Some(header) = bytes.get(pos..pos + hlen) else {
            return Err(if out.is_empty() {
                not_pbf()
            } else {
                format!("truncated: blob header at byte {start} runs past the end of the file")
            });
        };
        let (kind, datasize) = blob_header(header).ok_or_else(not_pbf)?;
        if out.is_empty() && kind != "OSMHeader" {
            return Err(format!(
                "not an OSM PBF file (first block is {kind:?}, not \"OSMHeader\")"
            ));
        }
        pos += hlen;
        if datasize > MAX_BLOB {
            return Err(format!(
                "not an OSM PBF file (the {kind} block at byte {start} claims {datasize} bytes, \
                 more than the format's 32 MiB)"
            ));
        }
        // `pos <= bytes.len()` here: the header was inside the file.
        if datasize > bytes.len() - pos {
            return Err(format!(
                "truncated: the {kind} block at byte {start} needs {datasize} bytes, \
                 the file ends {} bytes into it",
                bytes.len() - pos
            ));
        }
        pos += datasize;
        out.push(Frame { start, end: pos });
    }
    Ok(out)
}

/// `(type, datasize)` of a `BlobHeader` message, or `None` if it is not one.
fn blob_header(mut b: &[u8]) -> Option<(String, usize)> {
    let (mut kind, mut size) = (None, None);
    while !b.is_empty() {
        let key = varint(&mut b)?;
        match (key >> 3, key & 7) {
            (1, 2) => {
                let n = varint(&mut b)? as usize;
                let s = b.get(..n)?;
                kind = Some(std::str::from_utf8(s).ok()?.to_string());
                b = &b[n..];
            }
            (3, 0) => size = Some(varint(&mut b)?),
            (_, 0) => {
                varint(&mut b)?;
            }
            (_, 2) => {
                let n = varint(&mut b)? as usize;
                b = b.get(n..)?;
            }
            (_, 1) => b = b.get(8..)?,
            (_, 5) => b = b.get(4..)?,
            _ => return None,
        }
    }
    let size = usize::try_from(size?).ok()?;
    Some((kind?, size))
}

fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Decode one blob. With `members`, collect only the refs of those ways.
fn decode(index: usize, frame: &[u8], members: Option<&[i64]>) -> Result<Chunk, String> {
    let blob = BlobReader::new(frame)
        .next()
        .ok_or_else(|| format!("block {index} is empty"))?
        .map_err(|e| format!("block {index} is corrupt: {e}"))?;
    let mut chunk = Chunk::default();
    match blob
        .decode()
        .map_err(|e| format!("block {index} is corrupt: {e}"))?
    {
        BlobDecode::OsmHeader(h) => {
            if let Some(f) = h
                .required_features()
                .iter()
                .find(|f| !KNOWN_FEATURES.contains(&f.as_str()))
            {
                return Err(format!("needs the unsupported PBF feature {f:?}"));
            }
        }
        BlobDecode::OsmData(block) => match members {
            None => {
                for el in block.elements() {
                    element(&mut chunk, el);
                }
            }
            Some(wanted) => {
                for el in block.elements() {
                    if let Element::Way(w) = el
                        && wanted.binary_search(&w.id()).is_ok()
                    {
                        chunk.member_refs.push((w.id(), w.refs().collect()));
                    }
                }
            }
        },
        BlobDecode::Unknown(_) => {}
    }
    Ok(chunk)
}

fn element(chunk: &mut Chunk, el: Element<'_>) {
    match el {
        Element::DenseNode(n) => {
            let node = RawNode {
                id: n.id(),
                lon: n.decimicro_lon(),
                lat: n.decimicro_lat(),
            };
            chunk.nodes.push(node);
            let tags: Vec<(&str, &str)> = n.tags().collect();
            node_feature(chunk, node, &tags);
        }
        Element::Node(n) => {
            let node = RawNode {
                id: n.id(),
                lon: n.decimicro_lon(),
                lat: n.decimicro_lat(),
            };
            chunk.nodes.push(node);
            let tags: Vec<(&str, &str)> = n.tags().collect();
            node_feature(chunk, node, &tags);
        }
        Element::Way(w) => {
            chunk.ways_read += 1;
            let tags: Vec<(&str, &str)> = w.tags().collect();
            if tags.is_empty() {
                return;
            }
            let get = |k: &str| tags.iter().find(|t| t.0 == k).map(|t| t.1);
            if let Some(class) = get("highway").and_then(tags::class) {
                if tags::excluded(&|k| get(k).map(str::to_string)) {
                    chunk.roads_excluded += 1;
                } else {
                    chunk
                        .roads
                        .push(road(w.id(), w.refs().collect(), class, &get));
                }
                return;
            }
            if let Some(feature) = feature::classify(&get, true) {
                chunk.features.push(RawFeature {
                    element: ElementType::Way,
                    id: w.id(),
                    refs: w.refs().collect(),
                    way_members: Vec::new(),
                    name: get("name").map(str::to_string),
                    feature,
                });
            }
        }
        Element::Relation(r) => {
            let tags: Vec<(&str, &str)> = r.tags().collect();
            let get = |k: &str| tags.iter().find(|t| t.0 == k).map(|t| t.1);
            if let Some(feature) = feature::classify(&get, true) {
                let (mut refs, mut way_members) = (Vec::new(), Vec::new());
                for m in r.members() {
                    match m.member_type {
                        RelMemberType::Node => refs.push(m.member_id),
                        RelMemberType::Way => way_members.push(m.member_id),
                        RelMemberType::Relation => {}
                    }
                }
                chunk.features.push(RawFeature {
                    element: ElementType::Relation,
                    id: r.id(),
                    refs,
                    way_members,
                    name: get("name").map(str::to_string),
                    feature,
                });
            }
        }
    }
}

fn node_feature(chunk: &mut Chunk, node: RawNode, tags: &[(&str, &str)]) {
    if tags.is_empty() {
        return;
    }
    let get = |k: &str| tags.iter().find(|t| t.0 == k).map(|t| t.1);
    if let Some(feature) = feature::classify(&get, false) {
        chunk.features.push(RawFeature {
            element: ElementType::Node,
            id: node.id,
            refs: vec![node.id],
            way_members: Vec::new(),
            name: get("name").map(str::to_string),
            feature,
        });
    }
}

fn road<'a>(
    id: i64,
    refs: Vec<i64>,
    class: &'static HighwayClass,
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> RoadWay {
    let dir = tags::oneway(get("oneway"), class, get("junction"));
    let lanes = tags::lanes(
        tags::lane_count(get("lanes")),
        tags::lane_count(get("lanes:forward")),
        tags::lane_count(get("lanes:backward")),
        dir,
        class,
    );
    let both = get("maxspeed").and_then(tags::maxspeed);
    let fwd = get("maxspeed:forward").and_then(tags::maxspeed).or(both);
    let bwd = get("maxspeed:backward").and_then(tags::maxspeed).or(both);
    let yes = |k: &str| get(k).is_some_and(|v| v != "no");
    RoadWay {
        id,
        refs,
        class,
        dir,
        speed: (
            fwd.unwrap_or(class.speed_kmh),
            bwd.unwrap_or(class.speed_kmh),
        ),
        tagged_speed: fwd.is_some() || bwd.is_some(),
        lanes,
        bridge: yes("bridge"),
        tunnel: yes("tunnel"),
        name: road_name(get("name"), get("ref")),
    }
}

/// A road's name as sentences say it: its `name`, its `ref` beside the name
/// when the name does not already hold it, or the `ref` alone.
fn road_name(name: Option<&str>, reference: Option<&str>) -> Option<std::sync::Arc<str>> {
    let (name, reference) = (
        name.map(str::trim).filter(|n| !n.is_empty()),
        reference.map(str::trim).filter(|r| !r.is_empty()),
    );
    match (name, reference) {
        (Some(n), Some(r)) if !n.contains(r) => Some(format!("{n} {r}").into()),
        (Some(n), _) => Some(n.into()),
        (None, Some(r)) => Some(r.into()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_road_is_named_by_its_name_and_ref() {
        let n = |a, b| road_name(a, b).map(|s| s.to_string());
        assert_eq!(
            n(Some("兰新公路"), Some("G312")).as_deref(),
            Some("兰新公路 G312")
        );
        assert_eq!(
            n(Some("G312国道"), Some("G312")).as_deref(),
            Some("G312国道")
        );
        assert_eq!(n(None, Some("G30")).as_deref(), Some("G30"));
        assert_eq!(n(Some(" "), None), None);
    }

    #[test]
    fn framing_errors_are_specific() {
        assert!(read(&[]).unwrap_err().contains("empty"));
        let e = read(b"this is a text file, not a PBF\n").unwrap_err();
        assert!(e.contains("not an OSM PBF"), "{e}");
        let e = read(&[0, 0, 0]).unwrap_err();
        assert!(e.contains("not an OSM PBF"), "{e}");
        // A plausible header length but a header that is not protobuf.
        let e = read(&[0, 0, 0, 2, 0xff, 0xff]).unwrap_err();
        assert!(e.contains("not an OSM PBF"), "{e}");
    }

    /// A blob header frame claiming `datasize` bytes of blob, without them.
    fn frame(kind: &str, datasize: u64) -> Vec<u8> {
        let mut h = vec![0x0a, kind.len() as u8];
        h.extend_from_slice(kind.as_bytes());
        h.push(0x18);
        let mut v = datasize;
        while v >= 0x80 {
            h.push((v as u8) | 0x80);
            v >>= 7;
        }
        h.push(v as u8);
        let mut out = (h.len() as u32).to_be_bytes().to_vec();
        out.extend(h);
        out
    }

    #[test]
    fn lengths_near_2_pow_64_are_errors_not_loops() {
        // 26 bytes: the header claims 2^64 - 1 bytes of blob.
        let f = frame("OSMHeader", u64::MAX);
        assert_eq!(f.len(), 26);
        let e = read(&f).unwrap_err();
        assert!(e.contains("claims"), "{e}");
        // A size that wraps the offset back to the start of the file.
        let wrap = frame("OSMHeader", 0).len() as u64 + 9;
        let f = frame("OSMHeader", 0u64.wrapping_sub(wrap));
        assert_eq!(f.len() as u64, wrap);
        let e = read(&f).unwrap_err();
        assert!(e.contains("claims"), "{e}");
        // Within the cap but past the end.
        let e = read(&frame("OSMHeader", 1000)).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
        // Every cut of a real extract is an error, never a hang or a panic.
        let two = [frame("OSMHeader", 0), frame("OSMData", 5)].concat();
        for cut in 0..two.len() {
            assert!(read(&two[..cut]).is_err(), "cut at {cut}");
        }
    }

    /// A seeded corpus run: the test extract with bytes flipped, cut,
    /// doubled, or a length field (header length or blob size) set to a
    /// random or extreme value, must read or fail, never panic or hang.
    #[test]
    fn mutated_extracts_never_panic() {
        let seed: &[u8] = include_bytes!("../tests/data/helsinki.osm.pbf");
        let frames = frames(seed).unwrap();
        let mut x = 0x0511_u64;
        let mut rng = |n: usize| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
        };
        for case in 0..48 {
            let mut b = seed.to_vec();
            let f = &frames[rng(frames.len())];
            match case % 4 {
                0 => {
                    for _ in 0..1 + rng(8) {
                        let i = rng(b.len());
                        b[i] ^= 1 << rng(8);
                    }
                }
                1 => b.truncate(rng(b.len())),
                2 => {
                    let len = [0u32, 1, 0xffff, 0x1_0000, u32::MAX][rng(5)];
                    b[f.start..f.start + 4].copy_from_slice(&len.to_be_bytes());
                }
                _ => {
                    // The byte just before a varint-coded datasize is its
                    // key (0x18); set the varint's first byte to extremes.
                    let hlen = u32::from_be_bytes(b[f.start..f.start + 4].try_into().unwrap());
                    let header = f.start + 4..f.start + 4 + hlen as usize;
                    if let Some(k) = b[header.clone()].iter().position(|&c| c == 0x18) {
                        b[header.start + k + 1] = [0x00, 0x7f, 0xff][rng(3)];
                    }
                }
            }
            let _ = read(&b);
        }
    }

    #[test]
    fn varints() {
        let mut b: &[u8] = &[0xac, 0x02, 0x01];
        assert_eq!(varint(&mut b), Some(300));
        assert_eq!(varint(&mut b), Some(1));
        assert_eq!(varint(&mut b), None);
    }
}
