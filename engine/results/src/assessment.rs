//! The risk assessment's products in `results.h5`: `/risk/ensemble`, `/risk/reliability` and
//! `/risk/status` (issue 6). Written when the Report has them (`tailtwin assess`, `portfolio`),
//! read back into the same Report fields, exactly. The layout is documented in the crate docs
//! (lib.rs); keep them in step.
//!
//! Lists are subgroups `name_00`, `name_01`, … in the given order; a [`Probability`] is a
//! subgroup with `estimate`, `standard_error`, `ci95` (2), `hits`, `members`; serde-named enums
//! are stored as their JSON names (`upper`, `normal`, `yellow`, …).

use crate::codes::serde_name;
use crate::error::ResultsError;
use crate::geotech::item_name;
use crate::h5io::{H5Reader, H5Writer, UNITS_ONE};
use hdf5::Group;
use tailtwin_core::assessment::{
    ConvergencePoint, Driver, EnsembleSummary, ExceedanceCurve, ExceedancePoint, HazardItem,
    ItemWarning, LegacyClassification, Probability, ReliabilityRow, ReturnLevel, RiskScore,
    SafetyStatus, SampledInput,
};
use tailtwin_core::{AlarmLevel, Report};

/// Writes the assessment groups of `report` under `/risk` (each only when present).
pub(crate) fn write_assessment(
    w: &H5Writer,
    risk: &Group,
    report: &Report,
) -> Result<(), ResultsError> {
    if let Some(e) = &report.ensemble {
        write_ensemble(w, &w.group(risk, "ensemble")?, e)?;
    }
    if !report.reliability.is_empty() {
        let g = w.group(risk, "reliability")?;
        w.attr_u64(&g, "rows", report.reliability.len() as u64)?;
        for (k, row) in report.reliability.iter().enumerate() {
            write_reliability_row(w, &w.group(&g, &item_name("row", k))?, row)?;
        }
    }
    if let Some(s) = &report.status {
        write_status(w, &w.group(risk, "status")?, s)?;
    }
    Ok(())
}

/// Reads the assessment groups under `/risk` into `report`.
pub(crate) fn read_assessment(
    r: &H5Reader,
    risk: &Group,
    report: &mut Report,
) -> Result<(), ResultsError> {
    if r.has(risk, "ensemble") {
        report.ensemble = Some(read_ensemble(r, &r.group(risk, "ensemble")?)?);
    }
    if r.has(risk, "reliability") {
        let g = r.group(risk, "reliability")?;
        let n = r.attr_u64(&g, "rows")? as usize;
        report.reliability = (0..n)
            .map(|k| read_reliability_row(r, &r.group(&g, &item_name("row", k))?))
            .collect::<Result<_, _>>()?;
    }
    if r.has(risk, "status") {
        report.status = Some(read_status(r, &r.group(risk, "status")?)?);
    }
    Ok(())
}

fn write_probability(
    w: &H5Writer,
    parent: &Group,
    name: &str,
    p: &Probability,
    what: &str,
) -> Result<(), ResultsError> {
    let g = w.group(parent, name)?;
    // No members (e.g. no beach to count against): estimate and error are NaN by definition,
    // stored as the documented missing value.
    let (est, se) =
        if p.members == 0 { (None, None) } else { (Some(p.estimate), Some(p.standard_error)) };
    let d = format!("{what}: hits / members (NaN when members = 0)");
    w.optional_f64s(&g, "estimate", &[est], UNITS_ONE, &d)?;
    w.optional_f64s(&g, "standard_error", &[se], UNITS_ONE, "binomial standard error")?;
    w.f64s(&g, "ci95", &p.ci95, UNITS_ONE, "Wilson 95 % interval [low, high]")?;
    w.u64_scalar(&g, "hits", p.hits, UNITS_ONE, "members (samples) where the event happened")?;
    w.u64_scalar(&g, "members", p.members, UNITS_ONE, "members (samples) counted")?;
    Ok(())
}

fn read_probability(r: &H5Reader, parent: &Group, name: &str) -> Result<Probability, ResultsError> {
    let g = r.group(parent, name)?;
    let ci = r.f64s_len(&g, "ci95", 2)?;
    let one = |name: &str| -> Result<f64, ResultsError> {
        Ok(r.optional_f64s(&g, name, 1)?[0].unwrap_or(f64::NAN))
    };
    Ok(Probability {
        estimate: one("estimate")?,
        standard_error: one("standard_error")?,
        ci95: [ci[0], ci[1]],
        hits: r.u64_scalar(&g, "hits")?,
        members: r.u64_scalar(&g, "members")?,
    })
}

fn write_inputs(w: &H5Writer, g: &Group, inputs: &[SampledInput]) -> Result<(), ResultsError> {
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let dists: Vec<&str> = inputs.iter().map(|i| i.distribution.as_str()).collect();
    w.texts(g, "input_names", &names, "uncertain inputs sampled")?;
    w.texts(g, "input_distributions", &dists, "distribution of each input, in words")?;
    Ok(())
}

fn read_inputs(r: &H5Reader, g: &Group) -> Result<Vec<SampledInput>, ResultsError> {
    let names = r.texts(g, "input_names")?;
    let dists = r.texts_len(g, "input_distributions", names.len())?;
    Ok(names
        .into_iter()
        .zip(dists)
        .map(|(name, distribution)| SampledInput { name, distribution })
        .collect())
}

fn write_ensemble(w: &H5Writer, g: &Group, e: &EnsembleSummary) -> Result<(), ResultsError> {
    let counts: [(&str, u64, &str); 5] = [
        ("members", e.members, "ensemble members that ran (one annual-maximum storm each)"),
        ("seed", e.seed, "seed of the random streams"),
        ("threads", e.threads as u64, "worker threads used"),
        ("shards", u64::from(e.shards), "shards merged into this summary"),
        ("failed_members", e.failed_members, "members whose run failed (not in members)"),
    ];
    for (name, v, d) in counts {
        w.u64_scalar(g, name, v, UNITS_ONE, d)?;
    }
    write_probability(w, g, "p_overtopping", &e.p_overtopping, "annual overtopping probability")?;
    write_probability(
        w,
        g,
        "p_freeboard_below_min",
        &e.p_freeboard_below_min,
        "annual probability of freeboard below the minimum",
    )?;
    write_probability(
        w,
        g,
        "p_beach_below_min",
        &e.p_beach_below_min,
        "annual probability of dry-beach length below the minimum",
    )?;
    if let Some(p) = &e.p_dambreak {
        write_probability(w, g, "p_dambreak", p, "annual probability of the dam-break trigger")?;
    }
    if let Some(t) = &e.dambreak_trigger {
        w.text(g, "dambreak_trigger", t, "the dam-break trigger counted")?;
    }
    w.f64_scalar(
        g,
        "min_freeboard_required",
        e.min_freeboard_required_m,
        "m",
        "freeboard minimum",
    )?;
    w.optional_f64_scalar(g, "min_beach_required", e.min_beach_required_m, "m", "beach minimum")?;
    w.f64_scalar(g, "elapsed", e.elapsed_s, "s", "wall-clock time of the ensemble")?;
    w.f64_scalar(g, "members_per_s", e.members_per_s, "1/s", "members per second")?;
    write_inputs(w, g, &e.inputs)?;

    let rl = w.group(g, "return_levels")?;
    let col = |f: fn(&ReturnLevel) -> f64| e.return_levels.iter().map(f).collect::<Vec<f64>>();
    w.f64s(&rl, "return_period", &col(|x| x.return_period_years), "years", "return period T")?;
    w.f64s(&rl, "peak_stage", &col(|x| x.peak_stage_m), "m", "T-year peak pond level")?;
    w.f64s(&rl, "min_freeboard", &col(|x| x.min_freeboard_m), "m", "T-year minimum freeboard")?;

    let cv = w.group(g, "convergence")?;
    let m: Vec<u64> = e.convergence.iter().map(|c| c.members).collect();
    w.u64s(&cv, "members", &m, "members so far")?;
    let est: Vec<f64> = e.convergence.iter().map(|c| c.estimate).collect();
    let se: Vec<f64> = e.convergence.iter().map(|c| c.standard_error).collect();
    w.f64s(&cv, "estimate", &est, UNITS_ONE, "running overtopping probability")?;
    w.f64s(&cv, "standard_error", &se, UNITS_ONE, "its binomial standard error")?;

    let cg = w.group(g, "curves")?;
    w.attr_u64(&cg, "curves", e.curves.len() as u64)?;
    for (k, c) in e.curves.iter().enumerate() {
        write_curve(w, &w.group(&cg, &item_name("curve", k))?, c)?;
    }
    Ok(())
}

fn write_curve(w: &H5Writer, g: &Group, c: &ExceedanceCurve) -> Result<(), ResultsError> {
    w.text(g, "quantity", &c.quantity, "output key")?;
    w.text(g, "label_zh", &c.label_zh, "label (中文)")?;
    w.text(g, "label_en", &c.label_en, "label (English)")?;
    w.text(g, "units", &c.units, "units of value")?;
    w.text(g, "tail", &serde_name(&c.tail), "upper: P(X ≥ x); lower: P(X ≤ x)")?;
    let v: Vec<f64> = c.points.iter().map(|p| p.value).collect();
    let p: Vec<f64> = c.points.iter().map(|p| p.probability).collect();
    // ∞ (probability 0) is stored as the missing value: the file holds no infinities.
    let t: Vec<Option<f64>> = c
        .points
        .iter()
        .map(|p| p.return_period_years.is_finite().then_some(p.return_period_years))
        .collect();
    w.f64s(g, "value", &v, &c.units, "value of the quantity (ascending)")?;
    w.f64s(g, "probability", &p, UNITS_ONE, "annual probability of the tail event")?;
    w.optional_f64s(g, "return_period", &t, "years", "1/probability; NaN = infinite")?;
    Ok(())
}

fn read_curve(r: &H5Reader, g: &Group) -> Result<ExceedanceCurve, ResultsError> {
    let object = format!("{}/tail", g.name());
    let v = r.f64s(g, "value")?;
    let p = r.f64s_len(g, "probability", v.len())?;
    let t = r.optional_f64s(g, "return_period", v.len())?;
    Ok(ExceedanceCurve {
        quantity: r.text(g, "quantity")?,
        label_zh: r.text(g, "label_zh")?,
        label_en: r.text(g, "label_en")?,
        units: r.text(g, "units")?,
        tail: r.parse(&object, &r.text(g, "tail")?)?,
        points: v
            .into_iter()
            .zip(p)
            .zip(t)
            .map(|((value, probability), t)| ExceedancePoint {
                value,
                probability,
                return_period_years: t.unwrap_or(f64::INFINITY),
            })
            .collect(),
    })
}

fn read_ensemble(r: &H5Reader, g: &Group) -> Result<EnsembleSummary, ResultsError> {
    let rl = r.group(g, "return_levels")?;
    let t = r.f64s(&rl, "return_period")?;
    let s = r.f64s_len(&rl, "peak_stage", t.len())?;
    let f = r.f64s_len(&rl, "min_freeboard", t.len())?;
    let cv = r.group(g, "convergence")?;
    let est = r.f64s(&cv, "estimate")?;
    let m = r.u64s_len(&cv, "members", est.len())?;
    let se = r.f64s_len(&cv, "standard_error", est.len())?;
    let cg = r.group(g, "curves")?;
    let n = r.attr_u64(&cg, "curves")? as usize;
    let curves = (0..n)
        .map(|k| read_curve(r, &r.group(&cg, &item_name("curve", k))?))
        .collect::<Result<_, _>>()?;
    let shards = r.u64_scalar(g, "shards")?;
    Ok(EnsembleSummary {
        members: r.u64_scalar(g, "members")?,
        seed: r.u64_scalar(g, "seed")?,
        threads: r.u64_scalar(g, "threads")? as usize,
        shards: u32::try_from(shards)
            .map_err(|_| r.malformed(format!("{}/shards", g.name()), "more than 2³² shards"))?,
        failed_members: r.u64_scalar(g, "failed_members")?,
        p_overtopping: read_probability(r, g, "p_overtopping")?,
        p_freeboard_below_min: read_probability(r, g, "p_freeboard_below_min")?,
        p_beach_below_min: read_probability(r, g, "p_beach_below_min")?,
        min_freeboard_required_m: r.f64_scalar(g, "min_freeboard_required")?,
        min_beach_required_m: r.optional_f64_scalar(g, "min_beach_required")?,
        p_dambreak: if r.has(g, "p_dambreak") {
            Some(read_probability(r, g, "p_dambreak")?)
        } else {
            None
        },
        dambreak_trigger: if r.has(g, "dambreak_trigger") {
            Some(r.text(g, "dambreak_trigger")?)
        } else {
            None
        },
        curves,
        return_levels: (0..t.len())
            .map(|k| ReturnLevel {
                return_period_years: t[k],
                peak_stage_m: s[k],
                min_freeboard_m: f[k],
            })
            .collect(),
        convergence: (0..est.len())
            .map(|k| ConvergencePoint { members: m[k], estimate: est[k], standard_error: se[k] })
            .collect(),
        inputs: read_inputs(r, g)?,
        elapsed_s: r.f64_scalar(g, "elapsed")?,
        members_per_s: r.f64_scalar(g, "members_per_s")?,
    })
}

fn write_reliability_row(
    w: &H5Writer,
    g: &Group,
    row: &ReliabilityRow,
) -> Result<(), ResultsError> {
    w.text(g, "section", &row.section, "dam section")?;
    w.text(g, "load_case", &serde_name(&row.load_case), "load case (normal, flood, special)")?;
    w.text(g, "method", &row.method, "limit-equilibrium method")?;
    let scalars: [(&str, f64, &str); 8] = [
        ("fos_deterministic", row.fos_deterministic, "factor of safety at the mean inputs"),
        ("fos_mean_fosm", row.fos_mean_fosm, "FOSM mean factor of safety"),
        ("fos_sd_fosm", row.fos_sd_fosm, "FOSM standard deviation of the factor of safety"),
        ("beta_fosm", row.beta_fosm, "FOSM reliability index (μ − 1)/σ"),
        ("p_failure_fosm", row.p_failure_fosm, "FOSM P(FoS < 1) = Φ(−β)"),
        ("fos_mean_mc", row.fos_mean_mc, "Monte-Carlo sample mean of the factor of safety"),
        ("fos_sd_mc", row.fos_sd_mc, "Monte-Carlo sample standard deviation"),
        ("beta_mc", row.beta_mc, "Monte-Carlo reliability index"),
    ];
    for (name, v, d) in scalars {
        w.f64_scalar(g, name, v, UNITS_ONE, d)?;
    }
    write_probability(w, g, "p_failure_mc", &row.p_failure_mc, "Monte-Carlo P(FoS < 1)")?;
    w.u64_scalar(g, "failed_samples", row.failed_samples, UNITS_ONE, "samples with no FoS")?;
    w.u64_scalar(g, "surfaces", row.surfaces as u64, UNITS_ONE, "slip surfaces per sample")?;
    write_inputs(w, g, &row.inputs)
}

fn read_reliability_row(r: &H5Reader, g: &Group) -> Result<ReliabilityRow, ResultsError> {
    let object = format!("{}/load_case", g.name());
    Ok(ReliabilityRow {
        section: r.text(g, "section")?,
        load_case: r.parse(&object, &r.text(g, "load_case")?)?,
        method: r.text(g, "method")?,
        fos_deterministic: r.f64_scalar(g, "fos_deterministic")?,
        fos_mean_fosm: r.f64_scalar(g, "fos_mean_fosm")?,
        fos_sd_fosm: r.f64_scalar(g, "fos_sd_fosm")?,
        beta_fosm: r.f64_scalar(g, "beta_fosm")?,
        p_failure_fosm: r.f64_scalar(g, "p_failure_fosm")?,
        fos_mean_mc: r.f64_scalar(g, "fos_mean_mc")?,
        fos_sd_mc: r.f64_scalar(g, "fos_sd_mc")?,
        beta_mc: r.f64_scalar(g, "beta_mc")?,
        p_failure_mc: read_probability(r, g, "p_failure_mc")?,
        inputs: read_inputs(r, g)?,
        failed_samples: r.u64_scalar(g, "failed_samples")?,
        surfaces: r.u64_scalar(g, "surfaces")? as usize,
    })
}

/// Legend of the `present` codes of the hazard items.
const PRESENT_LEGEND: &str = "0=absent; 1=present; 2=not assessed";

fn write_status(w: &H5Writer, g: &Group, s: &SafetyStatus) -> Result<(), ResultsError> {
    w.flag(g, "major_hazard", s.major_hazard, "any 重大事故隐患 item present")?;
    w.text(g, "pond_warning", s.pond_warning.as_str(), "GB 39496 roll-up of the item levels")?;

    let h = w.group(g, "hazards")?;
    let n: Vec<u64> = s.hazards.iter().map(|x| u64::from(x.number)).collect();
    w.u64s(&h, "number", &n, "item number 1–12 (standards.md §7)")?;
    let text = |f: fn(&HazardItem) -> String| s.hazards.iter().map(f).collect::<Vec<String>>();
    w.texts(&h, "text_zh", &text(|x| x.text_zh.clone()), "item (中文)")?;
    w.texts(&h, "text_en", &text(|x| x.text_en.clone()), "item (English)")?;
    w.texts(&h, "basis", &text(|x| serde_name(&x.basis)), "simulation, inspection, not_assessed")?;
    w.texts(&h, "evidence", &text(|x| x.evidence.clone()), "why: check values or inspection note")?;
    let present: Vec<u8> = s.hazards.iter().map(|x| x.present.map_or(2, u8::from)).collect();
    w.codes(&h, "present", &present, "whether the item is present", PRESENT_LEGEND)?;

    let l = w.group(g, "legacy")?;
    w.text(&l, "class", &serde_name(&s.legacy.class), "AQ 2006-2005 class (superseded)")?;
    w.texts(&l, "reasons", &s.legacy.reasons, "criteria behind the class")?;
    w.text(&l, "note", &s.legacy.note, "standing of the legacy class")?;

    let wg = w.group(g, "warnings")?;
    w.attr_u64(&wg, "items", s.warnings.len() as u64)?;
    for (k, it) in s.warnings.iter().enumerate() {
        let ig = w.group(&wg, &item_name("item", k))?;
        w.text(&ig, "item", &it.item, "item key")?;
        w.text(&ig, "label_zh", &it.label_zh, "label (中文)")?;
        w.text(&ig, "label_en", &it.label_en, "label (English)")?;
        w.text(&ig, "level", it.level.as_str(), "warning level (none, blue … red)")?;
        w.f64_scalar(&ig, "value", it.value, &it.units, "the value judged")?;
        w.text(&ig, "units", &it.units, "units of value and thresholds")?;
        let lv: Vec<&str> = it.thresholds.iter().map(|(l, _)| l.as_str()).collect();
        let th: Vec<f64> = it.thresholds.iter().map(|(_, v)| *v).collect();
        w.texts(&ig, "threshold_levels", &lv, "level of each threshold, least severe first")?;
        w.f64s(&ig, "thresholds", &th, &it.units, "threshold of each level")?;
        w.text(&ig, "source", &it.source, "where the thresholds come from")?;
    }

    let sc = w.group(g, "score")?;
    let sr = &s.score;
    w.f64_scalar(&sc, "score", sr.score, UNITS_ONE, "risk score 0 (no concern) – 100 (worst)")?;
    w.u64_scalar(&sc, "likelihood", u64::from(sr.likelihood), UNITS_ONE, "matrix row 1–5")?;
    w.u64_scalar(&sc, "consequence", u64::from(sr.consequence), UNITS_ONE, "matrix column 1–5")?;
    w.text(&sc, "matrix_cell", &sr.matrix_cell, "low, medium, high, extreme")?;
    w.f64_scalar(&sc, "probability", sr.probability, "1/year", "annual failure probability used")?;
    if let Some(c) = &sr.consequence_class {
        w.text(&sc, "consequence_class", c, "consequence class used (GISTM)")?;
    }
    w.text(&sc, "scheme", &sr.scheme, "the scoring scheme")?;
    let d = w.group(&sc, "drivers")?;
    let dt = |f: fn(&Driver) -> String| sr.drivers.iter().map(f).collect::<Vec<String>>();
    w.texts(&d, "key", &dt(|x| x.key.clone()), "driver key")?;
    w.texts(&d, "text_zh", &dt(|x| x.text_zh.clone()), "driver (中文)")?;
    w.texts(&d, "text_en", &dt(|x| x.text_en.clone()), "driver (English)")?;
    let c: Vec<f64> = sr.drivers.iter().map(|x| x.contribution).collect();
    w.f64s(&d, "contribution", &c, UNITS_ONE, "points of the score from this driver")?;
    Ok(())
}

fn level(r: &H5Reader, object: String, s: &str) -> Result<AlarmLevel, ResultsError> {
    AlarmLevel::parse(s).ok_or_else(|| r.malformed(object, format!("unknown warning level {s:?}")))
}

fn small(r: &H5Reader, g: &Group, name: &str) -> Result<u8, ResultsError> {
    let v = r.u64_scalar(g, name)?;
    u8::try_from(v).map_err(|_| r.malformed(format!("{}/{name}", g.name()), format!("{v} > 255")))
}

fn read_status(r: &H5Reader, g: &Group) -> Result<SafetyStatus, ResultsError> {
    let h = r.group(g, "hazards")?;
    let hn = r.texts(&h, "text_zh")?.len();
    let numbers = r.u64s_len(&h, "number", hn)?;
    let zh = r.texts_len(&h, "text_zh", hn)?;
    let en = r.texts_len(&h, "text_en", hn)?;
    let basis = r.texts_len(&h, "basis", hn)?;
    let evidence = r.texts_len(&h, "evidence", hn)?;
    let present = r.codes(&h, "present", hn)?;
    let mut hazards = Vec::with_capacity(hn);
    for k in 0..hn {
        let object = format!("{}/hazards", g.name());
        hazards.push(HazardItem {
            number: u8::try_from(numbers[k])
                .map_err(|_| r.malformed(&object, format!("item number {}", numbers[k])))?,
            text_zh: zh[k].clone(),
            text_en: en[k].clone(),
            present: match present[k] {
                0 => Some(false),
                1 => Some(true),
                2 => None,
                c => return Err(r.malformed(object, format!("present code {c}"))),
            },
            basis: r.parse(&object, &basis[k])?,
            evidence: evidence[k].clone(),
        });
    }
    let l = r.group(g, "legacy")?;
    let legacy = LegacyClassification {
        class: r.parse(&format!("{}/legacy/class", g.name()), &r.text(&l, "class")?)?,
        reasons: r.texts(&l, "reasons")?,
        note: r.text(&l, "note")?,
    };
    let wg = r.group(g, "warnings")?;
    let n = r.attr_u64(&wg, "items")? as usize;
    let mut warnings = Vec::with_capacity(n);
    for k in 0..n {
        let ig = r.group(&wg, &item_name("item", k))?;
        let th = r.f64s(&ig, "thresholds")?;
        let lv = r.texts_len(&ig, "threshold_levels", th.len())?;
        let thresholds = lv
            .iter()
            .zip(th)
            .map(|(l, v)| Ok((level(r, format!("{}/threshold_levels", ig.name()), l)?, v)))
            .collect::<Result<_, ResultsError>>()?;
        warnings.push(ItemWarning {
            item: r.text(&ig, "item")?,
            label_zh: r.text(&ig, "label_zh")?,
            label_en: r.text(&ig, "label_en")?,
            level: level(r, format!("{}/level", ig.name()), &r.text(&ig, "level")?)?,
            value: r.f64_scalar(&ig, "value")?,
            units: r.text(&ig, "units")?,
            thresholds,
            source: r.text(&ig, "source")?,
        });
    }
    let sc = r.group(g, "score")?;
    let d = r.group(&sc, "drivers")?;
    let keys = r.texts(&d, "key")?;
    let dz = r.texts_len(&d, "text_zh", keys.len())?;
    let de = r.texts_len(&d, "text_en", keys.len())?;
    let dc = r.f64s_len(&d, "contribution", keys.len())?;
    let drivers = (0..keys.len())
        .map(|k| Driver {
            key: keys[k].clone(),
            text_zh: dz[k].clone(),
            text_en: de[k].clone(),
            contribution: dc[k],
        })
        .collect();
    let score = RiskScore {
        score: r.f64_scalar(&sc, "score")?,
        likelihood: small(r, &sc, "likelihood")?,
        consequence: small(r, &sc, "consequence")?,
        matrix_cell: r.text(&sc, "matrix_cell")?,
        probability: r.f64_scalar(&sc, "probability")?,
        consequence_class: if r.has(&sc, "consequence_class") {
            Some(r.text(&sc, "consequence_class")?)
        } else {
            None
        },
        drivers,
        scheme: r.text(&sc, "scheme")?,
    };
    Ok(SafetyStatus {
        hazards,
        major_hazard: r.flag(g, "major_hazard")?,
        legacy,
        warnings,
        pond_warning: level(r, format!("{}/pond_warning", g.name()), &r.text(g, "pond_warning")?)?,
        score,
    })
}

/// The assessment's numbers with their JSON field paths, for the summary.json NaN check. The
/// return period of an exceedance point is left out: ∞ there is legitimate (p = 0) and is
/// written as `null` (see `tailtwin_core::assessment::ExceedancePoint`).
pub(crate) fn json_fields(r: &Report, fields: &mut Vec<(String, f64)>) {
    let prob = |name: String, p: &Probability, fields: &mut Vec<(String, f64)>| {
        // With no members the estimate is NaN by definition (written as null).
        if p.members > 0 {
            fields.push((format!("{name}.estimate"), p.estimate));
            fields.push((format!("{name}.standard_error"), p.standard_error));
        }
        fields.push((format!("{name}.ci95[0]"), p.ci95[0]));
        fields.push((format!("{name}.ci95[1]"), p.ci95[1]));
    };
    if let Some(e) = &r.ensemble {
        prob("ensemble.p_overtopping".into(), &e.p_overtopping, fields);
        prob("ensemble.p_freeboard_below_min".into(), &e.p_freeboard_below_min, fields);
        prob("ensemble.p_beach_below_min".into(), &e.p_beach_below_min, fields);
        if let Some(p) = &e.p_dambreak {
            prob("ensemble.p_dambreak".into(), p, fields);
        }
        fields.push(("ensemble.min_freeboard_required_m".into(), e.min_freeboard_required_m));
        if let Some(v) = e.min_beach_required_m {
            fields.push(("ensemble.min_beach_required_m".into(), v));
        }
        fields.push(("ensemble.elapsed_s".into(), e.elapsed_s));
        fields.push(("ensemble.members_per_s".into(), e.members_per_s));
        for (k, c) in e.curves.iter().enumerate() {
            for (i, p) in c.points.iter().enumerate() {
                fields.push((format!("ensemble.curves[{k}].points[{i}].value"), p.value));
                fields
                    .push((format!("ensemble.curves[{k}].points[{i}].probability"), p.probability));
            }
        }
        for (k, l) in e.return_levels.iter().enumerate() {
            let n = format!("ensemble.return_levels[{k}]");
            fields.push((format!("{n}.return_period_years"), l.return_period_years));
            fields.push((format!("{n}.peak_stage_m"), l.peak_stage_m));
            fields.push((format!("{n}.min_freeboard_m"), l.min_freeboard_m));
        }
        for (k, c) in e.convergence.iter().enumerate() {
            fields.push((format!("ensemble.convergence[{k}].estimate"), c.estimate));
            fields.push((format!("ensemble.convergence[{k}].standard_error"), c.standard_error));
        }
    }
    for (k, x) in r.reliability.iter().enumerate() {
        let n = format!("reliability[{k}]");
        for (name, v) in [
            ("fos_deterministic", x.fos_deterministic),
            ("fos_mean_fosm", x.fos_mean_fosm),
            ("fos_sd_fosm", x.fos_sd_fosm),
            ("beta_fosm", x.beta_fosm),
            ("p_failure_fosm", x.p_failure_fosm),
            ("fos_mean_mc", x.fos_mean_mc),
            ("fos_sd_mc", x.fos_sd_mc),
            ("beta_mc", x.beta_mc),
        ] {
            fields.push((format!("{n}.{name}"), v));
        }
        prob(format!("{n}.p_failure_mc"), &x.p_failure_mc, fields);
    }
    if let Some(s) = &r.status {
        for (k, w) in s.warnings.iter().enumerate() {
            fields.push((format!("status.warnings[{k}].value ({})", w.item), w.value));
            for (i, (_, t)) in w.thresholds.iter().enumerate() {
                fields.push((format!("status.warnings[{k}].thresholds[{i}]"), *t));
            }
        }
        fields.push(("status.score.score".into(), s.score.score));
        fields.push(("status.score.probability".into(), s.score.probability));
        for (k, d) in s.score.drivers.iter().enumerate() {
            fields.push((format!("status.score.drivers[{k}].contribution"), d.contribution));
        }
    }
}
