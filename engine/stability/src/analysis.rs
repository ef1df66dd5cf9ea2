//! Several methods on one problem: each method's critical surface (searched) or its factor of
//! safety on a specified surface, with the slice table on request.

use crate::error::{MethodError, StabilityError};
use crate::methods::{Method, Solution, SolverSettings, base_normal_forces, solve};
use crate::problem::SlopeProblem;
use crate::search::{SearchResult, SearchSettings, SurfaceResult, search};
use crate::surface::{Slice, SliceSet, SlipSurface};
use serde::Serialize;
use tailtwin_core::SliceRow;

/// Where the surfaces come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SurfaceSpec {
    /// Search with these settings; the `method` field is replaced by each analysed method.
    Search(SearchSettings),
    /// One given surface, divided into `slices` slices.
    Specified { surface: SlipSurface, slices: usize },
}

/// Which methods, on which surfaces.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisSettings {
    pub methods: Vec<Method>,
    pub surfaces: SurfaceSpec,
    /// Keep the slice table of each method's critical surface.
    pub keep_slices: bool,
    pub solver: SolverSettings,
}

/// One method's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodOutcome {
    pub method: Method,
    /// The critical (or specified) surface and its factor of safety, or why the method failed.
    pub result: Result<SurfaceResult, MethodError>,
    /// Trial surfaces evaluated (1 for a specified surface).
    pub trials: usize,
    /// The search behind it (grid, FoS map, near-critical surfaces), when searched.
    pub search: Option<SearchResult>,
    /// Slices of the critical surface, when requested.
    pub slices: Option<Vec<Slice>>,
    /// The same slices as a table with the base normal force of this method's solution, when
    /// requested.
    pub slice_table: Option<Vec<SliceRow>>,
}

impl MethodOutcome {
    /// The factor of safety, when the method converged.
    pub fn fos(&self) -> Option<f64> {
        self.result.as_ref().ok().map(|r| r.fos)
    }
}

/// All methods' answers, in the order asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StabilityResult {
    pub outcomes: Vec<MethodOutcome>,
}

impl StabilityResult {
    pub fn get(&self, method: Method) -> Option<&MethodOutcome> {
        self.outcomes.iter().find(|o| o.method == method)
    }
}

/// The slice table of a solved surface: geometry, loads and strength of each slice with the
/// base normal force of `method`'s solution.
pub fn slice_table(set: &SliceSet, method: Method, solution: &Solution) -> Vec<SliceRow> {
    let normals = base_normal_forces(set, method, solution);
    set.slices
        .iter()
        .zip(normals)
        .map(|(s, n)| SliceRow {
            x_mid_m: s.x_mid,
            width_m: s.width,
            alpha_deg: s.sin_alpha.atan2(s.cos_alpha).to_degrees(),
            weight_n_m: s.weight,
            pore_pressure_pa: s.pore_pressure,
            cohesion_pa: s.cohesion,
            friction_angle_deg: s.tan_phi.atan().to_degrees(),
            normal_n_m: n,
        })
        .collect()
}

/// Slices and slice table of a method's surface (None when it cannot be sliced again).
type Kept = (Option<Vec<Slice>>, Option<Vec<SliceRow>>);

fn kept(problem: &SlopeProblem, result: &SurfaceResult, method: Method, n: usize) -> Kept {
    match SliceSet::build(problem, &result.surface, n) {
        Ok(set) => {
            let table = slice_table(&set, method, &result.solution);
            (Some(set.slices), Some(table))
        }
        Err(_) => (None, None),
    }
}

/// Run every requested method.
pub fn analyse(
    problem: &SlopeProblem,
    settings: &AnalysisSettings,
) -> Result<StabilityResult, StabilityError> {
    problem.validate()?;
    let mut outcomes = Vec::with_capacity(settings.methods.len());
    for &method in &settings.methods {
        let outcome = match &settings.surfaces {
            SurfaceSpec::Specified { surface, slices } => {
                let set = SliceSet::build(problem, surface, *slices)?;
                let result =
                    solve(&set, method, &settings.solver).map(|solution: Solution| SurfaceResult {
                        surface: surface.clone(),
                        fos: solution.fos,
                        solution,
                        crest_point: set.crest_point,
                        toe_point: set.toe_point,
                    });
                let (slices, slice_table) = match (&result, settings.keep_slices) {
                    (Ok(r), true) => {
                        (Some(set.slices.clone()), Some(slice_table(&set, method, &r.solution)))
                    }
                    (Err(_), true) => (Some(set.slices.clone()), None),
                    (_, false) => (None, None),
                };
                MethodOutcome { method, result, trials: 1, search: None, slices, slice_table }
            }
            SurfaceSpec::Search(template) => {
                let mut s = template.clone();
                s.method = method;
                if !method.is_rigorous() {
                    s.noncircular = None;
                }
                let found = match search(problem, &s) {
                    Ok(found) => found,
                    // Trials cut the section but the method converged on none: the method's
                    // failure, reported as such (a search that found no sliding mass at all is
                    // a bad search and stays an error).
                    Err(StabilityError::NoAdmissibleSurface { trials, failed }) if failed > 0 => {
                        outcomes.push(MethodOutcome {
                            method,
                            result: Err(MethodError::NoConvergedSurface {
                                method: method.name(),
                                trials,
                                failed,
                            }),
                            trials,
                            search: None,
                            slices: None,
                            slice_table: None,
                        });
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let mut best = found.critical.clone();
                if let Some(nc) = found.noncircular.as_ref().filter(|nc| nc.fos < best.fos) {
                    best = nc.clone();
                }
                let (slices, slice_table) = if settings.keep_slices {
                    kept(problem, &best, method, s.slices)
                } else {
                    (None, None)
                };
                let trials = found.trials + found.noncircular_trials;
                MethodOutcome {
                    method,
                    result: Ok(best),
                    trials,
                    search: Some(found),
                    slices,
                    slice_table,
                }
            }
        };
        outcomes.push(outcome);
    }
    Ok(StabilityResult { outcomes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::IntersliceFunction;
    use crate::model::{Material, SlopeModel};
    use crate::search::{CentreGrid, CircleTrials, Radii, SearchSettings};
    use tailtwin_core::Point2;

    fn acads() -> SlopeProblem {
        let g =
            [(0.0, 25.0), (30.0, 25.0), (50.0, 35.0), (90.0, 35.0)].map(|(x, z)| Point2::new(x, z));
        let m = Material::mohr_coulomb("soil", 20e3, 3e3, 19.6f64.to_radians());
        SlopeProblem::dry(SlopeModel::single_layer(&g, 20.0, m).unwrap())
    }

    // Goal: the slice table's base normal forces are those of each method's own equilibrium.
    // Setup: ACADS EX1(a), dry, the critical circle (29.66, 53.35) R 28.35, 40 slices; Ordinary,
    // Bishop, Spencer, M-P half-sine. With S = [c′ l + (N − u l) tan φ′]/F the mobilised base
    // shear, the reference is each method's assumption: Ordinary N = W cos α (no loads besides
    // W); Bishop vertical equilibrium of every slice, N cos α + S sin α = W (X = 0); Spencer and
    // M-P overall force equilibrium, Σ (N cos α + S sin α) = Σ W and Σ (N sin α − S cos α) = 0
    // (interslice forces cancel in the sum, none at the ends). Tolerance 1e-7 relative to W (to
    // Σ W for the sums): the solver stops at 1e-9 on F; round-off is far below.
    #[test]
    fn slice_table_normal_forces_satisfy_each_methods_equilibrium() {
        let p = acads();
        let methods = [
            Method::Ordinary,
            Method::Bishop,
            Method::Spencer,
            Method::MorgensternPrice(IntersliceFunction::HalfSine),
        ];
        let settings = AnalysisSettings {
            methods: methods.to_vec(),
            surfaces: SurfaceSpec::Specified {
                surface: SlipSurface::Circle { xc_m: 29.66, yc_m: 53.35, radius_m: 28.35 },
                slices: 40,
            },
            keep_slices: true,
            solver: SolverSettings::default(),
        };
        let r = analyse(&p, &settings).unwrap();
        for o in &r.outcomes {
            let f = o.fos().unwrap();
            let name = o.method.name();
            let table = o.slice_table.as_ref().unwrap();
            assert_eq!(table.len(), o.slices.as_ref().unwrap().len());
            let total_w: f64 = table.iter().map(|s| s.weight_n_m).sum();
            let (mut vertical, mut horizontal) = (0.0, 0.0);
            for s in table {
                let a = s.alpha_deg.to_radians();
                let l = s.width_m / a.cos();
                let tan_phi = s.friction_angle_deg.to_radians().tan();
                let shear =
                    (s.cohesion_pa * l + (s.normal_n_m - s.pore_pressure_pa * l) * tan_phi) / f;
                let v = s.normal_n_m * a.cos() + shear * a.sin() - s.weight_n_m;
                vertical += v;
                horizontal += s.normal_n_m * a.sin() - shear * a.cos();
                let tol = 1e-7 * s.weight_n_m.max(1.0);
                match o.method {
                    Method::Ordinary => assert!(
                        (s.normal_n_m - s.weight_n_m * a.cos()).abs() < tol,
                        "{name} at x = {}",
                        s.x_mid_m
                    ),
                    Method::Bishop => assert!(v.abs() < tol, "{name} at x = {}: {v}", s.x_mid_m),
                    _ => {}
                }
            }
            if o.method.is_rigorous() {
                assert!(vertical.abs() < 1e-7 * total_w, "{name}: ΣV {vertical:.3e}");
                assert!(horizontal.abs() < 1e-7 * total_w, "{name}: ΣH {horizontal:.3e}");
            }
            assert!((table[0].friction_angle_deg - 19.6).abs() < 1e-9);
        }
    }

    // Goal: a method that converges on no trial of a search is reported as that method's error,
    // not as a number and not as a failure of the whole analysis. Setup: ACADS EX1(a) grid
    // search with the m_α floor raised to 5 (no slice has m_α > 5, so Bishop fails on every
    // trial); Ordinary has no m_α. Reference: Ordinary gives F, Bishop NoConvergedSurface with
    // every admissible trial counted as failed.
    #[test]
    fn a_method_that_never_converges_is_reported_as_such() {
        let p = acads();
        let centres =
            CentreGrid { x_min: 20.0, x_max: 50.0, nx: 5, y_min: 35.0, y_max: 70.0, ny: 5 };
        let radii = Radii::Tangents { y_min: 20.0, y_max: 30.0, count: 5 };
        let mut search = SearchSettings::new(Method::Bishop, CircleTrials::Grid { centres, radii });
        search.solver.min_m_alpha = 5.0;
        let settings = AnalysisSettings {
            methods: vec![Method::Ordinary, Method::Bishop],
            surfaces: SurfaceSpec::Search(search),
            keep_slices: true,
            solver: SolverSettings::default(),
        };
        let r = analyse(&p, &settings).unwrap();
        assert!(r.outcomes[0].fos().is_some());
        let b = &r.outcomes[1];
        assert!(b.fos().is_none() && b.slice_table.is_none());
        match &b.result {
            Err(MethodError::NoConvergedSurface { method: "bishop", trials: 125, failed }) => {
                assert!(*failed > 0)
            }
            other => panic!("expected NoConvergedSurface, got {other:?}"),
        }
    }
}
