//! `qilian drill review`: the after-action review, one self-contained HTML
//! file (no script, no fetch; charts from the viewer).
//!
//! It reveals the seed and checks its SHA-256 against `seal.json`, replays
//! the journal, and runs the counterfactual: the realised scenario under
//! the plan's default policy (automatic dispatch, the plan's evacuation
//! triggers, no orders) to the same simulated time.
//!
//! Scores, 0–100 per team (n/a when there was nothing to judge):
//! - *warning & reporting timeliness*: of the zones a hazard reached that
//!   an evacuation rule names, the share the team warned before the hazard
//!   arrived;
//! - *mobilisation*: `100 × max(0, 1 − median latency / 2 h)`, where the
//!   latency of an incident (a task) runs from its first report to the
//!   team's first dispatch order for it;
//! - *command & coordination*: the share of reported incidents the team
//!   dispatched a crew to;
//! - *resource use*: crew-hours on tasks (dispatch to finish, or to the end)
//!   relative to the counterfactual's, capped at 100;
//! - *restoration against targets*: the share met of the scenario's targets
//!   whose deadline lies within the drill; a target due after the drill's
//!   horizon (or after the time reached, in a review forced mid-drill) is
//!   "not reached in the drill" (未在演练时长内达到), not missed, and left out.
//!
//! The review refuses a drill short of its horizon unless forced: it
//! reveals the seed.

use crate::DrillError;
use crate::info::Report;
use crate::seal::{Seal, read_json, read_seed, sha256_hex};
use crate::session::{Order, OrderRecord, Session, TeamRun};
use qilian_engine::{CrewId, EventKind, RunResult, SimEvent, ZoneId};
use qilian_evaluator::{Summary, Timing, Verdict, judge, summarize};
use qilian_i18n::Lang;
use qilian_models::standard_sim;
use qilian_viewer::events::Narrator;
use qilian_viewer::report::esc;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use std::sync::Arc;

/// Scores of one team (or the counterfactual) on the five dimensions.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Scores {
    /// Warning & reporting timeliness.
    pub warning: Option<f64>,
    /// Mobilisation.
    pub mobilisation: Option<f64>,
    /// Command & coordination.
    pub command: Option<f64>,
    /// Resource use.
    pub resources: Option<f64>,
    /// Restoration against targets.
    pub restoration: Option<f64>,
}

/// Per incident: (task, first report s, first dispatch order s).
pub fn latencies(reports: &[Report], orders: &[OrderRecord]) -> Vec<(u64, u64, Option<u64>)> {
    let mut first: BTreeMap<u64, (u64, Option<u64>)> = BTreeMap::new();
    for r in reports {
        if let EventKind::TaskCreated { task, .. } = &r.event.kind {
            first.entry(task.0).or_insert((r.t_s, None));
        }
    }
    for o in orders {
        if let Order::Dispatch { task, .. } = o.order
            && let Some(e) = first.get_mut(&task)
            && e.1.is_none()
        {
            e.1 = Some(o.at_s);
        }
    }
    first.into_iter().map(|(t, (r, o))| (t, r, o)).collect()
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// Crew-hours spent on tasks: dispatch to task finished (or to `end`).
pub fn crew_hours(events: &[SimEvent], end: u64) -> f64 {
    let mut open: BTreeMap<CrewId, u64> = BTreeMap::new();
    let mut total = 0u64;
    for e in events {
        match &e.kind {
            EventKind::CrewDispatched { crew, .. } => {
                open.entry(*crew).or_insert(e.t_s);
            }
            EventKind::TaskFinished { crew, .. } => {
                if let Some(t0) = open.remove(crew) {
                    total += e.t_s - t0;
                }
            }
            _ => {}
        }
    }
    total += open.values().map(|t0| end.saturating_sub(*t0)).sum::<u64>();
    total as f64 / 3600.0
}

/// Zones reached by a hazard that a rule names: (zone, reached s, warned s).
fn warnings(run: &RunResult) -> Vec<(ZoneId, u64, Option<u64>)> {
    let rules = &run.scenario.plan.evacuation.rules;
    let mut reached: BTreeMap<ZoneId, u64> = BTreeMap::new();
    let mut warned: BTreeMap<ZoneId, u64> = BTreeMap::new();
    for e in &run.events {
        match &e.kind {
            EventKind::HazardReachedZone { zone, .. } | EventKind::ZoneExposed { zone, .. } => {
                reached.entry(*zone).or_insert(e.t_s);
            }
            EventKind::ZoneWarned { zone, .. } => {
                warned.entry(*zone).or_insert(e.t_s);
            }
            _ => {}
        }
    }
    reached
        .into_iter()
        .filter(|(z, _)| rules.iter().any(|r| r.zones.contains(z)))
        .map(|(z, t)| (z, t, warned.get(&z).copied()))
        .collect()
}

/// The run's summary with its targets judged at `end_s`, the time the drill
/// reached: a target whose deadline lies past it is "not reached in the
/// drill" (at the horizon, as the evaluator judges any run; before it, for
/// a review forced while the drill runs).
pub fn summarize_to(run: &RunResult, end_s: u64) -> Summary {
    let mut s = summarize(run);
    let timing = Timing {
        horizon_s: end_s.min(run.scenario.horizon().0),
        ..Timing::of(run)
    };
    s.targets = judge(run.scenario.targets(), &run.series, &timing).1;
    s
}

/// Whether a target counts in the drill: its deadline (after the onset)
/// falls within the drill's horizon. A target the drill is too short to
/// judge is "not reached in the drill", never missed, and is left out of
/// the restoration score.
pub fn in_drill(t: &qilian_evaluator::TargetResult) -> bool {
    t.verdict != Verdict::NotReachedByHorizon
}

/// The share of the targets judged in the drill that were met (`None` when
/// the drill judges none).
pub fn restoration(s: &Summary) -> Option<f64> {
    let judged: Vec<_> = s.targets.iter().filter(|t| in_drill(t)).collect();
    (!judged.is_empty())
        .then(|| 100.0 * judged.iter().filter(|t| t.met).count() as f64 / judged.len() as f64)
}

/// How the review writes a target's verdict.
pub fn target_cell(t: &qilian_evaluator::TargetResult) -> String {
    match (t.verdict, t.met_at_h) {
        (Verdict::Met, Some(h)) => {
            format!("<span class=\"ok\">达到 met at {h:.1} h</span>")
        }
        (Verdict::NotReachedByHorizon, _) => {
            "<span class=\"nr\">未在演练时长内达到 not reached in the drill</span>".into()
        }
        (Verdict::Missed, Some(h)) => {
            format!("<span class=\"bad\">未达到 missed (met at {h:.1} h)</span>")
        }
        _ => "<span class=\"bad\">未达到 missed</span>".into(),
    }
}

fn warning_score(run: &RunResult) -> Option<f64> {
    let w = warnings(run);
    (!w.is_empty()).then(|| {
        100.0
            * w.iter()
                .filter(|(_, r, wt)| wt.is_some_and(|x| x <= *r))
                .count() as f64
            / w.len() as f64
    })
}

/// The scores of a team against the counterfactual's crew-hours.
pub fn scores(t: &TeamRun, summary: &Summary, cf_hours: f64, end: u64) -> Scores {
    let lat = latencies(&t.reports, &t.orders);
    let delays: Vec<f64> = lat
        .iter()
        .filter_map(|(_, r, o)| o.map(|o| o.saturating_sub(*r) as f64 / 3600.0))
        .collect();
    let hours = crew_hours(&t.run.events, end);
    Scores {
        warning: warning_score(&t.run),
        mobilisation: median(delays).map(|m| 100.0 * (1.0 - m / 2.0).max(0.0)),
        command: (!lat.is_empty()).then(|| {
            100.0 * lat.iter().filter(|x| x.2.is_some()).count() as f64 / lat.len() as f64
        }),
        resources: (cf_hours > 0.0).then(|| (100.0 * hours / cf_hours).min(100.0)),
        restoration: restoration(summary),
    }
}

fn fmt_score(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{v:.0}"))
}

fn hm(t: u64) -> String {
    format!("{}:{:02}", t / 3600, (t % 3600) / 60)
}

/// A drill that has not reached its horizon: the review would reveal the
/// seed while teams still play, so it needs `force`.
pub fn still_running(session: &Session) -> Option<String> {
    (!session.finished()).then(|| {
        format!(
            "the drill is still running: it has reached {} (h:mm) of {} h. \
             The review reveals the seed, and with it the whole scenario, to anyone who reads it; \
             review after the drill ends, or pass --force to review now \
             (演练仍在进行: 复盘会公开种子; 如确需现在复盘, 请加 --force)",
            hm(session.now()),
            session.scenario.horizon().0 / 3600
        )
    })
}

/// Build the review of the drill in `dir` (HTML text). A drill still
/// running (short of its horizon) is refused unless `force`
/// ([`still_running`] says why); a forced review returns that reason
/// beside the HTML, for the caller to warn with.
pub fn review(dir: &Path, force: bool) -> Result<(String, Option<String>), DrillError> {
    let seal: Seal = read_json(&dir.join("seal.json"))?;
    let seed = read_seed(dir)?;
    let seed_sha = sha256_hex(&seed);
    let seal_ok = seed_sha == seal.seed_sha256;
    if !seal_ok {
        return Err(DrillError::Bad(format!(
            "{}: the seed's SHA-256 {seed_sha} does not match seal.json ({})",
            dir.join("secret/seed").display(),
            seal.seed_sha256
        )));
    }
    let session = Session::open(dir)?;
    let running = still_running(&session);
    if let Some(why) = &running
        && !force
    {
        return Err(DrillError::Bad(format!("{}: {why}", dir.display())));
    }
    let end = session.now();
    let realised = crate::template::realise(&session.template, &seed).map_err(DrillError::Load)?;
    let template_name = session.template.template.name.clone();
    let msel = session.msel.clone();
    let hoaxes = session.hoaxes.clone();
    let runs = session.into_runs();
    // The counterfactual: the plan's default policy, no orders, same time.
    let mut cf = standard_sim(Arc::new(realised), 0);
    while cf.now().0 < end && !cf.finished() {
        cf.step();
    }
    let cf = cf.finish();
    let cf_summary = summarize_to(&cf, end);
    let cf_hours = crew_hours(&cf.events, end);
    let cf_scores = Scores {
        warning: warning_score(&cf),
        mobilisation: None,
        command: None,
        resources: Some(100.0),
        restoration: restoration(&cf_summary),
    };

    let mut h = String::new();
    let w = &mut h;
    let _ = write!(
        w,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>Drill review</title><style>body{{font-family:sans-serif;max-width:70em;margin:1em auto}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;font-size:13px}}\
         .ok{{color:#070}}.bad{{color:#b00}}.nr{{color:#666}}</style></head><body>\
         <h1>After-action review: {}</h1>",
        esc(&template_name)
    );
    let _ = write!(
        w,
        "<h2>Seal</h2><p>Seed (revealed): <code id=\"seed\">{}</code><br>SHA-256 of the seed: <code>{seed_sha}</code><br>\
         seal.json: <code>{}</code> — <b class=\"ok\" id=\"seal\">matches</b></p>\
         <p>Anyone can check: <code>sha256(seed bytes)</code> equals the published seal, and realising the template with this seed gives the scenario below.</p>",
        hex::encode(seed),
        seal.seed_sha256
    );
    let _ = write!(
        w,
        "<h2>Scenario</h2><p>{}; played to {} (h:mm) of {} h.</p><pre>{}</pre>",
        esc(&cf.scenario.name),
        hm(end),
        cf.scenario.file.horizon_h.0,
        esc(&serde_json::to_string_pretty(&serde_json::json!({
            "hazards": cf.scenario.file.hazards,
            "injects": cf.scenario.file.injects,
        }))
        .unwrap_or_default())
    );

    // The master scenario events list as the controller left it.
    let _ = write!(
        w,
        "<h2>主情景事件清单 (MSEL) Master scenario events list</h2><table id=\"msel\">\
         <tr><th>#</th><th>计划时间 planned</th><th>注入 inject</th><th>加入 added</th><th>状态 status</th></tr>"
    );
    for m in &msel {
        let status = match (m.fired_s, m.deleted_s) {
            (Some(f), _) => format!("已触发 fired at {}", hm(f)),
            (None, Some(d)) => format!("已删除 deleted at {}", hm(d)),
            (None, None) => "未触发 not fired".into(),
        };
        let _ = write!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            m.id,
            hm(m.fire_s),
            esc(&serde_json::to_string(&m.inject).unwrap_or_default()),
            hm(m.added_s),
            esc(&status)
        );
    }
    if msel.is_empty() {
        let _ = write!(w, "<tr><td colspan=\"5\">无 none</td></tr>");
    }
    let _ = write!(w, "</table>");
    if !hoaxes.is_empty() {
        let _ = write!(
            w,
            "<h2>谣言与虚假报警 Rumours and hoax calls</h2><p>各队收到的、没有真实情况支持的群众来电 \
             (calls from the public that no truth backed).</p><table id=\"hoaxes\">\
             <tr><th>时间 time</th><th>队伍 team</th><th>来电内容 the caller said</th></tr>"
        );
        for h in &hoaxes {
            let _ = write!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                hm(h.at_s),
                h.team,
                esc(&serde_json::to_string(&h.hoax).unwrap_or_default())
            );
        }
        let _ = write!(w, "</table>");
    }

    // Scores and targets across teams.
    let summaries: Vec<Summary> = runs.iter().map(|t| summarize_to(&t.run, end)).collect();
    let all_scores: Vec<Scores> = runs
        .iter()
        .zip(&summaries)
        .map(|(t, s)| scores(t, s, cf_hours, end))
        .collect();
    let _ = write!(
        w,
        "<h2>Scores</h2><table id=\"scores\"><tr><th></th><th>warning &amp; reporting timeliness</th>\
         <th>mobilisation</th><th>command &amp; coordination</th><th>resource use</th><th>restoration vs targets</th></tr>"
    );
    for (t, s) in runs.iter().zip(&all_scores) {
        let _ = write!(
            w,
            "<tr><th>team {}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            t.n,
            fmt_score(s.warning),
            fmt_score(s.mobilisation),
            fmt_score(s.command),
            fmt_score(s.resources),
            fmt_score(s.restoration)
        );
    }
    let _ = write!(
        w,
        "<tr><th>plan's default policy</th><td>{}</td><td>—</td><td>—</td><td>100 (reference)</td><td>{}</td></tr></table>\
         <p>How each score is computed: warning — share of hazard-reached zones (named by an evacuation rule) warned before the hazard arrived; \
         mobilisation — 100 × max(0, 1 − median(first report → first dispatch order) / 2 h); command — share of reported incidents that got a dispatch order; \
         resource use — crew-hours on tasks relative to the default policy's, capped at 100; restoration — share of targets met, of those whose deadline lies within the drill (a target due after the drill's horizon is shown as not reached in the drill, 未在演练时长内达到, never as missed, and is left out).</p>",
        fmt_score(cf_scores.warning),
        fmt_score(cf_scores.restoration)
    );

    let _ = write!(
        w,
        "<h2>Targets</h2><table id=\"targets\"><tr><th>target</th><th>deadline h</th>"
    );
    for t in &runs {
        let _ = write!(w, "<th>team {}</th>", t.n);
    }
    let _ = write!(w, "<th>default policy</th></tr>");
    for (i, tgt) in cf_summary.targets.iter().enumerate() {
        let _ = write!(
            w,
            "<tr><td>{}</td><td>{}</td>",
            esc(&tgt.name),
            tgt.deadline_h
        );
        for s in summaries.iter().chain(std::iter::once(&cf_summary)) {
            let cell = s.targets.get(i).map_or("–".to_string(), target_cell);
            let _ = write!(w, "<td>{cell}</td>");
        }
        let _ = write!(w, "</tr>");
    }
    let _ = write!(w, "</table>");

    for (t, s) in runs.iter().zip(&summaries) {
        let _ = write!(w, "<h2>Team {}</h2>", t.n);
        if let Ok(fig) = qilian_viewer::charts::restoration(&t.run, s) {
            let _ = write!(
                w,
                "<figure>{}<figcaption>{}</figcaption></figure>",
                fig.inline_svg(),
                esc(&fig.title)
            );
        }
        let _ = write!(
            w,
            "<h3>Decision latency</h3><table><tr><th>incident (task)</th><th>first report</th><th>first dispatch order</th><th>latency</th></tr>"
        );
        for (task, r, o) in latencies(&t.reports, &t.orders) {
            let _ = write!(
                w,
                "<tr><td>{task}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                hm(r),
                o.map_or("none".into(), hm),
                o.map_or("—".into(), |o| format!(
                    "{:.0} min",
                    o.saturating_sub(r) as f64 / 60.0
                ))
            );
        }
        let _ = write!(
            w,
            "</table><h3>Timeline (truth, reports, orders)</h3><table><tr><th>time</th><th>what</th><th>entry</th></tr>"
        );
        let mut rows: Vec<(u64, u8, String, String)> = Vec::new();
        // Sentences as the consoles and the report write them, Chinese
        // with English beside; the reports' narrators know only the tasks
        // the team was told of.
        let sc = &t.run.scenario;
        let mut truth = Narrators::new(sc);
        let mut told = Narrators::new(sc);
        for e in &t.run.events {
            if matches!(
                e.kind,
                EventKind::CrewRerouted { .. } | EventKind::CrewReturned { .. }
            ) {
                continue;
            }
            rows.push((e.t_s, 0, "truth 真实".into(), truth.say(e)));
        }
        for r in &t.reports {
            rows.push((
                r.t_s,
                1,
                format!("report 报告 ({:?})", r.source),
                told.say(&r.event),
            ));
        }
        for o in &t.orders {
            rows.push((
                o.at_s,
                2,
                format!("order #{}", o.order_id),
                serde_json::to_string(&o.order).unwrap_or_default(),
            ));
        }
        rows.sort_by_key(|r| (r.0, r.1));
        for (ts, _, what, text) in rows.iter().take(2000) {
            let _ = write!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                hm(*ts),
                esc(what),
                esc(text)
            );
        }
        let _ = write!(w, "</table>");
        if rows.len() > 2000 {
            let _ = write!(w, "<p>{} more rows not shown.</p>", rows.len() - 2000);
        }
    }
    if let Ok(fig) = qilian_viewer::charts::restoration(&cf, &cf_summary) {
        let _ = write!(
            w,
            "<h2>Counterfactual: the plan's default policy</h2><figure>{}<figcaption>{}</figcaption></figure>",
            fig.inline_svg(),
            esc(&fig.title)
        );
    }
    let _ = writeln!(w, "</body></html>");
    Ok((h, running))
}

/// An event in Chinese with the English beside (the viewer's narrators).
struct Narrators {
    zh: Narrator,
    en: Narrator,
}

impl Narrators {
    fn new(scenario: &qilian_engine::Scenario) -> Narrators {
        Narrators {
            zh: Narrator::new(scenario, Lang::ZhCn),
            en: Narrator::new(scenario, Lang::En),
        }
    }

    fn say(&mut self, e: &SimEvent) -> String {
        format!("{} / {}", self.zh.sentence(e), self.en.sentence(e))
    }
}
