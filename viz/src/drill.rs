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
    // Split before escaping: an escaped entity ends in ';' and may be followed by a space.
    let cell = |t: &str| t.split("; ").map(escape_html).collect::<Vec<_>>().join("<br>");
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

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the sheet is a bilingual table with one row per entry, user text escaped, and "; "
    // separated observations on their own lines. Exact string checks.
    #[test]
    fn inject_sheet_escapes_text_and_has_one_row_per_entry() {
        let rows = vec![
            SheetRow {
                time_h: 6.0,
                inject: "tower-1 <60 %> blocked".into(),
                expected_observation: "a; b".into(),
                expected_response: "—".into(),
            },
            SheetRow {
                time_h: 10.5,
                inject: "x".into(),
                expected_observation: "—".into(),
                expected_response: "evacuate".into(),
            },
        ];
        let html = render_inject_sheet_html("drill & co", &rows);
        assert!(html.contains("演练导调单 / Drill inject sheet"));
        assert!(html.contains("drill &amp; co"));
        assert!(html.contains("tower-1 &lt;60 %&gt; blocked"));
        assert!(html.contains("<td>a<br>b</td>"));
        assert_eq!(html.matches("<tr>").count(), 3, "header + 2 rows");
        assert!(html.contains("<td class=\"t\">10.50</td>"));
    }
}
