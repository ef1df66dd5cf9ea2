//! Integer codes for the per-step hydraulic regime and control, and the legends stored beside them.
//!
//! Codes are stable file format: append new variants at the end, never renumber.

use tailtwin_core::{Control, Regime};

/// Every regime in code order (the code is the index).
pub const REGIMES: [Regime; 9] = [
    Regime::Dry,
    Regime::Weir,
    Regime::Orifice,
    Regime::FreeSurface,
    Regime::HalfPressure,
    Regime::Pressure,
    Regime::Overtopping,
    Regime::Table,
    Regime::Closed,
];

/// Every control in code order (the code is the index).
pub const CONTROLS: [Control; 5] =
    [Control::None, Control::Inlet, Control::Shaft, Control::Conduit, Control::Table];

/// The file code of a regime.
pub fn regime_code(r: Regime) -> u8 {
    match r {
        Regime::Dry => 0,
        Regime::Weir => 1,
        Regime::Orifice => 2,
        Regime::FreeSurface => 3,
        Regime::HalfPressure => 4,
        Regime::Pressure => 5,
        Regime::Overtopping => 6,
        Regime::Table => 7,
        Regime::Closed => 8,
    }
}

/// The file code of a control.
pub fn control_code(c: Control) -> u8 {
    match c {
        Control::None => 0,
        Control::Inlet => 1,
        Control::Shaft => 2,
        Control::Conduit => 3,
        Control::Table => 4,
    }
}

/// The regime of a file code, if known.
pub fn regime_from_code(code: u8) -> Option<Regime> {
    REGIMES.get(code as usize).copied()
}

/// The control of a file code, if known.
pub fn control_from_code(code: u8) -> Option<Control> {
    CONTROLS.get(code as usize).copied()
}

/// The snake_case name serde uses for a unit enum variant (what summary.json writes).
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        // Only unit variants are passed here; anything else is a broken invariant.
        other => panic!("serde_name: expected a string-serialised enum, got {other:?}"),
    }
}

/// Parses a unit enum from its serde name.
pub fn from_serde_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// Legend attribute text, e.g. `"0=dry; 1=weir; …"`.
pub fn regime_legend() -> String {
    legend(REGIMES.iter().map(|r| (regime_code(*r), serde_name(r))))
}

/// Legend attribute text, e.g. `"0=none; 1=inlet; …"`.
pub fn control_legend() -> String {
    legend(CONTROLS.iter().map(|c| (control_code(*c), serde_name(c))))
}

fn legend(items: impl Iterator<Item = (u8, String)>) -> String {
    items.map(|(code, name)| format!("{code}={name}")).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_the_legend_order() {
        for (i, r) in REGIMES.iter().enumerate() {
            assert_eq!(regime_code(*r) as usize, i);
            assert_eq!(regime_from_code(i as u8), Some(*r));
        }
        for (i, c) in CONTROLS.iter().enumerate() {
            assert_eq!(control_code(*c) as usize, i);
            assert_eq!(control_from_code(i as u8), Some(*c));
        }
        assert_eq!(regime_from_code(9), None);
        assert!(regime_legend().starts_with("0=dry; 1=weir; 2=orifice; 3=free_surface"));
        assert_eq!(control_legend(), "0=none; 1=inlet; 2=shaft; 3=conduit; 4=table");
    }
}
