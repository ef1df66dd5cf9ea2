//! `tailtwin calibrate DB --scenario FILE --runoff|--seepage [--from T --to T] [--json]`:
//! calibrates the scenario's SCS curve number from observed storms (inverse water balance), or a
//! conductivity parameter of a section material from piezometers, with the monitoring store's
//! data; prints the fit and saves it to the store's `model_states` (unless `--dry-run`).
//!
//! Exit 0 on success, 2 on bad input (unknown pond or sensor, no level data in the window, too
//! few storms, a bad scenario), 3 on other failures.

use crate::common::{BadInput, load, print_json};
use anyhow::Context;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use tailtwin::pipeline::calibrate::store::{self as cs, Window};
use tailtwin::pipeline::calibrate::{
    CalibrationError, RunoffSettings, SeepageCalibrationSettings, SeepageParameter,
    calibrate_runoff, calibrate_seepage,
};
use tailtwin::twin::{Provenance, SensorKind, Store, format_timestamp, parse_timestamp};

/// Arguments of `tailtwin calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The monitoring store (SQLite file made by the twin).
    pub db: PathBuf,
    /// The scenario whose model is calibrated (TOML).
    #[arg(long, value_name = "FILE")]
    pub scenario: PathBuf,
    /// Calibrate the catchment's SCS curve number from storms.
    #[arg(long, conflicts_with = "seepage", required_unless_present = "seepage")]
    pub runoff: bool,
    /// Calibrate a section material's conductivity ratio (or multiplier) from piezometers.
    #[arg(long)]
    pub seepage: bool,
    /// Start of the data window (RFC 3339, or local time of the pond).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// End of the data window.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// The pond in the store (default: its only pond).
    #[arg(long)]
    pub pond: Option<String>,
    /// Pond-level sensor (default: the pond's only one).
    #[arg(long, value_name = "ID")]
    pub level_sensor: Option<String>,
    /// Rain gauge (runoff; default: the pond's only one).
    #[arg(long, value_name = "ID")]
    pub rain_sensor: Option<String>,
    /// A metered pumped outflow (runoff; a flow sensor, m³/s after conversion).
    #[arg(long, value_name = "ID")]
    pub pumped_sensor: Option<String>,
    /// Also fit the initial-abstraction ratio λ (runoff).
    #[arg(long)]
    pub fit_ia_ratio: bool,
    /// Dry gap separating storms and runoff tail of each window, hours (runoff; default 12).
    #[arg(long, value_name = "H")]
    pub min_gap_h: Option<f64>,
    /// Storms with less rain are skipped, mm (runoff; default 10).
    #[arg(long, value_name = "MM")]
    pub min_event_rain_mm: Option<f64>,
    /// Section (seepage; default: the [stability] section, else the first).
    #[arg(long)]
    pub section: Option<String>,
    /// Material whose conductivity is calibrated (seepage).
    #[arg(long)]
    pub material: Option<String>,
    /// k-ratio (k₁/k₂, geometric mean kept) or k-multiplier (seepage; default k-ratio).
    #[arg(long, value_name = "P", default_value = "k-ratio")]
    pub parameter: String,
    /// Search bounds of the parameter (seepage; defaults 1–100 for the ratio, 0.01–100 for the
    /// multiplier).
    #[arg(long)]
    pub lower: Option<f64>,
    #[arg(long)]
    pub upper: Option<f64>,
    /// Do not save the result to the store.
    #[arg(long)]
    pub dry_run: bool,
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Worker threads of the seepage solver (default 1). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

fn bad(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(BadInput(msg.into()))
}

fn cal_err(e: CalibrationError) -> anyhow::Error {
    if e.is_input_error() { bad(e.to_string()) } else { anyhow::Error::new(e) }
}

/// Runs the command.
pub fn main(args: &CalibrateArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => crate::common::report_error(&e),
    }
}

fn time_ms(text: &Option<String>, offset: Option<i32>, key: &str) -> anyhow::Result<Option<i64>> {
    text.as_deref()
        .map(|t| {
            parse_timestamp(t, offset).map_err(|e| bad(format!("--{key} '{t}': {}", e.detail)))
        })
        .transpose()
}

fn stamp(ms: i64) -> String {
    format_timestamp(ms).unwrap_or_else(|| format!("{ms} ms"))
}

fn run(args: &CalibrateArgs) -> anyhow::Result<()> {
    let scenario = load(&args.scenario)?;
    if !args.db.exists() {
        return Err(bad(format!("{}: no such monitoring store", args.db.display())));
    }
    let mut store =
        Store::open(&args.db).map_err(|e| bad(format!("{}: {e}", args.db.display())))?;
    let pond = cs::pond_id(&store, args.pond.as_deref()).map_err(cal_err)?;
    let offset = store.pond(&pond)?.utc_offset_s;
    let window = Window {
        from_ms: time_ms(&args.from, offset, "from")?,
        to_ms: time_ms(&args.to, offset, "to")?,
    };
    if let (Some(a), Some(b)) = (window.from_ms, window.to_ms)
        && a > b
    {
        return Err(bad("--from is after --to"));
    }
    let level =
        cs::sensor_of_kind(&store, &pond, SensorKind::PondLevel, args.level_sensor.as_deref())
            .map_err(cal_err)?;
    let scenario_path = args.scenario.display().to_string();
    if args.runoff {
        let rain =
            cs::sensor_of_kind(&store, &pond, SensorKind::Rainfall, args.rain_sensor.as_deref())
                .map_err(cal_err)?;
        let pumped = match &args.pumped_sensor {
            Some(id) => Some(
                cs::sensor_of_kind(&store, &pond, SensorKind::SeepageFlow, Some(id))
                    .map_err(cal_err)?,
            ),
            None => None,
        };
        let (obs, origin) =
            cs::runoff_observations(&store, &level, &rain, pumped.as_ref(), &window)
                .map_err(cal_err)?;
        let mut settings = RunoffSettings { fit_ia_ratio: args.fit_ia_ratio, ..Default::default() };
        if let Some(h) = args.min_gap_h {
            settings.min_gap_s = h * 3600.0;
        }
        if let Some(mm) = args.min_event_rain_mm {
            settings.min_event_rain_mm = mm;
        }
        let cal = calibrate_runoff(&scenario, &obs, &settings).map_err(cal_err)?;
        let last = obs.level.last().map_or(0.0, |p| p.0);
        let to_ms = origin + (last * 1000.0).round() as i64;
        let mut sensors = vec![level.id.clone(), rain.id.clone()];
        sensors.extend(pumped.iter().map(|p| p.id.clone()));
        let provenance = Provenance {
            engine_version: cs::engine_version(),
            from_ms: origin,
            to_ms,
            method: format!(
                "inverse water balance per storm + SCS-CN least squares ({}); stage re-routed",
                if args.fit_ia_ratio {
                    "CN and λ, Nelder–Mead"
                } else {
                    "CN, grid + golden section"
                }
            ),
            scenario: Some(scenario_path),
            sensors,
            note: String::new(),
        };
        let id = if args.dry_run {
            None
        } else {
            Some(cs::save_runoff(&mut store, &pond, &cal, &provenance).map_err(cal_err)?)
        };
        if args.json {
            return print_json(&json!({
                "pond": pond, "kind": cs::RUNOFF_KIND, "provenance": provenance,
                "model_state_id": id, "calibration": cal,
            }));
        }
        let f = &cal.fit;
        println!(
            "径流参数率定 / runoff calibration — pond {pond}, {} … {}",
            stamp(origin),
            stamp(to_ms)
        );
        println!(
            "{:<22} {:>8} {:>10} {:>10} {:>12} {:>12} {:>12}",
            "storm start (UTC)",
            "rain mm",
            "runoff mm",
            "fitted mm",
            "ΔS m³",
            "outflow m³",
            "on pond m³"
        );
        for e in &cal.events {
            println!(
                "{:<22} {:>8.1} {:>10.2} {:>10.2} {:>12.0} {:>12.0} {:>12.0}",
                stamp(origin + (e.rain_start_s * 1000.0) as i64),
                e.rain_mm,
                e.runoff_mm,
                e.fitted_runoff_mm,
                e.storage_change_m3,
                e.outflow_m3,
                e.rain_on_pond_m3
            );
        }
        for e in &cal.skipped {
            println!(
                "skipped {} ({:.1} mm): {}",
                stamp(origin + (e.rain_start_s * 1000.0) as i64),
                e.rain_mm,
                e.reason
            );
        }
        println!(
            "CN = {:.2} ± {:.3} (95 %: {:.2}–{:.2}); λ = {:.3}{}",
            f.curve_number,
            f.curve_number_se,
            f.curve_number_ci95[0],
            f.curve_number_ci95[1],
            f.ia_ratio,
            match f.ia_ratio_se {
                Some(se) => format!(" ± {se:.3}"),
                None => " (fixed)".into(),
            }
        );
        println!(
            "events {}: RMSE {:.3} mm, bias {:+.3} mm, NSE {:.4}{}",
            f.events,
            f.rmse_mm,
            f.bias_mm,
            f.nse,
            if f.at_bounds.is_empty() {
                String::new()
            } else {
                format!("; at bound: {}", f.at_bounds.join(", "))
            }
        );
        println!(
            "水位过程拟合 / stage fit: NSE {:.4}, RMSE {:.4} m, bias {:+.4} m over {} readings",
            f.stage.nse, f.stage.rmse_m, f.stage.bias_m, f.stage.points
        );
        for w in &cal.warnings {
            eprintln!("warning: {w}");
        }
        if let Some(id) = id {
            println!("saved: model state {id} ({})", cs::RUNOFF_KIND);
        }
        return Ok(());
    }
    // Seepage.
    let material = args
        .material
        .as_deref()
        .ok_or_else(|| bad("--seepage needs --material NAME (the material to calibrate)"))?;
    let parameter = match args.parameter.as_str() {
        "k-ratio" => SeepageParameter::KRatio,
        "k-multiplier" => SeepageParameter::KMultiplier,
        other => return Err(bad(format!("--parameter '{other}': use k-ratio or k-multiplier"))),
    };
    if scenario.sections.is_empty() {
        return Err(bad(format!("{scenario_path}: the scenario has no [[section]]")));
    }
    let index = match &args.section {
        Some(name) => {
            scenario.sections.iter().position(|s| &s.section.name == name).ok_or_else(|| {
                bad(format!("--section '{name}' is not a section of the scenario"))
            })?
        }
        None => scenario.stability_section_index().unwrap_or(0),
    };
    let section = &scenario.sections[index].section;
    let (piezometers, pond_level, level_sd) =
        cs::piezometer_observations(&store, &pond, &level, &window).map_err(cal_err)?;
    let mut settings = SeepageCalibrationSettings::new(material, parameter);
    if let Some(v) = args.lower {
        settings.lower = v;
    }
    if let Some(v) = args.upper {
        settings.upper = v;
    }
    let mut seepage = scenario.seepage.as_ref().map(|p| p.settings).unwrap_or_default();
    seepage.threads = args.threads.map_or(1, usize::from);
    let cal = calibrate_seepage(section, &seepage, pond_level, &piezometers, &settings)
        .map_err(cal_err)?;
    let (from_ms, to_ms) = {
        let obs = store
            .observations(
                &level.id,
                window.from_ms.unwrap_or(i64::MIN),
                window.to_ms.unwrap_or(i64::MAX),
            )
            .context("reading the level")?;
        (obs.first().map_or(0, |o| o.t_ms), obs.last().map_or(0, |o| o.t_ms))
    };
    let mut sensors = vec![level.id.clone()];
    sensors.extend(piezometers.iter().map(|p| p.id.clone()));
    let provenance = Provenance {
        engine_version: cs::engine_version(),
        from_ms,
        to_ms,
        method: format!(
            "steady seepage at the window-mean pond level; least squares on piezometer levels, \
             {} in log space (grid + golden section)",
            parameter.key()
        ),
        scenario: Some(scenario_path),
        sensors,
        note: format!("pond level standard deviation in the window {level_sd:.3} m"),
    };
    let id = if args.dry_run {
        None
    } else {
        Some(cs::save_seepage(&mut store, &pond, &cal, &provenance).map_err(cal_err)?)
    };
    if args.json {
        return print_json(&json!({
            "pond": pond, "kind": cs::SEEPAGE_KIND, "provenance": provenance,
            "pond_level_sd_m": level_sd, "model_state_id": id, "calibration": cal,
        }));
    }
    println!(
        "渗透参数率定 / seepage calibration — pond {pond}, section '{}', material '{}', {} … {}",
        cal.section,
        cal.material,
        stamp(from_ms),
        stamp(to_ms)
    );
    println!("pond level 库水位 {:.3} m (window mean, s.d. {level_sd:.3} m)", cal.pond_level_m);
    println!(
        "{:<12} {:>10} {:>12} {:>12} {:>10}",
        "piezometer", "x m", "observed m", "simulated m", "Δ m"
    );
    for p in &cal.piezometers {
        println!(
            "{:<12} {:>10.1} {:>12.3} {:>12.3} {:>+10.3}",
            p.id,
            p.x_m,
            p.observed_m,
            p.simulated_m,
            p.simulated_m - p.observed_m
        );
    }
    println!(
        "{} = {:.4} (95 %: {:.4}–{:.4}); k₁ = {:.3e} m/s, k₂/k₁ = {:.4}",
        parameter.key(),
        cal.value,
        cal.ci95[0],
        cal.ci95[1],
        cal.k_major_m_s,
        cal.k_ratio_minor_over_major
    );
    println!(
        "RMSE {:.3} m, bias {:+.3} m, {} solves; profile: {}",
        cal.rmse_m,
        cal.bias_m,
        cal.evaluations,
        cal.profile.iter().map(|(p, r)| format!("{p:.3}→{r:.3} m")).collect::<Vec<_>>().join(", ")
    );
    for w in &cal.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(id) = id {
        println!("saved: model state {id} ({})", cs::SEEPAGE_KIND);
    }
    Ok(())
}
