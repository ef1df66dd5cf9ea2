//! Consequence class of a dam break (溃坝后果等级), GISTM-style, from the observation points of
//! the 2D inundation run.
//!
//! # Method
//!
//! For each observation point with a population P (people):
//!
//! 1. **Population at risk** PAR = P where the flood reached the arrival depth (the point has an
//!    arrival time), else 0.
//! 2. **Flood severity** from DV = max depth × max speed (m²/s), Graham (1999): low below
//!    4.6 m²/s, medium from 4.6 m²/s, high from the (recalled) "swept clean" value. The two
//!    maxima need not be simultaneous, so DV is an upper bound (conservative).
//! 3. **Warning time** W = arrival time − warning delay (the delay from breach initiation to the
//!    first warning; default in the data file, [`ConsequenceSettings::warning_delay_s`]).
//!    Category (Graham 1999): none W < 15 min, some 15–60 min, adequate ≥ 60 min.
//! 4. **Fatality rate** f from Graham (1999) Table 4 by severity, warning category and the
//!    people's understanding of the severity (vague by default); loss of life LOL = f · PAR.
//! 5. **Class**: the GISTM (2020) Annex 2 Table 1 class of ΣPAR and of the potential loss of life
//!    PLL = ΣLOL; the higher governs ([`ConsequenceSummary::basis`] says which). A value on a
//!    shared band boundary goes to the higher class.
//!
//! Only the life-safety columns of the GISTM matrix are computed; environment, health/social/
//! cultural and economic consequences can only raise the class — the summary says so.
//!
//! # Data and provenance
//!
//! Every number is a row of `data/consequence.toml` (compiled in, [`BUILTIN_CONSEQUENCE_TOML`])
//! with its source and confidence. No copy of GISTM Table 1 or Graham Table 4 was found in the
//! stored references, so those rows are marked `recalled` and the summary carries that mark.
//!
//! # References
//!
//! - GISTM (2020) Global Industry Standard on Tailings Management, ICMM/UNEP/PRI, Annex 2.
//! - Graham, W.J. (1999) A Procedure for Estimating Loss of Life Caused by Dam Failure,
//!   DSO-99-06, U.S. Bureau of Reclamation, Denver.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use tailtwin_core::Confidence;

use crate::error::{LimitDataError, RiskError};

/// The embedded consequence table (reviewable: engine/risk/data/consequence.toml).
pub const BUILTIN_CONSEQUENCE_TOML: &str = include_str!("../data/consequence.toml");

const TABLE: &str = "consequence";

/// GISTM consequence classes, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConsequenceClass {
    Low,
    Significant,
    High,
    #[serde(rename = "Very High")]
    VeryHigh,
    Extreme,
}

impl ConsequenceClass {
    /// All classes, lowest first.
    pub const ALL: [ConsequenceClass; 5] = [
        ConsequenceClass::Low,
        ConsequenceClass::Significant,
        ConsequenceClass::High,
        ConsequenceClass::VeryHigh,
        ConsequenceClass::Extreme,
    ];

    /// English name as in GISTM.
    pub fn name(self) -> &'static str {
        match self {
            ConsequenceClass::Low => "Low",
            ConsequenceClass::Significant => "Significant",
            ConsequenceClass::High => "High",
            ConsequenceClass::VeryHigh => "Very High",
            ConsequenceClass::Extreme => "Extreme",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ConsequenceClass::Low => "低",
            ConsequenceClass::Significant => "显著",
            ConsequenceClass::High => "高",
            ConsequenceClass::VeryHigh => "很高",
            ConsequenceClass::Extreme => "极高",
        }
    }
}

/// Graham (1999) flood severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

/// Graham (1999) warning time category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WarningCategory {
    None,
    Some,
    Adequate,
}

/// How well the people warned understand the flood severity (Graham 1999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Understanding {
    Vague,
    Precise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawUnderstanding {
    Vague,
    Precise,
    Any,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema: u32,
    class: Vec<RawClass>,
    severity: RawSeverity,
    warning: RawWarning,
    fatality: Vec<RawFatality>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    name: String,
    label_zh: String,
    par_min: u64,
    pll_min: f64,
    par_text: String,
    pll_text: String,
    source: String,
    confidence: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    medium_dv_m2s: f64,
    medium_source: String,
    medium_confidence: String,
    high_dv_m2s: f64,
    high_source: String,
    high_confidence: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWarning {
    some_min_s: f64,
    adequate_min_s: f64,
    source: String,
    confidence: String,
    default_delay_s: f64,
    default_delay_source: String,
    default_delay_confidence: String,
    default_understanding: Understanding,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFatality {
    severity: Severity,
    warning: WarningCategory,
    understanding: RawUnderstanding,
    source: String,
    confidence: String,
    rate: f64,
    #[serde(default)]
    note: Option<String>,
}

/// One class band of the table: lower bounds on PAR and PLL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassBand {
    pub class: ConsequenceClass,
    pub par_min: u64,
    pub pll_min: f64,
    pub par_text: String,
    pub pll_text: String,
    pub source: String,
    pub confidence: Confidence,
}

/// One fatality-rate row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FatalityRow {
    pub severity: Severity,
    pub warning: WarningCategory,
    /// `None` = any understanding.
    pub understanding: Option<Understanding>,
    pub rate: f64,
    pub source: String,
    pub confidence: Confidence,
}

/// The validated consequence table.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsequenceTables {
    pub bands: Vec<ClassBand>,
    pub medium_dv_m2s: f64,
    pub high_dv_m2s: f64,
    pub severity_sources: [(String, Confidence); 2],
    pub some_warning_min_s: f64,
    pub adequate_warning_min_s: f64,
    pub warning_source: (String, Confidence),
    pub default_delay_s: f64,
    pub default_delay_source: (String, Confidence),
    pub default_understanding: Understanding,
    pub fatality: Vec<FatalityRow>,
}

fn confidence(index: usize, text: &str) -> Result<Confidence, LimitDataError> {
    match text {
        "verified" => Ok(Confidence::Verified),
        "secondary" => Ok(Confidence::Secondary),
        "recalled" => Ok(Confidence::Recalled),
        // A tailtwin choice is not a standard's value: never better than recalled.
        "assumption" => Ok(Confidence::Recalled),
        other => Err(LimitDataError::InvalidRow {
            table: TABLE,
            index,
            reason: format!("unknown confidence {other:?}"),
        }),
    }
}

fn bad(index: usize, reason: impl Into<String>) -> LimitDataError {
    LimitDataError::InvalidRow { table: TABLE, index, reason: reason.into() }
}

impl ConsequenceTables {
    /// The embedded table, parsed once.
    pub fn builtin() -> &'static ConsequenceTables {
        static TABLES: OnceLock<ConsequenceTables> = OnceLock::new();
        TABLES.get_or_init(|| {
            ConsequenceTables::from_toml_str(BUILTIN_CONSEQUENCE_TOML)
                .expect("embedded consequence.toml is validated by a unit test")
        })
    }

    /// Parses and validates a consequence table.
    pub fn from_toml_str(text: &str) -> Result<ConsequenceTables, LimitDataError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|e| LimitDataError::Parse(e.to_string()))?;
        if raw.schema != 1 {
            return Err(LimitDataError::Schema { found: raw.schema, expected: 1 });
        }
        if raw.class.len() != ConsequenceClass::ALL.len() {
            return Err(bad(0, format!("expected 5 [[class]] rows, found {}", raw.class.len())));
        }
        let mut bands = Vec::new();
        for (i, (c, class)) in raw.class.iter().zip(ConsequenceClass::ALL).enumerate() {
            if c.name != class.name() || c.label_zh != class.label_zh() {
                return Err(bad(
                    i,
                    format!("class {:?} where {:?} expected", c.name, class.name()),
                ));
            }
            if !(c.pll_min.is_finite() && c.pll_min >= 0.0) {
                return Err(bad(i, "pll_min must be finite and ≥ 0"));
            }
            if let Some(prev) = bands.last() {
                let prev: &ClassBand = prev;
                if c.par_min <= prev.par_min || c.pll_min < prev.pll_min {
                    return Err(bad(i, "bands must increase (par_min strictly, pll_min weakly)"));
                }
            } else if c.par_min != 0 || c.pll_min != 0.0 {
                return Err(bad(i, "the lowest class must start at PAR 0 and PLL 0"));
            }
            let _ = &c.note;
            bands.push(ClassBand {
                class,
                par_min: c.par_min,
                pll_min: c.pll_min,
                par_text: c.par_text.clone(),
                pll_text: c.pll_text.clone(),
                source: c.source.clone(),
                confidence: confidence(i, &c.confidence)?,
            });
        }
        let s = &raw.severity;
        if !(s.medium_dv_m2s > 0.0 && s.high_dv_m2s > s.medium_dv_m2s && s.high_dv_m2s.is_finite())
        {
            return Err(bad(0, "severity: need 0 < medium_dv_m2s < high_dv_m2s"));
        }
        let w = &raw.warning;
        if !(w.some_min_s > 0.0 && w.adequate_min_s > w.some_min_s && w.adequate_min_s.is_finite())
        {
            return Err(bad(0, "warning: need 0 < some_min_s < adequate_min_s"));
        }
        if !(w.default_delay_s.is_finite() && w.default_delay_s >= 0.0) {
            return Err(bad(0, "warning: default_delay_s must be finite and ≥ 0"));
        }
        let mut fatality = Vec::new();
        for (i, f) in raw.fatality.iter().enumerate() {
            if !(f.rate.is_finite() && (0.0..=1.0).contains(&f.rate)) {
                return Err(bad(i, format!("fatality rate {} outside [0, 1]", f.rate)));
            }
            let _ = &f.note;
            fatality.push(FatalityRow {
                severity: f.severity,
                warning: f.warning,
                understanding: match f.understanding {
                    RawUnderstanding::Vague => Some(Understanding::Vague),
                    RawUnderstanding::Precise => Some(Understanding::Precise),
                    RawUnderstanding::Any => None,
                },
                rate: f.rate,
                source: f.source.clone(),
                confidence: confidence(i, &f.confidence)?,
            });
        }
        let tables = ConsequenceTables {
            bands,
            medium_dv_m2s: s.medium_dv_m2s,
            high_dv_m2s: s.high_dv_m2s,
            severity_sources: [
                (s.medium_source.clone(), confidence(0, &s.medium_confidence)?),
                (s.high_source.clone(), confidence(0, &s.high_confidence)?),
            ],
            some_warning_min_s: w.some_min_s,
            adequate_warning_min_s: w.adequate_min_s,
            warning_source: (w.source.clone(), confidence(0, &w.confidence)?),
            default_delay_s: w.default_delay_s,
            default_delay_source: (
                w.default_delay_source.clone(),
                confidence(0, &w.default_delay_confidence)?,
            ),
            default_understanding: w.default_understanding,
            fatality,
        };
        // Every (severity, warning, understanding) combination must have exactly one rate.
        for sev in [Severity::Low, Severity::Medium, Severity::High] {
            for wc in [WarningCategory::None, WarningCategory::Some, WarningCategory::Adequate] {
                for u in [Understanding::Vague, Understanding::Precise] {
                    let n = tables.matching(sev, wc, u).count();
                    if n != 1 {
                        return Err(bad(
                            0,
                            format!("fatality: {n} rows for {sev:?}/{wc:?}/{u:?} (need 1)"),
                        ));
                    }
                }
            }
        }
        Ok(tables)
    }

    fn matching(
        &self,
        sev: Severity,
        wc: WarningCategory,
        u: Understanding,
    ) -> impl Iterator<Item = &FatalityRow> {
        self.fatality.iter().filter(move |r| {
            r.severity == sev && r.warning == wc && r.understanding.is_none_or(|x| x == u)
        })
    }

    /// Settings with the table's defaults (warning delay, understanding).
    pub fn default_settings(&self) -> ConsequenceSettings {
        ConsequenceSettings {
            warning_delay_s: self.default_delay_s,
            understanding: self.default_understanding,
        }
    }

    /// Flood severity of a depth–velocity product (m²/s).
    pub fn severity(&self, dv_m2s: f64) -> Severity {
        if dv_m2s >= self.high_dv_m2s {
            Severity::High
        } else if dv_m2s >= self.medium_dv_m2s {
            Severity::Medium
        } else {
            Severity::Low
        }
    }

    /// Warning category of a warning time (s); negative = none.
    pub fn warning_category(&self, warning_time_s: f64) -> WarningCategory {
        if warning_time_s >= self.adequate_warning_min_s {
            WarningCategory::Adequate
        } else if warning_time_s >= self.some_warning_min_s {
            WarningCategory::Some
        } else {
            WarningCategory::None
        }
    }

    /// Fatality rate (fraction of PAR).
    pub fn fatality_rate(&self, sev: Severity, wc: WarningCategory, u: Understanding) -> f64 {
        // from_toml_str guarantees exactly one row per combination.
        self.matching(sev, wc, u).map(|r| r.rate).next().unwrap_or(1.0)
    }

    /// Class by population at risk alone.
    pub fn class_by_par(&self, par: u64) -> ConsequenceClass {
        self.bands
            .iter()
            .rev()
            .find(|b| par >= b.par_min)
            .map_or(ConsequenceClass::Low, |b| b.class)
    }

    /// Class by potential loss of life alone (bands with a zero lower bound are reached through
    /// PAR only, except the lowest).
    pub fn class_by_pll(&self, pll: f64) -> ConsequenceClass {
        self.bands
            .iter()
            .rev()
            .find(|b| b.pll_min > 0.0 && pll >= b.pll_min)
            .map_or(ConsequenceClass::Low, |b| b.class)
    }
}

/// Scenario-level choices of the loss-of-life estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConsequenceSettings {
    /// Time from breach initiation to the first warning, s.
    pub warning_delay_s: f64,
    pub understanding: Understanding,
}

/// What the estimate needs from one observation point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointExposure {
    pub name: String,
    pub population: Option<u64>,
    /// Time after breach initiation at which the arrival depth was reached, s (None: not reached).
    pub arrival_time_s: Option<f64>,
    pub max_depth_m: f64,
    pub max_speed_ms: f64,
}

/// The loss-of-life estimate at one point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointConsequence {
    pub name: String,
    pub population_at_risk: u64,
    /// D·V from the maxima, m²/s.
    pub depth_velocity_m2s: f64,
    pub severity: Option<Severity>,
    pub warning_time_s: Option<f64>,
    pub warning: Option<WarningCategory>,
    pub fatality_rate: f64,
    pub loss_of_life: f64,
}

/// The consequence class of a dam break with its basis and provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsequenceSummary {
    pub points: Vec<PointConsequence>,
    pub population_at_risk: u64,
    pub potential_loss_of_life: f64,
    pub consequence_class: ConsequenceClass,
    pub consequence_class_zh: String,
    pub class_by_population_at_risk: ConsequenceClass,
    pub class_by_loss_of_life: ConsequenceClass,
    /// Which criterion governed, in words.
    pub basis: String,
    pub settings: ConsequenceSettings,
    /// Sources used, with their confidence.
    pub provenance: Vec<String>,
    /// Weakest confidence of the values used.
    pub confidence: Confidence,
    pub notes: Vec<String>,
}

fn finite_nonneg(field: &'static str, v: f64) -> Result<(), RiskError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(RiskError::InvalidInput { field, value: v, requirement: "must be finite and ≥ 0" })
    }
}

/// Loss of life at one point.
pub fn point_consequence(
    t: &ConsequenceTables,
    settings: &ConsequenceSettings,
    p: &PointExposure,
) -> Result<PointConsequence, RiskError> {
    finite_nonneg("point max_depth_m", p.max_depth_m)?;
    finite_nonneg("point max_speed_ms", p.max_speed_ms)?;
    if let Some(a) = p.arrival_time_s {
        finite_nonneg("point arrival_time_s", a)?;
    }
    let dv = p.max_depth_m * p.max_speed_ms;
    let par = match (p.arrival_time_s, p.population) {
        (Some(_), Some(n)) => n,
        _ => 0,
    };
    let (severity, warning_time_s, warning, rate) = match p.arrival_time_s {
        Some(a) => {
            let sev = t.severity(dv);
            let w = a - settings.warning_delay_s;
            let wc = t.warning_category(w);
            (Some(sev), Some(w), Some(wc), t.fatality_rate(sev, wc, settings.understanding))
        }
        None => (None, None, None, 0.0),
    };
    Ok(PointConsequence {
        name: p.name.clone(),
        population_at_risk: par,
        depth_velocity_m2s: dv,
        severity,
        warning_time_s,
        warning,
        fatality_rate: rate,
        loss_of_life: rate * par as f64,
    })
}

/// The GISTM class of the dam break from its observation points.
pub fn assess_consequence(
    t: &ConsequenceTables,
    settings: &ConsequenceSettings,
    points: &[PointExposure],
) -> Result<ConsequenceSummary, RiskError> {
    finite_nonneg("warning_delay_s", settings.warning_delay_s)?;
    let rows =
        points.iter().map(|p| point_consequence(t, settings, p)).collect::<Result<Vec<_>, _>>()?;
    let par: u64 = rows.iter().map(|r| r.population_at_risk).sum();
    let pll: f64 = rows.iter().map(|r| r.loss_of_life).sum();
    let by_par = t.class_by_par(par);
    let by_pll = t.class_by_pll(pll);
    let class = by_par.max(by_pll);
    let band_text = |c: ConsequenceClass| {
        t.bands.iter().find(|b| b.class == c).map(|b| (b.par_text.clone(), b.pll_text.clone()))
    };
    let (par_text, pll_text) = band_text(class).unwrap_or_default();
    let basis = match by_par.cmp(&by_pll) {
        std::cmp::Ordering::Greater => {
            format!("population at risk {par} (PAR {par_text}) governs; PLL {pll:.2}")
        }
        std::cmp::Ordering::Less => {
            format!("potential loss of life {pll:.2} (PLL {pll_text}) governs; PAR {par}")
        }
        std::cmp::Ordering::Equal => format!(
            "population at risk {par} and potential loss of life {pll:.2} give the same class"
        ),
    };
    let mut provenance = vec![
        format!("classes: {} ({:?})", t.bands[0].source, t.bands[0].confidence),
        format!("fatality rates: {}", t.fatality.first().map_or("", |f| f.source.as_str())),
        format!("severity: {} / {}", t.severity_sources[0].0, t.severity_sources[1].0),
        format!("warning categories: {}", t.warning_source.0),
    ];
    if settings.warning_delay_s == t.default_delay_s {
        provenance
            .push(format!("warning delay {} s: {}", t.default_delay_s, t.default_delay_source.0));
    }
    let confidence = t
        .bands
        .iter()
        .map(|b| b.confidence)
        .chain(t.fatality.iter().map(|f| f.confidence))
        .chain(t.severity_sources.iter().map(|s| s.1))
        .chain([t.warning_source.1, t.default_delay_source.1])
        .max_by_key(|c| confidence_rank(*c))
        .unwrap_or(Confidence::Recalled);
    let mut notes = vec![
        "life-safety columns only (PAR, PLL); environmental, social and economic consequences \
         can only raise the class"
            .to_owned(),
    ];
    let unpopulated = points.iter().filter(|p| p.population.is_none()).count();
    if unpopulated > 0 {
        notes.push(format!("{unpopulated} observation point(s) carry no population: counted as 0"));
    }
    if confidence == Confidence::Recalled {
        notes.push("table values recalled, not verified against the printed sources".to_owned());
    }
    Ok(ConsequenceSummary {
        points: rows,
        population_at_risk: par,
        potential_loss_of_life: pll,
        consequence_class: class,
        consequence_class_zh: class.label_zh().to_owned(),
        class_by_population_at_risk: by_par,
        class_by_loss_of_life: by_pll,
        basis,
        settings: *settings,
        provenance,
        confidence,
        notes,
    })
}

/// Larger = weaker.
fn confidence_rank(c: Confidence) -> u8 {
    match c {
        Confidence::Verified => 0,
        Confidence::Secondary | Confidence::Site => 1,
        Confidence::Recalled => 2,
    }
}

#[cfg(test)]
#[path = "consequence_tests.rs"]
mod tests;
