//! Per-replicate curves for charts and maps: each service's fraction sampled
//! at whole hours, and when each zone got each service back for good. A stress
//! run keeps them in its [`ReplicateRow`](crate::stress::ReplicateRow)s, so
//! the Monte Carlo fan chart ([`fan`]) and the zone risk map ([`zone_risk`])
//! can be drawn from a merged set of shards exactly as from an unsharded run.
//!
//! They never enter `stress.json` ([`crate::stress::report`] ignores them),
//! so that file stays byte-identical however a run is split into shards.
//!
//! Glossary: a zone's *restore time* for a service is the number of hours
//! after the run's onset from which the zone kept the service until the
//! horizon: `0` if it never lost it, `None` if it was still without it at the
//! horizon.

use crate::stats::percentile;
use qilian_engine::units::round6;
use qilian_engine::{EventKind, RunResult, Service, ZoneId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The series columns drawn as restoration curves and fan charts, in order.
pub const CURVES: [&str; 4] = ["power", "water", "telecom", "main_roads"];

/// Slack for comparing hours computed from seconds.
const EPS: f64 = 1e-9;

/// One replicate's curves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// Each of [`CURVES`] that the run has, sampled at hours 0, 1, 2, … up
    /// to the horizon (the last row at or before each whole hour), rounded
    /// to 1e-4.
    pub hourly: BTreeMap<String, Vec<f64>>,
    /// Restore times per zone, in the region's zone order.
    pub zones: Vec<ZoneRestore>,
}

/// When one zone got each service back for good, hours after the onset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneRestore {
    /// The zone.
    pub zone: ZoneId,
    /// Power (`None`: still out at the horizon).
    pub power: Option<f64>,
    /// Water.
    pub water: Option<f64>,
    /// Telecom.
    pub telecom: Option<f64>,
}

impl ZoneRestore {
    /// The restore time of `service`.
    pub fn get(&self, service: Service) -> Option<f64> {
        match service {
            Service::Power => self.power,
            Service::Water => self.water,
            Service::Telecom => self.telecom,
        }
    }
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

impl Curves {
    /// The curves of `run`, whose onset (hours from the start) is `onset_h`.
    pub fn of(run: &RunResult, onset_h: Option<f64>) -> Curves {
        let hours = run.scenario.horizon().0.div_ceil(3600);
        let mut hourly = BTreeMap::new();
        for name in CURVES {
            let Some(col) = run.series.get(name) else {
                continue;
            };
            let mut samples = Vec::with_capacity(hours as usize + 1);
            let mut row = 0usize;
            for h in 0..=hours {
                let t = h * 3600;
                while row + 1 < run.series.t.len() && run.series.t[row + 1].0 <= t {
                    row += 1;
                }
                if let Some(v) = col.get(row) {
                    samples.push(round4(*v));
                }
            }
            hourly.insert(name.to_string(), samples);
        }
        Curves {
            hourly,
            zones: zone_restores(run, onset_h),
        }
    }
}

/// Restore times of every zone of `run`'s region, from the journal's
/// `ServiceLost`/`ServiceRestored` events.
pub fn zone_restores(run: &RunResult, onset_h: Option<f64>) -> Vec<ZoneRestore> {
    // Per (zone, service): Some(t) = out since t (seconds); None = served;
    // plus the last restoration time.
    let mut out: BTreeMap<(ZoneId, Service), Option<u64>> = BTreeMap::new();
    let mut restored: BTreeMap<(ZoneId, Service), u64> = BTreeMap::new();
    for e in &run.events {
        match &e.kind {
            EventKind::ServiceLost { zone, service } => {
                out.insert((*zone, *service), Some(e.t_s));
            }
            EventKind::ServiceRestored { zone, service } => {
                out.insert((*zone, *service), None);
                restored.insert((*zone, *service), e.t_s);
            }
            _ => {}
        }
    }
    let onset = onset_h.unwrap_or(0.0);
    let at = |zone: ZoneId, s: Service| -> Option<f64> {
        match out.get(&(zone, s)) {
            None => Some(0.0),
            Some(Some(_)) => None,
            Some(None) => {
                let t = restored.get(&(zone, s)).copied().unwrap_or(0) as f64 / 3600.0;
                Some(round6((t - onset).max(0.0)))
            }
        }
    };
    run.scenario
        .region
        .zones
        .iter()
        .map(|z| ZoneRestore {
            zone: z.id,
            power: at(z.id, Service::Power),
            water: at(z.id, Service::Water),
            telecom: at(z.id, Service::Telecom),
        })
        .collect()
}

/// A Monte Carlo fan: per curve and whole hour, P10, median and P90 over the
/// replicates.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Fan {
    /// Replicates it was computed from.
    pub runs: usize,
    /// Per curve name (see [`CURVES`]): `[p10, p50, p90]` at hours 0, 1, 2, …
    pub bands: BTreeMap<String, Vec<[f64; 3]>>,
}

/// The fan of a set of replicates' curves (any order: percentiles do not
/// depend on it). Curves no replicate has are left out.
pub fn fan<'a>(curves: impl IntoIterator<Item = &'a Curves>) -> Fan {
    let curves: Vec<&Curves> = curves.into_iter().collect();
    let mut bands = BTreeMap::new();
    for name in CURVES {
        let cols: Vec<&Vec<f64>> = curves.iter().filter_map(|c| c.hourly.get(name)).collect();
        let hours = cols.iter().map(|c| c.len()).max().unwrap_or(0);
        if cols.is_empty() || hours == 0 {
            continue;
        }
        let band = (0..hours)
            .map(|h| {
                let v: Vec<Option<f64>> = cols
                    .iter()
                    .filter_map(|c| c.get(h))
                    .map(|x| Some(*x))
                    .collect();
                let p = |q| percentile(&v, q).map_or(f64::NAN, round4);
                [p(10.0), p(50.0), p(90.0)]
            })
            .collect();
        bands.insert(name.to_string(), band);
    }
    Fan {
        runs: curves.len(),
        bands,
    }
}

/// One zone's chance of being without a service beyond a deadline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZoneRisk {
    /// The zone.
    pub zone: ZoneId,
    /// Fraction of replicates in which the zone was still without the service
    /// `beyond_h` hours after the onset.
    pub p: f64,
    /// Replicates that had this zone.
    pub runs: u32,
}

/// For each zone (in the order of the first replicate that has it), the
/// fraction of replicates in which `service` was not back for good within
/// `beyond_h` hours of the onset.
pub fn zone_risk<'a>(
    curves: impl IntoIterator<Item = &'a Curves>,
    service: Service,
    beyond_h: f64,
) -> Vec<ZoneRisk> {
    let mut order: Vec<ZoneId> = Vec::new();
    let mut count: BTreeMap<ZoneId, (u32, u32)> = BTreeMap::new();
    for c in curves {
        for z in &c.zones {
            let e = count.entry(z.zone).or_insert_with(|| {
                order.push(z.zone);
                (0, 0)
            });
            e.1 += 1;
            if z.get(service).is_none_or(|h| h > beyond_h + EPS) {
                e.0 += 1;
            }
        }
    }
    order
        .into_iter()
        .map(|zone| {
            let (late, n) = count[&zone];
            ZoneRisk {
                zone,
                p: round6(f64::from(late) / f64::from(n.max(1))),
                runs: n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curves(power: &[f64], zone_power: Option<f64>) -> Curves {
        Curves {
            hourly: BTreeMap::from([("power".to_string(), power.to_vec())]),
            zones: vec![ZoneRestore {
                zone: ZoneId(7),
                power: zone_power,
                water: Some(0.0),
                telecom: Some(0.0),
            }],
        }
    }

    #[test]
    fn fan_takes_percentiles_per_hour() {
        let cs: Vec<Curves> = (0..11)
            .map(|i| curves(&[1.0, f64::from(i) / 10.0], Some(1.0)))
            .collect();
        let f = fan(&cs);
        assert_eq!(f.runs, 11);
        let p = &f.bands["power"];
        assert_eq!(p[0], [1.0, 1.0, 1.0]);
        assert_eq!(p[1], [0.1, 0.5, 0.9]);
        assert!(!f.bands.contains_key("water"));
    }

    #[test]
    fn risk_counts_late_and_never_restored() {
        let cs = [
            curves(&[1.0], Some(10.0)),
            curves(&[1.0], Some(80.0)),
            curves(&[1.0], None),
            curves(&[1.0], Some(72.0)),
        ];
        let r = zone_risk(&cs, Service::Power, 72.0);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].zone, ZoneId(7));
        assert_eq!(r[0].p, 0.5);
        assert_eq!(r[0].runs, 4);
        assert_eq!(zone_risk(&cs, Service::Water, 72.0)[0].p, 0.0);
    }
}
