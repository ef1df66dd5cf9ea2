//! The stability stage: the code load cases (正常/洪水/特殊运行) on the scenario's section against
//! the minimum factors of safety.
//!
//! [`load_cases`] turns `[stability] pore_water` and the pond levels into the stability crate's
//! load cases: with `pore_water = "seepage"` each case takes the seepage stage's solution at its
//! level (normal level for the normal and special cases, the routed design-flood peak for the
//! flood case); a given phreatic line, r_u or dry applies to every case. The special case is the
//! normal one with `[stability] seismic`. Surcharges and the tension crack apply to every case.
//!
//! [`run_stability_stage`] runs the methods and searches of `[stability]` on them and maps its
//! methods and load cases onto the risk crate's tables (GB 50863 §4.4.1 Swedish circle,
//! GB 39496 simplified Bishop minima, by dam class): each [`StabilityResultRow`] carries the
//! required value with its source, whether it is met and the AQ 2006-2005 legacy standing
//! (0.95 / 0.98 × required). Methods the codes do not tabulate (Janbu, Spencer,
//! Morgenstern–Price) carry their factor of safety and no required value. With a dam class the
//! stage also gives `slope_fos/<section>/<load case>/<method>` check rows: Pass/Fail for tabulated methods
//! (Fail when the method gave no factor of safety: the slope is then not shown to be safe), Info
//! for the others. Without a class (no pond and no `[limits] grade`) there are no check rows and
//! no required values.

use tailtwin_core::{
    Check, CheckStatus, Confidence, FosGrid, LevelKind, LoadCaseKind, PhreaticSurface, Point2,
    PorePressure, RankedSurface, SliceTable, StabilityResultRow, StabilityRun,
};
use tailtwin_risk::{
    Grade, LegacyFosStanding, LimitSet, LoadCase as CodeCase, RiskError, Source, StabilityMethod,
    legacy_fos_standing,
};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::stability::{PoreWaterSpec, StabilitySpec};
use tailtwin_stability::{
    LoadCase, LoadCaseResult, Method, PoreWater, SlopeModel, StabilityError, SurfaceSpec,
    analyse_load_cases,
};
use thiserror::Error;

/// Near-critical surfaces kept per load case and method (for the plot).
pub const NEAR_CRITICAL: usize = 20;

/// Why the stability stage gave no result.
#[derive(Debug, Error)]
pub enum StabilityRunError {
    #[error("stability: {0}")]
    Stability(#[from] StabilityError),
    #[error("stability limits: {0}")]
    Risk(#[from] RiskError),
    /// The slope-reliability analysis (see [`crate::reliability`]).
    #[error("reliability: {0}")]
    Reliability(#[from] tailtwin_stability::reliability::ReliabilityError),
    /// A scenario value that the stage cannot use, with its key path.
    #[error("{key}: {message}")]
    Input { key: String, message: String },
}

fn input(key: &str, message: impl Into<String>) -> StabilityRunError {
    StabilityRunError::Input { key: key.into(), message: message.into() }
}

/// The `[stability]` block, or an error naming it.
pub fn spec(s: &Scenario) -> Result<&StabilitySpec, StabilityRunError> {
    s.stability.as_ref().ok_or_else(|| input("stability", "the scenario has no [stability] block"))
}

/// Index of the section `[stability] section` names (the first section when it names none).
pub fn section_index(s: &Scenario) -> Result<usize, StabilityRunError> {
    let spec = spec(s)?;
    match &spec.section {
        Some(name) => s.sections.iter().position(|x| &x.section.name == name).ok_or_else(|| {
            let known: Vec<&str> = s.sections.iter().map(|x| x.section.name.as_str()).collect();
            input(
                "stability.section",
                format!("no [[section]] named {name:?} (sections: {})", known.join(", ")),
            )
        }),
        None if s.sections.is_empty() => {
            Err(input("stability", "stability needs a dam section: add a [[section]]"))
        }
        None => Ok(0),
    }
}

/// A seepage solution as the load cases use it: its level and its pore pressure.
#[derive(Debug, Clone)]
pub struct SeepageAtLevel {
    pub level: LevelKind,
    pub pond_level_m: f64,
    pub pore_pressure: PorePressure,
}

/// Pond levels of the load cases, m (None: no pond, or no routed flood).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CaseLevels {
    pub normal_m: Option<f64>,
    pub flood_m: Option<f64>,
}

/// The load cases of `[stability]`: the listed ones, or normal, flood (when a flood level is
/// known) and special (when `seismic.kh > 0`).
pub fn load_cases(
    spec: &StabilitySpec,
    levels: CaseLevels,
    seepage: &[SeepageAtLevel],
) -> Result<Vec<LoadCase>, StabilityRunError> {
    let kinds: Vec<LoadCaseKind> = if spec.load_cases.is_empty() {
        let mut k = vec![LoadCaseKind::Normal];
        if levels.flood_m.is_some() {
            k.push(LoadCaseKind::Flood);
        }
        if spec.seismic.kh > 0.0 {
            k.push(LoadCaseKind::Special);
        }
        k
    } else {
        spec.load_cases.clone()
    };
    kinds
        .into_iter()
        .map(|kind| {
            let level = match kind {
                LoadCaseKind::Normal | LoadCaseKind::Special => levels.normal_m,
                LoadCaseKind::Flood => Some(levels.flood_m.ok_or_else(|| {
                    input(
                        "stability.load_cases",
                        "the flood case needs a routed design flood (a [pond] with a storm or \
                         inflow)",
                    )
                })?),
            };
            let (pore_water, level) = match &spec.pore_water {
                PoreWaterSpec::Seepage => {
                    let wanted = match kind {
                        LoadCaseKind::Flood => LevelKind::DesignFlood,
                        LoadCaseKind::Normal | LoadCaseKind::Special => LevelKind::Normal,
                    };
                    let found = seepage.iter().find(|x| x.level == wanted).ok_or_else(|| {
                        input(
                            "stability.pore_water",
                            format!(
                                "the {} case takes its pore water from the seepage solution at \
                                 the {}, and there is none (no [pond], or [seepage] \
                                 at_pond_levels = false); give pore_water as a phreatic line, \
                                 r_u or \"dry\"",
                                kind.label_en(),
                                wanted.label_en()
                            ),
                        )
                    })?;
                    (PoreWater::Pressure(found.pore_pressure.clone()), Some(found.pond_level_m))
                }
                PoreWaterSpec::PhreaticLine { line, correction } => (
                    PoreWater::Pressure(PorePressure::Phreatic(PhreaticSurface {
                        line: line.clone(),
                        correction: *correction,
                    })),
                    level,
                ),
                PoreWaterSpec::Ru(r) => (PoreWater::Ru(*r), level),
                PoreWaterSpec::Dry => (PoreWater::Dry, level),
            };
            let case = match kind {
                LoadCaseKind::Normal => LoadCase::normal(pore_water, level),
                LoadCaseKind::Flood => LoadCase::flood(pore_water, level),
                LoadCaseKind::Special => LoadCase::special(pore_water, level, spec.seismic),
            };
            Ok(case.with_loads(spec.surcharges.clone(), spec.tension_crack))
        })
        .collect()
}

/// What the stability stage produced on one section.
#[derive(Debug, Clone, PartialEq)]
pub struct StabilityStage {
    pub run: StabilityRun,
    /// `slope_fos/<section>/<load case>/<method>` rows (none without a dam class).
    pub checks: Vec<Check>,
    /// Recalled limits, limits taken from another standard.
    pub warnings: Vec<String>,
}

/// Run `[stability]` on section `section_index` for `cases` and compare with the minima of
/// `class` (None: no grade, no required values, no check rows). `keep_slices` adds the slice
/// tables (so does `[stability] slice_table = true`).
pub fn run_stability_stage(
    s: &Scenario,
    section_index: usize,
    cases: &[LoadCase],
    limits: &LimitSet,
    class: Option<Grade>,
    keep_slices: bool,
) -> Result<StabilityStage, StabilityRunError> {
    let spec = spec(s)?;
    let section = &s
        .sections
        .get(section_index)
        .ok_or_else(|| input("stability.section", format!("no section {section_index}")))?
        .section;
    let model = SlopeModel::from_section(section)?;
    let mut settings = spec.analysis_settings(&model)?;
    settings.keep_slices = keep_slices || spec.slice_table;
    if let SurfaceSpec::Search(search) = &mut settings.surfaces {
        search.near_critical = NEAR_CRITICAL;
    }
    let results = analyse_load_cases(section, cases, &settings)?;
    let mut run = StabilityRun {
        section: section.name.clone(),
        rows: Vec::new(),
        near_critical: Vec::new(),
        fos_grids: Vec::new(),
        slice_tables: Vec::new(),
        phreatic_lines: cases
            .iter()
            .filter_map(|c| {
                c.pore_water.phreatic_line().map(|l| (c.kind, l.iter().map(xz).collect()))
            })
            .collect(),
    };
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    for case in &results {
        for (row, outcome) in case.rows().into_iter().zip(&case.result.outcomes) {
            let method = row.method.to_string();
            let required = required_fos(limits, class, outcome.method, case.kind)?;
            let (meets_minimum, legacy) = match (row.fos, &required) {
                (Some(f), Some(r)) => {
                    let (standing, _, _) = legacy_fos_standing(limits.tables(), f, r.value)?;
                    (Some(f >= r.value), Some(standing))
                }
                _ => (None, None),
            };
            if let Some(r) = &required {
                limit_warnings(&r.source, limits, &mut warnings);
            }
            if let Some(class) = class {
                checks.push(check_row(
                    &section.name,
                    case,
                    &row,
                    outcome.method,
                    required.as_ref(),
                    limits,
                    class,
                ));
            }
            run.rows.push(StabilityResultRow {
                section: section.name.clone(),
                load_case: case.kind,
                method: method.clone(),
                pond_level_m: case.pond_level_m,
                kh: case.seismic.kh,
                fos: row.fos,
                required_fos: required.as_ref().map(|r| r.value),
                required_source: required.as_ref().map(|r| r.source.citation()),
                meets_minimum,
                legacy_standing: legacy.map(|l| legacy_name(l).to_string()),
                error: row.error,
                surface: row.surface,
                trials: row.trials,
            });
            if let Some(found) = &outcome.search {
                run.near_critical.extend(found.near_critical.iter().map(|(surface, fos)| {
                    RankedSurface {
                        load_case: case.kind,
                        method: method.clone(),
                        fos: *fos,
                        surface: surface.clone(),
                    }
                }));
                if let Some(map) = &found.fos_map {
                    run.fos_grids.push(FosGrid {
                        load_case: case.kind,
                        method: method.clone(),
                        xs_m: map.xs.clone(),
                        ys_m: map.ys.clone(),
                        fos: map.fos.clone(),
                    });
                }
            }
            if let Some(slices) = &outcome.slice_table {
                run.slice_tables.push(SliceTable {
                    load_case: case.kind,
                    method: method.clone(),
                    slices: slices.clone(),
                });
            }
        }
    }
    Ok(StabilityStage { run, checks, warnings })
}

fn xz(p: &Point2) -> [f64; 2] {
    [p.x, p.z]
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
pub fn code_case(kind: LoadCaseKind) -> CodeCase {
    match kind {
        LoadCaseKind::Normal => CodeCase::Normal,
        LoadCaseKind::Flood => CodeCase::Flood,
        LoadCaseKind::Special => CodeCase::Special,
    }
}

/// The minimum factor of safety of a (method, load case) for the class, when tabulated.
fn required_fos(
    limits: &LimitSet,
    class: Option<Grade>,
    method: Method,
    kind: LoadCaseKind,
) -> Result<Option<tailtwin_risk::Limit<f64>>, RiskError> {
    match (class, code_method(method)) {
        (Some(class), Some(m)) => {
            Ok(Some(limits.min_factor_of_safety(class, m, code_case(kind))?))
        }
        _ => Ok(None),
    }
}

/// The AQ 2006-2005 standing as its snake_case name.
pub fn legacy_name(l: LegacyFosStanding) -> &'static str {
    match l {
        LegacyFosStanding::Danger => "danger",
        LegacyFosStanding::Risk => "risk",
        LegacyFosStanding::BelowMinimum => "below_minimum",
        LegacyFosStanding::MeetsMinimum => "meets_minimum",
    }
}

fn method_label(method: Method) -> (&'static str, &'static str) {
    match method {
        Method::Ordinary => ("瑞典圆弧法", "Swedish circle (ordinary)"),
        Method::Bishop => ("简化毕肖普法", "simplified Bishop"),
        Method::JanbuSimplified => ("简化Janbu法", "Janbu simplified"),
        Method::JanbuCorrected => ("修正Janbu法", "Janbu corrected"),
        Method::Spencer => ("Spencer法", "Spencer"),
        Method::MorgensternPrice(tailtwin_stability::IntersliceFunction::Constant) => {
            ("Morgenstern–Price法（常数）", "Morgenstern–Price (constant)")
        }
        Method::MorgensternPrice(tailtwin_stability::IntersliceFunction::HalfSine) => {
            ("Morgenstern–Price法（半正弦）", "Morgenstern–Price (half-sine)")
        }
    }
}

fn limit_warnings(src: &Source, limits: &LimitSet, warnings: &mut Vec<String>) {
    let mut push = |w: String| {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    };
    if src.is_recalled() {
        push(format!(
            "坝坡抗滑稳定最小安全系数 / minimum slope factor of safety: recalled, not verified — \
             check against the code ({})",
            src.citation()
        ));
    }
    if src.fallback {
        push(format!(
            "坝坡抗滑稳定最小安全系数 / minimum slope factor of safety: no {} value in the limit \
             tables; taken from {}",
            limits.edition(),
            src.citation()
        ));
    }
}

fn check_row(
    section: &str,
    case: &LoadCaseResult,
    row: &tailtwin_stability::StabilityRow,
    method: Method,
    required: Option<&tailtwin_risk::Limit<f64>>,
    limits: &LimitSet,
    class: Grade,
) -> Check {
    let (m_zh, m_en) = method_label(method);
    let kind = case.kind;
    let level = case
        .pond_level_m
        .map_or_else(|| "no pond water".to_string(), |l| format!("pond level {l:.3} m"));
    let seismic = if case.seismic.kh > 0.0 {
        format!(", k_h = {}, k_v = {}", case.seismic.kh, case.seismic.kv)
    } else {
        String::new()
    };
    let (status, note, source) = match (row.fos, required) {
        (Some(f), Some(r)) => (
            if f >= r.value { CheckStatus::Pass } else { CheckStatus::Fail },
            format!("{} 级坝 / dam class {}; {level}{seismic}", class.numeral(), class.number()),
            r.source.clone(),
        ),
        (None, Some(r)) => (
            CheckStatus::Fail,
            format!(
                "未得到安全系数 / no factor of safety: {}",
                row.error.as_deref().unwrap_or("the method failed")
            ),
            r.source.clone(),
        ),
        (f, None) => (
            CheckStatus::Info,
            match f {
                Some(_) => format!(
                    "限值表中无此方法的最小值 / the limit tables hold no minimum for this \
                     method; {level}{seismic}"
                ),
                None => format!(
                    "未得到安全系数 / no factor of safety: {}",
                    row.error.as_deref().unwrap_or("the method failed")
                ),
            },
            Source {
                standard: limits.edition().standard(),
                clause: "—".into(),
                confidence: Confidence::Verified,
                note: String::new(),
                fallback: false,
            },
        ),
    };
    let note = if source.note.is_empty() { note } else { format!("{note} [{}]", source.note) };
    Check {
        id: format!("slope_fos/{section}/{}/{}", case_key(kind), method.name()),
        name_zh: format!("坝坡抗滑稳定安全系数（{}，{m_zh}）", kind.label_zh()),
        name_en: format!("slope factor of safety ({}, {m_en})", kind.label_en()),
        value: row.fos,
        limit: required.map(|r| r.value),
        unit: String::new(),
        comparison: "≥".into(),
        status,
        standard: source.standard,
        clause: source.clause,
        confidence: source.confidence,
        note,
    }
}

/// `normal`, `flood` or `special`.
pub fn case_key(kind: LoadCaseKind) -> &'static str {
    match kind {
        LoadCaseKind::Normal => "normal",
        LoadCaseKind::Flood => "flood",
        LoadCaseKind::Special => "special",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailtwin_core::Polyline;
    use tailtwin_scenario::stability::SurfacesSpec;
    use tailtwin_stability::{Seismic, Surcharge, TensionCrack};

    fn spec(pore_water: PoreWaterSpec, kh: f64, load_cases: Vec<LoadCaseKind>) -> StabilitySpec {
        StabilitySpec {
            section: None,
            methods: vec![Method::Bishop],
            slices: 30,
            noncircular: false,
            surfaces: SurfacesSpec::Auto,
            seismic: Seismic::with_vertical_third(kh, true),
            pore_water,
            load_cases,
            surcharges: vec![Surcharge { x_from: 0.0, x_to: 10.0, pressure: 5e3 }],
            tension_crack: Some(TensionCrack { depth: 2.0, water_filled: true }),
            slice_table: false,
            min_slip_depth_m: 0.0,
        }
    }

    fn phreatic(z: f64) -> PorePressure {
        let line =
            Polyline::x_monotone("p", vec![Point2::new(0.0, z), Point2::new(100.0, z)]).unwrap();
        PorePressure::Phreatic(PhreaticSurface {
            line,
            correction: tailtwin_core::HydrostaticCorrection::None,
        })
    }

    // Goal: the default load cases and where each takes its water and level from. Setup: seepage
    // solutions at the normal level (10 m) and at the design-flood peak (12 m), k_h = 0.1.
    // Reference: normal and special at the normal level with the normal solution (special with
    // the earthquake), flood at the peak with the flood solution; surcharges and the crack on
    // every case. Without a flood level the default set has no flood case, and asking for one
    // is an error naming `stability.load_cases`.
    #[test]
    fn load_cases_take_water_and_level_from_their_seepage_solution() {
        let seepage = [
            SeepageAtLevel {
                level: LevelKind::Normal,
                pond_level_m: 10.0,
                pore_pressure: phreatic(9.0),
            },
            SeepageAtLevel {
                level: LevelKind::DesignFlood,
                pond_level_m: 12.0,
                pore_pressure: phreatic(11.0),
            },
        ];
        let s = spec(PoreWaterSpec::Seepage, 0.1, vec![]);
        let levels = CaseLevels { normal_m: Some(10.0), flood_m: Some(12.0) };
        let cases = load_cases(&s, levels, &seepage).unwrap();
        let got: Vec<_> = cases
            .iter()
            .map(|c| (c.kind, c.pond_level_m, c.pore_water.phreatic_line().unwrap()[0].z))
            .collect();
        assert_eq!(
            got,
            [
                (LoadCaseKind::Normal, Some(10.0), 9.0),
                (LoadCaseKind::Flood, Some(12.0), 11.0),
                (LoadCaseKind::Special, Some(10.0), 9.0),
            ]
        );
        assert_eq!(cases[0].seismic, Seismic::default());
        assert_eq!(cases[2].seismic, Seismic::with_vertical_third(0.1, true));
        assert!(cases.iter().all(|c| c.surcharges.len() == 1 && c.tension_crack.is_some()));

        let no_flood = CaseLevels { normal_m: Some(10.0), flood_m: None };
        let dry = spec(PoreWaterSpec::Ru(0.2), 0.0, vec![]);
        let cases = load_cases(&dry, no_flood, &[]).unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].pore_water, PoreWater::Ru(0.2));
        let asked = spec(PoreWaterSpec::Dry, 0.0, vec![LoadCaseKind::Flood]);
        let e = load_cases(&asked, no_flood, &[]).unwrap_err().to_string();
        assert!(e.starts_with("stability.load_cases:"), "{e}");
    }
}
