//! `hindcast`: real events re-run as scenarios, the model's spread beside
//! what was observed.
//!
//! A hindcast library is a folder with `hindcasts.ron` (each event: its
//! scenario file and observed KPI values with their sources) and the
//! scenarios it names. Each scenario runs `--runs` replicates; for each
//! observed KPI the command prints the observed value, the model's P10,
//! median and P90, the ratio median ÷ observed, and whether the median lies
//! within a factor of 3 (for an observed zero: at most 3, the factor
//! applied to one person) and the observed value inside P10–P90. It reports;
//! it does not judge: the exit code is 0 whatever the agreement, 2 for bad
//! input.

use crate::Failure;
use crate::output::{lang, write_dir};
use anyhow::Context as _;
use qilian_engine::scenario;
use qilian_evaluator::stats::percentile;
use qilian_evaluator::stress::run_rows;
use qilian_i18n::t;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `hindcasts.ron`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hindcasts {
    events: Vec<Event>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Event {
    /// What happened, for people.
    event: String,
    /// The scenario, relative to `hindcasts.ron`.
    scenario: PathBuf,
    observed: Vec<Observed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Observed {
    /// A dotted KPI name as in stress.json, e.g. `casualties.deaths`.
    kpi: String,
    value: f64,
    source: String,
}

/// One line of the comparison.
#[derive(Serialize)]
struct Row {
    event: String,
    kpi: String,
    observed: f64,
    runs: u32,
    p10: Option<f64>,
    median: Option<f64>,
    p90: Option<f64>,
    /// Median ÷ observed (`None` when nothing was observed or computed).
    ratio: Option<f64>,
    within_factor_3: bool,
    observed_in_p10_p90: bool,
    source: String,
}

/// Factor within which a median counts as agreeing with the observation:
/// the acceptance criterion of the believable-numbers work (issue 17).
const FACTOR: f64 = 3.0;

/// `qilian hindcast DIR --runs N [--out DIR]`.
pub fn hindcast(dir: &Path, runs: u32, out: Option<&Path>) -> Result<(), Failure> {
    if runs == 0 {
        return Err(Failure::Input(t!(lang(), "cli.err.runs")));
    }
    let path = dir.join("hindcasts.ron");
    let text = qilian_engine::input::read_to_string(&path)
        .map_err(|e| Failure::Input(crate::messages::input(&e)))?;
    let library: Hindcasts = ron::from_str(&text).map_err(|e| {
        Failure::Input(t!(
            lang(),
            "cli.problem.syntax",
            file = path.display(),
            line = e.span.start.line,
            col = e.span.start.col,
            detail = e.code
        ))
    })?;
    if library.events.is_empty() {
        return Err(Failure::Input(t!(
            lang(),
            "cli.err.no_events",
            file = path.display()
        )));
    }
    let mut rows = Vec::new();
    for ev in &library.events {
        let file = dir.join(&ev.scenario);
        let s = scenario::load(&file)
            .map_err(|e| Failure::Input(crate::messages::problems(&e.problems)))?;
        let s = Arc::new(s);
        let replicates: Vec<u32> = (0..runs).collect();
        let bar = crate::stress::progress(u64::from(runs));
        let done = || bar.inc(1);
        let reps = run_rows(&s, &replicates, &done);
        bar.finish_and_clear();
        for o in &ev.observed {
            let values: Vec<Option<f64>> =
                reps.iter().map(|r| r.kpis.get(&o.kpi).copied()).collect();
            if values.iter().all(Option::is_none) {
                return Err(Failure::Input(t!(
                    lang(),
                    "cli.err.no_kpi",
                    file = path.display(),
                    event = format!("{:?}", ev.event),
                    kpi = o.kpi
                )));
            }
            let (p10, median, p90) = (
                percentile(&values, 10.0),
                percentile(&values, 50.0),
                percentile(&values, 90.0),
            );
            let ratio = median.filter(|_| o.value > 0.0).map(|m| m / o.value);
            rows.push(Row {
                event: ev.event.clone(),
                kpi: o.kpi.clone(),
                observed: o.value,
                runs,
                p10,
                median,
                p90,
                ratio,
                within_factor_3: within_factor(o.value, median),
                observed_in_p10_p90: matches!((p10, p90), (Some(a), Some(b)) if a <= o.value && o.value <= b),
                source: o.source.clone(),
            });
        }
    }
    say!("{}", table(&rows));
    if let Some(out) = out {
        let mut json = serde_json::to_vec_pretty(&rows).map_err(anyhow::Error::from)?;
        json.push(b'\n');
        write_dir(
            out,
            &[
                ("hindcast.json", json),
                ("hindcast.csv", csv(&rows).into_bytes()),
            ],
        )
        .with_context(|| t!(lang(), "cli.err.writing", dir = out.display()))?;
        sayln!(
            "{}",
            qilian_i18n::t!(crate::output::lang(), "cli.wrote", dir = out.display())
        );
    }
    Ok(())
}

/// Whether the model's `median` agrees with the `observed` value within
/// [`FACTOR`]: median ÷ observed in [1/3, 3]; when nothing was observed
/// (no deaths), the factor is applied to one person: a median of at most 3.
fn within_factor(observed: f64, median: Option<f64>) -> bool {
    match median {
        Some(m) if observed > 0.0 => (1.0 / FACTOR..=FACTOR).contains(&(m / observed)),
        Some(m) => observed == 0.0 && m <= FACTOR,
        None => false,
    }
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
        None => "—".into(),
    }
}

fn table(rows: &[Row]) -> String {
    let l = lang();
    let mut t = String::new();
    let mut last = "";
    for r in rows {
        if r.event != last {
            let _ = writeln!(
                t,
                "{}",
                t!(l, "cli.hindcast.event", event = r.event, runs = r.runs)
            );
            last = &r.event;
        }
        let ratio = r.ratio.map_or("—".into(), |x| format!("{x:.2}×"));
        let row = t!(
            l,
            "cli.hindcast.row",
            observed = format!("{:>8}", num(Some(r.observed))),
            median = format!("{:>8}", num(r.median)),
            p10 = num(r.p10),
            p90 = num(r.p90),
            ratio = format!("{ratio:>8}"),
            within = if r.within_factor_3 {
                t!(l, "cli.hindcast.within")
            } else {
                t!(l, "cli.hindcast.not_within")
            },
            inside = if r.observed_in_p10_p90 {
                t!(l, "cli.hindcast.inside")
            } else {
                t!(l, "cli.hindcast.outside")
            }
        );
        let _ = writeln!(t, "  {:<22} {row}", r.kpi);
    }
    t
}

fn csv(rows: &[Row]) -> String {
    let mut t = String::from(
        "event,kpi,observed,runs,p10,median,p90,ratio,within_factor_3,observed_in_p10_p90,source\n",
    );
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let n = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    for r in rows {
        let _ = writeln!(
            t,
            "{},{},{},{},{},{},{},{},{},{},{}",
            q(&r.event),
            q(&r.kpi),
            r.observed,
            r.runs,
            n(r.p10),
            n(r.median),
            n(r.p90),
            n(r.ratio),
            r.within_factor_3,
            r.observed_in_p10_p90,
            q(&r.source)
        );
    }
    t
}
