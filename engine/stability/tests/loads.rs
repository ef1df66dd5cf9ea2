//! Loads and pore-water sources against closed forms and exact identities; bad input.

mod common;

use common::*;
use tailtwin_stability::*;

const SOLVER: SolverSettings =
    SolverSettings { tolerance: 1e-12, max_iterations: 500, min_m_alpha: 0.0 };

const PLANE_METHODS: [Method; 5] = [
    Method::Ordinary,
    Method::Bishop,
    Method::JanbuSimplified,
    Method::Spencer,
    Method::MorgensternPrice(IntersliceFunction::HalfSine),
];

/// 25° planar slope, block 300 m long and 4 m deep with vertical ends (see verification.rs).
fn block(material: Material) -> (SlopeProblem, SlipSurface) {
    let t = 25f64.to_radians().tan();
    let g = pts(&[(0.0, 100.0), (400.0, 100.0 - 400.0 * t)], 1.0);
    let model = SlopeModel::single_layer(&g, 100.0 - 400.0 * t - 60.0, material).unwrap();
    let gz = |x: f64| 100.0 - x * t;
    let points = vec![
        Point2::new(50.0, gz(50.0)),
        Point2::new(50.0, gz(50.0) - 4.0),
        Point2::new(350.0, gz(350.0) - 4.0),
        Point2::new(350.0, gz(350.0)),
    ];
    (SlopeProblem::dry(model), SlipSurface::Polyline { points })
}

fn fos(p: &SlopeProblem, s: &SlipSurface, m: Method, n: usize) -> f64 {
    solve(&SliceSet::build(p, s, n).unwrap(), m, &SOLVER).unwrap().fos
}

// Goal: r_u pore pressure. Setup: 25° block, c′ = 8 kPa, φ′ = 28°, γ = 18 kN/m³, z = 4 m,
// r_u = 0.3. Reference: F = [c′ + σ_v (cos² β − r_u) tan φ′] / (σ_v sin β cos β), σ_v = γ z
// (exact). Tolerance 1e-9.
#[test]
fn ru_infinite_slope_matches_closed_form() {
    let (mut p, s) = block(Material::mohr_coulomb("silt", 18e3, 8e3, 28f64.to_radians()));
    p.pore_water = PoreWater::Ru(0.3);
    let (sb, cb) = 25f64.to_radians().sin_cos();
    let sv = 18e3 * 4.0;
    let exact = (8e3 + sv * (cb * cb - 0.3) * 28f64.to_radians().tan()) / (sv * sb * cb);
    for m in PLANE_METHODS {
        assert!(rel(fos(&p, &s, m, 40), exact) < 1e-9, "{}", m.name());
    }
}

// Goal: surcharge. Setup: the block with q = 30 kPa over its whole length. Reference: F =
// [c′ + (σ_v + q) cos² β tan φ′] / ((σ_v + q) sin β cos β) (exact). Tolerance 1e-9.
#[test]
fn surcharge_on_infinite_slope_matches_closed_form() {
    let (mut p, s) = block(Material::mohr_coulomb("silt", 18e3, 8e3, 28f64.to_radians()));
    p.loads.surcharges.push(Surcharge { x_from: 0.0, x_to: 400.0, pressure: 30e3 });
    let (sb, cb) = 25f64.to_radians().sin_cos();
    let sv = 18e3 * 4.0 + 30e3;
    let exact = (8e3 + sv * cb * cb * 28f64.to_radians().tan()) / (sv * sb * cb);
    for m in PLANE_METHODS {
        assert!(rel(fos(&p, &s, m, 40), exact) < 1e-9, "{}", m.name());
    }
}

// Goal: ponded water. A fully submerged slope with hydrostatic pore pressure from the pond
// level is, in effective stress, the dry slope with buoyant unit weight γ′ = γ_sat − γ_w.
// Setup: F&K geometry and circle, γ_sat = 20 kN/m³, pond 5 m above the crest, horizontal
// phreatic line at the pond level. Reference: the dry slope with γ′. Tolerance 2e-4 at 400
// slices: water loads act at each slice's centre line while buoyancy acts at the trapezoid's
// centroid, an O(b²) moment difference (it shrinks ~4× per doubling of slices). The identity
// holds for the X = 0 methods (Bishop, Janbu simplified). It does not for Spencer/M-P, whose
// X = λ f E acts on the total interslice force (which includes the side water thrust, as in
// SLOPE/W), nor for the Ordinary method (its known inconsistency under pore pressure).
#[test]
fn submerged_slope_equals_buoyant_dry_slope() {
    let gsat = 20e3;
    let wet_mat = Material::mohr_coulomb("soil", gsat, 600.0 * PSF, 20f64.to_radians());
    let dry_mat = Material::mohr_coulomb("soil", gsat - GAMMA_W, 600.0 * PSF, 20f64.to_radians());
    let mut wet = fredlund_krahn(wet_mat);
    let level = 65.0 * FT;
    wet.loads.ponded_water = Some(PondedWater { level_m: level, x_min: -1e9, x_max: 1e9 });
    let line = tailtwin_core::Polyline::x_monotone(
        "pond",
        vec![Point2::new(0.0, level), Point2::new(200.0, level)],
    )
    .unwrap();
    wet.pore_water = PoreWater::Pressure(PorePressure::Phreatic(PhreaticSurface {
        line,
        correction: HydrostaticCorrection::None,
    }));
    let dry = fredlund_krahn(dry_mat);
    for m in [Method::Bishop, Method::JanbuSimplified] {
        let fw = fos(&wet, &fk_circle(), m, 400);
        let fd = fos(&dry, &fk_circle(), m, 400);
        println!("{:<10} submerged {fw:.6} buoyant dry {fd:.6}", m.name());
        assert!(rel(fw, fd) < 2e-4, "{}: {fw} vs {fd}", m.name());
    }
}

// Goal: tension crack. Setup: F&K circle; crack 3 m deep, dry then water-filled. Reference: the
// crack water thrust is γ_w z_c²/2; a water-filled crack lowers F below the dry crack; a very
// shallow crack changes F by less than 0.5 %.
#[test]
fn tension_crack_thrust_and_effect() {
    let mut p = fredlund_krahn(fk_material());
    let base = fos(&p, &fk_circle(), Method::Bishop, 50);
    p.loads.tension_crack = Some(TensionCrack { depth: 3.0, water_filled: false });
    let dry = fos(&p, &fk_circle(), Method::Bishop, 50);
    p.loads.tension_crack = Some(TensionCrack { depth: 3.0, water_filled: true });
    let set = SliceSet::build(&p, &fk_circle(), 50).unwrap();
    assert!(rel(set.crack_force, 0.5 * GAMMA_W * 9.0) < 1e-12);
    let wet = solve(&set, Method::Bishop, &SOLVER).unwrap().fos;
    let wet_spencer = solve(&set, Method::Spencer, &SOLVER).unwrap().fos;
    assert!(wet < dry && wet_spencer < dry, "wet {wet} spencer {wet_spencer} dry {dry}");
    p.loads.tension_crack = Some(TensionCrack { depth: 0.05, water_filled: true });
    assert!(rel(fos(&p, &fk_circle(), Method::Bishop, 50), base) < 0.005);
}

// Goal: the strip decomposition of zones. Two zones of one material must give the single-zone
// F; a weaker upper zone must lower it. Setup: F&K slope split at y = 30 ft. Tolerance 1e-12.
#[test]
fn zoned_model_with_identical_materials_matches_single_zone() {
    let g = pts(&[(0.0, 60.0), (60.0, 60.0), (140.0, 20.0), (180.0, 20.0)], FT);
    let split = 30.0 * FT;
    let lower = Zone {
        polygon: pts(&[(0.0, 0.0), (180.0, 0.0), (180.0, 20.0), (120.0, 20.0), (0.0, 30.0)], FT)
            .into_iter()
            .map(|q| if (q.z - 30.0 * FT).abs() < 1e-9 { Point2::new(q.x, split) } else { q })
            .collect(),
        material: 0,
    };
    // Upper zone: between the split line (0,30)-(120,20) and the ground.
    let upper = Zone {
        polygon: pts(&[(0.0, 30.0), (120.0, 20.0), (140.0, 20.0), (60.0, 60.0), (0.0, 60.0)], FT),
        material: 1,
    };
    let _ = g;
    let zoned =
        SlopeModel::new(vec![fk_material(), fk_material()], vec![lower.clone(), upper.clone()])
            .unwrap();
    let single = fredlund_krahn(fk_material());
    let zp = SlopeProblem::dry(zoned);
    for m in [Method::Bishop, Method::Spencer] {
        assert!(rel(fos(&zp, &fk_circle(), m, 60), fos(&single, &fk_circle(), m, 60)) < 1e-12);
    }
    let weak = Material::mohr_coulomb("weak", 120.0 * PCF, 200.0 * PSF, 15f64.to_radians());
    let wp =
        SlopeProblem::dry(SlopeModel::new(vec![fk_material(), weak], vec![lower, upper]).unwrap());
    assert!(
        fos(&wp, &fk_circle(), Method::Bishop, 60) < fos(&single, &fk_circle(), Method::Bishop, 60)
    );
}

// Goal: bad input never panics and says what is wrong.
#[test]
fn bad_surfaces_and_loads_are_typed_errors() {
    let p = fredlund_krahn(fk_material());
    // Circle dipping below the model base (y = 0).
    let deep = SlipSurface::Circle { xc_m: 120.0 * FT, yc_m: 90.0 * FT, radius_m: 100.0 * FT };
    assert!(matches!(
        SliceSet::build(&p, &deep, 30),
        Err(StabilityError::SurfaceOutsideSection { .. })
    ));
    // Circle reaching beyond the section's end.
    let wide = SlipSurface::Circle { xc_m: 0.0, yc_m: 100.0 * FT, radius_m: 60.0 * FT };
    assert!(SliceSet::build(&p, &wide, 30).is_err());
    // A polyline going back in x; one ending inside the ground.
    let back =
        SlipSurface::Polyline { points: pts(&[(50.0, 61.0), (90.0, 30.0), (80.0, 20.0)], FT) };
    assert!(matches!(SliceSet::build(&p, &back, 30), Err(StabilityError::BadPolyline { .. })));
    let buried = SlipSurface::Polyline { points: pts(&[(50.0, 61.0), (100.0, 30.0)], FT) };
    assert!(matches!(
        SliceSet::build(&p, &buried, 30),
        Err(StabilityError::SurfaceOutsideSection { .. })
    ));
    // A circle entirely in the air.
    let air = SlipSurface::Circle { xc_m: 10.0, yc_m: 100.0, radius_m: 5.0 };
    assert!(matches!(SliceSet::build(&p, &air, 30), Err(StabilityError::NoSlidingMass { .. })));
    assert!(matches!(SliceSet::build(&p, &fk_circle(), 1), Err(StabilityError::OutOfRange { .. })));
    let settings = AnalysisSettings {
        methods: vec![Method::Bishop],
        surfaces: SurfaceSpec::Specified { surface: deep, slices: 30 },
        keep_slices: false,
        solver: SOLVER,
    };
    assert!(analyse(&p, &settings).is_err());
    for (kh, ok) in [(0.0, true), (0.99, true), (1.0, false), (-0.01, false), (f64::NAN, false)] {
        let mut q = p.clone();
        q.loads.seismic = Seismic::horizontal(kh);
        assert_eq!(q.validate().is_ok(), ok, "kh = {kh}");
    }
    let mut q = p.clone();
    q.pore_water = PoreWater::Ru(-0.1);
    assert!(q.validate().is_err());
    q.pore_water = PoreWater::Dry;
    q.loads.tension_crack = Some(TensionCrack { depth: -1.0, water_filled: false });
    assert!(q.validate().is_err());
}

// Goal: a method without a solution reports why, never a number. Setup: (a) a circle centred
// over flat ground (no driving moment); (b) a deep circle exiting steeply at the toe with
// Whitman & Bailey's m_α ≥ 0.2 rule.
#[test]
fn methods_without_a_solution_are_reported_as_errors() {
    let flat = pts(&[(0.0, 10.0), (100.0, 10.0)], 1.0);
    let p = SlopeProblem::dry(SlopeModel::single_layer(&flat, 0.0, fk_material()).unwrap());
    let c = SlipSurface::Circle { xc_m: 50.0, yc_m: 15.0, radius_m: 10.0 };
    let set = SliceSet::build(&p, &c, 40).unwrap();
    for m in Method::ALL {
        let r = solve(&set, m, &SOLVER);
        assert!(matches!(r, Err(MethodError::NoDriving { .. })), "{}: {r:?}", m.name());
    }
    let p = fredlund_krahn(Material::mohr_coulomb("sand", 19e3, 0.0, 40f64.to_radians()));
    let rise = 60f64.to_radians().tan();
    let steep = SlipSurface::Polyline {
        points: pts(&[(40.0, 60.0), (100.0, 12.0), (115.0, 12.0 + 15.0 * rise)], FT),
    };
    let set = SliceSet::build(&p, &steep, 40).unwrap();
    let strict = SolverSettings { min_m_alpha: 0.2, ..SOLVER };
    let r = solve(&set, Method::Bishop, &strict);
    assert!(matches!(r, Err(MethodError::NonPositiveMAlpha { .. })), "{r:?}");
}

// Goal: pore pressure from a seepage field is read correctly. Setup: F&K slope and circle with a
// horizontal water table at 30 ft (γ = 18, γ_sat = 20 kN/m³); once as a phreatic line, once as
// a triangulated field (10 ft grid, 2 triangles per cell) holding u = γ_w (z_wt − z) at its
// nodes (negative above the table: suction, ignored). Reference: linear interpolation is exact
// for this linear field, so F must equal the phreatic-line F to round-off (1e-12), for Bishop
// and Spencer; both are below the dry F.
#[test]
fn seepage_field_pore_pressure_matches_equivalent_phreatic_line() {
    use tailtwin_core::{Polyline, PorePressureField};
    let zwt = 30.0 * FT;
    let m = Material::mohr_coulomb("soil", 18e3, 600.0 * PSF, 20f64.to_radians())
        .with_saturated_unit_weight(20e3);
    let line =
        Polyline::x_monotone("wt", vec![Point2::new(0.0, zwt), Point2::new(180.0 * FT, zwt)])
            .unwrap();
    let phreatic = PhreaticSurface { line, correction: HydrostaticCorrection::None };
    let (nx, nz) = (19usize, 7usize);
    let mut nodes = Vec::new();
    let mut values = Vec::new();
    for j in 0..nz {
        for i in 0..nx {
            let p = Point2::new(10.0 * FT * i as f64, 10.0 * FT * j as f64);
            values.push(GAMMA_W * (zwt - p.z));
            nodes.push(p);
        }
    }
    let mut triangles = Vec::new();
    for j in 0..nz - 1 {
        for i in 0..nx - 1 {
            let k = (j * nx + i) as u32;
            let (a, b, c, d) = (k, k + 1, k + nx as u32 + 1, k + nx as u32);
            triangles.push([a, b, c]);
            triangles.push([a, c, d]);
        }
    }
    let field = PorePressureField::new(nodes, triangles, values, phreatic.clone()).unwrap();
    let mut with_line = fredlund_krahn(m.clone());
    with_line.pore_water = PoreWater::Pressure(PorePressure::Phreatic(phreatic));
    let mut with_field = fredlund_krahn(m.clone());
    with_field.pore_water = PoreWater::Pressure(PorePressure::Field(field));
    let dry = fredlund_krahn(m);
    for method in [Method::Bishop, Method::Spencer] {
        let fl = fos(&with_line, &fk_circle(), method, 50);
        let ff = fos(&with_field, &fk_circle(), method, 50);
        assert!(rel(ff, fl) < 1e-12, "{}: field {ff} line {fl}", method.name());
        assert!(fl < fos(&dry, &fk_circle(), method, 50));
    }
}
