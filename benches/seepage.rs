//! Seepage benches: meshing and a full free-surface solve of the zoned tailings section
//! (`tailtwin::seepage::cases::tailings_section`) at about 10³, 10⁴ and 10⁵ nodes.
//! Target (issue 3): the 10⁵-node free-surface solve in ≤ 2 s on the 2-core machine.
//! Before each solve bench one solve is run and its iterations and time per iteration printed.
//!
//! Run briefly: `cargo bench --bench seepage -- --warm-up-time 1 --measurement-time 3`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin::seepage::{MeshSettings, SeepageModel, SeepageSettings, cases, mesh_section};

/// Target sizes (m) giving ≈ 1.0·10³, 0.97·10⁴ and 1.06·10⁵ nodes on the tailings section.
const SIZES: [(f64, &str); 3] = [(4.0, "1e3"), (1.1, "1e4"), (0.3, "1e5")];
const NORMAL_LEVEL_M: f64 = 126.5;

fn meshing(c: &mut Criterion) {
    let section = cases::tailings_section();
    let mut group = c.benchmark_group("seepage_mesh");
    group.sample_size(10);
    for (size, label) in SIZES {
        let settings = MeshSettings::with_target_size(size);
        let nodes = mesh_section(&section, &settings).expect("mesh").nodes.len();
        eprintln!("mesh {label}: target {size} m → {nodes} nodes");
        group.bench_with_input(BenchmarkId::from_parameter(label), &settings, |b, s| {
            b.iter(|| mesh_section(black_box(&section), s).expect("mesh"))
        });
    }
    group.finish();
}

fn free_surface_solve(c: &mut Criterion) {
    let section = cases::tailings_section();
    let mut group = c.benchmark_group("seepage_solve");
    group.sample_size(10);
    for (size, label) in SIZES {
        let settings = SeepageSettings {
            mesh: MeshSettings::with_target_size(size),
            ..SeepageSettings::default()
        };
        let mesh = mesh_section(&section, &settings.mesh).expect("mesh");
        let mut model = SeepageModel::with_mesh(&section, mesh, &settings).expect("model");
        let r = model.solve(NORMAL_LEVEL_M).expect("solve");
        let d = &r.diagnostics;
        eprintln!(
            "solve {label}: {} nodes, setup {:.3} s, {} iterations, {:.3} s, {:.4} s/iteration, \
             q = {:.4e} m²/s, balance {:.1e} %",
            d.nodes,
            d.setup_s,
            d.iterations,
            d.solve_s,
            d.seconds_per_iteration,
            r.discharge_m2s,
            r.balance.error_pct
        );
        group.bench_function(BenchmarkId::from_parameter(label), |b| {
            b.iter(|| model.solve(black_box(NORMAL_LEVEL_M)).expect("solve"))
        });
    }
    group.finish();
}

criterion_group!(benches, meshing, free_surface_solve);
criterion_main!(benches);
