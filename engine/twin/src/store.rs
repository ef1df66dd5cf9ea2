//! The store: opening, migrating, ponds and sensors, status.

use crate::error::TwinError;
use crate::model::{
    AlarmLevel, Direction, Pond, QualityLimits, Sensor, SensorKind, Threshold, ThresholdSource,
    Thresholds, si_factor,
};
use crate::schema::{MIGRATIONS, SCHEMA_VERSION};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tailtwin_core::{Confidence, Standard};

/// Durability of commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// WAL with `synchronous = NORMAL`: a killed process never corrupts the database nor loses a
    /// committed ingest; a power cut may lose the last commits (never corrupts). The default.
    #[default]
    Process,
    /// WAL with `synchronous = FULL`: every commit also survives a power cut.
    PowerLoss,
}

/// The monitoring store: one SQLite database file (WAL mode).
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

/// Counts for a status line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreStatus {
    pub path: String,
    pub schema_version: i64,
    pub journal_mode: String,
    pub ponds: u64,
    pub sensors: u64,
    pub files: u64,
    pub raw_rows: u64,
    pub observations: u64,
    pub duplicates: u64,
    pub conflicting_instants: u64,
    /// Quarantined rows by reason.
    pub quarantined: BTreeMap<String, u64>,
    /// Accepted observations carrying each quality flag.
    pub flagged: BTreeMap<String, u64>,
    pub alarm_events: u64,
    /// First and last accepted observation (ms since the epoch, UTC).
    pub first_t_ms: Option<i64>,
    pub last_t_ms: Option<i64>,
    /// Current alarm level of each pond.
    pub pond_levels: BTreeMap<String, AlarmLevel>,
}

impl Store {
    /// Creates the database if needed and migrates it to [`SCHEMA_VERSION`].
    pub fn init(path: impl AsRef<Path>) -> Result<Store, TwinError> {
        Store::connect(path.as_ref(), true, Durability::default())
    }

    /// Opens an initialised database (migrating an older schema forward).
    pub fn open(path: impl AsRef<Path>) -> Result<Store, TwinError> {
        Store::connect(path.as_ref(), false, Durability::default())
    }

    /// [`Store::init`] or [`Store::open`] with a chosen durability.
    pub fn open_with(
        path: impl AsRef<Path>,
        create: bool,
        durability: Durability,
    ) -> Result<Store, TwinError> {
        Store::connect(path.as_ref(), create, durability)
    }

    fn connect(path: &Path, create: bool, durability: Durability) -> Result<Store, TwinError> {
        if !create && !path.exists() {
            return Err(TwinError::Io {
                path: path.into(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no database"),
            });
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let sync = match durability {
            Durability::Process => "NORMAL",
            Durability::PowerLoss => "FULL",
        };
        conn.pragma_update(None, "synchronous", sync)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn, path: path.into() };
        let version = store.schema_version()?;
        if version > SCHEMA_VERSION {
            return Err(TwinError::SchemaTooNew {
                path: path.display().to_string(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version == 0 && !create {
            return Err(TwinError::NotInitialised);
        }
        store.migrate(version)?;
        Ok(store)
    }

    fn migrate(&mut self, from: i64) -> Result<(), TwinError> {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// `PRAGMA user_version`.
    pub fn schema_version(&self) -> Result<i64, TwinError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: `Ok(())` or the problems found.
    pub fn integrity_check(&self) -> Result<Result<(), Vec<String>>, TwinError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let mut problems: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|s| s != "ok")
            .collect();
        let mut fk = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk_rows = fk.query_map([], |r| r.get::<_, String>(0))?;
        for table in fk_rows {
            problems.push(format!("foreign key violation in {}", table?));
        }
        Ok(if problems.is_empty() { Ok(()) } else { Err(problems) })
    }

    /// Adds a pond or updates its name and zone.
    pub fn upsert_pond(&mut self, pond: &Pond) -> Result<(), TwinError> {
        pond.offset()?;
        self.conn.execute(
            "INSERT INTO ponds(id, name, utc_offset_s) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, utc_offset_s = excluded.utc_offset_s",
            params![pond.id, pond.name, pond.utc_offset_s],
        )?;
        Ok(())
    }

    /// The pond `id`.
    pub fn pond(&self, id: &str) -> Result<Pond, TwinError> {
        self.conn
            .query_row("SELECT id, name, utc_offset_s FROM ponds WHERE id = ?1", [id], |r| {
                Ok(Pond { id: r.get(0)?, name: r.get(1)?, utc_offset_s: r.get(2)? })
            })
            .optional()?
            .ok_or_else(|| TwinError::UnknownPond(id.into()))
    }

    /// Adds a sensor or replaces its description, quality limits and thresholds (its
    /// observations are kept).
    pub fn upsert_sensor(&mut self, sensor: &Sensor) -> Result<(), TwinError> {
        validate_sensor(sensor)?;
        self.pond(&sensor.pond)?;
        let q = &sensor.quality;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO sensors(id, pond_id, kind, location, x, y, z, unit,
                                 q_min, q_max, q_max_rate_per_s, q_stuck_after_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT(id) DO UPDATE SET pond_id = excluded.pond_id, kind = excluded.kind,
                location = excluded.location, x = excluded.x, y = excluded.y, z = excluded.z,
                unit = excluded.unit, q_min = excluded.q_min, q_max = excluded.q_max,
                q_max_rate_per_s = excluded.q_max_rate_per_s,
                q_stuck_after_s = excluded.q_stuck_after_s",
            params![
                sensor.id,
                sensor.pond,
                sensor.kind.as_str(),
                sensor.location,
                sensor.x,
                sensor.y,
                sensor.z,
                sensor.unit,
                q.min,
                q.max,
                q.max_rate_per_s,
                q.stuck_after_s
            ],
        )?;
        let sid: i64 =
            tx.query_row("SELECT sid FROM sensors WHERE id = ?1", [&sensor.id], |r| r.get(0))?;
        tx.execute("DELETE FROM threshold_levels WHERE sid = ?1", [sid])?;
        tx.execute("DELETE FROM thresholds WHERE sid = ?1", [sid])?;
        if let Some(t) = &sensor.thresholds {
            let dir = match t.direction {
                Direction::Rising => "rising",
                Direction::Falling => "falling",
            };
            tx.execute(
                "INSERT INTO thresholds(sid, direction, deadband, hold_s) VALUES (?1, ?2, ?3, ?4)",
                params![sid, dir, t.deadband, t.hold_s],
            )?;
            for level in AlarmLevel::WARNINGS {
                if let Some(th) = t.get(level) {
                    tx.execute(
                        "INSERT INTO threshold_levels(sid, level, value, standard, clause,
                                                      confidence, note)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            sid,
                            level.as_str(),
                            th.value,
                            to_json_str(&th.source.standard)?,
                            th.source.clause,
                            to_json_str(&th.source.confidence)?,
                            th.source.note
                        ],
                    )?;
                }
            }
        }
        // New limits change which stored readings are flagged.
        crate::quality::recompute(&tx, sid, q)?;
        tx.commit()?;
        Ok(())
    }

    /// All sensors, or those of one pond, ordered by id.
    pub fn sensors(&self, pond: Option<&str>) -> Result<Vec<Sensor>, TwinError> {
        let mut stmt = self.conn.prepare(
            "SELECT sid, id, pond_id, kind, location, x, y, z, unit,
                    q_min, q_max, q_max_rate_per_s, q_stuck_after_s
             FROM sensors WHERE ?1 IS NULL OR pond_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([pond], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(3)?,
                Sensor {
                    id: r.get(1)?,
                    pond: r.get(2)?,
                    kind: SensorKind::PondLevel,
                    location: r.get(4)?,
                    x: r.get(5)?,
                    y: r.get(6)?,
                    z: r.get(7)?,
                    unit: r.get(8)?,
                    quality: QualityLimits {
                        min: r.get(9)?,
                        max: r.get(10)?,
                        max_rate_per_s: r.get(11)?,
                        stuck_after_s: r.get(12)?,
                    },
                    thresholds: None,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (sid, kind, mut sensor) = row?;
            sensor.kind = SensorKind::parse(&kind)
                .ok_or_else(|| TwinError::Corrupt(format!("sensor kind '{kind}'")))?;
            sensor.thresholds = self.thresholds(sid)?;
            out.push(sensor);
        }
        Ok(out)
    }

    /// One sensor.
    pub fn sensor(&self, id: &str) -> Result<Sensor, TwinError> {
        let all = self.sensors(None)?;
        all.into_iter().find(|s| s.id == id).ok_or_else(|| TwinError::UnknownSensor(id.into()))
    }

    fn thresholds(&self, sid: i64) -> Result<Option<Thresholds>, TwinError> {
        let head: Option<(String, f64, f64)> = self
            .conn
            .query_row(
                "SELECT direction, deadband, hold_s FROM thresholds WHERE sid = ?1",
                [sid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((dir, deadband, hold_s)) = head else { return Ok(None) };
        let direction = match dir.as_str() {
            "rising" => Direction::Rising,
            _ => Direction::Falling,
        };
        let mut t = Thresholds {
            direction,
            blue: None,
            yellow: None,
            orange: None,
            red: None,
            deadband,
            hold_s,
        };
        let mut stmt = self.conn.prepare(
            "SELECT level, value, standard, clause, confidence, note
             FROM threshold_levels WHERE sid = ?1",
        )?;
        let rows = stmt.query_map([sid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, f64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (level, value, standard, clause, confidence, note) = row?;
            let standard: Standard = from_json_str(&standard)?;
            let confidence: Confidence = from_json_str(&confidence)?;
            let th = Some(Threshold {
                value,
                source: ThresholdSource { standard, clause, confidence, note },
            });
            match AlarmLevel::parse(&level) {
                Some(AlarmLevel::Blue) => t.blue = th,
                Some(AlarmLevel::Yellow) => t.yellow = th,
                Some(AlarmLevel::Orange) => t.orange = th,
                Some(AlarmLevel::Red) => t.red = th,
                _ => return Err(TwinError::Corrupt(format!("threshold level '{level}'"))),
            }
        }
        Ok(Some(t))
    }

    /// Counts of everything stored.
    pub fn status(&self) -> Result<StoreStatus, TwinError> {
        let count = |sql: &str| -> Result<u64, TwinError> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        let mut quarantined = BTreeMap::new();
        {
            let mut stmt =
                self.conn.prepare("SELECT reason, COUNT(*) FROM quarantine GROUP BY reason")?;
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
                let (k, v) = row?;
                quarantined.insert(k, v as u64);
            }
        }
        let mut flagged = BTreeMap::new();
        {
            let mut stmt =
                self.conn.prepare("SELECT flag, COUNT(*) FROM quality_flags GROUP BY flag")?;
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
                let (k, v) = row?;
                flagged.insert(k, v as u64);
            }
        }
        let mut pond_levels = BTreeMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT p.id, s.level FROM ponds p
                 LEFT JOIN alarm_state s ON s.scope = 'pond' AND s.subject = p.id",
            )?;
            for row in stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?
            {
                let (p, l) = row?;
                let level = l.as_deref().and_then(AlarmLevel::parse).unwrap_or_default();
                pond_levels.insert(p, level);
            }
        }
        let (first_t_ms, last_t_ms): (Option<i64>, Option<i64>) =
            self.conn.query_row("SELECT MIN(t_ms), MAX(t_ms) FROM observations", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let journal_mode: String = self.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        Ok(StoreStatus {
            path: self.path.display().to_string(),
            schema_version: self.schema_version()?,
            journal_mode,
            ponds: count("SELECT COUNT(*) FROM ponds")?,
            sensors: count("SELECT COUNT(*) FROM sensors")?,
            files: count("SELECT COUNT(*) FROM files")?,
            raw_rows: count("SELECT COUNT(*) FROM raw_rows")?,
            observations: count("SELECT COUNT(*) FROM observations")?,
            duplicates: count("SELECT COUNT(*) FROM duplicates")?,
            conflicting_instants: count("SELECT COUNT(*) FROM conflicts")?,
            quarantined,
            flagged,
            alarm_events: count("SELECT COUNT(*) FROM alarm_log")?,
            first_t_ms,
            last_t_ms,
            pond_levels,
        })
    }
}

pub(crate) fn validate_sensor(s: &Sensor) -> Result<(), TwinError> {
    if s.id.trim().is_empty() || s.id.trim() != s.id {
        return Err(TwinError::InvalidInput {
            what: "sensor id",
            value: s.id.clone(),
            why: "empty or with surrounding blanks",
        });
    }
    if si_factor(s.kind.dimension(), &s.unit).is_none() {
        return Err(TwinError::SensorUnit {
            sensor: s.id.clone(),
            unit: s.unit.clone(),
            kind: s.kind.as_str(),
        });
    }
    let q = &s.quality;
    let bad = |what: String| TwinError::InvalidQuality { sensor: s.id.clone(), what };
    for (name, v) in [("min", q.min), ("max", q.max)] {
        if let Some(v) = v
            && !v.is_finite()
        {
            return Err(bad(format!("{name} {v} is not finite")));
        }
    }
    if let (Some(lo), Some(hi)) = (q.min, q.max)
        && lo > hi
    {
        return Err(bad(format!("min {lo} > max {hi}")));
    }
    for (name, v) in [("max_rate_per_s", q.max_rate_per_s), ("stuck_after_s", q.stuck_after_s)] {
        if let Some(v) = v
            && !(v.is_finite() && v > 0.0)
        {
            return Err(bad(format!("{name} {v} must be finite and > 0")));
        }
    }
    if let Some(t) = &s.thresholds {
        t.validate(&s.id)?;
    }
    Ok(())
}

pub(crate) fn to_json_str<T: Serialize>(v: &T) -> Result<String, TwinError> {
    let s = serde_json::to_string(v).map_err(|source| TwinError::Json { what: "enum", source })?;
    Ok(s.trim_matches('"').to_string())
}

pub(crate) fn from_json_str<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, TwinError> {
    serde_json::from_str(&format!("\"{s}\""))
        .map_err(|_| TwinError::Corrupt(format!("stored enum value '{s}'")))
}
