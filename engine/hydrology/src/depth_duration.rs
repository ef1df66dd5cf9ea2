//! Depth–duration curves H(t) of design storms: the Chinese atlas method (P-III 24 h depth and
//! decay index n), a short-duration IDF formula, or a fixed depth over one duration.
//!
//! A [`DepthDuration`] is the user's description; [`DepthDuration::resolve`] validates it once and
//! returns a [`StormCurve`] that evaluates H(t) for any duration it covers.

use crate::error::{HydrologyError, check_closed, check_positive};
use crate::frequency::{FrequencyResult, pearson3_design_value};
use serde::{Deserialize, Serialize};

const HOUR: f64 = 3600.0;

/// How the design depth varies with duration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepthDuration {
    /// Chinese atlas method (standards.md §9): P-III 24 h depth and decay index n.
    Atlas(AtlasStorm),
    /// Short-duration rainstorm-intensity formula (暴雨强度公式).
    Idf(IdfFormula),
    /// A given total depth over one duration (no curve: only total-depth patterns apply).
    Fixed { depth_mm: f64, duration_s: f64 },
}

/// P-III statistics of the annual-maximum rain depth for one duration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DurationStatistics {
    /// Mean annual maximum depth H̄_t, mm.
    pub mean_mm: f64,
    /// Coefficient of variation C_v.
    pub cv: f64,
    /// Skew ratio C_s/C_v (3.5 typical; 3–4 plum-rain, 2–3 typhoon regions).
    pub cs_over_cv: f64,
}

/// Design 24 h storm by the atlas method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtlasStorm {
    /// 24 h statistics from the atlas (H̄₂₄, C_v, C_s/C_v).
    pub h24: DurationStatistics,
    /// Return period T, years (exceedance p = 1/T).
    pub return_period_years: f64,
    /// Storm decay index n (暴雨递减指数).
    pub decay: DecayIndex,
}

/// The storm decay index n: H(t) = S_p t^(1−n) (t in h, S_p in mm/h).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecayIndex {
    /// One n for all durations up to 24 h (the atlas gives it for 1–24 h; below 1 h it is
    /// extrapolated with the same n).
    Single { n: f64 },
    /// n₁ for t < 1 h, n₂ for 1–6 h, n₃ for 6–24 h.
    Segmented { n1: f64, n2: f64, n3: f64 },
    /// Derived from design-frequency depths H₁/₆ (10 min), H₁, H₆ (mm) and the design H₂₄.
    FromDesignDepths { h10min_mm: f64, h1h_mm: f64, h6h_mm: f64 },
    /// Derived from atlas statistics of the 10 min, 1 h and 6 h maxima, each taken to the same
    /// return period as the 24 h depth.
    FromAtlasStatistics {
        h10min: DurationStatistics,
        h1h: DurationStatistics,
        h6h: DurationStatistics,
    },
}

/// i = A₁ (1 + C lg P) / (t + b)ⁿ mm/min, t in min, P the return period in years.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IdfFormula {
    /// A₁, mm/min (the L/(s·hm²) form's coefficient is 167·A₁).
    pub a1_mm_per_min: f64,
    /// C, dimensionless.
    pub c: f64,
    /// b, min.
    pub b_min: f64,
    /// n, dimensionless, in [0, 1].
    pub n: f64,
    /// Return period P, years.
    pub return_period_years: f64,
    /// Longest duration the formula was fitted to, min (commonly 180; some cities 1440).
    pub max_duration_min: f64,
}

/// One power-law piece H(t) = S t^(1−n), t in hours, valid for `from_h ≤ t ≤ to_h`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerSegment {
    pub from_h: f64,
    pub to_h: f64,
    /// Rain force S_p (雨力), mm/h: the 1 h depth of this piece's power law.
    pub s_p_mm_per_h: f64,
    pub n: f64,
}

#[derive(Debug, Clone, PartialEq)]
enum CurveKind {
    PowerLaw(Vec<PowerSegment>),
    Idf { a_mm_per_min: f64, b_min: f64, n: f64 },
    Fixed { depth_mm: f64, duration_s: f64 },
}

/// A validated depth–duration curve.
#[derive(Debug, Clone, PartialEq)]
pub struct StormCurve {
    kind: CurveKind,
    max_duration_s: f64,
    /// P-III result of the 24 h depth (atlas curves only).
    pub frequency_24h: Option<FrequencyResult>,
}

impl DepthDuration {
    /// Validates the description and builds the curve.
    pub fn resolve(&self) -> Result<StormCurve, HydrologyError> {
        match self {
            DepthDuration::Atlas(atlas) => resolve_atlas(atlas),
            DepthDuration::Idf(idf) => resolve_idf(idf),
            DepthDuration::Fixed { depth_mm, duration_s } => {
                check_closed("fixed depth (mm)", *depth_mm, 0.0, f64::MAX, "[0, ∞)")?;
                check_positive("fixed duration (s)", *duration_s)?;
                Ok(StormCurve {
                    kind: CurveKind::Fixed { depth_mm: *depth_mm, duration_s: *duration_s },
                    max_duration_s: *duration_s,
                    frequency_24h: None,
                })
            }
        }
    }
}

fn check_n(which: &'static str, n: f64, hint: &'static str) -> Result<f64, HydrologyError> {
    if n.is_finite() && (0.0..1.0).contains(&n) {
        Ok(n)
    } else {
        Err(HydrologyError::DecayIndexOutOfRange { which, n, hint })
    }
}

fn resolve_atlas(atlas: &AtlasStorm) -> Result<StormCurve, HydrologyError> {
    let design = |s: &DurationStatistics| {
        pearson3_design_value(s.mean_mm, s.cv, s.cs_over_cv, atlas.return_period_years)
    };
    let f24 = design(&atlas.h24)?;
    let h24 = f24.value;
    let segments = match &atlas.decay {
        DecayIndex::Single { n } => {
            let n = check_n("n", *n, "")?;
            vec![PowerSegment {
                from_h: 0.0,
                to_h: 24.0,
                s_p_mm_per_h: h24 * 24f64.powf(n - 1.0),
                n,
            }]
        }
        DecayIndex::Segmented { n1, n2, n3 } => {
            let n1 = check_n("n1", *n1, "")?;
            let n2 = check_n("n2", *n2, "")?;
            let n3 = check_n("n3", *n3, "")?;
            segmented(h24, n1, n2, n3)
        }
        DecayIndex::FromDesignDepths { h10min_mm, h1h_mm, h6h_mm } => {
            let (n1, n2, n3) = decay_from_depths(*h10min_mm, *h1h_mm, *h6h_mm, h24)?;
            segmented(h24, n1, n2, n3)
        }
        DecayIndex::FromAtlasStatistics { h10min, h1h, h6h } => {
            let (a, b, c) = (design(h10min)?.value, design(h1h)?.value, design(h6h)?.value);
            let (n1, n2, n3) = decay_from_depths(a, b, c, h24)?;
            segmented(h24, n1, n2, n3)
        }
    };
    Ok(StormCurve {
        kind: CurveKind::PowerLaw(segments),
        max_duration_s: 24.0 * HOUR,
        frequency_24h: Some(f24),
    })
}

/// n₁ = 1 − lg(H₁/H₁/₆)/lg 6, n₂ = 1 − lg(H₆/H₁)/lg 6, n₃ = 1 − lg(H₂₄/H₆)/lg 4.
///
/// The code prints 1/lg 6 = 1.285 and 1/lg 4 = 1.661; the exact constants are used here so the
/// segmented curve passes exactly through the four depths.
pub fn decay_from_depths(
    h10min_mm: f64,
    h1h_mm: f64,
    h6h_mm: f64,
    h24h_mm: f64,
) -> Result<(f64, f64, f64), HydrologyError> {
    check_positive("H₁/₆ (mm)", h10min_mm)?;
    check_positive("H₁ (mm)", h1h_mm)?;
    check_positive("H₆ (mm)", h6h_mm)?;
    check_positive("H₂₄ (mm)", h24h_mm)?;
    let n1 = 1.0 - (h1h_mm / h10min_mm).log10() / 6f64.log10();
    let n2 = 1.0 - (h6h_mm / h1h_mm).log10() / 6f64.log10();
    let n3 = 1.0 - (h24h_mm / h6h_mm).log10() / 4f64.log10();
    let n1 = check_n("n1", n1, " (needs H₁/₆ < H₁ < 6·H₁/₆)")?;
    let n2 = check_n("n2", n2, " (needs H₁ < H₆ < 6·H₁)")?;
    let n3 = check_n("n3", n3, " (needs H₆ < H₂₄ < 4·H₆)")?;
    Ok((n1, n2, n3))
}

/// Segments anchored at H₂₄ and joined continuously at 6 h and 1 h.
fn segmented(h24: f64, n1: f64, n2: f64, n3: f64) -> Vec<PowerSegment> {
    let s3 = h24 * 24f64.powf(n3 - 1.0);
    let h6 = s3 * 6f64.powf(1.0 - n3);
    let s2 = h6 * 6f64.powf(n2 - 1.0);
    let h1 = s2; // S₂ · 1^(1−n₂)
    vec![
        PowerSegment { from_h: 0.0, to_h: 1.0, s_p_mm_per_h: h1, n: n1 },
        PowerSegment { from_h: 1.0, to_h: 6.0, s_p_mm_per_h: s2, n: n2 },
        PowerSegment { from_h: 6.0, to_h: 24.0, s_p_mm_per_h: s3, n: n3 },
    ]
}

fn resolve_idf(idf: &IdfFormula) -> Result<StormCurve, HydrologyError> {
    check_positive("IDF A₁ (mm/min)", idf.a1_mm_per_min)?;
    check_closed("IDF b (min)", idf.b_min, 0.0, 1e4, "[0, 10000]")?;
    check_closed("IDF n", idf.n, 0.0, 1.0, "[0, 1]")?;
    check_positive("IDF longest fitted duration (min)", idf.max_duration_min)?;
    if !(idf.return_period_years.is_finite() && idf.return_period_years >= 1.0) {
        return Err(HydrologyError::OutOfRange {
            what: "IDF return period (years)",
            value: idf.return_period_years,
            range: "[1, ∞)",
        });
    }
    let factor = 1.0 + idf.c * idf.return_period_years.log10();
    if !(factor.is_finite() && factor > 0.0) {
        return Err(HydrologyError::OutOfRange {
            what: "IDF frequency factor 1 + C lg P",
            value: factor,
            range: "(0, ∞)",
        });
    }
    if idf.b_min == 0.0 && idf.n == 1.0 {
        // H(t) = A t / t = A: a depth independent of duration is no curve.
        return Err(HydrologyError::OutOfRange {
            what: "IDF n with b = 0",
            value: idf.n,
            range: "[0, 1)",
        });
    }
    Ok(StormCurve {
        kind: CurveKind::Idf {
            a_mm_per_min: idf.a1_mm_per_min * factor,
            b_min: idf.b_min,
            n: idf.n,
        },
        max_duration_s: idf.max_duration_min * 60.0,
        frequency_24h: None,
    })
}

impl StormCurve {
    /// Longest duration the curve covers, s.
    pub fn max_duration_s(&self) -> f64 {
        self.max_duration_s
    }

    /// Whether the curve gives depths for durations other than its one fixed duration.
    pub fn is_curve(&self) -> bool {
        !matches!(self.kind, CurveKind::Fixed { .. })
    }

    /// Power-law pieces (atlas curves only).
    pub fn segments(&self) -> &[PowerSegment] {
        match &self.kind {
            CurveKind::PowerLaw(s) => s,
            _ => &[],
        }
    }

    /// Depth H(t) in mm for a duration in s; `0 ≤ t ≤ max_duration_s` (1 ppm slack for rounding).
    pub fn depth_mm(&self, duration_s: f64) -> Result<f64, HydrologyError> {
        if !(duration_s.is_finite() && duration_s >= 0.0) {
            return Err(HydrologyError::OutOfRange {
                what: "duration (s)",
                value: duration_s,
                range: "[0, ∞)",
            });
        }
        if duration_s > self.max_duration_s * (1.0 + 1e-6) {
            return Err(HydrologyError::DurationBeyondCurve {
                duration_h: duration_s / HOUR,
                max_h: self.max_duration_s / HOUR,
            });
        }
        let t = duration_s.min(self.max_duration_s);
        Ok(self.depth_unchecked(t))
    }

    /// H(t) for 0 ≤ t ≤ max (checked by callers).
    pub(crate) fn depth_unchecked(&self, duration_s: f64) -> f64 {
        match &self.kind {
            CurveKind::PowerLaw(segments) => {
                let t_h = duration_s / HOUR;
                if t_h <= 0.0 {
                    return 0.0;
                }
                let seg = segments
                    .iter()
                    .find(|s| t_h <= s.to_h)
                    .unwrap_or_else(|| &segments[segments.len() - 1]);
                seg.s_p_mm_per_h * t_h.powf(1.0 - seg.n)
            }
            CurveKind::Idf { a_mm_per_min, b_min, n } => {
                let t_min = duration_s / 60.0;
                if t_min <= 0.0 {
                    return 0.0;
                }
                a_mm_per_min * t_min / (t_min + b_min).powf(*n)
            }
            CurveKind::Fixed { depth_mm, duration_s: d } => {
                // Only meaningful at its own duration; callers check `is_curve`.
                if duration_s >= *d { *depth_mm } else { depth_mm * duration_s / d }
            }
        }
    }

    /// The power-law piece (S_p, n) that governs duration `duration_s` (atlas curves only).
    pub fn decay_at(&self, duration_s: f64) -> Option<PowerSegment> {
        let t_h = duration_s / HOUR;
        self.segments().iter().find(|s| t_h <= s.to_h).or(self.segments().last()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atlas(decay: DecayIndex) -> DepthDuration {
        DepthDuration::Atlas(AtlasStorm {
            h24: DurationStatistics { mean_mm: 110.0, cv: 0.5, cs_over_cv: 3.5 },
            return_period_years: 500.0,
            decay,
        })
    }

    // Goal: the single-n curve returns H₂₄,p at 24 h and S_p t^(1−n) elsewhere.
    // Reference: the definition S_p = H₂₄,p 24^(n−1) (standards.md §9). Tolerance: round-off.
    #[test]
    fn single_decay_curve_passes_through_the_design_24h_depth() {
        let curve = atlas(DecayIndex::Single { n: 0.65 }).resolve().unwrap();
        let h24 = curve.frequency_24h.unwrap().value;
        assert!((curve.depth_mm(86400.0).unwrap() - h24).abs() < 1e-9 * h24);
        let s_p = h24 * 24f64.powf(-0.35);
        assert!((curve.depth_mm(3.0 * 3600.0).unwrap() - s_p * 3f64.powf(0.35)).abs() < 1e-9);
        assert!(matches!(
            curve.depth_mm(25.0 * 3600.0),
            Err(HydrologyError::DurationBeyondCurve { .. })
        ));
    }

    // Goal: n derived from four depths reproduces those depths, and the segments join
    // continuously. Reference: standards.md §9 formulas with exact 1/lg 6, 1/lg 4.
    #[test]
    fn segmented_curve_reproduces_the_atlas_depths_it_was_derived_from() {
        let curve =
            atlas(DecayIndex::FromDesignDepths { h10min_mm: 32.0, h1h_mm: 80.0, h6h_mm: 160.0 })
                .resolve()
                .unwrap();
        let h24 = curve.frequency_24h.unwrap().value;
        for (t_s, h) in [(600.0, 32.0), (3600.0, 80.0), (21600.0, 160.0), (86400.0, h24)] {
            let got = curve.depth_mm(t_s).unwrap();
            assert!((got - h).abs() < 1e-9 * h, "t {t_s}: {got} vs {h}");
        }
        for join_h in [1.0, 6.0] {
            let below = curve.depth_mm(join_h * 3600.0 * (1.0 - 1e-12)).unwrap();
            let above = curve.depth_mm(join_h * 3600.0 * (1.0 + 1e-12)).unwrap();
            assert!((below - above).abs() < 1e-8, "jump at {join_h} h");
        }
    }

    // Goal: per-duration atlas statistics are each taken to the design frequency before n is
    // derived. With one C_v and C_s/C_v for all durations every depth scales by the same K_p, so
    // the curve passes through K_p·H̄_t. Tolerance: round-off (1e-9 relative).
    #[test]
    fn atlas_statistics_per_duration_scale_by_the_common_modulus() {
        let stats = |mean_mm| DurationStatistics { mean_mm, cv: 0.45, cs_over_cv: 3.5 };
        let curve = DepthDuration::Atlas(AtlasStorm {
            h24: stats(120.0),
            return_period_years: 200.0,
            decay: DecayIndex::FromAtlasStatistics {
                h10min: stats(15.0),
                h1h: stats(40.0),
                h6h: stats(80.0),
            },
        })
        .resolve()
        .unwrap();
        let k_p = curve.frequency_24h.unwrap().k_p;
        for (t_s, mean) in [(600.0, 15.0), (3600.0, 40.0), (21600.0, 80.0), (86400.0, 120.0)] {
            let h = curve.depth_mm(t_s).unwrap();
            assert!((h - k_p * mean).abs() < 1e-9 * h, "t {t_s}: {h} vs {}", k_p * mean);
        }
        let n2 = curve.decay_at(3.0 * 3600.0).unwrap().n;
        assert!((n2 - (1.0 - 2f64.log10() / 6f64.log10())).abs() < 1e-12);
    }

    #[test]
    fn inconsistent_atlas_depths_are_rejected_with_the_index() {
        // H₆ > 6 H₁ would need n₂ < 0.
        let err = decay_from_depths(30.0, 40.0, 300.0, 320.0).unwrap_err();
        assert!(matches!(err, HydrologyError::DecayIndexOutOfRange { which: "n2", .. }));
        let err = atlas(DecayIndex::Single { n: 1.2 }).resolve().unwrap_err();
        assert!(matches!(err, HydrologyError::DecayIndexOutOfRange { n, .. } if n == 1.2));
    }

    // Goal: the IDF curve is H = i·t with i = A₁(1 + C lg P)/(t + b)ⁿ. Hand: A₁ = 10, C = 0.8,
    // P = 50, b = 10, n = 0.7, t = 60 min: 1 + 0.8·1.69897 = 2.359176; 70^0.7 = e^(0.7·4.248495)
    // = e^2.973947 = 19.5687; i = 23.59176/19.5687 = 1.20559 mm/min; H = 60·i = 72.335 mm.
    // Tolerance 2e-3 mm (hand arithmetic to 6 figures).
    #[test]
    fn idf_depth_matches_hand_calculation() {
        let idf = DepthDuration::Idf(IdfFormula {
            a1_mm_per_min: 10.0,
            c: 0.8,
            b_min: 10.0,
            n: 0.7,
            return_period_years: 50.0,
            max_duration_min: 180.0,
        });
        let curve = idf.resolve().unwrap();
        let expected = 60.0 * 10.0 * (1.0 + 0.8 * 50f64.log10()) / 70f64.powf(0.7);
        let h = curve.depth_mm(3600.0).unwrap();
        assert!((h - expected).abs() < 1e-9);
        assert!((h - 72.335).abs() < 2e-3, "{h}");
        assert!(curve.depth_mm(181.0 * 60.0).is_err());
    }
}
