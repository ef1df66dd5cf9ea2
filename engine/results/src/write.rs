//! `results.h5` writer. The layout is documented in the crate docs (lib.rs); keep them in step.

use crate::atomic::write_atomically;
use crate::codes::{control_code, control_legend, regime_code, regime_legend, serde_name};
use crate::error::ResultsError;
use crate::geotech::{write_check_table, write_geotech_groups};
use crate::h5io::{H5Writer, UNITS_ONE};
use crate::{FORMAT_NAME, FORMAT_VERSION};
use hdf5::Group;
use std::path::Path;
use tailtwin_core::report::{CatchmentSummary, StormSummary};
use tailtwin_core::{FloodRun, GeotechRun, MassBalance, RatingCurve, Report, RoutedPond};

/// Writes the products of a seepage or stability command into `out_dir` (created if missing):
/// `results.h5` with the root attributes, `/scenario` (`name` from `summary["scenario"]` when it
/// is a string, `toml`, `engine_version`, `threads`) and the geotech groups, then
/// `summary.json` = `summary` pretty-printed. Both atomically. Returns the two paths.
pub fn write_geotech(
    out_dir: &Path,
    scenario_toml: &str,
    threads: usize,
    geotech: &GeotechRun,
    summary: &serde_json::Value,
) -> Result<Vec<std::path::PathBuf>, ResultsError> {
    std::fs::create_dir_all(out_dir).map_err(|source| ResultsError::Io {
        path: out_dir.to_path_buf(),
        action: "create the output folder",
        source,
    })?;
    let path = out_dir.join("results.h5");
    let w = H5Writer { path: path.clone() };
    let version = env!("CARGO_PKG_VERSION");
    write_atomically(&path, |tmp| {
        let file = hdf5::File::with_options()
            .with_fcpl(|p| p.obj_track_times(false))
            .create(tmp)
            .map_err(|source| ResultsError::Hdf5 {
            path: path.clone(),
            object: "/".into(),
            source,
        })?;
        w.attr_text(&file, "format", FORMAT_NAME)?;
        w.attr_u64(&file, "format_version", FORMAT_VERSION)?;
        w.attr_text(&file, "engine_version", version)?;
        let g = w.group(&file, "scenario")?;
        if let Some(name) = summary.get("scenario").and_then(|v| v.as_str()) {
            w.text(&g, "name", name, "scenario name")?;
        }
        w.text(&g, "toml", scenario_toml, "the scenario file, verbatim")?;
        w.text(&g, "engine_version", version, "tailtwin version that wrote this file")?;
        w.u64_scalar(&g, "threads", threads as u64, UNITS_ONE, "worker threads used")?;
        write_geotech_groups(&w, &file, geotech)?;
        file.close().map_err(|source| ResultsError::Hdf5 {
            path: path.clone(),
            object: "/ (closing)".into(),
            source,
        })
    })?;
    let json_path = out_dir.join("summary.json");
    let mut text = serde_json::to_string_pretty(summary)
        .map_err(|source| ResultsError::Json { path: json_path.clone(), source })?;
    text.push('\n');
    crate::atomic::write_bytes_atomically(&json_path, text.as_bytes())?;
    Ok(vec![path, json_path])
}

/// Writes `run` to `path` as HDF5 (atomically: a temporary file beside it, then a rename).
///
/// Fails, leaving any existing file untouched, when a number is not finite, a structure id cannot
/// name a group, or the file cannot be created.
pub fn write_results_h5(path: &Path, run: &FloodRun) -> Result<(), ResultsError> {
    let w = H5Writer { path: path.to_path_buf() };
    write_atomically(path, |tmp| {
        let file = hdf5::File::with_options()
            .with_fcpl(|p| p.obj_track_times(false))
            .create(tmp)
            .map_err(|source| ResultsError::Hdf5 {
            path: path.to_path_buf(),
            object: "/".into(),
            source,
        })?;
        write_contents(&w, &file, run)?;
        file.close().map_err(|source| ResultsError::Hdf5 {
            path: path.to_path_buf(),
            object: "/ (closing)".into(),
            source,
        })
    })
}

fn write_contents(w: &H5Writer, root: &Group, run: &FloodRun) -> Result<(), ResultsError> {
    let report = &run.report;
    w.attr_text(root, "format", FORMAT_NAME)?;
    w.attr_u64(root, "format_version", FORMAT_VERSION)?;
    w.attr_text(root, "engine_version", &report.engine_version)?;

    let g = w.group(root, "scenario")?;
    w.text(&g, "name", &report.scenario, "scenario name")?;
    w.text(&g, "toml", &run.scenario_toml, "the scenario file, verbatim")?;
    w.text(&g, "engine_version", &report.engine_version, "tailtwin version that wrote this file")?;
    w.u64_scalar(&g, "threads", run.threads as u64, UNITS_ONE, "worker threads used")?;

    write_hydrology(w, root, run)?;
    write_pond(w, root, run)?;
    write_risk(w, root, report)?;
    write_diagnostics(w, root, &run.routed)?;
    write_summary(w, root, report)?;
    if let Some(g) = &run.geotech {
        write_geotech_groups(w, root, g)?;
    }
    Ok(())
}

fn write_hydrology(w: &H5Writer, root: &Group, run: &FloodRun) -> Result<(), ResultsError> {
    let g = w.group(root, "hydrology")?;
    if let Some(h) = &run.hyetograph {
        let hg = w.group(&g, "hyetograph")?;
        w.f64_scalar(&hg, "start", h.start_s(), "s", "start of the first rain interval")?;
        w.f64_scalar(&hg, "interval", h.interval_s(), "s", "length of each rain interval")?;
        let n = h.depth_mm().len();
        let starts: Vec<f64> = (0..n).map(|k| h.start_s() + k as f64 * h.interval_s()).collect();
        w.f64s(&hg, "time", &starts, "s", "start of each rain interval (time axis of depth)")?;
        w.series(
            &hg,
            "depth",
            h.depth_mm(),
            "mm",
            "rain depth in each interval (uniform intensity within it)",
            "/hydrology/hyetograph/time",
            n,
        )?;
    }
    let ig = w.group(&g, "inflow")?;
    let t = run.inflow.time_s();
    w.f64s(&ig, "time", t, "s", "time axis of the catchment inflow hydrograph")?;
    w.series(
        &ig,
        "flow",
        run.inflow.flow_m3s(),
        "m3/s",
        "catchment inflow into the pond (piecewise linear)",
        "/hydrology/inflow/time",
        t.len(),
    )?;
    if let Some(s) = &run.report.storm {
        write_storm(w, &g, s)?;
    }
    if let Some(c) = &run.report.catchment {
        write_catchment(w, &g, c)?;
    }
    Ok(())
}

fn write_storm(w: &H5Writer, parent: &Group, s: &StormSummary) -> Result<(), ResultsError> {
    let g = w.group(parent, "storm")?;
    w.text(&g, "method", &s.method, "how the storm was made")?;
    w.optional_f64_scalar(&g, "return_period", s.return_period_years, "years", "return period")?;
    w.f64_scalar(&g, "duration", s.duration_h, "h", "storm duration")?;
    w.f64_scalar(&g, "total_depth", s.total_depth_mm, "mm", "total rain depth")?;
    w.f64_scalar(&g, "peak_intensity", s.peak_intensity_mm_h, "mm/h", "peak rain intensity")?;
    Ok(())
}

fn write_catchment(w: &H5Writer, parent: &Group, c: &CatchmentSummary) -> Result<(), ResultsError> {
    let g = w.group(parent, "catchment")?;
    w.text(&g, "method", &c.method, "runoff and routing method")?;
    w.f64_scalar(&g, "area", c.area_km2, "km2", "catchment area")?;
    w.f64_scalar(&g, "runoff_depth", c.runoff_depth_mm, "mm", "effective runoff depth")?;
    w.f64_scalar(&g, "runoff_volume", c.runoff_volume_m3, "m3", "runoff volume")?;
    w.f64_scalar(&g, "peak_inflow", c.peak_inflow_m3s, "m3/s", "peak catchment inflow")?;
    w.f64_scalar(&g, "time_of_peak_inflow", c.time_of_peak_inflow_s, "s", "time of peak inflow")?;
    Ok(())
}

fn write_pond(w: &H5Writer, root: &Group, run: &FloodRun) -> Result<(), ResultsError> {
    let r = &run.routed;
    let g = w.group(root, "pond")?;
    let n = r.time_s.len();
    let axis = "/pond/time";
    w.f64s(&g, "time", &r.time_s, "s", "output times, seconds from the routing start")?;
    let series: [(&str, &[f64], &str, &str); 8] = [
        ("stage", &r.stage_m, "m", "pond water level (absolute elevation)"),
        ("storage", &r.storage_m3, "m3", "stored water volume"),
        ("inflow", &r.inflow_m3s, "m3/s", "catchment inflow"),
        ("rain_on_pond", &r.rain_on_pond_m3s, "m3/s", "rain falling directly on pond and beach"),
        ("outflow", &r.outflow_m3s, "m3/s", "total outflow through the discharge structures"),
        ("overtopping", &r.overtopping_m3s, "m3/s", "flow over the dam crest"),
        ("freeboard", &r.freeboard_m, "m", "freeboard (安全超高): reference crest minus stage"),
        ("beach_length", &r.beach_length_m, "m", "dry-beach length (干滩长度) at the stage"),
    ];
    for (name, data, units, description) in series {
        w.series(&g, name, data, units, description, axis, n)?;
    }

    let e = w.group(&g, "extremes")?;
    let scalars: [(&str, f64, &str, &str); 10] = [
        ("peak_stage", r.peak_stage_m, "m", "highest pond level (router's own steps)"),
        ("time_of_peak_stage", r.time_of_peak_stage_s, "s", "time of the highest level"),
        ("peak_inflow", r.peak_inflow_m3s, "m3/s", "peak catchment inflow"),
        ("time_of_peak_inflow", r.time_of_peak_inflow_s, "s", "time of peak inflow"),
        ("peak_outflow", r.peak_outflow_m3s, "m3/s", "peak total outflow incl. overtopping"),
        ("time_of_peak_outflow", r.time_of_peak_outflow_s, "s", "time of peak outflow"),
        ("min_freeboard", r.min_freeboard_m, "m", "smallest freeboard"),
        ("min_beach_length", r.min_beach_length_m, "m", "shortest dry beach"),
        ("overtopping_volume", r.overtopping_volume_m3, "m3", "volume over the dam crest"),
        ("overtopping_duration", r.overtopping_duration_s, "s", "time with stage above dam crest"),
    ];
    for (name, value, units, description) in scalars {
        w.f64_scalar(&e, name, value, units, description)?;
    }
    w.flag(&e, "overtopped", r.overtopped, "whether the stage reached the dam crest")?;

    write_structures(w, &g, r)?;
    write_ratings(w, &g, &run.ratings)?;

    let lg = w.group(&g, "levels")?;
    let lv = &run.levels;
    let ids: Vec<&str> = lv.iter().map(|l| l.id.as_str()).collect();
    let zh: Vec<&str> = lv.iter().map(|l| l.label_zh.as_str()).collect();
    let en: Vec<&str> = lv.iter().map(|l| l.label_en.as_str()).collect();
    let z: Vec<f64> = lv.iter().map(|l| l.elevation_m).collect();
    w.texts(&lg, "id", &ids, "reference level id (crest, beach_crest, normal_level, …)")?;
    w.texts(&lg, "label_zh", &zh, "label in Chinese")?;
    w.texts(&lg, "label_en", &en, "label in English")?;
    w.f64s(&lg, "elevation", &z, "m", "absolute elevation of the reference level")?;
    Ok(())
}

fn write_structures(w: &H5Writer, g: &Group, r: &RoutedPond) -> Result<(), ResultsError> {
    let n = r.time_s.len();
    let ids: Vec<&str> = r.structures.iter().map(|s| s.structure_id.as_str()).collect();
    w.texts(g, "structure_ids", &ids, "discharge structure ids, in scenario order")?;
    let sg = w.group(g, "structures")?;
    for s in &r.structures {
        let g = w.id_group(&sg, &s.structure_id, "structure id")?;
        w.text(&g, "kind", &s.kind, "structure kind as written in the scenario")?;
        w.series(&g, "flow", &s.flow_m3s, "m3/s", "flow through the structure", "/pond/time", n)?;
        let regimes: Vec<u8> = s.regime.iter().map(|x| regime_code(*x)).collect();
        let controls: Vec<u8> = s.control.iter().map(|x| control_code(*x)).collect();
        check_len(w, &g, "regime", regimes.len(), n)?;
        check_len(w, &g, "control", controls.len(), n)?;
        let rg =
            w.codes(&g, "regime", &regimes, "hydraulic regime at each time", &regime_legend())?;
        w.attr_text(&rg, "time", "/pond/time")?;
        let cg =
            w.codes(&g, "control", &controls, "controlling part at each time", &control_legend())?;
        w.attr_text(&cg, "time", "/pond/time")?;
        w.f64_scalar(&g, "volume", s.volume_m3, "m3", "volume passed (router-integrated)")?;
        w.f64_scalar(&g, "peak_flow", s.peak_flow_m3s, "m3/s", "peak flow (router's steps)")?;
        w.f64_scalar(&g, "time_of_peak", s.time_of_peak_s, "s", "time of peak flow")?;
    }
    Ok(())
}

fn check_len(
    w: &H5Writer,
    g: &Group,
    name: &str,
    len: usize,
    n: usize,
) -> Result<(), ResultsError> {
    if len == n {
        return Ok(());
    }
    Err(ResultsError::LengthMismatch {
        path: w.path.clone(),
        object: format!("{}/{name}", g.name()),
        len,
        axis: "/pond/time".into(),
        axis_len: n,
    })
}

fn write_ratings(w: &H5Writer, g: &Group, ratings: &[RatingCurve]) -> Result<(), ResultsError> {
    let ids: Vec<&str> = ratings.iter().map(|c| c.structure_id.as_str()).collect();
    w.texts(g, "rating_ids", &ids, "rating curve ids (structures, then \"combined\")")?;
    let rg = w.group(g, "ratings")?;
    for c in ratings {
        let g = w.id_group(&rg, &c.structure_id, "rating curve id")?;
        w.text(&g, "kind", &c.kind, "structure kind (\"combined\" for the sum)")?;
        let stage: Vec<f64> = c.rows.iter().map(|r| r.stage_m).collect();
        let flow: Vec<f64> = c.rows.iter().map(|r| r.flow_m3s).collect();
        let regimes: Vec<u8> = c.rows.iter().map(|r| regime_code(r.regime)).collect();
        let controls: Vec<u8> = c.rows.iter().map(|r| control_code(r.control)).collect();
        w.f64s(&g, "stage", &stage, "m", "pond level of each table row")?;
        w.f64s(&g, "flow", &flow, "m3/s", "discharge at that level")?;
        w.codes(&g, "regime", &regimes, "hydraulic regime at that level", &regime_legend())?;
        w.codes(&g, "control", &controls, "controlling part at that level", &control_legend())?;
    }
    Ok(())
}

fn write_risk(w: &H5Writer, root: &Group, report: &Report) -> Result<(), ResultsError> {
    let g = w.group(root, "risk")?;
    w.text(&g, "standard", &serde_name(&report.standard), "edition whose limits apply")?;
    if let Some(grade) = &report.grade {
        w.text(&g, "grade", grade, "pond grade (等别) as a Chinese numeral")?;
    }
    if let Some(n) = report.grade_number {
        w.u64_scalar(&g, "grade_number", u64::from(n), UNITS_ONE, "pond grade as a number 1–5")?;
    }
    w.optional_f64_scalar(
        &g,
        "design_return_period",
        report.design_return_period_years,
        "years",
        "design flood return period applied",
    )?;

    let cg = w.group(&g, "checks")?;
    write_check_table(w, &cg, &report.checks)?;
    crate::assessment::write_assessment(w, &g, report)
}

fn write_diagnostics(w: &H5Writer, root: &Group, r: &RoutedPond) -> Result<(), ResultsError> {
    let g = w.group(root, "diagnostics")?;
    write_mass_balance(w, &g, &r.mass_balance, "routing")?;
    let d = &r.diagnostics;
    w.u64_scalar(&g, "steps", d.steps as u64, UNITS_ONE, "accepted time steps")?;
    w.u64_scalar(
        &g,
        "rejected_steps",
        d.rejected_steps as u64,
        UNITS_ONE,
        "rejected (retried) steps",
    )?;
    w.u64_scalar(
        &g,
        "evaluations",
        d.evaluations as u64,
        UNITS_ONE,
        "stage-discharge evaluations",
    )?;
    w.f64_scalar(&g, "min_step", d.min_step_s, "s", "smallest accepted step")?;
    w.f64_scalar(&g, "max_step", d.max_step_s, "s", "largest accepted step")?;
    let eg = w.group(&g, "events")?;
    let times: Vec<f64> = d.events.iter().map(|e| e.time_s).collect();
    let kinds: Vec<String> = d.events.iter().map(|e| serde_name(&e.kind)).collect();
    let details: Vec<&str> = d.events.iter().map(|e| e.detail.as_str()).collect();
    w.f64s(&eg, "time", &times, "s", "time of each event")?;
    w.texts(&eg, "kind", &kinds, "event kind (regime_change, overtopping_start, …)")?;
    w.texts(&eg, "detail", &details, "event detail")?;
    w.texts(&g, "warnings", &d.warnings, "warnings raised by the router")?;
    Ok(())
}

/// `mass_balance` subgroup: shared by /diagnostics (the router's) and /summary (the Report's).
fn write_mass_balance(
    w: &H5Writer,
    parent: &Group,
    mb: &MassBalance,
    whose: &str,
) -> Result<(), ResultsError> {
    let g = w.group(parent, "mass_balance")?;
    w.attr_text(&g, "of", whose)?;
    w.f64_scalar(&g, "initial_storage", mb.initial_storage_m3, "m3", "storage at the start")?;
    w.f64_scalar(&g, "final_storage", mb.final_storage_m3, "m3", "storage at the end")?;
    let names =
        |t: &[tailtwin_core::VolumeTerm]| t.iter().map(|x| x.name.clone()).collect::<Vec<_>>();
    let vols = |t: &[tailtwin_core::VolumeTerm]| t.iter().map(|x| x.volume_m3).collect::<Vec<_>>();
    w.texts(&g, "inflow_names", &names(&mb.inflows), "names of the inflow terms")?;
    w.f64s(&g, "inflow_volumes", &vols(&mb.inflows), "m3", "volumes of the inflow terms")?;
    w.texts(&g, "outflow_names", &names(&mb.outflows), "names of the outflow terms")?;
    w.f64s(&g, "outflow_volumes", &vols(&mb.outflows), "m3", "volumes of the outflow terms")?;
    w.f64_scalar(&g, "error", mb.error_m3, "m3", "initial + inflows - outflows - final")?;
    w.f64_scalar(
        &g,
        "error_pct",
        mb.error_pct,
        "%",
        "error / (initial + inflows), SWMM convention",
    )?;
    Ok(())
}

fn write_summary(w: &H5Writer, root: &Group, r: &Report) -> Result<(), ResultsError> {
    let g = w.group(root, "summary")?;
    let scalars: [(&str, f64, &str, &str); 11] = [
        ("peak_stage", r.peak_stage_m, "m", "peak pond level"),
        ("time_of_peak_stage", r.time_of_peak_stage_s, "s", "time of peak level"),
        ("peak_inflow", r.peak_inflow_m3s, "m3/s", "peak inflow"),
        ("time_of_peak_inflow", r.time_of_peak_inflow_s, "s", "time of peak inflow"),
        ("peak_outflow", r.peak_outflow_m3s, "m3/s", "peak total outflow"),
        ("time_of_peak_outflow", r.time_of_peak_outflow_s, "s", "time of peak outflow"),
        ("min_freeboard", r.min_freeboard_m, "m", "minimum freeboard"),
        ("min_beach_length", r.min_beach_length_m, "m", "minimum dry-beach length"),
        ("overtopping_volume", r.overtopping_volume_m3, "m3", "overtopping volume"),
        ("mass_balance_error", r.mass_balance_error_m3, "m3", "continuity error"),
        ("mass_balance_error_pct", r.mass_balance_error_pct, "%", "continuity error, percent"),
    ];
    for (name, value, units, description) in scalars {
        w.f64_scalar(&g, name, value, units, description)?;
    }
    w.flag(&g, "overtopped", r.overtopped, "whether the dam was overtopped")?;
    write_mass_balance(w, &g, &r.mass_balance, "report")?;
    let sg = w.group(&g, "structures")?;
    let s = &r.structures;
    let col = |f: fn(&tailtwin_core::report::StructureSummary) -> String| {
        s.iter().map(f).collect::<Vec<_>>()
    };
    let num = |f: fn(&tailtwin_core::report::StructureSummary) -> f64| {
        s.iter().map(f).collect::<Vec<_>>()
    };
    w.texts(&sg, "id", &col(|x| x.id.clone()), "structure id")?;
    w.texts(&sg, "kind", &col(|x| x.kind.clone()), "structure kind")?;
    w.f64s(&sg, "peak_flow", &num(|x| x.peak_flow_m3s), "m3/s", "peak flow")?;
    w.f64s(&sg, "time_of_peak", &num(|x| x.time_of_peak_s), "s", "time of peak flow")?;
    w.f64s(&sg, "volume", &num(|x| x.volume_m3), "m3", "volume passed")?;
    w.texts(
        &sg,
        "regime_at_peak_stage",
        &col(|x| x.regime_at_peak_stage.clone()),
        "regime at peak stage",
    )?;
    w.texts(
        &sg,
        "control_at_peak_stage",
        &col(|x| x.control_at_peak_stage.clone()),
        "control at peak stage",
    )?;
    w.texts(&g, "warnings", &r.warnings, "warnings for the user")?;
    Ok(())
}
