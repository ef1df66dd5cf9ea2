//! Output series at the report interval (plus event times) and extremes located on the dense
//! output, assembled into the core `RoutedPond`.

use super::RoutingSettings;
use super::dopri::{Dense, golden_max};
use super::integrate::Run;
use super::system::System;
use crate::pond::Pond;
use crate::structures::Outlet;
use tailtwin_core::{
    Control, Diagnostics, Elevation, EventKind, Hydrograph, Hyetograph, MassBalance, Regime,
    RoutedPond, StructureSeries, VolumeTerm,
};

/// Storage at time `t` from the segment list, starting the search at `*hint`.
fn storage_at(segments: &[Dense], hint: &mut usize, t: f64) -> f64 {
    while *hint + 1 < segments.len() && segments[*hint].end() < t {
        *hint += 1;
    }
    segments[*hint].at_time(t)
}

/// Output times: every report interval from 0 to `end`, `end` itself and every event time.
fn output_times(settings: &RoutingSettings, end: f64, run: &Run) -> Vec<f64> {
    let dt = settings.report_interval_s;
    let count = (end / dt).floor() as usize;
    let mut times: Vec<f64> = (0..=count).map(|k| k as f64 * dt).filter(|&t| t < end).collect();
    times.push(end);
    times.extend(run.events.iter().map(|e| e.time_s));
    times.sort_by(f64::total_cmp);
    times.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    times
}

pub(crate) fn assemble(
    pond: &Pond,
    outlets: &[&dyn Outlet],
    inflow: &Hydrograph,
    rain: &Hyetograph,
    settings: &RoutingSettings,
    end: f64,
    run: Run,
) -> RoutedPond {
    let sys = System::new(pond, outlets);
    let table = pond.storage();
    let times = output_times(settings, end, &run);
    let m = outlets.len();
    let len = times.len();
    let mut stage = Vec::with_capacity(len);
    let mut storage = Vec::with_capacity(len);
    let mut inflow_s = Vec::with_capacity(len);
    let mut rain_s = Vec::with_capacity(len);
    let mut outflow = Vec::with_capacity(len);
    let mut over_s = Vec::with_capacity(len);
    let mut freeboard = Vec::with_capacity(len);
    let mut beach = Vec::with_capacity(len);
    let mut flows: Vec<Vec<f64>> = vec![Vec::with_capacity(len); m];
    let mut regimes: Vec<Vec<Regime>> = vec![Vec::with_capacity(len); m];
    let mut controls: Vec<Vec<Control>> = vec![Vec::with_capacity(len); m];
    let mut hint = 0;
    let mut d = Vec::with_capacity(m);
    for &t in &times {
        let s = storage_at(&run.segments, &mut hint, t).max(0.0);
        let (z, _) = sys.stage_and_area(s);
        let q_in = inflow.flow_at(t);
        let (over, rain_q) = sys.discharges(s, t, q_in, rain.intensity_m_per_s(t), &mut d);
        stage.push(z);
        storage.push(s);
        inflow_s.push(q_in);
        rain_s.push(rain_q);
        outflow.push(d.iter().map(|x| x.flow_m3s).sum());
        over_s.push(over);
        freeboard.push(pond.freeboard_at(Elevation(z)));
        beach.push(pond.beach().length_m(z));
        for (k, x) in d.iter().enumerate() {
            flows[k].push(x.flow_m3s);
            regimes[k].push(x.regime);
            controls[k].push(x.control);
        }
    }

    // Extremes of the flows: golden-section refinement on the dense output around the largest
    // sampled step end (flows are unimodal near their peak); the peak-stage time is a candidate
    // too (for time-invariant outlets the flow peaks there).
    let scratch = std::cell::RefCell::new(Vec::with_capacity(m));
    let flow_at = |j: usize, t: f64| -> f64 {
        let mut hint = run.segments.partition_point(|d| d.end() < t).min(run.segments.len() - 1);
        let s = storage_at(&run.segments, &mut hint, t).max(0.0);
        let mut d = scratch.borrow_mut();
        let (over, _) = sys.discharges(s, t, inflow.flow_at(t), rain.intensity_m_per_s(t), &mut d);
        if j == 0 { d.iter().map(|x| x.flow_m3s).sum::<f64>() + over } else { d[j - 1].flow_m3s }
    };
    let peak_flow = |j: usize| -> (f64, f64) {
        let mut best = (run.time_of_peak_s, flow_at(j, run.time_of_peak_s));
        let mut consider = |t: f64, q: f64| {
            if q > best.1 {
                best = (t, q);
            }
        };
        let candidates: Vec<usize> = match run.best_flow_segment[j] {
            None => vec![0],
            Some(i) => vec![i, i + 1],
        };
        for i in candidates.into_iter().filter(|&i| i < run.segments.len()) {
            let seg = run.segments[i];
            for t in [seg.t0, seg.end()] {
                consider(t, flow_at(j, t));
            }
            // 1e-6 of the step in time: the located peak value is then exact to
            // ~q''·(1e-6 h)² (flat at the maximum), far below any published digit.
            let tol = 1e-6 * seg.h;
            let (t, q) = golden_max(|t| flow_at(j, t), seg.t0, seg.end(), tol);
            consider(t, q);
        }
        best
    };

    let over_index = sys.overtopping_index();
    let structures: Vec<StructureSeries> = outlets
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let (t_peak, q_peak) = peak_flow(k + 1);
            StructureSeries {
                structure_id: o.id().to_string(),
                kind: o.kind().to_string(),
                flow_m3s: std::mem::take(&mut flows[k]),
                regime: std::mem::take(&mut regimes[k]),
                control: std::mem::take(&mut controls[k]),
                volume_m3: run.volumes[2 + k],
                peak_flow_m3s: q_peak,
                time_of_peak_s: t_peak,
            }
        })
        .collect();
    let (time_of_peak_outflow, peak_outflow) = peak_flow(0);

    let peak_stage = table.stage_and_area(run.peak_storage).0;
    let (time_of_peak_inflow, peak_inflow) = inflow
        .time_s()
        .iter()
        .copied()
        .filter(|&t| t > 0.0 && t < end)
        .chain([0.0, end])
        .map(|t| (t, inflow.flow_at(t)))
        .fold(
            (0.0, f64::NEG_INFINITY),
            |b, c| if c.1 > b.1 || (c.1 == b.1 && c.0 < b.0) { c } else { b },
        );

    let crest = pond.dam().crest.0;
    let mut duration = 0.0;
    let mut since = (pond.start_level().0 >= crest).then_some(0.0);
    for e in &run.events {
        match e.kind {
            EventKind::OvertoppingStart => since = Some(e.time_s),
            EventKind::OvertoppingEnd => {
                if let Some(t0) = since.take() {
                    duration += e.time_s - t0;
                }
            }
            _ => {}
        }
    }
    if let Some(t0) = since {
        duration += end - t0;
    }

    let inflows = vec![
        VolumeTerm { name: "inflow".into(), volume_m3: run.volumes[0] },
        VolumeTerm { name: "rain_on_pond".into(), volume_m3: run.volumes[1] },
    ];
    let mut outflows: Vec<VolumeTerm> = outlets
        .iter()
        .enumerate()
        .map(|(k, o)| VolumeTerm { name: o.id().to_string(), volume_m3: run.volumes[2 + k] })
        .collect();
    outflows.push(VolumeTerm { name: "overtopping".into(), volume_m3: run.volumes[over_index] });
    let mass_balance = MassBalance::new(run.initial_storage, run.final_storage, inflows, outflows);

    let mut warnings = Vec::new();
    for w in table.warnings() {
        warnings.push(format!(
            "stage-storage rows {} and {} ({} m to {} m): mean area from volumes {:.1} m2 differs \
             from the trapezoid mean {:.1} m2 by {:.1} %",
            w.index,
            w.index + 1,
            w.z_lo_m,
            w.z_hi_m,
            w.mean_area_from_volumes_m2,
            w.trapezoid_mean_area_m2,
            100.0 * w.relative_difference
        ));
    }
    if peak_stage > table.top().0 {
        warnings.push(format!(
            "peak stage {peak_stage:.3} m lies above the stage-storage table top {:.3} m: storage \
             extrapolated with vertical walls",
            table.top().0
        ));
    }
    let overtopped = peak_stage > crest;
    if overtopped {
        warnings.push(format!(
            "OVERTOPPING: peak stage {peak_stage:.3} m above the dam crest {crest:.3} m for {:.0} s, \
             {:.1} m3 over the crest",
            duration, run.volumes[over_index]
        ));
    }

    RoutedPond {
        time_s: times,
        stage_m: stage,
        storage_m3: storage,
        inflow_m3s: inflow_s,
        rain_on_pond_m3s: rain_s,
        outflow_m3s: outflow,
        overtopping_m3s: over_s,
        structures,
        freeboard_m: freeboard,
        beach_length_m: beach,
        peak_stage_m: peak_stage,
        time_of_peak_stage_s: run.time_of_peak_s,
        peak_inflow_m3s: peak_inflow,
        time_of_peak_inflow_s: time_of_peak_inflow,
        peak_outflow_m3s: peak_outflow,
        time_of_peak_outflow_s: time_of_peak_outflow,
        min_freeboard_m: pond.freeboard_at(Elevation(peak_stage)),
        min_beach_length_m: pond.beach().length_m(peak_stage),
        overtopped,
        overtopping_volume_m3: run.volumes[over_index],
        overtopping_duration_s: duration,
        mass_balance,
        diagnostics: Diagnostics {
            steps: run.steps,
            rejected_steps: run.rejected,
            evaluations: run.evaluations,
            min_step_s: run.min_step_s,
            max_step_s: run.max_step_s,
            events: run.events,
            warnings,
        },
    }
}
