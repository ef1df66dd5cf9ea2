//! Code load cases (运行工况) on a dam section. The stage only runs them; comparing with the
//! minimum factors of safety (GB 50863 §4.4, GB 39496) is the pipeline's job, with the risk
//! crate's tables — hence the plain [`LoadCaseKind`] and the flat [`StabilityRow`]s here.

use crate::analysis::{AnalysisSettings, StabilityResult, analyse};
use crate::error::StabilityError;
use crate::problem::{PoreWater, Seismic, SlopeProblem, Surcharge, TensionCrack};
use crate::surface::SlipSurface;
use serde::Serialize;
use tailtwin_core::DamSection;

pub use tailtwin_core::LoadCaseKind;

/// One load case: the pore water and pond level it brings, the earthquake if any, and the loads
/// that every case of a scenario shares (surcharges, tension crack).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadCase {
    pub kind: LoadCaseKind,
    /// Pore water for this pond level: a seepage solution or phreatic line
    /// ([`PoreWater::Pressure`]), r_u, or none.
    pub pore_water: PoreWater,
    /// Pond level against the section's pond side, m (None: no water against the surface).
    pub pond_level_m: Option<f64>,
    pub seismic: Seismic,
    pub surcharges: Vec<Surcharge>,
    pub tension_crack: Option<TensionCrack>,
}

impl LoadCase {
    fn new(kind: LoadCaseKind, pore_water: PoreWater, pond_level_m: Option<f64>) -> Self {
        Self {
            kind,
            pore_water,
            pond_level_m,
            seismic: Seismic::default(),
            surcharges: Vec::new(),
            tension_crack: None,
        }
    }
    /// 正常运行 at the normal level (None: no pond against the section).
    pub fn normal(pore_water: impl Into<PoreWater>, normal_level_m: Option<f64>) -> Self {
        Self::new(LoadCaseKind::Normal, pore_water.into(), normal_level_m)
    }
    /// 洪水运行 at the design-flood level.
    pub fn flood(pore_water: impl Into<PoreWater>, flood_level_m: Option<f64>) -> Self {
        Self::new(LoadCaseKind::Flood, pore_water.into(), flood_level_m)
    }
    /// 特殊运行: the normal pore water and level with an earthquake.
    pub fn special(
        pore_water: impl Into<PoreWater>,
        normal_level_m: Option<f64>,
        seismic: Seismic,
    ) -> Self {
        Self { seismic, ..Self::new(LoadCaseKind::Special, pore_water.into(), normal_level_m) }
    }
    /// The same case with surcharges and a tension crack.
    pub fn with_loads(
        mut self,
        surcharges: Vec<Surcharge>,
        tension_crack: Option<TensionCrack>,
    ) -> Self {
        self.surcharges = surcharges;
        self.tension_crack = tension_crack;
        self
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
            let problem = SlopeProblem::for_load_case(section, case)?;
            Ok(LoadCaseResult {
                kind: case.kind,
                pond_level_m: case.pond_level_m,
                seismic: case.seismic,
                result: analyse(&problem, settings)?,
            })
        })
        .collect()
}
