//! Integration tests: the safety status (issue 6 items 3–4) — 重大事故隐患 items, the legacy
//! AQ 2006 class, warnings per item and the GB 39496 roll-up, the risk score — through
//! `pipeline::status::assess_status` on the demo and through `risk::status` on hand-worked inputs.

use tailtwin::core::assessment::{
    EnsembleSummary, HazardBasis, LegacyPondClass, Probability, ReliabilityRow, SafetyStatus,
};
use tailtwin::core::{
    AlarmLevel, Check, CheckStatus, Confidence, LoadCaseKind, StabilityResultRow, Standard,
};
use tailtwin::pipeline::RunSettings;
use tailtwin::pipeline::status::assess_status;
use tailtwin::risk::status::{
    Finding, Inspection, ItemThresholds, LegacyFinding, StatusInput, StructureCondition,
    WarningItem, WarningSettings, assess_safety_status,
};
use tailtwin::risk::{ConsequenceClass, LimitTables, RiskError};
use tailtwin::scenario::{self, Scenario};

use super::common::demo_dir;
use super::geotech_pipeline::demo_without_geotech;

fn parse(text: &str) -> Scenario {
    scenario::parse(text, &demo_dir(), "status-test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn flood_status(s: &Scenario) -> SafetyStatus {
    let flood = tailtwin::pipeline::run_flood(s, &RunSettings::default()).unwrap();
    assess_status(s, &flood, None, &[], None).unwrap()
}

fn levels(st: &SafetyStatus) -> Vec<AlarmLevel> {
    st.warnings.iter().map(|w| w.level).collect()
}

// ---- hand-worked inputs -------------------------------------------------------------------

fn check(id: &str, value: f64, limit: f64, pass: bool) -> Check {
    Check {
        id: id.into(),
        name_zh: String::new(),
        name_en: String::new(),
        value: Some(value),
        limit: Some(limit),
        unit: "m".into(),
        comparison: "≥".into(),
        status: if pass { CheckStatus::Pass } else { CheckStatus::Fail },
        standard: Standard::Site,
        clause: String::new(),
        confidence: Confidence::Site,
        note: String::new(),
    }
}

/// Freeboard (min 0.7 m), beach (min 70 m) and overtopping rows of a design flood.
fn flood_checks(freeboard: f64, beach: f64, overtopped: bool) -> Vec<Check> {
    let mut over = check("overtopping", if overtopped { 1e4 } else { 0.0 }, 0.0, !overtopped);
    over.comparison = "≤".into();
    vec![
        check("freeboard", freeboard, 0.7, freeboard >= 0.7),
        check("beach_length", beach, 70.0, beach >= 70.0),
        over,
    ]
}

fn slope(case: LoadCaseKind, fos: f64, required: f64) -> StabilityResultRow {
    StabilityResultRow {
        section: "main".into(),
        load_case: case,
        method: "bishop".into(),
        pond_level_m: Some(368.5),
        kh: 0.0,
        fos: Some(fos),
        required_fos: Some(required),
        required_source: None,
        meets_minimum: Some(fos >= required),
        legacy_standing: None,
        error: None,
        surface: None,
        trials: 1,
    }
}

fn structure(id: &str, condition: f64) -> StructureCondition {
    StructureCondition { id: id.into(), condition, damaged: false }
}

/// A hand-built status input: a grade-三 pond, beach crest 371.5 m, normal level 368.5 m, design
/// flood peak 370.0 m, 500-year storm.
struct Case {
    checks: Vec<Check>,
    stability: Vec<StabilityResultRow>,
    structures: Vec<StructureCondition>,
    inspection: Option<Inspection>,
    warnings: WarningSettings,
    reliability: Vec<ReliabilityRow>,
    ensemble: Option<EnsembleSummary>,
    consequence: Option<ConsequenceClass>,
    rain_mm: Option<f64>,
    rain_observed: bool,
}

impl Case {
    /// Everything met: freeboard 1.0 ≥ 0.7 m, beach 100 ≥ 70 m, no overtopping, FoS 1.30 ≥ 1.25,
    /// one clear structure.
    fn normal() -> Case {
        Case {
            checks: flood_checks(1.0, 100.0, false),
            stability: vec![slope(LoadCaseKind::Normal, 1.30, 1.25)],
            structures: vec![structure("tower", 1.0)],
            inspection: None,
            warnings: WarningSettings::default(),
            reliability: Vec::new(),
            ensemble: None,
            consequence: None,
            rain_mm: None,
            rain_observed: true,
        }
    }

    fn status(&self) -> Result<SafetyStatus, RiskError> {
        let input = StatusInput {
            checks: &self.checks,
            stability: &self.stability,
            structures: self.structures.clone(),
            dam_height_m: 72.0,
            total_storage_m3: 1.1e7,
            beach_crest_m: 371.5,
            normal_level_m: 368.5,
            peak_stage_m: 370.0,
            design_rain_24h_mm: self.rain_mm,
            rain_observed: self.rain_observed,
            design_return_period_years: Some(500.0),
            grade_number: Some(3),
            ensemble: self.ensemble.as_ref(),
            reliability: &self.reliability,
            consequence: self.consequence,
            inspection: self.inspection.as_ref(),
            warnings: &self.warnings,
            tables: LimitTables::builtin(),
        };
        assess_safety_status(&input)
    }

    fn with<F: FnOnce(&mut Case)>(mut self, f: F) -> Case {
        f(&mut self);
        self
    }
}

fn inspection_with(item: u8, present: bool) -> Inspection {
    let mut i = Inspection::default();
    i.hazards[usize::from(item) - 1] = Some(Finding { present, note: "seen".into() });
    i
}

fn site(item: WarningItem, t: ItemThresholds) -> WarningSettings {
    WarningSettings { overrides: vec![(item, t)], ..WarningSettings::default() }
}

// ---- the demo through the pipeline --------------------------------------------------------

// Goal: the demo's status from its flood run and its [inspection] record. Setup: the demo
// without its dam section (flood only). Reference: the inspection marks items 1–3, 5, 10–12
// absent (basis inspection); item 4 compares 72 m / 1.1e7 m³ with the design 80 m / 1.3e7 m³
// (absent); item 6 has neither a stability run nor an inspection entry (not assessed); item 8
// sees freeboard and beach met (absent); item 9 three clear structures (absent). Legacy class
// 正常库. The pond level is the roll-up of the items other than the design storm's rain. Tolerance: exact (decisions, not numbers).
#[test]
fn demo_status_combines_run_and_inspection() {
    let s = parse(&demo_without_geotech());
    let st = flood_status(&s);
    for n in [1u8, 2, 3, 5, 10, 11, 12] {
        let h = &st.hazards[usize::from(n) - 1];
        assert_eq!((h.number, h.present, h.basis), (n, Some(false), HazardBasis::Inspection));
    }
    assert_eq!(st.hazards[3].present, Some(false), "{}", st.hazards[3].evidence);
    assert_eq!((st.hazards[5].present, st.hazards[5].basis), (None, HazardBasis::NotAssessed));
    assert_eq!(
        (st.hazards[7].present, st.hazards[7].basis),
        (Some(false), HazardBasis::Simulation)
    );
    assert_eq!(
        (st.hazards[8].present, st.hazards[8].basis),
        (Some(false), HazardBasis::Simulation)
    );
    assert!(!st.major_hazard);
    assert_eq!(st.legacy.class, LegacyPondClass::Normal);
    assert!(st.legacy.note.contains("superseded"));
    // The design storm's rain item is listed but not rolled up (it is the assumed load).
    let rolled: Vec<_> =
        st.warnings.iter().filter(|w| w.item != "rainfall_24h").map(|w| w.level).collect();
    assert_eq!(st.pond_warning, tailtwin::core::roll_up(&rolled));
    let keys: Vec<&str> = st.warnings.iter().map(|w| w.item.as_str()).collect();
    assert_eq!(keys, ["freeboard", "beach_length", "pond_level", "rainfall_24h"]);
    // The design storm's wettest 24 h is its whole 24 h depth.
    let storm = tailtwin::pipeline::run_flood(&s, &RunSettings::default()).unwrap();
    let total = storm.hyetograph.as_ref().unwrap().total_mm();
    let rain = st.warnings.iter().find(|w| w.item == "rainfall_24h").unwrap();
    assert!((rain.value - total).abs() < 1e-9 * total, "{} vs {total}", rain.value);
    assert!((0.0..=100.0).contains(&st.score.score));
}

// Goal: a 重大事故隐患 from the inspection raises the score to the floor. Setup: the demo with
// item 1 (unapproved works) marked present. Reference: score ≥ 60 (the documented floor) and at
// least the `high` matrix cell, the driver named; the same demo without it scores below 60.
#[test]
fn major_hazard_from_inspection_raises_the_score_floor() {
    let clean = flood_status(&parse(&demo_without_geotech()));
    assert!(clean.score.score < 60.0, "{}", clean.score.score);
    let text = demo_without_geotech().replacen(
        "unapproved_works = { present = false }",
        "unapproved_works = { present = true, note = \"quarry blasting 200 m from the dam\" }",
        1,
    );
    let st = flood_status(&parse(&text));
    assert!(st.major_hazard);
    assert_eq!(st.hazards[0].basis, HazardBasis::Inspection);
    assert_eq!(st.score.score, 60.0);
    assert_eq!(st.score.matrix_cell, "high");
    assert_eq!(st.score.drivers[0].key, "major_hazard");
}

/// The demo (flood only) with the spillway crest lowered to 369.8 m (the demo's 370.9 m spillway
/// does not flow at its 370.15 m design-flood peak), the spillway `width` m wide, and the crest
/// and beach crest raised by `raise` m.
fn demo_variant(width: f64, raise: f64) -> Scenario {
    let text = demo_without_geotech()
        .replacen("crest_m = 370.9", "crest_m = 369.8", 1)
        .replacen("width_m = 6.0", &format!("width_m = {width}"), 1)
        .replacen("crest_m = 372.0", &format!("crest_m = {}", 372.0 + raise), 1)
        .replacen("beach_crest_m = 371.5", &format!("beach_crest_m = {}", 371.5 + raise), 1);
    parse(&text)
}

// Goal: a bigger spillway or a higher crest never raises the score (issue 6). Setup: the demo
// with its spillway crest at 369.8 m and widths 0.5–16 m, and with crest and beach crest raised
// 0–1 m at a 0.5 m spillway. Reference: both raise the freeboard and the beach length of the design flood, and
// the score is non-increasing in both (risk::status::score); the extremes differ (the flood proxy
// moves with the freeboard margin), so the sweep can fail. Tolerance: exact (≤).
#[test]
fn score_never_rises_with_a_bigger_spillway_or_a_higher_crest() {
    let sweep = |runs: Vec<Scenario>| -> Vec<(f64, f64)> {
        runs.iter()
            .map(|s| {
                let flood = tailtwin::pipeline::run_flood(s, &RunSettings::default()).unwrap();
                let st = assess_status(s, &flood, None, &[], None).unwrap();
                (flood.report.min_freeboard_m, st.score.score)
            })
            .collect()
    };
    // (The stability proxy is absent: this is the flood-only demo.)
    let widths = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
    let by_width = sweep(widths.iter().map(|&w| demo_variant(w, 0.0)).collect());
    let raises = [0.0, 0.2, 0.5, 1.0];
    let by_crest = sweep(raises.iter().map(|&r| demo_variant(0.5, r)).collect());
    for series in [&by_width, &by_crest] {
        for w in series.windows(2) {
            assert!(w[1].0 >= w[0].0, "freeboard fell: {series:?}");
            assert!(w[1].1 <= w[0].1, "score rose: {series:?}");
        }
        assert!(series[0].1 > series[series.len() - 1].1, "no change at all: {series:?}");
    }
}

// ---- legacy class ---------------------------------------------------------------------------

// Goal: every legacy class from its criterion, hand-worked (standards.md §7). Setup: the normal
// case (all met) changed one criterion at a time. Reference: one of freeboard/beach failing →
// 病库; both → 险库; both and the flood overtops → 危库; structure condition 0.8 → 险库 (capacity
// below design), 0.4 or damaged → 危库; FoS/required 0.944 → 危库 (< 0.95), 0.976 → 险库
// (< 0.98), 0.992 → 病库 with the gap note, 1.0 → 正常库. Every criterion appears in the
// reasons. Tolerance: exact.
#[test]
fn legacy_class_follows_each_criterion() {
    use LegacyPondClass::*;
    let class = |c: Case| c.status().unwrap().legacy.class;
    assert_eq!(class(Case::normal()), Normal);
    assert_eq!(class(Case::normal().with(|c| c.checks = flood_checks(0.5, 100.0, false))), Sick);
    assert_eq!(class(Case::normal().with(|c| c.checks = flood_checks(1.0, 60.0, false))), Sick);
    assert_eq!(class(Case::normal().with(|c| c.checks = flood_checks(0.5, 60.0, false))), Risk);
    assert_eq!(class(Case::normal().with(|c| c.checks = flood_checks(-0.2, 0.0, true))), Danger);
    assert_eq!(class(Case::normal().with(|c| c.structures[0].condition = 0.8)), Risk);
    assert_eq!(class(Case::normal().with(|c| c.structures[0].condition = 0.4)), Danger);
    assert_eq!(class(Case::normal().with(|c| c.structures[0].damaged = true)), Danger);
    let req = 1.25;
    for (fos, expected) in [(1.18, Danger), (1.22, Risk), (1.24, Sick), (1.25, Normal)] {
        let st = Case::normal()
            .with(|c| c.stability = vec![slope(LoadCaseKind::Normal, fos, req)])
            .status()
            .unwrap();
        assert_eq!(st.legacy.class, expected, "FoS {fos}: {:?}", st.legacy.reasons);
        assert_eq!(st.legacy.note.contains("0.98"), expected == Sick, "{}", st.legacy.note);
    }
    // The worst load case governs.
    let st = Case::normal()
        .with(|c| {
            c.stability = vec![
                slope(LoadCaseKind::Normal, 1.40, 1.25),
                slope(LoadCaseKind::Special, 1.06, 1.15),
            ]
        })
        .status()
        .unwrap();
    assert_eq!(st.legacy.class, Danger, "1.06 / 1.15 = 0.922 < 0.95");
    // Every criterion listed: flood, one per structure, one per stability row; worst first.
    assert_eq!(st.legacy.reasons.len(), 1 + 1 + 2, "{:?}", st.legacy.reasons);
    assert!(st.legacy.reasons[0].starts_with("危库"), "{:?}", st.legacy.reasons);
}

// Goal: each inspection finding places the pond in its own class and is listed. Setup: the
// normal case plus one finding at a time. Reference: the AQ 2006 lists (standards.md §7).
#[test]
fn legacy_class_from_inspection_findings() {
    for f in LegacyFinding::ALL {
        let st = Case::normal()
            .with(|c| c.inspection = Some(Inspection { findings: vec![f], ..Default::default() }))
            .status()
            .unwrap();
        assert_eq!(st.legacy.class, f.class(), "{f:?}");
        assert!(st.legacy.reasons.iter().any(|r| r.contains(f.text())), "{f:?}");
    }
    assert_eq!(LegacyFinding::DecantTowerMarkedlyTilted.class(), LegacyPondClass::Danger);
    assert_eq!(LegacyFinding::ShallowSliding.class(), LegacyPondClass::Risk);
    assert_eq!(LegacyFinding::MissingFaceDrains.class(), LegacyPondClass::Sick);
}

// ---- hazard items ---------------------------------------------------------------------------

// Goal: the items the run decides (4, 6, 7, 8, 9), hand-worked, and the run-or-inspection rule.
// Setup: the normal case changed one input at a time. Reference: standards.md §7 as read in
// risk::status::hazards. Tolerance: exact.
#[test]
fn hazard_items_decided_from_the_run() {
    let item = |c: Case, n: usize| {
        let h = c.status().unwrap().hazards[n - 1].clone();
        (h.present, h.basis)
    };
    let (sim, insp) = (HazardBasis::Simulation, HazardBasis::Inspection);
    // 8: freeboard AND beach below the minimum at the design flood.
    assert_eq!(item(Case::normal(), 8), (Some(false), sim));
    let fb_only = |c: &mut Case| c.checks = flood_checks(0.5, 100.0, false);
    assert_eq!(item(Case::normal().with(fb_only), 8), (Some(false), sim));
    let both = |c: &mut Case| c.checks = flood_checks(0.5, 60.0, false);
    assert_eq!(item(Case::normal().with(both), 8), (Some(true), sim));
    // Water-retaining dam: the beach row is not applicable, the freeboard decides.
    let retaining = |c: &mut Case| {
        c.checks = flood_checks(0.5, 100.0, false);
        c.checks[1].status = CheckStatus::NotApplicable;
    };
    assert_eq!(item(Case::normal().with(retaining), 8), (Some(true), sim));
    // ... and the inspection can add it.
    let inspected = |c: &mut Case| c.inspection = Some(inspection_with(8, true));
    assert_eq!(item(Case::normal().with(inspected), 8), (Some(true), insp));

    // 7: phreatic burial depth under the control line (normal level rows; the design-flood rows
    // only when there are no others).
    let phreatic = |rows: Vec<Check>| move |c: &mut Case| c.checks.extend(rows);
    let normal_fail = check("phreatic_burial_depth/main/normal", 5.0, 6.0, false);
    let normal_pass = check("phreatic_burial_depth/main/normal", 7.0, 6.0, true);
    let flood_fail = check("phreatic_burial_depth/main/design_flood", 5.5, 6.0, false);
    let mut control = check("control_phreatic_line/main/normal", 0.3, 0.0, false);
    control.comparison = "≤".into();
    assert_eq!(item(Case::normal(), 7), (None, HazardBasis::NotAssessed));
    assert_eq!(item(Case::normal().with(phreatic(vec![normal_fail])), 7), (Some(true), sim));
    assert_eq!(
        item(Case::normal().with(phreatic(vec![normal_pass.clone(), flood_fail.clone()])), 7),
        (Some(false), sim)
    );
    assert_eq!(item(Case::normal().with(phreatic(vec![flood_fail])), 7), (Some(true), sim));
    assert_eq!(
        item(Case::normal().with(phreatic(vec![normal_pass, control])), 7),
        (Some(true), sim)
    );

    // 9: a structure seriously blocked (condition < 0.5) or damaged.
    assert_eq!(
        item(Case::normal().with(|c| c.structures[0].condition = 0.5), 9),
        (Some(false), sim)
    );
    assert_eq!(
        item(Case::normal().with(|c| c.structures[0].condition = 0.49), 9),
        (Some(true), sim)
    );
    assert_eq!(item(Case::normal().with(|c| c.structures[0].damaged = true), 9), (Some(true), sim));
    assert_eq!(
        item(Case::normal().with(|c| c.structures.clear()), 9),
        (None, HazardBasis::NotAssessed)
    );

    // 4: current height / storage (72 m, 1.1e7 m³) above the design values.
    let design = |h: Option<f64>, v: Option<f64>| {
        move |c: &mut Case| {
            c.inspection = Some(Inspection {
                design_dam_height_m: h,
                design_storage_m3: v,
                ..Default::default()
            })
        }
    };
    assert_eq!(item(Case::normal(), 4), (None, HazardBasis::NotAssessed));
    assert_eq!(item(Case::normal().with(design(Some(72.0), Some(1.1e7))), 4), (Some(false), sim));
    assert_eq!(item(Case::normal().with(design(Some(70.0), None)), 4), (Some(true), sim));
    assert_eq!(item(Case::normal().with(design(None, Some(1.0e7))), 4), (Some(true), sim));

    // 6: a stability load case computed → absent; none and the inspection says not assessed →
    // present, from the inspection, and a major hazard.
    assert_eq!(item(Case::normal(), 6), (Some(false), sim));
    let st = Case::normal()
        .with(|c| {
            c.stability.clear();
            c.inspection = Some(inspection_with(6, true));
        })
        .status()
        .unwrap();
    assert_eq!((st.hazards[5].present, st.hazards[5].basis), (Some(true), insp));
    assert!(st.major_hazard);
    assert!(st.score.score >= 60.0);
    // Items 1–3, 5, 10–12 only from the inspection.
    for n in [1u8, 2, 3, 5, 10, 11, 12] {
        let c = Case::normal();
        assert_eq!(item(c, usize::from(n)), (None, HazardBasis::NotAssessed), "item {n}");
        let c = Case::normal().with(|c| c.inspection = Some(inspection_with(n, false)));
        assert_eq!(item(c, usize::from(n)), (Some(false), insp), "item {n}");
    }
}

// ---- warnings and roll-up -------------------------------------------------------------------

// Goal: the item levels and the GB 39496 roll-up to the pond, hand-worked. Setup: the normal case
// (freeboard 1.0 m, beach 100 m, peak 370.0 m, FoS 1.30/1.25) with site thresholds. Reference:
// defaults freeboard blue = 371.5 − 368.5 = 3.0, red = 0.7; pond level blue = 368.5, red = 371.5
// − 0.7 = 370.8 (so the peak is blue); slope yellow = 1.25, orange 0.98 ×, red 0.95 ×. Roll-up:
// 2 orange → red; 3 yellow → orange; 4 blue → yellow; otherwise the worst item.
// Tolerance: exact.
#[test]
fn item_warnings_roll_up_to_the_pond() {
    let t = |b: Option<f64>, y: Option<f64>, o: Option<f64>| ItemThresholds {
        blue: b,
        yellow: y,
        orange: o,
        red: None,
    };
    let base = Case::normal().status().unwrap();
    let by_item =
        |st: &SafetyStatus, k: &str| st.warnings.iter().find(|w| w.item == k).unwrap().level;
    assert_eq!(by_item(&base, "freeboard"), AlarmLevel::Blue);
    assert_eq!(by_item(&base, "beach_length"), AlarmLevel::None);
    assert_eq!(by_item(&base, "pond_level"), AlarmLevel::Blue);
    assert_eq!(by_item(&base, "slope_fos"), AlarmLevel::None);
    assert_eq!(base.pond_warning, AlarmLevel::Blue);

    // Two orange → red.
    let st = Case::normal()
        .with(|c| {
            c.warnings = WarningSettings {
                overrides: vec![
                    (WarningItem::Freeboard, t(None, None, Some(1.2))),
                    (WarningItem::BeachLength, t(None, None, Some(120.0))),
                ],
                ..Default::default()
            }
        })
        .status()
        .unwrap();
    assert_eq!(
        levels(&st),
        [AlarmLevel::Orange, AlarmLevel::Orange, AlarmLevel::Blue, AlarmLevel::None]
    );
    assert_eq!(st.pond_warning, AlarmLevel::Red);

    // Three yellow → orange (the rain of 60 mm is yellow by the 暴雨 50 mm default).
    let st = Case::normal()
        .with(|c| {
            c.rain_mm = Some(60.0);
            c.warnings = WarningSettings {
                overrides: vec![
                    (WarningItem::Freeboard, t(None, Some(1.5), None)),
                    (WarningItem::BeachLength, t(None, Some(150.0), None)),
                ],
                ..Default::default()
            }
        })
        .status()
        .unwrap();
    use AlarmLevel::{Blue, Orange, Red, Yellow};
    assert_eq!(levels(&st), [Yellow, Yellow, Blue, AlarmLevel::None, Yellow]);
    assert_eq!(st.pond_warning, Orange);

    // Four blue → yellow (slope blue at a site 1.35, beach blue at 110 m, rain 30 mm).
    let st = Case::normal()
        .with(|c| {
            c.rain_mm = Some(30.0);
            c.warnings = WarningSettings {
                overrides: vec![
                    (WarningItem::BeachLength, t(Some(110.0), None, None)),
                    (WarningItem::SlopeFos, t(Some(1.35), None, None)),
                ],
                ..Default::default()
            }
        })
        .status()
        .unwrap();
    assert_eq!(levels(&st), [Blue, Blue, Blue, Blue, Blue]);
    assert_eq!(st.pond_warning, Yellow);

    // One red item, the rest blue or none → red; the freeboard at exactly the minimum is red.
    let st = Case::normal().with(|c| c.checks = flood_checks(0.7, 100.0, false)).status().unwrap();
    assert_eq!(by_item(&st, "freeboard"), Red);
    assert_eq!(st.pond_warning, Red);

    // Slope: FoS between 0.95 and 0.98 × required is orange, below 0.95 × red.
    for (fos, level) in [(1.24, Yellow), (1.22, Orange), (1.18, Red)] {
        let st = Case::normal()
            .with(|c| c.stability = vec![slope(LoadCaseKind::Normal, fos, 1.25)])
            .status()
            .unwrap();
        assert_eq!(by_item(&st, "slope_fos"), level, "FoS {fos}");
    }
    // Phreatic burial: red at the minimum 6 m, orange at 1.1 × 6 = 6.6 m.
    for (depth, level) in [(7.0, AlarmLevel::None), (6.5, Orange), (6.0, Red)] {
        let st = Case::normal()
            .with(|c| {
                c.checks.push(check("phreatic_burial_depth/main/normal", depth, 6.0, depth >= 6.0))
            })
            .status()
            .unwrap();
        assert_eq!(by_item(&st, "phreatic_burial"), level, "depth {depth}");
    }
}

// ---- score ----------------------------------------------------------------------------------

fn ensemble(hits: u64, members: u64) -> EnsembleSummary {
    EnsembleSummary {
        members,
        seed: 1,
        threads: 1,
        shards: 1,
        failed_members: 0,
        p_overtopping: Probability::from_counts(hits, members),
        p_freeboard_below_min: Probability::from_counts(hits, members),
        p_beach_below_min: Probability::from_counts(hits, members),
        min_freeboard_required_m: 0.7,
        min_beach_required_m: Some(70.0),
        p_dambreak: None,
        dambreak_trigger: None,
        curves: Vec::new(),
        return_levels: Vec::new(),
        convergence: Vec::new(),
        inputs: Vec::new(),
        elapsed_s: 1.0,
        members_per_s: members as f64,
    }
}

fn reliability(hits: u64, members: u64) -> ReliabilityRow {
    let p = Probability::from_counts(hits, members);
    ReliabilityRow {
        section: "main".into(),
        load_case: LoadCaseKind::Normal,
        method: "bishop".into(),
        fos_deterministic: 1.3,
        fos_mean_fosm: 1.3,
        fos_sd_fosm: 0.1,
        beta_fosm: 3.0,
        p_failure_fosm: 0.00135,
        fos_mean_mc: 1.3,
        fos_sd_mc: 0.1,
        beta_mc: 3.0,
        p_failure_mc: p,
        inputs: Vec::new(),
        failed_samples: 0,
        surfaces: 1,
    }
}

// Goal: the score reads the ensemble's P(overtopping), the reliability's P(FoS < 1) and the
// dam-break consequence class when present. Setup: the normal case (no failing margin) with an
// ensemble of 20/10 000 overtopping members, a reliability row of 5/10 000, and GISTM Very High.
// Reference: P = max(0.002, 0.0005) = 0.002; c = 4; score = 75·(log10 0.002 + 3 + 6)/9 =
// 52.508…; likelihood 3 (10⁻³ ≤ P < 10⁻²), cell 3·4 = 12 → high. With the reliability row at
// 600/10 000 it governs (P = 0.06, likelihood 4). Without both the proxies are used.
// Tolerance 1e-9 (a few floating-point operations).
#[test]
fn score_uses_ensemble_reliability_and_consequence() {
    let st = Case::normal()
        .with(|c| {
            c.ensemble = Some(ensemble(20, 10_000));
            c.reliability = vec![reliability(5, 10_000)];
            c.consequence = Some(ConsequenceClass::VeryHigh);
        })
        .status()
        .unwrap();
    let s = &st.score;
    let expected = 75.0 * (0.002f64.log10() + 3.0 + 6.0) / 9.0;
    assert!((s.score - expected).abs() < 1e-9, "{} vs {expected}", s.score);
    assert_eq!((s.likelihood, s.consequence, s.matrix_cell.as_str()), (3, 4, "high"));
    assert_eq!(s.probability, 0.002);
    assert_eq!(s.consequence_class.as_deref(), Some("Very High"));
    assert_eq!(s.drivers[0].key, "p_overtopping");

    let st = Case::normal()
        .with(|c| {
            c.ensemble = Some(ensemble(20, 10_000));
            c.reliability = vec![reliability(600, 10_000)];
        })
        .status()
        .unwrap();
    assert_eq!((st.score.probability, st.score.likelihood), (0.06, 4));
    assert!(st.score.drivers.iter().any(|d| d.key.starts_with("p_slope_failure/main")));

    // Without both, the proxies: the slope's Φ(−ln 1.30 / 0.10) = 4.35e-3 governs the flood's
    // (1/500)·10^(−(1.0 − 0.7)/0.7) = 7.5e-4; without the stability row the flood's is used.
    let proxy = Case::normal().status().unwrap().score;
    assert_eq!(proxy.drivers[0].key, "p_slope_proxy", "{:?}", proxy.drivers);
    assert!((proxy.probability - 4.35e-3).abs() < 1e-5, "{}", proxy.probability);
    let flood_only = Case::normal().with(|c| c.stability.clear()).status().unwrap().score;
    assert_eq!(flood_only.drivers[0].key, "p_flood_proxy", "{:?}", flood_only.drivers);
    let expected = 0.002 * 10f64.powf(-0.3 / 0.7);
    assert!((flood_only.probability - expected).abs() < 1e-12, "{}", flood_only.probability);
    // Grade 三 → consequence 3 without a dam-break estimate.
    assert_eq!(proxy.consequence, 3);
}

// Goal: a failing margin is a ranked driver in the words of the check, and the score grows as
// the freeboard falls. Setup: the normal case with the design-flood freeboard 0.42 m < 0.7 m.
// Reference: the driver text "design-flood freeboard 0.42 m < 0.70 m required" and its 10 ·
// (0.7 − 0.42)/0.7 = 4 margin points.
#[test]
fn failing_freeboard_is_a_ranked_driver() {
    let st = Case::normal().with(|c| c.checks = flood_checks(0.42, 100.0, false)).status().unwrap();
    let d = st.score.drivers.iter().find(|d| d.key == "freeboard").expect("freeboard driver");
    assert_eq!(d.text_en, "design-flood freeboard 0.42 m < 0.70 m required");
    assert_eq!(d.text_zh, "设计洪水安全超高 0.42 m < 0.70 m");
    assert!((d.contribution - 4.0).abs() < 1e-9, "{}", d.contribution);
    let sorted = st.score.drivers.windows(2).all(|w| w[0].contribution >= w[1].contribution);
    assert!(sorted);
    let mut last = 0.0;
    for fb in [1.0, 0.8, 0.7, 0.5, 0.2, 0.0, -0.5] {
        let s = Case::normal().with(|c| c.checks = flood_checks(fb, 100.0, false)).status();
        let s = s.unwrap().score.score;
        assert!(s >= last, "freeboard {fb}: {s} < {last}");
        last = s;
    }
}

// ---- bad input ------------------------------------------------------------------------------

// Goal: bad [inspection] and [warnings] input is an error naming the key path, never a panic.
// Setup: the demo with one bad value per case. Reference: the path the user must edit.
#[test]
fn bad_inspection_and_warnings_name_the_key_path() {
    let demo = demo_without_geotech();
    let cases: Vec<(String, &str)> = vec![
        (
            demo.replacen("findings = []", "findings = [\"local_cracks\", \"cracked\"]", 1),
            "inspection.findings[1]",
        ),
        (
            demo.replacen("findings = []", "findings = [\"local_cracks\", \"local_cracks\"]", 1),
            "inspection.findings[1]",
        ),
        (
            demo.replacen("design_dam_height_m = 80.0", "design_dam_height_m = -80.0", 1),
            "inspection.design_dam_height_m",
        ),
        (
            demo.replacen("design_storage_m3 = 1.3e7", "design_storage_m3 = nan", 1),
            "inspection.design_storage_m3",
        ),
        (demo.replacen("date = \"2026-04-15\"", "date = \" \"", 1), "inspection.date"),
        (
            demo.replacen("design_flood_level_m = 370.6", "design_flood_level_m = 400.0", 1),
            "warnings.design_flood_level_m",
        ),
        (
            demo.replacen(
                "pre_flood_control_level_m = 368.8",
                "pre_flood_control_level_m = 368.0",
                1,
            ),
            "warnings.pre_flood_control_level_m",
        ),
        (
            demo.replacen(
                "design_flood_level_m = 370.6",
                "design_flood_level_m = 370.6\nfreeboard_m = { orange = 0.5, red = 0.7 }",
                1,
            ),
            "warnings.freeboard_m.red",
        ),
        (
            demo.replacen(
                "design_flood_level_m = 370.6",
                "design_flood_level_m = 370.6\nrainfall_24h_mm = { blue = -5.0 }",
                1,
            ),
            "warnings.rainfall_24h_mm.blue",
        ),
    ];
    // Without an operating control level, the normal level 368.5 m bounds the pre-flood level.
    let no_operating = demo.replacen("operating_control_level_m = 368.5\n", "", 1).replacen(
        "pre_flood_control_level_m = 368.8",
        "pre_flood_control_level_m = 368.0",
        1,
    );
    let mut cases = cases;
    cases.push((no_operating, "warnings.pre_flood_control_level_m"));
    for (text, path) in &cases {
        let err = scenario::parse(text, &demo_dir(), "bad.toml").expect_err(path);
        let problems = err.problems();
        assert!(problems.iter().any(|p| p.path == *path), "{path}: {problems:?}");
    }
    // Unknown keys are syntax errors naming the table.
    for (from, to) in [
        ("unapproved_works = { present = false }", "unapproved_work = { present = false }"),
        ("findings = []", "finding = []"),
        ("design_flood_level_m = 370.6", "design_flood_level_m = 370.6\nfreeboard = { red = 1.0 }"),
    ] {
        let err =
            scenario::parse(&demo.replacen(from, to, 1), &demo_dir(), "bad.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("inspection") || text.contains("warnings"), "{text}");
    }
    // A site threshold that contradicts a default (orange 0.5 m below the code minimum 0.7 m,
    // the default red) is refused when the status is assessed, naming the item.
    let s = parse(&demo.replacen(
        "design_flood_level_m = 370.6",
        "design_flood_level_m = 370.6\nfreeboard_m = { orange = 0.5 }",
        1,
    ));
    let flood = tailtwin::pipeline::run_flood(&s, &RunSettings::default()).unwrap();
    let err = assess_status(&s, &flood, None, &[], None).unwrap_err().to_string();
    assert!(err.contains("warnings.freeboard_m"), "{err}");
    // ... and the same contradiction in a hand-built input is the risk crate's typed error.
    let err = Case::normal()
        .with(|c| {
            c.warnings = site(
                WarningItem::Freeboard,
                ItemThresholds { orange: Some(0.5), ..Default::default() },
            )
        })
        .status()
        .unwrap_err();
    assert!(matches!(err, RiskError::Warnings { ref item, .. } if item == "freeboard_m"), "{err}");
}

// Goal: the demo's full status with its dam section: items 6 and 7 and the slope criterion come
// from the seepage and stability stages. Setup: the demo through `geotech::run_scenario` (slow in
// debug builds: seepage at two levels and four methods × three load cases — ignored by default).
// Reference: a stability load case with a factor of safety → item 6 absent (simulation); the
// phreatic checks against the site minimum burial depth 6 m decide item 7; every stability row
// with a minimum is a legacy-class reason; the slope item is judged against the governing row.
#[test]
#[ignore = "full seepage + stability run of the demo (minutes in a debug build)"]
fn demo_full_status_uses_seepage_and_stability() {
    let s = parse(&super::common::demo_text());
    let run = tailtwin::pipeline::geotech::run_scenario(&s, &RunSettings { threads: 2 }).unwrap();
    let st = assess_status(&s, &run, None, &[], None).unwrap();
    println!("{}", serde_json::to_string_pretty(&st).unwrap());
    assert_eq!(
        (st.hazards[5].present, st.hazards[5].basis),
        (Some(false), HazardBasis::Simulation)
    );
    assert_eq!(st.hazards[6].basis, HazardBasis::Simulation, "{}", st.hazards[6].evidence);
    let with_min =
        run.report.stability.iter().filter(|r| r.fos.is_some() && r.required_fos.is_some());
    let fos_reasons = st.legacy.reasons.iter().filter(|r| r.contains("FoS")).count();
    assert_eq!(fos_reasons, with_min.count());
    assert!(st.warnings.iter().any(|w| w.item == "slope_fos"));
    assert!(st.warnings.iter().any(|w| w.item == "phreatic_burial"));
}

// Goal: a design storm's rain item is listed but does not colour the pond; observed rain does.
// Setup: the normal case (every other item blue or none) with a 24 h depth of 416.7 mm (the demo's
// 500-year storm), as a design storm and as observed rain. Reference: red above 250 mm (the
// default), so observed rain makes the pond red; as a design storm the roll-up of the remaining
// items is what it was without rain. Tolerance: exact.
#[test]
fn design_storm_rain_is_listed_but_not_rolled_up() {
    let without_rain = Case::normal().status().unwrap().pond_warning;
    let design = Case::normal()
        .with(|c| {
            c.rain_mm = Some(416.7);
            c.rain_observed = false;
        })
        .status()
        .unwrap();
    let rain = design.warnings.iter().find(|w| w.item == "rainfall_24h").expect("rain item");
    assert_eq!(rain.level, AlarmLevel::Red);
    assert_eq!(design.pond_warning, without_rain);
    assert_ne!(without_rain, AlarmLevel::Red, "the case must leave room for the rain to matter");
    let observed = Case::normal().with(|c| c.rain_mm = Some(416.7)).status().unwrap();
    assert_eq!(observed.pond_warning, AlarmLevel::Red);
}

// Goal: an ensemble or a reliability run that saw no failures does not make the probability 0;
// it falls back to the proxy (flood) or FOSM (slope), capped at 1/n so that no hits never scores
// above one hit. Setup: the normal case without stability rows; ensembles of 0 and 1 in 2000 and
// 0 in 10⁶ members; a reliability row with 0 MC hits in 1000 samples and P_FOSM = 1.35e-3.
// Reference: the proxy (1/500)·10^(−0.3/0.7) = 7.46e-4 exceeds 1/2000 = 5e-4, so P = 5e-4 at
// n = 2000 — the same as one hit in 2000; at n = 10⁶ the cap 1e-6 governs. Slope (the flood
// proxy 7.46e-4 is smaller): min(1.35e-3, 1/1000) = 1e-3. Tolerance: exact (closed-form arithmetic).
#[test]
fn zero_hit_monte_carlo_falls_back_to_proxy_or_fosm_capped_at_one_over_n() {
    let flood = |hits, n| {
        Case::normal()
            .with(|c| {
                c.stability.clear();
                c.ensemble = Some(ensemble(hits, n));
            })
            .status()
            .unwrap()
            .score
    };
    let zero = flood(0, 2000);
    assert_eq!(zero.probability, 5e-4);
    assert!(zero.drivers.iter().any(|d| d.key == "p_overtopping"), "{:?}", zero.drivers);
    let one = flood(1, 2000);
    assert_eq!(one.probability, 5e-4);
    assert!(zero.score <= one.score);
    assert_eq!(flood(0, 1_000_000).probability, 1e-6);
    let slope =
        Case::normal().with(|c| c.reliability = vec![reliability(0, 1000)]).status().unwrap().score;
    assert_eq!(slope.probability, 1e-3, "{:?}", slope.drivers);
}
