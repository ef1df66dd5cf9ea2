//! Writes the demo's synthetic downstream valley DEM, `scenarios/demo/valley-dem.asc`:
//! `cargo run --example make_demo_dem`. Deterministic (no randomness): re-running gives the
//! same file byte for byte.
//!
//! The valley (x east from the dam toe, y north; UTM-like coordinates, origin 500 000 E,
//! 3 400 000 N, 25 m cells, 5 km × 1.6 km):
//! - thalweg meandering about y = 800 m (amplitude 120 m, wavelength 2.4 km, straight for the
//!   first 600 m), falling 1.2 % from 296 m at the dam toe;
//! - a 30 m wide channel 2.5 m deep, a floodplain rising 0.4 % to 300 m either side with a
//!   gentle ±0.3 m undulation, then 35 % hillsides;
//! - a plant on a pad 1.5 m above the floodplain at x ≈ 0.9–1.1 km south of the river;
//! - a road across the valley on a 5 m embankment at x = 2.0 km, with an 80 m bridge opening
//!   over the channel;
//! - a village on a terrace 1 m above the floodplain at x ≈ 2.9–3.3 km north of the river.
//!
//! Illustrative only: it is not a real site.

use std::f64::consts::PI;
use tailtwin::inundation::{GridGeometry, Raster, io};

/// Cell size, m.
const CELL: f64 = 25.0;
const NX: usize = 200;
const NY: usize = 64;
const X0: f64 = 500_000.0;
const Y0: f64 = 3_400_000.0;

/// Thalweg position, m north of the origin.
pub fn thalweg_y(x: f64) -> f64 {
    800.0 + 120.0 * (2.0 * PI * x / 2400.0).sin() * (x / 600.0).min(1.0)
}

/// Bed elevation at local coordinates (x, y), m.
fn bed(x: f64, y: f64) -> f64 {
    let yc = thalweg_y(x);
    let floor = 296.0 - 0.012 * x;
    let d = (y - yc).abs();
    let mut z = if d < 15.0 {
        floor - 2.5 * (1.0 - (d / 15.0).powi(2))
    } else if d < 300.0 {
        floor + 0.004 * (d - 15.0) + 0.3 * (x / 170.0).sin() * (y / 130.0).cos()
    } else {
        floor + 0.004 * 285.0 + 0.35 * (d - 300.0)
    };
    // Road embankment with a bridge opening over the channel.
    if (2000.0..2050.0).contains(&x) && (40.0..450.0).contains(&d) {
        z = z.max(296.0 - 0.012 * 2000.0 + 5.0);
    }
    // Plant pad (south bank) and village terrace (north bank).
    if (900.0..1100.0).contains(&x) && (120.0..250.0).contains(&(yc - y)) {
        z = z.max(floor + 0.004 * 185.0 + 1.5);
    }
    if (2900.0..3300.0).contains(&x) && (120.0..280.0).contains(&(y - yc)) {
        z = z.max(floor + 0.004 * 200.0 + 1.0);
    }
    (z * 100.0).round() / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let g = GridGeometry::new(NX, NY, CELL, CELL, X0, Y0)?;
    let mut values = Vec::with_capacity(g.cells());
    for j in 0..NY {
        for i in 0..NX {
            let (x, y) = g.centre(i, j);
            values.push(bed(x - X0, y - Y0));
        }
    }
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo/valley-dem.asc");
    io::write_ascii_grid(&path, &Raster::new(g, values)?)?;
    eprintln!("wrote {}", path.display());
    for x in [1000.0, 2025.0, 3100.0, 3600.0] {
        eprintln!("thalweg at x = {x} m: y = {:.1} m", thalweg_y(x));
    }
    Ok(())
}
