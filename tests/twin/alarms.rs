//! Alarms through the store: hysteresis, roll-up, the 24 h rain window, the log.

use tailtwin::twin::{
    AlarmEvent, AlarmLevel, Direction, Format, Pond, Scope, Sensor, SensorKind, Store, Thresholds,
    defaults,
};

const T0: i64 = 1_719_792_000_000; // 2024-07-01T00:00:00Z
const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;

fn iso(t_ms: i64) -> String {
    tailtwin::twin::format_timestamp(t_ms).expect("in range")
}

fn pond_store(dir: &std::path::Path, sensors: &[Sensor]) -> Store {
    let mut store = Store::init(dir.join("alarms.sqlite")).expect("init");
    store.upsert_pond(&Pond::china("p", "alarm pond")).expect("pond");
    for s in sensors {
        store.upsert_sensor(s).expect("sensor");
    }
    store
}

fn ingest(store: &mut Store, name: &str, rows: &[(&str, i64, f64)]) {
    let mut csv = String::from("sensor,time,value,unit\n");
    for (id, t, v) in rows {
        let unit = store.sensor(id).expect("sensor").unit;
        csv.push_str(&format!("{id},{},{v},{unit}\n", iso(*t)));
    }
    let r = store.ingest_bytes(name, csv.as_bytes(), Format::Csv, None).expect("ingest");
    assert_eq!(r.accepted as usize, rows.len(), "{r:?}");
}

fn level_sensor(deadband: f64, hold_s: f64) -> Sensor {
    let mut s = Sensor::new("L", "p", SensorKind::PondLevel);
    s.quality.stuck_after_s = None;
    s.thresholds = Some(Thresholds::site(
        Direction::Rising,
        [Some(366.0), Some(367.0), Some(368.0), Some(369.0)],
        deadband,
        hold_s,
    ));
    s
}

/// A level that rises to 366.0 m, wanders ±0.03 m around it for a day (10 min readings, a fixed
/// pattern crossing 366.0 every other reading), then falls to 365.8 m.
fn noisy_level() -> Vec<(&'static str, i64, f64)> {
    let mut rows = Vec::new();
    for i in 0..36 {
        rows.push(("L", T0 + i * 10 * MIN, 365.5 + 0.5 * i as f64 / 36.0 - 0.02));
    }
    let pattern = [0.03, -0.02, 0.01, -0.03, 0.02, -0.01];
    for i in 36..180 {
        rows.push(("L", T0 + i * 10 * MIN, 366.0 + pattern[(i % 6) as usize]));
    }
    for i in 180..240 {
        rows.push(("L", T0 + i * 10 * MIN, 365.9 - 0.1 * (i - 180) as f64 / 60.0));
    }
    rows
}

// Goal: hysteresis stops an alarm from flapping on a noisy signal around a threshold.
// Setup: blue at 366.0 m (rising), the signal of `noisy_level` (72 crossings of 366.0 m in a
// day), deadband 0.05 m, hold 1 h. Reference: one raise (none → blue) at the first reading
// ≥ 366.0 m and one clear (blue → none) at the first reading 1 h after the start of the final run
// below 365.95 m; the same signal without hysteresis (deadband 0, hold 0) flaps (> 50 events),
// which shows the test can fail. Tolerance: exact (event counts and times).
#[test]
fn noisy_level_around_a_threshold_raises_once_and_clears_once() {
    let rows = noisy_level();
    let crossings = rows.windows(2).filter(|w| (w[0].2 >= 366.0) != (w[1].2 >= 366.0)).count();
    assert!(crossings > 50, "the signal really is noisy: {crossings}");

    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = pond_store(dir.path(), &[level_sensor(0.05, 3600.0)]);
    ingest(&mut store, "noisy.csv", &rows);
    let eval = store.evaluate_alarms("p", None).expect("evaluate");
    let points: Vec<&AlarmEvent> = eval.events.iter().filter(|e| e.scope == Scope::Point).collect();
    assert_eq!(points.len(), 2, "{points:?}");
    let first_high = rows.iter().find(|r| r.2 >= 366.0).expect("reaches").1;
    let safe_start = rows.iter().rposition(|r| r.2 >= 365.95).map(|i| rows[i + 1].1).expect("run");
    let cleared_at = rows.iter().find(|r| r.1 >= safe_start + HOUR).expect("clears").1;
    assert_eq!(
        (points[0].t_ms, points[0].from, points[0].to),
        (first_high, AlarmLevel::None, AlarmLevel::Blue)
    );
    assert_eq!(
        (points[1].t_ms, points[1].from, points[1].to),
        (cleared_at, AlarmLevel::Blue, AlarmLevel::None)
    );
    // The item and pond follow the single point; the log holds all six events.
    assert_eq!(eval.events.len(), 6);
    assert_eq!(store.alarm_log("p").expect("log"), eval.events);
    assert_eq!(eval.pond_level, AlarmLevel::None);

    let dir = tempfile::tempdir().expect("tempdir");
    let mut bare = pond_store(dir.path(), &[level_sensor(0.0, 0.0)]);
    ingest(&mut bare, "noisy.csv", &rows);
    let flapping = bare.evaluate_alarms("p", None).expect("evaluate").events;
    assert!(flapping.iter().filter(|e| e.scope == Scope::Point).count() > 50);
}

fn point(id: &str, kind: SensorKind, blue: f64, yellow: f64) -> Sensor {
    let mut s = Sensor::new(id, "p", kind);
    s.quality.stuck_after_s = None;
    s.unit = "m".into();
    s.thresholds = Some(Thresholds::site(
        Direction::Rising,
        [Some(blue), Some(yellow), None, None],
        0.01,
        0.0,
    ));
    s
}

// Goal: the GB 39496 roll-up through the store. Setup: four piezometers (blue 340 m, yellow
// 341 m), two level sensors and a displacement point (blue 1, yellow 2). Piezometers go blue one
// by one at t = 1..4 h; at 5 h a level sensor goes yellow; at 6 h the displacement point goes
// yellow. Reference (standards.md §8 and the rules in tailtwin_twin::alarms): 1–3 blue points →
// item blue, pond blue; the 4th blue point → item yellow → pond yellow; two yellow items → pond
// stays yellow; the third yellow item → pond orange. Tolerance: exact.
#[test]
fn roll_up_four_blue_points_make_a_yellow_item_and_three_yellow_items_an_orange_pond() {
    let mut sensors: Vec<Sensor> =
        (1..=4).map(|i| point(&format!("P{i}"), SensorKind::PhreaticLevel, 340.0, 341.0)).collect();
    sensors.push(point("L1", SensorKind::PondLevel, 366.0, 367.0));
    sensors.push(point("L2", SensorKind::PondLevel, 366.0, 367.0));
    sensors.push(point("D1", SensorKind::DamDisplacement, 1.0, 2.0));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = pond_store(dir.path(), &sensors);
    let mut rows = Vec::new();
    for i in 1..=4 {
        rows.push((["P1", "P2", "P3", "P4"][i - 1], T0 + i as i64 * HOUR, 340.5));
    }
    rows.push(("L1", T0 + 5 * HOUR, 367.2));
    rows.push(("D1", T0 + 6 * HOUR, 2.5));
    ingest(&mut store, "rollup.csv", &rows);
    let eval = store.evaluate_alarms("p", None).expect("evaluate");
    let groups: Vec<(i64, Scope, &str, AlarmLevel)> = eval
        .events
        .iter()
        .filter(|e| e.scope != Scope::Point)
        .map(|e| ((e.t_ms - T0) / HOUR, e.scope, e.subject.as_str(), e.to))
        .collect();
    use AlarmLevel::{Blue, Orange, Yellow};
    assert_eq!(
        groups,
        vec![
            (1, Scope::Item, "p/phreatic_level", Blue),
            (1, Scope::Pond, "p", Blue),
            (4, Scope::Item, "p/phreatic_level", Yellow),
            (4, Scope::Pond, "p", Yellow),
            (5, Scope::Item, "p/pond_level", Yellow),
            (6, Scope::Item, "p/dam_displacement", Yellow),
            (6, Scope::Pond, "p", Orange),
        ]
    );
    assert_eq!(eval.pond_level, Orange);
    assert_eq!(store.status().expect("status").pond_levels.get("p"), Some(&Orange));
}

// Goal: rain alarms judge the trailing 24 h depth, with the 暴雨 yellow default, and evaluation
// continues correctly from stored state. Setup: default rainfall thresholds (25/50/100/250 mm,
// deadband 5 mm, hold 1 h); 6 mm in each of hours 1–12, then dry hourly readings to hour 48;
// evaluated up to hour 20, then to the end. Reference, by hand: Σ24h = 6h mm for h ≤ 12 → blue at
// h = 5 (30 mm), yellow at h = 9 (54 mm); for 25 ≤ h ≤ 36, Σ24h = 6(36 − h) → below 45 mm from
// h = 29, cleared to blue at h = 30 after the 1 h hold; below 20 mm from h = 33, cleared at h = 34.
// Tolerance: exact (sums are ≥ 1 mm from every threshold, so rounding cannot move a crossing).
#[test]
fn rain_alarm_follows_the_trailing_24_hour_depth() {
    let mut gauge = Sensor::new("R1", "p", SensorKind::Rainfall);
    gauge.thresholds = Some(defaults::rainfall_24h());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = pond_store(dir.path(), &[gauge]);
    let rows: Vec<(&str, i64, f64)> =
        (1..=48).map(|h| ("R1", T0 + h * HOUR, if h <= 12 { 6.0 } else { 0.0 })).collect();
    ingest(&mut store, "rain.csv", &rows);
    let first = store.evaluate_alarms("p", Some(T0 + 20 * HOUR)).expect("first part");
    let rest = store.evaluate_alarms("p", None).expect("rest");
    let events: Vec<(i64, AlarmLevel, AlarmLevel)> = first
        .events
        .iter()
        .chain(&rest.events)
        .filter(|e| e.scope == Scope::Point)
        .map(|e| ((e.t_ms - T0) / HOUR, e.from, e.to))
        .collect();
    use AlarmLevel::{Blue, Yellow};
    let none = AlarmLevel::None;
    assert_eq!(
        events,
        vec![(5, none, Blue), (9, Blue, Yellow), (30, Yellow, Blue), (34, Blue, none)]
    );
    let yellow =
        first.events.iter().find(|e| e.to == Yellow && e.scope == Scope::Point).expect("yellow");
    assert!((yellow.value.expect("value") - 0.054).abs() < 1e-12);
    assert_eq!(yellow.threshold, Some(0.05));
}
