//! A dam cross-section (坝体剖面) as seepage and stability both read it.
//!
//! Coordinates: `x` horizontal in m, increasing from the pond side towards the downstream toe;
//! `z` absolute elevation in m. The section's domain is bounded above by the ground/dam
//! [`DamSection::surface`] (x-monotone, pond side first), below by the model [`DamSection::base`]
//! (x-monotone, same end abscissae) and by two vertical edges at the ends. Materials fill the
//! domain as non-overlapping zone polygons that together cover it. Drains (blanket, toe, chimney)
//! are polygons laid over the zones: they are free-draining (atmospheric pressure wherever water
//! reaches them). Drainage pipes are points.
//!
//! Boundary roles: the pond level applies on the surface for `x ≤ pond_side.surface_until_x`
//! wherever the surface is submerged (beach and pond bottom), and on the upstream edge when
//! `pond_side.upstream_edge` is [`EdgeKind::Open`]. Everywhere else on the surface water may only
//! leave (a potential seepage face); the downstream edge is either no-flow or open (seepage face
//! above an optional tailwater). The base is impervious.

mod geometry;
mod material;

pub use geometry::{
    GeometryError, Orientation, Point2, Polygon, Polyline, distance_to_segment, orient2d,
    segments_cross_properly, segments_intersect,
};
pub use material::{
    Conductivity, Hydraulic, Material, MaterialError, MaterialId, Strength, Unsaturated,
};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A material zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub name: String,
    pub polygon: Polygon,
    pub material: MaterialId,
}

/// Kinds of drain polygons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrainKind {
    /// Horizontal drainage blanket (褥垫/水平排渗).
    Blanket,
    /// Toe drain / prism (贴坡/棱体排水).
    Toe,
    /// Chimney (vertical) drain.
    Chimney,
}

/// A free-draining drain polygon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drain {
    pub name: String,
    pub kind: DrainKind,
    pub polygon: Polygon,
}

/// A drainage pipe (排渗管) running across the section, seen as a point; free-draining.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrainPipe {
    pub name: String,
    pub at: Point2,
}

/// Condition on a vertical end edge of the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Impervious (or a far-field symmetry line).
    NoFlow,
    /// In contact with water: head fixed below the water level (pond upstream, tailwater
    /// downstream), potential seepage face above it.
    Open,
}

/// Where the pond level applies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PondSide {
    /// The pond level applies on the surface for x ≤ this value where the surface is submerged.
    pub surface_until_x: f64,
    /// Whether the pond level also applies on the upstream vertical edge.
    pub upstream_edge: EdgeKind,
}

/// A dam cross-section: geometry, materials, zones, drains and boundary roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DamSection {
    pub name: String,
    /// Ground / dam surface, x-monotone, from the pond side to the downstream toe.
    pub surface: Polyline,
    /// Model base (impervious), x-monotone, same end abscissae as `surface`.
    pub base: Polyline,
    pub materials: Vec<Material>,
    pub zones: Vec<Zone>,
    pub drains: Vec<Drain>,
    pub pipes: Vec<DrainPipe>,
    pub pond_side: PondSide,
    /// Downstream vertical edge condition.
    pub downstream_edge: EdgeKind,
    /// Abscissae on the outer slope where the phreatic burial depth is reported, m.
    pub stations_x: Vec<f64>,
}

/// Something wrong with a [`DamSection`]; each variant names the offending item.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SectionError {
    #[error("section '{section}': {source}")]
    Geometry { section: String, source: GeometryError },
    #[error("section '{section}': surface spans x = {surface_x:?} but base spans x = {base_x:?}")]
    EndsMismatch { section: String, surface_x: (f64, f64), base_x: (f64, f64) },
    #[error(
        "section '{section}': base z = {base_z} is above the surface z = {surface_z} at x = {x}"
    )]
    BaseAboveSurface { section: String, x: f64, base_z: f64, surface_z: f64 },
    #[error("section '{section}': no material zones")]
    NoZones { section: String },
    #[error(
        "section '{section}': zone '{zone}' refers to material #{material}, but only {count} materials exist"
    )]
    ZoneMaterialMissing { section: String, zone: String, material: usize, count: usize },
    #[error("section '{section}': zone '{zone}' vertex ({x}, {z}) lies outside the section")]
    ZoneOutsideSection { section: String, zone: String, x: f64, z: f64 },
    #[error("section '{section}': zones '{zone_a}' and '{zone_b}' overlap")]
    ZonesOverlap { section: String, zone_a: String, zone_b: String },
    #[error(
        "section '{section}': zones cover {covered_m2:.3} m² of the {section_m2:.3} m² section (a gap or an open zone boundary)"
    )]
    ZonesLeaveGap { section: String, covered_m2: f64, section_m2: f64 },
    #[error("section '{section}': {source}")]
    Material { section: String, source: MaterialError },
    #[error("section '{section}': drain '{drain}' point ({x}, {z}) lies outside the section")]
    DrainOutsideSection { section: String, drain: String, x: f64, z: f64 },
    #[error(
        "section '{section}': pond_side.surface_until_x = {x} is outside the surface [{x_first}, {x_last}]"
    )]
    PondSideOutOfRange { section: String, x: f64, x_first: f64, x_last: f64 },
    #[error(
        "section '{section}': station #{index} x = {x} is outside the surface [{x_first}, {x_last}]"
    )]
    StationOutsideSurface { section: String, index: usize, x: f64, x_first: f64, x_last: f64 },
}

/// Relative tolerance on areas when checking that zones tile the section.
const COVER_TOLERANCE: f64 = 1e-6;

impl DamSection {
    /// The domain polygon: surface left → right, down the downstream edge, base right → left.
    pub fn outline(&self) -> Result<Polygon, SectionError> {
        let mut ring: Vec<Point2> = self.surface.points().to_vec();
        ring.extend(self.base.points().iter().rev());
        Polygon::new("outline", ring)
            .map_err(|source| SectionError::Geometry { section: self.name.clone(), source })
    }

    /// Surface elevation at `x` (`None` outside the section).
    pub fn surface_z_at(&self, x: f64) -> Option<f64> {
        self.surface.z_at(x)
    }

    /// The zone holding `p` (the first one, boundary included).
    pub fn zone_at(&self, p: Point2) -> Option<&Zone> {
        self.zones.iter().find(|z| z.polygon.contains(p))
    }

    /// The material at `p`.
    pub fn material_at(&self, p: Point2) -> Option<&Material> {
        self.zone_at(p).and_then(|z| self.materials.get(z.material.0))
    }

    /// Lowest elevation where the pond level applies: the lowest surface vertex (or point at
    /// `surface_until_x`) on the pond side, or the base at the upstream edge when that edge is
    /// open. A pond level below this wets nothing.
    pub fn pond_bottom_m(&self) -> f64 {
        let until = self.pond_side.surface_until_x;
        let mut bottom = self
            .surface
            .points()
            .iter()
            .filter(|p| p.x <= until)
            .map(|p| p.z)
            .fold(self.surface.z_at(until).unwrap_or(f64::INFINITY), f64::min);
        if self.pond_side.upstream_edge == EdgeKind::Open {
            bottom = bottom.min(self.base.first().z);
        }
        bottom
    }

    /// Every problem found, in a stable order (empty when the section is valid).
    pub fn problems(&self) -> Vec<SectionError> {
        let section = self.name.clone();
        let mut out = Vec::new();
        let (s0, s1) = (self.surface.first().x, self.surface.last().x);
        let (b0, b1) = (self.base.first().x, self.base.last().x);
        for (what, line) in [("surface", &self.surface), ("base", &self.base)] {
            if let Some(i) = line.points().windows(2).position(|w| w[1].x <= w[0].x) {
                out.push(SectionError::Geometry {
                    section: section.clone(),
                    source: GeometryError::NotXMonotone {
                        what: what.into(),
                        index: i + 1,
                        x_prev: line.points()[i].x,
                        x: line.points()[i + 1].x,
                    },
                });
                return out;
            }
        }
        if s0 != b0 || s1 != b1 {
            out.push(SectionError::EndsMismatch {
                section: section.clone(),
                surface_x: (s0, s1),
                base_x: (b0, b1),
            });
            return out;
        }
        let xs = self.surface.points().iter().chain(self.base.points()).map(|p| p.x);
        for x in xs {
            let (zs, zb) =
                (self.surface.z_at(x).unwrap_or(f64::NAN), self.base.z_at(x).unwrap_or(f64::NAN));
            if zb >= zs && !(zb == zs && (x == s0 || x == s1)) {
                out.push(SectionError::BaseAboveSurface {
                    section: section.clone(),
                    x,
                    base_z: zb,
                    surface_z: zs,
                });
                return out;
            }
        }
        let outline = match self.outline() {
            Ok(o) => o,
            Err(e) => {
                out.push(e);
                return out;
            }
        };
        for m in &self.materials {
            if let Err(source) = m.validate() {
                out.push(SectionError::Material { section: section.clone(), source });
            }
        }
        if self.zones.is_empty() {
            out.push(SectionError::NoZones { section: section.clone() });
        }
        for z in &self.zones {
            if z.material.0 >= self.materials.len() {
                out.push(SectionError::ZoneMaterialMissing {
                    section: section.clone(),
                    zone: z.name.clone(),
                    material: z.material.0,
                    count: self.materials.len(),
                });
            }
            let tol = 1e-9 * (s1 - s0).max(1.0);
            if let Some(v) = z
                .polygon
                .vertices()
                .iter()
                .find(|&&v| !outline.contains(v) && outline.distance_to_boundary(v) > tol)
            {
                out.push(SectionError::ZoneOutsideSection {
                    section: section.clone(),
                    zone: z.name.clone(),
                    x: v.x,
                    z: v.z,
                });
            }
        }
        for (i, a) in self.zones.iter().enumerate() {
            for b in &self.zones[i + 1..] {
                if a.polygon.overlaps(&b.polygon) {
                    out.push(SectionError::ZonesOverlap {
                        section: section.clone(),
                        zone_a: a.name.clone(),
                        zone_b: b.name.clone(),
                    });
                }
            }
        }
        let covered: f64 = self.zones.iter().map(|z| z.polygon.area()).sum();
        let total = outline.area();
        if !self.zones.is_empty()
            && !out.iter().any(|e| matches!(e, SectionError::ZonesOverlap { .. }))
            && (covered - total).abs() > COVER_TOLERANCE * total
        {
            out.push(SectionError::ZonesLeaveGap {
                section: section.clone(),
                covered_m2: covered,
                section_m2: total,
            });
        }
        let drain_points = self
            .drains
            .iter()
            .flat_map(|d| d.polygon.vertices().iter().map(move |&v| (&d.name, v)))
            .chain(self.pipes.iter().map(|p| (&p.name, p.at)));
        for (name, v) in drain_points {
            if !outline.contains(v) {
                out.push(SectionError::DrainOutsideSection {
                    section: section.clone(),
                    drain: name.clone(),
                    x: v.x,
                    z: v.z,
                });
            }
        }
        let until = self.pond_side.surface_until_x;
        if !(until >= s0 && until <= s1) {
            out.push(SectionError::PondSideOutOfRange {
                section: section.clone(),
                x: until,
                x_first: s0,
                x_last: s1,
            });
        }
        for (index, &x) in self.stations_x.iter().enumerate() {
            if !(x >= s0 && x <= s1) {
                out.push(SectionError::StationOutsideSurface {
                    section: section.clone(),
                    index,
                    x,
                    x_first: s0,
                    x_last: s1,
                });
            }
        }
        out
    }

    /// The first problem, if any.
    pub fn validate(&self) -> Result<(), SectionError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, z: f64) -> Point2 {
        Point2::new(x, z)
    }

    fn sand() -> Material {
        Material {
            name: "sand".into(),
            unit_weight_n_m3: 18e3,
            saturated_unit_weight_n_m3: 20e3,
            strength: Strength::MohrCoulomb { cohesion_pa: 0.0, friction_angle_rad: 0.6 },
            hydraulic: Hydraulic {
                conductivity: Conductivity::isotropic(1e-5),
                unsaturated: Unsaturated::default(),
            },
        }
    }

    /// A 20 m wide, 10 m high block in two zones (left and right halves).
    fn block() -> DamSection {
        let zone = |name: &str, x0: f64, x1: f64| Zone {
            name: name.into(),
            polygon: Polygon::new(name, vec![p(x0, 0.), p(x1, 0.), p(x1, 10.), p(x0, 10.)])
                .unwrap(),
            material: MaterialId(0),
        };
        DamSection {
            name: "block".into(),
            surface: Polyline::x_monotone("surface", vec![p(0., 10.), p(20., 10.)]).unwrap(),
            base: Polyline::x_monotone("base", vec![p(0., 0.), p(20., 0.)]).unwrap(),
            materials: vec![sand()],
            zones: vec![zone("left", 0., 10.), zone("right", 10., 20.)],
            drains: vec![],
            pipes: vec![DrainPipe { name: "pipe".into(), at: p(18., 1.) }],
            pond_side: PondSide { surface_until_x: 0.0, upstream_edge: EdgeKind::Open },
            downstream_edge: EdgeKind::Open,
            stations_x: vec![15.0],
        }
    }

    #[test]
    fn valid_block_passes_and_locates_zones() {
        let s = block();
        assert_eq!(s.problems(), vec![]);
        assert_eq!(s.zone_at(p(5., 5.)).unwrap().name, "left");
        assert_eq!(s.material_at(p(15., 5.)).unwrap().name, "sand");
        assert_eq!(s.pond_bottom_m(), 0.0);
        assert!((s.outline().unwrap().area() - 200.0).abs() < 1e-12);
    }

    #[test]
    fn bad_sections_name_what_is_wrong() {
        let mut s = block();
        s.zones[1].polygon =
            Polygon::new("right", vec![p(8., 0.), p(20., 0.), p(20., 10.), p(8., 10.)]).unwrap();
        assert!(
            matches!(s.validate(), Err(SectionError::ZonesOverlap { ref zone_a, .. }) if zone_a == "left")
        );

        let mut s = block();
        s.zones[1].polygon =
            Polygon::new("right", vec![p(12., 0.), p(20., 0.), p(20., 10.), p(12., 10.)]).unwrap();
        assert!(matches!(s.validate(), Err(SectionError::ZonesLeaveGap { .. })));

        let mut s = block();
        s.zones[1].material = MaterialId(3);
        assert!(matches!(s.validate(), Err(SectionError::ZoneMaterialMissing { material: 3, .. })));

        let mut s = block();
        s.materials[0].hydraulic.conductivity.k_major_m_s = 0.0;
        let e = s.validate().unwrap_err();
        assert!(matches!(e, SectionError::Material { ref source, .. } if source.key == "k"), "{e}");

        let mut s = block();
        s.pipes[0].at = p(25., 1.);
        assert!(
            matches!(s.validate(), Err(SectionError::DrainOutsideSection { ref drain, .. }) if drain == "pipe")
        );

        let mut s = block();
        s.stations_x = vec![-1.0];
        assert!(matches!(s.validate(), Err(SectionError::StationOutsideSurface { index: 0, .. })));
    }
}
