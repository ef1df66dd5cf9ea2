//! `tailtwin drill FILE [--out DIR] [--json]`: an emergency drill on a pond scenario.
//!
//! `--out`: timeline.csv/json, inject_sheet.csv/html (the exercise controller's sheet),
//! summary.json, the timeline plot (plots/drill_timeline.png/svg) and, with a breach, the
//! dam-break map (plots/inundation_map.png) and breach_hydrograph.csv; every file written to a
//! temporary name and renamed.

use crate::common::{Args, BadInput, Status, print_json};
use anyhow::Context;
use std::path::{Path, PathBuf};
use tailtwin::pipeline::drill::{
    self, DrillError, DrillRun, Source, inject_sheet_csv, run_drill, timeline_csv,
};
use tailtwin::viz::drill::{DrillPlot, PlotBand, PlotEvent, PlotLevel, PlotSeries, SheetRow};

/// Runs the drill and prints the timeline (or the summary and timeline as JSON).
pub fn run(args: &Args) -> anyhow::Result<Status> {
    let d = drill::load(&args.scenario).map_err(input)?;
    args.log(format!("drill {}: routing with the injects …", d.name));
    let run = run_drill(&d, args.threads()).map_err(input)?;
    let mut files = Vec::new();
    if let Some(dir) = &args.out {
        files = write(dir, &run, args.threads())
            .with_context(|| format!("writing into {}", dir.display()))?;
    }
    if args.json {
        print_json(&serde_json::json!({ "summary": run.summary, "timeline": run.timeline }))?;
    } else {
        print!("{}", render(&run));
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(Status::Ok)
}

fn input(e: DrillError) -> anyhow::Error {
    if e.is_input_error() {
        anyhow::Error::new(BadInput(e.to_string()))
    } else {
        anyhow::Error::new(e)
    }
}

/// The timeline as text.
fn render(run: &DrillRun) -> String {
    let s = &run.summary;
    let mut out = format!(
        "演练 drill: {} (scenario {})\n最高库水位 peak level {:.3} m at {:.2} h; 库区最高预警 max pond \
         alarm: {}\n",
        s.drill,
        s.scenario,
        s.peak_stage_m,
        s.time_of_peak_stage_s / 3600.0,
        s.max_pond_alarm.as_str()
    );
    match s.warning_issued_at_s {
        Some(t) => out.push_str(&format!("撤离警报 warning issued at {:.2} h\n", t / 3600.0)),
        None => out.push_str("撤离警报 warning: not issued\n"),
    }
    for p in &s.points {
        let w = p.evacuation_window_s.map_or("—".to_owned(), |w| format!("{:+.0} min", w / 60.0));
        let a = p.arrival_s.map_or("—".to_owned(), |a| format!("{:.2} h", a / 3600.0));
        let flag = if p.caught { "  ⚠ people caught / 人员受困" } else { "" };
        out.push_str(&format!("  {:<14} arrival {a:>8}  window {w:>9}{flag}\n", p.name));
    }
    for w in &s.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out.push_str("\n time (h)  source  kind                 event\n");
    for e in &run.timeline {
        out.push_str(&format!(
            "{:>9.2}  {:<6}  {:<20} {} / {}\n",
            e.time_s / 3600.0,
            e.source.as_str(),
            e.kind,
            e.text_zh,
            e.text_en
        ));
    }
    out
}

fn write(dir: &Path, run: &DrillRun, threads: usize) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut files = vec![
        atomic(dir, "timeline.csv", timeline_csv(&run.timeline).as_bytes())?,
        atomic(dir, "timeline.json", &serde_json::to_vec_pretty(&run.timeline)?)?,
        atomic(dir, "inject_sheet.csv", inject_sheet_csv(&run.inject_sheet).as_bytes())?,
        atomic(dir, "summary.json", &serde_json::to_vec_pretty(&run.summary)?)?,
    ];
    let rows: Vec<SheetRow> = run
        .inject_sheet
        .iter()
        .map(|r| SheetRow {
            time_h: r.time_s / 3600.0,
            inject: r.inject.clone(),
            expected_observation: r.expected_observation.clone(),
            expected_response: r.expected_response.clone(),
        })
        .collect();
    let html = tailtwin::viz::drill::render_inject_sheet_html(&run.summary.drill, &rows);
    files.push(atomic(dir, "inject_sheet.html", html.as_bytes())?);
    files.extend(tailtwin::viz::drill::render_drill_timeline(&dir.join("plots"), &plot_of(run))?);
    if let Some(b) = &run.dambreak {
        files.extend(tailtwin::viz::render_inundation_map(&dir.join("plots"), &b.map)?);
        let mut csv = String::from("time_after_breach_s,flow_m3s\n");
        for (t, q) in b.hydrograph.time_s().iter().zip(b.hydrograph.flow_m3s()) {
            csv.push_str(&format!("{t},{q}\n"));
        }
        files.push(atomic(dir, "breach_hydrograph.csv", csv.as_bytes())?);
        let h5 = dir.join("results.h5");
        tailtwin::results::write_inundation_h5(&h5, &run.flood.scenario_toml, threads, &b.map)?;
        files.push(h5);
    }
    Ok(files)
}

/// The plot's data: true level, pond-level sensors, thresholds, pond alarm bands, events.
fn plot_of(run: &DrillRun) -> DrillPlot {
    let h = |t: &[f64]| t.iter().map(|x| x / 3600.0).collect::<Vec<_>>();
    let mut sensors = Vec::new();
    for tr in run.sensors.iter().filter(|t| t.kind == drill::SensorKind::PondLevel) {
        let (t, v): (Vec<f64>, Vec<f64>) =
            tr.time_s.iter().zip(&tr.value).filter_map(|(t, v)| Some((t / 3600.0, (*v)?))).unzip();
        sensors.push(PlotSeries {
            label: format!("{} 读数 / reading", tr.id),
            time_h: t,
            value: v,
        });
    }
    let end_h = run.summary.run_end_s / 3600.0;
    let mut bands = Vec::new();
    for (i, &(t, l)) in run.pond_alarm.iter().enumerate() {
        let next = run.pond_alarm.get(i + 1).map_or(end_h, |x| x.0 / 3600.0);
        if l != tailtwin::core::warning::AlarmLevel::None {
            bands.push(PlotBand { start_h: t / 3600.0, end_h: next, level: l });
        }
    }
    let levels = run
        .summary
        .pond_level_thresholds_m
        .iter()
        .map(|&(l, z)| PlotLevel {
            label: format!("{}预警 / {} {:.2} m", l.name_zh(), l.as_str(), z),
            level: Some(l),
            value_m: z,
        })
        .chain(run.flood.levels.iter().filter(|l| l.id == "crest").map(|l| PlotLevel {
            label: format!("{} / {} {:.2} m", l.label_zh, l.label_en, l.elevation_m),
            level: None,
            value_m: l.elevation_m,
        }))
        .collect();
    let events = run
        .timeline
        .iter()
        .filter(|e| {
            matches!(e.source, Source::Inject | Source::Plan)
                || matches!(
                    e.kind.as_str(),
                    "breach_start" | "overtopping_start" | "peak_stage" | "missed_alarm"
                )
        })
        .map(|e| PlotEvent { time_h: e.time_s / 3600.0, label: e.text_en.clone() })
        .collect();
    DrillPlot {
        title: format!("演练时间线 / Drill timeline — {}", run.summary.drill),
        truth: PlotSeries {
            label: "真实库水位 / true pond level".into(),
            time_h: h(&run.truth.time_s),
            value: run.truth.stage_m.clone(),
        },
        sensors,
        levels,
        bands,
        events,
    }
}

fn atomic(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    let tmp = dir.join(format!("{name}.tmp~"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}
