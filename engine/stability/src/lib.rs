//! tailtwin-stability: slope stability of a dam section by limit equilibrium on vertical slices.
//!
//! # What it does
//! A [`SlopeProblem`] (a [`SlopeModel`] of material zones, a [`PoreWater`] source and [`Loads`])
//! and a [`SlipSurface`] (circle or polyline) give a [`SliceSet`]; [`solve`] turns a slice set
//! into a factor of safety F by one [`Method`]. [`search()`] finds the critical circle over a
//! centre grid × radii (or tangent lines) or over entry–exit ranges, refines it by pattern
//! search and, on request, optimises a non-circular surface from it ([`optimise_noncircular`]);
//! [`CircleTrials::auto`] lays a default grid over the slope face.
//! [`analyse`] runs several methods (each with its own search, or on a specified surface) and
//! returns a [`StabilityResult`] with one [`MethodOutcome`] per method — a factor of safety or a
//! typed [`MethodError`], never a number for a method that did not converge.
//! [`analyse_load_cases`] runs the code load cases (正常/洪水/特殊运行, [`LoadCaseKind`]) on a
//! core `DamSection` — each [`LoadCase`] brings its pore water (seepage field, phreatic line,
//! r_u or none), pond level, earthquake, surcharges and tension crack — and flattens them into
//! [`StabilityRow`]s; the comparison with the minimum factors of safety belongs to the pipeline
//! (this crate does not depend on `risk`). On request each critical surface comes with its slice
//! table ([`slice_table`]: geometry, weight, u, c′, φ′ and the base normal force N of the
//! method's own equilibrium, [`base_normal_forces`]).
//!
//! # Symbols (per metre run)
//! b slice width; α base inclination, positive where the base descends in the direction of
//! motion; l = b / cos α base length; W self-weight; W_v = W (1 − k_v) + Q vertical load (Q:
//! surcharge and ponded water); H = k_h W + ponded-water thrust, horizontal, positive downslope;
//! c′, φ′ effective strength (s_u, φ = 0 for undrained zones, where u does not enter); u pore
//! pressure at the base midpoint; N base normal force; S = [c′ l + (N − u l) tan φ′]/F mobilised
//! shear; E, X horizontal and vertical interslice forces, X = λ f(x) E; d, e lever arms of S and N
//! about the moment centre (d = R, e = 0 for a circle); D = Σ moments of W_v, H and crack water
//! about the centre (driving sense); P_w crack water thrust γ_w z_c²/2.
//!
//! # Equations
//! - **Ordinary (瑞典圆弧法, Fellenius)**: N = W_v cos α − H sin α, interslice forces ignored;
//!   pore-pressure form N′ = N − u l (the conventional one, as in Fredlund & Krahn 1977 and
//!   Slide2). F = Σ [c′ l + N′ tan φ′] d / (D + Σ N e).
//! - **Simplified Bishop**: X = 0, N from vertical equilibrium,
//!   m_α = cos α + sin α tan φ′/F, c′ l + (N − u l) tan φ′ = [c′ b + (W_v − u b) tan φ′]/m_α,
//!   F = Σ [c′ b + (W_v − u b) tan φ′] d / m_α / (D + Σ N e), iterated to a fixed point.
//! - **Janbu simplified** (uncorrected): X = 0, horizontal force equilibrium,
//!   F₀ = Σ [c′ b + (W_v − u b) tan φ′]/(m_α cos α) / (Σ W_v tan α + Σ H + P_w).
//!   **Janbu corrected**: F = f₀ F₀, f₀ = 1 + b₁ [d/L − 1.4 (d/L)²] with b₁ = 0.69 (c only),
//!   0.31 (φ only), 0.50 (c and φ); d/L the greatest depth below the crest–toe chord over its
//!   length (Abramson et al. 2002 fit of Janbu 1973).
//! - **Spencer** (f = 1) and **Morgenstern–Price** (f = 1 or sin π x): equilibrium normal and
//!   parallel to each base gives the recursion E_i ψ_i(f_i) = E_{i−1} ψ_i(f_{i−1}) + F T_i − R_i
//!   with ψ(f) = F (cos α − λ f sin α) + tan φ′ (sin α + λ f cos α), T = W_v sin α + H cos α,
//!   R = c′ l + (W_v cos α − H sin α − u l) tan φ′, from E_0 = P_w. For each λ, F makes E_n = 0
//!   (force equilibrium); λ is then chosen so the moment of all forces about the centre vanishes
//!   (Zhu, Lee, Chen & Jiang 2005 style "concise" algorithm; secant iterations, with a bracket
//!   scan of λ ∈ [−2, 2] and Illinois regula falsi as fallback). Sign convention: X_{i−1} acts
//!   upwards on slice i's upslope face. M-P with f = 1 is Spencer's method; both are reported.
//!
//! # Geometry and loads
//! Zones are polygons; the model splits them into vertical strips between vertex abscissae so a
//! column at any x is an ordered list of layers (exact for straight-edged zones). Slice sides lie
//! at equal spacing plus every ground and polyline vertex, so each slice has a straight top and
//! a straight (chord) base; W = b × Σ γ_k t_k at the slice centre line (exact for one material,
//! midpoint rule across zone boundaries). γ_sat applies below the phreatic line. A circle's lower
//! arc is the surface; the mass lies where the ground is above it; the direction of motion is
//! towards the lower end. Tension crack: the surface turns vertical where it is z_c below the
//! ground at the crest end; a water-filled crack adds P_w at z_c/3 above its bottom. Pseudo-static
//! seismic (GB 50191 practice): k_h W at the slice mid-height, downslope; −k_v W vertical
//! ([`Seismic::with_vertical_third`] sets k_v = k_h/3). Ponded water: pressure γ_w (h − y_top)
//! normal to the submerged ground, vertical and horizontal components on each slice top.
//!
//! # Pore pressure
//! [`PoreWater::Dry`]; [`PoreWater::Ru`] u = r_u σ_v; [`PoreWater::Pressure`] with a core
//! [`PorePressure`]: phreatic line (hydrostatic below, optional cos² θ correction, exact for
//! straight line-parallel seepage) or a seepage field interpolated on its triangles. Suction is
//! ignored.
//!
//! # Assumptions and validity
//! 2-D plane strain, rigid-plastic sliding mass, Mohr–Coulomb or undrained strength, one F along
//! the whole surface. Bishop and Janbu are reported as failing when m_α ≤
//! [`SolverSettings::min_m_alpha`] on a slice (steep toe exits); a method that does not converge
//! is a [`MethodError`] (in a search: [`MethodError::NoConvergedSurface`] when it converged on
//! none of the trials that cut a sliding mass). Surfaces must stay inside the section (else
//! [`StabilityError::SurfaceOutsideSection`]); searches skip such trials and count them.
//!
//! # Search and determinism
//! Trials run in parallel with rayon into an indexed vector; the minimum, the FoS map (least F
//! over the radii per centre) and the near-critical list are reduced sequentially in index order,
//! ties to the lower index: results are identical on 1 and N threads.
//!
//! # References
//! Fredlund & Krahn (1977) Can. Geotech. J. 14(3):429–439; Bishop (1955) Géotechnique 5(1);
//! Janbu (1973) in Embankment-Dam Engineering; Spencer (1967) Géotechnique 17(1); Morgenstern &
//! Price (1965) Géotechnique 15(1); Zhu et al. (2005) Can. Geotech. J. 42(1):272–278; Donald &
//! Giam (1989) ACADS slope stability programs review; Abramson et al. (2002) Slope Stability and
//! Stabilization Methods; GB 50863 §4.4; GB 50191.
//!
//! # Verification (tests/ in this crate and the workspace's tests/stability.rs)
//! - T1 infinite slope, exact (dry, slope-parallel seepage, c′ with depth): `infinite_slope_*`.
//! - T2 ACADS EX1(a) searched: Bishop within 2 % of 0.987, Spencer/M-P within 2 % of 0.984:
//!   `acads_ex1a_*`.
//! - T3 Fredlund & Krahn (1977) specified circle within 0.5 %: `fredlund_krahn_*`.
//! - Bishop = Ordinary when φ = 0: `bishop_equals_ordinary_when_phi_is_zero`.
//! - FoS against slice count converges: `fos_converges_with_slice_count`.
//! - Determinism on 1 and N threads: `search_is_identical_on_one_and_many_threads`.
//! - r_u and surcharge on the infinite slope (exact), submerged slope = buoyant dry slope
//!   (Bishop, Janbu), seepage-field pressure = equivalent phreatic line, tension crack, zoned
//!   model = single zone: `tests/loads.rs`.
//! - Mirror symmetry of every method with crack, surcharge and earthquake; no panic on random
//!   circles: `tests/properties.rs`.
//! - Non-circular optimisation follows a weak seam (F 0.59 against 1.47 for the best circle),
//!   entry–exit and automatic grids agree with the hand grid: `tests/search.rs`.
//! - Slice tables: each method's base normal force satisfies that method's equilibrium
//!   (`slice_table_normal_forces_satisfy_each_methods_equilibrium`); a method converging on no
//!   searched trial is an error, not a number (`a_method_that_never_converges_is_reported_as_such`).
//! - The T1–T3 scenario files through the pipeline and `tailtwin stability --json`:
//!   `tests/stability_cases.rs` in the workspace.

pub mod analysis;
pub mod error;
pub mod load_case;
pub mod methods;
pub mod model;
pub mod problem;
pub mod reliability;
pub mod search;
pub mod section;
pub mod surface;

pub use analysis::{
    AnalysisSettings, MethodOutcome, StabilityResult, SurfaceSpec, analyse, slice_table,
};
pub use error::{MethodError, StabilityError};
pub use load_case::{LoadCase, LoadCaseKind, LoadCaseResult, StabilityRow, analyse_load_cases};
pub use methods::{
    IntersliceFunction, Method, Solution, SolverSettings, base_normal_forces, janbu_f0, solve,
};
pub use model::{Material, SlopeModel, Zone, profile_polygon};
pub use problem::{
    Loads, PondedWater, PoreAdjustment, PoreWater, Seismic, SlopeProblem, Surcharge, TensionCrack,
};
pub use search::{
    CentreGrid, CircleTrials, FosMap, NonCircular, Radii, SearchResult, SearchSettings,
    SurfaceResult, Trial, analyse_surface, evaluate, optimise_noncircular, search,
};
pub use surface::{Slice, SliceSet, SlipSurface};
pub use tailtwin_core::{
    GAMMA_W, HydrostaticCorrection, PhreaticSurface, Point2, PorePressure, Strength,
};
