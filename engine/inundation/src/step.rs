//! One time step's kernel: the blocked row update (x and y face fluxes, in-cell bed terms,
//! inflow, implicit resistance, CFL rate and maps of the new state). See the crate docs for the
//! method and [`crate::solver`] for the time loop.

use crate::kernel::{DRY_DEPTH, FaceFlux, Prim, Recon, face_flux, reconstruct};
use crate::products::{CellProducts, fold_cell};
use crate::rheology::Rheology;
use crate::solver::{Boundaries, Boundary, Order, SolverSettings};
use crate::terrain::GridGeometry;

/// Everything a row update reads.
pub(crate) struct Ctx<'a> {
    pub(crate) geo: GridGeometry,
    pub(crate) bed: &'a [f64],
    pub(crate) active: &'a [bool],
    pub(crate) manning: &'a [f32],
    pub(crate) src: &'a [[f64; 3]],
    pub(crate) s: &'a SolverSettings,
    pub(crate) b: Boundaries,
    pub(crate) inflow_cells: &'a [(usize, usize)],
    /// Per line: (flow m³/s per cell / cell area, critical speed, direction).
    pub(crate) inflow: &'a [(f64, f64, [f64; 2])],
    pub(crate) dt: f64,
    /// `τ_y/ρ` of the rheology (0 for water).
    pub(crate) yield_accel: f64,
    /// Time at the end of the step (for the maps).
    pub(crate) t_new: f64,
}

/// Block reports combined in block order (deterministic sums; max is exact).
pub(crate) fn combine(blocks: &[BlockReport]) -> BlockReport {
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
pub(crate) struct BlockReport {
    pub(crate) outflow: f64,
    pub(crate) clipped: f64,
    pub(crate) rate: f64,
    /// First cell whose new state is not finite.
    pub(crate) bad: Option<usize>,
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
pub(crate) fn update_block(
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
pub(crate) fn cfl_rate(s: [f64; 3], g: f64, dx: f64, dy: f64) -> f64 {
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
