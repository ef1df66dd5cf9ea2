//! Integration tests: slope reliability (`[reliability]`, `pipeline::reliability`,
//! `tailtwin stability --reliability`) on the ACADS verification slope and the demo dam.

use super::common::{demo_dir, demo_text, root};
use std::process::{Command, Output};
use tailtwin::core::{LoadCaseKind, ReliabilityRow};
use tailtwin::pipeline::geotech::{GeotechOptions, run_geotech_with};
use tailtwin::pipeline::reliability::{ReliabilitySettings, run_reliability};
use tailtwin::scenario::Scenario;

const ACADS_RELIABILITY: &str = r#"
[reliability]
samples = 2000
seed = 42
surfaces = 5
[[reliability.material]]
material = "soil"
cohesion = { distribution = "lognormal", cov = 0.3 }
friction_angle = { sd_deg = 2.0 }
unit_weight = { cov = 0.05 }
cohesion_friction_correlation = -0.3
"#;

fn acads_text() -> String {
    let dir = root().join("scenarios/verification/t2_acads_ex1a");
    let text = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    format!("{text}{ACADS_RELIABILITY}")
}

fn acads() -> Scenario {
    let dir = root().join("scenarios/verification/t2_acads_ex1a");
    tailtwin::scenario::parse(&acads_text(), &dir, "t2+reliability").unwrap()
}

fn reliability_rows(s: &Scenario, threads: usize) -> Vec<ReliabilityRow> {
    let options = GeotechOptions { threads, seepage_only_for_stability: true, slice_tables: false };
    let flood =
        s.pond.as_ref().map(|_| tailtwin::pipeline::run_flood(s, &Default::default()).unwrap());
    let geotech = run_geotech_with(s, flood.as_ref(), options).unwrap().run;
    run_reliability(s, &geotech, &ReliabilitySettings::from_scenario(s, threads)).unwrap()
}

fn tailtwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tailtwin")).args(args).output().unwrap()
}

// Goal: the stage gives one row per method on a slope at the edge of failure, FOSM is centred on
// the deterministic factor of safety, nothing is dropped, and the result does not depend on the
// thread count. Setup: T2 ACADS EX1(a) (searched F ≈ 0.98, dry) with c′ lognormal (cov 0.3),
// φ′ normal (sd 2°), γ normal (cov 0.05), ρ(c′, φ′) = −0.3, 2000 samples, 5 surfaces, on 1 and
// 2 threads. Reference: FOSM μ_F is F on the deterministic critical surface with the search's
// solver (tolerance 1e-9 relative: the same slices and solver, only round-off); F(μ) < 1 gives
// β_FOSM < 0 and P_FOSM > 0.5; the MC sample mean lies below F(μ) + 4 σ/√N (a sample's F is the
// least over five surfaces that include the critical one, so it can only be lower than on the
// critical surface alone; the mean of F on one surface is F(μ) to first order); every sample is
// counted (members + failed = samples); rows identical on 1 and 2 threads.
#[test]
fn acads_reliability_rows_are_centred_on_the_deterministic_fos_and_thread_independent() {
    let s = acads();
    let rows = reliability_rows(&s, 1);
    let methods: Vec<&str> = rows.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        methods,
        [
            "ordinary",
            "bishop",
            "spencer",
            "morgenstern_price_constant",
            "morgenstern_price_half_sine"
        ]
    );
    for r in &rows {
        println!(
            "{}: F {:.4} FOSM μ {:.4} σ {:.4} β {:.3} P {:.4} | MC μ {:.4} σ {:.4} β {:.3} P {:.4} \
             [{:.4}, {:.4}]",
            r.method,
            r.fos_deterministic,
            r.fos_mean_fosm,
            r.fos_sd_fosm,
            r.beta_fosm,
            r.p_failure_fosm,
            r.fos_mean_mc,
            r.fos_sd_mc,
            r.beta_mc,
            r.p_failure_mc.estimate,
            r.p_failure_mc.ci95[0],
            r.p_failure_mc.ci95[1]
        );
        assert_eq!(r.load_case, LoadCaseKind::Normal);
        assert!((r.fos_mean_fosm / r.fos_deterministic - 1.0).abs() < 1e-9, "{}", r.method);
        assert!(r.fos_deterministic < 1.0 && r.beta_fosm < 0.0 && r.p_failure_fosm > 0.5);
        assert_eq!(r.p_failure_mc.members + r.failed_samples, 2000, "{}", r.method);
        assert!(r.fos_mean_mc < r.fos_mean_fosm + 4.0 * r.fos_sd_mc / 2000f64.sqrt());
        assert!(r.surfaces >= 2 && r.surfaces <= 5);
        let names: Vec<&str> = r.inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "reliability.material[0].cohesion",
                "reliability.material[0].friction_angle",
                "reliability.material[0].unit_weight"
            ]
        );
        assert!(r.inputs[0].distribution.starts_with("lognormal, mean 3.0000 kPa"));
    }
    assert_eq!(rows, reliability_rows(&s, 2), "1 and 2 threads differ");
}

// Goal: the demo dam's reliability, as the report quotes it. Setup: scenarios/demo/valley-pond
// (flood → seepage at the normal and design-flood levels → stability, 4 methods × 3 load cases)
// with its [reliability] block (phreatic offset sd 0.5 m and the tailings sand's ln k sd 0.7
// mapped onto it by seepage solves, φ′ sd 2° for every material, lognormal
// c′ of the silt and the foundation, ρ(c′, φ′) = −0.3, 1000 samples). Reference: 12 rows; FOSM
// μ_F = the deterministic F (1e-9); the earthquake lowers F(μ) by ≈ 0.4 while σ_F stays ≈ 0.1, so
// β(special) < β(normal) by both methods; FOSM's P (a normal-tail extrapolation) lies inside the
// MC Wilson interval, which 1000 samples can only bound from above for a dam this safe.
#[test]
fn demo_dam_reliability_by_load_case() {
    let s = tailtwin::scenario::parse(&demo_text(), &demo_dir(), "demo").unwrap();
    let rows = reliability_rows(&s, 2);
    assert_eq!(rows.len(), 12);
    let k = rows[0].inputs.iter().find(|i| i.name == "reliability.k_ratio").expect("k ratio");
    assert!(k.distribution.contains("phreatic offset sd"), "{}", k.distribution);
    for r in &rows {
        println!(
            "{:?} {}: F {:.4} FOSM σ {:.4} β {:.3} P {:.3e} | MC μ {:.4} σ {:.4} β {:.3} P {} \
             [{:.2e}, {:.2e}] n {}",
            r.load_case,
            r.method,
            r.fos_deterministic,
            r.fos_sd_fosm,
            r.beta_fosm,
            r.p_failure_fosm,
            r.fos_mean_mc,
            r.fos_sd_mc,
            r.beta_mc,
            r.p_failure_mc.estimate,
            r.p_failure_mc.ci95[0],
            r.p_failure_mc.ci95[1],
            r.p_failure_mc.members
        );
        assert!((r.fos_mean_fosm / r.fos_deterministic - 1.0).abs() < 1e-9);
        let [lo, hi] = r.p_failure_mc.ci95;
        assert!(lo <= r.p_failure_fosm && r.p_failure_fosm <= hi, "{}", r.method);
    }
    let beta = |kind, m: &str| {
        let r = rows.iter().find(|r| r.load_case == kind && r.method == m).unwrap();
        (r.beta_fosm, r.beta_mc)
    };
    for m in ["bishop", "ordinary", "spencer", "morgenstern_price_half_sine"] {
        let (normal, special) = (beta(LoadCaseKind::Normal, m), beta(LoadCaseKind::Special, m));
        assert!(special.0 < normal.0 && special.1 < normal.1, "{m}: {special:?} vs {normal:?}");
    }
}

// Goal: `tailtwin stability --reliability --json` adds the rows, and the flags are checked.
// Setup: T2 + [reliability] through the binary with --samples 200 --seed 3; then without the
// block. Reference: `reliability` holds 5 rows with 200 samples each; without [reliability] the
// command exits 2 naming the block.
#[test]
fn stability_command_reports_reliability_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acads.toml");
    std::fs::write(&file, acads_text()).unwrap();
    let path = file.to_str().unwrap();
    let o = tailtwin(&[
        "stability",
        path,
        "--json",
        "--quiet",
        "--reliability",
        "--samples",
        "200",
        "--seed",
        "3",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let rows: Vec<ReliabilityRow> = serde_json::from_value(doc["reliability"].clone()).unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.p_failure_mc.members + r.failed_samples == 200));
    let plain = root().join("scenarios/verification/t2_acads_ex1a/scenario.toml");
    let o = tailtwin(&["stability", plain.to_str().unwrap(), "--quiet", "--reliability"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("[reliability]"));
}

// Goal: nonsense in [reliability] is reported by `tailtwin check` with key paths, all at once.
// Setup: T2 (dry) + [reliability] with a phreatic offset (a dry case has no phreatic surface), a
// negative cov, ρ = 1.5 and an unknown material. Reference: exit 2 and each key path on stderr.
#[test]
fn bad_reliability_input_names_its_keys() {
    let bad = r#"
[reliability]
samples = 100
phreatic_offset = { sd_m = 1.0 }
[[reliability.material]]
material = "soil"
cohesion = { distribution = "lognormal", cov = -0.3 }
friction_angle = { sd_deg = 2.0 }
cohesion_friction_correlation = 1.5
[[reliability.material]]
material = "clay"
cohesion = { cov = 0.3 }
"#;
    let dir = root().join("scenarios/verification/t2_acads_ex1a");
    let text = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.toml");
    std::fs::write(&file, format!("{text}{bad}")).unwrap();
    let o = tailtwin(&["check", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for key in [
        "reliability.phreatic_offset",
        "reliability.material[0].cohesion.cov",
        "reliability.material[0].cohesion_friction_correlation",
        "reliability.material[1].material",
    ] {
        assert!(err.contains(key), "{key} missing from {err}");
    }
    assert!(!err.contains("panicked"));
}
