//! Integration tests of the fire crate through its public API: fire shapes on
//! uniform rasters against the ellipse they should grow into, barriers, time
//! limits, terrain and thread-count determinism.

use std::collections::BTreeSet;
use std::f64::consts::PI;

use qilian_hazardlib::fire::FireError;
use qilian_hazardlib::fire::rothermel::{Moistures, eccentricity};
use qilian_hazardlib::fire::spread::{Field, FireGrid, GridSpec, Wind, WindHeight};

fn moist() -> Moistures {
    Moistures::from_percent(6.0, 7.0, 8.0, 60.0, 90.0)
}

/// Uniform fuel on flat ground.
fn uniform(nrows: usize, ncols: usize, cellsize_m: f64, fuel: u16, wind: Wind) -> FireGrid {
    let n = nrows * ncols;
    FireGrid::new(
        GridSpec {
            nrows,
            ncols,
            cellsize_m,
        },
        &vec![fuel; n],
        &vec![100.0; n],
        &Field::Uniform(wind),
        WindHeight::Midflame,
        &Field::Uniform(moist()),
    )
    .unwrap()
}

const CALM: Wind = Wind {
    speed_m_s: 0.0,
    from_deg: 0.0,
};

#[test]
fn calm_flat_fire_is_a_circle() {
    let (nr, nc, cs) = (241, 241, 1.0);
    let g = uniform(nr, nc, cs, 1, CALM);
    let centre = 120 * nc + 120;
    let c = g.cell_spread(centre).unwrap();
    assert_eq!(c.length_to_width, 1.0);
    let arrival = g
        .arrival_times(&[(centre, 0.0)], &BTreeSet::new(), f64::INFINITY)
        .unwrap();
    let r = 100.0;
    let t = r / c.head_ros_m_s;
    let burnt = arrival.iter().filter(|&&a| a <= t).count() as f64 * cs * cs;
    let ratio = burnt / (PI * r * r);
    eprintln!("circle: burnt area / (pi r^2) = {ratio:.4}");
    assert!((ratio - 1.0).abs() < 0.05, "area ratio {ratio}");
    // Along the lattice axes the front is exact to one cell.
    for cell in [
        centre + 100,
        centre - 100,
        centre + 100 * nc,
        centre - 100 * nc,
    ] {
        assert!(
            (arrival[cell] / t - 1.0).abs() < 1e-9,
            "{}",
            arrival[cell] / t
        );
    }
    // The perimeter is a thin ring close to 2 pi r long.
    let perim = g.perimeter_at(&arrival, t).unwrap();
    assert!(perim.iter().all(|&p| arrival[p] <= t));
    let ring = perim.len() as f64 / (2.0 * PI * r);
    assert!(
        ring > 0.7 && ring < 1.5,
        "perimeter cells / 2 pi r = {ring}"
    );
}

#[test]
fn wind_fire_grows_as_its_ellipse() {
    // Wind from the west: head toward east (90°), along a lattice axis.
    let (nr, nc, cs) = (321, 461, 1.0);
    let g = uniform(
        nr,
        nc,
        cs,
        1,
        Wind {
            speed_m_s: 2.0,
            from_deg: 270.0,
        },
    );
    let (r0, c0) = (160usize, 60usize);
    let ign = r0 * nc + c0;
    let cell = g.cell_spread(ign).unwrap();
    assert!(
        (cell.heading_deg - 90.0).abs() < 1e-9,
        "{}",
        cell.heading_deg
    );
    let lw = cell.length_to_width;
    let e = eccentricity(lw);
    let arrival = g
        .arrival_times(&[(ign, 0.0)], &BTreeSet::new(), f64::INFINITY)
        .unwrap();
    let head_dist = 380.0;
    let t = head_dist / cell.head_ros_m_s;
    let burnt = |r: usize, c: usize| arrival[r * nc + c] <= t;
    let head = (c0..nc).take_while(|&c| burnt(r0, c)).count() as f64 - 0.5;
    let back = (0..=c0).rev().take_while(|&c| burnt(r0, c)).count() as f64 - 0.5;
    let flank = (0..=r0).rev().take_while(|&r| burnt(r, c0)).count() as f64 - 0.5;
    let width = (0..nc)
        .map(|c| (0..nr).filter(|&r| burnt(r, c)).count())
        .max()
        .unwrap() as f64;
    let (want_back, want_flank) = (head_dist * (1.0 - e) / (1.0 + e), head_dist * (1.0 - e));
    let measured_lw = (head + back) / width;
    eprintln!(
        "wind: LW {lw:.4} e {e:.4}; head {head} (want {head_dist}); back {back} (want {want_back:.2}); \
         flank {flank} (want {want_flank:.2}); length/width {measured_lw:.4}"
    );
    assert!((head / head_dist - 1.0).abs() < 0.03, "head {head}");
    assert!(
        (back / want_back - 1.0).abs() < 0.05,
        "back {back} vs {want_back}"
    );
    assert!(
        (flank / want_flank - 1.0).abs() < 0.03,
        "flank {flank} vs {want_flank}"
    );
    assert!(
        (measured_lw / lw - 1.0).abs() < 0.05,
        "length/width {measured_lw} vs {lw}"
    );
    // Back / flank follows the ellipse: (1 − e)/(1 + e) over (1 − e) = 1/(1 + e).
    assert!(
        ((back / flank) * (1.0 + e) - 1.0).abs() < 0.06,
        "back/flank {}",
        back / flank
    );
}

#[test]
fn barriers_and_nonburnable_cells_stop_spread() {
    let (nr, nc) = (60, 60);
    let n = nr * nc;
    let wind = Wind {
        speed_m_s: 3.0,
        from_deg: 270.0,
    };
    // A held line along column 30.
    let g = uniform(nr, nc, 5.0, 2, wind);
    let barriers: BTreeSet<usize> = (0..nr).map(|r| r * nc + 30).collect();
    let ign = 30 * nc + 10;
    let a = g
        .arrival_times(&[(ign, 0.0)], &barriers, f64::INFINITY)
        .unwrap();
    for r in 0..nr {
        assert!(a[r * nc + 29].is_finite());
        for c in 30..nc {
            assert!(a[r * nc + c].is_infinite(), "cell ({r},{c}) burnt");
        }
    }
    // The same with a river of fuel 98 (open water) instead of the crews.
    let mut fuel = vec![2u16; n];
    for r in 0..nr {
        fuel[r * nc + 30] = 98;
    }
    let g = FireGrid::new(
        GridSpec {
            nrows: nr,
            ncols: nc,
            cellsize_m: 5.0,
        },
        &fuel,
        &vec![0.0; n],
        &Field::Uniform(wind),
        WindHeight::Midflame,
        &Field::Uniform(moist()),
    )
    .unwrap();
    let b = g
        .arrival_times(&[(ign, 0.0)], &BTreeSet::new(), f64::INFINITY)
        .unwrap();
    assert_eq!(a, b);
    // A one-cell diagonal line holds too (no corner cutting, no knight jumps).
    let g = uniform(
        nr,
        nc,
        5.0,
        2,
        Wind {
            speed_m_s: 3.0,
            from_deg: 225.0,
        },
    );
    let diag: BTreeSet<usize> = (0..nr).map(|i| i * nc + (nc - 1 - i)).collect();
    let a = g.arrival_times(&[(0, 0.0)], &diag, f64::INFINITY).unwrap();
    for r in 0..nr {
        for c in 0..nc {
            let beyond = r + c > nc - 1;
            assert_eq!(
                a[r * nc + c].is_finite(),
                !beyond && r + c != nc - 1,
                "cell ({r},{c})"
            );
        }
    }
}

#[test]
fn ignition_on_unburnable_or_barrier_starts_nothing() {
    let g = uniform(10, 10, 10.0, 91, CALM);
    let a = g
        .arrival_times(&[(55, 0.0)], &BTreeSet::new(), f64::INFINITY)
        .unwrap();
    assert!(a.iter().all(|t| t.is_infinite()));
    let g = uniform(10, 10, 10.0, 1, CALM);
    let a = g
        .arrival_times(&[(55, 0.0)], &BTreeSet::from([55]), f64::INFINITY)
        .unwrap();
    assert!(a.iter().all(|t| t.is_infinite()));
}

#[test]
fn time_limit_and_multiple_ignitions() {
    let g = uniform(
        80,
        80,
        10.0,
        3,
        Wind {
            speed_m_s: 1.0,
            from_deg: 200.0,
        },
    );
    let none = BTreeSet::new();
    let full = g
        .arrival_times(&[(41 * 80 + 20, 0.0)], &none, f64::INFINITY)
        .unwrap();
    let t_max = 300.0;
    let cut = g
        .arrival_times(&[(41 * 80 + 20, 0.0)], &none, t_max)
        .unwrap();
    for (f, c) in full.iter().zip(&cut) {
        if *f <= t_max {
            assert_eq!(f, c);
        } else {
            assert!(c.is_infinite());
        }
    }
    // Two ignitions: the earlier arrival of the two single fires.
    let other = g
        .arrival_times(&[(10 * 80 + 70, 120.0)], &none, f64::INFINITY)
        .unwrap();
    let both = g
        .arrival_times(
            &[(41 * 80 + 20, 0.0), (10 * 80 + 70, 120.0)],
            &none,
            f64::INFINITY,
        )
        .unwrap();
    for i in 0..both.len() {
        let want = full[i].min(other[i]);
        assert!(
            (both[i] - want).abs() <= 1e-9 * want,
            "cell {i}: {} vs {want}",
            both[i]
        );
    }
    assert_eq!(both[10 * 80 + 70], 120.0);
}

/// Mixed fuels on hilly terrain with per-cell wind: the kind of grid the
/// determinism and terrain tests use.
fn hilly(nrows: usize, ncols: usize) -> FireGrid {
    let n = nrows * ncols;
    let palette = [1u16, 2, 4, 8, 10, 101, 122, 145, 165, 183, 91];
    let fuel: Vec<u16> = (0..n)
        .map(|i| palette[((i / ncols) / 7 * 31 + (i % ncols) / 9 * 17) % palette.len()])
        .collect();
    let dem: Vec<f64> = (0..n)
        .map(|i| {
            let (r, c) = ((i / ncols) as f64, (i % ncols) as f64);
            300.0 * (r / 23.0).sin() * (c / 31.0).cos() + 2.0 * c
        })
        .collect();
    let wind: Vec<Wind> = (0..n)
        .map(|i| Wind {
            speed_m_s: 2.0 + (i % 7) as f64 * 0.5,
            from_deg: 200.0 + (i % 13) as f64,
        })
        .collect();
    FireGrid::new(
        GridSpec {
            nrows,
            ncols,
            cellsize_m: 30.0,
        },
        &fuel,
        &dem,
        &Field::PerCell(wind),
        WindHeight::TwentyFoot,
        &Field::Uniform(moist()),
    )
    .unwrap()
}

#[test]
fn bitwise_identical_on_1_and_2_threads() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let g = hilly(150, 170);
            let cells: Vec<_> = (0..150 * 170).map(|i| g.cell_spread(i)).collect();
            let a = g
                .arrival_times(
                    &[(75 * 170 + 85, 0.0), (10 * 170 + 10, 600.0)],
                    &BTreeSet::from([5000, 5001, 5002]),
                    f64::INFINITY,
                )
                .unwrap();
            (cells, a.iter().map(|t| t.to_bits()).collect::<Vec<_>>())
        })
    };
    let (c1, a1) = run(1);
    let (c2, a2) = run(2);
    assert_eq!(c1, c2);
    assert_eq!(a1, a2);
    assert!(
        a1.iter()
            .filter(|&&b| f64::from_bits(b).is_finite())
            .count()
            > 10_000
    );
}

#[test]
fn fire_runs_faster_upslope() {
    // Terrain rising to the north at 40 %; no wind; uniform fuel.
    let (nr, nc, cs) = (121, 121, 2.0);
    let n = nr * nc;
    let dem: Vec<f64> = (0..n).map(|i| -0.4 * cs * (i / nc) as f64).collect();
    let g = FireGrid::new(
        GridSpec {
            nrows: nr,
            ncols: nc,
            cellsize_m: cs,
        },
        &vec![2; n],
        &dem,
        &Field::Uniform(CALM),
        WindHeight::Midflame,
        &Field::Uniform(moist()),
    )
    .unwrap();
    let centre = 60 * nc + 60;
    let heading = g.cell_spread(centre).unwrap().heading_deg;
    assert!(
        ((heading + 180.0).rem_euclid(360.0) - 180.0).abs() < 1e-9,
        "{heading}"
    );
    let a = g
        .arrival_times(&[(centre, 0.0)], &BTreeSet::new(), f64::INFINITY)
        .unwrap();
    let up = a[centre - 40 * nc];
    let down = a[centre + 40 * nc];
    let side = a[centre + 40];
    assert!(up < side && side < down, "up {up} side {side} down {down}");
}

#[test]
fn user_errors_are_reported() {
    let spec = GridSpec {
        nrows: 3,
        ncols: 3,
        cellsize_m: 10.0,
    };
    let ok_wind = Field::Uniform(CALM);
    let ok_m = Field::Uniform(moist());
    let e = FireGrid::new(
        spec,
        &[1; 8],
        &[0.0; 9],
        &ok_wind,
        WindHeight::Midflame,
        &ok_m,
    )
    .unwrap_err();
    assert_eq!(
        e,
        FireError::LayerSize {
            layer: "fuel",
            expected: 9,
            got: 8
        }
    );
    let mut fuel = [1u16; 9];
    fuel[4] = 500;
    let e = FireGrid::new(
        spec,
        &fuel,
        &[0.0; 9],
        &ok_wind,
        WindHeight::Midflame,
        &ok_m,
    )
    .unwrap_err();
    assert_eq!(e, FireError::UnknownFuelInGrid { cell: 4, id: 500 });
    let e = FireGrid::new(
        spec,
        &[1; 9],
        &[0.0; 9],
        &Field::PerCell(vec![CALM; 2]),
        WindHeight::Midflame,
        &ok_m,
    )
    .unwrap_err();
    assert!(matches!(e, FireError::LayerSize { layer: "wind", .. }));
    let bad_spec = GridSpec {
        cellsize_m: 0.0,
        ..spec
    };
    assert!(
        FireGrid::new(
            bad_spec,
            &[1; 9],
            &[0.0; 9],
            &ok_wind,
            WindHeight::Midflame,
            &ok_m
        )
        .is_err()
    );
    let mut dem = [0.0; 9];
    dem[3] = f64::NAN;
    assert!(FireGrid::new(spec, &[1; 9], &dem, &ok_wind, WindHeight::Midflame, &ok_m).is_err());
    let g = FireGrid::new(
        spec,
        &[1; 9],
        &[0.0; 9],
        &ok_wind,
        WindHeight::Midflame,
        &ok_m,
    )
    .unwrap();
    let none = BTreeSet::new();
    assert!(matches!(
        g.arrival_times(&[(9, 0.0)], &none, 1.0),
        Err(FireError::CellOutOfRange {
            what: "ignition",
            ..
        })
    ));
    assert!(matches!(
        g.arrival_times(&[(0, 0.0)], &BTreeSet::from([42]), 1.0),
        Err(FireError::CellOutOfRange {
            what: "barrier",
            ..
        })
    ));
    assert!(g.arrival_times(&[(0, f64::NAN)], &none, 1.0).is_err());
    assert!(g.arrival_times(&[(0, 0.0)], &none, f64::NAN).is_err());
    assert!(g.perimeter_at(&[0.0; 3], 1.0).is_err());
}
