//! The plan's `casualties` section: the rates the casualty model turns
//! exposure into deaths, injuries and trapped people with, and the pace of
//! rescue. Every field is optional; each default is an assumption stated on
//! its field with its source, or said to be unchecked where no source could
//! be checked.

use serde::{Deserialize, Serialize};

/// Rates per damage state of the buildings people are in, for the
/// earthquake (fractions of the occupants, 0–1).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByDamage {
    /// Slight damage.
    pub slight: f64,
    /// Moderate damage.
    pub moderate: f64,
    /// Extensive damage.
    pub extensive: f64,
    /// Complete damage, building standing.
    pub complete: f64,
    /// Complete damage, building collapsed.
    pub collapse: f64,
}

impl ByDamage {
    /// The five rates in order slight … collapse.
    pub fn values(&self) -> [f64; 5] {
        [
            self.slight,
            self.moderate,
            self.extensive,
            self.complete,
            self.collapse,
        ]
    }
}

/// Casualty rates and rescue pace (the plan's `casualties` section).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Casualties {
    /// Flood mortality among people still in a flooded zone, as a lognormal
    /// function of the zone's deepest water h (m): F = Φ((ln h − μ) / σ).
    /// Default μ = 7.60: the "remaining zone" function for ordinary
    /// flooding of Jonkman (2007, thesis, TU Delft; Jonkman et al. 2008,
    /// Natural Hazards 46:353–389), as recalled; the coefficients could not
    /// be checked against the paper in this project (ASSUMPTION).
    pub flood_mortality_mu: f64,
    /// σ of the flood mortality function. Default 2.75 (Jonkman, as above;
    /// unchecked, ASSUMPTION).
    pub flood_mortality_sigma: f64,
    /// Injured among people caught by a flood. Default 0.01, ASSUMPTION
    /// (no source checked: flood injury rates are rarely reported).
    pub flood_injury_rate: f64,
    /// Water at a zone at least this deep (m) traps people (on roofs, in
    /// upper floors) who then need rescue. Default 1.5 m, ASSUMPTION
    /// (about where a ground floor is flooded to the ceiling is nearing).
    pub flood_trapped_depth_m: f64,
    /// Trapped among the survivors caught in such deep water. Default 0.05,
    /// ASSUMPTION.
    pub flood_trapped_rate: f64,
    /// Medians of the zones' building fragility, PGA in g, for Slight,
    /// Moderate, Extensive and Complete damage (lognormal curves). Default
    /// 0.14, 0.20, 0.32, 0.46 g: about Hazus's equivalent-PGA curves for
    /// low-code unreinforced masonry (FEMA Hazus Earthquake Technical
    /// Manual, ch. 5), as recalled, not checked (ASSUMPTION).
    pub building_pga_g: [f64; 4],
    /// Log-standard deviation of those curves. Default 0.64 (Hazus, as
    /// above; unchecked, ASSUMPTION).
    pub building_beta: f64,
    /// Fraction of completely damaged buildings that collapse. Default 0.15,
    /// Hazus's value for unreinforced masonry as recalled (unchecked,
    /// ASSUMPTION).
    pub collapse_fraction: f64,
    /// Deaths among occupants, by damage state: Hazus's severity-4 indoor
    /// casualty rates (Earthquake Technical Manual, ch. 13) as recalled —
    /// 0, 0, 0.001 %, 0.01 %, 10 % — unchecked (ASSUMPTION).
    pub quake_death_rate: ByDamage,
    /// Injuries among occupants, by damage state: Hazus's severity 1–3
    /// indoor rates summed, as recalled — 0.05 %, 0.275 %, 1.101 %,
    /// 6.01 %, 65 % — unchecked (ASSUMPTION).
    pub quake_injury_rate: ByDamage,
    /// Trapped alive among the occupants of collapsed buildings (taken
    /// from the injured). Default 0.3, ASSUMPTION.
    pub collapse_trapped_rate: f64,
    /// Deaths among people still in a zone the fire front reaches. Default
    /// 0.01, ASSUMPTION (no source checked).
    pub fire_death_rate: f64,
    /// Injuries (burns, smoke) among them. Default 0.05, ASSUMPTION.
    pub fire_injury_rate: f64,
    /// Injuries among people in a zone above AEGL-2 (the level of serious,
    /// long-lasting effects, NRC 2004) who survive. Deaths come from the
    /// chemical's lethality probit, not from this plan. Default 0.1: about
    /// the share of the evacuated who sought care after the Graniteville
    /// (2005) chlorine release, as recalled, unchecked (ASSUMPTION).
    pub chemical_injury_rate: f64,
    /// Deaths among people in vehicles caught on a road that closes under
    /// them with physical damage (flooded, burning, collapsed). Default
    /// 0.05, ASSUMPTION.
    pub road_death_rate: f64,
    /// Injuries among them. Default 0.2, ASSUMPTION.
    pub road_injury_rate: f64,
    /// Hazard rate of death of a trapped person, per hour (survival falls
    /// exponentially with time until rescue). Default 0.01 /h: about half
    /// still alive after three days (the "72 golden hours" of search and
    /// rescue), ASSUMPTION.
    pub trapped_death_rate_per_h: f64,
    /// People one rescue crew frees per hour on site; a rescue task lasts
    /// trapped / this, at most `rescue_task_max_h`. Default 2 /h,
    /// ASSUMPTION.
    pub rescue_people_per_h: f64,
    /// Longest rescue task, h: a zone with more trapped people than a crew
    /// frees in this time gets a new task after each one, so dispatch can
    /// send crews elsewhere in between. Default 12 h (one shift),
    /// ASSUMPTION.
    pub rescue_task_max_h: f64,
}

impl Default for Casualties {
    fn default() -> Self {
        Casualties {
            flood_mortality_mu: 7.60,
            flood_mortality_sigma: 2.75,
            flood_injury_rate: 0.01,
            flood_trapped_depth_m: 1.5,
            flood_trapped_rate: 0.05,
            building_pga_g: [0.14, 0.20, 0.32, 0.46],
            building_beta: 0.64,
            collapse_fraction: 0.15,
            quake_death_rate: ByDamage {
                slight: 0.0,
                moderate: 0.0,
                extensive: 0.000_01,
                complete: 0.000_1,
                collapse: 0.10,
            },
            quake_injury_rate: ByDamage {
                slight: 0.000_5,
                moderate: 0.002_75,
                extensive: 0.011_01,
                complete: 0.060_1,
                collapse: 0.65,
            },
            collapse_trapped_rate: 0.3,
            fire_death_rate: 0.01,
            fire_injury_rate: 0.05,
            chemical_injury_rate: 0.1,
            road_death_rate: 0.05,
            road_injury_rate: 0.2,
            trapped_death_rate_per_h: 0.01,
            rescue_people_per_h: 2.0,
            rescue_task_max_h: 12.0,
        }
    }
}

impl Casualties {
    /// What is wrong with these values, one message per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut flag = |wrong: bool, problem: String| {
            if wrong {
                out.push(format!("casualties: {problem}"));
            }
        };
        let rate = |name: &str, v: f64| {
            (
                !(0.0..=1.0).contains(&v),
                format!("{name} must be in [0, 1], got {v}"),
            )
        };
        let positive = |name: &str, v: f64| {
            (
                !(v.is_finite() && v > 0.0),
                format!("{name} must be positive, got {v}"),
            )
        };
        let non_negative = |name: &str, v: f64| {
            (
                !(v.is_finite() && v >= 0.0),
                format!("{name} must be ≥ 0, got {v}"),
            )
        };
        for (name, v) in [
            ("flood_injury_rate", self.flood_injury_rate),
            ("flood_trapped_rate", self.flood_trapped_rate),
            ("collapse_fraction", self.collapse_fraction),
            ("collapse_trapped_rate", self.collapse_trapped_rate),
            ("fire_death_rate", self.fire_death_rate),
            ("fire_injury_rate", self.fire_injury_rate),
            ("chemical_injury_rate", self.chemical_injury_rate),
            ("road_death_rate", self.road_death_rate),
            ("road_injury_rate", self.road_injury_rate),
        ] {
            let (wrong, problem) = rate(name, v);
            flag(wrong, problem);
        }
        let names = ["slight", "moderate", "extensive", "complete", "collapse"];
        let quake = || {
            self.quake_death_rate
                .values()
                .into_iter()
                .zip(self.quake_injury_rate.values())
                .zip(names)
        };
        for ((d, j), name) in quake() {
            let (wrong, problem) = rate(&format!("quake_death_rate.{name}"), d);
            flag(wrong, problem);
            let (wrong, problem) = rate(&format!("quake_injury_rate.{name}"), j);
            flag(wrong, problem);
        }
        flag(
            self.fire_death_rate + self.fire_injury_rate > 1.0,
            "fire_death_rate + fire_injury_rate must be at most 1".into(),
        );
        flag(
            self.road_death_rate + self.road_injury_rate > 1.0,
            "road_death_rate + road_injury_rate must be at most 1".into(),
        );
        for ((d, j), name) in quake() {
            flag(
                d + j > 1.0,
                format!("quake death and injury rates for {name} add up to more than 1"),
            );
        }
        flag(
            self.quake_death_rate.collapse + self.collapse_trapped_rate > 1.0,
            "quake_death_rate.collapse + collapse_trapped_rate must be at most 1".into(),
        );
        flag(
            !self.flood_mortality_mu.is_finite(),
            "flood_mortality_mu must be finite".into(),
        );
        for (wrong, problem) in [
            positive("flood_mortality_sigma", self.flood_mortality_sigma),
            non_negative("flood_trapped_depth_m", self.flood_trapped_depth_m),
        ] {
            flag(wrong, problem);
        }
        let pga = self.building_pga_g;
        flag(
            !(pga.iter().all(|&v| v.is_finite() && v > 0.0)
                && pga.windows(2).all(|w| w[0] <= w[1])),
            format!("building_pga_g must be positive and non-decreasing, got {pga:?}"),
        );
        for (wrong, problem) in [
            positive("building_beta", self.building_beta),
            non_negative("trapped_death_rate_per_h", self.trapped_death_rate_per_h),
            positive("rescue_task_max_h", self.rescue_task_max_h),
            positive("rescue_people_per_h", self.rescue_people_per_h),
        ] {
            flag(wrong, problem);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_takes_every_default_and_they_are_valid() {
        let c: Casualties = ron::from_str("()").unwrap();
        assert_eq!(c, Casualties::default());
        assert!(c.problems().is_empty(), "{:?}", c.problems());
    }

    #[test]
    fn the_defaults_shown_in_the_readme_are_the_defaults() {
        // Copied from README.md, "Casualties and rescue".
        let c: Casualties = ron::from_str(
            "(
    flood_mortality_mu: 7.60, flood_mortality_sigma: 2.75,
    flood_injury_rate: 0.01, flood_trapped_depth_m: 1.5, flood_trapped_rate: 0.05,
    building_pga_g: (0.14, 0.20, 0.32, 0.46), building_beta: 0.64,
    collapse_fraction: 0.15, collapse_trapped_rate: 0.3,
    quake_death_rate: (slight: 0.0, moderate: 0.0, extensive: 0.00001, complete: 0.0001, collapse: 0.10),
    quake_injury_rate: (slight: 0.0005, moderate: 0.00275, extensive: 0.01101, complete: 0.0601, collapse: 0.65),
    fire_death_rate: 0.01, fire_injury_rate: 0.05,
    chemical_injury_rate: 0.1,
    road_death_rate: 0.05, road_injury_rate: 0.2,
    trapped_death_rate_per_h: 0.01, rescue_people_per_h: 2.0, rescue_task_max_h: 12.0,
)",
        )
        .unwrap();
        assert_eq!(c, Casualties::default());
    }

    #[test]
    fn bad_values_are_named() {
        let c: Casualties = ron::from_str(
            "(fire_death_rate: 1.5, building_pga_g: (0.3, 0.2, 0.4, 0.5), rescue_people_per_h: 0.0)",
        )
        .unwrap();
        let p = c.problems().join("\n");
        for want in ["fire_death_rate", "building_pga_g", "rescue_people_per_h"] {
            assert!(p.contains(want), "{want} in {p}");
        }
    }
}
