//! Warning level (预警等级 蓝/黄/橙/红) per item at the assessed state — the routed design flood
//! and the geotechnical results that go with it — and the thresholds behind each level.
//!
//! Defaults follow the GB 51108-2015 commentary §8.3 guidance (shared/reference/standards.md §8)
//! through the values shared with the twin's alarms (`tailtwin_core::warning::guidance`); levels
//! the guidance does not give stay unset (they never sound) unless `[warnings]` sets them:
//!
//! | item | direction | red | orange | yellow | blue |
//! |---|---|---|---|---|---|
//! | `freeboard` (m) | falling | code minimum (the `freeboard` row's limit) | beach crest − design flood level | beach crest − pre-flood control level | beach crest − operating control level |
//! | `beach_length` (m) | falling | code minimum (`beach_length` row) | — | — | — |
//! | `phreatic_burial` (m) | falling | site minimum burial depth | 1.1 × red | — | — |
//! | `pond_level` (m) | rising | beach crest − minimum freeboard | design flood level | pre-flood control level | operating control level |
//! | `slope_fos` (–) | falling | 0.95 × required | 0.98 × required | required | — |
//! | `rainfall_24h` (mm) | rising | 250 | 100 | 50 (暴雨) | 25 |
//!
//! The operating control level defaults to the normal level; the pre-flood-season control level
//! and the design maximum flood level are `[warnings]` inputs. The phreatic item takes the
//! governing section at the design-flood level (the normal level when that was not solved); the
//! slope item the governing row (least FoS / required) of all load cases, with its required
//! value and the AQ 2006 multipliers. Each `[warnings] <item>` table replaces the levels it
//! names; the merged thresholds must keep their order (more severe = further on the dangerous
//! side), else an error names the item.
//!
//! The rainfall item of a design storm is listed but not rolled up into the pond level (see
//! [`StatusInput::rain_observed`](super::StatusInput::rain_observed)); observed rain is.

use serde::{Deserialize, Serialize};
use tailtwin_core::assessment::ItemWarning;
use tailtwin_core::warning::{Direction, guidance, level_of};
use tailtwin_core::{AlarmLevel, CheckStatus};

use super::StatusInput;
use crate::error::RiskError;
use crate::types::LegacyClass;

/// The items with warning thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningItem {
    Freeboard,
    BeachLength,
    PhreaticBurial,
    PondLevel,
    SlopeFos,
    Rainfall24h,
}

impl WarningItem {
    pub const ALL: [WarningItem; 6] = [
        WarningItem::Freeboard,
        WarningItem::BeachLength,
        WarningItem::PhreaticBurial,
        WarningItem::PondLevel,
        WarningItem::SlopeFos,
        WarningItem::Rainfall24h,
    ];

    /// Item key in `ItemWarning::item`.
    pub fn key(self) -> &'static str {
        match self {
            WarningItem::Freeboard => "freeboard",
            WarningItem::BeachLength => "beach_length",
            WarningItem::PhreaticBurial => "phreatic_burial",
            WarningItem::PondLevel => "pond_level",
            WarningItem::SlopeFos => "slope_fos",
            WarningItem::Rainfall24h => "rainfall_24h",
        }
    }

    /// Key of the item's table in `[warnings]` (with its unit).
    pub fn scenario_key(self) -> &'static str {
        match self {
            WarningItem::Freeboard => "freeboard_m",
            WarningItem::BeachLength => "beach_length_m",
            WarningItem::PhreaticBurial => "phreatic_burial_m",
            WarningItem::PondLevel => "pond_level_m",
            WarningItem::SlopeFos => "slope_fos",
            WarningItem::Rainfall24h => "rainfall_24h_mm",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            WarningItem::PondLevel | WarningItem::Rainfall24h => Direction::Rising,
            _ => Direction::Falling,
        }
    }

    fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            WarningItem::Freeboard => ("安全超高", "freeboard", "m"),
            WarningItem::BeachLength => ("干滩长度", "dry-beach length", "m"),
            WarningItem::PhreaticBurial => ("浸润线埋深", "phreatic burial depth", "m"),
            WarningItem::PondLevel => ("库水位", "pond level", "m"),
            WarningItem::SlopeFos => ("坝坡抗滑稳定安全系数", "slope factor of safety", ""),
            WarningItem::Rainfall24h => ("24 h 降雨量", "24 h rainfall", "mm"),
        }
    }
}

/// Thresholds of one item as `[warnings]` gives them (each optional).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemThresholds {
    pub blue: Option<f64>,
    pub yellow: Option<f64>,
    pub orange: Option<f64>,
    pub red: Option<f64>,
}

impl ItemThresholds {
    pub fn get(&self, level: AlarmLevel) -> Option<f64> {
        match level {
            AlarmLevel::Blue => self.blue,
            AlarmLevel::Yellow => self.yellow,
            AlarmLevel::Orange => self.orange,
            AlarmLevel::Red => self.red,
            AlarmLevel::None => None,
        }
    }

    /// The first pair of given levels out of order for `direction`, as (less severe, more severe).
    pub fn out_of_order(
        pairs: &[(AlarmLevel, f64)],
        direction: Direction,
    ) -> Option<((AlarmLevel, f64), (AlarmLevel, f64))> {
        let mut sorted = pairs.to_vec();
        sorted.sort_by_key(|p| p.0);
        sorted.windows(2).find_map(|w| {
            let bad = match direction {
                Direction::Rising => w[1].1 < w[0].1,
                Direction::Falling => w[1].1 > w[0].1,
            };
            bad.then_some((w[0], w[1]))
        })
    }
}

/// `[warnings]`: the pond's characteristic levels and per-item threshold overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WarningSettings {
    /// 正常运行控制水位, m (default: the normal level).
    pub operating_control_level_m: Option<f64>,
    /// 汛前控制水位, m.
    pub pre_flood_control_level_m: Option<f64>,
    /// 设计最高洪水位, m.
    pub design_flood_level_m: Option<f64>,
    /// Site thresholds per item (rainfall in mm, the others in the item's unit).
    pub overrides: Vec<(WarningItem, ItemThresholds)>,
}

/// One threshold and where it comes from.
type Sourced = (AlarmLevel, f64, String);

/// The warning of each item the run can judge, in [`WarningItem::ALL`] order.
pub fn item_warnings(input: &StatusInput<'_>) -> Result<Vec<ItemWarning>, RiskError> {
    let mut out = Vec::new();
    for item in WarningItem::ALL {
        if let Some((value, defaults)) = defaults(input, item)? {
            out.push(judge(input, item, value, defaults)?);
        }
    }
    Ok(out)
}

fn judge(
    input: &StatusInput<'_>,
    item: WarningItem,
    value: f64,
    defaults: Vec<Sourced>,
) -> Result<ItemWarning, RiskError> {
    let site = input.warnings.overrides.iter().find(|(i, _)| *i == item).map(|(_, t)| *t);
    let mut merged: Vec<Sourced> = Vec::new();
    for level in AlarmLevel::WARNINGS {
        if let Some(v) = site.and_then(|t| t.get(level)) {
            merged.push((level, v, "site [warnings]".into()));
        } else if let Some(d) = defaults.iter().find(|d| d.0 == level) {
            merged.push(d.clone());
        }
    }
    // Defaults that contradict each other (e.g. a normal level above beach crest − minimum
    // freeboard) cannot all hold: the less severe default is dropped and the source says so. A
    // site value out of order with anything is an error naming the item.
    let mut dropped = Vec::new();
    let pairs = loop {
        let pairs: Vec<(AlarmLevel, f64)> = merged.iter().map(|m| (m.0, m.1)).collect();
        let Some((a, b)) = ItemThresholds::out_of_order(&pairs, item.direction()) else {
            break pairs;
        };
        let is_site = |l: AlarmLevel| merged.iter().any(|m| m.0 == l && m.2.starts_with("site"));
        if is_site(a.0) || is_site(b.0) {
            return Err(RiskError::Warnings {
                item: item.scenario_key().to_string(),
                message: format!(
                    "{} threshold {} is on the safer side of the less severe {} threshold {} \
                     (after merging the site values with the defaults; set both)",
                    b.0.as_str(),
                    b.1,
                    a.0.as_str(),
                    a.1
                ),
            });
        }
        merged.retain(|m| m.0 != a.0);
        dropped.push(format!(
            "default {} {} dropped: not less severe than {} {}",
            a.0.as_str(),
            a.1,
            b.0.as_str(),
            b.1
        ));
    };
    let (zh, en, units) = item.labels();
    Ok(ItemWarning {
        item: item.key().into(),
        label_zh: zh.into(),
        label_en: en.into(),
        level: level_of(value, item.direction(), &pairs),
        value,
        units: units.into(),
        thresholds: pairs,
        source: merged
            .iter()
            .map(|(l, _, s)| format!("{}: {s}", l.as_str()))
            .chain(dropped)
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// The judged value and the default thresholds of `item`, None when the run cannot judge it.
fn defaults(
    input: &StatusInput<'_>,
    item: WarningItem,
) -> Result<Option<(f64, Vec<Sourced>)>, RiskError> {
    let w = input.warnings;
    let operating = w.operating_control_level_m.unwrap_or(input.normal_level_m);
    let code_min = |id: &str| {
        input.check(id).and_then(|c| match (c.status, c.value, c.limit) {
            (CheckStatus::Pass | CheckStatus::Fail, Some(v), Some(l)) => Some((v, l, c)),
            _ => None,
        })
    };
    let guidance_note = "GB 51108 commentary §8.3 guidance (colour: tailtwin)";
    Ok(match item {
        WarningItem::Freeboard => code_min("freeboard").map(|(v, l, c)| {
            let crest = input.beach_crest_m;
            let mut t = vec![(
                AlarmLevel::Red,
                l,
                format!("code minimum ({} {}, {:?})", c.standard.code(), c.clause, c.confidence),
            )];
            for (level, z, name) in [
                (AlarmLevel::Orange, w.design_flood_level_m, "design flood level"),
                (AlarmLevel::Yellow, w.pre_flood_control_level_m, "pre-flood control level"),
                (AlarmLevel::Blue, Some(operating), "operating control level"),
            ] {
                if let Some(z) = z {
                    t.push((level, crest - z, format!("beach crest − {name}; {guidance_note}")));
                }
            }
            (v, t)
        }),
        WarningItem::BeachLength => code_min("beach_length").map(|(v, l, c)| {
            let note = format!(
                "code minimum ({} {}, {:?}); GB 51108 §8.3",
                c.standard.code(),
                c.clause,
                c.confidence
            );
            (v, vec![(AlarmLevel::Red, l, note)])
        }),
        WarningItem::PhreaticBurial => {
            let rows: Vec<_> = input
                .checks_with_prefix("phreatic_burial_depth/")
                .filter_map(|c| Some((c.value?, c.limit?, c)))
                .collect();
            let flood: Vec<_> =
                rows.iter().filter(|r| r.2.id.ends_with("/design_flood")).cloned().collect();
            let pick = if flood.is_empty() { rows } else { flood };
            pick.into_iter().min_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1))).map(|(v, l, c)| {
                let f = guidance::PHREATIC_ORANGE_FACTOR;
                (
                    v,
                    vec![
                        (AlarmLevel::Red, l, format!("site minimum burial depth ({})", c.id)),
                        (AlarmLevel::Orange, f * l, format!("{f} × red; GB 51108 commentary §8.3")),
                    ],
                )
            })
        }
        WarningItem::PondLevel => code_min("freeboard").map(|(_, min_fb, _)| {
            let t = guidance::pond_level(
                Some(operating),
                w.pre_flood_control_level_m,
                w.design_flood_level_m,
                input.beach_crest_m,
                min_fb,
            );
            let names = |l: AlarmLevel| match l {
                AlarmLevel::Blue => "operating control level",
                AlarmLevel::Yellow => "pre-flood control level",
                AlarmLevel::Orange => "design flood level",
                _ => "beach crest − minimum freeboard",
            };
            (
                input.peak_stage_m,
                t.into_iter()
                    .map(|(l, v)| (l, v, format!("{}; {guidance_note}", names(l))))
                    .collect(),
            )
        }),
        WarningItem::SlopeFos => {
            let governing = input
                .stability
                .iter()
                .filter_map(|r| Some((r.fos?, r.required_fos?, r)))
                .min_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)));
            match governing {
                None => None,
                Some((fos, req, r)) => {
                    let danger = input.tables.legacy_fos_multiplier(LegacyClass::Danger)?;
                    let risk = input.tables.legacy_fos_multiplier(LegacyClass::Risk)?;
                    let case = format!("{} {} {}", r.section, r.load_case.label_en(), r.method);
                    Some((
                        fos,
                        vec![
                            (AlarmLevel::Yellow, req, format!("required minimum ({case})")),
                            (
                                AlarmLevel::Orange,
                                risk.value * req,
                                format!("{} × required (AQ 2006 险库)", risk.value),
                            ),
                            (
                                AlarmLevel::Red,
                                danger.value * req,
                                format!("{} × required (AQ 2006 危库)", danger.value),
                            ),
                        ],
                    ))
                }
            }
        }
        WarningItem::Rainfall24h => input.design_rain_24h_mm.map(|v| {
            let name = |l: AlarmLevel| match l {
                AlarmLevel::Yellow => "暴雨 class, GB 51108 commentary §8.3 (value recalled)",
                AlarmLevel::Blue => "大雨 class, GB/T 28592 by analogy (tailtwin, recalled)",
                AlarmLevel::Orange => "大暴雨 class, GB/T 28592 by analogy (tailtwin, recalled)",
                _ => "特大暴雨 class, GB/T 28592 by analogy (tailtwin, recalled)",
            };
            (
                v,
                guidance::RAINFALL_24H_M
                    .iter()
                    .map(|&(l, m)| {
                        let what = if input.rain_observed {
                            "observed rain's wettest 24 h"
                        } else {
                            "design storm's wettest 24 h (listed, not in the pond roll-up)"
                        };
                        (l, 1000.0 * m, format!("{what}; {}", name(l)))
                    })
                    .collect(),
            )
        }),
    })
}
