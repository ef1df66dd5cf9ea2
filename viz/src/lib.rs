//! tailtwin-viz (under construction)
