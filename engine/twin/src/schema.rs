//! The database schema and its versioned migrations.
//!
//! The version lives in SQLite's `PRAGMA user_version`. Migration *n* (1-based) takes a database
//! from version n − 1 to n inside one transaction, so a database is always at a whole version.
//! Migrations are append-only: a released one is never edited.
//!
//! Times are integers: milliseconds since 1970-01-01T00:00:00Z (UTC). Values are SI.

/// Migration 1: the monitoring store.
const V1: &str = r#"
CREATE TABLE ponds (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    utc_offset_s  INTEGER            -- zone of naive timestamps; NULL: naive times are quarantined
);
CREATE TABLE sensors (
    sid        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    pond_id    TEXT NOT NULL REFERENCES ponds(id),
    kind       TEXT NOT NULL,
    location   TEXT NOT NULL,
    x REAL, y REAL, z REAL,
    unit       TEXT NOT NULL,        -- unit of rows in files without a unit column
    q_min REAL, q_max REAL, q_max_rate_per_s REAL, q_stuck_after_s REAL
);
CREATE TABLE thresholds (
    sid        INTEGER PRIMARY KEY REFERENCES sensors(sid),
    direction  TEXT NOT NULL CHECK (direction IN ('rising', 'falling')),
    deadband   REAL NOT NULL,
    hold_s     REAL NOT NULL
);
CREATE TABLE threshold_levels (
    sid        INTEGER NOT NULL REFERENCES thresholds(sid),
    level      TEXT NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
    value      REAL NOT NULL,
    standard   TEXT NOT NULL,
    clause     TEXT NOT NULL,
    confidence TEXT NOT NULL,
    note       TEXT NOT NULL,
    PRIMARY KEY (sid, level)
) WITHOUT ROWID;
CREATE TABLE files (
    fid          INTEGER PRIMARY KEY,
    sha256       BLOB NOT NULL UNIQUE,  -- file identity: a second ingest of the same bytes is a no-op
    path         TEXT NOT NULL,
    format       TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    ingested_at  TEXT NOT NULL,
    header       TEXT,                 -- the CSV header line (re-reading quarantined rows)
    report       TEXT NOT NULL         -- the IngestReport as JSON
);
CREATE TABLE raw_rows (                -- every data line of every file, verbatim: nothing is lost
    fid   INTEGER NOT NULL REFERENCES files(fid),
    line  INTEGER NOT NULL,
    text  TEXT NOT NULL,
    PRIMARY KEY (fid, line)
) WITHOUT ROWID;
CREATE TABLE observations (            -- accepted observations, one per sensor and instant
    sid    INTEGER NOT NULL REFERENCES sensors(sid),
    t_ms   INTEGER NOT NULL,
    value  REAL NOT NULL,
    fid    INTEGER NOT NULL,
    line   INTEGER NOT NULL,
    flags  INTEGER NOT NULL DEFAULT 0,  -- quality bit mask (1 range, 2 rate, 4 stuck)
    PRIMARY KEY (sid, t_ms)
) WITHOUT ROWID;
CREATE TABLE duplicates (              -- rows identical to an accepted observation, counted once
    sid   INTEGER NOT NULL,
    t_ms  INTEGER NOT NULL,
    fid   INTEGER NOT NULL,
    line  INTEGER NOT NULL,
    PRIMARY KEY (sid, t_ms, fid, line)
) WITHOUT ROWID;
CREATE TABLE conflicts (               -- sensor instants with disagreeing rows: none is accepted
    sid   INTEGER NOT NULL,
    t_ms  INTEGER NOT NULL,
    PRIMARY KEY (sid, t_ms)
) WITHOUT ROWID;
CREATE TABLE quality_flags (
    sid     INTEGER NOT NULL,
    t_ms    INTEGER NOT NULL,
    flag    TEXT NOT NULL CHECK (flag IN ('range', 'rate', 'stuck')),
    detail  TEXT NOT NULL,
    PRIMARY KEY (sid, t_ms, flag)
) WITHOUT ROWID;
CREATE TABLE quarantine (
    qid       INTEGER PRIMARY KEY,
    fid       INTEGER NOT NULL REFERENCES files(fid),
    line      INTEGER NOT NULL,       -- 0: the whole file (a JSON document that does not parse)
    raw_text  TEXT NOT NULL,
    reason    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    sid       INTEGER,                -- set where the row parsed far enough
    t_ms      INTEGER
);
CREATE INDEX quarantine_by_file ON quarantine(fid, line);
CREATE TABLE model_states (            -- calibrated parameters and twin states (issue 7, part 2)
    id          INTEGER PRIMARY KEY,
    pond_id     TEXT NOT NULL REFERENCES ponds(id),
    t_ms        INTEGER NOT NULL,     -- the instant the state describes
    kind        TEXT NOT NULL,        -- e.g. 'stage', 'runoff_parameters', 'seepage_k_ratio'
    state_json  TEXT NOT NULL,
    fit_json    TEXT,                 -- fit statistics where calibrated
    provenance  TEXT NOT NULL,        -- engine version, data window, method
    created_at  TEXT NOT NULL
);
CREATE TABLE runs (                    -- nowcasts, replays, drills (issue 7, part 2)
    id              INTEGER PRIMARY KEY,
    pond_id         TEXT NOT NULL REFERENCES ponds(id),
    kind            TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    status          TEXT NOT NULL,
    engine_version  TEXT NOT NULL,
    inputs_json     TEXT NOT NULL,
    outputs_json    TEXT
);
CREATE TABLE alarm_state (             -- hysteresis memory between evaluations
    scope            TEXT NOT NULL CHECK (scope IN ('point', 'item', 'pond')),
    subject          TEXT NOT NULL,   -- sensor id, 'pond/kind', or pond id
    pond_id          TEXT NOT NULL,
    level            TEXT NOT NULL,
    since_ms         INTEGER NOT NULL,
    safe_since_ms    INTEGER,         -- start of the current run on the safe side of level − deadband
    last_t_ms        INTEGER,         -- last observation evaluated (points)
    PRIMARY KEY (scope, subject)
) WITHOUT ROWID;
CREATE TABLE alarm_log (
    id          INTEGER PRIMARY KEY,
    pond_id     TEXT NOT NULL,
    t_ms        INTEGER NOT NULL,
    scope       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    event       TEXT NOT NULL CHECK (event IN ('raise', 'clear')),
    from_level  TEXT NOT NULL,
    to_level    TEXT NOT NULL,
    value       REAL,
    threshold   REAL,
    detail      TEXT NOT NULL
);
CREATE INDEX alarm_log_by_pond ON alarm_log(pond_id, t_ms);
"#;

/// Migration 2: the twin configuration of each pond (`tailtwin twin init`): where its scenario
/// is, so nowcasts and replays need only the database.
const V2: &str = r#"
CREATE TABLE twin_config (
    pond_id        TEXT PRIMARY KEY REFERENCES ponds(id),
    config_path    TEXT NOT NULL,     -- the config file as given to init (absolute)
    scenario_path  TEXT NOT NULL,     -- the pond scenario, resolved against the config (absolute)
    config_toml    TEXT NOT NULL,     -- the config text at init, for provenance
    updated_at     TEXT NOT NULL
);
"#;

/// The migrations in order; the schema version is their count.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
