//! Integration tests: discharge structures. Hand-computed values per regime, SWMM's outlet
//! equations for the R4 case, continuity at regime changes, monotonicity over random
//! geometries, series control switching and condition scaling.

use tailtwin::pond::structures::*;
use tailtwin_core::{Elevation, Regime};

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
