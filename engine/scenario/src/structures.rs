//! Validation of `[[structure]]` entries: ranges per kind, geometry cross-checks against the pond and
//! the tower, id resolution of series links (`outlet = "<conduit id>"`).

use crate::curves::{self, ColumnSpec, Columns};
use crate::error::Problems;
use crate::model::*;
use crate::raw::*;
use crate::validate::{Ctx, columns};
use std::collections::HashMap;
use tailtwin_core::Elevation;

/// A tower stands in the pond: a crown further above the dam crest than this is a typing or
/// unit slip (towers are raised with the pond, a few metres above the operating level).
const MAX_CROWN_ABOVE_CREST_M: f64 = 20.0;

/// Validates every structure; `None` when any problem was found.
pub(crate) fn structures(
    raw: &[RawStructure],
    pond: Option<&PondSpec>,
    cx: &mut Ctx,
) -> Option<Vec<StructureSpec>> {
    let before = cx.problems.len();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, s) in raw.iter().enumerate() {
        let id = s.common().id.as_str();
        let key = format!("structure[{i}].id");
        if id.trim().is_empty() {
            cx.problems.push(key, "must not be empty");
        } else if id == "combined" {
            cx.problems.push(key, "`combined` is reserved for the sum of all structures");
        } else if let Some(j) = ids.insert(id, i) {
            cx.problems.push(key, format!("duplicate id `{id}` (also structure[{j}])"));
        }
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, s) in raw.iter().enumerate() {
        let k = format!("structure[{i}]");
        let kind = kind(s, &k, pond, cx);
        let c = s.common();
        let p = &mut cx.problems;
        let condition = p.in_range(&format!("{k}.condition"), c.condition.unwrap_or(1.0), 0.0, 1.0);
        let outlet = match &c.outlet {
            None => None,
            Some(o) => {
                match ids.get(o.as_str()) {
                    None => {
                        p.push(format!("{k}.outlet"), format!("unknown structure id `{o}`"));
                        None
                    }
                    Some(&j) if j == i => {
                        p.push(format!("{k}.outlet"), "a structure cannot discharge into itself");
                        None
                    }
                    Some(&j) => {
                        if !matches!(raw[j], RawStructure::Conduit(_)) {
                            p.push(
                                format!("{k}.outlet"),
                                format!(
                                    "`{o}` is a {}, but an outlet must be a conduit",
                                    raw[j].kind()
                                ),
                            );
                        }
                        if !matches!(
                            s,
                            RawStructure::WindowTower(_)
                                | RawStructure::FrameTower(_)
                                | RawStructure::Trough(_)
                        ) {
                            p.push(
                            format!("{k}.outlet"),
                            format!("a {} cannot discharge into a conduit (only towers and troughs)", s.kind()),
                        );
                        }
                        Some(j)
                    }
                }
            }
        };
        if let (Some(j), Some(kind)) = (outlet, &kind) {
            series_geometry(i, kind, &raw[j], j, p);
        }
        if let (Some(kind), Some(condition)) = (kind, condition) {
            out.push(StructureSpec {
                id: c.id.clone(),
                kind_name: s.kind(),
                kind,
                outlet,
                condition,
                damaged: c.damaged,
                is_outlet_of_another: false,
            });
        }
    }
    // Each conduit takes at most one inlet (a shared tunnel would need a junction model).
    let mut fed: HashMap<usize, usize> = HashMap::new();
    for (i, s) in out.iter().enumerate() {
        if let Some(j) = s.outlet
            && let Some(first) = fed.insert(j, i)
        {
            cx.problems.push(
                format!("structure[{i}].outlet"),
                format!(
                    "conduit `{}` already takes structure[{first}]; one inlet per conduit",
                    raw[j].common().id
                ),
            );
        }
    }
    if cx.problems.len() > before {
        return None;
    }
    for j in fed.keys() {
        out[*j].is_outlet_of_another = true;
    }
    Some(out)
}

/// Tower base / trough bottom must not lie below the conduit inlet it discharges into.
fn series_geometry(
    i: usize,
    kind: &StructureKind,
    outlet: &RawStructure,
    j: usize,
    p: &mut Problems,
) {
    let RawStructure::Conduit(c) = outlet else { return };
    let low = match kind {
        StructureKind::WindowTower { base, .. } | StructureKind::FrameTower { base, .. } => {
            Some(("base_m", base.m()))
        }
        StructureKind::Trough { bottom, .. } => Some(("bottom_m", bottom.m())),
        _ => None,
    };
    if let Some((name, z)) = low
        && z < c.inlet_invert_m
    {
        p.push(
            format!("structure[{i}].{name}"),
            format!(
                "{z} is below the inlet invert {} of its outlet structure[{j}]",
                c.inlet_invert_m
            ),
        );
    }
}

fn kind(s: &RawStructure, k: &str, pond: Option<&PondSpec>, cx: &mut Ctx) -> Option<StructureKind> {
    let crest = pond.map(|p| p.crest.m());
    let bottom = pond.map(|p| p.bottom.m());
    let before = cx.problems.len();
    let p = &mut cx.problems;
    // An inlet level above the dam crest is never reached; below the pond bottom is meaningless.
    let in_pond = |p: &mut Problems, key: &str, z: f64| -> Option<f64> {
        let z = p.finite(&format!("{k}.{key}"), z)?;
        if let Some(c) = crest
            && z >= c
        {
            p.push(
                format!("{k}.{key}"),
                format!("{z} is at or above the dam crest {c}: never reached"),
            );
            return None;
        }
        if let Some(b) = bottom
            && z < b
        {
            p.push(format!("{k}.{key}"), format!("{z} is below the pond bottom {b}"));
            return None;
        }
        Some(z)
    };
    let coeff =
        |p: &mut Problems, key: &str, v: Option<f64>, lo: f64, hi: f64| -> Option<Option<f64>> {
            match v {
                None => Some(None),
                Some(v) => p.in_range(&format!("{k}.{key}"), v, lo, hi).map(Some),
            }
        };
    let kind = match s {
        RawStructure::Weir(w) => {
            let form = match w.form.as_deref().unwrap_or("broad_crested") {
                "broad_crested" => Some(WeirForm::BroadCrested),
                "sharp_crested" => Some(WeirForm::SharpCrested),
                "practical" => Some(WeirForm::Practical),
                "v_notch" => Some(WeirForm::VNotch),
                other => {
                    p.push(
                        format!("{k}.form"),
                        format!("unknown weir form `{other}` (allowed: broad_crested, sharp_crested, practical, v_notch)"),
                    );
                    None
                }
            };
            let crest_z = in_pond(p, "crest_m", w.crest_m);
            let width = match (form, w.width_m) {
                (Some(WeirForm::VNotch), _) => {
                    w.width_m.and_then(|b| p.non_negative(&format!("{k}.width_m"), b)).or(Some(0.0))
                }
                (_, Some(b)) => p.in_range_open_low(&format!("{k}.width_m"), b, 0.0, 500.0),
                (_, None) => {
                    p.push(format!("{k}.width_m"), "missing (required for this weir form)");
                    None
                }
            };
            let angle = match (form, w.notch_angle_deg) {
                (Some(WeirForm::VNotch), Some(a)) => p
                    .in_range_open_low(&format!("{k}.notch_angle_deg"), a, 0.0, 179.0)
                    .map(|a| Some(a.to_radians())),
                (Some(WeirForm::VNotch), None) => {
                    p.push(format!("{k}.notch_angle_deg"), "missing (required for a v_notch weir)");
                    None
                }
                (_, Some(_)) => {
                    p.push(format!("{k}.notch_angle_deg"), "only applies to a v_notch weir");
                    None
                }
                (_, None) => Some(None),
            };
            let cw = coeff(p, "coefficient_si", w.coefficient_si, 0.1, 5.0);
            let m = coeff(p, "discharge_coefficient", w.discharge_coefficient, 0.1, 1.0);
            let eps = coeff(p, "contraction", w.contraction, 0.5, 1.0);
            let open = match w.opening_height_m {
                Some(h) => {
                    p.in_range_open_low(&format!("{k}.opening_height_m"), h, 0.0, 50.0).map(Some)
                }
                None => Some(None),
            };
            let tail = match w.tailwater_m {
                Some(t) => p.finite(&format!("{k}.tailwater_m"), t).map(|t| Some(Elevation(t))),
                None => Some(None),
            };
            StructureKind::Weir {
                form: form?,
                crest: Elevation(crest_z?),
                width_m: width?,
                coefficient_si: cw?,
                discharge_coefficient: m?,
                contraction: eps?,
                notch_angle_rad: angle?,
                opening_height_m: open?,
                tailwater: tail?,
            }
        }
        RawStructure::Orifice(o) => {
            let bottom_orientation = match o.orientation.as_deref().unwrap_or("side") {
                "side" => Some(false),
                "bottom" => Some(true),
                other => {
                    p.push(
                        format!("{k}.orientation"),
                        format!("unknown orientation `{other}` (allowed: side, bottom)"),
                    );
                    None
                }
            };
            let swmm = match o.partly_submerged.as_deref().unwrap_or("exact") {
                "exact" => Some(false),
                "swmm" => Some(true),
                other => {
                    p.push(
                        format!("{k}.partly_submerged"),
                        format!("unknown rule `{other}` (allowed: exact, swmm)"),
                    );
                    None
                }
            };
            let invert = in_pond(p, "invert_m", o.invert_m);
            let opening = opening(&o.shape, &format!("{k}.shape"), p);
            let cd = p.in_range(
                &format!("{k}.discharge_coefficient"),
                o.discharge_coefficient.unwrap_or(0.61),
                0.1,
                1.0,
            );
            StructureKind::Orifice {
                bottom_orientation: bottom_orientation?,
                invert: Elevation(invert?),
                opening: opening?,
                discharge_coefficient: cd?,
                swmm_partly_submerged: swmm?,
            }
        }
        RawStructure::Conduit(c) => {
            let section = section(&c.shape, &format!("{k}.shape"), p);
            let length = p.in_range_open_low(&format!("{k}.length_m"), c.length_m, 0.0, 20_000.0);
            let n = p.in_range(&format!("{k}.manning_n"), c.manning_n, 0.008, 0.05);
            let zi = p.finite(&format!("{k}.inlet_invert_m"), c.inlet_invert_m);
            let zo = p.finite(&format!("{k}.outlet_invert_m"), c.outlet_invert_m);
            if let (Some(zi), Some(zo)) = (zi, zo) {
                if zo > zi {
                    p.push(
                        format!("{k}.outlet_invert_m"),
                        format!("{zo} is above the inlet invert {zi} (adverse slope)"),
                    );
                }
                if let (Some(c), Some(l)) = (crest, length) {
                    if zi >= c {
                        p.push(
                            format!("{k}.inlet_invert_m"),
                            format!("{zi} is at or above the dam crest {c}: never reached"),
                        );
                    }
                    if (zi - zo) > l {
                        p.push(
                            format!("{k}.length_m"),
                            format!("{l} is shorter than the drop {} between the inverts", zi - zo),
                        );
                    }
                }
            }
            let ke =
                p.in_range(&format!("{k}.entrance_loss"), c.entrance_loss.unwrap_or(0.5), 0.0, 5.0);
            let kb = p.in_range(&format!("{k}.bend_loss"), c.bend_loss.unwrap_or(0.0), 0.0, 20.0);
            let kx = p.in_range(&format!("{k}.exit_loss"), c.exit_loss.unwrap_or(1.0), 0.0, 5.0);
            let tail = match c.tailwater_m {
                Some(t) => p.finite(&format!("{k}.tailwater_m"), t).map(|t| Some(Elevation(t))),
                None => Some(None),
            };
            StructureKind::Conduit {
                section: section?,
                length_m: length?,
                manning_n: n?,
                inlet_invert: Elevation(zi?),
                outlet_invert: Elevation(zo?),
                entrance_loss: ke?,
                bend_loss: kb?,
                exit_loss: kx?,
                tailwater: tail?,
            }
        }
        RawStructure::WindowTower(t) => {
            let base = in_pond(p, "base_m", t.base_m);
            let crown = tower_crown(p, k, t.crown_m, crest);
            let d = p.in_range_open_low(
                &format!("{k}.shaft_diameter_m"),
                t.shaft_diameter_m,
                0.0,
                20.0,
            );
            let w = &t.windows;
            let wk = format!("{k}.windows");
            let sill = p.finite(&format!("{wk}.lowest_sill_m"), w.lowest_sill_m);
            let spacing =
                p.in_range_open_low(&format!("{wk}.row_spacing_m"), w.row_spacing_m, 0.0, 10.0);
            let width = p.in_range_open_low(&format!("{wk}.width_m"), w.width_m, 0.0, 10.0);
            let height = p.in_range_open_low(&format!("{wk}.height_m"), w.height_m, 0.0, 10.0);
            let per_row = if w.per_row == 0 {
                p.push(format!("{wk}.per_row"), "0: a row needs at least one window");
                None
            } else {
                Some(w.per_row)
            };
            if let (Some(s), Some(h)) = (spacing, height)
                && h > s
            {
                p.push(
                    format!("{wk}.height_m"),
                    format!("{h} exceeds the row spacing {s}: rows would overlap"),
                );
            }
            if let (Some(b), Some(c)) = (base, crown) {
                if c <= b {
                    p.push(format!("{k}.crown_m"), format!("{c} is not above the tower base {b}"));
                }
                if let Some(s) = sill {
                    if s < b {
                        p.push(
                            format!("{wk}.lowest_sill_m"),
                            format!("{s} is below the tower base {b}"),
                        );
                    }
                    if s + height.unwrap_or(0.0) > c {
                        p.push(
                            format!("{wk}.lowest_sill_m"),
                            format!("{s}: the lowest window reaches above the tower crown {c}"),
                        );
                    }
                    if let Some(dc) = crest
                        && s >= dc
                    {
                        p.push(
                            format!("{wk}.lowest_sill_m"),
                            format!("{s} is at or above the dam crest {dc}: never reached"),
                        );
                    }
                }
            }
            let sealed = match w.sealed_up_to_m {
                None => Some(None),
                Some(z) => {
                    let z = p.finite(&format!("{wk}.sealed_up_to_m"), z);
                    if let (Some(z), Some(c)) = (z, crown)
                        && z >= c
                    {
                        p.push(
                            format!("{wk}.sealed_up_to_m"),
                            format!("{z} is at or above the tower crown {c}: no window left open"),
                        );
                    }
                    z.map(|z| Some(Elevation(z)))
                }
            };
            let outer = p.in_range_open_low(
                &format!("{k}.outer_diameter_m"),
                t.outer_diameter_m,
                0.0,
                25.0,
            );
            if let (Some(o), Some(d)) = (outer, d)
                && o <= d
            {
                p.push(
                    format!("{k}.outer_diameter_m"),
                    format!("{o} is not larger than the shaft diameter {d}"),
                );
            }
            // The windows of one row must fit around the shaft.
            if let (Some(n), Some(w), Some(d)) = (per_row, width, d)
                && f64::from(n) * w > std::f64::consts::PI * d
            {
                p.push(
                    format!("{wk}.per_row"),
                    format!(
                        "{n} windows × {w} m = {} m do not fit around the shaft (circumference {:.3} m)",
                        f64::from(n) * w,
                        std::f64::consts::PI * d
                    ),
                );
            }
            let cw = coeff(p, "crown_coefficient", t.crown_coefficient, 0.2, 0.6);
            let mu = coeff(p, "window_coefficient", t.window_coefficient, 0.3, 1.0);
            StructureKind::WindowTower {
                base: Elevation(base?),
                crown: Elevation(crown?),
                shaft_diameter_m: d?,
                windows: WindowsSpec {
                    lowest_sill: Elevation(sill?),
                    row_spacing_m: spacing?,
                    per_row: per_row?,
                    width_m: width?,
                    height_m: height?,
                    sealed_up_to: sealed?,
                },
                outer_diameter_m: outer?,
                crown_coefficient: cw?,
                window_coefficient: mu?,
            }
        }
        RawStructure::FrameTower(t) => {
            let base = in_pond(p, "base_m", t.base_m);
            let crown = tower_crown(p, k, t.crown_m, crest);
            let d = p.in_range_open_low(
                &format!("{k}.shaft_diameter_m"),
                t.shaft_diameter_m,
                0.0,
                20.0,
            );
            let fw = p.in_range_open_low(&format!("{k}.frame_width_m"), t.frame_width_m, 0.0, 20.0);
            let sides = match t.open_sides.unwrap_or(4) {
                n @ 1..=8 => Some(n),
                n => {
                    p.push(format!("{k}.open_sides"), format!("{n} is outside 1–8"));
                    None
                }
            };
            let plates = p.finite(&format!("{k}.plates_top_m"), t.plates_top_m);
            if let (Some(b), Some(c), Some(pt)) = (base, crown, plates) {
                if c <= b {
                    p.push(format!("{k}.crown_m"), format!("{c} is not above the tower base {b}"));
                }
                if !(b..c).contains(&pt) {
                    p.push(
                        format!("{k}.plates_top_m"),
                        format!("{pt} is not between the tower base {b} and crown {c}"),
                    );
                }
            }
            let mu = coeff(p, "orifice_coefficient", t.orifice_coefficient, 0.3, 1.0);
            StructureKind::FrameTower {
                base: Elevation(base?),
                crown: Elevation(crown?),
                shaft_diameter_m: d?,
                frame_width_m: fw?,
                open_sides: sides?,
                plates_top: Elevation(plates?),
                orifice_coefficient: mu?,
            }
        }
        RawStructure::Trough(t) => {
            let bottom_z = in_pond(p, "bottom_m", t.bottom_m);
            let top = p.finite(&format!("{k}.top_m"), t.top_m);
            let length = p.in_range_open_low(&format!("{k}.length_m"), t.length_m, 0.0, 2_000.0);
            let width = p.in_range_open_low(&format!("{k}.width_m"), t.width_m, 0.0, 10.0);
            let height = p.in_range_open_low(&format!("{k}.height_m"), t.height_m, 0.0, 10.0);
            let covers = p.finite(&format!("{k}.covers_top_m"), t.covers_top_m);
            if let (Some(b), Some(tp), Some(c)) = (bottom_z, top, covers) {
                if tp <= b {
                    p.push(
                        format!("{k}.top_m"),
                        format!("{tp} is not above the trough bottom {b}"),
                    );
                }
                if !(b..tp).contains(&c) {
                    p.push(
                        format!("{k}.covers_top_m"),
                        format!("{c} is not between the trough bottom {b} and top {tp}"),
                    );
                }
                if let Some(l) = length
                    && tp - b >= l
                {
                    p.push(
                        format!("{k}.length_m"),
                        format!("{l} is not longer than the rise {}", tp - b),
                    );
                }
            }
            let n =
                p.in_range(&format!("{k}.manning_n"), t.manning_n.unwrap_or(0.014), 0.008, 0.05);
            let ke =
                p.in_range(&format!("{k}.entrance_loss"), t.entrance_loss.unwrap_or(0.5), 0.0, 5.0);
            StructureKind::Trough {
                bottom: Elevation(bottom_z?),
                top: Elevation(top?),
                length_m: length?,
                width_m: width?,
                height_m: height?,
                covers_top: Elevation(covers?),
                manning_n: n?,
                entrance_loss: ke?,
            }
        }
        RawStructure::Spillway(s) => {
            let crest_z = in_pond(p, "crest_m", s.crest_m);
            let width = p.in_range_open_low(&format!("{k}.width_m"), s.width_m, 0.0, 500.0);
            let m = p.in_range(
                &format!("{k}.discharge_coefficient"),
                s.discharge_coefficient.unwrap_or(0.48),
                0.2,
                0.6,
            );
            let eps =
                p.in_range(&format!("{k}.contraction"), s.contraction.unwrap_or(0.92), 0.5, 1.0);
            let n = match s.openings.unwrap_or(1) {
                0 => {
                    p.push(format!("{k}.openings"), "0: a spillway needs at least one opening");
                    None
                }
                n => Some(n),
            };
            let chute = match s.chute_capacity_m3s {
                Some(c) => p.positive(&format!("{k}.chute_capacity_m3s"), c).map(Some),
                None => Some(None),
            };
            StructureKind::Spillway {
                crest: Elevation(crest_z?),
                width_m: width?,
                discharge_coefficient: m?,
                contraction: eps?,
                openings: n?,
                chute_capacity_m3s: chute?,
            }
        }
        RawStructure::RatingTable(r) => {
            let key = format!("{k}.table");
            let spec = ColumnSpec { required: &["stage_m", "flow_m3s"], optional: &[] };
            let cols = columns(
                &r.table,
                &key,
                &spec,
                |t| {
                    Columns::from([
                        ("stage_m".into(), t.stage_m.clone()),
                        ("flow_m3s".into(), t.flow_m3s.clone()),
                    ])
                },
                cx,
            );
            let p = &mut cx.problems;
            let mut cols = cols?;
            let z = cols.remove("stage_m")?;
            let q = cols.remove("flow_m3s")?;
            let ok = curves::same_length(&key, ("stage_m", z.len()), ("flow_m3s", q.len()), 2, p)
                && curves::all_finite(&format!("{key}.stage_m"), &z, p)
                && curves::strictly_increasing(&format!("{key}.stage_m"), &z, p)
                && curves::all_non_negative(&format!("{key}.flow_m3s"), &q, p)
                && curves::non_decreasing(&format!("{key}.flow_m3s"), &q, p);
            if !ok {
                return None;
            }
            if q[0] != 0.0 {
                p.push(
                    format!("{key}.flow_m3s[0]"),
                    format!("{}: the first row must be the stage where flow starts (0)", q[0]),
                );
                return None;
            }
            if let Some(c) = crest
                && z[0] >= c
            {
                p.push(
                    format!("{key}.stage_m[0]"),
                    format!("{} is at or above the dam crest {c}: never reached", z[0]),
                );
                return None;
            }
            StructureKind::RatingTable {
                stage_m: z,
                flow_m3s: q,
                extrapolate: r.extrapolate.unwrap_or(false),
            }
        }
    };
    (cx.problems.len() == before).then_some(kind)
}

/// A tower crown: finite and not absurdly far above the dam crest.
fn tower_crown(p: &mut Problems, k: &str, crown: f64, crest: Option<f64>) -> Option<f64> {
    let c = p.finite(&format!("{k}.crown_m"), crown)?;
    if let Some(dc) = crest
        && c > dc + MAX_CROWN_ABOVE_CREST_M
    {
        p.push(
            format!("{k}.crown_m"),
            format!("{c} is more than {MAX_CROWN_ABOVE_CREST_M} m above the dam crest {dc}"),
        );
        return None;
    }
    Some(c)
}

fn opening(o: &RawOpening, k: &str, p: &mut Problems) -> Option<OpeningSpec> {
    match *o {
        RawOpening::Circular { diameter_m } => p
            .in_range_open_low(&format!("{k}.circular.diameter_m"), diameter_m, 0.0, 20.0)
            .map(|diameter_m| OpeningSpec::Circular { diameter_m }),
        RawOpening::Rectangular { width_m, height_m } => {
            let w = p.in_range_open_low(&format!("{k}.rectangular.width_m"), width_m, 0.0, 20.0);
            let h = p.in_range_open_low(&format!("{k}.rectangular.height_m"), height_m, 0.0, 20.0);
            Some(OpeningSpec::Rectangular { width_m: w?, height_m: h? })
        }
    }
}

fn section(s: &RawSection, k: &str, p: &mut Problems) -> Option<SectionSpec> {
    match *s {
        RawSection::Circular { diameter_m } => p
            .in_range_open_low(&format!("{k}.circular.diameter_m"), diameter_m, 0.0, 20.0)
            .map(|diameter_m| SectionSpec::Circular { diameter_m }),
        RawSection::Horseshoe { width_m, height_m } => {
            let w = p.in_range_open_low(&format!("{k}.horseshoe.width_m"), width_m, 0.0, 20.0);
            let h = p.in_range_open_low(&format!("{k}.horseshoe.height_m"), height_m, 0.0, 20.0);
            // The crown arch has radius width/2 on the springline: the section is at least that tall.
            if let (Some(w), Some(h)) = (w, h)
                && h <= w / 2.0
            {
                p.push(
                    format!("{k}.horseshoe.height_m"),
                    format!("{h} is not above the arch radius {}", w / 2.0),
                );
                return None;
            }
            Some(SectionSpec::Horseshoe { width_m: w?, height_m: h? })
        }
        RawSection::Box { width_m, height_m } => {
            let w = p.in_range_open_low(&format!("{k}.box.width_m"), width_m, 0.0, 20.0);
            let h = p.in_range_open_low(&format!("{k}.box.height_m"), height_m, 0.0, 20.0);
            Some(SectionSpec::Box { width_m: w?, height_m: h? })
        }
    }
}
