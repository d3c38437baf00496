//! Tagged features that become zones or facilities, and the assumptions
//! that fill what the tags leave out.
//!
//! # Facilities
//!
//! | tags | kind | extras |
//! |---|---|---|
//! | `power=substation` | Substation | Hazus class from `voltage` (below) |
//! | `amenity=hospital` | Hospital | capacity = `beds` |
//! | `amenity=fire_station` | FireStation | |
//! | `emergency=assembly_point` | Shelter | capacity = `capacity`, else by area (below) |
//! | `amenity=school`, `leisure=sports_centre`, `leisure=stadium`, `leisure=pitch` | Shelter | capacity = `capacity`, else by area (below) |
//! | `man_made=water_works` | WaterPlant | needs its nearest substation |
//! | `man_made=mast`/`tower`/`communications_tower` with `tower:type=communication` or any `communication:*=yes`; `telecom=exchange` or `bts` | TelecomSite | needs its nearest substation, 4 h battery |
//!
//! `man_made=water_tower` is not taken: a tower stores water and keeps
//! serving for hours without power, so counting it as a plant would hide
//! outages. Substation fragility follows the Hazus 5.1 earthquake technical
//! manual's classes by voltage (low 115 kV, medium 230 kV, high 500 kV),
//! split between them: ≥ 350 kV high (`EP.S.H`), ≥ 150 kV medium
//! (`EP.S.M`), else or unknown low (`EP.S.L`); anchoring is unknown and taken as unanchored
//! (`…U`, the more fragile). The 4-hour telecom battery is an assumption
//! (cell-site backup is typically 2–8 h).
//!
//! # Shelter places
//!
//! A shelter without a `capacity` tag holds its footprint's area (a closed
//! way, projected to metres) divided by [`SHELTER_M2_PER_PERSON`] = 3.5 m²
//! a person: the Sphere Handbook's minimum covered living space per person
//! (Sphere Handbook 2018, Shelter and settlement standard 3). The same figure
//! is used for open grounds (pitches, assembly points), taken as covered by
//! tents — an ASSUMPTION. A shelter mapped as a point or a relation, whose
//! area is not read, gets a default by site (ASSUMPTIONS: school 500,
//! sports centre 200, stadium 2,000, pitch 200, assembly point 200 people).
//! Every RON line of a shelter says which rule gave its capacity.
//!
//! # Places
//!
//! `place` nodes city, borough, town, suburb, quarter, village,
//! neighbourhood, hamlet and isolated_dwelling are zone candidates. Their
//! `population` tag is used when it reads as a number; otherwise a default by
//! type (assumptions: city 100,000, borough 50,000, town 10,000, suburb
//! 5,000, quarter 2,000, village 1,000, neighbourhood 500, hamlet 50,
//! isolated dwelling 5).

use qilian_engine::scenario::FacilityKind;

/// What a tagged element can become.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Feature {
    /// A population place.
    Place {
        kind: PlaceKind,
        population: Option<u32>,
    },
    /// A facility.
    Facility {
        kind: FacilityKind,
        fragility: Option<String>,
        capacity: Option<f64>,
        battery_h: f64,
        /// For shelters: what the site is, for its capacity by area.
        site: Option<ShelterSite>,
    },
}

/// Minimum covered living space per person, m² (Sphere Handbook 2018,
/// Shelter and settlement standard 3): the divisor of a shelter's area.
pub const SHELTER_M2_PER_PERSON: f64 = 3.5;

/// What a shelter site is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShelterSite {
    /// `emergency=assembly_point`.
    AssemblyPoint,
    /// `amenity=school`.
    School,
    /// `leisure=sports_centre`.
    SportsCentre,
    /// `leisure=stadium`.
    Stadium,
    /// `leisure=pitch`.
    Pitch,
}

impl ShelterSite {
    /// The tag it comes from.
    pub fn tag(self) -> &'static str {
        match self {
            ShelterSite::AssemblyPoint => "emergency=assembly_point",
            ShelterSite::School => "amenity=school",
            ShelterSite::SportsCentre => "leisure=sports_centre",
            ShelterSite::Stadium => "leisure=stadium",
            ShelterSite::Pitch => "leisure=pitch",
        }
    }

    /// A name for an unnamed site.
    pub fn name(self) -> &'static str {
        match self {
            ShelterSite::AssemblyPoint => "assembly point",
            ShelterSite::School => "school",
            ShelterSite::SportsCentre => "sports centre",
            ShelterSite::Stadium => "stadium",
            ShelterSite::Pitch => "pitch",
        }
    }

    /// Places when neither a `capacity` tag nor an area is known
    /// (ASSUMPTIONS, see the module documentation).
    pub fn default_capacity(self) -> f64 {
        match self {
            ShelterSite::AssemblyPoint | ShelterSite::Pitch | ShelterSite::SportsCentre => 200.0,
            ShelterSite::School => 500.0,
            ShelterSite::Stadium => 2000.0,
        }
    }
}

/// `place=*` values used for zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PlaceKind {
    City,
    Borough,
    Town,
    Suburb,
    Quarter,
    Village,
    Neighbourhood,
    Hamlet,
    IsolatedDwelling,
}

impl PlaceKind {
    fn parse(v: &str) -> Option<PlaceKind> {
        Some(match v {
            "city" => PlaceKind::City,
            "borough" => PlaceKind::Borough,
            "town" => PlaceKind::Town,
            "suburb" => PlaceKind::Suburb,
            "quarter" => PlaceKind::Quarter,
            "village" => PlaceKind::Village,
            "neighbourhood" => PlaceKind::Neighbourhood,
            "hamlet" => PlaceKind::Hamlet,
            "isolated_dwelling" => PlaceKind::IsolatedDwelling,
            _ => return None,
        })
    }

    /// Default population (an assumption) when the tag gives none.
    pub fn default_population(self) -> u32 {
        match self {
            PlaceKind::City => 100_000,
            PlaceKind::Borough => 50_000,
            PlaceKind::Town => 10_000,
            PlaceKind::Suburb => 5_000,
            PlaceKind::Quarter => 2_000,
            PlaceKind::Village => 1_000,
            PlaceKind::Neighbourhood => 500,
            PlaceKind::Hamlet => 50,
            PlaceKind::IsolatedDwelling => 5,
        }
    }

    /// A settlement that suburbs, quarters and neighbourhoods subdivide, and
    /// the radius within which one of those means it is subdivided, metres.
    pub fn subdivided_within_m(self) -> Option<f64> {
        match self {
            PlaceKind::City => Some(10_000.0),
            PlaceKind::Borough => Some(5_000.0),
            PlaceKind::Town => Some(3_000.0),
            _ => None,
        }
    }

    /// A part of a settlement.
    pub fn is_subdivision(self) -> bool {
        matches!(
            self,
            PlaceKind::Suburb | PlaceKind::Quarter | PlaceKind::Neighbourhood
        )
    }
}

/// Telecom battery hours assumed for every imported telecom site.
pub(crate) const TELECOM_BATTERY_H: f64 = 4.0;

/// Classify an element by its tags. Places come only from nodes (`is_way`
/// is true for ways and relations).
pub(crate) fn classify<'a>(get: &dyn Fn(&str) -> Option<&'a str>, is_way: bool) -> Option<Feature> {
    let facility = |kind, fragility, capacity, battery_h| {
        Some(Feature::Facility {
            kind,
            fragility,
            capacity,
            battery_h,
            site: None,
        })
    };
    let number = |k: &str| {
        get(k)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|c| c.is_finite() && *c > 0.0)
    };
    if get("power") == Some("substation") {
        return facility(
            FacilityKind::Substation,
            Some(substation_class(get("voltage"))),
            None,
            0.0,
        );
    }
    match get("amenity") {
        Some("hospital") => return facility(FacilityKind::Hospital, None, number("beds"), 0.0),
        Some("fire_station") => return facility(FacilityKind::FireStation, None, None, 0.0),
        _ => {}
    }
    let site = if get("emergency") == Some("assembly_point") {
        Some(ShelterSite::AssemblyPoint)
    } else if get("amenity") == Some("school") {
        Some(ShelterSite::School)
    } else {
        match get("leisure") {
            Some("sports_centre") => Some(ShelterSite::SportsCentre),
            Some("stadium") => Some(ShelterSite::Stadium),
            Some("pitch") => Some(ShelterSite::Pitch),
            _ => None,
        }
    };
    if let Some(site) = site {
        return Some(Feature::Facility {
            kind: FacilityKind::Shelter,
            fragility: None,
            capacity: number("capacity"),
            battery_h: 0.0,
            site: Some(site),
        });
    }
    let man_made = get("man_made");
    if man_made == Some("water_works") {
        return facility(FacilityKind::WaterPlant, None, None, 0.0);
    }
    let mast = matches!(man_made, Some("mast" | "tower" | "communications_tower"));
    if (mast && telecom_tags(get)) || matches!(get("telecom"), Some("exchange" | "bts")) {
        return facility(FacilityKind::TelecomSite, None, None, TELECOM_BATTERY_H);
    }
    if !is_way && let Some(kind) = get("place").and_then(PlaceKind::parse) {
        let population =
            get("population").and_then(|p| p.trim().replace([',', ' '], "").parse::<u32>().ok());
        return Some(Feature::Place { kind, population });
    }
    None
}

fn telecom_tags<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> bool {
    const COMMUNICATION: [&str; 5] = [
        "communication:mobile_phone",
        "communication:radio",
        "communication:television",
        "communication:microwave",
        "communication:gsm",
    ];
    matches!(get("man_made"), Some("communications_tower"))
        || get("tower:type") == Some("communication")
        || COMMUNICATION
            .iter()
            .any(|k| get(k).is_some_and(|v| v != "no"))
}

/// Hazus substation class by the highest voltage in a `voltage` tag (volts,
/// `;`-separated), unanchored.
pub(crate) fn substation_class(voltage: Option<&str>) -> String {
    let kv = voltage
        .into_iter()
        .flat_map(|v| v.split(';'))
        .filter_map(|v| v.trim().parse::<f64>().ok())
        .fold(0.0_f64, f64::max)
        / 1000.0;
    let class = if kv >= 350.0 {
        "H"
    } else if kv >= 150.0 {
        "M"
    } else {
        "L"
    };
    format!("EP.S.{class}.U")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_pairs(pairs: &[(&str, &str)], is_way: bool) -> Option<Feature> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let get = |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.as_str());
        classify(&get, is_way)
    }

    fn kind(f: Option<Feature>) -> Option<FacilityKind> {
        match f? {
            Feature::Facility { kind, .. } => Some(kind),
            Feature::Place { .. } => None,
        }
    }

    #[test]
    fn facilities_from_tags() {
        use FacilityKind::*;
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<FacilityKind>);
        let cases: &[Case] = &[
            (&[("power", "substation")], Some(Substation)),
            (&[("amenity", "hospital")], Some(Hospital)),
            (&[("amenity", "fire_station")], Some(FireStation)),
            (&[("emergency", "assembly_point")], Some(Shelter)),
            (&[("man_made", "water_works")], Some(WaterPlant)),
            (&[("man_made", "water_tower")], None),
            (&[("man_made", "mast")], None),
            (
                &[("man_made", "mast"), ("tower:type", "communication")],
                Some(TelecomSite),
            ),
            (
                &[("man_made", "tower"), ("communication:mobile_phone", "yes")],
                Some(TelecomSite),
            ),
            (&[("man_made", "communications_tower")], Some(TelecomSite)),
            (&[("telecom", "exchange")], Some(TelecomSite)),
            (&[("telecom", "bts")], Some(TelecomSite)),
            (&[("telecom", "antenna")], None),
            (&[("amenity", "school")], Some(Shelter)),
            (&[("leisure", "sports_centre")], Some(Shelter)),
            (&[("leisure", "stadium")], Some(Shelter)),
            (&[("leisure", "pitch")], Some(Shelter)),
            (&[("leisure", "park")], None),
            (&[("amenity", "police")], None),
        ];
        for (tags, want) in cases {
            assert_eq!(kind(classify_pairs(tags, true)), *want, "{tags:?}");
        }
    }

    #[test]
    fn places_only_from_nodes_with_population() {
        let p = classify_pairs(&[("place", "village"), ("population", "1,234")], false);
        assert_eq!(
            p,
            Some(Feature::Place {
                kind: PlaceKind::Village,
                population: Some(1234)
            })
        );
        let p = classify_pairs(&[("place", "suburb"), ("population", "many")], false);
        assert_eq!(
            p,
            Some(Feature::Place {
                kind: PlaceKind::Suburb,
                population: None
            })
        );
        assert_eq!(classify_pairs(&[("place", "village")], true), None);
        assert_eq!(classify_pairs(&[("place", "island")], false), None);
    }

    #[test]
    fn substation_classes_by_voltage() {
        assert_eq!(substation_class(None), "EP.S.L.U");
        assert_eq!(substation_class(Some("110000;20000")), "EP.S.L.U");
        assert_eq!(substation_class(Some("220000")), "EP.S.M.U");
        assert_eq!(substation_class(Some("400000;110000")), "EP.S.H.U");
        assert_eq!(substation_class(Some("high")), "EP.S.L.U");
    }
}
