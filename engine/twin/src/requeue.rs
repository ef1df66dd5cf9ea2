//! Re-judging quarantined rows after the configuration was fixed (a sensor registered late, a
//! pond zone set, a sensor's kind corrected). The file itself cannot be ingested again — its hash
//! is known — so its rows are taken from the quarantine, where nothing was lost.

use crate::error::TwinError;
use crate::ingest::{IngestReport, Writer, judge, load_conflicts, load_sensors, recompute_quality};
use crate::parse::{Format, Reason, Record, json_fields, read_csv};
use crate::store::Store;
use rusqlite::{Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Reasons that depend on configuration, so a row may pass once it is fixed. Malformed rows, bad
/// times and values and conflicts are facts of the data and stay quarantined.
pub const REQUEUED_REASONS: [Reason; 3] =
    [Reason::UnknownSensor, Reason::UnitMismatch, Reason::NaiveTimeWithoutZone];

/// What a requeue did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequeueReport {
    /// Quarantined rows re-judged.
    pub rows: u64,
    pub accepted: u64,
    pub duplicates: u64,
    /// Rows quarantined again, by reason (the same or another).
    pub quarantined: BTreeMap<Reason, u64>,
    /// Accepted or duplicate rows moved to quarantine by a conflict with a requeued row.
    pub retracted: u64,
    /// Readings newly carrying each quality flag.
    pub flagged: BTreeMap<String, u64>,
}

type Pending = (i64, i64, i64, String, String, Option<String>);

impl Store {
    /// Re-judges every quarantined row whose reason is in [`REQUEUED_REASONS`] with the current
    /// sensors and ponds, in one transaction; rows that now pass are placed exactly as at ingest
    /// (accepted, duplicate or conflict). Idempotent: a second call re-judges the rest and
    /// changes nothing unless the configuration changed again.
    pub fn requeue_quarantine(&mut self) -> Result<RequeueReport, TwinError> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let sensors = load_sensors(&tx)?;
        let mut conflicts = load_conflicts(&tx)?;
        let reasons: Vec<&str> = REQUEUED_REASONS.iter().map(|r| r.as_str()).collect();
        let pending: Vec<Pending> = {
            let mut stmt = tx.prepare(
                "SELECT q.qid, q.fid, q.line, q.raw_text, f.format, f.header
                 FROM quarantine q JOIN files f ON f.fid = q.fid
                 WHERE q.line > 0 AND q.reason IN (?1, ?2, ?3) ORDER BY q.fid, q.line, q.qid",
            )?;
            let rows = stmt.query_map(params![reasons[0], reasons[1], reasons[2]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let mut report = IngestReport::empty("(quarantine)", Format::Csv);
        let mut touched = BTreeSet::new();
        {
            // Rows moved by a conflict count as retracted unless this requeue placed them.
            let mut w = Writer::new(&tx, 0)?;
            w.requeued = Some(Default::default());
            for (qid, fid, line, text, format, header) in pending {
                tx.execute("DELETE FROM quarantine WHERE qid = ?1", [qid])?;
                report.rows_read += 1;
                let judged = if format == Format::Csv.as_str() {
                    let header = header.ok_or_else(|| {
                        TwinError::Corrupt(format!("file {fid}: CSV without a stored header"))
                    })?;
                    let buf = format!("{header}\n{text}\n");
                    let mut one = None;
                    read_csv(buf.as_bytes(), &mut None, |rec| {
                        one = Some(judge(&rec, &sensors));
                        Ok(())
                    })?
                    .map_err(|_| TwinError::Corrupt(format!("file {fid}: stored header")))?;
                    one.ok_or_else(|| TwinError::Corrupt(format!("file {fid} line {line}")))?
                } else {
                    let fields = json_fields(text.trim());
                    judge(&Record { line, text: Cow::Borrowed(&text), fields }, &sensors)
                };
                match judged {
                    Ok((key, value)) => w.place(
                        (fid, line),
                        &text,
                        key,
                        value,
                        &mut conflicts,
                        &mut touched,
                        &mut report,
                    )?,
                    Err((reason, detail, key)) => {
                        w.quarantine(fid, line, &text, reason, &detail, key)?;
                        *report.quarantined.entry(reason).or_insert(0) += 1;
                    }
                }
            }
        }
        recompute_quality(&tx, &sensors, &touched, &mut report)?;
        tx.commit()?;
        Ok(RequeueReport {
            rows: report.rows_read,
            accepted: report.accepted,
            duplicates: report.duplicates,
            quarantined: report.quarantined,
            retracted: report.retracted,
            flagged: report.flagged,
        })
    }
}
