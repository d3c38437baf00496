//! What OSM tags mean for a road link: which `highway` values are drivable,
//! the per-class defaults, and parsers for `maxspeed`, `oneway` and `lanes`.
//!
//! # Class defaults (assumptions)
//!
//! | highway | class | speed km/h | lanes/dir | veh/h/lane |
//! |---|---|---|---|---|
//! | motorway | Motorway | 100 | 2 | 2000 |
//! | motorway_link | Motorway | 60 | 1 | 1500 |
//! | trunk | Trunk | 80 | 2 | 2000 |
//! | trunk_link | Trunk | 50 | 1 | 1500 |
//! | primary | Primary | 60 | 1 | 1500 |
//! | primary_link | Primary | 40 | 1 | 1500 |
//! | secondary | Secondary | 50 | 1 | 1000 |
//! | secondary_link | Secondary | 40 | 1 | 1000 |
//! | tertiary (+_link) | Tertiary | 40 | 1 | 600 |
//! | unclassified, road | Local | 40 | 1 | 600 |
//! | residential | Local | 30 | 1 | 600 |
//! | service | Local | 20 | 1 | 300 |
//! | living_street | Local | 10 | 1 | 300 |
//!
//! Per-lane capacities follow the defaults of MATSim's `OsmNetworkReader`
//! (motorway and trunk 2,000, links and primary 1,500, secondary 1,000, minor
//! roads 600 veh/h/lane), which sit below the Highway Capacity Manual's
//! (HCM 2010, ch. 11) 2,400 pc/h/ln for a basic freeway segment and its
//! ≈ 1,900 pc/h/ln saturation flow at signals times a typical green share.
//! Speeds are urban free-flow assumptions used only when `maxspeed` is
//! missing or unreadable. None of these is surveyed: a region that needs
//! better figures should carry them in its RON.

use qilian_engine::scenario::RoadClass;

/// A drivable OSM highway class with its defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HighwayClass {
    /// The `highway` value.
    pub tag: &'static str,
    /// The region's road class.
    pub class: RoadClass,
    /// Counts toward the main-roads target.
    pub main_road: bool,
    /// Default free-flow speed, km/h.
    pub speed_kmh: f64,
    /// Default lanes per direction.
    pub lanes: u32,
    /// Capacity per lane, veh/h.
    pub lane_capacity_vph: f64,
    /// OSM implies `oneway=yes` for this class.
    pub implied_oneway: bool,
}

const fn hc(
    tag: &'static str,
    class: RoadClass,
    main_road: bool,
    speed_kmh: f64,
    lanes: u32,
    lane_capacity_vph: f64,
    implied_oneway: bool,
) -> HighwayClass {
    HighwayClass {
        tag,
        class,
        main_road,
        speed_kmh,
        lanes,
        lane_capacity_vph,
        implied_oneway,
    }
}

use RoadClass::*;

/// Every drivable `highway` value. Anything else (footway, cycleway, path,
/// track, steps, construction, proposed…) is not a road for cars here.
pub const CLASSES: [HighwayClass; 16] = [
    hc("motorway", Motorway, true, 100.0, 2, 2000.0, true),
    hc("motorway_link", Motorway, true, 60.0, 1, 1500.0, true),
    hc("trunk", Trunk, true, 80.0, 2, 2000.0, false),
    hc("trunk_link", Trunk, true, 50.0, 1, 1500.0, false),
    hc("primary", Primary, true, 60.0, 1, 1500.0, false),
    hc("primary_link", Primary, true, 40.0, 1, 1500.0, false),
    hc("secondary", Secondary, true, 50.0, 1, 1000.0, false),
    hc("secondary_link", Secondary, true, 40.0, 1, 1000.0, false),
    hc("tertiary", Tertiary, false, 40.0, 1, 600.0, false),
    hc("tertiary_link", Tertiary, false, 40.0, 1, 600.0, false),
    hc("unclassified", Local, false, 40.0, 1, 600.0, false),
    hc("road", Local, false, 40.0, 1, 600.0, false),
    hc("residential", Local, false, 30.0, 1, 600.0, false),
    hc("service", Local, false, 20.0, 1, 300.0, false),
    hc("living_street", Local, false, 10.0, 1, 300.0, false),
    hc("busway", Local, false, 40.0, 1, 600.0, false),
];

/// `maxspeed=none` (no limit, e.g. a German Autobahn): the advisory speed
/// there, 130 km/h (Richtgeschwindigkeit). An assumption for free flow.
pub const NO_LIMIT_KMH: f64 = 130.0;

/// `maxspeed=walk` ("walking pace", living streets): 7 km/h, the upper end of
/// what German courts have read it as (4–7 km/h). An assumption.
pub const WALK_KMH: f64 = 7.0;

/// Most lanes per direction believed; more is taken as a tagging error.
pub const MAX_LANES: u32 = 8;

/// The drivable class of a `highway` value, if it is one.
pub fn class(highway: &str) -> Option<&'static HighwayClass> {
    CLASSES.iter().find(|c| c.tag == highway)
}

/// Whether other tags take a drivable way away from general traffic:
/// `access`/`motor_vehicle`/`motorcar` = no or private, `area=yes`, and
/// service roads that are parking aisles, driveways or private.
pub fn excluded(tags: &dyn Fn(&str) -> Option<String>) -> bool {
    let closed =
        |k: &str| tags(k).is_some_and(|v| matches!(v.as_str(), "no" | "private" | "emergency"));
    closed("access")
        || closed("motor_vehicle")
        || closed("motorcar")
        || tags("area").as_deref() == Some("yes")
        || tags("service").is_some_and(|v| {
            matches!(
                v.as_str(),
                "parking_aisle" | "driveway" | "private" | "emergency_access" | "drive-through"
            )
        })
}

/// Country-specific implicit limits (`maxspeed=CC:kind`), km/h, for the
/// countries and kinds most often tagged. Others fall back by kind only
/// (see [`maxspeed`]). Values from the OSM wiki's "Default speed limits" page.
const COUNTRY_LIMITS: &[(&str, &str, f64)] = &[
    ("RU", "urban", 60.0),
    ("RU", "rural", 90.0),
    ("RU", "motorway", 110.0),
    ("RU", "living_street", 20.0),
    ("DE", "urban", 50.0),
    ("DE", "rural", 100.0),
    ("DE", "motorway", NO_LIMIT_KMH),
    ("DE", "living_street", WALK_KMH),
    ("FI", "urban", 50.0),
    ("FI", "rural", 80.0),
    ("FI", "motorway", 120.0),
    ("FI", "living_street", 20.0),
    ("CN", "urban", 50.0),
    ("CN", "rural", 70.0),
    ("CN", "motorway", 120.0),
    ("FR", "urban", 50.0),
    ("FR", "rural", 80.0),
    ("FR", "motorway", 130.0),
    ("GB", "nsl_single", 96.56),
    ("GB", "nsl_dual", 112.65),
    ("GB", "motorway", 112.65),
    ("GB", "urban", 48.28),
    ("US", "urban", 40.23),
];

/// Kind-only fallbacks for `CC:kind` values of countries not in the table.
const KIND_LIMITS: &[(&str, f64)] = &[
    ("urban", 50.0),
    ("rural", 90.0),
    ("trunk", 90.0),
    ("motorway", 110.0),
    ("living_street", 20.0),
    ("bicycle_road", 30.0),
];

/// A `maxspeed` value in km/h, or `None` when it says nothing usable
/// (`signals`, `variable`, garbage) and the class default applies.
///
/// Reads plain numbers (km/h), `"30 mph"`/`"30mph"`, `"50 km/h"`/`kmh`/`kph`,
/// `"10 knots"`, `none`, `walk`, country defaults like `RU:urban`,
/// `DE:zone30` or `DE:zone:30`, and lists like `"50;30"` (the first value).
/// Results outside 1–200 km/h are rejected as tagging errors.
pub fn maxspeed(value: &str) -> Option<f64> {
    let v = value.split(';').next()?.trim();
    let kmh = match v {
        "none" | "unlimited" => Some(NO_LIMIT_KMH),
        "walk" => Some(WALK_KMH),
        _ => {
            if let Some((country, kind)) = v.split_once(':') {
                country_limit(country.trim(), kind.trim())
            } else {
                number_with_unit(v)
            }
        }
    }?;
    (kmh.is_finite() && (1.0..=200.0).contains(&kmh)).then_some(kmh)
}

fn country_limit(country: &str, kind: &str) -> Option<f64> {
    if let Some(z) = kind.strip_prefix("zone") {
        // `zone30`, `zone:30`, `zone20`.
        return z.trim_start_matches(':').parse::<f64>().ok();
    }
    COUNTRY_LIMITS
        .iter()
        .find(|(c, k, _)| c.eq_ignore_ascii_case(country) && *k == kind)
        .map(|x| x.2)
        .or_else(|| KIND_LIMITS.iter().find(|(k, _)| *k == kind).map(|x| x.1))
}

fn number_with_unit(v: &str) -> Option<f64> {
    let end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let n: f64 = v[..end].parse().ok()?;
    let factor = match v[end..].trim() {
        "" | "km/h" | "kmh" | "kph" | "km/h." => 1.0,
        "mph" => 1.609_344,
        "knots" | "kn" => 1.852,
        _ => return None,
    };
    Some(n * factor)
}

/// Which ways a way may be driven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oneway {
    /// Both directions.
    Both,
    /// Only in the direction of the way's nodes.
    Forward,
    /// Only against it (`oneway=-1`).
    Backward,
}

/// Direction rules from `oneway`, the class and `junction`.
///
/// `yes`/`true`/`1` → forward; `-1`/`reverse` → backward; `no`/`false`/`0` →
/// both, even where a oneway is implied. `reversible` and `alternating` (the
/// direction changes by time or by signals) are read as both directions, so
/// the road stays usable in either; their lanes are then split as for any
/// two-way road. With no tag, motorways, motorway links and roundabouts
/// (`junction=roundabout` or `circular`) are oneway, as OSM implies.
pub fn oneway(value: Option<&str>, class: &HighwayClass, junction: Option<&str>) -> Oneway {
    match value.map(str::trim) {
        Some("yes" | "true" | "1") => Oneway::Forward,
        Some("-1" | "reverse") => Oneway::Backward,
        Some("no" | "false" | "0" | "reversible" | "alternating") => Oneway::Both,
        _ => {
            if class.implied_oneway || matches!(junction, Some("roundabout" | "circular")) {
                Oneway::Forward
            } else {
                Oneway::Both
            }
        }
    }
}

/// A lane count tag: the first number of a `;`-list, 1–[`MAX_LANES`]·2.
pub fn lane_count(value: Option<&str>) -> Option<u32> {
    let v = value?.split(';').next()?.trim();
    let n: u32 = v.parse().ok()?;
    (1..=2 * MAX_LANES).contains(&n).then_some(n)
}

/// Lanes per direction (forward, backward) of a way.
///
/// `lanes:forward`/`lanes:backward` win where given. Otherwise a oneway road
/// has all of `lanes` in its direction, and a two-way road half of them each
/// way, rounded down (an odd middle lane is usually a turn lane), at least
/// one. With no `lanes`, the class default per direction. A direction that
/// is not driven gets 0.
pub fn lanes(
    total: Option<u32>,
    forward: Option<u32>,
    backward: Option<u32>,
    dir: Oneway,
    class: &HighwayClass,
) -> (u32, u32) {
    let cap = |n: u32| n.clamp(1, MAX_LANES);
    let (f, b) = match dir {
        Oneway::Forward => (forward.or(total).unwrap_or(class.lanes), 0),
        Oneway::Backward => (0, backward.or(total).unwrap_or(class.lanes)),
        Oneway::Both => {
            let half = total.map(|t| (t / 2).max(1));
            let f = forward
                .or_else(|| backward.and_then(|b| total.map(|t| t.saturating_sub(b))))
                .filter(|&n| n > 0)
                .or(half)
                .unwrap_or(class.lanes);
            let b = backward
                .or_else(|| forward.and_then(|f| total.map(|t| t.saturating_sub(f))))
                .filter(|&n| n > 0)
                .or(half)
                .unwrap_or(class.lanes);
            (f, b)
        }
    };
    (
        if f == 0 { 0 } else { cap(f) },
        if b == 0 { 0 } else { cap(b) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn residential() -> &'static HighwayClass {
        class("residential").unwrap()
    }

    #[test]
    fn maxspeed_forms() {
        let cases: &[(&str, Option<f64>)] = &[
            ("50", Some(50.0)),
            (" 80 ", Some(80.0)),
            ("50 km/h", Some(50.0)),
            ("50kmh", Some(50.0)),
            ("30 mph", Some(48.28032)),
            ("30mph", Some(48.28032)),
            ("10 knots", Some(18.52)),
            ("none", Some(NO_LIMIT_KMH)),
            ("walk", Some(WALK_KMH)),
            ("RU:urban", Some(60.0)),
            ("RU:rural", Some(90.0)),
            ("DE:motorway", Some(NO_LIMIT_KMH)),
            ("DE:living_street", Some(WALK_KMH)),
            ("FI:urban", Some(50.0)),
            ("XX:urban", Some(50.0)),
            ("XX:rural", Some(90.0)),
            ("DE:zone30", Some(30.0)),
            ("DE:zone:20", Some(20.0)),
            ("50;30", Some(50.0)),
            ("signals", None),
            ("variable", None),
            ("fast", None),
            ("", None),
            ("0", None),
            ("999", None),
            ("50 furlongs", None),
            ("XX:moon", None),
        ];
        for (v, want) in cases {
            let got = maxspeed(v);
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-6, "{v:?}: {g} vs {w}"),
                _ => assert_eq!(got, *want, "{v:?}"),
            }
        }
    }

    #[test]
    fn oneway_forms() {
        let r = residential();
        let mw = class("motorway").unwrap();
        use Oneway::*;
        let cases: &[(Option<&str>, &HighwayClass, Option<&str>, Oneway)] = &[
            (None, r, None, Both),
            (Some("yes"), r, None, Forward),
            (Some("true"), r, None, Forward),
            (Some("1"), r, None, Forward),
            (Some("-1"), r, None, Backward),
            (Some("reverse"), r, None, Backward),
            (Some("no"), r, None, Both),
            (Some("reversible"), r, None, Both),
            (Some("alternating"), r, None, Both),
            (None, mw, None, Forward),
            (Some("no"), mw, None, Both),
            (None, class("motorway_link").unwrap(), None, Forward),
            (None, class("trunk").unwrap(), None, Both),
            (None, r, Some("roundabout"), Forward),
            (None, r, Some("circular"), Forward),
            (Some("no"), r, Some("roundabout"), Both),
            (Some("-1"), r, Some("roundabout"), Backward),
            (Some("maybe"), r, None, Both),
        ];
        for (v, c, j, want) in cases {
            assert_eq!(oneway(*v, c, *j), *want, "{v:?} {} {j:?}", c.tag);
        }
    }

    #[test]
    fn lanes_per_direction() {
        use Oneway::*;
        let r = residential();
        let t = class("trunk").unwrap();
        type Case = (
            Option<u32>,
            Option<u32>,
            Option<u32>,
            Oneway,
            &'static HighwayClass,
            (u32, u32),
        );
        let cases: &[Case] = &[
            (None, None, None, Both, r, (1, 1)),
            (None, None, None, Both, t, (2, 2)),
            (None, None, None, Forward, t, (2, 0)),
            (Some(4), None, None, Both, r, (2, 2)),
            (Some(3), None, None, Both, r, (1, 1)),
            (Some(1), None, None, Both, r, (1, 1)),
            (Some(3), None, None, Forward, r, (3, 0)),
            (Some(2), None, None, Backward, r, (0, 2)),
            (Some(3), Some(2), None, Both, r, (2, 1)),
            (Some(3), None, Some(2), Both, r, (1, 2)),
            (None, Some(2), Some(1), Both, r, (2, 1)),
            (Some(2), Some(2), None, Both, r, (2, 1)),
            (Some(16), None, None, Forward, r, (MAX_LANES, 0)),
        ];
        for (n, f, b, dir, c, want) in cases {
            assert_eq!(
                lanes(*n, *f, *b, *dir, c),
                *want,
                "lanes={n:?} fwd={f:?} bwd={b:?} {dir:?}"
            );
        }
        assert_eq!(lane_count(Some("2")), Some(2));
        assert_eq!(lane_count(Some("2;3")), Some(2));
        assert_eq!(lane_count(Some("0")), None);
        assert_eq!(lane_count(Some("two")), None);
        assert_eq!(lane_count(None), None);
    }

    #[test]
    fn classes_are_unique_and_main_roads_are_the_big_four() {
        for (i, a) in CLASSES.iter().enumerate() {
            assert!(CLASSES[i + 1..].iter().all(|b| b.tag != a.tag), "{}", a.tag);
            let big = ["motorway", "trunk", "primary", "secondary"]
                .iter()
                .any(|p| a.tag == *p || a.tag == format!("{p}_link"));
            assert_eq!(a.main_road, big, "{}", a.tag);
        }
        assert!(class("footway").is_none() && class("track").is_none());
    }

    #[test]
    fn exclusions() {
        let t = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_string())
        };
        assert!(excluded(&t(&[("access", "private")])));
        assert!(excluded(&t(&[("motor_vehicle", "no")])));
        assert!(excluded(&t(&[("service", "parking_aisle")])));
        assert!(!excluded(&t(&[("access", "yes")])));
        assert!(!excluded(&t(&[("service", "alley")])));
    }
}
