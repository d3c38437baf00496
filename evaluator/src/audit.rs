//! Static plan audit against the regional emergency plan's figures
//! (reference §7): shelter places and relocation supplies for the displaced
//! for 15 days; medical stocks (class I for 2,500 people for a month, class II
//! for 5,000 people for 7–10 days); township fire teams of ≥ 15 (key towns) or
//! ≥ 9 full-time staff; a satellite phone and a generator in every village; 50
//! rescue service stations of ≥ 90 m²; warnings reaching 100 % of the public.
//!
//! Each check passes or fails with the numbers behind it; a plan that does not
//! state a figure fails that check and says so.

use qilian_engine::scenario::{FacilityKind, Plan, Preparedness, Region};
use serde::Serialize;
use std::collections::BTreeMap;

/// Days of relocation supplies the regional plan asks for.
pub const SUPPLY_DAYS: f64 = 15.0;
/// Displaced people assumed when the plan states none: the top of the
/// regional plan's 40,000–60,000 range.
pub const DEFAULT_DISPLACED: u32 = 60_000;
/// Class I medical stocks: 2,500 people for a month (30 days).
pub const MEDICAL_CLASS1_PERSON_DAYS: f64 = 2_500.0 * 30.0;
/// Class II medical stocks: 5,000 people for 7 days (the low end of 7–10).
pub const MEDICAL_CLASS2_PERSON_DAYS: f64 = 5_000.0 * 7.0;
/// Rescue service stations required, and their minimum floor area.
pub const RESCUE_STATIONS: usize = 50;
/// Minimum rescue station floor area, m².
pub const RESCUE_STATION_M2: f64 = 90.0;

/// One audit check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Short name.
    pub name: String,
    /// Whether the plan meets it.
    pub passed: bool,
    /// The numbers: what is required and what the plan has.
    pub detail: String,
}

fn check(name: &str, passed: bool, detail: String) -> Check {
    Check {
        name: name.to_string(),
        passed,
        detail,
    }
}

/// Audit `plan` for `region`.
pub fn audit(plan: &Plan, region: &Region) -> Vec<Check> {
    let empty = Preparedness::default();
    let prep = plan.preparedness.as_ref().unwrap_or(&empty);
    let mut out = Vec::new();
    let displaced = if prep.displaced_people > 0 {
        prep.displaced_people
    } else {
        DEFAULT_DISPLACED
    };

    let places: f64 = region
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityKind::Shelter)
        .filter_map(|f| f.capacity)
        .sum();
    out.push(check(
        "shelter places",
        places >= displaced as f64,
        format!("{places:.0} places for {displaced} displaced people"),
    ));
    let need = displaced as f64 * SUPPLY_DAYS;
    out.push(check(
        "relocation supplies (15 days)",
        prep.relocation_supplies_person_days >= need,
        format!(
            "{:.0} person-days held, {need:.0} needed ({displaced} people × {SUPPLY_DAYS} days)",
            prep.relocation_supplies_person_days
        ),
    ));
    out.push(check(
        "medical stocks, class I",
        prep.medical_class1_person_days >= MEDICAL_CLASS1_PERSON_DAYS,
        format!(
            "{:.0} person-days held, {MEDICAL_CLASS1_PERSON_DAYS:.0} needed (2,500 people × 30 days)",
            prep.medical_class1_person_days
        ),
    ));
    out.push(check(
        "medical stocks, class II",
        prep.medical_class2_person_days >= MEDICAL_CLASS2_PERSON_DAYS,
        format!(
            "{:.0} person-days held, {MEDICAL_CLASS2_PERSON_DAYS:.0} needed (5,000 people × 7 days)",
            prep.medical_class2_person_days
        ),
    ));

    let short: Vec<String> = prep
        .fire_teams
        .iter()
        .filter(|t| t.full_time_staff < if t.key_town { 15 } else { 9 })
        .map(|t| {
            format!(
                "zone {} has {} (needs {})",
                t.zone.0,
                t.full_time_staff,
                if t.key_town { 15 } else { 9 }
            )
        })
        .collect();
    out.push(check(
        "fire-team staffing",
        !prep.fire_teams.is_empty() && short.is_empty(),
        if prep.fire_teams.is_empty() {
            "no township fire teams stated".to_string()
        } else if short.is_empty() {
            format!(
                "all {} teams at strength (≥ 15 key towns, ≥ 9 others)",
                prep.fire_teams.len()
            )
        } else {
            format!(
                "{} of {} teams short: {}",
                short.len(),
                prep.fire_teams.len(),
                short.join("; ")
            )
        },
    ));

    let kits: BTreeMap<_, _> = prep.village_kits.iter().map(|k| (k.zone, k)).collect();
    let lacking: Vec<String> = region
        .zones
        .iter()
        .filter(|z| {
            kits.get(&z.id)
                .is_none_or(|k| k.satellite_phones == 0 || k.generators == 0)
        })
        .map(|z| z.name.clone())
        .collect();
    out.push(check(
        "satellite phone and generator in every village",
        lacking.is_empty(),
        if lacking.is_empty() {
            format!("all {} zones equipped", region.zones.len())
        } else {
            format!(
                "{} of {} zones lack one: {}",
                lacking.len(),
                region.zones.len(),
                lacking.join(", ")
            )
        },
    ));

    let big_enough = prep
        .rescue_stations
        .iter()
        .filter(|s| s.area_m2 >= RESCUE_STATION_M2)
        .count();
    out.push(check(
        "rescue service stations",
        big_enough >= RESCUE_STATIONS,
        format!(
            "{big_enough} stations of ≥ {RESCUE_STATION_M2} m² ({} listed), {RESCUE_STATIONS} needed",
            prep.rescue_stations.len()
        ),
    ));

    let reached: BTreeMap<_, _> = prep
        .warning_channels
        .iter()
        .filter(|w| !w.channels.is_empty())
        .map(|w| (w.zone, ()))
        .collect();
    let total: u64 = region.zones.iter().map(|z| z.population as u64).sum();
    let covered: u64 = region
        .zones
        .iter()
        .filter(|z| reached.contains_key(&z.id))
        .map(|z| z.population as u64)
        .sum();
    let coverage = if total > 0 {
        covered as f64 / total as f64
    } else {
        1.0
    };
    out.push(check(
        "warning coverage",
        covered == total,
        format!(
            "{:.1} % of {total} people reached by at least one channel, 100 % needed",
            coverage * 100.0
        ),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use qilian_engine::scenario::{
        Facility, FireTeam, RescueStation, VillageKit, WarningChannels, Zone,
    };
    use qilian_engine::{FacilityId, NodeId, ZoneId};

    fn region() -> Region {
        let zone = |id, population| Zone {
            id: ZoneId(id),
            name: format!("Z{id}"),
            population,
            households: population / 3,
            node: NodeId(1),
            power: None,
            water: None,
            telecom: None,
        };
        let shelter = Facility {
            id: FacilityId(1),
            name: "S".into(),
            kind: FacilityKind::Shelter,
            node: NodeId(1),
            fragility: None,
            capacity: Some(1000.0),
            needs: vec![],
            battery_h: Default::default(),
        };
        Region {
            zones: vec![zone(1, 600), zone(2, 400)],
            facilities: vec![shelter],
            ..Default::default()
        }
    }

    fn passed(checks: &[Check], name: &str) -> bool {
        checks.iter().find(|c| c.name == name).unwrap().passed
    }

    #[test]
    fn a_plan_without_figures_fails_every_check() {
        let checks = audit(&Plan::default(), &region());
        assert_eq!(checks.len(), 8);
        assert!(checks.iter().all(|c| !c.passed), "{checks:#?}");
        assert_eq!(checks[0].detail, "1000 places for 60000 displaced people");
    }

    #[test]
    fn checks_pass_and_fail_on_their_thresholds() {
        let prep = Preparedness {
            displaced_people: 1000,
            relocation_supplies_person_days: 15_000.0,
            medical_class1_person_days: 75_000.0,
            medical_class2_person_days: 34_999.0,
            fire_teams: vec![
                FireTeam {
                    zone: ZoneId(1),
                    key_town: true,
                    full_time_staff: 15,
                },
                FireTeam {
                    zone: ZoneId(2),
                    key_town: false,
                    full_time_staff: 8,
                },
            ],
            village_kits: vec![
                VillageKit {
                    zone: ZoneId(1),
                    satellite_phones: 1,
                    generators: 1,
                },
                VillageKit {
                    zone: ZoneId(2),
                    satellite_phones: 1,
                    generators: 0,
                },
            ],
            rescue_stations: (0..50)
                .map(|i| RescueStation {
                    name: format!("R{i}"),
                    area_m2: if i == 0 { 89.0 } else { 90.0 },
                })
                .collect(),
            warning_channels: vec![WarningChannels {
                zone: ZoneId(1),
                channels: vec!["siren".into()],
            }],
        };
        let plan = Plan {
            preparedness: Some(prep),
            ..Default::default()
        };
        let c = audit(&plan, &region());
        assert!(passed(&c, "shelter places"));
        assert!(passed(&c, "relocation supplies (15 days)"));
        assert!(passed(&c, "medical stocks, class I"));
        assert!(!passed(&c, "medical stocks, class II"));
        assert!(!passed(&c, "fire-team staffing"));
        assert!(
            c[4].detail.contains("zone 2 has 8 (needs 9)"),
            "{}",
            c[4].detail
        );
        assert!(!passed(
            &c,
            "satellite phone and generator in every village"
        ));
        assert!(!passed(&c, "rescue service stations"));
        assert!(c[6].detail.starts_with("49 stations"), "{}", c[6].detail);
        assert!(!passed(&c, "warning coverage"));
        assert!(c[7].detail.starts_with("60.0 %"), "{}", c[7].detail);
    }
}
