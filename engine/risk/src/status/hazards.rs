//! The twelve 重大事故隐患 (major accident hazard) items of a tailings pond
//! (shared/reference/standards.md §7) and how each is decided.
//!
//! | item | from the run | from `[inspection]` |
//! |---|---|---|
//! | 4 over height / capacity | `[pond] dam_height_m`, `total_storage_m3` > `[inspection] design_dam_height_m`, `design_storage_m3` | `hazards.over_height_or_capacity` |
//! | 6 stability not assessed | absent when a stability load case gave a factor of safety | `hazards.stability_not_assessed` |
//! | 7 phreatic above control | a failing `phreatic_burial_depth/*` or `control_phreatic_line/*` row (the normal and given levels; the design-flood rows only when there are no others) | `hazards.phreatic_above_control` |
//! | 8 freeboard and beach | the `freeboard` AND `beach_length` rows both fail at the design flood (water-retaining dams: freeboard alone, the beach row being not applicable) | `hazards.freeboard_and_beach_below_design` |
//! | 9 drainage seriously blocked | a structure with condition < [`SERIOUS_BLOCKAGE_CONDITION`] or damaged | `hazards.drainage_seriously_blocked` |
//! | 1–3, 5, 10–12 | — | the item's key in [`HAZARD_KEYS`] |
//!
//! An item is present when the run or the inspection says so (basis: the run first); absent when
//! one of them decided it and neither found it; not assessed when neither decided it.

use tailtwin_core::CheckStatus;
use tailtwin_core::assessment::{HazardBasis, HazardItem};

use super::{Finding, StatusInput, f2};

/// A structure whose remaining capacity fraction is below this is "seriously blocked" (item 9,
/// and 危库 under AQ 2006). tailtwin's reading of 严重堵塞 / 排水能力急剧下降: half the capacity
/// lost; a site that reads it differently sets the item from its inspection.
pub const SERIOUS_BLOCKAGE_CONDITION: f64 = 0.5;

/// The `[inspection.hazards]` key of each item, item 1 first.
pub const HAZARD_KEYS: [&str; 12] = [
    "unapproved_works",
    "through_cracks_or_deep_sliding",
    "outer_slope_steeper_than_design",
    "over_height_or_capacity",
    "raising_faster_than_design",
    "stability_not_assessed",
    "phreatic_above_control",
    "freeboard_and_beach_below_design",
    "drainage_seriously_blocked",
    "outside_material_entering",
    "mixed_tailings_not_as_designed",
    "winter_discharge_not_under_ice",
];

/// Item texts (中文, English), item 1 first.
pub const HAZARD_TEXTS: [(&str, &str); 12] = [
    (
        "未经批准设计在库区或尾矿坝上进行采矿、挖掘、爆破等活动",
        "mining, excavation or blasting in the pond area or on the dam without an approved design",
    ),
    (
        "坝体出现贯穿性横向裂缝且出现较大范围管涌、流土，或坝体出现深层滑动迹象",
        "through-going transverse cracks with extensive piping or soil flow, or signs of deep sliding",
    ),
    ("坝外坡坡比陡于设计坡比", "outer slope steeper than designed"),
    (
        "坝体超过设计坝高，或超设计库容储存尾矿",
        "dam above design height, or storage above design capacity",
    ),
    ("尾矿堆积坝上升速率大于设计上升速率", "raising faster than designed"),
    ("未按要求进行尾矿坝稳定性论证", "dam stability not assessed as required"),
    ("浸润线埋深小于控制浸润线埋深", "phreatic burial depth less than the control phreatic line's"),
    ("安全超高和干滩长度小于设计规定", "freeboard and beach length less than the design values"),
    (
        "排洪系统构筑物严重堵塞或坍塌，排水能力急剧下降",
        "drainage structures seriously blocked or collapsed, capacity sharply reduced",
    ),
    (
        "设计以外的尾矿、废料或废水进库",
        "tailings, waste or wastewater from outside the design entering the pond",
    ),
    ("多种尾矿混合排放未按设计要求进行", "mixed tailings not discharged as designed"),
    ("冬季未按设计要求进行冰下放矿", "winter discharge not done under ice as designed"),
];

/// What the run decided on an item: (present, evidence).
type RunVerdict = Option<(bool, String)>;

/// The twelve items, item 1 first.
pub fn hazard_items(input: &StatusInput<'_>) -> Vec<HazardItem> {
    (1..=12u8)
        .map(|n| {
            let run = match n {
                4 => item4(input),
                6 => item6(input),
                7 => item7(input),
                8 => item8(input),
                9 => item9(input),
                _ => None,
            };
            let inspected = input.inspection.and_then(|i| i.hazards[usize::from(n) - 1].as_ref());
            combine(n, run, inspected)
        })
        .collect()
}

fn combine(n: u8, run: RunVerdict, inspected: Option<&Finding>) -> HazardItem {
    let (zh, en) = HAZARD_TEXTS[usize::from(n) - 1];
    let run_present = run.as_ref().map(|r| r.0);
    let insp_present = inspected.map(|f| f.present);
    let present = match (run_present, insp_present) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(false) || b.unwrap_or(false)),
    };
    let basis = match (run_present, insp_present) {
        (Some(true), _) => HazardBasis::Simulation,
        (_, Some(true)) => HazardBasis::Inspection,
        (Some(false), _) => HazardBasis::Simulation,
        (None, Some(false)) => HazardBasis::Inspection,
        (None, None) => HazardBasis::NotAssessed,
    };
    let mut evidence = Vec::new();
    if let Some((_, e)) = &run {
        evidence.push(e.clone());
    }
    if let Some(f) = inspected {
        let verdict = if f.present { "存在 / present" } else { "不存在 / absent" };
        evidence.push(if f.note.is_empty() {
            format!("巡查 / inspection: {verdict}")
        } else {
            format!("巡查 / inspection: {verdict} — {}", f.note)
        });
    }
    if evidence.is_empty() {
        evidence.push(
            "未评估：本次计算不能判定，且无巡查记录 / not assessed: the run cannot decide \
                       it and [inspection] does not record it"
                .into(),
        );
    }
    HazardItem {
        number: n,
        text_zh: zh.into(),
        text_en: en.into(),
        present,
        basis,
        evidence: evidence.join("; "),
    }
}

fn item4(input: &StatusInput<'_>) -> RunVerdict {
    let insp = input.inspection?;
    let mut parts = Vec::new();
    let mut present = false;
    if let Some(h) = insp.design_dam_height_m {
        let over = input.dam_height_m > h;
        present |= over;
        parts.push(format!(
            "坝高 {} m {} 设计 {} m / dam height {} m {} design {} m",
            f2(input.dam_height_m),
            if over { ">" } else { "≤" },
            f2(h),
            f2(input.dam_height_m),
            if over { ">" } else { "≤" },
            f2(h)
        ));
    }
    if let Some(v) = insp.design_storage_m3 {
        let over = input.total_storage_m3 > v;
        present |= over;
        parts.push(format!(
            "库容 {:.4e} m³ {} 设计 {:.4e} m³ / storage {:.4e} m³ {} design {:.4e} m³",
            input.total_storage_m3,
            if over { ">" } else { "≤" },
            v,
            input.total_storage_m3,
            if over { ">" } else { "≤" },
            v
        ));
    }
    (!parts.is_empty()).then(|| (present, parts.join(", ")))
}

fn item6(input: &StatusInput<'_>) -> RunVerdict {
    let computed: Vec<f64> = input.stability.iter().filter_map(|r| r.fos).collect();
    if computed.is_empty() {
        return None;
    }
    let min = computed.iter().copied().fold(f64::INFINITY, f64::min);
    Some((
        false,
        format!(
            "本次计算了 {} 个工况/方法的抗滑稳定，最小安全系数 {:.3} / stability computed for {} \
             load case–method pairs, minimum FoS {:.3}",
            computed.len(),
            min,
            computed.len(),
            min
        ),
    ))
}

fn item7(input: &StatusInput<'_>) -> RunVerdict {
    let decided = |c: &&tailtwin_core::Check| {
        matches!(c.status, CheckStatus::Pass | CheckStatus::Fail)
            && (c.id.starts_with("phreatic_burial_depth/")
                || c.id.starts_with("control_phreatic_line/"))
    };
    let all: Vec<_> = input.checks.iter().filter(decided).collect();
    let operating: Vec<_> =
        all.iter().copied().filter(|c| !c.id.ends_with("/design_flood")).collect();
    let rows = if operating.is_empty() { all } else { operating };
    if rows.is_empty() {
        return None;
    }
    let failing: Vec<_> = rows.iter().filter(|c| c.status == CheckStatus::Fail).collect();
    let describe = |c: &tailtwin_core::Check| {
        format!(
            "{}: {} {} {} m",
            c.id,
            c.value.map_or("—".into(), f2),
            c.comparison,
            c.limit.map_or("—".into(), f2)
        )
    };
    Some(if failing.is_empty() {
        (false, format!("浸润线检查均满足 / phreatic checks pass: {}", rows.len()))
    } else {
        (
            true,
            format!(
                "浸润线检查不满足 / phreatic checks fail: {}",
                failing.iter().map(|c| describe(c)).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

fn item8(input: &StatusInput<'_>) -> RunVerdict {
    let fb = input.check("freeboard")?;
    let beach = input.check("beach_length")?;
    let fb_fail = fb.status == CheckStatus::Fail;
    let beach_fail = match beach.status {
        CheckStatus::Fail => true,
        CheckStatus::NotApplicable => fb_fail,
        _ => false,
    };
    let text = format!(
        "设计洪水位：安全超高 {} m（要求 ≥ {} m），干滩长度 {} m（要求 ≥ {}）/ design flood: \
         freeboard {} m (≥ {} m required), beach length {} m (≥ {} required)",
        fb.value.map_or("—".into(), f2),
        fb.limit.map_or("—".into(), f2),
        beach.value.map_or("—".into(), f2),
        beach.limit.map_or("—".into(), |l| format!("{} m", f2(l))),
        fb.value.map_or("—".into(), f2),
        fb.limit.map_or("—".into(), f2),
        beach.value.map_or("—".into(), f2),
        beach.limit.map_or("n/a".into(), |l| format!("{} m", f2(l))),
    );
    Some((fb_fail && beach_fail, text))
}

fn item9(input: &StatusInput<'_>) -> RunVerdict {
    if input.structures.is_empty() {
        return None;
    }
    let serious: Vec<_> = input
        .structures
        .iter()
        .filter(|s| s.damaged || s.condition < SERIOUS_BLOCKAGE_CONDITION)
        .map(|s| {
            if s.damaged {
                format!("{} 损毁 / damaged", s.id)
            } else {
                format!("{} condition {:.2}", s.id, s.condition)
            }
        })
        .collect();
    Some(if serious.is_empty() {
        (
            false,
            format!(
                "各排洪构筑物能力系数 ≥ {SERIOUS_BLOCKAGE_CONDITION} / every structure's \
                 condition ≥ {SERIOUS_BLOCKAGE_CONDITION}"
            ),
        )
    } else {
        (
            true,
            format!(
                "排洪构筑物严重堵塞或损毁（能力系数 < {SERIOUS_BLOCKAGE_CONDITION}）/ seriously \
                 blocked or damaged (condition < {SERIOUS_BLOCKAGE_CONDITION}): {}",
                serious.join(", ")
            ),
        )
    })
}
