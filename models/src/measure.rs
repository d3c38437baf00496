//! The `Measure` phase: one row of the per-tick series (service fractions,
//! main-road kilometres open, crews busy by kind) and, on the last tick, the
//! run's KPIs.

use crate::infrastructure::{Facilities, Zones};
use crate::responders::{Activity, Crew, TaskBoard};
use bevy_ecs::prelude::*;
use qilian_engine::network::EdgeStates;
use qilian_engine::scenario::CrewKind;
use qilian_engine::units::round6;
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
    /// Main-road metres open, and the link passability version it was
    /// summed at.
    open_m: (Option<u64>, f64),
    /// Series column of each value in `row`.
    columns: Vec<usize>,
    row: Vec<f64>,
    /// Per crew kind (indexed `kind as usize`): busy and present crew-seconds.
    use_s: [(f64, f64); CrewKind::ALL.len()],
    /// Zone-seconds without any working means of communication.
    comms_zone_s: f64,
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
            open_m: (None, 0.0),
            columns,
            row: vec![0.0; width],
            use_s: Default::default(),
            comms_zone_s: 0.0,
        });
        sim.schedule_mut()
            .add_systems(measure.in_set(Phase::Measure));
    }
}

pub(crate) fn measure(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    zones: Res<Zones>,
    edges: Res<EdgeStates>,
    crews: Query<(&Crew, &Activity)>,
    board: Res<TaskBoard>,
    fac: Res<Facilities>,
    mut layout: ResMut<Layout>,
    mut series: ResMut<Series>,
    mut kpis: ResMut<Kpis>,
) {
    let net = scenario.net();
    let layout = &mut *layout;
    if layout.open_m.0 != Some(edges.passability) {
        let open_m: f64 = net
            .links
            .iter()
            .enumerate()
            .filter(|(l, link)| link.main_road && edges.passable(*l as u32))
            .map(|(_, link)| link.length.0)
            .sum();
        layout.open_m = (Some(edges.passability), open_m);
    }
    let open_m = layout.open_m.1;
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
    layout.comms_zone_s += zones
        .served
        .iter()
        .filter(|s| !s[Service::Telecom as usize])
        .count() as f64
        * clock.tick_s as f64;
    let mut busy = [0u32; CrewKind::ALL.len()];
    let mut present = [0u32; CrewKind::ALL.len()];
    for (c, a) in &crews {
        if !matches!(a, Activity::Away) {
            present[c.kind as usize] += 1;
            busy[c.kind as usize] += u32::from(a.busy());
        }
    }
    let dt = clock.tick_s as f64;
    for (i, k) in layout.crew_kinds.iter().enumerate() {
        let k = *k as usize;
        row[COLUMNS.len() + i] = busy[k] as f64;
        layout.use_s[k].0 += busy[k] as f64 * dt;
        layout.use_s[k].1 += present[k] as f64 * dt;
    }
    for (&col, &v) in layout.columns.iter().zip(row.iter()) {
        series.set(clock.now, col, v);
    }

    if clock.tick_end() >= clock.horizon {
        let utilisation: serde_json::Map<String, serde_json::Value> = layout
            .crew_kinds
            .iter()
            .map(|k| {
                let (busy, present) = layout.use_s[*k as usize];
                let u = if present > 0.0 { busy / present } else { 0.0 };
                (k.name().to_string(), json!(round6(u)))
            })
            .collect();
        kpis.0
            .insert("crews".into(), serde_json::Value::Object(utilisation));
        kpis.0.insert(
            "tasks".into(),
            json!({"created": board.created, "finished": board.finished, "open": board.tasks().len()}),
        );
        kpis.0.insert(
            "zone_hours_without_comms".into(),
            json!(round6(layout.comms_zone_s / 3600.0)),
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
