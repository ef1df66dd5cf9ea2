//! Pipes and tunnels: inlet control (critical flow at the entrance, then submerged-inlet
//! orifice), Manning barrel capacity and full-pressure flow; the smaller capacity governs.
//!
//! With `E` the pond stage (approach velocity neglected), `H = E − z_in`, `D` the section
//! height, `A` the full area, `R` the full hydraulic radius:
//!
//! - inlet, unsubmerged (`H < k_s D`, `k_s` = submergence ratio, default 1.2): critical flow
//!   at the entrance with entrance loss `ζ_e`, `Q_i = max_y A(y) √(2g (H − y) / (1 + ζ_e))`,
//!   attained where `H = y + (1 + ζ_e) A(y) / (2 T(y))` (for a box with `ζ_e = 0` this is the
//!   ideal broad-crested weir, `m = 0.385`; with `ζ_e = 0.5`, `m = 0.305`);
//! - inlet, submerged (`H ≥ k_s D`): orifice on the head above mid-height,
//!   `Q_i = μ_i A √(2g (H − D/2))`, with `μ_i` chosen so that the two inlet laws meet at
//!   `H = k_s D` (SWMM's device for its side orifice; `μ_i` ≈ 0.5–0.6 for usual sections, read
//!   it with [`Conduit::inlet_orifice_coefficient`]);
//! - barrel, free surface: the Manning capacity of the barrel flowing just full at normal depth,
//!   `Q_n = A R^(2/3) S^(1/2) / n`, `S = (z_in − z_out)/L` (outlet control by a drowned outlet is
//!   not modelled in this regime: the outlet is assumed free);
//! - barrel, pressure: `Q_p = μ_c A √(2g (E − z_ref))`,
//!   `μ_c = 1/√(k_exit + ζ_e + Σζ + λ L/(4R))`, `λ = 8 g n² / R^(1/3)`,
//!   `z_ref = max(outlet mid-height, tailwater)` (free outlet: the head is measured to the
//!   outlet centre; drowned: to the tailwater); `k_exit = 1` is the velocity head leaving a
//!   free outlet or the expansion loss into a drowned one;
//! - barrel capacity `Q_b = max(Q_n, Q_p)` (the barrel pressurises once the head drives more
//!   than its free-surface capacity) or `Q_p` alone when the tailwater drowns the outlet crown;
//! - `Q = min(Q_i, Q_b)`. Regimes: inlet controls unsubmerged → free surface; inlet controls
//!   submerged → half-pressure (barrel part full behind the contracted inlet jet); barrel
//!   controls at `Q_n` → free surface; at `Q_p` → pressure.
//!
//! Every piece is continuous and non-decreasing in `E`, and so are `max` and `min` of them: the
//! rating is continuous at every transition with no blending band.

use super::common::{Condition, StructureId};
use super::error::{StructureError, finite, in_range, positive};
use super::section::{ConduitShape, Section};
use tailtwin_core::{Control, Discharge, Elevation, G, Regime};

/// A pipe or tunnel discharging from the pond (or from a tower shaft) to a free or drowned
/// outlet.
#[derive(Debug, Clone, PartialEq)]
pub struct Conduit {
    id: StructureId,
    section: Section,
    inlet_invert: f64,
    outlet_invert: f64,
    length: f64,
    manning_n: f64,
    entrance_loss: f64,
    other_losses: f64,
    exit_coefficient: f64,
    submergence_ratio: f64,
    tailwater: Option<f64>,
    g: f64,
    condition: Condition,
    // Derived in `derive()`.
    barrel_free_capacity: f64,
    pressure_coefficient: f64,
    inlet_orifice_coefficient: f64,
    pressure_reference: f64,
    drowned: bool,
}

impl Conduit {
    /// Validate and build with default losses (entrance ζ_e = 0.5 square edge, no bends, exit 1),
    /// submergence ratio 1.2, free outlet, g = [`G`].
    pub fn new(
        id: impl Into<StructureId>,
        shape: ConduitShape,
        inlet_invert: Elevation,
        outlet_invert: Elevation,
        length_m: f64,
        manning_n: f64,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        let section = Section::new(s, shape)?;
        finite(s, "inlet_invert", inlet_invert.m())?;
        finite(s, "outlet_invert", outlet_invert.m())?;
        positive(s, "length", length_m)?;
        in_range(s, "manning_n", manning_n, 0.005, 0.1)?;
        let drop = inlet_invert.m() - outlet_invert.m();
        if drop <= 0.0 {
            return Err(StructureError::NonPositiveSlope {
                structure: s.to_string(),
                inlet: inlet_invert.m(),
                outlet: outlet_invert.m(),
            });
        }
        in_range(s, "invert drop (must be below the length)", drop, 0.0, length_m)?;
        let mut c = Conduit {
            id,
            section,
            inlet_invert: inlet_invert.m(),
            outlet_invert: outlet_invert.m(),
            length: length_m,
            manning_n,
            entrance_loss: 0.5,
            other_losses: 0.0,
            exit_coefficient: 1.0,
            submergence_ratio: 1.2,
            tailwater: None,
            g: G,
            condition: Condition::Intact,
            barrel_free_capacity: 0.0,
            pressure_coefficient: 0.0,
            inlet_orifice_coefficient: 0.0,
            pressure_reference: 0.0,
            drowned: false,
        };
        c.derive();
        Ok(c)
    }

    /// Entrance loss ζ_e (0.5 square edge, 0.2 bevelled, 0.1 bell-mouth) and the sum of other
    /// local losses Σζ (bends, gates, a tower shaft referred to this conduit's velocity head).
    pub fn with_losses(mut self, entrance: f64, others: f64) -> Result<Self, StructureError> {
        self.entrance_loss = in_range(self.id.as_str(), "entrance_loss", entrance, 0.0, 5.0)?;
        self.other_losses = in_range(self.id.as_str(), "other_losses", others, 0.0, 1e3)?;
        self.derive();
        Ok(self)
    }

    /// Exit coefficient (1.0: velocity head leaving a free outlet, or Borda expansion loss).
    pub fn with_exit_coefficient(mut self, k: f64) -> Result<Self, StructureError> {
        self.exit_coefficient = in_range(self.id.as_str(), "exit_coefficient", k, 0.5, 2.0)?;
        self.derive();
        Ok(self)
    }

    /// Inlet submergence ratio `H/D` where the entrance turns from free-surface to orifice
    /// control (1.1–1.25 in Chinese practice; default 1.2).
    pub fn with_submergence_ratio(mut self, ratio: f64) -> Result<Self, StructureError> {
        self.submergence_ratio = in_range(self.id.as_str(), "submergence_ratio", ratio, 1.0, 1.5)?;
        self.derive();
        Ok(self)
    }

    /// Fixed tailwater level at the outlet.
    pub fn with_tailwater(mut self, tailwater: Elevation) -> Result<Self, StructureError> {
        self.tailwater = Some(finite(self.id.as_str(), "tailwater", tailwater.m())?);
        self.derive();
        Ok(self)
    }

    /// Gravity, m/s².
    pub fn with_gravity(mut self, g: f64) -> Result<Self, StructureError> {
        self.g = in_range(self.id.as_str(), "g", g, 9.7, 9.9)?;
        self.derive();
        Ok(self)
    }

    /// Blockage, damage or closure.
    pub fn with_condition(mut self, condition: Condition) -> Result<Self, StructureError> {
        self.condition = condition.validate(self.id.as_str())?;
        Ok(self)
    }

    fn derive(&mut self) {
        let a = self.section.full_area();
        let r = self.section.full_hydraulic_radius();
        let d = self.section.height();
        let slope = (self.inlet_invert - self.outlet_invert) / self.length;
        self.barrel_free_capacity = a * r.powf(2.0 / 3.0) * slope.sqrt() / self.manning_n;
        let lambda = 8.0 * self.g * self.manning_n * self.manning_n / r.powf(1.0 / 3.0);
        let losses = self.exit_coefficient
            + self.entrance_loss
            + self.other_losses
            + lambda * self.length / (4.0 * r);
        self.pressure_coefficient = 1.0 / losses.sqrt();
        let centre = self.outlet_invert + 0.5 * d;
        let crown = self.outlet_invert + d;
        self.pressure_reference = self.tailwater.map_or(centre, |t| t.max(centre));
        self.drowned = self.tailwater.is_some_and(|t| t > crown);
        let hs = self.submergence_ratio * d;
        let q_weir = self.inlet_weir_flow(hs);
        self.inlet_orifice_coefficient = q_weir / (a * (2.0 * self.g * (hs - 0.5 * d)).sqrt());
    }

    pub fn id(&self) -> &StructureId {
        &self.id
    }
    pub fn section(&self) -> &Section {
        &self.section
    }
    pub fn inlet_invert(&self) -> Elevation {
        Elevation(self.inlet_invert)
    }
    pub fn outlet_invert(&self) -> Elevation {
        Elevation(self.outlet_invert)
    }
    /// Entrance loss ζ_e and other local losses Σζ.
    pub fn losses(&self) -> (f64, f64) {
        (self.entrance_loss, self.other_losses)
    }
    /// Manning capacity of the barrel flowing just full, m³/s.
    pub fn barrel_free_capacity(&self) -> f64 {
        self.barrel_free_capacity
    }
    /// Pressure-flow coefficient μ_c.
    pub fn pressure_coefficient(&self) -> f64 {
        self.pressure_coefficient
    }
    /// Submerged-inlet orifice coefficient μ_i (matched to the weir law at `k_s D`).
    pub fn inlet_orifice_coefficient(&self) -> f64 {
        self.inlet_orifice_coefficient
    }

    /// Inlet-control flow for an unsubmerged entrance at head `h` above the inlet invert:
    /// the critical-flow maximum of `A(y) √(2g (h − y)/(1 + ζ_e))`.
    fn inlet_weir_flow(&self, h: f64) -> f64 {
        if h <= 0.0 {
            return 0.0;
        }
        let k = 1.0 + self.entrance_loss;
        let s = &self.section;
        let d = s.height();
        // Root of f(y) = y + k A/(2T) − h on (0, D): f(0+) = −h·(…) < 0 and f grows without
        // bound towards a closed crown (T → 0) or past h at the crown of a box (h ≤ 1.5 D).
        let f = |y: f64| {
            let t = s.top_width(y);
            if t <= 0.0 { f64::INFINITY } else { y + k * s.area(y) / (2.0 * t) - h }
        };
        let (mut lo, mut hi) = (0.0, d.min(h));
        let (mut f_lo, mut f_hi) = (-h, f(hi));
        if f_hi <= 0.0 {
            lo = hi;
        } else {
            // Illinois regula falsi with a bisection fallback while f_hi is infinite.
            let mut side = 0i8;
            for _ in 0..100 {
                let y = if f_hi.is_finite() {
                    (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
                } else {
                    0.5 * (lo + hi)
                };
                let fy = f(y);
                if fy > 0.0 {
                    hi = y;
                    f_hi = fy;
                    if side == 1 {
                        f_lo *= 0.5;
                    }
                    side = 1;
                } else {
                    lo = y;
                    f_lo = fy;
                    if side == -1 && f_hi.is_finite() {
                        f_hi *= 0.5;
                    }
                    side = -1;
                }
                if hi - lo < 1e-13 * d || fy.abs() < 1e-14 * d {
                    break;
                }
            }
        }
        let y = if f_lo.abs() < f_hi.abs() { lo } else { hi };
        s.area(y) * (2.0 * self.g * (h - y).max(0.0) / k).sqrt()
    }

    /// Discharge of the intact conduit for upstream energy level `e` (the pond stage).
    pub fn discharge_at(&self, e: f64) -> Discharge {
        let h = e - self.inlet_invert;
        if h.is_nan() {
            return Discharge { flow_m3s: f64::NAN, ..Discharge::DRY };
        }
        if h <= 0.0 {
            return Discharge::DRY;
        }
        let d = self.section.height();
        let a = self.section.full_area();
        let root2g = (2.0 * self.g).sqrt();
        let (q_inlet, inlet_regime) = if h < self.submergence_ratio * d {
            (self.inlet_weir_flow(h), Regime::FreeSurface)
        } else {
            (
                self.inlet_orifice_coefficient * a * root2g * (h - 0.5 * d).sqrt(),
                Regime::HalfPressure,
            )
        };
        let q_pressure =
            self.pressure_coefficient * a * root2g * (e - self.pressure_reference).max(0.0).sqrt();
        let (q_barrel, barrel_regime) = if self.drowned || q_pressure > self.barrel_free_capacity {
            (q_pressure, Regime::Pressure)
        } else {
            (self.barrel_free_capacity, Regime::FreeSurface)
        };
        if q_barrel <= 0.0 {
            // Drowned outlet with the pond at or below the tailwater: no flow.
            return Discharge::DRY;
        }
        if q_barrel < q_inlet {
            Discharge { flow_m3s: q_barrel, regime: barrel_regime, control: Control::Conduit }
        } else {
            Discharge { flow_m3s: q_inlet, regime: inlet_regime, control: Control::Inlet }
        }
    }

    /// Stages where a regime law changes: the inlet invert, inlet submergence, and the stage
    /// where pressure flow overtakes the free-surface barrel capacity.
    pub fn transitions(&self) -> Vec<Elevation> {
        let d = self.section.height();
        let mut t = vec![
            Elevation(self.inlet_invert),
            Elevation(self.inlet_invert + self.submergence_ratio * d),
        ];
        if !self.drowned {
            let v =
                self.barrel_free_capacity / (self.pressure_coefficient * self.section.full_area());
            t.push(Elevation(self.pressure_reference + v * v / (2.0 * self.g)));
        }
        t
    }
}

impl super::Outlet for Conduit {
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn kind(&self) -> &str {
        "conduit"
    }
    fn discharge(&self, stage: Elevation, _time_s: f64) -> Discharge {
        self.condition.apply(self.discharge_at(stage.m()))
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        self.transitions()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the critical-flow inlet solver finds the energy-maximising depth of a circle.
    // Setup: D = 1 m circle, ζ_e = 0.5, H = 0.6 m, g = 9.81.
    // Reference: independent 200-step bisection of y + 1.5 A/(2T) = H in Python with the circle
    // closed forms: y = 0.38512180689661935, Q = 0.4674710493861089 m³/s.
    // Tolerance: 1e-11 relative (both roots converge to ~1e-15 D; Q is stationary in y there).
    #[test]
    fn circular_inlet_critical_flow_matches_independent_root() {
        let shape = ConduitShape::Circular { diameter_m: 1.0 };
        let c = Conduit::new("c", shape, Elevation(0.0), Elevation(-1.0), 100.0, 0.013).unwrap();
        let q = c.inlet_weir_flow(0.6);
        assert!((q / 0.4674710493861089 - 1.0).abs() < 1e-11, "{q}");
    }

    // Goal: a drowned conduit passes nothing while the pond is at or below the tailwater.
    #[test]
    fn drowned_conduit_is_dry_below_tailwater() {
        let shape = ConduitShape::Box { width_m: 1.0, height_m: 1.0 };
        let c = Conduit::new("c", shape, Elevation(10.0), Elevation(9.0), 100.0, 0.013)
            .unwrap()
            .with_tailwater(Elevation(10.5))
            .unwrap();
        assert_eq!(c.discharge_at(10.4), Discharge::DRY);
        assert!(c.discharge_at(10.6).flow_m3s > 0.0);
    }
}
