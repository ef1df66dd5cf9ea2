//! Fixed-order Gauss–Legendre quadrature for the smooth integrals of opening geometry (the
//! partly submerged circular orifice). Nodes are computed once (Newton on P_n) and shared.

use std::sync::OnceLock;

/// Number of Gauss–Legendre points. The integrands are analytic after the substitutions in
/// `orifice.rs`, so 24 points integrate them to ~1e-13 relative.
pub(crate) const ORDER: usize = 24;

struct Rule {
    nodes: [f64; ORDER],
    weights: [f64; ORDER],
}

fn rule() -> &'static Rule {
    static RULE: OnceLock<Rule> = OnceLock::new();
    RULE.get_or_init(|| {
        let mut nodes = [0.0; ORDER];
        let mut weights = [0.0; ORDER];
        let n = ORDER as f64;
        for i in 0..ORDER {
            // Tricomi's initial guess, then Newton on the Legendre recurrence.
            let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n + 0.5)).cos();
            let mut derivative = 1.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0, x);
                for k in 2..=ORDER {
                    let k = k as f64;
                    let p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                derivative = n * (x * p1 - p0) / (x * x - 1.0);
                let step = p1 / derivative;
                x -= step;
                if step.abs() < 1e-16 {
                    break;
                }
            }
            nodes[i] = x;
            weights[i] = 2.0 / ((1.0 - x * x) * derivative * derivative);
        }
        Rule { nodes, weights }
    })
}

/// ∫_a^b f(x) dx by 24-point Gauss–Legendre.
pub(crate) fn integrate(a: f64, b: f64, f: impl Fn(f64) -> f64) -> f64 {
    let r = rule();
    let half = 0.5 * (b - a);
    let mid = 0.5 * (b + a);
    let mut sum = 0.0;
    for (x, w) in r.nodes.iter().zip(r.weights.iter()) {
        sum += w * f(mid + half * x);
    }
    sum * half
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_is_exact_for_polynomials_and_accurate_for_smooth_functions() {
        // Degree 2n-1 = 47 polynomials are integrated exactly; x^10 on [0, 2] = 2^11/11.
        let exact = 2f64.powi(11) / 11.0;
        assert!((integrate(0.0, 2.0, |x| x.powi(10)) - exact).abs() < 1e-12 * exact);
        // ∫_0^π sin x dx = 2.
        assert!((integrate(0.0, std::f64::consts::PI, f64::sin) - 2.0).abs() < 1e-14);
        let weight_sum: f64 = rule().weights.iter().sum();
        assert!((weight_sum - 2.0).abs() < 1e-14);
    }
}
