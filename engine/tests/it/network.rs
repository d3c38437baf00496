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
    // One way of a two-way road open, either of the two, joins it again.
    let both = net
        .in_links(n3)
        .iter()
        .copied()
        .find_map(|l| net.links[l as usize].twin.map(|t| (l.min(t), l.max(t))))
        .expect("node 3 has a two-way road");
    let cut = || EdgeState::Closed {
        state: DamageState::Complete,
        reason: "cut off".into(),
    };
    for (open, closed) in [both, (both.1, both.0)] {
        states.set(open, EdgeState::Open);
        states.set(closed, cut());
        assert_eq!(net.components(&states)[n3 as usize], 0, "link {open} open");
        states.set(open, cut());
    }
    assert_eq!(net.components(&states)[n3 as usize], n3);
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

/// A 20 × 20 grid of two-way links with lengths of 100, 150 or 200 m at
/// 36 km/h (many equal-time alternatives), and a few one-way links.
fn tie_grid() -> qilian_engine::Network {
    use qilian_engine::network::{Link, NetNode};
    use qilian_engine::scenario::RoadClass;
    use qilian_engine::{Kmh, Metres, VehPerHour};
    let side = 20u32;
    let nodes = (0..side * side)
        .map(|i| NetNode {
            id: NodeId(i),
            x: (i % side) as f64 * 150.0,
            y: (i / side) as f64 * 150.0,
        })
        .collect();
    let mut links = Vec::new();
    let mut seed = 11u64;
    let mut add = |a: u32, b: u32| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let length = Metres([100.0, 150.0, 200.0][(seed >> 33) as usize % 3]);
        let speed = Kmh(36.0);
        links.push(Link {
            id: EdgeId(links.len() as u32),
            from: a,
            to: b,
            length,
            speed,
            lanes: 1,
            capacity: VehPerHour(900.0),
            class: RoadClass::Local,
            main_road: false,
            bridge: None,
            free_time_s: length.0 / speed.mps(),
            twin: None,
        });
    };
    for i in 0..side * side {
        if i % side + 1 < side {
            add(i, i + 1);
            if i % 7 != 0 {
                add(i + 1, i);
            }
        }
        if i / side + 1 < side {
            add(i, i + side);
            add(i + side, i);
        }
    }
    qilian_engine::Network::from_parts(nodes, links)
}

#[test]
fn a_search_stopped_at_its_targets_agrees_with_the_full_tree() {
    let net = tie_grid();
    let mut states = EdgeStates::new(&net);
    // Cut node 399 (a corner) off entirely: unreachable from everywhere.
    for &l in net.in_links(399).iter().chain(net.out_links(399)) {
        states.set(
            l,
            EdgeState::Closed {
                state: DamageState::Complete,
                reason: "cut off".into(),
            },
        );
    }
    let n = net.nodes.len() as u32;
    for (root, targets) in [
        (0u32, vec![1u32]),
        (45, vec![46, 210, 3]),
        (200, vec![201]),
        (377, vec![12, 12, 250]),
        (5, vec![398]),
    ] {
        let full = net.tree_to(root, &states);
        let part = net.tree_to_reaching(root, &states, &targets);
        assert!(!part.complete, "{root}: stopped before the far nodes");
        for &t in &targets {
            assert!(part.covers(t));
            assert_eq!(part.time[t as usize], full.time[t as usize], "{root} ← {t}");
            assert_eq!(part.path(&net, t), full.path(&net, t), "{root} ← {t}");
            assert_eq!(net.route(t, root, &states), full.path(&net, t));
        }
        // What it did not reach shows as unreachable and not covered.
        let farthest = targets
            .iter()
            .map(|&t| full.time[t as usize])
            .fold(0.0, f64::max);
        let left_out: Vec<u32> = (0..n).filter(|&v| !part.covers(v)).collect();
        assert!(!left_out.is_empty());
        for v in left_out {
            assert_eq!(part.time[v as usize], f64::INFINITY);
            assert!(full.time[v as usize] >= farthest, "{v} was nearer");
        }
    }
    // The root as the only target: nothing beyond it is known, so the tree
    // covers the root alone (a crew already at a site asks for this).
    let part = net.tree_to_reaching(45, &states, &[45]);
    assert!(!part.complete && part.covers(45) && !part.covers(46));
    assert_eq!(net.route(45, 45, &states), Some(vec![]));
    // An unreachable target: the search runs out of nodes, and the tree is
    // complete (every reachable node in it).
    let part = net.tree_to_reaching(0, &states, &[399]);
    assert!(part.complete && part.covers(399));
    assert_eq!(part.time, net.tree_to(0, &states).time);
    assert_eq!(net.route(399, 0, &states), None);
}

#[test]
fn a_search_for_the_nearest_settles_every_candidate_that_could_be_it() {
    let net = tie_grid();
    let mut states = EdgeStates::new(&net);
    // A damaged link is slower, a closed one impassable: the times the
    // searches read follow the states.
    let free = net.links[30].free_time_s;
    states.set(
        30,
        EdgeState::Damaged {
            state: DamageState::Moderate,
            reason: "cracks".into(),
        },
    );
    assert_eq!(
        states.times()[30],
        free / qilian_engine::network::DAMAGED_SPEED_FACTOR
    );
    assert_eq!(net.travel_time(30, &states), Some(states.times()[30]));
    for &l in net.in_links(399).iter().chain(net.out_links(399)) {
        states.set(
            l,
            EdgeState::Closed {
                state: DamageState::Complete,
                reason: "cut off".into(),
            },
        );
        assert_eq!(states.times()[l as usize], f64::INFINITY);
    }
    // Candidates with head starts; several at equal totals on the grid.
    for (root, from) in [
        (45u32, vec![(46u32, 0.0), (210, 0.0), (3, 5.0)]),
        (
            200,
            vec![(180, 10.0), (220, 10.0), (199, 20.0), (201, 20.0)],
        ),
        (377, vec![(12, 0.0), (12, 30.0), (250, 0.0), (399, 0.0)]),
        (0, vec![(1, 300.0), (20, 0.0), (21, 0.0)]),
        (5, vec![(399, 0.0)]),
    ] {
        let full = net.tree_to(root, &states);
        let part = net.tree_to_nearest(root, &states, &from);
        let total =
            |t: &qilian_engine::network::PathTree, (v, s): (u32, f64)| s + t.time[v as usize];
        let best = from
            .iter()
            .map(|&c| total(&full, c))
            .fold(f64::INFINITY, f64::min);
        let found = from
            .iter()
            .map(|&c| total(&part, c))
            .fold(f64::INFINITY, f64::min);
        assert_eq!(found, best, "{root}: the nearest");
        assert!(part.decides(found), "{root}: the tree decides it");
        // Every candidate as near as the nearest (ties) is in the tree, with
        // the full tree's time and path.
        for &(v, s) in &from {
            if s + full.time[v as usize] <= best {
                assert!(part.covers(v), "{root} ← {v}");
                assert_eq!(part.time[v as usize], full.time[v as usize]);
                assert_eq!(part.path(&net, v), full.path(&net, v));
            }
        }
        if best.is_finite() {
            assert!(
                !part.complete && part.reach > best,
                "{root}: stopped past {best}"
            );
            let left_out = (0..net.nodes.len() as u32).filter(|&v| !part.covers(v));
            for v in left_out {
                assert!(full.time[v as usize] >= part.reach, "{v} was nearer");
            }
        } else {
            assert!(
                part.complete,
                "{root}: no candidate reachable, so all searched"
            );
        }
    }
    // A tree stopped for some crews cannot decide for others farther away.
    let part = net.tree_to_nearest(45, &states, &[(46, 0.0)]);
    assert!(!part.decides(f64::INFINITY));
    assert!(!part.covers(0) && !part.decides(net.tree_to(45, &states).time[0]));
}

#[test]
fn the_change_log_lists_each_changed_link_once_in_index_order() {
    let s = square();
    let net = &s.network;
    let mut states = EdgeStates::new(net);
    let damaged = || EdgeState::Damaged {
        state: DamageState::Moderate,
        reason: "flood".into(),
    };
    assert_eq!(states.changed_since(0), (vec![], 0));
    states.set(3, damaged());
    states.set(1, damaged());
    states.set(3, EdgeState::Open);
    states.set(1, damaged()); // no change: not logged
    let (links, mark) = states.changed_since(0);
    assert_eq!(links, vec![1, 3]);
    assert_eq!(states.changed_since(mark), (vec![], mark));
    // Closures by order are changes too; an earlier mark sees them all.
    states.set_ordered(0, Some("order".into()));
    assert_eq!(states.changed_since(mark).0, vec![0]);
    assert_eq!(states.changed_since(0).0, vec![0, 1, 3]);
}
