//! What one member draws, and the member's scenario built from the draw.
//!
//! Member `i` draws from its own ChaCha8 stream seeded by `splitmix64(seed, i)` only, in a fixed
//! order (depth, duration, pattern, peak position, AMC, initial level, then two numbers per
//! blockage entry), so a member's inputs never depend on the thread count, on the shard, or on
//! which optional inputs another member used.
//!
//! Every distribution is sampled by inverting its CDF with a uniform u in the open interval
//! (0, 1): the depth's exceedance probability q = u gives the annual-maximum depth directly, and
//! 1/q is the member's return period.

use crate::PipelineError;
use rand::RngCore;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use tailtwin_core::Elevation;
use tailtwin_core::assessment::SampledInput;
use tailtwin_hydrology::frequency::{normal_exceedance_quantile, pearson3_frequency_factor};
use tailtwin_scenario::ensemble::{DepthDistribution, EnsembleSpec, PatternChoice};
use tailtwin_scenario::{Amc, DecaySpec, DepthSpec, PatternSpec, RunoffSpec, Scenario, StormSpec};

/// SplitMix64 finaliser of `seed` and `index`: well-mixed, distinct seeds for neighbouring
/// members (Steele, Lea & Flood 2014).
pub fn splitmix(seed: u64, index: u64) -> u64 {
    let mut z =
        seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x6A09_E667_F3BC_C909);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in the open interval (0, 1) (53 random bits, centred in their cell).
fn open01(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The temporal pattern a member used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    Chicago,
    ScsTypeIi,
    Uniform,
    Table,
}

/// The antecedent moisture class a member used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmcClass {
    I,
    II,
    III,
}

/// What member `index` drew.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// Exceedance probability of the depth draw (1/q = return period).
    pub exceedance: f64,
    /// The sampled depth, mm: the 24 h depth for an atlas P-III, else the storm's depth.
    pub depth_mm: f64,
    pub duration_s: f64,
    pub pattern: PatternSpec,
    pub pattern_kind: PatternKind,
    pub peak_position: Option<f64>,
    pub amc: Option<AmcClass>,
    pub initial_level_m: f64,
    /// Condition factor of each `blockage` entry's structure (1 = not blocked this year).
    pub conditions: Vec<f64>,
}

/// The ensemble's inputs resolved against the scenario: ready to draw.
#[derive(Debug, Clone)]
pub struct Sampler {
    depth: DepthDistribution,
    /// The atlas storm's decay (as n₁, n₂, n₃ or a single n) when the depth is its P-III.
    atlas_decay: Option<DecaySpec>,
    durations: Vec<(f64, f64)>,
    patterns: Vec<(PatternSpec, f64)>,
    chicago: Option<(f64, f64)>,
    amc: Option<[f64; 3]>,
    /// (mean, sd, min, max) of the start level, m.
    level: Option<(f64, f64, f64, f64)>,
    base_level_m: f64,
    spec: EnsembleSpec,
}

fn unsupported(msg: impl Into<String>) -> PipelineError {
    PipelineError::Unsupported(msg.into())
}

impl Sampler {
    /// Resolves the defaults (`[ensemble]` absent or partial) against the scenario.
    pub fn new(s: &Scenario) -> Result<Sampler, PipelineError> {
        let spec = s.ensemble.clone().unwrap_or_default();
        let pond = tailtwin_scenario::build::pond_spec(s)?;
        let Some(StormSpec::Design { duration_s, depth, pattern, return_period_years, .. }) =
            &s.storm
        else {
            return Err(unsupported(
                "storm: an ensemble samples design storms; give a design [storm] (atlas, IDF or \
                 depth_mm), not observed rain",
            ));
        };
        let atlas = match depth {
            DepthSpec::Atlas { mean_24h_mm, cv, cs_over_cv, decay } => {
                Some((*mean_24h_mm, *cv, *cs_over_cv, decay.clone()))
            }
            _ => None,
        };
        let depth_dist = match (spec.depth, &atlas) {
            (Some(d), _) => d,
            (None, Some((m, cv, cs, _))) => {
                DepthDistribution::Pearson3 { mean_24h_mm: *m, cv: *cv, cs_over_cv: *cs }
            }
            (None, None) => {
                return Err(unsupported(
                    "ensemble.depth: missing, and [storm] is not an atlas storm whose Pearson III \
                     could be sampled; give ensemble.depth",
                ));
            }
        };
        let atlas_decay = match (&depth_dist, &atlas) {
            (DepthDistribution::Pearson3 { .. }, Some((_, _, _, decay))) => {
                Some(fixed_decay(decay, depth_dist, *return_period_years)?)
            }
            _ => None,
        };
        let durations = if spec.durations.is_empty() {
            vec![(*duration_s, 1.0)]
        } else {
            spec.durations.clone()
        };
        let storm_peak = match pattern {
            PatternSpec::Chicago { peak_position } => Some(*peak_position),
            _ => None,
        };
        let chicago_peak = |p: Option<f64>| -> Result<PatternSpec, PipelineError> {
            let r = p.or(spec.chicago_peak_range.map(|r| r.0)).ok_or_else(|| {
                unsupported("ensemble.chicago_peak_range: missing for the `chicago` pattern")
            })?;
            Ok(PatternSpec::Chicago { peak_position: r })
        };
        let patterns = if spec.patterns.is_empty() {
            vec![(pattern.clone(), 1.0)]
        } else {
            spec.patterns
                .iter()
                .map(|(c, w)| {
                    let p = match c {
                        PatternChoice::Scenario => pattern.clone(),
                        PatternChoice::Chicago => chicago_peak(storm_peak)?,
                        PatternChoice::ScsTypeII => PatternSpec::ScsTypeII,
                        PatternChoice::Uniform => PatternSpec::Uniform,
                    };
                    Ok((p, *w))
                })
                .collect::<Result<_, PipelineError>>()?
        };
        if spec.amc.is_some()
            && !matches!(s.catchment.as_ref().map(|c| &c.runoff), Some(RunoffSpec::ScsCn { .. }))
        {
            return Err(unsupported("ensemble.amc: needs catchment.runoff = scs_cn"));
        }
        let level = match spec.initial_level {
            None => None,
            Some(l) => {
                let mean = l.mean.map_or(pond.initial_level.m(), |m| m.m());
                if !(l.min.m()..=l.max.m()).contains(&mean) {
                    return Err(unsupported(format!(
                        "ensemble.initial_level: the mean {mean} m (the pond's start level unless \
                         mean_m is given) is outside [min_m, max_m] = [{}, {}] m",
                        l.min.m(),
                        l.max.m()
                    )));
                }
                Some((mean, l.sd_m, l.min.m(), l.max.m()))
            }
        };
        Ok(Sampler {
            depth: depth_dist,
            atlas_decay,
            durations,
            patterns,
            chicago: spec.chicago_peak_range,
            amc: spec.amc,
            level,
            base_level_m: pond.initial_level.m(),
            spec,
        })
    }

    /// Whether members vary the structures (blockage) — otherwise the model is built once.
    pub fn varies_structures(&self) -> bool {
        !self.spec.blockage.is_empty()
    }

    /// Whether members vary the pond's start level.
    pub fn varies_level(&self) -> bool {
        self.level.is_some_and(|l| l.1 > 0.0)
    }

    /// Lowest and highest start level a member can draw, m.
    pub fn start_level_range_m(&self) -> (f64, f64) {
        let b = self.base_level_m;
        match self.level {
            Some((mean, _, min, max)) => (min.min(mean).min(b), max.max(mean).max(b)),
            None => (b, b),
        }
    }

    /// Index into `Scenario::structures` of each blockage entry's structure.
    pub fn blocked_structures(&self) -> impl Iterator<Item = usize> + '_ {
        self.spec.blockage.iter().map(|b| b.structure)
    }

    /// Ids of the structures that may be blocked, in `[ensemble] blockage` order.
    pub fn blocked_ids(&self) -> Vec<String> {
        self.spec.blockage.iter().map(|b| b.id.clone()).collect()
    }

    /// Every (duration s, pattern) the ensemble can draw (for the pre-flight build).
    pub fn choices(&self) -> Vec<(f64, PatternSpec)> {
        let mut out = Vec::new();
        for (d, _) in &self.durations {
            for (p, _) in &self.patterns {
                out.push((*d, p.clone()));
            }
        }
        out
    }

    /// The depth distribution sampled.
    pub fn depth(&self) -> DepthDistribution {
        self.depth
    }

    /// What member `index` draws.
    pub fn draw(&self, seed: u64, index: u64) -> Draw {
        let mut rng = ChaCha8Rng::seed_from_u64(splitmix(seed, index));
        let q = open01(&mut rng);
        let depth_mm = depth_at_exceedance(self.depth, q);
        let duration_s = pick(&self.durations, open01(&mut rng));
        let mut pattern = pick(&self.patterns, open01(&mut rng));
        let u_peak = open01(&mut rng);
        let peak_position = match &mut pattern {
            PatternSpec::Chicago { peak_position } => {
                if let Some((lo, hi)) = self.chicago {
                    *peak_position = lo + (hi - lo) * u_peak;
                }
                Some(*peak_position)
            }
            _ => None,
        };
        let pattern_kind = match pattern {
            PatternSpec::Chicago { .. } => PatternKind::Chicago,
            PatternSpec::ScsTypeII => PatternKind::ScsTypeIi,
            PatternSpec::Uniform => PatternKind::Uniform,
            PatternSpec::Table { .. } => PatternKind::Table,
        };
        let u_amc = open01(&mut rng);
        let amc = self.amc.map(|w| {
            if u_amc < w[0] {
                AmcClass::I
            } else if u_amc < w[0] + w[1] {
                AmcClass::II
            } else {
                AmcClass::III
            }
        });
        let u_level = open01(&mut rng);
        let initial_level_m = match self.level {
            Some((mean, sd, lo, hi)) => truncated_normal(mean, sd, lo, hi, u_level),
            None => self.base_level_m,
        };
        let conditions = self
            .spec
            .blockage
            .iter()
            .map(|b| {
                let hit = open01(&mut rng) < b.probability;
                let u = open01(&mut rng);
                if hit {
                    1.0 - (b.blocked_fraction.0 + (b.blocked_fraction.1 - b.blocked_fraction.0) * u)
                } else {
                    1.0
                }
            })
            .collect();
        Draw {
            exceedance: q,
            depth_mm,
            duration_s,
            pattern,
            pattern_kind,
            peak_position,
            amc,
            initial_level_m,
            conditions,
        }
    }

    /// The member's scenario: `base` with the drawn storm, AMC, start level and conditions.
    pub fn apply(&self, base: &Scenario, d: &Draw) -> Scenario {
        let mut s = base.clone();
        if let Some(StormSpec::Design { return_period_years, duration_s, depth, pattern, .. }) =
            &mut s.storm
        {
            *duration_s = d.duration_s;
            *pattern = d.pattern.clone();
            match (&self.atlas_decay, self.depth) {
                (Some(decay), DepthDistribution::Pearson3 { mean_24h_mm, cv, cs_over_cv })
                    if d.depth_mm > 0.0 =>
                {
                    *return_period_years = Some(1.0 / d.exceedance);
                    *depth = DepthSpec::Atlas { mean_24h_mm, cv, cs_over_cv, decay: decay.clone() };
                }
                _ => {
                    *return_period_years = Some(1.0 / d.exceedance);
                    *depth = DepthSpec::Fixed { depth_mm: d.depth_mm.max(0.0) };
                }
            }
        }
        if let (Some(class), Some(c)) = (d.amc, &mut s.catchment)
            && let RunoffSpec::ScsCn { amc, .. } = &mut c.runoff
        {
            *amc = match class {
                AmcClass::I => Amc::I,
                AmcClass::II => Amc::II,
                AmcClass::III => Amc::III,
            };
        }
        if let Some(p) = &mut s.pond {
            p.initial_level = Elevation(d.initial_level_m);
        }
        for (b, &c) in self.spec.blockage.iter().zip(&d.conditions) {
            s.structures[b.structure].condition *= c;
        }
        s
    }

    /// Each sampled input in words (for `EnsembleSummary::inputs`).
    pub fn describe(&self, s: &Scenario) -> Vec<SampledInput> {
        let mut out = Vec::new();
        let depth = match self.depth {
            DepthDistribution::Pearson3 { mean_24h_mm, cv, cs_over_cv } => format!(
                "Pearson III annual maximum of the 24 h depth, mean {mean_24h_mm} mm, Cv {cv}, \
                 Cs/Cv {cs_over_cv}{}",
                if self.atlas_decay.is_some() {
                    "; the member's storm is the atlas storm at the sampled return period"
                } else {
                    "; the sampled depth falls in the member's storm duration"
                }
            ),
            DepthDistribution::Exponential { mean_mm } => {
                format!("exponential annual maximum storm depth, mean {mean_mm} mm")
            }
            DepthDistribution::Gumbel { location_mm, scale_mm } => {
                format!(
                    "Gumbel annual maximum storm depth, location {location_mm} mm, scale {scale_mm} mm"
                )
            }
            DepthDistribution::Lognormal { median_mm, sigma_log } => {
                format!(
                    "lognormal annual maximum storm depth, median {median_mm} mm, σ(ln) {sigma_log}"
                )
            }
        };
        out.push(SampledInput { name: "storm depth / 暴雨量".into(), distribution: depth });
        let list = |v: &[(f64, f64)]| {
            v.iter()
                .map(|(d, w)| format!("{} h (p {w})", d / 3600.0))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(SampledInput {
            name: "storm duration / 历时".into(),
            distribution: if self.durations.len() == 1 {
                format!("fixed {} h", self.durations[0].0 / 3600.0)
            } else {
                format!("discrete: {}", list(&self.durations))
            },
        });
        let names = self
            .patterns
            .iter()
            .map(|(p, w)| {
                let n = match p {
                    PatternSpec::Chicago { peak_position } => match self.chicago {
                        Some((lo, hi)) => format!("Chicago, peak position uniform [{lo}, {hi}]"),
                        None => format!("Chicago r = {peak_position}"),
                    },
                    PatternSpec::ScsTypeII => "SCS type II".into(),
                    PatternSpec::Uniform => "uniform".into(),
                    PatternSpec::Table { .. } => "user mass curve".into(),
                };
                format!("{n} (p {w})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        out.push(SampledInput { name: "temporal pattern / 雨型".into(), distribution: names });
        if let Some([a, b, c]) = self.amc {
            out.push(SampledInput {
                name: "antecedent condition / 前期土壤湿度".into(),
                distribution: format!(
                    "AMC I/II/III with p {a}/{b}/{c}; CN_I = 4.2CN/(10 − 0.058CN), CN_III = \
                     23CN/(10 + 0.13CN)"
                ),
            });
        }
        if let Some((mean, sd, lo, hi)) = self.level {
            out.push(SampledInput {
                name: "initial pond level / 起调水位".into(),
                distribution: format!(
                    "normal, mean {mean} m, sd {sd} m, truncated to [{lo}, {hi}] m"
                ),
            });
        }
        for b in &self.spec.blockage {
            let base = s.structures[b.structure].condition;
            out.push(SampledInput {
                name: format!("blockage of `{}` / 堵塞", b.id),
                distribution: format!(
                    "with p {} the condition factor {base} × (1 − b), b uniform [{}, {}]",
                    b.probability, b.blocked_fraction.0, b.blocked_fraction.1
                ),
            });
        }
        out
    }
}

/// The atlas decay at a fixed set of indices: design depths (given at the scenario's return
/// period) are turned into n₁, n₂, n₃ once, at that return period, and kept for every member.
fn fixed_decay(
    decay: &DecaySpec,
    depth: DepthDistribution,
    return_period_years: Option<f64>,
) -> Result<DecaySpec, PipelineError> {
    match decay {
        DecaySpec::DesignDepths { h10min_mm, h1h_mm, h6h_mm } => {
            let DepthDistribution::Pearson3 { mean_24h_mm, cv, cs_over_cv } = depth else {
                unreachable!("called for the P-III depth only")
            };
            let t = return_period_years.ok_or_else(|| {
                unsupported("storm.return_period_years: needed to turn the design depths into n")
            })?;
            let h24 = tailtwin_hydrology::pearson3_design_value(mean_24h_mm, cv, cs_over_cv, t)
                .map_err(PipelineError::Catchment)?
                .value;
            let (n1, n2, n3) = tailtwin_hydrology::depth_duration::decay_from_depths(
                *h10min_mm, *h1h_mm, *h6h_mm, h24,
            )
            .map_err(PipelineError::Catchment)?;
            Ok(DecaySpec::Segmented { n1, n2, n3 })
        }
        other => Ok(other.clone()),
    }
}

/// The depth with exceedance probability `q` (inverse CDF), mm; negative P-III / Gumbel values
/// (possible when Cs < 2Cv or location < 3·scale) mean no rain and are returned as 0.
pub fn depth_at_exceedance(d: DepthDistribution, q: f64) -> f64 {
    let x = match d {
        DepthDistribution::Pearson3 { mean_24h_mm, cv, cs_over_cv } => {
            let phi = pearson3_frequency_factor(cv * cs_over_cv, q)
                .expect("validated C_s in [0, 100] and q in (0, 1)");
            mean_24h_mm * (1.0 + cv * phi)
        }
        DepthDistribution::Exponential { mean_mm } => -mean_mm * q.ln(),
        DepthDistribution::Gumbel { location_mm, scale_mm } => {
            location_mm - scale_mm * (-(-q).ln_1p()).ln()
        }
        DepthDistribution::Lognormal { median_mm, sigma_log } => {
            median_mm * (sigma_log * normal_exceedance_quantile(q)).exp()
        }
    };
    x.max(0.0)
}

/// Weighted choice of an item by a uniform `u` (the last item takes the rounding remainder).
fn pick<T: Clone>(items: &[(T, f64)], u: f64) -> T {
    let mut acc = 0.0;
    for (item, w) in items {
        acc += w;
        if u < acc {
            return item.clone();
        }
    }
    items.last().expect("at least one item").0.clone()
}

/// Normal(mean, sd) truncated to [lo, hi], by inversion of `u` in (0, 1).
fn truncated_normal(mean: f64, sd: f64, lo: f64, hi: f64, u: f64) -> f64 {
    if sd <= 0.0 {
        return mean.clamp(lo, hi);
    }
    // Φ(z) = P(Z ≤ z) = exceedance of −z.
    let cdf = |z: f64| 0.5 * statrs_erfc(-z / std::f64::consts::SQRT_2);
    let (a, b) = (cdf((lo - mean) / sd), cdf((hi - mean) / sd));
    let p = a + (b - a) * u;
    // z with Φ(z) = p ⇔ exceedance quantile of p is −z.
    (mean - sd * normal_exceedance_quantile(p)).clamp(lo, hi)
}

fn statrs_erfc(x: f64) -> f64 {
    statrs::function::erf::erfc(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inverse CDFs against their closed forms: exponential P(D > d) = exp(−d/μ); Gumbel
    /// median u − α ln ln 2; lognormal median; P-III with Cs = 2Cv (a gamma of shape 1/Cv²)
    /// at q = 0.01 against the frequency-factor table value Φ(Cs = 1, 1 %) = 3.022 (3 decimals).
    #[test]
    fn inverse_cdfs_match_closed_forms() {
        let e = DepthDistribution::Exponential { mean_mm: 80.0 };
        let d = depth_at_exceedance(e, 0.1);
        assert!(((-d / 80.0).exp() - 0.1).abs() < 1e-14);
        let g = DepthDistribution::Gumbel { location_mm: 100.0, scale_mm: 30.0 };
        let med = 100.0 - 30.0 * (2f64.ln()).ln();
        assert!((depth_at_exceedance(g, 0.5) - med).abs() < 1e-9);
        let l = DepthDistribution::Lognormal { median_mm: 90.0, sigma_log: 0.4 };
        assert!((depth_at_exceedance(l, 0.5) - 90.0).abs() < 1e-9);
        let p = DepthDistribution::Pearson3 { mean_24h_mm: 100.0, cv: 0.5, cs_over_cv: 2.0 };
        assert!((depth_at_exceedance(p, 0.01) - 100.0 * (1.0 + 0.5 * 3.022)).abs() < 0.05);
    }

    /// The truncated normal stays in its bounds and its median is the mean when symmetric.
    #[test]
    fn truncated_normal_is_bounded_and_centred() {
        assert!((truncated_normal(5.0, 1.0, 4.0, 6.0, 0.5) - 5.0).abs() < 1e-12);
        for u in [1e-12, 0.3, 0.999_999] {
            let x = truncated_normal(5.0, 2.0, 4.5, 6.0, u);
            assert!((4.5..=6.0).contains(&x), "{x}");
        }
    }

    /// Neighbouring members get unrelated streams; the same (seed, index) the same one.
    #[test]
    fn member_streams_depend_on_seed_and_index_only() {
        assert_eq!(splitmix(7, 3), splitmix(7, 3));
        assert_ne!(splitmix(7, 3), splitmix(7, 4));
        assert_ne!(splitmix(7, 3), splitmix(8, 3));
    }
}
