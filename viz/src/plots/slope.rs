//! The stability plot of one (section, load case): zones, the pond and the phreatic line of the
//! load case, up to [`MAX_NEAR`] near-critical surfaces shaded by factor of safety (colour bar),
//! the critical surface of each method in bold with "Bishop 1.342" labels, and the FoS grid
//! centres coloured by their least FoS.

use super::geotech::*;
use super::*;
use tailtwin_core::{DamSection, GeotechRun, LoadCaseKind, SlipSurface, StabilityResultRow};

/// Near-critical surfaces drawn at most.
pub(super) const MAX_NEAR: usize = 20;
const PHREATIC: RGBColor = RGBColor(31, 90, 200);
const METHOD_COLORS: [RGBColor; 6] = [
    RGBColor(0, 0, 0),
    RGBColor(150, 0, 150),
    RGBColor(139, 69, 19),
    RGBColor(0, 100, 100),
    RGBColor(90, 90, 90),
    RGBColor(180, 0, 60),
];
const COLORBAR_W: u32 = 150;

/// The part of a slip surface inside the section: for a circle, the longest run of its lower
/// arc below the ground; for a polyline, its points.
pub(super) fn surface_points(s: &DamSection, surface: &SlipSurface) -> Vec<(f64, f64)> {
    match surface {
        SlipSurface::Polyline { points } => points.iter().map(|p| (p.x, p.z)).collect(),
        SlipSurface::Circle { xc_m, yc_m, radius_m } => {
            const N: usize = 240;
            let mut best: Vec<(f64, f64)> = Vec::new();
            let mut cur: Vec<(f64, f64)> = Vec::new();
            for k in 0..=N {
                let x = xc_m - radius_m + 2.0 * radius_m * k as f64 / N as f64;
                let dy = (radius_m * radius_m - (x - xc_m).powi(2)).max(0.0).sqrt();
                let y = yc_m - dy;
                match s.surface.z_at(x) {
                    Some(ground) if y <= ground + 1e-9 => cur.push((x, y)),
                    _ => {
                        if cur.len() > best.len() {
                            best = std::mem::take(&mut cur);
                        }
                        cur.clear();
                    }
                }
            }
            if cur.len() > best.len() {
                best = cur;
            }
            best
        }
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    g: &GeotechRun,
    index: usize,
    case: LoadCaseKind,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult {
    let s =
        g.sections.get(index).ok_or_else(|| DrawError::NoData(format!("no section #{index}")))?;
    let runs: Vec<_> = g.stability.iter().filter(|r| r.section == s.name).collect();
    let rows: Vec<&StabilityResultRow> =
        runs.iter().flat_map(|r| &r.rows).filter(|r| r.load_case == case).collect();
    if rows.is_empty() {
        return Err(DrawError::NoData(format!("no {} rows for '{}'", case.label_en(), s.name)));
    }
    let near: Vec<_> = runs
        .iter()
        .flat_map(|r| &r.near_critical)
        .filter(|n| n.load_case == case)
        .take(MAX_NEAR)
        .collect();
    let grid = runs.iter().flat_map(|r| &r.fos_grids).find(|f| f.load_case == case);
    let phreatic =
        runs.iter().flat_map(|r| &r.phreatic_lines).find(|(c, _)| *c == case).map(|(_, l)| l);

    // FoS colour range: the lowest FoS shown to at most 1.6 × that (higher values saturate).
    let mut all: Vec<f64> = rows.iter().filter_map(|r| r.fos).collect();
    all.extend(near.iter().map(|n| n.fos));
    if let Some(gr) = grid {
        all.extend(gr.fos.iter().flatten());
    }
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi_all = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let range = if lo.is_finite() { (lo, hi_all.min(1.6 * lo).max(lo + 0.05)) } else { (1.0, 2.0) };

    // Extent: section, circle centres of the grid and critical surfaces.
    let mut xs: Vec<f64> = s.surface.points().iter().map(|p| p.x).collect();
    let mut zs: Vec<f64> = s.surface.points().iter().chain(s.base.points()).map(|p| p.z).collect();
    if let Some(gr) = grid {
        xs.extend(&gr.xs_m);
        zs.extend(&gr.ys_m);
    }
    for r in &rows {
        if let Some(SlipSurface::Circle { xc_m, yc_m, .. }) = &r.surface {
            xs.push(*xc_m);
            zs.push(*yc_m);
        }
    }
    let (x0, x1) = extent([xs.as_slice()]).ok_or_else(|| DrawError::NoData("no x".into()))?;
    let (z0, z1) = extent([zs.as_slice()]).ok_or_else(|| DrawError::NoData("no z".into()))?;

    let mut required: Vec<String> = Vec::new();
    for r in &rows {
        if let Some(f) = r.required_fos {
            let t = format!(
                "K ≥ {}{}",
                crate::format::num(f),
                r.required_source.as_deref().map_or(String::new(), |s| format!(" ({s})"))
            );
            if !required.contains(&t) {
                required.push(t);
            }
        }
    }
    let title = GeotechPlot::Stability { section: index, load_case: case }.title(g);
    let subtitle = (!required.is_empty())
        .then(|| format!("要求安全系数 / Required factor of safety: {}", required.join(", ")));
    let materials: std::collections::BTreeSet<usize> =
        s.zones.iter().map(|z| z.material.0).collect();
    let n_entries = materials.len()
        + 1
        + usize::from(phreatic.is_some())
        + usize::from(grid.is_some())
        + usize::from(!near.is_empty())
        + rows.len();
    let (area, legend_area) = layout(root, &title, subtitle.as_deref(), n_entries)?;
    // The colour bar only when something is coloured by FoS.
    let (chart_area, bar_area) = if near.is_empty() && grid.is_none() {
        (area, None)
    } else {
        let (c, b) = area.split_horizontally(area.dim_in_pixel().0 - COLORBAR_W);
        (c, Some(b))
    };
    let mut chart = section_chart(&chart_area, (x0 - upstream_water_width(s), x1), (z0, z1))?;
    let mut legend = draw_zones(&mut chart, s, 0.45)?;
    if let Some(level) = rows.iter().find_map(|r| r.pond_level_m)
        && draw_pond(&mut chart, s, level, WATER)?
    {
        legend.push((Swatch::Fill(WATER, 0.35), format!("库水位 / Pond level {level:.2} m")));
    }
    if let Some(l) = phreatic {
        chart.draw_series(LineSeries::new(points_of(l), PHREATIC.stroke_width(3))).or_draw()?;
        legend.push((Swatch::Line(PHREATIC, 3), "浸润线 / Phreatic line".into()));
    }
    if let Some(gr) = grid {
        let nx = gr.xs_m.len();
        chart
            .draw_series(gr.fos.iter().enumerate().filter_map(|(k, f)| {
                let (x, y) = (*gr.xs_m.get(k % nx.max(1))?, *gr.ys_m.get(k / nx.max(1))?);
                Some(Circle::new((x, y), 3, fos_color((*f)?, range).filled()))
            }))
            .or_draw()?;
        legend.push((
            Swatch::Dot(fos_color(range.0, range)),
            format!("滑弧圆心网格最小安全系数 / Centre grid, least FoS ({})", gr.method),
        ));
    }
    // Near-critical surfaces, highest FoS first so the lowest lie on top.
    let mut near_sorted = near.clone();
    near_sorted.sort_by(|a, b| b.fos.total_cmp(&a.fos));
    for n in &near_sorted {
        let pts = surface_points(s, &n.surface);
        chart
            .draw_series(std::iter::once(PathElement::new(
                pts,
                fos_color(n.fos, range).stroke_width(1),
            )))
            .or_draw()?;
    }
    if !near.is_empty() {
        legend.push((
            Swatch::Line(fos_color(range.0, range), 1),
            format!(
                "近临界滑弧 (按安全系数着色) / {} near-critical surfaces, coloured by FoS",
                near.len()
            ),
        ));
    }
    // Critical surfaces, bold, each labelled near its lowest point (labels stacked).
    let labels: Vec<String> = rows
        .iter()
        .map(|r| match r.fos {
            Some(f) => format!("{} {f:.3}", method_label(&r.method)),
            None => format!("{}: 无解 / no FoS", method_label(&r.method)),
        })
        .collect();
    // One side for the whole stack: the widest label decides.
    let text_w = 9 * rows
        .iter()
        .zip(&labels)
        .filter(|(r, _)| r.surface.is_some())
        .map(|(_, l)| l.chars().count())
        .max()
        .unwrap_or(0) as i32;
    for (k, (r, label)) in rows.iter().zip(labels).enumerate() {
        let c = METHOD_COLORS[k % METHOD_COLORS.len()];
        let status = match r.meets_minimum {
            Some(true) => ", 满足要求 / meets the minimum",
            Some(false) => ", 低于要求 / BELOW the minimum",
            None => "",
        };
        legend.push((Swatch::Line(c, 4), format!("临界滑弧 / Critical surface: {label}{status}")));
        let Some(surface) = &r.surface else { continue };
        let pts = surface_points(s, surface);
        let (Some(&first), Some(&last)) = (pts.first(), pts.last()) else { continue };
        // Widths decrease with the method index so coinciding surfaces stay distinguishable.
        let width = 7u32.saturating_sub(2 * k as u32).max(2);
        chart
            .draw_series(std::iter::once(PathElement::new(pts, c.stroke_width(width))))
            .or_draw()?;
        // Labels stack upwards from the toe end (the lower end of the surface), on its outward
        // side (away from the sliding mass, where there is air above the ground).
        let (toe, crest) = if first.1 <= last.1 { (first, last) } else { (last, first) };
        let (px, _) = chart.backend_coord(&toe);
        let (xr, _) = chart.plotting_area().get_pixel_range();
        // Where the outward side is too narrow, the stack is pushed against the plot's edge.
        let (hpos, dx) = if toe.0 >= crest.0 {
            if px + 8 + text_w <= xr.end { (HPos::Left, 8) } else { (HPos::Right, xr.end - 4 - px) }
        } else if px - 8 - text_w >= xr.start {
            (HPos::Right, -8)
        } else {
            (HPos::Left, xr.start + 4 - px)
        };
        let style = font(NOTE_SIZE + 1).color(&c).pos(Pos::new(hpos, VPos::Bottom));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(toe) + Text::new(label, (dx, -6 - 20 * k as i32), style),
            ))
            .or_draw()?;
    }
    if let Some(bar) = bar_area {
        draw_colorbar(&bar, range)?;
    }
    draw_legend(&legend_area, &legend)
}

/// A method name for labels: the stability crate's names as engineers write them
/// (`bishop` → `Bishop`, `morgenstern_price_half_sine` → `M-P half-sine`); other names with
/// the first letter capitalised and `_` as spaces.
fn method_label(m: &str) -> String {
    let known = match m {
        "ordinary" => Some("Ordinary"),
        "bishop" => Some("Bishop"),
        "janbu_simplified" => Some("Janbu"),
        "janbu_corrected" => Some("Janbu corrected"),
        "spencer" => Some("Spencer"),
        "morgenstern_price_constant" => Some("M-P constant"),
        "morgenstern_price_half_sine" => Some("M-P half-sine"),
        _ => None,
    };
    if let Some(k) = known {
        return k.to_owned();
    }
    let t = m.replace('_', " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => t,
    }
}

fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    range: (f64, f64),
) -> DrawResult {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (64i32, h as i32 - 90);
    let (x0, x1) = (20i32, 48i32);
    let steps = 60;
    for k in 0..steps {
        let y_a = bottom - (bottom - top) * k / steps;
        let y_b = bottom - (bottom - top) * (k + 1) / steps;
        let f = range.0 + (range.1 - range.0) * (f64::from(k) + 0.5) / f64::from(steps);
        area.draw(&Rectangle::new([(x0, y_b), (x1, y_a)], fos_color(f, range).filled()))
            .or_draw()?;
    }
    area.draw(&Rectangle::new([(x0, top), (x1, bottom)], BLACK.stroke_width(1))).or_draw()?;
    let style = font(TICK_SIZE).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    for k in 0..=4 {
        let y = bottom - (bottom - top) * k / 4;
        let f = range.0 + (range.1 - range.0) * f64::from(k) / 4.0;
        let text = if k == 4 { format!("≥{f:.2}") } else { format!("{f:.2}") };
        area.draw(&PathElement::new(vec![(x1, y), (x1 + 5, y)], BLACK.stroke_width(1)))
            .or_draw()?;
        area.draw_text(&text, &style, (x1 + 8, y)).or_draw()?;
    }
    let title = font(TICK_SIZE).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Bottom));
    area.draw_text("安全系数 / FoS", &title, (8, top - 18)).or_draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailtwin_core::section::{
        EdgeKind, MaterialId, Point2, Polygon as Poly, Polyline, PondSide, Zone,
    };

    // Goal: a circle is drawn only where its lower arc lies below the ground. Setup: flat ground
    // z = 10 on x ∈ [0, 40], circle centre (10, 15), R = 10. Reference: the arc is below the
    // ground for |x − 10| ≤ √75 (5 m below the centre). Tolerance: one sample step, 2R/240 m.
    #[test]
    fn circle_is_clipped_to_the_part_below_the_ground() {
        let pts = |v: &[(f64, f64)]| v.iter().map(|&(x, z)| Point2::new(x, z)).collect::<Vec<_>>();
        let s = DamSection {
            name: "flat".into(),
            surface: Polyline::x_monotone("surface", pts(&[(0.0, 10.0), (40.0, 10.0)])).unwrap(),
            base: Polyline::x_monotone("base", pts(&[(0.0, 0.0), (40.0, 0.0)])).unwrap(),
            materials: Vec::new(),
            zones: vec![Zone {
                name: "z".into(),
                polygon: Poly::new("z", pts(&[(0.0, 0.0), (40.0, 0.0), (40.0, 10.0), (0.0, 10.0)]))
                    .unwrap(),
                material: MaterialId(0),
            }],
            drains: Vec::new(),
            pipes: Vec::new(),
            pond_side: PondSide { surface_until_x: 0.0, upstream_edge: EdgeKind::NoFlow },
            downstream_edge: EdgeKind::NoFlow,
            stations_x: Vec::new(),
        };
        let arc =
            surface_points(&s, &SlipSurface::Circle { xc_m: 10.0, yc_m: 15.0, radius_m: 10.0 });
        let half = 75f64.sqrt();
        let step = 20.0 / 240.0;
        let (first, last) = (arc[0], arc[arc.len() - 1]);
        assert!((first.0 - (10.0 - half)).abs() <= step, "{first:?}");
        assert!((last.0 - (10.0 + half)).abs() <= step, "{last:?}");
        assert!(arc.iter().all(|&(_, y)| y <= 10.0 + 1e-9));
        assert_eq!(method_label("morgenstern_price_half_sine"), "M-P half-sine");
        assert_eq!(method_label("my_method"), "My method");
    }
}
