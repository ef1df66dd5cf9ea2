//! Integration tests: the dam breach structure (growth, weir flow, submergence, the Ritter
//! check), its triggers and the breach regressions (values worked by hand in
//! scenarios/verification/b1_breach_regressions/definition.md).

use tailtwin::pond::structures::breach::regressions::*;
use tailtwin::pond::structures::*;
use tailtwin_core::{Elevation, G, Regime};

fn breach(formation_s: f64, progression: Progression) -> Breach {
    let geometry = BreachGeometry {
        final_bottom: Elevation(330.0),
        final_bottom_width_m: 10.0,
        side_slope: 1.0,
        formation_time_s: formation_s,
        progression,
    };
    Breach::new("breach", Elevation(372.0), geometry, 3600.0).expect("valid breach")
}

fn rel(a: f64, b: f64) -> f64 {
    (a / b - 1.0).abs()
}

// Goal: the breach passes the broad-crested trapezoid law with the stated coefficients.
// Setup: final breach (bottom 330 m, b = 10 m, side slope 1), stage 333 m (H = 3 m).
// Reference: Q = 1.704895 · 10 · 3^1.5 + 1.267782 · 1 · 3^2.5 = 108.351699 m³/s (by hand,
// definition.md). Tolerance 1e-12 relative (same arithmetic, round-off only).
#[test]
fn breach_weir_flow_matches_hand_computed_trapezoid() {
    let b = breach(0.0, Progression::Linear);
    let q = b.discharge(Elevation(333.0), 4000.0);
    assert!(rel(q.flow_m3s, 108.351_698_978_277_82) < 1e-12, "{}", q.flow_m3s);
    assert_eq!(q.regime, Regime::Weir);
    assert_eq!(b.discharge(Elevation(333.0), 3599.0).flow_m3s, 0.0, "nothing before t0");
    assert_eq!(b.discharge(Elevation(329.0), 4000.0).flow_m3s, 0.0, "dry below the bottom");
    assert!(b.discharge(Elevation(f64::NAN), 4000.0).flow_m3s.is_nan());
    let s: Structure = b.clone().into();
    assert_eq!(s.kind(), "breach");
    let half = s.with_condition(Condition::Blocked { remaining: 0.5 }).expect("condition");
    assert!(rel(half.discharge(Elevation(333.0), 4000.0).flow_m3s, 0.5 * q.flow_m3s) < 1e-15);
}

// Goal: the breach grows from the notch at the crest to its final size over t_f, linearly or
// along the sine curve, and its flow is non-decreasing in stage and in time while it grows.
// Setup: t0 = 3600 s, t_f = 1800 s, stage 360 m. Reference: p(½) = ½ for both
// progressions, p(¼) = ¼ (linear) and (1 − cos(π/4))/2 = 0.146447 (sine); bottom
// 372 − 42 p, width 10 p. Tolerance 1e-12.
#[test]
fn breach_grows_from_notch_to_final_size() {
    for (prog, quarter) in
        [(Progression::Linear, 0.25), (Progression::Sine, 0.146_446_609_406_726_24)]
    {
        let b = breach(1800.0, prog);
        let (bottom, width) = b.shape_at(3600.0 + 450.0).expect("started");
        assert!((bottom.m() - (372.0 - 42.0 * quarter)).abs() < 1e-12);
        assert!((width - 10.0 * quarter).abs() < 1e-12);
        let (bottom, _) = b.shape_at(3600.0 + 900.0).expect("started");
        assert!((bottom.m() - 351.0).abs() < 1e-12);
        assert_eq!(b.shape_at(9000.0), Some((Elevation(330.0), 10.0)));
        let mut last = 0.0;
        for k in 0..=40 {
            let q = b.discharge(Elevation(360.0), 3600.0 + 45.0 * k as f64).flow_m3s;
            assert!(q >= last, "flow fell while the breach grew");
            last = q;
        }
        let mut last = 0.0;
        for k in 0..=100 {
            let q = b.discharge(Elevation(330.0 + 0.5 * k as f64), 4500.0).flow_m3s;
            assert!(q >= last);
            last = q;
        }
    }
}

// Goal: the Ritter check — state what the weir law gives for an instantaneous full-width
// breach of a prismatic reservoir and that the Ritter coefficients reproduce (8/27)√g h^1.5.
// Setup: rectangular breach (side slope 0) of width 100 m, bottom at the reservoir bed 0 m,
// instantaneous, stage h = 10 m.
// Reference: Ritter q = (8/27)√g h^1.5 = 29.3468 m²/s; the still-pool weir law gives
// (2/3)^1.5 √g h^1.5, 27/8 · (2/3)^1.5 = 1.83712 times more (module docs, breach.rs).
// The 2D solver reproduces Ritter's dam-site discharge to 0.01 %
// (tests/inundation.rs::ritter_dam_site_discharge_is_eight_twenty_sevenths).
// Tolerance 1e-12 relative (closed forms).
#[test]
fn instantaneous_full_width_breach_against_ritter() {
    let geometry = BreachGeometry {
        final_bottom: Elevation(0.0),
        final_bottom_width_m: 100.0,
        side_slope: 0.0,
        formation_time_s: 0.0,
        progression: Progression::Linear,
    };
    let weir = Breach::new("full", Elevation(12.0), geometry, 0.0).expect("breach");
    let ritter = weir.clone().with_coefficients(WeirCoefficients::RITTER).expect("coefficients");
    let h: f64 = 10.0;
    let q_ritter = 8.0 / 27.0 * G.sqrt() * h.powf(1.5);
    let q_weir = weir.discharge(Elevation(h), 0.0).flow_m3s / 100.0;
    let q_r = ritter.discharge(Elevation(h), 0.0).flow_m3s / 100.0;
    assert!(rel(q_r, q_ritter) < 1e-12, "{q_r} vs {q_ritter}");
    assert!(rel(q_weir / q_ritter, 27.0 / 8.0 * (2.0f64 / 3.0).powf(1.5)) < 1e-12);
    assert!(rel(q_weir / q_ritter, 1.837_117_307) < 1e-9);
}

// Goal: Fread's submergence factor reduces the flow under a tailwater, continuously, and stops
// it when the tailwater reaches the pond. Reference: r = 0.8 → 1 − 27.8 · 0.13³ = 0.9389234;
// r ≤ 0.67 → 1. Tolerance 1e-12.
#[test]
fn tailwater_submerges_the_breach_by_freads_factor() {
    let free = breach(0.0, Progression::Linear);
    let drowned = free.clone().with_tailwater(Elevation(338.0)).expect("tailwater");
    let (z, t) = (340.0, 4000.0); // H = 10 m, tailwater 8 m above the bottom: r = 0.8
    let ratio =
        drowned.discharge(Elevation(z), t).flow_m3s / free.discharge(Elevation(z), t).flow_m3s;
    assert!((ratio - 0.938_923_4).abs() < 1e-12, "{ratio}");
    assert_eq!(breach::fread_submergence(0.5), 1.0);
    assert_eq!(drowned.discharge(Elevation(338.0), t).flow_m3s, 0.0);
    assert!((breach::fread_submergence(0.670_000_1) - 1.0).abs() < 1e-12);
}

// Goal: triggers resolve to the initiation time on a routed stage series.
// Setup: a stage hydrograph rising 1 m/h from 370 m at t = 0, peaking at 373 m at 3 h and
// falling back. Reference (by hand): crest 372 m + 0.2 m depth is first reached at 2.2 h;
// lasting 30 min → t0 = 2.7 h = 9720 s; piping at level 371.5 m → 1.5 h = 5400 s; a 3 h
// overtopping duration never happens (the stage is above 372.2 m for 1.6 h) → None.
// Tolerance 1e-9 s (linear interpolation is exact on a piecewise-linear series).
#[test]
fn triggers_resolve_to_initiation_times() {
    let time: Vec<f64> = (0..=12).map(|k| k as f64 * 1800.0).collect();
    let stage: Vec<f64> = time.iter().map(|t| 373.0 - (t / 3600.0 - 3.0).abs()).collect();
    let crest = Elevation(372.0);
    let ot = BreachTrigger::Overtopping { crest, depth_m: 0.2, duration_s: 1800.0 };
    let t0 = resolve_trigger(&ot, &time, &stage).expect("valid").expect("fires");
    assert!((t0 - 9720.0).abs() < 1e-9, "{t0}");
    let pipe = BreachTrigger::PipingAtLevel { level: Elevation(371.5) };
    assert!((resolve_trigger(&pipe, &time, &stage).unwrap().unwrap() - 5400.0).abs() < 1e-9);
    let long = BreachTrigger::Overtopping { crest, depth_m: 0.2, duration_s: 3.0 * 3600.0 };
    assert_eq!(resolve_trigger(&long, &time, &stage).unwrap(), None);
    let drill = BreachTrigger::Forced { time_s: 7200.0 };
    assert_eq!(resolve_trigger(&drill, &time, &stage).unwrap(), Some(7200.0));
    // A breach built from the resolved time passes nothing before it: the route up to t0
    // is the route without the breach.
    let b = breach(1800.0, Progression::Sine).with_initiation(t0).expect("t0");
    assert_eq!(b.discharge(Elevation(372.9), t0 - 1e-6).flow_m3s, 0.0);
    // Bad series are typed errors, not panics.
    assert!(resolve_trigger(&ot, &time[..3], &stage).is_err());
    let mut nan = stage.clone();
    nan[4] = f64::NAN;
    assert!(resolve_trigger(&ot, &time, &nan).is_err());
    assert!(
        resolve_trigger(
            &BreachTrigger::Overtopping { crest, depth_m: -1.0, duration_s: 0.0 },
            &time,
            &stage
        )
        .is_err()
    );
}

// Goal: invalid breach geometry is rejected with the offending values.
#[test]
fn breach_rejects_invalid_geometry() {
    let mut g = BreachGeometry {
        final_bottom: Elevation(380.0),
        final_bottom_width_m: 10.0,
        side_slope: 1.0,
        formation_time_s: 600.0,
        progression: Progression::Linear,
    };
    assert!(matches!(
        Breach::new("b", Elevation(372.0), g, 0.0),
        Err(StructureError::CrownNotAboveBase { .. })
    ));
    g.final_bottom = Elevation(330.0);
    g.side_slope = -1.0;
    assert!(matches!(
        Breach::new("b", Elevation(372.0), g, 0.0),
        Err(StructureError::OutOfRange { value, .. }) if value == -1.0
    ));
    g.side_slope = 0.0;
    g.final_bottom_width_m = 0.0;
    assert!(Breach::new("b", Elevation(372.0), g, 0.0).is_err());
    g.final_bottom_width_m = 10.0;
    let b = Breach::new("b", Elevation(372.0), g, 0.0).unwrap();
    assert!(b.clone().with_initial_notch(Elevation(373.0), 1.0).is_err());
    assert!(b.with_initial_notch(Elevation(370.0), 11.0).is_err());
}

// Goal: the breach regressions reproduce values worked by hand (definition.md of
// b1_breach_regressions) exactly as the reference formulas are written.
// Setup: V_w = 2.4e7 m³, h_b = 40 m, h_w = 36 m; MLM bottom width with crest 8 m, faces 2.5
// and 3 H:V, side slope 0.5; tailings V_T = 1.5e7 m³, H = 40 m.
// Tolerance 1e-12 relative (closed forms evaluated in the same order).
#[test]
fn breach_regressions_match_hand_computed_values() {
    let (v, hb, hw) = (2.4e7, 40.0, 36.0);
    let ot = froehlich_2008(v, hb, FailureMode::Overtopping).unwrap();
    assert!(rel(ot.average_width_m, 93.552_869_614_307_9) < 1e-12);
    assert!(rel(ot.bottom_width_m, 53.552_869_614_307_9) < 1e-12);
    assert!(rel(ot.formation_time_s, 2_471.315_562_938_249) < 1e-12);
    assert_eq!(ot.side_slope, 1.0);
    let pipe = froehlich_2008(v, hb, FailureMode::Piping).unwrap();
    assert!(rel(pipe.average_width_m, 71.963_745_857_159_92) < 1e-12);
    assert!(rel(pipe.bottom_width_m, 43.963_745_857_159_92) < 1e-12);
    let f16 = froehlich_2016_peak(v, hw, hb, ot.average_width_m, FailureMode::Overtopping).unwrap();
    assert!(rel(f16, 15_592.790_940_626_477) < 1e-12, "{f16}");
    let f16p = froehlich_2016_peak(v, hw, hb, pipe.average_width_m, FailureMode::Piping).unwrap();
    assert!(rel(f16p, 9_610.009_210_384_203) < 1e-12);
    assert!(rel(froehlich_1995_peak(v, hw).unwrap(), 7_765.440_713_002_114_5) < 1e-12);
    let mlm = mlm_1984(v, hw).unwrap();
    assert!(rel(mlm.eroded_volume_m3, 194_455.206_283_225_56) < 1e-12);
    assert!(rel(mlm.formation_time_s, 1.506_549_329_098_501_3 * 3600.0) < 1e-12);
    assert!(rel(mlm.peak_outflow_m3s, 5_546.888_942_734_48) < 1e-12);
    let b = bottom_width_from_eroded_volume(mlm.eroded_volume_m3, hb, 8.0, 2.5, 3.0, 0.5).unwrap();
    assert!(rel(b, 27.412_826_189_948_92) < 1e-12);
    let rico = rico_2008(1.5e7).unwrap();
    assert!(rel(rico.released_volume_m3, 5.455_762_214_826_319e6) < 1e-12);
    assert!(rel(rico.runout_m, 52_466.002_629_888_83) < 1e-12);
    let ll = larrauri_lall_2018(1.5e7, 40.0).unwrap();
    assert!(rel(ll.released_volume_m3, 4.349_354_229_019_829e6) < 1e-12);
    assert!(rel(ll.h_f.unwrap(), 50.445_019_225_315_31) < 1e-12);
    assert!(rel(ll.runout_m, 25_757.846_614_369_79) < 1e-12);
    assert_eq!(ll.confidence, tailtwin_core::Confidence::Recalled);
    let band = PeakFlowBand::new(v, hw, hb, ot.average_width_m, FailureMode::Overtopping).unwrap();
    assert_eq!(band.range_m3s(), (mlm.peak_outflow_m3s, f16));
    assert!(froehlich_2008(-1.0, hb, FailureMode::Piping).is_err());
    assert!(rico_2008(f64::NAN).is_err());
}
