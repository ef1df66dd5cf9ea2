//! Nowcast and replay (pipeline::nowcast) on the demo pond.

use crate::common::demo_dir;
use std::path::Path;
use tailtwin::core::warning::AlarmLevel;
use tailtwin::pipeline::nowcast::replay::{ReplayForecast, ReplaySettings, replay};
use tailtwin::pipeline::nowcast::synthetic::{SyntheticStorm, storm_export};
use tailtwin::pipeline::nowcast::{
    self, NowcastInput, NowcastSettings, Quantity, RainForecast, Twin, TwinModel,
};
use tailtwin::twin::{Format, Store, TwinConfig};

fn demo_model() -> TwinModel {
    let s = tailtwin::scenario::load(&demo_dir().join("valley-pond.toml")).expect("demo");
    TwinModel::new(&s, &[]).expect("model")
}

fn settings() -> NowcastSettings {
    NowcastSettings {
        horizon_s: 72.0 * 3600.0,
        step_s: 600.0,
        warmup_s: 0.0,
        rain_interval_s: 600.0,
    }
}

fn zero_forecast() -> RainForecast {
    RainForecast::uniform(3600.0, vec![0.0; 72]).expect("forecast")
}

// Goal: with no rain the pond below every inlet keeps its level exactly (no inflow, no outflow).
// Setup: demo pond at 368.0 m (windows sealed up to 368.5 m, spillway crest 370.9 m), a 72 h
// all-zero forecast, no warm-up rain. Reference: S(t) = S(0). Tolerance: 1e-9 m (round-off of
// the storage → stage inversion; nothing flows).
#[test]
fn zero_forecast_keeps_the_level_below_the_outlets() {
    let model = demo_model();
    let f = zero_forecast();
    let input = NowcastInput { t0_ms: 0, stage0_m: 368.0, observed_mm: vec![], forecast: &f };
    let n = nowcast::nowcast(&model, &input, &settings()).expect("nowcast");
    let m = &n.members[0];
    assert_eq!(m.stage_m.len(), 433);
    for (k, z) in m.stage_m.iter().enumerate() {
        assert!((z - 368.0).abs() < 1e-9, "step {k}: {z}");
    }
    assert!(m.rain_24h_mm.iter().all(|&r| r == 0.0));
}

// Goal: with no rain and the pond above the window sill, the level only falls (outflow only)
// and never below the lowest open inlet. Setup: demo at 369.5 m, zero forecast, 72 h.
// Reference: dS/dt = −Q_out(S) ≤ 0, Q_out = 0 at 368.5 m. Tolerance: non-increasing to 1e-9 m
// (the router's dense output is monotone for a monotone ODE up to round-off); the volume
// balance error below 1e-6 of the volume drained (the router closes it to round-off).
#[test]
fn zero_forecast_only_drains_above_the_outlets() {
    let model = demo_model();
    let f = zero_forecast();
    let input = NowcastInput { t0_ms: 0, stage0_m: 369.5, observed_mm: vec![], forecast: &f };
    let n = nowcast::nowcast(&model, &input, &settings()).expect("nowcast");
    let m = &n.members[0];
    for w in m.stage_m.windows(2) {
        assert!(w[1] <= w[0] + 1e-9, "{} → {}", w[0], w[1]);
    }
    let last = *m.stage_m.last().expect("points");
    assert!((368.5 - 1e-6..369.5 - 0.1).contains(&last), "final stage {last}");
    let p = &model.model.pond;
    let drained = p.storage().volume_at(tailtwin::core::Elevation(369.5))
        - p.storage().volume_at(tailtwin::core::Elevation(last));
    assert!(m.mass_balance_error_m3.abs() < 1e-6 * drained, "{}", m.mass_balance_error_m3);
    // No threshold items without sensors; the roll-up of nothing is no warning.
    assert_eq!(n.pond_level, AlarmLevel::None);
}

// Goal: the ensemble nowcast does not depend on the thread count. Setup: the demo's 20-member
// forecast from 368.535 m, in rayon pools of 1 and 2 threads. Reference: equality of every
// trajectory, band, crossing and level (members are reduced in index order). Tolerance: exact.
#[test]
fn nowcast_is_identical_on_one_and_two_threads() {
    let model = demo_model();
    let f = RainForecast::read(&demo_dir().join("twin/forecast-ensemble.csv"), Some(28_800))
        .expect("forecast");
    assert_eq!(f.members.len(), 20);
    let input = NowcastInput { t0_ms: 0, stage0_m: 368.535, observed_mm: vec![], forecast: &f };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| nowcast::nowcast(&model, &input, &settings()).expect("nowcast"))
    };
    let (a, b) = (run(1), run(2));
    assert!(a == b, "1 and 2 threads differ");
    // The bands bracket the median and the members differ (a real ensemble).
    let stage = &a.bands[0];
    assert!(stage.p95.iter().zip(&stage.p05).any(|(h, l)| h - l > 0.1));
    for k in 0..stage.p50.len() {
        assert!(stage.p05[k] <= stage.p50[k] && stage.p50[k] <= stage.p95[k]);
    }
}

/// A twin config for the demo pond in `dir` (the scenario by absolute path).
pub(crate) fn write_config(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(demo_dir().join("twin/twin.toml")).expect("config");
    let scenario = demo_dir().join("valley-pond.toml");
    let text =
        text.replace("\"../valley-pond.toml\"", &format!("{:?}", scenario.display().to_string()));
    let p = dir.join("twin.toml");
    std::fs::write(&p, text).expect("write config");
    p
}

/// Crossing of `th` by (t, v) read as piecewise linear, computed here independently.
fn crossing_ms(t: &[i64], v: &[f64], th: f64) -> Option<f64> {
    for i in 0..v.len() {
        if v[i] >= th {
            if i == 0 {
                return Some(t[0] as f64);
            }
            let f = (th - v[i - 1]) / (v[i] - v[i - 1]);
            return Some(t[i - 1] as f64 + f * (t[i] - t[i - 1]) as f64);
        }
    }
    None
}

// Goal: replaying a storm from the stored data warns ahead of the observed crossing by the lead
// time computed independently. Setup: the demo pond's twin config; a storm generated by the
// model (368.40 m; 12 h from t0: 0.5 mm per 10 min, 4 mm per 10 min from hour 2 to 8,
// 162 mm in all; readings every 10 min, 6 h dry before) written as a
// CSV export and ingested; replay from t0 − 3 h to t0 + 3 h every hour, 72 h horizon, perfect
// forecast. Reference: the observed crossing of the blue (368.5 m) and yellow (369.0 m) levels
// interpolated here from the written readings (4 decimals, as stored); the first issue
// (t0 − 3 h) already forecasts both, so lead = crossing − (t0 − 3 h). Tolerance: observed
// crossing to 1 ms (same readings, same interpolation); the forecast crossing of the first
// issue within one reading interval (600 s) of the observed one — both are linear
// interpolations across the interval that holds the true crossing.
#[test]
fn replay_of_a_synthetic_storm_warns_with_the_independent_lead_time() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = TwinConfig::read(write_config(dir.path())).expect("config");
    let mut store = Store::init(dir.path().join("twin.sqlite")).expect("store");
    nowcast::init(&mut store, &config).expect("init");
    let twin = Twin::open(&store, None).expect("open");
    let t0 = 1_720_540_800_000; // 2024-07-09T16:00:00Z
    let rain: Vec<f64> = (0..72).map(|k| if (12..48).contains(&k) { 4.0 } else { 0.5 }).collect();
    let storm = SyntheticStorm {
        t0_ms: t0,
        stage0_m: 368.40,
        interval_s: 600.0,
        rain_mm: rain,
        record_s: 48.0 * 3600.0,
        before_s: 6.0 * 3600.0,
    };
    let ex = storm_export(&twin.model, &storm, "L1", "R1", Some("B1")).expect("storm");
    let path = dir.path().join("storm.csv");
    std::fs::write(&path, &ex.csv).expect("write");
    let r = store.ingest_file(&path, Format::Csv, None).expect("ingest");
    assert_eq!(r.quarantined_total(), 0);
    let written: Vec<f64> = ex.stage_m.iter().map(|z| (z * 1e4).round() / 1e4).collect();
    let from = t0 - 3 * 3_600_000;
    let settings = ReplaySettings {
        from_ms: from,
        to_ms: t0 + 3 * 3_600_000,
        every_s: 3600.0,
        forecast: ReplayForecast::Perfect,
        nowcast: NowcastSettings { warmup_s: 24.0 * 3600.0, ..settings() },
    };
    let rep = replay(&store, &twin, &settings).expect("replay");
    assert_eq!(rep.issues.len(), 7);
    assert!(rep.skipped.is_empty());
    for (level, th) in [(AlarmLevel::Blue, 368.5), (AlarmLevel::Yellow, 369.0)] {
        let l = rep
            .lead_times
            .iter()
            .find(|l| l.quantity == Quantity::Stage && l.level == level)
            .expect("threshold");
        assert_eq!(l.threshold, th);
        let want = crossing_ms(&ex.t_ms, &written, th).expect("the storm crosses it");
        let got = l.observed_crossing_ms.expect("observed") as f64;
        assert!((got - want).abs() <= 1.0, "{level:?}: observed {got} vs {want}");
        assert_eq!(l.first_warning_ms, Some(from));
        let lead = l.lead_time_s.expect("lead");
        assert!((lead - (want - from as f64) / 1000.0).abs() <= 1e-3, "{level:?}: lead {lead}");
        assert!(lead > 3.0 * 3600.0, "{level:?}: lead {lead}");
        let fc = l.forecast_crossing_ms.expect("forecast crossing") as f64;
        assert!((fc - want).abs() <= 600_000.0, "{level:?}: forecast {fc} vs observed {want}");
    }
    // The peak stays below orange: no observed crossing, and no issue forecast one.
    let orange = rep
        .lead_times
        .iter()
        .find(|l| l.quantity == Quantity::Stage && l.level == AlarmLevel::Orange);
    let orange = orange.expect("orange threshold");
    assert!(orange.observed_crossing_ms.is_none() && orange.false_alarm_issues == 0);
}

// Goal: a catchment the nowcast cannot drive (the rational formula needs a design storm's
// depth–duration curve) is refused with a message naming the key, while the model (state,
// status) still builds. Setup: the demo with `runoff = { method = "rational", … }`. Reference:
// the message. Tolerance: none.
#[test]
fn nowcast_refuses_a_rational_formula_catchment_by_key() {
    let text = crate::common::demo_with(
        r#"runoff = { method = "scs_cn", curve_number = 80, amc = "II" }"#,
        r#"runoff = { method = "rational", mu_mm_h = 3.0, m = 0.8 }"#,
    );
    let s = tailtwin::scenario::parse(&text, &demo_dir(), "demo-rational").expect("scenario");
    let model = TwinModel::new(&s, &[]).expect("the model builds");
    let f = zero_forecast();
    let input = NowcastInput { t0_ms: 0, stage0_m: 368.0, observed_mm: vec![], forecast: &f };
    let e = nowcast::nowcast(&model, &input, &settings()).expect_err("refused");
    assert!(e.to_string().contains("catchment.runoff must be scs_cn"), "{e}");
}

// Goal: the current state compares the beach sensor and the piezometers with the model at the
// measured stage. Setup: the shipped demo export (made by examples/make_twin_demo.rs: the beach
// sensor is the model's beach length; P1/P2 are the seepage model's phreatic level at 368.40 m
// plus +0.25 m and −0.15 m), ingested; the state at 2024-07-10 00:00 China time, when the level
// reads 368.40 m. Reference: differences +0.25 m, −0.15 m and 0 m. Tolerance: 5e-4 m, the
// rounding of the written values to 1 mm (the seepage solve is deterministic: same section,
// settings and level as the generator's).
#[test]
fn current_state_reports_the_piezometer_and_beach_differences_at_the_measured_stage() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = TwinConfig::read(write_config(dir.path())).expect("config");
    let mut store = Store::init(dir.path().join("twin.sqlite")).expect("store");
    nowcast::init(&mut store, &config).expect("init");
    let r = store
        .ingest_file(&demo_dir().join("twin/export-storm.csv"), Format::Csv, None)
        .expect("ingest");
    assert_eq!((r.accepted, r.quarantined_total()), (1084, 0));
    let twin = Twin::open(&store, Some("demo-valley")).expect("open");
    let at = tailtwin::twin::parse_timestamp("2024-07-10T00:00:00+08:00", None).expect("time");
    let st = nowcast::current_state(&store, &twin, at, true).expect("state");
    assert_eq!((st.t_ms, st.stage_m, st.stage_sensor.as_str()), (at, 368.40, "L1"));
    let p = &twin.model.model.pond;
    assert_eq!(st.storage_m3, p.storage().volume_at(tailtwin::core::Elevation(368.40)));
    let diff = |id: &str| {
        st.piezometers.iter().chain(&st.beach).find(|c| c.sensor == id).expect(id).difference
    };
    assert!((diff("P1") - 0.25).abs() <= 5e-4, "P1 {}", diff("P1"));
    assert!((diff("P2") + 0.15).abs() <= 5e-4, "P2 {}", diff("P2"));
    assert!(diff("B1").abs() <= 5e-4, "B1 {}", diff("B1"));
}

// Goal: the nowcast routes like the flood run: with the scenario's own design storm as a
// one-member forecast from the routing start level, it reproduces the design-flood peak.
// Setup: the demo; `run_flood`; the same hyetograph (10 min intervals from t = 0) as the
// forecast, no warm-up, 72 h. Reference: `run_flood`'s peak stage and its time. Tolerance:
// 1e-6 m and 1 s — the same inflow (SCS-CN + UH of the same rain), pond, structures and
// router settings; only the output grid differs, and the peak is located by the router's
// event root finding in both.
#[test]
fn nowcast_with_the_design_storm_reproduces_the_flood_run_peak() {
    let s = tailtwin::scenario::load(&demo_dir().join("valley-pond.toml")).expect("demo");
    let run = tailtwin::pipeline::run_flood(&s, &Default::default()).expect("flood");
    let h = run.hyetograph.as_ref().expect("design storm");
    assert_eq!(h.start_s(), 0.0);
    let f = RainForecast::uniform(h.interval_s(), h.depth_mm().to_vec()).expect("forecast");
    let model = TwinModel::new(&s, &[]).expect("model");
    let stage0 = s.pond.as_ref().expect("pond").initial_level.m();
    let input = NowcastInput { t0_ms: 0, stage0_m: stage0, observed_mm: vec![], forecast: &f };
    let settings = NowcastSettings { rain_interval_s: h.interval_s(), ..settings() };
    let n = nowcast::nowcast(&model, &input, &settings).expect("nowcast");
    let m = &n.members[0];
    let (want, t_want) = (run.routed.peak_stage_m, run.routed.time_of_peak_stage_s);
    assert!((m.peak_stage_m - want).abs() < 1e-6, "{} vs {want}", m.peak_stage_m);
    assert!(
        (m.time_of_peak_stage_s - t_want).abs() < 1.0,
        "{} vs {t_want}",
        m.time_of_peak_stage_s
    );
}

// Goal: gauge readings become rain on the grid by the documented rule — each reading's depth
// is spread over min(gap to the previous reading, the gauge's median spacing) before it, so a
// reading after an outage is not smeared over the outage. Setup: the demo twin; R1 reads 1 mm
// every 10 min from 00:10 to 01:00, then nothing until 6 mm at 04:00 (UTC); grid 00:00–04:00
// at 10 min. Reference: 1 mm in each of the first six cells, 6 mm in the last, zero between,
// 12 mm in all. Tolerance: 1e-12 mm (sums of exact products).
#[test]
fn gauge_readings_after_an_outage_fill_one_interval_not_the_gap() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = TwinConfig::read(write_config(dir.path())).expect("config");
    let mut store = Store::init(dir.path().join("twin.sqlite")).expect("store");
    nowcast::init(&mut store, &config).expect("init");
    let mut csv = String::from("sensor,time,value,unit\n");
    for t in ["00:10", "00:20", "00:30", "00:40", "00:50", "01:00"] {
        csv.push_str(&format!("R1,2024-07-01T{t}:00Z,1.0,mm\n"));
    }
    csv.push_str("R1,2024-07-01T04:00:00Z,6.0,mm\n");
    let path = dir.path().join("rain.csv");
    std::fs::write(&path, csv).expect("write");
    let r = store.ingest_file(&path, Format::Csv, None).expect("ingest");
    assert_eq!((r.accepted, r.quarantined_total()), (7, 0));
    let twin = Twin::open(&store, None).expect("open");
    let g0 = tailtwin::twin::parse_timestamp("2024-07-01T00:00:00Z", None).expect("time");
    let g = twin.observed_rain(&store, g0, 600.0, 24).expect("rain");
    for (k, v) in g.iter().enumerate() {
        let want = match k {
            0..=5 => 1.0,
            23 => 6.0,
            _ => 0.0,
        };
        assert!((v - want).abs() < 1e-12, "cell {k}: {v} mm, want {want}");
    }
}
