//! Trip lists as demand: the scenario's trips (engine `scenario::trips`)
//! become vehicles when the evacuation is built, each leaving at its own
//! second from its own node, with no warning and no departure draw. Each
//! trip's people count in the zone nearest its origin (straight-line
//! distance between nodes, ties to the zone listed first), so every count
//! the model keeps per zone, and the hazard reaching that zone, covers them.
//!
//! The nearest zone comes from a uniform grid over the zones' nodes, so the
//! cost is near-linear in zones and distinct origins.

use qilian_engine::network::{Network, NodeIx};

/// Zones' nodes bucketed on a square grid, for nearest-zone queries.
pub(crate) struct NearestZone {
    pts: Vec<(f64, f64)>,
    x0: f64,
    y0: f64,
    cell: f64,
    cols: usize,
    rows: usize,
    /// Zone indices per cell, row-major, ascending in each cell.
    cells: Vec<Vec<u32>>,
}

impl NearestZone {
    /// The index over the nodes `zone_node` (one per zone) of `net`.
    pub(crate) fn new(net: &Network, zone_node: &[NodeIx]) -> NearestZone {
        let pts: Vec<(f64, f64)> = zone_node
            .iter()
            .map(|&n| {
                let n = &net.nodes[n as usize];
                (n.x, n.y)
            })
            .collect();
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in &pts {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        if pts.is_empty() {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let side = (pts.len() as f64).sqrt().ceil().max(1.0);
        let cell = ((x1 - x0).max(y1 - y0) / side).max(1e-6);
        let cols = (((x1 - x0) / cell) as usize + 1).min(1 << 12);
        let rows = (((y1 - y0) / cell) as usize + 1).min(1 << 12);
        let mut cells = vec![Vec::new(); cols * rows];
        let mut g = NearestZone {
            pts: Vec::new(),
            x0,
            y0,
            cell,
            cols,
            rows,
            cells: Vec::new(),
        };
        for (i, &(x, y)) in pts.iter().enumerate() {
            let (c, r) = g.cell_of(x, y);
            cells[r * cols + c].push(i as u32);
        }
        g.pts = pts;
        g.cells = cells;
        g
    }

    fn cell_of(&self, x: f64, y: f64) -> (usize, usize) {
        let c = ((x - self.x0) / self.cell)
            .floor()
            .clamp(0.0, (self.cols - 1) as f64);
        let r = ((y - self.y0) / self.cell)
            .floor()
            .clamp(0.0, (self.rows - 1) as f64);
        (c as usize, r as usize)
    }

    /// The zone (index) nearest `(x, y)`; ties to the lower index. `None`
    /// when there are no zones.
    pub(crate) fn nearest(&self, x: f64, y: f64) -> Option<u32> {
        let (c, r) = self.cell_of(x, y);
        let mut best: Option<(f64, u32)> = None;
        let reach = self.cols.max(self.rows);
        for ring in 0..=reach {
            // Cells at Chebyshev distance `ring` from (c, r).
            let (c, r, k) = (c as isize, r as isize, ring as isize);
            for rr in (r - k)..=(r + k) {
                if rr < 0 || rr >= self.rows as isize {
                    continue;
                }
                let edge = rr == r - k || rr == r + k;
                let step = if edge || k == 0 { 1 } else { 2 * k };
                let mut cc = c - k;
                while cc <= c + k {
                    if cc >= 0 && cc < self.cols as isize {
                        for &z in &self.cells[rr as usize * self.cols + cc as usize] {
                            let (px, py) = self.pts[z as usize];
                            let d = (px - x).powi(2) + (py - y).powi(2);
                            if best.is_none_or(|(bd, bz)| d < bd || (d == bd && z < bz)) {
                                best = Some((d, z));
                            }
                        }
                    }
                    cc += step;
                }
            }
            // Every cell further out is at least `ring` cells away.
            if let Some((d, _)) = best
                && d < (ring as f64 * self.cell).powi(2)
            {
                break;
            }
        }
        best.map(|b| b.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qilian_engine::NodeId;
    use qilian_engine::network::NetNode;

    #[test]
    fn the_grid_finds_what_a_scan_finds() {
        // Pseudo-random points, some on top of each other.
        let mut s = 7u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) % 1000) as f64
        };
        let nodes: Vec<NetNode> = (0..300)
            .map(|i| NetNode {
                id: NodeId(i),
                x: next(),
                y: next() / 4.0,
            })
            .collect();
        let net = Network::from_parts(nodes, Vec::new());
        let zone_node: Vec<NodeIx> = (0..120).collect();
        let g = NearestZone::new(&net, &zone_node);
        let scan = |x: f64, y: f64| {
            (0..120u32).min_by(|&a, &b| {
                let d = |z: u32| {
                    let p = &net.nodes[z as usize];
                    (p.x - x).powi(2) + (p.y - y).powi(2)
                };
                d(a).total_cmp(&d(b)).then(a.cmp(&b))
            })
        };
        for n in 0..300usize {
            let (x, y) = (net.nodes[n].x, net.nodes[n].y);
            assert_eq!(g.nearest(x, y), scan(x, y), "node {n}");
        }
        // Points outside the zones' bounds.
        for (x, y) in [(-5000.0, 9e3), (2e4, -30.0), (500.0, 1e5)] {
            assert_eq!(g.nearest(x, y), scan(x, y), "({x}, {y})");
        }
        assert_eq!(NearestZone::new(&net, &[]).nearest(1.0, 1.0), None);
    }
}
