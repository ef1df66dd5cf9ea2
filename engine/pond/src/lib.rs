//! tailtwin-pond: stage–storage–area, the tailings beach, discharge structures and level-pool
//! flood routing (调洪演算) of a tailings pond.
//!
//! # What it computes
//!
//! Given a [`Pond`] (stage–storage table, dam crest, beach, dam type, routing start level), its
//! discharge [`structures`] (anything implementing [`Outlet`]), a catchment inflow
//! [`Hydrograph`](tailtwin_core::Hydrograph) and the rain falling on the pond
//! ([`Hyetograph`](tailtwin_core::Hyetograph)), [`route`] returns a
//! [`RoutedPond`](tailtwin_core::RoutedPond): stage, storage, inflow, rain, per-structure flow
//! with regime and control, overtopping, freeboard (安全超高) and dry-beach length (干滩长度) at
//! the report times and every event time; peaks and minima located on the integrator's dense
//! output; the mass balance and step diagnostics with events.
//!
//! # Governing equations
//!
//! Level pool (continuity of a horizontally level reservoir):
//!
//! ```text
//! dS/dt = I(t) + r(t)·A_r(h) − Σ_k Q_k(h, t) − Q_over(h),        h = h(S)
//! Q_over(h) = C_w L_c (h − z_crest)^1.5   for h > z_crest, else 0
//! L_beach(h) = (z_beach − h)/i  (mean slope)  or the surveyed profile;  0 for h ≥ z_beach
//! F(h) = z_beach − h  (upstream method)   or   z_crest − h  (downstream, centerline, water-retaining)
//! ```
//!
//! Stage–storage ([`storage`]): per segment `V(z) = V_i + A_i s + c2 s² + c3 s³`, `A = dV/dz`;
//! area-only tables are linear in area with the exact volume integral (`c3 = 0`, inverse by the
//! quadratic formula), volume-only tables are PCHIP (Fritsch–Carlson), tables with both columns
//! are the Hermite cubic through the volumes with the areas as slopes.
//!
//! Integration ([`routing`]): Dormand–Prince 5(4) in the storage `S` with DOPRI5's PI step
//! controller (local error ≤ `atol + rtol·|S|` per step) and its fourth-order continuous
//! extension. Why this method: the right-hand side is smooth between the forcing breakpoints and
//! the structure transitions, where a fifth-order pair with free dense output reaches 1e-6
//! relative accuracy in about a hundred steps per flood; the dense output locates events,
//! peaks and report values without extra right-hand-side evaluations; level-pool problems of
//! real ponds are not stiff (the time constant A/(dQ/dh) is hours), and the 900 s default
//! maximum step keeps even small ponds with large outlets inside the explicit stability limit.
//! By the usual step-count scaling `rtol^(−1/p)`, a third-order pair (Bogacki–Shampine 3(2))
//! would need about `(10⁶)^(1/3−1/5)` ≈ 6× more steps at the default rtol 1e-6.
//!
//! - **Forcing breakpoints.** `[0, end]` is cut at every inflow vertex and every change of rain
//!   intensity; each step lies inside one piece (inflow linear, rain constant) and steps land
//!   exactly on the cuts, so no step straddles a discontinuity of the forcing. Outlets that jump
//!   in time (a [`structures::Scheduled`] blockage) add their change times
//!   ([`Outlet::time_breakpoints`]) and are evaluated per piece ([`Outlet::discharge_in_piece`]):
//!   the piece ending at a change sees the old state, the next the new
//!   (tests/drill.rs `router_cuts_its_pieces_at_a_schedule_change`).
//! - **Events.** Every structure transition stage ([`Outlet::transition_stages`]), the dam
//!   crest (overtopping start/end), the beach crest (beach submerged / re-emerging), the
//!   optional maximum allowed level and the empty pond are stage levels, converted once to
//!   storages. A crossing is found by Illinois root finding on the dense output of the storage;
//!   the step is redone to end on it and polished by Newton on the step length (so the stage
//!   at the event equals the level to ~1e-12 relative); the event is recorded as a core
//!   [`Event`](tailtwin_core::Event) and no step straddles a kink.
//! - **Autonomous pieces.** On a piece where the inflow is constant and every outlet is steady
//!   ([`Outlet::steady_from_s`]), `dS/dt = f(S)` is autonomous, so the storage is monotone
//!   there: no excursion across an event level can hide inside a step, and the step is bounded
//!   by the error control only, not by `max_step_s` (the drawdown after a storm takes tens of
//!   steps instead of one per 900 s; on a stiff stretch the error control keeps an explicit
//!   method's step near its stability limit, at the price of rejected steps).
//! - **Stage from storage.** Each evaluation starts the stage search in the segment and at the
//!   offset where the previous one landed, and Halley's iteration stops at the cubic's
//!   round-off: the stage a fresh search gives (to round-off), usually after one iteration.
//! - **Mass balance exact to round-off.** Every volume term (inflow, rain, each outlet,
//!   overtopping) is accumulated with the same fifth-order RK weights as the storage update
//!   (compensated sums), so `initial + in − out − final` is round-off (≈1e-16 relative
//!   measured; tested ≤ 1e-9 on every case).
//! - **Empty pond.** Below zero storage the stage is the bottom and the outflows are scaled
//!   down to what flows in. A step that would end below zero is shortened to the moment the
//!   pond empties; the residual (within the step tolerance) is taken off that step's outflow
//!   volumes in proportion, so the storage ends at exactly zero, never goes negative, and the
//!   balance stays exact.
//! - **Extremes.** The peak stage is the largest of the step ends and of the interior maxima
//!   of the dense output (root of dS/dθ); minimum freeboard and minimum beach length follow
//!   from it (both fall monotonically with the stage). Peak flows are refined by golden-section
//!   search on the dense output around the largest sampled step end. Extremes therefore do not
//!   depend on the report interval.
//! - **Fixed step** (`RoutingSettings::fixed_step_s`) drops the error control, for
//!   convergence studies.
//! - **Modified Puls** ([`Method::ModifiedPuls`]): the storage-indication method of HEC-HMS,
//!   `(2S/Δt + O)₂ = (I₁ + I₂) + (2S/Δt − O)₁` (the trapezoidal rule, second order), solved
//!   on the exact outlets each step, with the same breakpoints, events, dense (cubic Hermite)
//!   output and exact mass balance. A comparison option for HEC-HMS users; the default
//!   Dormand–Prince is both more accurate and faster (R4: 106 adaptive steps against 1 443
//!   one-minute Puls steps for 8.625166 vs 8.625174 m peak depth).
//!
//! # Symbols
//!
//! | symbol | meaning | unit |
//! |---|---|---|
//! | `S` | stored volume above the pond bottom | m³ |
//! | `h`, `z` | pond water level (absolute elevation) | m |
//! | `A(h)` | water-surface area | m² |
//! | `A_r(h)` | area receiving rain: `A(h)` + fixed extra area, or a fixed area ([`RainArea`]) | m² |
//! | `I(t)` | catchment inflow (piecewise linear) | m³/s |
//! | `r(t)` | rain intensity on the pond (piecewise constant) | m/s |
//! | `Q_k(h, t)` | discharge of structure `k` | m³/s |
//! | `C_w`, `L_c` | overtopping coefficient (default 1.70 m^0.5/s), dam-crest length | –, m |
//! | `z_crest`, `z_beach` | dam-crest and beach-crest elevations | m |
//! | `i` | mean beach slope | – |
//! | `F`, `L_beach` | freeboard, dry-beach length | m |
//!
//! # Assumptions and validity
//!
//! - Level pool: the water surface is horizontal (no wind set-up, waves or surface slope along
//!   the pond); storage responds instantly. Valid for ponds whose fill time is long against the
//!   time a surface wave needs to cross them (all tailings ponds under flood inflow).
//! - Rain on the pond runs off with coefficient 1 (standards.md §4); no evaporation, seepage
//!   losses or tailings deposition during the flood.
//! - Structures discharge freely per their own documentation; they are pure functions of stage
//!   and time, non-decreasing in stage.
//! - Above the stage–storage table top the walls are vertical; only overtopping may get there,
//!   and the run warns when it does. The table must reach the dam crest.
//! - Overtopping is broad-crested weir flow over the whole crest length with no erosion (a
//!   breach is a separate, time-varying structure).
//! - Routing starts at the pond's start level (调洪起始水位 / normal level), never an empty
//!   pond by default (GB 50863, GB 39496).
//!
//! # References
//!
//! - Rossman, L.A. & Huber, W.C. (2016–2017). *Storm Water Management Model Reference Manual,
//!   Vol. II – Hydraulics*, EPA/600/R-17/111 (storage units, orifices, weirs; continuity error).
//! - US Army Corps of Engineers, *HEC-HMS Technical Reference Manual*, reservoir routing
//!   (storage–outflow, modified Puls).
//! - Dormand, J.R. & Prince, P.J. (1980). A family of embedded Runge–Kutta formulae. *J. Comput.
//!   Appl. Math.* 6, 19–26. Hairer, E., Nørsett, S.P. & Wanner, G. (1993). *Solving Ordinary
//!   Differential Equations I*, 2nd ed., §II.4–II.6 (DOPRI5, dense output, PI control, starting
//!   step).
//! - Fritsch, F.N. & Carlson, R.E. (1980). Monotone piecewise cubic interpolation. *SIAM J.
//!   Numer. Anal.* 17, 238–246.
//! - GB 50863-2013 §4.2 (freeboard and beach length), GB 39496-2020 §6.4 (flood routing).
//!
//! # Verification (tests/routing/ unless noted: `closed_form`, `pond_basic`, `conservation`)
//!
//! - R1 `orifice_drawdown_matches_torricelli_closed_form`: stage within 1e-8 m of the closed
//!   form, emptying time 15 050.79 s within 0.01 s (scenarios/verification/r1_orifice_drawdown).
//! - R2 `weir_drawdown_matches_closed_form`: 1e-9 m at 1–24 h (r2_weir_drawdown).
//! - R3 `linear_reservoir_outflow_matches_exponential`: 1e-8 m³/s (r3_linear_reservoir).
//! - R4 `pond_basic_matches_swmm_and_ode_reference`: peak depth 8.625166 m vs the ODE reference
//!   8.62517 m at default settings; time of peak, peak outflow and final depth to the published
//!   digits at rtol 1e-9 (r4_pond_basic).
//! - Convergence: `fixed_step_error_converges_at_fifth_order` (observed order → 5),
//!   `adaptive_error_falls_with_tolerance`; modified Puls: `modified_puls_converges_at_second_order`
//!   (observed 2.009, 2.002, 2.001), `modified_puls_matches_pond_basic_at_one_minute`.
//! - Conservation on every case (≤ 1e-9 relative, measured ~1e-16);
//!   `overtopping_is_flagged_and_its_volume_counted`, `empty_pond_limits_outflow_to_what_is_there`,
//!   `rain_on_pond_adds_depth_times_area`, `rain_raises_any_pond_by_the_rain_depth`,
//!   `events_are_located_on_their_levels_in_order`,
//!   `beach_and_threshold_events_and_upstream_freeboard`, `peaks_do_not_depend_on_report_interval`,
//!   `time_varying_outlet_peak_is_located_between_steps`, `routing_is_deterministic`,
//!   `bad_outlets_and_settings_are_errors`,
//!   `steady_outlets_take_steps_beyond_max_step_on_constant_forcing` (R2 to 1e-7 m with the
//!   free steps; 82 steps against 118 with the bound); `storage::hinted_inversion_matches_the_search`.
//! - Stage grids ([`structures::tabulated`]): unit tests there, and tests/ensemble.rs
//!   `tabulated_outlets_match_the_formulas` (300 demo members on grids against the formulas at
//!   rtol 1e-10: worst peak difference 3.9e-7 m, inside the contraction bound 3.1e-5 m).
//! - Performance: benches/routing.rs, one pond_basic run at default settings ≈ 130 µs
//!   (≈ 7 600 runs/s on one core of a loaded 2-core machine; 300 s report interval).
//! - Stage–storage: `stage_inverts_volume_on_random_tables` (property test) and the unit tests
//!   in [`storage`]; beach and freeboard: unit tests in [`beach`]; the tableau and dense output:
//!   unit tests in `routing::dopri`.
//!
//! The discharge structures and their equations are documented in [`structures`].

pub mod beach;
pub mod pond;
pub mod routing;
pub mod storage;
pub mod structures;

pub use beach::{Beach, BeachError, DamType};
pub use pond::{DEFAULT_OVERTOPPING_COEFFICIENT, Dam, Pond, PondError, RainArea};
pub use routing::{Method, RoutingError, RoutingSettings, route};
pub use storage::{ConsistencyWarning, StageStorage, StorageError, TableSource};
pub use structures::Outlet;
