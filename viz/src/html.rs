//! `report.html`: one self-contained bilingual page (inline CSS, inline SVG plots, no scripts,
//! no external resources). All text from the run is HTML-escaped.

use crate::format::{escape_html as esc, hours, metres, num};
use crate::plots::{GeotechPlot, PlotKind};
use std::fmt::Write as _;
use tailtwin_core::{Check, CheckStatus, Confidence, FloodRun, MassBalance, Report};

const CSS: &str = r#"
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:1180px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;border-bottom:3px solid #1f77b4;padding-bottom:.3em}
h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.93em}
th,td{border:1px solid #ccc;padding:.3em .55em;vertical-align:top}
th{background:#f0f3f7;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.meta td:first-child,.kv td:first-child{font-weight:bold;background:#fafafa}
td.s{white-space:nowrap}
.pass{background:#dff3e0;color:#17602a;font-weight:bold}
.fail{background:#fbe0e0;color:#a01515;font-weight:bold}
.info,.na{background:#eeeeee;color:#555}
.recalled{background:#fff3cd;color:#7a5b00;font-weight:bold}
.yes{color:#a01515;font-weight:bold}
.warn{background:#fff8e1;border-left:4px solid #e0a800;padding:.5em 1em}
.note{color:#555;font-size:.9em}
tr.noterow td{border-top:none;padding-top:0}
figure{margin:1.2em 0}
figure svg{width:100%;height:auto;border:1px solid #ddd}
figcaption{font-weight:bold;margin-top:.3em}
footer{margin-top:3em;color:#777;font-size:.85em}
"#;

/// Renders the report page; `plots` are the SVG texts to embed, in order.
pub fn render_report_html(run: &FloodRun, plots: &[(PlotKind, String)]) -> String {
    render_report_html_with_geotech(run, plots, &[])
}

/// Renders the report page with the seepage and stability sections (from `run.geotech`, when
/// present) and their plots (`geotech_plots`, SVG texts) embedded in those sections.
pub fn render_report_html_with_geotech(
    run: &FloodRun,
    plots: &[(PlotKind, String)],
    geotech_plots: &[(GeotechPlot, String)],
) -> String {
    render_report_html_full(run, plots, geotech_plots, &[])
}

/// Renders the report page with, at the top, the supervisor summary (when the Report has a
/// status or an ensemble) and its plots (`assessment_plots`, SVG texts).
pub fn render_report_html_full(
    run: &FloodRun,
    plots: &[(PlotKind, String)],
    geotech_plots: &[(GeotechPlot, String)],
    assessment_plots: &[(crate::assessment::AssessmentPlot, String)],
) -> String {
    let r = &run.report;
    let mut h = String::with_capacity(64 * 1024);
    let title = format!("{} — 调洪演算报告 / Flood routing report", r.scenario);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        esc(&title),
        crate::assessment::CSS
    );
    let _ = writeln!(h, "<h1>尾矿库调洪演算报告 / Tailings-pond flood routing report</h1>");
    crate::assessment::summary_section(&mut h, r, assessment_plots);
    header(&mut h, run);
    key_results(&mut h, r);
    checks(&mut h, &r.checks);
    structures(&mut h, run);
    storm(&mut h, r);
    mass_balance(&mut h, &r.mass_balance);
    diagnostics(&mut h, run);
    if let Some(g) = &run.geotech {
        crate::html_geotech::seepage_section(&mut h, g, geotech_plots);
        crate::html_geotech::stability_section(&mut h, g, geotech_plots);
    }
    warnings(&mut h, run);
    h.push_str("<section id=\"plots\">\n<h2>图 / Plots</h2>\n");
    for (kind, svg) in plots {
        let _ = write!(
            h,
            "<figure id=\"plot-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            kind.file_stem(),
            strip_xml_prolog(svg),
            esc(kind.title())
        );
    }
    h.push_str("</section>\n");
    let _ = write!(
        h,
        "<footer>tailtwin {} · {} · 单位 SI / SI units; 高程为绝对高程 / elevations are absolute</footer>\n\
         </body>\n</html>\n",
        esc(&r.engine_version),
        esc(&r.scenario)
    );
    h
}

pub(crate) fn strip_xml_prolog(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

fn row(h: &mut String, label: &str, value: &str) {
    let _ = writeln!(h, "<tr><td>{}</td><td>{value}</td></tr>", esc(label));
}

fn header(h: &mut String, run: &FloodRun) {
    let r = &run.report;
    let s = r.standard;
    h.push_str("<table class=\"meta\">\n");
    row(h, "工况 / Scenario", &esc(&r.scenario));
    row(h, "程序版本 / Engine version", &format!("tailtwin {}", esc(&r.engine_version)));
    let superseded =
        if s.superseded() { " <span class=\"yes\">(已废止 / superseded)</span>" } else { "" };
    row(
        h,
        "执行标准 / Standard applied",
        &format!("{} {}{superseded}", esc(s.code()), esc(s.title_zh())),
    );
    row(h, "计算线程 / Threads", &run.threads.to_string());
    h.push_str("</table>\n");
}

fn key_results(h: &mut String, r: &Report) {
    h.push_str(
        "<section id=\"key-results\">\n<h2>关键结果 / Key results</h2>\n<table class=\"kv\">\n",
    );
    let grade = match (&r.grade, r.grade_number) {
        (Some(g), Some(n)) => format!("{} 等 / grade {n}", esc(g)),
        (Some(g), None) => format!("{} 等", esc(g)),
        (None, Some(n)) => format!("grade {n}"),
        (None, None) => "—".into(),
    };
    let count = |s: CheckStatus| r.checks.iter().filter(|c| c.status == s).count();
    let (fail, pass) = (count(CheckStatus::Fail), count(CheckStatus::Pass));
    let outcome = if fail > 0 {
        format!(
            "<span class=\"fail\">{fail} 项不满足 / {fail} failed</span>, {pass} 项通过 / passed"
        )
    } else {
        format!("<span class=\"pass\">全部通过 / all {pass} passed</span>")
    };
    row(h, "核查结论 / Check outcome", &outcome);
    row(h, "尾矿库等别 / Pond grade", &grade);
    let rp =
        r.design_return_period_years.map_or("—".into(), |y| format!("≥ {} 年 / years", num(y)));
    row(h, "防洪标准 / Required design flood", &rp);
    if let Some(used) = r.storm.as_ref().and_then(|s| s.return_period_years) {
        row(h, "计算暴雨重现期 / Storm return period used", &format!("{} 年 / years", num(used)));
    }
    row(
        h,
        "最高库水位 / Peak pond level",
        &format!("{} m @ {}", metres(r.peak_stage_m), hours(r.time_of_peak_stage_s)),
    );
    row(
        h,
        "最大入库流量 / Peak inflow",
        &format!("{} m³/s @ {}", num(r.peak_inflow_m3s), hours(r.time_of_peak_inflow_s)),
    );
    row(
        h,
        "最大下泄流量 / Peak outflow",
        &format!("{} m³/s @ {}", num(r.peak_outflow_m3s), hours(r.time_of_peak_outflow_s)),
    );
    row(h, "最小安全超高 / Minimum freeboard", &format!("{} m", metres(r.min_freeboard_m)));
    row(h, "最小干滩长度 / Minimum beach length", &format!("{} m", metres(r.min_beach_length_m)));
    let over = if r.overtopped {
        format!("<span class=\"yes\">是 / YES</span> — {} m³", num(r.overtopping_volume_m3))
    } else {
        "否 / no".into()
    };
    row(h, "是否漫顶 / Overtopped", &over);
    h.push_str("</table>\n</section>\n");
}

pub(crate) fn status_cell(s: CheckStatus) -> (&'static str, &'static str) {
    match s {
        CheckStatus::Pass => ("pass", "通过 / pass"),
        CheckStatus::Fail => ("fail", "不满足 / FAIL"),
        CheckStatus::Info => ("info", "信息 / info"),
        CheckStatus::NotApplicable => ("na", "不适用 / n/a"),
    }
}

fn confidence_cell(c: Confidence) -> (&'static str, &'static str) {
    match c {
        Confidence::Verified => ("", "已核实 / verified"),
        Confidence::Secondary => ("", "二手来源 / secondary"),
        Confidence::Recalled => ("recalled", "⚠ 待核实 / recalled"),
        Confidence::Site => ("", "场地值 / site value"),
    }
}

pub(crate) fn opt(v: Option<f64>) -> String {
    v.map_or("—".into(), num)
}

fn checks(h: &mut String, checks: &[Check]) {
    h.push_str(
        "<section id=\"checks\">\n<h2>规范核查 / Code checks</h2>\n<table>\n<tr><th>编号 / id</th>\
         <th>项目 / Check</th><th>计算值 / Value</th><th></th><th>限值 / Limit</th><th>单位 / Unit</th>\
         <th>结论 / Result</th><th>标准 / Standard</th><th>条款 / Clause</th>\
         <th>可信度 / Confidence</th></tr>\n",
    );
    for c in checks {
        let (sc, sl) = status_cell(c.status);
        let (cc, cl) = confidence_cell(c.confidence);
        let _ = writeln!(
            h,
            "<tr id=\"check-{id}\"><td><code>{id}</code></td><td>{} / {}</td><td class=\"n\">{}</td>\
             <td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"s {sc}\">{sl}</td><td class=\"s\">{}</td>\
             <td>{}</td><td class=\"s {cc}\">{cl}</td></tr>\n<tr class=\"noterow\"><td></td>\
             <td colspan=\"9\" class=\"note\">{}</td></tr>",
            esc(&c.name_zh),
            esc(&c.name_en),
            opt(c.value),
            esc(&c.comparison),
            opt(c.limit),
            esc(&c.unit),
            esc(c.standard.code()),
            esc(&c.clause),
            esc(&c.note),
            id = esc(&c.id),
        );
    }
    h.push_str("</table>\n");
    if checks.iter().any(|c| c.confidence == Confidence::Recalled) {
        h.push_str(
            "<p class=\"warn\">⚠ 标注“待核实”的限值凭记忆录入，尚未与标准原文核对，可在工况文件 [limits] \
             中覆盖。 / Limits marked “recalled” were entered from memory and not yet verified against \
             the standard; override them in the scenario's [limits].</p>\n",
        );
    }
    h.push_str("</section>\n");
}

fn structures(h: &mut String, run: &FloodRun) {
    let r = &run.report;
    h.push_str(
        "<section id=\"structures\">\n<h2>泄洪建筑物 / Discharge structures</h2>\n<table>\n\
         <tr><th>编号 / id</th><th>类型 / Kind</th><th>最大流量 / Peak flow (m³/s)</th>\
         <th>峰现时间 / Time of peak</th><th>下泄水量 / Volume (m³)</th>\
         <th>最高水位时流态 / Regime at peak level</th><th>控制部位 / Control</th></tr>\n",
    );
    for s in &r.structures {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.id),
            esc(&s.kind),
            num(s.peak_flow_m3s),
            hours(s.time_of_peak_s),
            num(s.volume_m3),
            esc(&s.regime_at_peak_stage),
            esc(&s.control_at_peak_stage),
        );
    }
    h.push_str("</table>\n</section>\n");
}

fn storm(h: &mut String, r: &Report) {
    if r.storm.is_none() && r.catchment.is_none() {
        return;
    }
    h.push_str(
        "<section id=\"storm\">\n<h2>降雨与汇流 / Storm and catchment</h2>\n<table class=\"kv\">\n",
    );
    if let Some(s) = &r.storm {
        row(h, "暴雨 / Storm", &esc(&s.method));
        if let Some(y) = s.return_period_years {
            row(h, "重现期 / Return period", &format!("{} 年 / years", num(y)));
        }
        row(h, "历时 / Duration", &format!("{} h", num(s.duration_h)));
        row(h, "总雨量 / Total depth", &format!("{} mm", num(s.total_depth_mm)));
        row(h, "最大雨强 / Peak intensity", &format!("{} mm/h", num(s.peak_intensity_mm_h)));
    }
    if let Some(c) = &r.catchment {
        row(h, "产汇流方法 / Runoff method", &esc(&c.method));
        row(h, "汇水面积 / Catchment area", &format!("{} km²", num(c.area_km2)));
        row(h, "径流深 / Runoff depth", &format!("{} mm", num(c.runoff_depth_mm)));
        row(h, "洪水总量 / Runoff volume", &format!("{} m³", num(c.runoff_volume_m3)));
        row(
            h,
            "洪峰流量 / Peak inflow",
            &format!("{} m³/s @ {}", num(c.peak_inflow_m3s), hours(c.time_of_peak_inflow_s)),
        );
    }
    h.push_str("</table>\n</section>\n");
}

fn mass_balance(h: &mut String, mb: &MassBalance) {
    h.push_str(
        "<section id=\"mass-balance\">\n<h2>水量平衡 / Mass balance</h2>\n<table>\n\
         <tr><th>项 / Term</th><th>水量 / Volume (m³)</th></tr>\n",
    );
    let line = |h: &mut String, name: &str, v: f64| {
        let _ = writeln!(h, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", esc(name), num(v));
    };
    line(h, "初始库容 / Initial storage", mb.initial_storage_m3);
    for t in &mb.inflows {
        line(h, &format!("+ {}", t.name), t.volume_m3);
    }
    for t in &mb.outflows {
        line(h, &format!("− {}", t.name), t.volume_m3);
    }
    line(h, "最终库容 / Final storage", mb.final_storage_m3);
    let _ = writeln!(
        h,
        "<tr><th>误差 / Continuity error</th><th class=\"n\">{} m³ ({:.4} %)</th></tr>",
        num(mb.error_m3),
        mb.error_pct
    );
    h.push_str("</table>\n</section>\n");
}

/// Events listed in the report at most (the file keeps them all).
const MAX_EVENTS: usize = 60;

fn diagnostics(h: &mut String, run: &FloodRun) {
    let d = &run.routed.diagnostics;
    h.push_str("<section id=\"diagnostics\">\n<h2>计算诊断 / Solver diagnostics</h2>\n<table class=\"kv\">\n");
    row(h, "接受步数 / Accepted steps", &d.steps.to_string());
    row(h, "拒绝步数 / Rejected steps", &d.rejected_steps.to_string());
    row(h, "流量计算次数 / Discharge evaluations", &d.evaluations.to_string());
    row(h, "步长范围 / Step range", &format!("{} – {} s", num(d.min_step_s), num(d.max_step_s)));
    h.push_str("</table>\n");
    if !d.events.is_empty() {
        h.push_str(
            "<table>\n<tr><th>时间 / Time</th><th>事件 / Event</th><th>说明 / Detail</th></tr>\n",
        );
        for e in d.events.iter().take(MAX_EVENTS) {
            let kind = serde_json::to_value(e.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                hours(e.time_s),
                esc(&kind),
                esc(&e.detail)
            );
        }
        h.push_str("</table>\n");
        if d.events.len() > MAX_EVENTS {
            let _ = writeln!(
                h,
                "<p class=\"note\">另有 {0} 个事件见 results.h5 /diagnostics/events / {0} more events in results.h5.</p>",
                d.events.len() - MAX_EVENTS
            );
        }
    }
    h.push_str("</section>\n");
}

fn warnings(h: &mut String, run: &FloodRun) {
    let all: Vec<&String> =
        run.report.warnings.iter().chain(&run.routed.diagnostics.warnings).collect();
    h.push_str("<section id=\"warnings\">\n<h2>警告 / Warnings</h2>\n");
    if all.is_empty() {
        h.push_str("<p>无 / none</p>\n");
    } else {
        h.push_str("<ul class=\"warn\">\n");
        for w in all {
            let _ = writeln!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
}
