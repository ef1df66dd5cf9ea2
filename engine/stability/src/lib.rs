//! tailtwin-stability: slope stability by limit equilibrium (draft docs; completed below).

pub mod error;
pub mod methods;
pub mod model;
pub mod problem;
pub mod surface;

pub use error::{MethodError, StabilityError};
pub use methods::{IntersliceFunction, Method, Solution, SolverSettings, solve};
pub use model::{Material, Pt, SlopeModel, Strength, Zone};
pub use problem::{
    GAMMA_W, Loads, PoreField, PoreWater, Seismic, SlopeProblem, Surcharge, TensionCrack,
};
pub use surface::{Slice, SliceSet, SlipSurface};
pub mod search;
pub use search::{
    CentreGrid, CircleTrials, FosMap, NonCircular, Radii, SearchResult, SearchSettings,
    SurfaceResult, Trial, analyse_surface, evaluate, optimise_noncircular, search,
};
