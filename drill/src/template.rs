//! Drill templates: a scenario with distributions in place of values
//! (docs/drills.md#templates-and-the-seal), and their realisation from a seed into a concrete
//! [`Scenario`].
//!
//! A template names the region, plan and targets as a scenario does, then
//! lists the hazard families it allows (each with a weight, base
//! parameters, candidate sites, and distributions for onset, site offset and
//! strength), optional injects (each with a probability and a time
//! distribution) and the [`InfoModel`] that turns truth into reports.
//! [`realise`] draws every choice from `Streams::stream(tag, 0)` streams of
//! the drill seed, so one seed gives one scenario, byte for byte.

use crate::info::InfoModel;
use qilian_engine::dist::{Dist, Num, unit};
use qilian_engine::scenario::{FileSystem, LoadError, Source, load_from};
use qilian_engine::scenario::{
    Hazard, Inject, LeakSource, Part, Plan, Problem, Region, ScenarioFile, ScheduledInject,
    Targets, Trigger,
};
use qilian_engine::{Hours, Scenario, StreamTag, Streams};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A drill template file (`DrillTemplate(...)` in RON).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "DrillTemplate")]
pub struct DrillTemplate {
    /// Human-readable name.
    pub name: String,
    /// The region, inline or a path relative to the template.
    pub region: Part<Region>,
    /// The plan, inline or a path relative to the template.
    pub plan: Part<Plan>,
    /// The scenario's local date and time at the start (ISO 8601 with its
    /// UTC offset, `2026-07-14T14:00:00+08:00`); the consoles' clocks
    /// show it plus the simulated time. Default: none (the clocks show
    /// elapsed time as `第 N 天 HH:MM`).
    #[serde(default)]
    pub start: Option<String>,
    /// The consoles' default language (`zh-CN` or `en`; default `zh-CN`);
    /// each page can switch and remembers the choice.
    #[serde(default = "default_language")]
    pub language: String,
    /// Simulated duration.
    pub horizon_h: Hours,
    /// Seconds per tick (default 60).
    #[serde(default = "default_tick_s")]
    pub tick_s: u64,
    /// Restoration targets.
    pub targets: Targets,
    /// The hazard families the drill may draw, with weights (one is drawn).
    pub hazards: Vec<HazardChoice>,
    /// Injects that may happen.
    #[serde(default)]
    pub injects: Vec<InjectChoice>,
    /// How truth becomes reports.
    pub info: InfoModel,
    /// Whether idle crews go to tasks on their own (the plan's default
    /// policy). Default false: players dispatch every crew.
    #[serde(default)]
    pub auto_dispatch: bool,
}

fn default_tick_s() -> u64 {
    60
}

fn default_language() -> String {
    "zh-CN".into()
}

/// One allowed hazard family.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HazardChoice {
    /// Relative weight among the template's hazards (> 0).
    pub weight: f64,
    /// The hazard with its base parameters.
    pub hazard: Hazard,
    /// Candidate sites `(x, y)` in the region's frame; one is drawn
    /// uniformly. Empty keeps the base location.
    #[serde(default)]
    pub sites: Vec<(f64, f64)>,
    /// Offset added to each coordinate of the drawn site, metres.
    #[serde(default = "zero")]
    pub offset_m: Dist,
    /// Onset, hours after the start.
    pub onset_h: Dist,
    /// Strength: the magnitude of an earthquake; a factor on a flood's
    /// hydrograph discharges; the wind speed (m/s) of a fire; the release
    /// rate (kg/s) of a chemical leak.
    pub strength: Dist,
}

fn zero() -> Dist {
    Dist::Fixed(0.0)
}

/// An inject that happens with some probability.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InjectChoice {
    /// Chance it happens (0–1).
    pub probability: f64,
    /// When, hours after the start.
    pub at_h: Dist,
    /// What happens.
    pub event: Inject,
}

/// A template read from disk, with the path its parts are relative to.
#[derive(Clone, Debug)]
pub struct LoadedTemplate {
    /// The template file.
    pub path: PathBuf,
    /// Its text (hashed into the seal).
    pub text: String,
    /// The parsed template.
    pub template: DrillTemplate,
}

/// Read and check a template. Problems carry the file and line.
pub fn load_template(path: &Path) -> Result<LoadedTemplate, LoadError> {
    let text = FileSystem.read(path).map_err(|e| LoadError {
        problems: vec![Problem::new(path, e)],
    })?;
    let template: DrillTemplate =
        ron::Options::default()
            .from_str(&text)
            .map_err(|e| LoadError {
                problems: vec![Problem {
                    file: path.to_path_buf(),
                    at: Some((e.span.start.line, e.span.start.col)),
                    message: e.code.to_string(),
                }],
            })?;
    let mut problems = Vec::new();
    let mut bad = |m: String| problems.push(Problem::new(path, m));
    if template.hazards.is_empty() {
        bad("hazards: a template needs at least one hazard family".into());
    }
    if let Err(e) = qilian_i18n::clock::Clock::parse(template.start.as_deref()) {
        bad(format!("start: {e}"));
    }
    if let Err(e) = qilian_i18n::Lang::parse(&template.language) {
        bad(format!("language: {e}"));
    }
    for (i, h) in template.hazards.iter().enumerate() {
        let item = format!("hazards[{i}]");
        if !(h.weight.is_finite() && h.weight > 0.0) {
            bad(format!("{item}: weight must be > 0"));
        }
        for (name, d) in [
            ("offset_m", &h.offset_m),
            ("onset_h", &h.onset_h),
            ("strength", &h.strength),
        ] {
            if let Some(p) = d.problem() {
                bad(format!("{item}.{name}: {p}"));
            }
        }
    }
    for (i, inj) in template.injects.iter().enumerate() {
        if !(0.0..=1.0).contains(&inj.probability) {
            bad(format!("injects[{i}]: probability must be in 0–1"));
        }
        if let Some(p) = inj.at_h.problem() {
            bad(format!("injects[{i}].at_h: {p}"));
        }
    }
    for p in template.info.problems() {
        bad(p);
    }
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    Ok(LoadedTemplate {
        path: path.to_path_buf(),
        text,
        template,
    })
}

const PICK_HAZARD: StreamTag = StreamTag::new("drill hazard");
const PICK_INJECTS: StreamTag = StreamTag::new("drill injects");

/// The engine seed of the realised scenario: the drill seed's low 64 bits.
pub fn engine_seed(seed: &[u8; 32]) -> u64 {
    u64::from_le_bytes(seed[..8].try_into().expect("8 bytes"))
}

/// Streams of the drill seed (the seed folded to 64 bits, replicate 0).
pub fn streams(seed: &[u8; 32]) -> Streams {
    let folded = seed
        .chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .fold(0u64, |a, b| a.rotate_left(17) ^ b);
    Streams::new(folded, 0)
}

/// The concrete scenario file a seed gives: one hazard family drawn by
/// weight, its site, onset and strength; each inject kept with its
/// probability at a drawn time.
pub fn realise_file(t: &DrillTemplate, seed: &[u8; 32]) -> ScenarioFile {
    let s = streams(seed);
    let mut rng = s.stream(PICK_HAZARD, 0);
    let total: f64 = t.hazards.iter().map(|h| h.weight).sum();
    // A fixed number of draws whatever the choice.
    let mut u = unit(&mut rng) * total;
    let site_u = unit(&mut rng);
    let mut chosen = &t.hazards[t.hazards.len() - 1];
    for h in &t.hazards {
        u -= h.weight;
        if u < 0.0 {
            chosen = h;
            break;
        }
    }
    let dx = chosen.offset_m.sample(&mut rng);
    let dy = chosen.offset_m.sample(&mut rng);
    let onset = chosen.onset_h.sample(&mut rng).max(0.0);
    let strength = chosen.strength.sample(&mut rng);
    let site = if chosen.sites.is_empty() {
        None
    } else {
        let i = ((site_u * chosen.sites.len() as f64) as usize).min(chosen.sites.len() - 1);
        Some(chosen.sites[i])
    };
    let hazard = place(&chosen.hazard, site, (dx, dy), onset, strength);
    let mut rng = s.stream(PICK_INJECTS, 0);
    let horizon = t.horizon_h.0;
    let mut injects: Vec<ScheduledInject> = Vec::new();
    for inj in &t.injects {
        let happens = unit(&mut rng) < inj.probability;
        let at = inj.at_h.sample(&mut rng).clamp(0.0, horizon);
        if happens {
            injects.push(ScheduledInject {
                at_h: Hours(round3(at)),
                event: inj.event.clone(),
            });
        }
    }
    ScenarioFile {
        name: format!("{} (sealed realisation)", t.name),
        region: t.region.clone(),
        start: t.start.clone(),
        horizon_h: t.horizon_h,
        tick_s: t.tick_s,
        seed: engine_seed(seed),
        plan: t.plan.clone(),
        targets: t.targets.clone(),
        injects,
        hazards: vec![hazard],
        trips: None,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The value a base hazard's number stands for when the drill moves or
/// rescales it: the number itself, or the middle of an uncertain number's
/// range (the drill template's own distributions supply the uncertainty).
fn centre(n: &Num) -> f64 {
    let (lo, hi) = n.bounds();
    (lo + hi) / 2.0
}

/// The base hazard moved to `site` (plus `offset`), starting at `onset` with
/// `strength`. The realised hazard holds plain numbers only.
fn place(
    base: &Hazard,
    site: Option<(f64, f64)>,
    offset: (f64, f64),
    onset: f64,
    strength: f64,
) -> Hazard {
    let mut h = base.clone();
    let at = |x: &Num, y: &Num| {
        let (sx, sy) = site.unwrap_or((centre(x), centre(y)));
        (round3(sx + offset.0), round3(sy + offset.1))
    };
    let onset = Hours(round3(onset));
    match &mut h {
        Hazard::Earthquake(e) => {
            let (x, y) = at(&e.epicentre_x, &e.epicentre_y);
            if let Some((ex, ey)) = &mut e.rupture_end {
                *ex += x - centre(&e.epicentre_x);
                *ey += y - centre(&e.epicentre_y);
            }
            e.epicentre_x = Num::fixed(x);
            e.epicentre_y = Num::fixed(y);
            e.at_h = onset;
            e.magnitude = Num::fixed(round3(strength));
        }
        Hazard::Flood(f) => {
            if let Some(first) = f.inflows.first_mut() {
                let (x, y) = at(&Num::fixed(first.x), &Num::fixed(first.y));
                first.x = x;
                first.y = y;
            }
            for inflow in &mut f.inflows {
                for (_, q) in &mut inflow.hydrograph {
                    *q = round3(*q * strength.max(0.0));
                }
            }
            f.at_h = onset;
        }
        Hazard::Fire(f) => {
            let (x, y) = at(&f.ignition_x, &f.ignition_y);
            f.ignition_x = Num::fixed(x);
            f.ignition_y = Num::fixed(y);
            f.at_h = onset;
            f.wind_speed_m_s = Num::fixed(round3(strength.max(0.0)));
        }
        Hazard::ChemicalLeak(c) => {
            if let (LeakSource::Point(px, py), true) =
                (&mut c.source, site.is_some() || offset != (0.0, 0.0))
            {
                let (x, y) = at(&Num::fixed(*px), &Num::fixed(*py));
                *px = x;
                *py = y;
            }
            c.at_h = onset;
            c.rate_kg_s = Num::fixed(round3(strength.max(0.0)));
        }
    }
    h
}

/// A [`Source`] that reads the file system but answers one virtual path
/// (the realised scenario beside its template) from memory.
struct Overlay<'a> {
    path: PathBuf,
    text: &'a str,
}

impl Source for Overlay<'_> {
    fn read(&self, path: &Path) -> Result<String, String> {
        if path == self.path {
            Ok(self.text.to_string())
        } else {
            FileSystem.read(path)
        }
    }

    fn read_cache(&self, path: &Path) -> Option<Vec<u8>> {
        FileSystem.read_cache(path)
    }
}

/// The realised scenario as RON text.
pub fn realised_text(t: &DrillTemplate, seed: &[u8; 32]) -> String {
    let file = realise_file(t, seed);
    ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
        .expect("a scenario file serialises")
}

/// Realise and load the scenario of `seed`: parts resolve relative to the
/// template, and the engine validates the result like any scenario.
pub fn realise(t: &LoadedTemplate, seed: &[u8; 32]) -> Result<Scenario, LoadError> {
    let text = realised_text(&t.template, seed);
    let dir = t.path.parent().unwrap_or(Path::new("."));
    let stem = t
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "drill".into());
    let path = dir.join(format!("{stem}.realised.ron"));
    load_from(
        &Overlay {
            path: path.clone(),
            text: &text,
        },
        &path,
    )
}

/// The scenario as teams play it. Without automatic dispatch the players
/// command: evacuation rules wait for their `Warn` orders instead of the
/// plan's triggers (crews wait for `Assign` orders: see `DispatchMode`).
pub fn command_scenario(s: &Scenario, auto_dispatch: bool) -> Scenario {
    let mut s = s.clone();
    if !auto_dispatch {
        let plan = Arc::make_mut(&mut s.plan);
        for r in &mut plan.evacuation.rules {
            r.trigger = Trigger::OnOrder;
        }
    }
    s
}
