//! Reading export files into records: CSV and JSON layouts, timestamps. No database here.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Why a row was quarantined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Not a record: wrong field count, unbalanced quote, invalid UTF-8, JSON that does not parse
    /// or lacks a field.
    Malformed,
    /// The timestamp is not RFC 3339 / ISO 8601 (or names an impossible instant).
    BadTime,
    /// A timestamp without offset for a pond with no configured zone.
    NaiveTimeWithoutZone,
    /// The value is not a finite number.
    BadValue,
    /// The sensor id is not registered.
    UnknownSensor,
    /// The unit is unknown or not a unit of the sensor's quantity (e.g. kPa for a level, mm/h
    /// for a rain depth).
    UnitMismatch,
    /// Another row for the same sensor and instant has a different value; none is accepted.
    DuplicateConflict,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Malformed => "malformed",
            Reason::BadTime => "bad_time",
            Reason::NaiveTimeWithoutZone => "naive_time_without_zone",
            Reason::BadValue => "bad_value",
            Reason::UnknownSensor => "unknown_sensor",
            Reason::UnitMismatch => "unit_mismatch",
            Reason::DuplicateConflict => "duplicate_conflict",
        }
    }
}

/// A rejected row: the reason and a sentence with the offending value.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub reason: Reason,
    pub detail: String,
}

fn reject(reason: Reason, detail: String) -> Rejection {
    Rejection { reason, detail }
}

/// The fields of one row, still as text except the value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fields<'a> {
    pub sensor: Cow<'a, str>,
    pub time: Cow<'a, str>,
    pub value: f64,
    pub unit: Option<Cow<'a, str>>,
}

/// One data row of a file: its 1-based line, its verbatim text, and its fields or why not.
#[derive(Debug, Clone)]
pub(crate) struct Record<'a> {
    pub line: i64,
    pub text: Cow<'a, str>,
    pub fields: Result<Fields<'a>, Rejection>,
}

/// File layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

fn parse_value(text: &str) -> Result<f64, Rejection> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => {
            Err(reject(Reason::BadValue, format!("value '{}' is not a finite number", text.trim())))
        }
    }
}

/// Splits the bytes into lines (LF or CRLF), 1-based numbers, skipping nothing.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (i64, &[u8])> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let empty = body.is_empty() && bytes.is_empty();
    body.split(|&b| b == b'\n')
        .enumerate()
        .filter(move |_| !empty)
        .map(|(i, l)| (i as i64 + 1, l.strip_suffix(b"\r").unwrap_or(l)))
}

/// Splits one CSV line into fields: comma separated, a field may be double-quoted with `""` as
/// an escaped quote. Records never span lines (monitoring exports are one reading per line).
fn split_csv(line: &str) -> Option<Vec<Cow<'_, str>>> {
    let mut out = Vec::with_capacity(4);
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        if bytes.get(i) == Some(&b'"') {
            let mut s = String::new();
            let mut j = i + 1;
            loop {
                match bytes.get(j) {
                    None => return None,
                    Some(b'"') if bytes.get(j + 1) == Some(&b'"') => {
                        s.push('"');
                        j += 2;
                    }
                    Some(b'"') => break,
                    Some(_) => {
                        let next = line[j..].find('"').map_or(line.len(), |k| j + k);
                        s.push_str(&line[j..next]);
                        j = next;
                    }
                }
            }
            out.push(Cow::Owned(s));
            i = j + 1;
            match bytes.get(i) {
                None => return Some(out),
                Some(b',') => i += 1,
                Some(_) => return None,
            }
        } else {
            let end = line[i..].find(',').map_or(line.len(), |k| i + k);
            if line[i..end].contains('"') {
                return None;
            }
            out.push(Cow::Borrowed(line[i..end].trim()));
            if end == line.len() {
                return Some(out);
            }
            i = end + 1;
        }
    }
}

/// Column positions from a CSV header (case-insensitive, common aliases).
struct Columns {
    sensor: usize,
    time: usize,
    value: usize,
    unit: Option<usize>,
    count: usize,
}

fn columns(header: &[Cow<'_, str>]) -> Result<Columns, String> {
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            names.iter().any(|n| *n == h)
        })
    };
    let need = |names: &[&str], what: &str| {
        find(names).ok_or_else(|| format!("header has no {what} column ({})", names.join("|")))
    };
    Ok(Columns {
        sensor: need(&["sensor", "sensor_id", "point", "测点"], "sensor")?,
        time: need(&["time", "timestamp", "datetime", "时间"], "time")?,
        value: need(&["value", "reading", "值"], "value")?,
        unit: find(&["unit", "units", "单位"]),
        count: header.len(),
    })
}

/// Outcome of reading a whole file.
pub(crate) enum FileProblem {
    /// The file cannot be split into records at all (CSV without a usable header, a JSON
    /// document that does not parse): quarantined whole, with the line of the failure.
    Unreadable { line: i64, detail: String },
}

fn utf8_line(raw: &[u8]) -> Result<&str, Cow<'_, str>> {
    std::str::from_utf8(raw).map_err(|_| String::from_utf8_lossy(raw))
}

/// Reads CSV: the first non-blank line not starting with `#` is the header; blank and `#` lines
/// are skipped and not counted as rows.
pub(crate) fn read_csv<'a>(
    bytes: &'a [u8],
    header: &mut Option<&'a str>,
    mut sink: impl FnMut(Record<'a>) -> Result<(), crate::TwinError>,
) -> Result<Result<(), FileProblem>, crate::TwinError> {
    let mut cols: Option<Columns> = None;
    for (line, raw) in lines(bytes) {
        let text = match utf8_line(raw) {
            Ok(t) => t,
            Err(lossy) => {
                if cols.is_none() {
                    return Ok(Err(FileProblem::Unreadable {
                        line,
                        detail: "header is not valid UTF-8".into(),
                    }));
                }
                sink(Record {
                    line,
                    text: lossy,
                    fields: Err(reject(Reason::Malformed, "line is not valid UTF-8".into())),
                })?;
                continue;
            }
        };
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some(fields) = split_csv(text) else {
            if cols.is_none() {
                return Ok(Err(FileProblem::Unreadable {
                    line,
                    detail: "header has an unbalanced quote".into(),
                }));
            }
            sink(Record {
                line,
                text: Cow::Borrowed(text),
                fields: Err(reject(Reason::Malformed, "unbalanced quote".into())),
            })?;
            continue;
        };
        let Some(c) = &cols else {
            match columns(&fields) {
                Ok(c) => {
                    cols = Some(c);
                    *header = Some(text);
                }
                Err(detail) => return Ok(Err(FileProblem::Unreadable { line, detail })),
            }
            continue;
        };
        let parsed = if fields.len() != c.count {
            Err(reject(
                Reason::Malformed,
                format!("{} fields, the header has {}", fields.len(), c.count),
            ))
        } else {
            let mut fields = fields;
            let take = |f: &mut Vec<Cow<'a, str>>, i: usize| std::mem::take(&mut f[i]);
            parse_value(&fields[c.value]).map(|value| Fields {
                sensor: take(&mut fields, c.sensor),
                time: take(&mut fields, c.time),
                value,
                unit: c.unit.map(|u| take(&mut fields, u)),
            })
        };
        sink(Record { line, text: Cow::Borrowed(text), fields: parsed })?;
    }
    if cols.is_none() {
        return Ok(Err(FileProblem::Unreadable { line: 0, detail: "no header line".into() }));
    }
    Ok(Ok(()))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonNumber<'a> {
    Null,
    Number(f64),
    #[serde(borrow)]
    Text(Cow<'a, str>),
}

#[derive(Deserialize)]
struct JsonRow<'a> {
    #[serde(alias = "sensor_id", alias = "point", borrow)]
    sensor: Cow<'a, str>,
    #[serde(alias = "timestamp", alias = "datetime", borrow)]
    time: Cow<'a, str>,
    #[serde(alias = "reading", borrow)]
    value: JsonNumber<'a>,
    #[serde(alias = "units", borrow, default)]
    unit: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct JsonDocument<'a> {
    #[serde(borrow)]
    observations: Vec<&'a RawValue>,
}

pub(crate) fn json_fields<'a>(raw: &'a str) -> Result<Fields<'a>, Rejection> {
    let row: JsonRow<'a> = serde_json::from_str(raw)
        .map_err(|e| reject(Reason::Malformed, format!("not an observation object: {e}")))?;
    let value = match row.value {
        JsonNumber::Number(v) if v.is_finite() => v,
        JsonNumber::Number(v) => {
            return Err(reject(Reason::BadValue, format!("value {v} is not finite")));
        }
        JsonNumber::Text(t) => parse_value(&t)?,
        JsonNumber::Null => return Err(reject(Reason::BadValue, "value is null".into())),
    };
    Ok(Fields { sensor: row.sensor, time: row.time, value, unit: row.unit })
}

/// Reads JSON: an array of observation objects, an object `{"observations": [...]}`, or JSON
/// Lines (one object per line). Objects: `sensor` (`sensor_id`), `time` (`timestamp`), `value`
/// (a number or a numeric string), optional `unit`; other members are ignored. Each element is
/// judged alone; in an array a syntax error makes the document unreadable (quarantined whole).
pub(crate) fn read_json<'a>(
    bytes: &'a [u8],
    mut sink: impl FnMut(Record<'a>) -> Result<(), crate::TwinError>,
) -> Result<Result<(), FileProblem>, crate::TwinError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return read_json_lines(bytes, sink);
    };
    let first = text.trim_start().as_bytes().first().copied();
    let elements: Option<Result<Vec<&'a RawValue>, serde_json::Error>> = match first {
        Some(b'[') => Some(serde_json::from_str(text)),
        Some(b'{') => {
            serde_json::from_str::<JsonDocument<'a>>(text).ok().map(|d| Ok(d.observations))
        }
        _ => None,
    };
    let Some(elements) = elements else {
        return read_json_lines(bytes, sink);
    };
    let elements = match elements {
        Ok(e) => e,
        Err(e) => {
            return Ok(Err(FileProblem::Unreadable {
                line: e.line() as i64,
                detail: format!("JSON array does not parse: {e}"),
            }));
        }
    };
    let base = text.as_ptr() as usize;
    let (mut scanned, mut line) = (0usize, 1i64);
    for raw in elements {
        let s = raw.get();
        let offset = s.as_ptr() as usize - base;
        line += text.as_bytes()[scanned..offset].iter().filter(|&&b| b == b'\n').count() as i64;
        scanned = offset;
        sink(Record { line, text: Cow::Borrowed(s), fields: json_fields(s) })?;
    }
    Ok(Ok(()))
}

fn read_json_lines<'a>(
    bytes: &'a [u8],
    mut sink: impl FnMut(Record<'a>) -> Result<(), crate::TwinError>,
) -> Result<Result<(), FileProblem>, crate::TwinError> {
    for (line, raw) in lines(bytes) {
        match utf8_line(raw) {
            Ok(text) => {
                if text.trim().is_empty() {
                    continue;
                }
                let fields = json_fields(text.trim());
                sink(Record { line, text: Cow::Borrowed(text), fields })?;
            }
            Err(lossy) => sink(Record {
                line,
                text: lossy,
                fields: Err(reject(Reason::Malformed, "line is not valid UTF-8".into())),
            })?,
        }
    }
    Ok(Ok(()))
}

/// Timestamps with an offset (RFC 3339, ISO 8601 with `T` or a space, `Z`, `+08:00`, `+0800`,
/// optional fractional seconds) name their instant. Timestamps without an offset are read in the
/// pond's zone (`zone`); without one they are rejected. Returns ms since the epoch (UTC),
/// fractions of a millisecond truncated toward the past.
pub(crate) fn parse_time(text: &str, zone: Option<FixedOffset>) -> Result<i64, Rejection> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.timestamp_millis());
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(dt) = DateTime::parse_from_str(t, f) {
            return Ok(dt.timestamp_millis());
        }
    }
    const NAIVE: [&str; 5] = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
    ];
    let naive = NAIVE.iter().find_map(|f| NaiveDateTime::parse_from_str(t, f).ok());
    match (naive, zone) {
        (Some(n), Some(z)) => match z.from_local_datetime(&n).single() {
            Some(dt) => Ok(dt.timestamp_millis()),
            None => Err(reject(Reason::BadTime, format!("time '{t}' is not an instant"))),
        },
        (Some(_), None) => Err(reject(
            Reason::NaiveTimeWithoutZone,
            format!("time '{t}' has no offset and the pond has no configured zone"),
        )),
        (None, _) => Err(reject(Reason::BadTime, format!("time '{t}' is not RFC 3339 / ISO 8601"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_name_the_instant_and_naive_times_take_the_pond_zone() {
        let cst = FixedOffset::east_opt(8 * 3600);
        let utc = parse_time("2024-07-01T00:00:00Z", None).unwrap();
        assert_eq!(parse_time("2024-07-01T08:00:00+08:00", None).unwrap(), utc);
        assert_eq!(parse_time("2024-07-01 08:00:00+0800", None).unwrap(), utc);
        assert_eq!(parse_time("2024-07-01 08:00:00", cst).unwrap(), utc);
        assert_eq!(parse_time("2024-07-01T08:00", cst).unwrap(), utc);
        assert_eq!(parse_time("2024-07-01T00:00:00.250Z", None).unwrap(), utc + 250);
        assert_eq!(
            parse_time("2024-07-01 08:00:00", None).unwrap_err().reason,
            Reason::NaiveTimeWithoutZone
        );
        assert_eq!(parse_time("2024-13-01 08:00:00", cst).unwrap_err().reason, Reason::BadTime);
        assert_eq!(parse_time("yesterday", cst).unwrap_err().reason, Reason::BadTime);
    }

    #[test]
    fn csv_fields_quotes_and_broken_lines() {
        assert_eq!(split_csv("a, b ,c").unwrap(), vec!["a", "b", "c"]);
        assert_eq!(split_csv("\"a,\"\"x\"\"\",b").unwrap(), vec!["a,\"x\"", "b"]);
        assert!(split_csv("\"a,b").is_none());
        assert!(split_csv("a\"b,c").is_none());
        assert_eq!(split_csv("a,,").unwrap(), vec!["a", "", ""]);
    }

    #[test]
    fn json_array_rows_carry_their_line() {
        let doc = b"[\n {\"sensor\":\"L1\",\"time\":\"2024-07-01T00:00:00Z\",\"value\":1.5},\n\n {\"sensor\":\"L1\",\"time\":\"x\",\"value\":\"2\",\"unit\":\"m\"},\n {\"sensor\":3}\n]";
        let mut got = Vec::new();
        read_json(doc, |r| {
            got.push((r.line, r.fields.map(|f| f.value).map_err(|e| e.reason)));
            Ok(())
        })
        .unwrap()
        .ok()
        .unwrap();
        assert_eq!(got, vec![(2, Ok(1.5)), (4, Ok(2.0)), (5, Err(Reason::Malformed))]);
    }
}
