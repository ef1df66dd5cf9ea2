//! The embedded tables return the values of shared/reference/standards.md, with their marks, for
//! every edition; malformed tables are rejected with the offending row named.

use super::*;

fn t() -> &'static LimitTables {
    LimitTables::builtin()
}

const GB39496: Edition = Edition::Gb39496_2020;
const GB50863: Edition = Edition::Gb50863_2013;
const AQ2006: Edition = Edition::Aq2006_2005;

fn grade(n: u8) -> Grade {
    Grade::new(n).unwrap()
}

#[test]
fn embedded_limits_file_parses_and_validates() {
    LimitTables::from_toml_str(BUILTIN_LIMITS_TOML).unwrap();
}

#[test]
fn flood_standard_of_gb39496_is_the_recalled_middle_late_table() {
    // standards.md §2: 一 1000–5000 or PMF, 二 500–1000, 三 200–500, 四 100–200, 五 100 [R, low].
    let expected = [
        (1000.0, 5000.0, true),
        (500.0, 1000.0, false),
        (200.0, 500.0, false),
        (100.0, 200.0, false),
        (100.0, 100.0, false),
    ];
    for (g, (lo, hi, pmf)) in (1..=5).zip(expected) {
        let l = t().design_flood(GB39496, grade(g), Period::MiddleLate).unwrap();
        assert_eq!(
            l.value,
            ReturnPeriodRange { lower_years: lo, upper_years: hi, pmf_alternative: pmf }
        );
        assert_eq!(l.source.standard, Standard::Gb39496_2020);
        assert_eq!(l.source.confidence, Confidence::Recalled);
        assert!(!l.source.fallback);
    }
}

#[test]
fn zbj1_90_flood_table_is_verified_and_serves_gb50863() {
    // standards.md §2, ZBJ1-90 [V]: initial — / 100–200 / 50–100 / 30–50 / 20–30;
    // middle-late 1000–2000 / 500–1000 / 200–500 / 100–200 / 50–100.
    let initial =
        [None, Some((100.0, 200.0)), Some((50.0, 100.0)), Some((30.0, 50.0)), Some((20.0, 30.0))];
    let later = [(1000.0, 2000.0), (500.0, 1000.0), (200.0, 500.0), (100.0, 200.0), (50.0, 100.0)];
    for g in 1..=5u8 {
        let i = usize::from(g - 1);
        let l = t().design_flood(GB50863, grade(g), Period::MiddleLate).unwrap();
        assert_eq!((l.value.lower_years, l.value.upper_years), later[i]);
        assert_eq!(l.source.standard, Standard::Zbj1_90);
        assert_eq!(l.source.confidence, Confidence::Verified);
        assert!(l.source.fallback, "GB 50863 itself has no flood rows");
        match (initial[i], t().design_flood(GB50863, grade(g), Period::Initial)) {
            (Some(range), Ok(l)) => assert_eq!((l.value.lower_years, l.value.upper_years), range),
            (None, Err(RiskError::NotTabulated { quantity, .. })) => {
                assert_eq!(quantity, "design flood return period")
            }
            (want, got) => panic!("grade {g} initial: want {want:?}, got {got:?}"),
        }
    }
    // GB 39496's initial period is not recorded: found in ZBJ1-90 and flagged as taken from it.
    let l = t().design_flood(GB39496, Grade::III, Period::Initial).unwrap();
    assert_eq!((l.value.lower_years, l.value.upper_years, l.source.fallback), (50.0, 100.0, true));
    assert_eq!(l.source.standard, Standard::Zbj1_90);
}

#[test]
fn aq2006_flood_standard_differs_only_for_grade_one() {
    let one = t().design_flood(AQ2006, Grade::I, Period::MiddleLate).unwrap();
    assert_eq!((one.value.lower_years, one.value.upper_years), (1000.0, 5000.0));
    assert!(one.value.pmf_alternative);
    assert_eq!(
        (one.source.standard, one.source.confidence),
        (Standard::Aq2006_2005, Confidence::Recalled)
    );
    let two = t().design_flood(AQ2006, Grade::II, Period::MiddleLate).unwrap();
    assert_eq!((two.value.lower_years, two.value.upper_years), (500.0, 1000.0));
    assert_eq!(two.source.standard, Standard::Zbj1_90);
}

#[test]
fn freeboard_and_beach_minima_match_the_reference_for_every_edition() {
    // standards.md §3: upstream freeboard 1.5/1.0/0.7/0.5/0.4 [R]; upstream beach 150/100/70/50/40
    // [V]; downstream/centerline beach 100/70/50/35/25 [R, low].
    let fb = [1.5, 1.0, 0.7, 0.5, 0.4];
    let up = [150.0, 100.0, 70.0, 50.0, 40.0];
    let down = [100.0, 70.0, 50.0, 35.0, 25.0];
    for e in Edition::ALL {
        for g in 1..=5u8 {
            let i = usize::from(g - 1);
            let f = t().min_freeboard(e, grade(g), DamTable::Upstream).unwrap();
            assert_eq!((f.value, f.source.confidence), (fb[i], Confidence::Recalled));
            let b = t().min_beach_length(e, grade(g), DamTable::Upstream).unwrap();
            assert_eq!((b.value, b.source.confidence), (up[i], Confidence::Verified));
            assert_eq!(b.source.standard, Standard::Zbj1_90);
            let d = t().min_beach_length(e, grade(g), DamTable::DownstreamCenterline).unwrap();
            assert_eq!((d.value, d.source.confidence), (down[i], Confidence::Recalled));
        }
    }
}

#[test]
fn beach_reduction_is_thirty_percent_for_classes_three_to_five_only() {
    for g in 1..=5u8 {
        let r = t().beach_reduction(GB39496, grade(g));
        if g >= 3 {
            let r = r.unwrap();
            assert_eq!((r.value, r.source.confidence), (0.30, Confidence::Verified));
        } else {
            assert!(r.is_none(), "class {g} may not reduce the beach length");
        }
    }
}

#[test]
fn factor_of_safety_minima_match_the_reference() {
    use LoadCase::*;
    use StabilityMethod::*;
    // standards.md §5 (classes 1, 2, 3, 4–5).
    let cases = [
        (SwedishCircle, Normal, [1.30, 1.25, 1.20, 1.15, 1.15]),
        (SwedishCircle, Flood, [1.20, 1.15, 1.10, 1.05, 1.05]),
        (SwedishCircle, Special, [1.10, 1.05, 1.05, 1.00, 1.00]),
        (SimplifiedBishop, Normal, [1.50, 1.35, 1.30, 1.25, 1.25]),
        (SimplifiedBishop, Flood, [1.30, 1.25, 1.20, 1.15, 1.15]),
        (SimplifiedBishop, Special, [1.20, 1.15, 1.15, 1.10, 1.10]),
    ];
    for (method, case, values) in cases {
        for g in 1..=5u8 {
            let l = t().min_factor_of_safety(GB39496, grade(g), method, case).unwrap();
            assert_eq!(l.value, values[usize::from(g - 1)], "{method:?} {case:?} class {g}");
            assert_eq!(l.source.confidence, Confidence::Recalled);
        }
    }
    // Bishop minima come from GB 39496 (which added them): found for GB 50863 only as a fallback.
    let l = t().min_factor_of_safety(GB50863, Grade::I, SimplifiedBishop, Flood).unwrap();
    assert_eq!(
        (l.value, l.source.standard, l.source.fallback),
        (1.30, Standard::Gb39496_2020, true)
    );
}

#[test]
fn drain_rule_and_legacy_multipliers_match_the_reference() {
    let d = t().dry_stack_max_drain_time(GB39496).unwrap();
    assert_eq!(d.value, 72.0 * 3600.0);
    assert_eq!((d.source.standard, d.source.clause.as_str()), (Standard::Gb39496_2020, "§6.4.4"));
    assert_eq!((d.source.confidence, d.source.fallback), (Confidence::Verified, false));
    assert!(t().dry_stack_max_drain_time(AQ2006).unwrap().source.fallback);
    let danger = t().legacy_fos_multiplier(LegacyClass::Danger).unwrap();
    let risk = t().legacy_fos_multiplier(LegacyClass::Risk).unwrap();
    assert_eq!((danger.value, risk.value), (0.95, 0.98));
    assert_eq!(danger.source.confidence, Confidence::Secondary);
}

#[test]
fn grade_bands_include_their_lower_bound_and_exclude_their_upper() {
    let storage = [
        (5.0e8, 1),
        (4.999_999e8, 2),
        (1.0e8, 2),
        (1.0e7, 3),
        (9.999_99e6, 4),
        (1.0e6, 4),
        (999_999.0, 5),
        (1.0, 5),
    ];
    for (v, g) in storage {
        for e in [GB39496, GB50863] {
            assert_eq!(t().grade_by_storage(e, v).unwrap().value.grade, grade(g), "{e} V = {v}");
        }
    }
    let height =
        [(200.0, 1), (199.99, 2), (100.0, 2), (60.0, 3), (59.99, 4), (30.0, 4), (29.99, 5)];
    for (h, g) in height {
        assert_eq!(t().grade_by_height(GB39496, h).unwrap().value.grade, grade(g), "H = {h}");
    }
    // AQ 2006 has no band for 一: storage and height above the GB 一 thresholds stay 二.
    assert_eq!(t().grade_by_storage(AQ2006, 6.0e8).unwrap().value.grade, Grade::II);
    assert_eq!(t().grade_by_height(AQ2006, 250.0).unwrap().value.grade, Grade::II);
    // Marks: 三 verified, 二 recalled (its upper bound is recalled).
    assert_eq!(
        t().grade_by_storage(GB39496, 2.0e7).unwrap().source.confidence,
        Confidence::Verified
    );
    assert_eq!(
        t().grade_by_storage(GB39496, 2.0e8).unwrap().source.confidence,
        Confidence::Recalled
    );
}

fn edited(from: &str, to: &str) -> Result<LimitTables, LimitDataError> {
    assert!(BUILTIN_LIMITS_TOML.contains(from), "fixture text {from:?} not in the file");
    LimitTables::from_toml_str(&BUILTIN_LIMITS_TOML.replacen(from, to, 1))
}

#[test]
fn malformed_tables_are_rejected_with_the_row_named() {
    // A gap between grade 四 (ends at 900) and grade 三 (starts at 1000).
    let gap = edited("below_1e4m3 = 1000.0", "below_1e4m3 = 900.0");
    assert!(
        matches!(gap, Err(LimitDataError::InvalidTable { table: "grade_storage", .. })),
        "{gap:?}"
    );
    let unknown_key = edited("clause = \"§3.3.1\"", "clause = \"§3.3.1\"\ncolour = \"red\"");
    assert!(
        matches!(&unknown_key, Err(LimitDataError::InvalidRow { table: "grade_storage", index: 0, reason }) if reason.contains("colour")),
        "{unknown_key:?}"
    );
    let unknown_std = edited(
        "standard = \"ZBJ1-90\"\nclause = \"防洪",
        "standard = \"ZBJ2-90\"\nclause = \"防洪",
    );
    assert!(matches!(
        unknown_std,
        Err(LimitDataError::UnknownStandard { table: "design_flood", index: 0, .. })
    ));
    let site = edited("confidence = \"secondary\"", "confidence = \"site\"");
    assert!(matches!(site, Err(LimitDataError::InvalidRow { table: "legacy_fos_multiplier", .. })));
    let decreasing = edited("years = [100.0, 200.0]", "years = [200.0, 100.0]");
    assert!(matches!(
        decreasing,
        Err(LimitDataError::InvalidRow { table: "design_flood", index: 0, .. })
    ));
    let negative = edited("value_m = 1.5", "value_m = -1.5");
    assert!(matches!(
        negative,
        Err(LimitDataError::InvalidRow { table: "min_freeboard", index: 0, .. })
    ));
    let schema = edited("schema = 1", "schema = 2");
    assert_eq!(schema, Err(LimitDataError::Schema { found: 2, expected: 1 }));
    let aq_entry = "[[edition]]\nstandard = \"AQ2006-2005\"\nlookup_order = \
                    [\"AQ2006-2005\", \"ZBJ1-90\", \"GB50863-2013\", \"GB39496-2020\"]";
    let no_edition = edited(aq_entry, "");
    assert!(matches!(no_edition, Err(LimitDataError::MissingEdition(_))), "{no_edition:?}");
    let twice = edited(aq_entry, &aq_entry.replace("AQ2006-2005", "GB39496-2020"));
    assert!(
        matches!(&twice, Err(LimitDataError::InvalidRow { table: "edition", index: 2, reason }) if reason.contains("twice")),
        "{twice:?}"
    );
    let duplicate =
        edited("grade = 2\nyears = [500.0, 1000.0]", "grade = 1\nyears = [500.0, 1000.0]");
    assert!(
        matches!(duplicate, Err(LimitDataError::InvalidRow { table: "design_flood", .. })),
        "{duplicate:?}"
    );
    assert!(matches!(LimitTables::from_toml_str("schema = "), Err(LimitDataError::Parse(_))));
}

// Goal: a site's own limit file (same schema) replaces the built-in values through
// `LimitSet::with_tables`, with its rows' own marks. Setup: the built-in file with the class-3
// upstream freeboard changed from 0.7 to 0.8 m and marked verified. Tolerance: exact.
#[test]
fn a_site_limit_file_replaces_builtin_values() {
    let from = "classes = [3]\nvalue_m = 0.7\nconfidence = \"recalled\"";
    let to = "classes = [3]\nvalue_m = 0.8\nconfidence = \"verified\"";
    let site = edited(from, to).unwrap();
    let limits = crate::LimitSet::with_tables(&site, GB39496, Default::default()).unwrap();
    let f = limits.min_freeboard(Grade::III, crate::DamType::Upstream).unwrap();
    assert_eq!((f.value, f.source.confidence), (0.8, Confidence::Verified));
    let builtin = t().min_freeboard(GB39496, Grade::III, DamTable::Upstream).unwrap();
    assert_eq!(builtin.value, 0.7);
}
