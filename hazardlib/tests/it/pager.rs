//! PAGER's China fatality rate and the Worden et al. (2012) intensity
//! conversion against published and hand-computed values.

use super::rel_err;
use qilian_hazardlib::pager::{
    CHINA_BETA, CHINA_THETA, china_fatality_rate_at_pga, fatality_rate, mmi_from_pga,
};

#[test]
fn intensity_from_pga_follows_the_two_segments_of_worden_2012() {
    // log10(Y cm/s²) = 1.57 is the break: both segments give 4.2135 and
    // -1.60 + 3.70 × 1.57 = 4.209 there (the paper's fit is not exactly
    // continuous); 2 decades above: -1.60 + 3.70 × 3.57.
    let at = |log_y: f64| mmi_from_pga(10f64.powf(log_y) / 981.0);
    assert!((at(1.0) - (1.78 + 1.55)).abs() < 1e-12, "{}", at(1.0));
    assert!((at(1.5) - (1.78 + 1.55 * 1.5)).abs() < 1e-12);
    assert!((at(2.5) - (-1.60 + 3.70 * 2.5)).abs() < 1e-12);
    assert!((at(0.0) - 1.71).abs() < 1e-12, "MMI 1-2 segment");
    // Clipped to 1-10.
    assert_eq!(mmi_from_pga(5.0), 10.0);
    assert_eq!(mmi_from_pga(0.0), 1.0);
    assert_eq!(mmi_from_pga(f64::NAN), 1.0);
    assert_eq!(mmi_from_pga(1e-6), 1.0);
    // Monotone over the range.
    let mut last = 0.0;
    for i in 1..400 {
        let m = mmi_from_pga(i as f64 * 0.005);
        assert!(m >= last, "{m} after {last}");
        last = m;
    }
}

#[test]
fn the_china_rate_is_the_published_lognormal() {
    // At S = θ the rate is one half; one β above, Φ(1).
    assert!((fatality_rate(CHINA_THETA, CHINA_THETA, CHINA_BETA) - 0.5).abs() < 1e-12);
    let one_beta = CHINA_THETA * CHINA_BETA.exp();
    assert!(
        rel_err(
            fatality_rate(one_beta, CHINA_THETA, CHINA_BETA),
            0.841_344_746
        ) < 1e-8
    );
    assert_eq!(fatality_rate(0.0, CHINA_THETA, CHINA_BETA), 0.0);
}

#[test]
fn china_rates_at_pga_match_the_reference_figures() {
    // ../shared/reference/events.md, "Published casualty model": PAGER
    // China with Worden (2012) gives about 3e-9 at 0.10 g, 1e-6 at 0.15 g,
    // 2.5e-5 at 0.20 g, 8e-4 at 0.30 g, 5e-3 at 0.40 g, 4e-2 at 0.60 g
    // (one or two significant figures, so 20 % here).
    for (pga, rate) in [
        (0.10, 3e-9),
        (0.15, 1e-6),
        (0.20, 2.5e-5),
        (0.30, 8e-4),
        (0.40, 5e-3),
        (0.60, 4e-2),
    ] {
        let got = china_fatality_rate_at_pga(pga);
        assert!(
            rel_err(got, rate) < 0.2,
            "{pga} g: {got:e}, published {rate:e}"
        );
    }
    // Intensity VII (China scale; about 0.09-0.18 g) stays of order 1e-5 or
    // less, as the Chinese intensity-based methods have it.
    assert!(china_fatality_rate_at_pga(0.18) < 1e-5);
}
