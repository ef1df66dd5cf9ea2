//! Stage–storage–area relation of the pond (库容曲线).
//!
//! One representation serves all three kinds of table: on each segment `[z_i, z_{i+1}]` the
//! volume is a cubic in `s = z − z_i`,
//!
//! ```text
//! V(z) = V_i + A_i s + c2_i s² + c3_i s³,      A(z) = dV/dz = A_i + 2 c2_i s + 3 c3_i s²,
//! ```
//!
//! the cubic Hermite interpolant of the volumes with the node areas as slopes.
//!
//! - **Areas only**: area piecewise linear, volume its exact integral (trapezoid per segment). This
//!   is the Hermite cubic with `c3 = 0`, so the inverse is a quadratic solved in closed form.
//! - **Volumes only**: node slopes from monotone piecewise-cubic interpolation (PCHIP,
//!   Fritsch–Carlson with the Fritsch–Butland weighted harmonic mean, SciPy's `PchipInterpolator`).
//!   Chosen over linear volume because it keeps the area `dV/dz` continuous and non-negative: a
//!   linear volume gives a staircase area whose jumps at every table row would make the rain on
//!   the pond (`r·A(h)`) jump with the stage and break the router's smoothness between rows.
//! - **Both**: the Hermite cubic through the given volumes with the given areas as slopes, so
//!   both columns are honoured exactly at every row. Consistency is checked per segment: the
//!   mean area `ΔV/Δz` is compared with the trapezoid mean `(A_i + A_{i+1})/2`; a relative
//!   difference above the tolerance ([`DEFAULT_CONSISTENCY_TOLERANCE`] = 5 %) is returned as a
//!   [`ConsistencyWarning`] (surveys often use the frustum formula, which differs from the
//!   trapezoid by a few per cent on ordinary segments and by up to a third on a segment whose
//!   lower area is zero). A table whose columns cannot be reconciled — the Hermite area would turn
//!   negative inside a segment — is an error ([`StorageError::InconsistentAreaVolume`]).
//!
//! Below the lowest row the pond is empty: volume 0, stage clamped to the bottom. Above the top
//! row the walls are taken as vertical (area held at the top area, volume linear); this
//! extrapolation exists only so that overtopping can be routed, and the router reports when it
//! was used. The inverse `stage(volume)` is exact to round-off (closed-form quadratic, or
//! safeguarded Newton on the cubic).

use tailtwin_core::Elevation;
use thiserror::Error;

/// Relative tolerance on `|ΔV/Δz − (A_i + A_{i+1})/2| / ((A_i + A_{i+1})/2)` above which a table
/// with both columns gets a [`ConsistencyWarning`].
pub const DEFAULT_CONSISTENCY_TOLERANCE: f64 = 0.05;

/// Why a stage–storage table was rejected. Indices are 0-based table rows.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StorageError {
    #[error("a stage-storage table needs at least 2 rows, got {rows}")]
    TooFewRows { rows: usize },
    #[error("column {column} has {got} values but the elevation column has {expected}")]
    LengthMismatch { column: &'static str, expected: usize, got: usize },
    #[error("{column}[{index}] is not finite ({value})")]
    NotFinite { column: &'static str, index: usize, value: f64 },
    #[error(
        "elevations must increase strictly: elevation[{index}] = {elevation} m follows {previous} m"
    )]
    ElevationNotIncreasing { index: usize, elevation: f64, previous: f64 },
    #[error("volume[{index}] = {value} m3 is negative")]
    NegativeVolume { index: usize, value: f64 },
    #[error("volumes must not decrease: volume[{index}] = {volume} m3 follows {previous} m3")]
    VolumeDecreasing { index: usize, volume: f64, previous: f64 },
    #[error("the lowest row is the pond bottom and must hold zero volume, got {value} m3")]
    FirstVolumeNotZero { value: f64 },
    #[error("area[{index}] = {value} m2 is negative")]
    NegativeArea { index: usize, value: f64 },
    #[error("the top row's area must be positive (used above the table), got {value} m2")]
    ZeroTopArea { value: f64 },
    #[error(
        "rows {index} and {} ({z_lo} m to {z_hi} m): the mean area from the volumes, {mean_area_m2} \
         m2, cannot be reconciled with the areas {area_lo_m2} and {area_hi_m2} m2 (the area would \
         turn negative between the rows)", index + 1
    )]
    InconsistentAreaVolume {
        index: usize,
        z_lo: f64,
        z_hi: f64,
        mean_area_m2: f64,
        area_lo_m2: f64,
        area_hi_m2: f64,
    },
    #[error("the consistency tolerance must be finite and positive, got {0}")]
    BadTolerance(f64),
}

/// Which columns the table was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableSource {
    /// Elevation and surface area: linear area, exact volume integral.
    Areas,
    /// Elevation and volume: PCHIP volume, area = dV/dz.
    Volumes,
    /// Both columns: Hermite cubic through the volumes with the areas as slopes.
    AreasAndVolumes,
}

/// A segment whose volume and area columns disagree by more than the tolerance (not fatal).
#[derive(Debug, Clone, PartialEq)]
pub struct ConsistencyWarning {
    /// Lower row of the segment.
    pub index: usize,
    pub z_lo_m: f64,
    pub z_hi_m: f64,
    /// `ΔV/Δz` from the volume column.
    pub mean_area_from_volumes_m2: f64,
    /// `(A_i + A_{i+1})/2` from the area column.
    pub trapezoid_mean_area_m2: f64,
    /// Relative difference (of the trapezoid mean).
    pub relative_difference: f64,
}

/// Where the last stage-from-storage inversion landed: segment and offset in it, m (see
/// [`StageStorage::stage_and_area_near`]). The default starts from a search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StageHint {
    segment: usize,
    offset: f64,
}

impl Default for StageHint {
    fn default() -> Self {
        StageHint { segment: usize::MAX, offset: f64::NAN }
    }
}

/// Stage–storage–area relation; see the module documentation for the interpolation.
#[derive(Debug, Clone, PartialEq)]
pub struct StageStorage {
    elevation: Vec<f64>,
    volume: Vec<f64>,
    area: Vec<f64>,
    c2: Vec<f64>,
    c3: Vec<f64>,
    source: TableSource,
    warnings: Vec<ConsistencyWarning>,
}

fn check_finite(column: &'static str, values: &[f64]) -> Result<(), StorageError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(StorageError::NotFinite { column, index, value: values[index] }),
        None => Ok(()),
    }
}

fn check_elevations(elevation: &[f64]) -> Result<(), StorageError> {
    if elevation.len() < 2 {
        return Err(StorageError::TooFewRows { rows: elevation.len() });
    }
    check_finite("elevation", elevation)?;
    for i in 1..elevation.len() {
        if elevation[i] <= elevation[i - 1] {
            return Err(StorageError::ElevationNotIncreasing {
                index: i,
                elevation: elevation[i],
                previous: elevation[i - 1],
            });
        }
    }
    Ok(())
}

fn check_column(column: &'static str, n: usize, values: &[f64]) -> Result<(), StorageError> {
    if values.len() != n {
        return Err(StorageError::LengthMismatch { column, expected: n, got: values.len() });
    }
    check_finite(column, values)
}

fn check_areas(area: &[f64]) -> Result<(), StorageError> {
    if let Some(index) = area.iter().position(|&a| a < 0.0) {
        return Err(StorageError::NegativeArea { index, value: area[index] });
    }
    let top = area[area.len() - 1];
    if top <= 0.0 {
        return Err(StorageError::ZeroTopArea { value: top });
    }
    Ok(())
}

fn check_volumes(volume: &[f64]) -> Result<(), StorageError> {
    if let Some(index) = volume.iter().position(|&v| v < 0.0) {
        return Err(StorageError::NegativeVolume { index, value: volume[index] });
    }
    if volume[0] != 0.0 {
        return Err(StorageError::FirstVolumeNotZero { value: volume[0] });
    }
    for i in 1..volume.len() {
        if volume[i] < volume[i - 1] {
            return Err(StorageError::VolumeDecreasing {
                index: i,
                volume: volume[i],
                previous: volume[i - 1],
            });
        }
    }
    Ok(())
}

/// PCHIP node slopes (Fritsch–Carlson monotone cubic with Fritsch–Butland interior slopes and the
/// shape-preserving three-point end formula), as in SciPy's `PchipInterpolator`.
fn pchip_slopes(x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = x.len();
    let h: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let delta: Vec<f64> = (0..n - 1).map(|i| (y[i + 1] - y[i]) / h[i]).collect();
    if n == 2 {
        return vec![delta[0], delta[0]];
    }
    let mut d = vec![0.0; n];
    for k in 1..n - 1 {
        let (d0, d1) = (delta[k - 1], delta[k]);
        if d0 * d1 > 0.0 {
            let w1 = 2.0 * h[k] + h[k - 1];
            let w2 = h[k] + 2.0 * h[k - 1];
            d[k] = (w1 + w2) / (w1 / d0 + w2 / d1);
        }
    }
    let end = |h0: f64, h1: f64, m0: f64, m1: f64| {
        let d = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
        if d.signum() != m0.signum() || m0 == 0.0 {
            0.0
        } else if m0.signum() != m1.signum() && d.abs() > 3.0 * m0.abs() {
            3.0 * m0
        } else {
            d
        }
    };
    d[0] = end(h[0], h[1], delta[0], delta[1]);
    d[n - 1] = end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
    // The top slope is the area used above the table: where the three-point formula clips it
    // to zero (a last secant far below the one before), take the last secant instead. The
    // segment stays monotone: α = d_{n−2}/Δ ≤ 3 and β = 1 lie in Fritsch–Carlson's square.
    if d[n - 1] <= 0.0 {
        d[n - 1] = delta[n - 2];
    }
    d
}

impl StageStorage {
    /// Table of elevation (m) and surface area (m²): area linear between rows, volume its exact
    /// integral from the lowest row (the pond bottom, volume 0).
    pub fn from_areas(elevation: &[f64], area: &[f64]) -> Result<Self, StorageError> {
        check_elevations(elevation)?;
        check_column("area", elevation.len(), area)?;
        check_areas(area)?;
        let n = elevation.len();
        let mut volume = vec![0.0; n];
        let mut c2 = vec![0.0; n - 1];
        for i in 0..n - 1 {
            let dz = elevation[i + 1] - elevation[i];
            volume[i + 1] = volume[i] + 0.5 * (area[i] + area[i + 1]) * dz;
            c2[i] = 0.5 * (area[i + 1] - area[i]) / dz;
        }
        Ok(Self {
            elevation: elevation.to_vec(),
            volume,
            area: area.to_vec(),
            c2,
            c3: vec![0.0; n - 1],
            source: TableSource::Areas,
            warnings: Vec::new(),
        })
    }

    /// Table of elevation (m) and volume (m³, zero at the lowest row): PCHIP volume, area `dV/dz`.
    pub fn from_volumes(elevation: &[f64], volume: &[f64]) -> Result<Self, StorageError> {
        check_elevations(elevation)?;
        check_column("volume", elevation.len(), volume)?;
        check_volumes(volume)?;
        let area = pchip_slopes(elevation, volume);
        // PCHIP slopes of non-decreasing data are non-negative; a flat top segment gives a zero
        // top area, which the extrapolation above the table cannot use.
        check_areas(&area)?;
        Self::hermite(elevation, volume, area, TableSource::Volumes)
    }

    /// Table with both columns, checked with [`DEFAULT_CONSISTENCY_TOLERANCE`].
    pub fn from_areas_and_volumes(
        elevation: &[f64],
        area: &[f64],
        volume: &[f64],
    ) -> Result<Self, StorageError> {
        Self::from_areas_and_volumes_with_tolerance(
            elevation,
            area,
            volume,
            DEFAULT_CONSISTENCY_TOLERANCE,
        )
    }

    /// Table with both columns; segments whose mean areas differ by more than `tolerance`
    /// (relative) are listed in [`StageStorage::warnings`].
    pub fn from_areas_and_volumes_with_tolerance(
        elevation: &[f64],
        area: &[f64],
        volume: &[f64],
        tolerance: f64,
    ) -> Result<Self, StorageError> {
        if !(tolerance.is_finite() && tolerance > 0.0) {
            return Err(StorageError::BadTolerance(tolerance));
        }
        check_elevations(elevation)?;
        check_column("area", elevation.len(), area)?;
        check_column("volume", elevation.len(), volume)?;
        check_areas(area)?;
        check_volumes(volume)?;
        let mut table =
            Self::hermite(elevation, volume, area.to_vec(), TableSource::AreasAndVolumes)?;
        for i in 0..elevation.len() - 1 {
            let dz = elevation[i + 1] - elevation[i];
            let mean = (volume[i + 1] - volume[i]) / dz;
            let trapezoid = 0.5 * (area[i] + area[i + 1]);
            let rel = if trapezoid > 0.0 {
                (mean - trapezoid).abs() / trapezoid
            } else if mean > 0.0 {
                f64::INFINITY
            } else {
                0.0
            };
            if rel > tolerance {
                table.warnings.push(ConsistencyWarning {
                    index: i,
                    z_lo_m: elevation[i],
                    z_hi_m: elevation[i + 1],
                    mean_area_from_volumes_m2: mean,
                    trapezoid_mean_area_m2: trapezoid,
                    relative_difference: rel,
                });
            }
        }
        Ok(table)
    }

    /// Hermite cubic through `volume` with slopes `area`; errors if the area turns negative.
    fn hermite(
        elevation: &[f64],
        volume: &[f64],
        area: Vec<f64>,
        source: TableSource,
    ) -> Result<Self, StorageError> {
        let n = elevation.len();
        let mut c2 = vec![0.0; n - 1];
        let mut c3 = vec![0.0; n - 1];
        for i in 0..n - 1 {
            let dz = elevation[i + 1] - elevation[i];
            let mean = (volume[i + 1] - volume[i]) / dz;
            let (m0, m1) = (area[i], area[i + 1]);
            c2[i] = (3.0 * mean - 2.0 * m0 - m1) / dz;
            c3[i] = (m0 + m1 - 2.0 * mean) / (dz * dz);
            // The area is a parabola in s; with c3 > 0 its minimum may lie inside the segment.
            if c3[i] > 0.0 {
                let s_min = -c2[i] / (3.0 * c3[i]);
                if s_min > 0.0 && s_min < dz {
                    let a_min = m0 + 2.0 * c2[i] * s_min + 3.0 * c3[i] * s_min * s_min;
                    let scale = m0.max(m1).max(mean);
                    if a_min < -1e-12 * scale {
                        return Err(StorageError::InconsistentAreaVolume {
                            index: i,
                            z_lo: elevation[i],
                            z_hi: elevation[i + 1],
                            mean_area_m2: mean,
                            area_lo_m2: m0,
                            area_hi_m2: m1,
                        });
                    }
                }
            }
        }
        Ok(Self {
            elevation: elevation.to_vec(),
            volume: volume.to_vec(),
            area,
            c2,
            c3,
            source,
            warnings: Vec::new(),
        })
    }

    /// Lowest row: the pond bottom.
    pub fn bottom(&self) -> Elevation {
        Elevation(self.elevation[0])
    }

    /// Highest row; above it the storage is extrapolated with vertical walls.
    pub fn top(&self) -> Elevation {
        Elevation(self.elevation[self.elevation.len() - 1])
    }

    /// Volume at the top row, m³.
    pub fn top_volume_m3(&self) -> f64 {
        self.volume[self.volume.len() - 1]
    }

    pub fn elevations_m(&self) -> &[f64] {
        &self.elevation
    }

    /// Volumes at the rows (computed for area-only tables), m³.
    pub fn volumes_m3(&self) -> &[f64] {
        &self.volume
    }

    /// Areas at the rows (PCHIP slopes for volume-only tables), m².
    pub fn areas_m2(&self) -> &[f64] {
        &self.area
    }

    pub fn source(&self) -> TableSource {
        self.source
    }

    /// Segments whose area and volume columns disagree beyond the tolerance.
    pub fn warnings(&self) -> &[ConsistencyWarning] {
        &self.warnings
    }

    /// Stored volume at `stage`, m³ (0 below the bottom; vertical walls above the top).
    pub fn volume_at(&self, stage: Elevation) -> f64 {
        self.volume_m3(stage.0)
    }

    /// Water-surface area at `stage`, m² (bottom area below the bottom, top area above the top).
    pub fn area_at(&self, stage: Elevation) -> f64 {
        self.area_m2(stage.0)
    }

    /// Stage holding `volume_m3` (the bottom for volume ≤ 0). Exact inverse of
    /// [`StageStorage::volume_at`] to round-off.
    pub fn stage_at(&self, volume_m3: f64) -> Elevation {
        Elevation(self.stage_and_area(volume_m3).0)
    }

    #[inline]
    fn segment_of_stage(&self, z: f64) -> usize {
        let n = self.elevation.len();
        (self.elevation.partition_point(|&e| e <= z).max(1) - 1).min(n - 2)
    }

    #[inline]
    pub(crate) fn volume_m3(&self, z: f64) -> f64 {
        let n = self.elevation.len();
        if z <= self.elevation[0] {
            return 0.0;
        }
        if z >= self.elevation[n - 1] {
            return self.volume[n - 1] + self.area[n - 1] * (z - self.elevation[n - 1]);
        }
        let i = self.segment_of_stage(z);
        let s = z - self.elevation[i];
        self.volume[i] + s * (self.area[i] + s * (self.c2[i] + s * self.c3[i]))
    }

    #[inline]
    pub(crate) fn area_m2(&self, z: f64) -> f64 {
        let n = self.elevation.len();
        if z <= self.elevation[0] {
            return self.area[0];
        }
        if z >= self.elevation[n - 1] {
            return self.area[n - 1];
        }
        let i = self.segment_of_stage(z);
        let s = z - self.elevation[i];
        (self.area[i] + s * (2.0 * self.c2[i] + 3.0 * s * self.c3[i])).max(0.0)
    }

    /// Stage and surface area holding volume `v` (m³).
    #[inline]
    pub(crate) fn stage_and_area(&self, v: f64) -> (f64, f64) {
        self.stage_and_area_near(v, &mut StageHint::default())
    }

    /// [`stage_and_area`](Self::stage_and_area) starting from where the previous call landed
    /// (`hint`, updated): the router's inner call. Consecutive storages of a run stay in one
    /// segment, so the binary search is skipped (the segment is the search's: the one with
    /// `V_i < v ≤ V_{i+1}` is unique), and the root search starts from the previous stage.
    #[inline]
    pub(crate) fn stage_and_area_near(&self, v: f64, hint: &mut StageHint) -> (f64, f64) {
        let n = self.elevation.len();
        if v <= 0.0 {
            return (self.elevation[0], self.area[0]);
        }
        if v >= self.volume[n - 1] {
            let top = self.area[n - 1];
            return (self.elevation[n - 1] + (v - self.volume[n - 1]) / top, top);
        }
        // First row holding at least v; the segment below it contains v (lowest stage on flats).
        let (i, start) = match hint.segment {
            i if i < n - 1 && self.volume[i] < v && v <= self.volume[i + 1] => (i, hint.offset),
            _ => (self.volume.partition_point(|&x| x < v) - 1, f64::NAN),
        };
        let dz = self.elevation[i + 1] - self.elevation[i];
        let dv = v - self.volume[i];
        let (a0, c2, c3) = (self.area[i], self.c2[i], self.c3[i]);
        let s = if c3 == 0.0 {
            if c2 == 0.0 {
                dv / a0
            } else {
                // Root of c2 s² + a0 s − dv = 0 without cancellation (a0 ≥ 0, dv > 0).
                let disc = (a0 * a0 + 4.0 * c2 * dv).max(0.0);
                2.0 * dv / (a0 + disc.sqrt())
            }
        } else {
            self.solve_cubic(i, dv, dz, start)
        };
        let s = s.clamp(0.0, dz);
        *hint = StageHint { segment: i, offset: s };
        let area = (a0 + s * (2.0 * c2 + 3.0 * s * c3)).max(0.0);
        (self.elevation[i] + s, area)
    }

    /// Root of `s (A_i + s (c2 + s c3)) = dv` on `[0, dz]` (monotone in s): Halley's iteration
    /// from `start` (the previous root, when in `[0, dz]`) or else from the root of the quadratic
    /// with `c3 s` frozen at the linear estimate (exact when `c3 = 0`, within a few per cent of
    /// the segment otherwise), safeguarded by bisection of a bracket. It stops when the residual
    /// is at the round-off of evaluating the cubic, so the root is exact to round-off, usually
    /// after one or two iterations (the router's inner call: a fixed tolerance on the step would
    /// cost one more iteration every time).
    fn solve_cubic(&self, i: usize, dv: f64, dz: f64, start: f64) -> f64 {
        let (a0, c2, c3) = (self.area[i], self.c2[i], self.c3[i]);
        let (mut lo, mut hi) = (0.0, dz);
        let mut s = if start >= 0.0 && start <= dz {
            start
        } else {
            let s_lin = dz * dv / (self.volume[i + 1] - self.volume[i]);
            let q = c2 + c3 * s_lin;
            let s_quad = 2.0 * dv / (a0 + (a0 * a0 + 4.0 * q * dv).max(0.0).sqrt());
            if s_quad > 0.0 && s_quad < dz { s_quad } else { s_lin }
        };
        for _ in 0..60 {
            let (t1, t2, t3) = (a0 * s, c2 * s * s, c3 * s * s * s);
            let val = t1 + t2 + t3 - dv;
            // Round-off of the residual's evaluation: the root is found.
            if val.abs() <= 4.0 * f64::EPSILON * (t1.abs() + t2.abs() + t3.abs() + dv) {
                return s;
            }
            if val > 0.0 {
                hi = s;
            } else {
                lo = s;
            }
            let slope = a0 + s * (2.0 * c2 + 3.0 * s * c3);
            let curvature = 2.0 * c2 + 6.0 * s * c3;
            let denom = 2.0 * slope * slope - val * curvature;
            let mut next =
                if slope > 0.0 && denom > 0.0 { s - 2.0 * val * slope / denom } else { f64::NAN };
            if !(next > lo && next < hi) {
                next = 0.5 * (lo + hi);
            }
            if (next - s).abs() <= 4.0 * f64::EPSILON * dz.max(s.abs())
                || hi - lo <= f64::EPSILON * dz
            {
                return next;
            }
            s = next;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pond_basic's table (depth from 100 m bottom).
    fn basic() -> StageStorage {
        StageStorage::from_areas(
            &[100.0, 102.0, 104.0, 106.0, 108.0, 110.0],
            &[20000.0, 32000.0, 48000.0, 68000.0, 92000.0, 120000.0],
        )
        .unwrap()
    }

    // Goal: the router's hinted inversion (segment and root search starting where the last call
    // landed) gives the unhinted answer, across segment changes and back. Setup: a PCHIP volume
    // table (cubic segments, the Halley path), 2000 storages on a wandering walk over the whole
    // table, one hint carried through. Reference: `stage_and_area` without a hint, and the
    // forward relation. Tolerance: both searches stop at the cubic's round-off, so the stages
    // agree to a few ulp of the segment (1e-12 of the table's height); the forward volume
    // agrees to 1e-12 of the top volume.
    #[test]
    fn hinted_inversion_matches_the_search() {
        let z = [100.0, 101.0, 103.0, 104.5, 108.0, 110.0];
        let v = [0.0, 2.0e4, 9.0e4, 1.7e5, 4.6e5, 7.0e5];
        let t = StageStorage::from_volumes(&z, &v).unwrap();
        let mut hint = StageHint::default();
        let (mut x, top) = (1.0e4, t.top_volume_m3());
        for k in 0..2000 {
            // A walk that sweeps the table up and down with small and large moves.
            x = (x + top * 0.37 * ((k as f64) * 0.7).sin() * if k % 50 == 0 { 1.0 } else { 0.01 })
                .clamp(1.0, top * 0.999);
            let (a, area_a) = t.stage_and_area_near(x, &mut hint);
            let (b, area_b) = t.stage_and_area(x);
            assert!((a - b).abs() <= 1e-12 * 10.0, "{x}: {a} vs {b}");
            assert!((area_a - area_b).abs() <= 1e-9 * area_b.max(1.0));
            assert!((t.volume_at(Elevation(a)) - x).abs() <= 1e-12 * top, "{x}");
        }
    }

    // Goal: area-only volumes are the exact integral of the linear area. Setup: pond_basic table;
    // at 3 m depth A = 40 000 m², V = 2·(20000+32000)/2 + (32000+40000)/2 = 88 000 m².
    // Tolerance: round-off (values are exact binary fractions of integers).
    #[test]
    fn area_table_volume_is_exact_trapezoid_integral() {
        let t = basic();
        assert_eq!(t.volume_at(Elevation(103.0)), 88_000.0);
        assert_eq!(t.area_at(Elevation(103.0)), 40_000.0);
        assert_eq!(t.top_volume_m3(), 52_000.0 + 80_000.0 + 116_000.0 + 160_000.0 + 212_000.0);
        assert!((t.stage_at(88_000.0).0 - 103.0).abs() < 1e-12);
        // Above the top: vertical walls.
        assert_eq!(t.volume_at(Elevation(111.0)), t.top_volume_m3() + 120_000.0);
        assert_eq!(t.stage_at(t.top_volume_m3() + 60_000.0), Elevation(110.5));
        assert_eq!(t.stage_at(-5.0), Elevation(100.0));
    }

    // Goal: a table with both columns built from the same linear area reproduces the area-only
    // relation (Hermite with consistent slopes degenerates to the quadratic) and gives no warning.
    #[test]
    fn consistent_columns_reproduce_area_relation() {
        let a = basic();
        let b =
            StageStorage::from_areas_and_volumes(a.elevations_m(), a.areas_m2(), a.volumes_m3())
                .unwrap();
        assert!(b.warnings().is_empty());
        for k in 0..=100 {
            let z = Elevation(100.0 + 0.1 * k as f64);
            assert!((a.volume_at(z) - b.volume_at(z)).abs() < 1e-9 * a.top_volume_m3());
            assert!((a.area_at(z) - b.area_at(z)).abs() < 1e-9 * 120_000.0);
        }
    }

    // Goal: frustum-based survey volumes are accepted with a warning on the segment with a zero
    // bottom area (trapezoid and frustum differ by 1/3 there); a segment whose volume gain (10 m³
    // over 1 m) is far below what its end areas (100 and 200 m²) imply cannot be interpolated
    // with a non-negative area and is rejected with the offending rows.
    #[test]
    fn inconsistent_columns_warn_or_fail() {
        let z = [0.0, 1.0, 2.0];
        let a = [0.0, 100.0, 200.0];
        let frustum = |a0: f64, a1: f64| (a0 + a1 + (a0 * a1).sqrt()) / 3.0;
        let v = [0.0, frustum(0.0, 100.0), frustum(0.0, 100.0) + frustum(100.0, 200.0)];
        let t = StageStorage::from_areas_and_volumes(&z, &a, &v).unwrap();
        assert_eq!(t.warnings().len(), 1);
        assert_eq!(t.warnings()[0].index, 0);
        let bad = StageStorage::from_areas_and_volumes(&z, &a, &[0.0, 50.0, 60.0]);
        assert!(matches!(bad, Err(StorageError::InconsistentAreaVolume { index: 1, .. })));
    }

    // Goal: volume-only tables give a monotone volume with non-negative area matching the
    // secant on linear data. Setup: prismatic V = 500 (z − 10).
    #[test]
    fn volume_table_of_prism_has_constant_area() {
        let t =
            StageStorage::from_volumes(&[10.0, 11.0, 13.0, 14.0], &[0.0, 500.0, 1500.0, 2000.0])
                .unwrap();
        for k in 0..=40 {
            let z = 10.0 + 0.1 * k as f64;
            assert!((t.area_at(Elevation(z)) - 500.0).abs() < 1e-9);
            assert!((t.stage_at(t.volume_at(Elevation(z))).0 - z).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_tables_are_rejected_with_row_and_value() {
        assert_eq!(
            StageStorage::from_areas(&[1.0, 1.0], &[1.0, 1.0]),
            Err(StorageError::ElevationNotIncreasing { index: 1, elevation: 1.0, previous: 1.0 })
        );
        assert_eq!(
            StageStorage::from_areas(&[1.0, 2.0, 3.0], &[1.0, -2.0, 3.0]),
            Err(StorageError::NegativeArea { index: 1, value: -2.0 })
        );
        assert_eq!(
            StageStorage::from_volumes(&[1.0, 2.0, 3.0], &[0.0, 5.0, 4.0]),
            Err(StorageError::VolumeDecreasing { index: 2, volume: 4.0, previous: 5.0 })
        );
        assert_eq!(
            StageStorage::from_volumes(&[1.0, 2.0], &[3.0, 5.0]),
            Err(StorageError::FirstVolumeNotZero { value: 3.0 })
        );
        assert!(matches!(
            StageStorage::from_areas(&[1.0, f64::NAN], &[1.0, 1.0]),
            Err(StorageError::NotFinite { column: "elevation", index: 1, .. })
        ));
        assert_eq!(
            StageStorage::from_areas(&[1.0], &[1.0]),
            Err(StorageError::TooFewRows { rows: 1 })
        );
    }
}
