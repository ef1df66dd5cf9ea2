//! Verification of the slice methods against exact solutions and published references.

mod common;

use common::*;
use tailtwin_stability::*;

const SOLVER: SolverSettings =
    SolverSettings { tolerance: 1e-12, max_iterations: 500, min_m_alpha: 0.0 };

/// Planar slope at angle β: ground z = 100 − x tan β over x ∈ [0, 400], base 60 m below the toe.
/// The slip surface runs parallel to the ground at vertical depth `z` from x = 50 to x = 350,
/// with vertical ends (a block whose end faces carry no force — the infinite-slope assumption of
/// equal interslice forces on both sides of every slice).
fn infinite_slope(beta_deg: f64, material: Material, z: f64) -> (SlopeProblem, SlipSurface) {
    let t = beta_deg.to_radians().tan();
    let g = pts(&[(0.0, 100.0), (400.0, 100.0 - 400.0 * t)], 1.0);
    let model = SlopeModel::single_layer(&g, 100.0 - 400.0 * t - 60.0, material).unwrap();
    let gz = |x: f64| 100.0 - x * t;
    let surface = SlipSurface::Polyline {
        points: vec![
            Point2::new(50.0, gz(50.0)),
            Point2::new(50.0, gz(50.0) - z),
            Point2::new(350.0, gz(350.0) - z),
            Point2::new(350.0, gz(350.0)),
        ],
    };
    (SlopeProblem::dry(model), surface)
}

/// Methods exact on the infinite slope: all except Janbu corrected, whose f₀ > 1 is an
/// empirical allowance for interslice shear that the infinite slope does not have.
const EXACT_ON_PLANE: [Method; 6] = [
    Method::Ordinary,
    Method::Bishop,
    Method::JanbuSimplified,
    Method::Spencer,
    Method::MorgensternPrice(IntersliceFunction::Constant),
    Method::MorgensternPrice(IntersliceFunction::HalfSine),
];

fn assert_all_methods(
    problem: &SlopeProblem,
    surface: &SlipSurface,
    methods: &[Method],
    expected: f64,
    tol: f64,
) {
    let set = SliceSet::build(problem, surface, 40).unwrap();
    for &m in methods {
        let f = solve(&set, m, &SOLVER).unwrap_or_else(|e| panic!("{}: {e}", m.name())).fos;
        assert!(rel(f, expected) < tol, "{}: F = {f:.12}, exact {expected:.12}", m.name());
    }
}

// Goal: T1, dry cohesionless infinite slope. Setup: β = 26.565° (2:1), φ′ = 30°, z = 4 m.
// Reference: F = tan φ′ / tan β (exact). Tolerance 1e-9 relative: the slice geometry is exact
// for a plane, so only the iteration tolerance (1e-12) and round-off remain.
#[test]
fn infinite_slope_dry_matches_tan_ratio() {
    let beta = 0.5f64.atan().to_degrees();
    let (p, s) =
        infinite_slope(beta, Material::mohr_coulomb("sand", 19e3, 0.0, 30f64.to_radians()), 4.0);
    let exact = 30f64.to_radians().tan() / 0.5;
    assert_all_methods(&p, &s, &EXACT_ON_PLANE, exact, 1e-9);
}

// Goal: T1 with slope-parallel seepage at the surface. Setup: β = 20°, φ′ = 35°, γ_sat =
// 20 kN/m³, phreatic line on the ground with the cos² θ correction (exact pressure for
// line-parallel flow), z = 5 m. Reference: F = (γ′/γ_sat) tan φ′ / tan β, γ′ = γ_sat − γ_w.
// Tolerance 1e-9 (as above).
#[test]
fn infinite_slope_with_parallel_seepage_matches_closed_form() {
    let gsat = 20e3;
    let (mut p, s) =
        infinite_slope(20.0, Material::mohr_coulomb("sand", gsat, 0.0, 35f64.to_radians()), 5.0);
    let line = p.model.ground().to_vec();
    let phreatic = PhreaticSurface {
        line: tailtwin_core::Polyline::x_monotone("phreatic", line).unwrap(),
        correction: HydrostaticCorrection::CosSquared,
    };
    p.pore_water = PoreWater::Pressure(PorePressure::Phreatic(phreatic));
    let exact = (gsat - GAMMA_W) / gsat * 35f64.to_radians().tan() / 20f64.to_radians().tan();
    assert_all_methods(&p, &s, &EXACT_ON_PLANE, exact, 1e-9);
}

// Goal: T1 with cohesion and depth, water table part-way down. Setup: β = 25°, c′ = 8 kPa,
// φ′ = 28°, γ = 18 kN/m³ above and γ_sat = 20 kN/m³ below a line-parallel water table 1.5 m
// below the ground (cos² correction), z = 4 m. Reference: F = [c′ + (σ_v cos² β − u) tan φ′] /
// (σ_v sin β cos β), σ_v = γ·1.5 + γ_sat·2.5, u = γ_w 2.5 cos² β. Tolerance 1e-9.
#[test]
fn infinite_slope_with_cohesion_and_depth_matches_closed_form() {
    let m = Material::mohr_coulomb("silt", 18e3, 8e3, 28f64.to_radians())
        .with_saturated_unit_weight(20e3);
    let (mut p, s) = infinite_slope(25.0, m, 4.0);
    let wt: Vec<Point2> = p.model.ground().iter().map(|q| Point2::new(q.x, q.z - 1.5)).collect();
    let phreatic = PhreaticSurface {
        line: tailtwin_core::Polyline::x_monotone("wt", wt).unwrap(),
        correction: HydrostaticCorrection::CosSquared,
    };
    p.pore_water = PoreWater::Pressure(PorePressure::Phreatic(phreatic));
    let b = 25f64.to_radians();
    let sv = 18e3 * 1.5 + 20e3 * 2.5;
    let u = GAMMA_W * 2.5 * b.cos().powi(2);
    let exact =
        (8e3 + (sv * b.cos().powi(2) - u) * 28f64.to_radians().tan()) / (sv * b.sin() * b.cos());
    assert_all_methods(&p, &s, &EXACT_ON_PLANE, exact, 1e-9);
}

// Goal: pseudo-static infinite slope. Setup: as the cohesion case but dry, k_h = 0.15.
// Reference: global force equilibrium of the block gives F = [c′ + σ_v (cos² β − k_h sin β cos β)
// tan φ′] / [σ_v (sin β cos β + k_h cos² β)], exact for Janbu simplified (force equilibrium
// only). Tolerance 1e-9. Spencer and M-P must report failure, not a number: on uniform slices
// every slice is in force equilibrium with E ≡ 0 for any λ, so the couple of k_h W (acting at
// mid-height, above the base) cannot be balanced — the method has no solution here.
#[test]
fn infinite_slope_pseudo_static_matches_force_equilibrium() {
    let (mut p, s) =
        infinite_slope(25.0, Material::mohr_coulomb("silt", 18e3, 8e3, 28f64.to_radians()), 4.0);
    p.loads.seismic = Seismic::horizontal(0.15);
    let (b, kh, sv) = (25f64.to_radians(), 0.15, 18e3 * 4.0);
    let (sb, cb) = b.sin_cos();
    let exact = (8e3 + sv * (cb * cb - kh * sb * cb) * 28f64.to_radians().tan())
        / (sv * (sb * cb + kh * cb * cb));
    assert_all_methods(&p, &s, &[Method::JanbuSimplified], exact, 1e-9);
    let set = SliceSet::build(&p, &s, 40).unwrap();
    for m in [Method::Spencer, Method::MorgensternPrice(IntersliceFunction::HalfSine)] {
        let r = solve(&set, m, &SOLVER);
        assert!(matches!(r, Err(MethodError::NotConverged { .. })), "{}: {r:?}", m.name());
    }
    // Seismic loading lowers F relative to the static block.
    let mut stat = p.clone();
    stat.loads.seismic = Seismic::default();
    let f_static =
        solve(&SliceSet::build(&stat, &s, 40).unwrap(), Method::JanbuSimplified, &SOLVER)
            .unwrap()
            .fos;
    assert!(exact < f_static);
}

// Goal: T3, Fredlund & Krahn (1977) specified circle, dry. Setup: 2:1 slope 40 ft high,
// c′ = 600 psf, φ′ = 20°, γ = 120 pcf, circle (120, 90) ft, R = 80 ft, 50 slices, in SI.
// Reference: F&K Ordinary 1.928, Bishop 2.080, Spencer 2.073, M-P 2.076 (Slide2: 1.931, 2.079,
// 2.075, 2.075). Tolerance 0.5 % (the bar; programs differ by ~0.2 % in slicing).
// Ordinary is the conventional N′ = W cos α − u l form (dry here, so the form does not matter).
#[test]
fn fredlund_krahn_specified_circle_matches_published() {
    let p = fredlund_krahn(fk_material());
    let set = SliceSet::build(&p, &fk_circle(), 50).unwrap();
    let cases = [
        (Method::Ordinary, 1.928),
        (Method::Bishop, 2.080),
        (Method::Spencer, 2.073),
        (Method::MorgensternPrice(IntersliceFunction::Constant), 2.076),
        (Method::MorgensternPrice(IntersliceFunction::HalfSine), 2.076),
    ];
    for (m, reference) in cases {
        let f = solve(&set, m, &SOLVER).unwrap().fos;
        println!(
            "F&K {:<28} computed {f:.4} reference {reference:.3} ({:+.2} %)",
            m.name(),
            100.0 * (f / reference - 1.0)
        );
        assert!(rel(f, reference) < 0.005, "{}: {f} vs {reference}", m.name());
    }
}

// Goal: with φ = 0, Bishop's m_α = cos α and Bishop reduces to the Ordinary method exactly.
// Setup: F&K geometry and circle, undrained s_u = 40 kPa, and the same with a c′-only
// Mohr–Coulomb material. Reference: F_Bishop = F_Ordinary. Tolerance 1e-12 (same sums).
#[test]
fn bishop_equals_ordinary_when_phi_is_zero() {
    for m in
        [Material::undrained("clay", 18e3, 40e3), Material::mohr_coulomb("clay", 18e3, 40e3, 0.0)]
    {
        let p = fredlund_krahn(m);
        let set = SliceSet::build(&p, &fk_circle(), 50).unwrap();
        let o = solve(&set, Method::Ordinary, &SOLVER).unwrap().fos;
        let b = solve(&set, Method::Bishop, &SOLVER).unwrap().fos;
        assert!(rel(b, o) < 1e-12, "Bishop {b} Ordinary {o}");
    }
}

// Goal: F independent of slice count as slices increase. Setup: F&K circle, n = 10 … 640.
// Reference: the chord-base slice geometry has an O(b²) error, so successive differences should
// fall by ~4 per doubling (observed order ≈ 2) and the 320→640 change be below 1e-5 relative.
// Tolerance: order > 1.5 over the last doublings.
#[test]
fn fos_converges_with_slice_count() {
    let p = fredlund_krahn(fk_material());
    let ns = [10, 20, 40, 80, 160, 320, 640];
    for m in
        [Method::Bishop, Method::Spencer, Method::MorgensternPrice(IntersliceFunction::HalfSine)]
    {
        let f: Vec<f64> = ns
            .iter()
            .map(|&n| {
                solve(&SliceSet::build(&p, &fk_circle(), n).unwrap(), m, &SOLVER).unwrap().fos
            })
            .collect();
        println!("{:<28} n: F (change, observed order)", m.name());
        for k in 0..ns.len() {
            let d = if k > 0 { f[k] - f[k - 1] } else { f64::NAN };
            let order = if k > 1 { ((f[k - 1] - f[k - 2]) / d).abs().log2() } else { f64::NAN };
            println!("  {:>4}: {:.6} ({:+.2e}, {:.2})", ns[k], f[k], d, order);
        }
        let last = ns.len() - 1;
        for k in last - 2..=last {
            let order = ((f[k - 1] - f[k - 2]) / (f[k] - f[k - 1])).abs().log2();
            assert!(order > 1.5, "{}: order {order} at n = {}", m.name(), ns[k]);
        }
        assert!(rel(f[last], f[last - 1]) < 1e-5);
    }
}
