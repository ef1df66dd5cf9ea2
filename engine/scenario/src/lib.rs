//! tailtwin-scenario: the scenario file (TOML, format v1) → a validated [`Scenario`] in SI units.
//!
//! # Layers
//! 1. **serde** ([`raw`]): the file exactly as written, `deny_unknown_fields` everywhere, so a
//!    misspelt key or a key without its unit suffix (`crest` for `crest_m`) is an error. Syntax and
//!    type errors keep TOML's line and column and name the key ([`ScenarioError::Syntax`]).
//! 2. **validate**: ranges, monotone curves, cross-checks between levels (initial level between
//!    bottom and crest, beach crest not above the dam crest, windows inside the tower, a tower base
//!    not below its tunnel inlet, …), id resolution (`outlet`, duplicates), CSV loading, conversion
//!    to SI (km² → m², h → s, mm stay mm only where the hydrology API takes mm). It returns **all**
//!    problems at once, each with its key path ([`Problem`]), e.g.
//!    `structure[1].windows.lowest_sill_m: 312.5 is below the tower base 313`.
//!
//! 3. **process objects** ([`build`]): the validated descriptions are turned into the process
//!    crates' objects once (pond, structures with their series conduits, storm, catchment), so
//!    that whatever those crates reject by their own rules is reported by `tailtwin check` too,
//!    under the key path of the section or structure. The [`Scenario`] keeps the SI descriptions
//!    (the single source of truth, which benches and ensembles may vary); the pipeline builds
//!    the objects again from them for a run.
//!
//! Units: every key carries its unit as a suffix (`_m` absolute elevation or length in metres,
//! `_km2`, `_km`, `_h`, `_min`, `_s`, `_mm`, `_mm_h`, `_m3`, `_m3s`, `_deg`); dimensionless keys
//! have none (`slope`, `cv`, `curve_number`). Elevations are absolute (site datum).
//!
//! Curves (stage–storage, beach profile, rating table, inflow hydrograph, observed rain) are inline
//! tables of equal-length arrays or a CSV path relative to the scenario file, with the same column
//! names as header; CSV errors name the file, line and column.
//!
//! The full schema with an example per section is in `scenarios/README.md`; a test parses and
//! validates every example there (tests/scenario.rs), and tests/scenario.rs holds the malformed
//! scenarios (each asserting the key path of its error) and a property test over mutated files.

pub mod build;
mod curves;
pub mod dambreak;
pub mod ensemble;
mod error;
pub mod inspection;
pub mod material;
pub mod model;
pub mod raw;
pub mod reliability;
pub mod section;
pub mod seepage;
pub mod stability;
mod storm;
mod structures;
mod validate;

pub use error::{Problem, ScenarioError};
pub use model::*;

use std::path::Path;

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ScenarioError::Io { path: path.to_path_buf(), source })?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    parse(&text, base, &path.display().to_string())
}

/// Parses and validates scenario text; CSV paths are resolved against `base_dir`; `file` names
/// the source in messages.
pub fn parse(text: &str, base_dir: &Path, file: &str) -> Result<Scenario, ScenarioError> {
    let raw = parse_raw(text, file)?;
    validate::validate(&raw, text, base_dir)
        .map_err(|problems| ScenarioError::Invalid { file: file.to_owned(), problems })
}

/// The serde layer alone.
///
/// The file is read with each `[[structure]]` as a plain table first; then each structure's own
/// lines are parsed as the struct of its `kind`, so that an error inside a structure carries
/// `structure[i].<key path>` and the line of the offending key.
pub fn parse_raw(text: &str, file: &str) -> Result<raw::RawScenario, ScenarioError> {
    let doc = toml::from_str::<raw::RawScenario<toml::Table>>(text)
        .map_err(|e| syntax_error(e, text, file))?;
    let bodies = structure_bodies(text);
    if bodies.len() != doc.structure.len() {
        // Structures written as an inline array (`structure = [{ … }]`): no per-structure text,
        // so errors name the structure but not the line of the key.
        return from_tables(doc, text, file);
    }
    let mut structures = Vec::with_capacity(doc.structure.len());
    for (i, table) in doc.structure.iter().enumerate() {
        let (offset, body) = bodies.get(i).copied().unwrap_or((0, ""));
        let at = |e: ScenarioError| shift(e, i, text, offset);
        let Some(kind) = table.get("kind").and_then(toml::Value::as_str) else {
            let (line, column) = line_column(text, offset);
            return Err(ScenarioError::Syntax {
                file: file.to_owned(),
                line,
                column,
                path: format!("structure[{i}].kind"),
                message: format!(
                    "missing or not a string: one of {}",
                    raw::RawStructure::KINDS.join(", ")
                ),
            });
        };
        match raw::RawStructure::from_body(kind, body) {
            Ok(Ok(s)) => structures.push(s),
            Ok(Err(e)) => return Err(at(syntax_error(e, body, file))),
            Err(unknown) => {
                let key = body.find("kind").unwrap_or(0);
                let (line, column) = line_column(text, offset + key);
                return Err(ScenarioError::Syntax {
                    file: file.to_owned(),
                    line,
                    column,
                    path: format!("structure[{i}].kind"),
                    message: format!(
                        "unknown structure kind `{unknown}`, expected one of {}",
                        raw::RawStructure::KINDS.join(", ")
                    ),
                });
            }
        }
    }
    Ok(doc.with_structures(structures))
}

/// The structures read from their parsed tables (no text positions available).
fn from_tables(
    doc: raw::RawScenario<toml::Table>,
    text: &str,
    file: &str,
) -> Result<raw::RawScenario, ScenarioError> {
    let key_line =
        text.lines().position(|l| l.trim_start().starts_with("structure")).map_or(1, |i| i + 1);
    let mut structures = Vec::with_capacity(doc.structure.len());
    for (i, table) in doc.structure.iter().enumerate() {
        let s = toml::Value::Table(table.clone()).try_into::<raw::RawStructure>().map_err(|e| {
            let message = e.message().trim().to_owned();
            let key = ["unknown field `", "missing field `"]
                .iter()
                .find_map(|p| message.strip_prefix(p).and_then(|r| r.split('`').next()));
            ScenarioError::Syntax {
                file: file.to_owned(),
                line: key_line,
                column: 1,
                path: key.map_or(format!("structure[{i}]"), |k| format!("structure[{i}].{k}")),
                message,
            }
        })?;
        structures.push(s);
    }
    Ok(doc.with_structures(structures))
}

/// Moves a syntax error found in structure `i`'s own text (starting at byte `offset` of `text`)
/// to its place in the file and prefixes its key path.
fn shift(e: ScenarioError, i: usize, text: &str, offset: usize) -> ScenarioError {
    match e {
        ScenarioError::Syntax { file, line, column, path, message } => {
            let (first_line, _) = line_column(text, offset);
            let path = if path == "<document>" {
                format!("structure[{i}]")
            } else {
                format!("structure[{i}].{path}")
            };
            ScenarioError::Syntax { file, line: first_line + line - 1, column, path, message }
        }
        other => other,
    }
}

/// Each `[[structure]]`'s own lines: (byte offset, text) from after its header line to the next
/// table header. A header is a line `[name]` or `[[name]]` whose name starts with a letter
/// (array values such as `[300.0, 0.0]` on their own line are not headers).
fn structure_bodies(text: &str) -> Vec<(usize, &str)> {
    let is_header = |line: &str| {
        let l = line.trim();
        let l = l.split('#').next().unwrap_or("").trim_end();
        let inner = l
            .strip_prefix("[[")
            .and_then(|r| r.strip_suffix("]]"))
            .or_else(|| l.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
        inner.is_some_and(|n| {
            let n = n.trim();
            n.starts_with(|c: char| c.is_ascii_alphabetic())
                && n.chars().all(|c| c.is_ascii_alphanumeric() || "_-.\" ".contains(c))
        })
    };
    let mut starts = Vec::new();
    let mut headers = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if is_header(line) {
            headers.push(offset);
            if line.trim().split('#').next().unwrap_or("").trim_end() == "[[structure]]" {
                starts.push(offset + line.len());
            }
        }
        offset += line.len();
    }
    starts
        .into_iter()
        .map(|start| {
            let end = headers.iter().copied().find(|&h| h >= start).unwrap_or(text.len());
            (start, &text[start..end])
        })
        .collect()
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// Turns a toml error into line/column and the key path where it happened.
fn syntax_error(e: toml::de::Error, text: &str, file: &str) -> ScenarioError {
    let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let before = &text[..offset];
    let (line, column) = line_column(text, offset);
    // Without the input attached, toml's Display ends with "in `a.b.c`" when it knows the keys.
    let mut bare = e.clone();
    bare.set_input(None);
    let rendered = bare.to_string();
    let mut path = rendered
        .lines()
        .find_map(|l| l.strip_prefix("in `").and_then(|l| l.strip_suffix('`')))
        .map(str::to_owned)
        .unwrap_or_else(|| enclosing_table(before));
    // toml reports array-of-table elements without their index; count them from the text.
    for table in ["structure", "material", "section"] {
        if let Some(rest) = path.strip_prefix(table)
            && (rest.is_empty() || rest.starts_with('.'))
        {
            let index = before.matches(&format!("[[{table}]]")).count().saturating_sub(1);
            path = format!("{table}[{index}]{rest}");
            break;
        }
    }
    // For unknown and missing keys the offending key itself belongs to the path.
    let message = e.message().trim().to_owned();
    for prefix in ["unknown field `", "missing field `"] {
        if let Some(name) = message.strip_prefix(prefix).and_then(|r| r.split('`').next())
            && !path.ends_with(name)
        {
            path = if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
        }
    }
    if path.is_empty() {
        path = "<document>".into();
    }
    let message = match suggestion(&message) {
        Some(name) => format!("{message} — did you mean `{name}`?"),
        None => message,
    };
    ScenarioError::Syntax { file: file.to_owned(), line, column, path, message }
}

/// For "unknown field `x`, expected one of `a`, `b`": the expected name closest to `x` — the
/// name with a unit suffix added (`crest` → `crest_m`), else the nearest by edit distance (≤ 3).
fn suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (given, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    if let Some(with_unit) = expected
        .iter()
        .find(|e| e.strip_prefix(given).is_some_and(|suffix| suffix.starts_with('_')))
    {
        return Some((*with_unit).to_owned());
    }
    expected
        .iter()
        .map(|e| (edit_distance(given, e), *e))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e.to_owned())
}

/// Levenshtein distance (characters).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Name of the last `[table]` header before the error (fallback key path).
fn enclosing_table(before: &str) -> String {
    before
        .lines()
        .rev()
        .find_map(|l| {
            let l = l.trim();
            let inner = l
                .strip_prefix("[[")
                .and_then(|s| s.strip_suffix("]]"))
                .or_else(|| l.strip_prefix('[').and_then(|s| s.strip_suffix(']')))?;
            Some(inner.trim().to_owned())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: a key without its unit suffix or with a typo gets a suggestion. Setup: toml-style
    // messages. Reference: the intended key. Tolerance: exact.
    #[test]
    fn unknown_keys_suggest_the_intended_name() {
        let m = "unknown field `crest`, expected one of `bottom_m`, `crest_m`, `crest_length_m`";
        assert_eq!(suggestion(m).as_deref(), Some("crest_m"));
        let m = "unknown field `botom_m`, expected one of `bottom_m`, `crest_m`";
        assert_eq!(suggestion(m).as_deref(), Some("bottom_m"));
        let m = "unknown field `zzzzzzzz`, expected one of `bottom_m`, `crest_m`";
        assert_eq!(suggestion(m), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
