//! Integration tests: routing.
