//! Integration tests: the tailings rheology of the dam-break 2D run — `[dambreak.tailings]
//! rheology` parsing and validation, the O'Brien–Julien concentration estimate, and a yield-stress
//! release that comes to rest where water spreads on.

use super::common::demo_dir;
use std::path::Path;
use tailtwin::inundation::{GridGeometry, Raster, Rheology, io};
use tailtwin::pipeline::dambreak::{DambreakRun, REST_SPEED_MS, run_dambreak};
use tailtwin::scenario::{self, Problem};

/// The demo with its tailings table extended by `extra` (e.g. `, rheology = "none"`).
fn demo_tailings(extra: &str) -> String {
    let text = std::fs::read_to_string(demo_dir().join("valley-pond.toml")).expect("demo");
    let from = "concentration = 0.35 }";
    assert!(text.contains(from), "the demo no longer contains {from:?}");
    text.replacen(from, &format!("concentration = 0.35{extra} }}"), 1)
}

fn problems_of(text: &str) -> Vec<Problem> {
    match scenario::parse(text, &demo_dir(), "rheology.toml") {
        Ok(_) => Vec::new(),
        Err(e) => e.problems(),
    }
}

fn write_asc(path: &Path, nx: usize, ny: usize, cell: f64, f: impl Fn(usize, usize) -> f64) {
    let g = GridGeometry::new(nx, ny, cell, cell, 0.0, 0.0).expect("geometry");
    let values = (0..ny).flat_map(|j| (0..nx).map(move |i| (i, j))).map(|(i, j)| f(i, j));
    io::write_ascii_grid(path, &Raster::new(g, values.collect()).expect("raster")).expect("write");
}

/// A small pond (2·10⁴ m², 2 m deep) breached instantly at t = 0 over a 600 m × 200 m plain
/// falling 0.5 % to an open east edge; `tailings` is the `[dambreak] tailings` value.
fn plain_release(dir: &Path, tailings: &str) -> DambreakRun {
    write_asc(&dir.join("plain.asc"), 60, 20, 10.0, |i, _| 95.0 - 0.05 * i as f64);
    let text = format!(
        r#"
[scenario]
name = "rheology-release"

[pond]
dam_type = "water_retaining"
bottom_m = 0.0
crest_m = 3.0
crest_length_m = 40.0
beach_crest_m = 3.0
normal_level_m = 2.0
dam_height_m = 3.0
total_storage_m3 = 6.0e4
stage_storage = {{ elevation_m = [0.0, 3.0], area_m2 = [2.0e4, 2.0e4] }}
beach = {{ slope = 0.01 }}
rain_on_pond = false

[inflow]
hydrograph = {{ time_s = [0.0, 7200.0], flow_m3s = [0.0, 0.0] }}

[routing]
duration_h = 1
report_interval_min = 10

[dambreak]
trigger = {{ kind = "forced", time_h = 0.0 }}
geometry = {{ bottom_m = 0.0, final_bottom_width_m = 20.0, side_slope = 0.0, formation_time_h = 0.0 }}
tailings = {tailings}
dem = "plain.asc"
manning_n = 0.04
inflow = {{ from = [5.0, 85.0], to = [5.0, 115.0], direction_deg = 90.0 }}
solver = {{ order = "first", duration_h = 1.0, output_interval_s = 60.0, boundaries = {{ east = "open" }} }}
"#
    );
    let s = scenario::parse(&text, dir, "release.toml").expect("valid scenario");
    run_dambreak(&s, 1).expect("dam break runs")
}

/// Easternmost x of a flooded cell (max depth ≥ the arrival depth), m from the west edge.
fn front_x(run: &DambreakRun) -> f64 {
    let g = &run.map.grid;
    let mut x = 0.0_f64;
    for (k, &h) in run.map.max_depth_m.iter().enumerate() {
        if h >= run.map.arrival_depth_m {
            x = x.max(g.x_min + ((k % g.nx) as f64 + 0.5) * g.dx);
        }
    }
    x
}

// Goal: a Bingham tailings release comes to rest — its flooded extent stops growing and the run
// says so — while the same release routed as water spreads further and does not stop.
// Setup: `plain_release` (≈4·10⁴ m³ of water + 10⁴ m³ of tailings at C_v = 0.4, ρ_s = 2700, so
// ρ_m = 1680 kg/m³), Bingham τ_y = 200 Pa, μ = 10 Pa·s, 1 h of 2D; the same with
// rheology = "none".
// Reference: the static yield balance ρ g h S ≤ τ_y holds a sheet up to h = τ_y/(ρ g S) =
// 200/(1680·9.81·0.005) ≈ 2.4 m deep on the 0.5 % plain, so ~5·10⁴ m³ cannot travel far
// (≈ 5·10⁴/(200 m × 2.4 m) ≈ 100 m when spread over the full width); water, with Manning
// only, reaches the open edge 600 m away within the hour and still drains through it. Criteria
// are qualitative, not a calibrated run-out: the Bingham flow is at rest at the end (the yield
// stop zeroes a held cell's momentum, so its speed is exactly 0 where it stopped) and its
// flooded area grew by < 1 % over the last quarter; water still moves (> 10× the rest speed,
// 0.13 m/s observed) and its front
// is farther by more than 100 m.
#[test]
fn bingham_tailings_come_to_rest_where_water_spreads_further() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mud = plain_release(
        dir.path(),
        "{ released_volume_m3 = 1.0e4, concentration = 0.4, rheology = { model = \"bingham\", \
         yield_stress_pa = 200.0, viscosity_pa_s = 10.0 } }",
    );
    let water = plain_release(
        dir.path(),
        "{ released_volume_m3 = 1.0e4, concentration = 0.4, rheology = \"none\" }",
    );
    let (m, w) = (&mud.summary.rheology, &water.summary.rheology);
    eprintln!(
        "bingham: area {:?} → {} m², front {} m, final speed {} m/s; water: area {:?} → {} m², \
         front {} m, final speed {} m/s",
        m.area_at_checkpoint_m2,
        mud.summary.inundated_area_m2,
        front_x(&mud),
        m.final_max_speed_ms,
        w.area_at_checkpoint_m2,
        water.summary.inundated_area_m2,
        front_x(&water),
        w.final_max_speed_ms
    );
    assert_eq!(m.model, "bingham");
    assert_eq!(m.parameters["yield_stress_pa"], 200.0);
    assert_eq!(m.parameters["viscosity_pa_s"], 10.0);
    assert!((m.density_kgm3 - 1680.0).abs() < 1e-9, "{}", m.density_kgm3);
    assert_eq!(m.checkpoint_s, Some(2700.0));
    assert!(m.flow_at_rest, "the Bingham flow should have stopped");
    assert!(m.final_max_speed_ms < REST_SPEED_MS);
    // The max-depth map has stopped growing: at most 1 % more flooded area in the last quarter
    // (the breach's tail flow still thickens the deposit by the inflow line).
    let a = m.area_at_checkpoint_m2.expect("checkpoint");
    assert!(mud.summary.inundated_area_m2 <= 1.01 * a, "{a} → {}", mud.summary.inundated_area_m2);
    assert_eq!(w.model, "none");
    assert!(!w.flow_at_rest, "water keeps flowing");
    assert!(w.final_max_speed_ms > 10.0 * REST_SPEED_MS, "{}", w.final_max_speed_ms);
    assert!(water.summary.inundated_area_m2 > mud.summary.inundated_area_m2);
    assert!(front_x(&water) > front_x(&mud) + 100.0);
    // Both runs conserve volume (the yield stop removes momentum, never mass).
    assert!(mud.summary.volume_error_pct.abs() < 1e-9, "{}", mud.summary.volume_error_pct);
    assert!(water.summary.volume_error_pct.abs() < 1e-9);
}

// Goal: rheology = "from_concentration" applies O'Brien & Julien's (1988) exponential relations
// (sample Aspen pit 1) at the scenario's C_v and the mixture density from ρ_s.
// Setup: the demo (C_v = 0.35, default ρ_s = 2700 kg/m³) with rheology = "from_concentration".
// Reference, by hand: τ_y = 0.1 × 0.181 e^{25.7·0.35} = 0.0181 × e^{8.995} = 145.934 Pa;
// μ = 0.1 × 0.0360 e^{22.1·0.35} = 0.0036 × e^{7.735} = 8.2332 Pa·s (dyn/cm² and poise to SI
// ×0.1); ρ_m = 1000 + 0.35 × 1700 = 1595 kg/m³. Tolerance 1e-5 relative: the hand values are
// rounded to 6 and 5 significant digits.
#[test]
fn obrien_julien_concentration_estimate_matches_hand_calculation() {
    let text = demo_tailings(", rheology = \"from_concentration\"");
    let s = scenario::parse(&text, &demo_dir(), "demo.toml").expect("valid");
    let t = s.dambreak.as_ref().unwrap().tailings.expect("tailings");
    assert_eq!(t.rheology.model, "obrien_julien");
    assert!(t.rheology.source.contains("Aspen pit 1"), "{}", t.rheology.source);
    let Rheology::OBrienJulien { yield_stress_pa, viscosity_pa_s, laminar_k, density_kgm3 } =
        t.rheology.rheology
    else {
        panic!("expected O'Brien–Julien, got {:?}", t.rheology.rheology)
    };
    assert!((yield_stress_pa / 145.934 - 1.0).abs() < 1e-5, "{yield_stress_pa}");
    assert!((viscosity_pa_s / 8.2332 - 1.0).abs() < 1e-5, "{viscosity_pa_s}");
    assert_eq!(laminar_k, 24.0);
    assert!((density_kgm3 - 1595.0).abs() < 1e-9);
    assert!((t.density_kgm3 - 1595.0).abs() < 1e-9);
    // A given solids density changes the mixture density only.
    let text = demo_tailings(", solids_density_kgm3 = 3000.0, rheology = \"from_concentration\"");
    let s = scenario::parse(&text, &demo_dir(), "demo.toml").expect("valid");
    let t = s.dambreak.as_ref().unwrap().tailings.unwrap();
    assert!((t.density_kgm3 - 1700.0).abs() < 1e-9);
    assert!((t.rheology.rheology.yield_over_density() * 1700.0 / 145.934 - 1.0).abs() < 1e-5);
}

// Goal: every bad rheology input is an error naming its key path, never a panic; the omitted
// key routes the mixture as water.
// Setup: the demo's tailings table with one bad rheology entry each.
// Reference: the key paths of scenarios/README.md `[dambreak]`.
#[test]
fn bad_rheology_inputs_are_reported_with_their_key_paths() {
    let cases = [
        (
            ", rheology = { model = \"bingham\", yield_stress_pa = -5.0, viscosity_pa_s = 1.0 }",
            "dambreak.tailings.rheology.yield_stress_pa",
            "negative",
        ),
        (
            ", rheology = { model = \"bingham\", yield_stress_pa = 5.0 }",
            "dambreak.tailings.rheology.viscosity_pa_s",
            "missing",
        ),
        (
            ", rheology = { model = \"herschel_bulkley\", yield_stress_pa = 5.0, consistency = 1.0, index = 0.0 }",
            "dambreak.tailings.rheology.index",
            "range",
        ),
        (
            ", rheology = { model = \"herschel_bulkley\", yield_stress_pa = 5.0, consistency = 1.0, index = -0.5 }",
            "dambreak.tailings.rheology.index",
            "range",
        ),
        (
            ", rheology = { model = \"bingham\", yield_stress_pa = 5.0, viscosity_pa_s = 1.0, index = 0.5 }",
            "dambreak.tailings.rheology.index",
            "not a parameter",
        ),
        (
            ", rheology = { model = \"casson\", yield_stress_pa = 5.0 }",
            "dambreak.tailings.rheology.model",
            "casson",
        ),
        (", rheology = \"mud\"", "dambreak.tailings.rheology", "from_concentration"),
        (
            ", rheology = { model = \"obrien_julien\", yield_stress_pa = 5.0, viscosity_pa_s = 1.0, laminar_k = 0.0 }",
            "dambreak.tailings.rheology.laminar_k",
            "range",
        ),
        (", solids_density_kgm3 = 9000.0", "dambreak.tailings.solids_density_kgm3", "range"),
    ];
    for (extra, path, needle) in cases {
        let problems = problems_of(&demo_tailings(extra));
        assert!(
            problems.iter().any(|p| p.path == path && p.message.contains(needle)),
            "{extra}: expected {path} ({needle}), got {problems:?}"
        );
    }
    for c in ["0.0", "0.65", "0.8", "-0.1"] {
        let text =
            demo_tailings("").replacen("concentration = 0.35", &format!("concentration = {c}"), 1);
        let problems = problems_of(&text);
        assert!(
            problems.iter().any(|p| p.path == "dambreak.tailings.concentration"),
            "C_v = {c}: {problems:?}"
        );
    }
    let s = scenario::parse(&demo_tailings(""), &demo_dir(), "demo.toml").expect("valid");
    let t = s.dambreak.unwrap().tailings.unwrap();
    assert_eq!(t.rheology.rheology, Rheology::Water);
    assert_eq!(t.rheology.model, "none");
}
