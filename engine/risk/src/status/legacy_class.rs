//! The legacy AQ 2006-2005 class 正常库 / 病库 / 险库 / 危库 (superseded by GB 39496-2020, which
//! deleted the classes; shown for continuity), shared/reference/standards.md §7.
//!
//! The class is the worst any criterion gives; every criterion is listed in the reasons, met or
//! not:
//!
//! | criterion | 危库 | 险库 | 病库 |
//! |---|---|---|---|
//! | design flood (`freeboard`, `beach_length`, `overtopping` rows) | both fail and the flood overtops | both fail | one fails |
//! | discharge structures (condition factor c) | c < 0.5 or damaged | c < 1 (capacity below design) | — |
//! | min FoS / required ([`crate::legacy_fos_standing`]) | < 0.95 | < 0.98 | 0.98–1.00: the gap, at least 病库 with a note |
//! | 重大事故隐患 items | 2 (through cracks, deep sliding), 9 from inspection | — | 3 (slope steeper than designed), 7 (phreatic line high) |
//! | inspection findings ([`LegacyFinding`]) | each finding's own class | | |
//!
//! For a water-retaining dam the beach row is not applicable and the freeboard row decides alone.
//! Criteria that cannot be decided (no structures, no stability rows) are listed as not decided;
//! they do not make the pond worse than the others show.

use serde::{Deserialize, Serialize};
use tailtwin_core::CheckStatus;
use tailtwin_core::assessment::{HazardBasis, HazardItem, LegacyClassification, LegacyPondClass};

use super::hazards::SERIOUS_BLOCKAGE_CONDITION;
use super::{StatusInput, f2};
use crate::error::RiskError;
use crate::legacy::{LegacyFosStanding, legacy_fos_standing};

/// An inspection finding named by AQ 2006-2005 for a legacy class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyFinding {
    // 危库
    DrainageSeriouslyBlocked,
    DecantTowerMarkedlyTilted,
    ThroughCracksPipingOrDeepSliding,
    OtherSeriousDanger,
    // 险库
    DrainagePartlyBlocked,
    DecantTowerSomewhatTilted,
    ShallowSliding,
    LongitudinalCracksWithSeepage,
    // 病库
    StructuresCrackedOrCorroded,
    LocalSlopeTooSteep,
    PhreaticLocallyHighWithSeepageExits,
    LocalCracks,
    MissingFaceDrains,
    NoAbutmentDitches,
    SlopeNotCovered,
}

impl LegacyFinding {
    /// Every finding, in the order of the table above.
    pub const ALL: [LegacyFinding; 15] = [
        LegacyFinding::DrainageSeriouslyBlocked,
        LegacyFinding::DecantTowerMarkedlyTilted,
        LegacyFinding::ThroughCracksPipingOrDeepSliding,
        LegacyFinding::OtherSeriousDanger,
        LegacyFinding::DrainagePartlyBlocked,
        LegacyFinding::DecantTowerSomewhatTilted,
        LegacyFinding::ShallowSliding,
        LegacyFinding::LongitudinalCracksWithSeepage,
        LegacyFinding::StructuresCrackedOrCorroded,
        LegacyFinding::LocalSlopeTooSteep,
        LegacyFinding::PhreaticLocallyHighWithSeepageExits,
        LegacyFinding::LocalCracks,
        LegacyFinding::MissingFaceDrains,
        LegacyFinding::NoAbutmentDitches,
        LegacyFinding::SlopeNotCovered,
    ];

    /// The key as written in `[inspection] findings`.
    pub fn key(self) -> &'static str {
        match self {
            LegacyFinding::DrainageSeriouslyBlocked => "drainage_seriously_blocked",
            LegacyFinding::DecantTowerMarkedlyTilted => "decant_tower_markedly_tilted",
            LegacyFinding::ThroughCracksPipingOrDeepSliding => {
                "through_cracks_piping_or_deep_sliding"
            }
            LegacyFinding::OtherSeriousDanger => "other_serious_danger",
            LegacyFinding::DrainagePartlyBlocked => "drainage_partly_blocked",
            LegacyFinding::DecantTowerSomewhatTilted => "decant_tower_somewhat_tilted",
            LegacyFinding::ShallowSliding => "shallow_sliding",
            LegacyFinding::LongitudinalCracksWithSeepage => "longitudinal_cracks_with_seepage",
            LegacyFinding::StructuresCrackedOrCorroded => "structures_cracked_or_corroded",
            LegacyFinding::LocalSlopeTooSteep => "local_slope_too_steep",
            LegacyFinding::PhreaticLocallyHighWithSeepageExits => {
                "phreatic_locally_high_with_seepage_exits"
            }
            LegacyFinding::LocalCracks => "local_cracks",
            LegacyFinding::MissingFaceDrains => "missing_face_drains",
            LegacyFinding::NoAbutmentDitches => "no_abutment_ditches",
            LegacyFinding::SlopeNotCovered => "slope_not_covered",
        }
    }

    /// Parses a key of `[inspection] findings`.
    pub fn parse(key: &str) -> Option<LegacyFinding> {
        LegacyFinding::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The class the finding places the pond in.
    pub fn class(self) -> LegacyPondClass {
        use LegacyFinding::*;
        match self {
            DrainageSeriouslyBlocked
            | DecantTowerMarkedlyTilted
            | ThroughCracksPipingOrDeepSliding
            | OtherSeriousDanger => LegacyPondClass::Danger,
            DrainagePartlyBlocked
            | DecantTowerSomewhatTilted
            | ShallowSliding
            | LongitudinalCracksWithSeepage => LegacyPondClass::Risk,
            _ => LegacyPondClass::Sick,
        }
    }

    /// Description (中文 / English).
    pub fn text(self) -> &'static str {
        use LegacyFinding::*;
        match self {
            DrainageSeriouslyBlocked => {
                "排洪设施严重堵塞或坍塌 / drainage seriously blocked or collapsed"
            }
            DecantTowerMarkedlyTilted => "排水井显著倾斜 / decant tower markedly tilted",
            ThroughCracksPipingOrDeepSliding => {
                "贯穿性裂缝、管涌或深层滑动 / through cracks with piping or deep sliding"
            }
            OtherSeriousDanger => "其他严重危及安全的情况 / other serious danger",
            DrainagePartlyBlocked => {
                "排洪设施部分堵塞，排洪能力不满足设计 / drainage partly blocked, capacity below design"
            }
            DecantTowerSomewhatTilted => "排水井有所倾斜 / decant tower somewhat tilted",
            ShallowSliding => "坝体出现浅层滑动 / shallow sliding",
            LongitudinalCracksWithSeepage => {
                "较大纵向裂缝、渗流出逸点高、沼泽化 / large longitudinal cracks, high seepage exits, \
                 swampiness"
            }
            StructuresCrackedOrCorroded => {
                "排洪构筑物裂缝、腐蚀但不影响使用 / structures cracked or corroded without affecting use"
            }
            LocalSlopeTooSteep => "坝体局部坡度过陡 / local slopes too steep",
            PhreaticLocallyHighWithSeepageExits => {
                "浸润线局部偏高、有渗水出逸 / phreatic line locally high with seepage exits"
            }
            LocalCracks => "坝体局部裂缝 / local cracks",
            MissingFaceDrains => "坝面排水沟缺失 / missing dam-face drains",
            NoAbutmentDitches => "无坝肩截水沟 / no abutment ditches",
            SlopeNotCovered => "坝坡未按设计护坡 / slope not covered as designed",
        }
    }
}

fn tag(class: LegacyPondClass) -> String {
    format!("{} / {}", class.label_zh(), class.label_en())
}

/// The legacy class with every criterion listed.
pub fn classify_legacy(
    input: &StatusInput<'_>,
    hazards: &[HazardItem],
) -> Result<LegacyClassification, RiskError> {
    let mut reasons: Vec<(LegacyPondClass, String)> = Vec::new();
    let mut notes = vec![
        "AQ 2006-2005 尾矿库安全技术规程（已废止，GB 39496-2020 取消了危库/险库/病库/正常库分类，\
         仅供对照）/ AQ 2006-2005, superseded (GB 39496-2020 deleted the classes; shown for \
         continuity)"
            .to_string(),
    ];

    // 1. Design flood.
    if let (Some(fb), Some(beach)) = (input.check("freeboard"), input.check("beach_length")) {
        let fb_fail = fb.status == CheckStatus::Fail;
        let beach_fail = match beach.status {
            CheckStatus::Fail => true,
            CheckStatus::NotApplicable => fb_fail,
            _ => false,
        };
        let overtops = input.failed("overtopping");
        let what = format!(
            "设计洪水位安全超高 {} m（≥ {} m）、干滩长度 {} m（≥ {}）/ design-flood freeboard {} m \
             (≥ {} m), beach length {} m (≥ {})",
            fb.value.map_or("—".into(), f2),
            fb.limit.map_or("—".into(), f2),
            beach.value.map_or("—".into(), f2),
            beach.limit.map_or("—".into(), |l| format!("{} m", f2(l))),
            fb.value.map_or("—".into(), f2),
            fb.limit.map_or("—".into(), f2),
            beach.value.map_or("—".into(), f2),
            beach.limit.map_or("n/a".into(), |l| format!("{} m", f2(l))),
        );
        let (class, verdict) = match (fb_fail && beach_fail, overtops, fb_fail || beach_fail) {
            (true, true, _) => {
                (LegacyPondClass::Danger, "均不满足且洪水漫顶 / both fail and the flood overtops")
            }
            (true, false, _) => (LegacyPondClass::Risk, "均不满足 / both fail"),
            (false, _, true) => (LegacyPondClass::Sick, "不能同时满足 / not both met"),
            _ => (LegacyPondClass::Normal, "均满足 / both met"),
        };
        reasons.push((class, format!("{what}: {verdict}")));
    } else {
        reasons.push((
            LegacyPondClass::Normal,
            "未判定：无设计洪水位安全超高/干滩检查 / not decided: no design-flood freeboard and \
             beach checks"
                .into(),
        ));
    }

    // 2. Discharge structures.
    if input.structures.is_empty() {
        reasons.push((
            LegacyPondClass::Normal,
            "未判定：无排洪构筑物 / not decided: no discharge structures".into(),
        ));
    } else {
        for s in &input.structures {
            let (class, verdict) = if s.damaged {
                (LegacyPondClass::Danger, "损毁 / damaged".to_string())
            } else if s.condition < SERIOUS_BLOCKAGE_CONDITION {
                (
                    LegacyPondClass::Danger,
                    format!(
                        "能力系数 {:.2} < {SERIOUS_BLOCKAGE_CONDITION}：严重堵塞 / condition {:.2} < \
                         {SERIOUS_BLOCKAGE_CONDITION}: seriously blocked",
                        s.condition, s.condition
                    ),
                )
            } else if s.condition < 1.0 {
                (
                    LegacyPondClass::Risk,
                    format!(
                        "能力系数 {:.2} < 1：部分堵塞，能力低于设计 / condition {:.2} < 1: partly \
                         blocked, capacity below design",
                        s.condition, s.condition
                    ),
                )
            } else {
                (LegacyPondClass::Normal, "畅通 / clear (condition 1)".to_string())
            };
            reasons.push((class, format!("排洪构筑物 / structure {}: {verdict}", s.id)));
        }
    }

    // 3. Factor of safety against 0.95 / 0.98 × required.
    let mut fos_decided = false;
    for row in input.stability {
        let (Some(fos), Some(req)) = (row.fos, row.required_fos) else {
            continue;
        };
        fos_decided = true;
        let (standing, danger, risk) = legacy_fos_standing(input.tables, fos, req)?;
        let class = match standing {
            LegacyFosStanding::Danger => LegacyPondClass::Danger,
            LegacyFosStanding::Risk => LegacyPondClass::Risk,
            LegacyFosStanding::BelowMinimum => LegacyPondClass::Sick,
            LegacyFosStanding::MeetsMinimum => LegacyPondClass::Normal,
        };
        let ratio = fos / req;
        reasons.push((
            class,
            format!(
                "抗滑稳定 / slope {} {} {}: FoS {:.3} = {:.3} × 要求/required {:.2} ({}; 危 < {} ×, \
                 险 < {} ×)",
                row.section,
                row.load_case.label_en(),
                row.method,
                fos,
                ratio,
                req,
                standing.label(),
                danger.value,
                risk.value
            ),
        ));
        if standing == LegacyFosStanding::BelowMinimum {
            notes.push(format!(
                "{} {} {}: FoS {:.3} 介于 {} × 与 1.00 × 要求值之间，AQ 2006 未明确归类，按至少病库处理 \
                 / lies between {} × and 1.00 × required, which AQ 2006 names no class for; \
                 treated as at least 病库 (defective)",
                row.section,
                row.load_case.label_en(),
                row.method,
                fos,
                risk.value,
                risk.value
            ));
        }
    }
    if !fos_decided {
        reasons.push((
            LegacyPondClass::Normal,
            "未判定：无抗滑稳定安全系数 / not decided: no slope factor of safety with a minimum"
                .into(),
        ));
    }

    // 4. 重大事故隐患 items that name a legacy criterion.
    for h in hazards.iter().filter(|h| h.present == Some(true)) {
        let class = match h.number {
            2 => LegacyPondClass::Danger,
            9 if h.basis == HazardBasis::Inspection => LegacyPondClass::Danger,
            3 | 7 => LegacyPondClass::Sick,
            _ => continue,
        };
        reasons.push((
            class,
            format!("重大事故隐患 {} / major hazard {}: {}", h.number, h.number, h.evidence),
        ));
    }

    // 5. Inspection findings.
    if let Some(insp) = input.inspection {
        for f in &insp.findings {
            reasons.push((f.class(), format!("巡查 / inspection: {}", f.text())));
        }
    }

    let class = reasons.iter().map(|r| r.0).max().unwrap_or(LegacyPondClass::Normal);
    // Worst first, then in criterion order.
    let mut ordered: Vec<_> = reasons.into_iter().enumerate().collect();
    ordered.sort_by(|(i, a), (j, b)| b.0.cmp(&a.0).then(i.cmp(j)));
    Ok(LegacyClassification {
        class,
        reasons: ordered.into_iter().map(|(_, (c, text))| format!("{}: {text}", tag(c))).collect(),
        note: notes.join(" "),
    })
}
