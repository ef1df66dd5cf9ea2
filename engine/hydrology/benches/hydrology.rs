//! Hot kernels of the hydrology crate: P-III quantiles, a 24 h design hyetograph, SCS-CN inflow
//! (loss + unit-hydrograph convolution) and the rational formula. Run once with
//! `cargo bench -p tailtwin-hydrology`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tailtwin_hydrology::{
    AtlasStorm, Catchment, DecayIndex, DepthDuration, DurationStatistics, Pattern,
    RationalSettings, RunoffMethod, ScsCnSettings, design_hyetograph, design_inflow, design_storm,
    pearson3_frequency_factor,
};

fn atlas() -> DepthDuration {
    DepthDuration::Atlas(AtlasStorm {
        h24: DurationStatistics { mean_mm: 110.0, cv: 0.5, cs_over_cv: 3.5 },
        return_period_years: 500.0,
        decay: DecayIndex::FromDesignDepths { h10min_mm: 40.0, h1h_mm: 95.0, h6h_mm: 200.0 },
    })
}

fn benches(c: &mut Criterion) {
    c.bench_function("pearson3_frequency_factor (C_s 1.75, p 0.2 %)", |b| {
        b.iter(|| pearson3_frequency_factor(black_box(1.75), black_box(0.002)).unwrap())
    });
    let depth = atlas();
    let chicago = Pattern::Chicago { peak_position: 0.4 };
    c.bench_function("design_hyetograph 24 h chicago 10 min", |b| {
        b.iter(|| design_hyetograph(black_box(&depth), &chicago, 86400.0, None).unwrap())
    });
    let storm = design_storm(&depth, &chicago, 86400.0, Some(300.0)).unwrap();
    let catchment = Catchment { area_m2: 3.2e6, channel_length_m: 2600.0, channel_slope: 0.045 };
    let scs = RunoffMethod::ScsCn(ScsCnSettings::new(78.0));
    c.bench_function("scs_cn inflow 24 h, 5 min rain, 3.2 km²", |b| {
        b.iter(|| design_inflow(black_box(&catchment), &storm, &scs).unwrap())
    });
    let rational = RunoffMethod::Rational(RationalSettings::new(5.0));
    c.bench_function("rational inflow 24 h, 3.2 km²", |b| {
        b.iter(|| design_inflow(black_box(&catchment), &storm, &rational).unwrap())
    });
}

criterion_group!(hydrology, benches);
criterion_main!(hydrology);
