//! Akkar & Bommer (2010) GMPE for Europe and the Middle East, with the PGA
//! coefficients replaced by the update of Bommer, Akkar & Drouet (2012).
//!
//! Papers: S. Akkar, J. J. Bommer (2010), "Empirical equations for the
//! prediction of PGA, PGV, and spectral accelerations in Europe, the
//! Mediterranean region, and the Middle East", *Seismol. Res. Lett.*
//! 81(2):195–206, Eq. (1) and Table 1; J. J. Bommer, S. Akkar, S. Drouet
//! (2012), *Bull. Earthquake Eng.* 10:379–399 (revised PGA row).
//!
//! Equation (1), log10 units, Y in cm/s²:
//!
//! ```text
//! log10 Y = b1 + b2 M + b3 M² + (b4 + b5 M) log10 √(Rjb² + b6²)
//!         + b7 S_S + b8 S_A + b9 F_N + b10 F_R
//! ```
//!
//! - Site dummies: S_S = 1 if Vs30 < 360 m/s (soft soil); S_A = 1 if
//!   360 ≤ Vs30 ≤ 750 m/s (stiff soil); rock otherwise. Vs30 enters only
//!   through these classes.
//! - Mechanism dummies: F_N = 1 if −135° ≤ rake ≤ −45° (normal); F_R = 1 if
//!   45° ≤ rake ≤ 135° (reverse); strike-slip otherwise.
//! - Output: median in g = 10^(log10 Y)/100/9.80665; σ converted from log10
//!   to ln by × ln 10; total σ from the table's `SigmaTot` (= √(Sigma1² + τ²)).
//!
//! Inputs: Mw, rake (degrees), Rjb (km), Vs30 (m/s). Valid range stated by
//! the paper: Mw 5.0–7.6, Rjb 0–100 km, periods 0–3 s. Verified against the
//! OpenQuake hazardlib verification table (max relative error in the README).

use super::{GmResult, GroundMotionModel, Imt, Mechanism, Rupture, Site, Validity, wrap_rake};
use crate::units::{G, Km};

/// Akkar & Bommer (2010) with the Bommer et al. (2012) PGA coefficients.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AkkarBommer2010;

/// One row of AK10 Table 1 (log10 units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ak10Coeffs {
    /// Oscillator period, s (0 for PGA).
    pub period_s: f64,
    /// b1 … b10 of Eq. (1).
    pub b: [f64; 10],
    /// Within-event σ, log10 units.
    pub sigma1: f64,
    /// Between-event τ, log10 units.
    pub tau: f64,
    /// Total σ, log10 units.
    pub sigma_tot: f64,
}

impl AkkarBommer2010 {
    /// Mechanism by the AK10 rule (see module doc). Rake is wrapped first.
    pub fn mechanism(rake_deg: f64) -> Mechanism {
        let r = wrap_rake(rake_deg);
        if (-135.0..=-45.0).contains(&r) {
            Mechanism::Normal
        } else if (45.0..=135.0).contains(&r) {
            Mechanism::Reverse
        } else {
            Mechanism::StrikeSlip
        }
    }

    /// (S_S, S_A) site dummies for a Vs30 in m/s.
    pub fn site_dummies(vs30: f64) -> (f64, f64) {
        if vs30 < 360.0 {
            (1.0, 0.0)
        } else if vs30 <= 750.0 {
            (0.0, 1.0)
        } else {
            (0.0, 0.0)
        }
    }

    /// The coefficient row for `imt`.
    pub fn coefficients(imt: Imt) -> &'static Ak10Coeffs {
        match imt {
            Imt::Pga => &table::PGA,
            Imt::Sa02 => &table::SA[I_SA02],
            Imt::Sa10 => &table::SA[I_SA10],
        }
    }

    /// log10 of the median in cm/s², Eq. (1).
    pub fn log10_median_cm_s2(c: &Ak10Coeffs, rup: &Rupture, site: &Site) -> f64 {
        let b = &c.b;
        let m = rup.mag;
        let (s_s, s_a) = Self::site_dummies(site.vs30.0);
        let (f_n, f_r) = match Self::mechanism(rup.rake.0) {
            Mechanism::Normal => (1.0, 0.0),
            Mechanism::Reverse => (0.0, 1.0),
            Mechanism::StrikeSlip => (0.0, 0.0),
        };
        let r = site.rjb.0.hypot(b[5]);
        b[0] + b[1] * m
            + b[2] * m * m
            + (b[3] + b[4] * m) * r.log10()
            + b[6] * s_s
            + b[7] * s_a
            + b[8] * f_n
            + b[9] * f_r
    }
}

impl GroundMotionModel for AkkarBommer2010 {
    fn name(&self) -> &'static str {
        "AkkarBommer2010"
    }

    fn validity(&self) -> Validity {
        Validity {
            mag: (5.0, 7.6),
            rjb_max: Km(100.0),
            vs30: None,
        }
    }

    fn median_sigma(&self, rup: &Rupture, site: &Site, imt: Imt) -> GmResult {
        let c = Self::coefficients(imt);
        let log10_y = Self::log10_median_cm_s2(c, rup, site);
        let ln10 = std::f64::consts::LN_10;
        GmResult {
            median: G::from_cm_s2(10f64.powf(log10_y)),
            sigma_ln: c.sigma_tot * ln10,
            tau_ln: c.tau * ln10,
            phi_ln: c.sigma1 * ln10,
        }
    }
}

/// Index of `period` in `table::SA`; a missing period fails the build.
const fn find_period(period: f64) -> usize {
    let mut i = 0;
    while i < table::SA.len() {
        if table::SA[i].period_s == period {
            return i;
        }
        i += 1;
    }
    panic!("period missing from the AK10 table")
}
const I_SA02: usize = find_period(0.2);
const I_SA10: usize = find_period(1.0);

/// AK10 Table 1 with the Bommer et al. (2012) PGA row, transcribed by script
/// from the reference CSV (a test re-reads the CSV copy in `tests/data` and
/// compares every value). PGV is omitted (it is in cm/s, not g). The 4.0 s
/// row repeats 3.0 s: OpenQuake's extension, kept as in the source table.
#[rustfmt::skip]
pub mod table {
    use super::Ak10Coeffs;
    /// PGA row (Bommer et al. 2012).
    pub const PGA: Ak10Coeffs = Ak10Coeffs { period_s: 0.0, b: [1.43525, 0.74866, -0.06520, -2.72950, 0.25139, 7.74959, 0.08320, 0.00766, -0.05823, 0.07087], sigma1: 0.2611, tau: 0.1056, sigma_tot: 0.281646179 };
    /// Spectral-acceleration rows, ascending period.
    pub const SA: [Ak10Coeffs; 65] = [
        Ak10Coeffs { period_s: 0.01, b: [1.43153, 0.75258, -0.06557, -2.73290, 0.25170, 7.73304, 0.08105, 0.00745, -0.05886, 0.07169], sigma1: 0.2616, tau: 0.1051, sigma_tot: 0.281922986 },
        Ak10Coeffs { period_s: 0.02, b: [1.48690, 0.75966, -0.06767, -2.82146, 0.26510, 7.20661, 0.07825, 0.00618, -0.06111, 0.06756], sigma1: 0.2635, tau: 0.1114, sigma_tot: 0.286080775 },
        Ak10Coeffs { period_s: 0.03, b: [1.64821, 0.73507, -0.06700, -2.89764, 0.27607, 6.87179, 0.06376, -0.00528, -0.06189, 0.06529], sigma1: 0.2675, tau: 0.1137, sigma_tot: 0.290661212 },
        Ak10Coeffs { period_s: 0.04, b: [2.08925, 0.65032, -0.06218, -3.02618, 0.28999, 7.42328, 0.05045, -0.02091, -0.06278, 0.05935], sigma1: 0.2709, tau: 0.1152, sigma_tot: 0.294377054 },
        Ak10Coeffs { period_s: 0.05, b: [2.49228, 0.58575, -0.06043, -3.20215, 0.31485, 7.75532, 0.03798, -0.03143, -0.06708, 0.06382], sigma1: 0.2728, tau: 0.1181, sigma_tot: 0.297266631 },
        Ak10Coeffs { period_s: 0.10, b: [2.11994, 0.75179, -0.07448, -3.10538, 0.30253, 8.21405, 0.02667, -0.00062, -0.04906, 0.07910], sigma1: 0.2728, tau: 0.1167, sigma_tot: 0.296713212 },
        Ak10Coeffs { period_s: 0.15, b: [1.64489, 0.83683, -0.07544, -2.75848, 0.25490, 8.31786, 0.02578, 0.01703, -0.04184, 0.07840], sigma1: 0.2788, tau: 0.1192, sigma_tot: 0.303212928 },
        Ak10Coeffs { period_s: 0.20, b: [0.92065, 0.96815, -0.07903, -2.49264, 0.21790, 8.21914, 0.06557, 0.02105, -0.02098, 0.08438], sigma1: 0.2821, tau: 0.1081, sigma_tot: 0.302102665 },
        Ak10Coeffs { period_s: 0.25, b: [0.13978, 1.13068, -0.08761, -2.33824, 0.20089, 7.20688, 0.09810, 0.03919, -0.04853, 0.08577], sigma1: 0.2871, tau: 0.0990, sigma_tot: 0.303689661 },
        Ak10Coeffs { period_s: 0.30, b: [-0.84006, 1.37439, -0.10349, -2.19123, 0.18139, 6.54299, 0.12847, 0.04340, -0.05554, 0.09221], sigma1: 0.2902, tau: 0.0976, sigma_tot: 0.306172827 },
        Ak10Coeffs { period_s: 0.35, b: [-1.32207, 1.47055, -0.10873, -2.12993, 0.17485, 6.24751, 0.16213, 0.06695, -0.04722, 0.09003], sigma1: 0.2983, tau: 0.1054, sigma_tot: 0.316373276 },
        Ak10Coeffs { period_s: 0.40, b: [-1.70320, 1.55930, -0.11388, -2.12718, 0.17137, 6.57173, 0.21222, 0.09201, -0.05145, 0.09903], sigma1: 0.2998, tau: 0.1101, sigma_tot: 0.319377598 },
        Ak10Coeffs { period_s: 0.45, b: [-1.97201, 1.61645, -0.11742, -2.16619, 0.17700, 6.78082, 0.24121, 0.11675, -0.05202, 0.09943], sigma1: 0.3037, tau: 0.1123, sigma_tot: 0.323797746 },
        Ak10Coeffs { period_s: 0.50, b: [-2.76925, 1.83268, -0.13202, -2.12969, 0.16877, 7.17423, 0.25944, 0.13562, -0.04283, 0.08579], sigma1: 0.3078, tau: 0.1163, sigma_tot: 0.329038797 },
        Ak10Coeffs { period_s: 0.55, b: [-3.51672, 2.02523, -0.14495, -2.04211, 0.15617, 6.76170, 0.26498, 0.14446, -0.04259, 0.06945], sigma1: 0.3070, tau: 0.1274, sigma_tot: 0.332384958 },
        Ak10Coeffs { period_s: 0.60, b: [-3.92759, 2.08471, -0.14648, -1.88144, 0.13621, 6.10103, 0.27718, 0.15156, -0.03853, 0.05932], sigma1: 0.3007, tau: 0.1430, sigma_tot: 0.332970704 },
        Ak10Coeffs { period_s: 0.65, b: [-4.49490, 2.21154, -0.15522, -1.79031, 0.12916, 5.19135, 0.28574, 0.15239, -0.03423, 0.05111], sigma1: 0.3004, tau: 0.1546, sigma_tot: 0.337848072 },
        Ak10Coeffs { period_s: 0.70, b: [-4.62925, 2.21764, -0.15491, -1.79800, 0.13495, 4.46323, 0.30348, 0.15652, -0.04146, 0.04661], sigma1: 0.2978, tau: 0.1626, sigma_tot: 0.339298688 },
        Ak10Coeffs { period_s: 0.75, b: [-4.95053, 2.29142, -0.15983, -1.81321, 0.13920, 4.27945, 0.31516, 0.16333, -0.04050, 0.04253], sigma1: 0.2973, tau: 0.1602, sigma_tot: 0.337714865 },
        Ak10Coeffs { period_s: 0.80, b: [-5.32863, 2.38389, -0.16571, -1.77273, 0.13273, 4.37011, 0.32153, 0.17366, -0.03946, 0.03373], sigma1: 0.2927, tau: 0.1584, sigma_tot: 0.332812034 },
        Ak10Coeffs { period_s: 0.85, b: [-5.75799, 2.50635, -0.17479, -1.77068, 0.13096, 4.62192, 0.33520, 0.18480, -0.03786, 0.02867], sigma1: 0.2917, tau: 0.1543, sigma_tot: 0.32999603 },
        Ak10Coeffs { period_s: 0.90, b: [-5.82689, 2.50287, -0.17367, -1.76295, 0.13059, 4.65393, 0.34849, 0.19061, -0.02884, 0.02475], sigma1: 0.2915, tau: 0.1521, sigma_tot: 0.328795772 },
        Ak10Coeffs { period_s: 0.95, b: [-5.90592, 2.51405, -0.17417, -1.79854, 0.13535, 4.84540, 0.35919, 0.19411, -0.02209, 0.02502], sigma1: 0.2912, tau: 0.1484, sigma_tot: 0.326833291 },
        Ak10Coeffs { period_s: 1.00, b: [-6.17066, 2.58558, -0.17938, -1.80717, 0.13599, 4.97596, 0.36619, 0.19519, -0.02269, 0.02121], sigma1: 0.2895, tau: 0.1483, sigma_tot: 0.325273946 },
        Ak10Coeffs { period_s: 1.05, b: [-6.60337, 2.69584, -0.18646, -1.73843, 0.12485, 5.04489, 0.37278, 0.19461, -0.02613, 0.01115], sigma1: 0.2888, tau: 0.1465, sigma_tot: 0.323832812 },
        Ak10Coeffs { period_s: 1.10, b: [-6.90379, 2.77044, -0.19171, -1.71109, 0.12227, 5.00975, 0.37756, 0.19423, -0.02655, 0.00140], sigma1: 0.2896, tau: 0.1427, sigma_tot: 0.322848958 },
        Ak10Coeffs { period_s: 1.15, b: [-6.96180, 2.75857, -0.18890, -1.66588, 0.11447, 5.08902, 0.38149, 0.19402, -0.02088, 0.00148], sigma1: 0.2871, tau: 0.1435, sigma_tot: 0.320965201 },
        Ak10Coeffs { period_s: 1.20, b: [-6.99236, 2.73427, -0.18491, -1.59120, 0.10265, 5.03274, 0.38120, 0.19309, -0.01623, 0.00413], sigma1: 0.2878, tau: 0.1439, sigma_tot: 0.321770182 },
        Ak10Coeffs { period_s: 1.25, b: [-6.74613, 2.62375, -0.17392, -1.52886, 0.09129, 5.08347, 0.38782, 0.19392, -0.01826, 0.00413], sigma1: 0.2863, tau: 0.1453, sigma_tot: 0.321060399 },
        Ak10Coeffs { period_s: 1.30, b: [-6.51719, 2.51869, -0.16330, -1.46527, 0.08005, 5.14423, 0.38862, 0.19273, -0.01902, -0.00369], sigma1: 0.2869, tau: 0.1427, sigma_tot: 0.320429243 },
        Ak10Coeffs { period_s: 1.35, b: [-6.55821, 2.52238, -0.16307, -1.48223, 0.08173, 5.29006, 0.38677, 0.19082, -0.01842, -0.00897], sigma1: 0.2885, tau: 0.1428, sigma_tot: 0.321906959 },
        Ak10Coeffs { period_s: 1.40, b: [-6.61945, 2.52611, -0.16274, -1.48257, 0.08213, 5.33490, 0.38625, 0.19285, -0.01607, -0.00876], sigma1: 0.2875, tau: 0.1458, sigma_tot: 0.322356774 },
        Ak10Coeffs { period_s: 1.45, b: [-6.62737, 2.49858, -0.15910, -1.43310, 0.07577, 5.19412, 0.38285, 0.19161, -0.01288, -0.00564], sigma1: 0.2857, tau: 0.1477, sigma_tot: 0.321620553 },
        Ak10Coeffs { period_s: 1.50, b: [-6.71787, 2.49486, -0.15689, -1.35301, 0.06379, 5.15750, 0.37867, 0.18812, -0.01208, -0.00215], sigma1: 0.2839, tau: 0.1468, sigma_tot: 0.319608276 },
        Ak10Coeffs { period_s: 1.55, b: [-6.80776, 2.50291, -0.15629, -1.31227, 0.05697, 5.27441, 0.37267, 0.18568, -0.00845, -0.00047], sigma1: 0.2845, tau: 0.1450, sigma_tot: 0.319319981 },
        Ak10Coeffs { period_s: 1.60, b: [-6.83632, 2.51009, -0.15676, -1.33260, 0.05870, 5.54539, 0.36952, 0.18149, -0.00533, -0.00006], sigma1: 0.2844, tau: 0.1457, sigma_tot: 0.319549448 },
        Ak10Coeffs { period_s: 1.65, b: [-6.88684, 2.54048, -0.15995, -1.40931, 0.06860, 5.93828, 0.36531, 0.17617, -0.00852, -0.00301], sigma1: 0.2841, tau: 0.1503, sigma_tot: 0.321407685 },
        Ak10Coeffs { period_s: 1.70, b: [-6.94600, 2.57151, -0.16294, -1.47676, 0.07672, 6.36599, 0.35936, 0.17301, -0.01204, -0.00744], sigma1: 0.2840, tau: 0.1537, sigma_tot: 0.32292366 },
        Ak10Coeffs { period_s: 1.75, b: [-7.09166, 2.62938, -0.16794, -1.54037, 0.08428, 6.82292, 0.35284, 0.16945, -0.01386, -0.01387], sigma1: 0.2840, tau: 0.1558, sigma_tot: 0.323928449 },
        Ak10Coeffs { period_s: 1.80, b: [-7.22818, 2.66824, -0.17057, -1.54273, 0.08325, 7.11603, 0.34775, 0.16743, -0.01402, -0.01492], sigma1: 0.2834, tau: 0.1582, sigma_tot: 0.324565556 },
        Ak10Coeffs { period_s: 1.85, b: [-7.29772, 2.67565, -0.17004, -1.50936, 0.07663, 7.31928, 0.34561, 0.16730, -0.01526, -0.01192], sigma1: 0.2828, tau: 0.1592, sigma_tot: 0.32453117 },
        Ak10Coeffs { period_s: 1.90, b: [-7.35522, 2.67749, -0.16934, -1.46988, 0.07065, 7.25988, 0.34142, 0.16325, -0.01563, -0.00703], sigma1: 0.2826, tau: 0.1611, sigma_tot: 0.325293667 },
        Ak10Coeffs { period_s: 1.95, b: [-7.40716, 2.68206, -0.16906, -1.43816, 0.06525, 7.25344, 0.33720, 0.16171, -0.01848, -0.00351], sigma1: 0.2832, tau: 0.1642, sigma_tot: 0.327358947 },
        Ak10Coeffs { period_s: 2.00, b: [-7.50404, 2.71004, -0.17130, -1.44395, 0.06602, 7.26059, 0.33298, 0.15839, -0.02258, -0.00486], sigma1: 0.2835, tau: 0.1657, sigma_tot: 0.328372867 },
        Ak10Coeffs { period_s: 2.05, b: [-7.55598, 2.72737, -0.17291, -1.45794, 0.06774, 7.40320, 0.33010, 0.15496, -0.02626, -0.00731], sigma1: 0.2836, tau: 0.1665, sigma_tot: 0.328863513 },
        Ak10Coeffs { period_s: 2.10, b: [-7.53463, 2.71709, -0.17221, -1.46662, 0.06940, 7.46168, 0.32645, 0.15337, -0.02920, -0.00871], sigma1: 0.2832, tau: 0.1663, sigma_tot: 0.328417311 },
        Ak10Coeffs { period_s: 2.15, b: [-7.50811, 2.71035, -0.17212, -1.49679, 0.07429, 7.51273, 0.32439, 0.15264, -0.03484, -0.01225], sigma1: 0.2830, tau: 0.1661, sigma_tot: 0.328143581 },
        Ak10Coeffs { period_s: 2.20, b: [-8.09168, 2.91159, -0.18920, -1.55644, 0.08428, 7.77062, 0.31354, 0.14430, -0.03985, -0.01927], sigma1: 0.2830, tau: 0.1627, sigma_tot: 0.326435736 },
        Ak10Coeffs { period_s: 2.25, b: [-8.11057, 2.92087, -0.19044, -1.59537, 0.09052, 7.87702, 0.30997, 0.14430, -0.04155, -0.02322], sigma1: 0.2830, tau: 0.1627, sigma_tot: 0.326435736 },
        Ak10Coeffs { period_s: 2.30, b: [-8.16272, 2.93325, -0.19155, -1.60461, 0.09284, 7.91753, 0.30826, 0.14412, -0.04238, -0.02626], sigma1: 0.2829, tau: 0.1633, sigma_tot: 0.326648588 },
        Ak10Coeffs { period_s: 2.35, b: [-7.94704, 2.85328, -0.18539, -1.57428, 0.09077, 7.61956, 0.32071, 0.14321, -0.04963, -0.02342], sigma1: 0.2815, tau: 0.1632, sigma_tot: 0.325386678 },
        Ak10Coeffs { period_s: 2.40, b: [-7.96679, 2.85363, -0.18561, -1.57833, 0.09288, 7.59643, 0.31801, 0.14301, -0.04910, -0.02570], sigma1: 0.2826, tau: 0.1645, sigma_tot: 0.326990841 },
        Ak10Coeffs { period_s: 2.45, b: [-7.97878, 2.84900, -0.18527, -1.57728, 0.09428, 7.50338, 0.31401, 0.14324, -0.04812, -0.02643], sigma1: 0.2825, tau: 0.1665, sigma_tot: 0.327915385 },
        Ak10Coeffs { period_s: 2.50, b: [-7.88403, 2.81817, -0.18320, -1.60381, 0.09887, 7.53947, 0.31104, 0.14332, -0.04710, -0.02769], sigma1: 0.2818, tau: 0.1681, sigma_tot: 0.328129319 },
        Ak10Coeffs { period_s: 2.55, b: [-7.68101, 2.75720, -0.17905, -1.65212, 0.10680, 7.61893, 0.30875, 0.14343, -0.04607, -0.02819], sigma1: 0.2818, tau: 0.1688, sigma_tot: 0.328488478 },
        Ak10Coeffs { period_s: 2.60, b: [-7.72574, 2.82043, -0.18717, -1.88782, 0.14049, 8.12248, 0.31122, 0.14255, -0.05106, -0.02966], sigma1: 0.2838, tau: 0.1741, sigma_tot: 0.332946317 },
        Ak10Coeffs { period_s: 2.65, b: [-7.53288, 2.74824, -0.18142, -1.89525, 0.14356, 7.92236, 0.30935, 0.14223, -0.05024, -0.02930], sigma1: 0.2845, tau: 0.1759, sigma_tot: 0.334486263 },
        Ak10Coeffs { period_s: 2.70, b: [-7.41587, 2.69012, -0.17632, -1.87041, 0.14283, 7.49999, 0.30688, 0.14074, -0.04887, -0.02963], sigma1: 0.2854, tau: 0.1772, sigma_tot: 0.335936006 },
        Ak10Coeffs { period_s: 2.75, b: [-7.34541, 2.65352, -0.17313, -1.86079, 0.14340, 7.26668, 0.30635, 0.14052, -0.04743, -0.02919], sigma1: 0.2862, tau: 0.1783, sigma_tot: 0.337196278 },
        Ak10Coeffs { period_s: 2.80, b: [-7.24561, 2.61028, -0.16951, -1.85612, 0.14444, 7.11861, 0.30534, 0.13923, -0.04731, -0.02751], sigma1: 0.2867, tau: 0.1794, sigma_tot: 0.338202972 },
        Ak10Coeffs { period_s: 2.85, b: [-7.07107, 2.56123, -0.16616, -1.90422, 0.15127, 7.36277, 0.30508, 0.13933, -0.04522, -0.02776], sigma1: 0.2869, tau: 0.1788, sigma_tot: 0.338054803 },
        Ak10Coeffs { period_s: 2.90, b: [-6.99332, 2.52699, -0.16303, -1.89704, 0.15039, 7.45038, 0.30362, 0.13776, -0.04203, -0.02615], sigma1: 0.2874, tau: 0.1784, sigma_tot: 0.338268119 },
        Ak10Coeffs { period_s: 2.95, b: [-6.95669, 2.51006, -0.16142, -1.90132, 0.15081, 7.60234, 0.29987, 0.13584, -0.03863, -0.02487], sigma1: 0.2872, tau: 0.1783, sigma_tot: 0.338045456 },
        Ak10Coeffs { period_s: 3.00, b: [-6.92924, 2.45899, -0.15513, -1.76801, 0.13314, 7.21950, 0.29772, 0.13198, -0.03855, -0.02469], sigma1: 0.2876, tau: 0.1785, sigma_tot: 0.338490783 },
        Ak10Coeffs { period_s: 4.00, b: [-6.92924, 2.45899, -0.15513, -1.76801, 0.13314, 7.21950, 0.29772, 0.13198, -0.03855, -0.02469], sigma1: 0.2876, tau: 0.1785, sigma_tot: 0.338490783 },
    ];
}
