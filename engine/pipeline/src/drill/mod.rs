//! Emergency drills (应急演练): a pond scenario played with injects, as the sensors, the alarms
//! and the emergency plan would see it.
//!
//! ```text
//! drill.toml ─▶ scenario (+ storm override) ─▶ structure injects as Scheduled outlets
//!   (at a time, or when the routed pond first meets a condition: resolved in file order, each on
//!   the run with the injects before it) ─▶ run_model (pass 1) ─▶ [breach inject] dam-break chain
//!   on the same model (pass 2 + 2D) ─▶ true pond series
//!   ─▶ readings every sensor interval (true values with the injected faults)
//!   ─▶ twin PointState hysteresis per sensor, GB 39496 roll-up per item and pond
//!   ─▶ plan response levels, public warning, evacuation window per point
//!   ─▶ timeline (model / sensor / plan / inject events) + the controller's inject sheet
//! ```
//!
//! Assumptions: a reading is the true value linearly interpolated on the routed series at the
//! reading time (routed output every `[routing] report_interval`, every 30 s after a breach,
//! plus the router's event times); a failed sensor sends nothing and its alarm state stays where
//! it was (the twin does not clear on silence); a stuck sensor repeats its reading at the inject
//! time; the item and pond levels are the roll-up at each reading time (no hysteresis of their
//! own, as in the twin). Thresholds are the GB 51108 guidance defaults of `tailtwin-twin`
//! (pond level from the plan's levels and the code minimum freeboard of the run's check table;
//! dry-beach red at the code minimum; 24 h rain classes). Evacuation window = arrival time −
//! time the public warning is issued (the evacuating response level's activation plus its
//! delay); negative or no warning = people caught, flagged.
//!
//! Verified by tests/drill.rs: the drill's peak equals `run_flood` of the scenario with the
//! blockage written into it, its arrivals equal `run_dambreak`'s, a scheduled blockage routes
//! identically to the unblocked run until its time, a failed sensor raises nothing after it
//! fails while the true level crosses (the timeline says so), bad drill files name the key path.

pub mod spec;
mod timeline;

pub use spec::{
    Drill, Inject, InjectAction, InjectTime, Response, ResponseTrigger, SensorKind, load, parse,
};
pub use timeline::{InjectRow, Source, TimelineEvent, inject_sheet_csv, timeline_csv};

use crate::dambreak::{DambreakError, DambreakRun, run_dambreak_with};
use crate::{Model, PipelineError, RunSettings, forcing, run_model};
use serde::Serialize;
use tailtwin_core::series::interpolate;
use tailtwin_core::warning::{AlarmLevel, roll_up};
use tailtwin_core::{FloodRun, RoutedPond};
use tailtwin_pond::structures::{Condition, Scheduled};
use tailtwin_scenario::dambreak::TriggerSpec;
use tailtwin_scenario::{DamType, Problem, Scenario, ScenarioError};
use tailtwin_twin::PointState;
use tailtwin_twin::defaults::{self, PondLevels};
use tailtwin_twin::model::Thresholds;
use thiserror::Error;

/// Why a drill failed.
#[derive(Debug, Error)]
pub enum DrillError {
    #[error("{0}")]
    Io(String),
    #[error("{} problem(s) in {file}:\n{}", problems.len(),
        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid { file: String, problems: Vec<Problem> },
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error(transparent)]
    Dambreak(Box<DambreakError>),
    /// A value of the drill that a process rejected, with its key path.
    #[error("{path}: {message}")]
    Value { path: String, message: String },
}

impl DrillError {
    /// True when the drill file or its scenario caused the failure (CLI exit 2).
    pub fn is_input_error(&self) -> bool {
        match self {
            DrillError::Io(_) => false,
            DrillError::Pipeline(e) => e.is_input_error(),
            DrillError::Dambreak(e) => e.is_input_error(),
            _ => true,
        }
    }
}

fn value_error(path: impl Into<String>, message: impl ToString) -> DrillError {
    DrillError::Value { path: path.into(), message: message.to_string() }
}

/// One sensor's readings (None: nothing received) and its alarm thresholds.
#[derive(Debug, Clone, Serialize)]
pub struct SensorTrace {
    pub id: String,
    pub kind: SensorKind,
    pub time_s: Vec<f64>,
    pub value: Vec<Option<f64>>,
    /// Point alarm level after each reading.
    pub level: Vec<AlarmLevel>,
}

/// A downstream point's warning.
#[derive(Debug, Clone, Serialize)]
pub struct PointWarning {
    pub name: String,
    pub kind: String,
    pub population: Option<u64>,
    /// Arrival on the drill clock (breach start + the 2D arrival), s.
    pub arrival_s: Option<f64>,
    /// Arrival − public warning, s (None: no warning was issued, or the point is not reached).
    pub evacuation_window_s: Option<f64>,
    /// People caught: reached with a negative window, or reached with no warning issued.
    pub caught: bool,
}

/// The flat summary of a drill (`tailtwin drill --json`).
#[derive(Debug, Clone, Serialize)]
pub struct DrillSummary {
    pub drill: String,
    pub scenario: String,
    pub engine_version: String,
    pub sensor_interval_s: f64,
    pub run_end_s: f64,
    pub peak_stage_m: f64,
    pub time_of_peak_stage_s: f64,
    pub overtopping_start_s: Option<f64>,
    pub overtopping_end_s: Option<f64>,
    pub breach_start_s: Option<f64>,
    /// The pond-level thresholds used (blue, yellow, orange, red), m.
    pub pond_level_thresholds_m: Vec<(AlarmLevel, f64)>,
    pub max_pond_alarm: AlarmLevel,
    /// When the evacuating response level was reached, plus its warning delay, s.
    pub warning_issued_at_s: Option<f64>,
    pub points: Vec<PointWarning>,
    /// Each inject's resolved time (None: its condition never held).
    pub inject_times_s: Vec<Option<f64>>,
    pub warnings: Vec<String>,
}

/// Everything a drill produced.
#[derive(Debug, Clone)]
pub struct DrillRun {
    pub summary: DrillSummary,
    pub timeline: Vec<TimelineEvent>,
    pub inject_sheet: Vec<InjectRow>,
    /// The flood with the structure injects (pass 1, no breach).
    pub flood: FloodRun,
    /// The true pond series the sensors read (the breach route when there is a breach).
    pub truth: RoutedPond,
    pub sensors: Vec<SensorTrace>,
    /// Pond roll-up level changes `(time_s, level)`, starting at `(0, none)`.
    pub pond_alarm: Vec<(f64, AlarmLevel)>,
    pub dambreak: Option<DambreakRun>,
}

const HOUR: f64 = 3600.0;

/// The structure injects of `drill` with resolved times applied to `base` as schedules.
fn scheduled_model(base: &Model, changes: &[Vec<(f64, Condition)>]) -> Result<Model, DrillError> {
    let mut m = base.clone();
    for (i, c) in changes.iter().enumerate() {
        if c.is_empty() {
            continue;
        }
        let mut c = c.clone();
        c.sort_by(|a, b| a.0.total_cmp(&b.0));
        m.structures[i] = Scheduled::new(base.structures[i].clone(), &c)
            .map_err(|e| value_error("inject", e))?
            .into();
    }
    Ok(m)
}

/// First time the routed pond reaches `level` (linear between samples).
fn first_reach(r: &RoutedPond, level: f64) -> Option<f64> {
    crossings(&r.time_s, &r.stage_m, level).into_iter().find(|c| c.1).map(|c| c.0)
}

/// Times where `y(t)` crosses `level`, `(t, rising)`; a series starting at or above the level
/// counts as rising at its first sample.
pub(crate) fn crossings(t: &[f64], y: &[f64], level: f64) -> Vec<(f64, bool)> {
    let mut out = Vec::new();
    if y.first().is_some_and(|&y0| y0 >= level) {
        out.push((t[0], true));
    }
    for i in 1..t.len() {
        let (a, b) = (y[i - 1] >= level, y[i] >= level);
        if a != b {
            let f = if y[i] == y[i - 1] { 1.0 } else { (level - y[i - 1]) / (y[i] - y[i - 1]) };
            out.push((t[i - 1] + f * (t[i] - t[i - 1]), b));
        }
    }
    out
}

/// Runs a drill on `threads` worker threads (the 2D run).
pub fn run_drill(d: &Drill, threads: usize) -> Result<DrillRun, DrillError> {
    let mut s: Scenario = d.scenario.clone();
    let settings = RunSettings { threads };
    let base = Model::new(&s)?;
    let forcing = forcing::forcing(&s)?;
    let mut warnings = Vec::new();

    // Structure injects: timed ones first, then conditions in file order.
    let mut changes: Vec<Vec<(f64, Condition)>> = vec![Vec::new(); base.structures.len()];
    let mut times: Vec<Option<f64>> = vec![None; d.injects.len()];
    let condition = |lost: f64, damaged: bool| {
        let remaining = 1.0 - lost;
        if damaged { Condition::Damaged { remaining } } else { Condition::Blocked { remaining } }
    };
    for (k, inj) in d.injects.iter().enumerate() {
        if let (InjectTime::At(t), InjectAction::Structure { index, capacity_lost, damaged, .. }) =
            (inj.time, &inj.action)
        {
            changes[*index].push((t, condition(*capacity_lost, *damaged)));
            times[k] = Some(t);
        }
    }
    let crest = tailtwin_scenario::build::pond_spec(&s).map_err(PipelineError::from)?.crest.m();
    let level_of = |t: InjectTime| match t {
        InjectTime::Level(z) => z,
        _ => crest,
    };
    for (k, inj) in d.injects.iter().enumerate() {
        if let (InjectTime::Level(_) | InjectTime::Overtopping, InjectAction::Structure { .. }) =
            (inj.time, &inj.action)
        {
            let InjectAction::Structure { index, capacity_lost, damaged, .. } = &inj.action else {
                unreachable!()
            };
            let m = scheduled_model(&base, &changes)?;
            let run = run_model(&s, &m, &forcing, &settings)?;
            times[k] = first_reach(&run.routed, level_of(inj.time));
            match times[k] {
                Some(t) => changes[*index].push((t, condition(*capacity_lost, *damaged))),
                None => {
                    warnings.push(format!("inject[{k}]: its condition never held; not applied"))
                }
            }
        }
    }
    let model = scheduled_model(&base, &changes)?;
    let flood = run_model(&s, &model, &forcing, &settings)?;
    let end = *flood.routed.time_s.last().expect("a route has samples");
    for (k, inj) in d.injects.iter().enumerate() {
        if let InjectTime::At(t) = inj.time
            && t >= end
        {
            return Err(value_error(
                format!("inject[{k}].at_h"),
                format!("{} h is not before the end of the run ({:.2} h)", t / HOUR, end / HOUR),
            ));
        }
    }

    // The breach, through the dam-break chain on the same model.
    let mut dambreak = None;
    if let Some((k, inj)) =
        d.injects.iter().enumerate().find(|(_, i)| matches!(i.action, InjectAction::Breach { .. }))
    {
        let InjectAction::Breach { overtopping_depth_m, overtopping_duration_s } = inj.action
        else {
            unreachable!()
        };
        let spec = s.dambreak.as_mut().expect("validated: a breach needs [dambreak]");
        spec.trigger = match inj.time {
            InjectTime::At(t) => TriggerSpec::Forced { time_s: t },
            InjectTime::Level(z) => TriggerSpec::PipingAtLevel { level_m: z },
            InjectTime::Overtopping => TriggerSpec::Overtopping {
                depth_m: overtopping_depth_m,
                duration_s: overtopping_duration_s,
            },
        };
        if !d.points.is_empty() {
            spec.points = d
                .points
                .iter()
                .map(|p| {
                    (
                        tailtwin_inundation::ObservationPoint {
                            name: p.name.clone(),
                            x: p.x,
                            y: p.y,
                            population: p.population,
                        },
                        p.kind.clone(),
                    )
                })
                .collect();
        }
        match run_dambreak_with(&s, &model, &forcing, threads) {
            Ok(run) => {
                times[k] = Some(run.summary.breach_start_s);
                dambreak = Some(run);
            }
            Err(DambreakError::Trigger(m)) => {
                warnings.push(format!("inject[{k}] (breach): {m}; no breach in this drill"));
            }
            Err(e) => return Err(DrillError::Dambreak(Box::new(e))),
        }
    }
    let truth = dambreak.as_ref().map_or_else(|| flood.routed.clone(), |b| b.breach_route.clone());
    // Sensor injects on conditions resolve on the true series.
    for (k, inj) in d.injects.iter().enumerate() {
        if matches!(
            inj.action,
            InjectAction::SensorFailure { .. } | InjectAction::WrongReading { .. }
        ) {
            times[k] = match inj.time {
                InjectTime::At(t) => Some(t),
                t => first_reach(&truth, level_of(t)),
            };
        }
    }

    // Thresholds.
    let p = tailtwin_scenario::build::pond_spec(&s).map_err(PipelineError::from)?;
    let checks = &flood.report.checks;
    let reference = if p.dam_type == DamType::Upstream { p.beach_crest.m() } else { p.crest.m() };
    let mut pond_th = None;
    if let Some(pre) = d.levels.pre_flood_control_m {
        let design = match d.levels.design_flood_m {
            Some(z) => z,
            None => crate::run_flood(&d.scenario, &settings)?.routed.peak_stage_m,
        };
        let fb = crate::nowcast::setup::check_threshold(checks, "freeboard").ok_or_else(|| {
            value_error("levels", "the run has no minimum-freeboard limit for the red level")
        })?;
        let levels = PondLevels {
            operating_control: d.levels.operating_control_m.unwrap_or(p.normal_level.m()),
            pre_flood_control: pre,
            design_flood: design,
            beach_crest: reference,
        };
        pond_th = Some(defaults::pond_level(levels, fb).map_err(|e| value_error("levels", e))?);
    }
    let beach_th = match crate::nowcast::setup::check_threshold(checks, "beach_length") {
        Some(t) => Some(defaults::beach_length(t).map_err(|e| value_error("sensor", e))?),
        None => None,
    };
    let rain_th = defaults::rainfall_24h();
    let thresholds_of = |k: SensorKind| -> Result<&Thresholds, DrillError> {
        match k {
            SensorKind::PondLevel => {
                pond_th.as_ref().ok_or_else(|| value_error("levels", "no pond-level thresholds"))
            }
            SensorKind::BeachLength => beach_th
                .as_ref()
                .ok_or_else(|| value_error("sensor", "the run has no minimum beach length")),
            SensorKind::Rainfall => Ok(&rain_th),
        }
    };

    // Readings and alarms.
    let rain = flood.hyetograph.clone();
    let true_value = |k: SensorKind, t: f64| match k {
        SensorKind::PondLevel => interpolate(&truth.time_s, &truth.stage_m, t),
        SensorKind::BeachLength => interpolate(&truth.time_s, &truth.beach_length_m, t),
        SensorKind::Rainfall => {
            rain.as_ref().map_or(0.0, |h| h.depth_between_m(t - 24.0 * HOUR, t))
        }
    };
    let dt = d.sensor_interval_s;
    let n = (end / dt).floor() as usize;
    let reading_times: Vec<f64> = (0..=n).map(|i| i as f64 * dt).collect();
    let mut traces = Vec::new();
    let mut events: Vec<TimelineEvent> = Vec::new();
    for (j, (id, kind)) in d.sensors.iter().enumerate() {
        let th = thresholds_of(*kind)?;
        let faults: Vec<(f64, &InjectAction)> = d
            .injects
            .iter()
            .zip(&times)
            .filter_map(|(i, t)| Some(((*t)?, &i.action)))
            .filter(|(_, a)| {
                matches!(a,
                    InjectAction::SensorFailure { sensor } | InjectAction::WrongReading { sensor, .. }
                        if *sensor == j)
            })
            .collect();
        let mut state = PointState::new();
        let mut tr = SensorTrace {
            id: id.clone(),
            kind: *kind,
            time_s: Vec::new(),
            value: Vec::new(),
            level: Vec::new(),
        };
        for &t in &reading_times {
            let mut v = Some(true_value(*kind, t));
            for &(tf, a) in &faults {
                if t < tf {
                    continue;
                }
                v = match *a {
                    InjectAction::SensorFailure { .. } => None,
                    InjectAction::WrongReading { stuck: true, .. } => Some(true_value(*kind, tf)),
                    InjectAction::WrongReading { offset_m, .. } => v.map(|x| x + offset_m),
                    _ => v,
                };
            }
            if let Some(x) = v {
                let from = state.level;
                if let Some(to) = state.step(th, (t * 1000.0).round() as i64, x) {
                    events.push(timeline::alarm_event(t, id, *kind, from, to, x, th));
                }
            }
            tr.time_s.push(t);
            tr.value.push(v);
            tr.level.push(state.level);
        }
        traces.push(tr);
    }
    // Roll-up per kind and pond at each reading time.
    let mut kinds: Vec<SensorKind> = d.sensors.iter().map(|s| s.1).collect();
    kinds.sort();
    kinds.dedup();
    let mut item_level = vec![AlarmLevel::None; kinds.len()];
    let mut pond_alarm = vec![(0.0, AlarmLevel::None)];
    for (i, &t) in reading_times.iter().enumerate() {
        for (q, &k) in kinds.iter().enumerate() {
            let members: Vec<AlarmLevel> =
                traces.iter().filter(|tr| tr.kind == k).map(|tr| tr.level[i]).collect();
            let l = roll_up(&members);
            if l != item_level[q] {
                events.push(timeline::group_event(
                    t,
                    (k.label_zh(), k.as_str()),
                    item_level[q],
                    l,
                    false,
                ));
                item_level[q] = l;
            }
        }
        let l = roll_up(&item_level);
        let last = pond_alarm.last().expect("starts with none").1;
        if l != last {
            events.push(timeline::group_event(t, ("库区", "pond"), last, l, true));
            pond_alarm.push((t, l));
        }
    }

    let ctx = timeline::Context {
        drill: d,
        times: &times,
        truth: &truth,
        flood: &flood,
        dambreak: dambreak.as_ref(),
        traces: &traces,
        pond_alarm: &pond_alarm,
        pond_th: pond_th.as_ref(),
        beach_th: beach_th.as_ref(),
        crest,
        dt,
    };
    let (mut more, warning_issued_at, points) = timeline::model_and_plan_events(&ctx);
    events.append(&mut more);
    timeline::sort(&mut events);
    let sheet = timeline::inject_sheet(&ctx, &events);
    let overtop = crossings(&truth.time_s, &truth.stage_m, crest);
    let max_pond_alarm = pond_alarm.iter().map(|x| x.1).max().unwrap_or_default();
    let summary = DrillSummary {
        drill: d.name.clone(),
        scenario: d.scenario.meta.name.clone(),
        engine_version: env!("CARGO_PKG_VERSION").to_owned(),
        sensor_interval_s: dt,
        run_end_s: end,
        peak_stage_m: truth.peak_stage_m,
        time_of_peak_stage_s: truth.time_of_peak_stage_s,
        overtopping_start_s: overtop.iter().find(|c| c.1).map(|c| c.0),
        overtopping_end_s: overtop.iter().find(|c| !c.1).map(|c| c.0),
        breach_start_s: dambreak.as_ref().map(|b| b.summary.breach_start_s),
        pond_level_thresholds_m: pond_th.as_ref().map_or_else(Vec::new, |th| {
            AlarmLevel::WARNINGS.iter().filter_map(|&l| Some((l, th.get(l)?.value))).collect()
        }),
        max_pond_alarm,
        warning_issued_at_s: warning_issued_at,
        points,
        inject_times_s: times,
        warnings,
    };
    Ok(DrillRun {
        summary,
        timeline: events,
        inject_sheet: sheet,
        flood,
        truth,
        sensors: traces,
        pond_alarm,
        dambreak,
    })
}
