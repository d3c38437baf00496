//! # qilian-evaluator
//!
//! Turns runs into judgements: for each restoration target, when it was met and
//! whether within its deadline ([`summarize`] → [`Summary`]). Later: Monte Carlo
//! statistics, plan comparison, bottlenecks and plan audits.
//!
//! It returns data; drawing and file formats are the viewer's and the CLI's.
//!
//! Glossary: the *onset* is the first moment any target's measure falls below
//! the required service fraction; deadlines count from it. A target is *met at*
//! the first time from which its measure stays at or above the fraction until
//! the horizon.

use qilian_engine::{RunResult, Targets};
use serde::Serialize;
use std::collections::BTreeMap;

/// Package version written into every summary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Slack for comparing fractions computed as ratios of sums.
const EPS: f64 = 1e-9;

/// Reads a target's deadline, hours.
pub type Deadline = fn(&Targets) -> f64;

/// The targets, in report order: name, series column, deadline accessor.
pub const TARGETS: [(&str, Deadline); 5] = [
    ("cleanup", |t| t.cleanup_h.0),
    ("power", |t| t.power_h.0),
    ("water", |t| t.water_h.0),
    ("telecom", |t| t.telecom_h.0),
    ("main_roads", |t| t.main_roads_h.0),
];

/// How one target fared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetResult {
    /// Target name (also its series column).
    pub name: String,
    /// Deadline, hours after the onset.
    pub deadline_h: f64,
    /// Service fraction that counts as met.
    pub fraction: f64,
    /// Hours after the onset when it was met for good; `None` if not by the horizon.
    pub met_at_h: Option<f64>,
    /// Met within the deadline.
    pub met: bool,
}

/// The result of one run, as written to `summary.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Replicate.
    pub replicate: u32,
    /// Qilian version.
    pub version: String,
    /// SHA-256 of the scenario's files.
    pub scenario_sha256: String,
    /// Simulated hours.
    pub horizon_h: f64,
    /// Hours from the start to the onset; `None` if nothing was ever disrupted.
    pub onset_h: Option<f64>,
    /// Per target.
    pub targets: Vec<TargetResult>,
    /// KPIs from the models.
    pub kpis: BTreeMap<String, serde_json::Value>,
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Judge a run against its scenario's targets.
pub fn summarize(run: &RunResult) -> Summary {
    let targets = run.scenario.targets();
    let thr = targets.service_fraction - EPS;
    let t_h: Vec<f64> = run.series.t.iter().map(|t| t.hours()).collect();
    let columns: Vec<Vec<f64>> = TARGETS
        .iter()
        .map(|(name, _)| run.series.get(name).unwrap_or_else(|| vec![1.0; t_h.len()]))
        .collect();
    let onset = (0..t_h.len())
        .find(|&i| columns.iter().any(|c| c[i] < thr))
        .map(|i| t_h[i]);
    let results = TARGETS
        .iter()
        .zip(&columns)
        .map(|((name, deadline), col)| {
            let deadline_h = deadline(targets);
            let met_at_h = match (onset, col.iter().rposition(|&v| v < thr)) {
                (_, None) => Some(0.0),
                (Some(on), Some(last)) if last + 1 < t_h.len() => Some(t_h[last + 1] - on),
                _ => None,
            };
            TargetResult {
                name: name.to_string(),
                deadline_h,
                fraction: targets.service_fraction,
                met_at_h: met_at_h.map(round6),
                met: met_at_h.is_some_and(|m| m <= deadline_h + EPS),
            }
        })
        .collect();
    Summary {
        scenario: run.scenario.name.clone(),
        seed: run.seed,
        replicate: run.replicate,
        version: VERSION.to_string(),
        scenario_sha256: run.scenario.sha256.clone(),
        horizon_h: run.scenario.horizon().hours(),
        onset_h: onset.map(round6),
        targets: results,
        kpis: run.kpis.clone(),
    }
}
