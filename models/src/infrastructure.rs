//! Infrastructure services (docs/models.md#infrastructure-services):
//! substations feed zones; water plants and telecom sites need power; a telecom
//! site holds on battery for its stated hours. Each tick the [`Facilities`]
//! state gives every zone's power, water and telecom service, and service
//! fractions are people served / people.
//!
//! Glossary: a facility is *functional* when undamaged (any Hazus damage state
//! from slight up puts it out of service until a crew repairs it — an
//! assumption, stated here because Hazus gives functionality only as
//! restoration curves); it *works* when functional and everything it `needs`
//! works; a telecom site also works on battery while it lasts.

use bevy_ecs::prelude::*;
use qilian_engine::journal::Service;
use qilian_engine::network::NodeIx;
use qilian_engine::scenario::{DamageState, FacilityKind, Inject};
use qilian_engine::sim::{DueInjects, OnInjects};
use qilian_engine::{
    Clock, EngineSet, EventKind, FacilityId, Journal, Phase, ScenarioRes, Sim, SimPlugin, SimTime,
    ZoneId,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Dynamic state of every facility, by dense index (region order).
#[derive(Debug, Resource)]
pub struct Facilities {
    /// Ids by index.
    pub ids: Vec<FacilityId>,
    /// Kinds by index.
    pub kinds: Vec<FacilityKind>,
    /// Road node of each facility.
    pub nodes: Vec<NodeIx>,
    /// Current damage state.
    pub damage: Vec<DamageState>,
    /// When its damage state last changed (a repair's exact end): the time
    /// a change of service it causes is stamped with.
    pub changed_at: Vec<SimTime>,
    /// Whether it works this tick.
    pub works: Vec<bool>,
    /// When `works` last changed.
    works_at: Vec<SimTime>,
    /// Battery seconds left (telecom sites).
    pub battery_s: Vec<f64>,
    /// Battery capacity, seconds.
    battery_full_s: Vec<f64>,
    /// Indices of `needs`, per facility.
    needs: Vec<Vec<usize>>,
    /// Evaluation order: every facility after those it needs.
    order: Vec<usize>,
    index: BTreeMap<FacilityId, usize>,
}

impl Facilities {
    /// Dense index of a facility id.
    pub fn index(&self, id: FacilityId) -> Option<usize> {
        self.index.get(&id).copied()
    }
}

/// Per-zone state: which services it has and whether it needs cleanup.
#[derive(Debug, Resource)]
pub struct Zones {
    /// Ids by index.
    pub ids: Vec<ZoneId>,
    /// Residents by index.
    pub population: Vec<f64>,
    /// Supplier index per service (power, water, telecom).
    supplier: Vec<[Option<usize>; 3]>,
    /// Service state per zone (power, water, telecom).
    pub served: Vec<[bool; 3]>,
    /// Needs cleanup.
    pub contaminated: Vec<bool>,
    /// Has ever needed cleanup.
    pub ever_contaminated: Vec<bool>,
    index: BTreeMap<ZoneId, usize>,
}

impl Zones {
    /// Dense index of a zone id.
    pub fn index(&self, id: ZoneId) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// Population-weighted fraction of people who get `service`, among zones
    /// that have a supplier for it (1.0 when none do).
    pub fn fraction(&self, service: Service) -> f64 {
        let k = service as usize;
        let (mut served, mut total) = (0.0, 0.0);
        for z in 0..self.ids.len() {
            if self.supplier[z][k].is_some() {
                total += self.population[z];
                if self.served[z][k] {
                    served += self.population[z];
                }
            }
        }
        if total > 0.0 { served / total } else { 1.0 }
    }

    /// Fraction of affected zones that are clean (1.0 when none was affected).
    pub fn cleanup_fraction(&self) -> f64 {
        let ever = self.ever_contaminated.iter().filter(|&&b| b).count();
        let dirty = self.contaminated.iter().filter(|&&b| b).count();
        if ever == 0 {
            1.0
        } else {
            1.0 - dirty as f64 / ever as f64
        }
    }
}

/// Facilities, zones and services.
pub struct InfrastructurePlugin;

impl SimPlugin for InfrastructurePlugin {
    fn build(&self, sim: &mut Sim) {
        let scenario = sim.world().resource::<ScenarioRes>().0.clone();
        let region = &scenario.region;
        let net = &scenario.network;
        let index: BTreeMap<FacilityId, usize> = region
            .facilities
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id, i))
            .collect();
        let needs: Vec<Vec<usize>> = region
            .facilities
            .iter()
            .map(|f| {
                f.needs
                    .iter()
                    .filter_map(|n| index.get(n).copied())
                    .collect()
            })
            .collect();
        let battery_full_s: Vec<f64> = region
            .facilities
            .iter()
            .map(|f| f.battery_h.0 * 3600.0)
            .collect();
        let n = region.facilities.len();
        let facilities = Facilities {
            ids: region.facilities.iter().map(|f| f.id).collect(),
            kinds: region.facilities.iter().map(|f| f.kind).collect(),
            nodes: region
                .facilities
                .iter()
                .map(|f| net.node(f.node).expect("validated: facility node exists"))
                .collect(),
            damage: vec![DamageState::None; n],
            changed_at: vec![SimTime::ZERO; n],
            works: vec![true; n],
            works_at: vec![SimTime::ZERO; n],
            battery_s: battery_full_s.clone(),
            battery_full_s,
            order: dependency_order(&needs),
            needs,
            index,
        };
        let zindex: BTreeMap<ZoneId, usize> = region
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.id, i))
            .collect();
        let zones = Zones {
            ids: region.zones.iter().map(|z| z.id).collect(),
            population: region.zones.iter().map(|z| z.population as f64).collect(),
            supplier: region
                .zones
                .iter()
                .map(|z| {
                    [z.power, z.water, z.telecom].map(|s| s.and_then(|id| facilities.index(id)))
                })
                .collect(),
            served: vec![[true; 3]; region.zones.len()],
            contaminated: vec![false; region.zones.len()],
            ever_contaminated: vec![false; region.zones.len()],
            index: zindex,
        };
        sim.world_mut().insert_resource(facilities);
        sim.world_mut().insert_resource(zones);
        sim.schedule_mut().add_systems((
            apply_damage_injects
                .in_set(Phase::Damage)
                .in_set(OnInjects)
                .after(EngineSet),
            update_services.in_set(Phase::Services),
        ));
    }
}

/// Facilities ordered so that each comes after everything it needs
/// (validation rejects cycles; a cycle here would just be evaluated once).
fn dependency_order(needs: &[Vec<usize>]) -> Vec<usize> {
    let mut order = Vec::with_capacity(needs.len());
    let mut state = vec![0u8; needs.len()]; // 0 new, 1 in progress, 2 done
    for start in 0..needs.len() {
        let mut stack = vec![(start, 0usize)];
        while let Some((f, i)) = stack.pop() {
            if i == 0 {
                if state[f] != 0 {
                    continue;
                }
                state[f] = 1;
            }
            if let Some(&d) = needs[f].get(i) {
                stack.push((f, i + 1));
                if state[d] == 0 {
                    stack.push((d, 0));
                }
            } else {
                state[f] = 2;
                order.push(f);
            }
        }
    }
    order
}

pub(crate) fn apply_damage_injects(
    clock: Res<Clock>,
    due: Res<DueInjects>,
    mut fac: ResMut<Facilities>,
    mut zones: ResMut<Zones>,
    mut journal: ResMut<Journal>,
) {
    for inj in &due.0 {
        match inj {
            Inject::Damage { facility, state } => {
                let Some(i) = fac.index(*facility) else {
                    continue;
                };
                if *state > fac.damage[i] {
                    fac.damage[i] = *state;
                    fac.changed_at[i] = clock.now;
                    journal.record(
                        clock.now,
                        EventKind::FacilityDamaged {
                            facility: *facility,
                            state: *state,
                        },
                    );
                }
            }
            Inject::Contaminate { zone, reason } => {
                let Some(z) = zones.index(*zone) else {
                    continue;
                };
                if !zones.contaminated[z] {
                    zones.contaminated[z] = true;
                    zones.ever_contaminated[z] = true;
                    journal.record(
                        clock.now,
                        EventKind::ZoneContaminated {
                            zone: *zone,
                            reason: Arc::from(reason.as_str()),
                        },
                    );
                }
            }
            _ => {}
        }
    }
}

fn update_services(
    clock: Res<Clock>,
    mut fac: ResMut<Facilities>,
    mut zones: ResMut<Zones>,
    mut journal: ResMut<Journal>,
) {
    let fac = &mut *fac;
    let dt = clock.tick_s as f64;
    for k in 0..fac.order.len() {
        let f = fac.order[k];
        let functional = fac.damage[f] == DamageState::None;
        let fed = fac.needs[f].iter().all(|&d| fac.works[d]);
        // A change this tick happened when the facility's own state or
        // the last of the facilities it needs changed.
        let mut at = fac.changed_at[f].max(clock.now);
        for &d in &fac.needs[f] {
            at = at.max(fac.works_at[d]);
        }
        let works = if fac.kinds[f] == FacilityKind::TelecomSite && functional && !fed {
            let was = fac.battery_s[f] > 0.0;
            let left = fac.battery_s[f];
            fac.battery_s[f] = (left - dt).max(0.0);
            if was && fac.battery_s[f] == 0.0 {
                at = clock.at(left);
                journal.record(
                    at,
                    EventKind::BatteryDepleted {
                        facility: fac.ids[f],
                    },
                );
            }
            was
        } else {
            if functional && fed {
                // Assumption: batteries recharge within one tick of grid power.
                fac.battery_s[f] = fac.battery_full_s[f];
            }
            functional && fed
        };
        if works != fac.works[f] {
            fac.works_at[f] = at.min(clock.tick_end());
        }
        fac.works[f] = works;
    }
    for z in 0..zones.ids.len() {
        for s in Service::ALL {
            let k = s as usize;
            let Some(sup) = zones.supplier[z][k] else {
                continue;
            };
            let now = fac.works[sup];
            if now != zones.served[z][k] {
                zones.served[z][k] = now;
                let zone = zones.ids[z];
                journal.record(
                    fac.works_at[sup],
                    if now {
                        EventKind::ServiceRestored { zone, service: s }
                    } else {
                        EventKind::ServiceLost { zone, service: s }
                    },
                );
            }
        }
    }
}
