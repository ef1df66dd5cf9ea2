//! Volume accounting for time-marching stages. Conservation is an output: every routing run
//! returns one of these, the report shows it and the tests assert it.

use serde::{Deserialize, Serialize};

/// One named volume, m³.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeTerm {
    pub name: String,
    pub volume_m3: f64,
}

/// Storage change against the sum of inflows and outflows.
///
/// `error_m3 = initial + Σ inflows − Σ outflows − final`; `error_pct = 100 · error_m3 /
/// (initial + Σ inflows)` (SWMM's continuity-error convention).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MassBalance {
    pub initial_storage_m3: f64,
    pub final_storage_m3: f64,
    pub inflows: Vec<VolumeTerm>,
    pub outflows: Vec<VolumeTerm>,
    pub error_m3: f64,
    pub error_pct: f64,
}

impl MassBalance {
    /// Builds the balance and computes its error.
    pub fn new(
        initial_storage_m3: f64,
        final_storage_m3: f64,
        inflows: Vec<VolumeTerm>,
        outflows: Vec<VolumeTerm>,
    ) -> Self {
        let total_in: f64 = inflows.iter().map(|t| t.volume_m3).sum();
        let total_out: f64 = outflows.iter().map(|t| t.volume_m3).sum();
        let error_m3 = initial_storage_m3 + total_in - total_out - final_storage_m3;
        let scale = initial_storage_m3 + total_in;
        let error_pct = if scale > 0.0 { 100.0 * error_m3 / scale } else { 0.0 };
        Self { initial_storage_m3, final_storage_m3, inflows, outflows, error_m3, error_pct }
    }

    pub fn total_inflow_m3(&self) -> f64 {
        self.inflows.iter().map(|t| t.volume_m3).sum()
    }

    pub fn total_outflow_m3(&self) -> f64 {
        self.outflows.iter().map(|t| t.volume_m3).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_storage_change_minus_net_inflow() {
        let mb = MassBalance::new(
            100.0,
            130.0,
            vec![VolumeTerm { name: "in".into(), volume_m3: 50.0 }],
            vec![VolumeTerm { name: "out".into(), volume_m3: 19.0 }],
        );
        assert!((mb.error_m3 - 1.0).abs() < 1e-12);
        assert!((mb.error_pct - 100.0 / 150.0).abs() < 1e-12);
    }
}
