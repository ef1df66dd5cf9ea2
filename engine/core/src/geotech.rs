//! Products of the seepage and stability stages as reported (`Report`), stored (`results.h5`)
//! and drawn (`viz`). The process crates have richer types; the pipeline flattens them into
//! these so that `results` and `viz` need nothing but core.

use crate::check::Check;
use crate::section::{DamSection, Point2};
use serde::{Deserialize, Serialize};

/// Which pond level a seepage solution (or a stability load case) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelKind {
    /// 正常水位: the pond's normal operating level.
    Normal,
    /// 设计洪水位: the peak stage of the routed design flood.
    DesignFlood,
    /// A level given in the scenario's `[seepage] pond_levels_m`.
    Given,
}

impl LevelKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            LevelKind::Normal => "正常水位",
            LevelKind::DesignFlood => "设计洪水位",
            LevelKind::Given => "给定水位",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            LevelKind::Normal => "normal level",
            LevelKind::DesignFlood => "design-flood level",
            LevelKind::Given => "given level",
        }
    }
}

/// The operating condition a stability load case stands for (运行工况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadCaseKind {
    /// 正常运行: steady seepage with the pond at its normal level, self-weight.
    Normal,
    /// 洪水运行: steady seepage with the pond at the design-flood level (peak from routing).
    Flood,
    /// 特殊运行: the normal case plus the pseudo-static earthquake.
    Special,
}

impl LoadCaseKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            LoadCaseKind::Normal => "正常运行",
            LoadCaseKind::Flood => "洪水运行",
            LoadCaseKind::Special => "特殊运行",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            LoadCaseKind::Normal => "normal operation",
            LoadCaseKind::Flood => "flood operation",
            LoadCaseKind::Special => "special (seismic) operation",
        }
    }
}

/// A trial or specified slip surface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlipSurface {
    /// Circle with centre (xc, yc) and radius, m; its lower arc is the surface.
    Circle { xc_m: f64, yc_m: f64, radius_m: f64 },
    /// Polyline with x increasing; the first and last segments may be vertical (a crack reaching
    /// the ground at either end).
    Polyline { points: Vec<Point2> },
}

/// Flow through one boundary group of a seepage solution, m²/s per metre of dam; positive = out
/// of the section (the pond's is negative: it feeds the section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeepageOutletFlow {
    pub name: String,
    /// "pond", "seepage_face", "tailwater", "drain" or "pipe".
    pub kind: String,
    pub flow_m2s: f64,
}

/// Burial depth of the phreatic line at a station of the outer slope: surface − phreatic
/// elevation. Where the vertical is dry to the base, `phreatic_m` is `None` and the depth is to
/// the base (a lower bound).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BurialDepth {
    pub x_m: f64,
    pub surface_m: f64,
    pub phreatic_m: Option<f64>,
    pub depth_m: f64,
}

/// One seepage solution (one section at one pond level) as reported: the entries of
/// `tailtwin seepage --json` and of `Report::seepage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeepageProfile {
    pub section: String,
    pub level: LevelKind,
    pub pond_level_m: f64,
    /// Net discharge from the pond through the section, m²/s per metre of dam.
    pub discharge_m2s: f64,
    /// Top of the seepage face (None: water leaves only through drains/pipes or not at all).
    pub exit_x_m: Option<f64>,
    pub exit_elevation_m: Option<f64>,
    pub seepage_face_length_m: f64,
    /// The phreatic line (p = 0), pond side first, as [x_m, z_m] pairs.
    pub phreatic_line: Vec<[f64; 2]>,
    /// The seepage face on the outer surface as [x_m, z_m] pairs (empty when none).
    pub seepage_face: Vec<[f64; 2]>,
    pub burial: Vec<BurialDepth>,
    pub min_burial_depth_m: Option<f64>,
    pub outlets: Vec<SeepageOutletFlow>,
    pub inflow_m2s: f64,
    pub outflow_m2s: f64,
    /// 100 (in − out) / in.
    pub mass_balance_error_pct: f64,
    pub iterations: usize,
    pub nodes: usize,
    pub elements: usize,
    pub warnings: Vec<String>,
}

/// Mesh and nodal fields of a seepage solution (results.h5 and plots; not in the JSON).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SeepageFields {
    /// Node coordinates [x_m, z_m].
    pub nodes: Vec<[f64; 2]>,
    /// Counter-clockwise node triples.
    pub triangles: Vec<[u32; 3]>,
    /// Index into the section's zones per triangle.
    pub element_zone: Vec<u32>,
    /// Total head per node, m.
    pub heads_m: Vec<f64>,
    /// Pore-water pressure per node, Pa (negative above the phreatic line).
    pub pore_pressure_pa: Vec<f64>,
}

/// A seepage solution: what is reported and the fields behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeepageRun {
    pub profile: SeepageProfile,
    pub fields: SeepageFields,
}

/// One (load case, method) result with its code minimum: the `results` entries of
/// `tailtwin stability --json` and of `Report::stability`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityResultRow {
    pub section: String,
    pub load_case: LoadCaseKind,
    /// Method name as in the scenario (`bishop`, `spencer`, `morgenstern_price_half_sine`, …).
    pub method: String,
    /// Pond level of the load case, m (None: no water against the surface).
    pub pond_level_m: Option<f64>,
    /// Horizontal seismic coefficient of the load case (0 outside the special case).
    pub kh: f64,
    /// None when the method gave no factor of safety (see `error`).
    pub fos: Option<f64>,
    /// Minimum factor of safety for the dam class, method and load case (None: not tabulated).
    pub required_fos: Option<f64>,
    /// Where `required_fos` comes from, e.g. "GB 39496-2020 §6.3.5" (None when not tabulated).
    pub required_source: Option<String>,
    /// fos ≥ required_fos (None when either is missing).
    pub meets_minimum: Option<bool>,
    /// AQ 2006-2005 standing of fos against required_fos (legacy status input), e.g. "normal".
    pub legacy_standing: Option<String>,
    /// Why the method gave no factor of safety.
    pub error: Option<String>,
    pub surface: Option<SlipSurface>,
    pub trials: usize,
}

/// A surface near the critical one, for shading by factor of safety on the plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedSurface {
    pub load_case: LoadCaseKind,
    pub method: String,
    pub fos: f64,
    pub surface: SlipSurface,
}

/// Least factor of safety over the radii at each centre of a search grid (None: no admissible
/// circle). Row-major: `fos[j * xs_m.len() + i]` at `(xs_m[i], ys_m[j])`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FosGrid {
    pub load_case: LoadCaseKind,
    pub method: String,
    pub xs_m: Vec<f64>,
    pub ys_m: Vec<f64>,
    pub fos: Vec<Option<f64>>,
}

/// One slice of a critical surface, for the slice table on request (forces per metre run).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SliceRow {
    pub x_mid_m: f64,
    pub width_m: f64,
    /// Base inclination, degrees (positive where the base descends downslope).
    pub alpha_deg: f64,
    pub weight_n_m: f64,
    pub pore_pressure_pa: f64,
    pub cohesion_pa: f64,
    pub friction_angle_deg: f64,
    /// Normal force on the base, N/m.
    pub normal_n_m: f64,
}

/// A slice table of one (load case, method) critical surface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceTable {
    pub load_case: LoadCaseKind,
    pub method: String,
    pub slices: Vec<SliceRow>,
}

/// The stability stage on one section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityRun {
    pub section: String,
    pub rows: Vec<StabilityResultRow>,
    /// Near-critical surfaces per (load case, method), lowest FoS first.
    pub near_critical: Vec<RankedSurface>,
    pub fos_grids: Vec<FosGrid>,
    /// Slice tables, when asked for.
    pub slice_tables: Vec<SliceTable>,
    /// Phreatic line used by each load case ([x_m, z_m]; empty when dry or r_u).
    pub phreatic_lines: Vec<(LoadCaseKind, Vec<[f64; 2]>)>,
}

/// Everything the seepage and stability stages produced for a scenario.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GeotechRun {
    /// The sections analysed (geometry, zones, materials) as the scenario gave them.
    pub sections: Vec<DamSection>,
    pub seepage: Vec<SeepageRun>,
    pub stability: Vec<StabilityRun>,
    /// Burial-depth and factor-of-safety check rows (also in the Report's check table).
    pub checks: Vec<Check>,
    /// Burial-depth control lines (浸润线控制线) per section, `(section name, [x_m, z_m] points)`,
    /// drawn dashed on the seepage plot; empty when the scenario gives none.
    #[serde(default)]
    pub control_lines: Vec<(String, Vec<[f64; 2]>)>,
}

impl GeotechRun {
    /// The seepage profiles (what the JSON reports).
    pub fn profiles(&self) -> Vec<SeepageProfile> {
        self.seepage.iter().map(|s| s.profile.clone()).collect()
    }

    /// The stability rows of every section.
    pub fn stability_rows(&self) -> Vec<StabilityResultRow> {
        self.stability.iter().flat_map(|s| s.rows.iter().cloned()).collect()
    }
}
