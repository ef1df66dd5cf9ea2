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
    // k_r is non-decreasing in ψ and floored at kr_min, so an element whose wettest node is at
    // the floor is at the floor throughout (most of the dry region: one evaluation, not 6–12).
    let floor = match *model {
        Unsaturated::VanGenuchten { kr_min, .. } | Unsaturated::Residual { kr_min, .. } => kr_min,
    };
    if c < 0.0 && model.relative_conductivity(c) <= floor {
        return floor;
    }
    let span = c - a;
    if span <= 1e-12 * (1.0 + a.abs()) {
        return model.relative_conductivity(0.5 * (a + c));
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
            mean += wt * half * model.relative_conductivity(x) * rho(x);
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
    fn element_wholly_at_the_floor_has_the_floor_and_one_straddling_it_does_not() {
        // Residual model: k_r reaches kr_min at ψ = −transition. An element with every node
        // beyond that is at the floor (the shortcut); one with its wettest node inside the ramp
        // takes the quadrature and lies strictly between the floor and k_r at that node.
        let res = Unsaturated::Residual { kr_min: 1e-6, transition_m: 0.1 };
        assert_eq!(mean_relative_conductivity(&res, [-0.2, -0.5, -0.15]), 1e-6);
        let straddle = mean_relative_conductivity(&res, [-0.2, -0.5, -0.05]);
        assert!(straddle > 1e-6 && straddle < res.relative_conductivity(-0.05), "{straddle}");
        let vg = Unsaturated::VanGenuchten { alpha_per_m: 2.0, n: 1.8, kr_min: 1e-6 };
        let deep = -1e4;
        assert_eq!(vg.relative_conductivity(deep), 1e-6);
        assert_eq!(mean_relative_conductivity(&vg, [deep, 2.0 * deep, 1.5 * deep]), 1e-6);
        // A linear ψ spanning the floor: the mean lies strictly between the end values.
        let m = mean_relative_conductivity(&vg, [-1.0, deep, -0.5]);
        assert!(m > 1e-6 && m < vg.relative_conductivity(-0.5), "{m}");
    }
}
