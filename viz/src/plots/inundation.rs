//! The dam-break map: hillshaded terrain, max depth in blues where the flood reached the
//! arrival depth, arrival-time isochrones (marching squares) and the observation points with
//! their arrival time and max depth. PNG only (a vector map of every cell would be megabytes).

use super::{DrawError, DrawResult, NOTE_SIZE, OrDraw, TICK_SIZE, TITLE_SIZE, font};
use crate::error::VizError;
use crate::font::ensure_cjk_font;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use tailtwin_core::InundationMap;
use tailtwin_results::write_atomically;

/// File stem of the map (`plots/inundation_map.png`).
pub const MAP_STEM: &str = "inundation_map";

const ISOCHRONE: RGBColor = RGBColor(190, 30, 45);
const POINT: RGBColor = RGBColor(20, 20, 20);
const BREACH: RGBColor = RGBColor(230, 120, 0);
/// Depth colour ramp ends (ColorBrewer Blues 2 and 8), log scale from the arrival depth to 5 m.
const SHALLOW: (f64, f64, f64) = (198.0, 219.0, 239.0);
const DEEP: (f64, f64, f64) = (8.0, 48.0, 107.0);
const DEEP_M: f64 = 5.0;
/// Strip under the chart for the depth colour bar and the legend line, px.
const LEGEND_PX: u32 = 78;
/// Colour-bar ticks, m (log axis from the arrival depth to [`DEEP_M`]).
const BAR_TICKS_M: [f64; 8] = [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0];
/// Colour-bar length and height, px.
const BAR_W: i32 = 420;
const BAR_H: i32 = 16;

/// Draws the map of `map` into `dir/inundation_map.png` (dir created if missing).
pub fn render_inundation_map(dir: &Path, map: &InundationMap) -> Result<Vec<PathBuf>, VizError> {
    map.validate().map_err(|reason| VizError::NoData { plot: MAP_STEM.into(), reason })?;
    ensure_cjk_font()?;
    std::fs::create_dir_all(dir).map_err(|source| VizError::Io {
        path: dir.to_path_buf(),
        action: "create the plots folder",
        source,
    })?;
    let g = &map.grid;
    // Plot area in pixels at the map's aspect ratio, within 1500 × 900.
    let (w, h) = (g.x_max() - g.x_min, g.y_max() - g.y_min);
    let scale = (1400.0 / w).min(760.0 / h);
    let size = ((w * scale) as u32 + 120, (h * scale) as u32 + 150 + LEGEND_PX);
    let png = dir.join(format!("{MAP_STEM}.png"));
    write_atomically(&png, |tmp| {
        let root = BitMapBackend::new(tmp, size).into_drawing_area();
        draw(map, &root).map_err(|e| match e {
            DrawError::NoData(reason) => VizError::NoData { plot: MAP_STEM.into(), reason },
            DrawError::Backend(cause) => VizError::Plot { plot: MAP_STEM.into(), cause },
        })?;
        root.present().map_err(|e| VizError::Plot { plot: MAP_STEM.into(), cause: e.to_string() })
    })?;
    Ok(vec![png])
}

fn draw<DB: DrawingBackend>(map: &InundationMap, root: &DrawingArea<DB, Shift>) -> DrawResult {
    let g = &map.grid;
    root.fill(&WHITE).or_draw()?;
    let full = root;
    let (root, strip) = root.split_vertically(full.dim_in_pixel().1 - LEGEND_PX);
    let root = &root;
    let step = isochrone_step_s(&map.arrival_time_s);
    let title = format!(
        "溃坝淹没图 / Dam-break inundation: 最大水深 max depth ≥ {} m, 到达时间等值线 arrival \
         every {:.0} min",
        map.arrival_depth_m,
        step / 60.0
    );
    let mut chart = ChartBuilder::on(root)
        .caption(title, font(TITLE_SIZE - 6))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(g.x_min..g.x_max(), g.y_min..g.y_max())
        .or_draw()?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("x (m)")
        .y_desc("y (m)")
        .label_style(font(TICK_SIZE))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .or_draw()?;
    let shade = hillshade(map);
    let mut cells = Vec::with_capacity(g.cells());
    for j in 0..g.ny {
        for i in 0..g.nx {
            let k = j * g.nx + i;
            if !map.bed_m[k].is_finite() {
                continue;
            }
            let grey = 90.0 + 165.0 * shade[k];
            let d = map.max_depth_m[k];
            let color = if d.is_finite() && d >= map.arrival_depth_m {
                depth_colour(depth_fraction(d, map.arrival_depth_m), grey)
            } else {
                RGBColor(grey as u8, grey as u8, grey as u8)
            };
            let x0 = g.x_min + i as f64 * g.dx;
            let y0 = g.y_min + j as f64 * g.dy;
            cells.push(Rectangle::new([(x0, y0), (x0 + g.dx, y0 + g.dy)], color.filled()));
        }
    }
    chart.draw_series(cells).or_draw()?;
    let mut level = step;
    let last = map.arrival_time_s.iter().copied().filter(|t| t.is_finite()).fold(0.0, f64::max);
    while level <= last && step > 0.0 {
        let segments = isolines(map, level);
        chart
            .draw_series(segments.into_iter().map(|s| {
                PathElement::new(vec![s[0], s[1]], ShapeStyle::from(&ISOCHRONE).stroke_width(2))
            }))
            .or_draw()?;
        level += step;
    }
    let [a, b] = map.breach_line;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(a[0], a[1]), (b[0], b[1])],
            ShapeStyle::from(&BREACH).stroke_width(6),
        )))
        .or_draw()?;
    // Labels: each point's first free spot among eight around it (pixel boxes of the labels
    // already placed and of every marker are avoided), so close points (village, school) do not
    // overlap.
    let markers: Vec<(i32, i32)> =
        map.points.iter().map(|p| chart.backend_coord(&(p.x, p.y))).collect();
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let mut placed: Vec<[i32; 4]> =
        markers.iter().map(|&(x, y)| [x - 8, y - 8, x + 8, y + 8]).collect();
    for (k, p) in map.points.iter().enumerate() {
        let arrival = p
            .arrival_time_s
            .map_or("未到达 not reached".to_owned(), |t| format!("{:.0} min", t / 60.0));
        let pop = p.population.map_or(String::new(), |n| format!(", {n} 人"));
        let note = format!("{}: {arrival}, {:.1} m{pop}", p.name, p.max_depth_m);
        let style = font(NOTE_SIZE).color(&POINT);
        let (tw, th) = root.estimate_text_size(&note, &style).or_draw()?;
        let (tw, th) = (tw as i32, th as i32);
        let (mx, my) = markers[k];
        let spot = label_spot(
            (mx, my),
            (tw, th),
            &placed,
            [plot_x.start, plot_y.start, plot_x.end, plot_y.end],
        );
        placed.push(spot);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((p.x, p.y))
                    + Circle::new((0, 0), 6, POINT.filled())
                    + Circle::new((0, 0), 6, ShapeStyle::from(&WHITE).stroke_width(2)),
            ))
            .or_draw()?;
        // White halo box under the text so it reads over blue and isochrones.
        root.draw(&Rectangle::new(
            [(spot[0] - 2, spot[1] - 1), (spot[2] + 2, spot[3] + 1)],
            RGBAColor(255, 255, 255, 0.75).filled(),
        ))
        .or_draw()?;
        let text_style = style.pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(note, (spot[0], spot[1]), text_style)).or_draw()?;
    }
    draw_depth_bar(&strip, map.arrival_depth_m)?;
    let legend = format!(
        "红线：到达时间等值线 / red: arrival isochrones; 橙线：溃口 / orange: breach; 模拟 / \
         simulated {:.1} h",
        map.duration_s / 3600.0
    );
    strip.draw(&Text::new(legend, (BAR_W + 30, 34), font(NOTE_SIZE))).or_draw()?;
    Ok(())
}

/// Position of a depth on the log colour ramp: 0 at the arrival depth, 1 at [`DEEP_M`].
fn depth_fraction(d: f64, arrival_depth_m: f64) -> f64 {
    ((d / arrival_depth_m).ln() / (DEEP_M / arrival_depth_m).ln()).clamp(0.0, 1.0)
}

/// The map's water colour at ramp position `f` over relief grey `grey` (80 % water).
fn depth_colour(f: f64, grey: f64) -> RGBColor {
    let blue = (
        SHALLOW.0 + f * (DEEP.0 - SHALLOW.0),
        SHALLOW.1 + f * (DEEP.1 - SHALLOW.1),
        SHALLOW.2 + f * (DEEP.2 - SHALLOW.2),
    );
    let c = (0.8 * blue.0 + 0.2 * grey, 0.8 * blue.1 + 0.2 * grey, 0.8 * blue.2 + 0.2 * grey);
    RGBColor(c.0 as u8, c.1 as u8, c.2 as u8)
}

/// The max-depth colour bar (log scale as drawn) in the strip under the chart, over the grey of
/// flat terrain.
fn draw_depth_bar<DB: DrawingBackend>(strip: &DrawingArea<DB, Shift>, arrival: f64) -> DrawResult {
    let (x0, y0) = (20, 8);
    let flat_grey = 90.0 + 165.0 * std::f64::consts::FRAC_1_SQRT_2;
    for px in 0..BAR_W {
        let f = f64::from(px) / f64::from(BAR_W - 1);
        strip
            .draw(&Rectangle::new(
                [(x0 + px, y0), (x0 + px + 1, y0 + BAR_H)],
                depth_colour(f, flat_grey).filled(),
            ))
            .or_draw()?;
    }
    strip
        .draw(&Rectangle::new([(x0, y0), (x0 + BAR_W, y0 + BAR_H)], BLACK.stroke_width(1)))
        .or_draw()?;
    let span = (DEEP_M / arrival).ln();
    for t in BAR_TICKS_M.into_iter().filter(|&t| t >= arrival * (1.0 - 1e-9) && t <= DEEP_M) {
        let x = x0 + ((t / arrival).ln() / span * f64::from(BAR_W - 1)).round() as i32;
        strip
            .draw(&PathElement::new(
                vec![(x, y0 + BAR_H), (x, y0 + BAR_H + 5)],
                BLACK.stroke_width(1),
            ))
            .or_draw()?;
        let label = if t < 1.0 { format!("{t}") } else { format!("{t:.0}") };
        let label = if t == DEEP_M { format!("≥{label}") } else { label };
        let style = font(NOTE_SIZE).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top));
        strip.draw(&Text::new(label, (x, y0 + BAR_H + 6), style)).or_draw()?;
    }
    strip
        .draw(&Text::new(
            "最大水深 max depth (m, 对数 log)",
            (x0 + BAR_W + 10, y0),
            font(NOTE_SIZE),
        ))
        .or_draw()?;
    Ok(())
}

/// Top-left/bottom-right pixel box of a label of size `(w, h)` near a marker at `m`: the first
/// of eight candidate spots (right, left, above, below and the diagonals) inside `bounds` that
/// overlaps none of `taken`; the first candidate inside the plot when all collide.
fn label_spot(m: (i32, i32), (w, h): (i32, i32), taken: &[[i32; 4]], bounds: [i32; 4]) -> [i32; 4] {
    let (mx, my) = m;
    let candidates = [
        (mx + 10, my - h - 4),
        (mx + 10, my + 4),
        (mx - 10 - w, my - h - 4),
        (mx - 10 - w, my + 4),
        (mx + 10, my - h / 2),
        (mx - 10 - w, my - h / 2),
        (mx - w / 2, my - h - 14),
        (mx - w / 2, my + 14),
    ];
    let boxes = candidates.map(|(x, y)| [x, y, x + w, y + h]);
    let inside = |b: &[i32; 4]| {
        b[0] >= bounds[0] && b[1] >= bounds[1] && b[2] <= bounds[2] && b[3] <= bounds[3]
    };
    let overlaps =
        |b: &[i32; 4], t: &[i32; 4]| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3];
    boxes
        .iter()
        .find(|b| inside(b) && !taken.iter().any(|t| overlaps(b, t)))
        .or_else(|| boxes.iter().find(|b| inside(b)))
        .copied()
        .unwrap_or(boxes[0])
}

/// Lambert shade in [0, 1] of the bed under a light from the north-west, 45° up.
fn hillshade(map: &InundationMap) -> Vec<f64> {
    let g = &map.grid;
    let z = |i: usize, j: usize, k: usize| {
        let v = map.bed_m[j * g.nx + i];
        if v.is_finite() { v } else { map.bed_m[k] }
    };
    let l = {
        let v = (-1.0f64, 1.0f64, std::f64::consts::SQRT_2);
        let n = (v.0 * v.0 + v.1 * v.1 + v.2 * v.2).sqrt();
        (v.0 / n, v.1 / n, v.2 / n)
    };
    let mut out = vec![0.5; g.cells()];
    for j in 0..g.ny {
        for i in 0..g.nx {
            let k = j * g.nx + i;
            if !map.bed_m[k].is_finite() {
                continue;
            }
            let (il, ir) = (i.saturating_sub(1), (i + 1).min(g.nx - 1));
            let (jd, ju) = (j.saturating_sub(1), (j + 1).min(g.ny - 1));
            let dzdx = (z(ir, j, k) - z(il, j, k)) / ((ir - il).max(1) as f64 * g.dx);
            let dzdy = (z(i, ju, k) - z(i, jd, k)) / ((ju - jd).max(1) as f64 * g.dy);
            let n = (dzdx * dzdx + dzdy * dzdy + 1.0).sqrt();
            out[k] = ((-dzdx * l.0 - dzdy * l.1 + l.2) / n).clamp(0.0, 1.0);
        }
    }
    out
}

/// A round isochrone spacing giving at most 8 lines over the latest arrival, s.
fn isochrone_step_s(arrival: &[f64]) -> f64 {
    let last = arrival.iter().copied().filter(|t| t.is_finite()).fold(0.0, f64::max);
    [60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 21600.0]
        .into_iter()
        .find(|s| last / s <= 8.0)
        .unwrap_or(43200.0)
}

/// Marching-squares segments of the arrival-time level `level` between cell centres (squares
/// with a cell never reached are skipped).
fn isolines(map: &InundationMap, level: f64) -> Vec<[(f64, f64); 2]> {
    let g = &map.grid;
    let t = &map.arrival_time_s;
    let centre =
        |i: usize, j: usize| (g.x_min + (i as f64 + 0.5) * g.dx, g.y_min + (j as f64 + 0.5) * g.dy);
    let mut out = Vec::new();
    for j in 0..g.ny.saturating_sub(1) {
        for i in 0..g.nx.saturating_sub(1) {
            // Corners counter-clockwise from the south-west.
            let c = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v: Vec<f64> = c.iter().map(|&(a, b)| t[b * g.nx + a]).collect();
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let mut pts = Vec::new();
            for e in 0..4 {
                let (p, q) = (e, (e + 1) % 4);
                if (v[p] < level) != (v[q] < level) {
                    let f = (level - v[p]) / (v[q] - v[p]);
                    let (a, b) = (centre(c[p].0, c[p].1), centre(c[q].0, c[q].1));
                    pts.push((a.0 + f * (b.0 - a.0), a.1 + f * (b.1 - a.1)));
                }
            }
            if pts.len() == 2 {
                out.push([pts[0], pts[1]]);
            } else if pts.len() == 4 {
                out.push([pts[0], pts[1]]);
                out.push([pts[2], pts[3]]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailtwin_core::InundationGrid;

    fn map_with(arrival: impl Fn(f64, f64) -> f64, bed: impl Fn(f64, f64) -> f64) -> InundationMap {
        let grid =
            InundationGrid { nx: 6, ny: 4, dx: 10.0, dy: 10.0, x_min: 0.0, y_min: 0.0, epsg: None };
        let centres: Vec<(f64, f64)> = (0..4)
            .flat_map(|j| (0..6).map(move |i| (5.0 + 10.0 * i as f64, 5.0 + 10.0 * j as f64)))
            .collect();
        let n = grid.cells();
        InundationMap {
            grid,
            bed_m: centres.iter().map(|&(x, y)| bed(x, y)).collect(),
            max_depth_m: vec![1.0; n],
            max_speed_ms: vec![1.0; n],
            max_unit_discharge_m2s: vec![1.0; n],
            arrival_time_s: centres.iter().map(|&(x, y)| arrival(x, y)).collect(),
            hazard_class: vec![2.0; n],
            time_of_max_depth_s: vec![300.0; n],
            inundation_duration_s: vec![200.0; n],
            arrival_depth_m: 0.1,
            duration_s: 600.0,
            breach_line: [[0.0, 0.0], [0.0, 40.0]],
            points: Vec::new(),
        }
    }

    // Goal: an isochrone of a field linear in x is the vertical line x = level, split into one
    // segment per square row it crosses; squares with a never-reached corner give none.
    // Reference: t = x (s) between centres 5…55 m, level 22 s. Tolerance 1e-12 (interpolation
    // of a linear field is exact up to round-off).
    #[test]
    fn isochrone_of_a_linear_field_is_a_straight_line() {
        let m = map_with(|x, _| x, |_, _| 100.0);
        let seg = isolines(&m, 22.0);
        assert_eq!(seg.len(), 3, "one segment per row of squares");
        for s in &seg {
            assert!((s[0].0 - 22.0).abs() < 1e-12 && (s[1].0 - 22.0).abs() < 1e-12, "{s:?}");
        }
        let holed = map_with(|x, y| if x > 20.0 && y < 10.0 { f64::NAN } else { x }, |_, _| 0.0);
        assert_eq!(isolines(&holed, 22.0).len(), 2, "the square with a NaN corner is skipped");
        assert_eq!(isochrone_step_s(&[100.0, 3000.0, f64::NAN]), 600.0);
    }

    // Goal: two labels of close points (village and school, 100 m apart) never overlap, and a
    // label near the east edge turns left. Setup: markers 12 px apart, labels 200 × 18 px.
    // Reference: box intersection. Tolerance: exact (integer pixels).
    #[test]
    fn labels_of_close_points_do_not_overlap() {
        let bounds = [0, 0, 1000, 400];
        let markers = [[492, 192, 508, 208], [504, 180, 520, 196]];
        let a = label_spot((500, 200), (200, 18), &markers, bounds);
        let mut taken = markers.to_vec();
        taken.push(a);
        let b = label_spot((512, 188), (200, 18), &taken, bounds);
        let overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        assert!(!overlap, "{a:?} {b:?}");
        let east = label_spot((990, 200), (200, 18), &[], bounds);
        assert!(east[2] <= 1000 && east[0] < 990, "{east:?}");
    }

    // Goal: the colour bar's log position is 0 at the arrival depth, 1 at 5 m, ½ at their
    // geometric mean. Tolerance 1e-12.
    #[test]
    fn depth_ramp_is_logarithmic_from_arrival_depth_to_five_metres() {
        assert!(depth_fraction(0.1, 0.1).abs() < 1e-12);
        assert!((depth_fraction(5.0, 0.1) - 1.0).abs() < 1e-12);
        assert!((depth_fraction((0.5f64).sqrt(), 0.1) - 0.5).abs() < 1e-12);
        assert_eq!(depth_fraction(50.0, 0.1), 1.0);
    }

    // Goal: a flat bed is shaded uniformly at the light's elevation cosine, a slope facing the
    // light brighter than one facing away. Reference: light (−1, 1, √2)/2 → flat shade √2/2.
    #[test]
    fn hillshade_is_lambertian_under_a_north_west_light() {
        let flat = hillshade(&map_with(|x, _| x, |_, _| 100.0));
        assert!(flat.iter().all(|s| (s - 0.5f64.sqrt()).abs() < 1e-12));
        // Bed rising to the east faces west (toward the light): brighter.
        let west_facing = hillshade(&map_with(|x, _| x, |x, _| 0.5 * x));
        let east_facing = hillshade(&map_with(|x, _| x, |x, _| -0.5 * x));
        assert!(west_facing[8] > flat[8] && east_facing[8] < flat[8]);
    }
}
