//! CSV for spreadsheets: the per-tick series, stress-test rows, and the
//! tables behind the fan chart and the zone risk map.

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

/// Write a fan as CSV: `hour,curve,p10,p50,p90`, curves in name order.
pub fn write_fan_csv(
    out: &mut impl Write,
    fan: &qilian_evaluator::curves::Fan,
) -> std::io::Result<()> {
    writeln!(out, "hour,curve,p10,p50,p90")?;
    for (name, band) in &fan.bands {
        for (h, [p10, p50, p90]) in band.iter().enumerate() {
            writeln!(out, "{h},{name},{p10},{p50},{p90}")?;
        }
    }
    Ok(())
}

/// Write zone risks as CSV: `zone,name,service,deadline_h,p_out_past_deadline,runs`.
pub fn write_zone_risk_csv(
    out: &mut impl Write,
    scenario: &qilian_engine::Scenario,
    risks: &[(
        qilian_engine::Service,
        f64,
        Vec<qilian_evaluator::curves::ZoneRisk>,
    )],
) -> std::io::Result<()> {
    let names: std::collections::BTreeMap<_, &str> = scenario
        .region
        .zones
        .iter()
        .map(|z| (z.id, z.name.as_str()))
        .collect();
    writeln!(out, "zone,name,service,deadline_h,p_out_past_deadline,runs")?;
    for (service, deadline, rs) in risks {
        for r in rs {
            let name = names.get(&r.zone).copied().unwrap_or("").replace(',', ";");
            writeln!(
                out,
                "{},{name},{},{deadline},{},{}",
                r.zone.0,
                service.name(),
                r.p,
                r.runs
            )?;
        }
    }
    Ok(())
}

/// Write per-zone service outcomes of one run as CSV: for each service the
/// hours without it and when it was back for good (hours after the onset,
/// empty if not by the horizon).
pub fn write_zones_csv(
    out: &mut impl Write,
    run: &qilian_engine::RunResult,
    summary: &qilian_evaluator::Summary,
) -> std::io::Result<()> {
    use qilian_engine::Service;
    let d = crate::replay::Durations::of(&run.events, run.scenario.horizon().0);
    let restores = qilian_evaluator::curves::zone_restores(run, summary.onset_h);
    write!(out, "zone,name,population")?;
    for s in Service::ALL {
        write!(out, ",{0}_out_h,{0}_restored_h", s.name())?;
    }
    writeln!(out)?;
    for (z, r) in run.scenario.region.zones.iter().zip(&restores) {
        write!(
            out,
            "{},{},{}",
            z.id.0,
            z.name.replace(',', ";"),
            z.population
        )?;
        for s in Service::ALL {
            let h = d.out_h.get(&(z.id, s)).copied().unwrap_or(0.0);
            write!(out, ",{},", (h * 1e4).round() / 1e4)?;
            if let Some(t) = r.get(s) {
                write!(out, "{t}")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
