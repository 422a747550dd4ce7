//! Reading a user's inputs: the files of a directory (`--rules DIR`, `--templates DIR`) and a
//! single document (`checkgen render FILE.md`), each bounded in size, each error naming the
//! path that failed.
//!
//! Only regular files are read from a directory. A symbolic link, a FIFO or a device there is
//! refused, not followed: a link to `/etc/shadow` would otherwise be echoed in an error
//! message, one to `/proc/self/environ` copied into a form, and a FIFO or `/proc/kmsg` would
//! block the run forever.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The largest input checkgen reads, in bytes (64 MiB): far beyond any rule file, template or
/// form, and small enough that an endless source such as `/dev/zero` is refused quickly.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// One file read from a directory.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The file name alone (`security.yaml`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The files of `dir` whose extension is one of `extensions`, sorted by name. Fails on any
/// such entry that is not a regular file (see the module docs).
pub fn files_in(dir: &Path, extensions: &[&str]) -> Result<Vec<InputFile>> {
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Read { path, source }
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error(dir))? {
        let entry = entry.map_err(read_error(dir))?;
        let path = entry.path();
        let wanted = path
            .extension()
            .is_some_and(|ext| extensions.iter().any(|e| ext == *e));
        if !wanted {
            continue;
        }
        // `DirEntry::file_type` does not follow symbolic links.
        let kind = entry.file_type().map_err(read_error(&path))?;
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return Err(Error::NotRegular {
                path,
                kind: describe(&kind),
            });
        }
        let bytes = read_bounded(&path)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        files.push(InputFile { path, name, bytes });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// What a directory entry that is not a regular file is, in words.
fn describe(kind: &std::fs::FileType) -> &'static str {
    if kind.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Reads a document named on the command line: a regular file, a FIFO or a device (standard
/// input through `/dev/stdin`), at most [`MAX_INPUT_BYTES`]. A directory is refused.
pub fn read_document(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(Error::NotRegular {
            path: path.to_path_buf(),
            kind: "a directory",
        });
    }
    read_bounded(path)
}

/// Reads at most [`MAX_INPUT_BYTES`] of `path`; more is an error, found without reading more
/// than one byte past the limit.
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(bytes)
}
