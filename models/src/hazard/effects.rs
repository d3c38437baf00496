//! What every hazard model does to the World once its field reaches a
//! place: a facility takes damage, a link pair changes state, a zone is
//! left contaminated. Each change is journalled once, when it happens; a
//! state never gets better here (only crews repair).

use crate::infrastructure::{Facilities, Zones};
use qilian_engine::network::{EdgeState, EdgeStates, LinkIx};
use qilian_engine::scenario::DamageState;
use qilian_engine::sim::set_edge;
use qilian_engine::{EventKind, Journal, Network, SimTime};
use std::sync::Arc;

/// Raise facility `f` to damage `state` when that is worse than its
/// current one (journal `FacilityDamaged`).
pub(crate) fn damage_facility(
    fac: &mut Facilities,
    journal: &mut Journal,
    now: SimTime,
    f: usize,
    state: DamageState,
) {
    if state > fac.damage[f] {
        fac.damage[f] = state;
        fac.changed_at[f] = now;
        journal.record(
            now,
            EventKind::FacilityDamaged {
                facility: fac.ids[f],
                state,
            },
        );
    }
}

/// Set link `l` and its twin, in that order, to `state` (journalled by
/// [`set_edge`] when it changes).
pub(crate) fn set_link_pair(
    net: &Network,
    edges: &mut EdgeStates,
    journal: &mut Journal,
    now: SimTime,
    l: LinkIx,
    state: &EdgeState,
) {
    for l in std::iter::once(l).chain(net.links[l as usize].twin) {
        set_edge(net, edges, journal, now, l, state.clone());
    }
}

/// Mark zone `z` contaminated for `reason` unless it is already (journal
/// `ZoneContaminated`).
pub(crate) fn contaminate(
    zones: &mut Zones,
    journal: &mut Journal,
    now: SimTime,
    z: usize,
    reason: &str,
) {
    if !zones.contaminated[z] {
        zones.contaminated[z] = true;
        zones.ever_contaminated[z] = true;
        journal.record(
            now,
            EventKind::ZoneContaminated {
                zone: zones.ids[z],
                reason: Arc::from(reason),
            },
        );
    }
}
