//! Integration tests: the whole chain with a dam section — flood, seepage at the normal level and
//! at the routed design-flood peak, stability load cases against the code minimum — through
//! `pipeline::geotech::run_scenario` and through `tailtwin run` / `tailtwin stability`.

use super::common::root;
use std::process::{Command, Output};
use tailtwin::core::{CheckStatus, LevelKind, LoadCaseKind, StabilityResultRow};
use tailtwin::scenario::Scenario;

/// The demo scenario without its geotechnical tables (`[[material]]`, `[[section]]`, `[seepage]`,
/// `[stability]`, `[reliability]`, which come last in the file).
pub(crate) fn demo_without_geotech() -> String {
    let demo = std::fs::read_to_string(root().join("scenarios/demo/valley-pond.toml")).unwrap();
    let geotech = [
        "[[material]]",
        "[[section]]",
        "[seepage]",
        "[stability]",
        "[reliability]",
        "[[reliability.material]]",
    ];
    let cut = demo.lines().position(|l| geotech.contains(&l.trim())).unwrap();
    let lines: Vec<&str> = demo.lines().collect();
    for l in &lines[cut..] {
        assert!(!l.starts_with('[') || geotech.contains(&l.trim()), "demo table {l} after the cut");
    }
    lines[..cut].join("\n")
}

/// The demo with the steeper (2.5:1, no drain) section of
/// tests/fixtures/stability/demo_section.toml, whose slip surfaces reach the phreatic line, in
/// place of its own.
fn demo_with_section_text() -> String {
    let section =
        std::fs::read_to_string(root().join("tests/fixtures/stability/demo_section.toml")).unwrap();
    format!("{}\n{section}", demo_without_geotech())
}

fn demo_with_section() -> Scenario {
    let dir = root().join("scenarios/demo");
    tailtwin::scenario::parse(&demo_with_section_text(), &dir, "demo+section").unwrap()
}

fn row<'a>(rows: &'a [StabilityResultRow], kind: LoadCaseKind, m: &str) -> &'a StabilityResultRow {
    rows.iter().find(|r| r.load_case == kind && r.method == m).unwrap()
}

// Goal: `run_scenario` adds the seepage and stability products to the flood run without changing
// the flood, and the load cases use what the flood and the seepage stage produced. Setup: the
// demo pond with a 2.5:1 tailings dam section (fixture), `[stability]` with Ordinary, Bishop and
// Spencer on entry–exit circles of the outer slope, k_h = 0.1 (k_v = k_h/3), pore water from
// seepage (the default). Reference: the flood report's numbers and check rows are those of
// `run_flood` (identical); seepage is solved at the normal level and at the routed peak stage; the
// flood case stands at the peak, the normal and special cases at the normal level; a higher pond
// raises the phreatic line and the earthquake adds load, so F(flood) < F(normal) and F(special)
// < F(normal) for every method; the required values are the risk tables' for the pond's grade and
// the slope_fos check rows agree with them (Pass/Fail for Ordinary and Bishop, Info for
// Spencer).
#[test]
fn run_scenario_adds_seepage_and_stability_without_changing_the_flood() {
    let s = demo_with_section();
    let settings = tailtwin::pipeline::RunSettings::default();
    let flood = tailtwin::pipeline::run_flood(&s, &settings).unwrap();
    let full = tailtwin::pipeline::geotech::run_scenario(&s, &settings).unwrap();
    let (f, r) = (&flood.report, &full.report);
    assert_eq!(f.peak_stage_m, r.peak_stage_m);
    assert_eq!(f.min_freeboard_m, r.min_freeboard_m);
    assert_eq!(&r.checks[..f.checks.len()], &f.checks[..], "flood checks unchanged");
    let g = full.geotech.as_ref().expect("geotech products");
    let levels: Vec<(LevelKind, f64)> =
        g.seepage.iter().map(|x| (x.profile.level, x.profile.pond_level_m)).collect();
    assert_eq!(levels, [(LevelKind::Normal, 368.5), (LevelKind::DesignFlood, f.peak_stage_m)]);
    assert_eq!(r.seepage.len(), 2);
    let rows = &r.stability;
    assert_eq!(rows.len(), 9);
    assert_eq!(rows, &g.stability_rows());
    for m in ["ordinary", "bishop", "spencer"] {
        let normal = row(rows, LoadCaseKind::Normal, m);
        let flood_row = row(rows, LoadCaseKind::Flood, m);
        let special = row(rows, LoadCaseKind::Special, m);
        assert_eq!(normal.pond_level_m, Some(368.5));
        assert_eq!(flood_row.pond_level_m, Some(f.peak_stage_m));
        assert_eq!((special.pond_level_m, special.kh), (Some(368.5), 0.1));
        let fos = |x: &StabilityResultRow| x.fos.unwrap();
        println!(
            "{m}: normal {:.4} flood {:.4} special {:.4}",
            fos(normal),
            fos(flood_row),
            fos(special)
        );
        assert!(fos(flood_row) < fos(normal) && fos(special) < fos(normal), "{m}");
    }
    let limits = tailtwin::risk::LimitSet::new(
        tailtwin::pipeline::assess::edition(&s).unwrap(),
        tailtwin::pipeline::assess::overrides(&s),
    )
    .unwrap();
    let class = tailtwin::risk::Grade::new(r.grade_number.unwrap()).unwrap();
    let geo_checks: Vec<_> = r.checks.iter().filter(|c| c.id.starts_with("slope_fos/")).collect();
    assert_eq!(geo_checks.len(), 9);
    for x in rows {
        let method = match x.method.as_str() {
            "ordinary" => Some(tailtwin::risk::StabilityMethod::SwedishCircle),
            "bishop" => Some(tailtwin::risk::StabilityMethod::SimplifiedBishop),
            _ => None,
        };
        let case = tailtwin::pipeline::stability::code_case(x.load_case);
        let required = method.map(|m| limits.min_factor_of_safety(class, m, case).unwrap().value);
        assert_eq!(x.required_fos, required, "{} {}", x.method, x.load_case.label_en());
        let id = format!(
            "slope_fos/{}/{}/{}",
            x.section,
            tailtwin::pipeline::stability::case_key(x.load_case),
            x.method
        );
        let c = geo_checks.iter().find(|c| c.id == id).unwrap();
        let expected = match required {
            Some(req) if x.fos.unwrap() >= req => CheckStatus::Pass,
            Some(_) => CheckStatus::Fail,
            None => CheckStatus::Info,
        };
        assert_eq!((c.status, c.value, c.limit), (expected, x.fos, required), "{id}");
    }
    // The stability stage drew its water from the seepage solutions: a phreatic line per case.
    let st = &g.stability[0];
    assert_eq!(st.phreatic_lines.len(), 3);
    assert!(st.near_critical.len() > 9 && st.fos_grids.is_empty(), "entry–exit: no centre grid");
}

fn tailtwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tailtwin")).args(args).output().unwrap()
}

// Goal: the commands write and print the geotechnical products of the demo (its own dam section
// A-A: seepage at the normal level and the routed peak, stability by four methods and three load
// cases on an automatic grid). Setup: `tailtwin run --out --json` and `tailtwin stability --json
// --out`. Reference: `run` reports the seepage profiles and the stability rows with the flood
// and writes the seepage and stability plots; `stability` prints the same rows as `run`, exits 1
// exactly when a required factor of safety is not met, and its results.h5 reads back with the
// same rows; the special case stands below the normal one for every method.
#[test]
fn run_and_stability_commands_write_the_geotech_products() {
    let tmp = tempfile::tempdir().unwrap();
    let file = root().join("scenarios/demo/valley-pond.toml");
    let file = file.to_str().unwrap();
    let out = tmp.path().join("run");
    let o = tailtwin(&["run", file, "--out", out.to_str().unwrap(), "--json", "--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["report"]["seepage"].as_array().unwrap().len(), 2);
    let run_rows = v["report"]["stability"].as_array().unwrap().clone();
    assert_eq!(run_rows.len(), 12);
    let files: Vec<String> =
        v["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_owned()).collect();
    for plot in ["seepage_00.png", "stability_00_normal.png", "stability_00_special.png"] {
        assert!(files.iter().any(|f| f.ends_with(plot)), "{plot} not in {files:?}");
    }
    for m in ["bishop", "ordinary", "spencer", "morgenstern_price_half_sine"] {
        let f = |case: &str| {
            run_rows.iter().find(|r| r["load_case"] == case && r["method"] == m).unwrap()["fos"]
                .as_f64()
                .unwrap()
        };
        assert!(f("special") < f("normal"), "{m}");
    }

    let out = tmp.path().join("stability");
    let o = tailtwin(&["stability", file, "--json", "--out", out.to_str().unwrap(), "--quiet"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["results"].as_array().unwrap(), &run_rows);
    assert_eq!(v["checks"].as_array().unwrap().len(), 12);
    let failed = run_rows.iter().any(|r| r["meets_minimum"] == false);
    assert_eq!(o.status.code(), Some(i32::from(failed)), "{}", String::from_utf8_lossy(&o.stderr));
    let back = tailtwin::results::read_geotech(&out.join("results.h5")).unwrap().unwrap();
    let rows: Vec<serde_json::Value> =
        back.stability_rows().iter().map(|r| serde_json::to_value(r).unwrap()).collect();
    assert_eq!(rows, run_rows);
    assert!(out.join("summary.json").is_file());
}
