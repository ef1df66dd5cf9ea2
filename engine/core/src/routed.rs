//! The product of level-pool routing: what the pond did during a flood.

use crate::diagnostics::Diagnostics;
use crate::hydraulics::{Control, Regime};
use crate::mass_balance::MassBalance;
use serde::{Deserialize, Serialize};

/// Flow through one structure at the output times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureSeries {
    pub structure_id: String,
    pub kind: String,
    pub flow_m3s: Vec<f64>,
    pub regime: Vec<Regime>,
    pub control: Vec<Control>,
    /// Volume passed during the run, m³ (integrated by the router, not from the sampled series).
    pub volume_m3: f64,
    /// Peak flow, m³/s, and its time, s (from the router's own steps).
    pub peak_flow_m3s: f64,
    pub time_of_peak_s: f64,
}

/// Time series and extremes of a routed flood. Every series shares `time_s`.
///
/// Extremes (peaks, minima, times) come from the integrator's own steps and located events, not
/// from the sampled output series, so they do not depend on the report interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutedPond {
    pub time_s: Vec<f64>,
    /// Pond water level, m (absolute).
    pub stage_m: Vec<f64>,
    /// Stored volume, m³.
    pub storage_m3: Vec<f64>,
    /// Catchment inflow, m³/s.
    pub inflow_m3s: Vec<f64>,
    /// Rain falling directly on the pond and beach surface, m³/s.
    pub rain_on_pond_m3s: Vec<f64>,
    /// Total outflow through the discharge structures, m³/s (overtopping excluded).
    pub outflow_m3s: Vec<f64>,
    /// Flow over the dam crest, m³/s.
    pub overtopping_m3s: Vec<f64>,
    /// Per-structure flows.
    pub structures: Vec<StructureSeries>,
    /// Freeboard (安全超高), m: beach crest (upstream dams) or dam crest (others) minus stage.
    pub freeboard_m: Vec<f64>,
    /// Dry-beach length (干滩长度), m, from the beach crest to the water's edge.
    pub beach_length_m: Vec<f64>,

    pub peak_stage_m: f64,
    pub time_of_peak_stage_s: f64,
    pub peak_inflow_m3s: f64,
    pub time_of_peak_inflow_s: f64,
    /// Peak of total outflow (structures plus overtopping), m³/s.
    pub peak_outflow_m3s: f64,
    pub time_of_peak_outflow_s: f64,
    pub min_freeboard_m: f64,
    pub min_beach_length_m: f64,
    pub overtopped: bool,
    pub overtopping_volume_m3: f64,
    /// Duration with the stage above the dam crest, s.
    pub overtopping_duration_s: f64,
    pub mass_balance: MassBalance,
    pub diagnostics: Diagnostics,
}
