//! Discharge structures. Every structure answers one question: at this pond stage (and time),
//! what flows out, in which regime, and which part controls? ([`Outlet::discharge`] →
//! [`Discharge`] `{ flow_m3s, regime, control }`.)
//!
//! # Kinds
//!
//! One closed enum, [`Structure`], over: [`Weir`], [`Orifice`], [`Conduit`] (pipe or tunnel),
//! [`WindowTower`] (窗口式排水井), [`FrameTower`] (框架式排水井), [`InclinedTrough`]
//! (排水斜槽), [`Spillway`] (溢洪道), [`RatingTable`] and [`Breach`] (溃口, a trapezoid growing in
//! time; see [`breach`]). Each validates on construction and
//! returns a typed [`StructureError`] carrying the offending values; builders (`with_…`) add
//! options (tailwater, approach channel, losses, gravity, condition). [`rating_curve`] and
//! [`combined_rating_curve`] turn any [`Outlet`] (or a slice of them) into a core
//! [`RatingCurve`](tailtwin_core::RatingCurve). A [`RatingGrid`] tabulates a steady outlet on a
//! fine stage grid and [`Tabulated`] routes through it (scaled by a blockage factor): the
//! ensemble's fast path, see [`tabulated`] for its error.
//!
//! # Example: the R4 (pond_basic) outlets as SWMM 5.2 sees them
//!
//! ```
//! use tailtwin_core::Elevation;
//! use tailtwin_pond::structures::*;
//!
//! let g_swmm = 32.2 * 0.3048; // SWMM's 32.2 ft/s²
//! let orifice = Orifice::new(
//!     "ORIF1",
//!     OrificeShape::Circular { diameter_m: 1.5 },
//!     Orientation::Side(SideRule::Swmm),
//!     Elevation(102.0),
//!     0.6,
//! )?
//! .with_gravity(g_swmm)?;
//! let weir = Weir::swmm_transverse("SPILL", Elevation(107.0), 10.0, 1.70, 3.0)?;
//! let set: Vec<Structure> = vec![orifice.into(), weir.into()];
//! // Total outflow at the R4 reference peak depth (8.62517 m above the 100 m bottom).
//! let curve = combined_rating_curve(&set, &[Elevation(108.62517)]);
//! assert!((curve.rows[0].flow_m3s - 46.6069).abs() < 5e-4);
//! # Ok::<(), StructureError>(())
//! ```
//!
//! # Governing equations
//!
//! Symbols: `z` pond stage (m, absolute); `H = z − z_crest` head on a crest or sill; `H₀`
//! energy head (with approach velocity); `g` gravity (default [`G`](tailtwin_core::G) =
//! 9.81 m/s², settable per structure — SWMM comparisons use 32.2 ft/s² = 9.81456 m/s²); `L`,
//! `b` crest lengths; `m` weir coefficient in `Q = m L √(2g) H^1.5`; `C_d`, `μ` discharge
//! coefficients; `A` area; `D` opening or section height; `R` hydraulic radius; `n` Manning's
//! coefficient; `ζ` local loss coefficients; `λ` Darcy friction factor.
//!
//! **Weirs** ([`WeirForm`]): SWMM transverse `Q = C_w (L − 0.1 n_c H) H^1.5`; sharp-crested
//! (Rehbock) `Q = (2/3)(0.602 + 0.083 H/P) √(2g) L H^1.5`; broad-crested `Q = m L √(2g) H^1.5`;
//! practical (WES) `Q = ε m n b √(2g) H₀^1.5` with `ε = 1 − 0.2 [ξ_k + (n−1) ξ₀] (H₀/b)/n`;
//! V-notch `Q = (8/15) C_e √(2g) tan(θ/2) H^2.5`. Options: approach-velocity head
//! `H₀ = H + α v₀²/(2g)`, `v₀ = Q/(B (z − z_bed))` (three fixed-point passes); Villemonte
//! submergence `Q_s = Q (1 − (h_t/H)^n)^0.385` under a fixed tailwater; SWMM's surcharge rule
//! above a finite opening `D`: `Q = Q_w(D) √((H − D/2)/(D/2))`.
//!
//! **Orifices** ([`Orifice`]): side openings under SWMM's rule (`f = H/D < 1`:
//! `Q = C_d A √(2g) √(D/2) f^1.5`; submerged: `Q = C_d A √(2g (H − D/2))`) or the exact
//! point-by-point integral `Q = C_d √(2g) ∫ w(ζ) √(z − ζ) dζ` over the wetted opening
//! (closed form for rectangles, 24-point Gauss–Legendre for circles); bottom openings as a
//! perimeter weir `Q = c_w P √(2g) H^1.5` (SWMM `c_w = 0.414`) up to `h_c = (C_d/c_w)(A/P)`,
//! then `Q = C_d A √(2g H)`.
//!
//! **Conduits** ([`Conduit`], circular, box, standard horseshoe, arched/city-gate): inlet
//! control by critical flow at the entrance `Q_i = max_y A(y) √(2g (H − y)/(1 + ζ_e))` while
//! `H < k_s D` (`k_s` = 1.2 default), then a submerged-inlet orifice
//! `Q_i = μ_i A √(2g (H − D/2))` with `μ_i` matched at `k_s D`; barrel capacity
//! `Q_b = max(A R^(2/3) S^½ / n, μ_c A √(2g (z − z_ref)))`,
//! `μ_c = 1/√(k_exit + ζ_e + Σζ + λ L/(4R))`, `λ = 8 g n²/R^(1/3)`, `z_ref` = outlet
//! mid-height or the tailwater if higher; `Q = min(Q_i, Q_b)`. Regimes: free surface
//! (unsubmerged inlet, or barrel at its Manning capacity), half-pressure (submerged inlet
//! controls), pressure (barrel under pressure controls).
//!
//! **Towers and trough**: inlet (windows / plate crest / trough mouth) → shaft (or the covered
//! trough) → outlet conduit in series; `Q = min` of the parts, with the
//! [`Control`](tailtwin_core::Control) and regime of the smallest. Window rows below
//! `sealed_up_to` are plugged; a window tower's crown is a ring weir
//! `Q = m_c π D_out √(2g) (z − z_crown)^1.5` (`m_c = 0.40`). The shaft is a vertical pipe
//! running full from the pond level to its base,
//! `Q_s = A_s √(2g (z − z_b)/(1 + ζ_s + λ_s L_w/D_s))`, and its friction and bend are added to
//! the outlet conduit's losses (referred to the conduit velocity head). See [`tower`] and
//! [`trough`] for the detailed assumptions.
//!
//! **Spillway**: crest weir (practical by default) capped by an optional chute capacity.
//! **Rating table**: linear interpolation, zero below the first stage, an error above the last
//! ([`Outlet::try_discharge`]) unless extrapolated along the last segment.
//!
//! **Condition** ([`Condition`]): a blocked or damaged structure passes `remaining ×` its
//! intact flow at every stage (same regime and control); a closed one passes nothing
//! (`Regime::Closed`). A [`Scheduled`] structure changes its condition at given times (a drill's
//! "tower 60 % blocked at hour 6"): a step function of time whose change times the router lands
//! on, so the run is identical to the unscheduled one up to the first change.
//!
//! # Continuity and monotonicity
//!
//! Every law above is continuous and non-decreasing in stage, and every composition (`min` in
//! series, `max` of barrel capacities, sums of openings, weir/orifice pairs matched at their
//! switch) keeps both properties — no blending bands are needed. Two documented exceptions, both
//! inherited from SWMM and both opt-in (a tailwater on a SWMM-rule structure): a surcharged SWMM
//! weir whose tailwater is above the opening's mid-height jumps at the opening top, and a
//! SWMM-rule side orifice whose tailwater is above its invert jumps at its crown (use
//! [`SideRule::Exact`] for a continuous drowned orifice). SWMM itself also zeroes flow below a
//! 1e-4 ft head (not reproduced here: the difference is < 3e-6 m³/s for these sizes). Where the
//! pond meets a tailwater, Villemonte's factor makes `Q ∝ (z − z_t)^0.385`: continuous, with an
//! infinite slope at that point. Stage `NaN` gives flow `NaN` from `discharge` and a
//! [`StructureError::NonFiniteStage`] from `try_discharge`.
//!
//! # Validity and assumptions
//!
//! Free outfall unless a tailwater is given (weirs, orifices, conduits); no reverse flow into
//! the pond; steady laws (the router supplies the time dependence); approach velocity neglected
//! unless an approach channel is given; conduit slopes positive (Manning barrel capacity); the
//! free-surface barrel regime assumes the outlet is not drowned; the horseshoe is the standard
//! USBR section (A = 0.8293 D², P = 3.2670 D), stretched below the springline when
//! height ≠ width.
//!
//! # References
//!
//! - Rossman, L. A. (2022). *SWMM 5.2 Reference Manual Vol. II (Hydraulics)*, and the SWMM 5.2.4
//!   source, `link.c` (`orifice_getInflow`, `orifice_getWeirCoeff`, `weir_getInflow`).
//! - Bos, M. G. (1989). *Discharge Measurement Structures*, 3rd ed., ILRI (Rehbock, V-notch).
//! - Villemonte, J. R. (1947). Submerged weir discharge studies. *Eng. News-Record* 139.
//! - Chow, V. T. (1959). *Open-Channel Hydraulics* (section elements, horseshoe).
//! - 武汉大学水力学教研室《水力学》; 《水力计算手册》(2006): practical weir `ε`, half-pressure
//!   and pressure tunnels; GB 50863-2013 尾矿设施设计规范 (tower and trough operation).
//!
//! # Verification (tests/structures.rs and unit tests)
//!
//! - `swmm_orifice_and_weir_equations_reproduced_for_pond_basic` (R4 outlets at 8 depths,
//!   1e-12), `pond_basic_outlets_pass_reference_peak_outflow_at_reference_peak_depth` (46.6069
//!   m³/s, 5e-4), `swmm_outlets_are_continuous_at_their_regime_changes`;
//! - hand-computed values per regime: `weir_forms_match_hand_computed_values`,
//!   `weir_approach_velocity_head_matches_fixed_point`, `orifice_laws_match_hand_computed_values`,
//!   `submerged_circular_orifice_tends_to_centroid_head_law`,
//!   `drowned_side_orifice_splits_head_at_the_tailwater`,
//!   `conduit_regimes_match_hand_computed_values`,
//!   `long_tunnel_is_barrel_controlled_under_pressure`,
//!   `window_tower_inlet_matches_hand_computed_values`,
//!   `frame_tower_weir_orifice_and_shaft_control`,
//!   `inclined_trough_regimes_follow_the_rising_pond`,
//!   `spillway_is_crest_weir_until_chute_caps_it`, `rating_table_interpolates_and_guards_its_top`;
//!   section geometry: `standard_horseshoe_matches_tabulated_full_section`,
//!   `arched_section_area_matches_closed_form`;
//! - series control: `small_tunnel_controls_big_tower_at_high_stage`; condition:
//!   `condition_factor_scales_capacity`; validation:
//!   `constructors_reject_bad_input_with_the_offending_values`;
//! - breach (tests/breach.rs): `breach_weir_flow_matches_hand_computed_trapezoid`,
//!   `breach_grows_from_notch_to_final_size`, `instantaneous_full_width_breach_against_ritter`,
//!   `tailwater_submerges_the_breach_by_freads_factor`, `triggers_resolve_to_initiation_times`,
//!   `breach_rejects_invalid_geometry`, `breach_regressions_match_hand_computed_values`
//!   (scenarios/verification/b1_breach_regressions);
//! - monotone and continuous at every regime/control change over random geometries of every
//!   kind (`random_geometries::*`, proptest) and for the demo set
//!   (`demo_set_is_monotone_and_continuous_at_every_regime_change`).

/// Implements [`Outlet`] for a structure that does not change in time: it has an `id` field, a
/// `condition`, `discharge_at(stage_m)` and `transitions()`. One definition keeps every kind's
/// contract identical (condition applied last, time ignored).
macro_rules! steady_outlet {
    ($ty:ty, $kind:literal) => {
        impl $crate::structures::Outlet for $ty {
            fn id(&self) -> &str {
                self.id.as_str()
            }
            fn kind(&self) -> &str {
                $kind
            }
            fn discharge(
                &self,
                stage: ::tailtwin_core::Elevation,
                _time_s: f64,
            ) -> ::tailtwin_core::Discharge {
                self.condition.apply(self.discharge_at(stage.m()))
            }
            fn transition_stages(&self) -> Vec<::tailtwin_core::Elevation> {
                self.transitions()
            }
            fn steady_from_s(&self) -> Option<f64> {
                Some(0.0)
            }
        }
    };
}

pub mod breach;
mod common;
mod conduit;
mod error;
mod orifice;
mod quadrature;
mod rating;
pub mod scheduled;
mod section;
mod spillway;
mod structure;
mod table;
pub mod tabulated;
pub mod tower;
pub mod trough;
mod weir;

pub use breach::{
    Breach, BreachGeometry, BreachTrigger, Progression, WeirCoefficients, resolve_trigger,
    resolve_trigger_on_route,
};
pub use common::{Condition, StructureId};
pub use conduit::Conduit;
pub use error::StructureError;
pub use orifice::{Orientation, Orifice, OrificeShape, SWMM_BOTTOM_WEIR_COEFFICIENT, SideRule};
pub use rating::{combined_rating_curve, rating_curve, stage_grid};
pub use scheduled::Scheduled;
pub use section::{ConduitShape, Section};
pub use spillway::Spillway;
pub use structure::Structure;
pub use table::RatingTable;
pub use tabulated::{RatingGrid, Tabulated};
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
    /// Times (s) at which the outlet's law jumps (a scheduled blockage, see [`Scheduled`]). The
    /// router cuts its forcing pieces there, so no step straddles a jump. Default: none.
    fn time_breakpoints(&self) -> Vec<f64> {
        Vec::new()
    }
    /// Time (s) from which the discharge depends on the stage only; `None` when it may depend
    /// on time throughout (a growing breach, a pumped series). Where the forcing is constant
    /// and every outlet is steady, `dS/dt = f(S)` is autonomous and its solution monotone, so
    /// the router lets its steps grow past `max_step_s` there (nothing can hide inside a
    /// step). Default: `None`, which keeps the step bound.
    fn steady_from_s(&self) -> Option<f64> {
        None
    }
    /// Discharge at `stage` and `time_s` inside the router's piece `[piece_start_s,
    /// piece_end_s]`, which contains no time breakpoint in its interior. An outlet that jumps at
    /// a breakpoint uses the piece to pick its state, so the piece that ends at the jump sees the
    /// state before it to its last stage and the next piece the state after it from its first.
    /// Default: [`discharge`](Outlet::discharge) (outlets continuous in time).
    fn discharge_in_piece(
        &self,
        stage: Elevation,
        time_s: f64,
        _piece_start_s: f64,
        _piece_end_s: f64,
    ) -> Discharge {
        self.discharge(stage, time_s)
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
    fn time_breakpoints(&self) -> Vec<f64> {
        (**self).time_breakpoints()
    }
    fn steady_from_s(&self) -> Option<f64> {
        (**self).steady_from_s()
    }
    fn discharge_in_piece(&self, stage: Elevation, time_s: f64, a: f64, b: f64) -> Discharge {
        (**self).discharge_in_piece(stage, time_s, a, b)
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
    fn time_breakpoints(&self) -> Vec<f64> {
        (**self).time_breakpoints()
    }
    fn steady_from_s(&self) -> Option<f64> {
        (**self).steady_from_s()
    }
    fn discharge_in_piece(&self, stage: Elevation, time_s: f64, a: f64, b: f64) -> Discharge {
        (**self).discharge_in_piece(stage, time_s, a, b)
    }
}
