//! Rothermel (1972) surface fire spread, as the BehavePlus engine computes it.
//!
//! Papers and equations:
//! - Rothermel, R.C. 1972, *A mathematical model for predicting fire spread in
//!   wildland fuels*, USDA FS Res. Pap. INT-115 — spread rate eq. 52, reaction
//!   intensity eq. 27, optimum reaction velocity eqs. 36–39, propagating flux
//!   ratio eq. 42, heat of preignition eq. 12, wind factor eqs. 47–50, slope
//!   factor eq. 51, moisture damping eq. 29, mineral damping eq. 30.
//! - Albini, F.A. 1976, *Estimating wildfire behavior and effects*, USDA FS GTR
//!   INT-30 — live fuel moisture of extinction (p. 89), size-class weighting of
//!   the net fuel load (p. 88), residence time 384/σ (p. 91).
//! - Andrews, P.L. 2018, *The Rothermel surface fire spread model and
//!   associated developments*, RMRS-GTR-371 — the BehavePlus conventions used
//!   here: wind and slope combined as a vector sum (direction of maximum
//!   spread), dynamic fuel model curing, no effective-wind limit.
//! - Byram 1959 fireline intensity I = H·R and flame length L = 0.45 I^0.46
//!   (ft, Btu/ft/s); Anderson 1983 length-to-width ratio
//!   LW = 0.936 e^(0.1147 U) + 0.461 e^(−0.0692 U) − 0.397 (U in mi/h).
//! - Albini & Baughman 1979 (RP INT-221) wind adjustment factor, in the form
//!   BehavePlus uses.
//!
//! Conventions (the ones that make the numbers match BehavePlus):
//! dead classes 1-h (model SAV), 10-h (109 ft²/ft³), 100-h (30 ft²/ft³) and
//! cured herb (herb SAV, 1-h moisture); live classes herb and woody. Net load
//! weighted by size-class bins of SAV (≥1200, ≥192, ≥96, ≥48, ≥16, <16 ft²/ft³
//! where the last bin gets no weight); total mineral 0.0555, effective mineral
//! 0.010, particle density 32 lb/ft³; dynamic models move the fraction
//! clamp(1.333 − 1.11·M_herb, 0, 1) of herb load to dead.
//!
//! Units: the API is SI (moisture fractions, m/s, rise/run, compass degrees,
//! m/min, kW/m², kW/m, m). Inside, the equations run in Rothermel's English
//! units (lb, ft, min, Btu) because their coefficients are fitted in them.
//! Directions are compass bearings in degrees, clockwise from north: wind as
//! the direction it blows *from*, aspect as the direction the slope *faces*
//! (downslope), spread directions as the direction the fire moves *toward*.
//!
//! Data flow: [`super::fuel::FuelModel`] + [`Moistures`] → [`Fuelbed`]
//! (no-wind, no-slope stage, reusable) → [`Fuelbed::spread`] with
//! [`WindSlope`] → [`SurfaceFire`]. [`super::spread`] uses the same two stages
//! per raster cell.

use super::error::FireError;
use super::fuel::FuelModel;

/// m/min per ch/h (1 chain = 66 ft).
pub const M_MIN_PER_CH_H: f64 = 0.33528;
/// m/s per mi/h.
pub const M_S_PER_MI_H: f64 = 0.44704;
/// kW/m² per Btu/ft²/min (fire-literature factor).
pub const KW_M2_PER_BTU_FT2_MIN: f64 = 0.18924;
/// kW/m per Btu/ft/s (fire-literature factor, Alexander 1982).
pub const KW_M_PER_BTU_FT_S: f64 = 3.4613;
/// kJ/m² per Btu/ft²: taken as 60 × [`KW_M2_PER_BTU_FT2_MIN`] so that heat per
/// unit area = reaction intensity × residence time holds in SI as well.
pub const KJ_M2_PER_BTU_FT2: f64 = KW_M2_PER_BTU_FT2_MIN * 60.0;
/// m per ft.
pub const M_PER_FT: f64 = 0.3048;
/// ft/min per mi/h.
pub(crate) const FT_MIN_PER_MI_H: f64 = 88.0;

/// Total mineral content S_T, fraction (Albini 1976).
const TOTAL_MINERAL: f64 = 0.0555;
/// Effective (silica-free) mineral content S_e, fraction.
const EFFECTIVE_MINERAL: f64 = 0.010;
/// Oven-dry particle density ρ_p, lb/ft³.
const PARTICLE_DENSITY: f64 = 32.0;
/// SAV of the 10-h class, ft²/ft³.
const SAV_10H: f64 = 109.0;
/// SAV of the 100-h class, ft²/ft³.
const SAV_100H: f64 = 30.0;

/// Fuel moisture contents as fractions of oven-dry weight (0.08 = 8 %).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moistures {
    /// Dead 1-h moisture, fraction.
    pub dead_1h: f64,
    /// Dead 10-h moisture, fraction.
    pub dead_10h: f64,
    /// Dead 100-h moisture, fraction.
    pub dead_100h: f64,
    /// Live herbaceous moisture, fraction.
    pub live_herb: f64,
    /// Live woody moisture, fraction.
    pub live_woody: f64,
}

impl Moistures {
    /// Moistures given in percent (8.0 = 8 %).
    pub fn from_percent(
        dead_1h: f64,
        dead_10h: f64,
        dead_100h: f64,
        herb: f64,
        woody: f64,
    ) -> Self {
        Self {
            dead_1h: dead_1h / 100.0,
            dead_10h: dead_10h / 100.0,
            dead_100h: dead_100h / 100.0,
            live_herb: herb / 100.0,
            live_woody: woody / 100.0,
        }
    }

    /// Checks that every value is finite and not negative.
    pub fn validate(&self) -> Result<(), FireError> {
        for (field, v) in [
            ("1-h moisture (fraction)", self.dead_1h),
            ("10-h moisture (fraction)", self.dead_10h),
            ("100-h moisture (fraction)", self.dead_100h),
            ("live herbaceous moisture (fraction)", self.live_herb),
            ("live woody moisture (fraction)", self.live_woody),
        ] {
            non_negative(field, v)?;
        }
        Ok(())
    }
}

fn non_negative(field: &'static str, value: f64) -> Result<(), FireError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(FireError::InvalidInput {
            field,
            value,
            reason: "must be finite and >= 0",
        })
    }
}

fn finite(field: &'static str, value: f64) -> Result<(), FireError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(FireError::InvalidInput {
            field,
            value,
            reason: "must be finite",
        })
    }
}

/// Wind and terrain at the fire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindSlope {
    /// Midflame wind speed, m/s (see [`wind_adjustment_factor`]).
    pub midflame_wind_m_s: f64,
    /// Direction the wind blows from, compass degrees.
    pub wind_from_deg: f64,
    /// Slope steepness as rise/run (0.3 = 30 %).
    pub slope_rise_run: f64,
    /// Direction the slope faces (downslope), compass degrees.
    pub aspect_deg: f64,
}

impl WindSlope {
    /// Wind blowing straight upslope (the BehavePlus default): the slope faces
    /// south, wind from the south, maximum spread toward north (0°).
    pub fn upslope(midflame_wind_m_s: f64, slope_rise_run: f64) -> Self {
        Self {
            midflame_wind_m_s,
            wind_from_deg: 180.0,
            slope_rise_run,
            aspect_deg: 180.0,
        }
    }

    fn validate(&self) -> Result<(), FireError> {
        non_negative("midflame wind speed (m/s)", self.midflame_wind_m_s)?;
        non_negative("slope (rise/run)", self.slope_rise_run)?;
        finite("wind direction (deg)", self.wind_from_deg)?;
        finite("aspect (deg)", self.aspect_deg)
    }
}

/// One fuel particle class: load lb/ft², SAV ft²/ft³, moisture fraction.
#[derive(Debug, Clone, Copy, Default)]
struct Particle {
    load: f64,
    sav: f64,
    moisture: f64,
}

/// Size-class bin of Albini's net-load weighting; `None` below 16 ft²/ft³,
/// which gets no weight (as in BehavePlus).
fn size_bin(sav: f64) -> Option<usize> {
    [1200.0, 192.0, 96.0, 48.0, 16.0]
        .iter()
        .position(|&lim| sav >= lim)
}

/// Per-life-category sums (Rothermel 1972 eqs. 24–26 with Albini's weights).
#[derive(Debug, Default, Clone, Copy)]
struct Category {
    /// Σ surface area, ft²/ft² of ground.
    area: f64,
    /// Net load weighted by size-class bins, lb/ft².
    net_load: f64,
    /// Surface-area-weighted moisture, fraction.
    moisture: f64,
    /// Surface-area-weighted SAV, ft²/ft³.
    sav: f64,
    /// Surface-area-weighted effective mineral content.
    silica: f64,
    /// Σ f_j exp(−138/σ_j)(250 + 1116 M_j), Btu/lb.
    heat_sink_term: f64,
}

fn category(particles: &[Particle]) -> Category {
    let area: f64 = particles
        .iter()
        .map(|p| p.load * p.sav / PARTICLE_DENSITY)
        .sum();
    if area <= 0.0 {
        return Category::default();
    }
    let frac: Vec<f64> = particles
        .iter()
        .map(|p| p.load * p.sav / PARTICLE_DENSITY / area)
        .collect();
    let mut bin_sum = [0.0; 5];
    for (p, f) in particles.iter().zip(&frac) {
        if let Some(b) = size_bin(p.sav) {
            bin_sum[b] += f;
        }
    }
    let mut c = Category {
        area,
        ..Category::default()
    };
    for (p, f) in particles.iter().zip(&frac) {
        let g = size_bin(p.sav).map_or(0.0, |b| bin_sum[b]);
        c.net_load += g * p.load * (1.0 - TOTAL_MINERAL);
        c.moisture += f * p.moisture;
        c.sav += f * p.sav;
        c.silica += f * EFFECTIVE_MINERAL;
        if p.sav > 0.0 {
            c.heat_sink_term += f * (-138.0 / p.sav).exp() * (250.0 + 1116.0 * p.moisture);
        }
    }
    c
}

/// Moisture damping coefficient η_M (Rothermel 1972 eq. 29).
fn moisture_damping(moisture: f64, extinction: f64) -> f64 {
    if extinction <= 0.0 || moisture >= extinction {
        return 0.0;
    }
    let r = moisture / extinction;
    1.0 - 2.59 * r + 5.11 * r * r - 3.52 * r * r * r
}

/// Mineral damping coefficient η_S (Rothermel 1972 eq. 30), at most 1.
fn mineral_damping(silica: f64) -> f64 {
    if silica <= 0.0 {
        0.0
    } else {
        (0.174 * silica.powf(-0.19)).min(1.0)
    }
}

/// The no-wind, no-slope stage of the model for one fuel model and moisture
/// scenario. Cheap to reuse for many wind and slope values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fuelbed {
    /// Reaction intensity I_R, Btu/ft²/min.
    reaction_intensity: f64,
    /// No-wind no-slope spread rate R_0, ft/min.
    r0: f64,
    /// Residence time 384/σ, min.
    residence_time: f64,
    /// Characteristic SAV σ, ft²/ft³.
    sigma: f64,
    /// Packing ratio β.
    packing_ratio: f64,
    /// Relative packing ratio β/β_op.
    relative_packing: f64,
    /// Live moisture of extinction, fraction (0 without live fuel).
    mx_live: f64,
    /// Wind factor exponent B (eq. 49).
    wind_b: f64,
    /// C (β/β_op)^−E: φ_w = this · U^B with U in ft/min (eqs. 47, 48, 50).
    wind_k: f64,
    /// 5.275 β^−0.3: φ_s = this · tan²(slope) (eq. 51).
    slope_k: f64,
    /// Fuel bed depth, ft (for the wind adjustment factor).
    depth_ft: f64,
}

impl Fuelbed {
    /// Runs the fuel-bed part of the model (everything but wind and slope).
    /// The model must pass [`FuelModel::validate`]; moistures must be finite
    /// and non-negative.
    pub fn new(model: &FuelModel, m: &Moistures) -> Result<Self, FireError> {
        model.validate()?;
        m.validate()?;
        Ok(Self::compute(model, m))
    }

    /// A fuel bed that does not burn (placeholder for non-burnable cells).
    pub(crate) const NONE: Fuelbed = Fuelbed::zero(0.0);

    const fn zero(depth_ft: f64) -> Self {
        Self {
            reaction_intensity: 0.0,
            r0: 0.0,
            residence_time: 0.0,
            sigma: 0.0,
            packing_ratio: 0.0,
            relative_packing: 0.0,
            mx_live: 0.0,
            wind_b: 1.0,
            wind_k: 0.0,
            slope_k: 0.0,
            depth_ft,
        }
    }

    pub(crate) fn compute(model: &FuelModel, m: &Moistures) -> Self {
        let depth = model.depth_ft;
        if !model.is_burnable() {
            return Self::zero(depth);
        }
        let mut dead = [
            Particle {
                load: model.load_1h_lb_ft2,
                sav: model.sav_1h_ft2_ft3,
                moisture: m.dead_1h,
            },
            Particle {
                load: model.load_10h_lb_ft2,
                sav: SAV_10H,
                moisture: m.dead_10h,
            },
            Particle {
                load: model.load_100h_lb_ft2,
                sav: SAV_100H,
                moisture: m.dead_100h,
            },
            // Cured herbaceous fuel: herb SAV, 1-h moisture.
            Particle {
                load: 0.0,
                sav: model.sav_herb_ft2_ft3,
                moisture: m.dead_1h,
            },
        ];
        let mut live = [
            Particle {
                load: model.load_herb_lb_ft2,
                sav: model.sav_herb_ft2_ft3,
                moisture: m.live_herb,
            },
            Particle {
                load: model.load_woody_lb_ft2,
                sav: model.sav_woody_ft2_ft3,
                moisture: m.live_woody,
            },
        ];
        if model.dynamic && live[0].load > 0.0 {
            let cured = (1.333 - 1.11 * m.live_herb).clamp(0.0, 1.0);
            dead[3].load = live[0].load * cured;
            live[0].load -= dead[3].load;
        }

        let d = category(&dead);
        let l = category(&live);
        let total_area = d.area + l.area;
        if total_area <= 0.0 {
            return Self::zero(depth);
        }
        let f_dead = d.area / total_area;
        let f_live = 1.0 - f_dead;

        // Albini 1976 p. 89: live moisture of extinction.
        let mx_dead = model.mx_dead;
        let mx_live = if live.iter().any(|p| p.load > 0.0) {
            let fine_dead: f64 = dead.iter().map(|p| p.load * (-138.0 / p.sav).exp()).sum();
            let fine_dead_m: f64 = dead
                .iter()
                .map(|p| p.load * (-138.0 / p.sav).exp() * p.moisture)
                .sum();
            let fine_live: f64 = live.iter().map(|p| p.load * (-500.0 / p.sav).exp()).sum();
            let mf_dead = if fine_dead > 0.0 {
                fine_dead_m / fine_dead
            } else {
                0.0
            };
            let ratio = if fine_live > 0.0 {
                fine_dead / fine_live
            } else {
                0.0
            };
            (2.9 * ratio * (1.0 - mf_dead / mx_dead) - 0.226).max(mx_dead)
        } else {
            0.0
        };

        let sigma = f_dead * d.sav + f_live * l.sav;
        let total_load: f64 = dead.iter().chain(&live).map(|p| p.load).sum();
        let bulk_density = total_load / depth; // ρ_b, lb/ft³
        let packing_ratio = total_load / (depth * PARTICLE_DENSITY); // β, eq. 31
        let beta_op = 3.348 * sigma.powf(-0.8189); // eq. 37
        let relative_packing = packing_ratio / beta_op;

        // Optimum reaction velocity Γ' (eqs. 36, 38, 39), A = 133 σ^−0.7913.
        let a = 133.0 * sigma.powf(-0.7913);
        let sigma15 = sigma.powf(1.5);
        let gamma_max = sigma15 / (495.0 + 0.0594 * sigma15);
        let gamma = gamma_max * relative_packing.powf(a) * (a * (1.0 - relative_packing)).exp();

        // Reaction intensity (eq. 27), per life category.
        let ir_dead = d.net_load
            * model.heat_dead_btu_lb
            * moisture_damping(d.moisture, mx_dead)
            * mineral_damping(d.silica);
        let ir_live = l.net_load
            * model.heat_live_btu_lb
            * moisture_damping(l.moisture, mx_live)
            * mineral_damping(l.silica);
        let reaction_intensity = gamma * (ir_dead + ir_live);

        // Propagating flux ratio ξ (eq. 42) and heat sink ρ_b ε Q_ig (eqs. 12, 14).
        let xi = ((0.792 + 0.681 * sigma.sqrt()) * (packing_ratio + 0.1)).exp()
            / (192.0 + 0.2595 * sigma);
        let heat_sink = bulk_density * (f_dead * d.heat_sink_term + f_live * l.heat_sink_term);
        let r0 = if heat_sink > 0.0 {
            reaction_intensity * xi / heat_sink
        } else {
            0.0
        };

        // Wind factor coefficients (eqs. 48–50).
        let wind_c = 7.47 * (-0.133 * sigma.powf(0.55)).exp();
        let wind_b = 0.02526 * sigma.powf(0.54);
        let wind_e = 0.715 * (-3.59e-4 * sigma).exp();

        Self {
            reaction_intensity,
            r0,
            residence_time: 384.0 / sigma,
            sigma,
            packing_ratio,
            relative_packing,
            mx_live,
            wind_b,
            wind_k: wind_c * relative_packing.powf(-wind_e),
            slope_k: 5.275 * packing_ratio.powf(-0.3),
            depth_ft: depth,
        }
    }

    /// Reaction intensity, kW/m².
    pub fn reaction_intensity_kw_m2(&self) -> f64 {
        self.reaction_intensity * KW_M2_PER_BTU_FT2_MIN
    }

    /// Spread rate without wind and slope, m/min.
    pub fn ros_no_wind_no_slope_m_min(&self) -> f64 {
        self.r0 * M_PER_FT
    }

    /// Heat per unit area I_R · t_r, kJ/m².
    pub fn heat_per_unit_area_kj_m2(&self) -> f64 {
        self.reaction_intensity * self.residence_time * KJ_M2_PER_BTU_FT2
    }

    /// Characteristic surface-area-to-volume ratio σ, ft²/ft³ (diagnostic).
    pub fn characteristic_sav_ft2_ft3(&self) -> f64 {
        self.sigma
    }

    /// Packing ratio β and relative packing ratio β/β_op (diagnostic).
    pub fn packing_ratios(&self) -> (f64, f64) {
        (self.packing_ratio, self.relative_packing)
    }

    /// Live fuel moisture of extinction, fraction (0 without live fuel).
    pub fn live_moisture_of_extinction(&self) -> f64 {
        self.mx_live
    }

    /// Fuel bed depth, m.
    pub fn depth_m(&self) -> f64 {
        self.depth_ft * M_PER_FT
    }

    /// Head-fire spread in the raw form the raster model needs.
    /// `wind_ft_min` midflame wind; `wind_rel_rad` direction the wind blows
    /// toward, clockwise from upslope; `tan_slope` rise/run.
    pub(crate) fn head(&self, wind_ft_min: f64, wind_rel_rad: f64, tan_slope: f64) -> Head {
        let phi_w = if wind_ft_min > 0.0 {
            self.wind_k * wind_ft_min.powf(self.wind_b)
        } else {
            0.0
        };
        let phi_s = self.slope_k * tan_slope * tan_slope;
        // Vector sum of the wind and slope effects (Andrews 2018, sec. 5.3).
        let (s, c) = wind_rel_rad.sin_cos();
        let x = phi_s + phi_w * c;
        let y = phi_w * s;
        let phi_e = x.hypot(y);
        // Effective wind speed: the wind alone that gives φ_E (eq. 47 inverted).
        let u_eff_ft_min = if phi_e > 0.0 && self.wind_k > 0.0 {
            (phi_e / self.wind_k).powf(1.0 / self.wind_b)
        } else {
            0.0
        };
        Head {
            ros_ft_min: self.r0 * (1.0 + phi_e),
            dir_rel_rad: if phi_e > 0.0 { y.atan2(x) } else { 0.0 },
            effective_wind_mph: u_eff_ft_min / FT_MIN_PER_MI_H,
        }
    }

    /// Adds wind and slope: the full surface fire at the head.
    pub fn spread(&self, ws: &WindSlope) -> Result<SurfaceFire, FireError> {
        ws.validate()?;
        let wind_ft_min = ws.midflame_wind_m_s / M_S_PER_MI_H * FT_MIN_PER_MI_H;
        let upslope_deg = ws.aspect_deg + 180.0;
        let wind_toward_deg = ws.wind_from_deg + 180.0;
        let wind_rel = (wind_toward_deg - upslope_deg).to_radians();
        let Head {
            ros_ft_min,
            dir_rel_rad: dir_rel,
            effective_wind_mph: u_eff_mph,
        } = self.head(wind_ft_min, wind_rel, ws.slope_rise_run);
        let lw = length_to_width_ratio(u_eff_mph * M_S_PER_MI_H);
        let fli_btu_ft_s = self.reaction_intensity * self.residence_time * ros_ft_min / 60.0;
        let flame_ft = if fli_btu_ft_s > 0.0 {
            0.45 * fli_btu_ft_s.powf(0.46)
        } else {
            0.0
        };
        Ok(SurfaceFire {
            ros_m_min: ros_ft_min * M_PER_FT,
            ros_no_wind_no_slope_m_min: self.ros_no_wind_no_slope_m_min(),
            reaction_intensity_kw_m2: self.reaction_intensity_kw_m2(),
            fireline_intensity_kw_m: fli_btu_ft_s * KW_M_PER_BTU_FT_S,
            flame_length_m: flame_ft * M_PER_FT,
            heat_per_unit_area_kj_m2: self.heat_per_unit_area_kj_m2(),
            effective_wind_m_s: u_eff_mph * M_S_PER_MI_H,
            direction_max_spread_deg: (upslope_deg + dir_rel.to_degrees()).rem_euclid(360.0),
            length_to_width: lw,
            eccentricity: eccentricity(lw),
        })
    }
}

/// Head fire in English units: the part of [`Fuelbed::spread`] the raster
/// model repeats per cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Head {
    /// Head-fire rate of spread, ft/min.
    pub(crate) ros_ft_min: f64,
    /// Direction of maximum spread, radians clockwise from upslope.
    pub(crate) dir_rel_rad: f64,
    /// Effective wind speed, mi/h.
    pub(crate) effective_wind_mph: f64,
}

/// Surface fire behaviour at the head (direction of maximum spread).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurfaceFire {
    /// Head-fire rate of spread, m/min.
    pub ros_m_min: f64,
    /// Rate of spread without wind and slope, m/min.
    pub ros_no_wind_no_slope_m_min: f64,
    /// Reaction intensity, kW/m².
    pub reaction_intensity_kw_m2: f64,
    /// Byram fireline intensity at the head, kW/m.
    pub fireline_intensity_kw_m: f64,
    /// Byram flame length at the head, m.
    pub flame_length_m: f64,
    /// Heat per unit area, kJ/m².
    pub heat_per_unit_area_kj_m2: f64,
    /// Effective wind speed (wind alone giving the combined wind-slope effect), m/s.
    pub effective_wind_m_s: f64,
    /// Direction of maximum spread, compass degrees (toward).
    pub direction_max_spread_deg: f64,
    /// Length-to-width ratio of the fire ellipse.
    pub length_to_width: f64,
    /// Eccentricity of the fire ellipse.
    pub eccentricity: f64,
}

impl SurfaceFire {
    /// Rate of spread toward a compass bearing (elliptical fire shape, the
    /// ignition point at the rear focus), m/min.
    pub fn ros_toward_m_min(&self, bearing_deg: f64) -> f64 {
        let theta = (bearing_deg - self.direction_max_spread_deg).to_radians();
        elliptical_ros(self.ros_m_min, self.length_to_width, theta)
    }
}

/// Length-to-width ratio from the effective wind speed (Anderson 1983, as in
/// BehavePlus): LW = 0.936 e^(0.1147 U) + 0.461 e^(−0.0692 U) − 0.397, U in mi/h.
/// No upper cap; never below 1.
pub fn length_to_width_ratio(effective_wind_m_s: f64) -> f64 {
    let u = effective_wind_m_s.max(0.0) / M_S_PER_MI_H;
    (0.936 * (0.1147 * u).exp() + 0.461 * (-0.0692 * u).exp() - 0.397).max(1.0)
}

/// Eccentricity of the fire ellipse, e = sqrt(LW² − 1) / LW.
pub fn eccentricity(length_to_width: f64) -> f64 {
    let lw = length_to_width.max(1.0);
    (lw * lw - 1.0).sqrt() / lw
}

/// Rate of spread at angle `theta_rad` from the heading direction for an
/// elliptical fire whose ignition point is the rear focus:
/// R(θ) = R_head (1 − e) / (1 − e cos θ), e from [`eccentricity`]. Same unit as
/// `head_ros`.
pub fn elliptical_ros(head_ros: f64, length_to_width: f64, theta_rad: f64) -> f64 {
    let e = eccentricity(length_to_width);
    head_ros * (1.0 - e) / (1.0 - e * theta_rad.cos())
}

/// Wind adjustment factor (Albini & Baughman 1979, as in BehavePlus): the
/// ratio of midflame wind to the wind 20 ft (6.1 m) above the vegetation.
/// `fuel_depth_m` fuel bed depth; `canopy_cover` fraction (0–1);
/// `canopy_height_m`; `crown_ratio` fraction (0–1). The fuel is taken as
/// unsheltered when the canopy is absent, lower than 6 ft or fills less than
/// 5 % of the space under it (cover × crown ratio / 3 < 0.05). For a 10-m wind,
/// divide it by 1.15 first to get the 20-ft wind (BehavePlus convention).
pub fn wind_adjustment_factor(
    fuel_depth_m: f64,
    canopy_cover: f64,
    canopy_height_m: f64,
    crown_ratio: f64,
) -> f64 {
    let crown_fill = crown_ratio * canopy_cover / 3.0;
    let canopy_ft = canopy_height_m / M_PER_FT;
    if canopy_cover < 1e-7 || crown_fill < 0.05 || canopy_ft < 6.0 {
        let h = fuel_depth_m / M_PER_FT;
        if h > 0.0 {
            1.83 / ((20.0 + 0.36 * h) / (0.13 * h)).ln()
        } else {
            0.0
        }
    } else {
        0.555
            / ((crown_fill * canopy_ft).sqrt()
                * ((20.0 + 0.36 * canopy_ft) / (0.13 * canopy_ft)).ln())
    }
}

/// Surface fire for one fuel model, moisture scenario and wind/slope: the two
/// stages [`Fuelbed::new`] and [`Fuelbed::spread`] in one call.
pub fn surface_fire(
    model: &FuelModel,
    m: &Moistures,
    ws: &WindSlope,
) -> Result<SurfaceFire, FireError> {
    Fuelbed::new(model, m)?.spread(ws)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fire::fuel;

    const CASES: &str = include_str!("../../tests/data/anderson13_cases.csv");

    /// |got − want| within 1e-5 relative, or within half a unit of the last
    /// decimal printed in the reference (its own rounding), whichever is larger.
    fn check(what: &str, model: &str, got: f64, want_text: &str, worst: &mut f64) {
        let want: f64 = want_text.parse().unwrap();
        let decimals = want_text.split('.').nth(1).map_or(0, str::len) as i32;
        let rounding = 0.5 * 10f64.powi(-decimals);
        let err = (got - want).abs();
        *worst = worst.max(err / want.abs());
        assert!(
            err <= (1e-5 * want.abs()).max(rounding),
            "model {model} {what}: got {got}, want {want} (rel err {:e})",
            err / want.abs()
        );
    }

    #[test]
    fn anderson13_matches_behaveplus() {
        let (h, rows) = crate::csv::embedded_table(CASES);
        let col = |n: &str| h.iter().position(|c| c == n).unwrap();
        let mut worst = [0.0f64; 7];
        assert_eq!(rows.len(), 13);
        for r in &rows {
            let v = |n: &str| r[col(n)].parse::<f64>().unwrap();
            let model = fuel::lookup(&r[col("fuel_model")]).unwrap();
            let m = Moistures::from_percent(
                v("m1h_pct"),
                v("m10h_pct"),
                v("m100h_pct"),
                v("mlh_pct"),
                v("mlw_pct"),
            );
            let ws = WindSlope::upslope(
                v("midflame_wind_mph") * M_S_PER_MI_H,
                v("slope_pct") / 100.0,
            );
            let f = surface_fire(model, &m, &ws).unwrap();
            let name = &r[0];
            check(
                "ros ch/h",
                name,
                f.ros_m_min / M_MIN_PER_CH_H,
                &r[col("ros_ch_per_h")],
                &mut worst[0],
            );
            check(
                "ros m/min",
                name,
                f.ros_m_min,
                &r[col("ros_m_per_min")],
                &mut worst[5],
            );
            check(
                "reaction intensity Btu/ft2/min",
                name,
                f.reaction_intensity_kw_m2 / KW_M2_PER_BTU_FT2_MIN,
                &r[col("reaction_intensity_btu_ft2_min")],
                &mut worst[1],
            );
            check(
                "fireline intensity Btu/ft/s",
                name,
                f.fireline_intensity_kw_m / KW_M_PER_BTU_FT_S,
                &r[col("fireline_intensity_btu_ft_s")],
                &mut worst[2],
            );
            let flame_ft = f.flame_length_m / M_PER_FT;
            check(
                "flame length ft",
                name,
                flame_ft,
                &r[col("flame_length_ft")],
                &mut worst[3],
            );
            // The printed flame lengths have 4 decimals (up to 5e-5 relative
            // rounding); Byram's formula applied to the reference intensity
            // checks the flame length at 1e-5 without that rounding.
            let from_ref = 0.45 * v("fireline_intensity_btu_ft_s").powf(0.46);
            worst[6] = worst[6].max((flame_ft / from_ref - 1.0).abs());
            assert!(
                (flame_ft / from_ref - 1.0).abs() < 1e-5,
                "model {name} flame length {flame_ft} vs {from_ref}"
            );
            check(
                "heat per unit area Btu/ft2",
                name,
                f.heat_per_unit_area_kj_m2 / KJ_M2_PER_BTU_FT2,
                &r[col("heat_per_unit_area_btu_ft2")],
                &mut worst[4],
            );
            assert_eq!(f.direction_max_spread_deg, 0.0);
        }
        eprintln!(
            "max relative error: ros ch/h {:.2e}, IR {:.2e}, FLI {:.2e}, FL {:.2e}, HPA {:.2e}, \
             ros m/min {:.2e}, FL vs Byram(reference FLI) {:.2e}",
            worst[0], worst[1], worst[2], worst[3], worst[4], worst[5], worst[6]
        );
    }

    fn fm(n: u16) -> &'static FuelModel {
        fuel::by_number(n).unwrap()
    }

    fn dry() -> Moistures {
        Moistures::from_percent(6.0, 7.0, 8.0, 60.0, 90.0)
    }

    #[test]
    fn no_fuel_no_fire() {
        for n in [91, 92, 93, 98, 99] {
            let f = surface_fire(fm(n), &dry(), &WindSlope::upslope(5.0, 0.5)).unwrap();
            assert_eq!(f.ros_m_min, 0.0);
            assert_eq!(f.reaction_intensity_kw_m2, 0.0);
            assert_eq!(f.flame_length_m, 0.0);
        }
        let mut empty = fm(1).clone();
        empty.load_1h_lb_ft2 = 0.0;
        let f = surface_fire(&empty, &dry(), &WindSlope::upslope(5.0, 0.5)).unwrap();
        assert_eq!(f.ros_m_min, 0.0);
    }

    #[test]
    fn moisture_above_extinction_stops_fire() {
        // FM1 has only dead fuel with extinction 12 %.
        let wet = Moistures::from_percent(12.0, 12.0, 12.0, 100.0, 100.0);
        let f = surface_fire(fm(1), &wet, &WindSlope::upslope(3.0, 0.2)).unwrap();
        assert_eq!(f.ros_m_min, 0.0);
        assert_eq!(f.fireline_intensity_kw_m, 0.0);
        let damp = Moistures::from_percent(11.0, 12.0, 12.0, 100.0, 100.0);
        assert!(
            surface_fire(fm(1), &damp, &WindSlope::upslope(3.0, 0.2))
                .unwrap()
                .ros_m_min
                > 0.0
        );
    }

    #[test]
    fn upslope_faster_than_flat_and_wind_faster_than_calm() {
        for m in fuel::all().iter().filter(|m| m.is_burnable()) {
            let bed = Fuelbed::new(m, &dry()).unwrap();
            let flat = bed.spread(&WindSlope::upslope(0.0, 0.0)).unwrap();
            let slope = bed.spread(&WindSlope::upslope(0.0, 0.4)).unwrap();
            let wind = bed.spread(&WindSlope::upslope(3.0, 0.0)).unwrap();
            assert!(flat.ros_m_min > 0.0, "{}", m.code);
            assert!(slope.ros_m_min > flat.ros_m_min, "{}", m.code);
            assert!(wind.ros_m_min > flat.ros_m_min, "{}", m.code);
            assert_eq!(flat.ros_m_min, flat.ros_no_wind_no_slope_m_min);
            assert_eq!(flat.length_to_width, 1.0);
            // Slope alone has an effective wind and an elongated shape.
            assert!(
                slope.effective_wind_m_s > 0.0 && slope.length_to_width > 1.0,
                "{}",
                m.code
            );
        }
    }

    #[test]
    fn effective_wind_equals_midflame_wind_on_flat_ground() {
        let f = surface_fire(fm(4), &dry(), &WindSlope::upslope(4.0, 0.0)).unwrap();
        assert!(
            (f.effective_wind_m_s - 4.0).abs() < 1e-9,
            "{}",
            f.effective_wind_m_s
        );
        let f2 = surface_fire(fm(4), &dry(), &WindSlope::upslope(4.0, 0.3)).unwrap();
        assert!(f2.effective_wind_m_s > 4.0);
    }

    #[test]
    fn cross_slope_wind_gives_vector_sum_direction() {
        // Slope faces west (upslope east, 90°), wind from south blowing north (0°).
        let ws = WindSlope {
            midflame_wind_m_s: 2.0,
            wind_from_deg: 180.0,
            slope_rise_run: 0.3,
            aspect_deg: 270.0,
        };
        let f = surface_fire(fm(2), &dry(), &ws).unwrap();
        assert!(
            f.direction_max_spread_deg > 0.0 && f.direction_max_spread_deg < 90.0,
            "{}",
            f.direction_max_spread_deg
        );
        let ws_flat = WindSlope {
            slope_rise_run: 0.0,
            ..ws
        };
        assert!(
            surface_fire(fm(2), &dry(), &ws_flat)
                .unwrap()
                .direction_max_spread_deg
                .abs()
                < 1e-9
        );
        // Wind from the north on flat ground: spread toward south.
        let ws_n = WindSlope {
            midflame_wind_m_s: 2.0,
            wind_from_deg: 0.0,
            slope_rise_run: 0.0,
            aspect_deg: 0.0,
        };
        let d = surface_fire(fm(2), &dry(), &ws_n)
            .unwrap()
            .direction_max_spread_deg;
        assert!((d - 180.0).abs() < 1e-9, "{d}");
    }

    #[test]
    fn dynamic_curing_moves_herb_to_dead() {
        let gr2 = fm(102);
        let ws = WindSlope::upslope(2.0, 0.0);
        let at = |herb: f64| {
            let m = Moistures {
                live_herb: herb,
                ..dry()
            };
            surface_fire(gr2, &m, &ws).unwrap().ros_m_min
        };
        // Fully cured below 30 %, fully green above ~120 %: monotone in between.
        assert_eq!(at(0.10), at(0.30));
        assert!(at(0.30) > at(0.60) && at(0.60) > at(0.90) && at(0.90) > at(1.20));
        // A static copy of the same model ignores herb curing.
        let mut stat = gr2.clone();
        stat.dynamic = false;
        let static_ros = |herb: f64| {
            let m = Moistures {
                live_herb: herb,
                ..dry()
            };
            surface_fire(&stat, &m, &ws).unwrap().ros_m_min
        };
        assert_eq!(static_ros(1.25), at(1.25));
    }

    #[test]
    fn fully_cured_herb_equals_same_load_as_dead_fuel() {
        // With the herb SAV equal to the 1-h SAV, cured herb is 1-h fuel.
        let mut dynamic = fm(101).clone();
        dynamic.sav_herb_ft2_ft3 = dynamic.sav_1h_ft2_ft3;
        let mut merged = dynamic.clone();
        merged.dynamic = false;
        merged.load_1h_lb_ft2 += merged.load_herb_lb_ft2;
        merged.load_herb_lb_ft2 = 0.0;
        let m = Moistures {
            live_herb: 0.2,
            ..dry()
        };
        let ws = WindSlope::upslope(2.0, 0.1);
        let a = surface_fire(&dynamic, &m, &ws).unwrap();
        let b = surface_fire(&merged, &m, &ws).unwrap();
        assert!((a.ros_m_min / b.ros_m_min - 1.0).abs() < 1e-12);
        assert!((a.reaction_intensity_kw_m2 / b.reaction_intensity_kw_m2 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ellipse_shape() {
        assert_eq!(length_to_width_ratio(0.0), 1.0);
        // U = 10 mi/h: 0.936 e^1.147 + 0.461 e^-0.692 - 0.397.
        let lw = length_to_width_ratio(10.0 * M_S_PER_MI_H);
        let expect = 0.936 * 1.147f64.exp() + 0.461 * (-0.692f64).exp() - 0.397;
        assert!((lw - expect).abs() < 1e-12);
        let e = eccentricity(lw);
        assert!((elliptical_ros(10.0, lw, 0.0) - 10.0).abs() < 1e-12);
        let back = elliptical_ros(10.0, lw, std::f64::consts::PI);
        assert!((back - 10.0 * (1.0 - e) / (1.0 + e)).abs() < 1e-12);
        // Head + back = 2a, flank through the focus = a (1 - e^2) = b^2 / a.
        let a = (10.0 + back) / 2.0;
        let b = a / lw;
        let flank = elliptical_ros(10.0, lw, std::f64::consts::FRAC_PI_2);
        assert!((flank - b * b / a).abs() < 1e-12);
        assert_eq!(elliptical_ros(7.0, 1.0, 2.0), 7.0);
    }

    #[test]
    fn wind_adjustment_factor_albini_baughman() {
        // Unsheltered FM1 (1 ft) and FM4 (6 ft): BehavePlus shows 0.36 and 0.55.
        let w1 = wind_adjustment_factor(1.0 * M_PER_FT, 0.0, 0.0, 0.0);
        assert!((w1 - 1.83 / (20.36f64 / 0.13).ln()).abs() < 1e-12);
        assert!((w1 - 0.36).abs() < 0.005);
        let w4 = wind_adjustment_factor(6.0 * M_PER_FT, 0.0, 0.0, 0.0);
        assert!((w4 - 0.55).abs() < 0.005);
        // Sheltered: 50 % cover, 30 m canopy, crown ratio 0.5.
        let ws = wind_adjustment_factor(0.3, 0.5, 30.0, 0.5);
        let h = 30.0 / M_PER_FT;
        let f: f64 = 0.5 * 0.5 / 3.0;
        assert!(
            (ws - 0.555 / ((f * h).sqrt() * ((20.0 + 0.36 * h) / (0.13 * h)).ln())).abs() < 1e-12
        );
        assert!(ws < w1);
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        let bad_m = Moistures {
            dead_1h: f64::NAN,
            ..dry()
        };
        assert!(matches!(
            Fuelbed::new(fm(1), &bad_m),
            Err(FireError::InvalidInput { .. })
        ));
        let neg = Moistures {
            live_woody: -0.1,
            ..dry()
        };
        assert!(Fuelbed::new(fm(1), &neg).is_err());
        let mut custom = fm(1).clone();
        custom.load_10h_lb_ft2 = f64::NAN;
        assert!(Fuelbed::new(&custom, &dry()).is_err());
        custom = fm(1).clone();
        custom.mx_dead = 0.0;
        assert!(Fuelbed::new(&custom, &dry()).is_err());
        let bed = Fuelbed::new(fm(1), &dry()).unwrap();
        assert!(bed.spread(&WindSlope::upslope(-1.0, 0.0)).is_err());
        assert!(bed.spread(&WindSlope::upslope(1.0, f64::INFINITY)).is_err());
        let ws = WindSlope {
            wind_from_deg: f64::NAN,
            ..WindSlope::upslope(1.0, 0.0)
        };
        assert!(bed.spread(&ws).is_err());
    }
}
