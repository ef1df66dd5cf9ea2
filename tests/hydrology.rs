//! Integration tests: hydrology.
