//! IWHR rational formula (推理公式, 水科院水文所) for the design flood peak of a small catchment,
//! and the generalised flood hydrograph (概化过程线) built on it.
//!
//! Written with the depth–duration curve H(t) itself, so that single and segmented decay indices
//! (and IDF curves) are handled alike. For one power law H = S_p t^(1−n) the forms below reduce
//! exactly to the code's:
//! - net-rain duration t_c: the t maximising H(t) − μt (where the instantaneous intensity falls to
//!   μ): t_c = [(1 − n) S_p / μ]^(1/n), capped at the storm duration D;
//! - full area (t_c ≥ τ): Q_m = 0.278 (H(τ)/τ − μ) F = 0.278 (S_p/τⁿ − μ) F;
//! - partial area (t_c < τ): Q_m = 0.278 (H(t_c) − μ t_c) F / τ;
//! - concentration time τ = 0.278 L / (m J^(1/3) Q_m^(1/4)).
//!
//! Units inside this module follow the formula: Q m³/s, H mm, t and τ h, μ mm/h, F km², L km,
//! J m/m. "0.278" is 1/3.6 exactly here (the code's 0.278 is its 3-digit rounding; 0.08 %).

use crate::depth_duration::StormCurve;
use crate::error::{HydrologyError, check_closed, check_positive};
use serde::{Deserialize, Serialize};

/// 1 mm/h over 1 km² in m³/s; also km/(m/s) → h.
pub const UNIT: f64 = 1.0 / 3.6;

/// The flow-concentration parameter m (汇流参数).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcentrationParameter {
    /// m given.
    Given { m: f64 },
    /// m = a·θ^b with θ = L / (J^(1/3) F^(1/4)) (regional θ–m relation).
    ThetaPowerLaw { a: f64, b: f64 },
}

impl ConcentrationParameter {
    /// Regional default θ–m relation m = 0.4 θ^0.204, *recalled* from the national relation for
    /// category II catchments (hilly transition regions) of 《水利水电工程设计洪水计算手册》
    /// (1995); not verified against the book. Replace it with the province's 暴雨洪水查算图表
    /// relation; the report marks it as a recalled regional default.
    pub const REGIONAL_DEFAULT: ConcentrationParameter =
        ConcentrationParameter::ThetaPowerLaw { a: 0.4, b: 0.204 };
}

/// Shape of the generalised flood hydrograph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneralizedShape {
    /// Triangle of peak Q_m and base T = 2W/Q_m (volume exactly W), rising over
    /// `rise_fraction`·T. Default 0.375 = 1/2.67: the SCS triangular unit hydrograph's rise to
    /// base ratio (NEH-630 ch. 16), a common choice where no regional 概化过程线 is adopted.
    Triangle { rise_fraction: f64 },
}

impl Default for GeneralizedShape {
    fn default() -> Self {
        GeneralizedShape::Triangle { rise_fraction: 0.375 }
    }
}

/// Rational-formula settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RationalSettings {
    /// Mean loss rate μ during the storm (产流期平均损失率), mm/h, ≥ 0.
    pub loss_rate_mm_per_h: f64,
    /// Concentration parameter m (default [`ConcentrationParameter::REGIONAL_DEFAULT`]).
    pub concentration: ConcentrationParameter,
    /// Generalised hydrograph shape (default triangle, rise fraction 0.375).
    pub shape: GeneralizedShape,
}

impl RationalSettings {
    /// Defaults with the given loss rate.
    pub fn new(loss_rate_mm_per_h: f64) -> Self {
        Self {
            loss_rate_mm_per_h,
            concentration: ConcentrationParameter::REGIONAL_DEFAULT,
            shape: GeneralizedShape::default(),
        }
    }
}

/// Which part of the catchment contributes at the peak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributingArea {
    /// t_c ≥ τ (全面汇流).
    Full,
    /// t_c < τ (部分汇流).
    Partial,
}

/// Converged rational-formula peak.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RationalPeak {
    pub peak_m3s: f64,
    /// Concentration time τ, h (0 when there is no net rain).
    pub tau_h: f64,
    /// Net-rain duration t_c, h (capped at the storm duration).
    pub tc_h: f64,
    pub contributing: ContributingArea,
    /// m used.
    pub m: f64,
    /// θ = L / (J^(1/3) F^(1/4)).
    pub theta: f64,
    /// Net rain of the t_c window, H(t_c) − μ t_c, mm.
    pub net_rain_mm: f64,
    /// Rain force S_p and decay index n of the power-law piece governing τ (atlas curves only).
    pub rain_force_mm_per_h: Option<f64>,
    pub decay_n: Option<f64>,
    /// Root-finding iterations.
    pub iterations: usize,
    /// |Q − g(τ(Q))| / Q at the solution.
    pub relative_residual: f64,
}

/// Catchment geometry in the formula's units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub area_km2: f64,
    pub length_km: f64,
    pub slope: f64,
}

/// Net-rain duration: argmax of H(t) − μ t on (0, D], h.
fn net_rain_duration_h(curve: &StormCurve, mu: f64, duration_h: f64) -> f64 {
    if mu <= 0.0 {
        return duration_h;
    }
    let net = |t_h: f64| curve.depth_unchecked(t_h * 3600.0) - mu * t_h;
    // Log-spaced scan from 1 s, then golden-section refinement around the best sample: robust
    // where segments join (the curve's slope may jump there).
    let (lo, samples) = (1.0 / 3600.0, 2000usize);
    let ratio = (duration_h / lo).ln() / (samples - 1) as f64;
    let at = |i: usize| (lo * (ratio * i as f64).exp()).min(duration_h);
    let best = (0..samples).max_by(|&a, &b| net(at(a)).total_cmp(&net(at(b)))).unwrap_or(0);
    let (mut a, mut b) = (at(best.saturating_sub(1)), at((best + 1).min(samples - 1)));
    let phi = 0.5 * (5f64.sqrt() - 1.0);
    let mut c = b - phi * (b - a);
    let mut d = a + phi * (b - a);
    for _ in 0..200 {
        if net(c) > net(d) {
            b = d;
        } else {
            a = c;
        }
        c = b - phi * (b - a);
        d = a + phi * (b - a);
        if b - a <= 1e-12 * b {
            break;
        }
    }
    let t = 0.5 * (a + b);
    if net(duration_h) >= net(t) { duration_h } else { t }
}

/// Solves the rational formula for the peak.
pub(crate) fn rational_peak(
    geometry: Geometry,
    curve: &StormCurve,
    storm_duration_s: f64,
    settings: &RationalSettings,
) -> Result<RationalPeak, HydrologyError> {
    let mu =
        check_closed("loss rate μ (mm/h)", settings.loss_rate_mm_per_h, 0.0, 1e3, "[0, 1000]")?;
    let Geometry { area_km2: f, length_km: l, slope: j } = geometry;
    let theta = l / (j.cbrt() * f.powf(0.25));
    let m = match settings.concentration {
        ConcentrationParameter::Given { m } => check_positive("concentration parameter m", m)?,
        ConcentrationParameter::ThetaPowerLaw { a, b } => {
            check_positive("θ–m coefficient a", a)?;
            check_closed("θ–m exponent b", b, -5.0, 5.0, "[-5, 5]")?;
            a * theta.powf(b)
        }
    };
    let duration_h = storm_duration_s / 3600.0;
    let tc = net_rain_duration_h(curve, mu, duration_h);
    let depth = |t_h: f64| curve.depth_unchecked(t_h * 3600.0);
    let net_rain = depth(tc) - mu * tc;
    let tau_of = |q: f64| UNIT * l / (m * j.cbrt() * q.powf(0.25));
    let peak_of_tau = |tau: f64| {
        if tau <= tc { UNIT * (depth(tau) / tau - mu) * f } else { UNIT * net_rain * f / tau }
    };
    let base = |peak: f64, tau: f64, iterations: usize, residual: f64| RationalPeak {
        rain_force_mm_per_h: curve.decay_at(tau * 3600.0).map(|s| s.s_p_mm_per_h),
        decay_n: curve.decay_at(tau * 3600.0).map(|s| s.n),
        peak_m3s: peak,
        tau_h: tau,
        tc_h: tc,
        contributing: if tau <= tc { ContributingArea::Full } else { ContributingArea::Partial },
        m,
        theta,
        net_rain_mm: net_rain,
        iterations,
        relative_residual: residual,
    };
    if net_rain <= 0.0 {
        // No net rain: no flood; τ is undefined and reported as 0.
        return Ok(base(0.0, 0.0, 0, 0.0));
    }
    // f(Q) = Q − g(τ(Q)) rises from negative (Q → 0: g ∝ Q^(1/4) ≫ Q) to positive (g grows like
    // Q^(n/4)); bisection in ln Q on a bracket is monotone and cannot oscillate, unlike the
    // textbook successive substitution.
    let residual = |q: f64| q - peak_of_tau(tau_of(q));
    let (mut lo, mut hi) = (1e-9_f64, 1.0_f64);
    let mut iterations = 0usize;
    while residual(hi) < 0.0 {
        hi *= 4.0;
        iterations += 1;
        if iterations > 200 {
            return Err(HydrologyError::RationalNotConverged {
                iterations,
                peak_m3s: hi,
                residual: f64::NAN,
            });
        }
    }
    if residual(lo) > 0.0 {
        return Err(HydrologyError::RationalNotConverged {
            iterations,
            peak_m3s: lo,
            residual: residual(lo) / lo,
        });
    }
    while hi / lo - 1.0 > 1e-13 {
        let mid = (lo * hi).sqrt();
        if residual(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
        iterations += 1;
        if iterations > 500 {
            let r = residual(mid) / mid;
            return Err(HydrologyError::RationalNotConverged {
                iterations,
                peak_m3s: mid,
                residual: r,
            });
        }
    }
    let q = (lo * hi).sqrt();
    let rel = (residual(q) / q).abs();
    if rel.is_nan() || rel >= 1e-9 {
        return Err(HydrologyError::RationalNotConverged {
            iterations,
            peak_m3s: q,
            residual: rel,
        });
    }
    Ok(base(q, tau_of(q), iterations, rel))
}
