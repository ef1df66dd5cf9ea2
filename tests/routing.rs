//! Integration tests: level-pool routing. Closed-form drawdowns (R1, R2), the linear reservoir
//! (R3), pond_basic against SWMM/ODE references (R4), convergence, mass balance, overtopping, the
//! empty pond, events, rain on the pond and the stage–storage inverse.

mod closed_form;
mod conservation;
mod pond_basic;

use tailtwin::pond::structures::{Orientation, Orifice, OrificeShape, SideRule, Weir};
use tailtwin::pond::{
    Beach, Dam, DamType, Method, Outlet, Pond, RainArea, RoutingError, RoutingSettings,
    StageStorage, route,
};
use tailtwin_core::{
    Control, Discharge, Elevation, EventKind, Hydrograph, Hyetograph, Regime, RoutedPond,
};

const G: f64 = 9.81;
/// SWMM's gravity, 32.2 ft/s².
const G_SWMM: f64 = 32.2 * 0.3048;

/// `Q = c √(z − z_c)`: a Torricelli orifice on the head above its centroid (R1).
struct Torricelli {
    centroid: f64,
    c: f64,
}

/// `Q = c (z − z_crest)^1.5`: a free weir (R2).
struct PowerWeir {
    crest: f64,
    c: f64,
}

/// `Q = (z − z_0) A / K` in a prism of area A: the linear reservoir `S = K Q` (R3).
struct LinearOutlet {
    datum: f64,
    rate: f64,
}

/// A constant draw at every stage (a pump-like outlet) to test the empty-pond limiter.
struct ConstantDraw {
    q: f64,
}

/// A gate opening linearly in time: `Q = c (1 + t/τ) √(z − z_c)` (time-varying outlet).
struct OpeningGate {
    centroid: f64,
    c: f64,
    tau: f64,
}

impl Outlet for OpeningGate {
    fn id(&self) -> &str {
        "gate"
    }
    fn kind(&self) -> &str {
        "gate"
    }
    fn discharge(&self, stage: Elevation, t: f64) -> Discharge {
        flowing(self.c * (1.0 + t / self.tau) * (stage.0 - self.centroid).max(0.0).sqrt())
    }
}

/// An outlet that breaks the contract by returning NaN above 105 m.
struct Broken;

fn flowing(q: f64) -> Discharge {
    Discharge { flow_m3s: q, regime: Regime::Table, control: Control::Table }
}

impl Outlet for Torricelli {
    fn id(&self) -> &str {
        "orifice"
    }
    fn kind(&self) -> &str {
        "orifice"
    }
    fn discharge(&self, stage: Elevation, _: f64) -> Discharge {
        flowing(self.c * (stage.0 - self.centroid).max(0.0).sqrt())
    }
    // Depends on the stage only: the router's autonomous pieces take unbounded steps.
    fn steady_from_s(&self) -> Option<f64> {
        Some(0.0)
    }
}

impl Outlet for PowerWeir {
    fn id(&self) -> &str {
        "weir"
    }
    fn kind(&self) -> &str {
        "weir"
    }
    fn discharge(&self, stage: Elevation, _: f64) -> Discharge {
        flowing(self.c * (stage.0 - self.crest).max(0.0).powf(1.5))
    }
    // Depends on the stage only: the router's autonomous pieces take unbounded steps.
    fn steady_from_s(&self) -> Option<f64> {
        Some(0.0)
    }
}

impl Outlet for LinearOutlet {
    fn id(&self) -> &str {
        "linear"
    }
    fn kind(&self) -> &str {
        "linear"
    }
    fn discharge(&self, stage: Elevation, _: f64) -> Discharge {
        flowing(self.rate * (stage.0 - self.datum).max(0.0))
    }
    // Depends on the stage only: the router's autonomous pieces take unbounded steps.
    fn steady_from_s(&self) -> Option<f64> {
        Some(0.0)
    }
}

impl Outlet for ConstantDraw {
    fn id(&self) -> &str {
        "draw"
    }
    fn kind(&self) -> &str {
        "pump"
    }
    fn discharge(&self, _: Elevation, _: f64) -> Discharge {
        flowing(self.q)
    }
    // Depends on the stage only: the router's autonomous pieces take unbounded steps.
    fn steady_from_s(&self) -> Option<f64> {
        Some(0.0)
    }
}

impl Outlet for Broken {
    fn id(&self) -> &str {
        "broken"
    }
    fn kind(&self) -> &str {
        "test"
    }
    fn discharge(&self, stage: Elevation, _: f64) -> Discharge {
        flowing(if stage.0 > 105.0 { f64::NAN } else { 0.0 })
    }
}

/// Prism of plan area `area` from `bottom` to `top` (dam crest = beach crest = top).
fn prism(area: f64, bottom: f64, top: f64, start: f64) -> Pond {
    let table = StageStorage::from_areas(&[bottom, top], &[area, area]).unwrap();
    let beach = Beach::from_slope(Elevation(top), 0.01).unwrap();
    Pond::new(
        table,
        Dam::new(Elevation(top), 10.0, DamType::WaterRetaining),
        beach,
        Elevation(start),
    )
    .unwrap()
}

fn settings(rtol: f64, end: f64, report: f64) -> RoutingSettings {
    RoutingSettings {
        rtol,
        atol_m3: 1e-9,
        end_time_s: Some(end),
        report_interval_s: report,
        ..RoutingSettings::default()
    }
}

fn stage_at(r: &RoutedPond, t: f64) -> f64 {
    let i = r.time_s.iter().position(|&x| x == t).expect("report time present");
    r.stage_m[i]
}

/// Columns `columns` of scenarios/verification/`case`/reference.csv, one Vec per row.
fn reference(case: &str, columns: &[&str]) -> Vec<Vec<f64>> {
    let path =
        format!("{}/scenarios/verification/{case}/reference.csv", env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::Reader::from_path(&path).expect("reference.csv readable");
    let headers = reader.headers().unwrap().clone();
    let index: Vec<usize> = columns
        .iter()
        .map(|c| headers.iter().position(|h| h == *c).expect("column present"))
        .collect();
    reader
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            index.iter().map(|&i| rec[i].parse::<f64>().unwrap()).collect()
        })
        .collect()
}

/// The hard conservation requirement: |error| ≤ 1e-9 of (initial + inflow).
fn assert_mass_balance(r: &RoutedPond) {
    let mb = &r.mass_balance;
    let scale = mb.initial_storage_m3 + mb.total_inflow_m3();
    assert!(
        mb.error_m3.abs() <= 1e-9 * scale,
        "mass balance error {} m3 of {} m3 ({} %)",
        mb.error_m3,
        scale,
        mb.error_pct
    );
}

/// pond_basic (cases/pond_basic.json) with the struct crate's SWMM outlets.
fn pond_basic(inflow_peak: f64) -> (Pond, Orifice, Weir, Hydrograph) {
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
    .with_gravity(G_SWMM)
    .unwrap();
    let weir = Weir::swmm_transverse("SPILL", Elevation(107.0), 10.0, 1.70, 3.0).unwrap();
    let inflow =
        Hydrograph::new(vec![0.0, 3.0 * 3600.0, 12.0 * 3600.0], vec![0.0, inflow_peak, 0.0])
            .unwrap();
    (pond, orifice, weir, inflow)
}

fn depth_at_end(r: &RoutedPond) -> f64 {
    r.stage_m[r.stage_m.len() - 1] - 100.0
}
