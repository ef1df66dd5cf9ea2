//! `tailtwin portfolio DIR [--out OUT] [--members N] [--seed S] [--no-dambreak] [--json]`:
//! assesses every `*.toml` scenario directly in DIR (sorted by file name, so the run is
//! deterministic) as `tailtwin assess` does, and ranks them for the supervisor.
//!
//! Writes into OUT (default `out/portfolio`): `ranking.json` (the [`Portfolio`]),
//! `ranking.csv`, `index.html` (the portfolio page) and `ponds/<id>/` with each pond's
//! products (results.h5, summary.json, plots, report.html; `dambreak/` when run), where `<id>`
//! is the file stem made safe for a folder name. A scenario that cannot be read or assessed is
//! reported with its file and error (in the ranking's `failed`, the page and the CSV) and the
//! rest are still ranked. Ranking: key ponds first (`[scenario] key_pond`, more than 30
//! `underground_workers_per_shift`, `key_county`), then by risk score, then by id.
//!
//! Exit: 0 every pond assessed, no check failed and no major hazard; 1 some pond has a failed
//! check or a major hazard, or some scenario could not be assessed; 2 DIR is not a folder,
//! holds no scenario, or none could be assessed.

use crate::assess::{AssessOptions, assess, write};
use crate::common::{BadInput, Status, print_json};
use anyhow::Context;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tailtwin::viz::portfolio::{
    Portfolio, PortfolioEntry, PortfolioFailure, rank, write_portfolio,
};

/// Arguments of `portfolio`.
#[derive(Debug, clap::Args)]
pub struct PortfolioArgs {
    /// Folder of scenario files (every `*.toml` directly in it).
    pub dir: PathBuf,
    /// Output folder (default `out/portfolio`).
    #[arg(long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Ensemble members per pond (default: each scenario's `[ensemble] members`, else 1000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub members: Option<u64>,
    /// Seed (default: each scenario's `[ensemble] seed`, else 1).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Skip dam breaks even where a scenario has `[dambreak]`.
    #[arg(long)]
    pub no_dambreak: bool,
    /// Print the ranking as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No log lines on stderr.
    #[arg(long)]
    pub quiet: bool,
}

impl PortfolioArgs {
    pub fn threads(&self) -> usize {
        crate::common::threads_or_all_cores(self.threads)
    }
}

/// The scenario files of a folder, sorted; bad input when it is not a folder or has none.
pub fn scenario_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let bad = |m: String| anyhow::Error::new(BadInput(m));
    let entries =
        std::fs::read_dir(dir).map_err(|e| bad(format!("{}: cannot list: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(bad(format!(
            "{}: no scenarios (*.toml) to assess; a portfolio folder holds one scenario file per \
             pond",
            dir.display()
        )));
    }
    Ok(files)
}

/// A folder id from a file stem, unique among `taken`.
fn pond_id(file: &Path, taken: &mut BTreeSet<String>) -> String {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let base = crate::run::folder_name(&stem);
    let mut id = base.clone();
    let mut k = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}

/// `tailtwin portfolio`.
pub fn run(args: &PortfolioArgs) -> anyhow::Result<Status> {
    let files = scenario_files(&args.dir)?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("out/portfolio"));
    let threads = args.threads();
    let options = AssessOptions {
        members: args.members,
        seed: args.seed,
        threads,
        dambreak: !args.no_dambreak,
    };
    let log = |m: String| {
        if !args.quiet {
            eprintln!("{m}");
        }
    };
    let mut taken = BTreeSet::new();
    let mut entries = Vec::new();
    let mut failed = Vec::new();
    let mut any_fail = false;
    for (k, file) in files.iter().enumerate() {
        let name = file.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        log(format!("[{}/{}] {name}", k + 1, files.len()));
        let id = pond_id(file, &mut taken);
        let dir = out.join("ponds").join(&id);
        let result = crate::common::load(file).and_then(|s| {
            let a = assess(&s, &options)?;
            write(&dir, &a, threads)?;
            Ok((s, a))
        });
        match result {
            Ok((s, a)) => {
                any_fail |= a.status() == Status::CheckFailed;
                entries.push(PortfolioEntry::from_report(
                    &id,
                    &name,
                    s.meta.key_pond_reasons(),
                    s.meta.county.clone(),
                    &a.run.report,
                ));
            }
            Err(e) => {
                log(format!("  {name}: {e:#}"));
                failed.push(PortfolioFailure { file: name, error: format!("{e:#}") });
            }
        }
    }
    if entries.is_empty() {
        let list: Vec<String> = failed.iter().map(|f| format!("{}: {}", f.file, f.error)).collect();
        return Err(anyhow::Error::new(BadInput(format!(
            "{}: no scenario could be assessed:\n  {}",
            args.dir.display(),
            list.join("\n  ")
        ))));
    }
    rank(&mut entries);
    let portfolio = Portfolio {
        engine_version: env!("CARGO_PKG_VERSION").to_owned(),
        source: args.dir.display().to_string(),
        members: args.members,
        seed: args.seed,
        ponds: entries,
        failed,
    };
    let files = write_portfolio(&out, &portfolio)
        .with_context(|| format!("writing the portfolio into {}", out.display()))?;
    if args.json {
        print_json(&portfolio)?;
    } else {
        for e in &portfolio.ponds {
            println!(
                "{:>3}. {:<28} {:<4} score {:>5} {:<8} warning {:<7} {}",
                e.rank,
                e.id,
                if e.key_pond { "KEY" } else { "" },
                e.score.map_or("—".into(), |s| format!("{s:.1}")),
                e.matrix_cell.as_deref().unwrap_or("—"),
                e.pond_warning.map_or("—", |l| l.as_str()),
                e.top_driver.as_deref().unwrap_or("")
            );
        }
        for f in &portfolio.failed {
            println!("  FAILED {}: {}", f.file, f.error);
        }
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(if any_fail || !portfolio.failed.is_empty() { Status::CheckFailed } else { Status::Ok })
}
