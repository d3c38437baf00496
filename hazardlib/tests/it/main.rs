//! The published hazard models against their reference cases: one file per
//! model.
//!
//! Reference tables live in `hazardlib/tests/data/` (copied from Qilian's
//! reference folder, each with a `# source:` first line) and are compiled in
//! with `include_str!`, so the tests read no files at run time.

mod cases;
mod depth_damage;
mod fire;
mod flood;
mod fragility;
mod gmpe;
mod normal;
mod pager;
mod plume;
mod tables;
mod toxic;

/// A parsed reference CSV: header names and rows of cells.
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Data rows, cells as text.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses the simple reference CSVs (no quoted fields), skipping `#` lines.
    pub fn parse(text: &str) -> Table {
        let mut lines = text
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        let split = |l: &str| {
            l.split(',')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        };
        let header = split(lines.next().expect("table has a header"));
        let rows = lines.map(split).collect();
        Table { header, rows }
    }

    /// Index of column `name`.
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// Cell `name` of row `r` parsed as f64.
    pub fn num(&self, r: usize, name: &str) -> f64 {
        let c = &self.rows[r][self.col(name)];
        c.parse()
            .unwrap_or_else(|_| panic!("row {r} column {name}: `{c}` is not a number"))
    }

    /// Cell `name` of row `r` as text.
    pub fn text(&self, r: usize, name: &str) -> &str {
        &self.rows[r][self.col(name)]
    }
}

/// |a − b| / |b|, with b = 0 treated as absolute error.
pub fn rel_err(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        a.abs()
    } else {
        ((a - b) / b).abs()
    }
}
