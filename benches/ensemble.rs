//! Monte-Carlo flood ensemble on the demo pond: each member is the whole per-member chain — draw
//! (P-III depth at a random return period, duration, pattern and peak position, AMC, start level,
//! blockages) → atlas storm → SCS-CN + unit-hydrograph inflow → level-pool routing through the
//! tower + tunnel and the spillway → freeboard / beach / overtopping against the code minima.
//!
//! - `ensemble/member`: one member per iteration (single thread), cycling through the indices —
//!   the time per member.
//! - `ensemble/10k_threads_1`, `ensemble/10k_threads_2`: 10⁴ members on a pool of 1 and 2
//!   workers (statistics included); the ratio is the speed-up.
//! - With `TAILTWIN_BENCH_FULL=1`, one timed run of 10⁵ members on 1 and on 2 threads is printed
//!   (the target: ≤ 10 s on 2 cores, ≥ 1.8× from 1 to 2 threads), outside criterion.
//!
//! Run with `cargo bench --bench ensemble -- --quick`.
//!
//! Measured (2026-11-28, idle 2-core machine, `TAILTWIN_BENCH_FULL=1 … --quick`): one member
//! 157–165 µs; 10⁴ members 1.52–1.62 s on 1 thread, 0.76–0.82 s on 2; 10⁵ members 15.1–16.0 s
//! on 1 thread and **7.7–8.2 s on 2 (12 300–13 000 members/s), a 1.96–1.97× speed-up** over
//! runs on different hours — the targets (≤ 10 s, ≥ 1.8×). Before the router work of
//! the same day: 0.70 ms per member, 10⁵ members ≈ 36 s on 2.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Instant;
use tailtwin::pipeline::ensemble::{EnsembleSettings, Prepared, run_ensemble};

fn demo() -> tailtwin::scenario::Scenario {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo/valley-pond.toml");
    tailtwin::scenario::load(&path).expect("the demo scenario")
}

fn ensemble(c: &mut Criterion) {
    let s = demo();
    let prepared = Prepared::new(&s).expect("the demo's ensemble");
    let mut g = c.benchmark_group("ensemble");
    g.sample_size(10);
    let mut i = 0u64;
    g.throughput(Throughput::Elements(1));
    g.bench_function("member", |b| {
        b.iter(|| {
            i += 1;
            black_box(prepared.member(2026, i))
        })
    });
    const N: u64 = 10_000;
    g.throughput(Throughput::Elements(N));
    for threads in [1, 2] {
        let settings = EnsembleSettings { members: N, seed: 2026, threads, shard: None };
        g.bench_function(format!("10k_threads_{threads}"), |b| {
            b.iter(|| black_box(run_ensemble(&s, &settings).expect("runs").summary.p_overtopping))
        });
    }
    g.finish();

    if std::env::var("TAILTWIN_BENCH_FULL").is_ok_and(|v| v == "1") {
        let mut times = Vec::new();
        for threads in [1, 2] {
            let settings = EnsembleSettings { members: 100_000, seed: 2026, threads, shard: None };
            let t = Instant::now();
            let r = run_ensemble(&s, &settings).expect("runs");
            let dt = t.elapsed().as_secs_f64();
            println!(
                "10^5 members, {threads} thread(s): {dt:.2} s ({:.0} members/s), P(overtop) = {:.2e}",
                1e5 / dt,
                r.summary.p_overtopping.estimate
            );
            times.push(dt);
        }
        println!("speed-up 1 → 2 threads: {:.2}×", times[0] / times[1]);
    }
}

criterion_group!(benches, ensemble);
criterion_main!(benches);
