//! The monitored things: ponds, sensors (kind, units, quality limits), warning levels and
//! thresholds.

use crate::error::TwinError;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use tailtwin_core::{Confidence, Standard};

/// A monitored pond. `utc_offset` is the zone in which its exports write naive timestamps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pond {
    /// Stable identifier, e.g. `"demo-valley"`.
    pub id: String,
    pub name: String,
    /// Offset applied to timestamps written without one (e.g. +08:00 for Asia/Shanghai, which has
    /// kept a fixed offset without daylight saving since 1991). `None`: naive timestamps are
    /// quarantined (`naive_time_without_zone`).
    pub utc_offset_s: Option<i32>,
}

impl Pond {
    /// A pond whose exports use China Standard Time (Asia/Shanghai, UTC+08:00, no DST).
    pub fn china(id: &str, name: &str) -> Self {
        Pond { id: id.into(), name: name.into(), utc_offset_s: Some(8 * 3600) }
    }

    pub(crate) fn offset(&self) -> Result<Option<FixedOffset>, TwinError> {
        match self.utc_offset_s {
            None => Ok(None),
            Some(s) => FixedOffset::east_opt(s)
                .map(Some)
                .ok_or(TwinError::InvalidOffset { pond: self.id.clone(), offset_s: s }),
        }
    }
}

/// The monitored quantity of a sensor (GB 39496 §5.5.2 items, standards.md §8). Values are stored
/// in SI: m (elevation, length, rain depth, displacement), Pa, m³/s, NTU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorKind {
    /// Pond water level, absolute elevation (m).
    PondLevel,
    /// Rain gauge: depth fallen in the reporting interval (m; exports usually in mm).
    Rainfall,
    /// Dry-beach length (m).
    BeachLength,
    /// Piezometer water level (phreatic line), absolute elevation (m).
    PhreaticLevel,
    /// Pore-water pressure (Pa).
    PorePressure,
    /// Dam surface displacement (m; exports usually in mm).
    DamDisplacement,
    /// Landslide displacement in the pond area (m).
    LandslideDisplacement,
    /// Seepage flow (m³/s).
    SeepageFlow,
    /// Seepage turbidity (NTU; no conversion).
    Turbidity,
}

/// Physical dimension of a kind; decides which units convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dimension {
    Length,
    Pressure,
    Flow,
    Turbidity,
}

impl SensorKind {
    pub const ALL: [SensorKind; 9] = [
        SensorKind::PondLevel,
        SensorKind::Rainfall,
        SensorKind::BeachLength,
        SensorKind::PhreaticLevel,
        SensorKind::PorePressure,
        SensorKind::DamDisplacement,
        SensorKind::LandslideDisplacement,
        SensorKind::SeepageFlow,
        SensorKind::Turbidity,
    ];

    /// Name stored in the database and used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            SensorKind::PondLevel => "pond_level",
            SensorKind::Rainfall => "rainfall",
            SensorKind::BeachLength => "beach_length",
            SensorKind::PhreaticLevel => "phreatic_level",
            SensorKind::PorePressure => "pore_pressure",
            SensorKind::DamDisplacement => "dam_displacement",
            SensorKind::LandslideDisplacement => "landslide_displacement",
            SensorKind::SeepageFlow => "seepage_flow",
            SensorKind::Turbidity => "turbidity",
        }
    }

    pub fn parse(s: &str) -> Option<SensorKind> {
        SensorKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Bilingual item name for reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            SensorKind::PondLevel => "库水位",
            SensorKind::Rainfall => "降雨量",
            SensorKind::BeachLength => "干滩长度",
            SensorKind::PhreaticLevel => "浸润线",
            SensorKind::PorePressure => "孔隙水压力",
            SensorKind::DamDisplacement => "坝体位移",
            SensorKind::LandslideDisplacement => "库区滑坡位移",
            SensorKind::SeepageFlow => "渗流量",
            SensorKind::Turbidity => "浑浊度",
        }
    }

    pub(crate) fn dimension(self) -> Dimension {
        match self {
            SensorKind::PondLevel
            | SensorKind::Rainfall
            | SensorKind::BeachLength
            | SensorKind::PhreaticLevel
            | SensorKind::DamDisplacement
            | SensorKind::LandslideDisplacement => Dimension::Length,
            SensorKind::PorePressure => Dimension::Pressure,
            SensorKind::SeepageFlow => Dimension::Flow,
            SensorKind::Turbidity => Dimension::Turbidity,
        }
    }

    /// The unit exports are assumed to use when a file has no unit column.
    pub fn default_unit(self) -> &'static str {
        match self {
            SensorKind::PondLevel | SensorKind::BeachLength | SensorKind::PhreaticLevel => "m",
            SensorKind::Rainfall
            | SensorKind::DamDisplacement
            | SensorKind::LandslideDisplacement => "mm",
            SensorKind::PorePressure => "kPa",
            SensorKind::SeepageFlow => "L/s",
            SensorKind::Turbidity => "NTU",
        }
    }

    /// The quantity alarms compare with thresholds: rainfall is judged on its trailing 24 h sum
    /// (the 暴雨 class is a 24 h depth), every other kind on the reading itself.
    pub fn alarm_window_s(self) -> Option<i64> {
        match self {
            SensorKind::Rainfall => Some(24 * 3600),
            _ => None,
        }
    }
}

/// Factor to SI for a unit string of a dimension; `None` when the unit is unknown or belongs to
/// another dimension. Only exact, unambiguous conversions are listed (mm ↔ m is a length, mm/h is a
/// rate and never converts to a depth).
pub(crate) fn si_factor(dim: Dimension, unit: &str) -> Option<f64> {
    let u = unit.trim();
    match dim {
        Dimension::Length => match u {
            "m" => Some(1.0),
            "mm" => Some(1e-3),
            "cm" => Some(1e-2),
            "km" => Some(1e3),
            _ => None,
        },
        Dimension::Pressure => match u {
            "Pa" => Some(1.0),
            "kPa" => Some(1e3),
            "MPa" => Some(1e6),
            _ => None,
        },
        Dimension::Flow => match u {
            "m3/s" | "m³/s" => Some(1.0),
            "L/s" | "l/s" => Some(1e-3),
            "L/min" | "l/min" => Some(1e-3 / 60.0),
            "m3/h" | "m³/h" => Some(1.0 / 3600.0),
            "m3/d" | "m³/d" => Some(1.0 / 86_400.0),
            _ => None,
        },
        Dimension::Turbidity => match u {
            "NTU" => Some(1.0),
            _ => None,
        },
    }
}

/// Plausibility limits for quality control. Checks flag a reading and keep it; flagged readings
/// (range, rate) are left out of alarm evaluation, stuck readings are not (a stuck sensor is a
/// maintenance event, and its last value is still the best estimate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QualityLimits {
    /// Lowest plausible value (SI).
    pub min: Option<f64>,
    /// Highest plausible value (SI).
    pub max: Option<f64>,
    /// Largest plausible |Δvalue/Δt| between consecutive readings (SI per second).
    pub max_rate_per_s: Option<f64>,
    /// A run of identical readings lasting at least this long (s) flags the run as stuck.
    pub stuck_after_s: Option<f64>,
}

impl QualityLimits {
    /// Kind defaults: only the sign of non-negative quantities and a 24 h stuck rule for the
    /// continuously varying ones (a real level, pressure or flow sensor has readout noise; rain
    /// gauges read zero for days and displacement can be still). Ranges and rates are site data.
    pub fn defaults(kind: SensorKind) -> Self {
        let non_negative = matches!(
            kind,
            SensorKind::Rainfall
                | SensorKind::BeachLength
                | SensorKind::SeepageFlow
                | SensorKind::Turbidity
        );
        let stuck = matches!(
            kind,
            SensorKind::PondLevel
                | SensorKind::PhreaticLevel
                | SensorKind::PorePressure
                | SensorKind::SeepageFlow
        );
        QualityLimits {
            min: non_negative.then_some(0.0),
            max: None,
            max_rate_per_s: None,
            stuck_after_s: stuck.then_some(24.0 * 3600.0),
        }
    }
}

/// A sensor (monitoring point, 监测点) of a pond.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensor {
    /// Identifier used in the exports, unique across ponds.
    pub id: String,
    pub pond: String,
    pub kind: SensorKind,
    /// Free-text station, e.g. "section 2-2, berm 3".
    pub location: String,
    /// Site coordinates (m) where surveyed; z is the ground surface at the sensor.
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub z: Option<f64>,
    /// Unit assumed for rows of files without a unit column.
    pub unit: String,
    pub quality: QualityLimits,
    pub thresholds: Option<Thresholds>,
}

impl Sensor {
    /// A sensor with the kind's default unit and quality limits and no thresholds.
    pub fn new(id: &str, pond: &str, kind: SensorKind) -> Self {
        Sensor {
            id: id.into(),
            pond: pond.into(),
            kind,
            location: String::new(),
            x: None,
            y: None,
            z: None,
            unit: kind.default_unit().into(),
            quality: QualityLimits::defaults(kind),
            thresholds: None,
        }
    }
}

pub use tailtwin_core::warning::AlarmLevel;

/// Which way danger lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Alarm when the value rises to or above the threshold (level, rain, displacement, pressure).
    Rising,
    /// Alarm when the value falls to or below the threshold (beach length, freeboard).
    Falling,
}

/// Where a threshold value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdSource {
    pub standard: Standard,
    pub clause: String,
    pub confidence: Confidence,
    /// How the value was obtained (bilingual free text).
    pub note: String,
}

impl ThresholdSource {
    /// A value the site set.
    pub fn site(note: &str) -> Self {
        ThresholdSource {
            standard: Standard::Site,
            clause: String::new(),
            confidence: Confidence::Site,
            note: note.into(),
        }
    }
}

/// One threshold value (SI, in the sensor's quantity) with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    pub value: f64,
    pub source: ThresholdSource,
}

/// A sensor's warning thresholds. Levels the designer did not set stay `None` and never sound.
/// Hysteresis: a level clears only after the alarm quantity has stayed on the safe side of
/// (threshold ∓ `deadband`) for `hold_s` seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub direction: Direction,
    pub blue: Option<Threshold>,
    pub yellow: Option<Threshold>,
    pub orange: Option<Threshold>,
    pub red: Option<Threshold>,
    /// Deadband (SI, ≥ 0).
    pub deadband: f64,
    /// Minimum time on the safe side before a level clears (s, ≥ 0).
    pub hold_s: f64,
}

impl Thresholds {
    /// Thresholds set by the site, all four values in the sensor's SI quantity.
    pub fn site(
        direction: Direction,
        values: [Option<f64>; 4],
        deadband: f64,
        hold_s: f64,
    ) -> Self {
        let t =
            |v: Option<f64>| v.map(|value| Threshold { value, source: ThresholdSource::site("") });
        Thresholds {
            direction,
            blue: t(values[0]),
            yellow: t(values[1]),
            orange: t(values[2]),
            red: t(values[3]),
            deadband,
            hold_s,
        }
    }

    /// The threshold of a warning level (None for `AlarmLevel::None` or an unset level).
    pub fn get(&self, level: AlarmLevel) -> Option<&Threshold> {
        match level {
            AlarmLevel::None => None,
            AlarmLevel::Blue => self.blue.as_ref(),
            AlarmLevel::Yellow => self.yellow.as_ref(),
            AlarmLevel::Orange => self.orange.as_ref(),
            AlarmLevel::Red => self.red.as_ref(),
        }
    }

    /// Checks finiteness, deadband and hold ≥ 0, and that set levels are ordered by severity in
    /// the danger direction (strictly).
    pub fn validate(&self, sensor: &str) -> Result<(), TwinError> {
        let bad = |what: String| TwinError::InvalidThresholds { sensor: sensor.into(), what };
        if !(self.deadband.is_finite() && self.deadband >= 0.0) {
            return Err(bad(format!("deadband {} must be finite and ≥ 0", self.deadband)));
        }
        if !(self.hold_s.is_finite() && self.hold_s >= 0.0) {
            return Err(bad(format!("hold_s {} must be finite and ≥ 0", self.hold_s)));
        }
        let mut prev: Option<(AlarmLevel, f64)> = None;
        for level in AlarmLevel::WARNINGS {
            let Some(t) = self.get(level) else { continue };
            if !t.value.is_finite() {
                return Err(bad(format!("{} threshold {} is not finite", level.as_str(), t.value)));
            }
            if let Some((pl, pv)) = prev {
                let ordered = match self.direction {
                    Direction::Rising => t.value > pv,
                    Direction::Falling => t.value < pv,
                };
                if !ordered {
                    return Err(bad(format!(
                        "{} threshold {} is not more severe than {} threshold {} ({:?})",
                        level.as_str(),
                        t.value,
                        pl.as_str(),
                        pv,
                        self.direction
                    )));
                }
            }
            prev = Some((level, t.value));
        }
        Ok(())
    }

    /// Whether `value` is at or beyond the threshold `t` in the danger direction.
    pub(crate) fn reaches(&self, value: f64, t: f64) -> bool {
        match self.direction {
            Direction::Rising => value >= t,
            Direction::Falling => value <= t,
        }
    }

    /// Whether `value` is on the safe side of `t` by more than the deadband.
    pub(crate) fn clear_of(&self, value: f64, t: f64) -> bool {
        match self.direction {
            Direction::Rising => value < t - self.deadband,
            Direction::Falling => value > t + self.deadband,
        }
    }

    /// The most severe level whose threshold `value` reaches.
    pub(crate) fn level_of(&self, value: f64) -> AlarmLevel {
        let mut out = AlarmLevel::None;
        for level in AlarmLevel::WARNINGS {
            if let Some(t) = self.get(level)
                && self.reaches(value, t.value)
            {
                out = level;
            }
        }
        out
    }
}
