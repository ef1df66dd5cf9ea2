//! The safety status stage: a run's products (the flood run with its geotech rows, the ensemble,
//! the reliability rows, the dam-break summary — each optional but the flood) and the scenario's
//! `[inspection]` and `[warnings]` → `core::SafetyStatus` (重大事故隐患 items, the legacy AQ 2006
//! class, warnings per item and the pond roll-up, the risk score). The rules are
//! `tailtwin_risk::status`; this module only gathers the inputs.

use tailtwin_core::assessment::{EnsembleSummary, ReliabilityRow, SafetyStatus};
use tailtwin_core::{FloodRun, Hyetograph};
use tailtwin_risk::LimitTables;
use tailtwin_risk::status::{StatusInput, StructureCondition, assess_safety_status};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::build;

use crate::PipelineError;
use crate::dambreak::DambreakSummary;

/// Seconds in the rainfall warning window.
const DAY_S: f64 = 24.0 * 3600.0;

/// The greatest rain depth (mm) in any 24 h window of `h` (the whole storm when shorter). The
/// windowed depth is piecewise linear in the window start with kinks where an edge crosses an
/// interval boundary, so its maximum is at a start on a boundary or 24 h before one.
pub fn max_24h_depth_mm(h: &Hyetograph) -> f64 {
    let starts: Vec<f64> = h.breakpoints_s().flat_map(|b| [b, b - DAY_S]).collect();
    1000.0 * starts.iter().map(|&a| h.depth_between_m(a, a + DAY_S)).fold(0.0, f64::max)
}

/// The safety status of the scenario's pond from `flood` (what `run_scenario` or `run_flood`
/// produced) and the optional ensemble, reliability rows and dam-break summary.
pub fn assess_status(
    s: &Scenario,
    flood: &FloodRun,
    ensemble: Option<&EnsembleSummary>,
    reliability: &[ReliabilityRow],
    dambreak: Option<&DambreakSummary>,
) -> Result<SafetyStatus, PipelineError> {
    let pond = build::pond_spec(s)?;
    let report = &flood.report;
    let input = StatusInput {
        checks: &report.checks,
        stability: &report.stability,
        structures: s
            .structures
            .iter()
            .map(|st| StructureCondition {
                id: st.id.clone(),
                condition: st.condition,
                damaged: st.damaged,
            })
            .collect(),
        dam_height_m: pond.dam_height_m,
        total_storage_m3: pond.total_storage_m3,
        beach_crest_m: pond.beach_crest.m(),
        normal_level_m: pond.normal_level.m(),
        peak_stage_m: report.peak_stage_m,
        design_rain_24h_mm: flood.hyetograph.as_ref().map(max_24h_depth_mm),
        rain_observed: matches!(s.storm, Some(tailtwin_scenario::StormSpec::Observed { .. })),
        design_return_period_years: report
            .storm
            .as_ref()
            .and_then(|st| st.return_period_years)
            .or(report.design_return_period_years),
        grade_number: report.grade_number,
        ensemble,
        reliability,
        consequence: dambreak.map(|d| d.consequence.consequence_class),
        inspection: s.inspection.as_ref(),
        warnings: &s.warnings,
        tables: LimitTables::builtin(),
    };
    Ok(assess_safety_status(&input)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the 24 h window maximum is exact for a piecewise-constant hyetograph. Setup: 6 h
    // intervals of 10, 40, 0, 30, 20 mm: the best window is [6 h, 30 h] = 90 mm. Two 18 h
    // intervals of 10 and 50 mm: the best window [12 h, 36 h] starts mid-interval (found as a
    // boundary − 24 h) and holds 10·6/18 + 50 mm. A 1 h storm: its total. Tolerance 1e-9 mm
    // (sums of a few terms).
    #[test]
    fn max_24h_depth_finds_the_best_window() {
        let h = Hyetograph::new(0.0, 6.0 * 3600.0, vec![10.0, 40.0, 0.0, 30.0, 20.0]).unwrap();
        assert!((max_24h_depth_mm(&h) - 90.0).abs() < 1e-9);
        let h = Hyetograph::new(0.0, 18.0 * 3600.0, vec![10.0, 50.0]).unwrap();
        assert!((max_24h_depth_mm(&h) - (10.0 * 6.0 / 18.0 + 50.0)).abs() < 1e-9);
        let short = Hyetograph::new(0.0, 600.0, vec![5.0; 6]).unwrap();
        assert!((max_24h_depth_mm(&short) - 30.0).abs() < 1e-9);
    }
}
