//! Replay the journal: the state of roads, facilities and zones at any hour
//! ([`state_at`]), and how long each road was closed and each zone went
//! without each service over a run ([`Durations`]).
//!
//! Only journal events count; anything the journal never mentions is in its
//! initial state (road open, facility undamaged, zone served).

use qilian_engine::scenario::DamageState;
use qilian_engine::{EdgeId, EventKind, FacilityId, Service, SimEvent, ZoneId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A road link's state for drawing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoadState {
    /// Passable at full speed.
    #[default]
    Open,
    /// Passable at reduced speed.
    Damaged,
    /// Impassable.
    Closed,
}

impl RoadState {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            RoadState::Open => "open",
            RoadState::Damaged => "damaged",
            RoadState::Closed => "closed",
        }
    }
}

/// The state after every event up to and including a time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateAt {
    /// The time, seconds since the start.
    pub t_s: u64,
    /// Links not open.
    pub roads: BTreeMap<EdgeId, RoadState>,
    /// Facilities damaged and not yet repaired.
    pub facilities: BTreeMap<FacilityId, DamageState>,
    /// Services each zone is without.
    pub out: BTreeMap<ZoneId, BTreeSet<Service>>,
    /// Zones awaiting cleanup.
    pub contaminated: BTreeSet<ZoneId>,
}

impl StateAt {
    /// A link's state.
    pub fn road(&self, e: EdgeId) -> RoadState {
        self.roads.get(&e).copied().unwrap_or_default()
    }

    /// A facility's damage state.
    pub fn facility(&self, f: FacilityId) -> DamageState {
        self.facilities.get(&f).copied().unwrap_or_default()
    }

    /// How many services a zone is without.
    pub fn services_out(&self, z: ZoneId) -> usize {
        self.out.get(&z).map_or(0, BTreeSet::len)
    }

    /// Whether a zone is without `s`.
    pub fn is_out(&self, z: ZoneId, s: Service) -> bool {
        self.out.get(&z).is_some_and(|o| o.contains(&s))
    }

    fn apply(&mut self, kind: &EventKind) {
        match kind {
            EventKind::EdgeClosed { edge, .. } => {
                self.roads.insert(*edge, RoadState::Closed);
            }
            EventKind::EdgeDamaged { edge, .. } => {
                self.roads.insert(*edge, RoadState::Damaged);
            }
            EventKind::EdgeOpened { edge } => {
                self.roads.remove(edge);
            }
            EventKind::FacilityDamaged { facility, state } => {
                self.facilities.insert(*facility, *state);
            }
            EventKind::FacilityRepaired { facility } => {
                self.facilities.remove(facility);
            }
            EventKind::ServiceLost { zone, service } => {
                self.out.entry(*zone).or_default().insert(*service);
            }
            EventKind::ServiceRestored { zone, service } => {
                if let Some(o) = self.out.get_mut(zone) {
                    o.remove(service);
                    if o.is_empty() {
                        self.out.remove(zone);
                    }
                }
            }
            EventKind::ZoneContaminated { zone, .. } => {
                self.contaminated.insert(*zone);
            }
            EventKind::ZoneCleaned { zone } => {
                self.contaminated.remove(zone);
            }
            _ => {}
        }
    }
}

/// The state after every event with `t_s <= t_s` (events in journal order).
pub fn state_at(events: &[SimEvent], t_s: u64) -> StateAt {
    let mut s = StateAt {
        t_s,
        ..StateAt::default()
    };
    for e in events.iter().take_while(|e| e.t_s <= t_s) {
        s.apply(&e.kind);
    }
    s
}

/// Hours each link spent closed or damaged and each zone spent without each
/// service, up to the horizon.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Durations {
    /// Hours closed, per link that ever closed.
    pub closed_h: BTreeMap<EdgeId, f64>,
    /// Hours damaged but open, per link.
    pub damaged_h: BTreeMap<EdgeId, f64>,
    /// Hours without each service, per zone that ever lost one.
    pub out_h: BTreeMap<(ZoneId, Service), f64>,
    /// Hours damaged, per facility.
    pub facility_down_h: BTreeMap<FacilityId, f64>,
}

impl Durations {
    /// Durations over a journal of a run that ended at `horizon_s`.
    pub fn of(events: &[SimEvent], horizon_s: u64) -> Durations {
        let mut d = Durations::default();
        let mut road_since: BTreeMap<EdgeId, (RoadState, u64)> = BTreeMap::new();
        let mut out_since: BTreeMap<(ZoneId, Service), u64> = BTreeMap::new();
        let mut fac_since: BTreeMap<FacilityId, u64> = BTreeMap::new();
        let h = |a: u64, b: u64| b.saturating_sub(a) as f64 / 3600.0;
        let close_road = |d: &mut Durations, e: EdgeId, (s, since): (RoadState, u64), t| {
            let m = match s {
                RoadState::Closed => &mut d.closed_h,
                _ => &mut d.damaged_h,
            };
            *m.entry(e).or_default() += h(since, t);
        };
        for ev in events {
            let t = ev.t_s;
            match &ev.kind {
                EventKind::EdgeClosed { edge, .. } | EventKind::EdgeDamaged { edge, .. } => {
                    let s = if matches!(ev.kind, EventKind::EdgeClosed { .. }) {
                        RoadState::Closed
                    } else {
                        RoadState::Damaged
                    };
                    if let Some(prev) = road_since.insert(*edge, (s, t)) {
                        close_road(&mut d, *edge, prev, t);
                    }
                }
                EventKind::EdgeOpened { edge } => {
                    if let Some(prev) = road_since.remove(edge) {
                        close_road(&mut d, *edge, prev, t);
                    }
                }
                EventKind::ServiceLost { zone, service } => {
                    out_since.entry((*zone, *service)).or_insert(t);
                }
                EventKind::ServiceRestored { zone, service } => {
                    if let Some(since) = out_since.remove(&(*zone, *service)) {
                        *d.out_h.entry((*zone, *service)).or_default() += h(since, t);
                    }
                }
                EventKind::FacilityDamaged { facility, .. } => {
                    fac_since.entry(*facility).or_insert(t);
                }
                EventKind::FacilityRepaired { facility } => {
                    if let Some(since) = fac_since.remove(facility) {
                        *d.facility_down_h.entry(*facility).or_default() += h(since, t);
                    }
                }
                _ => {}
            }
        }
        for (e, prev) in road_since {
            close_road(&mut d, e, prev, horizon_s);
        }
        for (k, since) in out_since {
            *d.out_h.entry(k).or_default() += h(since, horizon_s);
        }
        for (f, since) in fac_since {
            *d.facility_down_h.entry(f).or_default() += h(since, horizon_s);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ev(t_s: u64, kind: EventKind) -> SimEvent {
        SimEvent { t_s, kind }
    }

    fn journal() -> Vec<SimEvent> {
        vec![
            ev(
                3600,
                EventKind::EdgeClosed {
                    edge: EdgeId(1),
                    reason: Arc::from("x"),
                },
            ),
            ev(
                3600,
                EventKind::ServiceLost {
                    zone: ZoneId(5),
                    service: Service::Power,
                },
            ),
            ev(7200, EventKind::EdgeOpened { edge: EdgeId(1) }),
            ev(
                10800,
                EventKind::ServiceRestored {
                    zone: ZoneId(5),
                    service: Service::Power,
                },
            ),
        ]
    }

    #[test]
    fn state_follows_the_journal() {
        let j = journal();
        assert_eq!(state_at(&j, 0).road(EdgeId(1)), RoadState::Open);
        let s = state_at(&j, 3600);
        assert_eq!(s.road(EdgeId(1)), RoadState::Closed);
        assert!(s.is_out(ZoneId(5), Service::Power));
        let s = state_at(&j, 7200);
        assert_eq!(s.road(EdgeId(1)), RoadState::Open);
        assert_eq!(s.services_out(ZoneId(5)), 1);
        assert_eq!(state_at(&j, 10800).services_out(ZoneId(5)), 0);
    }

    #[test]
    fn durations_count_to_the_horizon() {
        let mut j = journal();
        j.push(ev(
            14400,
            EventKind::ServiceLost {
                zone: ZoneId(5),
                service: Service::Water,
            },
        ));
        let d = Durations::of(&j, 18000);
        assert_eq!(d.closed_h[&EdgeId(1)], 1.0);
        assert_eq!(d.out_h[&(ZoneId(5), Service::Power)], 2.0);
        assert_eq!(d.out_h[&(ZoneId(5), Service::Water)], 1.0);
    }
}
