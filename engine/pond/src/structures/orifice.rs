//! Orifices in a vertical wall (side) or in a floor (bottom), circular or rectangular.

use super::common::{Condition, StructureId, pow1_5};
use super::error::{StructureError, finite, in_range, positive};
use super::quadrature;
use super::weir::villemonte;
use tailtwin_core::{Control, Discharge, Elevation, G, Regime};

/// Opening shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OrificeShape {
    Circular {
        diameter_m: f64,
    },
    /// `height_m` is the vertical extent for a side orifice (the second plan side for a bottom
    /// orifice).
    Rectangular {
        width_m: f64,
        height_m: f64,
    },
}

impl OrificeShape {
    /// Opening area, m².
    pub fn area(&self) -> f64 {
        match *self {
            OrificeShape::Circular { diameter_m: d } => 0.25 * std::f64::consts::PI * d * d,
            OrificeShape::Rectangular { width_m, height_m } => width_m * height_m,
        }
    }
    /// Opening perimeter, m.
    pub fn perimeter(&self) -> f64 {
        match *self {
            OrificeShape::Circular { diameter_m: d } => std::f64::consts::PI * d,
            OrificeShape::Rectangular { width_m, height_m } => 2.0 * (width_m + height_m),
        }
    }
    /// Vertical extent of a side opening, m.
    pub fn height(&self) -> f64 {
        match *self {
            OrificeShape::Circular { diameter_m } => diameter_m,
            OrificeShape::Rectangular { height_m, .. } => height_m,
        }
    }
}

/// How a side orifice flows while the pond covers only part of the opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideRule {
    /// EPA SWMM 5 (`link.c`, `orifice_getInflow`): with `f = (z − z_inv)/D` the filled fraction,
    /// `Q = C_d A √(2g) √(D/2) f^1.5` for `f < 1` (a weir law scaled to meet the orifice law),
    /// `Q = C_d A √(2g (z − z_c))` on the head above the centroid `z_c` once submerged.
    /// Continuous at `f = 1` by construction.
    Swmm,
    /// Point-by-point Torricelli over the wetted opening,
    /// `Q = C_d √(2g) ∫ w(ζ) √(z − ζ) dζ` from the invert to `min(z, top)`: for a rectangle
    /// `(2/3) C_d w √(2g) [(z − z_inv)^1.5 − (z − z_top)₊^1.5]`; for a circle by 24-point
    /// Gauss–Legendre after substitutions that remove the end singularities. The partly
    /// submerged branch is the weir `(2/3) C_d w √(2g) H^1.5`; the submerged branch tends to
    /// `C_d A √(2g(z − z_c))` for deep heads; continuous at the crown.
    Exact,
}

/// Orientation of the opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// In a vertical wall; `invert` is the bottom of the opening.
    Side(SideRule),
    /// In a horizontal floor at `invert`. As in SWMM, the opening acts as a weir along its
    /// perimeter `P` at low head, `Q = c_w P √(2g) h^1.5`, and as an orifice
    /// `Q = C_d A √(2g h)` above the head where the two meet, `h_c = (C_d/c_w)(A/P)`
    /// (SWMM: `c_w = 0.414`, the sharp-crested weir coefficient over √(2g)).
    Bottom,
}

/// SWMM's bottom-orifice perimeter weir coefficient (dimensionless, over √(2g)).
pub const SWMM_BOTTOM_WEIR_COEFFICIENT: f64 = 0.414;

/// An orifice discharging freely (the tailwater below the opening).
#[derive(Debug, Clone, PartialEq)]
pub struct Orifice {
    id: StructureId,
    shape: OrificeShape,
    orientation: Orientation,
    invert: f64,
    cd: f64,
    bottom_weir_coefficient: f64,
    tailwater: Option<f64>,
    g: f64,
    condition: Condition,
}

impl Orifice {
    /// Sharp-edged orifice discharge coefficient used by default in scenarios.
    pub const DEFAULT_CD: f64 = 0.61;

    /// Validate and build. `cd` is the discharge coefficient (≈ 0.61 sharp-edged, 0.6 SWMM's
    /// common default).
    pub fn new(
        id: impl Into<StructureId>,
        shape: OrificeShape,
        orientation: Orientation,
        invert: Elevation,
        cd: f64,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        match shape {
            OrificeShape::Circular { diameter_m } => {
                positive(s, "diameter", diameter_m)?;
            }
            OrificeShape::Rectangular { width_m, height_m } => {
                positive(s, "width", width_m)?;
                positive(s, "height", height_m)?;
            }
        }
        finite(s, "invert", invert.m())?;
        in_range(s, "discharge_coefficient", cd, 1e-3, 1.0)?;
        Ok(Orifice {
            id,
            shape,
            orientation,
            invert: invert.m(),
            cd,
            bottom_weir_coefficient: SWMM_BOTTOM_WEIR_COEFFICIENT,
            tailwater: None,
            g: G,
            condition: Condition::Intact,
        })
    }

    /// Gravity, m/s² (SWMM comparisons use 32.2 ft/s² = 9.81456 m/s²).
    pub fn with_gravity(mut self, g: f64) -> Result<Self, StructureError> {
        self.g = in_range(self.id.as_str(), "g", g, 9.7, 9.9)?;
        Ok(self)
    }

    /// Perimeter weir coefficient of a bottom orifice at low head (default 0.414, SWMM).
    pub fn with_bottom_weir_coefficient(mut self, cw: f64) -> Result<Self, StructureError> {
        self.bottom_weir_coefficient =
            in_range(self.id.as_str(), "bottom_weir_coefficient", cw, 0.05, 1.0)?;
        Ok(self)
    }

    /// A fixed tailwater level downstream of the opening (free outfall when absent). No flow
    /// while the pond is at or below it. Exact rule: the part of a side opening below the
    /// tailwater passes `w √(2g (z − z_t))`, the part above it `w √(2g (z − ζ))` — continuous
    /// in every regime, and `C_d A √(2g (z − z_t))` once the tailwater covers the opening. SWMM
    /// rule (as `link.c`): partly submerged → Villemonte `(1 − r^1.5)^0.385`,
    /// `r = (z_t − z_inv)/(z − z_inv)`; submerged → head `z − max(z_c, z_t)` — so, as in SWMM,
    /// the flow jumps at the crown whenever the tailwater is above the invert (Villemonte acts
    /// below the crown only). Bottom: head `z − max(z_inv, z_t)` (continuous).
    pub fn with_tailwater(mut self, tailwater: Elevation) -> Result<Self, StructureError> {
        self.tailwater = Some(finite(self.id.as_str(), "tailwater", tailwater.m())?);
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
    pub fn invert(&self) -> Elevation {
        Elevation(self.invert)
    }
    pub fn shape(&self) -> OrificeShape {
        self.shape
    }

    /// Head at which a bottom orifice turns from perimeter weir to orifice flow, m.
    pub fn bottom_critical_head(&self) -> f64 {
        self.cd / self.bottom_weir_coefficient * self.shape.area() / self.shape.perimeter()
    }

    /// Discharge of the intact orifice at stage `z`.
    pub fn discharge_at(&self, z: f64) -> Discharge {
        let h = z - self.invert;
        if h.is_nan() {
            return Discharge { flow_m3s: f64::NAN, ..Discharge::DRY };
        }
        if h <= 0.0 || self.tailwater.is_some_and(|t| z <= t) {
            return Discharge::DRY;
        }
        // Tailwater height above the invert (0 for a free outfall).
        let t = self.tailwater.map_or(0.0, |t| (t - self.invert).max(0.0));
        let root2g = (2.0 * self.g).sqrt();
        let area = self.shape.area();
        let (q, regime) = match self.orientation {
            Orientation::Bottom => {
                let hc = self.bottom_critical_head();
                let head = h - t;
                if head < hc {
                    (self.cd * area * root2g * hc.sqrt() * pow1_5(head / hc), Regime::Weir)
                } else {
                    (self.cd * area * root2g * head.sqrt(), Regime::Orifice)
                }
            }
            Orientation::Side(rule) => {
                let d = self.shape.height();
                let regime = if h < d { Regime::Weir } else { Regime::Orifice };
                let integral = match rule {
                    SideRule::Exact => drowned_torricelli_integral(self.shape, h, t),
                    SideRule::Swmm if t <= 0.0 => side_opening_integral(self.shape, rule, h),
                    SideRule::Swmm if h < d => {
                        side_opening_integral(self.shape, rule, h) * villemonte(t / h, 1.5)
                    }
                    SideRule::Swmm => area * (h - t.max(0.5 * d)).sqrt(),
                };
                (self.cd * root2g * integral, regime)
            }
        };
        Discharge { flow_m3s: q, regime, control: Control::Inlet }
    }

    /// Stages where the regime changes.
    pub fn transitions(&self) -> Vec<Elevation> {
        let top = match self.orientation {
            Orientation::Side(_) => self.shape.height(),
            Orientation::Bottom => self.bottom_critical_head(),
        };
        vec![Elevation(self.invert), Elevation(self.invert + top)]
    }
}

/// The flow of a side opening divided by `C_d √(2g)` at pond depth `h` > 0 above its invert,
/// under `rule` (for SWMM's rule, the equivalent of its weir/orifice pair).
pub(crate) fn side_opening_integral(shape: OrificeShape, rule: SideRule, h: f64) -> f64 {
    match rule {
        SideRule::Exact => torricelli_integral(shape, h),
        SideRule::Swmm => {
            let d = shape.height();
            let a = shape.area();
            if h < d { a * (0.5 * d).sqrt() * pow1_5(h / d) } else { a * (h - 0.5 * d).sqrt() }
        }
    }
}

/// `∫ w(ζ) √(h − ζ) dζ` over the wetted part of a side opening, `ζ` measured up from its
/// invert, `h` the pond depth above the invert (> 0). Multiply by `C_d √(2g)` for the flow.
pub(crate) fn torricelli_integral(shape: OrificeShape, h: f64) -> f64 {
    match shape {
        OrificeShape::Rectangular { width_m, height_m } => {
            let top = (h - height_m).max(0.0);
            2.0 / 3.0 * width_m * (pow1_5(h) - pow1_5(top))
        }
        OrificeShape::Circular { diameter_m } => circle_free_integral(0.5 * diameter_m, h, 0.0),
    }
}

/// `∫ w(ζ) √(h − ζ) dζ` over the wetted part of a circle of radius `r` above `ζ = r − r cos φ_lo`
/// (`φ = 0` at the invert, `w = 2 r sin φ`, `dζ = r sin φ dφ`).
fn circle_free_integral(r: f64, h: f64, phi_lo: f64) -> f64 {
    let s = h - r; // pond level above the centre
    let integrand = |phi: f64| {
        let sin = phi.sin();
        2.0 * r * r * sin * sin * (s + r * phi.cos()).max(0.0).sqrt()
    };
    if s >= r {
        // Submerged: smooth up to π (at s = r the root is √(2r)|cos(φ/2)|).
        quadrature::integrate(phi_lo, std::f64::consts::PI, integrand)
    } else {
        // Partly wetted up to φ_max; the root behaves as √(φ_max − φ) there, so φ = φ_max − u²
        // makes the integrand smooth in u.
        let phi_max = (-s / r).clamp(-1.0, 1.0).acos();
        if phi_max <= phi_lo {
            return 0.0;
        }
        quadrature::integrate(0.0, (phi_max - phi_lo).sqrt(), |u| {
            2.0 * u * integrand(phi_max - u * u)
        })
    }
}

/// `∫ w(ζ) √(h − max(ζ, t)) dζ` over the wetted part of a side opening whose lower `t` metres
/// are drowned by a tailwater `t` above the invert (`0 ≤ t < h`; `t` may exceed `D`): the
/// drowned part sees the head `h − t`, the part above it the local depth `h − ζ`.
pub(crate) fn drowned_torricelli_integral(shape: OrificeShape, h: f64, t: f64) -> f64 {
    if t <= 0.0 {
        return torricelli_integral(shape, h);
    }
    let drowned_height = t.min(shape.height());
    match shape {
        OrificeShape::Rectangular { width_m, height_m } => {
            let free = pow1_5(h - drowned_height) - pow1_5((h - height_m).max(0.0));
            width_m * drowned_height * (h - t).sqrt() + 2.0 / 3.0 * width_m * free.max(0.0)
        }
        OrificeShape::Circular { diameter_m } => {
            let r = 0.5 * diameter_m;
            let phi_t = (1.0 - drowned_height / r).clamp(-1.0, 1.0).acos();
            let drowned_area = r * r * (phi_t - phi_t.sin() * phi_t.cos());
            drowned_area * (h - t).sqrt() + circle_free_integral(r, h, phi_t)
        }
    }
}

impl super::Outlet for Orifice {
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn kind(&self) -> &str {
        "orifice"
    }
    fn discharge(&self, stage: Elevation, _time_s: f64) -> Discharge {
        self.condition.apply(self.discharge_at(stage.m()))
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        self.transitions()
    }
}
