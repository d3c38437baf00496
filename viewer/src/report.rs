//! `report.html`: one self-contained after-action report. SVG figures are
//! inlined, the stylesheet is inline, and nothing is fetched from the network
//! or needs JavaScript, so the file can be mailed, archived and opened
//! offline.
//!
//! - [`run_report`]: a single run — scenario, plan, targets met or missed,
//!   charts, maps at key hours, a timeline of key events and the KPIs;
//! - [`stress_report`]: a stress run — P(met) with intervals, restoration
//!   times, fan chart, risk maps, KPI percentiles;
//! - [`compare_report`]: two plans on common random numbers.
//!
//! A Content-Security-Policy forbids every fetch and every script, so a
//! browser reports any attempt as a console error (the end-to-end browser
//! test fails on those).
//!
//! The figures are rendered by the caller (the same ones it writes as files)
//! and passed in, in the order they should appear.

use crate::figure::{Figure, label};
use qilian_engine::{EventKind, RunResult, Scenario, SimEvent, SimTime};
use qilian_evaluator::stress::{Comparison, Diff, StressReport, outcome_label};
use qilian_evaluator::{Summary, Verdict};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Timeline rows shown before the rest are summarised.
const TIMELINE_ROWS: usize = 250;

const CSS: &str = "
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3b57;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px 0;font-size:24px}
header p{margin:2px 0;font-size:14px;opacity:.9}
nav{padding:8px 28px;background:#e8eef4;font-size:14px}
nav a{margin-right:14px;color:#1f3b57}
main{padding:8px 28px 40px 28px;max-width:1300px}
h2{border-bottom:2px solid #1f3b57;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:14px;margin:8px 0}
th,td{border:1px solid #ccc;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#eef2f6}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.met{color:#0a7a3f;font-weight:bold}
.missed{color:#b3261e;font-weight:bold}
.note{color:#555;font-size:13px}
figure{margin:12px 0;background:#fff;border:1px solid #ddd;padding:8px;display:inline-block;max-width:100%}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:13px;color:#444;margin-top:4px}
.grid{display:flex;flex-wrap:wrap;gap:12px}
.grid figure{max-width:48%}
footer{font-size:12px;color:#666;padding:12px 28px}
";

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

struct Page {
    html: String,
}

impl Page {
    fn new(title: &str, lines: &[String], nav: &[(&str, &str)]) -> Page {
        let mut html = String::new();
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
            esc(title),
            esc(title)
        );
        for l in lines {
            let _ = writeln!(html, "<p>{}</p>", esc(l));
        }
        html.push_str("</header>\n<nav>");
        for (id, name) in nav {
            let _ = write!(html, "<a href=\"#{id}\">{}</a>", esc(name));
        }
        html.push_str("</nav>\n<main>\n");
        Page { html }
    }

    fn h2(&mut self, id: &str, title: &str) {
        let _ = writeln!(self.html, "<h2 id=\"{id}\">{}</h2>", esc(title));
    }

    fn p(&mut self, class: &str, text: &str) {
        let _ = writeln!(self.html, "<p class=\"{class}\">{}</p>", esc(text));
    }

    fn figure(&mut self, f: &Figure) {
        let _ = writeln!(
            self.html,
            "<figure id=\"{}\">\n{}\n<figcaption>{} ({0}.svg, {0}.png)</figcaption>\n</figure>",
            esc(&f.name),
            f.inline_svg().trim_end(),
            esc(&f.title)
        );
    }

    fn grid(&mut self, figs: &[&Figure]) {
        self.html.push_str("<div class=\"grid\">\n");
        for f in figs {
            self.figure(f);
        }
        self.html.push_str("</div>\n");
    }

    /// A table: header cells, then rows of (class, text) cells.
    fn table(&mut self, head: &[&str], rows: &[Vec<(&str, String)>]) {
        self.html.push_str("<table>\n<tr>");
        for h in head {
            let _ = write!(self.html, "<th>{}</th>", esc(h));
        }
        self.html.push_str("</tr>\n");
        for r in rows {
            self.html.push_str("<tr>");
            for (class, text) in r {
                if class.is_empty() {
                    let _ = write!(self.html, "<td>{}</td>", esc(text));
                } else {
                    let _ = write!(self.html, "<td class=\"{class}\">{}</td>", esc(text));
                }
            }
            self.html.push_str("</tr>\n");
        }
        self.html.push_str("</table>\n");
    }

    fn finish(mut self, version: &str) -> String {
        let _ = write!(
            self.html,
            "</main>\n<footer>Qilian {} · self-contained report: figures are inline SVG; \
             the same figures are written beside it as SVG and PNG.</footer>\n</body>\n</html>\n",
            esc(version)
        );
        self.html
    }
}

fn hours(h: Option<f64>) -> String {
    h.map_or("—".to_string(), |h| format!("{h:.1} h"))
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

/// A whole number of people with thousands separated (`1,131,000`);
/// anything else as [`num`] prints it.
fn count(v: f64) -> String {
    if v.fract() != 0.0 || v.abs() >= 1e15 {
        return num(v);
    }
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

/// The run's deaths, injuries, trapped and rescued people by cause, and
/// its evacuation, before anything else in the report.
fn life_safety_of_run(page: &mut Page, summary: &Summary) {
    page.h2("life", "Life safety");
    let Some(c) = summary.kpis.get("casualties") else {
        page.p(
            "note",
            "This run has no casualty model (no population at risk).",
        );
        return;
    };
    let n = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    page.p(
        "note",
        &format!(
            "{} deaths and {} injuries; {} people trapped, of whom {} were rescued alive, {} died waiting and {} were still trapped at the end.",
            count(n(c, "deaths")),
            count(n(c, "injuries")),
            count(n(c, "trapped")),
            count(n(c, "rescued")),
            count(n(c, "died_trapped")),
            count(n(c, "still_trapped"))
        ),
    );
    if let Some(Value::Object(by)) = c.get("by_cause") {
        let rows: Vec<Vec<(&str, String)>> = by
            .iter()
            .filter(|(_, v)| n(v, "affected") > 0.0)
            .map(|(cause, v)| {
                vec![
                    ("", label(cause)),
                    ("num", count(n(v, "affected"))),
                    ("num", count(n(v, "deaths"))),
                    ("num", count(n(v, "injuries"))),
                    ("num", count(n(v, "trapped"))),
                ]
            })
            .collect();
        if rows.is_empty() {
            page.p("note", "Nobody was caught by a hazard.");
        } else {
            page.table(
                &["cause", "people affected", "deaths", "injuries", "trapped"],
                &rows,
            );
        }
    }
    if let Some(e) = summary.kpis.get("evacuation")
        && n(e, "people") > 0.0
    {
        let h = |k: &str| {
            e.get(k)
                .and_then(Value::as_f64)
                .map_or("—".into(), |x| format!("{x:.2} h"))
        };
        page.p(
            "note",
            &format!(
                "Evacuation: {} people in {} vehicles; {} sheltered, {} exposed; 50 % sheltered after {}, 90 % after {}, everyone after {} (from the first warning).",
                count(n(e, "people")),
                count(n(e, "vehicles")),
                count(n(e, "sheltered")),
                count(n(e, "exposed")),
                h("t50_h"),
                h("t90_h"),
                h("t100_h")
            ),
        );
    }
}

/// A KPI's value as the report prints it.
fn kpi_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.as_f64().map_or(n.to_string(), num),
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Zone and facility names by id, built once per report (not per event:
/// with tens of thousands of zones that was most of a report's time).
type Names<'a> = (BTreeMap<u32, &'a str>, BTreeMap<u32, &'a str>);

fn names(s: &Scenario) -> Names<'_> {
    (
        s.region
            .zones
            .iter()
            .map(|z| (z.id.0, z.name.as_str()))
            .collect(),
        s.region
            .facilities
            .iter()
            .map(|f| (f.id.0, f.name.as_str()))
            .collect(),
    )
}

/// A sentence for a key event, or `None` for crew chatter (dispatch,
/// arrival, return: those are in the Gantt chart and the journal). Event
/// kinds this viewer does not know yet are shown by their journal name.
fn describe(e: &SimEvent, (zones, facs): &Names) -> Option<String> {
    let zone = |z: u32| format!("{} (zone {z})", zones.get(&z).copied().unwrap_or("?"));
    let fac = |f: u32| format!("{} (facility {f})", facs.get(&f).copied().unwrap_or("?"));
    Some(match &e.kind {
        EventKind::FacilityDamaged { facility, state } => {
            format!("{} damaged: {state:?}", fac(facility.0))
        }
        EventKind::FacilityRepaired { facility } => format!("{} repaired", fac(facility.0)),
        EventKind::EdgeClosed { edge, reason } => format!("road link {} closed: {reason}", edge.0),
        EventKind::EdgeDamaged { edge, reason } => {
            format!(
                "road link {} damaged, open at reduced speed: {reason}",
                edge.0
            )
        }
        EventKind::EdgeOpened { edge } => format!("road link {} open", edge.0),
        EventKind::ZoneContaminated { zone: z, reason } => {
            format!("{} needs cleanup: {reason}", zone(z.0))
        }
        EventKind::ZoneCleaned { zone: z } => format!("{} cleaned up", zone(z.0)),
        EventKind::MutualAidArrived {
            crew_kind, count, ..
        } => format!("mutual aid arrived: {count} {} crew(s)", crew_kind.name()),
        EventKind::BatteryDepleted { facility } => {
            format!("{} battery depleted", fac(facility.0))
        }
        EventKind::ServiceLost { zone: z, service } => {
            format!("{} lost {}", zone(z.0), service.name())
        }
        EventKind::ServiceRestored { zone: z, service } => {
            format!("{} has {} back", zone(z.0), service.name())
        }
        EventKind::TaskCreated { .. }
        | EventKind::CrewDispatched { .. }
        | EventKind::CrewRerouted { .. }
        | EventKind::CrewArrived { .. }
        | EventKind::TaskFinished { .. }
        | EventKind::CrewStopped { .. }
        | EventKind::CrewReturned { .. } => return None,
        // Kinds without a sentence yet (evacuation, hazards) show by their
        // journal name and fields.
        other => {
            let v = serde_json::to_value(other).ok()?;
            let kind = v.get("kind").and_then(Value::as_str).unwrap_or("event");
            let rest: Vec<String> = v
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| *k != "kind")
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            format!("{kind}: {}", rest.join(", "))
        }
    })
}

/// The report of one run. `charts`, `hazard_maps` (one per hazard
/// footprint; the section is left out when there are none) and `maps` are
/// shown in order; `maps` are laid out two by two.
pub fn run_report(
    run: &RunResult,
    summary: &Summary,
    charts: &[Figure],
    hazard_maps: &[Figure],
    maps: &[Figure],
) -> String {
    let s = &run.scenario;
    let lines = vec![
        format!("Plan: {}", s.plan.name),
        format!(
            "Region: {} — {} zones, {} facilities, {} road links",
            s.region.name,
            s.region.zones.len(),
            s.region.facilities.len(),
            s.region.edges.len()
        ),
        format!(
            "Seed {}, replicate {}, {} h simulated at {} s ticks; onset {}",
            run.seed,
            run.replicate,
            summary.horizon_h,
            s.tick_s(),
            summary
                .onset_h
                .map_or("— (no disruption)".into(), |h| format!("at {h:.2} h"))
        ),
        format!("Scenario SHA-256 {}", summary.scenario_sha256),
    ];
    let mut nav = vec![
        ("life", "Life safety"),
        ("targets", "Targets"),
        ("charts", "Charts"),
    ];
    if !hazard_maps.is_empty() {
        nav.push(("hazards", "Hazards"));
    }
    nav.extend([("maps", "Maps"), ("timeline", "Timeline"), ("kpis", "KPIs")]);
    let mut page = Page::new(&format!("After-action report: {}", s.name), &lines, &nav);
    life_safety_of_run(&mut page, summary);
    page.h2("targets", "Targets");
    let met = summary.targets.iter().filter(|t| t.met).count();
    page.p(
        "note",
        &format!(
            "{met} of {} targets met. Deadlines count from the onset (the first hazard or inject); a target is met at the exact time from which its measure stays at or above {} until the horizon; one not met by the horizon whose deadline lies past it is not reached by the horizon, not missed.",
            summary.targets.len(),
            summary.targets.first().map_or(1.0, |t| t.fraction)
        ),
    );
    let rows: Vec<Vec<(&str, String)>> = summary
        .targets
        .iter()
        .map(|t| {
            vec![
                ("", label(&t.name)),
                ("num", format!("{} h", t.deadline_h)),
                ("num", hours(t.met_at_h)),
                match t.verdict {
                    Verdict::Met => ("met", "met".to_string()),
                    Verdict::Missed => ("missed", "MISSED".to_string()),
                    Verdict::NotReachedByHorizon => ("", "not reached by the horizon".to_string()),
                },
            ]
        })
        .collect();
    page.table(
        &["target", "deadline", "met at (after onset)", "result"],
        &rows,
    );
    page.h2("charts", "Charts");
    for f in charts {
        page.figure(f);
    }
    if !charts.iter().any(|f| f.name == "chart-evacuation") {
        page.p(
            "note",
            "No evacuation in this run: the evacuation curve is not drawn.",
        );
    }
    if !hazard_maps.is_empty() {
        page.h2("hazards", "Hazard footprints");
        for f in hazard_maps {
            page.figure(f);
        }
    }
    page.h2("maps", "Maps at key hours");
    page.grid(&maps.iter().collect::<Vec<_>>());
    page.h2("timeline", "Timeline of key events");
    let names = names(s);
    let key: Vec<(u64, String)> = run
        .events
        .iter()
        .filter_map(|e| Some((e.t_s, describe(e, &names)?)))
        .collect();
    let rows: Vec<Vec<(&str, String)>> = key
        .iter()
        .take(TIMELINE_ROWS)
        .map(|(t, d)| {
            vec![
                ("num", format!("{:.2} h", SimTime(*t).hours())),
                ("", d.clone()),
            ]
        })
        .collect();
    page.table(&["time", "event"], &rows);
    if key.len() > TIMELINE_ROWS {
        page.p(
            "note",
            &format!(
                "… and {} more key events; every event is in journal.jsonl.",
                key.len() - TIMELINE_ROWS
            ),
        );
    }
    page.h2("kpis", "KPIs");
    let rows: Vec<Vec<(&str, String)>> = qilian_evaluator::kpi_leaves(&summary.kpis)
        .into_iter()
        .map(|(k, v)| (k, kpi_text(v)))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(k, v)| vec![("", k), ("num", v)])
        .collect();
    page.table(&["KPI", "value"], &rows);
    page.finish(&summary.version)
}

/// The report of a stress run: figures are the P(met) bars, the fan chart
/// and the risk maps, in order.
pub fn stress_report(r: &StressReport, figures: &[Figure]) -> String {
    let m = &r.meta;
    let lines = vec![
        format!("Plan: {}", m.plan),
        format!("{} replicates, seed {}", m.runs, m.seed),
        format!("Scenario SHA-256 {}", m.scenario_sha256),
    ];
    let mut page = Page::new(
        &format!("Stress test: {}", m.scenario),
        &lines,
        &[
            ("life", "Life safety"),
            ("targets", "Targets"),
            ("figures", "Charts and maps"),
            ("kpis", "KPIs"),
        ],
    );
    page.h2("life", "Life safety");
    let rows: Vec<Vec<(&str, String)>> = r
        .life_safety
        .iter()
        .map(|o| {
            vec![
                ("", outcome_label(&o.name).to_string()),
                ("num", o.mean.map_or("—".into(), num)),
                (
                    "num",
                    o.mean_ci95
                        .map_or("—".into(), |[a, b]| format!("{}–{}", num(a), num(b))),
                ),
                ("num", o.pcts.p10.map_or("—".into(), num)),
                ("num", o.pcts.p50.map_or("—".into(), num)),
                ("num", o.pcts.p90.map_or("—".into(), num)),
            ]
        })
        .collect();
    page.p(
        "note",
        &format!(
            "Per run, over {} replicates; evacuation times in hours after the first warning, over the runs that had an evacuation.",
            m.runs
        ),
    );
    page.table(
        &["outcome", "mean", "95 % interval", "P10", "P50", "P90"],
        &rows,
    );
    page.h2("targets", "Chance of meeting each target");
    let rows: Vec<Vec<(&str, String)>> = r
        .targets
        .iter()
        .map(|t| {
            vec![
                ("", label(&t.name)),
                ("num", format!("{} h", t.deadline_h)),
                ("num", format!("{:.3}", t.p_met)),
                (
                    "num",
                    format!("{:.3}–{:.3}", t.p_met_ci95[0], t.p_met_ci95[1]),
                ),
                ("num", hours(t.met_at_h.p10)),
                ("num", hours(t.met_at_h.p50)),
                ("num", hours(t.met_at_h.p90)),
                ("num", format!("{:.3}", t.p_not_reached_by_horizon)),
            ]
        })
        .collect();
    page.table(
        &[
            "target",
            "deadline",
            "P(met)",
            "95 % interval (Wilson)",
            "met at P10",
            "P50",
            "P90",
            "P(not reached by the horizon)",
        ],
        &rows,
    );
    page.p(
        "note",
        "Restoration times count from the onset; — means beyond the horizon in that share of runs.",
    );
    page.h2("figures", "Charts and maps");
    for f in figures {
        page.figure(f);
    }
    page.h2("kpis", "KPIs over the replicates");
    let rows: Vec<Vec<(&str, String)>> = r
        .kpis
        .iter()
        .map(|(k, p)| {
            let f = |x: Option<f64>| x.map_or("—".to_string(), num);
            vec![
                ("", k.clone()),
                ("num", f(p.p10)),
                ("num", f(p.p50)),
                ("num", f(p.p90)),
            ]
        })
        .collect();
    page.table(&["KPI", "P10", "P50", "P90"], &rows);
    page.finish(&m.version)
}

fn diff(d: &Option<Diff>) -> String {
    match d {
        Some(d) => format!("{:+.3} ({:+.3} to {:+.3})", d.mean, d.lo, d.hi),
        None => "—".into(),
    }
}

/// The report of a plan comparison: figures are the comparison chart, then
/// each plan's fan chart, in order.
pub fn compare_report(c: &Comparison, figures: &[Figure], version: &str) -> String {
    let lines = vec![
        format!("Plan A: {} · Plan B: {}", c.plan_a, c.plan_b),
        format!(
            "{} replicates on common random numbers, seed {}",
            c.runs, c.seed
        ),
    ];
    let mut page = Page::new(
        &format!("Plan comparison: {}", c.scenario),
        &lines,
        &[
            ("verdict", "Verdict"),
            ("targets", "Targets"),
            ("figures", "Charts"),
            ("kpis", "KPIs"),
        ],
    );
    page.h2("verdict", "Verdict");
    page.html.push_str("<ul>\n");
    for s in &c.statements {
        let _ = writeln!(page.html, "<li>{}</li>", esc(s));
    }
    page.html.push_str("</ul>\n");
    page.h2("targets", "Targets");
    let rows: Vec<Vec<(&str, String)>> = c
        .targets
        .iter()
        .map(|t| {
            vec![
                ("", label(&t.name)),
                ("num", format!("{:.3}", t.p_met_a)),
                ("num", format!("{:.3}", t.p_met_b)),
                ("num", diff(&t.met)),
                ("num", diff(&t.met_at_h)),
            ]
        })
        .collect();
    page.table(
        &[
            "target",
            "P(met) A",
            "P(met) B",
            "met, B − A (95 % CI)",
            "met at h, B − A (95 % CI)",
        ],
        &rows,
    );
    page.h2("figures", "Charts");
    for f in figures {
        page.figure(f);
    }
    page.h2("kpis", "KPIs, B − A");
    let rows: Vec<Vec<(&str, String)>> = c
        .kpis
        .iter()
        .map(|(k, d)| vec![("", k.clone()), ("num", diff(&Some(d.clone())))])
        .collect();
    page.table(&["KPI", "mean (95 % CI)"], &rows);
    page.finish(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
