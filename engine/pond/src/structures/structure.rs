//! The closed set of structure kinds a scenario can hold.

use super::common::{Condition, StructureId};
use super::{
    Breach, Conduit, FrameTower, InclinedTrough, Orifice, Outlet, RatingTable, Spillway, Weir,
    WindowTower,
};
use tailtwin_core::{Discharge, Elevation};

/// Any discharge structure. `match` on it is exhaustive; every kind validates on construction.
#[derive(Debug, Clone, PartialEq)]
pub enum Structure {
    Weir(Weir),
    Orifice(Orifice),
    Conduit(Conduit),
    WindowTower(WindowTower),
    FrameTower(FrameTower),
    InclinedTrough(InclinedTrough),
    Spillway(Spillway),
    RatingTable(RatingTable),
    Breach(Breach),
    /// A structure whose condition changes at given times (drills, what-if runs).
    Scheduled(Box<super::Scheduled>),
}

impl Structure {
    /// The inner structure as an [`Outlet`].
    fn outlet(&self) -> &dyn Outlet {
        match self {
            Structure::Weir(s) => s,
            Structure::Orifice(s) => s,
            Structure::Conduit(s) => s,
            Structure::WindowTower(s) => s,
            Structure::FrameTower(s) => s,
            Structure::InclinedTrough(s) => s,
            Structure::Spillway(s) => s,
            Structure::RatingTable(s) => s,
            Structure::Breach(s) => s,
            Structure::Scheduled(s) => s.as_ref(),
        }
    }

    /// The typed id.
    pub fn structure_id(&self) -> &StructureId {
        match self {
            Structure::Weir(s) => s.id(),
            Structure::Orifice(s) => s.id(),
            Structure::Conduit(s) => s.id(),
            Structure::WindowTower(s) => s.id(),
            Structure::FrameTower(s) => s.id(),
            Structure::InclinedTrough(s) => s.id(),
            Structure::Spillway(s) => s.id(),
            Structure::RatingTable(s) => s.id(),
            Structure::Breach(s) => s.id(),
            Structure::Scheduled(s) => s.base().structure_id(),
        }
    }

    /// Replace the condition (blockage, damage, closure) — for drills and what-if runs.
    pub fn with_condition(self, condition: Condition) -> Result<Self, super::StructureError> {
        Ok(match self {
            Structure::Weir(s) => Structure::Weir(s.with_condition(condition)?),
            Structure::Orifice(s) => Structure::Orifice(s.with_condition(condition)?),
            Structure::Conduit(s) => Structure::Conduit(s.with_condition(condition)?),
            Structure::WindowTower(s) => Structure::WindowTower(s.with_condition(condition)?),
            Structure::FrameTower(s) => Structure::FrameTower(s.with_condition(condition)?),
            Structure::InclinedTrough(s) => Structure::InclinedTrough(s.with_condition(condition)?),
            Structure::Spillway(s) => Structure::Spillway(s.with_condition(condition)?),
            Structure::RatingTable(s) => Structure::RatingTable(s.with_condition(condition)?),
            Structure::Breach(s) => Structure::Breach(s.with_condition(condition)?),
            Structure::Scheduled(s) => {
                Structure::Scheduled(Box::new(s.with_base_condition(condition)?))
            }
        })
    }
}

impl Outlet for Structure {
    fn id(&self) -> &str {
        self.outlet().id()
    }
    fn kind(&self) -> &str {
        self.outlet().kind()
    }
    #[inline]
    fn discharge(&self, stage: Elevation, time_s: f64) -> Discharge {
        self.outlet().discharge(stage, time_s)
    }
    /// The inner structure's transitions, sorted and without duplicates.
    fn transition_stages(&self) -> Vec<Elevation> {
        let mut t = self.outlet().transition_stages();
        t.sort_by(|a, b| a.m().total_cmp(&b.m()));
        t.dedup_by(|a, b| (a.m() - b.m()).abs() < 1e-9);
        t
    }
    fn stage_limit(&self) -> Option<Elevation> {
        self.outlet().stage_limit()
    }
    fn time_breakpoints(&self) -> Vec<f64> {
        self.outlet().time_breakpoints()
    }
    fn steady_from_s(&self) -> Option<f64> {
        self.outlet().steady_from_s()
    }
    #[inline]
    fn discharge_in_piece(&self, stage: Elevation, time_s: f64, a: f64, b: f64) -> Discharge {
        self.outlet().discharge_in_piece(stage, time_s, a, b)
    }
}

impl From<super::Scheduled> for Structure {
    fn from(s: super::Scheduled) -> Self {
        Structure::Scheduled(Box::new(s))
    }
}

macro_rules! from_kind {
    ($($kind:ident),*) => {$(
        impl From<$kind> for Structure {
            fn from(s: $kind) -> Self {
                Structure::$kind(s)
            }
        }
    )*};
}
from_kind!(
    Weir,
    Orifice,
    Conduit,
    WindowTower,
    FrameTower,
    InclinedTrough,
    Spillway,
    RatingTable,
    Breach
);
