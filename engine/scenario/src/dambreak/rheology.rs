//! `[dambreak.tailings] rheology`: the resistance law of the released tailings mixture.
//!
//! ```toml
//! tailings = { released_volume_m3 = 1.0e6, concentration = 0.35, solids_density_kgm3 = 2700.0,
//!              rheology = { model = "bingham", yield_stress_pa = 150.0, viscosity_pa_s = 8.0 } }
//! # rheology = { model = "herschel_bulkley", yield_stress_pa, consistency, index }
//! # rheology = { model = "obrien_julien", yield_stress_pa, viscosity_pa_s, laminar_k = 24.0 }
//! # rheology = "from_concentration"   # O'Brien & Julien (1988) Aspen pit 1 relations at C_v
//! # rheology = "none"                 # water (Manning only): the default
//! ```
//!
//! The mixture density is `ρ_w + C_v (ρ_s − ρ_w)` from the tailings concentration and the solids
//! density (default 2700 kg/m³, typical of quartz/feldspar tailings).

use super::RawTailings;
use crate::error::Problems;
use serde::Deserialize;
use tailtwin_inundation::Rheology;
use tailtwin_inundation::rheology::{ConcentrationCoefficients, mixture_density};

/// Default solids (particle) density of the tailings, kg/m³.
pub const DEFAULT_SOLIDS_DENSITY_KGM3: f64 = 2700.0;

/// Laminar resistance `K_l` of the O'Brien–Julien law when not given: 24, the smooth wide
/// channel (the least resistance of FLO-2D's range, so the longer run-out).
pub const DEFAULT_LAMINAR_K: f64 = 24.0;

/// Upper bound (exclusive) of the volumetric concentration: above ~0.65 a tailings mixture
/// no longer flows as a fluid, and the O'Brien–Julien relations were fitted for C_v ≤ 0.45.
pub const MAX_CONCENTRATION: f64 = 0.65;

/// Where the concentration relations' coefficients come from.
pub const CONCENTRATION_SOURCE: &str = "O'Brien & Julien (1988), Laboratory analysis of mudflow \
     properties, J. Hydraul. Eng. 114(8) 877-887, Table 2, sample \"Aspen pit 1\": \
     tau_y = 0.181 exp(25.7 C_v) dyn/cm2, eta = 0.0360 exp(22.1 C_v) poise (checked against \
     the published table)";

/// `rheology = "none" | "from_concentration" | { model = …, … }` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawRheology {
    Named(String),
    Table(RawRheologyTable),
}

/// The table form; which keys are required depends on `model`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRheologyTable {
    pub model: String,
    pub yield_stress_pa: Option<f64>,
    pub viscosity_pa_s: Option<f64>,
    pub consistency: Option<f64>,
    pub index: Option<f64>,
    pub laminar_k: Option<f64>,
}

/// The validated rheology of the released material.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RheologySpec {
    /// What the 2D solver uses (density included).
    pub rheology: Rheology,
    /// `"none"`, `"bingham"`, `"herschel_bulkley"`, `"obrien_julien"`.
    pub model: &'static str,
    /// Where the parameters come from.
    pub source: &'static str,
}

impl RheologySpec {
    /// Water, Manning resistance only.
    pub const WATER: RheologySpec =
        RheologySpec { rheology: Rheology::Water, model: "none", source: "water (Manning only)" };
}

const KEY: &str = "dambreak.tailings.rheology";

/// Validates the tailings' rheology at concentration `c_v` (already checked in (0, 0.65)).
pub(crate) fn rheology(t: &RawTailings, c_v: f64, p: &mut Problems) -> (f64, RheologySpec) {
    let rho_s = t.solids_density_kgm3.map_or(Some(DEFAULT_SOLIDS_DENSITY_KGM3), |v| {
        // 4000 kg/m³ keeps the mixture within the solver's density bound (3000 kg/m³) at the
        // highest admitted concentration; it covers silicate and most sulphide tailings.
        p.in_range("dambreak.tailings.solids_density_kgm3", v, 1000.0, 4000.0)
    });
    let density = match rho_s.map(|r| mixture_density(c_v, r)) {
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            p.push("dambreak.tailings.concentration", e.to_string());
            DEFAULT_SOLIDS_DENSITY_KGM3
        }
        None => DEFAULT_SOLIDS_DENSITY_KGM3,
    };
    let spec = match &t.rheology {
        None => RheologySpec::WATER,
        Some(RawRheology::Named(n)) if n == "none" => RheologySpec::WATER,
        Some(RawRheology::Named(n)) if n == "from_concentration" => {
            match ConcentrationCoefficients::OBRIEN_JULIEN_AGGREGATE.stresses(c_v) {
                Ok((yield_stress_pa, viscosity_pa_s)) => RheologySpec {
                    rheology: Rheology::OBrienJulien {
                        yield_stress_pa,
                        viscosity_pa_s,
                        laminar_k: DEFAULT_LAMINAR_K,
                        density_kgm3: density,
                    },
                    model: "obrien_julien",
                    source: CONCENTRATION_SOURCE,
                },
                Err(e) => {
                    p.push(KEY, e.to_string());
                    RheologySpec::WATER
                }
            }
        }
        Some(RawRheology::Named(n)) => {
            p.push(
                KEY,
                format!(
                    "{n:?}: \"none\", \"from_concentration\" or a table {{ model = \"bingham\" | \
                     \"herschel_bulkley\" | \"obrien_julien\", … }}"
                ),
            );
            RheologySpec::WATER
        }
        Some(RawRheology::Table(r)) => table(r, density, p),
    };
    if let Err(e) = spec.rheology.validate() {
        p.push(KEY, e.to_string());
    }
    (density, spec)
}

fn table(r: &RawRheologyTable, density_kgm3: f64, p: &mut Problems) -> RheologySpec {
    let (allowed, model): (&[&str], &'static str) = match r.model.as_str() {
        "bingham" => (&["yield_stress_pa", "viscosity_pa_s"], "bingham"),
        "herschel_bulkley" => (&["yield_stress_pa", "consistency", "index"], "herschel_bulkley"),
        "obrien_julien" => (&["yield_stress_pa", "viscosity_pa_s", "laminar_k"], "obrien_julien"),
        o => {
            p.push(
                format!("{KEY}.model"),
                format!("{o:?}: \"bingham\", \"herschel_bulkley\" or \"obrien_julien\""),
            );
            return RheologySpec::WATER;
        }
    };
    let given = [
        ("yield_stress_pa", r.yield_stress_pa),
        ("viscosity_pa_s", r.viscosity_pa_s),
        ("consistency", r.consistency),
        ("index", r.index),
        ("laminar_k", r.laminar_k),
    ];
    for (k, v) in given {
        if v.is_some() && !allowed.contains(&k) {
            p.push(format!("{KEY}.{k}"), format!("not a parameter of model {model:?}"));
        }
    }
    let laminar_k = match r.laminar_k {
        None => DEFAULT_LAMINAR_K,
        Some(k) => {
            p.in_range(&format!("{KEY}.laminar_k"), k, 1.0, 1e5).unwrap_or(DEFAULT_LAMINAR_K)
        }
    };
    let mut need = |k: &str, v: Option<f64>, check: fn(&mut Problems, &str, f64) -> Option<f64>| {
        let key = format!("{KEY}.{k}");
        match v {
            Some(v) => check(p, &key, v).unwrap_or(1.0),
            None => {
                p.push(key, format!("missing: model {model:?} needs it"));
                1.0
            }
        }
    };
    let yield_stress_pa = need("yield_stress_pa", r.yield_stress_pa, Problems::non_negative);
    let rheology = match model {
        "bingham" => Rheology::Bingham {
            yield_stress_pa,
            viscosity_pa_s: need("viscosity_pa_s", r.viscosity_pa_s, Problems::positive),
            density_kgm3,
        },
        "herschel_bulkley" => Rheology::HerschelBulkley {
            yield_stress_pa,
            consistency: need("consistency", r.consistency, Problems::positive),
            // The solver's admitted range of the flow index: shear-thinning to mildly
            // shear-thickening; an index ≤ 0 has no physical meaning.
            flow_index: need("index", r.index, |p, k, v| p.in_range_open_low(k, v, 0.0, 2.0)),
            density_kgm3,
        },
        _ => Rheology::OBrienJulien {
            yield_stress_pa,
            viscosity_pa_s: need("viscosity_pa_s", r.viscosity_pa_s, Problems::non_negative),
            laminar_k,
            density_kgm3,
        },
    };
    RheologySpec { rheology, model, source: "given in the scenario" }
}
