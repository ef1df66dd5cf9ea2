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
