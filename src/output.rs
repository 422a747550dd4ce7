//! Writing outputs: `-` is standard output; a character device or FIFO (`/dev/null`, a named
//! pipe, or a symbolic link to one such as `/dev/stdout`) is written through; a regular file
//! is replaced atomically — a temporary file in the destination folder, renamed over the
//! target once complete, so a crash, an interrupt or a full disk never leaves a half-written
//! form behind: the target is the old file or the new one. Anything else (a symbolic link to
//! a file, a directory, a socket, a block device) is refused, never replaced.
//!
//! Why symbolic links to files are refused rather than followed: a link inside an output
//! directory could make a run write outside it, and replacing what a link points to would
//! also take over that file's owner and mode (a link to a setuid program must not become a
//! setuid PDF). Writing through to a device is what links such as `/dev/stdout` are for.
//!
//! A set of files (a form's `.md` and `.pdf`) is written together: every temporary first,
//! then the renames, so a full disk keeps the old pair rather than a new `.md` beside an old
//! `.pdf`. Temporaries are named `.checkgen-<pid>-<random>.tmp`; [`sweep_stale`] removes the
//! ones a killed run left behind.
//!
//! The file is not flushed to the disk (`fsync`) before the rename. That would guard against
//! a power cut in the instant after writing, at the price of a disk round trip per file (a
//! tenth of the time of rendering a form here); the outputs are reproducible from their
//! inputs, and ext4 and btrfs, the common Linux file systems, write a file's data before
//! committing a rename that replaces another, so an old form is not lost to an empty one.

use std::fs::Metadata;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use crate::error::{Error, Result};

/// The first part of every temporary file's name.
const TEMP_PREFIX: &str = ".checkgen-";
/// The last part of every temporary file's name.
const TEMP_SUFFIX: &str = ".tmp";

/// What an output path names, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `-`: the process's standard output.
    Stdout,
    /// A character device or FIFO (possibly behind a symbolic link): opened and written.
    Stream(PathBuf),
    /// A regular file, or nothing yet: replaced atomically.
    File(PathBuf),
}

impl Target {
    /// Decides how `path` is written; refuses what must not be replaced.
    pub fn of(path: &Path) -> Result<Target> {
        if path.as_os_str() == "-" {
            return Ok(Target::Stdout);
        }
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Target::File(path.to_path_buf()))
            }
            Err(source) => {
                return Err(Error::Write {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return match std::fs::metadata(path) {
                Ok(followed) if is_stream(&followed) => Ok(Target::Stream(path.to_path_buf())),
                Ok(_) => Err(refuse(
                    path,
                    format!("is a symbolic link (to {target}); checkgen does not replace a file through a link"),
                    "write to the link's target itself, or remove the link",
                )),
                Err(_) => Err(refuse(
                    path,
                    format!("is a dangling symbolic link (to {target}, which does not exist)"),
                    "remove the link or create what it points to",
                )),
            };
        }
        if meta.is_file() {
            Ok(Target::File(path.to_path_buf()))
        } else if is_stream(&meta) {
            Ok(Target::Stream(path.to_path_buf()))
        } else if meta.is_dir() {
            Err(refuse(
                path,
                "is a directory",
                "name a file inside it, such as DIR/form.pdf",
            ))
        } else {
            Err(refuse(
                path,
                "is neither a regular file nor a character device or FIFO",
                "choose another output path",
            ))
        }
    }
}

/// A character device or FIFO: written through, never replaced.
fn is_stream(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        kind.is_char_device() || kind.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

fn refuse(path: &Path, what: impl std::fmt::Display, help: &str) -> Error {
    Error::usage(format!("output {} {what}", path.display()), help)
}

/// Writes `bytes` to `path` as [`write_set`] does for one file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_set(&[(path.to_path_buf(), bytes)])
}

/// Writes every `(path, bytes)` of a set together: all targets are checked first, then all
/// temporaries written, then renamed into place. If a check or a temporary fails, no file of
/// the set is changed and the temporaries are removed.
pub fn write_set(files: &[(PathBuf, &[u8])]) -> Result<()> {
    let targets = files
        .iter()
        .map(|(path, _)| Target::of(path))
        .collect::<Result<Vec<_>>>()?;
    let mut staged = Vec::new();
    for (target, (_, bytes)) in targets.iter().zip(files) {
        if let Target::File(path) = target {
            sweep_once(parent(path));
            staged.push((path, stage(path, bytes)?));
        }
    }
    for (target, (_, bytes)) in targets.iter().zip(files) {
        match target {
            Target::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|()| out.flush())
                    .map_err(|source| Error::Write {
                        path: PathBuf::from("-"),
                        source,
                    })?;
            }
            Target::Stream(path) => std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut file| file.write_all(bytes))
                .map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?,
            Target::File(_) => {}
        }
    }
    for (path, file) in staged {
        file.persist(path).map_err(|err| Error::Write {
            path: path.clone(),
            source: err.error,
        })?;
    }
    Ok(())
}

/// Writes a temporary beside `path`, with the mode `path` will have: that of the regular file
/// it replaces (permission bits only, never setuid, setgid or sticky), or 0644 under the umask.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = parent(path);
    std::fs::create_dir_all(dir).map_err(error)?;
    let mut builder = tempfile::Builder::new();
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with 0644 so the umask applies, as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).map_err(error)?;
    file.write_all(bytes).map_err(error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // `Target::of` has established that an existing `path` is a regular file.
        if let Ok(existing) = std::fs::symlink_metadata(path) {
            let mode = existing.permissions().mode() & 0o777;
            file.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(error)?;
        }
    }
    Ok(file)
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Whether `a` and `b` name the same existing file (after following links), so that writing
/// `b` would destroy `a`.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(a), Ok(b)) if a.is_file() => {
            use std::os::unix::fs::MetadataExt;
            a.dev() == b.dev() && a.ino() == b.ino()
        }
        #[cfg(not(unix))]
        (Ok(meta), Ok(_)) if meta.is_file() => {
            std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
        }
        _ => false,
    }
}

/// Checks an output directory (`--out DIR`) before any form is written, creating it if
/// missing: a regular file or a dangling link there is one clear error, not one per form.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if meta.file_type().is_symlink() && std::fs::metadata(dir).is_err() {
            let target = std::fs::read_link(dir)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(Error::usage(
                format!(
                    "--out {} is a dangling symbolic link (to {target}, which does not exist)",
                    dir.display()
                ),
                "remove the link, create the directory it points to, or choose another --out",
            ));
        }
        if !std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
            return Err(Error::usage(
                format!("--out {} exists and is not a directory", dir.display()),
                "--out names a directory; choose another path or remove the file",
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })
}

/// When this process first wrote an output: temporaries older than that are earlier runs'.
static RUN_STARTED: OnceLock<SystemTime> = OnceLock::new();
/// The directories swept already by this process.
static SWEPT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Sweeps `dir` the first time this process writes there.
fn sweep_once(dir: &Path) {
    let started = *RUN_STARTED.get_or_init(SystemTime::now);
    // A panic elsewhere while holding the lock leaves a list that is still valid.
    let mut swept = SWEPT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !swept.iter().any(|d| d == dir) {
        swept.push(dir.to_path_buf());
        sweep_stale(dir, started);
    }
}

/// Removes the temporaries that earlier runs left in `dir` (killed before they could clean
/// up): only files named like ours, last modified before `started`, whose process is gone.
/// Best effort: a file that cannot be removed is left for the next run.
pub fn sweep_stale(dir: &Path, started: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let old = meta.modified().is_ok_and(|modified| modified < started);
        if meta.is_file() && old && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name, if `name` is one of ours.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    if random.is_empty() || !random.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` still runs (Linux: `/proc/<pid>` exists). Elsewhere the age test
/// alone decides.
fn process_alive(pid: u32) -> bool {
    pid == std::process::id()
        || (Path::new("/proc/self").exists() && Path::new(&format!("/proc/{pid}")).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised_exactly() {
        assert_eq!(temp_pid(".checkgen-123-aB9xYz.tmp"), Some(123));
        assert_eq!(temp_pid(".checkgen-123-.tmp"), None);
        assert_eq!(temp_pid(".checkgen-x-abc.tmp"), None);
        assert_eq!(temp_pid(".checkgen-123-abc.pdf"), None);
        assert_eq!(temp_pid("checkgen-123-abc.tmp"), None);
    }
}
