//! Shared builders for the verification tests (SI units).
#![allow(dead_code)]

use tailtwin_stability::*;

pub const FT: f64 = 0.3048;
pub const PSF: f64 = 47.880_258_98;
pub const PCF: f64 = 157.087_463_8;

pub fn pts(v: &[(f64, f64)], scale: f64) -> Vec<Point2> {
    v.iter().map(|&(x, z)| Point2::new(x * scale, z * scale)).collect()
}

/// Fredlund & Krahn (1977) slope, converted from ft/psf/pcf to SI.
pub fn fredlund_krahn(material: Material) -> SlopeProblem {
    let g = pts(&[(0.0, 60.0), (60.0, 60.0), (140.0, 20.0), (180.0, 20.0)], FT);
    SlopeProblem::dry(SlopeModel::single_layer(&g, 0.0, material).unwrap())
}

pub fn fk_material() -> Material {
    Material::mohr_coulomb("soil", 120.0 * PCF, 600.0 * PSF, 20f64.to_radians())
}

pub fn fk_circle() -> SlipSurface {
    SlipSurface::Circle { xc_m: 120.0 * FT, yc_m: 90.0 * FT, radius_m: 80.0 * FT }
}

/// ACADS EX1(a): the 2:1 face from (30, 25) to (50, 35), flats extended to x = 0 and 90.
pub fn acads() -> SlopeProblem {
    let g = pts(&[(0.0, 25.0), (30.0, 25.0), (50.0, 35.0), (90.0, 35.0)], 1.0);
    let m = Material::mohr_coulomb("soil", 20e3, 3e3, 19.6f64.to_radians());
    SlopeProblem::dry(SlopeModel::single_layer(&g, 20.0, m).unwrap())
}

/// The ACADS search: 20 × 20 centres over x 20–50, y 35–70, 20 tangent lines from the base
/// (y = 20) to y = 30.
pub fn acads_search(method: Method) -> SearchSettings {
    let centres = CentreGrid { x_min: 20.0, x_max: 50.0, nx: 20, y_min: 35.0, y_max: 70.0, ny: 20 };
    let radii = Radii::Tangents { y_min: 20.0, y_max: 30.0, count: 20 };
    SearchSettings::new(method, CircleTrials::Grid { centres, radii })
}

pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}
