//! Hazard footprints: each hazard's field at the end of a run as a plain
//! raster, for maps and GeoJSON (the viewer draws them; it never sees the
//! models' internal state).
//!
//! A [`Footprint`] is a `Grid` (region metres, row 0 north, NODATA
//! where the hazard did not reach) and a `FootprintKind` that says what the
//! values are:
//!
//! - flood: the maximum water depth over the run (the solver's own maximum,
//!   every solver step), m, on the DEM's cells;
//! - fire: arrival time of the front, hours since the run's start, on the
//!   fuel raster's cells (fire lines included; cells the front had not
//!   reached by the horizon are NODATA). A map at hour h draws the perimeter
//!   as the edge of the cells with arrival ≤ h;
//! - chemical: the peak ground-level concentration, ppm, on a grid over the
//!   region, sampled every [`PLUME_SAMPLE_S`] of run time (zones are sampled
//!   every tick, so the grid can miss a peak shorter than that), with the
//!   chemical's 60-min AEGL-1/2/3 levels for the threat zones;
//! - earthquake: PGA, g, on a grid over the region: the GMPE median at each
//!   cell's Rjb and Vs30 times this run's between-event term e^(τη). Sites'
//!   own within-event terms are not mapped (no spatial correlation model).
//!
//! Recording is opt-in ([`record`]) because only the chemical footprint
//! costs anything while the run goes, and stress runs do not draw maps; the
//! other footprints are read from the models' state after the run
//! ([`collect`], [`run_with_footprints`]).

pub use super::grids::{FootprintRecorder, PLUME_SAMPLE_S};
use qilian_engine::{RunResult, Sim};
use qilian_hazardlib::footprint::Footprint;

/// Ask `sim` to keep what [`collect`] needs for every hazard's footprint.
pub fn record(sim: &mut Sim) {
    sim.world_mut()
        .insert_resource(FootprintRecorder::default());
}

/// Every hazard's footprint as the run stands, in hazard order. Hazards that
/// have not started (or reached nothing) have none.
pub fn collect(sim: &Sim) -> Vec<Footprint> {
    let world = sim.world();
    let mut out = Vec::new();
    super::earthquake::footprints(world, &mut out);
    super::flood::footprints(world, &mut out);
    super::fire::footprints(world, &mut out);
    super::chemical::footprints(world, &mut out);
    out.sort_by_key(|f| f.hazard);
    out
}

/// Run `sim` to its horizon, recording footprints, and return the result
/// with every hazard's footprint.
pub fn run_with_footprints(mut sim: Sim) -> (RunResult, Vec<Footprint>) {
    record(&mut sim);
    while !sim.finished() {
        sim.step();
    }
    let footprints = collect(&sim);
    (sim.finish(), footprints)
}
