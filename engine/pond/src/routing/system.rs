//! The right-hand side `dS/dt = I(t) + r(t)·A_r(h) − Σ Q_k(h, t) − Q_over(h)` and the forcing
//! pieces between breakpoints.

use super::RoutingError;
use crate::pond::Pond;
use crate::storage::StageHint;
use crate::structures::Outlet;
use tailtwin_core::series::interpolate_from;
use tailtwin_core::{Discharge, Elevation, Hydrograph, Hyetograph};

/// Shortest forcing piece, s: breakpoints closer than this are merged.
pub(crate) const MIN_PIECE_S: f64 = 1e-6;

/// Forcing on one piece `[t_a, t_b]` between breakpoints: inflow linear, rain intensity constant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Piece {
    pub t_a: f64,
    pub t_b: f64,
    inflow_a: f64,
    inflow_slope: f64,
    /// Rain intensity, m/s.
    pub rain: f64,
}

impl Piece {
    /// Constant inflow (rain is constant on every piece).
    pub fn has_constant_forcing(&self) -> bool {
        self.inflow_slope == 0.0
    }

    #[inline]
    pub fn inflow(&self, t: f64) -> f64 {
        // Clamped to the piece: the RK stages never leave it, and the inflow is held linear.
        (self.inflow_a + self.inflow_slope * (t - self.t_a)).max(0.0)
    }
}

/// Splits `[0, end]` at every inflow vertex, every change of rain intensity and every outlet
/// time breakpoint (`outlet_cuts`, [`Outlet::time_breakpoints`]), so each step sees smooth
/// forcing (linear inflow, constant rain, outlets that do not jump in time) and lands on the
/// discontinuities.
pub(crate) fn pieces(
    inflow: &Hydrograph,
    rain: &Hyetograph,
    end: f64,
    outlet_cuts: &[f64],
) -> Vec<Piece> {
    let mut cuts: Vec<f64> =
        inflow.time_s().iter().copied().filter(|&t| t > 0.0 && t < end).collect();
    cuts.extend(outlet_cuts.iter().copied().filter(|&t| t > 0.0 && t < end));
    let depths = rain.depth_mm();
    for (k, t) in rain.breakpoints_s().enumerate() {
        let before = if k == 0 { 0.0 } else { depths[k - 1] };
        let after = depths.get(k).copied().unwrap_or(0.0);
        if before != after && t > 0.0 && t < end {
            cuts.push(t);
        }
    }
    cuts.push(end);
    cuts.sort_by(f64::total_cmp);
    // Breakpoints closer than MIN_PIECE_S are one breakpoint: forcing built from different time
    // grids (a unit hydrograph's Δt multiples, a hyetograph's intervals) meets a few ulp apart, and
    // a piece that short would drive the step size to zero. The later cut is kept so the end
    // stays exact.
    let mut merged: Vec<f64> = Vec::with_capacity(cuts.len());
    for t in cuts {
        match merged.last_mut() {
            Some(last) if t - *last < MIN_PIECE_S => *last = t,
            _ if t < MIN_PIECE_S => {}
            _ => merged.push(t),
        }
    }
    let cuts = merged;
    let mut out = Vec::with_capacity(cuts.len());
    let mut t_a = 0.0;
    // The inflow at the (ascending) cuts, in one sweep; the same values as `inflow.flow_at`.
    let (times, flows) = (inflow.time_s(), inflow.series().values());
    let mut from = 0;
    let mut q_a = interpolate_from(times, flows, t_a, &mut from);
    for t_b in cuts {
        let q_b = interpolate_from(times, flows, t_b, &mut from);
        let mid = 0.5 * (t_a + t_b);
        out.push(Piece {
            t_a,
            t_b,
            inflow_a: q_a,
            inflow_slope: (q_b - q_a) / (t_b - t_a),
            rain: rain.intensity_m_per_s(mid),
        });
        t_a = t_b;
        q_a = q_b;
    }
    out
}

/// Pond, outlets and the layout of the volume terms: `[inflow, rain, outlet_0 … outlet_{m−1},
/// overtopping]`.
pub(crate) struct System<'a> {
    pub pond: &'a Pond,
    pub outlets: &'a [&'a dyn Outlet],
    pub evaluations: usize,
    /// Where the last evaluation's stage was found (the next one starts there).
    hint: std::cell::Cell<StageHint>,
}

impl<'a> System<'a> {
    pub fn new(pond: &'a Pond, outlets: &'a [&'a dyn Outlet]) -> Self {
        Self { pond, outlets, evaluations: 0, hint: Default::default() }
    }

    /// Stage and area at storage `s`, starting from where the last call landed.
    #[inline]
    pub fn stage_and_area(&self, s: f64) -> (f64, f64) {
        let mut hint = self.hint.get();
        let out = self.pond.storage().stage_and_area_near(s, &mut hint);
        self.hint.set(hint);
        out
    }

    /// Number of volume terms.
    pub fn n_terms(&self) -> usize {
        self.outlets.len() + 3
    }

    pub fn overtopping_index(&self) -> usize {
        self.outlets.len() + 2
    }

    /// Evaluates every term at storage `s` and time `t` (inside `piece`, whose inflow and rain
    /// intensity apply), writing them into `terms`; returns `dS/dt`. Outlets see the piece
    /// ([`Outlet::discharge_in_piece`]), so a scheduled change at a piece end applies to the
    /// next piece only.
    ///
    /// Empty pond: at `s ≤ 0` the stage is the bottom and the outflows are scaled down to what
    /// flows in, so the storage cannot fall below zero.
    #[inline]
    pub fn eval(
        &mut self,
        t: f64,
        s: f64,
        piece: &Piece,
        terms: &mut [f64],
    ) -> Result<f64, RoutingError> {
        self.evaluations += 1;
        let (inflow, rain) = (piece.inflow(t), piece.rain);
        let (z, area) = self.stage_and_area(s);
        let supply = inflow + rain * self.pond.rain_area_m2(area);
        terms[0] = inflow;
        terms[1] = supply - inflow;
        let mut out = 0.0;
        for (k, outlet) in self.outlets.iter().enumerate() {
            let q = outlet.discharge_in_piece(Elevation(z), t, piece.t_a, piece.t_b).flow_m3s;
            if !(q.is_finite() && q >= 0.0) {
                return Err(RoutingError::BadDischarge {
                    structure: outlet.id().to_string(),
                    stage_m: z,
                    time_s: t,
                    flow_m3s: q,
                });
            }
            terms[2 + k] = q;
            out += q;
        }
        let over = self.pond.overtopping_m3s(z);
        let last = self.overtopping_index();
        terms[last] = over;
        out += over;
        if s <= 0.0 && out > supply {
            let scale = supply / out;
            for q in &mut terms[2..=last] {
                *q *= scale;
            }
            return Ok(0.0);
        }
        Ok(supply - out)
    }

    /// Per-outlet discharge (with regime and control) at storage `s`, time `t`, for output,
    /// written into `out`; returns (overtopping, rain) flows, m³/s. Same empty-pond limiter as
    /// [`System::eval`].
    pub fn discharges(
        &self,
        s: f64,
        t: f64,
        inflow: f64,
        rain: f64,
        out: &mut Vec<Discharge>,
    ) -> (f64, f64) {
        let (z, area) = self.stage_and_area(s);
        let supply = inflow + rain * self.pond.rain_area_m2(area);
        out.clear();
        out.extend(self.outlets.iter().map(|o| o.discharge(Elevation(z), t)));
        let mut over = self.pond.overtopping_m3s(z);
        let total: f64 = out.iter().map(|x| x.flow_m3s).sum::<f64>() + over;
        if s <= 0.0 && total > supply {
            let scale = supply / total;
            for x in out.iter_mut() {
                x.flow_m3s *= scale;
            }
            over *= scale;
        }
        (over, supply - inflow)
    }
}
