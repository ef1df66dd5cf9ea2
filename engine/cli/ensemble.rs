//! `tailtwin ensemble FILE --members N --seed S [--threads T] [--shard i/N] [--json] [--out DIR]`
//! and `tailtwin merge PARTS… [--out DIR] [--json]`.
//!
//! A shard (`--shard i/N`, i = 0 … N−1, as an array job's task id with `--array=0-(N−1)`) runs
//! its contiguous block of member indices and writes `ensemble_part_i_of_N.json` into `--out`;
//! `merge` checks the parts (same scenario, seed, members and N; no gap, no overlap) and writes
//! what the single run would have.

use crate::common::{Args, BadInput, Status, input, print_json};
use anyhow::Context;
use serde_json::json;
use std::path::{Path, PathBuf};
use tailtwin::core::assessment::{EnsembleSummary, Probability};
use tailtwin::pipeline::ensemble::shard::{PartialEnsemble, merge, partial};
use tailtwin::pipeline::ensemble::{EnsembleRun, EnsembleSettings, run_ensemble};

/// `tailtwin ensemble` arguments.
#[derive(Debug, clap::Args)]
pub struct EnsembleArgs {
    #[command(flatten)]
    pub common: Args,
    /// Members (years) of the whole ensemble (default: `[ensemble] members`, else 1000).
    #[arg(long, value_name = "N")]
    pub members: Option<u64>,
    /// Seed (default: `[ensemble] seed`, else 0). Member i draws from (seed, i) only.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Run shard i of N (0-based) and write a partial file into --out (see `tailtwin merge`).
    #[arg(long, value_name = "i/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
}

/// `tailtwin merge` arguments.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Partial files written by `tailtwin ensemble --shard i/N`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output folder for summary.json and members.csv.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// No log lines on stderr.
    #[arg(long)]
    pub quiet: bool,
}

fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let (i, n) = text.split_once('/').ok_or_else(|| format!("`{text}`: expected i/N, e.g. 0/4"))?;
    let i: u32 = i.trim().parse().map_err(|_| format!("`{text}`: i is not a whole number"))?;
    let n: u32 = n.trim().parse().map_err(|_| format!("`{text}`: N is not a whole number"))?;
    if n == 0 || i >= n {
        return Err(format!("`{text}`: needs 0 ≤ i < N (shards are numbered from 0)"));
    }
    Ok((i, n))
}

/// Runs the ensemble (or one shard of it).
pub fn run(a: &EnsembleArgs) -> anyhow::Result<Status> {
    let args = &a.common;
    let scenario = crate::common::load(&args.scenario)?;
    let defaults = EnsembleSettings::for_scenario(&scenario);
    let settings = EnsembleSettings {
        members: a.members.unwrap_or(defaults.members),
        seed: a.seed.unwrap_or(defaults.seed),
        threads: args.threads(),
        shard: a.shard,
    };
    if settings.members == 0 {
        return Err(BadInput("--members: must be at least 1".into()).into());
    }
    if settings.shard.is_some() && args.out.is_none() {
        return Err(BadInput("--shard writes a partial file: give --out DIR".into()).into());
    }
    args.log(format!(
        "ensemble of {} members, seed {}, {} thread(s){}",
        settings.members,
        settings.seed,
        settings.threads,
        settings.shard.map_or(String::new(), |(i, n)| format!(", shard {i}/{n}"))
    ));
    let run = run_ensemble(&scenario, &settings).map_err(input)?;
    if let (Some(dir), Some((i, n))) = (&args.out, settings.shard) {
        let part = partial(&scenario, &settings, &run);
        let path = dir.join(format!("ensemble_part_{i}_of_{n}.json"));
        write(&path, &serde_json::to_vec(&part).context("serialising the partial file")?)?;
        args.log(format!("wrote {}", path.display()));
        if args.json {
            let mut v = key_numbers(&scenario.meta.name, &run.summary);
            v["shard"] = json!(format!("{i}/{n}"));
            v["partial"] = json!(path);
            print_json(&v)?;
        } else {
            print!("{}", render(&scenario.meta.name, &run.summary));
        }
        return Ok(Status::Ok);
    }
    finish(&scenario.meta.name, &run, args.out.as_deref(), args.json, |m| args.log(m))
}

/// Merges shard partials.
pub fn run_merge(a: &MergeArgs) -> anyhow::Result<Status> {
    let mut parts: Vec<PartialEnsemble> = Vec::new();
    for p in &a.parts {
        let bytes = std::fs::read(p)
            .map_err(|e| BadInput(format!("cannot read partial file {}: {e}", p.display())))?;
        let part = serde_json::from_slice(&bytes)
            .map_err(|e| BadInput(format!("{}: not an ensemble partial file: {e}", p.display())))?;
        parts.push(part);
    }
    let run = merge(&parts).map_err(input)?;
    let name = parts[0].scenario_name.clone();
    finish(&name, &run, a.out.as_deref(), a.json, |m| {
        if !a.quiet {
            eprintln!("{m}");
        }
    })
}

fn finish(
    name: &str,
    run: &EnsembleRun,
    out: Option<&Path>,
    json: bool,
    log: impl Fn(String),
) -> anyhow::Result<Status> {
    if let Some(dir) = out {
        let summary = dir.join("summary.json");
        write(&summary, &serde_json::to_vec_pretty(&run.summary).context("serialising")?)?;
        log(format!("wrote {}", summary.display()));
        let csv = dir.join("members.csv");
        write(&csv, run.members.to_csv().as_bytes())?;
        log(format!("wrote {}", csv.display()));
    }
    if json {
        print_json(&key_numbers(name, &run.summary))?;
    } else {
        print!("{}", render(name, &run.summary));
    }
    Ok(Status::Ok)
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    tailtwin::results::write_bytes_atomically(path, bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// The JSON of the command: the key numbers first, then the whole summary.
fn key_numbers(name: &str, s: &EnsembleSummary) -> serde_json::Value {
    json!({
        "scenario": name,
        "members": s.members,
        "failed_members": s.failed_members,
        "seed": s.seed,
        "p_overtopping_annual": s.p_overtopping.estimate,
        "p_overtopping_ci95": s.p_overtopping.ci95,
        "p_freeboard_below_min": s.p_freeboard_below_min.estimate,
        "p_freeboard_below_min_ci95": s.p_freeboard_below_min.ci95,
        "p_beach_below_min": s.p_beach_below_min.estimate,
        "p_beach_below_min_ci95": s.p_beach_below_min.ci95,
        "p_dambreak": s.p_dambreak.map(|p| p.estimate),
        "members_per_s": s.members_per_s,
        "elapsed_s": s.elapsed_s,
        "threads": s.threads,
        "summary": s,
    })
}

fn prob(p: &Probability) -> String {
    if p.members == 0 {
        return "— (no limit)".into();
    }
    format!(
        "{:.3e}  (95 % CI {:.3e} – {:.3e}; {} of {})",
        p.estimate, p.ci95[0], p.ci95[1], p.hits, p.members
    )
}

fn render(name: &str, s: &EnsembleSummary) -> String {
    let mut o = format!(
        "{name}: {} members ({} failed), seed {}, {} thread(s), {:.1} s, {:.0} members/s\n",
        s.members, s.failed_members, s.seed, s.threads, s.elapsed_s, s.members_per_s
    );
    o.push_str(&format!("漫顶年概率 / P(overtopping) per year      {}\n", prob(&s.p_overtopping)));
    o.push_str(&format!(
        "安全超高不足 / P(freeboard < {:.2} m)       {}\n",
        s.min_freeboard_required_m,
        prob(&s.p_freeboard_below_min)
    ));
    o.push_str(&format!(
        "干滩长度不足 / P(beach < {})          {}\n",
        s.min_beach_required_m.map_or("—".into(), |b| format!("{b:.0} m")),
        prob(&s.p_beach_below_min)
    ));
    if let Some(p) = &s.p_dambreak {
        o.push_str(&format!("溃坝触发 / P(dam-break trigger)          {}\n", prob(p)));
    }
    if let Some(t) = &s.dambreak_trigger {
        o.push_str(&format!("dam-break trigger: {t}\n"));
    }
    o.push_str("\nT (years)   peak level m   min freeboard m\n");
    for r in &s.return_levels {
        o.push_str(&format!(
            "{:>9}   {:>12.3}   {:>15.3}\n",
            r.return_period_years, r.peak_stage_m, r.min_freeboard_m
        ));
    }
    o.push_str("\nconvergence of P(overtopping): members, estimate, SE\n");
    for c in &s.convergence {
        o.push_str(&format!("{:>9}   {:.4e}   {:.2e}\n", c.members, c.estimate, c.standard_error));
    }
    o.push_str("\nsampled inputs:\n");
    for i in &s.inputs {
        o.push_str(&format!("  {}: {}\n", i.name, i.distribution));
    }
    o
}
