//! From the shared dam section (core) to the limit-equilibrium model and problem.

use crate::error::StabilityError;
use crate::load_case::LoadCase;
use crate::model::{Material, SlopeModel, Zone};
use crate::problem::{Loads, PondedWater, PoreWater, Seismic, SlopeProblem};
use tailtwin_core::{DamSection, GAMMA_W};

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
    /// A load case on a dam section: pore water (a seepage field, a phreatic line, r_u or
    /// none), the pond level (water against the surface on the pond side, up to
    /// `pond_side.surface_until_x`) and pseudo-static seismic loading.
    pub fn for_section(
        section: &DamSection,
        pore_water: PoreWater,
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
        let problem = Self {
            model,
            pore_water,
            loads,
            gamma_w: GAMMA_W,
            pore_adjustment: Default::default(),
        };
        problem.validate()?;
        Ok(problem)
    }

    /// [`SlopeProblem::for_section`] with everything a [`LoadCase`] brings: its pore water, pond
    /// level, earthquake, surcharges and tension crack.
    pub fn for_load_case(section: &DamSection, case: &LoadCase) -> Result<Self, StabilityError> {
        let mut problem =
            Self::for_section(section, case.pore_water.clone(), case.pond_level_m, case.seismic)?;
        problem.loads.surcharges = case.surcharges.clone();
        problem.loads.tension_crack = case.tension_crack;
        problem.validate()?;
        Ok(problem)
    }
}
