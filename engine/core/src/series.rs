//! Time series: a general [`Series`], flow [`Hydrograph`]s and rainfall [`Hyetograph`]s.
//!
//! A [`Series`] is piecewise linear in time and held at its first and last values outside its
//! range. A [`Hyetograph`] is piecewise constant: rain depth per fixed interval, the form in which
//! design storms and rain gauges deliver it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Linear interpolation of the samples (`t` ascending, non-empty, same length as `v`) at `x`,
/// held at the end values outside the range; exact at the nodes. The one interpolation that
/// series, readings and result curves share.
pub fn interpolate(t: &[f64], v: &[f64], x: f64) -> f64 {
    interpolate_from(t, v, x, &mut 0)
}

/// [`interpolate`] for ascending `x` across calls: the search for `x`'s interval starts at
/// `*from` (updated), so a sweep over sorted points costs O(n + m) instead of O(m log n). Same
/// interval, same arithmetic, so the same value as [`interpolate`] for any `*from`.
pub fn interpolate_from(t: &[f64], v: &[f64], x: f64, from: &mut usize) -> f64 {
    let n = t.len();
    if x <= t[0] {
        return v[0];
    }
    if x >= t[n - 1] {
        return v[n - 1];
    }
    // The first index with t[i] > x (1 <= i <= n-1 here): walk on from a valid start, or search.
    let mut i = *from;
    if !(i >= 1 && i < n && t[i - 1] <= x) {
        i = t.partition_point(|&s| s <= x);
    } else {
        while t[i] <= x {
            i += 1;
        }
    }
    *from = i;
    let (t0, t1) = (t[i - 1], t[i]);
    let (v0, v1) = (v[i - 1], v[i]);
    v0 + (v1 - v0) * (x - t0) / (t1 - t0)
}

/// Why a series could not be built.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SeriesError {
    #[error("time and value arrays differ in length ({times} times, {values} values)")]
    LengthMismatch { times: usize, values: usize },
    #[error("a series needs at least one point")]
    Empty,
    #[error("time must increase strictly: t[{index}] = {time} s follows {previous} s")]
    NotIncreasing { index: usize, time: f64, previous: f64 },
    #[error("value {index} is not finite ({value})")]
    NotFinite { index: usize, value: f64 },
    #[error("{what} must not be negative: value {index} is {value}")]
    Negative { what: &'static str, index: usize, value: f64 },
    #[error("the interval must be positive and finite, got {0} s")]
    BadInterval(f64),
}

/// A piecewise-linear time series, time in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    time_s: Vec<f64>,
    values: Vec<f64>,
}

impl Series {
    /// Builds a series; times must be finite and strictly increasing, values finite.
    pub fn new(time_s: Vec<f64>, values: Vec<f64>) -> Result<Self, SeriesError> {
        if time_s.len() != values.len() {
            return Err(SeriesError::LengthMismatch { times: time_s.len(), values: values.len() });
        }
        if time_s.is_empty() {
            return Err(SeriesError::Empty);
        }
        for (i, (&t, &v)) in time_s.iter().zip(&values).enumerate() {
            if !t.is_finite() {
                return Err(SeriesError::NotFinite { index: i, value: t });
            }
            if !v.is_finite() {
                return Err(SeriesError::NotFinite { index: i, value: v });
            }
            if i > 0 && t <= time_s[i - 1] {
                return Err(SeriesError::NotIncreasing {
                    index: i,
                    time: t,
                    previous: time_s[i - 1],
                });
            }
        }
        Ok(Self { time_s, values })
    }

    /// A series with a single value for all time.
    pub fn constant(value: f64) -> Self {
        Self { time_s: vec![0.0], values: vec![value] }
    }

    pub fn time_s(&self) -> &[f64] {
        &self.time_s
    }

    pub fn values(&self) -> &[f64] {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.time_s.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time_s.is_empty()
    }

    /// First and last time.
    pub fn span_s(&self) -> (f64, f64) {
        (self.time_s[0], self.time_s[self.time_s.len() - 1])
    }

    /// Linear interpolation; held at the end values outside the range.
    pub fn value_at(&self, t: f64) -> f64 {
        interpolate(&self.time_s, &self.values, t)
    }

    /// Exact integral of the piecewise-linear series over its own range (trapezoids).
    pub fn integral(&self) -> f64 {
        self.time_s
            .windows(2)
            .zip(self.values.windows(2))
            .map(|(t, v)| 0.5 * (v[0] + v[1]) * (t[1] - t[0]))
            .sum()
    }

    /// Exact integral of the interpolant (held outside the range) from `a` to `b`, `a <= b`.
    pub fn integral_between(&self, a: f64, b: f64) -> f64 {
        if b <= a {
            return 0.0;
        }
        let ts = &self.time_s;
        let n = ts.len();
        let mut total = 0.0;
        // Held part before the first point.
        if a < ts[0] {
            total += self.values[0] * (b.min(ts[0]) - a);
        }
        // Held part after the last point.
        if b > ts[n - 1] {
            total += self.values[n - 1] * (b - a.max(ts[n - 1]));
        }
        for i in 1..n {
            let (lo, hi) = (ts[i - 1].max(a), ts[i].min(b));
            if hi > lo {
                total += 0.5 * (self.value_at(lo) + self.value_at(hi)) * (hi - lo);
            }
        }
        total
    }

    /// Largest value and the first time it occurs.
    pub fn peak(&self) -> (f64, f64) {
        let mut best = (self.time_s[0], self.values[0]);
        for (&t, &v) in self.time_s.iter().zip(&self.values) {
            if v > best.1 {
                best = (t, v);
            }
        }
        best
    }

    /// Smallest value and the first time it occurs.
    pub fn minimum(&self) -> (f64, f64) {
        let mut best = (self.time_s[0], self.values[0]);
        for (&t, &v) in self.time_s.iter().zip(&self.values) {
            if v < best.1 {
                best = (t, v);
            }
        }
        best
    }
}

/// A flow hydrograph, m³/s against seconds. Flows are non-negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hydrograph(Series);

impl Hydrograph {
    /// Builds a hydrograph; flows must be non-negative.
    pub fn new(time_s: Vec<f64>, flow_m3s: Vec<f64>) -> Result<Self, SeriesError> {
        let s = Series::new(time_s, flow_m3s)?;
        if let Some((i, &v)) = s.values.iter().enumerate().find(|(_, v)| **v < 0.0) {
            return Err(SeriesError::Negative { what: "flow", index: i, value: v });
        }
        Ok(Self(s))
    }

    /// Zero flow for all time.
    pub fn zero() -> Self {
        Self(Series::constant(0.0))
    }

    pub fn series(&self) -> &Series {
        &self.0
    }

    pub fn time_s(&self) -> &[f64] {
        self.0.time_s()
    }

    pub fn flow_m3s(&self) -> &[f64] {
        self.0.values()
    }

    /// Flow at time `t` (linear, held outside the range).
    #[inline]
    pub fn flow_at(&self, t: f64) -> f64 {
        self.0.value_at(t)
    }

    /// Volume in m³ over the hydrograph's own range.
    pub fn volume_m3(&self) -> f64 {
        self.0.integral()
    }

    /// Volume in m³ between two times (held outside the range).
    pub fn volume_between_m3(&self, a: f64, b: f64) -> f64 {
        self.0.integral_between(a, b)
    }

    /// Peak flow and its time: (time_s, flow_m3s).
    pub fn peak(&self) -> (f64, f64) {
        self.0.peak()
    }

    /// Sum of two hydrographs on the union of their time points (exact for piecewise-linear input).
    pub fn add(&self, other: &Hydrograph) -> Hydrograph {
        let mut times: Vec<f64> = self.time_s().iter().chain(other.time_s()).copied().collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        let flows = times.iter().map(|&t| self.flow_at(t) + other.flow_at(t)).collect();
        Hydrograph(Series { time_s: times, values: flows })
    }
}

/// Rainfall as depth per fixed interval (piecewise-constant intensity), starting at `start_s`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hyetograph {
    start_s: f64,
    interval_s: f64,
    depth_mm: Vec<f64>,
}

impl Hyetograph {
    /// Builds a hyetograph; depths must be finite and non-negative, the interval positive.
    pub fn new(start_s: f64, interval_s: f64, depth_mm: Vec<f64>) -> Result<Self, SeriesError> {
        if !(interval_s.is_finite() && interval_s > 0.0) {
            return Err(SeriesError::BadInterval(interval_s));
        }
        if !start_s.is_finite() {
            return Err(SeriesError::NotFinite { index: 0, value: start_s });
        }
        for (i, &d) in depth_mm.iter().enumerate() {
            if !d.is_finite() {
                return Err(SeriesError::NotFinite { index: i, value: d });
            }
            if d < 0.0 {
                return Err(SeriesError::Negative { what: "rain depth", index: i, value: d });
            }
        }
        Ok(Self { start_s, interval_s, depth_mm })
    }

    /// No rain.
    pub fn dry() -> Self {
        Self { start_s: 0.0, interval_s: 3600.0, depth_mm: Vec::new() }
    }

    pub fn start_s(&self) -> f64 {
        self.start_s
    }

    pub fn interval_s(&self) -> f64 {
        self.interval_s
    }

    /// Depth of each interval, mm.
    pub fn depth_mm(&self) -> &[f64] {
        &self.depth_mm
    }

    /// End of the last interval, s.
    pub fn end_s(&self) -> f64 {
        self.start_s + self.interval_s * self.depth_mm.len() as f64
    }

    /// Total depth, mm.
    pub fn total_mm(&self) -> f64 {
        self.depth_mm.iter().sum()
    }

    /// Rain intensity at time `t` in m/s (zero outside the storm). Intervals are closed on the left.
    #[inline]
    pub fn intensity_m_per_s(&self, t: f64) -> f64 {
        let k = (t - self.start_s) / self.interval_s;
        if k < 0.0 || k >= self.depth_mm.len() as f64 {
            return 0.0;
        }
        self.depth_mm[k as usize] * 1e-3 / self.interval_s
    }

    /// Times (s) at which the intensity may jump: every interval boundary.
    pub fn breakpoints_s(&self) -> impl Iterator<Item = f64> + '_ {
        (0..=self.depth_mm.len()).map(move |k| self.start_s + k as f64 * self.interval_s)
    }

    /// Exact rain depth in m between times `a` and `b`.
    pub fn depth_between_m(&self, a: f64, b: f64) -> f64 {
        if b <= a || self.depth_mm.is_empty() {
            return 0.0;
        }
        let mut total = 0.0;
        for (k, &d) in self.depth_mm.iter().enumerate() {
            let lo = self.start_s + k as f64 * self.interval_s;
            let hi = lo + self.interval_s;
            let overlap = b.min(hi) - a.max(lo);
            if overlap > 0.0 {
                total += d * 1e-3 * overlap / self.interval_s;
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goal: the sweeping interpolation gives exactly `interpolate`'s value from any start,
    // ascending or not. Setup: 7 uneven nodes, 400 points, starts carried over, reset and wrong.
    // Reference: `interpolate`. Tolerance: bit for bit (same interval, same arithmetic).
    #[test]
    fn sweeping_interpolation_equals_the_search() {
        let t = [0.0, 1.0, 2.5, 2.6, 7.0, 9.0, 30.0];
        let v = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0];
        let mut from = 0;
        for k in 0..400 {
            let x = -1.0 + 0.08 * k as f64;
            assert_eq!(interpolate_from(&t, &v, x, &mut from), interpolate(&t, &v, x), "{x}");
            let mut wrong = 5;
            assert_eq!(interpolate_from(&t, &v, x, &mut wrong), interpolate(&t, &v, x), "{x}");
        }
        for &x in &t {
            assert_eq!(interpolate_from(&t, &v, x, &mut 0), interpolate(&t, &v, x));
        }
    }

    #[test]
    fn interpolation_is_linear_and_held_at_the_ends() {
        let s = Series::new(vec![0.0, 10.0, 20.0], vec![0.0, 5.0, 1.0]).unwrap();
        assert_eq!(s.value_at(-5.0), 0.0);
        assert_eq!(s.value_at(5.0), 2.5);
        assert_eq!(s.value_at(15.0), 3.0);
        assert_eq!(s.value_at(25.0), 1.0);
        assert_eq!(s.integral(), 25.0 + 30.0);
        // 0..5: 6.25, 5..20: 48.75 - (0..5 share) = 55 - 6.25; held 20..30: 10.
        assert!((s.integral_between(-10.0, 30.0) - (0.0 + 55.0 + 10.0)).abs() < 1e-12);
        assert!((s.integral_between(5.0, 15.0) - (18.75 + 20.0)).abs() < 1e-12);
    }

    #[test]
    fn series_rejects_bad_time_axes() {
        assert!(matches!(
            Series::new(vec![0.0, 0.0], vec![1.0, 2.0]),
            Err(SeriesError::NotIncreasing { .. })
        ));
        assert!(matches!(Series::new(vec![], vec![]), Err(SeriesError::Empty)));
        assert!(matches!(
            Series::new(vec![0.0], vec![f64::NAN]),
            Err(SeriesError::NotFinite { .. })
        ));
        assert!(matches!(
            Hydrograph::new(vec![0.0, 1.0], vec![0.0, -1.0]),
            Err(SeriesError::Negative { .. })
        ));
    }

    #[test]
    fn hyetograph_depth_is_exact_over_partial_intervals() {
        let h = Hyetograph::new(0.0, 600.0, vec![6.0, 12.0, 0.0, 3.0]).unwrap();
        assert_eq!(h.total_mm(), 21.0);
        assert!((h.depth_between_m(300.0, 900.0) - (0.003 + 0.006)).abs() < 1e-15);
        assert!((h.intensity_m_per_s(700.0) - 0.012 / 600.0).abs() < 1e-18);
        assert_eq!(h.intensity_m_per_s(2400.0), 0.0);
        assert_eq!(h.intensity_m_per_s(-1.0), 0.0);
    }

    #[test]
    fn hydrograph_sum_conserves_volume() {
        let a = Hydrograph::new(vec![0.0, 3600.0, 7200.0], vec![0.0, 10.0, 0.0]).unwrap();
        let b = Hydrograph::new(vec![0.0, 1800.0, 7200.0], vec![2.0, 4.0, 2.0]).unwrap();
        let c = a.add(&b);
        assert!((c.volume_m3() - (a.volume_m3() + b.volume_m3())).abs() < 1e-9);
    }
}
