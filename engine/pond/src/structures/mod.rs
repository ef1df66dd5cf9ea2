//! Discharge structures. Every structure answers one question: at this pond stage (and time),
//! what flows out, in which regime, and which part controls?
//!
//! (Full documentation of the equations is below in the submodules; this header grows with
//! the set of structures.)

mod common;
mod error;
mod orifice;
mod quadrature;
mod weir;

pub use common::{Condition, StructureId};
pub use error::StructureError;
pub use orifice::{Orientation, Orifice, OrificeShape, SWMM_BOTTOM_WEIR_COEFFICIENT, SideRule};
pub use weir::{Approach, Contraction, Weir, WeirForm};

use tailtwin_core::{Discharge, Elevation};

/// The contract between discharge structures and the router.
///
/// Implementations must be pure functions of `(stage, time)`: the router may evaluate them in any
/// order and at rejected trial steps. Flow must be non-negative, finite, continuous in stage
/// except at documented regime transitions, and non-decreasing in stage.
pub trait Outlet: Send + Sync {
    /// The structure's id as written in the scenario.
    fn id(&self) -> &str;
    /// The structure's kind as written in the scenario (`weir`, `window_tower`, …).
    fn kind(&self) -> &str;
    /// Discharge at pond stage `stage` and time `time_s` (time matters only for structures that
    /// change in time, such as a growing breach or a gate schedule).
    fn discharge(&self, stage: Elevation, time_s: f64) -> Discharge;
    /// Stages at which the regime or control changes (sill, crest, crown, …). The router uses
    /// them to land steps on kinks and to record regime-change events. May be empty.
    fn transition_stages(&self) -> Vec<Elevation> {
        Vec::new()
    }
}
