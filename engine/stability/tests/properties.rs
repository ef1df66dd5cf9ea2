//! Invariances and robustness: mirror symmetry, and no panic on arbitrary trial surfaces.

mod common;

use common::*;
use proptest::prelude::*;
use tailtwin_stability::*;

const SOLVER: SolverSettings =
    SolverSettings { tolerance: 1e-12, max_iterations: 500, min_m_alpha: 0.0 };

fn mirrored_fk(material: Material) -> SlopeProblem {
    let g = pts(&[(-180.0, 20.0), (-140.0, 20.0), (-60.0, 60.0), (0.0, 60.0)], FT);
    SlopeProblem::dry(SlopeModel::single_layer(&g, 0.0, material).unwrap())
}

// Goal: the direction of sliding is handled by the analysis frame, not by the geometry. Setup:
// F&K slope and circle, and the same mirrored about x = 0 (mass sliding towards −x), with a
// water-filled tension crack, k_h = 0.1 (k_v = k_h/3) and a surcharge on the crest. Reference:
// identical F for every method. Tolerance 1e-9 relative (same sums in another order).
#[test]
fn mirrored_slope_gives_the_same_fos() {
    let loads = |x_from: f64, x_to: f64| Loads {
        surcharges: vec![Surcharge { x_from, x_to, pressure: 20e3 }],
        ponded_water: None,
        tension_crack: Some(TensionCrack { depth: 2.0, water_filled: true }),
        seismic: Seismic::with_vertical_third(0.1, true),
    };
    let mut right = fredlund_krahn(fk_material());
    right.loads = loads(0.0, 15.0);
    let mut left = mirrored_fk(fk_material());
    left.loads = loads(-15.0, 0.0);
    let mirrored = SlipSurface::Circle { xc_m: -120.0 * FT, yc_m: 90.0 * FT, radius_m: 80.0 * FT };
    let a = SliceSet::build(&right, &fk_circle(), 50).unwrap();
    let b = SliceSet::build(&left, &mirrored, 50).unwrap();
    assert_eq!((a.direction, b.direction), (1.0, -1.0));
    for m in Method::ALL {
        let fa = solve(&a, m, &SOLVER).unwrap().fos;
        let fb = solve(&b, m, &SOLVER).unwrap().fos;
        assert!(rel(fa, fb) < 1e-9, "{}: {fa} vs {fb}", m.name());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    // Goal: user input never panics; any circle gives a positive finite F or a typed error.
    // Setup: random circles around the ACADS slope, every method, with and without r_u.
    #[test]
    fn arbitrary_circles_give_a_fos_or_a_typed_error(
        xc in -20.0f64..110.0, yc in 0.0f64..90.0, r in 0.1f64..80.0, ru in 0.0f64..0.6,
    ) {
        let mut p = acads();
        p.pore_water = PoreWater::Ru(ru);
        let c = SlipSurface::Circle { xc_m: xc, yc_m: yc, radius_m: r };
        if let Ok(set) = SliceSet::build(&p, &c, 30) {
            prop_assert!(!set.slices.is_empty());
            for m in Method::ALL {
                if let Ok(s) = solve(&set, m, &SolverSettings::default()) {
                    prop_assert!(s.fos.is_finite() && s.fos > 0.0);
                }
            }
        }
    }
}
