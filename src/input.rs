//! Reading a user's directory (`--rules DIR`, `--templates DIR`): its files with the given
//! extensions, sorted by name, each with the error naming the path that failed.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One file read from a directory.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The file name alone (`security.yaml`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The regular files of `dir` whose extension is one of `extensions`, sorted by name.
pub fn files_in(dir: &Path, extensions: &[&str]) -> Result<Vec<InputFile>> {
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Read { path, source }
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error(dir))? {
        let path = entry.map_err(read_error(dir))?.path();
        let wanted = path
            .extension()
            .is_some_and(|ext| extensions.iter().any(|e| ext == *e));
        if !wanted || !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(read_error(&path))?;
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        files.push(InputFile { path, name, bytes });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}
