//! Writes the whole-process benchmark world of issue 21 (a 100 × 100 grid,
//! TRIPS vehicles as one zone each, 20 shelters) into DIR, for timing a real
//! run of it:
//!
//! ```sh
//! cargo run --release --example sumo_grid -- /tmp/grid 50000
//! hyperfine 'target/release/qilian run /tmp/grid/scenario.ron'
//! ```

#[path = "../benches/support/sumo_grid.rs"]
mod sumo_grid;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(dir), trips) = (args.next(), args.next()) else {
        eprintln!("usage: sumo_grid DIR [TRIPS]  (default 50000)");
        return ExitCode::from(2);
    };
    let trips = match trips.as_deref().map(str::parse::<u32>) {
        None => 50_000,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            eprintln!("TRIPS must be a whole number ≥ 1");
            return ExitCode::from(2);
        }
    };
    match sumo_grid::write(&PathBuf::from(&dir), trips) {
        Ok(p) => {
            println!("{}", p.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{dir}: {e}");
            ExitCode::from(1)
        }
    }
}
