//! Pictures for `render`: the local PNG and JPEG files a Markdown document shows, read before
//! layout so that layout knows each one's size and the PDF writer has its pixels.
//!
//! A JPEG is kept as it is (the PDF embeds it with `DCTDecode`); only its frame header is read,
//! for the size and the number of colour components. A PNG is decoded to 8-bit grey or RGB
//! samples, its alpha channel set apart as a soft mask. Nothing is fetched: an `http:` or
//! `https:` image is reported, like a missing file or another format, and layout shows its
//! alternative text instead.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};

/// A picture ready to be embedded.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels.
    pub data: Pixels,
}

/// How a picture's pixels are stored.
#[derive(Clone, PartialEq, Eq)]
pub enum Pixels {
    /// A baseline or progressive JPEG file, unchanged.
    Jpeg {
        /// Colour components: 1 (grey), 3 (YCbCr / RGB) or 4 (CMYK).
        components: u8,
        /// An Adobe APP14 marker is present: its CMYK is stored inverted.
        adobe: bool,
        /// The file.
        bytes: Vec<u8>,
    },
    /// Decoded 8-bit samples, row by row.
    Samples {
        /// Colour components per pixel: 1 (grey) or 3 (RGB).
        components: u8,
        /// The colour samples.
        color: Vec<u8>,
        /// One opacity sample per pixel, when the image has transparency.
        alpha: Option<Vec<u8>>,
    },
}

impl fmt::Debug for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.data {
            Pixels::Jpeg { .. } => "JPEG",
            Pixels::Samples { alpha: None, .. } => "PNG",
            Pixels::Samples { .. } => "PNG with alpha",
        };
        write!(f, "{kind} {}×{}", self.width, self.height)
    }
}

/// Why an image is not laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An `http:`/`https:` (or other remote) address: nothing is fetched.
    Remote,
    /// No file at that path.
    Missing,
    /// A file that is neither PNG nor JPEG, or a kind of JPEG a PDF cannot carry.
    Unsupported,
    /// A PNG or JPEG that cannot be read, with the reason.
    Unreadable(String),
    /// In a heading or a table cell, where layout places no pictures.
    Placement,
    /// Not read: the document was laid out without its directory (only `checkgen render`
    /// reads image files).
    NotRead,
    /// In a Word document, which shows an image as its alternative text.
    Word,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Remote => write!(f, "an address, not a local file: nothing is fetched"),
            Problem::Missing => write!(f, "no such file"),
            Problem::Unsupported => write!(f, "not a PNG or baseline/progressive JPEG file"),
            Problem::Unreadable(reason) => write!(f, "unreadable: {reason}"),
            Problem::Placement => write!(f, "only pictures in paragraphs are laid out"),
            Problem::NotRead => write!(f, "image files are read only by `checkgen render`"),
            Problem::Word => write!(f, "the Word output shows its alternative text instead"),
        }
    }
}

/// The pictures of one document, by the address written in the Markdown.
#[derive(Debug, Clone, Default)]
pub struct Images {
    by_address: HashMap<String, Result<Arc<Picture>, Problem>>,
}

impl Images {
    /// Whether no image was read.
    pub fn is_empty(&self) -> bool {
        self.by_address.is_empty()
    }

    /// What `address` (as written in the Markdown) gave; `None` when it was not read, as for
    /// every image when no directory was given.
    pub fn get(&self, address: &str) -> Option<&Result<Arc<Picture>, Problem>> {
        self.by_address.get(address)
    }
}

/// Reads every image `markdown` shows, relative to `dir` (the Markdown file's directory).
/// Markdown without `![` has no image and costs one scan of its bytes.
pub fn load(markdown: &str, dir: &Path) -> Images {
    let mut images = Images::default();
    if !markdown.contains("![") {
        return images;
    }
    for event in Parser::new_ext(markdown, crate::layout::markdown_options()) {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if !images.by_address.contains_key(dest_url.as_ref()) {
                let picture = read(&dest_url, dir).map(Arc::new);
                images.by_address.insert(dest_url.into_string(), picture);
            }
        }
    }
    images
}

/// Reads the image at `address`.
fn read(address: &str, dir: &Path) -> Result<Picture, Problem> {
    let scheme = address
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|s| {
            s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
    if scheme.is_some() || address.starts_with("//") {
        return Err(Problem::Remote);
    }
    let path = dir.join(percent_decoded(address));
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Problem::Missing),
        Err(e) => return Err(Problem::Unreadable(e.to_string())),
    };
    decode(bytes)
}

/// `%20` and the like, as Markdown links write spaces; invalid escapes are kept as written.
fn percent_decoded(address: &str) -> String {
    let bytes = address.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| address.to_string())
}

/// A picture from a file's bytes, by their signature.
pub fn decode(bytes: Vec<u8>) -> Result<Picture, Problem> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(&bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else {
        Err(Problem::Unsupported)
    }
}

/// The frame header of a JPEG: size and components; the file is kept as it is.
fn jpeg(bytes: Vec<u8>) -> Result<Picture, Problem> {
    let unreadable = |what: &str| Problem::Unreadable(format!("JPEG {what}"));
    let mut at = 2;
    let mut adobe = false;
    loop {
        // Markers may be padded with 0xFF bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(unreadable("without a frame header"));
        };
        at += 2;
        // Markers without a length.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            continue;
        }
        if marker == 0xD9 || marker == 0xDA {
            return Err(unreadable("without a frame header"));
        }
        let length = bytes
            .get(at..at + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
            .filter(|&l| l >= 2)
            .ok_or_else(|| unreadable("cut short"))?;
        let segment = bytes
            .get(at + 2..at + length)
            .ok_or_else(|| unreadable("cut short"))?;
        match marker {
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            // Baseline, extended sequential and progressive Huffman frames: what DCTDecode
            // reads. Lossless, hierarchical and arithmetic-coded frames are not.
            0xC0..=0xC2 => {
                let [precision, h1, h0, w1, w0, components, ..] = *segment else {
                    return Err(unreadable("frame header cut short"));
                };
                let height = u32::from(u16::from_be_bytes([h1, h0]));
                let width = u32::from(u16::from_be_bytes([w1, w0]));
                if precision != 8 || !matches!(components, 1 | 3 | 4) {
                    return Err(Problem::Unsupported);
                }
                if width == 0 || height == 0 {
                    return Err(unreadable("of no size"));
                }
                // An Adobe marker may follow the frame header; look for it up to the scan.
                adobe |= adobe_marker_before_scan(&bytes, at + length);
                return Ok(Picture {
                    width,
                    height,
                    data: Pixels::Jpeg {
                        components,
                        adobe,
                        bytes,
                    },
                });
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return Err(Problem::Unsupported),
            _ => {}
        }
        at += length;
    }
}

/// Whether an Adobe APP14 segment comes between `at` and the start of the scan.
fn adobe_marker_before_scan(bytes: &[u8], mut at: usize) -> bool {
    while let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) {
        if marker == 0xDA || marker == 0xD9 {
            return false;
        }
        let Some(l) = bytes.get(at + 2..at + 4) else {
            return false;
        };
        let length = usize::from(u16::from_be_bytes([l[0], l[1]]));
        if marker == 0xEE && bytes.get(at + 4..at + 9) == Some(b"Adobe") {
            return true;
        }
        at += 2 + length.max(2);
    }
    false
}

/// A PNG decoded to 8-bit grey or RGB samples, with its alpha channel set apart.
fn png(bytes: &[u8]) -> Result<Picture, Problem> {
    let failed = |e: png::DecodingError| Problem::Unreadable(format!("PNG: {e}"));
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // Palettes and low bit depths expanded, transparency chunks made an alpha channel,
    // 16-bit samples cut to 8.
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(failed)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| Problem::Unreadable("PNG too large".into()))?;
    let mut buffer = vec![0; size];
    let info = reader.next_frame(&mut buffer).map_err(failed)?;
    buffer.truncate(info.buffer_size());
    let (components, has_alpha) = match info.color_type {
        png::ColorType::Grayscale => (1, false),
        png::ColorType::GrayscaleAlpha => (1, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (3, true),
        // EXPAND turns palettes into RGB(A).
        png::ColorType::Indexed => return Err(Problem::Unsupported),
    };
    let (color, alpha) = if has_alpha {
        let stride = usize::from(components) + 1;
        let mut color = Vec::with_capacity(buffer.len() / stride * usize::from(components));
        let mut alpha = Vec::with_capacity(buffer.len() / stride);
        for pixel in buffer.chunks_exact(stride) {
            color.extend_from_slice(&pixel[..stride - 1]);
            alpha.push(pixel[stride - 1]);
        }
        // Fully opaque: no mask needed.
        let alpha = alpha.iter().any(|&a| a != 0xFF).then_some(alpha);
        (color, alpha)
    } else {
        (buffer, None)
    };
    Ok(Picture {
        width: info.width,
        height: info.height,
        data: Pixels::Samples {
            components,
            color,
            alpha,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_and_other_schemes_are_not_read() {
        let dir = Path::new("/nonexistent");
        assert_eq!(read("https://example.com/a.png", dir), Err(Problem::Remote));
        assert_eq!(read("HTTP://example.com/a.png", dir), Err(Problem::Remote));
        assert_eq!(read("//example.com/a.png", dir), Err(Problem::Remote));
        assert_eq!(read("a.png", dir), Err(Problem::Missing));
        assert_eq!(read("file:///etc/passwd", dir), Err(Problem::Remote));
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decoded("my%20picture.png"), "my picture.png");
        assert_eq!(percent_decoded("100%.png"), "100%.png");
        assert_eq!(percent_decoded("图%E7%89%87.png"), "图片.png");
    }

    #[test]
    fn other_formats_and_broken_files_are_reported() {
        assert_eq!(decode(b"GIF89a".to_vec()), Err(Problem::Unsupported));
        assert!(matches!(
            decode(vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00]),
            Err(Problem::Unreadable(_))
        ));
        // A lossless JPEG frame.
        let lossless = [0xFF, 0xD8, 0xFF, 0xC3, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0];
        assert_eq!(decode(lossless.to_vec()), Err(Problem::Unsupported));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\nbroken".to_vec()),
            Err(Problem::Unreadable(_))
        ));
    }

    #[test]
    fn a_jpeg_frame_header_gives_size_and_components() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        jpeg.extend_from_slice(&[0xFF, 0xC2, 0, 17, 8, 0, 20, 0, 30, 3]);
        jpeg.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        jpeg.extend_from_slice(&[0xFF, 0xEE, 0, 7, b'A', b'd', b'o', b'b', b'e']);
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        let picture = decode(jpeg).unwrap();
        assert_eq!((picture.width, picture.height), (30, 20));
        let Pixels::Jpeg {
            components, adobe, ..
        } = picture.data
        else {
            panic!("a JPEG");
        };
        assert_eq!((components, adobe), (3, true));
    }
}
