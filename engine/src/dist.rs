//! Probability distributions that scenario and plan files may give instead of a
//! number (repair hours, departure parameters…), and how to draw from them with a
//! [`SimRng`] stream.
//!
//! Glossary: `LogNormal { median, beta }` is the Hazus convention — `beta` is the
//! standard deviation of `ln X`.

use crate::rng::SimRng;
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// A distribution of one real quantity. Units are those of the field it fills.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Uniform on `[low, high]`.
    Uniform(f64, f64),
    /// Normal, truncated at zero when drawn for a quantity that cannot be negative.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Log-normal: `ln X ~ N(ln median, beta²)`.
    LogNormal {
        /// Median.
        median: f64,
        /// Standard deviation of `ln X`.
        beta: f64,
    },
    /// Triangular on `[min, max]` with mode `mode`.
    Triangular(f64, f64, f64),
    /// One of the listed values, with the given weights: `[(value, weight)]`.
    Choice(Vec<(f64, f64)>),
}

impl Dist {
    /// Draw one value. Uses a fixed number of draws per call for each variant, so
    /// the stream position after a draw does not depend on the value.
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform(a, b) => a + (b - a) * unit(rng),
            Dist::Normal { mean, sd } => mean + sd * std_normal(rng),
            Dist::LogNormal { median, beta } => median * (beta * std_normal(rng)).exp(),
            Dist::Triangular(min, mode, max) => {
                let u = unit(rng);
                let (a, c, b) = (*min, *mode, *max);
                if b <= a {
                    return a;
                }
                let fc = (c - a) / (b - a);
                if u < fc {
                    a + ((b - a) * (c - a) * u).sqrt()
                } else {
                    b - ((b - a) * (b - c) * (1.0 - u)).sqrt()
                }
            }
            Dist::Choice(items) => {
                let total: f64 = items.iter().map(|(_, w)| w.max(0.0)).sum();
                let mut u = unit(rng) * total;
                for (v, w) in items {
                    u -= w.max(0.0);
                    if u < 0.0 {
                        return *v;
                    }
                }
                items.last().map(|(v, _)| *v).unwrap_or(0.0)
            }
        }
    }

    /// Whether every draw is > 0 (normal draws can be anything, so never).
    pub fn always_positive(&self) -> bool {
        match self {
            Dist::Fixed(v) => *v > 0.0,
            Dist::Uniform(a, b) => a.min(*b) > 0.0,
            Dist::Normal { .. } => false,
            Dist::LogNormal { median, .. } => *median > 0.0,
            Dist::Triangular(a, _, _) => *a > 0.0,
            Dist::Choice(items) => items.iter().all(|(v, w)| *v > 0.0 || *w == 0.0),
        }
    }

    /// What is wrong with the parameters, if anything.
    pub fn problem(&self) -> Option<String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match self {
            Dist::Fixed(v) if !v.is_finite() => Some("value is not finite".into()),
            Dist::Uniform(a, b) if !finite(&[*a, *b]) || a > b => {
                Some(format!("Uniform({a}, {b}) needs low ≤ high"))
            }
            Dist::Normal { mean, sd } if !finite(&[*mean, *sd]) || *sd < 0.0 => {
                Some(format!("Normal sd {sd} must be ≥ 0"))
            }
            Dist::LogNormal { median, beta }
                if !finite(&[*median, *beta]) || *median <= 0.0 || *beta < 0.0 =>
            {
                Some(format!(
                    "LogNormal needs median > 0 and beta ≥ 0, got {median}, {beta}"
                ))
            }
            Dist::Triangular(a, c, b) if !(finite(&[*a, *b, *c]) && a <= c && c <= b) => {
                Some(format!("Triangular({a}, {c}, {b}) needs min ≤ mode ≤ max"))
            }
            Dist::Choice(items)
                if items.is_empty()
                    || items
                        .iter()
                        .any(|(v, w)| !v.is_finite() || !w.is_finite() || *w < 0.0)
                    || items.iter().all(|(_, w)| *w == 0.0) =>
            {
                Some("Choice needs at least one value with a positive weight".into())
            }
            _ => None,
        }
    }
}

/// Uniform on `[0, 1)`.
pub fn unit(rng: &mut SimRng) -> f64 {
    rng.random::<f64>()
}

/// A standard normal draw (Box–Muller; always two uniforms).
pub fn std_normal(rng: &mut SimRng) -> f64 {
    let u1 = 1.0 - unit(rng); // (0, 1]
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamTag, Streams};

    fn draws(d: &Dist, n: usize) -> Vec<f64> {
        let mut rng = Streams::new(1, 0).stream(StreamTag::new("test"), 0);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    fn mean(xs: &[f64]) -> f64 {
        xs.iter().sum::<f64>() / xs.len() as f64
    }

    #[test]
    fn sample_means_match() {
        let n = 40_000;
        assert_eq!(draws(&Dist::Fixed(3.0), 3), vec![3.0; 3]);
        assert!((mean(&draws(&Dist::Uniform(2.0, 4.0), n)) - 3.0).abs() < 0.02);
        assert!((mean(&draws(&Dist::Normal { mean: 5.0, sd: 2.0 }, n)) - 5.0).abs() < 0.05);
        assert!((mean(&draws(&Dist::Triangular(0.0, 3.0, 6.0), n)) - 3.0).abs() < 0.05);
        let mut ln = draws(
            &Dist::LogNormal {
                median: 10.0,
                beta: 0.5,
            },
            n,
        );
        ln.sort_by(f64::total_cmp);
        assert!((ln[n / 2] - 10.0).abs() < 0.2, "median {}", ln[n / 2]);
        let c = draws(&Dist::Choice(vec![(1.0, 1.0), (2.0, 3.0)]), n);
        let twos = c.iter().filter(|&&x| x == 2.0).count() as f64 / n as f64;
        assert!((twos - 0.75).abs() < 0.01);
    }

    #[test]
    fn bad_parameters_are_named() {
        assert!(Dist::Uniform(3.0, 1.0).problem().is_some());
        assert!(
            Dist::LogNormal {
                median: 0.0,
                beta: 0.3
            }
            .problem()
            .is_some()
        );
        assert!(Dist::Triangular(0.0, 5.0, 4.0).problem().is_some());
        assert!(Dist::Choice(vec![]).problem().is_some());
        assert!(Dist::Fixed(f64::NAN).problem().is_some());
        assert!(Dist::Fixed(2.0).problem().is_none());
    }
}
