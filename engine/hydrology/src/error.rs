//! Typed errors of the hydrology crate. Every variant carries the offending values.

use tailtwin_core::SeriesError;
use thiserror::Error;

/// Why a storm or an inflow could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum HydrologyError {
    /// A scalar input lies outside its valid range (or is not finite).
    #[error("{what} = {value} is outside its valid range {range}")]
    OutOfRange { what: &'static str, value: f64, range: &'static str },

    /// The Pearson-III modulus coefficient K_p = 1 + C_v·Φ is not positive: the distribution puts
    /// this frequency below zero rain (C_s < 2 C_v with a frequent event).
    #[error(
        "design depth not positive: K_p = 1 + C_v·Φ = 1 + {cv}·{phi:.4} = {k_p:.4} \
         (exceedance probability {exceedance})"
    )]
    NonPositiveModulus { cv: f64, phi: f64, k_p: f64, exceedance: f64 },

    /// A decay index n (given or derived from atlas depths) is outside [0, 1).
    #[error("decay index {which} = {n:.4} is outside [0, 1){hint}")]
    DecayIndexOutOfRange { which: &'static str, n: f64, hint: &'static str },

    /// The depth–duration curve is not defined for this duration.
    #[error("duration {duration_h} h is beyond the curve's range (up to {max_h} h)")]
    DurationBeyondCurve { duration_h: f64, max_h: f64 },

    /// A fixed depth was given for one duration and a storm of another duration was requested.
    #[error("the fixed depth is given over {given_h} h; a {requested_h} h storm was requested")]
    FixedDurationMismatch { given_h: f64, requested_h: f64 },

    /// The storm duration is not a whole number of intervals.
    #[error("storm duration {duration_s} s is not a whole number of {interval_s} s intervals")]
    DurationNotMultipleOfInterval { duration_s: f64, interval_s: f64 },

    /// More hyetograph intervals than a storm can sensibly have.
    #[error(
        "storm duration {duration_s} s in {interval_s} s intervals is {count} intervals, more than {max}"
    )]
    TooManyIntervals { duration_s: f64, interval_s: f64, count: f64, max: usize },

    /// The pattern needs a depth–duration curve, not just a total depth.
    #[error("the {pattern} pattern needs a depth–duration curve; a fixed total depth has none")]
    PatternNeedsCurve { pattern: &'static str },

    /// The SCS type II distribution is defined for 24 h storms only.
    #[error("the SCS type II distribution is a 24 h distribution; {duration_h} h was requested")]
    ScsTypeIiNeeds24h { duration_h: f64 },

    /// A user temporal-pattern table is malformed.
    #[error("pattern table row {index}: {problem} (time fraction {time_fraction}, value {value})")]
    BadPatternTable { index: usize, problem: &'static str, time_fraction: f64, value: f64 },

    /// Observed rain records are malformed.
    #[error("rain record {index}: {problem} (time {time_s} s, depth {depth_mm} mm)")]
    BadRainRecord { index: usize, problem: &'static str, time_s: f64, depth_mm: f64 },

    /// The rational method needs the storm's depth–duration curve.
    #[error("the rational formula (推理公式) needs the storm's depth–duration curve")]
    RationalNeedsCurve,

    /// The rational-formula iteration did not converge.
    #[error(
        "rational formula did not converge after {iterations} iterations \
         (Q_m = {peak_m3s} m³/s, relative residual {residual:e})"
    )]
    RationalNotConverged { iterations: usize, peak_m3s: f64, residual: f64 },

    /// A core series could not be built (should not happen with validated input).
    #[error("series: {0}")]
    Series(#[from] SeriesError),
}

/// Checks that `value` is finite and within `[lo, hi]`.
pub(crate) fn check_closed(
    what: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    range: &'static str,
) -> Result<f64, HydrologyError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(HydrologyError::OutOfRange { what, value, range })
    }
}

/// Checks that `value` is finite and strictly positive.
pub(crate) fn check_positive(what: &'static str, value: f64) -> Result<f64, HydrologyError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(HydrologyError::OutOfRange { what, value, range: "(0, ∞)" })
    }
}
