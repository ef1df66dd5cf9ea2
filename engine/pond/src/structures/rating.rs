//! Rating curves (core [`RatingCurve`]) of one structure or of a set.

use super::Outlet;
use tailtwin_core::{Control, Elevation, RatingCurve, RatingRow, Regime};

/// The stage–discharge table of `outlet` at `stages` (time 0).
pub fn rating_curve(outlet: &dyn Outlet, stages: &[Elevation]) -> RatingCurve {
    let rows = stages
        .iter()
        .map(|&z| {
            let d = outlet.discharge(z, 0.0);
            RatingRow { stage_m: z.m(), flow_m3s: d.flow_m3s, regime: d.regime, control: d.control }
        })
        .collect();
    RatingCurve { structure_id: outlet.id().to_string(), kind: outlet.kind().to_string(), rows }
}

/// The combined (summed) rating of `outlets` at `stages`. Each row reports the regime and
/// control of the structure carrying the largest share (the first one on ties); `dry`/`none`
/// when nothing flows.
pub fn combined_rating_curve<O: Outlet>(outlets: &[O], stages: &[Elevation]) -> RatingCurve {
    let rows = stages
        .iter()
        .map(|&z| {
            let mut total = 0.0;
            let mut largest = (0.0, Regime::Dry, Control::None);
            for o in outlets {
                let d = o.discharge(z, 0.0);
                total += d.flow_m3s;
                if d.flow_m3s > largest.0 {
                    largest = (d.flow_m3s, d.regime, d.control);
                }
            }
            RatingRow { stage_m: z.m(), flow_m3s: total, regime: largest.1, control: largest.2 }
        })
        .collect();
    RatingCurve { structure_id: "combined".to_string(), kind: "combined".to_string(), rows }
}

/// `n` equally spaced stages from `low` to `high` inclusive (n ≥ 2).
pub fn stage_grid(low: Elevation, high: Elevation, n: usize) -> Vec<Elevation> {
    let n = n.max(2);
    let step = (high.m() - low.m()) / (n - 1) as f64;
    (0..n).map(|i| Elevation(low.m() + step * i as f64)).collect()
}
