//! The simulation: state, settings, boundaries, inflow lines, and the time step.
//!
//! One step (forward Euler, or Heun's SSP-RK2 for second order) updates the grid by blocks of
//! rows in parallel (the kernel is in `step.rs`): each block computes the fluxes through its
//! own cells' faces from the source state and writes only its own rows of the destination, so
//! blocks never race and every cell's update is the same arithmetic whatever the thread count.
//! Reductions (the CFL maximum, volumes, boundary outflow) are per-block values combined in
//! block order.

use crate::error::{InundationError, in_range, positive};
use crate::kernel::{DRY_DEPTH, Limiter};
use crate::products::{CellProducts, PointRecord, update_products};
use crate::rheology::Rheology;
use crate::step::{BLOCK_ROWS, BlockReport, Buffers, Ctx, cfl_rate, combine, update_block};
use crate::terrain::{GridGeometry, Roughness, Terrain};
use rayon::prelude::*;
use tailtwin_core::{G, Hydrograph};

/// Spatial order of the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Piecewise-constant states, forward Euler.
    First,
    /// MUSCL reconstruction (limited), Heun (SSP-RK2) in time.
    #[default]
    Second,
}

/// What a side of the raster does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Boundary {
    /// Reflective: no flow through it.
    #[default]
    Wall,
    /// Transmissive (zero-gradient ghost): water leaves freely; counted as outflow.
    Open,
}

/// Boundary kind of each side of the raster. Faces toward inactive (nodata) cells are walls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Boundaries {
    pub west: Boundary,
    pub east: Boundary,
    pub south: Boundary,
    pub north: Boundary,
}

impl Boundaries {
    /// The same kind on all four sides.
    pub fn all(b: Boundary) -> Self {
        Boundaries { west: b, east: b, south: b, north: b }
    }
}

/// Solver settings (defaults in parentheses).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverSettings {
    /// Spatial/temporal order (default second).
    pub order: Order,
    /// MUSCL limiter (default monotonized central).
    pub limiter: Limiter,
    /// Courant number in `Δt = C / max((|u|+c)/Δx + (|v|+c)/Δy)` (default 0.45).
    pub cfl: f64,
    /// Gravity, m/s² (default 9.81).
    pub gravity: f64,
    /// Depth that counts as flooded for arrival time and duration, m (default 0.1).
    pub arrival_threshold_m: f64,
    /// Depth below which speeds are not recorded in the maps (thin films), m (default 0.01).
    pub velocity_depth_m: f64,
    /// Flowing material (default water).
    pub rheology: Rheology,
    /// Smallest admissible step before the run is abandoned, s (default 1e-6).
    pub min_step_s: f64,
    /// Largest step (for a still grid with only a small inflow), s (default 60).
    pub max_step_s: f64,
}

impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings {
            order: Order::Second,
            limiter: Limiter::MonotonizedCentral,
            cfl: 0.45,
            gravity: G,
            arrival_threshold_m: 0.1,
            velocity_depth_m: 0.01,
            rheology: Rheology::Water,
            min_step_s: 1e-6,
            max_step_s: 60.0,
        }
    }
}

impl SolverSettings {
    fn validate(self) -> Result<Self, InundationError> {
        in_range("cfl", self.cfl, 1e-3, 0.5)?;
        in_range("gravity", self.gravity, 0.1, 100.0)?;
        positive("arrival threshold", self.arrival_threshold_m)?;
        positive("velocity depth", self.velocity_depth_m)?;
        positive("min step", self.min_step_s)?;
        positive("max step", self.max_step_s)?;
        self.rheology.validate()?;
        Ok(self)
    }
}

/// A breach (or any) hydrograph entering along a line of cells in a direction.
///
/// The flow is shared equally among the cells; each receives mass `Q Δt / (N A)` and the
/// momentum of that mass moving at the critical velocity of the line's unit discharge,
/// `u_c = (g q)^{1/3}`, `q = Q/W` (a breach discharges at critical depth), along `direction`.
#[derive(Debug, Clone, PartialEq)]
pub struct InflowLine {
    pub name: String,
    pub cells: Vec<usize>,
    /// Unit vector of the release direction.
    pub direction: [f64; 2],
    /// Width of the line, m (cells × the cell size across the direction).
    pub width_m: f64,
    pub hydrograph: Hydrograph,
}

impl InflowLine {
    /// The active cells whose centres lie within half a cell of the segment `a`–`b`; an error
    /// when an end is outside the active DEM or the direction is not a finite non-zero vector.
    pub fn along_segment(
        terrain: &Terrain,
        name: &str,
        a: (f64, f64),
        b: (f64, f64),
        direction: (f64, f64),
        hydrograph: Hydrograph,
    ) -> Result<Self, InundationError> {
        terrain.active_cell_at(a.0, a.1, &format!("inflow line {name} start"))?;
        terrain.active_cell_at(b.0, b.1, &format!("inflow line {name} end"))?;
        let norm = direction.0.hypot(direction.1);
        positive("inflow direction length", norm)?;
        let g = terrain.geometry;
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        let samples = (4.0 * len / g.dx.min(g.dy)).ceil() as usize + 1;
        let mut cells = Vec::new();
        for s in 0..samples {
            let f = if samples == 1 { 0.0 } else { s as f64 / (samples - 1) as f64 };
            let (x, y) = (a.0 + f * (b.0 - a.0), a.1 + f * (b.1 - a.1));
            if let Some((i, j)) = g.cell_at(x, y) {
                let k = g.index(i, j);
                if terrain.active[k] {
                    cells.push(k);
                }
            }
        }
        cells.sort_unstable();
        cells.dedup();
        if cells.is_empty() {
            return Err(InundationError::EmptyInflow { name: name.to_string() });
        }
        let (ux, uy) = (direction.0 / norm, direction.1 / norm);
        // Width across the flow: the cells' extent projected normal to the direction.
        let width_m = cells.len() as f64 * (g.dx * uy.abs() + g.dy * ux.abs()).max(g.dx.min(g.dy));
        Ok(InflowLine { name: name.to_string(), cells, direction: [ux, uy], width_m, hydrograph })
    }
}

/// Volume accounting of a run, m³.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VolumeLedger {
    pub initial_m3: f64,
    pub inflow_m3: f64,
    pub outflow_m3: f64,
    /// Negative depths set to zero (round-off; reported, never hidden).
    pub clipped_m3: f64,
}

/// A 2D shallow-water simulation on a terrain.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub(crate) geo: GridGeometry,
    pub(crate) bed: Vec<f64>,
    pub(crate) active: Vec<bool>,
    manning: Vec<f32>,
    /// `(h, q_x, q_y)` per cell.
    pub(crate) state: Vec<[f64; 3]>,
    scratch: Vec<[f64; 3]>,
    pub(crate) maps: Vec<CellProducts>,
    pub(crate) settings: SolverSettings,
    boundaries: Boundaries,
    pub(crate) inflows: Vec<InflowLine>,
    /// `(cell, line)` sorted by cell.
    inflow_cells: Vec<(usize, usize)>,
    pub(crate) points: Vec<PointRecord>,
    pub(crate) time_s: f64,
    pub(crate) steps: usize,
    pub(crate) min_dt: f64,
    pub(crate) max_dt: f64,
    pub(crate) ledger: VolumeLedger,
    /// CFL rate of the current state, computed by the last step's update (None: recompute).
    next_rate: Option<f64>,
}

impl Simulation {
    /// A dry simulation on `terrain` with `roughness` and `settings`, walls all round.
    pub fn new(
        terrain: &Terrain,
        roughness: &Roughness,
        settings: SolverSettings,
    ) -> Result<Self, InundationError> {
        let settings = settings.validate()?;
        let manning = roughness.resolve(terrain)?;
        let n = terrain.geometry.cells();
        Ok(Simulation {
            geo: terrain.geometry,
            bed: terrain.bed.clone(),
            active: terrain.active.clone(),
            manning,
            state: vec![[0.0; 3]; n],
            scratch: vec![[0.0; 3]; n],
            maps: vec![CellProducts::default(); n],
            settings,
            boundaries: Boundaries::default(),
            inflows: Vec::new(),
            inflow_cells: Vec::new(),
            points: Vec::new(),
            time_s: 0.0,
            steps: 0,
            min_dt: f64::INFINITY,
            max_dt: 0.0,
            ledger: VolumeLedger::default(),
            next_rate: None,
        })
    }

    /// Set the boundary kinds.
    pub fn with_boundaries(mut self, b: Boundaries) -> Self {
        self.boundaries = b;
        self
    }

    /// Set the initial state from `(h, q_x, q_y) = f(x, y, bed)` on active cells; depths must
    /// be finite and ≥ 0. Resets the clock, the products and the ledger.
    pub fn set_initial(
        &mut self,
        f: impl Fn(f64, f64, f64) -> (f64, f64, f64),
    ) -> Result<(), InundationError> {
        for j in 0..self.geo.ny {
            for i in 0..self.geo.nx {
                let k = self.geo.index(i, j);
                if !self.active[k] {
                    self.state[k] = [0.0; 3];
                    continue;
                }
                let (x, y) = self.geo.centre(i, j);
                let (h, qx, qy) = f(x, y, self.bed[k]);
                if !(h >= 0.0 && h.is_finite() && qx.is_finite() && qy.is_finite()) {
                    return Err(InundationError::InitialState {
                        message: format!("cell ({i}, {j}): h = {h}, q = ({qx}, {qy})"),
                    });
                }
                self.state[k] = if h > DRY_DEPTH { [h, qx, qy] } else { [h, 0.0, 0.0] };
            }
        }
        self.time_s = 0.0;
        self.steps = 0;
        self.next_rate = None;
        self.maps.iter_mut().for_each(|m| *m = CellProducts::default());
        self.ledger = VolumeLedger { initial_m3: self.storage_m3(), ..VolumeLedger::default() };
        update_products(self, 0.0, 0.0)?;
        Ok(())
    }

    /// Add an inflow line.
    pub fn add_inflow(&mut self, line: InflowLine) -> Result<(), InundationError> {
        for &k in &line.cells {
            if k >= self.geo.cells() || !self.active[k] {
                return Err(InundationError::EmptyInflow { name: line.name.clone() });
            }
        }
        let id = self.inflows.len();
        self.inflow_cells.extend(line.cells.iter().map(|&k| (k, id)));
        self.inflow_cells.sort_unstable();
        self.inflows.push(line);
        Ok(())
    }

    pub fn geometry(&self) -> &GridGeometry {
        &self.geo
    }
    pub fn settings(&self) -> &SolverSettings {
        &self.settings
    }
    pub fn time_s(&self) -> f64 {
        self.time_s
    }
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// `(h, q_x, q_y)` of cell `index`.
    pub fn cell_state(&self, index: usize) -> [f64; 3] {
        self.state[index]
    }
    /// Depths of all cells, m.
    pub fn depths(&self) -> Vec<f64> {
        self.state.iter().map(|s| s[0]).collect()
    }
    /// Bed elevation of all cells, m.
    pub fn bed(&self) -> &[f64] {
        &self.bed
    }
    pub fn ledger(&self) -> VolumeLedger {
        self.ledger
    }

    /// Water stored on the grid, m³ (row sums added in row order: deterministic).
    pub fn storage_m3(&self) -> f64 {
        let area = self.geo.cell_area();
        let rows: Vec<f64> = self
            .state
            .par_chunks(self.geo.nx)
            .map(|row| row.iter().map(|s| s[0]).sum::<f64>())
            .collect();
        rows.iter().sum::<f64>() * area
    }

    /// Heap bytes held per cell by the solver (state, scratch, bed, mask, n, products).
    pub fn bytes_per_cell(&self) -> f64 {
        let bytes = self.state.capacity() * size_of::<[f64; 3]>()
            + self.scratch.capacity() * size_of::<[f64; 3]>()
            + self.bed.capacity() * size_of::<f64>()
            + self.active.capacity() * size_of::<bool>()
            + self.manning.capacity() * size_of::<f32>()
            + self.maps.capacity() * size_of::<CellProducts>();
        bytes as f64 / self.geo.cells() as f64
    }

    /// The CFL step for the current state, capped at `max_step_s`.
    pub fn stable_step(&self) -> f64 {
        let g = self.settings.gravity;
        let (dx, dy) = (self.geo.dx, self.geo.dy);
        let rate = match self.next_rate {
            Some(r) => r,
            None => self
                .state
                .par_chunks(self.geo.nx)
                .map(|row| row.iter().fold(0.0_f64, |m, &s| m.max(cfl_rate(s, g, dx, dy))))
                .reduce(|| 0.0, f64::max),
        };
        // An inflow line can wet a dry cell within the step: bound the step by the speeds of
        // its peak flow at critical depth, u_c + c_c = 2 (g Q_max/W)^{1/3}.
        let inflow_rate = self
            .inflows
            .iter()
            .map(|l| {
                let q = l.hydrograph.peak().1.max(0.0) / l.width_m;
                2.0 * (g * q).cbrt() * (1.0 / dx + 1.0 / dy)
            })
            .fold(0.0, f64::max);
        let rate = rate.max(inflow_rate);
        if rate > 0.0 {
            (self.settings.cfl / rate).min(self.settings.max_step_s)
        } else {
            self.settings.max_step_s
        }
    }

    /// Advance one step of at most `max_dt` s (the CFL step otherwise); returns the step.
    pub fn step(&mut self, max_dt: f64) -> Result<f64, InundationError> {
        let dt = self.stable_step().min(max_dt);
        if dt.is_nan() || dt < self.settings.min_step_s {
            return Err(InundationError::StepTooSmall {
                dt_s: dt,
                time_s: self.time_s,
                floor_s: self.settings.min_step_s,
            });
        }
        let t = self.time_s;
        let area = self.geo.cell_area();
        let g = self.settings.gravity;
        let inflow: Vec<(f64, f64, [f64; 2])> = self
            .inflows
            .iter()
            .map(|l| {
                let q = l.hydrograph.volume_between_m3(t, t + dt) / dt;
                let speed = (g * q.max(0.0) / l.width_m).cbrt();
                (q / (l.cells.len() as f64 * area), speed, l.direction)
            })
            .collect();
        let chunk = self.geo.nx * BLOCK_ROWS;
        let mut state = std::mem::take(&mut self.state);
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut maps = std::mem::take(&mut self.maps);
        let report = {
            let first = self.settings.order == Order::First;
            let ctx = self.ctx(&state, &inflow, dt);
            let blocks: Vec<BlockReport> = if first {
                scratch
                    .par_chunks_mut(chunk)
                    .zip(maps.par_chunks_mut(chunk))
                    .enumerate()
                    .map_init(Buffers::default, |buf, (b, (rows, m))| {
                        update_block(&ctx, b * BLOCK_ROWS, rows, false, Some(m), buf)
                    })
                    .collect()
            } else {
                scratch
                    .par_chunks_mut(chunk)
                    .enumerate()
                    .map_init(Buffers::default, |buf, (b, rows)| {
                        update_block(&ctx, b * BLOCK_ROWS, rows, false, None, buf)
                    })
                    .collect()
            };
            let r1 = combine(&blocks);
            if first {
                std::mem::swap(&mut state, &mut scratch);
                r1
            } else {
                let ctx = self.ctx(&scratch, &inflow, dt);
                let blocks: Vec<BlockReport> = state
                    .par_chunks_mut(chunk)
                    .zip(maps.par_chunks_mut(chunk))
                    .enumerate()
                    .map_init(Buffers::default, |buf, (b, (rows, m))| {
                        update_block(&ctx, b * BLOCK_ROWS, rows, true, Some(m), buf)
                    })
                    .collect();
                let r2 = combine(&blocks);
                BlockReport {
                    outflow: 0.5 * (r1.outflow + r2.outflow),
                    clipped: 0.5 * (r1.clipped + r2.clipped),
                    rate: r2.rate,
                    bad: r2.bad,
                }
            }
        };
        self.state = state;
        self.scratch = scratch;
        self.maps = maps;
        self.next_rate = Some(report.rate);
        let (out, clip) = (report.outflow, report.clipped);
        self.ledger.outflow_m3 += out * dt;
        self.ledger.clipped_m3 += clip;
        self.ledger.inflow_m3 +=
            self.inflows.iter().map(|l| l.hydrograph.volume_between_m3(t, t + dt)).sum::<f64>();
        self.time_s = t + dt;
        self.steps += 1;
        self.min_dt = self.min_dt.min(dt);
        self.max_dt = self.max_dt.max(dt);
        if let Some(index) = report.bad {
            return Err(InundationError::NonFinite { time_s: self.time_s, index });
        }
        Ok(dt)
    }

    /// March to `t_end`, landing exactly on it, sampling the observation points every
    /// `sample_interval_s` (and at `t_end`).
    pub fn run_until(&mut self, t_end: f64, sample_interval_s: f64) -> Result<(), InundationError> {
        positive("sample interval", sample_interval_s)?;
        let eps = 1e-9 * t_end.abs().max(1.0);
        let mut next_sample = (self.time_s / sample_interval_s).floor() * sample_interval_s;
        while next_sample <= self.time_s + eps {
            next_sample += sample_interval_s;
        }
        while self.time_s < t_end - eps {
            let target = next_sample.min(t_end);
            self.step(target - self.time_s)?;
            if self.time_s >= target - eps {
                self.time_s = self.time_s.max(target);
                crate::products::sample_points(self);
                if target >= next_sample - eps {
                    next_sample += sample_interval_s;
                }
            }
        }
        Ok(())
    }

    fn ctx<'a>(
        &'a self,
        src: &'a [[f64; 3]],
        inflow: &'a [(f64, f64, [f64; 2])],
        dt: f64,
    ) -> Ctx<'a> {
        Ctx {
            geo: self.geo,
            bed: &self.bed,
            active: &self.active,
            manning: &self.manning,
            src,
            s: &self.settings,
            b: self.boundaries,
            inflow_cells: &self.inflow_cells,
            inflow,
            dt,
            yield_accel: self.settings.rheology.yield_over_density(),
            t_new: self.time_s + dt,
        }
    }
}

/// Run `f` on a dedicated rayon pool of `threads` threads (the CLI's `--threads`, the
/// determinism tests). Errors when the pool cannot be built.
pub fn with_threads<R: Send>(
    threads: usize,
    f: impl FnOnce() -> R + Send,
) -> Result<R, InundationError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| InundationError::InitialState { message: format!("thread pool: {e}") })?;
    Ok(pool.install(f))
}
