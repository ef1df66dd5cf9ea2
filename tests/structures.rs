//! Integration tests: structures.
