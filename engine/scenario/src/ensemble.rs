//! `[ensemble]`: the uncertain inputs of a Monte-Carlo flood ensemble (one member = one year's
//! annual-maximum storm), validated into an [`EnsembleSpec`].
//!
//! ```toml
//! [ensemble]
//! members = 10000                  # default for `tailtwin ensemble` without --members
//! seed = 42
//! depth = { distribution = "pearson3" }      # default: [storm] atlas H̄24, Cv, Cs/Cv
//! # depth = { distribution = "exponential", mean_mm = 80.0 }
//! # depth = { distribution = "gumbel", location_mm = 100.0, scale_mm = 30.0 }
//! # depth = { distribution = "lognormal", median_mm = 100.0, sigma_log = 0.4 }
//! durations_h = [6.0, 12.0, 24.0]            # default: the [storm] duration
//! duration_weights = [0.2, 0.3, 0.5]         # default: equal
//! patterns = ["chicago", "scs_type_ii", "uniform"]   # or "scenario" (the [storm] pattern)
//! pattern_weights = [0.6, 0.2, 0.2]
//! chicago_peak_range = [0.3, 0.5]            # Chicago peak position, uniform
//! amc = { i = 0.2, ii = 0.6, iii = 0.2 }     # antecedent condition probabilities (SCS-CN)
//! initial_level = { sd_m = 0.3, min_m = 367.5, max_m = 369.0 }   # mean_m: pond.initial_level
//! blockage = [{ structure = "tower-1", probability = 0.1, blocked_fraction = [0.2, 0.6] }]
//! ```
//!
//! Every key is optional; without `[ensemble]` the pipeline uses the same defaults (the atlas
//! storm of `[storm]` sampled as an annual maximum, its duration and pattern, nothing else
//! varied). Weights must be non-negative and sum to 1 (within 10⁻⁶, the rounding of decimals
//! written in a file); lists and their weights must have the same length.

use crate::error::Problems;
use crate::model::{PondSpec, StormSpec, StructureSpec};
use serde::Deserialize;
use tailtwin_core::Elevation;

/// Tolerance on a sum of probabilities written as decimals in the file.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;

/// `[ensemble]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnsemble {
    pub members: Option<u64>,
    pub seed: Option<u64>,
    pub depth: Option<RawDepthDistribution>,
    pub durations_h: Option<Vec<f64>>,
    pub duration_weights: Option<Vec<f64>>,
    pub patterns: Option<Vec<String>>,
    pub pattern_weights: Option<Vec<f64>>,
    pub chicago_peak_range: Option<[f64; 2]>,
    pub amc: Option<RawAmcProbabilities>,
    pub initial_level: Option<RawInitialLevel>,
    #[serde(default)]
    pub blockage: Vec<RawBlockage>,
}

/// Storm depth distribution as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawDepthDistribution {
    Pearson3 { mean_24h_mm: Option<f64>, cv: Option<f64>, cs_over_cv: Option<f64> },
    Exponential { mean_mm: f64 },
    Gumbel { location_mm: f64, scale_mm: f64 },
    Lognormal { median_mm: f64, sigma_log: f64 },
}

/// AMC class probabilities as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAmcProbabilities {
    pub i: f64,
    pub ii: f64,
    pub iii: f64,
}

/// Initial pond level distribution as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitialLevel {
    pub mean_m: Option<f64>,
    pub sd_m: f64,
    pub min_m: Option<f64>,
    pub max_m: Option<f64>,
}

/// One structure's blockage as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBlockage {
    pub structure: String,
    pub probability: f64,
    pub blocked_fraction: [f64; 2],
}

/// Annual-maximum storm depth distribution (validated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DepthDistribution {
    /// Pearson III of the 24 h depth; with an atlas `[storm]` the member's storm is the atlas
    /// storm at the sampled return period (its decay indices give the depth of shorter
    /// durations); otherwise the sampled value is the depth of the member's storm duration.
    Pearson3 { mean_24h_mm: f64, cv: f64, cs_over_cv: f64 },
    /// Exponential with mean μ: P(D > d) = exp(−d/μ). The depth of the member's storm.
    Exponential { mean_mm: f64 },
    /// Gumbel (EV1): P(D ≤ d) = exp(−exp(−(d − u)/α)).
    Gumbel { location_mm: f64, scale_mm: f64 },
    /// Lognormal: ln D ~ N(ln median, σ²).
    Lognormal { median_mm: f64, sigma_log: f64 },
}

/// A temporal pattern the ensemble may draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternChoice {
    /// The `[storm]` pattern as given (its Chicago peak position is replaced by a draw when
    /// `chicago_peak_range` is given).
    Scenario,
    Chicago,
    ScsTypeII,
    Uniform,
}

/// Truncated normal initial pond level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitialLevelSpec {
    /// None: the pond's start level (checked against the bounds when the ensemble runs).
    pub mean: Option<Elevation>,
    pub sd_m: f64,
    pub min: Elevation,
    pub max: Elevation,
}

/// A structure that may be blocked: with `probability` its condition factor is multiplied by
/// (1 − b), b uniform in `blocked_fraction`.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockageSpec {
    /// Index into `Scenario::structures`.
    pub structure: usize,
    pub id: String,
    pub probability: f64,
    pub blocked_fraction: (f64, f64),
}

/// `[ensemble]`, validated. `Default` = no `[ensemble]` section (everything from the storm).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnsembleSpec {
    pub members: Option<u64>,
    pub seed: Option<u64>,
    /// None: the atlas P-III of `[storm]` (the pipeline refuses a non-atlas storm then).
    pub depth: Option<DepthDistribution>,
    /// (duration s, weight); empty: the `[storm]` duration.
    pub durations: Vec<(f64, f64)>,
    /// (pattern, weight); empty: the `[storm]` pattern.
    pub patterns: Vec<(PatternChoice, f64)>,
    pub chicago_peak_range: Option<(f64, f64)>,
    /// P(AMC I), P(AMC II), P(AMC III).
    pub amc: Option<[f64; 3]>,
    pub initial_level: Option<InitialLevelSpec>,
    pub blockage: Vec<BlockageSpec>,
}

/// Checks weights (non-negative, summing to 1) for `n` items; None → equal weights.
fn weights(key: &str, w: Option<&[f64]>, n: usize, p: &mut Problems) -> Option<Vec<f64>> {
    let Some(w) = w else { return Some(vec![1.0 / n as f64; n]) };
    if w.len() != n {
        p.push(key, format!("{} weights for {n} items: give one weight per item", w.len()));
        return None;
    }
    let before = p.len();
    for (i, &x) in w.iter().enumerate() {
        p.non_negative(&format!("{key}[{i}]"), x);
    }
    if p.len() > before {
        return None;
    }
    let sum: f64 = w.iter().sum();
    if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
        p.push(key, format!("the probabilities sum to {sum}, not 1"));
        return None;
    }
    Some(w.to_vec())
}

/// Validates `[ensemble]`: its own values, the structure ids it names, the bounds of the start
/// level against the pond, and the durations against an atlas storm. What depends on the rest
/// of the scenario in ways other edits may change (an observed storm, a non-atlas storm without
/// `depth`, AMC without SCS-CN, a default mean level outside the bounds) is checked when the
/// ensemble runs (`pipeline::ensemble`), so that a scenario keeping its `[ensemble]` stays valid
/// for the other commands.
pub(crate) fn ensemble(
    r: &RawEnsemble,
    storm: Option<&StormSpec>,
    pond: Option<&PondSpec>,
    structures: &[StructureSpec],
    p: &mut Problems,
) -> Option<EnsembleSpec> {
    let before = p.len();
    if r.members == Some(0) {
        p.push("ensemble.members", "0: an ensemble needs at least one member");
    }
    let atlas = matches!(
        storm,
        Some(StormSpec::Design { depth: crate::model::DepthSpec::Atlas { .. }, .. })
    );
    let depth = match &r.depth {
        None => None,
        Some(RawDepthDistribution::Pearson3 { mean_24h_mm, cv, cs_over_cv }) => {
            let from_storm = match storm {
                Some(StormSpec::Design {
                    depth: crate::model::DepthSpec::Atlas { mean_24h_mm, cv, cs_over_cv, .. },
                    ..
                }) => Some((*mean_24h_mm, *cv, *cs_over_cv)),
                _ => None,
            };
            let mean = mean_24h_mm.or(from_storm.map(|f| f.0));
            let cv = cv.or(from_storm.map(|f| f.1));
            let cs = cs_over_cv.or(from_storm.map(|f| f.2));
            match (mean, cv, cs) {
                (Some(m), Some(cv), Some(cs)) => {
                    let m = p.positive("ensemble.depth.mean_24h_mm", m);
                    let cv = p.in_range_open_low("ensemble.depth.cv", cv, 0.0, 5.0);
                    let cs = p.in_range("ensemble.depth.cs_over_cv", cs, 0.0, 20.0);
                    match (m, cv, cs) {
                        (Some(mean_24h_mm), Some(cv), Some(cs_over_cv)) => {
                            Some(DepthDistribution::Pearson3 { mean_24h_mm, cv, cs_over_cv })
                        }
                        _ => None,
                    }
                }
                _ => {
                    p.push(
                        "ensemble.depth",
                        "pearson3 needs mean_24h_mm, cv and cs_over_cv (or an atlas [storm])",
                    );
                    None
                }
            }
        }
        Some(RawDepthDistribution::Exponential { mean_mm }) => p
            .positive("ensemble.depth.mean_mm", *mean_mm)
            .map(|mean_mm| DepthDistribution::Exponential { mean_mm }),
        Some(RawDepthDistribution::Gumbel { location_mm, scale_mm }) => {
            let l = p.finite("ensemble.depth.location_mm", *location_mm);
            let s = p.positive("ensemble.depth.scale_mm", *scale_mm);
            l.zip(s)
                .map(|(location_mm, scale_mm)| DepthDistribution::Gumbel { location_mm, scale_mm })
        }
        Some(RawDepthDistribution::Lognormal { median_mm, sigma_log }) => {
            let m = p.positive("ensemble.depth.median_mm", *median_mm);
            let s = p.non_negative("ensemble.depth.sigma_log", *sigma_log);
            m.zip(s)
                .map(|(median_mm, sigma_log)| DepthDistribution::Lognormal { median_mm, sigma_log })
        }
    };

    let durations = match &r.durations_h {
        None => {
            if r.duration_weights.is_some() {
                p.push("ensemble.duration_weights", "given without durations_h");
            }
            Vec::new()
        }
        Some(d) if d.is_empty() => {
            p.push("ensemble.durations_h", "empty: give at least one duration or leave it out");
            Vec::new()
        }
        Some(d) => {
            let interval = match storm {
                Some(StormSpec::Design { interval_s, .. }) => Some(*interval_s),
                _ => None,
            };
            let mut ok = Vec::new();
            for (i, &h) in d.iter().enumerate() {
                let key = format!("ensemble.durations_h[{i}]");
                if let Some(h) = p.positive(&key, h) {
                    if atlas
                        && depth.is_none_or(|d| matches!(d, DepthDistribution::Pearson3 { .. }))
                        && h > 24.0
                    {
                        p.push(&key, format!("{h} h: the atlas depth–duration curve ends at 24 h"));
                    }
                    if let Some(dt) = interval
                        && h * 3600.0 < dt
                    {
                        p.push(
                            &key,
                            format!("{h} h is shorter than the storm interval {} min", dt / 60.0),
                        );
                    }
                    ok.push(h * 3600.0);
                }
            }
            match weights("ensemble.duration_weights", r.duration_weights.as_deref(), d.len(), p) {
                Some(w) if ok.len() == d.len() => ok.into_iter().zip(w).collect(),
                _ => Vec::new(),
            }
        }
    };

    let patterns = match &r.patterns {
        None => {
            if r.pattern_weights.is_some() {
                p.push("ensemble.pattern_weights", "given without patterns");
            }
            Vec::new()
        }
        Some(list) if list.is_empty() => {
            p.push("ensemble.patterns", "empty: give at least one pattern or leave it out");
            Vec::new()
        }
        Some(list) => {
            let mut ok = Vec::new();
            for (i, name) in list.iter().enumerate() {
                match name.as_str() {
                    "scenario" => ok.push(PatternChoice::Scenario),
                    "chicago" => ok.push(PatternChoice::Chicago),
                    "scs_type_ii" => ok.push(PatternChoice::ScsTypeII),
                    "uniform" => ok.push(PatternChoice::Uniform),
                    other => p.push(
                        format!("ensemble.patterns[{i}]"),
                        format!(
                            "unknown pattern `{other}` (scenario, chicago, scs_type_ii, uniform)"
                        ),
                    ),
                }
            }
            match weights("ensemble.pattern_weights", r.pattern_weights.as_deref(), list.len(), p) {
                Some(w) if ok.len() == list.len() => ok.into_iter().zip(w).collect(),
                _ => Vec::new(),
            }
        }
    };
    let storm_duration = match storm {
        Some(StormSpec::Design { duration_s, .. }) => Some(*duration_s),
        _ => None,
    };
    let all_durations: Vec<f64> = if durations.is_empty() {
        storm_duration.into_iter().collect()
    } else {
        durations.iter().map(|d| d.0).collect()
    };
    if let Some(i) = patterns.iter().position(|(c, _)| *c == PatternChoice::ScsTypeII)
        && let Some(d) = all_durations.iter().find(|&&d| (d - 24.0 * 3600.0).abs() > 1e-6)
    {
        p.push(
            format!("ensemble.patterns[{i}]"),
            format!("scs_type_ii is a 24 h distribution; a {} h duration is drawn", d / 3600.0),
        );
    }
    let storm_is_chicago = matches!(
        storm,
        Some(StormSpec::Design { pattern: crate::model::PatternSpec::Chicago { .. }, .. })
    );
    let chicago_peak_range = match r.chicago_peak_range {
        Some([lo, hi]) => {
            let key = "ensemble.chicago_peak_range";
            let a = p.in_range(&format!("{key}[0]"), lo, 0.0, 1.0);
            let b = p.in_range(&format!("{key}[1]"), hi, 0.0, 1.0);
            match (a, b) {
                (Some(a), Some(b)) if a <= b => Some((a, b)),
                (Some(a), Some(b)) => {
                    p.push(key, format!("[{a}, {b}]: the low end is above the high end"));
                    None
                }
                _ => None,
            }
        }
        None => None,
    };
    if patterns.iter().any(|(c, _)| *c == PatternChoice::Chicago)
        && chicago_peak_range.is_none()
        && !storm_is_chicago
    {
        p.push(
            "ensemble.chicago_peak_range",
            "missing: `chicago` is drawn but [storm] has no Chicago peak position to reuse",
        );
    }

    let amc = r.amc.as_ref().and_then(|a| {
        let w = weights("ensemble.amc", Some(&[a.i, a.ii, a.iii]), 3, p)?;
        Some([w[0], w[1], w[2]])
    });

    let initial_level = match (&r.initial_level, pond) {
        (Some(l), Some(pond)) => initial_level(l, pond, p),
        _ => None,
    };

    let mut blockage = Vec::new();
    for (i, b) in r.blockage.iter().enumerate() {
        let key = format!("ensemble.blockage[{i}]");
        let Some(index) = structures.iter().position(|s| s.id == b.structure) else {
            p.push(format!("{key}.structure"), format!("unknown structure id `{}`", b.structure));
            continue;
        };
        if blockage.iter().any(|x: &BlockageSpec| x.structure == index) {
            p.push(format!("{key}.structure"), format!("`{}` is listed twice", b.structure));
            continue;
        }
        let prob = p.in_range(&format!("{key}.probability"), b.probability, 0.0, 1.0);
        let lo = p.in_range(&format!("{key}.blocked_fraction[0]"), b.blocked_fraction[0], 0.0, 1.0);
        let hi = p.in_range(&format!("{key}.blocked_fraction[1]"), b.blocked_fraction[1], 0.0, 1.0);
        if let (Some(prob), Some(lo), Some(hi)) = (prob, lo, hi) {
            if lo > hi {
                p.push(
                    format!("{key}.blocked_fraction"),
                    format!("[{lo}, {hi}]: the low end is above the high end"),
                );
                continue;
            }
            blockage.push(BlockageSpec {
                structure: index,
                id: b.structure.clone(),
                probability: prob,
                blocked_fraction: (lo, hi),
            });
        }
    }

    (p.len() == before).then_some(EnsembleSpec {
        members: r.members,
        seed: r.seed,
        depth,
        durations,
        patterns,
        chicago_peak_range,
        amc,
        initial_level,
        blockage,
    })
}

fn initial_level(
    l: &RawInitialLevel,
    pond: &PondSpec,
    p: &mut Problems,
) -> Option<InitialLevelSpec> {
    let k = "ensemble.initial_level";
    let before = p.len();
    let sd = p.non_negative(&format!("{k}.sd_m"), l.sd_m);
    let mean = l.mean_m.map(|m| p.finite(&format!("{k}.mean_m"), m));
    let min = p.finite(&format!("{k}.min_m"), l.min_m.unwrap_or(pond.bottom.m()));
    let max = p.finite(&format!("{k}.max_m"), l.max_m.unwrap_or(pond.crest.m()));
    let (Some(sd_m), Some(min), Some(max)) = (sd, min, max) else {
        return None;
    };
    // NaN: not given (the pond's start level, checked when the ensemble runs).
    let mean = mean.unwrap_or(Some(f64::NAN))?;
    if min < pond.bottom.m() {
        p.push(format!("{k}.min_m"), format!("{min} is below the pond bottom {}", pond.bottom.m()));
    }
    if max > pond.crest.m() {
        p.push(format!("{k}.max_m"), format!("{max} is above the dam crest {}", pond.crest.m()));
    }
    if min >= max {
        p.push(k, format!("min_m {min} is not below max_m {max}"));
    } else if !mean.is_nan() && !(min..=max).contains(&mean) {
        p.push(format!("{k}.mean_m"), format!("{mean} is outside [min_m, max_m] = [{min}, {max}]"));
    }
    (p.len() == before).then_some(InitialLevelSpec {
        mean: (!mean.is_nan()).then_some(Elevation(mean)),
        sd_m,
        min: Elevation(min),
        max: Elevation(max),
    })
}
