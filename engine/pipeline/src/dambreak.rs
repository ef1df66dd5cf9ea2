//! Dam break: the breach routed with the pond, then the released flow routed over the
//! downstream terrain in 2D.
//!
//! ```text
//! pass 1: route the flood without the breach ─▶ stage series ─▶ trigger → t₀
//!         (ARCHITECTURE.md "a breach trigger resolves to a time")
//! breach size: given, or Froehlich (2008) / MLM (1984) from the pond volume and height at t₀
//! pass 2: route again with the breach starting at t₀ (identical up to t₀)
//!         ─▶ breach hydrograph (the breach's own outflow only; × (V_w + V_F)/V_w with tailings)
//!         ─▶ peak-flow regressions (Froehlich 2016, 1995a, MLM) beside the routed peak
//! 2D:     inundation::Simulation on the DEM, the hydrograph entering along the breach line,
//!         t = 0 at t₀ ─▶ maps, points, volume balance
//! ```
//!
//! Assumptions: the tailings leave in proportion to the water (a mixture of constant
//! concentration over the event). The mixture is routed with Manning resistance plus the
//! rheology of `[dambreak.tailings] rheology` (Bingham, Herschel–Bulkley, O'Brien–Julien, or
//! estimated from C_v); without one it is routed as water (no yield stress): the longer run-out,
//! which a drill should plan for. The flow came to rest when no cell moves at the end of the 2D
//! run ([`RheologySummary::flow_at_rest`]); the flooded area at ¾ of the run shows whether the
//! extent still grew. The regressions are a sanity
//! band, not a replacement for the routed peak. Regression breaches (Froehlich, MLM) go down to
//! the pond bottom.

use crate::{Model, PipelineError, RunSettings, forcing, routing_settings, run_model};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;
use tailtwin_core::series::interpolate;
use tailtwin_core::{
    Elevation, FloodRun, Hydrograph, InundationGrid, InundationMap, InundationPoint,
};
use tailtwin_inundation::{
    InflowLine, InundationError, InundationResult, Rheology, Simulation, SolverSettings,
    with_threads,
};
use tailtwin_pond::route;
use tailtwin_pond::structures::breach::regressions::{
    self, FailureMode, PeakFlowBand, bottom_width_from_eroded_volume,
};
use tailtwin_pond::structures::{
    Breach, BreachGeometry, BreachTrigger, Structure, StructureError, resolve_trigger_on_route,
};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::dambreak::{GeometrySpec, ReleasedVolume, RheologySpec, TriggerSpec};
use thiserror::Error;

/// Router output interval of the breach pass, s: the breach hydrograph handed to the 2D run is
/// sampled at it (a breach forms in minutes; 30 s resolves a 5-min formation with 10 points).
pub const BREACH_REPORT_INTERVAL_S: f64 = 30.0;

/// Side slope of the MLM breach (1H:2V, MacDonald & Langridge-Monopolis 1984).
pub const MLM_SIDE_SLOPE: f64 = 0.5;

/// Why a dam-break run failed.
#[derive(Debug, Error)]
pub enum DambreakError {
    #[error("the scenario has no [dambreak]")]
    NotConfigured,
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("dambreak.trigger: {0}")]
    Trigger(String),
    #[error("dambreak breach: {0}")]
    Breach(#[from] StructureError),
    #[error("dambreak 2D run: {0}")]
    Inundation(#[from] InundationError),
    #[error("dambreak breach hydrograph: {0}")]
    Hydrograph(String),
}

impl DambreakError {
    /// True when the scenario's content caused the failure (CLI exit 2).
    pub fn is_input_error(&self) -> bool {
        match self {
            DambreakError::Pipeline(e) => e.is_input_error(),
            DambreakError::Inundation(InundationError::Io { .. }) => false,
            _ => true,
        }
    }
}

/// Peak-flow regressions beside the routed peak, m³/s.
#[derive(Debug, Clone, Serialize)]
pub struct RegressionBand {
    pub froehlich_2016_m3s: f64,
    pub froehlich_1995_m3s: f64,
    pub mlm_1984_m3s: f64,
    pub min_m3s: f64,
    pub max_m3s: f64,
    /// Water volume above the final breach bottom at t₀, m³.
    pub reservoir_volume_m3: f64,
    /// Water depth above the final breach bottom at t₀, m.
    pub water_depth_m: f64,
    pub breach_height_m: f64,
}

/// Speed below which the released flow counts as at rest at the end of the 2D run, m/s
/// (1 mm/s: a creep that moves a front by less than 4 m an hour).
pub const REST_SPEED_MS: f64 = 1e-3;

/// The resistance law of the 2D run and whether the released flow came to rest.
#[derive(Debug, Clone, Serialize)]
pub struct RheologySummary {
    /// `"none"` (water), `"bingham"`, `"herschel_bulkley"` or `"obrien_julien"`.
    pub model: String,
    /// SI parameters: `yield_stress_pa`, `viscosity_pa_s`, `consistency` (Pa·sⁿ), `index`,
    /// `laminar_k` (those of the model).
    pub parameters: BTreeMap<String, f64>,
    /// Density of the flowing material, kg/m³.
    pub density_kgm3: f64,
    /// Where the parameters come from.
    pub source: String,
    /// Flooded area (max depth ≥ arrival depth) at the checkpoint, the last output time at or
    /// before ¾ of the run, m² (None when the run is shorter than one output interval).
    pub area_at_checkpoint_m2: Option<f64>,
    pub checkpoint_s: Option<f64>,
    /// True when no cell moves faster than [`REST_SPEED_MS`] at the end of the run (with a yield
    /// stress the solver stops a cell outright where `ρ g h |∇η| ≤ τ_y` holds it).
    pub flow_at_rest: bool,
    /// Largest depth-averaged speed at the end of the run where the depth is ≥ 0.01 m, m/s.
    pub final_max_speed_ms: f64,
}

impl RheologySummary {
    fn new(spec: &RheologySpec) -> Self {
        let mut parameters = BTreeMap::new();
        let mut put = |k: &str, v: f64| {
            parameters.insert(k.to_owned(), v);
        };
        match spec.rheology {
            Rheology::Water => {}
            Rheology::Bingham { yield_stress_pa, viscosity_pa_s, .. } => {
                put("yield_stress_pa", yield_stress_pa);
                put("viscosity_pa_s", viscosity_pa_s);
            }
            Rheology::HerschelBulkley { yield_stress_pa, consistency, flow_index, .. } => {
                put("yield_stress_pa", yield_stress_pa);
                put("consistency", consistency);
                put("index", flow_index);
            }
            Rheology::OBrienJulien { yield_stress_pa, viscosity_pa_s, laminar_k, .. } => {
                put("yield_stress_pa", yield_stress_pa);
                put("viscosity_pa_s", viscosity_pa_s);
                put("laminar_k", laminar_k);
            }
        }
        RheologySummary {
            model: spec.model.to_owned(),
            parameters,
            density_kgm3: spec.rheology.density(),
            source: spec.source.to_owned(),
            area_at_checkpoint_m2: None,
            checkpoint_s: None,
            flow_at_rest: false,
            final_max_speed_ms: 0.0,
        }
    }
}

/// One observation point's result.
#[derive(Debug, Clone, Serialize)]
pub struct PointSummary {
    pub name: String,
    pub kind: String,
    pub x: f64,
    pub y: f64,
    /// Time after breach initiation at which the depth first reached the arrival depth, s.
    pub arrival_time_s: Option<f64>,
    pub max_depth_m: f64,
    pub max_speed_ms: f64,
    pub time_of_max_depth_s: Option<f64>,
    pub population: Option<u64>,
}

/// The flat, serialisable result of `tailtwin dambreak --json`.
#[derive(Debug, Clone, Serialize)]
pub struct DambreakSummary {
    pub scenario: String,
    pub engine_version: String,
    /// "overtopping" | "piping" | "forced".
    pub trigger: String,
    /// Breach initiation t₀ on the flood run's clock, s.
    pub breach_start_s: f64,
    /// Pond level at t₀, m.
    pub stage_at_breach_m: f64,
    /// Final breach bottom (m), bottom width (m), side slope (H:V), formation time (s).
    pub breach_bottom_m: f64,
    pub breach_bottom_width_m: f64,
    pub breach_side_slope: f64,
    pub breach_formation_time_s: f64,
    /// Routed peak of the breach's own outflow (water), m³/s, and its time on the flood clock.
    pub peak_breach_outflow_m3s: f64,
    pub time_of_peak_breach_outflow_s: f64,
    /// Peak of the hydrograph fed to the 2D run (water + tailings), m³/s.
    pub peak_mixture_outflow_m3s: f64,
    /// Water through the breach over the routed run, m³.
    pub water_volume_m3: f64,
    /// Tailings released, m³ (0 without tailings), and the mixture concentration.
    pub tailings_volume_m3: f64,
    pub tailings_concentration: Option<f64>,
    /// Resistance law of the 2D run, its source, and whether the flow came to rest.
    pub rheology: RheologySummary,
    /// Water + tailings released, m³.
    pub released_volume_m3: f64,
    pub regression_band: Option<RegressionBand>,
    /// Lowest pond level after the breach, m.
    pub min_stage_after_breach_m: f64,
    /// 2D run: simulated time after t₀ (s), inflow volume within it (m³).
    pub duration_s: f64,
    pub inflow_volume_2d_m3: f64,
    pub outflow_volume_2d_m3: f64,
    pub inundated_area_m2: f64,
    pub volume_error_pct: f64,
    pub cells: usize,
    pub active_cells: usize,
    pub cell_size_m: f64,
    pub steps: usize,
    pub wall_time_s: f64,
    pub cell_updates_per_s: f64,
    pub threads: usize,
    pub points: Vec<PointSummary>,
    /// Population at risk, loss of life and GISTM consequence class from the points.
    pub consequence: tailtwin_risk::ConsequenceSummary,
    pub warnings: Vec<String>,
}

/// Everything a dam-break run produced.
#[derive(Debug, Clone)]
pub struct DambreakRun {
    pub summary: DambreakSummary,
    /// The flood run without the breach (pass 1, on which the trigger was resolved).
    pub flood: FloodRun,
    /// The pond routed with the breach (pass 2).
    pub breach_route: tailtwin_core::RoutedPond,
    /// The hydrograph fed to the 2D run (t = 0 at t₀).
    pub hydrograph: Hydrograph,
    pub inundation: InundationResult,
    /// The maps and points for results and viz.
    pub map: InundationMap,
    /// EPSG code for the output GeoTIFFs when the DEM carries no CRS.
    pub crs_epsg: Option<u32>,
}

/// The dam-break chain for one scenario on `threads` worker threads (2D run).
pub fn run_dambreak(s: &Scenario, threads: usize) -> Result<DambreakRun, DambreakError> {
    s.dambreak.as_ref().ok_or(DambreakError::NotConfigured)?;
    let model = Model::new(s)?;
    let forcing = forcing::forcing(s)?;
    run_dambreak_with(s, &model, &forcing, threads)
}

/// The dam-break chain on a given pond model and forcing (a drill's scheduled structures, an
/// overridden storm); `s` supplies `[dambreak]`, `[pond]` and `[routing]`.
pub fn run_dambreak_with(
    s: &Scenario,
    model: &Model,
    forcing: &forcing::Forcing,
    threads: usize,
) -> Result<DambreakRun, DambreakError> {
    let spec = s.dambreak.as_ref().ok_or(DambreakError::NotConfigured)?;
    let pond = tailtwin_scenario::build::pond_spec(s).map_err(PipelineError::from)?;
    let settings = RunSettings { threads };
    // Pass 1: no breach.
    let first = run_model(s, model, forcing, &settings)?;
    let crest = pond.crest;
    let trigger = match spec.trigger {
        TriggerSpec::Overtopping { depth_m, duration_s } => {
            BreachTrigger::Overtopping { crest, depth_m, duration_s }
        }
        TriggerSpec::PipingAtTime { time_s } => BreachTrigger::PipingAtTime { time_s },
        TriggerSpec::PipingAtLevel { level_m } => {
            BreachTrigger::PipingAtLevel { level: Elevation(level_m) }
        }
        TriggerSpec::Forced { time_s } => BreachTrigger::Forced { time_s },
    };
    let routed = &first.routed;
    let end = *routed.time_s.last().expect("a route has samples");
    let t0 = resolve_trigger_on_route(&trigger, routed)?.ok_or_else(|| {
        DambreakError::Trigger(format!(
            "never fires in the {:.1} h routed without the breach (peak stage {:.3} m)",
            end / 3600.0,
            routed.peak_stage_m
        ))
    })?;
    if t0 > end {
        return Err(DambreakError::Trigger(format!(
            "t₀ = {:.2} h is after the end of the routed run ({:.2} h): lengthen [routing] duration_h",
            t0 / 3600.0,
            end / 3600.0
        )));
    }
    let stage0 = interpolate(&routed.time_s, &routed.stage_m, t0);
    let storage = model.pond.storage();
    let volume_above =
        |z: f64| (storage.volume_at(Elevation(stage0)) - storage.volume_at(Elevation(z))).max(0.0);
    let mode =
        if spec.trigger.is_overtopping() { FailureMode::Overtopping } else { FailureMode::Piping };
    let geometry = match spec.geometry {
        GeometrySpec::Given { bottom_m, final_bottom_width_m, side_slope, formation_time_s } => {
            BreachGeometry {
                final_bottom: Elevation(bottom_m),
                final_bottom_width_m,
                side_slope,
                formation_time_s,
                progression: spec.progression,
            }
        }
        GeometrySpec::Froehlich2008 => {
            let hb = crest.m() - pond.bottom.m();
            let f = regressions::froehlich_2008(volume_above(pond.bottom.m()), hb, mode)?;
            BreachGeometry {
                final_bottom: pond.bottom,
                final_bottom_width_m: f.bottom_width_m,
                side_slope: f.side_slope,
                formation_time_s: f.formation_time_s,
                progression: spec.progression,
            }
        }
        GeometrySpec::Mlm { crest_width_m, upstream_slope, downstream_slope } => {
            let hb = crest.m() - pond.bottom.m();
            let hw = stage0 - pond.bottom.m();
            let m = regressions::mlm_1984(volume_above(pond.bottom.m()), hw)?;
            let b = bottom_width_from_eroded_volume(
                m.eroded_volume_m3,
                hb,
                crest_width_m,
                upstream_slope,
                downstream_slope,
                MLM_SIDE_SLOPE,
            )?;
            BreachGeometry {
                final_bottom: pond.bottom,
                final_bottom_width_m: b,
                side_slope: MLM_SIDE_SLOPE,
                formation_time_s: m.formation_time_s,
                progression: spec.progression,
            }
        }
    };
    let mut breach = Breach::new("breach", crest, geometry, t0)?.with_coefficients(spec.weir)?;
    if let Some(t) = spec.tailwater_m {
        breach = breach.with_tailwater(Elevation(t))?;
    }
    let mut warnings = Vec::new();
    let z_b = geometry.final_bottom.m();
    let band = if stage0 > z_b {
        let hb = crest.m() - z_b;
        let w_avg = geometry.final_bottom_width_m + geometry.side_slope * hb;
        let b = PeakFlowBand::new(volume_above(z_b), stage0 - z_b, hb, w_avg, mode)?;
        let (min_m3s, max_m3s) = b.range_m3s();
        Some(RegressionBand {
            froehlich_2016_m3s: b.froehlich_2016_m3s,
            froehlich_1995_m3s: b.froehlich_1995_m3s,
            mlm_1984_m3s: b.mlm_1984_m3s,
            min_m3s,
            max_m3s,
            reservoir_volume_m3: volume_above(z_b),
            water_depth_m: stage0 - z_b,
            breach_height_m: hb,
        })
    } else {
        warnings.push(format!(
            "pond level {stage0:.3} m at t₀ is not above the breach bottom {z_b:.3} m: the breach \
             releases no water"
        ));
        None
    };

    // Pass 2: with the breach, long enough to feed the whole 2D run.
    let mut model2 = model.clone();
    model2.structures.push(Structure::Breach(breach.clone()));
    let rain_on_pond = match (&forcing.hyetograph, pond.rain_on_pond) {
        (Some(h), true) => h.clone(),
        _ => tailtwin_core::Hyetograph::dry(),
    };
    let (mut routing, _) = routing_settings(s, forcing)?;
    let needed = t0 + spec.solver.duration_s;
    routing.end_time_s = Some(routing.end_time_s.unwrap_or(needed).max(needed));
    routing.report_interval_s = routing.report_interval_s.min(BREACH_REPORT_INTERVAL_S);
    let routed2 = route(&model2.pond, &model2.outlets(), &forcing.inflow, &rain_on_pond, &routing)
        .map_err(PipelineError::from)?;
    let series =
        routed2.structures.iter().find(|x| x.kind == "breach").ok_or_else(|| {
            DambreakError::Hydrograph("the routed run has no breach series".into())
        })?;
    let water_volume = series.volume_m3;
    let tailings_volume = match spec.tailings.map(|t| t.released) {
        None => 0.0,
        Some(ReleasedVolume::Given(v)) => v,
        Some(ReleasedVolume::Regression { stored_volume_m3 }) => {
            let r = regressions::larrauri_lall_2018(stored_volume_m3, pond.dam_height_m)?;
            warnings.push(format!(
                "released tailings {:.0} m³ from {} (recalled regression, to be checked)",
                r.released_volume_m3, r.source
            ));
            r.released_volume_m3
        }
    };
    let factor =
        if water_volume > 0.0 { (water_volume + tailings_volume) / water_volume } else { 1.0 };
    // The breach's own outflow from t₀ (its value at t₀ from the stage there: an
    // instantaneous breach starts at full flow), shifted to t = 0 at t₀.
    let mut time = vec![0.0];
    let mut flow = vec![breach.discharge_at(stage0, t0).flow_m3s * factor];
    for (&t, &q) in routed2.time_s.iter().zip(&series.flow_m3s) {
        if t > t0 + 1e-9 && t <= needed + 1e-9 {
            time.push(t - t0);
            flow.push(q * factor);
        }
    }
    let hydrograph =
        Hydrograph::new(time, flow).map_err(|e| DambreakError::Hydrograph(e.to_string()))?;
    let min_stage_after = routed2
        .time_s
        .iter()
        .zip(&routed2.stage_m)
        .filter(|(t, _)| **t >= t0)
        .map(|(_, z)| *z)
        .fold(f64::INFINITY, f64::min);

    // 2D run: the mixture's rheology when tailings are released.
    let rheology_spec = spec.tailings.map_or(RheologySpec::WATER, |t| t.rheology);
    if spec.tailings.is_some() && rheology_spec.rheology == Rheology::Water {
        warnings.push(
            "the tailings mixture is routed as water ([dambreak.tailings] rheology \"none\" or \
             not given): the longer run-out"
                .to_owned(),
        );
    }
    let mut rheology = RheologySummary::new(&rheology_spec);
    let d = SolverSettings::default();
    let solver = SolverSettings {
        order: spec.solver.order,
        limiter: spec.solver.limiter,
        cfl: spec.solver.cfl,
        gravity: s.meta.gravity,
        arrival_threshold_m: spec.solver.arrival_depth_m,
        rheology: rheology_spec.rheology,
        ..d
    };
    let line = InflowLine::along_segment(
        &spec.terrain,
        "breach",
        spec.inflow_from,
        spec.inflow_to,
        spec.direction,
        hydrograph.clone(),
    )?;
    let duration = spec.solver.duration_s;
    let interval = spec.solver.output_interval_s;
    // The checkpoint is an output time, so the steps land where they would without it.
    let checkpoint = (0.75 * duration / interval).floor() * interval;
    let (result, steps, wall, at_checkpoint) =
        with_threads(threads, || -> Result<_, InundationError> {
            let mut sim = Simulation::new(&spec.terrain, &spec.roughness, solver)?
                .with_boundaries(spec.solver.boundaries);
            sim.set_initial(|_, _, _| (0.0, 0.0, 0.0))?;
            sim.add_inflow(line)?;
            for (p, _) in &spec.points {
                sim.add_point(p.clone())?;
            }
            let clock = Instant::now();
            let mut at_checkpoint = None;
            if checkpoint > 0.0 {
                sim.run_until(checkpoint, interval)?;
                at_checkpoint = Some(sim.result().inundated_area_m2);
            }
            sim.run_until(duration, interval)?;
            let wall = clock.elapsed().as_secs_f64();
            rheology.final_max_speed_ms = (0..spec.terrain.geometry.cells())
                .map(|i| sim.cell_state(i))
                .filter(|[h, ..]| *h >= d.velocity_depth_m)
                .map(|[h, hu, hv]| hu.hypot(hv) / h)
                .fold(0.0, f64::max);
            Ok((sim.result(), sim.steps(), wall, at_checkpoint))
        })??;
    if let Some(a) = at_checkpoint {
        rheology.checkpoint_s = Some(checkpoint);
        rheology.area_at_checkpoint_m2 = Some(a);
    }
    rheology.flow_at_rest = rheology.final_max_speed_ms < REST_SPEED_MS;
    let mut result = result;
    for r in [
        &mut result.max_depth,
        &mut result.max_speed,
        &mut result.max_unit_discharge,
        &mut result.arrival_time,
        &mut result.time_of_max_depth,
        &mut result.duration,
        &mut result.hazard,
    ] {
        r.crs = spec.terrain.crs.clone();
    }
    let g = spec.terrain.geometry;
    let active = spec.terrain.active.iter().filter(|&&a| a).count();
    let points: Vec<PointSummary> = result
        .points
        .iter()
        .zip(&spec.points)
        .map(|(r, (_, kind))| PointSummary {
            name: r.name.clone(),
            kind: kind.clone(),
            x: r.x,
            y: r.y,
            arrival_time_s: r.arrival_time_s,
            max_depth_m: r.max_depth_m,
            max_speed_ms: r.max_speed_ms,
            time_of_max_depth_s: r.time_of_max_depth_s,
            population: r.population,
        })
        .collect();
    let (_, peak_mix) = hydrograph.peak();
    let map = InundationMap {
        grid: InundationGrid {
            nx: g.nx,
            ny: g.ny,
            dx: g.dx,
            dy: g.dy,
            x_min: g.x_min,
            y_min: g.y_min,
            epsg: spec.terrain.crs.as_ref().and_then(|c| c.epsg).or(spec.crs_epsg),
        },
        bed_m: spec
            .terrain
            .bed
            .iter()
            .zip(&spec.terrain.active)
            .map(|(&z, &a)| if a { z } else { f64::NAN })
            .collect(),
        max_depth_m: result.max_depth.values.clone(),
        max_speed_ms: result.max_speed.values.clone(),
        max_unit_discharge_m2s: result.max_unit_discharge.values.clone(),
        arrival_time_s: result.arrival_time.values.clone(),
        hazard_class: result.hazard.values.clone(),
        time_of_max_depth_s: result.time_of_max_depth.values.clone(),
        inundation_duration_s: result.duration.values.clone(),
        arrival_depth_m: spec.solver.arrival_depth_m,
        duration_s: duration,
        breach_line: [
            [spec.inflow_from.0, spec.inflow_from.1],
            [spec.inflow_to.0, spec.inflow_to.1],
        ],
        points: points_of(&points, &result.points),
    };
    let summary = DambreakSummary {
        scenario: s.meta.name.clone(),
        engine_version: env!("CARGO_PKG_VERSION").to_owned(),
        trigger: match spec.trigger {
            TriggerSpec::Overtopping { .. } => "overtopping",
            TriggerSpec::PipingAtTime { .. } | TriggerSpec::PipingAtLevel { .. } => "piping",
            TriggerSpec::Forced { .. } => "forced",
        }
        .to_owned(),
        breach_start_s: t0,
        stage_at_breach_m: stage0,
        breach_bottom_m: z_b,
        breach_bottom_width_m: geometry.final_bottom_width_m,
        breach_side_slope: geometry.side_slope,
        breach_formation_time_s: geometry.formation_time_s,
        peak_breach_outflow_m3s: series.peak_flow_m3s,
        time_of_peak_breach_outflow_s: series.time_of_peak_s,
        peak_mixture_outflow_m3s: peak_mix,
        water_volume_m3: water_volume,
        tailings_volume_m3: tailings_volume,
        tailings_concentration: spec.tailings.map(|t| t.concentration),
        rheology,
        released_volume_m3: water_volume + tailings_volume,
        regression_band: band,
        min_stage_after_breach_m: min_stage_after,
        duration_s: duration,
        inflow_volume_2d_m3: result.balance.total_inflow_m3(),
        outflow_volume_2d_m3: result.balance.total_outflow_m3(),
        inundated_area_m2: result.inundated_area_m2,
        volume_error_pct: result.balance.error_pct,
        cells: g.cells(),
        active_cells: active,
        cell_size_m: g.dx,
        steps,
        wall_time_s: wall,
        cell_updates_per_s: if wall > 0.0 { steps as f64 * active as f64 / wall } else { 0.0 },
        threads,
        consequence: consequence_of(spec, &points)?,
        points,
        warnings,
    };
    Ok(DambreakRun {
        summary,
        flood: first,
        breach_route: routed2,
        hydrograph,
        inundation: result,
        map,
        crs_epsg: spec.crs_epsg,
    })
}

fn points_of(
    points: &[PointSummary],
    results: &[tailtwin_inundation::PointResult],
) -> Vec<InundationPoint> {
    points
        .iter()
        .zip(results)
        .map(|(p, r)| InundationPoint {
            name: p.name.clone(),
            kind: p.kind.clone(),
            x: p.x,
            y: p.y,
            arrival_time_s: p.arrival_time_s,
            max_depth_m: p.max_depth_m,
            max_speed_ms: p.max_speed_ms,
            population: p.population,
            time_of_max_depth_s: p.time_of_max_depth_s,
            series: tailtwin_core::PointSeries {
                time_s: r.series.time_s.clone(),
                depth_m: r.series.depth_m.clone(),
                speed_ms: r.series.speed_ms.clone(),
            },
        })
        .collect()
}

/// The consequence class from the points, with the risk table's default warning delay (the
/// scenario carries no `warning_delay_s` yet).
fn consequence_of(
    spec: &tailtwin_scenario::dambreak::DambreakSpec,
    points: &[PointSummary],
) -> Result<tailtwin_risk::ConsequenceSummary, PipelineError> {
    let t = tailtwin_risk::ConsequenceTables::builtin();
    let exposure: Vec<tailtwin_risk::PointExposure> = points
        .iter()
        .map(|p| tailtwin_risk::PointExposure {
            name: p.name.clone(),
            population: p.population,
            arrival_time_s: p.arrival_time_s,
            max_depth_m: p.max_depth_m,
            max_speed_ms: p.max_speed_ms,
        })
        .collect();
    let mut settings = t.default_settings();
    if let Some(d) = spec.warning_delay_s {
        settings.warning_delay_s = d;
    }
    if let Some(precise) = spec.warning_understood_precisely {
        settings.understanding = if precise {
            tailtwin_risk::Understanding::Precise
        } else {
            tailtwin_risk::Understanding::Vague
        };
    }
    Ok(tailtwin_risk::assess_consequence(t, &settings, &exposure)?)
}
