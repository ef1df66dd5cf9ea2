//! What acts on the section: pore water, surcharge, ponded water, tension crack, earthquake.

use crate::error::StabilityError;
use crate::model::SlopeModel;
use tailtwin_core::{GAMMA_W, Point2, PorePressure};

/// Source of the pore pressure on the slice bases. Suction (u < 0) is ignored: u = max(u, 0).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PoreWater {
    /// No pore pressure.
    #[default]
    Dry,
    /// u = r_u σ_v, with σ_v the vertical overburden stress (column weight / width) at the base.
    Ru(f64),
    /// A phreatic line (hydrostatic below it, optional cos² θ correction) or a seepage field
    /// (linear interpolation on its triangles), as the seepage stage hands it over. Soil below
    /// the phreatic line is weighed with γ_sat.
    Pressure(PorePressure),
}

impl From<PorePressure> for PoreWater {
    fn from(p: PorePressure) -> Self {
        PoreWater::Pressure(p)
    }
}

impl PoreWater {
    /// The water table that splits γ / γ_sat, as points (None: dry or r_u).
    pub fn phreatic_line(&self) -> Option<Vec<Point2>> {
        match self {
            PoreWater::Pressure(p) => p.phreatic_line().map(|l| l.points().to_vec()),
            PoreWater::Dry | PoreWater::Ru(_) => None,
        }
    }
}

/// Water standing against the ground surface over x ∈ [x_min, x_max] (e.g. the pond on the
/// upstream side of a dam), up to `level_m`. Its pressure acts normal to the submerged ground.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PondedWater {
    pub level_m: f64,
    pub x_min: f64,
    pub x_max: f64,
}

/// A uniform vertical surcharge q (Pa) over x ∈ [x_from, x_to] on the ground surface.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Surcharge {
    pub x_from: f64,
    pub x_to: f64,
    pub pressure: f64,
}

/// A tension crack at the upper end of the slip surface: the surface turns vertical where it is
/// `depth` below the ground; the crack face carries no shear and, when `water_filled`, the
/// hydrostatic thrust γ_w z_c²/2 at z_c/3 above its bottom, pushing the mass downslope.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TensionCrack {
    pub depth: f64,
    pub water_filled: bool,
}

/// Pseudo-static earthquake loading: a horizontal force k_h W at each slice's mid-height pushing
/// the mass out of the slope, and a vertical force −k_v W (k_v > 0 upwards, reducing weight).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Seismic {
    pub kh: f64,
    pub kv: f64,
}

impl Seismic {
    /// Horizontal only.
    pub fn horizontal(kh: f64) -> Self {
        Self { kh, kv: 0.0 }
    }
    /// k_v = k_h/3 (GB 50191 practice where the vertical component is included), upwards
    /// (`upward = true`, the usual adverse sense for frictional soils) or downwards.
    pub fn with_vertical_third(kh: f64, upward: bool) -> Self {
        Self { kh, kv: if upward { kh / 3.0 } else { -kh / 3.0 } }
    }
}

/// Loads besides self-weight.
#[derive(Debug, Clone, Default)]
pub struct Loads {
    pub surcharges: Vec<Surcharge>,
    /// Water ponded against the slope, if any. The pore-water source should then also reach
    /// that level (e.g. a phreatic line along the pond).
    pub ponded_water: Option<PondedWater>,
    pub tension_crack: Option<TensionCrack>,
    pub seismic: Seismic,
}

/// A change of the pore pressure of a [`PoreWater::Pressure`] source, as the reliability analysis
/// varies it ([`crate::reliability`]): u′ = max(factor · u_Δh, 0), with u_Δh the pressure with
/// the water raised by Δh = `head_offset_m` — a phreatic line moved up by Δh (u_Δh(x, y) =
/// u(x, y − Δh)), a seepage field's pressure head raised by Δh everywhere (u_Δh = u + γ_w Δh,
/// its suction above the line included, so its zero line moves up by Δh where the head varies
/// hydrostatically) — and the water table that splits γ / γ_sat raised by Δh. r_u takes the
/// factor only (u = factor · r_u σ_v); a dry problem takes neither.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoreAdjustment {
    pub factor: f64,
    pub head_offset_m: f64,
}

impl Default for PoreAdjustment {
    /// No change: factor 1, offset 0.
    fn default() -> Self {
        Self { factor: 1.0, head_offset_m: 0.0 }
    }
}

/// A complete limit-equilibrium problem: section, pore water and loads.
#[derive(Debug, Clone)]
pub struct SlopeProblem {
    pub model: SlopeModel,
    pub pore_water: PoreWater,
    pub loads: Loads,
    /// Unit weight of water, N/m³.
    pub gamma_w: f64,
    /// Change of the pore pressure (identity by default; set by the reliability analysis).
    pub pore_adjustment: PoreAdjustment,
}

impl SlopeProblem {
    /// Dry, unloaded problem.
    pub fn dry(model: SlopeModel) -> Self {
        Self {
            model,
            pore_water: PoreWater::Dry,
            loads: Loads::default(),
            gamma_w: GAMMA_W,
            pore_adjustment: PoreAdjustment::default(),
        }
    }

    /// Check the loads and pore water (the model was checked when built).
    pub fn validate(&self) -> Result<(), StabilityError> {
        let range = |what, value: f64, ok: bool, range| {
            if ok && value.is_finite() {
                Ok(())
            } else {
                Err(StabilityError::OutOfRange { what, value, range })
            }
        };
        let s = self.loads.seismic;
        range("seismic kh", s.kh, (0.0..1.0).contains(&s.kh), "[0, 1)")?;
        range("seismic kv", s.kv, s.kv.abs() < 1.0, "(-1, 1)")?;
        range("gamma_w (N/m3)", self.gamma_w, self.gamma_w > 0.0, "> 0")?;
        let adj = self.pore_adjustment;
        range("pore-pressure factor", adj.factor, adj.factor >= 0.0, ">= 0")?;
        range("pore-pressure head offset (m)", adj.head_offset_m, true, "finite")?;
        for q in &self.loads.surcharges {
            range("surcharge pressure (Pa)", q.pressure, q.pressure >= 0.0, ">= 0")?;
            range("surcharge x_to - x_from (m)", q.x_to - q.x_from, q.x_to > q.x_from, "> 0")?;
        }
        if let Some(c) = self.loads.tension_crack {
            range("tension crack depth (m)", c.depth, c.depth > 0.0, "> 0")?;
        }
        if let Some(p) = self.loads.ponded_water {
            range("ponded water level (m)", p.level_m, true, "finite")?;
            range("ponded water x_max - x_min (m)", p.x_max - p.x_min, p.x_max >= p.x_min, ">= 0")?;
        }
        match &self.pore_water {
            PoreWater::Ru(r) => range("r_u", *r, (0.0..1.0).contains(r), "[0, 1)")?,
            PoreWater::Dry | PoreWater::Pressure(_) => {}
        }
        Ok(())
    }

    /// The water table at x used to split γ / γ_sat (None: all above), raised by the pore
    /// adjustment's head offset.
    pub(crate) fn water_table(&self, x: f64) -> Option<f64> {
        let dz = self.pore_adjustment.head_offset_m;
        match &self.pore_water {
            PoreWater::Pressure(PorePressure::Phreatic(p)) => Some(p.z_at(x) + dz),
            PoreWater::Pressure(PorePressure::Field(f)) => Some(f.phreatic().z_at(x) + dz),
            PoreWater::Pressure(PorePressure::Dry) => None,
            PoreWater::Dry | PoreWater::Ru(_) => None,
        }
    }

    /// Pore pressure at a slice base, Pa (suction ignored), with the pore adjustment.
    /// `sigma_v` = column weight / width.
    pub(crate) fn pore_pressure(&self, x: f64, y: f64, sigma_v: f64) -> f64 {
        let adj = self.pore_adjustment;
        let u = match &self.pore_water {
            PoreWater::Dry => 0.0,
            PoreWater::Ru(r) => adj.factor * r * sigma_v,
            PoreWater::Pressure(PorePressure::Dry) => 0.0,
            // Core's pressure uses its own γ_w; rescale when the problem uses another. The head
            // offset raises a phreatic line (pressure of the point Δh lower) and adds γ_w Δh to
            // a seepage field's pressure head (its suction above the line included).
            PoreWater::Pressure(PorePressure::Phreatic(p)) => {
                let raised = Point2::new(x, y - adj.head_offset_m);
                adj.factor * p.pore_pressure_pa(raised) * self.gamma_w / GAMMA_W
            }
            PoreWater::Pressure(PorePressure::Field(f)) => {
                adj.factor
                    * (f.pore_pressure_pa(Point2::new(x, y)) * self.gamma_w / GAMMA_W
                        + self.gamma_w * adj.head_offset_m)
            }
        };
        u.max(0.0)
    }
}

/// Elevation and slope of a polyline (x increasing) at x, extended flat beyond its ends.
pub(crate) fn polyline_y(line: &[Point2], x: f64) -> (f64, f64) {
    let n = line.len();
    if x <= line[0].x {
        return (line[0].z, 0.0);
    }
    if x >= line[n - 1].x {
        return (line[n - 1].z, 0.0);
    }
    let k = line.partition_point(|p| p.x <= x).clamp(1, n - 1);
    let (a, b) = (line[k - 1], line[k]);
    let slope = (b.z - a.z) / (b.x - a.x);
    (a.z + slope * (x - a.x), slope)
}
