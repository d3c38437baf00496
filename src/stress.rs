//! `stress`, `merge` and `compare`: Monte Carlo runs of a plan, shards and
//! their merge, and plan comparison on common random numbers.

use crate::Failure;
use crate::output::{lang, write_dir};
use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use qilian_engine::Scenario;
use qilian_engine::scenario::{FileSystem, with_plan_file};
use qilian_evaluator::stress::{self, ReplicateRow, ShardFile, StressMeta};
use qilian_i18n::t;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `K/N` of `--shard`.
#[derive(Clone, Copy, Debug)]
pub struct Shard {
    /// This shard, 0-based.
    pub k: u32,
    /// Shards in all.
    pub n: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = crate::output::lang();
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| t!(l, "cli.err.shard_form"))?;
        let k: u32 = k
            .trim()
            .parse()
            .map_err(|_| t!(l, "cli.err.shard_index", got = format!("{k:?}")))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| t!(l, "cli.err.shard_count", got = format!("{n:?}")))?;
        if n == 0 || k >= n {
            return Err(t!(l, "cli.err.shard_range", k = k, count = n));
        }
        Ok(Shard { k, n })
    }
}

/// A progress bar on a terminal (hidden otherwise).
pub(crate) fn progress(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:40}}] {}",
            t!(crate::output::lang(), "cli.progress")
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn json(v: &impl serde::Serialize) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(v)?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn csv(rows: &[ReplicateRow]) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    qilian_viewer::write_replicates_csv(&mut bytes, rows)?;
    Ok(bytes)
}

/// The scenarios to stress: its own plan, or each `--plan`.
pub fn plans(
    base: Arc<Scenario>,
    plans: &[PathBuf],
) -> Result<Vec<(String, Arc<Scenario>)>, Failure> {
    if plans.is_empty() {
        return Ok(vec![(String::new(), base)]);
    }
    plans
        .iter()
        .map(|p| {
            let s = with_plan_file(&FileSystem, p, &base)
                .map_err(|e| Failure::Input(crate::messages::problems(&e.problems)))?;
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((stem, Arc::new(s)))
        })
        .collect()
}

/// `qilian stress`.
pub fn stress(
    scenarios: Vec<(String, Arc<Scenario>)>,
    runs: u32,
    shard: Option<Shard>,
    with_bottleneck: bool,
    out: &Path,
) -> Result<(), Failure> {
    if runs == 0 {
        return Err(Failure::Input(t!(crate::output::lang(), "cli.err.runs")));
    }
    if shard.is_some() && with_bottleneck {
        return Err(Failure::Input(t!(
            crate::output::lang(),
            "cli.err.bottleneck_shard"
        )));
    }
    let many = scenarios.len() > 1;
    for (stem, _) in &scenarios {
        let dir = if many {
            out.join(stem)
        } else {
            out.to_path_buf()
        };
        crate::output::check_out(&dir).map_err(Failure::Input)?;
    }
    for (stem, scenario) in scenarios {
        let dir = if many {
            out.join(&stem)
        } else {
            out.to_path_buf()
        };
        let replicates = match shard {
            Some(s) => stress::shard_replicates(runs, s.k, s.n),
            None => (0..runs).collect(),
        };
        let meta = StressMeta::of(&scenario, runs);
        let extra = if with_bottleneck {
            crew_kinds(&scenario)
        } else {
            0
        };
        let bar = progress((replicates.len() * (1 + extra)) as u64);
        let done = || bar.inc(1);
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let rows = if with_bottleneck {
            let (rows, b) = stress::bottleneck(&scenario, &replicates, &done);
            bar.suspend(|| print_bottleneck(&b));
            files.push(("bottleneck.json".into(), json(&b)?));
            rows
        } else {
            stress::run_rows(&scenario, &replicates, &done)
        };
        bar.finish_and_clear();
        files.push(("replicates.csv".into(), csv(&rows)?));
        match shard {
            Some(s) => {
                let file = ShardFile::new(meta, s.k, s.n, rows);
                files.push(("shard.json".into(), json(&file)?));
                sayln!(
                    "{}",
                    t!(
                        crate::output::lang(),
                        "cli.stress.shard",
                        plan = scenario.plan.name,
                        k = s.k,
                        count = s.n,
                        n = replicates.len()
                    )
                );
            }
            None => {
                let report = stress::report(meta, &rows);
                print_report(&report);
                files.push(("stress.json".into(), json(&report)?));
                files.extend(qilian_viewer::bundle::stress(
                    Some(&scenario),
                    &report,
                    &rows,
                    crate::output::lang(),
                )?);
            }
        }
        write_dir(&dir, &files)
            .with_context(|| t!(lang(), "cli.err.writing", dir = dir.display()))?;
        sayln!(
            "{}",
            qilian_i18n::t!(crate::output::lang(), "cli.wrote", dir = dir.display())
        );
    }
    Ok(())
}

/// Crew kinds in the plan (the bottleneck analysis runs once more per kind).
fn crew_kinds(s: &Scenario) -> usize {
    let mut kinds: Vec<_> = s
        .plan
        .crews
        .iter()
        .chain(s.plan.mutual_aid.iter().map(|m| &m.crews))
        .map(|g| g.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds.len()
}

/// Text padded to a width in terminal columns, a Chinese character taking
/// two (`{:<12}` pads by characters, which misaligns Chinese columns). For
/// ASCII the same as the plain string.
pub(crate) struct Cols<'a>(pub &'a str);

impl std::fmt::Display for Cols<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let wide = |c: char| {
            matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3
                | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
        };
        let cols: usize = self.0.chars().map(|c| if wide(c) { 2 } else { 1 }).sum();
        let pad = " ".repeat(f.width().unwrap_or(0).saturating_sub(cols));
        match f.align() {
            Some(std::fmt::Alignment::Right) => write!(f, "{pad}{}", self.0),
            _ => write!(f, "{}{pad}", self.0),
        }
    }
}

/// A target's name: as in the files in English (`main_roads`, what
/// scripts look for), in words otherwise.
fn target(name: &str) -> String {
    match crate::output::lang() {
        qilian_i18n::Lang::En => name.to_string(),
        l => qilian_viewer::report::target_name(l, name),
    }
}

/// A life-safety outcome's name for the terminal.
fn outcome(name: &str) -> String {
    match crate::output::lang() {
        qilian_i18n::Lang::En => stress::outcome_label(name).to_string(),
        l => qilian_viewer::report::outcome_name(l, name),
    }
}

fn print_report(r: &stress::StressReport) {
    let l = crate::output::lang();
    sayln!(
        "{}",
        t!(
            l,
            "cli.stress.header",
            scenario = r.meta.scenario,
            plan = r.meta.plan,
            runs = r.meta.runs,
            seed = r.meta.seed
        )
    );
    sayln!(
        "{:<12} {:>8} {:>17} {:>24}",
        Cols(&t!(l, "cli.col.target")),
        "P(met)",
        Cols(&t!(l, "cli.col.interval")),
        Cols(&t!(l, "cli.col.met_at_pcts"))
    );
    let f = |x: Option<f64>| x.map_or("—".to_string(), |h| format!("{h:.1}"));
    for t in &r.targets {
        sayln!(
            "{:<12} {:>8.3} {:>8.3}–{:<8.3} {:>24}",
            Cols(&target(&t.name)),
            t.p_met,
            t.p_met_ci95[0],
            t.p_met_ci95[1],
            format!(
                "{}/{}/{}",
                f(t.met_at_h.p10),
                f(t.met_at_h.p50),
                f(t.met_at_h.p90)
            )
        );
    }
    sayln!(
        "{:<19} {:>10} {:>21} {:>24}",
        Cols(&t!(l, "cli.col.life")),
        Cols(&t!(l, "cli.col.mean")),
        Cols(&t!(l, "cli.col.interval")),
        "P10/P50/P90"
    );
    let f1 = |x: Option<f64>| x.map_or("—".to_string(), |h| format!("{h:.1}"));
    for o in &r.life_safety {
        sayln!(
            "{:<19} {:>10} {:>21} {:>24}",
            Cols(&outcome(&o.name)),
            f1(o.mean),
            o.mean_ci95
                .map_or("—".to_string(), |[lo, hi]| format!("{lo:.1}–{hi:.1}")),
            format!("{}/{}/{}", f1(o.pcts.p10), f1(o.pcts.p50), f1(o.pcts.p90))
        );
    }
    for t in r
        .targets
        .iter()
        .filter(|t| t.p_not_reached_by_horizon > 0.0)
    {
        sayln!(
            "{}",
            t!(
                l,
                "cli.stress.not_reached",
                target = target(&t.name),
                pct = format!("{:.1}", 100.0 * t.p_not_reached_by_horizon)
            )
        );
    }
}

/// A paired difference as `mean [lo, hi]`, or a dash.
fn diff(d: Option<&stress::Diff>, decimals: usize) -> String {
    d.map_or("—".to_string(), |d| {
        format!(
            "{:+.p$} [{:+.p$}, {:+.p$}]",
            d.mean,
            d.lo,
            d.hi,
            p = decimals
        )
    })
}

/// The terminal table of a comparison: every target and life-safety
/// outcome with its paired difference B − A and 95 % interval.
pub fn compare_table(c: &stress::Comparison) -> String {
    use std::fmt::Write as _;
    let l = crate::output::lang();
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<19} {:>8} {:>8}  {:<28} {}",
        Cols(&t!(l, "cli.col.target")),
        "P(met) A",
        "B",
        Cols(&t!(l, "cli.compare.col_p")),
        t!(l, "cli.compare.col_met_at")
    );
    for d in &c.targets {
        let _ = writeln!(
            t,
            "{:<19} {:>8.3} {:>8.3}  {:<28} {}",
            Cols(&target(&d.name)),
            d.p_met_a,
            d.p_met_b,
            diff(d.met.as_ref(), 3),
            diff(d.met_at_h.as_ref(), 2)
        );
    }
    let _ = writeln!(
        t,
        "{:<19} {:>8} {:>8}  {}",
        Cols(&t!(l, "cli.col.life")),
        Cols(&t!(l, "cli.compare.col_mean_a")),
        "B",
        t!(l, "cli.compare.col_per_run")
    );
    let m = |x: Option<f64>| x.map_or("—".to_string(), |x| format!("{x:.1}"));
    for d in &c.life_safety {
        let _ = writeln!(
            t,
            "{:<19} {:>8} {:>8}  {}",
            Cols(&outcome(&d.name)),
            m(d.mean_a),
            m(d.mean_b),
            diff(d.diff.as_ref(), 2)
        );
    }
    t
}

/// The bottleneck's findings, for the terminal.
fn print_bottleneck(b: &stress::Bottleneck) {
    let l = crate::output::lang();
    let kind = |k: qilian_engine::scenario::CrewKind| match l {
        qilian_i18n::Lang::En => k.name().to_string(),
        _ => qilian_viewer::events::crew_kind(l, k).to_string(),
    };
    let targets = b.limiting.map_or(t!(l, "cli.bottleneck.p_none"), |k| {
        t!(l, "cli.bottleneck.p", kind = kind(k))
    });
    let lives = b
        .saves_most_lives
        .map_or(t!(l, "cli.bottleneck.lives_none"), |k| {
            t!(l, "cli.bottleneck.lives", kind = kind(k))
        });
    sayln!(
        "{}",
        t!(l, "cli.bottleneck.line", targets = targets, lives = lives)
    );
    for k in &b.kinds {
        let deaths = k
            .one_more_crew_life_safety
            .iter()
            .find(|d| d.name == "deaths");
        sayln!(
            "  +1 {:<8} {}",
            Cols(&kind(k.kind)),
            t!(
                l,
                "cli.bottleneck.deaths",
                diff = diff(deaths.and_then(|d| d.diff.as_ref()), 1)
            )
        );
    }
}

/// `qilian merge`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(), Failure> {
    let mut shards = Vec::new();
    for d in dirs {
        let path = d.join("shard.json");
        let bytes = qilian_engine::input::read(&path)
            .map_err(|e| Failure::Input(crate::messages::input(&e)))?;
        let shard: ShardFile = serde_json::from_slice(&bytes).map_err(|e| {
            Failure::Input(t!(
                crate::output::lang(),
                "cli.err.not_shard",
                file = path.display(),
                detail = e
            ))
        })?;
        shards.push((path.display().to_string(), shard));
    }
    let (meta, rows) = stress::merge(&shards).map_err(|e| Failure::Input(e.to_string()))?;
    let report = stress::report(meta, &rows);
    print_report(&report);
    // Shards carry no region, so a merged run gets charts but no maps.
    let mut files = vec![
        ("stress.json".to_string(), json(&report)?),
        ("replicates.csv".to_string(), csv(&rows)?),
    ];
    files.extend(qilian_viewer::bundle::stress(
        None,
        &report,
        &rows,
        crate::output::lang(),
    )?);
    write_dir(out, &files).with_context(|| t!(lang(), "cli.err.writing", dir = out.display()))?;
    sayln!(
        "{}",
        qilian_i18n::t!(crate::output::lang(), "cli.wrote", dir = out.display())
    );
    Ok(())
}

/// `qilian compare`.
pub fn compare(
    a: (String, Arc<Scenario>),
    b: (String, Arc<Scenario>),
    runs: u32,
    out: Option<&Path>,
) -> Result<(), Failure> {
    if runs == 0 {
        return Err(Failure::Input(t!(crate::output::lang(), "cli.err.runs")));
    }
    let replicates: Vec<u32> = (0..runs).collect();
    let bar = progress(2 * runs as u64);
    let done = || bar.inc(1);
    let rows_a = stress::run_rows(&a.1, &replicates, &done);
    let rows_b = stress::run_rows(&b.1, &replicates, &done);
    bar.finish_and_clear();
    let meta = StressMeta::of(&a.1, runs);
    let c = stress::compare(&a.1.plan.name, &rows_a, &b.1.plan.name, &rows_b, &meta);
    sayln!(
        "{}",
        t!(
            crate::output::lang(),
            "cli.compare.header",
            scenario = c.scenario,
            runs = c.runs,
            seed = c.seed,
            a = c.plan_a,
            b = c.plan_b
        )
    );
    say!("{}", compare_table(&c));
    for s in &c.statements {
        sayln!("{s}");
    }
    if let Some(dir) = out {
        let mut files = vec![("compare.json".to_string(), json(&c)?)];
        files.extend(qilian_viewer::bundle::compare(
            &c,
            &rows_a,
            &rows_b,
            a.1.horizon().hours(),
            qilian_evaluator::VERSION,
            crate::output::lang(),
        )?);
        write_dir(dir, &files)
            .with_context(|| t!(lang(), "cli.err.writing", dir = dir.display()))?;
        sayln!(
            "{}",
            qilian_i18n::t!(crate::output::lang(), "cli.wrote", dir = dir.display())
        );
    }
    Ok(())
}
