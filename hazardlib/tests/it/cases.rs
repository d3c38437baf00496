//! Table tests through `cases::run_model`, error rows, and a fuzz-ish test.
//!
//! Each `run_*.csv` holds the model's input columns plus `expected_<out>`
//! columns and a per-row tolerance (`tol_kind` = `rel` or `abs`, `tol`). The
//! driver passes the extra columns through, so one `check()` compares every
//! output with its expectation in the same output row. An empty expectation
//! is not checked; `<empty>` expects an empty output cell.

use super::rel_err;
use qilian_hazardlib::cases::{CaseError, MODELS, parse_csv, run_model};

/// Runs `model` over `table`, asserts every expectation and returns the
/// largest error seen per tolerance kind (rel, abs).
fn check(model: &str, table: &str) -> (f64, f64) {
    let out = run_model(model, table).unwrap_or_else(|e| panic!("{model}: {e}"));
    let recs = parse_csv(&out).expect("driver output parses");
    let header: Vec<&str> = recs[0].fields.iter().map(|f| f.value.as_str()).collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (kind_i, tol_i) = (col("tol_kind").expect("tol_kind"), col("tol").expect("tol"));
    let (mut max_rel, mut max_abs) = (0.0f64, 0.0f64);
    let mut checked = 0;
    for rec in &recs[1..] {
        let cell = |i: usize| rec.fields[i].value.as_str();
        let tol: f64 = cell(tol_i).parse().expect("tol is a number");
        for (i, h) in header.iter().enumerate() {
            let Some(out_name) = h.strip_prefix("expected_") else {
                continue;
            };
            let want = cell(i);
            let got = cell(col(out_name).expect("output column exists"));
            match want {
                "" => continue,
                "<empty>" => assert_eq!(got, "", "row {}: {out_name}", rec.row),
                _ => {
                    let w: f64 = want.parse().expect("expected value is a number");
                    let g: f64 = got
                        .parse()
                        .unwrap_or_else(|_| panic!("row {}: `{got}`", rec.row));
                    let err = match cell(kind_i) {
                        "rel" => {
                            max_rel = max_rel.max(rel_err(g, w));
                            rel_err(g, w)
                        }
                        "abs" => {
                            max_abs = max_abs.max((g - w).abs());
                            (g - w).abs()
                        }
                        k => panic!("unknown tol_kind {k}"),
                    };
                    assert!(
                        err <= tol,
                        "{model} row {}: {out_name} = {g}, expected {w} ± {tol}",
                        rec.row
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "{model}: nothing checked");
    eprintln!("{model}: {checked} values, max rel err {max_rel:.3e}, max abs err {max_abs:.3e}");
    (max_rel, max_abs)
}

#[test]
fn gmpe_table() {
    check("gmpe", include_str!("../data/run_gmpe.csv"));
}

#[test]
fn fragility_table() {
    check("fragility", include_str!("../data/run_fragility.csv"));
}

#[test]
fn plume_table() {
    check("plume", include_str!("../data/run_plume.csv"));
}

#[test]
fn probit_table() {
    check("probit", include_str!("../data/run_probit.csv"));
}

#[test]
fn depth_damage_table() {
    check("depth-damage", include_str!("../data/run_depth_damage.csv"));
}

#[test]
fn liquefaction_table() {
    check("liquefaction", include_str!("../data/run_liquefaction.csv"));
}

#[test]
fn liquefaction_bad_rows_name_their_line() {
    let h = "susceptibility,pga_g,mag,groundwater_m\n";
    let good = "high,0.3,7.0,1.5\n";
    for (what, bad) in [
        ("unknown category", "medium,0.3,7.0,1.5\n"),
        ("negative pga", "high,-0.3,7.0,1.5\n"),
        ("magnitude below 5", "high,0.3,4.5,1.5\n"),
        ("magnitude above 8.5", "high,0.3,9.0,1.5\n"),
        ("negative groundwater", "high,0.3,7.0,-1\n"),
        ("groundwater beyond 30 m", "high,0.3,7.0,31\n"),
    ] {
        let input = format!("{h}{good}{bad}{good}");
        assert_eq!(row_of("liquefaction", &input), Some(3), "{what}");
    }
    // Hazus names and RON variant names both parse.
    let out = run_model(
        "liquefaction",
        &format!("{h}Very High,0.3,7,1.5\nvery_low,0.3,7,1.5\nNotSusceptible,0.3,7,1.5\n"),
    );
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn output_keeps_input_text_and_column_order() {
    let input = "note, imt ,\"gmpe\",mag,rake_deg,rjb_km,vs30_mps\r\n\
                 \"a, b\",PGA,AkkarBommer2010,6.0,0,10,400\r\n";
    let out = run_model("gmpe", input).expect("valid table");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("note, imt ,\"gmpe\",mag,rake_deg,rjb_km,vs30_mps,median_g,sigma_ln")
    );
    let row = lines.next().expect("one data row");
    assert!(
        row.starts_with("\"a, b\",PGA,AkkarBommer2010,6.0,0,10,400,"),
        "{row}"
    );
    assert_eq!(lines.next(), None);
}

fn row_of(model: &str, input: &str) -> Option<usize> {
    match run_model(model, input) {
        Ok(out) => panic!("{model} accepted bad input:\n{input}\n->\n{out}"),
        Err(e) => {
            eprintln!("{model}: {e}");
            e.row()
        }
    }
}

#[test]
fn bad_rows_name_their_line() {
    let h = "gmpe,mag,rake_deg,rjb_km,vs30_mps,imt\n";
    let good = "BooreAtkinson2008,6,0,10,400,PGA\n";
    let cases = [
        ("not-a-number", "BooreAtkinson2008,six,0,10,400,PGA\n"),
        ("negative distance", "BooreAtkinson2008,6,0,-1,400,PGA\n"),
        ("NaN", "BooreAtkinson2008,6,0,NaN,400,PGA\n"),
        ("inf", "BooreAtkinson2008,6,0,10,inf,PGA\n"),
        ("zero vs30", "BooreAtkinson2008,6,0,10,0,PGA\n"),
        (
            "mag below range (BA08 verification row Mw 4)",
            "BooreAtkinson2008,4,0,0,760,PGA\n",
        ),
        ("mag above AK10 range", "AkkarBommer2010,7.8,0,10,400,PGA\n"),
        ("rake out of range", "AkkarBommer2010,6,200,10,400,PGA\n"),
        ("unknown gmpe", "Campbell2003,6,0,10,400,PGA\n"),
        ("unknown imt", "AkkarBommer2010,6,0,10,400,SA(0.3)\n"),
        ("empty cell", "AkkarBommer2010,,0,10,400,PGA\n"),
        ("short row", "AkkarBommer2010,6,0,10,400\n"),
        ("long row", "AkkarBommer2010,6,0,10,400,PGA,x\n"),
    ];
    for (what, bad) in cases {
        let input = format!("{h}{good}{good}{bad}{good}");
        assert_eq!(row_of("gmpe", &input), Some(4), "{what}");
    }
    // Comment and blank lines count, so the row is the editor's line number.
    assert_eq!(
        row_of(
            "gmpe",
            &format!("# c\n\n{h}{good}BooreAtkinson2008,6,0,-5,400,PGA\n")
        ),
        Some(5)
    );
    // Header problems point at the header line.
    assert_eq!(
        row_of(
            "gmpe",
            "gmpe,mag,rake_deg,rjb_km,imt\nBooreAtkinson2008,6,0,10,PGA\n"
        ),
        Some(1)
    );
    assert_eq!(row_of("gmpe", &format!("mag,{h}{good}")), Some(1));
    assert_eq!(
        row_of("gmpe", "gmpe,mag,rake_deg,rjb_km,vs30_mps,imt,median_g\n"),
        Some(1)
    );
    assert_eq!(row_of("gmpe", ""), Some(1));

    assert_eq!(
        row_of("fragility", "class,im\nEP.S.L.A,0.3\nEP.X.Y,0.3\n"),
        Some(3)
    );
    assert_eq!(row_of("fragility", "class,im\nEP.S.L.A,-0.3\n"), Some(2));
    let ph = "q_kg_s,u_m_s,stability,x_m,y_m,z_m,h_m,terrain\n";
    assert_eq!(
        row_of("plume", &format!("{ph}1,0,D,100,0,0,0,rural\n")),
        Some(2)
    );
    assert_eq!(
        row_of("plume", &format!("{ph}1,3,G,100,0,0,0,rural\n")),
        Some(2)
    );
    assert_eq!(
        row_of("plume", &format!("{ph}1,3,D,-100,0,0,0,rural\n")),
        Some(2)
    );
    assert_eq!(
        row_of("plume", &format!("{ph}1,3,D,100,0,-1,0,rural\n")),
        Some(2)
    );
    assert_eq!(
        row_of("plume", &format!("{ph}1,3,D,100,0,0,0,suburban\n")),
        Some(2)
    );
    assert_eq!(
        row_of(
            "probit",
            "chemical,c_ppm,t_min\nchlorine,10,10\nammonia,10,10\n"
        ),
        Some(3)
    );
    assert_eq!(
        row_of("probit", "chemical,c_ppm,t_min\nchlorine,-1,10\n"),
        Some(2)
    );
    assert_eq!(
        row_of("depth-damage", "region,occupancy,depth_m\nafrica,roads,1\n"),
        Some(2)
    );
    assert_eq!(
        row_of(
            "depth-damage",
            "region,occupancy,depth_m\nmars,residential,1\n"
        ),
        Some(2)
    );

    assert_eq!(
        row_of("plume", &format!("{ph}1e300,1e-300,D,100,0,0,0,rural\n")),
        Some(2)
    );
    assert_eq!(
        row_of("probit", "chemical,c_ppm,t_min\nchlorine,1e300,10\n"),
        Some(2)
    );

    assert!(matches!(
        run_model("fire", "a\n"),
        Err(CaseError::UnknownModel { .. })
    ));
}

#[test]
fn byte_order_mark_is_ignored() {
    let out = run_model(
        "depth-damage",
        "\u{feff}region,occupancy,depth_m\nasia,roads,6\n",
    );
    assert_eq!(
        out,
        Ok("region,occupancy,depth_m,damage_fraction\nasia,roads,6,1\n".to_string())
    );
}

#[test]
fn zero_exposure_and_extremes_are_handled() {
    let out = run_model(
        "probit",
        "chemical,c_ppm,t_min\nchlorine,0,10\nchlorine,1e6,600\n",
    )
    .expect("valid table");
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[1], "chlorine,0,10,0,-inf,0");
    assert!(rows[2].ends_with(",1"), "{}", rows[2]);
    let out = run_model(
        "depth-damage",
        "region,occupancy,depth_m\nglobal,roads,-3\n",
    )
    .expect("ok");
    assert!(out.ends_with(",0\n"));
}

/// A tiny deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() as usize) % xs.len()]
    }
}

#[test]
fn garbage_never_panics() {
    let mut rng = Lcg(0x5eed);
    let alphabet: Vec<char> = "abcAZ019.,-+eE\"\"\r\n\n #\t;é∞\u{0}\u{feff}"
        .chars()
        .collect();
    let tokens = [
        "",
        " ",
        "0",
        "-0",
        "1",
        "-1",
        "1e308",
        "-1e308",
        "1e-320",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "infinity",
        "\"\"",
        "\"5\"",
        "\"5",
        "5\"",
        "1,2",
        "PGA",
        "SA(0.2)",
        "SA(1.0)",
        "sa(9)",
        "AkkarBommer2010",
        "BooreAtkinson2008",
        "EP.S.L.U",
        "HRD.GF.1",
        "HTU.GS.2",
        "D",
        "F",
        "Z",
        "rural",
        "urban",
        "chlorine",
        "ammonia",
        "asia",
        "roads",
        "building averaged",
        "é",
        "7.6",
        "180",
        "-180",
        "181",
        "760",
        "0.03",
        "0.09",
    ];
    let models: Vec<_> = MODELS.iter().map(|m| (m.name(), m.inputs())).collect();
    for _ in 0..3000 {
        // Random characters.
        let n = (rng.next() % 60) as usize;
        let junk: String = (0..n).map(|_| *rng.pick(&alphabet)).collect();
        let (name, inputs) = *rng.pick(&models);
        let _ = run_model(name, &junk);
        // A valid header with random cells, sometimes shuffled or truncated.
        let mut table = inputs.join(",");
        table.push('\n');
        for _ in 0..3 {
            let cells: Vec<&str> = inputs.iter().map(|_| *rng.pick(&tokens)).collect();
            table.push_str(&cells.join(","));
            let ends: [&str; 4] = ["\n", "\r\n", ",\n", ""];
            let end = *rng.pick(&ends);
            table.push_str(end);
        }
        if let Err(e) = run_model(name, &table) {
            assert!(e.row().is_some_and(|r| r >= 1), "{e}");
        }
    }
}

/// A stand-in for a model registered by someone else.
struct Doubler;

impl qilian_hazardlib::cases::ModelTable for Doubler {
    fn name(&self) -> &'static str {
        "double"
    }
    fn inputs(&self) -> &'static [&'static str] {
        &["x"]
    }
    fn outputs(&self) -> &'static [&'static str] {
        &["two_x", "label"]
    }
    fn eval(&self, row: &qilian_hazardlib::cases::Row<'_>) -> Result<Vec<String>, String> {
        let x = row.number("x")?;
        Ok(vec![
            qilian_hazardlib::cases::fmt_f64(2.0 * x),
            "a,b".to_string(),
        ])
    }
}

#[test]
fn other_models_register_through_the_same_list() {
    use qilian_hazardlib::cases::run_model_in;
    let registry = [MODELS, &[&Doubler]].concat();
    let out = run_model_in(&registry, "double", "x\n1.5\n");
    assert_eq!(out, Ok("x,two_x,label\n1.5,3,\"a,b\"\n".to_string()));
    assert!(run_model_in(&registry, "plume", "q_kg_s\n").is_err());
    match run_model_in(&registry, "nope", "x\n") {
        Err(CaseError::UnknownModel { known, .. }) => {
            assert_eq!(
                known,
                "gmpe, fragility, plume, probit, fire-spread, depth-damage, dambreak, liquefaction, double"
            )
        }
        other => panic!("{other:?}"),
    }
}

/// `dambreak` runs the flood solver: the Ritter cases inside the rarefaction
/// fan within 0.03 m (the tolerance), through the table driver.
#[test]
fn dambreak_table_matches_ritter_in_the_fan() {
    let cases = include_str!("../data/dambreak_cases.csv")
        .replace(",h_m,u_m_per_s", ",expected_h_m,expected_u_m_s");
    let out = run_model("dambreak", &cases).expect("table runs");
    let recs = parse_csv(&out).unwrap();
    let header: Vec<&str> = recs[0].fields.iter().map(|f| f.value.as_str()).collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let mut checked = 0;
    for rec in &recs[1..] {
        let v = |n: &str| rec.fields[col(n)].value.parse::<f64>().unwrap();
        if rec.fields[col("case")].value != "ritter_dry" {
            continue;
        }
        let (h_l, x0, x, t) = (v("h_left_m"), v("x0_m"), v("x_m"), v("t_s"));
        let c0 = (9.81 * h_l).sqrt();
        if x > x0 - c0 * t && x < x0 + 2.0 * c0 * t {
            let err = (v("h_m") - v("expected_h_m")).abs();
            assert!(err < 0.03, "x {x}: h {} vs {}", v("h_m"), v("expected_h_m"));
            checked += 1;
        }
    }
    assert!(checked >= 3);
}
