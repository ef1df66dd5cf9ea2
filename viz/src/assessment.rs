//! The supervisor's one-screen summary at the top of report.html (issue 6 item 6): status in
//! the words of the regulations, score and matrix cell, probabilities with their 95 % intervals,
//! the ranked drivers, the 重大事故隐患 items, the legacy AQ 2006 class (labelled superseded),
//! the warning level of each item, the check table in brief and the assessment plots.

use crate::format::{escape_html as esc, num};
pub use crate::plots::assessment::{
    AssessmentPlot, assessment_plots, render_assessment_png, render_assessment_svg,
};
use std::fmt::Write as _;
use tailtwin_core::assessment::{HazardBasis, Probability, SafetyStatus};
use tailtwin_core::{AlarmLevel, CheckStatus, Report};

/// CSS of the summary (appended to the report's style sheet).
pub(crate) const CSS: &str = r#"
#summary{border:2px solid #1f77b4;border-radius:6px;padding:.2em 1.2em 1em;background:#fbfdff}
#summary h2{margin-top:.8em}
.badge{display:inline-block;padding:.15em .7em;border-radius:4px;font-weight:bold;border:1px solid #999}
.lv-none{background:#e5f3e6;color:#17602a}.lv-blue{background:#2c6fdb;color:#fff}
.lv-yellow{background:#ffd83b;color:#4a3b00}.lv-orange{background:#ff8c1a;color:#fff}
.lv-red{background:#d62728;color:#fff}
.cell-low{background:#78be78}.cell-medium{background:#f0c83c}.cell-high{background:#f58c28;color:#fff}
.cell-extreme{background:#d22828;color:#fff}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.grid2 figure svg{max-height:420px}
"#;

/// CSS class of a warning level.
pub fn level_class(l: AlarmLevel) -> String {
    format!("lv-{}", l.as_str())
}

/// A warning level as a coloured badge, "橙色 / orange".
pub fn level_badge(l: AlarmLevel) -> String {
    format!("<span class=\"badge {}\">{} / {}</span>", level_class(l), l.name_zh(), l.as_str())
}

/// A matrix cell word as a coloured badge.
pub fn cell_badge(cell: &str) -> String {
    let zh = match cell {
        "low" => "低",
        "medium" => "中",
        "high" => "高",
        "extreme" => "极高",
        _ => "",
    };
    format!("<span class=\"badge cell-{0}\">{zh} / {0}</span>", esc(cell))
}

/// "0.0123 [0.0101, 0.0150] (123/10000)".
pub fn probability_text(p: &Probability) -> String {
    if p.members == 0 {
        return "— <span class=\"note\">不适用 / not applicable (0 members)</span>".into();
    }
    format!(
        "{} <span class=\"note\">[{}, {}] 95 %, {}/{}</span>",
        sci(p.estimate),
        sci(p.ci95[0]),
        sci(p.ci95[1]),
        p.hits,
        p.members
    )
}

/// Probabilities print in 3 significant digits (exponent below 10⁻³).
fn sci(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else if p.abs() < 1e-3 {
        format!("{p:.2e}")
    } else {
        format!("{p:.4}")
    }
}

/// Writes the summary section; nothing when the report has neither a status nor an ensemble.
pub(crate) fn summary_section(h: &mut String, r: &Report, plots: &[(AssessmentPlot, String)]) {
    if r.status.is_none() && r.ensemble.is_none() {
        return;
    }
    h.push_str("<section id=\"summary\">\n<h2>监管摘要 / Supervisor summary</h2>\n");
    h.push_str("<table class=\"kv\">\n");
    if let Some(s) = &r.status {
        status_rows(h, s);
    }
    if let Some(e) = &r.ensemble {
        let row = |h: &mut String, label: &str, p: &Probability| {
            let _ = writeln!(h, "<tr><td>{label}</td><td>{}</td></tr>", probability_text(p));
        };
        row(h, "年漫顶概率 / Annual P(overtopping)", &e.p_overtopping);
        row(h, "年安全超高不足概率 / Annual P(freeboard &lt; minimum)", &e.p_freeboard_below_min);
        row(h, "年干滩长度不足概率 / Annual P(beach &lt; minimum)", &e.p_beach_below_min);
        if let Some(p) = &e.p_dambreak {
            let trig = e.dambreak_trigger.as_deref().unwrap_or("");
            row(h, &format!("年溃坝概率 / Annual P(dam break) — {}", esc(trig)), p);
        }
        let _ = writeln!(
            h,
            "<tr><td>集合 / Ensemble</td><td>{} 成员 / members, seed {}, {} 失败 / failed, \
             {:.0} members/s</td></tr>",
            e.members, e.seed, e.failed_members, e.members_per_s
        );
    }
    h.push_str("</table>\n");
    if let Some(s) = &r.status {
        drivers(h, s);
        hazards(h, s);
        warnings(h, s);
    }
    if !r.reliability.is_empty() {
        reliability(h, r);
    }
    brief_checks(h, r);
    if !plots.is_empty() {
        h.push_str("<div class=\"grid2\">\n");
        for (p, svg) in plots {
            let _ = write!(
                h,
                "<figure id=\"plot-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                p.file_stem(),
                crate::html::strip_xml_prolog(svg),
                esc(p.title())
            );
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
}

fn status_rows(h: &mut String, s: &SafetyStatus) {
    let major = if s.major_hazard {
        let items: Vec<String> = s
            .hazards
            .iter()
            .filter(|x| x.present == Some(true))
            .map(|x| format!("第{}项 / item {}", x.number, x.number))
            .collect();
        format!(
            "<span class=\"badge lv-red\">存在重大事故隐患 / MAJOR HAZARD PRESENT</span> {}",
            esc(&items.join(", "))
        )
    } else {
        "<span class=\"badge lv-none\">未发现 / none found</span>".into()
    };
    let sc = &s.score;
    let rows = [
        ("预警等级 / Pond warning level (GB 39496 roll-up)", level_badge(s.pond_warning)),
        ("重大事故隐患 / Major accident hazard", major),
        (
            "风险评分 / Risk score",
            format!(
                "<b>{:.1}</b> / 100 &nbsp; {} &nbsp; <span class=\"note\">可能性 likelihood {} × \
                 后果 consequence {}{}</span>",
                sc.score,
                cell_badge(&sc.matrix_cell),
                sc.likelihood,
                sc.consequence,
                // A consequence class comes from the dam-break estimate, whose products
                // `tailtwin assess` writes beside this page.
                sc.consequence_class
                    .as_deref()
                    .map(|c| format!(
                        " ({}, <a href=\"dambreak/report.html\">溃坝演算 / dam-break report</a>)",
                        esc(c)
                    ))
                    .unwrap_or_default()
            ),
        ),
        ("年失效概率 / Annual failure probability used", sci(sc.probability)),
        (
            "旧分类 / Legacy class (AQ 2006-2005, 已废止 superseded)",
            format!(
                "{} / {} <span class=\"note\">{}</span>",
                s.legacy.class.label_zh(),
                s.legacy.class.label_en(),
                esc(&s.legacy.note)
            ),
        ),
    ];
    for (label, value) in rows {
        let _ = writeln!(h, "<tr><td>{}</td><td>{value}</td></tr>", esc(label));
    }
    let _ = writeln!(
        h,
        "<tr><td>评分方法 / Scheme</td><td class=\"note\">{}</td></tr>",
        esc(&sc.scheme)
    );
}

fn drivers(h: &mut String, s: &SafetyStatus) {
    if s.score.drivers.is_empty() {
        return;
    }
    h.push_str("<h3>主要原因 / Main drivers</h3>\n<ol id=\"drivers\">\n");
    for d in &s.score.drivers {
        let _ = writeln!(
            h,
            "<li>{} / {} <span class=\"note\">(+{} 分 / points)</span></li>",
            esc(&d.text_zh),
            esc(&d.text_en),
            num(d.contribution)
        );
    }
    h.push_str("</ol>\n");
}

fn hazards(h: &mut String, s: &SafetyStatus) {
    h.push_str(
        "<h3>重大事故隐患判定 / Major accident hazard items</h3>\n<table id=\"hazards\">\n\
         <tr><th>#</th><th>项目 / Item</th><th>判定 / Present</th><th>依据 / Basis</th>\
         <th>证据 / Evidence</th></tr>\n",
    );
    for x in &s.hazards {
        let (class, text) = match x.present {
            Some(true) => ("fail", "存在 / PRESENT"),
            Some(false) => ("pass", "不存在 / absent"),
            None => ("na", "未评估 / not assessed"),
        };
        let basis = match x.basis {
            HazardBasis::Simulation => "计算 / simulation",
            HazardBasis::Inspection => "检查记录 / inspection",
            HazardBasis::NotAssessed => "—",
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td>{} / {}</td><td class=\"s {class}\">{text}</td>\
             <td class=\"s\">{basis}</td><td class=\"note\">{}</td></tr>",
            x.number,
            esc(&x.text_zh),
            esc(&x.text_en),
            esc(&x.evidence)
        );
    }
    h.push_str("</table>\n");
}

fn warnings(h: &mut String, s: &SafetyStatus) {
    if s.warnings.is_empty() {
        return;
    }
    h.push_str(
        "<h3>分项预警 / Warning level per item</h3>\n<table id=\"item-warnings\">\n\
         <tr><th>项目 / Item</th><th>值 / Value</th><th>等级 / Level</th>\
         <th>阈值 / Thresholds</th><th>来源 / Source</th></tr>\n",
    );
    for w in &s.warnings {
        let th: Vec<String> =
            w.thresholds.iter().map(|(l, v)| format!("{} {}", l.name_zh(), num(*v))).collect();
        let _ = writeln!(
            h,
            "<tr><td>{} / {}</td><td class=\"n\">{} {}</td><td>{}</td><td>{}</td>\
             <td class=\"note\">{}</td></tr>",
            esc(&w.label_zh),
            esc(&w.label_en),
            num(w.value),
            esc(&w.units),
            level_badge(w.level),
            esc(&th.join(" · ")),
            esc(&w.source)
        );
    }
    h.push_str("</table>\n");
}

fn reliability(h: &mut String, r: &Report) {
    h.push_str(
        "<h3>边坡可靠度 / Slope reliability</h3>\n<table id=\"reliability\">\n<tr>\
         <th>断面 / Section</th><th>工况 / Load case</th><th>方法 / Method</th><th>FoS</th>\
         <th>β FOSM</th><th>P(FoS&lt;1) FOSM</th><th>β MC</th><th>P(FoS&lt;1) MC</th></tr>\n",
    );
    for x in &r.reliability {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{} / {}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}\
             </td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&x.section),
            x.load_case.label_zh(),
            x.load_case.label_en(),
            esc(&x.method),
            num(x.fos_deterministic),
            num(x.beta_fosm),
            sci(x.p_failure_fosm),
            num(x.beta_mc),
            probability_text(&x.p_failure_mc)
        );
    }
    h.push_str("</table>\n");
}

/// Failing checks first, then the rest; one line each.
fn brief_checks(h: &mut String, r: &Report) {
    if r.checks.is_empty() {
        return;
    }
    h.push_str(
        "<h3>核查一览 / Checks at a glance</h3>\n<table id=\"checks-brief\">\n\
         <tr><th>项目 / Check</th><th>值 / Value</th><th></th><th>限值 / Limit</th>\
         <th>结论 / Result</th></tr>\n",
    );
    let mut checks: Vec<_> = r.checks.iter().collect();
    checks.sort_by_key(|c| c.status != CheckStatus::Fail);
    for c in checks {
        let (sc, sl) = crate::html::status_cell(c.status);
        let _ = writeln!(
            h,
            "<tr><td>{} / {}</td><td class=\"n\">{} {}</td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"s {sc}\">{sl}</td></tr>",
            esc(&c.name_zh),
            esc(&c.name_en),
            crate::html::opt(c.value),
            esc(&c.unit),
            esc(&c.comparison),
            crate::html::opt(c.limit)
        );
    }
    h.push_str("</table>\n");
}
