//! Code load cases (运行工况) on a dam section. The stage only runs them; comparing with the
//! minimum factors of safety (GB 50863 §4.4, GB 39496) is the pipeline's job, with the risk
//! crate's tables — hence the plain [`LoadCaseKind`] and the flat [`StabilityRow`]s here.

use crate::analysis::{AnalysisSettings, StabilityResult, analyse};
use crate::error::StabilityError;
use crate::problem::{Seismic, SlopeProblem};
use crate::surface::SlipSurface;
use serde::Serialize;
use tailtwin_core::{DamSection, PorePressure};

pub use tailtwin_core::LoadCaseKind;

/// One load case: the pore water and pond level it brings, and the earthquake if any.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadCase {
    pub kind: LoadCaseKind,
    /// Pore pressure for this pond level (seepage solution or phreatic line).
    pub pore_pressure: PorePressure,
    /// Pond level against the section's pond side, m (None: no water against the surface).
    pub pond_level_m: Option<f64>,
    pub seismic: Seismic,
}

impl LoadCase {
    /// 正常运行.
    pub fn normal(pore_pressure: PorePressure, normal_level_m: f64) -> Self {
        Self {
            kind: LoadCaseKind::Normal,
            pore_pressure,
            pond_level_m: Some(normal_level_m),
            seismic: Seismic::default(),
        }
    }
    /// 洪水运行.
    pub fn flood(pore_pressure: PorePressure, flood_level_m: f64) -> Self {
        Self {
            kind: LoadCaseKind::Flood,
            pore_pressure,
            pond_level_m: Some(flood_level_m),
            seismic: Seismic::default(),
        }
    }
    /// 特殊运行: the normal pore water and level with an earthquake.
    pub fn special(pore_pressure: PorePressure, normal_level_m: f64, seismic: Seismic) -> Self {
        Self {
            kind: LoadCaseKind::Special,
            pore_pressure,
            pond_level_m: Some(normal_level_m),
            seismic,
        }
    }
}

/// A load case's results for every method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadCaseResult {
    pub kind: LoadCaseKind,
    pub pond_level_m: Option<f64>,
    pub seismic: Seismic,
    pub result: StabilityResult,
}

/// One (load case, method) line, as reported: the factor of safety or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StabilityRow {
    pub load_case: LoadCaseKind,
    pub method: &'static str,
    pub fos: Option<f64>,
    /// The method's failure, when `fos` is None.
    pub error: Option<String>,
    pub surface: Option<SlipSurface>,
    pub trials: usize,
}

impl LoadCaseResult {
    /// One row per method, in the order analysed.
    pub fn rows(&self) -> Vec<StabilityRow> {
        self.result
            .outcomes
            .iter()
            .map(|o| StabilityRow {
                load_case: self.kind,
                method: o.method.name(),
                fos: o.fos(),
                error: o.result.as_ref().err().map(ToString::to_string),
                surface: o.result.as_ref().ok().map(|r| r.surface.clone()),
                trials: o.trials,
            })
            .collect()
    }
}

/// Run each load case on the section with the same methods and search.
pub fn analyse_load_cases(
    section: &DamSection,
    cases: &[LoadCase],
    settings: &AnalysisSettings,
) -> Result<Vec<LoadCaseResult>, StabilityError> {
    cases
        .iter()
        .map(|case| {
            let problem = SlopeProblem::for_section(
                section,
                case.pore_pressure.clone(),
                case.pond_level_m,
                case.seismic,
            )?;
            Ok(LoadCaseResult {
                kind: case.kind,
                pond_level_m: case.pond_level_m,
                seismic: case.seismic,
                result: analyse(&problem, settings)?,
            })
        })
        .collect()
}
