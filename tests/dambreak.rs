//! Integration tests: the dam break as a product — `[dambreak]` validation, the two-pass breach
//! routing and 2D run of `pipeline::dambreak::run_dambreak`, and `tailtwin dambreak`.

use std::path::Path;
use std::process::{Command, Output};
use tailtwin::core::G;
use tailtwin::inundation::{GridGeometry, Raster, io};
use tailtwin::pipeline::dambreak::run_dambreak;
use tailtwin::scenario::{self, Problem};

use super::common::{demo_dir, demo_text, demo_with, root};

fn problems_of(text: &str) -> Vec<Problem> {
    match scenario::parse(text, &demo_dir(), "dambreak.toml") {
        Ok(_) => Vec::new(),
        Err(e) => e.problems(),
    }
}

fn tailtwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tailtwin"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the tailtwin binary runs")
}

fn write_asc(path: &Path, nx: usize, ny: usize, cell: f64, f: impl Fn(usize, usize) -> f64) {
    let g = GridGeometry::new(nx, ny, cell, cell, 0.0, 0.0).expect("geometry");
    let values = (0..ny).flat_map(|j| (0..nx).map(move |i| (i, j))).map(|(i, j)| f(i, j));
    io::write_ascii_grid(path, &Raster::new(g, values.collect()).expect("raster")).expect("write");
}

// Goal: through the whole dam-break path (scenario → two-pass routing → breach hydrograph →
// 2D run), an instantaneous full-width breach of a wide prismatic pond discharges Ritter's
// dam-site flow (8/27)√g h^1.5 per unit width when the weir coefficients are Ritter's, and the
// 2D run receives exactly that hydrograph's volume.
// Setup: pond 10⁸ m² in plan (prismatic), level 10 m above the bottom, breach 100 m wide,
// rectangular, down to the bottom, formed instantly at t = 0 (forced); 40 × 20 cells of 10 m
// downstream, 3 min of 2D.
// Reference: q = (8/27)√g · 10^1.5 = 29.347 m²/s → Q = 2934.7 m³/s at t₀ (the peak: the level
// only falls afterwards). Tolerance 1e-6 relative: the peak is evaluated at the initial level
// exactly, only round-off in the coefficient constants (given to 15 digits) remains. The 2D
// inflow volume equals the hydrograph's over the window to 1e-9 (the solver injects the
// hydrograph's exact integral per step; summation round-off over ~10³ steps).
#[test]
fn instantaneous_full_width_breach_through_the_pipeline_discharges_ritter_flow() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_asc(&dir.path().join("flat.asc"), 40, 20, 10.0, |i, _| 95.0 - 0.1 * i as f64);
    let text = r#"
[scenario]
name = "ritter-breach"

[pond]
dam_type = "water_retaining"
bottom_m = 0.0
crest_m = 12.0
crest_length_m = 100.0
beach_crest_m = 12.0
normal_level_m = 10.0
dam_height_m = 12.0
total_storage_m3 = 1.2e9
stage_storage = { elevation_m = [0.0, 12.0], area_m2 = [1.0e8, 1.0e8] }
beach = { slope = 0.01 }
rain_on_pond = false

[inflow]
hydrograph = { time_s = [0.0, 7200.0], flow_m3s = [0.0, 0.0] }

[routing]
duration_h = 1
report_interval_min = 10

[dambreak]
trigger = { kind = "forced", time_h = 0.0 }
geometry = { bottom_m = 0.0, final_bottom_width_m = 100.0, side_slope = 0.0, formation_time_h = 0.0 }
weir = { rectangular = 0.928027245236493, triangular = 0.690092940600516 }
dem = "flat.asc"
manning_n = 0.03
inflow = { from = [5.0, 5.0], to = [5.0, 195.0], direction_deg = 90.0 }
solver = { order = "first", duration_h = 0.05, boundaries = { east = "open" } }
"#;
    let s = scenario::parse(text, dir.path(), "ritter.toml").expect("valid scenario");
    let run = run_dambreak(&s, 1).expect("dam break runs");
    let q_ritter = 8.0 / 27.0 * G.sqrt() * 10f64.powf(1.5) * 100.0;
    let sum = &run.summary;
    eprintln!("peak {} vs Ritter {q_ritter}", sum.peak_breach_outflow_m3s);
    assert!((sum.peak_breach_outflow_m3s / q_ritter - 1.0).abs() < 1e-6);
    assert_eq!(sum.breach_start_s, 0.0);
    assert!((run.hydrograph.flow_m3s()[0] / q_ritter - 1.0).abs() < 1e-6, "flow at t₀");
    let window = run.hydrograph.volume_between_m3(0.0, sum.duration_s);
    assert!((sum.inflow_volume_2d_m3 / window - 1.0).abs() < 1e-9);
    assert!(sum.volume_error_pct.abs() < 1e-9, "{}", sum.volume_error_pct);
    assert!(sum.min_stage_after_breach_m < 10.0, "the pond draws down");
}

// Goal: the shipped drill — forced breach at 6 h, 1.5 h of 2D over the demo valley — runs
// through the API with a closed volume balance, the breach hydrograph entering the 2D run
// intact, and the flood reaching the downstream points in order.
// Setup: scenarios/demo/valley-pond.toml as shipped, 2 threads.
// Reference: volume balance of the finite-volume solver (round-off: ~1e-13 % observed; 1e-9 %
// allows a different summation order on other hardware); arrival order = distance down the
// valley (plant 1.0 km, bridge 2.0 km, village 3.1 km, school 3.2 km, hamlet 4.5 km); the
// regression band (Froehlich 2016/1995a, MLM) as a sanity check: a routed peak outside half to
// twice the band would point at a wrong breach size or units, not at scatter. The mixture
// factor (V_w + V_F)/V_w scales every flow; the hydrograph is sampled every 30 s, so its peak
// lies within 5 % below the router's own peak × factor.
#[test]
fn demo_dam_break_floods_the_valley_in_order_with_a_closed_balance() {
    let s = scenario::load(&demo_dir().join("valley-pond.toml")).expect("demo");
    let run = run_dambreak(&s, 2).expect("demo dam break");
    let sum = &run.summary;
    eprintln!("{}", serde_json::to_string_pretty(sum).expect("json"));
    assert_eq!(sum.trigger, "forced");
    assert_eq!(sum.breach_start_s, 6.0 * 3600.0);
    assert!(sum.volume_error_pct.abs() < 1e-9, "{}", sum.volume_error_pct);
    let window = run.hydrograph.volume_between_m3(0.0, sum.duration_s);
    assert!((sum.inflow_volume_2d_m3 / window - 1.0).abs() < 1e-9);
    assert_eq!(sum.tailings_volume_m3, 1.0e6);
    assert!((sum.released_volume_m3 - sum.water_volume_m3 - 1.0e6).abs() < 1e-6);
    let factor = sum.released_volume_m3 / sum.water_volume_m3;
    let ratio = sum.peak_mixture_outflow_m3s / (sum.peak_breach_outflow_m3s * factor);
    assert!(ratio <= 1.0 + 1e-9 && ratio > 0.95, "sampled mixture peak ratio {ratio}");
    let band = sum.regression_band.as_ref().expect("band");
    assert!(sum.peak_breach_outflow_m3s > 0.5 * band.min_m3s);
    assert!(sum.peak_breach_outflow_m3s < 2.0 * band.max_m3s);
    assert!(sum.min_stage_after_breach_m < sum.stage_at_breach_m - 1.0, "the pond draws down");
    assert!(sum.inundated_area_m2 > 1e6, "{} m²", sum.inundated_area_m2);
    let names: Vec<&str> = sum.points.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["plant", "road bridge", "village", "school", "hamlet"]);
    let arrivals: Vec<f64> =
        sum.points.iter().map(|p| p.arrival_time_s.expect("every point is reached")).collect();
    assert!(arrivals.windows(2).all(|w| w[0] < w[1]), "arrivals {arrivals:?}");
    assert!(sum.points.iter().all(|p| p.max_depth_m >= 0.1 && p.max_speed_ms > 0.0));
    assert_eq!(sum.points[2].population, Some(850));
    assert!(sum.cell_updates_per_s > 0.0 && sum.steps > 0);
}

// Goal: `tailtwin dambreak --json --out` prints the documented keys and writes georeferenced
// grids that a standard tool reads with the DEM's origin and cell size.
// Setup: the demo with the 2D run shortened to 0.75 h, first order (CI time), paths absolute.
// Reference: the DEM's header (xllcorner 500000, yllcorner 3400000, 64 rows of 25 m → top
// 3401600) and EPSG 32649; `gdalinfo` from gdal-bin when installed (skipped with a message
// otherwise). Tolerance: exact (the header values are exact in binary).
#[test]
fn cli_dambreak_prints_json_and_writes_georeferenced_grids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = demo_dir();
    let text = demo_text()
        .replace("\"curves/", &format!("\"{}/curves/", d.display()))
        .replace("\"valley-dem.asc\"", &format!("\"{}/valley-dem.asc\"", d.display()))
        .replace(
            "order = \"second\", limiter = \"mc\", duration_h = 1.5",
            "order = \"first\", duration_h = 0.75",
        );
    let file = dir.path().join("drill.toml");
    std::fs::write(&file, text).expect("write scenario");
    let out = dir.path().join("out");
    let o = tailtwin(&[
        "dambreak",
        file.to_str().unwrap(),
        "--json",
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    for key in [
        "peak_breach_outflow_m3s",
        "released_volume_m3",
        "inundated_area_m2",
        "volume_error_pct",
        "cells",
        "steps",
        "cell_updates_per_s",
        "breach_start_s",
        "regression_band",
        "points",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    let p = &v["points"][0];
    for key in ["name", "arrival_time_s", "max_depth_m", "max_speed_ms", "population"] {
        assert!(p.get(key).is_some(), "points[0] lacks {key}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary.json"))
            .expect("summary JSON");
    assert_eq!(summary["cells"], v["cells"]);
    for name in [
        "max_depth_m",
        "max_speed_ms",
        "max_depth_x_speed_m2s",
        "arrival_time_s",
        "hazard_class",
        "time_of_max_depth_s",
        "inundation_duration_s",
    ] {
        let tif = io::read_geotiff(&out.join(format!("{name}.tif"))).expect("GeoTIFF reads back");
        let asc = io::read_ascii_grid(&out.join(format!("{name}.asc"))).expect("ASCII reads back");
        for g in [tif.geometry, asc.geometry] {
            assert_eq!(
                (g.nx, g.ny, g.dx, g.x_min, g.y_min),
                (200, 64, 25.0, 500_000.0, 3_400_000.0)
            );
        }
        assert_eq!(tif.crs.and_then(|c| c.epsg), Some(32649));
    }
    // results.h5 /inundation reads back and agrees bit for bit with the ASCII grid.
    let map = tailtwin::results::read_inundation_h5(&out.join("results.h5")).expect("results.h5");
    let asc = io::read_ascii_grid(&out.join("max_depth_m.asc")).expect("ASCII grid");
    assert_eq!((map.grid.nx, map.grid.ny, map.grid.epsg), (200, 64, Some(32649)));
    assert_eq!(map.max_depth_m.len(), asc.values.len());
    for (a, b) in map.max_depth_m.iter().zip(&asc.values) {
        assert!(a == b || (a.is_nan() && b.is_nan()), "{a} vs {b}");
    }
    let names: Vec<&str> = map.points.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["plant", "road bridge", "village", "school", "hamlet"]);
    assert_eq!(map.points[2].population, Some(850));
    assert_eq!(map.points[1].population, None);
    // Each point's time series is stored; its samples never exceed the step-by-step maximum, and
    // a flooded point has a time of maximum depth within the run and a positive inundation time.
    for p in &map.points {
        let s = &p.series;
        assert!(s.time_s.len() > 10 && s.time_s.windows(2).all(|w| w[1] > w[0]), "{}", p.name);
        let sampled = s.depth_m.iter().copied().fold(0.0, f64::max);
        assert!(sampled <= p.max_depth_m, "{}: {sampled} > {}", p.name, p.max_depth_m);
        let t = p.time_of_max_depth_s.expect("flooded point");
        assert!(t > 0.0 && t <= map.duration_s, "{}: {t}", p.name);
        let cell = ((p.y - map.grid.y_min) / map.grid.dy) as usize * map.grid.nx
            + ((p.x - map.grid.x_min) / map.grid.dx) as usize;
        assert!(map.inundation_duration_s[cell] > 0.0, "{}", p.name);
    }
    // The map: a PNG of the DEM's aspect (200 × 64 cells → wider than tall).
    let png = std::fs::read(out.join("plots/inundation_map.png")).expect("inundation map");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) = (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    );
    assert!(w > 2 * h, "map {w}×{h}");
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(html.contains("data:image/png;base64,iVBORw0KGgo"), "the map is embedded");
    assert!(html.contains("village") && html.contains("溃口峰值流量"));
    assert!(html.contains("后果等级") && html.contains("Consequence estimate"));
    drill_consequence_class_is_extreme_by_population_at_risk(&v["consequence"]);
    let tif = out.join("max_depth_m.tif");
    match Command::new("gdalinfo").arg(&tif).output() {
        Err(_) => eprintln!("SKIPPED gdalinfo check: gdalinfo (gdal-bin) is not installed"),
        Ok(g) => {
            let info = String::from_utf8_lossy(&g.stdout);
            assert!(g.status.success(), "gdalinfo failed: {}", String::from_utf8_lossy(&g.stderr));
            assert!(info.contains("Size is 200, 64"), "{info}");
            assert!(
                info.contains("Origin = (500000.000000000000000,3401600.000000000000000)"),
                "{info}"
            );
            assert!(
                info.contains("Pixel Size = (25.000000000000000,-25.000000000000000)"),
                "{info}"
            );
            assert!(info.contains("UTM zone 49N"), "{info}");
        }
    }
}

// Goal: the demo drill's consequence class through the CLI JSON. Setup: the JSON of the test
// above (all four populated points — plant 120, village 850, school 300, hamlet 60 — are reached
// within 0.75 h; the road bridge has no population). Reference: GISTM (2020) Table 1 as read in
// engine/risk/data/consequence.toml: PAR 1330 ≥ 1000 → Extreme, governed by PAR; the potential
// loss of life is the sum of the points' Graham rates × PAR. Tolerance: exact for PAR and class;
// 1e-9 relative on the PLL sum (float addition order).
fn drill_consequence_class_is_extreme_by_population_at_risk(c: &serde_json::Value) {
    assert_eq!(c["population_at_risk"], 1330, "{c}");
    assert_eq!(c["consequence_class"], "Extreme");
    assert_eq!(c["consequence_class_zh"], "极高");
    assert_eq!(c["class_by_population_at_risk"], "Extreme");
    assert!(c["basis"].as_str().unwrap().starts_with("population at risk 1330"), "{c}");
    assert_eq!(c["confidence"], "recalled");
    let points = c["points"].as_array().expect("points");
    assert_eq!(points.len(), 5);
    let mut sum = 0.0;
    for p in points {
        let (par, f, lol) = (
            p["population_at_risk"].as_f64().unwrap(),
            p["fatality_rate"].as_f64().unwrap(),
            p["loss_of_life"].as_f64().unwrap(),
        );
        assert!((0.0..=1.0).contains(&f) && (lol - f * par).abs() <= 1e-12 * par.max(1.0));
        sum += lol;
    }
    let pll = c["potential_loss_of_life"].as_f64().unwrap();
    assert!(pll > 0.0 && (pll - sum).abs() <= 1e-9 * sum, "{pll} vs {sum}");
}

// Goal: every bad `[dambreak]` input is an error naming its key path, never a panic; the CLI
// exits 2 for them and for a scenario without `[dambreak]`.
// Setup: the demo with one value changed at a time; a DEM with a nodata hole inside; a Manning
// raster on another grid. Reference: the key paths of scenarios/README.md. Tolerance: exact.
#[test]
fn bad_dambreak_inputs_are_reported_with_their_key_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let holed = dir.path().join("holed.asc");
    write_asc(&holed, 10, 10, 25.0, |i, j| if (i, j) == (5, 5) { f64::NAN } else { 100.0 });
    let small = dir.path().join("n_small.asc");
    write_asc(&small, 5, 5, 25.0, |_, _| 0.04);
    let cases: Vec<(String, &str, &str)> = vec![
        (
            demo_with("dem = \"valley-dem.asc\"", &format!("dem = {:?}", holed)),
            "dambreak.dem",
            "nodata",
        ),
        (
            demo_with("dem = \"valley-dem.asc\"", "dem = \"missing.asc\""),
            "dambreak.dem",
            "missing.asc",
        ),
        (
            demo_with("manning_n = 0.045", &format!("manning_n = {{ raster = {:?} }}", small)),
            "dambreak.manning_n",
            "raster",
        ),
        (demo_with("manning_n = 0.045", "manning_n = -0.01"), "dambreak.manning_n", "Manning"),
        (
            demo_with("from = [500012.5, 3400740.0]", "from = [400000.0, 3400740.0]"),
            "dambreak.inflow.from",
            "outside",
        ),
        (demo_with("x = 504500.0", "x = 506000.0"), "dambreak.points[4]", "outside"),
        (demo_with("bottom_m = 350.0", "bottom_m = 380.0"), "dambreak.geometry.bottom_m", "crest"),
        (
            demo_with("kind = \"forced\", time_h = 6.0", "kind = \"piping\""),
            "dambreak.trigger",
            "piping",
        ),
        (
            demo_with("concentration = 0.35", "concentration = 0.9"),
            "dambreak.tailings.concentration",
            "0.9",
        ),
        (demo_with("order = \"second\"", "order = \"third\""), "dambreak.solver.order", "third"),
        (
            demo_with(
                "arrival_depth_m = 0.1, boundaries = { east = \"open\" } }",
                "arrival_depth_m = 0.1, boundaries = { east = \"open\" } }\nwarning = { delay_s = -5.0, understanding = \"maybe\" }",
            ),
            "dambreak.warning.delay_s",
            "negative",
        ),
        (
            demo_with(
                "arrival_depth_m = 0.1, boundaries = { east = \"open\" } }",
                "arrival_depth_m = 0.1, boundaries = { east = \"open\" } }\nwarning = { understanding = \"maybe\" }",
            ),
            "dambreak.warning.understanding",
            "maybe",
        ),
        (
            demo_with("boundaries = { east = \"open\" }", "boundaries = { east = \"leaky\" }"),
            "dambreak.solver.boundaries.east",
            "leaky",
        ),
        (
            demo_with(
                "geometry = { bottom_m = 350.0, final_bottom_width_m = 40.0, side_slope = 1.0, formation_time_h = 0.5 }",
                "geometry = \"guess\"",
            ),
            "dambreak.geometry",
            "guess",
        ),
    ];
    for (text, path, needle) in &cases {
        let problems = problems_of(text);
        assert!(
            problems.iter().any(|p| p.path.starts_with(path) && p.message.contains(needle)),
            "expected {path} ({needle}), got {problems:?}"
        );
    }
    // The CLI: exit 2 with the key path on stderr.
    let file = dir.path().join("bad.toml");
    let d = demo_dir();
    let text = cases[3]
        .0
        .replace("\"curves/", &format!("\"{}/curves/", d.display()))
        .replace("\"valley-dem.asc\"", &format!("\"{}/valley-dem.asc\"", d.display()));
    std::fs::write(&file, text).expect("write");
    let o = tailtwin(&["dambreak", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("dambreak.manning_n"));
    let o = tailtwin(&["dambreak", "scenarios/demo/blocked-tower.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("[dambreak]"));
}

// Goal: a trigger that cannot start the breach is a clear input error naming dambreak.trigger,
// found by the first (no-breach) routing pass before any 2D work.
// Setup: the demo with an overtopping trigger (its 500-year peak stays below the crest) and
// with a forced time after the 72 h routed. Reference: the message and is_input_error().
#[test]
fn a_trigger_that_never_fires_is_an_input_error() {
    for (to, needle) in [
        ("kind = \"overtopping\", depth_m = 0.1, duration_min = 30.0", "never fires"),
        ("kind = \"forced\", time_h = 100.0", "after the end of the routed run"),
    ] {
        let text = demo_with("kind = \"forced\", time_h = 6.0", to);
        let s = scenario::parse(&text, &demo_dir(), "trigger.toml").expect("valid scenario");
        let e = run_dambreak(&s, 1).expect_err("the breach cannot start");
        assert!(e.is_input_error());
        let msg = e.to_string();
        assert!(msg.starts_with("dambreak.trigger") && msg.contains(needle), "{msg}");
    }
}

// Goal: land-cover polygons set Manning's n on the DEM cells whose centre they contain (later
// polygons over earlier ones), the rest keeps the default; bad polygons name their keys.
// Setup: the demo DEM (25 m cells from (500 000, 3 400 000)); default n 0.045, a "town" square
// over x 501 000–501 500, y 3 400 500–3 401 000 with n 0.12 and a "channel" strip inside it with
// n 0.035. Reference: the cell-centre rule by hand. Tolerance: exact (values are copied).
#[test]
fn manning_polygons_rasterise_onto_the_dem_by_cell_centre() {
    let polygons = "manning_n = { default_n = 0.045, polygons = [\
        { name = \"town\", n = 0.12, ring = [[501000.0, 3400500.0], [501500.0, 3400500.0], [501500.0, 3401000.0], [501000.0, 3401000.0]] }, \
        { name = \"channel\", n = 0.035, ring = [[501200.0, 3400500.0], [501300.0, 3400500.0], [501300.0, 3401000.0], [501200.0, 3401000.0]] }] }";
    let text = demo_with("manning_n = 0.045", polygons);
    let s = scenario::parse(&text, &demo_dir(), "polygons.toml").expect("valid scenario");
    let spec = s.dambreak.as_ref().expect("[dambreak]");
    let n = spec.roughness.resolve(&spec.terrain).expect("resolves on the DEM");
    let g = spec.terrain.geometry;
    let at = |x: f64, y: f64| {
        let (i, j) = g.cell_at(x, y).expect("inside the DEM");
        n[g.index(i, j)]
    };
    assert_eq!(at(501_112.5, 3_400_712.5), 0.12_f32, "inside the town");
    assert_eq!(at(501_237.5, 3_400_712.5), 0.035_f32, "the channel paints over the town");
    assert_eq!(at(500_512.5, 3_400_712.5), 0.045_f32, "outside every polygon");
    // A cell whose centre is 12.5 m outside the town's edge keeps the default.
    assert_eq!(at(500_987.5, 3_400_712.5), 0.045_f32);

    let bad = demo_with(
        "manning_n = 0.045",
        "manning_n = { default_n = -0.01, polygons = [\
            { name = \"neg\", n = -1.0, ring = [[501000.0, 3400500.0], [501500.0, 3400500.0], [501500.0, 3401000.0]] }, \
            { name = \"line\", n = 0.1, ring = [[501000.0, 3400500.0], [501500.0, 3400500.0]] }, \
            { name = \"far\", n = 0.1, ring = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]] }] }",
    );
    let problems = problems_of(&bad);
    let default_n = "dambreak.manning_n.default_n";
    assert!(problems.iter().any(|p| p.path == default_n), "{default_n}: {problems:?}");
    let bad = demo_with(
        "manning_n = 0.045",
        "manning_n = { default_n = 0.05, polygons = [\
            { name = \"neg\", n = -1.0, ring = [[501000.0, 3400500.0], [501500.0, 3400500.0], [501500.0, 3401000.0]] }, \
            { name = \"line\", n = 0.1, ring = [[501000.0, 3400500.0], [501500.0, 3400500.0]] }, \
            { name = \"far\", n = 0.1, ring = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]] }] }",
    );
    let problems = problems_of(&bad);
    for key in [
        "dambreak.manning_n.polygons[0].n",
        "dambreak.manning_n.polygons[1].ring",
        "dambreak.manning_n.polygons[2].ring",
    ] {
        assert!(problems.iter().any(|p| p.path == key), "{key} missing from {problems:?}");
    }
}

// Goal: a tailwater below the breach submerges the weir flow (Fread's factor) and lowers the
// breach peak; a tailwater at or above the crest is an input error.
// Setup: the demo drill with a 0.05 h 2D run (only the routed breach matters here), without a
// tailwater and with one at 362 m (12 m above the final breach bottom 350 m; the pond stands at
// 368.6 m when the breach starts). Reference: submergence can only reduce the flow, and at
// 12 m / 18.6 m head ratio the reduction is material (> 1 %). Tolerance: strict inequality.
#[test]
fn tailwater_submerges_the_breach_and_lowers_its_peak() {
    let short = |t: &str| {
        demo_with("duration_h = 1.5", "duration_h = 0.05").replacen(
            "crs_epsg = 32649",
            &format!("crs_epsg = 32649\n{t}"),
            1,
        )
    };
    let peak = |text: &str| {
        let s = scenario::parse(text, &demo_dir(), "tailwater.toml").expect("valid scenario");
        run_dambreak(&s, 2).expect("dam break").summary.peak_breach_outflow_m3s
    };
    let free = peak(&short(""));
    let submerged = peak(&short("tailwater_m = 362.0"));
    assert!(submerged < 0.99 * free, "free {free} m³/s, submerged {submerged} m³/s");
    let problems = problems_of(&short("tailwater_m = 373.0"));
    assert!(problems.iter().any(|p| p.path == "dambreak.tailwater_m"), "{problems:?}");
}
