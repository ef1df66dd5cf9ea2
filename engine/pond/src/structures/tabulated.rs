//! A steady outlet's flow tabulated on a fine uniform stage grid, for routing the same structures
//! many times (Monte-Carlo ensembles, where the decant tower's windows, shaft and tunnel would
//! otherwise be evaluated from their formulas some 10⁹ times).
//!
//! - **Grid**: `Q_k = Q(z_lo + k h)`, `k = 0 … n`, from the outlet itself (its condition
//!   included); between nodes the flow is interpolated linearly, so it stays non-decreasing and
//!   continuous as the [`Outlet`] contract asks. Outside `[z_lo, z_hi]` the outlet is evaluated
//!   exactly.
//! - **Accuracy**: linear interpolation errs by about `h²/8 · |Q''|` on a smooth stretch but by
//!   `h/4 · |ΔQ'|` in the cell of a kink (a change of control from the windows to the tunnel,
//!   flow starting over a sill): 4·10⁻³ m³/s at 1 mm on the demo tower. So every cell whose
//!   midpoint misses the chord by more than [`REFINE_TOLERANCE_M3S`] (or
//!   [`REFINE_RELATIVE_TOLERANCE`] of the largest flow) is bisected towards the kink until each
//!   piece's midpoint is within it (42 of 10⁴ cells on the demo tower); lookups stay O(1)
//!   outside those cells. [`RatingGrid::max_error_m3s`] is the largest midpoint miss left; with
//!   one kink in a piece the true largest error is at most twice it. Since outflow rises with
//!   storage the routing is contractive, so a flow error below ε moves the storage by at most
//!   `ε·t` after time `t` (tests/ensemble.rs
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

/// A cell is refined where its midpoint misses the chord by more than this, m³/s, or by more
/// than [`REFINE_RELATIVE_TOLERANCE`] of the grid's largest flow, whichever is larger.
pub const REFINE_TOLERANCE_M3S: f64 = 1e-5;
pub const REFINE_RELATIVE_TOLERANCE: f64 = 1e-7;

/// Most nodes of one grid (10⁷ nodes = 80 MB: a range or spacing beyond any pond).
const MAX_NODES: f64 = 1e7;

/// Smallest sub-cell of a refined cell, as a fraction of the grid spacing (2⁻²⁰: a kink is
/// located to ~1e-9 m at 1 mm).
const MIN_SUBCELL: f64 = 1.0 / (1u64 << 20) as f64;

/// An outlet's flow on a uniform stage grid (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct RatingGrid {
    lo: f64,
    hi: f64,
    step: f64,
    /// Per cell: the flow at its lower node and the rise across it, NaN for a refined cell
    /// (its nodes are in `patches`): one load per lookup.
    cells: Vec<[f64; 2]>,
    /// (cell, stages, flows) of each refined cell, by cell; both cell ends included.
    patches: Vec<(usize, Vec<f64>, Vec<f64>)>,
    max_error_m3s: f64,
}

/// Bisects `[a, b]` until the midpoint of every piece is within `tol` of the chord (or the
/// piece is `min_width` wide), pushing the interior nodes in order; returns the largest
/// midpoint error left.
fn refine(
    flow: &dyn Fn(f64) -> f64,
    (a, qa): (f64, f64),
    (b, qb): (f64, f64),
    tol: f64,
    min_width: f64,
    nodes: &mut Vec<(f64, f64)>,
) -> f64 {
    let m = 0.5 * (a + b);
    let qm = flow(m);
    let err = (qm - 0.5 * (qa + qb)).abs();
    if err <= tol || b - a <= min_width {
        return err;
    }
    let left = refine(flow, (a, qa), (m, qm), tol, min_width, nodes);
    nodes.push((m, qm));
    let right = refine(flow, (m, qm), (b, qb), tol, min_width, nodes);
    left.max(right)
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
        // Cells whose midpoint misses the chord by more than `tol` (a kink: a change of control
        // or regime, the start of flow over a sill) are bisected towards the kink.
        let q_max = flows.iter().fold(0.0f64, |a, &b| a.max(b));
        let tol = REFINE_TOLERANCE_M3S.max(REFINE_RELATIVE_TOLERANCE * q_max);
        let flow = |z: f64| outlet.discharge(Elevation(z), 0.0).flow_m3s;
        let mut table: Vec<[f64; 2]> = flows.windows(2).map(|w| [w[0], w[1] - w[0]]).collect();
        let (mut patches, mut max_error_m3s) = (Vec::new(), 0.0f64);
        for k in 0..cells {
            let (a, b) = (lo + k as f64 * step, lo + (k + 1) as f64 * step);
            let mut nodes = Vec::new();
            let err = refine(
                &flow,
                (a, flows[k]),
                (b, flows[k + 1]),
                tol,
                MIN_SUBCELL * step,
                &mut nodes,
            );
            max_error_m3s = max_error_m3s.max(err);
            if !nodes.is_empty() {
                table[k][1] = f64::NAN;
                let z = std::iter::once(a).chain(nodes.iter().map(|n| n.0)).chain([b]).collect();
                let q = std::iter::once(flows[k])
                    .chain(nodes.iter().map(|n| n.1))
                    .chain([flows[k + 1]]);
                patches.push((k, z, q.collect()));
            }
        }
        Ok(RatingGrid { lo, hi, step, cells: table, patches, max_error_m3s })
    }

    /// Cells refined around a kink.
    pub fn refined_cells(&self) -> usize {
        self.patches.len()
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
        let k = (x as usize).min(self.cells.len() - 1);
        let [q, rise] = self.cells[k];
        if rise.is_nan() {
            let i = self.patches.partition_point(|p| p.0 < k);
            let (_, zs, qs) = &self.patches[i];
            return Some(tailtwin_core::series::interpolate(zs, qs, z));
        }
        Some(q + (x - k as f64) * rise)
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

    // Goal: the grid reproduces the outlet within twice its reported midpoint error everywhere
    // (sampled every 7 µm), that error is within the refinement tolerance, it falls back to the
    // exact outlet outside, and it scales like a condition. Setup: a weir (Q = C L h^1.5, C = 1.70,
    // L = 10 m, crest 100 m) on [99, 103] at 1 mm, blocked to 0.4. Reference: the weir itself,
    // built with the same condition. Tolerance: 2·max_error_m3s (the module's bound) + round-off;
    // unrefined, the crest's cell would miss by |Q(h/2) − Q(h)/2| = 17·(1e-3)^1.5·(1/2 − 2^-1.5)
    // = 7.9e-5 m³/s, above the 1e-5 tolerance, so that cell must be refined.
    #[test]
    fn grid_interpolates_within_its_error_and_scales() {
        let w = weir();
        let g = RatingGrid::new(&w, Elevation(99.0), Elevation(103.0), 1e-3).unwrap();
        assert!(g.max_error_m3s() > 0.0 && g.max_error_m3s() <= REFINE_TOLERANCE_M3S);
        assert!(g.refined_cells() >= 1, "the crest's cell");
        let t = Tabulated::new(&w, &g, 0.4).unwrap();
        let blocked = w.clone().with_condition(Condition::Blocked { remaining: 0.4 }).unwrap();
        let bound = 0.4 * 2.0 * g.max_error_m3s() + 1e-12;
        for k in 0..=(4.0 / 7e-6) as usize {
            let z = Elevation(99.0 + 7e-6 * k as f64);
            let (tab, exact) = (t.discharge(z, 0.0).flow_m3s, blocked.discharge(z, 0.0).flow_m3s);
            assert!((tab - exact).abs() <= bound, "{z:?}: {tab} vs {exact}");
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

    // Goal: a kink between grid nodes is found by the refinement. Setup: a rating table whose
    // slope jumps from 8.1 to 51.2 m²/s at 101.2345678 m (between 1 mm nodes), gridded at 1 mm.
    // Reference: the table itself. Tolerance: 2·max_error_m3s ≤ 2e-5 m³/s, against the
    // h/4·ΔQ' = 1.1e-2 m³/s an unrefined cell would miss by.
    #[test]
    fn kink_between_nodes_is_refined() {
        let kink = 101.234_567_8;
        let table = crate::structures::RatingTable::new(
            "table",
            vec![100.0, kink, 103.0],
            vec![0.0, 8.1 * (kink - 100.0), 8.1 * (kink - 100.0) + 51.2 * (103.0 - kink)],
            false,
        )
        .unwrap();
        let g = RatingGrid::new(&table, Elevation(100.0), Elevation(103.0), 1e-3).unwrap();
        assert!(g.max_error_m3s() <= REFINE_TOLERANCE_M3S);
        for k in -1000..=1000 {
            let z = Elevation(kink + 1e-7 * k as f64);
            let (tab, exact) = (g.flow_at(z.m()).unwrap(), table.discharge(z, 0.0).flow_m3s);
            assert!((tab - exact).abs() <= 2.0 * g.max_error_m3s() + 1e-12, "{z:?}");
        }
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
