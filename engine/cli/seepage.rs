//! `tailtwin seepage FILE [--json] [--out DIR] [--threads N] [--quiet]`: the phreatic line of
//! every `[[section]]` at the pond's normal level, at the routed design-flood peak and at the
//! `[seepage] pond_levels_m`, with the burial-depth and control-line checks.
//!
//! When the scenario has a pond, a forcing (storm, catchment or inflow) and `at_pond_levels`,
//! the flood is run first (quietly) for the design-flood peak stage. JSON: `{ "scenario",
//! "engine_version", "results": [SeepageProfile…], "checks": [Check…], "warnings": [...] }`.
//! `--out DIR`: results.h5 (`/sections`, `/seepage`), summary.json (the JSON above) and the
//! section plots (mesh drawn when `[seepage] draw_mesh`). Exit 0; 1 when a check failed; 2 bad input; 3 other failures.

use crate::common::{Args, BadInput, Status, load, print_json};
use anyhow::Context;
use serde_json::json;
use tailtwin::core::geotech::{GeotechRun, SeepageProfile};
use tailtwin::core::{Check, CheckStatus};
use tailtwin::pipeline::seepage::{SeepageStage, run_seepage};
use tailtwin::scenario::Scenario;

/// Everything the command computed.
pub struct Outcome {
    pub scenario: Scenario,
    pub stage: SeepageStage,
    pub warnings: Vec<String>,
}

/// Loads the scenario, runs the flood when it decides a level, then the seepage stage.
pub fn compute(args: &Args) -> anyhow::Result<Outcome> {
    let bar = crate::common::progress(args, 3);
    bar.set_message("reading the scenario");
    let scenario = load(&args.scenario)?;
    if scenario.sections.is_empty() {
        return Err(anyhow::Error::new(BadInput(format!(
            "{}: section: the scenario has no [[section]] to solve",
            args.scenario.display()
        ))));
    }
    bar.inc(1);
    let mut warnings = Vec::new();
    let mut peak = None;
    if needs_flood(&scenario) {
        bar.set_message("storm → inflow → routing (design-flood peak)");
        let settings = tailtwin::pipeline::RunSettings { threads: args.threads() };
        let run = tailtwin::pipeline::run_flood(&scenario, &settings)
            .map_err(crate::common::input)
            .context("the design flood (for the seepage level)")?;
        peak = Some(run.report.peak_stage_m);
        warnings.extend(run.report.warnings.iter().map(|w| format!("flood: {w}")));
    }
    bar.inc(1);
    bar.set_message("seepage");
    let stage = run_seepage(&scenario, peak, args.threads()).map_err(|e| {
        if e.is_input_error() {
            anyhow::Error::new(BadInput(e.to_string()))
        } else {
            anyhow::Error::new(e)
        }
    })?;
    for r in &stage.runs {
        let p = &r.profile;
        warnings.extend(p.warnings.iter().map(|w| {
            format!("section '{}', {} {:.3} m: {w}", p.section, p.level.label_en(), p.pond_level_m)
        }));
    }
    bar.inc(1);
    bar.finish_and_clear();
    Ok(Outcome { scenario, stage, warnings })
}

/// Whether the flood must run first: a pond with a forcing, and seepage at the pond levels.
fn needs_flood(s: &Scenario) -> bool {
    let at_levels = s.seepage_spec().at_pond_levels;
    let forcing = s.storm.is_some() || s.catchment.is_some() || s.inflow.is_some();
    at_levels && s.pond.is_some() && forcing
}

/// The JSON object of the command (also summary.json under --out).
pub fn summary(o: &Outcome) -> serde_json::Value {
    let results: Vec<&SeepageProfile> = o.stage.runs.iter().map(|r| &r.profile).collect();
    json!({
        "scenario": o.scenario.meta.name,
        "engine_version": env!("CARGO_PKG_VERSION"),
        "results": results,
        "checks": o.stage.checks,
        "warnings": o.warnings,
    })
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let o = compute(args)?;
    let summary = summary(&o);
    let mut files = Vec::new();
    if let Some(dir) = &args.out {
        let geotech = GeotechRun {
            sections: o.scenario.sections.iter().map(|s| s.section.clone()).collect(),
            seepage: o.stage.runs.clone(),
            checks: o.stage.checks.clone(),
            control_lines: o
                .scenario
                .sections
                .iter()
                .filter_map(|s| {
                    let line = s.control_line.as_ref()?;
                    Some((
                        s.section.name.clone(),
                        line.points().iter().map(|p| [p.x, p.z]).collect(),
                    ))
                })
                .collect(),
            ..GeotechRun::default()
        };
        files = write_out(dir, args, &o, &geotech, &summary)?;
    }
    if args.json {
        print_json(&summary)?;
    } else {
        print!("{}", render(&o));
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(status(&o.stage.checks))
}

/// results.h5 + summary.json (tailtwin-results) and the section plots (tailtwin-viz).
fn write_out(
    dir: &std::path::Path,
    args: &Args,
    o: &Outcome,
    geotech: &GeotechRun,
    summary: &serde_json::Value,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let toml = &o.scenario.source_toml;
    let mut files = tailtwin::results::write_geotech(dir, toml, args.threads(), geotech, summary)
        .with_context(|| format!("writing the results into {}", dir.display()))?;
    let draw_mesh = o.scenario.seepage_spec().draw_mesh;
    let options = tailtwin::viz::GeotechPlotOptions { draw_mesh };
    files.extend(
        tailtwin::viz::render_geotech_with(dir, geotech, &options)
            .with_context(|| format!("drawing the plots into {}", dir.display()))?,
    );
    Ok(files)
}

/// The level as in the JSON (`normal`, `design_flood`, `given`).
fn level_name(level: tailtwin::core::geotech::LevelKind) -> String {
    serde_json::to_value(level).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Exit status: 1 when any check failed.
pub fn status(checks: &[Check]) -> Status {
    if checks.iter().any(|c| c.status == CheckStatus::Fail) {
        Status::CheckFailed
    } else {
        Status::Ok
    }
}

/// The human-readable table.
pub fn render(o: &Outcome) -> String {
    let mut s = String::new();
    let mut line = |t: String| {
        s.push_str(&t);
        s.push('\n');
    };
    line(format!(
        "{} — tailtwin {} — seepage 渗流",
        o.scenario.meta.name,
        env!("CARGO_PKG_VERSION")
    ));
    line(format!(
        "{:<16} {:<13} {:>9} {:>12} {:>9} {:>8} {:>9} {:>11} {:>5} {:>7}",
        "section",
        "level",
        "pond m",
        "q m²/s",
        "exit m",
        "face m",
        "burial m",
        "balance %",
        "iter",
        "nodes"
    ));
    let num = |v: Option<f64>, d: usize| v.map_or("—".to_string(), |v| format!("{v:.d$}"));
    for r in &o.stage.runs {
        let p = &r.profile;
        line(format!(
            "{:<16} {:<13} {:>9.3} {:>12.4e} {:>9} {:>8.3} {:>9} {:>11.2e} {:>5} {:>7}",
            p.section,
            level_name(p.level),
            p.pond_level_m,
            p.discharge_m2s,
            num(p.exit_elevation_m, 3),
            p.seepage_face_length_m,
            num(p.min_burial_depth_m, 3),
            p.mass_balance_error_pct,
            p.iterations,
            p.nodes
        ));
    }
    if !o.stage.checks.is_empty() {
        line(String::new());
        line(format!(
            "{:<48} {:>9} {:>2} {:>9} {:<14} {:<11}",
            "check", "value", "", "limit", "status", "standard"
        ));
        for c in &o.stage.checks {
            line(format!(
                "{:<48} {:>9} {:>2} {:>9} {:<14} {:<11}",
                c.id,
                num(c.value, 3),
                c.comparison,
                num(c.limit, 3),
                format!("{:?}", c.status).to_uppercase(),
                c.standard.code()
            ));
        }
    }
    for w in &o.warnings {
        line(format!("warning: {w}"));
    }
    s
}
