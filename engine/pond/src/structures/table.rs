//! A user stage–discharge table: linear interpolation, zero below the first stage, an error
//! above the last (through [`Outlet::try_discharge`](super::Outlet::try_discharge)) unless
//! extrapolation along the last segment is allowed.

use super::common::{Condition, StructureId};
use super::error::{StructureError, finite};
use tailtwin_core::{Control, Discharge, Elevation, Regime};

/// A validated rating table.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingTable {
    id: StructureId,
    stages: Vec<f64>,
    flows: Vec<f64>,
    extrapolate: bool,
    condition: Condition,
}

impl RatingTable {
    /// Stages strictly increasing, flows non-decreasing, first flow 0 (the stage where flow
    /// starts), at least two rows.
    pub fn new(
        id: impl Into<StructureId>,
        stages: Vec<f64>,
        flows: Vec<f64>,
        extrapolate: bool,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        if stages.len() != flows.len() {
            return Err(StructureError::TableLengthMismatch {
                structure: s.to_string(),
                stages: stages.len(),
                flows: flows.len(),
            });
        }
        if stages.len() < 2 {
            return Err(StructureError::TableTooShort {
                structure: s.to_string(),
                rows: stages.len(),
            });
        }
        for (&z, &q) in stages.iter().zip(&flows) {
            finite(s, "table stage", z)?;
            finite(s, "table flow", q)?;
        }
        if flows[0] != 0.0 {
            return Err(StructureError::TableFirstFlowNotZero {
                structure: s.to_string(),
                flow: flows[0],
            });
        }
        for i in 1..stages.len() {
            if stages[i] <= stages[i - 1] {
                return Err(StructureError::TableStagesNotIncreasing {
                    structure: s.to_string(),
                    index: i,
                    stage: stages[i],
                    previous: stages[i - 1],
                });
            }
            if flows[i] < flows[i - 1] {
                return Err(StructureError::TableFlowsDecreasing {
                    structure: s.to_string(),
                    index: i,
                    flow: flows[i],
                    previous: flows[i - 1],
                });
            }
        }
        Ok(RatingTable { id, stages, flows, extrapolate, condition: Condition::Intact })
    }

    /// Blockage, damage or closure.
    pub fn with_condition(mut self, condition: Condition) -> Result<Self, StructureError> {
        self.condition = condition.validate(self.id.as_str())?;
        Ok(self)
    }

    pub fn id(&self) -> &StructureId {
        &self.id
    }
    /// The last stage of the table.
    pub fn top(&self) -> Elevation {
        Elevation(self.stages[self.stages.len() - 1])
    }
    pub fn extrapolates(&self) -> bool {
        self.extrapolate
    }

    /// Interpolated flow at stage `z`; above the top, extrapolated along the last segment if
    /// allowed, else held at the last flow (callers that must not read past the table use
    /// [`Outlet::try_discharge`](super::Outlet::try_discharge)).
    pub fn discharge_at(&self, z: f64) -> Discharge {
        if z.is_nan() {
            return Discharge { flow_m3s: f64::NAN, ..Discharge::DRY };
        }
        let n = self.stages.len();
        if z <= self.stages[0] {
            return Discharge::DRY;
        }
        // Segment i with stages[i-1] < z ≤ stages[i], or the last one above the top.
        let i = self.stages.partition_point(|&s| s < z).clamp(1, n - 1);
        let q = if z > self.stages[n - 1] && !self.extrapolate {
            self.flows[n - 1]
        } else {
            let (z0, z1) = (self.stages[i - 1], self.stages[i]);
            let (q0, q1) = (self.flows[i - 1], self.flows[i]);
            q0 + (q1 - q0) * (z - z0) / (z1 - z0)
        };
        if q <= 0.0 {
            return Discharge::DRY;
        }
        Discharge { flow_m3s: q, regime: Regime::Table, control: Control::Table }
    }
}

impl super::Outlet for RatingTable {
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn kind(&self) -> &str {
        "rating_table"
    }
    fn discharge(&self, stage: Elevation, _time_s: f64) -> Discharge {
        self.condition.apply(self.discharge_at(stage.m()))
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        self.stages.iter().map(|&z| Elevation(z)).collect()
    }
    fn stage_limit(&self) -> Option<Elevation> {
        if self.extrapolate { None } else { Some(self.top()) }
    }
    fn steady_from_s(&self) -> Option<f64> {
        Some(0.0)
    }
}
