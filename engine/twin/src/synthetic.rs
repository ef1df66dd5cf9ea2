//! A deterministic synthetic export with injected faults, and the counts those faults imply —
//! for the ingest tests and the ingest benchmark.
//!
//! Ten sensors of pond `fx` (zone +08:00) report every 10 min from 2024-06-01T00:00+08:00. Each
//! grid cell (step, sensor) is, by a fixed hash of its index, one of: a clean row (offset
//! timestamp, or naive local time 1 in 10), a gap (not written), a row in another convertible
//! unit, a unit mistake, a bad time, a bad value, a broken line (truncated, unbalanced quote or
//! invalid UTF-8), an unknown sensor, a row repeated identically later in the file (in another
//! unit or as naive time half the time), or a row contradicted by a later one. Blocks of 1000 rows
//! are written alternately forwards and backwards (out of order), the repeats and contradictions
//! at the end. Level sensor `L1` has a +5 m spike every 5000 steps (rate flags with its 1 m/h
//! limit); `L2` reads a constant for 200 steps (≥ 24 h: a stuck run). The generator counts what
//! each decision implies; the ingest must reproduce the counts exactly.

use crate::model::{Pond, QualityLimits, Sensor, SensorKind};
use crate::parse::Reason;
use std::collections::BTreeMap;

/// The pond of the fixture.
pub const POND: &str = "fx";
/// Reading interval (s).
pub const STEP_S: i64 = 600;
/// 2024-06-01T00:00:00+08:00 in UTC ms.
pub const START_MS: i64 = 1_717_171_200_000;
const SPIKE_EVERY: u64 = 5000;
const STUCK_FROM: u64 = 3000;
const STUCK_STEPS: u64 = 200;
const STUCK_VALUE: &str = "361.50001";

/// What the ingest of the fixture must report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expected {
    pub rows: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub quarantined: BTreeMap<Reason, u64>,
    /// Lines of quarantined rows, by reason, ascending.
    pub quarantine_lines: BTreeMap<Reason, Vec<i64>>,
    pub rate_flags: u64,
    pub stuck_flags: u64,
}

/// The fixture: CSV text and expected counts.
pub struct Fixture {
    pub csv: Vec<u8>,
    pub expected: Expected,
}

struct Spec {
    id: &'static str,
    kind: SensorKind,
    unit: &'static str,
    /// Another unit and its factor from `unit` (value_alt = value × factor), decimals to print.
    alt: Option<(&'static str, f64, usize)>,
    wrong: &'static str,
    decimals: usize,
}

const SPECS: [Spec; 10] = [
    Spec {
        id: "L1",
        kind: SensorKind::PondLevel,
        unit: "m",
        alt: Some(("mm", 1e3, 1)),
        wrong: "kPa",
        decimals: 4,
    },
    Spec {
        id: "L2",
        kind: SensorKind::PondLevel,
        unit: "m",
        alt: Some(("cm", 1e2, 2)),
        wrong: "m3/s",
        decimals: 4,
    },
    Spec {
        id: "R1",
        kind: SensorKind::Rainfall,
        unit: "mm",
        alt: Some(("cm", 0.1, 2)),
        wrong: "mm/h",
        decimals: 1,
    },
    Spec {
        id: "B1",
        kind: SensorKind::BeachLength,
        unit: "m",
        alt: Some(("cm", 1e2, 0)),
        wrong: "kPa",
        decimals: 2,
    },
    Spec {
        id: "P1",
        kind: SensorKind::PhreaticLevel,
        unit: "m",
        alt: Some(("mm", 1e3, 1)),
        wrong: "kPa",
        decimals: 4,
    },
    Spec {
        id: "P2",
        kind: SensorKind::PhreaticLevel,
        unit: "m",
        alt: Some(("mm", 1e3, 1)),
        wrong: "L/s",
        decimals: 4,
    },
    Spec {
        id: "P3",
        kind: SensorKind::PhreaticLevel,
        unit: "m",
        alt: Some(("cm", 1e2, 2)),
        wrong: "NTU",
        decimals: 4,
    },
    Spec {
        id: "D1",
        kind: SensorKind::DamDisplacement,
        unit: "mm",
        alt: Some(("m", 1e-3, 6)),
        wrong: "NTU",
        decimals: 2,
    },
    Spec {
        id: "Q1",
        kind: SensorKind::SeepageFlow,
        unit: "L/s",
        alt: Some(("m3/h", 3.6, 4)),
        wrong: "mm",
        decimals: 3,
    },
    Spec {
        id: "T1",
        kind: SensorKind::Turbidity,
        unit: "NTU",
        alt: None,
        wrong: "mg/L",
        decimals: 1,
    },
];

/// The pond and sensors the fixture reports on (L1 with a 1 m/h rate limit).
pub fn setup() -> (Pond, Vec<Sensor>) {
    let pond = Pond::china(POND, "fixture pond");
    let sensors = SPECS
        .iter()
        .map(|s| {
            let mut sensor = Sensor::new(s.id, POND, s.kind);
            sensor.unit = s.unit.into();
            if s.id == "L1" {
                sensor.quality =
                    QualityLimits { max_rate_per_s: Some(1.0 / 3600.0), ..sensor.quality };
            }
            sensor
        })
        .collect();
    (pond, sensors)
}

/// SplitMix64: a fixed, portable hash of the cell index.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Clean,
    Naive,
    Gap,
    AltUnit,
    WrongUnit,
    BadTime,
    BadValue,
    Broken,
    Unknown,
    Repeat,
    Contradict,
}

fn cell(h: u64) -> Cell {
    match h % 10_000 {
        0..=19 => Cell::Gap,
        20..=69 => Cell::AltUnit,
        70..=79 => Cell::WrongUnit,
        80..=84 => Cell::BadTime,
        85..=89 => Cell::BadValue,
        90..=96 => Cell::Broken,
        97..=101 => Cell::Unknown,
        102..=131 => Cell::Repeat,
        132..=145 => Cell::Contradict,
        146..=1145 => Cell::Naive,
        _ => Cell::Clean,
    }
}

/// The true reading of sensor `k` at `step`, in its file unit, rounded to its decimals.
fn reading(k: usize, step: u64) -> f64 {
    let s = step as f64;
    let day = std::f64::consts::TAU * s / 144.0;
    let noise = (mix(step * 16 + k as u64) % 1000) as f64 / 1000.0 - 0.5;
    let v = match SPECS[k].kind {
        SensorKind::PondLevel => 360.0 + k as f64 + 0.3 * day.sin() + 0.002 * noise,
        SensorKind::Rainfall => {
            let h = mix(step / 36 + 7) % 10;
            if h < 2 { ((mix(step) % 120) as f64) / 10.0 } else { 0.0 }
        }
        SensorKind::BeachLength => 180.0 + 5.0 * (day / 7.0).cos() + 0.05 * noise,
        SensorKind::PhreaticLevel => {
            340.0 + 2.0 * k as f64 + 0.1 * (day / 3.0).sin() + 0.001 * noise
        }
        SensorKind::DamDisplacement => 0.001 * s + 0.2 * noise,
        SensorKind::SeepageFlow => 12.0 + 0.5 * day.sin() + 0.01 * noise,
        _ => 20.0 + 5.0 * (day / 2.0).sin() + 0.5 * noise,
    };
    let scale = 10f64.powi(SPECS[k].decimals as i32);
    (v * scale).round() / scale
}

fn iso(t_ms: i64, naive: bool) -> String {
    let local = chrono::DateTime::from_timestamp_millis(t_ms + 8 * 3_600_000)
        .expect("fixture times are in range")
        .naive_utc();
    let base = local.format("%Y-%m-%d %H:%M:%S").to_string();
    if naive { base } else { format!("{}+08:00", base.replacen(' ', "T", 1)) }
}

/// Generates a fixture of about `rows` data rows (a whole number of steps of ten sensors).
pub fn generate(rows: u64) -> Fixture {
    let steps = rows.div_ceil(SPECS.len() as u64);
    let mut ex = Expected::default();
    let mut lines: Vec<(Vec<u8>, Option<Reason>)> = Vec::new();
    let mut late: Vec<(Vec<u8>, Option<Reason>)> = Vec::new();
    let mut stuck_accepted = 0;
    for step in 0..steps {
        let t = START_MS + step as i64 * STEP_S * 1000;
        for (k, spec) in SPECS.iter().enumerate() {
            let idx = step * SPECS.len() as u64 + k as u64;
            let mut c = cell(mix(idx));
            let mut value = format!("{:.*}", spec.decimals, reading(k, step));
            let spike = spec.id == "L1" && step % SPIKE_EVERY == SPIKE_EVERY / 2;
            let stuck = spec.id == "L2" && (STUCK_FROM..STUCK_FROM + STUCK_STEPS).contains(&step);
            if spike || stuck {
                c = Cell::Clean;
                if spike {
                    value = format!("{:.4}", reading(k, step) + 5.0);
                    ex.rate_flags += 1;
                } else {
                    value = STUCK_VALUE.into();
                    stuck_accepted += 1;
                }
            }
            if c == Cell::AltUnit && spec.alt.is_none() {
                c = Cell::Clean;
            }
            let row =
                |time: &str, value: &str, unit: &str| format!("{},{time},{value},{unit}", spec.id);
            let clean = row(&iso(t, false), &value, spec.unit).into_bytes();
            let alt = || {
                let (u, f, d) = spec.alt.expect("checked above");
                row(&iso(t, false), &format!("{:.*}", d, reading(k, step) * f), u).into_bytes()
            };
            let (text, outcome): (Vec<u8>, Option<Reason>) = match c {
                Cell::Gap => continue,
                Cell::Clean => (clean, None),
                Cell::Naive => (row(&iso(t, true), &value, spec.unit).into_bytes(), None),
                Cell::AltUnit => (alt(), None),
                Cell::WrongUnit => (
                    row(&iso(t, false), &value, spec.wrong).into_bytes(),
                    Some(Reason::UnitMismatch),
                ),
                Cell::BadTime => {
                    let bad = if idx.is_multiple_of(2) {
                        "2024-06-31T25:00:00+08:00".to_string()
                    } else {
                        format!("{t}")
                    };
                    (row(&bad, &value, spec.unit).into_bytes(), Some(Reason::BadTime))
                }
                Cell::BadValue => {
                    let bad = ["NaN", "", "1.2.3", "inf"][(idx % 4) as usize];
                    (row(&iso(t, false), bad, spec.unit).into_bytes(), Some(Reason::BadValue))
                }
                Cell::Broken => {
                    let broken = match idx % 3 {
                        0 => clean[..clean.len() / 2].to_vec(),
                        1 => format!("{},\"{},{value},{}", spec.id, iso(t, false), spec.unit)
                            .into_bytes(),
                        _ => {
                            let mut b = clean.clone();
                            b[1] = 0xff;
                            b
                        }
                    };
                    (broken, Some(Reason::Malformed))
                }
                Cell::Unknown => (
                    format!("X{}", String::from_utf8_lossy(&clean)).into_bytes(),
                    Some(Reason::UnknownSensor),
                ),
                Cell::Repeat => {
                    let copy = match (idx % 2, spec.alt) {
                        (0, Some(_)) => alt(),
                        _ => row(&iso(t, true), &value, spec.unit).into_bytes(),
                    };
                    late.push((copy, None));
                    ex.duplicates += 1;
                    (clean, None)
                }
                Cell::Contradict => {
                    let other = format!("{:.*}", spec.decimals, reading(k, step) + 1.0);
                    late.push((
                        row(&iso(t, false), &other, spec.unit).into_bytes(),
                        Some(Reason::DuplicateConflict),
                    ));
                    (clean, Some(Reason::DuplicateConflict))
                }
            };
            if outcome.is_none() {
                ex.accepted += 1;
            }
            lines.push((text, outcome));
        }
    }
    ex.stuck_flags = stuck_accepted;
    // Out of order: every other block of 1000 rows reversed; repeats and contradictions last.
    for (i, block) in lines.chunks_mut(1000).enumerate() {
        if i % 2 == 1 {
            block.reverse();
        }
    }
    lines.extend(late);
    let mut csv = b"# synthetic export with injected faults\nsensor,time,value,unit\n".to_vec();
    let mut line = 2i64;
    for (text, outcome) in lines {
        line += 1;
        csv.extend_from_slice(&text);
        csv.push(b'\n');
        ex.rows += 1;
        if let Some(r) = outcome {
            *ex.quarantined.entry(r).or_insert(0) += 1;
            ex.quarantine_lines.entry(r).or_default().push(line);
        }
    }
    Fixture { csv, expected: ex }
}
