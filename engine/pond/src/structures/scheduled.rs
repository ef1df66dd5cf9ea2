//! A structure whose condition changes at given times: "decant tower 60 % blocked from hour 6".
//!
//! The condition is a step function of time: the structure's own condition before the first
//! change, then each change's condition from its time on. Each state is the same structure with
//! [`Structure::with_condition`], so a state routes exactly as a structure built with that
//! condition would. The change times are [`Outlet::time_breakpoints`]: the router cuts its
//! forcing pieces there and evaluates the outlet per piece ([`Outlet::discharge_in_piece`]), so
//! every step lies wholly before or wholly after a change, the run up to the first change is the
//! unscheduled run, and nothing is smoothed. Outside the router, [`Outlet::discharge`] is
//! right-continuous: at a change time it gives the state after the change.

use super::common::Condition;
use super::error::StructureError;
use super::{Outlet, Structure};
use tailtwin_core::{Discharge, Elevation};

/// A structure with a schedule of condition changes (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduled {
    base: Structure,
    /// `(from_s, condition, the structure in that condition)`, times strictly increasing.
    changes: Vec<(f64, Condition, Structure)>,
}

impl Scheduled {
    /// `base` as built, changing to each `(from_s, condition)` at `from_s` (s from the routing
    /// start, finite, ≥ 0, strictly increasing). A change at 0 applies from the start.
    pub fn new(base: Structure, changes: &[(f64, Condition)]) -> Result<Self, StructureError> {
        let id = base.structure_id().to_string();
        if matches!(base, Structure::Scheduled(_)) {
            return Err(StructureError::NotApplicable {
                structure: id,
                option: "a second schedule",
                kind: "scheduled structure",
            });
        }
        let mut out = Vec::with_capacity(changes.len());
        for (i, &(t, c)) in changes.iter().enumerate() {
            if !(t.is_finite() && t >= 0.0) {
                return Err(StructureError::OutOfRange {
                    structure: id,
                    parameter: "schedule time_s",
                    value: t,
                    min: 0.0,
                    max: f64::INFINITY,
                });
            }
            if i > 0 && t <= changes[i - 1].0 {
                return Err(StructureError::TableStagesNotIncreasing {
                    structure: format!("{id} schedule (time)"),
                    index: i,
                    stage: t,
                    previous: changes[i - 1].0,
                });
            }
            let c = c.validate(&id)?;
            out.push((t, c, base.clone().with_condition(c)?));
        }
        Ok(Scheduled { base, changes: out })
    }

    /// The structure before the first change.
    pub fn base(&self) -> &Structure {
        &self.base
    }

    /// The changes, `(from_s, condition)`.
    pub fn changes(&self) -> impl Iterator<Item = (f64, Condition)> + '_ {
        self.changes.iter().map(|(t, c, _)| (*t, *c))
    }

    /// The same schedule on a base with another condition.
    pub fn with_base_condition(&self, condition: Condition) -> Result<Self, StructureError> {
        let changes: Vec<(f64, Condition)> = self.changes().collect();
        Scheduled::new(self.base.clone().with_condition(condition)?, &changes)
    }

    /// The state in force at `time_s` (right-continuous: a change applies from its time on).
    pub fn state_at(&self, time_s: f64) -> &Structure {
        self.changes.iter().rev().find(|(t, _, _)| time_s >= *t).map_or(&self.base, |(_, _, s)| s)
    }
}

impl Outlet for Scheduled {
    fn id(&self) -> &str {
        self.base.id()
    }
    fn kind(&self) -> &str {
        self.base.kind()
    }
    fn discharge(&self, stage: Elevation, time_s: f64) -> Discharge {
        self.state_at(time_s).discharge(stage, time_s)
    }
    fn transition_stages(&self) -> Vec<Elevation> {
        self.base.transition_stages()
    }
    fn stage_limit(&self) -> Option<Elevation> {
        self.base.stage_limit()
    }
    /// Steady after the last change, when the structure itself is steady.
    fn steady_from_s(&self) -> Option<f64> {
        let last = self.changes.iter().map(|(t, _, _)| *t).fold(0.0, f64::max);
        self.base.steady_from_s().map(|t| t.max(last))
    }
    fn time_breakpoints(&self) -> Vec<f64> {
        let mut t = self.base.time_breakpoints();
        t.extend(self.changes.iter().map(|(t, _, _)| *t).filter(|&t| t > 0.0));
        t
    }
    /// The state of the piece's interior (its midpoint): a change at the piece end is not yet in
    /// force, a change at its start is.
    fn discharge_in_piece(&self, stage: Elevation, time_s: f64, a: f64, b: f64) -> Discharge {
        self.state_at(0.5 * (a + b)).discharge_in_piece(stage, time_s, a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structures::Weir;

    fn weir() -> Structure {
        Weir::swmm_transverse("w", Elevation(100.0), 10.0, 1.70, 3.0).unwrap().into()
    }

    // Goal: the state is the base before the first change and each change's from its time on;
    // inside a router piece the piece's interior decides. Reference: the same weir with the
    // condition set directly (same code path, so exact).
    #[test]
    fn condition_steps_at_the_change_times() {
        let blocked = Condition::Blocked { remaining: 0.4 };
        let s = Scheduled::new(weir(), &[(3600.0, blocked), (7200.0, Condition::Closed)]).unwrap();
        let z = Elevation(101.0);
        let intact = weir().discharge(z, 0.0).flow_m3s;
        let part = weir().with_condition(blocked).unwrap().discharge(z, 0.0).flow_m3s;
        assert_eq!(s.discharge(z, 3599.9).flow_m3s, intact);
        assert_eq!(s.discharge(z, 3600.0).flow_m3s, part);
        assert_eq!(s.discharge(z, 7200.0).flow_m3s, 0.0);
        // The piece ending at the change still sees the intact weir at its end.
        assert_eq!(s.discharge_in_piece(z, 3600.0, 1800.0, 3600.0).flow_m3s, intact);
        assert_eq!(s.discharge_in_piece(z, 3600.0, 3600.0, 5400.0).flow_m3s, part);
        assert_eq!(s.time_breakpoints(), vec![3600.0, 7200.0]);
    }

    // Goal: bad schedules are errors naming the structure: negative or NaN time, times not
    // increasing, a remaining fraction outside [0, 1], a schedule of a schedule.
    #[test]
    fn bad_schedules_are_rejected_with_the_structure_id() {
        let b = Condition::Blocked { remaining: 0.5 };
        for bad in [
            vec![(-1.0, b)],
            vec![(f64::NAN, b)],
            vec![(10.0, b), (10.0, b)],
            vec![(10.0, Condition::Blocked { remaining: 1.5 })],
        ] {
            let e = Scheduled::new(weir(), &bad).unwrap_err();
            assert!(e.to_string().starts_with("w"), "{e}");
        }
        let s: Structure = Scheduled::new(weir(), &[(1.0, b)]).unwrap().into();
        assert!(Scheduled::new(s, &[(2.0, b)]).is_err());
    }
}
