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
