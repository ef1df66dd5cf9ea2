//! Integration tests: risk_checks.
