//! Where a slope factor of safety stands against the AQ 2006-2005 legacy safety classes (superseded:
//! GB 39496-2020 deleted 危库/险库/病库/正常库). Only the factor-of-safety criterion is computed
//! here; the classes also rest on inspection findings this crate does not see.
//!
//! 危库 (danger): FoS < 0.95 × required; 险库 (risk): FoS < 0.98 × required (secondary source).
//! The band 0.98 × required ≤ FoS < required fits no class explicitly; it is reported as "below
//! the minimum" (at least 病库), as shared/reference/standards.md §7 advises.

use serde::{Deserialize, Serialize};

use crate::error::RiskError;
use crate::source::Limit;
use crate::tables::LimitTables;
use crate::types::LegacyClass;

/// Standing of a factor of safety under the AQ 2006-2005 criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyFosStanding {
    /// FoS < 0.95 × required: 危库.
    Danger,
    /// 0.95 × required ≤ FoS < 0.98 × required: 险库.
    Risk,
    /// 0.98 × required ≤ FoS < required: no class named by the code; at least 病库.
    BelowMinimum,
    /// FoS ≥ required.
    MeetsMinimum,
}

impl LegacyFosStanding {
    pub fn label(self) -> &'static str {
        match self {
            LegacyFosStanding::Danger => "危库 / danger",
            LegacyFosStanding::Risk => "险库 / risk",
            LegacyFosStanding::BelowMinimum => {
                "低于最小值（至少病库）/ below minimum (at least 病库)"
            }
            LegacyFosStanding::MeetsMinimum => "满足最小值 / meets minimum",
        }
    }
}

/// Classifies `fos` against `required` with the AQ 2006-2005 multipliers of `tables`; returns the
/// standing and the two multipliers used (danger, risk).
pub fn legacy_fos_standing(
    tables: &LimitTables,
    fos: f64,
    required: f64,
) -> Result<(LegacyFosStanding, Limit<f64>, Limit<f64>), RiskError> {
    if !(fos.is_finite() && fos > 0.0) {
        return Err(RiskError::InvalidInput {
            field: "factor_of_safety",
            value: fos,
            requirement: "must be positive and finite",
        });
    }
    if !(required.is_finite() && required >= 1.0) {
        return Err(RiskError::InvalidInput {
            field: "required_factor_of_safety",
            value: required,
            requirement: "must be finite and at least 1",
        });
    }
    let danger = tables.legacy_fos_multiplier(LegacyClass::Danger)?;
    let risk = tables.legacy_fos_multiplier(LegacyClass::Risk)?;
    let standing = if fos < danger.value * required {
        LegacyFosStanding::Danger
    } else if fos < risk.value * required {
        LegacyFosStanding::Risk
    } else if fos < required {
        LegacyFosStanding::BelowMinimum
    } else {
        LegacyFosStanding::MeetsMinimum
    };
    Ok((standing, danger, risk))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the class boundaries sit at 0.95 and 0.98 × required, lower bounds inclusive (the code
    // says "less than"). Setup: required 1.20 → boundaries 1.14 and 1.176. Tolerance: exact; the
    // probes sit 1e-9 either side of each boundary.
    #[test]
    fn legacy_classes_split_at_95_and_98_percent_of_required() {
        let t = LimitTables::builtin();
        let standing = |f: f64| legacy_fos_standing(t, f, 1.20).unwrap().0;
        assert_eq!(standing(1.14 - 1e-9), LegacyFosStanding::Danger);
        assert_eq!(standing(1.14 + 1e-9), LegacyFosStanding::Risk);
        assert_eq!(standing(1.176 - 1e-9), LegacyFosStanding::Risk);
        assert_eq!(standing(1.176 + 1e-9), LegacyFosStanding::BelowMinimum);
        assert_eq!(standing(1.20 - 1e-9), LegacyFosStanding::BelowMinimum);
        assert_eq!(standing(1.20), LegacyFosStanding::MeetsMinimum);
        assert!(matches!(
            legacy_fos_standing(t, f64::NAN, 1.2),
            Err(RiskError::InvalidInput { field: "factor_of_safety", .. })
        ));
        assert!(matches!(
            legacy_fos_standing(t, 1.1, 0.9),
            Err(RiskError::InvalidInput { field: "required_factor_of_safety", .. })
        ));
    }
}
