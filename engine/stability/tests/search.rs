//! Critical-surface search: the ACADS EX1(a) benchmark, determinism, search bookkeeping.

mod common;

use common::*;
use tailtwin_stability::*;

// Goal: T2, ACADS EX1(a) searched circles. Setup: 2:1 slope 10 m high, c′ = 3 kPa, φ′ = 19.6°,
// γ = 20 kN/m³, dry; 20 × 20 centres × 20 tangent lines, 30 slices, pattern refinement.
// Reference: Slide2 Bishop 0.987; an open 50-slice implementation Spencer 0.984, M-P 0.984
// (referee 1.00, ACADS Bishop mean 0.993). Tolerance 2 % (the bar: published programs
// spread ±2 % on this case through search and slicing differences).
#[test]
fn acads_ex1a_searched_circle_matches_published() {
    let p = acads();
    let cases = [
        (Method::Bishop, 0.987),
        (Method::Spencer, 0.984),
        (Method::MorgensternPrice(IntersliceFunction::Constant), 0.984),
        (Method::MorgensternPrice(IntersliceFunction::HalfSine), 0.984),
    ];
    for (m, reference) in cases {
        let r = search(&p, &acads_search(m)).unwrap();
        let f = r.critical.fos;
        println!(
            "ACADS {:<28} F {f:.4} ref {reference:.3} ({:+.2} %), {} trials, {:?}",
            m.name(),
            100.0 * (f / reference - 1.0),
            r.trials,
            r.critical.surface
        );
        assert!(rel(f, reference) < 0.02, "{}: {f}", m.name());
        assert!(r.trials >= 8000 && r.admissible > 0);
    }
}

// Goal: a non-circular surface optimised from the critical circle is admissible and no worse
// than the circle (the optimisation only accepts improvements). Setup: ACADS, Spencer. Reference:
// F_noncircular ≤ F_circle, and within 5 % of it (a homogeneous slope's critical surface is
// close to circular).
#[test]
fn noncircular_optimisation_improves_on_the_critical_circle() {
    let mut s = acads_search(Method::Spencer);
    s.noncircular = Some(NonCircular::default());
    let r = search(&acads(), &s).unwrap();
    let nc = r.noncircular.expect("optimised surface");
    assert!(nc.fos <= r.critical.fos);
    assert!(nc.fos > 0.95 * r.critical.fos, "{} vs {}", nc.fos, r.critical.fos);
    assert!(matches!(nc.surface, SlipSurface::Polyline { .. }));
    assert!(r.noncircular_trials > 10);
}

// Goal: results do not depend on the thread count. Setup: ACADS Bishop search (with FoS map and
// near-critical list) on pools of 1, 2 and 4 threads. Reference: bit-identical results.
#[test]
fn search_is_identical_on_one_and_many_threads() {
    let p = acads();
    let s = acads_search(Method::Bishop);
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| search(&p, &s).unwrap())
    };
    let one = run(1);
    for n in [2, 4] {
        let many = run(n);
        assert_eq!(one, many, "{n} threads differ");
    }
    let map = one.fos_map.as_ref().unwrap();
    assert_eq!(map.fos.len(), 400);
    let least = map.fos.iter().flatten().cloned().fold(f64::INFINITY, f64::min);
    assert!(one.critical.fos <= least + 1e-12);
    assert_eq!(one.near_critical.len(), 10);
    assert!(one.near_critical.windows(2).all(|w| w[0].1 <= w[1].1));
    assert!((one.near_critical[0].1 - least).abs() < 1e-12);
}

// Goal: entry–exit generation and entry–exit limits find the same critical surface as the
// grid. Setup: ACADS Bishop; circles through entry points on x ∈ [45, 60] (crest) and exit
// points on x ∈ [25, 32] (toe). Reference: the grid search's refined F; tolerance 1 % (different
// trial sets, both refined).
#[test]
fn entry_exit_search_agrees_with_grid_search() {
    let p = acads();
    let grid = search(&p, &acads_search(Method::Bishop)).unwrap();
    let trials =
        CircleTrials::EntryExit { entry: (45.0, 60.0), exit: (25.0, 32.0), points: 12, radii: 12 };
    let ee = search(&p, &SearchSettings::new(Method::Bishop, trials)).unwrap();
    assert!(
        rel(ee.critical.fos, grid.critical.fos) < 0.01,
        "{} vs {}",
        ee.critical.fos,
        grid.critical.fos
    );
    assert!(ee.fos_map.is_none());
    // Limits: only surfaces leaving the crest within [55, 60] are admissible.
    let mut lim = acads_search(Method::Bishop);
    lim.limits = Some(((55.0, 60.0), (20.0, 35.0)));
    let r = search(&p, &lim).unwrap();
    assert!(r.critical.crest_point.x >= 55.0 - 1e-9 && r.admissible < grid.admissible);
    assert!(r.critical.fos >= grid.critical.fos);
}

// Goal: bad search settings and bad problems are typed errors. Setup: empty grid, kh = 1,
// surfaces that never cut the slope.
#[test]
fn bad_search_input_is_a_typed_error() {
    let p = acads();
    let mut s = acads_search(Method::Bishop);
    if let CircleTrials::Grid { ref mut centres, .. } = s.trials {
        centres.nx = 0;
    }
    assert!(matches!(search(&p, &s), Err(StabilityError::BadSearch { .. })));
    let mut q = acads();
    q.loads.seismic = Seismic::horizontal(1.0);
    assert!(matches!(
        search(&q, &acads_search(Method::Bishop)),
        Err(StabilityError::OutOfRange { .. })
    ));
    q.loads.seismic = Seismic::horizontal(-0.1);
    assert!(matches!(
        search(&q, &acads_search(Method::Bishop)),
        Err(StabilityError::OutOfRange { .. })
    ));
    // All circles far above the ground: nothing admissible.
    let centres = CentreGrid { x_min: 20.0, x_max: 50.0, nx: 3, y_min: 100.0, y_max: 110.0, ny: 3 };
    let radii = Radii::Range { min: 1.0, max: 5.0, count: 3 };
    let s = SearchSettings::new(Method::Bishop, CircleTrials::Grid { centres, radii });
    assert!(matches!(search(&p, &s), Err(StabilityError::NoAdmissibleSurface { trials: 27, .. })));
}

// Goal: the automatic grid over the slope face finds the critical circle without a hand-made
// grid. Setup: ACADS, `CircleTrials::auto` (face 30–50 m), Bishop. Reference: the hand grid's
// refined F; tolerance 0.5 % (both refined; different trial sets).
#[test]
fn auto_grid_finds_the_hand_grid_minimum() {
    let p = acads();
    let hand = search(&p, &acads_search(Method::Bishop)).unwrap();
    let auto = CircleTrials::auto(&p.model, None).unwrap();
    let r = search(&p, &SearchSettings::new(Method::Bishop, auto)).unwrap();
    assert!(
        rel(r.critical.fos, hand.critical.fos) < 0.005,
        "{} vs {}",
        r.critical.fos,
        hand.critical.fos
    );
    let flat = SlopeModel::single_layer(
        &pts(&[(0.0, 5.0), (10.0, 5.0)], 1.0),
        0.0,
        acads().model.materials()[0].clone(),
    )
    .unwrap();
    assert!(matches!(CircleTrials::auto(&flat, None), Err(StabilityError::BadSearch { .. })));
}

// Goal: the non-circular optimisation finds the mechanism a weak seam offers, which no circle
// can follow. Setup: the ACADS face on a stronger soil (c′ = 10 kPa, φ′ = 30°) with a 0.5 m seam
// (c′ = 0, φ′ = 10°) from y = 23.5 to 24 m, below the toe; Spencer; circles tangent to y 20–30 m.
// Reference (physical): a surface sliding along the seam is markedly weaker — F_noncircular below
// 90 % of F_circle — and the optimised surface's lowest vertices lie in or at the seam.
#[test]
fn noncircular_surface_follows_a_weak_seam() {
    let strong = Material::mohr_coulomb("soil", 20e3, 10e3, 30f64.to_radians());
    let weak = Material::mohr_coulomb("seam", 20e3, 0.0, 10f64.to_radians());
    let rect = |z0: f64, z1: f64| pts(&[(0.0, z0), (90.0, z0), (90.0, z1), (0.0, z1)], 1.0);
    let top = pts(
        &[(0.0, 24.0), (90.0, 24.0), (90.0, 35.0), (50.0, 35.0), (30.0, 25.0), (0.0, 25.0)],
        1.0,
    );
    let zones = vec![
        Zone { polygon: rect(20.0, 23.5), material: 0 },
        Zone { polygon: rect(23.5, 24.0), material: 1 },
        Zone { polygon: top, material: 0 },
    ];
    let p = SlopeProblem::dry(SlopeModel::new(vec![strong, weak], zones).unwrap());
    let mut s = acads_search(Method::Spencer);
    s.noncircular = Some(NonCircular::default());
    let r = search(&p, &s).unwrap();
    let nc = r.noncircular.expect("optimised surface");
    println!("seam: circle {:.4}, non-circular {:.4}, {:?}", r.critical.fos, nc.fos, nc.surface);
    assert!(nc.fos < 0.9 * r.critical.fos, "{} vs {}", nc.fos, r.critical.fos);
    let SlipSurface::Polyline { points } = &nc.surface else { panic!("polyline expected") };
    let lowest = points.iter().map(|q| q.z).fold(f64::INFINITY, f64::min);
    assert!((23.4..=24.1).contains(&lowest), "lowest vertex at {lowest}");
}
