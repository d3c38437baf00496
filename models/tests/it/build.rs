//! A small builder for hand-made scenarios. It writes the scenario as RON and
//! loads it through the real loader, so every test scenario is also validated.

use qilian_engine::scenario::{
    DepartureCurve, Edge, EvacuationRule, Facility, FacilityKind, Inject, Node, Part, Plan, Region,
    RoadClass, ScenarioFile, ScheduledInject, Source, Targets, Trigger, Zone,
};
use qilian_engine::{EdgeId, FacilityId, Hours, Kmh, Metres, NodeId, Scenario, VehPerHour, ZoneId};
use std::path::Path;
use std::sync::Arc;

/// One file held in memory.
struct Mem(String);

impl Source for Mem {
    fn read(&self, _path: &Path) -> Result<String, String> {
        Ok(self.0.clone())
    }
}

/// A scenario under construction.
pub struct Builder {
    pub region: Region,
    pub plan: Plan,
    pub injects: Vec<ScheduledInject>,
    pub horizon_h: f64,
    pub tick_s: u64,
    pub seed: u64,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            region: Region {
                name: "test".into(),
                ..Region::default()
            },
            plan: Plan {
                name: "test".into(),
                ..Plan::default()
            },
            injects: Vec::new(),
            horizon_h: 2.0,
            tick_s: 60,
            seed: 1,
        }
    }

    pub fn node(&mut self, id: u32, x: f64, y: f64) -> &mut Self {
        self.region.nodes.push(Node {
            id: NodeId(id),
            x,
            y,
            z: 0.0,
        });
        self
    }

    /// A one-way link; `speed_mps` in metres per second. Returns its id.
    pub fn link(
        &mut self,
        from: u32,
        to: u32,
        length_m: f64,
        speed_mps: f64,
        lanes: u32,
        capacity_vph: f64,
    ) -> u32 {
        let id = self.region.edges.len() as u32 + 1;
        self.region.edges.push(Edge {
            id: EdgeId(id),
            from: NodeId(from),
            to: NodeId(to),
            length_m: Metres(length_m),
            speed_kmh: Kmh(speed_mps * 3.6),
            lanes,
            capacity_vph: VehPerHour(capacity_vph),
            class: RoadClass::Local,
            main_road: false,
            bridge: None,
            liquefaction: None,
            name: None,
        });
        id
    }

    pub fn zone(&mut self, id: u32, node: u32, population: u32, households: u32) -> &mut Self {
        self.region.zones.push(Zone {
            id: ZoneId(id),
            name: format!("zone {id}"),
            population,
            households,
            node: NodeId(node),
            power: None,
            water: None,
            telecom: None,
        });
        self
    }

    /// A shelter facility, opened by the plan.
    pub fn shelter(&mut self, id: u32, node: u32, capacity: f64) -> &mut Self {
        self.region.facilities.push(Facility {
            id: FacilityId(id),
            name: format!("shelter {id}"),
            kind: FacilityKind::Shelter,
            node: NodeId(node),
            fragility: None,
            capacity: Some(capacity),
            needs: Vec::new(),
            battery_h: Hours(0.0),
        });
        self.plan.shelters.push(FacilityId(id));
        self
    }

    pub fn rule(
        &mut self,
        zones: &[u32],
        trigger: Trigger,
        persons_per_vehicle: f64,
        departure: DepartureCurve,
        compliance: f64,
    ) -> &mut Self {
        self.plan.evacuation.rules.push(EvacuationRule {
            zones: zones.iter().map(|&z| ZoneId(z)).collect(),
            trigger,
            persons_per_vehicle,
            departure,
            compliance,
        });
        self
    }

    pub fn inject(&mut self, at_h: f64, event: Inject) -> &mut Self {
        self.injects.push(ScheduledInject {
            at_h: Hours(at_h),
            event,
        });
        self
    }

    /// Load it; panics with every problem if it is invalid.
    pub fn build(&self) -> Arc<Scenario> {
        let file = ScenarioFile {
            name: "test".into(),
            region: Part::Inline(self.region.clone()),
            start: None,
            horizon_h: Hours(self.horizon_h),
            tick_s: self.tick_s,
            seed: self.seed,
            plan: Part::Inline(self.plan.clone()),
            targets: Targets {
                cleanup_h: Hours(48.0),
                power_h: Hours(72.0),
                water_h: Hours(72.0),
                telecom_h: Hours(72.0),
                main_roads_h: Hours(120.0),
                service_fraction: 1.0,
            },
            injects: self.injects.clone(),
            hazards: Vec::new(),
            trips: None,
        };
        let text = ron::to_string(&file).expect("serialises");
        match qilian_engine::scenario::load_from(&Mem(text), Path::new("test.ron")) {
            Ok(s) => Arc::new(s),
            Err(e) => panic!("invalid test scenario:\n{e}"),
        }
    }
}

/// Everyone leaves at once, `at_s` seconds after the warning.
pub fn all_at(at_s: f64) -> DepartureCurve {
    DepartureCurve::LogNormal {
        median_h: Hours(at_s / 3600.0).into(),
        beta: 0.0.into(),
    }
}

/// A random small scenario: a connected two-way road graph on a jittered
/// grid, zones, shelters (some too small), evacuation rules with every
/// trigger and curve, closures, reopenings, orders and exposure. `nodes` sets
/// the size.
pub fn random(seed: u64, nodes: u32, people: u32) -> Builder {
    use qilian_engine::dist::unit;
    use qilian_engine::{StreamTag, Streams};
    let mut rng = Streams::new(seed, 0).stream(StreamTag::new("test scenario"), 0);
    let mut u = move || unit(&mut rng);
    let mut b = Builder::new();
    b.seed = seed;
    b.horizon_h = 1.5;
    b.tick_s = [1, 10, 30, 60, 120][(u() * 5.0) as usize];
    b.plan.evacuation.stuck_timeout_s = 5.0 + 15.0 * u();
    b.plan.evacuation.route_interval_min = (u() < 0.6).then(|| 1.0 + 19.0 * u());
    let side = (nodes as f64).sqrt().ceil() as u32;
    let mut xy = Vec::new();
    for i in 0..nodes {
        let (x, y) = (
            (i % side) as f64 * 400.0 + 150.0 * u(),
            (i / side) as f64 * 400.0 + 150.0 * u(),
        );
        b.node(i + 1, x, y);
        xy.push((x, y));
    }
    let mut pairs = Vec::new();
    for i in 1..nodes {
        pairs.push((i - 1, i)); // a path through every node: connected
    }
    for _ in 0..nodes {
        let (a, c) = ((u() * nodes as f64) as u32, (u() * nodes as f64) as u32);
        if a != c {
            pairs.push((a, c));
        }
    }
    let mut edges = Vec::new();
    for (a, c) in pairs {
        let (dx, dy) = (
            xy[a as usize].0 - xy[c as usize].0,
            xy[a as usize].1 - xy[c as usize].1,
        );
        let len = (dx * dx + dy * dy).sqrt().max(10.0);
        let speed = 5.0 + 15.0 * u();
        let lanes = 1 + (u() * 3.0) as u32;
        let cap = 300.0 + 2100.0 * u();
        edges.push(b.link(a + 1, c + 1, len, speed, lanes, cap));
        edges.push(b.link(c + 1, a + 1, len, speed, lanes, cap));
    }
    let pick = |u: &mut dyn FnMut() -> f64| 1 + (u() * nodes as f64) as u32;
    let zones = 1 + (u() * 4.0) as u32;
    let curves = |u: &mut dyn FnMut() -> f64| match (u() * 3.0) as u32 {
        0 => DepartureCurve::Logistic {
            alpha_per_h: (2.0 + 8.0 * u()).into(),
            half_h: Hours(0.5 * u()).into(),
        },
        1 => DepartureCurve::Rayleigh {
            sigma_h: Hours(0.05 + 0.4 * u()).into(),
        },
        _ => DepartureCurve::LogNormal {
            median_h: Hours(0.05 + 0.4 * u()).into(),
            beta: (0.8 * u()).into(),
        },
    };
    for z in 1..=zones {
        let pop = (u() * people as f64) as u32;
        let node = pick(&mut u);
        b.zone(z, node, pop, (pop / 3).max(u32::from(pop > 0)));
        let trigger = if u() < 0.7 {
            Trigger::AtHour(Hours(0.5 * u()))
        } else {
            b.inject(u(), Inject::Warn { zone: ZoneId(z) });
            Trigger::OnOrder
        };
        let curve = curves(&mut u);
        b.rule(&[z], trigger, 1.0 + 3.0 * u(), curve, 0.5 + 0.5 * u());
        if u() < 0.3 {
            b.inject(0.2 + u(), Inject::Expose { zone: ZoneId(z) });
        }
    }
    let shelters = 1 + (u() * 3.0) as u32;
    for s in 0..shelters {
        let node = pick(&mut u);
        b.shelter(100 + s, node, 10.0 + 400.0 * u());
    }
    for _ in 0..(u() * 4.0) as u32 {
        let edge = EdgeId(edges[(u() * edges.len() as f64) as usize]);
        let at = 1.2 * u();
        let state = if u() < 0.5 {
            qilian_engine::scenario::DamageState::None
        } else {
            qilian_engine::scenario::DamageState::Moderate
        };
        b.inject(
            at,
            Inject::CloseEdge {
                edge,
                reason: "random".into(),
                both_ways: u() < 0.5,
                state,
            },
        );
        if u() < 0.5 {
            b.inject(
                at + 0.2 * u(),
                Inject::OpenEdge {
                    edge,
                    both_ways: true,
                },
            );
        }
    }
    b
}
