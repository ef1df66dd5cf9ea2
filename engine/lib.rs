//! tailtwin — digital twin and simulation engine for tailings ponds (尾矿库).
//!
//! This facade re-exports the workspace crates; see ARCHITECTURE.md for the map.

pub use tailtwin_core as core;
pub use tailtwin_hydrology as hydrology;
pub use tailtwin_inundation as inundation;
pub use tailtwin_pipeline as pipeline;
pub use tailtwin_pond as pond;
pub use tailtwin_results as results;
pub use tailtwin_risk as risk;
pub use tailtwin_scenario as scenario;
pub use tailtwin_seepage as seepage;
pub use tailtwin_stability as stability;
pub use tailtwin_twin as twin;
pub use tailtwin_viz as viz;
