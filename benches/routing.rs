//! One pond_basic routing run (R4) at the default settings (rtol 1e-6, which meets R4's 0.05 %
//! bar with four orders to spare: peak depth 8.625166 m vs the reference 8.62517 m).
//! Target: ≥ 3 000 runs/s on one core (≤ 330 µs per run).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin::pond::structures::{Orientation, Orifice, OrificeShape, SideRule, Weir};
use tailtwin::pond::{Beach, Dam, DamType, Outlet, Pond, RoutingSettings, StageStorage, route};
use tailtwin_core::{Elevation, Hydrograph, Hyetograph};

fn pond_basic() -> (Pond, Orifice, Weir, Hydrograph) {
    let table = StageStorage::from_areas(
        &[100.0, 102.0, 104.0, 106.0, 108.0, 110.0],
        &[20000.0, 32000.0, 48000.0, 68000.0, 92000.0, 120000.0],
    )
    .unwrap();
    let beach = Beach::from_slope(Elevation(110.0), 0.01).unwrap();
    let dam = Dam::new(Elevation(110.0), 50.0, DamType::WaterRetaining);
    let pond = Pond::new(table, dam, beach, Elevation(103.0)).unwrap();
    let orifice = Orifice::new(
        "ORIF1",
        OrificeShape::Circular { diameter_m: 1.5 },
        Orientation::Side(SideRule::Swmm),
        Elevation(102.0),
        0.6,
    )
    .unwrap()
    .with_gravity(32.2 * 0.3048)
    .unwrap();
    let weir = Weir::swmm_transverse("SPILL", Elevation(107.0), 10.0, 1.70, 3.0).unwrap();
    let inflow =
        Hydrograph::new(vec![0.0, 3.0 * 3600.0, 12.0 * 3600.0], vec![0.0, 60.0, 0.0]).unwrap();
    (pond, orifice, weir, inflow)
}

fn bench_routing(c: &mut Criterion) {
    let (pond, orifice, weir, inflow) = pond_basic();
    let outlets: [&dyn Outlet; 2] = [&orifice, &weir];
    let rain = Hyetograph::dry();
    let mut group = c.benchmark_group("routing");
    for (name, report) in
        [("pond_basic_24h_report_300s", 300.0), ("pond_basic_24h_report_60s", 60.0)]
    {
        let settings = RoutingSettings {
            end_time_s: Some(86_400.0),
            report_interval_s: report,
            ..RoutingSettings::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                route(black_box(&pond), &outlets, black_box(&inflow), &rain, &settings).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_routing);
criterion_main!(benches);
