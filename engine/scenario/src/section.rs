//! `[[section]]`: dam cross-sections (坝体剖面) for seepage and stability.
//!
//! ```toml
//! [[section]]
//! name = "main"
//! surface = [[0.0, 126.0], [80.0, 127.0], [160.0, 112.0], [184.0, 100.0], [200.0, 100.0]]
//! base = [[0.0, 94.0], [200.0, 94.0]]          # or "base.csv" (columns x_m,z_m)
//! zones = [
//!   { name = "foundation", material = "foundation silt", polygon = [[0.0, 94.0], [200.0, 94.0], [200.0, 100.0], [0.0, 100.0]] },
//!   …
//! ]
//! drains = [{ name = "blanket", kind = "blanket", polygon = [[…], …] }]
//! pipes = [{ name = "pipe 1", at = [120.0, 101.0] }]
//! pond_side = { surface_until_x_m = 78.0, upstream_edge = "open" }   # or "no_flow"
//! downstream_edge = "no_flow"                  # or "open" (default "no_flow")
//! stations_x_m = [170.0, 180.0]
//! control_line = [[80.0, 125.0], [184.0, 101.0]]
//! min_burial_depth_m = 6.0
//! ```
//!
//! Builds `core::DamSection` (+ the site's control line and minimum burial depth) and reports
//! every `SectionError` of `DamSection::problems()` under the key the user must edit.

use crate::curves::{self, ColumnSpec};
use crate::error::Problems;
use crate::material::{Materials, scenario_key};
use crate::model::DamSectionSpec;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;
use tailtwin_core::section::{
    DamSection, Drain, DrainKind, DrainPipe, EdgeKind, GeometryError, MaterialId, Point2, Polygon,
    Polyline, PondSide, SectionError, Zone,
};

/// Points `[[x, z], …]` written inline, or a CSV path (columns `x_m,z_m`) relative to the
/// scenario file.
#[derive(Debug, Clone, PartialEq)]
pub enum PointsSource {
    File(String),
    Inline(Vec<[f64; 2]>),
}

impl<'de> Deserialize<'de> for PointsSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PointsSource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of [x, z] points or a CSV path with columns x_m,z_m")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PointsSource::File(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let points =
                    Vec::<[f64; 2]>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(PointsSource::Inline(points))
            }
        }
        d.deserialize_any(V)
    }
}

/// `[[section]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDamSection {
    pub name: String,
    pub surface: PointsSource,
    pub base: PointsSource,
    pub zones: Vec<RawZone>,
    #[serde(default)]
    pub drains: Vec<RawDrain>,
    #[serde(default)]
    pub pipes: Vec<RawPipe>,
    pub pond_side: Option<RawPondSide>,
    /// "no_flow" (default) | "open".
    pub downstream_edge: Option<String>,
    #[serde(default)]
    pub stations_x_m: Vec<f64>,
    pub control_line: Option<PointsSource>,
    pub min_burial_depth_m: Option<f64>,
}

/// `zones = [{ name, material, polygon }]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    pub name: String,
    pub material: String,
    pub polygon: PointsSource,
}

/// `drains = [{ name, kind, polygon }]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrain {
    pub name: String,
    /// "blanket" | "toe" | "chimney".
    pub kind: String,
    pub polygon: PointsSource,
}

/// `pipes = [{ name, at = [x, z] }]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPipe {
    pub name: String,
    pub at: [f64; 2],
}

/// `pond_side = { surface_until_x_m, upstream_edge }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPondSide {
    pub surface_until_x_m: f64,
    /// "open" (default) | "no_flow".
    pub upstream_edge: Option<String>,
}

/// Reads points inline or from a CSV file; problems under `key`.
pub(crate) fn points(
    src: &PointsSource,
    key: &str,
    base_dir: &Path,
    p: &mut Problems,
) -> Option<Vec<Point2>> {
    let pts: Vec<Point2> = match src {
        PointsSource::Inline(v) => v.iter().map(|&[x, z]| Point2::new(x, z)).collect(),
        PointsSource::File(f) => {
            let spec = ColumnSpec { required: &["x_m", "z_m"], optional: &[] };
            let mut cols = curves::read_csv(base_dir, f, key, &spec, p)?;
            let (x, z) = (cols.remove("x_m")?, cols.remove("z_m")?);
            x.into_iter().zip(z).map(|(x, z)| Point2::new(x, z)).collect()
        }
    };
    for (i, q) in pts.iter().enumerate() {
        if !q.is_finite() {
            p.push(format!("{key}[{i}]"), format!("({}, {}) is not finite", q.x, q.z));
            return None;
        }
    }
    Some(pts)
}

/// A geometry error of the line or polygon at `key`, as a problem there (the point index, when
/// the error names one, goes into the path).
fn geometry(key: &str, e: GeometryError, p: &mut Problems) {
    let at = match &e {
        GeometryError::NonFinite { index, .. } | GeometryError::NotXMonotone { index, .. } => {
            format!("{key}[{index}]")
        }
        GeometryError::TooFewPoints { .. }
        | GeometryError::OpenRing { .. }
        | GeometryError::SelfIntersecting { .. }
        | GeometryError::ZeroArea { .. } => key.to_owned(),
    };
    p.push(at, e.to_string());
}

fn polyline(src: &PointsSource, key: &str, base: &Path, p: &mut Problems) -> Option<Polyline> {
    let pts = points(src, key, base, p)?;
    Polyline::x_monotone(key, pts).map_err(|e| geometry(key, e, p)).ok()
}

fn polygon(src: &PointsSource, key: &str, base: &Path, p: &mut Problems) -> Option<Polygon> {
    let pts = points(src, key, base, p)?;
    Polygon::new(key, pts).map_err(|e| geometry(key, e, p)).ok()
}

fn edge(value: Option<&str>, default: EdgeKind, key: &str, p: &mut Problems) -> Option<EdgeKind> {
    match value {
        None => Some(default),
        Some("open") => Some(EdgeKind::Open),
        Some("no_flow") => Some(EdgeKind::NoFlow),
        Some(other) => {
            p.push(key, format!("unknown edge condition {other:?} (allowed: open, no_flow)"));
            None
        }
    }
}

/// Validates every `[[section]]` against the materials; `needs_pond_side` when pond levels will
/// be solved (the pond side must then be given).
pub(crate) fn sections(
    raw: &[RawDamSection],
    materials: &Materials,
    needs_pond_side: bool,
    base_dir: &Path,
    p: &mut Problems,
) -> Vec<Option<DamSectionSpec>> {
    let mut names: Vec<&str> = Vec::new();
    raw.iter()
        .enumerate()
        .map(|(i, s)| {
            let key = format!("section[{i}]");
            if s.name.trim().is_empty() {
                p.push(format!("{key}.name"), "must not be empty");
            } else if names.contains(&s.name.as_str()) {
                p.push(format!("{key}.name"), format!("duplicate section name {:?}", s.name));
            }
            names.push(&s.name);
            section(s, &key, materials, needs_pond_side, base_dir, p)
        })
        .collect()
}

fn section(
    s: &RawDamSection,
    key: &str,
    materials: &Materials,
    needs_pond_side: bool,
    base_dir: &Path,
    p: &mut Problems,
) -> Option<DamSectionSpec> {
    let before = p.len();
    let k = |name: &str| format!("{key}.{name}");
    let surface = polyline(&s.surface, &k("surface"), base_dir, p);
    let base = polyline(&s.base, &k("base"), base_dir, p);

    // Materials used by the zones, in order of first use.
    let mut used: Vec<usize> = Vec::new();
    if s.zones.is_empty() {
        p.push(k("zones"), "give at least one zone");
    }
    let mut zones = Vec::with_capacity(s.zones.len());
    for (j, z) in s.zones.iter().enumerate() {
        let zk = format!("{key}.zones[{j}]");
        if s.zones[..j].iter().any(|o| o.name == z.name) {
            p.push(format!("{zk}.name"), format!("duplicate zone name {:?}", z.name));
        }
        let material = match materials.index_of(&z.material) {
            Some(m) => {
                let pos = used.iter().position(|&u| u == m).unwrap_or_else(|| {
                    used.push(m);
                    used.len() - 1
                });
                Some(MaterialId(pos))
            }
            None => {
                p.push(
                    format!("{zk}.material"),
                    format!("unknown material {:?} (materials: {})", z.material, materials.names()),
                );
                None
            }
        };
        let polygon = polygon(&z.polygon, &format!("{zk}.polygon"), base_dir, p);
        if let (Some(material), Some(polygon)) = (material, polygon) {
            zones.push(Zone { name: z.name.clone(), polygon, material });
        }
    }
    let mut drains = Vec::with_capacity(s.drains.len());
    for (j, d) in s.drains.iter().enumerate() {
        let dk = format!("{key}.drains[{j}]");
        let kind = match d.kind.as_str() {
            "blanket" => Some(DrainKind::Blanket),
            "toe" => Some(DrainKind::Toe),
            "chimney" => Some(DrainKind::Chimney),
            other => {
                p.push(
                    format!("{dk}.kind"),
                    format!("unknown drain kind {other:?} (allowed: blanket, toe, chimney)"),
                );
                None
            }
        };
        let polygon = polygon(&d.polygon, &format!("{dk}.polygon"), base_dir, p);
        if let (Some(kind), Some(polygon)) = (kind, polygon) {
            drains.push(Drain { name: d.name.clone(), kind, polygon });
        }
    }
    let mut pipes = Vec::with_capacity(s.pipes.len());
    for (j, q) in s.pipes.iter().enumerate() {
        let [x, z] = q.at;
        if !(x.is_finite() && z.is_finite()) {
            p.push(format!("{key}.pipes[{j}].at"), format!("({x}, {z}) is not finite"));
        }
        pipes.push(DrainPipe { name: q.name.clone(), at: Point2::new(x, z) });
    }
    let outlets: Vec<&str> = s
        .drains
        .iter()
        .map(|d| d.name.as_str())
        .chain(s.pipes.iter().map(|q| q.name.as_str()))
        .collect();
    for (j, name) in outlets.iter().enumerate() {
        if outlets[..j].contains(name) {
            let at = if j < s.drains.len() {
                format!("{key}.drains[{j}].name")
            } else {
                format!("{key}.pipes[{}].name", j - s.drains.len())
            };
            p.push(at, format!("duplicate drain or pipe name {name:?}"));
        }
    }
    if s.pond_side.is_none() && needs_pond_side {
        p.push(
            k("pond_side"),
            "missing: pond levels are solved, so say where the pond water stands \
             (pond_side = { surface_until_x_m, upstream_edge })",
        );
    }
    let upstream_edge = match &s.pond_side {
        Some(ps) => {
            edge(ps.upstream_edge.as_deref(), EdgeKind::Open, &k("pond_side.upstream_edge"), p)
        }
        None => Some(EdgeKind::NoFlow),
    };
    let downstream_edge =
        edge(s.downstream_edge.as_deref(), EdgeKind::NoFlow, &k("downstream_edge"), p);
    for (j, &x) in s.stations_x_m.iter().enumerate() {
        p.finite(&format!("{key}.stations_x_m[{j}]"), x);
    }
    let control_line =
        s.control_line.as_ref().and_then(|c| polyline(c, &k("control_line"), base_dir, p));
    let min_burial = s.min_burial_depth_m.and_then(|d| p.positive(&k("min_burial_depth_m"), d));
    if p.len() > before {
        return None;
    }
    let (surface, base) = (surface?, base?);
    let until = match &s.pond_side {
        Some(ps) => p.finite(&k("pond_side.surface_until_x_m"), ps.surface_until_x_m)?,
        // No pond on this section: the pond level (none is solved) would apply nowhere.
        None => surface.first().x,
    };
    let section = DamSection {
        name: s.name.clone(),
        surface,
        base,
        materials: used.iter().map(|&m| materials.list[m].1.clone()).collect::<Option<Vec<_>>>()?,
        zones,
        drains,
        pipes,
        pond_side: PondSide { surface_until_x: until, upstream_edge: upstream_edge? },
        downstream_edge: downstream_edge?,
        stations_x: s.stations_x_m.clone(),
    };
    let errors = section.problems();
    for e in errors {
        let (path, message) = locate(&e, s, key, materials, &used);
        p.push(path, message);
    }
    if p.len() > before {
        return None;
    }
    Some(DamSectionSpec { section, control_line, min_burial_depth_m: min_burial })
}

/// The key path of a section problem, and its message.
fn locate(
    e: &SectionError,
    s: &RawDamSection,
    key: &str,
    materials: &Materials,
    used: &[usize],
) -> (String, String) {
    let zone = |name: &str| {
        s.zones
            .iter()
            .position(|z| z.name == name)
            .map_or(format!("{key}.zones"), |j| format!("{key}.zones[{j}]"))
    };
    let message = e.to_string();
    // Drop the "section 'name': " prefix: the key path names the section already.
    let message = message.split_once("': ").map_or(message.clone(), |(_, m)| m.to_owned());
    let path = match e {
        SectionError::Geometry { source, .. } => match source {
            GeometryError::NotXMonotone { what, index, .. } => format!("{key}.{what}[{index}]"),
            _ => format!("{key}.surface"),
        },
        SectionError::EndsMismatch { .. } | SectionError::BaseAboveSurface { .. } => {
            format!("{key}.base")
        }
        SectionError::NoZones { .. } => format!("{key}.zones"),
        SectionError::ZoneMaterialMissing { zone: z, .. } => format!("{}.material", zone(z)),
        SectionError::ZoneOutsideSection { zone: z, .. } => format!("{}.polygon", zone(z)),
        SectionError::ZonesOverlap { zone_b, .. } => format!("{}.polygon", zone(zone_b)),
        SectionError::ZonesLeaveGap { .. } => format!("{key}.zones"),
        SectionError::Material { source, .. } => {
            let index = used
                .iter()
                .copied()
                .find(|&m| materials.list[m].0 == source.material)
                .map_or("material".to_owned(), |m| format!("material[{m}]"));
            return (format!("{index}.{}", scenario_key(source)), message);
        }
        SectionError::DrainOutsideSection { drain, .. } => {
            if let Some(j) = s.drains.iter().position(|d| &d.name == drain) {
                format!("{key}.drains[{j}].polygon")
            } else if let Some(j) = s.pipes.iter().position(|q| &q.name == drain) {
                format!("{key}.pipes[{j}].at")
            } else {
                format!("{key}.drains")
            }
        }
        SectionError::PondSideOutOfRange { .. } => format!("{key}.pond_side.surface_until_x_m"),
        SectionError::StationOutsideSurface { index, .. } => {
            format!("{key}.stations_x_m[{index}]")
        }
    };
    (path, message)
}
