//! JRC depth–damage: exact at the asia breakpoints, linear between, clamped.

use super::Table;
use qilian_hazardlib::depth_damage::{DEPTHS_M, Occupancy, Region, curve, curves, damage_fraction};
use qilian_hazardlib::units::Metres;

const JRC: &str = include_str!("../data/jrc_huizinga2017_depth_damage_breakpoints.csv");

#[test]
fn asia_exact_at_breakpoints() {
    let t = Table::parse(JRC);
    let mut n = 0;
    for r in 0..t.rows.len() {
        if t.text(r, "continent") != "asia" {
            continue;
        }
        let occ: Occupancy = t.text(r, "type").parse().expect("type");
        for (k, d) in DEPTHS_M.iter().enumerate() {
            let want = t.num(r, &t.header[2 + k].clone());
            assert_eq!(
                damage_fraction(Region::Asia, occ, Metres(*d)),
                Ok(want),
                "{occ:?} {d}"
            );
            n += 1;
        }
    }
    assert_eq!(n, 5 * 9);
}

#[test]
fn linear_between_and_clamped_outside() {
    let c = curve(Region::Asia, Occupancy::Residential).expect("curve");
    assert!((c.damage_fraction(Metres(0.25)) - 0.165).abs() < 1e-15);
    assert!((c.damage_fraction(Metres(2.5)) - 0.795).abs() < 1e-15);
    assert_eq!(c.damage_fraction(Metres(-2.0)), 0.0);
    assert_eq!(c.damage_fraction(Metres(60.0)), 1.0);
    for c in curves() {
        let mut prev = 0.0;
        for i in 0..=700 {
            let f = c.damage_fraction(Metres(i as f64 / 100.0));
            assert!(
                (0.0..=1.0).contains(&f) && f >= prev,
                "{:?} {:?}",
                c.region,
                c.occupancy
            );
            prev = f;
        }
    }
}

#[test]
fn names_and_missing_curves() {
    assert_eq!("North_America".parse::<Region>(), Ok(Region::NorthAmerica));
    assert_eq!(
        "building-averaged".parse::<Occupancy>(),
        Ok(Occupancy::BuildingAveraged)
    );
    assert!(curve(Region::Africa, Occupancy::Roads).is_err());
    assert!(curve(Region::Asia, Occupancy::Roads).is_ok());
    assert_eq!(curves().len(), 35);
}
