//! The CJK font: plotters' ab_glyph text backend has no per-glyph fallback, so one font that
//! covers both Latin and CJK is registered by name from its bytes.
//!
//! Search order: `$TAILTWIN_CJK_FONT`, then the Debian paths of WenQuanYi Micro Hei
//! (`fonts-wqy-microhei`, the project's default, installed by scripts/setup.sh), WenQuanYi Zen Hei,
//! Noto Sans CJK and Droid Sans Fallback. TrueType collections (`.ttc`) are read at index 0, which
//! for all of these is the Simplified-Chinese regular face.

use crate::error::VizError;
use ab_glyph::{Font, FontRef};
use plotters::style::{FontStyle, register_font};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The family name plots use for every text. Registered with plotters under this exact name; SVG
/// output carries it as a CSS font list so browsers pick an installed CJK font.
pub const FONT_FAMILY: &str = "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif";

/// Font files tried after `$TAILTWIN_CJK_FONT`, in order.
pub const CANDIDATE_FONTS: [&str; 6] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// Characters a usable font must have (from the plot labels).
const PROBE: &str = "库水位流量安全超高干滩长度时间降雨Pond level (m)0123456789";

static REGISTERED: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// Finds, checks and registers the CJK font once per process; returns the file used.
pub fn ensure_cjk_font() -> Result<PathBuf, VizError> {
    let outcome = REGISTERED.get_or_init(|| register_first_usable().map_err(|e| e.to_string()));
    match outcome {
        Ok(p) => Ok(p.clone()),
        // Re-run the search to return a typed error (cheap: only on failure).
        Err(_) => register_first_usable(),
    }
}

fn candidates() -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Some(p) = std::env::var_os("TAILTWIN_CJK_FONT") {
        v.push(PathBuf::from(p));
    }
    v.extend(CANDIDATE_FONTS.iter().map(PathBuf::from));
    v
}

fn register_first_usable() -> Result<PathBuf, VizError> {
    let tried = candidates();
    let mut first_bad = None;
    for path in &tried {
        if !path.is_file() {
            continue;
        }
        match load(path) {
            Ok(bytes) => {
                for family in [FONT_FAMILY, "sans-serif"] {
                    register_font(family, FontStyle::Normal, bytes).map_err(|_| {
                        VizError::BadFont {
                            path: path.clone(),
                            problem: "plotters rejected it".into(),
                        }
                    })?;
                }
                return Ok(path.clone());
            }
            Err(e) => {
                first_bad.get_or_insert(e);
            }
        }
    }
    Err(first_bad.unwrap_or(VizError::NoCjkFont { tried }))
}

/// Reads a font file, checks it parses (index 0 of a collection) and covers the label glyphs.
/// The bytes are leaked on purpose: plotters keeps `&'static` font data for the process lifetime.
fn load(path: &Path) -> Result<&'static [u8], VizError> {
    let bytes = std::fs::read(path)
        .map_err(|e| VizError::BadFont { path: path.to_path_buf(), problem: e.to_string() })?;
    let font = FontRef::try_from_slice(&bytes)
        .map_err(|e| VizError::BadFont { path: path.to_path_buf(), problem: e.to_string() })?;
    if let Some(c) = PROBE.chars().find(|&c| font.glyph_id(c).0 == 0) {
        return Err(VizError::BadFont {
            path: path.to_path_buf(),
            problem: format!("no glyph for {c:?}"),
        });
    }
    Ok(Box::leak(bytes.into_boxed_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // A file that is not a font, and a Latin-only font, are refused with the reason; the
    // project's CJK font (installed by scripts/setup.sh) is accepted at collection index 0.
    #[test]
    fn only_fonts_covering_the_cjk_labels_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.ttf");
        std::fs::write(&junk, b"not a font").unwrap();
        assert!(matches!(load(&junk), Err(VizError::BadFont { .. })));
        let latin = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
        if latin.is_file() {
            let e = load(latin).unwrap_err().to_string();
            assert!(e.contains("no glyph for '库'"), "{e}");
        }
        let used = ensure_cjk_font().expect("scripts/setup.sh installs fonts-wqy-microhei");
        assert!(load(&used).is_ok());
    }

    #[test]
    fn missing_font_error_names_the_package() {
        let e = VizError::NoCjkFont { tried: vec![PathBuf::from("/nowhere/x.ttc")] }.to_string();
        assert!(e.contains("fonts-wqy-microhei") && e.contains("/nowhere/x.ttc"), "{e}");
    }
}
