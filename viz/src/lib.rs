//! tailtwin-viz: plots and the bilingual HTML report of a flood run.
//!
//! VIZ_DOCS

mod error;
mod font;
mod format;
mod html;
mod plots;

pub use error::VizError;
pub use font::{CANDIDATE_FONTS, FONT_FAMILY, ensure_cjk_font};
pub use format::escape_html;
pub use html::render_report_html;
pub use plots::{PlotKind, render_png, render_svg, write_plots};

use std::path::{Path, PathBuf};
use tailtwin_core::FloodRun;
use tailtwin_results::{write_bytes_atomically, write_results_h5, write_summary_json};

/// Writes the report page for `run` to `path` (atomically), drawing the plots as inline SVG.
pub fn write_report_html(path: &Path, run: &FloodRun) -> Result<(), VizError> {
    let plots = PlotKind::ALL
        .iter()
        .map(|&k| render_svg(k, run).map(|svg| (k, svg)))
        .collect::<Result<Vec<_>, _>>()?;
    write_bytes_atomically(path, render_report_html(run, &plots).as_bytes())?;
    Ok(())
}

/// Writes everything a flood run produces into `out_dir` (created if missing):
/// `results.h5`, `summary.json`, `plots/<name>.png` and `.svg` for every [`PlotKind`], and
/// `report.html`. Returns the files written, in that order. Every file is written atomically.
pub fn write_all(out_dir: &Path, run: &FloodRun) -> Result<Vec<PathBuf>, VizError> {
    std::fs::create_dir_all(out_dir).map_err(|source| VizError::Io {
        path: out_dir.to_path_buf(),
        action: "create the output folder",
        source,
    })?;
    // Fail on a missing font before writing anything.
    ensure_cjk_font()?;
    let mut files = Vec::new();
    let h5 = out_dir.join("results.h5");
    write_results_h5(&h5, run)?;
    files.push(h5);
    let json = out_dir.join("summary.json");
    write_summary_json(&json, &run.report)?;
    files.push(json);
    let mut svgs = Vec::new();
    for (kind, (paths, svg)) in
        PlotKind::ALL.iter().zip(plots::write_plots_with_svg(&out_dir.join("plots"), run)?)
    {
        files.extend(paths);
        svgs.push((*kind, svg));
    }
    let html = out_dir.join("report.html");
    write_bytes_atomically(&html, render_report_html(run, &svgs).as_bytes())?;
    files.push(html);
    Ok(files)
}

/// Redraws the plots and the report from a `results.h5` (no physics re-run): reads the run back
/// with [`tailtwin_results::read_results_h5`] and writes `plots/` and `report.html` into `out_dir`.
pub fn redraw_from_results(results_h5: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, VizError> {
    let run = tailtwin_results::read_results_h5(results_h5)?;
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    for (kind, (paths, svg)) in
        PlotKind::ALL.iter().zip(plots::write_plots_with_svg(&out_dir.join("plots"), &run)?)
    {
        files.extend(paths);
        svgs.push((*kind, svg));
    }
    let html = out_dir.join("report.html");
    write_bytes_atomically(&html, render_report_html(&run, &svgs).as_bytes())?;
    files.push(html);
    Ok(files)
}
