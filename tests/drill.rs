//! Emergency drills (`pipeline::drill`): the drill agrees with separate flood and dam-break runs
//! of the same inputs, a scheduled blockage changes nothing before its time, a failed sensor
//! raises nothing while the truth crosses, bad drill files name the key path.

use crate::common::{demo_dir, demo_text};
use std::path::{Path, PathBuf};
use tailtwin::pipeline::dambreak::run_dambreak;
use tailtwin::pipeline::drill::{self, DrillError, DrillRun, Source, run_drill};
use tailtwin::pipeline::{RunSettings, run_flood};
use tailtwin::scenario;

const BLOCKED: &str = "outlet = \"tunnel-1\"             # series: windows -> shaft -> tunnel";

/// The demo scenario text with file paths made absolute and `edits` applied, written with a
/// drill file into a temporary folder; returns the folder and the drill path.
fn setup(edits: &[(&str, &str)], drill_body: &str) -> (tempfile::TempDir, PathBuf) {
    let demo = demo_dir();
    let mut text = demo_text()
        .replace(
            "\"curves/stage_storage.csv\"",
            &format!("{:?}", demo.join("curves/stage_storage.csv").display().to_string()),
        )
        .replace(
            "\"valley-dem.asc\"",
            &format!("{:?}", demo.join("valley-dem.asc").display().to_string()),
        );
    for (from, to) in edits {
        assert!(text.contains(from), "the demo no longer contains {from:?}");
        text = text.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("pond.toml"), text).expect("write scenario");
    let path = dir.path().join("drill.toml");
    let head = "[drill]\nname = \"test\"\nscenario = \"pond.toml\"\n";
    std::fs::write(&path, format!("{head}{drill_body}")).expect("write drill");
    (dir, path)
}

fn drill_run(path: &Path) -> DrillRun {
    let d = drill::load(path).expect("valid drill");
    run_drill(&d, 2).expect("drill runs")
}

/// A 2D run shortened for test time (first order, 0.5 h): both sides of a comparison use it.
const SHORT_2D: (&str, &str) = (
    "solver = { order = \"second\", limiter = \"mc\", duration_h = 1.5,",
    "solver = { order = \"first\", limiter = \"mc\", duration_h = 0.5,",
);

// Goal: the drill routes the flood exactly as `run_flood` does when the same blockage is written
// into the scenario. Setup: demo pond; drill: tower-1 60 % blocked from t = 0 (a schedule change
// at 0 applies from the start); scenario: tower-1 `condition = 0.4`. Reference: run_flood of
// that scenario. Tolerance: exact — the same structure code path (`with_condition` on the
// built tower), the same pieces and steps, so the same floating-point operations.
#[test]
fn drill_peak_matches_run_flood_with_the_blockage_in_the_scenario() {
    let (_dir, path) = setup(
        &[],
        "[[inject]]\nkind = \"blockage\"\nstructure = \"tower-1\"\ncapacity_lost = 0.6\nat_h = 0.0\n",
    );
    let run = drill_run(&path);
    let s = scenario::parse(
        &demo_text().replacen(BLOCKED, &format!("{BLOCKED}\ncondition = 0.4"), 1),
        &demo_dir(),
        "blocked",
    )
    .expect("blocked scenario");
    let f = run_flood(&s, &RunSettings::default()).expect("flood");
    assert_eq!(run.summary.peak_stage_m, f.routed.peak_stage_m);
    assert_eq!(run.summary.time_of_peak_stage_s, f.routed.time_of_peak_stage_s);
    assert!(run.summary.peak_stage_m > 370.2, "the blockage raises the peak");
    let peak = run.timeline.iter().find(|e| e.kind == "peak_stage").expect("peak event");
    assert_eq!(peak.time_s, f.routed.time_of_peak_stage_s);
}

// Goal: a blockage scheduled at t changes nothing before t and routes exactly. Setup: demo pond,
// tower-1 60 % blocked at 6 h. References: (a) the same schedule with a change at 6 h to the
// intact state (same pieces, so the steps before 6 h are the same operations): equal to the bit
// at every output time up to 6 h; (b) the plain unblocked run_flood: within 1 mm before 6 h
// (1 mm: the routing tolerance rtol 1e-6 on storage, routing docs; observed: bitwise equal);
// and the blocked run is higher after 6 h (the level is rising then).
#[test]
fn scheduled_blockage_routes_identically_to_the_unblocked_run_until_its_time() {
    let body = |lost: f64| {
        format!(
            "[[inject]]\nkind = \"blockage\"\nstructure = \"tower-1\"\ncapacity_lost = {lost}\nat_h = 6.0\n"
        )
    };
    let (_d1, p1) = setup(&[], &body(0.6));
    let (_d2, p2) = setup(&[], &body(0.0));
    let blocked = drill_run(&p1).flood.routed;
    let same_cut = drill_run(&p2).flood.routed;
    let plain = run_flood(
        &scenario::load(&demo_dir().join("valley-pond.toml")).unwrap(),
        &RunSettings::default(),
    )
    .unwrap()
    .routed;
    let t_b = 6.0 * 3600.0;
    let mut compared = 0;
    for ((t, z), (t2, z2)) in blocked
        .time_s
        .iter()
        .zip(&blocked.stage_m)
        .zip(same_cut.time_s.iter().zip(&same_cut.stage_m))
    {
        // Up to and including the change time: the step that ends there sees the intact tower.
        if *t > t_b {
            break;
        }
        assert_eq!((t, z), (t2, z2), "differs before the blockage at t = {t}");
        let zp = tailtwin::core::series::interpolate(&plain.time_s, &plain.stage_m, *t);
        assert!((z - zp).abs() < 1e-3, "t = {t}: {z} vs unblocked {zp}");
        compared += 1;
    }
    assert!(compared > 30, "{compared} samples before 6 h");
    let after = |r: &tailtwin::core::RoutedPond, t: f64| {
        tailtwin::core::series::interpolate(&r.time_s, &r.stage_m, t)
    };
    assert!(after(&blocked, 8.0 * 3600.0) > after(&same_cut, 8.0 * 3600.0) + 0.01);
}

// Goal: a failed level gauge raises no alarm after it fails while the true level crosses the
// threshold, and the timeline says so. Setup: demo pond, tower-1 60 % blocked at 6 h (the level
// passes the yellow threshold 369.0 m at ~8.8 h), two gauges, WL-B fails at 8 h. Reference: the
// true crossings of the routed series. Exact (events are compared by kind and subject).
#[test]
fn failed_sensor_raises_no_alarm_after_its_failure_while_the_truth_crosses() {
    let body = "[levels]\npre_flood_control_m = 369.0\n\
        [[sensor]]\nid = \"WL-A\"\nkind = \"pond_level\"\n[[sensor]]\nid = \"WL-B\"\nkind = \"pond_level\"\n\
        [[inject]]\nkind = \"blockage\"\nstructure = \"tower-1\"\ncapacity_lost = 0.6\nat_h = 6.0\n\
        [[inject]]\nkind = \"sensor_failure\"\nsensor = \"WL-B\"\nat_h = 8.0\n\
        [[response]]\nlevel = \"II\"\nreading_level_m = 369.5\naction = \"evacuate\"\nevacuate = true\n\
        warning_delay_min = 10\n";
    let (_d, p) = setup(&[], body);
    let run = drill_run(&p);
    let t_f = 8.0 * 3600.0;
    let crossed: Vec<f64> = run
        .timeline
        .iter()
        .filter(|e| e.kind == "threshold_crossed" && e.subject == "pond_level" && e.time_s > t_f)
        .map(|e| e.time_s)
        .collect();
    assert!(!crossed.is_empty(), "the true level crosses a threshold after the failure");
    let raised_b = run
        .timeline
        .iter()
        .filter(|e| e.kind == "alarm_raised" && e.subject == "WL-B" && e.time_s >= t_f)
        .count();
    assert_eq!(raised_b, 0, "a failed sensor raises nothing");
    for t in &crossed {
        assert!(
            run.timeline.iter().any(|e| e.kind == "missed_alarm"
                && e.subject == "WL-B"
                && e.time_s == *t
                && e.source == Source::Sensor),
            "no missed-alarm event at {t}"
        );
        // The working gauge reports it within one reading interval.
        assert!(run.timeline.iter().any(|e| e.kind == "alarm_raised"
            && e.subject == "WL-A"
            && e.time_s >= *t
            && e.time_s <= t + run.summary.sensor_interval_s));
    }
    // The plan's reading trigger: the first reading of the working gauge at or above 369.5 m,
    // plus the 10 min delay, issues the warning.
    let a = run.sensors.iter().find(|s| s.id == "WL-A").unwrap();
    let i = a.value.iter().position(|v| v.is_some_and(|x| x >= 369.5)).expect("reached");
    assert_eq!(run.summary.warning_issued_at_s, Some(a.time_s[i] + 600.0));
    let b = run.sensors.iter().find(|s| s.id == "WL-B").unwrap();
    assert!(b.time_s.iter().zip(&b.value).all(|(t, v)| (*t >= t_f) == v.is_none()));
}

// Goal: the drill's breach goes through the same dam-break chain as `run_dambreak`: the same
// breach start and arrival times when the same inputs are written into the scenario. Setup:
// demo, 2D run shortened (first order, 0.5 h) on both sides; drill: tower-1 60 % blocked from 0
// and a breach at 6 h; scenario: tower-1 condition 0.4 with the demo's forced trigger at 6 h.
// Reference: run_dambreak. Exact: the same routed model and the same 2D run.
#[test]
fn drill_arrivals_match_run_dambreak_of_the_same_inputs() {
    let body = "[[inject]]\nkind = \"blockage\"\nstructure = \"tower-1\"\ncapacity_lost = 0.6\nat_h = 0.0\n\
        [[inject]]\nkind = \"breach\"\nat_h = 6.0\n\
        [[response]]\nlevel = \"I\"\nalarm = \"red\"\naction = \"evacuate\"\nevacuate = true\n";
    let (_d, p) = setup(&[SHORT_2D], body);
    let run = drill_run(&p);
    let text = std::fs::read_to_string(p.parent().unwrap().join("pond.toml")).unwrap();
    let s = scenario::parse(
        &text.replacen(BLOCKED, &format!("{BLOCKED}\ncondition = 0.4"), 1),
        p.parent().unwrap(),
        "blocked",
    )
    .unwrap();
    let b = run_dambreak(&s, 2).expect("dam break");
    let db = run.dambreak.as_ref().expect("the drill breached");
    assert_eq!(db.summary.breach_start_s, b.summary.breach_start_s);
    assert_eq!(run.summary.breach_start_s, Some(6.0 * 3600.0));
    assert_eq!(run.summary.points.len(), b.summary.points.len());
    let mut reached = 0;
    for (p, q) in run.summary.points.iter().zip(&b.summary.points) {
        assert_eq!(p.name, q.name);
        assert_eq!(p.arrival_s, q.arrival_time_s.map(|a| a + 6.0 * 3600.0));
        // No sensors: no alarm, no warning, so every reached point is flagged.
        assert_eq!(p.caught, p.arrival_s.is_some());
        reached += usize::from(p.arrival_s.is_some());
    }
    assert!(reached >= 2, "{reached} points reached in 0.5 h");
    assert!(run.timeline.iter().any(|e| e.kind == "arrival" && e.source == Source::Model));
}

// Goal: bad drill files are rejected with the key path of each problem. Setup: the demo
// scenario (routing 72 h) with an unknown structure, an inject after the end of the run, an
// unknown sensor, a bad alarm colour, an unknown kind. Exact paths.
#[test]
fn bad_drill_files_are_reported_with_their_key_paths() {
    let body = "[[sensor]]\nid = \"WL-1\"\nkind = \"pond_level\"\n[levels]\npre_flood_control_m = 369.0\n\
        [[inject]]\nkind = \"blockage\"\nstructure = \"tower-9\"\ncapacity_lost = 0.5\nat_h = 1.0\n\
        [[inject]]\nkind = \"blockage\"\nstructure = \"tower-1\"\ncapacity_lost = 0.5\nat_h = 100.0\n\
        [[inject]]\nkind = \"sensor_failure\"\nsensor = \"WL-7\"\nat_h = 2.0\n\
        [[inject]]\nkind = \"flood\"\nat_h = 2.0\n\
        [[response]]\nlevel = \"I\"\nalarm = \"purple\"\naction = \"x\"\n";
    let text = format!("[drill]\nname = \"bad\"\nscenario = \"valley-pond.toml\"\n{body}");
    let e = drill::parse(&text, &demo_dir().join("bad-drill.toml")).unwrap_err();
    let DrillError::Invalid { problems, .. } = &e else { panic!("{e}") };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "inject[0].structure",
            "inject[1].at_h",
            "inject[2].sensor",
            "inject[3].kind",
            "response[0].alarm"
        ],
        "{e}"
    );
    assert!(e.to_string().contains("tower-9") && e.to_string().contains("WL-7"), "{e}");
    assert!(e.is_input_error());
    // The shipped demo drill is valid (it is run in full by `tailtwin drill`, ~1 min in debug).
    let demo = drill::load(&demo_dir().join("drill.toml")).expect("demo drill");
    assert_eq!((demo.sensors.len(), demo.injects.len(), demo.responses.len()), (5, 6, 4));
    // An unknown key is a syntax problem with its line.
    let e = drill::parse(
        "[drill]\nname = \"x\"\nscenario = \"valley-pond.toml\"\nsenor_interval_min = 5\n",
        &demo_dir().join("bad-drill.toml"),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("senor_interval_min") && e.to_string().contains("line 4"),
        "{e}"
    );
}

// Goal: the router cuts its pieces at a schedule's change time even where the forcing has no
// breakpoint, so no step straddles the change. Setup: a 10 000 m² prism pond over a SWMM weir
// (crest 100.5 m) fed a constant 5 m³/s, the weir 70 % blocked at t = 1234.5 s (not a multiple
// of anything in the forcing). Reference: the same run with an extra inflow vertex at 1234.5 s
// on the same constant line, which forces that cut through the forcing. Exact: with the cut
// from the schedule the two runs perform the same operations.
#[test]
fn router_cuts_its_pieces_at_a_schedule_change() {
    use tailtwin::core::{Elevation, Hydrograph, Hyetograph};
    use tailtwin::pond::structures::{Condition, Outlet, Scheduled, Structure, Weir};
    use tailtwin::pond::{Beach, Dam, DamType, Pond, RoutingSettings, StageStorage, route};
    let table = StageStorage::from_areas(&[100.0, 110.0], &[10_000.0, 10_000.0]).unwrap();
    let beach = Beach::from_slope(Elevation(110.0), 0.01).unwrap();
    let dam = Dam::new(Elevation(110.0), 10.0, DamType::WaterRetaining);
    let pond = Pond::new(table, dam, beach, Elevation(101.0)).unwrap();
    let weir: Structure =
        Weir::swmm_transverse("w", Elevation(100.5), 4.0, 1.70, 3.0).unwrap().into();
    let t_c = 1234.5;
    let sched: Structure =
        Scheduled::new(weir, &[(t_c, Condition::Blocked { remaining: 0.3 })]).unwrap().into();
    assert_eq!(sched.time_breakpoints(), vec![t_c]);
    let settings = RoutingSettings {
        end_time_s: Some(5000.0),
        report_interval_s: 100.0,
        ..RoutingSettings::default()
    };
    let outlets: Vec<&dyn Outlet> = vec![&sched];
    let plain = Hydrograph::new(vec![0.0, 10_000.0], vec![5.0, 5.0]).unwrap();
    let with_vertex = Hydrograph::new(vec![0.0, t_c, 10_000.0], vec![5.0, 5.0, 5.0]).unwrap();
    let a = route(&pond, &outlets, &plain, &Hyetograph::dry(), &settings).unwrap();
    let b = route(&pond, &outlets, &with_vertex, &Hyetograph::dry(), &settings).unwrap();
    assert_eq!(a.time_s, b.time_s);
    assert_eq!(a.storage_m3, b.storage_m3);
    // The blockage acts after the change and not before: against the intact weir.
    let intact: Structure =
        Weir::swmm_transverse("w", Elevation(100.5), 4.0, 1.70, 3.0).unwrap().into();
    let c = route(&pond, &[&intact as &dyn Outlet], &with_vertex, &Hyetograph::dry(), &settings)
        .unwrap();
    for ((t, za), zc) in a.time_s.iter().zip(&a.stage_m).zip(&c.stage_m) {
        if *t <= t_c {
            assert_eq!(za, zc, "t = {t}");
        } else {
            assert!(za > zc, "t = {t}: blocked {za} vs intact {zc}");
        }
    }
}

// Goal: `tailtwin drill` exits 2 with the key path on a bad drill file, and with `--json --out`
// prints one JSON object (summary + timeline) and writes the documented files. Setup: a drill
// with a failed gauge and no breach (no 2D run: CI time); the bad file names an unknown
// structure. Reference: the documented keys and file names (scenarios/README.md). Exact.
#[test]
fn cli_drill_prints_json_writes_the_sheet_and_rejects_bad_files() {
    let body = "[levels]\npre_flood_control_m = 369.0\n\
        [[sensor]]\nid = \"WL-A\"\nkind = \"pond_level\"\n\
        [[inject]]\nkind = \"blockage\"\nstructure = \"tower-1\"\ncapacity_lost = 0.6\nat_h = 6.0\n\
        [[inject]]\nkind = \"sensor_failure\"\nsensor = \"WL-A\"\nwhen = { level_m = 369.5 }\n\
        [[response]]\nlevel = \"I\"\nalarm = \"orange\"\naction = \"evacuate\"\nevacuate = true\n";
    let (dir, path) = setup(&[], body);
    let out_dir = dir.path().join("out");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tailtwin"))
            .args(args)
            .output()
            .expect("the tailtwin binary runs")
    };
    let o = run(&[
        "drill",
        path.to_str().unwrap(),
        "--json",
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    let s = &v["summary"];
    for key in ["peak_stage_m", "warning_issued_at_s", "pond_level_thresholds_m", "inject_times_s"]
    {
        assert!(s.get(key).is_some(), "summary.{key} missing");
    }
    // The failure fires when the true level reaches 369.5 m, after the blockage.
    let t_fail = s["inject_times_s"][1].as_f64().expect("the condition held");
    assert!(t_fail > 6.0 * 3600.0);
    let tl = v["timeline"].as_array().unwrap();
    assert!(tl.iter().any(|e| e["kind"] == "missed_alarm" && e["subject"] == "WL-A"));
    for f in [
        "timeline.csv",
        "timeline.json",
        "inject_sheet.csv",
        "inject_sheet.html",
        "summary.json",
        "plots/drill_timeline.png",
        "plots/drill_timeline.svg",
    ] {
        assert!(out_dir.join(f).is_file(), "{f} not written");
    }
    let csv = std::fs::read_to_string(out_dir.join("timeline.csv")).unwrap();
    assert!(csv.starts_with("time_s,time_h,source,kind,subject,level,value,text_zh,text_en\n"));
    assert_eq!(csv.lines().count(), tl.len() + 1);

    let bad = body.replace("structure = \"tower-1\"", "structure = \"tower-2\"");
    let (_d2, bad_path) = setup(&[], &bad);
    let o = run(&["drill", bad_path.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("inject[0].structure") && err.contains("tower-2"), "{err}");
}

// Goal: the storm override replaces the scenario's storm: a design storm at another return
// period routes as the scenario edited to that period, observed rain as the scenario's
// `observed` records. Setup: demo pond, no injects; (a) `[storm] return_period_years = 100`,
// (b) `observed_csv` with 4 hourly records. Reference: run_flood of the edited scenarios.
// Exact: the same storm description, so the same run.
#[test]
fn storm_override_routes_as_the_edited_scenario() {
    let (_d, p) = setup(&[], "[storm]\nreturn_period_years = 100\n");
    let run = drill_run(&p);
    let s = scenario::parse(
        &demo_text().replacen("return_period_years = 500", "return_period_years = 100", 1),
        &demo_dir(),
        "rp100",
    )
    .unwrap();
    let f = run_flood(&s, &RunSettings::default()).unwrap();
    assert_eq!(run.summary.peak_stage_m, f.routed.peak_stage_m);
    assert!(run.summary.peak_stage_m < 370.15, "100-year below the 500-year peak");

    let (d2, p2) = setup(&[], "[storm]\nobserved_csv = \"rain.csv\"\n");
    std::fs::write(
        d2.path().join("rain.csv"),
        "# gauge\ntime_h,depth_mm\n1,12.5\n2,40\n3,22\n4,3.5\n",
    )
    .unwrap();
    let run = drill_run(&p2);
    let h = run.flood.hyetograph.as_ref().expect("rain");
    let total_mm: f64 = h.depth_mm().iter().sum();
    assert!((total_mm - 78.0).abs() < 1e-9, "{total_mm}");
    // A bad CSV names the key.
    std::fs::write(d2.path().join("rain.csv"), "time_h,rain\n1,2\n").unwrap();
    let e = drill::load(&p2).unwrap_err();
    assert!(e.to_string().contains("storm.observed_csv"), "{e}");
}
