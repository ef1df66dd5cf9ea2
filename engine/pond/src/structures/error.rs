//! Typed construction and evaluation errors of discharge structures. Every variant names the
//! structure and carries the offending values, so a scenario validator can quote them.

use thiserror::Error;

/// What can be wrong with a structure's definition or with a stage it is asked about.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StructureError {
    /// A length, coefficient or count that must be finite and strictly positive is not.
    #[error("{structure}: {parameter} must be finite and > 0, got {value}")]
    NotPositive { structure: String, parameter: &'static str, value: f64 },
    /// A value that must be finite (an elevation, a loss coefficient) is NaN or infinite.
    #[error("{structure}: {parameter} must be finite, got {value}")]
    NotFinite { structure: String, parameter: &'static str, value: f64 },
    /// A value lies outside its admissible range.
    #[error("{structure}: {parameter} = {value} is outside [{min}, {max}]")]
    OutOfRange { structure: String, parameter: &'static str, value: f64, min: f64, max: f64 },
    /// A window row of a decant tower reaches above the tower crown.
    #[error("{structure}: window row {row} reaches {top} m, above the tower crown {crown} m")]
    WindowAboveCrown { structure: String, row: usize, top: f64, crown: f64 },
    /// The lowest window sill (or an opening sill) is below the tower or shaft base.
    #[error("{structure}: sill {sill} m is below the base {base} m")]
    SillBelowBase { structure: String, sill: f64, base: f64 },
    /// The tower crown is not above its base.
    #[error("{structure}: crown {crown} m is not above the base {base} m")]
    CrownNotAboveBase { structure: String, crown: f64, base: f64 },
    /// A conduit whose outlet invert is not below its inlet invert has no Manning barrel capacity.
    #[error("{structure}: outlet invert {outlet} m is not below inlet invert {inlet} m")]
    NonPositiveSlope { structure: String, inlet: f64, outlet: f64 },
    /// Rating table: stage and flow columns differ in length.
    #[error("{structure}: rating table has {stages} stages but {flows} flows")]
    TableLengthMismatch { structure: String, stages: usize, flows: usize },
    /// Rating table: fewer than two rows.
    #[error("{structure}: rating table needs at least 2 rows, got {rows}")]
    TableTooShort { structure: String, rows: usize },
    /// Rating table: stages must increase strictly.
    #[error("{structure}: rating table stage[{index}] = {stage} m is not above {previous} m")]
    TableStagesNotIncreasing { structure: String, index: usize, stage: f64, previous: f64 },
    /// Rating table: flows must not decrease with stage.
    #[error("{structure}: rating table flow[{index}] = {flow} m³/s is below {previous} m³/s")]
    TableFlowsDecreasing { structure: String, index: usize, flow: f64, previous: f64 },
    /// Rating table: the first row is where flow starts, so its flow must be 0.
    #[error("{structure}: rating table must start at 0 m³/s (flow starts there), got {flow}")]
    TableFirstFlowNotZero { structure: String, flow: f64 },
    /// A stage above a rating table's last row, with extrapolation off.
    #[error("{structure}: stage {stage} m is above the rating table's top {top} m")]
    StageAboveTable { structure: String, stage: f64, top: f64 },
    /// An option that this kind of structure does not have.
    #[error("{structure}: {option} does not apply to a {kind}")]
    NotApplicable { structure: String, option: &'static str, kind: &'static str },
    /// A stage that is NaN or infinite.
    #[error("{structure}: stage {stage} is not finite")]
    NonFiniteStage { structure: String, stage: f64 },
}

/// `value` if finite and > 0, else [`StructureError::NotPositive`].
pub(crate) fn positive(
    structure: &str,
    parameter: &'static str,
    value: f64,
) -> Result<f64, StructureError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(StructureError::NotPositive { structure: structure.to_string(), parameter, value })
    }
}

/// `Ok` if `crown` lies above `base` (a tower's crown, a trough's top, a breach's crest over its
/// final bottom), else [`StructureError::CrownNotAboveBase`].
pub(crate) fn crown_above_base(
    structure: &str,
    crown: f64,
    base: f64,
) -> Result<(), StructureError> {
    if crown > base {
        Ok(())
    } else {
        Err(StructureError::CrownNotAboveBase { structure: structure.to_string(), crown, base })
    }
}

/// `value` if finite, else [`StructureError::NotFinite`].
pub(crate) fn finite(
    structure: &str,
    parameter: &'static str,
    value: f64,
) -> Result<f64, StructureError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(StructureError::NotFinite { structure: structure.to_string(), parameter, value })
    }
}

/// `value` if finite and within `[min, max]`, else [`StructureError::OutOfRange`].
pub(crate) fn in_range(
    structure: &str,
    parameter: &'static str,
    value: f64,
    min: f64,
    max: f64,
) -> Result<f64, StructureError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(value)
    } else {
        Err(StructureError::OutOfRange {
            structure: structure.to_string(),
            parameter,
            value,
            min,
            max,
        })
    }
}
