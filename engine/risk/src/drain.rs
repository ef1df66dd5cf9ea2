//! How long a routed flood takes to leave the pond: the quantity of the dry-stack 72 h rule
//! (GB 39496 §6.4.4: a dry-stack pond must not store water; each flood is discharged within 72 h).
//!
//! The stored flood volume is the storage above the routing start level, W(t) = S(t) − S(0). The
//! flood counts as discharged once W falls to `residual_fraction` × max W and stays there to the end
//! of the run. The code gives no tolerance, but one is needed: with a weir or orifice at the start
//! level the drawdown only approaches it asymptotically (for a weir h ∝ t⁻² at late times), so
//! "exactly empty" is never reached. The clock starts at the end of the storm where known, else at
//! the time of peak stage (later than the storm's end is never assumed).

use serde::{Deserialize, Serialize};
use tailtwin_core::RoutedPond;

use crate::error::RiskError;

/// Outcome of the drain-time measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum DrainTime {
    /// The flood never raised the pond above its start level.
    NothingStored,
    /// Discharged `duration_s` after the clock start (0 when already down at the start).
    Drained { duration_s: f64, peak_flood_volume_m3: f64 },
    /// Still above the residual at the end of the run, `observed_s` after the clock start.
    NotDrainedByEndOfRun { observed_s: f64, remaining_m3: f64, peak_flood_volume_m3: f64 },
}

/// Measures the drain time of `routed` from `clock_start_s`.
pub fn drain_time(
    routed: &RoutedPond,
    clock_start_s: f64,
    residual_fraction: f64,
) -> Result<DrainTime, RiskError> {
    let (t, s) = (&routed.time_s, &routed.storage_m3);
    if t.len() != s.len() || t.is_empty() {
        return Err(RiskError::InconsistentRoutedPond(format!(
            "{} times but {} storage values",
            t.len(),
            s.len()
        )));
    }
    if let Some(i) = (0..t.len()).find(|&i| !t[i].is_finite() || !s[i].is_finite()) {
        return Err(RiskError::InconsistentRoutedPond(format!(
            "sample {i} is not finite (t = {} s, storage = {} m³)",
            t[i], s[i]
        )));
    }
    if let Some(i) = (1..t.len()).find(|&i| t[i] <= t[i - 1]) {
        return Err(RiskError::InconsistentRoutedPond(format!(
            "time must increase: t[{i}] = {} s follows {} s",
            t[i],
            t[i - 1]
        )));
    }
    if !(residual_fraction.is_finite() && (0.0..1.0).contains(&residual_fraction)) {
        return Err(RiskError::InvalidInput {
            field: "drain_residual_fraction",
            value: residual_fraction,
            requirement: "must lie in [0, 1)",
        });
    }
    if !clock_start_s.is_finite() {
        return Err(RiskError::InvalidInput {
            field: "storm_end_s",
            value: clock_start_s,
            requirement: "must be finite",
        });
    }

    let flood: Vec<f64> = s.iter().map(|&v| v - s[0]).collect();
    let peak = flood.iter().copied().fold(0.0, f64::max);
    if peak <= 0.0 {
        return Ok(DrainTime::NothingStored);
    }
    let threshold = residual_fraction * peak;
    let last = t.len() - 1;
    if flood[last] > threshold {
        return Ok(DrainTime::NotDrainedByEndOfRun {
            observed_s: (t[last] - clock_start_s).max(0.0),
            remaining_m3: flood[last],
            peak_flood_volume_m3: peak,
        });
    }
    // Last sample above the residual; the pond is down from the linear crossing after it onwards.
    let i = (0..last)
        .rev()
        .find(|&i| flood[i] > threshold)
        .unwrap_or_else(|| panic!("peak {peak} > threshold {threshold} lies in the series"));
    let frac = (flood[i] - threshold) / (flood[i] - flood[i + 1]);
    let crossing = t[i] + frac * (t[i + 1] - t[i]);
    Ok(DrainTime::Drained {
        duration_s: (crossing - clock_start_s).max(0.0),
        peak_flood_volume_m3: peak,
    })
}
