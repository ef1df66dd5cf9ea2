//! Empty pond, rain on the pond, determinism, errors and the stage–storage inverse.

use super::*;
use proptest::prelude::*;

// Goal: an outlet that can draw more than the pond holds empties it and then passes only what
// flows in; storage never goes negative and the balance stays exact. Setup: prism A = 10⁴ m²,
// h₀ = 1 m (10⁴ m³), constant draw 2 m³/s, inflow 0.5 m³/s for 10 h. Reference: empty at
// t = 10⁴/(2 − 0.5) = 6666.67 s; afterwards the draw passes 0.5 m³/s; total drawn =
// 10⁴ + 0.5·36 000 m³. Tolerance: 1e-3 s on the emptying time (linear approach, root found on the
// dense output to round-off), 1e-6 relative on volumes.
#[test]
fn empty_pond_limits_outflow_to_what_is_there() {
    let pond = prism(1e4, 0.0, 10.0, 1.0);
    let draw = ConstantDraw { q: 2.0 };
    let end = 36_000.0;
    let q_in = Hydrograph::new(vec![0.0, end], vec![0.5, 0.5]).unwrap();
    let r = route(&pond, &[&draw], &q_in, &Hyetograph::dry(), &settings(1e-8, end, 600.0)).unwrap();
    let empty = r.diagnostics.events.iter().find(|e| e.detail.contains("pond empty")).unwrap();
    assert!((empty.time_s - 1e4 / 1.5).abs() < 1e-3, "{}", empty.time_s);
    assert!(r.storage_m3.iter().all(|&s| s >= 0.0));
    let i = r.time_s.iter().position(|&t| t == 30_000.0).unwrap();
    assert!((r.outflow_m3s[i] - 0.5).abs() < 1e-12 && r.storage_m3[i] == 0.0);
    let drawn = r.structures[0].volume_m3;
    assert!((drawn - (1e4 + 0.5 * end)).abs() < 1e-6 * drawn, "drawn {drawn}");
    assert_mass_balance(&r);
}

// Goal: rain on the pond adds r·(A(h) + extra) to storage. Setup: closed prism A = 10⁴ m²
// (no outlets), 50 mm in two 30-min blocks (20 + 30 mm), extra beach area 2500 m², 2 h.
// Reference: ΔS = 0.05 m × 12 500 m² = 625 m³ exactly (prism, runoff coefficient 1).
// Tolerance: 1e-9 relative (round-off; the forcing is piecewise constant and steps land on it).
#[test]
fn rain_on_pond_adds_depth_times_area() {
    let pond = prism(1e4, 0.0, 10.0, 2.0)
        .with_rain_area(RainArea::WaterSurface { extra_m2: 2500.0 })
        .unwrap();
    let rain = Hyetograph::new(600.0, 1800.0, vec![20.0, 30.0]).unwrap();
    let r = route(&pond, &[], &Hydrograph::zero(), &rain, &settings(1e-8, 7200.0, 300.0)).unwrap();
    let gained = r.storage_m3[r.storage_m3.len() - 1] - r.storage_m3[0];
    assert!((gained - 625.0).abs() < 1e-9 * 625.0, "gained {gained}");
    let rain_term = r.mass_balance.inflows.iter().find(|v| v.name == "rain_on_pond").unwrap();
    assert!((rain_term.volume_m3 - 625.0).abs() < 1e-9 * 625.0);
    // Intensity while it rains: 20 mm / 1800 s over 12 500 m².
    let i = r.time_s.iter().position(|&t| t == 1200.0).unwrap();
    assert!((r.rain_on_pond_m3s[i] - 0.020 / 1800.0 * 12_500.0).abs() < 1e-12);
    assert_mass_balance(&r);
}

// Goal: rain on a non-prismatic closed pond raises the level by exactly the rain depth (dS/dt
// = r A(h) and dS/dh = A(h) give dh/dt = r whatever the shape). Setup: pond_basic table (area
// 20 000 → 120 000 m²), start 103 m, no outlets, 100 mm in 1 h (then dry), 2 h.
// Reference: final stage 103.1 m; stored volume V(103.1) − V(103). Tolerance: 1e-9 m (the
// adaptive solution of a smooth problem at rtol 1e-8; measured round-off).
#[test]
fn rain_raises_any_pond_by_the_rain_depth() {
    let (pond, _, _, _) = pond_basic(0.0);
    let rain = Hyetograph::new(0.0, 3600.0, vec![100.0]).unwrap();
    let r = route(&pond, &[], &Hydrograph::zero(), &rain, &settings(1e-8, 7200.0, 600.0)).unwrap();
    let end = r.stage_m[r.stage_m.len() - 1];
    assert!((end - 103.1).abs() < 1e-9, "final stage {end}");
    assert!((stage_at(&r, 1800.0) - 103.05).abs() < 1e-9);
    let gained =
        pond.storage().volume_at(Elevation(103.1)) - pond.storage().volume_at(Elevation(103.0));
    let rain_term = r.mass_balance.inflows.iter().find(|v| v.name == "rain_on_pond").unwrap();
    assert!((rain_term.volume_m3 - gained).abs() < 1e-8 * gained);
    assert_mass_balance(&r);
}

// Goal: forcing built on different time grids whose breakpoints meet a few ulp apart (a unit
// hydrograph point at 1800 + 2.3e-12 s beside a rain boundary at 1800 s) routes normally instead of
// driving the step size to zero. Setup: prism 10⁴ m², no outlets, 20 mm rain in 30-min blocks, an
// inflow ramp with a vertex 2.3e-12 s after the rain boundary, 2 h. Reference: stored volume gain =
// inflow volume + rain volume. Tolerance: the merged 2.3e-12 s piece changes the inflow volume by
// at most Q·2.3e-12 s ≈ 1e-11 m³; 1e-9 relative covers that and round-off.
#[test]
fn near_coincident_breakpoints_are_merged() {
    let pond = prism(1e4, 0.0, 10.0, 2.0);
    let rain = Hyetograph::new(0.0, 1800.0, vec![20.0, 0.0, 20.0, 0.0]).unwrap();
    let t_off = 1_800.000_000_000_002_3;
    let inflow =
        Hydrograph::new(vec![0.0, 900.0, t_off, 7200.0], vec![0.0, 5.0, 7.0, 0.0]).unwrap();
    let r = route(&pond, &[], &inflow, &rain, &settings(1e-8, 7200.0, 600.0)).unwrap();
    let gained = r.storage_m3[r.storage_m3.len() - 1] - r.storage_m3[0];
    let expected = inflow.volume_m3() + 0.040 * 1e4;
    assert!((gained - expected).abs() < 1e-9 * expected, "gained {gained}, expected {expected}");
    assert_mass_balance(&r);
}

// Goal: a run is a pure function of its inputs (no hidden state): two runs are identical.
#[test]
fn routing_is_deterministic() {
    let (pond, orifice, weir, inflow) = pond_basic(60.0);
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let s = RoutingSettings { end_time_s: Some(86_400.0), ..RoutingSettings::default() };
    let a = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &s).unwrap();
    let b = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &s).unwrap();
    assert_eq!(a, b);
}

// Goal: user input never panics; a structure returning NaN and bad settings give typed errors.
#[test]
fn bad_outlets_and_settings_are_errors() {
    let pond = prism(1e4, 100.0, 110.0, 104.0);
    let q_in = Hydrograph::new(vec![0.0, 3600.0], vec![50.0, 50.0]).unwrap();
    let err = route(&pond, &[&Broken], &q_in, &Hyetograph::dry(), &RoutingSettings::default());
    assert!(
        matches!(err, Err(RoutingError::BadDischarge { ref structure, .. }) if structure == "broken")
    );
    let bad = RoutingSettings { rtol: f64::NAN, ..RoutingSettings::default() };
    assert!(matches!(
        route(&pond, &[], &q_in, &Hyetograph::dry(), &bad),
        Err(RoutingError::BadSetting { name: "rtol", .. })
    ));
    assert!(matches!(
        route(&pond, &[], &Hydrograph::zero(), &Hyetograph::dry(), &RoutingSettings::default()),
        Err(RoutingError::NoEndTime(_))
    ));
    let capped = RoutingSettings { max_steps: 3, ..RoutingSettings::default() };
    assert!(matches!(
        route(&pond, &[], &q_in, &Hyetograph::dry(), &capped),
        Err(RoutingError::TooManySteps { max_steps: 3, .. })
    ));
    let puls = RoutingSettings {
        method: Method::ModifiedPuls { step_s: -1.0 },
        ..RoutingSettings::default()
    };
    assert!(matches!(
        route(&pond, &[], &q_in, &Hyetograph::dry(), &puls),
        Err(RoutingError::BadSetting { name: "method.step_s", .. })
    ));
    // A report interval giving more than 10⁷ output rows is refused before anything is
    // allocated (found by a sweep: `report_interval_min = 1e-300` asked for 8 GiB).
    let tiny = RoutingSettings { report_interval_s: 1e-300, ..RoutingSettings::default() };
    assert!(matches!(
        route(&pond, &[], &q_in, &Hyetograph::dry(), &tiny),
        Err(RoutingError::BadSetting { name: "report_interval_s", .. })
    ));
}

/// Strictly increasing elevations from positive increments.
fn elevations(base: f64, steps: &[f64]) -> Vec<f64> {
    let mut z = vec![base];
    for d in steps {
        z.push(z[z.len() - 1] + d);
    }
    z
}

proptest! {
    // Goal: the inverse stage(volume) is exact: stage(volume(z)) == z for random monotone tables
    // of each kind. Setup: 2–12 rows, increments 0.1–20 m, areas 0–10⁶ m² (top > 0), volumes
    // from random non-negative increments. Tolerance: 1e-9 m relative to the table height
    // (round-off of the closed-form quadratic / Newton on the cubic, ~1e-13 measured).
    #[test]
    fn stage_inverts_volume_on_random_tables(
        rows in prop::collection::vec((0.1f64..20.0, 0.0f64..1e6, 1.0f64..1e7), 1..12),
        fractions in prop::collection::vec(0.0f64..1.0, 1..20),
    ) {
        let dz: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let z = elevations(300.0, &dz);
        let mut areas: Vec<f64> = std::iter::once(0.0).chain(rows.iter().map(|r| r.1)).collect();
        let n = areas.len();
        areas[n - 1] += 1.0;
        let mut volumes = vec![0.0];
        for r in &rows {
            volumes.push(volumes[volumes.len() - 1] + r.2);
        }
        let height = z[n - 1] - z[0];
        let tables = [
            StageStorage::from_areas(&z, &areas).unwrap(),
            StageStorage::from_volumes(&z, &volumes).unwrap(),
        ];
        for t in &tables {
            for f in &fractions {
                let zz = z[0] + f * height;
                let back = t.stage_at(t.volume_at(Elevation(zz))).0;
                prop_assert!((back - zz).abs() <= 1e-9 * height, "{zz} -> {back}");
            }
        }
    }
}
