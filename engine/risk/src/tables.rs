//! The limit tables: parsed from `data/limits.toml` (compiled in) or from a user file, validated,
//! and looked up per edition.
//!
//! Why a data file and not Rust `const` tables: the values are what a reviewer must check against
//! the printed codes, row by row, with the clause and confidence beside each number. A TOML file in
//! the codes' own units reads like the tables it copies, diffs cleanly when a value is verified,
//! and can be swapped for a site's own file ([`LimitTables::from_toml_str`]). The price — parsing at
//! start-up — is paid once ([`LimitTables::builtin`]), and a unit test parses and validates the
//! embedded file so a bad edit cannot ship.

use serde::Deserialize;
use std::sync::OnceLock;
use tailtwin_core::{Confidence, Standard};

use crate::error::{LimitDataError, RiskError};
use crate::source::{Limit, ReturnPeriodRange, Source};
use crate::types::{DamTable, Edition, Grade, LegacyClass, LoadCase, Period, StabilityMethod};

/// The embedded limit table (reviewable: engine/risk/data/limits.toml).
pub const BUILTIN_LIMITS_TOML: &str = include_str!("../data/limits.toml");

/// Schema version this parser reads.
pub const SCHEMA: u32 = 1;

/// 10⁴ m³ — the unit of storage in the grade tables.
const STORAGE_UNIT_M3: f64 = 1.0e4;

// ------------------------------------------------------------------------------------------------
// Raw (serde) layer: mirrors the file.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema: u32,
    edition: Vec<RawEdition>,
    #[serde(default)]
    grade_storage: Vec<RawStorageBand>,
    #[serde(default)]
    grade_height: Vec<RawHeightBand>,
    #[serde(default)]
    design_flood: Vec<RawFlood>,
    #[serde(default)]
    min_freeboard: Vec<RawClassValue>,
    #[serde(default)]
    min_beach_length: Vec<RawClassValue>,
    #[serde(default)]
    beach_reduction: Vec<RawReduction>,
    #[serde(default)]
    min_factor_of_safety: Vec<RawFos>,
    #[serde(default)]
    dry_stack_drain: Vec<RawDrain>,
    #[serde(default)]
    legacy_fos_multiplier: Vec<RawLegacy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    standard: String,
    lookup_order: Vec<String>,
}

#[derive(Deserialize)]
struct RawStorageBand {
    #[serde(flatten)]
    src: RawSourceKeys,
    grade: u8,
    from_1e4m3: Option<f64>,
    below_1e4m3: Option<f64>,
}

#[derive(Deserialize)]
struct RawHeightBand {
    #[serde(flatten)]
    src: RawSourceKeys,
    grade: u8,
    from_m: Option<f64>,
    below_m: Option<f64>,
}

#[derive(Deserialize)]
struct RawFlood {
    #[serde(flatten)]
    src: RawSourceKeys,
    period: Period,
    grade: u8,
    years: [f64; 2],
    #[serde(default)]
    pmf_alternative: bool,
}

#[derive(Deserialize)]
struct RawClassValue {
    #[serde(flatten)]
    src: RawSourceKeys,
    dam_type: DamTable,
    classes: Vec<u8>,
    value_m: f64,
}

#[derive(Deserialize)]
struct RawReduction {
    #[serde(flatten)]
    src: RawSourceKeys,
    classes: Vec<u8>,
    max_fraction: f64,
}

#[derive(Deserialize)]
struct RawFos {
    #[serde(flatten)]
    src: RawSourceKeys,
    method: StabilityMethod,
    case: LoadCase,
    values_by_class: [f64; 5],
}

#[derive(Deserialize)]
struct RawDrain {
    #[serde(flatten)]
    src: RawSourceKeys,
    max_hours: f64,
}

#[derive(Deserialize)]
struct RawLegacy {
    #[serde(flatten)]
    src: RawSourceKeys,
    class: LegacyClass,
    multiplier: f64,
}

/// Provenance keys shared by every row. `#[serde(flatten)]` cannot be combined with
/// `deny_unknown_fields`, so keys the row does not know are collected here and rejected in
/// validation.
#[derive(Deserialize)]
struct RawSourceKeys {
    standard: String,
    clause: String,
    confidence: Confidence,
    #[serde(default)]
    note: String,
    #[serde(flatten)]
    unknown: std::collections::BTreeMap<String, toml::Value>,
}

// ------------------------------------------------------------------------------------------------
// Validated layer.

/// One grade band of one quantity (SI: m³ or m). `from` inclusive, `below` exclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeBand {
    pub grade: Grade,
    pub from: Option<f64>,
    pub below: Option<f64>,
    pub source: Source,
}

impl GradeBand {
    fn contains(&self, x: f64) -> bool {
        self.from.is_none_or(|lo| x >= lo) && self.below.is_none_or(|hi| x < hi)
    }
}

#[derive(Debug, Clone, PartialEq)]
struct FloodRow {
    period: Period,
    grade: Grade,
    range: ReturnPeriodRange,
    source: Source,
}

#[derive(Debug, Clone, PartialEq)]
struct ClassRow {
    dam: DamTable,
    class: Grade,
    value: f64,
    source: Source,
}

#[derive(Debug, Clone, PartialEq)]
struct ReductionRow {
    classes: Vec<Grade>,
    max_fraction: f64,
    source: Source,
}

#[derive(Debug, Clone, PartialEq)]
struct FosRow {
    method: StabilityMethod,
    case: LoadCase,
    by_class: [f64; 5],
    source: Source,
}

#[derive(Debug, Clone, PartialEq)]
struct ScalarRow<K> {
    key: K,
    value: f64,
    source: Source,
}

/// All limit tables, validated, with each edition's lookup order.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitTables {
    lookup: Vec<(Edition, Vec<Standard>)>,
    grade_storage: Vec<GradeBand>,
    grade_height: Vec<GradeBand>,
    design_flood: Vec<FloodRow>,
    min_freeboard: Vec<ClassRow>,
    min_beach: Vec<ClassRow>,
    beach_reduction: Vec<ReductionRow>,
    min_fos: Vec<FosRow>,
    drain: Vec<ScalarRow<()>>,
    legacy: Vec<ScalarRow<LegacyClass>>,
}

fn parse_standard(
    table: &'static str,
    index: usize,
    name: &str,
) -> Result<Standard, LimitDataError> {
    let known = [
        Standard::Gb39496_2020,
        Standard::Gb50863_2013,
        Standard::Aq2006_2005,
        Standard::Gb51108_2015,
        Standard::Zbj1_90,
    ];
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    known
        .into_iter()
        .find(|s| s.code().replace(' ', "").eq_ignore_ascii_case(&compact))
        .ok_or_else(|| LimitDataError::UnknownStandard { table, index, name: name.to_string() })
}

fn source(table: &'static str, index: usize, raw: RawSourceKeys) -> Result<Source, LimitDataError> {
    if let Some(key) = raw.unknown.keys().next() {
        return Err(LimitDataError::InvalidRow {
            table,
            index,
            reason: format!("unknown key {key:?}"),
        });
    }
    if raw.confidence == Confidence::Site {
        return Err(LimitDataError::InvalidRow {
            table,
            index,
            reason: "confidence \"site\" is reserved for scenario [limits] overrides".into(),
        });
    }
    Ok(Source {
        standard: parse_standard(table, index, &raw.standard)?,
        clause: raw.clause,
        confidence: raw.confidence,
        note: raw.note,
        fallback: false,
    })
}

fn invalid(table: &'static str, index: usize, reason: String) -> LimitDataError {
    LimitDataError::InvalidRow { table, index, reason }
}

fn grade(table: &'static str, index: usize, n: u8) -> Result<Grade, LimitDataError> {
    Grade::new(n).map_err(|_| invalid(table, index, format!("grade/class {n} is not 1–5")))
}

fn positive(table: &'static str, index: usize, what: &str, x: f64) -> Result<f64, LimitDataError> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(invalid(table, index, format!("{what} must be positive and finite, got {x}")))
    }
}

/// Bands of one standard must tile [0, ∞): sorted from grade 5 upwards, each `from` equal to the
/// previous `below`, the lowest open below and the highest open above.
fn check_bands(table: &'static str, bands: &[GradeBand]) -> Result<(), LimitDataError> {
    let mut standards: Vec<Standard> = Vec::new();
    for b in bands {
        if !standards.contains(&b.source.standard) {
            standards.push(b.source.standard);
        }
    }
    for std in standards {
        let mut rows: Vec<&GradeBand> = bands.iter().filter(|b| b.source.standard == std).collect();
        rows.sort_by_key(|b| std::cmp::Reverse(b.grade));
        let fail = |reason: String| LimitDataError::InvalidTable {
            table,
            standard: std.code().to_string(),
            reason,
        };
        if rows.windows(2).any(|w| w[0].grade == w[1].grade) {
            return Err(fail("lists a grade twice".into()));
        }
        if rows[0].from.is_some_and(|lo| lo > 0.0) {
            return Err(fail(format!("leaves values below grade {} unclassified", rows[0].grade)));
        }
        if rows[rows.len() - 1].below.is_some() {
            return Err(fail("its most important grade must be open above".into()));
        }
        for w in rows.windows(2) {
            if w[0].below.is_none() || w[0].below != w[1].from {
                return Err(fail(format!(
                    "grade {} ends at {:?} but grade {} starts at {:?}",
                    w[0].grade, w[0].below, w[1].grade, w[1].from
                )));
            }
        }
        for b in &rows {
            if let (Some(lo), Some(hi)) = (b.from, b.below)
                && lo >= hi
            {
                return Err(fail(format!("grade {} band is empty ({lo} to {hi})", b.grade)));
            }
        }
    }
    Ok(())
}

fn dup_check<K: PartialEq>(
    table: &'static str,
    keys: &[(Standard, K)],
) -> Result<(), LimitDataError> {
    for (i, a) in keys.iter().enumerate() {
        if keys[..i].contains(a) {
            return Err(invalid(table, i, format!("duplicates an earlier {} row", a.0.code())));
        }
    }
    Ok(())
}

impl LimitTables {
    /// The embedded tables, parsed once.
    pub fn builtin() -> &'static LimitTables {
        static TABLES: OnceLock<LimitTables> = OnceLock::new();
        TABLES.get_or_init(|| {
            LimitTables::from_toml_str(BUILTIN_LIMITS_TOML)
                .unwrap_or_else(|e| panic!("embedded data/limits.toml is invalid: {e}"))
        })
    }

    /// Parses and validates a limit table in the schema of `data/limits.toml`.
    pub fn from_toml_str(text: &str) -> Result<LimitTables, LimitDataError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|e| LimitDataError::Parse(e.to_string()))?;
        if raw.schema != SCHEMA {
            return Err(LimitDataError::Schema { found: raw.schema, expected: SCHEMA });
        }

        let mut lookup = Vec::new();
        for (i, e) in raw.edition.into_iter().enumerate() {
            let edition: Edition = e.standard.parse().map_err(|_| {
                invalid("edition", i, format!("{:?} is not a selectable edition", e.standard))
            })?;
            let order = e
                .lookup_order
                .iter()
                .map(|s| parse_standard("edition", i, s))
                .collect::<Result<Vec<_>, _>>()?;
            if order.first() != Some(&edition.standard()) {
                return Err(invalid(
                    "edition",
                    i,
                    "lookup_order must start with the edition".into(),
                ));
            }
            if lookup.iter().any(|(x, _)| *x == edition) {
                return Err(invalid("edition", i, format!("{edition} is listed twice")));
            }
            lookup.push((edition, order));
        }
        for e in Edition::ALL {
            if !lookup.iter().any(|(x, _)| *x == e) {
                return Err(LimitDataError::MissingEdition(e.key().to_string()));
            }
        }

        let mut grade_storage = Vec::new();
        for (i, r) in raw.grade_storage.into_iter().enumerate() {
            let t = "grade_storage";
            let from = r.from_1e4m3.map(|x| positive(t, i, "from_1e4m3", x)).transpose()?;
            let below = r.below_1e4m3.map(|x| positive(t, i, "below_1e4m3", x)).transpose()?;
            grade_storage.push(GradeBand {
                grade: grade(t, i, r.grade)?,
                from: from.map(|x| x * STORAGE_UNIT_M3),
                below: below.map(|x| x * STORAGE_UNIT_M3),
                source: source(t, i, r.src)?,
            });
        }
        check_bands("grade_storage", &grade_storage)?;

        let mut grade_height = Vec::new();
        for (i, r) in raw.grade_height.into_iter().enumerate() {
            let t = "grade_height";
            grade_height.push(GradeBand {
                grade: grade(t, i, r.grade)?,
                from: r.from_m.map(|x| positive(t, i, "from_m", x)).transpose()?,
                below: r.below_m.map(|x| positive(t, i, "below_m", x)).transpose()?,
                source: source(t, i, r.src)?,
            });
        }
        check_bands("grade_height", &grade_height)?;

        let mut design_flood = Vec::new();
        for (i, r) in raw.design_flood.into_iter().enumerate() {
            let t = "design_flood";
            let lower_years = positive(t, i, "years[0]", r.years[0])?;
            let upper_years = positive(t, i, "years[1]", r.years[1])?;
            if upper_years < lower_years {
                return Err(invalid(t, i, format!("years {:?} decrease", r.years)));
            }
            design_flood.push(FloodRow {
                period: r.period,
                grade: grade(t, i, r.grade)?,
                range: ReturnPeriodRange {
                    lower_years,
                    upper_years,
                    pmf_alternative: r.pmf_alternative,
                },
                source: source(t, i, r.src)?,
            });
        }
        let keys: Vec<_> =
            design_flood.iter().map(|r| (r.source.standard, (r.period, r.grade))).collect();
        dup_check("design_flood", &keys)?;

        let min_freeboard = class_rows("min_freeboard", raw.min_freeboard)?;
        let min_beach = class_rows("min_beach_length", raw.min_beach_length)?;

        let mut beach_reduction = Vec::new();
        for (i, r) in raw.beach_reduction.into_iter().enumerate() {
            let t = "beach_reduction";
            if !(r.max_fraction > 0.0 && r.max_fraction < 1.0) {
                return Err(invalid(
                    t,
                    i,
                    format!("max_fraction {} not in (0, 1)", r.max_fraction),
                ));
            }
            beach_reduction.push(ReductionRow {
                classes: r.classes.iter().map(|&c| grade(t, i, c)).collect::<Result<_, _>>()?,
                max_fraction: r.max_fraction,
                source: source(t, i, r.src)?,
            });
        }

        let mut min_fos = Vec::new();
        for (i, r) in raw.min_factor_of_safety.into_iter().enumerate() {
            let t = "min_factor_of_safety";
            for &v in &r.values_by_class {
                if !(v.is_finite() && v >= 1.0) {
                    return Err(invalid(
                        t,
                        i,
                        format!("factor of safety {v} is below 1 or not finite"),
                    ));
                }
            }
            min_fos.push(FosRow {
                method: r.method,
                case: r.case,
                by_class: r.values_by_class,
                source: source(t, i, r.src)?,
            });
        }
        let keys: Vec<_> =
            min_fos.iter().map(|r| (r.source.standard, (r.method, r.case))).collect();
        dup_check("min_factor_of_safety", &keys)?;

        let mut drain = Vec::new();
        for (i, r) in raw.dry_stack_drain.into_iter().enumerate() {
            let t = "dry_stack_drain";
            drain.push(ScalarRow {
                key: (),
                value: positive(t, i, "max_hours", r.max_hours)? * 3600.0,
                source: source(t, i, r.src)?,
            });
        }
        let keys: Vec<_> = drain.iter().map(|r| (r.source.standard, ())).collect();
        dup_check("dry_stack_drain", &keys)?;

        let mut legacy = Vec::new();
        for (i, r) in raw.legacy_fos_multiplier.into_iter().enumerate() {
            let t = "legacy_fos_multiplier";
            if !(r.multiplier > 0.0 && r.multiplier <= 1.0) {
                return Err(invalid(t, i, format!("multiplier {} not in (0, 1]", r.multiplier)));
            }
            legacy.push(ScalarRow {
                key: r.class,
                value: r.multiplier,
                source: source(t, i, r.src)?,
            });
        }

        Ok(LimitTables {
            lookup,
            grade_storage,
            grade_height,
            design_flood,
            min_freeboard,
            min_beach,
            beach_reduction,
            min_fos,
            drain,
            legacy,
        })
    }

    /// The standards searched for `edition`, in order.
    pub fn lookup_order(&self, edition: Edition) -> &[Standard] {
        self.lookup
            .iter()
            .find(|(e, _)| *e == edition)
            .map(|(_, order)| order.as_slice())
            .unwrap_or_else(|| panic!("validated tables lack edition {edition}"))
    }

    /// First row, in the edition's lookup order, that matches; the source is marked `fallback` when
    /// it comes from another standard than the edition's own.
    fn find<'a, R>(
        &self,
        edition: Edition,
        rows: &'a [R],
        source_of: impl Fn(&R) -> &Source,
        matches: impl Fn(&R) -> bool,
    ) -> Option<(&'a R, Source)> {
        self.lookup_order(edition).iter().find_map(|std| {
            rows.iter().find(|r| source_of(r).standard == *std && matches(r)).map(|r| {
                let mut src = source_of(r).clone();
                src.fallback = *std != edition.standard();
                (r, src)
            })
        })
    }

    fn not_tabulated(&self, edition: Edition, quantity: &'static str, key: String) -> RiskError {
        let searched: Vec<&str> = self.lookup_order(edition).iter().map(|s| s.code()).collect();
        RiskError::NotTabulated {
            quantity,
            key,
            edition: edition.to_string(),
            searched: searched.join(", "),
        }
    }

    fn band(
        &self,
        edition: Edition,
        bands: &[GradeBand],
        x: f64,
        quantity: &'static str,
    ) -> Result<Limit<GradeBand>, RiskError> {
        // The first standard in the lookup order that has bands at all decides (bands of different
        // standards are never mixed).
        let std = self
            .lookup_order(edition)
            .iter()
            .find(|s| bands.iter().any(|b| b.source.standard == **s))
            .ok_or_else(|| self.not_tabulated(edition, quantity, format!("value {x}")))?;
        let band = bands
            .iter()
            .find(|b| b.source.standard == *std && b.contains(x))
            .ok_or_else(|| self.not_tabulated(edition, quantity, format!("value {x}")))?;
        let mut source = band.source.clone();
        source.fallback = *std != edition.standard();
        Ok(Limit { value: band.clone(), source })
    }

    /// Grade band containing total storage `storage_m3` (m³).
    pub fn grade_by_storage(
        &self,
        edition: Edition,
        storage_m3: f64,
    ) -> Result<Limit<GradeBand>, RiskError> {
        self.band(edition, &self.grade_storage, storage_m3, "grade band by storage")
    }

    /// Grade band containing dam height `height_m` (m).
    pub fn grade_by_height(
        &self,
        edition: Edition,
        height_m: f64,
    ) -> Result<Limit<GradeBand>, RiskError> {
        self.band(edition, &self.grade_height, height_m, "grade band by dam height")
    }

    /// Required design-flood return period for a grade and operating period.
    pub fn design_flood(
        &self,
        edition: Edition,
        grade: Grade,
        period: Period,
    ) -> Result<Limit<ReturnPeriodRange>, RiskError> {
        self.find(
            edition,
            &self.design_flood,
            |r| &r.source,
            |r| r.grade == grade && r.period == period,
        )
        .map(|(r, source)| Limit { value: r.range, source })
        .ok_or_else(|| {
            self.not_tabulated(
                edition,
                "design flood return period",
                format!("grade {grade}, {}", period.label_en()),
            )
        })
    }

    fn class_value(
        &self,
        edition: Edition,
        rows: &[ClassRow],
        class: Grade,
        dam: DamTable,
        quantity: &'static str,
    ) -> Result<Limit<f64>, RiskError> {
        self.find(edition, rows, |r| &r.source, |r| r.class == class && r.dam == dam)
            .map(|(r, source)| Limit { value: r.value, source })
            .ok_or_else(|| self.not_tabulated(edition, quantity, format!("class {class}, {dam:?}")))
    }

    /// Minimum freeboard (m) at the design flood level.
    pub fn min_freeboard(
        &self,
        edition: Edition,
        class: Grade,
        dam: DamTable,
    ) -> Result<Limit<f64>, RiskError> {
        self.class_value(edition, &self.min_freeboard, class, dam, "minimum freeboard")
    }

    /// Minimum dry-beach length (m) at the design flood level.
    pub fn min_beach_length(
        &self,
        edition: Edition,
        class: Grade,
        dam: DamTable,
    ) -> Result<Limit<f64>, RiskError> {
        self.class_value(edition, &self.min_beach, class, dam, "minimum beach length")
    }

    /// Largest allowed fractional reduction of the minimum beach length for a class where seepage
    /// stability is demonstrated; `None` when the class may not reduce it.
    pub fn beach_reduction(&self, edition: Edition, class: Grade) -> Option<Limit<f64>> {
        self.find(edition, &self.beach_reduction, |r| &r.source, |r| r.classes.contains(&class))
            .map(|(r, source)| Limit { value: r.max_fraction, source })
    }

    /// Minimum slope factor of safety for a method, load case and dam class.
    pub fn min_factor_of_safety(
        &self,
        edition: Edition,
        class: Grade,
        method: StabilityMethod,
        case: LoadCase,
    ) -> Result<Limit<f64>, RiskError> {
        self.find(edition, &self.min_fos, |r| &r.source, |r| r.method == method && r.case == case)
            .map(|(r, source)| Limit { value: r.by_class[usize::from(class.number() - 1)], source })
            .ok_or_else(|| {
                self.not_tabulated(
                    edition,
                    "minimum factor of safety",
                    format!("{method:?}, {case:?}, class {class}"),
                )
            })
    }

    /// Longest time (s) a dry-stack pond may take to discharge a flood.
    pub fn dry_stack_max_drain_time(&self, edition: Edition) -> Result<Limit<f64>, RiskError> {
        self.find(edition, &self.drain, |r| &r.source, |_| true)
            .map(|(r, source)| Limit { value: r.value, source })
            .ok_or_else(|| self.not_tabulated(edition, "dry-stack drain time", "any pond".into()))
    }

    /// AQ 2006-2005 multiplier on the required factor of safety that defines a legacy class.
    /// Always read from AQ 2006-2005, whatever the edition (the classes exist only there).
    pub fn legacy_fos_multiplier(&self, class: LegacyClass) -> Result<Limit<f64>, RiskError> {
        self.find(Edition::Aq2006_2005, &self.legacy, |r| &r.source, |r| r.key == class)
            .map(|(r, source)| Limit { value: r.value, source })
            .ok_or_else(|| {
                self.not_tabulated(
                    Edition::Aq2006_2005,
                    "legacy FoS multiplier",
                    format!("{class:?}"),
                )
            })
    }
}

fn class_rows(
    table: &'static str,
    raw: Vec<RawClassValue>,
) -> Result<Vec<ClassRow>, LimitDataError> {
    let mut rows = Vec::new();
    for (i, r) in raw.into_iter().enumerate() {
        let value = positive(table, i, "value_m", r.value_m)?;
        let src = source(table, i, r.src)?;
        if r.classes.is_empty() {
            return Err(invalid(table, i, "classes is empty".into()));
        }
        for &c in &r.classes {
            rows.push(ClassRow {
                dam: r.dam_type,
                class: grade(table, i, c)?,
                value,
                source: src.clone(),
            });
        }
    }
    let keys: Vec<_> = rows.iter().map(|r| (r.source.standard, (r.dam, r.class))).collect();
    dup_check(table, &keys)?;
    Ok(rows)
}

#[cfg(test)]
#[path = "tables_tests.rs"]
mod tests;
