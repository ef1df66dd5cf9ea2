//! What drives the pond: the storm's hyetograph, the catchment inflow (+ a given inflow), and
//! their report summaries.

use crate::PipelineError;
use tailtwin_core::report::{CatchmentSummary, StormSummary};
use tailtwin_core::{Hydrograph, Hyetograph};
use tailtwin_hydrology::{CatchmentInflow, catchment_inflow, design_inflow};
use tailtwin_scenario::build::{Storm, catchment, storm};
use tailtwin_scenario::{DecaySpec, DepthSpec, PatternSpec, RunoffSpec, Scenario, StormSpec};

/// The storm and the inflow it (and any given hydrograph) produce.
#[derive(Debug, Clone)]
pub struct Forcing {
    /// Rain (None without a `[storm]`).
    pub hyetograph: Option<Hyetograph>,
    /// Total inflow into the pond: catchment runoff plus the given hydrograph.
    pub inflow: Hydrograph,
    pub storm: Option<StormSummary>,
    pub catchment: Option<CatchmentSummary>,
    /// End of the rain, s.
    pub storm_end_s: Option<f64>,
    /// Notes for the report (recalled regional defaults, …).
    pub warnings: Vec<String>,
}

/// Storm → hyetograph → catchment inflow (+ given inflow), with summaries.
pub fn forcing(s: &Scenario) -> Result<Forcing, PipelineError> {
    let mut warnings = Vec::new();
    let storm = s.storm.as_ref().map(storm).transpose()?;
    let runoff: Option<CatchmentInflow> = match (&s.catchment, &storm) {
        (Some(cs), Some(st)) => {
            let (c, method, w) = catchment(cs)?;
            warnings.extend(w);
            let inflow = match st {
                Storm::Design(d) => design_inflow(&c, d, &method),
                Storm::Observed(h) => catchment_inflow(&c, h, &method),
            }
            .map_err(PipelineError::Catchment)?;
            warnings.extend(inflow.diagnostics.warnings.iter().cloned());
            Some(inflow)
        }
        _ => None,
    };
    let inflow = match (&runoff, &s.inflow) {
        (Some(r), Some(given)) => r.hydrograph.add(given),
        (Some(r), None) => r.hydrograph.clone(),
        (None, Some(given)) => given.clone(),
        (None, None) => Hydrograph::zero(),
    };
    let inflow = match &storm {
        Some(st) => snap_to_rain_boundaries(&inflow, st.hyetograph())?,
        None => inflow,
    };
    let storm_summary = match (&s.storm, &storm) {
        (Some(spec), Some(st)) => Some(storm_summary(spec, st)),
        _ => None,
    };
    let catchment_summary = match (&s.catchment, &runoff) {
        (Some(cs), Some(r)) => Some(CatchmentSummary {
            method: catchment_label(&cs.runoff),
            area_km2: cs.area_m2 / 1e6,
            runoff_depth_mm: r.runoff_depth_mm,
            runoff_volume_m3: r.runoff_volume_m3,
            peak_inflow_m3s: r.peak_flow_m3s,
            time_of_peak_inflow_s: r.peak_time_s,
        }),
        _ => None,
    };
    Ok(Forcing {
        storm_end_s: storm.as_ref().map(|st| st.hyetograph().end_s()),
        hyetograph: storm.map(|st| match st {
            Storm::Design(d) => d.hyetograph,
            Storm::Observed(h) => h,
        }),
        inflow,
        storm: storm_summary,
        catchment: catchment_summary,
        warnings,
    })
}

fn catchment_label(r: &RunoffSpec) -> String {
    match r {
        RunoffSpec::ScsCn { curve_number, amc, .. } => {
            format!("SCS-CN (CN {curve_number}, AMC {amc:?}) + SCS unit hydrograph")
        }
        RunoffSpec::Rational { mu_mm_h, .. } => {
            format!("推理公式 / IWHR rational formula (μ = {mu_mm_h} mm/h) + triangular hydrograph")
        }
    }
}

fn storm_summary(spec: &StormSpec, storm: &Storm) -> StormSummary {
    let h = storm.hyetograph();
    let interval_h = h.interval_s() / 3600.0;
    let peak = h.depth_mm().iter().copied().fold(0.0, f64::max) / interval_h;
    let method = match (spec, storm) {
        (StormSpec::Design { depth, pattern, .. }, Storm::Design(d)) => {
            let depth_text = match depth {
                DepthSpec::Atlas { mean_24h_mm, cv, cs_over_cv, decay } => {
                    let k = d.curve.frequency_24h.as_ref().map_or(String::new(), |f| {
                        format!(", Φ = {:.3}, K_p = {:.3}, H24,p = {:.1} mm", f.phi, f.k_p, f.value)
                    });
                    let n = match decay {
                        DecaySpec::Single(n) => format!("n = {n}"),
                        DecaySpec::Segmented { n1, n2, n3 } => format!("n1/n2/n3 = {n1}/{n2}/{n3}"),
                        DecaySpec::DesignDepths { .. } => "n from design depths".into(),
                    };
                    format!(
                        "atlas storm, P-III (H̄24 = {mean_24h_mm} mm, Cv = {cv}, Cs/Cv = {cs_over_cv}{k}), {n}"
                    )
                }
                DepthSpec::Idf { a, c, b_min, n } => {
                    format!("IDF i = {a}(1 + {c} lg P)/(t + {b_min})^{n} mm/min")
                }
                DepthSpec::Fixed { depth_mm } => format!("given depth {depth_mm} mm"),
            };
            let pattern_text = match pattern {
                PatternSpec::Chicago { peak_position } => format!("Chicago r = {peak_position}"),
                PatternSpec::ScsTypeII => "SCS type II".into(),
                PatternSpec::Uniform => "uniform".into(),
                PatternSpec::Table { .. } => "user mass curve".into(),
            };
            format!("{depth_text}; {pattern_text}")
        }
        _ => "observed rain (gauge records)".into(),
    };
    StormSummary {
        method,
        return_period_years: spec.return_period_years(),
        duration_h: (h.end_s() - h.start_s()) / 3600.0,
        total_depth_mm: h.total_mm(),
        peak_intensity_mm_h: peak,
    }
}

/// Largest distance, s, at which an inflow time is moved onto a rain-interval boundary.
const SNAP_S: f64 = 1e-6;

/// Moves inflow times that lie within [`SNAP_S`] of a rain-interval boundary onto it.
///
/// The unit-hydrograph convolution steps at Δt/k, so its k-th point can miss the boundary
/// k·Δt/k by a few ulp (1800.0000000000023 s instead of 1800 s); the router lands on both
/// breakpoints and the 2e-12 s step between them stops it. Snapping changes the inflow by at
/// most Q'·1e-6 s — far below any tolerance — and keeps the series strictly increasing (a point
/// that would coincide with its predecessor is dropped).
fn snap_to_rain_boundaries(
    inflow: &Hydrograph,
    rain: &Hyetograph,
) -> Result<Hydrograph, PipelineError> {
    let (start, step, n) = (rain.start_s(), rain.interval_s(), rain.depth_mm().len() as f64);
    let mut times: Vec<f64> = Vec::with_capacity(inflow.time_s().len());
    let mut flows: Vec<f64> = Vec::with_capacity(inflow.time_s().len());
    for (&t, &q) in inflow.time_s().iter().zip(inflow.flow_m3s()) {
        let k = ((t - start) / step).round();
        let boundary = start + k * step;
        let t = if (0.0..=n).contains(&k) && (t - boundary).abs() < SNAP_S { boundary } else { t };
        if times.last().is_some_and(|&last| t <= last) {
            continue;
        }
        times.push(t);
        flows.push(q);
    }
    Hydrograph::new(times, flows).map_err(|e| PipelineError::Unsupported(format!("inflow: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: inflow times a few ulp off a rain boundary land on it; others stay. Setup: 600 s rain
    // intervals, an inflow point at 1800 + 2.3e-12 s. Reference: 1800 s exactly; volume change
    // below Q·ΔQ·1e-6. Tolerance: exact times.
    #[test]
    fn inflow_times_within_a_microsecond_snap_onto_rain_boundaries() {
        let rain = Hyetograph::new(0.0, 600.0, vec![1.0; 6]).unwrap();
        let t_off = 1_800.000_000_000_002_3;
        let inflow =
            Hydrograph::new(vec![0.0, 900.0, t_off, 2500.0], vec![0.0, 5.0, 7.0, 3.0]).unwrap();
        let snapped = snap_to_rain_boundaries(&inflow, &rain).unwrap();
        assert_eq!(snapped.time_s(), &[0.0, 900.0, 1800.0, 2500.0]);
        assert_eq!(snapped.flow_m3s(), inflow.flow_m3s());
        assert!((snapped.volume_m3() - inflow.volume_m3()).abs() < 1e-6);
        // A point that would coincide with its predecessor after snapping is dropped.
        let twin = Hydrograph::new(vec![0.0, 1800.0, t_off], vec![0.0, 1.0, 1.0]).unwrap();
        assert_eq!(snap_to_rain_boundaries(&twin, &rain).unwrap().time_s(), &[0.0, 1800.0]);
    }
}
