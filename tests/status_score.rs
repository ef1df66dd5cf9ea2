//! Integration tests: the risk score's monotonicity (issue 6: "a documented, monotone scheme") as a
//! property over random inputs of `risk::status::score`.

use proptest::prelude::*;
use tailtwin::risk::status::score::{Margin, ProbabilityPart, ScoreInput, risk_score};

fn input(log_p: f64, c: u8, deficits: [f64; 4], hazard: bool) -> ScoreInput {
    let w = [10.0, 10.0, 5.0, 10.0];
    ScoreInput {
        probabilities: vec![ProbabilityPart {
            key: "p".into(),
            value: 10f64.powf(log_p),
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
        major_hazards: if hazard { vec![9] } else { Vec::new() },
    }
}

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
        let s0 = risk_score(&input(log_p, c, d, hazard)).score;
        prop_assert!((0.0..=100.0).contains(&s0));
        let s_p = risk_score(&input((log_p + dp).min(0.0), c, d, hazard)).score;
        prop_assert!(s_p >= s0, "P: {} < {}", s_p, s0);
        let s_c = risk_score(&input(log_p, (c + dc).min(5), d, hazard)).score;
        prop_assert!(s_c >= s0, "c: {} < {}", s_c, s0);
        let mut up = d;
        up[i] += dd;
        let s_d = risk_score(&input(log_p, c, up, hazard)).score;
        prop_assert!(s_d >= s0, "margin {}: {} < {}", i, s_d, s0);
        let s_h = risk_score(&input(log_p, c, d, true)).score;
        prop_assert!(s_h >= s0, "hazard: {} < {}", s_h, s0);
    }
}
