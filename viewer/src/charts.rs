//! Charts (docs/viewer.md#charts): service restoration curves with the target deadlines,
//! the evacuation curve, a crew Gantt chart from the journal, P(target met)
//! bars with Wilson intervals, the Monte Carlo fan chart and a comparison of
//! two plans. Each returns a [`Figure`] (SVG and PNG).
//!
//! Charts draw what the data has: a curve whose series column is missing is
//! left out, and a chart with nothing to draw says "no data" (the evacuation
//! chart and the Gantt chart return `None` instead, so no empty file is
//! written).

use crate::figure::lang;
use crate::figure::{Draw, DrawError, DrawResult, Figure, bold, font, label, palette, render};
use crate::report::target_name;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use qilian_engine::{EventKind, RunResult, Scenario, SimTime, StopReason};
use qilian_evaluator::Summary;
use qilian_evaluator::curves::{CURVES, Fan};
use qilian_evaluator::stress::{Comparison, StressReport};
use qilian_i18n::{t, text};

/// The series columns of the evacuation curve, with their legend labels.
pub const EVACUATION: [(&str, &str); 3] = [
    ("evac_departed", "departed"),
    ("evac_sheltered", "sheltered"),
    ("evac_exposed", "exposed"),
];

/// A step curve of one column with only the points where it changes.
fn steps(t: &[SimTime], v: &[f64]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    for (t, v) in t.iter().zip(v) {
        let h = t.hours();
        match last {
            None => out.push((h, *v)),
            Some(l) if l != *v => {
                out.push((h, l));
                out.push((h, *v));
            }
            _ => {}
        }
        last = Some(*v);
    }
    if let (Some(t), Some(v)) = (t.last(), last)
        && out.last().is_some_and(|p| p.0 < t.hours())
    {
        out.push((t.hours(), v));
    }
    out
}

/// An evacuation curve's legend name.
fn evac_name(name: &str) -> &'static str {
    match name {
        "departed" => text(lang(), "chart.departed"),
        "sheltered" => text(lang(), "chart.sheltered"),
        _ => text(lang(), "chart.exposed"),
    }
}

/// Write "no data" in the middle of `root`.
fn no_data<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, title: &str) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (w, h) = root.dim_in_pixel();
    let centre = Pos::new(HPos::Center, VPos::Center);
    root.draw(&Text::new(
        title.to_string(),
        (w as i32 / 2, 24),
        bold(18).pos(centre),
    ))?;
    root.draw(&Text::new(
        "no data".to_string(),
        (w as i32 / 2, h as i32 / 2),
        font(16).color(&palette::GREY).pos(centre),
    ))?;
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    at: SeriesLabelPosition,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.85))
        .border_style(palette::LIGHT)
        .label_font(font(13))
        .draw()?;
    Ok(())
}

// ---------------------------------------------------------------- restoration

struct Restoration {
    title: String,
    horizon_h: f64,
    curves: Vec<(String, Vec<(f64, f64)>)>,
    /// (target, x in hours since start, deadline hours).
    deadlines: Vec<(String, f64, f64)>,
}

/// Service restoration curves (power, water, telecom, main roads) of one run,
/// with each target's deadline drawn at onset + deadline and labelled
/// `"power 72 h"`.
pub fn restoration(run: &RunResult, summary: &Summary) -> Result<Figure, DrawError> {
    let curves: Vec<(String, Vec<(f64, f64)>)> = CURVES
        .iter()
        .filter_map(|c| Some((c.to_string(), steps(&run.series.t, &run.series.get(c)?))))
        .collect();
    let deadlines = match summary.onset_h {
        Some(on) => summary
            .targets
            .iter()
            .filter(|t| curves.iter().any(|(c, _)| *c == t.name))
            .map(|t| (t.name.clone(), on + t.deadline_h, t.deadline_h))
            .collect(),
        None => Vec::new(),
    };
    let d = Restoration {
        title: t!(lang(), "chart.restoration_title", name = run.scenario.name),
        horizon_h: run.scenario.horizon().hours(),
        curves,
        deadlines,
    };
    render("chart-restoration", &d.title, &d)
}

impl Draw for Restoration {
    fn size(&self) -> (u32, u32) {
        (900, 480)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        if self.curves.is_empty() {
            return no_data(root, &self.title);
        }
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, bold(18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..self.horizon_h.max(1.0), 0f64..1.1)?;
        chart
            .configure_mesh()
            .x_desc(text(lang(), "chart.hours_since_start"))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_desc(text(lang(), "chart.service_fraction"))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        // Deadlines first, so the curves draw over them. Labels that share a
        // line stack downwards; near the right edge they sit left of it.
        let mut placed: Vec<f64> = Vec::new();
        for (name, x, deadline) in &self.deadlines {
            let c = palette::service(name);
            chart.draw_series(DashedLineSeries::new(
                vec![(*x, 0.0), (*x, 1.1)],
                6,
                4,
                c.stroke_width(1),
            ))?;
            let k = placed.iter().filter(|p| (**p - x).abs() < 1e-6).count();
            placed.push(*x);
            let right = *x > self.horizon_h * 0.85;
            let (hpos, dx) = if right {
                (HPos::Right, -0.004)
            } else {
                (HPos::Left, 0.004)
            };
            chart.draw_series(std::iter::once(Text::new(
                format!("{} {deadline} h", target_name(lang(), name)),
                (x + dx * self.horizon_h, 1.08 - 0.055 * k as f64),
                font(12).color(&c).pos(Pos::new(hpos, VPos::Top)),
            )))?;
        }
        for (name, pts) in &self.curves {
            let c = palette::service(name);
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))?
                .label(target_name(lang(), name))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}

// ----------------------------------------------------------------- evacuation

struct Evacuation {
    title: String,
    horizon_h: f64,
    curves: Vec<(&'static str, Vec<(f64, f64)>)>,
}

/// The evacuation curve (people departed, sheltered, exposed over time);
/// `None` when the run has none of the evacuation columns.
pub fn evacuation(run: &RunResult) -> Option<Result<Figure, DrawError>> {
    let curves: Vec<(&'static str, Vec<(f64, f64)>)> = EVACUATION
        .iter()
        .filter_map(|(c, l)| Some((*l, steps(&run.series.t, &run.series.get(c)?))))
        .collect();
    if curves.is_empty() {
        return None;
    }
    let d = Evacuation {
        title: t!(lang(), "chart.evacuation_title", name = run.scenario.name),
        horizon_h: run.scenario.horizon().hours(),
        curves,
    };
    Some(render("chart-evacuation", &d.title, &d))
}

impl Draw for Evacuation {
    fn size(&self) -> (u32, u32) {
        (900, 420)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let top = self
            .curves
            .iter()
            .flat_map(|(_, p)| p.iter().map(|p| p.1))
            .fold(1.0f64, f64::max);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, bold(18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..self.horizon_h.max(1.0), 0f64..top * 1.08)?;
        chart
            .configure_mesh()
            .x_desc(text(lang(), "chart.hours_since_start"))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_desc(text(lang(), "chart.people"))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        for (name, pts) in &self.curves {
            let c = match *name {
                "departed" => palette::BLUE,
                "sheltered" => palette::GREEN,
                _ => palette::RED,
            };
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))?
                .label(evac_name(name))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}

// ---------------------------------------------------------------------- gantt

/// One kind of bar in the crew Gantt chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leg {
    /// From `CrewDispatched` to `CrewArrived`.
    Travel,
    /// From `CrewArrived` to `TaskFinished`.
    Work,
    /// From `TaskFinished` to `CrewReturned` (or the next dispatch, or a
    /// stop on the way).
    Return,
    /// From `CrewStopped` (rest) to its `until_s`.
    Rest,
}

impl Leg {
    fn colour(self) -> RGBColor {
        match self {
            Leg::Travel => palette::ORANGE,
            Leg::Work => palette::BLUE,
            Leg::Return => palette::LIGHT,
            Leg::Rest => palette::GREY,
        }
    }

    /// The legend's name.
    pub fn name(self) -> &'static str {
        match self {
            Leg::Travel => text(lang(), "chart.leg_travel"),
            Leg::Work => text(lang(), "chart.leg_work"),
            Leg::Return => text(lang(), "chart.leg_return"),
            Leg::Rest => text(lang(), "chart.leg_rest"),
        }
    }
}

struct Gantt {
    title: String,
    horizon_h: f64,
    crews: Vec<String>,
    /// (row, from h, to h, leg).
    bars: Vec<(usize, f64, f64, Leg)>,
}

/// A crew's name as the event sentences and the drill consoles give it
/// ([`crate::events::Narrator::crew`]: kind and number among the plan's
/// crews of that kind), "电力抢修1队 / power crew 1" in Chinese with the
/// English beside; in English, the English only.
fn crew_labels(s: &Scenario, crews: impl Iterator<Item = u32>) -> Vec<String> {
    use crate::events::Narrator;
    use qilian_i18n::Lang;
    let here = Narrator::new(s, lang());
    let en = (lang() != Lang::En).then(|| Narrator::new(s, Lang::En));
    crews
        .map(|c| {
            let c = qilian_engine::CrewId(c);
            match &en {
                Some(en) => format!("{} / {}", here.crew(c), en.crew(c)),
                None => here.crew(c),
            }
        })
        .collect()
}

/// Per crew (by id), its bars `(from h, to h, leg)` from the journal:
/// dispatch → arrival (travel), arrival → finish (work), finish → home,
/// next dispatch or a stop (return), a rest's start → its end. Each bar
/// starts and ends at an event of the crew (a rest ends at the time its
/// event gives); a leg still open at the horizon ends there.
pub fn crew_legs(run: &RunResult) -> std::collections::BTreeMap<u32, Vec<(f64, f64, Leg)>> {
    use std::collections::BTreeMap;
    let horizon_h = run.scenario.horizon().hours();
    // Per crew: the open leg and when it began; closed bars.
    type Open = BTreeMap<u32, (Leg, f64)>;
    type Bars = BTreeMap<u32, Vec<(f64, f64, Leg)>>;
    fn switch(open: &mut Open, bars: &mut Bars, crew: u32, t: f64, next: Option<Leg>) {
        if let Some((leg, from)) = open.remove(&crew) {
            bars.entry(crew).or_default().push((from, t, leg));
        }
        if let Some(leg) = next {
            bars.entry(crew).or_default();
            open.insert(crew, (leg, t));
        }
    }
    let mut open = Open::new();
    let mut bars = Bars::new();
    for e in &run.events {
        let t = SimTime(e.t_s).hours();
        let (crew, next) = match &e.kind {
            EventKind::CrewDispatched { crew, .. } => (crew.0, Some(Leg::Travel)),
            EventKind::CrewArrived { crew, .. } => (crew.0, Some(Leg::Work)),
            EventKind::TaskFinished { crew, .. } => (crew.0, Some(Leg::Return)),
            EventKind::CrewReturned { crew, .. } => (crew.0, None),
            EventKind::CrewStopped {
                crew,
                reason,
                until_s,
            } => {
                switch(&mut open, &mut bars, crew.0, t, None);
                if let (StopReason::Rest, Some(u)) = (reason, until_s) {
                    let end = SimTime(*u).hours().min(horizon_h);
                    bars.entry(crew.0).or_default().push((t, end, Leg::Rest));
                }
                continue;
            }
            _ => continue,
        };
        switch(&mut open, &mut bars, crew, t, next);
    }
    let still: Vec<u32> = open.keys().copied().collect();
    for crew in still {
        switch(&mut open, &mut bars, crew, horizon_h, None);
    }
    bars
}

/// A Gantt chart of crews from the journal ([`crew_legs`]), one row per
/// crew that did anything, in crew-id order. `None` when no crew was
/// dispatched.
pub fn gantt(run: &RunResult) -> Option<Result<Figure, DrawError>> {
    let horizon_h = run.scenario.horizon().hours();
    let bars = crew_legs(run);
    if bars.is_empty() {
        return None;
    }
    let crews = crew_labels(&run.scenario, bars.keys().copied());
    let bars = bars
        .values()
        .enumerate()
        .flat_map(|(row, b)| b.iter().map(move |(f, t, l)| (row, *f, *t, *l)))
        .collect();
    let d = Gantt {
        title: t!(lang(), "chart.gantt_title", name = run.scenario.name),
        horizon_h,
        crews,
        bars,
    };
    Some(render("chart-gantt", &d.title, &d))
}

impl Gantt {
    /// Pixels for the crews' names at 11 px: a CJK character is about
    /// 11 px wide, another about 6.
    fn label_width(&self) -> u32 {
        let w = |s: &String| {
            s.chars()
                .map(|c| if c.is_ascii() { 6 } else { 11 })
                .sum::<u32>()
        };
        (self.crews.iter().map(w).max().unwrap_or(0) + 14).max(110)
    }
}

impl Draw for Gantt {
    fn size(&self) -> (u32, u32) {
        // At least four rows high, so the legend's four activities fit
        // beside even a single crew.
        (900, 110 + 16 * self.crews.len().max(4) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let n = self.crews.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, bold(18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(self.label_width())
            .build_cartesian_2d(0f64..self.horizon_h.max(1.0), 0f64..n)?;
        chart
            .configure_mesh()
            .x_desc(text(lang(), "chart.hours_since_start"))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .disable_y_mesh()
            .y_labels(0)
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        let y = |row: usize| n - row as f64 - 0.5;
        for leg in [Leg::Travel, Leg::Work, Leg::Return, Leg::Rest] {
            let c = leg.colour();
            chart
                .draw_series(
                    self.bars
                        .iter()
                        .filter(|b| b.3 == leg)
                        .map(|(row, f, t, _)| {
                            Rectangle::new([(*f, y(*row) - 0.35), (*t, y(*row) + 0.35)], c.filled())
                        }),
                )?
                .label(leg.name())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], c.filled()));
        }
        for (row, name) in self.crews.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, y(row)));
            root.draw(&Text::new(
                name.clone(),
                (px - 6, py),
                font(11).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

// ----------------------------------------------------------------------- bars

struct Bars {
    title: String,
    note: String,
    /// (label, colour, p, interval).
    bars: Vec<(String, RGBColor, f64, Option<[f64; 2]>)>,
}

/// P(target met) per target with its Wilson 95 % interval, labelled
/// `"power 72 h"`.
pub fn target_bars(r: &StressReport) -> Result<Figure, DrawError> {
    let d = Bars {
        title: format!("P(target met) — plan {}, {} runs", r.meta.plan, r.meta.runs),
        note: "bar: share of runs that met the target · whisker: Wilson 95 % interval".into(),
        bars: r
            .targets
            .iter()
            .map(|t| {
                (
                    format!("{} {} h", label(&t.name), t.deadline_h),
                    palette::service(&t.name),
                    t.p_met,
                    Some(t.p_met_ci95),
                )
            })
            .collect(),
    };
    render("chart-targets", &d.title, &d)
}

/// Axes shared by the P(met) charts: one slot per bar along x, probability
/// from 0 to `y_max` (room above 1 for labels) along y.
fn pmet_axes<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    bars: usize,
    x_label_area: u32,
    y_max: f64,
) -> Result<
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error>,
>
where
    DB::ErrorType: 'static,
{
    let n = bars.max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, bold(18))
        .margin(12)
        .x_label_area_size(x_label_area)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5f64..n - 0.5, 0f64..y_max)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc("P(met)")
        .label_style(font(12))
        .axis_desc_style(font(13))
        .light_line_style(RGBColor(240, 240, 240))
        .draw()?;
    Ok(chart)
}

impl Draw for Bars {
    fn size(&self) -> (u32, u32) {
        (900, 440)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let mut chart = pmet_axes(root, &self.title, self.bars.len(), 56, 1.1)?;
        for (i, (_, c, p, _)) in self.bars.iter().enumerate() {
            let x = i as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, 0.0), (x + 0.3, *p)],
                c.filled(),
            )))?;
        }
        let whisker = BLACK.stroke_width(2);
        for (i, (_, _, _, ci)) in self.bars.iter().enumerate() {
            let Some([lo, hi]) = ci else { continue };
            let x = i as f64;
            for seg in [
                vec![(x, *lo), (x, *hi)],
                vec![(x - 0.08, *lo), (x + 0.08, *lo)],
                vec![(x - 0.08, *hi), (x + 0.08, *hi)],
            ] {
                chart.draw_series(std::iter::once(PathElement::new(seg, whisker)))?;
            }
        }
        for (i, (name, _, p, _)) in self.bars.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, 0.0));
            root.draw(&Text::new(
                name.clone(),
                (px, py + 8),
                font(13).pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
            let (qx, qy) = chart.backend_coord(&(i as f64 + 0.3, *p));
            root.draw(&Text::new(
                format!("{p:.2}"),
                (qx + 4, qy - 2),
                font(11).pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))?;
        }
        let (w, h) = root.dim_in_pixel();
        root.draw(&Text::new(
            self.note.clone(),
            (w as i32 / 2, h as i32 - 8),
            font(12)
                .color(&palette::GREY)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
        Ok(())
    }
}

// ------------------------------------------------------------------------ fan

struct FanChart {
    title: String,
    horizon_h: f64,
    fan: Fan,
}

/// The Monte Carlo fan chart: per service, the P10–P90 band and the median
/// of its fraction at each hour over all replicates, one panel per service.
/// `name` is the file stem (a comparison draws one fan per plan).
pub fn fan(name: &str, fan: &Fan, plan: &str, horizon_h: f64) -> Result<Figure, DrawError> {
    let d = FanChart {
        title: format!("Service fraction over {} runs — plan {plan}", fan.runs),
        horizon_h,
        fan: fan.clone(),
    };
    render(name, &d.title, &d)
}

impl Draw for FanChart {
    fn size(&self) -> (u32, u32) {
        (900, 620)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        if self.fan.bands.is_empty() {
            return no_data(root, &self.title);
        }
        let body = root.titled(&self.title, bold(18))?;
        let panels = body.split_evenly((2, 2));
        for (name, area) in CURVES.iter().zip(panels.iter()) {
            let Some(band) = self.fan.bands.get(*name) else {
                no_data(area, &label(name))?;
                continue;
            };
            let c = palette::service(name);
            let hours = (band.len().max(2) - 1) as f64;
            let mut chart = ChartBuilder::on(area)
                .caption(label(name), bold(14))
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(44)
                .build_cartesian_2d(0f64..hours.min(self.horizon_h.max(1.0)), 0f64..1.05)?;
            chart
                .configure_mesh()
                .x_desc(text(lang(), "chart.hours_since_start"))
                .x_label_formatter(&|x| format!("{x:.0}"))
                .label_style(font(11))
                .axis_desc_style(font(12))
                .light_line_style(RGBColor(240, 240, 240))
                .draw()?;
            let pts = |k: usize| {
                band.iter()
                    .enumerate()
                    .filter(move |(_, b)| b[k].is_finite())
                    .map(move |(h, b)| (h as f64, b[k]))
            };
            let mut poly: Vec<(f64, f64)> = pts(2).collect();
            poly.extend(pts(0).collect::<Vec<_>>().into_iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.3).filled())))?
                .label("P10–P90")
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 16, y + 5)], c.mix(0.3).filled())
                });
            chart
                .draw_series(LineSeries::new(pts(1), c.stroke_width(2)))?
                .label("median")
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        }
        Ok(())
    }
}

// -------------------------------------------------------------------- compare

struct Paired {
    title: String,
    names: [String; 2],
    /// (target, p A, p B).
    rows: Vec<(String, f64, f64)>,
}

/// P(met) per target under plan A and plan B, side by side.
pub fn compare(c: &Comparison) -> Result<Figure, DrawError> {
    let d = Paired {
        title: format!(
            "P(target met): {} against {} — {} runs",
            c.plan_a, c.plan_b, c.runs
        ),
        names: [format!("A: {}", c.plan_a), format!("B: {}", c.plan_b)],
        rows: c
            .targets
            .iter()
            .map(|t| (label(&t.name), t.p_met_a, t.p_met_b))
            .collect(),
    };
    render("chart-compare", &d.title, &d)
}

impl Draw for Paired {
    fn size(&self) -> (u32, u32) {
        (900, 440)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let mut chart = pmet_axes(root, &self.title, self.rows.len(), 40, 1.15)?;
        for (k, (name, c)) in self
            .names
            .iter()
            .zip([palette::SKY, palette::ORANGE])
            .enumerate()
        {
            let off = if k == 0 { -0.19 } else { 0.19 };
            chart
                .draw_series(self.rows.iter().enumerate().map(|(i, r)| {
                    let p = if k == 0 { r.1 } else { r.2 };
                    let x = i as f64 + off;
                    Rectangle::new([(x - 0.17, 0.0), (x + 0.17, p)], c.filled())
                }))?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], c.filled()));
        }
        for (i, (name, a, b)) in self.rows.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, 0.0));
            root.draw(&Text::new(
                name.clone(),
                (px, py + 8),
                font(13).pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
            for (off, p) in [(-0.19, a), (0.19, b)] {
                let (qx, qy) = chart.backend_coord(&(i as f64 + off, *p));
                root.draw(&Text::new(
                    format!("{p:.2}"),
                    (qx, qy - 2),
                    font(11).pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))?;
            }
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_only_changes() {
        let t: Vec<SimTime> = (0..6).map(|i| SimTime(i * 3600)).collect();
        let v = [1.0, 1.0, 0.5, 0.5, 1.0, 1.0];
        assert_eq!(
            steps(&t, &v),
            vec![
                (0.0, 1.0),
                (2.0, 1.0),
                (2.0, 0.5),
                (4.0, 0.5),
                (4.0, 1.0),
                (5.0, 1.0)
            ]
        );
    }
}
