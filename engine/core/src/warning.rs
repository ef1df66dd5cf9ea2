//! Warning levels (预警等级 蓝/黄/橙/红) and the GB 39496 roll-up, shared by the twin's alarms and the
//! risk crate's status (the same rule must serve both, so it lives here).
//!
//! Roll-up (shared/reference/standards.md §8): within a group, 4 members at blue or above make the
//! group yellow, 3 at yellow or above make it orange, 2 at orange or above make it red; otherwise the
//! group takes its most severe member. The same rule rolls points into an item and items into a pond.

use serde::{Deserialize, Serialize};

/// Warning level (预警等级), in increasing severity; `None` = no alarm.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum AlarmLevel {
    #[default]
    None,
    Blue,
    Yellow,
    Orange,
    Red,
}

impl AlarmLevel {
    /// The four warning levels, least severe first.
    pub const WARNINGS: [AlarmLevel; 4] =
        [AlarmLevel::Blue, AlarmLevel::Yellow, AlarmLevel::Orange, AlarmLevel::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            AlarmLevel::None => "none",
            AlarmLevel::Blue => "blue",
            AlarmLevel::Yellow => "yellow",
            AlarmLevel::Orange => "orange",
            AlarmLevel::Red => "red",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AlarmLevel::None => "无",
            AlarmLevel::Blue => "蓝色",
            AlarmLevel::Yellow => "黄色",
            AlarmLevel::Orange => "橙色",
            AlarmLevel::Red => "红色",
        }
    }

    pub fn parse(s: &str) -> Option<AlarmLevel> {
        [
            AlarmLevel::None,
            AlarmLevel::Blue,
            AlarmLevel::Yellow,
            AlarmLevel::Orange,
            AlarmLevel::Red,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
    }

    /// 0 (none) … 4 (red).
    pub fn rank(self) -> usize {
        self as usize
    }

    pub fn from_rank(rank: usize) -> AlarmLevel {
        match rank {
            0 => AlarmLevel::None,
            1 => AlarmLevel::Blue,
            2 => AlarmLevel::Yellow,
            3 => AlarmLevel::Orange,
            _ => AlarmLevel::Red,
        }
    }

    /// The next more severe level (red stays red).
    pub fn next(self) -> AlarmLevel {
        AlarmLevel::from_rank(self.rank() + 1)
    }
}

/// Group sizes of the roll-up: (level counted, members needed, level reached).
pub const ROLL_UP: [(AlarmLevel, usize, AlarmLevel); 3] = [
    (AlarmLevel::Blue, 4, AlarmLevel::Yellow),
    (AlarmLevel::Yellow, 3, AlarmLevel::Orange),
    (AlarmLevel::Orange, 2, AlarmLevel::Red),
];

/// The level of a group (item from its points, pond from its items).
pub fn roll_up(members: &[AlarmLevel]) -> AlarmLevel {
    let mut level = members.iter().copied().max().unwrap_or_default();
    for (counted, needed, reached) in ROLL_UP {
        if members.iter().filter(|&&m| m >= counted).count() >= needed {
            level = level.max(reached);
        }
    }
    level
}

/// Which side of a threshold is the dangerous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Danger grows with the value (pond level, rainfall): a level sounds at value ≥ threshold.
    Rising,
    /// Danger grows as the value falls (freeboard, beach length, burial depth, FoS): a level
    /// sounds at value ≤ threshold.
    Falling,
}

/// The most severe level whose threshold `value` reaches (`thresholds` as (level, value) pairs in
/// any order; a NaN value reaches none). The stateless rule the twin's alarms apply before their
/// deadband and hold time.
pub fn level_of(value: f64, direction: Direction, thresholds: &[(AlarmLevel, f64)]) -> AlarmLevel {
    thresholds
        .iter()
        .filter(|(_, t)| match direction {
            Direction::Rising => value >= *t,
            Direction::Falling => value <= *t,
        })
        .map(|(l, _)| *l)
        .max()
        .unwrap_or_default()
}

/// GB 51108-2015 commentary §8.3 guidance values shared by the twin's alarm defaults and the risk
/// crate's status warnings (shared/reference/standards.md §8).
pub mod guidance {
    use super::AlarmLevel;

    /// Phreatic line: orange when the burial depth falls to this multiple of the red (minimum)
    /// depth (verified).
    pub const PHREATIC_ORANGE_FACTOR: f64 = 1.1;

    /// Landslide displacement: orange at this fraction of red (verified).
    pub const LANDSLIDE_ORANGE_FRACTION: f64 = 0.8;

    /// Trailing 24 h rainfall, m: yellow at the 暴雨 class 50 mm (guidance, value recalled); blue
    /// 25 mm, orange 100 mm and red 250 mm are the neighbouring 24 h classes 大雨 / 大暴雨 / 特大暴雨
    /// of GB/T 28592-2012 (recalled), chosen by tailtwin by analogy.
    pub const RAINFALL_24H_M: [(AlarmLevel, f64); 4] = [
        (AlarmLevel::Blue, 0.025),
        (AlarmLevel::Yellow, 0.050),
        (AlarmLevel::Orange, 0.100),
        (AlarmLevel::Red, 0.250),
    ];

    /// Pond-level colours (rising): the guidance names the operating control level, the
    /// pre-flood-season control level and the design maximum flood level, and sets freeboard red
    /// at the code minimum; tailtwin colours them blue, yellow, orange, and red at beach crest −
    /// minimum freeboard. Levels not given stay unset (they never sound).
    pub fn pond_level(
        operating_control: Option<f64>,
        pre_flood_control: Option<f64>,
        design_flood: Option<f64>,
        beach_crest: f64,
        min_freeboard: f64,
    ) -> Vec<(AlarmLevel, f64)> {
        [
            (AlarmLevel::Blue, operating_control),
            (AlarmLevel::Yellow, pre_flood_control),
            (AlarmLevel::Orange, design_flood),
            (AlarmLevel::Red, Some(beach_crest - min_freeboard)),
        ]
        .into_iter()
        .filter_map(|(l, v)| v.map(|v| (l, v)))
        .collect()
    }
}
