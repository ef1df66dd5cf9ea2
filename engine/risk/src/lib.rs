//! tailtwin-risk (under construction)
