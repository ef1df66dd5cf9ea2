//! `tailtwin stability FILE [--json] [--slices] [--reliability [--samples N] [--seed S]]
//! [--out DIR]`: the slope-stability load cases of the scenario's section against the code
//! minimum factors of safety, and with `--reliability` the FOSM and Monte-Carlo β and P(FoS < 1)
//! of each load case and method (`[reliability]` in the scenario; `reliability` in the JSON).
//!
//! Runs the flood when the scenario has a pond (design-flood level and dam class), the seepage
//! stage when `[stability] pore_water` is "seepage", then the stability stage. `--out DIR`
//! writes results.h5 (`/sections`, `/seepage`, `/stability`), summary.json (the JSON document)
//! and the section and stability plots. Exit 1 when a required factor of safety is not met (a
//! tabulated method below its minimum, or giving none).

use crate::common::{Args, BadInput, Status, input, load, print_json, progress};
use anyhow::Context;
use serde_json::json;
use tailtwin::core::{
    Check, CheckStatus, GeotechRun, ReliabilityRow, SlipSurface, StabilityResultRow,
};
use tailtwin::pipeline::geotech::{GeotechOptions, run_geotech_with};
use tailtwin::pipeline::reliability::{ReliabilitySettings, run_reliability};

/// Arguments of `tailtwin stability`.
#[derive(Debug, clap::Args)]
pub struct StabilityArgs {
    #[command(flatten)]
    pub common: Args,
    /// Add the slice table of every critical surface (`slices` in the JSON).
    #[arg(long)]
    pub slices: bool,
    /// Slope reliability of every load case and method (needs `[reliability]`): FOSM and
    /// Monte-Carlo β and P(FoS < 1), `reliability` in the JSON.
    #[arg(long)]
    pub reliability: bool,
    /// Monte-Carlo samples (default: `[reliability] samples`).
    #[arg(long, value_name = "N", requires = "reliability")]
    pub samples: Option<u64>,
    /// Monte-Carlo seed (default: `[reliability] seed`).
    #[arg(long, value_name = "S", requires = "reliability")]
    pub seed: Option<u64>,
}

/// Runs the stages and prints the rows (or the JSON document).
pub fn run(args: &StabilityArgs) -> anyhow::Result<Status> {
    let a = &args.common;
    let bar = progress(a, if args.reliability { 4 } else { 3 });
    bar.set_message("reading the scenario");
    let s = load(&a.scenario)?;
    if s.stability.is_none() {
        return Err(anyhow::Error::new(BadInput(format!(
            "{}: stability: the scenario has no [stability] block",
            a.scenario.display()
        ))));
    }
    if args.reliability && s.reliability.is_none() {
        return Err(anyhow::Error::new(BadInput(format!(
            "{}: reliability: --reliability needs a [reliability] block in the scenario",
            a.scenario.display()
        ))));
    }
    bar.inc(1);
    let settings = tailtwin::pipeline::RunSettings { threads: a.threads() };
    bar.set_message("storm → inflow → routing (design-flood level, grade)");
    let flood = match &s.pond {
        Some(_) => Some(tailtwin::pipeline::run_flood(&s, &settings).map_err(input)?),
        None => None,
    };
    bar.inc(1);
    bar.set_message("seepage → stability");
    let options = GeotechOptions {
        threads: a.threads(),
        seepage_only_for_stability: true,
        slice_tables: args.slices,
    };
    let outcome = run_geotech_with(&s, flood.as_ref(), options)
        .map_err(|e| input(tailtwin::pipeline::PipelineError::Geotech(Box::new(e))))?;
    bar.inc(1);
    let reliability = if args.reliability {
        bar.set_message("reliability (FOSM, Monte-Carlo)");
        let mut settings = ReliabilitySettings::from_scenario(&s, a.threads());
        settings.samples = args.samples.unwrap_or(settings.samples);
        settings.seed = args.seed.unwrap_or(settings.seed);
        let rows = run_reliability(&s, &outcome.run, &settings).map_err(input)?;
        bar.inc(1);
        Some(rows)
    } else {
        None
    };
    bar.finish_and_clear();
    let geotech = &outcome.run;
    let rows = geotech.stability_rows();
    let checks: Vec<&Check> =
        geotech.checks.iter().filter(|c| c.id.starts_with("slope_fos/")).collect();
    let mut warnings = outcome.warnings.clone();
    for p in geotech.profiles() {
        warnings.extend(p.warnings.iter().map(|w| format!("seepage ({}): {w}", p.section)));
    }
    let mut doc = document(&s.meta.name, geotech, &rows, &checks, &warnings, args.slices);
    if let Some(r) = &reliability {
        doc["reliability"] = json!(r);
    }
    let mut files = Vec::new();
    if let Some(dir) = &a.out {
        files.extend(
            tailtwin::results::write_geotech(dir, &s.source_toml, a.threads(), geotech, &doc)
                .with_context(|| format!("writing the results into {}", dir.display()))?,
        );
        files.extend(
            tailtwin::viz::render_geotech(dir, geotech)
                .with_context(|| format!("drawing the plots into {}", dir.display()))?,
        );
    }
    if a.json {
        print_json(&doc)?;
    } else {
        print!("{}", render(&s.meta.name, &rows, &checks, &warnings));
        if let Some(r) = &reliability {
            print!("{}", render_reliability(r));
        }
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(status(&rows, &checks))
}

/// The JSON document: `{ scenario, engine_version, results, checks, warnings[, slices] }`.
pub fn document(
    scenario: &str,
    geotech: &GeotechRun,
    rows: &[StabilityResultRow],
    checks: &[&Check],
    warnings: &[String],
    slices: bool,
) -> serde_json::Value {
    let mut doc = json!({
        "scenario": scenario,
        "engine_version": env!("CARGO_PKG_VERSION"),
        "results": rows,
        "checks": checks,
        "warnings": warnings,
    });
    if slices {
        let tables: Vec<_> = geotech.stability.iter().flat_map(|s| &s.slice_tables).collect();
        doc["slices"] = json!(tables);
    }
    doc
}

/// Exit 1 when a required factor of safety is not met.
fn status(rows: &[StabilityResultRow], checks: &[&Check]) -> Status {
    let failed = rows.iter().any(|r| r.meets_minimum == Some(false))
        || checks.iter().any(|c| c.status == CheckStatus::Fail);
    if failed { Status::CheckFailed } else { Status::Ok }
}

fn surface_text(s: &Option<SlipSurface>) -> String {
    match s {
        Some(SlipSurface::Circle { xc_m, yc_m, radius_m }) => {
            format!("circle ({xc_m:.2}, {yc_m:.2}) R {radius_m:.2}")
        }
        Some(SlipSurface::Polyline { points }) => format!("polyline, {} points", points.len()),
        None => "—".into(),
    }
}

/// The human-readable table.
pub fn render(
    scenario: &str,
    rows: &[StabilityResultRow],
    checks: &[&Check],
    warnings: &[String],
) -> String {
    let mut o = String::new();
    let mut line = |s: String| {
        o.push_str(&s);
        o.push('\n');
    };
    line(format!(
        "{scenario} — 坝坡稳定 / slope stability — tailtwin {}",
        env!("CARGO_PKG_VERSION")
    ));
    line(String::new());
    line(format!(
        "{:<9} {:<28} {:>9} {:>9} {:>6} {:<14} {:>8}  {}",
        "case", "method", "FoS", "required", "met", "AQ 2006", "trials", "surface"
    ));
    let num = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.4}"));
    for r in rows {
        let case = serde_json::to_value(r.load_case)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        line(format!(
            "{:<9} {:<28} {:>9} {:>9} {:>6} {:<14} {:>8}  {}",
            case,
            r.method,
            num(r.fos),
            num(r.required_fos),
            r.meets_minimum.map_or("—", |m| if m { "yes" } else { "NO" }),
            r.legacy_standing.as_deref().unwrap_or("—"),
            r.trials,
            surface_text(&r.surface)
        ));
        if let Some(e) = &r.error {
            line(format!("          no factor of safety: {e}"));
        }
    }
    let mut sources: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        if let Some(src) = r.required_source.as_deref()
            && !sources.contains(&(r.method.as_str(), src))
        {
            sources.push((r.method.as_str(), src));
        }
    }
    for (method, src) in sources {
        line(format!("required ({method}): {src}"));
    }
    if !checks.is_empty() {
        line(String::new());
        for l in crate::common::check_table(checks.iter().copied()) {
            line(l);
        }
    }
    if !warnings.is_empty() {
        line(String::new());
        for w in warnings {
            line(format!("warning: {w}"));
        }
    }
    o
}

/// The reliability table: per load case and method, the deterministic FoS, FOSM μ, σ, β, P and
/// Monte-Carlo μ, σ, β, P with its 95 % interval; then the random inputs.
pub fn render_reliability(rows: &[ReliabilityRow]) -> String {
    let mut o = String::new();
    let mut line = |s: String| {
        o.push_str(&s);
        o.push('\n');
    };
    line(String::new());
    line("坝坡可靠度 / slope reliability (FOSM: 一次二阶矩 first-order second-moment; MC: Monte-Carlo)"
        .into());
    line(format!(
        "{:<9} {:<28} {:>7} {:>7} {:>6} {:>6} {:>9} {:>7} {:>6} {:>6} {:>9}  {:<19} {:>6}",
        "case",
        "method",
        "FoS",
        "μ FOSM",
        "σ",
        "β",
        "P FOSM",
        "μ MC",
        "σ",
        "β",
        "P MC",
        "95 % CI",
        "n"
    ));
    for r in rows {
        let case = serde_json::to_value(r.load_case)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let p = &r.p_failure_mc;
        line(format!(
            "{:<9} {:<28} {:>7.4} {:>7.4} {:>6.3} {:>6.2} {:>9.3e} {:>7.4} {:>6.3} {:>6.2} {:>9.3e}  \
             [{:.2e}, {:.2e}] {:>6}",
            case,
            r.method,
            r.fos_deterministic,
            r.fos_mean_fosm,
            r.fos_sd_fosm,
            r.beta_fosm,
            r.p_failure_fosm,
            r.fos_mean_mc,
            r.fos_sd_mc,
            r.beta_mc,
            p.estimate,
            p.ci95[0],
            p.ci95[1],
            p.members
        ));
        if r.failed_samples > 0 {
            line(format!("          {} samples gave no factor of safety", r.failed_samples));
        }
    }
    if let Some(first) = rows.first() {
        line(format!(
            "each sample: least FoS over {} surfaces (critical + near-critical)",
            first.surfaces
        ));
        for i in &first.inputs {
            line(format!("  {}: {}", i.name, i.distribution));
        }
    }
    o
}
