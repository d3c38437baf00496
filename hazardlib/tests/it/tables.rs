//! The const tables in `src/` equal the reference CSVs value for value, so a
//! transcription slip cannot hide behind a passing case test.

use super::Table;
use qilian_hazardlib::depth_damage::{Occupancy, Region, curve};
use qilian_hazardlib::fragility::{Demand, FragilityClass, REPAIR, class, classes};
use qilian_hazardlib::gmpe::coefficients::{ak10, ba08};

/// Period of a coefficient-table IMT label; `None` for PGV (not embedded).
fn period(label: &str) -> Option<f64> {
    match label {
        "pga" => Some(0.0),
        "pgv" => None,
        p => Some(p.parse().expect("period")),
    }
}

#[test]
fn ak10_coefficients_match_csv() {
    let t = Table::parse(include_str!("../data/akkar_bommer_2010_coefficients.csv"));
    let mut n = 0;
    for r in 0..t.rows.len() {
        let Some(p) = period(t.text(r, "IMT")) else {
            continue;
        };
        let row = if p == 0.0 {
            &ak10::PGA
        } else {
            ak10::SA
                .iter()
                .find(|c| c.period_s == p)
                .expect("period embedded")
        };
        for k in 0..10 {
            assert_eq!(
                row.b[k],
                t.num(r, &format!("b{}", k + 1)),
                "AK10 T={p} b{}",
                k + 1
            );
        }
        assert_eq!(row.sigma1, t.num(r, "Sigma1"));
        assert_eq!(row.tau, t.num(r, "tau"));
        assert_eq!(row.sigma_tot, t.num(r, "SigmaTot"));
        n += 1;
    }
    assert_eq!(n, 1 + ak10::SA.len());
}

#[test]
fn ba08_coefficients_match_csv() {
    let t = Table::parse(include_str!("../data/boore_atkinson_2008_coefficients.csv"));
    let mut n = 0;
    for r in 0..t.rows.len() {
        let Some(p) = period(t.text(r, "IMT")) else {
            continue;
        };
        let row = if p == 0.0 {
            &ba08::PGA
        } else {
            ba08::SA
                .iter()
                .find(|c| c.period_s == p)
                .expect("period embedded")
        };
        let got = [
            row.c1, row.c2, row.c3, row.h, row.mh, row.sigma, row.tau, row.std,
        ];
        let names = ["c1", "c2", "c3", "h", "Mh", "sigma", "tau", "std"];
        for (g, name) in got.iter().zip(names) {
            assert_eq!(*g, t.num(r, name), "BA08 T={p} {name}");
        }
        for k in 0..7 {
            assert_eq!(
                row.e[k],
                t.num(r, &format!("e{}", k + 1)),
                "BA08 T={p} e{}",
                k + 1
            );
        }
        n += 1;
    }
    assert_eq!(n, 1 + ba08::SA.len());

    let t = Table::parse(include_str!(
        "../data/boore_atkinson_2008_site_coefficients.csv"
    ));
    let mut n = 0;
    for r in 0..t.rows.len() {
        let Some(p) = period(t.text(r, "IMT")) else {
            continue;
        };
        let row = if p == 0.0 {
            &ba08::SITE_PGA
        } else {
            ba08::SITE_SA
                .iter()
                .find(|c| c.period_s == p)
                .expect("period embedded")
        };
        assert_eq!(
            (row.blin, row.b1, row.b2),
            (t.num(r, "blin"), t.num(r, "b1"), t.num(r, "b2"))
        );
        n += 1;
    }
    assert_eq!(n, 1 + ba08::SITE_SA.len());
}

fn check_fragility_csv(text: &str) -> usize {
    let t = Table::parse(text);
    for r in 0..t.rows.len() {
        let c: &FragilityClass = class(t.text(r, "ID")).expect("class embedded");
        let demand = match t.text(r, "Demand-Type") {
            "Peak Ground Acceleration" => Demand::Pga,
            "Spectral Acceleration|1.0" => Demand::Sa10,
            "Permanent Ground Deformation" => Demand::Pgd,
            d => panic!("demand {d}"),
        };
        assert_eq!(c.demand, demand, "{}", c.id);
        assert_eq!(c.demand.unit(), t.text(r, "Demand-Unit"));
        assert_eq!(t.text(r, "Demand-Offset"), "0");
        let mut n_ls = 0;
        for k in 1..=4 {
            if t.rows[r]
                .get(t.col(&format!("LS{k}-Family")))
                .is_none_or(|f| f.is_empty())
            {
                continue;
            }
            assert_eq!(t.text(r, &format!("LS{k}-Family")), "lognormal");
            let ls = c.limit_states[k - 1];
            assert_eq!(
                ls.median,
                t.num(r, &format!("LS{k}-Theta_0")),
                "{} LS{k}",
                c.id
            );
            assert_eq!(
                ls.beta,
                t.num(r, &format!("LS{k}-Theta_1")),
                "{} LS{k}",
                c.id
            );
            n_ls += 1;
        }
        assert_eq!(c.n_states(), n_ls, "{}", c.id);
    }
    t.rows.len()
}

#[test]
fn fragility_classes_match_csv() {
    let n = check_fragility_csv(include_str!("../data/dlml_hazus51_power_fragility.csv"))
        + check_fragility_csv(include_str!(
            "../data/dlml_hazus51_transportation_fragility.csv"
        ));
    assert_eq!(n, classes().len());
}

#[test]
fn repair_consequences_match_csv() {
    let t = Table::parse(include_str!(
        "../data/dlml_hazus51_transportation_consequence_repair.csv"
    ));
    for r in 0..t.rows.len() {
        let (prefix, kind) = t.text(r, "ID").split_once('-').expect("ID like HRD-Time");
        let rc = REPAIR
            .iter()
            .find(|c| c.prefix == prefix)
            .expect("family embedded");
        let got = if kind == "Time" {
            rc.days
        } else {
            rc.loss_ratio
        };
        for (k, got) in got.iter().enumerate() {
            let want = t.rows[r]
                .get(t.col(&format!("DS{}-Theta_0", k + 1)))
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<f64>().expect("number"));
            assert_eq!(*got, want, "{prefix}-{kind} DS{}", k + 1);
        }
    }
}

#[test]
fn jrc_curves_match_csv() {
    let t = Table::parse(include_str!(
        "../data/jrc_huizinga2017_depth_damage_breakpoints.csv"
    ));
    for r in 0..t.rows.len() {
        let region: Region = t.text(r, "continent").parse().expect("region");
        let occ: Occupancy = t.text(r, "type").parse().expect("type");
        let c = curve(region, occ).expect("curve embedded");
        for k in 0..9 {
            assert_eq!(
                c.fraction[k],
                t.rows[r][2 + k].parse::<f64>().expect("number")
            );
        }
    }
    assert_eq!(t.rows.len(), qilian_hazardlib::depth_damage::curves().len());
}
