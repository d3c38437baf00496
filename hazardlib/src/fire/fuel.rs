//! Surface fire behaviour fuel models: the 13 Anderson (1982) models, the
//! non-burnable codes 91–99 and the 40 Scott & Burgan (2005) models.
//!
//! Sources: Anderson, H.E. 1982, *Aids to determining fuel models for
//! estimating fire behavior*, USDA FS GTR INT-122; Scott, J.H. & Burgan, R.E.
//! 2005, *Standard fire behavior fuel models*, USDA FS RMRS-GTR-153; values as
//! tabulated by the BehavePlus engine (Andrews 2018, RMRS-GTR-371).
//!
//! The table is embedded from `data/fuel_models_behave.csv` (its header names
//! the source and what was left out). [`FuelModel`] keeps BehavePlus's English
//! units because the Rothermel equations and their coefficients are written in
//! them; [`super::rothermel`] converts at its SI boundary.
//!
//! Glossary: *1-h, 10-h, 100-h* — dead fuel time-lag classes (< ¼ in,
//! ¼–1 in, 1–3 in); *herb*, *woody* — live herbaceous and live woody fuel;
//! *SAV* — surface-area-to-volume ratio; *dynamic* — a model whose herbaceous
//! load is shifted to dead ("cured") as live herbaceous moisture drops.

use std::sync::LazyLock;

use super::error::FireError;

/// The embedded table (English units, see the file header).
const FUEL_MODELS_CSV: &str = include_str!("../../data/fuel_models_behave.csv");

/// One fuel model, in the English units BehavePlus uses.
#[derive(Debug, Clone, PartialEq)]
pub struct FuelModel {
    /// Standard number (1–13 Anderson, 91–99 non-burnable, 101–204 S&B).
    pub number: u16,
    /// Standard code (`FM1`, `NB1`, `GR1`, …).
    pub code: String,
    /// Descriptive name.
    pub name: String,
    /// Fuel bed depth, ft.
    pub depth_ft: f64,
    /// Dead fuel moisture of extinction, fraction (0.25 = 25 %).
    pub mx_dead: f64,
    /// Heat content of dead fuel, Btu/lb.
    pub heat_dead_btu_lb: f64,
    /// Heat content of live fuel, Btu/lb.
    pub heat_live_btu_lb: f64,
    /// Dead 1-h load, lb/ft².
    pub load_1h_lb_ft2: f64,
    /// Dead 10-h load, lb/ft².
    pub load_10h_lb_ft2: f64,
    /// Dead 100-h load, lb/ft².
    pub load_100h_lb_ft2: f64,
    /// Live herbaceous load, lb/ft².
    pub load_herb_lb_ft2: f64,
    /// Live woody load, lb/ft².
    pub load_woody_lb_ft2: f64,
    /// 1-h SAV, ft²/ft³ (10-h and 100-h are fixed at 109 and 30).
    pub sav_1h_ft2_ft3: f64,
    /// Live herbaceous SAV, ft²/ft³.
    pub sav_herb_ft2_ft3: f64,
    /// Live woody SAV, ft²/ft³.
    pub sav_woody_ft2_ft3: f64,
    /// Dynamic model: cured herbaceous load moves to the dead category.
    pub dynamic: bool,
}

impl FuelModel {
    /// Total fuel load, lb/ft².
    pub fn total_load_lb_ft2(&self) -> f64 {
        self.load_1h_lb_ft2
            + self.load_10h_lb_ft2
            + self.load_100h_lb_ft2
            + self.load_herb_lb_ft2
            + self.load_woody_lb_ft2
    }

    /// Checks a (possibly user-built) model: every number finite and not
    /// negative, and a positive dead moisture of extinction.
    pub fn validate(&self) -> Result<(), FireError> {
        let fields = [
            ("fuel bed depth (ft)", self.depth_ft),
            ("dead moisture of extinction (fraction)", self.mx_dead),
            ("dead heat content (Btu/lb)", self.heat_dead_btu_lb),
            ("live heat content (Btu/lb)", self.heat_live_btu_lb),
            ("1-h load (lb/ft2)", self.load_1h_lb_ft2),
            ("10-h load (lb/ft2)", self.load_10h_lb_ft2),
            ("100-h load (lb/ft2)", self.load_100h_lb_ft2),
            ("live herb load (lb/ft2)", self.load_herb_lb_ft2),
            ("live woody load (lb/ft2)", self.load_woody_lb_ft2),
            ("1-h SAV (ft2/ft3)", self.sav_1h_ft2_ft3),
            ("live herb SAV (ft2/ft3)", self.sav_herb_ft2_ft3),
            ("live woody SAV (ft2/ft3)", self.sav_woody_ft2_ft3),
        ];
        for (field, value) in fields {
            if !(value.is_finite() && value >= 0.0) {
                return Err(FireError::InvalidInput {
                    field,
                    value,
                    reason: "must be finite and >= 0",
                });
            }
        }
        if self.mx_dead <= 0.0 {
            return Err(FireError::InvalidInput {
                field: "dead moisture of extinction (fraction)",
                value: self.mx_dead,
                reason: "must be > 0",
            });
        }
        Ok(())
    }

    /// Whether the model can carry fire: false for the 91–99 codes and for any
    /// model without fuel or depth.
    pub fn is_burnable(&self) -> bool {
        !is_nonburnable_number(self.number) && self.total_load_lb_ft2() > 0.0 && self.depth_ft > 0.0
    }
}

/// True for the fuel raster values that never burn: 0 (no data) and 91–99.
pub fn is_nonburnable_number(number: u16) -> bool {
    number == 0 || (91..=99).contains(&number)
}

static MODELS: LazyLock<Vec<FuelModel>> = LazyLock::new(|| parse_table(FUEL_MODELS_CSV));

/// Parses the embedded table. The table ships with the crate and is checked
/// by the tests, so a malformed row is a broken invariant and panics with the
/// row's number.
fn parse_table(text: &str) -> Vec<FuelModel> {
    let (header, rows) = crate::csv::embedded_table(text);
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("embedded fuel table lacks column `{name}`"))
    };
    let c = [
        "number",
        "code",
        "name",
        "depth_ft",
        "mx_dead_frac",
        "h_dead_btu_lb",
        "h_live_btu_lb",
        "w_1h_lb_ft2",
        "w_10h_lb_ft2",
        "w_100h_lb_ft2",
        "w_live_herb_lb_ft2",
        "w_live_woody_lb_ft2",
        "sav_1h_ft2_ft3",
        "sav_live_herb_ft2_ft3",
        "sav_live_woody_ft2_ft3",
        "is_dynamic",
    ]
    .map(col);
    rows.iter()
        .map(|r| {
            let num = |i: usize| -> f64 {
                r[c[i]].trim().parse().unwrap_or_else(|_| {
                    panic!(
                        "embedded fuel table, model {}: bad number `{}`",
                        r[0], r[c[i]]
                    )
                })
            };
            FuelModel {
                number: r[c[0]].trim().parse().unwrap_or_else(|_| {
                    panic!("embedded fuel table: bad model number `{}`", r[c[0]])
                }),
                code: r[c[1]].trim().to_string(),
                name: r[c[2]].trim().to_string(),
                depth_ft: num(3),
                mx_dead: num(4),
                heat_dead_btu_lb: num(5),
                heat_live_btu_lb: num(6),
                load_1h_lb_ft2: num(7),
                load_10h_lb_ft2: num(8),
                load_100h_lb_ft2: num(9),
                load_herb_lb_ft2: num(10),
                load_woody_lb_ft2: num(11),
                sav_1h_ft2_ft3: num(12),
                sav_herb_ft2_ft3: num(13),
                sav_woody_ft2_ft3: num(14),
                dynamic: r[c[15]].trim() == "true",
            }
        })
        .collect()
}

/// Every embedded model, sorted by number.
pub fn all() -> &'static [FuelModel] {
    &MODELS
}

/// The model with this standard number.
pub fn by_number(number: u16) -> Result<&'static FuelModel, FireError> {
    MODELS
        .binary_search_by_key(&number, |m| m.number)
        .map(|i| &MODELS[i])
        .map_err(|_| FireError::UnknownFuelModel(number.to_string()))
}

/// The model with this code, case-insensitive (`GR1`, `gr1`, `FM4`, `NB9`).
pub fn by_code(code: &str) -> Result<&'static FuelModel, FireError> {
    let code = code.trim();
    MODELS
        .iter()
        .find(|m| m.code.eq_ignore_ascii_case(code))
        .ok_or_else(|| FireError::UnknownFuelModel(code.to_string()))
}

/// A model given as a number (`"4"`, `"101"`) or a code (`"FM4"`, `"GR1"`).
pub fn lookup(key: &str) -> Result<&'static FuelModel, FireError> {
    match key.trim().parse::<u16>() {
        Ok(n) => by_number(n),
        Err(_) => by_code(key),
    }
}

/// Whether a fuel-raster value is a known fuel model (or non-burnable).
pub fn known(n: u16) -> Result<(), FireError> {
    if is_nonburnable_number(n) {
        Ok(())
    } else {
        by_number(n).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_13_anderson_7_nonburnable_40_scott_burgan() {
        let m = all();
        assert_eq!(m.iter().filter(|m| m.number <= 13).count(), 13);
        assert_eq!(
            m.iter().filter(|m| (91..=99).contains(&m.number)).count(),
            7
        );
        assert_eq!(m.iter().filter(|m| m.number > 100).count(), 40);
        assert!(
            m.windows(2).all(|w| w[0].number < w[1].number),
            "sorted, unique"
        );
        for prefix in ["GR", "GS", "SH", "TU", "TL", "SB"] {
            let n = m.iter().filter(|m| m.code.starts_with(prefix)).count();
            let expected = match prefix {
                "GR" | "SH" | "TL" => 9,
                "GS" | "SB" => 4,
                _ => 5,
            };
            assert_eq!(n, expected, "{prefix}");
        }
    }

    #[test]
    fn values_are_in_english_units_and_plausible() {
        for m in all() {
            assert!(
                m.mx_dead > 0.0 && m.mx_dead <= 0.5,
                "{} mx {}",
                m.code,
                m.mx_dead
            );
            assert!(
                (7000.0..=10000.0).contains(&m.heat_dead_btu_lb),
                "{}",
                m.code
            );
            assert!(m.depth_ft > 0.0 && m.depth_ft <= 6.0, "{}", m.code);
            assert_eq!(
                m.is_burnable(),
                !(91..=99).contains(&m.number),
                "{}",
                m.code
            );
        }
    }

    #[test]
    fn lookup_by_number_and_code() {
        let gr1 = lookup("101").unwrap();
        assert_eq!(gr1.code, "GR1");
        assert!(gr1.dynamic);
        // 0.10 t/ac of 1-h fuel in lb/ft² (S&B 2005, Table 7).
        assert!((gr1.load_1h_lb_ft2 - 0.10 * 2000.0 / 43560.0).abs() < 1e-8);
        assert_eq!(lookup("gr1").unwrap().number, 101);
        assert_eq!(lookup(" FM4 ").unwrap().number, 4);
        assert_eq!(by_number(13).unwrap().code, "FM13");
        assert_eq!(by_code("SB4").unwrap().number, 204);
        // Model 2 carries its live fuel as herb, model 4 as woody.
        assert!(by_number(2).unwrap().load_herb_lb_ft2 > 0.0);
        assert!(by_number(4).unwrap().load_woody_lb_ft2 > 0.0);
    }

    #[test]
    fn unknown_models_are_errors() {
        assert!(matches!(lookup("14"), Err(FireError::UnknownFuelModel(_))));
        assert!(matches!(
            lookup("V-Hb"),
            Err(FireError::UnknownFuelModel(_))
        ));
        assert!(matches!(lookup(""), Err(FireError::UnknownFuelModel(_))));
        assert!(matches!(by_number(0), Err(FireError::UnknownFuelModel(_))));
    }
}
