//! tailtwin-hydrology: design storms, observed rain and catchment inflow into the pond.
//!
//! ```text
//! DepthDuration ──resolve──▶ StormCurve H(t) ──Pattern──▶ Hyetograph ──RunoffMethod──▶ CatchmentInflow
//! RainRecord[] ──observed_hyetograph──▶ Hyetograph ─────────────────────┘  (Hydrograph + losses)
//! ```
//!
//! Main entry points: [`design_hyetograph`], [`design_storm`], [`observed_hyetograph`],
//! [`catchment_inflow`] (any hyetograph; SCS-CN) and [`design_inflow`] (design storm; SCS-CN or
//! the rational formula). Rain on the pond surface is not handled here: the router adds it from the
//! same hyetograph with the water-surface area at the current stage; [`Catchment::area_m2`]
//! excludes the pond.
//!
//! # Symbols
//! | symbol | meaning | unit (inside / in the formula) |
//! |---|---|---|
//! | H̄₂₄, C_v, C_s | mean, variation and skew of the annual-max 24 h depth | mm, –, – |
//! | p = 1/T | exceedance probability of return period T | –, years |
//! | Φ_p, K_p | P-III frequency factor (离均系数), modulus K_p = 1 + C_v Φ_p | – |
//! | n, S_p | storm decay index (暴雨递减指数), rain force (雨力) | –, mm/h |
//! | H(t) | design depth for duration t | mm |
//! | r | Chicago peak position | – |
//! | CN, S, I_a, λ | curve number, retention, initial abstraction, I_a/S | –, mm, mm, – |
//! | t_c (SCS), lag, T_p | time of concentration, lag = 0.6 t_c, time to peak | s |
//! | μ, m, θ, τ, t_c | loss rate, 汇流参数, catchment shape factor, concentration time, net-rain duration | mm/h, –, –, h, h |
//! | F, L, J | catchment area, main channel length, mean channel slope | m² (km²), m (km), m/m |
//! | Q_m, W, R | flood peak, flood volume, net rain | m³/s, m³, mm |
//!
//! # Equations
//! **Design 24 h depth** (standards.md §9): P-III with α = 4/C_s², so Φ_p = (G_p − α)/√α with G_p
//! the Gamma(α, 1) quantile of exceedance p; H₂₄,p = K_p H̄₂₄ ([`frequency`]). C_s → 0 uses the
//! normal limit through a Cornish–Fisher series.
//!
//! **Depth–duration curve** ([`depth_duration`]): H(t) = S_p t^(1−n) (t in h), S_p = H₂₄,p 24^(n−1)
//! for one n; segmented n₁ (< 1 h), n₂ (1–6 h), n₃ (6–24 h) joined continuously from H₂₄,p down,
//! n₁ = 1 − lg(H₁/H₁/₆)/lg 6, n₂ = 1 − lg(H₆/H₁)/lg 6, n₃ = 1 − lg(H₂₄/H₆)/lg 4. IDF:
//! H(t) = t·A₁(1 + C lg P)/(t + b)ⁿ (t in min).
//!
//! **Patterns** ([`patterns`]): a mass curve M(t) on [0, D], interval depth M(t_{k+1}) − M(t_k).
//! Chicago (Keifer & Chu 1957): peak at t_p = rD, M(t) = r[H(D) − H((t_p − t)/r)] before and
//! rH(D) + (1 − r)H((t − t_p)/(1 − r)) after the peak, so every window splitting r : (1 − r)
//! around the peak holds H(window). SCS type II: the NRCS 24 h mass curve. Uniform, user tables.
//!
//! **SCS-CN losses** (NEH-630 ch. 10): S = 25400/CN − 254 mm, I_a = λS, cumulative excess
//! Q = (P − I_a)²/(P − I_a + S) for P > I_a; the increment per step is the difference of
//! cumulative values; a directly connected impervious fraction f adds f·P. AMC (Chow, Maidment &
//! Mays 1988 eqs. 5.5.4–5): CN_I = 4.2 CN/(10 − 0.058 CN), CN_III = 23 CN/(10 + 0.13 CN).
//!
//! **SCS unit hydrograph** (NEH-630 ch. 16): dimensionless table 16-1, lag = 0.6 t_c (t_c given or
//! Kirpich: t_c = 0.0195 L^0.77 J^−0.385 min, L in m), T_p = Δt/2 + lag, peak scaled so the
//! piecewise-linear curve holds 1 mm over F (equivalent peak rate factor 483.1 ≈ 484, i.e.
//! 2.08 in SI); discrete convolution Q_n = Σ_j e_j U_{n−j}. The hydrograph volume equals the excess
//! volume up to the UH sampling error (Δt·ΣU − 1 mm·F), which falls as Δt² (tests below).
//!
//! **推理公式** ([`rational`]): t_c = argmax (H(t) − μt) = [(1 − n)S_p/μ]^(1/n);
//! full area (t_c ≥ τ) Q_m = 0.278 (S_p/τⁿ − μ)F; partial (t_c < τ) Q_m = 0.278 (H(t_c) − μt_c)F/τ;
//! τ = 0.278 L/(m J^(1/3) Q_m^(1/4)), solved by bisection in ln Q_m (monotone, converged to 10⁻¹³);
//! m given or m = a θ^b, θ = L/(J^(1/3) F^(1/4)) (shipped default a = 0.4, b = 0.204: recalled
//! regional relation, flagged in the diagnostics). Generalised hydrograph: a triangle of peak Q_m
//! and base 2W/Q_m, W = 1000 R F (R from φ-index losses μ on the hyetograph), rising over 0.375 of
//! the base, peaking τ after the start of the heaviest min(τ, t_c) window of the hyetograph.
//!
//! **Observed rain** ([`observed`]): a record is the depth of the period ending at its time stamp,
//! spread uniformly over that period (or its last `max_spread_s`) and integrated onto the grid.
//!
//! # Assumptions and validity
//! - The atlas curve covers 0–24 h (single n below 1 h is an extrapolation); IDF formulas only up
//!   to the duration they were fitted to (`max_duration_min`, often 180 min).
//! - Point rain = catchment rain (no areal reduction); apply α(t, F) to the depth for large F.
//! - SCS-CN + UH: event runoff of small-to-medium rural catchments (single UH, no baseflow, no
//!   channel routing). Kirpich was fitted on small agricultural catchments (slopes 3–10 %).
//!   The runoff equation is applied to the cumulative rain of the whole hyetograph as one event:
//!   I_a and S do not recover in dry spells, so split long observed records into events.
//! - Rational formula: hilly catchments below ~200 km² (< 50 km² "small"); a warning is raised
//!   above 200 km². The θ–m default is regional and recalled: supply the local relation.
//!
//! # References
//! - GB 50863-2013; 《水利水电工程设计洪水计算手册》 (1995); SL 44-2006 (P-III, 推理公式).
//! - USDA-NRCS National Engineering Handbook part 630, ch. 10 (2004) and ch. 16 (2007); TR-55
//!   (1986).
//! - Chow, V. T., Maidment, D. R., Mays, L. W. (1988) *Applied Hydrology*, McGraw-Hill.
//! - Keifer, C. J., Chu, H. H. (1957) Synthetic storm pattern for drainage design, J. Hydraul.
//!   Div. ASCE 83(4).
//! - Kite, G. W. (1977) *Frequency and Risk Analyses in Hydrology*; IACWD (1982) Bulletin 17B.
//! - Kirpich, Z. P. (1940) Time of concentration of small agricultural watersheds, Civil Eng. 10(6).
//!
//! # Verification (unit tests here, integration tests in `tests/hydrology.rs`)
//! - `frequency_factor_matches_bulletin_17b_table`, `small_skew_series_joins_the_gamma_inversion_continuously`
//! - `single_decay_curve_passes_through_the_design_24h_depth`,
//!   `segmented_curve_reproduces_the_atlas_depths_it_was_derived_from`,
//!   `atlas_statistics_per_duration_scale_by_the_common_modulus`, `idf_depth_matches_hand_calculation`
//! - `irregular_records_are_spread_by_overlap_and_conserve_depth`, `interval_fractions_are_normalised_and_resampled_by_mass`
//! - `invalid_inputs_are_typed_errors_carrying_the_value`, `loss_rate_above_the_storm_gives_a_zero_hydrograph`
//! - `scs_runoff_depth_matches_hand_calculation`, `amc_conversions_match_hand_calculation`,
//!   `kirpich_time_matches_hand_calculation`, `dimensionless_uh_area_is_that_of_peak_rate_factor_484`
//! - integration: `chicago_windows_around_the_peak_hold_the_curve_depth`,
//!   `scs_type_ii_hyetograph_reproduces_published_ordinates`,
//!   `scs_cn_hand_case_h1_runoff_depth_and_volume`, `scs_cn_h1_cumulative_excess_matches_reference_csv`,
//!   `scs_unit_hydrograph_peak_matches_hand_calculation`, `unit_hydrograph_volume_error_falls_with_step`,
//!   `rational_full_area_peak_matches_hand_iteration`, `rational_partial_area_peak_matches_hand_iteration`,
//!   `inflow_is_deterministic`; cases `scenarios/verification/h1_scs_cn_hand`, `h2_rational_hand`.

pub mod depth_duration;
pub mod error;
pub mod frequency;
pub mod inflow;
pub mod observed;
pub mod patterns;
pub mod rational;
pub mod scs;

pub use depth_duration::{
    AtlasStorm, DecayIndex, DepthDuration, DurationStatistics, IdfFormula, PowerSegment, StormCurve,
};
pub use error::HydrologyError;
pub use frequency::{FrequencyResult, pearson3_design_value, pearson3_frequency_factor};
pub use inflow::{
    Catchment, CatchmentInflow, DesignStorm, InflowDetails, RunoffMethod, catchment_inflow,
    design_inflow, design_storm,
};
pub use observed::{ObservedSettings, RainRecord, observed_hyetograph};
pub use patterns::{Pattern, default_interval_s, design_hyetograph, hyetograph_from_curve};
pub use rational::{
    ConcentrationParameter, ContributingArea, GeneralizedShape, RationalPeak, RationalSettings,
};
pub use scs::{Amc, ScsCnSettings, TimeOfConcentration, UnitHydrograph, scs_unit_hydrograph};
