//! Slope-stability load cases against the code minimum factors of safety.
//!
//! The stability stage runs the load cases (正常/洪水/特殊运行) and reports a factor of safety per
//! method; this module maps its methods and load cases onto the risk crate's tables
//! (GB 50863 §4.4.1 Swedish circle, GB 39496 simplified Bishop minima, by dam class), adds the
//! required value with its source, whether it is met, and the AQ 2006-2005 legacy standing
//! (0.95 / 0.98 × required). Methods the codes do not tabulate (Janbu, Spencer,
//! Morgenstern–Price) are reported with their factor of safety and no required value.

use serde::Serialize;
use tailtwin_core::DamSection;
use tailtwin_risk::{
    Grade, LegacyFosStanding, LimitSet, LoadCase, RiskError, Source, StabilityMethod,
    legacy_fos_standing,
};
use tailtwin_scenario::stability::StabilitySpec;
use tailtwin_stability::{
    LoadCase as StabilityLoadCase, LoadCaseKind, LoadCaseResult, Method, SlipSurface, SlopeModel,
    StabilityError, analyse_load_cases,
};
use thiserror::Error;

/// Why the stability stage gave no rows.
#[derive(Debug, Error)]
pub enum StabilityRunError {
    #[error("stability: {0}")]
    Stability(#[from] StabilityError),
    #[error("stability limits: {0}")]
    Risk(#[from] RiskError),
}

/// Run the `[stability]` settings on a section for the given load cases (each with its pore
/// pressure and pond level: the seepage stage's answer at the normal level and at the routed
/// design-flood peak; the special case takes `spec.seismic`) and compare with the minima of
/// `class`. Returns the load-case results (critical surfaces, searches) and the rows.
pub fn run_stability(
    spec: &StabilitySpec,
    section: &DamSection,
    cases: &[StabilityLoadCase],
    limits: &LimitSet,
    class: Grade,
) -> Result<(Vec<LoadCaseResult>, Vec<StabilityCheckRow>), StabilityRunError> {
    let model = SlopeModel::from_section(section)?;
    let settings = spec.analysis_settings(&model)?;
    let results = analyse_load_cases(section, cases, &settings)?;
    let rows = compare_with_minimum(&results, limits, class)?;
    Ok((results, rows))
}

/// The code table a stability method is checked against, if any.
pub fn code_method(method: Method) -> Option<StabilityMethod> {
    match method {
        Method::Ordinary => Some(StabilityMethod::SwedishCircle),
        Method::Bishop => Some(StabilityMethod::SimplifiedBishop),
        Method::JanbuSimplified
        | Method::JanbuCorrected
        | Method::Spencer
        | Method::MorgensternPrice(_) => None,
    }
}

/// The risk crate's load case for a stability load case.
pub fn code_case(kind: LoadCaseKind) -> LoadCase {
    match kind {
        LoadCaseKind::Normal => LoadCase::Normal,
        LoadCaseKind::Flood => LoadCase::Flood,
        LoadCaseKind::Special => LoadCase::Special,
    }
}

/// One (load case, method) result with its code minimum — the `results` entries of
/// `tailtwin stability --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StabilityCheckRow {
    pub load_case: LoadCaseKind,
    pub method: &'static str,
    /// None when the method gave no factor of safety (see `error`).
    pub fos: Option<f64>,
    /// Minimum factor of safety for the dam class, method and load case (None: not tabulated).
    pub required_fos: Option<f64>,
    pub required_source: Option<Source>,
    /// fos ≥ required_fos (None when either is missing).
    pub meets_minimum: Option<bool>,
    /// AQ 2006-2005 standing of fos against required_fos (legacy status input).
    pub legacy_standing: Option<LegacyFosStanding>,
    pub error: Option<String>,
    pub surface: Option<SlipSurface>,
    pub trials: usize,
}

/// Compare every load case and method with the minimum factors of safety for `class`.
pub fn compare_with_minimum(
    results: &[LoadCaseResult],
    limits: &LimitSet,
    class: Grade,
) -> Result<Vec<StabilityCheckRow>, RiskError> {
    let mut rows = Vec::new();
    for case in results {
        for (row, outcome) in case.rows().into_iter().zip(&case.result.outcomes) {
            let required = match code_method(outcome.method) {
                Some(m) => Some(limits.min_factor_of_safety(class, m, code_case(case.kind))?),
                None => None,
            };
            let (meets_minimum, legacy_standing) = match (row.fos, &required) {
                (Some(f), Some(r)) => {
                    let (standing, _, _) = legacy_fos_standing(limits.tables(), f, r.value)?;
                    (Some(f >= r.value), Some(standing))
                }
                _ => (None, None),
            };
            rows.push(StabilityCheckRow {
                load_case: row.load_case,
                method: row.method,
                fos: row.fos,
                required_fos: required.as_ref().map(|r| r.value),
                required_source: required.map(|r| r.source),
                meets_minimum,
                legacy_standing,
                error: row.error,
                surface: row.surface,
                trials: row.trials,
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailtwin_risk::{Edition, LimitOverrides};
    use tailtwin_stability::{
        AnalysisSettings, Material, Point2, Seismic, SlipSurface, SlopeModel, SlopeProblem,
        SolverSettings, SurfaceSpec, analyse,
    };

    fn case(kind: LoadCaseKind) -> LoadCaseResult {
        let g =
            [(0.0, 25.0), (30.0, 25.0), (50.0, 35.0), (90.0, 35.0)].map(|(x, z)| Point2::new(x, z));
        let m = Material::mohr_coulomb("soil", 20e3, 3e3, 19.6f64.to_radians());
        let p = SlopeProblem::dry(SlopeModel::single_layer(&g, 20.0, m).unwrap());
        let settings = AnalysisSettings {
            methods: vec![Method::Ordinary, Method::Bishop, Method::Spencer],
            surfaces: SurfaceSpec::Specified {
                surface: SlipSurface::Circle { xc_m: 29.66, yc_m: 53.35, radius_m: 28.35 },
                slices: 30,
            },
            keep_slices: false,
            solver: SolverSettings::default(),
        };
        LoadCaseResult {
            kind,
            pond_level_m: None,
            seismic: Seismic::default(),
            result: analyse(&p, &settings).unwrap(),
        }
    }

    // Goal: each (load case, method) row carries the tabulated minimum for the class, the pass
    // flag and the AQ 2006 standing consistent with it; untabulated methods carry none.
    // Setup: the ACADS slope (F ≈ 0.94–0.99, below every minimum), class II, GB 39496-2020.
    #[test]
    fn rows_carry_the_code_minimum_and_standing() {
        let limits = LimitSet::new(Edition::Gb39496_2020, LimitOverrides::default()).unwrap();
        let results = [case(LoadCaseKind::Normal), case(LoadCaseKind::Special)];
        let rows = compare_with_minimum(&results, &limits, Grade::II).unwrap();
        assert_eq!(rows.len(), 6);
        for r in &rows {
            let expected = code_method(
                tailtwin_stability::Method::ALL.into_iter().find(|m| m.name() == r.method).unwrap(),
            )
            .map(|m| {
                limits.min_factor_of_safety(Grade::II, m, code_case(r.load_case)).unwrap().value
            });
            assert_eq!(r.required_fos, expected);
            match r.required_fos {
                Some(req) => {
                    assert_eq!(r.meets_minimum, Some(false));
                    assert!(req >= 1.0 && r.fos.unwrap() < 0.95 * req);
                    assert_eq!(r.legacy_standing, Some(LegacyFosStanding::Danger));
                }
                None => assert!(r.meets_minimum.is_none() && r.method == "spencer"),
            }
        }
    }
}
