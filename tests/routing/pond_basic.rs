//! pond_basic (R4): SWMM/ODE references, events, peaks, overtopping, beach and thresholds.

use super::*;

// Goal: pond_basic routed with SWMM's outlet equations reproduces the independent ODE reference
// and EPA SWMM 5.2.4 (R4). Setup: cases/pond_basic.json: linear-area table, start depth 3 m,
// triangular inflow 0 → 60 m³/s (3 h) → 0 (12 h), SWMM side orifice (D 1.5 m, C_d 0.6, invert
// +2 m) and transverse weir (L 10 m, C_w 1.70, crest +7 m), g = 9.81456, 24 h.
// Reference (verification.md): ODE (LSODA, rtol 1e-10) peak depth 8.62517 m at 5.0089 h, peak
// outflow 46.6069 m³/s, final depth 2.71604 m; SWMM 8.62503 m at 5.0092 h.
// Tolerance: the bar, 0.05 % on peak depth, at the default settings (what users run);
// at rtol 1e-9 the published rounding: 1e-5 m on depths, 1e-4 h, 1e-3 m³/s (6 significant
// digits of the reference, plus dQ/dz·1e-5 m ≈ 3e-4 m³/s for the flow).
#[test]
fn pond_basic_matches_swmm_and_ode_reference() {
    let (pond, orifice, weir, inflow) = pond_basic(60.0);
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let default = RoutingSettings { end_time_s: Some(86_400.0), ..RoutingSettings::default() };
    let r = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &default).unwrap();
    let peak_depth = r.peak_stage_m - 100.0;
    eprintln!(
        "R4 default: peak depth {peak_depth:.6} m at {:.5} h, peak outflow {:.5} m3/s, final depth \
         {:.6} m, mass balance {:.2e} %, {} steps, {} rejected, {} evaluations",
        r.time_of_peak_stage_s / 3600.0,
        r.peak_outflow_m3s,
        depth_at_end(&r),
        r.mass_balance.error_pct,
        r.diagnostics.steps,
        r.diagnostics.rejected_steps,
        r.diagnostics.evaluations
    );
    assert!((peak_depth - 8.62517).abs() <= 5e-4 * 8.62517, "default peak depth {peak_depth}");
    assert_mass_balance(&r);

    let tight = RoutingSettings { rtol: 1e-9, atol_m3: 1e-6, ..default };
    let r = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &tight).unwrap();
    let peak_depth = r.peak_stage_m - 100.0;
    eprintln!(
        "R4 rtol 1e-9: peak depth {peak_depth:.6} m at {:.5} h, peak outflow {:.5} m3/s at {:.5} \
         h, final depth {:.6} m, mass balance {:.2e} %",
        r.time_of_peak_stage_s / 3600.0,
        r.peak_outflow_m3s,
        r.time_of_peak_outflow_s / 3600.0,
        depth_at_end(&r),
        r.mass_balance.error_pct
    );
    assert!((peak_depth - 8.62517).abs() < 1e-5, "peak depth {peak_depth}");
    assert!((r.time_of_peak_stage_s / 3600.0 - 5.0089).abs() < 1e-4, "{}", r.time_of_peak_stage_s);
    assert!((r.peak_outflow_m3s - 46.6069).abs() < 1e-3, "peak outflow {}", r.peak_outflow_m3s);
    assert!((depth_at_end(&r) - 2.71604).abs() < 1e-5, "final depth {}", depth_at_end(&r));
    assert!((r.peak_inflow_m3s - 60.0).abs() < 1e-12 && r.time_of_peak_inflow_s == 10_800.0);
    assert!(!r.overtopped && r.overtopping_volume_m3 == 0.0);
    assert_mass_balance(&r);
}

// Goal: every event lands where its level is and events come in time order, with the regimes
// SWMM's outlets pass through. Setup: R4 at default settings. Reference: the orifice crown
// (103.5 m) and the weir crest (107 m) are crossed rising then falling; the stage at each event
// time equals the level. Tolerance: 1e-9 m — the landing step is polished by Newton until its
// end storage is within 1e-12 relative (+1e-3 atol) of the level's, i.e. ~1e-11 m of stage here;
// 1e-9 leaves room for the stage inverse's round-off.
#[test]
fn events_are_located_on_their_levels_in_order() {
    let (pond, orifice, weir, inflow) = pond_basic(60.0);
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let s = RoutingSettings { end_time_s: Some(86_400.0), ..RoutingSettings::default() };
    let r = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &s).unwrap();
    let ev = &r.diagnostics.events;
    assert!(ev.windows(2).all(|w| w[0].time_s <= w[1].time_s));
    let levels: Vec<f64> = ev
        .iter()
        .map(|e| {
            assert_eq!(e.kind, EventKind::RegimeChange, "{}", e.detail);
            let i = r.time_s.iter().position(|&t| t == e.time_s).unwrap();
            r.stage_m[i]
        })
        .collect();
    let expected = [103.5, 107.0, 107.0, 103.5];
    assert_eq!(levels.len(), 4, "{ev:?}");
    for (z, want) in levels.iter().zip(expected) {
        eprintln!("event stage {z} vs level {want}: {:.2e} m", z - want);
        assert!((z - want).abs() < 1e-9, "event stage {z} vs {want}");
    }
    assert!(
        ev[0].detail.contains("ORIF1")
            && ev[0].detail.contains("Weir")
            && ev[0].detail.contains("-> Orifice")
    );
    assert!(ev[1].detail.contains("SPILL") && ev[1].detail.contains("rising"));
}

// Goal: modified Puls at an HEC-HMS-like step reproduces R4. Setup: pond_basic, Δt = 60 s.
// Reference: ODE peak depth 8.62517 m (verification.md R4). Tolerance: the 0.05 %;
// the trapezoidal error at 60 s is O(Δt²·S''') — measured value printed.
#[test]
fn modified_puls_matches_pond_basic_at_one_minute() {
    let (pond, orifice, weir, inflow) = pond_basic(60.0);
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let s = RoutingSettings {
        end_time_s: Some(86_400.0),
        method: Method::ModifiedPuls { step_s: 60.0 },
        ..RoutingSettings::default()
    };
    let r = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &s).unwrap();
    let peak_depth = r.peak_stage_m - 100.0;
    eprintln!(
        "R4 modified Puls 60 s: peak depth {peak_depth:.6} m at {:.5} h, final depth {:.6} m, {} steps",
        r.time_of_peak_stage_s / 3600.0,
        depth_at_end(&r),
        r.diagnostics.steps
    );
    assert!((peak_depth - 8.62517).abs() <= 5e-4 * 8.62517, "peak depth {peak_depth}");
    assert_mass_balance(&r);
}

// Goal: the peak of a time-varying outlet's flow, which does not coincide with the peak stage,
// is located between the integrator's steps, and so is the peak of the total outflow.
// Setup: pond_basic table and inflow with one small gate Q = 2 (1 + t/6 h) √(z − 101) m³/s
// (the pond overtops its 110 m crest, 50 m long), 24 h, default settings, report every second.
// Reference: the same run's 1 s samples: each located peak is at least the largest sample and
// exceeds it by no more than the flow's curvature over half a second (|Q''|·0.5²/2 < 1e-6
// m³/s here). The gate's flow peaks after the stage (it keeps opening while the level falls).
#[test]
fn time_varying_outlet_peak_is_located_between_steps() {
    let (pond, _, _, inflow) = pond_basic(60.0);
    let gate = OpeningGate { centroid: 101.0, c: 2.0, tau: 6.0 * 3600.0 };
    let s = RoutingSettings {
        end_time_s: Some(86_400.0),
        report_interval_s: 1.0,
        ..RoutingSettings::default()
    };
    let r = route(&pond, &[&gate], &inflow, &Hyetograph::dry(), &s).unwrap();
    let max = |v: &mut dyn Iterator<Item = f64>| v.fold(f64::NEG_INFINITY, f64::max);
    let sampled_total = max(&mut r.outflow_m3s.iter().zip(&r.overtopping_m3s).map(|(a, b)| a + b));
    let sampled_gate = max(&mut r.structures[0].flow_m3s.iter().copied());
    let located_total = r.peak_outflow_m3s;
    let located_gate = r.structures[0].peak_flow_m3s;
    for (located, sampled) in [(located_total, sampled_total), (located_gate, sampled_gate)] {
        assert!(located >= sampled - 1e-12 && located - sampled < 1e-6, "{located} vs {sampled}");
    }
    assert!(r.overtopped);
    assert!(r.structures[0].time_of_peak_s > r.time_of_peak_stage_s + 600.0);
    assert_mass_balance(&r);
}

// Goal: the beach crest and a maximum allowed level are events too, and freeboard and beach
// length follow the dam type. Setup: R4 as an upstream-method pond with beach crest 108.5 m
// (slope 0.01) and maximum allowed level 108.0 m; the peak (108.625 m) floods the beach.
// Reference: events in order max-level rising, beach submerged, beach re-emerging, max-level
// falling; min freeboard = 108.5 − peak stage (upstream: from the beach crest), min beach
// length 0; the beach-length series is (108.5 − z)/0.01 below the crest. Tolerance: round-off.
#[test]
fn beach_and_threshold_events_and_upstream_freeboard() {
    let (pond, orifice, weir, inflow) = pond_basic(60.0);
    let beach = Beach::from_slope(Elevation(108.5), 0.01).unwrap();
    let dam = Dam::new(Elevation(110.0), 50.0, DamType::Upstream);
    let pond = Pond::new(pond.storage().clone(), dam, beach, Elevation(103.0))
        .unwrap()
        .with_max_allowed_level(Elevation(108.0))
        .unwrap();
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let s = RoutingSettings { end_time_s: Some(86_400.0), ..RoutingSettings::default() };
    let r = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &s).unwrap();
    let kinds: Vec<EventKind> = r
        .diagnostics
        .events
        .iter()
        .map(|e| e.kind)
        .filter(|k| *k != EventKind::RegimeChange)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::ThresholdCrossed,
            EventKind::BeachSubmerged,
            EventKind::ThresholdCrossed,
            EventKind::ThresholdCrossed
        ]
    );
    assert!((r.min_freeboard_m - (108.5 - r.peak_stage_m)).abs() < 1e-12);
    assert!(r.min_freeboard_m < 0.0 && r.min_beach_length_m == 0.0);
    for (z, l) in r.stage_m.iter().zip(&r.beach_length_m) {
        let want = ((108.5 - z) / 0.01).max(0.0);
        assert!((l - want).abs() < 1e-9, "stage {z}: beach {l} vs {want}");
    }
    assert!(!r.overtopped);
    assert_mass_balance(&r);
}

// Goal: extremes come from the integrator, not the output grid. Setup: R4 reported every 60 s
// and every 3 h. Reference: identical integration, so the peaks must agree to round-off.
#[test]
fn peaks_do_not_depend_on_report_interval() {
    let (pond, orifice, weir, inflow) = pond_basic(60.0);
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let run = |dt| {
        let s = RoutingSettings {
            end_time_s: Some(86_400.0),
            report_interval_s: dt,
            ..RoutingSettings::default()
        };
        route(&pond, &outlets, &inflow, &Hyetograph::dry(), &s).unwrap()
    };
    let (fine, coarse) = (run(60.0), run(10_800.0));
    assert_eq!(fine.peak_stage_m, coarse.peak_stage_m);
    assert_eq!(fine.time_of_peak_stage_s, coarse.time_of_peak_stage_s);
    assert_eq!(fine.peak_outflow_m3s, coarse.peak_outflow_m3s);
    assert!(coarse.time_s.len() < 30 && fine.time_s.len() > 1440);
    // The sampled series never exceed the located peak.
    assert!(fine.stage_m.iter().all(|&z| z <= fine.peak_stage_m + 1e-12));
}

// Goal: an inflow beyond the discharge capacity overtops the dam; the run flags it, counts the
// volume over the crest and keeps the balance exact. Setup: pond_basic with a 400 m³/s peak,
// dam crest 110 m, crest length 50 m, C_w 1.70. Reference: the overtopping volume equals the
// integral of the overtopping series sampled every 10 s (trapezoid), and the overtopping time
// equals the span between the start and end events. Tolerance: 1e-3 relative for the sampled
// integral (trapezoid error of a smooth hydrograph at 10 s; events are in the sample set).
#[test]
fn overtopping_is_flagged_and_its_volume_counted() {
    let (pond, orifice, weir, inflow) = pond_basic(400.0);
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let s = RoutingSettings {
        end_time_s: Some(86_400.0),
        report_interval_s: 10.0,
        ..RoutingSettings::default()
    };
    let r = route(&pond, &outlets, &inflow, &Hyetograph::dry(), &s).unwrap();
    assert!(r.overtopped && r.peak_stage_m > 110.0);
    assert!(r.min_freeboard_m < 0.0 && r.min_beach_length_m == 0.0);
    let start =
        r.diagnostics.events.iter().find(|e| e.kind == EventKind::OvertoppingStart).unwrap();
    let end = r.diagnostics.events.iter().find(|e| e.kind == EventKind::OvertoppingEnd).unwrap();
    assert!(start.time_s < r.time_of_peak_stage_s && r.time_of_peak_stage_s < end.time_s);
    assert!((r.overtopping_duration_s - (end.time_s - start.time_s)).abs() < 1e-9);
    let sampled: f64 = r
        .time_s
        .windows(2)
        .zip(r.overtopping_m3s.windows(2))
        .map(|(t, q)| 0.5 * (q[0] + q[1]) * (t[1] - t[0]))
        .sum();
    assert!(r.overtopping_volume_m3 > 1e5);
    assert!((sampled - r.overtopping_volume_m3).abs() < 1e-3 * r.overtopping_volume_m3);
    let over = r.mass_balance.outflows.iter().find(|v| v.name == "overtopping").unwrap();
    assert_eq!(over.volume_m3, r.overtopping_volume_m3);
    assert!(r.diagnostics.warnings.iter().any(|w| w.contains("OVERTOPPING")));
    // The table ends at the crest: the run says it used the vertical-wall extrapolation.
    assert!(r.diagnostics.warnings.iter().any(|w| w.contains("above the stage-storage table")));
    assert_mass_balance(&r);
}
