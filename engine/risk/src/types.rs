//! The small closed vocabularies the limit tables are keyed by: edition, grade, dam type, operating
//! period, stability method and load case.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use tailtwin_core::Standard;

use crate::error::RiskError;

/// The edition a scenario selects; its limits apply (GB 39496-2020 by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Edition {
    /// GB 39496-2020 尾矿库安全规程 (in force 2021-09-01).
    #[default]
    #[serde(rename = "GB39496-2020")]
    Gb39496_2020,
    /// GB 50863-2013 尾矿设施设计规范.
    #[serde(rename = "GB50863-2013")]
    Gb50863_2013,
    /// AQ 2006-2005 尾矿库安全技术规程 (superseded, kept for legacy assessments).
    #[serde(rename = "AQ2006-2005")]
    Aq2006_2005,
}

impl Edition {
    /// Every selectable edition.
    pub const ALL: [Edition; 3] =
        [Edition::Gb39496_2020, Edition::Gb50863_2013, Edition::Aq2006_2005];

    /// The core [`Standard`] of this edition.
    pub fn standard(self) -> Standard {
        match self {
            Edition::Gb39496_2020 => Standard::Gb39496_2020,
            Edition::Gb50863_2013 => Standard::Gb50863_2013,
            Edition::Aq2006_2005 => Standard::Aq2006_2005,
        }
    }

    /// The key used in scenario files, e.g. `"GB39496-2020"`.
    pub fn key(self) -> &'static str {
        match self {
            Edition::Gb39496_2020 => "GB39496-2020",
            Edition::Gb50863_2013 => "GB50863-2013",
            Edition::Aq2006_2005 => "AQ2006-2005",
        }
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.standard().code())
    }
}

impl FromStr for Edition {
    type Err = RiskError;
    fn from_str(s: &str) -> Result<Self, RiskError> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        Edition::ALL
            .into_iter()
            .find(|e| e.key().eq_ignore_ascii_case(&compact))
            .ok_or_else(|| RiskError::UnknownEdition(s.to_string()))
    }
}

/// Pond grade (等别) 一 (most important) to 五. The dam (main structure) class equals the grade
/// number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Grade(u8);

impl Grade {
    pub const I: Grade = Grade(1);
    pub const II: Grade = Grade(2);
    pub const III: Grade = Grade(3);
    pub const IV: Grade = Grade(4);
    pub const V: Grade = Grade(5);

    /// Grade from its number 1–5.
    pub fn new(number: u8) -> Result<Grade, RiskError> {
        if (1..=5).contains(&number) { Ok(Grade(number)) } else { Err(RiskError::BadGrade(number)) }
    }

    /// 1 (一) to 5 (五); also the dam class.
    pub fn number(self) -> u8 {
        self.0
    }

    /// Chinese numeral: 一 二 三 四 五.
    pub fn numeral(self) -> &'static str {
        ["一", "二", "三", "四", "五"][usize::from(self.0 - 1)]
    }

    /// One grade more important (一 stays 一).
    pub fn raised(self) -> Grade {
        Grade(self.0.saturating_sub(1).max(1))
    }

    /// One grade less important (五 stays 五).
    pub fn lowered(self) -> Grade {
        Grade((self.0 + 1).min(5))
    }
}

impl TryFrom<u8> for Grade {
    type Error = RiskError;
    fn try_from(n: u8) -> Result<Grade, RiskError> {
        Grade::new(n)
    }
}

impl From<Grade> for u8 {
    fn from(g: Grade) -> u8 {
        g.0
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.numeral(), self.0)
    }
}

/// How the dam is raised; decides which freeboard and beach table applies and where freeboard is
/// measured from (GB 50863 §4.2.1–4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DamType {
    /// 上游式: freeboard from the beach crest (沉积滩顶).
    Upstream,
    /// 下游式: freeboard from the outer edge of the dam crest.
    Downstream,
    /// 中线式: as downstream.
    Centerline,
}

impl DamType {
    /// The table family the type belongs to.
    pub fn table(self) -> DamTable {
        match self {
            DamType::Upstream => DamTable::Upstream,
            DamType::Downstream | DamType::Centerline => DamTable::DownstreamCenterline,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DamType::Upstream => "上游式",
            DamType::Downstream => "下游式",
            DamType::Centerline => "中线式",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DamType::Upstream => "upstream",
            DamType::Downstream => "downstream",
            DamType::Centerline => "centerline",
        }
    }
}

/// Key of the freeboard / beach tables: the codes tabulate upstream dams and downstream-or-
/// centerline dams separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DamTable {
    Upstream,
    DownstreamCenterline,
}

/// Operating period (使用期) whose grade and flood standard are assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// 初期: starter dam only.
    Initial,
    /// 中、后期: raised dam (the usual case of an operating pond).
    #[default]
    MiddleLate,
}

impl Period {
    pub fn label_zh(self) -> &'static str {
        match self {
            Period::Initial => "初期",
            Period::MiddleLate => "中、后期",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Period::Initial => "initial",
            Period::MiddleLate => "middle-late",
        }
    }
}

/// Limit-equilibrium method whose minimum factor of safety is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StabilityMethod {
    /// 瑞典圆弧法 (ordinary method of slices).
    SwedishCircle,
    /// 简化毕肖普法.
    SimplifiedBishop,
}

/// Load case (运行工况) of a stability check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadCase {
    /// 正常运行: steady seepage at the normal level plus self-weight.
    Normal,
    /// 洪水运行: steady seepage at the design flood level.
    Flood,
    /// 特殊运行: normal plus earthquake.
    Special,
}

/// The AQ 2006-2005 safety classes defined through a factor-of-safety multiplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyClass {
    /// 危库: minimum FoS < 0.95 × required.
    Danger,
    /// 险库: minimum FoS < 0.98 × required.
    Risk,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edition_parses_scenario_keys_and_spaced_codes() {
        assert_eq!("GB39496-2020".parse::<Edition>().unwrap(), Edition::Gb39496_2020);
        assert_eq!("GB 50863-2013".parse::<Edition>().unwrap(), Edition::Gb50863_2013);
        assert_eq!("aq2006-2005".parse::<Edition>().unwrap(), Edition::Aq2006_2005);
        assert!(matches!("GB50863-2023".parse::<Edition>(), Err(RiskError::UnknownEdition(_))));
        assert_eq!(Edition::default(), Edition::Gb39496_2020);
    }

    #[test]
    fn grade_raise_and_lower_stay_within_one_to_five() {
        assert_eq!(Grade::I.raised(), Grade::I);
        assert_eq!(Grade::II.raised(), Grade::I);
        assert_eq!(Grade::V.lowered(), Grade::V);
        assert_eq!(Grade::III.numeral(), "三");
        assert!(matches!(Grade::new(0), Err(RiskError::BadGrade(0))));
        assert!(matches!(Grade::new(6), Err(RiskError::BadGrade(6))));
    }
}
