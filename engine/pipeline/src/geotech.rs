//! Seepage and stability of a scenario's dam sections, after the flood.
//!
//! ```text
//! Scenario.sections ─▶ seepage stage (normal level, routed design-flood peak, given levels)
//!                  ─▶ stability stage on `[stability] section` (normal / flood / special cases,
//!                     pore water from the seepage solutions or as `[stability] pore_water` says)
//!                  ─▶ GeotechRun { sections, seepage, stability, checks }
//! ```
//!
//! The design-flood level is the peak stage of the routed flood (`FloodRun.report.peak_stage_m`)
//! and the dam class its grade; without a flood (a section-only scenario) only the levels of
//! `[seepage] pond_levels_m` are solved and the class is `[limits] grade` if given (else no
//! required factors of safety and no check rows, see [`crate::stability`]).
//!
//! [`run_scenario`] is the whole chain: [`crate::run_flood`] (unchanged: its numbers and checks do
//! not depend on the sections), then [`run_geotech`], whose check rows are appended to the
//! report's table and whose profiles and stability rows fill `Report::seepage` and
//! `Report::stability`.

use crate::seepage::{SeepageStageError, run_seepage};
use crate::stability::{
    CaseLevels, SeepageAtLevel, StabilityRunError, load_cases, run_stability_stage, section_index,
};
use crate::{PipelineError, RunSettings, assess};
use tailtwin_core::{FloodRun, GeotechRun, PorePressure};
use tailtwin_risk::{Grade, LimitSet, RiskError};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::stability::PoreWaterSpec;
use thiserror::Error;

/// Why the seepage or stability stage failed.
#[derive(Debug, Error)]
pub enum GeotechError {
    #[error("seepage: {0}")]
    Seepage(#[from] SeepageStageError),
    #[error(transparent)]
    Stability(#[from] StabilityRunError),
    #[error("limits: {0}")]
    Risk(#[from] RiskError),
    #[error(transparent)]
    Pipeline(#[from] Box<PipelineError>),
}

impl GeotechError {
    /// True when the scenario's values caused the failure (CLI exit 2).
    pub fn is_input_error(&self) -> bool {
        match self {
            GeotechError::Seepage(e) => e.is_input_error(),
            GeotechError::Pipeline(e) => e.is_input_error(),
            GeotechError::Stability(_) | GeotechError::Risk(_) => true,
        }
    }
}

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeotechOptions {
    /// Threads of the seepage solver (results do not depend on it).
    pub threads: usize,
    /// Solve seepage only when the stability load cases need it (`tailtwin stability`);
    /// otherwise every section with levels to solve is solved (`tailtwin run`).
    pub seepage_only_for_stability: bool,
    /// Keep the slice table of every critical surface.
    pub slice_tables: bool,
}

impl GeotechOptions {
    /// Everything, as `tailtwin run` wants it.
    pub fn all(threads: usize) -> Self {
        Self { threads, seepage_only_for_stability: false, slice_tables: false }
    }
}

/// The geotechnical products and the warnings their limits raised.
#[derive(Debug, Clone, PartialEq)]
pub struct GeotechOutcome {
    pub run: GeotechRun,
    pub warnings: Vec<String>,
}

/// Seepage (design-flood peak = `flood.report.peak_stage_m`) then stability on
/// `[stability] section`, assembled (see the module docs).
pub fn run_geotech(
    s: &Scenario,
    flood: Option<&FloodRun>,
    threads: usize,
) -> Result<GeotechRun, GeotechError> {
    Ok(run_geotech_with(s, flood, GeotechOptions::all(threads))?.run)
}

/// The pond's normal level, when the scenario has a pond.
fn normal_level_m(s: &Scenario) -> Option<f64> {
    s.pond.as_ref().map(|p| p.normal_level.m())
}

/// Whether the scenario has anything for the geotechnical stages to do.
pub fn has_geotech(s: &Scenario) -> bool {
    !s.sections.is_empty() || s.stability.is_some()
}

/// [`run_geotech`] with options; also returns the warnings (recalled limits).
pub fn run_geotech_with(
    s: &Scenario,
    flood: Option<&FloodRun>,
    options: GeotechOptions,
) -> Result<GeotechOutcome, GeotechError> {
    let stability_needs_seepage =
        s.stability.as_ref().is_some_and(|p| p.pore_water == PoreWaterSpec::Seepage);
    let levels = s.seepage_spec();
    let has_levels =
        (normal_level_m(s).is_some() && levels.at_pond_levels) || !levels.pond_levels_m.is_empty();
    let solve_seepage = !s.sections.is_empty()
        && if options.seepage_only_for_stability {
            stability_needs_seepage
        } else {
            stability_needs_seepage || has_levels
        };
    let flood_peak_m = flood.map(|f| f.report.peak_stage_m);
    let seepage =
        if solve_seepage { Some(run_seepage(s, flood_peak_m, options.threads)?) } else { None };
    let mut run = GeotechRun {
        sections: s.sections.iter().map(|x| x.section.clone()).collect(),
        seepage: Vec::new(),
        stability: Vec::new(),
        checks: Vec::new(),
        control_lines: s
            .sections
            .iter()
            .filter_map(|x| {
                let line = x.control_line.as_ref()?;
                Some((x.section.name.clone(), line.points().iter().map(|p| [p.x, p.z]).collect()))
            })
            .collect(),
    };
    let mut warnings = Vec::new();
    if let Some(stage) = &seepage {
        run.seepage = stage.runs.clone();
        run.checks.extend(stage.checks.iter().cloned());
    }
    if let Some(spec) = &s.stability {
        let index = section_index(s)?;
        let at_levels: Vec<SeepageAtLevel> = seepage
            .iter()
            .flat_map(|stage| &stage.solutions)
            .filter(|sol| sol.section_index == index)
            .map(|sol| SeepageAtLevel {
                level: sol.level,
                pond_level_m: sol.pond_level_m,
                pore_pressure: PorePressure::Field(sol.result.pore_pressure.clone()),
            })
            .collect();
        let levels = CaseLevels { normal_m: normal_level_m(s), flood_m: flood_peak_m };
        let cases = load_cases(spec, levels, &at_levels)?;
        let limits = LimitSet::new(assess::edition(s).map_err(Box::new)?, assess::overrides(s))?;
        let class = match flood.and_then(|f| f.report.grade_number) {
            Some(n) => Some(Grade::new(n)?),
            None => limits.grade_override().map(|g| g.value),
        };
        let stage = run_stability_stage(s, index, &cases, &limits, class, options.slice_tables)?;
        run.checks.extend(stage.checks);
        run.stability.push(stage.run);
        warnings.extend(stage.warnings);
    }
    Ok(GeotechOutcome { run, warnings })
}

/// The flood, then the sections' seepage and stability when the scenario has any: the FloodRun
/// with `geotech` filled, the geotechnical check rows appended to the report's table, and
/// `Report::seepage` / `Report::stability` filled. The flood's own numbers and checks are those of
/// [`crate::run_flood`].
pub fn run_scenario(s: &Scenario, settings: &RunSettings) -> Result<FloodRun, PipelineError> {
    let mut flood = crate::run_flood(s, settings)?;
    if has_geotech(s) {
        let outcome = run_geotech_with(s, Some(&flood), GeotechOptions::all(settings.threads))
            .map_err(|e| PipelineError::Geotech(Box::new(e)))?;
        attach(&mut flood, outcome);
    }
    Ok(flood)
}

/// Put the geotechnical products into a flood run and its report.
pub fn attach(flood: &mut FloodRun, outcome: GeotechOutcome) {
    let GeotechOutcome { run, warnings } = outcome;
    flood.report.checks.extend(run.checks.iter().cloned());
    flood.report.seepage = run.profiles();
    flood.report.stability = run.stability_rows();
    for w in warnings {
        if !flood.report.warnings.contains(&w) {
            flood.report.warnings.push(w);
        }
    }
    flood.geotech = Some(run);
}
