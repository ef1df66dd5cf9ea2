//! Level-pool routing: `dS/dt = I(t) + r(t)·A_r(h) − Σ_k Q_k(h, t) − Q_over(h)`, integrated in
//! storage with Dormand–Prince 5(4). See the crate documentation for the method and its proofs.

mod dopri;
mod events;
mod integrate;
mod output;
mod system;

use crate::pond::Pond;
use crate::structures::Outlet;
use serde::{Deserialize, Serialize};
use tailtwin_core::{Hydrograph, Hyetograph, RoutedPond};
use thiserror::Error;

/// Time-integration method. In TOML: `method = "dormand_prince"` or
/// `method = { modified_puls = { step_s = 60.0 } }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Dormand–Prince 5(4) with error control (or a fixed step, see
    /// [`RoutingSettings::fixed_step_s`]). The default.
    DormandPrince,
    /// Storage-indication (modified Puls) routing with a fixed step `step_s` (s), as in HEC-HMS:
    /// `(2S/Δt + O)₂ = (I₁ + I₂) + (2S/Δt − O)₁`, i.e. the trapezoidal rule, second order.
    /// The implicit equation is solved on the exact outlets at every step (HEC-HMS interpolates
    /// a storage–outflow table), rain on the pond enters as inflow at both ends of the step,
    /// steps still land on forcing breakpoints and events. For comparison with HEC-HMS only:
    /// its error is not controlled.
    ModifiedPuls { step_s: f64 },
}

/// Numerical settings of [`route`]. `Default` gives the documented defaults; (de)serialised
/// with the same field names, missing fields taking their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingSettings {
    /// Relative tolerance on the storage per step (default 1e-6: peak stages to ~1 mm on any
    /// real pond, see `routing_error_falls_with_tolerance`).
    pub rtol: f64,
    /// Absolute tolerance on the storage per step, m³ (default 1e-3 m³, one litre: it governs
    /// only near an empty pond).
    pub atol_m3: f64,
    /// Largest step, s (default 900 s; also bounds how long a narrow excursion across an event
    /// level could stay undetected inside one step). Not applied on a piece with constant
    /// inflow and steady outlets ([`Outlet::steady_from_s`]), where the storage is monotone and
    /// only the error control bounds the adaptive step.
    pub max_step_s: f64,
    /// First trial step, s (default `None`: Hairer's starting-step estimate).
    pub initial_step_s: Option<f64>,
    /// Fixed step, s, without error control (default `None`: adaptive). For convergence studies;
    /// steps still land on breakpoints and events.
    pub fixed_step_s: Option<f64>,
    /// Interval of the output series, s (default 300 s). Event times are added to the series;
    /// extremes never depend on it.
    pub report_interval_s: f64,
    /// End of the run, s from the routing start (default `None`: the later of the last inflow
    /// point and the end of the rain).
    pub end_time_s: Option<f64>,
    /// Guard against runaway step counts (default 1 000 000).
    pub max_steps: usize,
    /// Integration method (default [`Method::DormandPrince`]).
    pub method: Method,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            rtol: 1e-6,
            atol_m3: 1e-3,
            max_step_s: 900.0,
            initial_step_s: None,
            fixed_step_s: None,
            report_interval_s: 300.0,
            end_time_s: None,
            max_steps: 1_000_000,
            method: Method::DormandPrince,
        }
    }
}

/// Why a routing run failed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RoutingError {
    #[error("setting {name} = {value} is out of range ({expected})")]
    BadSetting { name: &'static str, value: f64, expected: &'static str },
    #[error(
        "no end time: the inflow and the rain both end at t = {0} s; set RoutingSettings::end_time_s"
    )]
    NoEndTime(f64),
    #[error(
        "structure {structure} returned flow {flow_m3s} m3/s at stage {stage_m} m, t = {time_s} s"
    )]
    BadDischarge { structure: String, stage_m: f64, time_s: f64, flow_m3s: f64 },
    #[error(
        "step size fell to {step_s} s at t = {time_s} s (tolerances too strict or forcing not smooth)"
    )]
    StepTooSmall { time_s: f64, step_s: f64 },
    #[error("more than {max_steps} steps were needed (stopped at t = {time_s} s)")]
    TooManySteps { max_steps: usize, time_s: f64 },
}

/// Routes `inflow` and `rain_on_pond` through `pond` and its `outlets` from the pond's start
/// level over `[0, end]`.
pub fn route(
    pond: &Pond,
    outlets: &[&dyn Outlet],
    inflow: &Hydrograph,
    rain_on_pond: &Hyetograph,
    settings: &RoutingSettings,
) -> Result<RoutedPond, RoutingError> {
    let end = check_settings(settings, inflow, rain_on_pond)?;
    let run = integrate::integrate(pond, outlets, inflow, rain_on_pond, settings, end)?;
    Ok(output::assemble(pond, outlets, inflow, rain_on_pond, settings, end, run))
}

fn check_settings(
    s: &RoutingSettings,
    inflow: &Hydrograph,
    rain: &Hyetograph,
) -> Result<f64, RoutingError> {
    let positive = |name, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(RoutingError::BadSetting { name, value, expected: "finite and > 0" })
        }
    };
    if !(s.rtol.is_finite() && s.rtol >= 1e-13 && s.rtol < 1.0) {
        return Err(RoutingError::BadSetting {
            name: "rtol",
            value: s.rtol,
            expected: "[1e-13, 1)",
        });
    }
    if !(s.atol_m3.is_finite() && s.atol_m3 >= 0.0) {
        return Err(RoutingError::BadSetting {
            name: "atol_m3",
            value: s.atol_m3,
            expected: "finite and >= 0",
        });
    }
    positive("max_step_s", s.max_step_s)?;
    positive("report_interval_s", s.report_interval_s)?;
    if let Some(h) = s.initial_step_s {
        positive("initial_step_s", h)?;
    }
    if let Some(h) = s.fixed_step_s {
        positive("fixed_step_s", h)?;
    }
    if let Method::ModifiedPuls { step_s } = s.method {
        positive("method.step_s", step_s)?;
    }
    let end = match s.end_time_s {
        Some(end) => {
            positive("end_time_s", end)?;
            end
        }
        None => {
            let end = inflow.series().span_s().1.max(rain.end_s());
            if end.is_nan() || end <= 0.0 {
                return Err(RoutingError::NoEndTime(end));
            }
            end
        }
    };
    // Forcing breakpoints closer than MIN_PIECE_S merge into one; a shorter run has no piece.
    if end < system::MIN_PIECE_S {
        return Err(RoutingError::BadSetting {
            name: "end_time_s",
            value: end,
            expected: "at least 1e-6 s",
        });
    }
    // The output series holds one row per report interval: bound it before allocating.
    if end / s.report_interval_s > MAX_OUTPUT_INTERVALS {
        return Err(RoutingError::BadSetting {
            name: "report_interval_s",
            value: s.report_interval_s,
            expected: "at most 10^7 report intervals over the run",
        });
    }
    Ok(end)
}

/// Most report intervals a run may have (10⁷ rows of output is ~1 GB with every structure).
const MAX_OUTPUT_INTERVALS: f64 = 1e7;

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: settings read from a scenario's TOML take defaults for missing keys and reject
    // unknown ones (a typo must not silently fall back to a default).
    #[test]
    fn settings_deserialise_with_defaults_and_reject_unknown_keys() {
        let s: RoutingSettings =
            toml::from_str("rtol = 1e-8\nmethod = { modified_puls = { step_s = 60.0 } }").unwrap();
        assert_eq!(s.rtol, 1e-8);
        assert_eq!(s.method, Method::ModifiedPuls { step_s: 60.0 });
        assert_eq!(s.report_interval_s, RoutingSettings::default().report_interval_s);
        assert!(toml::from_str::<RoutingSettings>("rtoll = 1e-8").is_err());
    }

    // Goal: a run shorter than one routing piece (1 µs) is a settings error, not a panic (found by
    // the scenario mutation test: routing.duration_h = 1.1e-77).
    #[test]
    fn run_shorter_than_one_piece_is_a_settings_error() {
        let s = RoutingSettings { end_time_s: Some(4e-74), ..RoutingSettings::default() };
        let inflow = Hydrograph::new(vec![0.0, 10.0], vec![1.0, 1.0]).unwrap();
        let rain = Hyetograph::dry();
        let e = check_settings(&s, &inflow, &rain).unwrap_err();
        assert!(matches!(e, RoutingError::BadSetting { name: "end_time_s", .. }), "{e}");
    }
}
