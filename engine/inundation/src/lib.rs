//! tailtwin-inundation: terrain grids and a well-balanced finite-volume solver of the 2D
//! shallow-water equations for dam-break inundation, with yield-stress rheology for tailings.
//!
//! # Governing equations
//!
//! ```text
//! ∂h/∂t  + ∂(hu)/∂x + ∂(hv)/∂y = S_in
//! ∂(hu)/∂t + ∂(hu² + g h²/2)/∂x + ∂(huv)/∂y = −g h ∂z/∂x − τ_bx/ρ
//! ∂(hv)/∂t + ∂(huv)/∂x + ∂(hv² + g h²/2)/∂y = −g h ∂z/∂y − τ_by/ρ
//! ```
//! Symbols: `h` depth (m), `u, v` depth-averaged velocities (m/s), `q = (hu, hv)` unit
//! discharge (m²/s), `z` bed (m, absolute), `η = h + z` surface, `g` gravity, `S_in` the breach
//! inflow (m/s), `τ_b` bed shear stress (Pa), `ρ` density, `n` Manning's coefficient
//! (s/m^⅓), `τ_y` yield stress, `μ` viscosity, `C_v` volumetric solids concentration.
//!
//! Bed resistance `τ_b/ρ = g n² |q| q / h^{7/3}` (Manning) plus, for tailings, the rheology's
//! `τ_y + τ_v(U, h)` along the flow ([`rheology`]: Bingham, Herschel–Bulkley,
//! O'Brien–Julien).
//!
//! # Numerical method
//!
//! Cell-centred finite volumes on the DEM raster ([`terrain`]):
//! - **Fluxes**: HLL with Toro's two-rarefaction wave-speed bounds and dry-bed speeds
//!   `u ± 2c`; the transverse momentum is upwinded with the mass flux (the HLLC contact for a
//!   passive scalar) ([`kernel::hll`]).
//! - **Well balancing**: hydrostatic reconstruction (Audusse, Bouchut, Bristeau, Klein &
//!   Perthame 2004): at each face `z* = max(z_L, z_R)`, `h_{L,R}* = max(0, η_{L,R} − z*)`, the
//!   flux is evaluated on the starred states and each side adds `g/2 (h² − h*²)`; second order
//!   adds the in-cell term `g/2 (h⁻ + h⁺)(z⁻ − z⁺)`. A lake at rest is then exact (fluxes
//!   balance to round-off), and `h ≥ 0` is kept under the CFL condition.
//! - **Second order** ([`Order::Second`], default): MUSCL reconstruction of `η`, `h`, `u`, `v`
//!   with the monotonized-central (default), van Leer or minmod limiter ([`Limiter`]), piecewise
//!   constant in dry cells; Heun's SSP-RK2 in time. On W1 at dx = 5 m the L1 errors are MC
//!   0.0090 m, van Leer 0.0102 m, minmod 0.0141 m (ANUGA DE0: 0.0108 m). [`Order::First`]: piecewise constant, forward Euler.
//! - **Time step**: `Δt = C / max((|u|+c)/Δx + (|v|+c)/Δy)`, `c = √(gh)`, `C = 0.45`; steps
//!   land on report times.
//! - **Wet/dry**: cells with `h ≤ 10⁻⁸ m` have zero velocity; negative depths can arise only
//!   from round-off and are set to zero with the added volume reported in the balance.
//! - **Resistance**: implicit (semi-implicit in the drag coefficient) after the flux update:
//!   `|q|ⁿ⁺¹ = max(|q*| − Δt τ_y/ρ, 0) / (1 + Δt κ)`, `κ` = Manning's `g n² |q*|/h^{7/3}` +
//!   the rheology's secant drag. Stable for any `n` and never reverses the flow; the yield
//!   term stops a cell where the driving force cannot exceed `τ_y`. A face between two cells
//!   at rest whose surface step `g h̄ |Δη|/Δx` is within `τ_y/ρ` is closed (no mass or
//!   momentum crosses; each side feels its own hydrostatic pressure), so a deposit held by its
//!   yield stress is an exact steady state instead of creeping under the HLL diffusion.
//! - **Boundaries**: each raster side is a wall (mirror ghost) or open (transmissive,
//!   zero-gradient ghost, outflow counted); faces toward nodata cells are walls.
//! - **Inflow**: an [`InflowLine`] of cells receives a hydrograph (mean flow over each step, so
//!   the injected volume is the hydrograph's exactly) with momentum at the critical velocity
//!   `(g Q/W)^{1/3}` along a direction.
//! - **Parallelism and determinism**: rayon over blocks of 16 grid rows; a block walks its rows
//!   south to north, computing each x face once and each y face once (reused by the two cells
//!   it separates; the face under a block's first row is computed by both blocks with identical
//!   arithmetic), and writes only its own rows from the previous state. The CFL rate of the new
//!   state and the maps are folded in the same pass. Reductions are combined in block order, so
//!   results are bit-identical on any number of threads.
//! - **Memory**: 24 B state + 24 B scratch + 8 B bed + 4 B n + 1 B mask + 32 B maps = 93 B per
//!   cell ([`Simulation::bytes_per_cell`]).
//! - **Speed** (benches/shallow_water.rs, release, this shared 2-core machine under a load
//!   average of ~7): ≈ 9 × 10⁶ cell updates/s first order and ≈ 3.2 × 10⁶ second order at
//!   10⁴–10⁶ cells; the 2-thread runs showed no gain there because the cores were already
//!   saturated by other jobs.

//! # Products
//!
//! Max depth, max speed, max `h·v`, arrival time (depth ≥ 0.1 m by default), time of max depth,
//! duration, AIDR (2017) hazard class H1–H6, observation-point series and maxima, inundated
//! area, volume balance ([`products`]).
//!
//! # Validity and assumptions
//!
//! Hydrostatic pressure, depth-averaged flow, small bed slopes (no slope correction of `g` or
//! of cell areas), no turbulence closure, no erosion or deposition of the bed, a single-phase
//! mixture of constant density, a north-up raster with square or rectangular cells. The HLL
//! flux smears contact discontinuities of the transverse velocity. Speeds on films thinner than
//! 1 cm are not reported.
//!
//! # References
//!
//! - Audusse, E., Bouchut, F., Bristeau, M.-O., Klein, R., Perthame, B. (2004). A fast and stable
//!   well-balanced scheme with hydrostatic reconstruction for shallow water flows. *SIAM J. Sci.
//!   Comput.* 25(6), 2050–2065.
//! - Toro, E. F. (2001). *Shock-Capturing Methods for Free-Surface Shallow Flows*. Wiley.
//! - Ritter, A. (1892); Stoker, J. J. (1957) *Water Waves*; Thacker, W. C. (1981) Some exact
//!   solutions to the nonlinear shallow-water wave equations. *J. Fluid Mech.* 107, 499–508.
//! - O'Brien, J. S., Julien, P. Y. (1988). Laboratory analysis of mudflow properties. *J. Hydraul.
//!   Eng.* 114(8); Huang, X., García, M. H. (1998) *J. Fluid Mech.* 374; Coussot, P. (1997)
//!   *Mudflow Rheology and Dynamics*; Liu, K. F., Mei, C. C. (1989) Slow spreading of a sheet
//!   of Bingham fluid on an inclined plane. *J. Fluid Mech.* 207.
//! - AIDR (2017). *Managing the floodplain*, Guideline 7-3 *Flood Hazard* (Smith et al. 2014).
//!
//! # Verification (tests/inundation.rs, scenarios/verification/)
//!
//! - W1 `ritter_dry_bed_dam_break_beats_anuga_and_converges` (L1 centreline depth error vs the
//!   exact solution: 0.00901 / 0.00355 / 0.00167 m at dx 5 / 2 / 1 m, below ANUGA's 0.0108 m
//!   at 5 m, observed order ≈ 1) and
//!   `ritter_dam_site_discharge_is_eight_twenty_sevenths`;
//! - W2 `lake_at_rest_over_uneven_partly_dry_bed_stays_at_rest` (round-off);
//! - W3 `closed_basin_volume_is_conserved_with_wetting_and_drying` (round-off, `h ≥ 0`);
//! - `stoker_wet_bed_dam_break_matches_exact_solution` (own case w4);
//! - `thacker_planar_basin_moving_shoreline_matches_exact_solution` (own case w5);
//! - `bingham_release_stops_on_the_static_yield_profile` (own case w6);
//! - `results_are_identical_on_one_and_two_threads`, `memory_per_cell_is_within_budget`,
//!   `breach_inflow_volume_is_accounted`, raster I/O round trips and bad-input errors.

pub mod error;
pub mod io;
pub mod kernel;
pub mod products;
pub mod rheology;
pub mod solver;
mod step;
pub mod terrain;

pub use error::InundationError;
pub use kernel::Limiter;
pub use products::{HazardClass, InundationResult, ObservationPoint, PointResult};
pub use rheology::Rheology;
pub use solver::{
    Boundaries, Boundary, InflowLine, Order, Simulation, SolverSettings, VolumeLedger, with_threads,
};
pub use terrain::{Crs, GridGeometry, Raster, Roughness, Terrain};
