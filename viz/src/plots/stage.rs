//! Plot (b): pond level against time with the reference levels (crest, beach crest, normal
//! level, …) as labelled horizontal lines.

use super::*;

pub(super) fn draw<DB: DrawingBackend>(
    run: &FloodRun,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    root.fill(&WHITE).or_draw()?;
    let (t0, t1) = time_span_h(run)?;
    let r = &run.routed;
    let levels: Vec<f64> = run.levels.iter().map(|l| l.elevation_m).collect();
    let (lo, hi) = extent([r.stage_m.as_slice(), levels.as_slice(), &[r.peak_stage_m]])
        .ok_or_else(|| DrawError::NoData("no stage values".into()))?;
    let (y0, y1) = padded(lo, hi, 0.08);
    let mut chart = stage_time_chart(root, PlotKind::Stage.title(), t0..t1, y0..y1)?;

    // Reference lines, labelled above the line at the right end; a label that would collide with
    // the previous one (sorted by elevation) moves to the left end.
    let plot_h = chart.plotting_area().dim_in_pixel().1 as f64;
    let px_per_m = plot_h / (y1 - y0);
    let mut sorted: Vec<_> = run.levels.iter().collect();
    sorted.sort_by(|a, b| a.elevation_m.total_cmp(&b.elevation_m));
    let mut last_right: Option<f64> = None;
    for (k, l) in sorted.iter().enumerate() {
        let c = level_color(&l.id, k);
        let z = l.elevation_m;
        chart
            .draw_series(DashedLineSeries::new([(t0, z), (t1, z)], 12, 6, c.stroke_width(2)))
            .or_draw()?;
        let text = format!("{} / {} {:.2} m", l.label_zh, l.label_en, z);
        let right =
            last_right.is_none_or(|prev| (z - prev) * px_per_m > f64::from(NOTE_SIZE) + 6.0);
        let (x, h) = if right { (t1, HPos::Right) } else { (t0, HPos::Left) };
        if right {
            last_right = Some(z);
        }
        let style = font(NOTE_SIZE).color(&c).pos(Pos::new(h, VPos::Bottom));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x, z)) + Text::new(text, (if right { -6 } else { 6 }, -4), style),
            ))
            .or_draw()?;
    }

    let t_h: Vec<f64> = hours_of(&r.time_s).collect();
    chart
        .draw_series(LineSeries::new(
            t_h.iter().copied().zip(r.stage_m.iter().copied()),
            INFLOW.stroke_width(3),
        ))
        .or_draw()?;
    let p = (r.time_of_peak_stage_s / 3600.0, r.peak_stage_m);
    draw_marker(
        &mut chart,
        p,
        OUTFLOW,
        format!("最高水位 / Peak {:.2} m @ {:.2} h", r.peak_stage_m, p.0),
    )?;
    Ok(())
}

fn level_color(id: &str, k: usize) -> RGBColor {
    match id {
        "crest" => RGBColor(120, 60, 20),
        "beach_crest" => RGBColor(190, 120, 30),
        "normal_level" => RGBColor(30, 120, 60),
        "max_allowed_level" | "design_flood_level" => LIMIT,
        _ => structure_color(k + 2),
    }
}
