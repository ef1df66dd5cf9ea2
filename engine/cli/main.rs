//! `tailtwin`: the command line of the tailings-pond engine.
//!
//! `tailtwin <command> <scenario> [--out DIR] [--json] [--threads N] [--quiet]`
//!
//! Exit status: 0 success; 1 a check failed (`run`, `flood`, `stability`; `assess` also on a
//! 重大事故隐患, `portfolio` when any pond fails or a scenario could not be assessed); 2 bad input (the scenario or a file
//! it names: every problem is printed to stderr with its key path); 3 any other failure (writing
//! results, an internal error). `--json` prints exactly one JSON object on stdout; logs, progress
//! and problems go to stderr.

mod assess;
mod calibrate;
mod check;
mod common;
mod dambreak;
mod drill;
mod ensemble;
mod flood;
mod portfolio;
mod rating;
mod run;
mod seepage;
mod serve;
mod stability;
mod twin;
mod twin_out;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// tailtwin — tailings-pond (尾矿库) flood routing and code checks.
#[derive(Debug, Parser)]
#[command(name = "tailtwin", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a scenario file only: prints OK or every problem with its key path.
    Check(common::Args),
    /// Run the whole chain (storm → inflow → routing → checks, then seepage and stability of
    /// the [[section]]s) and write results.h5, summary.json, plots and report.html into --out.
    Run(common::Args),
    /// Run the flood and print the report (the key numbers and the check table; --json: the
    /// Report as JSON).
    Flood(common::Args),
    /// Stage–discharge table of every structure and of the combined system, with regime and
    /// control (--out: also a plot).
    Rating(common::Args),
    /// Seepage through every [[section]]: phreatic line, discharge, exit point, seepage face and
    /// burial depth at the normal, design-flood and given pond levels, with the checks.
    Seepage(common::Args),
    /// Slope stability of the scenario's section: the load cases (normal, flood, special) by
    /// each method against the code minimum factors of safety (--json: results, checks;
    /// --slices: slice tables).
    Stability(stability::StabilityArgs),
    /// Dam break: breach routed with the pond, then the 2D inundation downstream (--out:
    /// GeoTIFF/ASCII grids, results.h5, map, report.html and summary.json).
    Dambreak(common::Args),
    /// The pre-flood-season assessment: design flood + checks, seepage and stability,
    /// reliability, the flood ensemble, the dam break, then the safety status (重大事故隐患,
    /// warning levels, legacy class) and risk score, in one report (exit 1: a check failed or
    /// a major hazard is present).
    Assess(assess::AssessArgs),
    /// Assess every *.toml scenario of a folder (a city's ponds) and rank them: ranking.csv,
    /// ranking.json, the portfolio page index.html and one folder per pond.
    Portfolio(portfolio::PortfolioArgs),
    /// Serve a portfolio output folder read-only: the portfolio page, each pond's report and
    /// files, and a JSON API (/api/portfolio, /api/ponds/<id>), on 127.0.0.1 by default.
    Serve(serve::ServeArgs),
    /// Calibrate the runoff curve number (--runoff) or a seepage conductivity parameter
    /// (--seepage) from the monitoring store's data; saves the fit as a model state.
    Calibrate(Box<calibrate::CalibrateArgs>),
    /// The digital twin: `init CONFIG`, `ingest DB FILES…`, `status DB`, `nowcast DB --forecast
    /// FILE`, `replay DB --from T1 --to T2`.
    Twin(twin::TwinArgs),
    /// Emergency drill: a drill file (TOML) plays its pond scenario with injects (blockages,
    /// sensor faults, a breach) → timeline, inject sheet, timeline plot (--out), dam-break map.
    Drill(common::Args),
    /// Monte-Carlo flood ensemble (annual-maximum storms): P(overtopping), P(freeboard/beach
    /// below the minimum) with 95 % intervals, exceedance curves, return levels (--shard i/N:
    /// one block of members into a partial file).
    Ensemble(ensemble::EnsembleArgs),
    /// Merge ensemble shard partials into the whole ensemble's summary and member table.
    Merge(ensemble::MergeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Calibrate(a) = &cli.command {
        return calibrate::main(a);
    }
    if let Command::Twin(a) = &cli.command {
        if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(a.threads()).build_global() {
            return common::report_error(&anyhow::anyhow!("cannot start the worker threads: {e}"));
        }
        return match twin::run(a) {
            Ok(status) => status.into(),
            Err(e) => common::report_error(&e),
        };
    }
    let threads = match &cli.command {
        Command::Check(a)
        | Command::Run(a)
        | Command::Flood(a)
        | Command::Rating(a)
        | Command::Seepage(a)
        | Command::Dambreak(a)
        | Command::Drill(a) => a.threads(),
        Command::Stability(a) => a.common.threads(),
        Command::Assess(a) => a.common.threads(),
        Command::Portfolio(a) => a.threads(),
        Command::Serve(_) => 1,
        Command::Ensemble(a) => a.common.threads(),
        Command::Merge(a) => return result_code(ensemble::run_merge(a)),
        Command::Calibrate(_) | Command::Twin(_) => unreachable!("handled above"),
    };
    // Size rayon's global pool once; parallel loops anywhere in the engine use it.
    if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global() {
        return common::report_error(&anyhow::anyhow!("cannot start the worker threads: {e}"));
    }
    let result = match &cli.command {
        Command::Check(a) => check::run(a),
        Command::Run(a) => run::run(a),
        Command::Flood(a) => flood::run(a),
        Command::Rating(a) => rating::run(a),
        Command::Seepage(a) => seepage::run(a),
        Command::Stability(a) => stability::run(a),
        Command::Dambreak(a) => dambreak::run(a),
        Command::Assess(a) => assess::run(a),
        Command::Portfolio(a) => portfolio::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Calibrate(_) => unreachable!("handled above"),
        Command::Twin(_) => unreachable!("handled above"),
        Command::Drill(a) => drill::run(a),
        Command::Ensemble(a) => ensemble::run(a),
        Command::Merge(_) => unreachable!("handled above"),
    };
    result_code(result)
}

fn result_code(result: anyhow::Result<common::Status>) -> ExitCode {
    match result {
        Ok(status) => status.into(),
        Err(e) => common::report_error(&e),
    }
}
