//! What the twin commands keep besides observations: each pond's twin configuration (schema
//! version 2), the run history (nowcasts, replays) and the latest usable reading of a sensor.

use crate::config::TwinConfig;
use crate::error::TwinError;
use crate::quality::FLAGS_IMPLAUSIBLE;
use crate::query::Observation;
use crate::store::Store;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A pond's stored twin configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredConfig {
    pub pond_id: String,
    pub config_path: PathBuf,
    pub scenario_path: PathBuf,
    pub config_toml: String,
    pub updated_at: String,
}

/// One row of the run history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub id: i64,
    pub pond_id: String,
    pub kind: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub engine_version: String,
    pub inputs_json: String,
    pub outputs_json: Option<String>,
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Registers the pond, its sensors and its configuration (idempotent: a second call with
    /// the same config changes nothing but `updated_at`; sensors are upserted, observations
    /// kept). `sensors` are the config's sensors with their thresholds resolved.
    pub fn apply_config(
        &mut self,
        config: &TwinConfig,
        sensors: &[crate::model::Sensor],
    ) -> Result<(), TwinError> {
        self.upsert_pond(&config.pond)?;
        for s in sensors {
            self.upsert_sensor(s)?;
        }
        self.conn.execute(
            "INSERT INTO twin_config(pond_id, config_path, scenario_path, config_toml, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(pond_id) DO UPDATE SET config_path = excluded.config_path,
                scenario_path = excluded.scenario_path, config_toml = excluded.config_toml,
                updated_at = excluded.updated_at",
            params![
                config.pond.id,
                config.path.display().to_string(),
                config.scenario_path.display().to_string(),
                config.source_toml,
                now_text()
            ],
        )?;
        Ok(())
    }

    /// The ponds with a twin configuration, by id.
    pub fn configured_ponds(&self) -> Result<Vec<String>, TwinError> {
        let mut stmt = self.conn.prepare("SELECT pond_id FROM twin_config ORDER BY pond_id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored configuration of a pond.
    pub fn twin_config(&self, pond: &str) -> Result<StoredConfig, TwinError> {
        self.conn
            .query_row(
                "SELECT pond_id, config_path, scenario_path, config_toml, updated_at
                 FROM twin_config WHERE pond_id = ?1",
                [pond],
                |r| {
                    Ok(StoredConfig {
                        pond_id: r.get(0)?,
                        config_path: PathBuf::from(r.get::<_, String>(1)?),
                        scenario_path: PathBuf::from(r.get::<_, String>(2)?),
                        config_toml: r.get(3)?,
                        updated_at: r.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| TwinError::NoTwinConfig(pond.into()))
    }

    /// The latest accepted reading of `sensor` at or before `at_ms` without a range or rate
    /// flag (a stuck flag does not exclude it: the last value of a stuck sensor is still the
    /// best estimate, and the flag is reported with it).
    pub fn latest_usable(
        &self,
        sensor: &str,
        at_ms: i64,
    ) -> Result<Option<Observation>, TwinError> {
        let sid = self.sid(sensor)?;
        Ok(self
            .conn
            .query_row(
                "SELECT t_ms, value, flags, fid, line FROM observations
                 WHERE sid = ?1 AND t_ms <= ?2 AND (flags & ?3) = 0
                 ORDER BY t_ms DESC LIMIT 1",
                params![sid, at_ms, FLAGS_IMPLAUSIBLE],
                |r| {
                    Ok(Observation {
                        t_ms: r.get(0)?,
                        value: r.get(1)?,
                        flags: r.get(2)?,
                        file: r.get(3)?,
                        line: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Starts a run-history row (status `running`); returns its id.
    pub fn begin_run(
        &mut self,
        pond: &str,
        kind: &str,
        inputs_json: &str,
    ) -> Result<i64, TwinError> {
        self.pond(pond)?;
        self.conn.execute(
            "INSERT INTO runs(pond_id, kind, started_at, status, engine_version, inputs_json)
             VALUES (?1, ?2, ?3, 'running', ?4, ?5)",
            params![pond, kind, now_text(), env!("CARGO_PKG_VERSION"), inputs_json],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Closes a run-history row with its status (`ok`, `failed`) and outputs.
    pub fn finish_run(
        &mut self,
        id: i64,
        status: &str,
        outputs_json: Option<&str>,
    ) -> Result<(), TwinError> {
        let n = self.conn.execute(
            "UPDATE runs SET finished_at = ?2, status = ?3, outputs_json = ?4 WHERE id = ?1",
            params![id, now_text(), status, outputs_json],
        )?;
        if n == 0 {
            return Err(TwinError::UnknownRun(id));
        }
        Ok(())
    }

    /// The run history of a pond, oldest first.
    pub fn runs(&self, pond: &str) -> Result<Vec<RunRecord>, TwinError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, pond_id, kind, started_at, finished_at, status, engine_version,
                    inputs_json, outputs_json FROM runs WHERE pond_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([pond], |r| {
            Ok(RunRecord {
                id: r.get(0)?,
                pond_id: r.get(1)?,
                kind: r.get(2)?,
                started_at: r.get(3)?,
                finished_at: r.get(4)?,
                status: r.get(5)?,
                engine_version: r.get(6)?,
                inputs_json: r.get(7)?,
                outputs_json: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
