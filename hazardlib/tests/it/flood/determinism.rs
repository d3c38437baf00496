//! Bit-identical results whatever the rayon thread count.

use qilian_hazardlib::flood::{Cell, FloodModel, FloodParams, Hydrograph, Scheme};

use super::common::irregular_dem;

fn run(threads: usize, scheme: Scheme) -> (Vec<u64>, Vec<u64>, u64, u64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        // > 16 384 cells so the parallel path is taken, several tasks per pass.
        let (nc, nr) = (160, 120);
        let dem = irregular_dem(nc, nr, 10.0, 3);
        let params = FloodParams {
            scheme,
            ..FloodParams::default()
        };
        let mut m = FloodModel::new(&dem, params).unwrap();
        m.fill_to_level(8.5).unwrap();
        m.add_source(
            Cell::new(60, 2),
            Hydrograph::constant(80.0, 0.0, 2000.0).unwrap(),
        )
        .unwrap();
        m.add_breach(
            Cell::new(5, 100),
            Hydrograph::triangular(50.0, 0.0, 300.0, 1000.0).unwrap(),
        )
        .unwrap();
        m.advance_to(400.0).unwrap();
        let depth = m.depth_grid().data().iter().map(|v| v.to_bits()).collect();
        let mut vel = Vec::new();
        for r in 0..nr {
            for c in 0..nc {
                let (u, v) = m.velocity(Cell::new(r, c)).unwrap();
                vel.push(u.to_bits());
                vel.push(v.to_bits());
            }
        }
        (depth, vel, m.volume().to_bits(), m.steps())
    })
}

#[test]
fn one_and_two_threads_agree_bitwise() {
    for scheme in [Scheme::LocalInertial, Scheme::InertialWithAdvection] {
        let a = run(1, scheme);
        let b = run(2, scheme);
        assert!(a.3 > 100, "too few steps: {}", a.3);
        assert_eq!(a.3, b.3, "{scheme:?}: step counts differ");
        assert!(a.0 == b.0, "{scheme:?}: depths differ");
        assert!(a.1 == b.1, "{scheme:?}: velocities differ");
        assert_eq!(a.2, b.2, "{scheme:?}: volumes differ");
    }
}
