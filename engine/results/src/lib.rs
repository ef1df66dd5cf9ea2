//! tailtwin-results (under construction)
