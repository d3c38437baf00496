//! Normal depth in a wide sloping channel: h = (q n / √S)^(3/5).

use qilian_hazardlib::flood::{
    Boundaries, Boundary, Cell, FloodModel, FloodParams, Grid, Hydrograph, Manning, Scheme,
};

#[test]
fn normal_depth_in_wide_channel() {
    for scheme in [Scheme::LocalInertial, Scheme::InertialWithAdvection] {
        normal_depth(scheme);
    }
}

fn normal_depth(scheme: Scheme) {
    // 5 rows × 200 columns of 10 m; walls north and south carry no friction,
    // so every row is a strip of an infinitely wide channel.
    let (nc, nr, dx) = (200, 5, 10.0);
    let (slope, n, q) = (0.001, 0.03, 1.0); // m/m, s·m^(−1/3), m²/s
    let dem = Grid::from_fn(nc, nr, dx, |_, c| 100.0 - slope * dx * c as f64).unwrap();
    let params = FloodParams {
        scheme,
        manning: Manning::Uniform(n),
        boundaries: Boundaries {
            east: Boundary::Free { slope },
            ..Boundaries::default()
        },
        ..FloodParams::default()
    };
    let mut m = FloodModel::new(&dem, params).unwrap();
    for r in 0..nr {
        m.add_source(
            Cell::new(r, 0),
            Hydrograph::constant(q * dx, 0.0, 1e9).unwrap(),
        )
        .unwrap();
    }
    m.advance_to(20_000.0).unwrap();
    let h_normal = (q * n / slope.sqrt()).powf(0.6);
    for c in [50, 100, 150] {
        for r in 0..nr {
            let h = m.depth(Cell::new(r, c)).unwrap();
            let rel = (h - h_normal).abs() / h_normal;
            assert!(
                rel < 0.05,
                "{scheme:?} ({r},{c}): h = {h}, normal {h_normal}"
            );
            let (u, v) = m.velocity(Cell::new(r, c)).unwrap();
            assert!(
                (u * h - q).abs() < 0.05 * q && v.abs() < 1e-9,
                "{scheme:?} ({r},{c}): {u} {v}"
            );
        }
    }
    // Steady state: what comes in goes out.
    let inflow_rate = q * dx * nr as f64;
    let before = m.total_outflow();
    m.advance_to(21_000.0).unwrap();
    let out_rate = (m.total_outflow() - before) / 1000.0;
    assert!(
        (out_rate - inflow_rate).abs() < 0.01 * inflow_rate,
        "{scheme:?}: {out_rate}"
    );
}
