//! Reading back what is stored: observations, quarantine, table sizes.

use crate::error::TwinError;
use crate::parse::Reason;
use crate::store::Store;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// An accepted observation (SI value) with its quality flags and origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// ms since the epoch, UTC.
    pub t_ms: i64,
    pub value: f64,
    /// Bit mask, see [`crate::quality`].
    pub flags: i64,
    /// File id and line it came from.
    pub file: i64,
    pub line: i64,
}

/// A quarantined row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantinedRow {
    pub file: i64,
    pub path: String,
    /// 1-based line; 0 when the whole file could not be split into rows.
    pub line: i64,
    pub raw_text: String,
    pub reason: Reason,
    pub detail: String,
}

const REASONS: [Reason; 7] = [
    Reason::Malformed,
    Reason::BadTime,
    Reason::NaiveTimeWithoutZone,
    Reason::BadValue,
    Reason::UnknownSensor,
    Reason::UnitMismatch,
    Reason::DuplicateConflict,
];

/// Tables reported by [`Store::table_row_counts`].
const TABLES: [&str; 15] = [
    "ponds",
    "sensors",
    "thresholds",
    "threshold_levels",
    "files",
    "raw_rows",
    "observations",
    "duplicates",
    "conflicts",
    "quality_flags",
    "quarantine",
    "model_states",
    "runs",
    "alarm_state",
    "alarm_log",
];

impl Store {
    /// Accepted observations of a sensor with from_ms ≤ t ≤ to_ms, in time order.
    pub fn observations(
        &self,
        sensor: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Observation>, TwinError> {
        let sid = self.sid(sensor)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT t_ms, value, flags, fid, line FROM observations
             WHERE sid = ?1 AND t_ms BETWEEN ?2 AND ?3 ORDER BY t_ms",
        )?;
        let rows = stmt.query_map(params![sid, from_ms, to_ms], |r| {
            Ok(Observation {
                t_ms: r.get(0)?,
                value: r.get(1)?,
                flags: r.get(2)?,
                file: r.get(3)?,
                line: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Quarantined rows (of one file when `file` is given), in file and line order, at most
    /// `limit`.
    pub fn quarantine(
        &self,
        file: Option<i64>,
        limit: usize,
    ) -> Result<Vec<QuarantinedRow>, TwinError> {
        let mut stmt = self.conn.prepare(
            "SELECT q.fid, f.path, q.line, q.raw_text, q.reason, q.detail
             FROM quarantine q JOIN files f ON f.fid = q.fid
             WHERE ?1 IS NULL OR q.fid = ?1 ORDER BY q.fid, q.line, q.qid LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![file, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (file, path, line, raw_text, reason, detail) = row?;
            let reason = REASONS
                .into_iter()
                .find(|r| r.as_str() == reason)
                .ok_or_else(|| TwinError::Corrupt(format!("quarantine reason '{reason}'")))?;
            out.push(QuarantinedRow { file, path, line, raw_text, reason, detail });
        }
        Ok(out)
    }

    /// Row count of every table, in schema order.
    pub fn table_row_counts(&self) -> Result<Vec<(String, i64)>, TwinError> {
        TABLES
            .iter()
            .map(|t| {
                let n: i64 =
                    self.conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?;
                Ok((t.to_string(), n))
            })
            .collect()
    }

    pub(crate) fn sid(&self, sensor: &str) -> Result<i64, TwinError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT sid FROM sensors WHERE id = ?1", [sensor], |r| r.get(0))
            .optional()?
            .ok_or_else(|| TwinError::UnknownSensor(sensor.into()))
    }
}
