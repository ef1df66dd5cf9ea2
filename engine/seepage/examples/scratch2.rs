use tailtwin_seepage::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let h: f64 = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(2.0);
    let level: f64 = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(126.5);
    let s = cases::tailings_section();
    let mut st = SeepageSettings::default();
    st.mesh = MeshSettings::with_target_size(h);
    if let Ok(t) = std::env::var("THREADS") {
        st.threads = t.parse().unwrap();
    }
    let t = std::time::Instant::now();
    let mesh = mesh_section(&s, &st.mesh).unwrap();
    let tm = t.elapsed();
    let mut m = SeepageModel::with_mesh(&s, mesh, &st).unwrap();
    let r = m.solve(level).unwrap();
    println!(
        "h={h} nodes={} elems={} minang={:.1} mesh={:?} setup={:.3} iters={} solve={:.3}s t/it={:.4} q={:.4e} exit={:?} face={:.3} bal={:.2e}% minburial={:?}",
        r.diagnostics.nodes,
        r.diagnostics.elements,
        r.diagnostics.min_angle_deg,
        tm,
        r.diagnostics.setup_s,
        r.diagnostics.iterations,
        r.diagnostics.solve_s,
        r.diagnostics.seconds_per_iteration,
        r.discharge_m2s,
        r.exit_point,
        r.seepage_face_length_m,
        r.balance.error_pct,
        r.min_burial_depth_m
    );
    for o in &r.outlets {
        println!("  {} {:?} {:.4e}", o.name, o.kind, o.flow_m2s);
    }
    for b in &r.burial {
        println!("  {:?}", b);
    }
    if args.len() > 3 {
        for p in r.phreatic.line.points().iter().step_by(10) {
            println!("  line {:.2} {:.3}", p.x, p.z);
        }
    }
}
