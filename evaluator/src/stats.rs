//! Small statistics used by stress tests and comparisons: percentiles with
//! missing values, Wilson score intervals for proportions, and normal-theory
//! intervals for paired mean differences.

/// Two-sided 95 % standard normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Percentile `p` (0–100) of `values` by linear interpolation between order
/// statistics (Hyndman & Fan type 7, numpy's default). `None` values count as
/// larger than every number (a target never met sorts last); the result is
/// `None` when the interpolation touches one. `None` for an empty input.
pub fn percentile(values: &[Option<f64>], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v: Vec<Option<f64>> = values.to_vec();
    v.sort_by(|a, b| match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let h = (v.len() - 1) as f64 * p / 100.0;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let frac = h - lo as f64;
    match (v[lo], v[hi]) {
        (Some(a), Some(b)) => Some(a + (b - a) * frac),
        (Some(a), None) if frac == 0.0 => Some(a),
        _ => None,
    }
}

/// Wilson score interval at 95 % for `successes` out of `n` (Wilson 1927).
/// `(0, 1)` when `n` is zero.
pub fn wilson95(successes: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (successes as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 or n successes the bound is exactly 0 or 1; rounding would miss it.
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if successes as f64 == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// Mean of paired differences with a 95 % normal-theory interval
/// (mean ± z·sd/√n); `None` for no pairs. One pair gives a zero-width interval.
pub fn mean_ci95(diffs: &[f64]) -> Option<(f64, f64, f64)> {
    if diffs.is_empty() {
        return None;
    }
    let n = diffs.len() as f64;
    let mean = diffs.iter().sum::<f64>() / n;
    if diffs.len() == 1 {
        return Some((mean, mean, mean));
    }
    let var = diffs.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / (n - 1.0);
    let half = Z95 * (var / n).sqrt();
    Some((mean, mean - half, mean + half))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(xs: &[f64]) -> Vec<Option<f64>> {
        xs.iter().map(|&x| Some(x)).collect()
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = 1.3, 2.5, 3.7
        let v = some(&[4.0, 1.0, 3.0, 2.0]);
        assert!((percentile(&v, 10.0).unwrap() - 1.3).abs() < 1e-12);
        assert_eq!(percentile(&v, 50.0), Some(2.5));
        assert!((percentile(&v, 90.0).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(percentile(&some(&[7.0]), 90.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn missing_values_sort_last() {
        // 10 values, 3 never met: P50 is finite, P90 is not.
        let mut v = some(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        v.extend([None, None, None]);
        assert_eq!(percentile(&v, 50.0), Some(5.5));
        assert_eq!(percentile(&v, 90.0), None);
        assert_eq!(percentile(&[Some(1.0), None], 0.0), Some(1.0));
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605.
        let (lo, hi) = wilson95(81, 263);
        assert!(
            (lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson95(15, 148);
        assert!(
            (lo - 0.0624).abs() < 5e-5 && (hi - 0.1605).abs() < 5e-5,
            "{lo} {hi}"
        );
        // 0/10 and 10/10 keep one end at the boundary.
        assert_eq!(wilson95(0, 10).0, 0.0);
        assert_eq!(wilson95(10, 10).1, 1.0);
    }

    #[test]
    fn paired_mean_interval() {
        let (m, lo, hi) = mean_ci95(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(m, 2.0);
        let half = Z95 * (1.0f64 / 3.0).sqrt();
        assert!((hi - m - half).abs() < 1e-12 && (m - lo - half).abs() < 1e-12);
        assert_eq!(mean_ci95(&[0.0, 0.0]), Some((0.0, 0.0, 0.0)));
        assert_eq!(mean_ci95(&[]), None);
    }
}
