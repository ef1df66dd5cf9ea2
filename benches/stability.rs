//! Slope stability benches: Bishop and Morgenstern–Price on one 50-slice surface, and the full
//! ACADS EX1(a) circle search (targets: ≥ 500 000 Bishop trial surfaces per second on 2 cores,
//! the whole search in under 0.2 s), and Monte-Carlo reliability samples on the ACADS circle.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin::stability::*;

fn acads() -> SlopeProblem {
    let g: Vec<Point2> = [(0.0, 25.0), (30.0, 25.0), (50.0, 35.0), (90.0, 35.0)]
        .iter()
        .map(|&(x, z)| Point2::new(x, z))
        .collect();
    let m = Material::mohr_coulomb("soil", 20e3, 3e3, 19.6f64.to_radians());
    SlopeProblem::dry(SlopeModel::single_layer(&g, 20.0, m).unwrap())
}

fn acads_search(method: Method) -> SearchSettings {
    let centres = CentreGrid { x_min: 20.0, x_max: 50.0, nx: 20, y_min: 35.0, y_max: 70.0, ny: 20 };
    let radii = Radii::Tangents { y_min: 20.0, y_max: 30.0, count: 20 };
    SearchSettings::new(method, CircleTrials::Grid { centres, radii })
}

fn one_surface(c: &mut Criterion) {
    let p = acads();
    let circle = SlipSurface::Circle { xc_m: 29.0, yc_m: 55.26, radius_m: 30.26 };
    let set = SliceSet::build(&p, &circle, 50).unwrap();
    let solver = SolverSettings { tolerance: 1e-7, ..SolverSettings::default() };
    let mut g = c.benchmark_group("stability_one_surface_50_slices");
    g.bench_function("slicing", |b| {
        let mut s = SliceSet::default();
        b.iter(|| s.rebuild(black_box(&p), black_box(&circle), 50).unwrap())
    });
    g.bench_function("bishop", |b| {
        b.iter(|| solve(black_box(&set), Method::Bishop, &solver).unwrap())
    });
    g.bench_function("morgenstern_price_half_sine", |b| {
        let m = Method::MorgensternPrice(IntersliceFunction::HalfSine);
        b.iter(|| solve(black_box(&set), m, &solver).unwrap())
    });
    g.finish();
}

fn acads_circle_search(c: &mut Criterion) {
    let p = acads();
    let mut s = acads_search(Method::Bishop);
    let trials = search(&p, &s).unwrap().trials as u64;
    let mut g = c.benchmark_group("stability_acads_search");
    g.sample_size(20);
    g.throughput(Throughput::Elements(trials));
    g.bench_function("bishop_grid_and_refinement", |b| {
        b.iter(|| search(black_box(&p), &s).unwrap())
    });
    s.refine = false;
    g.throughput(Throughput::Elements(8000));
    g.bench_function("bishop_grid_8000_trials", |b| b.iter(|| search(black_box(&p), &s).unwrap()));
    g.finish();
}

fn acads_reliability(c: &mut Criterion) {
    use tailtwin::stability::reliability::*;
    let p = acads();
    let circle = [SlipSurface::Circle { xc_m: 29.66, yc_m: 53.35, radius_m: 28.35 }];
    let material = |property| Target::Material { index: 0, property };
    let specs = [
        VariableSpec {
            name: "c".into(),
            target: material(Property::Cohesion),
            distribution: Distribution::Lognormal,
            spread: Spread::Cov(0.3),
        },
        VariableSpec {
            name: "phi".into(),
            target: material(Property::FrictionAngle),
            distribution: Distribution::Normal,
            spread: Spread::Sd(0.035),
        },
    ];
    let vars = Variables::new(&p, &specs, &[]).unwrap();
    let eval = Evaluation {
        method: Method::Bishop,
        slices: 30,
        solver: SolverSettings { tolerance: 1e-7, ..SolverSettings::default() },
    };
    let mut g = c.benchmark_group("stability_reliability");
    g.sample_size(20);
    g.throughput(Throughput::Elements(1000));
    g.bench_function("bishop_monte_carlo_1000_samples", |b| {
        b.iter(|| monte_carlo(black_box(&p), &vars, &circle, &eval, 1000, 1).unwrap())
    });
    g.finish();
}

criterion_group!(benches, one_surface, acads_circle_search, acads_reliability);
criterion_main!(benches);
