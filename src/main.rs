//! The `qilian` command line: a thin layer over the library crates. It parses
//! arguments, reads and writes files, and maps failures to exit codes:
//! 0 success, 2 bad input (with one line per problem), 3 an audit with a
//! failed check, 1 anything else. Standard output goes through
//! `say!`/`sayln!`: a closed pipe (`qilian … | head`) stops the printing,
//! not the command.

/// `print!` that never panics: a closed standard output (a pipe whose
/// reader left) silently drops the rest of the text; the command goes on.
macro_rules! say {
    ($($t:tt)*) => { $crate::output::say(format_args!($($t)*)) };
}

/// `println!` that never panics (see `say!`).
macro_rules! sayln {
    ($($t:tt)*) => { $crate::output::say(format_args!("{}\n", format_args!($($t)*))) };
}

mod help;
mod hindcast;
mod messages;
mod optimise;
mod output;
mod plan_init;
mod stock;
mod stress;

use anyhow::Context as _;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use output::lang;
use qilian_engine::scenario::{self, FileSystem, Source};
use qilian_engine::{RunResult, Scenario};
use qilian_i18n::t;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "qilian",
    version,
    about = "Disaster drills and emergency-plan evaluation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Language of reports and messages: zh-CN or en (default: from LC_ALL, LC_MESSAGES or LANG; zh* gives Chinese, anything else English).
    #[arg(long, global = true, value_parser = parse_lang)]
    lang: Option<qilian_i18n::Lang>,
}

fn parse_lang(s: &str) -> Result<qilian_i18n::Lang, String> {
    s.parse()
        .map_err(|e: qilian_i18n::UnknownLang| e.to_string())
}

#[derive(Subcommand)]
enum Command {
    /// Double-blind drills: new, serve, review.
    Drill {
        #[command(subcommand)]
        command: DrillCommand,
    },
    /// Run the built-in Ganzhou scenario and write its results.
    Demo {
        /// Output directory.
        #[arg(long, default_value = "qilian-out")]
        out: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Run one scenario once.
    Run {
        /// Scenario file (RON).
        scenario: PathBuf,
        /// Plan file to run instead of the scenario's own (e.g. the plan.ron of `optimise`).
        #[arg(long)]
        plan: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Output directory for summary.json, timeseries.csv, journal.jsonl, charts, maps, report.html, GeoJSON and CSV.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a plan many times on randomised replicates; P(met) per target.
    Stress {
        /// Scenario file (RON).
        scenario: PathBuf,
        /// Plan file(s) to stress instead of the scenario's own (repeatable).
        #[arg(long = "plan")]
        plans: Vec<PathBuf>,
        /// Replicates in the whole run.
        #[arg(long, default_value_t = 100)]
        runs: u32,
        #[command(flatten)]
        common: Common,
        /// Run only replicates K, K+N, K+2N… (0 ≤ K < N); merge the shards later.
        #[arg(long)]
        shard: Option<stress::Shard>,
        /// Also report crew utilisation and the gain from one more crew of each kind.
        #[arg(long)]
        bottleneck: bool,
        /// Output directory.
        #[arg(long, default_value = "qilian-out")]
        out: PathBuf,
    },
    /// Search crew counts, depots and priorities for the plan within a budget
    /// that meets every target most often with the fewest deaths.
    Optimise {
        /// Scenario file (RON); its plan is the starting plan.
        scenario: PathBuf,
        /// Budget, 万元 (10,000 CNY) a year; plans costing more are left out.
        #[arg(long, allow_hyphen_values = true)]
        budget: f64,
        /// Costs file (RON; default scenarios/plans/optimise-costs.ron, built in).
        #[arg(long)]
        costs: Option<PathBuf>,
        /// Selection replicates each finalist gets (earlier rungs get fewer).
        #[arg(long, default_value_t = 32)]
        runs: u32,
        /// Fresh replicates for the finalists' intervals (default: --runs).
        #[arg(long)]
        fresh: Option<u32>,
        /// Halving stops when this many candidates remain (the finalists).
        #[arg(long, default_value_t = 6)]
        keep: usize,
        /// Candidates at most (every plan when the space is no larger).
        #[arg(long, default_value_t = 200)]
        candidates: usize,
        /// Crew kinds whose groups vary (comma-separated; default all in the plan).
        #[arg(long, value_delimiter = ',', value_parser = optimise::parse_kind)]
        kinds: Vec<qilian_engine::scenario::CrewKind>,
        /// Depot ids groups may be stationed at (comma-separated; default all).
        #[arg(long, value_delimiter = ',')]
        depots: Vec<u32>,
        /// Highest count per crew group (default: its count + 2).
        #[arg(long)]
        max_crews: Option<u32>,
        /// Also try priority orders one adjacent swap from the plan's.
        #[arg(long)]
        priorities: bool,
        /// Crew kinds to try as new groups (0 to --max-crews, default 2, at any allowed depot).
        #[arg(long, value_delimiter = ',', value_parser = optimise::parse_kind)]
        add_kinds: Vec<qilian_engine::scenario::CrewKind>,
        #[command(flatten)]
        common: Common,
        /// Race only candidates K, K+N, …; merge the shards with `qilian merge`.
        #[arg(long)]
        shard: Option<stress::Shard>,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Merge the shard directories of one stress or optimise run.
    Merge {
        /// Shard output directories (each holds shard.json).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Compare two plans on the same replicates (common random numbers).
    Compare {
        /// Scenario file (RON).
        scenario: PathBuf,
        /// Plan A.
        #[arg(long = "plan", num_args = 1, required = true)]
        plans: Vec<PathBuf>,
        /// Replicates.
        #[arg(long, default_value_t = 100)]
        runs: u32,
        #[command(flatten)]
        common: Common,
        /// Output directory for compare.json, its charts and report.html.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a plan against the regional emergency plan's figures and its crews against the region (exit 3 if a check fails).
    Audit {
        /// Plan file (RON).
        plan: PathBuf,
        /// Region file the plan is for.
        #[arg(long)]
        region: PathBuf,
        /// Print the checks as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Plans: `plan init` writes a starter plan for a region.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Make a region file from outside data.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Check scenario, region or plan files; print every problem.
    Validate {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run one hazard model on a CSV table of cases and print the table with
    /// the model's output columns appended.
    Model {
        /// The model: gmpe, fragility, plume, probit, fire-spread,
        /// depth-damage, dambreak or liquefaction.
        name: String,
        /// CSV file of cases (default: standard input).
        #[arg(long)]
        input: Option<PathBuf>,
    },
    /// Re-run real events (a folder with hindcasts.ron) and print the model's
    /// spread beside what was observed.
    Hindcast {
        /// The hindcast library folder.
        #[arg(default_value = "scenarios/hindcasts")]
        dir: PathBuf,
        /// Replicates of each event.
        #[arg(long, default_value_t = 30)]
        runs: u32,
        /// Also write hindcast.json and hindcast.csv here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// `qilian drill …`: double-blind drills (logic in qilian-drill).
#[derive(Subcommand)]
enum DrillCommand {
    /// Create a drill: secret seed, seal.json, tokens.json.
    New {
        /// The drill template (RON).
        template: PathBuf,
        /// Number of teams.
        #[arg(long, default_value_t = 1)]
        teams: u32,
        /// The drill directory to create.
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve a drill: consoles and JSON API (resumes from its journal).
    Serve {
        /// The drill directory.
        dir: PathBuf,
        /// Address to listen on (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Open connections at most (event streams included).
        #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max_connections: u32,
        /// Seconds with nothing read or written before a connection is closed.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        idle_timeout_s: u64,
        /// At the cap, seconds idle after which a connection makes room for a
        /// new one.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(0..=86_400))]
        evict_after_s: u64,
        /// Seconds a client has to send a request's headers (and the longest
        /// a kept-alive connection waits for its next request).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3_600))]
        header_timeout_s: u64,
    },
    /// Write the after-action review (reveals the seed).
    Review {
        /// The drill directory.
        dir: PathBuf,
        /// Output file (default DIR/review.html).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Review a drill that is still running (reveals the seed while
        /// the teams play).
        #[arg(long)]
        force: bool,
    },
}

/// Options every simulating command takes.
#[derive(clap::Args)]
struct Common {
    /// Seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// `qilian plan …`.
#[derive(Subcommand)]
enum PlanCommand {
    /// Write a starter plan from what a region holds: depots at fire stations,
    /// hospitals and utility sites, crews by population, its shelters, an
    /// evacuation rule; every figure commented with its source or ASSUMPTION.
    Init {
        /// The region file (RON).
        #[arg(long)]
        region: PathBuf,
        /// The plan file to write (default: print it).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import an OpenStreetMap extract (.osm.pbf) as a region RON file.
    Osm {
        /// The extract.
        file: PathBuf,
        /// Keep only what lies in minlon,minlat,maxlon,maxlat (degrees).
        #[arg(long, allow_hyphen_values = true)]
        bbox: Option<String>,
        /// Zones CSV (`name,lon,lat,population[,households]`) instead of place nodes or a grid.
        #[arg(long)]
        zones: Option<PathBuf>,
        /// Region name (default: from the file name).
        #[arg(long)]
        name: Option<String>,
        /// The region file to write.
        #[arg(long)]
        out: PathBuf,
        /// Also write a starter plan for the region here (as `plan init`).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
}

/// Why the command failed.
pub(crate) enum Failure {
    /// The user's input is wrong: print and exit 2.
    Input(String),
    /// Something else went wrong: exit 1.
    Other(anyhow::Error),
    /// The command ran and found what it checks wanting (an audit with a
    /// failed check): exit 3, after its report.
    ChecksFailed,
}

impl From<qilian_viewer::DrawError> for Failure {
    fn from(e: qilian_viewer::DrawError) -> Self {
        Failure::Other(e.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language first, so that help and every message use it.
    let language = help::lang_of_args(&args);
    // Set before parsing: value parsers (`--shard`) already speak it.
    output::set_lang(language);
    if let Some(v) = std::env::var_os(qilian_engine::input::LIMIT_ENV) {
        match v.to_str().and_then(|v| v.trim().parse::<u64>().ok()) {
            Some(n) if n > 0 => qilian_engine::input::set_limit(n),
            _ => {
                eprintln!(
                    "{}",
                    t!(
                        language,
                        "cli.err.limit_env",
                        var = qilian_engine::input::LIMIT_ENV,
                        value = format!("{v:?}")
                    )
                );
                return ExitCode::from(2);
            }
        }
    }
    let parsed = help::localise(Cli::command(), language)
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            help::print_error(&e, language);
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // clap read the same `--lang` as `lang_of_args` (given at most once).
    debug_assert!(cli.lang.is_none_or(|l| l == language));
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            eprintln!("{}", t!(lang(), "cli.err.other", detail = format!("{e:#}")));
            ExitCode::from(1)
        }
        Err(Failure::ChecksFailed) => ExitCode::from(3),
    }
}

fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Demo { out, common } => {
            output::check_out(&out).map_err(Failure::Input)?;
            let scenario = common.load(&stock::embedded(), Path::new(stock::DEMO))?;
            run_and_report(scenario, Some(&out))
        }
        Command::Run {
            scenario,
            plan,
            common,
            out,
        } => {
            if let Some(out) = &out {
                output::check_out(out).map_err(Failure::Input)?;
            }
            let s = common.load(&FileSystem, &scenario)?;
            let s = match plan {
                Some(p) => stress::plans(s, &[p])?.remove(0).1,
                None => s,
            };
            run_and_report(s, out.as_deref())
        }
        Command::Optimise {
            scenario,
            budget,
            costs,
            runs,
            fresh,
            keep,
            candidates,
            kinds,
            depots,
            max_crews,
            priorities,
            add_kinds,
            common,
            shard,
            out,
        } => {
            let args = optimise::Args {
                budget,
                costs,
                runs,
                fresh,
                keep,
                candidates,
                kinds,
                depots,
                max_crews,
                priorities,
                add_kinds,
                shard,
                out,
            };
            if !(budget.is_finite() && budget > 0.0) {
                return Err(Failure::Input(t!(lang(), "cli.err.budget", got = budget)));
            }
            optimise::optimise(common.load(&FileSystem, &scenario)?, &args)
        }
        Command::Stress {
            scenario,
            plans,
            runs,
            common,
            shard,
            bottleneck,
            out,
        } => {
            let base = common.load(&FileSystem, &scenario)?;
            let scenarios = stress::plans(base, &plans)?;
            stress::stress(scenarios, runs, shard, bottleneck, &out)
        }
        Command::Merge { dirs, out } => {
            output::check_out(&out).map_err(Failure::Input)?;
            if dirs.iter().all(|d| optimise::is_shard_dir(d)) {
                return optimise::merge(&dirs, &out);
            }
            stress::merge(&dirs, &out)
        }
        Command::Compare {
            scenario,
            plans,
            runs,
            common,
            out,
        } => {
            if plans.len() != 2 {
                return Err(Failure::Input(t!(lang(), "cli.err.compare_two")));
            }
            if let Some(out) = &out {
                output::check_out(out).map_err(Failure::Input)?;
            }
            let base = common.load(&FileSystem, &scenario)?;
            let mut both = stress::plans(base, &plans)?.into_iter();
            let (a, b) = (
                both.next().expect("two plans"),
                both.next().expect("two plans"),
            );
            stress::compare(a, b, runs, out.as_deref())
        }
        Command::Audit { plan, region, json } => {
            let (region, plan) = scenario::load_region_and_plan(&FileSystem, &region, &plan)
                .map_err(|e| Failure::Input(messages::problems(&e.problems)))?;
            let checks = qilian_evaluator::audit::audit(&plan, &region);
            if json {
                sayln!(
                    "{}",
                    serde_json::to_string_pretty(&checks).context("encoding checks")?
                );
            } else {
                sayln!(
                    "{}",
                    t!(
                        lang(),
                        "cli.audit.title",
                        plan = plan.name,
                        region = region.name
                    )
                );
                for c in &checks {
                    let mark = if c.passed {
                        t!(lang(), "cli.audit.pass")
                    } else {
                        t!(lang(), "cli.audit.fail")
                    };
                    sayln!("{mark}  {:<48} {}", c.name, c.detail);
                    if let Some(add) = &c.add {
                        sayln!("      {:<48} → {add}", "");
                    }
                }
                let failed = checks.iter().filter(|c| !c.passed).count();
                sayln!(
                    "{}",
                    t!(
                        lang(),
                        "cli.audit.passed",
                        passed = checks.len() - failed,
                        n = checks.len()
                    )
                );
            }
            if checks.iter().any(|c| !c.passed) {
                return Err(Failure::ChecksFailed);
            }
            Ok(())
        }
        Command::Import {
            what:
                ImportCommand::Osm {
                    file,
                    bbox,
                    zones,
                    name,
                    out,
                    plan,
                },
        } => import_osm(&file, bbox.as_deref(), zones, name, &out, plan.as_deref()),
        Command::Plan {
            command: PlanCommand::Init { region, out },
        } => plan_init(&region, out.as_deref()),
        Command::Validate { files } => {
            let mut problems = Vec::new();
            for f in &files {
                problems.extend(scenario::validate_file(&FileSystem, f));
            }
            if problems.is_empty() {
                for f in &files {
                    sayln!("{}", t!(lang(), "cli.validate.ok", file = f.display()));
                }
                Ok(())
            } else {
                Err(Failure::Input(messages::problems(&problems)))
            }
        }
        Command::Model { name, input } => model(&name, input.as_deref()),
        Command::Hindcast { dir, runs, out } => hindcast::hindcast(&dir, runs, out.as_deref()),
        Command::Drill { command } => drill(command),
    }
}

fn import_osm(
    file: &Path,
    bbox: Option<&str>,
    zones: Option<PathBuf>,
    name: Option<String>,
    out: &Path,
    plan: Option<&Path>,
) -> Result<(), Failure> {
    let bbox = bbox
        .map(|b| b.parse::<qilian_osm::BBox>())
        .transpose()
        .map_err(|m| Failure::Input(t!(lang(), "cli.err.bbox", detail = m)))?;
    let opts = qilian_osm::Options { bbox, zones, name };
    let import =
        qilian_osm::import(file, &opts).map_err(|e| Failure::Input(messages::import_error(&e)))?;
    qilian_osm::write_atomic(out, &import.to_ron())
        .map_err(|e| Failure::Other(anyhow::Error::new(e)))?;
    eprintln!("{}", messages::import_report(&import.report));
    sayln!(
        "{}",
        t!(
            lang(),
            "cli.import.wrote",
            file = out.display(),
            nodes = import.region.nodes.len(),
            links = import.region.edges.len(),
            zones = import.region.zones.len(),
            facilities = import.region.facilities.len()
        )
    );
    if let Some(plan) = plan {
        let region_file = out.file_name().map_or_else(
            || out.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        write_plan(plan, &plan_init::starter_plan(&import.region, &region_file))?;
        scenario::load_region_and_plan(&FileSystem, out, plan).map_err(|e| {
            anyhow::anyhow!("the starter plan does not validate (a bug in plan init):\n{e}")
        })?;
    }
    Ok(())
}

/// `qilian plan init --region R.ron [--out P.ron]`: the region must load
/// and validate (exit 2 otherwise); a written plan is then loaded with its
/// region, as `audit` would.
fn plan_init(region_path: &Path, out: Option<&Path>) -> Result<(), Failure> {
    let problems = scenario::validate_file(&FileSystem, region_path);
    if !problems.is_empty() {
        return Err(Failure::Input(messages::problems(&problems)));
    }
    let text = qilian_engine::input::read_to_string(region_path)
        .map_err(|e| Failure::Input(messages::input(&e)))?;
    let region: scenario::Region = ron::from_str(&text).map_err(|e| {
        Failure::Input(t!(
            lang(),
            "cli.err.not_region",
            file = region_path.display(),
            detail = e
        ))
    })?;
    let name = region_path.file_name().map_or_else(
        || region_path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let plan = plan_init::starter_plan(&region, &name);
    match out {
        Some(out) => {
            write_plan(out, &plan)?;
            // The plan must hold against its region; if not, it is a bug here.
            scenario::load_region_and_plan(&FileSystem, region_path, out).map_err(|e| {
                anyhow::anyhow!("the starter plan does not validate (a bug in plan init):\n{e}")
            })?;
            Ok(())
        }
        None => {
            say!("{plan}");
            Ok(())
        }
    }
}

/// Write a starter plan atomically and say so; a plan that does not parse
/// is this program's bug (exit 1), never written.
fn write_plan(out: &Path, text: &str) -> Result<(), Failure> {
    let plan: scenario::Plan = ron::from_str(text)
        .with_context(|| "the starter plan does not parse (a bug in plan init)")?;
    qilian_osm::write_atomic(out, text).map_err(|e| Failure::Other(anyhow::Error::new(e)))?;
    let crews: u32 = plan.crews.iter().map(|g| g.count).sum();
    sayln!(
        "{}",
        t!(
            lang(),
            "cli.plan.wrote",
            file = out.display(),
            depots = plan.depots.len(),
            crews = crews,
            shelters = plan.shelters.len(),
            rules = plan.evacuation.rules.len()
        )
    );
    Ok(())
}

/// `qilian model NAME [--input CASES.csv]`: bad tables and unreadable files
/// are the user's input errors (exit 2), named by file and row.
fn model(name: &str, input: Option<&Path>) -> Result<(), Failure> {
    let (what, text) = match input {
        Some(path) => {
            let text = qilian_engine::input::read_to_string(path)
                .map_err(|e| Failure::Input(messages::input(&e)))?;
            (path.display().to_string(), text)
        }
        None => {
            let mut text = String::new();
            let limit = qilian_engine::input::limit();
            std::io::Read::read_to_string(
                &mut std::io::Read::take(std::io::stdin(), limit.saturating_add(1)),
                &mut text,
            )
            .map_err(|e| Failure::Input(t!(lang(), "cli.err.stdin", detail = e)))?;
            if text.len() as u64 > limit {
                let detail = t!(
                    lang(),
                    "cli.input.too_large",
                    limit = limit,
                    var = qilian_engine::input::LIMIT_ENV
                );
                return Err(Failure::Input(t!(lang(), "cli.err.stdin", detail = detail)));
            }
            (t!(lang(), "cli.stdin"), text)
        }
    };
    match qilian_hazardlib::cases::run_model(name, &text) {
        Ok(out) => {
            say!("{out}");
            Ok(())
        }
        Err(e @ qilian_hazardlib::cases::CaseError::UnknownModel { .. }) => {
            Err(Failure::Input(e.to_string()))
        }
        Err(e) => Err(Failure::Input(t!(
            lang(),
            "cli.problem.file",
            file = what,
            detail = e
        ))),
    }
}

impl Common {
    /// Set up the thread pool and load the scenario with the seed applied.
    fn load(&self, source: &dyn Source, path: &Path) -> Result<Arc<Scenario>, Failure> {
        if let Some(n) = self.threads {
            if n == 0 {
                return Err(Failure::Input(t!(lang(), "cli.err.threads")));
            }
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()
                .context("setting up the thread pool")?;
        }
        let mut s = scenario::load_from(source, path)
            .map_err(|e| Failure::Input(messages::problems(&e.problems)))?;
        if let Some(seed) = self.seed {
            s.file.seed = seed;
        }
        Ok(Arc::new(s))
    }
}

fn run_and_report(scenario: Arc<Scenario>, out: Option<&Path>) -> Result<(), Failure> {
    let sim = qilian_models::standard_sim(scenario, 0);
    // Footprints cost a little while the run goes (the plume grid), so they
    // are recorded only when there is somewhere to draw them.
    let (run, footprints): (RunResult, _) = match out {
        Some(_) => qilian_models::hazard::footprint::run_with_footprints(sim),
        None => (sim.run(), Vec::new()),
    };
    let summary = qilian_evaluator::summarize(&run);
    say!("{}", output::table(&summary));
    if let Some(dir) = out {
        let files = output::render(&run, &summary, &footprints)?;
        output::write_dir(dir, &files)
            .with_context(|| t!(lang(), "cli.err.writing", dir = dir.display()))?;
        sayln!(
            "{}",
            qilian_i18n::t!(crate::output::lang(), "cli.wrote", dir = dir.display())
        );
    } else {
        eprintln!("{}", t!(lang(), "cli.no_files_written"));
    }
    Ok(())
}

/// `qilian drill …`: thin wrappers over qilian-drill; its errors of input
/// (template, arguments, drill files) exit 2.
fn drill(command: DrillCommand) -> Result<(), Failure> {
    let fail = |e: qilian_drill::DrillError| {
        if e.is_bad_input() {
            Failure::Input(messages::drill_error(&e))
        } else {
            Failure::Other(anyhow::anyhow!(e.to_string()))
        }
    };
    match command {
        DrillCommand::New {
            template,
            teams,
            out,
        } => {
            let t = qilian_drill::template::load_template(&template)
                .map_err(|e| fail(qilian_drill::DrillError::Load(e)))?;
            let seal = qilian_drill::seal::create(&t, teams, &out).map_err(fail)?;
            sayln!(
                "{}",
                t!(
                    lang(),
                    "cli.drill.created",
                    dir = out.display(),
                    n = teams,
                    seal = seal.seed_sha256
                )
            );
            sayln!(
                "{}",
                t!(
                    lang(),
                    "cli.drill.tokens",
                    file = out.join("tokens.json").display()
                )
            );
            Ok(())
        }
        DrillCommand::Serve {
            dir,
            addr,
            max_connections,
            idle_timeout_s,
            evict_after_s,
            header_timeout_s,
        } => {
            let limits = qilian_drill::guard::Limits {
                max_connections: max_connections as usize,
                idle: std::time::Duration::from_secs(idle_timeout_s),
                evict_after: std::time::Duration::from_secs(evict_after_s),
                header: std::time::Duration::from_secs(header_timeout_s),
            };
            qilian_drill::server::serve(&dir, addr, limits).map_err(fail)
        }
        DrillCommand::Review { dir, out, force } => {
            let out = out.unwrap_or_else(|| dir.join("review.html"));
            let (html, running) = qilian_drill::review::review(&dir, force).map_err(fail)?;
            if running.is_some() {
                eprintln!("{}", t!(lang(), "cli.drill.force_warning"));
            }
            std::fs::write(&out, html)
                .map_err(|e| Failure::Other(anyhow::anyhow!("{}: {e}", out.display())))?;
            sayln!("{}", t!(lang(), "cli.drill.review", file = out.display()));
            Ok(())
        }
    }
}
