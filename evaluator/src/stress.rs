//! Monte Carlo stress tests (docs/evaluation.md#monte-carlo-stress-runs):
//! replicates in parallel, results in replicate order, the chance of meeting
//! each target with a Wilson interval, and P10/P50/P90 of restoration times and
//! KPIs. Also shards (a fixed slice of replicates per job) and their merge,
//! plan comparison on common random numbers, and bottleneck analysis.
//!
//! Glossary: a *replicate* is one run with its own random streams
//! (`Streams::new(seed, replicate)`), so replicate k draws the same numbers
//! whatever else runs; *common random numbers* means two plans run on the same
//! replicates, so their differences are paired.

use crate::curves::Curves;
use crate::stats::{mean_ci95, percentile, wilson95};
use crate::{Summary, TargetResult, VERSION, Verdict, summarize};
use qilian_engine::scenario::{CrewKind, Plan};
use qilian_engine::units::round6;
use qilian_engine::{RunResult, Scenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One replicate's outcome, as stored in shard files and `replicates.csv`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicateRow {
    /// Replicate number.
    pub replicate: u32,
    /// Per target, in report order.
    pub targets: Vec<TargetOutcome>,
    /// Numeric KPIs, flattened to dotted names (`crews.power`).
    pub kpis: BTreeMap<String, f64>,
    /// Hourly service curves and zone restore times, for fan charts and risk
    /// maps. [`report`] never reads them, so `stress.json` does not depend on
    /// them; shard files carry them so a merged run can still be drawn.
    #[serde(default)]
    pub curves: Curves,
}

/// One target in one replicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetOutcome {
    /// Target name.
    pub name: String,
    /// Met within its deadline.
    pub met: bool,
    /// Hours after the onset when met for good (`None`: not by the horizon).
    pub met_at_h: Option<f64>,
    /// Met, missed, or not reached by the horizon.
    #[serde(default)]
    pub verdict: Verdict,
}

impl ReplicateRow {
    /// The row of a run and its summary, with the run's curves.
    pub fn of_run(run: &RunResult, summary: &Summary) -> ReplicateRow {
        ReplicateRow {
            curves: Curves::of(run, summary.onset_h),
            ..ReplicateRow::of(summary)
        }
    }

    /// The row of a run's summary (without curves).
    pub fn of(summary: &Summary) -> ReplicateRow {
        let kpis = crate::kpi_leaves(&summary.kpis)
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::Number(n) => n.as_f64().map(|x| (k, x)),
                serde_json::Value::Bool(b) => Some((k, f64::from(u8::from(*b)))),
                _ => None,
            })
            .collect();
        ReplicateRow {
            replicate: summary.replicate,
            targets: summary.targets.iter().map(TargetOutcome::of).collect(),
            kpis,
            curves: Curves::default(),
        }
    }
}

impl TargetOutcome {
    fn of(t: &TargetResult) -> TargetOutcome {
        TargetOutcome {
            name: t.name.clone(),
            met: t.met,
            met_at_h: t.met_at_h,
            verdict: t.verdict,
        }
    }
}

/// Replicates `k, k+n, k+2n, …` below `runs` (shard `k` of `n`, 0-based).
pub fn shard_replicates(runs: u32, k: u32, n: u32) -> Vec<u32> {
    (k..runs).step_by(n.max(1) as usize).collect()
}

/// Run `scenario` once per replicate in parallel (one thread each) and map
/// each result with `f`; results come back in the order of `replicates`.
/// `done` is called after each replicate (for a progress bar).
pub fn run_each<T: Send>(
    scenario: &Arc<Scenario>,
    replicates: &[u32],
    done: &(dyn Fn() + Sync),
    f: impl Fn(&RunResult) -> T + Sync,
) -> Vec<T> {
    replicates
        .par_iter()
        .map(|&r| {
            let run = qilian_models::standard_sim(scenario.clone(), r).run();
            let out = f(&run);
            done();
            out
        })
        .collect()
}

/// Run the replicates and keep their rows.
pub fn run_rows(
    scenario: &Arc<Scenario>,
    replicates: &[u32],
    done: &(dyn Fn() + Sync),
) -> Vec<ReplicateRow> {
    run_each(scenario, replicates, done, |run| {
        ReplicateRow::of_run(run, &summarize(run))
    })
}

/// What identifies a stress run: every shard of it carries the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StressMeta {
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario's files.
    pub scenario_sha256: String,
    /// Plan name.
    pub plan: String,
    /// Qilian version.
    pub version: String,
    /// Seed.
    pub seed: u64,
    /// Replicates in the whole run.
    pub runs: u32,
    /// Each target's deadline (hours after the onset), in report order.
    pub deadlines_h: Vec<f64>,
}

impl StressMeta {
    /// The meta of a run of `runs` replicates of `scenario`.
    pub fn of(scenario: &Scenario, runs: u32) -> StressMeta {
        StressMeta {
            scenario: scenario.name.clone(),
            scenario_sha256: scenario.sha256.clone(),
            plan: scenario.plan.name.clone(),
            version: VERSION.to_string(),
            seed: scenario.file.seed,
            runs,
            deadlines_h: crate::TARGETS
                .iter()
                .map(|(_, d)| d(scenario.targets()))
                .collect(),
        }
    }
}

/// P10, P50 and P90.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pcts {
    /// 10th percentile.
    pub p10: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
}

impl Pcts {
    /// Percentiles of values where `None` means "beyond every number".
    pub fn of(values: &[Option<f64>]) -> Pcts {
        let r = |p| percentile(values, p).map(round6);
        Pcts {
            p10: r(10.0),
            p50: r(50.0),
            p90: r(90.0),
        }
    }
}

/// One target over all replicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetStats {
    /// Target name.
    pub name: String,
    /// Deadline, hours after the onset.
    pub deadline_h: f64,
    /// Fraction of replicates that met it.
    pub p_met: f64,
    /// Wilson 95 % interval of `p_met`.
    pub p_met_ci95: [f64; 2],
    /// Percentiles of the time it was met (never-met replicates sort last).
    pub met_at_h: Pcts,
    /// Fraction of replicates that had not met it by the horizon with the
    /// deadline past the horizon: neither met nor missed (counted in
    /// `1 − p_met`).
    pub p_not_reached_by_horizon: f64,
}

/// One life-safety outcome over all replicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeStats {
    /// Outcome name ([`LIFE_SAFETY`]).
    pub name: String,
    /// The KPI it reads.
    pub kpi: String,
    /// Which way is better.
    pub better: Better,
    /// Replicates that have it (evacuation times need an evacuation).
    pub runs: usize,
    /// Mean per run.
    pub mean: Option<f64>,
    /// 95 % interval of the mean (normal theory).
    pub mean_ci95: Option<[f64; 2]>,
    /// P10, P50, P90 per run.
    #[serde(flatten)]
    pub pcts: Pcts,
}

impl OutcomeStats {
    /// Statistics of every life-safety outcome over `rows`.
    fn all(rows: &[&ReplicateRow]) -> Vec<OutcomeStats> {
        LIFE_SAFETY
            .iter()
            .map(|(name, kpi, better, _)| {
                let v: Vec<f64> = rows
                    .iter()
                    .filter_map(|r| r.kpis.get(*kpi).copied())
                    .collect();
                let ci = mean_ci95(&v);
                OutcomeStats {
                    name: name.to_string(),
                    kpi: kpi.to_string(),
                    better: *better,
                    runs: v.len(),
                    mean: ci.map(|c| round6(c.0)),
                    mean_ci95: ci.map(|c| [round6(c.1), round6(c.2)]),
                    pcts: Pcts::of(&v.iter().map(|x| Some(*x)).collect::<Vec<_>>()),
                }
            })
            .collect()
    }
}

/// `stress.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StressReport {
    /// What ran.
    #[serde(flatten)]
    pub meta: StressMeta,
    /// Per target.
    pub targets: Vec<TargetStats>,
    /// Life-safety outcomes ([`LIFE_SAFETY`]), first-class beside the
    /// targets: mean with its 95 % interval and P10/P50/P90.
    #[serde(default)]
    pub life_safety: Vec<OutcomeStats>,
    /// Percentiles of every numeric KPI.
    pub kpis: BTreeMap<String, Pcts>,
}

/// Statistics over `rows` (any order; sorted by replicate first).
pub fn report(meta: StressMeta, rows: &[ReplicateRow]) -> StressReport {
    let mut rows: Vec<&ReplicateRow> = rows.iter().collect();
    rows.sort_by_key(|r| r.replicate);
    let n = rows.len() as u64;
    let stats = crate::TARGETS
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let met = rows.iter().filter(|r| r.targets[i].met).count() as u64;
            let (lo, hi) = wilson95(met, n);
            let at: Vec<Option<f64>> = rows.iter().map(|r| r.targets[i].met_at_h).collect();
            let open = rows
                .iter()
                .filter(|r| r.targets[i].verdict == Verdict::NotReachedByHorizon)
                .count();
            TargetStats {
                name: name.to_string(),
                deadline_h: meta.deadlines_h.get(i).copied().unwrap_or(f64::NAN),
                p_met: if n > 0 {
                    round6(met as f64 / n as f64)
                } else {
                    0.0
                },
                p_met_ci95: [round6(lo), round6(hi)],
                met_at_h: Pcts::of(&at),
                p_not_reached_by_horizon: if n > 0 {
                    round6(open as f64 / n as f64)
                } else {
                    0.0
                },
            }
        })
        .collect();
    let mut keys: Vec<&String> = rows.iter().flat_map(|r| r.kpis.keys()).collect();
    keys.sort();
    keys.dedup();
    let kpis = keys
        .into_iter()
        .map(|k| {
            let v: Vec<Option<f64>> = rows
                .iter()
                .filter_map(|r| r.kpis.get(k))
                .map(|x| Some(*x))
                .collect();
            (k.clone(), Pcts::of(&v))
        })
        .collect();
    StressReport {
        meta,
        targets: stats,
        life_safety: OutcomeStats::all(&rows),
        kpis,
    }
}

/// What a shard writes: its meta (scenario hash and seed among it), which
/// shard it is, its rows and their checksum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// The whole run's meta.
    #[serde(flatten)]
    pub meta: StressMeta,
    /// `[k, n]`: shard k (0-based) of n.
    pub shard: [u32; 2],
    /// SHA-256 of the rows ([`rows_sha256`]), so an edited or damaged shard
    /// is refused.
    pub rows_sha256: String,
    /// Rows, in replicate order.
    pub rows: Vec<ReplicateRow>,
}

impl ShardFile {
    /// Shard `k` of `n` with its checksum. The checksum is taken over the
    /// rows as they read back from JSON, so it holds for the file whatever
    /// the last bit of a float parse.
    pub fn new(meta: StressMeta, k: u32, n: u32, rows: Vec<ReplicateRow>) -> ShardFile {
        let text = serde_json::to_string(&rows).expect("rows serialise");
        let back: Vec<ReplicateRow> = serde_json::from_str(&text).expect("rows read back");
        ShardFile {
            meta,
            shard: [k, n],
            rows_sha256: rows_sha256(&back),
            rows,
        }
    }
}

/// SHA-256 (hex) of the compact JSON of `rows`.
pub fn rows_sha256(rows: &[ReplicateRow]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let text = serde_json::to_vec(rows).expect("rows serialise");
    sha2::Sha256::digest(&text)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Why shards cannot be merged. Each names the shard at fault.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No shards given.
    #[error("no shards to merge")]
    Empty,
    /// A shard of a different run: which field differs.
    #[error("{0}: from a different run ({1})")]
    Mismatch(String, String),
    /// A shard that is wrong in itself: edited, short, mislabelled.
    #[error("{0}: {1}")]
    Bad(String, String),
    /// Shard k of n is given twice.
    #[error("shard {k} of {n} is given twice: {first} and {second}")]
    Duplicate {
        /// Shard number.
        k: u32,
        /// Shards in the run.
        n: u32,
        /// One file.
        first: String,
        /// The other.
        second: String,
    },
    /// Shard k of n is not given.
    #[error("shard {k} of {n} is missing (replicates {replicates})")]
    Missing {
        /// Shard number.
        k: u32,
        /// Shards in the run.
        n: u32,
        /// Its replicates, for the message.
        replicates: String,
    },
}

/// The first field in which `b` differs from `a`, as `field: b, not a`.
fn differs(a: &StressMeta, b: &StressMeta) -> Option<String> {
    let f = |name: &str, x: &dyn std::fmt::Debug, y: &dyn std::fmt::Debug| {
        Some(format!("{name} {y:?}, not {x:?}"))
    };
    if a.scenario_sha256 != b.scenario_sha256 {
        return f("scenario SHA-256", &a.scenario_sha256, &b.scenario_sha256);
    }
    if a.seed != b.seed {
        return f("seed", &a.seed, &b.seed);
    }
    if a.scenario != b.scenario {
        return f("scenario", &a.scenario, &b.scenario);
    }
    if a.plan != b.plan {
        return f("plan", &a.plan, &b.plan);
    }
    if a.version != b.version {
        return f("version", &a.version, &b.version);
    }
    if a.runs != b.runs {
        return f("runs", &a.runs, &b.runs);
    }
    if a.deadlines_h != b.deadlines_h {
        return f("deadlines", &a.deadlines_h, &b.deadlines_h);
    }
    None
}

/// Check one shard on its own: checksum, numbering, its exact replicates,
/// a full targets list in every row.
fn check_shard(name: &str, s: &ShardFile) -> Result<(), MergeError> {
    let bad = |why: String| Err(MergeError::Bad(name.to_string(), why));
    if rows_sha256(&s.rows) != s.rows_sha256 {
        return bad("its rows do not match their checksum (edited or damaged)".into());
    }
    let [k, n] = s.shard;
    if n == 0 || k >= n {
        return bad(format!("shard {k} of {n} is not a shard number"));
    }
    if s.meta.deadlines_h.len() != crate::TARGETS.len() {
        return bad(format!(
            "{} target deadlines, expected {}",
            s.meta.deadlines_h.len(),
            crate::TARGETS.len()
        ));
    }
    let want = shard_replicates(s.meta.runs, k, n);
    let got: Vec<u32> = s.rows.iter().map(|r| r.replicate).collect();
    if got != want {
        return bad(format!(
            "shard {k} of {n} of {} runs must hold replicates {}, it holds {} ({} rows)",
            s.meta.runs,
            list(&want),
            list(&got),
            got.len()
        ));
    }
    for r in &s.rows {
        let names = r.targets.iter().map(|t| t.name.as_str());
        if !names.eq(crate::TARGETS.iter().map(|(t, _)| *t)) {
            return bad(format!(
                "replicate {} has targets {:?}, expected {:?}",
                r.replicate,
                r.targets.iter().map(|t| &t.name).collect::<Vec<_>>(),
                crate::TARGETS.iter().map(|(t, _)| *t).collect::<Vec<_>>()
            ));
        }
    }
    Ok(())
}

/// Replicate numbers for a message, shortened past eight.
fn list(r: &[u32]) -> String {
    let mut s: Vec<String> = r.iter().take(8).map(u32::to_string).collect();
    if r.len() > 8 {
        s.push(format!("… ({} in all)", r.len()));
    }
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

/// Merge shards (named for messages) into the rows of the whole run. Each
/// shard must be intact (checksum), of the same run (scenario hash, seed,
/// plan, version, runs, deadlines), hold exactly its replicates with every
/// target; together they must be every shard `0..n` once. Any other case is
/// an error that names the shard.
pub fn merge(
    shards: &[(String, ShardFile)],
) -> Result<(StressMeta, Vec<ReplicateRow>), MergeError> {
    let Some((_, first)) = shards.first() else {
        return Err(MergeError::Empty);
    };
    let meta = first.meta.clone();
    let n = first.shard[1];
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    let mut rows: Vec<ReplicateRow> = Vec::new();
    for (name, s) in shards {
        check_shard(name, s)?;
        if let Some(why) = differs(&meta, &s.meta) {
            return Err(MergeError::Mismatch(name.clone(), why));
        }
        if s.shard[1] != n {
            return Err(MergeError::Mismatch(
                name.clone(),
                format!("split into {} shards, not {n}", s.shard[1]),
            ));
        }
        if let Some(prev) = seen.insert(s.shard[0], name) {
            return Err(MergeError::Duplicate {
                k: s.shard[0],
                n,
                first: prev.to_string(),
                second: name.clone(),
            });
        }
        rows.extend(s.rows.iter().cloned());
    }
    if let Some(k) = (0..n).find(|k| !seen.contains_key(k)) {
        return Err(MergeError::Missing {
            k,
            n,
            replicates: list(&shard_replicates(meta.runs, k, n)),
        });
    }
    rows.sort_by_key(|r| r.replicate);
    Ok((meta, rows))
}

/// A paired difference B − A with its 95 % interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    /// Mean difference.
    pub mean: f64,
    /// Lower 95 % bound.
    pub lo: f64,
    /// Upper 95 % bound.
    pub hi: f64,
    /// Number of pairs.
    pub pairs: usize,
}

impl Diff {
    fn of(diffs: &[f64]) -> Option<Diff> {
        mean_ci95(diffs).map(|(mean, lo, hi)| Diff {
            mean: round6(mean),
            lo: round6(lo),
            hi: round6(hi),
            pairs: diffs.len(),
        })
    }

    /// The interval excludes zero.
    pub fn clear(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }
}

/// Whether less or more of an outcome is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Fewer is better (deaths, hours).
    Lower,
    /// More is better (people rescued).
    Higher,
}

/// The life-safety outcomes, first-class beside the five targets in
/// comparisons, bottlenecks and stress reports: name, the KPI it reads
/// (flattened key), which way is better, and what it counts (`h`: hours).
pub const LIFE_SAFETY: [(&str, &str, Better, &str); 7] = [
    ("deaths", "casualties.deaths", Better::Lower, "deaths"),
    ("injuries", "casualties.injuries", Better::Lower, "injuries"),
    (
        "rescued",
        "casualties.rescued",
        Better::Higher,
        "people rescued",
    ),
    (
        "exposed",
        "evacuation.exposed",
        Better::Lower,
        "people exposed",
    ),
    ("evacuated_50pct_h", "evacuation.t50_h", Better::Lower, "h"),
    ("evacuated_90pct_h", "evacuation.t90_h", Better::Lower, "h"),
    (
        "evacuated_100pct_h",
        "evacuation.t100_h",
        Better::Lower,
        "h",
    ),
];

/// A life-safety outcome's name ([`LIFE_SAFETY`]) as tables show it to
/// people; an unknown name is returned as it is.
pub fn outcome_label(name: &str) -> &str {
    match name {
        "rescued" => "rescued alive",
        "exposed" => "caught by a hazard",
        "evacuated_50pct_h" => "h to shelter 50 %",
        "evacuated_90pct_h" => "h to shelter 90 %",
        "evacuated_100pct_h" => "h to shelter all",
        other => other,
    }
}

/// One life-safety outcome compared between two plans (or a plan and the
/// same plan with one more crew).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeDiff {
    /// Outcome name ([`LIFE_SAFETY`]).
    pub name: String,
    /// The KPI it reads.
    pub kpi: String,
    /// Which way is better.
    pub better: Better,
    /// Mean per run under A (over runs that have the KPI).
    pub mean_a: Option<f64>,
    /// Mean per run under B.
    pub mean_b: Option<f64>,
    /// Paired difference B − A with its 95 % interval, over replicates that
    /// have it under both.
    pub diff: Option<Diff>,
}

impl OutcomeDiff {
    /// Paired differences of every life-safety outcome between rows `a`
    /// and `b` of the same replicates.
    pub fn all(a: &[ReplicateRow], b: &[ReplicateRow]) -> Vec<OutcomeDiff> {
        let mean = |rs: &[ReplicateRow], k: &str| {
            let v: Vec<f64> = rs.iter().filter_map(|r| r.kpis.get(k).copied()).collect();
            (!v.is_empty()).then(|| round6(v.iter().sum::<f64>() / v.len() as f64))
        };
        LIFE_SAFETY
            .iter()
            .map(|(name, kpi, better, _)| {
                let diffs: Vec<f64> = a
                    .iter()
                    .zip(b)
                    .filter_map(|(x, y)| Some(y.kpis.get(*kpi)? - x.kpis.get(*kpi)?))
                    .collect();
                OutcomeDiff {
                    name: name.to_string(),
                    kpi: kpi.to_string(),
                    better: *better,
                    mean_a: mean(a, kpi),
                    mean_b: mean(b, kpi),
                    diff: Diff::of(&diffs),
                }
            })
            .collect()
    }

    /// How much better B is than A (positive: B better), in the outcome's
    /// unit; 0 when unknown.
    pub fn gain(&self) -> f64 {
        let d = self.diff.as_ref().map_or(0.0, |d| d.mean);
        match self.better {
            Better::Lower => -d,
            Better::Higher => d,
        }
    }

    /// Whether anything happened under either plan (a nonzero mean).
    fn happened(&self) -> bool {
        self.mean_a.is_some_and(|m| m != 0.0) || self.mean_b.is_some_and(|m| m != 0.0)
    }
}

/// One target compared between two plans.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetDiff {
    /// Target name.
    pub name: String,
    /// P(met) under plan A.
    pub p_met_a: f64,
    /// P(met) under plan B.
    pub p_met_b: f64,
    /// Paired difference in "met" (1/0), B − A.
    pub met: Option<Diff>,
    /// Paired difference in `met_at_h`, B − A, over replicates where both met it.
    pub met_at_h: Option<Diff>,
}

/// `compare.json`: plan B against plan A on the same replicates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Scenario.
    pub scenario: String,
    /// Plan A's name.
    pub plan_a: String,
    /// Plan B's name.
    pub plan_b: String,
    /// Seed.
    pub seed: u64,
    /// Replicates.
    pub runs: u32,
    /// Per target.
    pub targets: Vec<TargetDiff>,
    /// Life-safety outcomes ([`LIFE_SAFETY`]), B − A.
    pub life_safety: Vec<OutcomeDiff>,
    /// Per numeric KPI, B − A.
    pub kpis: BTreeMap<String, Diff>,
    /// Plain statements of which plan is better on what: targets first,
    /// then each life-safety outcome that occurred.
    pub statements: Vec<String>,
}

/// Compare the rows of two plans run on the same replicates (same order).
pub fn compare(
    a_name: &str,
    a: &[ReplicateRow],
    b_name: &str,
    b: &[ReplicateRow],
    meta: &StressMeta,
) -> Comparison {
    assert_eq!(
        a.len(),
        b.len(),
        "compare needs rows of the same replicates"
    );
    let n = a.len().max(1) as f64;
    let mut statements = Vec::new();
    // Two plans of the same name are told apart by their letters.
    let (a_label, b_label) = if a_name == b_name {
        (format!("{a_name} (A)"), format!("{b_name} (B)"))
    } else {
        (a_name.to_string(), b_name.to_string())
    };
    let (a_name, b_name) = (a_label.as_str(), b_label.as_str());
    let targets: Vec<TargetDiff> = crate::TARGETS
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let met = met_diffs(a, b, i);
            let at: Vec<f64> = a
                .iter()
                .zip(b)
                .filter_map(|(x, y)| Some(y.targets[i].met_at_h? - x.targets[i].met_at_h?))
                .collect();
            let d = TargetDiff {
                name: name.to_string(),
                p_met_a: round6(a.iter().filter(|r| r.targets[i].met).count() as f64 / n),
                p_met_b: round6(b.iter().filter(|r| r.targets[i].met).count() as f64 / n),
                met: Diff::of(&met),
                met_at_h: Diff::of(&at),
            };
            statements.push(statement(&d, a_name, b_name));
            d
        })
        .collect();
    let life_safety = OutcomeDiff::all(a, b);
    for d in life_safety.iter().filter(|d| d.happened()) {
        statements.push(life_statement(d, a_name, b_name));
    }
    let mut kpis = BTreeMap::new();
    let keys: std::collections::BTreeSet<&String> =
        a.iter().chain(b).flat_map(|r| r.kpis.keys()).collect();
    for k in keys {
        let diffs: Vec<f64> = a
            .iter()
            .zip(b)
            .filter_map(|(x, y)| Some(y.kpis.get(k)? - x.kpis.get(k)?))
            .collect();
        if let Some(d) = Diff::of(&diffs) {
            kpis.insert(k.clone(), d);
        }
    }
    Comparison {
        scenario: meta.scenario.clone(),
        plan_a: a_label.clone(),
        plan_b: b_label.clone(),
        seed: meta.seed,
        runs: meta.runs,
        targets,
        life_safety,
        kpis,
        statements,
    }
}

/// A plain statement of a life-safety difference.
fn life_statement(d: &OutcomeDiff, a: &str, b: &str) -> String {
    let name = &d.name;
    let Some(m) = d.diff.as_ref().filter(|m| m.clear()) else {
        return format!("{name}: no clear difference between {a} and {b}");
    };
    let unit = LIFE_SAFETY
        .iter()
        .find(|l| l.0 == name.as_str())
        .map_or("", |l| l.3);
    let (better, by) = if d.gain() > 0.0 {
        (b, d.gain())
    } else {
        (a, -d.gain())
    };
    let (lo, hi) = (m.lo.abs().min(m.hi.abs()), m.lo.abs().max(m.hi.abs()));
    let what = match d.better {
        Better::Lower => format!("fewer {unit}"),
        Better::Higher => format!("more {unit}"),
    };
    if unit == "h" {
        format!("{name}: {better} is {by:.2} h sooner on average (95 % CI {lo:.2}–{hi:.2} h)")
    } else {
        format!("{name}: {better} has {by:.1} {what} per run (95 % CI {lo:.1}–{hi:.1})")
    }
}

/// Paired differences B − A in "met" (1 or 0) of target `i`.
fn met_diffs(a: &[ReplicateRow], b: &[ReplicateRow], i: usize) -> Vec<f64> {
    let met = |r: &ReplicateRow| f64::from(u8::from(r.targets[i].met));
    a.iter().zip(b).map(|(x, y)| met(y) - met(x)).collect()
}

fn statement(d: &TargetDiff, a: &str, b: &str) -> String {
    let name = &d.name;
    if let Some(m) = d.met.as_ref().filter(|m| m.clear()) {
        let (better, pts) = if m.mean > 0.0 {
            (b, m.mean)
        } else {
            (a, -m.mean)
        };
        return format!(
            "{name}: {better} meets the target in {:.0} % more runs (95 % CI {:.0}–{:.0} %)",
            pts * 100.0,
            m.lo.abs().min(m.hi.abs()) * 100.0,
            m.lo.abs().max(m.hi.abs()) * 100.0
        );
    }
    if let Some(t) = d.met_at_h.as_ref().filter(|t| t.clear()) {
        let (better, h) = if t.mean < 0.0 {
            (b, -t.mean)
        } else {
            (a, t.mean)
        };
        return format!(
            "{name}: {better} restores it {h:.1} h sooner on average (95 % CI {:.1}–{:.1} h)",
            t.lo.abs().min(t.hi.abs()),
            t.lo.abs().max(t.hi.abs())
        );
    }
    format!("{name}: no clear difference between {a} and {b}")
}

/// One crew kind in a bottleneck analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindReport {
    /// Crew kind.
    pub kind: CrewKind,
    /// Crews of this kind in the plan (incl. mutual aid).
    pub crews: u32,
    /// Median over replicates of the busy fraction, per hour from the start.
    pub utilisation_by_hour: Vec<f64>,
    /// Change from one more crew of this kind, per target.
    pub one_more_crew: Vec<CrewGain>,
    /// Change from one more crew of this kind in each life-safety outcome
    /// ([`LIFE_SAFETY`]; B is the plan with the extra crew).
    pub one_more_crew_life_safety: Vec<OutcomeDiff>,
}

/// The effect of one more crew on one target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrewGain {
    /// Target name.
    pub name: String,
    /// Paired change in P(met).
    pub p_met: Option<Diff>,
    /// Change in median `met_at_h` (hours; negative is faster). `None` when
    /// either median is beyond the horizon.
    pub median_met_at_h: Option<f64>,
}

/// `bottleneck.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bottleneck {
    /// Per crew kind in the plan.
    pub kinds: Vec<KindReport>,
    /// The kind whose extra crew helps the targets most, if any helps.
    pub limiting: Option<CrewKind>,
    /// The kind whose extra crew saves most lives (the largest fall in
    /// mean deaths per run), if any saves any.
    pub saves_most_lives: Option<CrewKind>,
}

/// The kind whose extra crew lowers mean deaths most, if any lowers them.
pub fn saves_most_lives(kinds: &[KindReport]) -> Option<CrewKind> {
    let saved = |k: &KindReport| {
        k.one_more_crew_life_safety
            .iter()
            .find(|d| d.name == "deaths")
            .map_or(0.0, OutcomeDiff::gain)
    };
    let mut best: Option<(f64, CrewKind)> = None;
    for k in kinds {
        let s = saved(k);
        if s > 0.0 && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, k.kind));
        }
    }
    best.map(|b| b.1)
}

/// Busy fraction per hour for each crew kind in one run.
fn hourly_use(run: &RunResult, kinds: &[(CrewKind, u32)]) -> Vec<Vec<f64>> {
    let per_hour = (3600 / run.scenario.tick_s()).max(1) as usize;
    kinds
        .iter()
        .map(|(k, n)| {
            let col = run
                .series
                .get(&format!("crews_busy_{}", k.name()))
                .unwrap_or_default();
            col.chunks(per_hour)
                .map(|c| c.iter().sum::<f64>() / (c.len() as f64 * f64::from(*n).max(1.0)))
                .collect()
        })
        .collect()
}

/// The plan with one more crew of `kind` (added to its first group of that kind).
pub fn with_one_more(plan: &Plan, kind: CrewKind) -> Plan {
    let mut p = plan.clone();
    if let Some(g) = p.crews.iter_mut().find(|g| g.kind == kind) {
        g.count += 1;
    } else if let Some(m) = p.mutual_aid.iter_mut().find(|m| m.crews.kind == kind) {
        m.crews.count += 1;
    }
    p.name = format!("{} + 1 {}", plan.name, kind.name());
    p
}

/// For each crew kind: utilisation over time and the paired gain from one
/// more crew. `base` are the rows of `scenario` on `replicates`.
pub fn bottleneck(
    scenario: &Arc<Scenario>,
    replicates: &[u32],
    done: &(dyn Fn() + Sync),
) -> (Vec<ReplicateRow>, Bottleneck) {
    let plan = &scenario.plan;
    let mut kinds: BTreeMap<CrewKind, u32> = BTreeMap::new();
    for g in plan
        .crews
        .iter()
        .chain(plan.mutual_aid.iter().map(|m| &m.crews))
    {
        *kinds.entry(g.kind).or_default() += g.count;
    }
    let kinds: Vec<(CrewKind, u32)> = kinds.into_iter().collect();
    let base: Vec<(ReplicateRow, Vec<Vec<f64>>)> = run_each(scenario, replicates, done, |run| {
        (
            ReplicateRow::of_run(run, &summarize(run)),
            hourly_use(run, &kinds),
        )
    });
    let base_rows: Vec<ReplicateRow> = base.iter().map(|b| b.0.clone()).collect();
    let mut reports = Vec::new();
    let mut best: Option<(f64, f64, CrewKind)> = None;
    for (ki, (kind, crews)) in kinds.iter().enumerate() {
        let hours = base.iter().map(|b| b.1[ki].len()).max().unwrap_or(0);
        let utilisation_by_hour = (0..hours)
            .map(|h| {
                let v: Vec<Option<f64>> = base.iter().map(|b| b.1[ki].get(h).copied()).collect();
                percentile(&v, 50.0).map(round6).unwrap_or(0.0)
            })
            .collect();
        let more = Arc::new(scenario.with_plan(Arc::new(with_one_more(plan, *kind))));
        let rows = run_rows(&more, replicates, done);
        let mut gain_p = 0.0;
        let mut gain_t = 0.0;
        let one_more_crew = crate::TARGETS
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let p_met = Diff::of(&met_diffs(&base_rows, &rows, i));
                let med = |rs: &[ReplicateRow]| {
                    percentile(
                        &rs.iter().map(|r| r.targets[i].met_at_h).collect::<Vec<_>>(),
                        50.0,
                    )
                };
                let median_met_at_h = match (med(&base_rows), med(&rows)) {
                    (Some(x), Some(y)) => Some(round6(y - x)),
                    _ => None,
                };
                gain_p += p_met.as_ref().map_or(0.0, |d| d.mean);
                gain_t -= median_met_at_h.unwrap_or(0.0);
                CrewGain {
                    name: name.to_string(),
                    p_met,
                    median_met_at_h,
                }
            })
            .collect();
        if (gain_p > 0.0 || gain_t > 0.0) && best.is_none_or(|(p, t, _)| (gain_p, gain_t) > (p, t))
        {
            best = Some((gain_p, gain_t, *kind));
        }
        reports.push(KindReport {
            kind: *kind,
            crews: *crews,
            utilisation_by_hour,
            one_more_crew,
            one_more_crew_life_safety: OutcomeDiff::all(&base_rows, &rows),
        });
    }
    let saves = saves_most_lives(&reports);
    (
        base_rows,
        Bottleneck {
            kinds: reports,
            limiting: best.map(|b| b.2),
            saves_most_lives: saves,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(replicate: u32, power_at: Option<f64>, x: f64) -> ReplicateRow {
        let targets = crate::TARGETS
            .iter()
            .map(|(name, _)| {
                let at = if *name == "power" {
                    power_at
                } else {
                    Some(0.0)
                };
                let met = at.is_some_and(|h| h <= 72.0);
                TargetOutcome {
                    name: name.to_string(),
                    met,
                    met_at_h: at,
                    verdict: if met { Verdict::Met } else { Verdict::Missed },
                }
            })
            .collect();
        ReplicateRow {
            replicate,
            targets,
            kpis: BTreeMap::from([("x".to_string(), x)]),
            curves: Curves::default(),
        }
    }

    fn meta(runs: u32) -> StressMeta {
        StressMeta {
            scenario: "s".into(),
            scenario_sha256: "h".into(),
            plan: "p".into(),
            version: VERSION.into(),
            seed: 1,
            runs,
            deadlines_h: vec![48.0, 72.0, 72.0, 72.0, 120.0],
        }
    }

    #[test]
    fn report_on_a_constructed_case() {
        // Power met at 10, 20, …, 80 h in 8 replicates (80 > 72: missed) plus
        // two never restored: P(met) = 7/10, P50 of met_at = 50 h.
        let mut rows: Vec<ReplicateRow> = (0..8)
            .map(|i| row(i, Some(10.0 * (i + 1) as f64), i as f64))
            .collect();
        rows.push(row(8, None, 8.0));
        rows.push(row(9, None, 9.0));
        rows.reverse(); // order must not matter
        let r = report(meta(10), &rows);
        let power = &r.targets[1];
        assert_eq!(power.name, "power");
        assert_eq!(power.p_met, 0.7);
        let (lo, hi) = wilson95(7, 10);
        assert_eq!(power.p_met_ci95, [round6(lo), round6(hi)]);
        assert_eq!(power.met_at_h.p50, Some(55.0)); // between 50 and 60
        assert_eq!(power.met_at_h.p10, Some(19.0));
        assert_eq!(power.met_at_h.p90, None); // falls among the never-met
        assert_eq!(r.kpis["x"].p50, Some(4.5));
        assert_eq!(r.targets[0].p_met, 1.0);
    }

    #[test]
    fn shards_cover_and_merge_checks() {
        assert_eq!(shard_replicates(10, 1, 3), vec![1, 4, 7]);
        let all: Vec<u32> = (0..3)
            .flat_map(|k| shard_replicates(10, k, 3))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        let shard = |k: u32| {
            let rows = shard_replicates(4, k, 2)
                .into_iter()
                .map(|r| row(r, Some(1.0 / 3.0), 0.1 + f64::from(r)))
                .collect();
            ShardFile::new(meta(4), k, 2, rows)
        };
        let (_, rows) = merge(&[("b".into(), shard(1)), ("a".into(), shard(0))]).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.replicate).collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        // Through JSON, as the files go.
        let via = |s: ShardFile| -> ShardFile {
            serde_json::from_str(&serde_json::to_string_pretty(&s).unwrap()).unwrap()
        };
        assert!(merge(&[("a".into(), via(shard(0))), ("b".into(), via(shard(1)))]).is_ok());
        let err = |shards: &[(String, ShardFile)]| merge(shards).unwrap_err().to_string();
        let missing = err(&[("a".into(), shard(0))]);
        assert_eq!(missing, "shard 1 of 2 is missing (replicates 1, 3)");
        let twice = err(&[
            ("a".into(), shard(0)),
            ("a2".into(), shard(0)),
            ("b".into(), shard(1)),
        ]);
        assert_eq!(twice, "shard 0 of 2 is given twice: a and a2");
        let mut other = shard(1);
        other.meta.seed = 2;
        let foreign = err(&[("a".into(), shard(0)), ("b".into(), other)]);
        assert_eq!(foreign, "b: from a different run (seed 2, not 1)");
        let mut other = shard(1);
        other.meta.scenario_sha256 = "x".into();
        assert!(err(&[("a".into(), shard(0)), ("b".into(), other)]).contains("scenario SHA-256"));
        // Edited: a flipped `met` flag.
        let mut edited = shard(1);
        edited.rows[0].targets[0].met ^= true;
        let e = err(&[("a".into(), shard(0)), ("b".into(), edited)]);
        assert_eq!(
            e,
            "b: its rows do not match their checksum (edited or damaged)"
        );
        // Short: a row dropped, checksum recomputed.
        let mut short = shard(1);
        short.rows.pop();
        short.rows_sha256 = rows_sha256(&short.rows);
        let e = err(&[("a".into(), shard(0)), ("b".into(), short)]);
        assert!(
            e.starts_with("b: shard 1 of 2 of 4 runs must hold replicates 1, 3"),
            "{e}"
        );
        // A short targets list (checksum recomputed) is an error, not a panic.
        let mut few = shard(1);
        few.rows[0].targets.truncate(2);
        few.rows_sha256 = rows_sha256(&few.rows);
        let e = err(&[("a".into(), shard(0)), ("b".into(), few)]);
        assert!(e.starts_with("b: replicate 1 has targets"), "{e}");
        let mut label = shard(1);
        label.shard = [2, 2];
        assert!(err(&[("b".into(), label)]).contains("not a shard number"));
    }

    #[test]
    fn comparing_a_plan_with_itself_shows_no_difference() {
        let rows: Vec<ReplicateRow> = (0..5)
            .map(|i| row(i, Some(10.0 * i as f64), i as f64))
            .collect();
        let c = compare("A", &rows, "B", &rows, &meta(5));
        for t in &c.targets {
            assert_eq!(t.met.as_ref().unwrap().mean, 0.0);
            assert!(!t.met.as_ref().unwrap().clear());
        }
        assert!(
            c.statements
                .iter()
                .all(|s| s.contains("no clear difference")),
            "{:?}",
            c.statements
        );
        // B restores power 5 h later in every replicate: a clear difference for A.
        let later: Vec<ReplicateRow> = (0..5)
            .map(|i| row(i, Some(10.0 * i as f64 + 5.0), i as f64))
            .collect();
        let c = compare("A", &rows, "B", &later, &meta(5));
        assert_eq!(c.targets[1].met_at_h.as_ref().unwrap().mean, 5.0);
        assert!(
            c.statements[1].starts_with("power: A restores it 5.0 h sooner"),
            "{}",
            c.statements[1]
        );
    }

    /// Rows with `deaths` deaths in replicate i (plus i, so pairs vary).
    fn deaths(base: f64) -> Vec<ReplicateRow> {
        (0..5)
            .map(|i| {
                let mut r = row(i, Some(1.0), 0.0);
                r.kpis
                    .insert("casualties.deaths".into(), base + f64::from(i * i));
                r.kpis.insert("evacuation.t90_h".into(), 2.0);
                r
            })
            .collect()
    }

    #[test]
    fn compare_reports_life_safety_with_intervals_and_statements() {
        // Same targets; B has 500 fewer deaths in every replicate.
        let (a, b) = (deaths(600.0), deaths(100.0));
        let c = compare("A", &a, "B", &b, &meta(5));
        let d = c.life_safety.iter().find(|d| d.name == "deaths").unwrap();
        let diff = d.diff.as_ref().unwrap();
        assert_eq!((diff.mean, diff.lo, diff.hi), (-500.0, -500.0, -500.0));
        assert_eq!(d.gain(), 500.0);
        assert!(
            c.statements
                .iter()
                .any(|s| s.starts_with("deaths: B has 500.0 fewer deaths per run (95 % CI")),
            "{:?}",
            c.statements
        );
        // An outcome that occurred and did not change says so; one that
        // never occurred (injuries) says nothing.
        assert!(
            c.statements
                .iter()
                .any(|s| s == "evacuated_90pct_h: no clear difference between A and B")
        );
        assert!(!c.statements.iter().any(|s| s.starts_with("injuries")));
    }

    #[test]
    fn the_kind_that_saves_most_lives_is_named() {
        let report = |kind, base: f64| KindReport {
            kind,
            crews: 1,
            utilisation_by_hour: vec![],
            one_more_crew: vec![],
            one_more_crew_life_safety: OutcomeDiff::all(&deaths(600.0), &deaths(base)),
        };
        let kinds = [
            report(CrewKind::Power, 600.0),
            report(CrewKind::Rescue, 100.0),
            report(CrewKind::Medical, 550.0),
        ];
        assert_eq!(saves_most_lives(&kinds), Some(CrewKind::Rescue));
        assert_eq!(saves_most_lives(&kinds[..1]), None);
    }
}
