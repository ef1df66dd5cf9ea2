//! `[[material]]`: soils and tailings by name, referenced by the zones of `[[section]]`s.
//!
//! ```toml
//! [[material]]
//! name = "tailings sand"
//! unit_weight_kn_m3 = 18.5
//! saturated_unit_weight_kn_m3 = 20.0          # default: the unit weight
//! strength = { cohesion_kpa = 0.0, friction_angle_deg = 32.0 }   # or { undrained_strength_kpa }
//! k_x_m_s = 5e-6                               # or k_m_s (isotropic), or k_m_s + anisotropy_ratio
//! k_y_m_s = 1.7e-6                             #    (+ angle_deg, direction of k_m_s from +x)
//! unsaturated = { model = "van_genuchten", alpha_per_m = 1.5, n = 1.8, kr_min = 1e-6 }
//! # or { model = "residual", kr_min = 1e-6, transition_m = 0.1 }; default: the residual model
//! ```
//!
//! Converted to `core::section::Material` in SI (N/m³, Pa, rad, m/s).

use crate::error::Problems;
use serde::Deserialize;
use tailtwin_core::section::Unsaturated;
use tailtwin_core::section::{Conductivity, Hydraulic, Material, MaterialError, Strength};

/// `[[material]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaterial {
    pub name: String,
    /// Unit weight above the phreatic line, kN/m³.
    pub unit_weight_kn_m3: f64,
    /// Saturated unit weight, kN/m³ (default: the unit weight).
    pub saturated_unit_weight_kn_m3: Option<f64>,
    pub strength: RawStrength,
    /// Isotropic conductivity, or the principal one with `anisotropy_ratio`, m/s.
    pub k_m_s: Option<f64>,
    /// Horizontal conductivity (with `k_y_m_s`), m/s.
    pub k_x_m_s: Option<f64>,
    /// Vertical conductivity (with `k_x_m_s`), m/s.
    pub k_y_m_s: Option<f64>,
    /// k across / k along the principal direction (with `k_m_s`).
    pub anisotropy_ratio: Option<f64>,
    /// Principal direction, degrees counter-clockwise from +x (with `anisotropy_ratio`).
    pub angle_deg: Option<f64>,
    pub unsaturated: Option<RawUnsaturated>,
}

/// `strength = { cohesion_kpa, friction_angle_deg }` or `{ undrained_strength_kpa }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStrength {
    pub cohesion_kpa: Option<f64>,
    pub friction_angle_deg: Option<f64>,
    pub undrained_strength_kpa: Option<f64>,
}

/// `unsaturated = { model = "van_genuchten" | "residual", … }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawUnsaturated {
    VanGenuchten { alpha_per_m: f64, n: f64, kr_min: Option<f64> },
    Residual { kr_min: Option<f64>, transition_m: Option<f64> },
}

/// The validated materials in file order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Materials {
    /// `None` where the material had a problem (already reported); the name is kept so that zones
    /// referring to it are not reported as unknown too.
    pub list: Vec<(String, Option<Material>)>,
}

impl Materials {
    /// File index of the material called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|(n, _)| n == name)
    }

    /// The names, for messages.
    pub fn names(&self) -> String {
        let names: Vec<String> = self.list.iter().map(|(n, _)| format!("{n:?}")).collect();
        if names.is_empty() { "none defined".into() } else { names.join(", ") }
    }
}

pub(crate) fn materials(raw: &[RawMaterial], p: &mut Problems) -> Materials {
    let mut out = Materials::default();
    for (i, m) in raw.iter().enumerate() {
        let key = format!("material[{i}]");
        if m.name.trim().is_empty() {
            p.push(format!("{key}.name"), "must not be empty");
        } else if out.index_of(&m.name).is_some() {
            p.push(format!("{key}.name"), format!("duplicate material name {:?}", m.name));
        }
        let material = material(m, &key, p);
        out.list.push((m.name.clone(), material));
    }
    out
}

fn material(m: &RawMaterial, key: &str, p: &mut Problems) -> Option<Material> {
    let before = p.len();
    let k = |name: &str| format!("{key}.{name}");
    let gamma = p.positive(&k("unit_weight_kn_m3"), m.unit_weight_kn_m3);
    let gamma_sat = match m.saturated_unit_weight_kn_m3 {
        Some(g) => p.positive(&k("saturated_unit_weight_kn_m3"), g),
        None => gamma,
    };
    if let (Some(g), Some(gs), Some(_)) = (gamma, gamma_sat, m.saturated_unit_weight_kn_m3)
        && gs < g
    {
        p.push(
            k("saturated_unit_weight_kn_m3"),
            format!("{gs} is below the unit weight {g}: the saturated unit weight cannot be less"),
        );
    }
    let strength = strength(&m.strength, &k("strength"), p);
    let conductivity = conductivity(m, key, p);
    let unsaturated = match &m.unsaturated {
        None => Some(Unsaturated::default()),
        Some(u) => unsaturated(u, &k("unsaturated"), p),
    };
    if p.len() > before {
        return None;
    }
    let material = Material {
        name: m.name.clone(),
        unit_weight_n_m3: gamma? * 1e3,
        saturated_unit_weight_n_m3: gamma_sat? * 1e3,
        strength: strength?,
        hydraulic: Hydraulic { conductivity: conductivity?, unsaturated: unsaturated? },
    };
    // The core's own rules, as a backstop (the checks above cover them, with scenario keys).
    if let Err(e) = material.validate() {
        p.push(format!("{key}.{}", scenario_key(&e)), e.to_string());
        return None;
    }
    Some(material)
}

/// The scenario key of a core material parameter.
pub(crate) fn scenario_key(e: &MaterialError) -> &'static str {
    match e.key {
        "unit_weight" => "unit_weight_kn_m3",
        "saturated_unit_weight" => "saturated_unit_weight_kn_m3",
        "cohesion" => "strength.cohesion_kpa",
        "friction_angle" => "strength.friction_angle_deg",
        "undrained_strength" => "strength.undrained_strength_kpa",
        "k" => "k_m_s",
        "anisotropy_ratio" => "anisotropy_ratio",
        "anisotropy_angle" => "angle_deg",
        "vg_alpha" => "unsaturated.alpha_per_m",
        "vg_n" => "unsaturated.n",
        "kr_min" => "unsaturated.kr_min",
        "transition_m" => "unsaturated.transition_m",
        other => other,
    }
}

fn strength(s: &RawStrength, key: &str, p: &mut Problems) -> Option<Strength> {
    let k = |name: &str| format!("{key}.{name}");
    match (s.cohesion_kpa, s.friction_angle_deg, s.undrained_strength_kpa) {
        (c, Some(phi), None) => {
            let c = p.non_negative(&k("cohesion_kpa"), c.unwrap_or(0.0));
            let phi = p.finite(&k("friction_angle_deg"), phi).and_then(|phi| {
                if (0.0..90.0).contains(&phi) {
                    Some(phi)
                } else {
                    p.push(k("friction_angle_deg"), format!("{phi} is outside [0, 90)"));
                    None
                }
            });
            Some(Strength::MohrCoulomb {
                cohesion_pa: c? * 1e3,
                friction_angle_rad: phi?.to_radians(),
            })
        }
        (None, None, Some(su)) => p
            .positive(&k("undrained_strength_kpa"), su)
            .map(|su| Strength::Undrained { undrained_strength_pa: su * 1e3 }),
        (Some(_), None, None) => {
            p.push(k("friction_angle_deg"), "missing: Mohr–Coulomb needs the friction angle");
            None
        }
        _ => {
            p.push(
                key,
                "give either { cohesion_kpa, friction_angle_deg } (effective stress) or \
                 { undrained_strength_kpa } (φ = 0)",
            );
            None
        }
    }
}

fn conductivity(m: &RawMaterial, key: &str, p: &mut Problems) -> Option<Conductivity> {
    let k = |name: &str| format!("{key}.{name}");
    let positive_k = |p: &mut Problems, name: &str, v: f64| -> Option<f64> {
        let v = p.finite(&k(name), v)?;
        if v > 0.0 {
            Some(v)
        } else {
            p.push(k(name), format!("{v} must be positive (a conductivity, m/s)"));
            None
        }
    };
    match (m.k_m_s, m.k_x_m_s, m.k_y_m_s, m.anisotropy_ratio) {
        (Some(kk), None, None, None) => {
            if m.angle_deg.is_some() {
                p.push(k("angle_deg"), "only applies with anisotropy_ratio");
                return None;
            }
            positive_k(p, "k_m_s", kk).map(Conductivity::isotropic)
        }
        (None, Some(kx), Some(ky), None) => {
            if m.angle_deg.is_some() {
                p.push(
                    k("angle_deg"),
                    "only applies with k_m_s + anisotropy_ratio (k_x_m_s, k_y_m_s are along the axes)",
                );
                return None;
            }
            let kx = positive_k(p, "k_x_m_s", kx);
            let ky = positive_k(p, "k_y_m_s", ky);
            Some(Conductivity::axes(kx?, ky?))
        }
        (Some(kk), None, None, Some(ratio)) => {
            let kk = positive_k(p, "k_m_s", kk);
            let ratio = p.positive(&k("anisotropy_ratio"), ratio);
            let angle = p.in_range(&k("angle_deg"), m.angle_deg.unwrap_or(0.0), -180.0, 180.0);
            Some(Conductivity { k_major_m_s: kk?, ratio: ratio?, angle_rad: angle?.to_radians() })
        }
        (None, Some(_), None, None) => {
            p.push(k("k_y_m_s"), "missing: k_x_m_s needs k_y_m_s");
            None
        }
        (None, None, Some(_), None) => {
            p.push(k("k_x_m_s"), "missing: k_y_m_s needs k_x_m_s");
            None
        }
        (None, None, None, _) => {
            p.push(
                k("k_m_s"),
                "missing: give k_m_s (isotropic), k_x_m_s + k_y_m_s, or k_m_s + anisotropy_ratio",
            );
            None
        }
        _ => {
            p.push(
                key,
                "conductivity: give exactly one of k_m_s, k_x_m_s + k_y_m_s, or k_m_s + \
                 anisotropy_ratio (+ angle_deg)",
            );
            None
        }
    }
}

fn unsaturated(u: &RawUnsaturated, key: &str, p: &mut Problems) -> Option<Unsaturated> {
    let k = |name: &str| format!("{key}.{name}");
    let Unsaturated::Residual { kr_min: default_kr, transition_m: default_t } =
        Unsaturated::default()
    else {
        unreachable!("the core default is the residual model")
    };
    let kr = |p: &mut Problems, v: Option<f64>| {
        p.in_range_open_low(&k("kr_min"), v.unwrap_or(default_kr), 0.0, 1.0)
    };
    match *u {
        RawUnsaturated::VanGenuchten { alpha_per_m, n, kr_min } => {
            let alpha = p.positive(&k("alpha_per_m"), alpha_per_m);
            let n = p.finite(&k("n"), n).and_then(|n| {
                if n > 1.0 {
                    Some(n)
                } else {
                    p.push(k("n"), format!("{n} must be greater than 1"));
                    None
                }
            });
            let kr_min = kr(p, kr_min);
            Some(Unsaturated::VanGenuchten { alpha_per_m: alpha?, n: n?, kr_min: kr_min? })
        }
        RawUnsaturated::Residual { kr_min, transition_m } => {
            let kr_min = kr(p, kr_min);
            let t = p.positive(&k("transition_m"), transition_m.unwrap_or(default_t));
            Some(Unsaturated::Residual { kr_min: kr_min?, transition_m: t? })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Material>, Vec<String>) {
        let raw: RawMaterial = toml::from_str(text).unwrap();
        let mut p = Problems::default();
        let m = material(&raw, "material[0]", &mut p);
        (m, p.into_vec().into_iter().map(|x| x.path).collect())
    }

    // Goal: the three conductivity forms and both strength forms map onto the core material in SI.
    // Reference: the core constructors. Tolerance: exact (the same arithmetic).
    #[test]
    fn material_forms_convert_to_si() {
        let (m, problems) = parse(
            r#"name = "sand"
               unit_weight_kn_m3 = 18.5
               strength = { cohesion_kpa = 5.0, friction_angle_deg = 32.0 }
               k_m_s = 1e-5
               anisotropy_ratio = 0.2
               angle_deg = 90.0"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let m = m.unwrap();
        assert_eq!(m.unit_weight_n_m3, 18500.0);
        assert_eq!(m.saturated_unit_weight_n_m3, 18500.0);
        assert_eq!(
            m.strength,
            Strength::MohrCoulomb { cohesion_pa: 5000.0, friction_angle_rad: 32f64.to_radians() }
        );
        let c = m.hydraulic.conductivity;
        assert_eq!((c.k_major_m_s, c.ratio, c.angle_rad), (1e-5, 0.2, 90f64.to_radians()));
        assert_eq!(m.hydraulic.unsaturated, Unsaturated::default());
        let (m, problems) = parse(
            r#"name = "clay"
               unit_weight_kn_m3 = 19.0
               saturated_unit_weight_kn_m3 = 20.0
               strength = { undrained_strength_kpa = 40.0 }
               k_x_m_s = 2e-8
               k_y_m_s = 1e-8
               unsaturated = { model = "van_genuchten", alpha_per_m = 0.5, n = 1.4 }"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let m = m.unwrap();
        assert_eq!(m.strength, Strength::Undrained { undrained_strength_pa: 40e3 });
        assert_eq!(m.hydraulic.conductivity, Conductivity::axes(2e-8, 1e-8));
        assert_eq!(
            m.hydraulic.unsaturated,
            Unsaturated::VanGenuchten { alpha_per_m: 0.5, n: 1.4, kr_min: 1e-6 }
        );
    }

    // Goal: every bad material value is reported at its own key.
    #[test]
    fn bad_material_values_name_their_keys() {
        let cases = [
            ("k_m_s = 0.0", "material[0].k_m_s"),
            ("k_m_s = -1e-5", "material[0].k_m_s"),
            ("k_x_m_s = 1e-5\nk_y_m_s = 0.0", "material[0].k_y_m_s"),
            ("k_x_m_s = 1e-5", "material[0].k_y_m_s"),
            ("k_m_s = 1e-5\nk_x_m_s = 1e-5", "material[0]"),
            ("k_m_s = 1e-5\nanisotropy_ratio = -2.0", "material[0].anisotropy_ratio"),
            ("k_m_s = 1e-5\nangle_deg = 30.0", "material[0].angle_deg"),
        ];
        for (k, path) in cases {
            let text = format!(
                "name = \"a\"\nunit_weight_kn_m3 = 18.0\nstrength = {{ friction_angle_deg = 30.0 }}\n{k}"
            );
            let (m, problems) = parse(&text);
            assert!(m.is_none() && problems == [path], "{k}: {problems:?}");
        }
        let base = "name = \"a\"\nunit_weight_kn_m3 = 18.0\nk_m_s = 1e-5\n";
        let cases = [
            ("strength = { cohesion_kpa = -1.0, friction_angle_deg = 30.0 }", "cohesion_kpa"),
            ("strength = { cohesion_kpa = 1.0, friction_angle_deg = 90.0 }", "friction_angle_deg"),
            ("strength = { friction_angle_deg = -3.0 }", "friction_angle_deg"),
            ("strength = { undrained_strength_kpa = -20.0 }", "undrained_strength_kpa"),
            ("strength = { cohesion_kpa = 10.0 }", "friction_angle_deg"),
        ];
        for (s, leaf) in cases {
            let (m, problems) = parse(&format!("{base}{s}"));
            assert!(m.is_none(), "{s}");
            assert_eq!(problems, [format!("material[0].strength.{leaf}")], "{s}");
        }
        let (_, problems) = parse(&format!(
            "{base}strength = {{ friction_angle_deg = 30.0 }}\nsaturated_unit_weight_kn_m3 = 17.0\n\
             unsaturated = {{ model = \"van_genuchten\", alpha_per_m = 0.0, n = 1.0, kr_min = 2.0 }}"
        ));
        for key in [
            "material[0].saturated_unit_weight_kn_m3",
            "material[0].unsaturated.alpha_per_m",
            "material[0].unsaturated.n",
            "material[0].unsaturated.kr_min",
        ] {
            assert!(problems.iter().any(|p| p == key), "{key} missing from {problems:?}");
        }
    }
}
