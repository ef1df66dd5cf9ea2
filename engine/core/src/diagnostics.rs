//! Convergence and stepping diagnostics of iterative and time-marching stages.

use serde::{Deserialize, Serialize};

/// Something that happened at a moment during a time-marching run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub time_s: f64,
    pub kind: EventKind,
    /// Human-readable detail (English), e.g. the structure id and the regimes.
    pub detail: String,
}

/// Kinds of [`Event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A structure changed hydraulic regime or control.
    RegimeChange,
    /// The pond level reached the dam crest.
    OvertoppingStart,
    /// The pond level fell back below the dam crest.
    OvertoppingEnd,
    /// The pond level reached the beach crest (no dry beach left).
    BeachSubmerged,
    /// A threshold level was crossed.
    ThresholdCrossed,
    /// Anything else worth recording.
    Note,
}

/// Step statistics and events of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    /// Accepted steps.
    pub steps: usize,
    /// Rejected (retried) steps.
    pub rejected_steps: usize,
    /// Right-hand-side evaluations (stage → discharge calls).
    pub evaluations: usize,
    pub min_step_s: f64,
    pub max_step_s: f64,
    pub events: Vec<Event>,
    pub warnings: Vec<String>,
}
