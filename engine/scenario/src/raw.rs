//! The serde layer: the scenario file exactly as written (units in the key names, no checks beyond
//! types and unknown keys). `validate` turns it into a [`crate::Scenario`].

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// A whole scenario file. `S` is the structure type: the file is first read with each
/// `[[structure]]` as a spanned TOML table (so that its errors can name `structure[i]` and its
/// line), then each table is read as a [`RawStructure`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario<S = RawStructure> {
    pub scenario: RawMeta,
    /// Optional: a scenario of dam sections alone (seepage, stability) has no pond.
    pub pond: Option<RawPond>,
    pub catchment: Option<RawCatchment>,
    pub storm: Option<RawStorm>,
    pub inflow: Option<RawInflow>,
    #[serde(default = "Vec::new")]
    pub structure: Vec<S>,
    pub routing: Option<RawRouting>,
    pub limits: Option<RawLimits>,
    pub stability: Option<crate::stability::RawStability>,
    #[serde(default = "Vec::new")]
    pub material: Vec<crate::material::RawMaterial>,
    #[serde(default = "Vec::new")]
    pub section: Vec<crate::section::RawDamSection>,
    pub seepage: Option<crate::seepage::RawSeepage>,
    pub dambreak: Option<crate::dambreak::RawDambreak>,
    pub ensemble: Option<crate::ensemble::RawEnsemble>,
    pub inspection: Option<crate::inspection::RawInspection>,
    pub warnings: Option<crate::inspection::RawWarnings>,
    pub reliability: Option<crate::reliability::RawReliability>,
}

impl<S> RawScenario<S> {
    /// The same document with its structures replaced (the two-pass read of `[[structure]]`).
    pub fn with_structures<T>(self, structure: Vec<T>) -> RawScenario<T> {
        RawScenario {
            scenario: self.scenario,
            pond: self.pond,
            catchment: self.catchment,
            storm: self.storm,
            inflow: self.inflow,
            structure,
            routing: self.routing,
            limits: self.limits,
            stability: self.stability,
            material: self.material,
            section: self.section,
            seepage: self.seepage,
            dambreak: self.dambreak,
            ensemble: self.ensemble,
            inspection: self.inspection,
            warnings: self.warnings,
            reliability: self.reliability,
        }
    }
}

/// `[scenario]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// "GB39496-2020" (default) | "GB50863-2013" | "AQ2006-2005".
    pub standard: Option<String>,
    /// "initial" (初期) | "middle_late" (中、后期, default).
    pub operating_period: Option<String>,
    /// A failure would severely affect towns, enterprises, trunk lines downstream (grade +1).
    #[serde(default)]
    pub severe_downstream: bool,
    /// Take the upper end of the design-flood range (GB 39496 §5.4.1 side rules).
    #[serde(default)]
    pub upper_end_of_range: bool,
    /// Gravity, m/s² (default 9.81; SWMM comparisons use 9.81456).
    pub gravity_m_s2: Option<f64>,
    /// Portfolio ranking (issue 6): a pond the supervisor has named a key pond (重点尾矿库).
    #[serde(default)]
    pub key_pond: bool,
    /// People working underground per shift below or near the pond (> 30 makes a key pond).
    pub underground_workers_per_shift: Option<u32>,
    /// County (区县) the pond is in; `key_county = true` when the supervisor names it a key county.
    pub county: Option<String>,
    #[serde(default)]
    pub key_county: bool,
}

/// `[pond]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPond {
    /// "upstream" | "downstream" | "centerline" | "water_retaining".
    pub dam_type: String,
    pub bottom_m: f64,
    pub crest_m: f64,
    pub crest_length_m: f64,
    /// Overtopping weir coefficient C_w in Q = C_w L H^1.5 (m^0.5/s), default 1.70.
    pub overtopping_coefficient: Option<f64>,
    pub beach_crest_m: Option<f64>,
    pub normal_level_m: f64,
    pub initial_level_m: Option<f64>,
    pub dam_height_m: f64,
    pub total_storage_m3: f64,
    pub stage_storage: CurveSource<RawStageStorage>,
    pub beach: Option<RawBeach>,
    #[serde(default)]
    pub dry_stack: bool,
    pub water_retaining: Option<RawWaterRetaining>,
    /// Rain on the pond surface is added to the inflow (default true).
    pub rain_on_pond: Option<bool>,
    /// Extra area draining directly to the pond with coefficient 1 (beach, dam face), km².
    pub direct_area_km2: Option<f64>,
    /// Highest level the operator allows (drawn and reported), m.
    pub max_allowed_level_m: Option<f64>,
}

/// Stage–storage table columns (inline form).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStageStorage {
    pub elevation_m: Vec<f64>,
    pub volume_m3: Option<Vec<f64>>,
    pub area_m2: Option<Vec<f64>>,
}

/// `beach = { slope = 0.01 }` or `beach = { profile = "beach.csv" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBeach {
    pub slope: Option<f64>,
    pub profile: Option<CurveSource<RawBeachProfile>>,
}

/// Beach profile: distance from the beach crest against elevation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBeachProfile {
    pub distance_m: Vec<f64>,
    pub elevation_m: Vec<f64>,
}

/// Water-retaining dam extras (GB 50863 §4.2.3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWaterRetaining {
    pub wind_setup_m: Option<f64>,
    pub wave_runup_m: Option<f64>,
}

/// `[catchment]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCatchment {
    pub area_km2: f64,
    pub channel_length_km: Option<f64>,
    pub channel_slope: Option<f64>,
    pub tc_h: Option<f64>,
    pub lag_h: Option<f64>,
    pub runoff: RawRunoff,
}

/// `runoff = { method = "scs_cn", … }` or `{ method = "rational", … }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawRunoff {
    ScsCn {
        curve_number: f64,
        amc: Option<String>,
        ia_ratio: Option<f64>,
        impervious_fraction: Option<f64>,
    },
    Rational {
        mu_mm_h: f64,
        m: Option<f64>,
    },
}

/// `[storm]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStorm {
    pub return_period_years: Option<f64>,
    pub duration_h: Option<f64>,
    pub interval_min: Option<f64>,
    pub atlas: Option<RawAtlas>,
    pub idf: Option<RawIdf>,
    pub depth_mm: Option<f64>,
    pub pattern: Option<RawPattern>,
    pub observed: Option<CurveSource<RawObserved>>,
}

/// Atlas (等值线图) storm parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAtlas {
    pub mean_24h_mm: f64,
    pub cv: f64,
    pub cs_over_cv: Option<f64>,
    pub decay_n: Option<f64>,
    pub n1: Option<f64>,
    pub n2: Option<f64>,
    pub n3: Option<f64>,
    /// Design (return-period) depths of 10 min, 1 h and 6 h, mm: they give n₁, n₂, n₃.
    pub h10min_mm: Option<f64>,
    pub h1h_mm: Option<f64>,
    pub h6h_mm: Option<f64>,
}

/// IDF formula i = a (1 + c lg P) / (t + b)^n mm/min.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIdf {
    pub a: f64,
    pub c: f64,
    pub b_min: f64,
    pub n: f64,
}

/// Temporal pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawPattern {
    Chicago { peak_position: f64 },
    ScsTypeIi,
    Uniform,
    Table { time_fraction: Vec<f64>, cumulative_fraction: Vec<f64> },
}

/// Observed rain records (inline form).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObserved {
    pub time_s: Vec<f64>,
    pub depth_mm: Vec<f64>,
}

/// `[inflow]`: a given inflow hydrograph.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInflow {
    pub hydrograph: CurveSource<RawHydrograph>,
}

/// Hydrograph columns: one time column (`time_s` | `time_min` | `time_h`) and `flow_m3s`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHydrograph {
    pub time_s: Option<Vec<f64>>,
    pub time_min: Option<Vec<f64>>,
    pub time_h: Option<Vec<f64>>,
    pub flow_m3s: Vec<f64>,
}

/// `[routing]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    pub duration_h: Option<f64>,
    pub report_interval_min: Option<f64>,
    pub rtol: Option<f64>,
    pub atol_m3: Option<f64>,
    pub max_step_s: Option<f64>,
    /// "dormand_prince" (default) | "modified_puls".
    pub method: Option<String>,
    /// Fixed step, s: the step of modified Puls; with Dormand–Prince, steps without error control.
    pub fixed_step_s: Option<f64>,
}

/// `[limits]`: site overrides of code limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub grade: Option<u8>,
    pub design_return_period_years: Option<f64>,
    pub min_freeboard_m: Option<f64>,
    pub min_beach_length_m: Option<f64>,
    pub max_drain_time_h: Option<f64>,
}

/// One `[[structure]]`, tagged by `kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RawStructure {
    Weir(RawWeir),
    Orifice(RawOrifice),
    Conduit(RawConduit),
    WindowTower(RawWindowTower),
    FrameTower(RawFrameTower),
    Trough(RawTrough),
    Spillway(RawSpillway),
    RatingTable(RawRatingTable),
}

impl RawStructure {
    /// The keys every kind shares.
    pub fn common(&self) -> &RawCommon {
        match self {
            RawStructure::Weir(s) => &s.common,
            RawStructure::Orifice(s) => &s.common,
            RawStructure::Conduit(s) => &s.common,
            RawStructure::WindowTower(s) => &s.common,
            RawStructure::FrameTower(s) => &s.common,
            RawStructure::Trough(s) => &s.common,
            RawStructure::Spillway(s) => &s.common,
            RawStructure::RatingTable(s) => &s.common,
        }
    }

    /// The kind as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            RawStructure::Weir(_) => "weir",
            RawStructure::Orifice(_) => "orifice",
            RawStructure::Conduit(_) => "conduit",
            RawStructure::WindowTower(_) => "window_tower",
            RawStructure::FrameTower(_) => "frame_tower",
            RawStructure::Trough(_) => "trough",
            RawStructure::Spillway(_) => "spillway",
            RawStructure::RatingTable(_) => "rating_table",
        }
    }
}

/// Keys shared by every structure kind (`id`, `outlet`, `condition`, `damaged`).
///
/// serde's `flatten` cannot be combined with `deny_unknown_fields`, so the kinds repeat these keys
/// through the `common!` macro below rather than flattening a struct.
#[derive(Debug, Clone, Default)]
pub struct RawCommon {
    pub id: String,
    pub outlet: Option<String>,
    pub condition: Option<f64>,
    pub damaged: bool,
}

macro_rules! structure_kind {
    ($(#[$meta:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pub common: RawCommon,
            $(pub $field: $ty,)*
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Flat {
                    // Read when a structure's table is parsed on its own (see `parse_raw`).
                    #[serde(default, rename = "kind")]
                    _kind: Option<String>,
                    id: String,
                    outlet: Option<String>,
                    condition: Option<f64>,
                    #[serde(default)]
                    damaged: bool,
                    $($field: $ty,)*
                }
                let f = Flat::deserialize(d)?;
                Ok($name {
                    common: RawCommon {
                        id: f.id,
                        outlet: f.outlet,
                        condition: f.condition,
                        damaged: f.damaged,
                    },
                    $($field: f.$field,)*
                })
            }
        }
    };
}

structure_kind!(
    /// Weir: `form` = "broad_crested" (default) | "sharp_crested" | "practical" | "v_notch".
    RawWeir {
        form: Option<String>,
        crest_m: f64,
        width_m: Option<f64>,
        coefficient_si: Option<f64>,
        discharge_coefficient: Option<f64>,
        contraction: Option<f64>,
        notch_angle_deg: Option<f64>,
        opening_height_m: Option<f64>,
        tailwater_m: Option<f64>,
    }
);

structure_kind!(
    /// Orifice in a wall (`side`) or floor (`bottom`).
    RawOrifice {
        orientation: Option<String>,
        invert_m: f64,
        shape: RawOpening,
        discharge_coefficient: Option<f64>,
        partly_submerged: Option<String>,
    }
);

structure_kind!(
    /// Pipe or tunnel.
    RawConduit {
        shape: RawSection,
        length_m: f64,
        manning_n: f64,
        inlet_invert_m: f64,
        outlet_invert_m: f64,
        entrance_loss: Option<f64>,
        bend_loss: Option<f64>,
        exit_loss: Option<f64>,
        tailwater_m: Option<f64>,
    }
);

structure_kind!(
    /// Window-type decant tower (窗口式排水井).
    RawWindowTower {
        base_m: f64,
        crown_m: f64,
        shaft_diameter_m: f64,
        windows: RawWindows,
        outer_diameter_m: f64,
        crown_coefficient: Option<f64>,
        window_coefficient: Option<f64>,
    }
);

structure_kind!(
    /// Frame-type tower (框架式排水井) with cover plates removed down to `plates_top_m`.
    RawFrameTower {
        base_m: f64,
        crown_m: f64,
        shaft_diameter_m: f64,
        frame_width_m: f64,
        open_sides: Option<u32>,
        plates_top_m: f64,
        orifice_coefficient: Option<f64>,
    }
);

structure_kind!(
    /// Inclined trough (排水斜槽) with covers removed above `covers_top_m`.
    RawTrough {
        bottom_m: f64,
        top_m: f64,
        length_m: f64,
        width_m: f64,
        height_m: f64,
        covers_top_m: f64,
        manning_n: Option<f64>,
        entrance_loss: Option<f64>,
    }
);

structure_kind!(
    /// Spillway (溢洪道): practical weir at the crest, optional chute capacity.
    RawSpillway {
        crest_m: f64,
        width_m: f64,
        discharge_coefficient: Option<f64>,
        contraction: Option<f64>,
        openings: Option<u32>,
        chute_capacity_m3s: Option<f64>,
    }
);

structure_kind!(
    /// User stage–discharge table.
    RawRatingTable {
        table: CurveSource<RawRating>,
        extrapolate: Option<bool>,
    }
);

/// Rating table columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRating {
    pub stage_m: Vec<f64>,
    pub flow_m3s: Vec<f64>,
}

/// Window rows of a decant tower.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindows {
    pub lowest_sill_m: f64,
    pub row_spacing_m: f64,
    pub per_row: u32,
    pub width_m: f64,
    pub height_m: f64,
    pub sealed_up_to_m: Option<f64>,
}

/// Orifice opening: `{ circular = { diameter_m } }` or `{ rectangular = { width_m, height_m } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawOpening {
    Circular { diameter_m: f64 },
    Rectangular { width_m: f64, height_m: f64 },
}

/// Conduit section.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawSection {
    Circular { diameter_m: f64 },
    Horseshoe { width_m: f64, height_m: f64 },
    Box { width_m: f64, height_m: f64 },
}

/// A curve given inline (a table of arrays) or as a CSV path relative to the scenario file.
#[derive(Debug, Clone)]
pub enum CurveSource<T> {
    File(String),
    Inline(T),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for CurveSource<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for V<T> {
            type Value = CurveSource<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a CSV path (string) or an inline table of columns")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CurveSource::File(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let owned: T = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(CurveSource::Inline(owned))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl RawStructure {
    /// Parses one `[[structure]]` table given as its own TOML text (the lines after its header),
    /// dispatching on `kind` so that errors keep toml's key path and position.
    pub fn from_body(
        kind: &str,
        body: &str,
    ) -> Result<Result<RawStructure, toml::de::Error>, String> {
        Ok(match kind {
            "weir" => toml::from_str(body).map(RawStructure::Weir),
            "orifice" => toml::from_str(body).map(RawStructure::Orifice),
            "conduit" => toml::from_str(body).map(RawStructure::Conduit),
            "window_tower" => toml::from_str(body).map(RawStructure::WindowTower),
            "frame_tower" => toml::from_str(body).map(RawStructure::FrameTower),
            "trough" => toml::from_str(body).map(RawStructure::Trough),
            "spillway" => toml::from_str(body).map(RawStructure::Spillway),
            "rating_table" => toml::from_str(body).map(RawStructure::RatingTable),
            other => return Err(other.to_owned()),
        })
    }

    /// The kinds, as written in files.
    pub const KINDS: [&'static str; 8] = [
        "weir",
        "orifice",
        "conduit",
        "window_tower",
        "frame_tower",
        "trough",
        "spillway",
        "rating_table",
    ];
}
