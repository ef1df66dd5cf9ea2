//! The composite risk score (0–100), its place in the 5 × 5 risk matrix, and the ranked drivers.
//!
//! # Scheme
//!
//! 1. **Annual failure probability P** = max of a flood part and a slope part:
//!    - flood: P(overtopping) of the ensemble when there is one; else the deterministic proxy
//!      P = (1/T) · 10^(−x), T the design storm's return period, x = (Δh − Δh_min)/Δh_min the
//!      relative freeboard margin of the design flood clipped to [−2, 2] (a flood that just meets
//!      the minimum counts as the design flood's 1/T; each 100 % of margin a factor of 10);
//!    - slope: the largest P(FoS < 1) of the reliability rows (Monte-Carlo, FOSM without
//!      members) when there are any; else the proxy P = Φ(−ln F / 0.10) of the governing factor
//!      of safety F (a lognormal FoS with a 10 % coefficient of variation, the low end of the
//!      0.1–0.2 typical of tailings strength; Baecher & Christian 2003). The proxies are indices
//!      that order ponds, not probability estimates, and the drivers say "proxy".
//!
//!    A Monte-Carlo estimate with no hits (0 of n) only says P ≲ 1/n; there the flood part takes
//!    min(proxy, 1/n) and the slope part min(P_FOSM, 1/n) (FOSM's normal tail), so the score
//!    stays informative when the ensemble is too small to see the event and can never exceed
//!    what one hit would give (monotone in the hit count). P is clipped to [10⁻⁷, 1].
//! 2. **Consequence index c** 1–5: the GISTM class of the dam-break estimate (Low 1 … Extreme 5);
//!    without one, from the pond grade (一 → 5 … 五 → 1, the grade already carrying the severe
//!    downstream raise); without a grade, 3.
//! 3. **Likelihood index** 1–5 from log₁₀ P bands: < 10⁻⁴, < 10⁻³, < 10⁻², < 10⁻¹, ≥ 10⁻¹.
//!    **Matrix cell** from L·c: ≤ 4 low, ≤ 9 medium, ≤ 15 high, else extreme.
//! 4. **Score** = 75 · R + M, floored at [`MAJOR_HAZARD_FLOOR`] when any 重大事故隐患 is present
//!    (and the cell is then at least `high`):
//!    - R = clamp((log₁₀ P + (c − 1) + 6) / 9, 0, 1): log-risk, each consequence class a factor
//!      of 10, spanning P = 10⁻⁶ at c = 1 (0) to P = 10⁻¹ at c = 5 (1);
//!    - M = min(25, Σ wᵢ dᵢ), the failing-margin points: dᵢ ∈ [0, 1] the relative deficit of the
//!      freeboard (w 10), the beach length (w 10), the phreatic burial depth (w 5) below their
//!      minima, and 10 × the slope FoS deficit (1 − F/F_req) (w 10: 10 % short is full weight).
//!
//! Each term is non-decreasing in P, c and every deficit, and max/min/clamp keep that, so the
//! score is monotone in every input; a higher crest or a bigger spillway raises the freeboard and
//! the beach (never the reverse), so it never raises the score (tests/status.rs).

use tailtwin_core::CheckStatus;
use tailtwin_core::assessment::{Driver, HazardItem, RiskScore};

use super::StatusInput;
use crate::error::RiskError;

/// Score floor when a 重大事故隐患 is present.
pub const MAJOR_HAZARD_FLOOR: f64 = 60.0;
/// Weight of the log-risk term and cap of the margin points.
pub const RISK_POINTS: f64 = 75.0;
pub const MARGIN_CAP: f64 = 25.0;
/// Coefficient of variation of the FoS in the slope proxy.
pub const PROXY_FOS_COV: f64 = 0.10;
const P_MIN: f64 = 1e-7;

/// One part of the probability (for the drivers).
#[derive(Debug, Clone, PartialEq)]
pub struct ProbabilityPart {
    pub key: String,
    pub value: f64,
    pub text_zh: String,
    pub text_en: String,
}

/// A failing margin: relative deficit `deficit` (clipped to [0, 1] by the scheme) and weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    pub key: String,
    pub deficit: f64,
    pub weight: f64,
    pub text_zh: String,
    pub text_en: String,
}

/// Everything the score reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreInput {
    /// Candidate annual probabilities; P is their maximum.
    pub probabilities: Vec<ProbabilityPart>,
    /// Consequence index 1–5.
    pub consequence: u8,
    pub consequence_class: Option<String>,
    /// Where the consequence index comes from (中文, English).
    pub consequence_basis: (String, String),
    pub margins: Vec<Margin>,
    /// Numbers of the present 重大事故隐患 items.
    pub major_hazards: Vec<u8>,
}

/// Standard normal CDF (Abramowitz & Stegun 7.1.26 erfc via the complementary error function,
/// |error| < 1.5·10⁻⁷, ample for a ranking proxy).
fn phi(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-z * z).exp();
    if x >= 0.0 { 1.0 - 0.5 * erfc } else { 0.5 * erfc }
}

fn deficit(value: f64, limit: f64) -> f64 {
    if limit > 0.0 { ((limit - value) / limit).clamp(0.0, 1.0) } else { 0.0 }
}

impl ScoreInput {
    /// The score's inputs from a status input and its hazard items.
    pub fn from_status(
        input: &StatusInput<'_>,
        hazards: &[HazardItem],
    ) -> Result<ScoreInput, RiskError> {
        let mut probabilities = Vec::new();
        let fb = input.check("freeboard").filter(|c| {
            matches!(c.status, CheckStatus::Pass | CheckStatus::Fail)
                && c.value.is_some()
                && c.limit.is_some_and(|l| l > 0.0)
        });
        // Flood part.
        let proxy = match (fb, input.design_return_period_years) {
            (Some(c), Some(t)) if t > 0.0 => {
                let (v, l) = (c.value.unwrap_or(0.0), c.limit.unwrap_or(1.0));
                let x = ((v - l) / l).clamp(-2.0, 2.0);
                Some(((1.0 / t) * 10f64.powf(-x), x, t))
            }
            _ => None,
        };
        match input.ensemble {
            Some(e)
                if e.members > 0
                    && e.p_overtopping.hits == 0
                    && proxy.is_some_and(|p| p.0 > 0.0) =>
            {
                let (px, x, t) = proxy.expect("checked");
                let n = e.p_overtopping.members;
                let p = px.min(1.0 / n as f64);
                probabilities.push(ProbabilityPart {
                    key: "p_overtopping".into(),
                    value: p,
                    text_zh: format!(
                        "年漫顶概率 {p:.2e}：{n} 个成员无一漫顶（P ≲ 1/{n}），取代用值 {px:.2e}（设计洪水 {t:.0} 年一遇，安全超高裕度 {:+.0}%）与 1/{n} 之小者",
                        100.0 * x
                    ),
                    text_en: format!(
                        "annual overtopping probability {p:.2e}: none of {n} members overtopped \
                         (P ≲ 1/{n}); the smaller of the proxy {px:.2e} (design flood 1 in {t:.0} \
                         years, freeboard margin {:+.0} %) and 1/{n}",
                        100.0 * x
                    ),
                });
            }
            Some(e) if e.members > 0 && e.p_overtopping.estimate.is_finite() => {
                let p = e.p_overtopping;
                probabilities.push(ProbabilityPart {
                    key: "p_overtopping".into(),
                    value: p.estimate,
                    text_zh: format!(
                        "年漫顶概率 {:.2e}（{} 个成员，95% 置信区间 {:.2e}–{:.2e}）",
                        p.estimate, p.members, p.ci95[0], p.ci95[1]
                    ),
                    text_en: format!(
                        "annual overtopping probability {:.2e} ({} members, 95 % CI {:.2e}–{:.2e})",
                        p.estimate, p.members, p.ci95[0], p.ci95[1]
                    ),
                });
            }
            _ => {
                if let Some((p, x, t)) = proxy {
                    probabilities.push(ProbabilityPart {
                        key: "p_flood_proxy".into(),
                        value: p,
                        text_zh: format!(
                            "洪水失事概率代用值 {p:.2e}（设计洪水 {t:.0} 年一遇，安全超高裕度 {:+.0}%）",
                            100.0 * x
                        ),
                        text_en: format!(
                            "flood failure proxy {p:.2e} (design flood 1 in {t:.0} years, \
                             freeboard margin {:+.0} %)",
                            100.0 * x
                        ),
                    });
                }
            }
        }
        // Slope part.
        let rel = input.reliability.iter().map(|r| {
            let mc = &r.p_failure_mc;
            let p = if mc.members > 0 && mc.hits == 0 && r.p_failure_fosm.is_finite() {
                r.p_failure_fosm.min(1.0 / mc.members as f64)
            } else if mc.members > 0 && mc.estimate.is_finite() {
                mc.estimate
            } else {
                r.p_failure_fosm
            };
            (p, r)
        });
        if let Some((p, r)) = rel.filter(|(p, _)| p.is_finite()).max_by(|a, b| a.0.total_cmp(&b.0))
        {
            let key =
                format!("p_slope_failure/{}/{}/{}", r.section, r.load_case.label_en(), r.method);
            probabilities.push(ProbabilityPart {
                text_zh: format!("坝坡失稳概率 P(FoS<1) = {p:.2e}（{}，{}）", r.section, r.method),
                text_en: format!(
                    "slope failure probability P(FoS<1) = {p:.2e} ({}, {}, {})",
                    r.section,
                    r.load_case.label_en(),
                    r.method
                ),
                key,
                value: p,
            });
        } else if let Some((f, r)) = input
            .stability
            .iter()
            .filter_map(|r| Some((r.fos?, r)))
            .filter(|(f, _)| *f > 0.0)
            .min_by(|a, b| a.0.total_cmp(&b.0))
        {
            let p = phi(-f.ln() / PROXY_FOS_COV);
            probabilities.push(ProbabilityPart {
                key: "p_slope_proxy".into(),
                value: p,
                text_zh: format!(
                    "坝坡失稳概率代用值 {p:.2e}（最小安全系数 {f:.3}，{} {}）",
                    r.section, r.method
                ),
                text_en: format!(
                    "slope failure proxy {p:.2e} (least FoS {f:.3}, {} {} {}, COV {PROXY_FOS_COV})",
                    r.section,
                    r.load_case.label_en(),
                    r.method
                ),
            });
        }

        // Consequence.
        let (consequence, consequence_class, consequence_basis) =
            match (input.consequence, input.grade_number) {
                (Some(c), _) => (
                    ConsequenceIndex::from_gistm(c),
                    Some(c.name().to_string()),
                    (
                        format!("溃坝后果估算 GISTM {}", c.name()),
                        format!("GISTM {} from the dam-break estimate", c.name()),
                    ),
                ),
                (None, Some(g)) if (1..=5).contains(&g) => (
                    6 - g,
                    None,
                    (format!("由尾矿库等别 {g} 代用"), format!("proxy from the pond grade {g}")),
                ),
                _ => (
                    3,
                    None,
                    ("无等别与溃坝估算，取 3".into(), "no grade or dam-break estimate: 3".into()),
                ),
            };

        // Margins.
        let mut margins = Vec::new();
        if let Some(c) = fb {
            let (v, l) = (c.value.unwrap_or(0.0), c.limit.unwrap_or(0.0));
            margins.push(Margin {
                key: "freeboard".into(),
                deficit: deficit(v, l),
                weight: 10.0,
                text_zh: format!("设计洪水安全超高 {v:.2} m < {l:.2} m"),
                text_en: format!("design-flood freeboard {v:.2} m < {l:.2} m required"),
            });
        }
        if let Some(c) = input.check("beach_length")
            && matches!(c.status, CheckStatus::Pass | CheckStatus::Fail)
            && let (Some(v), Some(l)) = (c.value, c.limit)
        {
            margins.push(Margin {
                key: "beach_length".into(),
                deficit: deficit(v, l),
                weight: 10.0,
                text_zh: format!("设计洪水干滩长度 {v:.1} m < {l:.1} m"),
                text_en: format!("design-flood beach length {v:.1} m < {l:.1} m required"),
            });
        }
        if let Some((v, l, id)) = input
            .checks_with_prefix("phreatic_burial_depth/")
            .filter(|c| matches!(c.status, CheckStatus::Pass | CheckStatus::Fail))
            .filter_map(|c| Some((c.value?, c.limit?, c.id.clone())))
            .max_by(|a, b| deficit(a.0, a.1).total_cmp(&deficit(b.0, b.1)))
        {
            margins.push(Margin {
                key: id,
                deficit: deficit(v, l),
                weight: 5.0,
                text_zh: format!("浸润线埋深 {v:.2} m < {l:.2} m"),
                text_en: format!("phreatic burial depth {v:.2} m < {l:.2} m required"),
            });
        }
        if let Some((f, req, r)) = input
            .stability
            .iter()
            .filter_map(|r| Some((r.fos?, r.required_fos?, r)))
            .min_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)))
        {
            margins.push(Margin {
                key: format!("slope_fos/{}/{}/{}", r.section, r.load_case.label_en(), r.method),
                deficit: (10.0 * (1.0 - f / req)).clamp(0.0, 1.0),
                weight: 10.0,
                text_zh: format!("坝坡安全系数 {f:.3} < {req:.2}（{} {}）", r.section, r.method),
                text_en: format!(
                    "slope factor of safety {f:.3} < {req:.2} required ({}, {}, {})",
                    r.section,
                    r.load_case.label_en(),
                    r.method
                ),
            });
        }
        Ok(ScoreInput {
            probabilities,
            consequence,
            consequence_class,
            consequence_basis,
            margins,
            major_hazards: hazards
                .iter()
                .filter(|h| h.present == Some(true))
                .map(|h| h.number)
                .collect(),
        })
    }
}

struct ConsequenceIndex;

impl ConsequenceIndex {
    fn from_gistm(c: crate::consequence::ConsequenceClass) -> u8 {
        use crate::consequence::ConsequenceClass::*;
        match c {
            Low => 1,
            Significant => 2,
            High => 3,
            VeryHigh => 4,
            Extreme => 5,
        }
    }
}

/// Likelihood row 1–5 of an annual probability.
pub fn likelihood_index(p: f64) -> u8 {
    match p {
        p if p < 1e-4 => 1,
        p if p < 1e-3 => 2,
        p if p < 1e-2 => 3,
        p if p < 1e-1 => 4,
        _ => 5,
    }
}

/// Matrix cell of a likelihood row and consequence column.
pub fn matrix_cell(likelihood: u8, consequence: u8) -> &'static str {
    match u32::from(likelihood) * u32::from(consequence) {
        0..=4 => "low",
        5..=9 => "medium",
        10..=15 => "high",
        _ => "extreme",
    }
}

/// The score (see the module doc for the scheme).
pub fn risk_score(input: &ScoreInput) -> RiskScore {
    let top = input
        .probabilities
        .iter()
        .filter(|p| p.value.is_finite())
        .max_by(|a, b| a.value.total_cmp(&b.value));
    let p = top.map_or(P_MIN, |t| t.value).clamp(P_MIN, 1.0);
    let c = input.consequence.clamp(1, 5);
    let a = (p.log10() + 6.0).max(0.0);
    let b = f64::from(c - 1);
    let r = ((p.log10() + b + 6.0) / 9.0).clamp(0.0, 1.0);
    let base = RISK_POINTS * r;

    let mut drivers = Vec::new();
    if a + b > 0.0 {
        let (p_zh, p_en, p_key) = match top {
            Some(t) => (t.text_zh.clone(), t.text_en.clone(), t.key.clone()),
            None => (
                "无概率估计，取下限".to_string(),
                "no probability estimate: the floor value".to_string(),
                "probability".to_string(),
            ),
        };
        drivers.push(Driver {
            key: p_key,
            text_zh: p_zh,
            text_en: p_en,
            contribution: base * a / (a + b),
        });
        drivers.push(Driver {
            key: "consequence".into(),
            text_zh: format!("后果等级 {c}：{}", input.consequence_basis.0),
            text_en: format!("consequence index {c}: {}", input.consequence_basis.1),
            contribution: base * b / (a + b),
        });
    }
    let raw: Vec<f64> =
        input.margins.iter().map(|m| m.weight * m.deficit.clamp(0.0, 1.0)).collect();
    let total: f64 = raw.iter().sum();
    let margin_points = total.min(MARGIN_CAP);
    let scale = if total > 0.0 { margin_points / total } else { 0.0 };
    for (m, pts) in input.margins.iter().zip(&raw) {
        if *pts > 0.0 {
            drivers.push(Driver {
                key: m.key.clone(),
                text_zh: m.text_zh.clone(),
                text_en: m.text_en.clone(),
                contribution: pts * scale,
            });
        }
    }
    let mut score = base + margin_points;
    let mut cell = matrix_cell(likelihood_index(p), c);
    if !input.major_hazards.is_empty() {
        if score < MAJOR_HAZARD_FLOOR {
            let list =
                input.major_hazards.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ");
            drivers.push(Driver {
                key: "major_hazard".into(),
                text_zh: format!("存在重大事故隐患（第 {list} 项），评分下限 {MAJOR_HAZARD_FLOOR}"),
                text_en: format!(
                    "major accident hazard present (item {list}): score floor {MAJOR_HAZARD_FLOOR}"
                ),
                contribution: MAJOR_HAZARD_FLOOR - score,
            });
            score = MAJOR_HAZARD_FLOOR;
        }
        if matches!(cell, "low" | "medium") {
            cell = "high";
        }
    }
    drivers.sort_by(|x, y| y.contribution.total_cmp(&x.contribution));
    RiskScore {
        score: score.clamp(0.0, 100.0),
        likelihood: likelihood_index(p),
        consequence: c,
        matrix_cell: cell.into(),
        probability: p,
        consequence_class: input.consequence_class.clone(),
        drivers,
        scheme: "75·clamp((log10 P + (c−1) + 6)/9, 0, 1) + min(25, Σ w·deficit); floor 60 with a \
                 重大事故隐患; likelihood from log10 P bands, consequence GISTM (or grade) 1–5 / \
                 see tailtwin_risk::status::score"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the normal CDF used by the slope proxy is right to the approximation's bound.
    // Reference: Φ(0) = 0.5, Φ(−1.959964) = 0.025, Φ(−3) = 0.001349898 (tables). Tolerance 2e-7
    // (A&S 7.1.26 bound 1.5e-7 on erfc, halved by Φ = erfc/2, plus rounding of the references).
    #[test]
    fn normal_cdf_matches_tables() {
        assert!((phi(0.0) - 0.5).abs() < 2e-7);
        assert!((phi(-1.959_964) - 0.025).abs() < 2e-7);
        assert!((phi(-3.0) - 0.001_349_898).abs() < 2e-7);
        assert!((phi(3.0) - 0.998_650_102).abs() < 2e-7);
    }

    fn input(p: f64, c: u8, deficits: [f64; 4], hazards: Vec<u8>) -> ScoreInput {
        let w = [10.0, 10.0, 5.0, 10.0];
        ScoreInput {
            probabilities: vec![ProbabilityPart {
                key: "p".into(),
                value: p,
                text_zh: String::new(),
                text_en: String::new(),
            }],
            consequence: c,
            consequence_class: None,
            consequence_basis: (String::new(), String::new()),
            margins: (0..4)
                .map(|i| Margin {
                    key: format!("m{i}"),
                    deficit: deficits[i],
                    weight: w[i],
                    text_zh: String::new(),
                    text_en: String::new(),
                })
                .collect(),
            major_hazards: hazards,
        }
    }

    // Goal: the score is non-decreasing in P, in the consequence index and in each deficit, with
    // and without a major hazard. Setup: a grid over P (10⁻⁸ … 1), c 1–5 and deficits 0 … 1.5
    // (beyond the clip). Tolerance: exact (≥), the scheme is a composition of monotone maps.
    #[test]
    fn score_is_monotone_in_probability_consequence_and_each_margin() {
        let ps = [1e-8, 1e-6, 3e-5, 1e-4, 2e-3, 0.05, 0.1, 0.5, 1.0];
        let ds = [0.0, 0.05, 0.3, 1.0, 1.5];
        for hz in [vec![], vec![9u8]] {
            for c in 1..=5u8 {
                for &d in &ds {
                    let mut last = f64::NEG_INFINITY;
                    for &p in &ps {
                        let s = risk_score(&input(p, c, [d, d, d, d], hz.clone())).score;
                        assert!(s >= last, "P {p} c {c} d {d}: {s} < {last}");
                        last = s;
                    }
                }
                for &p in &ps {
                    for i in 0..4 {
                        let mut last = f64::NEG_INFINITY;
                        for &d in &ds {
                            let mut def = [0.2; 4];
                            def[i] = d;
                            let s = risk_score(&input(p, c, def, hz.clone())).score;
                            assert!(s >= last, "margin {i} d {d}: {s} < {last}");
                            last = s;
                        }
                    }
                }
            }
            for &p in &ps {
                let mut last = f64::NEG_INFINITY;
                for c in 1..=5u8 {
                    let s = risk_score(&input(p, c, [0.1; 4], hz.clone())).score;
                    assert!(s >= last);
                    last = s;
                }
            }
        }
    }

    // Goal: the ends of the scale and the floor. P = 1e-6, c = 1, no deficit → 0; P = 0.1, c = 5,
    // all deficits full → 100; a major hazard lifts a low score to exactly 60 and the cell to high.
    #[test]
    fn score_spans_zero_to_hundred_and_hazard_floor_applies() {
        assert_eq!(risk_score(&input(1e-6, 1, [0.0; 4], vec![])).score, 0.0);
        let top = risk_score(&input(0.1, 5, [1.0; 4], vec![]));
        assert!((top.score - 100.0).abs() < 1e-9);
        assert_eq!(top.matrix_cell, "extreme");
        let floored = risk_score(&input(1e-6, 1, [0.0; 4], vec![4]));
        assert_eq!(floored.score, MAJOR_HAZARD_FLOOR);
        assert_eq!(floored.matrix_cell, "high");
        assert_eq!(floored.drivers[0].key, "major_hazard");
        // Contributions add up to the score.
        let mid = risk_score(&input(2e-3, 3, [0.3, 0.0, 0.5, 0.1], vec![]));
        let sum: f64 = mid.drivers.iter().map(|d| d.contribution).sum();
        assert!((sum - mid.score).abs() < 1e-9, "{sum} vs {}", mid.score);
        assert_eq!((mid.likelihood, mid.consequence, mid.matrix_cell.as_str()), (3, 3, "medium"));
    }

    fn hazards(present: bool) -> Vec<u8> {
        if present { vec![9] } else { Vec::new() }
    }

    use proptest::prelude::*;

    proptest! {
        // Goal: the score is non-decreasing in P, in the consequence index and in each failing
        // margin, and stays in [0, 100] (issue 6: a monotone scheme). Setup: random log10 P in
        // [−9, 0], c in 1–5, deficits in [0, 2] (beyond the clip at 1), with and without a major
        // hazard; each input raised alone by a random step. Tolerance: exact (≥): the scheme is
        // a composition of monotone maps with no rounding that could reverse an order.
        #[test]
        fn score_is_monotone_in_every_input(
            log_p in -9.0f64..0.0,
            dp in 0.0f64..3.0,
            c in 1u8..=5,
            dc in 0u8..=4,
            d in proptest::array::uniform4(0.0f64..2.0),
            dd in 0.0f64..1.0,
            i in 0usize..4,
            hazard in any::<bool>(),
        ) {
            let s0 = risk_score(&input(10f64.powf(log_p), c, d, hazards(hazard))).score;
            prop_assert!((0.0..=100.0).contains(&s0));
            let s_p = risk_score(&input(10f64.powf((log_p + dp).min(0.0)), c, d, hazards(hazard))).score;
            prop_assert!(s_p >= s0, "P: {} < {}", s_p, s0);
            let s_c = risk_score(&input(10f64.powf(log_p), (c + dc).min(5), d, hazards(hazard))).score;
            prop_assert!(s_c >= s0, "c: {} < {}", s_c, s0);
            let mut up = d;
            up[i] += dd;
            let s_d = risk_score(&input(10f64.powf(log_p), c, up, hazards(hazard))).score;
            prop_assert!(s_d >= s0, "margin {}: {} < {}", i, s_d, s0);
            let s_h = risk_score(&input(10f64.powf(log_p), c, d, hazards(true))).score;
            prop_assert!(s_h >= s0, "hazard: {} < {}", s_h, s0);
        }
    }
}
