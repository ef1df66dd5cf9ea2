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
use crate::section::{PointsSource, points};
use serde::Deserialize;
use std::path::Path;
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
    /// "seepage" | "dry" | { ru } | { phreatic_line, correction }.
    pub pore_water: Option<RawPoreWater>,
    /// "normal" | "flood" | "special" (default: see [`StabilitySpec::load_cases`]).
    pub load_cases: Option<Vec<String>>,
    #[serde(default)]
    pub surcharges: Vec<RawSurcharge>,
    pub tension_crack: Option<RawTensionCrack>,
    #[serde(default)]
    pub slice_table: bool,
    /// Least greatest depth of an admissible sliding mass, m (skips skin slides; default 0).
    pub min_slip_depth_m: Option<f64>,
}

impl RawStability {
    /// True unless the pore water is given without seepage (dry, r_u or a phreatic line).
    pub fn needs_seepage(&self) -> bool {
        match &self.pore_water {
            None => true,
            Some(RawPoreWater::Name(n)) => n == "seepage",
            Some(RawPoreWater::Table(_)) => false,
        }
    }
}

/// `stability.pore_water`: a name or a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawPoreWater {
    /// "seepage" | "dry".
    Name(String),
    /// `{ ru = 0.2 }` or `{ phreatic_line = [[x, z], …] | "file.csv", correction = "none" | "cos2" }`.
    Table(RawPoreWaterTable),
}

/// The table forms of `stability.pore_water`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoreWaterTable {
    pub ru: Option<f64>,
    pub phreatic_line: Option<PointsSource>,
    pub correction: Option<String>,
}

/// `surcharges = [{ from_x_m, to_x_m, pressure_kpa }]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSurcharge {
    pub from_x_m: f64,
    pub to_x_m: f64,
    pub pressure_kpa: f64,
}

/// `tension_crack = { depth_m, water_filled }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTensionCrack {
    pub depth_m: f64,
    #[serde(default)]
    pub water_filled: bool,
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
    /// One specified polyline surface (x increasing; the end segments may be vertical).
    Polyline {
        points: PointsSource,
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
    /// Searched surfaces whose sliding mass is nowhere this deep are not admissible, m
    /// (SLOPE/W's "minimum slip surface depth": keeps surficial slides of cohesionless faces
    /// from hiding the deeper surfaces the code cases are about). 0 = every surface.
    pub min_slip_depth_m: f64,
}

/// Upper bound on grid trials (memory of one FoS per trial; a finer grid is better refined).
const MAX_TRIALS: usize = 2_000_000;

pub(crate) fn stability(
    raw: &RawStability,
    base_dir: &Path,
    p: &mut Problems,
) -> Option<StabilitySpec> {
    let before = p.len();
    let methods: Vec<Method> = match &raw.methods {
        None => vec![Method::Bishop, Method::Ordinary],
        Some(names) => methods(names, "stability.methods", p),
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
        RawSearch::Polyline { points: ref src } => {
            let key = "stability.search.points";
            let pts = points(src, key, base_dir, p).unwrap_or_default();
            slip_polyline(&pts, key, p);
            SurfacesSpec::Specified(SlipSurface::Polyline { points: pts })
        }
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
    let pore_water = pore_water(raw.pore_water.as_ref(), base_dir, p);
    let load_cases = load_cases(raw.load_cases.as_deref(), p);
    let surcharges = raw
        .surcharges
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let key = |k: &str| format!("stability.surcharges[{i}].{k}");
            let from = p.finite(&key("from_x_m"), s.from_x_m)?;
            let to = p.finite(&key("to_x_m"), s.to_x_m)?;
            let q = p.non_negative(&key("pressure_kpa"), s.pressure_kpa)?;
            if to <= from {
                p.push(key("to_x_m"), format!("{to} is not beyond from_x_m = {from}"));
                return None;
            }
            Some(Surcharge { x_from: from, x_to: to, pressure: q * 1e3 })
        })
        .collect();
    let tension_crack = raw.tension_crack.as_ref().and_then(|t| {
        p.positive("stability.tension_crack.depth_m", t.depth_m)
            .map(|depth| TensionCrack { depth, water_filled: t.water_filled })
    });
    let min_slip_depth_m = match raw.min_slip_depth_m {
        None => 0.0,
        Some(d) => p.non_negative("stability.min_slip_depth_m", d).unwrap_or(0.0),
    };
    (p.len() == before).then(|| StabilitySpec {
        section: raw.section.clone(),
        methods,
        slices,
        noncircular: raw.noncircular,
        surfaces,
        seismic,
        pore_water: pore_water.unwrap_or(PoreWaterSpec::Seepage),
        load_cases,
        surcharges,
        tension_crack,
        slice_table: raw.slice_table,
        min_slip_depth_m,
    })
}

/// What `[stability]` needs to know about the rest of the scenario.
pub(crate) struct StabilityContext<'a> {
    /// Names of the `[[section]]`s, in file order.
    pub sections: Vec<&'a str>,
    /// The scenario has a `[pond]`.
    pub has_pond: bool,
    /// The pond has something to route (a storm or an inflow): a design-flood peak exists.
    pub routes_flood: bool,
    /// Pond levels will be solved by seepage (the pond's, or `[seepage] pond_levels_m`).
    pub solves_levels: bool,
}

/// Cross-checks `[stability]` with the scenario and fills its defaults: the section (the first),
/// the pore water ("seepage" when levels are solved) and the load cases (normal; flood when the
/// pond routes a flood; special when `seismic.kh > 0`).
pub(crate) fn resolve(
    spec: &mut StabilitySpec,
    raw: &RawStability,
    cx: &StabilityContext<'_>,
    p: &mut Problems,
) {
    match (&raw.section, cx.sections.first()) {
        (_, None) => p.push(
            "stability",
            "there is no [[section]] to analyse: add the dam section and its [[material]]s",
        ),
        (Some(name), Some(_)) if !cx.sections.contains(&name.as_str()) => p.push(
            "stability.section",
            format!(
                "unknown section {name:?} (sections: {})",
                cx.sections.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
            ),
        ),
        (Some(_), Some(_)) => {}
        (None, Some(first)) => spec.section = Some((*first).to_owned()),
    }
    if spec.pore_water == PoreWaterSpec::Seepage && !cx.solves_levels && !cx.sections.is_empty() {
        let message = if raw.pore_water.is_some() {
            "\"seepage\" needs pond levels to solve: give a [pond] or [seepage] pond_levels_m"
        } else {
            "missing: no pond levels are solved for seepage (no [pond], no [seepage] \
             pond_levels_m): give pore_water = \"dry\", { ru = … } or { phreatic_line = … }"
        };
        p.push("stability.pore_water", message);
    }
    if raw.load_cases.is_none() {
        spec.load_cases = vec![LoadCaseKind::Normal];
        if cx.routes_flood {
            spec.load_cases.push(LoadCaseKind::Flood);
        }
        if spec.seismic.kh > 0.0 {
            spec.load_cases.push(LoadCaseKind::Special);
        }
        return;
    }
    for (i, kind) in spec.load_cases.iter().enumerate() {
        let key = format!("stability.load_cases[{i}]");
        match kind {
            LoadCaseKind::Flood if !cx.has_pond => {
                p.push(key, "\"flood\" needs a [pond] whose design flood is routed")
            }
            LoadCaseKind::Flood if !cx.routes_flood => {
                p.push(key, "\"flood\" needs a flood to route ([storm] or [inflow])")
            }
            LoadCaseKind::Special if spec.seismic.kh <= 0.0 => {
                p.push(key, "\"special\" is the earthquake case: give seismic.kh > 0")
            }
            _ => {}
        }
    }
}

/// A specified polyline slip surface: at least two points, x increasing (the first and the last
/// segment may be vertical: tension cracks).
/// The methods named in `names` (the list at key `key`); each unknown name is a problem.
pub(crate) fn methods(names: &[String], key: &str, p: &mut Problems) -> Vec<Method> {
    names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let m = Method::ALL.into_iter().find(|m| m.name() == n);
            if m.is_none() {
                let known: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
                p.push(
                    format!("{key}[{i}]"),
                    format!("unknown method {n:?} (one of {})", known.join(", ")),
                );
            }
            m
        })
        .collect()
}

fn slip_polyline(pts: &[tailtwin_core::Point2], key: &str, p: &mut Problems) {
    if pts.len() < 2 {
        p.push(key, format!("needs at least 2 points, has {}", pts.len()));
        return;
    }
    let last = pts.len() - 2;
    for (i, w) in pts.windows(2).enumerate() {
        let end = i == 0 || i == last;
        let ok = w[1].x > w[0].x || (end && w[1].x == w[0].x && w[1].z != w[0].z);
        if !ok {
            p.push(
                format!("{key}[{}]", i + 1),
                format!(
                    "x = {} after {}: x must increase (only the end segments may be vertical)",
                    w[1].x, w[0].x
                ),
            );
            return;
        }
    }
}

/// `stability.pore_water`; None when not given (the default is decided with the scenario).
fn pore_water(
    raw: Option<&RawPoreWater>,
    base_dir: &Path,
    p: &mut Problems,
) -> Option<PoreWaterSpec> {
    let key = "stability.pore_water";
    match raw? {
        RawPoreWater::Name(n) => match n.as_str() {
            "seepage" => Some(PoreWaterSpec::Seepage),
            "dry" => Some(PoreWaterSpec::Dry),
            other => {
                p.push(
                    key,
                    format!(
                        "unknown pore water {other:?} (allowed: \"seepage\", \"dry\", {{ ru = … }}, \
                         {{ phreatic_line = … }})"
                    ),
                );
                None
            }
        },
        RawPoreWater::Table(t) => match (t.ru, &t.phreatic_line) {
            (Some(ru), None) => {
                if t.correction.is_some() {
                    p.push(format!("{key}.correction"), "only applies to a phreatic_line");
                }
                p.in_range(&format!("{key}.ru"), ru, 0.0, 1.0).map(PoreWaterSpec::Ru)
            }
            (None, Some(src)) => {
                let lk = format!("{key}.phreatic_line");
                let correction = match t.correction.as_deref().unwrap_or("none") {
                    "none" => Some(HydrostaticCorrection::None),
                    "cos2" => Some(HydrostaticCorrection::CosSquared),
                    other => {
                        p.push(
                            format!("{key}.correction"),
                            format!("unknown correction {other:?} (allowed: none, cos2)"),
                        );
                        None
                    }
                };
                let pts = points(src, &lk, base_dir, p)?;
                let line = Polyline::x_monotone(&lk, pts)
                    .map_err(|e| p.push(lk.clone(), e.to_string()))
                    .ok()?;
                Some(PoreWaterSpec::PhreaticLine { line, correction: correction? })
            }
            _ => {
                p.push(key, "give exactly one of ru or phreatic_line");
                None
            }
        },
    }
}

/// `stability.load_cases` as written (empty when not given; the defaults need the scenario).
fn load_cases(raw: Option<&[String]>, p: &mut Problems) -> Vec<LoadCaseKind> {
    let Some(names) = raw else { return Vec::new() };
    if names.is_empty() {
        p.push("stability.load_cases", "give at least one load case (or leave the key out)");
    }
    let mut out = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let kind = match n.as_str() {
            "normal" => LoadCaseKind::Normal,
            "flood" => LoadCaseKind::Flood,
            "special" => LoadCaseKind::Special,
            other => {
                p.push(
                    format!("stability.load_cases[{i}]"),
                    format!("unknown load case {other:?} (allowed: normal, flood, special)"),
                );
                continue;
            }
        };
        if out.contains(&kind) {
            p.push(format!("stability.load_cases[{i}]"), format!("{n:?} is listed twice"));
        } else {
            out.push(kind);
        }
    }
    out
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
                s.min_depth_m = self.min_slip_depth_m;
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
        let s = stability(&raw, Path::new("."), &mut p);
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
               seismic = { kh = 0.1, vertical = "third_up" }
               min_slip_depth_m = 4.0"#,
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
        assert_eq!(search.min_depth_m, 4.0);
        assert!(search.noncircular.is_some());
    }

    // Goal: bad values are reported with their key paths, all at once.
    #[test]
    fn bad_stability_values_name_their_keys() {
        let (s, problems) = parse(
            r#"methods = ["bishop", "fellenius"]
               slices = 1
               search = { kind = "grid", x_min_m = 50.0, x_max_m = 20.0, nx = 0, y_min_m = 35.0, y_max_m = 70.0, ny = 20, tangent_min_m = 20.0, tangent_max_m = 30.0, tangents = 20 }
               seismic = { kh = 1.2, vertical = "sideways" }
               min_slip_depth_m = -1.0"#,
        );
        assert!(s.is_none());
        for key in [
            "stability.methods[1]",
            "stability.slices",
            "stability.search.x_min_m",
            "stability.search.nx",
            "stability.seismic.kh",
            "stability.seismic.vertical",
            "stability.min_slip_depth_m",
        ] {
            assert!(problems.iter().any(|p| p == key), "{key} missing from {problems:?}");
        }
    }
}
