//! The chart of `qilian optimise`: cost against P(all targets met) and
//! against mean deaths, one point per finalist with its 95 % interval from
//! the fresh replicates, the Pareto front joined, the chosen plan and the
//! starting plan marked. Words in Chinese first, English beside.

use crate::figure::{Draw, DrawError, DrawResult, Figure, bold, font, palette, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use qilian_i18n::{Lang, text};

/// One plan on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontPoint {
    /// Cost (万元 a year).
    pub cost: f64,
    /// P(all targets met) and its 95 % interval.
    pub p_met: (f64, f64, f64),
    /// Mean deaths and its 95 % interval.
    pub deaths: (f64, f64, f64),
    /// On the cost–P(met) front.
    pub on_p_front: bool,
    /// On the cost–deaths front.
    pub on_deaths_front: bool,
    /// The chosen plan.
    pub chosen: bool,
    /// The starting plan.
    pub start: bool,
}

struct Front<'a> {
    points: &'a [FrontPoint],
    title: String,
}

/// "中文 English" of a catalogue key.
fn both(key: &str) -> String {
    format!("{} {}", text(Lang::ZhCn, key), text(Lang::En, key))
}

/// The front chart (`chart-front`).
pub fn front(points: &[FrontPoint], scenario: &str) -> Result<Figure, DrawError> {
    let d = Front {
        points,
        title: format!("{} — {scenario}", both("optimise.chart_title")),
    };
    render("chart-front", &d.title, &d)
}

impl Draw for Front<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 480)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let root = root.titled(&self.title, bold(16))?;
        let (left, right) = root.split_horizontally(550);
        let (c0, c1) = self
            .points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.cost), b.max(p.cost))
            });
        let pad = ((c1 - c0) * 0.08).max(1.0);
        let xs = if c0.is_finite() {
            (c0 - pad)..(c1 + pad)
        } else {
            0.0..1.0
        };
        let dmax = self
            .points
            .iter()
            .map(|p| p.deaths.2)
            .fold(0.0f64, f64::max)
            .max(1.0)
            * 1.1;
        for (area, deaths) in [(&left, false), (&right, true)] {
            let ys = if deaths { 0.0..dmax } else { 0.0..1.05 };
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(80)
                .build_cartesian_2d(xs.clone(), ys)?;
            chart
                .configure_mesh()
                .x_desc(both("optimise.axis_cost"))
                .y_desc(if deaths {
                    both("optimise.axis_deaths")
                } else {
                    both("optimise.axis_p_met")
                })
                .label_style(font(12))
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| {
                    if deaths {
                        format!("{v:.0}")
                    } else {
                        format!("{v:.1}")
                    }
                })
                .axis_desc_style(font(13))
                .draw()?;
            let val = |p: &FrontPoint| if deaths { p.deaths } else { p.p_met };
            let on = |p: &FrontPoint| {
                if deaths {
                    p.on_deaths_front
                } else {
                    p.on_p_front
                }
            };
            let mut line: Vec<(f64, f64)> = self
                .points
                .iter()
                .filter(|p| on(p))
                .map(|p| (p.cost, val(p).0))
                .collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            chart.draw_series(LineSeries::new(line, palette::BLUE.stroke_width(2)))?;
            for p in self.points {
                let (m, lo, hi) = val(p);
                let colour = if p.chosen {
                    palette::RED
                } else if p.start {
                    palette::GREY
                } else if on(p) {
                    palette::BLUE
                } else {
                    palette::LIGHT
                };
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(p.cost, lo), (p.cost, hi)],
                    colour.stroke_width(1),
                )))?;
                chart.draw_series(std::iter::once(Circle::new(
                    (p.cost, m),
                    if p.chosen { 7 } else { 5 },
                    colour.filled(),
                )))?;
                if p.chosen || p.start {
                    let key = if p.chosen {
                        "optimise.chosen"
                    } else {
                        "optimise.start"
                    };
                    // Beside the point, not on it: to its right in the
                    // left half of the axis, to its left in the right half
                    // (so a label never runs off the plot), the chosen
                    // plan's above and the start's below (they may share
                    // a cost).
                    let right_half = p.cost > (xs.start + xs.end) / 2.0;
                    let (dx, h) = if right_half {
                        (-10, HPos::Right)
                    } else {
                        (10, HPos::Left)
                    };
                    let dy = if p.chosen { -12 } else { 12 };
                    let style = font(12).pos(Pos::new(h, VPos::Center));
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((p.cost, m)) + Text::new(both(key), (dx, dy), style),
                    ))?;
                }
            }
        }
        Ok(())
    }
}
