//! Spillway (溢洪道): a weir at the crest (practical WES by default) with an optional chute
//! capacity cap, `Q = min(Q_crest, Q_chute)`; the chute reports [`Control::Conduit`] (the
//! downstream conveyance) with a free-surface regime when it governs.

use super::common::{Condition, StructureId};
use super::error::{StructureError, positive};
use super::weir::{Contraction, Weir, WeirForm};
use tailtwin_core::{Control, Discharge, Elevation, Regime};

/// A spillway: crest weir plus optional chute cap.
#[derive(Debug, Clone, PartialEq)]
pub struct Spillway {
    crest: Weir,
    chute_capacity: Option<f64>,
    condition: Condition,
}

impl Spillway {
    /// A practical (WES) crest of `bays` bays of clear width `bay_width_m`, `m = 0.48`, side
    /// contraction from rounded piers (ξ₀ = 0.45) and rounded abutments (ξ_k = 0.7).
    pub fn practical(
        id: impl Into<StructureId>,
        crest: Elevation,
        bays: u32,
        bay_width_m: f64,
    ) -> Result<Self, StructureError> {
        let form = WeirForm::Practical {
            bays,
            bay_width_m,
            m: Weir::PRACTICAL_M,
            contraction: Contraction::Coefficients { pier: 0.45, abutment: 0.7 },
        };
        Ok(Spillway::new(Weir::new(id, crest, form)?))
    }

    /// A spillway whose crest is `weir` (any form, approach and tailwater as set on it).
    pub fn new(crest: Weir) -> Self {
        Spillway { crest, chute_capacity: None, condition: Condition::Intact }
    }

    /// Cap the flow at the chute's conveyance capacity, m³/s.
    pub fn with_chute_capacity(mut self, q_m3s: f64) -> Result<Self, StructureError> {
        self.chute_capacity = Some(positive(self.crest.id().as_str(), "chute_capacity", q_m3s)?);
        Ok(self)
    }

    /// Blockage, damage or closure.
    pub fn with_condition(mut self, condition: Condition) -> Result<Self, StructureError> {
        self.condition = condition.validate(self.crest.id().as_str())?;
        Ok(self)
    }

    pub fn id(&self) -> &StructureId {
        self.crest.id()
    }
    pub fn crest(&self) -> &Weir {
        &self.crest
    }

    /// Discharge of the intact spillway at stage `z`.
    pub fn discharge_at(&self, z: f64) -> Discharge {
        let d = self.crest.discharge_at(z);
        match self.chute_capacity {
            Some(cap) if cap < d.flow_m3s => {
                Discharge { flow_m3s: cap, regime: Regime::FreeSurface, control: Control::Conduit }
            }
            _ => d,
        }
    }

    pub fn transitions(&self) -> Vec<Elevation> {
        self.crest.transitions()
    }
}

impl super::Outlet for Spillway {
    fn id(&self) -> &str {
        self.crest.id().as_str()
    }
    fn kind(&self) -> &str {
        "spillway"
    }
    fn discharge(&self, stage: Elevation, _time_s: f64) -> Discharge {
        self.condition.apply(self.discharge_at(stage.m()))
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        self.transitions()
    }
    fn steady_from_s(&self) -> Option<f64> {
        Some(0.0)
    }
}
