//! Stage–discharge tables, as `tailtwin rating` prints and plots them.

use crate::hydraulics::{Control, Regime};
use serde::{Deserialize, Serialize};

/// One row of a rating table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RatingRow {
    pub stage_m: f64,
    pub flow_m3s: f64,
    pub regime: Regime,
    pub control: Control,
}

/// A structure's (or the combined system's) stage–discharge table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingCurve {
    /// Structure id, or `"combined"` for the sum of all structures.
    pub structure_id: String,
    /// Structure kind as written in the scenario (`window_tower`, `weir`, …).
    pub kind: String,
    pub rows: Vec<RatingRow>,
}
