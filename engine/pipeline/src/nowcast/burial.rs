//! Phreatic burial depth at the sections' key stations over a nowcast.
//!
//! The seepage model is solved (steady state) at a few pond levels spanning every member's
//! stage range — `n` levels evenly from the lowest to the highest stage of the trajectories
//! (one level when the range is under 1 cm) — and the burial depth at each station
//! (`[[section]] stations_x_m`) is interpolated linearly in stage between them along each
//! member's stage trajectory. Steady state at the instantaneous stage is an upper bound of the
//! phreatic rise: the line in tailings (k ≈ 10⁻⁶ m/s) lags the pond by days, so the forecast
//! burial depth errs on the safe (shallow) side. Thresholds: red at the section's
//! `min_burial_depth_m`, orange at 1.1 × that depth (as `twin::defaults::phreatic_level`);
//! stations of sections without a minimum get bands only.

use super::run::{Band, Crossing, ItemOutlook, Nowcast, first_crossing, percentile};
use super::setup::{Quantity, TwinModel};
use crate::PipelineError;
use serde::{Deserialize, Serialize};
use tailtwin_core::assessment::Probability;
use tailtwin_core::series::interpolate;
use tailtwin_core::warning::{AlarmLevel, roll_up};
use tailtwin_twin::Direction;

/// Levels solved by the CLI (three: the lowest, middle and highest stage of the members).
pub const DEFAULT_LEVELS: usize = 3;

/// One station: the burial depth at the solved levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurialStation {
    pub section: String,
    pub x_m: f64,
    pub min_depth_m: Option<f64>,
    pub levels_m: Vec<f64>,
    pub depth_at_levels_m: Vec<f64>,
}

/// Burial depth forecast: the stations, bands (in `Nowcast::bands` order of stations) and the
/// crossings of their thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurialOutlook {
    pub stations: Vec<BurialStation>,
    pub bands: Vec<Band>,
    pub crossings: Vec<Crossing>,
}

fn label(st: &BurialStation) -> String {
    format!("{}@x={}", st.section, st.x_m)
}

/// Solves the sections at `levels` pond levels and adds the burial outlook to `n`, with a
/// phreatic item (its expected level enters the pond roll-up). No-op without stations.
pub fn attach(twin: &TwinModel, n: &mut Nowcast, levels: usize) -> Result<(), PipelineError> {
    let s = &twin.scenario;
    if s.sections.iter().all(|sp| sp.section.stations_x.is_empty()) || n.members.is_empty() {
        return Ok(());
    }
    let all = n.members.iter().flat_map(|m| m.stage_m.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), z| (a.min(z), b.max(z)));
    let k = if hi - lo < 0.01 { 1 } else { levels.max(2) };
    let solve_at: Vec<f64> = (0..k)
        .map(|i| if k == 1 { lo } else { lo + (hi - lo) * i as f64 / (k - 1) as f64 })
        .collect();
    let settings = s.seepage_spec().settings;
    let mut stations = Vec::new();
    for spec in &s.sections {
        if spec.section.stations_x.is_empty() {
            continue;
        }
        let name = &spec.section.name;
        let fail = |e: tailtwin_seepage::SeepageError| {
            PipelineError::Unsupported(format!("burial depth: section '{name}': {e}"))
        };
        let mut model =
            tailtwin_seepage::SeepageModel::build(&spec.section, &settings).map_err(fail)?;
        let mut depth: Vec<Vec<f64>> = vec![Vec::new(); spec.section.stations_x.len()];
        for &z in &solve_at {
            let r = tailtwin_seepage::solve_level(&mut model, z, &settings).map_err(fail)?;
            for (j, b) in r.burial.iter().enumerate().take(depth.len()) {
                depth[j].push(b.depth_m);
            }
        }
        for (j, &x) in spec.section.stations_x.iter().enumerate() {
            stations.push(BurialStation {
                section: name.clone(),
                x_m: x,
                min_depth_m: spec.min_burial_depth_m,
                levels_m: solve_at.clone(),
                depth_at_levels_m: depth[j].clone(),
            });
        }
    }
    let members = n.members.len() as u64;
    let mut bands = Vec::new();
    let mut crossings = Vec::new();
    let mut item_level = AlarmLevel::None;
    let mut worst = AlarmLevel::None;
    for st in &stations {
        let series: Vec<Vec<f64>> = n
            .members
            .iter()
            .map(|m| {
                m.stage_m
                    .iter()
                    .map(|&z| interpolate(&st.levels_m, &st.depth_at_levels_m, z))
                    .collect()
            })
            .collect();
        let steps = n.time_s.len();
        let (mut p05, mut p50, mut p95) = (vec![0.0; steps], vec![0.0; steps], vec![0.0; steps]);
        let mut col = vec![0.0; series.len()];
        for t in 0..steps {
            for (c, m) in col.iter_mut().zip(&series) {
                *c = m[t];
            }
            col.sort_by(f64::total_cmp);
            (p05[t], p50[t], p95[t]) =
                (percentile(&col, 0.05), percentile(&col, 0.5), percentile(&col, 0.95));
        }
        bands.push(Band {
            quantity: format!("burial_{}", label(st)),
            label: format!("浸润线埋深 / phreatic burial depth {}", label(st)),
            unit: "m".into(),
            p05,
            p50,
            p95,
        });
        let Some(min) = st.min_depth_m else { continue };
        for (level, th) in [(AlarmLevel::Orange, 1.1 * min), (AlarmLevel::Red, min)] {
            let mut hits: Vec<f64> = series
                .iter()
                .filter_map(|v| first_crossing(&n.time_s, v, th, Direction::Falling))
                .collect();
            hits.sort_by(f64::total_cmp);
            let p = Probability::from_counts(hits.len() as u64, members);
            if 2 * p.hits >= members {
                item_level = item_level.max(level);
            }
            if p.hits > 0 {
                worst = worst.max(level);
            }
            crossings.push(Crossing {
                quantity: Quantity::BurialDepth,
                sensor: Some(label(st)),
                level,
                threshold: th,
                probability: p,
                earliest_s: hits.first().copied(),
                median_s: (!hits.is_empty()).then(|| percentile(&hits, 0.5)),
            });
        }
    }
    if stations.iter().any(|st| st.min_depth_m.is_some()) {
        n.items.push(ItemOutlook {
            quantity: Quantity::BurialDepth,
            kind: "phreatic_level".into(),
            sensor: None,
            expected_level: item_level,
            worst_level: worst,
        });
        n.pond_level = roll_up(&n.items.iter().map(|i| i.expected_level).collect::<Vec<_>>());
    }
    n.burial = Some(BurialOutlook { stations, bands, crossings });
    Ok(())
}
