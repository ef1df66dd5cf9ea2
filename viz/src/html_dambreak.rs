//! `report.html` of `tailtwin dambreak --out`: one self-contained bilingual page with the key
//! figures (given by the caller as label/value rows, so viz needs no pipeline type), the map
//! (the PNG embedded as a data URI) and the observation-point table. All text is escaped.

use crate::format::escape_html as esc;
use std::fmt::Write as _;
use tailtwin_core::InundationMap;

const CSS: &str = r#"
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:1580px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;border-bottom:3px solid #1f77b4;padding-bottom:.3em}
h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.93em}
th,td{border:1px solid #ccc;padding:.3em .55em}
th{background:#f0f3f7;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.kv{width:100%;table-layout:fixed}
.kv td:first-child{font-weight:bold;background:#fafafa;width:18em}
.kv td.n{white-space:normal;text-align:left;overflow-wrap:anywhere}
img{width:100%;height:auto;border:1px solid #ddd}
.warn{background:#fff8e1;border-left:4px solid #e0a800;padding:.5em 1em}
"#;

/// One observation point's loss-of-life estimate, as the report shows it (viz needs no risk
/// type: the caller formats the categories).
#[derive(Debug, Clone, PartialEq)]
pub struct ConsequenceRow {
    pub name: String,
    pub population_at_risk: u64,
    pub depth_velocity_m2s: f64,
    /// Flood severity (Graham 1999), "—" where the flood did not arrive.
    pub severity: String,
    pub warning_time_s: Option<f64>,
    /// Warning category (Graham 1999), "—" where the flood did not arrive.
    pub warning: String,
    pub fatality_rate: f64,
    pub loss_of_life: f64,
}

/// The page: `title`, `figures` (label, value), the map PNG bytes, the points, the points'
/// loss-of-life rows (`consequence`, table left out when empty) and `warnings`.
pub fn render_dambreak_html(
    title: &str,
    figures: &[(String, String)],
    map: &InundationMap,
    map_png: &[u8],
    consequence: &[ConsequenceRow],
    warnings: &[String],
) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>{CSS}</style></head><body>\n<h1>溃坝分析 / Dam break — {t}</h1>\n",
        t = esc(title)
    );
    o.push_str("<h2>主要结果 / Key figures</h2>\n<table class=\"kv\">\n");
    for (k, v) in figures {
        let _ = writeln!(o, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", esc(k), esc(v));
    }
    o.push_str("</table>\n");
    for w in warnings {
        let _ = writeln!(o, "<p class=\"warn\">{}</p>", esc(w));
    }
    let _ = writeln!(
        o,
        "<h2>淹没图 / Inundation map</h2>\n<figure><img alt=\"inundation map\" \
         src=\"data:image/png;base64,{}\"></figure>",
        base64(map_png)
    );
    o.push_str(
        "<h2>下游关注点 / Downstream points</h2>\n<table>\n<tr><th>地点 point</th><th>类型 \
         kind</th><th>到达时间 arrival (min)</th><th>最大水深 max depth (m)</th><th>最大流速 max \
         speed (m/s)</th><th>人口 population</th></tr>\n",
    );
    for p in &map.points {
        let arrival =
            p.arrival_time_s.map_or("未到达 not reached".into(), |t| format!("{:.1}", t / 60.0));
        let pop = p.population.map_or("—".into(), |n| n.to_string());
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td \
             class=\"n\">{:.2}</td><td class=\"n\">{}</td></tr>",
            esc(&p.name),
            esc(&p.kind),
            esc(&arrival),
            p.max_depth_m,
            p.max_speed_ms,
            pop
        );
    }
    o.push_str("</table>\n");
    if !consequence.is_empty() {
        o.push_str(
            "<h2>后果估计 / Consequence estimate</h2>\n<table>\n<tr><th>地点 point</th><th>风险人口 \
             PAR</th><th>D·V (m²/s)</th><th>洪水严重度 severity</th><th>预警时间 warning \
             (min)</th><th>预警类别 warning class</th><th>死亡率 fatality rate</th><th>可能死亡 \
             loss of life</th></tr>\n",
        );
        for r in consequence {
            let w = r.warning_time_s.map_or("—".into(), |t| format!("{:.1}", t / 60.0));
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td>{}</td><td \
                 class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td></tr>",
                esc(&r.name),
                r.population_at_risk,
                r.depth_velocity_m2s,
                esc(&r.severity),
                esc(&w),
                esc(&r.warning),
                r.fatality_rate,
                r.loss_of_life
            );
        }
        o.push_str(
            "</table>\n<p>风险人口：水深达到到达阈值处的人口；死亡率按 Graham (1999) 洪水严重度与预警时间；\
             后果等级按 GISTM (2020) 表1 / PAR: population where the depth reached the arrival \
             threshold; fatality rates after Graham (1999) by flood severity and warning time; \
             class after GISTM (2020) Table 1.</p>\n",
        );
    }
    let _ = write!(
        o,
        "<p>到达时间自溃口形成起算，水深阈值 {} m；人口为情景给定值 / arrival after the \
         breach starts, depth threshold {} m; populations as given in the scenario.</p>\n\
         </body></html>\n",
        map.arrival_depth_m, map.arrival_depth_m
    );
    o
}

/// Standard base64 (RFC 4648) with padding.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    // Goal: the data URI encoder is RFC 4648 base64. Reference: the RFC's test vectors.
    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (i, o) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(super::base64(i.as_bytes()), o);
        }
    }
}
