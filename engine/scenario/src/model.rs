//! The validated scenario, in SI units with absolute elevations and resolved ids.
//!
//! These are plain descriptions; the pipeline builds the process crates' objects (storm, catchment,
//! structures, pond) from them. Every value here has passed `validate`: finite, in range, curves
//! monotone, cross-references resolved.

use std::path::PathBuf;
use tailtwin_core::{Elevation, Hydrograph, Standard};

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub meta: Meta,
    /// `[pond]`; None for a scenario of dam sections alone (seepage and stability only: the
    /// flood commands refuse it, see `build::pond_spec`).
    pub pond: Option<PondSpec>,
    pub catchment: Option<CatchmentSpec>,
    pub storm: Option<StormSpec>,
    /// Given inflow hydrograph (added to the catchment inflow when both exist).
    pub inflow: Option<Hydrograph>,
    /// Structures in file order; series links are indices into this vector.
    pub structures: Vec<StructureSpec>,
    pub routing: RoutingSpec,
    pub limits: LimitOverridesSpec,
    /// `[stability]` settings, when given.
    pub stability: Option<crate::stability::StabilitySpec>,
    /// Dam cross-sections (`[[section]]`, with the `[[material]]`s they use), in file order.
    pub sections: Vec<DamSectionSpec>,
    /// `[seepage]` settings (None: defaults, when there are sections).
    pub seepage: Option<SeepageSpec>,
    /// `[dambreak]`: the breach and the downstream terrain (DEM loaded and checked).
    pub dambreak: Option<crate::dambreak::DambreakSpec>,
    /// `[ensemble]`: the Monte-Carlo flood ensemble's uncertain inputs.
    pub ensemble: Option<crate::ensemble::EnsembleSpec>,
    /// `[inspection]`: the latest safety inspection (status inputs).
    pub inspection: Option<tailtwin_risk::status::Inspection>,
    /// `[warnings]`: pond levels and site warning thresholds (defaults when absent).
    pub warnings: tailtwin_risk::status::WarningSettings,
    /// `[reliability]`: random variables of the slope-reliability analysis, when given.
    pub reliability: Option<crate::reliability::ReliabilitySpec>,
    /// The scenario file verbatim.
    pub source_toml: String,
    /// Folder of the scenario file (CSV paths are relative to it).
    pub base_dir: PathBuf,
}

impl Scenario {
    /// `[seepage]` as given, or the defaults (which solve at the pond's levels when there is a
    /// `[pond]`).
    pub fn seepage_spec(&self) -> SeepageSpec {
        self.seepage.clone().unwrap_or_else(|| SeepageSpec {
            settings: tailtwin_seepage::SeepageSettings::default(),
            pond_levels_m: Vec::new(),
            at_pond_levels: self.pond.is_some(),
            draw_mesh: false,
        })
    }

    /// Index in [`Scenario::sections`] of the section `[stability]` analyses (validation has
    /// checked the name and filled in the default, the first section).
    pub fn stability_section_index(&self) -> Option<usize> {
        let name = self.stability.as_ref()?.section.as_deref()?;
        self.sections.iter().position(|s| s.section.name == name)
    }
}

/// Operating period for the design-flood table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatingPeriod {
    /// 初期.
    Initial,
    /// 中、后期.
    MiddleLate,
}

/// `[scenario]`.
#[derive(Debug, Clone)]
pub struct Meta {
    pub name: String,
    pub description: String,
    pub standard: Standard,
    pub period: OperatingPeriod,
    pub severe_downstream: bool,
    pub upper_end_of_range: bool,
    /// m/s².
    pub gravity: f64,
    /// Portfolio ranking keys (`key_pond`, `underground_workers_per_shift`, `county`,
    /// `key_county`); see [`Meta::key_pond_reasons`].
    pub key_pond: bool,
    pub underground_workers_per_shift: Option<u32>,
    pub county: Option<String>,
    pub key_county: bool,
}

impl Meta {
    /// Why the pond is a key pond (重点尾矿库) for the portfolio ranking: named by the
    /// supervisor, more than 30 people underground per shift, or in a key county. Empty when it
    /// is not one.
    pub fn key_pond_reasons(&self) -> Vec<String> {
        let mut r = Vec::new();
        if self.key_pond {
            r.push("重点尾矿库 / named key pond".to_owned());
        }
        if let Some(n) = self.underground_workers_per_shift.filter(|&n| n > 30) {
            r.push(format!("井下每班 {n} 人 > 30 / {n} people underground per shift > 30"));
        }
        if self.key_county {
            let c = self.county.as_deref().unwrap_or("—");
            r.push(format!("重点区县 {c} / key county {c}"));
        }
        r
    }
}

/// Dam construction type (decides how freeboard and beach length are measured).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DamType {
    Upstream,
    Downstream,
    Centerline,
    WaterRetaining,
}

impl DamType {
    /// Name as written in the scenario.
    pub fn key(self) -> &'static str {
        match self {
            DamType::Upstream => "upstream",
            DamType::Downstream => "downstream",
            DamType::Centerline => "centerline",
            DamType::WaterRetaining => "water_retaining",
        }
    }
}

/// Stage–storage–area table (absolute elevations, m; m³; m²). At least one of volume and area.
#[derive(Debug, Clone, PartialEq)]
pub struct StageStorageTable {
    pub elevation_m: Vec<f64>,
    pub volume_m3: Option<Vec<f64>>,
    pub area_m2: Option<Vec<f64>>,
}

/// The tailings beach.
#[derive(Debug, Clone, PartialEq)]
pub enum BeachSpec {
    /// Mean slope (drop per horizontal metre).
    Slope(f64),
    /// Surveyed profile: distance from the beach crest (m, increasing) against elevation (m,
    /// non-increasing).
    Profile { distance_m: Vec<f64>, elevation_m: Vec<f64> },
}

/// `[pond]`.
#[derive(Debug, Clone)]
pub struct PondSpec {
    pub dam_type: DamType,
    pub bottom: Elevation,
    pub crest: Elevation,
    pub crest_length_m: f64,
    pub overtopping_coefficient: f64,
    /// Beach crest (沉积滩顶); equals the dam crest when not given.
    pub beach_crest: Elevation,
    pub normal_level: Elevation,
    /// Routing start level (default the normal level).
    pub initial_level: Elevation,
    pub dam_height_m: f64,
    pub total_storage_m3: f64,
    pub stage_storage: StageStorageTable,
    pub beach: Option<BeachSpec>,
    pub dry_stack: bool,
    pub wind_setup_m: Option<f64>,
    pub wave_runup_m: Option<f64>,
    pub rain_on_pond: bool,
    /// Extra area draining directly to the pond, m².
    pub direct_area_m2: f64,
    pub max_allowed_level: Option<Elevation>,
}

/// Antecedent moisture condition of the SCS-CN method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amc {
    I,
    II,
    III,
}

/// Runoff method.
#[derive(Debug, Clone, PartialEq)]
pub enum RunoffSpec {
    ScsCn {
        curve_number: f64,
        amc: Amc,
        ia_ratio: f64,
        impervious_fraction: f64,
    },
    /// 推理公式: loss rate μ (mm/h), concentration parameter m (None: regional θ–m relation).
    Rational {
        mu_mm_h: f64,
        m: Option<f64>,
    },
}

/// `[catchment]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CatchmentSpec {
    pub area_m2: f64,
    pub channel_length_m: Option<f64>,
    pub channel_slope: Option<f64>,
    pub tc_s: Option<f64>,
    pub lag_s: Option<f64>,
    pub runoff: RunoffSpec,
}

/// Decay index of the atlas storm.
#[derive(Debug, Clone, PartialEq)]
pub enum DecaySpec {
    Single(f64),
    Segmented {
        n1: f64,
        n2: f64,
        n3: f64,
    },
    /// Design depths (at the return period) of 10 min, 1 h and 6 h, mm; with H₂₄,p they give
    /// n₁ = 1 − 1.285 lg(H₁/H₁/₆), n₂ = 1 − 1.285 lg(H₆/H₁), n₃ = 1 − 1.661 lg(H₂₄/H₆).
    DesignDepths {
        h10min_mm: f64,
        h1h_mm: f64,
        h6h_mm: f64,
    },
}

/// How the design depth–duration relation is given.
#[derive(Debug, Clone, PartialEq)]
pub enum DepthSpec {
    Atlas { mean_24h_mm: f64, cv: f64, cs_over_cv: f64, decay: DecaySpec },
    Idf { a: f64, c: f64, b_min: f64, n: f64 },
    Fixed { depth_mm: f64 },
}

/// Temporal pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum PatternSpec {
    Chicago { peak_position: f64 },
    ScsTypeII,
    Uniform,
    Table { time_fraction: Vec<f64>, cumulative_fraction: Vec<f64> },
}

/// `[storm]`: a design storm or observed rain.
#[derive(Debug, Clone, PartialEq)]
pub enum StormSpec {
    Design {
        return_period_years: Option<f64>,
        duration_s: f64,
        interval_s: f64,
        depth: DepthSpec,
        pattern: PatternSpec,
    },
    /// Rain-gauge records: time (s from the routing start) and depth (mm) of each record.
    Observed { time_s: Vec<f64>, depth_mm: Vec<f64>, interval_s: Option<f64> },
}

impl StormSpec {
    /// Return period of a design storm.
    pub fn return_period_years(&self) -> Option<f64> {
        match self {
            StormSpec::Design { return_period_years, .. } => *return_period_years,
            StormSpec::Observed { .. } => None,
        }
    }
}

/// Weir forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeirForm {
    BroadCrested,
    SharpCrested,
    Practical,
    VNotch,
}

/// Orifice opening.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpeningSpec {
    Circular { diameter_m: f64 },
    Rectangular { width_m: f64, height_m: f64 },
}

impl OpeningSpec {
    /// Vertical extent of the opening, m.
    pub fn height_m(&self) -> f64 {
        match *self {
            OpeningSpec::Circular { diameter_m } => diameter_m,
            OpeningSpec::Rectangular { height_m, .. } => height_m,
        }
    }
}

/// Conduit section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SectionSpec {
    Circular { diameter_m: f64 },
    Horseshoe { width_m: f64, height_m: f64 },
    Box { width_m: f64, height_m: f64 },
}

impl SectionSpec {
    /// Inside height, m.
    pub fn height_m(&self) -> f64 {
        match *self {
            SectionSpec::Circular { diameter_m } => diameter_m,
            SectionSpec::Horseshoe { height_m, .. } | SectionSpec::Box { height_m, .. } => height_m,
        }
    }
}

/// Window rows of a decant tower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowsSpec {
    pub lowest_sill: Elevation,
    pub row_spacing_m: f64,
    pub per_row: u32,
    pub width_m: f64,
    pub height_m: f64,
    /// Rows whose sill lies below this level are plugged.
    pub sealed_up_to: Option<Elevation>,
}

/// Kind-specific data of a structure.
#[derive(Debug, Clone, PartialEq)]
pub enum StructureKind {
    Weir {
        form: WeirForm,
        crest: Elevation,
        width_m: f64,
        coefficient_si: Option<f64>,
        discharge_coefficient: Option<f64>,
        contraction: Option<f64>,
        notch_angle_rad: Option<f64>,
        opening_height_m: Option<f64>,
        tailwater: Option<Elevation>,
    },
    Orifice {
        bottom_orientation: bool,
        invert: Elevation,
        opening: OpeningSpec,
        discharge_coefficient: f64,
        swmm_partly_submerged: bool,
    },
    Conduit {
        section: SectionSpec,
        length_m: f64,
        manning_n: f64,
        inlet_invert: Elevation,
        outlet_invert: Elevation,
        entrance_loss: f64,
        bend_loss: f64,
        exit_loss: f64,
        tailwater: Option<Elevation>,
    },
    WindowTower {
        base: Elevation,
        crown: Elevation,
        shaft_diameter_m: f64,
        windows: WindowsSpec,
        outer_diameter_m: f64,
        /// Crown ring-weir coefficient m.
        crown_coefficient: Option<f64>,
        /// Window discharge coefficient μ.
        window_coefficient: Option<f64>,
    },
    FrameTower {
        base: Elevation,
        crown: Elevation,
        shaft_diameter_m: f64,
        frame_width_m: f64,
        open_sides: u32,
        plates_top: Elevation,
        orifice_coefficient: Option<f64>,
    },
    Trough {
        bottom: Elevation,
        top: Elevation,
        length_m: f64,
        width_m: f64,
        height_m: f64,
        covers_top: Elevation,
        manning_n: f64,
        entrance_loss: f64,
    },
    Spillway {
        crest: Elevation,
        width_m: f64,
        discharge_coefficient: f64,
        contraction: f64,
        openings: u32,
        chute_capacity_m3s: Option<f64>,
    },
    RatingTable {
        stage_m: Vec<f64>,
        flow_m3s: Vec<f64>,
        extrapolate: bool,
    },
}

/// One discharge structure.
#[derive(Debug, Clone, PartialEq)]
pub struct StructureSpec {
    pub id: String,
    /// Kind as written (`window_tower`, …).
    pub kind_name: &'static str,
    pub kind: StructureKind,
    /// Index of the downstream structure (a conduit) this inlet discharges into.
    pub outlet: Option<usize>,
    /// Fraction of the capacity remaining (1 = clear).
    pub condition: f64,
    /// Closed / destroyed: no flow.
    pub damaged: bool,
    /// True when another structure names this one as its `outlet` (it is routed through that one).
    pub is_outlet_of_another: bool,
}

/// Time integration of the level-pool equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingMethod {
    /// Adaptive Dormand–Prince 5(4) (the default).
    DormandPrince,
    /// Storage-indication (modified Puls) at a fixed step, as HEC-HMS does.
    ModifiedPuls,
}

/// `[routing]`, SI.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingSpec {
    pub method: RoutingMethod,
    /// Fixed step, s (required by modified Puls).
    pub fixed_step_s: Option<f64>,
    /// End time, s (None: the storm duration plus a recession allowance chosen by the pipeline).
    pub duration_s: Option<f64>,
    pub report_interval_s: f64,
    pub rtol: Option<f64>,
    pub atol_m3: Option<f64>,
    pub max_step_s: Option<f64>,
}

/// `[limits]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LimitOverridesSpec {
    pub grade: Option<u8>,
    pub design_return_period_years: Option<f64>,
    pub min_freeboard_m: Option<f64>,
    pub min_beach_length_m: Option<f64>,
    pub max_drain_time_s: Option<f64>,
}

/// A `[[section]]`, validated: the dam section and the site's phreatic-line limits for it.
#[derive(Debug, Clone, PartialEq)]
pub struct DamSectionSpec {
    pub section: tailtwin_core::DamSection,
    /// 控制浸润线: the phreatic line must stay at or below it (site data, standards.md §6).
    pub control_line: Option<tailtwin_core::Polyline>,
    /// Minimum burial depth of the phreatic line under the outer slope, m (site data; the
    /// GB 50863 table is not known, see standards.md §6).
    pub min_burial_depth_m: Option<f64>,
}

/// `[seepage]`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct SeepageSpec {
    /// Mesh and solver settings (SI).
    pub settings: tailtwin_seepage::SeepageSettings,
    /// Pond levels solved besides the normal and design-flood levels (the only levels when the
    /// scenario has no `[pond]`), m.
    pub pond_levels_m: Vec<f64>,
    /// Solve at the pond's normal level and at the routed design-flood peak (default true when
    /// there is a `[pond]`).
    pub at_pond_levels: bool,
    /// Store the mesh with the results and draw it on the section plot.
    pub draw_mesh: bool,
}
