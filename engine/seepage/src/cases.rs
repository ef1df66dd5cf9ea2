//! Sections used by the verification cases, the tests and the benches, built through the public
//! core types exactly as a scenario would build them.

use tailtwin_core::section::{
    Conductivity, DamSection, Drain, DrainKind, DrainPipe, EdgeKind, Hydraulic, Material,
    MaterialId, Point2, Polygon, Polyline, PondSide, Strength, Unsaturated, Zone,
};

fn p(x: f64, z: f64) -> Point2 {
    Point2::new(x, z)
}

/// A material with the given conductivity; unit weights and strength of a medium-dense tailings
/// sand (they do not enter seepage).
pub fn material(name: &str, conductivity: Conductivity, unsaturated: Unsaturated) -> Material {
    Material {
        name: name.into(),
        unit_weight_n_m3: 18.5e3,
        saturated_unit_weight_n_m3: 20.0e3,
        strength: Strength::MohrCoulomb {
            cohesion_pa: 0.0,
            friction_angle_rad: 32f64.to_radians(),
        },
        hydraulic: Hydraulic { conductivity, unsaturated },
    }
}

/// A sharp free surface for the classical (Dupuit–Charny, Polubarinova-Kochina) problems: the
/// residual model with k_r,min = 10⁻⁸ reached 1 mm above the line.
pub fn sharp_interface() -> Unsaturated {
    Unsaturated::Residual { kr_min: 1e-8, transition_m: 1e-3 }
}

/// Rectangular homogeneous dam of length `length_m` and height `height_m` on an impervious base
/// at z = 0: vertical upstream face in the pond (open), vertical downstream face open (seepage
/// face above the tailwater), impervious crest (no pond on the top).
pub fn rectangular_dam(length_m: f64, height_m: f64, conductivity: Conductivity) -> DamSection {
    let outline = vec![p(0., 0.), p(length_m, 0.), p(length_m, height_m), p(0., height_m)];
    DamSection {
        name: "rectangular dam".into(),
        surface: Polyline::x_monotone("surface", vec![p(0., height_m), p(length_m, height_m)])
            .expect("valid surface"),
        base: Polyline::x_monotone("base", vec![p(0., 0.), p(length_m, 0.)]).expect("valid base"),
        materials: vec![material("homogeneous", conductivity, sharp_interface())],
        zones: vec![Zone {
            name: "body".into(),
            polygon: Polygon::new("body", outline).expect("valid zone"),
            material: MaterialId(0),
        }],
        drains: vec![],
        pipes: vec![],
        pond_side: PondSide { surface_until_x: 0.0, upstream_edge: EdgeKind::Open },
        downstream_edge: EdgeKind::Open,
        stations_x: vec![],
    }
}

/// An upstream-raised tailings dam section, 200 m long: a 12 m starter dam of rockfill
/// (k = 10⁻⁴ m/s) on a 6 m silty foundation layer (k = 10⁻⁶), tailings sand (k_x = 5·10⁻⁶,
/// k_x/k_z = 3) raised to the beach crest at 127 m with a 1 : 5.3 outer slope, a beach falling
/// 1.25 % towards the pond, a horizontal blanket drain against the starter dam and two drainage
/// pipes. The pond applies on the beach (x ≤ 78 m) and the upstream edge; the downstream edge,
/// in the foundation, is closed.
pub fn tailings_section() -> DamSection {
    let vg = Unsaturated::VanGenuchten { alpha_per_m: 1.5, n: 1.8, kr_min: 1e-6 };
    let materials = vec![
        material("tailings sand", Conductivity::axes(5e-6, 5e-6 / 3.0), vg),
        material("starter dam rockfill", Conductivity::isotropic(1e-4), vg),
        material("foundation silt", Conductivity::isotropic(1e-6), vg),
    ];
    let surface = vec![p(0., 126.), p(80., 127.), p(160., 112.), p(184., 100.), p(200., 100.)];
    let base = vec![p(0., 94.), p(200., 94.)];
    let zone = |name: &str, ring: Vec<Point2>, m: usize| Zone {
        name: name.into(),
        polygon: Polygon::new(name, ring).expect("valid zone"),
        material: MaterialId(m),
    };
    let zones = vec![
        zone("foundation", vec![p(0., 94.), p(200., 94.), p(200., 100.), p(0., 100.)], 2),
        zone("starter dam", vec![p(130., 100.), p(184., 100.), p(160., 112.), p(148., 112.)], 1),
        zone(
            "tailings",
            vec![
                p(0., 100.),
                p(130., 100.),
                p(148., 112.),
                p(160., 112.),
                p(80., 127.),
                p(0., 126.),
            ],
            0,
        ),
    ];
    let drains = vec![Drain {
        name: "blanket".into(),
        kind: DrainKind::Blanket,
        polygon: Polygon::new(
            "blanket",
            vec![p(100., 100.), p(130., 100.), p(131.5, 101.), p(100., 101.)],
        )
        .expect("valid drain"),
    }];
    let pipes = vec![
        DrainPipe { name: "pipe-116".into(), at: p(125., 116.) },
        DrainPipe { name: "pipe-108".into(), at: p(138., 108.) },
    ];
    DamSection {
        name: "tailings section A-A".into(),
        surface: Polyline::x_monotone("surface", surface).expect("valid surface"),
        base: Polyline::x_monotone("base", base).expect("valid base"),
        materials,
        zones,
        drains,
        pipes,
        pond_side: PondSide { surface_until_x: 78.0, upstream_edge: EdgeKind::Open },
        downstream_edge: EdgeKind::NoFlow,
        stations_x: vec![90.0, 110.0, 130.0, 150.0],
    }
}
