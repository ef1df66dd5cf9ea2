//! The section as the slice methods see it: material zones (polygons) decomposed into vertical
//! strips, so that a vertical column at any x is a short, ordered list of layers.
//!
//! Between two consecutive polygon-vertex abscissae no edge starts or ends, and edges of a proper
//! partition do not cross, so the vertical order of the edges is fixed inside the strip. A column
//! query is then a binary search for the strip and a walk over a few straight lines — exact for
//! straight-edged zones and cheap enough for 10⁵–10⁶ trial surfaces.

use crate::error::StabilityError;
use serde::{Deserialize, Serialize};
use tailtwin_core::{Point2, Strength};

/// A soil or tailings material as limit equilibrium sees it: unit weights and strength (the
/// section's hydraulic properties do not enter). Built from a [`tailtwin_core::Material`] with
/// `From`, or directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    /// Unit weight above the phreatic line, N/m³.
    pub unit_weight: f64,
    /// Unit weight below the phreatic line, N/m³ (equal to `unit_weight` when not given).
    pub saturated_unit_weight: f64,
    pub strength: Strength,
}

impl Material {
    /// Mohr–Coulomb material with one unit weight (N/m³), c′ (Pa) and φ′ (rad).
    pub fn mohr_coulomb(name: &str, unit_weight: f64, cohesion: f64, friction: f64) -> Self {
        Self {
            name: name.to_string(),
            unit_weight,
            saturated_unit_weight: unit_weight,
            strength: Strength::MohrCoulomb { cohesion_pa: cohesion, friction_angle_rad: friction },
        }
    }

    /// Undrained (φ = 0) material with one unit weight (N/m³) and s_u (Pa).
    pub fn undrained(name: &str, unit_weight: f64, su: f64) -> Self {
        Self {
            name: name.to_string(),
            unit_weight,
            saturated_unit_weight: unit_weight,
            strength: Strength::Undrained { undrained_strength_pa: su },
        }
    }

    /// Same material with a different saturated unit weight (N/m³).
    pub fn with_saturated_unit_weight(mut self, gamma_sat: f64) -> Self {
        self.saturated_unit_weight = gamma_sat;
        self
    }

    /// (c, tan φ, drained) as the slice equations use them.
    pub(crate) fn strength_terms(&self) -> (f64, f64, bool) {
        match self.strength {
            Strength::MohrCoulomb { cohesion_pa: cohesion, friction_angle_rad: friction } => {
                (cohesion, friction.tan(), true)
            }
            Strength::Undrained { undrained_strength_pa: su } => (su, 0.0, false),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), StabilityError> {
        let bad = |what, value: f64, rule| StabilityError::BadMaterial {
            name: self.name.clone(),
            what,
            value,
            rule,
        };
        let positive = |what, v: f64| {
            if v.is_finite() && v > 0.0 { Ok(()) } else { Err(bad(what, v, "finite and > 0")) }
        };
        positive("unit_weight", self.unit_weight)?;
        positive("saturated_unit_weight", self.saturated_unit_weight)?;
        match self.strength {
            Strength::MohrCoulomb { cohesion_pa: cohesion, friction_angle_rad: friction } => {
                if !(cohesion.is_finite() && cohesion >= 0.0) {
                    return Err(bad("cohesion", cohesion, "finite and >= 0"));
                }
                if !(friction.is_finite() && (0.0..std::f64::consts::FRAC_PI_2).contains(&friction))
                {
                    return Err(bad("friction angle (rad)", friction, "in [0, pi/2)"));
                }
            }
            Strength::Undrained { undrained_strength_pa: su } => {
                if !(su.is_finite() && su >= 0.0) {
                    return Err(bad("undrained strength su", su, "finite and >= 0"));
                }
            }
        }
        Ok(())
    }
}

impl From<&tailtwin_core::Material> for Material {
    fn from(m: &tailtwin_core::Material) -> Self {
        Self {
            name: m.name.clone(),
            unit_weight: m.unit_weight_n_m3,
            saturated_unit_weight: m.saturated_unit_weight_n_m3,
            strength: m.strength,
        }
    }
}

/// A zone of the section: a simple polygon (either orientation) filled with one material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub polygon: Vec<Point2>,
    /// Index into the model's materials.
    pub material: usize,
}

/// A straight edge inside one strip: y = y0 + slope (x − x0).
#[derive(Debug, Clone, Copy)]
struct Line {
    y0: f64,
    slope: f64,
}

/// The interval between two edges, bottom to top, and the material in it (None: outside).
#[derive(Debug, Clone)]
struct Strip {
    x0: f64,
    x1: f64,
    /// Edges from the bottom up.
    lines: Vec<Line>,
    /// `materials[k]` fills the space between `lines[k]` and `lines[k + 1]`.
    materials: Vec<Option<usize>>,
    /// Index of the ground edge (the top edge with material below it).
    top: Option<usize>,
}

impl Strip {
    #[inline]
    fn y(&self, k: usize, x: f64) -> f64 {
        let l = self.lines[k];
        l.y0 + l.slope * (x - self.x0)
    }
    /// Index of the top edge below which there is material (the ground).
    fn find_top(&self) -> Option<usize> {
        self.materials.iter().rposition(Option::is_some).map(|k| k + 1)
    }
}

/// What a vertical column at x holds above a base elevation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Column {
    /// Ground (top of the section) elevation, m.
    pub ground: f64,
    /// Ground slope dy/dx at x.
    pub ground_slope: f64,
    /// Weight of the column per unit width and per metre run, N/m² (∫ γ dy from the base up).
    pub weight_per_width: f64,
    /// Material at the base, or None where the base is outside the section (below it, or in a gap).
    pub base_material: Option<usize>,
}

/// The section for limit equilibrium: materials, zones and their strip decomposition.
#[derive(Debug, Clone)]
pub struct SlopeModel {
    materials: Vec<Material>,
    /// (c, tan φ, drained) per material, precomputed for the slice loop.
    strength: Vec<(f64, f64, bool)>,
    zones: Vec<Zone>,
    strips: Vec<Strip>,
    ground: Vec<Point2>,
}

const GEOM_EPS: f64 = 1e-9;

impl SlopeModel {
    /// Build and validate a model. Zones must not overlap; gaps are allowed (treated as outside).
    pub fn new(materials: Vec<Material>, zones: Vec<Zone>) -> Result<Self, StabilityError> {
        if zones.is_empty() {
            return Err(StabilityError::NoZones);
        }
        for m in &materials {
            m.validate()?;
        }
        for (i, z) in zones.iter().enumerate() {
            if z.polygon.len() < 3 {
                return Err(StabilityError::ZonePolygon { zone: i, vertices: z.polygon.len() });
            }
            if z.material >= materials.len() {
                return Err(StabilityError::ZoneWithoutMaterial {
                    zone: i,
                    material: z.material,
                    materials: materials.len(),
                });
            }
            for (k, p) in z.polygon.iter().enumerate() {
                for (c, v) in [("x", p.x), ("y", p.z)] {
                    if !v.is_finite() {
                        return Err(StabilityError::NotFinite {
                            what: format!("zone[{i}].polygon[{k}].{c}"),
                            value: v,
                        });
                    }
                }
            }
        }
        let strips = build_strips(&zones)?;
        let mut ground: Vec<Point2> = Vec::new();
        for s in &strips {
            if let Some(top) = s.top {
                for x in [s.x0, s.x1] {
                    let p = Point2::new(x, s.y(top, x));
                    let same = ground.last().is_some_and(|q| (q.x - p.x).abs() < GEOM_EPS);
                    if !same {
                        ground.push(p);
                    } else if let Some(q) = ground.last_mut() {
                        // A vertical step: keep the higher point so the ground stays a function.
                        q.z = q.z.max(p.z);
                    }
                }
            }
        }
        // Keep only real breaks of slope (strip edges add collinear points).
        let mut k = 1;
        while k + 1 < ground.len() {
            let (a, b, c) = (ground[k - 1], ground[k], ground[k + 1]);
            let s0 = (b.z - a.z) / (b.x - a.x);
            let s1 = (c.z - b.z) / (c.x - b.x);
            if (s1 - s0).abs() <= 1e-12 * (1.0 + s0.abs()) {
                ground.remove(k);
            } else {
                k += 1;
            }
        }
        let strength = materials.iter().map(Material::strength_terms).collect();
        Ok(Self { materials, strength, zones, strips, ground })
    }

    /// One material between a ground profile (x increasing) and a horizontal base elevation.
    pub fn single_layer(
        ground: &[Point2],
        base_y: f64,
        material: Material,
    ) -> Result<Self, StabilityError> {
        Self::new(
            vec![material],
            vec![Zone { polygon: profile_polygon(ground, base_y)?, material: 0 }],
        )
    }

    pub fn materials(&self) -> &[Material] {
        &self.materials
    }

    /// Replace material `index` (e.g. by a reliability sample); the zones keep their materials'
    /// indices and the strip decomposition is kept.
    pub fn set_material(&mut self, index: usize, material: Material) -> Result<(), StabilityError> {
        if index >= self.materials.len() {
            return Err(StabilityError::OutOfRange {
                what: "material index",
                value: index as f64,
                range: "below the number of materials",
            });
        }
        material.validate()?;
        self.strength[index] = material.strength_terms();
        self.materials[index] = material;
        Ok(())
    }
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }
    /// The top of the section, x increasing.
    pub fn ground(&self) -> &[Point2] {
        &self.ground
    }
    /// Horizontal extent of the section.
    pub fn x_range(&self) -> (f64, f64) {
        (self.strips[0].x0, self.strips[self.strips.len() - 1].x1)
    }

    fn strip_at(&self, x: f64) -> Option<&Strip> {
        let (x0, x1) = self.x_range();
        if !(x >= x0 - GEOM_EPS && x <= x1 + GEOM_EPS) {
            return None;
        }
        let k = self.strips.partition_point(|s| s.x1 < x);
        self.strips.get(k.min(self.strips.len() - 1))
    }

    /// Lowest elevation of the section (the bottom of its lowest zone).
    pub fn bottom(&self) -> Option<f64> {
        self.strips
            .iter()
            .filter_map(|s| {
                let k = s.materials.iter().position(Option::is_some)?;
                Some(s.y(k, s.x0).min(s.y(k, s.x1)))
            })
            .reduce(f64::min)
    }

    /// (c, tan φ, drained) of material `m`.
    #[inline]
    pub(crate) fn strength_terms(&self, m: usize) -> (f64, f64, bool) {
        self.strength[m]
    }

    /// Ground elevation at x (None outside the section).
    pub fn ground_at(&self, x: f64) -> Option<f64> {
        let s = self.strip_at(x)?;
        s.top.map(|t| s.y(t, x))
    }

    /// Material at a point (None outside every zone).
    pub fn material_at(&self, x: f64, y: f64) -> Option<usize> {
        let s = self.strip_at(x)?;
        (0..s.materials.len())
            .find(|&k| s.y(k, x) <= y && y <= s.y(k + 1, x))
            .and_then(|k| s.materials[k])
    }

    /// The column at x above `base_y`; `water_table` splits γ (above) from γ_sat (below).
    pub(crate) fn column(&self, x: f64, base_y: f64, water_table: Option<f64>) -> Option<Column> {
        let s = self.strip_at(x)?;
        let top = s.top?;
        let ground = s.y(top, x);
        let mut weight = 0.0;
        let mut base_material = None;
        let mut found = false;
        let mut hi = s.y(0, x);
        for k in 0..top {
            let lo = hi;
            hi = s.y(k + 1, x);
            if !found && base_y >= lo - GEOM_EPS && base_y <= hi + GEOM_EPS {
                base_material = s.materials[k];
                found = true;
            }
            let Some(m) = s.materials[k] else { continue };
            let lo = lo.max(base_y);
            if hi <= lo {
                continue;
            }
            let mat = &self.materials[m];
            weight += match water_table {
                Some(wt) if wt > lo => {
                    let split = wt.min(hi);
                    mat.saturated_unit_weight * (split - lo) + mat.unit_weight * (hi - split)
                }
                _ => mat.unit_weight * (hi - lo),
            };
        }
        Some(Column {
            ground,
            ground_slope: s.lines[top].slope,
            weight_per_width: weight,
            base_material,
        })
    }
}

/// Polygon of the area between a ground profile (x increasing) and a horizontal base.
pub fn profile_polygon(ground: &[Point2], base_y: f64) -> Result<Vec<Point2>, StabilityError> {
    if ground.len() < 2 {
        return Err(StabilityError::BadPolyline {
            what: "ground",
            detail: format!("needs at least 2 points, got {}", ground.len()),
        });
    }
    for w in ground.windows(2) {
        if w[1].x.is_nan() || w[1].x <= w[0].x {
            return Err(StabilityError::BadPolyline {
                what: "ground",
                detail: format!("x must increase, got {} then {}", w[0].x, w[1].x),
            });
        }
    }
    if let Some(p) = ground.iter().find(|p| p.z.is_nan() || p.z <= base_y) {
        return Err(StabilityError::BadPolyline {
            what: "ground",
            detail: format!("point ({}, {}) is not above the base {base_y}", p.x, p.z),
        });
    }
    let mut poly = vec![Point2::new(ground[0].x, base_y)];
    poly.extend_from_slice(ground);
    poly.push(Point2::new(ground[ground.len() - 1].x, base_y));
    Ok(poly)
}

fn point_in_polygon(poly: &[Point2], p: Point2) -> bool {
    let mut inside = false;
    let n = poly.len();
    for i in 0..n {
        let a = poly[i];
        let b = poly[(i + 1) % n];
        if (a.z > p.z) != (b.z > p.z) {
            let xc = a.x + (p.z - a.z) * (b.x - a.x) / (b.z - a.z);
            if p.x < xc {
                inside = !inside;
            }
        }
    }
    inside
}

fn build_strips(zones: &[Zone]) -> Result<Vec<Strip>, StabilityError> {
    let mut xs: Vec<f64> = zones.iter().flat_map(|z| z.polygon.iter().map(|p| p.x)).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() < GEOM_EPS);
    let mut strips = Vec::with_capacity(xs.len().saturating_sub(1));
    for w in xs.windows(2) {
        let (x0, x1) = (w[0], w[1]);
        let xm = 0.5 * (x0 + x1);
        let mut lines: Vec<Line> = Vec::new();
        for z in zones {
            let n = z.polygon.len();
            for i in 0..n {
                let a = z.polygon[i];
                let b = z.polygon[(i + 1) % n];
                let (lo, hi) = if a.x < b.x { (a, b) } else { (b, a) };
                if hi.x - lo.x < GEOM_EPS || lo.x > x0 + GEOM_EPS || hi.x < x1 - GEOM_EPS {
                    continue;
                }
                let slope = (hi.z - lo.z) / (hi.x - lo.x);
                lines.push(Line { y0: lo.z + slope * (x0 - lo.x), slope });
            }
        }
        let at = |l: &Line| l.y0 + l.slope * (xm - x0);
        lines.sort_by(|a, b| at(a).total_cmp(&at(b)));
        // A boundary shared by two zones appears twice: keep one copy.
        lines.dedup_by(|a, b| {
            (a.y0 - b.y0).abs() < 1e-7
                && (a.y0 + a.slope * (x1 - x0) - b.y0 - b.slope * (x1 - x0)).abs() < 1e-7
        });
        let mut materials = Vec::with_capacity(lines.len().saturating_sub(1));
        for k in 0..lines.len().saturating_sub(1) {
            let p = Point2::new(xm, 0.5 * (at(&lines[k]) + at(&lines[k + 1])));
            let mut found: Option<usize> = None;
            for (zi, z) in zones.iter().enumerate() {
                if point_in_polygon(&z.polygon, p) {
                    if let Some(first) = found {
                        return Err(StabilityError::ZonesOverlap {
                            first,
                            second: zi,
                            x: p.x,
                            y: p.z,
                        });
                    }
                    found = Some(zi);
                }
            }
            materials.push(found.map(|zi| zones[zi].material));
        }
        let mut strip = Strip { x0, x1, lines, materials, top: None };
        strip.top = strip.find_top();
        strips.push(strip);
    }
    Ok(strips)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_zone() -> SlopeModel {
        let soft = Material::mohr_coulomb("soft", 18e3, 0.0, 0.5);
        let stiff = Material::mohr_coulomb("stiff", 20e3, 5e3, 0.6);
        let lower = Zone {
            polygon: vec![
                Point2::new(0.0, 0.0),
                Point2::new(10.0, 0.0),
                Point2::new(10.0, 5.0),
                Point2::new(0.0, 5.0),
            ],
            material: 1,
        };
        let upper = Zone {
            polygon: vec![
                Point2::new(0.0, 5.0),
                Point2::new(10.0, 5.0),
                Point2::new(10.0, 6.0),
                Point2::new(0.0, 10.0),
            ],
            material: 0,
        };
        SlopeModel::new(vec![soft, stiff], vec![lower, upper]).unwrap()
    }

    // Column weights are exact sums of γ × thickness over the zones; shared edges appear once.
    #[test]
    fn column_weight_sums_zone_thicknesses() {
        let m = two_zone();
        let c = m.column(5.0, 2.0, None).unwrap();
        assert!((c.ground - 8.0).abs() < 1e-12);
        assert!((c.weight_per_width - (3.0 * 20e3 + 3.0 * 18e3)).abs() < 1e-6);
        assert_eq!(c.base_material, Some(1));
        let wet = m.column(5.0, 2.0, Some(7.0)).unwrap();
        assert!((wet.weight_per_width - c.weight_per_width).abs() < 1e-6);
        assert_eq!(m.material_at(5.0, 7.0), Some(0));
        assert_eq!(m.column(5.0, -1.0, None).unwrap().base_material, None);
        assert!(m.ground_at(11.0).is_none());
    }

    #[test]
    fn zone_with_missing_material_is_an_error() {
        let z = Zone {
            polygon: vec![Point2::new(0.0, 0.0), Point2::new(1.0, 0.0), Point2::new(0.0, 1.0)],
            material: 3,
        };
        let e = SlopeModel::new(vec![], vec![z]).unwrap_err();
        assert!(matches!(e, StabilityError::ZoneWithoutMaterial { material: 3, .. }));
    }

    #[test]
    fn negative_strength_is_an_error() {
        let g = [Point2::new(0.0, 5.0), Point2::new(10.0, 5.0)];
        let e = SlopeModel::single_layer(&g, 0.0, Material::mohr_coulomb("m", 18e3, -1.0, 0.3));
        assert!(matches!(e, Err(StabilityError::BadMaterial { what: "cohesion", .. })));
        let e = SlopeModel::single_layer(&g, 0.0, Material::undrained("m", 18e3, -5.0));
        assert!(matches!(e, Err(StabilityError::BadMaterial { .. })));
    }

    #[test]
    fn overlapping_zones_are_an_error() {
        let sq = |x: f64| Zone {
            polygon: vec![
                Point2::new(x, 0.0),
                Point2::new(x + 2.0, 0.0),
                Point2::new(x + 2.0, 2.0),
                Point2::new(x, 2.0),
            ],
            material: 0,
        };
        let m = Material::mohr_coulomb("m", 18e3, 0.0, 0.3);
        let e = SlopeModel::new(vec![m], vec![sq(0.0), sq(1.0)]).unwrap_err();
        assert!(matches!(e, StabilityError::ZonesOverlap { .. }));
    }
}
