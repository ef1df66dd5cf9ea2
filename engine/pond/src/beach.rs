//! The tailings beach (沉积滩): dry-beach length (干滩长度) and freeboard (安全超高) at a water level.
//!
//! Definitions (GB 50863-2013 §4.2.1–4.2.2, see shared/reference/standards.md §3):
//! - dry-beach length: horizontal distance from the beach crest (沉积滩顶) to the water's edge;
//! - freeboard: for upstream-method dams, beach-crest elevation minus water level; for downstream
//!   and centerline dams (measured from the outer edge of the dam crest) and for water-retaining
//!   dams, dam-crest elevation minus water level.
//!
//! A level at or above the beach crest floods the beach: length 0 and (upstream dams) negative
//! freeboard.

use serde::{Deserialize, Serialize};
use tailtwin_core::Elevation;
use thiserror::Error;

/// How the dam was raised; decides what freeboard is measured from. Serialised in snake case
/// (`"upstream"`, `"downstream"`, `"centerline"`, `"water_retaining"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DamType {
    /// Upstream method (上游式): freeboard from the beach crest.
    Upstream,
    /// Downstream method (下游式): freeboard from the dam crest.
    Downstream,
    /// Centerline method (中线式): freeboard from the dam crest.
    Centerline,
    /// Water-retaining dam (挡水坝): freeboard from the dam crest.
    WaterRetaining,
}

impl DamType {
    /// Whether freeboard is measured from the beach crest (else from the dam crest).
    pub fn freeboard_from_beach_crest(self) -> bool {
        matches!(self, DamType::Upstream)
    }

    /// Bilingual label.
    pub fn label(self) -> &'static str {
        match self {
            DamType::Upstream => "上游式 / upstream",
            DamType::Downstream => "下游式 / downstream",
            DamType::Centerline => "中线式 / centerline",
            DamType::WaterRetaining => "挡水坝 / water-retaining",
        }
    }
}

/// Why a beach description was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BeachError {
    #[error("beach crest elevation is not finite ({0})")]
    CrestNotFinite(f64),
    #[error("mean beach slope must be finite and in (0, 1], got {0}")]
    BadSlope(f64),
    #[error("a beach profile needs at least 2 points, got {points}")]
    TooFewPoints { points: usize },
    #[error(
        "profile distance and elevation columns differ in length ({distances} vs {elevations})"
    )]
    LengthMismatch { distances: usize, elevations: usize },
    #[error("profile {column}[{index}] is not finite ({value})")]
    NotFinite { column: &'static str, index: usize, value: f64 },
    #[error("the profile starts at the beach crest: distance[0] must be 0, got {0} m")]
    FirstDistanceNotZero(f64),
    #[error(
        "profile distances must increase strictly: distance[{index}] = {value} m follows {previous} m"
    )]
    DistanceNotIncreasing { index: usize, value: f64, previous: f64 },
    #[error(
        "profile elevations must fall strictly away from the crest: elevation[{index}] = {value} m \
         follows {previous} m"
    )]
    ElevationNotDecreasing { index: usize, value: f64, previous: f64 },
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Slope(f64),
    Profile { distance: Vec<f64>, elevation: Vec<f64> },
}

/// A beach: crest elevation and either a mean slope or a surveyed profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Beach {
    crest: f64,
    shape: Shape,
}

impl Beach {
    /// Beach with mean slope `slope` (rise over run, e.g. 0.008 for 1:125):
    /// `L = (Z_crest − Z) / i`.
    pub fn from_slope(crest: Elevation, slope: f64) -> Result<Self, BeachError> {
        if !crest.0.is_finite() {
            return Err(BeachError::CrestNotFinite(crest.0));
        }
        if !(slope.is_finite() && slope > 0.0 && slope <= 1.0) {
            return Err(BeachError::BadSlope(slope));
        }
        Ok(Self { crest: crest.0, shape: Shape::Slope(slope) })
    }

    /// Beach from a surveyed profile: horizontal distance from the beach crest (first point at 0)
    /// and elevation, falling strictly towards the pond. The water's edge is interpolated
    /// linearly; below the last surveyed point the last segment's slope is extended.
    pub fn from_profile(distance_m: &[f64], elevation_m: &[f64]) -> Result<Self, BeachError> {
        if distance_m.len() != elevation_m.len() {
            return Err(BeachError::LengthMismatch {
                distances: distance_m.len(),
                elevations: elevation_m.len(),
            });
        }
        if distance_m.len() < 2 {
            return Err(BeachError::TooFewPoints { points: distance_m.len() });
        }
        for (column, values) in [("distance", distance_m), ("elevation", elevation_m)] {
            if let Some(index) = values.iter().position(|v| !v.is_finite()) {
                return Err(BeachError::NotFinite { column, index, value: values[index] });
            }
        }
        if distance_m[0] != 0.0 {
            return Err(BeachError::FirstDistanceNotZero(distance_m[0]));
        }
        for i in 1..distance_m.len() {
            if distance_m[i] <= distance_m[i - 1] {
                return Err(BeachError::DistanceNotIncreasing {
                    index: i,
                    value: distance_m[i],
                    previous: distance_m[i - 1],
                });
            }
            if elevation_m[i] >= elevation_m[i - 1] {
                return Err(BeachError::ElevationNotDecreasing {
                    index: i,
                    value: elevation_m[i],
                    previous: elevation_m[i - 1],
                });
            }
        }
        Ok(Self {
            crest: elevation_m[0],
            shape: Shape::Profile {
                distance: distance_m.to_vec(),
                elevation: elevation_m.to_vec(),
            },
        })
    }

    /// Beach-crest elevation (沉积滩顶).
    pub fn crest(&self) -> Elevation {
        Elevation(self.crest)
    }

    /// Dry-beach length (m) with the water at `level`; 0 when the beach is flooded.
    pub fn length_at(&self, level: Elevation) -> f64 {
        self.length_m(level.0)
    }

    #[inline]
    pub(crate) fn length_m(&self, z: f64) -> f64 {
        if z >= self.crest {
            return 0.0;
        }
        match &self.shape {
            Shape::Slope(i) => (self.crest - z) / i,
            Shape::Profile { distance, elevation } => {
                let n = elevation.len();
                // Elevations fall: first point at or below z.
                let k = elevation.partition_point(|&e| e > z).clamp(1, n - 1);
                let (x0, x1, e0, e1) =
                    (distance[k - 1], distance[k], elevation[k - 1], elevation[k]);
                x0 + (x1 - x0) * (e0 - z) / (e0 - e1)
            }
        }
    }

    /// Freeboard (m) at `level` for a dam of type `dam_type` with crest `dam_crest`: negative
    /// when the level is above the reference crest.
    pub fn freeboard(&self, level: Elevation, dam_type: DamType, dam_crest: Elevation) -> f64 {
        let reference =
            if dam_type.freeboard_from_beach_crest() { self.crest } else { dam_crest.0 };
        reference - level.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: L = (Z_crest − Z)/i (standards.md §3). Setup: crest 371.2 m, i = 0.008, level 366 m
    // → L = 5.2/0.008 = 650 m. Flooded beach: 0. Tolerance: round-off.
    #[test]
    fn slope_beach_length_is_head_over_slope() {
        let b = Beach::from_slope(Elevation(371.2), 0.008).unwrap();
        assert!((b.length_at(Elevation(366.0)) - 650.0).abs() < 1e-9);
        assert_eq!(b.length_at(Elevation(371.2)), 0.0);
        assert_eq!(b.length_at(Elevation(372.0)), 0.0);
    }

    // Goal: profile interpolation and extension below the survey; freeboard reference per dam type.
    #[test]
    fn profile_beach_interpolates_and_freeboard_follows_dam_type() {
        let b = Beach::from_profile(&[0.0, 100.0, 300.0], &[371.0, 370.0, 369.0]).unwrap();
        assert!((b.length_at(Elevation(370.5)) - 50.0).abs() < 1e-9);
        assert!((b.length_at(Elevation(369.5)) - 200.0).abs() < 1e-9);
        assert!((b.length_at(Elevation(368.0)) - 500.0).abs() < 1e-9);
        let crest = Elevation(372.0);
        assert!((b.freeboard(Elevation(370.0), DamType::Upstream, crest) - 1.0).abs() < 1e-12);
        assert!((b.freeboard(Elevation(370.0), DamType::Centerline, crest) - 2.0).abs() < 1e-12);
        assert!(b.freeboard(Elevation(371.5), DamType::Upstream, crest) < 0.0);
    }

    #[test]
    fn bad_beaches_are_rejected() {
        assert_eq!(Beach::from_slope(Elevation(1.0), 0.0), Err(BeachError::BadSlope(0.0)));
        assert_eq!(
            Beach::from_profile(&[0.0, 10.0], &[5.0, 5.0]),
            Err(BeachError::ElevationNotDecreasing { index: 1, value: 5.0, previous: 5.0 })
        );
        assert_eq!(
            Beach::from_profile(&[1.0, 10.0], &[5.0, 4.0]),
            Err(BeachError::FirstDistanceNotZero(1.0))
        );
    }
}
