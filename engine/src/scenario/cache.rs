//! A compact binary copy of a large region beside its RON file, so loading a
//! region of hundreds of thousands of links skips RON parsing.
//!
//! The cache of `REGION.ron` is `REGION.ron.cache`: a magic tag, then the
//! SHA-256 key, then the SHA-256 of the body, then the body: the [`Region`]
//! encoded with postcard (serde). The key covers the RON text *and* a
//! fingerprint of the region schema (the RON of a sample region with every
//! field set, which names every field), so a cache is ignored when its RON
//! has changed or the region types have; the body's checksum makes a
//! damaged or hand-edited cache a miss too (postcard alone decodes most
//! flipped bits into another region). A cache that is missing, stale,
//! damaged or unreadable is ignored and rewritten ([`check`] says why); a
//! cache that cannot be written is skipped silently — the RON stays the
//! truth and a load never fails because of its cache.
//!
//! Only regions of at least [`CACHE_MIN_NODES`] nodes that validated with no
//! problem are cached, and only from the file system ([`super::FileSystem`]).

use super::Rasters;
use super::types::{
    Bridge, Edge, Facility, FacilityKind, GeoOrigin, Ground, Node, Region, RoadClass,
    Susceptibility, SusceptibilityArea, Zone,
};
use crate::ids::{EdgeId, FacilityId, NodeId, ZoneId};
use crate::units::{Hours, Kmh, Metres, VehPerHour};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Regions with at least this many nodes get a cache.
pub const CACHE_MIN_NODES: usize = 50_000;

const MAGIC: &[u8; 8] = b"QLNREG02";

/// The cache file of a region file: `REGION.ron` → `REGION.ron.cache`.
pub fn cache_path(region: &Path) -> PathBuf {
    let mut name = region.file_name().unwrap_or_default().to_os_string();
    name.push(".cache");
    region.with_file_name(name)
}

/// The key a cache of `text` must carry.
pub fn key(text: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(schema());
    h.update(text.as_bytes());
    h.finalize().into()
}

/// Why a cache was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Miss {
    /// Not a cache of this format (or cut before its checksums).
    Format,
    /// A cache of another RON text or region schema.
    Stale,
    /// The body does not match its checksum: damaged or edited.
    Damaged,
    /// The checksum holds but the body does not decode.
    Undecodable,
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Miss::Format => "not a region cache of this version",
            Miss::Stale => "made from another RON text or region schema",
            Miss::Damaged => "its bytes do not match their checksum",
            Miss::Undecodable => "it does not decode",
        })
    }
}

/// The region in `bytes` if they are an intact cache with this key, or why
/// not.
pub fn check(bytes: &[u8], key: &[u8; 32]) -> Result<Region, Miss> {
    let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or(Miss::Format)?;
    let (k, rest) = rest.split_at_checked(32).ok_or(Miss::Format)?;
    let (sum, body) = rest.split_at_checked(32).ok_or(Miss::Format)?;
    if k != key {
        return Err(Miss::Stale);
    }
    if Sha256::digest(body).as_slice() != sum {
        return Err(Miss::Damaged);
    }
    postcard::from_bytes(body).map_err(|_| Miss::Undecodable)
}

/// The region in `bytes`, if they are an intact cache with this key.
pub fn decode(bytes: &[u8], key: &[u8; 32]) -> Option<Region> {
    check(bytes, key).ok()
}

/// A cache of `region` with this key.
pub fn encode(region: &Region, key: &[u8; 32]) -> Option<Vec<u8>> {
    let body = postcard::to_stdvec(region).ok()?;
    let mut out = Vec::with_capacity(72 + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key);
    out.extend_from_slice(&Sha256::digest(&body));
    out.extend_from_slice(&body);
    Some(out)
}

/// Write `bytes` to the cache of `region` through a temporary file and a
/// rename (so a reader never sees half a cache); errors are ignored.
pub(super) fn write(region: &Path, bytes: &[u8]) {
    let path = cache_path(region);
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    if std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .is_err()
    {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// SHA-256 of the RON of a region with every field set: it changes when a
/// field is added, removed, renamed or retyped.
fn schema() -> &'static [u8; 32] {
    static SCHEMA: OnceLock<[u8; 32]> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let sample = Region {
            name: "n".into(),
            origin: Some(GeoOrigin { lon: 1.0, lat: 2.0 }),
            nodes: vec![Node {
                id: NodeId(1),
                x: 1.0,
                y: 2.0,
                z: 3.0,
            }],
            edges: vec![Edge {
                id: EdgeId(1),
                from: NodeId(1),
                to: NodeId(2),
                length_m: Metres(1.0),
                speed_kmh: Kmh(2.0),
                lanes: 3,
                capacity_vph: VehPerHour(4.0),
                class: RoadClass::Trunk,
                main_road: true,
                bridge: Some(Bridge {
                    fragility: "f".into(),
                }),
                liquefaction: Some(Susceptibility::High),
                name: Some("r".into()),
            }],
            zones: vec![Zone {
                id: ZoneId(1),
                name: "z".into(),
                population: 1,
                households: 1,
                node: NodeId(1),
                power: Some(FacilityId(1)),
                water: Some(FacilityId(2)),
                telecom: Some(FacilityId(3)),
            }],
            facilities: vec![Facility {
                id: FacilityId(1),
                name: "f".into(),
                kind: FacilityKind::Substation,
                node: NodeId(1),
                fragility: Some("c".into()),
                capacity: Some(1.0),
                needs: vec![FacilityId(2)],
                battery_h: Hours(1.0),
            }],
            rasters: Rasters {
                dem: Some("d".into()),
                fuel: Some("f".into()),
                vs30: Some("v".into()),
            },
            ground: Ground {
                groundwater_depth_m: 1.0,
                areas: vec![SusceptibilityArea {
                    susceptibility: Susceptibility::Low,
                    polygon: vec![(0.0, 1.0)],
                }],
            },
        };
        let text = ron::to_string(&sample).expect("a region serialises");
        Sha256::digest(text.as_bytes()).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() {
        let region = Region {
            name: "r".into(),
            nodes: vec![Node {
                id: NodeId(7),
                x: 1.5,
                y: -2.5,
                z: 0.0,
            }],
            ..Region::default()
        };
        let k = key("text");
        let bytes = encode(&region, &k).unwrap();
        let back = decode(&bytes, &k).unwrap();
        assert_eq!(back.nodes[0].id, NodeId(7));
        assert_eq!(back.nodes[0].y, -2.5);
        assert!(decode(&bytes, &key("other text")).is_none());
        assert!(decode(&bytes[..bytes.len() - 1], &k).is_none());
        assert!(decode(b"QLNREG02", &k).is_none());
        assert_eq!(check(&bytes, &key("other")).unwrap_err(), Miss::Stale);
        assert!(decode(b"", &k).is_none());
        assert_eq!(
            cache_path(Path::new("a/b/r.ron")),
            Path::new("a/b/r.ron.cache")
        );
    }

    /// Every single flipped bit of a cache is a miss, never another region.
    #[test]
    fn flipped_bits_are_misses() {
        let region = Region {
            name: "r".into(),
            nodes: (1..=20)
                .map(|i| Node {
                    id: NodeId(i),
                    x: f64::from(i),
                    y: 2.0,
                    z: 0.5,
                })
                .collect(),
            ..Region::default()
        };
        let k = key("text");
        let bytes = encode(&region, &k).unwrap();
        for bit in 0..bytes.len() * 8 {
            let mut b = bytes.clone();
            b[bit / 8] ^= 1 << (bit % 8);
            assert!(decode(&b, &k).is_none(), "bit {bit} flipped was used");
        }
    }
}
