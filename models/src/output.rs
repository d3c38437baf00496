//! Numbers as they go into the run's output (journal events, KPIs, series
//! summaries): a leaf module that models of every phase use, so that none
//! of them needs another model's module for it.

/// Round to 6 decimals so JSON output is short and stable.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
