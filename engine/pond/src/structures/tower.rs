//! Decant towers (排水井): window type (窗口式) and frame type (框架式), each an inlet, a
//! vertical shaft and an optional outlet conduit in series.
//!
//! Inlet of a window tower: every open window (rows whose sill is at or above `sealed_up_to`;
//! rows below are plugged) is a rectangular side opening, `Q = μ √(2g) ∫ w √(z − ζ) dζ` over
//! its wetted height (weir `(2/3) μ w √(2g) H^1.5` while partly submerged, orifice once
//! submerged; continuous), or SWMM's side-orifice rule if chosen. When the pond overtops the
//! crown, the tower top adds a ring weir `Q = m_c π D_out √(2g) (z − z_crown)^1.5`.
//!
//! Inlet of a frame tower: cover plates (叠梁/盖板) stacked in the frame bays up to
//! `plates_top`; water passes over the top plate along the net open perimeter `L` (the sum of
//! the bay widths) — the same rectangular-opening law with width `L` and height
//! `crown − plates_top` (weir, then orifice once the pond is above the frame top, whose roof
//! slab is closed).
//!
//! Shaft: a vertical pipe of diameter `D_s` from the crown down to `base`, where the outlet
//! conduit starts. Its own capacity is full-pipe flow from the pond level to the base,
//! `Q_s = A_s √(2g (z − z_base) / (1 + ζ_s + λ_s L_w / D_s))`, `L_w = min(z, crown) − base`,
//! `λ_s = 8 g n² / R_s^(1/3)` (monotone in `z`). Its friction over the full shaft height and the
//! bend into the conduit are also added to the conduit's local losses, referred to the conduit
//! velocity head: `ζ' = (λ_s H_s / D_s + ζ_bend) (A_c / A_s)²`.
//!
//! System: `Q = min(Q_inlet, Q_shaft, Q_conduit)`, with the control and regime of the smallest
//! (ties to the upstream part).

use super::common::{Condition, StructureId, pow1_5, series_min};
use super::conduit::Conduit;
use super::error::{StructureError, crown_above_base, finite, in_range, positive};
use super::orifice::{OrificeShape, SideRule, side_opening_integral, torricelli_integral};
use tailtwin_core::{Control, Discharge, Elevation, G, Regime};

/// The vertical shaft of a tower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shaft {
    /// Inner diameter, m.
    pub diameter_m: f64,
    /// Manning n of the shaft lining (0.014 concrete).
    pub manning_n: f64,
    /// Loss where water enters the shaft (0.5).
    pub entrance_loss: f64,
    /// Bend from the shaft into the conduit (0.5 for a sharp 90° bend with a sump).
    pub bend_loss: f64,
}

impl Shaft {
    /// A concrete shaft with default losses.
    pub fn new(diameter_m: f64) -> Self {
        Shaft { diameter_m, manning_n: 0.014, entrance_loss: 0.5, bend_loss: 0.5 }
    }

    fn validate(&self, s: &str) -> Result<(), StructureError> {
        positive(s, "shaft.diameter", self.diameter_m)?;
        in_range(s, "shaft.manning_n", self.manning_n, 0.005, 0.1)?;
        in_range(s, "shaft.entrance_loss", self.entrance_loss, 0.0, 5.0)?;
        in_range(s, "shaft.bend_loss", self.bend_loss, 0.0, 5.0)?;
        Ok(())
    }

    fn area(&self) -> f64 {
        0.25 * std::f64::consts::PI * self.diameter_m * self.diameter_m
    }

    fn friction_factor(&self, g: f64) -> f64 {
        let r = 0.25 * self.diameter_m;
        8.0 * g * self.manning_n * self.manning_n / r.powf(1.0 / 3.0)
    }

    /// Full-pipe capacity from stage `z` to the base.
    fn capacity(&self, z: f64, base: f64, crown: f64, g: f64) -> Discharge {
        let head = z - base;
        if head <= 0.0 {
            return Discharge::DRY;
        }
        let wetted = z.min(crown) - base;
        let k = 1.0 + self.entrance_loss + self.friction_factor(g) * wetted / self.diameter_m;
        Discharge {
            flow_m3s: self.area() * (2.0 * g * head / k).sqrt(),
            regime: Regime::Pressure,
            control: Control::Shaft,
        }
    }

    /// Shaft friction over `height` plus the bend, referred to a conduit of area `a_conduit`.
    fn loss_referred_to(&self, height: f64, a_conduit: f64, g: f64) -> f64 {
        let ratio = a_conduit / self.area();
        (self.friction_factor(g) * height / self.diameter_m + self.bend_loss) * ratio * ratio
    }
}

/// Attach `outlet` below a shaft of height `height`: the shaft friction and bend are added to
/// the conduit's other losses.
fn attach_outlet(
    shaft: &Shaft,
    height: f64,
    outlet: Conduit,
    g: f64,
) -> Result<Conduit, StructureError> {
    let extra = shaft.loss_referred_to(height, outlet.section().full_area(), g);
    let (entrance, others) = outlet.losses();
    outlet.with_losses(entrance, others + extra)
}

/// Window layout of a window tower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Windows {
    /// Sill of the lowest row.
    pub bottom: Elevation,
    /// Vertical distance between the sills of successive rows, m.
    pub row_spacing_m: f64,
    /// Windows in each row.
    pub per_row: u32,
    pub width_m: f64,
    pub height_m: f64,
    /// Number of rows; `None`: as many as fit below the crown.
    pub rows: Option<u32>,
}

/// A window-type decant tower (窗口式排水井).
#[derive(Debug, Clone, PartialEq)]
pub struct WindowTower {
    id: StructureId,
    base: f64,
    crown: f64,
    outer_diameter: f64,
    windows: Windows,
    rows: u32,
    sealed_up_to: f64,
    window_cd: f64,
    window_rule: SideRule,
    crown_m: f64,
    shaft: Shaft,
    outlet: Option<Conduit>,
    g: f64,
    condition: Condition,
}

impl WindowTower {
    /// Validate and build: shaft base and crown elevations, outer diameter (for the crown ring
    /// weir), windows, and the level up to which windows are plugged. Windows: μ = 0.61,
    /// exact partly-submerged integral; crown ring weir m_c = 0.40.
    pub fn new(
        id: impl Into<StructureId>,
        base: Elevation,
        crown: Elevation,
        outer_diameter_m: f64,
        shaft: Shaft,
        windows: Windows,
        sealed_up_to: Elevation,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        finite(s, "base", base.m())?;
        finite(s, "crown", crown.m())?;
        finite(s, "sealed_up_to", sealed_up_to.m())?;
        crown_above_base(s, crown.m(), base.m())?;
        shaft.validate(s)?;
        positive(s, "outer_diameter", outer_diameter_m)?;
        in_range(s, "outer_diameter", outer_diameter_m, shaft.diameter_m, f64::INFINITY)?;
        positive(s, "windows.width", windows.width_m)?;
        positive(s, "windows.height", windows.height_m)?;
        positive(s, "windows.per_row", f64::from(windows.per_row))?;
        in_range(s, "windows.row_spacing", windows.row_spacing_m, windows.height_m, f64::INFINITY)?;
        finite(s, "windows.bottom", windows.bottom.m())?;
        // Windows are cut in the shaft wall: the row width cannot exceed the circumference.
        let row_width = f64::from(windows.per_row) * windows.width_m;
        in_range(
            s,
            "windows per row × width",
            row_width,
            0.0,
            std::f64::consts::PI * shaft.diameter_m,
        )?;
        if windows.bottom.m() < base.m() {
            return Err(StructureError::SillBelowBase {
                structure: s.to_string(),
                sill: windows.bottom.m(),
                base: base.m(),
            });
        }
        let fit =
            ((crown.m() - windows.bottom.m() - windows.height_m) / windows.row_spacing_m).floor();
        let rows = match windows.rows {
            Some(n) => {
                positive(s, "windows.rows", f64::from(n))?;
                let top = windows.bottom.m()
                    + f64::from(n - 1) * windows.row_spacing_m
                    + windows.height_m;
                if top > crown.m() + 1e-9 {
                    return Err(StructureError::WindowAboveCrown {
                        structure: s.to_string(),
                        row: n as usize,
                        top,
                        crown: crown.m(),
                    });
                }
                n
            }
            None if fit < 0.0 => {
                return Err(StructureError::WindowAboveCrown {
                    structure: s.to_string(),
                    row: 1,
                    top: windows.bottom.m() + windows.height_m,
                    crown: crown.m(),
                });
            }
            None => fit as u32 + 1,
        };
        Ok(WindowTower {
            id,
            base: base.m(),
            crown: crown.m(),
            outer_diameter: outer_diameter_m,
            windows,
            rows,
            sealed_up_to: sealed_up_to.m(),
            window_cd: super::Orifice::DEFAULT_CD,
            window_rule: SideRule::Exact,
            crown_m: 0.40,
            shaft,
            outlet: None,
            g: G,
            condition: Condition::Intact,
        })
    }

    /// The outlet conduit (pipe or tunnel) from the shaft base; the shaft friction and bend
    /// are added to its local losses.
    pub fn with_outlet(mut self, outlet: Conduit) -> Result<Self, StructureError> {
        self.outlet = Some(attach_outlet(&self.shaft, self.crown - self.base, outlet, self.g)?);
        Ok(self)
    }

    /// Window discharge coefficient μ and partly-submerged rule.
    pub fn with_windows_flow(mut self, cd: f64, rule: SideRule) -> Result<Self, StructureError> {
        self.window_cd = in_range(self.id.as_str(), "windows.cd", cd, 0.1, 1.0)?;
        self.window_rule = rule;
        Ok(self)
    }

    /// Crown ring-weir coefficient m_c (default 0.40).
    pub fn with_crown_coefficient(mut self, m: f64) -> Result<Self, StructureError> {
        self.crown_m = in_range(self.id.as_str(), "crown_coefficient", m, 0.1, 0.6)?;
        Ok(self)
    }

    /// Move the plugs: rows with a sill below `level` are closed.
    pub fn with_sealed_up_to(mut self, level: Elevation) -> Result<Self, StructureError> {
        self.sealed_up_to = finite(self.id.as_str(), "sealed_up_to", level.m())?;
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
    pub fn crown(&self) -> Elevation {
        Elevation(self.crown)
    }
    /// Number of window rows.
    pub fn rows(&self) -> u32 {
        self.rows
    }
    pub fn outlet(&self) -> Option<&Conduit> {
        self.outlet.as_ref()
    }

    /// Index of the lowest open row.
    fn first_open_row(&self) -> u32 {
        let w = &self.windows;
        let k = ((self.sealed_up_to - w.bottom.m()) / w.row_spacing_m - 1e-9).ceil();
        k.clamp(0.0, f64::from(self.rows)) as u32
    }

    /// Inlet capacity (windows and crown) at stage `z`.
    pub fn inlet_discharge(&self, z: f64) -> Discharge {
        let w = &self.windows;
        let shape = OrificeShape::Rectangular { width_m: w.width_m, height_m: w.height_m };
        let per_row = f64::from(w.per_row);
        let root2g = (2.0 * self.g).sqrt();
        let mut q = 0.0;
        let mut regime = Regime::Dry;
        for row in self.first_open_row()..self.rows {
            let sill = w.bottom.m() + f64::from(row) * w.row_spacing_m;
            let h = z - sill;
            if h <= 0.0 {
                break;
            }
            q += per_row
                * self.window_cd
                * root2g
                * side_opening_integral(shape, self.window_rule, h);
            regime = if h < w.height_m { Regime::Weir } else { Regime::Orifice };
        }
        let over = z - self.crown;
        if over > 0.0 {
            q += self.crown_m * std::f64::consts::PI * self.outer_diameter * root2g * pow1_5(over);
            regime = Regime::Weir;
        }
        if regime == Regime::Dry {
            return Discharge::DRY;
        }
        Discharge { flow_m3s: q, regime, control: Control::Inlet }
    }

    /// Discharge of the intact tower system at stage `z`.
    pub fn discharge_at(&self, z: f64) -> Discharge {
        if z.is_nan() {
            return Discharge { flow_m3s: f64::NAN, ..Discharge::DRY };
        }
        let inlet = self.inlet_discharge(z);
        if inlet.flow_m3s <= 0.0 {
            return inlet;
        }
        let mut d = series_min(inlet, self.shaft.capacity(z, self.base, self.crown, self.g));
        if let Some(c) = &self.outlet {
            d = series_min(d, c.discharge_at(z));
        }
        d
    }

    /// Sills and tops of the open rows, the crown, and the outlet's transitions.
    pub fn transitions(&self) -> Vec<Elevation> {
        let w = &self.windows;
        let mut t = Vec::new();
        for row in self.first_open_row()..self.rows {
            let sill = w.bottom.m() + f64::from(row) * w.row_spacing_m;
            t.push(Elevation(sill));
            t.push(Elevation(sill + w.height_m));
        }
        t.push(Elevation(self.crown));
        if let Some(c) = &self.outlet {
            t.extend(c.transitions());
        }
        t
    }
}

/// A frame-type decant tower (框架式排水井).
#[derive(Debug, Clone, PartialEq)]
pub struct FrameTower {
    id: StructureId,
    base: f64,
    crown: f64,
    plates_top: f64,
    open_perimeter: f64,
    cd: f64,
    shaft: Shaft,
    outlet: Option<Conduit>,
    g: f64,
    condition: Condition,
}

impl FrameTower {
    /// Validate and build: base, frame top (crown), current top of the cover plates, the net
    /// open perimeter (sum of bay widths), and the shaft. μ = 0.61.
    pub fn new(
        id: impl Into<StructureId>,
        base: Elevation,
        crown: Elevation,
        plates_top: Elevation,
        open_perimeter_m: f64,
        shaft: Shaft,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        finite(s, "base", base.m())?;
        finite(s, "crown", crown.m())?;
        crown_above_base(s, crown.m(), base.m())?;
        shaft.validate(s)?;
        positive(s, "open_perimeter", open_perimeter_m)?;
        in_range(s, "plates_top", plates_top.m(), base.m(), crown.m() - 1e-6)?;
        Ok(FrameTower {
            id,
            base: base.m(),
            crown: crown.m(),
            plates_top: plates_top.m(),
            open_perimeter: open_perimeter_m,
            cd: super::Orifice::DEFAULT_CD,
            shaft,
            outlet: None,
            g: G,
            condition: Condition::Intact,
        })
    }

    /// The outlet conduit from the shaft base (shaft friction and bend added to its losses).
    pub fn with_outlet(mut self, outlet: Conduit) -> Result<Self, StructureError> {
        self.outlet = Some(attach_outlet(&self.shaft, self.crown - self.base, outlet, self.g)?);
        Ok(self)
    }

    /// Discharge coefficient μ of the plate crest / bay openings.
    pub fn with_cd(mut self, cd: f64) -> Result<Self, StructureError> {
        self.cd = in_range(self.id.as_str(), "cd", cd, 0.1, 1.0)?;
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

    /// Discharge of the intact frame tower system at stage `z`.
    pub fn discharge_at(&self, z: f64) -> Discharge {
        if z.is_nan() {
            return Discharge { flow_m3s: f64::NAN, ..Discharge::DRY };
        }
        let h = z - self.plates_top;
        if h <= 0.0 {
            return Discharge::DRY;
        }
        let opening = self.crown - self.plates_top;
        let shape = OrificeShape::Rectangular { width_m: self.open_perimeter, height_m: opening };
        let q = self.cd * (2.0 * self.g).sqrt() * torricelli_integral(shape, h);
        let regime = if h < opening { Regime::Weir } else { Regime::Orifice };
        let inlet = Discharge { flow_m3s: q, regime, control: Control::Inlet };
        let mut d = series_min(inlet, self.shaft.capacity(z, self.base, self.crown, self.g));
        if let Some(c) = &self.outlet {
            d = series_min(d, c.discharge_at(z));
        }
        d
    }

    pub fn transitions(&self) -> Vec<Elevation> {
        let mut t = vec![Elevation(self.plates_top), Elevation(self.crown)];
        if let Some(c) = &self.outlet {
            t.extend(c.transitions());
        }
        t
    }
}

steady_outlet!(WindowTower, "window_tower");

steady_outlet!(FrameTower, "frame_tower");
