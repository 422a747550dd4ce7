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

/// Why bytes are not UTF-8 text, and where (1-based; the column counts characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// The bytes as UTF-8 text, or where they stop being UTF-8 and, when the file looks like it,
/// which encoding it seems to be in (UTF-16 by its byte-order mark or its zero bytes, GBK by
/// its byte pairs). Never guesses a conversion: the user saves the file as UTF-8.
pub fn utf8_text(bytes: Vec<u8>) -> Result<String, EncodingError> {
    let save = "save the file as UTF-8 (in most editors: Save As… → Encoding: UTF-8)";
    if looks_like_utf16(&bytes) {
        return Err(EncodingError {
            line: 1,
            column: 1,
            message: "this file looks like UTF-16, not UTF-8".into(),
            help: save.into(),
        });
    }
    let invalid = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(invalid) => invalid,
    };
    let bytes = invalid.as_bytes();
    let good = invalid.utf8_error().valid_up_to();
    let before = std::str::from_utf8(&bytes[..good]).expect("valid up to `valid_up_to`");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let message = if looks_like_gbk(&bytes[good..]) {
        "invalid UTF-8 here; the text looks like GBK (GB 18030), not UTF-8"
    } else {
        "invalid UTF-8 here"
    };
    Err(EncodingError {
        line,
        column,
        message: message.into(),
        help: save.into(),
    })
}

/// A UTF-16 byte-order mark, or zero bytes in most pairs of the first kilobyte (ASCII text in
/// UTF-16), which UTF-8 text never has.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(1024)];
    let pairs = head.len() / 2;
    let zero = head.chunks_exact(2).filter(|p| p.contains(&0)).count();
    pairs >= 2 && zero * 2 > pairs
}

/// Whether the bytes from the first invalid one on read as GBK: double-byte characters (lead
/// 0x81–0xFE, trail 0x40–0xFE but 0x7F) among ASCII, for the first few characters at least.
fn looks_like_gbk(bytes: &[u8]) -> bool {
    let mut pairs = 0;
    let mut i = 0;
    while i < bytes.len() && pairs < 8 {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&t) if (0x81..=0xFE).contains(&b) && (0x40..=0xFE).contains(&t) && t != 0x7F => {
                pairs += 1;
                i += 2;
            }
            _ => return false,
        }
    }
    pairs > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located_and_named() {
        // 安全 in GBK: B0 B2 C8 AB.
        let mut bytes = b"domain: x\nname: ".to_vec();
        bytes.extend([0xB0, 0xB2, 0xC8, 0xAB]);
        let err = utf8_text(bytes).unwrap_err();
        assert_eq!((err.line, err.column), (2, 7));
        assert!(err.message.contains("GBK"), "{}", err.message);
        let utf16: Vec<u8> = "domain: x\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(utf8_text(utf16).unwrap_err().message.contains("UTF-16"));
        let err = utf8_text(vec![b'a', 0xFF, b'b']).unwrap_err();
        assert_eq!(err.message, "invalid UTF-8 here");
        assert_eq!(utf8_text("名称: 安全".into()).unwrap(), "名称: 安全");
    }
}
