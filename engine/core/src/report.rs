//! The Report: what `summary.json` holds and `--json` prints. Built by `pipeline`; read by
//! `results` and `viz`. Fields are flat where the JSON contract names them
//! (`peak_stage_m`, `checks`, …) and grouped where they describe a stage.

use crate::check::{Check, Standard};
use crate::geotech::{SeepageProfile, StabilityResultRow};
use crate::mass_balance::MassBalance;
use serde::{Deserialize, Serialize};

/// Summary of the rainfall used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StormSummary {
    /// How the storm was made, e.g. "atlas 24 h, Pearson-III, Chicago r = 0.4".
    pub method: String,
    pub return_period_years: Option<f64>,
    pub duration_h: f64,
    pub total_depth_mm: f64,
    pub peak_intensity_mm_h: f64,
}

/// Summary of the catchment inflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatchmentSummary {
    /// e.g. "SCS-CN + SCS unit hydrograph" or "推理公式 (IWHR rational formula)".
    pub method: String,
    pub area_km2: f64,
    pub runoff_depth_mm: f64,
    pub runoff_volume_m3: f64,
    pub peak_inflow_m3s: f64,
    pub time_of_peak_inflow_s: f64,
}

/// Per-structure summary of a routed flood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureSummary {
    pub id: String,
    pub kind: String,
    pub peak_flow_m3s: f64,
    pub time_of_peak_s: f64,
    pub volume_m3: f64,
    /// Regime and control at the time of the peak stage.
    pub regime_at_peak_stage: String,
    pub control_at_peak_stage: String,
}

/// The Report of one scenario run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub scenario: String,
    pub engine_version: String,
    /// Edition whose limits apply.
    pub standard: Standard,
    /// Pond grade (等别) as a Chinese numeral, e.g. "三".
    pub grade: Option<String>,
    /// Pond grade as a number 1–5.
    pub grade_number: Option<u8>,
    /// Design flood return period applied, years.
    pub design_return_period_years: Option<f64>,
    pub storm: Option<StormSummary>,
    pub catchment: Option<CatchmentSummary>,

    pub peak_stage_m: f64,
    pub time_of_peak_stage_s: f64,
    pub peak_inflow_m3s: f64,
    pub time_of_peak_inflow_s: f64,
    pub peak_outflow_m3s: f64,
    pub time_of_peak_outflow_s: f64,
    pub min_freeboard_m: f64,
    pub min_beach_length_m: f64,
    pub overtopped: bool,
    pub overtopping_volume_m3: f64,
    pub mass_balance_error_m3: f64,
    pub mass_balance_error_pct: f64,
    pub mass_balance: MassBalance,

    pub structures: Vec<StructureSummary>,
    pub checks: Vec<Check>,
    /// Seepage solutions per section and pond level (when the scenario has dam sections).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seepage: Vec<SeepageProfile>,
    /// Stability results per section, load case and method (when `[stability]` is given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stability: Vec<StabilityResultRow>,
    /// Slope reliability (FOSM and Monte-Carlo) per section, load case and method (`assess`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reliability: Vec<crate::assessment::ReliabilityRow>,
    /// The flood ensemble's probabilities and curves (`ensemble`, `assess`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble: Option<crate::assessment::EnsembleSummary>,
    /// Safety status, warnings and risk score (`assess`, `portfolio`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::assessment::SafetyStatus>,
    /// Anything the user should know (recalled limits used, clipped inputs, …).
    pub warnings: Vec<String>,
}
