//! The four plots of a flood run, each drawn by one backend-generic function so the PNG and the
//! SVG are the same picture.

pub(crate) mod assessment;
pub(crate) mod drill;
mod geotech;
mod hydrographs;
mod inundation;
mod rating;
mod safety;
mod section;
mod slope;
mod stage;

pub(crate) use geotech::write_geotech_plots_with_svg;
pub use geotech::{
    GeotechPlot, GeotechPlotOptions, geotech_plots, render_geotech_png, render_geotech_svg,
};

pub use inundation::{MAP_STEM, render_inundation_map};

use crate::error::VizError;
use crate::font::{FONT_FAMILY, ensure_cjk_font};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use tailtwin_core::FloodRun;
use tailtwin_results::write_atomically;

/// The plots tailtwin draws for a flood run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotKind {
    /// Inflow, total outflow, each structure and overtopping against time; rain bars on top.
    Hydrographs,
    /// Pond level against time with the reference levels.
    Stage,
    /// Freeboard and dry-beach length against time with their code limits.
    Safety,
    /// Stage–discharge curves per structure and combined, regime changes marked.
    Rating,
}

impl PlotKind {
    /// All plots, in report order.
    pub const ALL: [PlotKind; 4] =
        [PlotKind::Hydrographs, PlotKind::Stage, PlotKind::Safety, PlotKind::Rating];

    /// File stem, e.g. `"hydrographs"` (→ `plots/hydrographs.png`, `.svg`).
    pub fn file_stem(self) -> &'static str {
        match self {
            PlotKind::Hydrographs => "hydrographs",
            PlotKind::Stage => "stage",
            PlotKind::Safety => "freeboard_beach",
            PlotKind::Rating => "rating_curves",
        }
    }

    /// Bilingual title.
    pub fn title(self) -> &'static str {
        match self {
            PlotKind::Hydrographs => "入库与出库流量过程 / Inflow and outflow hydrographs",
            PlotKind::Stage => "库水位过程 / Pond level",
            PlotKind::Safety => "安全超高与干滩长度 / Freeboard and dry-beach length",
            PlotKind::Rating => "泄流能力曲线 / Rating curves",
        }
    }

    /// Pixel size of the PNG (and the SVG's user units).
    pub fn size(self) -> (u32, u32) {
        match self {
            PlotKind::Hydrographs | PlotKind::Safety => (1280, 860),
            PlotKind::Stage | PlotKind::Rating => (1280, 760),
        }
    }
}

/// Draws `kind` as SVG text.
pub fn render_svg(kind: PlotKind, run: &FloodRun) -> Result<String, VizError> {
    ensure_cjk_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, kind.size()).into_drawing_area();
        draw(kind, run, &root)?;
        root.present().map_err(|e| plot_error(kind, e))?;
    }
    Ok(svg)
}

/// Draws `kind` into a PNG file at `path` (atomically).
pub fn render_png(kind: PlotKind, run: &FloodRun, path: &Path) -> Result<(), VizError> {
    ensure_cjk_font()?;
    write_atomically(path, |tmp| {
        let root = BitMapBackend::new(tmp, kind.size()).into_drawing_area();
        draw(kind, run, &root)?;
        root.present().map_err(|e| plot_error(kind, e))
    })
}

/// Writes every plot as PNG and SVG into `dir` (created if missing); returns the files written.
pub fn write_plots(dir: &Path, run: &FloodRun) -> Result<Vec<PathBuf>, VizError> {
    Ok(write_plots_with_svg(dir, run)?.into_iter().flat_map(|(files, _)| files).collect())
}

/// As [`write_plots`], also returning each plot's SVG text for embedding.
pub(crate) fn write_plots_with_svg(
    dir: &Path,
    run: &FloodRun,
) -> Result<Vec<([PathBuf; 2], String)>, VizError> {
    std::fs::create_dir_all(dir).map_err(|source| VizError::Io {
        path: dir.to_path_buf(),
        action: "create the plots folder",
        source,
    })?;
    let mut out = Vec::new();
    for kind in PlotKind::ALL {
        let png = dir.join(format!("{}.png", kind.file_stem()));
        let svg_path = dir.join(format!("{}.svg", kind.file_stem()));
        render_png(kind, run, &png)?;
        let svg = render_svg(kind, run)?;
        tailtwin_results::write_bytes_atomically(&svg_path, svg.as_bytes())?;
        out.push(([png, svg_path], svg));
    }
    Ok(out)
}

fn draw<DB: DrawingBackend>(
    kind: PlotKind,
    run: &FloodRun,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), VizError> {
    let result = match kind {
        PlotKind::Hydrographs => hydrographs::draw(run, root),
        PlotKind::Stage => stage::draw(run, root),
        PlotKind::Safety => safety::draw(run, root),
        PlotKind::Rating => rating::draw(run, root),
    };
    result.map_err(|e| match e {
        DrawError::NoData(reason) => VizError::NoData { plot: kind.file_stem().into(), reason },
        DrawError::Backend(cause) => VizError::Plot { plot: kind.file_stem().into(), cause },
    })
}

fn plot_error(kind: PlotKind, e: impl Display) -> VizError {
    VizError::Plot { plot: kind.file_stem().into(), cause: e.to_string() }
}

/// Failure inside a drawing function.
enum DrawError {
    NoData(String),
    Backend(String),
}

type DrawResult = Result<(), DrawError>;

/// The pond-level-against-time chart (axes, grid, bilingual labels) shared by the stage plot and
/// the drill timeline; `x` in hours, `y` in metres.
fn stage_time_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, DrawError> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, font(TITLE_SIZE))
        .margin(20)
        .margin_right(30)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(x, y)
        .or_draw()?;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .max_light_lines(4)
        .x_desc("时间 / Time (h)")
        .y_desc("库水位 / Pond level (m)")
        .y_label_formatter(&|v| format!("{v:.1}"))
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;
    Ok(chart)
}

/// The legend box every chart uses (translucent white, thin grey border, legend font) at
/// `position`.
fn draw_series_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font(font(LEGEND_SIZE))
        .draw()
        .or_draw()?;
    Ok(())
}

/// Turns any plotters error into a [`DrawError`].
trait OrDraw<T> {
    fn or_draw(self) -> Result<T, DrawError>;
}

impl<T, E: Display> OrDraw<T> for Result<T, E> {
    fn or_draw(self) -> Result<T, DrawError> {
        self.map_err(|e| DrawError::Backend(e.to_string()))
    }
}

// Shared style: one font family everywhere (it must hold the CJK glyphs), sizes in pixels.
const TITLE_SIZE: u32 = 26;
const AXIS_SIZE: u32 = 19;
const TICK_SIZE: u32 = 16;
const LEGEND_SIZE: u32 = 16;
const NOTE_SIZE: u32 = 15;

fn font(size: u32) -> FontDesc<'static> {
    (FONT_FAMILY, f64::from(size)).into_font()
}

const INFLOW: RGBColor = RGBColor(31, 119, 180);
const OUTFLOW: RGBColor = RGBColor(214, 39, 40);
const OVERTOP: RGBColor = RGBColor(148, 103, 189);
const RAIN: RGBColor = RGBColor(70, 130, 200);
const LIMIT: RGBColor = RGBColor(200, 30, 30);
const GRID: RGBColor = RGBColor(225, 225, 225);
const STRUCTURE_COLORS: [RGBColor; 7] = [
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn structure_color(k: usize) -> RGBColor {
    STRUCTURE_COLORS[k % STRUCTURE_COLORS.len()]
}

/// Range `[lo, hi]` widened by `pad` of its span (or by 1 when flat) so lines don't sit on the frame.
fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    let span = hi - lo;
    if span > 0.0 { (lo - pad * span, hi + pad * span) } else { (lo - 1.0, hi + 1.0) }
}

/// Smallest and largest finite value of several slices.
fn extent<'a>(slices: impl IntoIterator<Item = &'a [f64]>) -> Option<(f64, f64)> {
    let mut it = slices.into_iter().flatten().copied().filter(|v| v.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// Time axis of the run in hours: the union of the pond, inflow and rain spans.
fn time_span_h(run: &FloodRun) -> Result<(f64, f64), DrawError> {
    let t = &run.routed.time_s;
    let (mut lo, mut hi) = match (t.first(), t.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return Err(DrawError::NoData("the routed pond has no output times".into())),
    };
    let (a, b) = run.inflow.series().span_s();
    lo = lo.min(a);
    hi = hi.max(b);
    if let Some(h) = &run.hyetograph
        && !h.depth_mm().is_empty()
    {
        lo = lo.min(h.start_s());
        hi = hi.max(h.end_s());
    }
    if hi <= lo {
        hi = lo + 3600.0;
    }
    Ok((lo / 3600.0, hi / 3600.0))
}

fn hours_of(t_s: &[f64]) -> impl Iterator<Item = f64> + '_ {
    t_s.iter().map(|t| t / 3600.0)
}

/// Draws a filled circle at `p` with a note to its upper right.
fn draw_marker<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    p: (f64, f64),
    color: RGBColor,
    note: String,
) -> DrawResult {
    chart
        .draw_series(std::iter::once(
            EmptyElement::at(p)
                + Circle::new((0, 0), 5, color.filled())
                + Text::new(note, (9, -22), font(NOTE_SIZE).color(&color)),
        ))
        .or_draw()?;
    Ok(())
}
