//! From a twin configuration and its scenario to the store's sensors (thresholds defaulted from
//! the GB 51108 guidance with the scenario's levels and code minima) and to the [`TwinModel`]
//! the nowcast runs.

use crate::{Model, PipelineError, RunSettings, run_flood};
use tailtwin_core::Check;
use tailtwin_hydrology::{Catchment, RunoffMethod};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::build;
use tailtwin_twin::defaults::{self, PondLevels};
use tailtwin_twin::{Sensor, SensorKind, Threshold, ThresholdSource, Thresholds, TwinConfig};

/// What a nowcast item forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Pond water level (m).
    Stage,
    /// Dry-beach length (m) from the stage and the beach profile.
    BeachLength,
    /// Trailing 24 h rain depth (m), observed before the start and forecast after.
    Rain24h,
    /// Phreatic burial depth (m) at a section station ([`super::burial`]).
    BurialDepth,
}

/// A monitored item the nowcast judges: its quantity and thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: SensorKind,
    pub quantity: Quantity,
    /// The sensor whose thresholds are used (None: the guidance defaults, no sensor).
    pub sensor: Option<String>,
    pub thresholds: Thresholds,
}

/// The pond model a nowcast routes, built once.
#[derive(Debug, Clone)]
pub struct TwinModel {
    pub scenario: Scenario,
    pub model: Model,
    /// The catchment (SCS-CN only: the rational method needs a design storm's curve).
    pub runoff: Option<(Catchment, RunoffMethod)>,
    /// Why the scenario's catchment cannot be used by a nowcast (the state and status still
    /// work; [`super::nowcast`] refuses to run).
    pub runoff_unusable: Option<String>,
    pub rain_on_pond: bool,
    pub items: Vec<Item>,
}

/// The levels the default thresholds are derived from.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultBasis {
    pub levels: Option<PondLevels>,
    pub min_freeboard: Option<Threshold>,
    pub min_beach_length: Option<Threshold>,
    pub design_flood_source: String,
}

fn unsupported(msg: String) -> PipelineError {
    PipelineError::Unsupported(msg)
}

/// The limit of check `id` as an alarm threshold, with the check's standard and clause (the
/// twin's and the drill's red levels from the code minima).
pub(crate) fn check_threshold(checks: &[Check], id: &str) -> Option<Threshold> {
    let c = checks.iter().find(|c| c.id == id)?;
    Some(Threshold {
        value: c.limit?,
        source: ThresholdSource {
            standard: c.standard,
            clause: c.clause.clone(),
            confidence: c.confidence,
            note: format!("{} / {}", c.name_zh, c.name_en),
        },
    })
}

/// The design flood level (config, else the scenario's routed design-flood peak) and the code
/// minima of freeboard and beach length (the scenario's flood checks).
pub fn default_basis(config: &TwinConfig, s: &Scenario) -> Result<DefaultBasis, PipelineError> {
    let p = build::pond_spec(s)?;
    let flood = if s.storm.is_some() { Some(run_flood(s, &RunSettings::default())?) } else { None };
    let checks = flood.as_ref().map_or(&[][..], |f| &f.report.checks[..]);
    let (design, design_flood_source) = match (config.levels.design_flood_m, &flood) {
        (Some(z), _) => (Some(z), "config levels.design_flood_m".to_string()),
        (None, Some(f)) => (
            Some(f.routed.peak_stage_m),
            format!("routed design flood peak of the scenario ({:.3} m)", f.routed.peak_stage_m),
        ),
        (None, None) => {
            (None, "none (no [storm] in the scenario, no levels.design_flood_m)".into())
        }
    };
    let levels = design.map(|design_flood| PondLevels {
        operating_control: p.normal_level.m(),
        pre_flood_control: config.levels.pre_flood_control_m.unwrap_or(f64::NAN),
        design_flood,
        beach_crest: p.beach_crest.m(),
    });
    Ok(DefaultBasis {
        levels,
        min_freeboard: check_threshold(checks, "freeboard"),
        min_beach_length: check_threshold(checks, "beach_length"),
        design_flood_source,
    })
}

/// The config's sensors with thresholds: the config's own where given, else the GB 51108
/// guidance defaults of [`tailtwin_twin::defaults`] from `basis`. Pond level: blue = normal
/// (operating control) level, yellow = `levels.pre_flood_control_m` (unset without it: the
/// guidance level is site data), orange = design flood level, red = beach crest − minimum
/// freeboard. Beach: red = code minimum. Piezometers on a section: red/orange from the
/// section's `min_burial_depth_m` at the ground surface above the station. Rain: 24 h classes.
pub fn resolve_sensors(
    config: &TwinConfig,
    s: &Scenario,
    basis: &DefaultBasis,
) -> Result<Vec<Sensor>, PipelineError> {
    let mut out = Vec::new();
    for (i, c) in config.sensors.iter().enumerate() {
        let mut sensor = c.sensor.clone();
        let key = format!("sensor[{i}] ({})", sensor.id);
        let twin = |e: tailtwin_twin::TwinError| unsupported(format!("{key}: {e}"));
        if let Some(section) = &c.section {
            let spec =
                s.sections.iter().find(|sp| &sp.section.name == section).ok_or_else(|| {
                    unsupported(format!("{key}.section: no [[section]] '{section}'"))
                })?;
            let x = sensor.x.expect("config checks x_m on a section");
            let surface = spec.section.surface_z_at(x).ok_or_else(|| {
                unsupported(format!("{key}.x_m: {x} is outside section '{section}'"))
            })?;
            sensor.z.get_or_insert(surface);
            if sensor.thresholds.is_none()
                && let Some(d) = spec.min_burial_depth_m
            {
                let src = ThresholdSource::site("section min_burial_depth_m (scenario)");
                sensor.thresholds = Some(
                    defaults::phreatic_level(surface, Threshold { value: d, source: src })
                        .map_err(twin)?,
                );
            }
        }
        if sensor.thresholds.is_none() {
            sensor.thresholds = match sensor.kind {
                SensorKind::PondLevel => match (basis.levels, &basis.min_freeboard) {
                    (Some(l), Some(fb)) => Some(pond_level_defaults(l, fb).map_err(|e| {
                        unsupported(format!(
                            "{key}: default thresholds: {e} (design flood level from {}); set \
                             levels.design_flood_m or the sensor's thresholds",
                            basis.design_flood_source
                        ))
                    })?),
                    _ => None,
                },
                SensorKind::BeachLength => basis
                    .min_beach_length
                    .clone()
                    .map(defaults::beach_length)
                    .transpose()
                    .map_err(twin)?,
                SensorKind::Rainfall => Some(defaults::rainfall_24h()),
                _ => None,
            };
        }
        out.push(sensor);
    }
    Ok(out)
}

fn pond_level_defaults(
    l: PondLevels,
    min_freeboard: &Threshold,
) -> Result<Thresholds, tailtwin_twin::TwinError> {
    if l.pre_flood_control.is_finite() {
        return defaults::pond_level(l, min_freeboard.clone());
    }
    // Without the site's pre-flood control level the yellow level stays unset: the guidance
    // values are computed with a placeholder strictly between blue and orange, then removed.
    let placeholder = 0.5 * (l.operating_control + l.design_flood);
    let mut t = defaults::pond_level(
        PondLevels { pre_flood_control: placeholder, ..l },
        min_freeboard.clone(),
    )?;
    t.yellow = None;
    Ok(t)
}

impl TwinModel {
    /// Builds the pond model and the items from the stored sensors of a pond: the first
    /// sensor of each of pond level, beach length and rainfall with thresholds gives its item
    /// (a kind without such a sensor has no item: its trajectory is still computed).
    pub fn new(s: &Scenario, sensors: &[Sensor]) -> Result<TwinModel, PipelineError> {
        let model = Model::new(s)?;
        let mut runoff_unusable = None;
        let runoff = match &s.catchment {
            None => None,
            Some(cs) => {
                let (c, method, _) = build::catchment(cs)?;
                if matches!(method, RunoffMethod::ScsCn(_)) {
                    Some((c, method))
                } else {
                    runoff_unusable = Some(
                        "nowcast: catchment.runoff must be scs_cn (the rational formula needs a \
                         design storm's depth–duration curve, a forecast has none)"
                            .into(),
                    );
                    None
                }
            }
        };
        let mut items = Vec::new();
        for (kind, quantity) in [
            (SensorKind::PondLevel, Quantity::Stage),
            (SensorKind::BeachLength, Quantity::BeachLength),
            (SensorKind::Rainfall, Quantity::Rain24h),
        ] {
            if let Some(sn) = sensors.iter().find(|x| x.kind == kind && x.thresholds.is_some()) {
                items.push(Item {
                    kind,
                    quantity,
                    sensor: Some(sn.id.clone()),
                    thresholds: sn.thresholds.clone().expect("filtered"),
                });
            }
        }
        Ok(TwinModel {
            scenario: s.clone(),
            model,
            runoff,
            runoff_unusable,
            rain_on_pond: build::pond_spec(s)?.rain_on_pond,
            items,
        })
    }

    /// The item of a quantity.
    pub fn item(&self, q: Quantity) -> Option<&Item> {
        self.items.iter().find(|i| i.quantity == q)
    }
}
