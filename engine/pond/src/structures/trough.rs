//! Inclined trough (排水斜槽): a rectangular trough laid up the pond slope, covered by plates
//! from its low end up to the operating level; the uncovered mouth above the last plate takes
//! the water, which runs down under the covers into the outlet conduit.
//!
//! The covered trough is a box conduit of width `b` and depth `d` (normal to the bed), inlet
//! invert at the mouth (`covers_up_to`), outlet invert at the trough's low end, length
//! `(z_mouth − z_low) / sin θ`, bed slope `sin θ`. Its regimes are the conduit's
//! (see [`Conduit`]), reported in trough terms:
//!
//! 1. weir flow into the mouth under the last cover — critical flow at the mouth, reported as
//!    [`Regime::Weir`] (this regime continues while the pond rises over the last cover, until
//!    the mouth is submerged at `H = k_s d`);
//! 2. half-pressure — the mouth submerged and controlling, the trough part full below it;
//! 3. pressure in the covered trough when its barrel controls ([`Control::Shaft`], the trough
//!    channel), or free-surface barrel capacity.
//!
//! Then the outlet conduit in series ([`Control::Conduit`]).

use super::common::{Condition, StructureId, series_min};
use super::conduit::Conduit;
use super::error::{StructureError, crown_above_base, finite, in_range, positive};
use super::section::ConduitShape;
use tailtwin_core::{Control, Discharge, Elevation, Regime};

/// An inclined trough with its covered length and optional outlet conduit.
#[derive(Debug, Clone, PartialEq)]
pub struct InclinedTrough {
    id: StructureId,
    low_invert: f64,
    top_invert: f64,
    mouth: f64,
    trough: Conduit,
    outlet: Option<Conduit>,
    condition: Condition,
}

impl InclinedTrough {
    /// Validate and build. `angle_rad` is the trough's inclination, `low_invert` and
    /// `top_invert` its invert at the low end and at its head, `covers_up_to` the invert
    /// elevation at the upper edge of the highest cover still in place (the mouth).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: impl Into<StructureId>,
        width_m: f64,
        depth_m: f64,
        angle_rad: f64,
        low_invert: Elevation,
        top_invert: Elevation,
        covers_up_to: Elevation,
        manning_n: f64,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        positive(s, "width", width_m)?;
        positive(s, "depth", depth_m)?;
        in_range(s, "angle", angle_rad, 1e-3, 0.5 * std::f64::consts::PI - 1e-3)?;
        finite(s, "low_invert", low_invert.m())?;
        finite(s, "top_invert", top_invert.m())?;
        crown_above_base(s, top_invert.m(), low_invert.m())?;
        // At least one cover stays in place (otherwise the trough is an open chute).
        in_range(s, "covers_up_to", covers_up_to.m(), low_invert.m() + 1e-6, top_invert.m())?;
        let length = (covers_up_to.m() - low_invert.m()) / angle_rad.sin();
        let trough = Conduit::new(
            id.clone(),
            ConduitShape::Box { width_m, height_m: depth_m },
            covers_up_to,
            low_invert,
            length,
            manning_n,
        )?;
        Ok(InclinedTrough {
            id,
            low_invert: low_invert.m(),
            top_invert: top_invert.m(),
            mouth: covers_up_to.m(),
            trough,
            outlet: None,
            condition: Condition::Intact,
        })
    }

    /// Mouth entrance loss and local losses along the covered trough.
    pub fn with_losses(mut self, entrance: f64, others: f64) -> Result<Self, StructureError> {
        self.trough = self.trough.with_losses(entrance, others)?;
        Ok(self)
    }

    /// The outlet conduit from the trough's low end.
    pub fn with_outlet(mut self, outlet: Conduit) -> Result<Self, StructureError> {
        if outlet.inlet_invert().m() > self.low_invert + 1e-9 {
            return Err(StructureError::SillBelowBase {
                structure: self.id.to_string(),
                sill: self.low_invert,
                base: outlet.inlet_invert().m(),
            });
        }
        self.outlet = Some(outlet);
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
    /// Invert at the mouth (top of the covered length).
    pub fn mouth(&self) -> Elevation {
        Elevation(self.mouth)
    }
    /// Invert at the trough head.
    pub fn top_invert(&self) -> Elevation {
        Elevation(self.top_invert)
    }

    /// Discharge of the intact trough system at stage `z`.
    pub fn discharge_at(&self, z: f64) -> Discharge {
        let mut d = self.trough.discharge_at(z);
        match (d.control, d.regime) {
            (Control::Inlet, Regime::FreeSurface) => d.regime = Regime::Weir,
            (Control::Conduit, _) => d.control = Control::Shaft,
            _ => {}
        }
        if d.flow_m3s > 0.0
            && let Some(c) = &self.outlet
        {
            d = series_min(d, c.discharge_at(z));
        }
        d
    }

    pub fn transitions(&self) -> Vec<Elevation> {
        let mut t = self.trough.transitions();
        if let Some(c) = &self.outlet {
            t.extend(c.transitions());
        }
        t
    }
}

steady_outlet!(InclinedTrough, "inclined_trough");
