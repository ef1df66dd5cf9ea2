//! The raster grid, terrain (DEM with an active-cell mask) and Manning roughness.
//!
//! Cells are indexed `(i, j)` with `i` the column from the west edge and `j` the row from the
//! **south** edge (`index = j·nx + i`), so `x` and `y` grow with `i` and `j` and the `y`
//! momentum is positive northwards. Raster files store rows from the north; the readers and
//! writers in [`crate::io`] flip them.

use crate::error::{InundationError, non_negative, positive};

/// Georeferenced raster geometry: `nx × ny` cells of `dx × dy` m, lower-left corner `(x_min,
/// y_min)` (the outer edge of the south-west cell, as ESRI's `xllcorner`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridGeometry {
    pub nx: usize,
    pub ny: usize,
    pub dx: f64,
    pub dy: f64,
    pub x_min: f64,
    pub y_min: f64,
}

impl GridGeometry {
    /// A validated geometry.
    pub fn new(
        nx: usize,
        ny: usize,
        dx: f64,
        dy: f64,
        x_min: f64,
        y_min: f64,
    ) -> Result<Self, InundationError> {
        if nx == 0 || ny == 0 {
            return Err(InundationError::EmptyGrid { nx, ny });
        }
        positive("cell size dx", dx)?;
        positive("cell size dy", dy)?;
        if !x_min.is_finite() || !y_min.is_finite() {
            return Err(InundationError::NotPositive { parameter: "finite origin", value: x_min });
        }
        Ok(GridGeometry { nx, ny, dx, dy, x_min, y_min })
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.nx * self.ny
    }
    /// Linear index of cell `(i, j)`.
    #[inline]
    pub fn index(&self, i: usize, j: usize) -> usize {
        j * self.nx + i
    }
    /// Cell area, m².
    pub fn cell_area(&self) -> f64 {
        self.dx * self.dy
    }
    /// Centre of cell `(i, j)`, m.
    pub fn centre(&self, i: usize, j: usize) -> (f64, f64) {
        (self.x_min + (i as f64 + 0.5) * self.dx, self.y_min + (j as f64 + 0.5) * self.dy)
    }
    /// The cell containing `(x, y)`, `None` outside the raster.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let fi = (x - self.x_min) / self.dx;
        let fj = (y - self.y_min) / self.dy;
        if !(fi >= 0.0 && fj >= 0.0) || fi >= self.nx as f64 || fj >= self.ny as f64 {
            return None;
        }
        Some((fi as usize, fj as usize))
    }
    /// Same cells, same cell size and origin (to 1e-6 of a cell).
    pub fn matches(&self, other: &GridGeometry) -> Result<(), String> {
        if self.nx != other.nx || self.ny != other.ny {
            return Err(format!("{}×{} vs {}×{}", other.nx, other.ny, self.nx, self.ny));
        }
        let tol = 1e-6 * self.dx.min(self.dy);
        let pairs = [
            ("dx", other.dx, self.dx),
            ("dy", other.dy, self.dy),
            ("x_min", other.x_min, self.x_min),
            ("y_min", other.y_min, self.y_min),
        ];
        for (name, a, b) in pairs {
            if (a - b).abs() > tol {
                return Err(format!("{name} {a} vs {b}"));
            }
        }
        Ok(())
    }
}

/// Coordinate reference system as read from the file, kept to write the products back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Crs {
    /// EPSG code from the GeoTIFF keys (ProjectedCSType 3072 or GeographicType 2048).
    pub epsg: Option<u32>,
    /// The GeoKeyDirectory as stored (GeoTIFF 1.1 §7.1).
    pub geo_keys: Vec<u16>,
    /// GeoDoubleParams.
    pub geo_doubles: Vec<f64>,
    /// GeoAsciiParams.
    pub geo_ascii: String,
    /// WKT from an ESRI `.prj` beside an ASCII grid.
    pub wkt: Option<String>,
}

/// A georeferenced raster of `f64` values (nodata as `NaN`).
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    pub geometry: GridGeometry,
    /// Values by `index(i, j)` (rows from the south); `NaN` where the file had no data.
    pub values: Vec<f64>,
    pub crs: Option<Crs>,
}

impl Raster {
    /// A raster from a geometry and values (length checked).
    pub fn new(geometry: GridGeometry, values: Vec<f64>) -> Result<Self, InundationError> {
        if values.len() != geometry.cells() {
            return Err(InundationError::RasterMismatch {
                what: "raster values".into(),
                nx: values.len(),
                ny: 1,
                expected_nx: geometry.nx,
                expected_ny: geometry.ny,
            });
        }
        Ok(Raster { geometry, values, crs: None })
    }

    /// Check this raster lies on `geometry` (same size, cells and origin).
    pub fn check_on(&self, geometry: &GridGeometry, what: &str) -> Result<(), InundationError> {
        let g = self.geometry;
        if g.nx != geometry.nx || g.ny != geometry.ny {
            return Err(InundationError::RasterMismatch {
                what: what.to_string(),
                nx: g.nx,
                ny: g.ny,
                expected_nx: geometry.nx,
                expected_ny: geometry.ny,
            });
        }
        geometry.matches(&g).map_err(|detail| InundationError::GeoreferenceMismatch {
            what: what.to_string(),
            detail,
        })
    }
}

/// The DEM the solver runs on: bed elevations and which cells take part.
///
/// Nodata cells connected to the raster border (through edge-adjacent nodata cells) are outside
/// the domain: inactive, closed by walls. Nodata cells enclosed by data are holes and an error.
#[derive(Debug, Clone, PartialEq)]
pub struct Terrain {
    pub geometry: GridGeometry,
    /// Bed elevation, m (absolute); 0 for inactive cells (never read).
    pub bed: Vec<f64>,
    /// Active cells.
    pub active: Vec<bool>,
    pub crs: Option<Crs>,
}

impl Terrain {
    /// A terrain from a DEM raster (see the type docs for nodata).
    pub fn from_raster(dem: Raster) -> Result<Self, InundationError> {
        let g = dem.geometry;
        let outside = border_connected_nodata(&g, &dem.values);
        let mut holes = 0usize;
        let mut first = None;
        for (k, v) in dem.values.iter().enumerate() {
            if !v.is_finite() && !outside[k] {
                holes += 1;
                first.get_or_insert(k);
            }
        }
        if let Some(k) = first {
            let (i, j) = (k % g.nx, k / g.nx);
            let (x, y) = g.centre(i, j);
            return Err(InundationError::NodataHoles {
                count: holes,
                column: i,
                row: g.ny - 1 - j,
                x,
                y,
            });
        }
        let active: Vec<bool> = dem.values.iter().map(|v| v.is_finite()).collect();
        if !active.iter().any(|&a| a) {
            return Err(InundationError::EmptyGrid { nx: 0, ny: 0 });
        }
        let bed = dem.values.iter().map(|&v| if v.is_finite() { v } else { 0.0 }).collect();
        Ok(Terrain { geometry: g, bed, active, crs: dem.crs })
    }

    /// A terrain whose bed is `bed(x, y)` at the cell centres (all cells active).
    pub fn from_fn(
        geometry: GridGeometry,
        bed: impl Fn(f64, f64) -> f64,
    ) -> Result<Self, InundationError> {
        let mut values = Vec::with_capacity(geometry.cells());
        for j in 0..geometry.ny {
            for i in 0..geometry.nx {
                let (x, y) = geometry.centre(i, j);
                values.push(bed(x, y));
            }
        }
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(InundationError::NotPositive {
                parameter: "finite bed elevation",
                value: *v,
            });
        }
        Terrain::from_raster(Raster::new(geometry, values)?)
    }

    /// The active cell containing `(x, y)`, or [`InundationError::OutsideDomain`].
    pub fn active_cell_at(&self, x: f64, y: f64, what: &str) -> Result<usize, InundationError> {
        match self.geometry.cell_at(x, y) {
            Some((i, j)) if self.active[self.geometry.index(i, j)] => Ok(self.geometry.index(i, j)),
            _ => Err(InundationError::OutsideDomain { what: what.to_string(), x, y }),
        }
    }
}

/// Nodata cells reachable from the raster border through nodata cells (4-connected).
fn border_connected_nodata(g: &GridGeometry, values: &[f64]) -> Vec<bool> {
    let mut outside = vec![false; values.len()];
    let mut stack = Vec::new();
    for j in 0..g.ny {
        for i in 0..g.nx {
            let border = i == 0 || j == 0 || i + 1 == g.nx || j + 1 == g.ny;
            let k = g.index(i, j);
            if border && !values[k].is_finite() {
                outside[k] = true;
                stack.push(k);
            }
        }
    }
    while let Some(k) = stack.pop() {
        let (i, j) = (k % g.nx, k / g.nx);
        let mut visit = |ii: usize, jj: usize| {
            let n = g.index(ii, jj);
            if !outside[n] && !values[n].is_finite() {
                outside[n] = true;
                stack.push(n);
            }
        };
        if i > 0 {
            visit(i - 1, j);
        }
        if i + 1 < g.nx {
            visit(i + 1, j);
        }
        if j > 0 {
            visit(i, j - 1);
        }
        if j + 1 < g.ny {
            visit(i, j + 1);
        }
    }
    outside
}

/// Manning's n over the terrain.
#[derive(Debug, Clone, PartialEq)]
pub enum Roughness {
    /// One n everywhere, s/m^⅓.
    Constant(f64),
    /// n per cell, on the terrain's grid.
    Raster(Raster),
    /// A land-cover class raster (integer codes) and the n of each class.
    Classes { classes: Raster, table: Vec<(i64, f64)> },
}

impl Roughness {
    /// Manning n per cell (f32 storage: n is known to 2–3 digits), validated: n ≥ 0 and
    /// finite on every active cell, rasters on the terrain's grid, every class in the table.
    pub fn resolve(&self, terrain: &Terrain) -> Result<Vec<f32>, InundationError> {
        let g = &terrain.geometry;
        match self {
            Roughness::Constant(n) => {
                let n = non_negative("Manning n", *n)?;
                Ok(vec![n as f32; g.cells()])
            }
            Roughness::Raster(r) => {
                r.check_on(g, "Manning n raster")?;
                r.values
                    .iter()
                    .zip(&terrain.active)
                    .map(
                        |(&n, &a)| {
                            if a { non_negative("Manning n", n).map(|n| n as f32) } else { Ok(0.0) }
                        },
                    )
                    .collect()
            }
            Roughness::Classes { classes, table } => {
                classes.check_on(g, "land-cover class raster")?;
                for &(_, n) in table {
                    non_negative("Manning n of a land-cover class", n)?;
                }
                let mut out = Vec::with_capacity(g.cells());
                for (k, (&c, &a)) in classes.values.iter().zip(&terrain.active).enumerate() {
                    if !a {
                        out.push(0.0);
                        continue;
                    }
                    let code = c as i64;
                    match table.iter().find(|(cl, _)| *cl == code) {
                        Some(&(_, n)) if c.is_finite() => out.push(n as f32),
                        _ => return Err(InundationError::UnknownClass { class: code, index: k }),
                    }
                }
                Ok(out)
            }
        }
    }
}
