//! Quantities that are easy to confuse get their own types: an elevation is not a depth.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};

/// An absolute elevation above the site datum, in metres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Elevation(pub f64);

/// A depth or height difference, in metres (positive downwards into water, or a vertical extent).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Depth(pub f64);

impl Elevation {
    /// The value in metres.
    #[inline]
    pub fn m(self) -> f64 {
        self.0
    }
    /// Height of `self` above `datum` (negative when below).
    #[inline]
    pub fn above(self, datum: Elevation) -> Depth {
        Depth(self.0 - datum.0)
    }
}

impl Depth {
    /// The value in metres.
    #[inline]
    pub fn m(self) -> f64 {
        self.0
    }
}

impl Sub for Elevation {
    type Output = Depth;
    #[inline]
    fn sub(self, rhs: Elevation) -> Depth {
        Depth(self.0 - rhs.0)
    }
}

impl Add<Depth> for Elevation {
    type Output = Elevation;
    #[inline]
    fn add(self, rhs: Depth) -> Elevation {
        Elevation(self.0 + rhs.0)
    }
}

impl Sub<Depth> for Elevation {
    type Output = Elevation;
    #[inline]
    fn sub(self, rhs: Depth) -> Elevation {
        Elevation(self.0 - rhs.0)
    }
}

impl fmt::Display for Elevation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} m", self.0)
    }
}

impl fmt::Display for Depth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} m", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elevation_difference_is_a_depth() {
        let d = Elevation(372.0) - Elevation(366.5);
        assert_eq!(d, Depth(5.5));
        assert_eq!(Elevation(366.5) + d, Elevation(372.0));
        assert_eq!(Elevation(300.0).above(Elevation(310.0)), Depth(-10.0));
    }
}
