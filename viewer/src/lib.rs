//! # qilian-viewer
//!
//! Turns results into files people open: the per-tick series as CSV (this
//! module), and later charts, maps, `report.html` and GeoJSON.
//!
//! Only the CLI imports the viewer (DESIGN §1).

use qilian_engine::Series;
use std::io::Write;

/// Write a series as CSV: `t_h` then one column per series column.
pub fn write_series_csv(out: &mut impl Write, series: &Series) -> std::io::Result<()> {
    write!(out, "t_h")?;
    for c in &series.columns {
        write!(out, ",{c}")?;
    }
    writeln!(out)?;
    let w = series.columns.len();
    for (i, t) in series.t.iter().enumerate() {
        write!(out, "{}", t.hours())?;
        for v in &series.values[i * w..(i + 1) * w] {
            write!(out, ",{v}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
