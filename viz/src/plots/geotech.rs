//! Plots of the seepage and stability products ([`GeotechRun`]): one seepage section plot per
//! section and one stability plot per (section, load case). Shared drawing helpers (section
//! frame with its vertical exaggeration, zones, pond water, legend panel, FoS colours) live here;
//! the two plots are in `section.rs` and `slope.rs`.

use super::*;
use tailtwin_core::{DamSection, EdgeKind, GeotechRun, LevelKind, LoadCaseKind};

/// A plot of the geotech products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeotechPlot {
    /// Section `sections[section]`: zones, pond, phreatic line per level, drains, pipes, seepage
    /// face and exit, burial depths, control line.
    Seepage { section: usize },
    /// Section `sections[section]` under one load case: phreatic line, near-critical and critical
    /// surfaces, FoS grid.
    Stability { section: usize, load_case: LoadCaseKind },
}

/// Options of the geotech plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GeotechPlotOptions {
    /// Draw the seepage mesh (thin lines) under the section plot when the fields are present.
    pub draw_mesh: bool,
}

fn load_case_stem(k: LoadCaseKind) -> &'static str {
    match k {
        LoadCaseKind::Normal => "normal",
        LoadCaseKind::Flood => "flood",
        LoadCaseKind::Special => "special",
    }
}

impl GeotechPlot {
    /// File stem: `seepage_00`, `stability_00_normal`, … (section index, two digits).
    pub fn file_stem(self) -> String {
        match self {
            GeotechPlot::Seepage { section } => format!("seepage_{section:02}"),
            GeotechPlot::Stability { section, load_case } => {
                format!("stability_{section:02}_{}", load_case_stem(load_case))
            }
        }
    }

    /// Bilingual title (with the section name).
    pub fn title(self, g: &GeotechRun) -> String {
        let name = |k: usize| g.sections.get(k).map_or("?", |s| s.name.as_str()).to_owned();
        match self {
            GeotechPlot::Seepage { section } => {
                format!("渗流计算剖面 / Seepage section — {}", name(section))
            }
            GeotechPlot::Stability { section, load_case } => format!(
                "坝坡稳定 {} / Slope stability, {} — {}",
                load_case.label_zh(),
                load_case.label_en(),
                name(section)
            ),
        }
    }

    /// Pixel size of the PNG (and the SVG's user units).
    pub fn size(self) -> (u32, u32) {
        (1400, 940)
    }
}

/// The plots a geotech run has: for each section with seepage runs its seepage plot, then for
/// each stability load case of it (in row order) its stability plot.
pub fn geotech_plots(g: &GeotechRun) -> Vec<GeotechPlot> {
    let mut out = Vec::new();
    for (k, s) in g.sections.iter().enumerate() {
        if g.seepage.iter().any(|r| r.profile.section == s.name) {
            out.push(GeotechPlot::Seepage { section: k });
        }
        let mut cases: Vec<LoadCaseKind> = Vec::new();
        for row in g.stability.iter().filter(|r| r.section == s.name).flat_map(|r| &r.rows) {
            if !cases.contains(&row.load_case) {
                cases.push(row.load_case);
            }
        }
        out.extend(
            cases.into_iter().map(|load_case| GeotechPlot::Stability { section: k, load_case }),
        );
    }
    out
}

/// Draws a geotech plot as SVG text.
pub fn render_geotech_svg(
    plot: GeotechPlot,
    g: &GeotechRun,
    options: &GeotechPlotOptions,
) -> Result<String, VizError> {
    ensure_cjk_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, plot.size()).into_drawing_area();
        draw_geotech(plot, g, options, &root)?;
        root.present().map_err(|e| geo_error(plot, e))?;
    }
    Ok(svg)
}

/// Draws a geotech plot into a PNG file at `path` (atomically).
pub fn render_geotech_png(
    plot: GeotechPlot,
    g: &GeotechRun,
    options: &GeotechPlotOptions,
    path: &Path,
) -> Result<(), VizError> {
    ensure_cjk_font()?;
    write_atomically(path, |tmp| {
        let root = BitMapBackend::new(tmp, plot.size()).into_drawing_area();
        draw_geotech(plot, g, options, &root)?;
        root.present().map_err(|e| geo_error(plot, e))
    })
}

/// Writes every geotech plot as PNG and SVG into `dir`; returns (plot, [png, svg], svg text).
pub(crate) fn write_geotech_plots_with_svg(
    dir: &Path,
    g: &GeotechRun,
    options: &GeotechPlotOptions,
) -> Result<Vec<(GeotechPlot, [PathBuf; 2], String)>, VizError> {
    std::fs::create_dir_all(dir).map_err(|source| VizError::Io {
        path: dir.to_path_buf(),
        action: "create the plots folder",
        source,
    })?;
    let mut out = Vec::new();
    for plot in geotech_plots(g) {
        let png = dir.join(format!("{}.png", plot.file_stem()));
        let svg_path = dir.join(format!("{}.svg", plot.file_stem()));
        render_geotech_png(plot, g, options, &png)?;
        let svg = render_geotech_svg(plot, g, options)?;
        tailtwin_results::write_bytes_atomically(&svg_path, svg.as_bytes())?;
        out.push((plot, [png, svg_path], svg));
    }
    Ok(out)
}

fn geo_error(plot: GeotechPlot, e: impl Display) -> VizError {
    VizError::Plot { plot: plot.file_stem(), cause: e.to_string() }
}

fn draw_geotech<DB: DrawingBackend>(
    plot: GeotechPlot,
    g: &GeotechRun,
    options: &GeotechPlotOptions,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), VizError> {
    let result = match plot {
        GeotechPlot::Seepage { section } => super::section::draw(g, section, options, root),
        GeotechPlot::Stability { section, load_case } => {
            super::slope::draw(g, section, load_case, root)
        }
    };
    result.map_err(|e| match e {
        DrawError::NoData(reason) => VizError::NoData { plot: plot.file_stem(), reason },
        DrawError::Backend(cause) => VizError::Plot { plot: plot.file_stem(), cause },
    })
}

pub(super) type SectionChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

// Layout of both plots (pixels): title band, chart, legend band below in two columns.
pub(super) const TITLE_BAND: u32 = 48;
pub(super) const LEGEND_ROW: u32 = 24;
const Y_LABEL_AREA: u32 = 90;
const X_LABEL_AREA: u32 = 55;
const MARGIN: u32 = 20;

/// A drawing area in pixels.
pub(super) type Area<DB> = DrawingArea<DB, Shift>;

/// Legend entry swatches.
pub(super) enum Swatch {
    Fill(RGBColor, f64),
    Line(RGBColor, u32),
    Dashed(RGBColor, u32),
    Dot(RGBColor),
    Triangle(RGBColor),
}

/// Splits `root` into the title band (title and an optional subtitle line), the chart area and a legend band of `rows` rows.
pub(super) fn layout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: Option<&str>,
    rows: usize,
) -> Result<(Area<DB>, Area<DB>), DrawError> {
    root.fill(&WHITE).or_draw()?;
    let band_h = TITLE_BAND + if subtitle.is_some() { 26 } else { 0 };
    let (band, body) = root.split_vertically(band_h);
    band.draw_text(title, &font(TITLE_SIZE).into_text_style(&band), (20, 12)).or_draw()?;
    if let Some(sub) = subtitle {
        band.draw_text(sub, &font(AXIS_SIZE).into_text_style(&band), (20, 46)).or_draw()?;
    }
    let legend_h = LEGEND_ROW * rows.div_ceil(2) as u32 + 16;
    let h = body.dim_in_pixel().1;
    let (chart, legend) = body.split_vertically(h.saturating_sub(legend_h));
    Ok((chart, legend))
}

/// Draws legend entries in two columns.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
) -> DrawResult {
    let (w, _) = area.dim_in_pixel();
    let col_w = (w as i32 - 2 * MARGIN as i32) / 2;
    for (k, (swatch, text)) in entries.iter().enumerate() {
        let x = MARGIN as i32 + 20 + (k % 2) as i32 * col_w;
        let y = 6 + (k / 2) as i32 * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        match swatch {
            Swatch::Fill(c, a) => area
                .draw(&Rectangle::new([(x, y - 7), (x + 28, y + 7)], c.mix(*a).filled()))
                .and_then(|()| {
                    area.draw(&Rectangle::new([(x, y - 7), (x + 28, y + 7)], c.stroke_width(1)))
                }),
            Swatch::Line(c, width) => {
                area.draw(&PathElement::new(vec![(x, y), (x + 28, y)], c.stroke_width(*width)))
            }
            Swatch::Dashed(c, width) => area
                .draw(&PathElement::new(vec![(x, y), (x + 9, y)], c.stroke_width(*width)))
                .and_then(|()| {
                    area.draw(&PathElement::new(
                        vec![(x + 18, y), (x + 28, y)],
                        c.stroke_width(*width),
                    ))
                }),
            Swatch::Dot(c) => area.draw(&Circle::new((x + 14, y), 5, c.filled())),
            Swatch::Triangle(c) => area.draw(&TriangleMarker::new((x + 14, y), 7, c.filled())),
        }
        .or_draw()?;
        let style = font(LEGEND_SIZE).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(text, &style, (x + 38, y)).or_draw()?;
    }
    Ok(())
}

/// Builds the section chart over `x`, `z` (padded), stating the vertical exaggeration in the
/// axis label when the picture is not drawn to scale. When a to-scale picture needs at most
/// twice the height range, the range is extended upwards instead (to scale, no exaggeration).
pub(super) fn section_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    (x0, x1): (f64, f64),
    (z0, z1): (f64, f64),
) -> Result<SectionChart<'a, DB>, DrawError> {
    let (w, h) = area.dim_in_pixel();
    let plot_w = f64::from(w.saturating_sub(Y_LABEL_AREA + 2 * MARGIN).max(1));
    let plot_h = f64::from(h.saturating_sub(X_LABEL_AREA + 2 * MARGIN).max(1));
    let (x0, x1) = padded(x0, x1, 0.01);
    let (z0, mut z1) = padded(z0, z1, 0.04);
    let mut ve = (plot_h / (z1 - z0)) / (plot_w / (x1 - x0));
    if ve > 1.0 && ve <= 2.0 {
        z1 = z0 + (z1 - z0) * ve;
        ve = 1.0;
    }
    let y_desc = if (ve - 1.0).abs() < 0.05 {
        "高程 / Elevation (m)".to_owned()
    } else {
        format!("高程 / Elevation (m), 竖向比例 ×{ve:.1} / vertical exaggeration ×{ve:.1}")
    };
    let mut chart = ChartBuilder::on(area)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x0..x1, z0..z1)
        .or_draw()?;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .max_light_lines(4)
        .x_desc("距离 / Distance x (m)")
        .y_desc(y_desc)
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;
    Ok(chart)
}

const MATERIAL_COLORS: [RGBColor; 8] = [
    RGBColor(230, 200, 130),
    RGBColor(150, 150, 155),
    RGBColor(190, 150, 110),
    RGBColor(200, 215, 150),
    RGBColor(215, 170, 170),
    RGBColor(170, 190, 215),
    RGBColor(220, 220, 180),
    RGBColor(180, 160, 200),
];

pub(super) fn material_color(k: usize) -> RGBColor {
    MATERIAL_COLORS[k % MATERIAL_COLORS.len()]
}

pub(super) const WATER: RGBColor = RGBColor(120, 170, 230);

/// Zones filled by material; returns one legend entry per material used.
pub(super) fn draw_zones<DB: DrawingBackend>(
    chart: &mut SectionChart<'_, DB>,
    s: &DamSection,
    alpha: f64,
) -> Result<Vec<(Swatch, String)>, DrawError> {
    let mut used = Vec::new();
    for z in &s.zones {
        let ring: Vec<(f64, f64)> = z.polygon.vertices().iter().map(|p| (p.x, p.z)).collect();
        let c = material_color(z.material.0);
        chart
            .draw_series(std::iter::once(Polygon::new(ring.clone(), c.mix(alpha).filled())))
            .or_draw()?;
        let mut closed = ring;
        closed.push(closed[0]);
        chart
            .draw_series(std::iter::once(PathElement::new(
                closed,
                RGBColor(90, 90, 90).stroke_width(1),
            )))
            .or_draw()?;
        if !used.contains(&z.material.0) {
            used.push(z.material.0);
        }
    }
    used.sort_unstable();
    Ok(used
        .into_iter()
        .map(|m| {
            let name = s.materials.get(m).map_or("?", |x| x.name.as_str());
            (Swatch::Fill(material_color(m), alpha), format!("材料 / Material: {name}"))
        })
        .collect())
}

/// The pond water body at `level`: from the upstream end to where the surface rises above the
/// level (at most `pond_side.surface_until_x`), between the surface and the level.
pub(super) fn pond_polygon(s: &DamSection, level: f64) -> Option<Vec<(f64, f64)>> {
    let pts = s.surface.points();
    let until = s.pond_side.surface_until_x;
    let mut under = vec![(pts[0].x, pts[0].z.min(level))];
    let mut end = None;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a.x >= until {
            end = Some(a.x);
            break;
        }
        if b.z > level && a.z <= level {
            let x = a.x + (level - a.z) / (b.z - a.z) * (b.x - a.x);
            end = Some(x.min(until));
            break;
        }
        if b.x > until {
            end = Some(until);
            break;
        }
        under.push((b.x, b.z));
    }
    if pts[0].z >= level {
        return None;
    }
    // The level tops the whole surface up to its end: water over all of it.
    let end = end.unwrap_or_else(|| until.min(pts[pts.len() - 1].x));
    let z_end = s.surface.z_at(end).unwrap_or(level).min(level);
    under.push((end, z_end));
    let mut poly = vec![(pts[0].x, level)];
    poly.extend(under.iter().copied().filter(|p| p.0 <= end));
    poly.push((end, level));
    Some(poly)
}

/// Width of the water strip drawn left of an open upstream edge (the pond against the vertical
/// edge lies outside the section): 2.5 % of the section width; 0 for a closed edge.
pub(super) fn upstream_water_width(s: &DamSection) -> f64 {
    match s.pond_side.upstream_edge {
        EdgeKind::Open => 0.025 * (s.surface.last().x - s.surface.first().x),
        EdgeKind::NoFlow => 0.0,
    }
}

/// Draws the pond body at `level` (on the beach, and as a strip against an open upstream edge)
/// and its water line; false when the level wets nothing drawn.
pub(super) fn draw_pond<DB: DrawingBackend>(
    chart: &mut SectionChart<'_, DB>,
    s: &DamSection,
    level: f64,
    line: RGBColor,
) -> Result<bool, DrawError> {
    let x0 = s.surface.first().x;
    let strip = upstream_water_width(s);
    let z_base = s.base.first().z;
    let mut x_end = None;
    if strip > 0.0 && level > z_base {
        let rect = vec![(x0 - strip, z_base), (x0, z_base), (x0, level), (x0 - strip, level)];
        chart
            .draw_series(std::iter::once(Polygon::new(rect, WATER.mix(0.25).filled())))
            .or_draw()?;
        x_end = Some(x0);
    }
    if let Some(poly) = pond_polygon(s, level) {
        x_end = poly.last().map(|p| p.0);
        chart
            .draw_series(std::iter::once(Polygon::new(poly, WATER.mix(0.25).filled())))
            .or_draw()?;
    }
    let Some(x_end) = x_end else { return Ok(false) };
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x0 - strip, level), (x_end, level)],
            line.stroke_width(2),
        )))
        .or_draw()?;
    Ok(true)
}

/// Colour of a phreatic line for a pond level: normal blue, design flood red, given others.
pub(super) fn level_color(kind: LevelKind, given_index: usize) -> RGBColor {
    const GIVEN: [RGBColor; 4] = [
        RGBColor(44, 160, 44),
        RGBColor(148, 103, 189),
        RGBColor(255, 127, 14),
        RGBColor(23, 190, 207),
    ];
    match kind {
        LevelKind::Normal => RGBColor(31, 90, 200),
        LevelKind::DesignFlood => RGBColor(214, 39, 40),
        LevelKind::Given => GIVEN[given_index % GIVEN.len()],
    }
}

/// Colour for a factor of safety on a red (low) → orange → green → blue (high) ramp over
/// `[lo, hi]`.
pub(super) fn fos_color(f: f64, (lo, hi): (f64, f64)) -> RGBColor {
    const RAMP: [(f64, (f64, f64, f64)); 4] = [
        (0.0, (200.0, 20.0, 20.0)),
        (0.33, (240.0, 150.0, 0.0)),
        (0.66, (60.0, 160.0, 60.0)),
        (1.0, (40.0, 90.0, 200.0)),
    ];
    let t = if hi > lo { ((f - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.0 };
    let k = RAMP.iter().position(|(s, _)| *s >= t).unwrap_or(RAMP.len() - 1).max(1);
    let ((s0, c0), (s1, c1)) = (RAMP[k - 1], RAMP[k]);
    let u = if s1 > s0 { (t - s0) / (s1 - s0) } else { 0.0 };
    let mix = |a: f64, b: f64| (a + (b - a) * u).round() as u8;
    RGBColor(mix(c0.0, c1.0), mix(c0.1, c1.1), mix(c0.2, c1.2))
}

pub(super) fn points_of(line: &[[f64; 2]]) -> Vec<(f64, f64)> {
    line.iter().map(|p| (p[0], p[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailtwin_core::section::{
        DamSection, EdgeKind, MaterialId, Point2, Polygon as Poly, Polyline, PondSide, Zone,
    };

    fn section(surface: &[(f64, f64)], until: f64) -> DamSection {
        let pts = |v: &[(f64, f64)]| v.iter().map(|&(x, z)| Point2::new(x, z)).collect::<Vec<_>>();
        let (x0, x1) = (surface[0].0, surface[surface.len() - 1].0);
        let mut ring = pts(surface);
        ring.extend(pts(&[(x1, 0.0), (x0, 0.0)]));
        DamSection {
            name: "s".into(),
            surface: Polyline::x_monotone("surface", pts(surface)).unwrap(),
            base: Polyline::x_monotone("base", pts(&[(x0, 0.0), (x1, 0.0)])).unwrap(),
            materials: Vec::new(),
            zones: vec![Zone {
                name: "z".into(),
                polygon: Poly::new("z", ring).unwrap(),
                material: MaterialId(0),
            }],
            drains: Vec::new(),
            pipes: Vec::new(),
            pond_side: PondSide { surface_until_x: until, upstream_edge: EdgeKind::Open },
            downstream_edge: EdgeKind::NoFlow,
            stations_x: Vec::new(),
        }
    }

    // Goal: the pond body ends where the rising beach meets the level (linear interpolation on
    // the surface segment), lies between the surface and the level, and is absent when the
    // level is below the upstream end; a level above the whole pond side covers it up to
    // surface_until_x. Reference: hand geometry. Tolerance: 1e-12 m (one interpolation).
    #[test]
    fn pond_body_ends_where_the_beach_meets_the_level() {
        let s = section(&[(0.0, 126.0), (80.0, 127.0), (160.0, 112.0)], 78.0);
        let p = pond_polygon(&s, 126.5).unwrap();
        assert_eq!(p[0], (0.0, 126.5));
        let last = p[p.len() - 1];
        assert!((last.0 - 40.0).abs() < 1e-12 && last.1 == 126.5, "{last:?}");
        assert!(p.iter().all(|&(x, z)| (0.0..=40.0 + 1e-12).contains(&x) && z <= 126.5));
        assert!(pond_polygon(&s, 125.0).is_none());
        let flooded = pond_polygon(&s, 130.0).unwrap();
        assert_eq!(flooded[flooded.len() - 1], (78.0, 130.0));
    }

    // Goal: the FoS colour ramp runs red (lowest) to blue (highest) and saturates outside.
    #[test]
    fn fos_colours_run_from_red_to_blue_and_saturate() {
        let r = (1.0, 2.0);
        assert_eq!(fos_color(1.0, r), RGBColor(200, 20, 20));
        assert_eq!(fos_color(0.5, r), RGBColor(200, 20, 20));
        assert_eq!(fos_color(2.0, r), RGBColor(40, 90, 200));
        assert_eq!(fos_color(9.0, r), RGBColor(40, 90, 200));
        assert_eq!(fos_color(1.66, r), RGBColor(60, 160, 60));
    }
}
