//! The `Measure` phase: one row of the per-tick series (service fractions,
//! main-road kilometres open, crews busy by kind) and, on the last tick, the
//! run's KPIs.

use crate::infrastructure::{Facilities, Zones};
use crate::responders::{Activity, Crew, CrewUse, TaskBoard};
use bevy_ecs::prelude::*;
use qilian_engine::network::EdgeStates;
use qilian_engine::scenario::CrewKind;
use qilian_engine::{Clock, Kpis, Phase, ScenarioRes, Series, Service, Sim, SimPlugin};
use serde_json::json;

/// Column names of the series, in order, before the per-kind crew columns.
pub const COLUMNS: [&str; 6] = [
    "power",
    "water",
    "telecom",
    "main_roads",
    "main_roads_km_open",
    "cleanup",
];

/// Series and KPIs.
pub struct MeasurePlugin;

#[derive(Resource)]
pub(crate) struct Layout {
    crew_kinds: Vec<CrewKind>,
    main_total_m: f64,
    /// Series column of each value in `row`.
    columns: Vec<usize>,
    row: Vec<f64>,
}

impl SimPlugin for MeasurePlugin {
    fn build(&self, sim: &mut Sim) {
        let scenario = sim.world().resource::<ScenarioRes>().0.clone();
        let plan = &scenario.plan;
        let mut crew_kinds: Vec<CrewKind> = plan
            .crews
            .iter()
            .chain(plan.mutual_aid.iter().map(|m| &m.crews))
            .map(|g| g.kind)
            .collect();
        crew_kinds.sort();
        crew_kinds.dedup();
        // Other models add their own columns to the same table.
        let mut series = sim.world_mut().resource_mut::<Series>();
        let mut columns: Vec<usize> = COLUMNS.iter().map(|c| series.column(c)).collect();
        for k in &crew_kinds {
            columns.push(series.column(&format!("crews_busy_{}", k.name())));
        }
        let width = columns.len();
        sim.world_mut().insert_resource(Layout {
            crew_kinds,
            main_total_m: scenario.network.main_road_length().0,
            columns,
            row: vec![0.0; width],
        });
        sim.schedule_mut()
            .add_systems(measure.in_set(Phase::Measure));
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn measure(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    zones: Res<Zones>,
    edges: Res<EdgeStates>,
    crews: Query<(&Crew, &Activity)>,
    board: Res<TaskBoard>,
    usage: Res<CrewUse>,
    fac: Res<Facilities>,
    mut layout: ResMut<Layout>,
    mut series: ResMut<Series>,
    mut kpis: ResMut<Kpis>,
) {
    let net = scenario.net();
    let layout = &mut *layout;
    let open_m: f64 = net
        .links
        .iter()
        .enumerate()
        .filter(|(l, link)| link.main_road && edges.passable(*l as u32))
        .map(|(_, link)| link.length.0)
        .sum();
    let row = &mut layout.row;
    row[0] = zones.fraction(Service::Power);
    row[1] = zones.fraction(Service::Water);
    row[2] = zones.fraction(Service::Telecom);
    row[3] = if layout.main_total_m > 0.0 {
        open_m / layout.main_total_m
    } else {
        1.0
    };
    row[4] = open_m / 1000.0;
    row[5] = zones.cleanup_fraction();
    for (i, k) in layout.crew_kinds.iter().enumerate() {
        row[COLUMNS.len() + i] = crews
            .iter()
            .filter(|(c, a)| c.kind == *k && a.busy())
            .count() as f64;
    }
    for (&col, &v) in layout.columns.iter().zip(row.iter()) {
        series.set(clock.now, col, v);
    }

    if clock.tick_end() >= clock.horizon {
        let utilisation: serde_json::Map<String, serde_json::Value> = usage
            .by_kind
            .iter()
            .map(|(k, (busy, present))| {
                let u = if *present > 0.0 { busy / present } else { 0.0 };
                (k.name().to_string(), json!(round6(u)))
            })
            .collect();
        kpis.0
            .insert("crews".into(), serde_json::Value::Object(utilisation));
        kpis.0.insert(
            "tasks".into(),
            json!({"created": board.created, "finished": board.finished, "open": board.tasks.len()}),
        );
        let damaged = fac
            .damage
            .iter()
            .filter(|d| **d != Default::default())
            .count();
        kpis.0
            .insert("facilities_damaged_at_end".into(), json!(damaged));
    }
}

/// Round to 6 decimals so JSON output is short and stable.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
