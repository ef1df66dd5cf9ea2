//! Design-storm sweep on the demo pond: each routing is the whole chain — atlas storm (P-III)
//! → Chicago hyetograph → SCS-CN + unit-hydrograph inflow → level-pool routing through the
//! tower + tunnel and the spillway → flood-season checks → Report (and the run's rating tables).
//!
//! 10⁴ variants: return period log-uniform in [10, 1000] years and Chicago peak position in
//! [0.05, 0.95], from a deterministic low-discrepancy (golden-ratio) sequence. The pond and the
//! structures are built once; storm and inflow are rebuilt per variant (they depend on it).
//!
//! - `design_storms/one_routing`: one variant per iteration, cycling through the 10⁴ — criterion's
//!   time per iteration is the time per routing (single thread).
//! - `design_storms/storm_and_inflow`, `design_storms/route_checks_report`: the two halves of one
//!   routing (the demo's own storm for the second), to show where the time goes.
//! - `design_storms/sweep_10k`: all 10⁴ variants per sample on the rayon pool (independent
//!   members, results collected in order); time / 10⁴ is the throughput per routing.
//!
//! Run with `cargo bench --bench design_storms`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;
use std::path::PathBuf;
use tailtwin::pipeline::{Model, RunSettings, forcing, run_model};
use tailtwin::scenario::{PatternSpec, Scenario, StormSpec};

const VARIANTS: usize = 10_000;

/// (return period in years, Chicago peak position) of variant `i`.
fn variant(i: usize) -> (f64, f64) {
    // Additive recurrences with the golden ratio and its square root: well spread, no RNG.
    let frac = |x: f64| x - x.floor();
    let u = frac(0.5 + i as f64 * 0.618_033_988_749_895);
    let v = frac(0.5 + i as f64 * 0.754_877_666_246_693);
    (10f64.powf(1.0 + 2.0 * u), 0.05 + 0.9 * v)
}

/// The demo scenario with the storm of variant `i`.
fn with_storm(base: &Scenario, i: usize) -> Scenario {
    let (rp, r) = variant(i);
    let mut s = base.clone();
    if let Some(StormSpec::Design { return_period_years, pattern, .. }) = &mut s.storm {
        *return_period_years = Some(rp);
        *pattern = PatternSpec::Chicago { peak_position: r };
    }
    s
}

/// One routing: storm → inflow → route → checks → Report; returns the peak stage.
fn routing(base: &Scenario, model: &Model, i: usize) -> f64 {
    let s = with_storm(base, i);
    let f = forcing::forcing(&s).expect("storm and inflow");
    let run = run_model(&s, model, &f, &RunSettings::default()).expect("routing");
    run.report.peak_stage_m
}

fn design_storms(c: &mut Criterion) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo/valley-pond.toml");
    let base = tailtwin::scenario::load(&file).expect("demo scenario");
    let model = Model::new(&base).expect("demo model");

    let mut group = c.benchmark_group("design_storms");
    group.throughput(Throughput::Elements(1));
    let mut i = 0usize;
    group.bench_function("one_routing", |b| {
        b.iter(|| {
            let peak = routing(&base, &model, i % VARIANTS);
            i += 1;
            black_box(peak)
        })
    });

    // Where the time goes: the storm and inflow alone, and the routing + checks alone.
    let mut j = 0usize;
    group.bench_function("storm_and_inflow", |b| {
        b.iter(|| {
            let s = with_storm(&base, j % VARIANTS);
            j += 1;
            black_box(forcing::forcing(&s).expect("storm and inflow"))
        })
    });
    let fixed = forcing::forcing(&base).expect("demo forcing");
    group.bench_function("route_checks_report", |b| {
        b.iter(|| black_box(run_model(&base, &model, &fixed, &RunSettings::default()).unwrap()))
    });

    group.sample_size(10);
    group.throughput(Throughput::Elements(VARIANTS as u64));
    group.bench_function("sweep_10k", |b| {
        b.iter(|| {
            let peaks: Vec<f64> =
                (0..VARIANTS).into_par_iter().map(|i| routing(&base, &model, i)).collect();
            black_box(peaks)
        })
    });
    group.finish();
}

criterion_group!(benches, design_storms);
criterion_main!(benches);
