//! tailtwin-risk: Chinese tailings-pond code limits as data, the pond grade (等别), and the
//! flood-season checks of a routed design flood.
//!
//! # What it does
//!
//! 1. **Limits as data.** Every code value (grade bands, flood standards, minimum freeboard and
//!    beach length, minimum factors of safety, the dry-stack 72 h rule, the AQ 2006 0.95/0.98
//!    multipliers) is a row of `data/limits.toml`, tagged with its standard and edition, clause and
//!    confidence. The file is compiled in and parsed once ([`LimitTables::builtin`]); a site may
//!    load its own ([`LimitTables::from_toml_str`]). See [`tables`] for why a data file.
//! 2. **Edition and overrides.** A scenario selects an [`Edition`] (GB 39496-2020 by default,
//!    GB 50863-2013, AQ 2006-2005). Each edition has a lookup order (e.g. GB 39496 → GB 50863 →
//!    ZBJ1-90): a limit for which the tables hold no row of the edition itself is taken from the
//!    next standard, and the report says so. [`LimitOverrides`] (the scenario's `[limits]`) win over every table and
//!    appear as `Standard::Site` / `Confidence::Site`.
//! 3. **Grade** ([`assess_grade`]) and the required flood standard before any routing
//!    ([`design_flood_requirement`], e.g. to pick the design storm), then the **checks**
//!    ([`flood_season_checks`]) → rows of [`tailtwin_core::Check`] plus report warnings
//!    ([`Assessment`]).
//!
//! Typical use (the pipeline's):
//!
//! ```
//! use tailtwin_risk::{DamType, Edition, LimitOverrides, LimitSet, PondFacts};
//! let limits = LimitSet::new(Edition::Gb39496_2020, LimitOverrides::default())?;
//! let mut facts = PondFacts::new(2.4e7, 72.0, DamType::Upstream);
//! facts.storm_return_period_years = Some(500.0);
//! let need = tailtwin_risk::design_flood_requirement(&facts, &limits)?;
//! assert_eq!((need.grade.grade.value.numeral(), need.required_years), ("三", 200.0));
//! // after routing:
//! // let assessment = flood_season_checks(&facts, &routed, &limits, &CheckSettings::default())?;
//! # Ok::<(), tailtwin_risk::RiskError>(())
//! ```
//!
//! 4. **Dam-break consequence** ([`consequence`]): population at risk and loss of life at the
//!    dam-break observation points (Graham 1999 fatality rates by flood severity D·V and warning
//!    time) and the GISTM (2020) consequence class (Low … Extreme), as data in
//!    `data/consequence.toml` with source and confidence per row ([`assess_consequence`]).
//!
//! 5. **Safety status** ([`status`]): the twelve 重大事故隐患 items (4, 6, 7, 8, 9 decided from the
//!    run's check rows, stability rows and structure condition factors; all from the inspection
//!    record), the legacy AQ 2006-2005 class with every criterion listed (superseded; the
//!    0.98–1.00 × required FoS gap → at least 病库 with a note), the warning level per item with
//!    the GB 39496 roll-up (thresholds from the GB 51108 guidance values in
//!    `tailtwin_core::warning::guidance`, shared with the twin), and the 0–100 risk score —
//!    75 · clamp((log₁₀ P + (c − 1) + 6)/9, 0, 1) + min(25, Σ wᵢ dᵢ) with P the annual failure
//!    probability (ensemble / reliability, else documented proxies), c the consequence index
//!    (GISTM class, else the grade) and dᵢ the failing-margin deficits, floored at 60 when a
//!    重大事故隐患 is present ([`status::score`]). Verified by the unit tests in `status` (score
//!    monotonicity on a grid, normal CDF) and tests/status.rs (hand-worked classes, items,
//!    roll-up, the demo, monotonicity in spillway width and crest height, bad input).
//!
//! # The checks (row id — meaning — clause)
//!
//! | id | requirement | clause |
//! |---|---|---|
//! | `grade_storage`, `grade_height`, `grade` | info: V and H looked up alone, the disagreement rule, the optional raise; dam class = grade | GB 50863 §3.3.1 |
//! | `design_flood_return_period` | storm return period T ≥ T_req, the lower end of the tabulated range (upper end when the scenario asks) | flood-standard table; GB 39496 §5.4.1 |
//! | `freeboard` | min freeboard of the run (at the design flood level) ≥ minimum for the class and dam type | GB 50863 §4.2.1–4.2.2; table |
//! | `beach_length` | min dry-beach length ≥ minimum (× (1 − reduction) for classes 3–5 where seepage stability is shown); NA for water-retaining dams | GB 50863 §4.2.1–4.2.2; table |
//! | `overtopping` | the design flood must not overtop the dam | — |
//! | `water_retaining_freeboard` | Z_crest − Z_DFL ≥ freeboard + wind set-up + wave run-up; NA without the allowances | GB 50863 §4.2.3 |
//! | `dry_stack_drain` | dry-stack ponds discharge each flood within 72 h; NA for wet ponds | GB 39496 §6.4.4 |
//! | `mass_balance` | info: the routing's continuity error | — |
//!
//! # Governing relations
//!
//! - Grade: g_V = band(V), g_H = band(H) (lower bound inclusive, upper exclusive). |g_V − g_H| ≤ 1
//!   → g = min(g_V, g_H); > 1 → g = min(g_V, g_H) + 1; severe downstream consequence → g − 1
//!   (not above 一). Numbers: 一 = 1 (most important) … 五 = 5.
//! - Freeboard Δh = Z_ref − Z_DFL, Z_ref the beach crest (upstream) or the outer edge of the dam
//!   crest (downstream, centerline); beach length L = horizontal distance from the beach crest to the
//!   water's edge at Z_DFL. Both come from the routing (`RoutedPond.min_freeboard_m`,
//!   `min_beach_length_m`); this crate only compares them.
//! - Drain time (dry stack): W(t) = S(t) − S(0); discharged at the first time after which W ≤ r·max W
//!   for the rest of the run, r = [`CheckSettings::drain_residual_fraction`] (default 1 %); measured
//!   from the end of the storm, else from the peak stage. See [`drain`].
//!
//! Symbols: V total storage (m³; tables in 10⁴ m³), H dam height (m), Z_DFL design flood level (the
//! peak stage of the routed design flood, m), T return period (years), S storage (m³), r residual
//! fraction.
//!
//! **Comparison convention.** The codes phrase minima as "不应小于" (shall not be less than): a value
//! equal to its minimum passes (≥). The drain rule reads "within 72 h": equal passes (≤). Values are
//! compared as computed — no rounding, no tolerance.
//!
//! **Validity.** Checks of one operating period at the design flood level. Seismic freeboard (§4.2.4) is not
//! checked; the phreatic burial depth and slope stability checks are made by the pipeline's
//! seepage and stability stages (the FoS minima are in these tables); the AQ 2006-2005 legacy classes are
//! assigned in [`status::legacy_class`] (the FoS criterion by [`legacy_fos_standing`]).
//!
//! # Confidence policy
//!
//! Marks follow shared/reference/standards.md: `verified` (read in the standard or a faithful copy),
//! `secondary` (read in a source quoting it), `recalled` (not verified). Recalled values ship as
//! overridable defaults; every check row whose limit is recalled adds the warning "limit recalled,
//! not verified — override in [limits]", and every value taken from another standard than the
//! selected edition adds a "taken from" warning. A grade inherits the weaker confidence of its two
//! bands. Nothing recalled is ever presented as verified.
//!
//! # Adding an edition
//!
//! 1. Add a variant to `tailtwin_core::Standard` (code, title) and, if it is selectable, to
//!    [`Edition`] (`ALL`, `standard`, `key`).
//! 2. In `data/limits.toml` add an `[[edition]]` entry with its `lookup_order` (starting with
//!    itself) and the rows it changes, each with clause and confidence. Rows it does not change are
//!    found through the lookup order — do not copy them.
//! 3. Add a test that the tables return the new edition's documented values.
//!
//! # References
//!
//! GB 50863-2013 尾矿设施设计规范; GB 39496-2020 尾矿库安全规程; AQ 2006-2005 尾矿库安全技术规程
//! (superseded); ZBJ1-90 选矿厂尾矿设施设计规范 — as summarised, with marks, in
//! shared/reference/standards.md.
//!
//! # Verification
//!
//! Unit tests beside the code and tests/risk_checks.rs: the grade rule on every pair and at band
//! boundaries (V in 四 and H in 二 → 三), the tables return the documented values for each edition,
//! overrides win and are labelled site, pass/fail exactly at the limit, the 72 h rule on a synthetic
//! linear-reservoir drawdown against its closed form, and bad inputs → typed errors.

pub mod checks;
pub mod consequence;
pub mod drain;
pub mod error;
pub mod grade;
pub mod legacy;
pub mod limits;
mod rows;
pub mod source;
pub mod status;
pub mod tables;
pub mod types;

pub use checks::{
    Assessment, CheckSettings, DesignFloodRequirement, PondFacts, WaterRetaining,
    design_flood_requirement, flood_season_checks,
};
pub use consequence::{
    BUILTIN_CONSEQUENCE_TOML, ConsequenceClass, ConsequenceSettings, ConsequenceSummary,
    ConsequenceTables, PointConsequence, PointExposure, Understanding, assess_consequence,
};
pub use drain::{DrainTime, drain_time};
pub use error::{LimitDataError, RiskError};
pub use grade::{GradeAssessment, GradeRule, assess_grade, combine_grades};
pub use legacy::{LegacyFosStanding, legacy_fos_standing};
pub use limits::{FosOverride, LimitOverrides, LimitSet};
pub use source::{Limit, ReturnPeriodRange, Source};
pub use tables::{BUILTIN_LIMITS_TOML, GradeBand, LimitTables};
pub use types::{
    DamTable, DamType, Edition, Grade, LegacyClass, LoadCase, Period, StabilityMethod,
};
