//! Integration tests: the seepage and stability products in results.h5, their plots and the
//! report sections.
//!
//! The fixture is computed, not invented: the seepage crate's tailings section (tailings sand
//! over a starter dam, blanket drain, two pipes) solved at the normal level 126.5 m and a
//! design-flood level 126.95 m, and the stability crate's load cases on the same section with the
//! seepage pore-pressure field (normal, flood, special with k_h = 0.1), Bishop and Spencer on a
//! 10 × 8 centre grid. The seepage results are flattened by the pipeline's own converter
//! (`pipeline::seepage::seepage_run`); the minimum factors of safety are the
//! GB 50863 table values for a grade-III pond, written in by hand as the pipeline would look them
//! up. One extra row without a FoS exercises the None ↔ NaN mapping.

use super::results_viz::{flood_run, png_stats, unbalanced};
use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use tailtwin::core::section::Strength;
use tailtwin::core::{
    Check, CheckStatus, Confidence, DamSection, FloodRun, FosGrid, GeotechRun, LevelKind,
    LoadCaseKind, PorePressure, RankedSurface, SeepageProfile, SliceRow, SliceTable,
    StabilityResultRow, StabilityRun, Standard,
};
use tailtwin::pipeline::seepage::seepage_run;
use tailtwin::results::{
    list_datasets, read_geotech, read_results_h5, write_geotech, write_results_h5,
};
use tailtwin::seepage::{MeshSettings, SeepageResult, SeepageSettings, cases, solve_levels};
use tailtwin::stability::{
    AnalysisSettings, CentreGrid, CircleTrials, LoadCase, Method, MethodOutcome, Radii,
    SearchSettings, Seismic, SolverSettings, SurfaceSpec, analyse_load_cases,
};
use tailtwin::viz::{
    GeotechPlot, GeotechPlotOptions, geotech_plots, render_geotech, render_geotech_png, write_all,
};

const NORMAL: f64 = 126.5;
const FLOOD: f64 = 126.95;

/// GB 50863-2013 Table 4.4 minimum FoS for a grade-III pond (simplified Bishop; the Swedish
/// circle values are lower): normal 1.30, flood 1.20, special 1.10.
fn required(kind: LoadCaseKind) -> f64 {
    match kind {
        LoadCaseKind::Normal => 1.30,
        LoadCaseKind::Flood => 1.20,
        LoadCaseKind::Special => 1.10,
    }
}

/// Bishop's base normal force N = [W_v − (c′ − u tan φ′) l sin α / F] / m_α of each slice.
fn slice_table(kind: LoadCaseKind, o: &MethodOutcome) -> Option<SliceTable> {
    let fos = o.fos()?;
    let slices = o
        .slices
        .as_ref()?
        .iter()
        .map(|s| {
            let m_alpha = s.cos_alpha + s.sin_alpha * s.tan_phi / fos;
            let shear_part =
                (s.cohesion - s.pore_pressure * s.tan_phi) * s.base_length * s.sin_alpha / fos;
            SliceRow {
                x_mid_m: s.x_mid,
                width_m: s.width,
                alpha_deg: s.alpha().to_degrees(),
                weight_n_m: s.weight,
                pore_pressure_pa: s.pore_pressure,
                cohesion_pa: s.cohesion,
                friction_angle_deg: s.tan_phi.atan().to_degrees(),
                normal_n_m: (s.vertical_load - shear_part) / m_alpha,
            }
        })
        .collect();
    Some(SliceTable { load_case: kind, method: o.method.name().into(), slices })
}

fn stability_run(s: &DamSection, normal: &SeepageResult, flood: &SeepageResult) -> StabilityRun {
    let field = |r: &SeepageResult| PorePressure::Field(r.pore_pressure.clone());
    let cases = [
        LoadCase::normal(field(normal), Some(NORMAL)),
        LoadCase::flood(field(flood), Some(FLOOD)),
        LoadCase::special(field(normal), Some(NORMAL), Seismic::with_vertical_third(0.1, true)),
    ];
    let trials = CircleTrials::Grid {
        centres: CentreGrid {
            x_min: 110.0,
            x_max: 190.0,
            nx: 10,
            y_min: 130.0,
            y_max: 190.0,
            ny: 8,
        },
        radii: Radii::Tangents { y_min: 96.0, y_max: 110.0, count: 6 },
    };
    let mut search = SearchSettings::new(Method::Bishop, trials);
    search.min_depth_m = 2.0;
    let settings = AnalysisSettings {
        methods: vec![Method::Bishop, Method::Spencer],
        surfaces: SurfaceSpec::Search(search),
        keep_slices: true,
        solver: SolverSettings::default(),
    };
    let results = analyse_load_cases(s, &cases, &settings).expect("load cases");
    let mut run = StabilityRun {
        section: s.name.clone(),
        rows: Vec::new(),
        near_critical: Vec::new(),
        fos_grids: Vec::new(),
        slice_tables: Vec::new(),
        phreatic_lines: Vec::new(),
    };
    for (case, lr) in cases.iter().zip(&results) {
        let kh = case.seismic.kh;
        for o in &lr.result.outcomes {
            let fos = o.fos();
            let req = required(lr.kind);
            run.rows.push(StabilityResultRow {
                section: s.name.clone(),
                load_case: lr.kind,
                method: o.method.name().into(),
                pond_level_m: lr.pond_level_m,
                kh,
                fos,
                required_fos: Some(req),
                required_source: Some("GB 50863-2013 §4.4 表 4.4.1".into()),
                meets_minimum: fos.map(|f| f >= req),
                legacy_standing: fos.map(|f| if f >= req { "normal" } else { "danger" }.into()),
                error: o.result.as_ref().err().map(ToString::to_string),
                surface: o.result.as_ref().ok().map(|r| r.surface.clone()),
                trials: o.trials,
            });
            if let Some(sr) = &o.search {
                run.near_critical.extend(sr.near_critical.iter().map(|(surface, f)| {
                    RankedSurface {
                        load_case: lr.kind,
                        method: o.method.name().into(),
                        fos: *f,
                        surface: surface.clone(),
                    }
                }));
                if let Some(m) = &sr.fos_map {
                    run.fos_grids.push(FosGrid {
                        load_case: lr.kind,
                        method: o.method.name().into(),
                        xs_m: m.xs.clone(),
                        ys_m: m.ys.clone(),
                        fos: m.fos.clone(),
                    });
                }
            }
            if o.method == Method::Bishop {
                run.slice_tables.extend(slice_table(lr.kind, o));
            }
        }
        let line = match &case.pore_water {
            tailtwin::stability::PoreWater::Pressure(PorePressure::Field(f)) => {
                f.phreatic().line.points().iter().map(|p| [p.x, p.z]).collect()
            }
            _ => Vec::new(),
        };
        run.phreatic_lines.push((lr.kind, line));
    }
    // A method without a factor of safety, as the stage reports one (None ↔ NaN in the file).
    run.rows.push(StabilityResultRow {
        section: s.name.clone(),
        load_case: LoadCaseKind::Flood,
        method: "janbu_corrected".into(),
        pond_level_m: Some(FLOOD),
        kh: 0.0,
        fos: None,
        required_fos: None,
        required_source: None,
        meets_minimum: None,
        legacy_standing: None,
        error: Some("m_alpha <= 0.2 on slice 29 (steep toe exit)".into()),
        surface: None,
        trials: 0,
    });
    run
}

fn burial_check(p: &SeepageProfile, limit: f64) -> Check {
    let key = match p.level {
        LevelKind::Normal => "normal",
        _ => "design_flood",
    };
    let value = p.min_burial_depth_m;
    Check {
        id: format!("phreatic_burial_depth/{}/{key}", p.section),
        name_zh: format!("浸润线最小埋深（断面 {}，{}）", p.section, p.level.label_zh()),
        name_en: format!(
            "minimum phreatic burial depth (section {}, {})",
            p.section,
            p.level.label_en()
        ),
        value,
        limit: Some(limit),
        unit: "m".into(),
        comparison: "≥".into(),
        status: if value.is_some_and(|v| v >= limit) {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        standard: Standard::Site,
        clause: "[[section]] min_burial_depth_m".into(),
        confidence: Confidence::Site,
        note: String::new(),
    }
}

/// The geotech fixture, computed once (seepage at two levels, three load cases).
pub(crate) fn geotech() -> &'static GeotechRun {
    static RUN: OnceLock<GeotechRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let s = cases::tailings_section();
        assert!(matches!(s.materials[0].strength, Strength::MohrCoulomb { .. }));
        let settings = SeepageSettings {
            mesh: MeshSettings::with_target_size(3.0),
            ..SeepageSettings::default()
        };
        let r = solve_levels(&s, &[NORMAL, FLOOD], &settings).expect("seepage solves");
        let seepage =
            vec![seepage_run(&r[0], LevelKind::Normal), seepage_run(&r[1], LevelKind::DesignFlood)];
        let stability = vec![stability_run(&s, &r[0], &r[1])];
        let mut checks: Vec<Check> =
            seepage.iter().map(|x| burial_check(&x.profile, 2.0)).collect();
        for row in &stability[0].rows {
            if let (Some(f), Some(req)) = (row.fos, row.required_fos) {
                checks.push(Check {
                    id: format!(
                        "slope_fos/{}/{}/{}",
                        row.section,
                        serde_json::to_value(row.load_case).unwrap().as_str().unwrap(),
                        row.method
                    ),
                    name_zh: format!("坝坡抗滑稳定安全系数（{}）", row.load_case.label_zh()),
                    name_en: format!("slope factor of safety ({})", row.load_case.label_en()),
                    value: Some(f),
                    limit: Some(req),
                    unit: "1".into(),
                    comparison: "≥".into(),
                    status: if f >= req { CheckStatus::Pass } else { CheckStatus::Fail },
                    standard: Standard::Gb50863_2013,
                    clause: "§4.4".into(),
                    confidence: Confidence::Recalled,
                    note: String::new(),
                });
            }
        }
        let control = vec![[60.0, 123.0], [120.0, 114.0], [160.0, 106.0], [184.0, 98.0]];
        GeotechRun {
            sections: vec![s.clone()],
            seepage,
            stability,
            checks,
            control_lines: vec![(s.name.clone(), control)],
        }
    })
}

/// The flood fixture with the geotech products attached, as `tailtwin run` makes it.
fn flood_with_geotech() -> FloodRun {
    let mut run = flood_run(true);
    let g = geotech().clone();
    run.report.seepage = g.profiles();
    run.report.stability = g.stability_rows();
    run.report.checks.extend(g.checks.iter().cloned());
    run.geotech = Some(g);
    run
}

fn keep(name: &str, run: &FloodRun) {
    if let Some(k) = std::env::var_os("TAILTWIN_KEEP_OUTPUT") {
        write_all(&Path::new(&k).join(name), run).unwrap();
    }
}

// Goal: results.h5 stores every geotech product of a flood run and the reader rebuilds the
// GeotechRun (and the Report's seepage/stability entries) bit for bit, None ↔ NaN exactly.
// Setup: the flood fixture with the computed geotech fixture attached. Reference: the run
// written. Tolerance: none (IEEE f64 stored as is; section JSON parsed with float_roundtrip).
#[test]
fn geotech_round_trip_through_results_h5_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.h5");
    let run = flood_with_geotech();
    let g = run.geotech.as_ref().unwrap();
    // The fixture exercises every optional: a row without FoS, burial stations, grids, slices.
    assert!(g.stability[0].rows.iter().any(|r| r.fos.is_none() && r.error.is_some()));
    assert!(!g.stability[0].fos_grids.is_empty() && !g.stability[0].slice_tables.is_empty());
    assert!(g.stability[0].fos_grids[0].fos.iter().any(Option::is_none));
    assert!(g.seepage.iter().all(|s| s.fields.nodes.len() > 500 && !s.profile.burial.is_empty()));
    write_results_h5(&path, &run).unwrap();
    let back = read_results_h5(&path).unwrap();
    assert_eq!(back.geotech.as_ref(), Some(g));
    assert_eq!(back, run);
    assert_eq!(read_geotech(&path).unwrap().as_ref(), Some(g));
    // A flood run without geotech products has none in its file.
    let plain = dir.path().join("plain.h5");
    write_results_h5(&plain, &flood_run(false)).unwrap();
    assert_eq!(read_geotech(&plain).unwrap(), None);
}

// Goal: the seepage/stability commands' writer gives results.h5 (scenario + geotech groups)
// and summary.json = the summary given, and read_geotech rebuilds the run exactly.
#[test]
fn write_geotech_gives_results_and_summary_that_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let g = geotech();
    let summary = serde_json::json!({
        "scenario": "tailings section A-A",
        "seepage": g.profiles(),
        "stability": { "results": g.stability_rows() },
    });
    let files = write_geotech(dir.path(), "name = \"x\"\n", 3, g, &summary).unwrap();
    assert_eq!(files, vec![dir.path().join("results.h5"), dir.path().join("summary.json")]);
    assert_eq!(read_geotech(&files[0]).unwrap().as_ref(), Some(g));
    let text = fs::read_to_string(&files[1]).unwrap();
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, summary);
    let all = list_datasets(&files[0]).unwrap();
    let toml = all.iter().find(|d| d.path == "/scenario/toml").unwrap();
    assert_eq!(toml.units.as_deref(), Some("-"));
    // Only the two products, no temporaries.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
}

// Goal: every geotech dataset is self-describing (units + description) with the documented
// units and shapes. Setup: walk the file of the flood + geotech fixture. Reference: the layout
// in tailtwin-results' docs. Tolerance: exact.
#[test]
fn every_geotech_dataset_has_units_and_description() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.h5");
    let run = flood_with_geotech();
    write_results_h5(&path, &run).unwrap();
    let all = list_datasets(&path).unwrap();
    let geo: Vec<_> = all
        .iter()
        .filter(|d| {
            ["/geotech", "/sections", "/seepage", "/stability"]
                .iter()
                .any(|p| d.path.starts_with(p))
        })
        .collect();
    assert!(geo.len() > 120, "only {} geotech datasets", geo.len());
    for d in &geo {
        assert!(d.units.as_deref().is_some_and(|u| !u.is_empty()), "{} has no units", d.path);
        assert!(
            d.description.as_deref().is_some_and(|u| !u.is_empty()),
            "{} has no description",
            d.path
        );
    }
    let g = run.geotech.as_ref().unwrap();
    let (n, m) = (g.seepage[0].fields.nodes.len(), g.seepage[0].fields.triangles.len());
    let rows = g.stability[0].rows.len();
    let get = |p: &str| all.iter().find(|d| d.path == p).unwrap_or_else(|| panic!("{p} missing"));
    let expect: [(&str, &str, Vec<usize>); 18] = [
        ("/sections/section_00/surface", "m", vec![5, 2]),
        ("/sections/section_00/zones/points", "m", vec![14, 2]),
        ("/sections/section_00/pipes", "m", vec![2, 2]),
        ("/sections/section_00/materials/k_major", "m/s", vec![3]),
        ("/sections/section_00/materials/friction_angle", "degree", vec![3]),
        ("/seepage/run_00/nodes", "m", vec![n, 2]),
        ("/seepage/run_00/triangles", "1", vec![m, 3]),
        ("/seepage/run_00/element_zone", "1", vec![m]),
        ("/seepage/run_00/heads", "m", vec![n]),
        ("/seepage/run_00/pore_pressure", "Pa", vec![n]),
        ("/seepage/run_01/discharge", "m2/s", vec![]),
        ("/seepage/run_00/burial/phreatic", "m", vec![4]),
        ("/seepage/run_00/outlets/flows", "m2/s", vec![g.seepage[0].profile.outlets.len()]),
        ("/stability/run_00/rows/fos", "1", vec![rows]),
        ("/stability/run_00/rows/circle", "m", vec![rows, 3]),
        ("/stability/run_00/rows/meets_minimum", "-", vec![rows]),
        ("/stability/run_00/fos_grids/grid_00/fos", "1", vec![80]),
        (
            "/stability/run_00/slice_tables/table_00/normal",
            "N/m",
            vec![g.stability[0].slice_tables[0].slices.len()],
        ),
    ];
    for (p, units, shape) in expect {
        assert_eq!(get(p).units.as_deref(), Some(units), "{p}");
        assert_eq!(get(p).shape, shape, "{p}");
    }
    assert!(get("/stability/run_00/rows/fos").attributes.contains(&"missing_value".to_string()));
}

// Goal: the geotech plots exist for each section and load case, decode at their size, are not
// blank, and the SVGs carry the bilingual labels (legend, axis with the vertical exaggeration,
// method labels with their FoS). Setup: render_geotech on the fixture; the mesh variant too.
#[test]
fn geotech_plots_are_drawn_with_bilingual_labels() {
    let dir = tempfile::tempdir().unwrap();
    let g = geotech();
    let plots = geotech_plots(g);
    assert_eq!(
        plots,
        vec![
            GeotechPlot::Seepage { section: 0 },
            GeotechPlot::Stability { section: 0, load_case: LoadCaseKind::Normal },
            GeotechPlot::Stability { section: 0, load_case: LoadCaseKind::Flood },
            GeotechPlot::Stability { section: 0, load_case: LoadCaseKind::Special },
        ]
    );
    let files = render_geotech(dir.path(), g).unwrap();
    assert_eq!(files.len(), 2 * plots.len());
    for p in &plots {
        let png = dir.path().join(format!("plots/{}.png", p.file_stem()));
        let (w, h, colours) = png_stats(&png);
        assert_eq!((w, h), p.size(), "{p:?}");
        assert!(colours > 50, "{p:?}: only {colours} colours");
    }
    let svg =
        |stem: &str| fs::read_to_string(dir.path().join(format!("plots/{stem}.svg"))).unwrap();
    let seep = svg("seepage_00");
    let normal = &g.seepage[0].profile;
    for label in [
        "渗流计算剖面 / Seepage section",
        &format!("浸润线 正常水位 {:.2} m / Phreatic line, normal level", normal.pond_level_m),
        "浸润线 设计洪水位 126.95 m / Phreatic line, design-flood level",
        "材料 / Material: tailings sand",
        "排渗体 / Drain: blanket",
        "排渗管 / Drainage pipe",
        "浸润线控制线 / Phreatic control line",
        "vertical exaggeration",
        "逸出点 正常水位 / exit",
    ] {
        assert!(seep.contains(label), "seepage SVG lacks {label:?}");
    }
    for b in &normal.burial {
        assert!(seep.contains(&format!("{:.2} m", b.depth_m)), "burial {} not annotated", b.x_m);
    }
    let stab = svg("stability_00_normal");
    let bishop = g.stability[0]
        .rows
        .iter()
        .find(|r| r.load_case == LoadCaseKind::Normal && r.method == "bishop")
        .unwrap();
    for label in [
        "坝坡稳定 正常运行 / Slope stability, normal operation",
        "要求安全系数 / Required factor of safety: K ≥ 1.300",
        &format!("Bishop {:.3}", bishop.fos.unwrap()),
        "安全系数 / FoS",
        "浸润线 / Phreatic line",
    ] {
        assert!(stab.contains(label), "stability SVG lacks {label:?}");
    }
    assert!(svg("stability_00_flood").contains("Janbu corrected: 无解 / no FoS"));
    // The mesh option draws the triangles (many more path elements).
    let mesh = dir.path().join("mesh.png");
    let opts = GeotechPlotOptions { draw_mesh: true };
    render_geotech_png(GeotechPlot::Seepage { section: 0 }, g, &opts, &mesh).unwrap();
    if let Some(k) = std::env::var_os("TAILTWIN_KEEP_OUTPUT") {
        fs::create_dir_all(Path::new(&k).join("geotech")).unwrap();
        fs::copy(&mesh, Path::new(&k).join("geotech/seepage_00_mesh.png")).unwrap();
    }
    assert!(
        fs::metadata(&mesh).unwrap().len()
            > fs::metadata(dir.path().join("plots/seepage_00.png")).unwrap().len()
    );
}

// Goal: a flood run with geotech products gives report.html with the seepage and stability
// sections (tables, check rows, inline plots), still one well-formed self-contained page, and
// write_all also writes the geotech plots. Setup: write_all on the flood + geotech fixture.
#[test]
fn report_has_seepage_and_stability_sections() {
    let dir = tempfile::tempdir().unwrap();
    let run = flood_with_geotech();
    let files = write_all(dir.path(), &run).unwrap();
    keep("geotech", &run);
    assert!(files.iter().any(|f| f.ends_with("plots/seepage_00.svg")));
    assert!(files.iter().any(|f| f.ends_with("plots/stability_00_special.png")));
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(unbalanced(&html), None);
    assert!(
        html.contains("<h2>渗流 / Seepage</h2>")
            && html.contains("<h2>稳定 / Slope stability</h2>")
    );
    let g = run.geotech.as_ref().unwrap();
    for s in &g.seepage {
        assert!(html.contains(&format!("{:.2}", s.profile.pond_level_m)));
    }
    for r in g.stability[0].rows.iter().filter_map(|r| r.fos) {
        assert!(html.contains(&format!("{r:.3}")), "FoS {r} missing");
    }
    assert!(html.contains("phreatic_burial_depth/tailings section A-A/normal"));
    assert!(html.contains("无解 / no FoS"));
    assert_eq!(
        html.matches("<svg").count(),
        tailtwin::viz::PlotKind::ALL.len() + geotech_plots(g).len()
    );
    for external in ["src=\"http", "href=\"http", "<script", "<link"] {
        assert!(!html.contains(external), "report refers to {external}");
    }
}

// Goal: the geotech groups keep the writer's guarantees: no silent NaN (a NaN where a value is
// required is an error naming the dataset, and the old file stays), and the same run gives
// byte-identical files. Setup: the flood + geotech fixture, then a NaN discharge.
#[test]
fn geotech_groups_reject_nan_and_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.h5"), dir.path().join("b.h5"));
    let run = flood_with_geotech();
    write_results_h5(&a, &run).unwrap();
    write_results_h5(&b, &run).unwrap();
    assert!(fs::read(&a).unwrap() == fs::read(&b).unwrap(), "files differ");
    let mut bad = run.clone();
    bad.geotech.as_mut().unwrap().seepage[1].profile.discharge_m2s = f64::NAN;
    let e = write_results_h5(&a, &bad).unwrap_err().to_string();
    assert!(e.contains("/seepage/run_01/discharge") && e.contains("NaN"), "{e}");
    assert_eq!(read_results_h5(&a).unwrap(), run);
    let mut bad = run.clone();
    bad.report.stability[0].kh = f64::INFINITY;
    let e = tailtwin::results::write_summary_json(&dir.path().join("s.json"), &bad.report)
        .unwrap_err()
        .to_string();
    assert!(e.contains("stability[0].kh"), "{e}");
}

// Goal: viz redraws the geotech plots and report sections from results.h5 alone, identical to
// those drawn from the run in memory. Setup: write_all, then redraw_from_results.
#[test]
fn redraw_from_results_gives_identical_geotech_plots() {
    let dir = tempfile::tempdir().unwrap();
    let run = flood_with_geotech();
    write_all(dir.path(), &run).unwrap();
    let again = dir.path().join("again");
    let files = tailtwin::viz::redraw_from_results(&dir.path().join("results.h5"), &again).unwrap();
    let g = run.geotech.as_ref().unwrap();
    let n = tailtwin::viz::PlotKind::ALL.len() + geotech_plots(g).len();
    assert_eq!(files.len(), 2 * n + 1);
    for p in geotech_plots(g) {
        let name = format!("plots/{}.svg", p.file_stem());
        let (x, y) = (dir.path().join(&name), again.join(&name));
        assert!(fs::read(x).unwrap() == fs::read(y).unwrap(), "{name} differs");
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("report.html")).unwrap(),
        fs::read_to_string(again.join("report.html")).unwrap()
    );
}

// Goal: a file whose mesh names a node that does not exist is rejected on reading with the
// object named (viz would otherwise index past the nodes). Setup: the fixture with one triangle
// pointing one past the last node, written and read back.
#[test]
fn reading_a_mesh_with_a_missing_node_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut g = geotech().clone();
    let n = g.seepage[0].fields.nodes.len() as u32;
    g.seepage[0].fields.triangles[7][1] = n;
    let files = write_geotech(dir.path(), "", 1, &g, &serde_json::json!({})).unwrap();
    let e = read_geotech(&files[0]).unwrap_err().to_string();
    assert!(e.contains("/seepage/run_00/triangles") && e.contains("triangle 7"), "{e}");
}
