//! Writing outputs atomically: a temporary file in the destination folder, renamed over the
//! target once complete, so a crash, an interrupt or a full disk never leaves a half-written
//! form behind: the target is the old file or the new one.
//!
//! The file is not flushed to the disk (`fsync`) before the rename. That would guard against
//! a power cut in the instant after writing, at the price of a disk round trip per file (a
//! tenth of the time of rendering a form here); the outputs are reproducible from their
//! inputs, and ext4 and btrfs, the common Linux file systems, write a file's data before
//! committing a rename that replaces another, so an old form is not lost to an empty one.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` via a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(error)?;
    let mut file = tempfile::Builder::new()
        .prefix(".checkgen-")
        .tempfile_in(dir)
        .map_err(error)?;
    file.write_all(bytes).map_err(error)?;
    // A temporary file is private (0600); the output keeps the mode of the file it replaces,
    // or gets the usual 0644 of a new document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::metadata(path)
            .map(|existing| existing.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        file.as_file().set_permissions(permissions).map_err(error)?;
    }
    file.persist(path).map_err(|err| error(err.error))?;
    Ok(())
}
