//! What every structure shares: a typed id and a condition (blockage, damage, closure).

use super::error::{StructureError, in_range};
use serde::{Deserialize, Serialize};
use std::fmt;
use tailtwin_core::{Control, Discharge, Regime};

/// A structure's id as written in the scenario (`tower-1`, `spillway`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StructureId(String);

impl StructureId {
    /// Wrap a scenario id.
    pub fn new(id: impl Into<String>) -> Self {
        StructureId(id.into())
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StructureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for StructureId {
    fn from(s: &str) -> Self {
        StructureId(s.to_string())
    }
}

/// The state of a structure: the fraction of its intact capacity that remains.
///
/// A blocked or damaged structure passes `remaining ×` its intact discharge at every stage, with
/// the intact regime and control (blockage by debris, a partly collapsed window, a deformed
/// conduit are all modelled as the same fraction of capacity lost; the fraction is the
/// assessor's estimate). `Closed` passes nothing (regime [`Regime::Closed`]), for drills where
/// an outlet is shut or lost.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// As built.
    #[default]
    Intact,
    /// Partly blocked (debris, ice, tailings): `remaining` in [0, 1].
    Blocked { remaining: f64 },
    /// Damaged (cracked shaft, collapsed section): `remaining` in [0, 1].
    Damaged { remaining: f64 },
    /// Shut or lost: no flow.
    Closed,
}

impl Condition {
    /// Check the remaining fraction lies in [0, 1].
    pub fn validate(self, structure: &str) -> Result<Self, StructureError> {
        match self {
            Condition::Blocked { remaining } | Condition::Damaged { remaining } => {
                in_range(structure, "condition.remaining", remaining, 0.0, 1.0)?;
                Ok(self)
            }
            Condition::Intact | Condition::Closed => Ok(self),
        }
    }

    /// Fraction of intact capacity that remains, in [0, 1].
    pub fn factor(self) -> f64 {
        match self {
            Condition::Intact => 1.0,
            Condition::Blocked { remaining } | Condition::Damaged { remaining } => remaining,
            Condition::Closed => 0.0,
        }
    }

    /// Scale an intact discharge by the condition. A structure with nothing left reports
    /// [`Regime::Closed`].
    #[inline]
    pub fn apply(self, intact: Discharge) -> Discharge {
        let f = self.factor();
        if f == 1.0 {
            intact
        } else if f == 0.0 {
            Discharge { flow_m3s: 0.0, regime: Regime::Closed, control: Control::None }
        } else {
            Discharge { flow_m3s: intact.flow_m3s * f, ..intact }
        }
    }
}

/// The smaller of two capacities in series, with the control and regime of the one that wins.
/// Ties go to the upstream part (`a`), so control switches only when the downstream part is
/// strictly smaller.
#[inline]
pub(crate) fn series_min(a: Discharge, b: Discharge) -> Discharge {
    if b.flow_m3s < a.flow_m3s { b } else { a }
}

/// `x^1.5` for `x ≥ 0`, without `powf`.
#[inline]
pub(crate) fn pow1_5(x: f64) -> f64 {
    x * x.sqrt()
}
