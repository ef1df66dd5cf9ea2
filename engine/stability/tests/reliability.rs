//! Verification of the reliability numerics (FOSM and Monte-Carlo on fixed surfaces).

mod common;

use common::*;
use tailtwin_stability::reliability::*;
use tailtwin_stability::*;

const SOLVER: SolverSettings =
    SolverSettings { tolerance: 1e-12, max_iterations: 500, min_m_alpha: 0.0 };

/// Dry cohesionless planar slope 2:1 (tan β = 0.5) with the slope-parallel block surface of the
/// T1 tests (z = 4 m, vertical ends): F = tan φ′ / tan β exactly, for every method but Janbu
/// corrected.
fn planar_slope(phi_deg: f64) -> (SlopeProblem, SlipSurface) {
    let t = 0.5;
    let g = pts(&[(0.0, 100.0), (400.0, 100.0 - 400.0 * t)], 1.0);
    let m = Material::mohr_coulomb("sand", 19e3, 0.0, phi_deg.to_radians());
    let model = SlopeModel::single_layer(&g, 100.0 - 400.0 * t - 60.0, m).unwrap();
    let gz = |x: f64| 100.0 - x * t;
    let surface = SlipSurface::Polyline {
        points: vec![
            Point2::new(50.0, gz(50.0)),
            Point2::new(50.0, gz(50.0) - 4.0),
            Point2::new(350.0, gz(350.0) - 4.0),
            Point2::new(350.0, gz(350.0)),
        ],
    };
    (SlopeProblem::dry(model), surface)
}

fn bishop() -> Evaluation {
    Evaluation { method: Method::Bishop, slices: 40, solver: SOLVER }
}

fn var(name: &str, target: Target, distribution: Distribution, spread: Spread) -> VariableSpec {
    VariableSpec { name: name.into(), target, distribution, spread }
}

fn material(property: Property) -> Target {
    Target::Material { index: 0, property }
}

// Goal: FOSM is exact for a linear limit state with a normal input, and Monte-Carlo agrees with
// the exact probability within its Wilson 95 % interval. Setup: planar dry slope, tan β = 0.5,
// tan φ′ ~ normal(tan 30°, 0.1): F = tan φ′/tan β is linear in tan φ′. Reference: μ_F =
// tan 30°/0.5, σ_F = 0.1/0.5, β = (μ_F − 1)/σ_F, P = Φ(−β) = 0.2196. Tolerance: FOSM 1e-8
// relative (central differences are exact for a linear F; the solver stops at 1e-12); MC: the
// exact P inside the Wilson interval of 4000 samples (a 95 % interval: a fixed seed makes the
// outcome reproducible), the sample mean within 4 standard errors σ_F/√N of μ_F. Clipping at
// tan φ′ = 0 is 5.8 σ away and does not matter.
#[test]
fn linear_limit_state_fosm_is_exact_and_monte_carlo_covers_it() {
    let (p, s) = planar_slope(30.0);
    let mu = 30f64.to_radians().tan();
    let specs =
        [var("tan_phi", material(Property::TanFriction), Distribution::Normal, Spread::Sd(0.1))];
    let vars = Variables::new(&p, &specs, &[]).unwrap();
    let surfaces = [s];
    let f = fosm(&p, &vars, &surfaces, &bishop()).unwrap();
    let (mu_f, sd_f) = (mu / 0.5, 0.1 / 0.5);
    let beta = (mu_f - 1.0) / sd_f;
    assert!(rel(f.fos_at_mean, mu_f) < 1e-8, "{} vs {mu_f}", f.fos_at_mean);
    assert!(rel(f.sd, sd_f) < 1e-8, "{} vs {sd_f}", f.sd);
    assert!(rel(f.beta, beta) < 1e-7, "{} vs {beta}", f.beta);
    let p_exact = normal_cdf(-beta);
    assert!(rel(f.p_failure, p_exact) < 1e-7);
    let mc = monte_carlo(&p, &vars, &surfaces, &bishop(), 4000, 11).unwrap();
    assert_eq!((mc.samples, mc.failed, mc.p_failure.members), (4000, 0, 4000));
    let [lo, hi] = mc.p_failure.ci95;
    assert!(lo <= p_exact && p_exact <= hi, "P exact {p_exact} outside [{lo}, {hi}]");
    assert!((mc.mean - mu_f).abs() < 4.0 * sd_f / 4000f64.sqrt(), "mean {}", mc.mean);
    assert!(rel(mc.sd, sd_f) < 0.05, "sd {}", mc.sd);
}

// Goal: a nonlinear limit state where FOSM and Monte-Carlo differ, and Monte-Carlo is right.
// Setup: the same slope with φ′ ~ normal(35°, 8°): F = tan φ′/0.5 is convex in φ′. Reference:
// failure ⇔ φ′ < atan 0.5 = 26.565°, so P = Φ((26.565° − 35°)/8°) = 0.146 exactly; FOSM
// linearises tan at 35°: σ_F = sec²35° σ_φ/0.5 = 0.416, β = 0.962, P = 0.168 (too high by 0.022).
// Tolerance: FOSM σ_F within 3e-4 relative (the central difference with h = σ/10 = 0.014 rad has
// truncation h² (f‴/f′)/6 = 1.6e-4 relative for tan at 35°, f‴/f′ = 2 (1 + 3 tan²) = 4.9); the exact P inside the MC Wilson interval of 4000 samples (half-width ≈ 0.011) and
// the FOSM P outside it; the MC mean above F(μ) (E tan φ′ > tan E φ′) by more than 4 standard
// errors. Clipping at 0° and 89° is ≥ 4.4 σ away.
#[test]
fn nonlinear_limit_state_separates_fosm_from_monte_carlo() {
    let (p, s) = planar_slope(35.0);
    let sd = 8f64.to_radians();
    let specs =
        [var("phi", material(Property::FrictionAngle), Distribution::Normal, Spread::Sd(sd))];
    let vars = Variables::new(&p, &specs, &[]).unwrap();
    let surfaces = [s];
    let f = fosm(&p, &vars, &surfaces, &bishop()).unwrap();
    let sec2 = 1.0 / 35f64.to_radians().cos().powi(2);
    assert!(rel(f.sd, sec2 * sd / 0.5) < 3e-4, "FOSM sd {}", f.sd);
    let p_exact = normal_cdf((0.5f64.atan() - 35f64.to_radians()) / sd);
    let mc = monte_carlo(&p, &vars, &surfaces, &bishop(), 4000, 5).unwrap();
    let [lo, hi] = mc.p_failure.ci95;
    assert!(lo <= p_exact && p_exact <= hi, "P exact {p_exact} outside [{lo}, {hi}]");
    assert!(f.p_failure > hi, "FOSM P {} inside the MC interval [{lo}, {hi}]", f.p_failure);
    assert!(mc.mean - f.fos_at_mean > 4.0 * mc.sd / 4000f64.sqrt(), "MC mean {}", mc.mean);
}

fn acads_circle() -> [SlipSurface; 1] {
    [SlipSurface::Circle { xc_m: 29.66, yc_m: 53.35, radius_m: 28.35 }]
}

fn acads_with_cohesion(c: f64) -> SlopeProblem {
    let mut p = acads();
    let m = Material::mohr_coulomb("soil", 20e3, c, 19.6f64.to_radians());
    p.model.set_material(0, m).unwrap();
    p
}

fn acads_vars(p: &SlopeProblem) -> Variables {
    let specs = [
        var("c", material(Property::Cohesion), Distribution::Lognormal, Spread::Cov(0.3)),
        var("phi", material(Property::FrictionAngle), Distribution::Normal, Spread::Sd(0.035)),
        var("gamma", material(Property::UnitWeight), Distribution::Normal, Spread::Cov(0.05)),
    ];
    let rho = [Correlation { name: "rho".into(), first: 0, second: 1, rho: -0.3 }];
    Variables::new(p, &specs, &rho).unwrap()
}

// Goal: raising the mean cohesion lowers P(F < 1) and raises β, by both methods. Setup: ACADS
// EX1(a) critical circle, c′ lognormal (cov 0.3), φ′ normal (sd 2°), γ normal (cov 0.05), ρ(c′,
// φ′) = −0.3; mean c′ 3 → 4 → 6 kPa, 2000 samples, one seed (common random numbers). Reference:
// F increases with c′ in every sample, so the MC estimates are monotone sample by sample.
// Tolerance: strict inequalities.
#[test]
fn more_cohesion_means_lower_probability_and_higher_beta() {
    let surfaces = acads_circle();
    let mut last: Option<(f64, f64, f64, f64)> = None;
    for c in [3e3, 4e3, 6e3] {
        let p = acads_with_cohesion(c);
        let vars = acads_vars(&p);
        let f = fosm(&p, &vars, &surfaces, &bishop()).unwrap();
        let mc = monte_carlo(&p, &vars, &surfaces, &bishop(), 2000, 3).unwrap();
        let now = (f.p_failure, f.beta, mc.p_failure.estimate, mc.beta);
        if let Some(prev) = last {
            assert!(now.0 < prev.0 && now.1 > prev.1, "FOSM at c′ = {c}: {now:?} after {prev:?}");
            assert!(now.2 < prev.2 && now.3 > prev.3, "MC at c′ = {c}: {now:?} after {prev:?}");
        }
        last = Some(now);
    }
}

// Goal: Monte-Carlo results do not depend on the thread count. Setup: the ACADS case above with
// two surfaces (the critical circle and a deeper one), 1000 samples on pools of 1 and 2 threads.
// Reference: identical structs (every sample seeded by its index, reduced in index order).
#[test]
fn monte_carlo_is_identical_on_one_and_two_threads() {
    let p = acads_with_cohesion(3e3);
    let vars = acads_vars(&p);
    let surfaces =
        [acads_circle()[0].clone(), SlipSurface::Circle { xc_m: 30.0, yc_m: 52.0, radius_m: 29.0 }];
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| monte_carlo(&p, &vars, &surfaces, &bishop(), 1000, 9).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one.governing.iter().sum::<u64>(), 1000);
}

// Goal: the c′–φ′ correlation reaches the samples as the correlation of the variables
// themselves (Nataf), for a lognormal c′ and a normal φ′. Setup: ACADS variables (ρ = −0.3,
// c′ cov 0.3), 20 000 samples of the stream. Reference: ρ = −0.3; the sample correlation has
// standard error (1 − ρ²)/√N = 0.0064. Tolerance 4 standard errors. Also the means and sds of
// the samples: the lognormal's mean within 4 σ/√N of 3 kPa.
#[test]
fn correlated_samples_have_the_asked_correlation() {
    let p = acads_with_cohesion(3e3);
    let vars = acads_vars(&p);
    let n = 20_000usize;
    let (mut z, mut x) = (vec![0.0; 3], vec![0.0; 3]);
    let mut xs = Vec::with_capacity(n);
    for i in 0..n as u64 {
        vars.sample(17, i, &mut z, &mut x);
        xs.push((x[0], x[1]));
    }
    let nf = n as f64;
    let (ma, mb) =
        (xs.iter().map(|v| v.0).sum::<f64>() / nf, xs.iter().map(|v| v.1).sum::<f64>() / nf);
    let cov: f64 = xs.iter().map(|v| (v.0 - ma) * (v.1 - mb)).sum::<f64>() / (nf - 1.0);
    let sa = (xs.iter().map(|v| (v.0 - ma).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
    let sb = (xs.iter().map(|v| (v.1 - mb).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
    let r = cov / (sa * sb);
    assert!((r + 0.3).abs() < 4.0 * (1.0 - 0.09) / nf.sqrt(), "sample correlation {r}");
    assert!((ma - 3e3).abs() < 4.0 * 900.0 / nf.sqrt(), "lognormal mean {ma}");
}

// Goal: the phreatic offset raises a phreatic line exactly. Setup: planar slope (φ′ 30°, γ 19,
// γ_sat 20 kN/m³) with a slope-parallel water table 3 m below the ground; the pore adjustment
// Δh = 1.2 m against the same problem with the line drawn 1.8 m below the ground. Reference:
// equal F (both the pressure and the γ/γ_sat split move). Tolerance 1e-12 relative.
#[test]
fn phreatic_offset_equals_a_raised_line() {
    let (mut p, s) = planar_slope(30.0);
    p.model
        .set_material(0, p.model.materials()[0].clone().with_saturated_unit_weight(20e3))
        .unwrap();
    let line = |depth: f64| {
        let pts: Vec<Point2> =
            p.model.ground().iter().map(|q| Point2::new(q.x, q.z - depth)).collect();
        PoreWater::Pressure(PorePressure::Phreatic(PhreaticSurface {
            line: tailtwin_core::Polyline::x_monotone("wt", pts).unwrap(),
            correction: HydrostaticCorrection::None,
        }))
    };
    let fos = |p: &SlopeProblem| {
        let set = SliceSet::build(p, &s, 40).unwrap();
        solve(&set, Method::Bishop, &SOLVER).unwrap().fos
    };
    let mut raised = p.clone();
    raised.pore_water = line(1.8);
    p.pore_water = line(3.0);
    let dry_line = fos(&p);
    p.pore_adjustment = PoreAdjustment { factor: 1.0, head_offset_m: 1.2 };
    assert!(rel(fos(&p), fos(&raised)) < 1e-12, "{} vs {}", fos(&p), fos(&raised));
    assert!(fos(&p) < dry_line);
}

// Goal: nonsense variables are errors naming the variable, never a panic. Setup: a dry
// cohesionless slope. Reference: each spec below rejected with its name in the message.
#[test]
fn bad_variables_are_errors_naming_them() {
    let (p, _) = planar_slope(30.0);
    let n = Distribution::Normal;
    let cases = [
        (vec![var("neg-cov", material(Property::FrictionAngle), n, Spread::Cov(-0.1))], vec![]),
        (
            vec![var(
                "no-mat",
                Target::Material { index: 3, property: Property::Cohesion },
                n,
                Spread::Sd(1.0),
            )],
            vec![],
        ),
        (
            vec![var(
                "ln-zero",
                material(Property::Cohesion),
                Distribution::Lognormal,
                Spread::Sd(1e3),
            )],
            vec![],
        ),
        (vec![var("cov-zero", material(Property::Cohesion), n, Spread::Cov(0.2))], vec![]),
        (vec![var("su", material(Property::UndrainedStrength), n, Spread::Sd(1e3))], vec![]),
        (vec![var("dh", Target::PoreHeadOffset, n, Spread::Sd(1.0))], vec![]),
        (vec![var("ru", Target::PoreFactor, n, Spread::Cov(0.1))], vec![]),
        (
            vec![
                var("c", material(Property::Cohesion), n, Spread::Sd(1e3)),
                var("phi", material(Property::FrictionAngle), n, Spread::Sd(0.03)),
            ],
            vec![Correlation { name: "rho".into(), first: 0, second: 1, rho: 1.2 }],
        ),
    ];
    for (specs, rho) in cases {
        let e = Variables::new(&p, &specs, &rho).unwrap_err().to_string();
        let name = rho.first().map_or(specs[0].name.as_str(), |c| c.name.as_str());
        assert!(e.starts_with(&format!("{name}:")), "{e}");
    }
}
