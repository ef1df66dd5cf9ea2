use tailtwin_core::section::Conductivity;
use tailtwin_seepage::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let h: f64 = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(0.5);
    let case = args.get(2).cloned().unwrap_or("s2".into());
    let (len, ht, h2) = if case == "s1" { (10.0, 10.0, Some(2.0)) } else { (10.0, 10.0, None) };
    let s = cases::rectangular_dam(len, ht, Conductivity::isotropic(1e-5));
    let mut st = SeepageSettings::default();
    st.mesh = if std::env::var("GRADED").is_ok() {
        MeshSettings::with_target_size(h)
    } else {
        MeshSettings::uniform(h)
    };
    st.tailwater_m = h2;
    if let Ok(t) = std::env::var("TOL") {
        st.head_tolerance_m = t.parse().unwrap();
    }
    let t = std::time::Instant::now();
    let m = SeepageModel::build(&s, &st).unwrap();
    let r = if std::env::var("EXITREF").is_ok() {
        solve_section(&s, 10.0, &st).unwrap()
    } else {
        let mut m = SeepageModel::build(&s, &st).unwrap();
        m.solve(10.0).unwrap()
    };
    let tm = t.elapsed();
    let q_exact = 1e-5 * (100.0 - h2.unwrap_or(0.0).powi(2)) / 20.0;
    println!(
        "h={h} nodes={} iters={} mesh={:?} q={:.6e} exact={:.6e} err={:.3}% exit={:?} face={:.4} bal={:.2e}% t/it={:.4}",
        r.diagnostics.nodes,
        r.diagnostics.iterations,
        tm,
        r.discharge_m2s,
        q_exact,
        100.0 * (r.discharge_m2s / q_exact - 1.0),
        r.exit_point,
        r.seepage_face_length_m,
        r.balance.error_pct,
        r.diagnostics.seconds_per_iteration
    );
    for o in &r.outlets {
        println!("  {} {:?} {:.6e}", o.name, o.kind, o.flow_m2s);
    }
    if args.len() > 4 {
        dump(&m, &r);
    }
    if args.len() > 3 {
        for rec in &r.diagnostics.history {
            println!("  {:?}", rec);
        }
    }
}
#[allow(dead_code)]
fn dump(m: &SeepageModel, r: &SeepageResult) {
    let mut v: Vec<(f64, f64)> = m
        .mesh()
        .nodes
        .iter()
        .zip(&r.heads_m)
        .filter(|(p, _)| (p.x - 10.0).abs() < 1e-9)
        .map(|(p, h)| (p.z, h - p.z))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (z, psi) in v {
        if z > 2.5 && z < 5.5 {
            println!("   z={z:.3} psi={psi:.5}");
        }
    }
}
