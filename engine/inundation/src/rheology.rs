//! Bed resistance of the flowing material: water (Manning only) or a tailings mixture with a
//! yield stress (Bingham, Herschel–Bulkley, O'Brien–Julien quadratic).
//!
//! The momentum equations lose `τ_b/ρ` per unit area along the flow (depth-averaged, `U` the
//! depth-averaged speed, `h` the depth). Every model is split as `τ_b = τ_y + τ_v(U, h)` with
//! `τ_v(0, h) = 0`, so that
//! - the yield part `τ_y/ρ` acts as a Coulomb-like bounded force: a cell whose trial momentum
//!   after the flux update is smaller than `Δt τ_y/ρ` stops (the flow holds where
//!   `ρ g h |∇η| ≤ τ_y`, the static yield balance);
//! - the rate part is implicit through its secant drag `κ = τ_v/(ρ U)`.
//!
//! Models (uniform laminar sheet flow; Huang & García 1998; Coussot 1997):
//! - **Herschel–Bulkley** `τ = τ_y + K γ̇ⁿ`: with `ξ = τ_y/τ_b` (plug fraction of the depth),
//!   `U = (n h/(n+1)) (τ_b/K)^{1/n} (1−ξ)^{1+1/n} [1 − n(1−ξ)/(2n+1)]`, solved for `τ_b`
//!   by bisection on `ξ` (`U` decreases monotonically in `ξ`).
//! - **Bingham** (`n = 1`, `K = μ_B`): the same relation is Buckingham–Reiner's
//!   `U = h τ_b/(3μ) (1 − 3ξ/2 + ξ³/2)`; as `U → 0`, `τ_b → τ_y` (not the 3/2 τ_y of the
//!   linearised `τ_b = 3τ_y/2 + 3μU/h`, which would misplace the stopping profile).
//! - **O'Brien–Julien** (1988; FLO-2D): `S_f = τ_y/(ρ g h) + K_l μ U/(8 ρ g h²) + n_td² U²/h^{4/3}`,
//!   i.e. `τ_b = τ_y + K_l μ U/(8h) + ρ g n_td² U²/h^{1/3}`; the turbulent-dispersive `n_td`
//!   is the cell's Manning n (applied by the solver for every model).
//!
//! Parameter relations from the volumetric solids concentration `C_v` (O'Brien & Julien 1988):
//! `τ_y = α₂ e^{β₂ C_v}` (dyn/cm² = 0.1 Pa), `μ = α₁ e^{β₁ C_v}` (poise = 0.1 Pa·s), mixture
//! density `ρ_m = ρ_w + C_v (ρ_s − ρ_w)`. The coefficient pairs are material-specific; the
//! [`ConcentrationCoefficients::OBRIEN_JULIEN_AGGREGATE`] default is the "Aspen Pit 1" sample of
//! O'Brien & Julien (1988, J. Hydraul. Eng. 114(8), Table 2), checked against the published table;
//! it is a natural mudflow matrix, not a tailings: replace it with lab values for the site.

use crate::error::{InundationError, in_range, non_negative, positive};

/// Density of water, kg/m³.
pub const WATER_DENSITY: f64 = 1000.0;

/// The flowing material.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Rheology {
    /// Water: Manning friction only.
    #[default]
    Water,
    /// Bingham plastic: yield stress `τ_y` (Pa), plastic viscosity `μ` (Pa·s), density (kg/m³).
    Bingham { yield_stress_pa: f64, viscosity_pa_s: f64, density_kgm3: f64 },
    /// Herschel–Bulkley: `τ_y` (Pa), consistency `K` (Pa·sⁿ), flow index `n`, density.
    HerschelBulkley { yield_stress_pa: f64, consistency: f64, flow_index: f64, density_kgm3: f64 },
    /// O'Brien–Julien quadratic: `τ_y` (Pa), `μ` (Pa·s), laminar resistance `K_l` (24 for a
    /// smooth wide channel, FLO-2D uses ~2285 for rough overland flow), density.
    OBrienJulien { yield_stress_pa: f64, viscosity_pa_s: f64, laminar_k: f64, density_kgm3: f64 },
}

impl Rheology {
    /// Check the parameters: stresses and viscosities ≥ 0, density in [1000, 3000] kg/m³,
    /// flow index in [0.1, 2], `K_l` in [1, 1e5].
    pub fn validate(self) -> Result<Self, InundationError> {
        match self {
            Rheology::Water => {}
            Rheology::Bingham { yield_stress_pa, viscosity_pa_s, density_kgm3 } => {
                non_negative("yield stress", yield_stress_pa)?;
                non_negative("plastic viscosity", viscosity_pa_s)?;
                in_range("mixture density", density_kgm3, 1000.0, 3000.0)?;
            }
            Rheology::HerschelBulkley {
                yield_stress_pa,
                consistency,
                flow_index,
                density_kgm3,
            } => {
                non_negative("yield stress", yield_stress_pa)?;
                positive("consistency K", consistency)?;
                in_range("flow index n", flow_index, 0.1, 2.0)?;
                in_range("mixture density", density_kgm3, 1000.0, 3000.0)?;
            }
            Rheology::OBrienJulien { yield_stress_pa, viscosity_pa_s, laminar_k, density_kgm3 } => {
                non_negative("yield stress", yield_stress_pa)?;
                non_negative("viscosity", viscosity_pa_s)?;
                in_range("laminar resistance K", laminar_k, 1.0, 1e5)?;
                in_range("mixture density", density_kgm3, 1000.0, 3000.0)?;
            }
        }
        Ok(self)
    }

    /// `τ_y/ρ`, m²/s².
    #[inline]
    pub fn yield_over_density(self) -> f64 {
        match self {
            Rheology::Water => 0.0,
            Rheology::Bingham { yield_stress_pa, density_kgm3, .. }
            | Rheology::HerschelBulkley { yield_stress_pa, density_kgm3, .. }
            | Rheology::OBrienJulien { yield_stress_pa, density_kgm3, .. } => {
                yield_stress_pa / density_kgm3
            }
        }
    }

    /// Rate-dependent part of the bed stress, `τ_v(U, h) = τ_b − τ_y`, Pa (Manning excluded).
    pub fn rate_stress_pa(self, depth_m: f64, speed_ms: f64) -> f64 {
        if depth_m <= 0.0 || speed_ms <= 0.0 {
            return 0.0;
        }
        match self {
            Rheology::Water => 0.0,
            Rheology::Bingham { yield_stress_pa, viscosity_pa_s, .. } => {
                herschel_bulkley_bed_stress(yield_stress_pa, viscosity_pa_s, 1.0, depth_m, speed_ms)
                    - yield_stress_pa
            }
            Rheology::HerschelBulkley { yield_stress_pa, consistency, flow_index, .. } => {
                herschel_bulkley_bed_stress(
                    yield_stress_pa,
                    consistency,
                    flow_index,
                    depth_m,
                    speed_ms,
                ) - yield_stress_pa
            }
            Rheology::OBrienJulien { viscosity_pa_s, laminar_k, .. } => {
                laminar_k * viscosity_pa_s * speed_ms / (8.0 * depth_m)
            }
        }
    }

    /// Total bed stress `τ_y + τ_v` at speed `U > 0`, Pa (Manning excluded).
    pub fn bed_stress_pa(self, depth_m: f64, speed_ms: f64) -> f64 {
        self.yield_over_density() * self.density() + self.rate_stress_pa(depth_m, speed_ms)
    }

    /// Density of the flowing material, kg/m³.
    pub fn density(self) -> f64 {
        match self {
            Rheology::Water => WATER_DENSITY,
            Rheology::Bingham { density_kgm3, .. }
            | Rheology::HerschelBulkley { density_kgm3, .. }
            | Rheology::OBrienJulien { density_kgm3, .. } => density_kgm3,
        }
    }
}

/// Depth-averaged speed of a uniform Herschel–Bulkley sheet of depth `h` under bed stress
/// `τ_b ≥ τ_y` (0 at or below yield).
pub fn herschel_bulkley_speed(tau_y: f64, k: f64, n: f64, h: f64, tau_b: f64) -> f64 {
    if tau_b <= tau_y || h <= 0.0 {
        return 0.0;
    }
    let xi = tau_y / tau_b;
    let a = 1.0 - xi;
    let shear = if n == 1.0 { tau_b / k } else { (tau_b / k).powf(1.0 / n) };
    let a_pow = if n == 1.0 { a * a } else { a.powf(1.0 + 1.0 / n) };
    n * h / (n + 1.0) * shear * a_pow * (1.0 - n * a / (2.0 * n + 1.0))
}

/// Bed stress of a uniform Herschel–Bulkley sheet flowing at depth-averaged speed `U`:
/// the inverse of [`herschel_bulkley_speed`], by bisection on `ξ = τ_y/τ_b ∈ (0, 1)` to a
/// relative 1e-12 (closed form when `τ_y = 0`).
pub fn herschel_bulkley_bed_stress(tau_y: f64, k: f64, n: f64, h: f64, u: f64) -> f64 {
    if u <= 0.0 || h <= 0.0 {
        return tau_y;
    }
    if tau_y == 0.0 {
        return k * ((2.0 * n + 1.0) * u / (n * h)).powf(n);
    }
    // U(ξ) falls from +∞ at ξ → 0 to 0 at ξ = 1.
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if mid <= 0.0 {
            break;
        }
        if herschel_bulkley_speed(tau_y, k, n, h, tau_y / mid) > u {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    tau_y / (0.5 * (lo + hi)).max(f64::MIN_POSITIVE)
}

/// `α`, `β` pairs of the O'Brien–Julien concentration relations (CGS as published:
/// `τ_y` in dyn/cm², `μ` in poise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConcentrationCoefficients {
    pub alpha1: f64,
    pub beta1: f64,
    pub alpha2: f64,
    pub beta2: f64,
}

impl ConcentrationCoefficients {
    /// O'Brien & Julien (1988) Table 2, "Aspen Pit 1" (checked against the published table): μ:
    /// α₁ = 0.036, β₁ = 22.1; τ_y: α₂ = 0.181, β₂ = 25.7. A mudflow matrix, not a tailings:
    /// replace with lab values.
    pub const OBRIEN_JULIEN_AGGREGATE: ConcentrationCoefficients =
        ConcentrationCoefficients { alpha1: 0.036, beta1: 22.1, alpha2: 0.181, beta2: 25.7 };

    /// `(τ_y [Pa], μ [Pa·s])` at volumetric concentration `C_v` ∈ [0, 0.7].
    pub fn stresses(self, c_v: f64) -> Result<(f64, f64), InundationError> {
        let c = in_range("volumetric concentration C_v", c_v, 0.0, 0.7)?;
        Ok((0.1 * self.alpha2 * (self.beta2 * c).exp(), 0.1 * self.alpha1 * (self.beta1 * c).exp()))
    }
}

/// Mixture density `ρ_w + C_v (ρ_s − ρ_w)`, kg/m³.
pub fn mixture_density(c_v: f64, solid_density_kgm3: f64) -> Result<f64, InundationError> {
    let c = in_range("volumetric concentration C_v", c_v, 0.0, 0.7)?;
    let rs = in_range("solid density", solid_density_kgm3, 1000.0, 6000.0)?;
    Ok(WATER_DENSITY + c * (rs - WATER_DENSITY))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the HB inversion reproduces the closed-form Bingham speed (Buckingham–Reiner)
    // and a power-law closed form. Tolerance 1e-9 relative: bisection converges to 1e-13 in ξ.
    #[test]
    fn bingham_bed_stress_inverts_buckingham_reiner() {
        let (ty, mu, h) = (50.0, 2.0, 0.8);
        for tb in [50.5, 60.0, 100.0, 400.0] {
            let xi: f64 = ty / tb;
            let u = h * tb / (3.0 * mu) * (1.0 - 1.5 * xi + 0.5 * xi.powi(3));
            assert!((herschel_bulkley_speed(ty, mu, 1.0, h, tb) - u).abs() < 1e-12 * u);
            let back = herschel_bulkley_bed_stress(ty, mu, 1.0, h, u);
            assert!((back - tb).abs() < 1e-9 * tb, "{back} vs {tb}");
        }
        // Power law (τ_y = 0, n = 0.5): U = n h/(2n+1) (τ_b/K)^{1/n}.
        let (k, n): (f64, f64) = (3.0, 0.5);
        let tb = 20.0;
        let u = n * h / (2.0 * n + 1.0) * (tb / k).powf(1.0 / n);
        assert!((herschel_bulkley_bed_stress(0.0, k, n, h, u) - tb).abs() < 1e-9 * tb);
    }

    #[test]
    fn concentration_relations_follow_the_exponentials() {
        let c = ConcentrationCoefficients::OBRIEN_JULIEN_AGGREGATE;
        let (ty, mu) = c.stresses(0.45).unwrap();
        assert!((ty - 0.1 * 0.181 * (25.7f64 * 0.45).exp()).abs() < 1e-9);
        assert!((mu - 0.1 * 0.036 * (22.1f64 * 0.45).exp()).abs() < 1e-12);
        assert!((mixture_density(0.45, 2700.0).unwrap() - 1765.0).abs() < 1e-9);
        assert!(c.stresses(0.9).is_err());
    }
}
