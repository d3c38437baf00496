//! The whole-process benchmark world of issue 21, after the SUMO comparison
//! it describes: a 100 × 100 street grid (10,000 nodes, 39,600 directed
//! links), `trips` vehicles leaving from random nodes on logistic departure
//! times for the nearest of 20 shelters. Demand is given in one of two forms
//! ([`Form`]): as zones (one zone per trip, one evacuation rule per
//! departure minute), or as a trip list (`trips.csv`, departures to the
//! second, 100 zones of 10 × 10 blocks to count people in). Written as
//! files, so a run measures what a user's run costs: reading, validating,
//! building, simulating and writing outputs.
//!
//! All of it is synthetic (200 m blocks, 50 km/h, one lane of 1,800 veh/h
//! each way; departures logistic with a 30 min half-time and a 10 min
//! scale, cut to 0–2 h); it exists to measure speed.

use std::fmt::Write as _;
use std::path::Path;

const SIDE: u32 = 100;
const SPACING_M: f64 = 200.0;
const SHELTERS: u32 = 20;

/// A small deterministic generator (SplitMix64), so the world is the same
/// on every machine without a dependency.
struct Mix(u64);

impl Mix {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// How the world gives its demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Form {
    /// One zone per trip, one evacuation rule per departure minute.
    Zones,
    /// A trip list, `trips.csv`.
    Trips,
}

/// Write `region.ron`, `plan.ron`, `scenario.ron` (and `trips.csv`) for
/// `trips` vehicles into `dir` (created). Returns the scenario's path.
pub fn write(dir: &Path, trips: u32, form: Form) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let id = |r: u32, c: u32| r * SIDE + c + 1;
    let mut rng = Mix(21);
    let mut region = String::from("Region(\n    name: \"SUMO-like grid\",\n    nodes: [\n");
    for r in 0..SIDE {
        for c in 0..SIDE {
            let _ = writeln!(
                region,
                "        (id: {}, x: {}, y: {}),",
                id(r, c),
                f64::from(c) * SPACING_M,
                f64::from(r) * SPACING_M
            );
        }
    }
    region.push_str("    ],\n    edges: [\n");
    let mut e = 0;
    for r in 0..SIDE {
        for c in 0..SIDE {
            let mut link = |a: u32, b: u32| {
                for (f, t) in [(a, b), (b, a)] {
                    e += 1;
                    let _ = writeln!(
                        region,
                        "        (id: {e}, from: {f}, to: {t}, length_m: {SPACING_M}, speed_kmh: 50, capacity_vph: 1800),"
                    );
                }
            };
            if c + 1 < SIDE {
                link(id(r, c), id(r, c + 1));
            }
            if r + 1 < SIDE {
                link(id(r, c), id(r + 1, c));
            }
        }
    }
    region.push_str("    ],\n    zones: [\n");
    let mut by_minute: Vec<Vec<u32>> = vec![Vec::new(); 121];
    let mut csv = String::from("vehicle,origin,departure_s,people,destination\n");
    if form == Form::Trips {
        // 100 zones, one per 10 × 10 block, at its centre, nobody living there.
        for b in 0..100 {
            let _ = writeln!(
                region,
                "        (id: {}, name: \"block {}\", population: 0, households: 0, node: {}),",
                b + 1,
                b + 1,
                id((b / 10) * 10 + 5, (b % 10) * 10 + 5)
            );
        }
    }
    for z in 1..=trips {
        let node = 1 + (rng.unit() * f64::from(SIDE * SIDE)) as u32;
        // Logistic: half-time 30 min, scale 10 min, cut to 0–120 min.
        let u = rng.unit().clamp(1e-9, 1.0 - 1e-9);
        let minutes = (30.0 + 10.0 * (u / (1.0 - u)).ln()).clamp(0.0, 120.0);
        match form {
            Form::Zones => {
                let _ = writeln!(
                    region,
                    "        (id: {z}, name: \"trip {z}\", population: 1, households: 1, node: {node}),"
                );
                by_minute[minutes.round() as usize].push(z);
            }
            Form::Trips => {
                let _ = writeln!(csv, "v{z},{node},{},1,nearest", (minutes * 60.0).round());
            }
        }
    }
    region.push_str("    ],\n    facilities: [\n");
    for s in 0..SHELTERS {
        let (r, c) = ((s / 5) * 25 + 12, (s % 5) * 20 + 10);
        let _ = writeln!(
            region,
            "        (id: {}, name: \"shelter {}\", kind: Shelter, node: {}, capacity: Some({})),",
            s + 1,
            s + 1,
            id(r, c),
            trips
        );
    }
    region.push_str("    ],\n)\n");
    std::fs::write(dir.join("region.ron"), region)?;

    let mut plan = String::from(
        "Plan(\n    name: \"trips\",\n    depots: [],\n    crews: [],\n    shelters: [",
    );
    for s in 1..=SHELTERS {
        let _ = write!(plan, "{s}, ");
    }
    plan.push_str("],\n    evacuation: (");
    if form == Form::Trips {
        plan.push_str("trips: Some(\"trips.csv\"), ");
        std::fs::write(dir.join("trips.csv"), csv)?;
    }
    plan.push_str("rules: [\n");
    for (minute, zones) in by_minute.iter().enumerate() {
        if zones.is_empty() {
            continue;
        }
        let list: Vec<String> = zones.iter().map(u32::to_string).collect();
        let _ = writeln!(
            plan,
            "        (zones: [{}], trigger: AtHour({}), persons_per_vehicle: 1.0, departure: LogNormal(median_h: 0.0001, beta: 0.0)),",
            list.join(", "),
            minute as f64 / 60.0
        );
    }
    plan.push_str("    ]),\n)\n");
    std::fs::write(dir.join("plan.ron"), plan)?;

    let scenario = "Scenario(
    name: \"SUMO-like grid evacuation\",
    region: \"region.ron\",
    plan: \"plan.ron\",
    horizon_h: 6.0,
    tick_s: 60,
    seed: 1,
    targets: Targets(cleanup_h: 48.0, power_h: 72.0, water_h: 72.0, telecom_h: 72.0, main_roads_h: 120.0),
    injects: [],
)
";
    let path = dir.join("scenario.ron");
    std::fs::write(&path, scenario)?;
    Ok(path)
}
