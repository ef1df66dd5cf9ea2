//! Rainfall forecasts: one series or an ensemble, from CSV or JSON, and their resampling onto
//! the nowcast's rain grid.
//!
//! **CSV**: a header, then one row per forecast interval; `#` lines and blank lines are skipped.
//! The first column is `time` (a timestamp; without an offset it is the pond's local time) or
//! `hour` (hours after the nowcast start); every further column is one member (its header is
//! the member's name) holding the depth in mm fallen from that row's time to the next row's.
//! The last row lasts as long as the one before it. Rain before the first row and after the
//! last is zero.
//!
//! ```text
//! time,m01,m02,m03
//! 2024-07-01T08:00:00+08:00,0.0,1.5,0.2
//! 2024-07-01T09:00:00+08:00,4.2,6.0,3.1
//! ```
//!
//! **JSON**: `{"start": "2024-07-01T08:00:00+08:00", "interval_min": 60, "members": {"m01":
//! [0.0, 4.2, …], …}}` (depths in mm per interval; `start` may be replaced by `start_hour`,
//! hours after the nowcast start; `members` may be an array of arrays, named m1, m2, …).
//!
//! Resampling onto the grid is by overlap: a forecast interval's depth is spread uniformly over
//! its duration and each grid interval receives the part that falls inside it, so the depth in
//! any window made of whole forecast intervals is kept exactly.

use serde::Deserialize;
use std::path::Path;

/// A rain forecast: interval edges and each member's depth per interval.
#[derive(Debug, Clone, PartialEq)]
pub struct RainForecast {
    /// Instant of the first edge (UTC ms); `None`: the nowcast start.
    pub start_ms: Option<i64>,
    /// Interval edges in s after the first edge (strictly increasing, starts at 0).
    pub edges_s: Vec<f64>,
    pub members: Vec<ForecastMember>,
}

/// One member of a forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastMember {
    pub name: String,
    /// Depth (mm) per interval.
    pub depth_mm: Vec<f64>,
}

/// A forecast file that cannot be used: the file, and where (line, key) and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("rain forecast {file}: {problem}")]
pub struct ForecastError {
    pub file: String,
    pub problem: String,
}

impl RainForecast {
    /// Reads a forecast, CSV or JSON by extension (`.json` → JSON, else CSV). Naive timestamps
    /// are in `utc_offset_s` (the pond's zone).
    pub fn read(path: &Path, utc_offset_s: Option<i32>) -> Result<RainForecast, ForecastError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ForecastError { file: file.clone(), problem: e.to_string() })?;
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let parsed =
            if json { parse_json(&text, utc_offset_s) } else { parse_csv(&text, utc_offset_s) };
        parsed.map_err(|problem| ForecastError { file, problem })
    }

    /// A single-member forecast with uniform intervals starting at the nowcast start.
    pub fn uniform(interval_s: f64, depth_mm: Vec<f64>) -> Result<RainForecast, String> {
        let edges_s = (0..=depth_mm.len()).map(|i| i as f64 * interval_s).collect();
        let f = RainForecast {
            start_ms: None,
            edges_s,
            members: vec![ForecastMember { name: "m1".into(), depth_mm }],
        };
        f.check()?;
        Ok(f)
    }

    /// Checks shape and values; the message names the member and interval.
    pub fn check(&self) -> Result<(), String> {
        let n = self.edges_s.len().saturating_sub(1);
        if n == 0 {
            return Err("no forecast interval".into());
        }
        if self.members.is_empty() {
            return Err("no member".into());
        }
        for w in self.edges_s.windows(2) {
            if !w[1].is_finite() || w[1] <= w[0] {
                return Err(format!("interval edges not increasing at {} s", w[1]));
            }
        }
        for m in &self.members {
            if m.depth_mm.len() != n {
                return Err(format!(
                    "member {}: {} values for {} intervals",
                    m.name,
                    m.depth_mm.len(),
                    n
                ));
            }
            if let Some((i, d)) =
                m.depth_mm.iter().enumerate().find(|(_, d)| !(d.is_finite() && **d >= 0.0))
            {
                return Err(format!("member {}: interval {i}: depth {d} mm is not ≥ 0", m.name));
            }
        }
        Ok(())
    }

    /// Each member's depth (mm) on the grid `[g0 + k·dt, g0 + (k+1)·dt)`, k < n, where g0 is
    /// in s after `t0_ms` (the nowcast start). Overlap resampling (module docs).
    pub fn on_grid(&self, t0_ms: i64, g0_s: f64, dt_s: f64, n: usize) -> Vec<Vec<f64>> {
        let offset = self.start_ms.map_or(0.0, |s| (s - t0_ms) as f64 / 1000.0);
        let edges: Vec<f64> = self.edges_s.iter().map(|e| e + offset).collect();
        self.members.iter().map(|m| overlap(&edges, &m.depth_mm, g0_s, dt_s, n)).collect()
    }
}

/// Spreads `depth[i]` uniformly over `[edges[i], edges[i+1])` and collects it on a grid.
pub(crate) fn overlap(edges: &[f64], depth: &[f64], g0: f64, dt: f64, n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n];
    for (i, &d) in depth.iter().enumerate() {
        if d == 0.0 {
            continue;
        }
        let (a, b) = (edges[i], edges[i + 1]);
        let rate = d / (b - a);
        let k0 = (((a - g0) / dt).floor().max(0.0)) as usize;
        let mut k = k0;
        while k < n {
            let (ga, gb) = (g0 + k as f64 * dt, g0 + (k + 1) as f64 * dt);
            if ga >= b {
                break;
            }
            let len = gb.min(b) - ga.max(a);
            if len > 0.0 {
                out[k] += rate * len;
            }
            k += 1;
        }
    }
    out
}

fn parse_time(
    text: &str,
    utc_offset_s: Option<i32>,
    line: usize,
    col: &str,
) -> Result<f64, String> {
    tailtwin_twin::parse_timestamp(text, utc_offset_s)
        .map(|ms| ms as f64)
        .map_err(|r| format!("line {line}, column {col}: '{text}': {}", r.detail))
}

fn parse_csv(text: &str, utc_offset_s: Option<i32>) -> Result<RainForecast, String> {
    let mut rows = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let (hline, header) = rows.next().ok_or("empty file: no header line")?;
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    let absolute = match cols[0] {
        "time" => true,
        "hour" => false,
        other => {
            return Err(format!(
                "line {hline}: the first column is '{other}', expected 'time' or 'hour'"
            ));
        }
    };
    if cols.len() < 2 {
        return Err(format!("line {hline}: no member column after '{}'", cols[0]));
    }
    let names: Vec<String> = cols[1..].iter().map(|s| s.to_string()).collect();
    if let Some(i) = names.iter().position(|n| n.is_empty()) {
        return Err(format!("line {hline}: member column {} has no name", i + 2));
    }
    let mut starts = Vec::new();
    let mut depth: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for (line, row) in rows {
        let cells: Vec<&str> = row.split(',').map(str::trim).collect();
        if cells.len() != cols.len() {
            return Err(format!(
                "line {line}: {} fields, the header has {}",
                cells.len(),
                cols.len()
            ));
        }
        let t = if absolute {
            parse_time(cells[0], utc_offset_s, line, "time")? / 1000.0
        } else {
            let h: f64 = cells[0]
                .parse()
                .map_err(|_| format!("line {line}, column hour: '{}' is not a number", cells[0]))?;
            if !h.is_finite() {
                return Err(format!("line {line}, column hour: {h} is not finite"));
            }
            h * 3600.0
        };
        if let Some(&prev) = starts.last()
            && t <= prev
        {
            return Err(format!("line {line}: time does not increase"));
        }
        starts.push(t);
        for (j, c) in cells[1..].iter().enumerate() {
            let v: f64 = c
                .parse()
                .map_err(|_| format!("line {line}, column {}: '{c}' is not a number", names[j]))?;
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("line {line}, column {}: depth {v} mm is not ≥ 0", names[j]));
            }
            depth[j].push(v);
        }
    }
    if starts.len() < 2 {
        return Err(
            "at least two rows are needed (the last row lasts as long as the one before)".into()
        );
    }
    let last = starts[starts.len() - 1] + (starts[starts.len() - 1] - starts[starts.len() - 2]);
    starts.push(last);
    let first = starts[0];
    let start_ms = if absolute { Some((first * 1000.0).round() as i64) } else { None };
    let base = if absolute { first } else { 0.0 };
    if !absolute && first < 0.0 {
        return Err("column hour: a forecast cannot start before the nowcast start".into());
    }
    let edges_s = starts.iter().map(|t| t - base).collect();
    let members =
        names.into_iter().zip(depth).map(|(name, depth_mm)| ForecastMember { name, depth_mm });
    let f = RainForecast { start_ms, edges_s, members: members.collect() };
    f.check()?;
    Ok(f)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJson {
    start: Option<String>,
    start_hour: Option<f64>,
    interval_min: f64,
    members: serde_json::Value,
}

/// One member's depths from JSON, each value checked by its key path.
fn json_depths(key: &str, v: &serde_json::Value) -> Result<Vec<f64>, String> {
    let arr = v.as_array().ok_or_else(|| format!("{key}: not an array of depths (mm)"))?;
    arr.iter()
        .enumerate()
        .map(|(i, x)| x.as_f64().ok_or_else(|| format!("{key}[{i}]: {x} is not a number")))
        .collect()
}

fn parse_json(text: &str, utc_offset_s: Option<i32>) -> Result<RainForecast, String> {
    let raw: RawJson = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if !(raw.interval_min.is_finite() && raw.interval_min > 0.0) {
        return Err(format!("interval_min: {} must be > 0", raw.interval_min));
    }
    let (start_ms, lead_s) = match (&raw.start, raw.start_hour) {
        (Some(s), None) => (
            Some(
                tailtwin_twin::parse_timestamp(s, utc_offset_s)
                    .map_err(|r| format!("start: '{s}': {}", r.detail))?,
            ),
            0.0,
        ),
        (None, Some(h)) if h.is_finite() && h >= 0.0 => (None, h * 3600.0),
        (None, Some(h)) => return Err(format!("start_hour: {h} must be finite and ≥ 0")),
        (Some(_), Some(_)) => return Err("give start or start_hour, not both".into()),
        (None, None) => return Err("start (a timestamp) or start_hour is required".into()),
    };
    let members: Vec<ForecastMember> = match &raw.members {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(name, v)| {
                Ok(ForecastMember {
                    name: name.clone(),
                    depth_mm: json_depths(&format!("members.{name}"), v)?,
                })
            })
            .collect::<Result<_, String>>()?,
        serde_json::Value::Array(l) => l
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Ok(ForecastMember {
                    name: format!("m{}", i + 1),
                    depth_mm: json_depths(&format!("members[{i}]"), v)?,
                })
            })
            .collect::<Result<_, String>>()?,
        _ => return Err("members: an object of named arrays or an array of arrays".into()),
    };
    let n = members.first().map_or(0, |m| m.depth_mm.len());
    for m in &members {
        if m.depth_mm.len() != n {
            return Err(format!(
                "members.{}: {} values, the first member has {n}",
                m.name,
                m.depth_mm.len()
            ));
        }
        if let Some((i, d)) =
            m.depth_mm.iter().enumerate().find(|(_, d)| !(d.is_finite() && **d >= 0.0))
        {
            return Err(format!("members.{}[{i}]: depth {d} mm is not ≥ 0", m.name));
        }
    }
    // A relative start becomes leading zero-rain time: edges from the nowcast start.
    let dt = raw.interval_min * 60.0;
    let mut edges_s: Vec<f64> = (0..=n).map(|i| lead_s + i as f64 * dt).collect();
    let mut members = members;
    if lead_s > 0.0 {
        edges_s.insert(0, 0.0);
        for m in &mut members {
            m.depth_mm.insert(0, 0.0);
        }
    }
    let f = RainForecast { start_ms, edges_s, members };
    f.check()?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_resampling_keeps_the_depth_of_whole_intervals() {
        // 1 h intervals of 6 and 12 mm onto a 10 min grid from 0: 1 mm and 2 mm per cell.
        let g = overlap(&[0.0, 3600.0, 7200.0], &[6.0, 12.0], 0.0, 600.0, 12);
        for (k, v) in g.iter().enumerate() {
            let want = if k < 6 { 1.0 } else { 2.0 };
            assert!((v - want).abs() < 1e-12, "{k}: {v}");
        }
        // A grid shifted by 15 min: the first cell gets nothing, the boundary cell shares.
        let g = overlap(&[900.0, 4500.0], &[6.0], 0.0, 1800.0, 3);
        assert!((g[0] - 1.5).abs() < 1e-12 && (g[1] - 3.0).abs() < 1e-12);
        assert!((g[2] - 1.5).abs() < 1e-12);
    }

    #[test]
    fn bad_csv_rows_are_named_by_line_and_column() {
        let e = parse_csv("time,a\n2024-07-01T00:00:00Z,1\n2024-07-01T01:00:00Z,x\n", None)
            .unwrap_err();
        assert!(e.contains("line 3") && e.contains("column a"), "{e}");
        let e = parse_csv("hour,a,b\n0,1,2\n1,1\n", None).unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        let e = parse_csv("when,a\n0,1\n", None).unwrap_err();
        assert!(e.contains("line 1") && e.contains("'when'"), "{e}");
        let e = parse_csv("hour,a\n0,1\n1,-2\n", None).unwrap_err();
        assert!(e.contains("line 3") && e.contains("-2"), "{e}");
        let e = parse_csv("time,a\n2024-07-01 00:00,1\n2024-07-01 01:00,1\n", None).unwrap_err();
        assert!(e.contains("line 2, column time"), "{e}");
    }

    #[test]
    fn json_members_are_checked_by_key() {
        let e = parse_json(
            r#"{"start_hour": 0, "interval_min": 60, "members": {"a": [1, 2], "b": [1, -1]}}"#,
            None,
        )
        .unwrap_err();
        assert!(e.contains("members.b[1]"), "{e}");
        let e = parse_json(
            r#"{"start_hour": 0, "interval_min": 60, "members": {"a": [1, "x"]}}"#,
            None,
        )
        .unwrap_err();
        assert!(e.contains("members.a[1]") && e.contains("not a number"), "{e}");
        let e =
            parse_json(r#"{"start_hour": 0, "interval_min": 60, "member": []}"#, None).unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        let f = parse_json(r#"{"start_hour": 1, "interval_min": 30, "members": [[2, 4]]}"#, None)
            .unwrap();
        assert_eq!(f.edges_s, vec![0.0, 3600.0, 5400.0, 7200.0]);
        assert_eq!(f.members[0].depth_mm, vec![0.0, 2.0, 4.0]);
    }
}
