//! The search space of `qilian optimise`: costs, candidate plans as genes,
//! their enumeration or sampling, the plan each gives and its plain-language
//! difference from the starting plan.

use qilian_engine::ids::DepotId;
use qilian_engine::scenario::{CrewKind, Plan, WorkKind};
use qilian_i18n::Lang;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The default costs (`scenarios/plans/optimise-costs.ron`, each figure marked).
pub const DEFAULT_COSTS: &str = include_str!("../../scenarios/plans/optimise-costs.ron");

/// A costs file: 万元 a year per crew (by kind), per staffed depot, per
/// person-day of stock. Kinds left out keep the default.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Per crew of each kind.
    #[serde(default)]
    pub crew: BTreeMap<CrewKind, f64>,
    /// Per depot that stations at least one crew.
    #[serde(default)]
    pub depot: Option<f64>,
    /// Per person-day of relocation and medical supplies held.
    #[serde(default)]
    pub stock_person_day: Option<f64>,
}

/// Costs with every figure filled in.
#[derive(Clone, Debug)]
pub struct CostTable {
    /// Per crew, by kind.
    pub crew: BTreeMap<CrewKind, f64>,
    /// Per staffed depot.
    pub depot: f64,
    /// Per person-day of stock.
    pub stock_person_day: f64,
}

fn parse_costs(name: &str, text: &str) -> Result<Costs, String> {
    let c: Costs = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .map_err(|e| {
            qilian_i18n::t!(
                crate::output::lang(),
                "cli.problem.syntax",
                file = name,
                line = e.span.start.line,
                col = e.span.start.col,
                detail = e.code
            )
        })?;
    let bad = |what: String, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(qilian_i18n::t!(
                crate::output::lang(),
                "cli.err.cost",
                file = name,
                what = what,
                got = v
            ))
        }
    };
    for (k, v) in &c.crew {
        bad(format!("crew {}", k.name()), *v)?;
    }
    if let Some(v) = c.depot {
        bad("depot".into(), v)?;
    }
    if let Some(v) = c.stock_person_day {
        bad("stock_person_day".into(), v)?;
    }
    Ok(c)
}

impl CostTable {
    /// The defaults, overridden by `file` (its name and text) if given.
    /// Errors name the file, line and column.
    pub fn load(file: Option<(&str, &str)>) -> Result<CostTable, String> {
        let d = parse_costs("scenarios/plans/optimise-costs.ron", DEFAULT_COSTS)?;
        let mut t = CostTable {
            crew: d.crew,
            depot: d.depot.unwrap_or(0.0),
            stock_person_day: d.stock_person_day.unwrap_or(0.0),
        };
        if let Some((name, text)) = file {
            let c = parse_costs(name, text)?;
            t.crew.extend(c.crew);
            if let Some(v) = c.depot {
                t.depot = v;
            }
            if let Some(v) = c.stock_person_day {
                t.stock_person_day = v;
            }
        }
        Ok(t)
    }

    /// The cost of a plan: its crews (mutual aid excluded: it is not the
    /// region's to pay for), the depots that station a crew, and its stock.
    pub fn of(&self, plan: &Plan) -> f64 {
        let crews: f64 = plan
            .crews
            .iter()
            .map(|g| f64::from(g.count) * self.crew.get(&g.kind).copied().unwrap_or(0.0))
            .sum();
        let depots: BTreeSet<DepotId> = plan.crews.iter().map(|g| g.depot).collect();
        let stock = plan.preparedness.as_ref().map_or(0.0, |p| {
            p.relocation_supplies_person_days
                + p.medical_class1_person_days
                + p.medical_class2_person_days
        });
        crews + depots.len() as f64 * self.depot + stock * self.stock_person_day
    }
}

/// What may vary.
#[derive(Clone, Debug)]
pub struct SpaceSpec {
    /// Crew kinds whose groups vary (empty: every kind in the plan).
    pub kinds: Vec<CrewKind>,
    /// Depots a varying group may be stationed at (empty: every depot).
    pub depots: Vec<DepotId>,
    /// Highest count per group (None: its count + 2).
    pub max_crews: Option<u32>,
    /// Also try the priority orders one adjacent swap from the plan's.
    pub priorities: bool,
    /// Kinds to try as new groups (0 crews in the starting plan).
    pub add_kinds: Vec<CrewKind>,
}

/// One varying crew group: which plan group, its count range and depots.
#[derive(Clone, Debug)]
pub struct Gene {
    /// Index into `plan.crews`.
    pub group: usize,
    /// Highest count.
    pub max: u32,
}

/// The search space over a starting plan.
#[derive(Clone, Debug)]
pub struct Space {
    /// The starting plan.
    pub base: Plan,
    /// Varying groups.
    pub genes: Vec<Gene>,
    /// Depots a varying group may move to, in plan order.
    pub depots: Vec<DepotId>,
    /// Priority orders: 0 is the plan's, `i` swaps `i-1` and `i`.
    pub priority_orders: usize,
}

/// A candidate: per gene (count, index into `depots`), and a priority order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Per gene: crews and depot index (count 0 keeps the plan's depot).
    pub genes: Vec<(u32, usize)>,
    /// Priority order index.
    pub priorities: usize,
}

impl Space {
    /// The space over `base` as `spec` says; an error names a kind or depot
    /// the plan does not have.
    pub fn new(base: &Plan, spec: &SpaceSpec) -> Result<Space, String> {
        let mut in_plan: BTreeSet<CrewKind> = base.crews.iter().map(|g| g.kind).collect();
        in_plan.extend(spec.add_kinds.iter().copied());
        for k in &spec.kinds {
            if !in_plan.contains(k) {
                return Err(qilian_i18n::t!(
                    crate::output::lang(),
                    "cli.err.kinds",
                    kind = k.name(),
                    has = in_plan
                        .iter()
                        .map(|k| k.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        let all: Vec<DepotId> = base.depots.iter().map(|d| d.id).collect();
        for d in &spec.depots {
            if !all.contains(d) {
                return Err(qilian_i18n::t!(
                    crate::output::lang(),
                    "cli.err.depots",
                    depot = d.0
                ));
            }
        }
        let mut depots: Vec<DepotId> = if spec.depots.is_empty() {
            all.clone()
        } else {
            all.iter()
                .copied()
                .filter(|d| spec.depots.contains(d))
                .collect()
        };
        // New groups of `add_kinds`: 0 crews at the first allowed depot in
        // the start (so left out of its plan), with the first group's shift.
        let mut base = base.clone();
        let first_id = base
            .crews
            .iter()
            .chain(base.mutual_aid.iter().map(|m| &m.crews))
            .map(|g| g.id)
            .max()
            .unwrap_or(0)
            + 1;
        let shift = base.crews.first().and_then(|g| g.shift);
        for (id, &kind) in (first_id..).zip(&spec.add_kinds) {
            let Some(&depot) = depots.first() else {
                return Err("--add-kinds: the plan has no depot to station crews at".into());
            };
            base.crews.push(qilian_engine::scenario::CrewGroup {
                id,
                kind,
                depot,
                count: 0,
                show_up: 1.0,
                shift,
            });
        }
        let added = base.crews.len() - spec.add_kinds.len();
        let genes: Vec<Gene> = base
            .crews
            .iter()
            .enumerate()
            .filter(|(i, g)| *i >= added || spec.kinds.is_empty() || spec.kinds.contains(&g.kind))
            .map(|(i, g)| Gene {
                group: i,
                max: spec.max_crews.unwrap_or(g.count + 2).clamp(1, 999),
            })
            .collect();
        // A group's own depot is always a place it may stay.
        for g in &genes {
            let own = base.crews[g.group].depot;
            if !depots.contains(&own) {
                depots.push(own);
            }
        }
        depots.sort_by_key(|d| all.iter().position(|x| x == d));
        let priority_orders = if spec.priorities {
            base.priorities.len().max(1)
        } else {
            1
        };
        Ok(Space {
            base,
            genes,
            depots,
            priority_orders,
        })
    }

    /// Choices per gene: count 0, or 1..=max at each depot.
    fn radix(&self, g: &Gene) -> u128 {
        1 + u128::from(g.max) * self.depots.len() as u128
    }

    /// Plans in the space (saturating).
    pub fn size(&self) -> u128 {
        self.genes
            .iter()
            .fold(self.priority_orders as u128, |n, g| {
                n.saturating_mul(self.radix(g))
            })
    }

    /// The starting plan as a candidate (a count above the gene's max is
    /// kept: the start is always in the space).
    pub fn start(&self) -> Candidate {
        Candidate {
            genes: self
                .genes
                .iter()
                .map(|g| {
                    let c = &self.base.crews[g.group];
                    (c.count, self.depot_index(c.depot))
                })
                .collect(),
            priorities: 0,
        }
    }

    fn depot_index(&self, d: DepotId) -> usize {
        self.depots.iter().position(|x| *x == d).unwrap_or(0)
    }

    /// The `i`-th candidate of the enumeration (mixed radix; `i < size`).
    pub fn nth(&self, mut i: u128) -> Candidate {
        let mut genes = Vec::with_capacity(self.genes.len());
        for g in &self.genes {
            let r = self.radix(g);
            let digit = i % r;
            i /= r;
            genes.push(self.decode(g, digit));
        }
        let priorities = (i % self.priority_orders as u128) as usize;
        Candidate { genes, priorities }
    }

    fn decode(&self, g: &Gene, digit: u128) -> (u32, usize) {
        if digit == 0 {
            (0, self.depot_index(self.base.crews[g.group].depot))
        } else {
            let d = digit - 1;
            let n = self.depots.len() as u128;
            ((d / n) as u32 + 1, (d % n) as usize)
        }
    }

    /// Up to `limit` candidates within `budget`: every plan when the space
    /// holds no more than `limit`, otherwise the start, every single move
    /// from it (one crew more or fewer in a group, a group to another depot,
    /// one priority swap) and then plans 2–4 random moves from the start,
    /// drawn from `seed`. Sorted, without repeats; the start (if within the
    /// budget) first.
    pub fn candidates(
        &self,
        costs: &CostTable,
        budget: f64,
        limit: usize,
        seed: u64,
    ) -> Vec<Candidate> {
        let within = |c: &Candidate| costs.of(&self.plan(c)) <= budget;
        let start = self.start();
        let mut set: BTreeSet<Candidate> = BTreeSet::new();
        if self.size() <= limit as u128 {
            for i in 0..self.size() {
                let c = self.nth(i);
                if within(&c) {
                    set.insert(c);
                }
            }
            if within(&start) {
                set.insert(start.clone());
            }
        } else {
            if within(&start) {
                set.insert(start.clone());
            }
            for c in self.neighbours(&start) {
                if set.len() >= limit {
                    break;
                }
                if within(&c) {
                    set.insert(c);
                }
            }
            let mut rng = SplitMix(seed ^ 0x6f70_7469_6d69_7365);
            let mut tries = 0;
            while set.len() < limit && tries < 50 * limit {
                tries += 1;
                let mut c = start.clone();
                for _ in 0..2 + rng.below(3) {
                    let n = self.neighbours(&c);
                    if n.is_empty() {
                        break;
                    }
                    c = n[rng.below(n.len())].clone();
                }
                if within(&c) {
                    set.insert(c);
                }
            }
        }
        let mut out: Vec<Candidate> = Vec::with_capacity(set.len());
        if set.remove(&start) {
            out.push(start);
        }
        out.extend(set);
        out
    }

    /// Candidates one move from `c`, in a fixed order.
    pub fn neighbours(&self, c: &Candidate) -> Vec<Candidate> {
        let mut out = Vec::new();
        for (i, g) in self.genes.iter().enumerate() {
            let (n, d) = c.genes[i];
            if n < g.max {
                let mut m = c.clone();
                m.genes[i].0 = n + 1;
                out.push(m);
            }
            if n > 0 {
                let mut m = c.clone();
                m.genes[i].0 = n - 1;
                if n == 1 {
                    m.genes[i].1 = self.depot_index(self.base.crews[g.group].depot);
                }
                out.push(m);
                for nd in 0..self.depots.len() {
                    if nd != d {
                        let mut m = c.clone();
                        m.genes[i].1 = nd;
                        out.push(m);
                    }
                }
            }
        }
        if self.priority_orders > 1 {
            for p in 0..self.priority_orders {
                if p != c.priorities {
                    let mut m = c.clone();
                    m.priorities = p;
                    out.push(m);
                }
            }
        }
        out
    }

    /// The plan a candidate stands for: the starting plan with its varying
    /// groups' counts and depots replaced (a group of 0 crews is left out)
    /// and its priority order.
    pub fn plan(&self, c: &Candidate) -> Plan {
        let mut p = self.base.clone();
        let mut keep = vec![true; p.crews.len()];
        for (g, &(n, d)) in self.genes.iter().zip(&c.genes) {
            if n == 0 {
                keep[g.group] = false;
            } else {
                p.crews[g.group].count = n;
                p.crews[g.group].depot = self.depots[d];
            }
        }
        let mut k = keep.iter();
        p.crews.retain(|_| *k.next().unwrap_or(&true));
        if c.priorities > 0 && c.priorities < p.priorities.len() {
            p.priorities.swap(c.priorities - 1, c.priorities);
        }
        p
    }

    /// A short key naming the candidate (`power@1×4 road@4×3 …`).
    pub fn label(&self, c: &Candidate) -> String {
        let mut parts: Vec<String> = self
            .genes
            .iter()
            .zip(&c.genes)
            .map(|(g, &(n, d))| {
                let kind = self.base.crews[g.group].kind.name();
                if n == 0 {
                    format!("{kind}#{}:0", self.base.crews[g.group].id)
                } else {
                    format!(
                        "{kind}#{}@{}×{n}",
                        self.base.crews[g.group].id, self.depots[d].0
                    )
                }
            })
            .collect();
        if c.priorities > 0 {
            parts.push(format!("swap{}", c.priorities));
        }
        parts.join(" ")
    }

    /// The changes from the starting plan in plain words, one a line.
    pub fn diff(&self, c: &Candidate, lang: Lang) -> Vec<String> {
        let depot_name = |d: DepotId| {
            self.base
                .depots
                .iter()
                .find(|x| x.id == d)
                .map_or_else(|| d.0.to_string(), |x| x.name.clone())
        };
        let kind = |k: CrewKind| qilian_viewer::events::crew_kind(lang, k).to_string();
        let mut lines = Vec::new();
        for (g, &(n, d)) in self.genes.iter().zip(&c.genes) {
            let old = &self.base.crews[g.group];
            let new_depot = self.depots[d];
            let (k, at) = (kind(old.kind), depot_name(old.depot));
            if n == 0 {
                if old.count == 0 {
                    continue;
                }
                lines.push(qilian_i18n::t!(
                    lang,
                    "optimise.diff_drop",
                    n = old.count,
                    kind = k,
                    depot = at,
                    group = old.id
                ));
                continue;
            }
            if new_depot != old.depot && old.count > 0 {
                lines.push(qilian_i18n::t!(
                    lang,
                    "optimise.diff_move",
                    kind = k,
                    group = old.id,
                    from = at,
                    to = depot_name(new_depot)
                ));
            }
            let at = depot_name(new_depot);
            if n > old.count {
                lines.push(qilian_i18n::t!(
                    lang,
                    "optimise.diff_add",
                    n = n - old.count,
                    kind = k,
                    depot = at
                ));
            } else if n < old.count {
                lines.push(qilian_i18n::t!(
                    lang,
                    "optimise.diff_remove",
                    n = old.count - n,
                    kind = k,
                    depot = at
                ));
            }
        }
        if c.priorities > 0 && c.priorities < self.base.priorities.len() {
            let w = |x: WorkKind| format!("{x:?}");
            lines.push(qilian_i18n::t!(
                lang,
                "optimise.diff_priorities",
                first = w(self.base.priorities[c.priorities]),
                second = w(self.base.priorities[c.priorities - 1])
            ));
        }
        if lines.is_empty() {
            lines.push(qilian_i18n::t!(lang, "optimise.diff_none"));
        }
        lines
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the candidate sampler's
/// generator; plans drawn depend on the seed alone.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform below `n` (> 0), by multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Plan {
        ron::from_str(include_str!("../../scenarios/plans/ganzhou-baseline.ron")).unwrap()
    }

    fn spec() -> SpaceSpec {
        SpaceSpec {
            kinds: vec![CrewKind::Power],
            depots: vec![],
            max_crews: None,
            priorities: false,
            add_kinds: vec![CrewKind::Medical],
        }
    }

    #[test]
    fn a_new_kind_starts_at_zero_and_can_be_added() {
        let base = baseline();
        let s = Space::new(&base, &spec()).unwrap();
        // Power (count 4 → 0..=6) and the new medical group (0..=2), 5 depots.
        assert_eq!(s.size(), (1 + 6 * 5) * (1 + 2 * 5));
        let start = s.plan(&s.start());
        assert_eq!(start.crews.len(), base.crews.len());
        assert_eq!(
            s.diff(&s.start(), Lang::En),
            vec!["no change from the starting plan".to_string()]
        );
        assert!(start.crews.iter().all(|g| g.kind != CrewKind::Medical));
        let one_more = s
            .neighbours(&s.start())
            .into_iter()
            .find(|c| c.genes[1].0 == 1)
            .unwrap();
        let p = s.plan(&one_more);
        let medical: Vec<_> = p
            .crews
            .iter()
            .filter(|g| g.kind == CrewKind::Medical)
            .collect();
        assert_eq!(medical.len(), 1);
        assert_eq!(medical[0].count, 1);
        assert_eq!(
            s.diff(&one_more, Lang::En),
            vec![format!("add 1 medical crew at {}", base.depots[0].name)]
        );
        assert!(s.diff(&one_more, Lang::ZhCn)[0].contains("医疗"));
        // Costs: one medical crew more than the start.
        let c = CostTable::load(None).unwrap();
        assert!((c.of(&p) - c.of(&start) - c.crew[&CrewKind::Medical]).abs() < 1e-9);
    }

    #[test]
    fn enumeration_and_sampling_stay_within_budget_and_are_seeded() {
        let s = Space::new(&baseline(), &spec()).unwrap();
        let c = CostTable::load(None).unwrap();
        let budget = c.of(&s.plan(&s.start())) + 100.0;
        let a = s.candidates(&c, budget, 40, 1);
        assert_eq!(a, s.candidates(&c, budget, 40, 1));
        assert_ne!(a, s.candidates(&c, budget, 40, 2));
        assert_eq!(a[0], s.start());
        assert!(a.iter().all(|x| c.of(&s.plan(x)) <= budget));
        // Small enough to enumerate: every plan within the budget.
        let all = s.candidates(&c, budget, 10_000, 1);
        let n = (0..s.size())
            .filter(|&i| c.of(&s.plan(&s.nth(i))) <= budget)
            .count();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn priority_swaps_change_the_order_and_say_so() {
        let base = baseline();
        let s = Space::new(
            &base,
            &SpaceSpec {
                priorities: true,
                add_kinds: vec![],
                ..spec()
            },
        )
        .unwrap();
        assert_eq!(s.size(), (1 + 6 * 5) * base.priorities.len() as u128);
        let swap = s
            .neighbours(&s.start())
            .into_iter()
            .find(|c| c.priorities == 2)
            .unwrap();
        let p = s.plan(&swap);
        assert_eq!(p.priorities[1], base.priorities[2]);
        assert_eq!(p.priorities[2], base.priorities[1]);
        assert_eq!(p.priorities[0], base.priorities[0]);
        assert_eq!(
            s.diff(&swap, Lang::En),
            vec![format!(
                "put {:?} before {:?} in the priorities",
                base.priorities[2], base.priorities[1]
            )]
        );
    }

    #[test]
    fn costs_files_are_checked() {
        let e =
            CostTable::load(Some(("c.ron", "Costs(\n  crew: { Plumber: 1.0 },\n)"))).unwrap_err();
        assert!(e.starts_with("c.ron:2:"), "{e}");
        let e = CostTable::load(Some(("c.ron", "Costs(depot: -1.0)"))).unwrap_err();
        assert!(e.contains("depot cost"), "{e}");
        let t =
            CostTable::load(Some(("c.ron", "Costs(crew: { Power: 1.5 }, depot: 2.0)"))).unwrap();
        assert_eq!(t.crew[&CrewKind::Power], 1.5);
        assert_eq!(t.depot, 2.0);
        assert!(t.crew[&CrewKind::Road] > 0.0, "defaults kept");
    }
}
