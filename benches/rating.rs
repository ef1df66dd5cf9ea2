//! Rating-curve evaluation: a window tower + horseshoe tunnel system per stage, and the combined
//! rating of a demo-like set (tower + tunnel, spillway) at 1000 stages.
//! Report: time per 1000 stages / 1000 = ns per evaluation.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin::pond::structures::*;
use tailtwin_core::Elevation;

fn demo_set() -> Vec<Structure> {
    let windows = Windows {
        bottom: Elevation(340.0),
        row_spacing_m: 0.9,
        per_row: 6,
        width_m: 0.6,
        height_m: 0.6,
        rows: None,
    };
    let tunnel = Conduit::new(
        "tunnel-1",
        ConduitShape::Horseshoe { width_m: 2.0, height_m: 2.2 },
        Elevation(338.0),
        Elevation(330.0),
        450.0,
        0.014,
    )
    .expect("valid tunnel");
    let tower = WindowTower::new(
        "tower-1",
        Elevation(338.0),
        Elevation(372.0),
        3.6,
        Shaft::new(3.0),
        windows,
        Elevation(365.0),
    )
    .expect("valid tower")
    .with_outlet(tunnel)
    .expect("valid outlet");
    let spillway = Spillway::practical("spillway", Elevation(370.5), 1, 8.0).expect("valid");
    vec![tower.into(), spillway.into()]
}

fn rating(c: &mut Criterion) {
    let set = demo_set();
    let stages = stage_grid(Elevation(364.0), Elevation(374.0), 1000);
    let mut group = c.benchmark_group("rating");
    group.throughput(Throughput::Elements(stages.len() as u64));
    group.bench_function("window_tower_tunnel_1000_stages", |b| {
        let tower = &set[0];
        b.iter(|| {
            let mut sum = 0.0;
            for &z in &stages {
                sum += tower.discharge(black_box(z), 0.0).flow_m3s;
            }
            sum
        })
    });
    group.bench_function("combined_demo_set_1000_stages", |b| {
        b.iter(|| combined_rating_curve(black_box(&set), &stages))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Plots off: the plotting backend needs fonts the CI machine may lack; numbers suffice.
    config = Criterion::default().without_plots();
    targets = rating
}
criterion_main!(benches);
