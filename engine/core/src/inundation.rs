//! Dam-break inundation products that cross from the pipeline to results and viz (no physics):
//! the grid, the maps of one 2D run and the observation points.
//!
//! Maps are row-major from the **south** row up (`index = j·nx + i`, `j = 0` the southern row),
//! as in `tailtwin-inundation`; `NaN` marks cells outside the domain and, for the arrival time,
//! cells never reached.

use serde::{Deserialize, Serialize};

/// A north-up raster grid (cell centres at `x_min + (i + ½) dx`, `y_min + (j + ½) dy`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InundationGrid {
    pub nx: usize,
    pub ny: usize,
    pub dx: f64,
    pub dy: f64,
    pub x_min: f64,
    pub y_min: f64,
    /// EPSG code of the coordinates, when known.
    pub epsg: Option<u32>,
}

impl InundationGrid {
    pub fn cells(&self) -> usize {
        self.nx * self.ny
    }
    pub fn x_max(&self) -> f64 {
        self.x_min + self.nx as f64 * self.dx
    }
    pub fn y_max(&self) -> f64 {
        self.y_min + self.ny as f64 * self.dy
    }
}

/// One downstream observation point's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InundationPoint {
    pub name: String,
    pub kind: String,
    pub x: f64,
    pub y: f64,
    /// Time after breach initiation at which the depth first reached the arrival depth, s.
    pub arrival_time_s: Option<f64>,
    pub max_depth_m: f64,
    pub max_speed_ms: f64,
    pub population: Option<u64>,
    /// Time after breach initiation of the maximum depth, s (None: never wet).
    #[serde(default)]
    pub time_of_max_depth_s: Option<f64>,
    /// The point's time series (sampled at the solver's output interval).
    #[serde(default)]
    pub series: PointSeries,
}

/// Depth and speed at an observation point over time.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PointSeries {
    /// s after breach initiation.
    pub time_s: Vec<f64>,
    pub depth_m: Vec<f64>,
    pub speed_ms: Vec<f64>,
}

/// The maps of a dam-break run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InundationMap {
    pub grid: InundationGrid,
    /// Bed elevation, m.
    pub bed_m: Vec<f64>,
    pub max_depth_m: Vec<f64>,
    pub max_speed_ms: Vec<f64>,
    /// Max depth × speed, m²/s.
    pub max_unit_discharge_m2s: Vec<f64>,
    /// s after breach initiation.
    pub arrival_time_s: Vec<f64>,
    /// AIDR (2017) class 1–6, 0 where not flooded.
    pub hazard_class: Vec<f64>,
    /// Time of the maximum depth, s after breach initiation (NaN: never flooded).
    #[serde(default)]
    pub time_of_max_depth_s: Vec<f64>,
    /// Time the depth stayed at or above the arrival depth, s.
    #[serde(default)]
    pub inundation_duration_s: Vec<f64>,
    /// Depth that counts as flooded, m.
    pub arrival_depth_m: f64,
    /// Simulated time after breach initiation, s.
    pub duration_s: f64,
    /// The breach (inflow) line's ends.
    pub breach_line: [[f64; 2]; 2],
    pub points: Vec<InundationPoint>,
}

impl InundationMap {
    /// Every map has one value per cell and the grid is non-empty with positive cells.
    pub fn validate(&self) -> Result<(), String> {
        let g = &self.grid;
        if g.cells() == 0 || !(g.dx > 0.0 && g.dy > 0.0) {
            return Err(format!("grid {}×{} of {}×{} m is empty", g.nx, g.ny, g.dx, g.dy));
        }
        for (name, v) in [
            ("bed_m", &self.bed_m),
            ("max_depth_m", &self.max_depth_m),
            ("max_speed_ms", &self.max_speed_ms),
            ("max_unit_discharge_m2s", &self.max_unit_discharge_m2s),
            ("arrival_time_s", &self.arrival_time_s),
            ("hazard_class", &self.hazard_class),
            ("time_of_max_depth_s", &self.time_of_max_depth_s),
            ("inundation_duration_s", &self.inundation_duration_s),
        ] {
            if v.len() != g.cells() {
                return Err(format!("{name} has {} values for {} cells", v.len(), g.cells()));
            }
        }
        for p in &self.points {
            let s = &p.series;
            if s.depth_m.len() != s.time_s.len() || s.speed_ms.len() != s.time_s.len() {
                return Err(format!(
                    "point {:?}: series of {} times, {} depths, {} speeds",
                    p.name,
                    s.time_s.len(),
                    s.depth_m.len(),
                    s.speed_ms.len()
                ));
            }
        }
        Ok(())
    }
}
