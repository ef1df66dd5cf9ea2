//! Reading calibration data from the monitoring store and saving the results as model states.
//!
//! Readings flagged by range or rate quality checks are left out (stuck readings are kept, as
//! for alarms: the last value is still the best estimate). Times become seconds from the first
//! pond-level reading in the window (the origin is returned).

use super::CalibrationError;
use super::runoff::{RunoffCalibration, RunoffObservations};
use super::seepage::{Piezometer, SeepageCalibration};
use serde_json::json;
use tailtwin_twin::quality::{FLAG_RANGE, FLAG_RATE};
use tailtwin_twin::{Provenance, Sensor, SensorKind, Store};

/// Model-state kind of a runoff calibration.
pub const RUNOFF_KIND: &str = "runoff_parameters";
/// Model-state kind of a seepage calibration.
pub const SEEPAGE_KIND: &str = "seepage_conductivity";

/// The data window, UTC ms (inclusive; None: unbounded).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Window {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

impl Window {
    fn bounds(&self) -> (i64, i64) {
        (self.from_ms.unwrap_or(i64::MIN), self.to_ms.unwrap_or(i64::MAX))
    }
}

fn bad(what: &str, message: impl Into<String>) -> CalibrationError {
    CalibrationError::BadInput { what: what.into(), message: message.into() }
}

/// The pond to calibrate: the given one, or the store's only pond.
pub fn pond_id(store: &Store, given: Option<&str>) -> Result<String, CalibrationError> {
    if let Some(p) = given {
        return Ok(store.pond(p)?.id);
    }
    let mut ponds: Vec<String> = store.sensors(None)?.into_iter().map(|s| s.pond).collect();
    ponds.sort();
    ponds.dedup();
    match ponds.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(bad("pond", "the store has no pond with sensors")),
        _ => Err(bad(
            "pond",
            format!("the store has several ponds ({}): choose one", ponds.join(", ")),
        )),
    }
}

/// The sensor `given` (checked to be of `kind` and of the pond), or the pond's only sensor of
/// `kind`.
pub fn sensor_of_kind(
    store: &Store,
    pond: &str,
    kind: SensorKind,
    given: Option<&str>,
) -> Result<Sensor, CalibrationError> {
    if let Some(id) = given {
        let s = store.sensor(id)?;
        if s.kind != kind || s.pond != pond {
            return Err(bad(
                &format!("sensor {id}"),
                format!(
                    "is a {} sensor of pond '{}', a {} sensor of pond '{pond}' is needed",
                    s.kind.as_str(),
                    s.pond,
                    kind.as_str()
                ),
            ));
        }
        return Ok(s);
    }
    let mut all: Vec<Sensor> =
        store.sensors(Some(pond))?.into_iter().filter(|s| s.kind == kind).collect();
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(bad("sensors", format!("pond '{pond}' has no {} sensor", kind.as_str()))),
        _ => {
            let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
            Err(bad(
                "sensors",
                format!(
                    "pond '{pond}' has several {} sensors ({}): choose one",
                    kind.as_str(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// Usable readings (t ms, SI value) of a sensor in the window.
fn readings(store: &Store, id: &str, w: &Window) -> Result<Vec<(i64, f64)>, CalibrationError> {
    let (from, to) = w.bounds();
    Ok(store
        .observations(id, from, to)?
        .into_iter()
        .filter(|o| o.flags & (FLAG_RANGE | FLAG_RATE) == 0)
        .map(|o| (o.t_ms, o.value))
        .collect())
}

/// Runoff data: pond level (m), rain (converted to mm) and an optional pumped-outflow flow
/// sensor (m³/s). Returns the observations and their time origin (UTC ms).
pub fn runoff_observations(
    store: &Store,
    level: &Sensor,
    rain: &Sensor,
    pumped: Option<&Sensor>,
    window: &Window,
) -> Result<(RunoffObservations, i64), CalibrationError> {
    let lv = readings(store, &level.id, window)?;
    let Some(&(origin, _)) = lv.first() else {
        return Err(CalibrationError::TooLittleData(format!(
            "no usable pond level readings of sensor {} in the window",
            level.id
        )));
    };
    let rel = |v: Vec<(i64, f64)>, scale: f64| -> Vec<(f64, f64)> {
        v.into_iter().map(|(t, x)| ((t - origin) as f64 / 1000.0, x * scale)).collect()
    };
    let rn = readings(store, &rain.id, window)?;
    if rn.is_empty() {
        return Err(CalibrationError::TooLittleData(format!(
            "no usable rain readings of sensor {} in the window",
            rain.id
        )));
    }
    let pumped = match pumped {
        Some(p) => rel(readings(store, &p.id, window)?, 1.0),
        None => Vec::new(),
    };
    Ok((RunoffObservations { level: rel(lv, 1.0), rain: rel(rn, 1000.0), pumped }, origin))
}

/// Seepage data: every piezometer (phreatic-level sensor) of the pond with a station x, its
/// window-mean level, and the window-mean pond level with its standard deviation (m). Sensors
/// without readings in the window are left out; a piezometer without x is an error.
pub fn piezometer_observations(
    store: &Store,
    pond: &str,
    level: &Sensor,
    window: &Window,
) -> Result<(Vec<Piezometer>, f64, f64), CalibrationError> {
    let lv = readings(store, &level.id, window)?;
    if lv.is_empty() {
        return Err(CalibrationError::TooLittleData(format!(
            "no usable pond level readings of sensor {} in the window",
            level.id
        )));
    }
    let n = lv.len() as f64;
    let mean = lv.iter().map(|r| r.1).sum::<f64>() / n;
    let sd = (lv.iter().map(|r| (r.1 - mean).powi(2)).sum::<f64>() / n).sqrt();
    let mut out = Vec::new();
    for s in store.sensors(Some(pond))?.into_iter().filter(|s| s.kind == SensorKind::PhreaticLevel)
    {
        let r = readings(store, &s.id, window)?;
        if r.is_empty() {
            continue;
        }
        let x = s.x.ok_or_else(|| {
            bad(
                &format!("sensor {}", s.id),
                "a piezometer needs its station x (section coordinate, m) in the sensor's x",
            )
        })?;
        let observed_m = r.iter().map(|p| p.1).sum::<f64>() / r.len() as f64;
        out.push(Piezometer { id: s.id, x_m: x, observed_m });
    }
    Ok((out, mean, sd))
}

/// The engine version written in provenance.
pub fn engine_version() -> String {
    format!("tailtwin {}", env!("CARGO_PKG_VERSION"))
}

/// Saves a runoff calibration (kind [`RUNOFF_KIND`], at the window's end); returns the row id.
pub fn save_runoff(
    store: &mut Store,
    pond: &str,
    cal: &RunoffCalibration,
    provenance: &Provenance,
) -> Result<i64, CalibrationError> {
    let state = json!({
        "curve_number": cal.fit.curve_number,
        "ia_ratio": cal.fit.ia_ratio,
    });
    let fit = serde_json::to_value(&cal.fit)
        .map_err(|e| CalibrationError::Model(format!("serialising the fit: {e}")))?;
    Ok(store.save_model_state(
        pond,
        provenance.to_ms,
        RUNOFF_KIND,
        &state,
        Some(&fit),
        provenance,
    )?)
}

/// Saves a seepage calibration (kind [`SEEPAGE_KIND`]); returns the row id.
pub fn save_seepage(
    store: &mut Store,
    pond: &str,
    cal: &SeepageCalibration,
    provenance: &Provenance,
) -> Result<i64, CalibrationError> {
    let state = json!({
        "section": cal.section,
        "material": cal.material,
        "parameter": cal.parameter,
        "value": cal.value,
        "k_major_m_s": cal.k_major_m_s,
        "k_ratio_minor_over_major": cal.k_ratio_minor_over_major,
    });
    let fit = json!({
        "rmse_m": cal.rmse_m,
        "bias_m": cal.bias_m,
        "log_se": cal.log_se,
        "ci95": cal.ci95,
        "pond_level_m": cal.pond_level_m,
        "piezometers": cal.piezometers,
        "profile": cal.profile,
        "at_lower_bound": cal.at_lower_bound,
        "at_upper_bound": cal.at_upper_bound,
        "evaluations": cal.evaluations,
    });
    Ok(store.save_model_state(
        pond,
        provenance.to_ms,
        SEEPAGE_KIND,
        &state,
        Some(&fit),
        provenance,
    )?)
}

/// Applies a saved calibration to a scenario (e.g. before a nowcast): a
/// [`RUNOFF_KIND`] state sets `catchment.runoff` `curve_number` and `ia_ratio`; a
/// [`SEEPAGE_KIND`] state sets the calibrated conductivity (k₁ and k₂/k₁) of its material in
/// every section that uses a material of that name (a material is a site property). Errors
/// name what does not fit (no SCS-CN catchment, no such material, a state of another kind or
/// with missing fields).
pub fn apply_state(
    s: &mut tailtwin_scenario::Scenario,
    state: &tailtwin_twin::ModelState,
) -> Result<(), CalibrationError> {
    let num = |key: &str| {
        state.state[key].as_f64().filter(|v| v.is_finite()).ok_or_else(|| {
            bad(&format!("model state {}", state.id), format!("has no number '{key}'"))
        })
    };
    match state.kind.as_str() {
        RUNOFF_KIND => {
            let (cn, lambda) = (num("curve_number")?, num("ia_ratio")?);
            match s.catchment.as_mut().map(|c| &mut c.runoff) {
                Some(tailtwin_scenario::RunoffSpec::ScsCn { curve_number, ia_ratio, .. }) => {
                    *curve_number = cn;
                    *ia_ratio = lambda;
                    Ok(())
                }
                _ => Err(bad(
                    "catchment.runoff",
                    "the scenario has no SCS-CN catchment to take the calibrated curve number",
                )),
            }
        }
        SEEPAGE_KIND => {
            let (k, ratio) = (num("k_major_m_s")?, num("k_ratio_minor_over_major")?);
            let material = state.state["material"].as_str().unwrap_or_default();
            let mut found = false;
            for spec in &mut s.sections {
                for m in spec.section.materials.iter_mut().filter(|m| m.name == material) {
                    m.hydraulic.conductivity.k_major_m_s = k;
                    m.hydraulic.conductivity.ratio = ratio;
                    found = true;
                }
            }
            if found {
                Ok(())
            } else {
                Err(bad("material", format!("no section of the scenario uses '{material}'")))
            }
        }
        other => Err(bad(
            &format!("model state {}", state.id),
            format!("kind '{other}' is not a calibration ({RUNOFF_KIND}, {SEEPAGE_KIND})"),
        )),
    }
}
