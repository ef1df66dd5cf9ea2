//! The Report, the reference levels and the rating tables of a flood run.

use crate::PipelineError;
use crate::forcing::Forcing;
use tailtwin_core::report::StructureSummary;
use tailtwin_core::{Check, Elevation, RatingCurve, ReferenceLevel, Report, RoutedPond};
use tailtwin_pond::Outlet;
use tailtwin_pond::structures::{Structure, combined_rating_curve, rating_curve, stage_grid};
use tailtwin_risk::Assessment;
use tailtwin_scenario::{DamType, Scenario};

/// Rows of each rating table in a flood run.
pub const RATING_ROWS: usize = 201;

/// Assembles the Report.
pub fn report(
    s: &Scenario,
    forcing: &Forcing,
    routed: &RoutedPond,
    structures: &[Structure],
    assessment: &Assessment,
    mut warnings: Vec<String>,
) -> Report {
    let grade = &assessment.grade.grade.value;
    let peak_stage = Elevation(routed.peak_stage_m);
    let summaries = routed
        .structures
        .iter()
        .map(|series| {
            // Regime and control at the peak stage, from the structure itself.
            let at_peak = structures
                .iter()
                .find(|o| o.id() == series.structure_id)
                .map(|o| o.discharge(peak_stage, routed.time_of_peak_stage_s));
            StructureSummary {
                id: series.structure_id.clone(),
                kind: series.kind.clone(),
                peak_flow_m3s: series.peak_flow_m3s,
                time_of_peak_s: series.time_of_peak_s,
                volume_m3: series.volume_m3,
                regime_at_peak_stage: at_peak.map_or("—".into(), |d| d.regime.label().into()),
                control_at_peak_stage: at_peak.map_or("—".into(), |d| d.control.label().into()),
            }
        })
        .collect();
    warnings.extend(assessment.warnings.iter().cloned());
    warnings.extend(forcing.warnings.iter().cloned());
    warnings.extend(routed.diagnostics.warnings.iter().cloned());
    let no_beach = s.pond.as_ref().is_some_and(|p| p.beach.is_none());
    if no_beach {
        warnings.push(
            "未给出干滩（挡水坝）：干滩长度不评价 / no beach given (water-retaining dam): the \
             dry-beach length is not assessed and is reported as 0"
                .into(),
        );
    }
    dedup(&mut warnings);
    Report {
        scenario: s.meta.name.clone(),
        engine_version: env!("CARGO_PKG_VERSION").to_owned(),
        standard: s.meta.standard,
        grade: Some(grade.numeral().to_owned()),
        grade_number: Some(grade.number()),
        design_return_period_years: Some(assessment.required_return_period_years),
        storm: forcing.storm.clone(),
        catchment: forcing.catchment.clone(),
        peak_stage_m: routed.peak_stage_m,
        time_of_peak_stage_s: routed.time_of_peak_stage_s,
        peak_inflow_m3s: routed.peak_inflow_m3s,
        time_of_peak_inflow_s: routed.time_of_peak_inflow_s,
        peak_outflow_m3s: routed.peak_outflow_m3s,
        time_of_peak_outflow_s: routed.time_of_peak_outflow_s,
        min_freeboard_m: routed.min_freeboard_m,
        min_beach_length_m: if no_beach { 0.0 } else { routed.min_beach_length_m },
        overtopped: routed.overtopped,
        overtopping_volume_m3: routed.overtopping_volume_m3,
        mass_balance_error_m3: routed.mass_balance.error_m3,
        mass_balance_error_pct: routed.mass_balance.error_pct,
        mass_balance: routed.mass_balance.clone(),
        structures: summaries,
        checks: assessment.checks.clone(),
        seepage: Vec::new(),
        stability: Vec::new(),
        reliability: Vec::new(),
        ensemble: None,
        status: None,
        warnings,
    }
}

/// Removes repeated warnings, keeping the first occurrence (deterministic order).
fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|w| seen.insert(w.clone()));
}

/// Reference levels drawn on stage plots.
/// None without a `[pond]`.
pub fn levels(s: &Scenario, checks: &[Check]) -> Vec<ReferenceLevel> {
    let Some(p) = &s.pond else { return Vec::new() };
    let mut v = vec![
        level("crest", "坝顶", "dam crest", p.crest.m()),
        level("normal_level", "正常水位", "normal level", p.normal_level.m()),
    ];
    if p.dam_type == DamType::Upstream || p.beach.is_some() {
        v.push(level("beach_crest", "沉积滩顶", "beach crest", p.beach_crest.m()));
    }
    if p.initial_level != p.normal_level {
        v.push(level("initial_level", "调洪起始水位", "routing start level", p.initial_level.m()));
    }
    if let Some(z) = p.max_allowed_level {
        v.push(level("max_allowed_level", "最高允许水位", "max allowed level", z.m()));
    }
    // The highest level that still meets the minimum freeboard.
    if let Some(limit) = checks.iter().find(|c| c.id == "freeboard").and_then(|c| c.limit) {
        let reference =
            if p.dam_type == DamType::Upstream { p.beach_crest.m() } else { p.crest.m() };
        v.push(level(
            "freeboard_limit_level",
            "安全超高控制水位",
            "level at minimum freeboard",
            reference - limit,
        ));
    }
    v
}

fn level(id: &str, zh: &str, en: &str, z: f64) -> ReferenceLevel {
    ReferenceLevel { id: id.into(), label_zh: zh.into(), label_en: en.into(), elevation_m: z }
}

/// Rating tables of every routed structure and the combined one, over `stages`.
pub fn ratings(structures: &[Structure], stages: &[Elevation]) -> Vec<RatingCurve> {
    let mut v: Vec<RatingCurve> = structures.iter().map(|o| rating_curve(o, stages)).collect();
    v.push(combined_rating_curve(structures, stages));
    v
}

/// The stage range a flood run's rating tables cover: from 1 m below the lowest stage of the
/// run (not below the lowest inlet) to 0.5 m above the higher of the crest and the peak stage —
/// the stages the flood used, with some context.
pub fn flood_rating_stages(
    s: &Scenario,
    structures: &[Structure],
    routed: &RoutedPond,
) -> Result<Vec<Elevation>, PipelineError> {
    let pond = tailtwin_scenario::build::pond_spec(s)?;
    let lowest_stage = routed.stage_m.iter().copied().fold(routed.peak_stage_m, f64::min);
    let inlet =
        tailtwin_scenario::build::lowest_inlet(structures).map_or(pond.bottom.m(), |z| z.m());
    let low = (lowest_stage - 1.0).max(inlet).max(pond.bottom.m()).min(lowest_stage);
    let high = pond.crest.m().max(routed.peak_stage_m) + 0.5;
    Ok(stage_grid(Elevation(low), Elevation(high), RATING_ROWS))
}
