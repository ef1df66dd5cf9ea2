//! Slope reliability on fixed slip surfaces: first-order second-moment (FOSM, mean value) and
//! Monte-Carlo estimates of the distribution of the factor of safety F, its reliability index β
//! and the probability of failure P(F < 1).
//!
//! # Random variables
//! A [`VariableSpec`] names a [`Target`] — c′, φ′ (or tan φ′), the unit weight or s_u of one
//! material of the problem's model, or the pore water (a head offset Δh of the phreatic surface
//! / pressure head, m, or a factor on the pore pressure; see [`crate::PoreAdjustment`]) — a
//! [`Distribution`] (normal or lognormal) and its spread (`cov` or `sd`). The mean is always
//! the problem's own value: the material's property, Δh = 0, factor = 1. A unit-weight
//! variable γ scales γ_sat by the same ratio γ/μ_γ. Optional correlations ρ between two
//! variables (typically c′–φ′) are correlations of the variables themselves; for Monte-Carlo
//! they are carried to the underlying standard normals by the Nataf relations, exact for these
//! pairs: normal–normal ρ_z = ρ; normal–lognormal ρ_z = ρ v / ζ; lognormal–lognormal
//! ρ_z = ln(1 + ρ v₁ v₂)/(ζ₁ ζ₂), with v the lognormal's coefficient of variation and
//! ζ² = ln(1 + v²). Samples z ~ N(0, I) become y = L z with L the Cholesky factor of the ρ_z
//! matrix; a normal variable is x = μ + σ y, a lognormal one x = exp(λ + ζ y), λ = ln μ − ζ²/2.
//! Normal draws outside the physical range are clipped to it (c′, s_u ≥ 0; 0 ≤ φ′ ≤ 89°;
//! γ ≥ 1 % of its mean; pore factor ≥ 0): with cov ≲ 0.3 this touches a fraction
//! Φ(−1/cov) ≲ 0.04 % of the draws; use lognormal for larger spreads of positive quantities.
//!
//! # Surfaces (the approximation)
//! F is evaluated on a fixed set of surfaces — in the pipeline the critical surface of the
//! deterministic search and the next near-critical ones of the same load case and method — and
//! a sample's F is the least over that set. The critical surface of each sample is not searched
//! again: where the inputs move the critical surface far from the set (a weak layer that only
//! some samples have), F and P(F < 1) are overestimated/underestimated respectively. With
//! several surfaces of different depth and position in the set, a change of the governing mode
//! between samples is captured.
//!
//! # FOSM (mean value)
//! μ_F = F(μ) on the surface critical at the mean inputs; σ_F² = Σ_i Σ_j g_i g_j ρ_ij σ_i σ_j,
//! g_i = ∂F/∂x_i by central differences with step h = σ_i/10 on that surface (one-sided where
//! a step would leave the physical range or the method fails on one side); β = (μ_F − 1)/σ_F,
//! P = Φ(−β) (the normal-F assumption). Exact when F is linear in the inputs and they are normal.
//!
//! # Monte-Carlo
//! N samples; sample i draws from a ChaCha8 generator seeded with splitmix64(splitmix64(seed) ⊕
//! i), so its inputs do not depend on the thread count; samples run in parallel (rayon) into an
//! index-ordered vector and the statistics are reduced sequentially: identical on 1 and N
//! threads. P(F < 1) = hits/n with its Wilson 95 % interval (`core::Probability`), β_MC =
//! (mean − 1)/sd of the sample. A sample on which the method converges on no surface is counted
//! in `failed` and left out of n (never silently dropped).

use crate::error::StabilityError;
use crate::methods::{Method, SolverSettings, solve};
use crate::problem::{PoreAdjustment, PoreWater, SlopeProblem};
use crate::surface::{SliceSet, SlipSurface};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;
use tailtwin_core::{PorePressure, Probability, Strength};
use thiserror::Error;

/// Step of the central differences, in standard deviations.
pub const FOSM_STEP_SD: f64 = 0.1;
/// Largest friction angle a sample may take, degrees.
pub const MAX_FRICTION_DEG: f64 = 89.0;

/// Why a reliability analysis could not be done.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReliabilityError {
    /// A variable or correlation that makes no sense; `name` is the caller's name for it (the
    /// pipeline uses the scenario key path).
    #[error("{name}: {detail}")]
    BadVariable { name: String, detail: String },
    #[error(transparent)]
    Stability(#[from] StabilityError),
    /// The method gave no factor of safety on any surface at the mean inputs, or on neither side
    /// of a difference step.
    #[error("{method}: {detail}")]
    Evaluation { method: &'static str, detail: String },
}

fn bad(name: &str, detail: impl Into<String>) -> ReliabilityError {
    ReliabilityError::BadVariable { name: name.to_string(), detail: detail.into() }
}

/// Probability distribution of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    Normal,
    Lognormal,
}

/// A property of a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    /// c′, Pa (Mohr–Coulomb material).
    Cohesion,
    /// φ′, rad (Mohr–Coulomb material).
    FrictionAngle,
    /// tan φ′ (Mohr–Coulomb material).
    TanFriction,
    /// γ above the phreatic line, N/m³; γ_sat follows by the same ratio.
    UnitWeight,
    /// s_u, Pa (undrained material).
    UndrainedStrength,
}

/// What a variable stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Material {
        index: usize,
        property: Property,
    },
    /// Δh of [`PoreAdjustment`], m (mean 0): phreatic line / pressure head raised by Δh.
    PoreHeadOffset,
    /// Factor on the pore pressure (mean 1).
    PoreFactor,
}

/// The spread of a variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// Coefficient of variation σ/μ.
    Cov(f64),
    /// Standard deviation, in the variable's SI unit (Pa, rad, N/m³, m, –).
    Sd(f64),
}

/// A variable as asked for; the mean comes from the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableSpec {
    /// Name used in errors and reports (the pipeline passes the scenario key path).
    pub name: String,
    pub target: Target,
    pub distribution: Distribution,
    pub spread: Spread,
}

/// A correlation between two variables (indices into the specs), ρ ∈ (−1, 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    pub name: String,
    pub first: usize,
    pub second: usize,
    pub rho: f64,
}

/// A resolved variable: mean and standard deviation in SI units, and its physical range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RandomVariable {
    pub name: String,
    pub target: Target,
    pub distribution: Distribution,
    pub mean: f64,
    pub sd: f64,
    pub lower: f64,
    pub upper: f64,
}

impl RandomVariable {
    /// The value for a standard normal y.
    fn from_normal(&self, y: f64) -> f64 {
        match self.distribution {
            Distribution::Normal => (self.mean + self.sd * y).clamp(self.lower, self.upper),
            Distribution::Lognormal => {
                let (lambda, zeta) = lognormal_parameters(self.mean, self.sd);
                (lambda + zeta * y).exp().clamp(self.lower, self.upper)
            }
        }
    }
}

/// (λ, ζ) of a lognormal with this mean and standard deviation.
fn lognormal_parameters(mean: f64, sd: f64) -> (f64, f64) {
    let v = sd / mean;
    let zeta2 = (1.0 + v * v).ln();
    (mean.ln() - 0.5 * zeta2, zeta2.sqrt())
}

/// The variables of an analysis with their correlation (physical) and the Cholesky factor of
/// the correlation of the underlying standard normals.
#[derive(Debug, Clone, PartialEq)]
pub struct Variables {
    vars: Vec<RandomVariable>,
    /// Row-major n × n correlation of the variables.
    rho: Vec<f64>,
    /// Row-major lower-triangular Cholesky factor of the normal-space correlation.
    chol: Vec<f64>,
}

/// A material's value of `property` (None: the property does not apply to its strength model).
fn material_value(problem: &SlopeProblem, index: usize, property: Property) -> Option<f64> {
    let m = problem.model.materials().get(index)?;
    match (property, m.strength) {
        (Property::UnitWeight, _) => Some(m.unit_weight),
        (Property::Cohesion, Strength::MohrCoulomb { cohesion_pa, .. }) => Some(cohesion_pa),
        (Property::FrictionAngle, Strength::MohrCoulomb { friction_angle_rad, .. }) => {
            Some(friction_angle_rad)
        }
        (Property::TanFriction, Strength::MohrCoulomb { friction_angle_rad, .. }) => {
            Some(friction_angle_rad.tan())
        }
        (Property::UndrainedStrength, Strength::Undrained { undrained_strength_pa }) => {
            Some(undrained_strength_pa)
        }
        _ => None,
    }
}

impl Variables {
    /// Resolve the specs against `problem` (means from its materials and pore water) and check
    /// them: finite spreads ≥ 0, a positive mean for a lognormal or a cov, properties that the
    /// material's strength model has, pore variables only with pore water that takes them, each
    /// target once, |ρ| < 1, and a positive-definite correlation matrix.
    pub fn new(
        problem: &SlopeProblem,
        specs: &[VariableSpec],
        correlations: &[Correlation],
    ) -> Result<Self, ReliabilityError> {
        let mut vars = Vec::with_capacity(specs.len());
        for (i, s) in specs.iter().enumerate() {
            if let Some(j) = specs[..i].iter().position(|t| t.target == s.target) {
                return Err(bad(&s.name, format!("the same quantity as {}", specs[j].name)));
            }
            let (mean, lower, upper) = match s.target {
                Target::Material { index, property } => {
                    let materials = problem.model.materials();
                    let m = materials.get(index).ok_or_else(|| {
                        bad(&s.name, format!("no material {index} ({} defined)", materials.len()))
                    })?;
                    let mean = material_value(problem, index, property).ok_or_else(|| {
                        let kind = match m.strength {
                            Strength::MohrCoulomb { .. } => "Mohr–Coulomb (c′, φ′)",
                            Strength::Undrained { .. } => "undrained (s_u)",
                        };
                        bad(&s.name, format!("material {:?} is {kind}: no {property:?}", m.name))
                    })?;
                    let (lo, hi) = match property {
                        Property::Cohesion | Property::UndrainedStrength => (0.0, f64::INFINITY),
                        Property::FrictionAngle => (0.0, MAX_FRICTION_DEG.to_radians()),
                        Property::TanFriction => (0.0, MAX_FRICTION_DEG.to_radians().tan()),
                        Property::UnitWeight => (0.01 * mean, f64::INFINITY),
                    };
                    (mean, lo, hi)
                }
                Target::PoreHeadOffset => match &problem.pore_water {
                    PoreWater::Pressure(PorePressure::Phreatic(_) | PorePressure::Field(_)) => {
                        (0.0, f64::NEG_INFINITY, f64::INFINITY)
                    }
                    _ => {
                        return Err(bad(
                            &s.name,
                            "a phreatic-surface offset needs a phreatic line or a seepage \
                             field (the pore water is dry or r_u)",
                        ));
                    }
                },
                Target::PoreFactor => match &problem.pore_water {
                    PoreWater::Dry | PoreWater::Pressure(PorePressure::Dry) => {
                        return Err(bad(&s.name, "a pore-pressure factor needs pore water (dry)"));
                    }
                    _ => (1.0, 0.0, f64::INFINITY),
                },
            };
            let sd = match s.spread {
                Spread::Sd(sd) => {
                    if !(sd.is_finite() && sd >= 0.0) {
                        return Err(bad(&s.name, format!("sd = {sd} must be finite and >= 0")));
                    }
                    sd
                }
                Spread::Cov(cov) => {
                    if !(cov.is_finite() && cov >= 0.0) {
                        return Err(bad(&s.name, format!("cov = {cov} must be finite and >= 0")));
                    }
                    if mean <= 0.0 {
                        return Err(bad(
                            &s.name,
                            format!("cov needs a positive mean (mean {mean}); give sd instead"),
                        ));
                    }
                    cov * mean
                }
            };
            if s.distribution == Distribution::Lognormal && mean <= 0.0 {
                return Err(bad(
                    &s.name,
                    format!("a lognormal variable needs a positive mean (mean {mean})"),
                ));
            }
            vars.push(RandomVariable {
                name: s.name.clone(),
                target: s.target,
                distribution: s.distribution,
                mean,
                sd,
                lower,
                upper,
            });
        }
        let n = vars.len();
        let mut rho = vec![0.0; n * n];
        let mut rho_z = vec![0.0; n * n];
        for i in 0..n {
            rho[i * n + i] = 1.0;
            rho_z[i * n + i] = 1.0;
        }
        for c in correlations {
            if c.first >= n || c.second >= n || c.first == c.second {
                return Err(bad(&c.name, "needs two different variables"));
            }
            if !(c.rho.is_finite() && c.rho.abs() < 1.0) {
                return Err(bad(&c.name, format!("rho = {} must be in (-1, 1)", c.rho)));
            }
            let (a, b) = (c.first, c.second);
            if rho[a * n + b] != 0.0 {
                return Err(bad(&c.name, "this pair is correlated twice"));
            }
            let z = nataf(&vars[a], &vars[b], c.rho).ok_or_else(|| {
                bad(
                    &c.name,
                    format!(
                        "rho = {} cannot be reached by these distributions (lognormal spreads \
                         too wide for it)",
                        c.rho
                    ),
                )
            })?;
            rho[a * n + b] = c.rho;
            rho[b * n + a] = c.rho;
            rho_z[a * n + b] = z;
            rho_z[b * n + a] = z;
        }
        let chol = cholesky(&rho_z, n).ok_or_else(|| {
            let names: Vec<&str> = correlations.iter().map(|c| c.name.as_str()).collect();
            bad(
                &names.join(", "),
                "the correlations are not jointly possible (not positive definite)",
            )
        })?;
        Ok(Self { vars, rho, chol })
    }

    pub fn variables(&self) -> &[RandomVariable] {
        &self.vars
    }

    /// Correlation of variables i and j (physical).
    pub fn rho(&self, i: usize, j: usize) -> f64 {
        self.rho[i * self.vars.len() + j]
    }

    /// The mean inputs.
    pub fn means(&self) -> Vec<f64> {
        self.vars.iter().map(|v| v.mean).collect()
    }

    /// Sample `index` of the stream `seed` into `x` (`z` is scratch of the same length).
    pub fn sample(&self, seed: u64, index: u64, z: &mut [f64], x: &mut [f64]) {
        let mut rng = ChaCha8Rng::seed_from_u64(sample_seed(seed, index));
        let n = self.vars.len();
        for zi in z.iter_mut() {
            *zi = StandardNormal.sample(&mut rng);
        }
        for i in 0..n {
            let y: f64 = (0..=i).map(|k| self.chol[i * n + k] * z[k]).sum();
            x[i] = self.vars[i].from_normal(y);
        }
    }

    /// Put the inputs `x` into `problem`, starting from `base` (the mean problem).
    pub fn apply(
        &self,
        base: &SlopeProblem,
        x: &[f64],
        problem: &mut SlopeProblem,
    ) -> Result<(), StabilityError> {
        let mut adjustment = PoreAdjustment::default();
        let mut touched: Vec<usize> = Vec::new();
        for v in &self.vars {
            if let Target::Material { index, .. } = v.target
                && !touched.contains(&index)
            {
                touched.push(index);
            }
        }
        for &index in &touched {
            let mut m = base.model.materials()[index].clone();
            for (v, &value) in self.vars.iter().zip(x) {
                let Target::Material { index: k, property } = v.target else { continue };
                if k != index {
                    continue;
                }
                match (property, &mut m.strength) {
                    (Property::UnitWeight, _) => {
                        let ratio = value / v.mean;
                        m.unit_weight = value;
                        m.saturated_unit_weight =
                            base.model.materials()[index].saturated_unit_weight * ratio;
                    }
                    (Property::Cohesion, Strength::MohrCoulomb { cohesion_pa, .. }) => {
                        *cohesion_pa = value
                    }
                    (Property::FrictionAngle, Strength::MohrCoulomb { friction_angle_rad, .. }) => {
                        *friction_angle_rad = value
                    }
                    (Property::TanFriction, Strength::MohrCoulomb { friction_angle_rad, .. }) => {
                        *friction_angle_rad = value.atan()
                    }
                    (
                        Property::UndrainedStrength,
                        Strength::Undrained { undrained_strength_pa },
                    ) => *undrained_strength_pa = value,
                    // Rejected by `Variables::new`.
                    _ => {}
                }
            }
            problem.model.set_material(index, m)?;
        }
        for (v, &value) in self.vars.iter().zip(x) {
            match v.target {
                Target::PoreHeadOffset => adjustment.head_offset_m = value,
                Target::PoreFactor => adjustment.factor = value,
                Target::Material { .. } => {}
            }
        }
        problem.pore_adjustment = adjustment;
        Ok(())
    }
}

/// Normal-space correlation for a physical correlation ρ of `a` and `b` (None: unreachable).
fn nataf(a: &RandomVariable, b: &RandomVariable, rho: f64) -> Option<f64> {
    let cov = |v: &RandomVariable| v.sd / v.mean;
    let zeta = |v: &RandomVariable| (1.0 + cov(v).powi(2)).ln().sqrt();
    let z = match (a.distribution, b.distribution) {
        (Distribution::Normal, Distribution::Normal) => rho,
        (Distribution::Normal, Distribution::Lognormal) => rho * cov(b) / zeta(b),
        (Distribution::Lognormal, Distribution::Normal) => rho * cov(a) / zeta(a),
        (Distribution::Lognormal, Distribution::Lognormal) => {
            let arg = 1.0 + rho * cov(a) * cov(b);
            if arg <= 0.0 {
                return None;
            }
            arg.ln() / (zeta(a) * zeta(b))
        }
    };
    // A zero spread makes the correlation irrelevant.
    let z = if z.is_nan() { 0.0 } else { z };
    (z.abs() < 1.0).then_some(z)
}

/// Lower Cholesky factor of a row-major symmetric n × n matrix (None: not positive definite).
fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - s;
                if d <= 1e-12 {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// SplitMix64 finaliser.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator seed of sample `index` in stream `seed`.
pub fn sample_seed(seed: u64, index: u64) -> u64 {
    splitmix64(splitmix64(seed) ^ index)
}

/// How F is computed on a surface.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub method: Method,
    pub slices: usize,
    pub solver: SolverSettings,
}

/// The least F over `surfaces` and the index of the surface giving it (None: the method gave no
/// F on any of them).
pub fn least_fos(
    problem: &SlopeProblem,
    surfaces: &[SlipSurface],
    eval: &Evaluation,
    set: &mut SliceSet,
) -> Option<(f64, usize)> {
    let mut best: Option<(f64, usize)> = None;
    for (k, s) in surfaces.iter().enumerate() {
        if set.rebuild(problem, s, eval.slices).is_err() {
            continue;
        }
        if let Ok(sol) = solve(set, eval.method, &eval.solver)
            && best.is_none_or(|(f, _)| sol.fos < f)
        {
            best = Some((sol.fos, k));
        }
    }
    best
}

/// Mean-value FOSM result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fosm {
    /// F at the mean inputs (= μ_F) and the surface (index) giving it.
    pub fos_at_mean: f64,
    pub surface: usize,
    pub sd: f64,
    pub beta: f64,
    pub p_failure: f64,
    /// ∂F/∂x_i per variable, in 1/(SI unit).
    pub gradient: Vec<f64>,
}

/// Standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().cdf(x)
}

/// FOSM (mean value) of F on `surfaces` (see the module docs).
pub fn fosm(
    base: &SlopeProblem,
    vars: &Variables,
    surfaces: &[SlipSurface],
    eval: &Evaluation,
) -> Result<Fosm, ReliabilityError> {
    base.validate()?;
    let mut set = SliceSet::default();
    let method = eval.method.name();
    let Some((f0, surface)) = least_fos(base, surfaces, eval, &mut set) else {
        return Err(ReliabilityError::Evaluation {
            method,
            detail: format!(
                "no factor of safety at the mean inputs on {} surfaces",
                surfaces.len()
            ),
        });
    };
    let one = std::slice::from_ref(&surfaces[surface]);
    let mean = vars.means();
    let mut problem = base.clone();
    let mut at = |x: &[f64], problem: &mut SlopeProblem| -> Option<f64> {
        vars.apply(base, x, problem).ok()?;
        least_fos(problem, one, eval, &mut set).map(|(f, _)| f)
    };
    let n = mean.len();
    let mut gradient = vec![0.0; n];
    for (i, v) in vars.variables().iter().enumerate() {
        if v.sd == 0.0 {
            continue;
        }
        let h = FOSM_STEP_SD * v.sd;
        let mut x = mean.clone();
        let up = (v.mean + h <= v.upper).then(|| {
            x[i] = v.mean + h;
            at(&x, &mut problem)
        });
        let down = (v.mean - h >= v.lower).then(|| {
            x[i] = v.mean - h;
            at(&x, &mut problem)
        });
        gradient[i] = match (up.flatten(), down.flatten()) {
            (Some(fp), Some(fm)) => (fp - fm) / (2.0 * h),
            (Some(fp), None) => (fp - f0) / h,
            (None, Some(fm)) => (f0 - fm) / h,
            (None, None) => {
                return Err(ReliabilityError::Evaluation {
                    method,
                    detail: format!("no factor of safety on either side of the mean of {}", v.name),
                });
            }
        };
    }
    let vs = vars.variables();
    let mut variance = 0.0;
    for i in 0..n {
        for j in 0..n {
            variance += gradient[i] * gradient[j] * vars.rho(i, j) * vs[i].sd * vs[j].sd;
        }
    }
    let sd = variance.max(0.0).sqrt();
    let beta = (f0 - 1.0) / sd;
    Ok(Fosm { fos_at_mean: f0, surface, sd, beta, p_failure: normal_cdf(-beta), gradient })
}

/// Monte-Carlo result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarlo {
    pub seed: u64,
    /// Samples drawn; `p_failure.members` of them gave F.
    pub samples: u64,
    /// Samples on which the method converged on no surface.
    pub failed: u64,
    pub mean: f64,
    pub sd: f64,
    pub beta: f64,
    pub p_failure: Probability,
    /// How many samples each surface governed (index-aligned with the surfaces).
    pub governing: Vec<u64>,
}

/// F of every sample (None: no F on any surface) with its governing surface, in index order.
pub fn sample_fos(
    base: &SlopeProblem,
    vars: &Variables,
    surfaces: &[SlipSurface],
    eval: &Evaluation,
    samples: u64,
    seed: u64,
) -> Result<Vec<Option<(f64, usize)>>, ReliabilityError> {
    base.validate()?;
    let n = vars.variables().len();
    Ok((0..samples)
        .into_par_iter()
        .map_init(
            || (base.clone(), SliceSet::default(), vec![0.0; n], vec![0.0; n]),
            |(problem, set, z, x), i| {
                vars.sample(seed, i, z, x);
                vars.apply(base, x, problem).ok()?;
                least_fos(problem, surfaces, eval, set)
            },
        )
        .collect())
}

/// Monte-Carlo estimate of F's mean, sd, β and P(F < 1) (see the module docs). Runs on the
/// current rayon pool.
pub fn monte_carlo(
    base: &SlopeProblem,
    vars: &Variables,
    surfaces: &[SlipSurface],
    eval: &Evaluation,
    samples: u64,
    seed: u64,
) -> Result<MonteCarlo, ReliabilityError> {
    let values = sample_fos(base, vars, surfaces, eval, samples, seed)?;
    let mut governing = vec![0u64; surfaces.len()];
    let (mut count, mut sum, mut hits) = (0u64, 0.0, 0u64);
    for &(f, k) in values.iter().flatten() {
        count += 1;
        sum += f;
        hits += u64::from(f < 1.0);
        governing[k] += 1;
    }
    let mean = sum / count as f64;
    let ss: f64 = values.iter().flatten().map(|&(f, _)| (f - mean).powi(2)).sum();
    let sd = if count > 1 { (ss / (count - 1) as f64).sqrt() } else { f64::NAN };
    Ok(MonteCarlo {
        seed,
        samples,
        failed: samples - count,
        mean,
        sd,
        beta: (mean - 1.0) / sd,
        p_failure: Probability::from_counts(hits, count),
        governing,
    })
}
