//! Scenario descriptions → the pond crate's objects: the pond (stage–storage, dam, beach) and the
//! discharge structures (series systems assembled: a tower or trough with its conduit is one
//! structure for the router). `validate` builds them once so that `tailtwin check` rejects
//! everything the process crates would reject, with key paths; the pipeline builds them again
//! for the run (the specs stay the single source of truth).

use crate::model::{self as sc, Scenario, StructureKind, StructureSpec};
use crate::model::{CatchmentSpec, DecaySpec, DepthSpec, PatternSpec, RunoffSpec, StormSpec};
use tailtwin_core::Elevation;
use tailtwin_core::Hyetograph;
use tailtwin_hydrology::{
    AtlasStorm, Catchment, ConcentrationParameter, DecayIndex, DepthDuration, DesignStorm,
    DurationStatistics, IdfFormula, ObservedSettings, Pattern, RainRecord, RationalSettings,
    RunoffMethod, ScsCnSettings, TimeOfConcentration, design_storm, observed_hyetograph,
};
use tailtwin_pond::structures::{
    Condition, Conduit, ConduitShape, Contraction, FrameTower, InclinedTrough, Orientation,
    Orifice, OrificeShape, RatingTable, Shaft, SideRule, Spillway, Structure, StructureError, Weir,
    WeirForm, WindowTower, Windows,
};
use tailtwin_pond::{Beach, Dam, DamType, Pond, RainArea, StageStorage};
use thiserror::Error;

/// Why a validated description could not be turned into a process object; `path` is the
/// scenario key path the user must edit.
#[derive(Debug, Error)]
pub enum BuildError {
    #[error("{path}: {message}")]
    Pond { path: &'static str, message: String },
    #[error("{path} (`{id}`): {source}")]
    Structure {
        path: String,
        id: String,
        #[source]
        source: StructureError,
    },
    #[error("{path}: {source}")]
    Hydrology {
        path: &'static str,
        #[source]
        source: tailtwin_hydrology::HydrologyError,
    },
    #[error("{path}: {message}")]
    Unsupported { path: &'static str, message: String },
}

impl BuildError {
    /// The message without the key path.
    pub fn detail(&self) -> String {
        match self {
            BuildError::Pond { message, .. } | BuildError::Unsupported { message, .. } => {
                message.clone()
            }
            BuildError::Structure { source, .. } => source.to_string(),
            BuildError::Hydrology { source, .. } => source.to_string(),
        }
    }

    /// The key path of the problem.
    pub fn path(&self) -> &str {
        match self {
            BuildError::Pond { path, .. }
            | BuildError::Hydrology { path, .. }
            | BuildError::Unsupported { path, .. } => path,
            BuildError::Structure { path, .. } => path,
        }
    }
}

/// Default broad-crested weir coefficient m in Q = m b √(2g) H^1.5: critical depth on the crest
/// gives m = (2/3)^1.5 / √2 = 0.385 (Chow 1959 §14-8); the same law as SWMM's C_w = 1.70.
pub const BROAD_CRESTED_M: f64 = 0.385;
/// Default practical-weir coefficient m (WES crest; standards.md §10).
pub const PRACTICAL_M: f64 = 0.48;
/// Default side-contraction coefficient ε of a practical weir (standards.md §10).
pub const PRACTICAL_CONTRACTION: f64 = 0.92;
/// Default V-notch effective coefficient C_e for θ ≈ 90° (Kindsvater–Shen).
pub const V_NOTCH_CE: f64 = 0.58;

/// The scenario's `[pond]`, or the bad-input error of the commands that need one (flood
/// routing, rating tables): "pond: this command needs a [pond] …".
pub fn pond_spec(s: &Scenario) -> Result<&sc::PondSpec, BuildError> {
    s.pond.as_ref().ok_or_else(|| BuildError::Pond {
        path: "pond",
        message: "this command needs a [pond] (stage–storage, dam crest, levels); this scenario \
                  describes dam sections only (use `tailtwin seepage` / `tailtwin stability`)"
            .into(),
    })
}

/// The pond: stage–storage, dam, beach, start level, rain area.
pub fn pond(s: &Scenario) -> Result<Pond, BuildError> {
    let err = |path: &'static str| {
        move |e: &dyn std::fmt::Display| BuildError::Pond { path, message: e.to_string() }
    };
    let p = pond_spec(s)?;
    let t = &p.stage_storage;
    let storage = match (&t.volume_m3, &t.area_m2) {
        (Some(v), Some(a)) => StageStorage::from_areas_and_volumes(&t.elevation_m, a, v),
        (Some(v), None) => StageStorage::from_volumes(&t.elevation_m, v),
        (None, Some(a)) => StageStorage::from_areas(&t.elevation_m, a),
        (None, None) => unreachable!("validation requires volume or area"),
    }
    .map_err(|e| err("pond.stage_storage")(&e))?;
    let dam_type = match p.dam_type {
        sc::DamType::Upstream => DamType::Upstream,
        sc::DamType::Downstream => DamType::Downstream,
        sc::DamType::Centerline => DamType::Centerline,
        sc::DamType::WaterRetaining => DamType::WaterRetaining,
    };
    let mut dam = Dam::new(p.crest, p.crest_length_m, dam_type);
    dam.overtopping_coefficient = p.overtopping_coefficient;
    let beach = match &p.beach {
        Some(sc::BeachSpec::Slope(i)) => Beach::from_slope(p.beach_crest, *i),
        Some(sc::BeachSpec::Profile { distance_m, elevation_m }) => {
            Beach::from_profile(distance_m, elevation_m)
        }
        // A water-retaining dam without a beach: the router still needs one; a vertical face at
        // the crest makes its "beach length" the height below the crest, which the pipeline does
        // not report (see `report`).
        None => Beach::from_slope(p.crest, 1.0),
    }
    .map_err(|e| err("pond.beach")(&e))?;
    let mut pond = Pond::new(storage, dam, beach, p.initial_level)
        .map_err(|e| err("pond")(&e))?
        .with_rain_area(RainArea::WaterSurface { extra_m2: p.direct_area_m2 })
        .map_err(|e| err("pond.direct_area_km2")(&e))?;
    if let Some(z) = p.max_allowed_level {
        pond = pond.with_max_allowed_level(z).map_err(|e| err("pond.max_allowed_level_m")(&e))?;
    }
    Ok(pond)
}

/// The structures the router sees: every structure that is not the outlet conduit of another,
/// with its conduit attached, in file order.
pub fn structures(s: &Scenario) -> Result<Vec<Structure>, BuildError> {
    routed_indices(s).map(|i| structure_at(s, i)).collect()
}

/// Indices of the structures the router sees (those that are not another's outlet conduit).
pub fn routed_indices(s: &Scenario) -> impl Iterator<Item = usize> + '_ {
    (0..s.structures.len()).filter(|&i| !s.structures[i].is_outlet_of_another)
}

/// Structure `i` with its outlet conduit attached.
pub fn structure_at(s: &Scenario, i: usize) -> Result<Structure, BuildError> {
    let g = s.meta.gravity;
    let spec = &s.structures[i];
    let outlet = spec.outlet.map(|j| conduit(s, j, g)).transpose()?;
    structure(spec, outlet, s, g).map_err(|source| structure_error(s, spec, source))
}

fn condition(spec: &StructureSpec) -> Condition {
    if spec.damaged {
        Condition::Closed
    } else if spec.condition < 1.0 {
        Condition::Blocked { remaining: spec.condition }
    } else {
        Condition::Intact
    }
}

fn shape(section: &sc::SectionSpec) -> ConduitShape {
    match *section {
        sc::SectionSpec::Circular { diameter_m } => ConduitShape::Circular { diameter_m },
        sc::SectionSpec::Horseshoe { width_m, height_m } => {
            ConduitShape::Horseshoe { width_m, height_m }
        }
        sc::SectionSpec::Box { width_m, height_m } => ConduitShape::Box { width_m, height_m },
    }
}

/// The error of structure `spec`, with its key path `structure[i]`.
fn structure_error(s: &Scenario, spec: &StructureSpec, source: StructureError) -> BuildError {
    let index = s.structures.iter().position(|x| x.id == spec.id).unwrap_or(usize::MAX);
    BuildError::Structure { path: format!("structure[{index}]"), id: spec.id.clone(), source }
}

/// Structure `j` (a conduit) as a `Conduit` (condition included).
fn conduit(s: &Scenario, j: usize, g: f64) -> Result<Conduit, BuildError> {
    let spec = &s.structures[j];
    let wrap = |source| structure_error(s, spec, source);
    let StructureKind::Conduit {
        section,
        length_m,
        manning_n,
        inlet_invert,
        outlet_invert,
        entrance_loss,
        bend_loss,
        exit_loss,
        tailwater,
    } = &spec.kind
    else {
        unreachable!("validation resolves outlets to conduits only")
    };
    let mut c = Conduit::new(
        spec.id.as_str(),
        shape(section),
        *inlet_invert,
        *outlet_invert,
        *length_m,
        *manning_n,
    )
    .and_then(|c| c.with_losses(*entrance_loss, *bend_loss))
    .and_then(|c| c.with_exit_coefficient(*exit_loss))
    .and_then(|c| c.with_gravity(g))
    .and_then(|c| c.with_condition(condition(spec)))
    .map_err(wrap)?;
    if let Some(t) = tailwater {
        c = c.with_tailwater(*t).map_err(wrap)?;
    }
    Ok(c)
}

fn structure(
    spec: &StructureSpec,
    outlet: Option<Conduit>,
    s: &Scenario,
    g: f64,
) -> Result<Structure, StructureError> {
    let id = spec.id.as_str();
    let built = match &spec.kind {
        StructureKind::Weir {
            form,
            crest,
            width_m,
            coefficient_si,
            discharge_coefficient,
            contraction,
            notch_angle_rad,
            opening_height_m,
            tailwater,
        } => {
            let law = match (coefficient_si, form) {
                (Some(c), _) => {
                    WeirForm::Swmm { coefficient: *c, length_m: *width_m, end_contractions: 0 }
                }
                (None, sc::WeirForm::BroadCrested) => WeirForm::BroadCrested {
                    length_m: *width_m,
                    m: discharge_coefficient.unwrap_or(BROAD_CRESTED_M),
                },
                (None, sc::WeirForm::SharpCrested) => WeirForm::SharpCrested {
                    length_m: *width_m,
                    // Validation refuses structures without a pond; a zero height is refused too.
                    weir_height_m: crest.m() - s.pond.as_ref().map_or(crest.m(), |p| p.bottom.m()),
                },
                (None, sc::WeirForm::Practical) => WeirForm::Practical {
                    bays: 1,
                    bay_width_m: *width_m,
                    m: discharge_coefficient.unwrap_or(PRACTICAL_M),
                    contraction: Contraction::Given(contraction.unwrap_or(PRACTICAL_CONTRACTION)),
                },
                (None, sc::WeirForm::VNotch) => WeirForm::VNotch {
                    angle_rad: notch_angle_rad.expect("validated: v_notch has an angle"),
                    ce: discharge_coefficient.unwrap_or(V_NOTCH_CE),
                },
            };
            let mut w = Weir::new(id, *crest, law)?.with_gravity(g)?;
            if let Some(h) = opening_height_m {
                w = w.with_opening_height(*h)?;
            }
            if let Some(t) = tailwater {
                w = w.with_tailwater(*t)?;
            }
            Structure::Weir(w)
        }
        StructureKind::Orifice {
            bottom_orientation,
            invert,
            opening,
            discharge_coefficient,
            swmm_partly_submerged,
        } => {
            let shape = match *opening {
                sc::OpeningSpec::Circular { diameter_m } => OrificeShape::Circular { diameter_m },
                sc::OpeningSpec::Rectangular { width_m, height_m } => {
                    OrificeShape::Rectangular { width_m, height_m }
                }
            };
            let orientation = match (bottom_orientation, swmm_partly_submerged) {
                (true, _) => Orientation::Bottom,
                (false, true) => Orientation::Side(SideRule::Swmm),
                (false, false) => Orientation::Side(SideRule::Exact),
            };
            Structure::Orifice(
                Orifice::new(id, shape, orientation, *invert, *discharge_coefficient)?
                    .with_gravity(g)?,
            )
        }
        StructureKind::Conduit { .. } => {
            let j = s.structures.iter().position(|x| x.id == spec.id).expect("spec of s");
            return conduit(s, j, g).map(Structure::Conduit).map_err(|e| match e {
                BuildError::Structure { source, .. } => source,
                other => unreachable!("conduit() only fails with structure errors: {other}"),
            });
        }
        StructureKind::WindowTower {
            base,
            crown,
            shaft_diameter_m,
            outer_diameter_m,
            windows,
            crown_coefficient,
            window_coefficient,
        } => {
            let layout = Windows {
                bottom: windows.lowest_sill,
                row_spacing_m: windows.row_spacing_m,
                per_row: windows.per_row,
                width_m: windows.width_m,
                height_m: windows.height_m,
                rows: None,
            };
            // No plugs given: every row is open (plugs "up to" the base close nothing).
            let sealed = windows.sealed_up_to.unwrap_or(*base);
            let mut t = WindowTower::new(
                id,
                *base,
                *crown,
                *outer_diameter_m,
                Shaft::new(*shaft_diameter_m),
                layout,
                sealed,
            )?;
            if let Some(mu) = window_coefficient {
                t = t.with_windows_flow(*mu, SideRule::Exact)?;
            }
            if let Some(m) = crown_coefficient {
                t = t.with_crown_coefficient(*m)?;
            }
            if let Some(c) = outlet {
                t = t.with_outlet(c)?;
            }
            Structure::WindowTower(t)
        }
        StructureKind::FrameTower {
            base,
            crown,
            shaft_diameter_m,
            frame_width_m,
            open_sides,
            plates_top,
            orifice_coefficient,
        } => {
            let perimeter = frame_width_m * f64::from(*open_sides);
            let mut t = FrameTower::new(
                id,
                *base,
                *crown,
                *plates_top,
                perimeter,
                Shaft::new(*shaft_diameter_m),
            )?;
            if let Some(mu) = orifice_coefficient {
                t = t.with_cd(*mu)?;
            }
            if let Some(c) = outlet {
                t = t.with_outlet(c)?;
            }
            Structure::FrameTower(t)
        }
        StructureKind::Trough {
            bottom,
            top,
            length_m,
            width_m,
            height_m,
            covers_top,
            manning_n,
            entrance_loss,
        } => {
            let angle = ((top.m() - bottom.m()) / length_m).asin();
            let mut t = InclinedTrough::new(
                id,
                *width_m,
                *height_m,
                angle,
                *bottom,
                *top,
                *covers_top,
                *manning_n,
            )?
            .with_losses(*entrance_loss, 0.0)?;
            if let Some(c) = outlet {
                t = t.with_outlet(c)?;
            }
            Structure::InclinedTrough(t)
        }
        StructureKind::Spillway {
            crest,
            width_m,
            discharge_coefficient,
            contraction,
            openings,
            chute_capacity_m3s,
        } => {
            let form = WeirForm::Practical {
                bays: *openings,
                bay_width_m: width_m / f64::from(*openings),
                m: *discharge_coefficient,
                contraction: Contraction::Given(*contraction),
            };
            let mut sp = Spillway::new(Weir::new(id, *crest, form)?.with_gravity(g)?);
            if let Some(q) = chute_capacity_m3s {
                sp = sp.with_chute_capacity(*q)?;
            }
            Structure::Spillway(sp)
        }
        StructureKind::RatingTable { stage_m, flow_m3s, extrapolate } => Structure::RatingTable(
            RatingTable::new(id, stage_m.clone(), flow_m3s.clone(), *extrapolate)?,
        ),
    };
    built.with_condition(condition(spec))
}

/// The lowest stage at which any structure starts to flow (its lowest transition), if any.
pub fn lowest_inlet(structures: &[Structure]) -> Option<Elevation> {
    use tailtwin_pond::Outlet;
    structures.iter().flat_map(|s| s.transition_stages()).min_by(|a, b| a.m().total_cmp(&b.m()))
}

/// Ratio of lag to time of concentration in the SCS method (NEH-630 ch. 15: L = 0.6 T_c); a
/// given lag is turned into T_c with it.
const SCS_LAG_OVER_TC: f64 = 0.6;

/// The storm as the hydrology crate takes it.
pub enum Storm {
    Design(Box<DesignStorm>),
    Observed(Hyetograph),
}

impl Storm {
    /// The rain.
    pub fn hyetograph(&self) -> &Hyetograph {
        match self {
            Storm::Design(d) => &d.hyetograph,
            Storm::Observed(h) => h,
        }
    }
}

/// Builds the storm of the scenario.
pub fn storm(spec: &StormSpec) -> Result<Storm, BuildError> {
    match spec {
        StormSpec::Design { return_period_years, duration_s, interval_s, depth, pattern } => {
            let rp = return_period_years.unwrap_or(f64::NAN);
            let depth = match depth {
                DepthSpec::Atlas { mean_24h_mm, cv, cs_over_cv, decay } => {
                    DepthDuration::Atlas(AtlasStorm {
                        h24: DurationStatistics {
                            mean_mm: *mean_24h_mm,
                            cv: *cv,
                            cs_over_cv: *cs_over_cv,
                        },
                        return_period_years: rp,
                        decay: match *decay {
                            DecaySpec::Single(n) => DecayIndex::Single { n },
                            DecaySpec::Segmented { n1, n2, n3 } => {
                                DecayIndex::Segmented { n1, n2, n3 }
                            }
                            DecaySpec::DesignDepths { h10min_mm, h1h_mm, h6h_mm } => {
                                DecayIndex::FromDesignDepths { h10min_mm, h1h_mm, h6h_mm }
                            }
                        },
                    })
                }
                DepthSpec::Idf { a, c, b_min, n } => DepthDuration::Idf(IdfFormula {
                    a1_mm_per_min: *a,
                    c: *c,
                    b_min: *b_min,
                    n: *n,
                    return_period_years: rp,
                    max_duration_min: duration_s / 60.0,
                }),
                DepthSpec::Fixed { depth_mm } => {
                    DepthDuration::Fixed { depth_mm: *depth_mm, duration_s: *duration_s }
                }
            };
            let pattern = match pattern {
                PatternSpec::Chicago { peak_position } => {
                    Pattern::Chicago { peak_position: *peak_position }
                }
                PatternSpec::ScsTypeII => Pattern::ScsTypeII,
                PatternSpec::Uniform => Pattern::Uniform,
                PatternSpec::Table { time_fraction, cumulative_fraction } => {
                    Pattern::CumulativeTable {
                        rows: time_fraction
                            .iter()
                            .copied()
                            .zip(cumulative_fraction.iter().copied())
                            .collect(),
                    }
                }
            };
            let d = design_storm(&depth, &pattern, *duration_s, Some(*interval_s))
                .map_err(|source| BuildError::Hydrology { path: "storm", source })?;
            Ok(Storm::Design(Box::new(d)))
        }
        StormSpec::Observed { time_s, depth_mm, interval_s } => {
            let records: Vec<RainRecord> = time_s
                .iter()
                .zip(depth_mm)
                .map(|(&t, &d)| RainRecord { time_s: t, depth_mm: d })
                .collect();
            // Default grid: the record spacing (the first period for a single record).
            let interval = interval_s.unwrap_or_else(|| {
                if time_s.len() >= 2 { time_s[1] - time_s[0] } else { time_s[0] }
            });
            let h = observed_hyetograph(&records, &ObservedSettings::with_interval(interval))
                .map_err(|source| BuildError::Hydrology { path: "storm", source })?;
            Ok(Storm::Observed(h))
        }
    }
}

/// The hydrology crate's catchment and runoff method.
pub fn catchment(
    spec: &CatchmentSpec,
) -> Result<(Catchment, RunoffMethod, Vec<String>), BuildError> {
    let mut warnings = Vec::new();
    let (Some(length), Some(slope)) = (spec.channel_length_m, spec.channel_slope) else {
        return Err(BuildError::Unsupported {
            path: "catchment",
            message: "channel_length_km and channel_slope are both needed".into(),
        });
    };
    let c = Catchment { area_m2: spec.area_m2, channel_length_m: length, channel_slope: slope };
    let method = match &spec.runoff {
        RunoffSpec::ScsCn { curve_number, amc, ia_ratio, impervious_fraction } => {
            let mut s = ScsCnSettings::new(*curve_number);
            s.amc = match amc {
                sc::Amc::I => tailtwin_hydrology::Amc::I,
                sc::Amc::II => tailtwin_hydrology::Amc::II,
                sc::Amc::III => tailtwin_hydrology::Amc::III,
            };
            s.initial_abstraction_ratio = *ia_ratio;
            s.impervious_fraction = *impervious_fraction;
            s.time_of_concentration = match (spec.tc_s, spec.lag_s) {
                (Some(tc), _) => TimeOfConcentration::Given { seconds: tc },
                (None, Some(lag)) => TimeOfConcentration::Given { seconds: lag / SCS_LAG_OVER_TC },
                (None, None) => TimeOfConcentration::Kirpich,
            };
            RunoffMethod::ScsCn(s)
        }
        RunoffSpec::Rational { mu_mm_h, m } => {
            let mut s = RationalSettings::new(*mu_mm_h);
            match m {
                Some(m) => s.concentration = ConcentrationParameter::Given { m: *m },
                None => warnings.push(
                    "汇流参数 m 取区域默认 θ–m 关系（回忆值，未核实）/ concentration parameter m from \
                     the recalled regional θ–m default (m = 0.4 θ^0.204), not verified — set \
                     catchment.runoff.m"
                        .into(),
                ),
            }
            RunoffMethod::Rational(s)
        }
    };
    Ok((c, method, warnings))
}
