//! Integration tests: the scenario schema of dam sections — `[[material]]`, `[[section]]`,
//! `[seepage]`, the `[stability]` additions and section-only scenarios (no `[pond]`).
//!
//! Goal: a good section builds exactly the `core::DamSection` the process crates' own cases
//! build; every bad input names the key path the user must edit.

use std::path::Path;
use tailtwin::core::LoadCaseKind;
use tailtwin::core::section::Conductivity;
use tailtwin::scenario::stability::{PoreWaterSpec, SurfacesSpec};
use tailtwin::scenario::{self, Problem, Scenario};

/// S1-like rectangular dam (20 m × 10 m, k = 10⁻⁵ m/s) as a section-only scenario.
const RECTANGLE: &str = r#"
[scenario]
name = "rectangle"

[[material]]
name = "homogeneous"
unit_weight_kn_m3 = 18.5
saturated_unit_weight_kn_m3 = 20.0
strength = { cohesion_kpa = 0.0, friction_angle_deg = 32.0 }
k_m_s = 1e-5
unsaturated = { model = "residual", kr_min = 1e-8, transition_m = 1e-3 }

[[section]]
name = "rectangular dam"
surface = [[0.0, 10.0], [20.0, 10.0]]
base = [[0.0, 0.0], [20.0, 0.0]]
zones = [{ name = "body", material = "homogeneous", polygon = [[0.0, 0.0], [20.0, 0.0], [20.0, 10.0], [0.0, 10.0]] }]
pond_side = { surface_until_x_m = 0.0, upstream_edge = "open" }
downstream_edge = "open"

[seepage]
target_size_m = 0.5
pond_levels_m = [8.0]
"#;

fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    scenario::parse(text, Path::new("."), "test.toml").map_err(|e| e.problems())
}

fn paths(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.into_iter().map(|p| p.path).collect(),
    }
}

/// Asserts that `text` is rejected with a problem at exactly `path`.
fn rejects_at(what: &str, text: &str, path: &str) {
    let found = paths(text);
    assert!(found.iter().any(|p| p == path), "{what}: expected `{path}`, got {found:?}");
}

fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "anchor `{from}` missing");
    text.replacen(from, to, 1)
}

// Goal: an inline rectangular section round-trips to the exact DamSection of the seepage
// crate's verification case. Setup: RECTANGLE. Reference: tailtwin::seepage::cases::
// rectangular_dam(20, 10, k = 1e-5) with the sharp-interface residual model. Tolerance: exact
// equality (same SI arithmetic: kN → N by × 1000, degrees → radians by to_radians).
#[test]
fn inline_rectangle_builds_the_seepage_crates_rectangular_dam() {
    let s = parse(RECTANGLE).expect("valid");
    assert!(s.pond.is_none());
    assert_eq!(s.sections.len(), 1);
    let expected =
        tailtwin::seepage::cases::rectangular_dam(20.0, 10.0, Conductivity::isotropic(1e-5));
    assert_eq!(s.sections[0].section, expected);
    assert_eq!(s.sections[0].control_line, None);
    let seepage = s.seepage.expect("[seepage]");
    assert_eq!(seepage.pond_levels_m, vec![8.0]);
    assert!(!seepage.at_pond_levels, "no [pond]: nothing to solve at the pond's levels");
    assert_eq!(seepage.settings.mesh.target_size_m, 0.5);
    assert_eq!(seepage.settings, {
        let mut d = tailtwin::seepage::SeepageSettings::default();
        d.mesh.target_size_m = 0.5;
        d
    });
}

// Goal: the CSV forms (surface, base, zone polygon, control line) give the same section as the
// inline form. Setup: the rectangle's point lists written as x_m,z_m files in a temp folder.
// Reference: the inline scenario. Tolerance: exact.
#[test]
fn csv_point_lists_equal_the_inline_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, pts: &[(f64, f64)]| {
        let mut t = String::from("# comment line\nx_m,z_m\n");
        for (x, z) in pts {
            t.push_str(&format!("{x},{z}\n"));
        }
        std::fs::write(dir.path().join(name), t).expect("write csv");
    };
    write("surface.csv", &[(0.0, 10.0), (20.0, 10.0)]);
    write("base.csv", &[(0.0, 0.0), (20.0, 0.0)]);
    write("body.csv", &[(0.0, 0.0), (20.0, 0.0), (20.0, 10.0), (0.0, 10.0)]);
    write("control.csv", &[(0.0, 9.0), (20.0, 5.0)]);
    let text = RECTANGLE
        .replace("surface = [[0.0, 10.0], [20.0, 10.0]]", "surface = \"surface.csv\"")
        .replace("base = [[0.0, 0.0], [20.0, 0.0]]", "base = \"base.csv\"")
        .replace(
            "polygon = [[0.0, 0.0], [20.0, 0.0], [20.0, 10.0], [0.0, 10.0]]",
            "polygon = \"body.csv\"",
        )
        .replace(
            "downstream_edge = \"open\"",
            "downstream_edge = \"open\"\ncontrol_line = \"control.csv\"",
        );
    let s = scenario::parse(&text, dir.path(), "csv.toml").expect("valid");
    let inline = parse(RECTANGLE).expect("valid");
    assert_eq!(s.sections[0].section, inline.sections[0].section);
    let control = s.sections[0].control_line.as_ref().expect("control line");
    assert_eq!(control.points().len(), 2);
    assert_eq!((control.last().x, control.last().z), (20.0, 5.0));
    // The stability block's point lists read the same CSV form.
    let with_stability = format!(
        "{text}\n[stability]\nsearch = {{ kind = \"polyline\", points = \"control.csv\" }}\n\
         pore_water = {{ phreatic_line = \"control.csv\" }}\n"
    );
    let st = scenario::parse(&with_stability, dir.path(), "csv.toml")
        .expect("valid")
        .stability
        .expect("[stability]");
    let PoreWaterSpec::PhreaticLine { line, .. } = &st.pore_water else {
        panic!("phreatic line expected, got {:?}", st.pore_water)
    };
    assert_eq!(line, control);
    let SurfacesSpec::Specified(tailtwin::core::SlipSurface::Polyline { points }) = &st.surfaces
    else {
        panic!("polyline surface expected")
    };
    assert_eq!(points.as_slice(), control.points());
    // A CSV with a misspelt column names the key and the column.
    std::fs::write(dir.path().join("bad.csv"), "x,z_m\n0,0\n20,0\n").expect("write");
    let bad = text.replace("base = \"base.csv\"", "base = \"bad.csv\"");
    let e = scenario::parse(&bad, dir.path(), "csv.toml").expect_err("bad column");
    let p = e.problems();
    assert!(p.iter().any(|p| p.path == "section[0].base" && p.message.contains("`x`")), "{p:?}");
}

// Goal: the bad inputs of issues 3 and 4 name their key paths. Setup: RECTANGLE (and a
// two-zone variant) mutated in one place per case. Reference: the key the user must edit.
// Tolerance: exact path.
#[test]
fn bad_section_inputs_name_the_key_path() {
    let two_zones = replace(
        RECTANGLE,
        "zones = [{ name = \"body\", material = \"homogeneous\", polygon = [[0.0, 0.0], [20.0, 0.0], [20.0, 10.0], [0.0, 10.0]] }]",
        "zones = [\n  { name = \"left\", material = \"homogeneous\", polygon = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]] },\n  { name = \"right\", material = \"homogeneous\", polygon = [[10.0, 0.0], [20.0, 0.0], [20.0, 10.0], [10.0, 10.0]] },\n]",
    );
    assert_eq!(paths(&two_zones), Vec::<String>::new(), "the two-zone variant is valid");
    let body = "[[0.0, 0.0], [20.0, 0.0], [20.0, 10.0], [0.0, 10.0]]";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "overlapping zones",
            replace(
                &two_zones,
                "[[10.0, 0.0], [20.0, 0.0], [20.0, 10.0], [10.0, 10.0]]",
                "[[8.0, 0.0], [20.0, 0.0], [20.0, 10.0], [8.0, 10.0]]",
            ),
            "section[0].zones[1].polygon",
        ),
        (
            "a gap between zones (an open zone boundary)",
            replace(
                &two_zones,
                "[[10.0, 0.0], [20.0, 0.0], [20.0, 10.0], [10.0, 10.0]]",
                "[[12.0, 0.0], [20.0, 0.0], [20.0, 10.0], [12.0, 10.0]]",
            ),
            "section[0].zones",
        ),
        (
            "a zone outside the section",
            replace(RECTANGLE, body, "[[0.0, 0.0], [20.0, 0.0], [20.0, 12.0], [0.0, 10.0]]"),
            "section[0].zones[0].polygon",
        ),
        (
            "a self-intersecting zone polygon",
            replace(RECTANGLE, body, "[[0.0, 0.0], [20.0, 10.0], [20.0, 0.0], [0.0, 10.0]]"),
            "section[0].zones[0].polygon",
        ),
        (
            "a zone polygon with two points",
            replace(RECTANGLE, body, "[[0.0, 0.0], [20.0, 0.0]]"),
            "section[0].zones[0].polygon",
        ),
        (
            "a zone without a known material",
            replace(RECTANGLE, "material = \"homogeneous\"", "material = \"granite\""),
            "section[0].zones[0].material",
        ),
        ("zero k", replace(RECTANGLE, "k_m_s = 1e-5", "k_m_s = 0.0"), "material[0].k_m_s"),
        ("negative k", replace(RECTANGLE, "k_m_s = 1e-5", "k_m_s = -1e-5"), "material[0].k_m_s"),
        (
            "negative cohesion",
            replace(RECTANGLE, "cohesion_kpa = 0.0", "cohesion_kpa = -5.0"),
            "material[0].strength.cohesion_kpa",
        ),
        (
            "φ of 90°",
            replace(RECTANGLE, "friction_angle_deg = 32.0", "friction_angle_deg = 90.0"),
            "material[0].strength.friction_angle_deg",
        ),
        (
            "a drain outside the section",
            replace(
                RECTANGLE,
                "downstream_edge = \"open\"",
                "downstream_edge = \"open\"\ndrains = [{ name = \"toe\", kind = \"toe\", polygon = [[18.0, 0.0], [22.0, 0.0], [22.0, 2.0], [18.0, 2.0]] }]",
            ),
            "section[0].drains[0].polygon",
        ),
        (
            "a pipe outside the section",
            replace(
                RECTANGLE,
                "downstream_edge = \"open\"",
                "downstream_edge = \"open\"\npipes = [{ name = \"p1\", at = [10.0, 11.0] }]",
            ),
            "section[0].pipes[0].at",
        ),
        (
            "an unknown drain kind",
            replace(
                RECTANGLE,
                "downstream_edge = \"open\"",
                "downstream_edge = \"open\"\ndrains = [{ name = \"d\", kind = \"french\", polygon = [[18.0, 0.0], [20.0, 0.0], [20.0, 2.0]] }]",
            ),
            "section[0].drains[0].kind",
        ),
        (
            "a station outside the surface",
            replace(
                RECTANGLE,
                "downstream_edge = \"open\"",
                "downstream_edge = \"open\"\nstations_x_m = [5.0, 25.0]",
            ),
            "section[0].stations_x_m[1]",
        ),
        (
            "the pond side beyond the section",
            replace(RECTANGLE, "surface_until_x_m = 0.0", "surface_until_x_m = -3.0"),
            "section[0].pond_side.surface_until_x_m",
        ),
        (
            "a surface that turns back",
            replace(
                RECTANGLE,
                "surface = [[0.0, 10.0], [20.0, 10.0]]",
                "surface = [[0.0, 10.0], [12.0, 10.0], [11.0, 10.0], [20.0, 10.0]]",
            ),
            "section[0].surface[2]",
        ),
        (
            "a base above the surface",
            replace(
                RECTANGLE,
                "base = [[0.0, 0.0], [20.0, 0.0]]",
                "base = [[0.0, 0.0], [10.0, 11.0], [20.0, 0.0]]",
            ),
            "section[0].base",
        ),
        (
            "surface and base of different extent",
            replace(
                RECTANGLE,
                "base = [[0.0, 0.0], [20.0, 0.0]]",
                "base = [[0.0, 0.0], [25.0, 0.0]]",
            ),
            "section[0].base",
        ),
        (
            "a pond level below the pond bottom",
            replace(RECTANGLE, "pond_levels_m = [8.0]", "pond_levels_m = [8.0, -1.0]"),
            "seepage.pond_levels_m[1]",
        ),
        (
            "a bad seepage setting",
            replace(
                RECTANGLE,
                "target_size_m = 0.5",
                "target_size_m = 0.5\nhead_tolerance_m = -1.0",
            ),
            "seepage.head_tolerance_m",
        ),
        (
            "a mesh angle the refinement cannot reach",
            replace(RECTANGLE, "target_size_m = 0.5", "target_size_m = 0.5\nmin_angle_deg = 35.0"),
            "seepage.min_angle_deg",
        ),
        (
            "at_pond_levels without a pond",
            replace(
                RECTANGLE,
                "pond_levels_m = [8.0]",
                "pond_levels_m = [8.0]\nat_pond_levels = true",
            ),
            "seepage.at_pond_levels",
        ),
        (
            "no pond level to solve and no other pore water",
            replace(RECTANGLE, "pond_levels_m = [8.0]", ""),
            "seepage.pond_levels_m",
        ),
        (
            "a duplicate section",
            format!(
                "{RECTANGLE}\n[[section]]\nname = \"rectangular dam\"\nsurface = [[0.0, 10.0], [20.0, 10.0]]\nbase = [[0.0, 0.0], [20.0, 0.0]]\nzones = [{{ name = \"body\", material = \"homogeneous\", polygon = {body} }}]\npond_side = {{ surface_until_x_m = 0.0 }}\n"
            ),
            "section[1].name",
        ),
        (
            "a pond side missing while levels are solved",
            replace(
                RECTANGLE,
                "pond_side = { surface_until_x_m = 0.0, upstream_edge = \"open\" }",
                "",
            ),
            "section[0].pond_side",
        ),
        (
            "[seepage] without sections",
            "[scenario]\nname = \"x\"\n[seepage]\npond_levels_m = [1.0]\n".to_owned(),
            "seepage",
        ),
        ("nothing at all", "[scenario]\nname = \"x\"\n".to_owned(), "pond"),
    ];
    for (what, text, path) in &cases {
        rejects_at(what, text, path);
    }
}

// Goal: a misspelt key inside a [[section]] or [[material]] names its table's index.
// Setup: the rectangle with a unit-less key. Reference: the toml position and key. Tolerance:
// exact path.
#[test]
fn misspelt_section_keys_name_the_array_index() {
    let text = replace(RECTANGLE, "unit_weight_kn_m3 = 18.5", "unit_weight = 18.5");
    let e = scenario::parse(&text, Path::new("."), "t.toml").expect_err("unknown key");
    let p = e.problems();
    assert!(p.iter().any(|p| p.path.starts_with("material[0]")), "{p:?}");
    let text = replace(RECTANGLE, "downstream_edge = \"open\"", "downstream_edge_m = 3.0");
    let e = scenario::parse(&text, Path::new("."), "t.toml").expect_err("unknown key");
    let p = e.problems();
    assert!(p.iter().any(|p| p.path.starts_with("section[0]")), "{p:?}");
}

// Goal: the [stability] additions parse into the spec and cross-check with the scenario.
// Setup: the rectangle with a stability block per case. Reference: the schema. Tolerance: exact.
#[test]
fn stability_block_additions_parse_and_cross_check() {
    let with = |block: &str| format!("{RECTANGLE}\n[stability]\n{block}\n");
    let s = parse(&with(
        "search = { kind = \"polyline\", points = [[2.0, 10.0], [10.0, 4.0], [18.0, 0.5]] }\n\
         pore_water = { ru = 0.2 }\nsurcharges = [{ from_x_m = 1.0, to_x_m = 5.0, pressure_kpa = 10.0 }]\n\
         tension_crack = { depth_m = 1.5, water_filled = true }\nslice_table = true\n\
         seismic = { kh = 0.1 }",
    ))
    .expect("valid");
    let st = s.stability.expect("[stability]");
    assert_eq!(st.section.as_deref(), Some("rectangular dam"), "defaults to the first section");
    assert_eq!(st.pore_water, PoreWaterSpec::Ru(0.2));
    assert_eq!(st.load_cases, vec![LoadCaseKind::Normal, LoadCaseKind::Special]);
    assert_eq!(st.surcharges.len(), 1);
    assert_eq!(st.surcharges[0].pressure, 10e3);
    assert_eq!(st.tension_crack.map(|t| (t.depth, t.water_filled)), Some((1.5, true)));
    assert!(st.slice_table);
    assert!(
        matches!(st.surfaces, SurfacesSpec::Specified(tailtwin::core::SlipSurface::Polyline { ref points }) if points.len() == 3)
    );
    let st = parse(&with("search = { kind = \"auto\" }\npore_water = { phreatic_line = [[0.0, 8.0], [20.0, 2.0]], correction = \"cos2\" }"))
        .expect("valid")
        .stability
        .expect("stability");
    assert!(matches!(st.pore_water, PoreWaterSpec::PhreaticLine { .. }));
    assert_eq!(st.load_cases, vec![LoadCaseKind::Normal], "no pond, kh = 0: normal only");
    let auto = "search = { kind = \"auto\" }\n";
    for (what, block, path) in [
        ("an unknown section", format!("{auto}section = \"other\""), "stability.section"),
        ("kh of 1", format!("{auto}seismic = {{ kh = 1.0 }}"), "stability.seismic.kh"),
        ("kh below 0", format!("{auto}seismic = {{ kh = -0.1 }}"), "stability.seismic.kh"),
        ("flood without a pond", format!("{auto}load_cases = [\"normal\", \"flood\"]"), "stability.load_cases[1]"),
        ("special without an earthquake", format!("{auto}load_cases = [\"special\"]"), "stability.load_cases[0]"),
        ("an unknown load case", format!("{auto}load_cases = [\"storm\"]"), "stability.load_cases[0]"),
        ("r_u above 1", format!("{auto}pore_water = {{ ru = 1.5 }}"), "stability.pore_water.ru"),
        ("an unknown pore water", format!("{auto}pore_water = \"wet\""), "stability.pore_water"),
        ("a bad correction", format!("{auto}pore_water = {{ phreatic_line = [[0.0, 8.0], [20.0, 2.0]], correction = \"cos\" }}"), "stability.pore_water.correction"),
        ("a surcharge ending before it starts", format!("{auto}surcharges = [{{ from_x_m = 5.0, to_x_m = 1.0, pressure_kpa = 10.0 }}]"), "stability.surcharges[0].to_x_m"),
        ("a negative surcharge", format!("{auto}surcharges = [{{ from_x_m = 1.0, to_x_m = 5.0, pressure_kpa = -1.0 }}]"), "stability.surcharges[0].pressure_kpa"),
        ("a crack of no depth", format!("{auto}tension_crack = {{ depth_m = 0.0 }}"), "stability.tension_crack.depth_m"),
        ("a polyline surface turning back", "search = { kind = \"polyline\", points = [[2.0, 10.0], [10.0, 4.0], [9.0, 3.0], [18.0, 0.5]] }".to_owned(), "stability.search.points[2]"),
    ] {
        rejects_at(what, &with(&block), path);
    }
    // Seepage pore water needs levels: without pond_levels_m it is refused at the pore water.
    let no_levels = replace(RECTANGLE, "pond_levels_m = [8.0]", "");
    rejects_at(
        "seepage pore water without levels",
        &format!("{no_levels}\n[stability]\n{auto}pore_water = \"seepage\""),
        "stability.pore_water",
    );
    // …and a dry analysis needs none.
    assert!(parse(&format!("{no_levels}\n[stability]\n{auto}pore_water = \"dry\"")).is_ok());
    // [stability] without any section.
    rejects_at(
        "stability without sections",
        &format!("[scenario]\nname = \"x\"\n[stability]\n{auto}"),
        "stability",
    );
}

// Goal: a section-only scenario validates but the flood commands refuse it with a bad-input
// error naming [pond]. Setup: RECTANGLE through the pipeline. Reference: the brief's message.
// Tolerance: exact prefix.
#[test]
fn section_only_scenario_refuses_flood_routing_with_a_pond_error() {
    let s = parse(RECTANGLE).expect("valid");
    let e = tailtwin::pipeline::run_flood(&s, &tailtwin::pipeline::RunSettings::default())
        .expect_err("no pond");
    assert!(e.is_input_error());
    assert!(e.to_string().starts_with("pond: this command needs a [pond]"), "{e}");
    let e = tailtwin::pipeline::rating_stages(&s, 10).expect_err("no pond");
    assert!(e.to_string().starts_with("pond: this command needs a [pond]"), "{e}");
}

// Goal: through the binary, `check` accepts a section-only scenario (exit 0) and the flood
// commands refuse it as bad input (exit 2) naming [pond]. Setup: RECTANGLE written to a temp
// file. Reference: DESIGN.md §5 exit codes. Tolerance: exact codes.
#[test]
fn flood_commands_exit_2_on_a_section_only_scenario() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("rectangle.toml");
    std::fs::write(&file, RECTANGLE).expect("write scenario");
    let f = file.to_str().expect("utf-8 path");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tailtwin"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("the tailtwin binary runs")
    };
    let o = run(&["check", f, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["sections"], serde_json::json!(["rectangular dam"]));
    let out = dir.path().join("out");
    let out = out.to_str().expect("utf-8 path");
    for args in [vec!["run", f, "--out", out], vec!["flood", f], vec!["rating", f]] {
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("pond: this command needs a [pond]"), "{args:?}: {err}");
    }
}

// Goal: the demo's dam section and stability block read as designed. Setup: scenarios/demo/
// valley-pond.toml. Reference: the values written there (beach crest 371.5 m at x = 378 m, 1 %
// beach, normal level 368.5 m meeting it 300 m out). Tolerance: exact.
#[test]
fn demo_section_reads_as_designed() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let s = scenario::load(&root.join("scenarios/demo/valley-pond.toml")).expect("valid demo");
    let pond = s.pond.as_ref().expect("the demo has a pond");
    assert_eq!(s.sections.len(), 1);
    let spec = &s.sections[0];
    let sec = &spec.section;
    assert_eq!(sec.name, "main");
    let zones: Vec<&str> = sec.zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(zones, ["foundation", "starter dam", "tailings sand", "tailings silt"]);
    // Materials in order of first use by the zones.
    let materials: Vec<&str> = sec.materials.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(materials, ["foundation", "starter dam rockfill", "tailings sand", "tailings silt"]);
    assert_eq!(sec.drains.len(), 1);
    assert_eq!(sec.stations_x, vec![420.0, 480.0, 540.0, 600.0]);
    assert_eq!(spec.min_burial_depth_m, Some(6.0));
    // The section agrees with [pond]: crest, beach crest, and the normal level on the 1 % beach.
    let top = sec.surface.points().iter().map(|p| p.z).fold(f64::MIN, f64::max);
    assert_eq!(top, pond.crest.m());
    assert_eq!(sec.surface_z_at(378.0), Some(pond.beach_crest.m()));
    assert_eq!(sec.surface_z_at(78.0), Some(pond.normal_level.m()));
    assert!(sec.pond_bottom_m() <= pond.normal_level.m());
    let seepage = s.seepage.as_ref().expect("[seepage]");
    assert!(seepage.at_pond_levels && seepage.pond_levels_m.is_empty());
    let st = s.stability.as_ref().expect("[stability]");
    assert_eq!(st.section.as_deref(), Some("main"));
    assert_eq!(st.pore_water, PoreWaterSpec::Seepage);
    assert_eq!(
        st.load_cases,
        vec![LoadCaseKind::Normal, LoadCaseKind::Flood, LoadCaseKind::Special],
        "a routed pond and kh > 0 give all three cases by default"
    );
    assert_eq!(st.surfaces, SurfacesSpec::Auto);
    assert_eq!(s.stability_section_index(), Some(0));
    assert_eq!(s.seepage_spec(), *seepage);
    // Without [seepage] the defaults solve at the pond's levels.
    let text = std::fs::read_to_string(root.join("scenarios/demo/valley-pond.toml")).expect("demo");
    let without = text.replace("[seepage]\ntarget_size_m = 4.0", "");
    assert_ne!(without, text, "the demo's [seepage] anchor moved");
    let s = scenario::parse(&without, &root.join("scenarios/demo"), "demo.toml").expect("valid");
    assert!(s.seepage.is_none());
    let d = s.seepage_spec();
    assert!(d.at_pond_levels && d.pond_levels_m.is_empty() && !d.draw_mesh);
    assert_eq!(d.settings, tailtwin::seepage::SeepageSettings::default());
}
