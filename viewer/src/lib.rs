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

/// Write stress-test rows as CSV: `replicate`, then `<target>_met` and
/// `<target>_met_at_h` per target, then every numeric KPI (empty when absent).
pub fn write_replicates_csv(
    out: &mut impl Write,
    rows: &[qilian_evaluator::stress::ReplicateRow],
) -> std::io::Result<()> {
    let mut kpis: Vec<&String> = rows.iter().flat_map(|r| r.kpis.keys()).collect();
    kpis.sort();
    kpis.dedup();
    write!(out, "replicate")?;
    if let Some(first) = rows.first() {
        for t in &first.targets {
            write!(out, ",{0}_met,{0}_met_at_h", t.name)?;
        }
    }
    for k in &kpis {
        write!(out, ",{k}")?;
    }
    writeln!(out)?;
    for r in rows {
        write!(out, "{}", r.replicate)?;
        for t in &r.targets {
            write!(out, ",{},", u8::from(t.met))?;
            if let Some(h) = t.met_at_h {
                write!(out, "{h}")?;
            }
        }
        for k in &kpis {
            write!(out, ",")?;
            if let Some(v) = r.kpis.get(*k) {
                write!(out, "{v}")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
