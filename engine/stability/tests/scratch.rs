use tailtwin_stability::*;
#[test]
fn scratch() {
    let ft = 0.3048;
    let psf = 47.880259;
    let pcf = 157.087464;
    let g: Vec<Pt> = [(0.0, 60.0), (60.0, 60.0), (140.0, 20.0), (180.0, 20.0)]
        .iter()
        .map(|&(x, y)| Pt::new(x * ft, y * ft))
        .collect();
    let m = SlopeModel::single_layer(
        &g,
        0.0,
        Material::mohr_coulomb("s", 120.0 * pcf, 600.0 * psf, 20f64.to_radians()),
    )
    .unwrap();
    let p = SlopeProblem::dry(m);
    let c = SlipSurface::Circle { xc_m: 120.0 * ft, yc_m: 90.0 * ft, radius_m: 80.0 * ft };
    for n in [10, 25, 50, 100, 200, 400] {
        let set = SliceSet::build(&p, &c, n).unwrap();
        let r: Vec<String> = Method::ALL
            .iter()
            .map(|&me| match solve(&set, me, &SolverSettings::default()) {
                Ok(s) => format!(
                    "{}={:.4} l={:?}",
                    me.name(),
                    s.fos,
                    s.lambda.map(|l| (l * 1e4).round() / 1e4)
                ),
                Err(e) => format!("{e}"),
            })
            .collect();
        println!("{n} {} {:?}", set.slices.len(), r);
    }
}
#[test]
fn acads() {
    let g: Vec<Pt> = [(0.0, 25.0), (30.0, 25.0), (50.0, 35.0), (90.0, 35.0)]
        .iter()
        .map(|&(x, y)| Pt::new(x, y))
        .collect();
    let m = SlopeModel::single_layer(
        &g,
        20.0,
        Material::mohr_coulomb("s", 20e3, 3e3, 19.6f64.to_radians()),
    )
    .unwrap();
    let p = SlopeProblem::dry(m);
    for me in Method::ALL {
        let t0 = std::time::Instant::now();
        let mut s = SearchSettings::new(
            me,
            CircleTrials::Grid {
                centres: CentreGrid {
                    x_min: 20.0,
                    x_max: 50.0,
                    nx: 20,
                    y_min: 35.0,
                    y_max: 70.0,
                    ny: 20,
                },
                radii: Radii::Tangents { y_min: 20.0, y_max: 30.0, count: 20 },
            },
        );
        if me.is_rigorous() {
            s.noncircular = Some(NonCircular::default());
        }
        let r = search(&p, &s).unwrap();
        let crit50 = SliceSet::build(&p, &r.critical.surface, 50).unwrap();
        let f50 = solve(&crit50, me, &SolverSettings::default()).unwrap().fos;
        println!(
            "{} fos={:.4} (50 slices {:.4}) trials={} adm={} nc={} surf={:?} noncirc={:?} {:?}",
            me.name(),
            r.critical.fos,
            f50,
            r.trials,
            r.admissible,
            r.not_converged,
            r.critical.surface,
            r.noncircular.as_ref().map(|n| n.fos),
            t0.elapsed()
        );
    }
}
