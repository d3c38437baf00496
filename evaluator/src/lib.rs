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
//! Glossary: the *onset* is the start of the scenario's first hazard or
//! inject; deadlines count from it. A target is *met at* the exact time
//! (seconds, from the journal) from which its measure stays at or above the
//! fraction until the horizon. A target not met by the horizon whose
//! deadline lies past the horizon is *not reached by the horizon*, not missed.
//!
//! Boundaries: imports the engine and the models (only `standard_sim`, to run
//! stress replicates), never the viewer, osm or drill; no IO.

use qilian_engine::units::round6;
use qilian_engine::{EventKind, RunResult, Scenario, Series, Service, SimEvent, SimTime, Targets};

pub mod audit;
pub mod curves;
pub mod stats;
pub mod stress;
use serde::{Deserialize, Serialize};
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

/// A target's verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Met within its deadline.
    #[default]
    Met,
    /// Met after its deadline, or not met although the deadline lay within
    /// the run.
    Missed,
    /// Not met by the horizon, and its deadline lies past the horizon: the
    /// run is too short to tell.
    NotReachedByHorizon,
}

impl Verdict {
    /// How the terminal and the report say it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "MISSED",
            Verdict::NotReachedByHorizon => "not reached by the horizon",
        }
    }
}

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
    /// Met, missed, or not reached by the horizon (deadline past it).
    pub verdict: Verdict,
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
    /// Hours from the start to the onset: the scenario's first hazard or
    /// inject (`None` if it has neither and nothing was disrupted).
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
    let timing = Timing::of(run);
    let (onset_h, targets) = judge(run.scenario.targets(), &run.series, &timing);
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

/// The onset of a scenario: the start of its first hazard or inject.
pub fn onset(scenario: &Scenario) -> Option<SimTime> {
    let file = &scenario.file;
    let hazards = file.hazards.iter().map(|h| SimTime::from_hours(h.at_h()));
    let injects = file.injects.iter().map(|i| SimTime::from_hours(i.at_h));
    hazards.chain(injects).min()
}

/// What [`judge`] needs besides the series: the run's time frame and the
/// exact times, from the journal, at which each target's measure can rise.
#[derive(Clone, Debug, Default)]
pub struct Timing {
    /// Tick length, seconds (a series row holds the state at its tick's end).
    pub tick_s: u64,
    /// End of the run, seconds.
    pub horizon_s: u64,
    /// The onset, seconds ([`onset`]); `None`: the first row below the
    /// fraction is taken instead.
    pub onset_s: Option<u64>,
    /// Per target in [`TARGETS`] order, the times (seconds, ascending) of the
    /// events that raise its measure: a zone cleaned, the service restored
    /// to a zone, a main road reopened.
    pub rises: Vec<Vec<u64>>,
}

impl Timing {
    /// The timing of `run`.
    pub fn of(run: &RunResult) -> Timing {
        Timing {
            tick_s: run.scenario.tick_s(),
            horizon_s: run.scenario.horizon().0,
            onset_s: onset(&run.scenario).map(|t| t.0),
            rises: rises(run.scenario.network.as_ref(), &run.events),
        }
    }
}

/// Per target, the times of the journal events that raise its measure.
fn rises(net: &qilian_engine::Network, events: &[SimEvent]) -> Vec<Vec<u64>> {
    let mut out = vec![Vec::new(); TARGETS.len()];
    for e in events {
        let i = match &e.kind {
            EventKind::ZoneCleaned { .. } => 0,
            EventKind::ServiceRestored { service, .. } => match service {
                Service::Power => 1,
                Service::Water => 2,
                Service::Telecom => 3,
            },
            EventKind::EdgeOpened { edge } | EventKind::EdgeDamaged { edge, .. }
                if net
                    .link(*edge)
                    .is_some_and(|l| net.links[l as usize].main_road) =>
            {
                4
            }
            _ => continue,
        };
        out[i].push(e.t_s);
    }
    for r in &mut out {
        r.sort_unstable();
    }
    out
}

/// The onset (hours from the start) and each target's result, from the
/// target columns of `series` (a missing column counts as always met).
///
/// A row of the series holds the state at the end of its tick. A target is
/// met at the exact time, within the first tick of its last run of rows at
/// or above the fraction, of the last event in that tick that raised its
/// measure ([`Timing::rises`]); at the tick's end if no event says.
pub fn judge(
    targets: &Targets,
    series: &Series,
    timing: &Timing,
) -> (Option<f64>, Vec<TargetResult>) {
    let thr = targets.service_fraction - EPS;
    let columns: Vec<Vec<f64>> = TARGETS
        .iter()
        .map(|(name, _)| {
            series
                .get(name)
                .unwrap_or_else(|| vec![1.0; series.t.len()])
        })
        .collect();
    let first_below = (0..series.t.len())
        .find(|&i| columns.iter().any(|c| c[i] < thr))
        .map(|i| series.t[i].0);
    let onset_s = timing.onset_s.or(first_below);
    let horizon_h = timing.horizon_s as f64 / 3600.0;
    let results = TARGETS
        .iter()
        .zip(&columns)
        .enumerate()
        .map(|(i, ((name, deadline), col))| {
            let deadline_h = deadline(targets);
            let reached_s = match col.iter().rposition(|&v| v < thr) {
                None => None,
                Some(last) if last + 1 < col.len() => {
                    let start = series.t[last + 1].0;
                    let end = start.saturating_add(timing.tick_s);
                    let rises = timing.rises.get(i).map_or(&[][..], |r| r.as_slice());
                    let hi = rises.partition_point(|&t| t <= end);
                    let at = match hi.checked_sub(1).map(|j| rises[j]) {
                        Some(t) if t >= start => t,
                        _ => end.min(timing.horizon_s.max(start)),
                    };
                    // The last tick may run past the horizon: what it
                    // brings after the horizon does not count.
                    Some((at <= timing.horizon_s).then_some(at))
                }
                Some(_) => Some(None),
            };
            let met_at_h = match reached_s {
                // Never below the fraction.
                None => Some(0.0),
                Some(Some(at)) => {
                    let on = onset_s.unwrap_or(0);
                    Some(at.saturating_sub(on) as f64 / 3600.0)
                }
                Some(None) => None,
            };
            let verdict = match met_at_h {
                Some(m) if m <= deadline_h + EPS => Verdict::Met,
                Some(_) => Verdict::Missed,
                None => {
                    let on_h = onset_s.unwrap_or(0) as f64 / 3600.0;
                    if on_h + deadline_h > horizon_h + EPS {
                        Verdict::NotReachedByHorizon
                    } else {
                        Verdict::Missed
                    }
                }
            };
            TargetResult {
                name: name.to_string(),
                deadline_h,
                fraction: targets.service_fraction,
                met_at_h: met_at_h.map(round6),
                met: verdict == Verdict::Met,
                verdict,
            }
        })
        .collect();
    (onset_s.map(|s| round6(s as f64 / 3600.0)), results)
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

    /// Hourly ticks over the series, the onset at `onset_h`, power rising at
    /// `rises_s`.
    fn timing(n: usize, onset_h: Option<u64>, rises_s: &[u64]) -> Timing {
        let mut rises = vec![Vec::new(); TARGETS.len()];
        rises[1] = rises_s.to_vec();
        Timing {
            tick_s: 3600,
            horizon_s: n as u64 * 3600,
            onset_s: onset_h.map(|h| h * 3600),
            rises,
        }
    }

    fn result(values: &[f64], t: &Timing) -> (Option<f64>, TargetResult) {
        let (onset, r) = judge(&targets(), &power(values), t);
        (onset, r.into_iter().find(|t| t.name == "power").unwrap())
    }

    #[test]
    fn met_at_counts_from_onset_to_the_exact_lasting_recovery() {
        // Lost in the tick from 1 h, back in the next, lost again, back for
        // good in the tick from 4 h: at 4.25 h by the journal.
        let v = [1.0, 0.5, 1.0, 0.9, 1.0, 1.0];
        let (onset, r) = result(&v, &timing(6, Some(1), &[7920, 15300]));
        assert_eq!(onset, Some(1.0));
        assert_eq!(r.met_at_h, Some(3.25));
        assert_eq!(r.verdict, Verdict::Missed); // deadline 2 h
        let (_, r) = result(&[1.0, 0.5, 1.0, 1.0], &timing(4, Some(1), &[7300]));
        assert_eq!(r.met_at_h, Some(1.027778));
        assert!(r.met);
        assert_eq!(r.verdict, Verdict::Met);
    }

    #[test]
    fn without_a_journal_event_the_tick_end_counts() {
        let (_, r) = result(&[1.0, 0.5, 1.0], &timing(3, Some(1), &[]));
        assert_eq!(r.met_at_h, Some(2.0));
    }

    #[test]
    fn never_restored_within_the_run_is_missed() {
        // Onset 1 h, deadline 2 h, horizon 4 h: the deadline lies inside.
        let (_, r) = result(&[1.0, 0.5, 0.5, 0.5], &timing(4, Some(1), &[]));
        assert_eq!(r.met_at_h, None);
        assert!(!r.met);
        assert_eq!(r.verdict, Verdict::Missed);
    }

    #[test]
    fn deadline_past_the_horizon_is_not_reached_rather_than_missed() {
        // Onset 1 h, deadline 2 h, horizon 2 h.
        let (_, r) = result(&[1.0, 0.5], &timing(2, Some(1), &[]));
        assert_eq!(r.met_at_h, None);
        assert!(!r.met);
        assert_eq!(r.verdict, Verdict::NotReachedByHorizon);
        assert_eq!(
            serde_json::to_value(r.verdict).unwrap(),
            "not_reached_by_horizon"
        );
    }

    #[test]
    fn undisturbed_is_met_at_zero() {
        let (onset, r) = result(&[1.0, 1.0], &timing(2, None, &[]));
        assert_eq!(onset, None);
        assert_eq!(r.met_at_h, Some(0.0));
        assert!(r.met);
        // With a hazard the onset is its start, disruption or not.
        let (onset, r) = result(&[1.0, 1.0], &timing(2, Some(1), &[]));
        assert_eq!(onset, Some(1.0));
        assert_eq!(r.met_at_h, Some(0.0));
    }

    #[test]
    fn lower_fraction_accepts_partial_service() {
        let mut t = targets();
        t.service_fraction = 0.9;
        let (_, r) = judge(
            &t,
            &power(&[1.0, 0.5, 0.95, 0.95]),
            &timing(4, Some(1), &[8000]),
        );
        let p = r.iter().find(|t| t.name == "power").unwrap();
        assert_eq!(p.met_at_h, Some(round6(4400.0 / 3600.0)));
    }
}
