//! A 72 h nowcast of the demo pond with a 100-member rainfall ensemble (issue 7 target: ≤ 1 s on
//! 2 cores). Members: hourly triangular storms over 24 h, member i with 20 + 2 i mm peaking at
//! hour 2 + (i mod 12) — deterministic, spanning dry to the demo's design-storm depth; the pond
//! starts at 368.535 m with no warm-up rain. Run in a rayon pool of 2 threads.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin::pipeline::nowcast::{
    ForecastMember, NowcastInput, NowcastSettings, RainForecast, TwinModel, nowcast,
};

fn triangle(total: f64, n: usize, peak: usize) -> Vec<f64> {
    let w: Vec<f64> = (0..n)
        .map(|k| {
            let (x, p) = (k as f64 + 0.5, peak as f64 + 0.5);
            if x <= p { x / p } else { (n as f64 - x) / (n as f64 - p) }
        })
        .collect();
    let s: f64 = w.iter().sum();
    w.iter().map(|v| total * v / s).collect()
}

fn bench_nowcast(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = tailtwin::scenario::load(&root.join("scenarios/demo/valley-pond.toml")).unwrap();
    let model = TwinModel::new(&s, &[]).unwrap();
    let members = (0..100)
        .map(|i| ForecastMember {
            name: format!("m{i:03}"),
            depth_mm: triangle(20.0 + 2.0 * i as f64, 24, 2 + i % 12),
        })
        .collect();
    let forecast = RainForecast {
        start_ms: None,
        edges_s: (0..=24).map(|h| h as f64 * 3600.0).collect(),
        members,
    };
    let input =
        NowcastInput { t0_ms: 0, stage0_m: 368.535, observed_mm: vec![], forecast: &forecast };
    let settings = NowcastSettings {
        horizon_s: 72.0 * 3600.0,
        step_s: 600.0,
        warmup_s: 0.0,
        rain_interval_s: 600.0,
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let mut group = c.benchmark_group("nowcast");
    group.sample_size(10);
    group.bench_function("demo_72h_100_members_2_threads", |b| {
        b.iter(|| {
            pool.install(|| black_box(nowcast(&model, black_box(&input), &settings).unwrap()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_nowcast);
criterion_main!(benches);
