//! `[dambreak]`: a breach of the dam, its trigger, the tailings it releases and the downstream
//! terrain on which the released flow is routed in 2D.
//!
//! ```toml
//! [dambreak]
//! trigger = { kind = "forced", time_h = 6.0 }  # | { kind = "overtopping", depth_m, duration_min }
//!                                              # | { kind = "piping", time_h } | { …, level_m }
//! geometry = { bottom_m = 350.0, final_bottom_width_m = 40.0, side_slope = 1.0, formation_time_h = 0.5 }
//! # geometry = "froehlich_2008"   # or "mlm" (needs crest_width_m, upstream_slope, downstream_slope)
//! progression = "linear"          # | "sine"
//! weir = { rectangular = 1.705, triangular = 1.268 }   # optional, m^½/s
//! tailings = { released_volume_m3 = 1.0e6, concentration = 0.3 }   # or released_volume_m3 = "regression"
//! # tailings.rheology = "none" (default) | "from_concentration" | { model = "bingham", … }:
//! # see [`rheology`]; tailings.solids_density_kgm3 = 2700.0 (default)
//! dem = "valley.asc"              # ESRI ASCII grid or GeoTIFF, relative to the scenario file
//! crs_epsg = 32649                # written into the output GeoTIFFs when the DEM has no CRS
//! manning_n = 0.045               # | { raster = "n.asc" } | { land_cover = "lc.asc", classes = { "1" = 0.035 } }
//! inflow = { from = [500040.0, 3400600.0], to = [500040.0, 3401000.0], direction_deg = 90.0 }
//! points = [{ name = "village", x = 503000.0, y = 3400800.0, kind = "village", population = 850 }]
//! solver = { order = "second", limiter = "mc", duration_h = 2.0, output_interval_s = 60.0, arrival_depth_m = 0.1, boundaries = { east = "open" } }
//! ```

pub mod rheology;

use crate::error::Problems;
pub use rheology::{RawRheology, RawRheologyTable, RheologySpec};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use tailtwin_inundation::{
    Boundaries, Boundary, Limiter, ObservationPoint, Order, Raster, Roughness, Terrain, io,
};
use tailtwin_pond::structures::{Progression, WeirCoefficients};

/// `[dambreak]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDambreak {
    pub trigger: RawTrigger,
    pub geometry: RawGeometry,
    pub progression: Option<String>,
    pub weir: Option<RawWeir>,
    pub crest_width_m: Option<f64>,
    pub upstream_slope: Option<f64>,
    pub downstream_slope: Option<f64>,
    pub tailings: Option<RawTailings>,
    pub dem: String,
    pub crs_epsg: Option<u32>,
    /// Fixed tailwater level below the breach, m (submerged weir flow; default none).
    pub tailwater_m: Option<f64>,
    pub manning_n: RawManning,
    pub inflow: RawInflowLine,
    pub points: Option<RawPoints>,
    pub solver: Option<RawSolver>,
    /// Consequence estimate: `{ delay_s, understanding = "vague" | "precise" }`.
    pub warning: Option<RawWarning>,
}

/// `[dambreak] warning`: when the first warning goes out after the breach starts, and whether
/// people understand the severity (Graham 1999's categories).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWarning {
    pub delay_s: Option<f64>,
    pub understanding: Option<String>,
}

/// The trigger table.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawTrigger {
    Overtopping { depth_m: f64, duration_min: f64 },
    Piping { time_h: Option<f64>, level_m: Option<f64> },
    Forced { time_h: f64 },
}

/// `geometry = "froehlich_2008" | "mlm"` or the table of a given breach.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawGeometry {
    Regression(String),
    Given { bottom_m: f64, final_bottom_width_m: f64, side_slope: f64, formation_time_h: f64 },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeir {
    pub rectangular: f64,
    pub triangular: f64,
}

/// `released_volume_m3 = <number> | "regression"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawVolume {
    Value(f64),
    Named(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTailings {
    pub released_volume_m3: RawVolume,
    pub concentration: f64,
    /// Stored tailings volume for the regression, m³ (default: the pond's total storage).
    pub stored_volume_m3: Option<f64>,
    /// Solids (particle) density, kg/m³ (default 2700).
    pub solids_density_kgm3: Option<f64>,
    /// Resistance law of the mixture (default `"none"`: water, Manning only).
    pub rheology: Option<RawRheology>,
}

/// `manning_n = 0.045 | { raster = … } | { land_cover = …, classes = {…} } | { default_n = …,
/// polygons = [{ name, n, ring = [[x, y], …] }, …] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawManning {
    Constant(f64),
    Raster { raster: String },
    Classes { land_cover: String, classes: BTreeMap<String, f64> },
    Polygons { default_n: f64, polygons: Vec<RawRoughnessPolygon> },
}

/// A land-cover polygon of `manning_n.polygons`: cells whose centre lies inside take `n`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoughnessPolygon {
    pub name: String,
    pub n: f64,
    pub ring: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInflowLine {
    pub from: [f64; 2],
    pub to: [f64; 2],
    pub direction_deg: f64,
}

/// `points = [{ … }, …]` or `points = "points.csv"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawPoints {
    File(String),
    Inline(Vec<RawPoint>),
}

/// One observation point (inline or a CSV row `name,x,y,kind,population`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    pub name: String,
    pub x: f64,
    pub y: f64,
    #[serde(default)]
    pub kind: String,
    pub population: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSolver {
    pub order: Option<String>,
    pub limiter: Option<String>,
    pub cfl: Option<f64>,
    pub duration_h: Option<f64>,
    pub output_interval_s: Option<f64>,
    pub arrival_depth_m: Option<f64>,
    pub boundaries: Option<RawBoundaries>,
}

/// `boundaries = "open" | "wall" | { west, east, south, north }` (each side default wall).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawBoundaries {
    All(String),
    Sides {
        west: Option<String>,
        east: Option<String>,
        south: Option<String>,
        north: Option<String>,
    },
}

/// What starts the breach (SI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TriggerSpec {
    Overtopping { depth_m: f64, duration_s: f64 },
    PipingAtTime { time_s: f64 },
    PipingAtLevel { level_m: f64 },
    Forced { time_s: f64 },
}

impl TriggerSpec {
    /// Overtopping (Froehlich's and MLM's overtopping mode) rather than piping/forced.
    pub fn is_overtopping(&self) -> bool {
        matches!(self, TriggerSpec::Overtopping { .. })
    }
}

/// The breach size: given, or from a regression on the pond's volume and height at failure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GeometrySpec {
    Given {
        bottom_m: f64,
        final_bottom_width_m: f64,
        side_slope: f64,
        formation_time_s: f64,
    },
    /// Froehlich (2008), breach down to the pond bottom.
    Froehlich2008,
    /// MacDonald & Langridge-Monopolis (1984), breach down to the pond bottom, side slope 0.5,
    /// through an embankment of the given crest width and face slopes (H:V).
    Mlm {
        crest_width_m: f64,
        upstream_slope: f64,
        downstream_slope: f64,
    },
}

/// Released tailings volume.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReleasedVolume {
    Given(f64),
    /// Larrauri & Lall (2018) from the stored volume (recalled regression).
    Regression {
        stored_volume_m3: f64,
    },
}

/// Tailings released with the water.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailingsSpec {
    pub released: ReleasedVolume,
    /// Volumetric solids concentration of the mixture.
    pub concentration: f64,
    /// Mixture density `ρ_w + C_v (ρ_s − ρ_w)`, kg/m³.
    pub density_kgm3: f64,
    /// Resistance law of the mixture in the 2D run.
    pub rheology: RheologySpec,
}

/// The 2D run's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DambreakSolverSpec {
    pub order: Order,
    pub limiter: Limiter,
    pub cfl: f64,
    /// Simulated time after the breach starts, s.
    pub duration_s: f64,
    pub output_interval_s: f64,
    pub arrival_depth_m: f64,
    pub boundaries: Boundaries,
}

/// `[dambreak]`, validated (the DEM and rasters loaded and checked).
#[derive(Debug, Clone)]
pub struct DambreakSpec {
    pub trigger: TriggerSpec,
    pub geometry: GeometrySpec,
    pub progression: Progression,
    pub weir: WeirCoefficients,
    pub tailings: Option<TailingsSpec>,
    pub terrain: Terrain,
    /// Tailwater below the breach, m (Fread's submergence), when given.
    pub tailwater_m: Option<f64>,
    pub crs_epsg: Option<u32>,
    pub roughness: Roughness,
    /// Inflow line ends and the release direction as a unit vector `(east, north)`.
    pub inflow_from: (f64, f64),
    pub inflow_to: (f64, f64),
    pub direction: (f64, f64),
    pub points: Vec<(ObservationPoint, String)>,
    pub solver: DambreakSolverSpec,
    /// Warning delay after breach initiation, s (None: the consequence table's default).
    pub warning_delay_s: Option<f64>,
    /// People understand the flood severity precisely (None: the table's default).
    pub warning_understood_precisely: Option<bool>,
}

const HOUR: f64 = 3600.0;

/// Reads a raster (ASCII grid or GeoTIFF by extension) relative to `base`.
fn raster(base: &Path, file: &str) -> Result<Raster, String> {
    let path = base.join(file);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let r = if ext == "tif" || ext == "tiff" {
        io::read_geotiff(&path)
    } else {
        io::read_ascii_grid(&path)
    };
    r.map_err(|e| e.to_string())
}

fn boundary(key: &str, v: Option<&str>, p: &mut Problems) -> Boundary {
    match v {
        None | Some("wall") => Boundary::Wall,
        Some("open") => Boundary::Open,
        Some(o) => {
            p.push(key, format!("{o:?} is not a boundary: \"wall\" or \"open\""));
            Boundary::Wall
        }
    }
}

/// Validates `[dambreak]` against the pond's crest, bottom and total storage.
pub(crate) fn dambreak(
    r: &RawDambreak,
    pond: Option<(f64, f64, f64)>,
    base: &Path,
    p: &mut Problems,
) -> Option<DambreakSpec> {
    let before = p.len();
    let Some((crest, bottom, total_storage)) = pond else {
        p.push("dambreak", "a dam break needs a [pond] (the breach drains it)");
        return None;
    };
    let trigger = match &r.trigger {
        RawTrigger::Overtopping { depth_m, duration_min } => TriggerSpec::Overtopping {
            depth_m: p.non_negative("dambreak.trigger.depth_m", *depth_m).unwrap_or(0.0),
            duration_s: 60.0
                * p.non_negative("dambreak.trigger.duration_min", *duration_min).unwrap_or(0.0),
        },
        RawTrigger::Piping { time_h: Some(t), level_m: None } => TriggerSpec::PipingAtTime {
            time_s: HOUR * p.non_negative("dambreak.trigger.time_h", *t).unwrap_or(0.0),
        },
        RawTrigger::Piping { time_h: None, level_m: Some(z) } => {
            let z = p.finite("dambreak.trigger.level_m", *z).unwrap_or(crest);
            if z > crest || z <= bottom {
                p.push(
                    "dambreak.trigger.level_m",
                    format!("{z} must lie above the pond bottom {bottom} and not above the crest {crest}"),
                );
            }
            TriggerSpec::PipingAtLevel { level_m: z }
        }
        RawTrigger::Piping { .. } => {
            p.push("dambreak.trigger", "piping needs exactly one of time_h and level_m");
            TriggerSpec::PipingAtTime { time_s: 0.0 }
        }
        RawTrigger::Forced { time_h } => TriggerSpec::Forced {
            time_s: HOUR * p.non_negative("dambreak.trigger.time_h", *time_h).unwrap_or(0.0),
        },
    };
    let geometry = geometry(r, crest, bottom, p);
    let progression = match r.progression.as_deref() {
        None | Some("linear") => Progression::Linear,
        Some("sine") => Progression::Sine,
        Some(o) => {
            p.push("dambreak.progression", format!("{o:?}: \"linear\" or \"sine\""));
            Progression::Linear
        }
    };
    let weir = match &r.weir {
        None => WeirCoefficients::CRITICAL_FLOW,
        Some(w) => WeirCoefficients {
            rectangular: p.positive("dambreak.weir.rectangular", w.rectangular).unwrap_or(1.0),
            triangular: p.positive("dambreak.weir.triangular", w.triangular).unwrap_or(1.0),
        },
    };
    let tailings = r.tailings.as_ref().map(|t| {
        let released = match &t.released_volume_m3 {
            RawVolume::Value(v) => ReleasedVolume::Given(
                p.positive("dambreak.tailings.released_volume_m3", *v).unwrap_or(1.0),
            ),
            RawVolume::Named(n) if n == "regression" => ReleasedVolume::Regression {
                stored_volume_m3: t.stored_volume_m3.map_or(total_storage, |v| {
                    p.positive("dambreak.tailings.stored_volume_m3", v).unwrap_or(1.0)
                }),
            },
            RawVolume::Named(n) => {
                p.push(
                    "dambreak.tailings.released_volume_m3",
                    format!("{n:?}: a volume in m³ or \"regression\""),
                );
                ReleasedVolume::Given(1.0)
            }
        };
        // C_v in (0, 0.65): a mixture has solids, and above ~0.65 it no longer flows as a fluid
        // (the O'Brien–Julien relations were fitted for C_v ≤ 0.45).
        let key = "dambreak.tailings.concentration";
        let concentration = match p.finite(key, t.concentration) {
            Some(c) if c > 0.0 && c < rheology::MAX_CONCENTRATION => c,
            Some(c) => {
                p.push(key, format!("{c} is outside the allowed range (0, 0.65)"));
                0.3
            }
            None => 0.3,
        };
        let (density_kgm3, rheology) = rheology::rheology(t, concentration, p);
        TailingsSpec { released, concentration, density_kgm3, rheology }
    });

    // Terrain, roughness, inflow line, points: the inundation crate's own checks, keyed.
    let terrain = match raster(base, &r.dem)
        .and_then(|d| Terrain::from_raster(d).map_err(|e| e.to_string()))
    {
        Ok(t) => Some(t),
        Err(e) => {
            p.push("dambreak.dem", e);
            None
        }
    };
    let roughness = match &r.manning_n {
        RawManning::Constant(n) => Some(Roughness::Constant(*n)),
        RawManning::Raster { raster: f } => match raster(base, f) {
            Ok(r) => Some(Roughness::Raster(r)),
            Err(e) => {
                p.push("dambreak.manning_n.raster", e);
                None
            }
        },
        RawManning::Classes { land_cover, classes } => {
            let mut table = Vec::new();
            for (k, &n) in classes {
                match k.trim().parse::<i64>() {
                    Ok(c) => table.push((c, n)),
                    Err(_) => p.push(
                        format!("dambreak.manning_n.classes.{k}"),
                        "a land-cover class is an integer code",
                    ),
                }
            }
            match raster(base, land_cover) {
                Ok(r) => Some(Roughness::Classes { classes: r, table }),
                Err(e) => {
                    p.push("dambreak.manning_n.land_cover", e);
                    None
                }
            }
        }
        RawManning::Polygons { default_n, polygons } => {
            terrain.as_ref().and_then(|t| roughness_polygons(t, *default_n, polygons, p))
        }
    };
    if let (Some(t), Some(n)) = (&terrain, &roughness)
        && let Err(e) = n.resolve(t)
    {
        p.push("dambreak.manning_n", e.to_string());
    }
    let bearing = p.finite("dambreak.inflow.direction_deg", r.inflow.direction_deg).unwrap_or(0.0);
    let direction = (bearing.to_radians().sin(), bearing.to_radians().cos());
    let inflow_from = (r.inflow.from[0], r.inflow.from[1]);
    let inflow_to = (r.inflow.to[0], r.inflow.to[1]);
    if let Some(t) = &terrain {
        for (key, (x, y)) in
            [("dambreak.inflow.from", inflow_from), ("dambreak.inflow.to", inflow_to)]
        {
            if let Err(e) = t.active_cell_at(x, y, "the breach (inflow line end)") {
                p.push(key, e.to_string());
            }
        }
    }
    let points = points(r, base, terrain.as_ref(), p);
    let solver = solver(r.solver.as_ref(), p);
    let tailwater_m = match r.tailwater_m {
        None => None,
        Some(t) => {
            let t = p.finite("dambreak.tailwater_m", t);
            if let Some(t) = t
                && t >= crest
            {
                p.push(
                    "dambreak.tailwater_m",
                    format!("{t} is not below the dam crest {crest} (no breach flow)"),
                );
            }
            t
        }
    };
    let warning_delay_s = r
        .warning
        .as_ref()
        .and_then(|w| w.delay_s)
        .and_then(|d| p.non_negative("dambreak.warning.delay_s", d));
    let warning_understood_precisely =
        match r.warning.as_ref().and_then(|w| w.understanding.as_deref()) {
            None => None,
            Some("vague") => Some(false),
            Some("precise") => Some(true),
            Some(o) => {
                p.push(
                    "dambreak.warning.understanding",
                    format!("{o:?} is not \"vague\" or \"precise\""),
                );
                None
            }
        };
    if p.len() != before {
        return None;
    }
    Some(DambreakSpec {
        trigger,
        geometry: geometry?,
        progression,
        weir,
        tailings,
        terrain: terrain?,
        crs_epsg: r.crs_epsg,
        tailwater_m,
        roughness: roughness?,
        inflow_from,
        inflow_to,
        direction,
        points,
        solver,
        warning_delay_s,
        warning_understood_precisely,
    })
}

fn geometry(r: &RawDambreak, crest: f64, bottom: f64, p: &mut Problems) -> Option<GeometrySpec> {
    match &r.geometry {
        RawGeometry::Given { bottom_m, final_bottom_width_m, side_slope, formation_time_h } => {
            let z = p.finite("dambreak.geometry.bottom_m", *bottom_m)?;
            if z >= crest || z < bottom {
                p.push(
                    "dambreak.geometry.bottom_m",
                    format!("{z} must lie below the crest {crest} and not below the pond bottom {bottom}"),
                );
            }
            let b =
                p.non_negative("dambreak.geometry.final_bottom_width_m", *final_bottom_width_m)?;
            let s = p.in_range("dambreak.geometry.side_slope", *side_slope, 0.0, 100.0)?;
            if b == 0.0 && s == 0.0 {
                p.push(
                    "dambreak.geometry",
                    "a breach of zero width and zero side slope has no opening",
                );
            }
            let tf = p.non_negative("dambreak.geometry.formation_time_h", *formation_time_h)?;
            Some(GeometrySpec::Given {
                bottom_m: z,
                final_bottom_width_m: b,
                side_slope: s,
                formation_time_s: tf * HOUR,
            })
        }
        RawGeometry::Regression(n) if n == "froehlich_2008" => Some(GeometrySpec::Froehlich2008),
        RawGeometry::Regression(n) if n == "mlm" => {
            let mut need = |key: &str, v: Option<f64>| match v {
                Some(v) => p.non_negative(&format!("dambreak.{key}"), v),
                None => {
                    p.push(format!("dambreak.{key}"), "missing: geometry = \"mlm\" needs it");
                    None
                }
            };
            let crest_width_m = need("crest_width_m", r.crest_width_m);
            let upstream_slope = need("upstream_slope", r.upstream_slope);
            let downstream_slope = need("downstream_slope", r.downstream_slope);
            Some(GeometrySpec::Mlm {
                crest_width_m: crest_width_m?,
                upstream_slope: upstream_slope?,
                downstream_slope: downstream_slope?,
            })
        }
        RawGeometry::Regression(n) => {
            p.push(
                "dambreak.geometry",
                format!("{n:?}: a table {{ bottom_m, … }}, \"froehlich_2008\" or \"mlm\""),
            );
            None
        }
    }
}

fn points(
    r: &RawDambreak,
    base: &Path,
    terrain: Option<&Terrain>,
    p: &mut Problems,
) -> Vec<(ObservationPoint, String)> {
    let rows: Vec<RawPoint> = match &r.points {
        None => Vec::new(),
        Some(RawPoints::Inline(v)) => v.clone(),
        Some(RawPoints::File(f)) => match read_points_csv(&base.join(f)) {
            Ok(v) => v,
            Err(e) => {
                p.push("dambreak.points", e);
                Vec::new()
            }
        },
    };
    let mut out = Vec::new();
    for (k, pt) in rows.into_iter().enumerate() {
        let key = format!("dambreak.points[{k}]");
        if pt.name.trim().is_empty() {
            p.push(format!("{key}.name"), "empty name");
        }
        if let Some(t) = terrain
            && let Err(e) = t.active_cell_at(pt.x, pt.y, &format!("observation point {}", pt.name))
        {
            p.push(key, e.to_string());
            continue;
        }
        let o = ObservationPoint { name: pt.name, x: pt.x, y: pt.y, population: pt.population };
        out.push((o, pt.kind));
    }
    out
}

/// `name,x,y,kind,population` with a header line; `#` comment lines; population may be empty.
fn read_points_csv(path: &Path) -> Result<Vec<RawPoint>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let header = lines.next().ok_or_else(|| format!("{}: empty file", path.display()))?;
    let cols: Vec<&str> = header.1.split(',').map(str::trim).collect();
    if cols != ["name", "x", "y", "kind", "population"] {
        return Err(format!(
            "{} line {}: header must be name,x,y,kind,population",
            path.display(),
            header.0 + 1
        ));
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let bad = |what: &str| format!("{} line {}: {what}", path.display(), i + 1);
        if f.len() != 5 {
            return Err(bad("expected 5 fields"));
        }
        let num = |s: &str| s.parse::<f64>().map_err(|_| bad(&format!("{s:?} is not a number")));
        let population = if f[4].is_empty() {
            None
        } else {
            Some(f[4].parse::<u64>().map_err(|_| bad("population is not a whole number"))?)
        };
        out.push(RawPoint {
            name: f[0].to_owned(),
            x: num(f[1])?,
            y: num(f[2])?,
            kind: f[3].to_owned(),
            population,
        });
    }
    Ok(out)
}

fn solver(r: Option<&RawSolver>, p: &mut Problems) -> DambreakSolverSpec {
    let d = tailtwin_inundation::SolverSettings::default();
    let mut s = DambreakSolverSpec {
        order: d.order,
        limiter: d.limiter,
        cfl: d.cfl,
        duration_s: 6.0 * HOUR,
        output_interval_s: 60.0,
        arrival_depth_m: d.arrival_threshold_m,
        boundaries: Boundaries::all(Boundary::Wall),
    };
    let Some(r) = r else { return s };
    match r.order.as_deref() {
        None => {}
        Some("first") => s.order = Order::First,
        Some("second") => s.order = Order::Second,
        Some(o) => p.push("dambreak.solver.order", format!("{o:?}: \"first\" or \"second\"")),
    }
    match r.limiter.as_deref() {
        None => {}
        Some("mc") => s.limiter = Limiter::MonotonizedCentral,
        Some("van_leer") => s.limiter = Limiter::VanLeer,
        Some("minmod") => s.limiter = Limiter::Minmod,
        Some(o) => {
            p.push("dambreak.solver.limiter", format!("{o:?}: \"mc\", \"van_leer\" or \"minmod\""))
        }
    }
    if let Some(v) = r.cfl {
        s.cfl = p.in_range_open_low("dambreak.solver.cfl", v, 0.0, 0.5).unwrap_or(s.cfl);
    }
    if let Some(v) = r.duration_h {
        s.duration_s = HOUR * p.positive("dambreak.solver.duration_h", v).unwrap_or(1.0);
    }
    if let Some(v) = r.output_interval_s {
        s.output_interval_s = p.positive("dambreak.solver.output_interval_s", v).unwrap_or(60.0);
    }
    if let Some(v) = r.arrival_depth_m {
        s.arrival_depth_m = p.positive("dambreak.solver.arrival_depth_m", v).unwrap_or(0.1);
    }
    let key = "dambreak.solver.boundaries";
    s.boundaries = match &r.boundaries {
        None => s.boundaries,
        Some(RawBoundaries::All(v)) => Boundaries::all(boundary(key, Some(v), p)),
        Some(RawBoundaries::Sides { west, east, south, north }) => Boundaries {
            west: boundary(&format!("{key}.west"), west.as_deref(), p),
            east: boundary(&format!("{key}.east"), east.as_deref(), p),
            south: boundary(&format!("{key}.south"), south.as_deref(), p),
            north: boundary(&format!("{key}.north"), north.as_deref(), p),
        },
    };
    s
}

/// Rasterises `manning_n.polygons` onto the DEM grid: every cell takes `default_n`, then each
/// polygon in file order sets the cells whose centre lies inside it (a later polygon wins where
/// two overlap, as a later layer paints over an earlier one).
fn roughness_polygons(
    terrain: &Terrain,
    default_n: f64,
    polygons: &[RawRoughnessPolygon],
    p: &mut Problems,
) -> Option<Roughness> {
    let g = terrain.geometry;
    let mut values = vec![p.non_negative("dambreak.manning_n.default_n", default_n)?; g.cells()];
    let before = p.len();
    for (k, poly) in polygons.iter().enumerate() {
        let key = format!("dambreak.manning_n.polygons[{k}]");
        let Some(n) = p.non_negative(&format!("{key}.n"), poly.n) else { continue };
        let ring = poly.ring.iter().map(|&[x, y]| tailtwin_core::Point2::new(x, y)).collect();
        let polygon = match tailtwin_core::Polygon::new(&poly.name, ring) {
            Ok(polygon) => polygon,
            Err(e) => {
                p.push(format!("{key}.ring"), e.to_string());
                continue;
            }
        };
        let mut hit = false;
        for j in 0..g.ny {
            for i in 0..g.nx {
                let (x, y) = g.centre(i, j);
                if polygon.contains(tailtwin_core::Point2::new(x, y)) {
                    values[g.index(i, j)] = n;
                    hit = true;
                }
            }
        }
        if !hit {
            p.push(
                format!("{key}.ring"),
                format!("polygon {:?} covers no DEM cell centre", poly.name),
            );
        }
    }
    if p.len() != before {
        return None;
    }
    match Raster::new(g, values) {
        Ok(r) => Some(Roughness::Raster(r)),
        Err(e) => {
            p.push("dambreak.manning_n", e.to_string());
            None
        }
    }
}
