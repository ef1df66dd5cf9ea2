//! A steady outlet's flow tabulated on a fine uniform stage grid, for routing the same structures
//! many times (Monte-Carlo ensembles, where the decant tower's windows, shaft and tunnel would
//! otherwise be evaluated from their formulas some 10⁹ times).
//!
//! - **Grid**: `Q_k = Q(z_lo + k h)`, `k = 0 … n`, from the outlet itself (its condition
//!   included); between nodes the flow is interpolated linearly, so it stays non-decreasing and
//!   continuous as the [`Outlet`] contract asks. Outside `[z_lo, z_hi]` the outlet is evaluated
//!   exactly.
//! - **Accuracy**: linear interpolation errs by at most `h²/8 · max|Q''|` on a smooth stretch
//!   and `h/4 · |ΔQ'|` in the cell of a kink (a window row's top, a change of control). With the
//!   default `h` = 1 mm this is ~10⁻⁵ m³/s on the demo tower; [`RatingGrid::max_error_m3s`]
//!   reports the largest difference from the exact outlet measured at every cell's midpoint
//!   when the grid is built. Since outflow rises with storage the routing is contractive, so a
//!   flow error below ε moves the storage by at most `ε·t` after time `t` (the ensemble's test
//!   `tabulated_outlets_match_the_formulas` checks members against this bound).
//! - **Condition**: [`Tabulated::scale`] multiplies the tabulated flow, exactly as a
//!   [`Condition`] scales an outlet whose condition applies last (every
//!   built structure's own condition does): one grid serves every blockage a member draws.
//! - **Output**: inside the grid the flow is reported with regime and control
//!   [`Regime::Table`]/[`Control::Table`] (it comes from the grid); outside, the outlet's own.

use super::error::StructureError;
use super::{Condition, Outlet};
use tailtwin_core::{Control, Discharge, Elevation, Regime};

/// Default grid spacing, m (see the module documentation for the error it gives).
pub const DEFAULT_GRID_SPACING_M: f64 = 1e-3;

/// Most nodes of one grid (10⁷ nodes = 80 MB: a range or spacing beyond any pond).
const MAX_NODES: f64 = 1e7;

/// An outlet's flow on a uniform stage grid (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct RatingGrid {
    lo: f64,
    hi: f64,
    step: f64,
    flows: Vec<f64>,
    max_error_m3s: f64,
}

impl RatingGrid {
    /// Tabulates `outlet` on `[lo, hi]` every `spacing_m` (the last cell may be shorter: the grid
    /// ends exactly at `hi`, or at the outlet's stage limit if that is lower). The outlet must be
    /// steady ([`Outlet::steady_from_s`] = 0): a flow that changes in time has no stage table.
    pub fn new(
        outlet: &dyn Outlet,
        lo: Elevation,
        hi: Elevation,
        spacing_m: f64,
    ) -> Result<RatingGrid, StructureError> {
        let id = outlet.id();
        if outlet.steady_from_s() != Some(0.0) {
            return Err(StructureError::NotApplicable {
                structure: id.to_string(),
                option: "a stage grid (its flow changes in time)",
                kind: "time-dependent outlet",
            });
        }
        let (lo, mut hi) = (lo.m(), hi.m());
        super::error::finite(id, "grid lower stage", lo)?;
        super::error::finite(id, "grid upper stage", hi)?;
        super::error::positive(id, "grid spacing", spacing_m)?;
        if let Some(limit) = outlet.stage_limit() {
            hi = hi.min(limit.m());
        }
        if hi <= lo {
            return Err(StructureError::OutOfRange {
                structure: id.to_string(),
                parameter: "grid upper stage",
                value: hi,
                min: lo,
                max: f64::INFINITY,
            });
        }
        let cells = ((hi - lo) / spacing_m).ceil();
        if cells > MAX_NODES {
            return Err(StructureError::OutOfRange {
                structure: id.to_string(),
                parameter: "grid nodes",
                value: cells,
                min: 1.0,
                max: MAX_NODES,
            });
        }
        let cells = cells as usize;
        let step = (hi - lo) / cells as f64;
        let stage = |k: f64| Elevation(lo + k * step);
        let flows: Vec<f64> =
            (0..=cells).map(|k| outlet.discharge(stage(k as f64), 0.0).flow_m3s).collect();
        if let Some(k) = flows.iter().position(|q| !(q.is_finite() && *q >= 0.0)) {
            return Err(StructureError::NotFinite {
                structure: id.to_string(),
                parameter: "flow on the stage grid",
                value: flows[k],
            });
        }
        let max_error_m3s = (0..cells)
            .map(|k| {
                let exact = outlet.discharge(stage(k as f64 + 0.5), 0.0).flow_m3s;
                (exact - 0.5 * (flows[k] + flows[k + 1])).abs()
            })
            .fold(0.0, f64::max);
        Ok(RatingGrid { lo, hi, step, flows, max_error_m3s })
    }

    /// Lowest and highest tabulated stage, m.
    pub fn range_m(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }

    /// Node spacing, m.
    pub fn spacing_m(&self) -> f64 {
        self.step
    }

    /// Largest |grid − exact| at the cells' midpoints, m³/s (measured when built).
    pub fn max_error_m3s(&self) -> f64 {
        self.max_error_m3s
    }

    /// Interpolated flow at `z`, or `None` outside the grid (and for NaN).
    #[inline]
    pub fn flow_at(&self, z: f64) -> Option<f64> {
        if !(z >= self.lo && z <= self.hi) {
            return None;
        }
        let x = (z - self.lo) / self.step;
        let k = (x as usize).min(self.flows.len() - 2);
        let w = x - k as f64;
        Some(self.flows[k] + w * (self.flows[k + 1] - self.flows[k]))
    }
}

/// An outlet routed through its [`RatingGrid`], its flow multiplied by a factor (a member's
/// blockage) as a [`Condition`] does. See the module documentation.
#[derive(Clone, Copy)]
pub struct Tabulated<'a> {
    outlet: &'a dyn Outlet,
    grid: &'a RatingGrid,
    condition: Condition,
}

impl<'a> Tabulated<'a> {
    /// `outlet` through `grid` (built from this outlet) with its flow multiplied by `scale` in
    /// [0, 1].
    pub fn new(
        outlet: &'a dyn Outlet,
        grid: &'a RatingGrid,
        scale: f64,
    ) -> Result<Self, StructureError> {
        let condition = Condition::Blocked { remaining: scale }.validate(outlet.id())?;
        Ok(Tabulated { outlet, grid, condition })
    }

    /// The factor on the outlet's flow.
    pub fn scale(&self) -> f64 {
        self.condition.factor()
    }
}

impl Outlet for Tabulated<'_> {
    fn id(&self) -> &str {
        self.outlet.id()
    }
    fn kind(&self) -> &str {
        self.outlet.kind()
    }
    /// The grid's flow where it is positive; elsewhere (dry inside the grid, or outside it) the
    /// outlet's own, for the exact regime. The factor applies last either way.
    #[inline]
    fn discharge(&self, stage: Elevation, time_s: f64) -> Discharge {
        let d = match self.grid.flow_at(stage.m()) {
            Some(q) if q > 0.0 => {
                Discharge { flow_m3s: q, regime: Regime::Table, control: Control::Table }
            }
            _ => self.outlet.discharge(stage, time_s),
        };
        self.condition.apply(d)
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        self.outlet.transition_stages()
    }
    fn stage_limit(&self) -> Option<Elevation> {
        self.outlet.stage_limit()
    }
    fn steady_from_s(&self) -> Option<f64> {
        Some(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structures::{Structure, Weir};

    fn weir() -> Structure {
        Weir::swmm_transverse("w", Elevation(100.0), 10.0, 1.70, 3.0).unwrap().into()
    }

    // Goal: the grid reproduces the outlet at its nodes, interpolates within the stated bound
    // between them, falls back to the exact outlet outside, and scales like a condition.
    // Reference: the weir's own formula, Q = C L h^1.5 (C = 1.70, L = 10 m): Q'' = 0.75 C L h^-0.5,
    // so on [100.5, 103] with a 1 mm grid the linear-interpolation bound (1 mm)²/8·max|Q''| is
    // 1.25e-7·18.0 = 2.3e-6 m³/s (max at h = 0.5 m); below the crest the flow is 0 exactly.
    #[test]
    fn grid_interpolates_within_the_bound_and_scales() {
        let w = weir();
        let g = RatingGrid::new(&w, Elevation(99.0), Elevation(103.0), 1e-3).unwrap();
        // The largest midpoint error is in the crest's cell (h = 1 mm above the crest):
        // |Q(h/2) − Q(h)/2| = 17·(1e-3)^1.5·(1/2 − 2^-1.5) = 7.9e-5 m³/s.
        assert!(g.max_error_m3s() > 0.0 && g.max_error_m3s() <= 8e-5, "{}", g.max_error_m3s());
        let t = Tabulated::new(&w, &g, 0.4).unwrap();
        let blocked = w
            .clone()
            .with_condition(crate::structures::Condition::Blocked { remaining: 0.4 })
            .unwrap();
        for k in 0..=2500 {
            let z = 100.5 + 1e-3 * k as f64 + 3.7e-4;
            let exact = blocked.discharge(Elevation(z), 0.0).flow_m3s;
            let tab = t.discharge(Elevation(z), 0.0).flow_m3s;
            assert!((tab - exact).abs() <= 0.4 * 2.3e-6 + 1e-12, "z {z}: {tab} vs {exact}");
        }
        assert_eq!(t.discharge(Elevation(99.5), 0.0).flow_m3s, 0.0);
        // Outside: exact.
        let z = Elevation(104.0);
        assert_eq!(t.discharge(z, 0.0).flow_m3s, 0.4 * w.discharge(z, 0.0).flow_m3s);
        // Outside the grid the outlet's own regime; inside, the table's (dry below the crest).
        assert_eq!(t.discharge(z, 0.0).regime, w.discharge(z, 0.0).regime);
        assert_eq!(t.discharge(Elevation(101.0), 0.0).regime, Regime::Table);
        assert_eq!(t.discharge(Elevation(99.5), 0.0).regime, Regime::Dry);
    }

    // Goal: what cannot be tabulated is refused with the structure named.
    #[test]
    fn bad_grids_are_errors() {
        let w = weir();
        assert!(RatingGrid::new(&w, Elevation(101.0), Elevation(100.0), 1e-3).is_err());
        assert!(RatingGrid::new(&w, Elevation(100.0), Elevation(101.0), 0.0).is_err());
        assert!(RatingGrid::new(&w, Elevation(f64::NAN), Elevation(101.0), 1e-3).is_err());
        assert!(RatingGrid::new(&w, Elevation(0.0), Elevation(1e6), 1e-6).is_err());
        let scheduled: Structure = crate::structures::Scheduled::new(
            weir(),
            &[(10.0, crate::structures::Condition::Closed)],
        )
        .unwrap()
        .into();
        let e = RatingGrid::new(&scheduled, Elevation(100.0), Elevation(101.0), 1e-3).unwrap_err();
        assert!(e.to_string().contains("w:"), "{e}");
        let g = RatingGrid::new(&w, Elevation(100.0), Elevation(101.0), 1e-3).unwrap();
        assert!(Tabulated::new(&w, &g, 1.5).is_err());
    }
}
