//! `report.html`: one self-contained after-action report, in zh-CN or
//! English (every word from `qilian-i18n`'s catalogue). SVG figures are
//! inlined (their text drawn as outlines), the stylesheet is inline, and a
//! page with Chinese text carries the embedded CJK font as a data URI, so
//! the file can be mailed, archived and opened offline on a machine with no
//! CJK fonts. The run report's timeline has a small inline script (filter
//! by kind and by text); without JavaScript every row shows.
//!
//! - [`run_report`]: a single run — scenario, plan, targets met or missed,
//!   charts, maps at key hours, a timeline of key events and the KPIs;
//! - [`stress_report`]: a stress run — P(met) with intervals, restoration
//!   times, fan chart, risk maps, KPI percentiles;
//! - [`compare_report`]: two plans on common random numbers.
//!
//! A Content-Security-Policy forbids every fetch and every script but the
//! page's own inline one, so a browser reports any attempt as a console
//! error (the end-to-end browser test fails on those).
//!
//! The figures are rendered by the caller (the same ones it writes as files)
//! and passed in, in the order they should appear.

use crate::events::{KINDS, Narrator, kind_id, kind_label};
use crate::figure::{Figure, label};
use qilian_engine::RunResult;
use qilian_evaluator::stress::{Comparison, Diff, StressReport};
use qilian_evaluator::{Summary, Verdict};
use qilian_i18n::clock::Clock;
use qilian_i18n::{Lang, t, text};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Timeline rows shown before the rest are summarised (journal.jsonl has
/// every event).
const TIMELINE_ROWS: usize = 5000;

/// The timeline's filter: by kind and by text, hiding hours left empty.
const FILTER_JS: &str = "(function(){var k=document.getElementById('tl-kind'),q=document.getElementById('tl-q'),n=document.getElementById('tl-n');
function run(){var kv=k.value,qv=q.value.trim().toLowerCase(),shown=0;
document.querySelectorAll('#tl tbody').forEach(function(b){var any=0;
b.querySelectorAll('tr[data-k]').forEach(function(r){var ok=(!kv||r.dataset.k===kv)&&(!qv||r.textContent.toLowerCase().indexOf(qv)>=0);r.hidden=!ok;if(ok){any++;shown++;}});
b.hidden=!any;});n.textContent=shown;}
k.addEventListener('change',run);q.addEventListener('input',run);run();})();";

const CSS: &str = "
body{font-family:'Qilian Sans','Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:0;color:#222;background:#fafafa}
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
#tl tbody tr.hour th{background:#1f3b57;color:#fff;text-align:left}
#tl td.kind{white-space:nowrap;color:#1f3b57}
.filter{margin:8px 0;font-size:14px}
.filter input,.filter select{font:inherit;margin-right:12px}
";

/// Standard base64 of `bytes`, for a data URI.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether text needs the CJK font (any character from U+2E80 on).
fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| c >= '\u{2E80}')
}

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
    lang: Lang,
}

/// Where the page's `@font-face` goes once the whole page is known.
const FONT_SLOT: &str = "/*qilian-font*/";

impl Page {
    fn new(lang: Lang, title: &str, lines: &[String], nav: &[(&str, &str)]) -> Page {
        let mut html = String::new();
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; font-src data:; script-src 'unsafe-inline'\">\n\
             <title>{}</title>\n<style>{FONT_SLOT}{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
            lang.code(),
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
        Page { html, lang }
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
            "</main>\n<footer>{}</footer>\n</body>\n</html>\n",
            esc(&t!(self.lang, "report.footer", version = version))
        );
        let font = if has_cjk(&self.html) {
            format!(
                "@font-face{{font-family:'Qilian Sans';src:url(data:font/woff2;base64,{}) format('woff2')}}\n",
                base64(crate::fonts::WOFF2)
            )
        } else {
            String::new()
        };
        // In place: a report inlines its figures, so a copy of it is not small.
        if let Some(i) = self.html.find(FONT_SLOT) {
            self.html.replace_range(i..i + FONT_SLOT.len(), &font);
        }
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
    qilian_i18n::count(v)
}

/// A restoration target's name ("供电", "power").
pub fn target_name(lang: Lang, name: &str) -> String {
    let key = match name {
        "power" => "target.power",
        "water" => "target.water",
        "telecom" => "target.telecom",
        "main_roads" => "target.main_roads",
        "cleanup" => "target.cleanup",
        other => return label(other),
    };
    text(lang, key).to_string()
}

/// A casualty cause's name ("地震", "earthquake").
fn cause_name(lang: Lang, cause: &str) -> String {
    let key = match cause {
        "chemical" => "cause.chemical",
        "earthquake" => "cause.earthquake",
        "fire" => "cause.fire",
        "flood" => "cause.flood",
        "road" => "cause.road",
        other => return label(other),
    };
    text(lang, key).to_string()
}

/// A life-safety outcome's name (`qilian_evaluator::stress::LIFE_SAFETY`).
pub fn outcome_name(lang: Lang, name: &str) -> String {
    let key = match name {
        "deaths" => "outcome.deaths",
        "injuries" => "outcome.injuries",
        "rescued" => "outcome.rescued",
        "exposed" => "outcome.exposed",
        "evacuated_50pct_h" => "outcome.evacuated_50pct_h",
        "evacuated_90pct_h" => "outcome.evacuated_90pct_h",
        "evacuated_100pct_h" => "outcome.evacuated_100pct_h",
        other => return other.to_string(),
    };
    text(lang, key).to_string()
}

/// The run's deaths, injuries, trapped and rescued people by cause, and
/// its evacuation, before anything else in the report.
fn life_safety_of_run(page: &mut Page, summary: &Summary) {
    let l = page.lang;
    page.h2("life", text(l, "report.life"));
    let Some(c) = summary.kpis.get("casualties") else {
        page.p("note", text(l, "report.no_casualty_model"));
        return;
    };
    let n = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    page.p(
        "note",
        &t!(
            l,
            "report.life_sentence",
            deaths = count(n(c, "deaths")),
            injuries = count(n(c, "injuries")),
            trapped = count(n(c, "trapped")),
            rescued = count(n(c, "rescued")),
            died_trapped = count(n(c, "died_trapped")),
            still_trapped = count(n(c, "still_trapped"))
        ),
    );
    if let Some(Value::Object(by)) = c.get("by_cause") {
        let rows: Vec<Vec<(&str, String)>> = by
            .iter()
            .filter(|(_, v)| n(v, "affected") > 0.0)
            .map(|(cause, v)| {
                vec![
                    ("", cause_name(l, cause)),
                    ("num", count(n(v, "affected"))),
                    ("num", count(n(v, "deaths"))),
                    ("num", count(n(v, "injuries"))),
                    ("num", count(n(v, "trapped"))),
                ]
            })
            .collect();
        if rows.is_empty() {
            page.p("note", text(l, "report.nobody_caught"));
        } else {
            page.table(
                &[
                    text(l, "report.col.cause"),
                    text(l, "report.col.affected"),
                    text(l, "outcome.deaths"),
                    text(l, "outcome.injuries"),
                    text(l, "report.col.trapped"),
                ],
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
            &t!(
                l,
                "report.evacuation_sentence",
                people = count(n(e, "people")),
                vehicles = count(n(e, "vehicles")),
                sheltered = count(n(e, "sheltered")),
                exposed = count(n(e, "exposed")),
                t50 = h("t50_h"),
                t90 = h("t90_h"),
                t100 = h("t100_h")
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

/// A timeline row: kind index, time, kind id, local time, sentence.
type Row = (usize, u64, &'static str, String, String);

/// The timeline: every event as a sentence at its local time, grouped by
/// hour and, within an hour, by kind; a filter by kind and by text above it.
fn timeline(page: &mut Page, run: &RunResult) {
    let l = page.lang;
    let mut narrator = Narrator::new(&run.scenario, l);
    // Hour → rows (kind index, t, kind id, local time, sentence).
    let mut hours: BTreeMap<u64, Vec<Row>> = BTreeMap::new();
    let mut per_kind = [0usize; KINDS.len()];
    let mut shown = 0usize;
    for e in &run.events {
        if shown >= TIMELINE_ROWS {
            // Past the rows shown, only what later sentences need is kept.
            narrator.learn(e);
            continue;
        }
        let sentence = narrator.sentence(e);
        shown += 1;
        let id = kind_id(&e.kind);
        let ix = KINDS.iter().position(|k| *k == id).unwrap_or(0);
        per_kind[ix] += 1;
        hours.entry(e.t_s / 3600).or_default().push((
            ix,
            e.t_s,
            id,
            narrator.clock().time(e.t_s),
            sentence,
        ));
    }
    if run.events.is_empty() {
        page.p("note", text(l, "report.no_events"));
        return;
    }
    let clock: &Clock = narrator.clock();
    page.html.push_str("<div class=\"filter\">");
    let _ = write!(
        page.html,
        "<label>{} <select id=\"tl-kind\"><option value=\"\">{}</option>",
        esc(text(l, "report.filter_kind")),
        esc(text(l, "report.filter_all"))
    );
    for (ix, k) in KINDS.iter().enumerate() {
        if per_kind[ix] > 0 {
            let _ = write!(
                page.html,
                "<option value=\"{k}\">{} ({})</option>",
                esc(&kind_label(l, k)),
                per_kind[ix]
            );
        }
    }
    let _ = writeln!(
        page.html,
        "</select></label><label>{} <input id=\"tl-q\" type=\"search\"></label>{}</div>",
        esc(text(l, "report.filter_text")),
        t!(
            l,
            "report.filter_shown",
            n = "<span id=\"tl-n\"></span>",
            total = shown
        )
    );
    page.html.push_str("<table id=\"tl\">\n");
    for (hour, mut rows) in hours {
        rows.sort_by_key(|r| (r.0, r.1));
        let t0 = hour * 3600;
        let _ = writeln!(
            page.html,
            "<tbody><tr class=\"hour\"><th colspan=\"3\">{} {}–{} · {}</th></tr>",
            esc(&clock.day(l, t0)),
            clock.time(t0),
            clock.time(t0 + 3600),
            esc(&t!(l, "report.events_count", n = rows.len()))
        );
        for (_, _, id, time, sentence) in rows {
            let _ = writeln!(
                page.html,
                "<tr data-k=\"{id}\"><td class=\"num\">{time}</td><td class=\"kind\">{}</td><td>{}</td></tr>",
                esc(&kind_label(l, id)),
                esc(&sentence)
            );
        }
        page.html.push_str("</tbody>\n");
    }
    page.html.push_str("</table>\n");
    if run.events.len() > shown {
        page.p(
            "note",
            &t!(l, "report.more_events", n = run.events.len() - shown),
        );
    }
    let _ = writeln!(page.html, "<script>{FILTER_JS}</script>");
}

/// The report of one run, in `lang`. `charts`, `hazard_maps` (one per
/// hazard footprint; the section is left out when there are none) and
/// `maps` are shown in order; `maps` are laid out two by two.
pub fn run_report(
    lang: Lang,
    run: &RunResult,
    summary: &Summary,
    charts: &[Figure],
    hazard_maps: &[Figure],
    maps: &[Figure],
) -> String {
    let l = lang;
    let s = &run.scenario;
    let clock = Clock::new(s.file.start.as_deref());
    let mut lines = vec![
        t!(l, "report.plan", plan = s.plan.name),
        t!(
            l,
            "report.region",
            region = s.region.name,
            zones = s.region.zones.len(),
            facilities = s.region.facilities.len(),
            links = s.region.edges.len()
        ),
    ];
    if clock.has_date() {
        lines.push(t!(l, "report.start", start = clock.full(l, 0)));
    }
    lines.extend([
        t!(
            l,
            "report.seed",
            seed = run.seed,
            replicate = run.replicate,
            horizon = summary.horizon_h,
            tick = s.tick_s(),
            onset = summary
                .onset_h
                .map_or(text(l, "report.no_onset").to_string(), |h| {
                    let t_s = (h * 3600.0).round() as u64;
                    t!(
                        l,
                        "report.onset_at",
                        h = format!("{h:.2}"),
                        time = clock.datetime(l, t_s)
                    )
                })
        ),
        t!(l, "report.sha", sha = summary.scenario_sha256),
    ]);
    let mut nav = vec![
        ("life", text(l, "report.life")),
        ("targets", text(l, "report.targets")),
        ("charts", text(l, "report.charts")),
    ];
    if !hazard_maps.is_empty() {
        nav.push(("hazards", text(l, "report.hazards")));
    }
    nav.extend([
        ("maps", text(l, "report.maps")),
        ("timeline", text(l, "report.timeline")),
        ("kpis", text(l, "report.kpis")),
    ]);
    let mut page = Page::new(l, &t!(l, "report.run_title", name = s.name), &lines, &nav);
    life_safety_of_run(&mut page, summary);
    page.h2("targets", text(l, "report.targets"));
    let met = summary.targets.iter().filter(|t| t.met).count();
    page.p(
        "note",
        &t!(
            l,
            "report.targets_note",
            met = met,
            n = summary.targets.len(),
            fraction = summary.targets.first().map_or(1.0, |t| t.fraction)
        ),
    );
    let rows: Vec<Vec<(&str, String)>> = summary
        .targets
        .iter()
        .map(|tg| {
            vec![
                ("", target_name(l, &tg.name)),
                ("num", format!("{} h", tg.deadline_h)),
                ("num", hours(tg.met_at_h)),
                match tg.verdict {
                    Verdict::Met => ("met", text(l, "verdict.met").to_string()),
                    Verdict::Missed => ("missed", text(l, "verdict.missed").to_string()),
                    Verdict::NotReachedByHorizon => {
                        ("", text(l, "verdict.not_reached").to_string())
                    }
                },
            ]
        })
        .collect();
    page.table(
        &[
            text(l, "report.col.target"),
            text(l, "report.col.deadline"),
            text(l, "report.col.met_at"),
            text(l, "report.col.result"),
        ],
        &rows,
    );
    page.h2("charts", text(l, "report.charts"));
    for f in charts {
        page.figure(f);
    }
    if !charts.iter().any(|f| f.name == "chart-evacuation") {
        page.p("note", text(l, "report.no_evacuation"));
    }
    if !hazard_maps.is_empty() {
        page.h2("hazards", text(l, "report.hazard_footprints"));
        for f in hazard_maps {
            page.figure(f);
        }
    }
    page.h2("maps", text(l, "report.maps_at_key_hours"));
    page.grid(&maps.iter().collect::<Vec<_>>());
    page.h2("timeline", text(l, "report.timeline"));
    timeline(&mut page, run);
    page.h2("kpis", text(l, "report.kpis"));
    let rows: Vec<Vec<(&str, String)>> = qilian_evaluator::kpi_leaves(&summary.kpis)
        .into_iter()
        .map(|(k, v)| (k, kpi_text(v)))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(k, v)| vec![("", k), ("num", v)])
        .collect();
    page.table(
        &[text(l, "report.col.kpi"), text(l, "report.col.value")],
        &rows,
    );
    page.finish(&summary.version)
}

/// The report of a stress run, in `lang`: figures are the P(met) bars, the
/// fan chart and the risk maps, in order.
pub fn stress_report(lang: Lang, r: &StressReport, figures: &[Figure]) -> String {
    let l = lang;
    let m = &r.meta;
    let lines = vec![
        t!(l, "report.plan", plan = m.plan),
        t!(l, "report.replicates", runs = m.runs, seed = m.seed),
        t!(l, "report.sha", sha = m.scenario_sha256),
    ];
    let mut page = Page::new(
        l,
        &t!(l, "report.stress_title", name = m.scenario),
        &lines,
        &[
            ("life", text(l, "report.life")),
            ("targets", text(l, "report.targets")),
            ("figures", text(l, "report.charts_and_maps")),
            ("kpis", text(l, "report.kpis")),
        ],
    );
    page.h2("life", text(l, "report.life"));
    let rows: Vec<Vec<(&str, String)>> = r
        .life_safety
        .iter()
        .map(|o| {
            vec![
                ("", outcome_name(l, &o.name)),
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
    page.p("note", &t!(l, "report.stress_life_note", runs = m.runs));
    page.table(
        &[
            text(l, "report.col.outcome"),
            text(l, "report.col.mean"),
            text(l, "report.col.ci95"),
            "P10",
            "P50",
            "P90",
        ],
        &rows,
    );
    page.h2("targets", text(l, "report.chance_of_targets"));
    let rows: Vec<Vec<(&str, String)>> = r
        .targets
        .iter()
        .map(|tg| {
            vec![
                ("", target_name(l, &tg.name)),
                ("num", format!("{} h", tg.deadline_h)),
                ("num", format!("{:.3}", tg.p_met)),
                (
                    "num",
                    format!("{:.3}–{:.3}", tg.p_met_ci95[0], tg.p_met_ci95[1]),
                ),
                ("num", hours(tg.met_at_h.p10)),
                ("num", hours(tg.met_at_h.p50)),
                ("num", hours(tg.met_at_h.p90)),
                ("num", format!("{:.3}", tg.p_not_reached_by_horizon)),
            ]
        })
        .collect();
    page.table(
        &[
            text(l, "report.col.target"),
            text(l, "report.col.deadline"),
            "P(met)",
            text(l, "report.col.wilson"),
            text(l, "report.col.met_at_p10"),
            "P50",
            "P90",
            text(l, "report.col.p_not_reached"),
        ],
        &rows,
    );
    page.p("note", text(l, "report.stress_targets_note"));
    page.h2("figures", text(l, "report.charts_and_maps"));
    for f in figures {
        page.figure(f);
    }
    page.h2("kpis", text(l, "report.kpis_over_replicates"));
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
    page.table(&[text(l, "report.col.kpi"), "P10", "P50", "P90"], &rows);
    page.finish(&m.version)
}

fn diff(d: &Option<Diff>) -> String {
    match d {
        Some(d) => format!("{:+.3} ({:+.3} to {:+.3})", d.mean, d.lo, d.hi),
        None => "—".into(),
    }
}

/// The report of a plan comparison, in `lang`: figures are the comparison
/// chart, then each plan's fan chart, in order. The verdict's statements
/// are the evaluator's (English).
pub fn compare_report(lang: Lang, c: &Comparison, figures: &[Figure], version: &str) -> String {
    let l = lang;
    let lines = vec![
        t!(l, "report.plans_ab", a = c.plan_a, b = c.plan_b),
        t!(l, "report.crn", runs = c.runs, seed = c.seed),
    ];
    let mut page = Page::new(
        l,
        &t!(l, "report.compare_title", name = c.scenario),
        &lines,
        &[
            ("verdict", text(l, "report.verdict")),
            ("targets", text(l, "report.targets")),
            ("figures", text(l, "report.charts")),
            ("kpis", text(l, "report.kpis")),
        ],
    );
    page.h2("verdict", text(l, "report.verdict"));
    page.html.push_str("<ul>\n");
    for s in &c.statements {
        let _ = writeln!(page.html, "<li>{}</li>", esc(s));
    }
    page.html.push_str("</ul>\n");
    page.h2("targets", text(l, "report.targets"));
    let rows: Vec<Vec<(&str, String)>> = c
        .targets
        .iter()
        .map(|tg| {
            vec![
                ("", target_name(l, &tg.name)),
                ("num", format!("{:.3}", tg.p_met_a)),
                ("num", format!("{:.3}", tg.p_met_b)),
                ("num", diff(&tg.met)),
                ("num", diff(&tg.met_at_h)),
            ]
        })
        .collect();
    page.table(
        &[
            text(l, "report.col.target"),
            "P(met) A",
            "P(met) B",
            text(l, "report.col.met_diff"),
            text(l, "report.col.met_at_diff"),
        ],
        &rows,
    );
    page.h2("figures", text(l, "report.charts"));
    for f in figures {
        page.figure(f);
    }
    page.h2("kpis", text(l, "report.kpis_diff"));
    let rows: Vec<Vec<(&str, String)>> = c
        .kpis
        .iter()
        .map(|(k, d)| vec![("", k.clone()), ("num", diff(&Some(d.clone())))])
        .collect();
    page.table(
        &[text(l, "report.col.kpi"), text(l, "report.col.mean_ci")],
        &rows,
    );
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
