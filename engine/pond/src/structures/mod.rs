//! Discharge structures. Every structure answers one question: at this pond stage (and time),
//! what flows out, in which regime, and which part controls?
//!
//! (Full documentation of the equations is below in the submodules; this header grows with
//! the set of structures.)

mod common;
mod conduit;
mod error;
mod orifice;
mod quadrature;
mod rating;
mod section;
mod spillway;
mod structure;
mod table;
mod tower;
mod trough;
mod weir;

pub use common::{Condition, StructureId};
pub use conduit::Conduit;
pub use error::StructureError;
pub use orifice::{Orientation, Orifice, OrificeShape, SWMM_BOTTOM_WEIR_COEFFICIENT, SideRule};
pub use rating::{combined_rating_curve, rating_curve, stage_grid};
pub use section::{ConduitShape, Section};
pub use spillway::Spillway;
pub use structure::Structure;
pub use table::RatingTable;
pub use tower::{FrameTower, Shaft, WindowTower, Windows};
pub use trough::InclinedTrough;
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
    /// The highest stage at which the structure's relation is defined (a rating table's last
    /// row without extrapolation); `None` when unbounded.
    fn stage_limit(&self) -> Option<Elevation> {
        None
    }
    /// [`discharge`](Outlet::discharge), or a typed error for a non-finite stage or a stage
    /// above [`stage_limit`](Outlet::stage_limit). `discharge` itself never fails: it returns
    /// NaN flow for a NaN stage and holds a table's last flow above its top.
    fn try_discharge(&self, stage: Elevation, time_s: f64) -> Result<Discharge, StructureError> {
        if !stage.m().is_finite() {
            return Err(StructureError::NonFiniteStage {
                structure: self.id().to_string(),
                stage: stage.m(),
            });
        }
        if let Some(top) = self.stage_limit()
            && stage.m() > top.m()
        {
            return Err(StructureError::StageAboveTable {
                structure: self.id().to_string(),
                stage: stage.m(),
                top: top.m(),
            });
        }
        Ok(self.discharge(stage, time_s))
    }
}

impl<T: Outlet + ?Sized> Outlet for &T {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn kind(&self) -> &str {
        (**self).kind()
    }
    fn discharge(&self, stage: Elevation, time_s: f64) -> Discharge {
        (**self).discharge(stage, time_s)
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        (**self).transition_stages()
    }
    fn stage_limit(&self) -> Option<Elevation> {
        (**self).stage_limit()
    }
}

impl<T: Outlet + ?Sized> Outlet for Box<T> {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn kind(&self) -> &str {
        (**self).kind()
    }
    fn discharge(&self, stage: Elevation, time_s: f64) -> Discharge {
        (**self).discharge(stage, time_s)
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        (**self).transition_stages()
    }
    fn stage_limit(&self) -> Option<Elevation> {
        (**self).stage_limit()
    }
}
