//! Shared fixtures: deterministic pseudo-random beds.

use qilian_hazardlib::flood::Grid;

/// Deterministic hash noise in [0, 1) (SplitMix64), so tests need no RNG crate.
pub fn noise(a: usize, b: usize, seed: u64) -> f64 {
    let mut x = (a as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((b as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
        .wrapping_add(seed);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// An irregular bed: a gentle west→east slope, smooth hills and cell-scale
/// noise (m). Cellsize `dx` (m).
pub fn irregular_dem(nc: usize, nr: usize, dx: f64, seed: u64) -> Grid {
    Grid::from_fn(nc, nr, dx, |r, c| {
        let (x, y) = (c as f64 * dx, r as f64 * dx);
        10.0 - 0.002 * x
            + 1.5 * (x / (7.0 * dx)).sin() * (y / (5.0 * dx)).cos()
            + 0.5 * noise(r, c, seed)
    })
    .expect("valid test grid")
}
