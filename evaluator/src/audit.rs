//! Static plan audit against the regional emergency plan's figures
//! (reference §7): shelter places and relocation supplies for the displaced
//! for 15 days; medical stocks (class I for 2,500 people for a month, class II
//! for 5,000 people for 7–10 days); township fire teams of ≥ 15 (key towns) or
//! ≥ 9 full-time staff; a satellite phone and a generator in every village; 50
//! rescue service stations of ≥ 90 m²; warnings reaching 100 % of the public.
//!
//! Three more checks size the plan's response crews against the region:
//! rescue and medical crews against its population, hazmat crews against its
//! chemical plants (the sites a hazardous release comes from).
//!
//! Each check passes or fails with the numbers behind it, and a failed one
//! says what to add (`add`); a plan that does not state a figure fails that
//! check and says so.

use qilian_engine::scenario::{CrewKind, FacilityKind, Plan, Preparedness, Region};
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
/// Residents per rescue crew. ASSUMPTION: no public figure was found; one
/// crew per 100,000 residents is this project's floor, stated so a plan
/// without rescue crews cannot pass.
pub const PEOPLE_PER_RESCUE_CREW: u64 = 100_000;
/// Residents per medical crew. ASSUMPTION, as for rescue crews.
pub const PEOPLE_PER_MEDICAL_CREW: u64 = 100_000;
/// Hazmat crews per chemical plant in the region. ASSUMPTION: one, so each
/// plant's release can be met while another is.
pub const HAZMAT_CREWS_PER_PLANT: u64 = 1;

/// One audit check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Short name.
    pub name: String,
    /// Whether the plan meets it.
    pub passed: bool,
    /// The numbers: what is required and what the plan has.
    pub detail: String,
    /// For a failed check, what to add to pass it.
    pub add: Option<String>,
}

fn check(name: &str, passed: bool, detail: String) -> Check {
    Check {
        name: name.to_string(),
        passed,
        detail,
        add: None,
    }
}

/// [`check`] with what to add when it fails.
fn check_add(name: &str, passed: bool, detail: String, add: impl FnOnce() -> String) -> Check {
    Check {
        add: (!passed).then(add),
        ..check(name, passed, detail)
    }
}

/// Crews of `kind` in the plan, its mutual aid included.
fn crews(plan: &Plan, kind: CrewKind) -> u64 {
    plan.crews
        .iter()
        .chain(plan.mutual_aid.iter().map(|m| &m.crews))
        .filter(|g| g.kind == kind)
        .map(|g| u64::from(g.count))
        .sum()
}

/// The crew checks: rescue and medical crews for the population, hazmat
/// crews for the chemical plants.
fn crew_checks(plan: &Plan, region: &Region, out: &mut Vec<Check>) {
    let people: u64 = region.zones.iter().map(|z| u64::from(z.population)).sum();
    for (kind, per, name) in [
        (
            CrewKind::Rescue,
            PEOPLE_PER_RESCUE_CREW,
            "rescue crews for the population",
        ),
        (
            CrewKind::Medical,
            PEOPLE_PER_MEDICAL_CREW,
            "medical crews for the population",
        ),
    ] {
        let need = people.div_ceil(per).max(1);
        let have = crews(plan, kind);
        out.push(check_add(
            name,
            have >= need,
            format!("{have} crews for {people} people, {need} needed (one per {per})"),
            || format!("add {} {} crew(s)", need - have, kind.name()),
        ));
    }
    let plants = region
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityKind::ChemicalPlant)
        .count() as u64;
    let need = plants * HAZMAT_CREWS_PER_PLANT;
    let have = crews(plan, CrewKind::Hazmat);
    out.push(check_add(
        "hazmat crews for the chemical plants",
        have >= need,
        format!("{have} crews for {plants} chemical plant(s), {need} needed"),
        || format!("add {} hazmat crew(s)", need - have),
    ));
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
    out.push(check_add(
        "shelter places",
        places >= displaced as f64,
        format!("{places:.0} places for {displaced} displaced people"),
        || format!("add {:.0} shelter places", displaced as f64 - places),
    ));
    let need = displaced as f64 * SUPPLY_DAYS;
    let held = prep.relocation_supplies_person_days;
    out.push(check_add(
        "relocation supplies (15 days)",
        held >= need,
        format!(
            "{held:.0} person-days held, {need:.0} needed ({displaced} people × {SUPPLY_DAYS} days)"
        ),
        || format!("add {:.0} person-days of relocation supplies", need - held),
    ));
    let held = prep.medical_class1_person_days;
    out.push(check_add(
        "medical stocks, class I",
        held >= MEDICAL_CLASS1_PERSON_DAYS,
        format!(
            "{held:.0} person-days held, {MEDICAL_CLASS1_PERSON_DAYS:.0} needed (2,500 people × 30 days)"
        ),
        || {
            format!(
                "add {:.0} person-days of class I medical stocks",
                MEDICAL_CLASS1_PERSON_DAYS - held
            )
        },
    ));
    let held = prep.medical_class2_person_days;
    out.push(check_add(
        "medical stocks, class II",
        held >= MEDICAL_CLASS2_PERSON_DAYS,
        format!(
            "{held:.0} person-days held, {MEDICAL_CLASS2_PERSON_DAYS:.0} needed (5,000 people × 7 days)"
        ),
        || {
            format!(
                "add {:.0} person-days of class II medical stocks",
                MEDICAL_CLASS2_PERSON_DAYS - held
            )
        },
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
    let add_staff = if prep.fire_teams.is_empty() {
        "add a township fire team (≥ 15 full-time staff in key towns, ≥ 9 elsewhere)".to_string()
    } else {
        format!("add full-time staff: {}", short.join("; "))
    };
    out.push(check_add(
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
        || add_staff,
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
    let add_kits = format!(
        "add a satellite phone and a generator in {}",
        lacking.join(", ")
    );
    out.push(check_add(
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
        || add_kits,
    ));

    let big_enough = prep
        .rescue_stations
        .iter()
        .filter(|s| s.area_m2 >= RESCUE_STATION_M2)
        .count();
    out.push(check_add(
        "rescue service stations",
        big_enough >= RESCUE_STATIONS,
        format!(
            "{big_enough} stations of ≥ {RESCUE_STATION_M2} m² ({} listed), {RESCUE_STATIONS} needed",
            prep.rescue_stations.len()
        ),
        || {
            format!(
                "add {} rescue stations of ≥ {RESCUE_STATION_M2} m²",
                RESCUE_STATIONS.saturating_sub(big_enough)
            )
        },
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
    let unwarned: Vec<String> = region
        .zones
        .iter()
        .filter(|z| !reached.contains_key(&z.id))
        .map(|z| z.name.clone())
        .collect();
    out.push(check_add(
        "warning coverage",
        covered == total,
        format!(
            "{:.1} % of {total} people reached by at least one channel, 100 % needed",
            coverage * 100.0
        ),
        || format!("add a warning channel in {}", unwarned.join(", ")),
    ));
    crew_checks(plan, region, &mut out);
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
        // No chemical plant: no hazmat crew needed.
        assert_eq!(checks.len(), 11);
        assert!(checks[..10].iter().all(|c| !c.passed), "{checks:#?}");
        assert!(checks.iter().all(|c| c.passed == c.add.is_none()));
        assert_eq!(checks[0].detail, "1000 places for 60000 displaced people");
        assert_eq!(checks[0].add.as_deref(), Some("add 59000 shelter places"));
    }

    #[test]
    fn a_plan_without_rescue_or_medical_crews_fails_and_says_what_to_add() {
        use qilian_engine::scenario::CrewGroup;
        let mut region = region();
        region.zones[0].population = 250_000;
        let find =
            |checks: &[Check], name: &str| checks.iter().find(|c| c.name == name).unwrap().clone();
        let checks = audit(&Plan::default(), &region);
        let rescue = find(&checks, "rescue crews for the population");
        assert!(!rescue.passed);
        assert_eq!(
            rescue.detail,
            "0 crews for 250400 people, 3 needed (one per 100000)"
        );
        assert_eq!(rescue.add.as_deref(), Some("add 3 rescue crew(s)"));
        assert!(!find(&checks, "medical crews for the population").passed);
        // A chemical plant needs a hazmat crew.
        region.facilities.push(Facility {
            id: FacilityId(2),
            name: "C".into(),
            kind: FacilityKind::ChemicalPlant,
            node: NodeId(1),
            fragility: None,
            capacity: None,
            needs: vec![],
            battery_h: Default::default(),
        });
        let mut plan = Plan::default();
        let group = |id, kind, count| CrewGroup {
            id,
            kind,
            depot: qilian_engine::DepotId(1),
            count,
            show_up: 1.0,
            shift: None,
        };
        plan.crews = vec![
            group(1, CrewKind::Rescue, 3),
            group(2, CrewKind::Medical, 3),
        ];
        let checks = audit(&plan, &region);
        assert!(find(&checks, "rescue crews for the population").passed);
        assert!(find(&checks, "medical crews for the population").passed);
        let hazmat = find(&checks, "hazmat crews for the chemical plants");
        assert!(!hazmat.passed);
        assert_eq!(hazmat.add.as_deref(), Some("add 1 hazmat crew(s)"));
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
