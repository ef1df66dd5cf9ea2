//! Raster files: ESRI ASCII grid (read/write, `.prj` kept) and GeoTIFF (read/write with the
//! `tiff` crate: ModelPixelScale + ModelTiepoint georeferencing, GeoKeyDirectory, GDAL_NODATA).
//!
//! Files store rows from the north; [`Raster`] stores them from the south. Writers go through a
//! temporary name and a rename, so a reader never sees a half-written file.

use crate::error::InundationError;
use crate::terrain::{Crs, GridGeometry, Raster};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::encoder::{TiffEncoder, colortype};
use tiff::tags::Tag;

/// Nodata value written to files.
pub const NODATA: f64 = -9999.0;

fn io_err(path: &Path, source: std::io::Error) -> InundationError {
    InundationError::Io { path: path.display().to_string(), source }
}
fn fmt_err(path: &Path, message: impl Into<String>) -> InundationError {
    InundationError::Format { path: path.display().to_string(), message: message.into() }
}
fn tiff_err(path: &Path, e: impl std::fmt::Display) -> InundationError {
    InundationError::Tiff { path: path.display().to_string(), message: e.to_string() }
}

/// Read an ESRI ASCII grid (`ncols`, `nrows`, `xllcorner`|`xllcenter`, `yllcorner`|`yllcenter`,
/// `cellsize` or `dx`/`dy`, optional `nodata_value`). A `.prj` beside it is kept as WKT.
pub fn read_ascii_grid(path: &Path) -> Result<Raster, InundationError> {
    let text = fs::read_to_string(path).map_err(|e| io_err(path, e))?;
    let mut tokens = text.split_ascii_whitespace().peekable();
    let (mut ncols, mut nrows) = (None, None);
    let (mut x, mut y, mut centre_x, mut centre_y) = (None, None, false, false);
    let (mut dx, mut dy, mut nodata) = (None, None, None);
    while let Some(&t) = tokens.peek() {
        if t.parse::<f64>().is_ok() {
            break;
        }
        let key = t.to_ascii_lowercase();
        tokens.next();
        let value: f64 = tokens
            .next()
            .ok_or_else(|| fmt_err(path, format!("header key {t} has no value")))?
            .parse()
            .map_err(|_| fmt_err(path, format!("header key {t}: value is not a number")))?;
        match key.as_str() {
            "ncols" => ncols = Some(value),
            "nrows" => nrows = Some(value),
            "xllcorner" => x = Some(value),
            "yllcorner" => y = Some(value),
            "xllcenter" => (x, centre_x) = (Some(value), true),
            "yllcenter" => (y, centre_y) = (Some(value), true),
            "cellsize" => (dx, dy) = (Some(value), Some(value)),
            "dx" => dx = Some(value),
            "dy" => dy = Some(value),
            "nodata_value" => nodata = Some(value),
            _ => return Err(fmt_err(path, format!("unknown header key {t}"))),
        }
    }
    let need =
        |v: Option<f64>, k: &str| v.ok_or_else(|| fmt_err(path, format!("header lacks {k}")));
    let count = |v: f64, k: &str| {
        if v >= 1.0 && v.fract() == 0.0 && v < 1e8 {
            Ok(v as usize)
        } else {
            Err(fmt_err(path, format!("{k} = {v} is not a positive whole number")))
        }
    };
    let nx = count(need(ncols, "ncols")?, "ncols")?;
    let ny = count(need(nrows, "nrows")?, "nrows")?;
    let (dx, dy) = (need(dx, "cellsize")?, need(dy, "cellsize")?);
    let mut x_min = need(x, "xllcorner")?;
    let mut y_min = need(y, "yllcorner")?;
    if centre_x {
        x_min -= 0.5 * dx;
    }
    if centre_y {
        y_min -= 0.5 * dy;
    }
    let geometry = GridGeometry::new(nx, ny, dx, dy, x_min, y_min)?;
    let mut values = vec![f64::NAN; nx * ny];
    let mut read = 0usize;
    for t in tokens {
        if read == nx * ny {
            return Err(fmt_err(path, format!("more than {} values", nx * ny)));
        }
        let v: f64 =
            t.parse().map_err(|_| fmt_err(path, format!("value {read}: {t} is not a number")))?;
        let (row_from_top, i) = (read / nx, read % nx);
        let j = ny - 1 - row_from_top;
        values[j * nx + i] = if nodata == Some(v) || !v.is_finite() { f64::NAN } else { v };
        read += 1;
    }
    if read != nx * ny {
        return Err(fmt_err(path, format!("{read} values, expected {nx}×{ny} = {}", nx * ny)));
    }
    let wkt = fs::read_to_string(path.with_extension("prj")).ok();
    let crs = wkt.map(|w| Crs { wkt: Some(w.trim().to_string()), ..Crs::default() });
    Ok(Raster { geometry, values, crs })
}

/// Write an ESRI ASCII grid (`NaN` as [`NODATA`]); the CRS's WKT, when known, to a `.prj`.
pub fn write_ascii_grid(path: &Path, raster: &Raster) -> Result<(), InundationError> {
    let g = raster.geometry;
    let mut out = String::with_capacity(g.cells() * 10 + 200);
    out.push_str(&format!(
        "ncols {}\nnrows {}\nxllcorner {}\nyllcorner {}\n",
        g.nx, g.ny, g.x_min, g.y_min
    ));
    if g.dx == g.dy {
        out.push_str(&format!("cellsize {}\n", g.dx));
    } else {
        out.push_str(&format!("dx {}\ndy {}\n", g.dx, g.dy));
    }
    out.push_str(&format!("NODATA_value {NODATA}\n"));
    for j in (0..g.ny).rev() {
        let row = &raster.values[j * g.nx..(j + 1) * g.nx];
        let line: Vec<String> = row
            .iter()
            .map(|v| if v.is_finite() { format!("{v}") } else { format!("{NODATA}") })
            .collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    atomic_write(path, out.as_bytes())?;
    if let Some(wkt) = raster.crs.as_ref().and_then(|c| c.wkt.as_ref()) {
        atomic_write(&path.with_extension("prj"), wkt.as_bytes())?;
    }
    Ok(())
}

fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), InundationError> {
    let tmp = path.with_extension("tmp~");
    fs::write(&tmp, bytes).map_err(|e| io_err(path, e))?;
    fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// GeoKey ids used here (GeoTIFF 1.1).
const GT_MODEL_TYPE: u16 = 1024;
const GT_RASTER_TYPE: u16 = 1025;
const GEOGRAPHIC_TYPE: u16 = 2048;
const PROJECTED_CS_TYPE: u16 = 3072;
const RASTER_PIXEL_IS_POINT: u16 = 2;

/// Read a single-band GeoTIFF (any integer or float sample type) with its georeferencing
/// (ModelPixelScale + ModelTiepoint; north-up only), GeoKeys and GDAL nodata.
pub fn read_geotiff(path: &Path) -> Result<Raster, InundationError> {
    let file = fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut dec = Decoder::new(std::io::BufReader::new(file))
        .map_err(|e| tiff_err(path, e))?
        .with_limits(Limits::unlimited());
    let (w, h) = dec.dimensions().map_err(|e| tiff_err(path, e))?;
    let (nx, ny) = (w as usize, h as usize);
    let scale = dec
        .find_tag(Tag::ModelPixelScaleTag)
        .map_err(|e| tiff_err(path, e))?
        .ok_or_else(|| fmt_err(path, "no ModelPixelScale tag: not a north-up GeoTIFF"))?
        .into_f64_vec()
        .map_err(|e| tiff_err(path, e))?;
    let tie = dec
        .find_tag(Tag::ModelTiepointTag)
        .map_err(|e| tiff_err(path, e))?
        .ok_or_else(|| fmt_err(path, "no ModelTiepoint tag: not georeferenced"))?
        .into_f64_vec()
        .map_err(|e| tiff_err(path, e))?;
    if scale.len() < 2 || tie.len() < 6 {
        return Err(fmt_err(path, "ModelPixelScale/ModelTiepoint too short"));
    }
    let geo_keys = match dec.find_tag(Tag::GeoKeyDirectoryTag).map_err(|e| tiff_err(path, e))? {
        Some(v) => v.into_u16_vec().map_err(|e| tiff_err(path, e))?,
        None => Vec::new(),
    };
    let geo_doubles = match dec.find_tag(Tag::GeoDoubleParamsTag).map_err(|e| tiff_err(path, e))? {
        Some(v) => v.into_f64_vec().map_err(|e| tiff_err(path, e))?,
        None => Vec::new(),
    };
    let geo_ascii = match dec.find_tag(Tag::GeoAsciiParamsTag).map_err(|e| tiff_err(path, e))? {
        Some(v) => v.into_string().map_err(|e| tiff_err(path, e))?,
        None => String::new(),
    };
    let nodata = match dec.find_tag(Tag::GdalNodata).map_err(|e| tiff_err(path, e))? {
        Some(v) => {
            let s = v.into_string().map_err(|e| tiff_err(path, e))?;
            let s = s.trim_matches(char::from(0)).trim();
            Some(s.parse::<f64>().map_err(|_| fmt_err(path, format!("GDAL_NODATA {s:?}")))?)
        }
        None => None,
    };
    let key = |id: u16| -> Option<u16> {
        geo_keys.get(4..)?.chunks_exact(4).find(|k| k[0] == id && k[1] == 0).map(|k| k[3])
    };
    let (dx, dy) = (scale[0], scale[1]);
    let mut x_min = tie[3] - tie[0] * dx;
    let mut y_max = tie[4] + tie[1] * dy;
    if key(GT_RASTER_TYPE) == Some(RASTER_PIXEL_IS_POINT) {
        x_min -= 0.5 * dx;
        y_max += 0.5 * dy;
    }
    let geometry = GridGeometry::new(nx, ny, dx, dy, x_min, y_max - ny as f64 * dy)?;
    let data: Vec<f64> = match dec.read_image().map_err(|e| tiff_err(path, e))? {
        DecodingResult::U8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F64(v) => v,
        _ => return Err(fmt_err(path, "unsupported sample type (use 8–32-bit ints or floats)")),
    };
    if data.len() != nx * ny {
        return Err(fmt_err(
            path,
            format!("{} samples for {nx}×{ny} (one band expected)", data.len()),
        ));
    }
    let mut values = vec![f64::NAN; nx * ny];
    for (k, v) in data.into_iter().enumerate() {
        let (r, i) = (k / nx, k % nx);
        let nod =
            nodata.is_some_and(|n| v == n || (n.abs() > 1e30 && (v - n).abs() <= 1e-6 * n.abs()));
        values[(ny - 1 - r) * nx + i] = if nod || !v.is_finite() { f64::NAN } else { v };
    }
    let epsg = key(PROJECTED_CS_TYPE).or(key(GEOGRAPHIC_TYPE)).map(u32::from);
    let crs = Some(Crs { epsg, geo_keys, geo_doubles, geo_ascii, wkt: None });
    Ok(Raster { geometry, values, crs })
}

/// Write a single-band 32-bit float GeoTIFF (`NaN` as [`NODATA`], GDAL_NODATA set), with the
/// raster's GeoKeys when it has them, else keys for `epsg` (projected) or none.
pub fn write_geotiff(
    path: &Path,
    raster: &Raster,
    epsg: Option<u32>,
) -> Result<(), InundationError> {
    let g = raster.geometry;
    let mut data = vec![0f32; g.cells()];
    for j in 0..g.ny {
        for i in 0..g.nx {
            let v = raster.values[j * g.nx + i];
            data[(g.ny - 1 - j) * g.nx + i] = if v.is_finite() { v as f32 } else { NODATA as f32 };
        }
    }
    let keys: Vec<u16> = match (&raster.crs, epsg) {
        (Some(c), _) if !c.geo_keys.is_empty() => c.geo_keys.clone(),
        (_, Some(code)) if code <= u32::from(u16::MAX) => {
            vec![
                1,
                1,
                0,
                3,
                GT_MODEL_TYPE,
                0,
                1,
                1,
                GT_RASTER_TYPE,
                0,
                1,
                1,
                PROJECTED_CS_TYPE,
                0,
                1,
                code as u16,
            ]
        }
        _ => vec![1, 1, 0, 1, GT_RASTER_TYPE, 0, 1, 1],
    };
    let tmp = path.with_extension("tmp~");
    let file = fs::File::create(&tmp).map_err(|e| io_err(path, e))?;
    let mut writer = BufWriter::new(file);
    write_tiff_body(&mut writer, g, &data, &keys, raster.crs.as_ref())
        .map_err(|e| tiff_err(path, e))?;
    writer.flush().map_err(|e| io_err(path, e))?;
    drop(writer);
    fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// The TIFF directory and pixels of [`write_geotiff`].
fn write_tiff_body(
    writer: &mut BufWriter<fs::File>,
    g: GridGeometry,
    data: &[f32],
    keys: &[u16],
    crs: Option<&Crs>,
) -> Result<(), tiff::TiffError> {
    let mut enc = TiffEncoder::new(writer)?;
    let mut image = enc.new_image::<colortype::Gray32Float>(g.nx as u32, g.ny as u32)?;
    let y_max = g.y_min + g.ny as f64 * g.dy;
    let dir = image.encoder();
    dir.write_tag(Tag::ModelPixelScaleTag, &[g.dx, g.dy, 0.0][..])?;
    dir.write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, g.x_min, y_max, 0.0][..])?;
    dir.write_tag(Tag::GeoKeyDirectoryTag, keys)?;
    if let Some(c) = crs {
        if !c.geo_doubles.is_empty() {
            dir.write_tag(Tag::GeoDoubleParamsTag, &c.geo_doubles[..])?;
        }
        if !c.geo_ascii.is_empty() {
            dir.write_tag(Tag::GeoAsciiParamsTag, c.geo_ascii.as_str())?;
        }
    }
    dir.write_tag(Tag::GdalNodata, format!("{NODATA}").as_str())?;
    image.write_data(data)
}
