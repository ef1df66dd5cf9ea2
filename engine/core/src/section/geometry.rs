//! Plane geometry of a dam cross-section: points, polylines, polygons (x horizontal, z up, m).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A point of the cross-section plane: `x` horizontal (m, increasing downstream), `z` absolute
/// elevation (m).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Point2 {
    pub x: f64,
    pub z: f64,
}

impl Point2 {
    pub const fn new(x: f64, z: f64) -> Self {
        Self { x, z }
    }

    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.z.is_finite()
    }

    pub fn distance(self, other: Point2) -> f64 {
        (self.x - other.x).hypot(self.z - other.z)
    }
}

/// Errors of polylines and polygons. `what` names the line or polygon (a key path or a name).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeometryError {
    #[error("{what}: needs at least {needed} points, got {count}")]
    TooFewPoints { what: String, needed: usize, count: usize },
    #[error("{what}: point {index} ({x}, {z}) is not finite")]
    NonFinite { what: String, index: usize, x: f64, z: f64 },
    #[error("{what}: x must increase along the line, but point {index} has x = {x} after {x_prev}")]
    NotXMonotone { what: String, index: usize, x_prev: f64, x: f64 },
    #[error("{what}: the ring is open (first point {first:?} differs from last point {last:?})")]
    OpenRing { what: String, first: (f64, f64), last: (f64, f64) },
    #[error("{what}: edges {edge_a} and {edge_b} intersect (the polygon is not simple)")]
    SelfIntersecting { what: String, edge_a: usize, edge_b: usize },
    #[error("{what}: the polygon has zero area")]
    ZeroArea { what: String },
}

/// Orientation of a polygon ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    CounterClockwise,
    Clockwise,
}

/// Twice the signed area of triangle (a, b, c): > 0 when a → b → c turns counter-clockwise.
#[inline]
pub fn orient2d(a: Point2, b: Point2, c: Point2) -> f64 {
    (b.x - a.x) * (c.z - a.z) - (b.z - a.z) * (c.x - a.x)
}

/// Whether closed segments p1p2 and q1q2 intersect (touching counts).
pub fn segments_intersect(p1: Point2, p2: Point2, q1: Point2, q2: Point2) -> bool {
    let d1 = orient2d(q1, q2, p1);
    let d2 = orient2d(q1, q2, p2);
    let d3 = orient2d(p1, p2, q1);
    let d4 = orient2d(p1, p2, q2);
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    let on = |a: Point2, b: Point2, c: Point2, d: f64| {
        d == 0.0
            && c.x >= a.x.min(b.x)
            && c.x <= a.x.max(b.x)
            && c.z >= a.z.min(b.z)
            && c.z <= a.z.max(b.z)
    };
    on(q1, q2, p1, d1) || on(q1, q2, p2, d2) || on(p1, p2, q1, d3) || on(p1, p2, q2, d4)
}

/// Whether open segments p1p2 and q1q2 cross at a single interior point of both (a proper crossing;
/// touching at an end or running along each other does not count).
pub fn segments_cross_properly(p1: Point2, p2: Point2, q1: Point2, q2: Point2) -> bool {
    let d1 = orient2d(q1, q2, p1);
    let d2 = orient2d(q1, q2, p2);
    let d3 = orient2d(p1, p2, q1);
    let d4 = orient2d(p1, p2, q2);
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// Distance from `p` to segment ab.
pub fn distance_to_segment(p: Point2, a: Point2, b: Point2) -> f64 {
    let (dx, dz) = (b.x - a.x, b.z - a.z);
    let len2 = dx * dx + dz * dz;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.z - a.z) * dz) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance(Point2::new(a.x + t * dx, a.z + t * dz))
}

fn check_finite(what: &str, points: &[Point2]) -> Result<(), GeometryError> {
    match points.iter().position(|p| !p.is_finite()) {
        Some(index) => Err(GeometryError::NonFinite {
            what: what.to_string(),
            index,
            x: points[index].x,
            z: points[index].z,
        }),
        None => Ok(()),
    }
}

/// An open polyline. When built with [`Polyline::x_monotone`] its x increases strictly, so it is
/// the graph of a function z(x) (a ground surface, a phreatic line, a layer boundary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polyline {
    points: Vec<Point2>,
}

impl Polyline {
    /// Any polyline of at least two finite points.
    pub fn new(what: &str, points: Vec<Point2>) -> Result<Self, GeometryError> {
        if points.len() < 2 {
            return Err(GeometryError::TooFewPoints {
                what: what.to_string(),
                needed: 2,
                count: points.len(),
            });
        }
        check_finite(what, &points)?;
        Ok(Self { points })
    }

    /// A polyline whose x increases strictly from point to point.
    pub fn x_monotone(what: &str, points: Vec<Point2>) -> Result<Self, GeometryError> {
        let line = Self::new(what, points)?;
        if let Some(i) = line.points.windows(2).position(|w| w[1].x <= w[0].x) {
            return Err(GeometryError::NotXMonotone {
                what: what.to_string(),
                index: i + 1,
                x_prev: line.points[i].x,
                x: line.points[i + 1].x,
            });
        }
        Ok(line)
    }

    pub fn points(&self) -> &[Point2] {
        &self.points
    }

    pub fn first(&self) -> Point2 {
        self.points[0]
    }

    pub fn last(&self) -> Point2 {
        self.points[self.points.len() - 1]
    }

    /// Whether x increases strictly along the line.
    pub fn is_x_monotone(&self) -> bool {
        self.points.windows(2).all(|w| w[1].x > w[0].x)
    }

    /// Length along the line, m.
    pub fn length(&self) -> f64 {
        self.points.windows(2).map(|w| w[0].distance(w[1])).sum()
    }

    /// z at `x` by linear interpolation, for an x-monotone line; `None` outside [x_first, x_last]
    /// or when the line is not x-monotone.
    pub fn z_at(&self, x: f64) -> Option<f64> {
        self.segment_at(x).map(|(a, b)| {
            let t = if b.x > a.x { (x - a.x) / (b.x - a.x) } else { 0.0 };
            a.z + t * (b.z - a.z)
        })
    }

    /// Slope dz/dx of the segment holding `x` (the left one at a vertex), x-monotone lines only.
    pub fn slope_at(&self, x: f64) -> Option<f64> {
        self.segment_at(x).map(|(a, b)| (b.z - a.z) / (b.x - a.x))
    }

    fn segment_at(&self, x: f64) -> Option<(Point2, Point2)> {
        if !self.is_x_monotone() || !x.is_finite() || x < self.first().x || x > self.last().x {
            return None;
        }
        // First vertex with x_i ≥ x; the segment ends there.
        let i = self.points.partition_point(|p| p.x < x).max(1);
        Some((self.points[i - 1], self.points[i]))
    }
}

/// A simple polygon given by its vertex ring (closure implied: the last vertex connects to the
/// first). Stored counter-clockwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polygon {
    vertices: Vec<Point2>,
}

impl Polygon {
    /// A polygon from a vertex ring with implied closure (a repeated closing vertex is dropped).
    /// Errors: fewer than 3 distinct vertices, non-finite, self-intersecting, zero area.
    pub fn new(what: &str, mut vertices: Vec<Point2>) -> Result<Self, GeometryError> {
        if vertices.len() > 1 && vertices.first() == vertices.last() {
            vertices.pop();
        }
        vertices.dedup();
        if vertices.len() < 3 {
            return Err(GeometryError::TooFewPoints {
                what: what.to_string(),
                needed: 3,
                count: vertices.len(),
            });
        }
        check_finite(what, &vertices)?;
        let mut polygon = Self { vertices };
        let area = polygon.signed_area();
        if let Some((edge_a, edge_b)) = polygon.first_self_intersection() {
            return Err(GeometryError::SelfIntersecting { what: what.to_string(), edge_a, edge_b });
        }
        if area.abs() <= 1e-12 * polygon.bbox_diagonal().powi(2) {
            return Err(GeometryError::ZeroArea { what: what.to_string() });
        }
        if area < 0.0 {
            polygon.vertices.reverse();
        }
        Ok(polygon)
    }

    /// A polygon from an explicitly closed ring (first point repeated at the end), as read from a
    /// file; an open ring is an error.
    pub fn from_closed_ring(what: &str, ring: Vec<Point2>) -> Result<Self, GeometryError> {
        match (ring.first(), ring.last()) {
            (Some(&first), Some(&last)) if ring.len() >= 2 && first != last => {
                Err(GeometryError::OpenRing {
                    what: what.to_string(),
                    first: (first.x, first.z),
                    last: (last.x, last.z),
                })
            }
            _ => Self::new(what, ring),
        }
    }

    /// The vertices, counter-clockwise, closure implied.
    pub fn vertices(&self) -> &[Point2] {
        &self.vertices
    }

    /// Edges (a, b), counter-clockwise, including the closing edge.
    pub fn edges(&self) -> impl Iterator<Item = (Point2, Point2)> + '_ {
        let n = self.vertices.len();
        (0..n).map(move |i| (self.vertices[i], self.vertices[(i + 1) % n]))
    }

    /// Signed area by the shoelace formula (> 0 counter-clockwise), m².
    pub fn signed_area(&self) -> f64 {
        0.5 * self.edges().map(|(a, b)| a.x * b.z - b.x * a.z).sum::<f64>()
    }

    /// Area, m².
    pub fn area(&self) -> f64 {
        self.signed_area().abs()
    }

    /// Orientation (always counter-clockwise once built; kept for rings built elsewhere).
    pub fn orientation(&self) -> Orientation {
        if self.signed_area() >= 0.0 {
            Orientation::CounterClockwise
        } else {
            Orientation::Clockwise
        }
    }

    /// Area centroid.
    pub fn centroid(&self) -> Point2 {
        let (mut cx, mut cz, mut a2) = (0.0, 0.0, 0.0);
        for (a, b) in self.edges() {
            let cross = a.x * b.z - b.x * a.z;
            cx += (a.x + b.x) * cross;
            cz += (a.z + b.z) * cross;
            a2 += cross;
        }
        Point2::new(cx / (3.0 * a2), cz / (3.0 * a2))
    }

    /// (x_min, z_min, x_max, z_max).
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        self.vertices.iter().fold(
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY),
            |(x0, z0, x1, z1), p| (x0.min(p.x), z0.min(p.z), x1.max(p.x), z1.max(p.z)),
        )
    }

    fn bbox_diagonal(&self) -> f64 {
        let (x0, z0, x1, z1) = self.bbox();
        (x1 - x0).hypot(z1 - z0)
    }

    /// Whether `p` lies inside or on the boundary (crossing-number test; boundary within
    /// 1e-9 of the polygon size counts as inside).
    pub fn contains(&self, p: Point2) -> bool {
        self.distance_to_boundary(p) <= 1e-9 * self.bbox_diagonal() || self.strictly_contains(p)
    }

    /// Whether `p` lies inside, boundary excluded (crossing-number test).
    pub fn strictly_contains(&self, p: Point2) -> bool {
        let mut inside = false;
        for (a, b) in self.edges() {
            if (a.z > p.z) != (b.z > p.z) {
                let x_cross = a.x + (p.z - a.z) / (b.z - a.z) * (b.x - a.x);
                if p.x < x_cross {
                    inside = !inside;
                }
            }
        }
        inside && self.distance_to_boundary(p) > 1e-9 * self.bbox_diagonal()
    }

    /// Shortest distance from `p` to the polygon's boundary.
    pub fn distance_to_boundary(&self, p: Point2) -> f64 {
        self.edges().map(|(a, b)| distance_to_segment(p, a, b)).fold(f64::INFINITY, f64::min)
    }

    /// Whether the interiors of `self` and `other` overlap: an edge of one properly crosses an edge
    /// of the other, a vertex of one lies strictly inside the other, or both have the same
    /// interior point (identical or nested rings without crossing edges).
    pub fn overlaps(&self, other: &Polygon) -> bool {
        let crossing = self
            .edges()
            .any(|(a, b)| other.edges().any(|(c, d)| segments_cross_properly(a, b, c, d)));
        crossing
            || self.probe_points().any(|v| other.strictly_contains(v))
            || other.probe_points().any(|v| self.strictly_contains(v))
            || other.strictly_contains(self.interior_point())
            || self.strictly_contains(other.interior_point())
    }

    /// Points just inside the polygon next to each vertex and each edge midpoint (offset by 10⁻⁶
    /// of the polygon size): they catch overlaps along shared or collinear edges, which have no
    /// proper crossing.
    fn probe_points(&self) -> impl Iterator<Item = Point2> + '_ {
        let eps = 1e-6 * self.bbox_diagonal();
        let n = self.vertices.len();
        (0..n).flat_map(move |i| {
            let (prev, v, next) =
                (self.vertices[(i + n - 1) % n], self.vertices[i], self.vertices[(i + 1) % n]);
            // Inward normal of edge v → next (counter-clockwise ring: interior on the left).
            let normal = |a: Point2, b: Point2| {
                let len = a.distance(b);
                ((a.z - b.z) / len, (b.x - a.x) / len)
            };
            let (n1x, n1z) = normal(prev, v);
            let (n2x, n2z) = normal(v, next);
            let mid = Point2::new(0.5 * (v.x + next.x), 0.5 * (v.z + next.z));
            let along = |a: Point2, b: Point2| {
                let len = a.distance(b);
                ((b.x - a.x) / len, (b.z - a.z) / len)
            };
            let (tx, tz) = along(v, next);
            let (ux, uz) = along(v, prev);
            [
                Point2::new(mid.x + eps * n2x, mid.z + eps * n2z),
                // Just inside the corner: a step along both edges and inwards.
                Point2::new(v.x + eps * (tx + ux + n1x + n2x), v.z + eps * (tz + uz + n1z + n2z)),
            ]
            .into_iter()
            .filter(|q| self.strictly_contains(*q))
        })
    }

    /// A point strictly inside the polygon (the centroid when it is inside, else the centroid of the
    /// first ear-like vertex triangle that is).
    pub fn interior_point(&self) -> Point2 {
        let c = self.centroid();
        if self.strictly_contains(c) {
            return c;
        }
        let n = self.vertices.len();
        for i in 0..n {
            let (a, b, d) =
                (self.vertices[(i + n - 1) % n], self.vertices[i], self.vertices[(i + 1) % n]);
            let t = Point2::new((a.x + b.x + d.x) / 3.0, (a.z + b.z + d.z) / 3.0);
            if orient2d(a, b, d) > 0.0 && self.strictly_contains(t) {
                return t;
            }
        }
        c
    }

    fn first_self_intersection(&self) -> Option<(usize, usize)> {
        let n = self.vertices.len();
        let edge = |i: usize| (self.vertices[i], self.vertices[(i + 1) % n]);
        for i in 0..n {
            for j in (i + 1)..n {
                let adjacent = j == i + 1 || (i == 0 && j == n - 1);
                let (a, b) = edge(i);
                let (c, d) = edge(j);
                if adjacent {
                    // Neighbours share one vertex; they intersect badly only when they fold back
                    // onto each other (collinear and overlapping).
                    let (shared, other_i, other_j) = if j == i + 1 { (b, a, d) } else { (a, b, c) };
                    if orient2d(other_i, shared, other_j) == 0.0
                        && (other_i.x - shared.x) * (other_j.x - shared.x)
                            + (other_i.z - shared.z) * (other_j.z - shared.z)
                            > 0.0
                    {
                        return Some((i, j));
                    }
                } else if segments_intersect(a, b, c, d) {
                    return Some((i, j));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, z: f64) -> Point2 {
        Point2::new(x, z)
    }

    #[test]
    fn square_area_orientation_and_containment() {
        let sq = Polygon::new("sq", vec![p(0., 0.), p(0., 2.), p(2., 2.), p(2., 0.)]).unwrap();
        assert_eq!(sq.orientation(), Orientation::CounterClockwise);
        assert!((sq.area() - 4.0).abs() < 1e-12);
        assert_eq!(sq.centroid(), p(1.0, 1.0));
        assert!(sq.contains(p(1.0, 1.0)) && sq.contains(p(2.0, 1.0)));
        assert!(!sq.strictly_contains(p(2.0, 1.0)) && !sq.contains(p(2.1, 1.0)));
    }

    #[test]
    fn bow_tie_is_self_intersecting_and_open_ring_is_rejected() {
        let e = Polygon::new("bow", vec![p(0., 0.), p(1., 1.), p(1., 0.), p(0., 1.)]).unwrap_err();
        assert!(matches!(e, GeometryError::SelfIntersecting { .. }), "{e}");
        let e = Polygon::from_closed_ring("ring", vec![p(0., 0.), p(1., 0.), p(1., 1.)]);
        assert!(matches!(e, Err(GeometryError::OpenRing { .. })));
        let ok =
            Polygon::from_closed_ring("ring", vec![p(0., 0.), p(1., 0.), p(1., 1.), p(0., 0.)]);
        assert!((ok.unwrap().area() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn overlap_detection_distinguishes_neighbours_from_overlaps() {
        let a = Polygon::new("a", vec![p(0., 0.), p(2., 0.), p(2., 2.), p(0., 2.)]).unwrap();
        let b = Polygon::new("b", vec![p(2., 0.), p(4., 0.), p(4., 2.), p(2., 2.)]).unwrap();
        let c = Polygon::new("c", vec![p(1., 1.), p(3., 1.), p(3., 3.), p(1., 3.)]).unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c) && c.overlaps(&b));
        assert!(a.overlaps(&a.clone()));
    }

    #[test]
    fn x_monotone_line_interpolates() {
        let l = Polyline::x_monotone("l", vec![p(0., 10.), p(10., 20.), p(20., 20.)]).unwrap();
        assert_eq!(l.z_at(5.0), Some(15.0));
        assert_eq!(l.z_at(10.0), Some(20.0));
        assert_eq!(l.z_at(20.0), Some(20.0));
        assert_eq!(l.z_at(20.5), None);
        assert_eq!(l.slope_at(3.0), Some(1.0));
        let e = Polyline::x_monotone("l", vec![p(0., 1.), p(0., 2.)]).unwrap_err();
        assert!(matches!(e, GeometryError::NotXMonotone { index: 1, .. }));
    }
}
