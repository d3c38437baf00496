//! The embedded font: Noto Sans CJK SC (SIL Open Font License 1.1, see
//! `viewer/fonts/LICENSE-NotoSansCJK.txt`), cut down by
//! `viewer/fonts/subset.py` to ASCII and Latin-1, the symbols the charts
//! use, CJK punctuation, the 3,755 level-1 hanzi of GB 2312 and every
//! character of the repository's catalogues, scenarios and pages. Regular
//! and bold are registered with plotters as `sans-serif` once per process,
//! so every chart and map renders the same Chinese and Latin text on a
//! machine with no fonts installed (plotters' `ab_glyph` backend reads only
//! registered fonts).
//!
//! SVG: a browser draws `<text>` with its own fonts, and a machine without
//! CJK fonts would show boxes. [`outline_svg_text`] therefore draws every
//! text of a figure's SVG as glyph outlines (`<path>`) from the same font,
//! keeping the `<text>` element beside it, transparent, so the text can
//! still be selected and searched. `report.html`'s own text uses
//! [`WOFF2`], the regular face as a web font, inlined as a data URI.

use ab_glyph::{Font as _, FontRef, OutlineCurve};
use plotters::style::{FontStyle, register_font};
use std::fmt::Write as _;
use std::sync::{Once, OnceLock};

/// Family name every figure uses.
pub(crate) const FAMILY: &str = "sans-serif";

/// The regular face (OpenType, CFF outlines).
pub const REGULAR: &[u8] = include_bytes!("../fonts/NotoSansSC-Qilian-Regular.otf");
/// The bold face.
pub const BOLD: &[u8] = include_bytes!("../fonts/NotoSansSC-Qilian-Bold.otf");
/// The regular face as WOFF2, for `@font-face` in HTML pages.
pub const WOFF2: &[u8] = include_bytes!("../fonts/NotoSansSC-Qilian-Regular.woff2");

static REGISTER: Once = Once::new();

/// Register the embedded faces (regular and bold) as `sans-serif`; later
/// calls do nothing. Every drawing entry point calls it, so callers need not.
pub fn ensure() {
    REGISTER.call_once(|| {
        // The fonts are compiled in: failing to parse them is a broken build.
        register_font(FAMILY, FontStyle::Normal, REGULAR)
            .unwrap_or_else(|_| panic!("embedded Noto Sans SC is not a valid font"));
        register_font(FAMILY, FontStyle::Bold, BOLD)
            .unwrap_or_else(|_| panic!("embedded Noto Sans SC Bold is not a valid font"));
    });
}

fn face(bold: bool) -> &'static FontRef<'static> {
    static FACES: OnceLock<[FontRef<'static>; 2]> = OnceLock::new();
    let f = FACES.get_or_init(|| {
        [REGULAR, BOLD].map(|b| {
            FontRef::try_from_slice(b).unwrap_or_else(|_| panic!("embedded font does not parse"))
        })
    });
    &f[bold as usize]
}

/// Whether the embedded (regular) font has a glyph for `c`.
pub fn has_glyph(c: char) -> bool {
    face(false).glyph_id(c).0 != 0
}

/// The characters of `text` the embedded font has no glyph for (controls
/// and whitespace aside), in order, each once.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if !c.is_control() && !c.is_whitespace() && !has_glyph(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The value of attribute `name` in an SVG start tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = attrs.find(&key)? + key.len();
    let end = attrs[i..].find('"')?;
    Some(&attrs[i..i + end])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// One line of text as a path in font units (y up), and its advance width.
fn glyph_path(text: &str, bold: bool) -> (String, f32) {
    let f = face(bold);
    let mut d = String::new();
    let mut pen = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            pen += f.kern_unscaled(p, id);
        }
        if let Some(o) = f.outline(id) {
            let mut last = None;
            let pt = |d: &mut String, p: ab_glyph::Point| {
                let _ = write!(d, "{} {} ", (p.x + pen).round(), p.y.round());
            };
            for curve in &o.curves {
                let (start, rest): (ab_glyph::Point, Vec<ab_glyph::Point>) = match curve {
                    OutlineCurve::Line(a, b) => (*a, vec![*b]),
                    OutlineCurve::Quad(a, b, c) => (*a, vec![*b, *c]),
                    OutlineCurve::Cubic(a, b, c, e) => (*a, vec![*b, *c, *e]),
                };
                if last != Some(start) {
                    d.push('M');
                    pt(&mut d, start);
                }
                d.push(match rest.len() {
                    1 => 'L',
                    2 => 'Q',
                    _ => 'C',
                });
                for p in &rest {
                    pt(&mut d, *p);
                }
                last = rest.last().copied();
            }
        }
        pen += f.h_advance_unscaled(id);
        prev = Some(id);
    }
    (d.trim_end().to_string(), pen)
}

/// Draw every `<text>` of an SVG written by plotters as glyph outlines from
/// the embedded font: before each `<text>` element a `<path>` in the same
/// place, size, colour and rotation; the `<text>` itself stays, with
/// opacity 0, so the words can be selected and searched. The SVG then shows
/// the same letters on any machine, with or without CJK fonts.
pub fn outline_svg_text(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() * 2);
    let mut rest = svg;
    while let Some(i) = rest.find("<text ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (Some(gt), Some(close)) = (tail.find('>'), tail.find("</text>")) else {
            break;
        };
        let attrs = &tail[5..gt];
        let content = unescape(tail[gt + 1..close].trim_matches('\n'));
        let num = |n: &str| attr(attrs, n).and_then(|v| v.parse::<f32>().ok());
        if let (Some(x), Some(y), Some(size)) = (num("x"), num("y"), num("font-size")) {
            let bold = attr(attrs, "font-weight") == Some("bold");
            let f = face(bold);
            let upem = f.units_per_em().unwrap_or(1000.0);
            let scale = size / upem;
            let (d, width) = glyph_path(&content, bold);
            let x0 = match attr(attrs, "text-anchor") {
                Some("middle") => x - width * scale / 2.0,
                Some("end") => x - width * scale,
                _ => x,
            };
            // plotters' vertical anchors as `dy`: 0.76em (top), 0.5ex
            // (centre), -0.5ex (bottom); 1ex taken as 0.5em, CSS's own
            // fallback when a font gives no x-height.
            let baseline = y + match attr(attrs, "dy") {
                Some("0.76em") => 0.76 * size,
                Some("0.5ex") => 0.25 * size,
                Some("-0.5ex") => -0.25 * size,
                _ => 0.0,
            };
            let mut transform = String::new();
            if let Some(t) = attr(attrs, "transform") {
                transform.push_str(t);
                transform.push(' ');
            }
            let _ = write!(
                transform,
                "translate({},{}) scale({},{})",
                round2(x0),
                round2(baseline),
                round5(scale),
                round5(-scale)
            );
            if !d.is_empty() {
                let _ = writeln!(
                    out,
                    "<path transform=\"{transform}\" d=\"{d}\" fill=\"{}\" opacity=\"{}\"/>",
                    attr(attrs, "fill").unwrap_or("#000000"),
                    attr(attrs, "opacity").unwrap_or("1")
                );
            }
            let hidden = match attr(attrs, "opacity") {
                Some(o) => attrs.replacen(&format!(" opacity=\"{o}\""), " opacity=\"0\"", 1),
                None => format!("{attrs} opacity=\"0\""),
            };
            out.push_str("<text");
            out.push_str(&hidden);
            out.push_str(&tail[gt..close]);
        } else {
            out.push_str(&tail[..close]);
        }
        rest = &tail[close..];
    }
    out.push_str(rest);
    out
}

fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn round5(v: f32) -> f32 {
    (v * 100_000.0).round() / 100_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_latin_have_glyphs_and_private_use_does_not() {
        assert!(missing_glyphs("甘州区 地震演练 Ganzhou 0–9 ≥ ·").is_empty());
        assert_eq!(missing_glyphs("\u{E000}a\u{E000}"), vec!['\u{E000}']);
    }

    /// Every character of the catalogues, the stock scenarios and the
    /// drill pages has a glyph (rerun `fonts/subset.py` when this fails).
    #[test]
    fn the_font_covers_the_catalogues_and_stock_names() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        let mut stack = vec![
            root.join("i18n/catalogue"),
            root.join("scenarios"),
            root.join("drill/src/pages"),
        ];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| {
                    ["msg", "ron", "html", "js"].contains(&x.to_str().unwrap_or(""))
                }) {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 20, "found only {} files", files.len());
        let mut chinese = 0;
        for p in files {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            chinese += text
                .chars()
                .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
                .count();
            let missing = missing_glyphs(&text);
            assert!(
                missing.is_empty(),
                "{}: no glyph for {missing:?}",
                p.display()
            );
        }
        assert!(chinese > 500, "only {chinese} hanzi checked");
        // The 3,755 level-1 hanzi of GB 2312 start at 啊 and end at 座.
        assert!(missing_glyphs("啊阿埃座").is_empty());
    }

    /// Ink of one character drawn by plotters' bitmap backend in the
    /// registered font.
    fn ink(s: &str) -> Vec<u8> {
        use plotters::prelude::*;
        ensure();
        let mut buf = vec![255u8; 64 * 64 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (64, 64)).into_drawing_area();
            root.draw_text(s, &(FAMILY, 48).into_font().color(&BLACK), (4, 4))
                .unwrap();
            root.present().unwrap();
        }
        buf
    }

    #[test]
    fn chinese_renders_as_distinct_glyphs_not_boxes() {
        let tofu = ink("\u{E000}");
        let dark = |b: &[u8]| b.iter().filter(|&&v| v < 128).count();
        let glyphs: Vec<Vec<u8>> = ["甘", "州", "区"].iter().map(|c| ink(c)).collect();
        for (i, g) in glyphs.iter().enumerate() {
            assert!(dark(g) > 100, "character {i} drew almost no ink");
            assert_ne!(g, &tofu, "character {i} drew the missing-glyph box");
            for h in &glyphs[i + 1..] {
                assert_ne!(g, h, "two characters drew the same pixels");
            }
        }
    }

    #[test]
    fn svg_text_becomes_a_path_and_stays_as_hidden_text() {
        let svg = "<svg>\n<text x=\"10\" y=\"20\" dy=\"0.76em\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"12\" opacity=\"1\" fill=\"#000000\">\n甘州区 &amp; A\n</text>\n</svg>\n";
        let out = outline_svg_text(svg);
        assert_eq!(out.matches("<path ").count(), 1, "{out}");
        assert!(
            out.contains("opacity=\"0\" fill=\"#000000\">\n甘州区 &amp; A\n</text>"),
            "{out}"
        );
        assert!(out.contains(" d=\"M"), "{out}");
        // Distinct characters give distinct outlines.
        assert_ne!(glyph_path("甘", false).0, glyph_path("州", false).0);
        assert_ne!(glyph_path("州", false).0, glyph_path("州", true).0);
    }
}
