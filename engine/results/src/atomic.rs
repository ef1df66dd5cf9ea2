//! Atomic file replacement: write under a temporary name in the destination folder, flush it to
//! disk, then rename it over the destination. Readers see either the old file or the new one, never
//! a half-written file; on failure the temporary file is removed and the old file is untouched.

use crate::error::ResultsError;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A unique temporary path beside `dest` that keeps its extension (some writers pick the format
/// from it): `dir/.name.tmp-<pid>-<n>.ext`.
pub fn temporary_path_for(dest: &Path) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let stem = dest.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match dest.extension() {
        Some(ext) => format!(".{stem}.tmp-{pid}-{n}.{}", ext.to_string_lossy()),
        None => format!(".{stem}.tmp-{pid}-{n}"),
    };
    dest.with_file_name(name)
}

/// Runs `produce` on a temporary path beside `dest`, syncs the result and renames it onto `dest`.
///
/// `produce` must create the file at the path it is given and close it before returning. The
/// error type is generic so callers with richer errors (viz) can use the same replacement logic.
pub fn write_atomically<E, F>(dest: &Path, produce: F) -> Result<(), E>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: From<ResultsError>,
{
    let tmp = temporary_path_for(dest);
    let outcome = produce(&tmp).and_then(|()| {
        sync_file(&tmp)?;
        fs::rename(&tmp, dest).map_err(|source| ResultsError::Io {
            path: dest.to_path_buf(),
            action: "rename the temporary file into place",
            source,
        })?;
        Ok(())
    });
    if outcome.is_err() {
        // Best effort: the temporary file may not exist if `produce` failed early.
        let _ = fs::remove_file(&tmp);
    }
    outcome
}

/// Writes `bytes` to `dest` atomically.
pub fn write_bytes_atomically(dest: &Path, bytes: &[u8]) -> Result<(), ResultsError> {
    write_atomically(dest, |tmp| {
        fs::write(tmp, bytes).map_err(|source| ResultsError::Io {
            path: dest.to_path_buf(),
            action: "write the temporary file",
            source,
        })
    })
}

fn sync_file(path: &Path) -> Result<(), ResultsError> {
    let io = |source| ResultsError::Io {
        path: path.to_path_buf(),
        action: "flush the temporary file to disk",
        source,
    };
    fs::File::options().read(true).write(true).open(path).map_err(io)?.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_path_keeps_folder_and_extension() {
        let t = temporary_path_for(Path::new("/a/b/plot.png"));
        assert_eq!(t.parent(), Some(Path::new("/a/b")));
        assert_eq!(t.extension().unwrap(), "png");
        assert!(t.file_name().unwrap().to_string_lossy().starts_with(".plot.tmp-"));
        assert_ne!(
            temporary_path_for(Path::new("/a/x.h5")),
            temporary_path_for(Path::new("/a/x.h5"))
        );
    }

    #[test]
    fn failed_write_leaves_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.txt");
        fs::write(&dest, "old").unwrap();
        let r: Result<(), ResultsError> = write_atomically(&dest, |tmp| {
            fs::write(tmp, "half").unwrap();
            Err(ResultsError::Malformed {
                path: dest.clone(),
                object: "/".into(),
                problem: "simulated failure".into(),
            })
        });
        assert!(r.is_err());
        assert_eq!(fs::read_to_string(&dest).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
