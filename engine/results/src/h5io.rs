//! Thin helpers over hdf5-metno: every dataset is written with `units` and `description`
//! attributes, every number is checked finite, and every failure names the file and object.

use crate::error::ResultsError;
use hdf5::types::VarLenUnicode;
use hdf5::{Dataset, Group, H5Type, Location};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Units attribute of text and enum-code datasets (they are not quantities).
pub const UNITS_TEXT: &str = "-";
/// Units attribute of dimensionless numbers (counts, flags, percentages use "%").
pub const UNITS_ONE: &str = "1";

fn object_path(parent: &Location, name: &str) -> String {
    let p = parent.name();
    if p.ends_with('/') { format!("{p}{name}") } else { format!("{p}/{name}") }
}

/// Writing context: the destination path for error messages.
pub struct H5Writer {
    pub path: PathBuf,
}

impl H5Writer {
    fn hdf5(&self, object: impl Into<String>) -> impl FnOnce(hdf5::Error) -> ResultsError + '_ {
        let object = object.into();
        move |source| ResultsError::Hdf5 { path: self.path.clone(), object, source }
    }

    fn unicode(&self, object: &str, s: &str) -> Result<VarLenUnicode, ResultsError> {
        VarLenUnicode::from_str(s).map_err(|_| ResultsError::InvalidText {
            path: self.path.clone(),
            object: object.to_owned(),
            position: s.find('\0').unwrap_or(0),
        })
    }

    fn check_finite(&self, object: &str, data: &[f64]) -> Result<(), ResultsError> {
        match data.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            Some((index, &value)) => Err(ResultsError::NonFinite {
                path: self.path.clone(),
                object: object.to_owned(),
                index,
                value,
            }),
            None => Ok(()),
        }
    }

    /// Creates a child group.
    pub fn group(&self, parent: &Group, name: &str) -> Result<Group, ResultsError> {
        parent
            .create_group_builder()
            .obj_track_times(false)
            .create(name)
            .map_err(self.hdf5(object_path(parent, name)))
    }

    /// Creates a group named after a user id, after checking the id is a valid HDF5 name.
    pub fn id_group(
        &self,
        parent: &Group,
        id: &str,
        what: &'static str,
    ) -> Result<Group, ResultsError> {
        if id.is_empty() || id == "." || id.contains('/') {
            return Err(ResultsError::InvalidName {
                path: self.path.clone(),
                what,
                name: id.to_owned(),
            });
        }
        let g = self.group(parent, id)?;
        self.attr_text(&g, "id", id)?;
        Ok(g)
    }

    /// A scalar string attribute.
    pub fn attr_text(&self, loc: &Location, name: &str, value: &str) -> Result<(), ResultsError> {
        let object = format!("{}@{name}", loc.name());
        let v = self.unicode(&object, value)?;
        loc.new_attr::<VarLenUnicode>()
            .shape(())
            .create(name)
            .and_then(|a| a.write_scalar(&v))
            .map_err(self.hdf5(object))
    }

    /// A scalar integer attribute.
    pub fn attr_u64(&self, loc: &Location, name: &str, value: u64) -> Result<(), ResultsError> {
        let object = format!("{}@{name}", loc.name());
        loc.new_attr::<u64>()
            .shape(())
            .create(name)
            .and_then(|a| a.write_scalar(&value))
            .map_err(self.hdf5(object))
    }

    fn describe(&self, ds: &Dataset, units: &str, description: &str) -> Result<(), ResultsError> {
        self.attr_text(ds, "units", units)?;
        self.attr_text(ds, "description", description)
    }

    fn array<T: H5Type>(
        &self,
        g: &Group,
        name: &str,
        data: &[T],
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let object = object_path(g, name);
        let ds = g
            .new_dataset_builder()
            .obj_track_times(false)
            .with_data(data)
            .create(name)
            .map_err(self.hdf5(&object))?;
        self.describe(&ds, units, description)?;
        Ok(ds)
    }

    fn scalar<T: H5Type>(
        &self,
        g: &Group,
        name: &str,
        value: &T,
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let object = object_path(g, name);
        let ds = g
            .new_dataset::<T>()
            .obj_track_times(false)
            .shape(())
            .create(name)
            .and_then(|ds| ds.write_scalar(value).map(|()| ds))
            .map_err(self.hdf5(&object))?;
        self.describe(&ds, units, description)?;
        Ok(ds)
    }

    /// A 1-D float dataset.
    pub fn f64s(
        &self,
        g: &Group,
        name: &str,
        data: &[f64],
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        self.check_finite(&object_path(g, name), data)?;
        self.array(g, name, data, units, description)
    }

    /// A 1-D float dataset of optional values; `None` is stored as NaN (the only NaN in a file).
    pub fn optional_f64s(
        &self,
        g: &Group,
        name: &str,
        data: &[Option<f64>],
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let object = object_path(g, name);
        let present: Vec<f64> = data.iter().flatten().copied().collect();
        self.check_finite(&object, &present)?;
        let stored: Vec<f64> = data.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        let ds = self.array(g, name, &stored, units, description)?;
        self.attr_text(&ds, "missing_value", "NaN")?;
        Ok(ds)
    }

    /// A time series: a float dataset whose `time` attribute names its time-axis dataset.
    #[allow(clippy::too_many_arguments)]
    pub fn series(
        &self,
        g: &Group,
        name: &str,
        data: &[f64],
        units: &str,
        description: &str,
        axis_path: &str,
        axis_len: usize,
    ) -> Result<Dataset, ResultsError> {
        let object = object_path(g, name);
        if data.len() != axis_len {
            return Err(ResultsError::LengthMismatch {
                path: self.path.clone(),
                object,
                len: data.len(),
                axis: axis_path.to_owned(),
                axis_len,
            });
        }
        let ds = self.f64s(g, name, data, units, description)?;
        self.attr_text(&ds, "time", axis_path)?;
        Ok(ds)
    }

    /// A 1-D enum-code dataset with its legend.
    pub fn codes(
        &self,
        g: &Group,
        name: &str,
        data: &[u8],
        description: &str,
        legend: &str,
    ) -> Result<Dataset, ResultsError> {
        let ds = self.array(g, name, data, UNITS_TEXT, description)?;
        self.attr_text(&ds, "legend", legend)?;
        Ok(ds)
    }

    /// A scalar float dataset.
    pub fn f64_scalar(
        &self,
        g: &Group,
        name: &str,
        value: f64,
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        self.check_finite(&object_path(g, name), &[value])?;
        self.scalar(g, name, &value, units, description)
    }

    /// A scalar float dataset, written only when present.
    pub fn optional_f64_scalar(
        &self,
        g: &Group,
        name: &str,
        value: Option<f64>,
        units: &str,
        description: &str,
    ) -> Result<(), ResultsError> {
        if let Some(v) = value {
            self.f64_scalar(g, name, v, units, description)?;
        }
        Ok(())
    }

    /// A scalar unsigned integer dataset.
    pub fn u64_scalar(
        &self,
        g: &Group,
        name: &str,
        value: u64,
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        self.scalar(g, name, &value, units, description)
    }

    /// A boolean as a scalar `u8` (0 = false, 1 = true).
    pub fn flag(
        &self,
        g: &Group,
        name: &str,
        value: bool,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let ds = self.scalar(g, name, &u8::from(value), UNITS_ONE, description)?;
        self.attr_text(&ds, "legend", "0=false; 1=true")?;
        Ok(ds)
    }

    /// A scalar string dataset.
    pub fn text(
        &self,
        g: &Group,
        name: &str,
        value: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let v = self.unicode(&object_path(g, name), value)?;
        self.scalar(g, name, &v, UNITS_TEXT, description)
    }

    /// A 1-D string dataset.
    pub fn texts<S: AsRef<str>>(
        &self,
        g: &Group,
        name: &str,
        values: &[S],
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let object = object_path(g, name);
        let v = values
            .iter()
            .map(|s| self.unicode(&object, s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        self.array(g, name, &v, UNITS_TEXT, description)
    }

    /// A scalar float attribute (finite).
    pub fn attr_f64(&self, loc: &Location, name: &str, value: f64) -> Result<(), ResultsError> {
        let object = format!("{}@{name}", loc.name());
        self.check_finite(&object, &[value])?;
        loc.new_attr::<f64>()
            .shape(())
            .create(name)
            .and_then(|a| a.write_scalar(&value))
            .map_err(self.hdf5(object))
    }

    fn matrix<T: H5Type + Copy, const N: usize>(
        &self,
        g: &Group,
        name: &str,
        rows: &[[T; N]],
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let object = object_path(g, name);
        let flat: Vec<T> = rows.iter().flatten().copied().collect();
        let view = ndarray::ArrayView2::from_shape((rows.len(), N), &flat).map_err(|e| {
            ResultsError::Malformed {
                path: self.path.clone(),
                object: object.clone(),
                problem: e.to_string(),
            }
        })?;
        let ds = g
            .new_dataset_builder()
            .obj_track_times(false)
            .with_data(view)
            .create(name)
            .map_err(self.hdf5(&object))?;
        self.describe(&ds, units, description)?;
        Ok(ds)
    }

    /// An (n × N) float dataset, one row per item (points as `[x, z]`, circles as `[xc, yc, r]`).
    pub fn f64_rows<const N: usize>(
        &self,
        g: &Group,
        name: &str,
        rows: &[[f64; N]],
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        self.check_finite(&object_path(g, name), &flat)?;
        self.matrix(g, name, rows, units, description)
    }

    /// An (n × N) float dataset whose `None` entries are stored as NaN (`missing_value = "NaN"`).
    pub fn optional_f64_rows<const N: usize>(
        &self,
        g: &Group,
        name: &str,
        rows: &[Option<[f64; N]>],
        units: &str,
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        let present: Vec<f64> = rows.iter().flatten().flatten().copied().collect();
        self.check_finite(&object_path(g, name), &present)?;
        let stored: Vec<[f64; N]> = rows.iter().map(|r| r.unwrap_or([f64::NAN; N])).collect();
        let ds = self.matrix(g, name, &stored, units, description)?;
        self.attr_text(&ds, "missing_value", "NaN")?;
        Ok(ds)
    }

    /// An (n × N) unsigned-integer dataset (node triples of triangles).
    pub fn u32_rows<const N: usize>(
        &self,
        g: &Group,
        name: &str,
        rows: &[[u32; N]],
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        self.matrix(g, name, rows, UNITS_ONE, description)
    }

    /// A 1-D unsigned-integer dataset (indices, counts, offsets).
    pub fn u64s(
        &self,
        g: &Group,
        name: &str,
        data: &[u64],
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        self.array(g, name, data, UNITS_ONE, description)
    }

    /// A 1-D `u32` dataset (indices).
    pub fn u32s(
        &self,
        g: &Group,
        name: &str,
        data: &[u32],
        description: &str,
    ) -> Result<Dataset, ResultsError> {
        self.array(g, name, data, UNITS_ONE, description)
    }

    /// Optional texts: the strings (empty where `None`) in `name` and a `u8` presence mask in
    /// `<name>_present` (1 = a value, 0 = none), so `Some("")` and `None` stay distinct.
    pub fn optional_texts(
        &self,
        g: &Group,
        name: &str,
        values: &[Option<String>],
        description: &str,
    ) -> Result<(), ResultsError> {
        let text: Vec<&str> = values.iter().map(|v| v.as_deref().unwrap_or("")).collect();
        self.texts(g, name, &text, description)?;
        let mask: Vec<u8> = values.iter().map(|v| u8::from(v.is_some())).collect();
        let ds = self.array(
            g,
            &format!("{name}_present"),
            &mask,
            UNITS_ONE,
            &format!("1 where {name} has a value, 0 where it has none"),
        )?;
        self.attr_text(&ds, "legend", "0=none; 1=value")
    }
}

/// Reading context: the source path for error messages.
pub struct H5Reader {
    pub path: PathBuf,
}

impl H5Reader {
    pub fn new(path: &Path) -> Self {
        Self { path: path.to_path_buf() }
    }

    fn hdf5(&self, object: impl Into<String>) -> impl FnOnce(hdf5::Error) -> ResultsError + '_ {
        let object = object.into();
        move |source| ResultsError::Hdf5 { path: self.path.clone(), object, source }
    }

    /// A malformed-file error about `object`.
    pub fn malformed(&self, object: impl Into<String>, problem: impl Into<String>) -> ResultsError {
        ResultsError::Malformed {
            path: self.path.clone(),
            object: object.into(),
            problem: problem.into(),
        }
    }

    pub fn group(&self, parent: &Group, name: &str) -> Result<Group, ResultsError> {
        parent.group(name).map_err(self.hdf5(object_path(parent, name)))
    }

    pub fn has(&self, parent: &Group, name: &str) -> bool {
        parent.link_exists(name)
    }

    fn dataset(&self, g: &Group, name: &str) -> Result<Dataset, ResultsError> {
        g.dataset(name).map_err(self.hdf5(object_path(g, name)))
    }

    pub fn attr_text(&self, loc: &Location, name: &str) -> Result<String, ResultsError> {
        let object = format!("{}@{name}", loc.name());
        let v: VarLenUnicode = loc
            .attr(name)
            .and_then(|a| a.read_scalar::<VarLenUnicode>())
            .map_err(self.hdf5(object))?;
        Ok(v.as_str().to_owned())
    }

    pub fn attr_u64(&self, loc: &Location, name: &str) -> Result<u64, ResultsError> {
        let object = format!("{}@{name}", loc.name());
        loc.attr(name).and_then(|a| a.read_scalar::<u64>()).map_err(self.hdf5(object))
    }

    fn array<T: H5Type>(&self, g: &Group, name: &str) -> Result<Vec<T>, ResultsError> {
        let ds = self.dataset(g, name)?;
        if ds.ndim() != 1 {
            return Err(self
                .malformed(object_path(g, name), format!("expected 1-D, shape {:?}", ds.shape())));
        }
        ds.read_raw::<T>().map_err(self.hdf5(object_path(g, name)))
    }

    fn scalar<T: H5Type>(&self, g: &Group, name: &str) -> Result<T, ResultsError> {
        self.dataset(g, name)?.read_scalar::<T>().map_err(self.hdf5(object_path(g, name)))
    }

    pub fn f64s(&self, g: &Group, name: &str) -> Result<Vec<f64>, ResultsError> {
        self.array(g, name)
    }

    /// A float array of the given length (a series against its time axis, a table column).
    pub fn f64s_len(&self, g: &Group, name: &str, len: usize) -> Result<Vec<f64>, ResultsError> {
        let v = self.f64s(g, name)?;
        if v.len() != len {
            return Err(self.malformed(
                object_path(g, name),
                format!("{} values where {len} were expected", v.len()),
            ));
        }
        Ok(v)
    }

    pub fn optional_f64s(
        &self,
        g: &Group,
        name: &str,
        len: usize,
    ) -> Result<Vec<Option<f64>>, ResultsError> {
        Ok(self.f64s_len(g, name, len)?.into_iter().map(|v| (!v.is_nan()).then_some(v)).collect())
    }

    pub fn codes(&self, g: &Group, name: &str, len: usize) -> Result<Vec<u8>, ResultsError> {
        let v: Vec<u8> = self.array(g, name)?;
        if v.len() != len {
            return Err(self.malformed(
                object_path(g, name),
                format!("{} codes where {len} were expected", v.len()),
            ));
        }
        Ok(v)
    }

    pub fn f64_scalar(&self, g: &Group, name: &str) -> Result<f64, ResultsError> {
        self.scalar(g, name)
    }

    pub fn optional_f64_scalar(&self, g: &Group, name: &str) -> Result<Option<f64>, ResultsError> {
        if self.has(g, name) { self.f64_scalar(g, name).map(Some) } else { Ok(None) }
    }

    pub fn u64_scalar(&self, g: &Group, name: &str) -> Result<u64, ResultsError> {
        self.scalar(g, name)
    }

    pub fn flag(&self, g: &Group, name: &str) -> Result<bool, ResultsError> {
        match self.scalar::<u8>(g, name)? {
            0 => Ok(false),
            1 => Ok(true),
            other => {
                Err(self
                    .malformed(object_path(g, name), format!("flag {other} is neither 0 nor 1")))
            }
        }
    }

    pub fn text(&self, g: &Group, name: &str) -> Result<String, ResultsError> {
        Ok(self.scalar::<VarLenUnicode>(g, name)?.as_str().to_owned())
    }

    pub fn texts(&self, g: &Group, name: &str) -> Result<Vec<String>, ResultsError> {
        Ok(self.array::<VarLenUnicode>(g, name)?.iter().map(|s| s.as_str().to_owned()).collect())
    }

    pub fn texts_len(
        &self,
        g: &Group,
        name: &str,
        len: usize,
    ) -> Result<Vec<String>, ResultsError> {
        let v = self.texts(g, name)?;
        if v.len() != len {
            return Err(self.malformed(
                object_path(g, name),
                format!("{} strings where {len} were expected", v.len()),
            ));
        }
        Ok(v)
    }

    pub fn attr_f64(&self, loc: &Location, name: &str) -> Result<f64, ResultsError> {
        let object = format!("{}@{name}", loc.name());
        loc.attr(name).and_then(|a| a.read_scalar::<f64>()).map_err(self.hdf5(object))
    }

    fn matrix<T: H5Type + Copy + Default, const N: usize>(
        &self,
        g: &Group,
        name: &str,
    ) -> Result<Vec<[T; N]>, ResultsError> {
        let object = object_path(g, name);
        let ds = self.dataset(g, name)?;
        let shape = ds.shape();
        if shape.len() != 2 || shape[1] != N {
            return Err(self.malformed(object, format!("expected shape (n, {N}), found {shape:?}")));
        }
        let flat = ds.read_raw::<T>().map_err(self.hdf5(&object))?;
        Ok(flat
            .chunks_exact(N)
            .map(|c| {
                let mut row = [T::default(); N];
                row.copy_from_slice(c);
                row
            })
            .collect())
    }

    /// An (n × N) float dataset; `len` checks n when given.
    pub fn f64_rows<const N: usize>(
        &self,
        g: &Group,
        name: &str,
        len: Option<usize>,
    ) -> Result<Vec<[f64; N]>, ResultsError> {
        let v = self.matrix::<f64, N>(g, name)?;
        match len {
            Some(n) if v.len() != n => Err(self.malformed(
                object_path(g, name),
                format!("{} rows where {n} were expected", v.len()),
            )),
            _ => Ok(v),
        }
    }

    /// An (n × N) float dataset with NaN rows as `None`.
    pub fn optional_f64_rows<const N: usize>(
        &self,
        g: &Group,
        name: &str,
        len: usize,
    ) -> Result<Vec<Option<[f64; N]>>, ResultsError> {
        Ok(self
            .f64_rows::<N>(g, name, Some(len))?
            .into_iter()
            .map(|r| (!r.iter().any(|v| v.is_nan())).then_some(r))
            .collect())
    }

    pub fn u32_rows<const N: usize>(
        &self,
        g: &Group,
        name: &str,
    ) -> Result<Vec<[u32; N]>, ResultsError> {
        self.matrix::<u32, N>(g, name)
    }

    pub fn u64s_len(&self, g: &Group, name: &str, len: usize) -> Result<Vec<u64>, ResultsError> {
        let v: Vec<u64> = self.array(g, name)?;
        if v.len() != len {
            return Err(self.malformed(
                object_path(g, name),
                format!("{} values where {len} were expected", v.len()),
            ));
        }
        Ok(v)
    }

    pub fn u32s_len(&self, g: &Group, name: &str, len: usize) -> Result<Vec<u32>, ResultsError> {
        let v: Vec<u32> = self.array(g, name)?;
        if v.len() != len {
            return Err(self.malformed(
                object_path(g, name),
                format!("{} values where {len} were expected", v.len()),
            ));
        }
        Ok(v)
    }

    /// Texts written by [`H5Writer::optional_texts`].
    pub fn optional_texts(
        &self,
        g: &Group,
        name: &str,
        len: usize,
    ) -> Result<Vec<Option<String>>, ResultsError> {
        let text = self.texts_len(g, name, len)?;
        let mask = self.codes(g, &format!("{name}_present"), len)?;
        Ok(text.into_iter().zip(mask).map(|(t, m)| (m != 0).then_some(t)).collect())
    }

    /// Parses a serde-named enum stored as text.
    pub fn parse<T: serde::de::DeserializeOwned>(
        &self,
        object: &str,
        name: &str,
    ) -> Result<T, ResultsError> {
        crate::codes::from_serde_name(name)
            .ok_or_else(|| self.malformed(object, format!("unknown value {name:?}")))
    }
}
