//! Routing on small graphs with hand-computed answers.

use super::{PLAN, REGION, SCENARIO, files};
use qilian_engine::network::{EdgeState, EdgeStates, Toward};
use qilian_engine::scenario::{DamageState, load_from};
use qilian_engine::{EdgeId, NodeId};
use std::path::Path;
use std::sync::Arc;

fn square() -> Arc<qilian_engine::Scenario> {
    Arc::new(load_from(&files(SCENARIO, REGION, PLAN), Path::new("s/scenario.ron")).unwrap())
}

#[test]
fn attributes_and_twins() {
    let s = square();
    let net = &s.network;
    let l1 = net.link(EdgeId(1)).unwrap();
    let link = &net.links[l1 as usize];
    assert_eq!(link.free_time_s, 100.0); // 1000 m at 36 km/h = 10 m/s
    assert_eq!(net.links[link.twin.unwrap() as usize].id, EdgeId(2));
    assert!(
        net.links[net.link(EdgeId(5)).unwrap() as usize]
            .twin
            .is_none()
    );
    assert_eq!(net.main_road_length().0, 2000.0);
    assert_eq!(net.graph.node_count(), 4);
    assert_eq!(net.graph.edge_count(), 6);
}

#[test]
fn shortest_time_not_shortest_distance() {
    // 1 → 3: via 2 takes 100 + 100 s; via 4 (72 km/h) takes 50 + 50 s.
    let s = square();
    let net = &s.network;
    let states = EdgeStates::new(net);
    let (n1, n3) = (net.node(NodeId(1)).unwrap(), net.node(NodeId(3)).unwrap());
    let tree = net.tree_to(n3, &states);
    assert_eq!(tree.time[n1 as usize], 100.0);
    let ids: Vec<u32> = tree
        .path(net, n1)
        .unwrap()
        .iter()
        .map(|&l| net.links[l as usize].id.0)
        .collect();
    assert_eq!(ids, vec![5, 6]);
    let from = net.tree_from(n1, &states);
    assert_eq!(from.toward, Toward::Leaves);
    assert_eq!(from.time[n3 as usize], 100.0);
    assert_eq!(from.path(net, n3), tree.path(net, n1));
}

#[test]
fn closures_detour_and_damage_slows() {
    let s = square();
    let net = &s.network;
    let mut states = EdgeStates::new(net);
    let (n1, n3) = (net.node(NodeId(1)).unwrap(), net.node(NodeId(3)).unwrap());
    let l6 = net.link(EdgeId(6)).unwrap();
    states.set(
        l6,
        EdgeState::Closed {
            state: DamageState::Moderate,
            reason: "test".into(),
        },
    );
    assert_eq!(states.version, 1);
    assert_eq!(net.tree_to(n3, &states).time[n1 as usize], 200.0);
    let l3 = net.link(EdgeId(3)).unwrap();
    states.set(
        l3,
        EdgeState::Damaged {
            state: DamageState::Slight,
            reason: "cracks".into(),
        },
    );
    // 100 s + 100 s at half speed.
    assert_eq!(net.tree_to(n3, &states).time[n1 as usize], 300.0);
    states.set(
        l3,
        EdgeState::Closed {
            state: DamageState::Moderate,
            reason: "x".into(),
        },
    );
    let tree = net.tree_to(n3, &states);
    assert!(tree.time[n1 as usize].is_infinite());
    assert!(tree.path(net, n1).is_none());
}

#[test]
fn one_tree_serves_every_origin() {
    let s = square();
    let net = &s.network;
    let states = EdgeStates::new(net);
    let n3 = net.node(NodeId(3)).unwrap();
    let tree = net.tree_to(n3, &states);
    let times: Vec<f64> = (0..4).map(|n| tree.time[n]).collect();
    // nodes 1, 2, 3, 4 → 3: 100, 100, 0, 50.
    assert_eq!(times, vec![100.0, 100.0, 0.0, 50.0]);
}

#[test]
fn components_separate_what_closures_cut_off() {
    let s = square();
    let net = &s.network;
    let mut states = EdgeStates::new(net);
    let labels = net.components(&states);
    assert!(labels.iter().all(|&c| c == 0), "all open: one component");
    let n3 = net.node(NodeId(3)).unwrap();
    for &l in net.in_links(n3).iter().chain(net.out_links(n3)) {
        states.set(
            l,
            EdgeState::Closed {
                state: DamageState::Complete,
                reason: "cut off".into(),
            },
        );
    }
    let labels = net.components(&states);
    assert_eq!(labels[n3 as usize], n3, "node 3 alone, labelled by itself");
    assert!(
        (0..4).filter(|&n| n != n3 as usize).all(|n| labels[n] == 0),
        "the rest stays together: {labels:?}"
    );
    // A route exists only within a component.
    for b in 0..4 {
        let tree = net.tree_to(b, &states);
        for a in 0..4 {
            if tree.time[a].is_finite() {
                assert_eq!(labels[a], labels[b as usize], "{a} reaches {b}");
            }
        }
    }
}

#[test]
fn a_closure_by_order_keeps_the_damage_underneath() {
    let s = square();
    let net = &s.network;
    let mut states = EdgeStates::new(net);
    let l = net.link(EdgeId(6)).unwrap();
    let wrecked = EdgeState::Closed {
        state: DamageState::Extensive,
        reason: "bridge down".into(),
    };
    states.set(l, wrecked.clone());
    // Closed by order on top: still closed, and the damage shows through
    // (its repair task stays).
    states.set_ordered(l, Some("order".into()));
    assert!(states.closed_by_order(l));
    assert!(!states.passable(l));
    assert_eq!(states.get(l).damage(), DamageState::Extensive);
    assert_eq!(states.physical(l), &wrecked);
    // Lifting the order leaves the damage: the link stays closed.
    states.set_ordered(l, None);
    assert_eq!(states.get(l), &wrecked);
    // Closed by order, then repaired: stays closed until the order is lifted.
    states.set_ordered(l, Some("order".into()));
    states.set(l, EdgeState::Open);
    assert!(!states.passable(l));
    assert_eq!(states.get(l).damage(), DamageState::None);
    assert!(states.set_ordered(l, None));
    assert_eq!(states.get(l), &EdgeState::Open);
    assert!(!states.set_ordered(l, None), "nothing to lift");
}
