//! Plot (c): freeboard and dry-beach length against time, each with its code limit (from the
//! checks with ids `freeboard` and `beach_length`) and the failing zone shaded.

use super::*;
use tailtwin_core::Check;

pub(super) fn draw<DB: DrawingBackend>(
    run: &FloodRun,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    root.fill(&WHITE).or_draw()?;
    let (title, body) = root.split_vertically(44);
    title
        .draw_text(PlotKind::Safety.title(), &font(TITLE_SIZE).into_text_style(&title), (20, 12))
        .or_draw()?;
    let (upper, lower) = body.split_vertically(body.dim_in_pixel().1 / 2);
    let r = &run.routed;
    let check = |id: &str| run.report.checks.iter().find(|c| c.id == id);
    panel(
        run,
        &upper,
        &r.freeboard_m,
        r.min_freeboard_m,
        check("freeboard"),
        ("安全超高 / Freeboard (m)", "最小安全超高 / Min. freeboard"),
        false,
    )?;
    panel(
        run,
        &lower,
        &r.beach_length_m,
        r.min_beach_length_m,
        check("beach_length"),
        ("干滩长度 / Beach length (m)", "最小干滩长度 / Min. beach length"),
        true,
    )
}

fn panel<DB: DrawingBackend>(
    run: &FloodRun,
    area: &DrawingArea<DB, Shift>,
    values: &[f64],
    minimum: f64,
    check: Option<&Check>,
    (y_desc, limit_name): (&str, &str),
    with_x_axis: bool,
) -> DrawResult {
    let (t0, t1) = time_span_h(run)?;
    let limit = check.and_then(|c| c.limit);
    let extra: Vec<f64> = limit.into_iter().chain([minimum]).collect();
    let (lo, hi) = extent([values, extra.as_slice()])
        .ok_or_else(|| DrawError::NoData(format!("no {y_desc} values")))?;
    let (y0, y1) = padded(lo.min(0.0), hi, 0.08);
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(30)
        .margin_top(10)
        .margin_bottom(if with_x_axis { 10 } else { 0 })
        .x_label_area_size(if with_x_axis { 60 } else { 30 })
        .y_label_area_size(100)
        .build_cartesian_2d(t0..t1, y0..y1)
        .or_draw()?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(GRID)
        .max_light_lines(4)
        .y_desc(y_desc)
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE));
    if with_x_axis {
        mesh.x_desc("时间 / Time (h)");
    }
    mesh.draw().or_draw()?;

    if let (Some(c), Some(lim)) = (check, limit) {
        // Shade the failing side of the limit (below for "≥" limits, above for "≤").
        let below_fails = !c.comparison.contains('≤') && !c.comparison.contains("<=");
        let band = if below_fails { [(t0, y0), (t1, lim)] } else { [(t0, lim), (t1, y1)] };
        chart
            .draw_series(std::iter::once(Rectangle::new(band, LIMIT.mix(0.08).filled())))
            .or_draw()?;
        chart
            .draw_series(DashedLineSeries::new(
                [(t0, lim), (t1, lim)],
                12,
                6,
                LIMIT.stroke_width(2),
            ))
            .or_draw()?
            .label(format!(
                "{limit_name} {} {} {} ({} {}{})",
                c.comparison,
                crate::format::num(lim),
                c.unit,
                c.standard.code(),
                c.clause,
                if c.confidence == tailtwin_core::Confidence::Recalled {
                    ", 待核实 / recalled"
                } else {
                    ""
                }
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], LIMIT.stroke_width(2)));
    }
    let t_h: Vec<f64> = hours_of(&run.routed.time_s).collect();
    chart
        .draw_series(LineSeries::new(
            t_h.iter().copied().zip(values.iter().copied()),
            INFLOW.stroke_width(3),
        ))
        .or_draw()?
        .label(format!("计算值 / Computed, minimum {}", crate::format::num(minimum)))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], INFLOW.stroke_width(3)));
    draw_series_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}
