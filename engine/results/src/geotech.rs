//! Seepage and stability products in `results.h5`: `/geotech`, `/sections`, `/seepage`,
//! `/stability`. The layout is documented in the crate docs (lib.rs); keep them in step. The
//! reader is `geotech_read.rs`.

use crate::codes::serde_name;
use crate::error::ResultsError;
use crate::h5io::{H5Writer, UNITS_ONE};
use hdf5::Group;
use tailtwin_core::section::{Material, Strength};
use tailtwin_core::{Check, DamSection, GeotechRun, SeepageRun, SlipSurface, StabilityRun};

/// A slice-table column: name, field, units, description.
type SliceColumn = (&'static str, fn(&tailtwin_core::SliceRow) -> f64, &'static str, &'static str);

/// Subgroup name of the k-th item of a list (`run_00`, `grid_03`, …): ordered as given.
pub(crate) fn item_name(prefix: &str, k: usize) -> String {
    format!("{prefix}_{k:02}")
}

/// Legend of the slip-surface kind codes.
pub(crate) const SURFACE_LEGEND: &str = "0=none; 1=circle; 2=polyline";
/// Legend of `meets_minimum`.
pub(crate) const MEETS_LEGEND: &str = "0=no; 1=yes; 2=not compared (FoS or minimum missing)";

/// Writes the four geotech groups.
pub(crate) fn write_geotech_groups(
    w: &H5Writer,
    root: &Group,
    g: &GeotechRun,
) -> Result<(), ResultsError> {
    let top = w.group(root, "geotech")?;
    w.attr_u64(&top, "sections", g.sections.len() as u64)?;
    w.attr_u64(&top, "seepage_runs", g.seepage.len() as u64)?;
    w.attr_u64(&top, "stability_runs", g.stability.len() as u64)?;
    let cg = w.group(&top, "checks")?;
    write_check_table(w, &cg, &g.checks)?;
    let cl = w.group(&top, "control_lines")?;
    let names: Vec<&str> = g.control_lines.iter().map(|(n, _)| n.as_str()).collect();
    w.texts(&cl, "section", &names, "section each control line belongs to")?;
    let lines: Vec<&[[f64; 2]]> = g.control_lines.iter().map(|(_, l)| l.as_slice()).collect();
    write_ragged_points(w, &cl, &lines, "control line (浸润线控制线) vertices")?;

    let sg = w.group(root, "sections")?;
    let names: Vec<&str> = g.sections.iter().map(|s| s.name.as_str()).collect();
    w.texts(&sg, "names", &names, "section names, in order (subgroups section_00, …)")?;
    for (k, s) in g.sections.iter().enumerate() {
        write_section(w, &w.group(&sg, &item_name("section", k))?, s)?;
    }
    let pg = w.group(root, "seepage")?;
    for (k, run) in g.seepage.iter().enumerate() {
        write_seepage_run(w, &w.group(&pg, &item_name("run", k))?, run)?;
    }
    let st = w.group(root, "stability")?;
    for (k, run) in g.stability.iter().enumerate() {
        write_stability_run(w, &w.group(&st, &item_name("run", k))?, run)?;
    }
    Ok(())
}

/// The check-table columns (shared by `/risk/checks` and `/geotech/checks`).
pub(crate) fn write_check_table(w: &H5Writer, cg: &Group, c: &[Check]) -> Result<(), ResultsError> {
    let col = |f: fn(&Check) -> String| c.iter().map(f).collect::<Vec<_>>();
    w.texts(cg, "id", &col(|x| x.id.clone()), "check id")?;
    w.texts(cg, "name_zh", &col(|x| x.name_zh.clone()), "check name in Chinese")?;
    w.texts(cg, "name_en", &col(|x| x.name_en.clone()), "check name in English")?;
    let values: Vec<Option<f64>> = c.iter().map(|x| x.value).collect();
    let limits: Vec<Option<f64>> = c.iter().map(|x| x.limit).collect();
    w.optional_f64s(cg, "value", &values, "see unit", "computed value (NaN: descriptive row)")?;
    w.optional_f64s(cg, "limit", &limits, "see unit", "limit compared with (NaN: none)")?;
    w.texts(cg, "unit", &col(|x| x.unit.clone()), "unit of value and limit, per row")?;
    w.texts(
        cg,
        "comparison",
        &col(|x| x.comparison.clone()),
        "how value and limit compare to pass",
    )?;
    w.texts(cg, "status", &col(|x| serde_name(&x.status)), "pass, fail, info, not_applicable")?;
    w.texts(cg, "standard", &col(|x| serde_name(&x.standard)), "standard of the limit")?;
    w.texts(cg, "clause", &col(|x| x.clause.clone()), "clause of the standard")?;
    w.texts(
        cg,
        "confidence",
        &col(|x| serde_name(&x.confidence)),
        "verified, secondary, recalled, site",
    )?;
    w.texts(cg, "note", &col(|x| x.note.clone()), "explanation")?;
    Ok(())
}

/// Several point lists as `offsets` (u64, len + 1) into `points` (n × 2, m).
fn write_ragged_points(
    w: &H5Writer,
    g: &Group,
    lines: &[&[[f64; 2]]],
    what: &str,
) -> Result<(), ResultsError> {
    let mut offsets = vec![0u64];
    let mut points = Vec::new();
    for l in lines {
        points.extend_from_slice(l);
        offsets.push(points.len() as u64);
    }
    w.u64s(
        g,
        "offsets",
        &offsets,
        &format!("item k has points[offsets[k]..offsets[k+1]] ({what})"),
    )?;
    w.f64_rows(g, "points", &points, "m", &format!("{what}: [x, z] rows, z absolute elevation"))?;
    Ok(())
}

fn pts(points: &[tailtwin_core::Point2]) -> Vec<[f64; 2]> {
    points.iter().map(|p| [p.x, p.z]).collect()
}

fn write_section(w: &H5Writer, g: &Group, s: &DamSection) -> Result<(), ResultsError> {
    w.attr_text(g, "name", &s.name)?;
    let json = serde_json::to_string(s)
        .map_err(|source| ResultsError::Json { path: w.path.clone(), source })?;
    w.text(g, "json", &json, "the whole section as JSON (authoritative for reading back)")?;
    w.f64_rows(
        g,
        "surface",
        &pts(s.surface.points()),
        "m",
        "ground/dam surface [x, z], pond side first",
    )?;
    w.f64_rows(g, "base", &pts(s.base.points()), "m", "impervious model base [x, z]")?;
    let materials: Vec<&str> = s.materials.iter().map(|m| m.name.as_str()).collect();
    w.texts(g, "material_names", &materials, "material names (index = material id)")?;
    write_materials(w, &w.group(g, "materials")?, &s.materials)?;
    let zg = w.group(g, "zones")?;
    let names: Vec<&str> = s.zones.iter().map(|z| z.name.as_str()).collect();
    w.texts(&zg, "names", &names, "zone names")?;
    let ids: Vec<u64> = s.zones.iter().map(|z| z.material.0 as u64).collect();
    w.u64s(&zg, "material", &ids, "material index of each zone (into material_names)")?;
    let rings: Vec<Vec<[f64; 2]>> = s.zones.iter().map(|z| pts(z.polygon.vertices())).collect();
    let rings: Vec<&[[f64; 2]]> = rings.iter().map(Vec::as_slice).collect();
    write_ragged_points(w, &zg, &rings, "zone polygon vertices")?;
    let dg = w.group(g, "drains")?;
    let names: Vec<&str> = s.drains.iter().map(|d| d.name.as_str()).collect();
    w.texts(&dg, "names", &names, "drain names")?;
    let kinds: Vec<String> = s.drains.iter().map(|d| serde_name(&d.kind)).collect();
    w.texts(&dg, "kinds", &kinds, "blanket, toe or chimney")?;
    let rings: Vec<Vec<[f64; 2]>> = s.drains.iter().map(|d| pts(d.polygon.vertices())).collect();
    let rings: Vec<&[[f64; 2]]> = rings.iter().map(Vec::as_slice).collect();
    write_ragged_points(w, &dg, &rings, "drain polygon vertices")?;
    let pipe_names: Vec<&str> = s.pipes.iter().map(|p| p.name.as_str()).collect();
    w.texts(g, "pipe_names", &pipe_names, "drainage pipe names")?;
    let pipe_at: Vec<[f64; 2]> = s.pipes.iter().map(|p| [p.at.x, p.at.z]).collect();
    w.f64_rows(g, "pipes", &pipe_at, "m", "drainage pipe positions [x, z]")?;
    w.f64s(g, "stations_x", &s.stations_x, "m", "abscissae of the burial-depth stations")?;
    w.f64_scalar(
        g,
        "pond_surface_until_x",
        s.pond_side.surface_until_x,
        "m",
        "the pond level applies on the surface up to this abscissa",
    )?;
    Ok(())
}

/// Material properties as columns (one row per material, index = material id). The
/// unsaturated model is in the section JSON only.
fn write_materials(w: &H5Writer, g: &Group, m: &[Material]) -> Result<(), ResultsError> {
    let col = |f: fn(&Material) -> f64| m.iter().map(f).collect::<Vec<_>>();
    let names: Vec<&str> = m.iter().map(|x| x.name.as_str()).collect();
    w.texts(g, "names", &names, "material names (index = material id)")?;
    w.f64s(
        g,
        "unit_weight",
        &col(|x| x.unit_weight_n_m3),
        "N/m3",
        "unit weight above the phreatic line",
    )?;
    w.f64s(
        g,
        "saturated_unit_weight",
        &col(|x| x.saturated_unit_weight_n_m3),
        "N/m3",
        "saturated unit weight",
    )?;
    let strength = |x: &Material| match x.strength {
        Strength::MohrCoulomb { cohesion_pa, friction_angle_rad } => {
            (Some(cohesion_pa), Some(friction_angle_rad.to_degrees()), None)
        }
        Strength::Undrained { undrained_strength_pa } => (None, None, Some(undrained_strength_pa)),
    };
    let st: Vec<_> = m.iter().map(strength).collect();
    let kinds: Vec<String> = m
        .iter()
        .map(|x| match x.strength {
            Strength::MohrCoulomb { .. } => "mohr_coulomb".to_owned(),
            Strength::Undrained { .. } => "undrained".to_owned(),
        })
        .collect();
    w.texts(g, "strength", &kinds, "strength model: mohr_coulomb or undrained")?;
    w.optional_f64s(
        g,
        "cohesion",
        &st.iter().map(|s| s.0).collect::<Vec<_>>(),
        "Pa",
        "effective cohesion c' (NaN: undrained)",
    )?;
    w.optional_f64s(
        g,
        "friction_angle",
        &st.iter().map(|s| s.1).collect::<Vec<_>>(),
        "degree",
        "effective friction angle (NaN: undrained)",
    )?;
    w.optional_f64s(
        g,
        "undrained_strength",
        &st.iter().map(|s| s.2).collect::<Vec<_>>(),
        "Pa",
        "undrained strength s_u (NaN: Mohr-Coulomb)",
    )?;
    w.f64s(
        g,
        "k_major",
        &col(|x| x.hydraulic.conductivity.k_major_m_s),
        "m/s",
        "principal saturated conductivity k1",
    )?;
    w.f64s(g, "k_ratio", &col(|x| x.hydraulic.conductivity.ratio), "1", "k2 / k1")?;
    w.f64s(
        g,
        "k_angle",
        &col(|x| x.hydraulic.conductivity.angle_rad.to_degrees()),
        "degree",
        "direction of k1, counter-clockwise from +x",
    )?;
    Ok(())
}

fn write_seepage_run(w: &H5Writer, g: &Group, run: &SeepageRun) -> Result<(), ResultsError> {
    let p = &run.profile;
    let f = &run.fields;
    w.attr_text(g, "section", &p.section)?;
    w.attr_text(g, "level", &serde_name(&p.level))?;
    w.attr_f64(g, "pond_level_m", p.pond_level_m)?;
    w.f64_rows(g, "nodes", &f.nodes, "m", "mesh node coordinates [x, z]")?;
    w.u32_rows(g, "triangles", &f.triangles, "mesh triangles: counter-clockwise node indices")?;
    w.u32s(
        g,
        "element_zone",
        &f.element_zone,
        "zone index (into the section's zones) per triangle",
    )?;
    w.f64s(g, "heads", &f.heads_m, "m", "total head per node")?;
    w.f64s(
        g,
        "pore_pressure",
        &f.pore_pressure_pa,
        "Pa",
        "pore-water pressure per node (negative above the phreatic line)",
    )?;
    w.f64_rows(
        g,
        "phreatic_line",
        &p.phreatic_line,
        "m",
        "phreatic line (p = 0) [x, z], pond side first",
    )?;
    w.f64_rows(
        g,
        "seepage_face",
        &p.seepage_face,
        "m",
        "seepage face on the outer surface [x, z]",
    )?;
    let bg = w.group(g, "burial")?;
    let b = &p.burial;
    w.f64s(&bg, "x", &b.iter().map(|s| s.x_m).collect::<Vec<_>>(), "m", "station abscissa")?;
    w.f64s(
        &bg,
        "surface",
        &b.iter().map(|s| s.surface_m).collect::<Vec<_>>(),
        "m",
        "surface elevation at the station",
    )?;
    w.optional_f64s(
        &bg,
        "phreatic",
        &b.iter().map(|s| s.phreatic_m).collect::<Vec<_>>(),
        "m",
        "phreatic elevation (NaN: dry to the base)",
    )?;
    w.f64s(
        &bg,
        "depth",
        &b.iter().map(|s| s.depth_m).collect::<Vec<_>>(),
        "m",
        "burial depth (埋深): surface minus phreatic (to the base where dry)",
    )?;
    let og = w.group(g, "outlets")?;
    let o = &p.outlets;
    w.texts(
        &og,
        "names",
        &o.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        "boundary group name",
    )?;
    w.texts(
        &og,
        "kinds",
        &o.iter().map(|x| x.kind.as_str()).collect::<Vec<_>>(),
        "pond, seepage_face, tailwater, drain or pipe",
    )?;
    w.f64s(
        &og,
        "flows",
        &o.iter().map(|x| x.flow_m2s).collect::<Vec<_>>(),
        "m2/s",
        "flow per metre of dam, positive out of the section",
    )?;
    w.f64_scalar(
        g,
        "discharge",
        p.discharge_m2s,
        "m2/s",
        "net discharge from the pond per metre of dam",
    )?;
    w.optional_f64_scalar(g, "exit_x", p.exit_x_m, "m", "abscissa of the top of the seepage face")?;
    w.optional_f64_scalar(
        g,
        "exit_elevation",
        p.exit_elevation_m,
        "m",
        "elevation of the top of the seepage face (逸出点)",
    )?;
    w.f64_scalar(
        g,
        "seepage_face_length",
        p.seepage_face_length_m,
        "m",
        "length of the seepage face",
    )?;
    w.optional_f64_scalar(
        g,
        "min_burial_depth",
        p.min_burial_depth_m,
        "m",
        "least burial depth over the stations",
    )?;
    w.f64_scalar(g, "inflow", p.inflow_m2s, "m2/s", "inflow over all fixed-head nodes")?;
    w.f64_scalar(g, "outflow", p.outflow_m2s, "m2/s", "outflow over all fixed-head nodes")?;
    w.f64_scalar(
        g,
        "mass_balance_error_pct",
        p.mass_balance_error_pct,
        "%",
        "100 (in - out) / in",
    )?;
    w.u64_scalar(g, "iterations", p.iterations as u64, UNITS_ONE, "Picard iterations")?;
    w.u64_scalar(g, "node_count", p.nodes as u64, UNITS_ONE, "mesh nodes of the solve")?;
    w.u64_scalar(g, "element_count", p.elements as u64, UNITS_ONE, "mesh triangles of the solve")?;
    w.texts(g, "warnings", &p.warnings, "warnings of the solve")?;
    Ok(())
}

/// Slip surfaces as `surface_kind` (u8 codes), `circle` (n × 3, NaN unless a circle) and the
/// polyline vertices as `polyline/offsets` + `polyline/points`.
fn write_surfaces(
    w: &H5Writer,
    g: &Group,
    surfaces: &[Option<&SlipSurface>],
) -> Result<(), ResultsError> {
    let kinds: Vec<u8> = surfaces
        .iter()
        .map(|s| match s {
            None => 0,
            Some(SlipSurface::Circle { .. }) => 1,
            Some(SlipSurface::Polyline { .. }) => 2,
        })
        .collect();
    w.codes(g, "surface_kind", &kinds, "kind of slip surface", SURFACE_LEGEND)?;
    let circles: Vec<Option<[f64; 3]>> = surfaces
        .iter()
        .map(|s| match s {
            Some(SlipSurface::Circle { xc_m, yc_m, radius_m }) => Some([*xc_m, *yc_m, *radius_m]),
            _ => None,
        })
        .collect();
    w.optional_f64_rows(
        g,
        "circle",
        &circles,
        "m",
        "circle [xc, yc, radius] (NaN row: not a circle)",
    )?;
    let lines: Vec<Vec<[f64; 2]>> = surfaces
        .iter()
        .map(|s| match s {
            Some(SlipSurface::Polyline { points }) => pts(points),
            _ => Vec::new(),
        })
        .collect();
    let lines: Vec<&[[f64; 2]]> = lines.iter().map(Vec::as_slice).collect();
    write_ragged_points(w, &w.group(g, "polyline")?, &lines, "non-circular slip surface vertices")
}

fn write_stability_run(w: &H5Writer, g: &Group, run: &StabilityRun) -> Result<(), ResultsError> {
    w.attr_text(g, "section", &run.section)?;
    let rg = w.group(g, "rows")?;
    let r = &run.rows;
    let texts =
        |f: fn(&tailtwin_core::StabilityResultRow) -> String| r.iter().map(f).collect::<Vec<_>>();
    let opt = |f: fn(&tailtwin_core::StabilityResultRow) -> Option<f64>| {
        r.iter().map(f).collect::<Vec<_>>()
    };
    w.texts(&rg, "section", &texts(|x| x.section.clone()), "section name")?;
    w.texts(&rg, "load_case", &texts(|x| serde_name(&x.load_case)), "normal, flood or special")?;
    w.texts(&rg, "method", &texts(|x| x.method.clone()), "limit-equilibrium method")?;
    w.optional_f64s(
        &rg,
        "fos",
        &opt(|x| x.fos),
        "1",
        "factor of safety (NaN: the method gave none)",
    )?;
    w.optional_f64s(
        &rg,
        "required_fos",
        &opt(|x| x.required_fos),
        "1",
        "code minimum factor of safety (NaN: not tabulated)",
    )?;
    w.optional_texts(
        &rg,
        "required_source",
        &r.iter().map(|x| x.required_source.clone()).collect::<Vec<_>>(),
        "standard and clause of the minimum",
    )?;
    let meets: Vec<u8> = r.iter().map(|x| x.meets_minimum.map_or(2, u8::from)).collect();
    w.codes(&rg, "meets_minimum", &meets, "fos >= required_fos", MEETS_LEGEND)?;
    w.optional_texts(
        &rg,
        "legacy_standing",
        &r.iter().map(|x| x.legacy_standing.clone()).collect::<Vec<_>>(),
        "AQ 2006-2005 standing of fos",
    )?;
    w.optional_texts(
        &rg,
        "error",
        &r.iter().map(|x| x.error.clone()).collect::<Vec<_>>(),
        "why the method gave no factor of safety",
    )?;
    let trials: Vec<u64> = r.iter().map(|x| x.trials as u64).collect();
    w.u64s(&rg, "trials", &trials, "trial surfaces evaluated")?;
    w.optional_f64s(
        &rg,
        "pond_level",
        &opt(|x| x.pond_level_m),
        "m",
        "pond level of the load case (NaN: none)",
    )?;
    w.f64s(
        &rg,
        "kh",
        &r.iter().map(|x| x.kh).collect::<Vec<_>>(),
        "1",
        "horizontal seismic coefficient",
    )?;
    let crit: Vec<Option<&SlipSurface>> = r.iter().map(|x| x.surface.as_ref()).collect();
    write_surfaces(w, &rg, &crit)?;

    let ng = w.group(g, "near_critical")?;
    let n = &run.near_critical;
    w.texts(
        &ng,
        "load_case",
        &n.iter().map(|x| serde_name(&x.load_case)).collect::<Vec<_>>(),
        "load case",
    )?;
    w.texts(&ng, "method", &n.iter().map(|x| x.method.as_str()).collect::<Vec<_>>(), "method")?;
    w.f64s(
        &ng,
        "fos",
        &n.iter().map(|x| x.fos).collect::<Vec<_>>(),
        "1",
        "factor of safety of the surface",
    )?;
    let near: Vec<Option<&SlipSurface>> = n.iter().map(|x| Some(&x.surface)).collect();
    write_surfaces(w, &ng, &near)?;

    let gg = w.group(g, "fos_grids")?;
    for (k, grid) in run.fos_grids.iter().enumerate() {
        let sub = w.group(&gg, &item_name("grid", k))?;
        w.attr_text(&sub, "load_case", &serde_name(&grid.load_case))?;
        w.attr_text(&sub, "method", &grid.method)?;
        w.f64s(&sub, "xs", &grid.xs_m, "m", "centre abscissae")?;
        w.f64s(&sub, "ys", &grid.ys_m, "m", "centre elevations")?;
        w.optional_f64s(&sub, "fos", &grid.fos, "1", "least FoS over the radii per centre, row-major fos[j*len(xs)+i] at (xs[i], ys[j]) (NaN: no admissible circle)")?;
    }
    let tg = w.group(g, "slice_tables")?;
    for (k, t) in run.slice_tables.iter().enumerate() {
        let sub = w.group(&tg, &item_name("table", k))?;
        w.attr_text(&sub, "load_case", &serde_name(&t.load_case))?;
        w.attr_text(&sub, "method", &t.method)?;
        let s = &t.slices;
        let cols: [SliceColumn; 8] = [
            ("x_mid", |x| x.x_mid_m, "m", "slice centre-line abscissa"),
            ("width", |x| x.width_m, "m", "slice width"),
            (
                "alpha",
                |x| x.alpha_deg,
                "degree",
                "base inclination (positive descending downslope)",
            ),
            ("weight", |x| x.weight_n_m, "N/m", "slice self-weight per metre run"),
            ("pore_pressure", |x| x.pore_pressure_pa, "Pa", "pore pressure at the base"),
            ("cohesion", |x| x.cohesion_pa, "Pa", "cohesion (or s_u) at the base"),
            ("friction_angle", |x| x.friction_angle_deg, "degree", "friction angle at the base"),
            ("normal", |x| x.normal_n_m, "N/m", "normal force on the base"),
        ];
        for (name, f, units, description) in cols {
            w.f64s(&sub, name, &s.iter().map(f).collect::<Vec<_>>(), units, description)?;
        }
    }
    let pg = w.group(g, "phreatic_lines")?;
    let cases: Vec<String> = run.phreatic_lines.iter().map(|(c, _)| serde_name(c)).collect();
    w.texts(&pg, "load_case", &cases, "load case of each phreatic line")?;
    let lines: Vec<&[[f64; 2]]> = run.phreatic_lines.iter().map(|(_, l)| l.as_slice()).collect();
    write_ragged_points(w, &pg, &lines, "phreatic line used by the load case")
}
