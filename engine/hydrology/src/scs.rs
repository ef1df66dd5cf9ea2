//! SCS curve-number losses and the SCS dimensionless unit hydrograph (NEH-630 ch. 10 and 16).

use crate::error::{HydrologyError, check_closed, check_positive};
use serde::{Deserialize, Serialize};

/// Antecedent moisture condition (前期土壤湿度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Amc {
    /// Dry.
    I,
    /// Average: the condition the CN tables give.
    #[default]
    II,
    /// Wet.
    III,
}

/// How the catchment's time of concentration is found.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfConcentration {
    /// Given, s.
    Given { seconds: f64 },
    /// Kirpich (1940) from the main channel length and slope (see [`kirpich_tc_s`]).
    #[default]
    Kirpich,
}

/// SCS-CN loss and unit-hydrograph settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScsCnSettings {
    /// Curve number for AMC II, in (0, 100].
    pub curve_number: f64,
    /// Antecedent moisture condition (default II: CN used as given).
    pub amc: Amc,
    /// Initial-abstraction ratio λ in I_a = λS (default 0.2; 0.05 is the modern alternative).
    pub initial_abstraction_ratio: f64,
    /// Directly connected impervious fraction of the catchment, [0, 1] (default 0): its rain is
    /// all excess.
    pub impervious_fraction: f64,
    /// Time of concentration (default Kirpich).
    pub time_of_concentration: TimeOfConcentration,
    /// Computation steps per hyetograph interval (default `None`: the fewest that give
    /// Δt ≤ 0.2 T_p, NEH-630 ch. 16's recommended step).
    pub subdivisions: Option<u32>,
}

impl ScsCnSettings {
    /// Defaults with the given AMC II curve number.
    pub fn new(curve_number: f64) -> Self {
        Self {
            curve_number,
            amc: Amc::II,
            initial_abstraction_ratio: 0.2,
            impervious_fraction: 0.0,
            time_of_concentration: TimeOfConcentration::Kirpich,
            subdivisions: None,
        }
    }
}

/// Converts an AMC II curve number to another condition (Chow, Maidment & Mays 1988, eqs.
/// 5.5.4–5.5.5): CN(I) = 4.2 CN / (10 − 0.058 CN), CN(III) = 23 CN / (10 + 0.13 CN).
pub fn convert_curve_number(cn_ii: f64, amc: Amc) -> Result<f64, HydrologyError> {
    check_curve_number(cn_ii)?;
    Ok(match amc {
        Amc::I => 4.2 * cn_ii / (10.0 - 0.058 * cn_ii),
        Amc::II => cn_ii,
        Amc::III => 23.0 * cn_ii / (10.0 + 0.13 * cn_ii),
    })
}

fn check_curve_number(cn: f64) -> Result<f64, HydrologyError> {
    if cn.is_finite() && cn > 0.0 && cn <= 100.0 {
        Ok(cn)
    } else {
        Err(HydrologyError::OutOfRange { what: "curve number", value: cn, range: "(0, 100]" })
    }
}

/// Potential maximum retention S = 25400/CN − 254, mm.
pub fn potential_retention_mm(cn: f64) -> f64 {
    25400.0 / cn - 254.0
}

/// Cumulative direct runoff Q = (P − I_a)² / (P − I_a + S) for P > I_a, else 0 (mm).
pub fn cumulative_runoff_mm(rain_mm: f64, retention_mm: f64, initial_abstraction_mm: f64) -> f64 {
    let effective = rain_mm - initial_abstraction_mm;
    if effective <= 0.0 {
        return 0.0;
    }
    effective * effective / (effective + retention_mm)
}

/// Kirpich (1940) time of concentration, s: t_c = 0.0195 L^0.77 S^−0.385 min (L in m, S in m/m;
/// SI form from Chow, Maidment & Mays 1988, table 15.1.2). Developed on small agricultural
/// catchments in Tennessee (channel slopes 3–10 %); for overland flow on bare soil or in
/// urban settings practice multiplies it by 0.4–2, which the user may do via
/// [`TimeOfConcentration::Given`].
pub fn kirpich_tc_s(channel_length_m: f64, channel_slope: f64) -> Result<f64, HydrologyError> {
    check_positive("channel length (m)", channel_length_m)?;
    check_closed("channel slope", channel_slope, 1e-6, 10.0, "[1e-6, 10]")?;
    Ok(60.0 * 0.0195 * channel_length_m.powf(0.77) * channel_slope.powf(-0.385))
}

/// SCS dimensionless unit hydrograph q/q_p against t/T_p (NEH-630 ch. 16, table 16-1).
pub const SCS_DIMENSIONLESS_UH: [(f64, f64); 33] = [
    (0.0, 0.000),
    (0.1, 0.030),
    (0.2, 0.100),
    (0.3, 0.190),
    (0.4, 0.310),
    (0.5, 0.470),
    (0.6, 0.660),
    (0.7, 0.820),
    (0.8, 0.930),
    (0.9, 0.990),
    (1.0, 1.000),
    (1.1, 0.990),
    (1.2, 0.930),
    (1.3, 0.860),
    (1.4, 0.780),
    (1.5, 0.680),
    (1.6, 0.560),
    (1.7, 0.460),
    (1.8, 0.390),
    (1.9, 0.330),
    (2.0, 0.280),
    (2.2, 0.207),
    (2.4, 0.147),
    (2.6, 0.107),
    (2.8, 0.077),
    (3.0, 0.055),
    (3.2, 0.040),
    (3.4, 0.029),
    (3.6, 0.021),
    (3.8, 0.015),
    (4.0, 0.011),
    (4.5, 0.005),
    (5.0, 0.000),
];

/// Area under the piecewise-linear table, in units of q_p·T_p (1.33595; 4/3 for PRF 484).
pub fn dimensionless_uh_area() -> f64 {
    SCS_DIMENSIONLESS_UH.windows(2).map(|w| 0.5 * (w[0].1 + w[1].1) * (w[1].0 - w[0].0)).sum()
}

/// A unit hydrograph sampled every `step_s`: flow per mm of excess, m³/s/mm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitHydrograph {
    pub step_s: f64,
    /// Time to peak T_p = Δt/2 + lag, s.
    pub time_to_peak_s: f64,
    /// Peak q_p, m³/s per mm.
    pub peak_m3s_per_mm: f64,
    /// Ordinates at 0, Δt, 2Δt, … (first and last zero).
    pub ordinates: Vec<f64>,
    /// 100·(Δt·Σ U − V₁)/V₁ with V₁ the volume of 1 mm over the area: the sampling error.
    pub volume_error_pct: f64,
}

/// Samples the SCS unit hydrograph for `area_m2`, `lag_s` and step `step_s`.
///
/// The table is taken as a piecewise-linear curve and its peak set so that the curve holds
/// exactly 1 mm over the area: q_p = A·10⁻³ / (T_p·a) with a = [`dimensionless_uh_area`]. This is
/// peak rate factor 645.33/a = 483.1 in US units (484 nominal; the table as printed holds 0.2 %
/// more than the 484 triangle). Sampling at Δt then leaves a volume error that falls with Δt.
pub fn scs_unit_hydrograph(area_m2: f64, lag_s: f64, step_s: f64) -> UnitHydrograph {
    let time_to_peak_s = step_s / 2.0 + lag_s;
    let unit_volume_m3 = area_m2 * 1e-3;
    let peak = unit_volume_m3 / (time_to_peak_s * dimensionless_uh_area());
    let end = SCS_DIMENSIONLESS_UH[SCS_DIMENSIONLESS_UH.len() - 1].0;
    let mut ordinates = Vec::new();
    let mut i = 0usize;
    loop {
        let x = i as f64 * step_s / time_to_peak_s;
        ordinates.push(peak * crate::patterns::interpolate(&SCS_DIMENSIONLESS_UH, x));
        if x >= end {
            break;
        }
        i += 1;
    }
    let sampled: f64 = ordinates.iter().sum::<f64>() * step_s;
    UnitHydrograph {
        step_s,
        time_to_peak_s,
        peak_m3s_per_mm: peak,
        ordinates,
        volume_error_pct: 100.0 * (sampled - unit_volume_m3) / unit_volume_m3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: SCS-CN runoff depth by hand. Setup: P = 150 mm, CN = 78, λ = 0.2.
    // Hand: S = 25400/78 − 254 = 325.6410 − 254 = 71.6410 mm; I_a = 0.2·71.6410 = 14.3282 mm;
    // P − I_a = 135.6718; Q = 135.6718² / (135.6718 + 71.6410) = 18406.84 / 207.3128 = 88.788 mm.
    // Tolerance 1e-3 mm: the hand arithmetic is carried to 6–7 figures.
    #[test]
    fn scs_runoff_depth_matches_hand_calculation() {
        let s = potential_retention_mm(78.0);
        assert!((s - 71.6410).abs() < 1e-4);
        let q = cumulative_runoff_mm(150.0, s, 0.2 * s);
        assert!((q - 88.788).abs() < 1e-3, "{q}");
        assert_eq!(cumulative_runoff_mm(10.0, s, 0.2 * s), 0.0);
    }

    // Goal: AMC conversions by hand (Chow et al. 1988 eqs. 5.5.4–5.5.5), CN(II) = 78:
    // CN(I) = 4.2·78/(10 − 0.058·78) = 327.6/5.476 = 59.825; CN(III) = 23·78/(10 + 0.13·78) =
    // 1794/20.14 = 89.076. Tolerance 1e-3 (hand figures to 5 significant digits).
    #[test]
    fn amc_conversions_match_hand_calculation() {
        assert!((convert_curve_number(78.0, Amc::I).unwrap() - 59.825).abs() < 1e-3);
        assert!((convert_curve_number(78.0, Amc::III).unwrap() - 89.076).abs() < 1e-3);
        assert_eq!(convert_curve_number(78.0, Amc::II).unwrap(), 78.0);
        // CN = 100 stays impervious under both conversions.
        assert!((convert_curve_number(100.0, Amc::I).unwrap() - 100.0).abs() < 1e-12);
        assert!((convert_curve_number(100.0, Amc::III).unwrap() - 100.0).abs() < 1e-12);
        for bad in [0.0, -5.0, 100.5, f64::NAN] {
            assert!(matches!(
                convert_curve_number(bad, Amc::II),
                Err(HydrologyError::OutOfRange { what: "curve number", .. })
            ));
        }
    }

    // Goal: Kirpich in SI by hand: L = 2600 m, S = 0.045: 2600^0.77 = e^(0.77·7.863267) =
    // 426.12; 0.045^−0.385 = e^(0.385·3.101093) = 3.3000; t_c = 0.0195·426.12·3.3000 = 27.42 min.
    // Tolerance 0.01 min (hand rounding of the powers to 5 figures).
    #[test]
    fn kirpich_time_matches_hand_calculation() {
        let tc_min = kirpich_tc_s(2600.0, 0.045).unwrap() / 60.0;
        assert!((tc_min - 27.42).abs() < 0.01, "{tc_min}");
        assert!(kirpich_tc_s(-1.0, 0.04).is_err());
        assert!(kirpich_tc_s(2600.0, 0.0).is_err());
    }

    // Goal: the dimensionless table is consistent with its peak rate factor. Reference: PRF 484
    // ⇔ area 4/3 in q_p·T_p units (NEH-630 ch. 16 eq. 16-5 with 645.33 = 1 in·mi²/h in cfs).
    // The printed table's trapezoid area is 1.33595; tolerance 0.25 % (the table's 2–3 digit
    // rounding of 33 ordinates).
    #[test]
    fn dimensionless_uh_area_is_that_of_peak_rate_factor_484() {
        let a = dimensionless_uh_area();
        assert!((a - 1.33595).abs() < 1e-5, "{a}");
        assert!((a / (4.0 / 3.0) - 1.0).abs() < 2.5e-3);
    }
}
