//! Voronoi cells of points, clipped to a convex area: the zones' areas in
//! `zone-areas.geojson` (each zone's cell holds the places nearer its node
//! than any other zone's).
//!
//! The Delaunay triangulation comes from the `spade` crate (bulk loading,
//! O(n log n), exact predicates). Four far sites are added around the
//! points, so every real point lies inside the triangulation's hull and its
//! cell is the bounded polygon of the circumcentres of the triangles around
//! it. Each cell is then clipped to the convex clip area
//! (Sutherland–Hodgman), O(cell × clip vertices). Points given twice share
//! one cell; colinear points get strips. Output depends only on the
//! geometry (a cell's ring starts at its lowest-left vertex), so it is the
//! same for the same points whatever the triangulation's tie-breaks.

use spade::{DelaunayTriangulation, Point2, Triangulation};
use std::collections::BTreeMap;

/// A point in the region's metres.
pub type Xy = (f64, f64);

/// The convex hull of `points`, counter-clockwise, without repeating its
/// first vertex (Andrew's monotone chain). Fewer than three vertices when
/// the points span no area.
pub fn convex_hull(points: &[Xy]) -> Vec<Xy> {
    let mut p: Vec<Xy> = points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    p.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let cross = |o: Xy, a: Xy, b: Xy| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut hull: Vec<Xy> = Vec::with_capacity(2 * p.len());
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Xy>> = if pass == 0 {
            Box::new(p.iter())
        } else {
            Box::new(p.iter().rev())
        };
        for &q in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], q) <= 0.0
            {
                hull.pop();
            }
            hull.push(q);
        }
        hull.pop();
    }
    hull
}

/// Twice the signed area of a ring (positive when counter-clockwise).
fn area2(ring: &[Xy]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// Area of a ring, m² (either orientation).
pub fn area(ring: &[Xy]) -> f64 {
    area2(ring).abs() / 2.0
}

/// The area cells are clipped to: the convex hull of `points` (the region's
/// nodes), or, when they span no area (one node, or all on one line), their
/// bounding box widened by [`PAD_M`] on every side. Counter-clockwise.
pub fn clip_area(points: &[Xy]) -> Vec<Xy> {
    let hull = convex_hull(points);
    if hull.len() >= 3 && area(&hull) > 1.0 {
        return hull;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
    {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
    }
    vec![
        (x0 - PAD_M, y0 - PAD_M),
        (x1 + PAD_M, y0 - PAD_M),
        (x1 + PAD_M, y1 + PAD_M),
        (x0 - PAD_M, y1 + PAD_M),
    ]
}

/// Widening of a clip area that would otherwise have no area, m
/// (ASSUMPTION: this project's choice, about a few blocks).
pub const PAD_M: f64 = 500.0;

/// The Voronoi cell of each site clipped to the convex, counter-clockwise
/// `clip` polygon: a counter-clockwise ring (first vertex not repeated), or
/// `None` when the cell misses the clip area or the site is not finite.
/// Sites at the same position get the same cell.
pub fn cells(sites: &[Xy], clip: &[Xy]) -> Vec<Option<Vec<Xy>>> {
    // Distinct finite positions, in first-seen order.
    let mut index: BTreeMap<(u64, u64), usize> = BTreeMap::new();
    let mut unique: Vec<Xy> = Vec::new();
    let key = |(x, y): Xy| ((x + 0.0).to_bits(), (y + 0.0).to_bits());
    let slot: Vec<Option<usize>> = sites
        .iter()
        .map(|&p| {
            if !(p.0.is_finite() && p.1.is_finite()) {
                return None;
            }
            Some(*index.entry(key(p)).or_insert_with(|| {
                unique.push(p);
                unique.len() - 1
            }))
        })
        .collect();
    if unique.is_empty() {
        return vec![None; sites.len()];
    }
    // Far sites around everything: their cells never reach the clip area,
    // since every clip point is within `span` of a real site and at least
    // 20 spans from them.
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in unique.iter().chain(clip) {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let span = (x1 - x0).max(y1 - y0).max(1.0);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let far = 20.0 * span;
    let mut points: Vec<Point2<f64>> = unique.iter().map(|&(x, y)| Point2::new(x, y)).collect();
    for (dx, dy) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
        points.push(Point2::new(cx + dx * far, cy + dy * far));
    }
    let unique_cells: Vec<Option<Vec<Xy>>> =
        match DelaunayTriangulation::<Point2<f64>>::bulk_load_stable(points) {
            Ok(t) if t.num_vertices() == unique.len() + 4 => t
                .vertices()
                .take(unique.len())
                .map(|v| {
                    let mut ring: Vec<Xy> = Vec::with_capacity(8);
                    for e in v.out_edges() {
                        let f = e.face();
                        let c = f.as_inner()?.circumcenter();
                        ring.push((c.x, c.y));
                    }
                    clip_convex(&normalise(ring), clip)
                })
                .collect(),
            // Cannot happen for finite, distinct points within spade's
            // range; leave the cells out rather than fail the output.
            _ => vec![None; unique.len()],
        };
    slot.iter()
        .map(|s| s.and_then(|i| unique_cells[i].clone()))
        .collect()
}

/// Counter-clockwise, without consecutive repeats (cocircular sites give
/// several triangles with one circumcentre).
fn normalise(mut ring: Vec<Xy>) -> Vec<Xy> {
    let scale = ring
        .iter()
        .map(|p| p.0.abs().max(p.1.abs()))
        .fold(1.0_f64, f64::max);
    let eps = scale * 1e-12;
    let close = |a: Xy, b: Xy| (a.0 - b.0).abs() <= eps && (a.1 - b.1).abs() <= eps;
    ring.dedup_by(|a, b| close(*a, *b));
    while ring.len() > 1 && close(ring[0], ring[ring.len() - 1]) {
        ring.pop();
    }
    if area2(&ring) < 0.0 {
        ring.reverse();
    }
    ring
}

/// Clip a convex ring to a convex counter-clockwise polygon; the result
/// starts at its lowest-left vertex. `None` when nothing is left.
fn clip_convex(subject: &[Xy], clip: &[Xy]) -> Option<Vec<Xy>> {
    let mut out: Vec<Xy> = subject.to_vec();
    let n = clip.len();
    for i in 0..n {
        if out.is_empty() {
            break;
        }
        let (a, b) = (clip[i], clip[(i + 1) % n]);
        // Positive on the inner (left) side of a → b.
        let side = |p: Xy| (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        let input = std::mem::take(&mut out);
        for j in 0..input.len() {
            let (p, q) = (input[j], input[(j + 1) % input.len()]);
            let (sp, sq) = (side(p), side(q));
            if sp >= 0.0 {
                out.push(p);
            }
            if (sp >= 0.0) != (sq >= 0.0) {
                let t = sp / (sp - sq);
                out.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
            }
        }
    }
    let out = normalise(out);
    if out.len() < 3 || area(&out) <= 0.0 {
        return None;
    }
    let first = (0..out.len())
        .min_by(|&i, &j| {
            let (p, q) = (out[i], out[j]);
            p.1.total_cmp(&q.1).then(p.0.total_cmp(&q.0))
        })
        .unwrap_or(0);
    let mut ring = out[first..].to_vec();
    ring.extend_from_slice(&out[..first]);
    Some(ring)
}

/// Whether `p` lies in the convex counter-clockwise `ring` (or on its
/// edge, within `tol` metres).
pub fn contains(ring: &[Xy], p: Xy, tol: f64) -> bool {
    let n = ring.len();
    (0..n).all(|i| {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        len == 0.0 || cross / len >= -tol
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no RNG crate in the viewer).
    fn scatter(n: usize, seed: u64, side: f64) -> Vec<Xy> {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n).map(|_| (next() * side, next() * side)).collect()
    }

    /// Cells tile the clip area: their areas add up to it, none overlaps
    /// another (checked by the sum, with every cell convex and inside), and
    /// each holds its own site.
    fn check_tiling(sites: &[Xy], clip: &[Xy]) {
        let cs = cells(sites, clip);
        let mut seen = std::collections::BTreeSet::new();
        let mut total = 0.0;
        for (s, c) in sites.iter().zip(&cs) {
            let c = c.as_ref().expect("every site in the clip area has a cell");
            assert!(contains(c, *s, 1e-6), "site {s:?} outside its cell {c:?}");
            for v in c {
                assert!(
                    contains(clip, *v, 1e-6),
                    "cell vertex {v:?} outside the clip area"
                );
            }
            if seen.insert(((s.0).to_bits(), (s.1).to_bits())) {
                total += area(c);
            }
        }
        let want = area(clip);
        assert!(
            (total - want).abs() <= 1e-6 * want,
            "cells cover {total} m², the clip area is {want} m²"
        );
    }

    #[test]
    fn cells_tile_the_hull_and_hold_their_site() {
        let sites = scatter(500, 7, 10_000.0);
        let clip = clip_area(&sites);
        assert!(clip.len() >= 3);
        check_tiling(&sites, &clip);
    }

    #[test]
    fn a_square_grid_cocircular_everywhere_tiles() {
        let sites: Vec<Xy> = (0..10)
            .flat_map(|i| (0..10).map(move |j| (f64::from(i) * 100.0, f64::from(j) * 100.0)))
            .collect();
        let clip = clip_area(&sites);
        check_tiling(&sites, &clip);
        // An inner site's cell is its 100 m square.
        let c = cells(&[(500.0, 500.0)], &clip);
        assert!(c[0].is_some());
        let cs = cells(&sites, &clip);
        let inner = cs[5 * 10 + 5].as_ref().unwrap();
        assert!((area(inner) - 10_000.0).abs() < 1e-6, "{inner:?}");
        assert_eq!(inner.len(), 4);
        assert_eq!(inner[0], (450.0, 450.0));
    }

    #[test]
    fn duplicates_share_a_cell_and_colinear_sites_get_strips() {
        let mut sites = scatter(50, 3, 1000.0);
        sites.push(sites[0]);
        sites.push(sites[7]);
        let clip = clip_area(&sites);
        check_tiling(&sites, &clip);
        let cs = cells(&sites, &clip);
        assert_eq!(cs[0], cs[50]);
        assert_eq!(cs[7], cs[51]);
        // All on one line: the clip area is the padded box, cells are strips.
        let line: Vec<Xy> = (0..5).map(|i| (f64::from(i) * 100.0, 0.0)).collect();
        let clip = clip_area(&line);
        assert_eq!(clip.len(), 4);
        assert!((area(&clip) - 1400.0 * 1000.0).abs() < 1e-6);
        check_tiling(&line, &clip);
        // One site, and no site at all, and a site that is not finite.
        let one = [(3.0, 4.0)];
        check_tiling(&one, &clip_area(&one));
        assert!(cells(&[], &clip).is_empty());
        assert_eq!(cells(&[(f64::NAN, 0.0)], &clip), vec![None]);
    }

    #[test]
    fn same_points_same_cells_in_any_order() {
        let sites = scatter(300, 11, 5000.0);
        let clip = clip_area(&sites);
        let a = cells(&sites, &clip);
        let mut rev = sites.clone();
        rev.reverse();
        let mut b = cells(&rev, &clip);
        b.reverse();
        for (x, y) in a.iter().zip(&b) {
            let (x, y) = (x.as_ref().unwrap(), y.as_ref().unwrap());
            assert_eq!(x.len(), y.len());
            for (p, q) in x.iter().zip(y) {
                assert!((p.0 - q.0).abs() < 1e-6 && (p.1 - q.1).abs() < 1e-6);
            }
        }
    }

    /// 50,000 sites: near-linear, so this takes well under a second in an
    /// optimised build (a quadratic method would take minutes).
    #[test]
    fn fifty_thousand_sites() {
        let sites = scatter(50_000, 5, 100_000.0);
        let clip = clip_area(&sites);
        let t = std::time::Instant::now();
        let cs = cells(&sites, &clip);
        let took = t.elapsed();
        eprintln!("50,000 cells in {took:?}");
        assert!(cs.iter().all(Option::is_some));
        let total: f64 = cs.iter().flatten().map(|c| area(c)).sum();
        assert!((total - area(&clip)).abs() <= 1e-6 * area(&clip));
        assert!(took.as_secs_f64() < 20.0, "{took:?}");
    }
}
