//! Dam breach (溃口): a trapezoidal opening that grows through the dam crest in time, with
//! broad-crested weir flow through it, plus the trigger that starts it and the published
//! regressions for its size, formation time, peak outflow and tailings release
//! ([`regressions`]).
//!
//! # Geometry and growth
//!
//! The breach is a trapezoid cut down from the dam crest `z_c`. At initiation `t₀` it is an
//! initial notch (bottom `z_n`, bottom width `b_n`, default: `z_c` and 0 m); over the formation
//! time `t_f` its bottom falls linearly in the progression fraction `p(t)` to the final bottom
//! `z_b`, and its bottom width grows to `b_f`; side slopes `s` (horizontal : vertical) are fixed:
//!
//! `z_bot(t) = z_n + p (z_b − z_n)`, `b(t) = b_n + p (b_f − b_n)`, with
//! `τ = (t − t₀)/t_f` clamped to [0, 1] and `p = τ` ([`Progression::Linear`]) or
//! `p = ½ (1 − cos πτ)` ([`Progression::Sine`], slow start, fast middle, slow end — the sine
//! wave of HEC-RAS). `t_f = 0` is an instantaneous breach (`p = 1` for `t ≥ t₀`).
//! Before `t₀` the breach passes nothing (the dam is intact; overtopping is the router's job).
//!
//! # Flow
//!
//! Broad-crested weir flow through the trapezoid, as in Fread's BREACH/DAMBRK and HEC-RAS: a
//! rectangular part over the bottom width and two triangular side parts,
//!
//! `Q = k_s [C_r b H^1.5 + C_t s H^2.5]`, `H = z − z_bot(t)`,
//!
//! with the critical-flow coefficients `C_r = (2/3)^1.5 √g = 1.705 m^½/s` (critical depth
//! `2H/3` over a rectangle) and `C_t = (4/5)^2.5 √(g/2) = 1.268 m^½/s` (critical depth `4H/5`
//! in a triangle of side slope `s`) as defaults ([`WeirCoefficients::CRITICAL_FLOW`]). Fread's
//! US-unit 3.1 and 2.45 are 1.711 and 1.353 in SI ([`WeirCoefficients::FREAD`]). Submergence by a
//! tailwater `z_t` uses Fread's factor `k_s = 1 − 27.8 (r − 0.67)³` for
//! `r = (z_t − z_bot)/(z − z_bot) > 0.67` (else 1), clamped to ≥ 0; no flow while `z ≤ z_t`.
//!
//! **Weir law vs Ritter.** An instantaneous full-width breach of a wide prismatic reservoir
//! discharges, in the exact unsteady solution (Ritter 1892), `q = (8/27) √g h³ᐟ² = 0.296 √g h³ᐟ²`
//! per unit width for all time: the negative wave lowers the reservoir behind the dam, and the
//! Riemann invariant `u + 2c = 2c₀` (not Bernoulli from still water) fixes the dam-site state
//! `h = 4h₀/9`, `u = c`. The weir law assumes a still, steady pool whose energy head is the pond
//! level: critical depth `2h/3` and `q = (2/3)^1.5 √g h^1.5 = 0.544 √g h^1.5`, i.e.
//! `27/8 · (2/3)^1.5 = 1.837` times Ritter. For a real pond much wider than its breach the
//! pool is close to still and the weir law is the standard (the level-pool router draws the
//! pond down); for a breach the full width of a channel-like reservoir it overstates the first
//! minutes' outflow by that factor. [`WeirCoefficients::RITTER`] gives the dam-site law for that
//! case (verified in `tests/breach.rs` and, on the 2D solver, in `tests/inundation.rs`).
//!
//! # Triggers
//!
//! [`Outlet::discharge`](super::Outlet::discharge) must be pure in `(stage, t)`, so a breach
//! cannot remember that the pond overtopped. A [`BreachTrigger`] therefore resolves to an
//! initiation time on a stage series with [`resolve_trigger`]: the pipeline routes once without
//! the breach, finds `t₀`, builds the [`Breach`] with it and routes again. The second route is
//! identical to the first up to `t₀` (the breach passes nothing before), so `t₀` is consistent.
//!
//! # Assumptions
//!
//! An open breach from `t₀` (a piping breach is taken as collapsed into an open breach at `t₀`;
//! the orifice stage of a pipe is not modelled); flow is water (a tailings mixture's extra
//! volume is a [`regressions`] release estimate handled downstream); the breach never widens
//! beyond its final size; no reverse flow.
//!
//! # References
//!
//! Fread, D. L. (1988, rev. 1991) *BREACH: an erosion model for earthen dam failures*, NWS;
//! Fread (1984) *DAMBRK*, NWS; USACE (2023) *HEC-RAS Hydraulic Reference Manual*, dam breach;
//! Ritter, A. (1892) *Z. Ver. Dtsch. Ing.* 36; Froehlich (2008, 2016); MacDonald &
//! Langridge-Monopolis (1984); Rico et al. (2008); Larrauri & Lall (2018) — see [`regressions`].

pub mod regressions;

use super::common::{Condition, StructureId, pow1_5};
use super::error::{StructureError, crown_above_base, finite, in_range, positive};
use tailtwin_core::{Control, Discharge, Elevation, G, Regime, RoutedPond};

/// How the breach grows from the notch to its final size over the formation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Progression {
    /// `p = τ`.
    #[default]
    Linear,
    /// `p = ½ (1 − cos πτ)`.
    Sine,
}

impl Progression {
    /// Fraction of the final breach formed at normalised time `τ ∈ [0, 1]`.
    pub fn fraction(self, tau: f64) -> f64 {
        let tau = tau.clamp(0.0, 1.0);
        match self {
            Progression::Linear => tau,
            Progression::Sine => 0.5 * (1.0 - (std::f64::consts::PI * tau).cos()),
        }
    }
}

/// Weir coefficients of the breach law `Q = C_r b H^1.5 + C_t s H^2.5` (SI, m^½/s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeirCoefficients {
    /// Rectangular part, `C_r`.
    pub rectangular: f64,
    /// Triangular side parts, `C_t`.
    pub triangular: f64,
}

impl WeirCoefficients {
    /// Critical flow from a still pool: `(2/3)^1.5 √g` and `(4/5)^2.5 √(g/2)` (g = 9.81).
    pub const CRITICAL_FLOW: WeirCoefficients =
        WeirCoefficients { rectangular: 1.704_894_913_672_59, triangular: 1.267_781_684_676_033 };
    /// Fread (1988) BREACH: 3.1 and 2.45 ft^½/s, converted with √0.3048.
    pub const FREAD: WeirCoefficients =
        WeirCoefficients { rectangular: 1.711_469_543_988_44, triangular: 1.352_613_026_700_542 };
    /// Ritter's dam-site discharge `(8/27) √g` for the rectangular part (instantaneous
    /// full-width breach of a prismatic reservoir); the side parts scaled by the same ratio to
    /// critical flow (27/8 · (2/3)^1.5)⁻¹.
    pub const RITTER: WeirCoefficients =
        WeirCoefficients { rectangular: 0.928_027_245_236_493, triangular: 0.690_092_940_600_516 };
}

impl Default for WeirCoefficients {
    fn default() -> Self {
        WeirCoefficients::CRITICAL_FLOW
    }
}

/// Final size of a breach and how it gets there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreachGeometry {
    /// Final breach bottom, m (absolute).
    pub final_bottom: Elevation,
    /// Final bottom width, m (≥ 0; 0 is a triangular breach).
    pub final_bottom_width_m: f64,
    /// Side slope, horizontal : vertical (≥ 0; 0 is a rectangular breach).
    pub side_slope: f64,
    /// Formation time `t_f`, s (0: instantaneous).
    pub formation_time_s: f64,
    pub progression: Progression,
}

/// A growing trapezoidal breach through the dam crest.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    id: StructureId,
    crest: f64,
    geometry: BreachGeometry,
    initiation_s: f64,
    notch_bottom: f64,
    notch_width: f64,
    coefficients: WeirCoefficients,
    tailwater: Option<f64>,
    condition: Condition,
}

impl Breach {
    /// A breach through a dam whose crest is `crest`, starting at `initiation_s` as a zero-size
    /// notch at the crest and growing to `geometry`.
    pub fn new(
        id: impl Into<StructureId>,
        crest: Elevation,
        geometry: BreachGeometry,
        initiation_s: f64,
    ) -> Result<Self, StructureError> {
        let id = id.into();
        let s = id.as_str();
        finite(s, "crest", crest.m())?;
        finite(s, "final_bottom", geometry.final_bottom.m())?;
        crown_above_base(s, crest.m(), geometry.final_bottom.m())?;
        in_range(s, "final_bottom_width", geometry.final_bottom_width_m, 0.0, 1e5)?;
        in_range(s, "side_slope", geometry.side_slope, 0.0, 100.0)?;
        in_range(s, "formation_time", geometry.formation_time_s, 0.0, 1e7)?;
        finite(s, "initiation_time", initiation_s)?;
        if geometry.final_bottom_width_m == 0.0 && geometry.side_slope == 0.0 {
            return Err(StructureError::NotPositive {
                structure: id.to_string(),
                parameter: "final_bottom_width (with side_slope 0)",
                value: 0.0,
            });
        }
        Ok(Breach {
            id,
            crest: crest.m(),
            geometry,
            initiation_s,
            notch_bottom: crest.m(),
            notch_width: 0.0,
            coefficients: WeirCoefficients::CRITICAL_FLOW,
            tailwater: None,
            condition: Condition::Intact,
        })
    }

    /// The initial notch at `t₀`: bottom between the final bottom and the crest, width up to
    /// the final bottom width.
    pub fn with_initial_notch(
        mut self,
        bottom: Elevation,
        width_m: f64,
    ) -> Result<Self, StructureError> {
        let s = self.id.as_str();
        in_range(
            s,
            "initial_notch.bottom",
            bottom.m(),
            self.geometry.final_bottom.m(),
            self.crest,
        )?;
        in_range(s, "initial_notch.width", width_m, 0.0, self.geometry.final_bottom_width_m)?;
        self.notch_bottom = bottom.m();
        self.notch_width = width_m;
        Ok(self)
    }

    /// Weir coefficients (default [`WeirCoefficients::CRITICAL_FLOW`]).
    pub fn with_coefficients(mut self, c: WeirCoefficients) -> Result<Self, StructureError> {
        let s = self.id.as_str();
        positive(s, "coefficients.rectangular", c.rectangular)?;
        positive(s, "coefficients.triangular", c.triangular)?;
        self.coefficients = c;
        Ok(self)
    }

    /// A fixed tailwater level downstream of the breach (Fread's submergence factor).
    pub fn with_tailwater(mut self, tailwater: Elevation) -> Result<Self, StructureError> {
        self.tailwater = Some(finite(self.id.as_str(), "tailwater", tailwater.m())?);
        Ok(self)
    }

    /// Move the initiation time (a resolved trigger).
    pub fn with_initiation(mut self, initiation_s: f64) -> Result<Self, StructureError> {
        self.initiation_s = finite(self.id.as_str(), "initiation_time", initiation_s)?;
        Ok(self)
    }

    /// Scale the flow (e.g. a partly armoured breach); `Closed` passes nothing.
    pub fn with_condition(mut self, condition: Condition) -> Result<Self, StructureError> {
        self.condition = condition.validate(self.id.as_str())?;
        Ok(self)
    }

    pub fn id(&self) -> &StructureId {
        &self.id
    }
    pub fn crest(&self) -> Elevation {
        Elevation(self.crest)
    }
    pub fn geometry(&self) -> &BreachGeometry {
        &self.geometry
    }
    pub fn initiation_s(&self) -> f64 {
        self.initiation_s
    }
    pub fn coefficients(&self) -> WeirCoefficients {
        self.coefficients
    }

    /// Time at which the breach reaches its final size, s.
    pub fn full_formation_s(&self) -> f64 {
        self.initiation_s + self.geometry.formation_time_s
    }

    /// Fraction formed at time `t` (0 before `t₀`, 1 after `t₀ + t_f`).
    pub fn formed_fraction(&self, time_s: f64) -> f64 {
        if time_s < self.initiation_s {
            return 0.0;
        }
        let tf = self.geometry.formation_time_s;
        if tf == 0.0 {
            return 1.0;
        }
        self.geometry.progression.fraction((time_s - self.initiation_s) / tf)
    }

    /// Breach bottom elevation and bottom width at time `t`; `None` before initiation.
    pub fn shape_at(&self, time_s: f64) -> Option<(Elevation, f64)> {
        if time_s < self.initiation_s || time_s.is_nan() {
            return None;
        }
        let p = self.formed_fraction(time_s);
        let bottom = self.notch_bottom + p * (self.geometry.final_bottom.m() - self.notch_bottom);
        let width = self.notch_width + p * (self.geometry.final_bottom_width_m - self.notch_width);
        Some((Elevation(bottom), width))
    }

    /// Top width of the breach at stage `z` and time `t` (0 when dry or before initiation).
    pub fn top_width_at(&self, stage: Elevation, time_s: f64) -> f64 {
        match self.shape_at(time_s) {
            Some((bottom, b)) if stage.m() > bottom.m() => {
                b + 2.0 * self.geometry.side_slope * (stage.m() - bottom.m())
            }
            _ => 0.0,
        }
    }

    /// Intact (condition-free) discharge at stage `z` and time `t`.
    pub fn discharge_at(&self, z: f64, time_s: f64) -> Discharge {
        if z.is_nan() {
            return Discharge { flow_m3s: f64::NAN, ..Discharge::DRY };
        }
        let Some((bottom, b)) = self.shape_at(time_s) else {
            return Discharge::DRY;
        };
        let h = z - bottom.m();
        if h <= 0.0 || self.tailwater.is_some_and(|t| z <= t) {
            return Discharge::DRY;
        }
        let c = self.coefficients;
        let h15 = pow1_5(h);
        let mut q = c.rectangular * b * h15 + c.triangular * self.geometry.side_slope * h15 * h;
        if let Some(t) = self.tailwater {
            q *= fread_submergence((t - bottom.m()) / h);
        }
        Discharge { flow_m3s: q, regime: Regime::Weir, control: Control::Inlet }
    }
}

/// Fread's submergence factor `1 − 27.8 (r − 0.67)³` for `r > 0.67`, clamped to [0, 1].
pub fn fread_submergence(ratio: f64) -> f64 {
    if ratio <= 0.67 {
        1.0
    } else {
        let d = ratio.min(1.0) - 0.67;
        (1.0 - 27.8 * d * d * d).clamp(0.0, 1.0)
    }
}

impl super::Outlet for Breach {
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn kind(&self) -> &str {
        "breach"
    }
    fn discharge(&self, stage: Elevation, time_s: f64) -> Discharge {
        self.condition.apply(self.discharge_at(stage.m(), time_s))
    }
    /// The final bottom and the crest (the breach's extent in stage); the breach's bottom moves
    /// in time, so its kinks in stage are not fixed.
    fn transition_stages(&self) -> Vec<Elevation> {
        vec![self.geometry.final_bottom, Elevation(self.crest)]
    }
}

/// What starts a breach. Each resolves to an initiation time with [`resolve_trigger`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreachTrigger {
    /// Overtopping: the stage stays above `crest + depth_m` for `duration_s` without a break;
    /// `t₀` is the end of that interval.
    Overtopping { crest: Elevation, depth_m: f64, duration_s: f64 },
    /// Piping starting at a given time.
    PipingAtTime { time_s: f64 },
    /// Piping starting when the stage first reaches `level`.
    PipingAtLevel { level: Elevation },
    /// A forced failure at a time (drills, what-if runs).
    Forced { time_s: f64 },
}

impl BreachTrigger {
    /// Is this a piping failure (Froehlich's `k_o = 1`, not overtopping's 1.3)?
    pub fn is_overtopping(&self) -> bool {
        matches!(self, BreachTrigger::Overtopping { .. })
    }

    fn validate(&self) -> Result<(), StructureError> {
        let s = "breach trigger";
        match *self {
            BreachTrigger::Overtopping { crest, depth_m, duration_s } => {
                finite(s, "crest", crest.m())?;
                in_range(s, "depth", depth_m, 0.0, 1e3)?;
                in_range(s, "duration", duration_s, 0.0, 1e9)?;
            }
            BreachTrigger::PipingAtTime { time_s } | BreachTrigger::Forced { time_s } => {
                finite(s, "time", time_s)?;
            }
            BreachTrigger::PipingAtLevel { level } => {
                finite(s, "level", level.m())?;
            }
        }
        Ok(())
    }
}

/// The initiation time `t₀` of `trigger` on the stage series `(time_s, stage_m)` (a route
/// without the breach), or `None` when it never fires within the series. Level crossings are
/// located by linear interpolation between samples. Time triggers return their time whatever
/// the series (a time outside the routed span is still the user's choice).
///
/// Errors: mismatched or non-increasing series, a non-finite stage, or an invalid trigger.
pub fn resolve_trigger(
    trigger: &BreachTrigger,
    time_s: &[f64],
    stage_m: &[f64],
) -> Result<Option<f64>, StructureError> {
    trigger.validate()?;
    if time_s.len() != stage_m.len() {
        return Err(StructureError::TableLengthMismatch {
            structure: "breach trigger series".into(),
            stages: stage_m.len(),
            flows: time_s.len(),
        });
    }
    for (i, w) in time_s.windows(2).enumerate() {
        if w[1].is_nan() || w[1] <= w[0] {
            return Err(StructureError::TableStagesNotIncreasing {
                structure: "breach trigger series (time)".into(),
                index: i + 1,
                stage: w[1],
                previous: w[0],
            });
        }
    }
    if let Some(&bad) = stage_m.iter().find(|z| !z.is_finite()) {
        return Err(StructureError::NonFiniteStage {
            structure: "breach trigger series".into(),
            stage: bad,
        });
    }
    Ok(match *trigger {
        BreachTrigger::PipingAtTime { time_s: t } | BreachTrigger::Forced { time_s: t } => Some(t),
        BreachTrigger::PipingAtLevel { level } => first_exceedance(time_s, stage_m, level.m(), 0.0),
        BreachTrigger::Overtopping { crest, depth_m, duration_s } => {
            first_exceedance(time_s, stage_m, crest.m() + depth_m, duration_s)
        }
    })
}

/// [`resolve_trigger`] on a routed pond's stage series.
pub fn resolve_trigger_on_route(
    trigger: &BreachTrigger,
    routed: &RoutedPond,
) -> Result<Option<f64>, StructureError> {
    resolve_trigger(trigger, &routed.time_s, &routed.stage_m)
}

/// First time `t` at which the stage has been at or above `level` continuously for
/// `duration` (so `t = start of that run + duration`); crossings interpolated linearly.
fn first_exceedance(time: &[f64], stage: &[f64], level: f64, duration: f64) -> Option<f64> {
    let mut run_start: Option<f64> = None;
    for i in 0..time.len() {
        let above = stage[i] >= level;
        match (run_start, above) {
            (None, true) => {
                run_start = Some(if i == 0 {
                    time[0]
                } else {
                    crossing(time[i - 1], stage[i - 1], time[i], stage[i], level)
                });
            }
            (Some(_), false) => {
                let end = crossing(time[i - 1], stage[i - 1], time[i], stage[i], level);
                if let Some(t) = run_start.filter(|s| end - s >= duration) {
                    return Some(t + duration);
                }
                run_start = None;
            }
            _ => {}
        }
        if let Some(s) = run_start
            && time[i] - s >= duration
        {
            return Some(s + duration);
        }
    }
    None
}

/// Time at which the straight line between two samples crosses `level`.
fn crossing(t0: f64, z0: f64, t1: f64, z1: f64, level: f64) -> f64 {
    if z1 == z0 { t1 } else { t0 + (level - z0) / (z1 - z0) * (t1 - t0) }
}

/// Gravity used by the coefficient constants (they are written out for g = 9.81).
pub const BREACH_G: f64 = G;
