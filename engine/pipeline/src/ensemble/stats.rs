//! Member table → [`EnsembleSummary`]: probabilities (each via `Probability::from_counts`, with
//! its binomial SE and Wilson 95 % interval), empirical exceedance curves, the level–return-
//! period table and the convergence of P(overtopping).
//!
//! Each member is one year's annual maximum, so a member fraction is an annual probability.
//! Everything here reads the table in index order and nothing else (besides the fixed context),
//! so merged shards give the single run's summary bit for bit (up to the timing fields
//! `threads`, `shards`, `elapsed_s`, `members_per_s`).
//!
//! - Exceedance curve of an upper-tail quantity (peak stage, peak outflow): the r-th largest
//!   value x_(r) with P = #{X ≥ x_(r)}/n (ties counted); for a lower-tail quantity (minimum
//!   freeboard, minimum beach length) the r-th smallest with P = #{X ≤ x}/n. Ranks r = 1…100
//!   (the tail, every member) and then geometrically every 5 % up to n — a few hundred points
//!   for any n.
//! - Return level of T years: the k-th most extreme member value with k = round(n/T) (≥ 1),
//!   for T in [`RETURN_PERIODS_YEARS`] up to n/10 (at least ten members beyond the level).
//! - Convergence: the running P(overtopping) over the first 10², 10³, … members and all n.

use super::{EnsembleContext, EnsembleSettings, MAX_FAILED_FRACTION, MemberOutcome, MemberTable};
use crate::PipelineError;
use tailtwin_core::assessment::{
    ConvergencePoint, EnsembleSummary, ExceedanceCurve, ExceedancePoint, Probability, ReturnLevel,
    Tail,
};

/// Return periods of the level table, years (those ≤ members/10 are reported).
pub const RETURN_PERIODS_YEARS: [f64; 16] =
    [2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6];

/// Tail ranks listed one by one in the exceedance curves.
const TAIL_RANKS: usize = 100;
/// Growth of the rank beyond the tail.
const RANK_GROWTH: f64 = 1.05;

/// The summary of `table` (the members of one run, a shard, or merged shards). More than
/// [`MAX_FAILED_FRACTION`] failed members is an error, except for a shard (`settings.shard`),
/// whose partial summary is provisional: the limit applies to the merged ensemble.
pub fn summarise(
    table: &MemberTable,
    cx: &EnsembleContext,
    settings: &EnsembleSettings,
    shards: u32,
    elapsed_s: f64,
) -> Result<EnsembleSummary, PipelineError> {
    let total = table.rows.len() as u64;
    let failed: Vec<_> = table.rows.iter().filter(|r| r.outcome.is_none()).collect();
    if settings.shard.is_none()
        && total > 0
        && failed.len() as f64 > MAX_FAILED_FRACTION * total as f64
    {
        let first = failed[0];
        return Err(PipelineError::Unsupported(format!(
            "ensemble: {} of {total} members failed (more than {} %); member {}: {}",
            failed.len(),
            100.0 * MAX_FAILED_FRACTION,
            first.index,
            first.error.as_deref().unwrap_or("no outcome")
        )));
    }
    let ok: Vec<&MemberOutcome> = table.rows.iter().filter_map(|r| r.outcome.as_ref()).collect();
    let n = ok.len() as u64;
    let count = |f: &dyn Fn(&MemberOutcome) -> bool| ok.iter().filter(|o| f(o)).count() as u64;
    let p_overtopping = Probability::from_counts(count(&|o| o.overtopped), n);
    let min_fb = cx.min_freeboard_required_m;
    let p_freeboard_below_min = Probability::from_counts(count(&|o| o.min_freeboard_m < min_fb), n);
    let p_beach_below_min = match cx.min_beach_required_m {
        Some(b) => Probability::from_counts(count(&|o| o.min_beach_length_m < b), n),
        None => Probability::from_counts(0, 0),
    };
    let p_dambreak = cx
        .dambreak_probabilistic
        .then(|| Probability::from_counts(count(&|o| o.dambreak_trigger == Some(true)), n));

    let col = |f: fn(&MemberOutcome) -> f64| ok.iter().map(|o| f(o)).collect::<Vec<f64>>();
    let stage = col(|o| o.peak_stage_m);
    let fb = col(|o| o.min_freeboard_m);
    let beach = col(|o| o.min_beach_length_m);
    let outflow = col(|o| o.peak_outflow_m3s);
    let mut curves = vec![
        curve(&stage, "peak_stage_m", "最高库水位", "Peak pond level", "m", Tail::Upper),
        curve(&fb, "min_freeboard_m", "最小安全超高", "Minimum freeboard", "m", Tail::Lower),
    ];
    if cx.min_beach_required_m.is_some() {
        curves.push(curve(
            &beach,
            "min_beach_length_m",
            "最小干滩长度",
            "Minimum dry-beach length",
            "m",
            Tail::Lower,
        ));
    }
    curves.push(curve(
        &outflow,
        "peak_outflow_m3s",
        "最大下泄流量",
        "Peak outflow",
        "m³/s",
        Tail::Upper,
    ));

    let return_levels = return_levels(&stage, &fb);
    let convergence = convergence(&ok);
    Ok(EnsembleSummary {
        members: n,
        seed: settings.seed,
        threads: settings.threads,
        shards,
        failed_members: failed.len() as u64,
        p_overtopping,
        p_freeboard_below_min,
        p_beach_below_min,
        min_freeboard_required_m: min_fb,
        min_beach_required_m: cx.min_beach_required_m,
        p_dambreak,
        dambreak_trigger: cx.dambreak_trigger.clone(),
        curves,
        return_levels,
        convergence,
        inputs: cx.inputs.clone(),
        elapsed_s,
        members_per_s: if elapsed_s > 0.0 { total as f64 / elapsed_s } else { f64::INFINITY },
    })
}

/// The ranks listed: 1…TAIL_RANKS, then ×RANK_GROWTH up to n (n itself last).
fn ranks(n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (1..=n.min(TAIL_RANKS)).collect();
    let mut r = TAIL_RANKS as f64;
    while (r as usize) < n {
        r = (r * RANK_GROWTH).ceil();
        out.push((r as usize).min(n));
    }
    out.dedup();
    out
}

fn curve(
    values: &[f64],
    quantity: &str,
    zh: &str,
    en: &str,
    units: &str,
    tail: Tail,
) -> ExceedanceCurve {
    let n = values.len();
    // Sorted from the most extreme: descending for the upper tail, ascending for the lower.
    let mut v = values.to_vec();
    match tail {
        Tail::Upper => v.sort_by(|a, b| b.total_cmp(a)),
        Tail::Lower => v.sort_by(|a, b| a.total_cmp(b)),
    }
    let mut points: Vec<ExceedancePoint> = Vec::new();
    for r in ranks(n) {
        let x = v[r - 1];
        // Members at least as extreme as x (ties included): the last position holding x.
        let beyond = match tail {
            Tail::Upper => v.partition_point(|&y| y >= x),
            Tail::Lower => v.partition_point(|&y| y <= x),
        };
        if points.last().is_some_and(|p| p.value == x) {
            continue;
        }
        let p = beyond as f64 / n as f64;
        points.push(ExceedancePoint { value: x, probability: p, return_period_years: 1.0 / p });
    }
    points.sort_by(|a, b| a.value.total_cmp(&b.value));
    ExceedanceCurve {
        quantity: quantity.into(),
        label_zh: zh.into(),
        label_en: en.into(),
        units: units.into(),
        tail,
        points,
    }
}

fn return_levels(stage: &[f64], fb: &[f64]) -> Vec<ReturnLevel> {
    let n = stage.len();
    let mut s = stage.to_vec();
    s.sort_by(|a, b| b.total_cmp(a));
    let mut f = fb.to_vec();
    f.sort_by(|a, b| a.total_cmp(b));
    RETURN_PERIODS_YEARS
        .iter()
        .filter(|&&t| t <= n as f64 / 10.0)
        .map(|&t| {
            let k = ((n as f64 / t).round() as usize).max(1);
            ReturnLevel {
                return_period_years: t,
                peak_stage_m: s[k - 1],
                min_freeboard_m: f[k - 1],
            }
        })
        .collect()
}

fn convergence(ok: &[&MemberOutcome]) -> Vec<ConvergencePoint> {
    let n = ok.len();
    let mut marks = Vec::new();
    let mut m = 100;
    while m < n {
        marks.push(m);
        m *= 10;
    }
    if n > 0 {
        marks.push(n);
    }
    let mut hits = 0u64;
    let mut out = Vec::new();
    let mut next = 0;
    for (i, o) in ok.iter().enumerate() {
        hits += u64::from(o.overtopped);
        if next < marks.len() && i + 1 == marks[next] {
            let p = Probability::from_counts(hits, (i + 1) as u64);
            out.push(ConvergencePoint {
                members: (i + 1) as u64,
                estimate: p.estimate,
                standard_error: p.standard_error,
            });
            next += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upper-tail curve of 1…10 gives P(X ≥ k) = (11 − k)/10 exactly; ties count together.
    #[test]
    fn exceedance_curve_counts_members_at_or_beyond() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let c = curve(&v, "x", "x", "x", "m", Tail::Upper);
        assert_eq!(c.points.len(), 10);
        for p in &c.points {
            assert_eq!(p.probability, (11.0 - p.value) / 10.0);
        }
        let c = curve(&[1.0, 2.0, 2.0, 3.0], "x", "x", "x", "m", Tail::Lower);
        let at2 = c.points.iter().find(|p| p.value == 2.0).unwrap();
        assert_eq!(at2.probability, 0.75);
    }

    fn row(index: u64, overtopped: Option<bool>) -> super::super::MemberRow {
        super::super::MemberRow {
            index,
            exceedance: 0.5,
            depth_mm: 10.0,
            storm_total_mm: Some(10.0),
            duration_h: 24.0,
            pattern: super::super::PatternKind::Uniform,
            peak_position: None,
            amc: None,
            initial_level_m: 0.0,
            conditions: Vec::new(),
            outcome: overtopped.map(|o| MemberOutcome {
                peak_stage_m: index as f64,
                min_freeboard_m: 1.0,
                min_beach_length_m: 100.0,
                overtopped: o,
                peak_outflow_m3s: 1.0,
                dambreak_trigger: None,
            }),
            error: overtopped.is_none().then(|| "routing: boom".to_string()),
        }
    }

    /// Failed members are counted, not dropped, and more than 1 % failed is an error naming the
    /// first failure; the probabilities are over the members that ran.
    #[test]
    fn failed_members_are_counted_and_too_many_is_an_error() {
        let cx = EnsembleContext {
            min_freeboard_required_m: 0.5,
            min_beach_required_m: Some(50.0),
            dambreak_trigger: None,
            dambreak_probabilistic: false,
            inputs: Vec::new(),
        };
        let settings = EnsembleSettings { members: 200, seed: 1, threads: 1, shard: None };
        let mut rows: Vec<_> = (0..200).map(|i| row(i, Some(i % 10 == 0))).collect();
        rows[7] = row(7, None);
        rows[8] = row(8, None);
        let table = MemberTable { blocked_structures: Vec::new(), rows };
        let s = summarise(&table, &cx, &settings, 1, 1.0).expect("1 % failed is allowed");
        assert_eq!(s.failed_members, 2);
        assert_eq!(s.p_overtopping.members, 198);
        assert_eq!(s.p_overtopping.hits, 20);
        let mut rows = table.rows.clone();
        rows[9] = row(9, None);
        let err = summarise(
            &MemberTable { blocked_structures: Vec::new(), rows },
            &cx,
            &settings,
            1,
            1.0,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("3 of 200 members failed") && err.contains("member 7: routing: boom"),
            "{err}"
        );
        // A shard's summary is provisional: the limit applies when the shards are merged.
        let shard = EnsembleSettings { shard: Some((0, 2)), ..settings };
        let mut rows = table.rows.clone();
        rows[9] = row(9, None);
        let t = MemberTable { blocked_structures: Vec::new(), rows };
        assert_eq!(summarise(&t, &cx, &shard, 1, 1.0).unwrap().failed_members, 3);
    }

    /// The listed ranks cover the tail one by one, then grow geometrically, ending at n.
    #[test]
    fn ranks_cover_tail_then_grow_to_n() {
        let r = ranks(100_000);
        assert_eq!(&r[..100], &(1..=100).collect::<Vec<_>>()[..]);
        assert_eq!(*r.last().unwrap(), 100_000);
        assert!(r.len() < 300, "{}", r.len());
        assert!(r.windows(2).all(|w| w[0] < w[1]));
    }
}
