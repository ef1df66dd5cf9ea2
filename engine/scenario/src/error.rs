//! Scenario errors: every problem carries the key path it concerns.

use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// One thing wrong with a scenario, located by its key path (`structure[1].windows.lowest_sill_m`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted key path; array elements as `name[i]` (0-based, as in the file order).
    pub path: String,
    /// What is wrong, with the offending value.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a scenario could not be read.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The scenario file itself could not be read.
    #[error("cannot read scenario file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the schema (unknown key, wrong type, missing key).
    /// `line`/`column` are 1-based; `path` is the key path where serde stopped.
    #[error("{file}:{line}:{column}: {path}: {message}")]
    Syntax { file: String, line: usize, column: usize, path: String, message: String },
    /// The file parsed but its content is invalid; all problems found, in file order.
    #[error("{} problem(s) in {file}:\n{}", problems.len(), list(problems))]
    Invalid { file: String, problems: Vec<Problem> },
}

impl ScenarioError {
    /// The problems as a flat list (a syntax error is one problem).
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            ScenarioError::Io { path, source } => {
                vec![Problem {
                    path: "<file>".into(),
                    message: format!("{}: {source}", path.display()),
                }]
            }
            ScenarioError::Syntax { line, column, path, message, .. } => vec![Problem {
                path: path.clone(),
                message: format!("{message} (line {line}, column {column})"),
            }],
            ScenarioError::Invalid { problems, .. } => problems.clone(),
        }
    }
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}

/// Collects problems while validation walks the raw scenario, keeping the current key path.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    /// Records a problem at `path`.
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.list.push(Problem { path: path.into(), message: message.into() });
    }

    /// Number recorded so far (used to see whether a sub-check added any).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The recorded problems.
    pub fn into_vec(self) -> Vec<Problem> {
        self.list
    }

    /// Requires a finite value; records `path: value is not a finite number` otherwise.
    pub fn finite(&mut self, path: &str, value: f64) -> Option<f64> {
        if value.is_finite() {
            Some(value)
        } else {
            self.push(path, format!("{value} is not a finite number"));
            None
        }
    }

    /// Requires a finite value > 0.
    pub fn positive(&mut self, path: &str, value: f64) -> Option<f64> {
        let v = self.finite(path, value)?;
        if v > 0.0 {
            Some(v)
        } else {
            self.push(path, format!("{v} must be positive"));
            None
        }
    }

    /// Requires a finite value ≥ 0.
    pub fn non_negative(&mut self, path: &str, value: f64) -> Option<f64> {
        let v = self.finite(path, value)?;
        if v >= 0.0 {
            Some(v)
        } else {
            self.push(path, format!("{v} must not be negative"));
            None
        }
    }

    /// Requires a finite value in the closed range `[lo, hi]`.
    pub fn in_range(&mut self, path: &str, value: f64, lo: f64, hi: f64) -> Option<f64> {
        let v = self.finite(path, value)?;
        if (lo..=hi).contains(&v) {
            Some(v)
        } else {
            self.push(path, format!("{v} is outside the allowed range [{lo}, {hi}]"));
            None
        }
    }

    /// Requires a finite value in the half-open range `(lo, hi]`.
    pub fn in_range_open_low(&mut self, path: &str, value: f64, lo: f64, hi: f64) -> Option<f64> {
        let v = self.finite(path, value)?;
        if v > lo && v <= hi {
            Some(v)
        } else {
            self.push(path, format!("{v} is outside the allowed range ({lo}, {hi}]"));
            None
        }
    }
}
