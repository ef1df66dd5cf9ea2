//! The simulation: state, settings, boundaries, inflow lines, and the time step.
//!
//! One step (forward Euler, or Heun's SSP-RK2 for second order) updates the grid row by row in
//! parallel: each row computes the fluxes through its own cells' faces from the source state
//! and writes only its own row of the destination, so rows never race and every cell's update
//! is the same arithmetic whatever the thread count. Reductions (the CFL maximum, volumes,
//! boundary outflow) are per-row values combined in row order.

use crate::error::{InundationError, in_range, positive};
use crate::kernel::{DRY_DEPTH, FaceFlux, Limiter, Prim, Recon, face_flux, reconstruct};
use crate::products::{CellProducts, PointRecord, fold_cell, update_products};
use crate::rheology::Rheology;
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

/// Everything a row update reads.
struct Ctx<'a> {
    geo: GridGeometry,
    bed: &'a [f64],
    active: &'a [bool],
    manning: &'a [f32],
    src: &'a [[f64; 3]],
    s: &'a SolverSettings,
    b: Boundaries,
    inflow_cells: &'a [(usize, usize)],
    /// Per line: (flow m³/s per cell / cell area, critical speed, direction).
    inflow: &'a [(f64, f64, [f64; 2])],
    dt: f64,
    /// `τ_y/ρ` of the rheology (0 for water).
    yield_accel: f64,
    /// Time at the end of the step (for the maps).
    t_new: f64,
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

/// Block reports combined in block order (deterministic sums; max is exact).
fn combine(blocks: &[BlockReport]) -> BlockReport {
    blocks.iter().fold(BlockReport::default(), |acc, b| BlockReport {
        outflow: acc.outflow + b.outflow,
        clipped: acc.clipped + b.clipped,
        rate: acc.rate.max(b.rate),
        bad: acc.bad.or(b.bad),
    })
}

impl Ctx<'_> {
    #[inline]
    fn prim(&self, k: usize, y_dir: bool) -> Prim {
        let s = self.src[k];
        if y_dir {
            Prim::from_conserved(s[0], s[2], s[1], self.bed[k])
        } else {
            Prim::from_conserved(s[0], s[1], s[2], self.bed[k])
        }
    }

    /// Neighbour state of `c` (active cell `k`) at offset `(di, dj)`: the cell, or a ghost
    /// (mirror for walls and inactive cells, copy for open sides).
    #[inline]
    fn neighbour(&self, i: usize, j: usize, di: isize, dj: isize, c: Prim, y_dir: bool) -> Prim {
        let (ii, jj) = (i as isize + di, j as isize + dj);
        let side = if ii < 0 {
            Some(self.b.west)
        } else if ii >= self.geo.nx as isize {
            Some(self.b.east)
        } else if jj < 0 {
            Some(self.b.south)
        } else if jj >= self.geo.ny as isize {
            Some(self.b.north)
        } else {
            None
        };
        match side {
            Some(Boundary::Open) => c,
            Some(Boundary::Wall) => c.mirrored(),
            None => {
                let k = self.geo.index(ii as usize, jj as usize);
                if self.active[k] { self.prim(k, y_dir) } else { c.mirrored() }
            }
        }
    }

    /// Reconstruction of active cell `(i, j)` in x or y.
    #[inline]
    fn recon(&self, i: usize, j: usize, y_dir: bool) -> Recon {
        let c = self.prim(self.geo.index(i, j), y_dir);
        match self.s.order {
            Order::First => Recon { minus: c, plus: c },
            Order::Second => {
                let (di, dj) = if y_dir { (0, 1) } else { (1, 0) };
                let m = self.neighbour(i, j, -di, -dj, c, y_dir);
                let p = self.neighbour(i, j, di, dj, c, y_dir);
                reconstruct(m, c, p, self.s.limiter)
            }
        }
    }

    /// Does the yield stress hold the face between cells `a` and `b` (spacing `d`) static?
    /// Both cells at rest and the surface step's driving force `g h̄ |Δη|/d` within `τ_y/ρ`.
    /// Such a face passes no mass and only each side's own hydrostatic pressure, so a
    /// deposit at rest is an exact steady state (the HLL diffusion would otherwise creep it).
    #[inline]
    fn held_by_yield(&self, a: usize, b: usize, d: f64) -> bool {
        if self.yield_accel <= 0.0 {
            return false;
        }
        let (sa, sb) = (self.src[a], self.src[b]);
        if sa[1] != 0.0 || sa[2] != 0.0 || sb[1] != 0.0 || sb[2] != 0.0 {
            return false;
        }
        let step = (sa[0] + self.bed[a] - sb[0] - self.bed[b]).abs();
        self.s.gravity * 0.5 * (sa[0] + sb[0]) * step / d <= self.yield_accel
    }
}

/// A face closed by the yield stress: no mass or momentum crosses; each side feels its own
/// hydrostatic pressure (as against a wall).
#[inline]
fn static_face(l: Prim, r: Prim, g: f64) -> FaceFlux {
    FaceFlux {
        mass: 0.0,
        normal: 0.0,
        tangential: 0.0,
        left_pressure: 0.5 * g * l.h * l.h,
        right_pressure: 0.5 * g * r.h * r.h,
        speed: 0.0,
    }
}

/// Ghost face state beyond a face of an active cell: the boundary's rule, or a wall.
#[inline]
fn ghost(face: Prim, side: Option<Boundary>) -> Prim {
    match side {
        Some(Boundary::Open) => face,
        _ => face.mirrored(),
    }
}

/// Rows per parallel task. Each task walks its rows south to north, reusing every interior
/// y face's flux for the two cells it separates; only the face below a block's first row is
/// computed by both neighbouring blocks (with identical arithmetic, so the blocking never
/// changes a result).
pub(crate) const BLOCK_ROWS: usize = 16;

/// Per-task buffers of [`update_block`].
#[derive(Default)]
pub(crate) struct Buffers {
    acc: Vec<[f64; 3]>,
    /// y reconstructions of the row below the current face row.
    below: Vec<Option<Recon>>,
    /// y reconstructions of the row above.
    above: Vec<Option<Recon>>,
    /// Flux through the faces south of the current row.
    south: Vec<Option<FaceFlux>>,
    /// Flux through the faces north of the current row.
    north: Vec<Option<FaceFlux>>,
}

/// What a block reports: open-boundary outflow (m³/s), clipped volume (m³) and the largest
/// CFL rate `(|u|+c)/Δx + (|v|+c)/Δy` of its new states.
#[derive(Debug, Clone, Copy, Default)]
struct BlockReport {
    outflow: f64,
    clipped: f64,
    rate: f64,
    /// First cell whose new state is not finite.
    bad: Option<usize>,
}

impl Ctx<'_> {
    /// y reconstructions of row `j` (`None` for inactive cells).
    fn recon_row(&self, j: usize, out: &mut Vec<Option<Recon>>) {
        out.clear();
        let row0 = j * self.geo.nx;
        out.extend((0..self.geo.nx).map(|i| self.active[row0 + i].then(|| self.recon(i, j, true))));
    }

    /// Fluxes through the y faces between rows `j − 1` (reconstructions `below`, absent when
    /// `j = 0`) and `j` (`above`, absent when `j = ny`), with boundary ghosts; adds the outflow
    /// through open south/north sides to `outflow`.
    fn y_faces(
        &self,
        j: usize,
        below: Option<&[Option<Recon>]>,
        above: Option<&[Option<Recon>]>,
        out: &mut Vec<Option<FaceFlux>>,
        outflow: &mut f64,
    ) {
        let (nx, ny) = (self.geo.nx, self.geo.ny);
        let g = self.s.gravity;
        out.clear();
        for i in 0..nx {
            let l = below.and_then(|b| b[i]);
            let r = above.and_then(|a| a[i]);
            let f = match (l, r) {
                (Some(l), Some(r)) => {
                    let (kl, kr) = ((j - 1) * nx + i, j * nx + i);
                    Some(if self.held_by_yield(kl, kr, self.geo.dy) {
                        static_face(l.plus, r.minus, g)
                    } else {
                        face_flux(l.plus, r.minus, g)
                    })
                }
                (Some(l), None) => {
                    let side = (j == ny).then_some(self.b.north);
                    let f = face_flux(l.plus, ghost(l.plus, side), g);
                    if side == Some(Boundary::Open) {
                        *outflow += f.mass * self.geo.dx;
                    }
                    Some(f)
                }
                (None, Some(r)) => {
                    let side = (j == 0).then_some(self.b.south);
                    let f = face_flux(ghost(r.minus, side), r.minus, g);
                    if side == Some(Boundary::Open) {
                        *outflow -= f.mass * self.geo.dx;
                    }
                    Some(f)
                }
                (None, None) => None,
            };
            out.push(f);
        }
    }
}

/// Update rows `j0 .. j0 + out.len()/nx` into `out` (a forward-Euler stage from `ctx.src`);
/// with `average`, `out` holds the step's start state and receives `½(out + new)` (Heun's
/// second stage).
fn update_block(
    ctx: &Ctx<'_>,
    j0: usize,
    out: &mut [[f64; 3]],
    average: bool,
    mut maps: Option<&mut [CellProducts]>,
    buf: &mut Buffers,
) -> BlockReport {
    let geo = ctx.geo;
    let (nx, ny) = (geo.nx, geo.ny);
    let mut report = BlockReport::default();
    let rows = out.len() / nx;
    // Faces south of the first row: rows j0 − 1 and j0.
    ctx.recon_row(j0, &mut buf.above);
    if j0 > 0 {
        ctx.recon_row(j0 - 1, &mut buf.below);
        ctx.y_faces(j0, Some(&buf.below), Some(&buf.above), &mut buf.south, &mut report.outflow);
    } else {
        ctx.y_faces(0, None, Some(&buf.above), &mut buf.south, &mut report.outflow);
    }
    for r in 0..rows {
        let j = j0 + r;
        // Row j's reconstructions move below; row j + 1's are computed above.
        std::mem::swap(&mut buf.below, &mut buf.above);
        if j + 1 < ny {
            ctx.recon_row(j + 1, &mut buf.above);
            ctx.y_faces(
                j + 1,
                Some(&buf.below),
                Some(&buf.above),
                &mut buf.north,
                &mut report.outflow,
            );
        } else {
            ctx.y_faces(ny, Some(&buf.below), None, &mut buf.north, &mut report.outflow);
        }
        let row_out = &mut out[r * nx..(r + 1) * nx];
        let row_maps = maps.as_deref_mut().map(|m| &mut m[r * nx..(r + 1) * nx]);
        update_row(ctx, j, row_out, average, row_maps, buf, &mut report);
        std::mem::swap(&mut buf.south, &mut buf.north);
    }
    report
}

/// Row `j`: x fluxes, the y fluxes in `buf.south`/`buf.north`, the in-cell bed terms, then the
/// new states (explicit update, inflow, implicit resistance) and their CFL rate.
fn update_row(
    ctx: &Ctx<'_>,
    j: usize,
    out: &mut [[f64; 3]],
    average: bool,
    mut maps: Option<&mut [CellProducts]>,
    buf: &mut Buffers,
    report: &mut BlockReport,
) {
    let geo = ctx.geo;
    let nx = geo.nx;
    let (dx, dy) = (geo.dx, geo.dy);
    let g = ctx.s.gravity;
    let second = ctx.s.order == Order::Second;
    let acc = &mut buf.acc;
    acc.clear();
    acc.resize(nx, [0.0; 3]);
    let row0 = j * nx;

    // x faces: face f lies between cells f−1 and f of this row.
    let mut left: Option<Recon> = None;
    for f in 0..=nx {
        let right = (f < nx && ctx.active[row0 + f]).then(|| ctx.recon(f, j, false));
        match (left, right) {
            (Some(l), Some(r)) => {
                let fl = if ctx.held_by_yield(row0 + f - 1, row0 + f, dx) {
                    static_face(l.plus, r.minus, g)
                } else {
                    face_flux(l.plus, r.minus, g)
                };
                sub(
                    &mut acc[f - 1],
                    fl.mass,
                    fl.normal + fl.left_pressure,
                    fl.tangential,
                    1.0 / dx,
                    false,
                );
                add(
                    &mut acc[f],
                    fl.mass,
                    fl.normal + fl.right_pressure,
                    fl.tangential,
                    1.0 / dx,
                    false,
                );
            }
            (Some(l), None) => {
                let side = (f == nx).then_some(ctx.b.east);
                let fl = face_flux(l.plus, ghost(l.plus, side), g);
                sub(
                    &mut acc[f - 1],
                    fl.mass,
                    fl.normal + fl.left_pressure,
                    fl.tangential,
                    1.0 / dx,
                    false,
                );
                if side == Some(Boundary::Open) {
                    report.outflow += fl.mass * dy;
                }
            }
            (None, Some(r)) => {
                let side = (f == 0).then_some(ctx.b.west);
                let fl = face_flux(ghost(r.minus, side), r.minus, g);
                add(
                    &mut acc[f],
                    fl.mass,
                    fl.normal + fl.right_pressure,
                    fl.tangential,
                    1.0 / dx,
                    false,
                );
                if side == Some(Boundary::Open) {
                    report.outflow -= fl.mass * dy;
                }
            }
            (None, None) => {}
        }
        if second && let Some(r) = right {
            // Audusse's in-cell bed-slope term for the reconstructed (sloping) states.
            acc[f][1] += 0.5 * g * (r.minus.h + r.plus.h) * (r.minus.z - r.plus.z) / dx;
        }
        left = right;
    }

    // y faces (shared with the rows below and above) and the in-cell y bed term.
    for (i, cell_acc) in acc.iter_mut().enumerate() {
        if !ctx.active[row0 + i] {
            continue;
        }
        if let Some(fl) = buf.south[i] {
            add(cell_acc, fl.mass, fl.normal + fl.right_pressure, fl.tangential, 1.0 / dy, true);
        }
        if let Some(fl) = buf.north[i] {
            sub(cell_acc, fl.mass, fl.normal + fl.left_pressure, fl.tangential, 1.0 / dy, true);
        }
        if second && let Some(c) = buf.below[i] {
            cell_acc[2] += 0.5 * g * (c.minus.h + c.plus.h) * (c.minus.z - c.plus.z) / dy;
        }
    }

    // New states: explicit update, inflow, implicit resistance.
    let area = geo.cell_area();
    let dt = ctx.dt;
    let first_inflow = ctx.inflow_cells.partition_point(|&(k, _)| k < row0);
    let mut inflow_iter = ctx.inflow_cells[first_inflow..].iter().peekable();
    for (i, a) in acc.iter().enumerate() {
        let k = row0 + i;
        if !ctx.active[k] {
            continue;
        }
        let s = ctx.src[k];
        let mut u = [s[0] + dt * a[0], s[1] + dt * a[1], s[2] + dt * a[2]];
        while let Some(&&(cell, line)) = inflow_iter.peek() {
            if cell > k {
                break;
            }
            if cell == k {
                let (rate, speed, dir) = ctx.inflow[line];
                let dh = rate * dt;
                u[0] += dh;
                u[1] += dh * speed * dir[0];
                u[2] += dh * speed * dir[1];
            }
            inflow_iter.next();
        }
        if u[0] < 0.0 {
            report.clipped -= u[0] * area;
            u[0] = 0.0;
        }
        resist(&mut u, f64::from(ctx.manning[k]), ctx.s, dt);
        let o = &mut out[i];
        if average {
            o[0] = 0.5 * (o[0] + u[0]);
            o[1] = 0.5 * (o[1] + u[1]);
            o[2] = 0.5 * (o[2] + u[2]);
            if o[0] <= DRY_DEPTH {
                o[1] = 0.0;
                o[2] = 0.0;
            }
        } else {
            *o = u;
        }
        report.rate = report.rate.max(cfl_rate(*o, g, dx, dy));
        if let Some(m) = maps.as_deref_mut()
            && !fold_cell(
                &mut m[i],
                *o,
                ctx.t_new,
                dt,
                ctx.s.arrival_threshold_m,
                ctx.s.velocity_depth_m,
            )
        {
            report.bad.get_or_insert(k);
        }
    }
}

/// `(|u|+c)/Δx + (|v|+c)/Δy` of a cell (0 when dry).
#[inline]
fn cfl_rate(s: [f64; 3], g: f64, dx: f64, dy: f64) -> f64 {
    if s[0] <= DRY_DEPTH {
        return 0.0;
    }
    let c = (g * s[0]).sqrt();
    let inv = 1.0 / s[0];
    (s[1].abs() * inv + c) / dx + (s[2].abs() * inv + c) / dy
}

/// `acc −= (m, n, t)·scale` in the face frame (`y_dir`: normal is `q_y`).
#[inline]
fn sub(acc: &mut [f64; 3], m: f64, n: f64, t: f64, scale: f64, y_dir: bool) {
    add(acc, -m, -n, -t, scale, y_dir);
}

#[inline]
fn add(acc: &mut [f64; 3], m: f64, n: f64, t: f64, scale: f64, y_dir: bool) {
    acc[0] += m * scale;
    if y_dir {
        acc[2] += n * scale;
        acc[1] += t * scale;
    } else {
        acc[1] += n * scale;
        acc[2] += t * scale;
    }
}

/// Implicit bed resistance on the momentum of a cell after the flux update: Manning
/// `g n² |q| q / h^{7/3}` and the rheology's rate term through their secant drags, the yield
/// stress as a bounded decrement `Δt τ_y/ρ` of `|q|` (the cell stops when it exceeds `|q|`).
#[inline]
fn resist(u: &mut [f64; 3], n: f64, s: &SolverSettings, dt: f64) {
    let h = u[0];
    if h <= DRY_DEPTH {
        u[1] = 0.0;
        u[2] = 0.0;
        return;
    }
    let q = (u[1] * u[1] + u[2] * u[2]).sqrt();
    if q == 0.0 {
        return;
    }
    let mut drag = 0.0;
    if n > 0.0 {
        drag += s.gravity * n * n * q / (h * h * h.cbrt());
    }
    let mut yield_decrement = 0.0;
    if s.rheology != Rheology::Water {
        let rho = s.rheology.density();
        drag += s.rheology.rate_stress_pa(h, q / h) / rho / q;
        yield_decrement = dt * s.rheology.yield_over_density();
    }
    let new_q = (q - yield_decrement).max(0.0) / (1.0 + dt * drag);
    let f = new_q / q;
    u[1] *= f;
    u[2] *= f;
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
