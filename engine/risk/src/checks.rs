//! The flood-season checks: one [`Check`] row per requirement, from the pond's facts, the routed
//! design flood and the limits of the selected edition.
//!
//! Comparison convention: the codes phrase minima as "不应小于" (shall not be less than) and the
//! drain rule as "within 72 h", so a value equal to its limit passes (≥ for minima, ≤ for the drain
//! time). Values are compared as computed, without rounding or tolerance: a tolerance would turn a
//! fail into a pass.

use serde::{Deserialize, Serialize};
use tailtwin_core::{Check, CheckStatus, Confidence, RoutedPond, Standard};

use crate::drain::{DrainTime, drain_time};
use crate::error::RiskError;
use crate::grade::{GradeAssessment, assess_grade, weaker};
use crate::limits::LimitSet;
use crate::source::{Limit, ReturnPeriodRange, Source};
use crate::types::{DamType, Edition, Grade, Period};

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

/// Collects rows and the warnings their limits raise.
struct Rows {
    edition: Edition,
    checks: Vec<Check>,
    warnings: Vec<String>,
}

/// The varying parts of one row.
struct Row<'a> {
    id: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    value: Option<f64>,
    limit: Option<f64>,
    unit: &'static str,
    comparison: &'static str,
    status: CheckStatus,
    note: String,
    source: &'a Source,
}

impl Rows {
    fn push(&mut self, row: Row<'_>) {
        let src = row.source;
        // Every recalled limit is flagged; of the info rows only the grade itself (it inherits the
        // weaker mark of its two bands), not each band again.
        if src.is_recalled() {
            let what = match row.limit {
                Some(limit) => format!("limit {} {}", fmt_num(limit), row.unit),
                None if row.id == "grade" => "grade band".to_string(),
                None => String::new(),
            };
            if !what.is_empty() {
                self.warn(format!(
                    "{} / {}: {what} recalled, not verified — override in [limits] ({})",
                    row.name_zh,
                    row.name_en,
                    src.citation()
                ));
            }
        }
        if src.fallback {
            self.warn(format!(
                "{} / {}: {} does not tabulate this limit; taken from {}",
                row.name_zh,
                row.name_en,
                self.edition,
                src.citation()
            ));
        }
        let mut note = row.note;
        if !src.note.is_empty() {
            note = format!("{note} [{}]", src.note);
        }
        self.checks.push(Check {
            id: row.id.into(),
            name_zh: row.name_zh.into(),
            name_en: row.name_en.into(),
            value: row.value,
            limit: row.limit,
            unit: row.unit.into(),
            comparison: row.comparison.into(),
            status: row.status,
            standard: src.standard,
            clause: src.clause.clone(),
            confidence: src.confidence,
            note,
        });
    }

    fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }
}

/// Shortest decimal text of a value (no trailing zeros beyond 3 decimals).
fn fmt_num(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn pass_if(ok: bool) -> CheckStatus {
    if ok { CheckStatus::Pass } else { CheckStatus::Fail }
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

/// A source for rows that compare with no code value (overtopping, mass balance): the edition,
/// with the clause saying what the row rests on.
fn edition_source(edition: Edition, clause: &str) -> Source {
    Source {
        standard: edition.standard(),
        clause: clause.into(),
        confidence: Confidence::Verified,
        note: String::new(),
        fallback: false,
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

fn band_text(band: &crate::tables::GradeBand, scale: f64) -> String {
    match (band.from, band.below) {
        (Some(lo), Some(hi)) => format!("{} ≤ x < {}", fmt_num(lo / scale), fmt_num(hi / scale)),
        (Some(lo), None) => format!("x ≥ {}", fmt_num(lo / scale)),
        (None, Some(hi)) => format!("x < {}", fmt_num(hi / scale)),
        (None, None) => "all x".into(),
    }
}

fn grade_rows(rows: &mut Rows, g: &GradeAssessment) {
    let s = &g.by_storage;
    rows.push(Row {
        id: "grade_storage",
        name_zh: "按全库容定等",
        name_en: "Grade by total storage",
        value: Some(g.storage_m3),
        limit: None,
        unit: "m³",
        comparison: "",
        status: CheckStatus::Info,
        note: format!(
            "全库容 V = {} 万m³，{}（万m³）→ {}等 / V = {} ×10⁴ m³ in band {} (10⁴ m³) → grade {}",
            fmt_num(g.storage_m3 / 1e4),
            band_text(&s.value, 1e4),
            s.value.grade.numeral(),
            fmt_num(g.storage_m3 / 1e4),
            band_text(&s.value, 1e4),
            s.value.grade.number()
        ),
        source: &s.source,
    });
    let h = &g.by_height;
    rows.push(Row {
        id: "grade_height",
        name_zh: "按坝高定等",
        name_en: "Grade by dam height",
        value: Some(g.height_m),
        limit: None,
        unit: "m",
        comparison: "",
        status: CheckStatus::Info,
        note: format!(
            "坝高 H = {} m，{}（m）→ {}等 / H = {} m in band {} (m) → grade {}",
            fmt_num(g.height_m),
            band_text(&h.value, 1.0),
            h.value.grade.numeral(),
            fmt_num(g.height_m),
            band_text(&h.value, 1.0),
            h.value.grade.number()
        ),
        source: &h.source,
    });
    let n = g.grade.value.number();
    let (raise_zh, raise_en) = if g.raised {
        ("；下游后果严重，提高一等", "; severe downstream consequence: raised by one")
    } else {
        ("", "")
    };
    let (site_zh, site_en) = if g.grade.source.standard == Standard::Site {
        (
            format!(
                "；采用场地设定 {}等（规则得 {}等）",
                g.grade.value.numeral(),
                g.combined.numeral()
            ),
            format!("; site value grade {n} used (rule gives {})", g.combined.number()),
        )
    } else {
        (String::new(), String::new())
    };
    let note = format!(
        "{}{raise_zh}{site_zh}；坝的级别 {n} / {}{raise_en}{site_en}; dam class {n}",
        g.rule.text_zh(),
        g.rule.text_en()
    );
    rows.push(Row {
        id: "grade",
        name_zh: "尾矿库等别",
        name_en: "Pond grade",
        value: Some(f64::from(g.grade.value.number())),
        limit: None,
        unit: "",
        comparison: "",
        status: CheckStatus::Info,
        note,
        source: &g.grade.source,
    });
}

fn freeboard_and_beach_rows(
    rows: &mut Rows,
    facts: &PondFacts,
    routed: &RoutedPond,
    limits: &LimitSet<'_>,
    class: Grade,
) -> Result<(), RiskError> {
    let freeboard = limits.min_freeboard(class, facts.dam_type)?;
    let (from_zh, from_en) = match facts.dam_type {
        DamType::Upstream => ("沉积滩顶", "beach crest"),
        DamType::Downstream | DamType::Centerline => ("坝顶外缘", "outer edge of the dam crest"),
    };
    rows.push(Row {
        id: "freeboard",
        name_zh: "最小安全超高",
        name_en: "Minimum freeboard",
        value: Some(routed.min_freeboard_m),
        limit: Some(freeboard.value),
        unit: "m",
        comparison: "≥",
        status: pass_if(routed.min_freeboard_m >= freeboard.value),
        note: format!(
            "{from_zh} − 设计洪水位，{}级坝，{} / {from_en} − design flood level, class {} dam, {}",
            class.number(),
            facts.dam_type.label_zh(),
            class.number(),
            facts.dam_type.label_en()
        ),
        source: &freeboard.source,
    });

    if facts.water_retaining.is_some() {
        let src = edition_source(limits.edition(), "§4.2.3");
        rows.push(Row {
            id: "beach_length",
            name_zh: "最小干滩长度",
            name_en: "Minimum dry-beach length",
            value: Some(routed.min_beach_length_m),
            limit: None,
            unit: "m",
            comparison: "≥",
            status: CheckStatus::NotApplicable,
            note: "挡水坝按坝顶超高（风壅、波浪爬高）控制 / water-retaining dam: the crest \
                   freeboard with wind set-up and wave run-up governs (§4.2.3)"
                .into(),
            source: &src,
        });
        return Ok(());
    }

    let beach = limits.min_beach_length(class, facts.dam_type)?;
    let mut limit = beach.value;
    let mut note = format!(
        "沉积滩顶至设计洪水位水边线的水平距离，{}级坝，{} / horizontal distance from the beach crest \
         to the water's edge at the design flood level, class {} dam, {}",
        class.number(),
        facts.dam_type.label_zh(),
        class.number(),
        facts.dam_type.label_en()
    );
    let mut source = beach.source.clone();
    let f = facts.beach_reduction_fraction;
    if f > 0.0 {
        let allowed = limits.beach_reduction(class).ok_or(RiskError::InvalidInput {
            field: "beach_reduction_fraction",
            value: f,
            requirement: "only classes 3–5 may reduce the minimum beach length",
        })?;
        if f > allowed.value {
            return Err(RiskError::InvalidInput {
                field: "beach_reduction_fraction",
                value: f,
                requirement: "exceeds the permitted reduction (30 % for classes 3–5)",
            });
        }
        limit *= 1.0 - f;
        note = format!(
            "{note}; 渗流稳定已论证，折减 {:.0}% ({}) / seepage stability demonstrated, \
             reduced by {:.0} % ({})",
            100.0 * f,
            allowed.source.citation(),
            100.0 * f,
            allowed.source.citation()
        );
        source.confidence = weaker(source.confidence, allowed.source.confidence);
    }
    rows.push(Row {
        id: "beach_length",
        name_zh: "最小干滩长度",
        name_en: "Minimum dry-beach length",
        value: Some(routed.min_beach_length_m),
        limit: Some(limit),
        unit: "m",
        comparison: "≥",
        status: pass_if(routed.min_beach_length_m >= limit),
        note,
        source: &source,
    });
    Ok(())
}

fn water_retaining_row(
    rows: &mut Rows,
    facts: &PondFacts,
    routed: &RoutedPond,
    limits: &LimitSet<'_>,
    class: Grade,
) -> Result<(), RiskError> {
    let id = "water_retaining_freeboard";
    let (name_zh, name_en) = ("挡水坝坝顶超高", "Water-retaining dam crest freeboard");
    let Some(w) = &facts.water_retaining else {
        let src = edition_source(limits.edition(), "§4.2.3");
        rows.push(Row {
            id,
            name_zh,
            name_en,
            value: None,
            limit: None,
            unit: "m",
            comparison: "≥",
            status: CheckStatus::NotApplicable,
            note: "非挡水坝 / not a water-retaining dam".into(),
            source: &src,
        });
        return Ok(());
    };
    let freeboard = limits.min_freeboard(class, facts.dam_type)?;
    let value = w.crest_m - routed.peak_stage_m;
    let mut src = Source {
        standard: Standard::Gb50863_2013,
        clause: "§4.2.3".into(),
        confidence: freeboard.source.confidence,
        note: String::new(),
        fallback: false,
    };
    if freeboard.source.standard == Standard::Site {
        src = freeboard.source.clone();
    }
    match (w.wind_setup_m, w.wave_runup_m) {
        (Some(setup), Some(runup)) => {
            let limit = freeboard.value + setup + runup;
            rows.push(Row {
                id,
                name_zh,
                name_en,
                value: Some(value),
                limit: Some(limit),
                unit: "m",
                comparison: "≥",
                status: pass_if(value >= limit),
                note: format!(
                    "坝顶 − 设计洪水位 ≥ 安全超高 {} + 风壅 {} + 爬高 {} m（{}）/ crest − design \
                     flood level ≥ freeboard {} + wind set-up {} + wave run-up {} m ({})",
                    fmt_num(freeboard.value),
                    fmt_num(setup),
                    fmt_num(runup),
                    freeboard.source.citation(),
                    fmt_num(freeboard.value),
                    fmt_num(setup),
                    fmt_num(runup),
                    freeboard.source.citation()
                ),
                source: &src,
            });
        }
        _ => rows.push(Row {
            id,
            name_zh,
            name_en,
            value: Some(value),
            limit: None,
            unit: "m",
            comparison: "≥",
            status: CheckStatus::NotApplicable,
            note: "未给出风壅高度和波浪爬高，无法检查 / wind set-up and wave run-up not given: \
                   set both to check §4.2.3"
                .into(),
            source: &src,
        }),
    }
    Ok(())
}

fn drain_row(
    rows: &mut Rows,
    facts: &PondFacts,
    routed: &RoutedPond,
    limits: &LimitSet<'_>,
    settings: &CheckSettings,
) -> Result<(), RiskError> {
    let id = "dry_stack_drain";
    let (name_zh, name_en) = ("干式尾矿库洪水排出时间", "Dry-stack flood drain time");
    if !facts.dry_stack {
        let src = edition_source(limits.edition(), "§6.4.4");
        let src = Source { standard: Standard::Gb39496_2020, ..src };
        rows.push(Row {
            id,
            name_zh,
            name_en,
            value: None,
            limit: None,
            unit: "h",
            comparison: "≤",
            status: CheckStatus::NotApplicable,
            note: "湿式尾矿库 / wet pond: the 72 h rule applies to dry-stack ponds only".into(),
            source: &src,
        });
        return Ok(());
    }
    let max = limits.dry_stack_max_drain_time()?;
    let limit_h = max.value / 3600.0;
    let (start, from_zh, from_en) = match facts.storm_end_s {
        Some(t) => (t, "暴雨结束", "the end of the storm"),
        None => (routed.time_of_peak_stage_s, "最高水位", "the peak stage"),
    };
    let pct = fmt_num(100.0 * settings.drain_residual_fraction);
    let rule_zh = format!("自{from_zh}起，至起调水位以上洪量降至其峰值的 {pct}%");
    let rule_en = format!(
        "from {from_en} until the flood volume above the start level is down to {pct} % of its peak"
    );
    let (value, status, note) = match drain_time(routed, start, settings.drain_residual_fraction)? {
        DrainTime::NothingStored => (
            Some(0.0),
            CheckStatus::Pass,
            "洪水未使库水位高于起调水位 / the flood never rose above the start level".into(),
        ),
        DrainTime::Drained { duration_s, peak_flood_volume_m3: w } => (
            Some(duration_s / 3600.0),
            pass_if(duration_s / 3600.0 <= limit_h),
            format!("{rule_zh}；峰值洪量 {w:.4e} m³ / {rule_en}; peak flood volume {w:.4e} m³"),
        ),
        DrainTime::NotDrainedByEndOfRun { observed_s, remaining_m3: w, .. } => {
            let h = observed_s / 3600.0;
            let hs = fmt_num(h);
            if h >= limit_h {
                (
                    Some(h),
                    CheckStatus::Fail,
                    format!(
                        "{rule_zh}；计算结束时（{hs} h）仍存 {w:.4e} m³ / {rule_en}; still {w:.4e} m³ \
                         stored at the end of the run, {hs} h after {from_en}"
                    ),
                )
            } else {
                rows.warn(format!(
                    "{name_zh} / {name_en}: the run ends {hs} h after {from_en}, before the flood \
                     is discharged — extend the routing duration beyond {} h to decide the 72 h rule",
                    fmt_num(limit_h)
                ));
                (
                    None,
                    CheckStatus::Info,
                    format!(
                        "{rule_zh}；计算时长不足，无法判定 / {rule_en}; undetermined: the run ends \
                         {hs} h after {from_en} with {w:.4e} m³ still stored"
                    ),
                )
            }
        }
    };
    rows.push(Row {
        id,
        name_zh,
        name_en,
        value,
        limit: Some(limit_h),
        unit: "h",
        comparison: "≤",
        status,
        note,
        source: &max.source,
    });
    Ok(())
}
