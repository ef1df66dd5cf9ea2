//! Scenario → risk inputs (pond facts, limit overrides) and the flood-season checks.

use crate::PipelineError;
use tailtwin_core::RoutedPond;
use tailtwin_risk::{
    Assessment, CheckSettings, DamType, Edition, LimitOverrides, LimitSet, Period, PondFacts,
    WaterRetaining, flood_season_checks,
};
use tailtwin_scenario::{self as sc, Scenario};

/// The risk crate's edition for the scenario's standard.
pub fn edition(s: &Scenario) -> Result<Edition, PipelineError> {
    match s.meta.standard {
        tailtwin_core::Standard::Gb39496_2020 => Ok(Edition::Gb39496_2020),
        tailtwin_core::Standard::Gb50863_2013 => Ok(Edition::Gb50863_2013),
        tailtwin_core::Standard::Aq2006_2005 => Ok(Edition::Aq2006_2005),
        other => Err(PipelineError::Unsupported(format!(
            "standard {other} cannot be selected as the edition of the checks"
        ))),
    }
}

/// What the checks need to know about the pond.
pub fn pond_facts(s: &Scenario, storm_end_s: Option<f64>) -> Result<PondFacts, PipelineError> {
    let p = tailtwin_scenario::build::pond_spec(s)?;
    // The codes tabulate upstream dams and downstream/centerline dams; a water-retaining dam is
    // measured from its crest like the latter and adds the §4.2.3 wave allowances.
    let dam_type = match p.dam_type {
        sc::DamType::Upstream => DamType::Upstream,
        sc::DamType::Downstream | sc::DamType::WaterRetaining => DamType::Downstream,
        sc::DamType::Centerline => DamType::Centerline,
    };
    let water_retaining = (p.dam_type == sc::DamType::WaterRetaining).then_some(WaterRetaining {
        crest_m: p.crest.m(),
        wind_setup_m: p.wind_setup_m,
        wave_runup_m: p.wave_runup_m,
    });
    Ok(PondFacts {
        total_storage_m3: p.total_storage_m3,
        dam_height_m: p.dam_height_m,
        dam_type,
        period: match s.meta.period {
            sc::OperatingPeriod::Initial => Period::Initial,
            sc::OperatingPeriod::MiddleLate => Period::MiddleLate,
        },
        dry_stack: p.dry_stack,
        water_retaining,
        severe_downstream: s.meta.severe_downstream,
        storm_return_period_years: s.storm.as_ref().and_then(|st| st.return_period_years()),
        use_upper_end_of_flood_range: s.meta.upper_end_of_range,
        storm_end_s,
        beach_reduction_fraction: 0.0,
    })
}

/// The scenario's `[limits]` as risk overrides.
pub fn overrides(s: &Scenario) -> LimitOverrides {
    let l = &s.limits;
    LimitOverrides {
        grade: l.grade,
        design_return_period_years: l.design_return_period_years,
        min_freeboard_m: l.min_freeboard_m,
        min_beach_length_m: l.min_beach_length_m,
        max_drain_time_s: l.max_drain_time_s,
        min_factor_of_safety: Vec::new(),
    }
}

/// Runs the flood-season checks on a routed flood.
pub fn assess(
    s: &Scenario,
    routed: &RoutedPond,
    storm_end_s: Option<f64>,
) -> Result<Assessment, PipelineError> {
    let limits = LimitSet::new(edition(s)?, overrides(s))?;
    let facts = pond_facts(s, storm_end_s)?;
    Ok(flood_season_checks(&facts, routed, &limits, &CheckSettings::default())?)
}
