//! The pond's current state from the stored observations: stage, storage, freeboard, beach
//! length (model vs beach sensor) and the phreatic line (seepage model vs piezometers).

use super::Twin;
use crate::PipelineError;
use serde::{Deserialize, Serialize};
use tailtwin_core::Elevation;
use tailtwin_core::geotech::LevelKind;
use tailtwin_twin::{SensorKind, Store, format_timestamp};

/// A sensor's reading compared with the model at the current stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub sensor: String,
    pub t_ms: i64,
    pub time: String,
    /// Observed (SI: m).
    pub observed: f64,
    /// The model's value at the current stage.
    pub model: f64,
    /// observed − model.
    pub difference: f64,
    /// Ground surface above a piezometer and the observed burial depth (m).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surface_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_burial_m: Option<f64>,
}

/// The current state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentState {
    pub pond: String,
    /// Instant of the stage reading (UTC ms) and its text.
    pub t_ms: i64,
    pub time: String,
    pub stage_sensor: String,
    pub stage_m: f64,
    /// Quality flags of the stage reading (a stuck flag does not exclude it).
    pub stage_flags: i64,
    /// From the stage–storage curve.
    pub storage_m3: f64,
    pub freeboard_m: f64,
    /// From the stage and the beach profile.
    pub beach_length_m: f64,
    pub beach: Vec<Comparison>,
    pub piezometers: Vec<Comparison>,
    pub notes: Vec<String>,
}

fn store_err(e: tailtwin_twin::TwinError) -> PipelineError {
    PipelineError::Unsupported(format!("twin store: {e}"))
}

/// The stage: the latest usable reading (no range or rate flag) at or before `at_ms` over the
/// pond's level sensors (the most recent one wins).
pub fn stage_at(
    store: &Store,
    twin: &Twin,
    at_ms: i64,
) -> Result<(String, tailtwin_twin::Observation), PipelineError> {
    let mut best: Option<(String, tailtwin_twin::Observation)> = None;
    for s in twin.sensors.iter().filter(|s| s.kind == SensorKind::PondLevel) {
        if let Some(o) = store.latest_usable(&s.id, at_ms).map_err(store_err)?
            && best.as_ref().is_none_or(|(_, b)| o.t_ms > b.t_ms)
        {
            best = Some((s.id.clone(), o));
        }
    }
    best.ok_or_else(|| {
        PipelineError::Unsupported(format!(
            "pond {}: no usable pond-level reading at or before {}",
            twin.config.pond.id,
            format_timestamp(at_ms).unwrap_or_default()
        ))
    })
}

/// The current state at `at_ms` (the stage reading's instant is the state's). With
/// `phreatic`, piezometers on a section are compared with a seepage solve at the stage.
pub fn current_state(
    store: &Store,
    twin: &Twin,
    at_ms: i64,
    phreatic: bool,
) -> Result<CurrentState, PipelineError> {
    let (stage_sensor, obs) = stage_at(store, twin, at_ms)?;
    let pond = &twin.model.model.pond;
    let stage = obs.value;
    let model_beach = pond.beach_length_at(Elevation(stage));
    let mut notes = Vec::new();
    let mut beach = Vec::new();
    for s in twin.sensors.iter().filter(|s| s.kind == SensorKind::BeachLength) {
        if let Some(o) = store.latest_usable(&s.id, at_ms).map_err(store_err)? {
            beach.push(Comparison {
                sensor: s.id.clone(),
                t_ms: o.t_ms,
                time: format_timestamp(o.t_ms).unwrap_or_default(),
                observed: o.value,
                model: model_beach,
                difference: o.value - model_beach,
                surface_m: None,
                observed_burial_m: None,
            });
        }
    }
    let mut piezometers = Vec::new();
    let on_section: Vec<_> = twin
        .config
        .sensors
        .iter()
        .filter(|c| c.section.is_some() && c.sensor.kind == SensorKind::PhreaticLevel)
        .collect();
    if phreatic && !on_section.is_empty() {
        let settings = twin.model.scenario.seepage_spec().settings;
        for spec in &twin.model.scenario.sections {
            let mine: Vec<_> = on_section
                .iter()
                .filter(|c| c.section.as_deref() == Some(spec.section.name.as_str()))
                .collect();
            if mine.is_empty() {
                continue;
            }
            let solve = || -> Result<_, tailtwin_seepage::SeepageError> {
                let mut model = tailtwin_seepage::SeepageModel::build(&spec.section, &settings)?;
                tailtwin_seepage::solve_level(&mut model, stage, &settings)
            };
            let result = solve().map_err(|e| {
                PipelineError::Unsupported(format!(
                    "seepage of section '{}' at the current stage {stage} m: {e}",
                    spec.section.name
                ))
            })?;
            let line = crate::seepage::seepage_run(&result, LevelKind::Given).profile.phreatic_line;
            let (xs, zs): (Vec<f64>, Vec<f64>) = line.iter().map(|p| (p[0], p[1])).unzip();
            for c in mine {
                let x = c.sensor.x.expect("piezometers on a section have x");
                let Some(o) = store.latest_usable(&c.sensor.id, at_ms).map_err(store_err)? else {
                    notes.push(format!("{}: no usable reading", c.sensor.id));
                    continue;
                };
                if xs.is_empty() || x < xs[0] || x > xs[xs.len() - 1] {
                    notes.push(format!(
                        "{}: station x = {x} m is outside the computed phreatic line",
                        c.sensor.id
                    ));
                    continue;
                }
                let model = tailtwin_core::series::interpolate(&xs, &zs, x);
                let surface = spec.section.surface_z_at(x);
                piezometers.push(Comparison {
                    sensor: c.sensor.id.clone(),
                    t_ms: o.t_ms,
                    time: format_timestamp(o.t_ms).unwrap_or_default(),
                    observed: o.value,
                    model,
                    difference: o.value - model,
                    surface_m: surface,
                    observed_burial_m: surface.map(|z| z - o.value),
                });
            }
        }
    }
    Ok(CurrentState {
        pond: twin.config.pond.id.clone(),
        t_ms: obs.t_ms,
        time: format_timestamp(obs.t_ms).unwrap_or_default(),
        stage_sensor,
        stage_m: stage,
        stage_flags: obs.flags,
        storage_m3: pond.storage().volume_at(Elevation(stage)),
        freeboard_m: pond.freeboard_at(Elevation(stage)),
        beach_length_m: model_beach,
        beach,
        piezometers,
        notes,
    })
}
