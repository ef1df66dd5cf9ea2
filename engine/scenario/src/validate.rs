//! Second layer: checks ranges and curves, cross-checks levels, converts to SI and collects every
//! problem with its key path.

use crate::build;
use crate::curves::{self, ColumnSpec, Columns};
use crate::error::Problems;
use crate::model::*;
use crate::raw::*;
use std::path::Path;
use tailtwin_core::{Elevation, Hydrograph, Standard};

/// Seconds per hour / minute.
pub(crate) const HOUR: f64 = 3600.0;
pub(crate) const MINUTE: f64 = 60.0;

/// Validation context: where CSV paths are resolved and where problems go.
pub(crate) struct Ctx<'a> {
    pub base_dir: &'a Path,
    pub problems: Problems,
}

/// Validates a raw scenario. Returns the scenario only when no problem was found.
pub(crate) fn validate(
    raw: &RawScenario,
    source_toml: &str,
    base_dir: &Path,
) -> Result<Scenario, Vec<crate::Problem>> {
    let mut cx = Ctx { base_dir, problems: Problems::default() };
    let meta = meta(&raw.scenario, &mut cx);
    let pond = raw.pond.as_ref().and_then(|p| pond(p, &mut cx));
    let catchment = raw.catchment.as_ref().and_then(|c| catchment(c, &mut cx));
    let storm = raw.storm.as_ref().and_then(|s| crate::storm::storm(s, &mut cx));
    let inflow = raw.inflow.as_ref().and_then(|i| inflow(i, &mut cx));
    let structures = crate::structures::structures(&raw.structure, pond.as_ref(), &mut cx);
    let routing = routing(raw.routing.as_ref(), &mut cx);
    let limits = limits(raw.limits.as_ref(), &mut cx);
    let mut stability = raw
        .stability
        .as_ref()
        .and_then(|s| crate::stability::stability(s, cx.base_dir, &mut cx.problems));
    let (sections, seepage) = geotech(raw, pond.as_ref(), &mut cx);
    // An invalid [pond] is reported already; the dam break is checked against a valid one.
    let dambreak =
        raw.dambreak.as_ref().filter(|_| raw.pond.is_none() || pond.is_some()).and_then(|d| {
            let facts = pond.as_ref().map(|p| (p.crest.m(), p.bottom.m(), p.total_storage_m3));
            crate::dambreak::dambreak(d, facts, cx.base_dir, &mut cx.problems)
        });
    let ensemble = raw.ensemble.as_ref().and_then(|e| {
        let structures = structures.as_deref().unwrap_or(&[]);
        crate::ensemble::ensemble(e, storm.as_ref(), pond.as_ref(), structures, &mut cx.problems)
    });
    let inspection = crate::inspection::inspection(raw.inspection.as_ref(), &mut cx.problems);
    let warnings =
        crate::inspection::warnings(raw.warnings.as_ref(), pond.as_ref(), &mut cx.problems);
    let reliability = raw.reliability.as_ref().and_then(|r| {
        crate::reliability::reliability(r, &raw.material, raw.stability.as_ref(), &mut cx.problems)
    });
    if let (Some(spec), Some(r)) = (&mut stability, &raw.stability) {
        let context = crate::stability::StabilityContext {
            sections: raw.section.iter().map(|s| s.name.as_str()).collect(),
            has_pond: raw.pond.is_some(),
            routes_flood: raw.pond.is_some() && (raw.storm.is_some() || raw.inflow.is_some()),
            solves_levels: solves_levels(raw),
        };
        crate::stability::resolve(spec, r, &context, &mut cx.problems);
    }

    if raw.pond.is_some() {
        if catchment.is_some() && raw.storm.is_none() {
            cx.problems.push("catchment", "a catchment needs a [storm] to produce inflow");
        }
        if raw.catchment.is_none() && raw.inflow.is_none() && raw.storm.is_none() {
            cx.problems.push(
                "storm",
                "nothing drives the pond: give [storm] with [catchment], [inflow], or both",
            );
        }
    } else {
        if raw.section.is_empty() {
            cx.problems.push(
                "pond",
                "missing: a scenario needs a [pond] (flood routing) or at least one [[section]] \
                 (seepage, stability)",
            );
        }
        if !raw.structure.is_empty() {
            cx.problems.push("structure", "discharge structures need a [pond] to discharge from");
        }
    }
    if let Some(p) = &pond
        && let Some(level) = p.max_allowed_level
        && level > p.crest
    {
        cx.problems.push(
            "pond.max_allowed_level_m",
            format!("{} is above the dam crest {}", level.m(), p.crest.m()),
        );
    }

    let problems = cx.problems.into_vec();
    let scenario = match (meta, structures, routing, problems.is_empty()) {
        (Some(meta), Some(structures), Some(routing), true) => Scenario {
            meta,
            pond,
            catchment,
            storm,
            inflow,
            structures,
            routing,
            limits: limits.unwrap_or_default(),
            stability,
            sections,
            seepage,
            dambreak,
            ensemble,
            inspection,
            warnings: warnings.unwrap_or_default(),
            reliability,
            source_toml: source_toml.to_owned(),
            base_dir: base_dir.to_path_buf(),
        },
        _ => return Err(problems),
    };
    let rejected = process_objects(&scenario);
    if rejected.is_empty() { Ok(scenario) } else { Err(rejected) }
}

/// Builds every process object once, so that whatever the process crates reject (their own
/// geometric and range rules) is reported here, with its key path, rather than at run time.
fn process_objects(s: &Scenario) -> Vec<crate::Problem> {
    let mut out = Vec::new();
    let mut push = |e: build::BuildError| {
        out.push(crate::Problem { path: e.path().to_owned(), message: e.detail() })
    };
    if s.pond.is_some()
        && let Err(e) = build::pond(s)
    {
        push(e);
    }
    for i in build::routed_indices(s) {
        if let Err(e) = build::structure_at(s, i) {
            push(e);
        }
    }
    if let Some(Err(e)) = s.storm.as_ref().map(build::storm) {
        push(e);
    }
    if let Some(Err(e)) = s.catchment.as_ref().map(build::catchment) {
        push(e);
    }
    out
}

/// Seepage solves the pond's levels (normal, design-flood peak): `[seepage] at_pond_levels`,
/// default true when there is a `[pond]`.
fn at_pond_levels(raw: &RawScenario) -> bool {
    raw.pond.is_some() && raw.seepage.as_ref().and_then(|s| s.at_pond_levels).unwrap_or(true)
}

/// Some pond level will be solved by seepage.
fn solves_levels(raw: &RawScenario) -> bool {
    at_pond_levels(raw) || raw.seepage.as_ref().is_some_and(|s| !s.pond_levels_m.is_empty())
}

/// `[[material]]`, `[[section]]` and `[seepage]`, with the checks between them and the pond.
fn geotech(
    raw: &RawScenario,
    pond: Option<&PondSpec>,
    cx: &mut Ctx,
) -> (Vec<DamSectionSpec>, Option<SeepageSpec>) {
    let p = &mut cx.problems;
    let materials = crate::material::materials(&raw.material, p);
    let given_levels = raw.seepage.as_ref().map_or(&[][..], |s| &s.pond_levels_m[..]);
    let at_pond_levels = at_pond_levels(raw);
    let solves_levels = solves_levels(raw);
    let sections: Vec<DamSectionSpec> =
        crate::section::sections(&raw.section, &materials, solves_levels, cx.base_dir, p)
            .into_iter()
            .flatten()
            .collect();
    let seepage = crate::seepage::seepage(raw.seepage.as_ref(), raw.pond.is_some(), p);
    if raw.seepage.is_some() && raw.section.is_empty() {
        p.push("seepage", "there is no [[section]] to solve: add one or remove [seepage]");
    }
    if raw.material.is_empty() && !raw.section.is_empty() {
        p.push("material", "missing: the sections' zones need [[material]]s");
    }
    // With a [stability] block, its pore water decides whether levels are needed (reported
    // there, at `stability.pore_water`).
    if !raw.section.is_empty() && !solves_levels && raw.stability.is_none() {
        p.push(
            "seepage.pond_levels_m",
            "missing: no pond level is solved for the sections (no [pond], or at_pond_levels = \
             false): give [seepage] pond_levels_m, or a [stability] whose pore_water is \"dry\", \
             { ru = … } or { phreatic_line = … }",
        );
    }
    let mut levels: Vec<(String, f64)> = given_levels
        .iter()
        .enumerate()
        .filter(|(_, z)| z.is_finite())
        .map(|(k, &z)| (format!("seepage.pond_levels_m[{k}]"), z))
        .collect();
    if at_pond_levels && let Some(pond) = pond {
        levels.push(("pond.normal_level_m".into(), pond.normal_level.m()));
    }
    crate::seepage::check_levels(&levels, &sections, p);
    (sections, seepage)
}

fn meta(raw: &RawMeta, cx: &mut Ctx) -> Option<Meta> {
    let p = &mut cx.problems;
    if raw.name.trim().is_empty() {
        p.push("scenario.name", "must not be empty");
    }
    let standard = match raw.standard.as_deref().unwrap_or("GB39496-2020") {
        "GB39496-2020" => Some(Standard::Gb39496_2020),
        "GB50863-2013" => Some(Standard::Gb50863_2013),
        "AQ2006-2005" => Some(Standard::Aq2006_2005),
        other => {
            p.push(
                "scenario.standard",
                format!(
                    "unknown standard `{other}` (allowed: GB39496-2020, GB50863-2013, AQ2006-2005)"
                ),
            );
            None
        }
    };
    let period = match raw.operating_period.as_deref().unwrap_or("middle_late") {
        "initial" => Some(OperatingPeriod::Initial),
        "middle_late" => Some(OperatingPeriod::MiddleLate),
        other => {
            p.push(
                "scenario.operating_period",
                format!("unknown period `{other}` (allowed: initial, middle_late)"),
            );
            None
        }
    };
    if raw.key_county && raw.county.as_deref().is_none_or(|c| c.trim().is_empty()) {
        p.push("scenario.key_county", "needs `county` (the county's name)");
    }
    let gravity = match raw.gravity_m_s2 {
        Some(g) => p.in_range("scenario.gravity_m_s2", g, 9.7, 9.9)?,
        None => tailtwin_core::G,
    };
    Some(Meta {
        name: raw.name.clone(),
        description: raw.description.clone(),
        standard: standard?,
        period: period?,
        severe_downstream: raw.severe_downstream,
        upper_end_of_range: raw.upper_end_of_range,
        gravity,
        key_pond: raw.key_pond,
        underground_workers_per_shift: raw.underground_workers_per_shift,
        county: raw.county.clone(),
        key_county: raw.key_county,
    })
}

fn pond(raw: &RawPond, cx: &mut Ctx) -> Option<PondSpec> {
    let before = cx.problems.len();
    let p = &mut cx.problems;
    let dam_type = match raw.dam_type.as_str() {
        "upstream" => Some(DamType::Upstream),
        "downstream" => Some(DamType::Downstream),
        "centerline" => Some(DamType::Centerline),
        "water_retaining" => Some(DamType::WaterRetaining),
        other => {
            p.push(
                "pond.dam_type",
                format!(
                    "unknown dam type `{other}` (allowed: upstream, downstream, centerline, water_retaining)"
                ),
            );
            None
        }
    };
    let bottom = p.finite("pond.bottom_m", raw.bottom_m);
    let crest = p.finite("pond.crest_m", raw.crest_m);
    let crest_length = p.positive("pond.crest_length_m", raw.crest_length_m);
    let c_over = match raw.overtopping_coefficient {
        Some(c) => p.in_range("pond.overtopping_coefficient", c, 0.5, 3.0),
        None => Some(1.70),
    };
    let normal = p.finite("pond.normal_level_m", raw.normal_level_m);
    let initial =
        p.finite("pond.initial_level_m", raw.initial_level_m.unwrap_or(raw.normal_level_m));
    let height = p.positive("pond.dam_height_m", raw.dam_height_m);
    let storage = p.positive("pond.total_storage_m3", raw.total_storage_m3);
    let beach_crest = match raw.beach_crest_m {
        Some(b) => p.finite("pond.beach_crest_m", b),
        None => crest,
    };
    let direct = match raw.direct_area_km2 {
        Some(a) => p.non_negative("pond.direct_area_km2", a).map(|a| a * 1e6),
        None => Some(0.0),
    };
    let max_allowed = raw.max_allowed_level_m.and_then(|z| p.finite("pond.max_allowed_level_m", z));
    let (wind, wave) = match &raw.water_retaining {
        Some(w) => (
            w.wind_setup_m.and_then(|v| p.non_negative("pond.water_retaining.wind_setup_m", v)),
            w.wave_runup_m.and_then(|v| p.non_negative("pond.water_retaining.wave_runup_m", v)),
        ),
        None => (None, None),
    };
    if raw.water_retaining.is_some() && raw.dam_type != "water_retaining" {
        p.push("pond.water_retaining", "only applies to dam_type = \"water_retaining\"");
    }

    // Level cross-checks (only between values that are themselves valid).
    if let (Some(b), Some(c)) = (bottom, crest) {
        if c <= b {
            p.push("pond.crest_m", format!("{c} is not above the pond bottom {b}"));
        }
        if let Some(n) = normal
            && !(n >= b && n < c)
        {
            p.push(
                "pond.normal_level_m",
                format!("{n} is not between the bottom {b} and the crest {c}"),
            );
        }
        if let Some(i) = initial
            && raw.initial_level_m.is_some()
            && !(i >= b && i < c)
        {
            p.push(
                "pond.initial_level_m",
                format!("{i} is not between the bottom {b} and the crest {c}"),
            );
        }
        if let (Some(bc), Some(_)) = (raw.beach_crest_m, beach_crest) {
            if bc > c {
                p.push("pond.beach_crest_m", format!("{bc} is above the dam crest {c}"));
            }
            if let Some(n) = normal
                && bc <= n
            {
                p.push("pond.beach_crest_m", format!("{bc} is not above the normal level {n}"));
            }
        }
        if let Some(h) = height
            && h > (c - b) * 1.5 + 10.0
        {
            // The dam height is measured from the dam toe, which may lie below the pond bottom,
            // but not wildly: flag numbers that look like a unit slip.
            p.push(
                "pond.dam_height_m",
                format!("{h} is implausibly larger than crest − bottom = {:.2}", c - b),
            );
        }
    }

    let table = stage_storage(&raw.stage_storage, cx);
    let beach = raw.beach.as_ref().and_then(|b| beach(b, cx));
    if raw.beach.is_none() && raw.dam_type != "water_retaining" {
        cx.problems.push(
            "pond.beach",
            format!("a {} tailings dam needs a beach (slope or profile)", raw.dam_type),
        );
    }
    if let (Some(t), Some(b), Some(c)) = (&table, bottom, crest) {
        let (lo, hi) = (t.elevation_m[0], *t.elevation_m.last().expect("non-empty table"));
        // The router takes the pond bottom from the table: its first row is the bottom, empty.
        if lo != b {
            cx.problems.push(
                "pond.stage_storage.elevation_m[0]",
                format!("{lo} is not the pond bottom {b}: the table starts at the bottom"),
            );
        }
        if let Some(v0) = t.volume_m3.as_ref().map(|v| v[0])
            && v0 != 0.0
        {
            cx.problems.push(
                "pond.stage_storage.volume_m3[0]",
                format!("{v0}: the volume at the pond bottom (first row) must be 0"),
            );
        }
        if let Some(a_top) = t.area_m2.as_ref().and_then(|a| a.last().copied())
            && a_top <= 0.0
        {
            cx.problems.push(
                "pond.stage_storage.area_m2",
                format!("the top row's area is {a_top}: it must be positive"),
            );
        }
        if hi < c {
            cx.problems.push(
                "pond.stage_storage.elevation_m",
                format!("the table ends at {hi}, below the dam crest {c}: extend it to the crest"),
            );
        }
    }
    if cx.problems.len() > before {
        return None;
    }
    Some(PondSpec {
        dam_type: dam_type?,
        bottom: Elevation(bottom?),
        crest: Elevation(crest?),
        crest_length_m: crest_length?,
        overtopping_coefficient: c_over?,
        beach_crest: Elevation(beach_crest?),
        normal_level: Elevation(normal?),
        initial_level: Elevation(initial?),
        dam_height_m: height?,
        total_storage_m3: storage?,
        stage_storage: table?,
        beach,
        dry_stack: raw.dry_stack,
        wind_setup_m: wind,
        wave_runup_m: wave,
        rain_on_pond: raw.rain_on_pond.unwrap_or(true),
        direct_area_m2: direct?,
        max_allowed_level: max_allowed.map(Elevation),
    })
}

/// Resolves an inline or CSV curve into columns; `key` names the scenario key.
pub(crate) fn columns<T>(
    source: &CurveSource<T>,
    key: &str,
    spec: &ColumnSpec<'_>,
    inline: impl FnOnce(&T) -> Columns,
    cx: &mut Ctx,
) -> Option<Columns> {
    match source {
        CurveSource::File(f) => curves::read_csv(cx.base_dir, f, key, spec, &mut cx.problems),
        CurveSource::Inline(t) => Some(inline(t)),
    }
}

fn stage_storage(src: &CurveSource<RawStageStorage>, cx: &mut Ctx) -> Option<StageStorageTable> {
    let key = "pond.stage_storage";
    let spec = ColumnSpec { required: &["elevation_m"], optional: &["volume_m3", "area_m2"] };
    let mut cols = columns(
        src,
        key,
        &spec,
        |t| {
            let mut c = Columns::new();
            c.insert("elevation_m".into(), t.elevation_m.clone());
            if let Some(v) = &t.volume_m3 {
                c.insert("volume_m3".into(), v.clone());
            }
            if let Some(a) = &t.area_m2 {
                c.insert("area_m2".into(), a.clone());
            }
            c
        },
        cx,
    )?;
    let p = &mut cx.problems;
    let z = cols.remove("elevation_m")?;
    let v = cols.remove("volume_m3");
    let a = cols.remove("area_m2");
    if v.is_none() && a.is_none() {
        p.push(key, "needs a volume_m3 or an area_m2 column (or both)");
        return None;
    }
    let before = p.len();
    if curves::all_finite(&format!("{key}.elevation_m"), &z, p) {
        curves::strictly_increasing(&format!("{key}.elevation_m"), &z, p);
    }
    for (name, col) in [("volume_m3", &v), ("area_m2", &a)] {
        if let Some(col) = col {
            let k = format!("{key}.{name}");
            if curves::same_length(key, ("elevation_m", z.len()), (name, col.len()), 2, p)
                && curves::all_non_negative(&k, col, p)
                && name == "volume_m3"
            {
                curves::non_decreasing(&k, col, p);
            }
        }
    }
    (p.len() == before).then_some(StageStorageTable { elevation_m: z, volume_m3: v, area_m2: a })
}

fn beach(raw: &RawBeach, cx: &mut Ctx) -> Option<BeachSpec> {
    match (&raw.slope, &raw.profile) {
        (Some(s), None) => {
            cx.problems.in_range_open_low("pond.beach.slope", *s, 0.0, 0.5).map(BeachSpec::Slope)
        }
        (None, Some(src)) => {
            let key = "pond.beach.profile";
            let spec = ColumnSpec { required: &["distance_m", "elevation_m"], optional: &[] };
            let mut cols = columns(
                src,
                key,
                &spec,
                |t| {
                    Columns::from([
                        ("distance_m".into(), t.distance_m.clone()),
                        ("elevation_m".into(), t.elevation_m.clone()),
                    ])
                },
                cx,
            )?;
            let d = cols.remove("distance_m")?;
            let z = cols.remove("elevation_m")?;
            let p = &mut cx.problems;
            let before = p.len();
            if curves::same_length(key, ("distance_m", d.len()), ("elevation_m", z.len()), 2, p)
                && curves::all_non_negative(&format!("{key}.distance_m"), &d, p)
                && curves::strictly_increasing(&format!("{key}.distance_m"), &d, p)
                && curves::all_finite(&format!("{key}.elevation_m"), &z, p)
            {
                let neg: Vec<f64> = z.iter().map(|x| -x).collect();
                curves::non_decreasing(
                    &format!("{key}.elevation_m (falling away from the crest)"),
                    &neg,
                    p,
                );
            }
            (p.len() == before).then_some(BeachSpec::Profile { distance_m: d, elevation_m: z })
        }
        _ => {
            cx.problems.push("pond.beach", "give exactly one of `slope` or `profile`");
            None
        }
    }
}

fn catchment(raw: &RawCatchment, cx: &mut Ctx) -> Option<CatchmentSpec> {
    let p = &mut cx.problems;
    let before = p.len();
    let area = p.in_range_open_low("catchment.area_km2", raw.area_km2, 0.0, 1000.0);
    // The hydrology crate needs the main channel for Kirpich's t_c and the rational formula's τ.
    if raw.channel_length_km.is_none() {
        p.push("catchment.channel_length_km", "missing (main channel length, km)");
    }
    if raw.channel_slope.is_none() {
        p.push("catchment.channel_slope", "missing (main channel slope, m/m)");
    }
    let length = raw.channel_length_km.and_then(|l| p.positive("catchment.channel_length_km", l));
    let slope =
        raw.channel_slope.and_then(|s| p.in_range_open_low("catchment.channel_slope", s, 0.0, 1.0));
    let tc = raw.tc_h.and_then(|t| p.positive("catchment.tc_h", t));
    let lag = raw.lag_h.and_then(|t| p.positive("catchment.lag_h", t));
    let runoff = match &raw.runoff {
        RawRunoff::ScsCn { curve_number, amc, ia_ratio, impervious_fraction } => {
            let cn =
                p.in_range_open_low("catchment.runoff.curve_number", *curve_number, 0.0, 100.0);
            let amc = match amc.as_deref().unwrap_or("II") {
                "I" => Some(Amc::I),
                "II" => Some(Amc::II),
                "III" => Some(Amc::III),
                other => {
                    p.push(
                        "catchment.runoff.amc",
                        format!("unknown AMC `{other}` (allowed: I, II, III)"),
                    );
                    None
                }
            };
            let ia = p.in_range("catchment.runoff.ia_ratio", ia_ratio.unwrap_or(0.2), 0.0, 0.5);
            let imp = p.in_range(
                "catchment.runoff.impervious_fraction",
                impervious_fraction.unwrap_or(0.0),
                0.0,
                1.0,
            );
            match (cn, amc, ia, imp) {
                (Some(curve_number), Some(amc), Some(ia_ratio), Some(impervious_fraction)) => {
                    Some(RunoffSpec::ScsCn { curve_number, amc, ia_ratio, impervious_fraction })
                }
                _ => None,
            }
        }
        RawRunoff::Rational { mu_mm_h, m } => {
            let mu = p.non_negative("catchment.runoff.mu_mm_h", *mu_mm_h);
            let m = m.and_then(|m| p.in_range_open_low("catchment.runoff.m", m, 0.0, 10.0));
            mu.map(|mu_mm_h| RunoffSpec::Rational { mu_mm_h, m })
        }
    };
    (p.len() == before).then_some(CatchmentSpec {
        area_m2: area? * 1e6,
        channel_length_m: length.map(|l| l * 1000.0),
        channel_slope: slope,
        tc_s: tc.map(|t| t * HOUR),
        lag_s: lag.map(|t| t * HOUR),
        runoff: runoff?,
    })
}

fn inflow(raw: &RawInflow, cx: &mut Ctx) -> Option<Hydrograph> {
    let key = "inflow.hydrograph";
    let spec = ColumnSpec { required: &["flow_m3s"], optional: &["time_s", "time_min", "time_h"] };
    let mut cols = columns(
        &raw.hydrograph,
        key,
        &spec,
        |t| {
            let mut c = Columns::from([("flow_m3s".to_owned(), t.flow_m3s.clone())]);
            for (n, v) in [("time_s", &t.time_s), ("time_min", &t.time_min), ("time_h", &t.time_h)]
            {
                if let Some(v) = v {
                    c.insert(n.into(), v.clone());
                }
            }
            c
        },
        cx,
    )?;
    let p = &mut cx.problems;
    let times: Vec<(&str, f64, Vec<f64>)> =
        [("time_s", 1.0), ("time_min", MINUTE), ("time_h", HOUR)]
            .into_iter()
            .filter_map(|(n, f)| cols.remove(n).map(|v| (n, f, v)))
            .collect();
    if times.len() != 1 {
        p.push(key, "needs exactly one time column: time_s, time_min or time_h");
        return None;
    }
    let (tname, factor, t) = &times[0];
    let q = cols.remove("flow_m3s")?;
    let tkey = format!("{key}.{tname}");
    if !(curves::same_length(key, (tname, t.len()), ("flow_m3s", q.len()), 2, p)
        && curves::all_finite(&tkey, t, p)
        && curves::strictly_increasing(&tkey, t, p)
        && curves::all_non_negative(&format!("{key}.flow_m3s"), &q, p))
    {
        return None;
    }
    if t[0] < 0.0 {
        p.push(format!("{tkey}[0]"), format!("{} is before the routing start (0)", t[0]));
        return None;
    }
    match Hydrograph::new(t.iter().map(|x| x * factor).collect(), q) {
        Ok(h) => Some(h),
        Err(e) => {
            p.push(key, e.to_string());
            None
        }
    }
}

fn routing(raw: Option<&RawRouting>, cx: &mut Ctx) -> Option<RoutingSpec> {
    let p = &mut cx.problems;
    let Some(r) = raw else {
        return Some(RoutingSpec {
            method: RoutingMethod::DormandPrince,
            fixed_step_s: None,
            duration_s: None,
            report_interval_s: 600.0,
            rtol: None,
            atol_m3: None,
            max_step_s: None,
        });
    };
    let before = p.len();
    let duration =
        r.duration_h.and_then(|d| p.in_range_open_low("routing.duration_h", d, 0.0, 24.0 * 60.0));
    let report = p.in_range_open_low(
        "routing.report_interval_min",
        r.report_interval_min.unwrap_or(10.0),
        0.0,
        1440.0,
    );
    let rtol = r.rtol.and_then(|x| p.in_range("routing.rtol", x, 1e-14, 1e-1));
    let atol = r.atol_m3.and_then(|x| p.positive("routing.atol_m3", x));
    let max_step = r.max_step_s.and_then(|x| p.positive("routing.max_step_s", x));
    let method = match r.method.as_deref().unwrap_or("dormand_prince") {
        "dormand_prince" => Some(RoutingMethod::DormandPrince),
        "modified_puls" => Some(RoutingMethod::ModifiedPuls),
        other => {
            p.push(
                "routing.method",
                format!("unknown method `{other}` (allowed: dormand_prince, modified_puls)"),
            );
            None
        }
    };
    let fixed =
        r.fixed_step_s.and_then(|x| p.in_range_open_low("routing.fixed_step_s", x, 0.0, 86_400.0));
    if method == Some(RoutingMethod::ModifiedPuls) && r.fixed_step_s.is_none() {
        p.push("routing.fixed_step_s", "missing: modified Puls needs its fixed step");
    }
    (p.len() == before).then_some(RoutingSpec {
        method: method?,
        fixed_step_s: fixed,
        duration_s: duration.map(|d| d * HOUR),
        report_interval_s: report? * MINUTE,
        rtol,
        atol_m3: atol,
        max_step_s: max_step,
    })
}

fn limits(raw: Option<&RawLimits>, cx: &mut Ctx) -> Option<LimitOverridesSpec> {
    let r = raw?;
    let p = &mut cx.problems;
    if let Some(g) = r.grade
        && !(1..=5).contains(&g)
    {
        p.push("limits.grade", format!("{g} is not a grade (1–5 for 一–五)"));
    }
    Some(LimitOverridesSpec {
        grade: r.grade.filter(|g| (1..=5).contains(g)),
        design_return_period_years: r
            .design_return_period_years
            .and_then(|v| p.in_range("limits.design_return_period_years", v, 1.0, 100000.0)),
        min_freeboard_m: r
            .min_freeboard_m
            .and_then(|v| p.non_negative("limits.min_freeboard_m", v)),
        min_beach_length_m: r
            .min_beach_length_m
            .and_then(|v| p.non_negative("limits.min_beach_length_m", v)),
        max_drain_time_s: r
            .max_drain_time_h
            .and_then(|v| p.positive("limits.max_drain_time_h", v))
            .map(|h| h * HOUR),
    })
}
