//! The drill timeline (ordered events, bilingual text) and the controller's inject sheet.

use super::spec::{Drill, InjectAction, InjectTime, ResponseTrigger};
use super::{PointWarning, SensorKind, SensorTrace, crossings};
use crate::dambreak::DambreakRun;
use serde::Serialize;
use tailtwin_core::warning::AlarmLevel;
use tailtwin_core::{FloodRun, RoutedPond};
use tailtwin_twin::model::Thresholds;

/// Who reports an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The exercise controller's inject.
    Inject,
    /// The model's truth (routing, dam break).
    Model,
    /// The monitoring system (readings, alarms).
    Sensor,
    /// The emergency plan (response levels, public warning).
    Plan,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Inject => "inject",
            Source::Model => "model",
            Source::Sensor => "sensor",
            Source::Plan => "plan",
        }
    }
}

/// One timeline event.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEvent {
    /// Drill clock, s from the routing start.
    pub time_s: f64,
    /// `inject`, `threshold_crossed`, `threshold_receded`, `peak_stage`, `overtopping_start`,
    /// `overtopping_end`, `breach_start`, `breach_formed`, `arrival`, `alarm_raised`,
    /// `alarm_cleared`, `item_alarm`, `pond_alarm`, `missed_alarm`, `response_level`,
    /// `public_warning`.
    pub kind: String,
    pub source: Source,
    /// Sensor, item, point or structure the event concerns.
    pub subject: String,
    pub text_zh: String,
    pub text_en: String,
    pub level: Option<AlarmLevel>,
    pub value: Option<f64>,
}

fn ev(
    time_s: f64,
    kind: &str,
    source: Source,
    subject: &str,
    zh: String,
    en: String,
) -> TimelineEvent {
    TimelineEvent {
        time_s,
        kind: kind.into(),
        source,
        subject: subject.into(),
        text_zh: zh,
        text_en: en,
        level: None,
        value: None,
    }
}

/// Orders events by time, then source (inject, model, sensor, plan), stable otherwise.
pub fn sort(events: &mut [TimelineEvent]) {
    events.sort_by(|a, b| a.time_s.total_cmp(&b.time_s).then(a.source.cmp(&b.source)));
}

/// Display scale and unit of a sensor's SI value (rain is stored in metres, read in mm).
fn unit(kind: SensorKind) -> (f64, &'static str) {
    match kind {
        SensorKind::PondLevel | SensorKind::BeachLength => (1.0, "m"),
        SensorKind::Rainfall => (1000.0, "mm (24 h)"),
    }
}

/// A point alarm raise or clear.
pub(super) fn alarm_event(
    t: f64,
    id: &str,
    kind: SensorKind,
    from: AlarmLevel,
    to: AlarmLevel,
    value: f64,
    th: &Thresholds,
) -> TimelineEvent {
    let raise = to > from;
    let (scale, u) = unit(kind);
    let of = scale * th.get(if raise { to } else { from }).map_or(f64::NAN, |x| x.value);
    let shown = scale * value;
    let mut e = if raise {
        ev(
            t,
            "alarm_raised",
            Source::Sensor,
            id,
            format!("{id} 读数 {shown:.3} {u}，达到{}预警阈值 {of:.3}", to.name_zh()),
            format!("{id} reads {shown:.3} {u}: {} alarm (threshold {of:.3})", to.as_str()),
        )
    } else {
        ev(
            t,
            "alarm_cleared",
            Source::Sensor,
            id,
            format!("{id} {}预警解除，降为{}", from.name_zh(), to.name_zh()),
            format!("{id} {} alarm cleared, now {}", from.as_str(), to.as_str()),
        )
    };
    e.level = Some(to);
    e.value = Some(value);
    e
}

/// An item or pond roll-up change.
pub(super) fn group_event(
    t: f64,
    (zh, en): (&str, &str),
    from: AlarmLevel,
    to: AlarmLevel,
    pond: bool,
) -> TimelineEvent {
    let mut e = ev(
        t,
        if pond { "pond_alarm" } else { "item_alarm" },
        Source::Sensor,
        en,
        format!("{zh}预警：{} → {}", from.name_zh(), to.name_zh()),
        format!("{en} alarm: {} → {}", from.as_str(), to.as_str()),
    );
    e.level = Some(to);
    e
}

/// What the timeline is built from.
pub(super) struct Context<'a> {
    pub drill: &'a Drill,
    pub times: &'a [Option<f64>],
    pub truth: &'a RoutedPond,
    pub flood: &'a FloodRun,
    pub dambreak: Option<&'a DambreakRun>,
    pub traces: &'a [SensorTrace],
    pub pond_alarm: &'a [(f64, AlarmLevel)],
    pub pond_th: Option<&'a Thresholds>,
    pub beach_th: Option<&'a Thresholds>,
    pub crest: f64,
    pub dt: f64,
}

/// The inject in Chinese and English, and its note (` — note`, or empty).
fn inject_text(d: &Drill, k: usize) -> (String, String, String) {
    let inj = &d.injects[k];
    let sensor = |i: usize| d.sensors[i].0.as_str();
    let (zh, en) = match &inj.action {
        InjectAction::Structure { id, capacity_lost, damaged, .. } => {
            let pct = capacity_lost * 100.0;
            if *damaged {
                (
                    format!("{id} 损坏，泄流能力损失 {pct:.0}%"),
                    format!("{id} damaged: {pct:.0} % of its capacity lost"),
                )
            } else {
                (format!("{id} 堵塞 {pct:.0}%"), format!("{id} {pct:.0} % blocked"))
            }
        }
        InjectAction::SensorFailure { sensor: i } => (
            format!("传感器 {} 失效，停止上报", sensor(*i)),
            format!("sensor {} fails: stops reporting", sensor(*i)),
        ),
        InjectAction::WrongReading { sensor: i, offset_m, stuck: true } => {
            let _ = offset_m;
            (
                format!("传感器 {} 读数卡死", sensor(*i)),
                format!("sensor {} stuck at its current reading", sensor(*i)),
            )
        }
        InjectAction::WrongReading { sensor: i, offset_m, .. } => (
            format!("传感器 {} 读数偏差 {offset_m:+.2} m", sensor(*i)),
            format!("sensor {} reads {offset_m:+.2} m off", sensor(*i)),
        ),
        InjectAction::Breach { .. } => ("溃坝开始".into(), "dam breach begins".into()),
    };
    let when = match inj.time {
        InjectTime::At(_) => (String::new(), String::new()),
        InjectTime::Level(z) => {
            (format!("（库水位达 {z:.2} m 时）"), format!(" (when the pond reaches {z:.2} m)"))
        }
        InjectTime::Overtopping => ("（漫顶时）".into(), " (on overtopping)".into()),
    };
    let note = if inj.note.is_empty() { String::new() } else { format!(" — {}", inj.note) };
    (format!("{zh}{}", when.0), format!("{en}{}", when.1), note)
}

/// Model, inject and plan events; the public warning time and each point's window.
pub(super) fn model_and_plan_events(
    c: &Context<'_>,
) -> (Vec<TimelineEvent>, Option<f64>, Vec<PointWarning>) {
    let d = c.drill;
    let r = c.truth;
    let mut out = Vec::new();
    for (k, t) in c.times.iter().enumerate() {
        let (zh, en, note) = inject_text(d, k);
        let (zh, en) = (format!("{zh}{note}"), format!("{en}{note}"));
        match t {
            Some(t) => out.push(ev(*t, "inject", Source::Inject, &format!("inject[{k}]"), zh, en)),
            None => out.push(ev(
                0.0,
                "inject_not_fired",
                Source::Inject,
                &format!("inject[{k}]"),
                format!("未触发：{zh}"),
                format!("never fires: {en}"),
            )),
        }
    }
    // True threshold crossings of the pond level and the beach length.
    let mut true_crossings: Vec<(f64, SensorKind, AlarmLevel)> = Vec::new();
    for (kind, th, series) in [
        (SensorKind::PondLevel, c.pond_th, &r.stage_m),
        (SensorKind::BeachLength, c.beach_th, &r.beach_length_m),
    ] {
        let Some(th) = th else { continue };
        for level in AlarmLevel::WARNINGS {
            let Some(x) = th.get(level) else { continue };
            // A falling quantity (beach length) crosses "up" in danger when it drops below.
            let sign = if matches!(th.direction, tailtwin_twin::model::Direction::Falling) {
                -1.0
            } else {
                1.0
            };
            let y: Vec<f64> = series.iter().map(|v| sign * v).collect();
            for (t, up) in crossings(&r.time_s, &y, sign * x.value) {
                let mut e = ev(
                    t,
                    if up { "threshold_crossed" } else { "threshold_receded" },
                    Source::Model,
                    kind.as_str(),
                    format!(
                        "真实{}{}{}预警阈值 {:.3} m",
                        kind.label_zh(),
                        if up { "达到" } else { "回落至" },
                        level.name_zh(),
                        x.value
                    ),
                    format!(
                        "true {} {} the {} threshold {:.3} m",
                        kind.as_str(),
                        if up { "reaches" } else { "falls back past" },
                        level.as_str(),
                        x.value
                    ),
                );
                e.level = Some(level);
                e.value = Some(x.value);
                out.push(e);
                if up {
                    true_crossings.push((t, kind, level));
                }
            }
        }
    }
    // A crossing the monitoring does not report within one reading interval.
    for &(t, kind, level) in &true_crossings {
        for tr in c.traces.iter().filter(|tr| tr.kind == kind) {
            let i = tr.time_s.iter().position(|&s| s >= t + c.dt).unwrap_or(tr.time_s.len() - 1);
            if tr.level[i] < level && tr.time_s[i] >= t {
                let why = if tr.value[i].is_none() {
                    ("失效", "has failed")
                } else {
                    ("读数错误", "reads wrong")
                };
                let mut e = ev(
                    t,
                    "missed_alarm",
                    Source::Sensor,
                    &tr.id,
                    format!("{} {}：未报{}预警（真实值已越限）", tr.id, why.0, level.name_zh()),
                    format!("{} {}: the {} crossing is not reported", tr.id, why.1, level.as_str()),
                );
                e.level = Some(level);
                out.push(e);
            }
        }
    }
    out.push(ev(
        r.time_of_peak_stage_s,
        "peak_stage",
        Source::Model,
        "pond",
        format!("最高库水位 {:.3} m", r.peak_stage_m),
        format!("peak pond level {:.3} m", r.peak_stage_m),
    ));
    for (t, up) in crossings(&r.time_s, &r.stage_m, c.crest) {
        out.push(ev(
            t,
            if up { "overtopping_start" } else { "overtopping_end" },
            Source::Model,
            "dam crest",
            if up {
                format!("漫顶开始（坝顶 {:.2} m）", c.crest)
            } else {
                "漫顶结束".into()
            },
            if up {
                format!("overtopping starts (crest {:.2} m)", c.crest)
            } else {
                "overtopping ends".into()
            },
        ));
    }
    let _ = c.flood;
    // Plan: response levels on the pond roll-up, the public warning.
    let mut warning_at = None;
    for resp in &d.responses {
        let (t, zh, en) = match resp.trigger {
            ResponseTrigger::Alarm(a) => {
                let Some(&(t, _)) = c.pond_alarm.iter().find(|(_, l)| *l >= a) else { continue };
                (t, format!("{}预警", a.name_zh()), format!("{} alarm", a.as_str()))
            }
            ResponseTrigger::Reading(z) => {
                let first = c
                    .traces
                    .iter()
                    .filter(|tr| tr.kind == SensorKind::PondLevel)
                    .filter_map(|tr| {
                        let i = tr.value.iter().position(|v| v.is_some_and(|x| x >= z))?;
                        Some(tr.time_s[i])
                    })
                    .min_by(f64::total_cmp);
                let Some(t) = first else { continue };
                (t, format!("水位读数达 {z:.2} m"), format!("level reading {z:.2} m"))
            }
        };
        out.push(ev(
            t,
            "response_level",
            Source::Plan,
            &resp.level,
            format!("启动 {} 级响应（{zh}）", resp.level),
            format!("response level {} ({en}): {}", resp.level, resp.action),
        ));
        if resp.evacuate {
            let tw = t + resp.warning_delay_s;
            warning_at = Some(tw);
            out.push(ev(
                tw,
                "public_warning",
                Source::Plan,
                &resp.level,
                "向下游公众发布撤离警报".into(),
                "evacuation warning issued to the public downstream".into(),
            ));
        }
    }
    // Dam break: breach, arrivals, windows.
    let mut points = Vec::new();
    if let Some(b) = c.dambreak {
        let s = &b.summary;
        let t0 = s.breach_start_s;
        out.push(ev(
            t0,
            "breach_start",
            Source::Model,
            "breach",
            format!("溃口形成开始，库水位 {:.2} m", s.stage_at_breach_m),
            format!("breach starts at pond level {:.2} m", s.stage_at_breach_m),
        ));
        out.push(ev(
            t0 + s.breach_formation_time_s,
            "breach_formed",
            Source::Model,
            "breach",
            format!("溃口发展完成，底宽 {:.0} m", s.breach_bottom_width_m),
            format!("breach fully formed, bottom width {:.0} m", s.breach_bottom_width_m),
        ));
        for p in &s.points {
            let arrival = p.arrival_time_s.map(|a| t0 + a);
            let window = match (arrival, warning_at) {
                (Some(a), Some(w)) => Some(a - w),
                _ => None,
            };
            let caught = arrival.is_some() && window.is_none_or(|w| w < 0.0);
            if let Some(a) = arrival {
                let (wz, we) = match window {
                    Some(w) if w >= 0.0 => (
                        format!("撤离时间 {:.0} min", w / 60.0),
                        format!("evacuation window {:.0} min", w / 60.0),
                    ),
                    Some(w) => (
                        format!("警报晚于到达 {:.0} min：人员受困", -w / 60.0),
                        format!("warning {:.0} min after arrival: people caught", -w / 60.0),
                    ),
                    None => {
                        ("未发布警报：人员受困".into(), "no warning issued: people caught".into())
                    }
                };
                let mut e = ev(
                    a,
                    "arrival",
                    Source::Model,
                    &p.name,
                    format!("洪水到达 {}（最大水深 {:.2} m）；{wz}", p.name, p.max_depth_m),
                    format!("flood reaches {} (max depth {:.2} m); {we}", p.name, p.max_depth_m),
                );
                e.value = window;
                out.push(e);
            }
            points.push(PointWarning {
                name: p.name.clone(),
                kind: p.kind.clone(),
                population: p.population,
                arrival_s: arrival,
                evacuation_window_s: window,
                caught,
            });
        }
    }
    (out, warning_at, points)
}

/// One row of the controller's inject sheet.
#[derive(Debug, Clone, Serialize)]
pub struct InjectRow {
    pub time_s: f64,
    pub inject: String,
    /// What the players should see (model and sensor events until the next row).
    pub expected_observation: String,
    /// What the plan orders in that period.
    pub expected_response: String,
}

/// Rows at each inject and each pond-alarm change; observation and response until the next row.
pub(super) fn inject_sheet(c: &Context<'_>, events: &[TimelineEvent]) -> Vec<InjectRow> {
    let mut rows: Vec<(f64, String)> = Vec::new();
    for (k, t) in c.times.iter().enumerate() {
        if let Some(t) = t {
            let (zh, en, note) = inject_text(c.drill, k);
            rows.push((*t, format!("{zh} / {en}{note}")));
        }
    }
    for &(t, l) in c.pond_alarm.iter().skip(1) {
        rows.push((
            t,
            format!("监测系统：库区{}预警 / monitoring: pond {} alarm", l.name_zh(), l.as_str()),
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    for (i, (t, inject)) in rows.iter().enumerate() {
        let next = rows.get(i + 1).map_or(f64::INFINITY, |r| r.0);
        // In timeline order (the events are sorted).
        let window = |sources: &[Source]| {
            events
                .iter()
                .filter(|e| {
                    sources.contains(&e.source) && e.time_s >= *t && e.time_s < next.max(*t + 1e-9)
                })
                .map(|e| format!("{:.2} h {} / {}", e.time_s / 3600.0, e.text_zh, e.text_en))
                .collect::<Vec<_>>()
        };
        let obs = window(&[Source::Model, Source::Sensor]);
        let resp = window(&[Source::Plan]);
        out.push(InjectRow {
            time_s: *t,
            inject: inject.clone(),
            expected_observation: if obs.is_empty() { "—".into() } else { obs.join("; ") },
            expected_response: if resp.is_empty() { "—".into() } else { resp.join("; ") },
        });
    }
    out
}

/// CSV text (header, one row per event); text fields quoted.
pub fn timeline_csv(events: &[TimelineEvent]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut s = String::from("time_s,time_h,source,kind,subject,level,value,text_zh,text_en\n");
    for e in events {
        s.push_str(&format!(
            "{},{:.4},{},{},{},{},{},{},{}\n",
            e.time_s,
            e.time_s / 3600.0,
            e.source.as_str(),
            e.kind,
            q(&e.subject),
            e.level.map_or("", |l| l.as_str()),
            e.value.map_or(String::new(), |v| v.to_string()),
            q(&e.text_zh),
            q(&e.text_en)
        ));
    }
    s
}

/// CSV text of the inject sheet.
pub fn inject_sheet_csv(rows: &[InjectRow]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut s = String::from("time_h,inject,expected_observation,expected_response\n");
    for r in rows {
        s.push_str(&format!(
            "{:.3},{},{},{}\n",
            r.time_s / 3600.0,
            q(&r.inject),
            q(&r.expected_observation),
            q(&r.expected_response)
        ));
    }
    s
}
