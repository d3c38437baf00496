//! Forest fire spread: Rothermel (1972) surface fire behaviour as
//! BehavePlus computes it, and fire arrival times over a raster by minimum
//! travel time.
//!
//! Codemap (data flows top to bottom):
//! - [`fuel`] — the embedded fuel model table (Anderson 13, Scott & Burgan 40,
//!   non-burnable 91–99) and lookup by number or code.
//! - [`rothermel`] — one point: fuel model + moistures + wind + slope →
//!   rate of spread, intensities, flame length, fire ellipse.
//! - [`spread`] — a raster of fuels, terrain, wind and moistures → per-cell
//!   spread ellipses (in parallel) → arrival times from ignitions (Dijkstra).
//! - [`table`] — the `fire-spread` row driver for the CLI (strings in,
//!   strings out, no IO); its embedded tables are read by the crate's one
//!   CSV reader, `csv::parse_csv`.
//! - [`FireError`] — every user-input error; the crate does not panic on input.
//!
//! ```
//! use std::collections::BTreeSet;
//! use qilian_hazardlib::fire::{fuel, rothermel::{Moistures, WindSlope, surface_fire}};
//! use qilian_hazardlib::fire::spread::{Field, FireGrid, GridSpec, Wind, WindHeight};
//!
//! // One point: Anderson model 1, 8 % dead, 100 % live, 5 mi/h midflame, flat.
//! let m = Moistures::from_percent(8.0, 8.0, 8.0, 100.0, 100.0);
//! let f = surface_fire(fuel::lookup("FM1")?, &m, &WindSlope::upslope(2.2352, 0.0))?;
//! assert!((f.ros_m_min - 27.185238).abs() < 1e-5);
//!
//! // A 50 × 50 raster of 10 m cells, ignited in the middle.
//! let spec = GridSpec { nrows: 50, ncols: 50, cellsize_m: 10.0 };
//! let wind = Field::Uniform(Wind { speed_m_s: 2.0, from_deg: 270.0 });
//! let grid = FireGrid::new(spec, &[1; 2500], &[0.0; 2500], &wind, WindHeight::Midflame, &Field::Uniform(m))?;
//! let arrival_s = grid.arrival_times(&[(25 * 50 + 25, 0.0)], &BTreeSet::new(), 3600.0)?;
//! assert!(arrival_s[25 * 50 + 30] < arrival_s[25 * 50 + 20]); // downwind first
//! # Ok::<(), qilian_hazardlib::fire::FireError>(())
//! ```
//!
//! Invariant: nothing here does IO or reads the clock; results depend only on
//! the inputs and are bitwise identical for any number of rayon threads.

mod error;
pub mod fuel;
pub mod rothermel;
pub mod spread;
pub mod table;

pub use error::FireError;
