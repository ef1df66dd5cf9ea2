//! Errors of the twin crate. Bad rows of an export are not errors: they go to the quarantine.

use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum TwinError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("reading {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "the database at {path} has schema version {found}, newer than this build's {supported}"
    )]
    SchemaTooNew { path: String, found: i64, supported: i64 },
    #[error("the database is not initialised (schema version 0); call Store::init")]
    NotInitialised,
    #[error("pond {pond}: UTC offset {offset_s} s is out of range (±86 399 s)")]
    InvalidOffset { pond: String, offset_s: i32 },
    #[error("unknown pond '{0}'")]
    UnknownPond(String),
    #[error("unknown sensor '{0}'")]
    UnknownSensor(String),
    #[error("sensor {sensor}: unit '{unit}' is not a unit of {kind}")]
    SensorUnit { sensor: String, unit: String, kind: &'static str },
    #[error("sensor {sensor}: thresholds: {what}")]
    InvalidThresholds { sensor: String, what: String },
    #[error("sensor {sensor}: quality limits: {what}")]
    InvalidQuality { sensor: String, what: String },
    #[error("{what}: {value} is not valid ({why})")]
    InvalidInput { what: &'static str, value: String, why: &'static str },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("serialising {what}: {source}")]
    Json { what: &'static str, source: serde_json::Error },
    /// A twin configuration file with problems, each with its key path (or line).
    #[error("{file}:\n  {}", problems.join("\n  "))]
    Config { file: String, problems: Vec<String> },
    #[error("pond '{0}' has no twin configuration: run `tailtwin twin init CONFIG --db FILE`")]
    NoTwinConfig(String),
    #[error("no run {0} in the run history")]
    UnknownRun(i64),
}
