//! Integration tests: scenario format v1 (serde layer, validation, key paths, CSV curves, docs).
//!
//! Goal: every malformed scenario is rejected with the key path of what is wrong, all problems at
//! once, never a panic; every example in scenarios/README.md parses and validates.

use proptest::prelude::*;
use std::path::Path;
use tailtwin::scenario::{self, Problem, ScenarioError};

use super::common::{demo_dir, demo_text, demo_with as mutate, root};

fn problems_of(text: &str, base: &Path) -> Vec<Problem> {
    match scenario::parse(text, base, "mutated.toml") {
        Ok(_) => Vec::new(),
        Err(e) => e.problems(),
    }
}

// Goal: the shipped demo scenarios are valid. Setup: scenarios/demo/*.toml. Reference: they are
// the README's run command input. Tolerance: none (validation is exact).
#[test]
fn demo_scenarios_validate() {
    for f in ["valley-pond.toml", "blocked-tower.toml"] {
        let s = scenario::load(&demo_dir().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(s.structures.len(), 3);
        // SI conversion: km² → m², h → s.
        let c = s.catchment.as_ref().expect("catchment");
        assert!((c.area_m2 - 3.8e6).abs() < 1e-6, "{}", c.area_m2);
        assert_eq!(s.routing.duration_s, Some(72.0 * 3600.0));
        assert_eq!(s.structures[0].outlet, Some(1));
        assert!(s.structures[1].is_outlet_of_another);
    }
}

// Goal: each malformed scenario names the key path of its problem. Setup: the demo mutated in
// one place per case. Reference: the path the user must edit. Tolerance: exact path match.
#[test]
fn malformed_scenarios_name_the_key_path() {
    let inline_table =
        |z: &str, v: &str| format!("stage_storage = {{ elevation_m = [{z}], volume_m3 = [{v}] }}");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "non-monotone stage–storage elevations",
            mutate(
                "stage_storage = \"curves/stage_storage.csv\"",
                &inline_table("300.0, 350.0, 340.0, 380.0", "0, 1e6, 2e6, 4e7"),
            ),
            "pond.stage_storage.elevation_m[2]",
        ),
        (
            "decreasing stage–storage volumes",
            mutate(
                "stage_storage = \"curves/stage_storage.csv\"",
                &inline_table("300.0, 340.0, 360.0, 380.0", "0, 2e6, 1e6, 4e7"),
            ),
            "pond.stage_storage.volume_m3[2]",
        ),
        (
            "negative area",
            mutate(
                "stage_storage = \"curves/stage_storage.csv\"",
                "stage_storage = { elevation_m = [300.0, 340.0, 380.0], area_m2 = [0.0, -5.0, 1e6] }",
            ),
            "pond.stage_storage.area_m2[1]",
        ),
        (
            "stage–storage table ends below the crest",
            mutate(
                "stage_storage = \"curves/stage_storage.csv\"",
                &inline_table("300.0, 340.0, 360.0", "0, 1e6, 2e6"),
            ),
            "pond.stage_storage.elevation_m",
        ),
        (
            "unknown structure kind",
            mutate("kind = \"spillway\"", "kind = \"spilway\""),
            "structure[2].kind",
        ),
        (
            "windows above the tower crown",
            mutate("lowest_sill_m = 340.0", "lowest_sill_m = 372.8"),
            "structure[0].windows.lowest_sill_m",
        ),
        (
            "windows below the tower base",
            mutate("lowest_sill_m = 340.0", "lowest_sill_m = 335.0"),
            "structure[0].windows.lowest_sill_m",
        ),
        ("missing key", mutate("crest_m = 372.0 ", "# no crest "), "pond.crest_m"),
        ("key without its unit suffix", mutate("crest_m = 372.0 ", "crest = 372.0 "), "pond.crest"),
        (
            "unknown key in a structure",
            mutate("shaft_diameter_m = 4.0", "shaft_diameter_m = 4.0\nshaft_dia = 4.0"),
            "structure[0].shaft_dia",
        ),
        ("duplicate ids", mutate("id = \"tunnel-1\"", "id = \"tower-1\""), "structure[1].id"),
        (
            "unknown outlet",
            mutate("outlet = \"tunnel-1\"", "outlet = \"tunnel-9\""),
            "structure[0].outlet",
        ),
        (
            "outlet is not a conduit",
            mutate("outlet = \"tunnel-1\"", "outlet = \"spillway\""),
            "structure[0].outlet",
        ),
        (
            "initial level above the crest",
            mutate("normal_level_m = 368.5", "normal_level_m = 368.5\ninitial_level_m = 380.0"),
            "pond.initial_level_m",
        ),
        (
            "beach crest above the dam crest",
            mutate("beach_crest_m = 371.5", "beach_crest_m = 373.0"),
            "pond.beach_crest_m",
        ),
        (
            "negative catchment area",
            mutate("area_km2 = 3.8", "area_km2 = -3.8"),
            "catchment.area_km2",
        ),
        (
            "curve number above 100",
            mutate("curve_number = 80", "curve_number = 108"),
            "catchment.runoff.curve_number",
        ),
        (
            "Chicago peak position outside [0, 1]",
            mutate("peak_position = 0.4", "peak_position = 1.5"),
            "storm.pattern.peak_position",
        ),
        (
            "condition factor above 1",
            mutate("outlet = \"tunnel-1\"", "outlet = \"tunnel-1\"\ncondition = 1.4"),
            "structure[0].condition",
        ),
        ("unknown standard", mutate("GB39496-2020", "GB39496-2021"), "scenario.standard"),
        (
            "two storm depth sources",
            mutate("interval_min = 10", "interval_min = 10\ndepth_mm = 300.0"),
            "storm",
        ),
        (
            "conduit with adverse slope",
            mutate("outlet_invert_m = 330.0", "outlet_invert_m = 345.0"),
            "structure[1].outlet_invert_m",
        ),
        (
            "text where a number belongs",
            mutate("bottom_m = 300.0", "bottom_m = \"300\""),
            "pond.bottom_m",
        ),
        (
            "interval that does not divide the duration",
            mutate("interval_min = 10", "interval_min = 7"),
            "storm.interval_min",
        ),
        (
            "tower base below its tunnel inlet",
            mutate("base_m = 338.0", "base_m = 336.0"),
            "structure[0].base_m",
        ),
        (
            "spillway crest above the dam crest",
            mutate("crest_m = 370.9", "crest_m = 372.5"),
            "structure[2].crest_m",
        ),
        (
            "windows that do not fit around the shaft",
            mutate("per_row = 8", "per_row = 12"),
            "structure[0].windows.per_row",
        ),
        (
            "stage–storage table that does not start at the bottom",
            mutate(
                "stage_storage = \"curves/stage_storage.csv\"",
                &inline_table("299.0, 340.0, 360.0, 380.0", "0, 1e6, 2e6, 4e7"),
            ),
            "pond.stage_storage.elevation_m[0]",
        ),
        (
            "a coefficient the structure itself rejects (broad-crested m above 0.6)",
            format!(
                "{}\n[[structure]]\nid = \"notch\"\nkind = \"weir\"\ncrest_m = 370.0\n\
                 width_m = 2.0\ndischarge_coefficient = 0.8\n",
                demo_text()
            ),
            "structure[3]",
        ),
        (
            "unknown runoff method",
            mutate("method = \"scs_cn\"", "method = \"horton\""),
            "catchment.runoff.method",
        ),
    ];
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for (what, text, path) in &cases {
        let problems = problems_of(text, &demo_dir());
        if !problems.iter().any(|p| p.path == *path) {
            failures.push(format!("{what}: expected a problem at `{path}`, got {problems:?}"));
        }
        assert!(problems.iter().all(|p| !p.message.is_empty()));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// Goal: validation reports every problem at once, not the first only. Setup: three independent
// mistakes. Reference: each path. Tolerance: exact.
#[test]
fn validation_reports_all_problems_at_once() {
    let text = mutate("area_km2 = 3.8", "area_km2 = -1.0")
        .replacen("peak_position = 0.4", "peak_position = -0.2", 1)
        .replacen("outlet = \"tunnel-1\"", "outlet = \"nowhere\"", 1);
    let paths: Vec<String> = problems_of(&text, &demo_dir()).into_iter().map(|p| p.path).collect();
    for want in ["catchment.area_km2", "storm.pattern.peak_position", "structure[0].outlet"] {
        assert!(paths.iter().any(|p| p == want), "{want} missing from {paths:?}");
    }
}

// Goal: serde errors keep TOML's line and column. Setup: a string where the bottom elevation
// belongs. Reference: its line in the file. Tolerance: exact.
#[test]
fn syntax_errors_keep_line_and_column() {
    let text = mutate("bottom_m = 300.0", "bottom_m = \"300\"");
    let line = text.lines().position(|l| l.starts_with("bottom_m")).expect("line") + 1;
    match scenario::parse(&text, &demo_dir(), "x.toml") {
        Err(ScenarioError::Syntax { line: l, column, path, .. }) => {
            assert_eq!(l, line);
            assert!(column >= 1);
            assert_eq!(path, "pond.bottom_m");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

/// Writes `csv` as the stage–storage file of a demo copy in a temporary folder.
fn with_stage_storage_csv(csv: &str) -> Vec<Problem> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ss.csv"), csv).expect("write csv");
    let text = mutate("\"curves/stage_storage.csv\"", "\"ss.csv\"");
    problems_of(&text, dir.path())
}

// Goal: CSV errors name the file, line and column. Setup: three broken stage–storage files.
// Reference: the broken cell. Tolerance: exact text.
#[test]
fn csv_errors_name_file_line_and_column() {
    let missing = with_stage_storage_csv("elevation_m\n300\n380\n");
    assert!(
        missing.iter().any(|p| p.path == "pond.stage_storage" && p.message.contains("volume_m3")),
        "{missing:?}"
    );
    let text_cell = with_stage_storage_csv("elevation_m,volume_m3\n300,0\n340,1e6\n380,abc\n");
    assert!(
        text_cell.iter().any(|p| p.path == "pond.stage_storage"
            && p.message.contains("ss.csv line 4, column 2")
            && p.message.contains("abc")),
        "{text_cell:?}"
    );
    let short_row = with_stage_storage_csv("elevation_m,volume_m3\n300,0\n340\n380,4e7\n");
    assert!(
        short_row.iter().any(|p| p.path == "pond.stage_storage" && p.message.contains("line 3")),
        "{short_row:?}"
    );
    let unknown_col = with_stage_storage_csv("elevation,volume_m3\n300,0\n380,4e7\n");
    assert!(
        unknown_col.iter().any(|p| p.message.contains("unknown column `elevation`")),
        "{unknown_col:?}"
    );
    let absent = with_stage_storage_csv("");
    assert!(!absent.is_empty());
}

// Goal: a given inflow hydrograph is read with its time unit. Setup: inline hours. Reference:
// 3 h = 10 800 s. Tolerance: exact.
#[test]
fn inflow_hours_convert_to_seconds() {
    let text = format!(
        "{}\n[inflow]\nhydrograph = {{ time_h = [0.0, 3.0, 12.0], flow_m3s = [0.0, 60.0, 0.0] }}\n",
        demo_text()
    );
    let s = scenario::parse(&text, &demo_dir(), "x.toml").expect("valid");
    let h = s.inflow.expect("inflow");
    assert_eq!(h.time_s(), &[0.0, 10800.0, 43200.0]);
    let bad = text.replace("time_h = [0.0, 3.0, 12.0]", "time_h = [0.0, 3.0, 3.0]");
    let problems = problems_of(&bad, &demo_dir());
    assert!(problems.iter().any(|p| p.path == "inflow.hydrograph.time_h[2]"), "{problems:?}");
}

/// Every ```toml block of scenarios/README.md.
fn readme_blocks() -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(root().join("scenarios/README.md")).expect("README");
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```toml") => current = Some((i + 1, String::new())),
            (Some(_), l) if l.starts_with("```") => blocks.push(current.take().expect("open")),
            (Some((_, b)), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

// Goal: the schema documentation does not drift from the code. Setup: every ```toml block in
// scenarios/README.md; a block that is a whole scenario (has [scenario]) is validated as is, a
// section example is validated inside the demo (replacing that section). Reference: the README.
// Tolerance: none.
#[test]
fn readme_examples_parse_and_validate() {
    let blocks = readme_blocks();
    assert!(blocks.len() >= 8, "expected one example per section, found {}", blocks.len());
    let demo = demo_text();
    let mut failures = Vec::new();
    for (line, block) in &blocks {
        // The demo's [ensemble] names its storm, AMC and structure ids, which other examples
        // replace: those are checked in the demo without it.
        let base = if block.contains("[ensemble]") {
            demo.clone()
        } else {
            splice(&demo, "[ensemble]\n").strip_suffix("[ensemble]\n").expect("appended").into()
        };
        let text = if block.contains("[scenario]") { block.clone() } else { splice(&base, block) };
        if let Err(e) = scenario::parse(&text, &demo_dir(), "README.md") {
            failures.push(format!("README.md block at line {line}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replaces the demo's sections that `block` defines by the block's own.
fn splice(demo: &str, block: &str) -> String {
    let headers: Vec<String> = block
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_owned())
        .collect();
    let mut out = String::new();
    let mut skipping = false;
    for line in demo.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            let h = t.split('#').next().unwrap_or(t).trim();
            skipping = headers.iter().any(|x| x == h);
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(block);
    out
}

/// A mutation of one line of the demo: delete it, replace its value, or duplicate it.
fn mutated(seed_line: usize, op: u8, value: &str) -> String {
    let text = demo_text();
    let lines: Vec<&str> = text.lines().collect();
    let i = seed_line % lines.len();
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    match op % 4 {
        0 => {
            out.remove(i);
        }
        1 => {
            if let Some((k, _)) = lines[i].split_once('=') {
                out[i] = format!("{k}= {value}");
            }
        }
        2 => out.insert(i, lines[i].to_owned()),
        _ => {
            // Replace the first number on the line.
            let l = lines[i];
            if let Some(start) = l.find(|c: char| c.is_ascii_digit()) {
                let end = l[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e'))
                    .map_or(l.len(), |e| start + e);
                out[i] = format!("{}{}{}", &l[..start], value, &l[end..]);
            }
        }
    }
    out.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    // Goal: user input never panics; a rejected scenario always says where; an accepted one runs
    // through the pipeline to a finite report or a typed error. Setup: the demo with one line
    // deleted, duplicated or given a random value (numbers, negatives, nan, inf, text, arrays).
    // Reference: the contracts of `parse` and `run_flood`. Tolerance: none.
    #[test]
    fn mutated_scenarios_never_panic_and_errors_have_paths(
        line in 0usize..200,
        op in 0u8..4,
        value in prop_oneof![
            any::<f64>().prop_map(|v| format!("{v:?}")),
            (-1000.0f64..1000.0).prop_map(|v| format!("{v}")),
            Just("nan".to_owned()),
            Just("-inf".to_owned()),
            Just("\"text\"".to_owned()),
            Just("[1.0, 0.5]".to_owned()),
            Just("{ }".to_owned()),
            Just("0".to_owned()),
        ],
    ) {
        let text = mutated(line, op, &value);
        match scenario::parse(&text, &demo_dir(), "mutated.toml") {
            Ok(s) => {
                // The demo's [pond] survives any one-line mutation that still validates.
                let pond = s.pond.as_ref().expect("the demo keeps its [pond]");
                prop_assert!(pond.crest > pond.bottom);
                // A valid scenario runs through the whole chain without panicking: it either
                // yields a report with finite numbers or a typed error.
                let settings = tailtwin::pipeline::RunSettings::default();
                if let Ok(run) = tailtwin::pipeline::run_flood(&s, &settings) {
                    prop_assert!(run.report.peak_stage_m.is_finite());
                    prop_assert!(run.report.mass_balance_error_pct.is_finite());
                }
            }
            Err(e) => {
                let problems = e.problems();
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert!(!p.path.is_empty() && !p.message.is_empty(), "{p:?}");
                }
            }
        }
    }
}

// Goal: gauge records given as ISO timestamps become the storm: each record is the depth of the
// hour ending at its stamp, the routing starts one spacing before the first stamp. Setup: the
// demo with four hourly records in a CSV. Reference: total 78 mm, rain ends at 4 h, the second
// hour holds 40 mm. Tolerance: 1e-9 mm (sums of exact inputs).
#[test]
fn observed_rain_with_timestamps_drives_the_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("curves")).unwrap();
    std::fs::copy(
        demo_dir().join("curves/stage_storage.csv"),
        dir.path().join("curves/stage_storage.csv"),
    )
    .unwrap();
    std::fs::copy(demo_dir().join("valley-dem.asc"), dir.path().join("valley-dem.asc")).unwrap();
    std::fs::write(
        dir.path().join("rain.csv"),
        "# gauge G1, hourly totals\ntimestamp,depth_mm\n2026-07-01T09:00:00,12.5\n\
         2026-07-01T10:00:00,40.0\n2026-07-01 11:00:00,22.0\n2026-07-01T12:00,3.5\n",
    )
    .unwrap();
    let text = demo_text();
    let start = text.find("[storm]").unwrap();
    let end = text.find("[[structure]]").unwrap();
    let text = format!("{}[storm]\nobserved = \"rain.csv\"\n\n{}", &text[..start], &text[end..]);
    let s = scenario::parse(&text, dir.path(), "observed.toml").expect("valid");
    let run = tailtwin::pipeline::run_flood(&s, &Default::default()).expect("runs");
    let h = run.hyetograph.expect("rain");
    assert!((h.total_mm() - 78.0).abs() < 1e-9, "{}", h.total_mm());
    assert!((h.end_s() - 4.0 * 3600.0).abs() < 1e-9, "{}", h.end_s());
    assert!((h.depth_between_m(3600.0, 7200.0) * 1e3 - 40.0).abs() < 1e-9);
    assert!(run.report.storm.expect("summary").method.contains("observed"));
}

// Goal: an error inside a `[[structure]]` names the structure's index, the key path inside it
// and the key's own line. Setup: a typo in the windows table, text in a conduit length, an
// unknown kind. Reference: the lines of the mutated keys. Tolerance: exact.
#[test]
fn structure_syntax_errors_name_index_key_and_line() {
    let cases = [
        ("lowest_sill_m = 340.0", "lowest_sil_m = 340.0", "structure[0].windows.lowest_sil_m"),
        ("length_m = 450.0", "length_m = \"450\"", "structure[1].length_m"),
        ("kind = \"spillway\"", "kind = \"spilway\"", "structure[2].kind"),
    ];
    for (from, to, want) in cases {
        let text = mutate(from, to);
        let want_line = text.lines().position(|l| l.contains(to)).expect("mutated line") + 1;
        match scenario::parse(&text, &demo_dir(), "x.toml") {
            Err(ScenarioError::Syntax { line, path, .. }) => {
                assert_eq!(path, want, "{from}");
                assert_eq!(line, want_line, "{from}");
            }
            other => panic!("{from}: expected a syntax error, got {other:?}"),
        }
    }
}
