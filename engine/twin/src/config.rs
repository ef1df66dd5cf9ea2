//! The twin configuration file (TOML): the pond, its scenario and its sensors.
//!
//! ```toml
//! [pond]
//! id = "demo-valley"
//! name = "演示尾矿库 / demo valley pond"
//! utc_offset = "+08:00"            # zone of naive timestamps in the exports
//! scenario = "../valley-pond.toml" # relative to this file
//!
//! [levels]                         # optional: characteristic levels for default thresholds
//! pre_flood_control_m = 369.0      # 汛前控制水位 (site data); unset: no yellow level default
//! design_flood_m = 370.2           # 设计最高洪水位; unset: the scenario's routed design flood peak
//!
//! [nowcast]                        # optional defaults of `tailtwin twin nowcast`
//! horizon_h = 72
//! warmup_h = 24                    # observed rain before now fed to the catchment
//! step_min = 10                    # trajectory interval
//!
//! [[sensor]]
//! id = "L1"
//! kind = "pond_level"              # a twin::SensorKind name
//! location = "decant tower 1"
//! unit = "m"                       # optional: the kind's default unit
//! # optional, in `unit`: quality = { min, max, max_rate_per_h, stuck_after_h }
//! # optional, in `unit`: thresholds = { blue, yellow, orange, red, deadband, hold_h }
//! #   (replaces the GB 51108 guidance defaults of the kind as a whole)
//!
//! [[sensor]]
//! id = "P2"
//! kind = "phreatic_level"
//! section = "main"                 # piezometers: the [[section]] and the station x along it
//! x_m = 480.0
//! ```
//!
//! Every problem is reported with its key path (`sensor[2].thresholds.red`); a TOML syntax
//! error with its line and column. Threshold defaults that need the scenario (design levels,
//! code minima) are filled by `tailtwin_pipeline::nowcast::setup`, not here (this crate depends
//! on core only).

use crate::error::TwinError;
use crate::model::{Direction, Pond, QualityLimits, Sensor, SensorKind, Thresholds, si_factor};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Nowcast defaults of a pond.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NowcastDefaults {
    /// Forecast horizon (h).
    #[serde(default = "default_horizon")]
    pub horizon_h: f64,
    /// Observed rain before the nowcast start fed to the catchment (h).
    #[serde(default = "default_warmup")]
    pub warmup_h: f64,
    /// Interval of the trajectories (min).
    #[serde(default = "default_step")]
    pub step_min: f64,
}

fn default_horizon() -> f64 {
    72.0
}
fn default_warmup() -> f64 {
    24.0
}
fn default_step() -> f64 {
    10.0
}

impl Default for NowcastDefaults {
    fn default() -> Self {
        NowcastDefaults {
            horizon_h: default_horizon(),
            warmup_h: default_warmup(),
            step_min: default_step(),
        }
    }
}

/// Characteristic levels given by the site (absolute elevations, m).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelOverrides {
    /// 汛前控制水位.
    pub pre_flood_control_m: Option<f64>,
    /// 设计最高洪水位 (default: the routed design flood peak of the scenario).
    pub design_flood_m: Option<f64>,
}

/// A configured sensor: the store's description plus where a piezometer sits.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorConfig {
    /// Thresholds are `Some` only when the config gives them (site values, SI).
    pub sensor: Sensor,
    /// The `[[section]]` of a piezometer.
    pub section: Option<String>,
}

/// A parsed and checked twin configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct TwinConfig {
    /// The config file (absolute).
    pub path: PathBuf,
    /// Its text.
    pub source_toml: String,
    pub pond: Pond,
    /// The pond's scenario, resolved against the config's folder.
    pub scenario_path: PathBuf,
    pub levels: LevelOverrides,
    pub nowcast: NowcastDefaults,
    pub sensors: Vec<SensorConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    pond: RawPond,
    #[serde(default)]
    levels: LevelOverrides,
    #[serde(default)]
    nowcast: NowcastDefaults,
    #[serde(default, rename = "sensor")]
    sensors: Vec<RawSensor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPond {
    id: String,
    name: String,
    utc_offset: Option<String>,
    scenario: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSensor {
    id: String,
    kind: String,
    #[serde(default)]
    location: String,
    unit: Option<String>,
    x_m: Option<f64>,
    y_m: Option<f64>,
    z_m: Option<f64>,
    section: Option<String>,
    quality: Option<RawQuality>,
    thresholds: Option<RawThresholds>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuality {
    min: Option<f64>,
    max: Option<f64>,
    max_rate_per_h: Option<f64>,
    stuck_after_h: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    blue: Option<f64>,
    yellow: Option<f64>,
    orange: Option<f64>,
    red: Option<f64>,
    deadband: Option<f64>,
    hold_h: Option<f64>,
}

/// Parses `+08:00`, `-05:30`, `UTC+8` or `Z` into seconds east of UTC.
pub fn parse_utc_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    let t = t.strip_prefix("UTC").unwrap_or(t);
    if t == "Z" || t.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None => (rest.parse::<i32>().ok()?, 0),
    };
    if !(0..=23).contains(&h) || !(0..=59).contains(&m) {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

impl TwinConfig {
    /// Reads and checks a config file.
    pub fn read(path: impl AsRef<Path>) -> Result<TwinConfig, TwinError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| TwinError::Io { path: path.into(), source })?;
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        TwinConfig::parse(&text, &abs)
    }

    /// Parses config text; `path` locates the scenario (relative paths are against its folder).
    pub fn parse(text: &str, path: &Path) -> Result<TwinConfig, TwinError> {
        let file = path.display().to_string();
        let raw: RawConfig = toml::from_str(text).map_err(|e| TwinError::Config {
            file: file.clone(),
            problems: vec![e.to_string().trim_end().to_string()],
        })?;
        let mut problems = Vec::new();
        let p = &raw.pond;
        let utc_offset_s = match &p.utc_offset {
            None => None,
            Some(o) => match parse_utc_offset(o) {
                Some(s) => Some(s),
                None => {
                    problems.push(format!(
                        "pond.utc_offset: '{o}' is not an offset like +08:00 or -05:30"
                    ));
                    None
                }
            },
        };
        if p.id.trim().is_empty() {
            problems.push("pond.id: empty".into());
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let joined = dir.join(&p.scenario);
        let scenario_path = std::fs::canonicalize(&joined).unwrap_or(joined);
        if !scenario_path.is_file() {
            problems.push(format!(
                "pond.scenario: {} is not a file (relative to {})",
                p.scenario.display(),
                dir.display()
            ));
        }
        let n = &raw.nowcast;
        for (key, v, lo) in [
            ("nowcast.horizon_h", n.horizon_h, 0.0),
            ("nowcast.warmup_h", n.warmup_h, -1.0),
            ("nowcast.step_min", n.step_min, 0.0),
        ] {
            if !(v.is_finite() && v > lo) {
                let want = if lo < 0.0 { "≥ 0" } else { "> 0" };
                problems.push(format!("{key}: {v} must be finite and {want}"));
            }
        }
        for (key, v) in [
            ("levels.pre_flood_control_m", raw.levels.pre_flood_control_m),
            ("levels.design_flood_m", raw.levels.design_flood_m),
        ] {
            if let Some(v) = v
                && !v.is_finite()
            {
                problems.push(format!("{key}: {v} is not finite"));
            }
        }
        let mut sensors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, s) in raw.sensors.iter().enumerate() {
            match sensor(s, &p.id, &format!("sensor[{i}]")) {
                Ok(c) => {
                    if !seen.insert(c.sensor.id.clone()) {
                        problems.push(format!("sensor[{i}].id: '{}' is used twice", c.sensor.id));
                    }
                    sensors.push(c);
                }
                Err(mut e) => problems.append(&mut e),
            }
        }
        if !problems.is_empty() {
            return Err(TwinError::Config { file, problems });
        }
        Ok(TwinConfig {
            path: path.to_path_buf(),
            source_toml: text.to_string(),
            pond: Pond { id: p.id.clone(), name: p.name.clone(), utc_offset_s },
            scenario_path,
            levels: raw.levels,
            nowcast: raw.nowcast,
            sensors,
        })
    }
}

fn sensor(s: &RawSensor, pond: &str, key: &str) -> Result<SensorConfig, Vec<String>> {
    let mut problems = Vec::new();
    let Some(kind) = SensorKind::parse(&s.kind) else {
        let names: Vec<_> = SensorKind::ALL.iter().map(|k| k.as_str()).collect();
        return Err(vec![format!("{key}.kind: '{}' is not one of {}", s.kind, names.join(", "))]);
    };
    if s.id.trim().is_empty() || s.id.trim() != s.id {
        problems.push(format!("{key}.id: '{}' is empty or has surrounding blanks", s.id));
    }
    let mut sensor = Sensor::new(&s.id, pond, kind);
    sensor.location = s.location.clone();
    if let Some(u) = &s.unit {
        sensor.unit = u.clone();
    }
    let Some(f) = si_factor(kind.dimension(), &sensor.unit) else {
        problems.push(format!("{key}.unit: '{}' is not a unit of {}", sensor.unit, kind.as_str()));
        return Err(problems);
    };
    for (name, v) in [("x_m", s.x_m), ("y_m", s.y_m), ("z_m", s.z_m)] {
        if let Some(v) = v
            && !v.is_finite()
        {
            problems.push(format!("{key}.{name}: {v} is not finite"));
        }
    }
    (sensor.x, sensor.y, sensor.z) = (s.x_m, s.y_m, s.z_m);
    match (kind, &s.section, s.x_m) {
        (SensorKind::PhreaticLevel, Some(_), None) => {
            problems.push(format!("{key}.x_m: a piezometer on a section needs its station x_m"))
        }
        (SensorKind::PhreaticLevel, _, _) => {}
        (_, Some(_), _) => {
            problems.push(format!("{key}.section: only phreatic_level sensors sit on a section"))
        }
        _ => {}
    }
    if let Some(q) = &s.quality {
        let per_s = |v: Option<f64>| v.map(|v| v * f / 3600.0);
        sensor.quality = QualityLimits {
            min: q.min.map(|v| v * f),
            max: q.max.map(|v| v * f),
            max_rate_per_s: per_s(q.max_rate_per_h),
            stuck_after_s: q.stuck_after_h.map(|h| h * 3600.0),
        };
    }
    if let Some(t) = &s.thresholds {
        let direction =
            if kind == SensorKind::BeachLength { Direction::Falling } else { Direction::Rising };
        let deadband = t.deadband.map_or(0.0, |d| d * f);
        let hold_s = t.hold_h.map_or(crate::defaults::DEFAULT_HOLD_S, |h| h * 3600.0);
        let values = [t.blue, t.yellow, t.orange, t.red].map(|v| v.map(|v| v * f));
        if values.iter().all(Option::is_none) {
            problems.push(format!("{key}.thresholds: no level (blue/yellow/orange/red) is set"));
        }
        sensor.thresholds = Some(Thresholds::site(direction, values, deadband, hold_s));
    }
    // The store's own checks (unit, quality limits, threshold order), with the key path.
    if problems.is_empty()
        && let Err(e) = crate::store::validate_sensor(&sensor)
    {
        let sub = match &e {
            TwinError::InvalidThresholds { .. } => ".thresholds",
            TwinError::InvalidQuality { .. } => ".quality",
            _ => "",
        };
        problems.push(format!("{key}{sub}: {e}"));
    }
    if problems.is_empty() {
        Ok(SensorConfig { sensor, section: s.section.clone() })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse_and_bad_ones_are_refused() {
        assert_eq!(parse_utc_offset("+08:00"), Some(28_800));
        assert_eq!(parse_utc_offset("UTC+8"), Some(28_800));
        assert_eq!(parse_utc_offset("-05:30"), Some(-19_800));
        assert_eq!(parse_utc_offset("Z"), Some(0));
        assert_eq!(parse_utc_offset("+25:00"), None);
        assert_eq!(parse_utc_offset("Asia/Shanghai"), None);
    }

    #[test]
    fn config_problems_name_their_key_paths() {
        let dir = std::env::temp_dir();
        let text = r#"
[pond]
id = "p"
name = "p"
utc_offset = "+8h"
scenario = "no-such-scenario.toml"
[[sensor]]
id = "L1"
kind = "pond_level"
thresholds = { blue = 2.0, yellow = 1.0 }
[[sensor]]
id = "R1"
kind = "rain"
"#;
        let e = TwinConfig::parse(text, &dir.join("twin.toml")).unwrap_err();
        let TwinError::Config { problems, .. } = e else { panic!("{e}") };
        let joined = problems.join("\n");
        assert!(joined.contains("pond.utc_offset"), "{joined}");
        assert!(joined.contains("pond.scenario"), "{joined}");
        assert!(joined.contains("sensor[0].thresholds"), "{joined}");
        assert!(joined.contains("sensor[1].kind"), "{joined}");
        // A syntax error names its line.
        let e = TwinConfig::parse("[pond]\nid = \n", &dir.join("t.toml")).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
