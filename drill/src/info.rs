//! The information model: how truth (the journal of a team's run) becomes
//! the reports a team receives (docs/drills.md#what-a-team-sees, fog of war).
//!
//! Every journal event has one reporting [`Source`]: sensors and SCADA for
//! hazard onsets and facility damage, public calls for roads and people
//! caught, the village disaster-information officer for what happens in a
//! zone, the crew on site for work it does (and for an order it found void:
//! a task already finished, no road through). A report is missed with the
//! source's probability; otherwise it arrives after a delay drawn from the
//! source's distribution, multiplied by `telecom_loss_factor` when the
//! event's zone has lost telecom at the time. Each draw comes from a stream
//! keyed by a hash of the event itself, so the same event in two teams'
//! runs is reported the same way, and one sealed seed fixes every report.
//! The team's own orders and what its crews are told (dispatches) are known
//! at once.

use qilian_engine::dist::{Dist, unit};
use qilian_engine::{EventKind, Service, SimEvent, StreamTag, Streams, ZoneId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Who reports an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Instruments, SCADA, the seismic and hydrological networks.
    Sensor,
    /// Calls from the public.
    PublicCall,
    /// The village disaster-information officer (灾害信息员).
    Officer,
    /// The team's own crew on site.
    Crew,
    /// The team's own command post (its orders, dispatches, arriving aid).
    Own,
}

/// Delay and miss chance of one source.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Minutes from the event to the report.
    pub delay_min: Dist,
    /// Chance the event is never reported through this source (0–1).
    #[serde(default)]
    pub miss: f64,
}

/// The template's information model.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoModel {
    /// Sensors.
    pub sensor: Channel,
    /// Public calls.
    pub public_call: Channel,
    /// Village disaster-information officers.
    pub officer: Channel,
    /// Crews on site.
    pub crew: Channel,
    /// Delays of reports from a zone without telecom are multiplied by this
    /// (≥ 1).
    pub telecom_loss_factor: f64,
}

impl InfoModel {
    /// What is wrong with the model, if anything.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, c) in [
            ("sensor", &self.sensor),
            ("public_call", &self.public_call),
            ("officer", &self.officer),
            ("crew", &self.crew),
        ] {
            if let Some(p) = c.delay_min.problem() {
                out.push(format!("info.{name}.delay_min: {p}"));
            }
            if !(0.0..=1.0).contains(&c.miss) {
                out.push(format!("info.{name}.miss must be in 0–1"));
            }
        }
        if !(self.telecom_loss_factor.is_finite() && self.telecom_loss_factor >= 1.0) {
            out.push("info.telecom_loss_factor must be ≥ 1".into());
        }
        out
    }

    fn channel(&self, s: Source) -> Option<&Channel> {
        match s {
            Source::Sensor => Some(&self.sensor),
            Source::PublicCall => Some(&self.public_call),
            Source::Officer => Some(&self.officer),
            Source::Crew => Some(&self.crew),
            Source::Own => None,
        }
    }
}

/// The source that reports an event, and the zone it happened in (for
/// telecom loss).
pub fn source_of(kind: &EventKind) -> (Source, Option<ZoneId>) {
    use EventKind::*;
    match kind {
        HazardStarted { .. }
        | HazardEnded { .. }
        | WeatherChanged { .. }
        | FacilityDamaged { .. }
        | BatteryDepleted { .. } => (Source::Sensor, None),
        EdgeClosed { .. } | EdgeDamaged { .. } | VehiclesCaught { .. } | ShelterFull { .. } => {
            (Source::PublicCall, None)
        }
        TaskCreated { .. } => (Source::Officer, None),
        ZoneContaminated { zone, .. }
        | HazardReachedZone { zone, .. }
        | ZoneExposed { zone, .. }
        | ZoneEvacuated { zone }
        | ServiceLost { zone, .. }
        | ServiceRestored { zone, .. } => (Source::Officer, Some(*zone)),
        SheltersOverflowing => (Source::Officer, None),
        CrewArrived { .. }
        | OrderDropped { .. }
        | TaskFinished { .. }
        | CrewReturned { .. }
        | CrewStopped { .. }
        | CrewRerouted { .. }
        | FacilityRepaired { .. }
        | EdgeOpened { .. }
        | ZoneCleaned { .. } => (Source::Crew, None),
        // The aid's own coordinators tell the team of a delay at once.
        CrewDispatched { .. } | MutualAidArrived { .. } | ZoneWarned { .. } | AidDelayed { .. } => {
            (Source::Own, None)
        }
    }
}

/// One report a team receives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// When it reaches the team, seconds since the start.
    pub t_s: u64,
    /// Who reported it.
    pub source: Source,
    /// The reported event (with the time it happened).
    pub event: SimEvent,
}

const REPORT: StreamTag = StreamTag::new("drill report");

/// FNV-1a over the event's JSON: a stable key for its draws.
fn event_key(e: &SimEvent) -> u64 {
    let text = serde_json::to_string(e).expect("events serialise");
    StreamTag::new(&text).0
}

/// Turns a team's truth journal into reports, event by event, in order.
#[derive(Clone, Debug, Default)]
pub struct Reporter {
    /// Events of the journal already seen.
    pub seen: usize,
    /// Zones without telecom at the latest seen event.
    no_telecom: BTreeSet<ZoneId>,
    /// Reports drawn and not yet delivered, with their event index.
    pending: Vec<(u64, usize, Report)>,
}

impl Reporter {
    /// Draw reports for the events after `seen` (the draws depend only on
    /// the event and the seed), then move those due by `now_s` into
    /// `delivered` in delivery order (time, then event order).
    pub fn advance(
        &mut self,
        model: &InfoModel,
        streams: &Streams,
        events: &[SimEvent],
        now_s: u64,
        delivered: &mut Vec<Report>,
    ) {
        for (i, e) in events.iter().enumerate().skip(self.seen) {
            let (source, zone) = source_of(&e.kind);
            let lost = zone.is_some_and(|z| self.no_telecom.contains(&z));
            match &e.kind {
                EventKind::ServiceLost {
                    zone,
                    service: Service::Telecom,
                } => {
                    self.no_telecom.insert(*zone);
                }
                EventKind::ServiceRestored {
                    zone,
                    service: Service::Telecom,
                } => {
                    self.no_telecom.remove(zone);
                }
                _ => {}
            }
            let delay_s = match model.channel(source) {
                None => Some(0),
                Some(c) => {
                    let mut rng = streams.stream(REPORT, event_key(e));
                    let missed = unit(&mut rng) < c.miss;
                    let mut min = c.delay_min.sample(&mut rng).max(0.0);
                    if lost {
                        min *= model.telecom_loss_factor;
                    }
                    (!missed).then_some((min * 60.0).round() as u64)
                }
            };
            if let Some(d) = delay_s {
                let at = e.t_s + d;
                self.pending.push((
                    at,
                    i,
                    Report {
                        t_s: at,
                        source,
                        event: e.clone(),
                    },
                ));
            }
        }
        self.seen = events.len();
        self.pending.sort_by_key(|p| (p.0, p.1));
        let due = self.pending.partition_point(|p| p.0 <= now_s);
        delivered.extend(self.pending.drain(..due).map(|p| p.2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qilian_engine::scenario::DamageState;
    use qilian_engine::{FacilityId, ZoneId};

    fn model(miss: f64) -> InfoModel {
        let c = |m: f64| Channel {
            delay_min: Dist::Fixed(m),
            miss,
        };
        InfoModel {
            sensor: c(1.0),
            public_call: c(10.0),
            officer: c(30.0),
            crew: c(5.0),
            telecom_loss_factor: 4.0,
        }
    }

    #[test]
    fn delays_misses_and_telecom_loss() {
        let z = ZoneId(3);
        let events = vec![
            SimEvent {
                t_s: 0,
                kind: EventKind::FacilityDamaged {
                    facility: FacilityId(1),
                    state: DamageState::Moderate,
                },
            },
            SimEvent {
                t_s: 60,
                kind: EventKind::ZoneContaminated {
                    zone: z,
                    reason: "a".into(),
                },
            },
            SimEvent {
                t_s: 120,
                kind: EventKind::ServiceLost {
                    zone: z,
                    service: Service::Telecom,
                },
            },
            SimEvent {
                t_s: 180,
                kind: EventKind::ZoneContaminated {
                    zone: z,
                    reason: "b".into(),
                },
            },
        ];
        let s = Streams::new(5, 0);
        let mut r = Reporter::default();
        let mut got = Vec::new();
        r.advance(&model(0.0), &s, &events, 59, &mut got);
        assert!(got.is_empty(), "sensor report takes a minute");
        r.advance(&model(0.0), &s, &events, 10_000, &mut got);
        let times: Vec<u64> = got.iter().map(|r| r.t_s).collect();
        // 0+60, 60+1800, 120+1800, 180+4·1800 (zone without telecom).
        assert_eq!(times, vec![60, 1860, 1920, 7380]);
        let mut none = Vec::new();
        Reporter::default().advance(&model(1.0), &s, &events, 100_000, &mut none);
        assert!(none.is_empty(), "every report missed");
    }
}
