//! The pond as the router sees it: stage–storage, dam crest (with overtopping), beach, dam type,
//! the area rain falls on, the routing start level and an optional maximum allowed level.

use crate::beach::{Beach, DamType};
use crate::storage::StageStorage;
use serde::{Deserialize, Serialize};
use tailtwin_core::Elevation;
use thiserror::Error;

/// Broad-crested overtopping coefficient, m^0.5/s: `(2/3)^1.5 √g = 1.705`, rounded as in
/// HEC-RAS/SWMM practice.
pub const DEFAULT_OVERTOPPING_COEFFICIENT: f64 = 1.70;

/// Why a pond description was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PondError {
    #[error("dam crest {crest} m must lie above the pond bottom {bottom} m")]
    CrestNotAboveBottom { crest: f64, bottom: f64 },
    #[error(
        "the stage-storage table ends at {table_top} m, below the dam crest {crest} m: extend it \
         to the crest (only overtopping may use the extrapolation above the table)"
    )]
    TableBelowCrest { table_top: f64, crest: f64 },
    #[error("crest length must be finite and positive, got {0} m")]
    BadCrestLength(f64),
    #[error("overtopping coefficient must be finite and positive, got {0} m^0.5/s")]
    BadOvertoppingCoefficient(f64),
    #[error("beach crest {beach_crest} m lies above the dam crest {crest} m")]
    BeachCrestAboveDamCrest { beach_crest: f64, crest: f64 },
    #[error("routing start level {level} m is not finite or lies below the pond bottom {bottom} m")]
    BadStartLevel { level: f64, bottom: f64 },
    #[error("maximum allowed level {0} m is not finite")]
    BadMaxLevel(f64),
    #[error("rain area {0} m2 must be finite and non-negative")]
    BadRainArea(f64),
}

/// The dam crest and how water leaves over it once the pond overtops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dam {
    /// Current dam-crest elevation.
    pub crest: Elevation,
    /// Crest length over which overtopping flow spills, m.
    pub crest_length_m: f64,
    /// Broad-crested weir coefficient `C_w`, m^0.5/s, in `Q = C_w L_c (h − z_crest)^1.5`.
    pub overtopping_coefficient: f64,
    pub dam_type: DamType,
}

impl Dam {
    /// A dam with the default overtopping coefficient [`DEFAULT_OVERTOPPING_COEFFICIENT`].
    pub fn new(crest: Elevation, crest_length_m: f64, dam_type: DamType) -> Self {
        Self {
            crest,
            crest_length_m,
            overtopping_coefficient: DEFAULT_OVERTOPPING_COEFFICIENT,
            dam_type,
        }
    }
}

/// The surface that rain falls on directly (runoff coefficient 1, standards.md §4).
/// Serialised as `{ water_surface = { extra_m2 = … } }` or `{ fixed = { area_m2 = … } }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RainArea {
    /// The water surface at the current stage, plus a fixed extra area (the dry beach and any
    /// catchment part draining straight into the pond), m².
    WaterSurface { extra_m2: f64 },
    /// A fixed area, m² (e.g. when the catchment hydrograph already includes the pond).
    Fixed { area_m2: f64 },
}

impl Default for RainArea {
    fn default() -> Self {
        RainArea::WaterSurface { extra_m2: 0.0 }
    }
}

/// A tailings pond ready for routing.
#[derive(Debug, Clone, PartialEq)]
pub struct Pond {
    storage: StageStorage,
    dam: Dam,
    beach: Beach,
    start_level: Elevation,
    rain_area: RainArea,
    max_allowed_level: Option<Elevation>,
}

impl Pond {
    /// Validates and builds a pond. `start_level` is the routing start level (调洪起始水位; the
    /// normal operating level unless the scenario says otherwise).
    pub fn new(
        storage: StageStorage,
        dam: Dam,
        beach: Beach,
        start_level: Elevation,
    ) -> Result<Self, PondError> {
        let bottom = storage.bottom().0;
        let crest = dam.crest.0;
        if !(crest.is_finite() && crest > bottom) {
            return Err(PondError::CrestNotAboveBottom { crest, bottom });
        }
        if storage.top().0 < crest {
            return Err(PondError::TableBelowCrest { table_top: storage.top().0, crest });
        }
        if !(dam.crest_length_m.is_finite() && dam.crest_length_m > 0.0) {
            return Err(PondError::BadCrestLength(dam.crest_length_m));
        }
        let cw = dam.overtopping_coefficient;
        if !(cw.is_finite() && cw > 0.0) {
            return Err(PondError::BadOvertoppingCoefficient(cw));
        }
        if beach.crest().0 > crest {
            return Err(PondError::BeachCrestAboveDamCrest { beach_crest: beach.crest().0, crest });
        }
        if !(start_level.0.is_finite() && start_level.0 >= bottom) {
            return Err(PondError::BadStartLevel { level: start_level.0, bottom });
        }
        Ok(Self {
            storage,
            dam,
            beach,
            start_level,
            rain_area: RainArea::default(),
            max_allowed_level: None,
        })
    }

    /// Sets the surface rain falls on (default: the water surface only).
    pub fn with_rain_area(mut self, rain_area: RainArea) -> Result<Self, PondError> {
        let a = match rain_area {
            RainArea::WaterSurface { extra_m2 } => extra_m2,
            RainArea::Fixed { area_m2 } => area_m2,
        };
        if !(a.is_finite() && a >= 0.0) {
            return Err(PondError::BadRainArea(a));
        }
        self.rain_area = rain_area;
        Ok(self)
    }

    /// Sets a maximum allowed level (e.g. the design flood level limit); the router records when
    /// it is crossed.
    pub fn with_max_allowed_level(mut self, level: Elevation) -> Result<Self, PondError> {
        if !level.0.is_finite() {
            return Err(PondError::BadMaxLevel(level.0));
        }
        self.max_allowed_level = Some(level);
        Ok(self)
    }

    pub fn storage(&self) -> &StageStorage {
        &self.storage
    }

    pub fn dam(&self) -> &Dam {
        &self.dam
    }

    pub fn beach(&self) -> &Beach {
        &self.beach
    }

    pub fn bottom(&self) -> Elevation {
        self.storage.bottom()
    }

    pub fn start_level(&self) -> Elevation {
        self.start_level
    }

    pub fn rain_area(&self) -> RainArea {
        self.rain_area
    }

    pub fn max_allowed_level(&self) -> Option<Elevation> {
        self.max_allowed_level
    }

    /// Flow over the dam crest at `stage`, m³/s: `C_w L_c (h − z_crest)^1.5` above the crest.
    pub fn overtopping_at(&self, stage: Elevation) -> f64 {
        self.overtopping_m3s(stage.0)
    }

    #[inline]
    pub(crate) fn overtopping_m3s(&self, z: f64) -> f64 {
        let head = z - self.dam.crest.0;
        if head > 0.0 {
            self.dam.overtopping_coefficient * self.dam.crest_length_m * head * head.sqrt()
        } else {
            0.0
        }
    }

    /// Area receiving rain at a stage whose water-surface area is `surface_m2`.
    #[inline]
    pub(crate) fn rain_area_m2(&self, surface_m2: f64) -> f64 {
        match self.rain_area {
            RainArea::WaterSurface { extra_m2 } => surface_m2 + extra_m2,
            RainArea::Fixed { area_m2 } => area_m2,
        }
    }

    /// Freeboard (安全超高) at `stage`, m, measured per the dam type.
    pub fn freeboard_at(&self, stage: Elevation) -> f64 {
        self.beach.freeboard(stage, self.dam.dam_type, self.dam.crest)
    }

    /// Dry-beach length (干滩长度) at `stage`, m.
    pub fn beach_length_at(&self, stage: Elevation) -> f64 {
        self.beach.length_at(stage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> StageStorage {
        StageStorage::from_areas(&[100.0, 110.0], &[1e4, 1e4]).unwrap()
    }

    // Goal: overtopping follows the broad-crested weir law above the crest only.
    // Setup: crest 108 m, L = 20 m, C_w = 1.70, stage 108.5 m → 1.70·20·0.5^1.5 = 12.0208 m³/s.
    #[test]
    fn overtopping_is_broad_crested_weir_above_crest() {
        let beach = Beach::from_slope(Elevation(107.5), 0.01).unwrap();
        let pond = Pond::new(
            table(),
            Dam::new(Elevation(108.0), 20.0, DamType::Upstream),
            beach,
            Elevation(105.0),
        )
        .unwrap();
        assert_eq!(pond.overtopping_at(Elevation(107.9)), 0.0);
        let q = pond.overtopping_at(Elevation(108.5));
        assert!((q - 1.70 * 20.0 * 0.5f64.powf(1.5)).abs() < 1e-12);
        assert!((pond.freeboard_at(Elevation(107.0)) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn inconsistent_pond_is_rejected() {
        let beach = Beach::from_slope(Elevation(109.0), 0.01).unwrap();
        let dam = Dam::new(Elevation(108.0), 20.0, DamType::Upstream);
        assert_eq!(
            Pond::new(table(), dam, beach.clone(), Elevation(105.0)),
            Err(PondError::BeachCrestAboveDamCrest { beach_crest: 109.0, crest: 108.0 })
        );
        let dam = Dam::new(Elevation(111.0), 20.0, DamType::Upstream);
        assert!(matches!(
            Pond::new(table(), dam, beach.clone(), Elevation(105.0)),
            Err(PondError::TableBelowCrest { .. })
        ));
        let dam = Dam::new(Elevation(109.5), 20.0, DamType::Upstream);
        assert!(matches!(
            Pond::new(table(), dam, beach, Elevation(99.0)),
            Err(PondError::BadStartLevel { .. })
        ));
    }
}
