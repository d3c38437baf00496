//! Reading scenario files: RON parsing with positions, resolving parts relative
//! to the file that names them, then semantic validation. Every problem found is
//! reported, not just the first (see [`LoadError`]).

use super::RasterSet;
use super::trips::{self, Trip};
use super::types::{Part, Plan, Region, ScenarioFile};
use super::{Problem, Scenario};
use super::{cache, validate};
use crate::network::Network;
use qilian_hazardlib::grid::Grid;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Everything wrong with a scenario, one [`Problem`] per line.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct LoadError {
    /// The problems, in the order found (file by file).
    pub problems: Vec<Problem>,
}

/// Where scenario files come from: the file system, or files embedded in the
/// binary (the stock scenarios behind `qilian demo`).
pub trait Source: Sync {
    /// The text of `path`, or a message saying why it cannot be read.
    fn read(&self, path: &Path) -> Result<String, String>;

    /// The bytes of the binary cache kept for region file `path`, if this
    /// source keeps caches and there is one (see [`super::cache`]).
    fn read_cache(&self, _path: &Path) -> Option<Vec<u8>> {
        None
    }

    /// Keep `bytes` as the binary cache of region file `path`. Best effort:
    /// a failure is ignored.
    fn write_cache(&self, _path: &Path, _bytes: &[u8]) {}

    /// `path` opened for reading line by line (a trip list), or a message
    /// saying why it cannot be; with the most bytes to read from it.
    fn open(&self, path: &Path) -> Result<(Box<dyn BufRead + '_>, u64), String> {
        let text = self.read(path)?;
        Ok((Box::new(Cursor::new(text.into_bytes())), u64::MAX))
    }
}

/// Files on disk.
pub struct FileSystem;

impl Source for FileSystem {
    fn read(&self, path: &Path) -> Result<String, String> {
        crate::input::read_to_string(path).map_err(|e| e.reason())
    }

    fn read_cache(&self, path: &Path) -> Option<Vec<u8>> {
        crate::input::read(&cache::cache_path(path)).ok()
    }

    fn write_cache(&self, path: &Path, bytes: &[u8]) {
        cache::write(path, bytes);
    }

    fn open(&self, path: &Path) -> Result<(Box<dyn BufRead + '_>, u64), String> {
        let limit = crate::input::limit();
        let file = crate::input::open(path, limit).map_err(|e| e.reason())?;
        Ok((Box::new(BufReader::with_capacity(1 << 16, file)), limit))
    }
}

/// Files held in memory, keyed by normalised path.
pub struct Embedded(pub BTreeMap<PathBuf, &'static str>);

impl Embedded {
    /// Files given as (path, text) pairs.
    pub fn of<'a>(files: impl IntoIterator<Item = (&'a str, &'static str)>) -> Embedded {
        Embedded(
            files
                .into_iter()
                .map(|(p, t)| (PathBuf::from(p), t))
                .collect(),
        )
    }
}

impl Source for Embedded {
    fn read(&self, path: &Path) -> Result<String, String> {
        self.0
            .get(&normalize(path))
            .map(|s| s.to_string())
            .ok_or_else(|| "no such embedded file".to_string())
    }
}

/// Lexically normalise a path: drop `.`, fold `dir/..`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

/// Load, resolve and validate a scenario from disk.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    load_from(&FileSystem, path)
}

/// Load, resolve and validate a scenario from `source`.
pub fn load_from(source: &dyn Source, path: &Path) -> Result<Scenario, LoadError> {
    let mut files = Files::default();
    let file: Option<ScenarioFile> = files.parse(source, path);
    let Some(file) = file else {
        return Err(LoadError {
            problems: files.problems,
        });
    };
    let region = files.region_part(source, path, &file.region);
    let plan = files.part(source, path, &file.plan);
    let (Some((region_path, region)), Some((plan_path, plan))) = (region, plan) else {
        return Err(LoadError {
            problems: files.problems,
        });
    };
    let rasters = files.rasters(source, &region_path, &region);
    let trips = files.trips(source, path, &file, &plan_path, &region, &plan);
    let mut problems = std::mem::take(&mut files.problems);
    problems.extend(validate::scenario(
        path,
        &file,
        &region_path,
        &region,
        &plan_path,
        &plan,
        &rasters,
    ));
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    if let Some(key) = files.uncached_region
        && region.nodes.len() >= cache::CACHE_MIN_NODES
        && let Some(bytes) = cache::encode(&region, &key)
    {
        source.write_cache(&region_path, &bytes);
    }
    let network = Network::from_region(&region);
    Ok(Scenario {
        name: file.name.clone(),
        path: path.to_path_buf(),
        sha256: hex(&files.hash.finalize()),
        region: Arc::new(region),
        network: Arc::new(network),
        plan: Arc::new(plan),
        rasters: Arc::new(rasters),
        file,
        trips: Arc::new(trips),
    })
}

/// Check one file of any kind (scenario, region or plan, told apart by its
/// first identifier). Returns every problem found.
pub fn validate_file(source: &dyn Source, path: &Path) -> Vec<Problem> {
    let text = match source.read(path) {
        Ok(t) => t,
        Err(e) => return vec![Problem::new(path, e)],
    };
    match first_ident(&text) {
        Some("Region") => {
            let mut files = Files::default();
            match files.parse_text::<Region>(path, &text) {
                Some(region) => {
                    let rasters = files.rasters(source, path, &region);
                    let mut problems = files.problems;
                    problems.extend(validate::region(path, &region));
                    problems.extend(validate::rasters(path, &region, &rasters));
                    problems
                }
                None => files.problems,
            }
        }
        Some("Plan") => {
            let mut files = Files::default();
            match files.parse_text::<Plan>(path, &text) {
                Some(plan) => validate::plan(path, &plan, None),
                None => files.problems,
            }
        }
        _ => match load_from(source, path) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems,
        },
    }
}

fn first_ident(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map(|x| x.1).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map(|x| x.1).unwrap_or("");
        } else if rest.starts_with("#![") {
            rest = rest.split_once(']').map(|x| x.1).unwrap_or("");
        } else {
            break;
        }
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

#[derive(Default)]
struct Files {
    problems: Vec<Problem>,
    /// SHA-256 over every text read, each preceded by its length.
    hash: Sha256,
    /// The cache key of a region parsed from RON (not from its cache).
    uncached_region: Option<[u8; 32]>,
}

impl Files {
    fn parse<T: DeserializeOwned>(&mut self, source: &dyn Source, path: &Path) -> Option<T> {
        match source.read(path) {
            Ok(text) => self.parse_text(path, &text),
            Err(e) => {
                self.problems.push(Problem::new(path, e));
                None
            }
        }
    }

    fn parse_text<T: DeserializeOwned>(&mut self, path: &Path, text: &str) -> Option<T> {
        self.hash.update((text.len() as u64).to_le_bytes());
        self.hash.update(text.as_bytes());
        match ron::Options::default().from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems.push(Problem {
                    file: path.to_path_buf(),
                    at: Some((e.span.start.line, e.span.start.col)),
                    message: e.code.to_string(),
                });
                None
            }
        }
    }

    /// Read and parse the region's raster layers (paths relative to the
    /// region file); a layer that cannot be read or parsed is a problem
    /// `region: raster NAME: …` and is left out.
    fn rasters(&mut self, source: &dyn Source, region_path: &Path, region: &Region) -> RasterSet {
        let dir = region_path.parent().unwrap_or(Path::new(""));
        let mut read = |name: &str, rel: &Option<String>| -> Option<Grid> {
            let rel = rel.as_ref()?;
            let path = normalize(&dir.join(rel));
            let text = match source.read(&path) {
                Ok(t) => t,
                Err(e) => {
                    self.problems.push(Problem::new(
                        region_path,
                        format!("raster {name}: {}: {e}", path.display()),
                    ));
                    return None;
                }
            };
            let grid = Grid::parse(&text);
            self.hash.update((text.len() as u64).to_le_bytes());
            self.hash.update(text.as_bytes());
            match grid {
                Ok(g) => Some(g),
                Err(e) => {
                    self.problems.push(Problem::new(
                        region_path,
                        format!("raster {name}: {}: {e}", path.display()),
                    ));
                    None
                }
            }
        };
        RasterSet {
            dem: read("dem", &region.rasters.dem),
            fuel: read("fuel", &region.rasters.fuel),
            vs30: read("vs30", &region.rasters.vs30),
        }
    }

    fn part<T: DeserializeOwned + Clone>(
        &mut self,
        source: &dyn Source,
        parent: &Path,
        part: &Part<T>,
    ) -> Option<(PathBuf, T)> {
        match part {
            Part::Inline(v) => Some((parent.to_path_buf(), v.clone())),
            Part::Path(p) => {
                let path = normalize(&parent.parent().unwrap_or(Path::new("")).join(p));
                let v = self.parse(source, &path)?;
                Some((path, v))
            }
        }
    }
}

impl Files {
    /// Read and check the trip list the scenario file or its plan names
    /// (paths relative to the file naming it); none when neither does.
    fn trips(
        &mut self,
        source: &dyn Source,
        scenario_path: &Path,
        file: &ScenarioFile,
        plan_path: &Path,
        region: &Region,
        plan: &Plan,
    ) -> Vec<Trip> {
        let named = match (&file.trips, &plan.evacuation.trips) {
            (None, None) => return Vec::new(),
            (Some(_), Some(_)) => {
                self.problems.push(Problem::new(
                    scenario_path,
                    "trips: the scenario and its plan both name a trip list; name one",
                ));
                return Vec::new();
            }
            (Some(p), None) => (scenario_path, p),
            (None, Some(p)) => (plan_path, p),
        };
        let path = normalize(&named.0.parent().unwrap_or(Path::new("")).join(named.1));
        let (reader, limit) = match source.open(&path) {
            Ok(r) => r,
            Err(e) => {
                self.problems.push(Problem::new(
                    named.0,
                    format!("trips: {}: {e}", path.display()),
                ));
                return Vec::new();
            }
        };
        match trips::read(reader, &path, limit, region, plan, &mut self.hash) {
            Ok(list) if !list.is_empty() && region.zones.is_empty() => {
                self.problems.push(Problem::new(
                    &path,
                    "the region has no zone to count the trips' people in (each trip counts in the zone nearest its origin)",
                ));
                Vec::new()
            }
            Ok(list) => list,
            Err(problems) => {
                self.problems.extend(problems);
                Vec::new()
            }
        }
    }

    /// Like [`Files::part`] for the region, through its binary cache when
    /// the source keeps one and it matches the text (see [`super::cache`]).
    fn region_part(
        &mut self,
        source: &dyn Source,
        parent: &Path,
        part: &Part<Region>,
    ) -> Option<(PathBuf, Region)> {
        let Part::Path(p) = part else {
            return self.part(source, parent, part);
        };
        let path = normalize(&parent.parent().unwrap_or(Path::new("")).join(p));
        let text = match source.read(&path) {
            Ok(t) => t,
            Err(e) => {
                self.problems.push(Problem::new(&path, e));
                return None;
            }
        };
        let key = cache::key(&text);
        if let Some(region) = source
            .read_cache(&path)
            .and_then(|bytes| cache::decode(&bytes, &key))
        {
            self.hash.update((text.len() as u64).to_le_bytes());
            self.hash.update(text.as_bytes());
            return Some((path, region));
        }
        let region = self.parse_text(&path, &text)?;
        self.uncached_region = Some(key);
        Some((path, region))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The scenario with the plan in `path` instead of its own (for stress tests
/// of several plans and for plan comparison). The plan is validated against
/// the scenario's region; the scenario hash then covers the new plan too.
pub fn with_plan_file(
    source: &dyn Source,
    path: &Path,
    scenario: &Scenario,
) -> Result<Scenario, LoadError> {
    // The hash goes on from the scenario's: sha(scenario hash, len, plan text).
    let mut files = Files {
        hash: Sha256::new_with_prefix(scenario.sha256.as_bytes()),
        ..Files::default()
    };
    let Some(plan) = files.parse::<Plan>(source, path) else {
        return Err(LoadError {
            problems: files.problems,
        });
    };
    let mut problems = validate::plan(path, &plan, Some(&scenario.region));
    // The new plan's own trip list, else the scenario file's (kept).
    let trips = if plan.evacuation.trips.is_some() || scenario.file.trips.is_some() {
        let list = files.trips(
            source,
            &scenario.path,
            &scenario.file,
            path,
            &scenario.region,
            &plan,
        );
        problems.append(&mut files.problems);
        Arc::new(list)
    } else {
        Arc::default()
    };
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    let hash = files.hash;
    let mut s = scenario.with_plan(Arc::new(plan));
    s.trips = trips;
    s.sha256 = hex(&hash.finalize());
    Ok(s)
}

/// Load a region file and a plan file on their own, validating the plan
/// against the region (for `qilian audit`).
pub fn load_region_and_plan(
    source: &dyn Source,
    region_path: &Path,
    plan_path: &Path,
) -> Result<(Region, Plan), LoadError> {
    let mut files = Files::default();
    let region = files.parse::<Region>(source, region_path);
    let plan = files.parse::<Plan>(source, plan_path);
    let (Some(region), Some(plan)) = (region, plan) else {
        return Err(LoadError {
            problems: files.problems,
        });
    };
    let mut problems = validate::region(region_path, &region);
    problems.extend(validate::plan(plan_path, &plan, Some(&region)));
    if problems.is_empty() {
        Ok((region, plan))
    } else {
        Err(LoadError { problems })
    }
}
