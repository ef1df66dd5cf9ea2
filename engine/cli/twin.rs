//! `tailtwin twin init|ingest|status|nowcast|replay`: the digital twin of a pond from its
//! monitoring database (see `tailtwin_pipeline::nowcast` for the rules).

use crate::common::{BadInput, Status, print_json};
use anyhow::Context;
use serde::Serialize;
use std::path::{Path, PathBuf};
use tailtwin::pipeline::nowcast::replay::{ReplayForecast, ReplaySettings, replay};
use tailtwin::pipeline::nowcast::{self, NowcastSettings, RainForecast, Twin};
use tailtwin::twin::{Format, SensorKind, Store, TwinConfig, format_timestamp, parse_timestamp};

/// Arguments of `tailtwin twin`.
#[derive(Debug, clap::Args)]
pub struct TwinArgs {
    #[command(subcommand)]
    pub command: TwinCommand,
    /// Print exactly one JSON object on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", global = true, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

impl TwinArgs {
    pub fn threads(&self) -> usize {
        crate::common::threads_or_all_cores(self.threads)
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum TwinCommand {
    /// Create or update the database from a twin config (pond, scenario, sensors, thresholds).
    Init {
        config: PathBuf,
        /// Database file (default: twin.sqlite next to the config).
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
    },
    /// Ingest monitoring exports (CSV or JSON); exit 2 when a row was quarantined.
    Ingest { db: PathBuf, files: Vec<PathBuf> },
    /// Sensors (last reading, age, flags, alarm), the pond's current state and quarantine counts.
    Status {
        db: PathBuf,
        #[arg(long)]
        pond: Option<String>,
        /// Compare piezometers with a seepage solve at the current stage.
        #[arg(long)]
        phreatic: bool,
    },
    /// Forecast the next hours from the current state and a rain forecast (CSV or JSON).
    Nowcast {
        db: PathBuf,
        #[arg(long, value_name = "FILE")]
        forecast: PathBuf,
        #[arg(long, value_name = "H")]
        hours: Option<f64>,
        /// The state's instant (default: the latest level reading).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        #[arg(long)]
        pond: Option<String>,
        /// Output folder: trajectories.csv, members_stage.csv, nowcast.json, nowcast.svg.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Skip the phreatic burial depth (seepage solves at a few levels).
        #[arg(long)]
        no_burial: bool,
    },
    /// Run the nowcast through a past period from the stored data; warning lead times.
    Replay {
        db: PathBuf,
        #[arg(long, value_name = "TIME")]
        from: String,
        #[arg(long, value_name = "TIME")]
        to: String,
        #[arg(long, value_name = "DURATION", default_value = "1h")]
        every: String,
        #[arg(long, value_name = "DURATION", default_value = "72h")]
        horizon: String,
        /// perfect (the observed rain after each issue time) or persistence.
        #[arg(long, default_value = "perfect")]
        forecast: String,
        #[arg(long)]
        pond: Option<String>,
    },
}

fn bad(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(BadInput(msg.into()))
}

fn pipe(e: tailtwin::pipeline::PipelineError) -> anyhow::Error {
    crate::common::input(e)
}

/// Records run `id` as failed with the error `e` (which it returns, for the caller to exit on);
/// a failure to record it is the error instead.
fn failed_run(store: &mut Store, id: i64, e: tailtwin::pipeline::PipelineError) -> anyhow::Error {
    let outputs = serde_json::json!({"error": e.to_string()}).to_string();
    match store.finish_run(id, "failed", Some(&outputs)) {
        Ok(()) => pipe(e),
        Err(record) => record.into(),
    }
}

/// `90m`, `1h`, `1.5h`, `3600s`, `2d` → seconds.
pub fn parse_duration(text: &str) -> anyhow::Result<f64> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num.parse().map_err(|_| bad(format!("duration '{text}': not a number")))?;
    let f = match unit {
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" | "" => 3600.0,
        "d" => 86_400.0,
        _ => return Err(bad(format!("duration '{text}': unit must be s, min, h or d"))),
    };
    if !(v.is_finite() && v > 0.0) {
        return Err(bad(format!("duration '{text}' must be > 0")));
    }
    Ok(v * f)
}

fn open(db: &Path) -> anyhow::Result<Store> {
    if !db.is_file() {
        return Err(bad(format!("{}: no such database (run `tailtwin twin init`)", db.display())));
    }
    Store::open(db).map_err(|e| bad(format!("{}: {e}", db.display())))
}

fn time_arg(text: &str, utc_offset_s: Option<i32>, what: &str) -> anyhow::Result<i64> {
    parse_timestamp(text, utc_offset_s).map_err(|r| bad(format!("--{what} '{text}': {}", r.detail)))
}

pub fn run(args: &TwinArgs) -> anyhow::Result<Status> {
    match &args.command {
        TwinCommand::Init { config, db } => init(args, config, db.as_deref()),
        TwinCommand::Ingest { db, files } => ingest(args, db, files),
        TwinCommand::Status { db, pond, phreatic } => status(args, db, pond.as_deref(), *phreatic),
        TwinCommand::Nowcast { db, forecast, hours, at, pond, out, no_burial } => run_nowcast(
            args,
            db,
            forecast,
            *hours,
            at.as_deref(),
            pond.as_deref(),
            out.as_deref(),
            !no_burial,
        ),
        TwinCommand::Replay { db, from, to, every, horizon, forecast, pond } => {
            run_replay(args, db, from, to, every, horizon, forecast, pond.as_deref())
        }
    }
}

fn init(args: &TwinArgs, config: &Path, db: Option<&Path>) -> anyhow::Result<Status> {
    let cfg = TwinConfig::read(config).map_err(|e| bad(e.to_string()))?;
    let db = db
        .map(Path::to_path_buf)
        .unwrap_or_else(|| config.parent().unwrap_or(Path::new(".")).join("twin.sqlite"));
    let mut store = Store::init(&db).map_err(|e| bad(format!("{}: {e}", db.display())))?;
    let sensors = nowcast::init(&mut store, &cfg).map_err(pipe)?;
    #[derive(Serialize)]
    struct Out<'a> {
        database: String,
        pond: &'a str,
        scenario: String,
        schema_version: i64,
        sensors: &'a [tailtwin::twin::Sensor],
    }
    let out = Out {
        database: db.display().to_string(),
        pond: &cfg.pond.id,
        scenario: cfg.scenario_path.display().to_string(),
        schema_version: store.schema_version()?,
        sensors: &sensors,
    };
    if args.json {
        print_json(&out)?;
    } else {
        println!(
            "{}: pond {} ({}), scenario {}",
            out.database, cfg.pond.id, cfg.pond.name, out.scenario
        );
        println!(
            "  sensor   kind             unit  thresholds (SI: m; rain as the 24 h depth in m)"
        );
        for s in &sensors {
            let th = s.thresholds.as_ref().map_or("no thresholds".to_string(), |t| {
                tailtwin::core::warning::AlarmLevel::WARNINGS
                    .iter()
                    .filter_map(|l| t.get(*l).map(|v| format!("{} {:.3}", l.as_str(), v.value)))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            println!("  {:<8} {:<16} {:<5} {th}", s.id, s.kind.as_str(), s.unit);
        }
    }
    Ok(Status::Ok)
}

fn ingest(args: &TwinArgs, db: &Path, files: &[PathBuf]) -> anyhow::Result<Status> {
    if files.is_empty() {
        return Err(bad("twin ingest: no file given"));
    }
    let mut store = open(db)?;
    let mut reports = Vec::new();
    for f in files {
        let json = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let format = if json { Format::Json } else { Format::Csv };
        let r = store
            .ingest_file(f, format, None)
            .with_context(|| format!("ingesting {}", f.display()))?;
        reports.push(r);
    }
    let any_bad = reports.iter().any(|r| r.quarantined_total() > 0 || r.unreadable.is_some());
    if args.json {
        print_json(&reports)?;
    } else {
        for r in &reports {
            let q: Vec<String> =
                r.quarantined.iter().map(|(k, v)| format!("{} {v}", k.as_str())).collect();
            println!(
                "{}: {} rows, {} accepted, {} duplicates, {} quarantined{}{}",
                r.file,
                r.rows_read,
                r.accepted,
                r.duplicates,
                r.quarantined_total(),
                if q.is_empty() { String::new() } else { format!(" ({})", q.join(", ")) },
                if r.already_ingested { " — already ingested, nothing changed" } else { "" }
            );
        }
    }
    if any_bad {
        return Err(bad(
            "some rows were quarantined (reasons above; `tailtwin twin status` counts them)",
        ));
    }
    Ok(Status::Ok)
}

#[derive(Serialize)]
struct SensorLine {
    id: String,
    kind: String,
    unit: String,
    last_time: Option<String>,
    last_value_si: Option<f64>,
    age_h: Option<f64>,
    flags: Vec<&'static str>,
    alarm: String,
}

fn flag_names(flags: i64) -> Vec<&'static str> {
    use tailtwin::twin::quality::{FLAG_RANGE, FLAG_RATE, FLAG_STUCK};
    [(FLAG_RANGE, "range"), (FLAG_RATE, "rate"), (FLAG_STUCK, "stuck")]
        .into_iter()
        .filter(|(b, _)| flags & b != 0)
        .map(|(_, n)| n)
        .collect()
}

fn status(
    args: &TwinArgs,
    db: &Path,
    pond: Option<&str>,
    phreatic: bool,
) -> anyhow::Result<Status> {
    let mut store = open(db)?;
    let twin = Twin::open(&store, pond).map_err(pipe)?;
    let id = twin.config.pond.id.clone();
    let alarms = store.evaluate_alarms(&id, None)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut sensors = Vec::new();
    for s in &twin.sensors {
        let last = store.observations(&s.id, i64::MIN, i64::MAX)?.pop();
        sensors.push(SensorLine {
            id: s.id.clone(),
            kind: s.kind.as_str().into(),
            unit: s.unit.clone(),
            last_time: last.as_ref().and_then(|o| format_timestamp(o.t_ms)),
            last_value_si: last.as_ref().map(|o| o.value),
            age_h: last.as_ref().map(|o| (now - o.t_ms) as f64 / 3.6e6),
            flags: last.as_ref().map_or(Vec::new(), |o| flag_names(o.flags)),
            alarm: alarms.points.get(&s.id).copied().unwrap_or_default().as_str().into(),
        });
    }
    let state = nowcast::current_state(&store, &twin, i64::MAX, phreatic);
    let counts = store.status()?;
    #[derive(Serialize)]
    struct Out {
        pond: String,
        sensors: Vec<SensorLine>,
        items: std::collections::BTreeMap<String, String>,
        pond_alarm: String,
        state: Option<nowcast::CurrentState>,
        state_error: Option<String>,
        quarantined: std::collections::BTreeMap<String, u64>,
        observations: u64,
    }
    let (state, state_error) = match state {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let out = Out {
        pond: id,
        sensors,
        items: alarms
            .items
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.as_str().to_string()))
            .collect(),
        pond_alarm: alarms.pond_level.as_str().into(),
        state,
        state_error,
        quarantined: counts.quarantined,
        observations: counts.observations,
    };
    if args.json {
        print_json(&out)?;
        return Ok(Status::Ok);
    }
    println!(
        "pond {} — alarm 预警 {} — {} observations",
        out.pond, out.pond_alarm, out.observations
    );
    println!(
        "{:<8} {:<16} {:<26} {:>14} {:>9} {:<10} alarm",
        "sensor", "kind", "last reading", "value (SI)", "age h", "flags"
    );
    for s in &out.sensors {
        println!(
            "{:<8} {:<16} {:<26} {:>14} {:>9} {:<10} {}",
            s.id,
            s.kind,
            s.last_time.as_deref().unwrap_or("—"),
            s.last_value_si.map_or("—".into(), |v| format!("{v:.4}")),
            s.age_h.map_or("—".into(), |v| format!("{v:.1}")),
            s.flags.join("+"),
            s.alarm
        );
    }
    for (k, v) in &out.items {
        println!("item {k}: {v}");
    }
    match (&out.state, &out.state_error) {
        (Some(s), _) => {
            println!(
                "state at {} ({}): stage {:.3} m, storage {:.0} m³, freeboard {:.3} m, beach {:.1} m",
                s.time, s.stage_sensor, s.stage_m, s.storage_m3, s.freeboard_m, s.beach_length_m
            );
            for c in s.beach.iter().chain(&s.piezometers) {
                println!(
                    "  {}: observed {:.3}, model {:.3}, difference {:+.3} m",
                    c.sensor, c.observed, c.model, c.difference
                );
            }
            for n in &s.notes {
                println!("  note: {n}");
            }
        }
        (None, Some(e)) => println!("state: {e}"),
        _ => {}
    }
    for (k, v) in &out.quarantined {
        println!("quarantined {k}: {v}");
    }
    Ok(Status::Ok)
}

#[allow(clippy::too_many_arguments)]
fn run_nowcast(
    args: &TwinArgs,
    db: &Path,
    forecast: &Path,
    hours: Option<f64>,
    at: Option<&str>,
    pond: Option<&str>,
    out: Option<&Path>,
    burial: bool,
) -> anyhow::Result<Status> {
    let mut store = open(db)?;
    let twin = Twin::open(&store, pond).map_err(pipe)?;
    let offset = twin.config.pond.utc_offset_s;
    let f = RainForecast::read(forecast, offset).map_err(|e| bad(e.to_string()))?;
    let mut settings = NowcastSettings::from_defaults(&twin.config.nowcast);
    if let Some(h) = hours {
        settings.horizon_s = h * 3600.0;
    }
    let at_ms = at.map(|t| time_arg(t, offset, "at")).transpose()?.unwrap_or(i64::MAX);
    let inputs = serde_json::json!({
        "forecast": forecast.display().to_string(), "members": f.members.len(),
        "at": at, "settings": settings,
    });
    let id = store.begin_run(&twin.config.pond.id, "nowcast", &inputs.to_string())?;
    let result = twin.nowcast_at(&store, at_ms, &f, &settings).and_then(|(state, mut n)| {
        if burial && twin.model.scenario.seepage.is_some() {
            nowcast::burial::attach(&twin.model, &mut n, nowcast::burial::DEFAULT_LEVELS)?;
        }
        Ok((state, n))
    });
    let (state, n) = match result {
        Ok(x) => x,
        Err(e) => return Err(failed_run(&mut store, id, e)),
    };
    let summary = serde_json::json!({
        "run": id, "state": state, "nowcast": n,
    });
    store.finish_run(
        id,
        "ok",
        Some(
            &serde_json::json!({
                "pond_level": n.pond_level, "peak_stage_m": n.peak_stage_m, "items": n.items,
            })
            .to_string(),
        ),
    )?;
    if let Some(dir) = out {
        crate::twin_out::write(dir, &twin, &state, &n, &summary)?;
    }
    if args.json {
        print_json(&summary)?;
    } else {
        print!("{}", crate::twin_out::render(&state, &n));
    }
    Ok(Status::Ok)
}

#[allow(clippy::too_many_arguments)]
fn run_replay(
    args: &TwinArgs,
    db: &Path,
    from: &str,
    to: &str,
    every: &str,
    horizon: &str,
    forecast: &str,
    pond: Option<&str>,
) -> anyhow::Result<Status> {
    let mut store = open(db)?;
    let twin = Twin::open(&store, pond).map_err(pipe)?;
    let offset = twin.config.pond.utc_offset_s;
    let mut ns = NowcastSettings::from_defaults(&twin.config.nowcast);
    ns.horizon_s = parse_duration(horizon)?;
    let settings = ReplaySettings {
        from_ms: time_arg(from, offset, "from")?,
        to_ms: time_arg(to, offset, "to")?,
        every_s: parse_duration(every)?,
        forecast: match forecast {
            "perfect" => ReplayForecast::Perfect,
            "persistence" => ReplayForecast::Persistence,
            other => return Err(bad(format!("--forecast '{other}': perfect or persistence"))),
        },
        nowcast: ns,
    };
    let id = store.begin_run(&twin.config.pond.id, "replay", &serde_json::to_string(&settings)?)?;
    let r = match replay(&store, &twin, &settings) {
        Ok(r) => r,
        Err(e) => return Err(failed_run(&mut store, id, e)),
    };
    store.finish_run(id, "ok", Some(&serde_json::to_string(&r.lead_times)?))?;
    if args.json {
        print_json(&serde_json::json!({"run": id, "replay": r}))?;
        return Ok(Status::Ok);
    }
    println!(
        "replay of {} issue times ({} skipped), forecast {forecast}",
        r.issues.len(),
        r.skipped.len()
    );
    let t = |ms: Option<i64>| ms.and_then(format_timestamp).unwrap_or_else(|| "—".into());
    println!(
        "{:<10} {:<8} {:>10} {:<22} {:<22} {:>9}",
        "item", "level", "threshold", "observed crossing", "first warning", "lead h"
    );
    for l in &r.lead_times {
        let item = match l.quantity {
            nowcast::Quantity::Stage => SensorKind::PondLevel.as_str(),
            nowcast::Quantity::BeachLength => SensorKind::BeachLength.as_str(),
            nowcast::Quantity::Rain24h => SensorKind::Rainfall.as_str(),
            nowcast::Quantity::BurialDepth => SensorKind::PhreaticLevel.as_str(),
        };
        println!(
            "{:<10} {:<8} {:>10.3} {:<22} {:<22} {:>9}",
            item,
            l.level.as_str(),
            l.threshold,
            t(l.observed_crossing_ms),
            t(l.first_warning_ms),
            l.lead_time_s.map_or("—".into(), |s| format!("{:.2}", s / 3600.0))
        );
    }
    Ok(Status::Ok)
}
