//! What a discharge structure reports at a stage: the flow, the hydraulic regime and which part
//! of the structure controls it.

use serde::{Deserialize, Serialize};

/// Standard gravity used throughout, m/s². Verification cases that were computed with another
/// value (SWMM uses 32.2 ft/s² = 9.81456 m/s²) pass theirs explicitly.
pub const G: f64 = 9.81;

/// The hydraulic regime of a structure (or of its controlling part) at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// Water below the lowest opening: no flow.
    Dry,
    /// Free weir flow over a crest, window sill or trough cover.
    Weir,
    /// Opening fully submerged: orifice flow.
    Orifice,
    /// Free-surface (open-channel) flow in a conduit.
    FreeSurface,
    /// Inlet submerged, barrel partly full.
    HalfPressure,
    /// Barrel flowing full under pressure.
    Pressure,
    /// Flow over the dam crest.
    Overtopping,
    /// Read from a user rating table.
    Table,
    /// Structure closed or fully blocked.
    Closed,
}

impl Regime {
    /// Bilingual label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Regime::Dry => "无流 / dry",
            Regime::Weir => "堰流 / weir",
            Regime::Orifice => "孔流 / orifice",
            Regime::FreeSurface => "明流 / free surface",
            Regime::HalfPressure => "半有压流 / half-pressure",
            Regime::Pressure => "有压流 / pressure",
            Regime::Overtopping => "漫顶 / overtopping",
            Regime::Table => "水位流量表 / rating table",
            Regime::Closed => "关闭 / closed",
        }
    }
}

/// Which part of a structure governs the flow at a stage (the smallest capacity in a series system).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// No flow.
    None,
    /// The inlet: windows, cover plates, weir crest, orifice opening.
    Inlet,
    /// The vertical shaft of a decant tower (or the trough channel).
    Shaft,
    /// The outlet conduit (pipe or tunnel) in series downstream.
    Conduit,
    /// The structure's rating table.
    Table,
}

impl Control {
    /// Bilingual label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Control::None => "— / none",
            Control::Inlet => "进口 / inlet",
            Control::Shaft => "井筒 / shaft",
            Control::Conduit => "管洞 / conduit",
            Control::Table => "表 / table",
        }
    }
}

/// A structure's discharge at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Discharge {
    /// Flow, m³/s (non-negative).
    pub flow_m3s: f64,
    /// Regime of the controlling part.
    pub regime: Regime,
    /// Which part controls.
    pub control: Control,
}

impl Discharge {
    /// No flow (water below the structure).
    pub const DRY: Discharge =
        Discharge { flow_m3s: 0.0, regime: Regime::Dry, control: Control::None };
}
