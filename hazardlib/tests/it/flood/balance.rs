//! Lake at rest, exact mass conservation and positivity, for both schemes.

use qilian_hazardlib::flood::{
    Boundaries, Boundary, Cell, FloodModel, FloodParams, Hydrograph, Manning, Scheme,
};

use super::common::{irregular_dem, noise};

const SCHEMES: [Scheme; 2] = [Scheme::LocalInertial, Scheme::InertialWithAdvection];

#[test]
fn lake_at_rest_on_irregular_bed() {
    let (nc, nr) = (60, 40);
    let dem = irregular_dem(nc, nr, 5.0, 1);
    for scheme in SCHEMES {
        let params = FloodParams {
            scheme,
            manning: Manning::PerCell((0..nc * nr).map(|i| 0.02 + 0.03 * noise(i, 0, 9)).collect()),
            ..FloodParams::default()
        };
        let mut m = FloodModel::new(&dem, params).unwrap();
        // Level cuts through the hills: islands, shores and shallow cells.
        m.fill_to_level(9.6).unwrap();
        let before = m.depth_grid();
        let wet = before.data().iter().filter(|&&h| h > 0.0).count();
        assert!(wet > 100 && wet < nc * nr - 100, "want islands: {wet} wet");
        m.advance_to(600.0).unwrap();
        assert!(m.steps() > 50);
        let after = m.depth_grid();
        for r in 0..nr {
            for c in 0..nc {
                let i = r * nc + c;
                let dh = (after.data()[i] - before.data()[i]).abs();
                assert!(dh <= 1e-10, "{scheme:?} ({r},{c}): depth changed by {dh}");
                let (u, v) = m.velocity(Cell::new(r, c)).unwrap();
                assert!(
                    u.abs() <= 1e-10 && v.abs() <= 1e-10,
                    "{scheme:?} ({r},{c}): {u} {v}"
                );
            }
        }
    }
}

fn conservation_run(scheme: Scheme, boundaries: Boundaries) -> (f64, f64, f64, f64) {
    let (nc, nr) = (50, 30);
    let dem = irregular_dem(nc, nr, 10.0, 2);
    let params = FloodParams {
        scheme,
        boundaries,
        ..FloodParams::default()
    };
    let mut m = FloodModel::new(&dem, params).unwrap();
    m.fill_to_level(9.0).unwrap();
    m.add_source(
        Cell::new(15, 3),
        Hydrograph::new(&[(0.0, 0.0), (300.0, 40.0), (1200.0, 5.0)]).unwrap(),
    )
    .unwrap();
    m.add_breach(
        Cell::new(2, 25),
        Hydrograph::triangular(25.0, 100.0, 250.0, 900.0).unwrap(),
    )
    .unwrap();
    let v0 = m.volume();
    let mut t = 0.0;
    while t < 1500.0 {
        t += 37.0;
        m.advance_to(t).unwrap();
    }
    assert!(m.steps() > 200, "{}", m.steps());
    (v0, m.volume(), m.total_inflow(), m.total_outflow())
}

#[test]
fn mass_is_conserved_to_round_off() {
    for scheme in SCHEMES {
        let (v0, v, inflow, out) = conservation_run(scheme, Boundaries::default());
        assert_eq!(out, 0.0);
        // Breach volume ½·25·800 plus the river hydrograph up to t = 1500 s.
        let expected_in = 0.5 * 25.0 * 800.0 + 0.5 * 40.0 * 300.0 + 0.5 * 45.0 * 900.0;
        assert!(
            (inflow - expected_in).abs() <= 1e-9 * expected_in,
            "{inflow}"
        );
        let err = (v - v0 - inflow).abs() / (v0 + inflow);
        assert!(err <= 1e-9, "{scheme:?}: relative volume error {err}");
    }
}

#[test]
fn mass_is_conserved_with_free_outflow() {
    let free = Boundary::Free { slope: 0.002 };
    let b = Boundaries {
        east: free,
        west: free,
        north: free,
        south: free,
    };
    for scheme in SCHEMES {
        let (v0, v, inflow, out) = conservation_run(scheme, b);
        assert!(out > 0.0);
        let err = (v - v0 - inflow + out).abs() / (v0 + inflow);
        assert!(err <= 1e-9, "{scheme:?}: relative volume error {err}");
    }
}

#[test]
fn wetting_and_drying_never_goes_negative() {
    // A steep, rough-free valley side: a thin sheet runs down onto a dry bed
    // and then drains back and forth; the limiter must keep h ≥ 0 every step.
    let (nc, nr) = (40, 20);
    let dem = qilian_hazardlib::flood::Grid::from_fn(nc, nr, 2.0, |r, c| {
        let x = c as f64 - 20.0;
        0.05 * x * x + 0.3 * noise(r, c, 5) + 0.1 * (r as f64 * 0.7).sin()
    })
    .unwrap();
    for scheme in SCHEMES {
        let params = FloodParams {
            scheme,
            manning: Manning::Uniform(0.01),
            dry_threshold_m: 1e-3,
            ..FloodParams::default()
        };
        let mut m = FloodModel::new(&dem, params).unwrap();
        for r in 0..nr {
            for c in 0..6 {
                m.set_depth(Cell::new(r, c), 0.5).unwrap();
            }
        }
        m.add_source(
            Cell::new(10, 39),
            Hydrograph::constant(2.0, 0.0, 60.0).unwrap(),
        )
        .unwrap();
        let v0 = m.volume();
        let mut min_seen = f64::INFINITY;
        for _ in 0..3000 {
            m.step().unwrap();
            let g = m.depth_grid();
            let min = g.data().iter().copied().fold(f64::INFINITY, f64::min);
            assert!(
                min >= 0.0,
                "{scheme:?}: negative depth {min} at t = {}",
                m.time()
            );
            min_seen = min_seen.min(min);
        }
        let err = (m.volume() - v0 - m.total_inflow()).abs() / (v0 + m.total_inflow());
        assert!(err <= 1e-9, "{scheme:?}: {err}");
        // Cells did dry out to (near) zero, so the limiter was exercised.
        assert!(min_seen < 1e-6, "{scheme:?}: min depth {min_seen}");
    }
}
