//! Dispatch (Decide phase): the nearest capable available crew for each
//! waiting task, most urgent task first, by shortest-path trees toward the
//! task sites, computed in parallel and cached per version of the link
//! states. A dispatch whose inputs are those of the last one that assigned
//! nothing is skipped.

use super::{Activity, Crew, DispatchMode, Rules, Task, TaskBoard};
use bevy_ecs::prelude::*;
use qilian_engine::network::{EdgeStates, LinkIx, NodeIx, PathTree};
use qilian_engine::scenario::CrewKind;
use qilian_engine::units::round6;
use qilian_engine::{Clock, CrewId, EventKind, Journal, Network, ScenarioRes, SimTime, TaskId};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Shortest-path trees toward task sites, valid for one version of the link
/// states.
#[derive(Debug, Default, Resource)]
pub(super) struct RouteCache {
    version: u64,
    trees: BTreeMap<NodeIx, Arc<PathTree>>,
    /// [`Network::components`](qilian_engine::Network::components) for
    /// `version`: a crew can reach a site only within its component.
    components: Arc<Vec<NodeIx>>,
    /// The [`EdgeStates::passability`] `components` were computed for.
    passability: Option<u64>,
    /// The inputs of the last dispatch that assigned nothing. Nothing is
    /// assigned exactly when no waiting task is reachable from the crews'
    /// nodes by a crew of its kind, which the seconds left to the node do
    /// not change; so the same inputs again assign nothing again, and that
    /// dispatch is skipped.
    idle: Option<IdleKey>,
    /// The available crews found at the last dispatch (a buffer kept
    /// between ticks).
    available: Vec<Available>,
}

/// The inputs of a dispatch that decide whether it can assign anything.
#[derive(Debug, PartialEq)]
struct IdleKey {
    /// Link-state version.
    version: u64,
    /// Available crews with the node each is at or heading for.
    at: Vec<(CrewId, NodeIx)>,
    /// The task board's revision (the tasks waiting).
    revision: u64,
}

/// A crew available for dispatch.
#[derive(Clone, Copy, Debug)]
struct Available {
    crew: CrewId,
    kind: CrewKind,
    /// The node it is at or driving toward.
    at: NodeIx,
    /// Seconds until it gets there.
    off_s: f64,
}

/// Available crews by id.
type Crews = BTreeMap<CrewId, Available>;

/// A task waiting for a crew, in dispatch order: rank, then age, then id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Waiting {
    rank: usize,
    created: SimTime,
    task: TaskId,
    /// The crew kind that does its work.
    kind: CrewKind,
}

/// A tree to search toward a site, stopped once the nearest of `crews`
/// (node, seconds to it) is known.
struct SiteSearch {
    site: NodeIx,
    crews: Vec<(NodeIx, f64)>,
}

/// The nearest crew for a task found so far.
#[derive(Clone, Copy)]
struct Nearest {
    eta_s: f64,
    crew: CrewId,
    site: NodeIx,
}

/// A crew's new task and the way there.
struct Assignment {
    task: TaskId,
    path: Vec<LinkIx>,
    eta_s: f64,
}

/// Where an available crew is, for dispatch: the node it is at or driving
/// toward, and the seconds until it gets there.
pub(super) fn position(act: &Activity, net: &Network) -> Option<(NodeIx, f64)> {
    match act {
        Activity::Idle { at } | Activity::Returning { at } => Some((*at, 0.0)),
        Activity::Driving {
            task: None,
            path,
            step,
            left_s,
        } => path
            .get(*step)
            .map(|&l| (net.links[l as usize].to, *left_s)),
        _ => None,
    }
}

/// Put a crew on `path` (from the node it is at or heading for) toward
/// `task` (`None`: only to the path's end). A crew on the road finishes its
/// current link first.
pub(super) fn set_route(
    act: &mut Activity,
    task: Option<TaskId>,
    path: Vec<LinkIx>,
    net: &Network,
    edges: &EdgeStates,
) {
    let (mut full, left_s) = match &*act {
        Activity::Driving {
            path: p,
            step,
            left_s,
            ..
        } => (vec![p[*step]], *left_s),
        _ => (Vec::new(), 0.0),
    };
    full.extend(path);
    let left_s = if full.is_empty() {
        0.0
    } else if left_s > 0.0 {
        left_s
    } else {
        net.travel_time(full[0], edges).unwrap_or(0.0)
    };
    *act = Activity::Driving {
        task,
        path: full,
        step: 0,
        left_s,
    };
}

/// Send the nearest capable available crew to each unassigned task, most
/// urgent task first.
pub(super) fn dispatch(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    rules: Res<Rules>,
    edges: Res<EdgeStates>,
    mut cache: ResMut<RouteCache>,
    mut board: ResMut<TaskBoard>,
    mut crews: Query<(&Crew, &mut Activity)>,
    mut journal: ResMut<Journal>,
    mode: Res<DispatchMode>,
) {
    if !mode.auto || board.tasks.values().all(|t| t.crew.is_some()) {
        return;
    }
    let net = scenario.net();
    let Some(mut avail) = cache.available(&crews, net, &edges, &board) else {
        return;
    };
    let key = IdleKey {
        version: edges.version,
        at: avail.iter().map(|(&c, a)| (c, a.at)).collect(),
        revision: board.revision,
    };
    cache.refresh(net, &edges);
    let reach = Reach::new(&avail, Arc::clone(&cache.components));
    let mut todo: Vec<Waiting> = board
        .tasks
        .values()
        .filter(|t| t.crew.is_none())
        .filter_map(|t| {
            let kind = rules.repair.get(&t.work)?.crew;
            reach.open(t, kind).then_some(Waiting {
                rank: t.rank,
                created: t.created,
                task: t.id,
                kind,
            })
        })
        .collect();
    if todo.is_empty() {
        cache.idle = Some(key);
        return;
    }
    todo.sort();
    cache.search_first(net, &edges, &board, &avail, &reach, &todo);
    let mut assigned = cache.assign(net, &edges, &board, &mut avail, &reach, todo);
    cache.idle = assigned.is_empty().then_some(key);
    for (crew, mut act) in &mut crews {
        let Some(a) = assigned.remove(&crew.id) else {
            continue;
        };
        set_route(&mut act, Some(a.task), a.path, net, &edges);
        if let Some(t) = board.tasks_mut().get_mut(&a.task) {
            t.crew = Some(crew.id);
        }
        journal.record(
            clock.now,
            EventKind::CrewDispatched {
                crew: crew.id,
                task: a.task,
                eta_h: round6(a.eta_s / 3600.0),
            },
        );
    }
}

/// Per crew kind, the components its available crews are in: a site
/// outside them cannot be reached by a crew of the kind (closed roads all
/// around), so its task is skipped without a tree.
struct Reach {
    /// Component of each node.
    comp: Arc<Vec<NodeIx>>,
    /// Components of each kind's crews, sorted.
    kinds: BTreeMap<CrewKind, Vec<NodeIx>>,
}

impl Reach {
    fn new(avail: &Crews, comp: Arc<Vec<NodeIx>>) -> Reach {
        let mut kinds: BTreeMap<CrewKind, Vec<NodeIx>> = BTreeMap::new();
        for a in avail.values() {
            kinds.entry(a.kind).or_default().push(comp[a.at as usize]);
        }
        for r in kinds.values_mut() {
            r.sort_unstable();
            r.dedup();
        }
        Reach { comp, kinds }
    }

    /// Whether a crew of `kind` can reach `site`.
    fn can(&self, kind: CrewKind, site: NodeIx) -> bool {
        self.kinds
            .get(&kind)
            .is_some_and(|r| r.binary_search(&self.comp[site as usize]).is_ok())
    }

    /// Whether a crew of `kind` can reach any of the task's sites.
    fn open(&self, t: &Task, kind: CrewKind) -> bool {
        t.sites.iter().any(|&s| self.can(kind, s))
    }
}

/// The available crews of `kind`: the node each is at or heading for, and
/// the seconds to it.
fn crews_of(avail: &Crews, kind: CrewKind) -> Vec<(NodeIx, f64)> {
    avail
        .values()
        .filter(|a| a.kind == kind)
        .map(|a| (a.at, a.off_s))
        .collect()
}

impl RouteCache {
    /// The available crews by id, unless there are none or dispatch can be
    /// skipped (the inputs of the last dispatch that assigned nothing).
    /// They are gathered into the cache's buffer: most ticks end at that
    /// check, and should not allocate to get there.
    fn available(
        &mut self,
        crews: &Query<(&Crew, &mut Activity)>,
        net: &Network,
        edges: &EdgeStates,
        board: &TaskBoard,
    ) -> Option<Crews> {
        let mut found = std::mem::take(&mut self.available);
        found.clear();
        found.extend(crews.iter().filter_map(|(c, a)| {
            position(a, net).map(|(at, off_s)| Available {
                crew: c.id,
                kind: c.kind,
                at,
                off_s,
            })
        }));
        found.sort_unstable_by_key(|a| a.crew);
        let idle = found.is_empty()
            || self.idle.as_ref().is_some_and(|key| {
                key.version == edges.version
                    && key.revision == board.revision
                    && key.at.len() == found.len()
                    && key.at.iter().zip(&found).all(|(a, f)| *a == (f.crew, f.at))
            });
        let avail = (!idle).then(|| found.iter().map(|&a| (a.crew, a)).collect());
        self.available = found;
        avail
    }

    /// Drop the trees of an older version of the link states (and the
    /// components, when passability changed).
    fn refresh(&mut self, net: &Network, edges: &EdgeStates) {
        if self.version != edges.version || self.components.is_empty() {
            self.trees.clear();
            self.version = edges.version;
            // Connectivity changes only with passability.
            if self.passability != Some(edges.passability) {
                self.components = Arc::new(net.components(edges));
                self.passability = Some(edges.passability);
            }
        }
    }

    /// Whether the cached tree toward `site` tells the nearest of `crews`.
    fn decides(&self, site: NodeIx, crews: &[(NodeIx, f64)]) -> bool {
        self.trees.get(&site).is_some_and(|t| {
            let best = crews
                .iter()
                .map(|&(at, off)| off + t.time[at as usize])
                .fold(f64::INFINITY, f64::min);
            t.decides(best)
        })
    }

    /// Trees for the tasks that can get a crew now: per kind, as many of the
    /// most urgent tasks as there are crews of that kind available (computed
    /// in parallel). A task no such crew can reach leaves its crew to a later
    /// task, whose trees are then computed when it comes up. Tasks beyond
    /// the crews cost nothing: with many roads waiting for a few road crews,
    /// computing every task's tree at each change of the roads dominated.
    ///
    /// A tree only needs to find the nearest available crew of the task's
    /// kind: its search stops once no crew beyond can be as near, counting
    /// the seconds each still needs to reach its node (the times and paths
    /// of the crews it settled are the full tree's). A cached tree that
    /// cannot tell for the crews available now is searched again.
    fn search_first(
        &mut self,
        net: &Network,
        edges: &EdgeStates,
        board: &TaskBoard,
        avail: &Crews,
        reach: &Reach,
        todo: &[Waiting],
    ) {
        let mut free: BTreeMap<CrewKind, usize> = BTreeMap::new();
        for a in avail.values() {
            *free.entry(a.kind).or_default() += 1;
        }
        let mut sites: Vec<SiteSearch> = Vec::new();
        for w in todo {
            let n = free.get_mut(&w.kind).expect("todo kinds have crews");
            if *n == 0 {
                continue;
            }
            *n -= 1;
            let crews = crews_of(avail, w.kind);
            for &site in board.tasks[&w.task].sites.iter() {
                if reach.can(w.kind, site) && !self.decides(site, &crews) {
                    sites.push(SiteSearch {
                        site,
                        crews: crews.clone(),
                    });
                }
            }
        }
        // One search per site, toward the crews of every kind that needs it.
        sites.sort_unstable_by_key(|s| s.site);
        sites.dedup_by(|b, a| {
            let same = a.site == b.site;
            if same {
                a.crews.extend_from_slice(&b.crews);
            }
            same
        });
        if !sites.is_empty() {
            let trees: Vec<(NodeIx, Arc<PathTree>)> = sites
                .par_iter()
                .map(|s| {
                    (
                        s.site,
                        Arc::new(net.tree_to_nearest(s.site, edges, &s.crews)),
                    )
                })
                .collect();
            self.trees.extend(trees);
        }
    }

    /// The nearest available crew of its kind for each task in turn (a tree
    /// searched for a site not decided yet), taken out of `avail`.
    fn assign(
        &mut self,
        net: &Network,
        edges: &EdgeStates,
        board: &TaskBoard,
        avail: &mut Crews,
        reach: &Reach,
        todo: Vec<Waiting>,
    ) -> BTreeMap<CrewId, Assignment> {
        let mut assigned = BTreeMap::new();
        for w in todo {
            if !avail.values().any(|a| a.kind == w.kind) {
                continue;
            }
            let task = &board.tasks[&w.task];
            let crews = crews_of(avail, w.kind);
            for &site in &task.sites {
                if reach.can(w.kind, site) && !self.decides(site, &crews) {
                    let tree = Arc::new(net.tree_to_nearest(site, edges, &crews));
                    self.trees.insert(site, tree);
                }
            }
            let Some(best) = self.nearest(avail, reach, w.kind, &task.sites) else {
                continue;
            };
            let at = avail.remove(&best.crew).expect("crew is available").at;
            let path = self.trees[&best.site]
                .path(net, at)
                .expect("finite time has a path");
            let a = Assignment {
                task: w.task,
                path,
                eta_s: best.eta_s,
            };
            assigned.insert(best.crew, a);
        }
        assigned
    }

    /// The available crew of `kind` that reaches one of `sites` first, by
    /// the cached trees.
    fn nearest(
        &self,
        avail: &Crews,
        reach: &Reach,
        kind: CrewKind,
        sites: &[NodeIx],
    ) -> Option<Nearest> {
        let mut best: Option<Nearest> = None;
        for (&crew, a) in avail {
            if a.kind != kind {
                continue;
            }
            for &site in sites.iter().filter(|&&s| reach.can(kind, s)) {
                let t = a.off_s + self.trees[&site].time[a.at as usize];
                if t.is_finite() && best.is_none_or(|b| t < b.eta_s) {
                    best = Some(Nearest {
                        eta_s: t,
                        crew,
                        site,
                    });
                }
            }
        }
        best
    }
}
