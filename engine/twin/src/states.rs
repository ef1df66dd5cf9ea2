//! Model states: calibrated parameters and twin states (`model_states` table), each with its fit
//! statistics and a required provenance (engine version, data window, method).
//!
//! A state is JSON chosen by its writer (e.g. `{"curve_number": 78.2, "ia_ratio": 0.2}` for
//! kind `runoff_parameters`); the store checks that the pond exists, that the kind and the
//! provenance are filled in and that the data window is ordered, and keeps every state: a new
//! calibration adds a row, it never overwrites an older one. [`Store::latest_model_state`] is the
//! one a nowcast should use.

use crate::error::TwinError;
use crate::store::Store;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// Where a state comes from. Every field but `note`, `scenario` and `sensors` is required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Version of the engine that produced the state (e.g. `tailtwin 0.1.0`).
    pub engine_version: String,
    /// The data window the state was derived from, UTC ms (inclusive).
    pub from_ms: i64,
    pub to_ms: i64,
    /// How it was derived (e.g. `inverse water balance + SCS-CN least squares, golden section`).
    pub method: String,
    /// The scenario file the model came from, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Sensors whose data were used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensors: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Provenance {
    fn validate(&self) -> Result<(), TwinError> {
        if self.engine_version.trim().is_empty() {
            return Err(TwinError::InvalidInput {
                what: "provenance.engine_version",
                value: format!("{:?}", self.engine_version),
                why: "the engine version is required",
            });
        }
        if self.method.trim().is_empty() {
            return Err(TwinError::InvalidInput {
                what: "provenance.method",
                value: format!("{:?}", self.method),
                why: "the method is required",
            });
        }
        if self.from_ms > self.to_ms {
            return Err(TwinError::InvalidInput {
                what: "provenance data window",
                value: format!("{} … {} ms", self.from_ms, self.to_ms),
                why: "from_ms must not be after to_ms",
            });
        }
        Ok(())
    }
}

/// A stored model state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelState {
    /// Row id (increases with every save).
    pub id: i64,
    pub pond: String,
    /// The instant the state describes, UTC ms (for a calibration: the end of its data window).
    pub t_ms: i64,
    /// E.g. `runoff_parameters`, `seepage_k_ratio`, `stage`.
    pub kind: String,
    pub state: serde_json::Value,
    /// Fit statistics, where the state was calibrated.
    pub fit: Option<serde_json::Value>,
    pub provenance: Provenance,
    /// When the row was written (RFC 3339, UTC).
    pub created_at: String,
}

type Row = (i64, String, i64, String, String, Option<String>, String, String);

impl Store {
    /// Saves a state of `pond` at `t_ms`; returns its row id. Errors: unknown pond, empty kind,
    /// incomplete provenance, a data window that ends before it starts.
    pub fn save_model_state(
        &mut self,
        pond: &str,
        t_ms: i64,
        kind: &str,
        state: &serde_json::Value,
        fit: Option<&serde_json::Value>,
        provenance: &Provenance,
    ) -> Result<i64, TwinError> {
        self.pond(pond)?;
        if kind.trim().is_empty() {
            return Err(TwinError::InvalidInput {
                what: "model state kind",
                value: format!("{kind:?}"),
                why: "a kind is required",
            });
        }
        provenance.validate()?;
        let json = |what: &'static str, v: &serde_json::Value| {
            serde_json::to_string(v).map_err(|source| TwinError::Json { what, source })
        };
        let state = json("model state", state)?;
        let fit = fit.map(|f| json("model state fit", f)).transpose()?;
        let provenance = serde_json::to_string(provenance)
            .map_err(|source| TwinError::Json { what: "model state provenance", source })?;
        self.conn.execute(
            "INSERT INTO model_states(pond_id, t_ms, kind, state_json, fit_json, provenance,
                                      created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![pond, t_ms, kind, state, fit, provenance, chrono::Utc::now().to_rfc3339()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every state of `pond` of `kind`, oldest first (by `t_ms`, then by save order).
    pub fn model_states(&self, pond: &str, kind: &str) -> Result<Vec<ModelState>, TwinError> {
        self.pond(pond)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, pond_id, t_ms, kind, state_json, fit_json, provenance, created_at
             FROM model_states WHERE pond_id = ?1 AND kind = ?2 ORDER BY t_ms, id",
        )?;
        let rows = stmt.query_map(params![pond, kind], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?;
        rows.map(|row| decode(row?)).collect()
    }

    /// The state of `pond` of `kind` with the latest `t_ms` (the last saved among equals), if
    /// any.
    pub fn latest_model_state(
        &self,
        pond: &str,
        kind: &str,
    ) -> Result<Option<ModelState>, TwinError> {
        Ok(self.model_states(pond, kind)?.pop())
    }
}

fn decode(row: Row) -> Result<ModelState, TwinError> {
    let (id, pond, t_ms, kind, state, fit, provenance, created_at) = row;
    let corrupt = |what: &str, e: serde_json::Error| {
        TwinError::Corrupt(format!("model_states row {id}: {what}: {e}"))
    };
    Ok(ModelState {
        id,
        pond,
        t_ms,
        kind,
        state: serde_json::from_str(&state).map_err(|e| corrupt("state_json", e))?,
        fit: fit
            .map(|f| serde_json::from_str(&f))
            .transpose()
            .map_err(|e| corrupt("fit_json", e))?,
        provenance: serde_json::from_str(&provenance).map_err(|e| corrupt("provenance", e))?,
        created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pond;
    use serde_json::json;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::init(dir.path().join("t.sqlite")).unwrap();
        s.upsert_pond(&Pond::china("p", "测试")).unwrap();
        (dir, s)
    }

    fn provenance() -> Provenance {
        Provenance {
            engine_version: "tailtwin 0.0.0".into(),
            from_ms: 0,
            to_ms: 1000,
            method: "test".into(),
            scenario: None,
            sensors: vec!["L1".into()],
            note: String::new(),
        }
    }

    /// Goal: states round-trip through the table, are listed oldest first and the latest is the
    /// one with the greatest t_ms (the later save among equal instants). Setup: three states of
    /// one kind (t = 2000, 1000, 2000) and one of another kind. Reference: the saved values.
    /// Tolerance: exact.
    #[test]
    fn states_round_trip_and_the_latest_is_the_last_instant() {
        let (_d, mut s) = store();
        let p = provenance();
        let fit = json!({"rmse_mm": 1.5});
        s.save_model_state("p", 2000, "runoff_parameters", &json!({"cn": 70}), Some(&fit), &p)
            .unwrap();
        s.save_model_state("p", 1000, "runoff_parameters", &json!({"cn": 60}), None, &p).unwrap();
        s.save_model_state("p", 2000, "runoff_parameters", &json!({"cn": 80}), None, &p).unwrap();
        s.save_model_state("p", 5000, "seepage_k_ratio", &json!({"ratio": 4}), None, &p).unwrap();
        let all = s.model_states("p", "runoff_parameters").unwrap();
        let cns: Vec<_> = all.iter().map(|m| m.state["cn"].as_i64().unwrap()).collect();
        assert_eq!(cns, [60, 70, 80]);
        assert_eq!(all[1].fit.as_ref(), Some(&fit));
        assert_eq!(all[0].provenance, p);
        let latest = s.latest_model_state("p", "runoff_parameters").unwrap().unwrap();
        assert_eq!(latest.state["cn"], 80);
        assert!(s.latest_model_state("p", "stage").unwrap().is_none());
    }

    /// Goal: a state without provenance, kind or known pond is refused with an error naming
    /// what is missing, and nothing is written. Setup: one bad call per rule. Reference: the
    /// rules of `save_model_state`. Tolerance: exact (row count 0).
    #[test]
    fn incomplete_provenance_unknown_pond_and_empty_kind_are_refused() {
        let (_d, mut s) = store();
        let state = json!({});
        let mut p = provenance();
        p.engine_version = " ".into();
        let e = s.save_model_state("p", 0, "k", &state, None, &p).unwrap_err();
        assert!(e.to_string().contains("engine_version"), "{e}");
        let mut p = provenance();
        p.method.clear();
        let e = s.save_model_state("p", 0, "k", &state, None, &p).unwrap_err();
        assert!(e.to_string().contains("method"), "{e}");
        let mut p = provenance();
        p.from_ms = 2000;
        let e = s.save_model_state("p", 0, "k", &state, None, &p).unwrap_err();
        assert!(e.to_string().contains("window"), "{e}");
        let e = s.save_model_state("q", 0, "k", &state, None, &provenance()).unwrap_err();
        assert!(matches!(e, TwinError::UnknownPond(_)), "{e}");
        let e = s.save_model_state("p", 0, "", &state, None, &provenance()).unwrap_err();
        assert!(e.to_string().contains("kind"), "{e}");
        let n = s.table_row_counts().unwrap();
        assert_eq!(n.iter().find(|(t, _)| t == "model_states").unwrap().1, 0);
    }
}
