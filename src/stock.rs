//! The stock scenario files, embedded so `qilian demo` works from any directory.

use qilian_engine::scenario::Embedded;

/// Path of the demo scenario inside the embedded set.
pub const DEMO: &str = "scenarios/ganzhou-demo.ron";

/// The stock baseline plan's text (its `priorities` and `repairs` seed
/// `plan init`'s starter plan).
pub const BASELINE_PLAN: &str = include_str!("../scenarios/plans/ganzhou-baseline.ron");

const FILES: [(&str, &str); 5] = [
    (DEMO, include_str!("../scenarios/ganzhou-demo.ron")),
    (
        "scenarios/regions/ganzhou.ron",
        include_str!("../scenarios/regions/ganzhou.ron"),
    ),
    (
        "scenarios/regions/ganzhou-dem.asc",
        include_str!("../scenarios/regions/ganzhou-dem.asc"),
    ),
    (
        "scenarios/regions/ganzhou-fuel.asc",
        include_str!("../scenarios/regions/ganzhou-fuel.asc"),
    ),
    ("scenarios/plans/ganzhou-baseline.ron", BASELINE_PLAN),
];

/// The embedded stock files.
pub fn embedded() -> Embedded {
    Embedded::of(FILES.iter().copied())
}
