//! Plot (a): inflow, total outflow, each structure and overtopping against time, with the rain
//! hyetograph hanging from the top of a panel above (the HEC-HMS layout).

use super::*;

pub(super) fn draw<DB: DrawingBackend>(
    run: &FloodRun,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    root.fill(&WHITE).or_draw()?;
    let (t0, t1) = time_span_h(run)?;
    let r = &run.routed;
    let title_h = 44;
    let (title, body) = root.split_vertically(title_h);
    title
        .draw_text(
            PlotKind::Hydrographs.title(),
            &font(TITLE_SIZE).into_text_style(&title),
            (20, 12),
        )
        .or_draw()?;

    let rain = run.hyetograph.as_ref().filter(|h| !h.depth_mm().is_empty());
    let (top, bottom) = match rain {
        Some(_) => {
            let (a, b) = body.split_vertically((body.dim_in_pixel().1 as f64 * 0.27) as u32);
            (Some(a), b)
        }
        None => (None, body),
    };
    const Y_LABEL_AREA: u32 = 90;

    if let (Some(area), Some(h)) = (top, rain) {
        let max_depth = h.depth_mm().iter().copied().fold(0.0, f64::max).max(0.1);
        let minutes = h.interval_s() / 60.0;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(10)
            .margin_right(30)
            .margin_top(6)
            .x_label_area_size(0)
            .y_label_area_size(Y_LABEL_AREA)
            // Reversed y range: rain hangs from the top axis.
            .build_cartesian_2d(t0..t1, (max_depth * 1.15)..0.0)
            .or_draw()?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(GRID)
            .max_light_lines(4)
            .y_desc(format!("降雨 / Rain (mm per {minutes:.0} min)"))
            .axis_desc_style(font(AXIS_SIZE))
            .label_style(font(TICK_SIZE))
            .y_labels(4)
            .draw()
            .or_draw()?;
        let start_h = h.start_s() / 3600.0;
        let dt_h = h.interval_s() / 3600.0;
        chart
            .draw_series(h.depth_mm().iter().enumerate().filter(|(_, d)| **d > 0.0).map(
                |(k, d)| {
                    let a = start_h + k as f64 * dt_h;
                    Rectangle::new([(a, 0.0), (a + dt_h, *d)], RAIN.mix(0.75).filled())
                },
            ))
            .or_draw()?
            .label(format!("降雨 / Rain, total {:.1} mm", h.total_mm()))
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 6), (x + 20, y + 6)], RAIN.mix(0.75).filled())
            });
        draw_series_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    }

    let flows: Vec<&[f64]> = std::iter::once(r.inflow_m3s.as_slice())
        .chain([
            r.outflow_m3s.as_slice(),
            r.overtopping_m3s.as_slice(),
            r.rain_on_pond_m3s.as_slice(),
        ])
        .chain(r.structures.iter().map(|s| s.flow_m3s.as_slice()))
        .chain([run.inflow.flow_m3s()])
        .collect();
    let (_, q_max) = extent(flows).unwrap_or((0.0, 1.0));
    let q_top = if q_max > 0.0 { q_max * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(&bottom)
        .margin_left(10)
        .margin_right(30)
        .margin_top(10)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(t0..t1, 0.0..q_top)
        .or_draw()?;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .max_light_lines(4)
        .x_desc("时间 / Time (h)")
        .y_desc("流量 / Discharge (m³/s)")
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;

    let t_h: Vec<f64> = hours_of(&r.time_s).collect();
    let line = |v: &[f64]| t_h.iter().copied().zip(v.iter().copied()).collect::<Vec<_>>();
    // Catchment inflow from the hydrograph itself (its own time points, so the peak is exact).
    let inflow: Vec<(f64, f64)> =
        hours_of(run.inflow.time_s()).zip(run.inflow.flow_m3s().iter().copied()).collect();
    chart
        .draw_series(LineSeries::new(inflow, INFLOW.stroke_width(3)))
        .or_draw()?
        .label("入库流量 / Inflow")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], INFLOW.stroke_width(3)));
    if r.rain_on_pond_m3s.iter().any(|q| *q > 0.0) {
        let c = RAIN;
        chart
            .draw_series(DashedLineSeries::new(line(&r.rain_on_pond_m3s), 4, 4, c.stroke_width(2)))
            .or_draw()?
            .label("库面降雨 / Rain on pond")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(2)));
    }
    chart
        .draw_series(LineSeries::new(line(&r.outflow_m3s), OUTFLOW.stroke_width(3)))
        .or_draw()?
        .label("总下泄流量 / Total outflow")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], OUTFLOW.stroke_width(3)));
    for (k, s) in r.structures.iter().enumerate() {
        let c = structure_color(k);
        chart
            .draw_series(DashedLineSeries::new(line(&s.flow_m3s), 10, 5, c.stroke_width(2)))
            .or_draw()?
            .label(format!("{} ({})", s.structure_id, s.kind))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(2)));
    }
    if r.overtopping_m3s.iter().any(|q| *q > 0.0) {
        chart
            .draw_series(LineSeries::new(line(&r.overtopping_m3s), OVERTOP.stroke_width(3)))
            .or_draw()?
            .label("漫顶流量 / Overtopping")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], OVERTOP.stroke_width(3)));
    }
    // Peak markers with their values (from the router's extremes, not the sampled series).
    let peaks = [
        (r.time_of_peak_inflow_s, r.peak_inflow_m3s, INFLOW, "Qin,max"),
        (r.time_of_peak_outflow_s, r.peak_outflow_m3s, OUTFLOW, "Qout,max"),
    ];
    for (t, q, c, name) in peaks {
        let p = (t / 3600.0, q);
        draw_marker(&mut chart, p, c, format!("{name} = {q:.1} m³/s @ {:.2} h", t / 3600.0))?;
    }
    draw_series_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}
