//! Pond grade (等别) from total storage and dam height (GB 50863 §3.3.1).
//!
//! Each quantity is looked up alone in its band table. If the two grades agree, that is the grade;
//! if they differ by one, the higher (more important) one applies; if by more than one, the higher
//! one lowered by one. Except grade 一, the grade may be raised by one when a failure would
//! severely affect towns, major enterprises, trunk railways or expressways downstream. The dam
//! (main structure) class equals the grade number.

use serde::{Deserialize, Serialize};
use tailtwin_core::Confidence;

use crate::error::RiskError;
use crate::limits::LimitSet;
use crate::source::{Limit, Source};
use crate::tables::GradeBand;
use crate::types::Grade;

/// Which branch of the disagreement rule decided the grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeRule {
    /// Storage and height give the same grade.
    Agree,
    /// They differ by one: the higher grade applies.
    DifferByOne,
    /// They differ by more than one: the higher grade lowered by one applies.
    DifferByMore,
}

impl GradeRule {
    /// Description in Chinese.
    pub fn text_zh(self) -> &'static str {
        match self {
            GradeRule::Agree => "两者相同",
            GradeRule::DifferByOne => "相差一等，取高者",
            GradeRule::DifferByMore => "相差大于一等，按高者降低一等",
        }
    }

    /// Description in English.
    pub fn text_en(self) -> &'static str {
        match self {
            GradeRule::Agree => "both agree",
            GradeRule::DifferByOne => "differ by one: the higher applies",
            GradeRule::DifferByMore => "differ by more than one: the higher, lowered by one",
        }
    }
}

/// Combines the grade by storage and the grade by height (the disagreement rule).
pub fn combine_grades(by_storage: Grade, by_height: Grade) -> (Grade, GradeRule) {
    let higher = by_storage.min(by_height); // 一 = 1 is the highest grade
    match by_storage.number().abs_diff(by_height.number()) {
        0 => (higher, GradeRule::Agree),
        1 => (higher, GradeRule::DifferByOne),
        _ => (higher.lowered(), GradeRule::DifferByMore),
    }
}

/// The grade of a pond and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeAssessment {
    pub storage_m3: f64,
    pub height_m: f64,
    /// Band of the total storage.
    pub by_storage: Limit<GradeBand>,
    /// Band of the dam height.
    pub by_height: Limit<GradeBand>,
    pub rule: GradeRule,
    /// Grade after the disagreement rule, before any raise.
    pub combined: Grade,
    /// The severe-downstream-consequence raise was applied.
    pub raised: bool,
    /// The grade that applies (a site value when `[limits] grade` is set).
    pub grade: Limit<Grade>,
}

impl GradeAssessment {
    /// Dam class (= grade number).
    pub fn dam_class(&self) -> Grade {
        self.grade.value
    }
}

/// Weaker of two confidences (verified > secondary > recalled).
pub(crate) fn weaker(a: Confidence, b: Confidence) -> Confidence {
    let rank = |c: Confidence| match c {
        Confidence::Site | Confidence::Verified => 3,
        Confidence::Secondary => 2,
        Confidence::Recalled => 1,
    };
    if rank(a) <= rank(b) { a } else { b }
}

fn check_input(field: &'static str, value: f64) -> Result<f64, RiskError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(RiskError::InvalidInput { field, value, requirement: "must be positive and finite" })
    }
}

/// Grades a pond from its total storage (m³) and dam height (m) under `limits`' edition.
pub fn assess_grade(
    limits: &LimitSet<'_>,
    storage_m3: f64,
    height_m: f64,
    severe_downstream: bool,
) -> Result<GradeAssessment, RiskError> {
    let storage_m3 = check_input("total_storage_m3", storage_m3)?;
    let height_m = check_input("dam_height_m", height_m)?;
    let edition = limits.edition();
    let by_storage = limits.tables().grade_by_storage(edition, storage_m3)?;
    let by_height = limits.tables().grade_by_height(edition, height_m)?;
    let (combined, rule) = combine_grades(by_storage.value.grade, by_height.value.grade);
    let raised = severe_downstream && combined != Grade::I;
    let computed = if raised { combined.raised() } else { combined };

    let grade = match limits.grade_override() {
        Some(site) => site,
        None => {
            let (s, h) = (&by_storage.source, &by_height.source);
            // Both bands normally come from one standard; if a site table splits them, cite both.
            let clause = if s.standard == h.standard {
                s.clause.clone()
            } else {
                format!("{}; {}", s.clause, h.citation())
            };
            Limit {
                value: computed,
                source: Source {
                    standard: s.standard,
                    clause,
                    confidence: weaker(s.confidence, h.confidence),
                    note: String::new(),
                    fallback: s.fallback || h.fallback,
                },
            }
        }
    };
    Ok(GradeAssessment {
        storage_m3,
        height_m,
        by_storage,
        by_height,
        rule,
        combined,
        raised,
        grade,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::LimitOverrides;
    use crate::types::Edition;

    fn g(n: u8) -> Grade {
        Grade::new(n).unwrap()
    }

    #[test]
    fn disagreement_rule_covers_every_pair() {
        for a in 1..=5u8 {
            for b in 1..=5u8 {
                let (grade, rule) = combine_grades(g(a), g(b));
                let hi = a.min(b);
                let expected = match a.abs_diff(b) {
                    0 | 1 => hi,
                    _ => hi + 1,
                };
                assert_eq!(grade, g(expected), "V grade {a}, H grade {b}");
                assert_eq!(rule == GradeRule::Agree, a == b);
                // The combined grade never lies outside the two inputs.
                assert!(grade.number() >= hi && grade.number() <= a.max(b));
            }
        }
    }

    #[test]
    fn raise_is_one_grade_and_never_above_grade_one() {
        let limits = LimitSet::new(Edition::Gb39496_2020, LimitOverrides::default()).unwrap();
        // V = 2e7 m³ (三), H = 72 m (三).
        let plain = assess_grade(&limits, 2.0e7, 72.0, false).unwrap();
        let severe = assess_grade(&limits, 2.0e7, 72.0, true).unwrap();
        assert_eq!(plain.grade.value, Grade::III);
        assert_eq!(severe.grade.value, Grade::II);
        assert!(severe.raised);
        // V = 6e8 m³ (一), H = 210 m (一): no raise beyond 一.
        let top = assess_grade(&limits, 6.0e8, 210.0, true).unwrap();
        assert_eq!(top.grade.value, Grade::I);
        assert!(!top.raised);
    }

    #[test]
    fn weaker_confidence_orders_verified_secondary_recalled() {
        assert_eq!(weaker(Confidence::Verified, Confidence::Recalled), Confidence::Recalled);
        assert_eq!(weaker(Confidence::Secondary, Confidence::Verified), Confidence::Secondary);
        assert_eq!(weaker(Confidence::Recalled, Confidence::Secondary), Confidence::Recalled);
    }
}
