//! Limit-equilibrium methods on a [`SliceSet`]. Equations: see the crate documentation.

use crate::error::MethodError;
use crate::surface::{Slice, SliceSet};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Interslice force function f(x) of Morgenstern–Price (X = λ f(x) E), x ∈ [0, 1] from crest to toe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntersliceFunction {
    /// f = 1 (identical to Spencer in theory).
    Constant,
    /// f = sin(π x).
    HalfSine,
}

impl IntersliceFunction {
    #[inline]
    fn at(self, x: f64) -> f64 {
        match self {
            Self::Constant => 1.0,
            Self::HalfSine => (PI * x).sin(),
        }
    }
}

/// A limit-equilibrium method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Ordinary / Swedish / Fellenius (瑞典圆弧法): moment, no interslice forces, N′ = W cos α − u l.
    Ordinary,
    /// Simplified Bishop: moment, horizontal interslice forces only (X = 0).
    Bishop,
    /// Janbu simplified, uncorrected: horizontal force equilibrium, X = 0.
    JanbuSimplified,
    /// Janbu simplified times Janbu's correction factor f₀(d/L, soil type).
    JanbuCorrected,
    /// Spencer: force and moment, parallel interslice forces (X = λ E).
    Spencer,
    /// Morgenstern–Price: force and moment, X = λ f(x) E.
    MorgensternPrice(IntersliceFunction),
}

impl Method {
    /// Short, stable name (used in results and JSON).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary",
            Self::Bishop => "bishop",
            Self::JanbuSimplified => "janbu_simplified",
            Self::JanbuCorrected => "janbu_corrected",
            Self::Spencer => "spencer",
            Self::MorgensternPrice(IntersliceFunction::Constant) => "morgenstern_price_constant",
            Self::MorgensternPrice(IntersliceFunction::HalfSine) => "morgenstern_price_half_sine",
        }
    }

    /// All methods, in a fixed order.
    pub const ALL: [Method; 7] = [
        Self::Ordinary,
        Self::Bishop,
        Self::JanbuSimplified,
        Self::JanbuCorrected,
        Self::Spencer,
        Self::MorgensternPrice(IntersliceFunction::Constant),
        Self::MorgensternPrice(IntersliceFunction::HalfSine),
    ];

    /// True for methods satisfying both force and moment equilibrium.
    pub fn is_rigorous(self) -> bool {
        matches!(self, Self::Spencer | Self::MorgensternPrice(_))
    }
}

/// Iteration controls.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SolverSettings {
    /// Relative change of F (and relative force/moment residual) at convergence. Default 1e-9.
    pub tolerance: f64,
    /// Iteration cap per loop. Default 200.
    pub max_iterations: usize,
    /// Bishop/Janbu: m_α at or below this on any slice is reported as an error. Default 0
    /// (programs that follow Whitman & Bailey 1967 use 0.2).
    pub min_m_alpha: f64,
}

impl Default for SolverSettings {
    fn default() -> Self {
        Self { tolerance: 1e-9, max_iterations: 200, min_m_alpha: 0.0 }
    }
}

/// A converged factor of safety.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Solution {
    pub fos: f64,
    /// Interslice scaling λ (Spencer, Morgenstern–Price).
    pub lambda: Option<f64>,
    /// Janbu's correction factor f₀ (Janbu corrected).
    pub correction: Option<f64>,
    /// Iterations (inner iterations summed for Spencer/M-P).
    pub iterations: usize,
}

/// Factor of safety of `set` by `method`.
pub fn solve(
    set: &SliceSet,
    method: Method,
    opt: &SolverSettings,
) -> Result<Solution, MethodError> {
    let s = match method {
        Method::Ordinary => ordinary(set)?,
        Method::Bishop => bishop(set, opt)?,
        Method::JanbuSimplified => janbu(set, opt)?,
        Method::JanbuCorrected => {
            let base = janbu(set, opt)?;
            let f0 = janbu_f0(set);
            Solution { fos: base.fos * f0, correction: Some(f0), ..base }
        }
        Method::Spencer => gle(set, IntersliceFunction::Constant, "spencer", opt)?,
        Method::MorgensternPrice(f) => gle(set, f, method.name(), opt)?,
    };
    if !(s.fos.is_finite() && s.fos > 0.0) {
        return Err(MethodError::NonPhysical { method: method.name(), fos: s.fos });
    }
    Ok(s)
}

/// Base normal force N of every slice (N/m) at a method's solution on `set`, as that method's
/// equilibrium gives it: Ordinary N = W_v cos α − H sin α; Bishop and Janbu from vertical
/// equilibrium at their F (Janbu corrected: at the uncorrected F₀ = F / f₀, where its
/// equilibrium holds); Spencer and Morgenstern–Price from the interslice recursion at (F, λ).
pub fn base_normal_forces(set: &SliceSet, method: Method, solution: &Solution) -> Vec<f64> {
    let vertical = |f: f64| -> Vec<f64> {
        set.slices
            .iter()
            .map(|s| {
                let m_alpha = s.cos_alpha + s.sin_alpha * s.tan_phi / f;
                (s.vertical_load
                    - (s.cohesion - s.pore_pressure * s.tan_phi) * s.base_length * s.sin_alpha / f)
                    / m_alpha
            })
            .collect()
    };
    match method {
        Method::Ordinary => set
            .slices
            .iter()
            .map(|s| s.vertical_load * s.cos_alpha - s.horizontal_load * s.sin_alpha)
            .collect(),
        Method::Bishop | Method::JanbuSimplified => vertical(solution.fos),
        Method::JanbuCorrected => vertical(solution.fos / solution.correction.unwrap_or(1.0)),
        Method::Spencer | Method::MorgensternPrice(_) => {
            let fun = match method {
                Method::MorgensternPrice(f) => f,
                _ => IntersliceFunction::Constant,
            };
            let mut normals = vec![0.0; set.slices.len()];
            gle_pass(set, fun, solution.fos, solution.lambda.unwrap_or(0.0), |i, n| normals[i] = n);
            normals
        }
    }
}

fn driving_moment(set: &SliceSet) -> f64 {
    set.slices.iter().map(|s| s.external_moment).sum::<f64>() + set.crack_moment
}

/// A driving moment (or force) this small next to its parts is round-off: nothing drives the
/// mass (e.g. a symmetric circle under flat ground).
fn no_driving(den: f64, parts: f64) -> bool {
    den.is_nan() || den <= 1e-9 * parts
}

fn moment_parts(set: &SliceSet) -> f64 {
    set.slices.iter().map(|s| s.external_moment.abs()).sum::<f64>() + set.crack_moment.abs()
}

/// Ordinary method: N = W cos α − H sin α (no interslice forces), N′ = N − u l.
fn ordinary(set: &SliceSet) -> Result<Solution, MethodError> {
    let mut num = 0.0;
    let mut den = driving_moment(set);
    for s in &set.slices {
        let (sa, ca) = (s.sin_alpha, s.cos_alpha);
        let n = s.vertical_load * ca - s.horizontal_load * sa;
        num += (s.cohesion * s.base_length + (n - s.pore_pressure * s.base_length) * s.tan_phi)
            * s.shear_arm;
        den += n * s.normal_arm;
    }
    if no_driving(den, moment_parts(set)) {
        return Err(MethodError::NoDriving { method: "ordinary", denominator: den });
    }
    Ok(Solution { fos: num / den, lambda: None, correction: None, iterations: 1 })
}

/// Base normal force with X = 0 from vertical equilibrium, and the mobilised-strength numerator
/// c l + (N − u l) tan φ = [c b + (W − u b) tan φ] / m_α.
#[inline]
fn vertical_eq(
    s: &Slice,
    f: f64,
    min_m: f64,
    i: usize,
    method: &'static str,
) -> Result<(f64, f64), MethodError> {
    let (sa, ca) = (s.sin_alpha, s.cos_alpha);
    let m_alpha = ca + sa * s.tan_phi / f;
    if m_alpha <= min_m && s.material.is_some() {
        return Err(MethodError::NonPositiveMAlpha { method, m_alpha, slice: i, x: s.x_mid });
    }
    let resist = (s.cohesion * s.width + (s.vertical_load - s.pore_pressure * s.width) * s.tan_phi)
        / m_alpha;
    let n = (s.vertical_load - (s.cohesion - s.pore_pressure * s.tan_phi) * s.base_length * sa / f)
        / m_alpha;
    Ok((resist, n))
}

/// Solve F = map(F): fixed-point steps accelerated by the secant method on g(F) = map(F) − F
/// (a secant step is kept only when it stays within a factor 2 of the plain step). Converged when
/// |map(F) − F| ≤ tolerance · map(F).
fn fixed_point(
    mut map: impl FnMut(f64) -> Result<f64, MethodError>,
    f0: f64,
    opt: &SolverSettings,
    method: &'static str,
) -> Result<Solution, MethodError> {
    let check = |v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(MethodError::NonPhysical { method, fos: v })
        }
    };
    let (mut f_prev, mut g_prev) = (f0, check(map(f0)?)? - f0);
    let mut f = f0 + g_prev;
    for it in 1..=opt.max_iterations {
        let m = check(map(f)?)?;
        let g = m - f;
        if g.abs() <= opt.tolerance * m {
            return Ok(Solution { fos: m, lambda: None, correction: None, iterations: it + 1 });
        }
        let secant = if g != g_prev { f - g * (f - f_prev) / (g - g_prev) } else { m };
        let next =
            if secant.is_finite() && secant > 0.5 * m && secant < 2.0 * m { secant } else { m };
        (f_prev, g_prev, f) = (f, g, next);
    }
    Err(MethodError::NotConverged {
        method,
        iterations: opt.max_iterations,
        last_fos: f,
        residual: g_prev,
    })
}

/// Simplified Bishop: fixed point of the moment equation.
fn bishop(set: &SliceSet, opt: &SolverSettings) -> Result<Solution, MethodError> {
    let d0 = driving_moment(set);
    let parts = moment_parts(set);
    let f0 = ordinary(set).map(|s| s.fos).ok().filter(|f| *f > 0.05).unwrap_or(1.0);
    let map = |f: f64| {
        let mut num = 0.0;
        let mut den = d0;
        for (i, s) in set.slices.iter().enumerate() {
            let (r, n) = vertical_eq(s, f, opt.min_m_alpha, i, "bishop")?;
            num += r * s.shear_arm;
            den += n * s.normal_arm;
        }
        if no_driving(den, parts) {
            return Err(MethodError::NoDriving { method: "bishop", denominator: den });
        }
        Ok(num / den)
    };
    fixed_point(map, f0, opt, "bishop")
}

/// Janbu simplified: Σ S / cos α = Σ W tan α + Σ H + P_w, with N from vertical equilibrium.
fn janbu(set: &SliceSet, opt: &SolverSettings) -> Result<Solution, MethodError> {
    let den: f64 = set
        .slices
        .iter()
        .map(|s| s.vertical_load * s.sin_alpha / s.cos_alpha + s.horizontal_load)
        .sum::<f64>()
        + set.crack_force;
    let parts: f64 = set
        .slices
        .iter()
        .map(|s| (s.vertical_load * s.sin_alpha / s.cos_alpha).abs() + s.horizontal_load.abs())
        .sum::<f64>()
        + set.crack_force;
    if no_driving(den, parts) {
        return Err(MethodError::NoDriving { method: "janbu", denominator: den });
    }
    let map = |f: f64| {
        let mut num = 0.0;
        for (i, s) in set.slices.iter().enumerate() {
            let (r, _) = vertical_eq(s, f, opt.min_m_alpha, i, "janbu")?;
            num += r / s.cos_alpha;
        }
        Ok(num / den)
    };
    fixed_point(map, 1.0, opt, "janbu")
}

/// Janbu's correction f₀ = 1 + b₁ [d/L − 1.4 (d/L)²], b₁ = 0.69 (c only), 0.31 (φ only), 0.50
/// (c and φ) — the curve fit of Janbu's (1973) chart given by Abramson et al. (2002).
pub fn janbu_f0(set: &SliceSet) -> f64 {
    let has_c = set.slices.iter().any(|s| s.material.is_some() && s.cohesion > 0.0);
    let has_phi = set.slices.iter().any(|s| s.material.is_some() && s.tan_phi > 0.0);
    let b1 = match (has_c, has_phi) {
        (true, false) => 0.69,
        (false, true) => 0.31,
        _ => 0.50,
    };
    let r = set.depth_ratio;
    1.0 + b1 * (r - 1.4 * r * r)
}

/// Force and moment residuals of the general limit equilibrium with X = λ f E, for given (F, λ).
/// Returns (E at the toe, moment residual) — both zero at the solution.
fn gle_residuals(set: &SliceSet, fun: IntersliceFunction, f: f64, lambda: f64) -> (f64, f64) {
    gle_pass(set, fun, f, lambda, |_, _| {})
}

/// One pass of the general limit equilibrium; `normal(i, N)` receives each slice's base normal
/// force (a no-op in the solver, inlined away).
#[inline(always)]
fn gle_pass(
    set: &SliceSet,
    fun: IntersliceFunction,
    f: f64,
    lambda: f64,
    mut normal: impl FnMut(usize, f64),
) -> (f64, f64) {
    let mut e_left = set.crack_force;
    let mut f_left = fun.at(0.0);
    let mut moment = driving_moment(set);
    for (i, s) in set.slices.iter().enumerate() {
        let (sa, ca) = (s.sin_alpha, s.cos_alpha);
        let f_right = fun.at(s.side_position);
        let psi = |fx: f64| f * (ca - lambda * fx * sa) + s.tan_phi * (sa + lambda * fx * ca);
        let t = s.vertical_load * sa + s.horizontal_load * ca;
        let r = s.cohesion * s.base_length
            + (s.vertical_load * ca - s.horizontal_load * sa - s.pore_pressure * s.base_length)
                * s.tan_phi;
        let e_right = (e_left * psi(f_left) + f * t - r) / psi(f_right);
        let n = s.vertical_load * ca
            - s.horizontal_load * sa
            - (e_left - e_right) * sa
            - lambda * (f_left * e_left - f_right * e_right) * ca;
        normal(i, n);
        let shear =
            (s.cohesion * s.base_length + (n - s.pore_pressure * s.base_length) * s.tan_phi) / f;
        moment += n * s.normal_arm - shear * s.shear_arm;
        e_left = e_right;
        f_left = f_right;
    }
    (e_left, moment)
}

/// Root of g on a secant path from (x0, x1): stops when |g| ≤ tol (g is a relative residual) or
/// the step is below tol relative; None when it does not converge.
fn secant(
    mut g: impl FnMut(f64) -> f64,
    x0: f64,
    x1: f64,
    tol: f64,
    max_it: usize,
) -> Option<(f64, usize)> {
    let (mut a, mut b) = (x0, x1);
    let mut ga = g(a);
    if ga.abs() <= tol {
        return Some((a, 0));
    }
    let mut gb = g(b);
    for it in 1..=max_it {
        if gb.abs() <= tol {
            return Some((b, it));
        }
        if !(ga.is_finite() && gb.is_finite()) || gb == ga {
            return if gb == 0.0 { Some((b, it)) } else { None };
        }
        let c = b - gb * (b - a) / (gb - ga);
        if !c.is_finite() {
            return None;
        }
        (a, ga) = (b, gb);
        b = c;
        gb = g(b);
        if (b - a).abs() <= tol * (1.0 + b.abs()) {
            return Some((b, it));
        }
    }
    None
}

/// Spencer / Morgenstern–Price: for each λ, F from force equilibrium (E at the toe = 0); then λ
/// from moment equilibrium. Both by secant iteration; the outer loop falls back to a bracket scan
/// of λ ∈ [−2, 2] with Illinois regula falsi when the secant path fails.
fn gle(
    set: &SliceSet,
    fun: IntersliceFunction,
    name: &'static str,
    opt: &SolverSettings,
) -> Result<Solution, MethodError> {
    if let Err(MethodError::NoDriving { denominator, .. }) = ordinary(set) {
        return Err(MethodError::NoDriving { method: name, denominator });
    }
    let scale: f64 = set.slices.iter().map(|s| s.external_moment.abs()).sum::<f64>().max(1e-30);
    let force_scale: f64 =
        set.slices.iter().map(|s| s.vertical_load.abs() + s.horizontal_load.abs()).sum::<f64>()
            + set.crack_force;
    let force_scale = force_scale.max(1e-30);
    let f_guess =
        bishop(set, opt).map(|s| s.fos).or_else(|_| ordinary(set).map(|s| s.fos)).unwrap_or(1.0);
    let f_guess = if f_guess.is_finite() && f_guess > 0.0 { f_guess } else { 1.0 };
    let mut iterations = 0usize;
    let mut last_f = f_guess;
    let force_fos = |lambda: f64, iterations: &mut usize, last_f: &mut f64| -> Option<f64> {
        let g = |f: f64| gle_residuals(set, fun, f, lambda).0 / force_scale;
        let (f, it) = secant(g, *last_f, *last_f * 1.01, opt.tolerance, opt.max_iterations)?;
        *iterations += it;
        (f.is_finite() && f > 0.0).then(|| {
            *last_f = f;
            f
        })
    };
    let moment_residual = |lambda: f64, iterations: &mut usize, last_f: &mut f64| -> f64 {
        match force_fos(lambda, iterations, last_f) {
            Some(f) => gle_residuals(set, fun, f, lambda).1 / scale,
            None => f64::NAN,
        }
    };
    let found = secant(
        |l| moment_residual(l, &mut iterations, &mut last_f),
        0.0,
        0.1,
        opt.tolerance,
        opt.max_iterations,
    )
    .map(|(l, _)| l)
    .or_else(|| {
        // Bracket scan, then Illinois.
        let grid: Vec<f64> = (0..=40).map(|k| -2.0 + 0.1 * k as f64).collect();
        let mut prev: Option<(f64, f64)> = None;
        for &l in &grid {
            last_f = f_guess;
            let r = moment_residual(l, &mut iterations, &mut last_f);
            if let Some((l0, r0)) = prev
                && r.is_finite()
                && r0.signum() != r.signum()
            {
                return illinois(
                    |x| moment_residual(x, &mut iterations, &mut last_f),
                    l0,
                    r0,
                    l,
                    r,
                    opt,
                );
            }
            prev = r.is_finite().then_some((l, r));
        }
        None
    });
    let Some(lambda) = found else {
        return Err(MethodError::NotConverged {
            method: name,
            iterations,
            last_fos: last_f,
            residual: f64::NAN,
        });
    };
    let fos = force_fos(lambda, &mut iterations, &mut last_f).ok_or(MethodError::NotConverged {
        method: name,
        iterations,
        last_fos: last_f,
        residual: f64::NAN,
    })?;
    let (force_res, moment_res) = gle_residuals(set, fun, fos, lambda);
    let residual = (force_res / force_scale).abs().max((moment_res / scale).abs());
    if residual.is_nan() || residual > 1e3 * opt.tolerance.max(1e-12) {
        return Err(MethodError::NotConverged {
            method: name,
            iterations,
            last_fos: fos,
            residual,
        });
    }
    Ok(Solution { fos, lambda: Some(lambda), correction: None, iterations })
}

fn illinois(
    mut g: impl FnMut(f64) -> f64,
    mut a: f64,
    mut ga: f64,
    mut b: f64,
    mut gb: f64,
    opt: &SolverSettings,
) -> Option<f64> {
    let mut side = 0i8;
    for _ in 0..opt.max_iterations {
        let c = (a * gb - b * ga) / (gb - ga);
        let gc = g(c);
        if !gc.is_finite() {
            return None;
        }
        if (b - a).abs() <= opt.tolerance * (1.0 + c.abs()) || gc == 0.0 {
            return Some(c);
        }
        if gc.signum() == gb.signum() {
            (b, gb) = (c, gc);
            if side == -1 {
                ga *= 0.5;
            }
            side = -1;
        } else {
            (a, ga) = (c, gc);
            if side == 1 {
                gb *= 0.5;
            }
            side = 1;
        }
    }
    None
}
