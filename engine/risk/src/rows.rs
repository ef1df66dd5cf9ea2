//! Builders of the check rows: each turns a limit and a routed value into a [`Check`] and the report
//! warnings its limit raises (recalled, taken from another standard).

use tailtwin_core::{Check, CheckStatus, Confidence, RoutedPond, Standard};

use crate::checks::{CheckSettings, PondFacts};
use crate::drain::{DrainTime, drain_time};
use crate::error::RiskError;
use crate::grade::{GradeAssessment, weaker};
use crate::limits::LimitSet;
use crate::source::Source;
use crate::types::{DamType, Edition, Grade};

/// Collects rows and the warnings their limits raise.
pub(crate) struct Rows {
    pub edition: Edition,
    pub checks: Vec<Check>,
    pub warnings: Vec<String>,
}

/// The varying parts of one row.
pub(crate) struct Row<'a> {
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub value: Option<f64>,
    pub limit: Option<f64>,
    pub unit: &'static str,
    pub comparison: &'static str,
    pub status: CheckStatus,
    pub note: String,
    pub source: &'a Source,
}

impl Rows {
    pub fn push(&mut self, row: Row<'_>) {
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
                "{} / {}: no {} value in the limit tables; taken from {}",
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

    pub fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }
}

/// Shortest decimal text of a value (no trailing zeros beyond 3 decimals).
pub(crate) fn fmt_num(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

pub(crate) fn pass_if(ok: bool) -> CheckStatus {
    if ok { CheckStatus::Pass } else { CheckStatus::Fail }
}

/// A source for rows that compare with no code value (overtopping, mass balance): the edition,
/// with the clause saying what the row rests on.
pub(crate) fn edition_source(edition: Edition, clause: &str) -> Source {
    Source {
        standard: edition.standard(),
        clause: clause.into(),
        confidence: Confidence::Verified,
        note: String::new(),
        fallback: false,
    }
}

fn band_text(band: &crate::tables::GradeBand, scale: f64, x: &str) -> String {
    match (band.from, band.below) {
        (Some(lo), Some(hi)) => format!("{} ≤ {x} < {}", fmt_num(lo / scale), fmt_num(hi / scale)),
        (Some(lo), None) => format!("{x} ≥ {}", fmt_num(lo / scale)),
        (None, Some(hi)) => format!("{x} < {}", fmt_num(hi / scale)),
        (None, None) => format!("any {x}"),
    }
}

pub(crate) fn grade_rows(rows: &mut Rows, g: &GradeAssessment) {
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
            "全库容 V = {} 万m³，{}（万m³）→ {}等 / V = {} ×10⁴ m³ in {} (10⁴ m³) → grade {}",
            fmt_num(g.storage_m3 / 1e4),
            band_text(&s.value, 1e4, "V"),
            s.value.grade.numeral(),
            fmt_num(g.storage_m3 / 1e4),
            band_text(&s.value, 1e4, "V"),
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
            "坝高 H = {} m，{}（m）→ {}等 / H = {} m in {} (m) → grade {}",
            fmt_num(g.height_m),
            band_text(&h.value, 1.0, "H"),
            h.value.grade.numeral(),
            fmt_num(g.height_m),
            band_text(&h.value, 1.0, "H"),
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

pub(crate) fn freeboard_and_beach_rows(
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

pub(crate) fn water_retaining_row(
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

pub(crate) fn drain_row(
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
