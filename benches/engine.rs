//! Engine benchmarks (placeholder until the engine has some).

fn main() {}
