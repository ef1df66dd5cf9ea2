//! Typed errors of the risk crate. Each carries the offending values so that a message can be
//! acted on without a debugger.

use thiserror::Error;

/// Why a check or a limit look-up could not be done.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RiskError {
    #[error("unknown edition {0:?}: expected GB39496-2020, GB50863-2013 or AQ2006-2005")]
    UnknownEdition(String),

    #[error("grade must be 1 (一) to 5 (五), got {0}")]
    BadGrade(u8),

    #[error("{field} = {value}: {requirement}")]
    InvalidInput { field: &'static str, value: f64, requirement: &'static str },

    #[error("[limits] {field} = {value}: {requirement}")]
    BadOverride { field: &'static str, value: f64, requirement: &'static str },

    #[error(
        "no {quantity} is tabulated for {key} under {edition} (searched {searched}); \
         set it in the scenario's [limits]"
    )]
    NotTabulated { quantity: &'static str, key: String, edition: String, searched: String },

    #[error("routed pond is inconsistent: {0}")]
    InconsistentRoutedPond(String),

    #[error(transparent)]
    LimitData(#[from] LimitDataError),

    /// Inconsistent warning thresholds (`item` is the `[warnings]` key).
    #[error("warnings.{item}: {message}")]
    Warnings { item: String, message: String },
}

/// Why a limit-table file could not be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LimitDataError {
    #[error("limit table is not valid TOML for the schema: {0}")]
    Parse(String),

    #[error("limit table schema {found} is not supported (expected {expected})")]
    Schema { found: u32, expected: u32 },

    #[error("{table}[{index}]: unknown standard {name:?}")]
    UnknownStandard { table: &'static str, index: usize, name: String },

    #[error("{table}[{index}]: {reason}")]
    InvalidRow { table: &'static str, index: usize, reason: String },

    #[error("{table}: {standard} {reason}")]
    InvalidTable { table: &'static str, standard: String, reason: String },

    #[error("edition {0} has no [[edition]] entry with a lookup order")]
    MissingEdition(String),
}
