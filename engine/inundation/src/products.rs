//! What a run produces: per-cell maps (max depth, max speed, max unit discharge `h·v`,
//! arrival time, time of max depth, inundation duration, hazard class), observation-point
//! series, inundated area and the volume balance.
//!
//! Maps are updated after every step from the step's end state (not from sampled output), so
//! they do not depend on any report interval. Speeds are recorded only where `h ≥`
//! [`velocity_depth_m`](crate::SolverSettings::velocity_depth_m) (thin films at a wet/dry
//! front have meaningless velocities).
//!
//! **Hazard** ([`HazardClass`]): the Australian combined flood-hazard curves (Smith, Davey &
//! Cox 2014, adopted in AIDR 2017, *Guideline 7-3 Flood Hazard*, Table 6.7.4), per cell from its
//! maximum depth `D`, maximum speed `V` and maximum `D·V` over the run: H1 `D·V ≤ 0.3`, `D ≤
//! 0.3`, `V ≤ 2.0` (generally safe); H2 `D·V ≤ 0.6`, `D ≤ 0.5`, `V ≤ 2.0` (unsafe for small
//! vehicles); H3 `D·V ≤ 0.6`, `D ≤ 1.2`, `V ≤ 2.0` (unsafe for vehicles, children, elderly); H4
//! `D·V ≤ 1.0`, `D ≤ 2.0`, `V ≤ 2.0` (unsafe for people and vehicles); H5 `D·V ≤ 4.0`, `D ≤
//! 4.0`, `V ≤ 4.0` (buildings need engineering design); H6 beyond (unsafe for all buildings).
//! The thresholds are recalled from the guideline (flag: verify against the published table).

use crate::error::InundationError;
use crate::solver::Simulation;
use crate::terrain::{GridGeometry, Raster};
use rayon::prelude::*;
use tailtwin_core::{Confidence, MassBalance, VolumeTerm};

/// Per-cell running maxima and times (32 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellProducts {
    pub max_depth: f32,
    pub max_speed: f32,
    pub max_unit_discharge: f32,
    /// First time the depth reached the arrival threshold, s (NaN: never).
    pub arrival_s: f32,
    pub time_of_max_depth_s: f32,
    /// Time spent at or above the threshold, s.
    pub duration_s: f64,
}

impl Default for CellProducts {
    fn default() -> Self {
        CellProducts {
            max_depth: 0.0,
            max_speed: 0.0,
            max_unit_discharge: 0.0,
            arrival_s: f32::NAN,
            time_of_max_depth_s: f32::NAN,
            duration_s: 0.0,
        }
    }
}

/// Fold one cell's state at time `t` (after a step of `dt`) into its maps; `false` (and
/// nothing folded) when the state is not finite.
#[inline]
pub(crate) fn fold_cell(
    p: &mut CellProducts,
    s: [f64; 3],
    t: f64,
    dt: f64,
    threshold: f64,
    vdepth: f64,
) -> bool {
    if !(s[0].is_finite() && s[1].is_finite() && s[2].is_finite()) {
        return false;
    }
    let h = s[0];
    if h as f32 > p.max_depth {
        p.max_depth = h as f32;
        p.time_of_max_depth_s = t as f32;
    }
    if h >= vdepth {
        let q = (s[1] * s[1] + s[2] * s[2]).sqrt();
        p.max_speed = p.max_speed.max((q / h) as f32);
        p.max_unit_discharge = p.max_unit_discharge.max(q as f32);
    }
    if h >= threshold {
        // Duration counts from the arrival time on.
        if p.arrival_s.is_nan() {
            p.arrival_s = t as f32;
        } else {
            p.duration_s += dt;
        }
    }
    true
}

/// Fold the state at time `t` (after a step of `dt`) into the maps (the solver does this
/// inside its last stage; this pass serves the initial state); an error if any depth or
/// momentum is non-finite.
pub(crate) fn update_products(
    sim: &mut Simulation,
    t: f64,
    dt: f64,
) -> Result<(), InundationError> {
    let nx = sim.geo.nx;
    let threshold = sim.settings.arrival_threshold_m;
    let vdepth = sim.settings.velocity_depth_m;
    let state = &sim.state;
    let bad: Option<usize> = sim
        .maps
        .par_chunks_mut(nx)
        .enumerate()
        .map(|(j, row)| {
            let mut bad = None;
            for (i, p) in row.iter_mut().enumerate() {
                let k = j * nx + i;
                if !fold_cell(p, state[k], t, dt, threshold, vdepth) {
                    bad.get_or_insert(k);
                }
            }
            bad
        })
        .reduce(
            || None,
            |a, b| match (a, b) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            },
        );
    match bad {
        Some(index) => Err(InundationError::NonFinite { time_s: t, index }),
        None => Ok(()),
    }
}

/// A downstream point of interest (village, school, road, plant).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationPoint {
    pub name: String,
    pub x: f64,
    pub y: f64,
    /// People at the point, where known.
    pub population: Option<u64>,
}

/// A point's cell and its sampled series.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRecord {
    pub point: ObservationPoint,
    pub cell: usize,
    pub time_s: Vec<f64>,
    pub depth_m: Vec<f64>,
    pub speed_ms: Vec<f64>,
    /// Water-surface elevation, m (absolute).
    pub surface_m: Vec<f64>,
}

impl Simulation {
    /// Watch a point; an error when it is outside the active DEM.
    pub fn add_point(&mut self, point: ObservationPoint) -> Result<(), InundationError> {
        let Some((i, j)) = self.geo.cell_at(point.x, point.y) else {
            return Err(InundationError::OutsideDomain {
                what: format!("observation point {}", point.name),
                x: point.x,
                y: point.y,
            });
        };
        let cell = self.geo.index(i, j);
        if !self.active[cell] {
            return Err(InundationError::OutsideDomain {
                what: format!("observation point {}", point.name),
                x: point.x,
                y: point.y,
            });
        }
        let mut rec = PointRecord {
            point,
            cell,
            time_s: Vec::new(),
            depth_m: Vec::new(),
            speed_ms: Vec::new(),
            surface_m: Vec::new(),
        };
        push_sample(&mut rec, self.time_s, self.state[cell], self.bed[cell]);
        self.points.push(rec);
        Ok(())
    }

    /// The run's products so far.
    pub fn result(&self) -> InundationResult {
        let g = self.geo;
        let threshold = self.settings.arrival_threshold_m;
        let pick = |f: &dyn Fn(&CellProducts) -> f64| -> Vec<f64> {
            self.maps
                .iter()
                .zip(&self.active)
                .map(|(p, &a)| if a { f(p) } else { f64::NAN })
                .collect()
        };
        let max_depth = pick(&|p| f64::from(p.max_depth));
        let max_speed = pick(&|p| f64::from(p.max_speed));
        let max_unit_discharge = pick(&|p| f64::from(p.max_unit_discharge));
        let arrival = pick(&|p| f64::from(p.arrival_s));
        let time_of_max = pick(&|p| {
            if f64::from(p.max_depth) >= threshold {
                f64::from(p.time_of_max_depth_s)
            } else {
                f64::NAN
            }
        });
        let duration = pick(&|p| p.duration_s);
        let hazard: Vec<f64> = self
            .maps
            .iter()
            .zip(&self.active)
            .map(|(p, &a)| {
                if !a {
                    return f64::NAN;
                }
                let d = f64::from(p.max_depth);
                if d < threshold {
                    return 0.0;
                }
                f64::from(HazardClass::classify(
                    d,
                    f64::from(p.max_speed),
                    f64::from(p.max_unit_discharge),
                ) as u8)
            })
            .collect();
        let flooded = self
            .maps
            .iter()
            .zip(&self.active)
            .filter(|(p, a)| **a && f64::from(p.max_depth) >= threshold)
            .count();
        let final_storage = self.storage_m3();
        let l = self.ledger;
        let inflows: Vec<VolumeTerm> = self
            .inflows
            .iter()
            .map(|line| VolumeTerm {
                name: line.name.clone(),
                volume_m3: line.hydrograph.volume_between_m3(0.0, self.time_s),
            })
            .collect();
        let mut inflows = inflows;
        inflows.push(VolumeTerm {
            name: "negative depths clipped to zero".into(),
            volume_m3: l.clipped_m3,
        });
        let balance = MassBalance::new(
            l.initial_m3,
            final_storage,
            inflows,
            vec![VolumeTerm { name: "open boundaries".into(), volume_m3: l.outflow_m3 }],
        );
        let points = self
            .points
            .iter()
            .map(|r| {
                let p = &self.maps[r.cell];
                PointResult {
                    name: r.point.name.clone(),
                    x: r.point.x,
                    y: r.point.y,
                    population: r.point.population,
                    arrival_time_s: (!p.arrival_s.is_nan()).then_some(f64::from(p.arrival_s)),
                    max_depth_m: f64::from(p.max_depth),
                    max_speed_ms: f64::from(p.max_speed),
                    time_of_max_depth_s: (f64::from(p.max_depth) >= threshold)
                        .then_some(f64::from(p.time_of_max_depth_s)),
                    series: r.clone(),
                }
            })
            .collect();
        let raster = |values: Vec<f64>| Raster { geometry: g, values, crs: None };
        InundationResult {
            geometry: g,
            time_s: self.time_s,
            steps: self.steps,
            min_step_s: self.min_dt,
            max_step_s: self.max_dt,
            max_depth: raster(max_depth),
            max_speed: raster(max_speed),
            max_unit_discharge: raster(max_unit_discharge),
            arrival_time: raster(arrival),
            time_of_max_depth: raster(time_of_max),
            duration: raster(duration),
            hazard: raster(hazard),
            inundated_area_m2: flooded as f64 * g.cell_area(),
            balance,
            points,
            hazard_scheme_confidence: Confidence::Recalled,
        }
    }
}

pub(crate) fn sample_points(sim: &mut Simulation) {
    let t = sim.time_s;
    for r in &mut sim.points {
        let (s, z) = (sim.state[r.cell], sim.bed[r.cell]);
        push_sample(r, t, s, z);
    }
}

fn push_sample(r: &mut PointRecord, t: f64, s: [f64; 3], z: f64) {
    r.time_s.push(t);
    r.depth_m.push(s[0]);
    r.speed_ms.push(if s[0] > crate::kernel::DRY_DEPTH { s[1].hypot(s[2]) / s[0] } else { 0.0 });
    r.surface_m.push(z + s[0]);
}

/// AIDR (2017) combined hazard class (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum HazardClass {
    H1 = 1,
    H2 = 2,
    H3 = 3,
    H4 = 4,
    H5 = 5,
    H6 = 6,
}

impl HazardClass {
    /// Thresholds `(D·V, D, V)` of H1…H5 (AIDR 2017 Table 6.7.4).
    pub const LIMITS: [(f64, f64, f64); 5] =
        [(0.3, 0.3, 2.0), (0.6, 0.5, 2.0), (0.6, 1.2, 2.0), (1.0, 2.0, 2.0), (4.0, 4.0, 4.0)];

    /// The class of depth `d` (m), speed `v` (m/s) and `d·v` (m²/s).
    pub fn classify(d: f64, v: f64, dv: f64) -> HazardClass {
        const CLASSES: [HazardClass; 5] =
            [HazardClass::H1, HazardClass::H2, HazardClass::H3, HazardClass::H4, HazardClass::H5];
        for (class, (dv_max, d_max, v_max)) in CLASSES.iter().zip(HazardClass::LIMITS) {
            if dv <= dv_max && d <= d_max && v <= v_max {
                return *class;
            }
        }
        HazardClass::H6
    }

    /// Bilingual label.
    pub fn label(self) -> &'static str {
        match self {
            HazardClass::H1 => "H1 一般安全 / generally safe",
            HazardClass::H2 => "H2 小型车辆不安全 / unsafe for small vehicles",
            HazardClass::H3 => "H3 车辆、儿童和老人不安全 / unsafe for vehicles, children, elderly",
            HazardClass::H4 => "H4 人员和车辆不安全 / unsafe for people and vehicles",
            HazardClass::H5 => "H5 建筑物需专门设计 / buildings need engineering design",
            HazardClass::H6 => "H6 所有建筑物不安全 / unsafe for all buildings",
        }
    }
}

/// A point's results.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub population: Option<u64>,
    pub arrival_time_s: Option<f64>,
    pub max_depth_m: f64,
    pub max_speed_ms: f64,
    pub time_of_max_depth_s: Option<f64>,
    pub series: PointRecord,
}

/// The products of a run (rasters carry `NaN` outside the domain; arrival and time of max
/// depth are `NaN` where the threshold was never reached; hazard 0 there).
#[derive(Debug, Clone, PartialEq)]
pub struct InundationResult {
    pub geometry: GridGeometry,
    pub time_s: f64,
    pub steps: usize,
    pub min_step_s: f64,
    pub max_step_s: f64,
    pub max_depth: Raster,
    pub max_speed: Raster,
    pub max_unit_discharge: Raster,
    pub arrival_time: Raster,
    pub time_of_max_depth: Raster,
    pub duration: Raster,
    pub hazard: Raster,
    /// Area whose max depth reached the arrival threshold, m².
    pub inundated_area_m2: f64,
    /// `initial + inflow − outflow − final` (volume added by clipping round-off negative depths
    /// listed as an inflow term).
    pub balance: MassBalance,
    pub points: Vec<PointResult>,
    /// The hazard thresholds are recalled from AIDR (2017).
    pub hazard_scheme_confidence: Confidence,
}
