//! The session: orders become engine injects, reports follow the
//! information model, and reopening a drill replays its journal into the
//! same state.

use super::drill;
use qilian_drill::journal::Control;
use qilian_drill::session::{Order, Session};
use qilian_engine::{DropReason, EventKind};
use serde_json::Value;

/// Advance until team 1 knows of a task its idle crews can do; returns
/// (crew, task).
pub fn dispatchable(s: &mut Session) -> (u32, u64) {
    dispatchable_where(s, |_| true)
}

/// [`dispatchable`] for a task that passes `keep`.
pub fn dispatchable_where(s: &mut Session, keep: impl Fn(&Value) -> bool) -> (u32, u64) {
    for _ in 0..600 {
        s.advance(1);
        let v = s.team_view(1).unwrap();
        let crews = v["crews"].as_array().unwrap();
        for t in v["tasks"].as_array().unwrap().iter().filter(|t| keep(t)) {
            let work = serde_json::from_value(t["work"].clone()).unwrap();
            let Some(rule) = s.scenario.plan.repairs.iter().find(|r| r.work == work) else {
                continue;
            };
            if let Some(c) = crews
                .iter()
                .find(|c| c["status"] == "idle" && c["kind"] == rule.crew.name())
            {
                return (
                    c["id"].as_u64().unwrap() as u32,
                    t["task"].as_u64().unwrap(),
                );
            }
        }
    }
    panic!("no reported task with an idle crew in ten hours");
}

/// A crew of `team` of `kind` that can take an order now, other than
/// `not` if there is one.
pub fn free_crew(s: &Session, team: u32, kind: &Value, not: u32) -> u32 {
    let v = s.team_view(team).unwrap();
    let crews = v["crews"].as_array().unwrap();
    let ok = |c: &&Value| {
        c["kind"] == *kind && ["idle", "returning"].contains(&c["status"].as_str().unwrap())
    };
    crews
        .iter()
        .filter(ok)
        .find(|c| c["id"] != not)
        .or_else(|| crews.iter().find(ok))
        .expect("a free crew of the kind")["id"]
        .as_u64()
        .unwrap() as u32
}

/// Send a crew of team 1 to a reported task and run until the task is
/// finished in truth, stopping before the team has been told. Returns the
/// task and the crew kind (as the team's view names it).
pub fn finished_unseen(s: &mut Session) -> (u64, Value) {
    // Slight damage: the shortest repairs.
    let (crew, task) = dispatchable_where(s, |t| t["state"] == "Slight");
    s.order(1, Order::Dispatch { crew, task }).unwrap();
    let kind = s.team_view(1).unwrap()["crews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == crew)
        .unwrap()["kind"]
        .clone();
    while !s.finished() {
        s.advance(1);
        let done = s
            .truth_events(1)
            .iter()
            .any(|e| matches!(e.kind, EventKind::TaskFinished { task: t, .. } if t.0 == task));
        if done {
            let v = s.team_view(1).unwrap();
            assert!(
                v["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t["task"] == task),
                "the team has not been told yet"
            );
            return (task, kind);
        }
    }
    panic!("task {task} not finished by the horizon");
}

#[test]
fn a_dispatch_to_a_task_finished_unseen_drives_there_and_reports_it_done_late() {
    let dir = drill("finished-unseen", 1);
    let mut s = Session::open(&dir).unwrap();
    let (task, kind) = finished_unseen(&mut s);
    let crew = free_crew(&s, 1, &kind, u32::MAX);
    let id = s.order(1, Order::Dispatch { crew, task });
    assert!(id.is_ok(), "accepted as if open: {id:?}");
    let t_apply = s.now();
    s.advance(1);
    let dropped = |s: &Session| {
        s.truth_events(1)
            .iter()
            .filter(|e| {
                matches!(e.kind, EventKind::OrderDropped { crew: c, task: Some(t), reason: DropReason::TaskClosed } if c.0 == crew && t.0 == task)
            })
            .map(|e| e.t_s)
            .collect::<Vec<_>>()
    };
    assert!(
        s.truth_events(1).iter().any(|e| e.t_s == t_apply
            && matches!(e.kind, EventKind::CrewDispatched { crew: c, task: t, .. } if c.0 == crew && t.0 == task)),
        "the crew is sent as to any task: nothing shows the task is done"
    );
    // It finds the task done on site, and only then says so.
    while dropped(&s).is_empty() && !s.finished() {
        s.advance(1);
    }
    let t_drop = dropped(&s)[0];
    assert!(t_drop >= t_apply);
    assert!(
        !s.truth_events(1).iter().any(|e| e.t_s >= t_apply
            && matches!(e.kind, EventKind::CrewArrived { crew: c, task: t } if c.0 == crew && t.0 == task)),
        "no work started on the finished task"
    );
    let told = |s: &Session| {
        s.team_view(1).unwrap()["reports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["event"]["kind"] == "OrderDropped" && r["source"] == "crew")
    };
    assert!(
        !told(&s),
        "not yet: crew reports take 2 minutes in the test template"
    );
    s.advance(2);
    assert!(told(&s), "the crew's report arrived");
    let v = s.team_view(1).unwrap();
    assert!(
        !v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["task"] == task),
        "the team now knows the task is done"
    );
    let again = s.order(1, Order::Dispatch { crew, task }).unwrap_err();
    assert_eq!(again.status, 409, "{}", again.message);
    assert!(
        again.message.contains("reported finished"),
        "{}",
        again.message
    );
}

#[test]
fn a_dispatch_order_sends_the_crew() {
    let dir = drill("dispatch", 2);
    let mut s = Session::open(&dir).unwrap();
    let (crew, task) = dispatchable(&mut s);
    let id = s.order(1, Order::Dispatch { crew, task }).unwrap();
    assert_eq!(id, 1);
    // Busy until the tick applies it: a second order is refused.
    let again = s.order(1, Order::Dispatch { crew, task }).unwrap_err();
    assert_eq!(again.status, 409, "{}", again.message);
    s.advance(1);
    let dispatched = |team| {
        s.truth_events(team).iter().any(|e| {
            matches!(e.kind, EventKind::CrewDispatched { crew: c, task: t, .. } if c.0 == crew && t.0 == task)
        })
    };
    assert!(dispatched(1), "team 1's crew went");
    assert!(!dispatched(2), "team 2 gave no order: its crews wait");
}

#[test]
fn reopening_replays_the_journal_to_the_same_state() {
    let dir = drill("replay", 2);
    let views = {
        let mut s = Session::open(&dir).unwrap();
        s.control(Control::Speed { value: 600.0 }).unwrap();
        let (crew, task) = dispatchable(&mut s);
        s.order(1, Order::Dispatch { crew, task }).unwrap();
        s.order(2, Order::Warn { zone: 2 }).unwrap();
        s.advance(30);
        s.checkpoint().unwrap();
        s.control(Control::Step).unwrap();
        (s.team_view(1).unwrap(), s.team_view(2).unwrap(), s.truth())
    };
    let s = Session::open(&dir).unwrap();
    let again: (Value, Value, Value) =
        (s.team_view(1).unwrap(), s.team_view(2).unwrap(), s.truth());
    assert_eq!(views.0, again.0);
    assert_eq!(views.1, again.1);
    assert_eq!(views.2, again.2);
    assert!(views.0["orders"].as_array().unwrap().len() == 1);
}

#[test]
fn reports_lag_truth_and_some_never_come() {
    let dir = drill("fog", 1);
    let mut s = Session::open(&dir).unwrap();
    s.advance(8 * 60);
    let truth = s.truth_events(1).to_vec();
    let v = s.team_view(1).unwrap();
    let reports = v["reports"].as_array().unwrap();
    assert!(!reports.is_empty());
    for r in reports {
        assert!(r["t_s"].as_u64() >= r["event"]["t_s"].as_u64(), "{r}");
    }
    let reported: Vec<Value> = reports.iter().map(|r| r["event"].clone()).collect();
    let unseen = truth
        .iter()
        .filter(|e| !reported.contains(&serde_json::to_value(e).unwrap()))
        .count();
    assert!(unseen > 0, "the information model hides nothing");
}

#[test]
fn mutual_aid_arrives_after_its_delay_and_priorities_are_checked() {
    let dir = drill("aid", 1);
    let mut s = Session::open(&dir).unwrap();
    let crews_before = s.team_view(1).unwrap()["crews"].as_array().unwrap().len();
    let kind = qilian_engine::scenario::CrewKind::Road;
    s.order(
        1,
        Order::MutualAid {
            kind,
            count: 3,
            depot: s.scenario.plan.depots[0].id.0,
        },
    )
    .unwrap();
    s.advance(1);
    let v = s.team_view(1).unwrap();
    let away = v["crews"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "away")
        .count();
    assert_eq!(v["crews"].as_array().unwrap().len(), crews_before + 3);
    assert!(away >= 3, "called crews are on their way");
    s.advance((qilian_drill::session::MUTUAL_AID_DELAY_H * 60.0) as u64 + 1);
    let arrived = s.truth_events(1).iter().any(|e| {
        matches!(
            e.kind,
            EventKind::MutualAidArrived {
                group: 4000,
                count: 3,
                ..
            }
        )
    });
    assert!(arrived, "the called group arrived");
    let bad = s
        .order(
            1,
            Order::Priorities {
                order: vec![
                    qilian_engine::scenario::WorkKind::Road,
                    qilian_engine::scenario::WorkKind::Road,
                ],
            },
        )
        .unwrap_err();
    assert_eq!(bad.status, 422);
    s.order(
        1,
        Order::Priorities {
            order: vec![qilian_engine::scenario::WorkKind::MainRoad],
        },
    )
    .unwrap();
}

/// The first idle crew of team 1.
pub fn idle_crew(s: &Session) -> u32 {
    let v = s.team_view(1).unwrap();
    v["crews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "idle")
        .expect("an idle crew")["id"]
        .as_u64()
        .unwrap() as u32
}

#[test]
fn open_shelter_and_move_orders_apply_and_replay() {
    let (shelter, node) = super::CLOSED_SHELTER;
    let dir = super::drill_shelter_closed("shelter-move", 2);
    let (views, crew) = {
        let mut s = Session::open(&dir).unwrap();
        let crew = idle_crew(&s);
        s.order(1, Order::OpenShelter { facility: shelter })
            .unwrap();
        let again = s
            .order(1, Order::OpenShelter { facility: shelter })
            .unwrap_err();
        assert_eq!(again.status, 409, "{}", again.message);
        // Team 2 has not opened it: its order is accepted.
        s.order(2, Order::OpenShelter { facility: shelter })
            .unwrap();
        s.order(1, Order::Move { crew, node }).unwrap();
        let busy = s.order(1, Order::Move { crew, node }).unwrap_err();
        assert_eq!(busy.status, 409, "{}", busy.message);
        s.order(2, Order::Warn { zone: 2 }).unwrap();
        s.advance(90);
        s.checkpoint().unwrap();
        let net = &s.scenario.network;
        let p = &net.nodes[net.node(qilian_engine::NodeId(node)).unwrap() as usize];
        let v = s.team_view(1).unwrap();
        let c = v["crews"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == crew)
            .unwrap()
            .clone();
        assert_eq!(c["status"], "idle", "{c}");
        assert_eq!(
            c["xy"],
            serde_json::json!([p.x, p.y]),
            "waits at node {node}"
        );
        // Team 2 gave no move: its crew is elsewhere.
        let v2 = s.team_view(2).unwrap();
        let c2 = v2["crews"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == crew)
            .unwrap()
            .clone();
        assert_ne!(c2["xy"], c["xy"]);
        (
            (s.team_view(1).unwrap(), s.team_view(2).unwrap(), s.truth()),
            crew,
        )
    };
    let s = Session::open(&dir).unwrap();
    assert_eq!(views.0, s.team_view(1).unwrap());
    assert_eq!(views.1, s.team_view(2).unwrap());
    assert_eq!(views.2, s.truth());
    assert_eq!(views.0["orders"].as_array().unwrap().len(), 2);
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    assert!(journal.contains(r#""type":"open_shelter""#), "{journal}");
    assert!(
        journal.contains(&format!(r#""type":"move","crew":{crew},"node":{node}"#)),
        "{journal}"
    );
}

/// A team's view lists only its latest orders, whatever it has sent.
#[test]
fn the_team_view_is_bounded_however_many_orders() {
    use qilian_drill::session::VIEW_ORDERS;
    use qilian_engine::scenario::WorkKind;
    let dir = drill("bounded", 1);
    let mut s = Session::open(&dir).unwrap();
    let n = VIEW_ORDERS + 50;
    for _ in 0..n {
        s.order(
            1,
            Order::Priorities {
                order: vec![WorkKind::Road],
            },
        )
        .unwrap();
    }
    let v = s.team_view(1).unwrap();
    let orders = v["orders"].as_array().unwrap();
    assert_eq!(orders.len(), VIEW_ORDERS);
    assert_eq!(v["orders_total"], n);
    assert_eq!(orders.last().unwrap()["order_id"], n);
}
