//! Chlorine probit: LC50 cases give Y ≈ 4.9985; P is monotone.

use qilian_hazardlib::toxic::{AeglLevel, CHLORINE_WITHERS_LEES_1985, Chemical, aegl, toxic_load};
use qilian_hazardlib::units::{Minutes, Ppm};

#[test]
fn lc50_cases() {
    let p = Chemical::Chlorine.lethality_probit();
    for (c, t) in [(433.0, 10.0), (250.0, 30.0)] {
        let load = p.load(&[(Ppm(c), Minutes(t))]);
        let y = p.probit(load);
        eprintln!(
            "chlorine {c} ppm x {t} min: Y = {y:.6}, P = {:.6}",
            p.p_fatality(load)
        );
        assert!((y - 4.9985).abs() < 1e-3, "Y = {y}");
        assert!((p.p_fatality(load) - 0.5).abs() < 1e-3);
    }
}

#[test]
fn fatality_probability_is_monotone() {
    let p = CHLORINE_WITHERS_LEES_1985;
    let mut prev = 0.0;
    for i in 0..=4000 {
        let c = 10f64.powf(i as f64 / 1000.0); // 1 … 10⁴ ppm
        let pf = p.p_fatality(p.load(&[(Ppm(c), Minutes(10.0))]));
        assert!((0.0..=1.0).contains(&pf) && pf >= prev, "{c} ppm");
        prev = pf;
    }
    assert!(prev > 0.999999);
}

#[test]
fn toxic_load_sums_segments() {
    let segs = [
        (Ppm(100.0), Minutes(5.0)),
        (Ppm(200.0), Minutes(2.0)),
        (Ppm(-1.0), Minutes(3.0)),
    ];
    assert_eq!(
        toxic_load(&segs, 2.0),
        100.0 * 100.0 * 5.0 + 200.0 * 200.0 * 2.0
    );
    assert_eq!(toxic_load(&segs, 1.0), 900.0);
}

#[test]
fn aegl3_below_lc50_and_decreasing_with_time() {
    let mut prev = f64::INFINITY;
    for t in [10.0, 20.0, 30.0, 45.0, 60.0, 120.0, 240.0, 360.0, 480.0] {
        let a3 = aegl(Chemical::Chlorine, AeglLevel::Aegl3, Minutes(t))
            .expect("in domain")
            .0;
        let a2 = aegl(Chemical::Chlorine, AeglLevel::Aegl2, Minutes(t))
            .expect("in domain")
            .0;
        let a1 = aegl(Chemical::Chlorine, AeglLevel::Aegl1, Minutes(t))
            .expect("in domain")
            .0;
        assert!(a1 <= a2 && a2 < a3 && a3 <= prev, "t {t}");
        prev = a3;
        // At AEGL-3 the Withers & Lees fatality risk is small.
        let p = CHLORINE_WITHERS_LEES_1985;
        assert!(p.p_fatality(p.load(&[(Ppm(a3), Minutes(t))])) < 0.01);
    }
}
