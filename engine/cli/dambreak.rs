//! `tailtwin dambreak FILE [--json] [--out DIR]`: breach routing and the 2D inundation run.
//!
//! `--out`: GeoTIFF and ESRI ASCII grids of max depth, max speed, max h·v, arrival time and
//! hazard class (georeferenced as the DEM), results.h5 (`/inundation`), the map
//! (plots/inundation_map.png), the breach hydrograph (CSV) and summary.json,
//! every file written to a temporary name and renamed.

use crate::common::{Args, BadInput, Status, print_json};
use anyhow::Context;
use std::path::{Path, PathBuf};
use tailtwin::inundation::{Raster, io};
use tailtwin::pipeline::dambreak::{DambreakError, DambreakRun, DambreakSummary, run_dambreak};

/// Runs the dam break and prints the summary (or its JSON); writes the grids with `--out`.
pub fn run(args: &Args) -> anyhow::Result<Status> {
    let scenario = crate::common::load(&args.scenario)?;
    if scenario.dambreak.is_none() {
        return Err(anyhow::Error::new(BadInput(format!(
            "{}: dambreak: missing: the scenario has no [dambreak] (see scenarios/README.md)",
            args.scenario.display()
        ))));
    }
    args.log("dam break: routing without and with the breach, then the 2D run …");
    let run = run_dambreak(&scenario, args.threads()).map_err(input)?;
    let mut files = Vec::new();
    if let Some(dir) = &args.out {
        files = write(dir, &run, &scenario.source_toml, args.threads())
            .with_context(|| format!("writing into {}", dir.display()))?;
    }
    if args.json {
        print_json(&run.summary)?;
    } else {
        print!("{}", render(&run.summary));
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(Status::Ok)
}

pub(crate) fn input(e: DambreakError) -> anyhow::Error {
    if e.is_input_error() {
        anyhow::Error::new(BadInput(e.to_string()))
    } else {
        anyhow::Error::new(e)
    }
}

/// The grids, the hydrograph and summary.json.
pub(crate) fn write(
    dir: &Path,
    run: &DambreakRun,
    scenario_toml: &str,
    threads: usize,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let h5 = dir.join("results.h5");
    tailtwin::results::write_inundation_h5(&h5, scenario_toml, threads, &run.map)?;
    let r = &run.inundation;
    let grids: [(&str, &Raster); 7] = [
        ("max_depth_m", &r.max_depth),
        ("max_speed_ms", &r.max_speed),
        ("max_depth_x_speed_m2s", &r.max_unit_discharge),
        ("arrival_time_s", &r.arrival_time),
        ("hazard_class", &r.hazard),
        ("time_of_max_depth_s", &r.time_of_max_depth),
        ("inundation_duration_s", &r.duration),
    ];
    let mut files = vec![h5];
    for (name, grid) in grids {
        let tif = dir.join(format!("{name}.tif"));
        io::write_geotiff(&tif, grid, run.crs_epsg)?;
        files.push(tif);
        let asc = dir.join(format!("{name}.asc"));
        io::write_ascii_grid(&asc, grid)?;
        files.push(asc);
    }
    let map_png = tailtwin::viz::render_inundation_map(&dir.join("plots"), &run.map)?;
    let png = std::fs::read(&map_png[0])?;
    let html = tailtwin::viz::render_dambreak_html(
        &run.summary.scenario,
        &figures(&run.summary),
        &run.map,
        &png,
        &consequence_rows(&run.summary),
        &run.summary.warnings,
    );
    files.extend(map_png);
    files.push(atomic(dir, "report.html", html.as_bytes())?);
    let mut csv = String::from("time_after_breach_s,flow_m3s\n");
    for (t, q) in run.hydrograph.time_s().iter().zip(run.hydrograph.flow_m3s()) {
        csv.push_str(&format!("{t},{q}\n"));
    }
    files.push(atomic(dir, "breach_hydrograph.csv", csv.as_bytes())?);
    let json = serde_json::to_vec_pretty(&run.summary)?;
    files.push(atomic(dir, "summary.json", &json)?);
    Ok(files)
}

/// Writes `name` in `dir` through a temporary file and a rename.
fn atomic(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    let tmp = dir.join(format!("{name}.tmp~"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// The key figures of report.html, bilingual labels.
fn figures(s: &DambreakSummary) -> Vec<(String, String)> {
    let mut v = vec![
        ("触发 trigger".to_owned(), s.trigger.clone()),
        ("溃口形成起始 breach start (h)".into(), format!("{:.2}", s.breach_start_s / 3600.0)),
        ("溃决时库水位 pond level at breach (m)".into(), format!("{:.3}", s.stage_at_breach_m)),
        (
            "溃口 breach: bottom (m) / width (m) / side slope / formation (h)".into(),
            format!(
                "{:.2} / {:.1} / {:.2} / {:.2}",
                s.breach_bottom_m,
                s.breach_bottom_width_m,
                s.breach_side_slope,
                s.breach_formation_time_s / 3600.0
            ),
        ),
        (
            "溃口峰值流量 peak breach outflow (m³/s)".into(),
            format!("{:.1}", s.peak_breach_outflow_m3s),
        ),
        (
            "泥水混合峰值 peak mixture outflow (m³/s)".into(),
            format!("{:.1}", s.peak_mixture_outflow_m3s),
        ),
        ("下泄总量 released volume (m³)".into(), format!("{:.0}", s.released_volume_m3)),
        ("其中尾矿 tailings (m³)".into(), format!("{:.0}", s.tailings_volume_m3)),
    ];
    if let Some(b) = &s.regression_band {
        v.push((
            "经验公式峰值 regression peaks: Froehlich 2016 / 1995a / MLM (m³/s)".into(),
            format!(
                "{:.0} / {:.0} / {:.0}",
                b.froehlich_2016_m3s, b.froehlich_1995_m3s, b.mlm_1984_m3s
            ),
        ));
    }
    let c = &s.consequence;
    v.extend([
        (
            "后果等级 consequence class (GISTM)".to_owned(),
            format!("{} {}", c.consequence_class_zh, c.consequence_class.name()),
        ),
        ("后果等级依据 basis".into(), c.basis.clone()),
        ("风险人口 population at risk".into(), c.population_at_risk.to_string()),
        ("可能死亡人数 potential loss of life".into(), format!("{:.2}", c.potential_loss_of_life)),
        (
            "预警延迟 warning delay after breach start (min)".into(),
            format!("{:.0}", c.settings.warning_delay_s / 60.0),
        ),
        ("数据来源 provenance".into(), format!("{} [{:?}]", c.provenance.join("; "), c.confidence)),
    ]);
    v.extend([
        ("淹没面积 inundated area (km²)".into(), format!("{:.3}", s.inundated_area_m2 / 1e6)),
        ("模拟时长 simulated after breach (h)".into(), format!("{:.2}", s.duration_s / 3600.0)),
        ("水量平衡误差 volume error (%)".into(), format!("{:.2e}", s.volume_error_pct)),
        (
            "网格 grid".into(),
            format!(
                "{} cells ({} active) of {} m, {} steps",
                s.cells, s.active_cells, s.cell_size_m, s.steps
            ),
        ),
    ]);
    v
}

/// The human-readable summary.
pub fn render(s: &DambreakSummary) -> String {
    let h = |t: f64| t / 3600.0;
    let mut o = String::new();
    let mut line = |x: String| {
        o.push_str(&x);
        o.push('\n');
    };
    line(format!(
        "{} — tailtwin {} — 溃坝 dam break ({})",
        s.scenario, s.engine_version, s.trigger
    ));
    line(format!(
        "breach starts at {:.2} h, pond level {:.3} m; final bottom {:.2} m, width {:.1} m, side \
         slope {:.2}, formation {:.2} h",
        h(s.breach_start_s),
        s.stage_at_breach_m,
        s.breach_bottom_m,
        s.breach_bottom_width_m,
        s.breach_side_slope,
        h(s.breach_formation_time_s)
    ));
    line(format!(
        "peak breach outflow {:.1} m³/s at {:.2} h (mixture {:.1} m³/s); released {:.0} m³ \
         (water {:.0}, tailings {:.0})",
        s.peak_breach_outflow_m3s,
        h(s.time_of_peak_breach_outflow_s),
        s.peak_mixture_outflow_m3s,
        s.released_volume_m3,
        s.water_volume_m3,
        s.tailings_volume_m3
    ));
    if let Some(b) = &s.regression_band {
        line(format!(
            "regression peaks: Froehlich 2016 {:.0}, Froehlich 1995a {:.0}, MLM 1984 {:.0} m³/s",
            b.froehlich_2016_m3s, b.froehlich_1995_m3s, b.mlm_1984_m3s
        ));
    }
    line(format!(
        "2D: {} cells ({} active, {} m), {:.2} h, {} steps, {:.2e} cell updates/s on {} thread(s)",
        s.cells,
        s.active_cells,
        s.cell_size_m,
        h(s.duration_s),
        s.steps,
        s.cell_updates_per_s,
        s.threads
    ));
    line(format!(
        "淹没面积 inundated area {:.3} km²; volume in {:.0} m³, out {:.0} m³, error {:.2e} %",
        s.inundated_area_m2 / 1e6,
        s.inflow_volume_2d_m3,
        s.outflow_volume_2d_m3,
        s.volume_error_pct
    ));
    line(String::new());
    line(format!(
        "{:<20} {:<10} {:>12} {:>12} {:>12} {:>10}",
        "point 地点", "kind", "arrival min", "max depth m", "max speed", "population"
    ));
    for p in &s.points {
        line(format!(
            "{:<20} {:<10} {:>12} {:>12.2} {:>12.2} {:>10}",
            p.name,
            p.kind,
            p.arrival_time_s.map_or("—".to_owned(), |t| format!("{:.1}", t / 60.0)),
            p.max_depth_m,
            p.max_speed_ms,
            p.population.map_or("—".to_owned(), |n| n.to_string())
        ));
    }
    let c = &s.consequence;
    line(format!(
        "后果等级 consequence class: {} {} — {}; population at risk {}, potential loss of life \
         {:.2} [{:?}]",
        c.consequence_class_zh,
        c.consequence_class.name(),
        c.basis,
        c.population_at_risk,
        c.potential_loss_of_life,
        c.confidence
    ));
    for w in &s.warnings {
        line(format!("warning: {w}"));
    }
    o
}

/// The points' loss-of-life rows for report.html.
fn consequence_rows(s: &DambreakSummary) -> Vec<tailtwin::viz::ConsequenceRow> {
    let name = |x: Option<String>| x.unwrap_or_else(|| "—".to_owned());
    s.consequence
        .points
        .iter()
        .map(|p| tailtwin::viz::ConsequenceRow {
            name: p.name.clone(),
            population_at_risk: p.population_at_risk,
            depth_velocity_m2s: p.depth_velocity_m2s,
            severity: name(p.severity.map(|v| format!("{v:?}").to_lowercase())),
            warning_time_s: p.warning_time_s,
            warning: name(p.warning.map(|v| format!("{v:?}").to_lowercase())),
            fatality_rate: p.fatality_rate,
            loss_of_life: p.loss_of_life,
        })
        .collect()
}
