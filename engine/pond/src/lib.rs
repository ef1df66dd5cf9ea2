//! tailtwin-pond: stage–storage–area, the tailings beach, discharge structures and level-pool
//! routing. (Crate documentation with the governing equations is written as the modules land.)

pub mod structures;

pub use structures::Outlet;
