//! A code check: one row of the assessment table, with the standard and confidence behind its limit.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The standards whose limits tailtwin applies (edition included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Standard {
    /// GB 50863-2013 尾矿设施设计规范 (design code).
    #[serde(rename = "GB50863-2013")]
    Gb50863_2013,
    /// GB 39496-2020 尾矿库安全规程 (safety regulation, replaces AQ 2006-2005).
    #[serde(rename = "GB39496-2020")]
    Gb39496_2020,
    /// AQ 2006-2005 尾矿库安全技术规程 (superseded).
    #[serde(rename = "AQ2006-2005")]
    Aq2006_2005,
    /// GB 51108-2015 尾矿库在线安全监测系统工程技术规范.
    #[serde(rename = "GB51108-2015")]
    Gb51108_2015,
    /// ZBJ1-90 (older design code; origin of several tables).
    #[serde(rename = "ZBJ1-90")]
    Zbj1_90,
    /// A value set in the scenario's `[limits]`.
    #[serde(rename = "site")]
    Site,
}

impl Standard {
    /// Code as printed, e.g. "GB 39496-2020".
    pub fn code(self) -> &'static str {
        match self {
            Standard::Gb50863_2013 => "GB 50863-2013",
            Standard::Gb39496_2020 => "GB 39496-2020",
            Standard::Aq2006_2005 => "AQ 2006-2005",
            Standard::Gb51108_2015 => "GB 51108-2015",
            Standard::Zbj1_90 => "ZBJ1-90",
            Standard::Site => "site value",
        }
    }

    /// Title in Chinese.
    pub fn title_zh(self) -> &'static str {
        match self {
            Standard::Gb50863_2013 => "尾矿设施设计规范",
            Standard::Gb39496_2020 => "尾矿库安全规程",
            Standard::Aq2006_2005 => "尾矿库安全技术规程（已废止）",
            Standard::Gb51108_2015 => "尾矿库在线安全监测系统工程技术规范",
            Standard::Zbj1_90 => "选矿厂尾矿设施设计规范",
            Standard::Site => "场地设定值",
        }
    }

    /// Whether the standard has been replaced.
    pub fn superseded(self) -> bool {
        matches!(self, Standard::Aq2006_2005 | Standard::Zbj1_90)
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How sure we are of a limit value (see shared/reference/standards.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Read in the standard or a faithful copy.
    Verified,
    /// Read in a secondary source quoting the standard.
    Secondary,
    /// Recalled, not verified: shipped as an overridable default.
    Recalled,
    /// Set by the user for this site.
    Site,
}

/// Outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    /// Informational row (e.g. the grade itself).
    Info,
    /// The check does not apply to this pond (e.g. the 72 h rule for a wet pond).
    NotApplicable,
}

/// One row of the check table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Stable identifier, e.g. `"freeboard"`, `"beach_length"`, `"grade"`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// The computed value (None when the row is purely descriptive).
    pub value: Option<f64>,
    /// The limit it is compared with.
    pub limit: Option<f64>,
    /// Unit of value and limit, e.g. "m", "h", "years".
    pub unit: String,
    /// How value and limit compare for a pass, e.g. "≥" or "≤".
    pub comparison: String,
    pub status: CheckStatus,
    pub standard: Standard,
    /// Clause, e.g. "§4.2.1".
    pub clause: String,
    pub confidence: Confidence,
    /// Bilingual explanation (free text).
    pub note: String,
}
