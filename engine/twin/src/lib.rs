//! tailtwin-twin: the digital twin's monitoring store, ingest with quality control, and alarms
//! (issue 7, items 1 and 4), the twin configuration and the run history; the nowcast and replay
//! that use them are `tailtwin_pipeline::nowcast`.
//!
//! # What it does
//!
//! - **Store** ([`Store`]): one SQLite file (bundled SQLite, WAL mode), schema versioned by
//!   migrations ([`schema`]): ponds, sensors (kind, location, unit, quality limits, thresholds
//!   with direction and source), every raw row, accepted observations, duplicates, conflicts,
//!   quality flags, quarantine (file, line, raw text, reason), model states and run history
//!   (designed, filled by later work), alarm state and alarm log.
//! - **Ingest** ([`Store::ingest_csv`], [`Store::ingest_json`] → [`IngestReport`]): one
//!   transaction per file, idempotent by SHA-256 of the file; the row rules are in [`ingest`].
//! - **Requeue** ([`Store::requeue_quarantine`]): rows quarantined for a configuration reason
//!   (unknown sensor, unit mismatch, naive time without zone) are re-judged once it is fixed.
//! - **Quality control** ([`quality`]): range, rate of change, stuck sensor — flag, never delete.
//! - **Alarms** ([`Store::evaluate_alarms`] → [`AlarmEvaluation`]): blue/yellow/orange/red per
//!   point with deadband and hold time, the point → item → pond roll-up ([`roll_up`]), a log of
//!   raise and clear events; GB 51108 guidance defaults in [`defaults`].
//! - **Model states** ([`Store::save_model_state`], [`Store::model_states`],
//!   [`Store::latest_model_state`]): calibrated parameters with fit statistics and a required
//!   [`Provenance`] (engine version, data window, method), see [`states`].
//!
//! ```no_run
//! use tailtwin_twin::{Pond, Sensor, SensorKind, Store, defaults};
//! let mut store = Store::init("twin.sqlite")?;
//! store.upsert_pond(&Pond::china("demo", "演示尾矿库"))?;
//! let mut gauge = Sensor::new("RG1", "demo", SensorKind::Rainfall);
//! gauge.thresholds = Some(defaults::rainfall_24h());
//! store.upsert_sensor(&gauge)?;
//! let report = store.ingest_csv("export.csv")?;
//! println!("{} read, {} accepted, {} quarantined", report.rows_read, report.accepted,
//!          report.quarantined_total());
//! let alarms = store.evaluate_alarms("demo", None)?;
//! println!("pond level: {:?}", alarms.pond_level);
//! # Ok::<(), tailtwin_twin::TwinError>(())
//! ```
//!
//! # Governing relations
//!
//! - Unit conversion: x_SI = f_u · x, f_u from the table of exact factors in [`ingest`]; a unit
//!   outside the sensor's dimension is a unit mistake (quarantined), never guessed.
//! - Timestamps: see [`parse_timestamp`].
//! - Row identity: (sensor, t_UTC in ms); identical when |a − b| ≤ 10⁻⁹ · max(|a|, |b|).
//! - Quality: range v ∉ [v_min, v_max]; rate |v − v_ref| / (t − t_ref) > r_max against the last
//!   good reading; stuck: a run of equal readings spanning ≥ T_stuck.
//! - Alarm quantity q(t): the reading; for rain gauges Σ of depths in (t − 24 h, t]. Level L is
//!   reached when q ≥ θ_L (rising) or q ≤ θ_L (falling); it is left when q < θ_L − δ
//!   (resp. q > θ_L + δ) has held for T_hold.
//! - Roll-up: g = max(max mᵢ, Yellow if #{mᵢ ≥ Blue} ≥ 4, Orange if #{mᵢ ≥ Yellow} ≥ 3,
//!   Red if #{mᵢ ≥ Orange} ≥ 2), points → item and items → pond.
//!
//! # Symbols
//!
//! q alarm quantity (SI), θ_L threshold of level L, δ deadband, T_hold hold time, mᵢ member level,
//! r_max largest plausible rate (SI/s), T_stuck stuck duration (s).
//!
//! # Assumptions and validity
//!
//! - Exports carry one reading per line (CSV) or per array element / line (JSON).
//! - Naive timestamps are in the pond's configured fixed offset (China: UTC+08:00 all year since
//!   1991, so a fixed offset is exact there; zones with daylight saving need offsets in the data).
//! - Rain gauges report the depth fallen in each interval (not cumulative totals, not intensity).
//! - WAL with `synchronous = NORMAL`: atomic and consistent across process kills; use
//!   [`Durability::PowerLoss`] for power-cut durability.
//!
//! # References
//!
//! GB 39496-2020 §5.5.2 (monitored items, warning levels, roll-up); GB 51108-2015 commentary §8.3
//! (threshold guidance); GB/T 28592-2012 (24 h precipitation classes); SQLite WAL and atomic-commit
//! documentation. See shared/reference/standards.md §8 for confidence marks.
//!
//! # Verification (tests/twin.rs, tests/twin/*.rs and unit tests)
//!
//! - `million_row_fixture_counts_match_the_injected_faults`: 10⁶ rows from [`synthetic`]; exact
//!   counts of accepted, duplicate, quarantined by reason, the quarantined lines themselves, and
//!   the rate/stuck flags, all derived from the generator's injection decisions.
//! - `second_ingest_of_the_same_file_changes_nothing` (every table's row count unchanged, also
//!   under another file name), `overlapping_export_counts_duplicates_once`.
//! - `kill_during_ingest_leaves_the_database_consistent`: a child process is SIGKILLed inside the
//!   file's transaction; integrity and foreign-key checks pass, nothing of the file is visible, a
//!   re-ingest gives the exact counts.
//! - `conflicting_rows_are_quarantined_together`, `units_convert_or_quarantine_and_json_rows_keep_their_lines`,
//!   `naive_time_without_a_pond_zone_is_quarantined`, `schema_is_versioned_and_newer_databases_are_refused`,
//!   `a_late_spike_is_flagged_against_its_neighbours_and_raises_no_alarm`,
//!   `bad_sensor_configuration_is_a_typed_error`, `unreadable_files_are_quarantined_whole_with_the_failing_line`,
//!   `requeue_accepts_rows_once_their_sensor_is_registered`,
//!   `row_order_does_not_change_what_is_accepted_or_quarantined` (three shuffles of 20 000 rows).
//! - Alarms: `noisy_level_around_a_threshold_raises_once_and_clears_once` (hysteresis; the same
//!   signal without it flaps), `roll_up_four_blue_points_make_a_yellow_item_and_three_yellow_items_an_orange_pond`,
//!   `rain_alarm_follows_the_trailing_24_hour_depth` (incremental evaluation across two calls).
//! - Model states (unit tests in [`states`]): `states_round_trip_and_the_latest_is_the_last_instant`,
//!   `incomplete_provenance_unknown_pond_and_empty_kind_are_refused`.
//! - Twin configuration ([`config`], `tailtwin twin init`) and the run history / latest usable
//!   reading ([`registry`]): `config_problems_name_their_key_paths` and tests/twin_cli.rs.
//! - Unit tests: [`roll_up`], timestamps, CSV splitting, JSON lines, quality rules, guidance
//!   defaults.

pub mod alarms;
pub mod config;
pub mod defaults;
pub mod error;
pub mod ingest;
pub mod model;
pub mod parse;
pub mod quality;
pub mod query;
pub mod registry;
pub mod requeue;
pub mod schema;
pub mod states;
pub mod store;
pub mod synthetic;

pub use alarms::{AlarmEvaluation, AlarmEvent, PointState, Scope, roll_up};
pub use config::{LevelOverrides, NowcastDefaults, SensorConfig, TwinConfig};
pub use error::TwinError;
pub use ingest::IngestReport;
pub use model::{
    AlarmLevel, Direction, Pond, QualityLimits, Sensor, SensorKind, Threshold, ThresholdSource,
    Thresholds,
};
pub use parse::{Format, Reason, Rejection};
pub use query::{Observation, QuarantinedRow};
pub use registry::{RunRecord, StoredConfig};
pub use requeue::{REQUEUED_REASONS, RequeueReport};
pub use schema::SCHEMA_VERSION;
pub use states::{ModelState, Provenance};
pub use store::{Durability, Store, StoreStatus};

/// Parses a timestamp to UTC milliseconds. The rule, stated once:
///
/// 1. A timestamp with an offset (RFC 3339 / ISO 8601: `2024-07-01T08:00:00+08:00`, `…Z`,
///    `2024-07-01 08:00:00+0800`, fractional seconds allowed) is that instant.
/// 2. A timestamp without offset (`2024-07-01 08:00:00`, `2024-07-01T08:00`,
///    `2024/07/01 08:00:00`) is local time of the sensor's pond, whose zone is a fixed UTC offset
///    (`utc_offset_s`, [`Pond::utc_offset_s`], e.g. +08:00 for Asia/Shanghai). A pond without a
///    zone rejects naive times ([`Reason::NaiveTimeWithoutZone`]) rather than guess.
/// 3. Anything else is [`Reason::BadTime`]. Fractions below a millisecond are truncated.
pub fn parse_timestamp(text: &str, utc_offset_s: Option<i32>) -> Result<i64, Rejection> {
    let zone = match utc_offset_s {
        None => None,
        Some(s) => Some(chrono::FixedOffset::east_opt(s).ok_or_else(|| Rejection {
            reason: Reason::BadTime,
            detail: format!("UTC offset {s} s is out of range"),
        })?),
    };
    parse::parse_time(text, zone)
}

/// RFC 3339 text of a stored instant (UTC ms), e.g. `2024-07-01T00:00:00Z`; `None` out of range.
pub fn format_timestamp(t_ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(t_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}
