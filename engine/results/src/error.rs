//! Errors of the results writers and readers: every variant names the file and the cause.

use std::path::PathBuf;
use thiserror::Error;

/// Why a results file could not be written or read.
#[derive(Debug, Error)]
pub enum ResultsError {
    /// A file-system operation failed (create, rename, sync, read).
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        /// What was being done, e.g. "rename temporary file into place".
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The HDF5 library reported an error on an object of the file.
    #[error("{}: HDF5 error at {object}: {source}", path.display())]
    Hdf5 {
        path: PathBuf,
        /// Path of the group, dataset or attribute inside the file.
        object: String,
        #[source]
        source: hdf5::Error,
    },
    /// JSON could not be written or parsed.
    #[error("{}: JSON error: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// A number to be written is NaN or infinite: results never carry silently wrong numbers.
    #[error("{}: {object} holds the non-finite value {value} at index {index}", path.display())]
    NonFinite { path: PathBuf, object: String, index: usize, value: f64 },
    /// A name cannot be used as an HDF5 group name (empty, `.`, or containing `/`).
    #[error("{}: {what} {name:?} cannot name an HDF5 group (empty, \".\" or containing '/')", path.display())]
    InvalidName { path: PathBuf, what: &'static str, name: String },
    /// A text cannot be stored as an HDF5 string (it contains a NUL character).
    #[error("{}: {object}: text contains a NUL character at byte {position}", path.display())]
    InvalidText { path: PathBuf, object: String, position: usize },
    /// Arrays that must share a time axis differ in length.
    #[error("{}: {object} has {len} values but its time axis {axis} has {axis_len}", path.display())]
    LengthMismatch { path: PathBuf, object: String, len: usize, axis: String, axis_len: usize },
    /// The file does not have the layout this reader expects (missing object, bad shape, unknown code).
    #[error("{}: {object}: {problem}", path.display())]
    Malformed { path: PathBuf, object: String, problem: String },
}

impl ResultsError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            ResultsError::Io { path, .. }
            | ResultsError::Hdf5 { path, .. }
            | ResultsError::Json { path, .. }
            | ResultsError::NonFinite { path, .. }
            | ResultsError::InvalidName { path, .. }
            | ResultsError::InvalidText { path, .. }
            | ResultsError::LengthMismatch { path, .. }
            | ResultsError::Malformed { path, .. } => path,
        }
    }
}
