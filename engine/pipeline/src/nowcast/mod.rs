//! The twin's nowcast (issue 7 item 3) and replay: from the current state and a rainfall
//! forecast, the next hours of stage, freeboard, beach length and 24 h rain, with uncertainty
//! bands over the forecast's members, the time each warning threshold would first be crossed,
//! and the expected warning level per item with the GB 39496 roll-up.
//!
//! # Chain
//!
//! ```text
//! store ─▶ current state (latest usable level reading → stage, storage, beach, piezometers)
//! observed rain (gauges, warm-up window) ┐
//! forecast member (CSV/JSON, resampled)  ┴─▶ SCS-CN + UH inflow (from the warm-up start)
//!      ─▶ level-pool routing from the current stage over the horizon (scenario structures)
//!      ─▶ trajectories on a common grid ─▶ bands, crossings, levels
//! ```
//!
//! # Equations and rules
//!
//! - Rain grid: interval Δ (default the trajectory step, 10 min). Observed gauge depths: each
//!   reading is the depth fallen since the previous reading of that gauge, spread uniformly
//!   over min(gap, median spacing) before it (so a reading after an outage is not smeared over
//!   the outage); gauges are averaged (areal mean of the gauges with readings in the window).
//!   Forecast depths: spread uniformly over their interval, collected by overlap (depth kept).
//! - Catchment: SCS-CN losses and the SCS unit hydrograph of the scenario's catchment, run
//!   from the start of the warm-up window (default 24 h) so the runoff still in transit at the
//!   start reaches the pond; the part after the start is routed. Losses start from the
//!   scenario's antecedent condition at the warm-up start. The scenario's given inflow
//!   hydrograph (a design event) is not part of a nowcast.
//! - Rain on the pond: the forecast only (what fell before the start is in the measured level).
//! - Routing: the scenario's pond and structures, Dormand–Prince with the scenario's rtol,
//!   starting at the current stage; freeboard and beach length follow the stage.
//! - Trailing 24 h rain at t: D(t) − D(t − 24 h) of the cumulative grid depth (observed before
//!   the start, forecast after); rain before the warm-up window is not counted, so with a
//!   warm-up shorter than 24 h the first day's sums are short.
//! - Crossing: the first time the quantity reaches a threshold (rising: ≥, falling: ≤), linear
//!   between the router's output points (report interval plus event times) — 0 when it is
//!   reached at the start. Probability = members reaching it / members
//!   ([`Probability::from_counts`], Wilson 95 % interval).
//! - Expected level of an item: the most severe level reached by at least half the members
//!   (the median member's highest level); worst level: reached by any member. Pond: the
//!   GB 39496 roll-up ([`roll_up`]) of the items' expected levels.
//! - Bands: 5 / 50 / 95 % of the members at each output time (type-7 percentiles).
//!
//! # Replay ([`replay`])
//!
//! At each issue time t from T1 to T2 (every Δ_r), the nowcast runs from the stored data only:
//! the stage is the latest usable level reading at or before t, the warm-up rain is the
//! observed rain before t, and the forecast is either the observed rain after t ("perfect
//! forecast": isolates the model's and the state's part of the warning error from the
//! forecast's) or persistence (the last observed hour's intensity held over the horizon).
//! For each threshold, the observed crossing is the first time the stored level series reaches
//! it in [T1, T2 + horizon]; the first warning is the first issue time whose nowcast has the
//! crossing within its horizon (the member's crossing; deterministic forecasts have one
//! member); lead time = observed crossing − first warning issue time.
//!
//! # Validity
//!
//! A nowcast is as good as the stage reading, the catchment parameters and the forecast:
//! calibrate the catchment (`tailtwin calibrate`) before trusting the timings. Evaporation,
//! pumping and tailings discharge into the pond are not modelled over the horizon.
//!
//! # Verification (tests/nowcast.rs, tests/twin_cli.rs and unit tests)
//!
//! - `zero_forecast_keeps_the_level_below_the_outlets`, `zero_forecast_only_drains_above_the_outlets`.
//! - `current_state_reports_the_piezometer_and_beach_differences_at_the_measured_stage`
//!   (known offsets of the demo export recovered to the 1 mm rounding).
//! - `nowcast_refuses_a_rational_formula_catchment_by_key`.
//! - `nowcast_with_the_design_storm_reproduces_the_flood_run_peak` (to 1e-6 m).
//! - `gauge_readings_after_an_outage_fill_one_interval_not_the_gap` (the rain-grid rule).
//! - `nowcast_is_identical_on_one_and_two_threads`.
//! - `replay_of_a_synthetic_storm_warns_with_the_independent_lead_time`: a storm routed by
//!   the model is written as exports, ingested and replayed with a perfect forecast; the lead
//!   time equals the one computed from the generated series.
//! - Bad inputs: forecast files (line and column / key named), config files (key path).
//! - CLI end to end (`twin_cli_init_ingest_status_nowcast_replay_end_to_end`): init twice,
//!   ingest twice, status with piezometers, a 20-member nowcast with burial depths (rising
//!   pond → shallower line), perfect and persistence replays, the run history.
//!
//! # Burial depth ([`burial`])
//!
//! Steady seepage at three pond levels spanning the members' stages, interpolated linearly in
//! stage at each `[[section]] stations_x_m` station (rules in the module).
//!
//! [`Probability::from_counts`]: tailtwin_core::assessment::Probability::from_counts
//! [`roll_up`]: tailtwin_core::warning::roll_up

pub mod burial;
pub mod forecast;
pub mod replay;
pub mod run;
pub mod setup;
pub mod state;
pub mod synthetic;

pub use forecast::{ForecastError, ForecastMember, RainForecast};
pub use run::{Nowcast, NowcastInput, NowcastSettings, nowcast};
pub use setup::{Item, Quantity, TwinModel};
pub use state::{CurrentState, current_state};

use crate::PipelineError;
use std::path::Path;
use tailtwin_scenario::Scenario;
use tailtwin_twin::{Sensor, SensorKind, Store, TwinConfig};

/// A configured pond opened from the store: its config, scenario, sensors and model.
#[derive(Debug, Clone)]
pub struct Twin {
    pub config: TwinConfig,
    pub sensors: Vec<Sensor>,
    pub model: TwinModel,
}

fn store_err(e: tailtwin_twin::TwinError) -> PipelineError {
    PipelineError::Unsupported(format!("twin store: {e}"))
}

fn scenario(path: &Path) -> Result<Scenario, PipelineError> {
    tailtwin_scenario::load(path)
        .map_err(|e| PipelineError::Unsupported(format!("pond scenario {}: {e}", path.display())))
}

/// `tailtwin twin init`: reads the config and its scenario, defaults the thresholds, and
/// registers pond, sensors and config in the store (idempotent).
pub fn init(store: &mut Store, config: &TwinConfig) -> Result<Vec<Sensor>, PipelineError> {
    let s = scenario(&config.scenario_path)?;
    let basis = setup::default_basis(config, &s)?;
    let sensors = setup::resolve_sensors(config, &s, &basis)?;
    store.apply_config(config, &sensors).map_err(store_err)?;
    Ok(sensors)
}

impl Twin {
    /// Opens the configured pond `pond` (or the only one when `None`).
    pub fn open(store: &Store, pond: Option<&str>) -> Result<Twin, PipelineError> {
        let id = match pond {
            Some(p) => p.to_string(),
            None => {
                let ponds = store.configured_ponds().map_err(store_err)?;
                match ponds.as_slice() {
                    [one] => one.clone(),
                    [] => {
                        return Err(PipelineError::Unsupported(
                            "the database has no configured pond: run `tailtwin twin init CONFIG`"
                                .into(),
                        ));
                    }
                    _ => {
                        return Err(PipelineError::Unsupported(format!(
                            "the database holds ponds {}: choose one with --pond",
                            ponds.join(", ")
                        )));
                    }
                }
            }
        };
        let stored = store.twin_config(&id).map_err(store_err)?;
        let config =
            TwinConfig::parse(&stored.config_toml, &stored.config_path).map_err(store_err)?;
        let s = scenario(&stored.scenario_path)?;
        let sensors = store.sensors(Some(&id)).map_err(store_err)?;
        let model = TwinModel::new(&s, &sensors)?;
        Ok(Twin { config, sensors, model })
    }

    /// Observed areal-mean rain (mm) on the grid `[g0 + k·dt, …)`, k < n, g0 in UTC ms
    /// (module docs: how readings are spread).
    pub fn observed_rain(
        &self,
        store: &Store,
        g0_ms: i64,
        dt_s: f64,
        n: usize,
    ) -> Result<Vec<f64>, PipelineError> {
        let mut sum = vec![0.0; n];
        let mut gauges = 0usize;
        let end_ms = g0_ms + (n as f64 * dt_s * 1000.0).round() as i64;
        for s in self.sensors.iter().filter(|s| s.kind == SensorKind::Rainfall) {
            // A day on either side finds the readings whose intervals straddle the window ends.
            let obs = store
                .observations(&s.id, g0_ms - 86_400_000, end_ms + 86_400_000)
                .map_err(store_err)?;
            let obs: Vec<_> = obs
                .into_iter()
                .filter(|o| o.flags & tailtwin_twin::quality::FLAGS_IMPLAUSIBLE == 0)
                .collect();
            if obs.is_empty() {
                continue;
            }
            let mut gaps: Vec<i64> = obs.windows(2).map(|w| w[1].t_ms - w[0].t_ms).collect();
            gaps.sort_unstable();
            let typical = gaps.get(gaps.len() / 2).copied().unwrap_or(600_000).max(1);
            let mut edges = Vec::with_capacity(2 * obs.len());
            let mut depth = Vec::with_capacity(2 * obs.len());
            let mut prev: Option<i64> = None;
            for o in &obs {
                let span = prev.map_or(typical, |p| (o.t_ms - p).min(typical));
                let a = (o.t_ms - span - g0_ms) as f64 / 1000.0;
                let b = (o.t_ms - g0_ms) as f64 / 1000.0;
                // Pieces as [a, b) with zero rain in any gap before them.
                if let Some(&last) = edges.last()
                    && a > last
                {
                    depth.push(0.0);
                    edges.push(a);
                } else if edges.is_empty() {
                    edges.push(a);
                }
                depth.push(o.value * 1000.0);
                edges.push(b);
                prev = Some(o.t_ms);
            }
            let g = forecast::overlap(&edges, &depth, 0.0, dt_s, n);
            for (acc, v) in sum.iter_mut().zip(g) {
                *acc += v;
            }
            gauges += 1;
        }
        if gauges > 1 {
            for v in &mut sum {
                *v /= gauges as f64;
            }
        }
        Ok(sum)
    }

    /// The nowcast from the current state at `at_ms` with `forecast`.
    pub fn nowcast_at(
        &self,
        store: &Store,
        at_ms: i64,
        forecast: &RainForecast,
        settings: &NowcastSettings,
    ) -> Result<(CurrentState, Nowcast), PipelineError> {
        let state = current_state(store, self, at_ms, false)?;
        let nw = settings.warmup_intervals();
        let g0 = state.t_ms - (nw as f64 * settings.rain_interval_s * 1000.0).round() as i64;
        let observed = self.observed_rain(store, g0, settings.rain_interval_s, nw)?;
        let input = NowcastInput {
            t0_ms: state.t_ms,
            stage0_m: state.stage_m,
            observed_mm: observed,
            forecast,
        };
        let n = nowcast(&self.model, &input, settings)?;
        Ok((state, n))
    }
}
