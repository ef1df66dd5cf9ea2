//! `summary.json`: the [`Report`], pretty-printed, written atomically.

use crate::atomic::write_bytes_atomically;
use crate::error::ResultsError;
use std::path::Path;
use tailtwin_core::Report;

/// Writes the report as pretty JSON (what `--json` prints), atomically.
///
/// JSON has no NaN or infinity (serde_json would write `null`, silently); a non-finite number in
/// the report is an error naming the field.
pub fn write_summary_json(path: &Path, report: &Report) -> Result<(), ResultsError> {
    let text = summary_json_string(report).map_err(|e| match e {
        SummaryError::Json(source) => ResultsError::Json { path: path.to_path_buf(), source },
        SummaryError::NonFinite { field, value } => {
            ResultsError::NonFinite { path: path.to_path_buf(), object: field, index: 0, value }
        }
    })?;
    write_bytes_atomically(path, text.as_bytes())
}

/// Reads a `summary.json` back into a [`Report`].
pub fn read_summary_json(path: &Path) -> Result<Report, ResultsError> {
    let text = std::fs::read_to_string(path).map_err(|source| ResultsError::Io {
        path: path.to_path_buf(),
        action: "read",
        source,
    })?;
    serde_json::from_str(&text)
        .map_err(|source| ResultsError::Json { path: path.to_path_buf(), source })
}

/// Why a report could not be turned into JSON text.
#[derive(Debug)]
pub enum SummaryError {
    Json(serde_json::Error),
    NonFinite { field: String, value: f64 },
}

/// The report as pretty JSON text with a trailing newline.
pub fn summary_json_string(report: &Report) -> Result<String, SummaryError> {
    if let Some((field, value)) = first_non_finite(report) {
        return Err(SummaryError::NonFinite { field, value });
    }
    let mut s = serde_json::to_string_pretty(report).map_err(SummaryError::Json)?;
    s.push('\n');
    Ok(s)
}

/// The first NaN or infinite number in the report, with its field path.
fn first_non_finite(r: &Report) -> Option<(String, f64)> {
    let mut fields: Vec<(String, f64)> = vec![
        ("peak_stage_m".into(), r.peak_stage_m),
        ("time_of_peak_stage_s".into(), r.time_of_peak_stage_s),
        ("peak_inflow_m3s".into(), r.peak_inflow_m3s),
        ("time_of_peak_inflow_s".into(), r.time_of_peak_inflow_s),
        ("peak_outflow_m3s".into(), r.peak_outflow_m3s),
        ("time_of_peak_outflow_s".into(), r.time_of_peak_outflow_s),
        ("min_freeboard_m".into(), r.min_freeboard_m),
        ("min_beach_length_m".into(), r.min_beach_length_m),
        ("overtopping_volume_m3".into(), r.overtopping_volume_m3),
        ("mass_balance_error_m3".into(), r.mass_balance_error_m3),
        ("mass_balance_error_pct".into(), r.mass_balance_error_pct),
        ("mass_balance.initial_storage_m3".into(), r.mass_balance.initial_storage_m3),
        ("mass_balance.final_storage_m3".into(), r.mass_balance.final_storage_m3),
        ("mass_balance.error_m3".into(), r.mass_balance.error_m3),
        ("mass_balance.error_pct".into(), r.mass_balance.error_pct),
    ];
    if let Some(v) = r.design_return_period_years {
        fields.push(("design_return_period_years".into(), v));
    }
    for (k, t) in r.mass_balance.inflows.iter().enumerate() {
        fields.push((format!("mass_balance.inflows[{k}].volume_m3"), t.volume_m3));
    }
    for (k, t) in r.mass_balance.outflows.iter().enumerate() {
        fields.push((format!("mass_balance.outflows[{k}].volume_m3"), t.volume_m3));
    }
    if let Some(s) = &r.storm {
        if let Some(v) = s.return_period_years {
            fields.push(("storm.return_period_years".into(), v));
        }
        fields.push(("storm.duration_h".into(), s.duration_h));
        fields.push(("storm.total_depth_mm".into(), s.total_depth_mm));
        fields.push(("storm.peak_intensity_mm_h".into(), s.peak_intensity_mm_h));
    }
    if let Some(c) = &r.catchment {
        fields.push(("catchment.area_km2".into(), c.area_km2));
        fields.push(("catchment.runoff_depth_mm".into(), c.runoff_depth_mm));
        fields.push(("catchment.runoff_volume_m3".into(), c.runoff_volume_m3));
        fields.push(("catchment.peak_inflow_m3s".into(), c.peak_inflow_m3s));
        fields.push(("catchment.time_of_peak_inflow_s".into(), c.time_of_peak_inflow_s));
    }
    for (k, s) in r.structures.iter().enumerate() {
        fields.push((format!("structures[{k}].peak_flow_m3s"), s.peak_flow_m3s));
        fields.push((format!("structures[{k}].time_of_peak_s"), s.time_of_peak_s));
        fields.push((format!("structures[{k}].volume_m3"), s.volume_m3));
    }
    for (k, c) in r.checks.iter().enumerate() {
        if let Some(v) = c.value {
            fields.push((format!("checks[{k}].value ({})", c.id), v));
        }
        if let Some(v) = c.limit {
            fields.push((format!("checks[{k}].limit ({})", c.id), v));
        }
    }
    for (k, p) in r.seepage.iter().enumerate() {
        let scalars = [
            ("pond_level_m", p.pond_level_m),
            ("discharge_m2s", p.discharge_m2s),
            ("seepage_face_length_m", p.seepage_face_length_m),
            ("inflow_m2s", p.inflow_m2s),
            ("outflow_m2s", p.outflow_m2s),
            ("mass_balance_error_pct", p.mass_balance_error_pct),
        ];
        for (name, v) in scalars {
            fields.push((format!("seepage[{k}].{name}"), v));
        }
        let optional = [
            ("exit_x_m", p.exit_x_m),
            ("exit_elevation_m", p.exit_elevation_m),
            ("min_burial_depth_m", p.min_burial_depth_m),
        ];
        for (name, v) in optional {
            if let Some(v) = v {
                fields.push((format!("seepage[{k}].{name}"), v));
            }
        }
        for (i, q) in p.phreatic_line.iter().chain(&p.seepage_face).enumerate() {
            fields.push((format!("seepage[{k}].phreatic_line/seepage_face[{i}]"), q[0]));
            fields.push((format!("seepage[{k}].phreatic_line/seepage_face[{i}]"), q[1]));
        }
        for (i, b) in p.burial.iter().enumerate() {
            fields.push((format!("seepage[{k}].burial[{i}].depth_m"), b.depth_m));
        }
    }
    for (k, s) in r.stability.iter().enumerate() {
        fields.push((format!("stability[{k}].kh"), s.kh));
        for (name, v) in
            [("fos", s.fos), ("required_fos", s.required_fos), ("pond_level_m", s.pond_level_m)]
        {
            if let Some(v) = v {
                fields.push((format!("stability[{k}].{name}"), v));
            }
        }
    }
    crate::assessment::json_fields(r, &mut fields);
    fields.into_iter().find(|(_, v)| !v.is_finite())
}
