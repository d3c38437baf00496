//! `qilian model NAME [--input CASES.csv]`: one hazard model on a table.

use super::{qilian, scratch, text};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run `qilian model NAME` with `input` on standard input.
fn model_stdin(name: &str, input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qilian"))
        .args(["model", name])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("binary finishes")
}

/// The value of column `col` in data row `row` (0-based) of CSV `out`.
fn cell(out: &str, row: usize, col: &str) -> f64 {
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == col).unwrap();
    let line = lines.nth(row).unwrap();
    line.split(',').nth(i).unwrap().parse().unwrap()
}

#[test]
fn every_model_answers_on_stdin_with_its_columns() {
    let cases = [
        (
            "gmpe",
            "gmpe,mag,rake_deg,rjb_km,vs30_mps,imt\nBooreAtkinson2008,6.5,90,10,400,PGA\n",
            "median_g,sigma_ln",
        ),
        (
            "fragility",
            "class,im\nEP.S.L.U,1.0\n",
            "p_ge_slight,p_ge_moderate,p_ge_extensive,p_ge_complete",
        ),
        (
            "plume",
            "q_kg_s,u_m_s,stability,x_m,y_m,z_m,h_m,terrain\n0.1,7,D,1500,0,0,90,rural\n",
            "sigma_y_m,sigma_z_m,c_kg_m3",
        ),
        (
            "probit",
            "chemical,c_ppm,t_min\nchlorine,433,10\n",
            "toxic_load,probit,p_fatality",
        ),
        (
            "fire-spread",
            "fuel_model,m1h_pct,m10h_pct,m100h_pct,mlh_pct,mlw_pct,midflame_wind_m_s,slope_pct\n1,8,8,8,100,100,2.2352,0\n",
            "ros_m_min,reaction_intensity_kw_m2,fireline_intensity_kw_m,flame_length_m",
        ),
        (
            "depth-damage",
            "region,occupancy,depth_m\nasia,residential,1.0\n",
            "damage_fraction",
        ),
        (
            "liquefaction",
            "susceptibility,pga_g,mag,groundwater_m\nhigh,0.3,7.5,1.524\n",
            "p_liquefaction,lateral_spread_in,settlement_in,mean_settlement_in,pgd_in",
        ),
    ];
    for (name, input, outputs) in cases {
        let o = model_stdin(name, input);
        let (out, err) = text(&o);
        assert!(o.status.success(), "{name}: {err}");
        let header = out.lines().next().unwrap();
        let inputs = input.lines().next().unwrap();
        assert_eq!(header, format!("{inputs},{outputs}"), "{name}");
        // Input cells come back unchanged.
        let row = out.lines().nth(1).unwrap();
        assert!(
            row.starts_with(input.lines().nth(1).unwrap()),
            "{name}: {row}"
        );
    }
}

#[test]
fn published_numbers_come_out() {
    // De Visscher (2014) Ex. 2.1: 160.3 µg/m³.
    let o = model_stdin(
        "plume",
        "q_kg_s,u_m_s,stability,x_m,y_m,z_m,h_m,terrain\n0.1,7,D,1500,0,0,90,rural\n",
    );
    let c = cell(&text(&o).0, 0, "c_kg_m3");
    assert!((c / 160.3e-9 - 1.0).abs() < 1e-3, "{c}");
    // BehavePlus, Anderson model 1 at 8 % dead, 5 mi/h: 27.185238 m/min.
    let o = model_stdin(
        "fire-spread",
        "fuel_model,m1h_pct,m10h_pct,m100h_pct,mlh_pct,mlw_pct,midflame_wind_m_s,slope_pct\nFM1,8,8,8,100,100,2.2352,0\n",
    );
    let r = cell(&text(&o).0, 0, "ros_m_min");
    assert!((r / 27.185238 - 1.0).abs() < 1e-5, "{r}");
}

#[test]
fn input_file_and_bad_rows() {
    let dir = scratch("model");
    std::fs::write(
        dir.join("cases.csv"),
        "class,im\nEP.S.L.A,0.2\nEP.S.X.Y,0.3\n",
    )
    .unwrap();
    let o = qilian(&dir, &["model", "fragility", "--input", "cases.csv"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(err.contains("cases.csv") && err.contains("row 3"), "{err}");
    assert!(out.is_empty(), "no partial table on error: {out}");

    std::fs::write(dir.join("ok.csv"), "class,im\nHWB.GS.5,0.5\n").unwrap();
    let o = qilian(&dir, &["model", "fragility", "--input", "ok.csv"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let p = cell(&text(&o).0, 0, "p_ge_slight");
    assert!(p > 0.0 && p < 1.0);

    let o = qilian(&dir, &["model", "nope", "--input", "ok.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("unknown model"));

    let o = qilian(&dir, &["model", "gmpe", "--input", "missing.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("missing.csv"));
    let _ = std::fs::remove_dir_all(dir);
}
