//! Hazus fragility: substation cases within 1e-6, the EP.S.L.U crossing,
//! no negative state probability anywhere, and sampling.

use super::Table;
use qilian_hazardlib::fragility::{DamageState, class, classes};

const SUBSTATION_CASES: &str = include_str!("../data/substation_cases.csv");

#[test]
fn substation_cases_within_1e6() {
    let t = Table::parse(SUBSTATION_CASES);
    let ex_cols = [
        "P_ge_slight",
        "P_ge_moderate",
        "P_ge_extensive",
        "P_ge_complete",
    ];
    let st_cols = [
        "P_none",
        "P_slight",
        "P_moderate",
        "P_extensive",
        "P_complete",
    ];
    let mut max = 0.0f64;
    for r in 0..t.rows.len() {
        let c = class(t.text(r, "class")).expect("class in table");
        let im = t.num(r, "PGA_g");
        let ex = c.p_exceed(im);
        for (k, col) in ex_cols.iter().enumerate() {
            let e = (ex[k].expect("4 states") - t.num(r, col)).abs();
            max = max.max(e);
            assert!(e < 1e-6, "{} {im} {col}", c.id);
        }
        let st = c.state_probabilities(im);
        for (k, col) in st_cols.iter().enumerate() {
            let e = (st[k] - t.num(r, col)).abs();
            max = max.max(e);
            assert!(e < 1e-6, "{} {im} {col}", c.id);
        }
    }
    eprintln!("substation cases: max abs err {max:.3e}");
}

#[test]
fn crossing_curves_are_made_monotone() {
    let c = class("EP.S.L.U").expect("class");
    let raw = c.p_exceed_raw(1.0);
    let (m, e) = (raw[1].expect("DS2"), raw[2].expect("DS3"));
    assert!(
        (m - 0.996472).abs() < 1e-6 && (e - 0.996502).abs() < 1e-6,
        "{m} {e}"
    );
    assert!(e > m, "the raw curves cross at 1.0 g");
    let ex = c.p_exceed(1.0);
    assert_eq!(ex[1], ex[2], "P(≥Moderate) lifted to P(≥Extensive)");
    let st = c.state_probabilities(1.0);
    assert_eq!(st[DamageState::Moderate as usize], 0.0);
    assert!(st.iter().all(|&p| p >= 0.0));
}

#[test]
fn no_negative_state_probability_over_a_sweep() {
    let mut worst_sum = 0.0f64;
    for c in classes() {
        let top = c.limit_states.iter().map(|s| s.median).fold(0.0, f64::max) * 20.0;
        for i in 0..=2000 {
            let im = top * i as f64 / 2000.0;
            let ex = c.p_exceed(im);
            let present: Vec<f64> = ex.iter().flatten().copied().collect();
            assert_eq!(present.len(), c.n_states(), "{}", c.id);
            assert!(present.windows(2).all(|w| w[0] >= w[1]), "{} at {im}", c.id);
            let st = c.state_probabilities(im);
            assert!(
                st.iter().all(|&p| (0.0..=1.0).contains(&p)),
                "{} at {im}: {st:?}",
                c.id
            );
            assert!(st[c.n_states() + 1..].iter().all(|&p| p == 0.0), "{}", c.id);
            worst_sum = worst_sum.max((st.iter().sum::<f64>() - 1.0).abs());
        }
    }
    assert!(
        worst_sum < 1e-12,
        "state probabilities sum to 1 (err {worst_sum})"
    );
}

#[test]
fn sampling_follows_the_distribution() {
    let c = class("HWB.GS.5").expect("class");
    let im = 0.4;
    let st = c.state_probabilities(im);
    let n = 100_000;
    let mut counts = [0usize; 5];
    for i in 0..n {
        // Stratified uniforms: the empirical CDF is exact to 1/n.
        let u = (i as f64 + 0.5) / n as f64;
        counts[c.sample_state(im, u) as usize] += 1;
    }
    for k in 0..5 {
        assert!(
            (counts[k] as f64 / n as f64 - st[k]).abs() <= 1.0 / n as f64,
            "state {k}"
        );
    }
    // Small u draws the worst state; u near 1 draws None; monotone in u.
    assert_eq!(c.sample_state(10.0, 0.0), DamageState::Complete);
    assert_eq!(c.sample_state(0.0, 0.0), DamageState::None);
    let mut prev = DamageState::Complete;
    for i in 0..1000 {
        let s = c.sample_state(im, i as f64 / 1000.0);
        assert!(s <= prev);
        prev = s;
    }
    assert_eq!(c.sample_state(im, f64::NAN), DamageState::None);
    // Three-state roads never sample Complete.
    let road = class("HRD.GF.1").expect("class");
    assert_eq!(road.sample_state(1000.0, 0.0), DamageState::Extensive);
}

#[test]
fn fast_sampling_draws_the_same_state_as_the_cdfs() {
    // Every class, demands over six decades, uniforms over the whole unit
    // interval including the tails and exact ties with a limit state.
    let mut checked = 0usize;
    for c in qilian_hazardlib::fragility::classes() {
        for i in 0..=120 {
            let im = 10f64.powf(-4.0 + i as f64 * 0.05);
            let mut us: Vec<f64> = (0..400).map(|k| (k as f64 + 0.37) / 400.0).collect();
            us.extend([1e-300, 1e-12, 1e-6, 0.0, 1.0 - 1e-7, 1.0 - 1e-15, 0.5]);
            us.extend(c.p_exceed(im).iter().flatten().copied());
            for u in us {
                assert_eq!(
                    c.sample_state(im, u),
                    c.sample_state_by_cdf(im, u),
                    "{} im {im} u {u}",
                    c.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100_000, "{checked}");
}

#[test]
fn demand_units() {
    assert_eq!(class("EP.S.L.A").map(|c| c.demand.unit()), Ok("g"));
    assert_eq!(
        class("HWB.GS.1").map(|c| c.demand.type_name()),
        Ok("Spectral Acceleration|1.0")
    );
    assert_eq!(class("HRD.GF.2").map(|c| c.demand.unit()), Ok("inch"));
    assert!(class("HWB.GS.29").is_err());
}
