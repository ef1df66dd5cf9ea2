//! `[seepage]`: mesh and solver settings of the steady seepage analysis and the pond levels
//! solved.
//!
//! ```toml
//! [seepage]
//! target_size_m = 2.0            # mesh edge length away from drains and the outer slope
//! local_size_ratio = 0.4         # edge length at drains, pipes, the seepage face / target
//! grading = 0.25                 # growth of the local size with distance, m/m
//! min_angle_deg = 25.0           # quality refinement (≤ 30)
//! exit_size_ratio = 0.1          # edge length around the exit point / target
//! head_tolerance_m = 1e-5
//! flux_tolerance = 1e-6
//! max_iterations = 200
//! tailwater_m = 95.0             # downstream tailwater (default none)
//! exit_refinement_passes = 1
//! pond_levels_m = [125.0]        # extra levels (the only ones without [pond])
//! at_pond_levels = true          # also the normal level and the design-flood peak (with [pond])
//! draw_mesh = false
//! ```

use crate::error::Problems;
use crate::model::{DamSectionSpec, SeepageSpec};
use serde::Deserialize;
use tailtwin_seepage::{MeshSettings, SeepageError, SeepageSettings};

/// `[seepage]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeepage {
    pub target_size_m: Option<f64>,
    pub local_size_ratio: Option<f64>,
    pub grading: Option<f64>,
    pub min_angle_deg: Option<f64>,
    pub exit_size_ratio: Option<f64>,
    pub head_tolerance_m: Option<f64>,
    pub flux_tolerance: Option<f64>,
    pub max_iterations: Option<usize>,
    pub tailwater_m: Option<f64>,
    pub exit_refinement_passes: Option<usize>,
    #[serde(default)]
    pub pond_levels_m: Vec<f64>,
    pub at_pond_levels: Option<bool>,
    #[serde(default)]
    pub draw_mesh: bool,
}

/// Upper bound on exit refinement passes (each is a full solve).
const MAX_EXIT_PASSES: usize = 5;

/// Validates `[seepage]`; None when it is absent (the defaults apply) or has problems.
pub(crate) fn seepage(
    raw: Option<&RawSeepage>,
    has_pond_table: bool,
    p: &mut Problems,
) -> Option<SeepageSpec> {
    let r = raw?;
    let before = p.len();
    let d = SeepageSettings::default();
    let dm = MeshSettings::with_target_size(d.mesh.target_size_m);
    let mesh = MeshSettings {
        target_size_m: r
            .target_size_m
            .map_or(Some(dm.target_size_m), |v| p.positive("seepage.target_size_m", v))?,
        local_size_ratio: r.local_size_ratio.map_or(Some(dm.local_size_ratio), |v| {
            p.in_range_open_low("seepage.local_size_ratio", v, 0.0, 1.0)
        })?,
        grading: r.grading.map_or(Some(dm.grading), |v| p.positive("seepage.grading", v))?,
        min_angle_deg: r.min_angle_deg.map_or(Some(dm.min_angle_deg), |v| {
            p.in_range("seepage.min_angle_deg", v, 0.0, 30.0)
        })?,
        exit_size_ratio: r.exit_size_ratio.map_or(Some(dm.exit_size_ratio), |v| {
            p.in_range_open_low("seepage.exit_size_ratio", v, 0.0, 1.0)
        })?,
        max_nodes: dm.max_nodes,
    };
    let passes = r.exit_refinement_passes.unwrap_or(d.exit_refinement_passes);
    if passes > MAX_EXIT_PASSES {
        p.push(
            "seepage.exit_refinement_passes",
            format!("{passes} is above {MAX_EXIT_PASSES} (each pass is a full solve)"),
        );
    }
    let settings = SeepageSettings {
        mesh,
        head_tolerance_m: r.head_tolerance_m.unwrap_or(d.head_tolerance_m),
        flux_tolerance: r.flux_tolerance.unwrap_or(d.flux_tolerance),
        max_iterations: r.max_iterations.unwrap_or(d.max_iterations),
        threads: d.threads,
        tailwater_m: r.tailwater_m,
        exit_refinement_passes: passes,
    };
    if let Err(e) = settings.validate() {
        let key = match &e {
            SeepageError::BadSetting { key, .. } => format!("seepage.{key}"),
            _ => "seepage".to_owned(),
        };
        p.push(key, e.to_string());
    }
    for (k, &z) in r.pond_levels_m.iter().enumerate() {
        p.finite(&format!("seepage.pond_levels_m[{k}]"), z);
    }
    if r.at_pond_levels == Some(true) && !has_pond_table {
        p.push("seepage.at_pond_levels", "true needs a [pond] (its normal level and flood peak)");
    }
    let at_pond_levels = r.at_pond_levels.unwrap_or(has_pond_table);
    (p.len() == before).then(|| SeepageSpec {
        settings,
        pond_levels_m: r.pond_levels_m.clone(),
        at_pond_levels,
        draw_mesh: r.draw_mesh,
    })
}

/// Every level that will be solved must wet the pond side of every section: records
/// `seepage.pond_levels_m[k]` / `pond.normal_level_m` problems naming the section.
pub(crate) fn check_levels(
    levels: &[(String, f64)],
    sections: &[DamSectionSpec],
    p: &mut Problems,
) {
    for (key, z) in levels {
        for s in sections {
            let bottom = s.section.pond_bottom_m();
            if *z < bottom {
                p.push(
                    key.clone(),
                    format!(
                        "{z} is below the pond bottom {bottom} of section {:?} (the lowest \
                         point where the pond meets it): the pond would not touch the section",
                        s.section.name
                    ),
                );
            }
        }
    }
}
