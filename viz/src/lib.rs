//! tailtwin-viz: plots and the bilingual HTML report of a flood run, drawn from results only.
//!
//! No physics here: everything drawn comes from a [`tailtwin_core::FloodRun`], either the one in
//! memory or one read back from `results.h5` ([`redraw_from_results`]). Depends on
//! `tailtwin-core` and `tailtwin-results` only.
//!
//! # API
//! - [`write_all`]`(out_dir, &FloodRun) -> Vec<PathBuf>`: `results.h5`, `summary.json`,
//!   `plots/<stem>.png` and `.svg` for each [`PlotKind`], `report.html`; the files in that order.
//! - [`redraw_from_results`]`(results_h5, out_dir)`: plots and report from a file.
//! - [`write_plots`]`(dir, &FloodRun)`, [`render_png`], [`render_svg`] for single plots;
//!   [`render_report_html`] / [`write_report_html`] for the page.
//! - [`render_geotech`]`(out_dir, &GeotechRun) -> Vec<PathBuf>` (and [`render_geotech_with`]
//!   with [`GeotechPlotOptions`], e.g. the mesh): the seepage and stability plots into
//!   `out_dir/plots/`; [`geotech_plots`], [`render_geotech_png`], [`render_geotech_svg`] for
//!   single plots. [`write_all`] and [`redraw_from_results`] draw them too when the run has
//!   geotech products, and the report then has the seepage and stability sections
//!   ([`render_report_html_with_geotech`]).
//! - Errors: [`VizError`] (no CJK font, drawing, I/O with path, or a wrapped
//!   [`tailtwin_results::ResultsError`]).
//!
//! # Plots ([`PlotKind`])
//! | stem | content |
//! |---|---|
//! | `hydrographs` | inflow, rain on the pond, total outflow, each structure (dashed), overtopping against time (h); peaks marked with their values; the hyetograph hangs from the top of a panel above (mm per interval) |
//! | `stage` | pond level against time; every [`tailtwin_core::ReferenceLevel`] as a labelled dashed line (a label that would collide with the one below moves to the left end); the peak marked |
//! | `freeboard_beach` | freeboard and dry-beach length against time in two panels, each with its limit from the checks with ids `freeboard` and `beach_length` (comparison, standard, clause, and "recalled" when so), the failing side shaded |
//! | `rating_curves` | stage (y) against discharge (x) for each structure and the combined curve; each regime change marked and labelled (堰流 / weir → 有压流 / pressure …) |
//! | `seepage_NN` | section NN: zones filled by material, optional mesh, the pond at each level, the phreatic line of every level (normal blue, design flood red, given levels other colours) with its discharge, drains (filled, outlined), pipes (triangles), seepage face (thick orange) and exit points, burial depth bars with the depth at each station, the control line (dashed); the vertical exaggeration is stated on the axis when not to scale |
//! | `stability_NN_<case>` | section NN under a load case (`normal`, `flood`, `special`): zones, the pond, the load case's phreatic line, up to 20 near-critical surfaces and the FoS grid centres coloured by FoS (colour bar), each method's critical surface in bold labelled "Bishop 1.342"; title with the load case and the required FoS and its source |
//!
//! | `risk_matrix` | 5 × 5 likelihood × consequence grid (cells show l × c in grey), the pond's cell filled with its matrix-cell colour and the score (from `Report::status`) |
//! | `exceedance` | each ensemble exceedance curve in a panel: annual probability (log) against the value, the Wilson 95 % band of hits = p·members at each point, the code minimum for freeboard/beach |
//! | `return_levels` | T-year peak level and T-year minimum freeboard against the return period (log), the freeboard minimum dashed |
//! | `convergence` | running P(overtopping) ± 1.96 SE against members (log) |
//!
//! The last four are the assessment plots ([`assessment::AssessmentPlot`]), drawn only when the
//! Report has an ensemble (`exceedance`, `return_levels`, `convergence`) or a status
//! (`risk_matrix`). Labels are bilingual ("库水位 / Pond level (m)"). PNG and SVG come from the same
//! backend-generic drawing code, so they show the same picture. Output is deterministic.
//!
//! # CJK text
//! plotters' `ab_glyph` text has no per-glyph fallback, so one font covering Latin and CJK is
//! registered from its bytes under [`FONT_FAMILY`] (and as `sans-serif`). It is looked up in
//! `$TAILTWIN_CJK_FONT`, then [`CANDIDATE_FONTS`] (WenQuanYi Micro Hei from Debian's
//! `fonts-wqy-microhei`, installed by `scripts/setup.sh`, first). TrueType collections are read
//! at index 0 (the Simplified-Chinese face of each listed file). A font is accepted only if it
//! parses and has glyphs for the label characters; otherwise [`VizError::NoCjkFont`] names the
//! package to install. SVG text refers to the font by the CSS list in [`FONT_FAMILY`], so a
//! browser uses whichever of those CJK fonts it has.
//!
//! # report.html
//! One self-contained file: inline CSS, the four plots as inline SVG, no scripts, no external
//! resources. When the Report has a status or an ensemble (`tailtwin assess`), the page opens
//! with the supervisor summary ([`assessment`]): pond warning level (GB 39496 roll-up) as a
//! coloured badge, major-hazard flag with the items present, score / 100 with the matrix cell,
//! likelihood × consequence and consequence class, the annual failure probability used, the
//! legacy AQ 2006 class labelled superseded, the annual probabilities of overtopping, freeboard
//! and beach below the minimum (and dam break) each with its Wilson 95 % interval and
//! hits/members, the ranked drivers, the 重大事故隐患 items (present / absent / not assessed,
//! basis, evidence), the warning level per item with thresholds and source, slope reliability,
//! the checks at a glance (failing first) and the assessment plots. Then the sections (中文 /
//! English): scenario, engine version, standard applied (with its
//! Chinese title; superseded editions flagged); key results (check outcome, grade, design return
//! period, peak level and time, peak inflow and outflow, minimum freeboard and beach length,
//! overtopping); the full check table (value, comparison, limit, unit, result coloured
//! pass/fail, standard, clause, confidence with recalled limits highlighted and explained);
//! per-structure peaks with regime and control at the peak level; storm and catchment; mass
//! balance; solver diagnostics and events (first 60); with geotech products "渗流 / Seepage"
//! (per section × level: pond level, discharge in m²/s per m and L/s per 100 m, exit elevation,
//! face length, minimum burial depth against the required one, balance, iterations, nodes;
//! the burial check rows; the section plot) and "稳定 / Slope stability" (load case, method,
//! pond level, k_h, FoS, required with source, result, legacy standing, trials, error notes;
//! the FoS check rows; the stability plots); warnings; plots. All run text is
//! HTML-escaped.
//!
//! # Verification (tests/results_viz.rs, unit tests)
//! `write_all_produces_decodable_plots_with_chinese_labels` (PNG decodes at the plot size with
//! more than 50 colours; SVG holds the bilingual labels), `report_html_lists_every_check_and_is_well_formed`
//! (every check id, balanced tags, escaping, no external resources),
//! `redraw_from_results_gives_identical_plots` (file → identical SVG and HTML),
//! `unwritable_directory_is_a_typed_error`, `only_fonts_covering_the_cjk_labels_are_accepted`.
//! Geotech (tests/results_viz_geotech.rs): `geotech_plots_are_drawn_with_bilingual_labels`,
//! `report_has_seepage_and_stability_sections`, `redraw_from_results_gives_identical_geotech_plots`.
//! Assessment (tests/portfolio.rs): `report_opens_with_the_supervisor_summary_and_assessment_plots`;
//! portfolio ranking and CSV: unit tests in [`portfolio`].
//!
//! # Portfolio page
//! [`portfolio`]: [`portfolio::Portfolio`] (ranking.json, served as `/api/portfolio`),
//! [`portfolio::rank`] (key ponds first, then score, then id), [`portfolio::ranking_csv`],
//! [`portfolio::render_portfolio_html`] (ranked table, rows coloured by warning level, matrix
//! cell badges, links to `ponds/<id>/report.html`, failed scenarios with their errors) and
//! [`portfolio::write_portfolio`].
//!
//! Set `TAILTWIN_KEEP_OUTPUT=<dir>` when running the tests to keep a copy of the products.

pub mod assessment;
pub mod drill;
mod error;
mod font;
mod format;
mod html;
mod html_dambreak;
mod html_geotech;
mod plots;
pub mod portfolio;

pub use error::VizError;
pub use font::{CANDIDATE_FONTS, FONT_FAMILY, ensure_cjk_font};
pub use format::escape_html;
pub use html::render_report_html;
pub use html::render_report_html_full;
pub use html::render_report_html_with_geotech;
pub use html_dambreak::{ConsequenceRow, render_dambreak_html};
pub use plots::{
    GeotechPlot, GeotechPlotOptions, PlotKind, geotech_plots, render_geotech_png,
    render_geotech_svg, render_png, render_svg, write_plots,
};
pub use plots::{MAP_STEM, render_inundation_map};

use std::path::{Path, PathBuf};
use tailtwin_core::{FloodRun, GeotechRun};
use tailtwin_results::{write_bytes_atomically, write_results_h5, write_summary_json};

/// Writes the report page for `run` to `path` (atomically), drawing the plots as inline SVG.
pub fn write_report_html(path: &Path, run: &FloodRun) -> Result<(), VizError> {
    let plots = PlotKind::ALL
        .iter()
        .map(|&k| render_svg(k, run).map(|svg| (k, svg)))
        .collect::<Result<Vec<_>, _>>()?;
    let geo = match &run.geotech {
        Some(g) => geotech_plots(g)
            .into_iter()
            .map(|p| render_geotech_svg(p, g, &GeotechPlotOptions::default()).map(|svg| (p, svg)))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let risk = assessment::assessment_plots(&run.report)
        .into_iter()
        .map(|p| assessment::render_assessment_svg(p, &run.report).map(|svg| (p, svg)))
        .collect::<Result<Vec<_>, _>>()?;
    write_bytes_atomically(path, render_report_html_full(run, &plots, &geo, &risk).as_bytes())?;
    Ok(())
}

/// Draws the seepage section and stability plots of `geotech` (PNG and SVG) into
/// `out_dir/plots/` (created if missing), without the mesh; returns the files written.
pub fn render_geotech(out_dir: &Path, geotech: &GeotechRun) -> Result<Vec<PathBuf>, VizError> {
    render_geotech_with(out_dir, geotech, &GeotechPlotOptions::default())
}

/// [`render_geotech`] with options (e.g. the seepage mesh drawn).
pub fn render_geotech_with(
    out_dir: &Path,
    geotech: &GeotechRun,
    options: &GeotechPlotOptions,
) -> Result<Vec<PathBuf>, VizError> {
    ensure_cjk_font()?;
    Ok(plots::write_geotech_plots_with_svg(&out_dir.join("plots"), geotech, options)?
        .into_iter()
        .flat_map(|(_, files, _)| files)
        .collect())
}

/// The geotech plots of a run (empty without geotech products), written and as SVG text.
fn geotech_svgs(
    dir: &Path,
    run: &FloodRun,
    files: &mut Vec<PathBuf>,
) -> Result<Vec<(GeotechPlot, String)>, VizError> {
    let Some(g) = &run.geotech else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (plot, paths, svg) in
        plots::write_geotech_plots_with_svg(dir, g, &GeotechPlotOptions::default())?
    {
        files.extend(paths);
        out.push((plot, svg));
    }
    Ok(out)
}

/// The assessment plots of a report (empty without ensemble or status), written and as SVG.
fn assessment_svgs(
    dir: &Path,
    report: &tailtwin_core::Report,
    files: &mut Vec<PathBuf>,
) -> Result<Vec<(assessment::AssessmentPlot, String)>, VizError> {
    let mut out = Vec::new();
    for (plot, paths, svg) in plots::assessment::write_assessment_plots_with_svg(dir, report)? {
        files.extend(paths);
        out.push((plot, svg));
    }
    Ok(out)
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
    let geo = geotech_svgs(&out_dir.join("plots"), run, &mut files)?;
    let risk = assessment_svgs(&out_dir.join("plots"), &run.report, &mut files)?;
    let html = out_dir.join("report.html");
    write_bytes_atomically(&html, render_report_html_full(run, &svgs, &geo, &risk).as_bytes())?;
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
    let geo = geotech_svgs(&out_dir.join("plots"), &run, &mut files)?;
    let risk = assessment_svgs(&out_dir.join("plots"), &run.report, &mut files)?;
    let html = out_dir.join("report.html");
    write_bytes_atomically(&html, render_report_html_full(&run, &svgs, &geo, &risk).as_bytes())?;
    files.push(html);
    Ok(files)
}
