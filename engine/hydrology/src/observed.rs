//! Observed rainfall: gauge records → a [`Hyetograph`] on a fixed interval.
//!
//! Convention: a record (t_i, d_i) is the depth accumulated over the period that *ends* at t_i,
//! i.e. (t_{i−1}, t_i] — how tipping-bucket loggers and hourly gauge reports are written. The first
//! record's period is [`ObservedSettings::first_period_s`], or else the first spacing t₁ − t₀.
//! Within its period a record's depth is spread uniformly (or over only the last
//! [`ObservedSettings::max_spread_s`] of it, the rest dry — for event loggers whose long gaps are
//! dry spells), then integrated over the output intervals. Depth is conserved exactly; irregular
//! spacing needs no special case. The output grid is aligned to whole multiples of the interval
//! from t = 0 so that it lines up with the routing clock.

use crate::error::{HydrologyError, check_positive};
use serde::{Deserialize, Serialize};
use tailtwin_core::Hyetograph;

/// One gauge record: depth (mm) accumulated in the period ending at `time_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RainRecord {
    /// End of the accumulation period, s from the scenario start.
    pub time_s: f64,
    pub depth_mm: f64,
}

/// How gauge records are put on the hyetograph's grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ObservedSettings {
    /// Output interval, s.
    pub interval_s: f64,
    /// Accumulation period of the first record, s (default: the first spacing; with a single
    /// record, the interval).
    pub first_period_s: Option<f64>,
    /// Spread a record over at most this long before its time stamp, s (default: its whole
    /// period).
    pub max_spread_s: Option<f64>,
}

impl ObservedSettings {
    /// Whole-period spreading on the given interval.
    pub fn with_interval(interval_s: f64) -> Self {
        Self { interval_s, first_period_s: None, max_spread_s: None }
    }
}

/// Builds a hyetograph from gauge records (see the module documentation for the convention).
pub fn observed_hyetograph(
    records: &[RainRecord],
    settings: &ObservedSettings,
) -> Result<Hyetograph, HydrologyError> {
    let interval = check_positive("observed-rain interval (s)", settings.interval_s)?;
    let bad = |index: usize, problem: &'static str| {
        let r = records
            .get(index)
            .copied()
            .unwrap_or(RainRecord { time_s: f64::NAN, depth_mm: f64::NAN });
        HydrologyError::BadRainRecord { index, problem, time_s: r.time_s, depth_mm: r.depth_mm }
    };
    if records.is_empty() {
        return Err(bad(0, "no rain records"));
    }
    for (i, r) in records.iter().enumerate() {
        if !r.time_s.is_finite() || !r.depth_mm.is_finite() {
            return Err(bad(i, "not finite"));
        }
        if r.depth_mm < 0.0 {
            return Err(bad(i, "negative depth"));
        }
        if i > 0 && r.time_s <= records[i - 1].time_s {
            return Err(bad(i, "time stamps must increase strictly"));
        }
    }
    let first_period = match settings.first_period_s {
        Some(p) => check_positive("first record period (s)", p)?,
        None if records.len() > 1 => records[1].time_s - records[0].time_s,
        None => interval,
    };
    let max_spread = match settings.max_spread_s {
        Some(s) => check_positive("maximum spreading period (s)", s)?,
        None => f64::INFINITY,
    };
    // Wet span of each record: [end − min(period, max_spread), end].
    let spans: Vec<(f64, f64, f64)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let period = if i == 0 { first_period } else { r.time_s - records[i - 1].time_s };
            (r.time_s - period.min(max_spread), r.time_s, r.depth_mm)
        })
        .collect();
    let start = ((records[0].time_s - first_period) / interval).floor() * interval;
    let end = (records[records.len() - 1].time_s / interval).ceil() * interval;
    let count = (((end - start) / interval).round() as usize).max(1);
    let mut depths = vec![0.0; count];
    for &(lo, hi, depth) in &spans {
        if depth == 0.0 {
            continue;
        }
        let rate = depth / (hi - lo);
        let first = (((lo - start) / interval).floor().max(0.0) as usize).min(count - 1);
        let last = (((hi - start) / interval).ceil() as usize).clamp(first + 1, count);
        for (k, slot) in depths.iter_mut().enumerate().take(last).skip(first) {
            let bin_lo = start + k as f64 * interval;
            let overlap = hi.min(bin_lo + interval) - lo.max(bin_lo);
            if overlap > 0.0 {
                *slot += rate * overlap;
            }
        }
    }
    Ok(Hyetograph::new(start, interval, depths)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(time_s: f64, depth_mm: f64) -> RainRecord {
        RainRecord { time_s, depth_mm }
    }

    #[test]
    fn regular_hourly_records_map_one_to_one() {
        let records = [rec(3600.0, 2.0), rec(7200.0, 5.0), rec(10800.0, 0.0), rec(14400.0, 1.0)];
        let h = observed_hyetograph(&records, &ObservedSettings::with_interval(3600.0)).unwrap();
        assert_eq!(h.start_s(), 0.0);
        assert_eq!(h.depth_mm(), &[2.0, 5.0, 0.0, 1.0]);
    }

    // Goal: irregular records are spread over their periods and the total is conserved.
    // Hand: records at 600 s (first period 600 s) 3 mm, 1500 s 9 mm, 1800 s 1.5 mm on 900 s
    // bins: bin [0, 900): 3 + 9·300/900 = 6; bin [900, 1800): 9·600/900 + 1.5 = 7.5.
    #[test]
    fn irregular_records_are_spread_by_overlap_and_conserve_depth() {
        let records = [rec(600.0, 3.0), rec(1500.0, 9.0), rec(1800.0, 1.5)];
        let settings =
            ObservedSettings { interval_s: 900.0, first_period_s: Some(600.0), max_spread_s: None };
        let h = observed_hyetograph(&records, &settings).unwrap();
        assert_eq!(h.depth_mm().len(), 2);
        assert!((h.depth_mm()[0] - 6.0).abs() < 1e-12);
        assert!((h.depth_mm()[1] - 7.5).abs() < 1e-12);
        assert!((h.total_mm() - 13.5).abs() < 1e-12);
    }

    #[test]
    fn max_spread_keeps_long_gaps_dry() {
        // 4 mm reported at 4 h after a 3 h silence; spread over the last 30 min only.
        let records = [rec(3600.0, 1.0), rec(14400.0, 4.0)];
        let settings = ObservedSettings {
            interval_s: 1800.0,
            first_period_s: Some(3600.0),
            max_spread_s: Some(1800.0),
        };
        let h = observed_hyetograph(&records, &settings).unwrap();
        assert_eq!(h.depth_mm(), &[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0]);
    }

    #[test]
    fn bad_records_are_rejected_with_their_index() {
        let s = ObservedSettings::with_interval(600.0);
        assert!(matches!(
            observed_hyetograph(&[rec(0.0, 1.0), rec(0.0, 1.0)], &s),
            Err(HydrologyError::BadRainRecord { index: 1, .. })
        ));
        assert!(matches!(
            observed_hyetograph(&[rec(0.0, -1.0)], &s),
            Err(HydrologyError::BadRainRecord { index: 0, .. })
        ));
        assert!(matches!(
            observed_hyetograph(&[rec(0.0, f64::NAN)], &s),
            Err(HydrologyError::BadRainRecord { index: 0, .. })
        ));
        assert!(observed_hyetograph(&[], &s).is_err());
    }
}
