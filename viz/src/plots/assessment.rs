//! The risk-assessment plots (issue 6), drawn from the Report's `ensemble` and `status`:
//! exceedance curves with the Wilson 95 % band, the level–return-period curve, the running
//! probability estimate against members, and the 5 × 5 risk matrix with the pond's cell.

use super::*;
use tailtwin_core::Report;
use tailtwin_core::assessment::{EnsembleSummary, ExceedanceCurve, Probability, RiskScore, Tail};

/// The assessment plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentPlot {
    /// Each ensemble exceedance curve (one panel per curve) with its 95 % band.
    Exceedance,
    /// T-year peak level and minimum freeboard against the return period.
    ReturnLevels,
    /// Running overtopping probability ± 1.96 SE against the number of members.
    Convergence,
    /// Likelihood × consequence matrix with the pond's cell outlined.
    RiskMatrix,
}

impl AssessmentPlot {
    /// All, in report order.
    pub const ALL: [AssessmentPlot; 4] = [
        AssessmentPlot::RiskMatrix,
        AssessmentPlot::Exceedance,
        AssessmentPlot::ReturnLevels,
        AssessmentPlot::Convergence,
    ];

    pub fn file_stem(self) -> &'static str {
        match self {
            AssessmentPlot::Exceedance => "exceedance",
            AssessmentPlot::ReturnLevels => "return_levels",
            AssessmentPlot::Convergence => "convergence",
            AssessmentPlot::RiskMatrix => "risk_matrix",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            AssessmentPlot::Exceedance => "超越概率曲线 / Annual exceedance curves",
            AssessmentPlot::ReturnLevels => "重现期–水位曲线 / Level–return-period curve",
            AssessmentPlot::Convergence => "漫顶概率收敛 / Convergence of P(overtopping)",
            AssessmentPlot::RiskMatrix => "风险矩阵 / Risk matrix",
        }
    }

    pub fn size(self) -> (u32, u32) {
        match self {
            AssessmentPlot::Exceedance | AssessmentPlot::ReturnLevels => (1280, 860),
            AssessmentPlot::Convergence => (1280, 640),
            AssessmentPlot::RiskMatrix => (900, 760),
        }
    }

    /// Whether the report holds what this plot needs.
    pub fn available(self, r: &Report) -> bool {
        match (self, &r.ensemble) {
            (AssessmentPlot::RiskMatrix, _) => r.status.is_some(),
            (AssessmentPlot::Exceedance, Some(e)) => e.curves.iter().any(|c| !c.points.is_empty()),
            (AssessmentPlot::ReturnLevels, Some(e)) => !e.return_levels.is_empty(),
            (AssessmentPlot::Convergence, Some(e)) => !e.convergence.is_empty(),
            _ => false,
        }
    }
}

/// The assessment plots a report can have, in report order.
pub fn assessment_plots(r: &Report) -> Vec<AssessmentPlot> {
    AssessmentPlot::ALL.into_iter().filter(|p| p.available(r)).collect()
}

/// Draws `plot` as SVG text.
pub fn render_assessment_svg(plot: AssessmentPlot, r: &Report) -> Result<String, VizError> {
    ensure_cjk_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, plot.size()).into_drawing_area();
        draw_plot(plot, r, &root)?;
        root.present()
            .map_err(|e| VizError::Plot { plot: plot.file_stem().into(), cause: e.to_string() })?;
    }
    Ok(svg)
}

/// Draws `plot` into a PNG file at `path` (atomically).
pub fn render_assessment_png(
    plot: AssessmentPlot,
    r: &Report,
    path: &Path,
) -> Result<(), VizError> {
    ensure_cjk_font()?;
    write_atomically(path, |tmp| {
        let root = BitMapBackend::new(tmp, plot.size()).into_drawing_area();
        draw_plot(plot, r, &root)?;
        root.present()
            .map_err(|e| VizError::Plot { plot: plot.file_stem().into(), cause: e.to_string() })
    })
}

/// Writes every available assessment plot as PNG and SVG into `dir`; returns (plot, files, svg).
pub(crate) fn write_assessment_plots_with_svg(
    dir: &Path,
    r: &Report,
) -> Result<Vec<(AssessmentPlot, [PathBuf; 2], String)>, VizError> {
    let plots = assessment_plots(r);
    if plots.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(dir).map_err(|source| VizError::Io {
        path: dir.to_path_buf(),
        action: "create the plots folder",
        source,
    })?;
    let mut out = Vec::new();
    for plot in plots {
        let png = dir.join(format!("{}.png", plot.file_stem()));
        let svg_path = dir.join(format!("{}.svg", plot.file_stem()));
        render_assessment_png(plot, r, &png)?;
        let svg = render_assessment_svg(plot, r)?;
        tailtwin_results::write_bytes_atomically(&svg_path, svg.as_bytes())?;
        out.push((plot, [png, svg_path], svg));
    }
    Ok(out)
}

fn draw_plot<DB: DrawingBackend>(
    plot: AssessmentPlot,
    r: &Report,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), VizError> {
    let missing = || DrawError::NoData("the report has no ensemble or status".into());
    let result = match plot {
        AssessmentPlot::RiskMatrix => match &r.status {
            Some(s) => risk_matrix(&s.score, root),
            None => Err(missing()),
        },
        _ => match &r.ensemble {
            Some(e) => match plot {
                AssessmentPlot::Exceedance => exceedance(e, root),
                AssessmentPlot::ReturnLevels => return_levels(e, root),
                _ => convergence(e, root),
            },
            None => Err(missing()),
        },
    };
    result.map_err(|e| match e {
        DrawError::NoData(reason) => VizError::NoData { plot: plot.file_stem().into(), reason },
        DrawError::Backend(cause) => VizError::Plot { plot: plot.file_stem().into(), cause },
    })
}

fn title_and_body<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, DrawError> {
    root.fill(&WHITE).or_draw()?;
    let (t, body) = root.split_vertically(44);
    t.draw_text(title, &font(TITLE_SIZE).into_text_style(&t), (20, 12)).or_draw()?;
    Ok(body)
}

const BAND: RGBColor = RGBColor(31, 119, 180);

/// Each curve in a panel: x the value, y the annual probability (log); the band is the Wilson
/// 95 % interval of hits = p·members at each point.
fn exceedance<DB: DrawingBackend>(
    e: &EnsembleSummary,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    let body = title_and_body(root, AssessmentPlot::Exceedance.title())?;
    let curves: Vec<&ExceedanceCurve> = e.curves.iter().filter(|c| !c.points.is_empty()).collect();
    if curves.is_empty() {
        return Err(DrawError::NoData("no exceedance points".into()));
    }
    let h = body.dim_in_pixel().1 / curves.len() as u32;
    let mut rest = body;
    for (k, c) in curves.iter().enumerate() {
        let (panel, below) = if k + 1 < curves.len() {
            rest.split_vertically(h)
        } else {
            let empty = rest.clone();
            (rest.clone(), empty)
        };
        exceedance_panel(e, c, &panel)?;
        rest = below;
    }
    Ok(())
}

fn exceedance_panel<DB: DrawingBackend>(
    e: &EnsembleSummary,
    c: &ExceedanceCurve,
    area: &DrawingArea<DB, Shift>,
) -> DrawResult {
    let n = e.members;
    // Points with p = 0 have no place on a log axis; their band's upper end still does.
    let pts: Vec<(f64, f64, Probability)> = c
        .points
        .iter()
        .map(|p| {
            let hits = (p.probability * n as f64).round() as u64;
            (p.value, p.probability, Probability::from_counts(hits, n))
        })
        .collect();
    let values: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let limit = (c.quantity == "min_freeboard_m")
        .then_some(e.min_freeboard_required_m)
        .or_else(|| (c.quantity == "min_beach_length_m").then_some(e.min_beach_required_m?));
    let (lo, hi) = extent([values.as_slice(), limit.as_slice()])
        .ok_or_else(|| DrawError::NoData(format!("{}: no finite values", c.quantity)))?;
    let (x0, x1) = padded(lo, hi, 0.05);
    let p_min = pts
        .iter()
        .flat_map(|p| [p.1, p.2.ci95[0], p.2.ci95[1]])
        .filter(|v| *v > 0.0)
        .fold(1.0_f64, f64::min);
    let y0 = (p_min / 2.0).max(1e-9);
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(30)
        .x_label_area_size(56)
        .y_label_area_size(110)
        .build_cartesian_2d(x0..x1, (y0..1.0).log_scale())
        .or_draw()?;
    let tail = match c.tail {
        Tail::Upper => "P(X ≥ x)",
        Tail::Lower => "P(X ≤ x)",
    };
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .x_desc(format!("{} / {} ({})", c.label_zh, c.label_en, c.units))
        // Short: the panels are too low for the bilingual phrase, which the title carries.
        .y_desc(tail)
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;
    // The band: upper edge left to right, lower edge back (lower ends at 0 clipped to y0).
    let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.2.ci95[1].max(y0))).collect();
    band.extend(pts.iter().rev().map(|p| (p.0, p.2.ci95[0].max(y0))));
    chart
        .draw_series(std::iter::once(Polygon::new(band, BAND.mix(0.18).filled())))
        .or_draw()?
        .label("95 % 置信带 / 95 % band (Wilson)")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 24, y + 6)], BAND.mix(0.18).filled()));
    let line: Vec<(f64, f64)> = pts.iter().filter(|p| p.1 > 0.0).map(|p| (p.0, p.1)).collect();
    chart
        .draw_series(LineSeries::new(line.iter().copied(), BAND.stroke_width(2)))
        .or_draw()?
        .label(format!("经验曲线 / Empirical ({n} members)"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BAND.stroke_width(2)));
    chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, BAND.filled()))).or_draw()?;
    if let Some(lim) = limit {
        chart
            .draw_series(DashedLineSeries::new(
                [(lim, y0), (lim, 1.0)],
                10,
                6,
                LIMIT.stroke_width(2),
            ))
            .or_draw()?
            .label(format!("规范最小值 / Code minimum {} {}", crate::format::num(lim), c.units))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], LIMIT.stroke_width(2)));
    }
    draw_series_legend(
        &mut chart,
        match c.tail {
            Tail::Upper => SeriesLabelPosition::UpperRight,
            Tail::Lower => SeriesLabelPosition::UpperLeft,
        },
    )?;
    Ok(())
}

/// Two panels against the return period (log): T-year peak level, T-year minimum freeboard.
fn return_levels<DB: DrawingBackend>(
    e: &EnsembleSummary,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    let body = title_and_body(root, AssessmentPlot::ReturnLevels.title())?;
    let (upper, lower) = body.split_vertically(body.dim_in_pixel().1 / 2);
    let t: Vec<f64> = e.return_levels.iter().map(|r| r.return_period_years).collect();
    let stage: Vec<f64> = e.return_levels.iter().map(|r| r.peak_stage_m).collect();
    let fb: Vec<f64> = e.return_levels.iter().map(|r| r.min_freeboard_m).collect();
    let fb_min = [e.min_freeboard_required_m];
    level_panel(&upper, &t, &stage, None, "最高库水位 / Peak pond level (m)", OUTFLOW)?;
    level_panel(&lower, &t, &fb, Some(&fb_min), "最小安全超高 / Min. freeboard (m)", INFLOW)
}

fn level_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    t: &[f64],
    v: &[f64],
    limit: Option<&[f64]>,
    y_desc: &str,
    color: RGBColor,
) -> DrawResult {
    let pos: Vec<f64> = t.iter().copied().filter(|x| *x > 0.0 && x.is_finite()).collect();
    let (t_lo, t_hi) = extent([pos.as_slice()])
        .ok_or_else(|| DrawError::NoData("no positive return periods".into()))?;
    let (t0, t1) = (t_lo / 1.5, t_hi * 1.5);
    let (lo, hi) = extent([v, limit.unwrap_or(&[])])
        .ok_or_else(|| DrawError::NoData(format!("no {y_desc} values")))?;
    let (y0, y1) = padded(lo, hi, 0.08);
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(30)
        .x_label_area_size(56)
        .y_label_area_size(100)
        .build_cartesian_2d((t0..t1).log_scale(), y0..y1)
        .or_draw()?;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .x_desc("重现期 / Return period (years)")
        .y_desc(y_desc)
        .x_label_formatter(&|v| crate::format::num(*v))
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;
    let pts: Vec<(f64, f64)> =
        t.iter().copied().zip(v.iter().copied()).filter(|(t, _)| *t > 0.0).collect();
    chart.draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(3))).or_draw()?;
    chart
        .draw_series(pts.iter().map(|&p| {
            EmptyElement::at(p)
                + Circle::new((0, 0), 5, color.filled())
                + Text::new(crate::format::num(p.1), (8, -20), font(NOTE_SIZE).color(&color))
        }))
        .or_draw()?;
    if let Some(&[lim]) = limit {
        chart
            .draw_series(DashedLineSeries::new(
                [(t0, lim), (t1, lim)],
                12,
                6,
                LIMIT.stroke_width(2),
            ))
            .or_draw()?
            .label(format!("规范最小值 / Code minimum {} m", crate::format::num(lim)))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], LIMIT.stroke_width(2)));
        draw_series_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}

/// Running estimate of P(overtopping) with ± 1.96 SE against members (log).
fn convergence<DB: DrawingBackend>(
    e: &EnsembleSummary,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    let body = title_and_body(root, AssessmentPlot::Convergence.title())?;
    let pts: Vec<(f64, f64, f64)> = e
        .convergence
        .iter()
        .filter(|c| c.members > 0)
        .map(|c| (c.members as f64, c.estimate, 1.959_964 * c.standard_error))
        .collect();
    let m: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = pts.iter().flat_map(|p| [p.1 - p.2, p.1 + p.2]).collect();
    let (m0, m1) = extent([m.as_slice()]).ok_or_else(|| DrawError::NoData("no members".into()))?;
    let (lo, hi) =
        extent([ys.as_slice()]).ok_or_else(|| DrawError::NoData("no estimates".into()))?;
    let (y0, y1) = padded(lo.max(0.0), hi, 0.08);
    let mut chart = ChartBuilder::on(&body)
        .margin(16)
        .margin_right(30)
        .x_label_area_size(56)
        .y_label_area_size(110)
        .build_cartesian_2d((m0..m1.max(m0 * 1.01)).log_scale(), y0.max(0.0)..y1)
        .or_draw()?;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .x_desc("成员数 / Members")
        .y_desc("年漫顶概率 / Annual P(overtopping)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.3}"))
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;
    let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, (p.1 + p.2).min(y1))).collect();
    band.extend(pts.iter().rev().map(|p| (p.0, (p.1 - p.2).max(y0))));
    chart
        .draw_series(std::iter::once(Polygon::new(band, BAND.mix(0.18).filled())))
        .or_draw()?
        .label("± 1.96 标准误 / ± 1.96 standard error")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 24, y + 6)], BAND.mix(0.18).filled()));
    chart
        .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), BAND.stroke_width(3)))
        .or_draw()?
        .label(format!(
            "估计值 / Estimate: final {} ({} members)",
            crate::format::num(e.p_overtopping.estimate),
            e.p_overtopping.members
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BAND.stroke_width(3)));
    draw_series_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

/// The colour of a matrix cell label (`low` … `extreme`).
pub(crate) fn cell_color(cell: &str) -> RGBColor {
    match cell {
        "low" => RGBColor(120, 190, 120),
        "medium" => RGBColor(240, 200, 60),
        "high" => RGBColor(245, 140, 40),
        "extreme" => RGBColor(210, 40, 40),
        _ => RGBColor(170, 170, 170),
    }
}

/// 5 × 5 grid, likelihood up, consequence right. Cells carry l × c in grey; the pond's cell is
/// filled with its matrix-cell colour (the status scheme's word, not re-derived here).
fn risk_matrix<DB: DrawingBackend>(s: &RiskScore, root: &DrawingArea<DB, Shift>) -> DrawResult {
    let body = title_and_body(root, AssessmentPlot::RiskMatrix.title())?;
    let mut chart = ChartBuilder::on(&body)
        .margin(16)
        .margin_right(30)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(0.5..5.5, 0.5..5.5)
        .or_draw()?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("后果 / Consequence (1 低 low … 5 极端 extreme)")
        .y_desc("可能性 / Likelihood (1 罕见 rare … 5 几乎确定)")
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;
    for l in 1..=5u8 {
        for c in 1..=5u8 {
            let (x, y) = (f64::from(c), f64::from(l));
            let shade = 250 - 6 * (u32::from(l) * u32::from(c)).min(25) as u8;
            let fill = RGBColor(shade, shade, shade);
            chart
                .draw_series([
                    Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], fill.filled()),
                    Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], WHITE.stroke_width(2)),
                ])
                .or_draw()?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{}", l * c),
                    (x - 0.4, y + 0.4),
                    font(NOTE_SIZE).color(&RGBColor(110, 110, 110)),
                )))
                .or_draw()?;
        }
    }
    let (x, y) = (f64::from(s.consequence.clamp(1, 5)), f64::from(s.likelihood.clamp(1, 5)));
    let color = cell_color(&s.matrix_cell);
    chart
        .draw_series([
            Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], color.filled()),
            Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], BLACK.stroke_width(4)),
        ])
        .or_draw()?;
    let style = font(AXIS_SIZE).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center));
    chart
        .draw_series([
            Text::new(format!("{:.1}", s.score), (x, y + 0.12), style.clone()),
            Text::new(s.matrix_cell.clone(), (x, y - 0.18), style),
        ])
        .or_draw()?;
    Ok(())
}
