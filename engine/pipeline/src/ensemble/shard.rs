//! Shards: `--shard i/N` runs the contiguous member block i of N and writes a partial file (the
//! member table, the settings, the statistics context and a hash of the scenario);
//! [`merge`] checks that the partials come from the same scenario, seed, member count and N,
//! with every block present once and each holding exactly its indices, and summarises the
//! concatenated table — the single run's summary bit for bit (timing fields aside).

use super::{EnsembleContext, EnsembleRun, EnsembleSettings, MemberTable, summarise};
use crate::PipelineError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tailtwin_scenario::Scenario;

/// Format tag of a partial file.
pub const PARTIAL_FORMAT: &str = "tailtwin-ensemble-partial/1";

/// One shard's members with what is needed to merge them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialEnsemble {
    pub format: String,
    pub scenario_name: String,
    /// SHA-256 of the scenario text and of its validated flood description (CSV curves
    /// included), hex.
    pub scenario_hash: String,
    pub settings: EnsembleSettings,
    pub context: EnsembleContext,
    pub elapsed_s: f64,
    pub members: MemberTable,
}

/// SHA-256 (hex) of what the members depend on: the scenario text and its validated pond,
/// catchment, storm, inflow, structures, routing, limits, ensemble and dam-break trigger.
pub fn scenario_hash(s: &Scenario) -> String {
    let mut h = Sha256::new();
    h.update(s.source_toml.as_bytes());
    h.update(
        format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
            s.meta.name,
            s.pond,
            s.catchment,
            s.storm,
            s.inflow,
            s.structures,
            s.routing,
            s.limits,
            s.ensemble,
            s.dambreak.as_ref().map(|d| d.trigger)
        )
        .as_bytes(),
    );
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The context the statistics used, recovered from a run's summary.
pub fn context_of(run: &EnsembleRun) -> EnsembleContext {
    let s = &run.summary;
    EnsembleContext {
        min_freeboard_required_m: s.min_freeboard_required_m,
        min_beach_required_m: s.min_beach_required_m,
        dambreak_trigger: s.dambreak_trigger.clone(),
        dambreak_probabilistic: s.p_dambreak.is_some(),
        inputs: s.inputs.clone(),
    }
}

/// The partial file content of a shard run.
pub fn partial(s: &Scenario, settings: &EnsembleSettings, run: &EnsembleRun) -> PartialEnsemble {
    PartialEnsemble {
        format: PARTIAL_FORMAT.into(),
        scenario_name: s.meta.name.clone(),
        scenario_hash: scenario_hash(s),
        settings: *settings,
        context: context_of(run),
        elapsed_s: run.summary.elapsed_s,
        members: run.members.clone(),
    }
}

fn bad(msg: String) -> PipelineError {
    PipelineError::Unsupported(format!("merge: {msg}"))
}

/// Merges shard partials (any order) into the whole ensemble.
pub fn merge(parts: &[PartialEnsemble]) -> Result<EnsembleRun, PipelineError> {
    let Some(first) = parts.first() else {
        return Err(bad("no partial files given".into()));
    };
    let Some((_, n)) = first.settings.shard else {
        return Err(bad("the first file is not a shard (it has no --shard i/N)".into()));
    };
    let mut slots: Vec<Option<&PartialEnsemble>> = vec![None; n as usize];
    for (k, p) in parts.iter().enumerate() {
        if p.format != PARTIAL_FORMAT {
            return Err(bad(format!(
                "part {k}: format `{}`, expected `{PARTIAL_FORMAT}`",
                p.format
            )));
        }
        if p.scenario_hash != first.scenario_hash {
            return Err(bad(format!(
                "part {k} comes from another scenario (`{}`, hash {}…) than part 0 (`{}`, {}…)",
                p.scenario_name,
                &p.scenario_hash[..12.min(p.scenario_hash.len())],
                first.scenario_name,
                &first.scenario_hash[..12.min(first.scenario_hash.len())]
            )));
        }
        if p.settings.seed != first.settings.seed || p.settings.members != first.settings.members {
            return Err(bad(format!(
                "part {k} has seed {} and {} members, part 0 seed {} and {} members",
                p.settings.seed, p.settings.members, first.settings.seed, first.settings.members
            )));
        }
        if p.context != first.context {
            return Err(bad(format!("part {k} was summarised against other limits or inputs")));
        }
        let Some((i, nn)) = p.settings.shard else {
            return Err(bad(format!("part {k} is not a shard")));
        };
        if nn != n || i >= n {
            return Err(bad(format!("part {k} is shard {i}/{nn}, the others are of {n}")));
        }
        if slots[i as usize].is_some() {
            return Err(bad(format!("shard {i}/{n} is given twice (overlap)")));
        }
        let expected = p.settings.index_range()?;
        let got: Vec<u64> = p.members.rows.iter().map(|r| r.index).collect();
        if got.len() as u64 != expected.end - expected.start
            || got.iter().zip(expected.clone()).any(|(&a, b)| a != b)
        {
            return Err(bad(format!(
                "shard {i}/{n} should hold members {}..{} in order but holds {} rows",
                expected.start,
                expected.end,
                got.len()
            )));
        }
        if p.members.blocked_structures != first.members.blocked_structures {
            return Err(bad(format!("part {k} lists other blocked structures")));
        }
        slots[i as usize] = Some(p);
    }
    let missing: Vec<String> = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!("missing shard(s) {} (a gap in the members)", missing.join(", "))));
    }
    let mut rows = Vec::with_capacity(first.settings.members as usize);
    let mut elapsed = 0.0;
    for p in slots.into_iter().flatten() {
        rows.extend(p.members.rows.iter().cloned());
        elapsed += p.elapsed_s;
    }
    let members =
        MemberTable { blocked_structures: first.members.blocked_structures.clone(), rows };
    let settings = EnsembleSettings { shard: None, ..first.settings };
    let summary = summarise(&members, &first.context, &settings, n, elapsed)?;
    Ok(EnsembleRun { summary, members })
}
