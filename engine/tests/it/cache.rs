//! The binary cache of large regions: written after a clean load, used when
//! it matches, ignored when stale or broken, never a reason to fail.

use super::{PLAN, SCENARIO};
use qilian_engine::scenario::cache::{CACHE_MIN_NODES, cache_path, decode, encode, key};
use qilian_engine::scenario::load;
use qilian_testkit::Scratch;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A two-way chain of `n` nodes with one substation and one zone.
fn chain(n: usize, name: &str) -> String {
    let mut s = format!("Region(name: {name:?}, nodes: [\n");
    for i in 1..=n {
        let _ = writeln!(s, "(id: {i}, x: {}.0, y: 0.0),", i * 10);
    }
    s.push_str("], edges: [\n");
    for i in 1..n {
        let _ = writeln!(
            s,
            "(id: {}, from: {i}, to: {}, length_m: 10.0, speed_kmh: 36.0, capacity_vph: 900.0),\n\
             (id: {}, from: {}, to: {i}, length_m: 10.0, speed_kmh: 36.0, capacity_vph: 900.0),",
            2 * i - 1,
            i + 1,
            2 * i,
            i + 1
        );
    }
    s.push_str(
        "], zones: [(id: 1, name: \"A\", population: 100, households: 40, node: 1, power: Some(10))],\n\
         facilities: [(id: 10, name: \"S\", kind: Substation, node: 3)])\n",
    );
    s
}

/// The scenario's and the region's paths in a scratch directory (removed
/// when the returned guard drops).
fn setup(name: &str, region: &str) -> (PathBuf, PathBuf, Scratch) {
    let dir = Scratch::new("engine-cache", name);
    std::fs::write(dir.join("region.ron"), region).unwrap();
    std::fs::write(dir.join("plan.ron"), PLAN).unwrap();
    std::fs::write(dir.join("scenario.ron"), SCENARIO).unwrap();
    (dir.join("scenario.ron"), dir.join("region.ron"), dir)
}

fn cached_name(region: &Path) -> Option<String> {
    let text = std::fs::read_to_string(region).unwrap();
    let bytes = std::fs::read(cache_path(region)).ok()?;
    decode(&bytes, &key(&text)).map(|r| r.name)
}

#[test]
fn large_regions_are_cached_and_the_cache_is_used() {
    let text = chain(CACHE_MIN_NODES, "big");
    let (scenario, region, _dir) = setup("used", &text);
    let first = load(&scenario).unwrap();
    assert_eq!(first.region.nodes.len(), CACHE_MIN_NODES);
    assert_eq!(cached_name(&region).as_deref(), Some("big"));
    // A cache for the same text but another content proves the loader reads it.
    let mut other = (*first.region).clone();
    other.name = "from the cache".into();
    std::fs::write(cache_path(&region), encode(&other, &key(&text)).unwrap()).unwrap();
    let second = load(&scenario).unwrap();
    assert_eq!(second.region.name, "from the cache");
    assert_eq!(second.region.edges.len(), first.region.edges.len());
    assert_eq!(second.network.links.len(), first.network.links.len());
    // The scenario hash still covers the RON text.
    assert_eq!(second.sha256, first.sha256);
}

#[test]
fn a_stale_or_broken_cache_is_ignored_and_replaced() {
    let (scenario, region, _dir) = setup("stale", &chain(CACHE_MIN_NODES, "old"));
    load(&scenario).unwrap();
    assert_eq!(cached_name(&region).as_deref(), Some("old"));
    // The RON changes: the old cache must not be used.
    std::fs::write(&region, chain(CACHE_MIN_NODES, "new")).unwrap();
    assert_eq!(load(&scenario).unwrap().region.name, "new");
    assert_eq!(cached_name(&region).as_deref(), Some("new"));
    // Garbage in the cache: loads from the RON and rewrites it.
    std::fs::write(cache_path(&region), b"QLNREG02 not a cache").unwrap();
    assert_eq!(load(&scenario).unwrap().region.name, "new");
    assert_eq!(cached_name(&region).as_deref(), Some("new"));
    // A hand edit of the cache's body (a node moved): a miss, rebuilt.
    let mut bytes = std::fs::read(cache_path(&region)).unwrap();
    let n = bytes.len();
    bytes[n - 200] ^= 0x10;
    std::fs::write(cache_path(&region), &bytes).unwrap();
    let text = std::fs::read_to_string(&region).unwrap();
    assert!(decode(&bytes, &key(&text)).is_none());
    let again = load(&scenario).unwrap();
    assert_eq!(again.region.name, "new");
    let fresh = std::fs::read(cache_path(&region)).unwrap();
    assert_ne!(fresh, bytes, "the damaged cache is rewritten");
    assert!(decode(&fresh, &key(&text)).is_some());
}

#[test]
fn a_cache_that_cannot_be_written_does_not_fail_the_load() {
    let (scenario, region, _dir) = setup("unwritable", &chain(CACHE_MIN_NODES, "big"));
    // A directory where the cache file would go: writing it fails.
    std::fs::create_dir_all(cache_path(&region)).unwrap();
    assert_eq!(load(&scenario).unwrap().region.name, "big");
    assert!(cache_path(&region).is_dir());
    let leftovers = std::fs::read_dir(scenario.parent().unwrap())
        .unwrap()
        .count();
    assert_eq!(leftovers, 4, "a temporary cache file was left behind");
}

#[test]
fn small_and_invalid_regions_are_not_cached() {
    let (scenario, region, _dir) = setup("small", &chain(100, "small"));
    load(&scenario).unwrap();
    assert!(!cache_path(&region).exists());
    // A large region with a problem (zone served by a missing facility).
    let bad = chain(CACHE_MIN_NODES, "bad").replace("power: Some(10)", "power: Some(11)");
    std::fs::write(&region, bad).unwrap();
    assert!(load(&scenario).is_err());
    assert!(!cache_path(&region).exists());
}
