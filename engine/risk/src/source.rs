//! Where a limit value comes from: standard, clause, confidence — carried with every value so that
//! each check row and each warning can say it.

use serde::{Deserialize, Serialize};
use tailtwin_core::{Confidence, Standard};

/// The provenance of one limit value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub standard: Standard,
    /// Clause or table, e.g. "§3.3.1".
    pub clause: String,
    pub confidence: Confidence,
    /// Reviewer's note from the table (may be empty).
    pub note: String,
    /// The tables hold no value of the selected edition for this limit; it was found further down
    /// the edition's lookup order (in `standard`).
    pub fallback: bool,
}

impl Source {
    /// A value set in the scenario's `[limits]` (`key` is the scenario key, e.g. `min_freeboard_m`).
    pub fn site(key: &str) -> Source {
        Source {
            standard: Standard::Site,
            clause: format!("[limits] {key}"),
            confidence: Confidence::Site,
            note: String::new(),
            fallback: false,
        }
    }

    /// "GB 50863-2013 §3.3.1".
    pub fn citation(&self) -> String {
        if self.standard == Standard::Site {
            self.clause.clone()
        } else {
            format!("{} {}", self.standard.code(), self.clause)
        }
    }

    /// Whether the report must flag the value as recalled (not verified).
    pub fn is_recalled(&self) -> bool {
        self.confidence == Confidence::Recalled
    }
}

/// A limit value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit<T> {
    pub value: T,
    pub source: Source,
}

/// A required design-flood return period: a range as the tables print it (`lower..=upper` years).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReturnPeriodRange {
    pub lower_years: f64,
    pub upper_years: f64,
    /// The probable maximum flood (PMF) is an accepted alternative ("或PMF").
    pub pmf_alternative: bool,
}

impl ReturnPeriodRange {
    /// The required return period: the lower end, or the upper end where the pond is near the top
    /// of its grade, has a long service life or a serious downstream hazard (GB 39496 §5.4.1).
    pub fn required(&self, upper_end: bool) -> f64 {
        if upper_end { self.upper_years } else { self.lower_years }
    }

    /// "200–500" or "100".
    pub fn text(&self) -> String {
        let base = if self.lower_years == self.upper_years {
            format!("{}", self.lower_years)
        } else {
            format!("{}–{}", self.lower_years, self.upper_years)
        };
        if self.pmf_alternative { format!("{base} or PMF") } else { base }
    }
}
