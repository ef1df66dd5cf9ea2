//! Default thresholds from the GB 51108-2015 commentary §8.3 guidance (standards.md §8). Every
//! value carries its standard, clause and confidence; every one is a default the site overrides
//! with [`Thresholds::site`] or by editing the returned struct. Levels the guidance does not give
//! stay unset (they never sound) rather than being invented.
//!
//! Hysteresis defaults (tailtwin's choice, not the standard's): clear after 1 h on the safe side
//! (six readings at the common 10 min interval), deadbands 0.05 m of level, 5 mm of 24 h rain,
//! 2 m of beach, 0.10 m of piezometer level, 5 % of the red displacement.

use crate::error::TwinError;
use crate::model::{Direction, Threshold, ThresholdSource, Thresholds};
use tailtwin_core::warning::guidance::{
    LANDSLIDE_ORANGE_FRACTION, PHREATIC_ORANGE_FACTOR, RAINFALL_24H_M,
};
use tailtwin_core::{AlarmLevel, Confidence, Standard};

/// Hold time before a level clears (s).
pub const DEFAULT_HOLD_S: f64 = 3600.0;

fn guidance(confidence: Confidence, note: &str) -> ThresholdSource {
    ThresholdSource {
        standard: Standard::Gb51108_2015,
        clause: "commentary §8.3".into(),
        confidence,
        note: note.into(),
    }
}

fn th(value: f64, source: ThresholdSource) -> Option<Threshold> {
    Some(Threshold { value, source })
}

fn checked(t: Thresholds, what: &str) -> Result<Thresholds, TwinError> {
    t.validate(what)?;
    Ok(t)
}

/// The pond's characteristic levels (absolute elevations, m).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PondLevels {
    /// 正常运行控制水位 (operating control level).
    pub operating_control: f64,
    /// 汛前控制水位 (pre-flood-season control level).
    pub pre_flood_control: f64,
    /// 设计最高洪水位 (design maximum flood level).
    pub design_flood: f64,
    /// 沉积滩顶 (beach crest) — freeboard reference of upstream-method dams.
    pub beach_crest: f64,
}

/// Pond-level thresholds (rising). The guidance names three levels — operating control,
/// pre-flood-season control and design maximum flood level — and sets freeboard red at the code
/// minimum; the colour of each level is tailtwin's reading: blue = operating control, yellow =
/// pre-flood control, orange = design flood level, red = beach crest − minimum freeboard (the
/// level at which the freeboard equals the code minimum). `min_freeboard` comes with its own
/// source (e.g. from `tailtwin-risk`'s limit tables, marked recalled for the freeboard table).
pub fn pond_level(levels: PondLevels, min_freeboard: Threshold) -> Result<Thresholds, TwinError> {
    let v = Confidence::Verified;
    let red = ThresholdSource {
        note: format!(
            "beach crest {} − minimum freeboard {} m ({} {}, {:?}); GB 51108: freeboard red = code minimum",
            levels.beach_crest,
            min_freeboard.value,
            min_freeboard.source.standard.code(),
            min_freeboard.source.clause,
            min_freeboard.source.confidence
        ),
        ..min_freeboard.source.clone()
    };
    // The colour of each level is shared with the risk crate's status warnings.
    let colours = tailtwin_core::warning::guidance::pond_level(
        Some(levels.operating_control),
        Some(levels.pre_flood_control),
        Some(levels.design_flood),
        levels.beach_crest,
        min_freeboard.value,
    );
    let at = |level: AlarmLevel| {
        colours.iter().find(|(l, _)| *l == level).map(|(_, z)| *z).expect("all four given")
    };
    checked(
        Thresholds {
            direction: Direction::Rising,
            blue: th(
                at(AlarmLevel::Blue),
                guidance(v, "operating control level (colour: tailtwin)"),
            ),
            yellow: th(
                at(AlarmLevel::Yellow),
                guidance(v, "pre-flood-season control level (colour: tailtwin)"),
            ),
            orange: th(
                at(AlarmLevel::Orange),
                guidance(v, "design maximum flood level (colour: tailtwin)"),
            ),
            red: th(at(AlarmLevel::Red), red),
            deadband: 0.05,
            hold_s: DEFAULT_HOLD_S,
        },
        "pond level defaults",
    )
}

/// Dry-beach length thresholds (falling): red = the code minimum (with its source); the other
/// levels are the site's.
pub fn beach_length(min_beach_length: Threshold) -> Result<Thresholds, TwinError> {
    let mut source = min_beach_length.source.clone();
    source.note = format!("GB 51108 commentary §8.3: beach red = code minimum. {}", source.note);
    checked(
        Thresholds {
            direction: Direction::Falling,
            blue: None,
            yellow: None,
            orange: None,
            red: th(min_beach_length.value, source),
            deadband: 2.0,
            hold_s: DEFAULT_HOLD_S,
        },
        "beach length defaults",
    )
}

/// Piezometer level thresholds (rising) at a point whose ground surface is `surface_z`:
/// red when the burial depth falls to the minimum `min_burial_depth` (site data — the GB 50863
/// table was not retrieved), orange when it falls to 1.1 × that depth.
pub fn phreatic_level(
    surface_z: f64,
    min_burial_depth: Threshold,
) -> Result<Thresholds, TwinError> {
    let d = min_burial_depth.value;
    if !(d.is_finite() && d > 0.0 && surface_z.is_finite()) {
        return Err(TwinError::InvalidInput {
            what: "minimum burial depth",
            value: d.to_string(),
            why: "must be finite and > 0 with a finite surface elevation",
        });
    }
    let mut red = min_burial_depth.source.clone();
    red.note = format!("surface {surface_z} − minimum burial depth {d} m. {}", red.note);
    checked(
        Thresholds {
            direction: Direction::Rising,
            blue: None,
            yellow: None,
            orange: th(
                surface_z - PHREATIC_ORANGE_FACTOR * d,
                guidance(
                    Confidence::Verified,
                    &format!("burial depth {PHREATIC_ORANGE_FACTOR} × {d} m = orange"),
                ),
            ),
            red: th(surface_z - d, red),
            deadband: 0.10,
            hold_s: DEFAULT_HOLD_S,
        },
        "phreatic defaults",
    )
}

/// 24 h rainfall thresholds (rising, on the trailing 24 h depth, m): yellow at the 暴雨 class,
/// 50 mm/24 h (GB 51108 guidance, value recalled). Blue 25 mm, orange 100 mm and red 250 mm are
/// the neighbouring 24 h classes 大雨 / 大暴雨 / 特大暴雨 of the national precipitation grades
/// (GB/T 28592-2012, recalled), chosen by tailtwin by analogy.
pub fn rainfall_24h() -> Thresholds {
    let r = Confidence::Recalled;
    let class =
        |name: &str| guidance(r, &format!("24 h class {name} (GB/T 28592, by analogy; tailtwin)"));
    let depth = |level: AlarmLevel| {
        RAINFALL_24H_M.iter().find(|(l, _)| *l == level).map(|(_, v)| *v).expect("all four")
    };
    Thresholds {
        direction: Direction::Rising,
        blue: th(depth(AlarmLevel::Blue), class("大雨 25 mm")),
        yellow: th(depth(AlarmLevel::Yellow), guidance(r, "暴雨 class: 24 h ≥ 50 mm")),
        orange: th(depth(AlarmLevel::Orange), class("大暴雨 100 mm")),
        red: th(depth(AlarmLevel::Red), class("特大暴雨 250 mm")),
        deadband: 0.005,
        hold_s: DEFAULT_HOLD_S,
    }
}

/// Landslide displacement thresholds (rising): red is site data, orange = 80 % of red.
pub fn landslide_displacement(red: Threshold) -> Result<Thresholds, TwinError> {
    checked(
        Thresholds {
            direction: Direction::Rising,
            blue: None,
            yellow: None,
            orange: th(
                LANDSLIDE_ORANGE_FRACTION * red.value,
                guidance(Confidence::Verified, "80 % of red"),
            ),
            deadband: 0.05 * red.value.abs(),
            red: Some(red),
            hold_s: DEFAULT_HOLD_S,
        },
        "landslide defaults",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AlarmLevel;

    fn site(v: f64) -> Threshold {
        Threshold { value: v, source: ThresholdSource::site("") }
    }

    #[test]
    fn guidance_values_follow_the_commentary() {
        let l = PondLevels {
            operating_control: 366.0,
            pre_flood_control: 367.0,
            design_flood: 369.5,
            beach_crest: 371.2,
        };
        let t = pond_level(l, site(1.0)).unwrap();
        assert_eq!(t.level_of(370.2), AlarmLevel::Red);
        assert_eq!(t.level_of(370.19), AlarmLevel::Orange);
        let p = phreatic_level(350.0, site(6.0)).unwrap();
        assert!((p.orange.as_ref().unwrap().value - 343.4).abs() < 1e-12);
        assert_eq!(p.red.as_ref().unwrap().value, 344.0);
        let s = landslide_displacement(site(0.2)).unwrap();
        assert!((s.orange.as_ref().unwrap().value - 0.16).abs() < 1e-15);
        assert_eq!(rainfall_24h().level_of(0.05), AlarmLevel::Yellow);
        // A design flood level above the red level is a contradiction, reported.
        let bad = PondLevels { design_flood: 370.5, ..l };
        assert!(pond_level(bad, site(1.0)).is_err());
    }
}
