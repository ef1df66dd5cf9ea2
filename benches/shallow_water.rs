//! One shallow-water step at 10⁴, 10⁵ and 10⁶ cells, first and second order, on 1 and 2
//! threads. Throughput is in cells, so criterion's "elem/s" is cell-updates per second
//! (a second-order step is one cell update made of two Heun stages). Every cell is wet (a
//! 2D dam break over a gently varying bed, with Manning friction) so the full kernel runs.
//!
//! Run briefly on a shared machine:
//! `cargo bench --bench shallow_water -- --warm-up-time 1 --measurement-time 3`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin::inundation::*;

fn simulation(side: usize, order: Order) -> Simulation {
    let geometry = GridGeometry::new(side, side, 5.0, 5.0, 0.0, 0.0).expect("geometry");
    let terrain = Terrain::from_fn(geometry, |x, y| 0.2 * (x / 50.0).sin() * (y / 70.0).cos())
        .expect("terrain");
    let settings = SolverSettings { order, ..SolverSettings::default() };
    let mut sim = Simulation::new(&terrain, &Roughness::Constant(0.035), settings).expect("sim");
    let half = 2.5 * side as f64;
    sim.set_initial(|x, _, z| (if x < half { 3.0 - z } else { 1.0 - z }, 0.0, 0.0)).expect("init");
    sim
}

fn steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("shallow_water_step");
    group.sample_size(10);
    for side in [100usize, 316, 1000] {
        let cells = (side * side) as u64;
        group.throughput(Throughput::Elements(cells));
        for order in [Order::First, Order::Second] {
            for threads in [1usize, 2] {
                let pool =
                    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
                let mut sim = simulation(side, order);
                let id = BenchmarkId::new(format!("{order:?}/{threads}t"), cells);
                group.bench_function(id, |b| {
                    b.iter(|| pool.install(|| black_box(sim.step(f64::INFINITY).expect("step"))))
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, steps);
criterion_main!(benches);
