//! tailtwin-scenario (under construction)
