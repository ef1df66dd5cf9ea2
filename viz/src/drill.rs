//! Drill products: the timeline plot ([`render_drill_timeline`]) and the exercise controller's
//! inject sheet as a self-contained bilingual HTML page ([`render_inject_sheet_html`]).

use crate::format::escape_html;
pub use crate::plots::drill::{
    DRILL_STEM, DrillPlot, PlotBand, PlotEvent, PlotLevel, PlotSeries, render_drill_timeline,
};

/// One row of the inject sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub time_h: f64,
    pub inject: String,
    pub expected_observation: String,
    pub expected_response: String,
}

/// The inject sheet: one table row per inject or alarm change, with what the players should
/// observe and what the plan expects them to do until the next row.
pub fn render_inject_sheet_html(drill: &str, rows: &[SheetRow]) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">");
    s.push_str(&format!("<title>演练导调单 / Drill inject sheet — {}</title>", escape_html(drill)));
    s.push_str(
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}\
         th,td{border:1px solid #999;padding:4px 8px;vertical-align:top;font-size:14px}\
         th{background:#eee}td.t{white-space:nowrap;text-align:right}</style></head><body>",
    );
    s.push_str(&format!("<h1>演练导调单 / Drill inject sheet</h1><p>{}</p>", escape_html(drill)));
    s.push_str(
        "<table><tr><th>时间 / Time (h)</th><th>注入 / Inject</th>\
         <th>预期观测 / Expected observation</th><th>预案响应 / Expected response</th></tr>",
    );
    let cell = |t: &str| escape_html(t).replace("; ", "<br>");
    for r in rows {
        s.push_str(&format!(
            "<tr><td class=\"t\">{:.2}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.time_h,
            cell(&r.inject),
            cell(&r.expected_observation),
            cell(&r.expected_response)
        ));
    }
    s.push_str("</table></body></html>\n");
    s
}
