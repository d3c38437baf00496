//! What each command's `--out` receives from the viewer, as (file name,
//! bytes) pairs in a fixed order: the CLI adds its own files and writes them
//! all atomically.
//!
//! - [`run`] (`qilian run`, `qilian demo`): `chart-restoration`,
//!   `chart-evacuation` (when the run evacuates), `chart-gantt` (when crews
//!   moved), `map-hazard-N-KIND` (one per hazard footprint: `flood`, `fire`,
//!   `plume`, `shaking`), `map-onset`, `map-onset-24h`, `map-onset-72h`,
//!   `map-end` (over the footprints, a fire's as it stood at that hour) —
//!   each as `.svg` and `.png` — then `report.html`, `zones.geojson` (with
//!   each footprint's value and class per zone), `zone-areas.geojson` (the
//!   same zones as Voronoi areas), `roads.geojson`,
//!   `facilities.geojson`, `hazards.geojson` (when there are footprints) and
//!   `zones.csv`;
//! - [`stress`] (`qilian stress`, `qilian merge`): `chart-targets`,
//!   `chart-fan`, `map-risk-power`, `map-risk-water`, `map-risk-telecom`
//!   (maps only when the region is known), `report.html`, `fan.csv`,
//!   `zone-risk.csv`, `zone-risk.geojson`;
//! - [`compare`] (`qilian compare`): `chart-compare`, `chart-fan-a`,
//!   `chart-fan-b`, `report.html`.

use crate::figure::{DrawError, Figure};
use crate::maps::HazardLayer;
use crate::{charts, csv, geojson, maps, report};
use qilian_engine::{RunResult, Scenario, Service};
use qilian_evaluator::Summary;
use qilian_evaluator::curves::{Curves, ZoneRisk, fan, zone_risk};
use qilian_evaluator::stress::{Comparison, ReplicateRow, StressReport};
use qilian_hazardlib::footprint::{Footprint, FootprintKind};
use qilian_i18n::Lang;
use rayon::prelude::*;

/// Output files: name and bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// A figure's two files, its bytes moved (not copied) into them.
fn push(files: &mut Files, f: Figure) {
    files.push((format!("{}.svg", f.name), f.svg.into_bytes()));
    files.push((format!("{}.png", f.name), f.png));
}

/// The hours the run's maps show: (file stem, hour since start, caption).
/// Onset, onset + 24 h, onset + 72 h and the end (from the start when
/// nothing was disrupted), each within the horizon.
pub fn key_hours(summary: &Summary) -> Vec<(&'static str, f64, String)> {
    use qilian_i18n::text;
    // Inside a bundle the captions follow its language (English otherwise).
    let l = crate::figure::lang();
    let end = summary.horizon_h;
    let (on, what) = match summary.onset_h {
        Some(h) => (h, text(l, "chart.onset")),
        None => (0.0, text(l, "chart.start")),
    };
    vec![
        ("map-onset", on.min(end), what.to_string()),
        (
            "map-onset-24h",
            (on + 24.0).min(end),
            format!("{what} + 24 h"),
        ),
        (
            "map-onset-72h",
            (on + 72.0).min(end),
            format!("{what} + 72 h"),
        ),
        ("map-end", end, text(l, "chart.end").to_string()),
    ]
}

/// The title of a footprint's own map, drawn at `end_h`, in `l`.
fn footprint_title(f: &Footprint, end_h: f64, l: Lang) -> String {
    use qilian_i18n::t;
    let what = match &f.kind {
        FootprintKind::FloodDepth => t!(l, "map.footprint.flood"),
        FootprintKind::FireArrival => t!(l, "map.footprint.fire", h = format!("{end_h:.0}")),
        FootprintKind::Plume { chemical, .. } => t!(
            l,
            "map.footprint.plume",
            chemical = maps::chemical_name(l, chemical)
        ),
        FootprintKind::ShakingPga => t!(l, "map.footprint.shaking"),
    };
    t!(l, "map.footprint.title", hazard = f.hazard, what = what)
}

/// The files of one run, `report.html` in `lang`. `footprints` (from
/// `qilian_models::hazard::footprint`) get a map each and are drawn under
/// every map at a key hour.
pub fn run(
    run: &RunResult,
    summary: &Summary,
    footprints: &[Footprint],
    lang: Lang,
) -> Result<Files, DrawError> {
    crate::figure::in_lang(lang, || run_in(run, summary, footprints, lang))
}

/// One figure of a run's bundle, drawn by one parallel task.
enum FigJob<'a> {
    Restoration,
    Evacuation,
    Gantt,
    Footprint(usize, &'a Footprint),
    KeyHour(&'static str, f64, String),
}

/// The run's bundle. Every figure is drawn on its own task, and the GeoJSON
/// layers and `zones.csv` beside them; the report follows the figures.
/// Results are gathered in a fixed order and no artefact reads another's
/// state, so the bytes do not depend on the number of threads.
fn run_in(
    run: &RunResult,
    summary: &Summary,
    footprints: &[Footprint],
    lang: Lang,
) -> Result<Files, DrawError> {
    let layers: Vec<HazardLayer> = footprints.iter().map(HazardLayer::of_footprint).collect();
    let end = summary.horizon_h;
    let mut jobs = vec![FigJob::Restoration, FigJob::Evacuation, FigJob::Gantt];
    jobs.extend(
        footprints
            .iter()
            .enumerate()
            .map(|(k, f)| FigJob::Footprint(k, f)),
    );
    jobs.extend(
        key_hours(summary)
            .into_iter()
            .map(|(name, h, caption)| FigJob::KeyHour(name, h, caption)),
    );
    let draw = |job: &FigJob| -> Option<Result<Figure, DrawError>> {
        crate::figure::in_lang(lang, || match job {
            FigJob::Restoration => Some(charts::restoration(run, summary)),
            FigJob::Evacuation => charts::evacuation(run),
            FigJob::Gantt => charts::gantt(run),
            FigJob::Footprint(k, f) => Some(maps::footprint_map(
                &format!("map-hazard-{}-{}", f.hazard, f.kind.slug()),
                &run.scenario,
                &layers[*k].at_hour(end),
                &footprint_title(f, end, lang),
            )),
            FigJob::KeyHour(name, h, caption) => {
                let at: Vec<HazardLayer> = layers.iter().map(|l| l.at_hour(*h)).collect();
                Some(maps::state_map(
                    name,
                    &run.scenario,
                    &run.events,
                    *h,
                    caption,
                    &at,
                ))
            }
        })
    };
    let pairs: Vec<(&Footprint, &HazardLayer)> = footprints.iter().zip(&layers).collect();
    let (figures, data) = rayon::join(
        || -> Result<(Vec<Figure>, usize, usize, String), DrawError> {
            let drawn: Vec<Option<Result<Figure, DrawError>>> = jobs.par_iter().map(draw).collect();
            let mut figs = Vec::new();
            let (mut n_charts, mut n_hazards) = (0, 0);
            for (job, f) in jobs.iter().zip(drawn) {
                let Some(f) = f else { continue };
                figs.push(f?);
                match job {
                    FigJob::Restoration | FigJob::Evacuation | FigJob::Gantt => n_charts += 1,
                    FigJob::Footprint(..) => n_hazards += 1,
                    FigJob::KeyHour(..) => {}
                }
            }
            let (charts, rest) = figs.split_at(n_charts);
            let (hazards, maps) = rest.split_at(n_hazards);
            let html = report::run_report(lang, run, summary, charts, hazards, maps);
            Ok((figs, n_charts, n_hazards, html))
        },
        || -> Result<Files, DrawError> {
            let geo = geojson::RunLayers::new(run, summary, &pairs);
            let mut names = vec![
                "zones.geojson",
                "zone-areas.geojson",
                "roads.geojson",
                "facilities.geojson",
            ];
            if !footprints.is_empty() {
                names.push("hazards.geojson");
            }
            names.push("zones.csv");
            names
                .par_iter()
                .map(|name| {
                    let bytes = match *name {
                        "zones.geojson" => geo.zones(),
                        "zone-areas.geojson" => geo.zone_areas(),
                        "roads.geojson" => geo.roads(),
                        "facilities.geojson" => geo.facilities(),
                        "hazards.geojson" => geojson::hazards(&run.scenario, &pairs),
                        _ => {
                            let mut zones = Vec::new();
                            csv::write_zones_csv(&mut zones, run, summary).map_err(io)?;
                            zones
                        }
                    };
                    Ok((name.to_string(), bytes))
                })
                .collect()
        },
    );
    let (figs, _, _, html) = figures?;
    let mut files = Files::new();
    for f in figs {
        push(&mut files, f);
    }
    files.push(("report.html".into(), html.into_bytes()));
    files.extend(data?);
    Ok(files)
}

fn io(e: std::io::Error) -> DrawError {
    DrawError {
        figure: "csv".into(),
        message: e.to_string(),
    }
}

/// A service, its deadline in hours and each zone's risk of being without
/// it past the deadline.
type Risk = (Service, f64, Vec<ZoneRisk>);

/// Per service: its deadline and each zone's chance of being without it past
/// the deadline.
pub fn risks(r: &StressReport, rows: &[ReplicateRow]) -> Vec<(Service, f64, Vec<ZoneRisk>)> {
    let curves: Vec<&Curves> = rows.iter().map(|r| &r.curves).collect();
    Service::ALL
        .iter()
        .filter_map(|s| {
            let deadline = r.targets.iter().find(|t| t.name == s.name())?.deadline_h;
            let z = zone_risk(curves.iter().copied(), *s, deadline);
            (!z.is_empty()).then_some((*s, deadline, z))
        })
        .collect()
}

/// The files of a stress run (whole or merged), `report.html` in `lang`. Maps need the region, so
/// they are drawn only when `scenario` is given.
pub fn stress(
    scenario: Option<&Scenario>,
    r: &StressReport,
    rows: &[ReplicateRow],
    lang: Lang,
) -> Result<Files, DrawError> {
    crate::figure::in_lang(lang, || stress_in(scenario, r, rows, lang))
}

fn stress_in(
    scenario: Option<&Scenario>,
    r: &StressReport,
    rows: &[ReplicateRow],
    lang: Lang,
) -> Result<Files, DrawError> {
    let horizon_h = rows
        .iter()
        .flat_map(|r| r.curves.hourly.values().map(|v| v.len()))
        .max()
        .map_or(1.0, |n| n.saturating_sub(1) as f64);
    let f = fan(rows.iter().map(|r| &r.curves));
    let risks = risks(r, rows);
    // The charts and each risk map on their own tasks, gathered in order.
    let maps: Vec<(&Scenario, &Risk)> = scenario
        .into_iter()
        .flat_map(|s| risks.iter().map(move |r| (s, r)))
        .collect();
    let figs = (0..2 + maps.len())
        .into_par_iter()
        .map(|k| {
            crate::figure::in_lang(lang, || match k {
                0 => charts::target_bars(r),
                1 => charts::fan("chart-fan", &f, &r.meta.plan, horizon_h),
                _ => {
                    let (s, (svc, deadline, z)) = maps[k - 2];
                    maps::risk_map(
                        &format!("map-risk-{}", svc.name()),
                        s,
                        z,
                        &format!("P({} out beyond {deadline} h)", svc.name()),
                    )
                }
            })
        })
        .collect::<Result<Vec<Figure>, DrawError>>()?;
    let html = report::stress_report(lang, r, &figs);
    let mut files = Files::new();
    for f in figs {
        push(&mut files, f);
    }
    files.push(("report.html".into(), html.into_bytes()));
    let mut fan_csv = Vec::new();
    csv::write_fan_csv(&mut fan_csv, &f).map_err(io)?;
    files.push(("fan.csv".into(), fan_csv));
    if let Some(s) = scenario {
        let mut risk_csv = Vec::new();
        csv::write_zone_risk_csv(&mut risk_csv, s, &risks).map_err(io)?;
        files.push(("zone-risk.csv".into(), risk_csv));
        files.push(("zone-risk.geojson".into(), geojson::zone_risk(s, &risks)));
    }
    Ok(files)
}

/// The files of a plan comparison, `report.html` in `lang`.
pub fn compare(
    c: &Comparison,
    rows_a: &[ReplicateRow],
    rows_b: &[ReplicateRow],
    horizon_h: f64,
    version: &str,
    lang: Lang,
) -> Result<Files, DrawError> {
    let figs = vec![
        charts::compare(c)?,
        charts::fan(
            "chart-fan-a",
            &fan(rows_a.iter().map(|r| &r.curves)),
            &c.plan_a,
            horizon_h,
        )?,
        charts::fan(
            "chart-fan-b",
            &fan(rows_b.iter().map(|r| &r.curves)),
            &c.plan_b,
            horizon_h,
        )?,
    ];
    let html = report::compare_report(lang, c, &figs, version);
    let mut files = Files::new();
    for f in figs {
        push(&mut files, f);
    }
    files.push(("report.html".into(), html.into_bytes()));
    Ok(files)
}
