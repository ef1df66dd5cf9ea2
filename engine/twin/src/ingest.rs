//! Ingest of export files: one transaction per file, idempotent by file hash.
//!
//! Every data line goes to `raw_rows`, then ends in exactly one of: `observations` (accepted),
//! `duplicates` (identical to an accepted observation of the same sensor and instant — counted
//! once), `quarantine` (with file, line, text, reason). So for each file
//! `rows_read = accepted + duplicates + Σ quarantined`, and nothing is lost.
//!
//! Rules:
//! - **File identity**: SHA-256 of the bytes. A file already ingested is skipped whole (the
//!   report says `already_ingested`), so a second ingest changes nothing, whatever its path.
//! - **Row identity**: (sensor, instant in UTC ms). Two rows of one identity are *identical* when
//!   their SI values agree to a relative 1e-9 (only unit-conversion rounding can separate equal
//!   readings); otherwise they *conflict*: every row of that identity — the accepted one, its
//!   duplicates, the new one, and any later one — is quarantined (`duplicate_conflict`), since
//!   nothing says which is right. Rows of earlier files moved to quarantine this way are counted
//!   as `retracted` in the report of the file that revealed the conflict.
//! - **Units**: the row's `unit` (or, without a unit column/member, the sensor's configured unit)
//!   must be a unit of the sensor's quantity; listed exact conversions apply (mm, cm, km → m;
//!   kPa, MPa → Pa; L/s, L/min, m³/h, m³/d → m³/s). Anything else is `unit_mismatch`.
//! - **Time**: see [`crate::parse_timestamp`].
//! - Out-of-order rows are accepted; quality flags are recomputed over each touched sensor's
//!   series after the rows are in (see [`crate::quality`]).
//! - **Atomicity**: the whole file is one SQLite transaction in WAL mode: a process killed during
//!   ingest leaves the database as it was before, and the next ingest of the file runs in full.

use crate::error::TwinError;
use crate::model::{Dimension, QualityLimits, SensorKind, si_factor};
use crate::parse::{FileProblem, Format, Reason, Record, parse_time, read_csv, read_json};
use crate::store::Store;
use chrono::FixedOffset;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

/// What one ingest did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    pub file: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    pub format: Format,
    /// The same bytes were ingested before: nothing was done.
    pub already_ingested: bool,
    /// Data rows read (blank and `#` comment lines and the CSV header are not rows).
    pub rows_read: u64,
    /// Rows stored as new accepted observations.
    pub accepted: u64,
    /// Rows identical to an accepted observation (counted once).
    pub duplicates: u64,
    /// Rows quarantined, by reason.
    pub quarantined: BTreeMap<Reason, u64>,
    /// Rows of earlier files moved from accepted/duplicate to quarantine by a conflict here.
    pub retracted: u64,
    /// Readings of the touched sensors newly carrying each quality flag.
    pub flagged: BTreeMap<String, u64>,
    /// The file could not be split into rows (quarantined whole, line and reason here).
    pub unreadable: Option<String>,
    /// Time range of the accepted rows (ms since the epoch, UTC).
    pub first_t_ms: Option<i64>,
    pub last_t_ms: Option<i64>,
}

impl IngestReport {
    /// A report with every count zero.
    pub(crate) fn empty(file: &str, format: Format) -> Self {
        IngestReport {
            file: file.into(),
            sha256: String::new(),
            format,
            already_ingested: false,
            rows_read: 0,
            accepted: 0,
            duplicates: 0,
            quarantined: BTreeMap::new(),
            retracted: 0,
            flagged: BTreeMap::new(),
            unreadable: None,
            first_t_ms: None,
            last_t_ms: None,
        }
    }

    /// Σ quarantined over reasons.
    pub fn quarantined_total(&self) -> u64 {
        self.quarantined.values().sum()
    }

    /// Quarantined for one reason.
    pub fn quarantined_for(&self, reason: Reason) -> u64 {
        self.quarantined.get(&reason).copied().unwrap_or(0)
    }
}

pub(crate) struct SensorInfo {
    sid: i64,
    dim: Dimension,
    kind: SensorKind,
    default_factor: f64,
    zone: Option<FixedOffset>,
    quality: QualityLimits,
}

fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Progress callback: called with the number of rows read so far, every `PROGRESS_EVERY` rows.
pub type Progress<'p> = &'p mut dyn FnMut(u64);

/// Rows between progress calls.
pub const PROGRESS_EVERY: u64 = 10_000;

impl Store {
    /// Ingests a CSV export (header with `sensor`, `time`, `value` and optionally `unit`).
    pub fn ingest_csv(&mut self, path: impl AsRef<Path>) -> Result<IngestReport, TwinError> {
        self.ingest_file(path.as_ref(), Format::Csv, None)
    }

    /// Ingests a JSON export (array, `{"observations": [...]}` or JSON Lines).
    pub fn ingest_json(&mut self, path: impl AsRef<Path>) -> Result<IngestReport, TwinError> {
        self.ingest_file(path.as_ref(), Format::Json, None)
    }

    /// Ingests a file with a progress callback.
    pub fn ingest_file(
        &mut self,
        path: &Path,
        format: Format,
        progress: Option<Progress<'_>>,
    ) -> Result<IngestReport, TwinError> {
        let bytes =
            std::fs::read(path).map_err(|source| TwinError::Io { path: path.into(), source })?;
        self.ingest_bytes(&path.display().to_string(), &bytes, format, progress)
    }

    /// Ingests the bytes of an export named `name` (the name is recorded, the hash decides).
    pub fn ingest_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: Format,
        mut progress: Option<Progress<'_>>,
    ) -> Result<IngestReport, TwinError> {
        let sha = Sha256::digest(bytes);
        let mut report = IngestReport { sha256: hex(&sha), ..IngestReport::empty(name, format) };
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let seen: Option<i64> = tx
            .query_row("SELECT fid FROM files WHERE sha256 = ?1", [&sha[..]], |r| r.get(0))
            .optional()?;
        if seen.is_some() {
            report.already_ingested = true;
            return Ok(report);
        }
        tx.execute(
            "INSERT INTO files(sha256, path, format, bytes, ingested_at, report)
             VALUES (?1, ?2, ?3, ?4, ?5, '')",
            params![
                &sha[..],
                name,
                format.as_str(),
                bytes.len() as i64,
                chrono::Utc::now().to_rfc3339()
            ],
        )?;
        let fid = tx.last_insert_rowid();
        let sensors = load_sensors(&tx)?;
        let mut conflicts = load_conflicts(&tx)?;
        let mut touched: BTreeSet<i64> = BTreeSet::new();
        let mut header: Option<&str> = None;
        let problem = {
            let mut w = Writer::new(&tx, fid)?;
            let mut sink = |rec: Record<'_>| -> Result<(), TwinError> {
                report.rows_read += 1;
                if let Some(p) = progress.as_mut()
                    && report.rows_read.is_multiple_of(PROGRESS_EVERY)
                {
                    p(report.rows_read);
                }
                w.raw.execute(params![fid, rec.line, rec.text])?;
                w.row(fid, &rec, &sensors, &mut conflicts, &mut touched, &mut report)
            };
            match format {
                Format::Csv => read_csv(bytes, &mut header, &mut sink)?,
                Format::Json => read_json(bytes, &mut sink)?,
            }
        };
        tx.execute("UPDATE files SET header = ?2 WHERE fid = ?1", params![fid, header])?;
        if let Err(FileProblem::Unreadable { line, detail }) = problem {
            tx.execute(
                "INSERT INTO quarantine(fid, line, raw_text, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![fid, line, String::from_utf8_lossy(bytes), Reason::Malformed.as_str(), detail],
            )?;
            report.unreadable = Some(format!("line {line}: {detail}"));
        }
        recompute_quality(&tx, &sensors, &touched, &mut report)?;
        let json = serde_json::to_string(&report)
            .map_err(|source| TwinError::Json { what: "ingest report", source })?;
        tx.execute("UPDATE files SET report = ?2 WHERE fid = ?1", params![fid, json])?;
        tx.commit()?;
        Ok(report)
    }
}

/// Re-judges the quality of the touched sensors; counts newly set flags into the report.
pub(crate) fn recompute_quality(
    tx: &Transaction<'_>,
    sensors: &HashMap<String, SensorInfo>,
    touched: &BTreeSet<i64>,
    report: &mut IngestReport,
) -> Result<(), TwinError> {
    for sid in touched {
        let quality = sensors.values().find(|s| s.sid == *sid).map(|s| s.quality);
        let quality = quality.ok_or_else(|| TwinError::Corrupt(format!("sensor sid {sid}")))?;
        for (flag, n) in crate::quality::recompute(tx, *sid, &quality)? {
            *report.flagged.entry(flag).or_insert(0) += n;
        }
    }
    Ok(())
}

/// Instants whose rows conflict.
pub(crate) fn load_conflicts(tx: &Transaction<'_>) -> Result<HashSet<(i64, i64)>, TwinError> {
    let mut stmt = tx.prepare("SELECT sid, t_ms FROM conflicts")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn load_sensors(tx: &Transaction<'_>) -> Result<HashMap<String, SensorInfo>, TwinError> {
    let mut stmt = tx.prepare(
        "SELECT s.sid, s.id, s.kind, s.unit, p.id, p.utc_offset_s,
                s.q_min, s.q_max, s.q_max_rate_per_s, s.q_stuck_after_s
         FROM sensors s JOIN ponds p ON p.id = s.pond_id",
    )?;
    let mut out = HashMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<i32>>(5)?,
            QualityLimits {
                min: r.get(6)?,
                max: r.get(7)?,
                max_rate_per_s: r.get(8)?,
                stuck_after_s: r.get(9)?,
            },
        ))
    })?;
    for row in rows {
        let (sid, id, kind, unit, pond, offset, quality) = row?;
        let kind = SensorKind::parse(&kind)
            .ok_or_else(|| TwinError::Corrupt(format!("sensor {id}: kind '{kind}'")))?;
        let dim = kind.dimension();
        let default_factor = si_factor(dim, &unit)
            .ok_or_else(|| TwinError::Corrupt(format!("sensor {id}: unit '{unit}'")))?;
        let zone = match offset {
            None => None,
            Some(s) => Some(
                FixedOffset::east_opt(s)
                    .ok_or(TwinError::InvalidOffset { pond: pond.clone(), offset_s: s })?,
            ),
        };
        out.insert(id, SensorInfo { sid, dim, kind, default_factor, zone, quality });
    }
    Ok(out)
}

/// The prepared statements of one file's ingest.
pub(crate) struct Writer<'t> {
    /// The file being ingested (0 in a requeue).
    fid: i64,
    /// In a requeue: rows of other files placed by this requeue (they are in its report).
    pub(crate) requeued: Option<HashSet<(i64, i64)>>,
    pub(crate) raw: rusqlite::CachedStatement<'t>,
    insert_obs: rusqlite::CachedStatement<'t>,
    get_obs: rusqlite::CachedStatement<'t>,
    quarantine: rusqlite::CachedStatement<'t>,
    dup: rusqlite::CachedStatement<'t>,
    tx: &'t Transaction<'t>,
}

impl<'t> Writer<'t> {
    pub(crate) fn new(tx: &'t Transaction<'t>, fid: i64) -> Result<Self, TwinError> {
        Ok(Writer {
            fid,
            requeued: None,
            raw: tx.prepare_cached("INSERT INTO raw_rows(fid, line, text) VALUES (?1, ?2, ?3)")?,
            insert_obs: tx.prepare_cached(
                "INSERT INTO observations(sid, t_ms, value, fid, line) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING",
            )?,
            get_obs: tx.prepare_cached(
                "SELECT value, fid, line FROM observations WHERE sid = ?1 AND t_ms = ?2",
            )?,
            quarantine: tx.prepare_cached(
                "INSERT INTO quarantine(fid, line, raw_text, reason, detail, sid, t_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            dup: tx.prepare_cached(
                "INSERT INTO duplicates(sid, t_ms, fid, line) VALUES (?1, ?2, ?3, ?4)",
            )?,
            tx,
        })
    }

    pub(crate) fn quarantine(
        &mut self,
        fid: i64,
        line: i64,
        text: &str,
        reason: Reason,
        detail: &str,
        key: Option<(i64, i64)>,
    ) -> Result<(), TwinError> {
        self.quarantine.execute(params![
            fid,
            line,
            text,
            reason.as_str(),
            detail,
            key.map(|k| k.0),
            key.map(|k| k.1)
        ])?;
        Ok(())
    }

    /// Judges a record of file `fid` and places it: quarantine, accepted, duplicate or conflict.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn row(
        &mut self,
        fid: i64,
        rec: &Record<'_>,
        sensors: &HashMap<String, SensorInfo>,
        conflicts: &mut HashSet<(i64, i64)>,
        touched: &mut BTreeSet<i64>,
        report: &mut IngestReport,
    ) -> Result<(), TwinError> {
        match judge(rec, sensors) {
            Ok((key, value)) => {
                let at = (fid, rec.line);
                self.place(at, &rec.text, key, value, conflicts, touched, report)
            }
            Err((reason, detail, key)) => {
                self.quarantine(fid, rec.line, &rec.text, reason, &detail, key)?;
                *report.quarantined.entry(reason).or_insert(0) += 1;
                Ok(())
            }
        }
    }

    /// Places a judged row (file, line) with its key and SI value.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn place(
        &mut self,
        at: (i64, i64),
        text: &str,
        key: (i64, i64),
        value: f64,
        conflicts: &mut HashSet<(i64, i64)>,
        touched: &mut BTreeSet<i64>,
        report: &mut IngestReport,
    ) -> Result<(), TwinError> {
        let (fid, line) = at;
        if conflicts.contains(&key) {
            let detail = format!("value {value} for an instant whose rows already conflict");
            self.quarantine(fid, line, text, Reason::DuplicateConflict, &detail, Some(key))?;
            *report.quarantined.entry(Reason::DuplicateConflict).or_insert(0) += 1;
            return Ok(());
        }
        if self.insert_obs.execute(params![key.0, key.1, value, fid, line])? == 1 {
            if let Some(here) = self.requeued.as_mut() {
                here.insert(at);
            }
            report.accepted += 1;
            touched.insert(key.0);
            report.first_t_ms = Some(report.first_t_ms.map_or(key.1, |t| t.min(key.1)));
            report.last_t_ms = Some(report.last_t_ms.map_or(key.1, |t| t.max(key.1)));
            return Ok(());
        }
        let (old, old_fid, old_line): (f64, i64, i64) = self
            .get_obs
            .query_row(params![key.0, key.1], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if same_value(old, value) {
            self.dup.execute(params![key.0, key.1, fid, line])?;
            if let Some(here) = self.requeued.as_mut() {
                here.insert(at);
            }
            report.duplicates += 1;
            return Ok(());
        }
        self.conflict(key, value, old, (old_fid, old_line), at, text, report)?;
        conflicts.insert(key);
        touched.insert(key.0);
        Ok(())
    }

    /// Moves the accepted row of `key` and its duplicates to quarantine with the new row.
    #[allow(clippy::too_many_arguments)]
    fn conflict(
        &mut self,
        key: (i64, i64),
        value: f64,
        old: f64,
        old_at: (i64, i64),
        at: (i64, i64),
        text: &str,
        report: &mut IngestReport,
    ) -> Result<(), TwinError> {
        let tx = self.tx;
        let mut earlier = vec![old_at];
        {
            let mut stmt = tx.prepare_cached(
                "SELECT fid, line FROM duplicates WHERE sid = ?1 AND t_ms = ?2 ORDER BY fid, line",
            )?;
            for row in stmt.query_map(params![key.0, key.1], |r| Ok((r.get(0)?, r.get(1)?)))? {
                earlier.push(row?);
            }
        }
        tx.execute("DELETE FROM duplicates WHERE sid = ?1 AND t_ms = ?2", params![key.0, key.1])?;
        tx.execute("DELETE FROM observations WHERE sid = ?1 AND t_ms = ?2", params![key.0, key.1])?;
        tx.execute(
            "DELETE FROM quality_flags WHERE sid = ?1 AND t_ms = ?2",
            params![key.0, key.1],
        )?;
        tx.execute("INSERT INTO conflicts(sid, t_ms) VALUES (?1, ?2)", params![key.0, key.1])?;
        for (i, (fid, line)) in earlier.into_iter().enumerate() {
            let text: String = tx.query_row(
                "SELECT text FROM raw_rows WHERE fid = ?1 AND line = ?2",
                params![fid, line],
                |r| r.get(0),
            )?;
            let detail =
                format!("value {old} conflicts with {value} (file {}, line {})", at.0, at.1);
            self.quarantine(fid, line, &text, Reason::DuplicateConflict, &detail, Some(key))?;
            let counted_here = match &self.requeued {
                Some(here) => here.contains(&(fid, line)),
                None => fid == self.fid,
            };
            if counted_here {
                // It was counted in this report: first the accepted row, then duplicates.
                if i == 0 {
                    report.accepted -= 1;
                } else {
                    report.duplicates -= 1;
                }
                *report.quarantined.entry(Reason::DuplicateConflict).or_insert(0) += 1;
            } else {
                report.retracted += 1;
            }
        }
        let detail =
            format!("value {value} conflicts with {old} (file {}, line {})", old_at.0, old_at.1);
        self.quarantine(at.0, at.1, text, Reason::DuplicateConflict, &detail, Some(key))?;
        *report.quarantined.entry(Reason::DuplicateConflict).or_insert(0) += 1;
        Ok(())
    }
}

pub(crate) type Judged = Result<((i64, i64), f64), (Reason, String, Option<(i64, i64)>)>;

/// Sensor, unit and time of a record → (key, SI value), or why not.
pub(crate) fn judge(rec: &Record<'_>, sensors: &HashMap<String, SensorInfo>) -> Judged {
    let f = rec.fields.as_ref().map_err(|r| (r.reason, r.detail.clone(), None))?;
    let sensor = f.sensor.trim();
    let Some(info) = sensors.get(sensor) else {
        return Err((Reason::UnknownSensor, format!("sensor '{sensor}' is not registered"), None));
    };
    let factor = match f.unit.as_deref().map(str::trim) {
        None | Some("") => info.default_factor,
        Some(u) => si_factor(info.dim, u).ok_or_else(|| {
            let detail =
                format!("unit '{u}' is not a unit of {} (sensor {sensor})", info.kind.as_str());
            (Reason::UnitMismatch, detail, None)
        })?,
    };
    let t = parse_time(&f.time, info.zone).map_err(|r| (r.reason, r.detail, None))?;
    Ok(((info.sid, t), f.value * factor))
}
