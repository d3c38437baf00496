//! Same scenario and seed ⇒ identical journal, series and KPIs whatever the
//! number of threads (docs/time-and-randomness.md#determinism).

use crate::build::random;
use qilian_engine::RunResult;
use qilian_models::standard_sim;

fn run_with(threads: usize) -> RunResult {
    let mut b = random(11, 150, 3000);
    b.horizon_h = 2.0;
    b.tick_s = 30;
    b.plan.evacuation.route_interval_min = Some(2.0);
    let scenario = b.build();
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| standard_sim(scenario, 0).run())
}

#[test]
fn identical_results_with_one_and_two_threads() {
    let one = run_with(1);
    let two = run_with(2);
    assert!(
        one.kpis["evacuation"]["link_traversals"].as_u64().unwrap() > 1000,
        "the scenario must move traffic: {}",
        one.kpis["evacuation"]
    );
    eprintln!("DET {} events {}", one.kpis["evacuation"], one.events.len());
    let journal = |r: &RunResult| serde_json::to_string(&r.events).unwrap();
    assert_eq!(journal(&one), journal(&two));
    let bits = |r: &RunResult| {
        r.series
            .values
            .iter()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(one.series.columns, two.series.columns);
    assert_eq!(bits(&one), bits(&two));
    assert_eq!(one.kpis, two.kpis);
}
