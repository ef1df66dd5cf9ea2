//! Integration tests: discharge structures. Hand-computed values per regime, SWMM's outlet
//! equations for the R4 case, continuity at regime changes, monotonicity over random
//! geometries, series control switching and condition scaling.

use tailtwin::pond::structures::*;
use tailtwin_core::{Control, Elevation, Regime};

/// SWMM's gravity, 32.2 ft/s² in m/s².
const G_SWMM: f64 = 32.2 * 0.3048;

/// R4 (pond_basic) outlets as SWMM sees them: bottom at 100 m, a 1.5 m circular side orifice
/// (C_d 0.6) with its invert 2 m above the bottom, a 10 m transverse weir (C_w 1.70) with its
/// crest 7 m above the bottom and a 3 m opening.
fn pond_basic_outlets() -> (Orifice, Weir) {
    let orifice = Orifice::new(
        "ORIF1",
        OrificeShape::Circular { diameter_m: 1.5 },
        Orientation::Side(SideRule::Swmm),
        Elevation(102.0),
        0.6,
    )
    .unwrap()
    .with_gravity(G_SWMM)
    .unwrap();
    let weir = Weir::swmm_transverse("SPILL", Elevation(107.0), 10.0, 1.70, 3.0).unwrap();
    (orifice, weir)
}

fn flow(o: &dyn Outlet, stage: f64) -> f64 {
    o.discharge(Elevation(stage), 0.0).flow_m3s
}

// Goal: the orifice and weir reproduce EPA SWMM 5.2's link.c equations at several depths.
// Setup: pond_basic outlets; depths (above the 100 m bottom) in every regime: orifice partly
// submerged (2.3, 2.75 m: f = 0.2, 0.5), at its crown (3.5 m), submerged (5, 8.625 m); weir free
// (7.5, 8.625 m) and surcharged above its 3 m opening (11 m).
// Reference: the same equations evaluated independently in SWMM's internal feet units
// (A and h in ft, g = 32.2 ft/s², result × 0.3048³), e.g. orifice at 2.75 m:
// Q = 0.6·A·√(2g)·√(D/2)·f^1.5 = 1.4383338557606746 m³/s with D = 4.92126 ft, f = 0.5;
// weir at 11 m: Q = 17·3^1.5·√((4 − 1.5)/1.5) = 114.03946685248927 m³/s.
// Tolerance: 1e-12 relative — the same closed forms in other units, only round-off differs.
#[test]
fn swmm_orifice_and_weir_equations_reproduced_for_pond_basic() {
    let (orifice, weir) = pond_basic_outlets();
    let cases = [
        // depth m, orifice m³/s, weir m³/s
        (2.3, 0.363872881594866, 0.0),
        (2.75, 1.4383338557606746, 0.0),
        (3.5, 4.068222492074266, 0.0),
        (5.0, 7.046368052767103, 0.0),
        (7.5, 10.238135420335094, 6.0104076400856545),
        (8.62503, 11.3862078968381, 35.21607870773302),
        (10.0, 12.648617751959428, 88.33459118601274),
        (11.0, 13.492767569894935, 114.03946685248927),
    ];
    for (depth, q_orifice, q_weir) in cases {
        let stage = 100.0 + depth;
        let qo = flow(&orifice, stage);
        let qw = flow(&weir, stage);
        assert!((qo - q_orifice).abs() <= 1e-12 * q_orifice.max(1.0), "orifice at {depth}: {qo}");
        assert!((qw - q_weir).abs() <= 1e-12 * q_weir.max(1.0), "weir at {depth}: {qw}");
    }
    let regime = |o: &dyn Outlet, d: f64| o.discharge(Elevation(100.0 + d), 0.0).regime;
    assert_eq!(regime(&orifice, 1.9), Regime::Dry);
    assert_eq!(regime(&orifice, 2.75), Regime::Weir);
    assert_eq!(regime(&orifice, 5.0), Regime::Orifice);
    assert_eq!(regime(&weir, 8.0), Regime::Weir);
    assert_eq!(regime(&weir, 10.5), Regime::Orifice);
}

// Goal: at the R4 reference peak the two outlets pass the reference peak outflow.
// Setup: pond_basic outlets at the ODE reference's peak depth 8.62517 m.
// Reference: verification.md R4, ODE (LSODA, SWMM's outlet equations, g = 9.81456): peak total
// outflow 46.6069 m³/s at peak depth 8.62517 m.
// Tolerance: 5e-4 m³/s — dQ/dz ≈ 33 m²/s times the 1e-5 m rounding of the published depth
// (3.3e-4) plus the 1e-4 rounding of the published flow.
#[test]
fn pond_basic_outlets_pass_reference_peak_outflow_at_reference_peak_depth() {
    let (orifice, weir) = pond_basic_outlets();
    let total = flow(&orifice, 108.62517) + flow(&weir, 108.62517);
    assert!((total - 46.6069).abs() < 5e-4, "total {total}");
}

// Goal: SWMM's side orifice is continuous where it turns from weir-like to orifice flow, and its
// surcharged weir is continuous at the top of the opening.
// Setup: pond_basic outlets evaluated 1e-9 m either side of 103.5 m (orifice crown) and 110 m
// (weir opening top).
// Reference: continuity by construction (SWMM matches the weir law to the orifice law at f = 1
// and the equivalent orifice to the weir at full opening).
// Tolerance: the slope times 2e-9 m: dQ/dz < 10 and 30 m²/s here, so 1e-7 m³/s.
#[test]
fn swmm_outlets_are_continuous_at_their_regime_changes() {
    let (orifice, weir) = pond_basic_outlets();
    let jump = |o: &dyn Outlet, z: f64| (flow(o, z + 1e-9) - flow(o, z - 1e-9)).abs();
    assert!(jump(&orifice, 103.5) < 1e-7);
    assert!(jump(&weir, 110.0) < 1e-7);
}

const G: f64 = 9.81;

fn close(computed: f64, reference: f64, rel: f64) -> bool {
    (computed - reference).abs() <= rel * reference.abs().max(1e-12)
}

fn d(o: &dyn Outlet, stage: f64) -> tailtwin_core::Discharge {
    o.discharge(Elevation(stage), 0.0)
}

// Goal: each weir form follows its stated law.
// Setup: crest 100 m, g = 9.81, heads in each form's usual range.
// Reference (hand computed, √(2g) = 4.429447):
// - broad-crested, m = 0.385, L = 8, H = 1.2: 0.385·8·4.429447·1.2^1.5 = 17.933790293855896;
// - Rehbock, L = 2, P = 1, H = 0.4:
//   (2/3)(0.602 + 0.083·0.4)·4.429447·2·0.4^1.5 = 0.9490491718413754;
// - practical, 3 bays × 5 m, m = 0.48, ξ₀ = 0.45, ξ_k = 0.7, H = 2:
//   ε = 1 − 0.2(0.7 + 2·0.45)(2/5)/3 = 0.957333, Q = ε·0.48·15·4.429447·2^1.5 = 86.35553364554238;
// - V-notch 90°, C_e = 0.58, H = 0.3: (8/15)·0.58·4.429447·0.3^2.5 = 0.06754284656127543;
// - broad-crested with tailwater 0.6 m above the crest: × (1 − 0.5^1.5)^0.385 = 15.160976058888078.
// Tolerance: 1e-12 relative — closed forms, round-off only.
#[test]
fn weir_forms_match_hand_computed_values() {
    let crest = Elevation(100.0);
    let broad = Weir::new("b", crest, WeirForm::BroadCrested { length_m: 8.0, m: 0.385 }).unwrap();
    assert!(close(flow(&broad, 101.2), 17.933790293855896, 1e-12));
    let sharp = Weir::new("s", crest, WeirForm::SharpCrested { length_m: 2.0, weir_height_m: 1.0 })
        .unwrap();
    assert!(close(flow(&sharp, 100.4), 0.9490491718413754, 1e-12));
    let contraction = Contraction::Coefficients { pier: 0.45, abutment: 0.7 };
    let practical = Weir::new(
        "p",
        crest,
        WeirForm::Practical { bays: 3, bay_width_m: 5.0, m: 0.48, contraction },
    )
    .unwrap();
    assert!(close(flow(&practical, 102.0), 86.35553364554238, 1e-12));
    let angle_rad = std::f64::consts::FRAC_PI_2;
    let notch = Weir::new("v", crest, WeirForm::VNotch { angle_rad, ce: 0.58 }).unwrap();
    assert!(close(flow(&notch, 100.3), 0.06754284656127543, 1e-12));
    let drowned = broad.clone().with_tailwater(Elevation(100.6)).unwrap();
    assert!(close(flow(&drowned, 101.2), 15.160976058888078, 1e-12));
    assert_eq!(flow(&drowned, 100.6), 0.0, "no flow while the pond is at the tailwater");
    assert_eq!(d(&broad, 100.0).regime, Regime::Dry);
    assert_eq!(d(&broad, 100.5).regime, Regime::Weir);
}

// Goal: the approach-velocity head converges to the fixed point H₀ = H + (Q(H₀)/A)²/(2g).
// Setup: broad-crested m = 0.385, L = 8, crest 100, approach 10 m wide with its bed at 98,
// stage 101.2 (A = 32 m², v₀²/2g ≈ 0.014 m ≪ 0.1 H).
// Reference: 200 fixed-point iterations in double precision: Q = 18.309127857108834 m³/s.
// Tolerance: 1e-4 relative — the documented accuracy of the three passes used (the contraction
// factor of the iteration is ≈ 0.02 here, so three passes leave ~1e-6).
#[test]
fn weir_approach_velocity_head_matches_fixed_point() {
    let broad =
        Weir::new("b", Elevation(100.0), WeirForm::BroadCrested { length_m: 8.0, m: 0.385 })
            .unwrap()
            .with_approach(Approach { width_m: 10.0, bed: Elevation(98.0), alpha: 1.0 })
            .unwrap();
    assert!(close(flow(&broad, 101.2), 18.309127857108834, 1e-4));
}

// Goal: side and bottom orifices follow their laws in each regime.
// Setup: g = 9.81, C_d = 0.61 (side) / 0.6 (bottom), inverts at 100 m.
// Reference:
// - rectangle 1 × 0.5 m, exact rule: weir at depth 0.3, (2/3)·0.61·1·4.429447·0.3^1.5 =
//   0.2959851753044398; submerged at depth 2, (2/3)·0.61·4.429447·(2^1.5 − 1.5^1.5) =
//   1.7856547147837507;
// - circle D = 1, exact rule: independent midpoint rule in ζ with 2·10⁶ cells of
//   0.61·√(2g)·∫ w(ζ) √(h − ζ) dζ: h = 0.3 → 0.17591232003012694, 1.0 → 1.4410467307950068,
//   1.5 → 2.104829838084142, 3.0 → 3.351140002748605;
// - bottom circle D = 0.5: h_c = (0.6/0.414)(A/P) = 0.181159 m; h = 0.1 perimeter weir
//   0.414·π·0.5·4.429447·0.1^1.5 = 0.09108979394878602; h = 1 orifice 0.6·A·√(2g) =
//   0.5218319211478022.
// Tolerance: 1e-12 for closed forms; 1e-8 for the circle (the midpoint reference's own error,
// O(Δζ^1.5) at the square-root edges, is ~1e-9).
#[test]
fn orifice_laws_match_hand_computed_values() {
    let inv = Elevation(100.0);
    let rect = OrificeShape::Rectangular { width_m: 1.0, height_m: 0.5 };
    let side = Orientation::Side(SideRule::Exact);
    let r = Orifice::new("r", rect, side, inv, 0.61).unwrap();
    assert!(close(flow(&r, 100.3), 0.2959851753044398, 1e-12));
    assert!(close(flow(&r, 102.0), 1.7856547147837507, 1e-12));
    assert_eq!(d(&r, 100.3).regime, Regime::Weir);
    assert_eq!(d(&r, 102.0).regime, Regime::Orifice);
    let circle = OrificeShape::Circular { diameter_m: 1.0 };
    let c = Orifice::new("c", circle, side, inv, 0.61).unwrap();
    for (h, q) in [
        (0.3, 0.17591232003012694),
        (1.0, 1.4410467307950068),
        (1.5, 2.104829838084142),
        (3.0, 3.351140002748605),
    ] {
        assert!(close(flow(&c, 100.0 + h), q, 1e-8), "h = {h}: {}", flow(&c, 100.0 + h));
    }
    let bottom = OrificeShape::Circular { diameter_m: 0.5 };
    let b = Orifice::new("b", bottom, Orientation::Bottom, inv, 0.6).unwrap();
    assert!(close(b.bottom_critical_head(), 0.6 / 0.414 * 0.125, 1e-12));
    assert!(close(flow(&b, 100.1), 0.09108979394878602, 1e-12));
    assert!(close(flow(&b, 101.0), 0.5218319211478022, 1e-12));
}

// Goal: deep below the surface the exact circular side orifice tends to C_d A √(2g H_c).
// Setup: D = 1, centroid head H_c = 5, 10, 20 m.
// Reference: expanding √(H_c − ζ) about the centroid, Q = C_d A √(2g H_c) (1 − r²/(32 H_c²) + …)
// (the first moment vanishes, the second is A r²/4).
// Tolerance: 1e-6 relative — the next term is O(r⁴/H_c⁴) ≲ 1e-6 at H_c = 5.
#[test]
fn submerged_circular_orifice_tends_to_centroid_head_law() {
    let circle = OrificeShape::Circular { diameter_m: 1.0 };
    let side = Orientation::Side(SideRule::Exact);
    let c = Orifice::new("c", circle, side, Elevation(0.0), 0.61).unwrap();
    let area = std::f64::consts::FRAC_PI_4;
    for hc in [5.0, 10.0, 20.0] {
        let asymptote = 0.61 * area * (2.0 * G * hc).sqrt() * (1.0 - 0.25 / (32.0 * hc * hc));
        assert!(close(flow(&c, 0.5 + hc), asymptote, 1e-6), "H_c = {hc}");
    }
}

// Goal: a tailwater drowns the lower part of a side opening: that part sees the head to the
// tailwater, the rest its local depth; a fully drowned opening is C_d A √(2g (z − z_t)).
// Setup: exact rule, C_d 0.61, invert 100, g 9.81.
// Reference:
// - rectangle 1 × 0.5, tailwater 100.2, stage 101:
//   0.61·√(2g)·[0.2·√0.8 + (2/3)(0.8^1.5 − 0.5^1.5)] = 1.1353944496598276;
// - circle D = 1, tailwater 100.4: independent midpoint rule (2·10⁶ cells) of
//   0.61·√(2g)·∫ w √(h − max(ζ, 0.4)) dζ: h = 0.8 → 0.9431414089826747, h = 1.5 →
//   2.044655441299346;
// - circle D = 1, tailwater 101.5 (above the crown), stage 103: 0.61·(π/4)·√(2g·1.5) =
//   2.5990512745603764.
// Tolerance: 1e-12 closed forms, 1e-8 against the midpoint reference (its own error ~1e-9).
#[test]
fn drowned_side_orifice_splits_head_at_the_tailwater() {
    let side = Orientation::Side(SideRule::Exact);
    let rect = OrificeShape::Rectangular { width_m: 1.0, height_m: 0.5 };
    let r = Orifice::new("r", rect, side, Elevation(100.0), 0.61)
        .unwrap()
        .with_tailwater(Elevation(100.2))
        .unwrap();
    assert!(close(flow(&r, 101.0), 1.1353944496598276, 1e-12));
    assert_eq!(flow(&r, 100.2), 0.0);
    let circle = OrificeShape::Circular { diameter_m: 1.0 };
    let c = Orifice::new("c", circle, side, Elevation(100.0), 0.61).unwrap();
    let partly = c.clone().with_tailwater(Elevation(100.4)).unwrap();
    assert!(close(flow(&partly, 100.8), 0.9431414089826747, 1e-8));
    assert!(close(flow(&partly, 101.5), 2.044655441299346, 1e-8));
    let drowned = c.with_tailwater(Elevation(101.5)).unwrap();
    assert!(close(flow(&drowned, 103.0), 2.5990512745603764, 1e-12));
}

/// Box culvert 2 × 2 m, inlet invert 100, outlet 98, L = 200 m (S = 0.01), n = 0.014,
/// ζ_e = 0.5 (default), free outlet.
fn box_culvert() -> Conduit {
    let shape = ConduitShape::Box { width_m: 2.0, height_m: 2.0 };
    Conduit::new("box", shape, Elevation(100.0), Elevation(98.0), 200.0, 0.014).unwrap()
}

// Goal: each conduit regime follows its stated law.
// Setup: box_culvert (above), g = 9.81.
// Reference (hand computed):
// - inlet control, H = 1: critical depth at the entrance y = H/(1 + 1.5/2) = 0.571429,
//   Q = 2·y·√(2g (H − y)/1.5) = 2.7058731069909814 (free surface, inlet controls);
// - barrel free capacity: A R^(2/3) S^½ / n = 4·0.5^(2/3)·0.1/0.014 = 17.99887214135533;
// - pressure: λ = 8·9.81·0.014²/0.5^(1/3) = 0.019380, μ_c = 1/√(1 + 0.5 + λ·200/2) =
//   0.5393190493115696;
// - submerged inlet matched at H = 1.2 D = 2.4: μ_i = Q_weir(2.4)/(A √(2g·1.4)) =
//   0.4799000312391532; at E = 103 (H = 3): Q = μ_i·4·√(2g·2) = 12.024728207454018 <
//   Q_p = μ_c·4·√(2g·4) = 19.11 → half-pressure, inlet controls.
// Tolerance: 1e-9 relative — the critical-depth root is solved to 1e-13 D.
#[test]
fn conduit_regimes_match_hand_computed_values() {
    let c = box_culvert();
    assert!(close(c.barrel_free_capacity(), 17.99887214135533, 1e-12));
    assert!(close(c.pressure_coefficient(), 0.5393190493115696, 1e-12));
    assert!(close(c.inlet_orifice_coefficient(), 0.4799000312391532, 1e-9));
    let low = d(&c, 101.0);
    assert!(close(low.flow_m3s, 2.7058731069909814, 1e-9));
    assert_eq!((low.regime, low.control), (Regime::FreeSurface, Control::Inlet));
    let high = d(&c, 103.0);
    assert!(close(high.flow_m3s, 12.024728207454018, 1e-9));
    assert_eq!((high.regime, high.control), (Regime::HalfPressure, Control::Inlet));
}

// Goal: a long, rough tunnel is barrel controlled under pressure at high stage, and its
// pressure head is measured to a drowning tailwater when one is given.
// Setup: circular D = 1 m, inlet 339.5, outlet 334.5, L = 500 m, n = 0.014, ζ_e = 0.5.
// Reference: λ = 8·9.81·0.014²/0.25^(1/3) = 0.024418, μ_c = 1/√(1 + 0.5 + λ·500/1) = 0.27008;
// Q_p(346.5) = μ_c·(π/4)·√(2g (346.5 − 335.0)) with the head to the outlet centre; with a
// tailwater at 340: head 6.5 m.
// Tolerance: 1e-12 (closed form).
#[test]
fn long_tunnel_is_barrel_controlled_under_pressure() {
    let shape = ConduitShape::Circular { diameter_m: 1.0 };
    let c = Conduit::new("t", shape, Elevation(339.5), Elevation(334.5), 500.0, 0.014).unwrap();
    let lambda = 8.0 * G * 0.014f64.powi(2) / 0.25f64.powf(1.0 / 3.0);
    let mu = 1.0 / (1.5 + lambda * 500.0).sqrt();
    let a = std::f64::consts::FRAC_PI_4;
    let q = d(&c, 346.5);
    assert_eq!((q.regime, q.control), (Regime::Pressure, Control::Conduit));
    assert!(close(q.flow_m3s, mu * a * (2.0 * G * 11.5).sqrt(), 1e-12));
    let drowned = c.with_tailwater(Elevation(340.0)).unwrap();
    assert!(close(flow(&drowned, 346.5), mu * a * (2.0 * G * 6.5).sqrt(), 1e-12));
    assert_eq!(flow(&drowned, 340.0), 0.0, "no flow against an equal tailwater");
}

/// Window tower used in several tests: base 339.5, crown 346, shaft D 3 m (outer 3.6 m),
/// windows from 340 every 0.9 m, 6 per row, 0.6 × 0.6 m (7 rows), plugged up to 342 (open rows
/// from the 342.7 sill).
fn window_tower() -> WindowTower {
    let windows = Windows {
        bottom: Elevation(340.0),
        row_spacing_m: 0.9,
        per_row: 6,
        width_m: 0.6,
        height_m: 0.6,
        rows: None,
    };
    WindowTower::new(
        "tower-1",
        Elevation(339.5),
        Elevation(346.0),
        3.6,
        Shaft::new(3.0),
        windows,
        Elevation(342.0),
    )
    .unwrap()
}

/// A 1 m, 500 m long concrete tunnel from the tower base.
fn small_tunnel() -> Conduit {
    let shape = ConduitShape::Circular { diameter_m: 1.0 };
    Conduit::new("tunnel-1", shape, Elevation(339.5), Elevation(334.5), 500.0, 0.014).unwrap()
}

// Goal: the window tower's inlet sums the open windows (weir then orifice) and the crown ring.
// Setup: window_tower(), no outlet, μ = 0.61, exact rule, m_c = 0.40, g = 9.81.
// Reference (hand computed, √(2g) = 4.429447):
// - 343.0: only the 342.7 row wet, weir: 6·0.61·√(2g)·(2/3)·0.6·0.3^1.5 = 1.0655466310959836;
// - 343.5: that row submerged: 6·0.61·√(2g)·(2/3)·0.6·(0.8^1.5 − 0.2^1.5) = 4.060070845174997;
// - 346.5: four open rows submerged plus crown 0.40·π·3.6·√(2g)·0.5^1.5 = 40.193546528916954.
// Rows below 342 are plugged: 341.5 is dry. Tolerance: 1e-12 (closed forms).
#[test]
fn window_tower_inlet_matches_hand_computed_values() {
    let t = window_tower();
    assert_eq!(t.rows(), 7);
    assert_eq!(flow(&t, 341.5), 0.0);
    let q = d(&t, 343.0);
    assert!(close(q.flow_m3s, 1.0655466310959836, 1e-12));
    assert_eq!((q.regime, q.control), (Regime::Weir, Control::Inlet));
    let q = d(&t, 343.5);
    assert!(close(q.flow_m3s, 4.060070845174997, 1e-12));
    assert_eq!(q.regime, Regime::Orifice);
    let q = d(&t, 346.5);
    assert!(close(q.flow_m3s, 40.193546528916954, 1e-12));
    assert_eq!(q.regime, Regime::Weir);
    // Unplugging the lower rows adds their flow.
    let open = window_tower().with_sealed_up_to(Elevation(339.0)).unwrap();
    assert!(flow(&open, 343.0) > 3.0 * flow(&t, 343.0));
}

// Goal: series control switches from the tower inlet to a small tunnel as the pond rises.
// Setup: window_tower() with small_tunnel() as outlet; shaft friction (λ_s·6.5/3) and bend 0.5
// referred to the tunnel: ζ' = (λ_s·6.5/3 + 0.5)(A_c/A_s)² = 0.0066257.
// Reference: at 343.0 the inlet (1.0655 m³/s) is below the tunnel capacity (≈ 2.66) → inlet
// controls; at 346.5 the tunnel under pressure governs:
// μ_c = 1/√(1 + 0.5 + 0.0066257 + λ·500) = 0.27001998473454064,
// Q = μ_c·(π/4)·√(2g·11.5) = 3.1855484254494444.
// Tolerance: 1e-9 relative (λ_s computed in double precision here and there).
#[test]
fn small_tunnel_controls_big_tower_at_high_stage() {
    let t = window_tower().with_outlet(small_tunnel()).unwrap();
    let low = d(&t, 343.0);
    assert_eq!((low.regime, low.control), (Regime::Weir, Control::Inlet));
    assert!(close(low.flow_m3s, 1.0655466310959836, 1e-12));
    let high = d(&t, 346.5);
    assert_eq!((high.regime, high.control), (Regime::Pressure, Control::Conduit));
    assert!(close(high.flow_m3s, 3.1855484254494444, 1e-9));
}

// Goal: a narrow shaft controls when it is the smallest capacity.
// Setup: frame tower, base 340, frame top 352, plates at 350, 8 m open perimeter, μ 0.61,
// shaft 0.5 m (so the shaft, not the 8 m crest, governs at 351.5).
// Reference: inlet at 351: (2/3)·0.61·8·√(2g)·1 = 14.4104673067878 with a 3 m shaft; at 353
// (submerged) (2/3)·0.61·8·√(2g)(3^1.5 − 1) = 60.46851730171234. 0.5 m shaft at 351.5:
// A_s √(2g·11.5/(1 + 0.5 + λ_s·11.5/0.5)), λ_s = 8·9.81·0.014²/0.125^(1/3).
// Tolerance: 1e-12 (closed forms).
#[test]
fn frame_tower_weir_orifice_and_shaft_control() {
    let frame = |shaft_d: f64| {
        FrameTower::new(
            "frame",
            Elevation(340.0),
            Elevation(352.0),
            Elevation(350.0),
            8.0,
            Shaft::new(shaft_d),
        )
        .unwrap()
    };
    let big = frame(3.0);
    let q = d(&big, 351.0);
    assert!(close(q.flow_m3s, 14.4104673067878, 1e-12));
    assert_eq!((q.regime, q.control), (Regime::Weir, Control::Inlet));
    let q = d(&big, 353.0);
    assert!(close(q.flow_m3s, 60.46851730171234, 1e-12));
    assert_eq!(q.regime, Regime::Orifice);
    let narrow = frame(0.5);
    let lambda = 8.0 * G * 0.014f64.powi(2) / 0.125f64.powf(1.0 / 3.0);
    let a = std::f64::consts::PI * 0.0625;
    let expected = a * (2.0 * G * 11.5 / (1.5 + lambda * 11.5 / 0.5)).sqrt();
    let q = d(&narrow, 351.5);
    assert_eq!((q.regime, q.control), (Regime::Pressure, Control::Shaft));
    assert!(close(q.flow_m3s, expected, 1e-12));
}

// Goal: an inclined trough passes weir flow into its mouth, then half-pressure, and its outlet
// conduit can control.
// Setup: trough 1 × 1 m at 20°, low end 330, head 350, covers up to 340, n = 0.014, ζ_e = 0.5;
// outlet: 0.6 m pipe from 330 to 325, 300 m.
// Reference: at 340.5 (H = 0.5) critical flow at the mouth, y = 0.5/1.75,
// Q = 1·y·√(2g (0.5 − y)/1.5) = 0.47833530574590877; at 341.5 (H = 1.5 ≥ 1.2 d) the mouth is
// submerged → half-pressure; at 345 the 0.6 m outlet pipe governs.
// Tolerance: 1e-9 relative (critical-depth root).
#[test]
fn inclined_trough_regimes_follow_the_rising_pond() {
    let trough = InclinedTrough::new(
        "trough",
        1.0,
        1.0,
        20f64.to_radians(),
        Elevation(330.0),
        Elevation(350.0),
        Elevation(340.0),
        0.014,
    )
    .unwrap();
    let q = d(&trough, 340.5);
    assert!(close(q.flow_m3s, 0.47833530574590877, 1e-9));
    assert_eq!((q.regime, q.control), (Regime::Weir, Control::Inlet));
    assert_eq!(d(&trough, 341.5).regime, Regime::HalfPressure);
    let pipe = Conduit::new(
        "pipe",
        ConduitShape::Circular { diameter_m: 0.6 },
        Elevation(330.0),
        Elevation(325.0),
        300.0,
        0.014,
    )
    .unwrap();
    let with_pipe = trough.with_outlet(pipe).unwrap();
    assert_eq!(d(&with_pipe, 345.0).control, Control::Conduit);
    assert_eq!(flow(&with_pipe, 339.9), 0.0);
}

// Goal: a spillway is its crest weir until the chute cap governs.
// Setup: practical crest at 370.5, one 8 m bay (ε from ξ_k = 0.7), chute capacity 20 m³/s.
// Reference: at 371.5, ε = 1 − 0.2·0.7·(1/8) = 0.9825, Q = 0.9825·0.48·8·√(2g)·1 = 16.7117…;
// at 373 the weir exceeds 20 → 20, free surface, control conduit (the chute).
// Tolerance: 1e-12 (closed form).
#[test]
fn spillway_is_crest_weir_until_chute_caps_it() {
    let s = Spillway::practical("spillway", Elevation(370.5), 1, 8.0)
        .unwrap()
        .with_chute_capacity(20.0)
        .unwrap();
    let eps = 1.0 - 0.2 * 0.7 * (1.0 / 8.0);
    assert!(close(flow(&s, 371.5), eps * 0.48 * 8.0 * (2.0 * G).sqrt(), 1e-12));
    let q = d(&s, 373.0);
    assert_eq!((q.flow_m3s, q.regime, q.control), (20.0, Regime::FreeSurface, Control::Conduit));
}

// Goal: a rating table interpolates linearly, is zero below its first stage and refuses
// stages above its top unless extrapolation is allowed.
// Setup: (100, 0), (101, 2), (103, 10). Reference: 100.5 → 1, 102 → 6; extrapolated 104 → 14.
// Tolerance: 1e-12.
#[test]
fn rating_table_interpolates_and_guards_its_top() {
    let t = RatingTable::new("t", vec![100.0, 101.0, 103.0], vec![0.0, 2.0, 10.0], false).unwrap();
    assert_eq!(flow(&t, 99.0), 0.0);
    assert!(close(flow(&t, 100.5), 1.0, 1e-12));
    assert!(close(flow(&t, 102.0), 6.0, 1e-12));
    assert_eq!(d(&t, 102.0).regime, Regime::Table);
    let err = t.try_discharge(Elevation(104.0), 0.0).unwrap_err();
    assert!(matches!(err, StructureError::StageAboveTable { stage: 104.0, top: 103.0, .. }));
    let x = RatingTable::new("x", vec![100.0, 101.0, 103.0], vec![0.0, 2.0, 10.0], true).unwrap();
    assert!(close(x.try_discharge(Elevation(104.0), 0.0).unwrap().flow_m3s, 14.0, 1e-12));
    let nan = x.try_discharge(Elevation(f64::NAN), 0.0).unwrap_err();
    assert!(matches!(nan, StructureError::NonFiniteStage { .. }));
}

// Goal: constructors reject impossible geometry with typed errors carrying the values.
#[test]
fn constructors_reject_bad_input_with_the_offending_values() {
    let mut windows = Windows {
        bottom: Elevation(340.0),
        row_spacing_m: 0.9,
        per_row: 6,
        width_m: 0.6,
        height_m: 0.6,
        rows: Some(9),
    };
    let tower = |w: Windows| {
        WindowTower::new(
            "t",
            Elevation(339.5),
            Elevation(346.0),
            3.6,
            Shaft::new(3.0),
            w,
            Elevation(0.0),
        )
    };
    let top = 340.0 + 8.0 * 0.9 + 0.6;
    assert_eq!(
        tower(windows).unwrap_err(),
        StructureError::WindowAboveCrown { structure: "t".into(), row: 9, top, crown: 346.0 }
    );
    windows.rows = None;
    windows.bottom = Elevation(339.0);
    assert_eq!(
        tower(windows).unwrap_err(),
        StructureError::SillBelowBase { structure: "t".into(), sill: 339.0, base: 339.5 }
    );
    windows.bottom = Elevation(340.0);
    windows.width_m = -0.6;
    assert!(matches!(
        tower(windows).unwrap_err(),
        StructureError::NotPositive { parameter: "windows.width", value: -0.6, .. }
    ));
    assert!(matches!(
        RatingTable::new("r", vec![1.0, 2.0, 3.0], vec![0.0, 5.0, 4.0], false).unwrap_err(),
        StructureError::TableFlowsDecreasing { index: 2, flow: 4.0, previous: 5.0, .. }
    ));
    assert!(matches!(
        RatingTable::new("r", vec![1.0, 1.0], vec![0.0, 5.0], false).unwrap_err(),
        StructureError::TableStagesNotIncreasing { index: 1, .. }
    ));
    let shape = ConduitShape::Circular { diameter_m: 1.0 };
    assert!(matches!(
        Conduit::new("c", shape, Elevation(100.0), Elevation(101.0), 50.0, 0.014).unwrap_err(),
        StructureError::NonPositiveSlope { inlet: 100.0, outlet: 101.0, .. }
    ));
    assert!(matches!(
        Weir::new("w", Elevation(f64::NAN), WeirForm::BroadCrested { length_m: 1.0, m: 0.385 })
            .unwrap_err(),
        StructureError::NotFinite { parameter: "crest", .. }
    ));
    assert!(Condition::Blocked { remaining: 1.5 }.validate("x").is_err());
}

// Goal: the condition factor scales flow at every stage and closure stops it.
// Setup: window tower + tunnel; blocked to 40 %, damaged to 70 %, closed.
// Reference: Q_blocked = 0.4 Q_intact with the same regime and control; closed → 0, `closed`.
// Tolerance: 1e-15 relative (one multiplication).
#[test]
fn condition_factor_scales_capacity() {
    let intact = Structure::from(window_tower().with_outlet(small_tunnel()).unwrap());
    let blocked = intact.clone().with_condition(Condition::Blocked { remaining: 0.4 }).unwrap();
    let damaged = intact.clone().with_condition(Condition::Damaged { remaining: 0.7 }).unwrap();
    let closed = intact.clone().with_condition(Condition::Closed).unwrap();
    for z in [342.0, 343.0, 344.5, 346.5, 348.0] {
        let q = d(&intact, z);
        let b = d(&blocked, z);
        assert!(close(b.flow_m3s, 0.4 * q.flow_m3s, 1e-15));
        assert_eq!((b.regime, b.control), (q.regime, q.control));
        assert!(close(flow(&damaged, z), 0.7 * q.flow_m3s, 1e-15));
        let c = d(&closed, z);
        assert_eq!((c.flow_m3s, c.regime), (0.0, Regime::Closed));
    }
}

/// Every (regime, control) change on a uniform grid of `n` stages over `[lo, hi]`, located by
/// bisection to 1e-11 m at `p`, must be continuous: the jump `J(δ) = |Q(p + δ) − Q(p − δ)|`
/// must satisfy `J(1e-10) ≤ 1e-6 max(1, Q)` (slopes here stay below 10³ m²/s, so a Lipschitz
/// rating moves < 2e-7 m³/s across that bracket), or else shrink with the bracket,
/// `J(1e-10) < 0.1 J(1e-6)`: Villemonte's factor makes `Q ∝ (z − z_t)^0.385` where the pond
/// meets the tailwater — continuous, not Lipschitz — so `J` falls by (10⁻⁴)^0.385 ≈ 0.03 there,
/// while a true jump does not fall at all.
/// Also checks every flow is finite, non-negative and non-decreasing (to 1e-9 relative, the
/// critical-depth root's round-off).
fn assert_monotone_and_continuous(o: &dyn Outlet, lo: f64, hi: f64, n: usize) {
    let mut prev = d(o, lo);
    let mut prev_z = lo;
    for i in 1..n {
        let z = lo + (hi - lo) * i as f64 / (n - 1) as f64;
        let cur = d(o, z);
        assert!(cur.flow_m3s.is_finite() && cur.flow_m3s >= 0.0, "{} at {z}: {cur:?}", o.id());
        assert!(
            cur.flow_m3s >= prev.flow_m3s - 1e-9 * prev.flow_m3s.max(1e-3),
            "{} decreases from {prev:?} at {prev_z} to {cur:?} at {z}",
            o.id()
        );
        if (cur.regime, cur.control) != (prev.regime, prev.control) {
            let (mut a, mut b) = (prev_z, z);
            let key = (prev.regime, prev.control);
            while b - a > 1e-11 {
                let m = 0.5 * (a + b);
                let dm = d(o, m);
                if (dm.regime, dm.control) == key { a = m } else { b = m }
            }
            let p = 0.5 * (a + b);
            let jump = |delta: f64| (flow(o, p + delta) - flow(o, p - delta)).abs();
            let (fine, coarse) = (jump(1e-10), jump(1e-6));
            assert!(
                fine <= 1e-6 * flow(o, p).max(1.0) || fine < 0.1 * coarse,
                "{} jumps by {fine} (by {coarse} over ±1e-6) at {p} ({key:?} → {:?})",
                o.id(),
                d(o, b)
            );
        }
        prev = cur;
        prev_z = z;
    }
}

// Goal: the demo-like tower + tunnel + spillway set is monotone and continuous at every regime
// or control change (including the tunnel's inlet/barrel switches found by bisection).
// Setup: 20 000 stages from 338 to 352 m. Reference/tolerance: see assert_monotone_and_continuous.
#[test]
fn demo_set_is_monotone_and_continuous_at_every_regime_change() {
    for s in demo_set() {
        assert_monotone_and_continuous(&s, 338.0, 352.0, 20_000);
    }
    let (orifice, weir) = pond_basic_outlets();
    assert_monotone_and_continuous(&orifice, 100.0, 115.0, 20_000);
    assert_monotone_and_continuous(&weir, 100.0, 115.0, 20_000);
}

/// A demo-like set: window tower with a horseshoe tunnel, a practical spillway.
fn demo_set() -> Vec<Structure> {
    let windows = Windows {
        bottom: Elevation(340.0),
        row_spacing_m: 0.9,
        per_row: 6,
        width_m: 0.6,
        height_m: 0.6,
        rows: None,
    };
    let tunnel = Conduit::new(
        "tunnel-1",
        ConduitShape::Horseshoe { width_m: 2.0, height_m: 2.2 },
        Elevation(338.0),
        Elevation(330.0),
        450.0,
        0.014,
    )
    .unwrap();
    let tower = WindowTower::new(
        "tower-1",
        Elevation(338.0),
        Elevation(349.0),
        3.6,
        Shaft::new(3.0),
        windows,
        Elevation(343.0),
    )
    .unwrap()
    .with_outlet(tunnel)
    .unwrap();
    let spillway = Spillway::practical("spillway", Elevation(348.5), 1, 8.0).unwrap();
    vec![tower.into(), spillway.into()]
}

// Goal: the combined rating sums the structures and reports the dominant one's regime.
// Setup: demo_set at 1000 stages 338–352 m.
// Reference: row flow = Σ structure flows (exact sum, same order). Tolerance: exact.
#[test]
fn combined_rating_curve_sums_structures() {
    let set = demo_set();
    let stages = stage_grid(Elevation(338.0), Elevation(352.0), 1000);
    let combined = combined_rating_curve(&set, &stages);
    let tower = rating_curve(&set[0], &stages);
    let spill = rating_curve(&set[1], &stages);
    assert_eq!(combined.rows.len(), 1000);
    assert_eq!(tower.structure_id, "tower-1");
    assert_eq!(tower.kind, "window_tower");
    for ((c, t), s) in combined.rows.iter().zip(&tower.rows).zip(&spill.rows) {
        assert_eq!(c.flow_m3s, t.flow_m3s + s.flow_m3s);
        let dominant = if s.flow_m3s > t.flow_m3s { s } else { t };
        if c.flow_m3s > 0.0 {
            assert_eq!((c.regime, c.control), (dominant.regime, dominant.control));
        }
    }
}

mod random_geometries;
