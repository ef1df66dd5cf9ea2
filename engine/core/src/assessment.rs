//! The risk assessment's products that cross crates (issue 6): ensemble probabilities and
//! exceedance curves, slope reliability rows, the safety status (重大事故隐患 items, the legacy
//! AQ 2006 class, warning levels per item), and the risk score with its drivers.
//!
//! These are flat, serialisable rows: `risk` and `pipeline` fill them, `results` stores them,
//! `viz` and the portfolio page draw them. No physics here; [`Probability::from_counts`] is the
//! one shared estimator so that every Monte-Carlo probability in the engine states its
//! uncertainty the same way.

use crate::geotech::LoadCaseKind;
use crate::warning::AlarmLevel;
use serde::{Deserialize, Serialize};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A probability estimated from `hits` successes in `members` independent trials.
///
/// `estimate` = hits / members; `standard_error` = √(p(1−p)/n) (binomial); `ci95` is the Wilson
/// score interval, which stays inside [0, 1] and is informative when hits = 0 (where the normal
/// interval collapses to a point).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Probability {
    /// NaN when `members` = 0 (written as `null` in JSON, read back as NaN).
    #[serde(with = "nan_as_null")]
    pub estimate: f64,
    #[serde(with = "nan_as_null")]
    pub standard_error: f64,
    /// Wilson 95 % interval [low, high].
    pub ci95: [f64; 2],
    pub hits: u64,
    pub members: u64,
}

impl Probability {
    /// The estimate, standard error and Wilson 95 % interval of `hits` in `members` trials.
    /// `members` = 0 gives NaN estimate and the uninformative interval [0, 1].
    pub fn from_counts(hits: u64, members: u64) -> Probability {
        if members == 0 {
            return Probability {
                estimate: f64::NAN,
                standard_error: f64::NAN,
                ci95: [0.0, 1.0],
                hits,
                members,
            };
        }
        let n = members as f64;
        let p = hits as f64 / n;
        let z2 = Z95 * Z95;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        Probability {
            estimate: p,
            standard_error: (p * (1.0 - p) / n).sqrt(),
            // The Wilson bounds are exactly 0 at no hits and 1 at all hits; the formula leaves
            // a rounding residue (~1e-19) there, which would print as a spurious lower bound.
            ci95: [
                if hits == 0 { 0.0 } else { (centre - half).max(0.0) },
                if hits == members { 1.0 } else { (centre + half).min(1.0) },
            ],
            hits,
            members,
        }
    }
}

/// Which tail an exceedance curve counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tail {
    /// P(X ≥ x): peak stage, peak outflow.
    Upper,
    /// P(X ≤ x): minimum freeboard, minimum beach length (danger is small values).
    Lower,
}

/// One point of an exceedance curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExceedancePoint {
    pub value: f64,
    /// Annual probability of the tail event at `value` (each ensemble member is one year's
    /// annual maximum).
    pub probability: f64,
    /// 1 / probability, years (∞ where the probability is 0; JSON has no ∞, so it is written
    /// as `null` and `null` reads back as ∞).
    #[serde(with = "infinite_as_null")]
    pub return_period_years: f64,
}

/// Serde for a number that may be NaN (no value): `null` in JSON.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() { s.serialize_none() } else { s.serialize_f64(*v) }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// Serde for a number that may be +∞: `null` in JSON.
mod infinite_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if *v == f64::INFINITY { s.serialize_none() } else { s.serialize_f64(*v) }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

/// An empirical exceedance curve of one ensemble output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExceedanceCurve {
    /// Output key, e.g. `peak_stage_m`, `min_freeboard_m`.
    pub quantity: String,
    pub label_zh: String,
    pub label_en: String,
    pub units: String,
    pub tail: Tail,
    /// Sorted by value (ascending).
    pub points: Vec<ExceedancePoint>,
}

/// The level–return-period curve: the T-year peak stage and minimum freeboard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReturnLevel {
    pub return_period_years: f64,
    pub peak_stage_m: f64,
    pub min_freeboard_m: f64,
}

/// Running estimate of a probability as members accumulate (convergence plot and table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConvergencePoint {
    pub members: u64,
    pub estimate: f64,
    pub standard_error: f64,
}

/// One uncertain input of an ensemble and the distribution it was drawn from, in words
/// (e.g. `storm depth: Pearson III, mean 112 mm, Cv 0.45, Cs/Cv 3.5`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampledInput {
    pub name: String,
    pub distribution: String,
}

/// What a Monte-Carlo flood ensemble found (one member = one year's annual-maximum storm).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleSummary {
    pub members: u64,
    pub seed: u64,
    pub threads: usize,
    /// Shards merged into this summary (1 for a single run).
    pub shards: u32,
    /// Members whose run failed (counted, never silently dropped; they are not in `members`).
    pub failed_members: u64,
    pub p_overtopping: Probability,
    pub p_freeboard_below_min: Probability,
    pub p_beach_below_min: Probability,
    /// The minima the freeboard and beach probabilities were counted against, m.
    pub min_freeboard_required_m: f64,
    pub min_beach_required_m: Option<f64>,
    /// Annual probability of the dam-break scenario from its trigger (overtopping, a level), when
    /// the scenario has `[dambreak]` with a probabilistic trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_dambreak: Option<Probability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dambreak_trigger: Option<String>,
    pub curves: Vec<ExceedanceCurve>,
    pub return_levels: Vec<ReturnLevel>,
    pub convergence: Vec<ConvergencePoint>,
    pub inputs: Vec<SampledInput>,
    pub elapsed_s: f64,
    pub members_per_s: f64,
}

/// Slope reliability of one section, load case and method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityRow {
    pub section: String,
    pub load_case: LoadCaseKind,
    pub method: String,
    /// The deterministic factor of safety (mean inputs).
    pub fos_deterministic: f64,
    /// FOSM (first-order second-moment, mean-value): mean, standard deviation, β = (μ − 1)/σ,
    /// P(FoS < 1) = Φ(−β).
    pub fos_mean_fosm: f64,
    pub fos_sd_fosm: f64,
    pub beta_fosm: f64,
    pub p_failure_fosm: f64,
    /// Monte-Carlo: sample mean and standard deviation of FoS, β from them, P(FoS < 1) counted.
    pub fos_mean_mc: f64,
    pub fos_sd_mc: f64,
    pub beta_mc: f64,
    pub p_failure_mc: Probability,
    pub inputs: Vec<SampledInput>,
    /// Monte-Carlo samples on which the method gave no factor of safety on any surface (left
    /// out of `p_failure_mc.members`, never silently dropped).
    #[serde(default)]
    pub failed_samples: u64,
    /// Slip surfaces each sample was evaluated on (the critical one and the next near-critical
    /// ones of the deterministic search); a sample's FoS is the least over them.
    #[serde(default)]
    pub surfaces: usize,
}

/// How a 重大事故隐患 item was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardBasis {
    /// Computed from the simulation (checks of this run).
    Simulation,
    /// Taken from the scenario's inspection record.
    Inspection,
    /// Neither computed nor inspected: not assessed.
    NotAssessed,
}

/// One of the twelve 重大事故隐患 (major accident hazard) items for tailings ponds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HazardItem {
    /// Item number 1–12 as listed in shared/reference/standards.md §7.
    pub number: u8,
    pub text_zh: String,
    pub text_en: String,
    /// `Some(true)` present, `Some(false)` absent, `None` not assessed.
    pub present: Option<bool>,
    pub basis: HazardBasis,
    /// Why: the check values or the inspection note.
    pub evidence: String,
}

/// The legacy AQ 2006-2005 class (superseded by GB 39496-2020; shown for continuity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyPondClass {
    /// 正常库
    Normal,
    /// 病库
    Sick,
    /// 险库
    Risk,
    /// 危库
    Danger,
}

impl LegacyPondClass {
    pub fn label_zh(self) -> &'static str {
        match self {
            LegacyPondClass::Normal => "正常库",
            LegacyPondClass::Sick => "病库",
            LegacyPondClass::Risk => "险库",
            LegacyPondClass::Danger => "危库",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            LegacyPondClass::Normal => "normal",
            LegacyPondClass::Sick => "defective",
            LegacyPondClass::Risk => "risky",
            LegacyPondClass::Danger => "dangerous",
        }
    }
}

/// The legacy class with the reasons that set it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyClassification {
    pub class: LegacyPondClass,
    /// Each criterion that placed the pond in (or kept it from) a worse class.
    pub reasons: Vec<String>,
    /// Always states "AQ 2006-2005, superseded"; also the 0.98–1.00 × required FoS gap when hit.
    pub note: String,
}

/// Warning level of one monitored or computed item (freeboard, beach length, phreatic line,
/// pond level, rainfall, slope stability …) at the assessed state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemWarning {
    /// Item key, e.g. `freeboard`, `beach_length`, `phreatic_burial`, `pond_level`.
    pub item: String,
    pub label_zh: String,
    pub label_en: String,
    pub level: AlarmLevel,
    /// The value judged, in `units`.
    pub value: f64,
    pub units: String,
    /// (level, threshold) pairs used, least severe first.
    pub thresholds: Vec<(AlarmLevel, f64)>,
    /// Where the thresholds come from (site, GB 51108 guidance …).
    pub source: String,
}

/// One reason behind a score, ranked by its contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// Stable key, e.g. `freeboard`, `p_overtopping`, `slope_fos/main/normal/bishop`.
    pub key: String,
    pub text_zh: String,
    pub text_en: String,
    /// Points of the 0–100 score attributable to this driver.
    pub contribution: f64,
}

/// The composite risk score and its place in the risk matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskScore {
    /// 0 (no concern) – 100 (worst), monotone in every input.
    pub score: f64,
    /// Likelihood row 1–5 of the matrix (1 rare … 5 almost certain).
    pub likelihood: u8,
    /// Consequence column 1–5 (1 low … 5 extreme).
    pub consequence: u8,
    /// Matrix cell: `low`, `medium`, `high`, `extreme`.
    pub matrix_cell: String,
    /// The annual failure probability used for the likelihood row.
    pub probability: f64,
    /// Consequence class used (GISTM words), if a dam-break estimate exists.
    pub consequence_class: Option<String>,
    pub drivers: Vec<Driver>,
    /// The scheme in one sentence (for the report).
    pub scheme: String,
}

/// The safety status of a pond for the supervisor: hazards, legacy class, warnings, score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafetyStatus {
    pub hazards: Vec<HazardItem>,
    /// Any 重大事故隐患 item present.
    pub major_hazard: bool,
    pub legacy: LegacyClassification,
    pub warnings: Vec<ItemWarning>,
    /// GB 39496 roll-up of the item levels.
    pub pond_warning: AlarmLevel,
    pub score: RiskScore,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wilson score intervals from Newcombe (1998), Statistics in Medicine 17:857, Table I
    /// (method 3): 0/10 → [0, 0.2775]; 1/29 → [0.0061, 0.1718]; 81/263 → [0.2553, 0.3662]. The
    /// table prints 4 decimals, so agreement to 5·10⁻⁵ is the most that can be asked.
    #[test]
    fn wilson_interval_matches_newcombe_1998_table() {
        for (hits, n, lo, hi) in
            [(0, 10, 0.0, 0.2775), (1, 29, 0.0061, 0.1718), (81, 263, 0.2553, 0.3662)]
        {
            let p = Probability::from_counts(hits, n);
            assert!((p.ci95[0] - lo).abs() < 5e-5, "{hits}/{n}: low {} vs {lo}", p.ci95[0]);
            assert!((p.ci95[1] - hi).abs() < 5e-5, "{hits}/{n}: high {} vs {hi}", p.ci95[1]);
            assert_eq!(p.estimate, hits as f64 / n as f64);
        }
        assert!(Probability::from_counts(0, 0).estimate.is_nan());
        assert_eq!(Probability::from_counts(0, 1000).ci95[0], 0.0);
        assert_eq!(Probability::from_counts(1000, 1000).ci95[1], 1.0);
    }
}
