//! Typed errors of the stability crate. Every variant carries the offending values.

use thiserror::Error;

/// Bad input or an impossible trial surface.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StabilityError {
    #[error("coordinate {what} is not finite ({value})")]
    NotFinite { what: String, value: f64 },
    #[error("zone {zone}: polygon needs at least 3 vertices, got {vertices}")]
    ZonePolygon { zone: usize, vertices: usize },
    #[error(
        "zone {zone} refers to material {material}, but only {materials} materials are defined"
    )]
    ZoneWithoutMaterial { zone: usize, material: usize, materials: usize },
    #[error("material {name:?}: {what} = {value} must be {rule}")]
    BadMaterial { name: String, what: &'static str, value: f64, rule: &'static str },
    #[error("zones {first} and {second} overlap near ({x:.3}, {y:.3}) m")]
    ZonesOverlap { first: usize, second: usize, x: f64, y: f64 },
    #[error("the section has no zones")]
    NoZones,
    #[error("{what} = {value} is outside its valid range {range}")]
    OutOfRange { what: &'static str, value: f64, range: &'static str },
    #[error("the slip surface is outside the section: {detail}")]
    SurfaceOutsideSection { detail: String },
    #[error("the slip surface does not cut a sliding mass: {detail}")]
    NoSlidingMass { detail: String },
    #[error("polyline {what}: {detail}")]
    BadPolyline { what: &'static str, detail: String },
    #[error("search setting {what}: {detail}")]
    BadSearch { what: &'static str, detail: String },
    #[error("no admissible trial surface among {trials} trials ({failed} did not converge)")]
    NoAdmissibleSurface { trials: usize, failed: usize },
}

/// Why a limit-equilibrium method gave no factor of safety on a surface. A method that fails is
/// reported with one of these, never with a number.
#[derive(Debug, Clone, PartialEq, Error, serde::Serialize)]
pub enum MethodError {
    #[error(
        "{method}: no driving moment or force (denominator {denominator:.4e}); the mass does not tend to slide"
    )]
    NoDriving { method: &'static str, denominator: f64 },
    #[error("{method}: m_alpha = {m_alpha:.4} at slice {slice} (x = {x:.3} m) is not positive")]
    NonPositiveMAlpha { method: &'static str, m_alpha: f64, slice: usize, x: f64 },
    #[error(
        "{method}: did not converge in {iterations} iterations (last F = {last_fos:.6}, residual {residual:.3e})"
    )]
    NotConverged { method: &'static str, iterations: usize, last_fos: f64, residual: f64 },
    #[error("{method}: factor of safety {fos:.6} is not positive and finite")]
    NonPhysical { method: &'static str, fos: f64 },
    #[error(
        "{method}: no trial surface gave a factor of safety ({failed} of {trials} trials did not converge, the rest cut no sliding mass)"
    )]
    NoConvergedSurface { method: &'static str, trials: usize, failed: usize },
}
