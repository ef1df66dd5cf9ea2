//! Linear triangles: saturated element matrices and the element-averaged relative conductivity.

use tailtwin_core::section::{Point2, Unsaturated};

/// Upper-triangle order of the six distinct entries of a symmetric 3 × 3 element matrix.
pub const PAIRS: [(usize, usize); 6] = [(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)];

/// Shape-function gradients of a linear triangle (constant): ∂N_i/∂x = b_i/(2A), ∂N_i/∂z =
/// c_i/(2A). Returns (b, c, A).
pub fn gradients(p: [Point2; 3]) -> ([f64; 3], [f64; 3], f64) {
    let b = [p[1].z - p[2].z, p[2].z - p[0].z, p[0].z - p[1].z];
    let c = [p[2].x - p[1].x, p[0].x - p[2].x, p[1].x - p[0].x];
    let two_a = (p[1].x - p[0].x) * (p[2].z - p[0].z) - (p[2].x - p[0].x) * (p[1].z - p[0].z);
    (b, c, 0.5 * two_a)
}

/// Saturated element matrix K_ij = A ∇N_iᵀ K ∇N_j for conductivity tensor `k`, as the six
/// entries in [`PAIRS`] order.
pub fn saturated_matrix(p: [Point2; 3], k: [[f64; 2]; 2]) -> [f64; 6] {
    let (b, c, area) = gradients(p);
    let scale = 1.0 / (4.0 * area);
    PAIRS.map(|(i, j)| {
        scale
            * (k[0][0] * b[i] * b[j]
                + k[0][1] * (b[i] * c[j] + c[i] * b[j])
                + k[1][1] * c[i] * c[j])
    })
}

/// k_r(ψ) as `Unsaturated::relative_conductivity`, with van Genuchten–Mualem in logarithms:
/// with u = (α|ψ|)ⁿ and w = 1 + u, S_e = w^(−m) and S_e^(1/m) = 1/w, so
/// k_r = S_e^½ (1 − (u/w)^m)² = e^(−m ln(1 + u) / 2) · expm1(−m ln(1 + 1/u))²:
/// five transcendental calls instead of four `powf`, and no cancellation at either end (the
/// power form loses digits as ε/u near saturation and as ε u/m at high suction). This runs 6–12
/// times per unsaturated element and iteration.
#[inline]
pub fn relative_conductivity(model: &Unsaturated, psi_m: f64) -> f64 {
    match *model {
        Unsaturated::VanGenuchten { alpha_per_m, n, kr_min } if psi_m < 0.0 => {
            let m = 1.0 - 1.0 / n;
            let u = (n * (alpha_per_m * -psi_m).ln()).exp();
            let kr = (-0.5 * m * u.ln_1p()).exp() * (-m * u.recip().ln_1p()).exp_m1().powi(2);
            kr.max(kr_min)
        }
        _ => model.relative_conductivity(psi_m),
    }
}

/// Mean of k_r(ψ) over a triangle on which ψ is linear with nodal values `psi`.
///
/// A linear function on a triangle with sorted nodal values a ≤ b ≤ c has a piecewise-linear
/// (tent) density: ρ(s) = 2(s − a)/((c − a)(b − a)) on [a, b] and 2(c − s)/((c − a)(c − b)) on
/// [b, c]. The mean ∫ k_r ρ ds is integrated by 3-point Gauss–Legendre on sub-intervals split at
/// a, b, c and at the kinks of k_r (ψ = 0, and −transition for the residual model), so a
/// partly saturated element carries exactly its saturated fraction of conductivity when k_r is a
/// step. This keeps the discharge converging at the mesh rate although the free surface cuts
/// elements.
pub fn mean_relative_conductivity(model: &Unsaturated, psi: [f64; 3]) -> f64 {
    let mut s = psi;
    s.sort_by(f64::total_cmp);
    let [a, b, c] = s;
    if a >= 0.0 {
        return 1.0;
    }
    let span = c - a;
    if span <= 1e-12 * (1.0 + a.abs()) {
        return relative_conductivity(model, 0.5 * (a + c));
    }
    let rho = |x: f64| {
        if x <= b {
            if b - a <= 0.0 { 0.0 } else { 2.0 * (x - a) / (span * (b - a)) }
        } else if c - b <= 0.0 {
            0.0
        } else {
            2.0 * (c - x) / (span * (c - b))
        }
    };
    // Break points within [a, c], sorted and distinct (a fixed array: this runs per element and
    // per iteration).
    let mut candidates = [a, b, c, 0.0, f64::NAN];
    if let Unsaturated::Residual { transition_m, .. } = model {
        candidates[4] = -transition_m;
    }
    let mut breaks = [0.0; 5];
    let mut n = 0;
    for x in candidates {
        if x >= a && x <= c {
            breaks[n] = x;
            n += 1;
        }
    }
    let breaks = &mut breaks[..n];
    breaks.sort_by(f64::total_cmp);
    let mut m = 0;
    for i in 0..breaks.len() {
        if m == 0 || breaks[i] != breaks[m - 1] {
            breaks[m] = breaks[i];
            m += 1;
        }
    }
    let breaks = &breaks[..m];
    const G: [(f64, f64); 3] = [
        (-0.774_596_669_241_483_4, 5.0 / 9.0),
        (0.0, 8.0 / 9.0),
        (0.774_596_669_241_483_4, 5.0 / 9.0),
    ];
    let mut mean = 0.0;
    for w in breaks.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
        for (t, wt) in G {
            let x = mid + half * t;
            mean += wt * half * relative_conductivity(model, x) * rho(x);
        }
    }
    mean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_matrix_rows_sum_to_zero_and_match_the_unit_right_triangle() {
        let p = [Point2::new(0., 0.), Point2::new(1., 0.), Point2::new(0., 1.)];
        let k = saturated_matrix(p, [[1.0, 0.0], [0.0, 1.0]]);
        // Known stiffness of the unit right triangle: [[1, −½, −½], [−½, ½, 0], [−½, 0, ½]].
        let expected = [1.0, 0.5, 0.5, -0.5, -0.5, 0.0];
        for (a, b) in k.iter().zip(expected) {
            assert!((a - b).abs() < 1e-14);
        }
    }

    #[test]
    fn step_conductivity_averages_to_the_saturated_area_fraction() {
        // ψ = (−1, 1, 1): the ψ ≥ 0 part is the triangle minus the corner where ψ < 0, whose
        // area fraction is (½)² = ¼ (similar triangle cut at half the edges).
        let step = Unsaturated::Residual { kr_min: 1e-12, transition_m: 1e-12 };
        let m = mean_relative_conductivity(&step, [-1.0, 1.0, 1.0]);
        assert!((m - 0.75).abs() < 1e-9, "{m}");
        // ψ = (−1, −1, 1): saturated corner fraction ¼.
        let m = mean_relative_conductivity(&step, [-1.0, -1.0, 1.0]);
        assert!((m - 0.25).abs() < 1e-9, "{m}");
        assert_eq!(mean_relative_conductivity(&step, [0.0, 2.0, 1.0]), 1.0);
        // Linear ramp model, fully inside the ramp: mean of a linear function = value at mean ψ.
        let ramp = Unsaturated::Residual { kr_min: 0.0 + 1e-9, transition_m: 10.0 };
        let m = mean_relative_conductivity(&ramp, [-1.0, -2.0, -3.0]);
        assert!((m - ramp.relative_conductivity(-2.0)).abs() < 1e-12);
    }

    #[test]
    fn log_form_van_genuchten_equals_the_core_function_to_round_off() {
        // Goal: the element loop's k_r is the core's vG–Mualem k_r. Setup: α = 0.5, 1.5, 5 /m,
        // n = 1.2, 1.8, 3, ψ from −10⁻⁶ to −10³ m (both sides of the floor). Reference:
        // Unsaturated::relative_conductivity. Tolerance: 10⁻¹² relative plus the power form's
        // own cancellation, 10 ε (1/u + u/m) with u = (α|ψ|)ⁿ (1 − S_e^(1/m) near saturation,
        // 1 − (u/w)^m at high suction); the log form has neither.
        for alpha_per_m in [0.5, 1.5, 5.0] {
            for n in [1.2, 1.8, 3.0] {
                let vg = Unsaturated::VanGenuchten { alpha_per_m, n, kr_min: 1e-9 };
                for k in 0..=90 {
                    let psi = -(10f64).powf(-6.0 + k as f64 / 10.0);
                    let (fast, core) =
                        (relative_conductivity(&vg, psi), vg.relative_conductivity(psi));
                    let u = (alpha_per_m * -psi).powf(n);
                    let m = 1.0 - 1.0 / n;
                    let tol = 1e-12 + 10.0 * f64::EPSILON * (1.0 / u + u / m);
                    assert!(
                        (fast - core).abs() <= tol * core,
                        "α {alpha_per_m} n {n} ψ {psi}: {fast} vs {core}"
                    );
                }
                assert_eq!(relative_conductivity(&vg, 0.0), 1.0);
                assert_eq!(relative_conductivity(&vg, 2.0), 1.0);
            }
        }
    }
}
