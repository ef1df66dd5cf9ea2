//! tailtwin-pipeline (under construction)
