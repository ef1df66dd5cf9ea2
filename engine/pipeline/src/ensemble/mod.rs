//! Monte-Carlo flood ensembles: one member = one year's annual-maximum storm (issue 6).
//!
//! ```text
//! member i: ChaCha8(splitmix(seed, i)) ─▶ draw (depth, duration, pattern, peak, AMC, level,
//!           blockage) ─▶ member Scenario (SI description) ─▶ storm ─▶ inflow ─▶ route
//!           ─▶ MemberRow (peak stage, min freeboard, min beach, overtopped, peak outflow, trigger)
//! members (index order) ─▶ stats ─▶ EnsembleSummary (probabilities with Wilson CIs, exceedance
//!           curves, return levels, convergence, P(dam-break trigger))
//! ```
//!
//! - **Determinism**: a member's inputs depend on (seed, index) only; members run on a rayon
//!   pool of `threads` workers and are collected in index order, and the statistics read the
//!   table in index order, so the summary is identical on 1 and N threads and for merged shards.
//! - **Per-member path**: the pond, structures and limits are built once; a member rebuilds the
//!   pond only when its start level is drawn. The structures are tabulated once on 1 mm stage
//!   grids ([`RatingGrid`], from 2 m below the lowest start level to 3 m above the crest; exact
//!   outside) and a member's blockage scales its structure's grid ([`Tabulated`]); a member that
//!   blocks another structure's outlet conduit (whose condition acts inside the series), or a
//!   scenario with a structure that changes in time, is routed on the formulas. The router's
//!   output series are sampled at one interval (start and end): extremes come from the
//!   integrator's own steps, not from the series. Only for an overtopping dam-break trigger and
//!   a member whose peak reaches the trigger depth is the member routed again with the
//!   scenario's report interval, to time the trigger's duration.
//! - **Grid accuracy** (tests/ensemble.rs `tabulated_outlets_match_the_formulas`): the grids
//!   miss the formulas by at most 2·10⁻⁵ m³/s (refined around kinks, see
//!   [`tailtwin_pond::structures::tabulated`]); over 300 demo members the worst peak-stage
//!   difference from the formulas is 3.9e-7 m, inside the contraction bound 3.1e-5 m.
//!   [`Prepared::with_exact_outlets`] routes on the formulas.
//! - **Failures**: a member whose build or routing fails is kept in the table with its error
//!   and counted in `failed_members`; more than [`MAX_FAILED_FRACTION`] failed is an error.
//! - **Performance** (release, demo, idle 2-core machine): see benches/ensemble.rs for the
//!   figures. Four changes took a member from 0.70 ms to about 0.15 ms, all profiled with
//!   `perf`: the router's steps are no longer bounded by `max_step_s` on the autonomous drawdown
//!   after the storm (−35 % steps), the stage-from-storage inversion starts where the previous
//!   one landed (it was half the time), the structures come from their stage grids, and the
//!   inflow at the forcing cuts is read in one sweep.
//! - **Minima**: the freeboard and beach-length minima are the risk crate's limits for the
//!   pond's grade and dam type (the ones the flood-season checks use).

mod sampling;
pub mod shard;
mod stats;

pub use sampling::{AmcClass, Draw, PatternKind, Sampler, depth_at_exceedance, splitmix};
pub use stats::{RETURN_PERIODS_YEARS, summarise};

use crate::{Model, PipelineError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Instant;
use tailtwin_core::assessment::EnsembleSummary;
use tailtwin_core::{Elevation, RoutedPond};
use tailtwin_pond::structures::tabulated::DEFAULT_GRID_SPACING_M;
use tailtwin_pond::structures::{
    BreachTrigger, RatingGrid, Structure, Tabulated, resolve_trigger_on_route,
};
use tailtwin_pond::{Outlet, route};
use tailtwin_scenario::Scenario;
use tailtwin_scenario::dambreak::TriggerSpec;

/// Above this share of failed members the ensemble is an error (the probabilities would be
/// conditioned on the members that happened to run).
pub const MAX_FAILED_FRACTION: f64 = 0.01;

/// Members when neither the caller nor `[ensemble] members` says.
pub const DEFAULT_MEMBERS: u64 = 1000;

/// How to run an ensemble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnsembleSettings {
    /// Members of the whole ensemble (all shards together).
    pub members: u64,
    pub seed: u64,
    /// Worker threads (≥ 1).
    pub threads: usize,
    /// `(i, n)`: run the contiguous block i (0-based) of n of the member indices.
    pub shard: Option<(u32, u32)>,
}

impl EnsembleSettings {
    /// `[ensemble] members` and `seed` of the scenario (defaults [`DEFAULT_MEMBERS`] and 0),
    /// one thread, no shard.
    pub fn for_scenario(s: &Scenario) -> EnsembleSettings {
        let e = s.ensemble.as_ref();
        EnsembleSettings {
            members: e.and_then(|e| e.members).unwrap_or(DEFAULT_MEMBERS),
            seed: e.and_then(|e| e.seed).unwrap_or(0),
            threads: 1,
            shard: None,
        }
    }

    /// The member indices this run covers: shard i of n gets `[i·M/n, (i+1)·M/n)`.
    pub fn index_range(&self) -> Result<std::ops::Range<u64>, PipelineError> {
        match self.shard {
            None => Ok(0..self.members),
            Some((i, n)) if n == 0 || i >= n => Err(PipelineError::Unsupported(format!(
                "--shard {i}/{n}: needs 0 ≤ i < n (shards are numbered from 0)"
            ))),
            Some((i, n)) => {
                let m = u128::from(self.members);
                let lo = (m * u128::from(i) / u128::from(n)) as u64;
                let hi = (m * u128::from(i + 1) / u128::from(n)) as u64;
                Ok(lo..hi)
            }
        }
    }
}

/// What one member produced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MemberOutcome {
    pub peak_stage_m: f64,
    pub min_freeboard_m: f64,
    pub min_beach_length_m: f64,
    pub overtopped: bool,
    /// Structures plus overtopping, m³/s.
    pub peak_outflow_m3s: f64,
    /// The `[dambreak]` trigger fired (None: no probabilistic trigger).
    pub dambreak_trigger: Option<bool>,
}

/// One member: what it drew and what it produced (or why it failed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub index: u64,
    /// Exceedance probability of the depth draw; 1/it is the storm's return period.
    pub exceedance: f64,
    /// Sampled depth, mm (the 24 h depth for an atlas P-III; otherwise the storm's depth).
    pub depth_mm: f64,
    /// Rain of the member's hyetograph, mm (None when the member failed before it).
    pub storm_total_mm: Option<f64>,
    pub duration_h: f64,
    pub pattern: PatternKind,
    pub peak_position: Option<f64>,
    pub amc: Option<AmcClass>,
    pub initial_level_m: f64,
    /// Condition factor per `MemberTable::blocked_structures`.
    pub conditions: Vec<f64>,
    pub outcome: Option<MemberOutcome>,
    pub error: Option<String>,
}

/// Every member of a run (or shard), in index order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberTable {
    /// Ids of the structures whose condition factors `MemberRow::conditions` lists.
    pub blocked_structures: Vec<String>,
    pub rows: Vec<MemberRow>,
}

impl MemberTable {
    /// CSV text: one line per member, the sampled inputs then the outputs.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "index,exceedance,return_period_years,depth_mm,storm_total_mm,duration_h,pattern,\
             peak_position,amc,initial_level_m",
        );
        for id in &self.blocked_structures {
            out.push_str(&format!(",condition_{}", id.replace([',', '"', '\n'], "_")));
        }
        out.push_str(
            ",peak_stage_m,min_freeboard_m,min_beach_length_m,overtopped,peak_outflow_m3s,\
             dambreak_trigger,error\n",
        );
        let opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
        for r in &self.rows {
            let pattern = match r.pattern {
                PatternKind::Chicago => "chicago",
                PatternKind::ScsTypeIi => "scs_type_ii",
                PatternKind::Uniform => "uniform",
                PatternKind::Table => "table",
            };
            let amc = match r.amc {
                None => "",
                Some(AmcClass::I) => "I",
                Some(AmcClass::II) => "II",
                Some(AmcClass::III) => "III",
            };
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}",
                r.index,
                r.exceedance,
                1.0 / r.exceedance,
                r.depth_mm,
                opt(r.storm_total_mm),
                r.duration_h,
                pattern,
                opt(r.peak_position),
                amc,
                r.initial_level_m
            ));
            for c in &r.conditions {
                out.push_str(&format!(",{c}"));
            }
            match &r.outcome {
                Some(o) => out.push_str(&format!(
                    ",{},{},{},{},{},{}",
                    o.peak_stage_m,
                    o.min_freeboard_m,
                    o.min_beach_length_m,
                    o.overtopped,
                    o.peak_outflow_m3s,
                    o.dambreak_trigger.map_or(String::new(), |b| b.to_string())
                )),
                None => out.push_str(",,,,,,"),
            }
            let err = r.error.as_deref().unwrap_or("").replace('"', "'");
            if err.is_empty() {
                out.push_str(",\n");
            } else {
                out.push_str(&format!(",\"{err}\"\n"));
            }
        }
        out
    }
}

/// An ensemble's summary and its members.
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleRun {
    pub summary: EnsembleSummary,
    pub members: MemberTable,
}

/// What the statistics need besides the member table (fixed per scenario).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleContext {
    pub min_freeboard_required_m: f64,
    pub min_beach_required_m: Option<f64>,
    /// Words on the dam-break trigger (None without `[dambreak]`).
    pub dambreak_trigger: Option<String>,
    /// Whether the trigger is probabilistic (members record whether it fired).
    pub dambreak_probabilistic: bool,
    pub inputs: Vec<tailtwin_core::assessment::SampledInput>,
}

/// Stage grids of the routed structures, shared by every member (see [`OutletGrids::new`]).
struct OutletGrids {
    grids: Vec<RatingGrid>,
    /// Per `[ensemble] blockage` entry: the routed structure whose flow its factor scales, or
    /// `None` when the blocked structure is another's outlet conduit (its condition acts inside
    /// the series, not on the total: such a member is routed on the exact structures).
    blockage_target: Vec<Option<usize>>,
}

/// How far the stage grids reach below the lowest start level and above the crest, m. Beyond
/// them the structures are evaluated exactly (correct, only slower).
const GRID_MARGIN_BELOW_M: f64 = 2.0;
const GRID_MARGIN_ABOVE_M: f64 = 3.0;
/// Most cells of one grid (1 km of stage at 1 mm); a taller range is routed on the formulas.
const MAX_GRID_CELLS: f64 = 1e6;

impl OutletGrids {
    /// Grids at [`DEFAULT_GRID_SPACING_M`] from [`GRID_MARGIN_BELOW_M`] under the lowest start
    /// level (not below the pond's bottom) to [`GRID_MARGIN_ABOVE_M`] over the crest; `None`
    /// when a structure changes in time (a schedule, a breach), which has no stage grid, or the
    /// range needs more than [`MAX_GRID_CELLS`].
    fn new(
        base: &Scenario,
        model: &Model,
        sampler: &Sampler,
        crest_m: f64,
    ) -> Result<Option<OutletGrids>, PipelineError> {
        if model.structures.iter().any(|s| s.steady_from_s() != Some(0.0)) {
            return Ok(None);
        }
        let bottom = model.pond.storage().bottom().m();
        let lo = Elevation((sampler.start_level_range_m().0 - GRID_MARGIN_BELOW_M).max(bottom));
        let hi = Elevation(crest_m + GRID_MARGIN_ABOVE_M);
        let cells = (hi.m() - lo.m()) / DEFAULT_GRID_SPACING_M;
        if cells.is_nan() || cells > MAX_GRID_CELLS {
            return Ok(None);
        }
        let grids = model
            .structures
            .iter()
            .map(|s| RatingGrid::new(s, lo, hi, DEFAULT_GRID_SPACING_M))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| PipelineError::Unsupported(format!("ensemble: stage grid: {e}")))?;
        let routed: Vec<usize> = tailtwin_scenario::build::routed_indices(base).collect();
        let blockage_target =
            sampler.blocked_structures().map(|i| routed.iter().position(|&r| r == i)).collect();
        Ok(Some(OutletGrids { grids, blockage_target }))
    }

    /// Each routed structure's flow factor for draw `d`, or `None` when a drawn blockage acts
    /// inside a series (see `blockage_target`).
    fn scales(&self, d: &Draw) -> Option<Vec<f64>> {
        let mut scales = vec![1.0; self.grids.len()];
        for (target, &c) in self.blockage_target.iter().zip(&d.conditions) {
            match target {
                Some(k) => scales[*k] *= c,
                None if c < 1.0 => return None,
                None => {}
            }
        }
        Some(scales)
    }

    /// Largest |grid − formula| of any structure at the grid's cell midpoints, m³/s.
    fn max_error_m3s(&self) -> f64 {
        self.grids.iter().map(RatingGrid::max_error_m3s).fold(0.0, f64::max)
    }
}

/// The scenario's ensemble, prepared once: sampler, base model, limits, trigger.
pub struct Prepared {
    sampler: Sampler,
    /// The scenario without the parts no member needs (sections, DEM, source text).
    base: Scenario,
    model: Model,
    /// The structures' stage grids (None: routed on the formulas).
    grids: Option<OutletGrids>,
    /// `[pond] rain_on_pond` (no draw changes it; read once, not per member).
    rain_on_pond: bool,
    trigger: Option<BreachTrigger>,
    pub context: EnsembleContext,
}

impl Prepared {
    /// Resolves the ensemble against the scenario and checks that the storms it can draw build.
    pub fn new(s: &Scenario) -> Result<Prepared, PipelineError> {
        let sampler = Sampler::new(s)?;
        let mut base = s.clone();
        base.sections = Vec::new();
        base.seepage = None;
        base.stability = None;
        base.dambreak = None;
        base.source_toml = String::new();
        let model = Model::new(&base)?;
        let (min_fb, min_beach) = minima(s)?;
        let pond = tailtwin_scenario::build::pond_spec(s)?;
        let (trigger, words, probabilistic) = match s.dambreak.as_ref().map(|d| d.trigger) {
            None => (None, None, false),
            Some(TriggerSpec::Overtopping { depth_m, duration_s }) => (
                Some(BreachTrigger::Overtopping { crest: pond.crest, depth_m, duration_s }),
                Some(format!(
                    "overtopping: {depth_m} m above the crest for {} h",
                    duration_s / 3600.0
                )),
                true,
            ),
            Some(TriggerSpec::PipingAtLevel { level_m }) => (
                Some(BreachTrigger::PipingAtLevel { level: Elevation(level_m) }),
                Some(format!("piping when the pond reaches {level_m} m")),
                true,
            ),
            Some(TriggerSpec::PipingAtTime { time_s }) => (
                None,
                Some(format!(
                    "piping at a given time ({} h): not a consequence of the flood, so no \
                     annual probability is estimated",
                    time_s / 3600.0
                )),
                false,
            ),
            Some(TriggerSpec::Forced { time_s }) => (
                None,
                Some(format!(
                    "forced breach at {} h (a drill): not a consequence of the flood, so no \
                     annual probability is estimated",
                    time_s / 3600.0
                )),
                false,
            ),
        };
        let inputs = sampler.describe(s);
        let rain_on_pond = tailtwin_scenario::build::pond_spec(&base)?.rain_on_pond;
        let grids = OutletGrids::new(&base, &model, &sampler, pond.crest.m())?;
        let prepared = Prepared {
            sampler,
            base,
            model,
            grids,
            rain_on_pond,
            trigger,
            context: EnsembleContext {
                min_freeboard_required_m: min_fb,
                min_beach_required_m: min_beach,
                dambreak_trigger: words,
                dambreak_probabilistic: probabilistic,
                inputs,
            },
        };
        prepared.preflight()?;
        Ok(prepared)
    }

    /// The same ensemble routed on the structures' formulas instead of their stage grids (for
    /// verifying the grids; about 1.2× slower on the demo).
    pub fn with_exact_outlets(mut self) -> Prepared {
        self.grids = None;
        self
    }

    /// Largest difference between a structure's stage grid and its formula at the grid's cell
    /// midpoints, m³/s (None: the members are routed on the formulas).
    pub fn outlet_grid_error_m3s(&self) -> Option<f64> {
        self.grids.as_ref().map(OutletGrids::max_error_m3s)
    }

    /// Builds the storm of every (duration, pattern) the ensemble can draw at a 10-year depth,
    /// so that a duration the depth curve cannot give is a scenario error, not 100 % failed
    /// members.
    fn preflight(&self) -> Result<(), PipelineError> {
        let d = self.sampler.draw(0, 0);
        let q = 0.1;
        for (dur, pat) in self.sampler.choices() {
            let draw = Draw {
                exceedance: q,
                depth_mm: depth_at_exceedance(self.sampler.depth(), q),
                duration_s: dur,
                pattern: pat,
                ..d.clone()
            };
            let m = self.sampler.apply(&self.base, &draw);
            crate::forcing::forcing(&m).map_err(|e| {
                PipelineError::Unsupported(format!(
                    "ensemble: the {} h storm cannot be built: {e}",
                    dur / 3600.0
                ))
            })?;
        }
        Ok(())
    }

    /// Runs member `index`.
    pub fn member(&self, seed: u64, index: u64) -> MemberRow {
        let d = self.sampler.draw(seed, index);
        let mut row = MemberRow {
            index,
            exceedance: d.exceedance,
            depth_mm: d.depth_mm,
            storm_total_mm: None,
            duration_h: d.duration_s / 3600.0,
            pattern: d.pattern_kind,
            peak_position: d.peak_position,
            amc: d.amc,
            initial_level_m: d.initial_level_m,
            conditions: d.conditions.clone(),
            outcome: None,
            error: None,
        };
        match self.run_member(&d, &mut row.storm_total_mm) {
            Ok(o) => row.outcome = Some(o),
            Err(e) => row.error = Some(e.to_string()),
        }
        row
    }

    fn run_member(
        &self,
        d: &Draw,
        storm_total: &mut Option<f64>,
    ) -> Result<MemberOutcome, PipelineError> {
        let s = self.sampler.apply(&self.base, d);
        // Borrow the prepared pond unless this member draws its own start level.
        let drawn_pond;
        let pond = if self.sampler.varies_level() {
            drawn_pond = tailtwin_scenario::build::pond(&s)?;
            &drawn_pond
        } else {
            &self.model.pond
        };
        // The shared stage grids, scaled by the member's blockages; else the formulas (rebuilt
        // when this member blocks a structure).
        let scales = self.grids.as_ref().and_then(|g| g.scales(d).map(|sc| (g, sc)));
        let (rebuilt, tabulated);
        let outlets: Vec<&dyn Outlet> = if let Some((g, scales)) = scales {
            tabulated = self
                .model
                .structures
                .iter()
                .zip(&g.grids)
                .zip(scales)
                .map(|((s, grid), scale)| Tabulated::new(s, grid, scale))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| PipelineError::Unsupported(format!("ensemble: {e}")))?;
            tabulated.iter().map(|x| x as &dyn Outlet).collect()
        } else {
            let structures: &[Structure] = if d.conditions.iter().any(|&c| c < 1.0) {
                rebuilt = tailtwin_scenario::build::structures(&s)?;
                &rebuilt
            } else {
                &self.model.structures
            };
            structures.iter().map(|x| x as &dyn Outlet).collect()
        };
        let forcing = crate::forcing::forcing(&s)?;
        *storm_total = forcing.hyetograph.as_ref().map(|h| h.total_mm());
        let dry;
        let rain_on_pond = match (&forcing.hyetograph, self.rain_on_pond) {
            (Some(h), true) => h,
            _ => {
                dry = tailtwin_core::Hyetograph::dry();
                &dry
            }
        };
        let (mut settings, _) = crate::routing_settings(&s, &forcing)?;
        let end = settings.end_time_s.expect("routing_settings sets the end");
        let fine_interval = settings.report_interval_s;
        settings.report_interval_s = end;
        let routed = route(pond, &outlets, &forcing.inflow, rain_on_pond, &settings)?;
        let fired = match &self.trigger {
            None => None,
            Some(BreachTrigger::PipingAtLevel { level }) => Some(routed.peak_stage_m >= level.m()),
            Some(t @ BreachTrigger::Overtopping { crest, depth_m, .. }) => {
                if routed.peak_stage_m < crest.m() + depth_m {
                    Some(false)
                } else {
                    settings.report_interval_s = fine_interval;
                    let fine = route(pond, &outlets, &forcing.inflow, rain_on_pond, &settings)?;
                    Some(fired(t, &fine)?)
                }
            }
            Some(_) => None,
        };
        Ok(MemberOutcome {
            peak_stage_m: routed.peak_stage_m,
            min_freeboard_m: routed.min_freeboard_m,
            min_beach_length_m: routed.min_beach_length_m,
            overtopped: routed.overtopped,
            peak_outflow_m3s: routed.peak_outflow_m3s,
            dambreak_trigger: fired,
        })
    }
}

fn fired(t: &BreachTrigger, routed: &RoutedPond) -> Result<bool, PipelineError> {
    resolve_trigger_on_route(t, routed)
        .map(|x| x.is_some())
        .map_err(|e| PipelineError::Unsupported(format!("dambreak.trigger: {e}")))
}

/// The freeboard and beach-length minima of the pond's grade and dam type (risk crate).
fn minima(s: &Scenario) -> Result<(f64, Option<f64>), PipelineError> {
    let limits =
        tailtwin_risk::LimitSet::new(crate::assess::edition(s)?, crate::assess::overrides(s))?;
    let facts = crate::assess::pond_facts(s, None)?;
    let req = tailtwin_risk::design_flood_requirement(&facts, &limits)?;
    let class = req.grade.dam_class();
    let fb = limits.min_freeboard(class, facts.dam_type)?.value;
    let beach = if facts.water_retaining.is_some() {
        None
    } else {
        Some(limits.min_beach_length(class, facts.dam_type)?.value)
    };
    Ok((fb, beach))
}

/// Runs the members `settings` covers on `settings.threads` workers, in index order.
pub fn run_members(
    prepared: &Prepared,
    settings: &EnsembleSettings,
) -> Result<MemberTable, PipelineError> {
    let range = settings.index_range()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| PipelineError::Unsupported(format!("thread pool: {e}")))?;
    let rows: Vec<MemberRow> =
        pool.install(|| range.into_par_iter().map(|i| prepared.member(settings.seed, i)).collect());
    Ok(MemberTable { blocked_structures: prepared.sampler.blocked_ids(), rows })
}

/// The ensemble of `s`: members from `settings` (a shard runs its block only and summarises it).
pub fn run_ensemble(
    s: &Scenario,
    settings: &EnsembleSettings,
) -> Result<EnsembleRun, PipelineError> {
    if settings.members == 0 {
        return Err(PipelineError::Unsupported("ensemble: members must be at least 1".into()));
    }
    if settings.threads == 0 {
        return Err(PipelineError::Unsupported("ensemble: threads must be at least 1".into()));
    }
    let start = Instant::now();
    let prepared = Prepared::new(s)?;
    let members = run_members(&prepared, settings)?;
    let elapsed = start.elapsed().as_secs_f64();
    let summary = summarise(&members, &prepared.context, settings, 1, elapsed)?;
    Ok(EnsembleRun { summary, members })
}
