//! Several methods on one problem: each method's critical surface (searched) or its factor of
//! safety on a specified surface, with the slice table on request.

use crate::error::{MethodError, StabilityError};
use crate::methods::{Method, Solution, SolverSettings, solve};
use crate::problem::SlopeProblem;
use crate::search::{SearchResult, SearchSettings, SurfaceResult, search};
use crate::surface::{Slice, SliceSet, SlipSurface};
use serde::Serialize;

/// Where the surfaces come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SurfaceSpec {
    /// Search with these settings; the `method` field is replaced by each analysed method.
    Search(SearchSettings),
    /// One given surface, divided into `slices` slices.
    Specified { surface: SlipSurface, slices: usize },
}

/// Which methods, on which surfaces.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisSettings {
    pub methods: Vec<Method>,
    pub surfaces: SurfaceSpec,
    /// Keep the slice table of each method's critical surface.
    pub keep_slices: bool,
    pub solver: SolverSettings,
}

/// One method's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodOutcome {
    pub method: Method,
    /// The critical (or specified) surface and its factor of safety, or why the method failed.
    pub result: Result<SurfaceResult, MethodError>,
    /// Trial surfaces evaluated (1 for a specified surface).
    pub trials: usize,
    /// The search behind it (grid, FoS map, near-critical surfaces), when searched.
    pub search: Option<SearchResult>,
    /// Slices of the critical surface, when requested.
    pub slices: Option<Vec<Slice>>,
}

impl MethodOutcome {
    /// The factor of safety, when the method converged.
    pub fn fos(&self) -> Option<f64> {
        self.result.as_ref().ok().map(|r| r.fos)
    }
}

/// All methods' answers, in the order asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StabilityResult {
    pub outcomes: Vec<MethodOutcome>,
}

impl StabilityResult {
    pub fn get(&self, method: Method) -> Option<&MethodOutcome> {
        self.outcomes.iter().find(|o| o.method == method)
    }
}

fn slices_of(problem: &SlopeProblem, surface: &SlipSurface, n: usize) -> Option<Vec<Slice>> {
    SliceSet::build(problem, surface, n).ok().map(|s| s.slices)
}

/// Run every requested method.
pub fn analyse(
    problem: &SlopeProblem,
    settings: &AnalysisSettings,
) -> Result<StabilityResult, StabilityError> {
    problem.validate()?;
    let mut outcomes = Vec::with_capacity(settings.methods.len());
    for &method in &settings.methods {
        let outcome = match &settings.surfaces {
            SurfaceSpec::Specified { surface, slices } => {
                let set = SliceSet::build(problem, surface, *slices)?;
                let result =
                    solve(&set, method, &settings.solver).map(|solution: Solution| SurfaceResult {
                        surface: surface.clone(),
                        fos: solution.fos,
                        solution,
                        crest_point: set.crest_point,
                        toe_point: set.toe_point,
                    });
                let slices = settings.keep_slices.then(|| set.slices.clone());
                MethodOutcome { method, result, trials: 1, search: None, slices }
            }
            SurfaceSpec::Search(template) => {
                let mut s = template.clone();
                s.method = method;
                if !method.is_rigorous() {
                    s.noncircular = None;
                }
                let found = search(problem, &s)?;
                let mut best = found.critical.clone();
                if let Some(nc) = found.noncircular.as_ref().filter(|nc| nc.fos < best.fos) {
                    best = nc.clone();
                }
                let slices = if settings.keep_slices {
                    slices_of(problem, &best.surface, s.slices)
                } else {
                    None
                };
                let trials = found.trials + found.noncircular_trials;
                MethodOutcome { method, result: Ok(best), trials, search: Some(found), slices }
            }
        };
        outcomes.push(outcome);
    }
    Ok(StabilityResult { outcomes })
}
