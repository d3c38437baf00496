//! What a run writes: the readable table on stdout and the files in `--out`.
//! Files are rendered in memory first and moved into place at the end, so a
//! failure never leaves a half-written output directory.

use anyhow::Context as _;
use qilian_engine::RunResult;
use qilian_evaluator::Summary;
use qilian_hazardlib::footprint::Footprint;
use std::fmt::Write as _;
use std::path::Path;

/// The run as a table for people.
pub fn table(s: &Summary) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{} — seed {}, replicate {}, {} h",
        s.scenario, s.seed, s.replicate, s.horizon_h
    );
    match s.onset_h {
        Some(h) => {
            let _ = writeln!(t, "onset at {h:.2} h; deadlines count from it");
        }
        None => {
            let _ = writeln!(t, "no disruption");
        }
    }
    let _ = writeln!(
        t,
        "{:<12} {:>10} {:>10}  result",
        "target", "deadline", "met at"
    );
    for r in &s.targets {
        let at = r.met_at_h.map_or("—".to_string(), |h| format!("{h:.1} h"));
        let verdict = r.verdict.label();
        let _ = writeln!(
            t,
            "{:<12} {:>8} h {:>10}  {verdict}",
            r.name, r.deadline_h, at
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
            "evacuation: {} people in {} vehicles; sheltered 50 % {}, 90 % {}, 100 % {} after \
             the first warning; {} sheltered, {} over capacity, {} exposed",
            e["people"],
            e["vehicles"],
            h("t50_h"),
            h("t90_h"),
            h("t100_h"),
            e["sheltered"],
            e["shelter_overflow"],
            e["exposed"],
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
                "casualties: {} deaths ({}), {} injured; {} trapped: {} rescued, {} died trapped",
                n("deaths"),
                if causes.is_empty() {
                    "none".to_string()
                } else {
                    causes.join(", ")
                },
                n("injuries"),
                n("trapped"),
                n("rescued"),
                n("died_trapped"),
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
    files.extend(qilian_viewer::bundle::run(run, summary, footprints)?);
    Ok(files)
}

/// Write `files` into `dir` through a sibling temporary directory.
pub fn write_dir<S: AsRef<str>>(dir: &Path, files: &[(S, Vec<u8>)]) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("{} exists and is not a directory", dir.display());
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        for (f, bytes) in files {
            let f = f.as_ref();
            std::fs::write(tmp.join(f), bytes).with_context(|| format!("writing {f}"))?;
        }
        if dir.exists() {
            for (f, _) in files {
                let f = f.as_ref();
                std::fs::rename(tmp.join(f), dir.join(f))?;
            }
            std::fs::remove_dir(&tmp)?;
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
