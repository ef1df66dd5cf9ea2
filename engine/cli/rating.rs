//! `tailtwin rating FILE [--json] [--out DIR]`: stage–discharge tables.

use crate::common::{Args, Status, input, print_json};
use anyhow::Context;
use serde_json::json;
use std::path::{Path, PathBuf};
use tailtwin::core::{FloodRun, RatingCurve};

/// Stages in the printed table.
const ROWS: usize = 41;

/// Prints the table of every structure and the combined one; `--out` also draws them.
pub fn run(args: &Args) -> anyhow::Result<Status> {
    let scenario = crate::common::load(&args.scenario)?;
    let stages = tailtwin::pipeline::rating_stages(&scenario, ROWS).map_err(input)?;
    let curves = tailtwin::pipeline::rating(&scenario, &stages).map_err(input)?;
    if let Some(dir) = &args.out {
        // viz draws from a FloodRun: run the flood and put this command's tables in it.
        let settings = tailtwin::pipeline::RunSettings { threads: args.threads() };
        let mut run = tailtwin::pipeline::run_flood(&scenario, &settings).map_err(input)?;
        run.ratings = curves.clone();
        for f in plot(dir, &run)? {
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
        o.push_str(&format!(
            "{:>10} {:>12}  {:<26} {}\n",
            "stage m", "flow m³/s", "regime", "control"
        ));
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

/// Writes `rating_curves.png` and `.svg` into `dir`.
fn plot(dir: &Path, run: &FloodRun) -> anyhow::Result<Vec<PathBuf>> {
    use tailtwin::viz::{PlotKind, render_png, render_svg};
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let stem = PlotKind::Rating.file_stem();
    let png = dir.join(format!("{stem}.png"));
    render_png(PlotKind::Rating, run, &png).context("drawing the rating curves (PNG)")?;
    let svg = dir.join(format!("{stem}.svg"));
    let text = render_svg(PlotKind::Rating, run).context("drawing the rating curves (SVG)")?;
    tailtwin::results::write_bytes_atomically(&svg, text.as_bytes())
        .with_context(|| format!("writing {}", svg.display()))?;
    Ok(vec![png, svg])
}
