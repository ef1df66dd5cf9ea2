//! tailtwin-hydrology (under construction)
