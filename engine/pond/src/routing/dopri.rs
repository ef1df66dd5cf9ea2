//! Dormand–Prince 5(4) tableau (Dormand & Prince 1980, as in Hairer, Nørsett & Wanner, *Solving
//! Ordinary Differential Equations I*, §II.5 and their code DOPRI5), its error estimator, its
//! fourth-order continuous extension and the PI step-size controller of DOPRI5.

pub(crate) const C: [f64; 7] = [0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0, 1.0];

/// Lower-triangular stage coefficients `a[i][j]`, `j < i`.
pub(crate) const A: [[f64; 6]; 7] = [
    [0.0; 6],
    [0.2, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
    [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
];

/// Fifth-order weights (= the last row of `A`; the seventh stage is FSAL with weight 0).
pub(crate) const B: [f64; 7] =
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0];

/// Error weights `b − b̂` (fifth minus fourth order).
pub(crate) const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

/// Dense-output weights of DOPRI5's continuous extension.
const D: [f64; 7] = [
    -12715105075.0 / 11282082432.0,
    0.0,
    87487479700.0 / 32700410799.0,
    -10690763975.0 / 1880347072.0,
    701980252875.0 / 199316789632.0,
    -1453857185.0 / 822651844.0,
    69997945.0 / 29380423.0,
];

/// The continuous extension of one accepted step: storage as a polynomial of `θ = (t − t0)/h`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dense {
    pub t0: f64,
    pub h: f64,
    r: [f64; 5],
}

impl Dense {
    /// Builds the interpolant from the step's start and end values and its seven slopes.
    pub fn new(t0: f64, h: f64, y0: f64, y1: f64, k: &[f64; 7]) -> Self {
        let ydiff = y1 - y0;
        let bspl = h * k[0] - ydiff;
        let r4 = ydiff - h * k[6] - bspl;
        let r5 = h * (0..7).map(|i| D[i] * k[i]).sum::<f64>();
        Self { t0, h, r: [y0, ydiff, bspl, r4, r5] }
    }

    /// Cubic Hermite interpolant through `(y0, f0)` and `(y1, f1)`: the same form with the
    /// fifth coefficient zero (used for the storage-indication method).
    pub fn hermite(t0: f64, h: f64, y0: f64, y1: f64, f0: f64, f1: f64) -> Self {
        let ydiff = y1 - y0;
        let bspl = h * f0 - ydiff;
        Self { t0, h, r: [y0, ydiff, bspl, ydiff - h * f1 - bspl, 0.0] }
    }

    /// Storage at fraction `theta` of the step.
    #[inline]
    pub fn value(&self, theta: f64) -> f64 {
        let u = 1.0 - theta;
        let r = &self.r;
        r[0] + theta * (r[1] + u * (r[2] + theta * (r[3] + u * r[4])))
    }

    /// d(storage)/dθ (= h · dS/dt) at fraction `theta` of the step.
    #[inline]
    pub fn slope(&self, theta: f64) -> f64 {
        let u = 1.0 - theta;
        let r = &self.r;
        let inner = r[3] + u * r[4];
        let mid = r[2] + theta * inner;
        let d_mid = inner - theta * r[4];
        let outer = r[1] + u * mid;
        let d_outer = -mid + u * d_mid;
        outer + theta * d_outer
    }

    pub fn end(&self) -> f64 {
        self.t0 + self.h
    }

    /// Storage at time `t` within the step.
    #[inline]
    pub fn at_time(&self, t: f64) -> f64 {
        self.value(((t - self.t0) / self.h).clamp(0.0, 1.0))
    }
}

/// DOPRI5's PI controller (Gustafsson's β = 0.04 with exponent 0.2 − 0.75β), safety 0.9, step
/// ratio limited to [0.2, 10].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Controller {
    fac_old: f64,
    last_rejected: bool,
}

const BETA: f64 = 0.04;
const SAFETY: f64 = 0.9;
const MIN_RATIO: f64 = 0.2;
const MAX_RATIO: f64 = 10.0;

impl Controller {
    pub fn new() -> Self {
        Self { fac_old: 1e-4, last_rejected: false }
    }

    /// Next step after an accepted step with scaled error `err` ≤ 1.
    pub fn accept(&mut self, h: f64, err: f64) -> f64 {
        let fac11 = err.powf(0.2 - BETA * 0.75);
        let fac =
            (fac11 / self.fac_old.powf(BETA) / SAFETY).clamp(1.0 / MAX_RATIO, 1.0 / MIN_RATIO);
        self.fac_old = err.max(1e-4);
        let mut h_new = h / fac;
        if self.last_rejected {
            h_new = h_new.min(h);
        }
        self.last_rejected = false;
        h_new
    }

    /// Retry step after a rejected step with scaled error `err` > 1.
    pub fn reject(&mut self, h: f64, err: f64) -> f64 {
        self.last_rejected = true;
        let fac11 = err.powf(0.2 - BETA * 0.75);
        h / (fac11 / SAFETY).min(1.0 / MIN_RATIO)
    }
}

/// Illinois (modified regula falsi) root of `g` on `[a, b]` with `g(a)`, `g(b)` of opposite sign
/// (or one of them zero); returns the bracket end nearest the root once the bracket is below
/// `tol`.
pub(crate) fn illinois(g: impl Fn(f64) -> f64, mut a: f64, mut b: f64, tol: f64) -> f64 {
    let (mut ga, mut gb) = (g(a), g(b));
    if ga == 0.0 {
        return a;
    }
    if gb == 0.0 {
        return b;
    }
    let mut side = 0i8;
    for _ in 0..200 {
        if (b - a).abs() <= tol {
            break;
        }
        let c = (a * gb - b * ga) / (gb - ga);
        let c = if c > a.min(b) && c < a.max(b) { c } else { 0.5 * (a + b) };
        let gc = g(c);
        if gc == 0.0 {
            return c;
        }
        if (gc > 0.0) == (gb > 0.0) {
            b = c;
            gb = gc;
            if side == -1 {
                ga *= 0.5;
            }
            side = -1;
        } else {
            a = c;
            ga = gc;
            if side == 1 {
                gb *= 0.5;
            }
            side = 1;
        }
    }
    // Return the end on the far side of the root from the start `a` (the crossing has happened).
    b
}

/// Golden-section search for the maximum of `f` on `[a, b]`: (argmax, max).
pub(crate) fn golden_max(f: impl Fn(f64) -> f64, a: f64, b: f64, tol: f64) -> (f64, f64) {
    const INV_PHI: f64 = 0.618_033_988_749_894_9;
    let (mut a, mut b) = (a, b);
    let mut x1 = b - INV_PHI * (b - a);
    let mut x2 = a + INV_PHI * (b - a);
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..200 {
        if (b - a).abs() <= tol {
            break;
        }
        if f1 < f2 {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + INV_PHI * (b - a);
            f2 = f(x2);
        } else {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - INV_PHI * (b - a);
            f1 = f(x1);
        }
    }
    if f1 >= f2 { (x1, f1) } else { (x2, f2) }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the tableau is consistent (row sums = c, weights sum to 1, error weights sum to 0);
    // these identities catch a mistyped coefficient. Tolerance: round-off.
    #[test]
    fn tableau_is_consistent() {
        for i in 1..7 {
            let row: f64 = A[i].iter().sum();
            assert!((row - C[i]).abs() < 1e-14, "row {i}");
        }
        assert!((B.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        assert!(E.iter().sum::<f64>().abs() < 1e-14);
        // Fifth-order condition Σ b c⁴ = 1/5.
        let s: f64 = (0..7).map(|i| B[i] * C[i].powi(4)).sum();
        assert!((s - 0.2).abs() < 1e-14);
    }

    // Goal: the fourth-order continuous extension is exact for a quartic solution: y' = t³
    // (y = t⁴/4), one step of h = 0.1 from 0, read mid-step; its end slopes equal the stage
    // slopes (C¹ across steps). Tolerance: round-off on values of size h⁴.
    #[test]
    fn dense_output_is_accurate_and_matches_end_slopes() {
        let h = 0.1;
        let mut k = [0.0; 7];
        for i in 0..7 {
            k[i] = (C[i] * h).powi(3);
        }
        let y1: f64 = h * (0..7).map(|i| B[i] * k[i]).sum::<f64>();
        assert!((y1 - h.powi(4) / 4.0).abs() < 1e-18);
        let d = Dense::new(0.0, h, 0.0, y1, &k);
        for theta in [0.25, 0.5, 0.8] {
            let exact = (theta * h).powi(4) / 4.0;
            assert!((d.value(theta) - exact).abs() < 1e-12 * h.powi(4), "theta {theta}");
        }
        assert!((d.slope(0.0) - h * k[0]).abs() < 1e-18);
        assert!((d.slope(1.0) - h * k[6]).abs() < 1e-15);
    }

    #[test]
    fn root_and_maximum_finders_converge() {
        let r = illinois(|x| x * x - 2.0, 0.0, 2.0, 1e-14);
        assert!((r - 2f64.sqrt()).abs() < 1e-13);
        let (x, fx) = golden_max(|x| -(x - 0.3) * (x - 0.3), 0.0, 1.0, 1e-10);
        assert!((x - 0.3).abs() < 1e-9 && fx <= 0.0);
    }
}
