//! Paths and the demo scenario text shared by the integration-test modules.

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `scenarios/demo`.
pub fn demo_dir() -> PathBuf {
    root().join("scenarios/demo")
}

/// The demo scenario file, verbatim.
pub fn demo_text() -> String {
    std::fs::read_to_string(demo_dir().join("valley-pond.toml")).expect("demo scenario")
}

/// The demo with `from` (which must occur) replaced by `to`, once.
pub fn demo_with(from: &str, to: &str) -> String {
    let text = demo_text();
    assert!(text.contains(from), "the demo no longer contains {from:?}");
    text.replacen(from, to, 1)
}
