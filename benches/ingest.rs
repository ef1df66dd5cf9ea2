//! Ingest rate of the monitoring store (issue 7 target: ≥ 200 000 rows/s).
//!
//! Each iteration ingests the 10⁵-row synthetic export (faults included: ~1.5 % of rows are
//! quarantined, duplicates, conflicts, out-of-order blocks) into a fresh database in a temp dir:
//! parse, raw-row storage, unit conversion, duplicate detection, quarantine, quality recompute and
//! the commit. Database creation and sensor setup are outside the timing. Report: elements/s =
//! rows/s.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin::twin::{Format, Store, synthetic};

const ROWS: u64 = 100_000;

fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::init(dir.path().join("bench.sqlite")).expect("init");
    let (pond, sensors) = synthetic::setup();
    store.upsert_pond(&pond).expect("pond");
    for s in &sensors {
        store.upsert_sensor(s).expect("sensor");
    }
    (dir, store)
}

fn ingest(c: &mut Criterion) {
    let fixture = synthetic::generate(ROWS);
    let rows = fixture.expected.rows;
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Elements(rows));
    group.bench_function("csv_100k_rows_with_faults", |b| {
        b.iter_batched(
            fresh_store,
            |(dir, mut store)| {
                let report = store
                    .ingest_bytes("bench.csv", &fixture.csv, Format::Csv, None)
                    .expect("ingest");
                assert_eq!(report.rows_read, rows);
                black_box((dir, report))
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Plots off: the plotting backend needs fonts the CI machine may lack; numbers suffice.
    config = Criterion::default().sample_size(10).without_plots();
    targets = ingest
}
criterion_main!(benches);
