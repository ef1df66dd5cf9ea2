//! The nowcast itself: every member routed from the current stage, trajectories on a common
//! grid, percentile bands, threshold crossings and expected warning levels.

use super::forecast::RainForecast;
use super::setup::{Quantity, TwinModel};
use crate::PipelineError;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tailtwin_core::assessment::Probability;
use tailtwin_core::series::interpolate;
use tailtwin_core::warning::{AlarmLevel, roll_up};
use tailtwin_core::{Elevation, Hydrograph, Hyetograph};
use tailtwin_pond::{Pond, RoutingSettings, route};
use tailtwin_twin::{Direction, NowcastDefaults, Thresholds};

/// How a nowcast runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NowcastSettings {
    /// Forecast horizon (s).
    pub horizon_s: f64,
    /// Interval of the trajectories (s).
    pub step_s: f64,
    /// Observed rain before the start fed to the catchment (s); rounded up to whole rain
    /// intervals.
    pub warmup_s: f64,
    /// Interval of the rain grid the catchment and the pond see (s).
    pub rain_interval_s: f64,
}

impl NowcastSettings {
    /// From a pond's configured defaults; the rain grid interval is the trajectory interval.
    pub fn from_defaults(d: &NowcastDefaults) -> Self {
        NowcastSettings {
            horizon_s: d.horizon_h * 3600.0,
            step_s: d.step_min * 60.0,
            warmup_s: d.warmup_h * 3600.0,
            rain_interval_s: d.step_min * 60.0,
        }
    }

    /// Checks the values; the message names the setting.
    pub fn validate(&self) -> Result<(), PipelineError> {
        for (name, v) in [
            ("horizon", self.horizon_s),
            ("step", self.step_s),
            ("rain interval", self.rain_interval_s),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(PipelineError::Unsupported(format!(
                    "nowcast {name}: {v} s must be > 0"
                )));
            }
        }
        if !(self.warmup_s.is_finite() && self.warmup_s >= 0.0) {
            return Err(PipelineError::Unsupported(format!(
                "nowcast warm-up: {} s must be ≥ 0",
                self.warmup_s
            )));
        }
        if self.horizon_s / self.step_s > 1e6 || self.horizon_s / self.rain_interval_s > 1e6 {
            return Err(PipelineError::Unsupported(
                "nowcast: more than 10⁶ steps in the horizon".into(),
            ));
        }
        Ok(())
    }

    /// Number of warm-up rain intervals.
    pub fn warmup_intervals(&self) -> usize {
        (self.warmup_s / self.rain_interval_s - 1e-9).ceil().max(0.0) as usize
    }
}

/// What a nowcast starts from.
#[derive(Debug, Clone)]
pub struct NowcastInput<'a> {
    /// The start (UTC ms): the instant of the current state.
    pub t0_ms: i64,
    /// Stage at the start (m).
    pub stage0_m: f64,
    /// Observed rain (mm) on the warm-up grid `[t0 − n·Δ + k·Δ, …)`, k < n =
    /// [`NowcastSettings::warmup_intervals`]; shorter vectors are padded with zero rain at the
    /// old end.
    pub observed_mm: Vec<f64>,
    pub forecast: &'a RainForecast,
}

/// 5 / 50 / 95 % bands of one quantity over the members, on [`Nowcast::time_s`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub quantity: String,
    pub label: String,
    pub unit: String,
    pub p05: Vec<f64>,
    pub p50: Vec<f64>,
    pub p95: Vec<f64>,
}

/// When one threshold of one item would first be crossed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crossing {
    pub quantity: Quantity,
    pub sensor: Option<String>,
    pub level: AlarmLevel,
    pub threshold: f64,
    /// Members reaching it within the horizon (Wilson 95 % interval).
    pub probability: Probability,
    /// Earliest and median first-crossing time over the members that reach it (s after the
    /// start; 0: already reached at the start).
    pub earliest_s: Option<f64>,
    pub median_s: Option<f64>,
}

/// An item's outlook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemOutlook {
    pub quantity: Quantity,
    pub kind: String,
    pub sensor: Option<String>,
    /// The most severe level reached by at least half of the members (the median member's
    /// highest level).
    pub expected_level: AlarmLevel,
    /// The most severe level any member reaches.
    pub worst_level: AlarmLevel,
}

/// Everything one member produced (on the common grid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRun {
    pub name: String,
    pub stage_m: Vec<f64>,
    pub freeboard_m: Vec<f64>,
    pub beach_length_m: Vec<f64>,
    pub rain_24h_mm: Vec<f64>,
    pub peak_stage_m: f64,
    pub time_of_peak_stage_s: f64,
    /// First crossing time per item and level (the order of [`Nowcast::crossings`]).
    pub crossings_s: Vec<Option<f64>>,
    pub mass_balance_error_m3: f64,
}

/// A nowcast: trajectories, bands, crossings and levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nowcast {
    pub t0_ms: i64,
    pub stage0_m: f64,
    pub settings: NowcastSettings,
    /// Output times, s after the start.
    pub time_s: Vec<f64>,
    pub bands: Vec<Band>,
    pub crossings: Vec<Crossing>,
    pub items: Vec<ItemOutlook>,
    /// GB 39496 roll-up of the items' expected levels.
    pub pond_level: AlarmLevel,
    /// Peak stage over members: 5 / 50 / 95 %.
    pub peak_stage_m: [f64; 3],
    /// Phreatic burial depth at the sections' stations ([`super::burial::attach`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burial: Option<super::burial::BurialOutlook>,
    #[serde(skip)]
    pub members: Vec<MemberRun>,
}

/// Runs the nowcast, members in parallel on rayon's pool (results in member order: identical
/// on any number of threads).
pub fn nowcast(
    twin: &TwinModel,
    input: &NowcastInput<'_>,
    settings: &NowcastSettings,
) -> Result<Nowcast, PipelineError> {
    settings.validate()?;
    if let Some(why) = &twin.runoff_unusable {
        return Err(PipelineError::Unsupported(why.clone()));
    }
    input.forecast.check().map_err(|e| PipelineError::Unsupported(format!("forecast: {e}")))?;
    let p = &twin.model.pond;
    let pond =
        Pond::new(p.storage().clone(), *p.dam(), p.beach().clone(), Elevation(input.stage0_m))
            .and_then(|x| x.with_rain_area(p.rain_area()))
            .map_err(|e| {
                PipelineError::Unsupported(format!("current stage {} m: {e}", input.stage0_m))
            })?;
    let pond = match p.max_allowed_level() {
        Some(z) => pond.with_max_allowed_level(z).expect("already validated"),
        None => pond,
    };
    let dt = settings.rain_interval_s;
    let nw = settings.warmup_intervals();
    let nf = (settings.horizon_s / dt - 1e-9).ceil() as usize;
    let mut observed = vec![0.0; nw];
    let m = input.observed_mm.len().min(nw);
    observed[nw - m..].copy_from_slice(&input.observed_mm[input.observed_mm.len() - m..]);
    let forecast = input.forecast.on_grid(input.t0_ms, 0.0, dt, nf);
    let n_out = (settings.horizon_s / settings.step_s - 1e-9).ceil() as usize;
    let time_s: Vec<f64> =
        (0..=n_out).map(|k| (k as f64 * settings.step_s).min(settings.horizon_s)).collect();
    let levels = level_list(twin);
    let members: Vec<MemberRun> = forecast
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let name = input.forecast.members[i].name.clone();
            member(twin, &pond, &observed, f, settings, &time_s, &levels, name)
        })
        .collect::<Result<_, _>>()?;
    Ok(summarise(twin, input, settings, time_s, &levels, members))
}

type LevelKey = (Quantity, Option<String>, AlarmLevel, f64, Direction);

fn level_list(twin: &TwinModel) -> Vec<LevelKey> {
    let mut out = Vec::new();
    for item in &twin.items {
        for level in AlarmLevel::WARNINGS {
            if let Some(t) = item.thresholds.get(level) {
                out.push((
                    item.quantity,
                    item.sensor.clone(),
                    level,
                    t.value,
                    item.thresholds.direction,
                ));
            }
        }
    }
    out
}

fn reaches(dir: Direction, v: f64, t: f64) -> bool {
    match dir {
        Direction::Rising => v >= t,
        Direction::Falling => v <= t,
    }
}

/// First time a piecewise-linear series reaches `th` (linear interpolation inside the step).
pub fn first_crossing(t: &[f64], v: &[f64], th: f64, dir: Direction) -> Option<f64> {
    let i = v.iter().position(|&x| reaches(dir, x, th))?;
    if i == 0 {
        return Some(t[0]);
    }
    let (t0, t1, v0, v1) = (t[i - 1], t[i], v[i - 1], v[i]);
    Some(t0 + (t1 - t0) * ((th - v0) / (v1 - v0)).clamp(0.0, 1.0))
}

#[allow(clippy::too_many_arguments)]
fn member(
    twin: &TwinModel,
    pond: &Pond,
    observed: &[f64],
    forecast: &[f64],
    settings: &NowcastSettings,
    time_s: &[f64],
    levels: &[LevelKey],
    name: String,
) -> Result<MemberRun, PipelineError> {
    let dt = settings.rain_interval_s;
    let nw = observed.len();
    let mut rain: Vec<f64> = Vec::with_capacity(nw + forecast.len());
    rain.extend_from_slice(observed);
    rain.extend_from_slice(forecast);
    let g0 = -(nw as f64) * dt;
    let inflow = match &twin.runoff {
        Some((c, method)) if rain.iter().any(|&d| d > 0.0) => {
            let h = Hyetograph::new(g0, dt, rain.clone())
                .map_err(|e| PipelineError::Unsupported(format!("rain grid: {e}")))?;
            let q = tailtwin_hydrology::catchment_inflow(c, &h, method)
                .map_err(PipelineError::Catchment)?;
            from_start(&q.hydrograph)
        }
        _ => Hydrograph::zero(),
    };
    let on_pond = if twin.rain_on_pond && forecast.iter().any(|&d| d > 0.0) {
        Hyetograph::new(0.0, dt, forecast.to_vec())
            .map_err(|e| PipelineError::Unsupported(format!("rain grid: {e}")))?
    } else {
        Hyetograph::dry()
    };
    let rs = RoutingSettings {
        end_time_s: Some(settings.horizon_s),
        report_interval_s: settings.step_s,
        rtol: twin.scenario.routing.rtol.unwrap_or(RoutingSettings::default().rtol),
        ..RoutingSettings::default()
    };
    let outlets = twin.model.outlets();
    let r = route(pond, &outlets, &inflow, &on_pond, &rs)?;
    let at =
        |v: &[f64]| -> Vec<f64> { time_s.iter().map(|&x| interpolate(&r.time_s, v, x)).collect() };
    // Trailing 24 h rain from the cumulative depth on the rain grid.
    let mut cum = Vec::with_capacity(rain.len() + 1);
    cum.push(0.0);
    for d in &rain {
        cum.push(cum.last().copied().unwrap_or(0.0) + d);
    }
    let cum_at = |t: f64| -> f64 {
        let x = ((t - g0) / dt).clamp(0.0, rain.len() as f64);
        let k = (x.floor() as usize).min(rain.len().saturating_sub(1));
        if rain.is_empty() { 0.0 } else { cum[k] + (x - k as f64) * rain[k] }
    };
    let rain24 = |t: f64| cum_at(t) - cum_at(t - 86_400.0);
    let rain_t: Vec<f64> = (0..=forecast.len()).map(|k| k as f64 * dt).collect();
    let rain_v: Vec<f64> = rain_t.iter().map(|&t| rain24(t) / 1000.0).collect();
    let crossings_s = levels
        .iter()
        .map(|(q, _, _, th, dir)| match q {
            Quantity::Stage => first_crossing(&r.time_s, &r.stage_m, *th, *dir),
            Quantity::BeachLength => first_crossing(&r.time_s, &r.beach_length_m, *th, *dir),
            Quantity::Rain24h => first_crossing(&rain_t, &rain_v, *th, *dir),
            Quantity::BurialDepth => None,
        })
        .collect();
    Ok(MemberRun {
        name,
        stage_m: at(&r.stage_m),
        freeboard_m: at(&r.freeboard_m),
        beach_length_m: at(&r.beach_length_m),
        rain_24h_mm: time_s.iter().map(|&t| rain24(t)).collect(),
        peak_stage_m: r.peak_stage_m,
        time_of_peak_stage_s: r.time_of_peak_stage_s,
        crossings_s,
        mass_balance_error_m3: r.mass_balance.error_m3,
    })
}

/// The part of a hydrograph from t = 0 on (the value at 0 interpolated).
fn from_start(h: &Hydrograph) -> Hydrograph {
    let (t, q) = (h.time_s(), h.flow_m3s());
    if t[0] >= 0.0 {
        return h.clone();
    }
    let mut tt = vec![0.0];
    let mut qq = vec![h.flow_at(0.0)];
    for (&ti, &qi) in t.iter().zip(q) {
        if ti > 0.0 {
            tt.push(ti);
            qq.push(qi);
        }
    }
    if tt.len() == 1 {
        tt.push(1.0);
        qq.push(qq[0]);
    }
    Hydrograph::new(tt, qq).expect("a part of a valid hydrograph")
}

/// Percentile (type 7: linear between order statistics) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let h = (n - 1) as f64 * p;
    let k = h.floor() as usize;
    let k1 = (k + 1).min(n - 1);
    sorted[k] + (h - k as f64) * (sorted[k1] - sorted[k])
}

fn band(
    members: &[MemberRun],
    pick: fn(&MemberRun) -> &Vec<f64>,
    q: &str,
    label: &str,
    unit: &str,
) -> Band {
    let n = pick(&members[0]).len();
    let (mut p05, mut p50, mut p95) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut col = vec![0.0; members.len()];
    for k in 0..n {
        for (c, m) in col.iter_mut().zip(members) {
            *c = pick(m)[k];
        }
        col.sort_by(f64::total_cmp);
        p05[k] = percentile(&col, 0.05);
        p50[k] = percentile(&col, 0.50);
        p95[k] = percentile(&col, 0.95);
    }
    Band { quantity: q.into(), label: label.into(), unit: unit.into(), p05, p50, p95 }
}

fn summarise(
    twin: &TwinModel,
    input: &NowcastInput<'_>,
    settings: &NowcastSettings,
    time_s: Vec<f64>,
    levels: &[LevelKey],
    members: Vec<MemberRun>,
) -> Nowcast {
    let n = members.len() as u64;
    let bands = vec![
        band(&members, |m| &m.stage_m, "stage", "库水位 / pond level", "m"),
        band(&members, |m| &m.freeboard_m, "freeboard", "安全超高 / freeboard", "m"),
        band(&members, |m| &m.beach_length_m, "beach_length", "干滩长度 / dry-beach length", "m"),
        band(&members, |m| &m.rain_24h_mm, "rain_24h", "24 h 降雨量 / 24 h rain", "mm"),
    ];
    let crossings: Vec<Crossing> = levels
        .iter()
        .enumerate()
        .map(|(j, (q, sensor, level, th, _))| {
            let mut hits: Vec<f64> = members.iter().filter_map(|m| m.crossings_s[j]).collect();
            hits.sort_by(f64::total_cmp);
            Crossing {
                quantity: *q,
                sensor: sensor.clone(),
                level: *level,
                threshold: *th,
                probability: Probability::from_counts(hits.len() as u64, n),
                earliest_s: hits.first().copied(),
                median_s: (!hits.is_empty()).then(|| percentile(&hits, 0.5)),
            }
        })
        .collect();
    let items: Vec<ItemOutlook> = twin
        .items
        .iter()
        .map(|item| {
            let mine = crossings.iter().filter(|c| c.quantity == item.quantity);
            let (mut expected, mut worst) = (AlarmLevel::None, AlarmLevel::None);
            for c in mine {
                // ≥ half of the members: the median member reaches it.
                if 2 * c.probability.hits >= n {
                    expected = expected.max(c.level);
                }
                if c.probability.hits > 0 {
                    worst = worst.max(c.level);
                }
            }
            ItemOutlook {
                quantity: item.quantity,
                kind: item.kind.as_str().into(),
                sensor: item.sensor.clone(),
                expected_level: expected,
                worst_level: worst,
            }
        })
        .collect();
    let pond_level = roll_up(&items.iter().map(|i| i.expected_level).collect::<Vec<_>>());
    let mut peaks: Vec<f64> = members.iter().map(|m| m.peak_stage_m).collect();
    peaks.sort_by(f64::total_cmp);
    Nowcast {
        t0_ms: input.t0_ms,
        stage0_m: input.stage0_m,
        settings: *settings,
        time_s,
        bands,
        crossings,
        items,
        pond_level,
        peak_stage_m: [percentile(&peaks, 0.05), percentile(&peaks, 0.5), percentile(&peaks, 0.95)],
        burial: None,
        members,
    }
}

/// Whether `value` reaches the level `level` of `t` (public for replays).
pub fn level_reached(t: &Thresholds, level: AlarmLevel, value: f64) -> bool {
    t.get(level).is_some_and(|th| reaches(t.direction, value, th.value))
}
