//! Temporal patterns: a depth–duration curve (or a total depth) → a [`Hyetograph`].
//!
//! Every pattern is a cumulative mass curve M(t) on [0, D]; the depth of interval k is
//! M(t_{k+1}) − M(t_k), so the hyetograph's total is exactly M(D) whatever the interval.

use crate::depth_duration::{DepthDuration, StormCurve};
use crate::error::{HydrologyError, check_closed, check_positive};
use serde::{Deserialize, Serialize};
use tailtwin_core::Hyetograph;

/// How the storm's depth is distributed in time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Chicago design storm (Keifer & Chu 1957): the peak at r·D, and every window around the
    /// peak that splits r : (1 − r) holds exactly the curve's depth for its length. Needs a curve.
    Chicago {
        /// Peak position r in [0, 1] (typically 0.3–0.5).
        peak_position: f64,
    },
    /// NRCS (SCS) type II 24 h distribution (24 h storms only).
    ScsTypeII,
    /// Constant intensity.
    Uniform,
    /// User mass curve: (time fraction, cumulative amount) rows; time fractions strictly
    /// increasing from 0 to 1, amounts non-decreasing from 0, normalised by the last amount.
    CumulativeTable { rows: Vec<(f64, f64)> },
    /// User per-interval amounts over equal parts of the duration, normalised by their sum.
    IntervalFractions { fractions: Vec<f64> },
}

impl Pattern {
    /// Short label for reports.
    pub fn label(&self) -> &'static str {
        match self {
            Pattern::Chicago { .. } => "chicago",
            Pattern::ScsTypeII => "scs_type_ii",
            Pattern::Uniform => "uniform",
            Pattern::CumulativeTable { .. } => "cumulative_table",
            Pattern::IntervalFractions { .. } => "interval_fractions",
        }
    }
}

/// NRCS type II 24 h cumulative rainfall fraction: (hour, fraction of the 24 h depth).
///
/// Source: USDA-SCS (1986) TR-55 *Urban Hydrology for Small Watersheds*, 2nd ed., the type II
/// distribution as tabulated in Chow, Maidment & Mays (1988) *Applied Hydrology* table 14.3.1
/// (0–24 h, denser around the peak), completed with TR-55's hourly ordinates. Linear in between.
pub const SCS_TYPE_II: [(f64, f64); 33] = [
    (0.0, 0.000),
    (1.0, 0.011),
    (2.0, 0.022),
    (3.0, 0.035),
    (4.0, 0.048),
    (5.0, 0.063),
    (6.0, 0.080),
    (7.0, 0.098),
    (8.0, 0.120),
    (8.5, 0.133),
    (9.0, 0.147),
    (9.5, 0.163),
    (9.75, 0.172),
    (10.0, 0.181),
    (10.5, 0.204),
    (11.0, 0.235),
    (11.5, 0.283),
    (11.75, 0.357),
    (12.0, 0.663),
    (12.5, 0.735),
    (13.0, 0.772),
    (13.5, 0.799),
    (14.0, 0.820),
    (15.0, 0.854),
    (16.0, 0.880),
    (17.0, 0.903),
    (18.0, 0.922),
    (19.0, 0.938),
    (20.0, 0.952),
    (21.0, 0.964),
    (22.0, 0.976),
    (23.0, 0.988),
    (24.0, 1.000),
];

/// Default hyetograph interval: 5 min for storms up to 6 h, 10 min for longer ones.
pub fn default_interval_s(duration_s: f64) -> f64 {
    if duration_s <= 6.0 * 3600.0 { 300.0 } else { 600.0 }
}

/// Builds a design hyetograph starting at t = 0.
///
/// `interval_s = None` takes [`default_interval_s`]. The duration must be a whole number of
/// intervals and within the curve's range.
pub fn design_hyetograph(
    depth: &DepthDuration,
    pattern: &Pattern,
    duration_s: f64,
    interval_s: Option<f64>,
) -> Result<Hyetograph, HydrologyError> {
    let curve = depth.resolve()?;
    hyetograph_from_curve(&curve, pattern, duration_s, interval_s)
}

/// As [`design_hyetograph`], from an already resolved curve.
pub fn hyetograph_from_curve(
    curve: &StormCurve,
    pattern: &Pattern,
    duration_s: f64,
    interval_s: Option<f64>,
) -> Result<Hyetograph, HydrologyError> {
    check_positive("storm duration (s)", duration_s)?;
    let interval_s = interval_s.unwrap_or_else(|| default_interval_s(duration_s));
    check_positive("hyetograph interval (s)", interval_s)?;
    let count_f = duration_s / interval_s;
    let count = count_f.round();
    if count < 1.0 || (count_f - count).abs() > 1e-9 * count_f.max(1.0) {
        return Err(HydrologyError::DurationNotMultipleOfInterval { duration_s, interval_s });
    }
    // One interval per second over a 30-day storm is 2.6·10⁶; beyond 10⁷ the interval is a typo
    // (and the allocation would fail).
    const MAX_INTERVALS: usize = 10_000_000;
    if count > MAX_INTERVALS as f64 {
        return Err(HydrologyError::TooManyIntervals {
            duration_s,
            interval_s,
            count,
            max: MAX_INTERVALS,
        });
    }
    let count = count as usize;
    if !curve.is_curve() {
        let given = curve.max_duration_s();
        if (duration_s - given).abs() > 1e-9 * given {
            return Err(HydrologyError::FixedDurationMismatch {
                given_h: given / 3600.0,
                requested_h: duration_s / 3600.0,
            });
        }
    }
    let total_mm = curve.depth_mm(duration_s)?;
    let mass: Box<dyn Fn(f64) -> f64 + '_> = match pattern {
        Pattern::Chicago { peak_position } => {
            let r = check_closed("Chicago peak position r", *peak_position, 0.0, 1.0, "[0, 1]")?;
            if !curve.is_curve() {
                return Err(HydrologyError::PatternNeedsCurve { pattern: "Chicago" });
            }
            Box::new(move |t| chicago_mass(curve, r, duration_s, t))
        }
        Pattern::ScsTypeII => {
            if (duration_s - 86400.0).abs() > 1e-6 {
                return Err(HydrologyError::ScsTypeIiNeeds24h { duration_h: duration_s / 3600.0 });
            }
            Box::new(move |t| total_mm * interpolate(&SCS_TYPE_II, t / 3600.0))
        }
        Pattern::Uniform => Box::new(move |t| total_mm * t / duration_s),
        Pattern::CumulativeTable { rows } => {
            let table = normalised_mass_table(rows)?;
            Box::new(move |t| total_mm * interpolate(&table, t / duration_s))
        }
        Pattern::IntervalFractions { fractions } => {
            let table = mass_table_from_fractions(fractions)?;
            Box::new(move |t| total_mm * interpolate(&table, t / duration_s))
        }
    };
    let mut depths = Vec::with_capacity(count);
    let mut previous = mass(0.0);
    for k in 1..=count {
        // The last boundary is the duration itself, not k·Δt, so M(D) is hit exactly.
        let t = if k == count { duration_s } else { k as f64 * interval_s };
        let m = mass(t);
        depths.push((m - previous).max(0.0));
        previous = m;
    }
    Ok(Hyetograph::new(0.0, interval_s, depths)?)
}

/// Chicago mass curve: depth fallen from 0 to t, peak at t_p = rD.
///
/// Before the peak the rain within x of it is r·H(x/r); after it, (1 − r)·H(y/(1 − r)); so the
/// window [t_p − r w, t_p + (1 − r) w] holds H(w).
fn chicago_mass(curve: &StormCurve, r: f64, duration_s: f64, t: f64) -> f64 {
    let t_peak = r * duration_s;
    let h = |x: f64| curve.depth_unchecked(x.clamp(0.0, duration_s));
    let before_total = if r > 0.0 { r * h(duration_s) } else { 0.0 };
    if t <= t_peak {
        if r == 0.0 {
            return 0.0;
        }
        before_total - r * h((t_peak - t) / r)
    } else {
        before_total + (1.0 - r) * h((t - t_peak) / (1.0 - r))
    }
}

/// Linear interpolation in a table of increasing x, held at the ends.
pub(crate) fn interpolate(table: &[(f64, f64)], x: f64) -> f64 {
    let n = table.len();
    if x <= table[0].0 {
        return table[0].1;
    }
    if x >= table[n - 1].0 {
        return table[n - 1].1;
    }
    let i = table.partition_point(|p| p.0 <= x);
    let (x0, y0) = table[i - 1];
    let (x1, y1) = table[i];
    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
}

fn normalised_mass_table(rows: &[(f64, f64)]) -> Result<Vec<(f64, f64)>, HydrologyError> {
    let bad = |index: usize, problem: &'static str| {
        let (t, v) = rows.get(index).copied().unwrap_or((f64::NAN, f64::NAN));
        HydrologyError::BadPatternTable { index, problem, time_fraction: t, value: v }
    };
    if rows.len() < 2 {
        return Err(bad(0, "a mass curve needs at least two rows"));
    }
    for (i, &(t, v)) in rows.iter().enumerate() {
        if !t.is_finite() || !v.is_finite() {
            return Err(bad(i, "not finite"));
        }
        if i > 0 && t <= rows[i - 1].0 {
            return Err(bad(i, "time fractions must increase strictly"));
        }
        if i > 0 && v < rows[i - 1].1 {
            return Err(bad(i, "cumulative amounts must not decrease"));
        }
    }
    if rows[0].0 != 0.0 || rows[0].1 != 0.0 {
        return Err(bad(0, "the first row must be (0, 0)"));
    }
    let last = rows.len() - 1;
    if (rows[last].0 - 1.0).abs() > 1e-9 {
        return Err(bad(last, "the last time fraction must be 1"));
    }
    let total = rows[last].1;
    if total <= 0.0 {
        return Err(bad(last, "the total amount must be positive"));
    }
    Ok(rows.iter().map(|&(t, v)| (t, v / total)).collect())
}

fn mass_table_from_fractions(fractions: &[f64]) -> Result<Vec<(f64, f64)>, HydrologyError> {
    let n = fractions.len();
    let bad = |index: usize, problem: &'static str, value: f64| HydrologyError::BadPatternTable {
        index,
        problem,
        time_fraction: index as f64 / n.max(1) as f64,
        value,
    };
    if n == 0 {
        return Err(bad(0, "no interval fractions given", f64::NAN));
    }
    for (i, &f) in fractions.iter().enumerate() {
        if !(f.is_finite() && f >= 0.0) {
            return Err(bad(i, "interval amounts must be finite and non-negative", f));
        }
    }
    let total: f64 = fractions.iter().sum();
    if total <= 0.0 {
        return Err(bad(0, "the interval amounts sum to zero", total));
    }
    let mut table = Vec::with_capacity(n + 1);
    table.push((0.0, 0.0));
    let mut cumulative = 0.0;
    for (i, &f) in fractions.iter().enumerate() {
        cumulative += f;
        table.push(((i + 1) as f64 / n as f64, cumulative / total));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(depth_mm: f64, hours: f64) -> DepthDuration {
        DepthDuration::Fixed { depth_mm, duration_s: hours * 3600.0 }
    }

    #[test]
    fn uniform_pattern_spreads_the_depth_evenly() {
        let h = design_hyetograph(&fixed(60.0, 2.0), &Pattern::Uniform, 7200.0, None).unwrap();
        assert_eq!(h.interval_s(), 300.0);
        assert_eq!(h.depth_mm().len(), 24);
        assert!(h.depth_mm().iter().all(|&d| (d - 2.5).abs() < 1e-12));
    }

    // Goal: per-interval fractions are normalised and resampled exactly to another interval.
    #[test]
    fn interval_fractions_are_normalised_and_resampled_by_mass() {
        let p = Pattern::IntervalFractions { fractions: vec![1.0, 3.0, 2.0, 2.0] };
        let h = design_hyetograph(&fixed(80.0, 4.0), &p, 4.0 * 3600.0, Some(1800.0)).unwrap();
        let expected = [5.0, 5.0, 15.0, 15.0, 10.0, 10.0, 10.0, 10.0];
        for (d, e) in h.depth_mm().iter().zip(expected) {
            assert!((d - e).abs() < 1e-12, "{d} vs {e}");
        }
    }

    // Goal: a user mass curve given in percent is normalised and interpolated linearly. Hand:
    // rows (0, 0), (0.5, 25), (0.75, 85), (1, 100) % of 40 mm over 4 h at 1 h: 5, 5, 24, 6 mm.
    #[test]
    fn cumulative_table_in_percent_is_normalised() {
        let p = Pattern::CumulativeTable {
            rows: vec![(0.0, 0.0), (0.5, 25.0), (0.75, 85.0), (1.0, 100.0)],
        };
        let h = design_hyetograph(&fixed(40.0, 4.0), &p, 4.0 * 3600.0, Some(3600.0)).unwrap();
        for (d, e) in h.depth_mm().iter().zip([5.0, 5.0, 24.0, 6.0]) {
            assert!((d - e).abs() < 1e-12, "{d} vs {e}");
        }
    }

    #[test]
    fn malformed_tables_and_settings_are_rejected() {
        let d = fixed(50.0, 1.0);
        let bad_rows = Pattern::CumulativeTable { rows: vec![(0.0, 0.0), (0.6, 0.7), (0.5, 1.0)] };
        assert!(matches!(
            design_hyetograph(&d, &bad_rows, 3600.0, None),
            Err(HydrologyError::BadPatternTable { index: 2, .. })
        ));
        let chicago = Pattern::Chicago { peak_position: 1.5 };
        assert!(matches!(
            design_hyetograph(&d, &chicago, 3600.0, None),
            Err(HydrologyError::OutOfRange { value, .. }) if value == 1.5
        ));
        let chicago = Pattern::Chicago { peak_position: 0.4 };
        assert!(matches!(
            design_hyetograph(&d, &chicago, 3600.0, None),
            Err(HydrologyError::PatternNeedsCurve { .. })
        ));
        assert!(matches!(
            design_hyetograph(&d, &Pattern::Uniform, 3600.0, Some(700.0)),
            Err(HydrologyError::DurationNotMultipleOfInterval { .. })
        ));
        assert!(matches!(
            design_hyetograph(&d, &Pattern::Uniform, 7200.0, None),
            Err(HydrologyError::FixedDurationMismatch { .. })
        ));
        assert!(matches!(
            design_hyetograph(&fixed(50.0, 12.0), &Pattern::ScsTypeII, 43200.0, None),
            Err(HydrologyError::ScsTypeIiNeeds24h { .. })
        ));
    }
}
