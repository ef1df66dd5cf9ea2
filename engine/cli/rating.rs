//! `tailtwin rating FILE [--json] [--out DIR]`: stage–discharge tables.

use crate::common::{Args, Status, input, print_json};
use anyhow::Context;
use serde_json::json;
use tailtwin::core::RatingCurve;

/// Stages in the printed table.
const ROWS: usize = 41;

/// Prints the table of every structure and the combined one; `--out` also draws them.
pub fn run(args: &Args) -> anyhow::Result<Status> {
    let scenario = crate::common::load(&args.scenario)?;
    let stages = tailtwin::pipeline::rating_stages(&scenario, ROWS).map_err(input)?;
    let curves = tailtwin::pipeline::rating(&scenario, &stages).map_err(input)?;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let files = tailtwin::viz::write_rating_plots(dir, &scenario.meta.name, &curves)
            .with_context(|| format!("drawing the rating curves into {}", dir.display()))?;
        for f in files {
            args.log(format!("wrote {}", f.display()));
        }
    }
    if args.json {
        print_json(&json!({ "scenario": scenario.meta.name, "curves": curves }))?;
    } else {
        print!("{}", render(&curves));
    }
    Ok(Status::Ok)
}

/// One block per curve: stage, flow, regime, control.
fn render(curves: &[RatingCurve]) -> String {
    let mut o = String::new();
    for c in curves {
        o.push_str(&format!("\n{} ({})\n", c.structure_id, c.kind));
        o.push_str(&format!("{:>10} {:>12}  {:<26} {}\n", "stage m", "flow m³/s", "regime", "control"));
        for r in &c.rows {
            o.push_str(&format!(
                "{:>10.3} {:>12.4}  {:<26} {}\n",
                r.stage_m,
                r.flow_m3s,
                r.regime.label(),
                r.control.label()
            ));
        }
    }
    o
}
