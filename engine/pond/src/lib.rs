//! tailtwin-pond (docs written below).

pub mod beach;
pub mod pond;
pub mod routing;
pub mod storage;
pub mod structures;

pub use beach::{Beach, BeachError, DamType};
pub use pond::{DEFAULT_OVERTOPPING_COEFFICIENT, Dam, Pond, PondError, RainArea};
pub use routing::{RoutingError, RoutingSettings, route};
pub use storage::{ConsistencyWarning, StageStorage, StorageError, TableSource};
pub use structures::Outlet;
