//! Integration tests: seepage through a dam section (tailtwin-seepage) and the core section types.

use tailtwin::core::pore_pressure::GAMMA_W;
use tailtwin::core::section::{
    Conductivity, Drain, DrainKind, MaterialId, Point2, Polygon, SectionError,
};
use tailtwin::core::{GeometryError, PorePressure};
use tailtwin::seepage::{
    Mesh, MeshSettings, SeepageError, SeepageModel, SeepageSettings, cases, solve_levels,
    solve_section,
};

const K: f64 = 1e-5;

fn settings(target_size_m: f64) -> SeepageSettings {
    SeepageSettings { mesh: MeshSettings::uniform(target_size_m), ..SeepageSettings::default() }
}

/// Goal: S1 — the discharge through a rectangular dam equals Charny's exact q = k(H₁² − H₂²)/(2L)
/// for the full free-surface problem.
/// Setup: L = 10 m, H₁ = 10 m, H₂ = 2 m and L = 20 m, H₁ = 8 m, H₂ = 1 m; k = 10⁻⁵ m/s; sharp
/// residual k_r (10⁻⁸ beyond 1 mm of suction); uniform mesh 0.5 m, one exit-refinement pass.
/// Reference: Charny (1951), shared/reference/verification.md S1.
/// Tolerance: 1 % (the bar); observed ≈ 0.01 %, the residual zone's own flow.
#[test]
fn s1_dupuit_charny_discharge_within_one_percent() {
    for (length, h1, h2) in [(10.0, 10.0, 2.0), (20.0, 8.0, 1.0)] {
        let section = cases::rectangular_dam(length, h1, Conductivity::isotropic(K));
        let s = SeepageSettings { tailwater_m: Some(h2), ..settings(0.5) };
        let r = solve_section(&section, h1, &s).unwrap();
        let exact = K * (h1 * h1 - h2 * h2) / (2.0 * length);
        let err = (r.discharge_m2s / exact - 1.0).abs();
        assert!(
            err < 0.01,
            "L={length}: q = {:.6e}, exact {exact:.6e}, error {:.3} %",
            r.discharge_m2s,
            100.0 * err
        );
    }
}

/// Goal: the computed free surface lies above the Dupuit parabola h(x) = √(H₁² − (H₁² − H₂²)x/L)
/// and leaves a seepage face above the tailwater (both known properties of the exact solution).
/// Setup: S1 geometry L = H₁ = 10 m, H₂ = 2 m, mesh 0.5 m.
/// Reference: Polubarinova-Kochina (1962); verification.md S1.
/// Tolerance: the line may dip below the parabola by at most 0.05 m (a tenth of an element),
/// the exit must be at least 0.5 m above the tailwater.
#[test]
fn s1_free_surface_lies_above_the_dupuit_parabola() {
    let (length, h1, h2) = (10.0, 10.0, 2.0);
    let section = cases::rectangular_dam(length, h1, Conductivity::isotropic(K));
    let s = SeepageSettings { tailwater_m: Some(h2), ..settings(0.5) };
    let r = solve_section(&section, h1, &s).unwrap();
    for i in 1..20 {
        let x = length * i as f64 / 20.0;
        let dupuit = (h1 * h1 - (h1 * h1 - h2 * h2) * x / length).sqrt();
        let z = r.phreatic.z_at(x);
        assert!(z > dupuit - 0.05, "x = {x}: line {z:.3} below Dupuit {dupuit:.3}");
    }
    let exit = r.exit_point.expect("a seepage face");
    assert!(exit.z > h2 + 0.5, "exit {exit:?}");
    assert!(
        (r.seepage_face_length_m - (exit.z - h2)).abs() < 1e-9,
        "face {} exit {exit:?}",
        r.seepage_face_length_m
    );
}

/// Goal: S2 — with L = H₁ and no tailwater the free surface leaves the downstream face at
/// 0.368237 H₁ (seepage face 0.368237 H₁) and q = ½ k H₁.
/// Setup: L = H₁ = 10 m, k = 10⁻⁵ m/s, uniform meshes h = 1, 0.5, 0.25 m, each with one pass
/// refined around the first exit (local size 0.05 h).
/// Reference: Polubarinova-Kochina (1962), exact; verification.md S2.
/// Tolerance: 3 % on the face (the bar; the exit is a singular point), 1 % on q; the
/// error at h/4 must not exceed the error at h (convergence). The table is printed.
#[test]
fn s2_seepage_face_matches_polubarinova_kochina_under_refinement() {
    let h1 = 10.0;
    let exact_face = 0.368237 * h1;
    let section = cases::rectangular_dam(h1, h1, Conductivity::isotropic(K));
    let mut errors = Vec::new();
    println!("h (m) | nodes | iterations | face (m) | error % | q error %");
    for size in [1.0, 0.5, 0.25] {
        let r = solve_section(&section, h1, &settings(size)).unwrap();
        let err = (r.seepage_face_length_m - exact_face).abs() / exact_face;
        let q_err = (r.discharge_m2s / (0.5 * K * h1) - 1.0).abs();
        println!(
            "{size} | {} | {} | {:.4} | {:.3} | {:.4}",
            r.diagnostics.nodes,
            r.diagnostics.iterations,
            r.seepage_face_length_m,
            100.0 * err,
            100.0 * q_err
        );
        assert!(err < 0.03, "h = {size}: face {:.4} vs {exact_face:.4}", r.seepage_face_length_m);
        assert!(q_err < 0.01, "h = {size}: q {:.6e}", r.discharge_m2s);
        errors.push(err);
    }
    assert!(errors[2] <= errors[0], "no convergence: {errors:?}");
}

/// A structured right-triangle mesh of the square [0, a]² (n × n cells, diagonals from lower left)
/// and, when `transposed`, the same mesh with x and z swapped (orientation restored).
fn square_mesh(a: f64, n: usize, transposed: bool) -> Mesh {
    let mut nodes = Vec::new();
    for j in 0..=n {
        for i in 0..=n {
            let (x, z) = (a * i as f64 / n as f64, a * j as f64 / n as f64);
            nodes.push(if transposed { Point2::new(z, x) } else { Point2::new(x, z) });
        }
    }
    let id = |i: usize, j: usize| (j * (n + 1) + i) as u32;
    let mut triangles = Vec::new();
    for j in 0..n {
        for i in 0..n {
            let (a0, b, c, d) = (id(i, j), id(i + 1, j), id(i + 1, j + 1), id(i, j + 1));
            for t in [[a0, b, c], [a0, c, d]] {
                triangles.push(if transposed { [t[0], t[2], t[1]] } else { t });
            }
        }
    }
    let element_zone = vec![0; triangles.len()];
    Mesh {
        nodes,
        triangles,
        element_zone,
        boundary: vec![],
        drain_nodes: vec![],
        pipe_nodes: vec![],
        min_angle_deg: 45.0,
    }
}

/// Goal: confined flow between two fixed heads in a homogeneous block has a linear head and the
/// discharge k Δh/L · H, which linear elements reproduce exactly.
/// Setup: 20 m × 5 m block (Delaunay mesh, 1 m), h = 30 m at x = 0, 25 m at x = 20, no flow on
/// top and bottom, k = 10⁻⁵ m/s.
/// Reference: Darcy's law, exact.
/// Tolerance: 10⁻⁹ m on heads and 10⁻⁹ relative on q (round-off of the sparse solve).
#[test]
fn confined_1d_head_is_linear_between_two_heads() {
    let section = cases::rectangular_dam(20.0, 5.0, Conductivity::isotropic(K));
    let mut model = SeepageModel::build(&section, &settings(1.0)).unwrap();
    let sol = model
        .solve_confined(&|p: Point2| {
            if p.x <= 1e-12 {
                Some(30.0)
            } else if p.x >= 20.0 - 1e-12 {
                Some(25.0)
            } else {
                None
            }
        })
        .unwrap();
    for (p, h) in model.mesh().nodes.iter().zip(&sol.heads_m) {
        assert!((h - (30.0 - 0.25 * p.x)).abs() < 1e-9, "({}, {}): {h}", p.x, p.z);
    }
    let q = K * 5.0 / 20.0 * 5.0;
    assert!((sol.balance.inflow_m2s / q - 1.0).abs() < 1e-9);
    assert!(sol.balance.error_pct.abs() < 1e-9);
}

/// Goal: confined radial flow in a wedge follows h = h₁ + (h₂ − h₁) ln(r/r₁)/ln(r₂/r₁), and the
/// linear-element error falls at second order with the mesh size.
/// Setup: 30° wedge about the +x axis between r₁ = 1 m and r₂ = 10 m (radial sides no-flow; the
/// vertical end edges carry the exact head), h₁ = 10 m, h₂ = 20 m; meshes 0.4, 0.2, 0.1 m.
/// Reference: Thiem's solution, exact.
/// Tolerance: max nodal error < 2 cm at 0.1 m and observed order between 1.5 and 2.5 (P1
/// elements are second order in the maximum norm on quasi-uniform meshes).
#[test]
fn radial_flow_head_follows_log_r_at_second_order() {
    let (r1, r2, h1, h2) = (1.0f64, 10.0f64, 10.0, 20.0);
    let theta = 15f64.to_radians();
    let exact = move |p: Point2| h1 + (h2 - h1) * (p.x.hypot(p.z) / r1).ln() / (r2 / r1).ln();
    let (c, s) = (theta.cos(), theta.sin());
    let mut section = cases::rectangular_dam(1.0, 1.0, Conductivity::isotropic(K));
    section.surface = tailtwin::core::Polyline::x_monotone(
        "surface",
        vec![Point2::new(r1 * c, r1 * s), Point2::new(r2 * c, r2 * s)],
    )
    .unwrap();
    section.base = tailtwin::core::Polyline::x_monotone(
        "base",
        vec![Point2::new(r1 * c, -r1 * s), Point2::new(r2 * c, -r2 * s)],
    )
    .unwrap();
    section.pond_side.surface_until_x = r1 * c;
    section.zones[0].polygon = Polygon::new(
        "wedge",
        vec![
            Point2::new(r1 * c, -r1 * s),
            Point2::new(r2 * c, -r2 * s),
            Point2::new(r2 * c, r2 * s),
            Point2::new(r1 * c, r1 * s),
        ],
    )
    .unwrap();
    let mut errors = Vec::new();
    for size in [0.4, 0.2, 0.1] {
        let mut model = SeepageModel::build(&section, &settings(size)).unwrap();
        let ends = |p: Point2| {
            ((p.x - r1 * c).abs() < 1e-9 || (p.x - r2 * c).abs() < 1e-9).then(|| exact(p))
        };
        let sol = model.solve_confined(&ends).unwrap();
        let err = model
            .mesh()
            .nodes
            .iter()
            .zip(&sol.heads_m)
            .map(|(&p, h)| (h - exact(p)).abs())
            .fold(0.0, f64::max);
        errors.push(err);
    }
    let order = (errors[1] / errors[2]).log2();
    println!("radial flow max errors {errors:?}, observed order {order:.2}");
    assert!(errors[2] < 0.02, "{errors:?}");
    assert!((1.5..2.5).contains(&order), "order {order}");
}

/// Goal: rotating the conductivity tensor by 90° while transposing the problem (x ↔ z) gives the
/// transposed head field; and reflecting an inclined anisotropy (α → 90° − α) likewise.
/// Setup: 10 m square, 20 × 20 structured mesh and its exact transpose; h = 10 + 0.3 z + 0.05 z²
/// on x = 0 and 5 m on x = 10 (no flow on the rest) vs the same on z = 0 / z = 10; k₁ = 10⁻⁵,
/// k₂/k₁ = 0.2 at 0° vs 90°, and at 30° vs 60°.
/// Reference: tensor transformation K′ = P K Pᵀ, exact.
/// Tolerance: 10⁻⁹ m (the two systems are permutations of each other; round-off only).
#[test]
fn anisotropy_rotated_90_degrees_gives_transposed_solution() {
    let solve = |angle_deg: f64, transposed: bool| {
        let k = Conductivity { k_major_m_s: K, ratio: 0.2, angle_rad: angle_deg.to_radians() };
        let section = cases::rectangular_dam(10.0, 10.0, k);
        let mut model =
            SeepageModel::with_mesh(&section, square_mesh(10.0, 20, transposed), &settings(1.0))
                .unwrap();
        let bc = move |p: Point2| {
            let (u, v) = if transposed { (p.z, p.x) } else { (p.x, p.z) };
            if u <= 1e-12 {
                Some(10.0 + 0.3 * v + 0.05 * v * v)
            } else if u >= 10.0 - 1e-12 {
                Some(5.0)
            } else {
                None
            }
        };
        model.solve_confined(&bc).unwrap().heads_m
    };
    for (a, b) in [(0.0, 90.0), (30.0, 60.0)] {
        let (h, ht) = (solve(a, false), solve(b, true));
        let worst = h.iter().zip(&ht).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-9, "{a}° vs {b}°: {worst}");
    }
    // And the anisotropy matters: the unrotated tensor on the transposed problem differs.
    let worst = solve(30.0, false)
        .iter()
        .zip(&solve(30.0, true))
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    assert!(worst > 1e-3);
}

/// Goal: seepage in = seepage out on a zoned tailings section with drains, at the normal and the
/// flood level, and the products are coherent (drain takes the flow, higher level → more flow
/// and shallower burial).
/// Setup: cases::tailings_section (starter dam, tailings k_x/k_z = 3, foundation, blanket drain,
/// two pipes, van Genuchten), mesh 3 m with local refinement, levels 126.5 and 126.95 m.
/// Reference: conservation, exact for the discrete system.
/// Tolerance: 10⁻⁶ relative (10⁻⁴ %), the bar; observed ~10⁻¹⁰ %.
#[test]
fn seepage_in_equals_seepage_out_on_a_zoned_section() {
    let section = cases::tailings_section();
    let s =
        SeepageSettings { mesh: MeshSettings::with_target_size(3.0), ..SeepageSettings::default() };
    let results = solve_levels(&section, &[126.5, 126.95], &s).unwrap();
    for r in &results {
        assert!(r.balance.error_pct.abs() < 1e-4, "balance {:?}", r.balance);
        let out: f64 = r.outlets.iter().filter(|o| o.name != "pond").map(|o| o.flow_m2s).sum();
        assert!((out - r.discharge_m2s).abs() <= 1e-6 * r.discharge_m2s);
        assert!(r.outlet_flow_m2s("blanket").unwrap() > 0.5 * r.discharge_m2s);
        for b in &r.burial {
            assert!(b.depth_m >= 0.0 && b.depth_m < b.surface_m - 94.0 + 1e-9, "{b:?}");
        }
        // The field interpolates γ_w (h − z) inside and is what stability reads.
        let u = PorePressure::Field(r.pore_pressure.clone());
        let p = Point2::new(20.0, 101.0);
        let expected = r.pore_pressure.try_pore_pressure_pa(p).unwrap();
        assert_eq!(u.pore_pressure_pa(p), expected);
        assert!(expected > GAMMA_W * 10.0, "below the pond the pressure is at least 10 m of water");
    }
    assert!(results[1].discharge_m2s > results[0].discharge_m2s);
    assert!(results[1].min_burial_depth_m.unwrap() <= results[0].min_burial_depth_m.unwrap());
}

/// Goal: the solve is deterministic (same inputs → bitwise the same heads and products).
/// Setup: S2 section, 1 m mesh, twice. Reference: DESIGN §3. Tolerance: exact equality.
#[test]
fn seepage_solution_is_deterministic() {
    let section = cases::rectangular_dam(10.0, 10.0, Conductivity::isotropic(K));
    let a = solve_section(&section, 10.0, &settings(1.0)).unwrap();
    let b = solve_section(&section, 10.0, &settings(1.0)).unwrap();
    assert_eq!(a.heads_m, b.heads_m);
    assert_eq!(a.phreatic, b.phreatic);
    assert_eq!(a.discharge_m2s, b.discharge_m2s);
}

/// Goal: bad input is a typed error that names what is wrong: overlapping and open zone
/// polygons, zero and negative k, a drain outside the section, a pond level below the bottom.
/// Setup: the tailings case, each broken in one way. Reference: issue 3. Tolerance: exact.
#[test]
fn bad_seepage_inputs_are_typed_errors_naming_the_key() {
    let s =
        SeepageSettings { mesh: MeshSettings::with_target_size(5.0), ..SeepageSettings::default() };
    let p = Point2::new;

    let mut overlap = cases::tailings_section();
    overlap.zones[1].polygon = Polygon::new(
        "starter dam",
        vec![p(120., 100.), p(184., 100.), p(160., 112.), p(148., 112.)],
    )
    .unwrap();
    let e = solve_section(&overlap, 126.5, &s).unwrap_err();
    assert!(matches!(e, SeepageError::Section(SectionError::ZonesOverlap { .. })), "{e}");
    assert!(e.to_string().contains("starter dam"), "{e}");

    let open =
        Polygon::from_closed_ring("zone[2]", vec![p(0., 0.), p(1., 0.), p(1., 1.)]).unwrap_err();
    assert!(matches!(open, GeometryError::OpenRing { .. }));
    assert!(open.to_string().contains("zone[2]"));

    let mut gap = cases::tailings_section();
    gap.zones.remove(1);
    let e = solve_section(&gap, 126.5, &s).unwrap_err();
    assert!(matches!(e, SeepageError::Section(SectionError::ZonesLeaveGap { .. })), "{e}");

    for k in [0.0, -1e-6] {
        let mut bad_k = cases::tailings_section();
        bad_k.materials[1].hydraulic.conductivity = Conductivity::isotropic(k);
        let e = solve_section(&bad_k, 126.5, &s).unwrap_err();
        assert!(
            e.to_string().contains("starter dam rockfill") && e.to_string().contains("k ="),
            "{e}"
        );
    }

    let mut outside = cases::tailings_section();
    outside.drains.push(Drain {
        name: "toe prism".into(),
        kind: DrainKind::Toe,
        polygon: Polygon::new("toe prism", vec![p(190., 100.), p(205., 100.), p(205., 102.)])
            .unwrap(),
    });
    let e = solve_section(&outside, 126.5, &s).unwrap_err();
    assert!(
        matches!(e, SeepageError::Section(SectionError::DrainOutsideSection { ref drain, .. }) if drain == "toe prism"),
        "{e}"
    );

    let e = solve_section(&cases::tailings_section(), 90.0, &s).unwrap_err();
    assert!(
        matches!(e, SeepageError::PondBelowBottom { pond_bottom_m, .. } if pond_bottom_m == 94.0),
        "{e}"
    );

    let mut missing = cases::tailings_section();
    missing.zones[0].material = MaterialId(7);
    assert!(matches!(
        solve_section(&missing, 126.5, &s),
        Err(SeepageError::Section(SectionError::ZoneMaterialMissing { .. }))
    ));

    let e = solve_section(&cases::tailings_section(), 126.5, &SeepageSettings { threads: 0, ..s })
        .unwrap_err();
    assert!(e.to_string().contains("threads"));
}

/// Goal: the seepage face is returned as geometry: a chain on the downstream face from the exit
/// point down to the toe, whose length is the reported face length.
/// Setup: S2 rectangular dam L = H₁ = 10 m, no tailwater, uniform 0.5 m mesh + exit pass.
/// Reference: the face of the exact solution runs from the exit (0.368 H₁) to the toe (z = 0) on
/// the vertical downstream edge x = L.
/// Tolerance: 10⁻⁹ m (the chain and the length are made from the same mesh edges).
#[test]
fn seepage_face_chain_runs_from_the_exit_down_to_the_toe() {
    let section = cases::rectangular_dam(10.0, 10.0, Conductivity::isotropic(K));
    let r = solve_section(&section, 10.0, &settings(0.5)).unwrap();
    let exit = r.exit_point.unwrap();
    let chain = &r.seepage_face[0];
    assert_eq!(r.seepage_face.len(), 1, "one face: {:?}", r.seepage_face);
    assert!(chain[0].distance(exit) < 1e-9, "starts at the exit: {:?} vs {exit:?}", chain[0]);
    assert!(chain.last().unwrap().z.abs() < 1e-9, "ends at the toe: {:?}", chain.last());
    assert!(chain.windows(2).all(|w| w[1].z < w[0].z), "descends monotonically");
    assert!(chain.iter().all(|p| (p.x - 10.0).abs() < 1e-9), "on the downstream edge");
    let length: f64 = chain.windows(2).map(|w| w[0].distance(w[1])).sum();
    assert!((length - r.seepage_face_length_m).abs() < 1e-9, "{length} vs face length");
    assert_eq!(r.element_zone.len(), r.pore_pressure.triangles().len());
}
