//! `qilian optimise` (docs/optimise.md): the plan within a budget that
//! meets the targets most often and loses the fewest lives.
//!
//! Candidates are plans one or more moves from the starting plan
//! ([`space`]); they race by successive halving on common random numbers
//! ([`search`], the same replicate numbers and so the same draws for every
//! candidate, run by the stress runner `qilian_evaluator::stress::run_each`);
//! the finalists are re-run on fresh replicates, which give the reported
//! intervals. A shard races its slice of the candidates and writes
//! `optimise-shard.json`; `qilian merge` combines shards into the same files
//! an unsharded run writes (an unsharded run is the merge of one shard).

pub mod search;
pub mod space;

use crate::Failure;
use crate::output::lang;
use crate::output::write_dir;
use crate::stress::Shard;
use anyhow::Context as _;
use qilian_engine::Scenario;
use qilian_engine::scenario::{CrewKind, Plan};
use qilian_evaluator::stress::{ReplicateRow, run_each};
use qilian_i18n::{Lang, t};
use search::{Estimate, Obs, Schedule};
use serde::{Deserialize, Serialize};
use space::{CostTable, Space, SpaceSpec};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What `qilian optimise` was asked.
pub struct Args {
    /// Budget, 万元 a year.
    pub budget: f64,
    /// Costs file.
    pub costs: Option<PathBuf>,
    /// Selection replicates per finalist.
    pub runs: u32,
    /// Fresh replicates (default: `runs`).
    pub fresh: Option<u32>,
    /// Finalists.
    pub keep: usize,
    /// Candidates at most.
    pub candidates: usize,
    /// Crew kinds that vary.
    pub kinds: Vec<CrewKind>,
    /// Depots groups may be stationed at.
    pub depots: Vec<u32>,
    /// Highest count per group.
    pub max_crews: Option<u32>,
    /// Also vary the priority order.
    pub priorities: bool,
    /// Kinds to try as new groups.
    pub add_kinds: Vec<CrewKind>,
    /// This shard.
    pub shard: Option<Shard>,
    /// Output directory.
    pub out: PathBuf,
}

/// A crew kind by its lower-case name (for `--kinds`).
pub fn parse_kind(s: &str) -> Result<CrewKind, String> {
    CrewKind::ALL
        .into_iter()
        .find(|k| k.name() == s.trim().to_lowercase())
        .ok_or_else(|| {
            format!(
                "unknown crew kind {s:?}; one of {}",
                CrewKind::ALL.map(|k| k.name()).join(", ")
            )
        })
}

/// One finalist as a shard file carries it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Finalist {
    /// Candidate number in the whole search.
    pub candidate: usize,
    /// Short label of its genes.
    pub label: String,
    /// Cost.
    pub cost: f64,
    /// Within the budget (only the starting plan may not be).
    pub eligible: bool,
    /// The starting plan.
    pub start: bool,
    /// The plan as RON.
    pub plan_ron: String,
    /// Changes from the starting plan, zh-CN.
    pub diff_zh: Vec<String>,
    /// Changes from the starting plan, English.
    pub diff_en: Vec<String>,
    /// Per selection replicate `0..runs`: (all met, deaths).
    pub selection: Vec<(bool, f64)>,
    /// Per fresh replicate `runs..runs + fresh`: (all met, deaths).
    pub fresh: Vec<(bool, f64)>,
}

/// `optimise-shard.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardFile {
    /// What this is.
    pub kind: String,
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of its files.
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Budget.
    pub budget: f64,
    /// Selection replicates.
    pub runs: u32,
    /// Fresh replicates.
    pub fresh: u32,
    /// Plans in the space (saturating, as text).
    pub space_size: String,
    /// Candidates in the whole search.
    pub candidates: usize,
    /// This shard and the count.
    pub shard: (u32, u32),
    /// Candidates this shard raced.
    pub raced: usize,
    /// Runs this shard made.
    pub runs_made: u64,
    /// The candidate this shard would choose alone.
    pub shard_chosen: usize,
    /// Rungs: (replicates, candidates).
    pub rungs: Vec<(u32, usize)>,
    /// Finalists.
    pub finalists: Vec<Finalist>,
}

const SHARD_KIND: &str = "qilian optimise shard";

fn obs_of(run: &qilian_engine::RunResult) -> Obs {
    let row = ReplicateRow::of(&qilian_evaluator::summarize(run));
    Obs {
        met_all: row.targets.iter().all(|t| t.met),
        deaths: row.kpis.get("casualties.deaths").copied().unwrap_or(0.0),
    }
}

fn plan_ron(plan: &Plan) -> anyhow::Result<String> {
    let cfg = ron::ser::PrettyConfig::default().struct_names(true);
    let mut text = ron::ser::to_string_pretty(plan, cfg).context("writing the plan as RON")?;
    text.push('\n');
    Ok(text)
}

/// `qilian optimise SCENARIO …`.
pub fn optimise(scenario: Arc<Scenario>, args: &Args) -> Result<(), Failure> {
    if !(args.budget.is_finite() && args.budget > 0.0) {
        return Err(Failure::Input(t!(
            lang(),
            "cli.err.budget",
            got = args.budget
        )));
    }
    if args.runs < 2 {
        return Err(Failure::Input(t!(lang(), "cli.err.runs_2")));
    }
    if args.keep == 0 || args.candidates == 0 {
        return Err(Failure::Input(t!(lang(), "cli.err.keep")));
    }
    crate::output::check_out(&args.out).map_err(Failure::Input)?;
    let costs = match &args.costs {
        Some(p) => {
            let text = qilian_engine::input::read_to_string(p)
                .map_err(|e| Failure::Input(crate::messages::input(&e)))?;
            CostTable::load(Some((&p.display().to_string(), &text)))
        }
        None => CostTable::load(None),
    }
    .map_err(Failure::Input)?;
    let spec = SpaceSpec {
        kinds: args.kinds.clone(),
        depots: args
            .depots
            .iter()
            .map(|&d| qilian_engine::ids::DepotId(d))
            .collect(),
        max_crews: args.max_crews,
        priorities: args.priorities,
        add_kinds: args.add_kinds.clone(),
    };
    let space = Space::new(&scenario.plan, &spec).map_err(Failure::Input)?;
    let shard = args.shard.unwrap_or(Shard { k: 0, n: 1 });
    let shard_file = race(&scenario, &space, &costs, args, shard)?;
    let mut files = vec![("optimise-shard.json".to_string(), json(&shard_file)?)];
    if args.shard.is_none() {
        files.extend(finish(&[shard_file], Some(&scenario))?);
    } else {
        sayln!(
            "{}",
            t!(
                lang(),
                "cli.optimise.shard",
                scenario = scenario.name,
                k = shard.k,
                count = shard.n,
                raced = shard_file.raced,
                runs = shard_file.runs_made
            )
        );
    }
    write_dir(&args.out, &files)
        .with_context(|| t!(lang(), "cli.err.writing", dir = args.out.display()))?;
    sayln!(
        "{}",
        qilian_i18n::t!(crate::output::lang(), "cli.wrote", dir = args.out.display())
    );
    Ok(())
}

fn json(v: &impl Serialize) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(v)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Race this shard's slice of the candidates and re-run its finalists.
fn race(
    scenario: &Arc<Scenario>,
    space: &Space,
    costs: &CostTable,
    args: &Args,
    shard: Shard,
) -> Result<ShardFile, Failure> {
    let seed = scenario.file.seed;
    let mut all = space.candidates(costs, args.budget, args.candidates, seed);
    let start = space.start();
    if all.first() != Some(&start) {
        all.insert(0, start.clone());
    }
    let cost_of = |c: &space::Candidate| costs.of(&space.plan(c));
    let eligible_all: Vec<bool> = all.iter().map(|c| cost_of(c) <= args.budget).collect();
    if !eligible_all.iter().any(|&e| e) {
        let cheapest = all.iter().map(cost_of).fold(f64::INFINITY, f64::min);
        return Err(Failure::Input(t!(
            lang(),
            "cli.err.over_budget",
            budget = args.budget,
            cheapest = format!("{cheapest:.1}")
        )));
    }
    // This shard's slice: candidates k, k+n, …; the start always (as the
    // reference every shard compares with).
    let mine: Vec<usize> = (0..all.len())
        .filter(|&i| i == 0 || i % shard.n as usize == shard.k as usize)
        .collect();
    let cands: Vec<space::Candidate> = mine.iter().map(|&i| all[i].clone()).collect();
    let cost: Vec<f64> = cands.iter().map(cost_of).collect();
    let eligible: Vec<bool> = mine.iter().map(|&i| eligible_all[i]).collect();
    // The start races in shard 0 only; elsewhere it is the reference alone.
    let eligible: Vec<bool> = eligible
        .iter()
        .enumerate()
        .map(|(j, &e)| e && (j > 0 || shard.k == 0))
        .collect();
    let racing = eligible.iter().filter(|&&e| e).count();
    let fresh = args.fresh.unwrap_or(args.runs);
    let schedule = Schedule::for_candidates(racing, args.runs, args.keep, fresh, 4);
    let scenarios: Vec<Arc<Scenario>> = cands
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let mut p = space.plan(c);
            if j > 0 {
                p.name = format!("{} — optimise candidate {}", p.name, mine[j]);
            }
            Arc::new(scenario.with_plan(Arc::new(p)))
        })
        .collect();
    let bar = crate::stress::progress(search::planned_runs(racing + 1, schedule));
    let evaluate = |i: usize, reps: &[u32]| run_each(&scenarios[i], reps, &|| {}, obs_of);
    let done = |k: u64| bar.inc(k);
    let outcome = search::search(&cost, &eligible, Some(0), schedule, &evaluate, &done);
    bar.finish_and_clear();
    let pair = |o: &[Obs]| o.iter().map(|o| (o.met_all, o.deaths)).collect::<Vec<_>>();
    let finalists = outcome
        .finalists
        .iter()
        .zip(&outcome.fresh)
        .map(|(&j, fresh)| {
            let c = &cands[j];
            Ok(Finalist {
                candidate: mine[j],
                label: space.label(c),
                cost: cost[j],
                eligible: eligible_all[mine[j]],
                start: j == 0,
                plan_ron: plan_ron(&scenarios[j].plan)?,
                diff_zh: space.diff(c, Lang::ZhCn),
                diff_en: space.diff(c, Lang::En),
                selection: pair(&outcome.selection[j][..args.runs as usize]),
                fresh: pair(fresh),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(ShardFile {
        kind: SHARD_KIND.into(),
        scenario: scenario.name.clone(),
        scenario_sha256: scenario.sha256.clone(),
        seed,
        budget: args.budget,
        runs: args.runs,
        fresh,
        space_size: space.size().to_string(),
        candidates: all.len(),
        shard: (shard.k, shard.n),
        raced: racing,
        runs_made: outcome
            .selection
            .iter()
            .map(|s| s.len() as u64)
            .sum::<u64>()
            + outcome.fresh.iter().map(|s| s.len() as u64).sum::<u64>(),
        shard_chosen: mine[outcome.chosen],
        rungs: outcome
            .rungs
            .iter()
            .map(|r| (r.replicates, r.candidates))
            .collect(),
        finalists,
    })
}

/// Is `dir` an optimise shard (holds `optimise-shard.json`)?
pub fn is_shard_dir(dir: &Path) -> bool {
    dir.join("optimise-shard.json").is_file()
}

/// `qilian merge` of optimise shards.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(), Failure> {
    let mut shards = Vec::new();
    for d in dirs {
        let path = d.join("optimise-shard.json");
        let bytes = qilian_engine::input::read(&path)
            .map_err(|e| Failure::Input(crate::messages::input(&e)))?;
        let s: ShardFile = serde_json::from_slice(&bytes).map_err(|e| {
            Failure::Input(t!(
                lang(),
                "cli.problem.file",
                file = path.display(),
                detail = t!(lang(), "cli.err.not_optimise_shard_because", detail = e)
            ))
        })?;
        if s.kind != SHARD_KIND {
            return Err(Failure::Input(t!(
                lang(),
                "cli.problem.file",
                file = path.display(),
                detail = t!(lang(), "cli.err.not_optimise_shard")
            )));
        }
        shards.push((path, s));
    }
    let (p0, first) = &shards[0];
    let mut seen = vec![false; first.shard.1 as usize];
    for (p, s) in &shards {
        let same = s.scenario_sha256 == first.scenario_sha256
            && s.seed == first.seed
            && s.budget == first.budget
            && s.runs == first.runs
            && s.fresh == first.fresh
            && s.candidates == first.candidates
            && s.shard.1 == first.shard.1;
        if !same {
            return Err(Failure::Input(t!(
                lang(),
                "cli.err.shards_differ",
                a = p0.display(),
                b = p.display()
            )));
        }
        let k = s.shard.0 as usize;
        if k >= seen.len() || seen[k] {
            return Err(Failure::Input(t!(
                lang(),
                "cli.err.shard_twice",
                file = p.display(),
                k = k
            )));
        }
        seen[k] = true;
    }
    if let Some(k) = seen.iter().position(|s| !s) {
        return Err(Failure::Input(t!(
            lang(),
            "cli.err.shard_missing",
            k = k,
            count = first.shard.1
        )));
    }
    let mut files: Vec<ShardFile> = shards.into_iter().map(|(_, s)| s).collect();
    files.sort_by_key(|s| s.shard.0);
    let out_files = finish(&files, None)?;
    write_dir(out, &out_files)
        .with_context(|| t!(lang(), "cli.err.writing", dir = out.display()))?;
    sayln!(
        "{}",
        qilian_i18n::t!(crate::output::lang(), "cli.wrote", dir = out.display())
    );
    Ok(())
}

/// One row of `front.csv`.
#[derive(Clone, Debug, Serialize)]
struct Row {
    candidate: usize,
    label: String,
    cost: f64,
    start: bool,
    chosen: bool,
    on_p_front: bool,
    on_deaths_front: bool,
    selection: Estimate,
    fresh: Estimate,
}

fn est(o: &[(bool, f64)]) -> Estimate {
    Estimate::of(
        &o.iter()
            .map(|&(m, d)| Obs {
                met_all: m,
                deaths: d,
            })
            .collect::<Vec<_>>(),
    )
}

/// `optimise.json`.
#[derive(Clone, Debug, Serialize)]
struct Report {
    scenario: String,
    seed: u64,
    budget: f64,
    runs: u32,
    fresh: u32,
    space_size: String,
    candidates: usize,
    shards: u32,
    runs_made: u64,
    rungs: Vec<Vec<(u32, usize)>>,
    chosen: usize,
    start: usize,
    /// Chosen − start on the fresh replicates (paired): P(all met) and
    /// deaths, mean with Student-t 95 % interval.
    chosen_minus_start_p_met: (f64, f64, f64),
    chosen_minus_start_deaths: (f64, f64, f64),
    finalists: Vec<Row>,
}

fn r6(x: f64) -> f64 {
    qilian_engine::units::round6(x)
}

/// The files of an optimise run from its shards: `optimise.json`,
/// `front.csv`, `plan.ron`, `changes.txt`, `chart-front.png`/`.svg`.
fn finish(
    shards: &[ShardFile],
    scenario: Option<&Arc<Scenario>>,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let first = &shards[0];
    // Finalists of every shard, each candidate once (the start is in each).
    let mut fin: Vec<&Finalist> = Vec::new();
    for s in shards {
        for f in &s.finalists {
            if !fin.iter().any(|g| g.candidate == f.candidate) {
                fin.push(f);
            }
        }
    }
    fin.sort_by_key(|f| f.candidate);
    let sel: Vec<Estimate> = fin.iter().map(|f| est(&f.selection)).collect();
    let fresh: Vec<Estimate> = fin.iter().map(|f| est(&f.fresh)).collect();
    let Some(chosen) = (0..fin.len())
        .filter(|&i| fin[i].eligible)
        .min_by(|&a, &b| {
            search::better(
                (sel[a].p_met, sel[a].deaths, fin[a].cost, fin[a].candidate),
                (sel[b].p_met, sel[b].deaths, fin[b].cost, fin[b].candidate),
            )
        })
    else {
        return Err(Failure::Input(t!(lang(), "cli.err.no_finalist")));
    };
    let start = fin.iter().position(|f| f.start).unwrap_or(0);
    // The fronts, on the selection estimates (selection decides; the fresh
    // replicates only report), among plans within the budget.
    let elig: Vec<usize> = (0..fin.len()).filter(|&i| fin[i].eligible).collect();
    let fp = search::front_2d(
        &elig
            .iter()
            .map(|&i| (fin[i].cost, sel[i].p_met))
            .collect::<Vec<_>>(),
        true,
    );
    let fd = search::front_2d(
        &elig
            .iter()
            .map(|&i| (fin[i].cost, sel[i].deaths))
            .collect::<Vec<_>>(),
        false,
    );
    let on_p = |i: usize| fp.iter().any(|&k| elig[k] == i);
    let on_d = |i: usize| fd.iter().any(|&k| elig[k] == i);
    let paired = |f: &dyn Fn(&(bool, f64)) -> f64| {
        let d: Vec<f64> = fin[chosen]
            .fresh
            .iter()
            .zip(&fin[start].fresh)
            .map(|(a, b)| f(a) - f(b))
            .collect();
        let (m, lo, hi) = search::t_interval(&d);
        (r6(m), r6(lo), r6(hi))
    };
    let rows: Vec<Row> = (0..fin.len())
        .map(|i| Row {
            candidate: fin[i].candidate,
            label: fin[i].label.clone(),
            cost: r6(fin[i].cost),
            start: fin[i].start,
            chosen: i == chosen,
            on_p_front: on_p(i),
            on_deaths_front: on_d(i),
            selection: round_est(&sel[i]),
            fresh: round_est(&fresh[i]),
        })
        .collect();
    let report = Report {
        scenario: first.scenario.clone(),
        seed: first.seed,
        budget: first.budget,
        runs: first.runs,
        fresh: first.fresh,
        space_size: first.space_size.clone(),
        candidates: first.candidates,
        shards: first.shard.1,
        runs_made: shards.iter().map(|s| s.runs_made).sum(),
        rungs: shards.iter().map(|s| s.rungs.clone()).collect(),
        chosen: fin[chosen].candidate,
        start: fin[start].candidate,
        chosen_minus_start_p_met: paired(&|o| f64::from(u8::from(o.0))),
        chosen_minus_start_deaths: paired(&|o| o.1),
        finalists: rows.clone(),
    };
    let mut csv = String::from(
        "candidate,cost,start,chosen,on_p_met_front,on_deaths_front,selection_runs,selection_p_met,selection_deaths,fresh_runs,p_met,p_met_lo,p_met_hi,deaths,deaths_lo,deaths_hi,label,changes\n",
    );
    for (i, r) in rows.iter().enumerate() {
        use std::fmt::Write as _;
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\",\"{}\"",
            r.candidate,
            r.cost,
            r.start,
            r.chosen,
            r.on_p_front,
            r.on_deaths_front,
            r.selection.n,
            r.selection.p_met,
            r.selection.deaths,
            r.fresh.n,
            r.fresh.p_met,
            r.fresh.p_ci.0,
            r.fresh.p_ci.1,
            r.fresh.deaths,
            r.fresh.deaths_ci.0,
            r.fresh.deaths_ci.1,
            r.label,
            fin[i].diff_en.join("; ").replace('"', "'")
        );
    }
    let c = &fresh[chosen];
    let summary = |lang: Lang| {
        qilian_i18n::t!(
            lang,
            "optimise.summary",
            cost = format!("{:.1}", fin[chosen].cost),
            start_cost = format!("{:.1}", fin[start].cost),
            p = format!("{:.3}", c.p_met),
            p_lo = format!("{:.3}", c.p_ci.0),
            p_hi = format!("{:.3}", c.p_ci.1),
            d = format!("{:.1}", c.deaths),
            d_lo = format!("{:.1}", c.deaths_ci.0),
            d_hi = format!("{:.1}", c.deaths_ci.1),
            n = c.n
        )
    };
    let mut changes = String::new();
    for lang in [Lang::ZhCn, Lang::En] {
        changes.push_str(&summary(lang));
        changes.push('\n');
        let lines = if lang == Lang::ZhCn {
            &fin[chosen].diff_zh
        } else {
            &fin[chosen].diff_en
        };
        for l in lines {
            changes.push_str("- ");
            changes.push_str(l);
            changes.push('\n');
        }
        changes.push('\n');
    }
    for (lang, lines) in [
        (Lang::ZhCn, &fin[chosen].diff_zh),
        (Lang::En, &fin[chosen].diff_en),
    ] {
        sayln!("{}", summary(lang));
        for l in lines {
            sayln!("  - {l}");
        }
    }
    let (dp, dd) = (
        report.chosen_minus_start_p_met,
        report.chosen_minus_start_deaths,
    );
    sayln!(
        "chosen − start on the fresh replicates: P(all met) {:+.3} [{:+.3}, {:+.3}], deaths {:+.1} [{:+.1}, {:+.1}]",
        dp.0,
        dp.1,
        dp.2,
        dd.0,
        dd.1,
        dd.2
    );
    let points: Vec<qilian_viewer::front::FrontPoint> = (0..fin.len())
        .map(|i| qilian_viewer::front::FrontPoint {
            cost: fin[i].cost,
            p_met: (fresh[i].p_met, fresh[i].p_ci.0, fresh[i].p_ci.1),
            deaths: (fresh[i].deaths, fresh[i].deaths_ci.0, fresh[i].deaths_ci.1),
            on_p_front: on_p(i),
            on_deaths_front: on_d(i),
            chosen: i == chosen,
            start: fin[i].start,
        })
        .collect();
    let fig = qilian_viewer::front::front(&points, &first.scenario)
        .map_err(|e| Failure::Other(anyhow::anyhow!(e)))?;
    let plan_text = fin[chosen].plan_ron.clone();
    // The plan must load against the scenario's region; if not, it is a bug here.
    if let Some(s) = scenario {
        // `Embedded` holds static text: the plan is leaked once per command.
        let src = qilian_engine::scenario::Embedded(
            [(PathBuf::from("plan.ron"), &*plan_text.clone().leak())]
                .into_iter()
                .collect(),
        );
        qilian_engine::scenario::with_plan_file(&src, Path::new("plan.ron"), s).map_err(|e| {
            Failure::Other(anyhow::anyhow!(
                "the chosen plan does not load (a bug in optimise):\n{e}"
            ))
        })?;
    }
    Ok(vec![
        ("optimise.json".into(), json(&report)?),
        ("front.csv".into(), csv.into_bytes()),
        ("plan.ron".into(), plan_text.into_bytes()),
        ("changes.txt".into(), changes.into_bytes()),
        ("chart-front.svg".into(), fig.svg.into_bytes()),
        ("chart-front.png".into(), fig.png),
    ])
}

fn round_est(e: &Estimate) -> Estimate {
    Estimate {
        n: e.n,
        p_met: r6(e.p_met),
        p_ci: (r6(e.p_ci.0), r6(e.p_ci.1)),
        deaths: r6(e.deaths),
        deaths_ci: (r6(e.deaths_ci.0), r6(e.deaths_ci.1)),
    }
}
