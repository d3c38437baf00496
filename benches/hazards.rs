//! Hazard model benchmarks (figures in benches/README.md):
//!
//! - ground motion + fragility sampling for 100,000 sites (goal < 50 ms),
//!   and liquefaction ground failure for 100,000 links (no goal);
//! - fire arrival times on a 1000 × 1000 raster (goal < 2 s), grid build
//!   and search separately and together;
//! - the flood solver on a 1000 × 1000 grid, in cell-updates per second
//!   (goal ≥ 20 M/s on 2 cores).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use qilian_engine::Streams;

use qilian_hazardlib::fire::rothermel::Moistures;
use qilian_hazardlib::fire::spread::{Field, FireGrid, GridSpec, Wind, WindHeight};
use qilian_hazardlib::flood::{Cell, FloodModel, FloodParams, Grid, Hydrograph};
use qilian_hazardlib::fragility;
use qilian_hazardlib::liquefaction::Susceptibility;
use qilian_models::hazard::earthquake::{Event, GroundSite, ShakeSite, fail_ground, shake};
use std::collections::BTreeSet;
use std::hint::black_box;

/// 100,000 sites on a 60 km square around an M6.5 reverse rupture, a mix of
/// substation classes and bridges (PGA and Sa(1.0 s) demands).
fn earthquake(c: &mut Criterion) {
    let e = qilian_engine::scenario::Earthquake {
        at_h: qilian_engine::Hours(0.0),
        magnitude: 6.5,
        rake_deg: 90.0,
        epicentre_x: 0.0,
        epicentre_y: 0.0,
        rupture_end: Some((15_000.0, 15_000.0)),
        gmpe: "BooreAtkinson2008".into(),
        vs30_default_mps: 350.0,
    };
    let event = Event::new(&e).expect("known GMPE");
    let classes = ["EP.S.L.U", "EP.S.M.A", "EP.S.H.A", "HWB.GS.5", "HWB.GS.10"]
        .map(|id| fragility::class(id).expect("Hazus class"));
    let sites: Vec<ShakeSite> = (0..100_000u64)
        .map(|k| ShakeSite {
            key: k,
            x: (k % 316) as f64 * 190.0 - 30_000.0,
            y: (k / 316) as f64 * 190.0 - 30_000.0,
            vs30_mps: 250.0 + (k % 7) as f64 * 60.0,
            class: classes[(k % 5) as usize],
        })
        .collect();
    let streams = Streams::new(7, 0);
    let mut g = c.benchmark_group("earthquake");
    g.sample_size(20);
    g.bench_function("ground motion + fragility, 100k sites", |b| {
        b.iter(|| black_box(shake(&event, black_box(&sites), &streams, 1)))
    });
    // The same points as road links and bridges on susceptible ground.
    let gf =
        ["HRD.GF.1", "HRD.GF.2", "HWB.GF"].map(|id| fragility::class(id).expect("Hazus class"));
    let ground: Vec<GroundSite> = sites
        .iter()
        .enumerate()
        .map(|(k, s)| GroundSite {
            key: s.key,
            x: s.x,
            y: s.y,
            vs30_mps: s.vs30_mps,
            susceptibility: Susceptibility::ALL[k % 5],
            class: gf[k % 3],
        })
        .collect();
    g.bench_function("liquefaction ground failure, 100k links", |b| {
        b.iter(|| black_box(fail_ground(&event, black_box(&ground), &streams, 1, 1.524)))
    });
    g.finish();
}

const N: usize = 1000;

/// 30 m cells, 12 fuel models in patches, non-burnable strips with gaps,
/// hills, 20-ft wind 6 m/s from the south-west, one central ignition.
fn fire(c: &mut Criterion) {
    let palette = [1u16, 2, 3, 5, 8, 9, 10, 102, 122, 142, 165, 183];
    let fuel: Vec<u16> = (0..N * N)
        .map(|i| {
            let (r, c) = (i / N, i % N);
            if (r % 250 == 125 && c % 150 >= 8) || ((c + r / 3) % 333 == 0 && r % 90 >= 5) {
                return 98;
            }
            let (br, bc) = ((r + c / 7) / 20, (c + r / 11) / 20);
            let h = (br.wrapping_mul(73_856_093) ^ bc.wrapping_mul(19_349_663)) % 1_000_003;
            palette[h % palette.len()]
        })
        .collect();
    let dem: Vec<f64> = (0..N * N)
        .map(|i| {
            let (r, c) = ((i / N) as f64, (i % N) as f64);
            300.0 * (r / 70.0).sin() * (c / 90.0).cos()
                + 150.0 * (c / 40.0 + r / 55.0).sin()
                + 0.8 * r
        })
        .collect();
    let spec = GridSpec {
        nrows: N,
        ncols: N,
        cellsize_m: 30.0,
    };
    let wind = Field::Uniform(Wind {
        speed_m_s: 6.0,
        from_deg: 225.0,
    });
    let moisture = Field::Uniform(Moistures::from_percent(5.0, 6.0, 8.0, 60.0, 90.0));
    let build =
        || FireGrid::new(spec, &fuel, &dem, &wind, WindHeight::TwentyFoot, &moisture).unwrap();
    let grid = build();
    let ignition = [(N / 2 * N + N / 2 + 5, 0.0)];
    let none = BTreeSet::new();
    let mut g = c.benchmark_group("fire 1000x1000");
    g.sample_size(10);
    g.bench_function("grid build", |b| b.iter(|| black_box(build())));
    g.bench_function("arrival times", |b| {
        b.iter(|| black_box(grid.arrival_times(&ignition, &none, f64::INFINITY).unwrap()))
    });
    g.bench_function("grid build + arrival times", |b| {
        b.iter(|| {
            let grid = build();
            black_box(grid.arrival_times(&ignition, &none, f64::INFINITY).unwrap())
        })
    });
    g.finish();
}

/// Deterministic hash noise in [0, 1).
fn noise(a: usize, b: usize) -> f64 {
    let mut x = (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (b as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((x ^ (x >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// 1000 × 1000 cells of 10 m: an irregular bed sloping 0.2 % to the east,
/// local-inertial scheme. `partly wet`: a lake over the lower ~40 % plus a
/// breach pouring onto the dry slope (dry parts of rows are skipped);
/// `all wet`: everything under water, nothing skipped. Spun up 300 s first.
/// Throughput is cells × steps per second ("cell-updates per second").
fn flood(c: &mut Criterion) {
    const STEPS: u64 = 5;
    let dem = Grid::from_fn(N, N, 10.0, |r, c| {
        let (x, y) = (c as f64 * 10.0, r as f64 * 10.0);
        20.0 - 0.002 * x + 2.0 * (x / 370.0).sin() * (y / 290.0).cos() + 0.3 * noise(r, c)
    })
    .expect("bench DEM");
    let mut g = c.benchmark_group("flood 1000x1000");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(STEPS * (N * N) as u64));
    for (name, level) in [("partly wet", 8.0), ("all wet", 40.0)] {
        let mut m = FloodModel::new(&dem, FloodParams::default()).expect("model");
        m.fill_to_level(level).expect("level");
        m.add_breach(
            Cell::new(N / 2, 50),
            Hydrograph::triangular(2000.0, 0.0, 1800.0, 7200.0).expect("hydrograph"),
        )
        .expect("breach");
        m.advance_to(300.0).expect("spin-up");
        g.bench_function(name, |b| {
            b.iter(|| {
                for _ in 0..STEPS {
                    black_box(m.step().expect("step"));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, earthquake, fire, flood);
criterion_main!(benches);
