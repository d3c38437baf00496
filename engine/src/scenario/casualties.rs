//! The plan's `casualties` section: the rates the casualty model turns
//! exposure into deaths, injuries and trapped people with, and the pace of
//! rescue. Every field is optional; each default is an assumption stated on
//! its field with its source, or said to be unchecked where no source could
//! be checked.

use serde::{Deserialize, Serialize};

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
    /// Water depth (m) below which nobody drowns: mortality is zero up to
    /// this depth h₀ and rises linearly to the lognormal above at 2 h₀
    /// (F × clamp((h − h₀)/h₀, 0, 1)); 0 turns the taper off. Default
    /// 0.5 m, ASSUMPTION after the literature: the lognormal was fitted on
    /// floods metres deep and does not resolve shallow water; the New
    /// Orleans function of Boyd (2005), F = 0.34/(1 + e^(20.37 − 6.18 h)) as
    /// quoted by Jonkman et al. (2009, Risk Analysis 29(5):676–698), is
    /// below 10⁻⁶ under 1 m; and adults keep their footing in still water
    /// of about 0.5 m (Jonkman & Penning-Rowsell 2008, J. American Water
    /// Resources Assoc. 44(5)); coefficients as recalled, unchecked.
    pub flood_mortality_onset_m: f64,
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
    /// Earthquake deaths: the share of the people at home in a zone who
    /// die is PAGER's empirical rate ν = Φ(ln(S/θ)/β) at the zone's
    /// intensity S (Worden et al. 2012 from its PGA; `hazardlib::pager`).
    /// Default θ = 10.328811, the China fit of USGS PAGER
    /// (`losspager/data/fatality.xml`, ccode CN; Jaiswal & Wald 2010,
    /// Earthquake Spectra 26(4)).
    pub quake_fatality_theta: f64,
    /// β of that rate. Default 0.100058 (PAGER China, as above).
    pub quake_fatality_beta: f64,
    /// Injured per earthquake death. Default 5.1: the median of the
    /// injured ÷ dead of five Chinese Ms 6–7 earthquakes — Minle–Shandan
    /// 2003 43/9 = 4.8, Minxian 2013 ≈2,400/95 = 25, Ludian 2014
    /// 3,143/617 = 5.1, Luding 2022 424/93 = 4.6, Jishishan 2023
    /// 982/151 = 6.5 (sources in scenarios/hindcasts/README.md).
    pub quake_injuries_per_death: f64,
    /// People trapped alive, needing a rescue crew, per earthquake death.
    /// Default 1.0: Ludian 2014, more than 600 buried people rescued alive
    /// in 72 h against 617 dead (sino-us.com, "golden 72 hours"). People
    /// neighbours free at once are not in this count (they are among the
    /// injured).
    pub quake_trapped_per_death: f64,
    /// Share of PAGER's deaths that are trapped people who die waiting:
    /// the model kills (1 − this) of the rate at once and lets the trapped
    /// die by `trapped_survival` until a crew frees them, so the expected
    /// total is PAGER's rate when rescue is as fast as in the events PAGER
    /// was fitted on, lower with faster rescue, higher with none. Default
    /// 0.5, ASSUMPTION: about the share of the trapped lost when rescue is
    /// spread evenly over the first 72 h under the default survival curve
    /// (its mean over 0–72 h is about 0.5).
    pub quake_died_trapped_share: f64,
    /// Deaths among people still in a zone the fire front reaches with no
    /// warning at all. Default 0.01, ASSUMPTION (no source checked). With
    /// warning the rate falls, see `fire_safe_lead_h`.
    pub fire_death_rate: f64,
    /// Injuries (burns, smoke) among them, with no warning. Default 0.05,
    /// ASSUMPTION.
    pub fire_injury_rate: f64,
    /// Warning lead (h) at which fire deaths and injuries among the people
    /// still in a reached zone fall to zero: both rates are scaled by
    /// max(0, 1 − lead / this), where lead is the time from the zone's
    /// warning to the front's arrival; the warning is the earlier of the
    /// zone's evacuation order and `fire_unwarned_notice_h` after the
    /// ignition. Default 24 h, ASSUMPTION: people warned a day ahead have
    /// left or prepared (≤ 0.1 % deaths with a day's warning in Chinese
    /// grassland and forest fires, as issue 17 reads them; no quantitative
    /// source checked).
    pub fire_safe_lead_h: f64,
    /// Hours after a fire's ignition by which people in a zone nobody
    /// warned know of it anyway (smoke, neighbours, village officials):
    /// their warning for `fire_safe_lead_h`. Default 12 h, ASSUMPTION.
    pub fire_unwarned_notice_h: f64,
    /// Injured among the survivors of a toxic release whose own toxic load
    /// (indoors when sheltering) reached the AEGL-2 load but not the
    /// AEGL-3 load (for chlorine C²·t = 240 and 24,000 ppm²·min, NRC 2004;
    /// `hazardlib::toxic::injury_given_survival`); survivors above the
    /// AEGL-3 load are all injured, those below the AEGL-2 load none.
    /// Deaths come from the chemical's lethality probit, not from this
    /// plan. Default 1.0, ASSUMPTION: AEGL-2 is the level of serious or
    /// long-lasting effects or impaired escape, so everyone above it is
    /// counted as needing medical care (an upper estimate: the AEGL
    /// protects susceptible people too); lower it to count, say, hospital
    /// admissions only.
    pub chemical_injury_rate: f64,
    /// Deaths among people in vehicles caught on a road that closes under
    /// them with physical damage (flooded, burning, collapsed). Default
    /// 0.05, ASSUMPTION.
    pub road_death_rate: f64,
    /// Injuries among them. Default 0.2, ASSUMPTION.
    pub road_injury_rate: f64,
    /// Survival of trapped people with time since they were trapped:
    /// (hours, share still alive) points, ln(share) linear between them
    /// (from (0 h, 1)) and the last segment's rate continued beyond.
    /// Default the mean of the published survival of people rescued on
    /// each day, put at the middle of the day — Ludian 2014: 90 % on day
    /// 1, 50–60 % on day 2, 20–30 % on day 3 (sino-us.com, "golden 72
    /// hours"); Lushan 2013: about 75 %, 26 %, 20 %, 6 % on days 1–4 (Irish
    /// Times, Apr 2013): (12 h, 0.825), (36 h, 0.405), (60 h, 0.225),
    /// (84 h, 0.06).
    pub trapped_survival: Vec<(f64, f64)>,
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
            flood_mortality_onset_m: 0.5,
            flood_injury_rate: 0.01,
            flood_trapped_depth_m: 1.5,
            flood_trapped_rate: 0.05,
            quake_fatality_theta: qilian_hazardlib::pager::CHINA_THETA,
            quake_fatality_beta: qilian_hazardlib::pager::CHINA_BETA,
            quake_injuries_per_death: 5.1,
            quake_trapped_per_death: 1.0,
            quake_died_trapped_share: 0.5,
            fire_death_rate: 0.01,
            fire_injury_rate: 0.05,
            fire_safe_lead_h: 24.0,
            fire_unwarned_notice_h: 12.0,
            chemical_injury_rate: 1.0,
            road_death_rate: 0.05,
            road_injury_rate: 0.2,
            trapped_survival: vec![(12.0, 0.825), (36.0, 0.405), (60.0, 0.225), (84.0, 0.06)],
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
            ("quake_died_trapped_share", self.quake_died_trapped_share),
            ("fire_death_rate", self.fire_death_rate),
            ("fire_injury_rate", self.fire_injury_rate),
            ("chemical_injury_rate", self.chemical_injury_rate),
            ("road_death_rate", self.road_death_rate),
            ("road_injury_rate", self.road_injury_rate),
        ] {
            let (wrong, problem) = rate(name, v);
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
        flag(
            !self.flood_mortality_mu.is_finite(),
            "flood_mortality_mu must be finite".into(),
        );
        for (wrong, problem) in [
            positive("flood_mortality_sigma", self.flood_mortality_sigma),
            non_negative("flood_trapped_depth_m", self.flood_trapped_depth_m),
            non_negative("flood_mortality_onset_m", self.flood_mortality_onset_m),
            positive("fire_safe_lead_h", self.fire_safe_lead_h),
            non_negative("fire_unwarned_notice_h", self.fire_unwarned_notice_h),
        ] {
            flag(wrong, problem);
        }
        let curve = &self.trapped_survival;
        let mut last = (0.0, 1.0);
        let mut ok = true;
        for &(h, share) in curve {
            ok &= h.is_finite() && h > last.0 && share > 0.0 && share <= last.1;
            last = (h, share);
        }
        flag(
            !ok || curve.is_empty(),
            format!(
                "trapped_survival must be (hours, share) points with hours positive and \
                 increasing and shares in (0, 1] not increasing, got {curve:?}"
            ),
        );
        for (wrong, problem) in [
            positive("quake_fatality_theta", self.quake_fatality_theta),
            positive("quake_fatality_beta", self.quake_fatality_beta),
            non_negative("quake_injuries_per_death", self.quake_injuries_per_death),
            non_negative("quake_trapped_per_death", self.quake_trapped_per_death),
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
    flood_mortality_mu: 7.60, flood_mortality_sigma: 2.75, flood_mortality_onset_m: 0.5,
    flood_injury_rate: 0.01, flood_trapped_depth_m: 1.5, flood_trapped_rate: 0.05,
    quake_fatality_theta: 10.328811, quake_fatality_beta: 0.100058,
    quake_injuries_per_death: 5.1, quake_trapped_per_death: 1.0, quake_died_trapped_share: 0.5,
    fire_death_rate: 0.01, fire_injury_rate: 0.05, fire_safe_lead_h: 24.0,
    fire_unwarned_notice_h: 12.0,
    chemical_injury_rate: 1.0,
    road_death_rate: 0.05, road_injury_rate: 0.2,
    trapped_survival: [(12.0, 0.825), (36.0, 0.405), (60.0, 0.225), (84.0, 0.06)],
    rescue_people_per_h: 2.0, rescue_task_max_h: 12.0,
)",
        )
        .unwrap();
        assert_eq!(c, Casualties::default());
    }

    #[test]
    fn bad_values_are_named() {
        let c: Casualties = ron::from_str(
            "(fire_death_rate: 1.5, trapped_survival: [(12.0, 0.5), (6.0, 0.4)], \
             quake_fatality_beta: 0.0, quake_died_trapped_share: 2.0, rescue_people_per_h: 0.0, \
             flood_mortality_onset_m: -0.1, fire_safe_lead_h: 0.0)",
        )
        .unwrap();
        let p = c.problems().join("\n");
        for want in [
            "fire_death_rate",
            "trapped_survival",
            "quake_fatality_beta",
            "quake_died_trapped_share",
            "rescue_people_per_h",
            "flood_mortality_onset_m",
            "fire_safe_lead_h",
        ] {
            assert!(p.contains(want), "{want} in {p}");
        }
    }
}
