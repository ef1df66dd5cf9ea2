//! The flood-season checks: one [`Check`] row per requirement, from the pond's facts, the routed
//! design flood and the limits of the selected edition.
//!
//! Comparison convention: the codes phrase minima as "不应小于" (shall not be less than) and the
//! drain rule as "within 72 h", so a value equal to its limit passes (≥ for minima, ≤ for the drain
//! time). Values are compared as computed, without rounding or tolerance: a tolerance would turn a
//! fail into a pass.

use serde::{Deserialize, Serialize};
use tailtwin_core::{Check, CheckStatus, RoutedPond};

use crate::error::RiskError;
use crate::grade::{GradeAssessment, assess_grade};
use crate::limits::LimitSet;
use crate::rows::{
    Row, Rows, drain_row, edition_source, freeboard_and_beach_rows, grade_rows, pass_if,
    water_retaining_row,
};
use crate::source::{Limit, ReturnPeriodRange};
use crate::types::{DamType, Edition, Period};

/// Wave allowances of a water-retaining dam (GB 50863 §4.2.3), m.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WaterRetaining {
    /// Dam crest elevation, m (absolute).
    pub crest_m: f64,
    /// Wind set-up (风壅高度), m; `None` when not assessed.
    pub wind_setup_m: Option<f64>,
    /// Wave run-up (波浪爬高), m; `None` when not assessed.
    pub wave_runup_m: Option<f64>,
}

/// What the checks need to know about the pond beyond the routed flood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PondFacts {
    /// Total storage (全库容) of the assessed period, m³.
    pub total_storage_m3: f64,
    /// Dam height (坝高), m.
    pub dam_height_m: f64,
    pub dam_type: DamType,
    pub period: Period,
    /// Dry-stack pond (干式尾矿库): the 72 h drain rule applies.
    pub dry_stack: bool,
    /// The dam retains water (挡水坝): §4.2.3 applies instead of the beach rule.
    pub water_retaining: Option<WaterRetaining>,
    /// Failure would severely affect towns, major enterprises, trunk railways or expressways:
    /// raise the grade by one (not above 一).
    pub severe_downstream: bool,
    /// Return period of the routed design storm, years (`None` for observed or given floods).
    pub storm_return_period_years: Option<f64>,
    /// Require the upper end of the flood-standard range (near the top of the grade, long service
    /// life or serious downstream hazard; GB 39496 §5.4.1).
    pub use_upper_end_of_flood_range: bool,
    /// End of the storm, s from the routing start; the 72 h clock starts here (else at the peak
    /// stage).
    pub storm_end_s: Option<f64>,
    /// Reduction of the minimum beach length applied by the design (0 to the permitted maximum,
    /// classes 3–5 only, where seepage stability is demonstrated).
    pub beach_reduction_fraction: f64,
}

impl PondFacts {
    /// Facts of a wet pond in its middle-late period with no design storm, no water-retaining dam,
    /// no severe-consequence raise and no beach reduction; set the other fields as needed.
    pub fn new(total_storage_m3: f64, dam_height_m: f64, dam_type: DamType) -> PondFacts {
        PondFacts {
            total_storage_m3,
            dam_height_m,
            dam_type,
            period: Period::MiddleLate,
            dry_stack: false,
            water_retaining: None,
            severe_downstream: false,
            storm_return_period_years: None,
            use_upper_end_of_flood_range: false,
            storm_end_s: None,
            beach_reduction_fraction: 0.0,
        }
    }
}

/// The flood standard a pond must meet: its grade, the tabulated range and the required value.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignFloodRequirement {
    pub grade: GradeAssessment,
    /// Flood-standard range of the grade and period.
    pub range: Limit<ReturnPeriodRange>,
    /// The return period the design storm must reach, years (lower or upper end of `range`).
    pub required_years: f64,
}

/// The grade and the required design-flood return period of a pond, without a routed flood (e.g.
/// to pick the design storm before routing it).
pub fn design_flood_requirement(
    facts: &PondFacts,
    limits: &LimitSet<'_>,
) -> Result<DesignFloodRequirement, RiskError> {
    let grade =
        assess_grade(limits, facts.total_storage_m3, facts.dam_height_m, facts.severe_downstream)?;
    let range = limits.design_flood(grade.dam_class(), facts.period)?;
    let required_years = range.value.required(facts.use_upper_end_of_flood_range);
    Ok(DesignFloodRequirement { grade, range, required_years })
}

/// Settings of the checks, with documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CheckSettings {
    /// Share of the peak stored flood volume that may remain when a dry-stack flood counts as
    /// discharged (see [`crate::drain`]). Default 0.01: well inside the uncertainty of a design
    /// flood volume, and it keeps an asymptotic drawdown finite.
    pub drain_residual_fraction: f64,
    /// Mass-balance error (|%|) above which the report warns. Default 0.1 %: a converged level-pool
    /// run closes far below this.
    pub mass_balance_warn_pct: f64,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings { drain_residual_fraction: 0.01, mass_balance_warn_pct: 0.1 }
    }
}

/// Everything the checks produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub edition: Edition,
    pub grade: GradeAssessment,
    /// Flood-standard range of the grade and period.
    pub design_flood: Limit<ReturnPeriodRange>,
    /// The return period the storm must reach, years.
    pub required_return_period_years: f64,
    pub checks: Vec<Check>,
    /// Report warnings: recalled limits, values taken from another standard, run problems.
    pub warnings: Vec<String>,
}

impl Assessment {
    /// The grade as a Chinese numeral (Report.grade), e.g. "三".
    pub fn grade_numeral(&self) -> &'static str {
        self.grade.grade.value.numeral()
    }

    /// The grade as a number 1–5 (Report.grade_number).
    pub fn grade_number(&self) -> u8 {
        self.grade.grade.value.number()
    }

    /// Whether any check failed (the CLI's exit status 1).
    pub fn any_failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == CheckStatus::Fail)
    }
}

fn finite(field: &'static str, value: f64) -> Result<f64, RiskError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(RiskError::InvalidInput { field, value, requirement: "must be finite" })
    }
}

fn non_negative(field: &'static str, value: f64) -> Result<f64, RiskError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(RiskError::InvalidInput { field, value, requirement: "must be finite and ≥ 0" })
    }
}

fn validate(facts: &PondFacts, routed: &RoutedPond) -> Result<(), RiskError> {
    if let Some(t) = facts.storm_return_period_years
        && !(t.is_finite() && t >= 1.0)
    {
        return Err(RiskError::InvalidInput {
            field: "storm_return_period_years",
            value: t,
            requirement: "must be finite and at least 1 year",
        });
    }
    if let Some(t) = facts.storm_end_s {
        finite("storm_end_s", t)?;
    }
    let f = facts.beach_reduction_fraction;
    if !(f.is_finite() && (0.0..1.0).contains(&f)) {
        return Err(RiskError::InvalidInput {
            field: "beach_reduction_fraction",
            value: f,
            requirement: "must lie in [0, 1)",
        });
    }
    if let Some(w) = &facts.water_retaining {
        finite("water_retaining.crest_m", w.crest_m)?;
        if let Some(v) = w.wind_setup_m {
            non_negative("water_retaining.wind_setup_m", v)?;
        }
        if let Some(v) = w.wave_runup_m {
            non_negative("water_retaining.wave_runup_m", v)?;
        }
    }
    finite("routed.min_freeboard_m", routed.min_freeboard_m)?;
    non_negative("routed.min_beach_length_m", routed.min_beach_length_m)?;
    finite("routed.peak_stage_m", routed.peak_stage_m)?;
    finite("routed.time_of_peak_stage_s", routed.time_of_peak_stage_s)?;
    non_negative("routed.overtopping_volume_m3", routed.overtopping_volume_m3)?;
    Ok(())
}

/// Runs every flood-season check on a routed design flood.
///
/// Rows, by id: `grade_storage`, `grade_height`, `grade` (info), `design_flood_return_period`,
/// `freeboard`, `beach_length`, `overtopping`, `water_retaining_freeboard`, `dry_stack_drain`,
/// `mass_balance` (info).
pub fn flood_season_checks(
    facts: &PondFacts,
    routed: &RoutedPond,
    limits: &LimitSet<'_>,
    settings: &CheckSettings,
) -> Result<Assessment, RiskError> {
    validate(facts, routed)?;
    let warn_pct = settings.mass_balance_warn_pct;
    if !(warn_pct.is_finite() && warn_pct >= 0.0) {
        return Err(RiskError::InvalidInput {
            field: "mass_balance_warn_pct",
            value: warn_pct,
            requirement: "must be finite and ≥ 0",
        });
    }
    let edition = limits.edition();
    let mut rows = Rows { edition, checks: Vec::new(), warnings: Vec::new() };
    if edition.standard().superseded() {
        rows.warn(format!(
            "{edition} is superseded by GB 39496-2020; its limits are applied as selected"
        ));
    }

    let DesignFloodRequirement { grade, range: design_flood, required_years: required } =
        design_flood_requirement(facts, limits)?;
    grade_rows(&mut rows, &grade);
    let class = grade.dam_class();

    // Design flood standard.
    let end = if facts.use_upper_end_of_flood_range { "upper" } else { "lower" };
    let pmf = if design_flood.value.pmf_alternative {
        " 可取PMF / the PMF is an accepted alternative."
    } else {
        ""
    };
    let range_note = format!(
        "{}等库{}防洪标准 {} 年，取{}端 / grade {} {} period: flood standard {} years, {} end \
         required.{pmf}",
        class.numeral(),
        facts.period.label_zh(),
        design_flood.value.text(),
        if facts.use_upper_end_of_flood_range { "上" } else { "下" },
        class.number(),
        facts.period.label_en(),
        design_flood.value.text(),
        end,
    );
    let (value, status, note) = match facts.storm_return_period_years {
        Some(t) => (Some(t), pass_if(t >= required), range_note),
        None => (
            None,
            CheckStatus::NotApplicable,
            format!(
                "无设计暴雨重现期（实测或给定洪水）/ no design-storm return period (observed or \
                 given flood). {range_note}"
            ),
        ),
    };
    rows.push(Row {
        id: "design_flood_return_period",
        name_zh: "防洪标准（洪水重现期）",
        name_en: "Design flood return period",
        value,
        limit: Some(required),
        unit: "years",
        comparison: "≥",
        status,
        note,
        source: &design_flood.source,
    });

    freeboard_and_beach_rows(&mut rows, facts, routed, limits, class)?;

    // Overtopping.
    let overtop_src = edition_source(edition, "安全超高定义 / freeboard definition");
    rows.push(Row {
        id: "overtopping",
        name_zh: "漫顶",
        name_en: "Overtopping",
        value: Some(routed.overtopping_volume_m3),
        limit: Some(0.0),
        unit: "m³",
        comparison: "≤",
        status: pass_if(!routed.overtopped),
        note: if routed.overtopped {
            format!(
                "洪水漫过坝顶 {:.1} h / the flood overtops the dam crest for {:.1} h",
                routed.overtopping_duration_s / 3600.0,
                routed.overtopping_duration_s / 3600.0
            )
        } else {
            "洪水未漫顶 / the dam crest is not overtopped".into()
        },
        source: &overtop_src,
    });

    water_retaining_row(&mut rows, facts, routed, limits, class)?;
    drain_row(&mut rows, facts, routed, limits, settings)?;

    // Mass balance (information on the routing's own accuracy).
    let mb = &routed.mass_balance;
    if !(mb.error_pct.is_finite() && mb.error_m3.is_finite()) {
        return Err(RiskError::InconsistentRoutedPond(format!(
            "mass-balance error is not finite ({} m³, {} %)",
            mb.error_m3, mb.error_pct
        )));
    }
    if mb.error_pct.abs() > settings.mass_balance_warn_pct {
        rows.warn(format!(
            "水量平衡误差 / mass-balance error {:.3} % exceeds {} %: tighten the routing tolerances",
            mb.error_pct, settings.mass_balance_warn_pct
        ));
    }
    let mb_src = edition_source(edition, "— (数值检查 / numerical check)");
    rows.push(Row {
        id: "mass_balance",
        name_zh: "水量平衡误差",
        name_en: "Mass-balance error",
        value: Some(mb.error_pct),
        limit: None,
        unit: "%",
        comparison: "",
        status: CheckStatus::Info,
        note: format!(
            "误差 {:.3e} m³；初始 {:.4e} m³，入流 {:.4e} m³，出流 {:.4e} m³，末 {:.4e} m³ / \
             error {:.3e} m³; initial {:.4e}, in {:.4e}, out {:.4e}, final {:.4e} m³",
            mb.error_m3,
            mb.initial_storage_m3,
            mb.total_inflow_m3() + 0.0,
            mb.total_outflow_m3() + 0.0,
            mb.final_storage_m3,
            mb.error_m3,
            mb.initial_storage_m3,
            mb.total_inflow_m3() + 0.0,
            mb.total_outflow_m3() + 0.0,
            mb.final_storage_m3
        ),
        source: &mb_src,
    });

    Ok(Assessment {
        edition,
        grade,
        design_flood,
        required_return_period_years: required,
        checks: rows.checks,
        warnings: rows.warnings,
    })
}
