//! Writes the whole-process benchmark world of issue 21 (a 100 × 100 grid,
//! TRIPS vehicles, 20 shelters) into DIR, for timing a real run of it. The
//! demand is one zone per trip, or with `--trips` a trip list (`trips.csv`):
//!
//! ```sh
//! cargo run --release --example sumo_grid -- /tmp/grid 50000 --trips
//! hyperfine 'target/release/qilian run /tmp/grid/scenario.ron'
//! ```

#[path = "../benches/support/sumo_grid.rs"]
mod sumo_grid;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let form = if args.iter().any(|a| a == "--trips") {
        sumo_grid::Form::Trips
    } else {
        sumo_grid::Form::Zones
    };
    let mut args = args.into_iter().filter(|a| a != "--trips");
    let (Some(dir), trips) = (args.next(), args.next()) else {
        eprintln!("usage: sumo_grid DIR [TRIPS] [--trips]  (default 50000, one zone per trip)");
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
    match sumo_grid::write(&PathBuf::from(&dir), trips, form) {
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
