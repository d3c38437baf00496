//! # qilian-evaluator
//!
//! Turns runs into judgements: for each restoration target, when it was met and
//! whether within its deadline ([`summarize`] → [`Summary`]); Monte Carlo
//! statistics, shards, plan comparison and bottlenecks ([`stress`]); hourly
//! service curves, fan charts' percentiles and zone risk ([`curves`]); plan
//! audits ([`audit`]).
//!
//! It returns data; drawing and file formats are the viewer's and the CLI's.
//!
//! Glossary: the *onset* is the first moment any target's measure falls below
//! the required service fraction; deadlines count from it. A target is *met at*
//! the first time from which its measure stays at or above the fraction until
//! the horizon.
//!
//! Boundaries: imports the engine and the models (only `standard_sim`, to run
//! stress replicates), never the viewer, osm or drill; no IO.

use qilian_engine::units::round6;
use qilian_engine::{RunResult, Series, Targets};

pub mod audit;
pub mod curves;
pub mod stats;
pub mod stress;
use serde::Serialize;
use std::collections::BTreeMap;

/// Package version written into every summary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Slack for comparing fractions computed as ratios of sums.
const EPS: f64 = 1e-9;

/// Reads one target's deadline, in hours, from the targets.
pub type Deadline = fn(&Targets) -> f64;

/// The targets, in report order: name (also the series column), deadline.
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

/// Every leaf of nested KPIs under its dotted name (`hazards.1 flood.deaths`),
/// in key order: the one flattening that stress tables and reports share.
pub fn kpi_leaves(kpis: &BTreeMap<String, serde_json::Value>) -> Vec<(String, &serde_json::Value)> {
    fn walk<'a>(
        name: String,
        v: &'a serde_json::Value,
        out: &mut Vec<(String, &'a serde_json::Value)>,
    ) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    walk(format!("{name}.{k}"), v, out);
                }
            }
            leaf => out.push((name, leaf)),
        }
    }
    let mut out = Vec::new();
    for (k, v) in kpis {
        walk(k.clone(), v, &mut out);
    }
    out
}

/// Judge a run against its scenario's targets.
pub fn summarize(run: &RunResult) -> Summary {
    let (onset_h, targets) = judge(run.scenario.targets(), &run.series);
    Summary {
        scenario: run.scenario.name.clone(),
        seed: run.seed,
        replicate: run.replicate,
        version: VERSION.to_string(),
        scenario_sha256: run.scenario.sha256.clone(),
        horizon_h: run.scenario.horizon().hours(),
        onset_h,
        targets,
        kpis: run.kpis.clone(),
    }
}

/// The onset (hours from the start) and each target's result, from the
/// target columns of `series` (a missing column counts as always met).
pub fn judge(targets: &Targets, series: &Series) -> (Option<f64>, Vec<TargetResult>) {
    let thr = targets.service_fraction - EPS;
    let t_h: Vec<f64> = series.t.iter().map(|t| t.hours()).collect();
    let columns: Vec<Vec<f64>> = TARGETS
        .iter()
        .map(|(name, _)| series.get(name).unwrap_or_else(|| vec![1.0; t_h.len()]))
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
    (onset.map(round6), results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qilian_engine::{Hours, SimTime};

    fn targets() -> Targets {
        Targets {
            cleanup_h: Hours(48.0),
            power_h: Hours(2.0),
            water_h: Hours(72.0),
            telecom_h: Hours(72.0),
            main_roads_h: Hours(120.0),
            service_fraction: 1.0,
        }
    }

    /// A series with a `power` column sampled every hour.
    fn power(values: &[f64]) -> Series {
        let mut s = Series::default();
        s.column("power");
        for (i, v) in values.iter().enumerate() {
            s.push(SimTime(i as u64 * 3600), &[*v]);
        }
        s
    }

    fn result(values: &[f64]) -> (Option<f64>, TargetResult) {
        let (onset, r) = judge(&targets(), &power(values));
        (onset, r.into_iter().find(|t| t.name == "power").unwrap())
    }

    #[test]
    fn met_at_counts_from_onset_to_lasting_recovery() {
        // Lost at 1 h, back at 2 h, lost again at 3 h, back for good at 4 h.
        let (onset, r) = result(&[1.0, 0.5, 1.0, 0.9, 1.0, 1.0]);
        assert_eq!(onset, Some(1.0));
        assert_eq!(r.met_at_h, Some(3.0));
        assert!(!r.met); // deadline 2 h
        let (_, r) = result(&[1.0, 0.5, 1.0, 1.0]);
        assert_eq!(r.met_at_h, Some(1.0));
        assert!(r.met);
    }

    #[test]
    fn never_restored_is_null_and_missed() {
        let (_, r) = result(&[1.0, 0.5, 0.5]);
        assert_eq!(r.met_at_h, None);
        assert!(!r.met);
    }

    #[test]
    fn undisturbed_is_met_at_zero() {
        let (onset, r) = result(&[1.0, 1.0]);
        assert_eq!(onset, None);
        assert_eq!(r.met_at_h, Some(0.0));
        assert!(r.met);
    }

    #[test]
    fn lower_fraction_accepts_partial_service() {
        let mut t = targets();
        t.service_fraction = 0.9;
        let (_, r) = judge(&t, &power(&[1.0, 0.5, 0.95, 0.95]));
        let p = r.iter().find(|t| t.name == "power").unwrap();
        assert_eq!(p.met_at_h, Some(1.0));
    }
}
