//! Catchment inflow: rain on the catchment (the pond surface excluded) → inflow [`Hydrograph`].

use crate::depth_duration::{DepthDuration, StormCurve};
use crate::error::{HydrologyError, check_closed, check_positive};
use crate::patterns::{Pattern, default_interval_s, hyetograph_from_curve};
use crate::rational::{
    ConcentrationParameter, GeneralizedShape, Geometry, RationalPeak, RationalSettings,
    rational_peak,
};
use crate::scs::{
    ScsCnSettings, TimeOfConcentration, convert_curve_number, cumulative_runoff_mm, kirpich_tc_s,
    potential_retention_mm, scs_unit_hydrograph,
};
use serde::{Deserialize, Serialize};
use tailtwin_core::{Diagnostics, Hydrograph, Hyetograph};

/// The catchment draining into the pond, excluding the pond (and beach) surface itself.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Catchment {
    /// Plan area, m².
    pub area_m2: f64,
    /// Main channel length from the divide to the pond, m.
    pub channel_length_m: f64,
    /// Mean main-channel slope J, m/m.
    pub channel_slope: f64,
}

impl Catchment {
    fn validate(&self) -> Result<(), HydrologyError> {
        check_positive("catchment area (m²)", self.area_m2)?;
        check_positive("channel length (m)", self.channel_length_m)?;
        check_closed("channel slope", self.channel_slope, 1e-6, 10.0, "[1e-6, 10]")?;
        Ok(())
    }
}

/// How rain becomes inflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunoffMethod {
    /// SCS curve number losses + SCS dimensionless unit hydrograph.
    ScsCn(ScsCnSettings),
    /// IWHR rational formula (推理公式) peak + generalised hydrograph; needs the storm's curve.
    Rational(RationalSettings),
}

impl RunoffMethod {
    /// Stable label for reports and result files.
    pub fn label(&self) -> &'static str {
        match self {
            RunoffMethod::ScsCn(_) => "scs_cn_unit_hydrograph",
            RunoffMethod::Rational(_) => "iwhr_rational_formula",
        }
    }
}

/// A design storm: its depth–duration curve, pattern and hyetograph.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignStorm {
    pub curve: StormCurve,
    pub pattern: Pattern,
    pub duration_s: f64,
    pub hyetograph: Hyetograph,
}

/// Builds a design storm (`interval_s = None`: 5 min up to 6 h, 10 min beyond).
pub fn design_storm(
    depth: &DepthDuration,
    pattern: &Pattern,
    duration_s: f64,
    interval_s: Option<f64>,
) -> Result<DesignStorm, HydrologyError> {
    let curve = depth.resolve()?;
    let interval_s = interval_s.unwrap_or_else(|| default_interval_s(duration_s));
    let hyetograph = hyetograph_from_curve(&curve, pattern, duration_s, Some(interval_s))?;
    Ok(DesignStorm { curve, pattern: pattern.clone(), duration_s, hyetograph })
}

/// Method-specific results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InflowDetails {
    ScsCn {
        /// CN after the AMC conversion.
        curve_number_used: f64,
        retention_mm: f64,
        initial_abstraction_mm: f64,
        time_of_concentration_s: f64,
        lag_s: f64,
        time_to_peak_s: f64,
        computation_step_s: f64,
        /// Unit-hydrograph sampling error, % (see [`crate::scs::UnitHydrograph`]).
        unit_hydrograph_volume_error_pct: f64,
    },
    Rational {
        peak: RationalPeak,
        /// Flood volume W = 1000 R F, m³ (R the net rain of the hyetograph, F in km²).
        flood_volume_m3: f64,
        /// Start, peak and end of the generalised hydrograph, s.
        start_s: f64,
        peak_time_s: f64,
        end_s: f64,
    },
}

/// Catchment inflow and how it was obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatchmentInflow {
    /// Method label ([`RunoffMethod::label`]).
    pub method: String,
    pub hydrograph: Hydrograph,
    /// Rain on the computation grid, mm per interval.
    pub rain: Hyetograph,
    /// Losses per interval, mm.
    pub loss: Hyetograph,
    /// Excess (net rain) per interval, mm.
    pub excess: Hyetograph,
    /// Total excess depth over the catchment, mm.
    pub runoff_depth_mm: f64,
    /// Excess depth × area, m³.
    pub runoff_volume_m3: f64,
    /// Volume under the hydrograph, m³.
    pub hydrograph_volume_m3: f64,
    /// 100·(hydrograph − runoff volume)/runoff volume (0 when there is no runoff).
    pub volume_error_pct: f64,
    pub peak_flow_m3s: f64,
    pub peak_time_s: f64,
    pub details: InflowDetails,
    pub diagnostics: Diagnostics,
}

/// Inflow from a hyetograph alone (observed or design rain). The rational method needs the
/// storm's depth–duration curve: use [`design_inflow`] for it.
pub fn catchment_inflow(
    catchment: &Catchment,
    rain: &Hyetograph,
    method: &RunoffMethod,
) -> Result<CatchmentInflow, HydrologyError> {
    inflow(catchment, rain, None, method)
}

/// Inflow from a design storm (either method).
pub fn design_inflow(
    catchment: &Catchment,
    storm: &DesignStorm,
    method: &RunoffMethod,
) -> Result<CatchmentInflow, HydrologyError> {
    inflow(catchment, &storm.hyetograph, Some((&storm.curve, storm.duration_s)), method)
}

fn inflow(
    catchment: &Catchment,
    rain: &Hyetograph,
    curve: Option<(&StormCurve, f64)>,
    method: &RunoffMethod,
) -> Result<CatchmentInflow, HydrologyError> {
    catchment.validate()?;
    match method {
        RunoffMethod::ScsCn(settings) => scs_inflow(catchment, rain, settings),
        RunoffMethod::Rational(settings) => {
            let (curve, duration_s) =
                curve.filter(|(c, _)| c.is_curve()).ok_or(HydrologyError::RationalNeedsCurve)?;
            rational_inflow(catchment, rain, curve, duration_s, settings)
        }
    }
}

fn volume_error_pct(hydrograph_m3: f64, runoff_m3: f64) -> f64 {
    if runoff_m3 > 0.0 { 100.0 * (hydrograph_m3 - runoff_m3) / runoff_m3 } else { 0.0 }
}

fn scs_inflow(
    catchment: &Catchment,
    rain: &Hyetograph,
    settings: &ScsCnSettings,
) -> Result<CatchmentInflow, HydrologyError> {
    let cn = convert_curve_number(settings.curve_number, settings.amc)?;
    let lambda =
        check_closed("I_a ratio λ", settings.initial_abstraction_ratio, 0.0, 1.0, "[0, 1]")?;
    let impervious =
        check_closed("impervious fraction", settings.impervious_fraction, 0.0, 1.0, "[0, 1]")?;
    let tc_s = match settings.time_of_concentration {
        TimeOfConcentration::Given { seconds } => check_positive("t_c (s)", seconds)?,
        TimeOfConcentration::Kirpich => {
            kirpich_tc_s(catchment.channel_length_m, catchment.channel_slope)?
        }
    };
    let lag_s = 0.6 * tc_s;
    let retention = potential_retention_mm(cn);
    let ia = lambda * retention;
    // Δt ≤ 0.2 T_p with T_p = Δt/2 + lag  ⇔  Δt ≤ lag · 0.2/0.9.
    let subdivisions = match settings.subdivisions {
        Some(k) if k == 0 || k > 10_000 => {
            return Err(HydrologyError::OutOfRange {
                what: "subdivisions",
                value: f64::from(k),
                range: "[1, 10000]",
            });
        }
        Some(k) => k as usize,
        None => ((rain.interval_s() / (lag_s * 0.2 / 0.9)).ceil() as usize).clamp(1, 10_000),
    };
    let dt = rain.interval_s() / subdivisions as f64;
    let mut rain_steps = Vec::with_capacity(rain.depth_mm().len() * subdivisions);
    for &d in rain.depth_mm() {
        rain_steps.extend(std::iter::repeat_n(d / subdivisions as f64, subdivisions));
    }
    let (mut cumulative_rain, mut previous_excess) = (0.0, 0.0);
    let mut excess = Vec::with_capacity(rain_steps.len());
    let mut loss = Vec::with_capacity(rain_steps.len());
    for &p in &rain_steps {
        cumulative_rain += p;
        let cumulative_excess = (1.0 - impervious)
            * cumulative_runoff_mm(cumulative_rain, retention, ia)
            + impervious * cumulative_rain;
        let e = (cumulative_excess - previous_excess).clamp(0.0, p);
        previous_excess = cumulative_excess;
        excess.push(e);
        loss.push(p - e);
    }
    let uh = scs_unit_hydrograph(catchment.area_m2, lag_s, dt);
    let n_out = excess.len() + uh.ordinates.len() - 1;
    let mut flow = vec![0.0; n_out];
    for (j, &e) in excess.iter().enumerate() {
        if e > 0.0 {
            for (i, &u) in uh.ordinates.iter().enumerate() {
                flow[j + i] += e * u;
            }
        }
    }
    let times: Vec<f64> = (0..n_out).map(|k| rain.start_s() + k as f64 * dt).collect();
    let hydrograph = Hydrograph::new(times, flow)?;
    let runoff_depth_mm: f64 = excess.iter().sum();
    let mut diagnostics = Diagnostics {
        steps: rain_steps.len(),
        min_step_s: dt,
        max_step_s: dt,
        ..Diagnostics::default()
    };
    if dt > 0.25 * uh.time_to_peak_s {
        diagnostics.warnings.push(format!(
            "computation step {dt:.0} s exceeds 0.25·T_p = {:.0} s (NEH-630 ch. 16): the peak is \
             under-resolved; use more subdivisions",
            0.25 * uh.time_to_peak_s
        ));
    }
    let details = InflowDetails::ScsCn {
        curve_number_used: cn,
        retention_mm: retention,
        initial_abstraction_mm: ia,
        time_of_concentration_s: tc_s,
        lag_s,
        time_to_peak_s: uh.time_to_peak_s,
        computation_step_s: dt,
        unit_hydrograph_volume_error_pct: uh.volume_error_pct,
    };
    let grid = |v: Vec<f64>| Hyetograph::new(rain.start_s(), dt, v);
    finish(
        RunoffMethod::ScsCn(settings.clone()).label(),
        catchment,
        hydrograph,
        (grid(rain_steps)?, grid(loss)?, grid(excess)?),
        runoff_depth_mm,
        details,
        diagnostics,
    )
}

fn finish(
    method: &str,
    catchment: &Catchment,
    hydrograph: Hydrograph,
    (rain, loss, excess): (Hyetograph, Hyetograph, Hyetograph),
    runoff_depth_mm: f64,
    details: InflowDetails,
    diagnostics: Diagnostics,
) -> Result<CatchmentInflow, HydrologyError> {
    let runoff_volume_m3 = runoff_depth_mm * 1e-3 * catchment.area_m2;
    let hydrograph_volume_m3 = hydrograph.volume_m3();
    let (peak_time_s, peak_flow_m3s) = hydrograph.peak();
    Ok(CatchmentInflow {
        method: method.to_string(),
        volume_error_pct: volume_error_pct(hydrograph_volume_m3, runoff_volume_m3),
        hydrograph,
        rain,
        loss,
        excess,
        runoff_depth_mm,
        runoff_volume_m3,
        hydrograph_volume_m3,
        peak_flow_m3s,
        peak_time_s,
        details,
        diagnostics,
    })
}

fn rational_inflow(
    catchment: &Catchment,
    rain: &Hyetograph,
    curve: &StormCurve,
    duration_s: f64,
    settings: &RationalSettings,
) -> Result<CatchmentInflow, HydrologyError> {
    let geometry = Geometry {
        area_km2: catchment.area_m2 * 1e-6,
        length_km: catchment.channel_length_m * 1e-3,
        slope: catchment.channel_slope,
    };
    let peak = rational_peak(geometry, curve, duration_s, settings)?;
    let mut diagnostics = Diagnostics { steps: peak.iterations, ..Diagnostics::default() };
    if geometry.area_km2 > 200.0 {
        diagnostics.warnings.push(format!(
            "catchment area {:.1} km² exceeds the rational formula's range (< ~200 km²)",
            geometry.area_km2
        ));
    }
    if settings.concentration == ConcentrationParameter::REGIONAL_DEFAULT {
        diagnostics.warnings.push(
            "m from the recalled regional θ–m default m = 0.4 θ^0.204; replace it with the \
             province's relation"
                .to_string(),
        );
    }
    // φ-index losses at μ on the hyetograph give the loss/excess series and the net rain R.
    let mu_per_interval = settings.loss_rate_mm_per_h * rain.interval_s() / 3600.0;
    let loss: Vec<f64> = rain.depth_mm().iter().map(|&p| p.min(mu_per_interval)).collect();
    let excess: Vec<f64> = rain.depth_mm().iter().zip(&loss).map(|(p, l)| p - l).collect();
    let runoff_depth_mm: f64 = excess.iter().sum();
    let flood_volume_m3 = runoff_depth_mm * 1e-3 * catchment.area_m2;
    let relative_gap = (runoff_depth_mm - peak.net_rain_mm).abs() / peak.net_rain_mm.max(1e-9);
    if peak.net_rain_mm > 0.0 && relative_gap > 0.05 {
        diagnostics.warnings.push(format!(
            "net rain of the hyetograph ({runoff_depth_mm:.1} mm) differs from H(t_c) − μ t_c = \
             {:.1} mm of the curve by more than 5 %: the pattern does not nest the curve's \
             maximum-depth windows",
            peak.net_rain_mm
        ));
    }
    let start = rain.start_s();
    let (hydrograph, start_s, peak_time_s, end_s) = if peak.peak_m3s > 0.0 && flood_volume_m3 > 0.0
    {
        let GeneralizedShape::Triangle { rise_fraction } = settings.shape;
        let rise_fraction =
            check_closed("rise fraction", rise_fraction, 0.01, 0.99, "[0.01, 0.99]")?;
        let base_s = 2.0 * flood_volume_m3 / peak.peak_m3s;
        let window_s = 3600.0 * peak.tau_h.min(peak.tc_h);
        let window_start = heaviest_window_start(rain, window_s);
        let mut peak_time = window_start + 3600.0 * peak.tau_h;
        let mut begin = peak_time - rise_fraction * base_s;
        if begin < start {
            diagnostics.warnings.push(format!(
                "the generalised hydrograph would start {:.0} s before the rain; shifted later",
                start - begin
            ));
            begin = start;
            peak_time = begin + rise_fraction * base_s;
        }
        let end = begin + base_s;
        let mut times = Vec::with_capacity(4);
        let mut flows = Vec::with_capacity(4);
        if begin > start {
            times.push(start);
            flows.push(0.0);
        }
        times.extend([begin, peak_time, end]);
        flows.extend([0.0, peak.peak_m3s, 0.0]);
        (Hydrograph::new(times, flows)?, begin, peak_time, end)
    } else {
        diagnostics.warnings.push("no net rain: the loss rate exceeds the storm".to_string());
        (Hydrograph::new(vec![start], vec![0.0])?, start, start, start)
    };
    let details = InflowDetails::Rational { peak, flood_volume_m3, start_s, peak_time_s, end_s };
    let grid = |v: Vec<f64>| Hyetograph::new(start, rain.interval_s(), v);
    finish(
        RunoffMethod::Rational(settings.clone()).label(),
        catchment,
        hydrograph,
        (rain.clone(), grid(loss)?, grid(excess)?),
        runoff_depth_mm,
        details,
        diagnostics,
    )
}

/// Start of the window of length `window_s` holding the most rain. The window depth is piecewise
/// linear in its start, so its maximum lies where one end sits on an interval boundary; the mass
/// curve is tabulated once so each candidate costs O(1).
fn heaviest_window_start(rain: &Hyetograph, window_s: f64) -> f64 {
    let (start, dt, depths) = (rain.start_s(), rain.interval_s(), rain.depth_mm());
    let mut cumulative = Vec::with_capacity(depths.len() + 1);
    cumulative.push(0.0);
    for &d in depths {
        cumulative.push(cumulative[cumulative.len() - 1] + d);
    }
    let mass = |t: f64| {
        let x = ((t - start) / dt).clamp(0.0, depths.len() as f64);
        let k = (x.floor() as usize).min(depths.len().saturating_sub(1));
        if depths.is_empty() { 0.0 } else { cumulative[k] + depths[k] * (x - k as f64) }
    };
    let boundaries = (0..=depths.len()).map(|k| start + k as f64 * dt);
    let candidates = boundaries.clone().chain(boundaries.map(|b| b - window_s));
    let mut best = (start, f64::NEG_INFINITY);
    for s in candidates {
        let depth = mass(s + window_s) - mass(s);
        if depth > best.1 + 1e-12 {
            best = (s, depth);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::ConcentrationParameter;

    #[test]
    fn heaviest_window_is_found_off_the_grid() {
        // 10 min intervals with depths 1, 2, 6, 9, 2 mm; hand-check 15 min windows:
        let rain = Hyetograph::new(0.0, 600.0, vec![1.0, 2.0, 6.0, 9.0, 2.0]).unwrap();
        // Windows of 900 s: start 1200 → 6 + 4.5 = 10.5; start 1500 → 3 + 9 = 12; start 1800 →
        // 9 + 1 = 10. The maximum 12 mm starts at 1500 s (its end on the 2400 s boundary).
        assert_eq!(heaviest_window_start(&rain, 900.0), 1500.0);
    }

    #[test]
    fn invalid_inputs_are_typed_errors_carrying_the_value() {
        let rain = Hyetograph::new(0.0, 600.0, vec![5.0; 6]).unwrap();
        let good = Catchment { area_m2: 1e6, channel_length_m: 1500.0, channel_slope: 0.03 };
        let bad_area = Catchment { area_m2: -1.0, ..good };
        let scs = RunoffMethod::ScsCn(ScsCnSettings::new(78.0));
        assert!(matches!(
            catchment_inflow(&bad_area, &rain, &scs),
            Err(HydrologyError::OutOfRange { value, .. }) if value == -1.0
        ));
        let bad_cn = RunoffMethod::ScsCn(ScsCnSettings::new(120.0));
        assert!(matches!(
            catchment_inflow(&good, &rain, &bad_cn),
            Err(HydrologyError::OutOfRange { what: "curve number", value, .. }) if value == 120.0
        ));
        let bad_lambda = RunoffMethod::ScsCn(ScsCnSettings {
            initial_abstraction_ratio: f64::NAN,
            ..ScsCnSettings::new(78.0)
        });
        assert!(catchment_inflow(&good, &rain, &bad_lambda).is_err());
        let fixed = DepthDuration::Fixed { depth_mm: 30.0, duration_s: 3600.0 };
        let storm = design_storm(&fixed, &Pattern::Uniform, 3600.0, None).unwrap();
        let rational = RunoffMethod::Rational(RationalSettings::new(5.0));
        assert!(matches!(
            design_inflow(&good, &storm, &rational),
            Err(HydrologyError::RationalNeedsCurve)
        ));
        let idf = DepthDuration::Idf(crate::IdfFormula {
            a1_mm_per_min: 10.0,
            c: 0.8,
            b_min: 10.0,
            n: 0.7,
            return_period_years: 50.0,
            max_duration_min: 180.0,
        });
        let storm =
            design_storm(&idf, &Pattern::Chicago { peak_position: 0.4 }, 7200.0, None).unwrap();
        let bad_m = RunoffMethod::Rational(RationalSettings {
            concentration: ConcentrationParameter::Given { m: 0.0 },
            ..RationalSettings::new(5.0)
        });
        assert!(matches!(
            design_inflow(&good, &storm, &bad_m),
            Err(HydrologyError::OutOfRange { value, .. }) if value == 0.0
        ));
        let bad_mu = RunoffMethod::Rational(RationalSettings::new(-1.0));
        assert!(design_inflow(&good, &storm, &bad_mu).is_err());
    }

    // Goal: the directly connected impervious fraction turns all its rain into excess. Hand:
    // P = 100 mm on CN 70: S = 25400/70 − 254 = 108.857 mm, I_a = 21.771 mm, Q = 78.229²/187.086
    // = 32.711 mm; with f = 0.3: 0.7·32.711 + 0.3·100 = 52.898 mm. Tolerance 1e-3 mm (hand).
    #[test]
    fn impervious_fraction_adds_its_rain_to_the_excess() {
        let rain = Hyetograph::new(0.0, 600.0, vec![100.0 / 6.0; 6]).unwrap();
        let c = Catchment { area_m2: 1e6, channel_length_m: 1500.0, channel_slope: 0.03 };
        let s = ScsCnSettings { impervious_fraction: 0.3, ..ScsCnSettings::new(70.0) };
        let inflow = catchment_inflow(&c, &rain, &RunoffMethod::ScsCn(s)).unwrap();
        assert!((inflow.runoff_depth_mm - 52.898).abs() < 1e-3, "{}", inflow.runoff_depth_mm);
        // Excess never exceeds the rain of its step, and losses are non-negative.
        for (e, p) in inflow.excess.depth_mm().iter().zip(inflow.rain.depth_mm()) {
            assert!(*e >= 0.0 && e <= p);
        }
    }

    // Goal: a loss rate above every intensity gives no flood, not a NaN or a panic.
    #[test]
    fn loss_rate_above_the_storm_gives_a_zero_hydrograph() {
        let idf = DepthDuration::Idf(crate::IdfFormula {
            a1_mm_per_min: 1.0,
            c: 0.8,
            b_min: 10.0,
            n: 0.7,
            return_period_years: 2.0,
            max_duration_min: 180.0,
        });
        let storm =
            design_storm(&idf, &Pattern::Chicago { peak_position: 0.4 }, 3600.0, None).unwrap();
        let good = Catchment { area_m2: 1e6, channel_length_m: 1500.0, channel_slope: 0.03 };
        let inflow =
            design_inflow(&good, &storm, &RunoffMethod::Rational(RationalSettings::new(900.0)))
                .unwrap();
        assert_eq!(inflow.peak_flow_m3s, 0.0);
        assert_eq!(inflow.runoff_depth_mm, 0.0);
        assert!(!inflow.diagnostics.warnings.is_empty());
        assert!(inflow.hydrograph.flow_m3s().iter().all(|q| q.is_finite()));
    }
}
