//! The CSV table driver behind `qilian model NAME --input CASES.csv`.
//!
//! Pure string in, string out: [`run_model`] takes the model name and the
//! text of a CSV table, evaluates the model on every row and returns the
//! table with the model's output columns appended. No file IO happens here;
//! the CLI reads and writes the files.
//!
//! **Registry.** Each model is a [`ModelTable`] (name, input and output column
//! names, a row evaluator); [`MODELS`] lists every model `qilian model`
//! knows, in one place. Tests add their own through [`run_model_in`].
//!
//! | name | inputs | outputs |
//! |---|---|---|
//! | `gmpe` | `gmpe` (`AkkarBommer2010`, `BooreAtkinson2008`), `mag`, `rake_deg`, `rjb_km`, `vs30_mps`, `imt` (`PGA`, `SA(0.2)`, `SA(1.0)`) | `median_g`, `sigma_ln` |
//! | `fragility` | `class`, `im` (the class's demand unit) | `p_ge_slight`, `p_ge_moderate`, `p_ge_extensive`, `p_ge_complete` (empty past the class's last state) |
//! | `plume` | `q_kg_s`, `u_m_s`, `stability` (A–F), `x_m`, `y_m`, `z_m`, `h_m`, `terrain` (`rural`, `urban`) | `sigma_y_m`, `sigma_z_m`, `c_kg_m3` |
//! | `probit` | `chemical` (`chlorine`), `c_ppm`, `t_min` | `toxic_load`, `probit`, `p_fatality` |
//! | `fire-spread` | `fuel_model` (number or code), `m1h_pct`, `m10h_pct`, `m100h_pct`, `mlh_pct`, `mlw_pct`, `midflame_wind_m_s`, `slope_pct` (wind blowing upslope) | `ros_m_min`, `reaction_intensity_kw_m2`, `fireline_intensity_kw_m`, `flame_length_m` |
//! | `depth-damage` | `region`, `occupancy`, `depth_m` | `damage_fraction` |
//! | `liquefaction` | `susceptibility` (`very high` … `very low`, `none`), `pga_g`, `mag`, `groundwater_m` | `p_liquefaction`, `lateral_spread_in`, `settlement_in`, `mean_settlement_in`, `pgd_in` (given liquefaction) |
//! | `dambreak` | `h_left_m`, `h_right_m`, `x0_m`, `x_m`, `t_s` | `h_m`, `u_m_s` (the project's flood solver on a 1-D channel) |
//!
//! **Input format.** Comma-separated; the first non-comment line is the
//! header (a leading UTF-8 byte-order mark is ignored). Fields may be wrapped in double quotes (`""` inside quotes is a
//! literal quote); quoted fields may not span lines. A trailing `\r` is
//! dropped, spaces around unquoted values are ignored, blank lines and lines
//! whose first non-blank character is `#` are skipped. Input columns may come
//! in any order; extra columns are passed through untouched.
//!
//! **Output format.** The header and every data row are repeated with their
//! original cell text (quotes and spaces included), then the output columns,
//! joined with `,` and ended with `\n`; comment and blank lines are dropped.
//! Numbers are written by [`fmt_f64`]: the shortest decimal that parses back
//! to the identical `f64` (so any tolerance survives a round trip), in plain
//! notation for 1e-5 ≤ |v| < 1e16 and scientific (`1.5e-7`) otherwise;
//! `-inf` appears only as the probit of a zero toxic load (a result that
//! overflows to ±inf is reported as a row error instead).
//!
//! **Errors.** [`CaseError::Row`] carries the 1-based *line number* of the
//! offending line in the input text: the header is row 1 when the file starts
//! with it, so the first data row is row 2, and comment or blank lines are
//! counted, so the number is the line an editor shows. Header problems
//! (missing or duplicated columns) report the header's line. Rejected: missing
//! columns, wrong field counts, empty or unparsable numbers, NaN and ±inf,
//! negative distances, heights, emission rates, concentrations or durations,
//! a plume receptor at or upwind of the source (`x_m` ≤ 0), non-positive
//! wind speed or Vs30, magnitudes outside the GMPE's stated range, rake
//! outside −180…180, unknown names (model, GMPE, IMT, class, chemical, region,
//! occupancy). Accepted with documented handling: Rjb and Vs30 beyond a
//! GMPE's stated range (smooth extrapolation; the authors' own verification
//! tables use Vs30 1500 m/s), plume distances outside Briggs's 100 m–10 km
//! fit, and negative flood depth (water below floor level: damage 0). No
//! input makes this module panic.

use crate::csv::CsvError;
pub use crate::csv::{Field, Record, parse_csv};
use crate::depth_damage::{Occupancy, Region};
use crate::fragility;
use crate::gmpe::{self, Imt, Rupture, Site};
use crate::plume::{self, Receptor, Source, Stability, Terrain};
use crate::toxic::Chemical;
use crate::units::{Degrees, KgPerSecond, Km, Metres, MetresPerSecond, Minutes, Ppm};

/// Why a table could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// No model of this name is registered.
    #[error("unknown model `{name}` (known: {known})")]
    UnknownModel {
        /// The name asked for.
        name: String,
        /// The registered names, comma-separated.
        known: String,
    },
    /// A problem with one line of the table (see the module doc for numbering).
    #[error("row {row}: {message}")]
    Row {
        /// 1-based line number in the input text.
        row: usize,
        /// What is wrong, naming the column where there is one.
        message: String,
    },
}

impl From<CsvError> for CaseError {
    fn from(e: CsvError) -> Self {
        CaseError::at(e.row, e.message)
    }
}

impl CaseError {
    /// The line number, for row errors.
    pub fn row(&self) -> Option<usize> {
        match self {
            CaseError::UnknownModel { .. } => None,
            CaseError::Row { row, .. } => Some(*row),
        }
    }

    fn at(row: usize, message: impl Into<String>) -> Self {
        CaseError::Row {
            row,
            message: message.into(),
        }
    }
}

/// Writes a cell, quoting it if it holds a separator, quote or line break.
fn quote_if_needed(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Shortest round-trip decimal for `v` (see the module doc). `-0` prints `0`.
pub fn fmt_f64(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if !v.is_finite() || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// `v` if finite, else a message naming `what`: guards the output against
/// overflow from extreme but individually valid inputs.
fn finite(v: f64, what: &str) -> Result<f64, String> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{what} is not finite ({v}): inputs too extreme"))
    }
}

/// One data row as a model sees it: the cells of its input columns.
#[derive(Debug)]
pub struct Row<'a> {
    names: &'static [&'static str],
    cells: Vec<&'a str>,
}

impl<'a> Row<'a> {
    /// Builds a row from a model's input names and the matching cells (same
    /// order); useful for calling [`ModelTable::eval`] directly.
    pub fn new(names: &'static [&'static str], cells: Vec<&'a str>) -> Self {
        Row { names, cells }
    }

    /// The (unquoted, trimmed) text of input column `col`.
    pub fn text(&self, col: &str) -> Result<&'a str, String> {
        self.names
            .iter()
            .position(|n| *n == col)
            .and_then(|i| self.cells.get(i).copied())
            .ok_or_else(|| format!("column `{col}` is not a declared input of this model"))
    }

    /// Column `col` as a finite number.
    pub fn number(&self, col: &str) -> Result<f64, String> {
        let s = self.text(col)?;
        if s.is_empty() {
            return Err(format!("column `{col}` is empty"));
        }
        let v: f64 = s
            .parse()
            .map_err(|_| format!("column `{col}`: `{s}` is not a number"))?;
        if !v.is_finite() {
            return Err(format!("column `{col}`: `{s}` is not a finite number"));
        }
        Ok(v)
    }

    /// Column `col` as a finite number ≥ 0.
    pub fn non_negative(&self, col: &str) -> Result<f64, String> {
        let v = self.number(col)?;
        if v < 0.0 {
            return Err(format!("column `{col}`: {v} must not be negative"));
        }
        Ok(v)
    }

    /// Column `col` as a finite number > 0.
    pub fn positive(&self, col: &str) -> Result<f64, String> {
        let v = self.number(col)?;
        if v <= 0.0 {
            return Err(format!("column `{col}`: {v} must be positive"));
        }
        Ok(v)
    }

    /// Column `col` parsed with [`std::str::FromStr`].
    pub fn parse<T>(&self, col: &str) -> Result<T, String>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        self.text(col)?
            .parse()
            .map_err(|e| format!("column `{col}`: {e}"))
    }
}

/// A model that can be driven by a CSV table.
pub trait ModelTable: Sync {
    /// The name used on the command line.
    fn name(&self) -> &'static str;
    /// Required input columns.
    fn inputs(&self) -> &'static [&'static str];
    /// Output columns, in the order `eval` returns them.
    fn outputs(&self) -> &'static [&'static str];
    /// Evaluates one row; `Err` holds a message naming the column at fault.
    /// Must return exactly `outputs().len()` cells and must not panic.
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String>;
}

/// This crate's models, in a fixed order.
pub static MODELS: &[&dyn ModelTable] = &[
    &GmpeTable,
    &FragilityTable,
    &PlumeTable,
    &ProbitTable,
    &FireSpreadTable,
    &DepthDamageTable,
    &DamBreakTable,
    &LiquefactionTable,
];

/// Runs model `name` from [`MODELS`] over `csv_in`.
pub fn run_model(name: &str, csv_in: &str) -> Result<String, CaseError> {
    run_model_in(MODELS, name, csv_in)
}

/// Runs model `name` from `registry` over `csv_in`.
pub fn run_model_in(
    registry: &[&dyn ModelTable],
    name: &str,
    csv_in: &str,
) -> Result<String, CaseError> {
    let model = registry
        .iter()
        .copied()
        .find(|m| m.name() == name)
        .ok_or_else(|| CaseError::UnknownModel {
            name: name.to_string(),
            known: registry
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let records = parse_csv(csv_in)?;
    let Some((header, data)) = records.split_first() else {
        return Err(CaseError::at(1, "empty input: expected a header row"));
    };
    let names: Vec<&str> = header.fields.iter().map(|f| f.value.as_str()).collect();

    let mut index = Vec::with_capacity(model.inputs().len());
    for col in model.inputs() {
        let mut hits = names.iter().enumerate().filter(|(_, n)| *n == col);
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => index.push(i),
            (None, _) => {
                return Err(CaseError::at(
                    header.row,
                    format!(
                        "missing column `{col}` (model `{}` needs: {})",
                        model.name(),
                        model.inputs().join(", ")
                    ),
                ));
            }
            (Some(_), Some(_)) => {
                return Err(CaseError::at(
                    header.row,
                    format!("column `{col}` appears twice"),
                ));
            }
        }
    }
    if let Some(col) = model.outputs().iter().find(|o| names.contains(o)) {
        return Err(CaseError::at(
            header.row,
            format!("input already has output column `{col}`; rename it (e.g. `expected_{col}`)"),
        ));
    }

    let mut out = String::new();
    let raw_header: Vec<&str> = header.fields.iter().map(|f| f.raw).collect();
    out.push_str(&raw_header.join(","));
    for o in model.outputs() {
        out.push(',');
        out.push_str(o);
    }
    out.push('\n');

    for rec in data {
        if rec.fields.len() != header.fields.len() {
            return Err(CaseError::at(
                rec.row,
                format!(
                    "expected {} fields like the header, found {}",
                    header.fields.len(),
                    rec.fields.len()
                ),
            ));
        }
        let cells = index
            .iter()
            .map(|&i| rec.fields[i].value.as_str())
            .collect();
        let row = Row::new(model.inputs(), cells);
        let values = model.eval(&row).map_err(|m| CaseError::at(rec.row, m))?;
        if values.len() != model.outputs().len() {
            return Err(CaseError::at(
                rec.row,
                format!(
                    "model `{}` returned {} values for {} output columns",
                    model.name(),
                    values.len(),
                    model.outputs().len()
                ),
            ));
        }
        let raw: Vec<&str> = rec.fields.iter().map(|f| f.raw).collect();
        out.push_str(&raw.join(","));
        for v in &values {
            out.push(',');
            out.push_str(&quote_if_needed(v));
        }
        out.push('\n');
    }
    Ok(out)
}

/// `fire-spread`: Rothermel surface fire at a point, wind blowing upslope
/// (see [`crate::fire::table`]).
#[derive(Debug, Clone, Copy)]
pub struct FireSpreadTable;

impl ModelTable for FireSpreadTable {
    fn name(&self) -> &'static str {
        crate::fire::table::FIRE_SPREAD_MODEL
    }
    fn inputs(&self) -> &'static [&'static str] {
        &crate::fire::table::FIRE_SPREAD_INPUTS
    }
    fn outputs(&self) -> &'static [&'static str] {
        &crate::fire::table::FIRE_SPREAD_OUTPUTS
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        let out = crate::fire::table::fire_spread_row(|k| row.text(k).ok())?;
        Ok(out.into_iter().map(|(_, v)| v).collect())
    }
}

/// `dambreak`: depth and velocity of a dam break on a horizontal frictionless
/// channel, computed by running the project's flood solver on a one-row grid
/// ([`crate::flood::dambreak_profile`]), not by a closed form. Cells are 5 mm
/// for fans up to c·t = 3.2 m (c = √(g h_max)), the reference cases' scale,
/// and grow in proportion beyond, so every case costs about the same
/// (≈ 3,000 cells, ≈ 2,000 steps).
#[derive(Debug, Clone, Copy)]
pub struct DamBreakTable;

impl ModelTable for DamBreakTable {
    fn name(&self) -> &'static str {
        "dambreak"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &["h_left_m", "h_right_m", "x0_m", "x_m", "t_s"]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &["h_m", "u_m_s"]
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        let h_left = row.non_negative("h_left_m")?;
        let h_right = row.non_negative("h_right_m")?;
        let x0 = row.number("x0_m")?;
        let x = row.number("x_m")?;
        let t = row.non_negative("t_s")?;
        if h_left.max(h_right) <= 0.0 {
            return Err("columns `h_left_m`, `h_right_m`: one side must hold water".into());
        }
        let c = (crate::flood::solver::G * h_left.max(h_right)).sqrt();
        let dx = 0.005 * (c * t / 3.2).max(1.0);
        if !(dx.is_finite() && (x - x0).abs() / dx < 1e12) {
            return Err("inputs too extreme for the channel grid".into());
        }
        let opts = crate::flood::DamBreakOptions {
            dx,
            ..Default::default()
        };
        let p = crate::flood::dambreak_profile(h_left, h_right, x0, t, opts)
            .map_err(|e| e.to_string())?;
        let (h, u) = p.sample(x);
        Ok(vec![
            fmt_f64(finite(h, "h_m")?),
            fmt_f64(finite(u, "u_m_s")?),
        ])
    }
}

/// `gmpe`: median and total σ of a GMPE (see [`crate::gmpe`]).
#[derive(Debug, Clone, Copy)]
pub struct GmpeTable;

impl ModelTable for GmpeTable {
    fn name(&self) -> &'static str {
        "gmpe"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &["gmpe", "mag", "rake_deg", "rjb_km", "vs30_mps", "imt"]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &["median_g", "sigma_ln"]
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        let name = row.text("gmpe")?;
        let model = gmpe::by_name(name).ok_or_else(|| {
            let known: Vec<_> = gmpe::MODELS.iter().map(|m| m.name()).collect();
            format!(
                "column `gmpe`: unknown GMPE `{name}` (expected one of: {})",
                known.join(", ")
            )
        })?;
        let valid = model.validity();
        let mag = row.number("mag")?;
        if !valid.mag_ok(mag) {
            return Err(format!(
                "column `mag`: {mag} is outside {}'s range Mw {}–{}",
                model.name(),
                valid.mag.0,
                valid.mag.1
            ));
        }
        let rake = row.number("rake_deg")?;
        if !(-180.0..=180.0).contains(&rake) {
            return Err(format!("column `rake_deg`: {rake} is outside −180…180"));
        }
        let rjb = row.non_negative("rjb_km")?;
        let vs30 = row.positive("vs30_mps")?;
        let imt: Imt = row.parse("imt")?;
        let r = model.median_sigma(
            &Rupture {
                mag,
                rake: Degrees(rake),
            },
            &Site {
                rjb: Km(rjb),
                vs30: MetresPerSecond(vs30),
            },
            imt,
        );
        Ok(vec![
            fmt_f64(finite(r.median.0, "median_g")?),
            fmt_f64(r.sigma_ln),
        ])
    }
}

/// `fragility`: monotone exceedance probabilities of a Hazus class.
#[derive(Debug, Clone, Copy)]
pub struct FragilityTable;

impl ModelTable for FragilityTable {
    fn name(&self) -> &'static str {
        "fragility"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &["class", "im"]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &[
            "p_ge_slight",
            "p_ge_moderate",
            "p_ge_extensive",
            "p_ge_complete",
        ]
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        let class =
            fragility::class(row.text("class")?).map_err(|e| format!("column `class`: {e}"))?;
        let im = row.non_negative("im")?;
        Ok(class
            .p_exceed(im)
            .iter()
            .map(|p| p.map(fmt_f64).unwrap_or_default())
            .collect())
    }
}

/// `plume`: reflected Gaussian plume concentration.
#[derive(Debug, Clone, Copy)]
pub struct PlumeTable;

impl ModelTable for PlumeTable {
    fn name(&self) -> &'static str {
        "plume"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &[
            "q_kg_s",
            "u_m_s",
            "stability",
            "x_m",
            "y_m",
            "z_m",
            "h_m",
            "terrain",
        ]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &["sigma_y_m", "sigma_z_m", "c_kg_m3"]
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        let src = Source {
            q: KgPerSecond(row.non_negative("q_kg_s")?),
            h: Metres(row.non_negative("h_m")?),
        };
        let u = MetresPerSecond(row.positive("u_m_s")?);
        let stability: Stability = row.parse("stability")?;
        let terrain: Terrain = row.parse("terrain")?;
        let x = row.number("x_m")?;
        if x <= 0.0 {
            return Err(format!(
                "column `x_m`: {x} must be positive (receptor downwind of the source)"
            ));
        }
        let rec = Receptor {
            x: Metres(x),
            y: Metres(row.number("y_m")?),
            z: Metres(row.non_negative("z_m")?),
        };
        let p = plume::plume(&src, u, stability, terrain, &rec);
        Ok(vec![
            fmt_f64(finite(p.sigmas.y.0, "sigma_y_m")?),
            fmt_f64(finite(p.sigmas.z.0, "sigma_z_m")?),
            fmt_f64(finite(p.c.0, "c_kg_m3")?),
        ])
    }
}

/// `probit`: toxic load, probit and fatality probability of a constant exposure.
#[derive(Debug, Clone, Copy)]
pub struct ProbitTable;

impl ModelTable for ProbitTable {
    fn name(&self) -> &'static str {
        "probit"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &["chemical", "c_ppm", "t_min"]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &["toxic_load", "probit", "p_fatality"]
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        let chem: Chemical = row.parse("chemical")?;
        let c = Ppm(row.non_negative("c_ppm")?);
        let t = Minutes(row.non_negative("t_min")?);
        let probit = chem.lethality_probit();
        let load = finite(probit.load(&[(c, t)]), "toxic_load")?;
        Ok(vec![
            fmt_f64(load),
            fmt_f64(probit.probit(load)),
            fmt_f64(probit.p_fatality(load)),
        ])
    }
}

/// `depth-damage`: JRC flood damage fraction.
#[derive(Debug, Clone, Copy)]
pub struct DepthDamageTable;

impl ModelTable for DepthDamageTable {
    fn name(&self) -> &'static str {
        "depth-damage"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &["region", "occupancy", "depth_m"]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &["damage_fraction"]
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        let region: Region = row.parse("region")?;
        let occupancy: Occupancy = row.parse("occupancy")?;
        let depth = Metres(row.number("depth_m")?);
        let f = crate::depth_damage::damage_fraction(region, occupancy, depth)
            .map_err(|e| format!("columns `region`/`occupancy`: {e}"))?;
        Ok(vec![fmt_f64(f)])
    }
}

/// `liquefaction`: Hazus liquefaction probability and ground deformation.
#[derive(Debug, Clone, Copy)]
pub struct LiquefactionTable;

impl ModelTable for LiquefactionTable {
    fn name(&self) -> &'static str {
        "liquefaction"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &["susceptibility", "pga_g", "mag", "groundwater_m"]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &[
            "p_liquefaction",
            "lateral_spread_in",
            "settlement_in",
            "mean_settlement_in",
            "pgd_in",
        ]
    }
    fn eval(&self, row: &Row<'_>) -> Result<Vec<String>, String> {
        use crate::liquefaction::{self, MAGNITUDE_RANGE, Susceptibility};
        let s: Susceptibility = row.parse("susceptibility")?;
        let pga = row.non_negative("pga_g")?;
        let mag = row.number("mag")?;
        let (lo, hi) = MAGNITUDE_RANGE;
        if !(lo..=hi).contains(&mag) {
            return Err(format!("column `mag`: {mag} is outside {lo}…{hi}"));
        }
        let depth = row.non_negative("groundwater_m")?;
        if depth > 30.0 {
            return Err(format!("column `groundwater_m`: {depth} is outside 0…30"));
        }
        let g = liquefaction::ground_failure(s, pga, mag, depth);
        Ok(vec![
            fmt_f64(g.p_liquefaction),
            fmt_f64(g.lateral_spread_in),
            fmt_f64(g.settlement_in),
            fmt_f64(g.expected_settlement_in),
            fmt_f64(g.pgd_in),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_dialect() {
        let recs = parse_csv("# c\na, \"b,c\" ,\"say \"\"hi\"\"\"\r\n\n1,2,3").unwrap_or_default();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].row, 2);
        let v: Vec<_> = recs[0].fields.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(v, ["a", "b,c", "say \"hi\""]);
        assert_eq!(recs[0].fields[1].raw, " \"b,c\" ");
        assert_eq!(recs[1].row, 4);
        assert_eq!(parse_csv("a,\"b").map_err(|e| e.row), Err(1));
        assert_eq!(parse_csv("a,\"b\"x").map_err(|e| e.row), Err(1));
        assert_eq!(parse_csv("a,").map(|r| r[0].fields.len()), Ok(2));
    }

    #[test]
    fn float_format_round_trips() {
        for v in [
            0.1,
            1.0 / 3.0,
            1e-7,
            2.5e-300,
            123456.789,
            1e20,
            -4.2e-9,
            0.2140787716481098,
        ] {
            let s = fmt_f64(v);
            assert_eq!(s.parse::<f64>(), Ok(v), "{s}");
        }
        assert_eq!(fmt_f64(-0.0), "0");
        assert_eq!(fmt_f64(1e-7), "1e-7");
        assert_eq!(fmt_f64(0.5), "0.5");
    }

    #[test]
    fn every_model_has_unique_columns() {
        for m in MODELS {
            let mut all: Vec<_> = m.inputs().iter().chain(m.outputs()).collect();
            let n = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "{}", m.name());
        }
    }
}
