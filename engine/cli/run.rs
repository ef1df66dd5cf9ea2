//! `tailtwin run FILE --out DIR`: the whole chain (flood, then the sections' seepage and
//! stability when the scenario has any), every output file.

use crate::common::{Args, Status, print_json};
use anyhow::Context;
use serde_json::json;
use std::path::PathBuf;

/// Runs the chain and writes results.h5, summary.json, plots and report.html into `--out`
/// (default `out/<scenario name>`).
pub fn run(args: &Args) -> anyhow::Result<Status> {
    let run = crate::common::run_chain(args, true)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(folder_name(&run.report.scenario)));
    let files = tailtwin::viz::write_all(&dir, &run)
        .with_context(|| format!("writing the results into {}", dir.display()))?;
    if args.json {
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        print_json(
            &json!({ "out": dir.display().to_string(), "files": files, "report": run.report }),
        )?;
    } else {
        print!("{}", crate::flood::render(&run));
        println!();
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(crate::flood::status(&run.report))
}

/// A scenario name as a single, safe folder name (`/`, spaces, … become `_`).
pub(crate) fn folder_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' })
        .collect();
    match cleaned.trim_matches('.') {
        "" => "scenario".to_owned(),
        s => s.to_owned(),
    }
}
