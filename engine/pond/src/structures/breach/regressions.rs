//! Published breach regressions: breach size and formation time (Froehlich 2008, MacDonald &
//! Langridge-Monopolis 1984), peak outflow (Froehlich 2016, Froehlich 1995a, MLM 1984) and the
//! tailings released by a tailings-dam failure (Rico et al. 2008, Larrauri & Lall 2018).
//!
//! Coded exactly as written in the project's reference (shared/reference/verification.md,
//! "Breach"); SI in and out (V m³, h m, t s, Q m³/s); formulas stated in Mm³ and km are
//! converted at the boundary. Symbols: `V_w` reservoir volume at failure, `h_w` water depth
//! above the final breach bottom at failure, `h_b` breach height, `W_avg` average breach width,
//! `V_T` tailings stored, `V_F` tailings released, `H` dam height.
//!
//! - Froehlich 2008: `B_avg = 0.27 k_o V_w^0.32 h_b^0.04` (`k_o` 1.3 overtopping, 1.0
//!   otherwise); `t_f = 63.2 √(V_w/(g h_b²))` s; side slope `z` 1.0 overtopping, 0.7
//!   otherwise (the side slopes are recalled, not verified). Bottom width
//!   `b = B_avg − z h_b` (the trapezoid's mean width), 0 when that is negative.
//! - Froehlich 2016: `Q_p = 0.0175 k_M k_H √(g V_w h_w h_b² / W_avg)`, `k_M` 1.85
//!   overtopping, 1.0 piping; `k_H = 1` for `h_b ≤ 6.1 m`, else `(h_b/6.1)^(1/8)`.
//! - Froehlich 1995a: `Q_p = 0.607 V_w^0.295 h_w^1.24`.
//! - MLM 1984 (earthfill): `V_er = 0.0261 (V_w h_w)^0.769` m³; `t_f = 0.0179 V_er^0.364` h;
//!   `Q_p = 1.154 (V_w h_w)^0.412`.
//! - Rico et al. 2008: `V_F = 0.354 V_T^1.01` (Mm³); run-out `D_max = 14.45 V_F^0.76` km.
//! - Larrauri & Lall 2018: `V_F = 0.332 V_T^0.95` (Mm³); `H_f = H (V_F/V_T) V_F`;
//!   `D_max = 3.04 H_f^0.545` km.
//!
//! The tailings regressions are recalled, to be checked against the open-access paper
//! (doi 10.3390/environments5020028) before they are more than defaults: their results carry
//! [`Confidence::Recalled`]. Peak-flow regressions are a sanity band to report beside the
//! routed peak, not a replacement for it.
//!
//! Verification: `breach_regressions_match_hand_computed_values` (tests/breach.rs) and
//! scenarios/verification/b1_breach_regressions/definition.md (values worked by hand).

use crate::structures::error::{StructureError, in_range, positive};
use tailtwin_core::{Confidence, G};

/// The failure mode a regression distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureMode {
    Overtopping,
    Piping,
}

const WHO: &str = "breach regression";
const M3_PER_MM3: f64 = 1e6;
const M_PER_KM: f64 = 1e3;

/// Froehlich (2008) breach geometry and formation time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Froehlich2008 {
    /// Average breach width `B_avg`, m.
    pub average_width_m: f64,
    /// Bottom width `B_avg − z h_b` (≥ 0), m.
    pub bottom_width_m: f64,
    /// Side slope `z` (H:V), recalled.
    pub side_slope: f64,
    /// Formation time, s.
    pub formation_time_s: f64,
}

/// Froehlich (2008) from reservoir volume `V_w` (m³) and breach height `h_b` (m).
pub fn froehlich_2008(
    reservoir_volume_m3: f64,
    breach_height_m: f64,
    mode: FailureMode,
) -> Result<Froehlich2008, StructureError> {
    let v = positive(WHO, "reservoir_volume", reservoir_volume_m3)?;
    let hb = positive(WHO, "breach_height", breach_height_m)?;
    let (ko, z) = match mode {
        FailureMode::Overtopping => (1.3, 1.0),
        FailureMode::Piping => (1.0, 0.7),
    };
    let average_width_m = 0.27 * ko * v.powf(0.32) * hb.powf(0.04);
    Ok(Froehlich2008 {
        average_width_m,
        bottom_width_m: (average_width_m - z * hb).max(0.0),
        side_slope: z,
        formation_time_s: 63.2 * (v / (G * hb * hb)).sqrt(),
    })
}

/// Froehlich (2016) peak outflow, m³/s.
pub fn froehlich_2016_peak(
    reservoir_volume_m3: f64,
    water_depth_m: f64,
    breach_height_m: f64,
    average_width_m: f64,
    mode: FailureMode,
) -> Result<f64, StructureError> {
    let v = positive(WHO, "reservoir_volume", reservoir_volume_m3)?;
    let hw = positive(WHO, "water_depth", water_depth_m)?;
    let hb = positive(WHO, "breach_height", breach_height_m)?;
    let w = positive(WHO, "average_width", average_width_m)?;
    let km = match mode {
        FailureMode::Overtopping => 1.85,
        FailureMode::Piping => 1.0,
    };
    let kh = if hb <= 6.1 { 1.0 } else { (hb / 6.1).powf(0.125) };
    Ok(0.0175 * km * kh * (G * v * hw * hb * hb / w).sqrt())
}

/// Froehlich (1995a) peak outflow, m³/s.
pub fn froehlich_1995_peak(
    reservoir_volume_m3: f64,
    water_depth_m: f64,
) -> Result<f64, StructureError> {
    let v = positive(WHO, "reservoir_volume", reservoir_volume_m3)?;
    let hw = positive(WHO, "water_depth", water_depth_m)?;
    Ok(0.607 * v.powf(0.295) * hw.powf(1.24))
}

/// MacDonald & Langridge-Monopolis (1984), earthfill dams.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mlm1984 {
    /// Eroded embankment volume, m³.
    pub eroded_volume_m3: f64,
    /// Formation time, s.
    pub formation_time_s: f64,
    /// Peak outflow, m³/s.
    pub peak_outflow_m3s: f64,
}

/// MLM (1984) from `V_w` (m³) and `h_w` (m).
pub fn mlm_1984(reservoir_volume_m3: f64, water_depth_m: f64) -> Result<Mlm1984, StructureError> {
    let v = positive(WHO, "reservoir_volume", reservoir_volume_m3)?;
    let hw = positive(WHO, "water_depth", water_depth_m)?;
    let factor = v * hw;
    let eroded = 0.0261 * factor.powf(0.769);
    Ok(Mlm1984 {
        eroded_volume_m3: eroded,
        formation_time_s: 0.0179 * eroded.powf(0.364) * 3600.0,
        peak_outflow_m3s: 1.154 * factor.powf(0.412),
    })
}

/// Bottom width of a trapezoidal breach (side slope `z`, height `h_b`) whose eroded volume
/// through an embankment of crest width `W_c` and face slopes `s_u`, `s_d` (H:V) is `V_er`.
///
/// The embankment is `W(y) = W_c + (s_u + s_d) y` thick at depth `y` below the crest and the
/// breach `b + 2z (h_b − y)` wide, so `V_er = b (W_c h_b + S h_b²/2) + 2z (W_c h_b²/2 +
/// S h_b³/6)` with `S = s_u + s_d`; solved for `b`, 0 when the volume is smaller than the
/// triangular breach's (the MLM breach is then a triangle, as in the original paper).
pub fn bottom_width_from_eroded_volume(
    eroded_volume_m3: f64,
    breach_height_m: f64,
    crest_width_m: f64,
    upstream_slope: f64,
    downstream_slope: f64,
    side_slope: f64,
) -> Result<f64, StructureError> {
    let v = positive(WHO, "eroded_volume", eroded_volume_m3)?;
    let hb = positive(WHO, "breach_height", breach_height_m)?;
    let wc = in_range(WHO, "crest_width", crest_width_m, 0.0, 1e4)?;
    let s = in_range(WHO, "upstream_slope", upstream_slope, 0.0, 100.0)?
        + in_range(WHO, "downstream_slope", downstream_slope, 0.0, 100.0)?;
    let z = in_range(WHO, "side_slope", side_slope, 0.0, 100.0)?;
    let per_width = wc * hb + 0.5 * s * hb * hb;
    let triangle = 2.0 * z * (0.5 * wc * hb * hb + s * hb * hb * hb / 6.0);
    positive(WHO, "crest_width + face slopes (embankment thickness)", per_width)?;
    Ok(((v - triangle) / per_width).max(0.0))
}

/// A tailings-release estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailingsRelease {
    /// Released tailings volume `V_F`, m³.
    pub released_volume_m3: f64,
    /// Run-out distance `D_max`, m.
    pub runout_m: f64,
    /// `H_f` of Larrauri & Lall (m·Mm³, as the paper defines it); `None` for Rico.
    pub h_f: Option<f64>,
    /// Which regression.
    pub source: &'static str,
    /// Always [`Confidence::Recalled`] until checked against the paper.
    pub confidence: Confidence,
}

/// Rico et al. (2008) from the stored tailings volume `V_T` (m³).
pub fn rico_2008(tailings_volume_m3: f64) -> Result<TailingsRelease, StructureError> {
    let vt = positive(WHO, "tailings_volume", tailings_volume_m3)? / M3_PER_MM3;
    let vf = 0.354 * vt.powf(1.01);
    Ok(TailingsRelease {
        released_volume_m3: vf * M3_PER_MM3,
        runout_m: 14.45 * vf.powf(0.76) * M_PER_KM,
        h_f: None,
        source: "Rico et al. (2008)",
        confidence: Confidence::Recalled,
    })
}

/// Larrauri & Lall (2018) from `V_T` (m³) and the dam height `H` (m).
pub fn larrauri_lall_2018(
    tailings_volume_m3: f64,
    dam_height_m: f64,
) -> Result<TailingsRelease, StructureError> {
    let vt = positive(WHO, "tailings_volume", tailings_volume_m3)? / M3_PER_MM3;
    let h = positive(WHO, "dam_height", dam_height_m)?;
    let vf = 0.332 * vt.powf(0.95);
    let hf = h * (vf / vt) * vf;
    Ok(TailingsRelease {
        released_volume_m3: vf * M3_PER_MM3,
        runout_m: 3.04 * hf.powf(0.545) * M_PER_KM,
        h_f: Some(hf),
        source: "Larrauri & Lall (2018)",
        confidence: Confidence::Recalled,
    })
}

/// The peak-flow sanity band to report beside a routed breach peak.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeakFlowBand {
    pub froehlich_2016_m3s: f64,
    pub froehlich_1995_m3s: f64,
    pub mlm_1984_m3s: f64,
}

impl PeakFlowBand {
    /// All three peak regressions for one breach.
    pub fn new(
        reservoir_volume_m3: f64,
        water_depth_m: f64,
        breach_height_m: f64,
        average_width_m: f64,
        mode: FailureMode,
    ) -> Result<Self, StructureError> {
        Ok(PeakFlowBand {
            froehlich_2016_m3s: froehlich_2016_peak(
                reservoir_volume_m3,
                water_depth_m,
                breach_height_m,
                average_width_m,
                mode,
            )?,
            froehlich_1995_m3s: froehlich_1995_peak(reservoir_volume_m3, water_depth_m)?,
            mlm_1984_m3s: mlm_1984(reservoir_volume_m3, water_depth_m)?.peak_outflow_m3s,
        })
    }

    /// Smallest and largest of the three, m³/s.
    pub fn range_m3s(&self) -> (f64, f64) {
        let v = [self.froehlich_2016_m3s, self.froehlich_1995_m3s, self.mlm_1984_m3s];
        (v.iter().copied().fold(f64::INFINITY, f64::min), v.iter().copied().fold(0.0, f64::max))
    }
}
