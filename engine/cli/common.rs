//! What every subcommand shares: arguments, loading the scenario, exit codes, progress, errors.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use tailtwin::scenario::{Scenario, ScenarioError};

/// Arguments shared by the subcommands.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print exactly one JSON object on stdout (logs go to stderr).
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bar and no log lines on stderr (problems and errors are still printed).
    #[arg(long)]
    pub quiet: bool,
}

/// `--threads N`, or all cores when it is not given.
pub fn threads_or_all_cores(threads: Option<u16>) -> usize {
    threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

impl Args {
    /// Worker threads to use.
    pub fn threads(&self) -> usize {
        threads_or_all_cores(self.threads)
    }

    /// A log line on stderr unless `--quiet`.
    pub fn log(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }
}

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    CheckFailed,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        match s {
            Status::Ok => ExitCode::SUCCESS,
            Status::CheckFailed => ExitCode::from(1),
        }
    }
}

/// Exit status for bad input.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit status for any other failure.
pub const EXIT_FAILURE: u8 = 3;

/// Marks an error as caused by the user's input (exit 2).
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Loads and validates the scenario; a scenario error becomes a [`BadInput`] listing every problem.
pub fn load(path: &Path) -> anyhow::Result<Scenario> {
    tailtwin::scenario::load(path).map_err(|e| anyhow::Error::new(BadInput(render(&e))))
}

/// Every problem on its own line, key path first.
pub fn render(e: &ScenarioError) -> String {
    match e {
        ScenarioError::Invalid { file, problems } => {
            let mut s = format!("{file}: {} problem(s)", problems.len());
            for p in problems {
                s.push_str(&format!("\n  {p}"));
            }
            s
        }
        other => other.to_string(),
    }
}

/// Prints the error chain to stderr and picks the exit status.
pub fn report_error(e: &anyhow::Error) -> ExitCode {
    let bad_input = e.chain().any(|c| c.is::<BadInput>());
    eprintln!("error: {e:#}");
    ExitCode::from(if bad_input { EXIT_BAD_INPUT } else { EXIT_FAILURE })
}

/// A spinner with a message on stderr, only on a terminal and without `--quiet`.
pub fn progress(args: &Args, len: u64) -> ProgressBar {
    if args.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Prints one JSON value on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("serialising the JSON output")?;
    println!("{text}");
    Ok(())
}

/// A pipeline error caused by the scenario's values becomes bad input (exit 2).
pub fn input(e: tailtwin::pipeline::PipelineError) -> anyhow::Error {
    if e.is_input_error() {
        anyhow::Error::new(BadInput(e.to_string()))
    } else {
        anyhow::Error::new(e)
    }
}

/// Loads the scenario and runs the flood chain, with a progress bar on a terminal.
pub fn run_flood(args: &Args) -> anyhow::Result<tailtwin::core::FloodRun> {
    run_chain(args, false)
}

/// Loads the scenario and runs the flood chain and, with `geotech`, the sections' seepage and
/// stability (`pipeline::geotech::run_scenario`).
pub fn run_chain(args: &Args, geotech: bool) -> anyhow::Result<tailtwin::core::FloodRun> {
    let bar = progress(args, 2);
    bar.set_message("reading the scenario");
    let scenario = load(&args.scenario)?;
    bar.inc(1);
    bar.set_message(if geotech {
        "storm → inflow → routing → checks → seepage → stability"
    } else {
        "storm → inflow → routing → checks"
    });
    let settings = tailtwin::pipeline::RunSettings { threads: args.threads() };
    let run = if geotech {
        tailtwin::pipeline::geotech::run_scenario(&scenario, &settings)
    } else {
        tailtwin::pipeline::run_flood(&scenario, &settings)
    }
    .map_err(input)?;
    bar.inc(1);
    bar.finish_and_clear();
    Ok(run)
}

/// The check table as printed by every command: one line per check, the id column as wide as the
/// longest id.
pub fn check_table<'a>(checks: impl IntoIterator<Item = &'a tailtwin::core::Check>) -> Vec<String> {
    let checks: Vec<&tailtwin::core::Check> = checks.into_iter().collect();
    let width = checks.iter().map(|c| c.id.chars().count()).max().unwrap_or(0).max(5);
    let num = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.3}"));
    let mut lines = vec![format!(
        "{:<width$} {:>12} {:>3} {:>12} {:<14} {:<14} {:<16} {}",
        "check", "value", "", "limit", "status", "standard", "clause", "confidence"
    )];
    for c in checks {
        lines.push(format!(
            "{:<width$} {:>12} {:>3} {:>12} {:<14} {:<14} {:<16} {:?}",
            c.id,
            num(c.value),
            c.comparison,
            num(c.limit),
            format!("{:?}", c.status).to_uppercase(),
            c.standard.code(),
            c.clause,
            c.confidence
        ));
    }
    lines
}
