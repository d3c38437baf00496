//! ESRI ASCII raster grids (`.asc`): the format DEMs and flood maps travel in.
//!
//! A grid is a header followed by `nrows × ncols` numbers in row-major order,
//! **row 0 being the northern edge** (as the format writes them):
//!
//! ```text
//! ncols         4
//! nrows         2
//! xllcorner     500000.0
//! yllcorner     4100000.0
//! cellsize      10.0
//! NODATA_value  -9999
//! 1.0 2.0 3.0 4.0
//! 5.0 6.0 -9999 8.0
//! ```
//!
//! Header keys are case-insensitive and may come in any order; `xllcenter` /
//! `yllcenter` are accepted and converted to corners; `NODATA_value` is optional
//! (default −9999). Numbers may wrap across lines freely. Square cells only
//! (`dx`/`dy` headers are rejected). Coordinates and `cellsize` are in the
//! grid's map units, which the flood model takes as metres.
//!
//! [`Grid::parse`] is pure (no file IO), never panics and reports the offending
//! line; [`Grid::to_ascii`] writes a string that parses back to the same grid
//! bit for bit (shortest round-trip formatting of `f64`).
//!
//! Data flow: a region's `rasters` (DEM, fuel model, Vs30) → the scenario
//! loader → [`Grid`] shared by every replicate → hazard models (flood, fire,
//! earthquake site terms); model outputs (max depth, arrival times) → [`Grid`]
//! → text. This crate parses and prints the text; the engine's loader is
//! what reads the files.
//!
//! Local frame: cell (row, col) covers x ∈ [xll + col·cs, xll + (col+1)·cs),
//! y ∈ (yll + (nrows−row−1)·cs, yll + (nrows−row)·cs] in the region's metres.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// Largest `nrows × ncols` accepted (2³¹ cells, 16 GiB of `f64`): a guard
/// against headers that would make us allocate absurd amounts.
pub const MAX_CELLS: usize = 1 << 31;

/// Default `NODATA_value` when the header does not give one.
pub const DEFAULT_NODATA: f64 = -9999.0;

/// Why a grid could not be parsed or built. Lines are 1-based.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GridError {
    /// The input holds no header at all.
    #[error("empty input: expected an ESRI ASCII grid header")]
    Empty,
    /// A required header key never appeared.
    #[error("missing header key `{key}`")]
    MissingHeader {
        /// The missing key.
        key: &'static str,
    },
    /// A header key appeared twice.
    #[error("line {line}: header key `{key}` given twice")]
    DuplicateHeader {
        /// The repeated key.
        key: String,
        /// Line of the second occurrence.
        line: usize,
    },
    /// A word where a header key was expected that is not one.
    #[error("line {line}: unknown header key `{key}`")]
    UnknownHeader {
        /// The word found.
        key: String,
        /// Its line.
        line: usize,
    },
    /// A header key whose value is missing, malformed or out of range.
    #[error("line {line}: bad value `{value}` for `{key}`: {reason}")]
    BadHeaderValue {
        /// The key.
        key: String,
        /// The value text (empty when missing).
        value: String,
        /// Line of the key.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `nrows × ncols` overflows or exceeds [`MAX_CELLS`].
    #[error("grid of {nrows} rows × {ncols} columns is too large (limit {MAX_CELLS} cells)")]
    TooLarge {
        /// Rows asked for.
        nrows: usize,
        /// Columns asked for.
        ncols: usize,
    },
    /// A data token that is not a finite number.
    #[error("line {line}: data value `{token}` is not a finite number")]
    BadValue {
        /// The token (truncated to 40 characters).
        token: String,
        /// Its line.
        line: usize,
    },
    /// Fewer data values than `nrows × ncols`.
    #[error("line {line}: expected {expected} data values, found only {found}")]
    TooFewValues {
        /// `nrows × ncols`.
        expected: usize,
        /// Values read.
        found: usize,
        /// Last line of the input.
        line: usize,
    },
    /// More data values than `nrows × ncols`.
    #[error("line {line}: more than the expected {expected} data values")]
    TooManyValues {
        /// `nrows × ncols`.
        expected: usize,
        /// Line of the first surplus value.
        line: usize,
    },
    /// [`Grid::new`] got a data vector of the wrong length.
    #[error("data has {found} values, but {nrows} rows × {ncols} columns need {expected}")]
    WrongDataLength {
        /// Rows.
        nrows: usize,
        /// Columns.
        ncols: usize,
        /// `nrows × ncols`.
        expected: usize,
        /// Length given.
        found: usize,
    },
    /// [`Grid::new`] got a bad geometry value.
    #[error("invalid grid geometry: {0}")]
    InvalidGeometry(&'static str),
}

/// An ESRI ASCII raster: geometry, `NODATA_value` and row-major data with
/// row 0 at the north edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    ncols: usize,
    nrows: usize,
    xllcorner: f64,
    yllcorner: f64,
    cellsize: f64,
    nodata: f64,
    data: Vec<f64>,
}

impl Grid {
    /// Builds a grid from its parts.
    ///
    /// `xllcorner`, `yllcorner` (map units) locate the lower-left (south-west)
    /// corner; `cellsize` (map units, > 0) is the side of a square cell;
    /// `data` is row-major, row 0 north, `nrows × ncols` long. Values equal to
    /// `nodata` mark missing cells; other values must be finite.
    pub fn new(
        ncols: usize,
        nrows: usize,
        xllcorner: f64,
        yllcorner: f64,
        cellsize: f64,
        nodata: f64,
        data: Vec<f64>,
    ) -> Result<Self, GridError> {
        if ncols == 0 || nrows == 0 {
            return Err(GridError::InvalidGeometry("ncols and nrows must be ≥ 1"));
        }
        let expected = ncols
            .checked_mul(nrows)
            .filter(|&n| n <= MAX_CELLS)
            .ok_or(GridError::TooLarge { nrows, ncols })?;
        if !(cellsize.is_finite() && cellsize > 0.0) {
            return Err(GridError::InvalidGeometry(
                "cellsize must be finite and > 0",
            ));
        }
        if !xllcorner.is_finite() || !yllcorner.is_finite() {
            return Err(GridError::InvalidGeometry(
                "corner coordinates must be finite",
            ));
        }
        if !nodata.is_finite() {
            return Err(GridError::InvalidGeometry("NODATA_value must be finite"));
        }
        if data.len() != expected {
            return Err(GridError::WrongDataLength {
                nrows,
                ncols,
                expected,
                found: data.len(),
            });
        }
        if data.iter().any(|v| !v.is_finite()) {
            return Err(GridError::InvalidGeometry("data values must be finite"));
        }
        Ok(Self {
            ncols,
            nrows,
            xllcorner,
            yllcorner,
            cellsize,
            nodata,
            data,
        })
    }

    /// A grid whose value at `(row, col)` is `f(row, col)` (row 0 north).
    pub fn from_fn(
        ncols: usize,
        nrows: usize,
        cellsize: f64,
        mut f: impl FnMut(usize, usize) -> f64,
    ) -> Result<Self, GridError> {
        let n = ncols
            .checked_mul(nrows)
            .filter(|&n| n <= MAX_CELLS)
            .ok_or(GridError::TooLarge { nrows, ncols })?;
        let mut data = Vec::with_capacity(n);
        for r in 0..nrows {
            for c in 0..ncols {
                data.push(f(r, c));
            }
        }
        Self::new(ncols, nrows, 0.0, 0.0, cellsize, DEFAULT_NODATA, data)
    }

    /// Parses ESRI ASCII grid text. Pure; never panics; errors name the line.
    pub fn parse(text: &str) -> Result<Self, GridError> {
        parse(text)
    }

    /// Number of columns (west → east).
    pub fn ncols(&self) -> usize {
        self.ncols
    }
    /// Number of rows (north → south).
    pub fn nrows(&self) -> usize {
        self.nrows
    }
    /// x of the lower-left corner, map units.
    pub fn xllcorner(&self) -> f64 {
        self.xllcorner
    }
    /// y of the lower-left corner, map units.
    pub fn yllcorner(&self) -> f64 {
        self.yllcorner
    }
    /// Cell side, map units (metres for the flood model).
    pub fn cellsize(&self) -> f64 {
        self.cellsize
    }
    /// The `NODATA_value`.
    pub fn nodata(&self) -> f64 {
        self.nodata
    }
    /// Row-major values, row 0 north, NODATA cells included as `nodata()`.
    pub fn data(&self) -> &[f64] {
        &self.data
    }
    /// Whether `v` is this grid's NODATA marker.
    pub fn is_nodata(&self, v: f64) -> bool {
        v == self.nodata
    }
    /// Value at `(row, col)`, `None` outside the grid or at a NODATA cell.
    pub fn get(&self, row: usize, col: usize) -> Option<f64> {
        if row >= self.nrows || col >= self.ncols {
            return None;
        }
        let v = self.data[row * self.ncols + col];
        (!self.is_nodata(v)).then_some(v)
    }

    /// The cell containing the point (x, y) of the grid's frame, if inside.
    /// Points on the southern and western edges belong to the grid; a point
    /// on a shared cell edge goes to the cell north or east of it.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let c = ((x - self.xllcorner) / self.cellsize).floor();
        let r_from_south = ((y - self.yllcorner) / self.cellsize).floor();
        if !(c >= 0.0 && r_from_south >= 0.0) {
            return None;
        }
        let (c, rs) = (c as usize, r_from_south as usize);
        (c < self.ncols && rs < self.nrows).then(|| (self.nrows - 1 - rs, c))
    }

    /// The value at (x, y), if inside the grid and not NODATA.
    pub fn value_at(&self, x: f64, y: f64) -> Option<f64> {
        let (r, c) = self.cell_at(x, y)?;
        self.get(r, c)
    }

    /// Centre of cell (row, col) in the grid's frame.
    pub fn cell_centre(&self, row: usize, col: usize) -> (f64, f64) {
        (
            self.xllcorner + (col as f64 + 0.5) * self.cellsize,
            self.yllcorner + ((self.nrows - 1 - row) as f64 + 0.5) * self.cellsize,
        )
    }

    /// Same rows, columns, corner and cell size as `other`.
    pub fn same_geometry(&self, other: &Grid) -> bool {
        self.ncols == other.ncols
            && self.nrows == other.nrows
            && self.xllcorner == other.xllcorner
            && self.yllcorner == other.yllcorner
            && self.cellsize == other.cellsize
    }

    /// Writes the grid as ESRI ASCII text (header with `xllcorner`,
    /// `yllcorner`, `NODATA_value`; one line per row). Parses back exactly.
    pub fn to_ascii(&self) -> String {
        use fmt::Write as _;
        let mut s = String::with_capacity(self.data.len() * 8 + 128);
        // `{:?}` keeps a trailing `.0` on integral floats and is the shortest
        // representation that round-trips, so parse(to_ascii(g)) == g.
        let _ = writeln!(s, "ncols {}", self.ncols);
        let _ = writeln!(s, "nrows {}", self.nrows);
        let _ = writeln!(s, "xllcorner {:?}", self.xllcorner);
        let _ = writeln!(s, "yllcorner {:?}", self.yllcorner);
        let _ = writeln!(s, "cellsize {:?}", self.cellsize);
        let _ = writeln!(s, "NODATA_value {:?}", self.nodata);
        for row in self.data.chunks(self.ncols) {
            let mut first = true;
            for v in row {
                if !first {
                    s.push(' ');
                }
                first = false;
                let _ = write!(s, "{v:?}");
            }
            s.push('\n');
        }
        s
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ascii())
    }
}

impl FromStr for Grid {
    type Err = GridError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// Shortens a token for an error message (garbage input can be huge).
fn clip(token: &str) -> String {
    token.chars().take(40).collect()
}

#[derive(Default)]
struct Header {
    ncols: Option<usize>,
    nrows: Option<usize>,
    xll: Option<(f64, bool)>, // (value, is_center)
    yll: Option<(f64, bool)>,
    cellsize: Option<f64>,
    nodata: Option<f64>,
}

fn parse_dim(key: &str, value: &str, line: usize) -> Result<usize, GridError> {
    let bad = |reason| GridError::BadHeaderValue {
        key: key.to_string(),
        value: clip(value),
        line,
        reason,
    };
    let n: usize = value
        .parse()
        .map_err(|_| bad("expected a positive integer that fits in usize"))?;
    if n == 0 {
        return Err(bad("must be ≥ 1"));
    }
    Ok(n)
}

fn parse_real(key: &str, value: &str, line: usize) -> Result<f64, GridError> {
    let bad = |reason| GridError::BadHeaderValue {
        key: key.to_string(),
        value: clip(value),
        line,
        reason,
    };
    let v: f64 = value.parse().map_err(|_| bad("expected a number"))?;
    if !v.is_finite() {
        return Err(bad("must be finite"));
    }
    Ok(v)
}

fn parse(text: &str) -> Result<Grid, GridError> {
    let mut h = Header::default();
    let mut lines = text.lines().enumerate().peekable();
    let mut saw_header = false;

    // Header: lines whose first word starts with a letter. A line starting with
    // a digit, sign or dot begins the data block.
    while let Some(&(idx, raw)) = lines.peek() {
        let line = idx + 1;
        let mut words = raw.split_whitespace();
        let Some(key) = words.next() else {
            lines.next(); // blank line inside the header
            continue;
        };
        if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
            break;
        }
        // Rust's f64 parser accepts "inf"/"nan"; such a line is data, and
        // the data parser rejects it with its line.
        let lower = key.to_ascii_lowercase();
        if lower.starts_with("inf") || lower.starts_with("nan") {
            break;
        }
        lines.next();
        saw_header = true;
        let value = words.next().unwrap_or("");
        if let Some(extra) = words.next() {
            return Err(GridError::BadHeaderValue {
                key: clip(key),
                value: clip(extra),
                line,
                reason: "unexpected extra word after the value",
            });
        }
        let dup = || GridError::DuplicateHeader {
            key: clip(key),
            line,
        };
        match lower.as_str() {
            "ncols" => {
                if h.ncols.is_some() {
                    return Err(dup());
                }
                h.ncols = Some(parse_dim(key, value, line)?);
            }
            "nrows" => {
                if h.nrows.is_some() {
                    return Err(dup());
                }
                h.nrows = Some(parse_dim(key, value, line)?);
            }
            "xllcorner" | "xllcenter" => {
                if h.xll.is_some() {
                    return Err(dup());
                }
                h.xll = Some((parse_real(key, value, line)?, lower == "xllcenter"));
            }
            "yllcorner" | "yllcenter" => {
                if h.yll.is_some() {
                    return Err(dup());
                }
                h.yll = Some((parse_real(key, value, line)?, lower == "yllcenter"));
            }
            "cellsize" => {
                if h.cellsize.is_some() {
                    return Err(dup());
                }
                let v = parse_real(key, value, line)?;
                if v <= 0.0 {
                    return Err(GridError::BadHeaderValue {
                        key: clip(key),
                        value: clip(value),
                        line,
                        reason: "must be > 0",
                    });
                }
                h.cellsize = Some(v);
            }
            "nodata_value" => {
                if h.nodata.is_some() {
                    return Err(dup());
                }
                h.nodata = Some(parse_real(key, value, line)?);
            }
            "dx" | "dy" => {
                return Err(GridError::BadHeaderValue {
                    key: clip(key),
                    value: clip(value),
                    line,
                    reason: "rectangular cells (dx/dy) are not supported; use cellsize",
                });
            }
            _ => {
                return Err(GridError::UnknownHeader {
                    key: clip(key),
                    line,
                });
            }
        }
    }

    if !saw_header {
        if text.trim().is_empty() {
            return Err(GridError::Empty);
        }
        return Err(GridError::MissingHeader { key: "ncols" });
    }
    let ncols = h.ncols.ok_or(GridError::MissingHeader { key: "ncols" })?;
    let nrows = h.nrows.ok_or(GridError::MissingHeader { key: "nrows" })?;
    let (xll, xc) = h.xll.ok_or(GridError::MissingHeader { key: "xllcorner" })?;
    let (yll, yc) = h.yll.ok_or(GridError::MissingHeader { key: "yllcorner" })?;
    let cellsize = h
        .cellsize
        .ok_or(GridError::MissingHeader { key: "cellsize" })?;
    let nodata = h.nodata.unwrap_or(DEFAULT_NODATA);
    let expected = ncols
        .checked_mul(nrows)
        .filter(|&n| n <= MAX_CELLS)
        .ok_or(GridError::TooLarge { nrows, ncols })?;
    let xllcorner = if xc { xll - 0.5 * cellsize } else { xll };
    let yllcorner = if yc { yll - 0.5 * cellsize } else { yll };

    // Never reserve more than the text could hold (≥ 2 bytes per value), so
    // a lying header cannot make us allocate gigabytes.
    let mut data = Vec::with_capacity(expected.min(text.len() / 2 + 1));
    let mut last_line = 1;
    for (idx, raw) in lines {
        let line = idx + 1;
        last_line = line;
        for token in raw.split_whitespace() {
            if data.len() == expected {
                return Err(GridError::TooManyValues { expected, line });
            }
            match token.parse::<f64>() {
                Ok(v) if v.is_finite() => data.push(v),
                _ => {
                    return Err(GridError::BadValue {
                        token: clip(token),
                        line,
                    });
                }
            }
        }
    }
    if data.len() < expected {
        return Err(GridError::TooFewValues {
            expected,
            found: data.len(),
            line: last_line.max(text.lines().count()),
        });
    }
    Grid::new(ncols, nrows, xllcorner, yllcorner, cellsize, nodata, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "ncols 3\nnrows 2\nxllcorner 100.5\nyllcorner -20\n\
                         cellsize 2.5\nNODATA_value -9999\n1 2 3\n4 -9999 6.25\n";

    #[test]
    fn parses_small_grid() {
        let g = Grid::parse(SMALL).unwrap();
        assert_eq!((g.ncols(), g.nrows()), (3, 2));
        assert_eq!(g.xllcorner(), 100.5);
        assert_eq!(g.yllcorner(), -20.0);
        assert_eq!(g.cellsize(), 2.5);
        assert_eq!(g.get(0, 0), Some(1.0)); // north-west
        assert_eq!(g.get(1, 2), Some(6.25));
        assert_eq!(g.get(1, 1), None); // NODATA
        assert_eq!(g.get(2, 0), None); // outside
    }

    #[test]
    fn round_trips_bitwise() {
        let g = Grid::from_fn(7, 5, 0.1, |r, c| (r as f64).sin() * 1e-7 + c as f64 / 3.0).unwrap();
        let back = Grid::parse(&g.to_ascii()).unwrap();
        assert_eq!(g, back);
        let g2 = Grid::parse(SMALL).unwrap();
        assert_eq!(Grid::parse(&g2.to_string()).unwrap(), g2);
    }

    #[test]
    fn header_variants() {
        let t = "NCOLS 2\nNROWS 1\nXLLCENTER 1\nYLLCENTER 1\nCELLSIZE 2\n\n5 6\n";
        let g = Grid::parse(t).unwrap();
        assert_eq!(g.xllcorner(), 0.0);
        assert_eq!(g.nodata(), DEFAULT_NODATA);
        // Values may wrap lines arbitrarily.
        let t = "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1\n2 3 4\n5\n6";
        assert_eq!(Grid::parse(t).unwrap().data(), &[1., 2., 3., 4., 5., 6.]);
    }

    #[test]
    fn empty_input() {
        assert_eq!(Grid::parse(""), Err(GridError::Empty));
        assert_eq!(Grid::parse("  \n\t\n"), Err(GridError::Empty));
    }

    #[test]
    fn truncated_input() {
        let t = &SMALL[..SMALL.len() - 6]; // cuts " 6.25\n"
        match Grid::parse(t) {
            Err(GridError::TooFewValues {
                expected: 6,
                found: 5,
                line: 8,
            }) => {}
            other => panic!("unexpected {other:?}"),
        }
        // Cut inside the header.
        assert_eq!(
            Grid::parse("ncols 3\nnrows 2\nxllcorner 0\n"),
            Err(GridError::MissingHeader { key: "yllcorner" })
        );
        assert!(matches!(
            Grid::parse("ncols 3\nnrows"),
            Err(GridError::BadHeaderValue { line: 2, .. })
        ));
    }

    #[test]
    fn wrong_counts() {
        let t = "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n3 4\n5\n";
        assert_eq!(
            Grid::parse(t),
            Err(GridError::TooManyValues {
                expected: 4,
                line: 8
            })
        );
    }

    #[test]
    fn garbage() {
        let t = "ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 abc\n";
        assert_eq!(
            Grid::parse(t),
            Err(GridError::BadValue {
                token: "abc".into(),
                line: 6
            })
        );
        assert!(matches!(
            Grid::parse("hello world\n"),
            Err(GridError::UnknownHeader { line: 1, .. })
        ));
        assert!(matches!(
            Grid::parse("1 2 3\n"),
            Err(GridError::MissingHeader { key: "ncols" })
        ));
        assert!(matches!(
            Grid::parse("ncols 2 3\n"),
            Err(GridError::BadHeaderValue { line: 1, .. })
        ));
        assert!(matches!(
            Grid::parse("ncols 1\nncols 1\n"),
            Err(GridError::DuplicateHeader { line: 2, .. })
        ));
        let t = "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\nnan\n";
        assert!(matches!(
            Grid::parse(t),
            Err(GridError::BadValue { line: 6, .. })
        ));
        let t = "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize -1\n1\n";
        assert!(matches!(
            Grid::parse(t),
            Err(GridError::BadHeaderValue { line: 5, .. })
        ));
        let t = "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ndx 1\n1\n";
        assert!(matches!(
            Grid::parse(t),
            Err(GridError::BadHeaderValue { line: 5, .. })
        ));
        // Arbitrary bytes, including invalid-looking unicode, must not panic.
        for t in [
            "\u{0}\u{1}\u{fffd}",
            "ñcols 3",
            "ncols\u{a0}3",
            "-",
            "ncols -3",
        ] {
            assert!(Grid::parse(t).is_err(), "{t:?}");
        }
    }

    #[test]
    fn huge_numbers() {
        let t = "ncols 99999999999999999999999\nnrows 1\n";
        assert!(matches!(
            Grid::parse(t),
            Err(GridError::BadHeaderValue { line: 1, .. })
        ));
        let t = "ncols 4294967296\nnrows 4294967296\nxllcorner 0\nyllcorner 0\ncellsize 1\n1\n";
        assert!(matches!(Grid::parse(t), Err(GridError::TooLarge { .. })));
        // Within MAX_CELLS but far more than the text holds: no huge
        // allocation, just a count error.
        let t = "ncols 40000\nnrows 40000\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n";
        assert!(matches!(
            Grid::parse(t),
            Err(GridError::TooFewValues { found: 2, .. })
        ));
        let t = "ncols 1\nnrows 1\nxllcorner 1e999\nyllcorner 0\ncellsize 1\n1\n";
        assert!(matches!(
            Grid::parse(t),
            Err(GridError::BadHeaderValue { line: 3, .. })
        ));
        let t = "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1e400\n";
        assert!(matches!(
            Grid::parse(t),
            Err(GridError::BadValue { line: 6, .. })
        ));
        let long = "9".repeat(10_000);
        let t = format!("ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n{long}\n");
        match Grid::parse(&t) {
            Err(GridError::BadValue { token, line: 6 }) => assert_eq!(token.len(), 40),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_prefix_is_handled() {
        // Truncation at any byte boundary yields Ok or Err, never a panic.
        for end in 0..=SMALL.len() {
            if SMALL.is_char_boundary(end) {
                let _ = Grid::parse(&SMALL[..end]);
            }
        }
    }

    #[test]
    fn mutated_inputs_never_panic() {
        // Deterministic byte-level mutations of a valid grid: replace, insert
        // and delete characters from an alphabet of digits, signs, letters
        // and whitespace. Every result must be Ok or Err, never a panic.
        let alphabet = b"0123456789.-+eE \n\tnNaAiIfF#x";
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let mut bytes = SMALL.as_bytes().to_vec();
            for _ in 0..1 + next() % 4 {
                let pos = (next() as usize) % (bytes.len() + 1);
                let ch = alphabet[(next() as usize) % alphabet.len()];
                match next() % 3 {
                    0 if pos < bytes.len() => bytes[pos] = ch,
                    1 => bytes.insert(pos, ch),
                    _ if pos < bytes.len() => {
                        bytes.remove(pos);
                    }
                    _ => {}
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(g) = Grid::parse(&text) {
                assert_eq!(g.data().len(), g.ncols() * g.nrows());
            }
        }
    }

    #[test]
    fn new_validates() {
        assert!(Grid::new(2, 2, 0., 0., 1., -9999., vec![0.; 3]).is_err());
        assert!(Grid::new(0, 2, 0., 0., 1., -9999., vec![]).is_err());
        assert!(Grid::new(1, 1, 0., 0., 0., -9999., vec![0.]).is_err());
        assert!(Grid::new(1, 1, 0., 0., 1., -9999., vec![f64::NAN]).is_err());
    }
}
