//! Risk assessment products in results.h5 and report.html (hand-made assessment values on the
//! results fixture), and the `assess` / `portfolio` commands end to end on small scenarios.

use crate::results_viz::{flood_run, png_stats, unbalanced};
use std::fs;
use std::path::Path;
use tailtwin::core::assessment::{
    ConvergencePoint, Driver, EnsembleSummary, ExceedanceCurve, ExceedancePoint, HazardBasis,
    HazardItem, ItemWarning, LegacyClassification, LegacyPondClass, Probability, ReliabilityRow,
    ReturnLevel, RiskScore, SafetyStatus, SampledInput, Tail,
};
use tailtwin::core::geotech::LoadCaseKind;
use tailtwin::core::{AlarmLevel, FloodRun};
use tailtwin::results::{list_datasets, read_results_h5, read_summary_json, write_results_h5};
use tailtwin::viz::assessment::AssessmentPlot;

/// An ensemble of `n` members with a hand-made empirical curve (p = k/n at sorted values).
pub fn sample_ensemble(n: u64) -> EnsembleSummary {
    let curve = |quantity: &str, zh: &str, en: &str, tail: Tail, base: f64, step: f64| {
        let k = 12;
        ExceedanceCurve {
            quantity: quantity.into(),
            label_zh: zh.into(),
            label_en: en.into(),
            units: "m".into(),
            tail,
            points: (0..=k)
                .map(|i| {
                    // Upper tail: P falls with the value; lower tail: P rises with it. The
                    // last upper point has p = 0 (infinite return period).
                    let hits = match tail {
                        Tail::Upper => (n * (k - i) as u64 / k as u64) / (1 + i as u64),
                        Tail::Lower => n * (i as u64 + 1) / (k as u64 + 1) / 4,
                    };
                    let hits = if tail == Tail::Upper && i == k { 0 } else { hits };
                    let p = hits as f64 / n as f64;
                    ExceedancePoint {
                        value: base + step * i as f64,
                        probability: p,
                        return_period_years: 1.0 / p,
                    }
                })
                .collect(),
        }
    };
    EnsembleSummary {
        members: n,
        seed: 42,
        threads: 2,
        shards: 1,
        failed_members: 3,
        p_overtopping: Probability::from_counts(n / 50, n),
        p_freeboard_below_min: Probability::from_counts(n / 8, n),
        p_beach_below_min: Probability::from_counts(0, n),
        min_freeboard_required_m: 0.7,
        min_beach_required_m: Some(70.0),
        p_dambreak: Some(Probability::from_counts(n / 50, n)),
        dambreak_trigger: Some("overtopping 漫顶".into()),
        curves: vec![
            curve("peak_stage_m", "最高库水位", "Peak pond level", Tail::Upper, 101.2, 0.15),
            curve("min_freeboard_m", "最小安全超高", "Minimum freeboard", Tail::Lower, 0.1, 0.12),
        ],
        return_levels: [2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0]
            .iter()
            .enumerate()
            .map(|(k, &t)| ReturnLevel {
                return_period_years: t,
                peak_stage_m: 101.3 + 0.21 * k as f64,
                min_freeboard_m: 1.6 - 0.21 * k as f64,
            })
            .collect(),
        convergence: (1..=8)
            .map(|k| {
                let m = n >> (8 - k);
                let p = Probability::from_counts(m / 50 + k % 2, m);
                ConvergencePoint {
                    members: m,
                    estimate: p.estimate,
                    standard_error: p.standard_error,
                }
            })
            .collect(),
        inputs: vec![
            SampledInput {
                name: "storm depth 24 h".into(),
                distribution: "Pearson III, mean 112 mm, Cv 0.45, Cs/Cv 3.5".into(),
            },
            SampledInput { name: "initial level".into(), distribution: "normal ± 0.3 m".into() },
        ],
        elapsed_s: 1.25,
        members_per_s: n as f64 / 1.25,
    }
}

/// One reliability row.
pub fn sample_reliability() -> Vec<ReliabilityRow> {
    vec![ReliabilityRow {
        section: "main".into(),
        load_case: LoadCaseKind::Flood,
        method: "bishop".into(),
        fos_deterministic: 1.183,
        fos_mean_fosm: 1.181,
        fos_sd_fosm: 0.094,
        beta_fosm: 1.925,
        p_failure_fosm: 0.0271,
        fos_mean_mc: 1.179,
        fos_sd_mc: 0.097,
        beta_mc: 1.845,
        p_failure_mc: Probability::from_counts(31, 1000),
        failed_samples: 2,
        surfaces: 5,
        inputs: vec![SampledInput {
            name: "φ′ tailings".into(),
            distribution: "normal 30°, 2°".into(),
        }],
    }]
}

/// A status with a major hazard (item 4), an orange pond level and a high matrix cell.
pub fn sample_status() -> SafetyStatus {
    let warning = |item: &str, zh: &str, en: &str, level, value, units: &str| ItemWarning {
        item: item.into(),
        label_zh: zh.into(),
        label_en: en.into(),
        level,
        value,
        units: units.into(),
        thresholds: vec![
            (AlarmLevel::Blue, 1.2),
            (AlarmLevel::Yellow, 1.0),
            (AlarmLevel::Orange, 0.85),
            (AlarmLevel::Red, 0.7),
        ],
        source: "GB 51108 guidance".into(),
    };
    SafetyStatus {
        hazards: vec![
            HazardItem {
                number: 4,
                text_zh: "安全超高和干滩长度小于设计规范规定".into(),
                text_en: "freeboard or beach length below the code minimum".into(),
                present: Some(true),
                basis: HazardBasis::Simulation,
                evidence: "design-flood freeboard 0.42 m < 0.7 m".into(),
            },
            HazardItem {
                number: 7,
                text_zh: "坝体出现贯穿性裂缝".into(),
                text_en: "through-going cracks <in> the dam".into(),
                present: Some(false),
                basis: HazardBasis::Inspection,
                evidence: "inspection 2026-04-02".into(),
            },
            HazardItem {
                number: 11,
                text_zh: "未按规定配置在线监测".into(),
                text_en: "no online monitoring".into(),
                present: None,
                basis: HazardBasis::NotAssessed,
                evidence: String::new(),
            },
        ],
        major_hazard: true,
        legacy: LegacyClassification {
            class: LegacyPondClass::Danger,
            reasons: vec!["freeboard below minimum".into()],
            note: "AQ 2006-2005, superseded".into(),
        },
        warnings: vec![
            warning("freeboard", "安全超高", "Freeboard", AlarmLevel::Orange, 0.78, "m"),
            warning("beach_length", "干滩长度", "Beach length", AlarmLevel::None, 1.4, "m"),
        ],
        pond_warning: AlarmLevel::Orange,
        score: RiskScore {
            score: 71.5,
            likelihood: 4,
            consequence: 3,
            matrix_cell: "high".into(),
            probability: 0.02,
            consequence_class: Some("High".into()),
            drivers: vec![
                Driver {
                    key: "freeboard".into(),
                    text_zh: "设计洪水安全超高 0.42 m < 0.7 m".into(),
                    text_en: "design-flood freeboard 0.42 m < 0.7 m required".into(),
                    contribution: 40.0,
                },
                Driver {
                    key: "p_overtopping".into(),
                    text_zh: "年漫顶概率 0.02".into(),
                    text_en: "annual overtopping probability 0.02".into(),
                    contribution: 31.5,
                },
            ],
            scheme: "score = 100·(w_p·L + w_c·C)/…".into(),
        },
    }
}

/// The results fixture with every assessment product.
pub fn assessed_run() -> FloodRun {
    let mut run = flood_run(true);
    run.report.ensemble = Some(sample_ensemble(4000));
    run.report.reliability = sample_reliability();
    run.report.status = Some(sample_status());
    run
}

// Goal: /risk/ensemble, /risk/reliability and /risk/status store every assessment value and
// the reader rebuilds the Report exactly (including an infinite return period, stored as the
// missing value, and None/Some(false)/Some(true) hazard items). Setup: the results fixture
// with hand-made assessment values. Reference: the FloodRun written. Tolerance: none (IEEE
// doubles stored as is).
#[test]
fn assessment_groups_round_trip_exactly_through_results_h5() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.h5");
    let run = assessed_run();
    assert!(
        run.report.ensemble.as_ref().unwrap().curves[0]
            .points
            .iter()
            .any(|p| p.return_period_years.is_infinite())
    );
    write_results_h5(&path, &run).unwrap();
    assert_eq!(read_results_h5(&path).unwrap(), run);
    // Without any assessment the groups are absent and the run still round-trips.
    let plain = flood_run(false);
    write_results_h5(&path, &plain).unwrap();
    assert_eq!(read_results_h5(&path).unwrap(), plain);
    assert!(!list_datasets(&path).unwrap().iter().any(|d| d.path.starts_with("/risk/status")));
}

// Goal: every assessment dataset carries units and a description, with the expected units on
// the key ones. Setup: walk the file of the assessed fixture. Reference: the layout in the
// results crate docs. Tolerance: exact.
#[test]
fn every_assessment_dataset_has_units_and_description() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.h5");
    write_results_h5(&path, &assessed_run()).unwrap();
    let all = list_datasets(&path).unwrap();
    let ours: Vec<_> = all
        .iter()
        .filter(|d| {
            ["/risk/ensemble", "/risk/reliability", "/risk/status"]
                .iter()
                .any(|p| d.path.starts_with(p))
        })
        .collect();
    assert!(ours.len() > 60, "only {} assessment datasets", ours.len());
    for d in &ours {
        assert!(d.units.as_deref().is_some_and(|u| !u.is_empty()), "{} has no units", d.path);
        assert!(d.description.as_deref().is_some_and(|u| !u.is_empty()), "{}", d.path);
    }
    let units = |p: &str| all.iter().find(|d| d.path == p).and_then(|d| d.units.clone());
    for (p, u) in [
        ("/risk/ensemble/p_overtopping/estimate", "1"),
        ("/risk/ensemble/p_overtopping/ci95", "1"),
        ("/risk/ensemble/return_levels/peak_stage", "m"),
        ("/risk/ensemble/return_levels/return_period", "years"),
        ("/risk/ensemble/curves/curve_00/value", "m"),
        ("/risk/ensemble/members_per_s", "1/s"),
        ("/risk/reliability/row_00/beta_fosm", "1"),
        ("/risk/status/score/score", "1"),
        ("/risk/status/warnings/item_00/thresholds", "m"),
        ("/risk/status/hazards/present", "-"),
    ] {
        assert_eq!(units(p).as_deref(), Some(u), "{p}");
    }
}

// Goal: summary.json carries the assessment and reads back equal, the infinite return period
// of a p = 0 point included (written as null); a NaN inside the assessment is refused naming
// its field. Reference: the Report written. Tolerance: none.
#[test]
fn assessment_report_round_trips_through_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.json");
    let mut run = assessed_run();
    tailtwin::results::write_summary_json(&path, &run.report).unwrap();
    assert_eq!(read_summary_json(&path).unwrap(), run.report);
    assert!(fs::read_to_string(&path).unwrap().contains("\"return_period_years\": null"));
    run.report.status.as_mut().unwrap().score.drivers[1].contribution = f64::NAN;
    let e = tailtwin::results::write_summary_json(&path, &run.report).unwrap_err();
    assert!(e.to_string().contains("status.score.drivers[1].contribution"), "{e}");
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("<section id=\"{id}\"")).unwrap_or_else(|| panic!("{id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

// Goal: report.html opens with the supervisor summary: pond warning level, major-hazard flag,
// score and matrix cell, probabilities with their 95 % intervals, drivers in order, hazard
// items, the legacy class labelled superseded, item warnings, the brief check table (failing
// first), a link to the dam-break page when the consequence comes from one, and the four
// assessment plots; the page stays well formed. The plots are PNGs of the
// declared size that are not blank. Setup: write_all on the assessed fixture.
#[test]
fn report_opens_with_the_supervisor_summary_and_assessment_plots() {
    let dir = tempfile::tempdir().unwrap();
    let run = assessed_run();
    tailtwin::viz::write_all(dir.path(), &run).unwrap();
    if let Some(keep) = std::env::var_os("TAILTWIN_KEEP_OUTPUT") {
        tailtwin::viz::write_all(&Path::new(&keep).join("assessed"), &run).unwrap();
    }
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(unbalanced(&html), None);
    let summary_at = html.find("<section id=\"summary\"").expect("summary section");
    assert!(summary_at < html.find("<section id=\"key-results\"").unwrap(), "summary first");
    let s = section(&html, "summary");
    for needle in [
        "lv-orange",
        "MAJOR HAZARD PRESENT",
        "<b>71.5</b> / 100",
        "cell-high",
        "AQ 2006-2005, 已废止 superseded",
        "危库 / dangerous",
        "design-flood freeboard 0.42 m &lt; 0.7 m required",
        "through-going cracks &lt;in&gt; the dam",
        "未评估 / not assessed",
        "GB 51108 guidance",
        "id=\"checks-brief\"",
        "id=\"reliability\"",
        "overtopping 漫顶",
        // The consequence class comes from a dam break, whose page `assess` writes beside.
        "(High, <a href=\"dambreak/report.html\">",
    ] {
        assert!(s.contains(needle), "summary lacks {needle:?}");
    }
    // P(overtopping) = 80/4000 with its Wilson interval.
    let p = Probability::from_counts(80, 4000);
    assert!(s.contains(&format!(
        "0.0200 <span class=\"note\">[{:.4}, {:.4}] 95 %, 80/4000",
        p.ci95[0], p.ci95[1]
    )));
    let first = s.find("design-flood freeboard").unwrap();
    assert!(first < s.find("annual overtopping probability").unwrap(), "drivers ranked");
    for plot in AssessmentPlot::ALL {
        assert!(s.contains(&format!("id=\"plot-{}\"", plot.file_stem())), "{plot:?}");
        let (w, h, colours) =
            png_stats(&dir.path().join(format!("plots/{}.png", plot.file_stem())));
        assert_eq!((w, h), plot.size(), "{plot:?}");
        assert!(colours > 50, "{plot:?}: only {colours} colours");
    }
    // A plain run has no summary and no assessment plots.
    let plain = tempfile::tempdir().unwrap();
    tailtwin::viz::write_all(plain.path(), &flood_run(true)).unwrap();
    let html = fs::read_to_string(plain.path().join("report.html")).unwrap();
    assert!(!html.contains("id=\"summary\""));
    assert!(!plain.path().join("plots/risk_matrix.png").exists());
}

/// Runs the binary; returns (exit code, stdout, stderr).
fn tailtwin(args: &[&str]) -> (Option<i32>, String, String) {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_tailtwin")).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn city(name: &str) -> std::path::PathBuf {
    crate::common::root().join("scenarios/city").join(name)
}

// Goal: `portfolio` on a folder without scenarios (empty, or only other files) and on a missing
// folder is bad input (exit 2) with a message naming the folder; nothing is written.
#[test]
fn portfolio_of_an_empty_folder_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    fs::write(empty.join("notes.txt"), "no scenarios here").unwrap();
    let out = tmp.path().join("out");
    for dir in [empty.clone(), tmp.path().join("missing")] {
        let (code, _, err) =
            tailtwin(&["portfolio", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(dir.to_str().unwrap()), "{err}");
    }
    assert!(!out.exists());
}

// Goal: one broken scenario among good ones is reported (file and the key-path error, in the
// JSON ranking, the CSV and the page) and the good ones are still assessed and ranked, key pond
// first; exit 1 (a scenario could not be assessed). Setup: two light city ponds (C, F; F has
// `underground_workers_per_shift = 12`, not a key pond) made key/non-key by a copy with
// `key_pond = true`, plus a scenario with a missing `[pond] crest_m`; 30 members.
#[test]
fn one_broken_scenario_is_reported_and_the_rest_ranked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ponds");
    fs::create_dir(&dir).unwrap();
    let c = fs::read_to_string(city("c-water-retaining.toml")).unwrap();
    let f = fs::read_to_string(city("f-centerline-rating.toml")).unwrap();
    fs::write(dir.join("c.toml"), &c).unwrap();
    let f_key = f.replacen("underground_workers_per_shift = 12", "key_pond = true", 1);
    assert_ne!(f_key, f);
    fs::write(dir.join("f.toml"), f_key).unwrap();
    fs::write(dir.join("broken.toml"), c.replacen("crest_m = 522.0\n", "", 1)).unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, err) = tailtwin(&[
        "portfolio",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--members",
        "30",
        "--json",
        "--quiet",
    ]);
    assert_eq!(code, Some(1), "{err}");
    let p: tailtwin::viz::portfolio::Portfolio = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = p.ponds.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["f", "c"], "key pond first");
    assert!(p.ponds[0].key_pond && !p.ponds[1].key_pond);
    assert_eq!(p.failed.len(), 1);
    assert_eq!(p.failed[0].file, "broken.toml");
    assert!(p.failed[0].error.contains("pond.crest_m"), "{}", p.failed[0].error);
    let on_disk: tailtwin::viz::portfolio::Portfolio =
        serde_json::from_str(&fs::read_to_string(out.join("ranking.json")).unwrap()).unwrap();
    assert_eq!(on_disk, p);
    let csv = fs::read_to_string(out.join("ranking.csv")).unwrap();
    assert!(csv.lines().nth(3).is_some_and(|l| l.starts_with(",broken.toml,")), "{csv}");
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(unbalanced(&html), None);
    assert!(html.find("id=\"pond-f\"").unwrap() < html.find("id=\"pond-c\"").unwrap());
    assert!(html.contains("pond.crest_m"));
    for id in ["c", "f"] {
        let report = read_summary_json(&out.join("ponds").join(id).join("summary.json")).unwrap();
        let e = report.ensemble.as_ref().expect("ensemble");
        assert_eq!(e.members + e.failed_members, 30);
        assert!(report.status.is_some());
        assert!(out.join("ponds").join(id).join("plots/risk_matrix.png").exists());
        // The file holds the same Report.
        let run = read_results_h5(&out.join("ponds").join(id).join("results.h5")).unwrap();
        assert_eq!(run.report.status, report.status);
    }
}

// Goal: `assess` exits 1 when a major hazard or a failed check is present and 0 when neither;
// the Report it prints has the ensemble (with the members asked for), the status and the
// score; reruns with the same seed give the same probabilities. Setup: city pond E (near
// failure: blocked tower, fails freeboard) and city pond C (passes), 30 members.
#[test]
fn assess_exit_status_follows_checks_and_major_hazards() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |file: &str, out: &str| {
        let (code, stdout, err) = tailtwin(&[
            "assess",
            city(file).to_str().unwrap(),
            "--members",
            "30",
            "--seed",
            "3",
            "--json",
            "--quiet",
            "--out",
            tmp.path().join(out).to_str().unwrap(),
        ]);
        let v: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {err}"));
        (code, serde_json::from_value::<tailtwin::core::Report>(v["report"].clone()).unwrap())
    };
    let (code, e) = run("e-near-failure.toml", "e");
    assert_eq!(code, Some(1));
    let s = e.status.as_ref().unwrap();
    assert!(
        s.major_hazard || e.checks.iter().any(|c| c.status == tailtwin::core::CheckStatus::Fail)
    );
    let (code, c) = run("c-water-retaining.toml", "c");
    assert_eq!(code, Some(0), "{:?}", c.checks);
    assert!(!c.status.as_ref().unwrap().major_hazard);
    let ens = c.ensemble.as_ref().unwrap();
    assert_eq!(ens.members + ens.failed_members, 30);
    let (_, again) = run("c-water-retaining.toml", "c2");
    assert_eq!(again.ensemble.unwrap().p_overtopping, ens.p_overtopping);
}
