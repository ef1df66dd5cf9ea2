//! The drill file (TOML): schema, reading and validation against its pond scenario. Every
//! problem is reported with its key path (`inject[1].structure`), all of them at once.

use super::DrillError;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use tailtwin_core::warning::AlarmLevel;
use tailtwin_scenario::{Problem, Scenario};

/// `[drill]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrillMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The pond scenario, relative to the drill file.
    pub scenario: String,
    /// Sensor reporting interval, min (default 10).
    pub sensor_interval_min: Option<f64>,
}

/// `[storm]`: the storm override.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStormOverride {
    /// The scenario's design storm at this return period.
    pub return_period_years: Option<f64>,
    /// Observed rain, CSV with columns `time_h` (end of each record, h from the start) and
    /// `depth_mm` (depth in the record), relative to the drill file.
    pub observed_csv: Option<String>,
}

/// `[levels]`: the pond levels behind the GB 51108 default pond-level thresholds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevels {
    /// 正常运行控制水位 (default: the scenario's `pond.normal_level_m`).
    pub operating_control_m: Option<f64>,
    /// 汛前控制水位.
    pub pre_flood_control_m: Option<f64>,
    /// 设计最高洪水位 (default: the peak of the scenario's own design-flood run).
    pub design_flood_m: Option<f64>,
}

/// `[[sensor]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSensor {
    pub id: String,
    /// `pond_level`, `beach_length` or `rainfall`.
    pub kind: String,
}

/// `when = …` of an inject: a condition on the routed pond.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawWhen {
    /// `"overtopping"`.
    Named(String),
    /// `{ level_m = 370.5 }`: the pond reaches the level.
    Level { level_m: f64 },
}

/// `[[inject]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInject {
    /// `blockage`, `damage`, `sensor_failure`, `wrong_reading` or `breach`.
    pub kind: String,
    pub at_h: Option<f64>,
    pub when: Option<RawWhen>,
    /// Structure id (blockage, damage).
    pub structure: Option<String>,
    /// Fraction of the capacity lost, [0, 1] (blockage, damage).
    pub capacity_lost: Option<f64>,
    /// Sensor id (sensor_failure, wrong_reading).
    pub sensor: Option<String>,
    /// Wrong reading: added to the true value (m).
    pub offset_m: Option<f64>,
    /// Wrong reading: the value stays at the reading of the inject time.
    #[serde(default)]
    pub stuck: bool,
    /// Breach on overtopping: depth over the crest (m) and duration (h) first (default 0, 0).
    pub overtopping_depth_m: Option<f64>,
    pub overtopping_duration_h: Option<f64>,
    /// Text for the controller's sheet.
    #[serde(default)]
    pub note: String,
}

/// `[[response]]`: one response level of the emergency plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    /// The plan's name for it (`IV`, `III`, `II`, `I`).
    pub level: String,
    /// The pond alarm level (blue/yellow/orange/red) that activates it, or …
    pub alarm: Option<String>,
    /// … the pond level a pond-level gauge must read (m) to activate it.
    pub reading_level_m: Option<f64>,
    /// What the plan orders (bilingual text).
    pub action: String,
    /// Whether this level orders the evacuation of the public downstream.
    #[serde(default)]
    pub evacuate: bool,
    /// Time from the level's activation to the public warning, min (default 0).
    pub warning_delay_min: Option<f64>,
}

/// `[[point]]`: a downstream observation point (replaces the scenario's `[dambreak] points`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    pub name: String,
    pub x: f64,
    pub y: f64,
    #[serde(default = "default_kind")]
    pub kind: String,
    pub population: Option<u64>,
}

fn default_kind() -> String {
    "point".into()
}

/// The whole drill file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrill {
    pub drill: RawDrillMeta,
    #[serde(default)]
    pub storm: Option<RawStormOverride>,
    #[serde(default)]
    pub levels: RawLevels,
    #[serde(default)]
    pub sensor: Vec<RawSensor>,
    #[serde(default)]
    pub inject: Vec<RawInject>,
    #[serde(default)]
    pub response: Vec<RawResponse>,
    #[serde(default)]
    pub point: Vec<RawPoint>,
}

/// Kind of monitored quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorKind {
    PondLevel,
    BeachLength,
    Rainfall,
}

impl SensorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SensorKind::PondLevel => "pond_level",
            SensorKind::BeachLength => "beach_length",
            SensorKind::Rainfall => "rainfall",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            SensorKind::PondLevel => "库水位",
            SensorKind::BeachLength => "干滩长度",
            SensorKind::Rainfall => "24 h 降雨",
        }
    }
}

/// When an inject happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InjectTime {
    At(f64),
    /// The pond reaches the level (m).
    Level(f64),
    /// The pond reaches the crest (overtopping starts).
    Overtopping,
}

/// What an inject does.
#[derive(Debug, Clone, PartialEq)]
pub enum InjectAction {
    /// Index into the model's routed structures; `damaged` false = blockage.
    Structure {
        index: usize,
        id: String,
        capacity_lost: f64,
        damaged: bool,
    },
    SensorFailure {
        sensor: usize,
    },
    WrongReading {
        sensor: usize,
        offset_m: f64,
        stuck: bool,
    },
    Breach {
        overtopping_depth_m: f64,
        overtopping_duration_s: f64,
    },
}

/// One validated inject.
#[derive(Debug, Clone, PartialEq)]
pub struct Inject {
    pub time: InjectTime,
    pub action: InjectAction,
    pub note: String,
}

/// What activates a response level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ResponseTrigger {
    /// The pond roll-up alarm reaches the level.
    Alarm(AlarmLevel),
    /// A pond-level gauge reads at least this level (m).
    Reading(f64),
}

/// One validated response level.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub level: String,
    pub trigger: ResponseTrigger,
    pub action: String,
    pub evacuate: bool,
    pub warning_delay_s: f64,
}

/// The validated drill.
#[derive(Debug, Clone)]
pub struct Drill {
    pub name: String,
    pub description: String,
    pub file: PathBuf,
    /// The pond scenario (validated), with the storm override applied.
    pub scenario: Scenario,
    pub sensor_interval_s: f64,
    pub levels: RawLevels,
    pub sensors: Vec<(String, SensorKind)>,
    pub injects: Vec<Inject>,
    pub responses: Vec<Response>,
    pub points: Vec<RawPoint>,
    /// The drill file verbatim.
    pub source_toml: String,
}

const HOUR: f64 = 3600.0;

/// Reads and validates a drill file (and its scenario).
pub fn load(path: &Path) -> Result<Drill, DrillError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| DrillError::Io(format!("cannot read drill file {}: {e}", path.display())))?;
    parse(&text, path)
}

/// Parses and validates drill text; the scenario and CSV paths are relative to `path`'s folder.
pub fn parse(text: &str, path: &Path) -> Result<Drill, DrillError> {
    let file = path.display().to_string();
    let raw: RawDrill = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        DrillError::Invalid {
            file: file.clone(),
            problems: vec![Problem {
                path: format!("line {line}, column {col}"),
                message: e.message().to_owned(),
            }],
        }
    })?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    let scenario = tailtwin_scenario::load(&base.join(&raw.drill.scenario))?;
    let mut p: Vec<Problem> = Vec::new();
    let mut push = |path: String, message: String| p.push(Problem { path, message });
    let mut scenario = scenario;
    let routing_end = routing_end_hint(&scenario);

    if let Some(st) = &raw.storm {
        match (st.return_period_years, &st.observed_csv) {
            (Some(_), Some(_)) => {
                push("storm".into(), "give return_period_years or observed_csv, not both".into())
            }
            (Some(rp), None) => match &mut scenario.storm {
                Some(tailtwin_scenario::StormSpec::Design { return_period_years, .. })
                    if rp.is_finite() && rp > 1.0 =>
                {
                    *return_period_years = Some(rp);
                }
                Some(tailtwin_scenario::StormSpec::Design { .. }) => {
                    push("storm.return_period_years".into(), format!("{rp} must be finite and > 1"))
                }
                _ => push(
                    "storm.return_period_years".into(),
                    "the scenario has no design storm to set the return period of".into(),
                ),
            },
            (None, Some(csv)) => match read_rain_csv(&base.join(csv)) {
                Ok((time_s, depth_mm)) => {
                    scenario.storm = Some(tailtwin_scenario::StormSpec::Observed {
                        time_s,
                        depth_mm,
                        interval_s: None,
                    });
                }
                Err(m) => push("storm.observed_csv".into(), m),
            },
            (None, None) => {}
        }
    }
    let interval = raw.drill.sensor_interval_min.unwrap_or(10.0) * 60.0;
    if !(interval.is_finite() && interval > 0.0) {
        push("drill.sensor_interval_min".into(), format!("{} must be > 0", interval / 60.0));
    }
    let mut sensors = Vec::new();
    for (i, s) in raw.sensor.iter().enumerate() {
        let kind = match s.kind.as_str() {
            "pond_level" => SensorKind::PondLevel,
            "beach_length" => SensorKind::BeachLength,
            "rainfall" => SensorKind::Rainfall,
            k => {
                push(
                    format!("sensor[{i}].kind"),
                    format!("unknown kind '{k}' (pond_level, beach_length, rainfall)"),
                );
                continue;
            }
        };
        if sensors.iter().any(|(id, _): &(String, SensorKind)| *id == s.id) {
            push(format!("sensor[{i}].id"), format!("duplicate sensor id '{}'", s.id));
        }
        sensors.push((s.id.clone(), kind));
    }
    for (key, v) in [
        ("levels.operating_control_m", raw.levels.operating_control_m),
        ("levels.pre_flood_control_m", raw.levels.pre_flood_control_m),
        ("levels.design_flood_m", raw.levels.design_flood_m),
    ] {
        if let Some(v) = v
            && !v.is_finite()
        {
            push(key.into(), format!("{v} is not finite"));
        }
    }
    if sensors.iter().any(|(_, k)| *k == SensorKind::PondLevel)
        && raw.levels.pre_flood_control_m.is_none()
    {
        push(
            "levels.pre_flood_control_m".into(),
            "missing: the pond-level thresholds (GB 51108) need the pre-flood control level".into(),
        );
    }
    let routed: Vec<String> = tailtwin_scenario::build::routed_indices(&scenario)
        .map(|i| scenario.structures[i].id.clone())
        .collect();
    let mut injects = Vec::new();
    let mut breaches = 0;
    for (i, r) in raw.inject.iter().enumerate() {
        let key = |k: &str| format!("inject[{i}].{k}");
        let time = match (r.at_h, &r.when) {
            (Some(h), None) => {
                if !(h.is_finite() && h >= 0.0) {
                    push(key("at_h"), format!("{h} must be finite and ≥ 0"));
                    continue;
                }
                if let Some(end) = routing_end
                    && h * HOUR >= end
                {
                    push(
                        key("at_h"),
                        format!(
                            "{h} h is not before the end of the run ({:.1} h, routing.duration_h)",
                            end / HOUR
                        ),
                    );
                    continue;
                }
                InjectTime::At(h * HOUR)
            }
            (None, Some(RawWhen::Named(n))) if n == "overtopping" => InjectTime::Overtopping,
            (None, Some(RawWhen::Named(n))) => {
                push(
                    key("when"),
                    format!("unknown condition '{n}' (\"overtopping\" or {{ level_m = … }})"),
                );
                continue;
            }
            (None, Some(RawWhen::Level { level_m })) => {
                if !level_m.is_finite() {
                    push(key("when.level_m"), format!("{level_m} is not finite"));
                    continue;
                }
                InjectTime::Level(*level_m)
            }
            (Some(_), Some(_)) => {
                push(key("at_h"), "give at_h or when, not both".into());
                continue;
            }
            (None, None) => {
                push(key("at_h"), "missing: give at_h or when".into());
                continue;
            }
        };
        let sensor_index = |p: &mut dyn FnMut(String, String)| -> Option<usize> {
            let Some(id) = &r.sensor else {
                p(key("sensor"), "missing".into());
                return None;
            };
            let found = sensors.iter().position(|(s, _)| s == id);
            if found.is_none() {
                let known: Vec<&str> = sensors.iter().map(|(s, _)| s.as_str()).collect();
                p(key("sensor"), format!("unknown sensor '{id}' (known: {})", known.join(", ")));
            }
            found
        };
        let action = match r.kind.as_str() {
            "blockage" | "damage" => {
                let Some(id) = &r.structure else {
                    push(key("structure"), "missing".into());
                    continue;
                };
                let Some(index) = routed.iter().position(|s| s == id) else {
                    push(
                        key("structure"),
                        format!(
                            "unknown structure '{id}' (routed structures: {}; an outlet conduit \
                             is blocked through its tower)",
                            routed.join(", ")
                        ),
                    );
                    continue;
                };
                let lost = r.capacity_lost.unwrap_or(f64::NAN);
                if !(0.0..=1.0).contains(&lost) {
                    push(key("capacity_lost"), format!("{lost} must be in [0, 1]"));
                    continue;
                }
                InjectAction::Structure {
                    index,
                    id: id.clone(),
                    capacity_lost: lost,
                    damaged: r.kind == "damage",
                }
            }
            "sensor_failure" => match sensor_index(&mut push) {
                Some(sensor) => InjectAction::SensorFailure { sensor },
                None => continue,
            },
            "wrong_reading" => {
                let Some(sensor) = sensor_index(&mut push) else { continue };
                let offset = r.offset_m.unwrap_or(0.0);
                if r.stuck == r.offset_m.is_some() || !offset.is_finite() {
                    push(key("offset_m"), "give a finite offset_m or stuck = true".into());
                    continue;
                }
                InjectAction::WrongReading { sensor, offset_m: offset, stuck: r.stuck }
            }
            "breach" => {
                breaches += 1;
                if scenario.dambreak.is_none() {
                    push(key("kind"), "a breach needs the scenario's [dambreak]".into());
                    continue;
                }
                let depth = r.overtopping_depth_m.unwrap_or(0.0);
                let dur = r.overtopping_duration_h.unwrap_or(0.0);
                if !(depth.is_finite() && depth >= 0.0 && dur.is_finite() && dur >= 0.0) {
                    push(key("overtopping_depth_m"), "depth and duration must be ≥ 0".into());
                    continue;
                }
                InjectAction::Breach {
                    overtopping_depth_m: depth,
                    overtopping_duration_s: dur * HOUR,
                }
            }
            k => {
                push(
                    key("kind"),
                    format!(
                        "unknown inject '{k}' (blockage, damage, sensor_failure, wrong_reading, \
                         breach)"
                    ),
                );
                continue;
            }
        };
        injects.push(Inject { time, action, note: r.note.clone() });
    }
    if breaches > 1 {
        push("inject".into(), "at most one breach inject".into());
    }
    let mut responses = Vec::new();
    for (i, r) in raw.response.iter().enumerate() {
        let trigger = match (&r.alarm, r.reading_level_m) {
            (Some(a), None) => match AlarmLevel::parse(a) {
                Some(a) if a != AlarmLevel::None => ResponseTrigger::Alarm(a),
                _ => {
                    push(
                        format!("response[{i}].alarm"),
                        format!("'{a}' is not blue, yellow, orange or red"),
                    );
                    continue;
                }
            },
            (None, Some(z)) if z.is_finite() => ResponseTrigger::Reading(z),
            (None, Some(z)) => {
                push(format!("response[{i}].reading_level_m"), format!("{z} is not finite"));
                continue;
            }
            _ => {
                push(
                    format!("response[{i}].alarm"),
                    "give alarm or reading_level_m (one of them)".into(),
                );
                continue;
            }
        };
        let delay = r.warning_delay_min.unwrap_or(0.0);
        if !(delay.is_finite() && delay >= 0.0) {
            push(format!("response[{i}].warning_delay_min"), format!("{delay} must be ≥ 0"));
        }
        responses.push(Response {
            level: r.level.clone(),
            trigger,
            action: r.action.clone(),
            evacuate: r.evacuate,
            warning_delay_s: delay * 60.0,
        });
    }
    if responses.iter().filter(|r| r.evacuate).count() > 1 {
        push("response".into(), "only one response level orders the evacuation".into());
    }
    for (i, pt) in raw.point.iter().enumerate() {
        if !(pt.x.is_finite() && pt.y.is_finite()) {
            push(format!("point[{i}]"), "x and y must be finite".into());
        }
    }
    if !raw.point.is_empty() && scenario.dambreak.is_none() {
        push("point".into(), "downstream points need the scenario's [dambreak]".into());
    }
    if !p.is_empty() {
        return Err(DrillError::Invalid { file, problems: p });
    }
    Ok(Drill {
        name: raw.drill.name,
        description: raw.drill.description,
        file: path.to_path_buf(),
        scenario,
        sensor_interval_s: interval,
        levels: raw.levels,
        sensors,
        injects,
        responses,
        points: raw.point,
        source_toml: text.to_owned(),
    })
}

/// The routing end when `[routing] duration_h` fixes it (otherwise it depends on the storm and
/// is checked after the run).
fn routing_end_hint(s: &Scenario) -> Option<f64> {
    s.routing.duration_s
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// `time_h,depth_mm` records (comments `#`), times strictly increasing, depths ≥ 0.
fn read_rain_csv(path: &Path) -> Result<(Vec<f64>, Vec<f64>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let header = lines.next().ok_or("empty file")?.1;
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    if cols != ["time_h", "depth_mm"] {
        return Err(format!("header must be 'time_h,depth_mm', got '{header}'"));
    }
    let (mut t, mut d) = (Vec::new(), Vec::new());
    for (n, l) in lines {
        let v: Vec<f64> = l
            .split(',')
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        if v.len() != 2 || !v.iter().all(|x| x.is_finite()) || v[1] < 0.0 {
            return Err(format!("line {}: need time_h, depth_mm ≥ 0", n + 1));
        }
        if t.last().is_some_and(|&last| v[0] * HOUR <= last) {
            return Err(format!("line {}: time_h must increase", n + 1));
        }
        t.push(v[0] * HOUR);
        d.push(v[1]);
    }
    if t.is_empty() {
        return Err("no records".into());
    }
    Ok((t, d))
}
