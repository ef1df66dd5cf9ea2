//! Replay: the nowcast run at each step of a past period from the stored data only, and the
//! warning lead time per threshold (rules in the module docs of [`super`]).

use super::Twin;
use super::forecast::{ForecastMember, RainForecast};
use super::run::{NowcastSettings, first_crossing};
use super::setup::Quantity;
use crate::PipelineError;
use serde::{Deserialize, Serialize};
use tailtwin_core::warning::AlarmLevel;
use tailtwin_twin::{SensorKind, Store, format_timestamp};

/// What the replay uses as the forecast after each issue time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayForecast {
    /// The rain observed after the issue time.
    Perfect,
    /// The mean intensity of the last observed hour, held over the horizon.
    Persistence,
}

/// How a replay runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReplaySettings {
    pub from_ms: i64,
    pub to_ms: i64,
    pub every_s: f64,
    pub forecast: ReplayForecast,
    pub nowcast: NowcastSettings,
}

/// One issue time of the replay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub t_ms: i64,
    pub time: String,
    /// The stage reading the nowcast started from.
    pub state_t_ms: i64,
    pub stage0_m: f64,
    pub peak_stage_m: f64,
    pub pond_level: AlarmLevel,
    /// Forecast first crossing (UTC ms) per threshold, the order of [`Replay::lead_times`].
    pub forecast_crossing_ms: Vec<Option<i64>>,
}

/// The warning lead time of one threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadTime {
    pub quantity: Quantity,
    pub sensor: Option<String>,
    pub level: AlarmLevel,
    pub threshold: f64,
    /// First time the stored series reached it (None: not in the period).
    pub observed_crossing_ms: Option<i64>,
    /// First issue time whose nowcast had the crossing in its horizon.
    pub first_warning_ms: Option<i64>,
    /// The crossing time that first warning forecast.
    pub forecast_crossing_ms: Option<i64>,
    /// observed crossing − first warning (s); negative: warned only after the fact.
    pub lead_time_s: Option<f64>,
    /// Issues forecasting a crossing that was never observed in the period.
    pub false_alarm_issues: usize,
}

/// A replay's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replay {
    pub settings: ReplaySettings,
    pub issues: Vec<Issue>,
    pub lead_times: Vec<LeadTime>,
    /// Issue times skipped (no usable level reading before them).
    pub skipped: Vec<String>,
}

/// Times (ms) and values of an observed series.
type Series = (Vec<f64>, Vec<f64>);

fn store_err(e: tailtwin_twin::TwinError) -> PipelineError {
    PipelineError::Unsupported(format!("twin store: {e}"))
}

/// The observed series a threshold is judged on: level readings for the stage, beach readings
/// for the beach length, the gauges' trailing 24 h depth for the rain (exact when 24 h is a
/// whole number of rain intervals).
fn observed_series(
    store: &Store,
    twin: &Twin,
    q: Quantity,
    sensor: Option<&str>,
    from_ms: i64,
    to_ms: i64,
    rain_dt_s: f64,
) -> Result<Option<Series>, PipelineError> {
    let kind = match q {
        Quantity::Stage => SensorKind::PondLevel,
        Quantity::BeachLength => SensorKind::BeachLength,
        Quantity::BurialDepth => return Ok(None),
        Quantity::Rain24h => {
            // The gauges' trailing 24 h depth (m) at the rain grid's edges.
            let dt = rain_dt_s;
            let g0 = from_ms - 86_400_000;
            let n = (((to_ms - g0) as f64 / 1000.0) / dt).ceil().max(1.0) as usize;
            let grid = twin.observed_rain(store, g0, dt, n)?;
            let w = (86_400.0 / dt).round() as usize;
            let mut cum = vec![0.0];
            for d in &grid {
                cum.push(cum.last().copied().unwrap_or(0.0) + d);
            }
            let (t, v) = (w.min(n)..=n)
                .map(|k| {
                    (
                        g0 as f64 + k as f64 * dt * 1000.0,
                        (cum[k] - cum[k.saturating_sub(w)]) / 1000.0,
                    )
                })
                .unzip();
            return Ok(Some((t, v)));
        }
    };
    let id = match sensor {
        Some(s) => s.to_string(),
        None => match twin.sensors.iter().find(|s| s.kind == kind) {
            Some(s) => s.id.clone(),
            None => return Ok(None),
        },
    };
    let obs = store.observations(&id, from_ms, to_ms).map_err(store_err)?;
    let (t, v) = obs
        .iter()
        .filter(|o| o.flags & tailtwin_twin::quality::FLAGS_IMPLAUSIBLE == 0)
        .map(|o| (o.t_ms as f64, o.value))
        .unzip();
    Ok(Some((t, v)))
}

/// Runs the replay.
pub fn replay(
    store: &Store,
    twin: &Twin,
    settings: &ReplaySettings,
) -> Result<Replay, PipelineError> {
    settings.nowcast.validate()?;
    if !(settings.every_s.is_finite() && settings.every_s > 0.0) {
        return Err(PipelineError::Unsupported(format!(
            "replay every: {} s must be > 0",
            settings.every_s
        )));
    }
    if settings.to_ms < settings.from_ms {
        return Err(PipelineError::Unsupported("replay: --to is before --from".into()));
    }
    let ns = &settings.nowcast;
    let dt = ns.rain_interval_s;
    let nf = (ns.horizon_s / dt - 1e-9).ceil() as usize;
    let step_ms = (settings.every_s * 1000.0).round() as i64;
    let mut issues = Vec::new();
    let mut skipped = Vec::new();
    let mut t = settings.from_ms;
    while t <= settings.to_ms {
        let state = match super::state::stage_at(store, twin, t) {
            Ok((_, o)) => o,
            Err(_) => {
                skipped.push(format_timestamp(t).unwrap_or_default());
                t += step_ms;
                continue;
            }
        };
        let t0 = state.t_ms;
        let depth = match settings.forecast {
            ReplayForecast::Perfect => twin.observed_rain(store, t0, dt, nf)?,
            ReplayForecast::Persistence => {
                let k = (3600.0 / dt).ceil().max(1.0) as usize;
                let g0 = t0 - (k as f64 * dt * 1000.0).round() as i64;
                let last: f64 = twin.observed_rain(store, g0, dt, k)?.iter().sum();
                vec![last / k as f64; nf]
            }
        };
        let forecast = RainForecast {
            start_ms: Some(t0),
            edges_s: (0..=nf).map(|i| i as f64 * dt).collect(),
            members: vec![ForecastMember { name: "observed".into(), depth_mm: depth }],
        };
        let (_, n) = twin.nowcast_at(store, t, &forecast, ns)?;
        let forecast_crossing_ms = n
            .crossings
            .iter()
            .map(|c| {
                (2 * c.probability.hits >= c.probability.members)
                    .then(|| c.median_s.map(|s| n.t0_ms + (s * 1000.0).round() as i64))
                    .flatten()
            })
            .collect();
        issues.push(Issue {
            t_ms: t,
            time: format_timestamp(t).unwrap_or_default(),
            state_t_ms: t0,
            stage0_m: n.stage0_m,
            peak_stage_m: n.peak_stage_m[1],
            pond_level: n.pond_level,
            forecast_crossing_ms,
        });
        t += step_ms;
    }
    // The thresholds, in the nowcast's crossing order.
    let mut lead_times = Vec::new();
    let horizon_ms = (ns.horizon_s * 1000.0).round() as i64;
    let mut j = 0;
    for item in &twin.model.items {
        let series = observed_series(
            store,
            twin,
            item.quantity,
            item.sensor.as_deref(),
            settings.from_ms,
            settings.to_ms + horizon_ms,
            dt,
        )?;
        for level in AlarmLevel::WARNINGS {
            let Some(th) = item.thresholds.get(level) else { continue };
            let observed = series.as_ref().and_then(|(ts, vs)| {
                first_crossing(ts, vs, th.value, item.thresholds.direction)
                    .map(|x| x.round() as i64)
            });
            let first = issues.iter().find(|i| i.forecast_crossing_ms[j].is_some());
            let false_alarm_issues = if observed.is_none() {
                issues.iter().filter(|i| i.forecast_crossing_ms[j].is_some()).count()
            } else {
                0
            };
            lead_times.push(LeadTime {
                quantity: item.quantity,
                sensor: item.sensor.clone(),
                level,
                threshold: th.value,
                observed_crossing_ms: observed,
                first_warning_ms: first.map(|i| i.t_ms),
                forecast_crossing_ms: first.and_then(|i| i.forecast_crossing_ms[j]),
                lead_time_s: match (observed, first) {
                    (Some(o), Some(f)) => Some((o - f.t_ms) as f64 / 1000.0),
                    _ => None,
                },
                false_alarm_issues,
            });
            j += 1;
        }
    }
    Ok(Replay { settings: *settings, issues, lead_times, skipped })
}
