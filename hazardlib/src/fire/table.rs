//! Row driver for the CLI's `fire-spread` model: one input row of strings in,
//! named output strings out, no IO. The CSV driver that owns files and exit
//! codes calls [`fire_spread_row`] once per row.
//!
//! Input columns: `fuel_model` (number or code, e.g. `4` or `GR1`),
//! `m1h_pct`, `m10h_pct`, `m100h_pct`, `mlh_pct`, `mlw_pct` (moistures, %),
//! `midflame_wind_m_s` (m/s), `slope_pct` (rise/run × 100). The wind blows
//! upslope, as in BehavePlus's default. Output columns: `ros_m_min`,
//! `reaction_intensity_kw_m2`, `fireline_intensity_kw_m`, `flame_length_m`,
//! formatted with Rust's shortest round-trip representation (lossless).

use super::fuel;
use super::rothermel::{Moistures, WindSlope, surface_fire};

/// Name of the model in the CLI's model list.
pub const FIRE_SPREAD_MODEL: &str = "fire-spread";

/// Input columns of [`fire_spread_row`], in a natural order.
pub const FIRE_SPREAD_INPUTS: [&str; 8] = [
    "fuel_model",
    "m1h_pct",
    "m10h_pct",
    "m100h_pct",
    "mlh_pct",
    "mlw_pct",
    "midflame_wind_m_s",
    "slope_pct",
];

/// Output columns of [`fire_spread_row`], in the order returned.
pub const FIRE_SPREAD_OUTPUTS: [&str; 4] = [
    "ros_m_min",
    "reaction_intensity_kw_m2",
    "fireline_intensity_kw_m",
    "flame_length_m",
];

/// Runs Rothermel surface spread for one row. `get` returns the text of a
/// column by name (`None` if the row has no such column). Errors are
/// user-facing messages naming the column or fuel model.
pub fn fire_spread_row<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<Vec<(&'static str, String)>, String> {
    let text = |col: &str| get(col).ok_or_else(|| format!("missing column `{col}`"));
    let num = |col: &str| -> Result<f64, String> {
        let t = text(col)?;
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("column `{col}`: `{t}` is not a finite number"))
    };
    let model =
        fuel::lookup(text("fuel_model")?).map_err(|e| format!("column `fuel_model`: {e}"))?;
    let m = Moistures::from_percent(
        num("m1h_pct")?,
        num("m10h_pct")?,
        num("m100h_pct")?,
        num("mlh_pct")?,
        num("mlw_pct")?,
    );
    let ws = WindSlope::upslope(num("midflame_wind_m_s")?, num("slope_pct")? / 100.0);
    let f = surface_fire(model, &m, &ws).map_err(|e| e.to_string())?;
    Ok(vec![
        (FIRE_SPREAD_OUTPUTS[0], f.ros_m_min.to_string()),
        (
            FIRE_SPREAD_OUTPUTS[1],
            f.reaction_intensity_kw_m2.to_string(),
        ),
        (
            FIRE_SPREAD_OUTPUTS[2],
            f.fireline_intensity_kw_m.to_string(),
        ),
        (FIRE_SPREAD_OUTPUTS[3], f.flame_length_m.to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn run(pairs: &[(&str, &str)]) -> Result<Vec<(&'static str, String)>, String> {
        let row: BTreeMap<&str, &str> = pairs.iter().copied().collect();
        fire_spread_row(|k| row.get(k).copied())
    }

    const FM1: [(&str, &str); 8] = [
        ("fuel_model", "1"),
        ("m1h_pct", "8"),
        ("m10h_pct", "8"),
        ("m100h_pct", "8"),
        ("mlh_pct", "100"),
        ("mlw_pct", "100"),
        ("midflame_wind_m_s", "2.2352"),
        ("slope_pct", "0"),
    ];

    #[test]
    fn fm1_row_matches_behaveplus_case() {
        let out = run(&FM1).unwrap();
        let names: Vec<_> = out.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, FIRE_SPREAD_OUTPUTS);
        let v = |i: usize| out[i].1.parse::<f64>().unwrap();
        // anderson13_cases.csv, model 1: 27.185238 m/min; 124.5475 Btu/ft/s; 4.1406 ft.
        assert!((v(0) / 27.185238 - 1.0).abs() < 1e-6);
        assert!((v(1) / (763.6686 * 0.18924) - 1.0).abs() < 1e-6);
        assert!((v(2) / (124.5475 * 3.4613) - 1.0).abs() < 1e-5);
        assert!((v(3) / (4.1406 * 0.3048) - 1.0).abs() < 2e-5);
        // Codes work as well as numbers.
        let mut by_code = FM1;
        by_code[0].1 = "fm1";
        assert_eq!(run(&by_code).unwrap(), out);
    }

    #[test]
    fn upslope_increases_spread() {
        let mut steep = FM1;
        steep[7].1 = "40";
        let flat: f64 = run(&FM1).unwrap()[0].1.parse().unwrap();
        let up: f64 = run(&steep).unwrap()[0].1.parse().unwrap();
        assert!(up > flat);
    }

    #[test]
    fn user_errors_are_messages() {
        let mut bad = FM1;
        bad[0].1 = "FM99";
        assert!(run(&bad).unwrap_err().contains("unknown fuel model `FM99`"));
        bad = FM1;
        bad[1].1 = "dry";
        assert_eq!(
            run(&bad).unwrap_err(),
            "column `m1h_pct`: `dry` is not a finite number"
        );
        bad = FM1;
        bad[6].1 = "-3";
        assert!(run(&bad).unwrap_err().contains("midflame wind"));
        bad = FM1;
        bad[2].1 = "NaN";
        assert!(run(&bad).unwrap_err().contains("m10h_pct"));
        assert_eq!(run(&FM1[..7]).unwrap_err(), "missing column `slope_pct`");
    }
}
