//! The safety status of a pond (issue 6 items 3–4): the twelve 重大事故隐患 items, the legacy
//! AQ 2006-2005 class, the warning level per item with the GB 39496 roll-up, and the 0–100 risk
//! score with its ranked drivers — all from one run's products ([`StatusInput`]) plus the
//! scenario's inspection record ([`Inspection`]) and warning thresholds ([`WarningSettings`]).
//!
//! - [`hazards`]: items 4, 6, 7, 8, 9 decided from the run where it can (design height and
//!   capacity, the stability load cases, the phreatic checks, the freeboard and beach checks, the
//!   structures' condition factors); every item also from the inspection record; neither →
//!   not assessed. An item is present when the run *or* the inspection says so.
//! - [`legacy_class`]: 正常/病/险/危 (labelled superseded), every criterion listed.
//! - [`warnings`]: 蓝/黄/橙/红 per item at the assessed (design-flood) state, then
//!   `tailtwin_core::roll_up` to the pond.
//! - [`score`]: likelihood × consequence on log scales plus check-margin terms, a floor when a
//!   重大事故隐患 is present; monotone in every input (property-tested).
//!
//! Verification: unit tests in each module; tests/status.rs runs the demo through the pipeline
//! and hand-worked cases for every legacy class, the 0.98–1.00 gap, the hazard items, the
//! roll-up and the score's monotonicity.

pub mod hazards;
pub mod legacy_class;
pub mod score;
pub mod warnings;

use serde::{Deserialize, Serialize};
use tailtwin_core::assessment::{EnsembleSummary, ReliabilityRow, SafetyStatus};
use tailtwin_core::{Check, CheckStatus, StabilityResultRow};

use crate::consequence::ConsequenceClass;
use crate::error::RiskError;
use crate::tables::LimitTables;

pub use hazards::{HAZARD_KEYS, SERIOUS_BLOCKAGE_CONDITION, hazard_items};
pub use legacy_class::{LegacyFinding, classify_legacy};
pub use score::{ScoreInput, risk_score};
pub use warnings::{ItemThresholds, WarningItem, WarningSettings, item_warnings};

/// An inspection finding on one 重大事故隐患 item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub present: bool,
    /// What the inspector saw (may be empty).
    pub note: String,
}

/// The scenario's `[inspection]` record (validated).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// Date of the inspection as written (free text, e.g. `2026-04-15`).
    pub date: Option<String>,
    /// Design (approved final) dam height, m, and total storage, m³ — item 4 compares the
    /// pond's current `dam_height_m` and `total_storage_m3` with them.
    pub design_dam_height_m: Option<f64>,
    pub design_storage_m3: Option<f64>,
    /// Findings on the twelve items, indexed by item number − 1.
    pub hazards: [Option<Finding>; 12],
    /// Findings that bear on the legacy class.
    pub findings: Vec<LegacyFinding>,
}

/// The condition of one discharge structure as the scenario gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct StructureCondition {
    pub id: String,
    /// Fraction of the capacity remaining (1 = clear).
    pub condition: f64,
    /// Closed or destroyed.
    pub damaged: bool,
}

/// What the status is assessed from: one run's check rows and products, and the scenario's
/// design values, inspection and thresholds. The pipeline fills it (see
/// `tailtwin_pipeline::status::assess_status`).
#[derive(Debug, Clone)]
pub struct StatusInput<'a> {
    /// Every check row of the run (flood, seepage, stability).
    pub checks: &'a [Check],
    /// Stability results (each load case and method).
    pub stability: &'a [StabilityResultRow],
    pub structures: Vec<StructureCondition>,
    /// Current dam height (m) and total storage (m³) — `[pond]`.
    pub dam_height_m: f64,
    pub total_storage_m3: f64,
    /// Beach crest and normal level, m (pond-level thresholds).
    pub beach_crest_m: f64,
    pub normal_level_m: f64,
    /// Peak stage of the design flood, m.
    pub peak_stage_m: f64,
    /// Greatest trailing 24 h depth of the design storm, mm (None: no storm).
    pub design_rain_24h_mm: Option<f64>,
    /// Whether that rain was observed (gauge records) rather than a design storm. A design
    /// storm's rain item is listed but left out of the pond roll-up: the storm is the assumed
    /// load of the assessment, not a state of the pond, and a design storm of any return period
    /// worth checking is 暴雨 or worse, so it would colour every pond alike.
    pub rain_observed: bool,
    /// Return period of the design storm, years (the deterministic likelihood proxy).
    pub design_return_period_years: Option<f64>,
    /// Pond grade 1 (一) … 5 (五) (the consequence proxy without a dam-break estimate).
    pub grade_number: Option<u8>,
    pub ensemble: Option<&'a EnsembleSummary>,
    pub reliability: &'a [ReliabilityRow],
    /// GISTM class of the dam-break estimate, when one was run.
    pub consequence: Option<ConsequenceClass>,
    pub inspection: Option<&'a Inspection>,
    pub warnings: &'a WarningSettings,
    /// Tables holding the AQ 2006 multipliers.
    pub tables: &'a LimitTables,
}

impl StatusInput<'_> {
    /// The check row with this id.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Check rows whose id starts with `prefix`.
    pub fn checks_with_prefix<'b>(&'b self, prefix: &'b str) -> impl Iterator<Item = &'b Check> {
        self.checks.iter().filter(move |c| c.id.starts_with(prefix))
    }

    /// Whether the check `id` exists and failed.
    pub fn failed(&self, id: &str) -> bool {
        self.check(id).is_some_and(|c| c.status == CheckStatus::Fail)
    }
}

/// The whole status: hazards, legacy class, warnings and roll-up, score.
pub fn assess_safety_status(input: &StatusInput<'_>) -> Result<SafetyStatus, RiskError> {
    let hazards = hazard_items(input);
    let major_hazard = hazards.iter().any(|h| h.present == Some(true));
    let legacy = classify_legacy(input, &hazards)?;
    let warnings = item_warnings(input)?;
    let rolled: Vec<_> = warnings
        .iter()
        .filter(|w| input.rain_observed || w.item != WarningItem::Rainfall24h.key())
        .map(|w| w.level)
        .collect();
    let pond_warning = tailtwin_core::roll_up(&rolled);
    let score = risk_score(&ScoreInput::from_status(input, &hazards)?);
    Ok(SafetyStatus { hazards, major_hazard, legacy, warnings, pond_warning, score })
}

/// A one-decimal number for evidence texts.
pub(crate) fn f2(v: f64) -> String {
    format!("{v:.2}")
}
