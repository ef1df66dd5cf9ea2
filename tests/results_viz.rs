//! Integration tests: results (results.h5, summary.json) and viz (plots, report.html).
//!
//! The fixture is a hand-built but self-consistent flood run: a triangular inflow (peak
//! 420 m³/s at 3 h) and a 6 h storm on a pond whose surface grows with the level, routed by
//! explicit level-pool steps through a decant tower (weir inlet, then conduit control) and a side
//! spillway (weir). The numbers are realistic in size; these tests check files, not hydraulics.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use tailtwin::core::report::{CatchmentSummary, StormSummary, StructureSummary};
use tailtwin::core::{
    Check, CheckStatus, Confidence, Control, Diagnostics, Event, EventKind, FloodRun, Hydrograph,
    Hyetograph, MassBalance, RatingCurve, RatingRow, ReferenceLevel, Regime, Report, RoutedPond,
    Standard, StructureSeries, VolumeTerm,
};
use tailtwin::results::{
    ResultsError, list_datasets, read_results_h5, read_summary_json, write_results_h5,
    write_summary_json,
};
use tailtwin::viz::{PlotKind, VizError, redraw_from_results, write_all};

const NORMAL: f64 = 366.0;
const BEACH_CREST: f64 = 371.2;
const CREST: f64 = 372.0;
const BEACH_SLOPE: f64 = 0.008;

/// Pond surface area at level `z`, m².
fn area(z: f64) -> f64 {
    1.2e6 + 0.15e6 * (z - NORMAL)
}

/// Tower: weir over a 4 m ring crest at 366.0 until the 2.2 m conduit (capacity ∝ √head) controls.
fn tower(z: f64) -> (f64, Regime, Control) {
    if z <= NORMAL {
        return (0.0, Regime::Dry, Control::None);
    }
    let weir = 1.8 * 4.0 * (z - NORMAL).powf(1.5);
    let conduit = 7.0 * (z - 340.0).sqrt();
    if weir < conduit {
        (weir, Regime::Weir, Control::Inlet)
    } else {
        (conduit, Regime::Pressure, Control::Conduit)
    }
}

/// Spillway: 8 m broad-crested weir at 370.0.
fn spillway(z: f64) -> (f64, Regime, Control) {
    if z <= 370.0 {
        (0.0, Regime::Dry, Control::None)
    } else {
        (1.7 * 8.0 * (z - 370.0).powf(1.5), Regime::Weir, Control::Inlet)
    }
}

fn overtopping(z: f64) -> f64 {
    if z <= CREST { 0.0 } else { 1.6 * 300.0 * (z - CREST).powf(1.5) }
}

fn inflow_at(t: f64) -> f64 {
    let (tp, tb, qp) = (3.0 * 3600.0, 9.0 * 3600.0, 500.0);
    if t <= tp {
        qp * t / tp
    } else if t <= tb {
        qp * (tb - t) / (tb - tp)
    } else {
        0.0
    }
}

/// A realistic flood run (see the module comment). `rain` false gives a run without a storm.
pub fn flood_run(rain: bool) -> FloodRun {
    let hyeto =
        Hyetograph::new(
            0.0,
            600.0,
            (0..36)
                .map(|k| {
                    if rain { 2.0 + 14.0 * (-((k as f64 - 14.0) / 4.0).powi(2)).exp() } else { 0.0 }
                })
                .collect(),
        )
        .unwrap();
    let dt = 30.0;
    let steps = (24.0 * 3600.0 / dt) as usize;
    let every = 10; // output every 5 min
    let mut z = NORMAL;
    let storage = |z: f64| 1.2e6 * (z - NORMAL) + 0.075e6 * (z - NORMAL).powi(2) + 3.0e7;
    let s0 = storage(z);
    let mut s = s0;
    let (mut t_s, mut stage, mut stor, mut qin, mut rain_q, mut qout, mut qover, mut fb, mut beach) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut flows = [vec![], vec![]];
    let mut regimes = [vec![], vec![]];
    let mut controls = [vec![], vec![]];
    let (mut vol_in, mut vol_rain, mut vol_t, mut vol_s, mut vol_o) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut peak = (0.0, z);
    let mut peak_out = (0.0, 0.0);
    let mut events = vec![];
    let mut last_regime = [Regime::Dry, Regime::Dry];
    for k in 0..=steps {
        let t = k as f64 * dt;
        let qi = inflow_at(t);
        let qr = hyeto.intensity_m_per_s(t) * area(z);
        let (q1, r1, c1) = tower(z);
        let (q2, r2, c2) = spillway(z);
        let qo = overtopping(z);
        for (j, r) in [r1, r2].into_iter().enumerate() {
            if r != last_regime[j] {
                events.push(Event {
                    time_s: t,
                    kind: EventKind::RegimeChange,
                    detail: format!(
                        "{}: {:?} -> {:?}",
                        ["tower-1", "spillway"][j],
                        last_regime[j],
                        r
                    ),
                });
                last_regime[j] = r;
            }
        }
        if z > peak.1 {
            peak = (t, z);
        }
        if q1 + q2 + qo > peak_out.1 {
            peak_out = (t, q1 + q2 + qo);
        }
        if k % every == 0 {
            t_s.push(t);
            stage.push(z);
            stor.push(s);
            qin.push(qi);
            rain_q.push(qr);
            qout.push(q1 + q2);
            qover.push(qo);
            fb.push(BEACH_CREST - z);
            beach.push(((BEACH_CREST - z) / BEACH_SLOPE).max(0.0));
            flows[0].push(q1);
            flows[1].push(q2);
            regimes[0].push(r1);
            regimes[1].push(r2);
            controls[0].push(c1);
            controls[1].push(c2);
        }
        if k < steps {
            // Explicit step; volumes accumulated with the same rates so the balance closes exactly.
            let net = qi + qr - q1 - q2 - qo;
            s += net * dt;
            vol_in += qi * dt;
            vol_rain += qr * dt;
            vol_t += q1 * dt;
            vol_s += q2 * dt;
            vol_o += qo * dt;
            // Invert storage(z) = s (quadratic in z - NORMAL).
            let v = s - 3.0e7;
            z = NORMAL + (-1.2e6 + (1.2e6f64.powi(2) + 4.0 * 0.075e6 * v).sqrt()) / (2.0 * 0.075e6);
        }
    }
    let mass_balance = MassBalance::new(
        s0,
        s,
        vec![
            VolumeTerm { name: "catchment inflow".into(), volume_m3: vol_in },
            VolumeTerm { name: "rain on pond".into(), volume_m3: vol_rain },
        ],
        vec![
            VolumeTerm { name: "tower-1".into(), volume_m3: vol_t },
            VolumeTerm { name: "spillway".into(), volume_m3: vol_s },
            VolumeTerm { name: "overtopping".into(), volume_m3: vol_o },
        ],
    );
    let kinds = ["window_tower", "weir"];
    let ids = ["tower-1", "spillway"];
    let structures: Vec<StructureSeries> = (0..2)
        .map(|j| {
            let (tp, qp) = t_s
                .iter()
                .zip(&flows[j])
                .fold((0.0, 0.0), |best, (t, q)| if *q > best.1 { (*t, *q) } else { best });
            StructureSeries {
                structure_id: ids[j].into(),
                kind: kinds[j].into(),
                flow_m3s: flows[j].clone(),
                regime: regimes[j].clone(),
                control: controls[j].clone(),
                volume_m3: [vol_t, vol_s][j],
                peak_flow_m3s: qp,
                time_of_peak_s: tp,
            }
        })
        .collect();
    let min_fb = BEACH_CREST - peak.1;
    let min_beach = (min_fb / BEACH_SLOPE).max(0.0);
    let routed = RoutedPond {
        time_s: t_s.clone(),
        stage_m: stage,
        storage_m3: stor,
        inflow_m3s: qin,
        rain_on_pond_m3s: rain_q,
        outflow_m3s: qout,
        overtopping_m3s: qover,
        structures,
        freeboard_m: fb,
        beach_length_m: beach,
        peak_stage_m: peak.1,
        time_of_peak_stage_s: peak.0,
        peak_inflow_m3s: 500.0,
        time_of_peak_inflow_s: 10800.0,
        peak_outflow_m3s: peak_out.1,
        time_of_peak_outflow_s: peak_out.0,
        min_freeboard_m: min_fb,
        min_beach_length_m: min_beach,
        overtopped: vol_o > 0.0,
        overtopping_volume_m3: vol_o,
        overtopping_duration_s: 0.0,
        mass_balance: mass_balance.clone(),
        diagnostics: Diagnostics {
            steps,
            rejected_steps: 0,
            evaluations: steps + 1,
            min_step_s: dt,
            max_step_s: dt,
            events,
            warnings: vec!["fixture: explicit fixed-step routing".into()],
        },
    };
    let inflow =
        Hydrograph::new(vec![0.0, 10800.0, 32400.0, 86400.0], vec![0.0, 500.0, 0.0, 0.0]).unwrap();
    let rating = |id: &str, kind: &str, f: &dyn Fn(f64) -> (f64, Regime, Control)| RatingCurve {
        structure_id: id.into(),
        kind: kind.into(),
        rows: (0..=80)
            .map(|k| {
                let z = 365.0 + 0.1 * k as f64;
                let (q, regime, control) = f(z);
                RatingRow { stage_m: z, flow_m3s: q, regime, control }
            })
            .collect(),
    };
    let combined = |z: f64| {
        let (a, ra, ca) = tower(z);
        let (b, _, _) = spillway(z);
        (a + b, ra, ca)
    };
    let ratings = vec![
        rating("tower-1", "window_tower", &tower),
        rating("spillway", "weir", &spillway),
        rating("combined", "combined", &combined),
    ];
    let check = |id: &str,
                 zh: &str,
                 en: &str,
                 value,
                 limit,
                 unit: &str,
                 cmp: &str,
                 status,
                 standard,
                 clause: &str,
                 confidence| Check {
        id: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        value,
        limit,
        unit: unit.into(),
        comparison: cmp.into(),
        status,
        standard,
        clause: clause.into(),
        confidence,
        note: format!("{en} <checked> & \"quoted\""),
    };
    let pass = |ok: bool| if ok { CheckStatus::Pass } else { CheckStatus::Fail };
    let checks = vec![
        check(
            "grade",
            "等别",
            "Pond grade",
            Some(3.0),
            None,
            "-",
            "",
            CheckStatus::Info,
            Standard::Gb50863_2013,
            "§3.3.1",
            Confidence::Verified,
        ),
        check(
            "design_return_period",
            "防洪标准",
            "Design flood",
            Some(500.0),
            Some(200.0),
            "years",
            "≥",
            CheckStatus::Pass,
            Standard::Gb39496_2020,
            "§5.4.1",
            Confidence::Recalled,
        ),
        check(
            "freeboard",
            "安全超高",
            "Freeboard",
            Some(min_fb),
            Some(0.7),
            "m",
            "≥",
            pass(min_fb >= 0.7),
            Standard::Gb50863_2013,
            "§4.2.1",
            Confidence::Recalled,
        ),
        check(
            "beach_length",
            "干滩长度",
            "Dry-beach length",
            Some(min_beach),
            Some(70.0),
            "m",
            "≥",
            pass(min_beach >= 70.0),
            Standard::Zbj1_90,
            "表 4.2.1",
            Confidence::Verified,
        ),
        check(
            "overtopping",
            "漫顶",
            "Overtopping",
            Some(vol_o),
            Some(0.0),
            "m³",
            "≤",
            pass(vol_o <= 0.0),
            Standard::Gb39496_2020,
            "§6.4",
            Confidence::Secondary,
        ),
        check(
            "drain_72h",
            "72 h 排空",
            "Drained within 72 h",
            None,
            Some(72.0),
            "h",
            "≤",
            CheckStatus::NotApplicable,
            Standard::Gb39496_2020,
            "§6.4.4",
            Confidence::Verified,
        ),
    ];
    let report = Report {
        scenario: "demo-valley-pond <test>".into(),
        engine_version: "0.1.0".into(),
        standard: Standard::Gb39496_2020,
        grade: Some("三".into()),
        grade_number: Some(3),
        design_return_period_years: Some(500.0),
        storm: rain.then(|| StormSummary {
            method: "atlas 24 h, Pearson-III, Chicago r = 0.4".into(),
            return_period_years: Some(500.0),
            duration_h: 6.0,
            total_depth_mm: hyeto.total_mm(),
            peak_intensity_mm_h: hyeto.depth_mm().iter().copied().fold(0.0, f64::max) * 3600.0
                / hyeto.interval_s(),
        }),
        catchment: Some(CatchmentSummary {
            method: "SCS-CN + SCS unit hydrograph".into(),
            area_km2: 3.2,
            runoff_depth_mm: vol_in / 3.2e3,
            runoff_volume_m3: vol_in,
            peak_inflow_m3s: 500.0,
            time_of_peak_inflow_s: 10800.0,
        }),
        peak_stage_m: routed.peak_stage_m,
        time_of_peak_stage_s: routed.time_of_peak_stage_s,
        peak_inflow_m3s: 500.0,
        time_of_peak_inflow_s: 10800.0,
        peak_outflow_m3s: routed.peak_outflow_m3s,
        time_of_peak_outflow_s: routed.time_of_peak_outflow_s,
        min_freeboard_m: min_fb,
        min_beach_length_m: min_beach,
        overtopped: routed.overtopped,
        overtopping_volume_m3: vol_o,
        mass_balance_error_m3: mass_balance.error_m3,
        mass_balance_error_pct: mass_balance.error_pct,
        mass_balance,
        structures: routed
            .structures
            .iter()
            .map(|s| StructureSummary {
                id: s.structure_id.clone(),
                kind: s.kind.clone(),
                peak_flow_m3s: s.peak_flow_m3s,
                time_of_peak_s: s.time_of_peak_s,
                volume_m3: s.volume_m3,
                regime_at_peak_stage: "有压流 / pressure".into(),
                control_at_peak_stage: "管洞 / conduit".into(),
            })
            .collect(),
        checks,
        seepage: vec![],
        stability: vec![],
        reliability: vec![],
        ensemble: None,
        status: None,
        warnings: vec!["freeboard limit 0.7 m is recalled, not verified".into()],
    };
    let level = |id: &str, zh: &str, en: &str, z| ReferenceLevel {
        id: id.into(),
        label_zh: zh.into(),
        label_en: en.into(),
        elevation_m: z,
    };
    FloodRun {
        report,
        scenario_toml:
            "[scenario]\nname = \"demo-valley-pond\"\n# 尾矿库 test: \"quotes\" & <tags>\n".into(),
        hyetograph: rain.then_some(hyeto),
        inflow,
        routed,
        ratings,
        levels: vec![
            level("crest", "坝顶", "Dam crest", CREST),
            level("beach_crest", "滩顶", "Beach crest", BEACH_CREST),
            level("max_allowed_level", "最高洪水位限值", "Max. allowed level", BEACH_CREST - 0.7),
            level("normal_level", "正常水位", "Normal level", NORMAL),
        ],
        threads: 2,
        geotech: None,
    }
}

/// With TAILTWIN_KEEP_OUTPUT=folder set, keeps a copy of the products in `folder/name` for
/// looking at them (the tests themselves use temporary folders).
fn keep_output(name: &str, run: &FloodRun) {
    if let Some(keep) = std::env::var_os("TAILTWIN_KEEP_OUTPUT") {
        write_all(&Path::new(&keep).join(name), run).unwrap();
    }
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

// Goal: results.h5 stores every value of a FloodRun and the reader rebuilds it exactly.
// Setup: the fixture with rain (hyetograph, storm, two structures, three ratings, six checks,
// events, warnings, text with CJK, quotes and markup). Reference: the FloodRun written.
// Tolerance: none — HDF5 stores IEEE f64 bit for bit and strings as UTF-8.
#[test]
fn h5_round_trip_preserves_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.h5");
    for rain in [true, false] {
        let run = flood_run(rain);
        write_results_h5(&path, &run).unwrap();
        let back = read_results_h5(&path).unwrap();
        assert_eq!(back, run, "round trip with rain = {rain}");
    }
}

// Goal: every dataset is self-describing (units and description attributes) and every time
// series names a time axis of its own length. Setup: walk the whole fixture file.
// Reference: the layout documented in tailtwin-results. Tolerance: exact.
#[test]
fn every_h5_dataset_has_units_description_and_time_axis() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.h5");
    write_results_h5(&path, &flood_run(true)).unwrap();
    let all = list_datasets(&path).unwrap();
    assert!(all.len() > 100, "only {} datasets", all.len());
    for d in &all {
        assert!(d.units.as_deref().is_some_and(|u| !u.is_empty()), "{} has no units", d.path);
        assert!(
            d.description.as_deref().is_some_and(|u| !u.is_empty()),
            "{} has no description",
            d.path
        );
        if let Some(axis) = &d.time_axis {
            let a =
                all.iter().find(|x| &x.path == axis).unwrap_or_else(|| panic!("{axis} missing"));
            assert_eq!(a.shape, d.shape, "{} vs its axis {axis}", d.path);
            assert_eq!(a.units.as_deref(), Some("s"));
        }
    }
    let get = |p: &str| all.iter().find(|d| d.path == p).unwrap_or_else(|| panic!("{p} missing"));
    let expect = [
        ("/scenario/toml", "-"),
        ("/scenario/threads", "1"),
        ("/hydrology/hyetograph/depth", "mm"),
        ("/hydrology/inflow/flow", "m3/s"),
        ("/pond/time", "s"),
        ("/pond/stage", "m"),
        ("/pond/storage", "m3"),
        ("/pond/outflow", "m3/s"),
        ("/pond/beach_length", "m"),
        ("/pond/structures/tower-1/flow", "m3/s"),
        ("/pond/structures/spillway/regime", "-"),
        ("/pond/ratings/combined/stage", "m"),
        ("/risk/checks/limit", "see unit"),
        ("/diagnostics/mass_balance/error_pct", "%"),
        ("/diagnostics/events/time", "s"),
        ("/summary/peak_stage", "m"),
    ];
    for (p, units) in expect {
        assert_eq!(get(p).units.as_deref(), Some(units), "{p}");
    }
    for p in [
        "/pond/stage",
        "/pond/freeboard",
        "/pond/structures/tower-1/flow",
        "/pond/structures/tower-1/regime",
    ] {
        assert_eq!(get(p).time_axis.as_deref(), Some("/pond/time"), "{p}");
    }
    assert!(get("/pond/structures/tower-1/regime").attributes.contains(&"legend".to_string()));
    assert_eq!(get("/pond/stage").shape, vec![289]);
}

// Goal: two writes of the same run give byte-identical files (no timestamps in the file).
#[test]
fn h5_output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.h5"), dir.path().join("b.h5"));
    let run = flood_run(true);
    write_results_h5(&a, &run).unwrap();
    write_results_h5(&b, &run).unwrap();
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
}

// Goal: summary.json is the Report, exactly. Reference: the Report written. Tolerance: none
// (serde_json writes the shortest repr that round-trips f64).
#[test]
fn json_round_trip_preserves_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.json");
    let run = flood_run(true);
    write_summary_json(&path, &run.report).unwrap();
    assert_eq!(read_summary_json(&path).unwrap(), run.report);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\n  \"peak_stage_m\": "), "pretty-printed");
    assert!(text.contains("\"GB39496-2020\""));
}

// Goal: NaN never reaches a file: JSON and HDF5 writers refuse it, name the field, and leave
// the previous file in place with no temporary left behind.
#[test]
fn non_finite_numbers_are_rejected_and_old_files_kept() {
    let dir = tempfile::tempdir().unwrap();
    let good = flood_run(true);
    let h5 = dir.path().join("results.h5");
    let json = dir.path().join("summary.json");
    write_results_h5(&h5, &good).unwrap();
    write_summary_json(&json, &good.report).unwrap();

    let mut bad = good.clone();
    bad.routed.stage_m[7] = f64::NAN;
    bad.report.checks[2].limit = Some(f64::INFINITY);
    match write_results_h5(&h5, &bad) {
        Err(ResultsError::NonFinite { object, index, .. }) => {
            assert_eq!((object.as_str(), index), ("/pond/stage", 7));
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    match write_summary_json(&json, &bad.report) {
        Err(ResultsError::NonFinite { object, .. }) => {
            assert!(object.contains("freeboard"), "{object}")
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    assert_eq!(read_results_h5(&h5).unwrap(), good);
    assert_eq!(read_summary_json(&json).unwrap(), good.report);
    assert_eq!(files_in(dir.path()), ["results.h5", "summary.json"].map(String::from).into());
}

// Goal: writes replace the old file atomically (temporary name, then rename): after a second
// write the file holds the new run and no temporary file is left.
#[test]
fn atomic_write_replaces_old_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let h5 = dir.path().join("results.h5");
    let json = dir.path().join("summary.json");
    let first = flood_run(true);
    let second = flood_run(false);
    write_results_h5(&h5, &first).unwrap();
    write_summary_json(&json, &first.report).unwrap();
    write_results_h5(&h5, &second).unwrap();
    write_summary_json(&json, &second.report).unwrap();
    assert_eq!(read_results_h5(&h5).unwrap(), second);
    assert_eq!(read_summary_json(&json).unwrap(), second.report);
    assert_eq!(files_in(dir.path()), ["results.h5", "summary.json"].map(String::from).into());
}

// Goal: an unwritable destination is a typed error carrying the path, not a panic. Setup: the
// "folder" is a regular file (ENOTDIR even for root, who ignores permission bits).
#[test]
fn unwritable_directory_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "x").unwrap();
    let run = flood_run(true);
    let h5 = blocker.join("results.h5");
    let e = write_results_h5(&h5, &run).unwrap_err();
    assert_eq!(e.path(), h5.as_path(), "{e}");
    let e = write_summary_json(&blocker.join("summary.json"), &run.report).unwrap_err();
    assert!(matches!(e, ResultsError::Io { .. }), "{e}");
    let e = write_all(&blocker.join("out"), &run).unwrap_err();
    assert!(matches!(e, VizError::Io { .. }), "{e}");
    assert!(e.to_string().contains("not-a-folder"), "{e}");
}

// Goal: a structure id that cannot name an HDF5 group is reported, not mangled.
#[test]
fn structure_id_with_slash_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut run = flood_run(true);
    run.routed.structures[0].structure_id = "tower/1".into();
    let e = write_results_h5(&dir.path().join("r.h5"), &run).unwrap_err();
    assert!(matches!(e, ResultsError::InvalidName { ref name, .. } if name == "tower/1"), "{e}");
    assert!(files_in(dir.path()).is_empty());
}

/// Width, height and number of distinct colours of a PNG.
pub(crate) fn png_stats(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bpp = info.color_type.samples();
    let colours: BTreeSet<&[u8]> = buf[..info.buffer_size()].chunks(bpp).collect();
    (info.width, info.height, colours.len())
}

// Goal: write_all produces every product; PNGs decode at the plot size and are not blank
// (anti-aliased lines and text give hundreds of colours; a blank canvas gives one); SVGs carry
// the bilingual labels as text. Setup: the rain fixture into a fresh folder.
#[test]
fn write_all_produces_decodable_plots_with_chinese_labels() {
    let dir = tempfile::tempdir().unwrap();
    let run = flood_run(true);
    let files = write_all(dir.path(), &run).unwrap();
    keep_output("rain", &run);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned())
        .collect();
    let mut expected = vec!["results.h5".to_string(), "summary.json".to_string()];
    for k in PlotKind::ALL {
        expected.push(format!("plots/{}.png", k.file_stem()));
        expected.push(format!("plots/{}.svg", k.file_stem()));
    }
    expected.push("report.html".into());
    assert_eq!(names, expected);
    for f in &files {
        assert!(fs::metadata(f).unwrap().len() > 1000, "{} is tiny", f.display());
    }
    let labels = [
        (
            PlotKind::Hydrographs,
            vec!["入库流量 / Inflow", "总下泄流量 / Total outflow", "降雨 / Rain", "tower-1"],
        ),
        (
            PlotKind::Stage,
            vec!["库水位 / Pond level (m)", "坝顶 / Dam crest", "滩顶 / Beach crest", "最高水位"],
        ),
        (
            PlotKind::Safety,
            vec!["安全超高 / Freeboard (m)", "干滩长度 / Beach length (m)", "最小安全超高"],
        ),
        (PlotKind::Rating, vec!["泄流能力曲线", "合计 / Combined", "有压流 / pressure"]),
    ];
    for (kind, expect) in labels {
        let (w, h, colours) =
            png_stats(&dir.path().join(format!("plots/{}.png", kind.file_stem())));
        assert_eq!((w, h), kind.size(), "{kind:?}");
        assert!(colours > 50, "{kind:?}: only {colours} colours");
        let svg =
            fs::read_to_string(dir.path().join(format!("plots/{}.svg", kind.file_stem()))).unwrap();
        assert!(svg.starts_with("<svg"), "{kind:?}");
        for label in expect {
            assert!(svg.contains(label), "{kind:?} SVG lacks {label:?}");
        }
    }
    // Only the products, no temporaries.
    assert_eq!(
        files_in(dir.path()),
        ["plots", "report.html", "results.h5", "summary.json"].map(String::from).into()
    );
    assert_eq!(files_in(&dir.path().join("plots")).len(), 8);
}

/// Checks that every opened element is closed in order (void elements and `<…/>` excepted);
/// returns the first problem.
pub(crate) fn unbalanced(html: &str) -> Option<String> {
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>')?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Some(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    (!stack.is_empty()).then(|| format!("unclosed: {stack:?}"))
}

// Goal: report.html is one self-contained, well-formed page: every check id, the key numbers,
// the plots inline, all run text escaped. Setup: write_all on the rain fixture, whose texts hold
// markup and quotes.
#[test]
fn report_html_lists_every_check_and_is_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let run = flood_run(true);
    write_all(dir.path(), &run).unwrap();
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(unbalanced(&html), None);
    for c in &run.report.checks {
        assert!(html.contains(&format!("<code>{}</code>", c.id)), "check {} missing", c.id);
    }
    assert!(html.contains("⚠ 待核实 / recalled"));
    assert!(html.contains("class=\"s pass\"") && html.contains("class=\"s fail\""));
    assert!(html.contains("不适用 / n/a") && html.contains("2 项不满足 / 2 failed"));
    assert!(html.contains(&format!("{:.2} m", run.report.peak_stage_m)));
    assert!(html.contains("GB 39496-2020 尾矿库安全规程"));
    assert!(html.contains("demo-valley-pond &lt;test&gt;"));
    assert!(html.contains("&lt;checked&gt; &amp; &quot;quoted&quot;"));
    assert!(!html.contains("<checked>"));
    assert_eq!(html.matches("<svg").count(), PlotKind::ALL.len());
    for external in ["src=\"http", "href=\"http", "<script", "<link"] {
        assert!(!html.contains(external), "report refers to {external}");
    }
}

// Goal: viz can redraw from results.h5 alone, and gets the same pictures as from the run.
#[test]
fn redraw_from_results_gives_identical_plots() {
    let dir = tempfile::tempdir().unwrap();
    let run = flood_run(true);
    write_all(dir.path(), &run).unwrap();
    let again = dir.path().join("again");
    let files = redraw_from_results(&dir.path().join("results.h5"), &again).unwrap();
    assert_eq!(files.len(), 2 * PlotKind::ALL.len() + 1);
    for k in PlotKind::ALL {
        let name = format!("plots/{}.svg", k.file_stem());
        assert_eq!(
            fs::read_to_string(dir.path().join(&name)).unwrap(),
            fs::read_to_string(again.join(&name)).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("report.html")).unwrap(),
        fs::read_to_string(again.join("report.html")).unwrap()
    );
}

// Goal: a run without rain, structures, ratings, reference levels or safety checks still gives
// every product (the plots say what is missing instead of failing), and round-trips.
#[test]
fn write_all_handles_a_bare_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut run = flood_run(false);
    run.routed.structures.clear();
    run.report.structures.clear();
    run.ratings.clear();
    run.levels.clear();
    run.report.checks.retain(|c| c.id != "freeboard" && c.id != "beach_length");
    run.report.storm = None;
    run.report.catchment = None;
    run.report.grade = None;
    run.report.grade_number = None;
    run.report.design_return_period_years = None;
    let files = write_all(dir.path(), &run).unwrap();
    keep_output("bare", &run);
    assert_eq!(files.len(), 2 + 2 * PlotKind::ALL.len() + 1);
    assert_eq!(read_results_h5(&files[0]).unwrap(), run);
    let svg = fs::read_to_string(dir.path().join("plots/rating_curves.svg")).unwrap();
    assert!(svg.contains("无泄流能力表 / No rating tables"));
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(unbalanced(&html), None);
}
