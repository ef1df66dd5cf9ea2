//! Calibration of model parameters from monitoring data (issue 7 item 2): the SCS curve number
//! (and optionally the initial-abstraction ratio) of the catchment from observed storms by
//! inverse water balance ([`runoff`]), and a conductivity parameter of a dam-section material
//! from piezometers ([`seepage`]). [`store`] reads the series from the twin's monitoring store,
//! writes each calibration to its `model_states` table with fit statistics and provenance, and
//! applies a saved state to a scenario ([`store::apply_state`], for nowcasts).
//!
//! Equations, assumptions and validity: [`runoff`] and [`seepage`] module docs.
//!
//! Verification (tests/calibrate.rs; tolerances derived in each test's header):
//! - `noise_free_levels_recover_the_curve_number`: seven model-made storms (CN 78, levels every
//!   60 s) → CN within 0.02 (observed 78.007), stage NSE > 0.9999; CN and λ together within
//!   0.05 / 0.01.
//! - `noisy_levels_recover_the_curve_number_within_the_noise`: 5 mm level noise (seeded) → CN
//!   within 4 standard errors derived from the noise (observed 77.96, SE 0.10), reported SE
//!   consistent.
//! - `piezometers_recover_the_anisotropy_ratio`: model-made piezometer levels (k_x/k_y = 4) →
//!   ratio within 2·10⁻³ in ln r noise-free (observed 3.99993), within 4 derived SE with 2 cm
//!   noise (observed 3.995).
//! - `a_metered_pumped_outflow_is_part_of_the_balance`: 0.05 m³/s pumped → CN 78.007 with the
//!   meter, 74.8 (stage NSE 0.989) without.
//! - `too_little_data_and_bad_settings_fail_clearly`, and the command line on store data
//!   (`calibrate_command_fits_the_store_data_and_saves_the_state`,
//!   `calibrate_command_recovers_the_demo_sections_anisotropy`: exit 2 on an unknown sensor, an
//!   empty window, a missing material, a piezometer without station).
//!   The saved states are applied back to a scenario with [`store::apply_state`] (checked in
//!   both command tests).
//! - Unit tests: the minimisers ([`optimize`]) and the t quantile.

pub mod optimize;
pub mod runoff;
pub mod seepage;
pub mod store;

pub use runoff::{RunoffCalibration, RunoffObservations, RunoffSettings, calibrate_runoff};
pub use seepage::{
    Piezometer, SeepageCalibration, SeepageCalibrationSettings, SeepageParameter, calibrate_seepage,
};

use crate::PipelineError;
use thiserror::Error;

/// Why a calibration failed.
#[derive(Debug, Error)]
pub enum CalibrationError {
    /// A setting, a sensor or the scenario does not allow the calibration.
    #[error("{what}: {message}")]
    BadInput { what: String, message: String },
    /// Not enough data in the window (no level readings, no usable storm, …).
    #[error("too little data: {0}")]
    TooLittleData(String),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error(transparent)]
    Store(#[from] tailtwin_twin::TwinError),
    /// A model evaluation failed (routing, seepage solve).
    #[error("{0}")]
    Model(String),
}

impl CalibrationError {
    /// True when the inputs caused the failure (the CLI exits 2).
    pub fn is_input_error(&self) -> bool {
        use tailtwin_twin::TwinError as T;
        match self {
            CalibrationError::BadInput { .. } | CalibrationError::TooLittleData(_) => true,
            CalibrationError::Pipeline(e) => e.is_input_error(),
            CalibrationError::Store(e) => matches!(
                e,
                T::UnknownPond(_)
                    | T::UnknownSensor(_)
                    | T::InvalidInput { .. }
                    | T::Io { .. }
                    | T::NotInitialised
                    | T::SchemaTooNew { .. }
            ),
            CalibrationError::Model(_) => false,
        }
    }
}

/// Linear interpolation in (t, v) points sorted by t; ends held.
pub(crate) fn interp(v: &[(f64, f64)], t: f64) -> f64 {
    let i = v.partition_point(|p| p.0 < t);
    if i == 0 {
        return v[0].1;
    }
    if i == v.len() {
        return v[v.len() - 1].1;
    }
    let (a, b) = (v[i - 1], v[i]);
    if b.0 == a.0 {
        return b.1;
    }
    a.1 + (b.1 - a.1) * (t - a.0) / (b.0 - a.0)
}

/// The 97.5 % quantile of Student's t with `dof` degrees of freedom (NaN for dof < 1).
pub(crate) fn student_t_975(dof: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, dof).map(|d| d.inverse_cdf(0.975)).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    /// Goal: the t quantile used for the intervals matches tables. Setup: 1, 10 and 1000 degrees
    /// of freedom. Reference: 12.706, 2.228, 1.962 (standard t table). Tolerance: 10⁻³ (table
    /// rounding).
    #[test]
    fn student_t_quantiles_match_the_table() {
        for (dof, q) in [(1.0, 12.706), (10.0, 2.228), (1000.0, 1.962)] {
            assert!((super::student_t_975(dof) - q).abs() < 1e-3, "{dof}");
        }
        assert!(super::student_t_975(0.0).is_nan());
    }
}
