//! The time loop: adaptive (or fixed-step) Dormand–Prince 5(4) in storage, steps landing on
//! forcing breakpoints and event levels, every volume term accumulated with the RK weights.

use super::dopri::{A, B, C, Controller, Dense, E};
use super::events::{self, Level, LevelKind};
use super::system::{Piece, System, pieces};
use super::{Method, RoutingError, RoutingSettings};
use crate::pond::Pond;
use crate::structures::Outlet;
use tailtwin_core::{Event, Hydrograph, Hyetograph};

/// Neumaier-compensated running sum: volume totals stay exact to round-off over 10⁵ steps.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sum {
    sum: f64,
    comp: f64,
}

impl Sum {
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.comp += (self.sum - t) + x;
        } else {
            self.comp += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub fn value(&self) -> f64 {
        self.sum + self.comp
    }
}

/// What the time loop hands to the output stage.
pub(crate) struct Run {
    pub segments: Vec<Dense>,
    /// Volume per term `[inflow, rain, outlets…, overtopping]`, m³.
    pub volumes: Vec<f64>,
    pub initial_storage: f64,
    pub final_storage: f64,
    pub events: Vec<Event>,
    /// Largest storage and its time (step ends and located interior maxima).
    pub peak_storage: f64,
    pub time_of_peak_s: f64,
    /// For each flow `[total outflow, outlet_0, …]`: index into `segments` whose end time had
    /// the largest sampled value, or `None` for t = 0.
    pub best_flow_segment: Vec<Option<usize>>,
    pub steps: usize,
    pub rejected: usize,
    pub evaluations: usize,
    pub min_step_s: f64,
    pub max_step_s: f64,
}

/// One trial step from `(t, s)` with slope `k[0]`/terms row 0 already set.
struct Trial {
    y1: f64,
    err: f64,
}

/// Trapezoidal weights of the storage-indication method on the same 7-row layout (rows 0 and 6
/// are the states at the start and end of the step).
const PULS_WEIGHTS: [f64; 7] = [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5];

struct Stepper<'a> {
    sys: System<'a>,
    n: usize,
    /// Stage slopes and the terms of each stage (row-major, 7 × n).
    k: [f64; 7],
    terms: Vec<f64>,
    rtol: f64,
    atol: f64,
    /// Quadrature weights of the storage update (and of every volume term).
    weights: [f64; 7],
    puls: bool,
}

impl Stepper<'_> {
    fn trial(&mut self, t: f64, s: f64, h: f64, piece: &Piece) -> Result<Trial, RoutingError> {
        if self.puls {
            return self.puls_trial(t, s, h, piece);
        }
        let n = self.n;
        for i in 1..7 {
            let acc: f64 = A[i][..i].iter().zip(&self.k[..i]).map(|(a, k)| a * k).sum();
            let ti = t + C[i] * h;
            let row = &mut self.terms[i * n..(i + 1) * n];
            self.k[i] = self.sys.eval(ti, s + h * acc, piece, row)?;
        }
        let y1 = s + h * (0..6).map(|i| B[i] * self.k[i]).sum::<f64>();
        let e = h * (0..7).map(|i| E[i] * self.k[i]).sum::<f64>();
        let sk = self.atol + self.rtol * s.abs().max(y1.abs());
        let err = if sk > 0.0 { e.abs() / sk } else { 0.0 };
        Ok(Trial { y1, err })
    }

    /// Storage-indication (modified Puls) step: the trapezoidal rule
    /// `S₁ = S₀ + h/2 (f(t₀, S₀) + f(t₁, S₁))`, solved for `S₁` by a bracketed Illinois
    /// iteration on the exact outlets (no storage–outflow table), to round-off.
    fn puls_trial(&mut self, t: f64, s: f64, h: f64, piece: &Piece) -> Result<Trial, RoutingError> {
        let t1 = t + h;
        let rhs = s + 0.5 * h * self.k[0];
        // G(x) = x − h/2 f(t₁, x) − rhs rises with x (outflow rises with storage).
        let g = |st: &mut Self, x: f64| -> Result<f64, RoutingError> {
            let n = st.n;
            let row = &mut st.terms[6 * n..7 * n];
            st.k[6] = st.sys.eval(t1, x, piece, row)?;
            Ok(x - 0.5 * h * st.k[6] - rhs)
        };
        let x0 = s + h * self.k[0];
        let g0 = g(self, x0)?;
        let mut delta = (h * self.k[0]).abs().max(1e-6 * s.abs()).max(self.atol).max(1e-9);
        let (mut a, mut ga, mut b, mut gb) = (x0, g0, x0, g0);
        for _ in 0..200 {
            if (ga <= 0.0) != (gb <= 0.0) || ga == 0.0 || gb == 0.0 {
                break;
            }
            if g0 > 0.0 {
                a = x0 - delta;
                ga = g(self, a)?;
            } else {
                b = x0 + delta;
                gb = g(self, b)?;
            }
            delta *= 2.0;
        }
        // Illinois on [a, b] (G(a) ≤ 0 ≤ G(b)).
        let mut side = 0i8;
        for _ in 0..200 {
            if ga == 0.0
                || gb == 0.0
                || (b - a).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs()).max(1.0)
            {
                break;
            }
            let c = (a * gb - b * ga) / (gb - ga);
            let c = if c > a.min(b) && c < a.max(b) { c } else { 0.5 * (a + b) };
            let gc = g(self, c)?;
            if gc <= 0.0 {
                a = c;
                ga = gc;
                if side == 1 {
                    gb *= 0.5;
                }
                side = 1;
            } else {
                b = c;
                gb = gc;
                if side == -1 {
                    ga *= 0.5;
                }
                side = -1;
            }
        }
        let root = if ga.abs() <= gb.abs() { a } else { b };
        g(self, root)?;
        // The storage update with the same weights as the volume terms: exact balance.
        let y1 = s + 0.5 * h * (self.k[0] + self.k[6]);
        Ok(Trial { y1, err: 0.0 })
    }

    /// Dense output of the step just taken (DOPRI5's extension, or the cubic Hermite through the
    /// end slopes for the storage-indication method).
    fn dense(&self, t: f64, h: f64, s: f64, y1: f64) -> Dense {
        if self.puls {
            Dense::hermite(t, h, s, y1, self.k[0], self.k[6])
        } else {
            Dense::new(t, h, s, y1, &self.k)
        }
    }

    /// Volume of term `j` over a step of length `h` with the storage-update weights.
    #[inline]
    fn term_volume(&self, j: usize, h: f64) -> f64 {
        h * (0..7).map(|i| self.weights[i] * self.terms[i * self.n + j]).sum::<f64>()
    }

    /// Starts a step at `(t, s)`: evaluates stage 1.
    fn start(&mut self, t: f64, s: f64, piece: &Piece) -> Result<(), RoutingError> {
        let n = self.n;
        self.k[0] = self.sys.eval(t, s, piece, &mut self.terms[..n])?;
        Ok(())
    }

    /// First-same-as-last: stage 7 of the accepted step becomes stage 1 of the next.
    fn reuse_last(&mut self) {
        let n = self.n;
        self.k[0] = self.k[6];
        self.terms.copy_within(6 * n..7 * n, 0);
    }

    /// Sum of the outflow terms (outlets and overtopping) of stage `i`, and of outlet `k`.
    fn stage_outflow(&self, i: usize) -> f64 {
        self.terms[i * self.n + 2..(i + 1) * self.n].iter().sum()
    }
}

/// Hairer's starting-step estimate (HNW I, §II.4) for a scalar problem.
fn initial_step(
    st: &mut Stepper<'_>,
    t: f64,
    s: f64,
    piece: &Piece,
    h_max: f64,
) -> Result<f64, RoutingError> {
    let sk = st.atol + st.rtol * s.abs();
    let f0 = st.k[0];
    let (dnf, dny) = ((f0 / sk).powi(2), (s / sk).powi(2));
    let h0 = if dnf <= 1e-10 || dny <= 1e-10 { 1e-6 } else { 0.01 * (dny / dnf).sqrt() };
    let h0 = h0.min(h_max).min(piece.t_b - t);
    let mut scratch = vec![0.0; st.n];
    let f1 = st.sys.eval(t + h0, s + h0 * f0, piece, &mut scratch)?;
    let der2 = ((f1 - f0) / sk).abs() / h0;
    let der12 = der2.max(dnf.sqrt());
    let h1 = if der12 <= 1e-15 { (h0 * 1e-3).max(1e-6) } else { (0.01 / der12).powf(0.2) };
    Ok((100.0 * h0).min(h1).min(h_max))
}

pub(crate) fn integrate(
    pond: &Pond,
    outlets: &[&dyn Outlet],
    inflow: &Hydrograph,
    rain: &Hyetograph,
    settings: &RoutingSettings,
    end: f64,
) -> Result<Run, RoutingError> {
    let sys = System::new(pond, outlets);
    let n = sys.n_terms();
    let puls = match settings.method {
        Method::DormandPrince => None,
        Method::ModifiedPuls { step_s } => Some(step_s),
    };
    let mut st = Stepper {
        sys,
        n,
        k: [0.0; 7],
        terms: vec![0.0; 7 * n],
        rtol: settings.rtol,
        atol: settings.atol_m3,
        weights: if puls.is_some() { PULS_WEIGHTS } else { B },
        puls: puls.is_some(),
    };
    // A fixed step: the storage-indication step, or the Dormand–Prince fixed step.
    let fixed_step = puls.or(settings.fixed_step_s);
    let cuts: Vec<f64> = outlets.iter().flat_map(|o| o.time_breakpoints()).collect();
    let pieces = pieces(inflow, rain, end, &cuts);
    let levels: Vec<Level> = events::levels(pond, outlets);
    let s0 = pond.storage().volume_m3(pond.start_level().0);
    let mut above: Vec<bool> = levels.iter().map(|l| l.above(s0)).collect();

    let mut volumes = vec![Sum::default(); n];
    let mut step_vol = vec![0.0; n];
    let mut segments: Vec<Dense> = Vec::with_capacity(256);
    let mut events_out: Vec<Event> = Vec::new();
    let n_flows = outlets.len() + 1;
    let mut best_flow: Vec<(f64, Option<usize>)> = vec![(f64::NEG_INFINITY, None); n_flows];
    let (mut steps, mut rejected) = (0usize, 0usize);
    let (mut min_step, mut max_step) = (f64::INFINITY, 0.0f64);

    let (mut t, mut s) = (0.0, s0);
    let mut piece_index = 0;
    st.start(t, s, &pieces[0])?;
    let (mut peak_s, mut peak_t) = (s0, 0.0);
    let mut record_flows = |st: &Stepper<'_>, stage: usize, seg: Option<usize>| {
        let total = st.stage_outflow(stage);
        let mut update = |j: usize, q: f64| {
            if q > best_flow[j].0 {
                best_flow[j] = (q, seg);
            }
        };
        update(0, total);
        for k in 0..outlets.len() {
            update(k + 1, st.terms[stage * n + 2 + k]);
        }
    };
    record_flows(&st, 0, None);

    let h_max = if puls.is_some() { f64::INFINITY } else { settings.max_step_s };
    // From this time on every outlet depends on the stage only (None: never).
    let steady_from = outlets.iter().try_fold(0.0f64, |t, o| o.steady_from_s().map(|s| t.max(s)));
    let mut h = match (fixed_step, settings.initial_step_s) {
        (Some(h), _) => h,
        (None, Some(h)) => h.min(h_max),
        (None, None) => initial_step(&mut st, t, s, &pieces[0], h_max)?,
    };
    let mut controller = Controller::new();

    while piece_index < pieces.len() {
        let piece = pieces[piece_index];
        if steps >= settings.max_steps {
            return Err(RoutingError::TooManySteps { max_steps: settings.max_steps, time_s: t });
        }
        // Land exactly on the piece end when the step would reach (or nearly reach) it.
        let remaining = piece.t_b - t;
        // On a piece with constant forcing and steady outlets dS/dt = f(S) is autonomous, so the
        // storage is monotone there: no excursion across a level can hide inside a step, and
        // only the error control bounds the adaptive step (the drawdown after a storm takes a
        // handful of steps instead of one per max_step_s).
        let autonomous =
            piece.has_constant_forcing() && steady_from.is_some_and(|t0| t0 <= piece.t_a);
        let mut h_try = match fixed_step {
            Some(hf) => hf.min(h_max),
            None if autonomous => h,
            None => h.min(h_max),
        };
        let lands = h_try * 1.01 >= remaining;
        if lands {
            h_try = remaining;
        }
        if h_try < 1e-12 * t.abs().max(1.0) && !lands {
            return Err(RoutingError::StepTooSmall { time_s: t, step_s: h_try });
        }
        let trial = st.trial(t, s, h_try, &piece)?;
        let adaptive = fixed_step.is_none();
        // A NaN error estimate is a rejection too.
        if adaptive && (trial.err.is_nan() || trial.err > 1.0) {
            rejected += 1;
            h = controller.reject(h_try, if trial.err.is_finite() { trial.err } else { 1e10 });
            continue;
        }
        let h_next = if adaptive { controller.accept(h_try, trial.err) } else { h_try };

        // Event location on the dense output; redo the step to end on the earliest crossing.
        let mut step_h = h_try;
        let mut y1 = trial.y1;
        let mut dense = st.dense(t, step_h, s, y1);
        let mut crossed: Option<usize> = None;
        // Each pass either lands the step or flips one side flag to agree with the dense
        // output; the bound only guards against a pathological ping-pong at a level.
        for _ in 0..4 * levels.len() + 4 {
            let ext = events::interior_extremum(&dense);
            let Some((j, theta)) = events::earliest_crossing(&dense, &levels, &above, ext) else {
                break;
            };
            if theta * step_h <= 1e-9 * t.abs().max(1.0) {
                // Immediate: the state sits on the level already.
                above[j] = !above[j];
                push_event(&mut events_out, &levels[j], above[j], pond, outlets, t);
                continue;
            }
            step_h *= theta;
            y1 = st.trial(t, s, step_h, &piece)?.y1;
            // The dense output of a step straddling a kink is only first-order accurate near
            // it: polish the landing by Newton on the step length, F(h) = S(t + h) − S_level,
            // F'(h) = dS/dt at the step end (stage 7). Not for the empty level, whose approach
            // is tangential (dS/dt → 0) and which is clamped instead.
            let level = levels[j];
            if level.kind != LevelKind::Empty {
                let tol = 1e-12 * level.storage.abs() + 1e-3 * st.atol;
                for _ in 0..4 {
                    let miss = level.storage - y1;
                    let slope = st.k[6];
                    if miss.abs() <= tol || slope == 0.0 {
                        break;
                    }
                    let h_new = step_h + miss / slope;
                    if !(h_new > 0.0 && h_new <= h_try) {
                        break;
                    }
                    step_h = h_new;
                    y1 = st.trial(t, s, step_h, &piece)?.y1;
                }
            }
            dense = st.dense(t, step_h, s, y1);
            above[j] = !above[j];
            crossed = Some(j);
            break;
        }

        // Accumulate the volumes with the same weights as the storage update.
        for (j, v) in step_vol.iter_mut().enumerate() {
            *v = st.term_volume(j, step_h);
        }
        let lands_empty = crossed.is_some_and(|j| levels[j].kind == LevelKind::Empty);
        if y1 < 0.0 || lands_empty {
            // Empty pond: the outflows deliver exactly what was there (the residual is within
            // the step tolerance); storage ends at zero and the balance stays exact.
            let out: f64 = step_vol[2..].iter().sum();
            if out > 0.0 {
                let scale = ((out + y1) / out).max(0.0);
                for v in &mut step_vol[2..] {
                    *v *= scale;
                }
                y1 = 0.0;
            } else {
                y1 = y1.max(0.0);
            }
            dense = st.dense(t, step_h, s, y1);
        }
        for (acc, v) in volumes.iter_mut().zip(&step_vol) {
            acc.add(*v);
        }
        let t_new = if lands && crossed.is_none() { piece.t_b } else { t + step_h };
        dense.h = t_new - t;
        segments.push(dense);
        steps += 1;
        min_step = min_step.min(step_h);
        max_step = max_step.max(step_h);

        if let Some((th, se)) = events::interior_extremum(&dense)
            && dense.slope(0.0) > 0.0
            && se > peak_s
        {
            peak_s = se;
            peak_t = t + th * step_h;
        }
        if y1 > peak_s {
            peak_s = y1;
            peak_t = t_new;
        }
        if let Some(j) = crossed {
            push_event(&mut events_out, &levels[j], above[j], pond, outlets, t_new);
        }

        t = t_new;
        s = y1;
        let landed_on_piece_end = lands && crossed.is_none();
        if landed_on_piece_end {
            piece_index += 1;
        }
        if landed_on_piece_end || y1 != trial.y1 || crossed.is_some() {
            // New forcing piece, clamped storage or a redone step: stage 7 is not this state.
            let p = pieces[piece_index.min(pieces.len() - 1)];
            st.start(t, s, &p)?;
        } else {
            st.reuse_last();
        }
        record_flows(&st, 0, Some(segments.len() - 1));
        if crossed.is_none() {
            h = h_next;
        }
    }

    Ok(Run {
        segments,
        volumes: volumes.iter().map(Sum::value).collect(),
        initial_storage: s0,
        final_storage: s,
        events: events_out,
        peak_storage: peak_s,
        time_of_peak_s: peak_t,
        best_flow_segment: best_flow.iter().map(|b| b.1).collect(),
        steps,
        rejected,
        evaluations: st.sys.evaluations,
        min_step_s: if steps > 0 { min_step } else { 0.0 },
        max_step_s: max_step,
    })
}

fn push_event(
    out: &mut Vec<Event>,
    level: &Level,
    now_above: bool,
    pond: &Pond,
    outlets: &[&dyn Outlet],
    time_s: f64,
) {
    if let Some((kind, detail)) = events::describe(level, now_above, pond, outlets, time_s) {
        out.push(Event { time_s, kind, detail });
    }
}
