//! Seepage calibration: one conductivity parameter of one material from piezometer levels.
//!
//! The pond stands at the observed (window-mean) level and the section is solved steadily; the
//! simulated piezometric level at a piezometer is the phreatic line's elevation at its station
//! x (section coordinates). The objective is SSE(θ) = Σ (z_sim(x_i; θ) − z_obs,i)² with θ = ln p
//! and p either
//!
//! - the anisotropy ratio r = k₁/k₂ of the material (k_x/k_y for axis-aligned layering), keeping
//!   the geometric mean √(k₁k₂) and the direction: k₁ = k_g √r, k₂ = k_g / √r; or
//! - a multiplier m of the material's conductivity (ratio and direction kept).
//!
//! Minimisation: a grid of `grid_points` values of θ across [ln p_lo, ln p_hi] (the objective's
//! profile, reported) and golden section in the best bracket to `tol_log`. Each evaluation is one
//! steady solve on the same mesh (meshed once, no exit-point refinement: a mesh that moved with
//! the exit point would make the objective jump between evaluations). Standard error of θ from
//! the curvature: var θ ≈ 2 s² / SSE″(θ), s² = SSE/(n − 1), SSE″ by central differences (step
//! 0.05); the 95 % interval is exp(θ ± t_{0.975, n−1}·SE). The steady-state assumption needs a
//! pond level that was steady over the window: the level's standard deviation is reported.

use super::{CalibrationError, optimize};
use serde::{Deserialize, Serialize};
use tailtwin_core::DamSection;
use tailtwin_seepage::{SeepageModel, SeepageSettings, mesh_section};

/// Which conductivity parameter is fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeepageParameter {
    /// k₁/k₂ (k_x/k_y), geometric mean kept.
    KRatio,
    /// Multiplier of k (ratio kept).
    KMultiplier,
}

impl SeepageParameter {
    pub fn key(self) -> &'static str {
        match self {
            SeepageParameter::KRatio => "k_ratio",
            SeepageParameter::KMultiplier => "k_multiplier",
        }
    }
}

/// An observed piezometric level at a station of the section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Piezometer {
    pub id: String,
    /// Station, section x coordinate, m.
    pub x_m: f64,
    /// Observed level, m.
    pub observed_m: f64,
}

/// What to fit and where to look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeepageCalibrationSettings {
    /// Material whose conductivity is varied.
    pub material: String,
    pub parameter: SeepageParameter,
    /// Search bounds of p (> 0).
    pub lower: f64,
    pub upper: f64,
    /// Grid points of the profile (≥ 3; default 7).
    pub grid_points: usize,
    /// Golden-section stop: bracket width in ln p (default 10⁻³, 0.1 % in p).
    pub tol_log: f64,
}

impl SeepageCalibrationSettings {
    /// Defaults: ratio in [1, 100] or multiplier in [0.01, 100], 7 grid points, 10⁻³.
    pub fn new(material: &str, parameter: SeepageParameter) -> Self {
        let (lower, upper) = match parameter {
            SeepageParameter::KRatio => (1.0, 100.0),
            SeepageParameter::KMultiplier => (0.01, 100.0),
        };
        SeepageCalibrationSettings {
            material: material.into(),
            parameter,
            lower,
            upper,
            grid_points: 7,
            tol_log: 1e-3,
        }
    }
}

/// Observed and simulated level at a piezometer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PiezometerFit {
    pub id: String,
    pub x_m: f64,
    pub observed_m: f64,
    pub simulated_m: f64,
}

/// The calibrated parameter and the fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeepageCalibration {
    pub section: String,
    pub material: String,
    pub parameter: SeepageParameter,
    pub value: f64,
    /// Standard error of ln p (NaN with a flat objective).
    pub log_se: f64,
    pub ci95: [f64; 2],
    /// The material's conductivity with the calibrated parameter: k₁ (m/s), k₂/k₁.
    pub k_major_m_s: f64,
    pub k_ratio_minor_over_major: f64,
    pub pond_level_m: f64,
    pub piezometers: Vec<PiezometerFit>,
    pub rmse_m: f64,
    /// Mean of simulated − observed, m.
    pub bias_m: f64,
    /// (p, RMSE m) on the grid.
    pub profile: Vec<(f64, f64)>,
    pub at_lower_bound: bool,
    pub at_upper_bound: bool,
    /// Steady solves done.
    pub evaluations: usize,
    pub warnings: Vec<String>,
}

fn bad(what: &str, message: impl Into<String>) -> CalibrationError {
    CalibrationError::BadInput { what: what.into(), message: message.into() }
}

/// The section with the parameter applied to the material `m`.
fn with_parameter(
    section: &DamSection,
    m: usize,
    parameter: SeepageParameter,
    p: f64,
) -> DamSection {
    let mut s = section.clone();
    let c = &mut s.materials[m].hydraulic.conductivity;
    match parameter {
        SeepageParameter::KRatio => {
            let kg = c.k_major_m_s * c.ratio.sqrt();
            c.k_major_m_s = kg * p.sqrt();
            c.ratio = 1.0 / p;
        }
        SeepageParameter::KMultiplier => c.k_major_m_s *= p,
    }
    s
}

/// Fits the parameter to the piezometers with the pond at `pond_level_m`.
pub fn calibrate_seepage(
    section: &DamSection,
    seepage: &SeepageSettings,
    pond_level_m: f64,
    piezometers: &[Piezometer],
    settings: &SeepageCalibrationSettings,
) -> Result<SeepageCalibration, CalibrationError> {
    let m =
        section.materials.iter().position(|x| x.name == settings.material).ok_or_else(|| {
            let names: Vec<&str> = section.materials.iter().map(|x| x.name.as_str()).collect();
            bad(
                "material",
                format!(
                    "'{}' is not a material of section '{}' (materials: {})",
                    settings.material,
                    section.name,
                    names.join(", ")
                ),
            )
        })?;
    let (lo, hi) = (settings.lower, settings.upper);
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi > lo) {
        return Err(bad("bounds", format!("[{lo}, {hi}] must satisfy 0 < lower < upper")));
    }
    if !(settings.tol_log.is_finite() && settings.tol_log > 0.0) {
        return Err(bad("tol_log", format!("{} must be > 0", settings.tol_log)));
    }
    if !pond_level_m.is_finite() {
        return Err(bad("pond level", format!("{pond_level_m} is not finite")));
    }
    if piezometers.len() < 2 {
        return Err(CalibrationError::TooLittleData(format!(
            "{} piezometer(s) with readings; at least two are needed for a fit with a standard \
             error",
            piezometers.len()
        )));
    }
    let (x0, x1) = (section.surface.first().x, section.surface.last().x);
    for p in piezometers {
        if !(p.x_m.is_finite() && p.x_m >= x0 && p.x_m <= x1) {
            return Err(bad(
                &format!("piezometer {}", p.id),
                format!(
                    "station x = {} m is outside section '{}' ({x0}…{x1} m)",
                    p.x_m, section.name
                ),
            ));
        }
        if !p.observed_m.is_finite() {
            return Err(bad(&format!("piezometer {}", p.id), "observed level is not finite"));
        }
    }
    let mut seepage = *seepage;
    seepage.exit_refinement_passes = 0;
    let mesh = mesh_section(section, &seepage.mesh)
        .map_err(|e| bad(&format!("section '{}'", section.name), e.to_string()))?;
    let simulate = |theta: f64| -> Result<Vec<f64>, CalibrationError> {
        let s = with_parameter(section, m, settings.parameter, theta.exp());
        let mut model = SeepageModel::with_mesh(&s, mesh.clone(), &seepage)
            .map_err(|e| bad(&format!("section '{}'", section.name), e.to_string()))?;
        let r = model.solve(pond_level_m).map_err(|e| {
            CalibrationError::Model(format!(
                "seepage solve at {} = {:.4}: {e}",
                settings.parameter.key(),
                theta.exp()
            ))
        })?;
        Ok(piezometers.iter().map(|p| r.phreatic.z_at(p.x_m)).collect())
    };
    let sse_of = |z: &[f64]| -> f64 {
        z.iter().zip(piezometers).map(|(z, p)| (z - p.observed_m).powi(2)).sum()
    };
    // Simulated levels of every evaluation, so the optimum's are not solved again.
    let mut solved: Vec<(f64, Vec<f64>)> = Vec::new();
    let min = optimize::grid_golden(
        |theta| {
            let z = simulate(theta)?;
            let f = sse_of(&z);
            solved.push((theta, z));
            Ok::<_, CalibrationError>(f)
        },
        lo.ln(),
        hi.ln(),
        settings.grid_points,
        settings.tol_log,
    )?;
    let n = piezometers.len() as f64;
    let z = solved
        .iter()
        .find(|(theta, _)| *theta == min.x)
        .map(|(_, z)| z.clone())
        .expect("the minimum is an evaluated point");
    let h = 0.05;
    let (fm, fp) = (sse_of(&simulate(min.x - h)?), sse_of(&simulate(min.x + h)?));
    let solves = solved.len() + 2;
    let curvature = (fp - 2.0 * min.f + fm) / (h * h);
    let s2 = min.f / (n - 1.0);
    let log_se = if curvature > 0.0 { (2.0 * s2 / curvature).sqrt() } else { f64::NAN };
    let t = super::student_t_975(n - 1.0);
    let value = min.x.exp();
    let mut warnings = Vec::new();
    if min.at_lower_bound || min.at_upper_bound {
        warnings.push(format!(
            "the optimum lies on the {} bound {}: widen the search interval or check the data",
            if min.at_lower_bound { "lower" } else { "upper" },
            if min.at_lower_bound { lo } else { hi }
        ));
    }
    let c =
        with_parameter(section, m, settings.parameter, value).materials[m].hydraulic.conductivity;
    let fits: Vec<PiezometerFit> = piezometers
        .iter()
        .zip(&z)
        .map(|(p, &zs)| PiezometerFit {
            id: p.id.clone(),
            x_m: p.x_m,
            observed_m: p.observed_m,
            simulated_m: zs,
        })
        .collect();
    Ok(SeepageCalibration {
        section: section.name.clone(),
        material: settings.material.clone(),
        parameter: settings.parameter,
        value,
        log_se,
        ci95: [(min.x - t * log_se).exp(), (min.x + t * log_se).exp()],
        k_major_m_s: c.k_major_m_s,
        k_ratio_minor_over_major: c.ratio,
        pond_level_m,
        rmse_m: (sse_of(&z) / n).sqrt(),
        bias_m: fits.iter().map(|f| f.simulated_m - f.observed_m).sum::<f64>() / n,
        piezometers: fits,
        profile: min.profile.iter().map(|&(x, f)| (x.exp(), (f / n).sqrt())).collect(),
        at_lower_bound: min.at_lower_bound,
        at_upper_bound: min.at_upper_bound,
        evaluations: solves,
        warnings,
    })
}
