//! Zones and facilities on the kept road graph, and the nearest-node index
//! that attaches them.

use std::collections::BTreeMap;

/// Nearest point among a fixed set, on a uniform grid of buckets. Ties go to
/// the lowest index, so results never depend on bucket order.
pub(crate) struct Nearest {
    cell: f64,
    grid: BTreeMap<(i64, i64), Vec<usize>>,
    pts: Vec<(f64, f64)>,
    /// Bucket bounds: (min x, min y, max x, max y).
    bounds: (i64, i64, i64, i64),
}

impl Nearest {
    pub fn new(pts: Vec<(f64, f64)>, cell: f64) -> Nearest {
        let mut grid: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
        let key = |x: f64| (x / cell).floor() as i64;
        for (i, &(x, y)) in pts.iter().enumerate() {
            grid.entry((key(x), key(y))).or_default().push(i);
        }
        let mut bounds = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        for &(a, b) in grid.keys() {
            bounds = (
                bounds.0.min(a),
                bounds.1.min(b),
                bounds.2.max(a),
                bounds.3.max(b),
            );
        }
        Nearest {
            cell,
            grid,
            pts,
            bounds,
        }
    }

    /// Index of the point nearest `(x, y)`, `None` when there are none.
    pub fn nearest(&self, x: f64, y: f64) -> Option<usize> {
        if self.pts.is_empty() {
            return None;
        }
        let (cx, cy) = (
            (x / self.cell).floor() as i64,
            (y / self.cell).floor() as i64,
        );
        let (x0, y0, x1, y1) = self.bounds;
        let last = [cx - x0, x1 - cx, cy - y0, y1 - cy]
            .into_iter()
            .max()
            .unwrap_or(0)
            .max(0);
        let mut best: Option<(f64, usize)> = None;
        let mut r = 0i64;
        loop {
            for gx in (cx - r).max(x0)..=(cx + r).min(x1) {
                for gy in (cy - r).max(y0)..=(cy + r).min(y1) {
                    if (gx - cx).abs() != r && (gy - cy).abs() != r {
                        continue;
                    }
                    for &i in self.grid.get(&(gx, gy)).into_iter().flatten() {
                        let (px, py) = self.pts[i];
                        let d = (px - x).powi(2) + (py - y).powi(2);
                        if best.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                            best = Some((d, i));
                        }
                    }
                }
            }
            // Every point in ring r+1 or beyond is at least r cells away.
            if let Some((d, i)) = best
                && (r as f64 * self.cell).powi(2) > d
            {
                return Some(i);
            }
            r += 1;
            if r > last {
                return best.map(|b| b.1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_matches_brute_force() {
        let mut pts = Vec::new();
        let mut s = 12345u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) as f64 / (1u64 << 31) as f64) * 5000.0 - 2500.0
        };
        for _ in 0..500 {
            pts.push((next(), next()));
        }
        let idx = Nearest::new(pts.clone(), 300.0);
        for _ in 0..200 {
            let (x, y) = (next() * 1.5, next() * 1.5);
            let brute = (0..pts.len())
                .min_by(|&a, &b| {
                    let da = (pts[a].0 - x).powi(2) + (pts[a].1 - y).powi(2);
                    let db = (pts[b].0 - x).powi(2) + (pts[b].1 - y).powi(2);
                    da.total_cmp(&db).then(a.cmp(&b))
                })
                .unwrap();
            assert_eq!(idx.nearest(x, y), Some(brute), "({x}, {y})");
        }
        // Far outside the points still finds one.
        assert!(idx.nearest(1e6, -1e6).is_some());
        assert_eq!(Nearest::new(Vec::new(), 100.0).nearest(0.0, 0.0), None);
    }
}
