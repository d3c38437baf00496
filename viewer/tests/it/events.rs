//! Every journal event kind reads as a sentence in both languages: no
//! argument left in braces, no raw id, names from the scenario; and the
//! report in zh-CN speaks Chinese, with its timeline grouped by hour.

use super::{demo, demo_run};
use qilian_engine::journal::{DropReason, Service, StopReason};
use qilian_engine::scenario::{CrewKind, DamageState, WorkKind};
use qilian_engine::{CrewId, DepotId, EventKind, SimEvent, TaskId};
use qilian_i18n::Lang;
use qilian_viewer::events::{KINDS, Narrator, kind_id, kind_label};
use std::sync::Arc;

/// One event of every kind about things of the demo scenario, with ids
/// large enough that a printed id would be seen.
fn one_of_each() -> Vec<SimEvent> {
    let s = demo();
    let fac = s.region.facilities[0].id;
    let zone = s.region.zones[0].id;
    let edge = s.region.edges[0].id;
    let group = &s.plan.crews[0];
    let crew = CrewId::of_group(group.id, 1);
    let depot: DepotId = group.depot;
    let task = TaskId(562_949_953_421_739);
    let r: Arc<str> = Arc::from("flooded");
    let kinds = vec![
        EventKind::FacilityDamaged {
            facility: fac,
            state: DamageState::Moderate,
        },
        EventKind::FacilityRepaired { facility: fac },
        EventKind::EdgeClosed {
            edge,
            reason: r.clone(),
        },
        EventKind::EdgeDamaged {
            edge,
            reason: Arc::from("earthquake Mw 6.5: liquefaction"),
        },
        EventKind::EdgeOpened { edge },
        EventKind::ZoneContaminated {
            zone,
            reason: Arc::from("flood mud and debris"),
        },
        EventKind::ZoneCleaned { zone },
        EventKind::TaskCreated {
            task,
            work: WorkKind::Facility(s.region.facilities[0].kind),
            subject: fac.0,
            state: DamageState::Slight,
        },
        EventKind::CrewDispatched {
            crew,
            task,
            eta_h: 0.25,
        },
        EventKind::OrderDropped {
            crew,
            task: Some(task),
            reason: DropReason::TaskTaken,
        },
        EventKind::CrewRerouted { crew },
        EventKind::CrewArrived { crew, task },
        EventKind::TaskFinished { crew, task },
        EventKind::CrewStopped {
            crew,
            reason: StopReason::Rest,
            until_s: Some(50_000),
        },
        EventKind::CrewReturned { crew, depot },
        EventKind::MutualAidArrived {
            group: 4242,
            crew_kind: CrewKind::Rescue,
            count: 3,
        },
        EventKind::BatteryDepleted { facility: fac },
        EventKind::ServiceLost {
            zone,
            service: Service::Power,
        },
        EventKind::ServiceRestored {
            zone,
            service: Service::Water,
        },
        EventKind::ZoneWarned {
            zone,
            people: 1234,
            vehicles: 456,
        },
        EventKind::ZoneEvacuated { zone },
        EventKind::ZoneExposed { zone, people: 789 },
        EventKind::VehiclesCaught {
            edge,
            vehicles: 5,
            people: 12,
        },
        EventKind::ShelterFull { facility: fac },
        EventKind::SheltersOverflowing,
        EventKind::HazardStarted {
            hazard: 1,
            what: Arc::from("river flood"),
        },
        EventKind::HazardReachedZone {
            zone,
            hazard: 1,
            what: Arc::from("flood water"),
        },
        EventKind::HazardEnded {
            hazard: 1,
            why: Arc::from("the release stopped"),
        },
        EventKind::AidDelayed {
            hours: 2.5,
            crews: 6,
        },
        EventKind::WeatherChanged {
            wind_speed_m_s: 8.0,
            wind_from_deg: 315.0,
        },
    ];
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| SimEvent {
            t_s: 3_600 * 8 + 60 * i as u64,
            kind,
        })
        .collect()
}

#[test]
fn every_event_kind_is_a_sentence_without_braces_or_ids() {
    let s = demo();
    let events = one_of_each();
    let ids: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    let covered: Vec<&str> = events.iter().map(|e| kind_id(&e.kind)).collect();
    assert_eq!(covered, ids, "one event of every kind, in order");
    let crew = CrewId::of_group(s.plan.crews[0].id, 1).0.to_string();
    for lang in Lang::ALL {
        let mut n = Narrator::new(&s, lang);
        for e in &events {
            let line = n.line(e);
            let kind = kind_id(&e.kind);
            assert!(
                !line.contains('{') && !line.contains('}'),
                "{lang} {kind}: {line}"
            );
            for raw in [
                "562949953421739",
                "4242",
                crew.as_str(),
                "task ",
                "zone ",
                "edge ",
            ] {
                assert!(!line.contains(raw), "{lang} {kind}: {line:?} shows {raw:?}");
            }
            assert!(
                !kind_label(lang, kind).contains('_'),
                "{lang} {kind} has no label"
            );
            if lang == Lang::ZhCn {
                assert!(
                    line.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
                    "{kind}: no Chinese in {line:?}"
                );
            }
        }
    }
    // Names, not ids; the scenario's local clock (start 06:00 +08:00).
    let mut zh = Narrator::new(&s, Lang::ZhCn);
    let fac = &s.region.facilities[0].name;
    assert_eq!(zh.line(&events[0]), format!("14:00 {fac}中度损坏"));
    let mut en = Narrator::new(&s, Lang::En);
    assert_eq!(en.line(&events[0]), format!("14:00 {fac}: moderate damage"));
    for e in &events[..9] {
        zh.learn(e);
    }
    let sent = zh.sentence(&events[8]);
    assert!(
        sent.starts_with("已派") && sent.contains(&format!("抢修{fac}")),
        "{sent}"
    );
    // The crew by kind and number, as the drill consoles name it.
    assert!(
        sent.contains("1队") && !sent.contains(&s.plan.depots[0].name),
        "{sent}"
    );
}

#[test]
fn a_real_run_reads_without_braces_in_both_languages() {
    let (run, _) = demo_run();
    for lang in Lang::ALL {
        let mut n = Narrator::new(&run.scenario, lang);
        for e in &run.events {
            let s = n.sentence(e);
            assert!(!s.contains('{') && !s.contains("task "), "{lang}: {s}");
        }
    }
}

#[test]
fn the_chinese_report_opens_with_life_safety_and_groups_the_timeline_by_hour() {
    let (run, summary) = demo_run();
    let files = qilian_viewer::bundle::run(run, summary, &[], Lang::ZhCn).expect("renders");
    let html = String::from_utf8(
        files
            .iter()
            .find(|f| f.0 == "report.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    let life = html
        .find("生命安全</h2>")
        .expect("the Chinese life-safety heading");
    assert!(life < html.find("目标</h2>").expect("targets heading"));
    assert!(html.contains("死亡") && html.contains("时间线"));
    // The CJK web font is inlined, the timeline grouped by local hour with a filter.
    assert!(html.contains("@font-face{font-family:'Qilian Sans';src:url(data:font/woff2;base64,"));
    assert!(
        html.contains("<tr class=\"hour\"><th colspan=\"3\">7月15日 "),
        "hour groups"
    );
    assert!(html.contains("id=\"tl-kind\"") && html.contains("id=\"tl-q\""));
    assert!(
        !html.contains("TaskCreated") && !html.contains("\"kind\":"),
        "no raw JSON"
    );
    // The charts speak Chinese too: title, axis and legend.
    let svg = String::from_utf8(
        files
            .iter()
            .find(|f| f.0 == "chart-restoration.svg")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    for want in ["服务恢复 — ", "开始后小时数", "供电"] {
        assert!(svg.contains(want), "chart-restoration.svg lacks {want}");
    }
    // The maps' legends and the Gantt chart's crew names too.
    let text_of = |name: &str| {
        String::from_utf8(files.iter().find(|f| f.0 == name).unwrap().1.clone()).unwrap()
    };
    let map = text_of("map-end.svg");
    for want in [
        "图例",
        "道路",
        "封闭",
        "设施",
        "居民区 (大小表示人口)",
        "1 项服务中断",
    ] {
        assert!(map.contains(want), "map-end.svg lacks {want}");
    }
    assert!(!map.contains("awaiting cleanup") && !map.contains(">roads<"));
    let gantt = text_of("chart-gantt.svg");
    assert!(gantt.contains("抢修1队 / "), "Gantt rows by crew name");
    assert!(
        !gantt.contains("power 1001") && !gantt.contains("road 4001"),
        "no crew ids"
    );
    let en = qilian_viewer::bundle::run(run, summary, &[], Lang::En).expect("renders");
    let en =
        String::from_utf8(en.iter().find(|f| f.0 == "report.html").unwrap().1.clone()).unwrap();
    assert!(en.contains("Life safety</h2>") && !en.contains("生命安全"));
}

#[test]
fn a_named_road_is_called_by_its_name_and_an_unnamed_one_by_its_class() {
    let s = demo();
    let named = s
        .region
        .edges
        .iter()
        .find(|e| e.bridge.is_none() && e.name.as_deref().is_some_and(|n| n.contains("G312")))
        .expect("the stock region names the G312");
    let unnamed = s
        .region
        .edges
        .iter()
        .find(|e| e.bridge.is_none() && e.name.is_none())
        .expect("an unnamed street");
    let closed = |edge| SimEvent {
        t_s: 3_600,
        kind: EventKind::EdgeClosed {
            edge,
            reason: Arc::from("flooded"),
        },
    };
    for lang in Lang::ALL {
        let mut n = Narrator::new(&s, lang);
        let said = n.sentence(&closed(named.id));
        assert!(said.contains("G312国道"), "{lang}: {said}");
        let said = n.sentence(&closed(unnamed.id));
        assert!(
            !said.contains("G312") && !said.contains("None"),
            "{lang}: {said}"
        );
    }
}

#[test]
fn an_aid_delay_a_weather_change_and_an_aftershock_read_in_both_languages() {
    let s = demo();
    let ev = |kind| SimEvent { t_s: 3600, kind };
    let delay = ev(EventKind::AidDelayed {
        hours: 2.5,
        crews: 6,
    });
    let wind = ev(EventKind::WeatherChanged {
        wind_speed_m_s: 8.0,
        wind_from_deg: 315.0,
    });
    let shock = ev(EventKind::HazardStarted {
        hazard: 2,
        what: Arc::from("aftershock Mw 5.8"),
    });
    let mut zh = Narrator::new(&s, Lang::ZhCn);
    assert_eq!(
        zh.sentence(&delay),
        "增援延误：尚未到达的增援（6支队伍）推迟2.5小时到达"
    );
    assert_eq!(zh.sentence(&wind), "天气变化：西北风，风速8米/秒（315°）");
    assert_eq!(zh.sentence(&shock), "灾害开始：5.8级余震");
    let mut en = Narrator::new(&s, Lang::En);
    assert_eq!(
        en.sentence(&delay),
        "Mutual aid delayed: the aid not yet arrived (6 crews) arrives 2.5 h later"
    );
    assert_eq!(
        en.sentence(&wind),
        "Weather changed: northwest wind, 8 m/s (315°)"
    );
    assert_eq!(en.sentence(&shock), "Hazard began: aftershock Mw 5.8");
    // Eight points: 350° is a north wind, 100° an east wind.
    assert_eq!(qilian_viewer::events::wind_name(Lang::ZhCn, 350.0), "北风");
    assert_eq!(
        qilian_viewer::events::wind_name(Lang::En, 100.0),
        "east wind"
    );
}
