//! The "渗流 / Seepage" and "稳定 / Slope stability" sections of report.html.

use crate::format::{escape_html as esc, metres, num};
use crate::html::{opt, status_cell, strip_xml_prolog};
use crate::plots::GeotechPlot;
use std::fmt::Write as _;
use tailtwin_core::{Check, GeotechRun, LevelKind};

fn figures(h: &mut String, g: &GeotechRun, plots: &[(GeotechPlot, String)], seepage: bool) {
    for (plot, svg) in plots {
        if matches!(plot, GeotechPlot::Seepage { .. }) != seepage {
            continue;
        }
        let _ = write!(
            h,
            "<figure id=\"plot-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            plot.file_stem(),
            strip_xml_prolog(svg),
            esc(&plot.title(g))
        );
    }
}

fn check_rows(h: &mut String, checks: &[&Check]) {
    if checks.is_empty() {
        return;
    }
    h.push_str(
        "<table>\n<tr><th>编号 / id</th><th>项目 / Check</th><th>计算值 / Value</th><th></th>\
         <th>限值 / Limit</th><th>单位 / Unit</th><th>结论 / Result</th><th>条款 / Clause</th></tr>\n",
    );
    for c in checks {
        let (sc, sl) = status_cell(c.status);
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{} / {}</td><td class=\"n\">{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td>{}</td><td class=\"s {sc}\">{sl}</td><td>{} {}</td></tr>",
            esc(&c.id),
            esc(&c.name_zh),
            esc(&c.name_en),
            opt(c.value),
            esc(&c.comparison),
            opt(c.limit),
            esc(&c.unit),
            esc(c.standard.code()),
            esc(&c.clause),
        );
    }
    h.push_str("</table>\n");
}

/// Whether a geotech check belongs to seepage (burial depth) rather than stability (FoS).
fn is_seepage_check(c: &Check) -> bool {
    c.id.starts_with("phreatic_") || c.id.starts_with("seepage")
}

/// Seepage: per section × level, pond level, discharge, exit, face, burial, balance, size.
pub(crate) fn seepage_section(h: &mut String, g: &GeotechRun, plots: &[(GeotechPlot, String)]) {
    if g.seepage.is_empty() {
        return;
    }
    h.push_str(
        "<section id=\"seepage\">\n<h2>渗流 / Seepage</h2>\n<table>\n<tr><th>剖面 / Section</th>\
         <th>水位 / Level</th><th>库水位 / Pond level (m)</th>\
         <th>单宽渗流量 / Discharge (m²/s per m)</th><th>每百米 / per 100 m (L/s)</th>\
         <th>逸出点高程 / Exit elevation (m)</th><th>渗出面长度 / Face length (m)</th>\
         <th>最小埋深 / Min. burial depth (m)</th><th>要求 / Required (m)</th>\
         <th>水量平衡误差 / Balance (%)</th><th>迭代 / Iterations</th><th>节点 / Nodes</th></tr>\n",
    );
    for run in &g.seepage {
        let p = &run.profile;
        // The burial check of this profile (id `phreatic_burial_depth/<section>/<level>`, as
        // the pipeline names it); its limit is the required depth.
        let key = match p.level {
            LevelKind::Normal => "normal".to_owned(),
            LevelKind::DesignFlood => "design_flood".to_owned(),
            LevelKind::Given => format!("given_{:.3}", p.pond_level_m),
        };
        let id = format!("phreatic_burial_depth/{}/{key}", p.section);
        let required = g.checks.iter().find(|c| c.id == id).and_then(|c| c.limit);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{} / {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.3}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&p.section),
            esc(p.level.label_zh()),
            esc(p.level.label_en()),
            metres(p.pond_level_m),
            num(p.discharge_m2s),
            num(p.discharge_m2s * 1e5),
            p.exit_elevation_m.map_or("—".into(), metres),
            metres(p.seepage_face_length_m),
            p.min_burial_depth_m.map_or("—".into(), metres),
            required.map_or("—".into(), num),
            p.mass_balance_error_pct,
            p.iterations,
            p.nodes,
        );
        if !p.warnings.is_empty() {
            let _ = writeln!(
                h,
                "<tr class=\"noterow\"><td></td><td colspan=\"11\" class=\"note\">⚠ {}</td></tr>",
                esc(&p.warnings.join("; "))
            );
        }
    }
    h.push_str("</table>\n");
    let checks: Vec<&Check> = g.checks.iter().filter(|c| is_seepage_check(c)).collect();
    check_rows(h, &checks);
    figures(h, g, plots, true);
    h.push_str("</section>\n");
}

/// Slope stability: load case, method, FoS, required, status, legacy standing; plots.
pub(crate) fn stability_section(h: &mut String, g: &GeotechRun, plots: &[(GeotechPlot, String)]) {
    if g.stability.is_empty() {
        return;
    }
    h.push_str(
        "<section id=\"stability\">\n<h2>稳定 / Slope stability</h2>\n<table>\n<tr>\
         <th>剖面 / Section</th><th>工况 / Load case</th><th>方法 / Method</th>\
         <th>库水位 / Pond level (m)</th><th>k<sub>h</sub></th><th>安全系数 / FoS</th>\
         <th>要求 / Required</th><th>结论 / Result</th><th>AQ 2006 评级 / Legacy standing</th>\
         <th>试算滑弧 / Trials</th></tr>\n",
    );
    for r in g.stability.iter().flat_map(|s| &s.rows) {
        let (class, result) = match r.meets_minimum {
            Some(true) => ("pass", "满足 / meets".to_owned()),
            Some(false) => ("fail", "不满足 / FAIL".to_owned()),
            None if r.fos.is_none() => ("fail", "无解 / no FoS".to_owned()),
            None => ("na", "未比较 / not compared".to_owned()),
        };
        let source = r
            .required_source
            .as_deref()
            .map_or(String::new(), |s| format!(" <span class=\"note\">{}</span>", esc(s)));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{} / {}</td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}{source}</td>\
             <td class=\"s {class}\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            esc(&r.section),
            esc(r.load_case.label_zh()),
            esc(r.load_case.label_en()),
            esc(&r.method),
            r.pond_level_m.map_or("—".into(), metres),
            num(r.kh),
            r.fos.map_or("—".into(), |f| format!("{f:.3}")),
            opt(r.required_fos),
            esc(&result),
            esc(r.legacy_standing.as_deref().unwrap_or("—")),
            r.trials,
        );
        if let Some(e) = &r.error {
            let _ = writeln!(
                h,
                "<tr class=\"noterow\"><td></td><td colspan=\"9\" class=\"note\">{}</td></tr>",
                esc(e)
            );
        }
    }
    h.push_str("</table>\n");
    let checks: Vec<&Check> = g.checks.iter().filter(|c| !is_seepage_check(c)).collect();
    check_rows(h, &checks);
    figures(h, g, plots, false);
    h.push_str("</section>\n");
}
