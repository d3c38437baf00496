//! Verification of the evacuation model on small hand-built scenarios, against
//! the checkable results of the queue model (MATSim QSim; point queue of
//! Newell for bottlenecks): see the module docs of `qilian_models::evacuation`.

use crate::build::{Builder, all_at};
use qilian_engine::network::EdgeStates;
use qilian_engine::scenario::{DamageState, DepartureCurve, Inject, Trigger};
use qilian_engine::{EdgeId, EventKind, FacilityId, Hours, RunResult, Sim, ZoneId};
use qilian_models::evacuation::{Evacuation, Status};
use qilian_models::standard_sim;

fn evac(sim: &Sim) -> &Evacuation {
    sim.world().resource::<Evacuation>()
}

/// Arrivals `(time s, people)`, shelter occupancy, and the run's result.
type Outcome = (Vec<(f64, u32)>, Vec<(FacilityId, u64)>, RunResult);

/// Run to the horizon, checking conservation every tick.
fn run_checked(sim: Sim) -> Outcome {
    let mut sim = sim;
    while !sim.finished() {
        sim.step();
        if let Err(e) = evac(&sim).audit() {
            panic!("at {:?}: {e}", sim.now());
        }
        let casualties = sim
            .world()
            .resource::<qilian_models::casualties::Casualties>();
        if let Err(e) = casualties.audit(evac(&sim)) {
            panic!("at {:?}: casualties: {e}", sim.now());
        }
    }
    let e = evac(&sim);
    let arrivals = e.arrivals().to_vec();
    let occupancy = e.occupancy();
    (arrivals, occupancy, sim.finish())
}

fn at0() -> Trigger {
    Trigger::AtHour(Hours(0.0))
}

#[test]
fn corridor_free_flow_time_is_exact_whatever_the_tick() {
    for tick_s in [1, 60, 7, 300] {
        let mut b = Builder::new();
        b.tick_s = tick_s;
        b.node(1, 0.0, 0.0).node(2, 1000.0, 0.0);
        b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
        b.zone(1, 1, 1, 1).shelter(10, 2, 100.0);
        b.rule(&[1], at0(), 1.0, all_at(900.0), 1.0);
        let (arrivals, _, run) = run_checked(standard_sim(b.build(), 0));
        // Departs at 900 s, 1000 m at 10 m/s: arrives at 1000 s exactly.
        assert_eq!(arrivals.len(), 1, "tick {tick_s}");
        assert!(
            (arrivals[0].0 - 1000.0).abs() < 1e-9,
            "tick {tick_s}: arrived at {}",
            arrivals[0].0
        );
        assert_eq!(run.kpis["evacuation"]["sheltered"], 1);
    }
}

/// Clearance time of `n` vehicles released at once through a bottleneck of
/// `length` m at 10 m/s and 1800 veh/h: last arrival − release.
fn bottleneck(n: u32, length: f64) -> f64 {
    let mut b = Builder::new();
    b.horizon_h = 2.0;
    b.node(1, 0.0, 0.0).node(2, length, 0.0);
    b.link(1, 2, length, 10.0, 1, 1800.0);
    b.zone(1, 1, n, n).shelter(10, 2, n as f64);
    b.rule(&[1], at0(), 1.0, all_at(60.0), 1.0);
    let (arrivals, _, run) = run_checked(standard_sim(b.build(), 0));
    assert_eq!(run.kpis["evacuation"]["sheltered"], n);
    arrivals.last().unwrap().0 - 60.0
}

#[test]
fn bottleneck_clears_at_free_flow_time_plus_n_over_c() {
    // τ = 100 s, C = 0.5 veh/s, N = 1000: τ + N/C = 2100 s.
    let n = 1000;
    let clear = bottleneck(n, 1000.0);
    let expected = 100.0 + n as f64 / 0.5;
    assert!(
        ((clear - expected) / expected).abs() < 0.01,
        "cleared in {clear} s, expected {expected} s"
    );
    // A longer bottleneck adds travel time, not capacity.
    let longer = bottleneck(n, 2000.0);
    assert!((longer - clear - 100.0).abs() < 1e-6, "{longer} vs {clear}");
}

/// `n` vehicles released at once toward one or two 1800 veh/h exits; returns
/// the queueing part of the clearance time (clearance − τ).
fn exits(n: u32, two: bool) -> f64 {
    let mut b = Builder::new();
    b.horizon_h = 2.0;
    b.plan.evacuation.route_interval_min = Some(1.0);
    b.node(1, 0.0, 0.0)
        .node(2, 1000.0, 0.0)
        .node(3, -1000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, n, n).shelter(10, 2, n as f64);
    if two {
        b.link(1, 3, 1000.0, 10.0, 1, 1800.0);
        b.shelter(11, 3, n as f64);
    }
    b.rule(&[1], at0(), 1.0, all_at(0.0001), 1.0);
    let (arrivals, occupancy, _) = run_checked(standard_sim(b.build(), 0));
    assert_eq!(arrivals.len() as u32, n);
    if two {
        // Both exits carried a fair share.
        assert!(
            occupancy.iter().all(|o| o.1 > n as u64 / 3),
            "{occupancy:?}"
        );
    }
    arrivals.last().unwrap().0 - 0.36 - 100.0
}

#[test]
fn two_equal_exits_halve_the_queueing_time() {
    let one = exits(1000, false);
    let two = exits(1000, true);
    let ratio = two / one;
    assert!(
        (ratio - 0.5).abs() < 0.05,
        "queueing {one} s with one exit, {two} s with two (ratio {ratio})"
    );
}

#[test]
fn spillback_blocks_upstream_inflow() {
    // Origin → 750 m link (100 vehicles of storage, 3600 veh/h) → 75 m
    // bottleneck (10 vehicles, 720 veh/h: one every 5 s) → shelter.
    let mut b = Builder::new();
    b.tick_s = 10;
    b.horizon_h = 0.6;
    b.node(1, 0.0, 0.0).node(2, 750.0, 0.0).node(3, 825.0, 0.0);
    let up = b.link(1, 2, 750.0, 10.0, 1, 3600.0);
    let neck = b.link(2, 3, 75.0, 10.0, 1, 720.0);
    b.zone(1, 1, 300, 300).shelter(10, 3, 300.0);
    b.rule(&[1], at0(), 1.0, all_at(1.0), 1.0);
    let scenario = b.build();
    let (up, neck) = (
        scenario.network.link(EdgeId(up)).unwrap(),
        scenario.network.link(EdgeId(neck)).unwrap(),
    );
    let mut sim = standard_sim(scenario, 0);
    let mut upstream_full_with_queue_behind = false;
    while !sim.finished() {
        sim.step();
        let e = evac(&sim);
        e.audit().unwrap();
        let (n_neck, cap_neck) = e.link_load(neck);
        let (n_up, cap_up) = e.link_load(up);
        assert_eq!((cap_up, cap_neck), (100.0, 10.0));
        assert!(
            n_neck as f64 <= cap_neck,
            "bottleneck over storage: {n_neck}"
        );
        let waiting_at_origin = e.totals().en_route - n_up as u64 - n_neck as u64;
        if n_up == 100 && waiting_at_origin > 0 {
            upstream_full_with_queue_behind = true;
        }
    }
    assert!(
        upstream_full_with_queue_behind,
        "the queue should spill back to the origin"
    );
    let e = evac(&sim);
    let arrivals = e.arrivals();
    assert_eq!(arrivals.len(), 300);
    // The upstream link drains at the bottleneck's rate, not its own.
    for w in arrivals.windows(2).skip(1) {
        assert!((w[1].0 - w[0].0 - 5.0).abs() < 1e-9, "{w:?}");
    }
    let run = sim.finish();
    assert_eq!(run.kpis["evacuation"]["stuck_releases"], 0);
}

/// Origin → 750 m link (100 vehicles of storage, 3600 veh/h) → 75 m neck
/// (10 vehicles, 200 veh/h: one every 18 s) → shelter; 300 vehicles leave
/// at 1 s with the plan's `stuck_timeout_s` (`None`: the default).
fn slow_neck(stuck_s: Option<f64>) -> (bool, Vec<(f64, u32)>, RunResult) {
    let mut b = Builder::new();
    b.tick_s = 10;
    b.horizon_h = 2.0;
    if let Some(s) = stuck_s {
        b.plan.evacuation.stuck_timeout_s = s;
    }
    b.node(1, 0.0, 0.0).node(2, 750.0, 0.0).node(3, 825.0, 0.0);
    let up = b.link(1, 2, 750.0, 10.0, 1, 3600.0);
    let neck = b.link(2, 3, 75.0, 10.0, 1, 200.0);
    b.zone(1, 1, 300, 300).shelter(10, 3, 300.0);
    b.rule(&[1], at0(), 1.0, all_at(1.0), 1.0);
    let scenario = b.build();
    let neck = scenario.network.link(EdgeId(neck)).unwrap();
    let up = scenario.network.link(EdgeId(up)).unwrap();
    let mut sim = standard_sim(scenario, 0);
    let mut held = true;
    let mut spilled = false;
    while !sim.finished() {
        sim.step();
        let e = evac(&sim);
        let (n, cap) = e.link_load(neck);
        held &= n as f64 <= cap;
        let (n_up, cap_up) = e.link_load(up);
        spilled |= n_up as f64 >= cap_up;
    }
    let arrivals = evac(&sim).arrivals().to_vec();
    (held && spilled, arrivals, sim.finish())
}

#[test]
fn spillback_behind_a_200_veh_h_link_with_the_default_stuck_timeout() {
    // Default: the neck never holds more than its storage, the queue spills
    // back over the whole upstream link, and vehicles leave one per 18 s.
    let (queued, arrivals, run) = slow_neck(None);
    assert!(
        queued,
        "the queue should be held on the neck and spill back"
    );
    assert_eq!(run.kpis["evacuation"]["stuck_releases"], 0);
    assert_eq!(arrivals.len(), 300);
    for w in arrivals.windows(2).skip(1) {
        assert!((w[1].0 - w[0].0 - 18.0).abs() < 1e-6, "{w:?}");
    }
    // MATSim's 10 s pushes heads into the full neck: no spillback holds.
    let (queued, _, run) = slow_neck(Some(10.0));
    assert!(!queued);
    assert!(run.kpis["evacuation"]["stuck_releases"].as_u64().unwrap() > 0);
}

#[test]
fn a_vehicle_does_not_overfill_a_shelter_while_the_next_has_room() {
    // Origin → 1000 m → S1 (50 places) → 1000 m → S2 (100 places); 20
    // vehicles of 3: 16 fit in S1 (48), the rest go on to S2.
    let mut b = Builder::new();
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0)
        .node(2, 1000.0, 0.0)
        .node(3, 2000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.link(2, 3, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 60, 20)
        .shelter(10, 2, 50.0)
        .shelter(11, 3, 100.0);
    b.rule(&[1], at0(), 3.0, all_at(60.0), 1.0);
    let (_, occupancy, run) = run_checked(standard_sim(b.build(), 0));
    assert_eq!(occupancy, vec![(FacilityId(10), 48), (FacilityId(11), 12)]);
    let k = &run.kpis["evacuation"];
    assert_eq!(k["shelter_overflow"], 0);
    assert!(
        !run.events
            .iter()
            .any(|e| e.kind == EventKind::SheltersOverflowing)
    );
}

#[test]
fn a_shelter_filled_exactly_is_not_overflowing() {
    // 30 people in 10 vehicles of 3, one shelter of 30 places.
    let mut b = Builder::new();
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0).node(2, 1000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 30, 10).shelter(10, 2, 30.0);
    b.rule(&[1], at0(), 3.0, all_at(60.0), 1.0);
    let (_, occupancy, run) = run_checked(standard_sim(b.build(), 0));
    assert_eq!(occupancy, vec![(FacilityId(10), 30)]);
    assert_eq!(run.kpis["evacuation"]["shelter_overflow"], 0);
    assert!(run.events.iter().any(|e| e.kind
        == EventKind::ShelterFull {
            facility: FacilityId(10)
        }));
    assert!(
        !run.events
            .iter()
            .any(|e| e.kind == EventKind::SheltersOverflowing),
        "nobody was turned away"
    );
}

#[test]
fn nearest_shelter_is_chosen_on_free_roads() {
    // A 5 × 5 grid, 300 m apart, two-way, speeds varying by row and column so
    // that time and distance disagree; shelters at three corners.
    let mut b = Builder::new();
    b.horizon_h = 3.0;
    let id = |r: u32, c: u32| 1 + r * 5 + c;
    for r in 0..5 {
        for c in 0..5 {
            b.node(id(r, c), c as f64 * 300.0, r as f64 * 300.0);
        }
    }
    for r in 0..5 {
        for c in 0..5 {
            let v = 5.0 + ((r * 7 + c * 3) % 5) as f64 * 2.5;
            if c < 4 {
                b.link(id(r, c), id(r, c + 1), 300.0, v, 1, 36000.0);
                b.link(id(r, c + 1), id(r, c), 300.0, v + 1.0, 1, 36000.0);
            }
            if r < 4 {
                b.link(id(r, c), id(r + 1, c), 300.0, v + 0.5, 1, 36000.0);
                b.link(id(r + 1, c), id(r, c), 300.0, v + 1.5, 1, 36000.0);
            }
        }
    }
    let shelters = [(10, id(0, 4)), (11, id(4, 0)), (12, id(4, 4))];
    for (s, node) in shelters {
        b.shelter(s, node, 100.0);
    }
    let zones = [id(0, 0), id(2, 2), id(1, 3), id(3, 1), id(2, 0), id(0, 2)];
    for (k, &node) in zones.iter().enumerate() {
        let z = 100 + k as u32;
        b.zone(z, node, 1, 1);
        // One zone every 10 minutes, so vehicles never meet.
        b.rule(&[z], at0(), 1.0, all_at(600.0 * (k + 1) as f64), 1.0);
    }
    let scenario = b.build();
    let net = scenario.network.clone();
    let states = EdgeStates::new(&net);
    let mut expected = Vec::new();
    for (k, &node) in zones.iter().enumerate() {
        let tree = net.tree_from(net.node(qilian_engine::NodeId(node)).unwrap(), &states);
        let (best, time) = shelters
            .iter()
            .map(|&(s, n)| {
                let t = tree.time[net.node(qilian_engine::NodeId(n)).unwrap() as usize];
                (s, t)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        expected.push((FacilityId(best), 600.0 * (k + 1) as f64 + time));
    }
    let mut sim = standard_sim(scenario, 0);
    while !sim.finished() {
        sim.step();
    }
    let e = evac(&sim);
    assert_eq!(e.vehicles(), zones.len());
    let mut chosen: Vec<FacilityId> = (0..zones.len()).map(|v| e.vehicle(v).1.unwrap()).collect();
    // Vehicles are numbered in warning order = zone order here.
    assert_eq!(
        chosen,
        expected.iter().map(|x| x.0).collect::<Vec<_>>(),
        "shelters chosen"
    );
    // Several different shelters must be involved for the test to mean much.
    chosen.sort();
    chosen.dedup();
    assert!(chosen.len() >= 2);
    for ((t, _), (_, want)) in e.arrivals().iter().zip(&expected) {
        assert!((t - want).abs() < 1e-6, "arrived {t}, shortest {want}");
    }
}

#[test]
fn a_full_shelter_makes_vehicles_retarget() {
    // Origin → 1000 m → S1 (10 places) → 1000 m → S2 (100 places).
    let mut b = Builder::new();
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0)
        .node(2, 1000.0, 0.0)
        .node(3, 2000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.link(2, 3, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 30, 30)
        .shelter(10, 2, 10.0)
        .shelter(11, 3, 100.0);
    b.rule(&[1], at0(), 1.0, all_at(60.0), 1.0);
    let (_, occupancy, run) = run_checked(standard_sim(b.build(), 0));
    assert_eq!(occupancy, vec![(FacilityId(10), 10), (FacilityId(11), 20)]);
    let k = &run.kpis["evacuation"];
    assert_eq!(k["retargeted"], 20);
    assert_eq!(k["shelter_overflow"], 0);
    assert_eq!(k["sheltered"], 30);
    assert!(run.events.iter().any(|e| e.kind
        == EventKind::ShelterFull {
            facility: FacilityId(10)
        }));
}

#[test]
fn all_shelters_full_means_overflow_not_lost_people() {
    let mut b = Builder::new();
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0).node(2, 1000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 30, 10).shelter(10, 2, 12.0);
    b.rule(&[1], at0(), 3.0, all_at(60.0), 1.0);
    let (_, occupancy, run) = run_checked(standard_sim(b.build(), 0));
    assert_eq!(occupancy, vec![(FacilityId(10), 30)]);
    assert_eq!(run.kpis["evacuation"]["shelter_overflow"], 18);
    assert!(
        run.events
            .iter()
            .any(|e| e.kind == EventKind::SheltersOverflowing)
    );
}

/// The closure scenario: origin O → A → S is shortest; A → B → S and O → B
/// are detours. Returns the peak load on A → B and on A → S after `closed_s`.
fn detour(close: bool) -> (u32, u32, RunResult) {
    let mut b = Builder::new();
    b.tick_s = 10;
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0) // O
        .node(2, 500.0, 0.0) // A
        .node(3, 1000.0, 0.0) // S
        .node(4, 500.0, 500.0); // B
    b.link(1, 2, 500.0, 10.0, 1, 3600.0);
    let a_s = b.link(2, 3, 500.0, 10.0, 1, 3600.0);
    let a_b = b.link(2, 4, 500.0, 10.0, 1, 3600.0);
    b.link(1, 4, 1200.0, 10.0, 1, 3600.0);
    b.link(4, 3, 1000.0, 10.0, 1, 3600.0);
    b.zone(1, 1, 200, 200).shelter(10, 3, 500.0);
    b.rule(
        &[1],
        at0(),
        1.0,
        DepartureCurve::Rayleigh {
            sigma_h: Hours(0.05).into(),
        },
        1.0,
    );
    let closed_s = 180;
    if close {
        b.inject(
            closed_s as f64 / 3600.0,
            Inject::CloseEdge {
                edge: EdgeId(a_s),
                reason: "police closure".into(),
                both_ways: false,
                state: DamageState::None,
            },
        );
    }
    let scenario = b.build();
    let (a_s, a_b) = (
        scenario.network.link(EdgeId(a_s)).unwrap(),
        scenario.network.link(EdgeId(a_b)).unwrap(),
    );
    let mut sim = standard_sim(scenario, 0);
    let (mut peak_detour, mut after_close) = (0, 0);
    while !sim.finished() {
        sim.step();
        let e = evac(&sim);
        e.audit().unwrap();
        peak_detour = peak_detour.max(e.link_load(a_b).0);
        // Vehicles already on A → S when it closed drive off within 50 s.
        if sim.now().0 >= closed_s + 60 {
            after_close = after_close.max(e.link_load(a_s).0);
        }
    }
    (peak_detour, after_close, sim.finish())
}

#[test]
fn a_closure_makes_vehicles_reroute() {
    let (detour_open, _, base) = detour(false);
    assert_eq!(detour_open, 0, "nobody detours on open roads");
    let (detour_closed, on_closed, run) = detour(true);
    assert!(detour_closed > 0, "vehicles past O must reroute at A");
    assert_eq!(on_closed, 0, "nobody enters the closed link");
    for r in [&base, &run] {
        assert_eq!(r.kpis["evacuation"]["sheltered"], 200);
        assert_eq!(r.kpis["evacuation"]["exposed"], 0);
    }
    let t90 = |r: &RunResult| r.kpis["evacuation"]["t90_h"].as_f64().unwrap();
    assert!(t90(&run) > t90(&base), "the detour is longer");
}

#[test]
fn people_left_behind_or_caught_on_a_closing_road_are_exposed() {
    let mut b = Builder::new();
    b.horizon_h = 3.0;
    b.node(1, 0.0, 0.0)
        .node(2, 5000.0, 0.0)
        .node(3, 0.0, 5000.0);
    let road = b.link(1, 2, 5000.0, 10.0, 1, 3600.0);
    b.zone(1, 1, 1000, 400).zone(2, 3, 100, 40);
    b.link(3, 1, 5000.0, 10.0, 1, 3600.0);
    b.shelter(10, 2, 5000.0);
    b.rule(
        &[1],
        at0(),
        2.5,
        DepartureCurve::Rayleigh {
            sigma_h: Hours(0.5).into(),
        },
        0.75,
    );
    // Zone 2 is warned by an order only.
    b.rule(&[2], Trigger::OnOrder, 2.5, all_at(60.0), 1.0);
    b.inject(0.25, Inject::Warn { zone: ZoneId(2) });
    // A flood takes the road at 0.4 h and reaches zone 1 at 0.5 h.
    b.inject(
        0.4,
        Inject::CloseEdge {
            edge: EdgeId(road),
            reason: "flooded".into(),
            both_ways: false,
            state: DamageState::Moderate,
        },
    );
    b.inject(0.5, Inject::Expose { zone: ZoneId(1) });
    let (_, _, run) = run_checked(standard_sim(b.build(), 0));
    let caught: u32 = run
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::VehiclesCaught { people, .. } => Some(people),
            _ => None,
        })
        .sum();
    let in_zone: u32 = run
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::ZoneExposed { people, .. } => Some(people),
            _ => None,
        })
        .sum();
    let k = &run.kpis["evacuation"];
    assert!(caught > 0, "vehicles on the road when it flooded");
    // A quarter of zone 1 never left, and the flood came before the rest.
    assert!(in_zone >= 250, "exposed at home: {in_zone}");
    assert_eq!(k["exposed"], (caught + in_zone) as u64);
    assert!(run.events.iter().any(|e| e.kind
        == EventKind::ZoneWarned {
            zone: ZoneId(2),
            people: 100,
            vehicles: 40
        }));
    // Nobody gets through after the only road flooded.
    assert_eq!(
        k["sheltered"].as_u64().unwrap()
            + k["exposed"].as_u64().unwrap()
            + k["en_route"].as_u64().unwrap()
            + k["at_home"].as_u64().unwrap(),
        1100
    );
    assert!(k["t100_h"].is_null());
    // Casualties: the people caught on the road fall under the `road`
    // cause; those exposed by an `Expose` inject have no hazard to blame.
    let c = &run.kpis["casualties"];
    assert_eq!(c["by_cause"]["road"]["affected"], caught as u64);
    assert!(c["by_cause"]["road"]["deaths"].as_u64().unwrap() <= caught as u64);
    assert_eq!(c["exposed_no_cause"], in_zone as u64);
}

#[test]
fn everyone_caught_on_a_road_dies_at_a_road_death_rate_of_one() {
    let mut b = Builder::new();
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0).node(2, 20_000.0, 0.0);
    let road = b.link(1, 2, 20_000.0, 10.0, 1, 3600.0);
    b.zone(1, 1, 40, 20).shelter(10, 2, 100.0);
    b.rule(&[1], at0(), 2.0, all_at(60.0), 1.0);
    b.plan.casualties.road_death_rate = 1.0;
    b.plan.casualties.road_injury_rate = 0.0;
    b.inject(
        0.5,
        Inject::CloseEdge {
            edge: EdgeId(road),
            reason: "burning".into(),
            both_ways: false,
            state: DamageState::Extensive,
        },
    );
    let (_, _, run) = run_checked(standard_sim(b.build(), 0));
    let c = &run.kpis["casualties"]["by_cause"]["road"];
    assert_eq!(c["affected"], 40, "{c}");
    assert_eq!(c["deaths"], 40);
    assert_eq!(c["injuries"], 0);
    assert_eq!(run.kpis["casualties"]["deaths"], 40);
}

#[test]
fn vehicles_and_statuses_are_reported() {
    let mut b = Builder::new();
    b.node(1, 0.0, 0.0).node(2, 1000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 5, 5).shelter(10, 2, 100.0);
    b.rule(&[1], at0(), 1.0, all_at(60.0), 1.0);
    let mut sim = standard_sim(b.build(), 0);
    sim.step(); // 0–60 s: warned, nobody gone yet
    assert_eq!(evac(&sim).vehicle(0).0, Status::Waiting);
    sim.step(); // 60–120 s: on the road
    assert_eq!(evac(&sim).vehicle(0).0, Status::EnRoute);
    for _ in 0..3 {
        sim.step();
    }
    assert_eq!(
        evac(&sim).vehicle(0),
        (Status::Sheltered, Some(FacilityId(10)))
    );
}

#[test]
fn hazard_within_warns_from_the_forecast_hook() {
    // Validation rejects HazardWithin in a scenario without a flood or fire,
    // so the plan is swapped in after loading; the forecast is what a hazard
    // model would write into HazardReach.
    let mut b = Builder::new();
    b.node(1, 0.0, 0.0).node(2, 1000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 3, 1).shelter(10, 2, 100.0);
    b.rule(&[1], Trigger::OnOrder, 3.0, all_at(60.0), 1.0);
    let loaded = b.build();
    let mut plan = (*loaded.plan).clone();
    plan.evacuation.rules[0].trigger = Trigger::HazardWithin(Hours(0.5));
    let scenario = std::sync::Arc::new(loaded.with_plan(std::sync::Arc::new(plan)));
    let mut sim = standard_sim(scenario, 0);
    sim.world_mut()
        .resource_mut::<qilian_models::evacuation::HazardReach>()
        .forecast_s[0] = Some(qilian_engine::SimTime(3600));
    let run = sim.run();
    let warned: Vec<u64> = run
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ZoneWarned { .. }))
        .map(|e| e.t_s)
        .collect();
    assert_eq!(
        warned,
        vec![1800],
        "half an hour before the forecast arrival"
    );
    assert_eq!(run.kpis["evacuation"]["sheltered"], 3);
}

/// A zone warned at hour 0 with departures spread over hours, told to
/// shelter in place at `told_h` (`None`: never).
fn in_place(told_h: Option<f64>) -> (Vec<u64>, RunResult) {
    let mut b = Builder::new();
    b.horizon_h = 4.0;
    b.node(1, 0.0, 0.0).node(2, 2000.0, 0.0);
    b.link(1, 2, 2000.0, 10.0, 1, 3600.0);
    b.zone(1, 1, 1000, 400).shelter(10, 2, 5000.0);
    b.rule(
        &[1],
        at0(),
        2.5,
        DepartureCurve::Rayleigh {
            sigma_h: Hours(1.0).into(),
        },
        1.0,
    );
    let mut sim = standard_sim(b.build(), 0);
    let mut departed = Vec::new();
    while !sim.finished() {
        if told_h.is_some_and(|h| sim.now().0 as f64 >= h * 3600.0) {
            sim.world_mut()
                .resource_mut::<qilian_models::evacuation::HazardReach>()
                .shelter[0] = true;
        }
        sim.step();
        if let Err(e) = evac(&sim).audit() {
            panic!("at {:?}: {e}", sim.now());
        }
        let casualties = sim
            .world()
            .resource::<qilian_models::casualties::Casualties>();
        if let Err(e) = casualties.audit(evac(&sim)) {
            panic!("at {:?}: casualties: {e}", sim.now());
        }
        departed.push(evac(&sim).departed());
    }
    (departed, sim.finish())
}

#[test]
fn sheltering_in_place_stops_departures_and_conserves_people() {
    let (free, run_free) = in_place(None);
    let (told, run) = in_place(Some(0.5));
    // Before the order both runs are the same; from it on nobody leaves.
    let at = 30; // ticks of 60 s in half an hour
    assert_eq!(free[..at], told[..at]);
    assert!(told[at - 1] > 0, "some left before the order");
    assert!(told[at..].iter().all(|&d| d == told[at - 1]), "{told:?}");
    assert_eq!(*free.last().unwrap(), 1000, "without the order all leave");
    let k = &run.kpis["evacuation"];
    assert_eq!(k["shelter_in_place_zones"], 1);
    assert_eq!(k["stayed_in_place"], 1000 - told[at - 1]);
    assert_eq!(k["at_home"], 1000 - told[at - 1]);
    assert_eq!(
        k["sheltered"].as_u64().unwrap() + k["en_route"].as_u64().unwrap(),
        told[at - 1]
    );
    assert_eq!(run_free.kpis["evacuation"]["stayed_in_place"], 0);
}

#[test]
fn a_zone_told_to_shelter_first_is_not_warned_by_its_rule() {
    let mut b = Builder::new();
    b.node(1, 0.0, 0.0).node(2, 1000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 30, 10).shelter(10, 2, 100.0);
    b.rule(&[1], Trigger::AtHour(Hours(1.0)), 3.0, all_at(60.0), 1.0);
    let mut sim = standard_sim(b.build(), 0);
    sim.world_mut()
        .resource_mut::<qilian_models::evacuation::HazardReach>()
        .shelter[0] = true;
    let run = sim.run();
    assert!(
        !run.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ZoneWarned { .. }))
    );
    assert_eq!(run.kpis["evacuation"]["at_home"], 30);
    assert_eq!(run.kpis["evacuation"]["vehicles"], 0);
}

/// Origin → 1000 m → S10 (10 places) → 1000 m → S11 (100 places, not opened
/// by the plan), with `opened` injected at 0 h when given.
fn closed_second_shelter(opened: Option<Inject>) -> Outcome {
    let mut b = Builder::new();
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0)
        .node(2, 1000.0, 0.0)
        .node(3, 2000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.link(2, 3, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 30, 30)
        .shelter(10, 2, 10.0)
        .shelter(11, 3, 100.0);
    b.plan.shelters.retain(|f| f.0 != 11);
    b.rule(&[1], at0(), 1.0, all_at(60.0), 1.0);
    if let Some(i) = opened {
        b.inject(0.0, i);
    }
    run_checked(standard_sim(b.build(), 0))
}

#[test]
fn a_shelter_opened_by_inject_takes_the_overflow() {
    // Not opened: everyone ends in S10, 20 over its capacity.
    let (_, occupancy, run) = closed_second_shelter(None);
    assert_eq!(occupancy, vec![(FacilityId(10), 30)]);
    assert_eq!(run.kpis["evacuation"]["shelter_overflow"], 20);
    // Opened at the start: S10 fills, the rest go on to S11; nobody lost
    // (`run_checked` audits conservation every tick).
    let open = Inject::OpenShelter {
        facility: FacilityId(11),
    };
    let (_, occupancy, run) = closed_second_shelter(Some(open.clone()));
    assert_eq!(occupancy, vec![(FacilityId(10), 10), (FacilityId(11), 20)]);
    let k = &run.kpis["evacuation"];
    assert_eq!(k["shelter_overflow"], 0);
    assert_eq!(k["sheltered"], 30);
    // Opened while the vehicles are on the road to S10 (they leave at 60 s
    // and reach node 2 from 160 s): those that find S10 full re-target.
    let mut b = Builder::new();
    b.horizon_h = 1.0;
    b.node(1, 0.0, 0.0)
        .node(2, 1000.0, 0.0)
        .node(3, 2000.0, 0.0);
    b.link(1, 2, 1000.0, 10.0, 1, 1800.0);
    b.link(2, 3, 1000.0, 10.0, 1, 1800.0);
    b.zone(1, 1, 30, 30)
        .shelter(10, 2, 10.0)
        .shelter(11, 3, 100.0);
    b.plan.shelters.retain(|f| f.0 != 11);
    b.rule(&[1], at0(), 1.0, all_at(60.0), 1.0);
    b.inject(0.03, open);
    let (_, occupancy, run) = run_checked(standard_sim(b.build(), 0));
    assert_eq!(occupancy, vec![(FacilityId(10), 10), (FacilityId(11), 20)]);
    assert_eq!(run.kpis["evacuation"]["sheltered"], 30);
    assert_eq!(run.kpis["evacuation"]["retargeted"], 20);
}
