//! tailtwin-core: the types that cross between tailtwin's process crates.
//!
//! Every process crate (hydrology, pond, seepage, stability, inundation, risk) depends on this crate
//! and on numeric crates only; whatever one process hands to another is a type defined here.
//!
//! Conventions (see ARCHITECTURE.md):
//! - SI inside: m, s, m³, m³/s, Pa, radians. Files may use other units; `scenario` converts once.
//! - Elevations are absolute (site datum, m) and are [`Elevation`]s; depths are [`Depth`]s.
//! - Time is seconds from the start of the scenario (`t = 0` is the routing start).

pub mod assessment;
pub mod check;
pub mod diagnostics;
pub mod geotech;
pub mod hydraulics;
pub mod inundation;
pub mod mass_balance;
pub mod pore_pressure;
pub mod rating;
pub mod report;
pub mod routed;
pub mod run;
pub mod section;
pub mod series;
pub mod units;
pub mod warning;

pub use assessment::{
    ConvergencePoint, Driver, EnsembleSummary, ExceedanceCurve, ExceedancePoint, HazardBasis,
    HazardItem, ItemWarning, LegacyClassification, LegacyPondClass, Probability, ReliabilityRow,
    ReturnLevel, RiskScore, SafetyStatus, SampledInput, Tail,
};
pub use check::{Check, CheckStatus, Confidence, Standard};
pub use diagnostics::{Diagnostics, Event, EventKind};
pub use geotech::{
    BurialDepth, FosGrid, GeotechRun, LevelKind, LoadCaseKind, RankedSurface, SeepageFields,
    SeepageOutletFlow, SeepageProfile, SeepageRun, SliceRow, SliceTable, SlipSurface,
    StabilityResultRow, StabilityRun,
};
pub use hydraulics::{Control, Discharge, G, Regime};
pub use inundation::{InundationGrid, InundationMap, InundationPoint, PointSeries};
pub use mass_balance::{MassBalance, VolumeTerm};
pub use pore_pressure::{
    FieldError, GAMMA_W, HydrostaticCorrection, PhreaticSurface, PorePressure, PorePressureField,
};
pub use rating::{RatingCurve, RatingRow};
pub use report::Report;
pub use routed::{RoutedPond, StructureSeries};
pub use run::{FloodRun, ReferenceLevel};
pub use section::{
    Conductivity, DamSection, Drain, DrainKind, DrainPipe, EdgeKind, GeometryError, Hydraulic,
    Material, MaterialError, MaterialId, Orientation, Point2, Polygon, Polyline, PondSide,
    SectionError, Strength, Unsaturated, Zone,
};
pub use series::{Hydrograph, Hyetograph, Series, SeriesError};
pub use units::{Depth, Elevation};
pub use warning::{AlarmLevel, roll_up};
