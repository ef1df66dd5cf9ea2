//! Deterministic extreme-value sweep over the demo scenario (complements the random mutation
//! proptest in scenario.rs, whose seeds change from run to run).

use crate::common::{demo_dir, demo_text};
use tailtwin::pipeline::ensemble::{EnsembleSettings, run_ensemble};
use tailtwin::scenario;

/// Line `i` of the demo with its value (op 0) or its first number (op 1) replaced by `value`.
fn with_value(text: &str, i: usize, op: u8, value: &str) -> String {
    let mut out: Vec<String> = text.lines().map(str::to_owned).collect();
    let line = out[i].clone();
    if op == 0 {
        if let Some((k, _)) = line.split_once('=') {
            out[i] = format!("{k}= {value}");
        }
    } else if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
        let end = line[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e'))
            .map_or(line.len(), |e| start + e);
        out[i] = format!("{}{value}{}", &line[..start], &line[end..]);
    }
    out.join("\n")
}

// Goal: no value of any key makes the engine panic or exhaust memory: it validates with key
// paths or runs (flood routing and a 3-member ensemble) to a result or a typed error. Setup:
// every line of the demo, its value or its first number replaced by each of 13 extremes (NaN,
// ±∞, 0, ±1e308, ±1e-300, −1, 1e9, a string, an empty table, an array). Reference: none (no
// panic). Tolerance: none. Found `routing.report_interval_min = 1e-300` (an 8 GiB output
// allocation), now a routing settings error.
#[test]
fn every_key_with_extreme_values_validates_or_runs_without_panicking() {
    let demo = demo_text();
    let values = [
        "nan",
        "-inf",
        "inf",
        "0",
        "1e308",
        "-1e308",
        "1e-300",
        "-1e-300",
        "-1",
        "1e9",
        "\"text\"",
        "{ }",
        "[1.0, 0.5]",
    ];
    let settings = EnsembleSettings { members: 3, seed: 1, threads: 1, shard: None };
    let mut panics = Vec::new();
    for i in 0..demo.lines().count() {
        for op in 0..2u8 {
            for v in values {
                let text = with_value(&demo, i, op, v);
                if text == demo {
                    continue;
                }
                let outcome = std::panic::catch_unwind(|| {
                    if let Ok(s) = scenario::parse(&text, &demo_dir(), "sweep.toml") {
                        let _ = tailtwin::pipeline::run_flood(&s, &Default::default());
                        let _ = run_ensemble(&s, &settings);
                    }
                });
                if outcome.is_err() {
                    let line = demo.lines().nth(i).unwrap_or_default();
                    panics.push(format!("line {} ({line}) ← {v} (op {op})", i + 1));
                }
            }
        }
    }
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}
