//! `[inspection]` (the latest safety inspection: design values, the 重大事故隐患 items the run
//! cannot decide, findings for the legacy AQ 2006 class) and `[warnings]` (characteristic pond
//! levels and site warning thresholds). Both feed `tailtwin_risk::status`.
//!
//! ```toml
//! [inspection]
//! date = "2026-04-15"
//! design_dam_height_m = 80.0          # approved final height (item 4 compares [pond] dam_height_m)
//! design_storage_m3 = 1.3e7           # approved total storage (item 4 compares total_storage_m3)
//! findings = ["local_cracks"]         # legacy-class findings (tailtwin_risk::status::LegacyFinding)
//! [inspection.hazards]                # items 1–12 by key; each { present, note }
//! unapproved_works = { present = false }
//! outer_slope_steeper_than_design = { present = false, note = "surveyed 1:4.3 vs 1:4.2 designed" }
//!
//! [warnings]
//! operating_control_level_m = 368.5   # default: [pond] normal_level_m
//! pre_flood_control_level_m = 369.0
//! design_flood_level_m = 370.6
//! freeboard_m = { orange = 1.0 }      # site thresholds: blue/yellow/orange/red, any subset
//! rainfall_24h_mm = { yellow = 60.0 }
//! ```

use crate::error::Problems;
use crate::model::PondSpec;
use serde::Deserialize;
use tailtwin_core::AlarmLevel;
use tailtwin_core::warning::Direction;
use tailtwin_risk::status::{
    Finding, HAZARD_KEYS, Inspection, ItemThresholds, LegacyFinding, WarningItem, WarningSettings,
};

/// One item's finding as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFinding {
    pub present: bool,
    #[serde(default)]
    pub note: String,
}

/// `[inspection.hazards]`: the twelve items by key (`tailtwin_risk::status::HAZARD_KEYS`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHazards {
    pub unapproved_works: Option<RawFinding>,
    pub through_cracks_or_deep_sliding: Option<RawFinding>,
    pub outer_slope_steeper_than_design: Option<RawFinding>,
    pub over_height_or_capacity: Option<RawFinding>,
    pub raising_faster_than_design: Option<RawFinding>,
    pub stability_not_assessed: Option<RawFinding>,
    pub phreatic_above_control: Option<RawFinding>,
    pub freeboard_and_beach_below_design: Option<RawFinding>,
    pub drainage_seriously_blocked: Option<RawFinding>,
    pub outside_material_entering: Option<RawFinding>,
    pub mixed_tailings_not_as_designed: Option<RawFinding>,
    pub winter_discharge_not_under_ice: Option<RawFinding>,
}

impl RawHazards {
    /// The items in number order (the field order above is `HAZARD_KEYS`').
    fn items(&self) -> [&Option<RawFinding>; 12] {
        [
            &self.unapproved_works,
            &self.through_cracks_or_deep_sliding,
            &self.outer_slope_steeper_than_design,
            &self.over_height_or_capacity,
            &self.raising_faster_than_design,
            &self.stability_not_assessed,
            &self.phreatic_above_control,
            &self.freeboard_and_beach_below_design,
            &self.drainage_seriously_blocked,
            &self.outside_material_entering,
            &self.mixed_tailings_not_as_designed,
            &self.winter_discharge_not_under_ice,
        ]
    }
}

/// `[inspection]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInspection {
    pub date: Option<String>,
    pub design_dam_height_m: Option<f64>,
    pub design_storage_m3: Option<f64>,
    #[serde(default)]
    pub hazards: RawHazards,
    #[serde(default)]
    pub findings: Vec<String>,
}

/// Site thresholds of one item as written.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThresholds {
    pub blue: Option<f64>,
    pub yellow: Option<f64>,
    pub orange: Option<f64>,
    pub red: Option<f64>,
}

/// `[warnings]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWarnings {
    pub operating_control_level_m: Option<f64>,
    pub pre_flood_control_level_m: Option<f64>,
    pub design_flood_level_m: Option<f64>,
    pub freeboard_m: Option<RawThresholds>,
    pub beach_length_m: Option<RawThresholds>,
    pub phreatic_burial_m: Option<RawThresholds>,
    pub pond_level_m: Option<RawThresholds>,
    pub slope_fos: Option<RawThresholds>,
    pub rainfall_24h_mm: Option<RawThresholds>,
}

/// Validates `[inspection]`; None when absent or with problems.
pub(crate) fn inspection(raw: Option<&RawInspection>, p: &mut Problems) -> Option<Inspection> {
    let r = raw?;
    let before = p.len();
    if r.date.as_deref().is_some_and(|d| d.trim().is_empty()) {
        p.push("inspection.date", "empty: give the inspection date or leave the key out");
    }
    let design_dam_height_m =
        r.design_dam_height_m.and_then(|v| p.positive("inspection.design_dam_height_m", v));
    let design_storage_m3 =
        r.design_storage_m3.and_then(|v| p.positive("inspection.design_storage_m3", v));
    let mut findings = Vec::new();
    for (i, key) in r.findings.iter().enumerate() {
        match LegacyFinding::parse(key) {
            Some(f) if findings.contains(&f) => {
                p.push(format!("inspection.findings[{i}]"), format!("{key:?} is listed twice"))
            }
            Some(f) => findings.push(f),
            None => p.push(
                format!("inspection.findings[{i}]"),
                format!(
                    "unknown finding {key:?}; expected one of: {}",
                    LegacyFinding::ALL.map(|f| f.key()).join(", ")
                ),
            ),
        }
    }
    let hazards = r.hazards.items().map(|f| {
        f.as_ref().map(|f| Finding { present: f.present, note: f.note.trim().to_string() })
    });
    debug_assert_eq!(HAZARD_KEYS.len(), hazards.len());
    (p.len() == before).then(|| Inspection {
        date: r.date.clone(),
        design_dam_height_m,
        design_storage_m3,
        hazards,
        findings,
    })
}

/// Validates `[warnings]` (the defaults when absent); None when it has problems.
pub(crate) fn warnings(
    raw: Option<&RawWarnings>,
    pond: Option<&PondSpec>,
    p: &mut Problems,
) -> Option<WarningSettings> {
    let Some(r) = raw else {
        return Some(WarningSettings::default());
    };
    let before = p.len();
    let levels = [
        ("operating_control_level_m", r.operating_control_level_m),
        ("pre_flood_control_level_m", r.pre_flood_control_level_m),
        ("design_flood_level_m", r.design_flood_level_m),
    ];
    // The operating control level defaults to the normal level, which then bounds the others.
    let mut last: Option<(&str, f64)> = match (r.operating_control_level_m, pond) {
        (None, Some(pond)) => Some(("pond.normal_level_m", pond.normal_level.m())),
        _ => None,
    };
    for (key, v) in levels {
        let Some(v) = v else { continue };
        let path = format!("warnings.{key}");
        if p.finite(&path, v).is_none() {
            continue;
        }
        match pond {
            None => p.push(&path, "pond levels need a [pond]"),
            Some(pond) if v < pond.bottom.m() || v > pond.crest.m() => p.push(
                &path,
                format!("{v} m is outside the pond ({} – {} m)", pond.bottom.m(), pond.crest.m()),
            ),
            _ => {}
        }
        if let Some((k, w)) = last
            && v < w
        {
            p.push(
                &path,
                format!(
                    "{v} m is below {k} {w} m (levels rise operating → pre-flood → design flood)"
                ),
            );
        }
        last = Some((key, v));
    }
    let mut overrides = Vec::new();
    for (item, t) in [
        (WarningItem::Freeboard, r.freeboard_m),
        (WarningItem::BeachLength, r.beach_length_m),
        (WarningItem::PhreaticBurial, r.phreatic_burial_m),
        (WarningItem::PondLevel, r.pond_level_m),
        (WarningItem::SlopeFos, r.slope_fos),
        (WarningItem::Rainfall24h, r.rainfall_24h_mm),
    ] {
        let Some(t) = t else { continue };
        let key = item.scenario_key();
        let t = ItemThresholds { blue: t.blue, yellow: t.yellow, orange: t.orange, red: t.red };
        let mut pairs = Vec::new();
        for level in AlarmLevel::WARNINGS {
            let Some(v) = t.get(level) else { continue };
            let path = format!("warnings.{key}.{}", level.as_str());
            let ok = match item {
                WarningItem::PondLevel => p.finite(&path, v),
                WarningItem::Freeboard => p.finite(&path, v),
                _ => p.non_negative(&path, v),
            };
            if ok.is_some() {
                pairs.push((level, v));
            }
        }
        if let Some((a, b)) = ItemThresholds::out_of_order(&pairs, item.direction()) {
            let side = match item.direction() {
                Direction::Rising => "below",
                Direction::Falling => "above",
            };
            p.push(
                format!("warnings.{key}.{}", b.0.as_str()),
                format!(
                    "{} is {side} the less severe {} threshold {} (more severe levels lie further \
                     on the dangerous side)",
                    b.1,
                    a.0.as_str(),
                    a.1
                ),
            );
        }
        overrides.push((item, t));
    }
    (p.len() == before).then_some(WarningSettings {
        operating_control_level_m: r.operating_control_level_m,
        pre_flood_control_level_m: r.pre_flood_control_level_m,
        design_flood_level_m: r.design_flood_level_m,
        overrides,
    })
}
