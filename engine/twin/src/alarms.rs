//! Alarms: per-point levels with hysteresis, the point → item → pond roll-up, the alarm log.
//!
//! **Point level.** The alarm quantity is the reading (rainfall: the depth of the trailing 24 h,
//! window (t − 24 h, t]). Readings flagged `range` or `rate` are skipped. A level is *raised* at
//! once when the quantity reaches its threshold (safety first; spikes are the quality checks'
//! business). A level is *lowered* only when the quantity has stayed on the safe side of
//! (threshold ∓ deadband) of the current level for at least `hold_s`, measured between readings;
//! it then drops to the most severe level whose threshold ∓ deadband the quantity has not cleared.
//! So a noisy signal around a threshold raises once and clears once.
//!
//! **Roll-up** ([`roll_up`]), the same rule for points → item (sensors of one kind in a pond) and
//! items → pond. GB 39496 (standards.md §8) gives: 4 blue points → item yellow, 3 yellow → item
//! orange, 2 orange → item red; across items an item at "4 blue" counts as one item-yellow. What it
//! does not say, and what tailtwin chose:
//! - a group is never below its most severe member (one red point makes a red item);
//! - "n points at level L" counts points at L *or above* (a yellow point is also past blue);
//! - the pond roll-up applies the same counts to item levels (the pond rule was not retrieved):
//!   4 items at blue → pond yellow, 3 at yellow → orange, 2 at orange → red. An item raised to
//!   yellow by four blue points is then simply a yellow item, as the standard asks.
//!
//! Evaluation is causal and incremental: each call continues from the stored state (table
//! `alarm_state`) with readings after the last one evaluated. A row arriving later with an older
//! time does not rewrite history; the log records what was raised when.

use crate::error::TwinError;
use crate::model::{AlarmLevel, Sensor, SensorKind, Thresholds};
use crate::quality::FLAGS_IMPLAUSIBLE;
use crate::store::Store;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use tailtwin_core::warning::{ROLL_UP, roll_up};

/// Hysteresis state of one point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PointState {
    pub level: AlarmLevel,
    pub since_ms: i64,
    /// Start of the current run of readings on the safe side of the current level.
    pub safe_since_ms: Option<i64>,
    /// Last reading evaluated.
    pub last_t_ms: Option<i64>,
}

impl PointState {
    pub fn new() -> Self {
        PointState {
            level: AlarmLevel::None,
            since_ms: i64::MIN,
            safe_since_ms: None,
            last_t_ms: None,
        }
    }

    /// Advances the state with a reading; returns the new level when it changed.
    pub fn step(&mut self, th: &Thresholds, t_ms: i64, value: f64) -> Option<AlarmLevel> {
        self.last_t_ms = Some(t_ms);
        let reached = th.level_of(value);
        if reached > self.level {
            self.level = reached;
            self.since_ms = t_ms;
            self.safe_since_ms = None;
            return Some(reached);
        }
        // The most severe level at or below the current one that the value has not cleared.
        let mut hold_at = AlarmLevel::None;
        for level in AlarmLevel::WARNINGS.into_iter().filter(|&l| l <= self.level) {
            if let Some(t) = th.get(level)
                && !th.clear_of(value, t.value)
            {
                hold_at = level;
            }
        }
        if hold_at >= self.level {
            self.safe_since_ms = None;
            return None;
        }
        let safe_since = *self.safe_since_ms.get_or_insert(t_ms);
        if (t_ms - safe_since) as f64 >= th.hold_s * 1000.0 {
            self.level = hold_at;
            self.since_ms = t_ms;
            self.safe_since_ms = None;
            return Some(hold_at);
        }
        None
    }
}

impl Default for PointState {
    fn default() -> Self {
        PointState::new()
    }
}

/// Scope of an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Point,
    Item,
    Pond,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Point => "point",
            Scope::Item => "item",
            Scope::Pond => "pond",
        }
    }
}

/// A raise (to a more severe level) or a clear (to a less severe one, possibly none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmEvent {
    pub t_ms: i64,
    pub pond: String,
    pub scope: Scope,
    /// Sensor id, `pond/kind` for items, pond id.
    pub subject: String,
    pub from: AlarmLevel,
    pub to: AlarmLevel,
    /// The alarm quantity (points only).
    pub value: Option<f64>,
    /// The threshold of the level raised to, or of the level cleared (points only).
    pub threshold: Option<f64>,
}

impl AlarmEvent {
    pub fn is_raise(&self) -> bool {
        self.to > self.from
    }
}

/// Result of [`Store::evaluate_alarms`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmEvaluation {
    pub pond: String,
    pub points: BTreeMap<String, AlarmLevel>,
    pub items: BTreeMap<SensorKind, AlarmLevel>,
    pub pond_level: AlarmLevel,
    /// Events of this evaluation, in time order (points before the items and pond they move).
    pub events: Vec<AlarmEvent>,
}

/// The alarm quantity of each plausible reading after `after_ms`, in time order.
fn alarm_series(
    store: &Store,
    sid: i64,
    kind: SensorKind,
    after_ms: Option<i64>,
    until_ms: i64,
) -> Result<Vec<(i64, f64)>, TwinError> {
    let window = kind.alarm_window_s().map(|s| s * 1000);
    let from = match (after_ms, window) {
        (Some(a), Some(w)) => a.saturating_sub(w),
        (Some(a), None) => a,
        (None, _) => i64::MIN,
    };
    let mut stmt = store.conn.prepare_cached(
        "SELECT t_ms, value FROM observations
         WHERE sid = ?1 AND t_ms > ?2 AND t_ms <= ?3 AND (flags & ?4) = 0 ORDER BY t_ms",
    )?;
    let rows: Vec<(i64, f64)> = stmt
        .query_map(params![sid, from, until_ms, FLAGS_IMPLAUSIBLE], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let Some(w) = window else { return Ok(rows) };
    // Trailing sums over (t − w, t] with two pointers.
    let mut out = Vec::new();
    let (mut lo, mut sum) = (0usize, 0.0);
    for &(t, v) in &rows {
        sum += v;
        while rows[lo].0 <= t - w {
            sum -= rows[lo].1;
            lo += 1;
        }
        if after_ms.is_none_or(|a| t > a) {
            out.push((t, sum.max(0.0)));
        }
    }
    Ok(out)
}

fn load_state(store: &Store, scope: Scope, subject: &str) -> Result<PointState, TwinError> {
    let row: Option<(String, i64, Option<i64>, Option<i64>)> = store
        .conn
        .query_row(
            "SELECT level, since_ms, safe_since_ms, last_t_ms FROM alarm_state
             WHERE scope = ?1 AND subject = ?2",
            params![scope.as_str(), subject],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((level, since_ms, safe_since_ms, last_t_ms)) = row else {
        return Ok(PointState::new());
    };
    let level = AlarmLevel::parse(&level)
        .ok_or_else(|| TwinError::Corrupt(format!("alarm level '{level}'")))?;
    Ok(PointState { level, since_ms, safe_since_ms, last_t_ms })
}

fn item_subject(pond: &str, kind: SensorKind) -> String {
    format!("{pond}/{}", kind.as_str())
}

impl Store {
    /// Evaluates the alarms of `pond` on the readings up to `until_ms` (all when `None`), continuing
    /// from the stored state; logs and returns the raise/clear events.
    pub fn evaluate_alarms(
        &mut self,
        pond: &str,
        until_ms: Option<i64>,
    ) -> Result<AlarmEvaluation, TwinError> {
        self.pond(pond)?;
        let until = until_ms.unwrap_or(i64::MAX);
        let sensors: Vec<Sensor> =
            self.sensors(Some(pond))?.into_iter().filter(|s| s.thresholds.is_some()).collect();
        // Point events, gathered per sensor then merged by time.
        let mut states: BTreeMap<String, PointState> = BTreeMap::new();
        let mut point_events: Vec<AlarmEvent> = Vec::new();
        for s in &sensors {
            let Some(th) = &s.thresholds else { continue };
            let sid: i64 =
                self.conn
                    .query_row("SELECT sid FROM sensors WHERE id = ?1", [&s.id], |r| r.get(0))?;
            let mut state = load_state(self, Scope::Point, &s.id)?;
            for (t, v) in alarm_series(self, sid, s.kind, state.last_t_ms, until)? {
                let from = state.level;
                if let Some(to) = state.step(th, t, v) {
                    let level_of_threshold = if to > from { to } else { from };
                    point_events.push(AlarmEvent {
                        t_ms: t,
                        pond: pond.into(),
                        scope: Scope::Point,
                        subject: s.id.clone(),
                        from,
                        to,
                        value: Some(v),
                        threshold: th.get(level_of_threshold).map(|x| x.value),
                    });
                }
            }
            states.insert(s.id.clone(), state);
        }
        point_events.sort_by(|a, b| (a.t_ms, &a.subject).cmp(&(b.t_ms, &b.subject)));

        // Replay the roll-up at each instant with point changes.
        let mut current: BTreeMap<String, AlarmLevel> = BTreeMap::new();
        for s in &sensors {
            current.insert(s.id.clone(), load_state(self, Scope::Point, &s.id)?.level);
        }
        let kinds: Vec<SensorKind> = {
            let mut k: Vec<SensorKind> = sensors.iter().map(|s| s.kind).collect();
            k.sort();
            k.dedup();
            k
        };
        let mut item_states: BTreeMap<SensorKind, PointState> = BTreeMap::new();
        for &k in &kinds {
            item_states.insert(k, load_state(self, Scope::Item, &item_subject(pond, k))?);
        }
        let mut pond_state = load_state(self, Scope::Pond, pond)?;
        let kind_of: BTreeMap<&str, SensorKind> =
            sensors.iter().map(|s| (s.id.as_str(), s.kind)).collect();
        let mut events = Vec::new();
        let mut i = 0;
        while i < point_events.len() {
            let t = point_events[i].t_ms;
            while i < point_events.len() && point_events[i].t_ms == t {
                current.insert(point_events[i].subject.clone(), point_events[i].to);
                events.push(point_events[i].clone());
                i += 1;
            }
            let mut item_levels = Vec::new();
            for &k in &kinds {
                let members: Vec<AlarmLevel> = current
                    .iter()
                    .filter(|(id, _)| kind_of[id.as_str()] == k)
                    .map(|(_, l)| *l)
                    .collect();
                let level = roll_up(&members);
                let st =
                    item_states.get_mut(&k).ok_or_else(|| TwinError::Corrupt("item".into()))?;
                if level != st.level {
                    events.push(group_event(
                        t,
                        pond,
                        Scope::Item,
                        item_subject(pond, k),
                        st.level,
                        level,
                    ));
                    st.level = level;
                    st.since_ms = t;
                }
                item_levels.push(level);
            }
            let level = roll_up(&item_levels);
            if level != pond_state.level {
                events.push(group_event(
                    t,
                    pond,
                    Scope::Pond,
                    pond.into(),
                    pond_state.level,
                    level,
                ));
                pond_state.level = level;
                pond_state.since_ms = t;
            }
        }

        let tx = self.conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO alarm_state(scope, subject, pond_id, level, since_ms,
                                                    safe_since_ms, last_t_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut save = |scope: Scope, subject: &str, st: &PointState| {
                put.execute(params![
                    scope.as_str(),
                    subject,
                    pond,
                    st.level.as_str(),
                    st.since_ms,
                    st.safe_since_ms,
                    st.last_t_ms
                ])
            };
            for (id, st) in &states {
                save(Scope::Point, id, st)?;
            }
            for (k, st) in &item_states {
                save(Scope::Item, &item_subject(pond, *k), st)?;
            }
            save(Scope::Pond, pond, &pond_state)?;
            let mut log = tx.prepare_cached(
                "INSERT INTO alarm_log(pond_id, t_ms, scope, subject, event, from_level, to_level,
                                       value, threshold, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for e in &events {
                let detail = format!(
                    "{} {} → {} ({} → {})",
                    e.subject,
                    e.from.name_zh(),
                    e.to.name_zh(),
                    e.from.as_str(),
                    e.to.as_str()
                );
                log.execute(params![
                    pond,
                    e.t_ms,
                    e.scope.as_str(),
                    e.subject,
                    if e.is_raise() { "raise" } else { "clear" },
                    e.from.as_str(),
                    e.to.as_str(),
                    e.value,
                    e.threshold,
                    detail
                ])?;
            }
        }
        tx.commit()?;
        Ok(AlarmEvaluation {
            pond: pond.into(),
            points: current,
            items: item_states.iter().map(|(k, s)| (*k, s.level)).collect(),
            pond_level: pond_state.level,
            events,
        })
    }

    /// The alarm log of a pond, oldest first.
    pub fn alarm_log(&self, pond: &str) -> Result<Vec<AlarmEvent>, TwinError> {
        let mut stmt = self.conn.prepare(
            "SELECT t_ms, scope, subject, from_level, to_level, value, threshold
             FROM alarm_log WHERE pond_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([pond], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<f64>>(5)?,
                r.get::<_, Option<f64>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (t_ms, scope, subject, from, to, value, threshold) = row?;
            let level = |s: &str| {
                AlarmLevel::parse(s).ok_or_else(|| TwinError::Corrupt(format!("alarm level '{s}'")))
            };
            let scope = match scope.as_str() {
                "point" => Scope::Point,
                "item" => Scope::Item,
                _ => Scope::Pond,
            };
            out.push(AlarmEvent {
                t_ms,
                pond: pond.into(),
                scope,
                subject,
                from: level(&from)?,
                to: level(&to)?,
                value,
                threshold,
            });
        }
        Ok(out)
    }
}

fn group_event(
    t: i64,
    pond: &str,
    scope: Scope,
    subject: String,
    from: AlarmLevel,
    to: AlarmLevel,
) -> AlarmEvent {
    AlarmEvent {
        t_ms: t,
        pond: pond.into(),
        scope,
        subject,
        from,
        to,
        value: None,
        threshold: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AlarmLevel::*;

    #[test]
    fn roll_up_follows_the_counts_of_gb39496() {
        assert_eq!(roll_up(&[]), None);
        assert_eq!(roll_up(&[Blue, Blue, Blue]), Blue);
        assert_eq!(roll_up(&[Blue, Blue, Blue, Blue]), Yellow);
        assert_eq!(roll_up(&[Yellow, Yellow, None]), Yellow);
        assert_eq!(roll_up(&[Yellow, Yellow, Yellow]), Orange);
        assert_eq!(roll_up(&[Orange, Blue]), Orange);
        assert_eq!(roll_up(&[Orange, Orange]), Red);
        assert_eq!(roll_up(&[Red]), Red);
        // "at L or above": two yellows and a red are three points past yellow → orange, and red wins.
        assert_eq!(roll_up(&[Yellow, Yellow, Orange]), Orange);
        assert_eq!(roll_up(&[Blue, Blue, Yellow, Orange]), Orange);
    }
}
