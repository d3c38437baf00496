//! What a run writes: the readable table on stdout and the files in `--out`.
//! Files are rendered in memory first and moved into place at the end, so a
//! failure never leaves a half-written output directory.

use crate::stress::Cols;
use anyhow::Context as _;
use qilian_engine::RunResult;
use qilian_evaluator::Summary;
use qilian_hazardlib::footprint::Footprint;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

static LANG: OnceLock<qilian_i18n::Lang> = OnceLock::new();

/// Set the language of reports and messages (once, from `--lang` or the
/// environment).
pub fn set_lang(l: qilian_i18n::Lang) {
    let _ = LANG.set(l);
}

/// The language of reports and messages: `--lang`, else the environment's.
pub fn lang() -> qilian_i18n::Lang {
    *LANG.get_or_init(qilian_i18n::Lang::from_env)
}

/// Write to standard output; a closed pipe or another write error stops
/// further output (the error once on stderr unless it is a closed pipe)
/// and the command carries on. Used by `say!` and `sayln!`.
pub fn say(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("{}", qilian_i18n::t!(lang(), "cli.err.stdout", detail = e));
        }
    }
}

/// The run as a table for people.
pub fn table(s: &Summary) -> String {
    use qilian_i18n::{t, text};
    let l = lang();
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}",
        t!(
            l,
            "cli.run_header",
            scenario = s.scenario,
            seed = s.seed,
            replicate = s.replicate,
            horizon = s.horizon_h
        )
    );
    match s.onset_h {
        Some(h) => {
            let _ = writeln!(t, "{}", t!(l, "cli.onset", h = format!("{h:.2}")));
        }
        None => {
            let _ = writeln!(t, "{}", text(l, "cli.no_disruption"));
        }
    }
    let _ = writeln!(
        t,
        "{:<12} {:>10} {:>10}  {}",
        Cols(text(l, "report.col.target")),
        Cols(text(l, "report.col.deadline")),
        Cols(text(l, "cli.met_at")),
        text(l, "report.col.result")
    );
    for r in &s.targets {
        let at = r.met_at_h.map_or("—".to_string(), |h| format!("{h:.1} h"));
        let verdict = match r.verdict {
            qilian_evaluator::Verdict::Met => text(l, "verdict.met"),
            qilian_evaluator::Verdict::Missed => text(l, "verdict.missed"),
            qilian_evaluator::Verdict::NotReachedByHorizon => text(l, "verdict.not_reached"),
        };
        // English keeps the column names (`main_roads`) scripts look for.
        let name = match l {
            qilian_i18n::Lang::En => r.name.clone(),
            _ => qilian_viewer::report::target_name(l, &r.name),
        };
        let _ = writeln!(
            t,
            "{:<12} {:>8} h {:>10}  {verdict}",
            Cols(&name),
            r.deadline_h,
            at
        );
    }
    if let Some(e) = s.kpis.get("evacuation")
        && e["people"].as_u64().is_some_and(|p| p > 0)
    {
        let h = |k: &str| {
            e[k].as_f64()
                .map_or("—".to_string(), |h| format!("{h:.2} h"))
        };
        let _ = writeln!(
            t,
            "{}",
            t!(
                l,
                "cli.evacuation",
                people = e["people"],
                vehicles = e["vehicles"],
                t50 = h("t50_h"),
                t90 = h("t90_h"),
                t100 = h("t100_h"),
                sheltered = e["sheltered"],
                overflow = e["shelter_overflow"],
                exposed = e["exposed"]
            )
        );
    }
    if let Some(c) = s.kpis.get("casualties") {
        let n = |k: &str| c[k].as_u64().unwrap_or(0);
        if n("deaths") + n("injuries") + n("trapped") > 0 {
            let causes: Vec<String> = c["by_cause"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| v["deaths"].as_u64().unwrap_or(0) > 0)
                .map(|(k, v)| format!("{k} {}", v["deaths"]))
                .collect();
            let _ = writeln!(
                t,
                "{}",
                t!(
                    l,
                    "cli.casualties",
                    deaths = n("deaths"),
                    causes = if causes.is_empty() {
                        t!(l, "cli.import.none")
                    } else {
                        causes.join(", ")
                    },
                    injuries = n("injuries"),
                    trapped = n("trapped"),
                    rescued = n("rescued"),
                    died = n("died_trapped")
                )
            );
        }
    }
    t
}

/// Render the output files: (name, bytes). Our own three first, then the
/// viewer's charts, maps (with the hazards' `footprints`), report, GeoJSON
/// and CSV.
pub fn render(
    run: &RunResult,
    summary: &Summary,
    footprints: &[Footprint],
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut summary_json = serde_json::to_vec_pretty(summary)?;
    summary_json.push(b'\n');
    let mut csv = Vec::new();
    qilian_viewer::write_series_csv(&mut csv, &run.series)?;
    let mut journal = Vec::new();
    qilian_engine::journal::write_jsonl(&mut journal, &run.events)?;
    let mut files = vec![
        ("summary.json".to_string(), summary_json),
        ("timeseries.csv".to_string(), csv),
        ("journal.jsonl".to_string(), journal),
    ];
    files.extend(qilian_viewer::bundle::run(
        run,
        summary,
        footprints,
        lang(),
    )?);
    Ok(files)
}

/// Files whose presence marks a directory as one of our output folders,
/// which a new run may replace.
const OURS: [&str; 7] = [
    "summary.json",
    "optimise-shard.json",
    "stress.json",
    "shard.json",
    "compare.json",
    "bottleneck.json",
    "report.html",
];

/// Whether `dir` may be replaced: it is empty or holds a previous result.
fn replaceable(dir: &Path) -> std::io::Result<bool> {
    let mut empty = true;
    for e in std::fs::read_dir(dir)? {
        let name = e?.file_name();
        if OURS.iter().any(|o| name == **o) {
            return Ok(true);
        }
        empty = false;
    }
    Ok(empty)
}

/// Whether results may go to `dir` (checked before a run starts, so a bad
/// `--out` fails at once): it does not exist, or is a folder that is empty
/// or holds earlier results. The message says what is wrong.
pub fn check_out(dir: &Path) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(qilian_i18n::t!(
            lang(),
            "cli.err.out_not_folder",
            dir = dir.display()
        ));
    }
    if dir.is_dir() && !replaceable(dir).map_err(|e| format!("--out {}: {e}", dir.display()))? {
        return Err(qilian_i18n::t!(
            lang(),
            "cli.err.out_other_files",
            dir = dir.display()
        ));
    }
    Ok(())
}

/// Write `files` as the whole content of `dir`: into a sibling temporary
/// directory first, which then takes the place of `dir`. A previous `dir`
/// is replaced whole, so no file of an earlier run survives beside the new
/// ones; it is moved aside first and put back if the new one cannot take
/// its place, so a failure never loses the old results. Missing parent
/// directories are created. A `dir` holding other files (not an output
/// folder of ours) is left alone and is an error.
pub fn write_dir<S: AsRef<str> + Sync>(dir: &Path, files: &[(S, Vec<u8>)]) -> anyhow::Result<()> {
    check_out(dir).map_err(anyhow::Error::msg)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.partial-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let result = (|| -> anyhow::Result<()> {
        std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        // Written in parallel; the first failure in file order is reported.
        use rayon::prelude::*;
        let written: Vec<std::io::Result<()>> = files
            .par_iter()
            .map(|(f, bytes)| std::fs::write(tmp.join(f.as_ref()), bytes))
            .collect();
        for ((f, _), r) in files.iter().zip(written) {
            let f = f.as_ref();
            r.with_context(|| format!("writing {f}"))?;
        }
        if dir.exists() {
            std::fs::rename(dir, &old)
                .with_context(|| format!("moving the old {} aside", dir.display()))?;
            if let Err(e) = std::fs::rename(&tmp, dir) {
                // Put the old results back.
                let _ = std::fs::rename(&old, dir);
                return Err(e).with_context(|| format!("replacing {}", dir.display()));
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&tmp, dir)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    use qilian_testkit::{Scratch, file_names as names};

    fn scratch(name: &str) -> Scratch {
        Scratch::absent("out", name)
    }

    #[test]
    fn a_second_run_replaces_the_folder_whole() {
        let base = scratch("replace");
        let dir = base.join("a/b/out");
        write_dir(
            &dir,
            &[("summary.json", b"1".to_vec()), ("old.svg", vec![])],
        )
        .unwrap();
        write_dir(&dir, &[("summary.json", b"2".to_vec())]).unwrap();
        assert_eq!(names(&dir), ["summary.json"]);
        assert_eq!(std::fs::read(dir.join("summary.json")).unwrap(), b"2");
        // No temporary or old folder is left beside it.
        assert_eq!(names(&base.join("a/b")), ["out"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_results() {
        let base = scratch("keep");
        let dir = base.join("out");
        write_dir(&dir, &[("summary.json", b"1".to_vec())]).unwrap();
        // A file name that cannot be written fails the new run.
        let bad = write_dir(
            &dir,
            &[("summary.json", b"2".to_vec()), ("no/such", vec![])],
        );
        assert!(bad.is_err());
        assert_eq!(names(&dir), ["summary.json"]);
        assert_eq!(std::fs::read(dir.join("summary.json")).unwrap(), b"1");
        assert_eq!(names(&base), ["out"]);
    }

    #[test]
    fn the_table_says_not_reached_by_the_horizon_apart_from_missed() {
        use qilian_evaluator::{TargetResult, Verdict};
        let target = |name: &str, met_at_h, verdict| TargetResult {
            name: name.into(),
            deadline_h: 72.0,
            fraction: 1.0,
            met_at_h,
            met: verdict == Verdict::Met,
            verdict,
        };
        let s = Summary {
            scenario: "s".into(),
            seed: 1,
            replicate: 0,
            version: "v".into(),
            scenario_sha256: "h".into(),
            horizon_h: 48.0,
            onset_h: Some(0.5),
            targets: vec![
                target("power", Some(3.0), Verdict::Met),
                target("water", None, Verdict::NotReachedByHorizon),
                target("telecom", Some(80.0), Verdict::Missed),
            ],
            kpis: Default::default(),
        };
        let t = table(&s);
        let line = |n: &str| t.lines().find(|l| l.starts_with(n)).unwrap().to_string();
        assert!(line("power").ends_with(" met"), "{t}");
        assert!(line("water").ends_with("not reached by the horizon"), "{t}");
        assert!(line("telecom").ends_with("MISSED"), "{t}");
    }

    #[test]
    fn a_folder_of_other_files_is_left_alone() {
        let base = scratch("other");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::write(base.join("thesis.tex"), b"x").unwrap();
        let e = write_dir(&base, &[("summary.json", vec![])]).unwrap_err();
        assert!(e.to_string().contains("holds other files"), "{e}");
        assert_eq!(names(&base), ["thesis.tex"]);
    }
}
