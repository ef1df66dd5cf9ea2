//! `[reliability]`: slope reliability (FOSM and Monte-Carlo P(FoS < 1), β) of the `[stability]`
//! load cases. Each random variable's mean is the scenario's own value (the `[[material]]`'s
//! property, the phreatic surface as computed, the pore pressure as computed); this block gives
//! the distribution and the spread.
//!
//! ```toml
//! [reliability]
//! samples = 2000            # Monte-Carlo samples (default 2000)
//! seed = 1                  # default 1
//! surfaces = 5              # critical + near-critical surfaces per load case and method (default 5)
//! methods = ["bishop"]      # default: every [stability] method
//! phreatic_offset = { sd_m = 1.0 }          # Δh of the phreatic surface, normal with mean 0
//! pore_pressure_factor = { distribution = "lognormal", cov = 0.1 }   # mean 1
//!
//! [[reliability.material]]
//! material = "tailings sand"
//! cohesion = { distribution = "lognormal", cov = 0.3 }      # or sd_kpa
//! friction_angle = { distribution = "normal", sd_deg = 2.0 } # or cov; or tan_friction_angle = { sd | cov }
//! unit_weight = { cov = 0.03 }                              # or sd_kn_m3; distribution default "normal"
//! undrained_strength = { cov = 0.2 }                        # or sd_kpa (undrained materials)
//! cohesion_friction_correlation = -0.5                      # ρ(c′, φ′), in (−1, 1)
//! ```
//!
//! How the permeability enters: a uniform scaling of every k leaves a steady seepage field
//! unchanged; what moves the phreatic surface is the ratio of the zones' k and the boundary
//! conditions (drain performance, beach length). Their uncertainty enters as the phreatic
//! offset Δh (normal, mean 0): given lumped (`phreatic_offset.sd_m`), and/or derived from
//! `k_ratio = { material, sd_ln }` — the pipeline solves the seepage of each load case's level
//! with that material's k × e^{+σ} and × e^{−σ} and takes half the difference of the mean
//! phreatic elevations under the critical surface as the sd of Δh from k (the FOSM estimate,
//! σ_Δh = |∂z̄/∂ln k| σ); the two sds add in quadrature.

use crate::error::Problems;
use crate::material::RawMaterial;
use crate::stability::{RawPoreWater, RawStability};
use serde::Deserialize;
use tailtwin_stability::Method;
use tailtwin_stability::reliability::{Distribution, Spread};

/// `[reliability]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReliability {
    pub samples: Option<u64>,
    pub seed: Option<u64>,
    pub surfaces: Option<usize>,
    pub methods: Option<Vec<String>>,
    pub phreatic_offset: Option<RawVariable>,
    pub pore_pressure_factor: Option<RawVariable>,
    /// `{ material, sd_ln }`: uncertainty of one material's permeability relative to the others
    /// (sd of ln k), mapped onto the phreatic offset by two extra seepage solves.
    pub k_ratio: Option<RawKRatio>,
    #[serde(default)]
    pub material: Vec<RawMaterialVariables>,
}

/// `k_ratio = { material, sd_ln }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKRatio {
    pub material: String,
    pub sd_ln: f64,
}

/// `[reliability] k_ratio`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct KRatioSpec {
    /// The `[[material]]` whose k is uncertain relative to the others.
    pub material: String,
    /// Standard deviation of ln k (k × e^{±sd_ln} are solved).
    pub sd_ln: f64,
}

/// `[[reliability.material]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaterialVariables {
    pub material: String,
    pub cohesion: Option<RawVariable>,
    pub friction_angle: Option<RawVariable>,
    pub tan_friction_angle: Option<RawVariable>,
    pub unit_weight: Option<RawVariable>,
    pub undrained_strength: Option<RawVariable>,
    pub cohesion_friction_correlation: Option<f64>,
}

/// `{ distribution = "normal" | "lognormal", cov | sd_<unit> }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariable {
    pub distribution: Option<String>,
    pub cov: Option<f64>,
    pub sd_kpa: Option<f64>,
    pub sd_deg: Option<f64>,
    pub sd_kn_m3: Option<f64>,
    pub sd_m: Option<f64>,
    pub sd: Option<f64>,
}

/// What a scenario variable stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// c′ of a Mohr–Coulomb material.
    Cohesion,
    /// φ′ of a Mohr–Coulomb material.
    FrictionAngle,
    /// tan φ′ of a Mohr–Coulomb material.
    TanFriction,
    /// γ (γ_sat by the same ratio).
    UnitWeight,
    /// s_u of an undrained material.
    UndrainedStrength,
    /// Vertical offset of the phreatic surface / rise of the pressure head, m (mean 0).
    PhreaticOffset,
    /// Factor on the pore pressure (mean 1).
    PorePressureFactor,
}

/// A validated random variable (SI spread).
#[derive(Debug, Clone, PartialEq)]
pub struct VariableDescription {
    /// Scenario key path, e.g. `reliability.material[0].cohesion`.
    pub key: String,
    /// `[[material]]` name (None for the pore-water variables).
    pub material: Option<String>,
    pub quantity: Quantity,
    pub distribution: Distribution,
    /// cov, or sd in SI units (Pa, rad, N/m³, m, –).
    pub spread: Spread,
}

/// A validated correlation between two variables of [`ReliabilitySpec::variables`].
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationDescription {
    pub key: String,
    pub first: usize,
    pub second: usize,
    pub rho: f64,
}

/// `[reliability]`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ReliabilitySpec {
    pub samples: u64,
    pub seed: u64,
    /// Surfaces per load case and method: the critical one and the next near-critical ones.
    pub surfaces: usize,
    /// None: every `[stability]` method.
    pub methods: Option<Vec<Method>>,
    pub variables: Vec<VariableDescription>,
    pub correlations: Vec<CorrelationDescription>,
    /// Permeability-ratio uncertainty mapped onto the phreatic offset (see the module docs).
    pub k_ratio: Option<KRatioSpec>,
}

/// Default Monte-Carlo sample count.
pub const DEFAULT_SAMPLES: u64 = 2000;
/// Default surfaces per load case and method.
pub const DEFAULT_SURFACES: usize = 5;
/// Upper bound on the sample count (one f64 and an index per sample are kept).
pub const MAX_SAMPLES: u64 = 10_000_000;

/// The value of a quantity of a raw material, in the scenario's units (None: not applicable).
fn material_value(m: &RawMaterial, q: Quantity) -> Option<f64> {
    let s = &m.strength;
    let drained = s.undrained_strength_kpa.is_none();
    match q {
        Quantity::UnitWeight => Some(m.unit_weight_kn_m3),
        Quantity::Cohesion => drained.then_some(s.cohesion_kpa.unwrap_or(0.0)),
        Quantity::FrictionAngle => s.friction_angle_deg.filter(|_| drained),
        Quantity::TanFriction => {
            s.friction_angle_deg.filter(|_| drained).map(|d| d.to_radians().tan())
        }
        Quantity::UndrainedStrength => s.undrained_strength_kpa,
        Quantity::PhreaticOffset => Some(0.0),
        Quantity::PorePressureFactor => Some(1.0),
    }
}

/// Checks one variable; `sd_key` is the one sd key it accepts and `to_si` its conversion.
fn variable(
    raw: &RawVariable,
    key: &str,
    mean: f64,
    sd_key: &str,
    to_si: f64,
    p: &mut Problems,
) -> Option<(Distribution, Spread)> {
    let before = p.len();
    let distribution = match raw.distribution.as_deref() {
        None | Some("normal") => Distribution::Normal,
        Some("lognormal") => Distribution::Lognormal,
        Some(other) => {
            p.push(
                format!("{key}.distribution"),
                format!("unknown distribution {other:?} (\"normal\" or \"lognormal\")"),
            );
            Distribution::Normal
        }
    };
    let sds = [
        ("sd_kpa", raw.sd_kpa),
        ("sd_deg", raw.sd_deg),
        ("sd_kn_m3", raw.sd_kn_m3),
        ("sd_m", raw.sd_m),
        ("sd", raw.sd),
    ];
    for (k, v) in sds {
        if v.is_some() && k != sd_key {
            p.push(format!("{key}.{k}"), format!("this variable takes {sd_key} (or cov)"));
        }
    }
    let sd = sds.iter().find(|(k, _)| *k == sd_key).and_then(|(_, v)| *v);
    let spread = match (raw.cov, sd) {
        (Some(_), Some(_)) => {
            p.push(key.to_string(), format!("give cov or {sd_key}, not both"));
            None
        }
        (None, None) => {
            p.push(key.to_string(), format!("give its spread: cov or {sd_key}"));
            None
        }
        (Some(cov), None) => {
            if !(cov.is_finite() && cov >= 0.0) {
                p.push(format!("{key}.cov"), format!("{cov} must be finite and >= 0"));
            } else if mean <= 0.0 {
                p.push(
                    format!("{key}.cov"),
                    format!("the mean is {mean}: a cov needs a positive mean; give {sd_key}"),
                );
            }
            Some(Spread::Cov(cov))
        }
        (None, Some(sd)) => {
            if !(sd.is_finite() && sd >= 0.0) {
                p.push(format!("{key}.{sd_key}"), format!("{sd} must be finite and >= 0"));
            }
            Some(Spread::Sd(sd * to_si))
        }
    };
    if distribution == Distribution::Lognormal && mean <= 0.0 {
        p.push(
            format!("{key}.distribution"),
            format!("a lognormal variable needs a positive mean; the mean is {mean}"),
        );
    }
    let spread = spread?;
    (p.len() == before).then_some((distribution, spread))
}

/// Checks `[reliability]` against the materials and the `[stability]` block.
pub(crate) fn reliability(
    raw: &RawReliability,
    materials: &[RawMaterial],
    stability: Option<&RawStability>,
    p: &mut Problems,
) -> Option<ReliabilitySpec> {
    let before = p.len();
    let Some(stability) = stability else {
        p.push("reliability", "slope reliability needs a [stability] block");
        return None;
    };
    let samples = raw.samples.unwrap_or(DEFAULT_SAMPLES);
    if !(2..=MAX_SAMPLES).contains(&samples) {
        p.push("reliability.samples", format!("{samples} is outside 2..={MAX_SAMPLES}"));
    }
    let surfaces = raw.surfaces.unwrap_or(DEFAULT_SURFACES);
    if !(1..=100).contains(&surfaces) {
        p.push("reliability.surfaces", format!("{surfaces} is outside 1..=100"));
    }
    let methods = raw.methods.as_ref().map(|names| {
        if names.is_empty() {
            p.push("reliability.methods", "give at least one method, or leave it out");
        }
        crate::stability::methods(names, "reliability.methods", p)
    });
    if let (Some(ms), Some(names)) = (&methods, &stability.methods) {
        for (i, m) in ms.iter().enumerate() {
            if !names.iter().any(|n| n == m.name()) {
                p.push(
                    format!("reliability.methods[{i}]"),
                    format!("{} is not among [stability] methods", m.name()),
                );
            }
        }
    }
    let mut variables = Vec::new();
    let mut correlations = Vec::new();
    let (is_dry, is_ru) = match &stability.pore_water {
        Some(RawPoreWater::Name(n)) => (n == "dry", false),
        Some(RawPoreWater::Table(t)) => (false, t.ru.is_some()),
        None => (false, false),
    };
    if let Some(v) = &raw.phreatic_offset {
        let key = "reliability.phreatic_offset";
        if is_dry || is_ru {
            p.push(
                key,
                "the [stability] pore water is dry or r_u: there is no phreatic surface to move",
            );
        }
        if v.distribution.as_deref().is_some_and(|d| d != "normal") {
            p.push(format!("{key}.distribution"), "the offset (mean 0) is normal");
        }
        if v.cov.is_some() {
            p.push(format!("{key}.cov"), "the offset has mean 0: give sd_m");
        }
        if let Some((distribution, spread)) = variable(v, key, 0.0, "sd_m", 1.0, p) {
            variables.push(VariableDescription {
                key: key.into(),
                material: None,
                quantity: Quantity::PhreaticOffset,
                distribution,
                spread,
            });
        }
    }
    if let Some(v) = &raw.pore_pressure_factor {
        let key = "reliability.pore_pressure_factor";
        if is_dry {
            p.push(key, "the [stability] pore water is dry: there is no pore pressure to scale");
        }
        if let Some((distribution, spread)) = variable(v, key, 1.0, "sd", 1.0, p) {
            variables.push(VariableDescription {
                key: key.into(),
                material: None,
                quantity: Quantity::PorePressureFactor,
                distribution,
                spread,
            });
        }
    }
    for (i, m) in raw.material.iter().enumerate() {
        let base = format!("reliability.material[{i}]");
        if raw.material[..i].iter().any(|o| o.material == m.material) {
            p.push(format!("{base}.material"), format!("{:?} is listed twice", m.material));
            continue;
        }
        let Some(rm) = materials.iter().find(|x| x.name == m.material) else {
            let names: Vec<String> = materials.iter().map(|x| format!("{:?}", x.name)).collect();
            p.push(
                format!("{base}.material"),
                format!("unknown material {:?} (materials: {})", m.material, names.join(", ")),
            );
            continue;
        };
        if m.friction_angle.is_some() && m.tan_friction_angle.is_some() {
            p.push(
                format!("{base}.tan_friction_angle"),
                "give friction_angle or tan_friction_angle, not both",
            );
        }
        let deg = std::f64::consts::PI / 180.0;
        let entries = [
            ("cohesion", &m.cohesion, Quantity::Cohesion, "sd_kpa", 1e3, 1e3),
            ("friction_angle", &m.friction_angle, Quantity::FrictionAngle, "sd_deg", deg, deg),
            ("tan_friction_angle", &m.tan_friction_angle, Quantity::TanFriction, "sd", 1.0, 1.0),
            ("unit_weight", &m.unit_weight, Quantity::UnitWeight, "sd_kn_m3", 1e3, 1e3),
            (
                "undrained_strength",
                &m.undrained_strength,
                Quantity::UndrainedStrength,
                "sd_kpa",
                1e3,
                1e3,
            ),
        ];
        let first = variables.len();
        let mut strength_index = (None, None);
        for (name, v, quantity, sd_key, to_si, _) in entries {
            let Some(v) = v else { continue };
            let key = format!("{base}.{name}");
            let Some(mean) = material_value(rm, quantity) else {
                p.push(
                    key,
                    format!(
                        "material {:?} has no {name} (its strength is {})",
                        m.material,
                        if rm.strength.undrained_strength_kpa.is_some() {
                            "undrained: give undrained_strength"
                        } else {
                            "c′–φ′: give cohesion / friction_angle"
                        }
                    ),
                );
                continue;
            };
            if let Some((distribution, spread)) = variable(v, &key, mean, sd_key, to_si, p) {
                match quantity {
                    Quantity::Cohesion => strength_index.0 = Some(variables.len()),
                    Quantity::FrictionAngle | Quantity::TanFriction => {
                        strength_index.1 = Some(variables.len())
                    }
                    _ => {}
                }
                variables.push(VariableDescription {
                    key,
                    material: Some(m.material.clone()),
                    quantity,
                    distribution,
                    spread,
                });
            }
        }
        if variables.len() == first && p.len() == before {
            p.push(base.clone(), "no random variable given for this material");
        }
        if let Some(rho) = m.cohesion_friction_correlation {
            let key = format!("{base}.cohesion_friction_correlation");
            if !(rho.is_finite() && rho.abs() < 1.0) {
                p.push(key.clone(), format!("{rho} must be in (-1, 1)"));
            }
            match strength_index {
                (Some(first), Some(second)) => {
                    correlations.push(CorrelationDescription { key, first, second, rho })
                }
                _ => p.push(
                    key,
                    "needs both cohesion and friction_angle (or tan_friction_angle) variables",
                ),
            }
        }
    }
    let k_ratio = raw.k_ratio.as_ref().map(|k| {
        let key = "reliability.k_ratio";
        if !materials.iter().any(|m| m.name == k.material) {
            p.push(format!("{key}.material"), format!("unknown material {:?}", k.material));
        }
        if !(k.sd_ln.is_finite() && k.sd_ln > 0.0 && k.sd_ln <= 5.0) {
            p.push(format!("{key}.sd_ln"), format!("{} must be in (0, 5]", k.sd_ln));
        }
        if !stability.needs_seepage() {
            p.push(
                key,
                "needs [stability] pore_water = \"seepage\" (the k ratio moves the seepage solution)",
            );
        }
        KRatioSpec { material: k.material.clone(), sd_ln: k.sd_ln }
    });
    if variables.is_empty() && k_ratio.is_none() && p.len() == before {
        p.push(
            "reliability",
            "no random variable: give [[reliability.material]] entries, a pore-water variable or \
             k_ratio",
        );
    }
    (p.len() == before).then(|| ReliabilitySpec {
        samples,
        seed: raw.seed.unwrap_or(1),
        surfaces,
        methods,
        variables,
        correlations,
        k_ratio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn materials() -> Vec<RawMaterial> {
        toml::from_str::<std::collections::BTreeMap<String, Vec<RawMaterial>>>(
            r#"[[m]]
               name = "sand"
               unit_weight_kn_m3 = 19.0
               strength = { cohesion_kpa = 0.0, friction_angle_deg = 30.0 }
               k_m_s = 1e-5
               [[m]]
               name = "clay"
               unit_weight_kn_m3 = 18.0
               strength = { undrained_strength_kpa = 40.0 }
               k_m_s = 1e-8"#,
        )
        .unwrap()
        .remove("m")
        .unwrap()
    }

    fn parse(text: &str, stability: &str) -> (Option<ReliabilitySpec>, Vec<String>) {
        let raw: RawReliability = toml::from_str(text).unwrap();
        let st: RawStability = toml::from_str(stability).unwrap();
        let mut p = Problems::default();
        let s = reliability(&raw, &materials(), Some(&st), &mut p);
        (s, p.into_vec().into_iter().map(|x| x.to_string()).collect())
    }

    const SEEPAGE: &str = r#"search = { kind = "auto" }"#;

    // Goal: a complete block converts to SI descriptions. Reference: sd_deg 2 → 2π/180 rad,
    // sd_kpa 5 → 5000 Pa, the correlation pairs the cohesion and friction variables.
    #[test]
    fn reliability_block_converts_to_si() {
        let (s, problems) = parse(
            r#"samples = 500
               seed = 7
               methods = ["bishop"]
               phreatic_offset = { sd_m = 1.0 }
               [[material]]
               material = "sand"
               cohesion = { sd_kpa = 5.0 }
               friction_angle = { sd_deg = 2.0 }
               cohesion_friction_correlation = -0.4
               [[material]]
               material = "clay"
               undrained_strength = { distribution = "lognormal", cov = 0.3 }"#,
            SEEPAGE,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let s = s.unwrap();
        assert_eq!((s.samples, s.seed, s.surfaces), (500, 7, DEFAULT_SURFACES));
        assert_eq!(s.variables.len(), 4);
        assert_eq!(s.variables[1].spread, Spread::Sd(5e3));
        let Spread::Sd(sd) = s.variables[2].spread else { panic!() };
        assert!((sd - 2f64.to_radians()).abs() < 1e-15);
        assert_eq!(s.correlations[0].first, 1);
        assert_eq!(s.correlations[0].second, 2);
        assert_eq!(s.variables[3].distribution, Distribution::Lognormal);
    }

    // Goal: nonsense is reported with its key path, all at once.
    #[test]
    fn bad_reliability_values_name_their_keys() {
        let (s, problems) = parse(
            r#"samples = 1
               methods = ["fellenius"]
               phreatic_offset = { sd_m = -1.0 }
               [[material]]
               material = "sand"
               cohesion = { distribution = "lognormal", sd_kpa = 2.0 }
               friction_angle = { cov = -0.1 }
               cohesion_friction_correlation = 1.5
               [[material]]
               material = "gravel"
               cohesion = { cov = 0.2 }
               [[material]]
               material = "clay"
               cohesion = { cov = 0.2 }
               undrained_strength = { distribution = "weibull", sd_deg = 3.0 }"#,
            SEEPAGE,
        );
        assert!(s.is_none());
        for key in [
            "reliability.samples:",
            "reliability.methods[0]:",
            "reliability.phreatic_offset.sd_m:",
            "reliability.material[0].cohesion.distribution: a lognormal variable needs a positive",
            "reliability.material[0].friction_angle.cov:",
            "reliability.material[0].cohesion_friction_correlation: 1.5",
            "reliability.material[1].material: unknown material \"gravel\"",
            "reliability.material[2].cohesion: material \"clay\" has no cohesion",
            "reliability.material[2].undrained_strength.distribution:",
            "reliability.material[2].undrained_strength.sd_deg:",
        ] {
            assert!(problems.iter().any(|p| p.starts_with(key)), "{key} missing from {problems:?}");
        }
        let (_, problems) = parse(
            r#"phreatic_offset = { sd_m = 1.0 }
               k_ratio = { material = "sand", sd_ln = 0.0 }"#,
            r#"search = { kind = "auto" }
               pore_water = "dry""#,
        );
        assert!(problems[0].starts_with("reliability.phreatic_offset: the [stability] pore water"));
        assert!(problems.iter().any(|p| p.starts_with("reliability.k_ratio.sd_ln:")));
        assert!(problems.iter().any(|p| p.starts_with("reliability.k_ratio: needs")));
    }
}
