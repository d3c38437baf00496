//! Boore & Atkinson (2008) NGA-West1 GMPE, with the 2008 erratum.
//!
//! Paper: D. M. Boore, G. M. Atkinson (2008), "Ground-motion prediction
//! equations for the average horizontal component of PGA, PGV, and 5 %-damped
//! PSA at spectral periods between 0.01 s and 10.0 s", *Earthquake Spectra*
//! 24(1):99–138. Eq. (1) total, Eq. (3)–(5) distance and magnitude terms,
//! Eq. (6)–(13) site term, Tables 3 (site), 6 (distance), 7 (magnitude),
//! 8 (σ, τ). Erratum (2008): Rref = 1 km also when computing pga4nl.
//!
//! ```text
//! ln Y  = F_M(M) + F_D(Rjb, M) + F_S(Vs30, Rjb, M)             Y in g
//! F_D   = [c1 + c2 (M − 4.5)] ln(R / 1 km) + c3 (R − 1 km),  R = √(Rjb² + h²)
//! F_M   = e1 U + e2 SS + e3 NS + e4 RS + e5 (M−Mh) + e6 (M−Mh)²   (M ≤ Mh)
//!       = e1 U + e2 SS + e3 NS + e4 RS + e7 (M−Mh)                (M > Mh)
//! F_S   = blin ln(Vs30/760) + F_NL(pga4nl)
//! ```
//!
//! pga4nl is the median PGA on the Vs30 = 760 m/s reference rock (F_S = 0)
//! for the same rupture and distance. The nonlinear term F_NL (Eqs. 7–13) is
//! bnl·ln(pga_low/0.1) below a1 = 0.03 g, bnl·ln(pga4nl/0.1) above
//! a2 = 0.09 g, and a cubic smoothing in X = ln(pga4nl/a1) between, with
//! pga_low = 0.06 g.
//!
//! Mechanism from rake: strike-slip if |rake| ≤ 30° or |rake| ≥ 150°,
//! reverse if 30° < rake < 150°, normal otherwise (−150° < rake < −30°). U
//! (unspecified) is never used since rake is always given here; the total σ is
//! therefore σ_TM of Table 8 (the `std` column) with τ = τ_M.
//!
//! Inputs: Mw, rake (degrees), Rjb (km), Vs30 (m/s). Valid range stated by
//! the paper: Mw 5–8, Rjb < 200 km, Vs30 180–1300 m/s, periods 0.01–10 s.
//! Verified against the OpenQuake hazardlib verification table (3
//! significant figures); see the README for the error measured.

use super::{GmResult, GroundMotionModel, Imt, Mechanism, Rupture, Site, Validity, wrap_rake};
use crate::units::{G, Km};

/// Boore & Atkinson (2008), erratum applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BooreAtkinson2008;

/// One row of BA08 Tables 6–8 (ln units, Y in g).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ba08Coeffs {
    /// Oscillator period, s (0 for PGA).
    pub period_s: f64,
    /// Distance-term c1.
    pub c1: f64,
    /// Distance-term c2.
    pub c2: f64,
    /// Distance-term c3 (anelastic).
    pub c3: f64,
    /// Fictitious depth h, km.
    pub h: f64,
    /// Magnitude-term e1 … e7 (e1 U, e2 SS, e3 NS, e4 RS).
    pub e: [f64; 7],
    /// Hinge magnitude Mh.
    pub mh: f64,
    /// Within-event σ (ln).
    pub sigma: f64,
    /// Between-event τ_M for a specified mechanism (ln).
    pub tau: f64,
    /// Total σ_TM for a specified mechanism (ln).
    pub std: f64,
}

/// One row of BA08 Table 3 (site amplification).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ba08Site {
    /// Oscillator period, s (0 for PGA).
    pub period_s: f64,
    /// Linear site coefficient.
    pub blin: f64,
    /// Nonlinear b1.
    pub b1: f64,
    /// Nonlinear b2.
    pub b2: f64,
}

/// Reference rock Vs30, m/s.
const V_REF: f64 = 760.0;
/// Nonlinear-term thresholds (g) and the Vs30 hinges (m/s) of Eqs. (7)–(13).
const A1: f64 = 0.03;
const A2: f64 = 0.09;
const PGA_LOW: f64 = 0.06;
const V1: f64 = 180.0;
const V2: f64 = 300.0;
/// Reference magnitude and distance of the distance term (erratum: Rref = 1).
const M_REF: f64 = 4.5;
const R_REF: f64 = 1.0;

impl BooreAtkinson2008 {
    /// Mechanism by the BA08 rule (see module doc). Rake is wrapped first.
    pub fn mechanism(rake_deg: f64) -> Mechanism {
        let r = wrap_rake(rake_deg);
        if r.abs() <= 30.0 || r.abs() >= 150.0 {
            Mechanism::StrikeSlip
        } else if r > 0.0 {
            Mechanism::Reverse
        } else {
            Mechanism::Normal
        }
    }

    /// The coefficient rows for `imt`.
    pub fn coefficients(imt: Imt) -> (&'static Ba08Coeffs, &'static Ba08Site) {
        match imt {
            Imt::Pga => (&table::PGA, &table::SITE_PGA),
            Imt::Sa02 => (&table::SA[I_SA02], &table::SITE_SA[I_SITE02]),
            Imt::Sa10 => (&table::SA[I_SA10], &table::SITE_SA[I_SITE10]),
        }
    }

    /// F_M, Eq. (5a/b).
    pub fn f_m(c: &Ba08Coeffs, mag: f64, mech: Mechanism) -> f64 {
        let e = &c.e;
        let style = match mech {
            Mechanism::StrikeSlip => e[1],
            Mechanism::Normal => e[2],
            Mechanism::Reverse => e[3],
        };
        let dm = mag - c.mh;
        if mag <= c.mh {
            style + e[4] * dm + e[5] * dm * dm
        } else {
            style + e[6] * dm
        }
    }

    /// F_D, Eq. (3), with Rref = 1 km.
    pub fn f_d(c: &Ba08Coeffs, mag: f64, rjb_km: f64) -> f64 {
        let r = rjb_km.hypot(c.h);
        (c.c1 + c.c2 * (mag - M_REF)) * (r / R_REF).ln() + c.c3 * (r - R_REF)
    }

    /// Nonlinear slope bnl, Eqs. (13a–d).
    pub fn b_nl(s: &Ba08Site, vs30: f64) -> f64 {
        if vs30 <= V1 {
            s.b1
        } else if vs30 <= V2 {
            (s.b1 - s.b2) * (vs30 / V2).ln() / (V1 / V2).ln() + s.b2
        } else if vs30 < V_REF {
            s.b2 * (vs30 / V_REF).ln() / (V2 / V_REF).ln()
        } else {
            0.0
        }
    }

    /// F_S, Eqs. (6)–(12), given pga4nl in g.
    pub fn f_s(s: &Ba08Site, vs30: f64, pga4nl: f64) -> f64 {
        let f_lin = s.blin * (vs30 / V_REF).ln();
        let bnl = Self::b_nl(s, vs30);
        let f_nl = if pga4nl <= A1 {
            bnl * (PGA_LOW / 0.1).ln()
        } else if pga4nl <= A2 {
            let dx = (A2 / A1).ln();
            let dy = bnl * (A2 / PGA_LOW).ln();
            let c = (3.0 * dy - bnl * dx) / (dx * dx);
            let d = -(2.0 * dy - bnl * dx) / (dx * dx * dx);
            let x = (pga4nl / A1).ln();
            bnl * (PGA_LOW / 0.1).ln() + c * x * x + d * x * x * x
        } else {
            bnl * (pga4nl / 0.1).ln()
        };
        f_lin + f_nl
    }

    /// ln of the median in g, Eq. (1).
    pub fn ln_median_g(imt: Imt, rup: &Rupture, site: &Site) -> f64 {
        let mech = Self::mechanism(rup.rake.0);
        let (c, s) = Self::coefficients(imt);
        let pga = &table::PGA;
        let pga4nl = (Self::f_m(pga, rup.mag, mech) + Self::f_d(pga, rup.mag, site.rjb.0)).exp();
        Self::f_m(c, rup.mag, mech)
            + Self::f_d(c, rup.mag, site.rjb.0)
            + Self::f_s(s, site.vs30.0, pga4nl)
    }
}

impl GroundMotionModel for BooreAtkinson2008 {
    fn name(&self) -> &'static str {
        "BooreAtkinson2008"
    }

    fn validity(&self) -> Validity {
        Validity {
            mag: (5.0, 8.0),
            rjb_max: Km(200.0),
            vs30: Some((180.0, 1300.0)),
        }
    }

    fn median_sigma(&self, rup: &Rupture, site: &Site, imt: Imt) -> GmResult {
        let (c, _) = Self::coefficients(imt);
        GmResult {
            median: G(Self::ln_median_g(imt, rup, site).exp()),
            sigma_ln: c.std,
            tau_ln: c.tau,
            phi_ln: c.sigma,
        }
    }

    fn ln_median_tau_phi(&self, rup: &Rupture, site: &Site, imt: Imt) -> (f64, f64, f64) {
        let (c, _) = Self::coefficients(imt);
        (Self::ln_median_g(imt, rup, site), c.tau, c.sigma)
    }
}

/// Index of `period` in a table's period column; a missing period fails the build.
const fn find_period(periods: &[f64], period: f64) -> usize {
    let mut i = 0;
    while i < periods.len() {
        if periods[i] == period {
            return i;
        }
        i += 1;
    }
    panic!("period missing from the BA08 table")
}
const fn sa_periods() -> [f64; table::SA.len()] {
    let mut out = [0.0; table::SA.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = table::SA[i].period_s;
        i += 1;
    }
    out
}
const fn site_periods() -> [f64; table::SITE_SA.len()] {
    let mut out = [0.0; table::SITE_SA.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = table::SITE_SA[i].period_s;
        i += 1;
    }
    out
}
const I_SA02: usize = find_period(&sa_periods(), 0.2);
const I_SA10: usize = find_period(&sa_periods(), 1.0);
const I_SITE02: usize = find_period(&site_periods(), 0.2);
const I_SITE10: usize = find_period(&site_periods(), 1.0);

/// BA08 Tables 3 and 6–8, transcribed by script from the reference CSVs (a
/// test re-reads the CSV copies in `tests/data` and compares every value).
/// PGV rows are omitted (cm/s, not g).
// Published values that happen to lie near π-related constants (e.g. τ = 0.318)
// are data, not approximations of those constants.
#[rustfmt::skip]
#[expect(clippy::approx_constant, reason = "published coefficients, not approximations of pi or e")]
pub mod table {
    use super::{Ba08Coeffs, Ba08Site};
    /// PGA row of Tables 6–8.
    pub const PGA: Ba08Coeffs = Ba08Coeffs { period_s: 0.0, c1: -0.66050, c2: 0.11970, c3: -0.01151, h: 1.35, e: [-0.53804, -0.50350, -0.75472, -0.50970, 0.28805, -0.10164, 0.00000], mh: 6.75, sigma: 0.502, tau: 0.260, std: 0.564 };
    /// Spectral-acceleration rows of Tables 6–8, ascending period.
    pub const SA: [Ba08Coeffs; 21] = [
        Ba08Coeffs { period_s: 0.010, c1: -0.66220, c2: 0.12000, c3: -0.01151, h: 1.35, e: [-0.52883, -0.49429, -0.74551, -0.49966, 0.28897, -0.10019, 0.00000], mh: 6.75, sigma: 0.502, tau: 0.262, std: 0.566 },
        Ba08Coeffs { period_s: 0.020, c1: -0.66600, c2: 0.12280, c3: -0.01151, h: 1.35, e: [-0.52192, -0.48508, -0.73906, -0.48895, 0.25144, -0.11006, 0.00000], mh: 6.75, sigma: 0.502, tau: 0.262, std: 0.566 },
        Ba08Coeffs { period_s: 0.030, c1: -0.69010, c2: 0.12830, c3: -0.01151, h: 1.35, e: [-0.45285, -0.41831, -0.66722, -0.42229, 0.17976, -0.12858, 0.00000], mh: 6.75, sigma: 0.507, tau: 0.274, std: 0.576 },
        Ba08Coeffs { period_s: 0.050, c1: -0.71700, c2: 0.13170, c3: -0.01151, h: 1.35, e: [-0.28476, -0.25022, -0.48462, -0.26092, 0.06369, -0.15752, 0.00000], mh: 6.75, sigma: 0.516, tau: 0.286, std: 0.589 },
        Ba08Coeffs { period_s: 0.075, c1: -0.72050, c2: 0.12370, c3: -0.01151, h: 1.55, e: [0.00767, 0.04912, -0.20578, 0.02706, 0.01170, -0.17051, 0.00000], mh: 6.75, sigma: 0.513, tau: 0.320, std: 0.606 },
        Ba08Coeffs { period_s: 0.10, c1: -0.70810, c2: 0.11170, c3: -0.01151, h: 1.68, e: [0.20109, 0.23102, 0.03058, 0.22193, 0.04697, -0.15948, 0.00000], mh: 6.75, sigma: 0.520, tau: 0.318, std: 0.608 },
        Ba08Coeffs { period_s: 0.15, c1: -0.69610, c2: 0.09884, c3: -0.01113, h: 1.86, e: [0.46128, 0.48661, 0.30185, 0.49328, 0.17990, -0.14539, 0.00000], mh: 6.75, sigma: 0.518, tau: 0.290, std: 0.594 },
        Ba08Coeffs { period_s: 0.20, c1: -0.58300, c2: 0.04273, c3: -0.00952, h: 1.98, e: [0.57180, 0.59253, 0.40860, 0.61472, 0.52729, -0.12964, 0.00102], mh: 6.75, sigma: 0.523, tau: 0.288, std: 0.596 },
        Ba08Coeffs { period_s: 0.25, c1: -0.57260, c2: 0.02977, c3: -0.00837, h: 2.07, e: [0.51884, 0.53496, 0.33880, 0.57747, 0.60880, -0.13843, 0.08607], mh: 6.75, sigma: 0.527, tau: 0.267, std: 0.592 },
        Ba08Coeffs { period_s: 0.30, c1: -0.55430, c2: 0.01955, c3: -0.00750, h: 2.14, e: [0.43825, 0.44516, 0.25356, 0.51990, 0.64472, -0.15694, 0.10601], mh: 6.75, sigma: 0.546, tau: 0.269, std: 0.608 },
        Ba08Coeffs { period_s: 0.40, c1: -0.64430, c2: 0.04394, c3: -0.00626, h: 2.24, e: [0.39220, 0.40602, 0.21398, 0.46080, 0.78610, -0.07843, 0.02262], mh: 6.75, sigma: 0.541, tau: 0.267, std: 0.603 },
        Ba08Coeffs { period_s: 0.50, c1: -0.69140, c2: 0.06080, c3: -0.00540, h: 2.32, e: [0.18957, 0.19878, 0.00967, 0.26337, 0.76837, -0.09054, 0.00000], mh: 6.75, sigma: 0.555, tau: 0.265, std: 0.615 },
        Ba08Coeffs { period_s: 0.75, c1: -0.74080, c2: 0.07518, c3: -0.00409, h: 2.46, e: [-0.21338, -0.19496, -0.49176, -0.10813, 0.75179, -0.14053, 0.10302], mh: 6.75, sigma: 0.571, tau: 0.299, std: 0.645 },
        Ba08Coeffs { period_s: 1.0, c1: -0.81830, c2: 0.10270, c3: -0.00334, h: 2.54, e: [-0.46896, -0.43443, -0.78465, -0.39330, 0.67880, -0.18257, 0.05393], mh: 6.75, sigma: 0.573, tau: 0.302, std: 0.647 },
        Ba08Coeffs { period_s: 1.5, c1: -0.83030, c2: 0.09793, c3: -0.00255, h: 2.66, e: [-0.86271, -0.79593, -1.20902, -0.88085, 0.70689, -0.25950, 0.19082], mh: 6.75, sigma: 0.566, tau: 0.373, std: 0.679 },
        Ba08Coeffs { period_s: 2.0, c1: -0.82850, c2: 0.09432, c3: -0.00217, h: 2.73, e: [-1.22652, -1.15514, -1.57697, -1.27669, 0.77989, -0.29657, 0.29888], mh: 6.75, sigma: 0.580, tau: 0.389, std: 0.700 },
        Ba08Coeffs { period_s: 3.0, c1: -0.78440, c2: 0.07282, c3: -0.00191, h: 2.83, e: [-1.82979, -1.74690, -2.22584, -1.91814, 0.77966, -0.45384, 0.67466], mh: 6.75, sigma: 0.566, tau: 0.401, std: 0.695 },
        Ba08Coeffs { period_s: 4.0, c1: -0.68540, c2: 0.03758, c3: -0.00191, h: 2.89, e: [-2.24656, -2.15906, -2.58228, -2.38168, 1.24961, -0.35874, 0.79508], mh: 6.75, sigma: 0.583, tau: 0.385, std: 0.698 },
        Ba08Coeffs { period_s: 5.0, c1: -0.50960, c2: -0.02391, c3: -0.00191, h: 2.93, e: [-1.28408, -1.21270, -1.50904, -1.41093, 0.14271, -0.39006, 0.00000], mh: 8.50, sigma: 0.601, tau: 0.437, std: 0.744 },
        Ba08Coeffs { period_s: 7.5, c1: -0.37240, c2: -0.06568, c3: -0.00191, h: 3.00, e: [-1.43145, -1.31632, -1.81022, -1.59217, 0.52407, -0.37578, 0.00000], mh: 8.50, sigma: 0.626, tau: 0.477, std: 0.787 },
        Ba08Coeffs { period_s: 10.0, c1: -0.09824, c2: -0.13800, c3: -0.00191, h: 3.04, e: [-2.15446, -2.16137, -2.53323, -2.14635, 0.40387, -0.48492, 0.00000], mh: 8.50, sigma: 0.645, tau: 0.477, std: 0.801 },
    ];
    /// PGA row of Table 3.
    pub const SITE_PGA: Ba08Site = Ba08Site { period_s: 0.0, blin: -0.36, b1: -0.64, b2: -0.14 };
    /// Spectral-acceleration rows of Table 3, ascending period.
    pub const SITE_SA: [Ba08Site; 31] = [
        Ba08Site { period_s: 0.010, blin: -0.36, b1: -0.64, b2: -0.14 },
        Ba08Site { period_s: 0.020, blin: -0.34, b1: -0.63, b2: -0.12 },
        Ba08Site { period_s: 0.030, blin: -0.33, b1: -0.62, b2: -0.11 },
        Ba08Site { period_s: 0.040, blin: -0.31, b1: -0.61, b2: -0.11 },
        Ba08Site { period_s: 0.050, blin: -0.29, b1: -0.64, b2: -0.11 },
        Ba08Site { period_s: 0.060, blin: -0.25, b1: -0.64, b2: -0.11 },
        Ba08Site { period_s: 0.075, blin: -0.23, b1: -0.64, b2: -0.11 },
        Ba08Site { period_s: 0.090, blin: -0.23, b1: -0.64, b2: -0.12 },
        Ba08Site { period_s: 0.100, blin: -0.25, b1: -0.60, b2: -0.13 },
        Ba08Site { period_s: 0.120, blin: -0.26, b1: -0.56, b2: -0.14 },
        Ba08Site { period_s: 0.150, blin: -0.28, b1: -0.53, b2: -0.18 },
        Ba08Site { period_s: 0.170, blin: -0.29, b1: -0.53, b2: -0.19 },
        Ba08Site { period_s: 0.200, blin: -0.31, b1: -0.52, b2: -0.19 },
        Ba08Site { period_s: 0.240, blin: -0.38, b1: -0.52, b2: -0.16 },
        Ba08Site { period_s: 0.250, blin: -0.39, b1: -0.52, b2: -0.16 },
        Ba08Site { period_s: 0.300, blin: -0.44, b1: -0.52, b2: -0.14 },
        Ba08Site { period_s: 0.360, blin: -0.48, b1: -0.51, b2: -0.11 },
        Ba08Site { period_s: 0.400, blin: -0.50, b1: -0.51, b2: -0.10 },
        Ba08Site { period_s: 0.460, blin: -0.55, b1: -0.50, b2: -0.08 },
        Ba08Site { period_s: 0.500, blin: -0.60, b1: -0.50, b2: -0.06 },
        Ba08Site { period_s: 0.600, blin: -0.66, b1: -0.49, b2: -0.03 },
        Ba08Site { period_s: 0.750, blin: -0.69, b1: -0.47, b2: -0.00 },
        Ba08Site { period_s: 0.850, blin: -0.69, b1: -0.46, b2: -0.00 },
        Ba08Site { period_s: 1.000, blin: -0.70, b1: -0.44, b2: -0.00 },
        Ba08Site { period_s: 1.500, blin: -0.72, b1: -0.40, b2: -0.00 },
        Ba08Site { period_s: 2.000, blin: -0.73, b1: -0.38, b2: -0.00 },
        Ba08Site { period_s: 3.000, blin: -0.74, b1: -0.34, b2: -0.00 },
        Ba08Site { period_s: 4.000, blin: -0.75, b1: -0.31, b2: -0.00 },
        Ba08Site { period_s: 5.000, blin: -0.75, b1: -0.291, b2: -0.00 },
        Ba08Site { period_s: 7.500, blin: -0.692, b1: -0.247, b2: -0.00 },
        Ba08Site { period_s: 10.00, blin: -0.650, b1: -0.215, b2: -0.00 },
    ];
}
