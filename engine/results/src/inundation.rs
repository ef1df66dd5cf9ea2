//! Dam-break products in `results.h5`: the `/inundation` group written by `tailtwin dambreak
//! --out` (with `/scenario`), and its reader.
//!
//! Layout: attributes `nx`, `ny`, `dx`, `dy`, `x_min`, `y_min` (m), `epsg` (0 = unknown),
//! `arrival_depth_m`, `duration_s`; maps as 1-D datasets of `nx·ny` values, row-major from the
//! **south** row up (`index = j·nx + i`), NaN outside the domain (and, for `arrival_time`,
//! where the flood never arrived): `bed`, `max_depth`, `max_speed`, `max_unit_discharge`,
//! `arrival_time`, `hazard_class`, `time_of_max_depth`, `inundation_duration`; `breach_line`
//! (x₀, y₀, x₁, y₁); `points/` with `name`, `kind`, `x`, `y`, `arrival_time` (NaN: never),
//! `max_depth`, `max_speed`, `population` (NaN: unknown), `time_of_max_depth`, and one
//! `series_NN/` per point (`time` s after breach initiation, `depth` m, `speed` m/s).

use crate::atomic::write_atomically;
use crate::error::ResultsError;
use crate::h5io::{H5Reader, H5Writer, UNITS_ONE};
use crate::{FORMAT_NAME, FORMAT_VERSION};
use std::path::Path;
use tailtwin_core::{InundationGrid, InundationMap, InundationPoint, PointSeries};

fn opt(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|x| x.is_finite().then_some(*x)).collect()
}

/// Map datasets: name, field, units, description.
type MapColumn = (&'static str, fn(&InundationMap) -> &Vec<f64>, &'static str, &'static str);
const MAPS: [MapColumn; 8] = [
    ("bed", |m| &m.bed_m, "m", "bed elevation (NaN outside the domain)"),
    ("max_depth", |m| &m.max_depth_m, "m", "maximum depth"),
    ("max_speed", |m| &m.max_speed_ms, "m/s", "maximum speed"),
    ("max_unit_discharge", |m| &m.max_unit_discharge_m2s, "m2/s", "maximum depth x speed"),
    ("arrival_time", |m| &m.arrival_time_s, "s", "arrival after breach start (NaN: never)"),
    ("hazard_class", |m| &m.hazard_class, UNITS_ONE, "AIDR 2017 class 1-6, 0 not flooded"),
    (
        "time_of_max_depth",
        |m| &m.time_of_max_depth_s,
        "s",
        "time of the maximum depth (NaN: never)",
    ),
    (
        "inundation_duration",
        |m| &m.inundation_duration_s,
        "s",
        "time at or above the arrival depth",
    ),
];

/// Writes `results.h5` of a dam-break run (atomically).
pub fn write_inundation_h5(
    path: &Path,
    scenario_toml: &str,
    threads: usize,
    map: &InundationMap,
) -> Result<(), ResultsError> {
    let w = H5Writer { path: path.to_path_buf() };
    map.validate().map_err(|problem| ResultsError::Malformed {
        path: path.to_path_buf(),
        object: "/inundation".into(),
        problem,
    })?;
    let version = env!("CARGO_PKG_VERSION");
    write_atomically(path, |tmp| {
        let hdf =
            |source| ResultsError::Hdf5 { path: path.to_path_buf(), object: "/".into(), source };
        let file = hdf5::File::with_options()
            .with_fcpl(|p| p.obj_track_times(false))
            .create(tmp)
            .map_err(hdf)?;
        w.attr_text(&file, "format", FORMAT_NAME)?;
        w.attr_u64(&file, "format_version", FORMAT_VERSION)?;
        w.attr_text(&file, "engine_version", version)?;
        let s = w.group(&file, "scenario")?;
        w.text(&s, "toml", scenario_toml, "the scenario file, verbatim")?;
        w.text(&s, "engine_version", version, "tailtwin version that wrote this file")?;
        w.u64_scalar(&s, "threads", threads as u64, UNITS_ONE, "worker threads used")?;
        let g = w.group(&file, "inundation")?;
        let grid = &map.grid;
        w.attr_u64(&g, "nx", grid.nx as u64)?;
        w.attr_u64(&g, "ny", grid.ny as u64)?;
        for (name, v) in [
            ("dx", grid.dx),
            ("dy", grid.dy),
            ("x_min", grid.x_min),
            ("y_min", grid.y_min),
            ("arrival_depth_m", map.arrival_depth_m),
            ("duration_s", map.duration_s),
        ] {
            w.attr_f64(&g, name, v)?;
        }
        w.attr_u64(&g, "epsg", u64::from(grid.epsg.unwrap_or(0)))?;
        w.attr_text(&g, "layout", "row-major from the south row: index = j*nx + i")?;
        for (name, field, units, description) in MAPS {
            w.optional_f64s(&g, name, &opt(field(map)), units, description)?;
        }
        let [a, b] = map.breach_line;
        w.f64s(&g, "breach_line", &[a[0], a[1], b[0], b[1]], "m", "breach line x0, y0, x1, y1")?;
        let p = w.group(&g, "points")?;
        let pts = &map.points;
        let names: Vec<&str> = pts.iter().map(|p| p.name.as_str()).collect();
        let kinds: Vec<&str> = pts.iter().map(|p| p.kind.as_str()).collect();
        w.texts(&p, "name", &names, "observation point names")?;
        w.texts(&p, "kind", &kinds, "village, school, road, plant, …")?;
        let col = |f: fn(&InundationPoint) -> f64| pts.iter().map(f).collect::<Vec<f64>>();
        w.f64s(&p, "x", &col(|p| p.x), "m", "easting")?;
        w.f64s(&p, "y", &col(|p| p.y), "m", "northing")?;
        w.f64s(&p, "max_depth", &col(|p| p.max_depth_m), "m", "maximum depth")?;
        w.f64s(&p, "max_speed", &col(|p| p.max_speed_ms), "m/s", "maximum speed")?;
        let arrival: Vec<Option<f64>> = pts.iter().map(|p| p.arrival_time_s).collect();
        w.optional_f64s(&p, "arrival_time", &arrival, "s", "arrival after breach start")?;
        let population: Vec<Option<f64>> =
            pts.iter().map(|p| p.population.map(|n| n as f64)).collect();
        w.optional_f64s(&p, "population", &population, UNITS_ONE, "people at the point")?;
        let tmax: Vec<Option<f64>> = pts.iter().map(|p| p.time_of_max_depth_s).collect();
        w.optional_f64s(&p, "time_of_max_depth", &tmax, "s", "time of the maximum depth")?;
        for (k, pt) in pts.iter().enumerate() {
            let sg = w.group(&p, &format!("series_{k:02}"))?;
            w.attr_text(&sg, "name", &pt.name)?;
            let s = &pt.series;
            w.f64s(&sg, "time", &s.time_s, "s", "time after breach initiation")?;
            w.f64s(&sg, "depth", &s.depth_m, "m", "depth at the point")?;
            w.f64s(&sg, "speed", &s.speed_ms, "m/s", "speed at the point")?;
        }
        file.close().map_err(|source| ResultsError::Hdf5 {
            path: path.to_path_buf(),
            object: "/ (closing)".into(),
            source,
        })
    })
}

/// Reads the `/inundation` group of a `results.h5` written by [`write_inundation_h5`].
pub fn read_inundation_h5(path: &Path) -> Result<InundationMap, ResultsError> {
    let r = H5Reader::new(path);
    let file = crate::read::open_checked(&r, path)?;
    let g = r.group(&file, "inundation")?;
    let epsg = r.attr_u64(&g, "epsg")?;
    let grid = InundationGrid {
        nx: r.attr_u64(&g, "nx")? as usize,
        ny: r.attr_u64(&g, "ny")? as usize,
        dx: r.attr_f64(&g, "dx")?,
        dy: r.attr_f64(&g, "dy")?,
        x_min: r.attr_f64(&g, "x_min")?,
        y_min: r.attr_f64(&g, "y_min")?,
        epsg: (epsg != 0).then(|| u32::try_from(epsg).unwrap_or(0)),
    };
    let n = grid.cells();
    let map = |name: &str| -> Result<Vec<f64>, ResultsError> {
        Ok(r.optional_f64s(&g, name, n)?.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    };
    let line = r.f64s_len(&g, "breach_line", 4)?;
    let p = r.group(&g, "points")?;
    let names = r.texts(&p, "name")?;
    let k = names.len();
    let kinds = r.texts_len(&p, "kind", k)?;
    let (x, y) = (r.f64s_len(&p, "x", k)?, r.f64s_len(&p, "y", k)?);
    let depth = r.f64s_len(&p, "max_depth", k)?;
    let speed = r.f64s_len(&p, "max_speed", k)?;
    let arrival = r.optional_f64s(&p, "arrival_time", k)?;
    let population = r.optional_f64s(&p, "population", k)?;
    let tmax = r.optional_f64s(&p, "time_of_max_depth", k)?;
    let mut series = Vec::with_capacity(k);
    for i in 0..k {
        let sg = r.group(&p, &format!("series_{i:02}"))?;
        let time_s = r.f64s(&sg, "time")?;
        let n = time_s.len();
        let depth_m = r.f64s_len(&sg, "depth", n)?;
        let speed_ms = r.f64s_len(&sg, "speed", n)?;
        series.push(PointSeries { time_s, depth_m, speed_ms });
    }
    let mut series = series.into_iter();
    let points = (0..k)
        .map(|i| InundationPoint {
            name: names[i].clone(),
            kind: kinds[i].clone(),
            x: x[i],
            y: y[i],
            arrival_time_s: arrival[i],
            max_depth_m: depth[i],
            max_speed_ms: speed[i],
            population: population[i].map(|v| v as u64),
            time_of_max_depth_s: tmax[i],
            series: series.next().unwrap_or_default(),
        })
        .collect();
    let out = InundationMap {
        grid,
        bed_m: map("bed")?,
        max_depth_m: map("max_depth")?,
        max_speed_ms: map("max_speed")?,
        max_unit_discharge_m2s: map("max_unit_discharge")?,
        arrival_time_s: map("arrival_time")?,
        hazard_class: map("hazard_class")?,
        time_of_max_depth_s: map("time_of_max_depth")?,
        inundation_duration_s: map("inundation_duration")?,
        arrival_depth_m: r.attr_f64(&g, "arrival_depth_m")?,
        duration_s: r.attr_f64(&g, "duration_s")?,
        breach_line: [[line[0], line[1]], [line[2], line[3]]],
        points,
    };
    out.validate().map_err(|problem| r.malformed("/inundation", problem))?;
    Ok(out)
}
