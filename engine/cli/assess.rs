//! `tailtwin assess FILE [--members N] [--seed S] [--no-dambreak] [--out DIR] [--json]`: the
//! pre-flood-season assessment in one report.
//!
//! Stages: the deterministic design flood with its checks, seepage and stability of the
//! sections (`pipeline::geotech::run_scenario`); slope reliability (FOSM and Monte-Carlo) when
//! the scenario has `[reliability]` and stability results; the Monte-Carlo flood ensemble
//! (`--members`, default `[ensemble] members` or 1000); the dam break when the scenario has
//! `[dambreak]` (unless `--no-dambreak`); then the safety status, warnings and risk score
//! (`pipeline::status::assess_status`). Everything lands in one `Report` (`ensemble`,
//! `reliability`, `status` filled) → results.h5, summary.json, plots, report.html with the
//! supervisor summary on top (and `dambreak/` with the inundation products).
//!
//! Exit 1 when a check fails or a 重大事故隐患 (major accident hazard) is present.

use crate::common::{Args, Status, input, print_json};
use anyhow::Context;
use serde_json::json;
use std::path::{Path, PathBuf};
use tailtwin::core::FloodRun;
use tailtwin::pipeline::dambreak::{DambreakRun, run_dambreak};
use tailtwin::scenario::Scenario;

/// Members when neither `--members` nor `[ensemble] members` is given.
pub const DEFAULT_MEMBERS: u64 = 1000;
/// Seed when neither `--seed` nor `[ensemble] seed` is given.
pub const DEFAULT_SEED: u64 = 1;

/// Arguments of `assess`.
#[derive(Debug, clap::Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub common: Args,
    /// Ensemble members (default: `[ensemble] members`, else 1000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub members: Option<u64>,
    /// Seed of the ensemble and reliability samples (default: `[ensemble] seed`, else 1).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Skip the dam break even when the scenario has `[dambreak]`.
    #[arg(long)]
    pub no_dambreak: bool,
}

/// How to assess one scenario.
#[derive(Debug, Clone, Copy)]
pub struct AssessOptions {
    pub members: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub dambreak: bool,
}

/// An assessed scenario: the run with its Report complete, and the dam break when run.
pub struct Assessed {
    pub run: FloodRun,
    pub dambreak: Option<DambreakRun>,
}

impl Assessed {
    /// Exit status: a failed check or a major hazard is 1.
    pub fn status(&self) -> Status {
        let major = self.run.report.status.as_ref().is_some_and(|s| s.major_hazard);
        match crate::flood::status(&self.run.report) {
            Status::Ok if !major => Status::Ok,
            _ => Status::CheckFailed,
        }
    }
}

/// Runs every stage of the assessment on a loaded scenario.
pub fn assess(s: &Scenario, o: &AssessOptions) -> anyhow::Result<Assessed> {
    use tailtwin::pipeline as p;
    let settings = p::RunSettings { threads: o.threads };
    let mut run = p::geotech::run_scenario(s, &settings).map_err(input)?;
    let spec = s.ensemble.as_ref();
    let members = o.members.or(spec.and_then(|e| e.members)).unwrap_or(DEFAULT_MEMBERS);
    let seed = o.seed.or(spec.and_then(|e| e.seed)).unwrap_or(DEFAULT_SEED);
    let reliability = match (&s.reliability, &run.geotech) {
        (Some(_), Some(g)) => {
            let mut settings = p::reliability::ReliabilitySettings::from_scenario(s, o.threads);
            if let Some(seed) = o.seed {
                settings.seed = seed;
            }
            p::reliability::run_reliability(s, g, &settings).map_err(input)?
        }
        _ => Vec::new(),
    };
    let ensemble = p::ensemble::run_ensemble(
        s,
        &p::ensemble::EnsembleSettings { members, seed, threads: o.threads, shard: None },
    )
    .map_err(input)?;
    let dambreak = if o.dambreak && s.dambreak.is_some() {
        Some(run_dambreak(s, o.threads).map_err(crate::dambreak::input)?)
    } else {
        None
    };
    let status = p::status::assess_status(
        s,
        &run,
        Some(&ensemble.summary),
        &reliability,
        dambreak.as_ref().map(|d| &d.summary),
    )
    .map_err(input)?;
    run.report.ensemble = Some(ensemble.summary);
    run.report.reliability = reliability;
    run.report.status = Some(status);
    Ok(Assessed { run, dambreak })
}

/// Writes the assessment's products into `dir`; returns the files written.
pub fn write(dir: &Path, a: &Assessed, threads: usize) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = tailtwin::viz::write_all(dir, &a.run)
        .with_context(|| format!("writing the results into {}", dir.display()))?;
    if let Some(d) = &a.dambreak {
        let sub = dir.join("dambreak");
        files.extend(
            crate::dambreak::write(&sub, d, &a.run.scenario_toml, threads).with_context(|| {
                format!("writing the dam-break products into {}", sub.display())
            })?,
        );
    }
    Ok(files)
}

/// `tailtwin assess`.
pub fn run(args: &AssessArgs) -> anyhow::Result<Status> {
    let a = &args.common;
    let scenario = crate::common::load(&a.scenario)?;
    a.log(format!(
        "assess {}: design flood, checks, seepage, stability, reliability, ensemble, dam break, \
         status …",
        a.scenario.display()
    ));
    let options = AssessOptions {
        members: args.members,
        seed: args.seed,
        threads: a.threads(),
        dambreak: !args.no_dambreak,
    };
    let assessed = assess(&scenario, &options)?;
    let dir = a.out.clone().unwrap_or_else(|| {
        PathBuf::from("out").join(crate::run::folder_name(&assessed.run.report.scenario))
    });
    let files = write(&dir, &assessed, a.threads())?;
    if a.json {
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        print_json(&json!({
            "out": dir.display().to_string(),
            "files": files,
            "report": assessed.run.report,
            "dambreak": assessed.dambreak.as_ref().map(|d| &d.summary),
        }))?;
    } else {
        print!("{}", render(&assessed));
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(assessed.status())
}

/// The human-readable summary: status, score, probabilities, drivers, then the flood report.
pub fn render(a: &Assessed) -> String {
    let r = &a.run.report;
    let mut o = String::new();
    let mut line = |x: String| {
        o.push_str(&x);
        o.push('\n');
    };
    if let Some(s) = &r.status {
        line(format!(
            "{} — 预警 warning {} {} · 评分 score {:.1}/100 ({}, L{} × C{}) · 重大事故隐患 major \
             hazard: {} · 旧分类 legacy (AQ 2006, superseded): {} {}",
            r.scenario,
            s.pond_warning.name_zh(),
            s.pond_warning.as_str(),
            s.score.score,
            s.score.matrix_cell,
            s.score.likelihood,
            s.score.consequence,
            if s.major_hazard { "YES" } else { "no" },
            s.legacy.class.label_zh(),
            s.legacy.class.label_en()
        ));
        for d in s.score.drivers.iter().take(3) {
            line(format!("  driver (+{:.1}): {} / {}", d.contribution, d.text_zh, d.text_en));
        }
        for h in s.hazards.iter().filter(|h| h.present == Some(true)) {
            line(format!("  重大事故隐患 item {}: {} — {}", h.number, h.text_zh, h.evidence));
        }
    }
    if let Some(e) = &r.ensemble {
        let p = |x: &tailtwin::core::assessment::Probability| {
            if x.members == 0 {
                return "not applicable (0 members)".to_owned();
            }
            format!(
                "{:.4} [{:.4}, {:.4}] ({}/{})",
                x.estimate, x.ci95[0], x.ci95[1], x.hits, x.members
            )
        };
        line(format!("  P(overtopping)/yr {}", p(&e.p_overtopping)));
        line(format!("  P(freeboard < min)/yr {}", p(&e.p_freeboard_below_min)));
        line(format!("  P(beach < min)/yr {}", p(&e.p_beach_below_min)));
    }
    for x in &r.reliability {
        line(format!(
            "  reliability {} {:?} {}: FoS {:.3}, β FOSM {:.2}, β MC {:.2}, P(FoS<1) MC {:.4}",
            x.section,
            x.load_case,
            x.method,
            x.fos_deterministic,
            x.beta_fosm,
            x.beta_mc,
            x.p_failure_mc.estimate
        ));
    }
    o.push('\n');
    o.push_str(&crate::flood::render(&a.run));
    o
}
