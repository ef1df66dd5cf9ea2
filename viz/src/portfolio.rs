//! The portfolio (a city's ponds): the ranked table written as `ranking.json` / `ranking.csv`
//! and the portfolio page `index.html` (ranked table coloured by warning level and matrix cell,
//! links to each pond's report). Built from the ponds' Reports; no physics.
//!
//! Ranking: key ponds (重点尾矿库: named, > 30 people underground per shift, or in a key county)
//! first, then by risk score (highest first), then by pond id — a total order, so the ranking is
//! deterministic. Ponds whose assessment failed are listed apart with the error, unranked.

use crate::assessment::{cell_badge, level_badge, level_class};
use crate::format::{escape_html as esc, num};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tailtwin_core::assessment::Probability;
use tailtwin_core::{AlarmLevel, CheckStatus, Report};

/// One assessed pond in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioEntry {
    /// 1 = inspect first.
    pub rank: usize,
    /// Folder under `ponds/` (from the scenario file name), also the API id.
    pub id: String,
    /// Scenario file, relative to the portfolio folder.
    pub file: String,
    pub scenario: String,
    pub key_pond: bool,
    pub key_reasons: Vec<String>,
    pub county: Option<String>,
    pub grade: Option<String>,
    pub score: Option<f64>,
    pub matrix_cell: Option<String>,
    pub likelihood: Option<u8>,
    pub consequence: Option<u8>,
    pub pond_warning: Option<AlarmLevel>,
    pub major_hazard: Option<bool>,
    /// Legacy AQ 2006 class (superseded), e.g. "险库 / risky".
    pub legacy_class: Option<String>,
    pub p_overtopping: Option<Probability>,
    pub checks_failed: usize,
    pub checks_total: usize,
    /// The first driver of the score, "中文 / English".
    pub top_driver: Option<String>,
    /// Link to the pond's report, relative to the portfolio folder.
    pub report: String,
}

impl PortfolioEntry {
    /// The entry of a pond from its Report (rank 0 until [`rank`] sets it).
    pub fn from_report(
        id: &str,
        file: &str,
        key_reasons: Vec<String>,
        county: Option<String>,
        r: &Report,
    ) -> PortfolioEntry {
        let s = r.status.as_ref();
        PortfolioEntry {
            rank: 0,
            id: id.to_owned(),
            file: file.to_owned(),
            scenario: r.scenario.clone(),
            key_pond: !key_reasons.is_empty(),
            key_reasons,
            county,
            grade: r.grade.clone(),
            score: s.map(|s| s.score.score),
            matrix_cell: s.map(|s| s.score.matrix_cell.clone()),
            likelihood: s.map(|s| s.score.likelihood),
            consequence: s.map(|s| s.score.consequence),
            pond_warning: s.map(|s| s.pond_warning),
            major_hazard: s.map(|s| s.major_hazard),
            legacy_class: s
                .map(|s| format!("{} / {}", s.legacy.class.label_zh(), s.legacy.class.label_en())),
            p_overtopping: r.ensemble.as_ref().map(|e| e.p_overtopping),
            checks_failed: r.checks.iter().filter(|c| c.status == CheckStatus::Fail).count(),
            checks_total: r.checks.len(),
            top_driver: s
                .and_then(|s| s.score.drivers.first())
                .map(|d| format!("{} / {}", d.text_zh, d.text_en)),
            report: format!("ponds/{id}/report.html"),
        }
    }
}

/// A scenario that could not be assessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioFailure {
    pub file: String,
    pub error: String,
}

/// The whole portfolio: what `ranking.json` holds and `/api/portfolio` serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    pub engine_version: String,
    /// The scenario folder assessed (as given on the command line).
    pub source: String,
    /// Ensemble members and seed given for every pond (`None`: each scenario's own, see its
    /// report).
    pub members: Option<u64>,
    pub seed: Option<u64>,
    pub ponds: Vec<PortfolioEntry>,
    pub failed: Vec<PortfolioFailure>,
}

/// Sorts key ponds first, then by score (highest first; no score last), then by id, and
/// numbers the ranks from 1.
pub fn rank(entries: &mut [PortfolioEntry]) {
    entries.sort_by(|a, b| {
        b.key_pond
            .cmp(&a.key_pond)
            .then_with(|| {
                let s = |e: &PortfolioEntry| e.score.unwrap_or(f64::NEG_INFINITY);
                s(b).total_cmp(&s(a))
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    for (k, e) in entries.iter_mut().enumerate() {
        e.rank = k + 1;
    }
}

/// Quotes a CSV field when it needs it (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// `ranking.csv`: one row per ranked pond, then the failed scenarios with rank empty.
pub fn ranking_csv(p: &Portfolio) -> String {
    let mut out = String::from(
        "rank,id,scenario,key_pond,key_reasons,county,grade,score,matrix_cell,likelihood,\
         consequence,pond_warning,major_hazard,legacy_class,p_overtopping,p_overtopping_ci95_low,\
         p_overtopping_ci95_high,checks_failed,checks_total,top_driver,report,error\n",
    );
    let o = |v: Option<String>| v.unwrap_or_default();
    for e in &p.ponds {
        let fields = [
            e.rank.to_string(),
            e.id.clone(),
            e.scenario.clone(),
            e.key_pond.to_string(),
            e.key_reasons.join("; "),
            o(e.county.clone()),
            o(e.grade.clone()),
            o(e.score.map(|v| v.to_string())),
            o(e.matrix_cell.clone()),
            o(e.likelihood.map(|v| v.to_string())),
            o(e.consequence.map(|v| v.to_string())),
            o(e.pond_warning.map(|l| l.as_str().to_owned())),
            o(e.major_hazard.map(|v| v.to_string())),
            o(e.legacy_class.clone()),
            o(e.p_overtopping.map(|p| p.estimate.to_string())),
            o(e.p_overtopping.map(|p| p.ci95[0].to_string())),
            o(e.p_overtopping.map(|p| p.ci95[1].to_string())),
            e.checks_failed.to_string(),
            e.checks_total.to_string(),
            o(e.top_driver.clone()),
            e.report.clone(),
            String::new(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    for f in &p.failed {
        let mut row = vec![String::new(); 22];
        row[1] = csv_field(&f.file);
        row[21] = csv_field(&f.error);
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

const CSS: &str = r#"
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:1.5em auto;max-width:1400px;color:#222;line-height:1.4;padding:0 1em}
h1{font-size:1.5em;border-bottom:3px solid #1f77b4;padding-bottom:.3em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em;width:100%}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}
th{background:#f0f3f7;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.lv-none td.lvcol{background:#e5f3e6}tr.lv-blue td.lvcol{background:#2c6fdb;color:#fff}
tr.lv-yellow td.lvcol{background:#ffd83b}tr.lv-orange td.lvcol{background:#ff8c1a;color:#fff}
tr.lv-red td.lvcol{background:#d62728;color:#fff}
.badge{display:inline-block;padding:.1em .5em;border-radius:4px;font-weight:bold;border:1px solid #999}
.lv-none .badge.lv-none,.badge.lv-none{background:#e5f3e6;color:#17602a}.badge.lv-blue{background:#2c6fdb;color:#fff}
.badge.lv-yellow{background:#ffd83b;color:#4a3b00}.badge.lv-orange{background:#ff8c1a;color:#fff}
.badge.lv-red{background:#d62728;color:#fff}
.cell-low{background:#78be78}.cell-medium{background:#f0c83c}.cell-high{background:#f58c28;color:#fff}
.cell-extreme{background:#d22828;color:#fff}
.key{color:#a01515;font-weight:bold}.note{color:#555;font-size:.88em}
.fail{background:#fbe0e0;color:#a01515;font-weight:bold}
footer{margin-top:2em;color:#777;font-size:.85em}
"#;

/// The portfolio page: ranked table (row coloured by the pond's warning level, matrix cell
/// badge), links to each pond's report, the failed scenarios with their errors.
pub fn render_portfolio_html(p: &Portfolio) -> String {
    let mut h = String::with_capacity(32 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>尾矿库风险排序 / Tailings-pond portfolio</title>\n<style>{CSS}</style>\n</head>\n\
         <body>\n<h1>尾矿库风险排序 / Tailings-pond portfolio — {}</h1>\n",
        esc(&p.source)
    );
    let _ = writeln!(
        h,
        "<p class=\"note\">{} 座尾矿库已评估 / ponds assessed, {} 失败 / failed; 集合 / ensemble \
         {} members, seed {}. 排序：重点尾矿库优先，其次按风险评分 / Ranking: key ponds first, \
         then by risk score.</p>",
        p.ponds.len(),
        p.failed.len(),
        p.members.map_or("per-scenario".into(), |m| m.to_string()),
        p.seed.map_or("per-scenario".into(), |m| m.to_string())
    );
    h.push_str(
        "<table id=\"ranking\">\n<tr><th>#</th><th>尾矿库 / Pond</th><th>重点 / Key</th>\
         <th>等别 / Grade</th><th>预警 / Warning</th><th>评分 / Score</th>\
         <th>风险矩阵 / Matrix</th><th>年漫顶概率 / P(overtop) [95 %]</th>\
         <th>重大隐患 / Major hazard</th><th>旧分类 / Legacy (superseded)</th>\
         <th>核查 / Checks failed</th><th>主要原因 / Main driver</th></tr>\n",
    );
    for e in &p.ponds {
        let level = e.pond_warning.unwrap_or_default();
        let key = if e.key_pond {
            format!(
                "<span class=\"key\">是 / yes</span><br><span class=\"note\">{}</span>",
                esc(&e.key_reasons.join("; "))
            )
        } else {
            "—".into()
        };
        let p_over = e.p_overtopping.map_or("—".into(), |p| {
            format!(
                "{} <span class=\"note\">[{}, {}]</span>",
                num(p.estimate),
                num(p.ci95[0]),
                num(p.ci95[1])
            )
        });
        let major = match e.major_hazard {
            Some(true) => "<span class=\"badge lv-red\">是 / YES</span>",
            Some(false) => "否 / no",
            None => "—",
        };
        let checks = if e.checks_failed > 0 {
            format!("<span class=\"fail\">{} / {}</span>", e.checks_failed, e.checks_total)
        } else {
            format!("0 / {}", e.checks_total)
        };
        let _ = writeln!(
            h,
            "<tr class=\"pond {}\" id=\"pond-{id}\" data-rank=\"{}\"><td class=\"n lvcol\">{}</td>\
             <td><a href=\"{}\">{}</a><br><span class=\"note\">{}</span></td><td>{key}</td>\
             <td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{p_over}</td>\
             <td>{major}</td><td>{}</td><td class=\"n\">{checks}</td><td class=\"note\">{}</td></tr>",
            level_class(level),
            e.rank,
            e.rank,
            esc(&e.report),
            esc(&e.scenario),
            esc(&e.file),
            esc(e.grade.as_deref().unwrap_or("—")),
            e.pond_warning.map_or("—".into(), level_badge),
            e.score.map_or("—".into(), |s| format!("{s:.1}")),
            e.matrix_cell.as_deref().map_or("—".into(), |c| format!(
                "{} <span class=\"note\">L{} × C{}</span>",
                cell_badge(c),
                e.likelihood.unwrap_or(0),
                e.consequence.unwrap_or(0)
            )),
            esc(e.legacy_class.as_deref().unwrap_or("—")),
            esc(e.top_driver.as_deref().unwrap_or("—")),
            id = esc(&e.id),
        );
    }
    h.push_str("</table>\n");
    if !p.failed.is_empty() {
        h.push_str(
            "<h2>未能评估 / Not assessed</h2>\n<table id=\"failed\">\n\
             <tr><th>文件 / File</th><th>错误 / Error</th></tr>\n",
        );
        for f in &p.failed {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"fail\"><pre>{}</pre></td></tr>",
                esc(&f.file),
                esc(&f.error)
            );
        }
        h.push_str("</table>\n");
    }
    let _ = write!(
        h,
        "<p class=\"note\">数据 / Data: <a href=\"ranking.csv\">ranking.csv</a> · \
         <a href=\"ranking.json\">ranking.json</a></p>\n\
         <footer>tailtwin {} · 预警等级按 GB 39496 汇总 / warning levels rolled up per GB 39496; \
         旧分类 AQ 2006-2005 已废止，仅供对照 / the legacy class is superseded, shown for \
         continuity</footer>\n</body>\n</html>\n",
        esc(&p.engine_version)
    );
    h
}

/// Writes `ranking.json`, `ranking.csv` and `index.html` into `out` (created if missing),
/// each atomically; returns the three paths.
pub fn write_portfolio(out: &Path, p: &Portfolio) -> Result<Vec<PathBuf>, crate::VizError> {
    std::fs::create_dir_all(out).map_err(|source| crate::VizError::Io {
        path: out.to_path_buf(),
        action: "create the portfolio folder",
        source,
    })?;
    // Serialising plain data with finite-or-null numbers cannot fail.
    let mut json = serde_json::to_string_pretty(p).unwrap_or_default();
    json.push('\n');
    let items: [(&str, String); 3] = [
        ("ranking.json", json),
        ("ranking.csv", ranking_csv(p)),
        ("index.html", render_portfolio_html(p)),
    ];
    let mut files = Vec::new();
    for (name, text) in items {
        let path = out.join(name);
        tailtwin_results::write_bytes_atomically(&path, text.as_bytes())?;
        files.push(path);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, key: bool, score: Option<f64>) -> PortfolioEntry {
        PortfolioEntry {
            rank: 0,
            id: id.into(),
            file: format!("{id}.toml"),
            scenario: id.into(),
            key_pond: key,
            key_reasons: if key { vec!["named".into()] } else { vec![] },
            county: None,
            grade: None,
            score,
            matrix_cell: None,
            likelihood: None,
            consequence: None,
            pond_warning: None,
            major_hazard: None,
            legacy_class: None,
            p_overtopping: None,
            checks_failed: 0,
            checks_total: 0,
            top_driver: None,
            report: format!("ponds/{id}/report.html"),
        }
    }

    /// Key ponds first whatever their score, then by score (highest first, none last), ties by
    /// id; ranks numbered from 1; the order does not depend on the input order.
    #[test]
    fn ranking_puts_key_ponds_first_then_orders_by_score_then_id() {
        let make = || {
            vec![
                entry("low", false, Some(10.0)),
                entry("none", false, None),
                entry("key-low", true, Some(5.0)),
                entry("high-b", false, Some(80.0)),
                entry("high-a", false, Some(80.0)),
                entry("key-high", true, Some(60.0)),
            ]
        };
        let mut a = make();
        rank(&mut a);
        let ids: Vec<&str> = a.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["key-high", "key-low", "high-a", "high-b", "low", "none"]);
        assert_eq!(a.iter().map(|e| e.rank).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
        let mut b = make();
        b.reverse();
        rank(&mut b);
        assert_eq!(a, b);
    }

    /// CSV fields with commas, quotes or newlines are quoted (RFC 4180); a failed scenario is a
    /// row with its error and no rank.
    #[test]
    fn csv_quotes_fields_and_lists_failures() {
        let mut e = entry("a", false, Some(1.5));
        e.top_driver = Some("freeboard 0.4 m, \"low\"".into());
        let p = Portfolio {
            engine_version: "0".into(),
            source: "city".into(),
            members: Some(10),
            seed: None,
            ponds: vec![e],
            failed: vec![PortfolioFailure { file: "bad.toml".into(), error: "x: y\nz".into() }],
        };
        let csv = ranking_csv(&p);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[1].contains(",\"freeboard 0.4 m, \"\"low\"\"\","), "{}", lines[1]);
        assert!(lines[2].starts_with(",bad.toml,"), "{}", lines[2]);
        assert!(csv.ends_with("\"x: y\nz\"\n"));
        let header_cols = lines[0].split(',').count();
        assert_eq!(header_cols, 22);
    }
}
