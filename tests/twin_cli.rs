//! `tailtwin twin init|ingest|status|nowcast|replay` end to end on a temporary database.

use crate::common::demo_dir;
use crate::nowcast::write_config;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn tailtwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tailtwin"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tailtwin")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
    })
}

// Goal: the twin commands work end to end and keep their contracts. Setup: the demo twin config
// (scenario by absolute path) on a temp database; the shipped storm export and 20-member
// forecast. Reference: counts of the export (1084 rows: 55 hourly readings of 2 piezometers and
// 36 + 289 readings of level, beach and rain (rain from the first interval end)); the stored
// run history. Tolerance: exact counts; stage equal to the last level reading to 1e-9 m.
#[test]
fn twin_cli_init_ingest_status_nowcast_replay_end_to_end() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = write_config(dir.path());
    let db = dir.path().join("t.sqlite");
    let init = tailtwin(&["twin", "init", s(&config), "--db", s(&db), "--json"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let v = json(&init);
    assert_eq!(v["pond"], "demo-valley");
    assert_eq!(v["sensors"].as_array().expect("sensors").len(), 5);
    // Idempotent: a second init succeeds and changes no sensor.
    let again = tailtwin(&["twin", "init", s(&config), "--db", s(&db), "--json"]);
    assert!(again.status.success());
    assert_eq!(json(&again)["sensors"], v["sensors"]);

    let export = demo_dir().join("twin/export-storm.csv");
    let ing = tailtwin(&["twin", "ingest", s(&db), s(&export), "--json"]);
    assert!(ing.status.success(), "{}", String::from_utf8_lossy(&ing.stderr));
    let r = &json(&ing)[0];
    assert_eq!(r["rows_read"], 1084);
    assert_eq!(r["accepted"], 1084);
    let ing2 = tailtwin(&["twin", "ingest", s(&db), s(&export), "--json"]);
    assert_eq!(json(&ing2)[0]["already_ingested"], true);

    let st = tailtwin(&["twin", "status", s(&db), "--json", "--phreatic"]);
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let v = json(&st);
    let state = &v["state"];
    let l1 = v["sensors"].as_array().expect("sensors").iter().find(|x| x["id"] == "L1").cloned();
    let l1 = l1.expect("L1");
    assert!(
        (state["stage_m"].as_f64().unwrap() - l1["last_value_si"].as_f64().unwrap()).abs() < 1e-9
    );
    assert_eq!(state["beach"].as_array().expect("beach").len(), 1);
    assert_eq!(state["piezometers"].as_array().expect("piezometers").len(), 2);

    let out = dir.path().join("nc");
    let forecast = demo_dir().join("twin/forecast-ensemble.csv");
    let nc = tailtwin(&[
        "twin",
        "nowcast",
        s(&db),
        "--forecast",
        s(&forecast),
        "--hours",
        "48",
        "--json",
        "--out",
        s(&out),
        "--threads",
        "2",
    ]);
    assert!(nc.status.success(), "{}", String::from_utf8_lossy(&nc.stderr));
    let v = json(&nc);
    let n = &v["nowcast"];
    assert_eq!(n["time_s"].as_array().expect("times").len(), 48 * 6 + 1);
    assert!(
        n["crossings"]
            .as_array()
            .expect("crossings")
            .iter()
            .all(|c| c["probability"]["members"] == 20)
    );
    // Burial depth at the section's four stations, from seepage solves at three levels: the
    // phreatic line rises with the pond (the flooded beach brings the boundary closer).
    let stations = n["burial"]["stations"].as_array().expect("burial stations");
    assert_eq!(stations.len(), 4);
    let d: Vec<f64> = stations[0]["depth_at_levels_m"]
        .as_array()
        .expect("depths")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect();
    assert!(d.len() == 3 && d[0] > d[1] && d[1] > d[2], "{d:?}");
    for f in ["trajectories.csv", "members_stage.csv", "nowcast.json", "nowcast.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let rp = tailtwin(&[
        "twin",
        "replay",
        s(&db),
        "--from",
        "2024-07-09 22:00",
        "--to",
        "2024-07-10 02:00",
        "--every",
        "2h",
        "--horizon",
        "24h",
        "--json",
    ]);
    assert!(rp.status.success(), "{}", String::from_utf8_lossy(&rp.stderr));
    assert_eq!(json(&rp)["replay"]["issues"].as_array().expect("issues").len(), 3);
    // Persistence: the last observed hour's rain held. Before the storm (dry hour) it forecasts
    // no rain, so no issue warns of the yellow level the storm reaches.
    let rp = tailtwin(&[
        "twin",
        "replay",
        s(&db),
        "--from",
        "2024-07-09 22:00",
        "--to",
        "2024-07-09 23:00",
        "--horizon",
        "24h",
        "--forecast",
        "persistence",
        "--json",
    ]);
    assert!(rp.status.success(), "{}", String::from_utf8_lossy(&rp.stderr));
    let v = json(&rp);
    let yellow = v["replay"]["lead_times"]
        .as_array()
        .expect("lead times")
        .iter()
        .find(|l| l["quantity"] == "stage" && l["level"] == "yellow")
        .cloned()
        .expect("yellow");
    assert!(yellow["observed_crossing_ms"].is_i64() && yellow["first_warning_ms"].is_null());
    // Both runs are in the history, finished.
    let store = tailtwin::twin::Store::open(&db).expect("open");
    let runs = store.runs("demo-valley").expect("runs");
    let kinds: Vec<_> = runs.iter().map(|r| (r.kind.as_str(), r.status.as_str())).collect();
    assert_eq!(kinds, [("nowcast", "ok"), ("replay", "ok"), ("replay", "ok")]);
}

// Goal: bad config and forecast files fail with exit 2 and name the key path or the line.
// Setup: a config with an unknown sensor kind and misordered thresholds; a forecast with a
// non-numeric cell on line 3. Reference: the messages. Tolerance: none (text).
#[test]
fn twin_cli_bad_config_and_forecast_name_the_key_and_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = write_config(dir.path());
    let text = std::fs::read_to_string(&config).expect("config")
        + "\n[[sensor]]\nid = \"X1\"\nkind = \"pond_levl\"\n\n[[sensor]]\nid = \"X2\"\nkind = \"pond_level\"\nthresholds = { blue = 369.0, yellow = 368.0 }\n";
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, text).expect("write");
    let db = dir.path().join("t.sqlite");
    let o = tailtwin(&["twin", "init", s(&bad), "--db", s(&db)]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("sensor[5].kind") && e.contains("pond_levl"), "{e}");
    assert!(e.contains("sensor[6].thresholds"), "{e}");

    assert!(tailtwin(&["twin", "init", s(&config), "--db", s(&db)]).status.success());
    let f = dir.path().join("f.csv");
    std::fs::write(&f, "hour,a,b\n0,1.0,2.0\n1,1.0,wet\n").expect("write");
    let o = tailtwin(&["twin", "nowcast", s(&db), "--forecast", s(&f)]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("line 3, column b") && e.contains("'wet'"), "{e}");
    // No level data yet: a clear error, not a panic.
    std::fs::write(&f, "hour,a\n0,1.0\n1,1.0\n").expect("write");
    let o = tailtwin(&["twin", "nowcast", s(&db), "--forecast", s(&f)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no usable pond-level reading"));
    // A quarantined row makes ingest exit 2.
    let x = dir.path().join("x.csv");
    std::fs::write(
        &x,
        "sensor,time,value,unit\nL1,2024-07-01T00:00:00Z,368.5,m\nL1,not a time,368.6,m\n",
    )
    .expect("write");
    let o = tailtwin(&["twin", "ingest", s(&db), s(&x)]);
    assert_eq!(o.status.code(), Some(2));
}
