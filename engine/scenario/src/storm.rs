//! Validation of `[storm]`: a design storm (atlas, IDF or given depth, with a temporal pattern)
//! or observed gauge records.

use crate::curves::{self, ColumnSpec, Columns};
use crate::error::Problems;
use crate::model::*;
use crate::raw::*;
use crate::validate::{Ctx, HOUR, MINUTE, columns};

pub(crate) fn storm(raw: &RawStorm, cx: &mut Ctx) -> Option<StormSpec> {
    let before = cx.problems.len();
    if let Some(src) = &raw.observed {
        let design_keys = raw.atlas.is_some()
            || raw.idf.is_some()
            || raw.depth_mm.is_some()
            || raw.pattern.is_some();
        if design_keys {
            cx.problems.push("storm.observed", "observed rain excludes atlas/idf/depth_mm/pattern");
        }
        let spec = ColumnSpec { required: &["depth_mm"], optional: &["time_s", "timestamp"] };
        let mut cols = columns(
            src,
            "storm.observed",
            &spec,
            |t| {
                Columns::from([
                    ("time_s".into(), t.time_s.clone()),
                    ("depth_mm".into(), t.depth_mm.clone()),
                ])
            },
            cx,
        )?;
        let p = &mut cx.problems;
        let t = match (cols.remove("time_s"), cols.remove("timestamp")) {
            (Some(t), None) => t,
            // Timestamps are seconds from the first record; the routing starts at the beginning
            // of the first record's accumulation period, taken as the spacing to the next record.
            (None, Some(t)) => {
                let first_period = match (t.len(), raw.interval_min) {
                    (n, _) if n >= 2 => t[1] - t[0],
                    (_, Some(m)) => m * MINUTE,
                    _ => {
                        p.push(
                            "storm.interval_min",
                            "a single timestamped record needs interval_min",
                        );
                        return None;
                    }
                };
                t.iter().map(|x| x + first_period).collect()
            }
            _ => {
                p.push("storm.observed", "needs exactly one time column: time_s or timestamp");
                return None;
            }
        };
        let d = cols.remove("depth_mm")?;
        let interval =
            raw.interval_min.and_then(|m| p.positive("storm.interval_min", m)).map(|m| m * MINUTE);
        if curves::same_length("storm.observed", ("time", t.len()), ("depth_mm", d.len()), 1, p)
            && curves::strictly_increasing("storm.observed.time", &t, p)
        {
            if t[0] <= 0.0 {
                p.push(
                    "storm.observed.time_s[0]",
                    format!(
                        "{}: a record's time is the end of its period, after the start (0)",
                        t[0]
                    ),
                );
            }
            curves::all_non_negative("storm.observed.depth_mm", &d, p);
        }
        return (p.len() == before).then_some(StormSpec::Observed {
            time_s: t,
            depth_mm: d,
            interval_s: interval,
        });
    }
    let p = &mut cx.problems;
    let rp = raw
        .return_period_years
        .and_then(|r| p.in_range("storm.return_period_years", r, 1.0, 100000.0));
    let duration =
        p.in_range_open_low("storm.duration_h", raw.duration_h.unwrap_or(24.0), 0.0, 240.0);
    let default_interval = if raw.duration_h.unwrap_or(24.0) <= 6.0 { 5.0 } else { 10.0 };
    let interval = p.in_range_open_low(
        "storm.interval_min",
        raw.interval_min.unwrap_or(default_interval),
        0.0,
        1440.0,
    );
    if let (Some(d), Some(i)) = (duration, interval) {
        let n = d * 60.0 / i;
        if (n - n.round()).abs() > 1e-9 {
            p.push(
                "storm.interval_min",
                format!("{i} min does not divide the duration {d} h into whole intervals"),
            );
        }
    }
    let count = raw.atlas.is_some() as u8 + raw.idf.is_some() as u8 + raw.depth_mm.is_some() as u8;
    let depth = if count != 1 {
        p.push("storm", "give exactly one of `atlas`, `idf`, `depth_mm` or `observed`");
        None
    } else if let Some(a) = &raw.atlas {
        atlas(a, p)
    } else if let Some(i) = &raw.idf {
        let a = p.positive("storm.idf.a", i.a);
        let c = p.non_negative("storm.idf.c", i.c);
        let b = p.non_negative("storm.idf.b_min", i.b_min);
        let n = p.in_range_open_low("storm.idf.n", i.n, 0.0, 1.5);
        if rp.is_none() {
            p.push("storm.return_period_years", "the IDF formula needs a return period");
        }
        match (a, c, b, n) {
            (Some(a), Some(c), Some(b_min), Some(n)) => Some(DepthSpec::Idf { a, c, b_min, n }),
            _ => None,
        }
    } else {
        p.positive("storm.depth_mm", raw.depth_mm.unwrap_or(f64::NAN))
            .map(|depth_mm| DepthSpec::Fixed { depth_mm })
    };
    if raw.atlas.is_some() && rp.is_none() && raw.return_period_years.is_none() {
        p.push("storm.return_period_years", "the atlas storm needs a return period");
    }
    let pattern = match raw.pattern.as_ref().unwrap_or(&RawPattern::Chicago { peak_position: 0.4 })
    {
        RawPattern::Chicago { peak_position } => p
            .in_range("storm.pattern.peak_position", *peak_position, 0.0, 1.0)
            .map(|r| PatternSpec::Chicago { peak_position: r }),
        RawPattern::ScsTypeIi => Some(PatternSpec::ScsTypeII),
        RawPattern::Uniform => Some(PatternSpec::Uniform),
        RawPattern::Table { time_fraction, cumulative_fraction } => {
            let k = "storm.pattern";
            let ok = curves::same_length(
                k,
                ("time_fraction", time_fraction.len()),
                ("cumulative_fraction", cumulative_fraction.len()),
                2,
                p,
            ) && curves::all_non_negative(&format!("{k}.time_fraction"), time_fraction, p)
                && curves::strictly_increasing(&format!("{k}.time_fraction"), time_fraction, p)
                && curves::all_non_negative(
                    &format!("{k}.cumulative_fraction"),
                    cumulative_fraction,
                    p,
                )
                && curves::non_decreasing(
                    &format!("{k}.cumulative_fraction"),
                    cumulative_fraction,
                    p,
                );
            let ends = |v: &[f64]| v.first() == Some(&0.0) && v.last() == Some(&1.0);
            if ok && !(ends(time_fraction) && ends(cumulative_fraction)) {
                p.push(k, "time_fraction and cumulative_fraction must both run from 0 to 1");
            }
            ok.then(|| PatternSpec::Table {
                time_fraction: time_fraction.clone(),
                cumulative_fraction: cumulative_fraction.clone(),
            })
        }
    };
    if p.len() > before {
        return None;
    }
    Some(StormSpec::Design {
        return_period_years: rp,
        duration_s: duration? * HOUR,
        interval_s: interval? * MINUTE,
        depth: depth?,
        pattern: pattern?,
    })
}

fn atlas(a: &RawAtlas, p: &mut Problems) -> Option<DepthSpec> {
    let k = "storm.atlas";
    let mean = p.positive(&format!("{k}.mean_24h_mm"), a.mean_24h_mm);
    let cv = p.in_range(&format!("{k}.cv"), a.cv, 0.0, 2.0);
    let ratio = p.in_range(&format!("{k}.cs_over_cv"), a.cs_over_cv.unwrap_or(3.5), 0.0, 10.0);
    let single = a.decay_n.is_some();
    let seg = a.n1.is_some() || a.n2.is_some() || a.n3.is_some();
    let depths = a.h10min_mm.is_some() || a.h1h_mm.is_some() || a.h6h_mm.is_some();
    let decay = match (single, seg, depths) {
        (true, false, false) => p
            .in_range_open_low(&format!("{k}.decay_n"), a.decay_n.unwrap_or(f64::NAN), 0.0, 1.0)
            .map(DecaySpec::Single),
        (false, true, false) => {
            let mut get = |name: &str, v: Option<f64>| match v {
                Some(v) => p.in_range_open_low(&format!("{k}.{name}"), v, 0.0, 1.0),
                None => {
                    p.push(format!("{k}.{name}"), "missing: segmented decay needs n1, n2 and n3");
                    None
                }
            };
            let (n1, n2, n3) = (get("n1", a.n1), get("n2", a.n2), get("n3", a.n3));
            Some(DecaySpec::Segmented { n1: n1?, n2: n2?, n3: n3? })
        }
        (false, false, true) => {
            let mut get = |name: &str, v: Option<f64>| match v {
                Some(v) => p.positive(&format!("{k}.{name}"), v),
                None => {
                    p.push(
                        format!("{k}.{name}"),
                        "missing: design depths need h10min_mm, h1h_mm and h6h_mm",
                    );
                    None
                }
            };
            let (h16, h1, h6) =
                (get("h10min_mm", a.h10min_mm), get("h1h_mm", a.h1h_mm), get("h6h_mm", a.h6h_mm));
            let (h16, h1, h6) = (h16?, h1?, h6?);
            if !(h16 < h1 && h1 < h6) {
                p.push(
                    k,
                    format!("design depths must increase with duration: {h16} < {h1} < {h6} mm"),
                );
                return None;
            }
            Some(DecaySpec::DesignDepths { h10min_mm: h16, h1h_mm: h1, h6h_mm: h6 })
        }
        _ => {
            p.push(
                k,
                "give exactly one decay description: decay_n, or n1/n2/n3, or h10min_mm/h1h_mm/h6h_mm",
            );
            None
        }
    };
    Some(DepthSpec::Atlas { mean_24h_mm: mean?, cv: cv?, cs_over_cv: ratio?, decay: decay? })
}
