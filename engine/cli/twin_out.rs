//! What `tailtwin twin nowcast` prints and writes: the text summary, trajectories.csv (bands),
//! members_stage.csv, nowcast.json and nowcast.svg (bands with thresholds, bilingual).

use anyhow::Context;
use std::fmt::Write as _;
use std::path::Path;
use tailtwin::pipeline::nowcast::{CurrentState, Nowcast, Quantity, Twin};
use tailtwin::twin::format_timestamp;

fn quantity_name(q: Quantity) -> &'static str {
    match q {
        Quantity::Stage => "库水位 pond level",
        Quantity::BeachLength => "干滩长度 beach length",
        Quantity::Rain24h => "24 h 降雨 rain",
        Quantity::BurialDepth => "浸润线埋深 burial depth",
    }
}

/// The text summary.
pub fn render(state: &CurrentState, n: &Nowcast) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "nowcast from {} ({}): stage {:.3} m, {} member(s), {:.0} h",
        state.time,
        state.stage_sensor,
        state.stage_m,
        n.members.len(),
        n.settings.horizon_s / 3600.0
    );
    let _ = writeln!(
        o,
        "peak stage 最高水位 5/50/95 %: {:.3} / {:.3} / {:.3} m",
        n.peak_stage_m[0], n.peak_stage_m[1], n.peak_stage_m[2]
    );
    let _ = writeln!(
        o,
        "{:<24} {:<7} {:>13} {:>8} {:>17} {:>11} {:>9}",
        "item", "level", "threshold", "P", "95 % CI", "earliest h", "median h"
    );
    let burial = n.burial.iter().flat_map(|b| &b.crossings);
    for c in n.crossings.iter().chain(burial) {
        let h = |s: Option<f64>| s.map_or("—".into(), |s| format!("{:.2}", s / 3600.0));
        let _ = writeln!(
            o,
            "{:<24} {:<7} {:>13} {:>8.3} {:>17} {:>11} {:>9}",
            match (c.quantity, &c.sensor) {
                (Quantity::BurialDepth, Some(st)) => format!("{} {st}", quantity_name(c.quantity)),
                _ => quantity_name(c.quantity).to_string(),
            },
            c.level.as_str(),
            // Rain thresholds are stored in metres (SI) but read in millimetres.
            match c.quantity {
                Quantity::Rain24h => format!("{:.1} mm", 1000.0 * c.threshold),
                _ => format!("{:.3} m", c.threshold),
            },
            c.probability.estimate,
            format!("[{:.3}, {:.3}]", c.probability.ci95[0], c.probability.ci95[1]),
            h(c.earliest_s),
            h(c.median_s)
        );
    }
    for i in &n.items {
        let _ = writeln!(
            o,
            "{}: expected 预计 {}, worst 最不利 {}",
            quantity_name(i.quantity),
            i.expected_level.as_str(),
            i.worst_level.as_str()
        );
    }
    let _ = writeln!(o, "pond 全库 (GB 39496 roll-up): {}", n.pond_level.as_str());
    o
}

/// Writes the output folder.
pub fn write(
    dir: &Path,
    twin: &Twin,
    state: &CurrentState,
    n: &Nowcast,
    summary: &serde_json::Value,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let bands: Vec<_> = n.bands.iter().chain(n.burial.iter().flat_map(|b| &b.bands)).collect();
    let mut csv = String::from("time,hour");
    for b in &bands {
        for p in ["p05", "p50", "p95"] {
            let _ = write!(csv, ",{}_{p}_{}", b.quantity, b.unit);
        }
    }
    csv.push('\n');
    for (k, &t) in n.time_s.iter().enumerate() {
        let when = format_timestamp(n.t0_ms + (t * 1000.0).round() as i64).unwrap_or_default();
        let _ = write!(csv, "{when},{:.4}", t / 3600.0);
        for b in &bands {
            let _ = write!(csv, ",{:.6},{:.6},{:.6}", b.p05[k], b.p50[k], b.p95[k]);
        }
        csv.push('\n');
    }
    let w = |name: &str, text: &str| -> anyhow::Result<()> {
        let p = dir.join(name);
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))
    };
    w("trajectories.csv", &csv)?;
    let mut m = String::from("hour");
    for mr in &n.members {
        let _ = write!(m, ",{}", mr.name);
    }
    m.push('\n');
    for (k, &t) in n.time_s.iter().enumerate() {
        let _ = write!(m, "{:.4}", t / 3600.0);
        for mr in &n.members {
            let _ = write!(m, ",{:.6}", mr.stage_m[k]);
        }
        m.push('\n');
    }
    w("members_stage.csv", &m)?;
    w("nowcast.json", &serde_json::to_string_pretty(summary)?)?;
    w("nowcast.svg", &svg(twin, state, n))?;
    Ok(())
}

/// Two panels (stage; dry-beach length): 5–95 % band, median, thresholds.
fn svg(twin: &Twin, state: &CurrentState, n: &Nowcast) -> String {
    let (w, ph) = (900.0, 300.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{}" font-family="Noto Sans CJK SC, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-size="15">临近预报 / nowcast — {} — {}</text>
"#,
        2.0 * ph + 60.0,
        w / 2.0,
        twin.config.pond.name,
        state.time
    );
    let panels = [
        ("stage", Quantity::Stage, "库水位 / pond level (m)"),
        ("beach_length", Quantity::BeachLength, "干滩长度 / dry-beach length (m)"),
    ];
    let hmax = n.settings.horizon_s / 3600.0;
    for (i, (key, q, label)) in panels.iter().enumerate() {
        let Some(b) = n.bands.iter().find(|b| &b.quantity == key) else { continue };
        let top = 40.0 + i as f64 * (ph + 10.0);
        let (x0, x1, y0, y1) = (70.0, w - 20.0, top + 10.0, top + ph - 40.0);
        let ths: Vec<(String, f64)> = twin
            .model
            .item(*q)
            .map(|it| {
                tailtwin::core::warning::AlarmLevel::WARNINGS
                    .iter()
                    .filter_map(|l| {
                        it.thresholds.get(*l).map(|t| (l.as_str().to_string(), t.value))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut lo = b.p05.iter().chain(&b.p95).copied().fold(f64::INFINITY, f64::min);
        let mut hi = b.p05.iter().chain(&b.p95).copied().fold(f64::NEG_INFINITY, f64::max);
        for (_, v) in &ths {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
        let pad = ((hi - lo) * 0.08).max(0.05);
        let (lo, hi) = (lo - pad, hi + pad);
        let px = |t: f64| x0 + (x1 - x0) * (t / 3600.0) / hmax;
        let py = |v: f64| y1 - (y1 - y0) * (v - lo) / (hi - lo);
        let _ = writeln!(
            s,
            r##"<rect x="{x0}" y="{y0}" width="{}" height="{}" fill="none" stroke="#444"/>"##,
            x1 - x0,
            y1 - y0
        );
        let mut band = String::new();
        for (k, &t) in n.time_s.iter().enumerate() {
            let _ = write!(band, "{:.1},{:.1} ", px(t), py(b.p95[k]));
        }
        for (k, &t) in n.time_s.iter().enumerate().rev() {
            let _ = write!(band, "{:.1},{:.1} ", px(t), py(b.p05[k]));
        }
        let _ = writeln!(s, r##"<polygon points="{band}" fill="#9ecae1" fill-opacity="0.6"/>"##);
        let med: String = n
            .time_s
            .iter()
            .enumerate()
            .map(|(k, &t)| format!("{:.1},{:.1} ", px(t), py(b.p50[k])))
            .collect();
        let _ = writeln!(
            s,
            r##"<polyline points="{med}" fill="none" stroke="#08519c" stroke-width="2"/>"##
        );
        for (name, v) in &ths {
            let colour = match name.as_str() {
                "blue" => "#2171b5",
                "yellow" => "#d4b000",
                "orange" => "#f16913",
                _ => "#cb181d",
            };
            let y = py(*v);
            let _ = writeln!(
                s,
                r#"<line x1="{x0}" x2="{x1}" y1="{y:.1}" y2="{y:.1}" stroke="{colour}" stroke-dasharray="6 4"/><text x="{}" y="{:.1}" fill="{colour}" text-anchor="end">{name} {v:.2}</text>"#,
                x1 - 4.0,
                y - 3.0
            );
        }
        for k in 0..=6 {
            let t = hmax * k as f64 / 6.0;
            let x = px(t * 3600.0);
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{}" text-anchor="middle">{t:.0}</text>"#,
                y1 + 15.0
            );
        }
        for k in 0..=4 {
            let v = lo + (hi - lo) * k as f64 / 4.0;
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{v:.2}</text>"#,
                x0 - 4.0,
                py(v) + 4.0
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{x0}" y="{}">{label}; 5–95 % 区间 band, 中位数 median</text>"#,
            y0 - 3.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">预报时长 / hours after {} (h)</text>"#,
            (x0 + x1) / 2.0,
            y1 + 30.0,
            state.time
        );
    }
    s.push_str("</svg>\n");
    s
}
