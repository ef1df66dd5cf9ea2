//! Integration tests: results_viz.
