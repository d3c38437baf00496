//! Errors of the fire crate: one [`FireError`] for every public entry point.
//!
//! Messages name the offending field, cell or fuel model so that a driver can
//! pass them to the user unchanged (exit code 2, no backtrace).

use thiserror::Error;

/// Everything that can go wrong on user input. A panic in this crate means a
/// broken internal invariant, never bad input.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FireError {
    /// A fuel model number or code that is not in the embedded table.
    #[error(
        "unknown fuel model `{0}` (expected an Anderson 1-13, non-burnable 91-99 or Scott & Burgan number or code such as 101 / GR1)"
    )]
    UnknownFuelModel(String),
    /// A numeric input that is NaN, infinite or outside its domain.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidInput {
        /// Name of the input, with its unit.
        field: &'static str,
        /// The value given.
        value: f64,
        /// What the value must satisfy.
        reason: &'static str,
    },
    /// A raster layer whose length does not match `nrows * ncols`.
    #[error("grid layer `{layer}` has {got} cells, expected {expected} (nrows * ncols)")]
    LayerSize {
        /// Name of the layer.
        layer: &'static str,
        /// `nrows * ncols`.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// A cell index outside the grid (ignition or barrier).
    #[error("{what} cell {cell} is outside the grid of {ncells} cells")]
    CellOutOfRange {
        /// `ignition` or `barrier`.
        what: &'static str,
        /// The index given.
        cell: usize,
        /// Number of cells in the grid.
        ncells: usize,
    },
    /// A fuel raster value that is neither a known model nor non-burnable.
    #[error("cell {cell}: unknown fuel model id {id} (0 and 91-99 are non-burnable)")]
    UnknownFuelInGrid {
        /// Cell index (row-major).
        cell: usize,
        /// The fuel id found there.
        id: u16,
    },
}
