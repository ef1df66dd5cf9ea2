//! The limits of one scenario: an edition's tables plus the scenario's `[limits]` overrides.
//! An override always wins and is reported as a site value (`Standard::Site`, `Confidence::Site`).

use serde::{Deserialize, Serialize};

use crate::error::RiskError;
use crate::source::{Limit, ReturnPeriodRange, Source};
use crate::tables::LimitTables;
use crate::types::{DamType, Edition, Grade, LoadCase, Period, StabilityMethod};

/// A site value for one minimum factor of safety.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FosOverride {
    pub method: StabilityMethod,
    pub case: LoadCase,
    pub min_factor_of_safety: f64,
}

/// Per-scenario overrides of tabulated limits (the scenario's `[limits]`), SI units. Each field
/// left `None` uses the edition's table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitOverrides {
    /// Grade (等别) 1–5 set by the design approval; replaces the storage/height rule.
    pub grade: Option<u8>,
    /// Required design-flood return period, years (a single value: the design basis).
    pub design_return_period_years: Option<f64>,
    /// Minimum freeboard at the design flood level, m.
    pub min_freeboard_m: Option<f64>,
    /// Minimum dry-beach length at the design flood level, m.
    pub min_beach_length_m: Option<f64>,
    /// Longest time a dry-stack pond may take to discharge a flood, s.
    pub max_drain_time_s: Option<f64>,
    /// Minimum slope factors of safety for given method and load case.
    #[serde(default)]
    pub min_factor_of_safety: Vec<FosOverride>,
}

fn positive_override(field: &'static str, value: Option<f64>) -> Result<(), RiskError> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0) => Err(RiskError::BadOverride {
            field,
            value: v,
            requirement: "must be positive and finite",
        }),
        _ => Ok(()),
    }
}

impl LimitOverrides {
    /// Checks every override is usable: positive finite values, grade 1–5, FoS ≥ 1.
    pub fn validate(&self) -> Result<(), RiskError> {
        if let Some(g) = self.grade
            && Grade::new(g).is_err()
        {
            return Err(RiskError::BadOverride {
                field: "grade",
                value: f64::from(g),
                requirement: "must be 1 (一) to 5 (五)",
            });
        }
        positive_override("design_return_period_years", self.design_return_period_years)?;
        positive_override("min_freeboard_m", self.min_freeboard_m)?;
        positive_override("min_beach_length_m", self.min_beach_length_m)?;
        positive_override("max_drain_time_s", self.max_drain_time_s)?;
        for f in &self.min_factor_of_safety {
            if !(f.min_factor_of_safety.is_finite() && f.min_factor_of_safety >= 1.0) {
                return Err(RiskError::BadOverride {
                    field: "min_factor_of_safety",
                    value: f.min_factor_of_safety,
                    requirement: "must be finite and at least 1",
                });
            }
        }
        Ok(())
    }
}

/// The limits that apply to one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitSet<'t> {
    tables: &'t LimitTables,
    edition: Edition,
    overrides: LimitOverrides,
}

impl LimitSet<'static> {
    /// The built-in tables for `edition`, with `overrides` (validated here).
    pub fn new(edition: Edition, overrides: LimitOverrides) -> Result<Self, RiskError> {
        LimitSet::with_tables(LimitTables::builtin(), edition, overrides)
    }
}

impl<'t> LimitSet<'t> {
    /// Own tables (e.g. a site's limit file) for `edition`, with `overrides` (validated here).
    pub fn with_tables(
        tables: &'t LimitTables,
        edition: Edition,
        overrides: LimitOverrides,
    ) -> Result<Self, RiskError> {
        overrides.validate()?;
        Ok(LimitSet { tables, edition, overrides })
    }

    pub fn edition(&self) -> Edition {
        self.edition
    }

    pub fn tables(&self) -> &'t LimitTables {
        self.tables
    }

    pub fn overrides(&self) -> &LimitOverrides {
        &self.overrides
    }

    /// The grade set in `[limits]`, if any.
    pub fn grade_override(&self) -> Option<Limit<Grade>> {
        self.overrides.grade.map(|g| Limit {
            value: Grade::new(g).unwrap_or_else(|e| panic!("validated override: {e}")),
            source: Source::site("grade"),
        })
    }

    /// Required design-flood return period for a grade and period.
    pub fn design_flood(
        &self,
        grade: Grade,
        period: Period,
    ) -> Result<Limit<ReturnPeriodRange>, RiskError> {
        match self.overrides.design_return_period_years {
            Some(t) => Ok(Limit {
                value: ReturnPeriodRange { lower_years: t, upper_years: t, pmf_alternative: false },
                source: Source::site("design_return_period_years"),
            }),
            None => self.tables.design_flood(self.edition, grade, period),
        }
    }

    /// Minimum freeboard (m) for a dam class and type.
    pub fn min_freeboard(&self, class: Grade, dam: DamType) -> Result<Limit<f64>, RiskError> {
        match self.overrides.min_freeboard_m {
            Some(v) => Ok(Limit { value: v, source: Source::site("min_freeboard_m") }),
            None => self.tables.min_freeboard(self.edition, class, dam.table()),
        }
    }

    /// Minimum dry-beach length (m) for a dam class and type, before any permitted reduction.
    pub fn min_beach_length(&self, class: Grade, dam: DamType) -> Result<Limit<f64>, RiskError> {
        match self.overrides.min_beach_length_m {
            Some(v) => Ok(Limit { value: v, source: Source::site("min_beach_length_m") }),
            None => self.tables.min_beach_length(self.edition, class, dam.table()),
        }
    }

    /// Largest permitted fractional reduction of the tabulated beach length for `class`.
    pub fn beach_reduction(&self, class: Grade) -> Option<Limit<f64>> {
        self.tables.beach_reduction(self.edition, class)
    }

    /// Longest drain time (s) of a dry-stack pond.
    pub fn dry_stack_max_drain_time(&self) -> Result<Limit<f64>, RiskError> {
        match self.overrides.max_drain_time_s {
            Some(v) => Ok(Limit { value: v, source: Source::site("max_drain_time_s") }),
            None => self.tables.dry_stack_max_drain_time(self.edition),
        }
    }

    /// Minimum slope factor of safety for a class, method and load case.
    pub fn min_factor_of_safety(
        &self,
        class: Grade,
        method: StabilityMethod,
        case: LoadCase,
    ) -> Result<Limit<f64>, RiskError> {
        let site = self
            .overrides
            .min_factor_of_safety
            .iter()
            .find(|f| f.method == method && f.case == case);
        match site {
            Some(f) => Ok(Limit {
                value: f.min_factor_of_safety,
                source: Source::site("min_factor_of_safety"),
            }),
            None => self.tables.min_factor_of_safety(self.edition, class, method, case),
        }
    }
}
