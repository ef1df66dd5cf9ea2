//! The slope-reliability stage: FOSM and Monte-Carlo P(FoS < 1) and β of the `[stability]` load
//! cases, with the random variables of `[reliability]`.
//!
//! ```text
//! Scenario + GeotechRun (stability rows, near-critical surfaces, seepage fields)
//!   ─▶ the load cases rebuilt as the stability stage built them (crate::stability::load_cases,
//!      pore water from the seepage fields of the GeotechRun)
//!   ─▶ per load case × method: the critical surface + the next near-critical ones
//!   ─▶ tailtwin_stability::reliability::{fosm, monte_carlo}
//!   ─▶ core::ReliabilityRow
//! ```
//!
//! Rows are made for every (load case, method) of `[reliability] methods` (default: every
//! `[stability]` method) whose deterministic analysis gave a factor of safety; a method that gave
//! none has no distribution to speak of. Every sample of every row uses the same input draws
//! (sample i of the seed), so the methods and load cases are compared on common random numbers.
//! The random variables, the surfaces approximation and the FOSM/Monte-Carlo equations are
//! documented in `tailtwin_stability::reliability`.

use crate::PipelineError;
use crate::geotech::GeotechError;
use crate::stability::{CaseLevels, SeepageAtLevel, StabilityRunError, load_cases, section_index};
use tailtwin_core::{
    GeotechRun, HydrostaticCorrection, LoadCaseKind, PhreaticSurface, Point2, Polyline,
    PorePressure, PorePressureField, ReliabilityRow, SampledInput, SeepageRun, SlipSurface,
};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::reliability::{
    DEFAULT_SAMPLES, Quantity, ReliabilitySpec, VariableDescription,
};
use tailtwin_stability::reliability::{
    Correlation, Distribution, Evaluation, Property, Target, VariableSpec, Variables, fosm,
    monte_carlo,
};
use tailtwin_stability::{LoadCase, Method, SlopeModel, SlopeProblem, SurfaceSpec};

/// How many samples, from which seed, on how many threads (results do not depend on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReliabilitySettings {
    pub samples: u64,
    pub seed: u64,
    pub threads: usize,
}

impl ReliabilitySettings {
    /// `[reliability] samples` and `seed` (defaults 2000 and 1 without the block).
    pub fn from_scenario(s: &Scenario, threads: usize) -> Self {
        let (samples, seed) =
            s.reliability.as_ref().map_or((DEFAULT_SAMPLES, 1), |r| (r.samples, r.seed));
        Self { samples, seed, threads }
    }
}

fn input(key: &str, message: impl Into<String>) -> PipelineError {
    stage(StabilityRunError::Input { key: key.into(), message: message.into() })
}

fn stage(e: impl Into<StabilityRunError>) -> PipelineError {
    PipelineError::Geotech(Box::new(GeotechError::Stability(e.into())))
}

/// The pore pressure of a stored seepage solution, as the stability stage used it: the field on
/// its mesh with the solution's phreatic line (hydrostatic below it outside the mesh).
pub fn seepage_pore_pressure(run: &SeepageRun) -> Result<PorePressure, PipelineError> {
    let p = &run.profile;
    let what = format!("seepage solution of section '{}' at {} m", p.section, p.pond_level_m);
    let points = |v: &[[f64; 2]]| v.iter().map(|q| Point2::new(q[0], q[1])).collect::<Vec<_>>();
    let line = Polyline::x_monotone("phreatic line", points(&p.phreatic_line))
        .map_err(|e| input("seepage", format!("{what}: {e}")))?;
    let phreatic = PhreaticSurface { line, correction: HydrostaticCorrection::None };
    let field = PorePressureField::new(
        points(&run.fields.nodes),
        run.fields.triangles.clone(),
        run.fields.pore_pressure_pa.clone(),
        phreatic,
    )
    .map_err(|e| input("seepage", format!("{what}: {e}")))?;
    Ok(PorePressure::Field(field))
}

/// The `[stability]` load cases of the analysed section, rebuilt from the scenario and the
/// seepage solutions and levels in `geotech` (what the stability stage analysed).
pub fn rebuild_load_cases(
    s: &Scenario,
    geotech: &GeotechRun,
) -> Result<(usize, Vec<LoadCase>), PipelineError> {
    let spec = crate::stability::spec(s).map_err(stage)?;
    let index = section_index(s).map_err(stage)?;
    let name = &s.sections[index].section.name;
    let run = geotech.stability.iter().find(|r| &r.section == name).ok_or_else(|| {
        input("reliability", format!("no stability results for section '{name}' to build on"))
    })?;
    let mut at_levels = Vec::new();
    for sol in geotech.seepage.iter().filter(|r| &r.profile.section == name) {
        at_levels.push(SeepageAtLevel {
            level: sol.profile.level,
            pond_level_m: sol.profile.pond_level_m,
            pore_pressure: seepage_pore_pressure(sol)?,
        });
    }
    let level_of = |kind: LoadCaseKind| {
        run.rows.iter().find(|r| r.load_case == kind).and_then(|r| r.pond_level_m)
    };
    let levels = CaseLevels {
        normal_m: s.pond.as_ref().map(|p| p.normal_level.m()),
        flood_m: level_of(LoadCaseKind::Flood),
    };
    let cases = load_cases(spec, levels, &at_levels).map_err(stage)?;
    Ok((index, cases))
}

/// The stability crate's variable for a scenario variable on a section's materials.
fn variable_spec(
    v: &VariableDescription,
    materials: &[tailtwin_core::Material],
    section: &str,
) -> Result<VariableSpec, PipelineError> {
    let target = match v.quantity {
        Quantity::PhreaticOffset => Target::PoreHeadOffset,
        Quantity::PorePressureFactor => Target::PoreFactor,
        q => {
            let name = v.material.as_deref().unwrap_or_default();
            let index = materials.iter().position(|m| m.name == name).ok_or_else(|| {
                input(
                    &format!("{}.material", v.key.rsplit_once('.').map_or("", |(a, _)| a)),
                    format!("material {name:?} is not in section '{section}'"),
                )
            })?;
            let property = match q {
                Quantity::Cohesion => Property::Cohesion,
                Quantity::FrictionAngle => Property::FrictionAngle,
                Quantity::TanFriction => Property::TanFriction,
                Quantity::UnitWeight => Property::UnitWeight,
                Quantity::UndrainedStrength => Property::UndrainedStrength,
                Quantity::PhreaticOffset | Quantity::PorePressureFactor => unreachable!(),
            };
            Target::Material { index, property }
        }
    };
    Ok(VariableSpec { name: v.key.clone(), target, distribution: v.distribution, spread: v.spread })
}

/// The variable in words, in the scenario's units, e.g. `lognormal, mean 8 kPa, sd 2.4 kPa`.
fn describe(v: &tailtwin_stability::reliability::RandomVariable) -> String {
    let (scale, unit) = match v.target {
        Target::Material { property, .. } => match property {
            Property::Cohesion | Property::UndrainedStrength => (1e-3, " kPa"),
            Property::FrictionAngle => (180.0 / std::f64::consts::PI, "°"),
            Property::TanFriction => (1.0, ""),
            Property::UnitWeight => (1e-3, " kN/m³"),
        },
        Target::PoreHeadOffset => (1.0, " m"),
        Target::PoreFactor => (1.0, ""),
    };
    let d = match v.distribution {
        Distribution::Normal => "normal",
        Distribution::Lognormal => "lognormal",
    };
    format!("{d}, mean {:.4}{unit}, sd {:.4}{unit}", v.mean * scale, v.sd * scale)
}

/// The surfaces of a (load case, method): the deterministic critical one, then the
/// near-critical ones of its search (distinct), `count` in all.
fn surfaces_for(
    run: &tailtwin_core::StabilityRun,
    kind: LoadCaseKind,
    method: &str,
    critical: &SlipSurface,
    count: usize,
) -> Vec<SlipSurface> {
    let mut out = vec![critical.clone()];
    for r in run.near_critical.iter().filter(|r| r.load_case == kind && r.method == method) {
        if out.len() >= count {
            break;
        }
        if !out.contains(&r.surface) {
            out.push(r.surface.clone());
        }
    }
    out
}

/// FOSM and Monte-Carlo reliability of every `[stability]` load case and `[reliability]`
/// method with a deterministic factor of safety (see the module docs).
pub fn run_reliability(
    s: &Scenario,
    geotech: &GeotechRun,
    settings: &ReliabilitySettings,
) -> Result<Vec<ReliabilityRow>, PipelineError> {
    let spec: &ReliabilitySpec = s
        .reliability
        .as_ref()
        .ok_or_else(|| input("reliability", "the scenario has no [reliability] block"))?;
    if settings.samples < 2 {
        return Err(input("reliability.samples", format!("{} < 2", settings.samples)));
    }
    let stability = crate::stability::spec(s).map_err(stage)?;
    let (index, cases) = rebuild_load_cases(s, geotech)?;
    let section = &s.sections[index].section;
    let run = geotech
        .stability
        .iter()
        .find(|r| r.section == section.name)
        .ok_or_else(|| input("reliability", "no stability results to build on"))?;
    let model = SlopeModel::from_section(section).map_err(|e| stage(StabilityRunError::from(e)))?;
    let analysis = stability.analysis_settings(&model).map_err(stage)?;
    let solver = match &analysis.surfaces {
        SurfaceSpec::Search(search) => search.solver,
        SurfaceSpec::Specified { .. } => analysis.solver,
    };
    let methods: Vec<Method> = spec.methods.clone().unwrap_or_else(|| stability.methods.clone());
    let specs: Vec<VariableSpec> = spec
        .variables
        .iter()
        .map(|v| variable_spec(v, &section.materials, &section.name))
        .collect::<Result<_, _>>()?;
    let correlations: Vec<Correlation> = spec
        .correlations
        .iter()
        .map(|c| Correlation { name: c.key.clone(), first: c.first, second: c.second, rho: c.rho })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| PipelineError::Unsupported(format!("reliability thread pool: {e}")))?;
    let mut rows = Vec::new();
    for case in &cases {
        let problem = SlopeProblem::for_load_case(section, case)
            .map_err(|e| stage(StabilityRunError::from(e)))?;
        let vars = Variables::new(&problem, &specs, &correlations).map_err(stage)?;
        let inputs: Vec<SampledInput> = vars
            .variables()
            .iter()
            .map(|v| SampledInput { name: v.name.clone(), distribution: describe(v) })
            .collect();
        for &method in &methods {
            let Some(row) =
                run.rows.iter().find(|r| r.load_case == case.kind && r.method == method.name())
            else {
                continue;
            };
            let (Some(fos), Some(critical)) = (row.fos, &row.surface) else { continue };
            let surfaces = surfaces_for(run, case.kind, method.name(), critical, spec.surfaces);
            let eval = Evaluation { method, slices: stability.slices, solver };
            let (f, mc) = pool.install(|| {
                Ok::<_, PipelineError>((
                    fosm(&problem, &vars, &surfaces, &eval).map_err(stage)?,
                    monte_carlo(&problem, &vars, &surfaces, &eval, settings.samples, settings.seed)
                        .map_err(stage)?,
                ))
            })?;
            rows.push(ReliabilityRow {
                section: section.name.clone(),
                load_case: case.kind,
                method: method.name().to_string(),
                fos_deterministic: fos,
                fos_mean_fosm: f.fos_at_mean,
                fos_sd_fosm: f.sd,
                beta_fosm: f.beta,
                p_failure_fosm: f.p_failure,
                fos_mean_mc: mc.mean,
                fos_sd_mc: mc.sd,
                beta_mc: mc.beta,
                p_failure_mc: mc.p_failure,
                inputs: inputs.clone(),
                failed_samples: mc.failed,
                surfaces: surfaces.len(),
            });
        }
    }
    Ok(rows)
}
