//! Reader of the geotech groups written by `geotech.rs`: rebuilds the [`GeotechRun`] exactly.

use crate::error::ResultsError;
use crate::geotech::item_name;
use crate::h5io::H5Reader;
use hdf5::Group;
use tailtwin_core::{
    BurialDepth, Check, DamSection, FosGrid, GeotechRun, Point2, RankedSurface, SeepageFields,
    SeepageOutletFlow, SeepageProfile, SeepageRun, SliceRow, SliceTable, SlipSurface,
    StabilityResultRow, StabilityRun,
};

/// The geotech products of an open results file (`None` when it has no `/geotech` group).
pub(crate) fn read_geotech_groups(
    r: &H5Reader,
    root: &Group,
) -> Result<Option<GeotechRun>, ResultsError> {
    if !r.has(root, "geotech") {
        return Ok(None);
    }
    let top = r.group(root, "geotech")?;
    let count = |name| r.attr_u64(&top, name).map(|n| n as usize);
    let (n_sections, n_seepage, n_stability) =
        (count("sections")?, count("seepage_runs")?, count("stability_runs")?);
    let checks = read_check_table(r, &r.group(&top, "checks")?, "/geotech/checks")?;
    let cl = r.group(&top, "control_lines")?;
    let names = r.texts(&cl, "section")?;
    let lines = read_ragged_points(r, &cl, names.len())?;
    let control_lines = names.into_iter().zip(lines).collect();

    let sg = r.group(root, "sections")?;
    let mut sections = Vec::with_capacity(n_sections);
    for k in 0..n_sections {
        let name = item_name("section", k);
        let g = r.group(&sg, &name)?;
        let json = r.text(&g, "json")?;
        let s: DamSection = serde_json::from_str(&json).map_err(|e| {
            r.malformed(format!("/sections/{name}/json"), format!("not a dam section: {e}"))
        })?;
        sections.push(s);
    }
    let pg = r.group(root, "seepage")?;
    let seepage = (0..n_seepage)
        .map(|k| read_seepage_run(r, &r.group(&pg, &item_name("run", k))?))
        .collect::<Result<Vec<_>, _>>()?;
    let st = r.group(root, "stability")?;
    let stability = (0..n_stability)
        .map(|k| read_stability_run(r, &r.group(&st, &item_name("run", k))?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(GeotechRun { sections, seepage, stability, checks, control_lines }))
}

/// The check-table columns (shared by `/risk/checks` and `/geotech/checks`).
pub(crate) fn read_check_table(
    r: &H5Reader,
    g: &Group,
    object: &str,
) -> Result<Vec<Check>, ResultsError> {
    let ids = r.texts(g, "id")?;
    let n = ids.len();
    let t = |name| r.texts_len(g, name, n);
    let (zh, en, unit, cmp, status, std, clause, conf, note) = (
        t("name_zh")?,
        t("name_en")?,
        t("unit")?,
        t("comparison")?,
        t("status")?,
        t("standard")?,
        t("clause")?,
        t("confidence")?,
        t("note")?,
    );
    let value = r.optional_f64s(g, "value", n)?;
    let limit = r.optional_f64s(g, "limit", n)?;
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        out.push(Check {
            id: ids[k].clone(),
            name_zh: zh[k].clone(),
            name_en: en[k].clone(),
            value: value[k],
            limit: limit[k],
            unit: unit[k].clone(),
            comparison: cmp[k].clone(),
            status: r.parse(&format!("{object}/status"), &status[k])?,
            standard: r.parse(&format!("{object}/standard"), &std[k])?,
            clause: clause[k].clone(),
            confidence: r.parse(&format!("{object}/confidence"), &conf[k])?,
            note: note[k].clone(),
        });
    }
    Ok(out)
}

fn read_ragged_points(
    r: &H5Reader,
    g: &Group,
    items: usize,
) -> Result<Vec<Vec<[f64; 2]>>, ResultsError> {
    let offsets = r.u64s_len(g, "offsets", items + 1)?;
    let points = r.f64_rows::<2>(g, "points", None)?;
    let bad = || r.malformed(format!("{}/offsets", g.name()), "offsets out of order or range");
    if offsets.first() != Some(&0) || offsets.last().map(|&o| o as usize) != Some(points.len()) {
        return Err(bad());
    }
    offsets
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0] as usize, w[1] as usize);
            if a > b { Err(bad()) } else { Ok(points[a..b].to_vec()) }
        })
        .collect()
}

fn read_seepage_run(r: &H5Reader, g: &Group) -> Result<SeepageRun, ResultsError> {
    let object = g.name();
    let level = r.parse(&format!("{object}@level"), &r.attr_text(g, "level")?)?;
    let nodes = r.f64_rows::<2>(g, "nodes", None)?;
    let triangles = r.u32_rows::<3>(g, "triangles")?;
    if let Some(k) = triangles.iter().position(|t| t.iter().any(|&i| i as usize >= nodes.len())) {
        return Err(r.malformed(
            format!("{object}/triangles"),
            format!("triangle {k} refers to a node beyond the {} nodes", nodes.len()),
        ));
    }
    let fields = SeepageFields {
        element_zone: r.u32s_len(g, "element_zone", triangles.len())?,
        heads_m: r.f64s_len(g, "heads", nodes.len())?,
        pore_pressure_pa: r.f64s_len(g, "pore_pressure", nodes.len())?,
        nodes,
        triangles,
    };
    let bg = r.group(g, "burial")?;
    let x = r.f64s(&bg, "x")?;
    let n = x.len();
    let surface = r.f64s_len(&bg, "surface", n)?;
    let phreatic = r.optional_f64s(&bg, "phreatic", n)?;
    let depth = r.f64s_len(&bg, "depth", n)?;
    let burial = (0..n)
        .map(|k| BurialDepth {
            x_m: x[k],
            surface_m: surface[k],
            phreatic_m: phreatic[k],
            depth_m: depth[k],
        })
        .collect();
    let og = r.group(g, "outlets")?;
    let names = r.texts(&og, "names")?;
    let kinds = r.texts_len(&og, "kinds", names.len())?;
    let flows = r.f64s_len(&og, "flows", names.len())?;
    let outlets = names
        .into_iter()
        .zip(kinds)
        .zip(flows)
        .map(|((name, kind), flow_m2s)| SeepageOutletFlow { name, kind, flow_m2s })
        .collect();
    let profile = SeepageProfile {
        section: r.attr_text(g, "section")?,
        level,
        pond_level_m: r.attr_f64(g, "pond_level_m")?,
        discharge_m2s: r.f64_scalar(g, "discharge")?,
        exit_x_m: r.optional_f64_scalar(g, "exit_x")?,
        exit_elevation_m: r.optional_f64_scalar(g, "exit_elevation")?,
        seepage_face_length_m: r.f64_scalar(g, "seepage_face_length")?,
        phreatic_line: r.f64_rows::<2>(g, "phreatic_line", None)?,
        seepage_face: r.f64_rows::<2>(g, "seepage_face", None)?,
        burial,
        min_burial_depth_m: r.optional_f64_scalar(g, "min_burial_depth")?,
        outlets,
        inflow_m2s: r.f64_scalar(g, "inflow")?,
        outflow_m2s: r.f64_scalar(g, "outflow")?,
        mass_balance_error_pct: r.f64_scalar(g, "mass_balance_error_pct")?,
        iterations: r.u64_scalar(g, "iterations")? as usize,
        nodes: r.u64_scalar(g, "node_count")? as usize,
        elements: r.u64_scalar(g, "element_count")? as usize,
        warnings: r.texts(g, "warnings")?,
    };
    Ok(SeepageRun { profile, fields })
}

fn read_surfaces(
    r: &H5Reader,
    g: &Group,
    n: usize,
) -> Result<Vec<Option<SlipSurface>>, ResultsError> {
    let kinds = r.codes(g, "surface_kind", n)?;
    let circles = r.optional_f64_rows::<3>(g, "circle", n)?;
    let lines = read_ragged_points(r, &r.group(g, "polyline")?, n)?;
    let object = format!("{}/surface_kind", g.name());
    (0..n)
        .map(|k| match (kinds[k], circles[k]) {
            (0, _) => Ok(None),
            (1, Some([xc_m, yc_m, radius_m])) => {
                Ok(Some(SlipSurface::Circle { xc_m, yc_m, radius_m }))
            }
            (2, _) => Ok(Some(SlipSurface::Polyline {
                points: lines[k].iter().map(|p| Point2::new(p[0], p[1])).collect(),
            })),
            (c, _) => Err(r.malformed(&object, format!("row {k}: surface code {c} without data"))),
        })
        .collect()
}

fn read_stability_run(r: &H5Reader, g: &Group) -> Result<StabilityRun, ResultsError> {
    let object = g.name();
    let rg = r.group(g, "rows")?;
    let method = r.texts(&rg, "method")?;
    let n = method.len();
    let section = r.texts_len(&rg, "section", n)?;
    let load_case = r.texts_len(&rg, "load_case", n)?;
    let fos = r.optional_f64s(&rg, "fos", n)?;
    let required = r.optional_f64s(&rg, "required_fos", n)?;
    let source = r.optional_texts(&rg, "required_source", n)?;
    let meets = r.codes(&rg, "meets_minimum", n)?;
    let legacy = r.optional_texts(&rg, "legacy_standing", n)?;
    let error = r.optional_texts(&rg, "error", n)?;
    let trials = r.u64s_len(&rg, "trials", n)?;
    let pond = r.optional_f64s(&rg, "pond_level", n)?;
    let kh = r.f64s_len(&rg, "kh", n)?;
    let surfaces = read_surfaces(r, &rg, n)?;
    let mut rows = Vec::with_capacity(n);
    for (k, surface) in surfaces.into_iter().enumerate() {
        let meets_minimum = match meets[k] {
            0 => Some(false),
            1 => Some(true),
            2 => None,
            c => {
                return Err(
                    r.malformed(format!("{object}/rows/meets_minimum"), format!("code {c}"))
                );
            }
        };
        rows.push(StabilityResultRow {
            section: section[k].clone(),
            load_case: r.parse(&format!("{object}/rows/load_case"), &load_case[k])?,
            method: method[k].clone(),
            pond_level_m: pond[k],
            kh: kh[k],
            fos: fos[k],
            required_fos: required[k],
            required_source: source[k].clone(),
            meets_minimum,
            legacy_standing: legacy[k].clone(),
            error: error[k].clone(),
            surface,
            trials: trials[k] as usize,
        });
    }
    let ng = r.group(g, "near_critical")?;
    let methods = r.texts(&ng, "method")?;
    let m = methods.len();
    let cases = r.texts_len(&ng, "load_case", m)?;
    let fos = r.f64s_len(&ng, "fos", m)?;
    let surfaces = read_surfaces(r, &ng, m)?;
    let mut near_critical = Vec::with_capacity(m);
    for (k, (method, surface)) in methods.into_iter().zip(surfaces).enumerate() {
        let surface = surface.ok_or_else(|| {
            r.malformed(format!("{object}/near_critical"), format!("row {k} has no surface"))
        })?;
        near_critical.push(RankedSurface {
            load_case: r.parse(&format!("{object}/near_critical/load_case"), &cases[k])?,
            method,
            fos: fos[k],
            surface,
        });
    }
    let gg = r.group(g, "fos_grids")?;
    let mut fos_grids = Vec::new();
    while r.has(&gg, &item_name("grid", fos_grids.len())) {
        let sub = r.group(&gg, &item_name("grid", fos_grids.len()))?;
        let xs_m = r.f64s(&sub, "xs")?;
        let ys_m = r.f64s(&sub, "ys")?;
        let fos = r.optional_f64s(&sub, "fos", xs_m.len() * ys_m.len())?;
        fos_grids.push(FosGrid {
            load_case: r.parse(&sub.name(), &r.attr_text(&sub, "load_case")?)?,
            method: r.attr_text(&sub, "method")?,
            xs_m,
            ys_m,
            fos,
        });
    }
    let tg = r.group(g, "slice_tables")?;
    let mut slice_tables = Vec::new();
    while r.has(&tg, &item_name("table", slice_tables.len())) {
        let sub = r.group(&tg, &item_name("table", slice_tables.len()))?;
        let x = r.f64s(&sub, "x_mid")?;
        let n = x.len();
        let col = |name| r.f64s_len(&sub, name, n);
        let (w, a, wt, u, c, phi, nn) = (
            col("width")?,
            col("alpha")?,
            col("weight")?,
            col("pore_pressure")?,
            col("cohesion")?,
            col("friction_angle")?,
            col("normal")?,
        );
        let slices = (0..n)
            .map(|k| SliceRow {
                x_mid_m: x[k],
                width_m: w[k],
                alpha_deg: a[k],
                weight_n_m: wt[k],
                pore_pressure_pa: u[k],
                cohesion_pa: c[k],
                friction_angle_deg: phi[k],
                normal_n_m: nn[k],
            })
            .collect();
        slice_tables.push(SliceTable {
            load_case: r.parse(&sub.name(), &r.attr_text(&sub, "load_case")?)?,
            method: r.attr_text(&sub, "method")?,
            slices,
        });
    }
    let pg = r.group(g, "phreatic_lines")?;
    let cases = r.texts(&pg, "load_case")?;
    let lines = read_ragged_points(r, &pg, cases.len())?;
    let phreatic_lines = cases
        .iter()
        .zip(lines)
        .map(|(c, l)| Ok((r.parse(&format!("{object}/phreatic_lines"), c)?, l)))
        .collect::<Result<Vec<_>, ResultsError>>()?;
    Ok(StabilityRun {
        section: r.attr_text(g, "section")?,
        rows,
        near_critical,
        fos_grids,
        slice_tables,
        phreatic_lines,
    })
}
