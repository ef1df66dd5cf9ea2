//! `tailtwin flood FILE [--json]`: the flood run's Report.

use crate::common::{Args, Status, print_json};
use tailtwin::core::{CheckStatus, FloodRun, Report};

/// Runs the chain and prints the key numbers and the check table (or the Report as JSON).
pub fn run(args: &Args) -> anyhow::Result<Status> {
    let run = crate::common::run_flood(args)?;
    if args.json {
        print_json(&run.report)?;
    } else {
        print!("{}", render(&run));
    }
    Ok(status(&run.report))
}

/// Exit status of a check-like command: 1 when any check failed.
pub fn status(report: &Report) -> Status {
    if report.checks.iter().any(|c| c.status == CheckStatus::Fail) {
        Status::CheckFailed
    } else {
        Status::Ok
    }
}

/// The human-readable summary.
pub fn render(run: &FloodRun) -> String {
    let r = &run.report;
    let h = |s: f64| s / 3600.0;
    let mut o = String::new();
    let mut line = |s: String| {
        o.push_str(&s);
        o.push('\n');
    };
    line(format!("{} — tailtwin {} — {}", r.scenario, r.engine_version, r.standard));
    if let (Some(g), Some(t)) = (&r.grade, r.design_return_period_years) {
        line(format!("等别 grade {g}; design flood ≥ {t} years"));
    }
    if let Some(s) = &r.storm {
        line(format!(
            "storm: {} — {:.1} mm in {} h, peak {:.1} mm/h",
            s.method, s.total_depth_mm, s.duration_h, s.peak_intensity_mm_h
        ));
    }
    if let Some(c) = &r.catchment {
        line(format!(
            "catchment: {} — {} km², runoff {:.1} mm = {:.0} m³, peak {:.2} m³/s at {:.2} h",
            c.method,
            c.area_km2,
            c.runoff_depth_mm,
            c.runoff_volume_m3,
            c.peak_inflow_m3s,
            h(c.time_of_peak_inflow_s)
        ));
    }
    line(format!(
        "peak stage {:.3} m at {:.2} h; peak inflow {:.2} m³/s at {:.2} h; peak outflow {:.2} m³/s at {:.2} h",
        r.peak_stage_m,
        h(r.time_of_peak_stage_s),
        r.peak_inflow_m3s,
        h(r.time_of_peak_inflow_s),
        r.peak_outflow_m3s,
        h(r.time_of_peak_outflow_s)
    ));
    line(format!(
        "min freeboard {:.3} m; min beach length {:.1} m; overtopped: {}",
        r.min_freeboard_m,
        r.min_beach_length_m,
        if r.overtopped { "YES" } else { "no" }
    ));
    line(format!(
        "mass balance error {:.3e} m³ ({:.3e} %)",
        r.mass_balance_error_m3, r.mass_balance_error_pct
    ));
    line(String::new());
    line(format!(
        "{:<14} {:>12} {:>12} {:>10} {:>14} {:>8}  {}",
        "structure", "peak m³/s", "volume m³", "peak h", "regime", "control", "kind"
    ));
    for s in &r.structures {
        line(format!(
            "{:<14} {:>12.3} {:>12.0} {:>10.2} {:>14} {:>8}  {}",
            s.id,
            s.peak_flow_m3s,
            s.volume_m3,
            h(s.time_of_peak_s),
            short(&s.regime_at_peak_stage),
            short(&s.control_at_peak_stage),
            s.kind
        ));
    }
    line(String::new());
    for l in crate::common::check_table(&r.checks) {
        line(l);
    }
    if !r.warnings.is_empty() {
        line(String::new());
        for w in &r.warnings {
            line(format!("warning: {w}"));
        }
    }
    o
}

/// The English half of a bilingual label ("堰流 / weir" → "weir").
fn short(label: &str) -> &str {
    label.rsplit(" / ").next().unwrap_or(label)
}
