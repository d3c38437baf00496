//! Probability distributions that scenario and plan files may give instead of a
//! number (repair hours, departure parameters…), and how to draw from them with a
//! [`SimRng`] stream.
//!
//! Glossary: `LogNormal { median, beta }` is the Hazus convention — `beta` is the
//! standard deviation of `ln X`.

use crate::rng::{SimRng, StreamTag, Streams};
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

/// A number a scenario or plan file may give either plainly (`6.5`) or as a
/// [`Dist`] (`Normal(mean: 6.5, sd: 0.2)`, `Uniform(6.0, 7.0)`, …). Each
/// replicate draws its own value with [`Num::draw`] from a stream of its own.
///
/// Normal and log-normal draws are truncated to their ±3σ range
/// ([`Num::bounds`]), so every draw lies in the range validation checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Num(pub Dist);

impl Num {
    /// The plain number `v`.
    pub const fn fixed(v: f64) -> Num {
        Num(Dist::Fixed(v))
    }

    /// The value when the number is not uncertain.
    pub fn as_fixed(&self) -> Option<f64> {
        match self.0 {
            Dist::Fixed(v) => Some(v),
            _ => None,
        }
    }

    /// Whether it is a plain number.
    pub fn is_fixed(&self) -> bool {
        self.as_fixed().is_some()
    }

    /// The smallest and largest value a draw can take: the support of bounded
    /// distributions, ±3σ (of `ln X` for log-normal) for the others.
    pub fn bounds(&self) -> (f64, f64) {
        match &self.0 {
            Dist::Fixed(v) => (*v, *v),
            Dist::Uniform(a, b) => (*a, *b),
            Dist::Normal { mean, sd } => (mean - 3.0 * sd, mean + 3.0 * sd),
            Dist::LogNormal { median, beta } => {
                (median * (-3.0 * beta).exp(), median * (3.0 * beta).exp())
            }
            Dist::Triangular(a, _, b) => (*a, *b),
            Dist::Choice(items) => items
                .iter()
                .filter(|(_, w)| *w > 0.0)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (v, _)| {
                    (lo.min(*v), hi.max(*v))
                }),
        }
    }

    /// One replicate's value, from the stream `(tag, id)` of `streams`
    /// (no draw for a plain number), clamped to [`Num::bounds`].
    pub fn draw(&self, streams: &Streams, tag: StreamTag, id: u64) -> f64 {
        match self.0 {
            Dist::Fixed(v) => v,
            ref d => {
                let (lo, hi) = self.bounds();
                d.sample(&mut streams.stream(tag, id)).clamp(lo, hi)
            }
        }
    }

    /// What is wrong with the distribution's parameters, if anything.
    pub fn problem(&self) -> Option<String> {
        self.0.problem()
    }
}

impl From<f64> for Num {
    fn from(v: f64) -> Num {
        Num::fixed(v)
    }
}

impl From<crate::units::Hours> for Num {
    fn from(v: crate::units::Hours) -> Num {
        Num::fixed(v.0)
    }
}

impl From<Dist> for Num {
    fn from(d: Dist) -> Num {
        Num(d)
    }
}

impl std::fmt::Display for Num {
    /// `6.5`, or the distribution in RON form, e.g. `Normal(mean: 6.5, sd: 0.2)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Dist::Fixed(v) => write!(f, "{v}"),
            Dist::Uniform(a, b) => write!(f, "Uniform({a}, {b})"),
            Dist::Normal { mean, sd } => write!(f, "Normal(mean: {mean}, sd: {sd})"),
            Dist::LogNormal { median, beta } => {
                write!(f, "LogNormal(median: {median}, beta: {beta})")
            }
            Dist::Triangular(a, c, b) => write!(f, "Triangular({a}, {c}, {b})"),
            Dist::Choice(items) => {
                write!(f, "Choice([")?;
                for (k, (v, w)) in items.iter().enumerate() {
                    let sep = if k == 0 { "" } else { ", " };
                    write!(f, "{sep}({v}, {w})")?;
                }
                write!(f, "])")
            }
        }
    }
}

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Dist::Fixed(v) => s.serialize_f64(*v),
            d => d.serialize(s),
        }
    }
}

/// What a [`Num`] is first read as. RON hands a self-describing reader an
/// enum value as a one-entry map `{variant: content}` only when the reader is
/// serde's own buffer, which `untagged` uses; the content is then re-read as
/// a [`Dist`] through JSON's value type so that a wrong variant name or a
/// missing field gets serde's precise message.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawNum {
    Number(f64),
    Other(serde_json::Value),
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        use serde::de::Error;
        let raw = RawNum::deserialize(d).map_err(|e| {
            D::Error::custom(format!(
                "expected a number or a distribution such as Normal(mean: 6.5, sd: 0.2) ({e})"
            ))
        })?;
        match raw {
            RawNum::Number(v) => Ok(Num::fixed(v)),
            RawNum::Other(v) => serde_json::from_value::<Dist>(v).map(Num).map_err(|e| {
                D::Error::custom(format!(
                    "expected a number or a distribution (Fixed, Uniform, Normal, \
                     LogNormal, Triangular or Choice): {e}"
                ))
            }),
        }
    }
}

/// Draws one replicate's values of the [`Num`]s of one item (a hazard, an
/// evacuation rule), each from its own stream keyed by the item and the
/// field's name, so adding a field or an item leaves the other draws alone.
/// Remembers the uncertain ones (not plain numbers) by name, for reports.
pub struct Realiser<'a> {
    streams: &'a Streams,
    tag: StreamTag,
    item: u64,
    prefix: String,
    /// `(prefix.field, value)` of every uncertain number drawn, in draw order.
    pub drawn: Vec<(String, f64)>,
}

impl<'a> Realiser<'a> {
    /// Draws for item `item` (e.g. the hazard number) from streams tagged
    /// `tag`; names are `prefix.field`.
    pub fn new(streams: &'a Streams, tag: StreamTag, item: u64, prefix: &str) -> Realiser<'a> {
        Realiser {
            streams,
            tag,
            item,
            prefix: prefix.to_string(),
            drawn: Vec::new(),
        }
    }

    /// This replicate's value of `n`, the field `field` of the item.
    pub fn num(&mut self, field: &str, n: &Num) -> f64 {
        let id = (self.item << 40) ^ StreamTag::new(field).0;
        let v = n.draw(self.streams, self.tag, id);
        if !n.is_fixed() {
            self.drawn.push((format!("{}.{field}", self.prefix), v));
        }
        v
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

    #[derive(Debug, Deserialize, Serialize)]
    struct Holder {
        x: Num,
    }

    fn parse(text: &str) -> Result<Num, ron::error::SpannedError> {
        ron::from_str::<Holder>(text).map(|h| h.x)
    }

    #[test]
    fn num_reads_a_number_or_any_dist() {
        assert_eq!(parse("(x: 6.5)").unwrap(), Num::fixed(6.5));
        assert_eq!(parse("(x: 7)").unwrap(), Num::fixed(7.0));
        assert_eq!(parse("(x: -2)").unwrap(), Num::fixed(-2.0));
        assert_eq!(parse("(x: Fixed(3.0))").unwrap(), Num::fixed(3.0));
        assert_eq!(
            parse("(x: Uniform(6.0, 7.0))").unwrap(),
            Num(Dist::Uniform(6.0, 7.0))
        );
        assert_eq!(
            parse("(x: Normal(mean: 6.5, sd: 0.2))").unwrap(),
            Num(Dist::Normal { mean: 6.5, sd: 0.2 })
        );
        assert_eq!(
            parse("(x: LogNormal(median: 20, beta: 0.4))").unwrap(),
            Num(Dist::LogNormal {
                median: 20.0,
                beta: 0.4
            })
        );
        assert_eq!(
            parse("(x: Triangular(1, 2, 4))").unwrap(),
            Num(Dist::Triangular(1.0, 2.0, 4.0))
        );
        assert_eq!(
            parse("(x: Choice([(6.0, 1.0), (6.5, 3)]))").unwrap(),
            Num(Dist::Choice(vec![(6.0, 1.0), (6.5, 3.0)]))
        );
    }

    #[test]
    fn num_round_trips_through_ron_and_json() {
        for n in [
            Num::fixed(6.5),
            Num(Dist::Normal { mean: 6.5, sd: 0.2 }),
            Num(Dist::Uniform(1.0, 2.0)),
            Num(Dist::Choice(vec![(1.0, 1.0), (2.0, 3.0)])),
        ] {
            let h = Holder { x: n.clone() };
            let text = ron::to_string(&h).unwrap();
            assert_eq!(parse(&text).unwrap(), n, "{text}");
            let json = serde_json::to_string(&h).unwrap();
            let back: Holder = serde_json::from_str(&json).unwrap();
            assert_eq!(back.x, n, "{json}");
            assert_eq!(parse(&format!("(x: {n})")).unwrap(), n, "display {n}");
        }
    }

    #[test]
    fn num_errors_say_what_and_where() {
        let e = parse("(\n  x: Gamma(2, 3),\n)").unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.span.start.line, 2, "{msg}");
        assert!(msg.contains("unknown variant `Gamma`"), "{msg}");
        assert!(msg.contains("Normal"), "{msg}");
        let e = parse("(\n\n  x: Normal(mean: 6.5),\n)").unwrap_err();
        assert_eq!(e.span.start.line, 3, "{e}");
        assert!(e.to_string().contains("missing field `sd`"), "{e}");
        let e = parse("(x: \"six\")").unwrap_err();
        assert!(
            e.to_string()
                .contains("expected a number or a distribution"),
            "{e}"
        );
    }

    #[test]
    fn num_draws_stay_in_bounds_and_repeat_per_stream() {
        let s = Streams::new(3, 5);
        let tag = StreamTag::new("num test");
        let n = Num(Dist::Normal { mean: 0.0, sd: 1.0 });
        assert_eq!(n.bounds(), (-3.0, 3.0));
        let xs: Vec<f64> = (0..20_000).map(|id| n.draw(&s, tag, id)).collect();
        assert!(xs.iter().all(|x| (-3.0..=3.0).contains(x)));
        assert!(
            xs.iter().any(|x| *x == 3.0 || *x == -3.0),
            "some draws clamp"
        );
        assert_eq!(n.draw(&s, tag, 17), xs[17]);
        assert_ne!(n.draw(&Streams::new(3, 6), tag, 17), xs[17]);
        assert_eq!(Num::fixed(2.5).draw(&s, tag, 1), 2.5);
        let c = Num(Dist::Choice(vec![(4.0, 1.0), (9.0, 0.0), (6.0, 2.0)]));
        assert_eq!(c.bounds(), (4.0, 6.0));
    }
}
