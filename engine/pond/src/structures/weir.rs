//! Weirs: SWMM transverse, sharp-crested (Rehbock), broad-crested, practical (WES) and V-notch,
//! with optional approach-velocity head, Villemonte submergence and SWMM's surcharge rule.

use super::common::{Condition, StructureId, pow1_5};
use super::error::{StructureError, finite, in_range, positive};
use tailtwin_core::{Control, Discharge, Elevation, G, Regime};

/// The crest shape and its discharge law. `H` is the head on the crest (the energy head `H₀`
/// when an approach channel is given), `L` the crest length, `g` the weir's gravity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WeirForm {
    /// EPA SWMM 5 transverse weir: `Q = C_w (L − 0.1 n_c H) H^1.5`, `C_w` in m^0.5/s (SI
    /// coefficient as SWMM reads it), `n_c` end contractions (0, 1 or 2). The Francis
    /// contraction term makes `Q` peak at `H = 6L/n_c`; beyond that (far outside its validity)
    /// the flow is held at that peak so the rating stays monotone.
    Swmm { coefficient: f64, length_m: f64, end_contractions: u8 },
    /// Sharp-crested, full-width rectangular weir, Rehbock's formula (Bos 1989, §5.1):
    /// `Q = (2/3) C_e √(2g) L H^1.5`, `C_e = 0.602 + 0.083 H/P`, `P` = crest height above the
    /// approach bed. The 1.2 mm surface-tension head term is omitted (it matters only below
    /// ~3 cm head and would make `Q` jump at the crest). Valid 0.03 < H < 0.75 m, H/P < 1
    /// (beyond that the formula is extrapolated).
    SharpCrested { length_m: f64, weir_height_m: f64 },
    /// Broad-crested weir: `Q = m L √(2g) H^1.5`; `m = 0.385` ideal (critical depth on the
    /// crest, rounded entrance), ≈ 0.32 for a square-edged entrance.
    BroadCrested { length_m: f64, m: f64 },
    /// Practical (WES-profile) weir, the Chinese design form
    /// `Q = ε m n b √(2g) H₀^1.5` with `n` bays of clear width `b`, `m ≈ 0.48` (0.502 at the
    /// design head for a WES crest), `ε` the side-contraction coefficient.
    Practical { bays: u32, bay_width_m: f64, m: f64, contraction: Contraction },
    /// Triangular (V-notch) sharp-crested weir: `Q = (8/15) C_e √(2g) tan(θ/2) H^2.5`,
    /// `C_e ≈ 0.58` for θ = 90° (Kindsvater–Shen, head correction omitted).
    VNotch { angle_rad: f64, ce: f64 },
}

/// Side contraction of a practical weir.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Contraction {
    /// A fixed ε in (0, 1].
    Given(f64),
    /// From pier (`ξ₀`) and abutment (`ξ_k`) shape coefficients (each in [0, 1]):
    /// `ε = 1 − 0.2 [ξ_k + (n − 1) ξ₀] (H₀/b) / n`, with `H₀/b` taken as at most 1.
    Coefficients { pier: f64, abutment: f64 },
}

/// Approach channel for the approach-velocity head `α v₀²/(2g)`, `v₀ = Q / (B (z − z_bed))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Approach {
    pub width_m: f64,
    pub bed: Elevation,
    /// Velocity-head coefficient α (1.0 for a uniform approach velocity).
    pub alpha: f64,
}

/// Number of fixed-point passes `H₀ ← H + α (Q(H₀)/A)²/(2g)` for the approach-velocity head.
/// Each pass is a monotone function of stage, so the result stays monotone; three passes
/// converge to < 0.01 % of `H₀` when `v₀²/(2g) < 0.1 H`.
const APPROACH_PASSES: usize = 3;

/// A weir: crest, discharge law, and optional approach channel, tailwater and opening height.
#[derive(Debug, Clone, PartialEq)]
pub struct Weir {
    id: StructureId,
    crest: f64,
    form: WeirForm,
    approach: Option<Approach>,
    tailwater: Option<f64>,
    opening_height: Option<f64>,
    g: f64,
    condition: Condition,
}

impl Weir {
    /// Ideal broad-crested coefficient `(2/3)^1.5/√2 ≈ 0.385` (critical depth on the crest).
    pub const BROAD_CRESTED_M: f64 = 0.385;
    /// Practical (WES) weir coefficient used by default.
    pub const PRACTICAL_M: f64 = 0.48;
    /// V-notch effective coefficient for θ = 90° (Kindsvater–Shen).
    pub const VNOTCH_CE: f64 = 0.58;

    /// A free weir with crest elevation `crest` and discharge law `form` (g = [`G`]).
    pub fn new(
        id: impl Into<StructureId>,
        crest: Elevation,
        form: WeirForm,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        finite(s, "crest", crest.m())?;
        match form {
            WeirForm::Swmm { coefficient, length_m, end_contractions } => {
                positive(s, "coefficient", coefficient)?;
                positive(s, "length", length_m)?;
                in_range(s, "end_contractions", f64::from(end_contractions), 0.0, 2.0)?;
            }
            WeirForm::SharpCrested { length_m, weir_height_m } => {
                positive(s, "length", length_m)?;
                positive(s, "weir_height", weir_height_m)?;
            }
            WeirForm::BroadCrested { length_m, m } => {
                positive(s, "length", length_m)?;
                in_range(s, "m", m, 1e-3, 0.6)?;
            }
            WeirForm::Practical { bays, bay_width_m, m, contraction } => {
                positive(s, "bays", f64::from(bays))?;
                positive(s, "bay_width", bay_width_m)?;
                in_range(s, "m", m, 1e-3, 0.6)?;
                match contraction {
                    Contraction::Given(eps) => {
                        in_range(s, "contraction", eps, 1e-3, 1.0)?;
                    }
                    Contraction::Coefficients { pier, abutment } => {
                        in_range(s, "pier_coefficient", pier, 0.0, 1.0)?;
                        in_range(s, "abutment_coefficient", abutment, 0.0, 1.0)?;
                    }
                }
            }
            WeirForm::VNotch { angle_rad, ce } => {
                in_range(s, "notch_angle", angle_rad, 1e-3, std::f64::consts::PI - 1e-3)?;
                in_range(s, "ce", ce, 1e-3, 1.0)?;
            }
        }
        Ok(Weir {
            id,
            crest: crest.m(),
            form,
            approach: None,
            tailwater: None,
            opening_height: None,
            g: G,
            condition: Condition::Intact,
        })
    }

    /// SWMM 5 transverse weir `Q = C_w L H^1.5` (no end contractions) whose opening is
    /// `opening_height` tall: above it SWMM's surcharge rule applies (see [`Weir::discharge_at`]).
    pub fn swmm_transverse(
        id: impl Into<StructureId>,
        crest: Elevation,
        length_m: f64,
        coefficient: f64,
        opening_height_m: f64,
    ) -> Result<Self, StructureError> {
        let form = WeirForm::Swmm { coefficient, length_m, end_contractions: 0 };
        Weir::new(id, crest, form)?.with_opening_height(opening_height_m)
    }

    /// A closed opening `height` above the crest (a weir under a deck, a SWMM weir's
    /// `yFull`): when the pond rises above it the weir runs as an orifice (SWMM surcharge rule).
    pub fn with_opening_height(mut self, height_m: f64) -> Result<Self, StructureError> {
        positive(self.id.as_str(), "opening_height", height_m)?;
        if let WeirForm::VNotch { .. } = self.form {
            return Err(StructureError::NotApplicable {
                structure: self.id.to_string(),
                option: "opening_height",
                kind: "V-notch weir",
            });
        }
        self.opening_height = Some(height_m);
        Ok(self)
    }

    /// Add the approach-velocity head from an approach channel.
    pub fn with_approach(mut self, approach: Approach) -> Result<Self, StructureError> {
        let s = self.id.as_str();
        positive(s, "approach.width", approach.width_m)?;
        in_range(s, "approach.alpha", approach.alpha, 1.0, 2.0)?;
        finite(s, "approach.bed", approach.bed.m())?;
        if approach.bed.m() >= self.crest {
            return Err(StructureError::SillBelowBase {
                structure: self.id.to_string(),
                sill: self.crest,
                base: approach.bed.m(),
            });
        }
        self.approach = Some(approach);
        Ok(self)
    }

    /// A fixed tailwater level: Villemonte's submergence factor applies while it is above the
    /// crest; no flow while the pond is at or below it (no reverse flow into the pond).
    pub fn with_tailwater(mut self, tailwater: Elevation) -> Result<Self, StructureError> {
        finite(self.id.as_str(), "tailwater", tailwater.m())?;
        self.tailwater = Some(tailwater.m());
        Ok(self)
    }

    /// Gravity, m/s² (SWMM comparisons use 32.2 ft/s² = 9.81456 m/s²).
    pub fn with_gravity(mut self, g: f64) -> Result<Self, StructureError> {
        self.g = in_range(self.id.as_str(), "g", g, 9.7, 9.9)?;
        Ok(self)
    }

    /// Blockage, damage or closure.
    pub fn with_condition(mut self, condition: Condition) -> Result<Self, StructureError> {
        self.condition = condition.validate(self.id.as_str())?;
        Ok(self)
    }

    pub fn id(&self) -> &StructureId {
        &self.id
    }
    pub fn crest(&self) -> Elevation {
        Elevation(self.crest)
    }
    pub fn form(&self) -> &WeirForm {
        &self.form
    }
    pub fn condition(&self) -> Condition {
        self.condition
    }

    /// Free-flow discharge for energy head `h` ≥ 0 on the crest.
    fn free_flow(&self, h: f64) -> f64 {
        if h <= 0.0 {
            return 0.0;
        }
        let root2g = (2.0 * self.g).sqrt();
        match self.form {
            WeirForm::Swmm { coefficient, length_m, end_contractions } => {
                let n = f64::from(end_contractions);
                let h = if n > 0.0 { h.min(6.0 * length_m / n) } else { h };
                coefficient * (length_m - 0.1 * n * h).max(0.0) * pow1_5(h)
            }
            WeirForm::SharpCrested { length_m, weir_height_m } => {
                let ce = 0.602 + 0.083 * h / weir_height_m;
                2.0 / 3.0 * ce * root2g * length_m * pow1_5(h)
            }
            WeirForm::BroadCrested { length_m, m } => m * length_m * root2g * pow1_5(h),
            WeirForm::Practical { bays, bay_width_m, m, contraction } => {
                let n = f64::from(bays);
                let eps = practical_contraction(contraction, n, bay_width_m, h);
                eps * m * n * bay_width_m * root2g * pow1_5(h)
            }
            WeirForm::VNotch { angle_rad, ce } => {
                8.0 / 15.0 * ce * root2g * (0.5 * angle_rad).tan() * h * pow1_5(h)
            }
        }
    }

    /// Head exponent of the free-flow law (Villemonte's `n`).
    fn exponent(&self) -> f64 {
        match self.form {
            WeirForm::VNotch { .. } => 2.5,
            _ => 1.5,
        }
    }

    /// Free flow at stage `z` with the approach-velocity head, no tailwater.
    fn free_flow_at_stage(&self, z: f64) -> f64 {
        let h = z - self.crest;
        match self.approach {
            None => self.free_flow(h),
            Some(a) => {
                let area = a.width_m * (z - a.bed.m());
                let mut h0 = h;
                for _ in 0..APPROACH_PASSES {
                    let v = self.free_flow(h0) / area;
                    h0 = h + a.alpha * v * v / (2.0 * self.g);
                }
                self.free_flow(h0)
            }
        }
    }

    /// Discharge of the intact weir at stage `z` (see the module docs for the regimes).
    ///
    /// - `z ≤ crest` (or `z ≤ tailwater`): dry.
    /// - `crest < z < crest + D` (or no opening): weir, `Q = Q_free(H₀) · σ`, with Villemonte's
    ///   `σ = (1 − (h_t/H)^n)^0.385` when the tailwater `h_t` is above the crest.
    /// - `z ≥ crest + D` (SWMM surcharge): orifice, `Q = Q_w(D) √(h / (D/2))` with
    ///   `h = z − max(crest + D/2, tailwater)`; continuous at `z = crest + D` when the tailwater is
    ///   below the opening's mid-height (as in SWMM, it jumps there otherwise).
    pub fn discharge_at(&self, z: f64) -> Discharge {
        let h = z - self.crest;
        if h.is_nan() {
            return Discharge { flow_m3s: f64::NAN, ..Discharge::DRY };
        }
        if h <= 0.0 || self.tailwater.is_some_and(|t| z <= t) {
            return Discharge::DRY;
        }
        if let Some(d) = self.opening_height
            && h >= d
        {
            let q_top = self.free_flow_at_stage(self.crest + d);
            let mid = self.crest + 0.5 * d;
            let head = z - self.tailwater.map_or(mid, |t| t.max(mid));
            let q = q_top * (head / (0.5 * d)).sqrt();
            return Discharge { flow_m3s: q, regime: Regime::Orifice, control: Control::Inlet };
        }
        let mut q = self.free_flow_at_stage(z);
        if let Some(t) = self.tailwater {
            let ht = t - self.crest;
            if ht > 0.0 {
                q *= villemonte(ht / h, self.exponent());
            }
        }
        Discharge { flow_m3s: q, regime: Regime::Weir, control: Control::Inlet }
    }

    /// Stages where the regime changes: the crest and, with an opening, its top.
    pub fn transitions(&self) -> Vec<Elevation> {
        let mut t = vec![Elevation(self.crest)];
        if let Some(d) = self.opening_height {
            t.push(Elevation(self.crest + d));
        }
        t
    }
}

/// Villemonte (1947) submerged-weir factor `(1 − r^n)^0.385`, `r = h_t/H` clamped to [0, 1].
#[inline]
pub(crate) fn villemonte(ratio: f64, exponent: f64) -> f64 {
    let r = ratio.clamp(0.0, 1.0);
    (1.0 - r.powf(exponent)).powf(0.385)
}

/// Side-contraction coefficient ε of a practical weir at energy head `h`.
fn practical_contraction(c: Contraction, n: f64, b: f64, h: f64) -> f64 {
    match c {
        Contraction::Given(eps) => eps,
        Contraction::Coefficients { pier, abutment } => {
            1.0 - 0.2 * (abutment + (n - 1.0) * pier) * (h / b).min(1.0) / n
        }
    }
}

impl super::Outlet for Weir {
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn kind(&self) -> &str {
        "weir"
    }
    fn discharge(&self, stage: Elevation, _time_s: f64) -> Discharge {
        self.condition.apply(self.discharge_at(stage.m()))
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        self.transitions()
    }
}
