//! A [`Figure`]: one drawing rendered twice, to SVG text and to PNG bytes,
//! from the same plotters code. Also the palette every chart and map shares.
//!
//! Drawing code implements [`Draw`] once, generic over the plotters backend;
//! [`render`] runs it on an `SVGBackend`, draws the text as glyph outlines
//! (`fonts`), and rasterises that SVG with resvg for the PNG, so the two
//! show the same picture. Both outputs depend only on the input data: the
//! SVG carries no ids or dates and resvg draws it the same on every run.

use crate::fonts;
use image::ImageEncoder as _;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("drawing {figure}: {message}")]
pub struct DrawError {
    /// The figure's name.
    pub figure: String,
    /// What plotters or the PNG encoder said.
    pub message: String,
}

/// One chart or map, as SVG and as PNG.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// File stem, e.g. `chart-restoration` (written as `.svg` and `.png`).
    pub name: String,
    /// Alternative text: what the figure shows, for the report.
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// PNG image.
    pub png: Vec<u8>,
}

impl Figure {
    /// The SVG without its XML declaration, for inlining into HTML.
    pub fn inline_svg(&self) -> &str {
        match self.svg.find("<svg") {
            Some(i) => &self.svg[i..],
            None => &self.svg,
        }
    }
}

/// A result inside drawing code.
pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Something that can draw itself on any plotters backend.
pub(crate) trait Draw {
    /// Pixel size.
    fn size(&self) -> (u32, u32);
    /// Draw on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Render `d` as SVG and PNG.
pub(crate) fn render(name: &str, title: &str, d: &impl Draw) -> Result<Figure, DrawError> {
    fonts::ensure();
    let err = |message: String| DrawError {
        figure: name.to_string(),
        message,
    };
    let (w, h) = d.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        d.draw(&root).map_err(|e| err(e.to_string()))?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    let svg = fonts::outline_svg_text(&svg);
    let rgb = rasterise(&svg, w, h).map_err(err)?;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    )
    .write_image(&rgb, w, h, image::ColorType::Rgb8)
    .map_err(|e| err(e.to_string()))?;
    Ok(Figure {
        name: name.to_string(),
        title: title.to_string(),
        svg,
        png,
    })
}

/// The outlined SVG drawn into an RGB buffer of `w` × `h` by resvg: the PNG
/// shows exactly what the SVG does, its text in the embedded font's glyph
/// outlines with their own advances and kerning (plotters' bitmap text
/// drops each glyph's side bearing and so spaces letters unevenly). The
/// invisible `<text>` copies are skipped: resvg is built without text.
fn rasterise(svg: &str, w: u32, h: u32) -> Result<Vec<u8>, String> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .map_err(|e| format!("reading the SVG back: {e}"))?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(w, h).ok_or_else(|| format!("no {w} × {h} pixmap"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    // Opaque white under everything: the premultiplied RGBA is plain RGBA.
    Ok(pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect())
}

thread_local! {
    /// The language of figure text drawn on this thread (English unless a
    /// bundle says otherwise with [`in_lang`]).
    static LANG: std::cell::Cell<qilian_i18n::Lang> = const { std::cell::Cell::new(qilian_i18n::Lang::En) };
}

/// The language figures drawn now speak.
pub(crate) fn lang() -> qilian_i18n::Lang {
    LANG.with(|l| l.get())
}

/// Run `f` with figure text in `l` (titles, axes, legends of the charts
/// it draws on this thread), then restore the previous language.
pub(crate) fn in_lang<T>(l: qilian_i18n::Lang, f: impl FnOnce() -> T) -> T {
    let before = LANG.with(|c| c.replace(l));
    let out = f();
    LANG.with(|c| c.set(before));
    out
}

/// Text style of `size` pixels in the embedded font.
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    (fonts::FAMILY, size).into_font().color(&BLACK)
}

/// Bold text.
pub(crate) fn bold(size: u32) -> TextStyle<'static> {
    (fonts::FAMILY, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK)
}

/// Colour-blind-safe colours (Okabe & Ito 2008).
pub(crate) mod palette {
    use plotters::style::RGBColor;

    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    /// Sky blue.
    pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    /// Bluish green.
    pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    /// Yellow.
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Vermillion.
    pub const RED: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Reddish purple.
    pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    /// Dark grey.
    pub const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);
    /// Light grey.
    pub const LIGHT: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

    /// The colour of a service curve by column name.
    pub fn service(name: &str) -> RGBColor {
        match name {
            "power" => ORANGE,
            "water" => BLUE,
            "telecom" => PURPLE,
            "main_roads" => GREY,
            "cleanup" => GREEN,
            _ => SKY,
        }
    }
}

/// A column name for people: `main_roads` → `main roads`.
pub(crate) fn label(name: &str) -> String {
    name.replace('_', " ")
}
