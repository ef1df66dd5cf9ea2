//! From the shared dam section (core) to the limit-equilibrium model and problem.

use crate::error::StabilityError;
use crate::model::{Material, SlopeModel, Zone};
use crate::problem::{Loads, PondedWater, PoreWater, Seismic, SlopeProblem};
use tailtwin_core::{DamSection, GAMMA_W, PorePressure};

impl SlopeModel {
    /// The section's zones and materials. Drains are laid over zones for seepage only; their
    /// strength is the zone's beneath them.
    pub fn from_section(section: &DamSection) -> Result<Self, StabilityError> {
        let materials = section.materials.iter().map(Material::from).collect();
        let zones = section
            .zones
            .iter()
            .map(|z| Zone { polygon: z.polygon.vertices().to_vec(), material: z.material.0 })
            .collect();
        SlopeModel::new(materials, zones)
    }
}

impl SlopeProblem {
    /// A load case on a dam section: pore pressure (from seepage or a phreatic line), the pond
    /// level (water against the surface on the pond side, up to `pond_side.surface_until_x`)
    /// and pseudo-static seismic loading.
    pub fn for_section(
        section: &DamSection,
        pore_pressure: PorePressure,
        pond_level_m: Option<f64>,
        seismic: Seismic,
    ) -> Result<Self, StabilityError> {
        let model = SlopeModel::from_section(section)?;
        let ponded_water = pond_level_m.map(|level_m| PondedWater {
            level_m,
            x_min: section.surface.first().x,
            x_max: section.pond_side.surface_until_x,
        });
        let loads = Loads { ponded_water, seismic, ..Loads::default() };
        let problem =
            Self { model, pore_water: PoreWater::Pressure(pore_pressure), loads, gamma_w: GAMMA_W };
        problem.validate()?;
        Ok(problem)
    }
}
