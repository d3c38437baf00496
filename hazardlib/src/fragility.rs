//! Hazus v5.1 earthquake fragility curves for lifeline components, damage-state
//! sampling and repair consequences.
//!
//! Source: FEMA Hazus 5.1 Earthquake Model Technical Manual, as machine-readable
//! tables in NHERI SimCenter's Damage and Loss Model Library (DLML), files
//! "Hazus v5.1" power (substations EP.S, distribution circuits EP.C,
//! generation plants EP.G) and transportation (roads HRD, bridges HWB,
//! tunnels HTU). Each limit state k is lognormal:
//!
//! ```text
//! P(DS ≥ ds_k | IM) = Φ( ln(IM/θ_k) / β_k )
//! ```
//!
//! with median θ_k and log-standard deviation β_k. Demand (IM) and its unit
//! depend on the class: PGA in g (power, tunnels under shaking), Sa(1.0 s) in
//! g (bridges HWB.GS, medians without Hazus's skew/3-D/shape modifiers),
//! permanent ground deformation in inches (HRD.GF, HWB.GF, HTU.GF).
//!
//! **Monotone exceedance.** Curves with different β can cross (EP.S.L.U at
//! PGA 1.0 g: raw P(≥Extensive) 0.996502 > P(≥Moderate) 0.996472), which
//! would make a damage-state probability negative. [`FragilityClass::p_exceed`]
//! therefore reports P(≥ds_k) := max over j ≥ k of the raw Φ values; the raw
//! curves stay available via [`FragilityClass::p_exceed_raw`].
//!
//! **States.** The k-th limit state of a class maps to the k-th of Slight,
//! Moderate, Extensive, Complete. Classes with fewer than four limit states
//! (roads HRD.GF and tunnels HTU.GF: three; tunnels HTU.GS: two) leave the
//! remaining exceedances `None`; Hazus names the third state of roads and
//! tunnels "Extensive/Complete", which this module reports as Extensive.
//!
//! Glossary: a **damage state** (DS) is a discrete level of physical damage;
//! a **limit state** is the threshold curve between two damage states.
//!
//! Repair consequences (mean days, loss ratios) for roads, bridges and tunnels
//! come from the DLML transportation consequence table; bridge restoration
//! curves from the Hazus table (normal CDFs in days). Hazus restoration
//! functions for substations are not in the reference: the integrator models
//! power repair as crew work with plan-parameter hours (an assumption).

use crate::UnknownName;
use crate::normal::{normal_cdf, std_normal_cdf};

/// Damage states are [`crate::damage::DamageState`] (`None` < `Slight` < … < `Complete`; index =
/// `state as usize`), so sampled states go straight into the World.
pub use crate::damage::DamageState;

/// The state with `k` limit states exceeded (0 = None, ≥ 4 = Complete).
fn state_from_index(k: usize) -> DamageState {
    [
        DamageState::None,
        DamageState::Slight,
        DamageState::Moderate,
        DamageState::Extensive,
        DamageState::Complete,
    ][k.min(4)]
}

/// The intensity measure a fragility class is conditioned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Demand {
    /// Peak ground acceleration, g.
    Pga,
    /// 5 %-damped spectral acceleration at 1.0 s, g.
    Sa10,
    /// Permanent ground deformation, inches.
    Pgd,
}

impl Demand {
    /// The DLML demand-type text.
    pub fn type_name(self) -> &'static str {
        match self {
            Demand::Pga => "Peak Ground Acceleration",
            Demand::Sa10 => "Spectral Acceleration|1.0",
            Demand::Pgd => "Permanent Ground Deformation",
        }
    }

    /// The demand unit: `g` or `inch`.
    pub fn unit(self) -> &'static str {
        match self {
            Demand::Pga | Demand::Sa10 => "g",
            Demand::Pgd => "inch",
        }
    }
}

/// One lognormal limit state.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LimitState {
    /// Median θ, in the class's demand unit.
    pub median: f64,
    /// Log-standard deviation β.
    pub beta: f64,
}

const fn ls(median: f64, beta: f64) -> LimitState {
    LimitState { median, beta }
}

/// A Hazus fragility class: id, demand and 2–4 limit states.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FragilityClass {
    /// DLML id, e.g. `EP.S.L.A`, `HWB.GS.5`, `HRD.GF.1`.
    pub id: &'static str,
    /// Intensity measure the curves are conditioned on.
    pub demand: Demand,
    /// Limit states in increasing severity (2 to 4 of them).
    pub limit_states: &'static [LimitState],
}

/// Exceedance probabilities P(DS ≥ Slight … Complete); `None` past the
/// class's last state.
pub type Exceedance = [Option<f64>; 4];

impl FragilityClass {
    /// Number of damage states above None.
    pub fn n_states(&self) -> usize {
        self.limit_states.len().min(4)
    }

    /// Raw Φ(ln(im/θ)/β) per limit state, possibly non-monotone. `im` in the
    /// class's demand unit; im ≤ 0 gives 0; NaN gives NaN.
    pub fn p_exceed_raw(&self, im: f64) -> Exceedance {
        let mut out = [None; 4];
        for (slot, s) in out.iter_mut().zip(self.limit_states) {
            *slot = Some(if im <= 0.0 {
                0.0
            } else {
                std_normal_cdf((im / s.median).ln() / s.beta)
            });
        }
        out
    }

    /// Monotone exceedance: P(≥ds_k) = max over j ≥ k of the raw values, so
    /// P(≥Slight) ≥ P(≥Moderate) ≥ … and no state probability is negative.
    pub fn p_exceed(&self, im: f64) -> Exceedance {
        let mut out = self.p_exceed_raw(im);
        let mut worse = 0.0f64;
        for slot in out.iter_mut().rev().flatten() {
            worse = worse.max(*slot);
            *slot = worse;
        }
        out
    }

    /// P(DS = ds) for None, Slight, Moderate, Extensive, Complete (index =
    /// `DamageState as usize`); states the class does not have get 0. Sums to 1.
    pub fn state_probabilities(&self, im: f64) -> [f64; 5] {
        let ex = self.p_exceed(im);
        let mut p = [0.0; 5];
        let mut above = 1.0; // P(DS ≥ the previous state)
        for (k, e) in ex.iter().enumerate() {
            let Some(e) = *e else { break };
            p[k] = above - e;
            above = e;
        }
        p[self.n_states()] = above;
        p
    }

    /// Inverse-CDF draw of the damage state for a uniform `u` in [0, 1): the
    /// state is the number of limit states with `u < P(≥ds_k)`. Because the
    /// exceedance is monotone this is the worst such state, and a smaller `u`
    /// never gives a milder state. `u` outside [0, 1) saturates; NaN gives None.
    ///
    /// Fast path, same result: `u < Φ(z)` ⟺ `z > Φ⁻¹(u)`, so one approximate
    /// Φ⁻¹(u) settles every limit state whose `z = ln(im/θ)/β` is more than
    /// [`DECIDE_MARGIN`] away from it; only states that close (and `u` in
    /// the far upper tail, where doubles near 1 are too coarse) evaluate Φ
    /// as [`Self::p_exceed_raw`] does. A test checks it against
    /// [`Self::sample_state_by_cdf`] on every class.
    pub fn sample_state(&self, im: f64, u: f64) -> DamageState {
        if !(im > 0.0 && im.is_finite() && u > 0.0 && u <= 1.0 - 1e-6) {
            return self.sample_state_by_cdf(im, u);
        }
        let x = std_normal_quantile_approx(u);
        let ln_im = im.ln();
        // The worst state with u < P_raw(≥ds_j) gives, after the monotone
        // max, exactly j + 1 states with u < P(≥ds_k).
        for (j, s) in self.limit_states.iter().take(4).enumerate().rev() {
            let z = (ln_im - s.median.ln()) / s.beta;
            let exceeds = if z > x + DECIDE_MARGIN {
                true
            } else if z < x - DECIDE_MARGIN {
                false
            } else {
                u < std_normal_cdf((im / s.median).ln() / s.beta)
            };
            if exceeds {
                return state_from_index(j + 1);
            }
        }
        DamageState::None
    }

    /// [`Self::sample_state`] the direct way: every limit state's monotone
    /// exceedance probability, then count those above `u`.
    pub fn sample_state_by_cdf(&self, im: f64, u: f64) -> DamageState {
        let k = self
            .p_exceed(im)
            .iter()
            .flatten()
            .filter(|&&p| u < p)
            .count();
        state_from_index(k)
    }
}

/// How far apart (in standard-normal units) a limit state's `z` and the
/// approximate Φ⁻¹(u) must be for [`FragilityClass::sample_state`] to
/// decide without evaluating Φ: far above the approximation's error
/// (≈ 1e-8) and the rounding of `z` (≈ 1e-14).
pub const DECIDE_MARGIN: f64 = 1e-4;

/// Φ⁻¹(p) for 0 < p < 1 by Acklam's rational approximation (relative error
/// below 1.2e-9); used only to decide comparisons with a margin.
fn std_normal_quantile_approx(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

/// All classes, power first then transportation, in DLML file order.
pub fn classes() -> &'static [FragilityClass] {
    &table::CLASSES
}

/// Looks a class up by its DLML id (exact, case-sensitive).
pub fn class(id: &str) -> Result<&'static FragilityClass, UnknownName> {
    table::CLASSES.iter().find(|c| c.id == id).ok_or_else(|| {
        UnknownName::new(
            "fragility class",
            id,
            "a Hazus v5.1 DLML id such as EP.S.L.A, EP.C.U, EP.G.S.A, HWB.GS.1…28, HWB.GF, HRD.GF.1/2, HTU.GS.1/2, HTU.GF",
        )
    })
}

/// Lifeline family whose repair consequences are tabulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Facility {
    /// Highway roads (HRD).
    Road,
    /// Highway bridges (HWB).
    Bridge,
    /// Highway tunnels (HTU).
    Tunnel,
}

impl Facility {
    /// The family of a class id (`HRD…`, `HWB…`, `HTU…`); power has none.
    pub fn of_class(id: &str) -> Option<Facility> {
        REPAIR
            .iter()
            .find(|r| id.starts_with(r.prefix))
            .map(|r| r.facility)
    }
}

/// Repair consequences per damage state DS1…DS4 (DLML Hazus v5.1
/// transportation consequence table, "Time" and "Cost" rows).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RepairConsequence {
    /// Facility family.
    pub facility: Facility,
    /// Class-id prefix in the DLML (`HRD`, `HWB`, `HTU`).
    pub prefix: &'static str,
    /// Mean repair time, days, for Slight … Complete.
    pub days: [Option<f64>; 4],
    /// Repair cost as a fraction of replacement cost.
    pub loss_ratio: [Option<f64>; 4],
}

/// Roads 2/9/70 days, bridges 2/10/200/365, tunnels 2/10/365.
pub const REPAIR: [RepairConsequence; 3] = [
    RepairConsequence {
        facility: Facility::Road,
        prefix: "HRD",
        days: [Some(2.0), Some(9.0), Some(70.0), None],
        loss_ratio: [Some(0.1), Some(0.75), Some(0.9), None],
    },
    RepairConsequence {
        facility: Facility::Bridge,
        prefix: "HWB",
        days: [Some(2.0), Some(10.0), Some(200.0), Some(365.0)],
        loss_ratio: [Some(0.3), Some(0.7), Some(0.98), Some(1.0)],
    },
    RepairConsequence {
        facility: Facility::Tunnel,
        prefix: "HTU",
        days: [Some(2.0), Some(10.0), Some(365.0), None],
        loss_ratio: [Some(0.1), Some(0.75), Some(1.0), None],
    },
];

/// Mean repair days for a class id in damage state `ds`; `Some(0.0)` for
/// `None`, `None` where the table has no entry (power classes, or a state the
/// family does not have).
pub fn repair_days(class_id: &str, ds: DamageState) -> Option<f64> {
    let fac = Facility::of_class(class_id)?;
    let rc = REPAIR.iter().find(|r| r.facility == fac)?;
    match ds {
        DamageState::None => Some(0.0),
        _ => rc.days[ds as usize - 1],
    }
}

/// A normal restoration curve: fraction of function restored t days after
/// the event = Φ((t − mean)/sd).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Restoration {
    /// Mean, days.
    pub mean_days: f64,
    /// Standard deviation, days.
    pub sd_days: f64,
}

impl Restoration {
    /// Fraction of functionality restored after `t_days`.
    pub fn restored_fraction(&self, t_days: f64) -> f64 {
        normal_cdf(t_days, self.mean_days, self.sd_days)
    }
}

/// Hazus highway-bridge restoration curves for Slight … Complete
/// (μ/σ = 0.6/0.6, 2.5/2.7, 75/42, 230/110 days; Hazus table via two public
/// transcriptions).
pub const BRIDGE_RESTORATION: [Restoration; 4] = [
    Restoration {
        mean_days: 0.6,
        sd_days: 0.6,
    },
    Restoration {
        mean_days: 2.5,
        sd_days: 2.7,
    },
    Restoration {
        mean_days: 75.0,
        sd_days: 42.0,
    },
    Restoration {
        mean_days: 230.0,
        sd_days: 110.0,
    },
];

/// The DLML classes, transcribed by script from the reference CSVs (a test
/// re-reads the CSV copies in `tests/data` and compares every value).
#[rustfmt::skip]
pub mod table {
    use super::{Demand, FragilityClass, ls};
    /// Power classes (EP.*) then transportation classes (HRD, HWB, HTU).
    pub const CLASSES: [FragilityClass; 46] = [
        FragilityClass { id: "EP.S.L.A", demand: Demand::Pga, limit_states: &[ls(0.15, 0.7), ls(0.29, 0.55), ls(0.45, 0.45), ls(0.9, 0.45)] },
        FragilityClass { id: "EP.S.L.U", demand: Demand::Pga, limit_states: &[ls(0.13, 0.65), ls(0.26, 0.5), ls(0.34, 0.4), ls(0.74, 0.4)] },
        FragilityClass { id: "EP.S.M.A", demand: Demand::Pga, limit_states: &[ls(0.15, 0.6), ls(0.25, 0.5), ls(0.35, 0.4), ls(0.7, 0.4)] },
        FragilityClass { id: "EP.S.M.U", demand: Demand::Pga, limit_states: &[ls(0.1, 0.6), ls(0.2, 0.5), ls(0.3, 0.4), ls(0.5, 0.4)] },
        FragilityClass { id: "EP.S.H.A", demand: Demand::Pga, limit_states: &[ls(0.11, 0.5), ls(0.15, 0.45), ls(0.2, 0.35), ls(0.47, 0.4)] },
        FragilityClass { id: "EP.S.H.U", demand: Demand::Pga, limit_states: &[ls(0.09, 0.5), ls(0.13, 0.4), ls(0.17, 0.35), ls(0.38, 0.35)] },
        FragilityClass { id: "EP.C.A", demand: Demand::Pga, limit_states: &[ls(0.28, 0.3), ls(0.4, 0.2), ls(0.72, 0.15), ls(1.1, 0.15)] },
        FragilityClass { id: "EP.C.U", demand: Demand::Pga, limit_states: &[ls(0.24, 0.25), ls(0.33, 0.2), ls(0.58, 0.15), ls(0.89, 0.15)] },
        FragilityClass { id: "EP.G.S.A", demand: Demand::Pga, limit_states: &[ls(0.1, 0.55), ls(0.21, 0.55), ls(0.48, 0.5), ls(0.78, 0.5)] },
        FragilityClass { id: "EP.G.S.U", demand: Demand::Pga, limit_states: &[ls(0.1, 0.5), ls(0.17, 0.5), ls(0.42, 0.5), ls(0.58, 0.55)] },
        FragilityClass { id: "EP.G.ML.A", demand: Demand::Pga, limit_states: &[ls(0.1, 0.6), ls(0.25, 0.6), ls(0.52, 0.55), ls(0.92, 0.55)] },
        FragilityClass { id: "EP.G.ML.U", demand: Demand::Pga, limit_states: &[ls(0.1, 0.6), ls(0.22, 0.55), ls(0.49, 0.5), ls(0.79, 0.5)] },
        FragilityClass { id: "HRD.GF.1", demand: Demand::Pgd, limit_states: &[ls(12.0, 0.7), ls(24.0, 0.7), ls(60.0, 0.7)] },
        FragilityClass { id: "HRD.GF.2", demand: Demand::Pgd, limit_states: &[ls(6.0, 0.7), ls(12.0, 0.7), ls(24.0, 0.7)] },
        FragilityClass { id: "HWB.GS.1", demand: Demand::Sa10, limit_states: &[ls(0.4, 0.6), ls(0.5, 0.6), ls(0.7, 0.6), ls(0.9, 0.6)] },
        FragilityClass { id: "HWB.GS.2", demand: Demand::Sa10, limit_states: &[ls(0.6, 0.6), ls(0.9, 0.6), ls(1.1, 0.6), ls(1.7, 0.6)] },
        FragilityClass { id: "HWB.GS.3", demand: Demand::Sa10, limit_states: &[ls(0.8, 0.6), ls(1.0, 0.6), ls(1.2, 0.6), ls(1.7, 0.6)] },
        FragilityClass { id: "HWB.GS.4", demand: Demand::Sa10, limit_states: &[ls(0.8, 0.6), ls(1.0, 0.6), ls(1.2, 0.6), ls(1.7, 0.6)] },
        FragilityClass { id: "HWB.GS.5", demand: Demand::Sa10, limit_states: &[ls(0.25, 0.6), ls(0.35, 0.6), ls(0.45, 0.6), ls(0.7, 0.6)] },
        FragilityClass { id: "HWB.GS.6", demand: Demand::Sa10, limit_states: &[ls(0.3, 0.6), ls(0.5, 0.6), ls(0.6, 0.6), ls(0.9, 0.6)] },
        FragilityClass { id: "HWB.GS.7", demand: Demand::Sa10, limit_states: &[ls(0.5, 0.6), ls(0.8, 0.6), ls(1.1, 0.6), ls(1.7, 0.6)] },
        FragilityClass { id: "HWB.GS.8", demand: Demand::Sa10, limit_states: &[ls(0.35, 0.6), ls(0.45, 0.6), ls(0.55, 0.6), ls(0.8, 0.6)] },
        FragilityClass { id: "HWB.GS.9", demand: Demand::Sa10, limit_states: &[ls(0.6, 0.6), ls(0.9, 0.6), ls(1.3, 0.6), ls(1.6, 0.6)] },
        FragilityClass { id: "HWB.GS.10", demand: Demand::Sa10, limit_states: &[ls(0.6, 0.6), ls(0.9, 0.6), ls(1.1, 0.6), ls(1.5, 0.6)] },
        FragilityClass { id: "HWB.GS.11", demand: Demand::Sa10, limit_states: &[ls(0.9, 0.6), ls(0.9, 0.6), ls(1.1, 0.6), ls(1.5, 0.6)] },
        FragilityClass { id: "HWB.GS.12", demand: Demand::Sa10, limit_states: &[ls(0.25, 0.6), ls(0.35, 0.6), ls(0.45, 0.6), ls(0.7, 0.6)] },
        FragilityClass { id: "HWB.GS.13", demand: Demand::Sa10, limit_states: &[ls(0.3, 0.6), ls(0.5, 0.6), ls(0.6, 0.6), ls(0.9, 0.6)] },
        FragilityClass { id: "HWB.GS.14", demand: Demand::Sa10, limit_states: &[ls(0.5, 0.6), ls(0.8, 0.6), ls(1.1, 0.6), ls(1.7, 0.6)] },
        FragilityClass { id: "HWB.GS.15", demand: Demand::Sa10, limit_states: &[ls(0.75, 0.6), ls(0.75, 0.6), ls(0.75, 0.6), ls(1.1, 0.6)] },
        FragilityClass { id: "HWB.GS.16", demand: Demand::Sa10, limit_states: &[ls(0.9, 0.6), ls(0.9, 0.6), ls(1.1, 0.6), ls(1.5, 0.6)] },
        FragilityClass { id: "HWB.GS.17", demand: Demand::Sa10, limit_states: &[ls(0.25, 0.6), ls(0.35, 0.6), ls(0.45, 0.6), ls(0.7, 0.6)] },
        FragilityClass { id: "HWB.GS.18", demand: Demand::Sa10, limit_states: &[ls(0.3, 0.6), ls(0.5, 0.6), ls(0.6, 0.6), ls(0.9, 0.6)] },
        FragilityClass { id: "HWB.GS.19", demand: Demand::Sa10, limit_states: &[ls(0.5, 0.6), ls(0.8, 0.6), ls(1.1, 0.6), ls(1.7, 0.6)] },
        FragilityClass { id: "HWB.GS.20", demand: Demand::Sa10, limit_states: &[ls(0.35, 0.6), ls(0.45, 0.6), ls(0.55, 0.6), ls(0.8, 0.6)] },
        FragilityClass { id: "HWB.GS.21", demand: Demand::Sa10, limit_states: &[ls(0.6, 0.6), ls(0.9, 0.6), ls(1.3, 0.6), ls(1.6, 0.6)] },
        FragilityClass { id: "HWB.GS.22", demand: Demand::Sa10, limit_states: &[ls(0.6, 0.6), ls(0.9, 0.6), ls(1.1, 0.6), ls(1.5, 0.6)] },
        FragilityClass { id: "HWB.GS.23", demand: Demand::Sa10, limit_states: &[ls(0.9, 0.6), ls(0.9, 0.6), ls(1.1, 0.6), ls(1.5, 0.6)] },
        FragilityClass { id: "HWB.GS.24", demand: Demand::Sa10, limit_states: &[ls(0.25, 0.6), ls(0.35, 0.6), ls(0.45, 0.6), ls(0.7, 0.6)] },
        FragilityClass { id: "HWB.GS.25", demand: Demand::Sa10, limit_states: &[ls(0.3, 0.6), ls(0.5, 0.6), ls(0.6, 0.6), ls(0.9, 0.6)] },
        FragilityClass { id: "HWB.GS.26", demand: Demand::Sa10, limit_states: &[ls(0.75, 0.6), ls(0.75, 0.6), ls(0.75, 0.6), ls(1.1, 0.6)] },
        FragilityClass { id: "HWB.GS.27", demand: Demand::Sa10, limit_states: &[ls(0.75, 0.6), ls(0.75, 0.6), ls(0.75, 0.6), ls(1.1, 0.6)] },
        FragilityClass { id: "HWB.GS.28", demand: Demand::Sa10, limit_states: &[ls(0.8, 0.6), ls(1.0, 0.6), ls(1.2, 0.6), ls(1.7, 0.6)] },
        FragilityClass { id: "HWB.GF", demand: Demand::Pgd, limit_states: &[ls(3.9, 0.2), ls(3.9, 0.2), ls(3.9, 0.2), ls(13.8, 0.2)] },
        FragilityClass { id: "HTU.GS.1", demand: Demand::Pga, limit_states: &[ls(0.6, 0.6), ls(0.8, 0.6)] },
        FragilityClass { id: "HTU.GS.2", demand: Demand::Pga, limit_states: &[ls(0.5, 0.6), ls(0.7, 0.6)] },
        FragilityClass { id: "HTU.GF", demand: Demand::Pgd, limit_states: &[ls(6.0, 0.7), ls(12.0, 0.5), ls(60.0, 0.5)] },
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_unique_and_state_counts() {
        let mut ids: Vec<_> = classes().iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), classes().len());
        assert_eq!(class("HTU.GS.1").map(|c| c.n_states()), Ok(2));
        assert_eq!(class("HRD.GF.1").map(|c| c.n_states()), Ok(3));
        assert_eq!(class("HWB.GS.5").map(|c| c.demand), Ok(Demand::Sa10));
        assert!(class("ep.s.l.a").is_err());
    }

    #[test]
    fn repair_lookup() {
        assert_eq!(repair_days("HRD.GF.1", DamageState::Extensive), Some(70.0));
        assert_eq!(repair_days("HRD.GF.1", DamageState::Complete), None);
        assert_eq!(repair_days("HWB.GS.5", DamageState::Complete), Some(365.0));
        assert_eq!(repair_days("HTU.GF", DamageState::Moderate), Some(10.0));
        assert_eq!(repair_days("EP.S.L.A", DamageState::Slight), None);
        assert!((BRIDGE_RESTORATION[2].restored_fraction(75.0) - 0.5).abs() < 1e-15);
    }
}
