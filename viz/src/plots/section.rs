//! The seepage section plot: zones by material, optional mesh, the pond at each level, the
//! phreatic line of every level solved, drains, pipes, seepage face and exit point, burial depths
//! at the stations and the control line.

use super::geotech::*;
use super::*;
use tailtwin_core::{GeotechRun, LevelKind, SeepageRun};

const DRAIN: RGBColor = RGBColor(20, 120, 60);
const FACE: RGBColor = RGBColor(230, 110, 0);
const CONTROL: RGBColor = RGBColor(120, 0, 120);
const PIPE: RGBColor = RGBColor(20, 20, 20);

pub(super) fn draw<DB: DrawingBackend>(
    g: &GeotechRun,
    index: usize,
    options: &GeotechPlotOptions,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    let s =
        g.sections.get(index).ok_or_else(|| DrawError::NoData(format!("no section #{index}")))?;
    let runs: Vec<&SeepageRun> = g.seepage.iter().filter(|r| r.profile.section == s.name).collect();
    if runs.is_empty() {
        return Err(DrawError::NoData(format!("no seepage run for section '{}'", s.name)));
    }
    let control = g.control_lines.iter().find(|(n, _)| *n == s.name).map(|(_, l)| l);

    // Extent: the section, the pond levels and the control line.
    let xs: Vec<f64> = s.surface.points().iter().map(|p| p.x).collect();
    let mut zs: Vec<f64> = s.surface.points().iter().chain(s.base.points()).map(|p| p.z).collect();
    zs.extend(runs.iter().map(|r| r.profile.pond_level_m));
    if let Some(l) = control {
        zs.extend(l.iter().map(|p| p[1]));
    }
    let (x0, x1) =
        extent([xs.as_slice()]).ok_or_else(|| DrawError::NoData("empty surface".into()))?;
    let (z0, z1) =
        extent([zs.as_slice()]).ok_or_else(|| DrawError::NoData("no elevations".into()))?;

    let materials = s.zones.iter().map(|z| z.material.0).collect::<std::collections::BTreeSet<_>>();
    let rows = materials.len()
        + 2 * runs.len()
        + usize::from(!s.drains.is_empty())
        + usize::from(!s.pipes.is_empty())
        + 2
        + usize::from(control.is_some())
        + usize::from(options.draw_mesh);
    let title = GeotechPlot::Seepage { section: index }.title(g);
    let (area, legend_area) = layout(root, &title, None, rows)?;
    let mut chart = section_chart(&area, (x0 - upstream_water_width(s), x1), (z0, z1))?;
    let mut legend = draw_zones(&mut chart, s, 0.55)?;

    if options.draw_mesh
        && let Some(run) = runs.iter().find(|r| !r.fields.triangles.is_empty())
    {
        let n = &run.fields.nodes;
        let style = RGBColor(60, 60, 60).mix(0.25).stroke_width(1);
        chart
            .draw_series(run.fields.triangles.iter().filter_map(|t| {
                // A triangle naming a missing node is skipped rather than drawn wrong.
                let p = |k: u32| n.get(k as usize).map(|q| (q[0], q[1]));
                Some(PathElement::new(vec![p(t[0])?, p(t[1])?, p(t[2])?, p(t[0])?], style))
            }))
            .or_draw()?;
        legend.push((
            Swatch::Line(RGBColor(150, 150, 150), 1),
            format!(
                "有限元网格 / Mesh ({} nodes, {} elements)",
                run.profile.nodes, run.profile.elements
            ),
        ));
    }

    // Pond bodies, highest first so the lower water lines stay visible.
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| runs[b].profile.pond_level_m.total_cmp(&runs[a].profile.pond_level_m));
    let colors: Vec<RGBColor> = {
        let mut given = 0;
        runs.iter()
            .map(|r| {
                let c = level_color(r.profile.level, given);
                if r.profile.level == LevelKind::Given {
                    given += 1;
                }
                c
            })
            .collect()
    };
    for &k in &order {
        let p = &runs[k].profile;
        if draw_pond(&mut chart, s, p.pond_level_m, colors[k])? {
            legend.push((
                Swatch::Fill(WATER, 0.35),
                format!(
                    "库水 {} {:.2} m / Pond, {}",
                    p.level.label_zh(),
                    p.pond_level_m,
                    p.level.label_en()
                ),
            ));
        }
    }

    for d in &s.drains {
        let ring: Vec<(f64, f64)> = d.polygon.vertices().iter().map(|p| (p.x, p.z)).collect();
        chart
            .draw_series(std::iter::once(Polygon::new(ring.clone(), DRAIN.mix(0.3).filled())))
            .or_draw()?;
        let mut closed = ring;
        closed.push(closed[0]);
        chart
            .draw_series(std::iter::once(PathElement::new(closed, DRAIN.stroke_width(3))))
            .or_draw()?;
    }
    if !s.drains.is_empty() {
        let names: Vec<&str> = s.drains.iter().map(|d| d.name.as_str()).collect();
        legend.push((Swatch::Fill(DRAIN, 0.3), format!("排渗体 / Drain: {}", names.join(", "))));
    }
    for p in &s.pipes {
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((p.at.x, p.at.z))
                    + TriangleMarker::new((0, 0), 7, PIPE.filled())
                    + Text::new(p.name.clone(), (8, 4), font(NOTE_SIZE - 2).color(&PIPE)),
            ))
            .or_draw()?;
    }
    if !s.pipes.is_empty() {
        legend.push((Swatch::Triangle(PIPE), "排渗管 / Drainage pipe".into()));
    }
    if let Some(l) = control {
        chart
            .draw_series(DashedLineSeries::new(points_of(l), 10, 6, CONTROL.stroke_width(2)))
            .or_draw()?;
        legend.push((Swatch::Dashed(CONTROL, 2), "浸润线控制线 / Phreatic control line".into()));
    }

    // Phreatic lines, highest level first so the lower ones lie on top; then the seepage faces
    // and exit points over them. Exit labels go left of the point in the right quarter.
    for &k in &order {
        let p = &runs[k].profile;
        chart
            .draw_series(LineSeries::new(points_of(&p.phreatic_line), colors[k].stroke_width(3)))
            .or_draw()?;
    }
    for (k, run) in runs.iter().enumerate() {
        let p = &run.profile;
        legend.push((
            Swatch::Line(colors[k], 3),
            format!(
                "浸润线 {} {:.2} m / Phreatic line, {} (q = {} m²/s per m)",
                p.level.label_zh(),
                p.pond_level_m,
                p.level.label_en(),
                crate::format::num(p.discharge_m2s)
            ),
        ));
    }
    let mut any_face = false;
    for (k, run) in runs.iter().enumerate() {
        let p = &run.profile;
        if p.seepage_face.len() >= 2 && p.seepage_face_length_m > 0.0 {
            any_face = true;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    points_of(&p.seepage_face),
                    FACE.stroke_width(6),
                )))
                .or_draw()?;
        }
        if let (Some(x), Some(z)) = (p.exit_x_m, p.exit_elevation_m) {
            let right = x > x0 + 0.75 * (x1 - x0);
            let (hpos, dx) = if right { (HPos::Right, -10) } else { (HPos::Left, 10) };
            let style = font(NOTE_SIZE).color(&colors[k]).pos(Pos::new(hpos, VPos::Bottom));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x, z))
                        + Circle::new((0, 0), 6, colors[k].filled())
                        + Text::new(
                            format!("逸出点 {} / exit {z:.2} m", p.level.label_zh()),
                            (dx, -8 - 20 * k as i32),
                            style,
                        ),
                ))
                .or_draw()?;
        }
    }
    if any_face {
        legend.push((Swatch::Line(FACE, 6), "渗出面 / Seepage face".into()));
    }

    // Burial depths of the lowest level solved (normal first): a vertical bar from the surface
    // down to the phreatic line, with the depth written above the surface.
    let main = runs
        .iter()
        .position(|r| r.profile.level == LevelKind::Normal)
        .unwrap_or(order[order.len() - 1]);
    let bcolor = colors[main];
    for b in &runs[main].profile.burial {
        let bottom = b.phreatic_m.unwrap_or(b.surface_m - b.depth_m);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(b.x_m, b.surface_m), (b.x_m, bottom)],
                bcolor.mix(0.8).stroke_width(2),
            )))
            .or_draw()?;
        let text = if b.phreatic_m.is_some() {
            format!("{:.2} m", b.depth_m)
        } else {
            format!("≥ {:.2} m", b.depth_m)
        };
        let style = font(NOTE_SIZE).color(&bcolor).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((b.x_m, b.surface_m)) + Text::new(text, (0, -6), style),
            ))
            .or_draw()?;
    }
    if !runs[main].profile.burial.is_empty() {
        let p = &runs[main].profile;
        legend.push((
            Swatch::Line(bcolor, 2),
            format!(
                "浸润线埋深 ({}) / Burial depth at stations, {}",
                p.level.label_zh(),
                p.level.label_en()
            ),
        ));
    }
    draw_legend(&legend_area, &legend)
}
