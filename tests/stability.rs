//! Integration tests: slope stability through the facade, against the reference tables shipped
//! in scenarios/verification/t2_acads_ex1a and t3_fredlund_krahn, and on a core dam section.

use tailtwin::core::{
    Conductivity, DamSection, EdgeKind, Hydraulic, MaterialId, Polygon, Polyline, PondSide,
    Strength as CoreStrength, Unsaturated, Zone as CoreZone,
};
use tailtwin::stability::*;

const FT: f64 = 0.3048;
const PSF: f64 = 47.880_258_98;
const PCF: f64 = 157.087_463_8;

fn references(case: &str) -> Vec<(String, f64)> {
    let path =
        format!("{}/scenarios/verification/{case}/reference.csv", env!("CARGO_MANIFEST_DIR"));
    let mut rd = csv::Reader::from_path(&path).unwrap();
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].parse().unwrap())
        })
        .collect()
}

fn method_named(name: &str) -> Method {
    *Method::ALL.iter().find(|m| m.name() == name).unwrap_or_else(|| panic!("method {name}"))
}

fn ground(points: &[(f64, f64)], scale: f64) -> Vec<Point2> {
    points.iter().map(|&(x, z)| Point2::new(x * scale, z * scale)).collect()
}

// Goal: T3 through `analyse` on a specified surface. Setup: Fredlund & Krahn (1977) slope in SI,
// circle (120, 90) ft, R = 80 ft, 50 slices. Reference: reference.csv (F&K table). Tolerance
// 0.5 % (issue 4); the slice table is returned and its weights sum to the sliding mass.
#[test]
fn fredlund_krahn_specified_circle_through_analyse() {
    let g = ground(&[(0.0, 60.0), (60.0, 60.0), (140.0, 20.0), (180.0, 20.0)], FT);
    let m = Material::mohr_coulomb("soil", 120.0 * PCF, 600.0 * PSF, 20f64.to_radians());
    let p = SlopeProblem::dry(SlopeModel::single_layer(&g, 0.0, m).unwrap());
    let refs = references("t3_fredlund_krahn");
    let settings = AnalysisSettings {
        methods: refs.iter().map(|(n, _)| method_named(n)).collect(),
        surfaces: SurfaceSpec::Specified {
            surface: SlipSurface::Circle { xc_m: 120.0 * FT, yc_m: 90.0 * FT, radius_m: 80.0 * FT },
            slices: 50,
        },
        keep_slices: true,
        solver: SolverSettings::default(),
    };
    let r = analyse(&p, &settings).unwrap();
    for ((name, reference), o) in refs.iter().zip(&r.outcomes) {
        let f = o.fos().unwrap();
        assert!((f / reference - 1.0).abs() < 0.005, "{name}: {f} vs {reference}");
        let slices = o.slices.as_ref().unwrap();
        assert!(slices.len() >= 50 && slices.iter().all(|s| s.weight >= 0.0));
    }
}

// Goal: T2 through `analyse` with a search. Setup: ACADS EX1(a), 20 × 20 centres × 20 tangent
// lines, refinement. Reference: reference.csv (Slide2 Bishop 0.987, Spencer/M-P 0.984).
// Tolerance 2 % (issue 4).
#[test]
fn acads_ex1a_search_through_analyse() {
    let g = ground(&[(0.0, 25.0), (30.0, 25.0), (50.0, 35.0), (90.0, 35.0)], 1.0);
    let m = Material::mohr_coulomb("soil", 20e3, 3e3, 19.6f64.to_radians());
    let p = SlopeProblem::dry(SlopeModel::single_layer(&g, 20.0, m).unwrap());
    let refs = references("t2_acads_ex1a");
    let centres = CentreGrid { x_min: 20.0, x_max: 50.0, nx: 20, y_min: 35.0, y_max: 70.0, ny: 20 };
    let radii = Radii::Tangents { y_min: 20.0, y_max: 30.0, count: 20 };
    let search = SearchSettings::new(Method::Bishop, CircleTrials::Grid { centres, radii });
    let settings = AnalysisSettings {
        methods: refs.iter().map(|(n, _)| method_named(n)).collect(),
        surfaces: SurfaceSpec::Search(search),
        keep_slices: false,
        solver: SolverSettings::default(),
    };
    let r = analyse(&p, &settings).unwrap();
    for ((name, reference), o) in refs.iter().zip(&r.outcomes) {
        let f = o.fos().unwrap();
        assert!((f / reference - 1.0).abs() < 0.02, "{name}: {f} vs {reference}");
        assert!(o.trials > 8000);
        assert!(o.search.as_ref().unwrap().fos_map.is_some());
    }
}

fn material(
    name: &str,
    gamma: f64,
    gamma_sat: f64,
    c: f64,
    phi_deg: f64,
) -> tailtwin::core::Material {
    tailtwin::core::Material {
        name: name.into(),
        unit_weight_n_m3: gamma,
        saturated_unit_weight_n_m3: gamma_sat,
        strength: CoreStrength::MohrCoulomb {
            cohesion_pa: c,
            friction_angle_rad: phi_deg.to_radians(),
        },
        hydraulic: Hydraulic {
            conductivity: Conductivity::isotropic(1e-6),
            unsaturated: Unsaturated::default(),
        },
    }
}

/// A tailings dam section: beach from the pond (x = 0) to the crest, 2.5:1 outer slope, on a
/// foundation layer.
fn dam_section() -> DamSection {
    let pl = |what: &str, v: &[(f64, f64)]| Polyline::x_monotone(what, ground(v, 1.0)).unwrap();
    let pg = |what: &str, v: &[(f64, f64)]| Polygon::new(what, ground(v, 1.0)).unwrap();
    DamSection {
        name: "test".into(),
        surface: pl(
            "surface",
            &[(0.0, 36.0), (100.0, 40.0), (110.0, 40.0), (160.0, 20.0), (220.0, 20.0)],
        ),
        base: pl("base", &[(0.0, 0.0), (220.0, 0.0)]),
        materials: vec![
            material("tailings", 18e3, 20e3, 5e3, 28.0),
            material("foundation", 19e3, 21e3, 20e3, 32.0),
        ],
        zones: vec![
            CoreZone {
                name: "dam".into(),
                polygon: pg(
                    "dam",
                    &[(0.0, 20.0), (160.0, 20.0), (110.0, 40.0), (100.0, 40.0), (0.0, 36.0)],
                ),
                material: MaterialId(0),
            },
            CoreZone {
                name: "foundation".into(),
                polygon: pg(
                    "foundation",
                    &[(0.0, 0.0), (220.0, 0.0), (220.0, 20.0), (160.0, 20.0), (0.0, 20.0)],
                ),
                material: MaterialId(1),
            },
        ],
        drains: vec![],
        pipes: vec![],
        pond_side: PondSide { surface_until_x: 40.0, upstream_edge: EdgeKind::Open },
        downstream_edge: EdgeKind::NoFlow,
        stations_x: vec![],
    }
}

// Goal: a core dam section runs through the stability stage, and the physics points the right
// way. Setup: the section above, downstream slope searched by entry–exit ranges (crest 100–140 m,
// toe 155–200 m), Bishop. Reference: F(dry) > F(phreatic line) > F(phreatic + k_h = 0.1), all
// finite; the critical surface leaves within the ranges.
#[test]
fn dam_section_water_and_earthquake_lower_the_fos() {
    let section = dam_section();
    section.validate().unwrap();
    let line = Polyline::x_monotone(
        "phreatic",
        ground(&[(0.0, 35.0), (100.0, 33.0), (165.0, 20.5), (220.0, 20.0)], 1.0),
    )
    .unwrap();
    let wet_pore =
        PorePressure::Phreatic(PhreaticSurface { line, correction: HydrostaticCorrection::None });
    let trials = CircleTrials::EntryExit {
        entry: (100.0, 140.0),
        exit: (155.0, 200.0),
        points: 8,
        radii: 8,
    };
    let mut s = SearchSettings::new(Method::Bishop, trials);
    s.limits = Some(((100.0, 140.0), (155.0, 200.0)));
    let fos = |pore: PorePressure, seismic: Seismic| {
        let p = SlopeProblem::for_section(&section, pore.into(), Some(35.0), seismic).unwrap();
        let r = search(&p, &s).unwrap();
        let c = &r.critical;
        assert!(c.crest_point.x >= 100.0 - 1e-9 && c.crest_point.x <= 140.0 + 1e-9);
        assert!(c.toe_point.x >= 155.0 - 1e-9 && c.toe_point.x <= 200.0 + 1e-9);
        c.fos
    };
    let dry = fos(PorePressure::Dry, Seismic::default());
    let wet = fos(wet_pore.clone(), Seismic::default());
    let quake = fos(wet_pore, Seismic::with_vertical_third(0.1, true));
    println!("dam section Bishop: dry {dry:.3}, phreatic {wet:.3}, phreatic + kh 0.1 {quake:.3}");
    assert!(dry > wet && wet > quake && quake > 0.0);
}

// Goal: the code load cases run on a core section and come out as flat rows the pipeline can
// compare with the minimum FoS tables. Setup: the section above; normal level 35 m with its
// phreatic line, flood level 38 m with a higher line, special = normal + k_h 0.1 (k_v = k_h/3);
// Ordinary and Bishop on entry–exit circles. Reference: F(flood) < F(normal), F(special) <
// F(normal) for both methods; every row has a FoS, a circle and its trial count; the JSON row
// carries `load_case`, `method`, `fos`, `surface.kind`.
#[test]
fn dam_section_load_cases_give_rows_per_case_and_method() {
    let section = dam_section();
    let phreatic = |pts: &[(f64, f64)]| {
        let line = Polyline::x_monotone("phreatic", ground(pts, 1.0)).unwrap();
        PorePressure::Phreatic(PhreaticSurface { line, correction: HydrostaticCorrection::None })
    };
    let normal = phreatic(&[(0.0, 35.0), (100.0, 33.0), (165.0, 20.5), (220.0, 20.0)]);
    let flood = phreatic(&[(0.0, 38.0), (100.0, 36.0), (162.0, 22.0), (220.0, 20.0)]);
    let cases = [
        LoadCase::normal(normal.clone(), Some(35.0)),
        LoadCase::flood(flood, Some(38.0)),
        LoadCase::special(normal, Some(35.0), Seismic::with_vertical_third(0.1, true)),
    ];
    let trials = CircleTrials::EntryExit {
        entry: (100.0, 140.0),
        exit: (155.0, 200.0),
        points: 8,
        radii: 8,
    };
    let mut search = SearchSettings::new(Method::Bishop, trials);
    search.limits = Some(((100.0, 140.0), (155.0, 200.0)));
    let settings = AnalysisSettings {
        methods: vec![Method::Ordinary, Method::Bishop],
        surfaces: SurfaceSpec::Search(search),
        keep_slices: false,
        solver: SolverSettings::default(),
    };
    let results = analyse_load_cases(&section, &cases, &settings).unwrap();
    let rows: Vec<StabilityRow> = results.iter().flat_map(|r| r.rows()).collect();
    assert_eq!(rows.len(), 6);
    let f = |kind, method: &str| {
        rows.iter().find(|r| r.load_case == kind && r.method == method).unwrap().fos.unwrap()
    };
    for m in ["ordinary", "bishop"] {
        let n = f(LoadCaseKind::Normal, m);
        assert!(f(LoadCaseKind::Flood, m) < n && f(LoadCaseKind::Special, m) < n, "{m}");
    }
    assert!(rows.iter().all(|r| r.trials > 100 && r.error.is_none()));
    let json = serde_json::to_value(&rows[1]).unwrap();
    assert_eq!(json["load_case"], "normal");
    assert_eq!(json["method"], "bishop");
    assert_eq!(json["surface"]["kind"], "circle");
    assert!(json["surface"]["radius_m"].as_f64().unwrap() > 0.0);
}

// Goal: the pipeline's stability stage runs the `[stability]` settings over the code load cases
// of a section and attaches the code minimum per row, with check rows. Setup: the section above
// written as `[[material]]`/`[[section]]` in the demo scenario; `[stability]` parsed from TOML (Ordinary, Bishop and Spencer, entry–exit
// circles, k_h = 0.1 with k_v = k_h/3), pore water a given phreatic line, normal level 35 m and
// flood level 36 m; class II under GB 39496-2020. Reference: every tabulated row has the risk
// tables' minimum for its method and case, `meets_minimum` agrees with fos ≥ required and the
// check row's status with it; Spencer (untabulated) has no minimum and an Info row; the special
// case stands lower than the normal one; near-critical surfaces, slice tables and phreatic lines
// come with the run.
#[test]
fn pipeline_compares_load_cases_with_the_code_minimum() {
    use tailtwin::core::{CheckStatus, LevelKind};
    use tailtwin::pipeline::stability::{CaseLevels, load_cases, run_stability_stage};
    use tailtwin::risk::{Edition, Grade, LimitOverrides, LimitSet, LoadCase as CodeCase};
    use tailtwin::scenario::stability::PoreWaterSpec;
    let toml_text = r#"
[[material]]
name = "tailings"
unit_weight_kn_m3 = 18.0
saturated_unit_weight_kn_m3 = 20.0
strength = { cohesion_kpa = 5.0, friction_angle_deg = 28.0 }
k_m_s = 1e-6

[[material]]
name = "foundation"
unit_weight_kn_m3 = 19.0
saturated_unit_weight_kn_m3 = 21.0
strength = { cohesion_kpa = 20.0, friction_angle_deg = 32.0 }
k_m_s = 1e-6

[[section]]
name = "test"
surface = [[0.0, 36.0], [100.0, 40.0], [110.0, 40.0], [160.0, 20.0], [220.0, 20.0]]
base = [[0.0, 0.0], [220.0, 0.0]]
zones = [
  { name = "dam", material = "tailings", polygon = [[0.0, 20.0], [160.0, 20.0], [110.0, 40.0], [100.0, 40.0], [0.0, 36.0]] },
  { name = "foundation", material = "foundation", polygon = [[0.0, 0.0], [220.0, 0.0], [220.0, 20.0], [160.0, 20.0], [0.0, 20.0]] },
]
pond_side = { surface_until_x_m = 40.0, upstream_edge = "open" }

[stability]
methods = ["ordinary", "bishop", "spencer"]
search = { kind = "entry_exit", entry_from_m = 100.0, entry_to_m = 140.0, exit_from_m = 155.0, exit_to_m = 200.0, points = 8, radii = 8 }
seismic = { kh = 0.1, vertical = "third_up" }
pore_water = { phreatic_line = [[0.0, 35.0], [100.0, 33.0], [165.0, 20.5], [220.0, 20.0]], correction = "none" }
"#;
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo");
    let text = super::geotech_pipeline::demo_without_geotech();
    let scenario = format!("{text}\n{toml_text}");
    let s = tailtwin::scenario::parse(&scenario, &demo, "demo+stability").unwrap();
    assert_eq!(s.sections[0].section, dam_section());
    let spec = s.stability.as_ref().expect("[stability] parsed");
    assert!(matches!(spec.pore_water, PoreWaterSpec::PhreaticLine { .. }));
    let levels = CaseLevels { normal_m: Some(35.0), flood_m: Some(36.0) };
    let cases = load_cases(spec, levels, &[]).unwrap();
    let kinds: Vec<LoadCaseKind> = cases.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [LoadCaseKind::Normal, LoadCaseKind::Flood, LoadCaseKind::Special]);
    assert_eq!(cases[2].seismic, Seismic::with_vertical_third(0.1, true));
    // Seepage pore water without seepage solutions is a clear error naming the key.
    let mut seepage_spec = spec.clone();
    seepage_spec.pore_water = PoreWaterSpec::Seepage;
    let e = load_cases(&seepage_spec, levels, &[]).unwrap_err().to_string();
    assert!(
        e.starts_with("stability.pore_water:") && e.contains(LevelKind::Normal.label_en()),
        "{e}"
    );

    let limits = LimitSet::new(Edition::Gb39496_2020, LimitOverrides::default()).unwrap();
    let stage = run_stability_stage(&s, 0, &cases, &limits, Some(Grade::II), true).unwrap();
    let rows = &stage.run.rows;
    assert_eq!(rows.len(), 9);
    for r in rows {
        let fos = r.fos.unwrap();
        let check = stage
            .checks
            .iter()
            .find(|c| c.id == format!("slope_fos_{}_{}", json_name(&r.load_case), r.method))
            .unwrap();
        assert_eq!(check.value, Some(fos));
        if r.method == "spencer" {
            assert!(r.required_fos.is_none() && r.meets_minimum.is_none());
            assert_eq!(check.status, CheckStatus::Info);
            continue;
        }
        let method = if r.method == "bishop" {
            tailtwin::risk::StabilityMethod::SimplifiedBishop
        } else {
            tailtwin::risk::StabilityMethod::SwedishCircle
        };
        let case = match r.load_case {
            LoadCaseKind::Normal => CodeCase::Normal,
            LoadCaseKind::Flood => CodeCase::Flood,
            LoadCaseKind::Special => CodeCase::Special,
        };
        let req = limits.min_factor_of_safety(Grade::II, method, case).unwrap();
        assert_eq!(r.required_fos, Some(req.value));
        assert_eq!(r.required_source.as_deref(), Some(req.source.citation().as_str()));
        assert_eq!(r.meets_minimum, Some(fos >= req.value));
        assert!(r.legacy_standing.is_some());
        let pass = if fos >= req.value { CheckStatus::Pass } else { CheckStatus::Fail };
        assert_eq!((check.status, check.limit), (pass, Some(req.value)));
    }
    let fos = |kind, m: &str| {
        rows.iter().find(|r| r.load_case == kind && r.method == m).unwrap().fos.unwrap()
    };
    // The same phreatic line in both cases and the pond only against x < 40 m, away from the
    // downstream circles (x > 100 m): the flood level changes nothing here.
    assert_eq!(fos(LoadCaseKind::Flood, "bishop"), fos(LoadCaseKind::Normal, "bishop"));
    assert!(fos(LoadCaseKind::Special, "bishop") < fos(LoadCaseKind::Normal, "bishop"));
    // Products for results and plots: near-critical surfaces (≤ 20 per case and method, lowest
    // first), a slice table per row, the phreatic line per case.
    assert_eq!(stage.run.slice_tables.len(), 9);
    assert_eq!(stage.run.phreatic_lines.len(), 3);
    for r in rows {
        let near: Vec<f64> = stage
            .run
            .near_critical
            .iter()
            .filter(|n| n.load_case == r.load_case && n.method == r.method)
            .map(|n| n.fos)
            .collect();
        assert!(!near.is_empty() && near.len() <= 20 && near.windows(2).all(|w| w[0] <= w[1]));
    }
    let json = serde_json::to_value(rows).unwrap();
    assert_eq!(json[0]["load_case"], "normal");
    assert!(json[0]["required_fos"].as_f64().unwrap() >= 1.0);
    assert!(json[0]["legacy_standing"].is_string());
}

fn json_name(kind: &LoadCaseKind) -> String {
    serde_json::to_value(kind).unwrap().as_str().unwrap().to_string()
}
