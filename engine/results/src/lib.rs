//! tailtwin-results: `results.h5` (HDF5) and `summary.json` writers and readers.
//!
//! LAYOUT_DOCS

mod atomic;
mod codes;
mod error;
mod h5io;
mod json;
mod read;
mod write;

pub use atomic::{temporary_path_for, write_atomically, write_bytes_atomically};
pub use codes::{
    control_code, control_from_code, control_legend, regime_code, regime_from_code, regime_legend,
};
pub use error::ResultsError;
pub use json::{SummaryError, read_summary_json, summary_json_string, write_summary_json};
pub use read::{DatasetInfo, list_datasets, read_results_h5};
pub use write::write_results_h5;

/// Value of the root `format` attribute of a results file.
pub const FORMAT_NAME: &str = "tailtwin-results";
/// Value of the root `format_version` attribute; bump on any incompatible layout change.
pub const FORMAT_VERSION: u64 = 1;
