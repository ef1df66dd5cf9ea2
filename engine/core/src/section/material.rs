//! Soil and tailings materials: unit weights, strength (stability) and hydraulic properties
//! (seepage). SI: N/m³, Pa, radians, m/s.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Index of a material in [`crate::DamSection::materials`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MaterialId(pub usize);

/// Shear strength model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Effective-stress Mohr–Coulomb: τ = c′ + (σ − u) tan φ′.
    MohrCoulomb { cohesion_pa: f64, friction_angle_rad: f64 },
    /// Undrained (φ = 0): τ = s_u.
    Undrained { undrained_strength_pa: f64 },
}

/// Saturated hydraulic conductivity tensor given by its principal values and direction:
/// `k_major` along the direction at `angle_rad` counter-clockwise from +x, `k_major · ratio`
/// across it. `K = R diag(k₁, k₂) Rᵀ`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Conductivity {
    /// Principal conductivity k₁, m/s.
    pub k_major_m_s: f64,
    /// k₂ / k₁ (may exceed 1).
    pub ratio: f64,
    /// Direction of k₁, counter-clockwise from +x, rad.
    pub angle_rad: f64,
}

impl Conductivity {
    /// Isotropic k.
    pub fn isotropic(k_m_s: f64) -> Self {
        Self { k_major_m_s: k_m_s, ratio: 1.0, angle_rad: 0.0 }
    }

    /// Axis-aligned k_x (horizontal) and k_y (vertical).
    pub fn axes(k_x_m_s: f64, k_y_m_s: f64) -> Self {
        Self { k_major_m_s: k_x_m_s, ratio: k_y_m_s / k_x_m_s, angle_rad: 0.0 }
    }

    /// The tensor [[k_xx, k_xz], [k_xz, k_zz]], m/s.
    pub fn tensor(&self) -> [[f64; 2]; 2] {
        let (s, c) = self.angle_rad.sin_cos();
        let k1 = self.k_major_m_s;
        let k2 = self.k_major_m_s * self.ratio;
        [[k1 * c * c + k2 * s * s, (k1 - k2) * s * c], [(k1 - k2) * s * c, k1 * s * s + k2 * c * c]]
    }
}

/// Relative conductivity k_r(ψ) of unsaturated soil, ψ = pressure head p/γ_w (m, < 0 above the
/// phreatic line). k_r = 1 for ψ ≥ 0 in every model; `kr_min` floors k_r so the system stays
/// well-posed far above the line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unsaturated {
    /// van Genuchten (1980) – Mualem: S_e = [1 + (α|ψ|)ⁿ]^(−m), m = 1 − 1/n,
    /// k_r = S_e^½ [1 − (1 − S_e^(1/m))^m]².
    VanGenuchten { alpha_per_m: f64, n: f64, kr_min: f64 },
    /// Residual-conductivity model (as in the classical fixed-mesh free-surface methods, e.g.
    /// Bathe & Khoshgoftaar 1979; Lacy & Prevost 1987): k_r falls linearly from 1 at ψ = 0 to
    /// `kr_min` at ψ = −`transition_m`, and stays at `kr_min` above.
    Residual { kr_min: f64, transition_m: f64 },
}

impl Default for Unsaturated {
    /// Residual model with k_r,min = 10⁻⁶ over a 0.1 m transition: an almost sharp free surface.
    fn default() -> Self {
        Unsaturated::Residual { kr_min: 1e-6, transition_m: 0.1 }
    }
}

impl Unsaturated {
    /// k_r at pressure head `psi_m` (m).
    pub fn relative_conductivity(&self, psi_m: f64) -> f64 {
        if psi_m >= 0.0 {
            return 1.0;
        }
        match *self {
            Unsaturated::VanGenuchten { alpha_per_m, n, kr_min } => {
                let m = 1.0 - 1.0 / n;
                let se = (1.0 + (alpha_per_m * -psi_m).powf(n)).powf(-m);
                let kr = se.sqrt() * (1.0 - (1.0 - se.powf(1.0 / m)).powf(m)).powi(2);
                kr.max(kr_min)
            }
            Unsaturated::Residual { kr_min, transition_m } => {
                (1.0 + psi_m / transition_m * (1.0 - kr_min)).max(kr_min)
            }
        }
    }
}

/// Hydraulic properties.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hydraulic {
    pub conductivity: Conductivity,
    pub unsaturated: Unsaturated,
}

/// A material: unit weights, strength and hydraulic properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    /// Unit weight above the phreatic line γ, N/m³.
    pub unit_weight_n_m3: f64,
    /// Saturated unit weight γ_sat, N/m³.
    pub saturated_unit_weight_n_m3: f64,
    pub strength: Strength,
    pub hydraulic: Hydraulic,
}

/// An invalid material parameter; `key` names it as in the scenario (e.g. `k_x_m_s`).
#[derive(Debug, Clone, PartialEq, Error)]
#[error("material '{material}': {key} = {value} {problem}")]
pub struct MaterialError {
    pub material: String,
    pub key: &'static str,
    pub value: f64,
    pub problem: &'static str,
}

impl Material {
    /// Checks every parameter; returns the first problem.
    pub fn validate(&self) -> Result<(), MaterialError> {
        let err = |key, value, problem| {
            Err(MaterialError { material: self.name.clone(), key, value, problem })
        };
        let positive = "must be finite and > 0";
        if !(self.unit_weight_n_m3.is_finite() && self.unit_weight_n_m3 > 0.0) {
            return err("unit_weight", self.unit_weight_n_m3, positive);
        }
        if !(self.saturated_unit_weight_n_m3.is_finite() && self.saturated_unit_weight_n_m3 > 0.0) {
            return err("saturated_unit_weight", self.saturated_unit_weight_n_m3, positive);
        }
        match self.strength {
            Strength::MohrCoulomb { cohesion_pa, friction_angle_rad } => {
                if !(cohesion_pa.is_finite() && cohesion_pa >= 0.0) {
                    return err("cohesion", cohesion_pa, "must be finite and ≥ 0");
                }
                if !(friction_angle_rad.is_finite()
                    && (0.0..std::f64::consts::FRAC_PI_2).contains(&friction_angle_rad))
                {
                    return err("friction_angle", friction_angle_rad, "must be in [0, 90°)");
                }
            }
            Strength::Undrained { undrained_strength_pa } => {
                if !(undrained_strength_pa.is_finite() && undrained_strength_pa > 0.0) {
                    return err("undrained_strength", undrained_strength_pa, positive);
                }
            }
        }
        let k = self.hydraulic.conductivity;
        if !(k.k_major_m_s.is_finite() && k.k_major_m_s > 0.0) {
            return err("k", k.k_major_m_s, positive);
        }
        if !(k.ratio.is_finite() && k.ratio > 0.0) {
            return err("anisotropy_ratio", k.ratio, positive);
        }
        if !k.angle_rad.is_finite() {
            return err("anisotropy_angle", k.angle_rad, "must be finite");
        }
        match self.hydraulic.unsaturated {
            Unsaturated::VanGenuchten { alpha_per_m, n, kr_min } => {
                if !(alpha_per_m.is_finite() && alpha_per_m > 0.0) {
                    return err("vg_alpha", alpha_per_m, positive);
                }
                if !(n.is_finite() && n > 1.0) {
                    return err("vg_n", n, "must be finite and > 1");
                }
                if !(kr_min.is_finite() && kr_min > 0.0 && kr_min <= 1.0) {
                    return err("kr_min", kr_min, "must be in (0, 1]");
                }
            }
            Unsaturated::Residual { kr_min, transition_m } => {
                if !(kr_min.is_finite() && kr_min > 0.0 && kr_min <= 1.0) {
                    return err("kr_min", kr_min, "must be in (0, 1]");
                }
                if !(transition_m.is_finite() && transition_m > 0.0) {
                    return err("transition_m", transition_m, positive);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotating_anisotropy_by_90_degrees_swaps_axes() {
        let k =
            Conductivity { k_major_m_s: 1e-5, ratio: 0.1, angle_rad: std::f64::consts::FRAC_PI_2 };
        let t = k.tensor();
        assert!((t[0][0] - 1e-6).abs() < 1e-18 && (t[1][1] - 1e-5).abs() < 1e-18);
        assert!(t[0][1].abs() < 1e-18);
        assert_eq!(Conductivity::axes(2e-6, 1e-6).tensor(), [[2e-6, 0.0], [0.0, 1e-6]]);
    }

    #[test]
    fn relative_conductivity_models_are_one_when_saturated_and_floored_when_dry() {
        let vg = Unsaturated::VanGenuchten { alpha_per_m: 1.0, n: 2.0, kr_min: 1e-6 };
        let res = Unsaturated::Residual { kr_min: 1e-6, transition_m: 0.1 };
        for m in [vg, res] {
            assert_eq!(m.relative_conductivity(0.5), 1.0);
            assert_eq!(m.relative_conductivity(-1e6), 1e-6);
            assert!(m.relative_conductivity(-0.05) < 1.0);
        }
        // vG–Mualem with α = 1, n = 2 at ψ = −1: S_e = 2^-½, k_r = S_e^½ (1 − (1 − S_e²)^½)².
        let se = 0.5f64.sqrt();
        let expected = se.sqrt() * (1.0 - (1.0 - se * se).sqrt()).powi(2);
        assert!((vg.relative_conductivity(-1.0) - expected).abs() < 1e-14);
        assert!((res.relative_conductivity(-0.05) - (1.0 - 0.5 * (1.0 - 1e-6))).abs() < 1e-14);
    }
}
