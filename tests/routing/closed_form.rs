//! Closed-form cases R1–R3, convergence of both methods.

use super::*;

// Goal: Torricelli drawdown of a prismatic pond (R1, exact). Setup: scenarios/verification/
// r1_orifice_drawdown: A = 10⁴ m², bottom 100 m = orifice centroid, a = 1 m², C_d = 0.6,
// g = 9.81, h₀ = 4 m, no inflow; rtol 1e-10, atol 1e-9 m³.
// Reference: √h(t) = √h₀ − C_d a √(2g) t/(2A) → h(3600 s) = 2.31533 m, empty at
// T = 2A√h₀/(C_d a √(2g)) = 15 050.79 s (verification.md); the case's reference.csv (every
// 300 s) and the closed form evaluated here.
// Tolerance: stage 1e-8 m (100·rtol·h₀; the drawdown is contractive so the global error stays a
// small multiple of the per-step tolerance). Emptying time 0.01 s: near empty S = k (T − t)²
// with k = A (C_d a √(2g)/2A)² ≈ 1.8e-4 m³/s², so a storage error δ moves the root by √(δ/k);
// near empty the error control is absolute (atol = 1e-9 m³ per step), and allowing δ up to
// 16·atol over the last steps gives √(16e-9/1.8e-4) = 9.5e-3 s (measured 2.9e-3 s).
#[test]
fn orifice_drawdown_matches_torricelli_closed_form() {
    let (area, a, cd, h0) = (1e4, 1.0, 0.6, 4.0);
    let c = cd * a * (2.0 * G).sqrt();
    let pond = prism(area, 100.0, 110.0, 100.0 + h0);
    let outlet = Torricelli { centroid: 100.0, c };
    let s = settings(1e-10, 20_000.0, 60.0);
    let r = route(&pond, &[&outlet], &Hydrograph::zero(), &Hyetograph::dry(), &s).unwrap();
    let exact = |t: f64| ((h0.sqrt() - c * t / (2.0 * area)).max(0.0)).powi(2);
    let t_empty = 2.0 * area * h0.sqrt() / c;
    assert!((t_empty - 15_050.79).abs() < 0.01);
    assert!((exact(3600.0) - 2.31533).abs() < 5e-6);
    assert!((stage_at(&r, 3600.0) - 100.0 - 2.31533).abs() < 5e-6);
    let rows = reference("r1_orifice_drawdown", &["time_s", "stage_m"]);
    assert!(rows.len() > 60);
    for row in &rows {
        let (t, z) = (row[0], row[1]);
        assert!((z - 100.0 - exact(t)).abs() < 1e-9, "reference.csv disagrees at {t}");
        assert!((stage_at(&r, t) - z).abs() < 1e-8, "t = {t}: {} vs {z}", stage_at(&r, t));
    }
    let empty = r.diagnostics.events.iter().find(|e| e.detail.contains("pond empty")).unwrap();
    let worst = rows.iter().map(|row| (stage_at(&r, row[0]) - row[1]).abs()).fold(0.0, f64::max);
    eprintln!(
        "R1: max stage error {worst:.2e} m, h(3600) = {:.6} m, empty at {:.4} s (exact {t_empty:.4})",
        stage_at(&r, 3600.0) - 100.0,
        empty.time_s
    );
    assert!((empty.time_s - t_empty).abs() < 0.01, "empty at {} vs {t_empty}", empty.time_s);
    // After emptying the pond stays empty: storage never negative.
    assert!(r.storage_m3.iter().all(|&s| s >= 0.0));
    assert_eq!(stage_at(&r, 18_000.0), 100.0);
    assert_mass_balance(&r);
}

fn weir_exact(h0: f64, cl: f64, area: f64, t: f64) -> f64 {
    h0 / (1.0 + cl * h0.sqrt() * t / (2.0 * area)).powi(2)
}

// Goal: weir drawdown of a prismatic pond (R2, exact). Setup: scenarios/verification/
// r2_weir_drawdown: A = 10⁵ m², crest at the 100 m bottom, Q = C_w L h^1.5 with C_w = 1.70,
// L = 10 m, h₀ = 2 m, no inflow, 24 h; rtol 1e-10, atol 1e-9 m³.
// Reference: h(t) = h₀/(1 + C_w L √h₀ t/(2A))² at 1, 3, 6, 12, 24 h and every row of the
// case's reference.csv (every 30 min).
// Tolerance: 1e-9 m of stage (5·rtol·h₀: the drawdown is contractive, so the global error stays
// near the per-step tolerance; measured a few 1e-11 m).
#[test]
fn weir_drawdown_matches_closed_form() {
    let (area, cl, h0) = (1e5, 17.0, 2.0);
    let pond = prism(area, 100.0, 110.0, 100.0 + h0);
    let weir = PowerWeir { crest: 100.0, c: cl };
    let s = settings(1e-10, 86_400.0, 1800.0);
    let r = route(&pond, &[&weir], &Hydrograph::zero(), &Hyetograph::dry(), &s).unwrap();
    for hours in [1.0, 3.0, 6.0, 12.0, 24.0] {
        let t = hours * 3600.0;
        let err = (stage_at(&r, t) - 100.0 - weir_exact(h0, cl, area, t)).abs();
        assert!(err < 1e-9, "t = {hours} h: error {err}");
    }
    let rows = reference("r2_weir_drawdown", &["time_s", "stage_m", "outflow_m3s"]);
    let worst = rows.iter().map(|row| (stage_at(&r, row[0]) - row[1]).abs()).fold(0.0, f64::max);
    eprintln!("R2: max stage error {worst:.2e} m, {} steps", r.diagnostics.steps);
    for row in rows {
        let (t, z, q) = (row[0], row[1], row[2]);
        assert!((stage_at(&r, t) - z).abs() < 1e-9, "t = {t}");
        let i = r.time_s.iter().position(|&x| x == t).unwrap();
        // dQ/dh = 1.5 C_w L √h ≤ 36 m²/s: 1e-9 m of stage is ≤ 4e-8 m³/s.
        assert!((r.outflow_m3s[i] - q).abs() < 4e-8, "t = {t}");
    }
    assert_mass_balance(&r);
}

/// The weir without its declaration of steadiness (an outlet that may depend on time).
struct TimeDependentWeir(PowerWeir);

impl Outlet for TimeDependentWeir {
    fn id(&self) -> &str {
        self.0.id()
    }
    fn kind(&self) -> &str {
        self.0.kind()
    }
    fn discharge(&self, stage: Elevation, t: f64) -> Discharge {
        self.0.discharge(stage, t)
    }
}

// Goal: where the forcing is constant and every outlet steady (`steady_from_s`), dS/dt = f(S) is
// autonomous and monotone, so the step is bounded by the error control only, not by
// max_step_s, and the answer keeps its accuracy; an outlet that may depend on time keeps the
// bound. Setup: R2 (no inflow, weir drawdown) over 24 h, rtol 1e-8, max_step_s 900 s.
// Reference: the closed form at 1, 3, 6, 12 and 24 h. Tolerance: 1e-7 m (5·rtol·h₀, as R2 with
// its tighter rtol: the drawdown is contractive); steps: fewer than 24 h / 900 s = 96 when
// steady (measured 82), at least 96 when not (measured 118).
#[test]
fn steady_outlets_take_steps_beyond_max_step_on_constant_forcing() {
    let (area, cl, h0) = (1e5, 17.0, 2.0);
    let pond = prism(area, 100.0, 110.0, 100.0 + h0);
    let s = settings(1e-8, 86_400.0, 1800.0);
    let steady = PowerWeir { crest: 100.0, c: cl };
    let varying = TimeDependentWeir(PowerWeir { crest: 100.0, c: cl });
    let free = route(&pond, &[&steady], &Hydrograph::zero(), &Hyetograph::dry(), &s).unwrap();
    let bounded = route(&pond, &[&varying], &Hydrograph::zero(), &Hyetograph::dry(), &s).unwrap();
    for r in [&free, &bounded] {
        for hours in [1.0, 3.0, 6.0, 12.0, 24.0] {
            let t = hours * 3600.0;
            let err = (stage_at(r, t) - 100.0 - weir_exact(h0, cl, area, t)).abs();
            assert!(err < 1e-7, "t = {hours} h: error {err}");
        }
        assert_mass_balance(r);
    }
    eprintln!("steps: {} free, {} bounded", free.diagnostics.steps, bounded.diagnostics.steps);
    assert!(free.diagnostics.steps < 96, "{}", free.diagnostics.steps);
    assert!(bounded.diagnostics.steps >= 96, "{}", bounded.diagnostics.steps);
    assert!(free.diagnostics.max_step_s > 900.0);
}

// Goal: fixed-step Dormand–Prince converges at fifth order on R2 (a smooth problem).
// Setup: R2 as above, fixed steps 1600, 800, 400, 200 s over 8 h; error of h(8 h).
// Reference: closed form. Tolerance: every observed order log2(e_h/e_{h/2}) ≥ 4.5 (no loss of
// order from breakpoint or event handling) and the finest within [4.5, 5.6] (asymptotic order 5;
// measured 6.50, 5.92, 5.53: the coarse steps are pre-asymptotic and approach 5 from above).
#[test]
fn fixed_step_error_converges_at_fifth_order() {
    let (area, cl, h0) = (1e5, 17.0, 2.0);
    let pond = prism(area, 0.0, 10.0, h0);
    let weir = PowerWeir { crest: 0.0, c: cl };
    let end = 8.0 * 3600.0;
    let errors: Vec<f64> = [1600.0, 800.0, 400.0, 200.0]
        .iter()
        .map(|&h| {
            let s = RoutingSettings {
                fixed_step_s: Some(h),
                max_step_s: h,
                ..settings(1e-6, end, 3600.0)
            };
            let r = route(&pond, &[&weir], &Hydrograph::zero(), &Hyetograph::dry(), &s).unwrap();
            assert_mass_balance(&r);
            (stage_at(&r, end) - weir_exact(h0, cl, area, end)).abs()
        })
        .collect();
    let orders: Vec<f64> = errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect();
    assert!(orders.iter().all(|&p| p >= 4.5), "errors {errors:?}, orders {orders:?}");
    assert!((4.5..=5.6).contains(&orders[2]), "errors {errors:?}, orders {orders:?}");
}

// Goal: the adaptive integrator's error falls with the tolerance (tolerance proportionality).
// Setup: R2, rtol = 1e-4, 1e-6, 1e-8, 1e-10; error of h(8 h).
// Reference: closed form. Tolerance: each error ≤ 10·rtol·h₀ (tolerance proportionality of
// local-error-per-step control on a contractive problem) and the error falls with every
// tightening. Measured 3.0e-8, 9.7e-9, 3.6e-10, 3.6e-12: at rtol 1e-4 and 1e-6 the 900 s
// maximum step, not the tolerance, governs, hence the small first ratio.
#[test]
fn adaptive_error_falls_with_tolerance() {
    let (area, cl, h0) = (1e5, 17.0, 2.0);
    let pond = prism(area, 0.0, 10.0, h0);
    let weir = PowerWeir { crest: 0.0, c: cl };
    let end = 8.0 * 3600.0;
    let rtols = [1e-4, 1e-6, 1e-8, 1e-10];
    let errors: Vec<f64> = rtols
        .iter()
        .map(|&rtol| {
            let r = route(
                &pond,
                &[&weir],
                &Hydrograph::zero(),
                &Hyetograph::dry(),
                &settings(rtol, end, 3600.0),
            )
            .unwrap();
            assert_mass_balance(&r);
            (stage_at(&r, end) - weir_exact(h0, cl, area, end)).abs()
        })
        .collect();
    for (e, rtol) in errors.iter().zip(rtols) {
        assert!(*e <= 10.0 * rtol * h0, "rtol {rtol}: error {e}");
    }
    assert!(errors.windows(2).all(|w| w[1] < w[0]), "errors {errors:?}");
}

// Goal: linear reservoir S = K O with constant inflow (R3, exact). Setup: scenarios/verification/
// r3_linear_reservoir: prism A = 10⁴ m² (bottom 100 m), Q = A (z − 100)/K with K = 3600 s,
// I = 5 m³/s, O₀ = 1 m³/s (h₀ = K O₀/A = 0.36 m), 12 h, rtol 1e-10, atol 1e-9 m³; compared at
// every report time (10 min) and every row of reference.csv.
// Reference: O(t) = I + (O₀ − I) e^(−t/K). Tolerance: 1e-8 m³/s (1e-9 relative to I: 10·rtol).
#[test]
fn linear_reservoir_outflow_matches_exponential() {
    let (area, k, inflow, o0) = (1e4, 3600.0, 5.0, 1.0);
    let pond = prism(area, 100.0, 110.0, 100.0 + k * o0 / area);
    let outlet = LinearOutlet { datum: 100.0, rate: area / k };
    let end = 12.0 * 3600.0;
    let q_in = Hydrograph::new(vec![0.0, end], vec![inflow, inflow]).unwrap();
    let r =
        route(&pond, &[&outlet], &q_in, &Hyetograph::dry(), &settings(1e-10, end, 600.0)).unwrap();
    for (i, &t) in r.time_s.iter().enumerate() {
        let exact = inflow + (o0 - inflow) * (-t / k).exp();
        assert!((r.outflow_m3s[i] - exact).abs() < 1e-8, "t = {t}: {}", r.outflow_m3s[i]);
    }
    let worst = r
        .time_s
        .iter()
        .zip(&r.outflow_m3s)
        .map(|(&t, &q)| (q - inflow - (o0 - inflow) * (-t / k).exp()).abs())
        .fold(0.0, f64::max);
    eprintln!("R3: max outflow error {worst:.2e} m3/s, {} steps", r.diagnostics.steps);
    for row in reference("r3_linear_reservoir", &["time_s", "outflow_m3s"]) {
        let i = r.time_s.iter().position(|&x| x == row[0]).unwrap();
        assert!((r.outflow_m3s[i] - row[1]).abs() < 1e-8, "t = {}", row[0]);
    }
    // Volume out: ∫O dt = I t − (I − O₀) K (1 − e^(−t/K)).
    let v_out = inflow * end - (inflow - o0) * k * (1.0 - (-end / k).exp());
    assert!((r.structures[0].volume_m3 - v_out).abs() < 1e-8 * v_out);
    assert_mass_balance(&r);
}

// Goal: the storage-indication (modified Puls) option converges at second order, as the
// trapezoidal rule it is. Setup: R2 (bottom at 0 m), Δt = 1600, 800, 400, 200 s over 8 h.
// Reference: closed form. Tolerance: observed order within [1.9, 2.1] for each halving
// (asymptotic 2; measured orders printed), mass balance ≤ 1e-9 relative.
#[test]
fn modified_puls_converges_at_second_order() {
    let (area, cl, h0) = (1e5, 17.0, 2.0);
    let pond = prism(area, 0.0, 10.0, h0);
    let weir = PowerWeir { crest: 0.0, c: cl };
    let end = 8.0 * 3600.0;
    let errors: Vec<f64> = [1600.0, 800.0, 400.0, 200.0]
        .iter()
        .map(|&dt| {
            let s = RoutingSettings {
                method: Method::ModifiedPuls { step_s: dt },
                ..settings(1e-6, end, 3600.0)
            };
            let r = route(&pond, &[&weir], &Hydrograph::zero(), &Hyetograph::dry(), &s).unwrap();
            assert_mass_balance(&r);
            (stage_at(&r, end) - weir_exact(h0, cl, area, end)).abs()
        })
        .collect();
    let orders: Vec<f64> = errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect();
    eprintln!("modified Puls R2 errors {errors:?}, orders {orders:?}");
    assert!(orders.iter().all(|p| (1.9..=2.1).contains(p)), "errors {errors:?}, orders {orders:?}");
}
