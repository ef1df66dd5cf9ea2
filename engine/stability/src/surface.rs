//! Slip surfaces and their division into vertical slices.
//!
//! The slice equations are written in an *analysis frame* ξ = s·x with s = ±1 chosen so the mass
//! moves towards +ξ (downslope). Slices are stored in ξ order (crest to toe); base inclination
//! α = atan(−dy/dξ) is positive where the base descends in the direction of motion.

use crate::error::StabilityError;
use crate::problem::{SlopeProblem, polyline_y};
use serde::Serialize;
use tailtwin_core::Point2;

pub use tailtwin_core::SlipSurface;

/// One slice, in the analysis frame. Forces per metre run (N/m), stresses in Pa.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Slice {
    /// Abscissa of the slice's centre line in section coordinates, m.
    pub x_mid: f64,
    /// Width b, m.
    pub width: f64,
    /// sin α and cos α of the base inclination α, positive where the base descends downslope
    /// (see [`Slice::alpha`]).
    pub sin_alpha: f64,
    pub cos_alpha: f64,
    /// Base length l = b / cos α, m.
    pub base_length: f64,
    /// Elevation of the base midpoint and of the ground at the centre line, m.
    pub y_base: f64,
    pub y_top: f64,
    /// Self-weight W (static), N/m.
    pub weight: f64,
    /// Vertical load used in the equations: W (1 − k_v) + surcharge + ponded water, N/m.
    pub vertical_load: f64,
    /// Horizontal force in the direction of motion: k_h W + ponded-water thrust on the top, N/m.
    pub horizontal_load: f64,
    /// Cohesion (or s_u), Pa, and tan φ at the base.
    pub cohesion: f64,
    pub tan_phi: f64,
    /// Pore pressure at the base, Pa.
    pub pore_pressure: f64,
    /// Material index at the base (None where the surface passes through air).
    pub material: Option<usize>,
    /// Moment of the external loads about the moment centre, in the driving sense, N·m/m.
    #[serde(skip)]
    pub(crate) external_moment: f64,
    /// Lever arm of the base shear (driving sense negative), m — R for a circle.
    #[serde(skip)]
    pub(crate) shear_arm: f64,
    /// Lever arm of the base normal force, m — 0 for a circle.
    #[serde(skip)]
    pub(crate) normal_arm: f64,
    /// Interslice-function abscissa in [0, 1] at the slice's right (downslope) side.
    #[serde(skip)]
    pub(crate) side_position: f64,
}

impl Slice {
    /// Base inclination α, rad.
    pub fn alpha(&self) -> f64 {
        self.sin_alpha.atan2(self.cos_alpha)
    }
}

/// A slip surface divided into slices, with what the methods need besides the slices.
#[derive(Debug, Clone, Default)]
pub struct SliceSet {
    pub slices: Vec<Slice>,
    /// +1 when the mass moves towards +x, −1 towards −x.
    pub direction: f64,
    /// Where the surface leaves the ground at the crest end and the toe end (section coordinates).
    pub crest_point: Point2,
    pub toe_point: Point2,
    /// Water thrust in a tension crack at the crest end (N/m) and its moment (driving sense).
    pub crack_force: f64,
    pub crack_moment: f64,
    /// Largest vertical depth of the surface below the ground, m.
    pub max_depth: f64,
    /// Janbu's d/L: greatest depth below the crest–toe chord over the chord length.
    pub depth_ratio: f64,
    /// True when the moment centre is the circle's centre.
    pub circular: bool,
    boundaries: Vec<f64>,
    marks: Vec<f64>,
    base_y: Vec<f64>,
}

/// The base of a surface as a function of x over an x range.
enum Base<'a> {
    Arc { xc: f64, yc: f64, r: f64 },
    Line(&'a [Point2]),
}

impl Base<'_> {
    fn y(&self, x: f64) -> f64 {
        match self {
            Base::Arc { xc, yc, r } => yc - (r * r - (x - xc) * (x - xc)).max(0.0).sqrt(),
            Base::Line(p) => polyline_y(p, x).0,
        }
    }
}

fn outside(detail: String) -> StabilityError {
    StabilityError::SurfaceOutsideSection { detail }
}

impl SliceSet {
    /// Divide `surface` into about `n_slices` slices (slice sides are also put at ground and
    /// polyline vertices, so each slice has a straight top and base).
    pub fn build(
        problem: &SlopeProblem,
        surface: &SlipSurface,
        n_slices: usize,
    ) -> Result<Self, StabilityError> {
        let mut set = SliceSet::default();
        set.rebuild(problem, surface, n_slices)?;
        Ok(set)
    }

    /// As [`SliceSet::build`], reusing this set's buffers.
    pub fn rebuild(
        &mut self,
        problem: &SlopeProblem,
        surface: &SlipSurface,
        n_slices: usize,
    ) -> Result<(), StabilityError> {
        if n_slices < 2 {
            return Err(StabilityError::OutOfRange {
                what: "number of slices",
                value: n_slices as f64,
                range: ">= 2",
            });
        }
        let model = &problem.model;
        let ground = model.ground();
        let (gx0, gx1) = model.x_range();
        let (base, xa, xb, open_start, open_end) = match surface {
            SlipSurface::Circle { xc_m, yc_m, radius_m } => {
                let (xc, yc, r) = (*xc_m, *yc_m, *radius_m);
                if !(xc.is_finite() && yc.is_finite() && r.is_finite() && r > 0.0) {
                    return Err(StabilityError::OutOfRange {
                        what: "circle radius (m)",
                        value: r,
                        range: "finite and > 0, with a finite centre",
                    });
                }
                (Base::Arc { xc, yc, r }, xc - r, xc + r, false, false)
            }
            SlipSurface::Polyline { points } => {
                let (lo, hi, s, e) = check_polyline(points)?;
                (Base::Line(&points[lo..=hi]), points[lo].x, points[hi].x, s, e)
            }
        };
        // Mass exists where the ground is above the base: h(x) = ground − base > 0.
        let h = |x: f64| model.ground_at(x).map(|g| g - base.y(x));
        let mut marks = std::mem::take(&mut self.marks);
        marks.clear();
        marks.extend([xa.max(gx0), xb.min(gx1)]);
        marks.extend(ground.iter().map(|p| p.x).filter(|&x| x > xa && x < xb));
        if let SlipSurface::Polyline { points } = surface {
            marks.extend(points.iter().map(|p| p.x).filter(|&x| x > xa && x < xb));
        }
        marks.sort_by(f64::total_cmp);
        marks.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        let mut entry = f64::NAN;
        let mut exit = f64::NAN;
        let mut cuts = [0.0f64; 4];
        for w in marks.windows(2) {
            let (x0, x1) = (w[0], w[1]);
            let (Some(g0), Some(g1)) = (model.ground_at(x0), model.ground_at(x1)) else { continue };
            // Ground is straight on [x0, x1]; so is a polyline base, and a circle meets a straight
            // line at most twice: h changes sign only at these roots.
            cuts[0] = x0;
            let mut n_cuts = 1;
            let m = (g1 - g0) / (x1 - x0);
            match base {
                Base::Arc { xc, yc, r } => {
                    let a_coef = g0 - yc + m * (xc - x0);
                    let qa = 1.0 + m * m;
                    let qb = 2.0 * a_coef * m;
                    let qc = a_coef * a_coef - r * r;
                    let disc = qb * qb - 4.0 * qa * qc;
                    if disc > 0.0 {
                        let sq = disc.sqrt();
                        for dx in [(-qb - sq) / (2.0 * qa), (-qb + sq) / (2.0 * qa)] {
                            let x = xc + dx;
                            if x > x0 && x < x1 && a_coef + m * dx <= 0.0 {
                                cuts[n_cuts] = x;
                                n_cuts += 1;
                            }
                        }
                    }
                }
                Base::Line(_) => {
                    let (h0, h1) = (g0 - base.y(x0), g1 - base.y(x1));
                    if (h0 > 0.0) != (h1 > 0.0) && h0 != h1 {
                        cuts[n_cuts] = x0 + (x1 - x0) * h0 / (h0 - h1);
                        n_cuts += 1;
                    }
                }
            }
            cuts[n_cuts] = x1;
            n_cuts += 1;
            for c in cuts[..n_cuts].windows(2) {
                let xm = 0.5 * (c[0] + c[1]);
                if c[1] > c[0] && h(xm).is_some_and(|v| v > 0.0) {
                    if entry.is_nan() {
                        entry = c[0];
                    }
                    exit = c[1];
                }
            }
        }
        self.marks = marks;
        if entry.is_nan() || exit - entry < 1e-6 {
            return Err(StabilityError::NoSlidingMass {
                detail: "the surface does not pass below the ground".into(),
            });
        }
        let tol = 1e-6 * (1.0 + (xb - xa).abs());
        if let SlipSurface::Polyline { points } = surface {
            let ends = [(open_start, points[0]), (open_end, points[points.len() - 1])];
            for (open, p) in ends {
                if open && model.ground_at(p.x).is_some_and(|g| p.z < g - 1e-6) {
                    return Err(outside(format!(
                        "the vertical end at ({:.3}, {:.3}) m does not reach the ground",
                        p.x, p.z
                    )));
                }
            }
        }
        for (x, is_end, open) in [(entry, xa, open_start), (exit, xb, open_end)] {
            if (x - is_end).abs() < tol && !open && h(x).is_some_and(|v| v > 1e-6) {
                return Err(outside(format!(
                    "the surface ends below the ground at x = {x:.3} m instead of leaving it"
                )));
            }
            if (x - gx0).abs() < tol || (x - gx1).abs() < tol {
                return Err(outside(format!(
                    "the surface reaches the edge of the section at x = {x:.3} m (section {gx0:.3} to {gx1:.3} m)"
                )));
            }
        }
        let g_entry = model.ground_at(entry).unwrap_or(f64::NAN);
        let g_exit = model.ground_at(exit).unwrap_or(f64::NAN);
        let s = if g_entry >= g_exit { 1.0 } else { -1.0 };
        let (mut x_crest, x_toe) = if s > 0.0 { (entry, exit) } else { (exit, entry) };

        // Tension crack: the surface starts where it is `depth` below the ground at the crest end.
        self.crack_force = 0.0;
        let mut crack_bottom = f64::NAN;
        let mut crack_depth = 0.0;
        if let Some(crack) = problem.loads.tension_crack {
            let samples = 200;
            let mut prev = x_crest;
            for k in 1..=samples {
                let x = x_crest + (x_toe - x_crest) * k as f64 / samples as f64;
                if h(x).unwrap_or(0.0) >= crack.depth {
                    let (mut a, mut b) = (prev, x);
                    for _ in 0..60 {
                        let m = 0.5 * (a + b);
                        if h(m).unwrap_or(0.0) >= crack.depth { b = m } else { a = m }
                    }
                    x_crest = b;
                    crack_bottom = base.y(b);
                    crack_depth = crack.depth;
                    if crack.water_filled {
                        self.crack_force = 0.5 * problem.gamma_w * crack.depth * crack.depth;
                    }
                    break;
                }
                prev = x;
            }
        }
        let (x_lo, x_hi) = if s > 0.0 { (x_crest, x_toe) } else { (x_toe, x_crest) };

        // Slice sides: uniform, plus vertices of the ground and of a polyline surface.
        let bnd = &mut self.boundaries;
        bnd.clear();
        bnd.extend((0..=n_slices).map(|k| x_lo + (x_hi - x_lo) * k as f64 / n_slices as f64));
        bnd.extend(ground.iter().map(|p| p.x).filter(|&x| x > x_lo && x < x_hi));
        if let SlipSurface::Polyline { points } = surface {
            bnd.extend(points.iter().map(|p| p.x).filter(|&x| x > x_lo && x < x_hi));
        }
        if bnd.len() > n_slices + 1 {
            bnd.sort_by(f64::total_cmp);
        }
        let min_gap = 1e-6 * (x_hi - x_lo);
        bnd.dedup_by(|a, b| (*a - *b).abs() < min_gap);

        // Moment centre, in the analysis frame.
        let (xo, yo, circular) = match surface {
            SlipSurface::Circle { xc_m, yc_m, .. } => (*xc_m, *yc_m, true),
            SlipSurface::Polyline { .. } => {
                let top = g_entry.max(g_exit);
                (0.5 * (entry + exit), top + 0.5 * (exit - entry), false)
            }
        };
        let xio = s * xo;
        let crest_point = Point2::new(x_crest, model.ground_at(x_crest).unwrap_or(f64::NAN));
        let toe_point = Point2::new(x_toe, g_exit.min(g_entry));
        let (chord_x, chord_y) = (s * (toe_point.x - crest_point.x), toe_point.z - crest_point.z);
        let chord_len = chord_x.hypot(chord_y);
        self.crack_moment = if self.crack_force > 0.0 {
            (yo - (crack_bottom + crack_depth / 3.0)) * self.crack_force
        } else {
            0.0
        };

        let loads = &problem.loads;
        let (kh, kv) = (loads.seismic.kh, loads.seismic.kv);
        let nb = self.boundaries.len();
        self.slices.clear();
        self.max_depth = 0.0;
        let mut max_chord_depth: f64 = 0.0;
        self.base_y.clear();
        self.base_y.extend(self.boundaries.iter().map(|&x| base.y(x)));
        for j in 0..nb - 1 {
            // ξ order: crest to toe.
            let (jl, jr) = if s > 0.0 { (j, j + 1) } else { (nb - 1 - j, nb - 2 - j) };
            let (xl, xr) = (self.boundaries[jl], self.boundaries[jr]);
            let (yl, yr) = (self.base_y[jl], self.base_y[jr]);
            let b = (xr - xl).abs();
            let x_mid = 0.5 * (xl + xr);
            let y_base = 0.5 * (yl + yr);
            let base_length = (b * b + (yl - yr) * (yl - yr)).sqrt();
            let (sin_alpha, cos_alpha) = ((yl - yr) / base_length, b / base_length);
            let wt = problem.water_table(x_mid);
            let col = model
                .column(x_mid, y_base, wt)
                .ok_or_else(|| outside(format!("no section column at x = {x_mid:.3} m")))?;
            let height = col.ground - y_base;
            let mut sl = Slice {
                x_mid,
                width: b,
                sin_alpha,
                cos_alpha,
                base_length,
                y_base,
                y_top: col.ground,
                ..Default::default()
            };
            if height > 1e-12 {
                let Some(mat) = col.base_material else {
                    return Err(outside(format!(
                        "the base at ({x_mid:.3}, {y_base:.3}) m is outside every zone"
                    )));
                };
                let (c, tan_phi, drained) = model.strength_terms(mat);
                let w = col.weight_per_width * b;
                sl.weight = w;
                sl.material = Some(mat);
                sl.cohesion = c;
                sl.tan_phi = tan_phi;
                if drained {
                    sl.pore_pressure = problem.pore_pressure(x_mid, y_base, col.weight_per_width);
                }
                self.max_depth = self.max_depth.max(height);
            }
            let mut q = 0.0;
            for sc in &loads.surcharges {
                let overlap = (xl.max(xr).min(sc.x_to) - xl.min(xr).max(sc.x_from)).max(0.0);
                q += sc.pressure * overlap;
            }
            let mut h_top = 0.0;
            if let Some(pw) = loads.ponded_water.filter(|p| x_mid >= p.x_min && x_mid <= p.x_max) {
                let p = problem.gamma_w * (pw.level_m - col.ground).max(0.0);
                q += p * b;
                // Pressure normal to the top: horizontal component p · (dy/dξ) · b.
                h_top = p * s * col.ground_slope * b;
            }
            sl.vertical_load = sl.weight * (1.0 - kv) + q;
            sl.horizontal_load = kh * sl.weight + h_top;
            let xi_mid = s * x_mid;
            sl.external_moment = (xio - xi_mid) * sl.vertical_load
                + (yo - 0.5 * (col.ground + y_base)) * kh * sl.weight
                + (yo - col.ground) * h_top;
            let (sa, ca) = (sin_alpha, cos_alpha);
            sl.shear_arm = -((xi_mid - xio) * sa + (y_base - yo) * ca);
            sl.normal_arm = (xi_mid - xio) * ca - (y_base - yo) * sa;
            if circular {
                sl.normal_arm = 0.0;
            }
            sl.side_position = (xr - x_crest).abs() / (x_hi - x_lo);
            // Depth below the crest–toe chord (Janbu's d).
            let (px, py) = (s * (x_mid - crest_point.x), y_base - crest_point.z);
            max_chord_depth = max_chord_depth.max((px * chord_y - py * chord_x) / chord_len);
            self.slices.push(sl);
        }
        self.direction = s;
        self.crest_point = crest_point;
        self.toe_point = toe_point;
        self.depth_ratio = max_chord_depth.max(0.0) / chord_len;
        self.circular = circular;
        Ok(())
    }
}

/// Check a polyline surface; returns the index range of its non-vertical part and whether the
/// start and end are vertical (a crack reaching the ground).
fn check_polyline(points: &[Point2]) -> Result<(usize, usize, bool, bool), StabilityError> {
    let bad = |detail: String| StabilityError::BadPolyline { what: "slip surface", detail };
    if points.len() < 2 {
        return Err(bad(format!("needs at least 2 points, got {}", points.len())));
    }
    for (i, p) in points.iter().enumerate() {
        if !(p.x.is_finite() && p.z.is_finite()) {
            return Err(bad(format!("point {i} ({}, {}) is not finite", p.x, p.z)));
        }
    }
    let n = points.len();
    let vertical = |i: usize| (points[i + 1].x - points[i].x).abs() < 1e-9;
    let open_start = n > 2 && vertical(0);
    let open_end = n > 2 && vertical(n - 2);
    let lo = usize::from(open_start);
    let hi = if open_end { n - 2 } else { n - 1 };
    if open_start && points[0].z < points[1].z {
        return Err(bad("the first (vertical) segment must go down from the ground".into()));
    }
    if open_end && points[n - 1].z < points[n - 2].z {
        return Err(bad("the last (vertical) segment must go up to the ground".into()));
    }
    for i in lo..hi {
        if points[i + 1].x <= points[i].x {
            return Err(bad(format!(
                "x must increase between points {i} and {} ({} then {})",
                i + 1,
                points[i].x,
                points[i + 1].x
            )));
        }
    }
    if hi <= lo {
        return Err(bad("no non-vertical segment".into()));
    }
    Ok((lo, hi, open_start, open_end))
}
