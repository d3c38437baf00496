//! Gaussian plume: Briggs rural σ table within 0.1 % and the worked cases.

use super::{Table, rel_err};
use qilian_hazardlib::plume::{
    Receptor, Source, Stability, Terrain, from_ppm, plume, sigmas, to_ppm,
};
use qilian_hazardlib::units::{KgPerCubicMetre, KgPerSecond, Metres, MetresPerSecond, Ppm};

const BRIGGS: &str = include_str!("../data/briggs_rural_sigmas.csv");

#[test]
fn briggs_rural_sigma_table() {
    let t = Table::parse(BRIGGS);
    let mut max = 0.0f64;
    for r in 0..t.rows.len() {
        let st: Stability = t.text(r, "stability").parse().expect("A-F");
        let s = sigmas(st, Terrain::Rural, Metres(t.num(r, "x_m")));
        max = max
            .max(rel_err(s.y.0, t.num(r, "sigma_y_m")))
            .max(rel_err(s.z.0, t.num(r, "sigma_z_m")));
    }
    eprintln!("Briggs rural sigmas: max rel err {max:.3e}");
    assert!(max < 1e-3);
}

fn ground_c(q_g_s: f64, h: f64, u: f64, x: f64, y: f64) -> f64 {
    let src = Source {
        q: KgPerSecond(q_g_s / 1000.0),
        h: Metres(h),
    };
    let rec = Receptor {
        x: Metres(x),
        y: Metres(y),
        z: Metres(0.0),
    };
    // kg/m³ → µg/m³
    plume(&src, MetresPerSecond(u), Stability::D, Terrain::Rural, &rec)
        .c
        .0
        * 1e9
}

#[test]
fn worked_cases() {
    let cases = [
        (100.0, 90.0, 7.0, 1500.0, 0.0, 160.3),
        (100.0, 90.0, 7.0, 1500.0, 100.0, 107.5),
        (5.0, 30.0, 2.0, 1000.0, 0.0, 201.1399),
    ];
    let mut max = 0.0f64;
    for (q, h, u, x, y, want) in cases {
        let got = ground_c(q, h, u, x, y);
        max = max.max(rel_err(got, want));
        assert!(rel_err(got, want) < 1e-3, "{got} vs {want}");
    }
    eprintln!("plume worked cases: max rel err {max:.3e}");
}

#[test]
fn urban_sigmas_follow_mcelroy_pooler() {
    let x = 1000.0;
    let s = sigmas(Stability::A, Terrain::Urban, Metres(x));
    assert!(rel_err(s.y.0, 0.32 * x / (1.0f64 + 0.0004 * x).sqrt()) < 1e-15);
    assert!(rel_err(s.z.0, 0.24 * x * (1.0f64 + 0.001 * x).sqrt()) < 1e-15);
    assert_eq!(s, sigmas(Stability::B, Terrain::Urban, Metres(x)));
    let f = sigmas(Stability::F, Terrain::Urban, Metres(x));
    assert_eq!(f, sigmas(Stability::E, Terrain::Urban, Metres(x)));
    assert!(rel_err(f.z.0, 0.08 * x / (1.0f64 + 0.0015 * x).sqrt()) < 1e-15);
    // Urban σ exceed rural σ for the same class (rougher surface).
    for st in Stability::ALL {
        let (u, r) = (
            sigmas(st, Terrain::Urban, Metres(x)),
            sigmas(st, Terrain::Rural, Metres(x)),
        );
        assert!(u.y.0 > r.y.0 && u.z.0 > r.z.0, "{st:?}");
    }
}

#[test]
fn reflection_conserves_mass_flux() {
    // ∫∫ C u dy dz over the half-space z ≥ 0 equals Q for a reflected plume.
    let src = Source {
        q: KgPerSecond(2.0),
        h: Metres(20.0),
    };
    let u = MetresPerSecond(4.0);
    let x = Metres(800.0);
    let s = sigmas(Stability::C, Terrain::Rural, x);
    let (dy, dz) = (s.y.0 / 20.0, s.z.0 / 20.0);
    let mut flux = 0.0;
    for i in -200..=200 {
        for j in 0..=400 {
            let rec = Receptor {
                x,
                y: Metres(i as f64 * dy),
                z: Metres(j as f64 * dz),
            };
            let w = if j == 0 { 0.5 } else { 1.0 }; // trapezoid at the ground
            flux += w * plume(&src, u, Stability::C, Terrain::Rural, &rec).c.0 * u.0 * dy * dz;
        }
    }
    assert!(rel_err(flux, 2.0) < 1e-4, "flux {flux}");
}

#[test]
fn ppm_conversion() {
    // 1 ppm chlorine (70.906 g/mol) at 25 °C is 70.906/24.465 mg/m³.
    let c = from_ppm(Ppm(1.0), 70.906);
    assert!(rel_err(c.0, 70.906 / 24.465 * 1e-6) < 1e-15);
    assert!(rel_err(to_ppm(c, 70.906).0, 1.0) < 1e-15);
    assert!(rel_err(to_ppm(KgPerCubicMetre(1e-6), 24.465).0, 1.0) < 1e-15);
}
