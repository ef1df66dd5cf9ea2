//! Quality constrained-Delaunay meshing of a dam section (spade: CDT + Ruppert/Chew refinement).
//!
//! Every outline, zone and drain edge is a constraint, so elements never straddle a material
//! boundary and each element gets the zone that holds its centroid. Sizes: a global target edge
//! length h (max area √3/4·h²) and a finer size near drains, pipes and the potential seepage face
//! (the outer slope and an open downstream edge), graded linearly with distance. The grading is
//! done by inserting centroids of oversized triangles near those features and re-running the
//! quality refinement (minimum angle 25°), so the final mesh stays Delaunay-refined everywhere.

use crate::SeepageError;
use spade::{
    AngleLimit, ConstrainedDelaunayTriangulation, Point2 as SpadePoint, RefinementParameters,
    Triangulation,
};
use tailtwin_core::section::{DamSection, EdgeKind, Point2, Polygon, distance_to_segment};

type Cdt = ConstrainedDelaunayTriangulation<SpadePoint<f64>>;

/// Meshing settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeshSettings {
    /// Target element edge length away from drains and the seepage face, m.
    pub target_size_m: f64,
    /// Edge length at drains, pipes and the potential seepage face as a fraction of the target
    /// (1 = no local refinement). Default 0.4.
    pub local_size_ratio: f64,
    /// Growth of the local size with distance from those features (m per m). Default 0.25.
    pub grading: f64,
    /// Minimum angle of the quality refinement, degrees. Default 25 (≤ 30 terminates).
    pub min_angle_deg: f64,
    /// Edge length around a seepage exit point found by a previous solve, as a fraction of the
    /// target (see [`mesh_section_near`]). Default 0.1.
    pub exit_size_ratio: f64,
    /// Refuse meshes above this many nodes. Default 2 000 000.
    pub max_nodes: usize,
}

impl MeshSettings {
    /// Defaults with the given target size.
    pub fn with_target_size(target_size_m: f64) -> Self {
        Self {
            target_size_m,
            local_size_ratio: 0.4,
            grading: 0.25,
            min_angle_deg: 25.0,
            exit_size_ratio: 0.1,
            max_nodes: 2_000_000,
        }
    }

    /// Uniform size: no local refinement (used for convergence studies).
    pub fn uniform(target_size_m: f64) -> Self {
        Self { local_size_ratio: 1.0, ..Self::with_target_size(target_size_m) }
    }
}

/// Where a boundary edge lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoundaryPart {
    /// Ground / dam surface (pond side, beach, crest, outer slope).
    Surface,
    /// Vertical edge at the pond-side end.
    Upstream,
    /// Vertical edge at the downstream end.
    Downstream,
    /// Model base (impervious).
    Base,
}

/// A boundary edge of the mesh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundaryEdge {
    pub nodes: [u32; 2],
    pub part: BoundaryPart,
}

/// A linear-triangle mesh of a section.
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    pub nodes: Vec<Point2>,
    /// Counter-clockwise node triples.
    pub triangles: Vec<[u32; 3]>,
    /// Index into `DamSection::zones` per triangle.
    pub element_zone: Vec<u32>,
    pub boundary: Vec<BoundaryEdge>,
    /// Nodes inside or on each drain polygon (same order as `DamSection::drains`).
    pub drain_nodes: Vec<Vec<u32>>,
    /// The node at each pipe (same order as `DamSection::pipes`).
    pub pipe_nodes: Vec<u32>,
    /// Smallest interior angle, degrees.
    pub min_angle_deg: f64,
}

fn sp(p: Point2) -> SpadePoint<f64> {
    SpadePoint::new(p.x, p.z)
}

fn pt(p: SpadePoint<f64>) -> Point2 {
    Point2::new(p.x, p.y)
}

fn insert(cdt: &mut Cdt, p: Point2) -> Result<spade::handles::FixedVertexHandle, SeepageError> {
    cdt.insert(sp(p)).map_err(|e| SeepageError::Mesh {
        reason: format!("cannot insert ({}, {}): {e:?}", p.x, p.z),
    })
}

fn add_ring(cdt: &mut Cdt, ring: &[Point2]) -> Result<(), SeepageError> {
    let handles = ring.iter().map(|&p| insert(cdt, p)).collect::<Result<Vec<_>, _>>()?;
    for i in 0..handles.len() {
        let (a, b) = (handles[i], handles[(i + 1) % handles.len()]);
        if a != b {
            cdt.add_constraint_and_split(a, b, |p| p);
        }
    }
    Ok(())
}

/// Segments near which the mesh is refined: drain edges, the outer slope (surface downstream of
/// the crest) and an open downstream edge.
fn refinement_features(section: &DamSection) -> (Vec<(Point2, Point2)>, Vec<Point2>) {
    let mut segments: Vec<(Point2, Point2)> =
        section.drains.iter().flat_map(|d| d.polygon.edges()).collect();
    let surface = section.surface.points();
    let crest = surface
        .iter()
        .enumerate()
        .fold(0, |best, (i, p)| if p.z >= surface[best].z { i } else { best });
    segments.extend(surface[crest..].windows(2).map(|w| (w[0], w[1])));
    if section.downstream_edge == EdgeKind::Open {
        segments.push((section.surface.last(), section.base.last()));
    }
    let points = section.pipes.iter().map(|p| p.at).collect();
    (segments, points)
}

/// Meshes a validated section.
pub fn mesh_section(section: &DamSection, settings: &MeshSettings) -> Result<Mesh, SeepageError> {
    mesh_section_near(section, settings, &[])
}

/// Meshes a validated section with extra refinement (edge length `exit_size_ratio` × target,
/// graded) around the given points — the seepage exit of a first solve, where the free surface
/// meets the face and the solution is singular.
pub fn mesh_section_near(
    section: &DamSection,
    settings: &MeshSettings,
    exit_points: &[Point2],
) -> Result<Mesh, SeepageError> {
    section.validate()?;
    let h = settings.target_size_m;
    let outline = section.outline()?;
    let (x0, z0, x1, z1) = outline.bbox();
    let extent = (x1 - x0).max(z1 - z0);
    if !(h.is_finite() && h > 0.0) {
        return Err(SeepageError::BadSetting { key: "mesh.target_size_m", value: h });
    }
    if !(settings.local_size_ratio > 0.0 && settings.local_size_ratio <= 1.0) {
        return Err(SeepageError::BadSetting {
            key: "mesh.local_size_ratio",
            value: settings.local_size_ratio,
        });
    }
    if !(settings.min_angle_deg >= 0.0 && settings.min_angle_deg <= 30.0) {
        return Err(SeepageError::BadSetting {
            key: "mesh.min_angle_deg",
            value: settings.min_angle_deg,
        });
    }
    if !(settings.exit_size_ratio > 0.0 && settings.exit_size_ratio <= 1.0) {
        return Err(SeepageError::BadSetting {
            key: "mesh.exit_size_ratio",
            value: settings.exit_size_ratio,
        });
    }
    if !(settings.grading > 0.0 && settings.grading.is_finite()) {
        return Err(SeepageError::BadSetting { key: "mesh.grading", value: settings.grading });
    }
    // Rough node estimate: area / (√3/4 h²) / 2 for the hull, refused early when absurd.
    let (hx0, hz0, hx1, hz1) = outline.bbox();
    let estimate = ((hx1 - hx0) * (hz1 - hz0) / (0.433 * h * h) / 2.0) as usize;
    if estimate > settings.max_nodes {
        return Err(SeepageError::TooManyNodes { estimated: estimate, max: settings.max_nodes });
    }

    let mut cdt = Cdt::new();
    add_ring(&mut cdt, outline.vertices())?;
    for z in &section.zones {
        add_ring(&mut cdt, z.polygon.vertices())?;
    }
    for d in &section.drains {
        add_ring(&mut cdt, d.polygon.vertices())?;
    }
    for p in &section.pipes {
        insert(&mut cdt, p.at)?;
    }

    let max_area = 0.433 * h * h;
    let quality = |max_area: f64, vertices: usize| {
        RefinementParameters::<f64>::new()
            .with_angle_limit(AngleLimit::from_deg(settings.min_angle_deg))
            .with_max_allowed_area(max_area)
            .with_min_required_area(1e-10 * extent * extent)
            .with_max_additional_vertices(vertices)
    };
    let budget = settings.max_nodes.saturating_mul(2);
    cdt.refine(quality(max_area, budget));

    if settings.local_size_ratio < 1.0 || !exit_points.is_empty() {
        let (segments, points) = refinement_features(section);
        let fine = h * settings.local_size_ratio;
        let exit_fine = h * settings.exit_size_ratio;
        let local_size = |p: Point2| {
            let mut size = h;
            if settings.local_size_ratio < 1.0 {
                let d_seg = segments
                    .iter()
                    .map(|&(a, b)| distance_to_segment(p, a, b))
                    .fold(f64::INFINITY, f64::min);
                let d = points.iter().map(|&q| p.distance(q)).fold(d_seg, f64::min);
                size = size.min(fine + settings.grading * d);
            }
            for &q in exit_points {
                size = size.min(exit_fine + settings.grading * p.distance(q));
            }
            size
        };
        for _pass in 0..40 {
            let centroids: Vec<Point2> = cdt
                .inner_faces()
                .filter_map(|f| {
                    let c = pt(f.center());
                    let s = local_size(c);
                    (f.area() > 0.433 * s * s * 1.5 && outline.strictly_contains(c)).then_some(c)
                })
                .collect();
            if centroids.is_empty() {
                break;
            }
            if cdt.num_vertices() + centroids.len() > settings.max_nodes * 2 {
                return Err(SeepageError::TooManyNodes {
                    estimated: cdt.num_vertices() + centroids.len(),
                    max: settings.max_nodes,
                });
            }
            for c in centroids {
                insert(&mut cdt, c)?;
            }
        }
        cdt.refine(quality(max_area, budget));
    }
    extract(section, &outline, &cdt, settings)
}

/// Keeps the faces inside the outline, renumbers their nodes and classifies the boundary.
fn extract(
    section: &DamSection,
    outline: &Polygon,
    cdt: &Cdt,
    settings: &MeshSettings,
) -> Result<Mesh, SeepageError> {
    let mut node_of_vertex = vec![u32::MAX; cdt.num_vertices()];
    let mut nodes = Vec::new();
    let mut triangles = Vec::new();
    let mut element_zone = Vec::new();
    let mut min_angle = f64::INFINITY;
    for f in cdt.inner_faces() {
        let c = pt(f.center());
        if !outline.strictly_contains(c) {
            continue;
        }
        let zone =
            section.zones.iter().position(|z| z.polygon.contains(c)).ok_or(SeepageError::Mesh {
                reason: format!("element at ({}, {}) is in no zone", c.x, c.z),
            })?;
        let tri = f.vertices().map(|v| {
            let slot = &mut node_of_vertex[v.fix().index()];
            if *slot == u32::MAX {
                *slot = nodes.len() as u32;
                nodes.push(pt(v.position()));
            }
            *slot
        });
        let ps = tri.map(|i| nodes[i as usize]);
        for k in 0..3 {
            let (a, b, c) = (ps[k], ps[(k + 1) % 3], ps[(k + 2) % 3]);
            let (u, v) = ((b.x - a.x, b.z - a.z), (c.x - a.x, c.z - a.z));
            let cos = (u.0 * v.0 + u.1 * v.1) / (u.0.hypot(u.1) * v.0.hypot(v.1));
            min_angle = min_angle.min(cos.clamp(-1.0, 1.0).acos().to_degrees());
        }
        triangles.push(tri);
        element_zone.push(zone as u32);
    }
    if triangles.is_empty() {
        return Err(SeepageError::Mesh { reason: "no elements inside the outline".into() });
    }
    if nodes.len() > settings.max_nodes {
        return Err(SeepageError::TooManyNodes { estimated: nodes.len(), max: settings.max_nodes });
    }
    let boundary = classify_boundary(section, &nodes, &triangles);
    let drain_nodes = section
        .drains
        .iter()
        .map(|d| {
            let (bx0, bz0, bx1, bz1) = d.polygon.bbox();
            (0..nodes.len() as u32)
                .filter(|&i| {
                    let p = nodes[i as usize];
                    p.x >= bx0 - 1e-9
                        && p.x <= bx1 + 1e-9
                        && p.z >= bz0 - 1e-9
                        && p.z <= bz1 + 1e-9
                        && d.polygon.contains(p)
                })
                .collect()
        })
        .collect();
    let pipe_nodes = section
        .pipes
        .iter()
        .map(|p| {
            let v = cdt.locate_vertex(sp(p.at)).ok_or(SeepageError::Mesh {
                reason: format!("pipe '{}' has no mesh node", p.name),
            })?;
            match node_of_vertex[v.fix().index()] {
                u32::MAX => Err(SeepageError::Mesh {
                    reason: format!("pipe '{}' is outside the mesh", p.name),
                }),
                n => Ok(n),
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(Mesh {
        nodes,
        triangles,
        element_zone,
        boundary,
        drain_nodes,
        pipe_nodes,
        min_angle_deg: min_angle,
    })
}

fn classify_boundary(
    section: &DamSection,
    nodes: &[Point2],
    triangles: &[[u32; 3]],
) -> Vec<BoundaryEdge> {
    let mut edges: Vec<(u32, u32, u32, u32)> = Vec::with_capacity(triangles.len() * 3);
    for t in triangles {
        for k in 0..3 {
            let (a, b) = (t[k], t[(k + 1) % 3]);
            edges.push((a.min(b), a.max(b), a, b));
        }
    }
    edges.sort_unstable();
    let (xa, xb) = (section.surface.first().x, section.surface.last().x);
    let tol = 1e-9 * (xb - xa).max(1.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < edges.len() {
        let j = (i + 1..edges.len())
            .find(|&j| (edges[j].0, edges[j].1) != (edges[i].0, edges[i].1))
            .unwrap_or(edges.len());
        if j - i == 1 {
            // Keep the triangle's orientation: the domain lies to the left of a → b.
            let (a, b) = (edges[i].2, edges[i].3);
            let (pa, pb) = (nodes[a as usize], nodes[b as usize]);
            let mid = Point2::new(0.5 * (pa.x + pb.x), 0.5 * (pa.z + pb.z));
            let part = if (pa.x - xa).abs() <= tol && (pb.x - xa).abs() <= tol {
                BoundaryPart::Upstream
            } else if (pa.x - xb).abs() <= tol && (pb.x - xb).abs() <= tol {
                BoundaryPart::Downstream
            } else {
                let zs = section.surface.z_at(mid.x).unwrap_or(f64::NAN);
                let zb = section.base.z_at(mid.x).unwrap_or(f64::NAN);
                if (mid.z - zb).abs() < (mid.z - zs).abs() {
                    BoundaryPart::Base
                } else {
                    BoundaryPart::Surface
                }
            };
            out.push(BoundaryEdge { nodes: [a, b], part });
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_sections::{block, embankment};

    #[test]
    fn block_mesh_covers_the_area_with_quality_elements() {
        let s = block(20.0, 10.0);
        let m = mesh_section(&s, &MeshSettings::uniform(1.0)).unwrap();
        let area: f64 = m
            .triangles
            .iter()
            .map(|t| {
                let p = t.map(|i| m.nodes[i as usize]);
                0.5 * ((p[1].x - p[0].x) * (p[2].z - p[0].z)
                    - (p[1].z - p[0].z) * (p[2].x - p[0].x))
            })
            .sum();
        assert!((area - 200.0).abs() < 1e-9, "area {area}");
        assert!(m.min_angle_deg > 20.0, "min angle {}", m.min_angle_deg);
        let perimeter: f64 = m
            .boundary
            .iter()
            .map(|e| m.nodes[e.nodes[0] as usize].distance(m.nodes[e.nodes[1] as usize]))
            .sum();
        assert!((perimeter - 60.0).abs() < 1e-9);
        let len = |part| {
            m.boundary
                .iter()
                .filter(|e| e.part == part)
                .map(|e| m.nodes[e.nodes[0] as usize].distance(m.nodes[e.nodes[1] as usize]))
                .sum::<f64>()
        };
        assert!((len(BoundaryPart::Upstream) - 10.0).abs() < 1e-9);
        assert!((len(BoundaryPart::Base) - 20.0).abs() < 1e-9);
    }

    #[test]
    fn zoned_embankment_elements_respect_zone_boundaries_and_refine_near_the_drain() {
        let s = embankment();
        let m = mesh_section(&s, &MeshSettings::with_target_size(2.0)).unwrap();
        for (t, &z) in m.triangles.iter().zip(&m.element_zone) {
            let p = t.map(|i| m.nodes[i as usize]);
            let c = Point2::new((p[0].x + p[1].x + p[2].x) / 3.0, (p[0].z + p[1].z + p[2].z) / 3.0);
            assert!(s.zones[z as usize].polygon.contains(c));
        }
        assert!(!m.drain_nodes[0].is_empty());
        assert_eq!(m.pipe_nodes.len(), s.pipes.len());
        let uniform = mesh_section(&s, &MeshSettings::uniform(2.0)).unwrap();
        assert!(m.nodes.len() > uniform.nodes.len());
    }
}
