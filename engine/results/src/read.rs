//! `results.h5` reader: rebuilds the [`FloodRun`] the writer was given, and lists the datasets
//! of any results file with their attributes.

use crate::codes::{control_from_code, regime_from_code};
use crate::error::ResultsError;
use crate::geotech_read::{read_check_table, read_geotech_groups};
use crate::h5io::H5Reader;
use crate::{FORMAT_NAME, FORMAT_VERSION};
use hdf5::Group;
use std::path::Path;
use tailtwin_core::report::{CatchmentSummary, StormSummary, StructureSummary};
use tailtwin_core::{
    Check, Diagnostics, Event, FloodRun, GeotechRun, Hydrograph, Hyetograph, MassBalance,
    RatingCurve, RatingRow, ReferenceLevel, Report, RoutedPond, StructureSeries, VolumeTerm,
};

/// Reads the seepage and stability products of any results file (from `tailtwin run`, written
/// by [`crate::write_results_h5`], or from `tailtwin seepage`/`stability`, written by
/// [`crate::write_geotech`]); `None` when the file has none.
pub fn read_geotech(path: &Path) -> Result<Option<GeotechRun>, ResultsError> {
    let r = H5Reader::new(path);
    let file = open_checked(&r, path)?;
    read_geotech_groups(&r, &file)
}

pub(crate) fn open_checked(r: &H5Reader, path: &Path) -> Result<hdf5::File, ResultsError> {
    let file = hdf5::File::open(path).map_err(|source| ResultsError::Hdf5 {
        path: path.to_path_buf(),
        object: "/".into(),
        source,
    })?;
    let format = r.attr_text(&file, "format")?;
    let version = r.attr_u64(&file, "format_version")?;
    if format != FORMAT_NAME || version != FORMAT_VERSION {
        return Err(r.malformed(
            "/",
            format!(
                "format {format:?} v{version}; this reader knows {FORMAT_NAME:?} v{FORMAT_VERSION}"
            ),
        ));
    }
    Ok(file)
}

/// Reads a `results.h5` written by [`crate::write_results_h5`] back into a [`FloodRun`].
pub fn read_results_h5(path: &Path) -> Result<FloodRun, ResultsError> {
    let r = H5Reader::new(path);
    let file = open_checked(&r, path)?;
    let sg = r.group(&file, "scenario")?;
    let scenario_toml = r.text(&sg, "toml")?;
    let threads = r.u64_scalar(&sg, "threads")? as usize;

    let hydro = r.group(&file, "hydrology")?;
    let hyetograph = if r.has(&hydro, "hyetograph") {
        let hg = r.group(&hydro, "hyetograph")?;
        let start = r.f64_scalar(&hg, "start")?;
        let interval = r.f64_scalar(&hg, "interval")?;
        let depth = r.f64s(&hg, "depth")?;
        let h = Hyetograph::new(start, interval, depth)
            .map_err(|e| r.malformed("/hydrology/hyetograph", e.to_string()))?;
        Some(h)
    } else {
        None
    };
    let ig = r.group(&hydro, "inflow")?;
    let t = r.f64s(&ig, "time")?;
    let q = r.f64s_len(&ig, "flow", t.len())?;
    let inflow =
        Hydrograph::new(t, q).map_err(|e| r.malformed("/hydrology/inflow", e.to_string()))?;

    let pond = r.group(&file, "pond")?;
    let routed = read_routed(&r, &file, &pond)?;
    let ratings = read_ratings(&r, &pond)?;
    let levels = read_levels(&r, &pond)?;
    let mut report = read_report(&r, &file, &sg, &hydro)?;
    let geotech = read_geotech_groups(&r, &file)?;
    if let Some(g) = &geotech {
        // The Report's seepage and stability entries are the geotech run's (not stored twice).
        report.seepage = g.profiles();
        report.stability = g.stability_rows();
    }
    Ok(FloodRun {
        report,
        scenario_toml,
        hyetograph,
        inflow,
        routed,
        ratings,
        levels,
        threads,
        geotech,
    })
}

fn read_routed(r: &H5Reader, file: &Group, g: &Group) -> Result<RoutedPond, ResultsError> {
    let time_s = r.f64s(g, "time")?;
    let n = time_s.len();
    let s = |name| r.f64s_len(g, name, n);
    let e = r.group(g, "extremes")?;
    let x = |name| r.f64_scalar(&e, name);
    let ids = r.texts(g, "structure_ids")?;
    let sg = r.group(g, "structures")?;
    let mut structures = Vec::with_capacity(ids.len());
    for id in &ids {
        let g = r.group(&sg, id)?;
        let object = format!("/pond/structures/{id}");
        let regime = r
            .codes(&g, "regime", n)?
            .into_iter()
            .map(|c| {
                regime_from_code(c).ok_or_else(|| r.malformed(&object, format!("regime code {c}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let control = r
            .codes(&g, "control", n)?
            .into_iter()
            .map(|c| {
                control_from_code(c)
                    .ok_or_else(|| r.malformed(&object, format!("control code {c}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        structures.push(StructureSeries {
            structure_id: id.clone(),
            kind: r.text(&g, "kind")?,
            flow_m3s: r.f64s_len(&g, "flow", n)?,
            regime,
            control,
            volume_m3: r.f64_scalar(&g, "volume")?,
            peak_flow_m3s: r.f64_scalar(&g, "peak_flow")?,
            time_of_peak_s: r.f64_scalar(&g, "time_of_peak")?,
        });
    }
    let dg = r.group(file, "diagnostics")?;
    Ok(RoutedPond {
        stage_m: s("stage")?,
        storage_m3: s("storage")?,
        inflow_m3s: s("inflow")?,
        rain_on_pond_m3s: s("rain_on_pond")?,
        outflow_m3s: s("outflow")?,
        overtopping_m3s: s("overtopping")?,
        freeboard_m: s("freeboard")?,
        beach_length_m: s("beach_length")?,
        time_s,
        structures,
        peak_stage_m: x("peak_stage")?,
        time_of_peak_stage_s: x("time_of_peak_stage")?,
        peak_inflow_m3s: x("peak_inflow")?,
        time_of_peak_inflow_s: x("time_of_peak_inflow")?,
        peak_outflow_m3s: x("peak_outflow")?,
        time_of_peak_outflow_s: x("time_of_peak_outflow")?,
        min_freeboard_m: x("min_freeboard")?,
        min_beach_length_m: x("min_beach_length")?,
        overtopped: r.flag(&e, "overtopped")?,
        overtopping_volume_m3: x("overtopping_volume")?,
        overtopping_duration_s: x("overtopping_duration")?,
        mass_balance: read_mass_balance(r, &dg)?,
        diagnostics: read_diagnostics(r, &dg)?,
    })
}

fn read_ratings(r: &H5Reader, g: &Group) -> Result<Vec<RatingCurve>, ResultsError> {
    let ids = r.texts(g, "rating_ids")?;
    let rg = r.group(g, "ratings")?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let g = r.group(&rg, &id)?;
        let object = format!("/pond/ratings/{id}");
        let stage = r.f64s(&g, "stage")?;
        let n = stage.len();
        let flow = r.f64s_len(&g, "flow", n)?;
        let regime = r.codes(&g, "regime", n)?;
        let control = r.codes(&g, "control", n)?;
        let mut rows = Vec::with_capacity(n);
        for k in 0..n {
            rows.push(RatingRow {
                stage_m: stage[k],
                flow_m3s: flow[k],
                regime: regime_from_code(regime[k])
                    .ok_or_else(|| r.malformed(&object, format!("regime code {}", regime[k])))?,
                control: control_from_code(control[k])
                    .ok_or_else(|| r.malformed(&object, format!("control code {}", control[k])))?,
            });
        }
        out.push(RatingCurve { structure_id: id, kind: r.text(&g, "kind")?, rows });
    }
    Ok(out)
}

fn read_levels(r: &H5Reader, pond: &Group) -> Result<Vec<ReferenceLevel>, ResultsError> {
    let g = r.group(pond, "levels")?;
    let ids = r.texts(&g, "id")?;
    let n = ids.len();
    let zh = r.texts_len(&g, "label_zh", n)?;
    let en = r.texts_len(&g, "label_en", n)?;
    let z = r.f64s_len(&g, "elevation", n)?;
    Ok((0..n)
        .map(|k| ReferenceLevel {
            id: ids[k].clone(),
            label_zh: zh[k].clone(),
            label_en: en[k].clone(),
            elevation_m: z[k],
        })
        .collect())
}

fn read_mass_balance(r: &H5Reader, parent: &Group) -> Result<MassBalance, ResultsError> {
    let g = r.group(parent, "mass_balance")?;
    let terms = |names: &str, vols: &str| -> Result<Vec<VolumeTerm>, ResultsError> {
        let n = r.texts(&g, names)?;
        let v = r.f64s_len(&g, vols, n.len())?;
        Ok(n.into_iter().zip(v).map(|(name, volume_m3)| VolumeTerm { name, volume_m3 }).collect())
    };
    // Stored error terms are read back as written (not recomputed), so the file is authoritative.
    Ok(MassBalance {
        initial_storage_m3: r.f64_scalar(&g, "initial_storage")?,
        final_storage_m3: r.f64_scalar(&g, "final_storage")?,
        inflows: terms("inflow_names", "inflow_volumes")?,
        outflows: terms("outflow_names", "outflow_volumes")?,
        error_m3: r.f64_scalar(&g, "error")?,
        error_pct: r.f64_scalar(&g, "error_pct")?,
    })
}

fn read_diagnostics(r: &H5Reader, g: &Group) -> Result<Diagnostics, ResultsError> {
    let eg = r.group(g, "events")?;
    let times = r.f64s(&eg, "time")?;
    let kinds = r.texts_len(&eg, "kind", times.len())?;
    let details = r.texts_len(&eg, "detail", times.len())?;
    let mut events = Vec::with_capacity(times.len());
    for ((time_s, kind), detail) in times.into_iter().zip(kinds).zip(details) {
        events.push(Event { time_s, kind: r.parse("/diagnostics/events/kind", &kind)?, detail });
    }
    Ok(Diagnostics {
        steps: r.u64_scalar(g, "steps")? as usize,
        rejected_steps: r.u64_scalar(g, "rejected_steps")? as usize,
        evaluations: r.u64_scalar(g, "evaluations")? as usize,
        min_step_s: r.f64_scalar(g, "min_step")?,
        max_step_s: r.f64_scalar(g, "max_step")?,
        events,
        warnings: r.texts(g, "warnings")?,
    })
}

fn read_checks(r: &H5Reader, risk: &Group) -> Result<Vec<Check>, ResultsError> {
    read_check_table(r, &r.group(risk, "checks")?, "/risk/checks")
}

fn read_report(
    r: &H5Reader,
    file: &Group,
    sg: &Group,
    hydro: &Group,
) -> Result<Report, ResultsError> {
    let risk = r.group(file, "risk")?;
    let g = r.group(file, "summary")?;
    let x = |name| r.f64_scalar(&g, name);
    let storm = if r.has(hydro, "storm") {
        let s = r.group(hydro, "storm")?;
        Some(StormSummary {
            method: r.text(&s, "method")?,
            return_period_years: r.optional_f64_scalar(&s, "return_period")?,
            duration_h: r.f64_scalar(&s, "duration")?,
            total_depth_mm: r.f64_scalar(&s, "total_depth")?,
            peak_intensity_mm_h: r.f64_scalar(&s, "peak_intensity")?,
        })
    } else {
        None
    };
    let catchment = if r.has(hydro, "catchment") {
        let c = r.group(hydro, "catchment")?;
        Some(CatchmentSummary {
            method: r.text(&c, "method")?,
            area_km2: r.f64_scalar(&c, "area")?,
            runoff_depth_mm: r.f64_scalar(&c, "runoff_depth")?,
            runoff_volume_m3: r.f64_scalar(&c, "runoff_volume")?,
            peak_inflow_m3s: r.f64_scalar(&c, "peak_inflow")?,
            time_of_peak_inflow_s: r.f64_scalar(&c, "time_of_peak_inflow")?,
        })
    } else {
        None
    };
    let grade_number = if r.has(&risk, "grade_number") {
        let n = r.u64_scalar(&risk, "grade_number")?;
        Some(
            u8::try_from(n)
                .map_err(|_| r.malformed("/risk/grade_number", format!("{n} is not a grade")))?,
        )
    } else {
        None
    };
    let stg = r.group(&g, "structures")?;
    let ids = r.texts(&stg, "id")?;
    let n = ids.len();
    let kinds = r.texts_len(&stg, "kind", n)?;
    let peak = r.f64s_len(&stg, "peak_flow", n)?;
    let tpeak = r.f64s_len(&stg, "time_of_peak", n)?;
    let vol = r.f64s_len(&stg, "volume", n)?;
    let reg = r.texts_len(&stg, "regime_at_peak_stage", n)?;
    let ctl = r.texts_len(&stg, "control_at_peak_stage", n)?;
    let structures = (0..n)
        .map(|k| StructureSummary {
            id: ids[k].clone(),
            kind: kinds[k].clone(),
            peak_flow_m3s: peak[k],
            time_of_peak_s: tpeak[k],
            volume_m3: vol[k],
            regime_at_peak_stage: reg[k].clone(),
            control_at_peak_stage: ctl[k].clone(),
        })
        .collect();
    let mut report = Report {
        scenario: r.text(sg, "name")?,
        engine_version: r.text(sg, "engine_version")?,
        standard: r.parse("/risk/standard", &r.text(&risk, "standard")?)?,
        grade: if r.has(&risk, "grade") { Some(r.text(&risk, "grade")?) } else { None },
        grade_number,
        design_return_period_years: r.optional_f64_scalar(&risk, "design_return_period")?,
        storm,
        catchment,
        peak_stage_m: x("peak_stage")?,
        time_of_peak_stage_s: x("time_of_peak_stage")?,
        peak_inflow_m3s: x("peak_inflow")?,
        time_of_peak_inflow_s: x("time_of_peak_inflow")?,
        peak_outflow_m3s: x("peak_outflow")?,
        time_of_peak_outflow_s: x("time_of_peak_outflow")?,
        min_freeboard_m: x("min_freeboard")?,
        min_beach_length_m: x("min_beach_length")?,
        overtopped: r.flag(&g, "overtopped")?,
        overtopping_volume_m3: x("overtopping_volume")?,
        mass_balance_error_m3: x("mass_balance_error")?,
        mass_balance_error_pct: x("mass_balance_error_pct")?,
        mass_balance: read_mass_balance(r, &g)?,
        structures,
        checks: read_checks(r, &risk)?,
        seepage: Vec::new(),
        stability: Vec::new(),
        reliability: Vec::new(),
        ensemble: None,
        status: None,
        warnings: r.texts(&g, "warnings")?,
    };
    crate::assessment::read_assessment(r, &risk, &mut report)?;
    Ok(report)
}

/// One dataset of a results file and its descriptive attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetInfo {
    /// Absolute path inside the file, e.g. `/pond/stage`.
    pub path: String,
    pub shape: Vec<usize>,
    /// The `units` attribute, if present.
    pub units: Option<String>,
    /// The `description` attribute, if present.
    pub description: Option<String>,
    /// The `time` attribute (path of the time-axis dataset) of a time series.
    pub time_axis: Option<String>,
    /// Names of all attributes.
    pub attributes: Vec<String>,
}

/// Walks a results file and lists every dataset with its attributes, sorted by path.
pub fn list_datasets(path: &Path) -> Result<Vec<DatasetInfo>, ResultsError> {
    let r = H5Reader::new(path);
    let file = hdf5::File::open(path).map_err(|source| ResultsError::Hdf5 {
        path: path.to_path_buf(),
        object: "/".into(),
        source,
    })?;
    let mut out = Vec::new();
    walk(&r, &file, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk(r: &H5Reader, g: &Group, out: &mut Vec<DatasetInfo>) -> Result<(), ResultsError> {
    let hdf5_err =
        |object: String| move |source| ResultsError::Hdf5 { path: r.path.clone(), object, source };
    for ds in g.datasets().map_err(hdf5_err(g.name()))? {
        let attributes = ds.attr_names().map_err(hdf5_err(ds.name()))?;
        let get = |name: &str| -> Result<Option<String>, ResultsError> {
            if attributes.iter().any(|a| a == name) {
                r.attr_text(&ds, name).map(Some)
            } else {
                Ok(None)
            }
        };
        out.push(DatasetInfo {
            path: ds.name(),
            shape: ds.shape(),
            units: get("units")?,
            description: get("description")?,
            time_axis: get("time")?,
            attributes: attributes.clone(),
        });
    }
    for child in g.groups().map_err(hdf5_err(g.name()))? {
        walk(r, &child, out)?;
    }
    Ok(())
}
