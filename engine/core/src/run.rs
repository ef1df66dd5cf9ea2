//! Everything one flood run produced, as `results` writes it and `viz` draws it.

use crate::geotech::GeotechRun;
use crate::rating::RatingCurve;
use crate::report::Report;
use crate::routed::RoutedPond;
use crate::series::{Hydrograph, Hyetograph};
use serde::{Deserialize, Serialize};

/// A named elevation drawn as a reference line on stage plots (crest, beach crest, normal level, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceLevel {
    /// Stable id, e.g. `"crest"`, `"beach_crest"`, `"normal_level"`, `"max_allowed_level"`.
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub elevation_m: f64,
}

/// The products of one flood run (`tailtwin run` / `tailtwin flood`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloodRun {
    pub report: Report,
    /// The scenario file verbatim.
    pub scenario_toml: String,
    /// Rain used (None when the inflow was given directly).
    pub hyetograph: Option<Hyetograph>,
    /// Catchment inflow into the pond.
    pub inflow: Hydrograph,
    pub routed: RoutedPond,
    /// Rating tables per structure, then the combined one (id `"combined"`).
    pub ratings: Vec<RatingCurve>,
    /// Reference levels for plots.
    pub levels: Vec<ReferenceLevel>,
    /// Worker threads used.
    pub threads: usize,
    /// Seepage and stability products, when the scenario has dam sections.
    #[serde(default)]
    pub geotech: Option<GeotechRun>,
}
