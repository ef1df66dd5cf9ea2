//! Small derivative-free minimisers for the calibrations: a grid scan followed by golden-section
//! refinement of the best bracket (1-D), and Nelder–Mead inside a box (2-D).
//!
//! The grid scan makes the 1-D search robust to a non-unimodal objective (it finds the best grid
//! cell; golden section then converges inside the bracket of its neighbours, Kiefer 1953); it is
//! also the objective's profile the reports show.

/// Result of a 1-D minimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum1 {
    pub x: f64,
    pub f: f64,
    /// Every evaluation (x, f) in order: the grid first, then the refinement.
    pub evaluations: Vec<(f64, f64)>,
    /// The grid points (x, f): the profile of the objective.
    pub profile: Vec<(f64, f64)>,
    /// The minimum lies at a bound of the search interval (within the tolerance).
    pub at_lower_bound: bool,
    pub at_upper_bound: bool,
}

/// Minimises `f` on [lo, hi]: `grid` ≥ 3 equally spaced points, then golden section on the
/// bracket around the best point until its width is below `tol`. Errors from `f` stop the search.
pub fn grid_golden<E>(
    mut f: impl FnMut(f64) -> Result<f64, E>,
    lo: f64,
    hi: f64,
    grid: usize,
    tol: f64,
) -> Result<Minimum1, E> {
    let grid = grid.max(3);
    let mut evaluations = Vec::new();
    let mut eval = |x: f64, ev: &mut Vec<(f64, f64)>| -> Result<f64, E> {
        let v = f(x)?;
        // A non-finite objective (a failed model) ranks last.
        let v = if v.is_finite() { v } else { f64::INFINITY };
        ev.push((x, v));
        Ok(v)
    };
    let step = (hi - lo) / (grid - 1) as f64;
    let mut profile = Vec::with_capacity(grid);
    for i in 0..grid {
        let x = if i + 1 == grid { hi } else { lo + step * i as f64 };
        profile.push((x, eval(x, &mut evaluations)?));
    }
    let best = (0..grid).min_by(|&a, &b| profile[a].1.total_cmp(&profile[b].1)).unwrap_or(0);
    let (mut a, mut b) = (profile[best.saturating_sub(1)].0, profile[(best + 1).min(grid - 1)].0);
    const INV_PHI: f64 = 0.618_033_988_749_894_8;
    let mut c = b - INV_PHI * (b - a);
    let mut d = a + INV_PHI * (b - a);
    let mut fc = eval(c, &mut evaluations)?;
    let mut fd = eval(d, &mut evaluations)?;
    while (b - a).abs() > tol {
        if fc <= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - INV_PHI * (b - a);
            fc = eval(c, &mut evaluations)?;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + INV_PHI * (b - a);
            fd = eval(d, &mut evaluations)?;
        }
    }
    let (x, fx) = evaluations
        .iter()
        .copied()
        .min_by(|p, q| p.1.total_cmp(&q.1))
        .expect("at least three evaluations");
    let edge = tol.max(1e-12 * (hi - lo).abs());
    Ok(Minimum1 {
        x,
        f: fx,
        at_lower_bound: (x - lo).abs() <= edge,
        at_upper_bound: (hi - x).abs() <= edge,
        evaluations,
        profile,
    })
}

/// Result of a 2-D minimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum2 {
    pub x: [f64; 2],
    pub f: f64,
    pub evaluations: usize,
    /// Each coordinate lies at the lower / upper bound of its box (within 10⁻⁶ of the range).
    pub at_lower_bound: [bool; 2],
    pub at_upper_bound: [bool; 2],
}

/// Nelder–Mead (Lagarias et al. 1998 coefficients 1, 2, ½, ½) inside the box [lo, hi], on the
/// unconstrained variables u with x = lo + (hi − lo)(1 + sin u)/2 (Box 1966), so a minimum on a
/// bound is reached without the simplex collapsing onto it. Stops when the simplex's f spread is
/// below `ftol` and its size below `xtol` (relative to the box), then restarts once from the best
/// point (a standard guard against premature collapse); at most `max_evaluations`.
pub fn nelder_mead_box(
    f: impl Fn([f64; 2]) -> f64,
    start: [f64; 2],
    lo: [f64; 2],
    hi: [f64; 2],
    xtol: f64,
    ftol: f64,
    max_evaluations: usize,
) -> Minimum2 {
    let span = [hi[0] - lo[0], hi[1] - lo[1]];
    let to_x = |u: [f64; 2]| {
        [lo[0] + span[0] * 0.5 * (1.0 + u[0].sin()), lo[1] + span[1] * 0.5 * (1.0 + u[1].sin())]
    };
    let to_u = |x: [f64; 2]| {
        let c = |k: usize| (2.0 * (x[k] - lo[k]) / span[k] - 1.0).clamp(-1.0, 1.0).asin();
        [c(0), c(1)]
    };
    let n = std::cell::Cell::new(0usize);
    let eval = |u: [f64; 2]| {
        n.set(n.get() + 1);
        let v = f(to_x(u));
        if v.is_finite() { v } else { f64::INFINITY }
    };
    let lin =
        |a: [f64; 2], b: [f64; 2], t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    let mut best = (to_u(start), f64::INFINITY);
    for _restart in 0..2 {
        let u0 = best.0;
        let mut s: Vec<([f64; 2], f64)> = vec![(u0, eval(u0))];
        for k in 0..2 {
            let mut p = u0;
            p[k] += 0.3;
            s.push((p, eval(p)));
        }
        loop {
            s.sort_by(|a, b| a.1.total_cmp(&b.1));
            let x0 = to_x(s[0].0);
            let size = (0..2)
                .flat_map(|k| (1..3).map(move |i| (k, i)))
                .map(|(k, i)| (to_x(s[i].0)[k] - x0[k]).abs() / span[k])
                .fold(0.0, f64::max);
            if (s[2].1 - s[0].1).abs() <= ftol && size <= xtol || n.get() >= max_evaluations {
                break;
            }
            let centroid = lin(s[0].0, s[1].0, 0.5);
            let reflect = lin(centroid, s[2].0, -1.0);
            let fr = eval(reflect);
            if fr < s[0].1 {
                let expand = lin(centroid, s[2].0, -2.0);
                let fe = eval(expand);
                s[2] = if fe < fr { (expand, fe) } else { (reflect, fr) };
            } else if fr < s[1].1 {
                s[2] = (reflect, fr);
            } else {
                let c = if fr < s[2].1 {
                    lin(centroid, reflect, 0.5)
                } else {
                    lin(centroid, s[2].0, 0.5)
                };
                let fc = eval(c);
                if fc < s[2].1.min(fr) {
                    s[2] = (c, fc);
                } else {
                    for i in 1..3 {
                        let p = lin(s[0].0, s[i].0, 0.5);
                        s[i] = (p, eval(p));
                    }
                }
            }
        }
        s.sort_by(|a, b| a.1.total_cmp(&b.1));
        if s[0].1 <= best.1 {
            best = s[0];
        }
    }
    let x = to_x(best.0);
    let edge = |k: usize| 1e-6 * span[k];
    Minimum2 {
        x,
        f: best.1,
        evaluations: n.get(),
        at_lower_bound: [x[0] - lo[0] <= edge(0), x[1] - lo[1] <= edge(1)],
        at_upper_bound: [hi[0] - x[0] <= edge(0), hi[1] - x[1] <= edge(1)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Goal: the grid + golden search finds the minimum of a function with two local minima,
    /// and reports a minimum at a bound. Setup: f = (x² − 1)² + 0.3x on [−2, 2] (global minimum
    /// near x = −1.036, local near 0.96) and f = x on [0, 1]. Reference: Newton on f′ = 0.
    /// Tolerance: the requested bracket width 10⁻⁸.
    #[test]
    fn grid_golden_finds_the_global_minimum_and_flags_a_bound() {
        let f = |x: f64| Ok::<_, ()>((x * x - 1.0).powi(2) + 0.3 * x);
        let m = grid_golden(f, -2.0, 2.0, 9, 1e-8).unwrap();
        let mut r = -1.0f64;
        for _ in 0..50 {
            let g = 4.0 * r * (r * r - 1.0) + 0.3;
            let h = 12.0 * r * r - 4.0;
            r -= g / h;
        }
        assert!((m.x - r).abs() < 1e-8, "{} vs {r}", m.x);
        assert!(!m.at_lower_bound && !m.at_upper_bound);
        assert_eq!(m.profile.len(), 9);
        let edge = grid_golden(Ok::<_, ()>, 0.0, 1.0, 5, 1e-9).unwrap();
        assert!(edge.at_lower_bound && edge.x.abs() < 1e-9);
    }

    /// Goal: Nelder–Mead in a box finds the minimum of Rosenbrock's function, and a minimum
    /// outside the box is returned on the box edge with the bound flagged. Setup: Rosenbrock from
    /// (−1, 1.5) in [−2, 2]²; a shifted paraboloid with its minimum at x = 3 in [0, 2] × [0, 2].
    /// Reference: (1, 1) and (2, 0.5). Tolerance: 10⁻⁵ (xtol 10⁻⁹, ftol 10⁻¹⁶; 10⁻⁶ on the bound,
    /// the bound flag's own tolerance).
    #[test]
    fn nelder_mead_converges_and_respects_the_box() {
        let rosen = |p: [f64; 2]| 100.0 * (p[1] - p[0] * p[0]).powi(2) + (1.0 - p[0]).powi(2);
        let m = nelder_mead_box(rosen, [-1.0, 1.5], [-2.0; 2], [2.0; 2], 1e-9, 1e-16, 5000);
        assert!((m.x[0] - 1.0).abs() < 1e-5 && (m.x[1] - 1.0).abs() < 1e-5, "{:?}", m.x);
        let para = |p: [f64; 2]| (p[0] - 3.0).powi(2) + (p[1] - 0.5).powi(2);
        let m = nelder_mead_box(para, [0.5, 1.5], [0.0; 2], [2.0; 2], 1e-9, 1e-16, 5000);
        assert!((m.x[0] - 2.0).abs() < 1e-6 && (m.x[1] - 0.5).abs() < 1e-5, "{:?}", m.x);
        assert_eq!(m.at_upper_bound, [true, false]);
    }
}
