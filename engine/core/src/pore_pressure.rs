//! Pore water pressure in a dam section, as stability reads it: [`PorePressure::pore_pressure_pa`].
//!
//! Two sources:
//! - [`PhreaticSurface`]: a phreatic line (浸润线) with hydrostatic pressure below it,
//!   u = γ_w (z_line(x) − z), zero above. With [`HydrostaticCorrection::CosSquared`] the pressure is
//!   u = γ_w (z_line(x) − z) cos²θ, θ the local inclination of the line: the exact pressure when
//!   the line is straight and the equipotentials are normal to it (slope-parallel seepage); the
//!   plain hydrostatic value overestimates u under a steep line.
//! - [`PorePressureField`]: nodal values on a triangle mesh (what the seepage solver returns),
//!   linearly interpolated. Negative values are suction above the phreatic line; callers that ignore
//!   suction clamp at zero. Points outside the mesh fall back to the field's phreatic line.

use crate::hydraulics::G;
use crate::section::{Point2, Polyline};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Unit weight of water γ_w = ρ_w g, N/m³ (ρ_w = 1000 kg/m³, g as in [`G`]).
pub const GAMMA_W: f64 = 1000.0 * G;

/// Correction of the hydrostatic pressure under a phreatic line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HydrostaticCorrection {
    /// u = γ_w (z_line − z).
    #[default]
    None,
    /// u = γ_w (z_line − z) cos²θ.
    CosSquared,
}

/// A phreatic line (x-monotone) with hydrostatic pressure below it. Beyond the ends of the line
/// its end elevations are extended horizontally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhreaticSurface {
    pub line: Polyline,
    pub correction: HydrostaticCorrection,
}

impl PhreaticSurface {
    /// Phreatic elevation at `x` (ends extended horizontally).
    pub fn z_at(&self, x: f64) -> f64 {
        let (first, last) = (self.line.first(), self.line.last());
        if x <= first.x {
            first.z
        } else if x >= last.x {
            last.z
        } else {
            self.line.z_at(x).unwrap_or(last.z)
        }
    }

    /// Pore pressure at `p`, Pa (zero above the line).
    pub fn pore_pressure_pa(&self, p: Point2) -> f64 {
        let head = self.z_at(p.x) - p.z;
        if head <= 0.0 {
            return 0.0;
        }
        let factor = match self.correction {
            HydrostaticCorrection::None => 1.0,
            HydrostaticCorrection::CosSquared => {
                let inside = p.x > self.line.first().x && p.x < self.line.last().x;
                let slope = if inside { self.line.slope_at(p.x).unwrap_or(0.0) } else { 0.0 };
                1.0 / (1.0 + slope * slope)
            }
        };
        GAMMA_W * head * factor
    }
}

/// Problems building a [`PorePressureField`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FieldError {
    #[error("pore-pressure field: {nodes} nodes but {values} values")]
    LengthMismatch { nodes: usize, values: usize },
    #[error(
        "pore-pressure field: triangle {triangle} refers to node {node}, but there are {nodes}"
    )]
    BadIndex { triangle: usize, node: u32, nodes: usize },
    #[error("pore-pressure field: value at node {node} is not finite ({value})")]
    NonFinite { node: usize, value: f64 },
    #[error("pore-pressure field: no triangles")]
    Empty,
}

/// Nodal pore pressures on a triangle mesh with a bucket grid for fast point location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FieldData", into = "FieldData")]
pub struct PorePressureField {
    data: FieldData,
    grid: BucketGrid,
}

/// The serialised part of a [`PorePressureField`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldData {
    pub nodes: Vec<Point2>,
    pub triangles: Vec<[u32; 3]>,
    pub values_pa: Vec<f64>,
    /// Used outside the mesh.
    pub phreatic: PhreaticSurface,
}

impl TryFrom<FieldData> for PorePressureField {
    type Error = FieldError;
    fn try_from(d: FieldData) -> Result<Self, FieldError> {
        PorePressureField::new(d.nodes, d.triangles, d.values_pa, d.phreatic)
    }
}

impl From<PorePressureField> for FieldData {
    fn from(f: PorePressureField) -> Self {
        f.data
    }
}

/// Uniform grid over the mesh bounding box; each cell lists the triangles whose bounding boxes
/// touch it (CSR layout).
#[derive(Debug, Clone, PartialEq)]
struct BucketGrid {
    x0: f64,
    z0: f64,
    cell: f64,
    nx: usize,
    nz: usize,
    start: Vec<u32>,
    items: Vec<u32>,
}

impl BucketGrid {
    fn build(nodes: &[Point2], triangles: &[[u32; 3]]) -> Self {
        let (mut x0, mut z0, mut x1, mut z1) =
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for p in nodes {
            (x0, z0, x1, z1) = (x0.min(p.x), z0.min(p.z), x1.max(p.x), z1.max(p.z));
        }
        let (w, h) = ((x1 - x0).max(1e-9), (z1 - z0).max(1e-9));
        // About one triangle per cell.
        let cell = (w * h / triangles.len().max(1) as f64).sqrt().max(1e-9);
        let nx = ((w / cell).ceil() as usize).clamp(1, 4096);
        let nz = ((h / cell).ceil() as usize).clamp(1, 4096);
        let cell = (w / nx as f64).max(h / nz as f64);
        let range = |t: &[u32; 3]| {
            let ps = t.map(|i| nodes[i as usize]);
            let ix = |x: f64| (((x - x0) / cell) as usize).min(nx - 1);
            let iz = |z: f64| (((z - z0) / cell) as usize).min(nz - 1);
            let (a, b) = (
                ps.iter().map(|p| p.x).fold(f64::INFINITY, f64::min),
                ps.iter().map(|p| p.x).fold(f64::NEG_INFINITY, f64::max),
            );
            let (c, d) = (
                ps.iter().map(|p| p.z).fold(f64::INFINITY, f64::min),
                ps.iter().map(|p| p.z).fold(f64::NEG_INFINITY, f64::max),
            );
            (ix(a), ix(b), iz(c), iz(d))
        };
        let mut count = vec![0u32; nx * nz + 1];
        for t in triangles {
            let (i0, i1, k0, k1) = range(t);
            for k in k0..=k1 {
                for i in i0..=i1 {
                    count[k * nx + i + 1] += 1;
                }
            }
        }
        for c in 1..count.len() {
            count[c] += count[c - 1];
        }
        let mut fill = count.clone();
        let mut items = vec![0u32; count[nx * nz] as usize];
        for (ti, t) in triangles.iter().enumerate() {
            let (i0, i1, k0, k1) = range(t);
            for k in k0..=k1 {
                for i in i0..=i1 {
                    let slot = &mut fill[k * nx + i];
                    items[*slot as usize] = ti as u32;
                    *slot += 1;
                }
            }
        }
        Self { x0, z0, cell, nx, nz, start: count, items }
    }

    fn candidates(&self, p: Point2) -> &[u32] {
        let fx = (p.x - self.x0) / self.cell;
        let fz = (p.z - self.z0) / self.cell;
        // Points a hair outside the box still map to the edge cells.
        let eps = 1e-9;
        if !(fx >= -eps && fz >= -eps && fx <= self.nx as f64 + eps && fz <= self.nz as f64 + eps) {
            return &[];
        }
        let i = (fx.max(0.0) as usize).min(self.nx - 1);
        let k = (fz.max(0.0) as usize).min(self.nz - 1);
        let c = k * self.nx + i;
        &self.items[self.start[c] as usize..self.start[c + 1] as usize]
    }
}

/// Barycentric coordinates of `p` in triangle (a, b, c).
fn barycentric(p: Point2, a: Point2, b: Point2, c: Point2) -> [f64; 3] {
    let det = (b.z - c.z) * (a.x - c.x) + (c.x - b.x) * (a.z - c.z);
    let l1 = ((b.z - c.z) * (p.x - c.x) + (c.x - b.x) * (p.z - c.z)) / det;
    let l2 = ((c.z - a.z) * (p.x - c.x) + (a.x - c.x) * (p.z - c.z)) / det;
    [l1, l2, 1.0 - l1 - l2]
}

impl PorePressureField {
    /// Builds the field and its point-location grid.
    pub fn new(
        nodes: Vec<Point2>,
        triangles: Vec<[u32; 3]>,
        values_pa: Vec<f64>,
        phreatic: PhreaticSurface,
    ) -> Result<Self, FieldError> {
        if nodes.len() != values_pa.len() {
            return Err(FieldError::LengthMismatch { nodes: nodes.len(), values: values_pa.len() });
        }
        if triangles.is_empty() {
            return Err(FieldError::Empty);
        }
        for (ti, t) in triangles.iter().enumerate() {
            if let Some(&node) = t.iter().find(|&&i| i as usize >= nodes.len()) {
                return Err(FieldError::BadIndex { triangle: ti, node, nodes: nodes.len() });
            }
        }
        if let Some(node) = values_pa.iter().position(|v| !v.is_finite()) {
            return Err(FieldError::NonFinite { node, value: values_pa[node] });
        }
        let grid = BucketGrid::build(&nodes, &triangles);
        Ok(Self { data: FieldData { nodes, triangles, values_pa, phreatic }, grid })
    }

    pub fn nodes(&self) -> &[Point2] {
        &self.data.nodes
    }

    pub fn triangles(&self) -> &[[u32; 3]] {
        &self.data.triangles
    }

    pub fn values_pa(&self) -> &[f64] {
        &self.data.values_pa
    }

    pub fn phreatic(&self) -> &PhreaticSurface {
        &self.data.phreatic
    }

    /// The triangle holding `p` and its barycentric coordinates (`None` outside the mesh).
    pub fn locate(&self, p: Point2) -> Option<(usize, [f64; 3])> {
        let tol = -1e-10;
        self.grid.candidates(p).iter().find_map(|&ti| {
            let t = self.data.triangles[ti as usize].map(|i| self.data.nodes[i as usize]);
            let l = barycentric(p, t[0], t[1], t[2]);
            (l.iter().all(|&v| v >= tol)).then_some((ti as usize, l))
        })
    }

    /// Interpolated pressure at `p`, `None` outside the mesh.
    pub fn try_pore_pressure_pa(&self, p: Point2) -> Option<f64> {
        self.locate(p).map(|(ti, l)| {
            let t = self.data.triangles[ti];
            (0..3).map(|k| l[k] * self.data.values_pa[t[k] as usize]).sum()
        })
    }

    /// Interpolated pressure at `p`; outside the mesh, hydrostatic under the field's phreatic line.
    pub fn pore_pressure_pa(&self, p: Point2) -> f64 {
        self.try_pore_pressure_pa(p).unwrap_or_else(|| self.data.phreatic.pore_pressure_pa(p))
    }
}

/// Pore pressure as stability consumes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PorePressure {
    /// No water: u = 0 everywhere.
    Dry,
    /// Hydrostatic under a phreatic line.
    Phreatic(PhreaticSurface),
    /// A seepage solution.
    Field(PorePressureField),
}

impl PorePressure {
    /// Pore pressure at `p`, Pa (negative = suction, only from a [`PorePressureField`]).
    pub fn pore_pressure_pa(&self, p: Point2) -> f64 {
        match self {
            PorePressure::Dry => 0.0,
            PorePressure::Phreatic(s) => s.pore_pressure_pa(p),
            PorePressure::Field(f) => f.pore_pressure_pa(p),
        }
    }

    /// The phreatic line, when there is one.
    pub fn phreatic_line(&self) -> Option<&Polyline> {
        match self {
            PorePressure::Dry => None,
            PorePressure::Phreatic(s) => Some(&s.line),
            PorePressure::Field(f) => Some(&f.data.phreatic.line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, z: f64) -> Point2 {
        Point2::new(x, z)
    }

    fn flat(z: f64) -> PhreaticSurface {
        let line = Polyline::x_monotone("line", vec![p(0., z), p(10., z)]).unwrap();
        PhreaticSurface { line, correction: HydrostaticCorrection::None }
    }

    #[test]
    fn hydrostatic_below_line_and_cos2_on_a_slope() {
        let s = flat(5.0);
        assert!((s.pore_pressure_pa(p(3., 2.)) - 3.0 * GAMMA_W).abs() < 1e-9);
        assert_eq!(s.pore_pressure_pa(p(3., 6.)), 0.0);
        assert!((s.pore_pressure_pa(p(-5., 0.)) - 5.0 * GAMMA_W).abs() < 1e-9);
        let line = Polyline::x_monotone("l", vec![p(0., 10.), p(10., 0.)]).unwrap();
        let s = PhreaticSurface { line, correction: HydrostaticCorrection::CosSquared };
        // 45° line: cos² = ½.
        assert!((s.pore_pressure_pa(p(5., 3.)) - 0.5 * 2.0 * GAMMA_W).abs() < 1e-9);
    }

    #[test]
    fn field_interpolates_linear_data_exactly_and_falls_back_outside() {
        // Unit square of two triangles, u = 100 x + 10 z + 1 (linear → exact).
        let nodes = vec![p(0., 0.), p(1., 0.), p(1., 1.), p(0., 1.)];
        let values = nodes.iter().map(|q| 100.0 * q.x + 10.0 * q.z + 1.0).collect();
        let f =
            PorePressureField::new(nodes, vec![[0, 1, 2], [0, 2, 3]], values, flat(0.5)).unwrap();
        for q in [p(0.25, 0.5), p(0.9, 0.1), p(0.0, 1.0), p(0.5, 0.5)] {
            let expected = 100.0 * q.x + 10.0 * q.z + 1.0;
            assert!((f.pore_pressure_pa(q) - expected).abs() < 1e-9, "{q:?}");
        }
        assert_eq!(f.try_pore_pressure_pa(p(2.0, 0.5)), None);
        assert!((f.pore_pressure_pa(p(2.0, 0.0)) - 0.5 * GAMMA_W).abs() < 1e-9);
        let json = serde_json_like_roundtrip(&f);
        assert_eq!(json, f);
    }

    fn serde_json_like_roundtrip(f: &PorePressureField) -> PorePressureField {
        let data: FieldData = f.clone().into();
        PorePressureField::try_from(data).unwrap()
    }

    #[test]
    fn bad_field_inputs_are_errors() {
        let nodes = vec![p(0., 0.), p(1., 0.), p(1., 1.)];
        let e = PorePressureField::new(nodes.clone(), vec![[0, 1, 3]], vec![0.0; 3], flat(0.))
            .unwrap_err();
        assert_eq!(e, FieldError::BadIndex { triangle: 0, node: 3, nodes: 3 });
        let e = PorePressureField::new(nodes, vec![[0, 1, 2]], vec![0.0, f64::NAN, 0.0], flat(0.))
            .unwrap_err();
        assert!(matches!(e, FieldError::NonFinite { node: 1, .. }));
    }
}
