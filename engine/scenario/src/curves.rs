//! Curves given inline or as CSV files: reading, column lookup and monotonicity checks.
//!
//! Lines starting with `#` are comments. A CSV file has a header row naming the columns (`elevation_m,volume_m3,area_m2`); extra columns
//! are an error (they usually mean a misspelt unit suffix). Every error names the file, the line and
//! the column.

use crate::error::Problems;
use std::collections::BTreeMap;
use std::path::Path;

/// Columns of a curve, by name.
pub type Columns = BTreeMap<String, Vec<f64>>;

/// Column names a CSV may carry: all `required`, any of `optional`; `timestamp` columns holding ISO
/// dates are converted to seconds from the first row.
pub struct ColumnSpec<'a> {
    pub required: &'a [&'a str],
    pub optional: &'a [&'a str],
}

/// Reads a CSV curve relative to `base_dir`; problems are recorded under `key` (the scenario key
/// that names the file).
pub fn read_csv(
    base_dir: &Path,
    file: &str,
    key: &str,
    spec: &ColumnSpec<'_>,
    problems: &mut Problems,
) -> Option<Columns> {
    let path = base_dir.join(file);
    let mut reader =
        match csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_path(&path) {
            Ok(r) => r,
            Err(e) => {
                problems.push(key, format!("cannot read CSV file {}: {e}", path.display()));
                return None;
            }
        };
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            problems.push(key, format!("{file} line 1: cannot read the header row: {e}"));
            return None;
        }
    };
    let before = problems.len();
    for (i, h) in headers.iter().enumerate() {
        if !spec.required.contains(&h.as_str()) && !spec.optional.contains(&h.as_str()) {
            problems.push(
                key,
                format!(
                    "{file} line 1, column {}: unknown column `{h}` (allowed: {})",
                    i + 1,
                    allowed(spec)
                ),
            );
        }
        if headers[..i].contains(h) {
            problems.push(key, format!("{file} line 1, column {}: duplicate column `{h}`", i + 1));
        }
    }
    for r in spec.required {
        if !headers.iter().any(|h| h == r) {
            problems
                .push(key, format!("{file}: missing column `{r}` (header: {})", headers.join(",")));
        }
    }
    if problems.len() > before {
        return None;
    }
    let mut columns: Columns = headers.iter().map(|h| (h.clone(), Vec::new())).collect();
    let mut first_timestamp: Option<chrono::NaiveDateTime> = None;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(key, format!("{file} line {line}: {e}"));
                return None;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        for (i, (h, cell)) in headers.iter().zip(record.iter()).enumerate() {
            let value = if h == "timestamp" {
                parse_timestamp(cell, &mut first_timestamp)
            } else {
                cell.parse::<f64>().ok().filter(|v| v.is_finite())
            };
            match value {
                Some(v) => columns.get_mut(h).expect("column from header").push(v),
                None => {
                    problems.push(
                        key,
                        format!(
                            "{file} line {line}, column {} (`{h}`): `{cell}` is not a finite number",
                            i + 1
                        ),
                    );
                    return None;
                }
            }
        }
    }
    if columns.values().all(Vec::is_empty) {
        problems.push(key, format!("{file}: no data rows"));
        return None;
    }
    Some(columns)
}

fn allowed(spec: &ColumnSpec<'_>) -> String {
    spec.required.iter().chain(spec.optional).copied().collect::<Vec<_>>().join(", ")
}

/// Seconds from the first timestamp; accepts a number of seconds or an ISO date-time.
fn parse_timestamp(cell: &str, first: &mut Option<chrono::NaiveDateTime>) -> Option<f64> {
    if let Ok(v) = cell.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let t = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(cell, f).ok())?;
    let t0 = *first.get_or_insert(t);
    Some((t - t0).num_milliseconds() as f64 / 1000.0)
}

/// Records `key: must be strictly increasing` at the first offending index; true when fine.
pub fn strictly_increasing(key: &str, v: &[f64], problems: &mut Problems) -> bool {
    for i in 1..v.len() {
        if v[i] <= v[i - 1] {
            problems.push(
                format!("{key}[{i}]"),
                format!(
                    "{} does not increase (previous value {}): must be strictly increasing",
                    v[i],
                    v[i - 1]
                ),
            );
            return false;
        }
    }
    true
}

/// Records a problem at the first index where `v` decreases; true when fine.
pub fn non_decreasing(key: &str, v: &[f64], problems: &mut Problems) -> bool {
    for i in 1..v.len() {
        if v[i] < v[i - 1] {
            problems.push(
                format!("{key}[{i}]"),
                format!("{} is below the previous value {}: must not decrease", v[i], v[i - 1]),
            );
            return false;
        }
    }
    true
}

/// Records a problem at the first negative or non-finite value; true when fine.
pub fn all_non_negative(key: &str, v: &[f64], problems: &mut Problems) -> bool {
    for (i, &x) in v.iter().enumerate() {
        if !x.is_finite() || x < 0.0 {
            problems
                .push(format!("{key}[{i}]"), format!("{x} must be a finite, non-negative number"));
            return false;
        }
    }
    true
}

/// Records a problem at the first non-finite value; true when fine.
pub fn all_finite(key: &str, v: &[f64], problems: &mut Problems) -> bool {
    for (i, &x) in v.iter().enumerate() {
        if !x.is_finite() {
            problems.push(format!("{key}[{i}]"), format!("{x} is not a finite number"));
            return false;
        }
    }
    true
}

/// Records a problem when two columns differ in length or hold fewer than `min` rows.
pub fn same_length(
    key: &str,
    a: (&str, usize),
    b: (&str, usize),
    min: usize,
    problems: &mut Problems,
) -> bool {
    if a.1 != b.1 {
        problems.push(key, format!("{} has {} values but {} has {}", a.0, a.1, b.0, b.1));
        return false;
    }
    if a.1 < min {
        problems.push(key, format!("needs at least {min} rows, has {}", a.1));
        return false;
    }
    true
}
