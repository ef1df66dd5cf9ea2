//! Runoff (catchment loss) calibration by inverse water balance over observed storms.
//!
//! For each storm event window [a, b] the catchment runoff volume is what the pond balance
//! needs besides the known terms:
//!
//! ```text
//! V_catchment = [S(h(b)) − S(h(a))] + ∫ O(h(t), t) dt + ∫ Q_pump dt − ∫ i(t) A_rain(h(t)) dt
//! ```
//!
//! with h(t) the observed level (linear between readings), S and A the scenario's stage–storage
//! and area, O the scenario's structures (the routed series systems) plus overtopping at the
//! observed stage, Q_pump a pumped-outflow series (optional), i the gauge's rain intensity and
//! A_rain = water surface + `pond.direct_area_km2` (when `pond.rain_on_pond`). Evaporation,
//! seepage losses and unmetered inflows (slurry water) are neglected: over a storm window of a
//! day they are small next to storm runoff, but a pond with a large process-water flow should
//! meter it as a pumped series (negative values are not accepted). The integral is evaluated on
//! a grid through every reading, rain-interval boundary and pumping point, subdivided to at most
//! `integration_step_s` (trapezoid for the flows, the exact rain depth of each piece times the
//! area at its midpoint).
//!
//! Events: the gauge records become a hyetograph (the record spacing, each record spread over at
//! most one spacing before its time stamp so that an event logger's dry gaps stay dry); wet
//! intervals closer than `min_gap_s` belong to one event; an event's window runs from its first
//! wet interval to `min_gap_s` after its last (the next event cannot start earlier). `min_gap_s`
//! must cover the SCS unit hydrograph's base (5 T_p) so each window holds all of its event's
//! runoff. Events with less than `min_event_rain_mm`, or whose window is not covered by level
//! readings at most `max_level_gap_s` apart, are skipped with the reason.
//!
//! Fit: Q(P) = f P + (1 − f)(P − λS)²/(P − λS + S) (0 for P ≤ λS), S = 25400/CN′ − 254 mm, CN′
//! the AMC conversion of CN (the scenario's AMC and impervious fraction f are kept), least
//! squares over events of observed against modelled runoff depth (mm over the catchment area).
//! CN alone: grid scan CN ∈ [20, 99.5] then golden section to 10⁻⁶; CN and λ (λ ∈ [0, 0.5]):
//! Nelder–Mead from the best point of a grid. Standard errors from the Gauss–Newton curvature,
//! cov = s² (JᵀJ)⁻¹ with s² = SSE/(n − p) and J the central-difference Jacobian of the modelled
//! depths; 95 % intervals ± t_{0.975, n−p}·SE. Statistics: RMSE, bias (model − observed), NSE of
//! the event runoff depths. The real check, the stage fit: each event is re-routed from its
//! observed start level with the calibrated parameters (the scenario's unit hydrograph and
//! structures, the pumped series as an extra outlet) and the simulated stage is compared with
//! every level reading in the window (NSE, RMSE, bias).

use super::{CalibrationError, interp, optimize};
use crate::Model;
use serde::{Deserialize, Serialize};
use tailtwin_core::{Discharge, Elevation, Hyetograph, Regime};
use tailtwin_hydrology::scs::{
    convert_curve_number, cumulative_runoff_mm, kirpich_tc_s, potential_retention_mm,
};
use tailtwin_hydrology::{
    ObservedSettings, RainRecord, RunoffMethod, ScsCnSettings, TimeOfConcentration,
    catchment_inflow, observed_hyetograph,
};
use tailtwin_pond::{Outlet, Pond, RainArea, RoutingSettings, route};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::build;

/// Observed series, times in s from a common origin (increasing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunoffObservations {
    /// Pond level readings (t, stage m).
    pub level: Vec<(f64, f64)>,
    /// Rain-gauge records (t = end of the accumulation period, depth mm).
    pub rain: Vec<(f64, f64)>,
    /// Pumped outflow (t, m³/s ≥ 0), linear between points, zero outside; empty: none.
    pub pumped: Vec<(f64, f64)>,
}

/// How events are found and what is fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunoffSettings {
    /// Dry gap separating events, and the runoff tail of each window, s (default 12 h).
    pub min_gap_s: f64,
    /// Events with less rain are skipped, mm (default 10 mm: small storms are mostly initial
    /// abstraction and carry little information on CN).
    pub min_event_rain_mm: f64,
    /// Largest spacing of level readings inside a window, s (default 1 h).
    pub max_level_gap_s: f64,
    /// Fit the initial-abstraction ratio λ as well as CN.
    pub fit_ia_ratio: bool,
    /// Fewest usable events (default 3; at least the number of parameters + 1).
    pub min_events: usize,
    /// Longest integration piece of the balance, s (default 60 s).
    pub integration_step_s: f64,
}

impl Default for RunoffSettings {
    fn default() -> Self {
        RunoffSettings {
            min_gap_s: 12.0 * 3600.0,
            min_event_rain_mm: 10.0,
            max_level_gap_s: 3600.0,
            fit_ia_ratio: false,
            min_events: 3,
            integration_step_s: 60.0,
        }
    }
}

/// One storm event and its balance terms (m³; depths mm over the catchment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StormEvent {
    pub rain_start_s: f64,
    pub rain_end_s: f64,
    pub window_end_s: f64,
    pub rain_mm: f64,
    pub level_start_m: f64,
    pub level_end_m: f64,
    pub storage_change_m3: f64,
    pub outflow_m3: f64,
    pub pumped_m3: f64,
    pub rain_on_pond_m3: f64,
    pub runoff_m3: f64,
    /// Observed runoff depth over the catchment.
    pub runoff_mm: f64,
    /// Modelled runoff depth with the calibrated parameters.
    pub fitted_runoff_mm: f64,
}

/// A storm that was not used, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedEvent {
    pub rain_start_s: f64,
    pub rain_end_s: f64,
    pub rain_mm: f64,
    pub reason: String,
}

/// Simulated against observed stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageFit {
    pub points: usize,
    pub nse: f64,
    pub rmse_m: f64,
    /// Mean of simulated − observed, m.
    pub bias_m: f64,
}

/// The calibrated SCS-CN parameters and the fit statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunoffFit {
    /// AMC II curve number (the scenario's `catchment.runoff.curve_number` key).
    pub curve_number: f64,
    pub curve_number_se: f64,
    pub curve_number_ci95: [f64; 2],
    /// λ in I_a = λS (the scenario's value when not fitted).
    pub ia_ratio: f64,
    pub ia_ratio_fitted: bool,
    pub ia_ratio_se: Option<f64>,
    pub ia_ratio_ci95: Option<[f64; 2]>,
    pub events: usize,
    pub rmse_mm: f64,
    /// Mean of modelled − observed runoff depth, mm.
    pub bias_mm: f64,
    pub nse: f64,
    /// Parameters whose optimum lies on a search bound (`curve_number_lower`, …).
    pub at_bounds: Vec<String>,
    pub evaluations: usize,
    pub stage: StageFit,
}

/// Everything a runoff calibration produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunoffCalibration {
    pub fit: RunoffFit,
    pub events: Vec<StormEvent>,
    pub skipped: Vec<SkippedEvent>,
    /// Objective profile: (CN, RMSE mm) on the search grid (λ at its fitted value).
    pub profile: Vec<(f64, f64)>,
    pub warnings: Vec<String>,
}

const CN_LO: f64 = 20.0;
const CN_HI: f64 = 99.5;
const IA_HI: f64 = 0.5;

/// The SCS-CN parameters of the scenario that the fit keeps.
#[derive(Debug, Clone, Copy)]
struct Fixed {
    amc: tailtwin_hydrology::Amc,
    impervious: f64,
}

fn model_depth_mm(p: &Fixed, cn: f64, lambda: f64, rain_mm: f64) -> f64 {
    let Ok(cn_used) = convert_curve_number(cn, p.amc) else { return f64::NAN };
    let s = potential_retention_mm(cn_used);
    (1.0 - p.impervious) * cumulative_runoff_mm(rain_mm, s, lambda * s) + p.impervious * rain_mm
}

fn bad(what: &str, message: impl Into<String>) -> CalibrationError {
    CalibrationError::BadInput { what: what.into(), message: message.into() }
}

fn check_series(what: &str, v: &[(f64, f64)], non_negative: bool) -> Result<(), CalibrationError> {
    for (i, &(t, x)) in v.iter().enumerate() {
        if !t.is_finite() || !x.is_finite() {
            return Err(bad(what, format!("point {i} ({t}, {x}) is not finite")));
        }
        if non_negative && x < 0.0 {
            return Err(bad(what, format!("point {i} at t = {t} s is negative ({x})")));
        }
        if i > 0 && t <= v[i - 1].0 {
            return Err(bad(what, format!("times must increase (point {i} at t = {t} s)")));
        }
    }
    Ok(())
}

/// The scenario's SCS-CN settings (error for the rational method or no catchment).
fn scs_settings(
    s: &Scenario,
) -> Result<(tailtwin_hydrology::Catchment, ScsCnSettings), CalibrationError> {
    let spec = s.catchment.as_ref().ok_or_else(|| {
        bad("catchment", "the scenario has no [catchment]: there is no runoff to calibrate")
    })?;
    let (c, method, _) = build::catchment(spec).map_err(crate::PipelineError::from)?;
    match method {
        RunoffMethod::ScsCn(settings) => Ok((c, settings)),
        RunoffMethod::Rational(_) => Err(bad(
            "catchment.runoff",
            "runoff calibration fits the SCS curve number; the scenario uses the rational formula \
             (推理公式), whose loss rate μ is not calibrated yet",
        )),
    }
}

fn median_spacing(t: &[f64]) -> Option<f64> {
    let mut d: Vec<f64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    if d.is_empty() {
        return None;
    }
    d.sort_by(f64::total_cmp);
    Some(d[d.len() / 2])
}

/// The rain records as a hyetograph on their (median) spacing.
fn hyetograph(rain: &[(f64, f64)]) -> Result<Hyetograph, CalibrationError> {
    let spacing = median_spacing(&rain.iter().map(|r| r.0).collect::<Vec<_>>())
        .ok_or_else(|| bad("rain", "at least two rain records are needed (the record spacing)"))?;
    let records: Vec<RainRecord> =
        rain.iter().map(|&(time_s, depth_mm)| RainRecord { time_s, depth_mm }).collect();
    let settings = ObservedSettings {
        interval_s: spacing,
        first_period_s: Some(spacing),
        max_spread_s: Some(spacing),
    };
    observed_hyetograph(&records, &settings).map_err(|e| bad("rain", e.to_string()))
}

/// Storm events: (rain start, rain end, depth) from the hyetograph's wet intervals.
fn events(h: &Hyetograph, min_gap_s: f64) -> Vec<(f64, f64, f64)> {
    let dt = h.interval_s();
    let mut out: Vec<(f64, f64, f64)> = Vec::new();
    for (k, &d) in h.depth_mm().iter().enumerate() {
        if d <= 0.0 {
            continue;
        }
        let (lo, hi) = (h.start_s() + k as f64 * dt, h.start_s() + (k + 1) as f64 * dt);
        match out.last_mut() {
            Some(e) if lo - e.1 < min_gap_s => {
                e.1 = hi;
                e.2 += d;
            }
            _ => out.push((lo, hi, d)),
        }
    }
    out
}

/// The pumped series as a router outlet (its flow depends on time only).
struct Pumped<'a> {
    series: &'a [(f64, f64)],
    offset_s: f64,
}

impl Outlet for Pumped<'_> {
    fn id(&self) -> &str {
        "pumped"
    }
    fn kind(&self) -> &str {
        "pumped_outflow"
    }
    fn discharge(&self, _stage: Elevation, time_s: f64) -> Discharge {
        let q = interp_or_zero(self.series, time_s + self.offset_s);
        if q > 0.0 {
            Discharge {
                flow_m3s: q,
                regime: Regime::Pressure,
                control: tailtwin_core::hydraulics::Control::Table,
            }
        } else {
            Discharge::DRY
        }
    }
}

fn interp_or_zero(v: &[(f64, f64)], t: f64) -> f64 {
    match (v.first(), v.last()) {
        (Some(a), Some(b)) if t >= a.0 && t <= b.0 => interp(v, t),
        _ => 0.0,
    }
}

/// Rain area at stage h, m² (0 when rain on the pond is off).
fn rain_area(pond: &Pond, rain_on_pond: bool, h: f64) -> f64 {
    if !rain_on_pond {
        return 0.0;
    }
    match pond.rain_area() {
        RainArea::WaterSurface { extra_m2 } => pond.storage().area_at(Elevation(h)) + extra_m2,
        RainArea::Fixed { area_m2 } => area_m2,
    }
}

struct Balance {
    storage_change_m3: f64,
    outflow_m3: f64,
    pumped_m3: f64,
    rain_on_pond_m3: f64,
}

fn balance(
    model: &Model,
    rain_on_pond: bool,
    obs: &RunoffObservations,
    h: &Hyetograph,
    (a, b): (f64, f64),
    step_s: f64,
) -> Balance {
    let mut knots: Vec<f64> = vec![a, b];
    knots.extend(obs.level.iter().map(|p| p.0).filter(|&t| t > a && t < b));
    knots.extend(obs.pumped.iter().map(|p| p.0).filter(|&t| t > a && t < b));
    knots.extend(h.breakpoints_s().filter(|&t| t > a && t < b));
    knots.sort_by(f64::total_cmp);
    knots.dedup();
    let outlets = model.outlets();
    let out = |t: f64| {
        let z = Elevation(interp(&obs.level, t));
        outlets.iter().map(|o| o.discharge(z, t).flow_m3s).sum::<f64>()
            + model.pond.overtopping_at(z)
    };
    let (mut outflow, mut pumped, mut rain) = (0.0, 0.0, 0.0);
    for w in knots.windows(2) {
        let n = ((w[1] - w[0]) / step_s).ceil().max(1.0) as usize;
        let dt = (w[1] - w[0]) / n as f64;
        for k in 0..n {
            let (t0, t1) = (w[0] + k as f64 * dt, w[0] + (k + 1) as f64 * dt);
            outflow += 0.5 * dt * (out(t0) + out(t1));
            pumped +=
                0.5 * dt * (interp_or_zero(&obs.pumped, t0) + interp_or_zero(&obs.pumped, t1));
            let mid = interp(&obs.level, 0.5 * (t0 + t1));
            rain += h.depth_between_m(t0, t1) * rain_area(&model.pond, rain_on_pond, mid);
        }
    }
    let storage = model.pond.storage();
    let storage_change_m3 = storage.volume_at(Elevation(interp(&obs.level, b)))
        - storage.volume_at(Elevation(interp(&obs.level, a)));
    Balance { storage_change_m3, outflow_m3: outflow, pumped_m3: pumped, rain_on_pond_m3: rain }
}

/// Calibrates the scenario's SCS curve number (and optionally λ) on the observed storms.
pub fn calibrate_runoff(
    s: &Scenario,
    obs: &RunoffObservations,
    settings: &RunoffSettings,
) -> Result<RunoffCalibration, CalibrationError> {
    check_series("level", &obs.level, false)?;
    check_series("rain", &obs.rain, true)?;
    check_series("pumped outflow", &obs.pumped, true)?;
    if obs.level.len() < 2 {
        return Err(CalibrationError::TooLittleData(format!(
            "{} pond level reading(s) in the window; at least two are needed",
            obs.level.len()
        )));
    }
    let positive = |what: &str, v: f64| {
        if v.is_finite() && v > 0.0 { Ok(()) } else { Err(bad(what, format!("{v} must be > 0"))) }
    };
    positive("min_gap_s", settings.min_gap_s)?;
    positive("max_level_gap_s", settings.max_level_gap_s)?;
    positive("integration_step_s", settings.integration_step_s)?;
    if !(settings.min_event_rain_mm.is_finite() && settings.min_event_rain_mm >= 0.0) {
        return Err(bad("min_event_rain_mm", "must be finite and ≥ 0"));
    }
    let (catchment, scs) = scs_settings(s)?;
    let pond_spec = build::pond_spec(s).map_err(crate::PipelineError::from)?;
    let model = Model::new(s)?;
    let (bottom, top) = (model.pond.storage().bottom().m(), model.pond.storage().top().m());
    if let Some(&(t, z)) = obs.level.iter().find(|p| p.1 < bottom || p.1 > top) {
        return Err(bad(
            "level",
            format!(
                "reading {z} m at t = {t} s is outside the scenario's stage–storage table \
                 ({bottom}…{top} m): wrong sensor, datum or unit?"
            ),
        ));
    }
    let h = hyetograph(&obs.rain)?;
    // The unit hydrograph's base (5 T_p) must fit in the tail of each window.
    let tc_s = match scs.time_of_concentration {
        TimeOfConcentration::Given { seconds } => seconds,
        TimeOfConcentration::Kirpich => {
            kirpich_tc_s(catchment.channel_length_m, catchment.channel_slope)
                .map_err(|e| bad("catchment", e.to_string()))?
        }
    };
    let base_s = 5.0 * (0.5 * h.interval_s() + 0.6 * tc_s);
    if settings.min_gap_s < base_s {
        return Err(bad(
            "min_gap_s",
            format!(
                "{:.2} h is shorter than the unit hydrograph's base 5·T_p = {:.2} h: a window \
                 would not hold all of its storm's runoff",
                settings.min_gap_s / 3600.0,
                base_s / 3600.0
            ),
        ));
    }
    let fixed = Fixed { amc: scs.amc, impervious: scs.impervious_fraction };
    let (t_first, t_last) = (obs.level[0].0, obs.level[obs.level.len() - 1].0);
    let mut used = Vec::new();
    let mut skipped = Vec::new();
    for (a, rain_end, rain_mm) in events(&h, settings.min_gap_s) {
        let b = rain_end + settings.min_gap_s;
        let skip = |reason: String| SkippedEvent {
            rain_start_s: a,
            rain_end_s: rain_end,
            rain_mm,
            reason,
        };
        if rain_mm < settings.min_event_rain_mm {
            skipped.push(skip(format!("rain {rain_mm:.1} mm < {} mm", settings.min_event_rain_mm)));
            continue;
        }
        if t_first > a || t_last < b {
            skipped.push(skip(format!(
                "level readings span {t_first:.0}–{t_last:.0} s, the window {a:.0}–{b:.0} s"
            )));
            continue;
        }
        let mut times: Vec<f64> =
            obs.level.iter().map(|p| p.0).filter(|&t| t > a && t < b).collect();
        times.insert(0, a);
        times.push(b);
        let widest = times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        let gap_ok = obs
            .level
            .windows(2)
            .all(|w| w[1].0 <= a || w[0].0 >= b || w[1].0 - w[0].0 <= settings.max_level_gap_s);
        if !gap_ok {
            skipped.push(skip(format!(
                "level readings more than {:.0} s apart inside the window (widest {widest:.0} s)",
                settings.max_level_gap_s
            )));
            continue;
        }
        let bal =
            balance(&model, pond_spec.rain_on_pond, obs, &h, (a, b), settings.integration_step_s);
        let runoff_m3 =
            bal.storage_change_m3 + bal.outflow_m3 + bal.pumped_m3 - bal.rain_on_pond_m3;
        used.push(StormEvent {
            rain_start_s: a,
            rain_end_s: rain_end,
            window_end_s: b,
            rain_mm,
            level_start_m: interp(&obs.level, a),
            level_end_m: interp(&obs.level, b),
            storage_change_m3: bal.storage_change_m3,
            outflow_m3: bal.outflow_m3,
            pumped_m3: bal.pumped_m3,
            rain_on_pond_m3: bal.rain_on_pond_m3,
            runoff_m3,
            runoff_mm: runoff_m3 / catchment.area_m2 * 1000.0,
            fitted_runoff_mm: f64::NAN,
        });
    }
    let p = if settings.fit_ia_ratio { 2 } else { 1 };
    let needed = settings.min_events.max(p + 1);
    if used.len() < needed {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|e| {
                format!("storm at {:.0} s ({:.1} mm): {}", e.rain_start_s, e.rain_mm, e.reason)
            })
            .collect();
        return Err(CalibrationError::TooLittleData(format!(
            "{} usable storm event(s), at least {needed} needed{}{}",
            used.len(),
            if reasons.is_empty() { String::new() } else { "; skipped: ".into() },
            reasons.join("; ")
        )));
    }
    let rain: Vec<f64> = used.iter().map(|e| e.rain_mm).collect();
    let q_obs: Vec<f64> = used.iter().map(|e| e.runoff_mm).collect();
    let sse = |cn: f64, lambda: f64| -> f64 {
        rain.iter()
            .zip(&q_obs)
            .map(|(&pr, &qo)| (model_depth_mm(&fixed, cn, lambda, pr) - qo).powi(2))
            .sum()
    };
    let lambda0 = scs.initial_abstraction_ratio;
    let mut at_bounds = Vec::new();
    let (cn, lambda, evaluations, profile_lambda) = if settings.fit_ia_ratio {
        // Grid over (CN, λ), then Nelder–Mead from the best node.
        let mut best = (f64::INFINITY, [70.0, 0.2]);
        for i in 0..=40 {
            for j in 0..=10 {
                let x = [CN_LO + (CN_HI - CN_LO) * i as f64 / 40.0, IA_HI * j as f64 / 10.0];
                let v = sse(x[0], x[1]);
                if v < best.0 {
                    best = (v, x);
                }
            }
        }
        let m = optimize::nelder_mead_box(
            |x| sse(x[0], x[1]),
            best.1,
            [CN_LO, 0.0],
            [CN_HI, IA_HI],
            1e-10,
            1e-14,
            4000,
        );
        for (k, name) in ["curve_number", "ia_ratio"].iter().enumerate() {
            if m.at_lower_bound[k] {
                at_bounds.push(format!("{name}_lower"));
            }
            if m.at_upper_bound[k] {
                at_bounds.push(format!("{name}_upper"));
            }
        }
        (m.x[0], m.x[1], m.evaluations + 41 * 11, m.x[1])
    } else {
        let m = optimize::grid_golden(
            |cn| Ok::<_, std::convert::Infallible>(sse(cn, lambda0)),
            CN_LO,
            CN_HI,
            80,
            1e-6,
        )
        .unwrap_or_else(|e| match e {});
        if m.at_lower_bound {
            at_bounds.push("curve_number_lower".into());
        }
        if m.at_upper_bound {
            at_bounds.push("curve_number_upper".into());
        }
        (m.x, lambda0, m.evaluations.len(), lambda0)
    };
    let n = used.len();
    let profile: Vec<(f64, f64)> = (0..=79)
        .map(|i| {
            let c = CN_LO + (CN_HI - CN_LO) * i as f64 / 79.0;
            (c, (sse(c, profile_lambda) / n as f64).sqrt())
        })
        .collect();
    for e in &mut used {
        e.fitted_runoff_mm = model_depth_mm(&fixed, cn, lambda, e.rain_mm);
    }
    let sse_min = sse(cn, lambda);
    let mean_obs = q_obs.iter().sum::<f64>() / n as f64;
    let ss_tot: f64 = q_obs.iter().map(|q| (q - mean_obs).powi(2)).sum();
    let bias_mm = used.iter().map(|e| e.fitted_runoff_mm - e.runoff_mm).sum::<f64>() / n as f64;
    // Gauss–Newton standard errors.
    let s2 = sse_min / (n - p) as f64;
    let t = super::student_t_975((n - p) as f64);
    let jac = |k: usize| -> Vec<f64> {
        let (hc, hl) = (1e-4 * cn.max(1.0), 1e-5);
        rain.iter()
            .map(|&pr| {
                if k == 0 {
                    let (lo, hi) = ((cn - hc).max(1e-3), (cn + hc).min(100.0));
                    (model_depth_mm(&fixed, hi, lambda, pr)
                        - model_depth_mm(&fixed, lo, lambda, pr))
                        / (hi - lo)
                } else {
                    let (lo, hi) = ((lambda - hl).max(0.0), lambda + hl);
                    (model_depth_mm(&fixed, cn, hi, pr) - model_depth_mm(&fixed, cn, lo, pr))
                        / (hi - lo)
                }
            })
            .collect()
    };
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let jc = jac(0);
    let (cn_se, ia_se) = if settings.fit_ia_ratio {
        let jl = jac(1);
        let (a11, a12, a22) = (dot(&jc, &jc), dot(&jc, &jl), dot(&jl, &jl));
        let det = a11 * a22 - a12 * a12;
        ((s2 * a22 / det).sqrt(), Some((s2 * a11 / det).sqrt()))
    } else {
        ((s2 / dot(&jc, &jc)).sqrt(), None)
    };
    let mut warnings = Vec::new();
    if !cn_se.is_finite() {
        warnings.push(
            "the curve number's standard error is undefined: the modelled runoff of every event \
             is insensitive to CN (all storms below the initial abstraction?)"
                .into(),
        );
    }
    for e in used.iter().filter(|e| e.runoff_mm < 0.0) {
        warnings.push(format!(
            "storm at {:.0} s ({:.1} mm): the balance gives negative runoff ({:.2} mm) — an \
             unmetered outflow, evaporation or a level datum problem",
            e.rain_start_s, e.rain_mm, e.runoff_mm
        ));
    }
    let stage = stage_fit(s, &model, &catchment, &scs, (cn, lambda), obs, &h, &used)?;
    if stage.nse.is_nan() || stage.nse < 0.5 {
        warnings.push(format!(
            "stage fit NSE {:.3} < 0.5: the calibrated model does not reproduce the level record \
             (unmodelled inflows or outflows, a wrong stage–storage curve or structure?)",
            stage.nse
        ));
    }
    Ok(RunoffCalibration {
        fit: RunoffFit {
            curve_number: cn,
            curve_number_se: cn_se,
            curve_number_ci95: [cn - t * cn_se, cn + t * cn_se],
            ia_ratio: lambda,
            ia_ratio_fitted: settings.fit_ia_ratio,
            ia_ratio_se: ia_se,
            ia_ratio_ci95: ia_se.map(|se| [lambda - t * se, lambda + t * se]),
            events: n,
            rmse_mm: (sse_min / n as f64).sqrt(),
            bias_mm,
            nse: if ss_tot > 0.0 { 1.0 - sse_min / ss_tot } else { f64::NAN },
            at_bounds,
            evaluations,
            stage,
        },
        events: used,
        skipped,
        profile,
        warnings,
    })
}

/// Re-routes every event from its observed start level with the calibrated parameters and
/// compares the simulated stage with the readings in its window.
#[allow(clippy::too_many_arguments)]
fn stage_fit(
    s: &Scenario,
    model: &Model,
    catchment: &tailtwin_hydrology::Catchment,
    scs: &ScsCnSettings,
    (cn, lambda): (f64, f64),
    obs: &RunoffObservations,
    h: &Hyetograph,
    events: &[StormEvent],
) -> Result<StageFit, CalibrationError> {
    let mut settings = scs.clone();
    settings.curve_number = cn;
    settings.initial_abstraction_ratio = lambda;
    let method = RunoffMethod::ScsCn(settings);
    let rain_on_pond = build::pond_spec(s).map_err(crate::PipelineError::from)?.rain_on_pond;
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for e in events {
        let (a, b) = (e.rain_start_s, e.window_end_s);
        let dt = h.interval_s();
        let k0 = ((a - h.start_s()) / dt).round() as usize;
        let k1 = ((e.rain_end_s - h.start_s()) / dt).round() as usize;
        let rain = Hyetograph::new(0.0, dt, h.depth_mm()[k0..k1].to_vec())
            .map_err(|e| CalibrationError::Model(format!("event rain: {e}")))?;
        let inflow = catchment_inflow(catchment, &rain, &method)
            .map_err(|e| CalibrationError::Model(format!("catchment inflow: {e}")))?;
        let pond = start_at(&model.pond, e.level_start_m)?;
        let mut r = RoutingSettings {
            end_time_s: Some(b - a),
            report_interval_s: 60.0,
            ..RoutingSettings::default()
        };
        if let Some(v) = s.routing.rtol {
            r.rtol = v;
        }
        if let Some(v) = s.routing.atol_m3 {
            r.atol_m3 = v;
        }
        let pumped = Pumped { series: &obs.pumped, offset_s: a };
        let mut outlets = model.outlets();
        if !obs.pumped.is_empty() {
            outlets.push(&pumped);
        }
        let on_pond = if rain_on_pond { rain.clone() } else { Hyetograph::dry() };
        let routed = route(&pond, &outlets, &inflow.hydrograph, &on_pond, &r).map_err(|e| {
            CalibrationError::Model(format!("re-routing the storm at {a:.0} s: {e}"))
        })?;
        let sim: Vec<(f64, f64)> =
            routed.time_s.iter().copied().zip(routed.stage_m.iter().copied()).collect();
        for &(t, z) in obs.level.iter().filter(|p| p.0 >= a && p.0 <= b) {
            pairs.push((interp(&sim, t - a), z));
        }
    }
    let n = pairs.len();
    let mean = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sse: f64 = pairs.iter().map(|(s, o)| (s - o).powi(2)).sum();
    let tot: f64 = pairs.iter().map(|(_, o)| (o - mean).powi(2)).sum();
    Ok(StageFit {
        points: n,
        nse: if tot > 0.0 { 1.0 - sse / tot } else { f64::NAN },
        rmse_m: (sse / n as f64).sqrt(),
        bias_m: pairs.iter().map(|(s, o)| s - o).sum::<f64>() / n as f64,
    })
}

/// The pond starting at `level` instead of the scenario's start level.
fn start_at(pond: &Pond, level: f64) -> Result<Pond, CalibrationError> {
    let err = |e: tailtwin_pond::PondError| CalibrationError::Model(format!("pond: {e}"));
    let mut p =
        Pond::new(pond.storage().clone(), *pond.dam(), pond.beach().clone(), Elevation(level))
            .map_err(err)?
            .with_rain_area(pond.rain_area())
            .map_err(err)?;
    if let Some(m) = pond.max_allowed_level() {
        p = p.with_max_allowed_level(m).map_err(err)?;
    }
    Ok(p)
}
