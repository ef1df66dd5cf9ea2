//! Typed errors of the inundation crate; every variant carries the offending values.

use thiserror::Error;

/// What can be wrong with a terrain, a raster, a setting or an inflow.
#[derive(Debug, Error)]
pub enum InundationError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// A raster file is malformed (header, token, size).
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    /// A GeoTIFF the decoder cannot read.
    #[error("{path}: TIFF: {message}")]
    Tiff { path: String, message: String },
    /// A raster's dimensions do not match the terrain's.
    #[error("{what}: raster is {nx}×{ny} cells, the terrain is {expected_nx}×{expected_ny}")]
    RasterMismatch { what: String, nx: usize, ny: usize, expected_nx: usize, expected_ny: usize },
    /// A raster's georeferencing (origin or cell size) differs from the terrain's.
    #[error("{what}: georeferencing differs from the terrain ({detail})")]
    GeoreferenceMismatch { what: String, detail: String },
    /// Cells without data enclosed by the domain (not connected to the raster border).
    #[error(
        "DEM has {count} nodata cell(s) inside the domain (first at column {column}, row {row} \
         from the top, x = {x} m, y = {y} m): fill them or clip the DEM"
    )]
    NodataHoles { count: usize, column: usize, row: usize, x: f64, y: f64 },
    /// A value that must be finite and > 0 is not.
    #[error("{parameter} must be finite and > 0, got {value}")]
    NotPositive { parameter: &'static str, value: f64 },
    /// A value that must be finite and ≥ 0 is not (Manning n, thresholds).
    #[error("{parameter} must be finite and ≥ 0, got {value}")]
    Negative { parameter: &'static str, value: f64 },
    /// A value outside its admissible range.
    #[error("{parameter} = {value} is outside [{min}, {max}]")]
    OutOfRange { parameter: &'static str, value: f64, min: f64, max: f64 },
    /// A land-cover class in the raster has no Manning n in the table.
    #[error("land-cover class {class} (first at cell {index}) has no Manning n in the table")]
    UnknownClass { class: i64, index: usize },
    /// A point (breach, inflow line, observation point) outside the active DEM.
    #[error("{what} at x = {x} m, y = {y} m lies outside the DEM's active cells")]
    OutsideDomain { what: String, x: f64, y: f64 },
    /// An inflow line that covers no cell.
    #[error("inflow line {name} covers no active cell")]
    EmptyInflow { name: String },
    /// A grid too small for the scheme.
    #[error("grid is {nx}×{ny} cells; at least 1×1 active cells are needed")]
    EmptyGrid { nx: usize, ny: usize },
    /// An initial state that is negative, NaN or of the wrong length.
    #[error("initial state: {message}")]
    InitialState { message: String },
    /// The solution went non-finite (a broken invariant would panic instead; this is an
    /// input that drives the scheme out of its range, e.g. an inflow into a cell wall).
    #[error("solution became non-finite at t = {time_s} s (cell {index})")]
    NonFinite { time_s: f64, index: usize },
    /// The time step fell below the floor (runaway velocities).
    #[error("time step {dt_s} s at t = {time_s} s is below the floor {floor_s} s")]
    StepTooSmall { dt_s: f64, time_s: f64, floor_s: f64 },
}

pub(crate) fn positive(parameter: &'static str, value: f64) -> Result<f64, InundationError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(InundationError::NotPositive { parameter, value })
    }
}

pub(crate) fn non_negative(parameter: &'static str, value: f64) -> Result<f64, InundationError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(InundationError::Negative { parameter, value })
    }
}

pub(crate) fn in_range(
    parameter: &'static str,
    value: f64,
    min: f64,
    max: f64,
) -> Result<f64, InundationError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(value)
    } else {
        Err(InundationError::OutOfRange { parameter, value, min, max })
    }
}
