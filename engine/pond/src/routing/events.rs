//! Event levels and their location inside a step.
//!
//! Every event is a stage level; the stage is a strictly increasing function of the storage, so
//! each level is converted once to a storage and crossings are found on the step's dense output
//! of the storage (the state itself), by Illinois root finding. A step that crosses a level is
//! redone to end on it, so no step straddles a kink of the right-hand side.

use super::dopri::{Dense, illinois};
use crate::pond::Pond;
use crate::structures::Outlet;
use tailtwin_core::{Elevation, EventKind};

/// What a level stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LevelKind {
    /// A regime transition of outlet `k`.
    Transition(usize),
    Crest,
    BeachCrest,
    MaxAllowed,
    /// Storage zero: the pond runs dry.
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Level {
    pub storage: f64,
    pub stage: f64,
    pub kind: LevelKind,
}

impl Level {
    /// Whether storage `s` lies on the upper side of the level.
    #[inline]
    pub fn above(&self, s: f64) -> bool {
        match self.kind {
            LevelKind::Empty => s > 0.0,
            _ => s >= self.storage,
        }
    }
}

/// All event levels of a pond, in no particular order (the crossing search takes the earliest).
pub(crate) fn levels(pond: &Pond, outlets: &[&dyn Outlet]) -> Vec<Level> {
    let table = pond.storage();
    let bottom = pond.bottom().0;
    let mut out = Vec::new();
    let mut push = |stage: f64, kind| {
        if stage.is_finite() && stage > bottom {
            out.push(Level { storage: table.volume_m3(stage), stage, kind });
        }
    };
    for (k, o) in outlets.iter().enumerate() {
        let mut stages: Vec<f64> = o.transition_stages().iter().map(|e| e.0).collect();
        stages.sort_by(f64::total_cmp);
        stages.dedup();
        for z in stages {
            push(z, LevelKind::Transition(k));
        }
    }
    push(pond.dam().crest.0, LevelKind::Crest);
    push(pond.beach().crest().0, LevelKind::BeachCrest);
    if let Some(z) = pond.max_allowed_level() {
        push(z.0, LevelKind::MaxAllowed);
    }
    out.push(Level { storage: 0.0, stage: bottom, kind: LevelKind::Empty });
    out
}

/// Interior maximum or minimum of the storage within a step: `(θ, S)` where dS/dθ changes sign.
pub(crate) fn interior_extremum(d: &Dense) -> Option<(f64, f64)> {
    let (g0, g1) = (d.slope(0.0), d.slope(1.0));
    if g0 == 0.0 || g1 == 0.0 || (g0 > 0.0) == (g1 > 0.0) {
        return None;
    }
    let theta = illinois(|th| d.slope(th), 0.0, 1.0, 1e-13);
    Some((theta, d.value(theta)))
}

/// Earliest level crossing within the step: `(level index, θ)`. `above[j]` is the side the
/// state was on at the step start.
pub(crate) fn earliest_crossing(
    d: &Dense,
    levels: &[Level],
    above: &[bool],
    extremum: Option<(f64, f64)>,
) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    let s1 = d.value(1.0);
    for (j, level) in levels.iter().enumerate() {
        let side = above[j];
        let g = |th: f64| d.value(th) - level.storage;
        // Bracket [lo, hi] on whose right end the state is on the other side.
        let bracket = match extremum {
            Some((te, se)) if level.above(se) != side => Some((0.0, te)),
            Some((te, _)) if level.above(s1) != side => Some((te, 1.0)),
            None if level.above(s1) != side => Some((0.0, 1.0)),
            _ => None,
        };
        let Some((lo, hi)) = bracket else { continue };
        if let Some((_, tb)) = best
            && lo >= tb
        {
            continue;
        }
        // If the start already reads as the new side (a step that landed a hair short of a
        // level and turned back), the crossing is immediate.
        let theta = if (g(lo) >= 0.0) == (g(hi) >= 0.0) { lo } else { illinois(g, lo, hi, 1e-13) };
        if best.is_none_or(|(_, tb)| theta < tb) {
            best = Some((j, theta));
        }
    }
    best
}

/// Event kind and description for level `level` crossed upwards (`rising`) or downwards.
pub(crate) fn describe(
    level: &Level,
    rising: bool,
    pond: &Pond,
    outlets: &[&dyn Outlet],
    time_s: f64,
) -> Option<(EventKind, String)> {
    let dir = if rising { "rising" } else { "falling" };
    let z = level.stage;
    Some(match level.kind {
        LevelKind::Transition(k) => {
            let o = outlets[k];
            let dz = 1e-9 * (1.0 + z.abs());
            let below = o.discharge(Elevation(z - dz), time_s);
            let above = o.discharge(Elevation(z + dz), time_s);
            let (from, to) = if rising { (below, above) } else { (above, below) };
            (
                EventKind::RegimeChange,
                format!(
                    "{} ({}): {:?}/{:?} -> {:?}/{:?} at stage {z:.4} m, {dir}",
                    o.id(),
                    o.kind(),
                    from.regime,
                    from.control,
                    to.regime,
                    to.control
                ),
            )
        }
        LevelKind::Crest if rising => {
            (EventKind::OvertoppingStart, format!("pond level reaches the dam crest {z:.4} m"))
        }
        LevelKind::Crest => {
            (EventKind::OvertoppingEnd, format!("pond level falls below the dam crest {z:.4} m"))
        }
        LevelKind::BeachCrest if rising => (
            EventKind::BeachSubmerged,
            format!("pond level reaches the beach crest {z:.4} m: no dry beach left"),
        ),
        LevelKind::BeachCrest => (
            EventKind::ThresholdCrossed,
            format!("pond level falls below the beach crest {z:.4} m: dry beach re-emerges"),
        ),
        LevelKind::MaxAllowed => {
            (EventKind::ThresholdCrossed, format!("maximum allowed level {z:.4} m crossed, {dir}"))
        }
        LevelKind::Empty if !rising => (
            EventKind::Note,
            format!("pond empty (storage 0, stage at the bottom {:.4} m)", pond.bottom().0),
        ),
        LevelKind::Empty => return None,
    })
}
