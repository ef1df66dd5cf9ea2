//! The seepage stage: every `[[section]]` of a scenario solved at the pond's normal level, at the
//! routed design-flood peak and at the `[seepage] pond_levels_m`, flattened into the core
//! products (`SeepageRun`: profile + mesh fields) with the phreatic-line check rows.
//!
//! ```text
//! Scenario.sections × levels ─▶ tailtwin_seepage::solve_level (one mesh per section)
//!   ─▶ SectionSolution (full result: pore-pressure field for stability)
//!   ─▶ SeepageRun (profile for the JSON/Report, fields for results.h5 and plots)
//!   ─▶ Check rows: burial depth against the site minimum, phreatic line against the control line
//! ```
//!
//! Levels, in this order per section: `Normal` (`pond.normal_level_m`) and `DesignFlood` (the
//! routed peak handed in by the caller) when `[seepage] at_pond_levels` is true and the scenario
//! has a pond, then every `pond_levels_m` entry as `Given`. The check rows are emitted for every
//! solved level, so a section-only scenario (no pond) is checked at its given levels.
//!
//! Limits (shared/reference/standards.md §6): the GB 50863 minimum burial-depth table is not
//! known, so the minimum is site data (`[[section]] min_burial_depth_m`); without it the row is
//! `Info`. The seismic-zone construction rule (≥ 6 m for classes 1–3, ≥ 4 m for 4–5; a
//! secondary source, \[V2\]) is not applied automatically: it is a construction rule of seismic
//! zones and needs the dam class, which a section-only scenario does not have; the Info row names
//! it so the user can set the site value. The control phreatic line (控制浸润线) is site data too.

use tailtwin_core::geotech::{
    LevelKind, SeepageFields, SeepageOutletFlow, SeepageProfile, SeepageRun,
};
use tailtwin_core::{Check, CheckStatus, Confidence, Polyline, Standard};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::model::DamSectionSpec;
use tailtwin_seepage::{OutletKind, SeepageError, SeepageModel, SeepageResult, SeepageSettings};
use thiserror::Error;

/// Relative flow-balance error above which a solution carries a warning.
pub const MASS_BALANCE_WARN_RELATIVE: f64 = 1e-6;

/// One solved (section, level), with the crate's full result (what stability reads).
#[derive(Debug, Clone)]
pub struct SectionSolution {
    /// Index into `Scenario::sections`.
    pub section_index: usize,
    pub level: LevelKind,
    pub pond_level_m: f64,
    pub result: SeepageResult,
}

/// What the seepage stage produced; `runs[i]` and `solutions[i]` are the same solve.
#[derive(Debug, Clone)]
pub struct SeepageStage {
    pub runs: Vec<SeepageRun>,
    pub solutions: Vec<SectionSolution>,
    pub checks: Vec<Check>,
}

/// Why the seepage stage failed; each variant names the section and, where it applies, the
/// level and the scenario key it came from.
#[derive(Debug, Error)]
pub enum SeepageStageError {
    #[error("{key} (section '{section}'): {source}")]
    Mesh { key: String, section: String, source: Box<SeepageError> },
    #[error("{key} = {pond_level_m} m (section '{section}', {level_en}): {source}")]
    Solve {
        key: String,
        section: String,
        level_en: &'static str,
        pond_level_m: f64,
        source: Box<SeepageError>,
    },
    #[error(
        "section '{section}': no pond level to solve (give [seepage] pond_levels_m, or a [pond] \
         with [seepage] at_pond_levels = true)"
    )]
    NoLevels { section: String },
}

impl SeepageStageError {
    /// True when the scenario's values caused the failure (CLI exit 2); false for solver
    /// failures (no convergence, a failed factorisation: exit 3).
    pub fn is_input_error(&self) -> bool {
        let source = match self {
            SeepageStageError::NoLevels { .. } => return true,
            SeepageStageError::Mesh { source, .. } | SeepageStageError::Solve { source, .. } => {
                source
            }
        };
        !matches!(**source, SeepageError::NotConverged { .. } | SeepageError::Linear { .. })
    }
}

/// A level to solve and the scenario key it comes from.
struct Level {
    kind: LevelKind,
    value_m: f64,
    key: String,
}

fn levels(s: &Scenario, design_flood_peak_m: Option<f64>) -> Vec<Level> {
    let spec = s.seepage_spec();
    let mut out = Vec::new();
    if spec.at_pond_levels
        && let Some(normal) = pond_normal_level_m(s)
    {
        out.push(Level {
            kind: LevelKind::Normal,
            value_m: normal,
            key: "pond.normal_level_m".into(),
        });
        if let Some(peak) = design_flood_peak_m {
            out.push(Level {
                kind: LevelKind::DesignFlood,
                value_m: peak,
                key: "design-flood peak stage (routing)".into(),
            });
        }
    }
    for (j, &z) in spec.pond_levels_m.iter().enumerate() {
        out.push(Level {
            kind: LevelKind::Given,
            value_m: z,
            key: format!("seepage.pond_levels_m[{j}]"),
        });
    }
    out
}

fn pond_normal_level_m(s: &Scenario) -> Option<f64> {
    s.pond.as_ref().map(|p| p.normal_level.m())
}

/// Solves every section at every level (see the module docs) with `threads` threads in the
/// sparse factorisation and element loop (results do not depend on it).
pub fn run_seepage(
    s: &Scenario,
    design_flood_peak_m: Option<f64>,
    threads: usize,
) -> Result<SeepageStage, SeepageStageError> {
    let mut settings: SeepageSettings = s.seepage.as_ref().map(|p| p.settings).unwrap_or_default();
    settings.threads = threads.max(1);
    let levels = levels(s, design_flood_peak_m);
    let mut stage = SeepageStage { runs: Vec::new(), solutions: Vec::new(), checks: Vec::new() };
    for (i, spec) in s.sections.iter().enumerate() {
        let section = &spec.section;
        if levels.is_empty() {
            return Err(SeepageStageError::NoLevels { section: section.name.clone() });
        }
        let mut model =
            SeepageModel::build(section, &settings).map_err(|source| SeepageStageError::Mesh {
                key: format!("section[{i}]"),
                section: section.name.clone(),
                source: Box::new(source),
            })?;
        for level in &levels {
            let result = tailtwin_seepage::solve_level(&mut model, level.value_m, &settings)
                .map_err(|source| SeepageStageError::Solve {
                    key: level.key.clone(),
                    section: section.name.clone(),
                    level_en: level.kind.label_en(),
                    pond_level_m: level.value_m,
                    source: Box::new(source),
                })?;
            let run = seepage_run(&result, level.kind);
            stage.checks.extend(level_checks(spec, &run.profile));
            stage.runs.push(run);
            stage.solutions.push(SectionSolution {
                section_index: i,
                level: level.kind,
                pond_level_m: level.value_m,
                result,
            });
        }
    }
    Ok(stage)
}

fn outlet_kind(k: OutletKind) -> &'static str {
    match k {
        OutletKind::Pond => "pond",
        OutletKind::SeepageFace => "seepage_face",
        OutletKind::Tailwater => "tailwater",
        OutletKind::Drain => "drain",
        OutletKind::Pipe => "pipe",
    }
}

/// The core product of one solution: the profile (JSON, Report) and the mesh fields.
pub fn seepage_run(r: &SeepageResult, level: LevelKind) -> SeepageRun {
    let xz = |p: &tailtwin_core::Point2| [p.x, p.z];
    let mut warnings = r.diagnostics.warnings.clone();
    let relative = r.balance.error_pct.abs() / 100.0;
    if relative > MASS_BALANCE_WARN_RELATIVE {
        warnings.push(format!(
            "flow balance error {:.3e} % exceeds {:.0e} relative (inflow {:.6e} m²/s, outflow \
             {:.6e} m²/s)",
            r.balance.error_pct,
            MASS_BALANCE_WARN_RELATIVE,
            r.balance.inflow_m2s,
            r.balance.outflow_m2s
        ));
    }
    let profile = SeepageProfile {
        section: r.section.clone(),
        level,
        pond_level_m: r.pond_level_m,
        discharge_m2s: r.discharge_m2s,
        exit_x_m: r.exit_point.map(|p| p.x),
        exit_elevation_m: r.exit_point.map(|p| p.z),
        seepage_face_length_m: r.seepage_face_length_m,
        phreatic_line: r.phreatic.line.points().iter().map(xz).collect(),
        // The chain through the exit point (the crate orders it first).
        seepage_face: r
            .seepage_face
            .first()
            .map(|c| c.iter().map(xz).collect())
            .unwrap_or_default(),
        burial: r.burial.clone(),
        min_burial_depth_m: r.min_burial_depth_m,
        outlets: r
            .outlets
            .iter()
            .map(|o| SeepageOutletFlow {
                name: o.name.clone(),
                kind: outlet_kind(o.kind).into(),
                flow_m2s: o.flow_m2s,
            })
            .collect(),
        inflow_m2s: r.balance.inflow_m2s,
        outflow_m2s: r.balance.outflow_m2s,
        mass_balance_error_pct: r.balance.error_pct,
        iterations: r.diagnostics.iterations,
        nodes: r.diagnostics.nodes,
        elements: r.diagnostics.elements,
        warnings,
    };
    let field = &r.pore_pressure;
    let fields = SeepageFields {
        nodes: field.nodes().iter().map(xz).collect(),
        triangles: field.triangles().to_vec(),
        element_zone: r.element_zone.clone(),
        heads_m: r.heads_m.clone(),
        pore_pressure_pa: field.values_pa().to_vec(),
    };
    SeepageRun { profile, fields }
}

/// Largest height of `line` above `control` over the stations where both are defined (the
/// vertices of either within their common x range), with its abscissa; None when the ranges do
/// not overlap.
pub fn worst_exceedance(line: &Polyline, control: &Polyline) -> Option<(f64, f64)> {
    let lo = line.first().x.max(control.first().x);
    let hi = line.last().x.min(control.last().x);
    if lo > hi {
        return None;
    }
    let mut xs: Vec<f64> = line.points().iter().chain(control.points()).map(|p| p.x).collect();
    xs.extend([lo, hi]);
    xs.retain(|&x| x >= lo && x <= hi);
    xs.into_iter()
        .filter_map(|x| Some((line.z_at(x)? - control.z_at(x)?, x)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// `normal`, `design_flood`, `given_<level>`: the level part of a check id.
fn level_key(p: &SeepageProfile) -> String {
    match p.level {
        LevelKind::Normal => "normal".into(),
        LevelKind::DesignFlood => "design_flood".into(),
        LevelKind::Given => format!("given_{:.3}", p.pond_level_m),
    }
}

/// The phreatic-line check rows of one solution: the minimum burial depth under the outer slope
/// (against the site minimum; Info without one; NotApplicable without stations) and, when the
/// site gives a control line, the phreatic line against it.
pub fn level_checks(spec: &DamSectionSpec, p: &SeepageProfile) -> Vec<Check> {
    let name = &p.section;
    let (zh, en) = (p.level.label_zh(), p.level.label_en());
    let level = format!("{zh} {:.2} m / {en} {:.2} m", p.pond_level_m, p.pond_level_m);
    let mut rows = Vec::new();
    let dry = p.burial.iter().filter(|b| b.phreatic_m.is_none()).count();
    let dry_note = if dry > 0 {
        format!(
            " {dry} station(s) dry to the base: depth measured to the base (a lower bound). \
             {dry} 个测站竖线全部非饱和：埋深量至底边界（下限值）。"
        )
    } else {
        String::new()
    };
    let mut burial = Check {
        id: format!("phreatic_burial_depth/{name}/{}", level_key(p)),
        name_zh: format!("浸润线最小埋深（断面 {name}，{zh}）"),
        name_en: format!("minimum phreatic burial depth (section {name}, {en})"),
        value: p.min_burial_depth_m,
        limit: spec.min_burial_depth_m,
        unit: "m".into(),
        comparison: "≥".into(),
        status: CheckStatus::Info,
        standard: Standard::Site,
        clause: "[[section]] min_burial_depth_m".into(),
        confidence: Confidence::Site,
        note: String::new(),
    };
    match (p.min_burial_depth_m, spec.min_burial_depth_m) {
        (None, _) => {
            burial.status = CheckStatus::NotApplicable;
            burial.note = format!(
                "{level}: the section has no stations_x on the outer slope, so no burial depth \
                 was computed. 断面未给出外坡测站（stations_x），未计算埋深。"
            );
        }
        (Some(d), Some(min)) => {
            burial.status = if d >= min { CheckStatus::Pass } else { CheckStatus::Fail };
            burial.note = format!(
                "{level}: least surface − phreatic elevation over {} station(s) against the \
                 site minimum. 各测站坡面高程减浸润线高程的最小值，与场地给定最小埋深比较。{dry_note}",
                p.burial.len()
            );
        }
        (Some(_), None) => {
            burial.note = format!(
                "{level}: no limit applied — the minimum burial depth is site data: the GB 50863 \
                 table is not known, and the seismic-zone construction rule (≥ 6 m classes 1–3, \
                 ≥ 4 m classes 4–5, secondary source) is not applied automatically; set \
                 [[section]] min_burial_depth_m. 未设限值：最小埋深为场地资料（GB 50863 表值未知；\
                 地震区构造要求 1–3 级 ≥ 6 m、4–5 级 ≥ 4 m 未自动采用），请在 [[section]] \
                 min_burial_depth_m 中给出。{dry_note}"
            );
        }
    }
    rows.push(burial);
    if let Some(control) = &spec.control_line {
        let line = Polyline::new(
            "phreatic line",
            p.phreatic_line.iter().map(|&[x, z]| tailtwin_core::Point2::new(x, z)).collect(),
        );
        let worst = line.ok().and_then(|l| worst_exceedance(&l, control));
        let mut row = Check {
            id: format!("control_phreatic_line/{name}/{}", level_key(p)),
            name_zh: format!("浸润线不高于控制浸润线（断面 {name}，{zh}）"),
            name_en: format!("phreatic line at or below the control line (section {name}, {en})"),
            value: worst.map(|w| w.0),
            limit: Some(0.0),
            unit: "m".into(),
            comparison: "≤".into(),
            status: CheckStatus::NotApplicable,
            standard: Standard::Site,
            clause: "[[section]] control_line".into(),
            confidence: Confidence::Site,
            note: String::new(),
        };
        match worst {
            Some((e, x)) => {
                row.status = if e <= 0.0 { CheckStatus::Pass } else { CheckStatus::Fail };
                row.note = format!(
                    "{level}: greatest height of the computed phreatic line above the control \
                     line, at x = {x:.2} m (negative: below it everywhere). 计算浸润线高出控制\
                     浸润线的最大值，位于 x = {x:.2} m（负值表示处处低于控制线）。"
                );
            }
            None => {
                row.note = format!(
                    "{level}: the control line and the phreatic line share no x range. \
                     控制浸润线与计算浸润线无共同的 x 范围。"
                );
            }
        }
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailtwin_core::geotech::BurialDepth;
    use tailtwin_core::section::{Conductivity, Point2};

    fn line(points: &[(f64, f64)]) -> Polyline {
        Polyline::x_monotone("l", points.iter().map(|&(x, z)| Point2::new(x, z)).collect()).unwrap()
    }

    fn profile(min_burial: Option<f64>, phreatic: &[[f64; 2]]) -> SeepageProfile {
        SeepageProfile {
            section: "A".into(),
            level: LevelKind::DesignFlood,
            pond_level_m: 10.0,
            discharge_m2s: 1e-5,
            exit_x_m: None,
            exit_elevation_m: None,
            seepage_face_length_m: 0.0,
            phreatic_line: phreatic.to_vec(),
            seepage_face: vec![],
            burial: min_burial
                .map(|d| {
                    vec![BurialDepth {
                        x_m: 5.0,
                        surface_m: 10.0,
                        phreatic_m: Some(10.0 - d),
                        depth_m: d,
                    }]
                })
                .unwrap_or_default(),
            min_burial_depth_m: min_burial,
            outlets: vec![],
            inflow_m2s: 1e-5,
            outflow_m2s: 1e-5,
            mass_balance_error_pct: 0.0,
            iterations: 1,
            nodes: 3,
            elements: 1,
            warnings: vec![],
        }
    }

    fn spec(min: Option<f64>, control: Option<Polyline>) -> DamSectionSpec {
        DamSectionSpec {
            section: tailtwin_seepage::cases::rectangular_dam(
                10.0,
                10.0,
                Conductivity::isotropic(1e-5),
            ),
            control_line: control,
            min_burial_depth_m: min,
        }
    }

    /// Goal: the worst exceedance of a line over a control line is found at a vertex of either
    /// line within their common range. Setup: a straight control line z = 8 − 0.2x on [0, 10]
    /// and a phreatic line with a kink at x = 4 (z = 7.5, 0.3 m above the control there) on
    /// [−2, 12]. Reference: hand computation. Tolerance: 1e-12 (round-off).
    #[test]
    fn control_line_exceedance_is_the_largest_vertex_gap_in_the_common_range() {
        let control = line(&[(0.0, 8.0), (10.0, 6.0)]);
        let phreatic = line(&[(-2.0, 7.0), (4.0, 7.5), (12.0, 3.0)]);
        let (e, x) = worst_exceedance(&phreatic, &control).unwrap();
        assert!((x - 4.0).abs() < 1e-12 && (e - 0.3).abs() < 1e-12, "{e} at {x}");
        let far = line(&[(20.0, 1.0), (30.0, 1.0)]);
        assert_eq!(worst_exceedance(&far, &control), None);
    }

    /// Goal: the burial-depth row passes or fails against the site minimum, is Info without a
    /// minimum and NotApplicable without stations; the control-line row fails on exceedance.
    /// Setup: hand-made profiles (min depth 3 m), minima 2 and 4 m, control lines 0.5 m above
    /// and 0.5 m below a flat phreatic line. Reference: the rule itself. Tolerance: exact.
    #[test]
    fn phreatic_checks_pass_fail_info_and_not_applicable_as_the_site_data_allow() {
        let flat = [[0.0, 7.0], [10.0, 7.0]];
        let p = profile(Some(3.0), &flat);
        let status = |c: &[Check], i: usize| c[i].status;
        assert_eq!(status(&level_checks(&spec(Some(2.0), None), &p), 0), CheckStatus::Pass);
        assert_eq!(status(&level_checks(&spec(Some(4.0), None), &p), 0), CheckStatus::Fail);
        let info = level_checks(&spec(None, None), &p);
        assert_eq!((info.len(), info[0].status), (1, CheckStatus::Info));
        assert!(info[0].note.contains("site data"), "{}", info[0].note);
        let na = level_checks(&spec(Some(2.0), None), &profile(None, &flat));
        assert_eq!(na[0].status, CheckStatus::NotApplicable);

        let above = level_checks(&spec(None, Some(line(&[(0.0, 7.5), (10.0, 7.5)]))), &p);
        assert_eq!(above[1].status, CheckStatus::Pass);
        assert!((above[1].value.unwrap() + 0.5).abs() < 1e-12);
        let below = level_checks(&spec(None, Some(line(&[(0.0, 6.5), (10.0, 6.5)]))), &p);
        assert_eq!(below[1].status, CheckStatus::Fail);
        assert!(below[1].id.starts_with("control_phreatic_line/A/design_flood"));
    }
}
