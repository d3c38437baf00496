//! Maps (docs/viewer.md#maps), each with a scale bar, a north mark and a legend:
//!
//! - [`state_map`]: the road network coloured by state (open, damaged,
//!   closed), facilities by damage state and zones by the number of services
//!   they are without, at a chosen hour, from a replay of the journal;
//!   optionally over a hazard footprint ([`HazardLayer`]);
//! - [`risk_map`]: zones in four colours (red, orange, yellow, blue) by the
//!   probability, over a stress run's replicates, that a service was still out
//!   past its deadline.
//!
//! Hazard models plug in through [`HazardLayer`]: a per-cell value grid in the
//! region's metres (row 0 north, as ESRI ASCII grids) and/or polygons, with
//! value classes and their colours. Presets cover flood depth, fire arrival
//! isochrones, plume AEGL zones and shaking; [`HazardLayer::of_footprint`]
//! picks the preset for a run's [`Footprint`], and [`footprint_map`] draws
//! one footprint on its own. An arrival-time layer shown at an hour
//! ([`HazardLayer::at_hour`]) keeps the cells reached by then and draws their
//! edge as the perimeter.
//!
//! Geometry is computed once in pixels (`Prim`) and drawn the same on the
//! SVG and the bitmap backend.

use crate::figure::{Draw, DrawError, DrawResult, Figure, bold, font, lang, palette, render};
use crate::replay::{RoadState, StateAt, state_at};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use qilian_engine::scenario::{DamageState, Zone};
use qilian_engine::{NodeId, Scenario, SimEvent, SimTime, ZoneId};
use qilian_evaluator::curves::ZoneRisk;
use qilian_hazardlib::footprint::{Footprint, FootprintKind};
use qilian_hazardlib::grid::Grid;
use qilian_i18n::{t, text};
use std::collections::BTreeMap;

/// Canvas size.
const W: i32 = 960;
const H: i32 = 720;
/// The map panel: left, top, right, bottom.
const PANEL: (i32, i32, i32, i32) = (12, 46, 712, 708);
/// Hazard grids are drawn with at most this many cells along a side.
const MAX_CELLS_PER_SIDE: usize = 160;
/// Zones are drawn one marker each up to this many; above it, as one layer
/// of [`ZONE_CELL_PX`] squares, each coloured by the worst zone in it (no
/// reader tells thousands of overlapping markers apart, and a map's size
/// then grows with its area, not with the zones).
pub const MAX_ZONE_MARKERS: usize = 2_000;
/// The side of a square of zones on a map of more than [`MAX_ZONE_MARKERS`].
pub const ZONE_CELL_PX: i32 = 8;
/// Road segments are drawn one line each up to this many; above it,
/// straight runs of segments of one style are joined into one line (the
/// same pixels, a fraction of the SVG).
pub const MAX_ROAD_LINES: usize = 5_000;

/// A regular grid of hazard values in the region's local metres.
#[derive(Clone, Debug, PartialEq)]
pub struct HazardGrid {
    /// West edge, metres.
    pub xll: f64,
    /// South edge, metres.
    pub yll: f64,
    /// Cell side, metres.
    pub cell_m: f64,
    /// Columns.
    pub ncols: usize,
    /// Rows; row 0 is the northern edge.
    pub nrows: usize,
    /// Row-major values; NaN means no data.
    pub values: Vec<f64>,
}

/// A hazard polygon (a fire perimeter, a plume zone) with its value.
#[derive(Clone, Debug, PartialEq)]
pub struct HazardPolygon {
    /// Outer ring in the region's metres.
    pub ring: Vec<(f64, f64)>,
    /// The value its class is chosen by.
    pub value: f64,
}

/// One value class of a hazard layer.
#[derive(Clone, Debug, PartialEq)]
pub struct HazardClass {
    /// Values at or above this (and below the next class) fall in it.
    pub from: f64,
    /// Fill colour, RGB.
    pub rgb: [u8; 3],
    /// Legend text.
    pub label: String,
}

/// A hazard footprint to draw under a map.
#[derive(Clone, Debug, PartialEq)]
pub struct HazardLayer {
    /// Legend heading, e.g. `"flood depth"`.
    pub name: String,
    /// Per-cell values, if any.
    pub grid: Option<HazardGrid>,
    /// Polygons, if any (drawn over the grid).
    pub polygons: Vec<HazardPolygon>,
    /// Classes in increasing `from`; values below the first are not drawn.
    pub classes: Vec<HazardClass>,
    /// Whether smaller values are worse (fire arrival times): then a value
    /// falls in the first class whose `from` is at or above it.
    pub descending: bool,
    /// For arrival-time layers shown at an hour: the hour whose perimeter
    /// (the edge of the cells with a value at or below it) is drawn.
    pub perimeter_h: Option<f64>,
}

impl HazardGrid {
    /// The values of an engine grid (NODATA → NaN).
    pub fn of(g: &Grid) -> HazardGrid {
        HazardGrid {
            xll: g.xllcorner(),
            yll: g.yllcorner(),
            cell_m: g.cellsize(),
            ncols: g.ncols(),
            nrows: g.nrows(),
            values: g
                .data()
                .iter()
                .map(|&v| if g.is_nodata(v) { f64::NAN } else { v })
                .collect(),
        }
    }

    /// The value of cell (row, col), NaN outside or without data.
    fn at(&self, r: usize, c: usize) -> f64 {
        if r >= self.nrows || c >= self.ncols {
            return f64::NAN;
        }
        self.values[r * self.ncols + c]
    }

    /// The value at a point in metres, NaN outside or without data.
    pub fn value_at(&self, x: f64, y: f64) -> f64 {
        let c = ((x - self.xll) / self.cell_m).floor();
        let r = self.nrows as f64 - ((y - self.yll) / self.cell_m).floor() - 1.0;
        if !(c >= 0.0 && r >= 0.0) {
            return f64::NAN;
        }
        self.at(r as usize, c as usize)
    }
}

fn classes(bounds: &[(f64, [u8; 3], &str)]) -> Vec<HazardClass> {
    bounds
        .iter()
        .map(|(from, rgb, label)| HazardClass {
            from: *from,
            rgb: *rgb,
            label: label.to_string(),
        })
        .collect()
}

impl HazardLayer {
    /// Flood depth in metres.
    pub fn flood_depth(grid: HazardGrid) -> HazardLayer {
        HazardLayer {
            name: "flood depth (m)".into(),
            grid: Some(grid),
            polygons: Vec::new(),
            classes: classes(&[
                (0.05, [0xC6, 0xE2, 0xF5], "0.05–0.5 m"),
                (0.5, [0x86, 0xC0, 0xE8], "0.5–1 m"),
                (1.0, [0x3A, 0x8F, 0xD0], "1–2 m"),
                (2.0, [0x10, 0x4E, 0x8B], "≥ 2 m"),
            ]),
            descending: false,
            perimeter_h: None,
        }
    }

    /// Fire arrival time in hours since the start (isochrones).
    pub fn fire_arrival_h(grid: HazardGrid) -> HazardLayer {
        HazardLayer {
            name: "fire arrival (h)".into(),
            grid: Some(grid),
            polygons: Vec::new(),
            classes: classes(&[
                (1.0, [0xB3, 0x1B, 0x1B], "≤ 1 h"),
                (3.0, [0xE3, 0x4A, 0x33], "1–3 h"),
                (6.0, [0xFC, 0x8D, 0x59], "3–6 h"),
                (12.0, [0xFD, 0xCC, 0x8A], "6–12 h"),
            ]),
            descending: true,
            perimeter_h: None,
        }
    }

    /// Fire arrival time in hours since the start, with isochrones chosen
    /// for the fire's duration: at most six steps of 1, 3, 6, 12, 24, 48,
    /// 72, 120, 168, 240, 336, 504 or 720 h, the last at or beyond the
    /// latest arrival.
    pub fn fire_isochrones_h(grid: HazardGrid) -> HazardLayer {
        const LADDER: [f64; 13] = [
            1.0, 3.0, 6.0, 12.0, 24.0, 48.0, 72.0, 120.0, 168.0, 240.0, 336.0, 504.0, 720.0,
        ];
        const MAX_CLASSES: usize = 6;
        let latest = grid
            .values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |a, &b| a.max(b));
        let end = LADDER
            .iter()
            .position(|&b| b >= latest)
            .unwrap_or(LADDER.len() - 1);
        let breaks = &LADDER[(end + 1).saturating_sub(MAX_CLASSES)..=end];
        // From dark red (earliest) to pale orange (latest).
        let (a, b) = ([0xB3u8, 0x1B, 0x1B], [0xFDu8, 0xCC, 0x8A]);
        let n = breaks.len();
        let classes = breaks
            .iter()
            .enumerate()
            .map(|(k, &to)| {
                let t = if n > 1 {
                    k as f64 / (n - 1) as f64
                } else {
                    0.0
                };
                let rgb = [0, 1, 2].map(|i| {
                    (f64::from(a[i]) + t * (f64::from(b[i]) - f64::from(a[i]))).round() as u8
                });
                let label = match k {
                    0 => format!("≤ {to} h"),
                    _ => format!("{}–{to} h", breaks[k - 1]),
                };
                HazardClass {
                    from: to,
                    rgb,
                    label,
                }
            })
            .collect();
        HazardLayer {
            name: "fire arrival (h)".into(),
            grid: Some(grid),
            polygons: Vec::new(),
            classes,
            descending: true,
            perimeter_h: None,
        }
    }

    /// Plume concentration in ppm, in zones at the AEGL-1, -2 and -3 levels
    /// of the released chemical (the legend gives each level in ppm).
    pub fn plume_aegl(grid: HazardGrid, aegl_ppm: [f64; 3]) -> HazardLayer {
        let label = |k: usize| format!("AEGL-{} (≥ {} ppm)", k + 1, ppm(aegl_ppm[k]));
        let (l1, l2, l3) = (label(0), label(1), label(2));
        HazardLayer {
            name: "plume AEGL zones (ppm)".into(),
            grid: Some(grid),
            polygons: Vec::new(),
            classes: classes(&[
                (aegl_ppm[0], [0xFF, 0xE0, 0x8A], l1.as_str()),
                (aegl_ppm[1], [0xF4, 0x9C, 0x3C], l2.as_str()),
                (aegl_ppm[2], [0xC2, 0x2E, 0x1E], l3.as_str()),
            ]),
            descending: false,
            perimeter_h: None,
        }
    }

    /// Peak ground acceleration in g.
    pub fn shaking_pga_g(grid: HazardGrid) -> HazardLayer {
        HazardLayer {
            name: "shaking PGA (g)".into(),
            grid: Some(grid),
            polygons: Vec::new(),
            classes: classes(&[
                (0.05, [0xFF, 0xF2, 0xB2], "0.05–0.1 g"),
                (0.1, [0xFE, 0xCC, 0x5C], "0.1–0.2 g"),
                (0.2, [0xFD, 0x8D, 0x3C], "0.2–0.4 g"),
                (0.4, [0xE3, 0x1A, 0x1C], "≥ 0.4 g"),
            ]),
            descending: false,
            perimeter_h: None,
        }
    }

    /// The layer of a run's hazard footprint, its legend heading naming the
    /// hazard number and the quantity with its unit.
    pub fn of_footprint(f: &Footprint) -> HazardLayer {
        let grid = HazardGrid::of(&f.grid);
        let mut layer = match &f.kind {
            FootprintKind::FloodDepth => HazardLayer::flood_depth(grid),
            FootprintKind::FireArrival => HazardLayer::fire_isochrones_h(grid),
            FootprintKind::Plume { aegl_ppm, .. } => HazardLayer::plume_aegl(grid, *aegl_ppm),
            FootprintKind::ShakingPga => HazardLayer::shaking_pga_g(grid),
        };
        let (l, hazard) = (lang(), f.hazard);
        layer.name = match &f.kind {
            FootprintKind::FloodDepth => t!(l, "map.layer.flood", hazard = hazard),
            FootprintKind::FireArrival => t!(l, "map.layer.fire", hazard = hazard),
            FootprintKind::Plume { chemical, .. } => {
                t!(
                    l,
                    "map.layer.plume",
                    hazard = hazard,
                    chemical = chemical_name(l, chemical)
                )
            }
            FootprintKind::ShakingPga => t!(l, "map.layer.shaking", hazard = hazard),
        };
        layer
    }

    /// The layer as it stood at `hour`: for an arrival-time layer, only the
    /// cells reached by then, with their perimeter; other layers unchanged.
    pub fn at_hour(&self, hour: f64) -> HazardLayer {
        let mut l = self.clone();
        if !self.descending {
            return l;
        }
        if let Some(g) = &mut l.grid {
            for v in &mut g.values {
                if *v > hour {
                    *v = f64::NAN;
                }
            }
        }
        l.polygons.retain(|p| p.value <= hour);
        l.perimeter_h = Some(hour);
        l
    }

    /// The class of a value, if it is drawn.
    pub fn class_of(&self, v: f64) -> Option<usize> {
        if !v.is_finite() {
            return None;
        }
        if self.descending {
            self.classes.iter().position(|c| v <= c.from)
        } else {
            self.classes.iter().rposition(|c| v >= c.from)
        }
    }
}

/// A concentration for a legend: three significant figures, no trailing
/// zeros.
fn ppm(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let digits = (2 - v.abs().max(1e-9).log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A layer's grid as class rectangles in metres, (class, [x0, y0, x1, y1]):
/// blocks of cells are merged into at most `max_side` per side (each block
/// keeps its worst value) and runs of one class along a row become one
/// rectangle. Maps draw these; GeoJSON writes them as polygons.
pub(crate) fn class_rects(layer: &HazardLayer, max_side: usize) -> Vec<(usize, [f64; 4])> {
    let mut out = Vec::new();
    let Some(g) = &layer.grid else { return out };
    let step = g.ncols.max(g.nrows).div_ceil(max_side.max(1)).max(1);
    let worse = |a: f64, b: f64| match (a.is_finite(), b.is_finite()) {
        (false, _) => b,
        (_, false) => a,
        _ if layer.descending => a.min(b),
        _ => a.max(b),
    };
    for r0 in (0..g.nrows).step_by(step) {
        let y1 = g.yll + (g.nrows - r0) as f64 * g.cell_m;
        let y0 = g.yll + (g.nrows.saturating_sub(r0 + step)) as f64 * g.cell_m;
        let mut run: Option<(usize, usize)> = None; // (class, start col)
        let mut flush = |run: Option<(usize, usize)>, end: usize| {
            if let Some((k, c0)) = run {
                let x0 = g.xll + c0 as f64 * g.cell_m;
                let x1 = g.xll + end.min(g.ncols) as f64 * g.cell_m;
                out.push((k, [x0, y0, x1, y1]));
            }
        };
        for c0 in (0..g.ncols).step_by(step) {
            let mut v = f64::NAN;
            for r in r0..(r0 + step).min(g.nrows) {
                for c in c0..(c0 + step).min(g.ncols) {
                    v = worse(v, g.at(r, c));
                }
            }
            let k = layer.class_of(v);
            if run.map(|r| r.0) != k {
                flush(run, c0);
                run = k.map(|k| (k, c0));
            }
        }
        flush(run, g.ncols);
    }
    out
}

/// The perimeter of the cells with a value at or below `hour`, as segments in
/// metres (collinear cell edges merged).
fn perimeter(g: &HazardGrid, hour: f64) -> Vec<[(f64, f64); 2]> {
    let inside = |r: isize, c: isize| {
        r >= 0 && c >= 0 && {
            let v = g.at(r as usize, c as usize);
            v.is_finite() && v <= hour
        }
    };
    let x = |c: usize| g.xll + c as f64 * g.cell_m;
    let y = |r: usize| g.yll + (g.nrows - r) as f64 * g.cell_m;
    let mut segs = Vec::new();
    // Horizontal edges: the top of row r (between rows r - 1 and r).
    for r in 0..=g.nrows {
        let mut start: Option<usize> = None;
        for c in 0..=g.ncols {
            let edge =
                c < g.ncols && inside(r as isize, c as isize) != inside(r as isize - 1, c as isize);
            match (edge, start) {
                (true, None) => start = Some(c),
                (false, Some(c0)) => {
                    segs.push([(x(c0), y(r)), (x(c), y(r))]);
                    start = None;
                }
                _ => {}
            }
        }
    }
    // Vertical edges: the west side of column c.
    for c in 0..=g.ncols {
        let mut start: Option<usize> = None;
        for r in 0..=g.nrows {
            let edge =
                r < g.nrows && inside(r as isize, c as isize) != inside(r as isize, c as isize - 1);
            match (edge, start) {
                (true, None) => start = Some(r),
                (false, Some(r0)) => {
                    segs.push([(x(c), y(r0)), (x(c), y(r))]);
                    start = None;
                }
                _ => {}
            }
        }
    }
    segs
}

/// Colour of a fire perimeter.
const PERIMETER: RGBColor = RGBColor(0x5A, 0x00, 0x00);

/// A drawing primitive in pixels.
#[derive(Clone)]
enum Prim {
    Line(Vec<(i32, i32)>, RGBColor, u32),
    Rect((i32, i32), (i32, i32), RGBColor, f64),
    Frame((i32, i32), (i32, i32), RGBColor),
    Poly(Vec<(i32, i32)>, RGBColor, f64),
    Circle((i32, i32), i32, RGBColor, RGBColor, u32),
    Text(String, (i32, i32), u32, RGBColor, HPos, bool),
}

struct MapDraw {
    prims: Vec<Prim>,
}

impl Draw for MapDraw {
    fn size(&self) -> (u32, u32) {
        (W as u32, H as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        for p in &self.prims {
            match p {
                Prim::Line(pts, c, w) => {
                    root.draw(&PathElement::new(pts.clone(), c.stroke_width(*w)))?
                }
                Prim::Rect(a, b, c, alpha) => {
                    root.draw(&Rectangle::new([*a, *b], c.mix(*alpha).filled()))?
                }
                Prim::Frame(a, b, c) => root.draw(&Rectangle::new([*a, *b], c.stroke_width(1)))?,
                Prim::Poly(pts, c, alpha) => {
                    root.draw(&Polygon::new(pts.clone(), c.mix(*alpha).filled()))?
                }
                Prim::Circle(at, r, fill, stroke, w) => {
                    root.draw(&Circle::new(*at, *r, fill.filled()))?;
                    root.draw(&Circle::new(*at, *r, stroke.stroke_width(*w)))?;
                }
                Prim::Text(s, at, size, c, h, b) => {
                    let style = if *b { bold(*size) } else { font(*size) };
                    root.draw(&Text::new(
                        s.clone(),
                        *at,
                        style.color(c).pos(Pos::new(*h, VPos::Center)),
                    ))?
                }
            }
        }
        Ok(())
    }
}

/// World metres → panel pixels, north up, aspect kept.
struct Frame {
    xmin: f64,
    ymax: f64,
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Frame {
    fn of(s: &Scenario) -> Frame {
        let (mut xmin, mut xmax, mut ymin, mut ymax) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for n in &s.region.nodes {
            xmin = xmin.min(n.x);
            xmax = xmax.max(n.x);
            ymin = ymin.min(n.y);
            ymax = ymax.max(n.y);
        }
        if xmin > xmax {
            (xmin, xmax, ymin, ymax) = (0.0, 1.0, 0.0, 1.0);
        }
        let pad = 0.06 * (xmax - xmin).max(ymax - ymin).max(100.0);
        let (xmin, xmax, ymin, ymax) = (xmin - pad, xmax + pad, ymin - pad, ymax + pad);
        let (pw, ph) = (f64::from(PANEL.2 - PANEL.0), f64::from(PANEL.3 - PANEL.1));
        let scale = (pw / (xmax - xmin)).min(ph / (ymax - ymin));
        Frame {
            xmin,
            ymax,
            scale,
            ox: f64::from(PANEL.0) + (pw - (xmax - xmin) * scale) / 2.0,
            oy: f64::from(PANEL.1) + (ph - (ymax - ymin) * scale) / 2.0,
        }
    }

    fn px(&self, x: f64, y: f64) -> (i32, i32) {
        (
            (self.ox + (x - self.xmin) * self.scale).round() as i32,
            (self.oy + (self.ymax - y) * self.scale).round() as i32,
        )
    }
}

fn clamp_panel((x, y): (i32, i32)) -> (i32, i32) {
    (x.clamp(PANEL.0, PANEL.2), y.clamp(PANEL.1, PANEL.3))
}

/// A round length near `target` metres: 1, 2 or 5 × 10^k.
fn nice_length(target: f64) -> f64 {
    let k = target.max(1.0).log10().floor();
    let base = 10f64.powf(k);
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * base)
        .find(|l| *l <= target)
        .unwrap_or(base)
}

/// Scale bar (bottom left of the panel) and north mark (top right).
fn furniture(f: &Frame, prims: &mut Vec<Prim>) {
    let len_m = nice_length(140.0 / f.scale);
    let len_px = (len_m * f.scale).round() as i32;
    let (x0, y0) = (PANEL.0 + 16, PANEL.3 - 18);
    prims.push(Prim::Rect(
        (x0 - 6, y0 - 22),
        (x0 + len_px + 6, y0 + 8),
        WHITE,
        0.8,
    ));
    prims.push(Prim::Line(vec![(x0, y0), (x0 + len_px, y0)], BLACK, 3));
    for x in [x0, x0 + len_px] {
        prims.push(Prim::Line(vec![(x, y0 - 6), (x, y0 + 4)], BLACK, 2));
    }
    let label = if len_m >= 1000.0 {
        format!("{} km", len_m / 1000.0)
    } else {
        format!("{len_m} m")
    };
    prims.push(Prim::Text(
        label,
        (x0 + len_px / 2, y0 - 13),
        12,
        BLACK,
        HPos::Center,
        false,
    ));
    let (nx, ny) = (PANEL.2 - 24, PANEL.1 + 18);
    prims.push(Prim::Poly(
        vec![(nx, ny - 12), (nx - 7, ny + 6), (nx + 7, ny + 6)],
        BLACK,
        1.0,
    ));
    prims.push(Prim::Text(
        "N".into(),
        (nx, ny + 16),
        13,
        BLACK,
        HPos::Center,
        true,
    ));
    prims.push(Prim::Frame(
        (PANEL.0, PANEL.1),
        (PANEL.2, PANEL.3),
        palette::LIGHT,
    ));
}

/// Legend entries on the right, from the top; returns the next free y.
struct Legend {
    prims: Vec<Prim>,
    y: i32,
}

impl Legend {
    const X: i32 = 730;

    fn new() -> Legend {
        let mut l = Legend {
            prims: Vec::new(),
            y: PANEL.1 + 10,
        };
        l.prims.push(Prim::Text(
            text(lang(), "map.legend.title").into(),
            (Self::X, l.y),
            15,
            BLACK,
            HPos::Left,
            true,
        ));
        l.y += 24;
        l
    }

    fn heading(&mut self, s: &str) {
        self.y += 6;
        self.prims.push(Prim::Text(
            s.into(),
            (Self::X, self.y),
            13,
            BLACK,
            HPos::Left,
            true,
        ));
        self.y += 20;
    }

    fn text(&mut self, s: &str) {
        self.prims.push(Prim::Text(
            s.into(),
            (Self::X + 28, self.y),
            12,
            BLACK,
            HPos::Left,
            false,
        ));
        self.y += 20;
    }

    fn line(&mut self, c: RGBColor, w: u32, s: &str) {
        let (x, y) = (Self::X, self.y);
        self.prims.push(Prim::Line(vec![(x, y), (x + 20, y)], c, w));
        self.text(s);
    }

    fn swatch(&mut self, c: RGBColor, alpha: f64, s: &str) {
        let (x, y) = (Self::X, self.y);
        self.prims
            .push(Prim::Rect((x + 2, y - 6), (x + 18, y + 6), c, alpha));
        self.prims
            .push(Prim::Frame((x + 2, y - 6), (x + 18, y + 6), palette::GREY));
        self.text(s);
    }

    fn dot(&mut self, c: RGBColor, ring: RGBColor, w: u32, s: &str) {
        let (x, y) = (Self::X, self.y);
        self.prims.push(Prim::Circle((x + 10, y), 6, c, ring, w));
        self.text(s);
    }
}

fn node_xy(s: &Scenario) -> BTreeMap<NodeId, (f64, f64)> {
    s.region.nodes.iter().map(|n| (n.id, (n.x, n.y))).collect()
}

/// Roads as undirected segments with the worse state of their two directions.
fn roads(s: &Scenario, f: &Frame, state: Option<&StateAt>, prims: &mut Vec<Prim>, faded: bool) {
    let xy = node_xy(s);
    let mut segs: BTreeMap<(NodeId, NodeId), (RoadState, bool)> = BTreeMap::new();
    for e in &s.region.edges {
        let key = (e.from.min(e.to), e.from.max(e.to));
        let st = state.map_or(RoadState::Open, |st| st.road(e.id));
        let entry = segs.entry(key).or_insert((RoadState::Open, false));
        entry.0 = entry.0.max(st);
        entry.1 |= e.main_road;
    }
    // Open roads first, closed last, so the states that matter are on top.
    let mut order: Vec<(RoadState, bool, NodeId, NodeId)> = segs
        .iter()
        .map(|((a, b), (st, main))| (*st, *main, *a, *b))
        .collect();
    order.sort();
    let merge = order.len() > MAX_ROAD_LINES;
    let mut group: Vec<[(i32, i32); 2]> = Vec::new();
    let mut style: Option<(RGBColor, u32)> = None;
    for (st, main, a, b) in order {
        let (Some(&(ax, ay)), Some(&(bx, by))) = (xy.get(&a), xy.get(&b)) else {
            continue;
        };
        let c = match (faded, st) {
            (true, _) => palette::LIGHT,
            (_, RoadState::Open) => palette::GREY,
            (_, RoadState::Damaged) => palette::ORANGE,
            (_, RoadState::Closed) => palette::RED,
        };
        let w = match (main, st) {
            (true, _) => 4,
            (false, RoadState::Open) => 1,
            (false, _) => 3,
        };
        let seg = [f.px(ax, ay), f.px(bx, by)];
        if !merge {
            prims.push(Prim::Line(seg.to_vec(), c, w));
            continue;
        }
        if style != Some((c, w)) {
            if let Some((c, w)) = style {
                straight_runs(&std::mem::take(&mut group), c, w, prims);
            }
            style = Some((c, w));
        }
        group.push(seg);
    }
    if let Some((c, w)) = style {
        straight_runs(&group, c, w, prims);
    }
}

/// Segments of one colour and width (in the order given) as lines, each
/// straight run of them (segments meeting end to end in one direction, in
/// pixels) joined into one line; segments shorter than a pixel are left
/// out. The lines cover the same pixels as the segments one by one.
fn straight_runs(segs: &[[(i32, i32); 2]], c: RGBColor, w: u32, prims: &mut Vec<Prim>) {
    let segs: Vec<[(i32, i32); 2]> = segs.iter().copied().filter(|[a, b]| a != b).collect();
    let mut at: BTreeMap<(i32, i32), Vec<usize>> = BTreeMap::new();
    for (k, [a, b]) in segs.iter().enumerate() {
        at.entry(*a).or_default().push(k);
        at.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segs.len()];
    // The unused segment at `p` going on in direction `d`, and its far end.
    let next = |p: (i32, i32), d: (i32, i32), used: &[bool]| {
        at.get(&p)?.iter().find_map(|&k| {
            let [a, b] = segs[k];
            let q = if a == p { b } else { a };
            let e = (q.0 - p.0, q.1 - p.1);
            let straight = d.0 * e.1 == d.1 * e.0 && d.0 * e.0 + d.1 * e.1 > 0;
            (!used[k] && straight).then_some((k, q))
        })
    };
    for k in 0..segs.len() {
        if used[k] {
            continue;
        }
        used[k] = true;
        let [mut a, mut b] = segs[k];
        let d = (b.0 - a.0, b.1 - a.1);
        while let Some((j, q)) = next(b, d, &used) {
            used[j] = true;
            b = q;
        }
        while let Some((j, q)) = next(a, (-d.0, -d.1), &used) {
            used[j] = true;
            a = q;
        }
        prims.push(Prim::Line(vec![a, b], c, w));
    }
}

fn zone_radius(pop: u32, max_pop: u32) -> i32 {
    4 + (10.0 * (f64::from(pop) / f64::from(max_pop.max(1))).sqrt()).round() as i32
}

/// Every zone whose node is known, with its position in pixels and its
/// marker radius (by population), in region order: the loop each map draws
/// its zones with.
fn zone_marks<'a>(s: &'a Scenario, f: &Frame) -> Vec<(&'a Zone, (i32, i32), i32)> {
    let xy = node_xy(s);
    let max_pop = s
        .region
        .zones
        .iter()
        .map(|z| z.population)
        .max()
        .unwrap_or(1);
    s.region
        .zones
        .iter()
        .filter_map(|z| {
            let &(x, y) = xy.get(&z.node)?;
            Some((z, f.px(x, y), zone_radius(z.population, max_pop)))
        })
        .collect()
}

/// Zones in squares of [`ZONE_CELL_PX`] pixels, for maps of more than
/// [`MAX_ZONE_MARKERS`] zones: per square (its top-left pixel, in order),
/// the `value`s of its zones merged by `worst`.
fn zone_squares<T: Copy>(
    marks: &[(&Zone, (i32, i32), i32)],
    value: impl Fn(&Zone) -> T,
    worst: impl Fn(T, T) -> T,
) -> Vec<((i32, i32), T)> {
    let mut cells: BTreeMap<(i32, i32), T> = BTreeMap::new();
    for (z, (x, y), _) in marks {
        let key = (y.div_euclid(ZONE_CELL_PX), x.div_euclid(ZONE_CELL_PX));
        let v = value(z);
        cells
            .entry(key)
            .and_modify(|w| *w = worst(*w, v))
            .or_insert(v);
    }
    cells
        .into_iter()
        .map(|((r, c), v)| ((c * ZONE_CELL_PX, r * ZONE_CELL_PX), v))
        .collect()
}

/// One square of zones: `fill`, edged with `ring`.
fn zone_square(prims: &mut Vec<Prim>, (x, y): (i32, i32), fill: RGBColor, ring: RGBColor) {
    let (a, b) = ((x, y), (x + ZONE_CELL_PX - 1, y + ZONE_CELL_PX - 1));
    prims.push(Prim::Rect(a, b, fill, 1.0));
    prims.push(Prim::Frame(a, b, ring));
}

/// The legend's note on a map whose zones are drawn as squares.
fn zone_squares_note(legend: &mut Legend, n: usize) {
    let l = lang();
    legend.text(&t!(l, "map.legend.zone_cells", n = n, px = ZONE_CELL_PX));
    legend.text(text(l, "map.legend.zone_cells_worst"));
}

/// A map's title, top left.
fn title_text(prims: &mut Vec<Prim>, text: &str) {
    prims.push(Prim::Text(
        text.to_string(),
        (PANEL.0, 22),
        17,
        BLACK,
        HPos::Left,
        true,
    ));
}

/// Draw a hazard layer's cells (see [`class_rects`]), polygons and
/// perimeter, and add its classes to the legend.
fn hazard(layer: &HazardLayer, f: &Frame, prims: &mut Vec<Prim>, legend: &mut Legend) {
    let alpha = 0.75;
    let colour = |k: usize| {
        let [r, g, b] = layer.classes[k].rgb;
        RGBColor(r, g, b)
    };
    for (k, [x0, y0, x1, y1]) in class_rects(layer, MAX_CELLS_PER_SIDE) {
        prims.push(Prim::Rect(
            clamp_panel(f.px(x0, y1)),
            clamp_panel(f.px(x1, y0)),
            colour(k),
            alpha,
        ));
    }
    for p in &layer.polygons {
        if let Some(k) = layer.class_of(p.value) {
            let pts = p
                .ring
                .iter()
                .map(|(x, y)| clamp_panel(f.px(*x, *y)))
                .collect();
            prims.push(Prim::Poly(pts, colour(k), alpha));
        }
    }
    legend.heading(&layer.name);
    for (k, c) in layer.classes.iter().enumerate() {
        legend.swatch(colour(k), alpha, &c.label);
    }
    if let (Some(h), Some(g)) = (layer.perimeter_h, &layer.grid) {
        for [a, b] in perimeter(g, h) {
            prims.push(Prim::Line(
                vec![clamp_panel(f.px(a.0, a.1)), clamp_panel(f.px(b.0, b.1))],
                PERIMETER,
                2,
            ));
        }
        legend.line(
            PERIMETER,
            2,
            &t!(lang(), "map.legend.perimeter", h = format!("{h:.1}")),
        );
    }
}

fn facility_colour(d: DamageState) -> RGBColor {
    match d {
        DamageState::None => palette::GREEN,
        DamageState::Slight | DamageState::Moderate => palette::YELLOW,
        DamageState::Extensive | DamageState::Complete => palette::RED,
    }
}

/// Zones' fill by the number of services they are without (0–3).
const ZONE_FILL: [RGBColor; 4] = [palette::SKY, palette::YELLOW, palette::ORANGE, palette::RED];

/// The map of roads, facilities and zones at `hour` (hours since the start),
/// replayed from `events`, over hazard footprints (none, one or more, drawn
/// in order). `name` is the file stem, `caption` what the hour means (e.g.
/// `"onset + 24 h"`).
pub fn state_map(
    name: &str,
    scenario: &Scenario,
    events: &[SimEvent],
    hour: f64,
    caption: &str,
    hazard_layers: &[HazardLayer],
) -> Result<Figure, DrawError> {
    let t = SimTime((hour * 3600.0).round().max(0.0) as u64);
    let state = state_at(events, t.0);
    let f = Frame::of(scenario);
    let mut prims = Vec::new();
    let mut legend = Legend::new();
    let title = format!("{} — {hour:.1} h ({caption})", scenario.region.name);
    title_text(&mut prims, &title);
    for layer in hazard_layers {
        hazard(layer, &f, &mut prims, &mut legend);
    }
    roads(scenario, &f, Some(&state), &mut prims, false);
    let marks = zone_marks(scenario, &f);
    let squares = marks.len() > MAX_ZONE_MARKERS;
    if squares {
        let value = |z: &Zone| {
            (
                state.services_out(z.id).min(3),
                state.contaminated.contains(&z.id),
            )
        };
        let worst = |a: (usize, bool), b: (usize, bool)| (a.0.max(b.0), a.1 || b.1);
        for (at, (out, dirty)) in zone_squares(&marks, value, worst) {
            let ring = if dirty {
                palette::PURPLE
            } else {
                palette::GREY
            };
            zone_square(&mut prims, at, ZONE_FILL[out], ring);
        }
    } else {
        for (z, at, r) in marks.iter().copied() {
            let (ring, w) = if state.contaminated.contains(&z.id) {
                (palette::PURPLE, 3)
            } else {
                (palette::GREY, 1)
            };
            prims.push(Prim::Circle(
                at,
                r,
                ZONE_FILL[state.services_out(z.id).min(3)],
                ring,
                w,
            ));
        }
    }
    let xy = node_xy(scenario);
    for fac in &scenario.region.facilities {
        let Some(&(x, y)) = xy.get(&fac.node) else {
            continue;
        };
        let (px, py) = f.px(x, y);
        let c = facility_colour(state.facility(fac.id));
        prims.push(Prim::Rect((px - 4, py - 4), (px + 4, py + 4), c, 1.0));
        prims.push(Prim::Frame((px - 4, py - 4), (px + 4, py + 4), BLACK));
    }
    furniture(&f, &mut prims);
    let l = lang();
    legend.heading(text(l, "map.legend.roads"));
    legend.line(palette::GREY, 1, text(l, "map.legend.open"));
    legend.line(palette::ORANGE, 3, text(l, "map.legend.damaged"));
    legend.line(palette::RED, 3, text(l, "map.legend.closed"));
    legend.line(palette::GREY, 4, text(l, "map.legend.main_road"));
    legend.heading(text(l, "map.legend.facilities"));
    legend.swatch(palette::GREEN, 1.0, text(l, "map.legend.working"));
    legend.swatch(palette::YELLOW, 1.0, text(l, "map.legend.slight_moderate"));
    legend.swatch(palette::RED, 1.0, text(l, "map.legend.extensive_complete"));
    legend.heading(text(l, "map.legend.zones"));
    legend.dot(
        ZONE_FILL[0],
        palette::GREY,
        1,
        text(l, "map.legend.all_services"),
    );
    for (n, fill) in ZONE_FILL.iter().enumerate().skip(1) {
        legend.dot(
            *fill,
            palette::GREY,
            1,
            &t!(l, "map.legend.services_out", n = n),
        );
    }
    legend.dot(WHITE, palette::PURPLE, 3, text(l, "map.legend.cleanup"));
    if squares {
        zone_squares_note(&mut legend, marks.len());
    }
    prims.extend(legend.prims);
    render(name, &title, &MapDraw { prims })
}

/// One hazard footprint on its own: the layer over the road network (faded)
/// with zones as hollow rings, a scale bar, north mark and the layer's
/// legend. `title` heads the map.
pub fn footprint_map(
    name: &str,
    scenario: &Scenario,
    layer: &HazardLayer,
    title: &str,
) -> Result<Figure, DrawError> {
    let f = Frame::of(scenario);
    let mut prims = Vec::new();
    let mut legend = Legend::new();
    title_text(&mut prims, title);
    hazard(layer, &f, &mut prims, &mut legend);
    roads(scenario, &f, None, &mut prims, true);
    let marks = zone_marks(scenario, &f);
    let squares = marks.len() > MAX_ZONE_MARKERS;
    if squares {
        for (at, ()) in zone_squares(&marks, |_| (), |(), ()| ()) {
            zone_square(&mut prims, at, WHITE, palette::GREY);
        }
    } else {
        for (_, at, _) in &marks {
            prims.push(Prim::Circle(*at, 4, WHITE, palette::GREY, 1));
        }
    }
    furniture(&f, &mut prims);
    let l = lang();
    legend.heading(text(l, "map.legend.region"));
    legend.line(palette::LIGHT, 2, text(l, "map.legend.road_network"));
    legend.dot(WHITE, palette::GREY, 1, text(l, "map.legend.zone"));
    if squares {
        zone_squares_note(&mut legend, marks.len());
    }
    prims.extend(legend.prims);
    render(name, title, &MapDraw { prims })
}

/// The four risk classes, worst first: lower bound of P and colour.
pub const RISK_CLASSES: [(f64, &str); 4] = [
    (0.5, "P ≥ 0.5"),
    (0.25, "0.25 ≤ P < 0.5"),
    (0.05, "0.05 ≤ P < 0.25"),
    (0.0, "P < 0.05"),
];
const RISK_FILL: [RGBColor; 4] = [
    RGBColor(0xD7, 0x19, 0x1C),
    RGBColor(0xFD, 0x8D, 0x3C),
    RGBColor(0xFF, 0xE6, 0x4D),
    RGBColor(0x2C, 0x7B, 0xB6),
];

/// The risk class (0 red … 3 blue) of a probability.
pub fn risk_class(p: f64) -> usize {
    RISK_CLASSES
        .iter()
        .position(|(lo, _)| p >= *lo)
        .unwrap_or(3)
}

/// Zones coloured red, orange, yellow or blue by `risks` (from
/// [`qilian_evaluator::curves::zone_risk`]); `what` says what P is, e.g.
/// `"P(power out beyond 72 h)"`. Zones without a risk are drawn hollow.
pub fn risk_map(
    name: &str,
    scenario: &Scenario,
    risks: &[ZoneRisk],
    what: &str,
) -> Result<Figure, DrawError> {
    let f = Frame::of(scenario);
    let mut prims = Vec::new();
    let mut legend = Legend::new();
    let runs = risks.iter().map(|r| r.runs).max().unwrap_or(0);
    let title = format!("{what} — {runs} runs");
    title_text(&mut prims, &title);
    roads(scenario, &f, None, &mut prims, true);
    let by_zone: BTreeMap<ZoneId, f64> = risks.iter().map(|r| (r.zone, r.p)).collect();
    let marks = zone_marks(scenario, &f);
    let squares = marks.len() > MAX_ZONE_MARKERS;
    let fill = |class: Option<usize>| class.map_or(WHITE, |k| RISK_FILL[k]);
    if squares {
        let value = |z: &Zone| by_zone.get(&z.id).map(|p| risk_class(*p));
        // The worst class is the lowest; a zone without a risk does not count.
        let worst = |a: Option<usize>, b: Option<usize>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (at, class) in zone_squares(&marks, value, worst) {
            zone_square(&mut prims, at, fill(class), palette::GREY);
        }
    } else {
        for (z, at, r) in marks.iter().copied() {
            let class = by_zone.get(&z.id).map(|p| risk_class(*p));
            prims.push(Prim::Circle(at, r + 2, fill(class), palette::GREY, 1));
        }
    }
    furniture(&f, &mut prims);
    legend.heading(what);
    for (k, (_, label)) in RISK_CLASSES.iter().enumerate() {
        legend.dot(RISK_FILL[k], palette::GREY, 1, label);
    }
    legend.dot(WHITE, palette::GREY, 1, "no data");
    if squares {
        zone_squares_note(&mut legend, marks.len());
    }
    legend.heading("roads");
    legend.line(palette::LIGHT, 2, "road network");
    prims.extend(legend.prims);
    render(name, &title, &MapDraw { prims })
}

/// A chemical's name in `l` (氯气 for chlorine); a chemical the catalogue
/// has no name for stays as the scenario gives it.
pub(crate) fn chemical_name(l: qilian_i18n::Lang, chemical: &str) -> String {
    match chemical.to_ascii_lowercase().as_str() {
        "chlorine" | "cl2" => qilian_i18n::text(l, "chemical.chlorine").to_string(),
        _ => chemical.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_lengths() {
        assert_eq!(nice_length(1400.0), 1000.0);
        assert_eq!(nice_length(2600.0), 2000.0);
        assert_eq!(nice_length(7000.0), 5000.0);
        assert_eq!(nice_length(0.5), 1.0);
    }

    #[test]
    fn classes_pick_the_right_band() {
        let g = HazardGrid {
            xll: 0.0,
            yll: 0.0,
            cell_m: 1.0,
            ncols: 1,
            nrows: 1,
            values: vec![0.0],
        };
        let flood = HazardLayer::flood_depth(g.clone());
        assert_eq!(flood.class_of(0.01), None);
        assert_eq!(flood.class_of(0.7), Some(1));
        assert_eq!(flood.class_of(5.0), Some(3));
        assert_eq!(flood.class_of(f64::NAN), None);
        let fire = HazardLayer::fire_arrival_h(g);
        assert_eq!(fire.class_of(0.5), Some(0));
        assert_eq!(fire.class_of(4.0), Some(2));
        assert_eq!(fire.class_of(20.0), None);
        assert_eq!(risk_class(0.7), 0);
        assert_eq!(ppm(0.5), "0.5");
        assert_eq!(ppm(2.0), "2");
        assert_eq!(ppm(20.0), "20");
        assert_eq!(ppm(0.123456), "0.123");
        assert_eq!(risk_class(0.3), 1);
        assert_eq!(risk_class(0.1), 2);
        assert_eq!(risk_class(0.0), 3);
    }

    #[test]
    fn arrival_layers_at_an_hour_keep_what_burnt_and_draw_its_edge() {
        // 4 × 4 cells of 10 m: arrival (h) grows west to east; NaN never.
        let g = HazardGrid {
            xll: 0.0,
            yll: 0.0,
            cell_m: 10.0,
            ncols: 4,
            nrows: 4,
            values: (0..16)
                .map(|i| {
                    if i % 4 == 3 {
                        f64::NAN
                    } else {
                        (i % 4) as f64 + 0.5
                    }
                })
                .collect(),
        };
        assert_eq!(g.value_at(5.0, 35.0), 0.5);
        assert_eq!(g.value_at(25.0, 5.0), 2.5);
        assert!(g.value_at(-1.0, 5.0).is_nan());
        let fire = HazardLayer::fire_arrival_h(g).at_hour(1.5);
        let kept = fire.grid.as_ref().unwrap();
        assert_eq!(kept.values.iter().filter(|v| v.is_finite()).count(), 8);
        // The burnt block is x 0–20 m, y 0–40 m: its edge is 2 + 2 + 4 + 4 = 12
        // cells long, in four merged segments.
        let segs = perimeter(kept, 1.5);
        assert_eq!(segs.len(), 4, "{segs:?}");
        let len: f64 = segs
            .iter()
            .map(|[a, b]| (a.0 - b.0).abs() + (a.1 - b.1).abs())
            .sum();
        assert_eq!(len, 120.0);
        // Per row: ≤ 1 h in the west cell, 1–3 h in the next.
        let rects = class_rects(&fire, 160);
        assert_eq!(rects.len(), 8);
        for (k, r) in &rects {
            assert_eq!((r[0], r[2]), [(0.0, 10.0), (10.0, 20.0)][*k], "{rects:?}");
        }
        // Isochrones follow the fire's duration.
        let long = HazardGrid {
            values: vec![0.5, 30.0, 100.0, f64::NAN],
            ncols: 2,
            nrows: 2,
            ..kept.clone()
        };
        let iso = HazardLayer::fire_isochrones_h(long);
        let labels: Vec<&str> = iso.classes.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "≤ 6 h",
                "6–12 h",
                "12–24 h",
                "24–48 h",
                "48–72 h",
                "72–120 h"
            ]
        );
        assert_eq!(iso.class_of(0.5), Some(0));
        assert_eq!(iso.class_of(100.0), Some(5));
        assert_eq!(iso.classes[0].rgb, [0xB3, 0x1B, 0x1B]);
        assert_eq!(iso.classes[5].rgb, [0xFD, 0xCC, 0x8A]);
        // Other layers are not cut.
        let flood = HazardLayer::flood_depth(kept.clone()).at_hour(0.0);
        assert_eq!(flood.perimeter_h, None);
    }
}
