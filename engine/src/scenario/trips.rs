//! Trip lists (docs/scenario-files.md#trip-lists): evacuation demand given
//! vehicle by vehicle, as SUMO and MATSim users have it, instead of zones
//! and departure curves. A CSV with the header
//! `vehicle,origin,departure_s,people,destination`, read line by line (never
//! whole: 200,000 trips are 6 MB) and checked as it is read; each bad row is
//! a problem `file:row: what is wrong`, rows counted as lines of the file
//! (the header is row 1).
//!
//! - `vehicle`: a name, unique in the file (not kept after the check);
//! - `origin`: a node id (`17` or `node:17`), or `link:ID`, a link at whose
//!   downstream end the vehicle starts (MATSim's departure link);
//! - `departure_s`: seconds from the scenario start (≥ 0);
//! - `people`: a whole number ≥ 1;
//! - `destination`: `nearest` (the nearest open shelter with room, as zone
//!   demand chooses) or the node id of one of the plan's shelters.

use super::Problem;
use super::types::{Plan, Region};
use crate::ids::NodeId;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

/// The header a trip list must start with.
pub const HEADER: &str = "vehicle,origin,departure_s,people,destination";

/// Problems reported before the rest of a bad file is only counted.
const MAX_PROBLEMS: usize = 20;

/// One vehicle of a trip list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trip {
    /// The node it starts from (a link origin's downstream node).
    pub origin: NodeId,
    /// When it sets off, seconds from the scenario start.
    pub depart_s: f64,
    /// People in it.
    pub people: u32,
    /// The shelter node it is bound to; `None` for the nearest with room.
    pub dest: Option<NodeId>,
}

/// What a trip list's rows are checked against.
struct Refs {
    nodes: BTreeSet<NodeId>,
    link_to: BTreeMap<u32, NodeId>,
    shelters: BTreeSet<NodeId>,
}

impl Refs {
    fn new(region: &Region, plan: &Plan) -> Refs {
        let open: BTreeSet<_> = plan.shelters.iter().collect();
        Refs {
            nodes: region.nodes.iter().map(|n| n.id).collect(),
            link_to: region.edges.iter().map(|e| (e.id.0, e.to)).collect(),
            shelters: region
                .facilities
                .iter()
                .filter(|f| open.contains(&f.id))
                .map(|f| f.node)
                .collect(),
        }
    }

    fn node(&self, text: &str, what: &str) -> Result<NodeId, String> {
        let id: u32 = text
            .parse()
            .map_err(|_| format!("{what} {text:?} is not a node id"))?;
        if self.nodes.contains(&NodeId(id)) {
            Ok(NodeId(id))
        } else {
            Err(format!("{what}: no node {id} in the region"))
        }
    }

    fn origin(&self, text: &str) -> Result<NodeId, String> {
        if let Some(l) = text.strip_prefix("link:") {
            let id: u32 = l
                .parse()
                .map_err(|_| format!("origin {text:?}: {l:?} is not a link id"))?;
            return self
                .link_to
                .get(&id)
                .copied()
                .ok_or_else(|| format!("origin: no link {id} in the region"));
        }
        self.node(text.strip_prefix("node:").unwrap_or(text), "origin")
    }

    fn dest(&self, text: &str) -> Result<Option<NodeId>, String> {
        if text == "nearest" {
            return Ok(None);
        }
        let node = self.node(text.strip_prefix("node:").unwrap_or(text), "destination")?;
        if self.shelters.contains(&node) {
            Ok(Some(node))
        } else {
            Err(format!(
                "destination: node {} is not the node of a shelter the plan opens (give `nearest` or a shelter's node)",
                node.0
            ))
        }
    }
}

/// One row: the vehicle's name and its trip.
fn row<'a>(line: &'a str, refs: &Refs) -> Result<(&'a str, Trip), String> {
    let cols: Vec<&str> = line.split(',').map(str::trim).collect();
    let [vehicle, origin, depart, people, dest] = cols[..] else {
        return Err(format!("{} columns, expected 5 ({HEADER})", cols.len()));
    };
    if vehicle.is_empty() {
        return Err("vehicle: empty".into());
    }
    let origin = refs.origin(origin)?;
    let depart_s: f64 = depart
        .parse()
        .ok()
        .filter(|d: &f64| d.is_finite() && *d >= 0.0)
        .ok_or_else(|| format!("departure_s {depart:?} is not a number of seconds ≥ 0"))?;
    let people: u32 = people
        .parse()
        .ok()
        .filter(|&p| p >= 1)
        .ok_or_else(|| format!("people {people:?} is not a whole number ≥ 1"))?;
    let dest = refs.dest(dest)?;
    Ok((
        vehicle,
        Trip {
            origin,
            depart_s,
            people,
            dest,
        },
    ))
}

/// Read and check the trip list `path` from `reader`, against the region's
/// nodes and links and the plan's shelters, feeding every byte read to
/// `hash`. `limit` bounds the bytes read. Returns the trips in file order,
/// or every problem (the first 20, then a count of the rest).
pub fn read(
    mut reader: impl BufRead,
    path: &Path,
    limit: u64,
    region: &Region,
    plan: &Plan,
    hash: &mut Sha256,
) -> Result<Vec<Trip>, Vec<Problem>> {
    let refs = Refs::new(region, plan);
    let at = |line: usize, message: String| Problem {
        file: path.to_path_buf(),
        at: Some((line, 0)),
        message,
    };
    let mut problems = Vec::new();
    let mut more = 0usize;
    let mut trips = Vec::new();
    // Every vehicle name, to find repeats.
    let mut seen: BTreeSet<Box<str>> = BTreeSet::new();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut total = 0u64;
    let mut header = false;
    loop {
        buf.clear();
        let n = match reader.read_until(b'\n', &mut buf) {
            Ok(n) => n,
            Err(e) => return Err(vec![Problem::new(path, e.to_string())]),
        };
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(vec![Problem::new(
                path,
                crate::input::InputError::TooLarge {
                    path: path.to_path_buf(),
                    size: None,
                    limit,
                }
                .reason(),
            )]);
        }
        hash.update(&buf);
        line_no += 1;
        let mut report = |m: String| {
            if problems.len() < MAX_PROBLEMS {
                problems.push(at(line_no, m));
            } else {
                more += 1;
            }
        };
        let Ok(text) = std::str::from_utf8(&buf) else {
            report("not UTF-8 text".into());
            continue;
        };
        let text = text.trim_end_matches(['\n', '\r']);
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() || text.starts_with('#') {
            continue;
        }
        if !header {
            header = true;
            let cols: Vec<&str> = text.split(',').map(str::trim).collect();
            if cols.join(",") != HEADER {
                report(format!("the header must be `{HEADER}`, not `{text}`"));
                return Err(problems);
            }
            continue;
        }
        match row(text, &refs) {
            Ok((name, trip)) => {
                if seen.contains(name) {
                    report(format!("vehicle {name:?} is named twice"));
                } else {
                    seen.insert(name.into());
                    trips.push(trip);
                }
            }
            Err(m) => report(m),
        }
    }
    hash.update(total.to_le_bytes());
    if !header {
        problems.push(Problem::new(
            path,
            format!("empty: a trip list starts with the header `{HEADER}`"),
        ));
    }
    if more > 0 {
        problems.push(Problem::new(path, format!("… and {more} more bad rows")));
    }
    if problems.is_empty() {
        Ok(trips)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> (Region, Plan) {
        let region: Region = ron::from_str(
            "Region(name: \"t\", nodes: [(id: 1, x: 0, y: 0), (id: 2, x: 100, y: 0)],
              edges: [(id: 7, from: 1, to: 2, length_m: 100, speed_kmh: 50, capacity_vph: 1800)],
              zones: [(id: 1, name: \"z\", population: 0, households: 0, node: 1)],
              facilities: [(id: 3, name: \"s\", kind: Shelter, node: 2, capacity: Some(10))])",
        )
        .unwrap();
        let plan: Plan =
            ron::from_str("Plan(name: \"p\", depots: [], crews: [], shelters: [3])").unwrap();
        (region, plan)
    }

    fn parse(text: &str) -> Result<Vec<Trip>, Vec<String>> {
        let (region, plan) = world();
        read(
            text.as_bytes(),
            Path::new("t.csv"),
            1 << 20,
            &region,
            &plan,
            &mut Sha256::new(),
        )
        .map_err(|ps| ps.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn rows_become_trips_in_file_order() {
        let trips = parse(&format!(
            "{HEADER}\r\n# a comment\na,1,30,2,nearest\nb,link:7,0.5,1,2\n\nc,node:2,10,3,node:2\n"
        ))
        .unwrap();
        assert_eq!(trips.len(), 3);
        assert_eq!(trips[0].origin, NodeId(1));
        assert_eq!(
            trips[1].origin,
            NodeId(2),
            "a link origin starts at its end"
        );
        assert_eq!(trips[1].depart_s, 0.5);
        assert_eq!(trips[1].dest, Some(NodeId(2)));
        assert_eq!((trips[2].people, trips[0].dest), (3, None));
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        let e = parse(&format!(
            "{HEADER}\na,1,30,2,nearest\nb,9,0,1,nearest\nc,1,-1,1,nearest\nd,1,0,0,nearest\n\
             e,1,0,1,1\nf,1,0\na,2,0,1,nearest\ng,link:8,0,1,nearest\n"
        ))
        .unwrap_err();
        let want = [
            "t.csv:3: origin: no node 9",
            "t.csv:4: departure_s",
            "t.csv:5: people",
            "t.csv:6: destination: node 1 is not the node of a shelter",
            "t.csv:7: 3 columns",
            "t.csv:8: vehicle \"a\" is named twice",
            "t.csv:9: origin: no link 8",
        ];
        assert_eq!(e.len(), want.len(), "{e:#?}");
        for (got, want) in e.iter().zip(want) {
            assert!(got.starts_with(want), "{got} should start with {want}");
        }
        assert!(parse("vehicle,from,at\n").unwrap_err()[0].starts_with("t.csv:1: the header"));
        assert!(parse("").unwrap_err()[0].contains("empty"));
    }

    #[test]
    fn a_flood_of_bad_rows_is_cut_short() {
        let mut text = format!("{HEADER}\n");
        for i in 0..100 {
            text.push_str(&format!("v{i},1,x,1,nearest\n"));
        }
        let e = parse(&text).unwrap_err();
        assert_eq!(e.len(), MAX_PROBLEMS + 1);
        assert!(e[MAX_PROBLEMS].ends_with("and 80 more bad rows"), "{e:?}");
    }
}
