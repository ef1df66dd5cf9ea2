//! Quality control of accepted observations: flag, never delete.
//!
//! Rules, applied to a sensor's whole series in time order (so an out-of-order row is judged
//! against its true neighbours, and a late row re-judges them):
//! - **range**: v < min or v > max.
//! - **rate**: |v − v_ref| / (t − t_ref) > max_rate, where (t_ref, v_ref) is the last earlier
//!   reading without a range or rate flag. Comparing with the last good reading flags a one-sample
//!   spike once (not its return too); a real step stops being flagged once the elapsed time makes
//!   the change plausible.
//! - **stuck**: a run of bit-identical consecutive readings whose time span reaches
//!   `stuck_after_s` is flagged whole.

use crate::error::TwinError;
use crate::model::QualityLimits;
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

/// Bit of the range flag in `observations.flags`.
pub const FLAG_RANGE: i64 = 1;
/// Bit of the rate-of-change flag.
pub const FLAG_RATE: i64 = 2;
/// Bit of the stuck-sensor flag.
pub const FLAG_STUCK: i64 = 4;
/// Flags that keep a reading out of alarm evaluation.
pub const FLAGS_IMPLAUSIBLE: i64 = FLAG_RANGE | FLAG_RATE;

const NAMES: [(i64, &str); 3] = [(FLAG_RANGE, "range"), (FLAG_RATE, "rate"), (FLAG_STUCK, "stuck")];

/// Flags of a series `(t_ms, value)` sorted by time, with a detail sentence per set flag.
pub(crate) fn flags(series: &[(i64, f64)], q: &QualityLimits) -> Vec<(i64, Vec<(i64, String)>)> {
    let mut out: Vec<(i64, Vec<(i64, String)>)> = vec![(0, Vec::new()); series.len()];
    let mut last_good: Option<(i64, f64)> = None;
    for (i, &(t, v)) in series.iter().enumerate() {
        let (mask, details) = &mut out[i];
        if let Some(lo) = q.min
            && v < lo
        {
            *mask |= FLAG_RANGE;
            details.push((FLAG_RANGE, format!("{v} < min {lo}")));
        }
        if let Some(hi) = q.max
            && v > hi
        {
            *mask |= FLAG_RANGE;
            details.push((FLAG_RANGE, format!("{v} > max {hi}")));
        }
        if *mask & FLAG_RANGE == 0 {
            if let (Some(max_rate), Some((t0, v0))) = (q.max_rate_per_s, last_good) {
                let dt = (t - t0) as f64 / 1000.0;
                let rate = (v - v0).abs() / dt;
                if rate > max_rate {
                    *mask |= FLAG_RATE;
                    details.push((
                        FLAG_RATE,
                        format!(
                            "|Δ| {:.6} over {dt} s = {rate:.3e}/s > {max_rate:.3e}/s",
                            (v - v0).abs()
                        ),
                    ));
                }
            }
            if *mask & FLAG_RATE == 0 {
                last_good = Some((t, v));
            }
        }
    }
    if let Some(stuck_s) = q.stuck_after_s {
        let stuck_ms = stuck_s * 1000.0;
        let mut start = 0;
        for i in 1..=series.len() {
            let run_ends = i == series.len() || series[i].1.to_bits() != series[start].1.to_bits();
            if run_ends {
                let span = (series[i - 1].0 - series[start].0) as f64;
                if i - start > 1 && span >= stuck_ms {
                    for (mask, details) in &mut out[start..i] {
                        *mask |= FLAG_STUCK;
                        details.push((
                            FLAG_STUCK,
                            format!("{} identical readings over {} s", i - start, span / 1000.0),
                        ));
                    }
                }
                start = i;
            }
        }
    }
    out
}

/// Re-judges every stored observation of sensor `sid`; writes only what changed. Returns, per flag
/// name, how many readings newly carry it.
pub(crate) fn recompute(
    conn: &Connection,
    sid: i64,
    q: &QualityLimits,
) -> Result<BTreeMap<String, u64>, TwinError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t_ms, value, flags FROM observations WHERE sid = ?1 ORDER BY t_ms",
    )?;
    let mut series = Vec::new();
    let mut old = Vec::new();
    for row in stmt
        .query_map([sid], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?, r.get::<_, i64>(2)?)))?
    {
        let (t, v, f) = row?;
        series.push((t, v));
        old.push(f);
    }
    let new = flags(&series, q);
    let mut newly = BTreeMap::new();
    let mut set_flags =
        conn.prepare_cached("UPDATE observations SET flags = ?3 WHERE sid = ?1 AND t_ms = ?2")?;
    let mut clear =
        conn.prepare_cached("DELETE FROM quality_flags WHERE sid = ?1 AND t_ms = ?2")?;
    let mut add = conn.prepare_cached(
        "INSERT INTO quality_flags(sid, t_ms, flag, detail) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, (mask, details)) in new.iter().enumerate() {
        if *mask == old[i] {
            continue;
        }
        let t = series[i].0;
        set_flags.execute(params![sid, t, mask])?;
        clear.execute(params![sid, t])?;
        for (bit, detail) in details {
            let name = NAMES.iter().find(|(b, _)| b == bit).map(|(_, n)| *n).unwrap_or("range");
            add.execute(params![sid, t, name, detail])?;
            if old[i] & bit == 0 {
                *newly.entry(name.to_string()).or_insert(0) += 1;
            }
        }
    }
    Ok(newly)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> QualityLimits {
        QualityLimits {
            min: Some(0.0),
            max: Some(10.0),
            max_rate_per_s: Some(0.01),
            stuck_after_s: Some(300.0),
        }
    }

    #[test]
    fn a_spike_is_flagged_once_and_its_neighbours_stay_clean() {
        // 60 s steps, slow drift, one 5-unit spike at index 3.
        let s: Vec<(i64, f64)> = (0..8)
            .map(|i| (i * 60_000, 1.0 + 0.001 * i as f64 + if i == 3 { 5.0 } else { 0.0 }))
            .collect();
        let f = flags(&s, &q());
        let masks: Vec<i64> = f.iter().map(|x| x.0).collect();
        assert_eq!(masks, vec![0, 0, 0, FLAG_RATE, 0, 0, 0, 0]);
    }

    #[test]
    fn out_of_range_and_stuck_runs() {
        let mut s: Vec<(i64, f64)> =
            (0..10).map(|i| (i * 60_000, 2.0 + 0.0001 * i as f64)).collect();
        s[2].1 = -1.0; // range (and not used as a rate reference)
        for p in s.iter_mut().skip(4) {
            p.1 = 2.3; // 6 identical readings over 300 s: stuck; the step 0.2997/60 s is plausible
        }
        let f = flags(&s, &q());
        let masks: Vec<i64> = f.iter().map(|x| x.0).collect();
        assert_eq!(
            masks,
            vec![
                0, 0, FLAG_RANGE, 0, FLAG_STUCK, FLAG_STUCK, FLAG_STUCK, FLAG_STUCK, FLAG_STUCK,
                FLAG_STUCK
            ]
        );
    }
}
