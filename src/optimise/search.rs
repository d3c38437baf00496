//! Successive halving on common random numbers, Pareto ranks, and the
//! statistics of the re-run on fresh replicates. Generic over how one
//! candidate is run on a list of replicates, so tests can plug in a
//! synthetic evaluator.

use qilian_evaluator::stats::{Z95, wilson95};

/// One candidate on one replicate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Obs {
    /// Every target met.
    pub met_all: bool,
    /// Deaths in the run.
    pub deaths: f64,
}

/// Runs candidate `i` on the given replicates, results in their order.
pub type Evaluate<'a> = dyn Fn(usize, &[u32]) -> Vec<Obs> + Sync + 'a;

/// How the search spends replicates.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// Selection replicates a finalist gets (replicates `0..runs`).
    pub runs: u32,
    /// Replicates of the first rung (at least 2).
    pub first: u32,
    /// Halving stops when this many candidates or fewer remain.
    pub keep: usize,
    /// Fresh replicates for the finalists (`runs..runs + fresh`).
    pub fresh: u32,
}

impl Schedule {
    /// The first rung for `n` candidates: `runs` halved once per halving
    /// the candidates need to fall to `keep`, and at least `min`.
    pub fn for_candidates(n: usize, runs: u32, keep: usize, fresh: u32, min: u32) -> Schedule {
        let mut rounds = 0u32;
        let mut m = n;
        while m > keep {
            m = m.div_ceil(2);
            rounds += 1;
        }
        let first = (runs >> rounds.min(31)).max(min).min(runs).max(1);
        Schedule {
            runs,
            first,
            keep: keep.max(1),
            fresh,
        }
    }
}

/// Estimates of one candidate on some replicates.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Replicates.
    pub n: usize,
    /// P(all targets met).
    pub p_met: f64,
    /// Wilson 95 % interval of `p_met`.
    pub p_ci: (f64, f64),
    /// Mean deaths per run.
    pub deaths: f64,
    /// Student-t 95 % interval of the mean deaths.
    pub deaths_ci: (f64, f64),
}

impl Estimate {
    /// The estimate of `obs`.
    pub fn of(obs: &[Obs]) -> Estimate {
        let n = obs.len();
        let met = obs.iter().filter(|o| o.met_all).count();
        let p_ci = wilson95(met as u64, n as u64);
        let deaths: Vec<f64> = obs.iter().map(|o| o.deaths).collect();
        let (m, lo, hi) = t_interval(&deaths);
        Estimate {
            n,
            p_met: if n == 0 { 0.0 } else { met as f64 / n as f64 },
            p_ci,
            deaths: m,
            deaths_ci: (lo, hi),
        }
    }
}

/// Two-sided 97.5 % quantile of Student's t with `df` degrees of freedom
/// (tables for 1–30; Cornish–Fisher expansion beyond, error < 1e-4).
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => T[df - 1],
        _ => {
            let (z, v) = (Z95, df as f64);
            let z3 = z * z * z;
            let z5 = z3 * z * z;
            z + (z3 + z) / (4.0 * v) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Mean with its Student-t 95 % interval; one value gives a zero-width
/// interval, none gives zeros.
pub fn t_interval(x: &[f64]) -> (f64, f64, f64) {
    if x.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    if x.len() == 1 {
        return (m, m, m);
    }
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    let half = t975(x.len() - 1) * (var / n).sqrt();
    (m, m - half, m + half)
}

/// Pareto ranks (0 = non-dominated) of points (cost ↓, p_met ↑, deaths ↓).
pub fn pareto_ranks(points: &[(f64, f64, f64)]) -> Vec<usize> {
    let dominates = |a: &(f64, f64, f64), b: &(f64, f64, f64)| {
        a.0 <= b.0 && a.1 >= b.1 && a.2 <= b.2 && (a.0 < b.0 || a.1 > b.1 || a.2 < b.2)
    };
    let mut rank = vec![usize::MAX; points.len()];
    let mut left: Vec<usize> = (0..points.len()).collect();
    let mut r = 0;
    while !left.is_empty() {
        let front: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&i| {
                !left
                    .iter()
                    .any(|&j| j != i && dominates(&points[j], &points[i]))
            })
            .collect();
        for &i in &front {
            rank[i] = r;
        }
        left.retain(|i| !front.contains(i));
        r += 1;
    }
    rank
}

/// Indices of the points not dominated in (cost ↓, value better), where
/// `higher` says whether a higher value is better.
pub fn front_2d(points: &[(f64, f64)], higher: bool) -> Vec<usize> {
    let better = |a: f64, b: f64| if higher { a > b } else { a < b };
    let no_worse = |a: f64, b: f64| if higher { a >= b } else { a <= b };
    (0..points.len())
        .filter(|&i| {
            !(0..points.len()).any(|j| {
                j != i
                    && points[j].0 <= points[i].0
                    && no_worse(points[j].1, points[i].1)
                    && (points[j].0 < points[i].0 || better(points[j].1, points[i].1))
            })
        })
        .collect()
}

/// The order the chosen plan is picked in: highest P(met), then fewest
/// deaths, then lowest cost, then the earlier candidate.
pub fn better(a: (f64, f64, f64, usize), b: (f64, f64, f64, usize)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0)
        .then(a.1.total_cmp(&b.1))
        .then(a.2.total_cmp(&b.2))
        .then(a.3.cmp(&b.3))
}

/// One rung of the search.
#[derive(Clone, Debug, PartialEq)]
pub struct Rung {
    /// Replicates each candidate of the rung had.
    pub replicates: u32,
    /// Candidates in the rung.
    pub candidates: usize,
}

/// What the search found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Per candidate: its observations on selection replicates `0..k`.
    pub selection: Vec<Vec<Obs>>,
    /// The rungs.
    pub rungs: Vec<Rung>,
    /// Finalists (candidate indices), in candidate order.
    pub finalists: Vec<usize>,
    /// The chosen candidate (chosen on the selection replicates).
    pub chosen: usize,
    /// Per finalist: observations on the fresh replicates.
    pub fresh: Vec<Vec<Obs>>,
}

/// Successive halving on common random numbers. Every candidate runs on
/// replicates `0..first`; at each rung the candidates are ranked by Pareto
/// rank on (cost, P(met), mean deaths) and, within a rank, by [`better`];
/// the better half (at least `keep`) goes on with its replicates doubled
/// (to at most `runs`), all on the same replicate numbers. Halving stops
/// when `keep` or fewer remain; they are then run to `runs` replicates (the
/// finalists), the chosen one is the best of them by [`better`], and every
/// finalist is run again on fresh replicates `runs..runs + fresh`.
/// Only `eligible` candidates (within the budget) race and may be chosen;
/// `pinned` (the starting plan) is carried to the end as the reference.
/// `costs[i]` is candidate `i`'s cost; `done(k)` is told of `k` more runs.
pub fn search(
    costs: &[f64],
    eligible: &[bool],
    pinned: Option<usize>,
    schedule: Schedule,
    evaluate: &Evaluate<'_>,
    done: &(dyn Fn(u64) + Sync),
) -> Outcome {
    let n = costs.len();
    let mut selection: Vec<Vec<Obs>> = vec![Vec::new(); n];
    let mut alive: Vec<usize> = (0..n).collect();
    let mut reps = schedule.first.min(schedule.runs).max(1);
    let mut rungs = Vec::new();
    let run_to = |selection: &mut Vec<Vec<Obs>>, alive: &[usize], reps: u32| {
        let work: Vec<(usize, Vec<u32>)> = alive
            .iter()
            .map(|&i| (i, (selection[i].len() as u32..reps).collect()))
            .collect();
        let results: Vec<Vec<Obs>> = {
            use rayon::prelude::*;
            work.par_iter()
                .map(|(i, r)| {
                    let o = evaluate(*i, r);
                    done(r.len() as u64);
                    o
                })
                .collect()
        };
        for ((i, _), o) in work.iter().zip(results) {
            selection[*i].extend(o);
        }
    };
    loop {
        run_to(&mut selection, &alive, reps);
        rungs.push(Rung {
            replicates: reps,
            candidates: alive.len(),
        });
        let racing = alive
            .iter()
            .filter(|&&i| Some(i) != pinned && eligible[i])
            .count();
        if racing <= schedule.keep {
            break;
        }
        let est: Vec<Estimate> = alive.iter().map(|&i| Estimate::of(&selection[i])).collect();
        let points: Vec<(f64, f64, f64)> = alive
            .iter()
            .zip(&est)
            .map(|(&i, e)| (costs[i], e.p_met, e.deaths))
            .collect();
        let ranks = pareto_ranks(&points);
        let mut order: Vec<usize> = (0..alive.len()).collect();
        order.sort_by(|&a, &b| {
            ranks[a].cmp(&ranks[b]).then(better(
                (points[a].1, points[a].2, points[a].0, alive[a]),
                (points[b].1, points[b].2, points[b].0, alive[b]),
            ))
        });
        let next = alive.len().div_ceil(2).max(schedule.keep);
        let mut kept: Vec<usize> = order
            .iter()
            .map(|&k| alive[k])
            .filter(|&i| Some(i) != pinned && eligible[i])
            .take(next)
            .collect();
        if let Some(p) = pinned {
            kept.push(p);
        }
        kept.sort_unstable();
        alive = kept;
        reps = (reps.saturating_mul(2)).min(schedule.runs);
    }
    if reps < schedule.runs {
        run_to(&mut selection, &alive, schedule.runs);
        rungs.push(Rung {
            replicates: schedule.runs,
            candidates: alive.len(),
        });
    }
    let chosen = alive
        .iter()
        .copied()
        .filter(|&i| eligible[i])
        .min_by(|&a, &b| {
            let (ea, eb) = (Estimate::of(&selection[a]), Estimate::of(&selection[b]));
            better(
                (ea.p_met, ea.deaths, costs[a], a),
                (eb.p_met, eb.deaths, costs[b], b),
            )
        })
        .unwrap_or(0);
    let fresh_reps: Vec<u32> =
        (schedule.runs..schedule.runs.saturating_add(schedule.fresh)).collect();
    let fresh: Vec<Vec<Obs>> = {
        use rayon::prelude::*;
        alive
            .par_iter()
            .map(|&i| {
                let o = evaluate(i, &fresh_reps);
                done(fresh_reps.len() as u64);
                o
            })
            .collect()
    };
    Outcome {
        selection,
        rungs,
        finalists: alive,
        chosen,
        fresh,
    }
}

/// Runs the search will make at most (for a progress bar).
pub fn planned_runs(n: usize, schedule: Schedule) -> u64 {
    let mut total = 0u64;
    let mut alive = n;
    let mut reps = schedule.first.min(schedule.runs).max(1);
    let mut had = 0u32;
    loop {
        total += alive as u64 * u64::from(reps - had);
        had = reps;
        if alive <= schedule.keep {
            break;
        }
        alive = alive.div_ceil(2).max(schedule.keep);
        reps = reps.saturating_mul(2).min(schedule.runs);
    }
    total += alive as u64 * u64::from(schedule.runs - had);
    total + alive as u64 * u64::from(schedule.fresh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::space::SplitMix;

    /// A synthetic world: candidate `i` meets every target on replicate
    /// `r` with chance `p[i]`, independently of other candidates, and has
    /// deaths 10·(1 − met) plus noise.
    fn synthetic(p: Vec<f64>, seed: u64) -> impl Fn(usize, &[u32]) -> Vec<Obs> + Sync {
        move |i, reps| {
            reps.iter()
                .map(|&r| {
                    let mut g = SplitMix(seed ^ ((i as u64) << 32) ^ u64::from(r));
                    let u = (g.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                    let met = u < p[i];
                    let noise = (g.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                    Obs {
                        met_all: met,
                        deaths: if met { 0.0 } else { 10.0 } + noise,
                    }
                })
                .collect()
        }
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        assert_eq!(t975(1), 12.706);
        assert_eq!(t975(30), 2.042);
        // Tabled: 2.021 (40), 2.000 (60), 1.980 (120).
        assert!((t975(40) - 2.021).abs() < 2e-3, "{}", t975(40));
        assert!((t975(60) - 2.000).abs() < 2e-3);
        assert!((t975(120) - 1.980).abs() < 2e-3);
    }

    #[test]
    fn pareto_ranks_peel_fronts() {
        // (cost, p, deaths): a dominates c; b is cheaper; d is worse than all.
        let pts = [
            (1.0, 0.5, 3.0),
            (0.5, 0.4, 3.0),
            (1.0, 0.4, 3.0),
            (2.0, 0.1, 9.0),
        ];
        assert_eq!(pareto_ranks(&pts), vec![0, 0, 1, 2]);
        assert_eq!(
            front_2d(&[(1.0, 0.5), (0.5, 0.4), (1.0, 0.4)], true),
            vec![0, 1]
        );
    }

    #[test]
    fn halving_finds_the_clearly_best_and_spends_less_than_all() {
        // 40 equal-cost candidates, one far better than the rest.
        let mut p = vec![0.3; 40];
        p[17] = 0.9;
        let costs = vec![1.0; 40];
        let s = Schedule::for_candidates(40, 64, 4, 64, 4);
        let eval = synthetic(p, 7);
        let o = search(&costs, &vec![true; costs.len()], None, s, &eval, &|_| {});
        assert_eq!(o.chosen, 17);
        let spent: usize = o.selection.iter().map(Vec::len).sum();
        assert!(spent < 40 * 64 / 2, "spent {spent}");
        assert_eq!(spent as u64 + 4 * 64, planned_runs(40, s));
        assert!(o.finalists.len() <= 4);
        // Common random numbers: every candidate saw replicates from 0 up.
        assert!(o.selection.iter().all(|x| x.len() >= s.first as usize));
    }

    /// The lucky pick: 60 candidates that are all the same (P(met) = 0.5).
    /// The one the search picks looks better than 0.5 on the replicates that
    /// picked it; on fresh replicates its interval covers 0.5 again. The test
    /// would fail if the fresh replicates were the selection ones.
    #[test]
    fn fresh_replicates_expose_a_lucky_pick() {
        let costs = vec![1.0; 60];
        let s = Schedule {
            runs: 20,
            first: 20,
            keep: 1,
            fresh: 200,
        };
        let eval = synthetic(vec![0.5; 60], 11);
        let o = search(&costs, &vec![true; costs.len()], None, s, &eval, &|_| {});
        let sel = Estimate::of(&o.selection[o.chosen]);
        let fresh = Estimate::of(&o.fresh[0]);
        assert!(sel.p_met >= 0.7, "the pick looked lucky: {}", sel.p_met);
        assert!(
            fresh.p_ci.0 <= 0.5 && 0.5 <= fresh.p_ci.1,
            "fresh interval {:?} covers the truth",
            fresh.p_ci
        );
        assert!(fresh.p_met < sel.p_met - 0.1);
        assert!(
            sel.p_met > fresh.p_ci.1,
            "selection estimate above the fresh interval"
        );
        // Re-running on the selection replicates would have kept the luck.
        let again = Estimate::of(&eval(o.chosen, &(0..20).collect::<Vec<_>>()));
        assert_eq!(again.p_met, sel.p_met);
    }

    #[test]
    fn same_answer_on_one_or_two_threads() {
        let p: Vec<f64> = (0..30).map(|i| 0.2 + 0.02 * i as f64).collect();
        let costs: Vec<f64> = (0..30).map(|i| (i % 7) as f64).collect();
        let s = Schedule::for_candidates(30, 32, 3, 16, 4);
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                search(
                    &costs,
                    &[true; 30],
                    Some(0),
                    s,
                    &synthetic(p.clone(), 3),
                    &|_| {},
                )
            })
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a.selection, b.selection);
        assert_eq!(a.chosen, b.chosen);
        assert_eq!(a.fresh, b.fresh);
    }
}
