//! Unit tests of the consequence class: the embedded table, the GISTM band boundaries, loss of
//! life by hand and monotonicity.

use super::*;

fn tables() -> &'static ConsequenceTables {
    ConsequenceTables::builtin()
}

fn point(population: u64, arrival_s: Option<f64>, depth: f64, speed: f64) -> PointExposure {
    PointExposure {
        name: "p".into(),
        population: Some(population),
        arrival_time_s: arrival_s,
        max_depth_m: depth,
        max_speed_ms: speed,
    }
}

/// Goal: the embedded data file parses, has five classes in order and one fatality rate per
/// (severity, warning, understanding). Setup: the builtin file. Reference: the file itself.
/// Tolerance: exact.
#[test]
fn embedded_consequence_table_parses_and_is_complete() {
    let t = ConsequenceTables::from_toml_str(BUILTIN_CONSEQUENCE_TOML).expect("valid");
    assert_eq!(t.bands.len(), 5);
    assert_eq!(t.bands.iter().map(|b| b.par_min).collect::<Vec<_>>(), [0, 1, 10, 100, 1000]);
    assert_eq!(t.fatality.len(), 13);
    assert_eq!(t.default_delay_s, 900.0);
}

/// Goal: each GISTM class is reached from a hand case on its PAR and its PLL lower bound, and a
/// value just below a bound stays in the lower class. Setup: class_by_par / class_by_pll and the
/// governing max. Reference: GISTM (2020) Table 1 as read in data/consequence.toml (shared
/// boundaries go to the higher class). Tolerance: exact (integer / threshold comparisons).
#[test]
fn gistm_class_boundaries_by_population_and_loss_of_life() {
    use ConsequenceClass::*;
    let t = tables();
    let par = [(0, Low), (1, Significant), (9, Significant), (10, High), (99, High)];
    let par2 = [(100, VeryHigh), (999, VeryHigh), (1000, Extreme), (50_000, Extreme)];
    for (n, c) in par.into_iter().chain(par2) {
        assert_eq!(t.class_by_par(n), c, "PAR {n}");
    }
    let pll = [(0.0, Low), (0.99, Low), (1.0, High), (9.99, High), (10.0, VeryHigh)];
    let pll2 = [(99.9, VeryHigh), (100.0, Extreme)];
    for (x, c) in pll.into_iter().chain(pll2) {
        assert_eq!(t.class_by_pll(x), c, "PLL {x}");
    }
}

/// Goal: loss of life at one point by hand. Setup: 120 people, arrival 2400 s, depth 2 m, speed
/// 3 m/s, default delay 900 s and vague understanding. Hand: DV = 6 m²/s ≥ 4.6 → medium; W =
/// 2400 − 900 = 1500 s ∈ [900, 3600) → some warning; Graham Table 4 medium/some/vague = 0.04;
/// LOL = 0.04 × 120 = 4.8 → PLL class High, PAR 120 → Very High governs. Tolerance: 1e-12
/// (one product of exact decimals).
#[test]
fn loss_of_life_at_one_point_matches_hand_calculation() {
    let t = tables();
    let s = t.default_settings();
    let r = point_consequence(t, &s, &point(120, Some(2400.0), 2.0, 3.0)).expect("valid");
    assert_eq!(r.severity, Some(Severity::Medium));
    assert_eq!(r.warning, Some(WarningCategory::Some));
    assert_eq!(r.warning_time_s, Some(1500.0));
    assert_eq!(r.population_at_risk, 120);
    assert!((r.fatality_rate - 0.04).abs() < 1e-12);
    assert!((r.loss_of_life - 4.8).abs() < 1e-12);
    let a = assess_consequence(t, &s, &[point(120, Some(2400.0), 2.0, 3.0)]).expect("valid");
    assert_eq!(a.class_by_loss_of_life, ConsequenceClass::High);
    assert_eq!(a.consequence_class, ConsequenceClass::VeryHigh);
    assert!(a.basis.starts_with("population at risk 120"), "{}", a.basis);
}

/// Goal: a point the flood never reaches has no PAR and no loss of life, however many live
/// there. Setup: arrival None. Reference: PAR definition (depth ≥ arrival depth). Tolerance:
/// exact.
#[test]
fn unreached_point_contributes_no_population_at_risk() {
    let t = tables();
    let r = point_consequence(t, &t.default_settings(), &point(5000, None, 0.01, 0.1)).unwrap();
    assert_eq!((r.population_at_risk, r.loss_of_life), (0, 0.0));
}

/// Goal: more depth or less warning never lowers the class. Setup: one point of 50 and one of
/// 500 people, speed 2 m/s, depths 0.1–12 m and arrival times 0–3 h, each step compared with
/// the previous. Reference: monotonicity of Graham's rates in severity and warning and of the
/// GISTM bands. Tolerance: exact (ordering of classes and ≥ on loss of life).
#[test]
fn deeper_flood_or_less_warning_never_lowers_the_class() {
    let t = tables();
    let s = t.default_settings();
    let depths = [0.1, 0.5, 1.0, 2.0, 2.3, 2.5, 4.0, 7.5, 8.0, 12.0];
    let arrivals = [10_800.0, 5000.0, 4500.0, 3600.0, 2000.0, 1800.0, 900.0, 300.0, 0.0];
    for pop in [50, 500] {
        for &arr in &arrivals {
            let mut last = (ConsequenceClass::Low, 0.0);
            for &d in &depths {
                let a = assess_consequence(t, &s, &[point(pop, Some(arr), d, 2.0)]).unwrap();
                assert!(a.consequence_class >= last.0 && a.potential_loss_of_life >= last.1);
                last = (a.consequence_class, a.potential_loss_of_life);
            }
        }
        for &d in &depths {
            let mut last = (ConsequenceClass::Low, 0.0);
            for &arr in &arrivals {
                let a = assess_consequence(t, &s, &[point(pop, Some(arr), d, 2.0)]).unwrap();
                assert!(a.consequence_class >= last.0 && a.potential_loss_of_life >= last.1);
                last = (a.consequence_class, a.potential_loss_of_life);
            }
        }
    }
}

/// Goal: bad point data → a typed error naming the field, never a panic. Setup: NaN depth.
#[test]
fn non_finite_depth_is_rejected_with_its_name() {
    let t = tables();
    let e = point_consequence(t, &t.default_settings(), &point(1, Some(1.0), f64::NAN, 1.0))
        .unwrap_err();
    assert!(e.to_string().contains("max_depth_m"), "{e}");
}

/// Goal: a broken data file → an error naming the row. Setup: a fatality rate of 1.5.
#[test]
fn fatality_rate_above_one_is_rejected() {
    let text = BUILTIN_CONSEQUENCE_TOML.replacen("rate = 0.75", "rate = 1.5", 1);
    let e = ConsequenceTables::from_toml_str(&text).unwrap_err();
    assert!(e.to_string().contains("outside [0, 1]"), "{e}");
}
