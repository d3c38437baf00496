//! # qilian-viewer
//!
//! Turns results into files people open (docs/viewer.md): charts and maps as SVG
//! and PNG drawn with plotters in an embedded font ([`charts`], [`maps`],
//! [`Figure`]), a self-contained after-action `report.html` ([`report`]),
//! GeoJSON for QGIS ([`geojson`]) and CSV for spreadsheets ([`csv`]).
//!
//! Data flow: the evaluator's results ([`qilian_engine::RunResult`],
//! [`qilian_evaluator::Summary`], [`qilian_evaluator::stress::StressReport`],
//! [`qilian_evaluator::curves`], hazard footprints) → this crate → bytes
//! the CLI (and the drill's review) writes. The viewer reads no files and
//! writes none, and imports no model: footprints come as
//! `qilian_hazardlib` rasters (ARCHITECTURE.md#invariants).
//!
//! Every output is deterministic: the same inputs give byte-identical files
//! (sorted maps, no timestamps, no random ids).
//!
//! Glossary: the *state at an hour* is the roads', facilities' and zones'
//! condition after replaying the journal up to that hour ([`replay`]); a
//! *hazard layer* is an optional per-cell value grid drawn under a map, made
//! from a run's hazard *footprint*
//! ([`qilian_hazardlib::footprint::Footprint`]) or built by hand.
//!
//! Boundaries: imports the engine, the evaluator and `qilian-hazardlib`, never
//! the models, osm or drill.

pub mod bundle;
pub mod charts;
pub mod csv;
pub mod events;
mod figure;
pub mod fonts;
pub mod front;
pub mod geojson;
pub mod maps;
pub mod replay;
pub mod report;
pub mod voronoi;

pub use csv::{write_replicates_csv, write_series_csv};
pub use figure::{DrawError, Figure};
