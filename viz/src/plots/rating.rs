//! Plot (d): stage–discharge curves of each structure and of the whole system (stage on y, flow
//! on x, the hydraulic convention), with a marker where a structure changes regime.

use super::*;
use tailtwin_core::{RatingCurve, Regime};

pub(super) fn draw<DB: DrawingBackend>(
    run: &FloodRun,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    root.fill(&WHITE).or_draw()?;
    if run.ratings.iter().all(|c| c.rows.is_empty()) {
        // A pond without discharge structures (or a run given none): say so on the page rather
        // than failing the whole output.
        let (w, h) = root.dim_in_pixel();
        let note = "无泄流能力表 / No rating tables in this run";
        let style =
            font(TITLE_SIZE).into_text_style(root).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text(PlotKind::Rating.title(), &font(TITLE_SIZE).into_text_style(root), (20, 12))
            .or_draw()?;
        return root.draw_text(note, &style, (w as i32 / 2, h as i32 / 2)).or_draw();
    }
    let stages: Vec<f64> =
        run.ratings.iter().flat_map(|c| c.rows.iter().map(|r| r.stage_m)).collect();
    let flows: Vec<f64> =
        run.ratings.iter().flat_map(|c| c.rows.iter().map(|r| r.flow_m3s)).collect();
    let (z_lo, z_hi) = extent([stages.as_slice()]).unwrap_or((0.0, 1.0));
    let (_, q_hi) = extent([flows.as_slice()]).unwrap_or((0.0, 1.0));
    let (y0, y1) = padded(z_lo, z_hi, 0.04);
    let q_top = if q_hi > 0.0 { q_hi * 1.08 } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(PlotKind::Rating.title(), font(TITLE_SIZE))
        .margin(20)
        .margin_right(30)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..q_top, y0..y1)
        .or_draw()?;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .max_light_lines(4)
        .x_desc("流量 / Discharge (m³/s)")
        .y_desc("库水位 / Pond level (m)")
        .y_label_formatter(&|v| format!("{v:.1}"))
        .axis_desc_style(font(AXIS_SIZE))
        .label_style(font(TICK_SIZE))
        .draw()
        .or_draw()?;

    // The combined curve first, so the structures' own curves stay visible on top of it.
    let order = run.ratings.iter().filter(|c| c.structure_id == "combined");
    let order = order.chain(run.ratings.iter().filter(|c| c.structure_id != "combined"));
    let mut k_structure = 0;
    for curve in order {
        let combined = curve.structure_id == "combined";
        let (color, width) = if combined {
            (RGBColor(60, 60, 60), 5)
        } else {
            k_structure += 1;
            (structure_color(k_structure - 1), 2)
        };
        let pts: Vec<(f64, f64)> = curve.rows.iter().map(|r| (r.flow_m3s, r.stage_m)).collect();
        let label = if combined {
            "合计 / Combined".to_string()
        } else {
            format!("{} ({})", curve.structure_id, curve.kind)
        };
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(width)))
            .or_draw()?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(width))
            });
        if !combined {
            for (row, regime) in regime_changes(curve) {
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(row)
                            + Circle::new((0, 0), 5, color.filled())
                            + Circle::new((0, 0), 5, BLACK.stroke_width(1))
                            + Text::new(
                                format!("→ {}", regime.label()),
                                (8, 2),
                                font(NOTE_SIZE).color(&color),
                            ),
                    ))
                    .or_draw()?;
            }
        }
    }
    draw_series_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// Points (flow, stage) where a curve's regime differs from the row below; the first wet row
/// counts as a change from dry.
fn regime_changes(curve: &RatingCurve) -> Vec<((f64, f64), Regime)> {
    curve
        .rows
        .windows(2)
        .filter(|w| w[1].regime != w[0].regime)
        .map(|w| ((w[1].flow_m3s, w[1].stage_m), w[1].regime))
        .collect()
}
