//! Errors of plotting and report writing.

use std::path::PathBuf;
use tailtwin_results::ResultsError;
use thiserror::Error;

/// Why a plot or the report could not be produced.
#[derive(Debug, Error)]
pub enum VizError {
    /// No usable CJK font: Chinese labels would render as boxes.
    #[error(
        "no CJK font found for Chinese plot labels (tried: {}); install the Debian package \
         `fonts-wqy-microhei` (or `fonts-noto-cjk`), or set TAILTWIN_CJK_FONT to a .ttf/.otf/.ttc file",
        tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NoCjkFont { tried: Vec<PathBuf> },
    /// A font file exists but cannot be used.
    #[error("{}: font unusable: {problem}", path.display())]
    BadFont { path: PathBuf, problem: String },
    /// Drawing failed.
    #[error("plot {plot}: {cause}")]
    Plot { plot: String, cause: String },
    /// The run holds nothing to draw for a plot (e.g. an empty time axis).
    #[error("plot {plot}: nothing to draw: {reason}")]
    NoData { plot: String, reason: String },
    /// A file or folder could not be written.
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// Writing or reading results.h5 / summary.json failed.
    #[error(transparent)]
    Results(#[from] ResultsError),
}
