//! Integration tests: risk_checks — the grade rule, the flood-season check rows, overrides, the
//! pass/fail convention at the limit, the dry-stack 72 h rule and bad input, through the public API
//! of tailtwin-risk on hand-built `RoutedPond`s.

use tailtwin_core::{
    CheckStatus, Confidence, Diagnostics, MassBalance, RoutedPond, Standard, VolumeTerm,
};
use tailtwin_risk::{
    Assessment, CheckSettings, DamType, DrainTime, Edition, Grade, GradeRule, LimitOverrides,
    LimitSet, Period, PondFacts, RiskError, WaterRetaining, assess_grade, drain_time,
    flood_season_checks,
};

/// A routed flood given by its storage series (stage = 300 m + storage / 10⁵ m², a prismatic pond)
/// and its extremes. Mass balance closes exactly (outflow = inflow − storage change).
fn routed(
    time_s: Vec<f64>,
    storage_m3: Vec<f64>,
    min_freeboard: f64,
    min_beach: f64,
) -> RoutedPond {
    let n = time_s.len();
    let stage_m: Vec<f64> = storage_m3.iter().map(|s| 300.0 + s / 1.0e5).collect();
    let (i_peak, peak_stage) = stage_m
        .iter()
        .copied()
        .enumerate()
        .fold((0, f64::MIN), |best, (i, z)| if z > best.1 { (i, z) } else { best });
    let (s0, s1) = (storage_m3[0], storage_m3[n - 1]);
    let inflow = 1.0e6;
    let mass_balance = MassBalance::new(
        s0,
        s1,
        vec![VolumeTerm { name: "inflow".into(), volume_m3: inflow }],
        vec![VolumeTerm { name: "structures".into(), volume_m3: inflow + s0 - s1 }],
    );
    RoutedPond {
        time_of_peak_stage_s: time_s[i_peak],
        freeboard_m: vec![min_freeboard; n],
        beach_length_m: vec![min_beach; n],
        inflow_m3s: vec![0.0; n],
        rain_on_pond_m3s: vec![0.0; n],
        outflow_m3s: vec![0.0; n],
        overtopping_m3s: vec![0.0; n],
        structures: Vec::new(),
        time_s,
        stage_m,
        storage_m3,
        peak_stage_m: peak_stage,
        peak_inflow_m3s: 0.0,
        time_of_peak_inflow_s: 0.0,
        peak_outflow_m3s: 0.0,
        time_of_peak_outflow_s: 0.0,
        min_freeboard_m: min_freeboard,
        min_beach_length_m: min_beach,
        overtopped: false,
        overtopping_volume_m3: 0.0,
        overtopping_duration_s: 0.0,
        mass_balance,
        diagnostics: Diagnostics::default(),
    }
}

/// A simple flood: storage rises and falls back within a day.
fn simple_flood(min_freeboard: f64, min_beach: f64) -> RoutedPond {
    let t: Vec<f64> = (0..=48).map(|i| f64::from(i) * 1800.0).collect();
    let s = t.iter().map(|&x| 5.0e6 + 2.0e6 * (-(x - 36000.0).powi(2) / 1.0e9).exp()).collect();
    routed(t, s, min_freeboard, min_beach)
}

/// The demo-like pond: V = 2×10⁷ m³ (三), H = 72 m (三), upstream, middle-late period, wet.
fn grade_three_pond() -> PondFacts {
    PondFacts {
        total_storage_m3: 2.0e7,
        dam_height_m: 72.0,
        dam_type: DamType::Upstream,
        period: Period::MiddleLate,
        dry_stack: false,
        water_retaining: None,
        severe_downstream: false,
        storm_return_period_years: Some(500.0),
        use_upper_end_of_flood_range: false,
        storm_end_s: Some(86400.0),
        beach_reduction_fraction: 0.0,
    }
}

fn default_limits() -> LimitSet<'static> {
    LimitSet::new(Edition::Gb39496_2020, LimitOverrides::default()).unwrap()
}

fn run(facts: &PondFacts, pond: &RoutedPond, limits: &LimitSet<'_>) -> Assessment {
    flood_season_checks(facts, pond, limits, &CheckSettings::default()).unwrap()
}

fn row<'a>(a: &'a Assessment, id: &str) -> &'a tailtwin_core::Check {
    a.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check row {id}"))
}

// Goal: GB 50863 §3.3.1 — storage in 四 and height in 二 differ by two grades, so the higher (二)
// lowered by one applies: 三. Setup: V = 5×10⁶ m³ (100–1000 ×10⁴ m³ → 四), H = 150 m (100–200 m →
// 二). Reference: the rule as stated in standards.md §1. Tolerance: exact (integers).
#[test]
fn grade_four_by_storage_and_two_by_height_is_three() {
    let g = assess_grade(&default_limits(), 5.0e6, 150.0, false).unwrap();
    assert_eq!((g.by_storage.value.grade, g.by_height.value.grade), (Grade::IV, Grade::II));
    assert_eq!((g.grade.value, g.rule), (Grade::III, GradeRule::DifferByMore));
    let mut facts = grade_three_pond();
    (facts.total_storage_m3, facts.dam_height_m) = (5.0e6, 150.0);
    let a = run(&facts, &simple_flood(2.0, 200.0), &default_limits());
    let grade = row(&a, "grade");
    assert_eq!((grade.value, grade.status), (Some(3.0), CheckStatus::Info));
    assert!(grade.note.contains("differ by more than one"), "{}", grade.note);
    assert_eq!(row(&a, "grade_storage").value, Some(5.0e6));
    assert_eq!(row(&a, "grade_height").value, Some(150.0));
}

// Goal: differing by one takes the higher grade; equal bands agree; values exactly on a band's lower
// bound belong to that band. Setup: V = 10⁷ m³ (exactly the 三 lower bound), H = 59.99 m (四) → 三;
// V = 10⁷, H = 60 m (exactly 三) → 三 agree. Reference: standards.md §1. Tolerance: exact.
#[test]
fn grade_differing_by_one_takes_the_higher_and_bounds_are_inclusive_below() {
    let limits = default_limits();
    let one = assess_grade(&limits, 1.0e7, 59.99, false).unwrap();
    assert_eq!((one.grade.value, one.rule), (Grade::III, GradeRule::DifferByOne));
    let agree = assess_grade(&limits, 1.0e7, 60.0, false).unwrap();
    assert_eq!((agree.grade.value, agree.rule), (Grade::III, GradeRule::Agree));
    let below = assess_grade(&limits, 9_999_999.0, 59.99, false).unwrap();
    assert_eq!(below.grade.value, Grade::IV);
}

// Goal: a severe downstream consequence raises the grade by one, and with it the dam class and the
// required flood standard. Setup: grade-三 pond flagged severe. Reference: standards.md §1 (raise),
// §2 GB 39496 grade 二 = 500–1000 years [R]. Tolerance: exact.
#[test]
fn severe_downstream_consequence_raises_grade_and_flood_standard() {
    let mut facts = grade_three_pond();
    facts.severe_downstream = true;
    facts.storm_return_period_years = Some(200.0);
    let a = run(&facts, &simple_flood(2.0, 200.0), &default_limits());
    assert_eq!(a.grade.grade.value, Grade::II);
    assert!(row(&a, "grade").note.contains("raised by one"));
    let rp = row(&a, "design_flood_return_period");
    assert_eq!((rp.limit, rp.status), (Some(500.0), CheckStatus::Fail));
    assert_eq!(row(&a, "freeboard").limit, Some(1.0)); // class 2 upstream [R]
    assert_eq!(row(&a, "beach_length").limit, Some(100.0)); // class 2 upstream [V]
}

// Goal: the boundary convention — a value equal to its minimum passes (codes: "不应小于"), the
// smallest shortfall fails. Setup: grade-三 upstream pond (freeboard ≥ 0.7 m, beach ≥ 70 m, flood
// ≥ 200 years under GB 39496); routed minima exactly at and just below the limits. Reference:
// standards.md §2–3. Tolerance: none — values are compared as computed.
#[test]
fn freeboard_beach_and_return_period_pass_at_the_limit_and_fail_below() {
    let limits = default_limits();
    let mut facts = grade_three_pond();
    facts.storm_return_period_years = Some(200.0);
    let at = run(&facts, &simple_flood(0.7, 70.0), &limits);
    for id in ["freeboard", "beach_length", "design_flood_return_period"] {
        assert_eq!(row(&at, id).status, CheckStatus::Pass, "{id} at its limit");
    }
    facts.storm_return_period_years = Some(199.999);
    let below = run(&facts, &simple_flood(0.7 - 1e-9, 70.0 - 1e-9), &limits);
    for id in ["freeboard", "beach_length", "design_flood_return_period"] {
        assert_eq!(row(&below, id).status, CheckStatus::Fail, "{id} just below its limit");
    }
    // The upper end of the range (GB 39496 §5.4.1): 500 years required, 200 fails.
    facts.storm_return_period_years = Some(200.0);
    facts.use_upper_end_of_flood_range = true;
    let upper = run(&facts, &simple_flood(0.7, 70.0), &limits);
    let rp = row(&upper, "design_flood_return_period");
    assert_eq!((rp.limit, rp.status), (Some(500.0), CheckStatus::Fail));
}

// Goal: [limits] overrides win over every table and are labelled site, with no recalled warning.
// Setup: grade-三 pond with grade = 2, min_freeboard_m = 2.0, min_beach_length_m = 120,
// design_return_period_years = 1000. Reference: the overrides themselves. Tolerance: exact.
#[test]
fn overrides_win_and_are_labelled_site() {
    let overrides = LimitOverrides {
        grade: Some(2),
        min_freeboard_m: Some(2.0),
        min_beach_length_m: Some(120.0),
        design_return_period_years: Some(1000.0),
        ..LimitOverrides::default()
    };
    let limits = LimitSet::new(Edition::Gb39496_2020, overrides).unwrap();
    let a = run(&grade_three_pond(), &simple_flood(1.9, 130.0), &limits);
    for (id, limit, status) in [
        ("freeboard", Some(2.0), CheckStatus::Fail),
        ("beach_length", Some(120.0), CheckStatus::Pass),
        ("design_flood_return_period", Some(1000.0), CheckStatus::Fail),
    ] {
        let c = row(&a, id);
        assert_eq!((c.limit, c.status), (limit, status), "{id}");
        assert_eq!((c.standard, c.confidence), (Standard::Site, Confidence::Site), "{id}");
    }
    let g = row(&a, "grade");
    assert_eq!((g.value, g.standard, g.confidence), (Some(2.0), Standard::Site, Confidence::Site));
    assert!(g.note.contains("rule gives 3"), "{}", g.note);
    assert!(!a.warnings.iter().any(|w| w.contains("Minimum freeboard") && w.contains("recalled")));
}

// Goal: every recalled limit adds the report warning, and a value taken from another standard than
// the edition says so. Setup: grade-三 pond under GB 39496 defaults (flood standard and freeboard
// recalled; beach length from ZBJ1-90). Reference: the confidence policy in the crate docs.
#[test]
fn recalled_limits_and_fallbacks_are_warned() {
    let a = run(&grade_three_pond(), &simple_flood(2.0, 200.0), &default_limits());
    let recalled: Vec<_> =
        a.warnings.iter().filter(|w| w.contains("recalled, not verified")).collect();
    assert!(recalled.iter().any(|w| w.contains("Minimum freeboard")), "{:?}", a.warnings);
    assert!(recalled.iter().any(|w| w.contains("Design flood return period")), "{:?}", a.warnings);
    assert!(recalled.iter().all(|w| w.contains("override in [limits]")));
    assert!(a.warnings.iter().any(|w| w.contains("dry-beach") && w.contains("taken from ZBJ1-90")));
    let beach = row(&a, "beach_length");
    assert_eq!((beach.standard, beach.confidence), (Standard::Zbj1_90, Confidence::Verified));
    // AQ 2006 is superseded: said once.
    let aq = LimitSet::new(Edition::Aq2006_2005, LimitOverrides::default()).unwrap();
    let a = run(&grade_three_pond(), &simple_flood(2.0, 200.0), &aq);
    assert_eq!(a.warnings.iter().filter(|w| w.contains("superseded")).count(), 1);
}

// Goal: each check id appears exactly once, with NA where the rule does not apply (wet pond: no 72 h
// rule; not water-retaining: no §4.2.3 row; no design storm: no return-period verdict).
#[test]
fn every_check_row_appears_once_with_not_applicable_where_it_does_not_apply() {
    let mut facts = grade_three_pond();
    facts.storm_return_period_years = None;
    let a = run(&facts, &simple_flood(2.0, 200.0), &default_limits());
    let ids: Vec<&str> = a.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "grade_storage",
            "grade_height",
            "grade",
            "design_flood_return_period",
            "freeboard",
            "beach_length",
            "overtopping",
            "water_retaining_freeboard",
            "dry_stack_drain",
            "mass_balance"
        ]
    );
    for id in ["design_flood_return_period", "water_retaining_freeboard", "dry_stack_drain"] {
        assert_eq!(row(&a, id).status, CheckStatus::NotApplicable, "{id}");
    }
    assert_eq!(row(&a, "overtopping").status, CheckStatus::Pass);
    assert_eq!(row(&a, "mass_balance").status, CheckStatus::Info);
    assert!(!a.any_failed());
    assert_eq!((a.grade_numeral(), a.grade_number()), ("三", 3));
    assert!(row(&a, "mass_balance").value.unwrap().abs() < 1e-12);
}

// Goal: an overtopped dam fails the overtopping row. Setup: the simple flood marked overtopped with
// 3×10⁴ m³ over the crest for 2 h. Reference: physical requirement. Tolerance: exact.
#[test]
fn overtopping_fails_the_overtopping_check() {
    let mut pond = simple_flood(-0.3, 0.0);
    (pond.overtopped, pond.overtopping_volume_m3, pond.overtopping_duration_s) =
        (true, 3.0e4, 7200.0);
    let a = run(&grade_three_pond(), &pond, &default_limits());
    let c = row(&a, "overtopping");
    assert_eq!((c.status, c.value), (CheckStatus::Fail, Some(3.0e4)));
    assert!(a.any_failed());
    assert_eq!(row(&a, "freeboard").status, CheckStatus::Fail);
}

// Goal: water-retaining dam (GB 50863 §4.2.3): crest − design flood level ≥ freeboard + wind set-up +
// wave run-up; NA (with a note) without the allowances; the beach rule gives way to it.
// Setup: grade 三 (freeboard 0.7 m [R]), crest 2 m above the peak stage, set-up 0.3 m and run-up
// 1.0 m (limit 2.0: pass at equality), then run-up 1.1 m (limit 2.1: fail). Tolerance: exact up to
// the round-off of 0.7 + 0.3 + 1.0 (compared with the same sum).
#[test]
fn water_retaining_freeboard_includes_wind_setup_and_wave_runup() {
    let pond = simple_flood(2.0, 0.0);
    let crest = pond.peak_stage_m + 2.0;
    let mut facts = grade_three_pond();
    facts.water_retaining =
        Some(WaterRetaining { crest_m: crest, wind_setup_m: Some(0.3), wave_runup_m: None });
    let a = run(&facts, &pond, &default_limits());
    let c = row(&a, "water_retaining_freeboard");
    assert_eq!(c.status, CheckStatus::NotApplicable);
    assert!(c.note.contains("not given"));
    assert_eq!(row(&a, "beach_length").status, CheckStatus::NotApplicable);

    let limit = 0.7 + 0.3 + 1.0;
    let crest = pond.peak_stage_m + limit;
    facts.water_retaining =
        Some(WaterRetaining { crest_m: crest, wind_setup_m: Some(0.3), wave_runup_m: Some(1.0) });
    let a = run(&facts, &pond, &default_limits());
    let c = row(&a, "water_retaining_freeboard");
    assert_eq!((c.limit, c.status, c.clause.as_str()), (Some(limit), CheckStatus::Pass, "§4.2.3"));
    if let Some(w) = facts.water_retaining.as_mut() {
        w.wave_runup_m = Some(1.1);
    }
    let a = run(&facts, &pond, &default_limits());
    assert_eq!(row(&a, "water_retaining_freeboard").status, CheckStatus::Fail);
}

/// Linear-reservoir drawdown after a storm: storage rises linearly to S₀ + W₀ at the storm end t_s,
/// then W(t) = W₀ e^{−(t − t_s)/K}, sampled every `dt` until `t_s + tail`.
fn linear_reservoir(k_s: f64, dt: f64, tail_s: f64) -> (RoutedPond, f64) {
    let (s0, w0, t_storm) = (4.0e6, 1.5e6, 86400.0);
    let n = ((t_storm + tail_s) / dt).round() as usize;
    let t: Vec<f64> = (0..=n).map(|i| i as f64 * dt).collect();
    let s = t
        .iter()
        .map(|&x| {
            if x <= t_storm {
                s0 + w0 * x / t_storm
            } else {
                s0 + w0 * (-(x - t_storm) / k_s).exp()
            }
        })
        .collect();
    (routed(t, s, 2.0, 200.0), t_storm)
}

// Goal: the drain time of a linear reservoir equals its closed form K ln(1/r), and the only error
// is that of sampling the series. Setup: W(t) = W₀ e^{−t/K}, K = 10 h, r = 1 %, dt = 3600, 1800,
// 900, 450 s. Reference: exact τ = K ln 100 = 46.0517 h. Linear interpolation of the convex decay
// between samples overestimates W by x(dt − x)/2 · W″, so the threshold is crossed late by
// e(dt) ≈ x(dt − x)/(2K), x = τ mod dt the crossing's offset in its sampling interval (186 s for
// every dt here, so e falls like dt: 8.8, 4.2, 1.8, 0.68 s). Tolerance: the leading-order formula
// neglects terms O(dt/K) relative, so |e − e_pred| ≤ e_pred · dt/K; and always 0 ≤ e ≤ dt²/(8K)·e^{dt/K}.
#[test]
fn dry_stack_drain_time_matches_linear_reservoir_closed_form() {
    let k = 10.0 * 3600.0;
    let exact = k * 100.0_f64.ln();
    let mut errors = Vec::new();
    for dt in [3600.0, 1800.0, 900.0, 450.0] {
        let (pond, t_storm) = linear_reservoir(k, dt, 100.0 * 3600.0);
        let DrainTime::Drained { duration_s, peak_flood_volume_m3 } =
            drain_time(&pond, t_storm, 0.01).unwrap()
        else {
            panic!("drained expected")
        };
        assert!((peak_flood_volume_m3 - 1.5e6).abs() < 1e-6);
        let err = duration_s - exact;
        let bound = dt * dt / (8.0 * k) * (dt / k).exp();
        assert!(err >= 0.0 && err <= bound, "dt {dt}: error {err} s, bound {bound} s");
        let x = exact % dt;
        let predicted = x * (dt - x) / (2.0 * k);
        assert!(
            (err - predicted).abs() <= predicted * dt / k,
            "dt {dt}: error {err} s, predicted {predicted} s"
        );
        errors.push((dt, err));
    }
    eprintln!("drain-time error vs dt (s): {errors:?}");
    assert!(errors.windows(2).all(|w| w[1].1 < w[0].1), "{errors:?}");
}

// Goal: the 72 h rule's verdicts. Setup: dry-stack grade-三 pond, linear reservoir after a 24 h
// storm: K = 10 h → 46.1 h (pass); K = 16 h → 73.7 h (fail); K = 40 h with a 100 h tail → not
// drained after 100 h (fail); K = 16 h with a 48 h tail → undetermined (info + warning); a wet
// pond → NA. Reference: GB 39496 §6.4.4 [V], 72 h, and τ = K ln 100. Tolerance: dt = 600 s,
// interpolation error ≤ 1.3 s ≪ the 1.7 h margins.
#[test]
fn dry_stack_flood_must_drain_within_72_hours() {
    let mut facts = grade_three_pond();
    facts.dry_stack = true;
    let limits = default_limits();
    let verdict = |k_h: f64, tail_h: f64| {
        let (pond, t_storm) = linear_reservoir(k_h * 3600.0, 600.0, tail_h * 3600.0);
        let mut f = facts.clone();
        f.storm_end_s = Some(t_storm);
        let a = run(&f, &pond, &limits);
        (row(&a, "dry_stack_drain").clone(), a.warnings)
    };
    let (pass, _) = verdict(10.0, 120.0);
    assert_eq!((pass.status, pass.limit), (CheckStatus::Pass, Some(72.0)));
    assert!((pass.value.unwrap() - 10.0 * 100.0_f64.ln()).abs() < 1e-3);
    assert_eq!((pass.standard, pass.clause.as_str()), (Standard::Gb39496_2020, "§6.4.4"));
    let (fail, _) = verdict(16.0, 120.0);
    assert_eq!(fail.status, CheckStatus::Fail);
    assert!((fail.value.unwrap() - 16.0 * 100.0_f64.ln()).abs() < 1e-3);
    let (stuck, _) = verdict(40.0, 100.0);
    assert_eq!((stuck.status, stuck.value), (CheckStatus::Fail, Some(100.0)));
    let (short, warnings) = verdict(16.0, 48.0);
    assert_eq!((short.status, short.value), (CheckStatus::Info, None));
    assert!(warnings.iter().any(|w| w.contains("extend the routing duration")), "{warnings:?}");
    facts.dry_stack = false;
    let (pond, _) = linear_reservoir(16.0 * 3600.0, 600.0, 48.0 * 3600.0);
    let a = run(&facts, &pond, &limits);
    assert_eq!(row(&a, "dry_stack_drain").status, CheckStatus::NotApplicable);
}

// Goal: bad input is a typed error carrying the offending value, never a panic or a number.
#[test]
fn bad_inputs_are_typed_errors() {
    let limits = default_limits();
    let pond = simple_flood(2.0, 200.0);
    let check = |f: &PondFacts, p: &RoutedPond| {
        flood_season_checks(f, p, &limits, &CheckSettings::default()).unwrap_err()
    };
    let mut f = grade_three_pond();
    f.total_storage_m3 = -1.0;
    assert!(matches!(
        check(&f, &pond),
        RiskError::InvalidInput { field: "total_storage_m3", value, .. } if value == -1.0
    ));
    let mut f = grade_three_pond();
    f.dam_height_m = f64::NAN;
    assert!(matches!(check(&f, &pond), RiskError::InvalidInput { field: "dam_height_m", .. }));
    let mut f = grade_three_pond();
    f.storm_return_period_years = Some(f64::INFINITY);
    assert!(matches!(
        check(&f, &pond),
        RiskError::InvalidInput { field: "storm_return_period_years", .. }
    ));
    let mut p = pond.clone();
    p.min_freeboard_m = f64::NAN;
    assert!(matches!(
        check(&grade_three_pond(), &p),
        RiskError::InvalidInput { field: "routed.min_freeboard_m", .. }
    ));
    // Grade 一 in the initial period has "—" in every table: no limit, a typed error naming it.
    let mut f = grade_three_pond();
    (f.total_storage_m3, f.dam_height_m, f.period) = (6.0e8, 210.0, Period::Initial);
    let err = check(&f, &pond);
    assert!(
        matches!(&err, RiskError::NotTabulated { quantity: "design flood return period", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("[limits]"));
    // Class 2 may not reduce its beach length; class 3 not by more than 30 %.
    let mut f = grade_three_pond();
    f.beach_reduction_fraction = 0.35;
    assert!(matches!(
        check(&f, &pond),
        RiskError::InvalidInput { field: "beach_reduction_fraction", .. }
    ));
    f.severe_downstream = true;
    f.beach_reduction_fraction = 0.2;
    assert!(matches!(
        check(&f, &pond),
        RiskError::InvalidInput { field: "beach_reduction_fraction", .. }
    ));
    // Bad overrides and a non-increasing routed time axis.
    let bad = LimitOverrides { min_freeboard_m: Some(-0.5), ..LimitOverrides::default() };
    assert!(matches!(
        LimitSet::new(Edition::Gb39496_2020, bad),
        Err(RiskError::BadOverride { field: "min_freeboard_m", .. })
    ));
    let bad = LimitOverrides { grade: Some(7), ..LimitOverrides::default() };
    assert!(matches!(
        LimitSet::new(Edition::Gb39496_2020, bad),
        Err(RiskError::BadOverride { field: "grade", .. })
    ));
    let mut p = pond.clone();
    p.time_s[3] = p.time_s[2];
    let mut f = grade_three_pond();
    f.dry_stack = true;
    assert!(matches!(check(&f, &p), RiskError::InconsistentRoutedPond(_)));
    assert!(matches!("GB 39496-2021".parse::<Edition>(), Err(RiskError::UnknownEdition(_))));
}

// Goal: a beach reduction permitted for class 3 (seepage stability demonstrated) shortens the
// minimum. Setup: grade 三, reduction 30 %: 70 m × 0.7 = 49 m; a 50 m beach passes. Reference:
// standards.md §3 [V]. Tolerance: exact.
#[test]
fn permitted_beach_reduction_shortens_the_minimum_for_class_three() {
    let mut facts = grade_three_pond();
    facts.beach_reduction_fraction = 0.30;
    let a = run(&facts, &simple_flood(2.0, 50.0), &default_limits());
    let c = row(&a, "beach_length");
    assert!((c.limit.unwrap() - 49.0).abs() < 1e-12);
    assert_eq!(c.status, CheckStatus::Pass);
}

// Goal: the flood standard is available before routing (to choose the design storm), per edition.
// Setup: grade-三 upstream pond, middle-late period. Reference: standards.md §2 — GB 39496 三
// 200–500 [R]; GB 50863 → ZBJ1-90 三 200–500 [V]; grade 二 (V = 2×10⁸ m³, H = 120 m) under
// GB 39496 500–1000 [R] with a recalled grade band (its upper bound is recalled). Tolerance: exact.
#[test]
fn design_flood_requirement_is_known_before_routing() {
    let facts = PondFacts::new(2.0e7, 72.0, DamType::Upstream);
    let gb = tailtwin_risk::design_flood_requirement(&facts, &default_limits()).unwrap();
    assert_eq!((gb.grade.grade.value, gb.required_years), (Grade::III, 200.0));
    assert_eq!(gb.range.source.confidence, Confidence::Recalled);
    let mut upper = facts.clone();
    upper.use_upper_end_of_flood_range = true;
    assert_eq!(
        tailtwin_risk::design_flood_requirement(&upper, &default_limits()).unwrap().required_years,
        500.0
    );
    let gb50863 = LimitSet::new(Edition::Gb50863_2013, LimitOverrides::default()).unwrap();
    let d = tailtwin_risk::design_flood_requirement(&facts, &gb50863).unwrap();
    assert_eq!((d.required_years, d.range.source.standard), (200.0, Standard::Zbj1_90));
    assert_eq!(d.range.source.confidence, Confidence::Verified);

    let mut two = grade_three_pond();
    (two.total_storage_m3, two.dam_height_m) = (2.0e8, 120.0);
    let a = run(&two, &simple_flood(2.0, 200.0), &default_limits());
    assert_eq!((a.grade.grade.value, a.required_return_period_years), (Grade::II, 500.0));
    assert_eq!(row(&a, "grade").confidence, Confidence::Recalled);
    assert!(
        a.warnings.iter().any(|w| w.contains("Pond grade") && w.contains("recalled")),
        "{:?}",
        a.warnings
    );
}

proptest::proptest! {
    // Goal: the grade never becomes less important when storage or height grows, for every edition,
    // and the combined grade lies between the two single grades (or one above the higher when they
    // differ by more than one). Setup: random V in 10³–10⁹ m³, H in 1–300 m and increments.
    // Reference: the monotone band tables and the rule of GB 50863 §3.3.1. Tolerance: exact.
    #[test]
    fn grade_is_monotone_in_storage_and_height(
        log_v in 3.0f64..9.0,
        h in 1.0f64..300.0,
        dlog_v in 0.0f64..2.0,
        dh in 0.0f64..150.0,
        severe in proptest::bool::ANY,
    ) {
        for edition in Edition::ALL {
            let limits = LimitSet::new(edition, LimitOverrides::default()).unwrap();
            let base = assess_grade(&limits, 10f64.powf(log_v), h, severe).unwrap();
            let bigger = assess_grade(&limits, 10f64.powf(log_v + dlog_v), h + dh, severe).unwrap();
            proptest::prop_assert!(bigger.grade.value <= base.grade.value, "{edition}");
            let (a, b) = (base.by_storage.value.grade, base.by_height.value.grade);
            proptest::prop_assert!(base.combined >= a.min(b) && base.combined <= a.max(b));
        }
    }
}
