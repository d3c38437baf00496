//! # qilian-viewer
//!
//! Turns results into files people open (DESIGN §7): charts and maps as SVG
//! and PNG drawn with plotters in an embedded font ([`charts`], [`maps`],
//! [`Figure`]), a self-contained after-action `report.html` ([`report`]),
//! GeoJSON for QGIS ([`geojson`]) and CSV for spreadsheets ([`csv`]).
//!
//! Data flow: the evaluator's results ([`qilian_engine::RunResult`],
//! [`qilian_evaluator::Summary`], [`qilian_evaluator::stress::StressReport`],
//! [`qilian_evaluator::curves`]) → this crate → bytes the CLI writes. The
//! viewer reads no files and writes none; only the CLI imports it (DESIGN §1).
//!
//! Every output is deterministic: the same inputs give byte-identical files
//! (sorted maps, no timestamps, no random ids).
//!
//! Glossary: the *state at an hour* is the roads', facilities' and zones'
//! condition after replaying the journal up to that hour ([`replay`]); a
//! *hazard layer* is an optional per-cell value grid drawn under a map, made
//! from a run's hazard *footprint*
//! ([`qilian_hazardlib::footprint::Footprint`]) or built by hand.

pub mod bundle;
pub mod charts;
pub mod csv;
mod figure;
pub mod fonts;
pub mod geojson;
pub mod maps;
pub mod replay;
pub mod report;

pub use csv::{write_replicates_csv, write_series_csv};
pub use figure::{DrawError, Figure};
