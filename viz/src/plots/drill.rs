//! The drill timeline plot: true pond level and the pond-level sensors' readings against time,
//! the warning thresholds as dashed lines, the pond alarm level as coloured bands behind, and
//! the injects, plan actions and key model events as numbered vertical markers listed below.

use super::*;
use tailtwin_core::warning::AlarmLevel;

/// A time series of the plot (hours, metres).
#[derive(Debug, Clone, PartialEq)]
pub struct PlotSeries {
    pub label: String,
    pub time_h: Vec<f64>,
    pub value: Vec<f64>,
}

/// A horizontal level (a threshold when `level` is set, else a reference such as the crest).
#[derive(Debug, Clone, PartialEq)]
pub struct PlotLevel {
    pub label: String,
    pub level: Option<AlarmLevel>,
    pub value_m: f64,
}

/// The pond alarm level over `[start_h, end_h]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotBand {
    pub start_h: f64,
    pub end_h: f64,
    pub level: AlarmLevel,
}

/// An event marker.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotEvent {
    pub time_h: f64,
    pub label: String,
}

/// Everything the drill timeline plot shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillPlot {
    pub title: String,
    pub truth: PlotSeries,
    pub sensors: Vec<PlotSeries>,
    pub levels: Vec<PlotLevel>,
    pub bands: Vec<PlotBand>,
    pub events: Vec<PlotEvent>,
}

/// File stem (`plots/drill_timeline.png`, `.svg`).
pub const DRILL_STEM: &str = "drill_timeline";
const EVENT_ROW_PX: u32 = 22;
const EVENT: RGBColor = RGBColor(60, 60, 60);

fn alarm_color(l: AlarmLevel) -> RGBColor {
    match l {
        AlarmLevel::None => RGBColor(255, 255, 255),
        AlarmLevel::Blue => RGBColor(30, 100, 220),
        AlarmLevel::Yellow => RGBColor(230, 190, 0),
        AlarmLevel::Orange => RGBColor(240, 120, 0),
        AlarmLevel::Red => RGBColor(210, 20, 20),
    }
}

fn size(p: &DrillPlot) -> (u32, u32) {
    (1400, 760 + EVENT_ROW_PX * p.events.len() as u32 + 20)
}

/// Draws the plot into `dir` as PNG and SVG (dir created if missing); returns both paths.
pub fn render_drill_timeline(dir: &Path, p: &DrillPlot) -> Result<Vec<PathBuf>, VizError> {
    ensure_cjk_font()?;
    std::fs::create_dir_all(dir).map_err(|source| VizError::Io {
        path: dir.to_path_buf(),
        action: "create the plots folder",
        source,
    })?;
    let err = |e: DrawError| match e {
        DrawError::NoData(reason) => VizError::NoData { plot: DRILL_STEM.into(), reason },
        DrawError::Backend(cause) => VizError::Plot { plot: DRILL_STEM.into(), cause },
    };
    let png = dir.join(format!("{DRILL_STEM}.png"));
    write_atomically(&png, |tmp| {
        let root = BitMapBackend::new(tmp, size(p)).into_drawing_area();
        draw(p, &root).map_err(err)?;
        root.present().map_err(|e| VizError::Plot { plot: DRILL_STEM.into(), cause: e.to_string() })
    })?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size(p)).into_drawing_area();
        draw(p, &root).map_err(err)?;
        root.present()
            .map_err(|e| VizError::Plot { plot: DRILL_STEM.into(), cause: e.to_string() })?;
    }
    let svg_path = dir.join(format!("{DRILL_STEM}.svg"));
    tailtwin_results::write_bytes_atomically(&svg_path, svg.as_bytes())?;
    Ok(vec![png, svg_path])
}

fn draw<DB: DrawingBackend>(p: &DrillPlot, root: &DrawingArea<DB, Shift>) -> DrawResult {
    root.fill(&WHITE).or_draw()?;
    let (_, total_h) = root.dim_in_pixel();
    let list_h = EVENT_ROW_PX * p.events.len() as u32 + 20;
    let (top, bottom) = root.split_vertically(total_h - list_h);
    let t = &p.truth.time_h;
    let (t0, t1) = match (t.first(), t.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => return Err(DrawError::NoData("no true level series".into())),
    };
    let lv: Vec<f64> = p.levels.iter().map(|l| l.value_m).collect();
    let mut slices: Vec<&[f64]> = vec![p.truth.value.as_slice(), lv.as_slice()];
    slices.extend(p.sensors.iter().map(|s| s.value.as_slice()));
    let (lo, hi) = extent(slices).ok_or_else(|| DrawError::NoData("no levels".into()))?;
    // A breach draws the pond down tens of metres: keep the axis on the thresholds (readings
    // below it are clipped) so the approach to each threshold stays readable.
    let floor = lv.iter().copied().fold(f64::INFINITY, f64::min) - 1.5;
    let (y0, y1) = padded(lo.max(floor), hi, 0.06);
    let mut chart = stage_time_chart(&top, &p.title, t0..t1, y0..y1)?;
    // Pond alarm bands (light fill over the full height).
    for b in &p.bands {
        let c = alarm_color(b.level).mix(0.15);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(b.start_h.max(t0), y0), (b.end_h.min(t1), y1)],
                c.filled(),
            )))
            .or_draw()?;
    }
    for l in &p.levels {
        let c = l.level.map_or(RGBColor(120, 60, 20), alarm_color);
        chart
            .draw_series(DashedLineSeries::new(
                [(t0, l.value_m), (t1, l.value_m)],
                12,
                6,
                c.stroke_width(2),
            ))
            .or_draw()?;
        let style = font(NOTE_SIZE).color(&c).pos(Pos::new(HPos::Left, VPos::Bottom));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((t0, l.value_m)) + Text::new(l.label.clone(), (6, -4), style),
            ))
            .or_draw()?;
    }
    chart
        .draw_series(LineSeries::new(
            t.iter().copied().zip(p.truth.value.iter().map(|&v| v.max(y0))),
            INFLOW.stroke_width(3),
        ))
        .or_draw()?
        .label(p.truth.label.clone())
        .legend(|(x, y)| PathElement::new([(x, y), (x + 24, y)], INFLOW.stroke_width(3)));
    for (k, s) in p.sensors.iter().enumerate() {
        let c = structure_color(k + 1);
        chart
            .draw_series(
                s.time_h
                    .iter()
                    .zip(&s.value)
                    .filter(|(_, y)| **y >= y0)
                    .map(|(&x, &y)| Circle::new((x, y), 3, c.filled())),
            )
            .or_draw()?
            .label(s.label.clone())
            .legend(move |(x, y)| Circle::new((x + 12, y), 4, c.filled()));
    }
    for (k, e) in p.events.iter().enumerate() {
        chart
            .draw_series(DashedLineSeries::new(
                [(e.time_h, y0), (e.time_h, y1)],
                4,
                4,
                EVENT.stroke_width(1),
            ))
            .or_draw()?;
        let row = (k % 6) as i32;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((e.time_h, y1))
                    + Text::new(
                        format!("{}", k + 1),
                        (3, 4 + 16 * row),
                        font(NOTE_SIZE).color(&EVENT),
                    ),
            ))
            .or_draw()?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(font(NOTE_SIZE))
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .or_draw()?;
    for (k, e) in p.events.iter().enumerate() {
        bottom
            .draw(&Text::new(
                format!("{:>2}. {:>6.2} h  {}", k + 1, e.time_h, e.label),
                (40, 4 + (EVENT_ROW_PX * k as u32) as i32),
                font(NOTE_SIZE).color(&EVENT),
            ))
            .or_draw()?;
    }
    Ok(())
}
