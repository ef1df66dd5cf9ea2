//! Monte-Carlo flood ensembles (issue 6): probabilities against closed forms, monotonicity,
//! determinism over threads and shards, convergence, bad input, and the CLI contract.
//!
//! The closed-form pond: a prism of constant area A = 10⁵ m² with no outlet, a 0.9 km²
//! catchment at CN 100 (S = 0, I_a = 0: every millimetre runs off), rain on the pond. A storm
//! of depth d raises the pond by d (A_c + A)/A = 10 d, so it overtops (start 118 m, crest
//! 120 m) exactly when d > d* = 2 m / 10 = 200 mm.

use super::common::{demo_dir, demo_text, root};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tailtwin::pipeline::ensemble::shard::{merge, partial};
use tailtwin::pipeline::ensemble::{EnsembleRun, EnsembleSettings, run_ensemble};
use tailtwin::scenario::{self, Scenario};

/// The linear pond described in the module header, with `ensemble` appended.
fn linear_pond(ensemble: &str, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "linear-pond"
description = "prism without outlets, CN 100 catchment: rise = depth (A_c + A)/A"

[pond]
dam_type = "water_retaining"
bottom_m = 100.0
crest_m = 120.0
crest_length_m = 100.0
beach_crest_m = 120.0
normal_level_m = 118.0
dam_height_m = 20.0
total_storage_m3 = 2.0e6
stage_storage = {{ elevation_m = [100.0, 125.0], area_m2 = [100000.0, 100000.0] }}

[catchment]
area_km2 = 0.9
channel_length_km = 1.0
channel_slope = 0.05
runoff = {{ method = "scs_cn", curve_number = 100, amc = "II" }}

[storm]
duration_h = 6
interval_min = 30
depth_mm = 100.0
pattern = {{ kind = "uniform" }}

{extra}

[routing]
duration_h = 36
report_interval_min = 60

[ensemble]
{ensemble}
"#
    )
}

fn parse(text: &str) -> Scenario {
    scenario::parse(text, &demo_dir(), "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn run(s: &Scenario, members: u64, seed: u64, threads: usize) -> EnsembleRun {
    let settings = EnsembleSettings { members, seed, threads, shard: None };
    run_ensemble(s, &settings).unwrap_or_else(|e| panic!("{e}"))
}

/// The summary with the timing fields (which legitimately differ between runs) zeroed.
fn untimed(mut r: EnsembleRun) -> EnsembleRun {
    r.summary.elapsed_s = 0.0;
    r.summary.members_per_s = 0.0;
    r.summary.threads = 0;
    r.summary.shards = 0;
    r
}

// Goal: P(overtopping) of the linear pond under an exponential annual-maximum depth equals the
// closed form. Setup: depth ~ exponential(μ = 80 mm), d* = 200 mm, 10⁴ members, seed 11.
// Reference: P = exp(−d*/μ) = exp(−2.5) = 0.0821. Tolerance: the estimate's Wilson 95 %
// interval must contain it (a 5 % chance of a false failure for an arbitrary seed; the seed is
// fixed, so the test is deterministic). The SCS unit hydrograph's volume error (< 0.1 %) moves
// d* by < 0.2 mm, a change of P below 2·10⁻⁴, far inside the interval (±0.0054).
#[test]
fn exponential_depth_overtopping_probability_matches_closed_form() {
    let s = parse(&linear_pond(r#"depth = { distribution = "exponential", mean_mm = 80.0 }"#, ""));
    let r = run(&s, 10_000, 11, 2);
    let exact = (-200.0_f64 / 80.0).exp();
    let p = r.summary.p_overtopping;
    assert_eq!(r.summary.failed_members, 0);
    assert!(
        p.ci95[0] <= exact && exact <= p.ci95[1],
        "P = {} CI {:?}, exact {exact}",
        p.estimate,
        p.ci95
    );
    // Each member: overtopped exactly when its depth exceeds d* (up to the UH volume error).
    for row in &r.members.rows {
        let o = row.outcome.expect("no failed member");
        if (row.depth_mm - 200.0).abs() > 0.5 {
            assert_eq!(
                o.overtopped,
                row.depth_mm > 200.0,
                "member {}: {} mm",
                row.index,
                row.depth_mm
            );
        }
    }
    // The peak level of a member that does not overtop is 118 m + 10 d.
    let below = r.members.rows.iter().find(|r| r.depth_mm < 150.0).expect("a small storm");
    let rise = below.outcome.unwrap().peak_stage_m - 118.0;
    assert!((rise - 10.0 * below.depth_mm / 1000.0).abs() < 2e-3 * rise, "rise {rise}");
}

// Goal: the Pearson III depth case against its analytic exceedance. Setup: depth ~ P-III with
// mean 100 mm, Cv 0.5, Cs/Cv 3.5 (the storm is not an atlas storm, so the value is the storm's
// depth), 10⁴ members. Reference: P(D > 200 mm) = Q(α, (200 − a₀)/β) with α = 4/Cs², β = x̄ Cv
// Cs/2, a₀ = x̄(1 − 2Cv/Cs) (Q the upper regularised incomplete gamma function, statrs).
// Tolerance: the Wilson 95 % interval of the estimate.
#[test]
fn pearson3_depth_overtopping_probability_matches_gamma_exceedance() {
    let s = parse(&linear_pond(
        r#"depth = { distribution = "pearson3", mean_24h_mm = 100.0, cv = 0.5, cs_over_cv = 3.5 }"#,
        "",
    ));
    let r = run(&s, 10_000, 5, 2);
    let (mean, cv, cs) = (100.0_f64, 0.5, 1.75);
    let alpha = 4.0 / (cs * cs);
    let beta = mean * cv * cs / 2.0;
    let a0 = mean * (1.0 - 2.0 * cv / cs);
    let exact = statrs::function::gamma::gamma_ur(alpha, (200.0 - a0) / beta);
    let p = r.summary.p_overtopping;
    assert!(exact > 0.02 && exact < 0.1, "{exact}");
    assert!(
        p.ci95[0] <= exact && exact <= p.ci95[1],
        "P = {} CI {:?}, exact {exact}",
        p.estimate,
        p.ci95
    );
}

// Goal: SE ∝ 1/√n and the running estimate stays within its own uncertainty of the truth.
// Setup: the exponential case, 10⁴ members (convergence points 100, 1000, 10 000). Reference:
// p = exp(−2.5). Tolerance: |p̂_n − p| ≤ 3√(p(1−p)/n) at every point (a 0.3 % chance per point
// for a random seed; fixed seed); at n ≥ 1000, SE_n √n within 15 % of √(p(1−p)) (p̂ is then
// within ±3σ = ±0.026 of p, which moves √(p̂(1−p̂)) by at most 13 %).
#[test]
fn convergence_standard_error_falls_as_one_over_root_n() {
    let s = parse(&linear_pond(r#"depth = { distribution = "exponential", mean_mm = 80.0 }"#, ""));
    let r = run(&s, 10_000, 23, 2);
    let p = (-2.5_f64).exp();
    let sd = (p * (1.0 - p)).sqrt();
    let pts = &r.summary.convergence;
    assert_eq!(pts.iter().map(|c| c.members).collect::<Vec<_>>(), vec![100, 1000, 10_000]);
    for c in pts {
        let n = c.members as f64;
        assert!((c.estimate - p).abs() <= 3.0 * sd / n.sqrt(), "{c:?}");
        if c.members >= 1000 {
            assert!((c.standard_error * n.sqrt() / sd - 1.0).abs() < 0.15, "{c:?}");
        }
    }
    // The final point is the summary's estimate.
    assert_eq!(pts.last().unwrap().estimate, r.summary.p_overtopping.estimate);
}

/// The linear pond with a spillway of `width_m` at 119 m and the crest at `crest_m`.
fn with_spillway(width_m: f64, crest_m: f64) -> Scenario {
    let spill = format!(
        "[[structure]]\nid = \"spillway\"\nkind = \"spillway\"\ncrest_m = 119.0\nwidth_m = {width_m}\n"
    );
    let text = linear_pond(r#"depth = { distribution = "exponential", mean_mm = 80.0 }"#, &spill)
        .replace("crest_m = 120.0\n", &format!("crest_m = {crest_m}\n"))
        .replace("beach_crest_m = 120.0", &format!("beach_crest_m = {crest_m}"));
    parse(&text)
}

// Goal: a higher crest or a bigger spillway never raises the probability, member by member.
// Setup: the linear pond with a spillway at 119 m; crest 120 → 120.3 m; spillway 2 → 6 m wide;
// the same seed, 2000 members (identical storms in both runs). Reference: physics — more
// outflow capacity or more room lowers or keeps every member's peak relative to the crest.
// Tolerance: exact (hit counts and per-member flags).
#[test]
fn higher_crest_or_bigger_spillway_never_raises_overtopping_probability() {
    let base = run(&with_spillway(2.0, 120.0), 2000, 3, 2);
    let higher = run(&with_spillway(2.0, 120.3), 2000, 3, 2);
    let wider = run(&with_spillway(6.0, 120.0), 2000, 3, 2);
    assert!(base.summary.p_overtopping.hits > 0, "the base case must overtop sometimes");
    for other in [&higher, &wider] {
        assert!(other.summary.p_overtopping.hits <= base.summary.p_overtopping.hits);
        assert!(
            other.summary.p_freeboard_below_min.hits <= base.summary.p_freeboard_below_min.hits
        );
        for (a, b) in base.members.rows.iter().zip(&other.members.rows) {
            assert_eq!(a.depth_mm, b.depth_mm, "same seed → same storms");
            assert!(!b.outcome.unwrap().overtopped || a.outcome.unwrap().overtopped);
        }
    }
    assert!(wider.summary.p_overtopping.hits < base.summary.p_overtopping.hits);
    assert!(higher.summary.p_overtopping.hits < base.summary.p_overtopping.hits);
}

/// The demo pond with its `[ensemble]` (durations, patterns, AMC, start level, blockages).
fn demo() -> Scenario {
    parse(&demo_text())
}

// Goal: results do not depend on the thread count or on sharding. Setup: the demo's ensemble
// (every input varied), 240 members, seed 9: 1 thread, 2 threads, and 3 shards merged (given in
// the order 2, 0, 1). Reference: the single-thread run. Tolerance: bit for bit (PartialEq on the
// member table and the summary, timing fields zeroed).
#[test]
fn ensemble_is_identical_on_one_and_two_threads_and_for_merged_shards() {
    let s = demo();
    let one = untimed(run(&s, 240, 9, 1));
    let two = untimed(run(&s, 240, 9, 2));
    assert_eq!(one, two);
    let mut parts = Vec::new();
    for i in [2, 0, 1] {
        let settings = EnsembleSettings { members: 240, seed: 9, threads: 2, shard: Some((i, 3)) };
        let r = run_ensemble(&s, &settings).unwrap();
        // Through the partial file's JSON, as `tailtwin merge` reads it.
        let json = serde_json::to_string(&partial(&s, &settings, &r)).unwrap();
        parts.push(serde_json::from_str(&json).unwrap());
    }
    let merged = merge(&parts).unwrap();
    assert_eq!(merged.summary.shards, 3);
    assert_eq!(one, untimed(merged));
    // The demo varied what it says it varies.
    let rows = &one.members.rows;
    assert!(rows.iter().any(|r| r.conditions.iter().any(|&c| c < 1.0)), "some blockage");
    assert!(rows.iter().any(|r| r.duration_h == 6.0) && rows.iter().any(|r| r.duration_h == 24.0));
    assert!(rows.iter().map(|r| r.initial_level_m).any(|z| z != 368.5));
    assert_eq!(one.summary.inputs.len(), 7);
}

// Goal: merge refuses gaps, overlaps and parts of another ensemble. Setup: 2 shards of the
// linear pond (60 members); then a missing shard, a duplicate, another seed. Reference: the
// error names the problem. Tolerance: none.
#[test]
fn merge_rejects_gaps_overlaps_and_foreign_parts() {
    let s = parse(&linear_pond(r#"depth = { distribution = "exponential", mean_mm = 80.0 }"#, ""));
    let part = |i, seed| {
        let settings = EnsembleSettings { members: 60, seed, threads: 1, shard: Some((i, 2)) };
        partial(&s, &settings, &run_ensemble(&s, &settings).unwrap())
    };
    let (a, b, c) = (part(0, 1), part(1, 1), part(1, 2));
    assert!(merge(&[a.clone(), b.clone()]).is_ok());
    let err = |r: Result<EnsembleRun, tailtwin::pipeline::PipelineError>| {
        r.expect_err("an error").to_string()
    };
    assert!(err(merge(std::slice::from_ref(&a))).contains("missing shard(s) 1/2"));
    assert!(err(merge(&[a.clone(), a.clone()])).contains("given twice"));
    assert!(err(merge(&[a.clone(), c])).contains("seed"));
    let mut other = b.clone();
    other.scenario_hash = "0".repeat(64);
    assert!(err(merge(&[a.clone(), other])).contains("another scenario"));
    let mut short = b;
    short.members.rows.pop();
    assert!(err(merge(&[a, short])).contains("should hold members 30..60"));
}

/// Problems of the demo with `[ensemble]` replaced by `block`.
fn demo_problems(block: &str) -> Vec<String> {
    let text = demo_text();
    let start = text.find("[ensemble]").expect("the demo has [ensemble]");
    let end = start + text[start..].find("\n# ----").expect("a section follows");
    let edited = format!("{}{}\n{}", &text[..start], block, &text[end..]);
    match scenario::parse(&edited, &demo_dir(), "demo.toml") {
        Ok(_) => Vec::new(),
        Err(e) => e.problems().iter().map(|p| format!("{}: {}", p.path, p.message)).collect(),
    }
}

// Goal: nonsense distributions are errors naming their key path. Setup: the demo with one bad
// [ensemble] each. Reference: the key path expected. Tolerance: none.
#[test]
fn nonsense_ensemble_inputs_are_errors_with_key_paths() {
    let cases = [
        ("[ensemble]\ninitial_level = { sd_m = -0.1 }", "ensemble.initial_level.sd_m"),
        (
            "[ensemble]\namc = { i = 0.3, ii = 0.3, iii = 0.3 }",
            "ensemble.amc: the probabilities sum to",
        ),
        ("[ensemble]\ndepth = { distribution = \"pearson3\", cv = 0.0 }", "ensemble.depth.cv"),
        (
            "[ensemble]\ndepth = { distribution = \"exponential\", mean_mm = -5.0 }",
            "ensemble.depth.mean_mm",
        ),
        (
            "[ensemble]\nblockage = [{ structure = \"tower-9\", probability = 0.1, blocked_fraction = [0.1, 0.2] }]",
            "ensemble.blockage[0].structure: unknown structure id `tower-9`",
        ),
        (
            "[ensemble]\nblockage = [{ structure = \"tower-1\", probability = 1.5, blocked_fraction = [0.1, 0.2] }]",
            "ensemble.blockage[0].probability",
        ),
        (
            "[ensemble]\ndurations_h = [6.0, 24.0]\nduration_weights = [0.5]",
            "ensemble.duration_weights",
        ),
        ("[ensemble]\ndurations_h = [48.0]", "ensemble.durations_h[0]"),
        ("[ensemble]\npatterns = [\"huff\"]", "ensemble.patterns[0]: unknown pattern"),
        ("[ensemble]\nchicago_peak_range = [0.6, 0.3]", "ensemble.chicago_peak_range"),
        ("[ensemble]\nmembers = 0", "ensemble.members"),
        (
            "[ensemble]\npatterns = [\"scs_type_ii\"]\ndurations_h = [6.0]",
            "ensemble.patterns[0]: scs_type_ii",
        ),
    ];
    for (block, expected) in cases {
        let problems = demo_problems(block);
        assert!(problems.iter().any(|p| p.starts_with(expected)), "{block}: {problems:?}");
    }
    assert!(demo_problems("[ensemble]").is_empty(), "an empty [ensemble] is the defaults");
}

// Goal: what depends on the rest of the scenario is refused when the ensemble runs, with the
// key path: the default depth needs an atlas storm; AMC needs SCS-CN. Setup: the linear pond
// (fixed-depth storm) without `depth`; the demo with the rational method. Reference: the error
// names ensemble.depth / ensemble.amc. Tolerance: none.
#[test]
fn run_time_checks_name_the_ensemble_key() {
    let s = parse(&linear_pond("seed = 1", ""));
    let settings = EnsembleSettings { members: 10, seed: 1, threads: 1, shard: None };
    let err = run_ensemble(&s, &settings).unwrap_err().to_string();
    assert!(err.starts_with("ensemble.depth"), "{err}");
    let rational = demo_text().replace(
        r#"runoff = { method = "scs_cn", curve_number = 80, amc = "II" }"#,
        r#"runoff = { method = "rational", mu_mm_h = 5.0, m = 1.0 }"#,
    );
    let err = run_ensemble(&parse(&rational), &settings).unwrap_err().to_string();
    assert!(err.starts_with("ensemble.amc"), "{err}");
}

fn tailtwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tailtwin"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the tailtwin binary runs")
}

fn json(o: &Output) -> Value {
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not one JSON value ({e}):\n{text}"))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

// Goal: the CLI contract: `ensemble --json` keys, `--out` files, shards through `merge` equal
// the single run, bad shard and bad file exit 2. Setup: the demo, 60 members, seed 4, shards
// 0/2 and 1/2. Reference: the single run's JSON. Tolerance: exact on every probability.
#[test]
fn ensemble_and_merge_cli_write_the_same_summary() {
    let demo = root().join("scenarios/demo/valley-pond.toml");
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("single");
    let o = tailtwin(&[
        "ensemble",
        p(&demo),
        "--members",
        "60",
        "--seed",
        "4",
        "--threads",
        "2",
        "--json",
        "--out",
        p(&single),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    for key in [
        "members",
        "p_overtopping_annual",
        "p_overtopping_ci95",
        "p_freeboard_below_min",
        "p_beach_below_min",
        "members_per_s",
        "threads",
        "summary",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    assert_eq!(v["members"], 60);
    assert_eq!(v["threads"], 2);
    assert!(single.join("summary.json").exists());
    let csv = std::fs::read_to_string(single.join("members.csv")).unwrap();
    assert_eq!(csv.lines().count(), 61, "header + one line per member");
    assert!(csv.lines().next().unwrap().contains("condition_tower-1"));

    let parts = dir.path().join("parts");
    for shard in ["0/2", "1/2"] {
        let o = tailtwin(&[
            "ensemble",
            p(&demo),
            "--members",
            "60",
            "--seed",
            "4",
            "--shard",
            shard,
            "--quiet",
            "--out",
            p(&parts),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let merged_dir = dir.path().join("merged");
    let o = tailtwin(&[
        "merge",
        p(&parts.join("ensemble_part_1_of_2.json")),
        p(&parts.join("ensemble_part_0_of_2.json")),
        "--json",
        "--out",
        p(&merged_dir),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let m = json(&o);
    for key in ["p_overtopping_annual", "p_freeboard_below_min", "p_beach_below_min", "members"] {
        assert_eq!(m[key], v[key], "{key}");
    }
    assert_eq!(m["summary"]["curves"], v["summary"]["curves"]);
    assert_eq!(m["summary"]["return_levels"], v["summary"]["return_levels"]);
    assert_eq!(
        std::fs::read_to_string(merged_dir.join("members.csv")).unwrap(),
        csv,
        "the merged member table is the single run's"
    );

    let bad =
        tailtwin(&["ensemble", p(&demo), "--members", "10", "--shard", "2/2", "--out", p(&parts)]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = tailtwin(&["merge", p(&demo)]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an ensemble partial file"));
}

// Goal: members routed on the structures' stage grids (the ensemble's fast path) agree with
// members routed on the structures' formulas within the bound the grids guarantee. Setup: the
// demo's ensemble at routing rtol 1e-10 (so that the integrator's own error is negligible),
// 300 members, seed 5 (every input varied; some members block the tower or the spillway,
// whose grids are then scaled). Reference: the same members with
// `Prepared::with_exact_outlets`. Tolerance: outflow rises with storage, so the routing is
// contractive and a flow error below ε moves the storage by at most ε·T over the T = 72 h run,
// ε·T/A_min in stage; ε = Σ over the structures of 2·max_error_m3s (the grid's bound), A_min the
// pond's area at the grids' floor (2 m below the lowest start level, 367.5 m). Each run's own
// integration error at rtol 1e-10 adds at most 10·rtol·S_max/A_min (contractive: a small
// multiple of the per-step tolerance, as in the routing tests).
#[test]
fn tabulated_outlets_match_the_formulas() {
    use tailtwin::pipeline::ensemble::Prepared;
    let s = parse(&demo_text().replace("[routing]\n", "[routing]\nrtol = 1e-10\n"));
    let fast = Prepared::new(&s).unwrap();
    let grid_error = fast.outlet_grid_error_m3s().expect("the demo's structures are gridded");
    let exact = Prepared::new(&s).unwrap().with_exact_outlets();
    assert!(exact.outlet_grid_error_m3s().is_none());
    let pond = tailtwin::scenario::build::pond(&s).unwrap();
    let structures = tailtwin::pipeline::Model::new(&s).unwrap().structures.len() as f64;
    let a_min = pond.storage().area_at(tailtwin::core::Elevation(367.5 - 2.0));
    let s_max = pond.storage().volume_at(pond.dam().crest);
    let eps = structures * 2.0 * grid_error;
    let bound = eps * 72.0 * 3600.0 / a_min + 2.0 * 10.0 * 1e-10 * s_max / a_min;
    assert!(bound < 1e-4, "a bound worth checking: {bound} m");
    let (mut blocked, mut worst) = (0, 0.0f64);
    for i in 0..300 {
        let (a, b) = (fast.member(5, i), exact.member(5, i));
        let (oa, ob) = (a.outcome.unwrap(), b.outcome.unwrap());
        let d = (oa.peak_stage_m - ob.peak_stage_m).abs();
        worst = worst.max(d);
        assert!(d <= bound, "member {i}: {} vs {} m", oa.peak_stage_m, ob.peak_stage_m);
        assert!((oa.min_freeboard_m - ob.min_freeboard_m).abs() <= d + 1e-12, "member {i}");
        assert_eq!(oa.overtopped, ob.overtopped, "member {i}");
        blocked += usize::from(a.conditions.iter().any(|&c| c < 1.0));
    }
    assert!(blocked >= 10, "blocked members exercised: {blocked}");
    eprintln!("grid error {grid_error:.2e} m³/s: bound {bound:.2e} m, worst {worst:.2e} m");
}
