//! The embedded font: DejaVu Sans, registered with plotters as `sans-serif`
//! once per process, so every chart renders the same text on a machine with
//! no system fonts (plotters' `ab_glyph` backend reads only registered fonts).

use plotters::style::{FontStyle, register_font};
use std::sync::Once;

/// Family name every figure uses.
pub(crate) const FAMILY: &str = "sans-serif";

static REGISTER: Once = Once::new();

/// Register DejaVu Sans (regular and bold) as `sans-serif`; later calls do
/// nothing. Every drawing entry point calls it, so callers need not.
pub fn ensure() {
    REGISTER.call_once(|| {
        // The fonts are compiled in: failing to parse them is a broken build.
        register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular())
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans is not a valid font"));
        register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold())
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans Bold is not a valid font"));
    });
}
