//! Critical-surface search: circles from a centre grid × radii (or tangent lines) or from
//! entry–exit ranges, local refinement of the best circle, and non-circular optimisation.
//!
//! Trials are evaluated in parallel (rayon) into a vector indexed by trial number; every
//! reduction (minimum, FoS map, near-critical list) is then done sequentially in index order,
//! with ties broken by the lower index — the result does not depend on the thread count.

use crate::error::{MethodError, StabilityError};
use crate::methods::{Method, Solution, SolverSettings, solve};
use crate::problem::SlopeProblem;
use crate::surface::{SliceSet, SlipSurface};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tailtwin_core::Point2;

/// A rectangular grid of circle centres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CentreGrid {
    pub x_min: f64,
    pub x_max: f64,
    pub nx: usize,
    pub y_min: f64,
    pub y_max: f64,
    pub ny: usize,
}

/// Radii tried at each centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Radii {
    /// Circles tangent to horizontal lines y_min..y_max (R = y_c − y_tangent), `count` lines.
    Tangents { y_min: f64, y_max: f64, count: usize },
    /// Radii from `min` to `max`, `count` values.
    Range { min: f64, max: f64, count: usize },
}

/// How trial circles are generated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CircleTrials {
    Grid {
        centres: CentreGrid,
        radii: Radii,
    },
    /// Circles through an entry point (crest side) and an exit point (toe side) on the ground,
    /// `points` each, equally spaced over the ranges, with `radii` radii each from just over half
    /// the chord (a half circle) to a flat arc (chord subtending 30°).
    EntryExit {
        entry: (f64, f64),
        exit: (f64, f64),
        points: usize,
        radii: usize,
    },
}

impl CircleTrials {
    /// A default grid over a slope face, as slope programs' "auto grid": the face is the part of
    /// the ground steeper than 1:10 within `x_range` (whole section when None), of height H and
    /// width L. Centres: x over the face ± L/4, y from the face top to top + 1.5 max(H, L/2);
    /// 20 × 20 centres; 20 tangent lines from max(toe − H, section bottom + 1 % H) to the
    /// toe + H/2. Errors when there is no such face.
    pub fn auto(
        model: &crate::model::SlopeModel,
        x_range: Option<(f64, f64)>,
    ) -> Result<Self, StabilityError> {
        let (x0, x1) = x_range.unwrap_or_else(|| model.x_range());
        let g = model.ground();
        let face: Vec<(Point2, Point2)> = g
            .windows(2)
            .map(|w| (w[0], w[1]))
            .filter(|(a, b)| {
                a.x >= x0 - 1e-9 && b.x <= x1 + 1e-9 && ((b.z - a.z) / (b.x - a.x)).abs() > 0.1
            })
            .collect();
        let (Some(first), Some(last)) = (face.first(), face.last()) else {
            return Err(bad(
                "auto grid",
                format!("no ground steeper than 1:10 between x = {x0} and {x1} m"),
            ));
        };
        let (xa, xb) = (first.0.x, last.1.x);
        let zs = face.iter().flat_map(|(a, b)| [a.z, b.z]);
        let (top, toe) =
            zs.fold((f64::NEG_INFINITY, f64::INFINITY), |(t, b), z| (t.max(z), b.min(z)));
        let (h, l) = (top - toe, xb - xa);
        let bottom = model.bottom().unwrap_or(toe - h);
        let centres = CentreGrid {
            x_min: xa - 0.25 * l,
            x_max: xb + 0.25 * l,
            nx: 20,
            y_min: top,
            y_max: top + 1.5 * h.max(0.5 * l),
            ny: 20,
        };
        let radii = Radii::Tangents {
            y_min: (toe - h).max(bottom + 0.01 * h),
            y_max: toe + 0.5 * h,
            count: 20,
        };
        Ok(CircleTrials::Grid { centres, radii })
    }
}

/// Non-circular optimisation settings (surface altering by coordinate descent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NonCircular {
    /// Segments of the polyline started from the critical circle. Default 12.
    pub segments: usize,
    /// Stop when the vertex step falls below this, m. Default 0.01.
    pub min_step_m: f64,
    /// Cap on surface evaluations. Default 4000.
    pub max_evaluations: usize,
}

impl Default for NonCircular {
    fn default() -> Self {
        Self { segments: 12, min_step_m: 0.01, max_evaluations: 4000 }
    }
}

/// Search settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSettings {
    /// Method minimised by the search.
    pub method: Method,
    /// Slices per trial surface. Default 30.
    pub slices: usize,
    pub trials: CircleTrials,
    /// Only surfaces leaving the ground at the crest end within `entry` and at the toe end
    /// within `exit` (x ranges, m) are admissible.
    pub limits: Option<((f64, f64), (f64, f64))>,
    /// Pattern-search refinement of the best circle. Default true.
    pub refine: bool,
    /// Minimum greatest depth of an admissible sliding mass, m (skips skin slides). Default 0.
    pub min_depth_m: f64,
    /// How many near-critical surfaces to return. Default 10.
    pub near_critical: usize,
    /// Non-circular optimisation from the critical circle (for Spencer/M-P). Default None.
    pub noncircular: Option<NonCircular>,
    pub solver: SolverSettings,
}

impl SearchSettings {
    /// Defaults around a given trial set and method.
    pub fn new(method: Method, trials: CircleTrials) -> Self {
        Self {
            method,
            slices: 30,
            trials,
            limits: None,
            refine: true,
            min_depth_m: 0.0,
            near_critical: 10,
            noncircular: None,
            solver: SolverSettings { tolerance: 1e-7, ..SolverSettings::default() },
        }
    }
}

/// The outcome of one trial surface.
#[derive(Debug, Clone, PartialEq)]
pub enum Trial {
    /// Not admissible (outside the section, no sliding mass, outside the limits, too shallow).
    Inadmissible,
    /// Admissible, but the method gave no factor of safety.
    Failed(MethodError),
    Fos(f64),
}

/// A surface with its factor of safety.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurfaceResult {
    pub surface: SlipSurface,
    pub fos: f64,
    pub solution: Solution,
    /// Where the surface leaves the ground at the crest and toe ends.
    pub crest_point: Point2,
    pub toe_point: Point2,
}

/// FoS map over the centre grid: the least FoS over the radii at each centre (None: no
/// admissible circle). Row-major: `fos[j * xs.len() + i]` at `(xs[i], ys[j])`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FosMap {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub fos: Vec<Option<f64>>,
}

/// Search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub method: Method,
    /// Critical circle (after refinement when requested).
    pub critical: SurfaceResult,
    /// Trial surfaces evaluated, in the grid and in the refinement.
    pub trials: usize,
    pub refinement_trials: usize,
    pub admissible: usize,
    /// Admissible trials where the method did not give a factor of safety.
    pub not_converged: usize,
    pub fos_map: Option<FosMap>,
    /// The lowest-FoS grid surfaces (critical first), distinct.
    pub near_critical: Vec<(SlipSurface, f64)>,
    /// Optimised non-circular surface, when requested.
    pub noncircular: Option<SurfaceResult>,
    pub noncircular_trials: usize,
}

fn linspace(a: f64, b: f64, n: usize) -> impl Iterator<Item = f64> {
    (0..n).map(move |k| if n == 1 { a } else { a + (b - a) * k as f64 / (n - 1) as f64 })
}

fn bad(what: &'static str, detail: String) -> StabilityError {
    StabilityError::BadSearch { what, detail }
}

/// Centre-grid abscissae, ordinates and the number of radii per centre.
type GridAxes = (Vec<f64>, Vec<f64>, usize);

/// Evaluate one surface.
pub fn evaluate(
    problem: &SlopeProblem,
    surface: &SlipSurface,
    settings: &SearchSettings,
    set: &mut SliceSet,
) -> Trial {
    if set.rebuild(problem, surface, settings.slices).is_err()
        || set.max_depth < settings.min_depth_m.max(1e-9)
    {
        return Trial::Inadmissible;
    }
    if let Some((entry, exit)) = settings.limits {
        let inside = |x: f64, r: (f64, f64)| x >= r.0.min(r.1) && x <= r.0.max(r.1);
        if !(inside(set.crest_point.x, entry) && inside(set.toe_point.x, exit)) {
            return Trial::Inadmissible;
        }
    }
    match solve(set, settings.method, &settings.solver) {
        Ok(s) => Trial::Fos(s.fos),
        Err(e) => Trial::Failed(e),
    }
}

/// Analyse one surface fully (slices kept), e.g. a specified surface.
pub fn analyse_surface(
    problem: &SlopeProblem,
    surface: &SlipSurface,
    method: Method,
    slices: usize,
    solver: &SolverSettings,
) -> Result<(SliceSet, Result<Solution, MethodError>), StabilityError> {
    problem.validate()?;
    let set = SliceSet::build(problem, surface, slices)?;
    let sol = solve(&set, method, solver);
    Ok((set, sol))
}

fn surface_result(
    problem: &SlopeProblem,
    surface: SlipSurface,
    s: &SearchSettings,
) -> Option<SurfaceResult> {
    let set = SliceSet::build(problem, &surface, s.slices).ok()?;
    let solution = solve(&set, s.method, &s.solver).ok()?;
    Some(SurfaceResult {
        fos: solution.fos,
        solution,
        crest_point: set.crest_point,
        toe_point: set.toe_point,
        surface,
    })
}

fn trial_surfaces(
    problem: &SlopeProblem,
    trials: &CircleTrials,
) -> Result<(Vec<SlipSurface>, Option<GridAxes>), StabilityError> {
    match *trials {
        CircleTrials::Grid { centres: g, radii } => {
            let finite = [g.x_min, g.x_max, g.y_min, g.y_max].iter().all(|v| v.is_finite());
            if g.nx == 0 || g.ny == 0 || !finite || g.x_max < g.x_min || g.y_max < g.y_min {
                return Err(bad(
                    "centre grid",
                    format!("{g:?} needs nx, ny >= 1 and finite, ordered bounds"),
                ));
            }
            let (lo, hi, count) = match radii {
                Radii::Tangents { y_min, y_max, count }
                | Radii::Range { min: y_min, max: y_max, count } => (y_min, y_max, count),
            };
            if count == 0 || !(lo.is_finite() && hi.is_finite()) || hi < lo {
                return Err(bad(
                    "radii",
                    format!("{radii:?} needs count >= 1 and finite, ordered bounds"),
                ));
            }
            let xs: Vec<f64> = linspace(g.x_min, g.x_max, g.nx).collect();
            let ys: Vec<f64> = linspace(g.y_min, g.y_max, g.ny).collect();
            let mut out = Vec::with_capacity(g.nx * g.ny * count);
            for &yc in &ys {
                for &xc in &xs {
                    for v in linspace(lo, hi, count) {
                        let radius_m = match radii {
                            Radii::Tangents { .. } => yc - v,
                            Radii::Range { .. } => v,
                        };
                        out.push(SlipSurface::Circle { xc_m: xc, yc_m: yc, radius_m });
                    }
                }
            }
            Ok((out, Some((xs, ys, count))))
        }
        CircleTrials::EntryExit { entry, exit, points, radii } => {
            if points == 0 || radii == 0 {
                return Err(bad("entry-exit", "points and radii must be >= 1".into()));
            }
            let model = &problem.model;
            let on_ground = |x: f64| {
                model
                    .ground_at(x)
                    .map(|y| Point2::new(x, y))
                    .ok_or_else(|| bad("entry-exit", format!("x = {x} m is outside the section")))
            };
            let mut out = Vec::with_capacity(points * points * radii);
            for xa in linspace(entry.0, entry.1, points) {
                let a = on_ground(xa)?;
                for xb in linspace(exit.0, exit.1, points) {
                    let b = on_ground(xb)?;
                    let (dx, dy) = (b.x - a.x, b.z - a.z);
                    let c = dx.hypot(dy);
                    if c < 1e-9 {
                        continue;
                    }
                    // Unit normal to the chord pointing up.
                    let (nx, ny) = if dx >= 0.0 { (-dy / c, dx / c) } else { (dy / c, -dx / c) };
                    for half in linspace(89.0f64.to_radians(), 15.0f64.to_radians(), radii) {
                        let r = 0.5 * c / half.sin();
                        let h = (r * r - 0.25 * c * c).max(0.0).sqrt();
                        let (mx, my) = (0.5 * (a.x + b.x), 0.5 * (a.z + b.z));
                        out.push(SlipSurface::Circle {
                            xc_m: mx + h * nx,
                            yc_m: my + h * ny,
                            radius_m: r,
                        });
                    }
                }
            }
            Ok((out, None))
        }
    }
}

/// Search for the critical circle (and optionally optimise a non-circular surface from it).
pub fn search(
    problem: &SlopeProblem,
    settings: &SearchSettings,
) -> Result<SearchResult, StabilityError> {
    problem.validate()?;
    if settings.slices < 2 {
        return Err(bad("slices", format!("{} < 2", settings.slices)));
    }
    let (surfaces, grid) = trial_surfaces(problem, &settings.trials)?;
    let outcomes: Vec<Trial> = surfaces
        .par_iter()
        .map_init(SliceSet::default, |set, s| evaluate(problem, s, settings, set))
        .collect();
    let mut admissible = 0;
    let mut not_converged = 0;
    let mut ranked: Vec<(f64, usize)> = Vec::new();
    for (i, t) in outcomes.iter().enumerate() {
        match t {
            Trial::Inadmissible => {}
            Trial::Failed(_) => {
                admissible += 1;
                not_converged += 1;
            }
            Trial::Fos(f) => {
                admissible += 1;
                ranked.push((*f, i));
            }
        }
    }
    if ranked.is_empty() {
        return Err(StabilityError::NoAdmissibleSurface {
            trials: surfaces.len(),
            failed: not_converged,
        });
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let fos_map = grid.map(|(xs, ys, nr)| {
        let fos = (0..xs.len() * ys.len())
            .map(|c| {
                outcomes[c * nr..(c + 1) * nr]
                    .iter()
                    .filter_map(|t| if let Trial::Fos(f) = t { Some(*f) } else { None })
                    .reduce(f64::min)
            })
            .collect();
        FosMap { xs, ys, fos }
    });
    let near_critical: Vec<(SlipSurface, f64)> = ranked
        .iter()
        .take(settings.near_critical)
        .map(|&(f, i)| (surfaces[i].clone(), f))
        .collect();
    let best = surfaces[ranked[0].1].clone();
    let (best, refinement_trials) = if settings.refine {
        refine_circle(problem, settings, best, ranked[0].0, &settings.trials)
    } else {
        (best, 0)
    };
    let critical =
        surface_result(problem, best, settings).ok_or(StabilityError::NoAdmissibleSurface {
            trials: surfaces.len(),
            failed: not_converged,
        })?;
    let (noncircular, noncircular_trials) = match settings.noncircular {
        Some(nc) => {
            let (r, n) = optimise_noncircular(problem, settings, &critical, &nc);
            (r, n)
        }
        None => (None, 0),
    };
    Ok(SearchResult {
        method: settings.method,
        critical,
        trials: surfaces.len() + refinement_trials,
        refinement_trials,
        admissible,
        not_converged,
        fos_map,
        near_critical,
        noncircular,
        noncircular_trials,
    })
}

/// Pattern search on (x_c, y_c, y_b), y_b = y_c − R the circle's lowest point: try ± steps on
/// each coordinate, accept any improvement, halve the steps when none improves; stop at 1 mm.
/// Moving the centre at a fixed y_b keeps the depth, which follows the valleys of F along
/// geometric kinks (a critical circle through the toe) better than moving (x_c, y_c, R).
fn refine_circle(
    problem: &SlopeProblem,
    settings: &SearchSettings,
    start: SlipSurface,
    start_fos: f64,
    trials: &CircleTrials,
) -> (SlipSurface, usize) {
    let SlipSurface::Circle { xc_m, yc_m, radius_m } = start else { return (start, 0) };
    let mut p = [xc_m, yc_m, yc_m - radius_m];
    let mut step = match *trials {
        CircleTrials::Grid { centres: g, radii } => {
            let span =
                |a: f64, b: f64, n: usize| if n > 1 { (b - a) / (n - 1) as f64 } else { 0.0 };
            let dr = match radii {
                Radii::Tangents { y_min, y_max, count }
                | Radii::Range { min: y_min, max: y_max, count } => span(y_min, y_max, count),
            };
            let fallback = 0.05 * radius_m;
            let pick = |d: f64| if d > 0.0 { 0.5 * d } else { fallback };
            [pick(span(g.x_min, g.x_max, g.nx)), pick(span(g.y_min, g.y_max, g.ny)), pick(dr)]
        }
        CircleTrials::EntryExit { .. } => [0.05 * radius_m; 3],
    };
    let mut best = start_fos;
    let mut count = 0;
    let mut set = SliceSet::default();
    while step.iter().any(|&s| s > 1e-3) && count < 5000 {
        let mut improved = false;
        for k in 0..3 {
            for sign in [1.0, -1.0] {
                let mut q = p;
                q[k] += sign * step[k];
                let cand = SlipSurface::Circle { xc_m: q[0], yc_m: q[1], radius_m: q[1] - q[2] };
                count += 1;
                if let Trial::Fos(f) = evaluate(problem, &cand, settings, &mut set)
                    && f < best - 1e-12
                {
                    best = f;
                    p = q;
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            step.iter_mut().for_each(|s| *s *= 0.5);
        }
    }
    (SlipSurface::Circle { xc_m: p[0], yc_m: p[1], radius_m: p[1] - p[2] }, count)
}

/// Convex (kinematically admissible) polyline: slopes dy/dx non-decreasing.
fn convex(points: &[Point2]) -> bool {
    points.windows(3).all(|w| {
        let s0 = (w[1].z - w[0].z) / (w[1].x - w[0].x);
        let s1 = (w[2].z - w[1].z) / (w[2].x - w[1].x);
        s1 >= s0 - 1e-12
    })
}

/// Surface altering from the critical circle: the circle becomes a polyline whose end points move
/// along the ground and whose inner vertices move vertically, by coordinate descent with step
/// halving. Only x-increasing, convex surfaces inside the section are accepted.
pub fn optimise_noncircular(
    problem: &SlopeProblem,
    settings: &SearchSettings,
    start: &SurfaceResult,
    nc: &NonCircular,
) -> (Option<SurfaceResult>, usize) {
    let SlipSurface::Circle { xc_m, yc_m, radius_m } = start.surface else { return (None, 0) };
    let segments = nc.segments.max(2);
    let (x0, x1) =
        (start.crest_point.x.min(start.toe_point.x), start.crest_point.x.max(start.toe_point.x));
    let model = &problem.model;
    let mut pts: Vec<Point2> = linspace(x0, x1, segments + 1)
        .map(|x| Point2::new(x, yc_m - (radius_m * radius_m - (x - xc_m).powi(2)).max(0.0).sqrt()))
        .collect();
    for k in [0, segments] {
        match model.ground_at(pts[k].x) {
            Some(g) => pts[k].z = g,
            None => return (None, 0),
        }
    }
    let mut set = SliceSet::default();
    let eval = |pts: &[Point2], set: &mut SliceSet| -> Option<f64> {
        if !convex(pts) {
            return None;
        }
        match evaluate(problem, &SlipSurface::Polyline { points: pts.to_vec() }, settings, set) {
            Trial::Fos(f) => Some(f),
            _ => None,
        }
    };
    let mut count = 1;
    let Some(mut best) = eval(&pts, &mut set) else { return (None, 1) };
    let mut step = 0.25 * set.max_depth.max(nc.min_step_m);
    while step >= nc.min_step_m && count < nc.max_evaluations {
        let mut improved = false;
        for k in 0..=segments {
            for sign in [1.0, -1.0] {
                let mut cand = pts.clone();
                if k == 0 || k == segments {
                    cand[k].x += sign * step;
                    match model.ground_at(cand[k].x) {
                        Some(g) => cand[k].z = g,
                        None => continue,
                    }
                    if cand.windows(2).any(|w| w[1].x.is_nan() || w[1].x <= w[0].x) {
                        continue;
                    }
                } else {
                    cand[k].z += sign * step;
                }
                count += 1;
                if let Some(f) = eval(&cand, &mut set)
                    && f < best - 1e-12
                {
                    best = f;
                    pts = cand;
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            step *= 0.5;
        }
    }
    (surface_result(problem, SlipSurface::Polyline { points: pts }, settings), count)
}
