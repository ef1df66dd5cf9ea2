//! tailtwin-pipeline: wires the process crates into one flood run.
//!
//! ```text
//! Scenario ─▶ storm (hydrology: design storm or gauge records) ─▶ Hyetograph
//!          ─▶ catchment inflow (hydrology: SCS-CN + UH or 推理公式) + given inflow ─▶ Hydrograph
//!          ─▶ pond + structures (pond: series systems assembled) ─▶ route ─▶ RoutedPond
//!          ─▶ checks (risk: grade, design flood, freeboard, beach, overtopping, …) ─▶ Report
//!          ─▶ FloodRun (Report + hyetograph + inflow + RoutedPond + rating tables + levels)
//! ```
//!
//! No physics lives here: the pipeline converts the validated scenario into each crate's inputs,
//! calls the crates in order and assembles the products. The rain that falls on the pond surface is
//! the same hyetograph as the catchment's (the router multiplies it by the water-surface area at
//! the current stage, plus `pond.direct_area_km2`).
//!
//! Defaults the pipeline chooses (documented in scenarios/README.md):
//! - routing end: `[routing] duration_h`, else 48 h after the later of the storm's end and the
//!   inflow's last point; a dry-stack pond's run is extended to the drain limit plus
//!   [`DRAIN_MARGIN_H`] after that point so the 72 h rule is decided (the report says so);
//! - rating tables: [`report::RATING_ROWS`] stages from 1 m below the run's lowest stage (not below
//!   the lowest inlet) to 0.5 m above the higher of the crest and the peak stage.
//!
//! Threads: a flood run is one sequential time march (microseconds of rating tables besides), so
//! it runs on the calling thread; `RunSettings::threads` is recorded in the FloodRun, and callers
//! that run many members (the CLI, benches, ensembles) parallelise over members on rayon's pool —
//! the outermost independent loop. Results never depend on the thread count.
//!
//! Seepage and stability ([`geotech`]): [`geotech::run_scenario`] is [`run_flood`] followed by
//! the seepage stage ([`seepage`]) at the normal level and the routed design-flood peak and the
//! stability load cases ([`stability`]) on `[stability] section`; their products fill
//! `FloodRun::geotech`, `Report::seepage` / `Report::stability`, and their check rows are appended
//! to the report's table (the flood's own numbers and checks do not change). `run_flood` itself
//! stays the flood alone (sweeps and benches call it in loops).
//!
//! Slope reliability ([`reliability`]): [`reliability::run_reliability`] takes the `GeotechRun`
//! of the stability stage and gives FOSM and Monte-Carlo β and P(FoS < 1) per load case and
//! method (`[reliability]`).
//!
//! Calibration ([`calibrate`], issue 7 item 2): the SCS curve number (and optionally λ) from
//! observed storms by inverse water balance on the pond level record, and one conductivity
//! parameter of a section material from piezometers, with the data read from the twin's
//! monitoring store (`tailtwin-twin`) and the results saved there as model states; equations,
//! assumptions and tests in the module docs.
//!
//! The twin's nowcast and replay ([`nowcast`]): the current state from the monitoring store
//! (`tailtwin-twin`), ensemble routing of rain forecasts from the current stage, bands,
//! threshold crossings, warning levels and lead times (tests/nowcast.rs, tests/twin_cli.rs).
//!
//! Drills ([`drill`]): a drill file's injects (scheduled structure blockages, sensor faults, a
//! breach) played on the scenario through [`run_model`] and [`dambreak::run_dambreak_with`],
//! with the twin's alarm logic on the readings and the plan's response levels → timeline,
//! inject sheet, evacuation windows (see the module documentation).
//!
//! Ensembles ([`ensemble`]): `run_ensemble` draws annual-maximum storms (P-III depth at a random
//! return period, duration, pattern, Chicago peak), the antecedent condition, the start level and
//! blockages per member from a ChaCha8 stream seeded by (seed, member index), routes each member
//! with the pond, structures and limits built once, and summarises P(overtopping), P(freeboard
//! below the minimum), P(beach below the minimum) (Wilson 95 % intervals), exceedance curves,
//! return levels, convergence and P(dam-break trigger). Identical on 1 and N threads and for
//! merged shards (`ensemble::shard`). Verified by tests/ensemble.rs (exponential and P-III closed
//! forms on a linear pond, monotonicity in crest and spillway, determinism, convergence).
//!
//! Verified by: tests/cli.rs (the demo and every `scenarios/verification/*/scenario.toml` through
//! the binary and through [`run_flood`]), the process crates' own verification suites, and the
//! design-storm bench (benches/design_storms.rs).

pub mod assess;
pub mod calibrate;
pub mod dambreak;
pub mod drill;
pub mod ensemble;
pub mod forcing;
pub mod geotech;
pub mod nowcast;
pub mod reliability;
pub mod report;
pub mod seepage;
pub mod stability;
pub mod status;

use tailtwin_core::{Elevation, FloodRun, RatingCurve};
use tailtwin_pond::structures::{Structure, stage_grid};
use tailtwin_pond::{Outlet, Pond, RoutingError, RoutingSettings, route};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::build::{self, BuildError};
use thiserror::Error;

/// Hours added after the storm and the inflow when `[routing] duration_h` is not given.
pub const DEFAULT_RECESSION_H: f64 = 48.0;

/// How to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// Worker threads (≥ 1).
    pub threads: usize,
}

impl Default for RunSettings {
    /// One thread.
    fn default() -> Self {
        RunSettings { threads: 1 }
    }
}

/// Why a run failed. Every variant traces back to the scenario's values.
#[derive(Debug, Error)]
pub enum PipelineError {
    /// The scenario could not be turned into the process crates' objects.
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("catchment: {0}")]
    Catchment(#[source] tailtwin_hydrology::HydrologyError),
    #[error("routing: {0}")]
    Routing(#[from] RoutingError),
    #[error("checks: {0}")]
    Risk(#[from] tailtwin_risk::RiskError),
    #[error("{0}")]
    Unsupported(String),
    /// The seepage or stability stage (see [`geotech`]).
    #[error(transparent)]
    Geotech(Box<geotech::GeotechError>),
}

impl PipelineError {
    /// True when the scenario's content caused the failure (the CLI exits 2 for these): every
    /// variant but a seepage solver failure (no convergence, a failed factorisation).
    pub fn is_input_error(&self) -> bool {
        match self {
            PipelineError::Geotech(e) => e.is_input_error(),
            _ => true,
        }
    }
}

/// The pond and its routed structures, built once from a scenario (reuse it in loops).
#[derive(Debug, Clone)]
pub struct Model {
    pub pond: Pond,
    pub structures: Vec<Structure>,
}

impl Model {
    /// Builds the pond and the structures.
    pub fn new(s: &Scenario) -> Result<Self, PipelineError> {
        Ok(Model { pond: build::pond(s)?, structures: build::structures(s)? })
    }

    /// The structures as router outlets.
    pub fn outlets(&self) -> Vec<&dyn Outlet> {
        self.structures.iter().map(|s| s as &dyn Outlet).collect()
    }
}

/// Hours the run goes on past the dry-stack drain limit, so that the 72 h rule is decided by the
/// run (the drain criterion must hold "for the rest of the run").
pub const DRAIN_MARGIN_H: f64 = 12.0;

/// Router settings from `[routing]` and the forcing's extent.
///
/// For a dry-stack pond the run is extended, if needed, to the drain limit (72 h or
/// `[limits] max_drain_time_h`) plus [`DRAIN_MARGIN_H`] after the end of the forcing; the second
/// value says so for the report.
pub fn routing_settings(
    s: &Scenario,
    forcing: &forcing::Forcing,
) -> Result<(RoutingSettings, Option<String>), PipelineError> {
    let mut r = RoutingSettings::default();
    let r_spec = &s.routing;
    let forcing_end = forcing
        .storm_end_s
        .unwrap_or(0.0)
        .max(*forcing.inflow.time_s().last().expect("a hydrograph has points"));
    let mut end = r_spec.duration_s.unwrap_or(forcing_end + DEFAULT_RECESSION_H * 3600.0);
    let mut note = None;
    if build::pond_spec(s)?.dry_stack {
        let limits = tailtwin_risk::LimitSet::new(assess::edition(s)?, assess::overrides(s))?;
        let needed =
            forcing_end + limits.dry_stack_max_drain_time()?.value + DRAIN_MARGIN_H * 3600.0;
        if end < needed {
            note = Some(format!(
                "干式尾矿库：调洪计算延长至 {:.1} h 以判定排洪时间 / dry stack: routing extended from \
                 {:.1} h to {:.1} h so that the drain-time rule can be decided",
                needed / 3600.0,
                end / 3600.0,
                needed / 3600.0
            ));
            end = needed;
        }
    }
    r.end_time_s = Some(end);
    r.report_interval_s = r_spec.report_interval_s;
    if let Some(v) = r_spec.rtol {
        r.rtol = v;
    }
    if let Some(v) = r_spec.atol_m3 {
        r.atol_m3 = v;
    }
    if let Some(v) = r_spec.max_step_s {
        r.max_step_s = v;
    }
    match (r_spec.method, r_spec.fixed_step_s) {
        (tailtwin_scenario::RoutingMethod::ModifiedPuls, Some(step_s)) => {
            r.method = tailtwin_pond::Method::ModifiedPuls { step_s };
        }
        (tailtwin_scenario::RoutingMethod::ModifiedPuls, None) => {
            unreachable!("validation requires routing.fixed_step_s for modified Puls")
        }
        (tailtwin_scenario::RoutingMethod::DormandPrince, step) => r.fixed_step_s = step,
    }
    Ok((r, note))
}

/// The whole chain for one scenario.
pub fn run_flood(s: &Scenario, settings: &RunSettings) -> Result<FloodRun, PipelineError> {
    let model = Model::new(s)?;
    let forcing = forcing::forcing(s)?;
    run_model(s, &model, &forcing, settings)
}

/// The chain from a built model and forcing (benches and ensembles reuse both).
pub fn run_model(
    s: &Scenario,
    model: &Model,
    forcing: &forcing::Forcing,
    settings: &RunSettings,
) -> Result<FloodRun, PipelineError> {
    let rain_on_pond = match (&forcing.hyetograph, build::pond_spec(s)?.rain_on_pond) {
        (Some(h), true) => h.clone(),
        _ => tailtwin_core::Hyetograph::dry(),
    };
    let (routing, extended) = routing_settings(s, forcing)?;
    let routed = route(&model.pond, &model.outlets(), &forcing.inflow, &rain_on_pond, &routing)?;
    let assessment = assess::assess(s, &routed, forcing.storm_end_s)?;
    let mut warnings: Vec<String> = model
        .pond
        .storage()
        .warnings()
        .iter()
        .map(|w| format!("pond.stage_storage: {w:?}"))
        .collect();
    warnings.extend(extended);
    if s.meta.gravity != tailtwin_core::G && has_towers(&model.structures) {
        warnings.push(format!(
            "g = {} m/s² applies to weirs, orifices and conduits; tower shafts use {} m/s²",
            s.meta.gravity,
            tailtwin_core::G
        ));
    }
    let report = report::report(s, forcing, &routed, &model.structures, &assessment, warnings);
    let stages = report::flood_rating_stages(s, &model.structures, &routed)?;
    let ratings = report::ratings(&model.structures, &stages);
    let levels = report::levels(s, &report.checks);
    Ok(FloodRun {
        report,
        scenario_toml: s.source_toml.clone(),
        hyetograph: forcing.hyetograph.clone(),
        inflow: forcing.inflow.clone(),
        routed,
        ratings,
        levels,
        threads: settings.threads,
        geotech: None,
    })
}

fn has_towers(structures: &[Structure]) -> bool {
    structures.iter().any(|s| match s {
        Structure::WindowTower(_) | Structure::FrameTower(_) => true,
        Structure::Scheduled(x) => has_towers(std::slice::from_ref(x.base())),
        _ => false,
    })
}

/// Rating tables (each routed structure, then `combined`) at `stages`.
pub fn rating(s: &Scenario, stages: &[Elevation]) -> Result<Vec<RatingCurve>, PipelineError> {
    let model = Model::new(s)?;
    Ok(report::ratings(&model.structures, stages))
}

/// `n` stages from the lowest inlet (or the pond bottom) to 1 m above the dam crest.
pub fn rating_stages(s: &Scenario, n: usize) -> Result<Vec<Elevation>, PipelineError> {
    let model = Model::new(s)?;
    let pond = build::pond_spec(s)?;
    let low =
        build::lowest_inlet(&model.structures).unwrap_or(pond.bottom).m().max(pond.bottom.m());
    Ok(stage_grid(Elevation(low), Elevation(pond.crest.m() + 1.0), n))
}
