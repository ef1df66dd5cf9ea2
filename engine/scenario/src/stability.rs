//! `[stability]`: slope-stability settings (methods, slices, trial surfaces, earthquake). The dam
//! section and its materials are the scenario's section tables (seepage issue); `section` names
//! the one to analyse. Converted to the stability crate's settings here, once.
//!
//! ```toml
//! [stability]
//! section = "main"                       # optional: the section to analyse
//! methods = ["bishop", "ordinary", "spencer", "morgenstern_price_half_sine"]
//! slices = 30
//! noncircular = true                     # optimise a polyline from the critical circle (Spencer/M-P)
//! search = { kind = "grid", x_min_m = 20.0, x_max_m = 50.0, nx = 20, y_min_m = 35.0, y_max_m = 70.0,
//!            ny = 20, tangent_min_m = 20.0, tangent_max_m = 30.0, tangents = 20 }
//! # or { kind = "entry_exit", entry_from_m, entry_to_m, exit_from_m, exit_to_m, points, radii }
//! # or { kind = "auto" }  or  { kind = "circle", xc_m, yc_m, radius_m }
//! seismic = { kh = 0.1, vertical = "third_up" }   # vertical: "none" (default) | "third_up" | "third_down"
//! ```

use crate::error::Problems;
use serde::Deserialize;
use tailtwin_core::{HydrostaticCorrection, LoadCaseKind, Polyline};
use tailtwin_stability::{
    AnalysisSettings, CentreGrid, CircleTrials, Method, NonCircular, Radii, SearchSettings,
    Seismic, SlipSurface, SlopeModel, SolverSettings, StabilityError, Surcharge, SurfaceSpec,
    TensionCrack,
};

/// `[stability]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStability {
    pub section: Option<String>,
    pub methods: Option<Vec<String>>,
    pub slices: Option<usize>,
    #[serde(default)]
    pub noncircular: bool,
    pub search: RawSearch,
    pub seismic: Option<RawSeismic>,
}

/// `stability.search`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawSearch {
    Grid {
        x_min_m: f64,
        x_max_m: f64,
        nx: usize,
        y_min_m: f64,
        y_max_m: f64,
        ny: usize,
        tangent_min_m: f64,
        tangent_max_m: f64,
        tangents: usize,
    },
    EntryExit {
        entry_from_m: f64,
        entry_to_m: f64,
        exit_from_m: f64,
        exit_to_m: f64,
        points: usize,
        radii: usize,
    },
    Auto,
    Circle {
        xc_m: f64,
        yc_m: f64,
        radius_m: f64,
    },
}

/// `stability.seismic`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeismic {
    pub kh: f64,
    pub vertical: Option<String>,
}

/// Where the trial surfaces come from, validated (SI).
#[derive(Debug, Clone, PartialEq)]
pub enum SurfacesSpec {
    Trials(CircleTrials),
    /// A centre grid laid over the slope face once the section is known.
    Auto,
    Specified(SlipSurface),
}

/// Where the pore water of the load cases comes from (`stability.pore_water`).
#[derive(Debug, Clone, PartialEq)]
pub enum PoreWaterSpec {
    /// The seepage solution of the section at the load case's pond level (default when the
    /// scenario has a `[pond]` or `[seepage]` levels).
    Seepage,
    /// A given phreatic line, hydrostatic below it (optionally cos²-corrected); the same line
    /// for every load case.
    PhreaticLine { line: Polyline, correction: HydrostaticCorrection },
    /// u = r_u σ_v.
    Ru(f64),
    /// No pore water.
    Dry,
}

/// `[stability]`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct StabilitySpec {
    pub section: Option<String>,
    pub methods: Vec<Method>,
    pub slices: usize,
    pub noncircular: bool,
    pub surfaces: SurfacesSpec,
    /// Earthquake of the special (特殊运行) load case.
    pub seismic: Seismic,
    /// Pore-water source of every load case.
    pub pore_water: PoreWaterSpec,
    /// Load cases to run (default: normal, flood when there is a pond to route, special when
    /// `seismic.kh > 0`).
    pub load_cases: Vec<LoadCaseKind>,
    /// Surcharges on the ground surface.
    pub surcharges: Vec<Surcharge>,
    pub tension_crack: Option<TensionCrack>,
    /// Keep the slice table of each critical surface (`--slices` on the command line too).
    pub slice_table: bool,
}

/// Upper bound on grid trials (memory of one FoS per trial; a finer grid is better refined).
const MAX_TRIALS: usize = 2_000_000;

pub(crate) fn stability(raw: &RawStability, p: &mut Problems) -> Option<StabilitySpec> {
    let before = p.len();
    let methods: Vec<Method> = match &raw.methods {
        None => vec![Method::Bishop, Method::Ordinary],
        Some(names) => names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let m = Method::ALL.into_iter().find(|m| m.name() == n);
                if m.is_none() {
                    let known: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
                    p.push(
                        format!("stability.methods[{i}]"),
                        format!("unknown method {n:?} (one of {})", known.join(", ")),
                    );
                }
                m
            })
            .collect(),
    };
    if raw.methods.as_ref().is_some_and(Vec::is_empty) {
        p.push("stability.methods", "give at least one method");
    }
    let slices = raw.slices.unwrap_or(30);
    if !(2..=2000).contains(&slices) {
        p.push("stability.slices", format!("{slices} is outside 2..=2000"));
    }
    let count = |p: &mut Problems, key: &str, n: usize| {
        if n == 0 {
            p.push(format!("stability.search.{key}"), "must be at least 1");
        }
    };
    let ordered = |p: &mut Problems, key: &str, lo: f64, hi: f64| {
        if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
            p.push(
                format!("stability.search.{key}"),
                format!("range {lo} to {hi} must be finite and ordered"),
            );
        }
    };
    let surfaces = match raw.search {
        RawSearch::Grid {
            x_min_m,
            x_max_m,
            nx,
            y_min_m,
            y_max_m,
            ny,
            tangent_min_m,
            tangent_max_m,
            tangents,
        } => {
            ordered(p, "x_min_m", x_min_m, x_max_m);
            ordered(p, "y_min_m", y_min_m, y_max_m);
            ordered(p, "tangent_min_m", tangent_min_m, tangent_max_m);
            for (k, n) in [("nx", nx), ("ny", ny), ("tangents", tangents)] {
                count(p, k, n);
            }
            if nx.saturating_mul(ny).saturating_mul(tangents) > MAX_TRIALS {
                p.push(
                    "stability.search",
                    format!("{nx} x {ny} x {tangents} trials exceed {MAX_TRIALS}"),
                );
            }
            let centres = CentreGrid {
                x_min: x_min_m,
                x_max: x_max_m,
                nx,
                y_min: y_min_m,
                y_max: y_max_m,
                ny,
            };
            let radii =
                Radii::Tangents { y_min: tangent_min_m, y_max: tangent_max_m, count: tangents };
            SurfacesSpec::Trials(CircleTrials::Grid { centres, radii })
        }
        RawSearch::EntryExit {
            entry_from_m,
            entry_to_m,
            exit_from_m,
            exit_to_m,
            points,
            radii,
        } => {
            ordered(p, "entry_from_m", entry_from_m, entry_to_m);
            ordered(p, "exit_from_m", exit_from_m, exit_to_m);
            count(p, "points", points);
            count(p, "radii", radii);
            SurfacesSpec::Trials(CircleTrials::EntryExit {
                entry: (entry_from_m, entry_to_m),
                exit: (exit_from_m, exit_to_m),
                points,
                radii,
            })
        }
        RawSearch::Auto => SurfacesSpec::Auto,
        RawSearch::Circle { xc_m, yc_m, radius_m } => {
            if !(xc_m.is_finite() && yc_m.is_finite() && radius_m.is_finite() && radius_m > 0.0) {
                p.push(
                    "stability.search.radius_m",
                    format!("circle ({xc_m}, {yc_m}) R {radius_m} needs a finite centre and R > 0"),
                );
            }
            SurfacesSpec::Specified(SlipSurface::Circle { xc_m, yc_m, radius_m })
        }
    };
    let seismic = match &raw.seismic {
        None => Seismic::default(),
        Some(s) => {
            if !(s.kh.is_finite() && (0.0..1.0).contains(&s.kh)) {
                p.push("stability.seismic.kh", format!("{} is outside [0, 1)", s.kh));
            }
            match s.vertical.as_deref().unwrap_or("none") {
                "none" => Seismic::horizontal(s.kh),
                "third_up" => Seismic::with_vertical_third(s.kh, true),
                "third_down" => Seismic::with_vertical_third(s.kh, false),
                other => {
                    p.push(
                        "stability.seismic.vertical",
                        format!("{other:?} is not none, third_up or third_down"),
                    );
                    Seismic::horizontal(s.kh)
                }
            }
        }
    };
    (p.len() == before).then(|| StabilitySpec {
        section: raw.section.clone(),
        methods,
        slices,
        noncircular: raw.noncircular,
        surfaces,
        seismic,
        pore_water: PoreWaterSpec::Seepage,
        load_cases: Vec::new(),
        surcharges: Vec::new(),
        tension_crack: None,
        slice_table: false,
    })
}

impl StabilitySpec {
    /// The stability crate's settings for a model of the section (the automatic grid needs it).
    pub fn analysis_settings(
        &self,
        model: &SlopeModel,
    ) -> Result<AnalysisSettings, StabilityError> {
        let trials = match &self.surfaces {
            SurfacesSpec::Trials(t) => Some(*t),
            SurfacesSpec::Auto => Some(CircleTrials::auto(model, None)?),
            SurfacesSpec::Specified(_) => None,
        };
        let surfaces = match (&self.surfaces, trials) {
            (SurfacesSpec::Specified(s), _) => {
                SurfaceSpec::Specified { surface: s.clone(), slices: self.slices }
            }
            (_, Some(t)) => {
                let mut s = SearchSettings::new(Method::Bishop, t);
                s.slices = self.slices;
                s.noncircular = self.noncircular.then(NonCircular::default);
                SurfaceSpec::Search(s)
            }
            (_, None) => unreachable!("trials exist for every searched surface spec"),
        };
        Ok(AnalysisSettings {
            methods: self.methods.clone(),
            surfaces,
            keep_slices: false,
            solver: SolverSettings::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<StabilitySpec>, Vec<String>) {
        let raw: RawStability = toml::from_str(text).unwrap();
        let mut p = Problems::default();
        let s = stability(&raw, &mut p);
        (s, p.into_vec().into_iter().map(|x| x.path).collect())
    }

    // Goal: a complete block converts to the stability crate's settings (SI, method names).
    #[test]
    fn stability_block_converts_to_settings() {
        let (s, problems) = parse(
            r#"methods = ["bishop", "spencer"]
               slices = 40
               noncircular = true
               search = { kind = "entry_exit", entry_from_m = 45.0, entry_to_m = 60.0, exit_from_m = 25.0, exit_to_m = 32.0, points = 10, radii = 10 }
               seismic = { kh = 0.1, vertical = "third_up" }"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let s = s.unwrap();
        assert_eq!(s.methods, vec![Method::Bishop, Method::Spencer]);
        assert_eq!(s.seismic, Seismic::with_vertical_third(0.1, true));
        let g = [(0.0, 25.0), (30.0, 25.0), (50.0, 35.0), (90.0, 35.0)]
            .map(|(x, z)| tailtwin_core::Point2::new(x, z));
        let m = tailtwin_stability::Material::mohr_coulomb("s", 20e3, 3e3, 0.34);
        let model = SlopeModel::single_layer(&g, 20.0, m).unwrap();
        let a = s.analysis_settings(&model).unwrap();
        let SurfaceSpec::Search(search) = a.surfaces else { panic!("search expected") };
        assert_eq!(search.slices, 40);
        assert!(search.noncircular.is_some());
    }

    // Goal: bad values are reported with their key paths, all at once.
    #[test]
    fn bad_stability_values_name_their_keys() {
        let (s, problems) = parse(
            r#"methods = ["bishop", "fellenius"]
               slices = 1
               search = { kind = "grid", x_min_m = 50.0, x_max_m = 20.0, nx = 0, y_min_m = 35.0, y_max_m = 70.0, ny = 20, tangent_min_m = 20.0, tangent_max_m = 30.0, tangents = 20 }
               seismic = { kh = 1.2, vertical = "sideways" }"#,
        );
        assert!(s.is_none());
        for key in [
            "stability.methods[1]",
            "stability.slices",
            "stability.search.x_min_m",
            "stability.search.nx",
            "stability.seismic.kh",
            "stability.seismic.vertical",
        ] {
            assert!(problems.iter().any(|p| p == key), "{key} missing from {problems:?}");
        }
    }
}
